package river

import (
	"math"
	"reflect"
	"testing"
	"time"
)

func closedProblem(reg string, onTime bool) Problem {
	p := Problem{State: StateClosed, Regions: []string{reg}, Deadline: t0}
	p.FeedbackAt = t0.Add(-time.Hour)
	if !onTime {
		p.FeedbackAt = t0.Add(time.Hour)
	}
	return p
}

// assessmentFixture, worked by hand:
//
//	金堂 510121: chiefs 3 of 4 compliant = 0.75; problems counted 4 (the
//	  rejected and the unaccepted ones drop out), closed 3 → 0.75, on time 2
//	  of 3; sections 1 of 2 meet the target → 0.5.
//	  score = (30×0.75 + 30×0.75 + 20×2/3 + 20×0.5) / 100 × 100 = 68.333… → 68.33
//	简阳 510185: chiefs 2 of 2 = 1; no problems (办结 and 按期 drop out);
//	  sections 1 of 1. score = (30×1 + 20×1) / 50 × 100 = 100
//	雁江 512002: chiefs 0 of 1; 1 problem closed on time; no sections.
//	  score = (30×0 + 30×1 + 20×1) / 80 × 100 = 62.5
func assessmentFixture() AssessmentInput {
	return AssessmentInput{
		Units: []string{"510121", "510185", "512002"},
		Compliance: []Compliance{
			{Region: "510121", Compliant: true}, {Region: "510121", Compliant: true}, {Region: "510121", Compliant: true}, {Region: "510121"},
			{Region: "510185", Compliant: true}, {Region: "510185", Compliant: true},
			{Region: "512002"},
		},
		Problems: []Problem{
			closedProblem("510121", true), closedProblem("510121", true), closedProblem("510121", false),
			{State: StateHandling, Regions: []string{"510121"}},
			{State: StateRejected, Regions: []string{"510121"}},
			{State: StateReported, Regions: []string{"510121"}},
			closedProblem("512002", true),
		},
		Sections: []SectionResult{
			{Region: "510121", Target: ClassIII, Actual: ClassIII},
			{Region: "510121", Target: ClassIII, Actual: ClassIV},
			{Region: "510185", Target: ClassIII, Actual: ClassII},
			{Region: "510185", Target: ClassIII, Actual: 0}, // no readings: not counted
		},
	}
}

func TestAssessHandWorked(t *testing.T) {
	got, err := DefaultAssessmentConfig().Assess(assessmentFixture())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Region string
		Score  float64
		Rank   int
	}
	var rows []row
	for _, u := range got {
		rows = append(rows, row{u.Region, u.Score, u.Rank})
	}
	want := []row{{"510185", 100, 1}, {"510121", 68.33, 2}, {"512002", 62.5, 3}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("%+v", rows)
	}
	jt := got[1].Rates
	if jt[IndPatrol] != (Rate{3, 4}) || jt[IndClosed] != (Rate{3, 4}) || jt[IndOnTime] != (Rate{2, 3}) || jt[IndQuality] != (Rate{1, 2}) {
		t.Fatalf("金堂 rates %+v", jt)
	}
	if got[0].Rates[IndClosed].Valid() || got[0].Rates[IndClosed].Value() != 0 {
		t.Fatal("简阳 has no problems")
	}
}

// The city 成都 510100 collects 金堂 and 简阳: chiefs 5 of 6, closed 3 of 4,
// on time 2 of 3, sections 2 of 3:
// 30×5/6 + 30×0.75 + 20×2/3 + 20×2/3 = 25 + 22.5 + 13.333 + 13.333 = 74.1666… → 74.17.
// 资阳 512000 = 雁江 → 62.5.
func TestAssessCities(t *testing.T) {
	in := assessmentFixture()
	in.Units = []string{"512000", "510100"}
	got, err := DefaultAssessmentConfig().Assess(in)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Region != "510100" || got[0].Score != 74.17 || got[1].Region != "512000" || got[1].Score != 62.5 || got[1].Rank != 2 {
		t.Fatalf("%+v", got)
	}
}

func TestAssessTiesAndJointProblems(t *testing.T) {
	in := AssessmentInput{
		Units: []string{"510105", "510121", "512002", "510104"},
		// A problem on a reach shared by 金堂 and 雁江 counts for both.
		Problems: []Problem{{State: StateClosed, Regions: []string{"510121", "512002"}, Deadline: t0, FeedbackAt: t0}},
	}
	got, err := DefaultAssessmentConfig().Assess(in)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	var ranks []int
	for _, u := range got {
		order = append(order, u.Region)
		ranks = append(ranks, u.Rank)
	}
	// 金堂 and 雁江 100 (tie, by code), then 锦江区 and 青羊区 with no data 0 (tie).
	if !reflect.DeepEqual(order, []string{"510121", "512002", "510104", "510105"}) || !reflect.DeepEqual(ranks, []int{1, 1, 3, 3}) {
		t.Fatalf("%v %v", order, ranks)
	}
	// A joint problem of 金堂 and 简阳 counts once for 成都 and once for the province.
	in = AssessmentInput{Units: []string{"510100", "510121", "510185", "510000"},
		Problems: []Problem{{State: StateHandling, Regions: []string{"510121", "510185"}}}}
	got, _ = DefaultAssessmentConfig().Assess(in)
	for _, u := range got {
		if u.Rates[IndClosed] != (Rate{0, 1}) {
			t.Errorf("%s counts %+v", u.Region, u.Rates[IndClosed])
		}
	}
}

func TestAssessRefusals(t *testing.T) {
	for _, c := range []struct {
		cfg  AssessmentConfig
		in   AssessmentInput
		want string
	}{
		{DefaultAssessmentConfig(), AssessmentInput{Units: []string{"999999"}}, "考核单位“999999”不是成德眉资的行政区划代码"},
		{DefaultAssessmentConfig(), AssessmentInput{Units: []string{"510121", "510121"}}, "考核单位“510121”重复"},
		{AssessmentConfig{Weights: map[Indicator]float64{IndPatrol: -1}}, AssessmentInput{}, "考核权重“巡河达标率”必须为非负数"},
		{AssessmentConfig{}, AssessmentInput{}, "考核权重不能全部为零"},
	} {
		if _, err := c.cfg.Assess(c.in); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

func TestSectionAttainment(t *testing.T) {
	s := std(t)
	// TP mean (0.18 + 0.26) / 2 = 0.22 → Ⅳ (表1 row 8 河流 (0.2, 0.3]); target Ⅲ missed.
	r, err := SectionAttainment(s, "S1", "510121", ClassIII, []Sample{
		{Values: map[string]float64{"TP": 0.18, "NH3N": 0.3}},
		{Values: map[string]float64{"总磷": 0.26, "NH3N": 0.5}},
	}, Options{})
	if err != nil || r.Actual != ClassIV || r.Target != ClassIII {
		t.Fatalf("%+v %v", r, err)
	}
	_, err = SectionAttainment(s, "S1", "510121", ClassIII, []Sample{{Values: map[string]float64{"TP": 0.1}}, {Values: map[string]float64{"TP": -1}}}, Options{})
	if err == nil || err.Error() != "断面S1第2次监测：总磷的浓度-1为负数，浓度不能为负，请检查数据" {
		t.Fatal(err)
	}
	r, _ = SectionAttainment(s, "S2", "510121", ClassIII, nil, Options{})
	if r.Actual != 0 {
		t.Fatal("no samples, no class")
	}
	if math.IsNaN(Rate{}.Value()) {
		t.Fatal("empty rate")
	}
}

// BenchmarkAssessBulletinScale: the 2022 bulletin's scale — 12,282 chiefs,
// 75,000 problems (73,000 closed), 200 sections — ranked over the four
// cities and their 35 counties.
func BenchmarkAssessBulletinScale(b *testing.B) {
	var counties, units []string
	for _, c := range []string{"510100", "510600", "511400", "512000"} {
		units = append(units, c)
		for _, r := range regionChildren(c) {
			counties = append(counties, r)
			units = append(units, r)
		}
	}
	in := AssessmentInput{Units: units}
	for i := 0; i < 12282; i++ {
		in.Compliance = append(in.Compliance, Compliance{Region: counties[i%len(counties)], Compliant: i%7 != 0})
	}
	for i := 0; i < 75000; i++ {
		p := closedProblem(counties[i%len(counties)], i%5 != 0)
		if i >= 73000 {
			p.State = StateHandling
		}
		in.Problems = append(in.Problems, p)
	}
	for i := 0; i < 200; i++ {
		in.Sections = append(in.Sections, SectionResult{Region: counties[i%len(counties)], Target: ClassIII, Actual: Class(1 + i%6)})
	}
	cfg := DefaultAssessmentConfig()
	b.ResetTimer()
	for b.Loop() {
		if _, err := cfg.Assess(in); err != nil {
			b.Fatal(err)
		}
	}
}
