package credit

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestCalendar(t *testing.T) {
	c := DefaultCalendar()
	if !strings.Contains(c.Source, "国务院办公厅") {
		t.Fatal(c.Source)
	}
	for _, y := range []int{2022, 2023, 2024, 2025, 2026} {
		if !c.Covers(y) {
			t.Fatalf("%d missing", y)
		}
	}
	if c.Covers(2027) {
		t.Fatal("2027 covered")
	}
	// Each case from the State Council notice of that year.
	for day, want := range map[string]bool{
		"2022-01-29": true,  // Sat, 春节调休上班
		"2022-06-06": true,  // Mon after 端午 6/3–6/5
		"2022-10-07": false, // 国庆
		"2023-04-05": false, // Wed, 清明 one day
		"2023-06-25": true,  // Sun, 端午调休上班
		"2024-02-04": true,  // Sun, 春节调休上班
		"2024-02-12": false, // Mon, 春节
		"2024-06-10": false, // Mon, 端午
		"2024-10-12": true,  // Sat, 国庆调休上班
		"2025-01-01": false, // 元旦
		"2025-02-08": true,  // Sat, 春节调休上班
		"2025-10-08": false, // Wed, 国庆中秋 8 days
		"2026-01-04": true,  // Sun, 元旦调休上班
		"2026-02-23": false, // Mon, 春节 9 days
		"2026-10-10": true,  // Sat
		"2026-11-28": false, // ordinary Saturday
		"2027-03-01": true,  // uncovered year: weekdays only
	} {
		if got := c.IsWorkday(d(day)); got != want {
			t.Errorf("%s: %v", day, got)
		}
	}
	// By hand: after Fri 2024-09-27 the working days are 9/29 (Sun, 调休),
	// 9/30, 10/8, 10/9, 10/10, 10/11, 10/12 (Sat, 调休) → the 7th is 10-12.
	if got := c.AddWorkdays(d("2024-09-27"), 7); FormatDate(got) != "2024-10-12" {
		t.Fatal(got)
	}
	// After Fri 2025-01-24: 1/26 (Sun, 调休), 1/27, 2/5, 2/6, 2/7, 2/8 (Sat), 2/10.
	if got := c.AddWorkdays(d("2025-01-24"), 7); FormatDate(got) != "2025-02-10" {
		t.Fatal(got)
	}
	if n := c.WorkdaysBetween(d("2024-09-27"), d("2024-10-12")); n != 7 {
		t.Fatal(n)
	}
	if h, ok := c.Holiday(d("2023-10-01")); !ok || h != "中秋节、国庆节" {
		t.Fatal(h)
	}
	if _, err := ParseCalendar([]byte(`{"years":{"2024":{"notice":"国务院办公厅关于2024年部分节假日安排的通知","holidays":[["2024-10-01","2024-10-07","国庆节"]],"workdays":["2024-10-14"]}}}`)); err == nil || !strings.Contains(err.Error(), "2024-10-14 是周一，不是周六或周日") {
		t.Fatal("a Monday as adjusted workday:", err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// A small fixture month, October 2024, recomputed by hand in the comments.
func TestBulletinFixtureMonth(t *testing.T) {
	const wh, tax, jt = "成都市武侯区市场监督管理局", "成都市税务局", "德阳市交通运输局"
	recs := []RecordSummary{
		{TypePenalty, "510100", wh, "", d("2024-09-27"), d("2024-10-12"), false, 15, 15},  // 1 timely (deadline 10-12)
		{TypePenalty, "510100", wh, "", d("2024-09-27"), d("2024-10-14"), false, 15, 14},  // 2 late
		{TypeLicence, "510100", tax, "", d("2024-10-08"), d("2024-10-09"), false, 11, 11}, // 3 timely
		{TypeLicence, "510100", tax, "", time.Time{}, d("2024-10-10"), true, 11, 8},       // 4 rejected
		{TypeCoercion, "510600", jt, "", d("2024-10-15"), d("2024-10-16"), false, 10, 10}, // 5 timely
		{TypeReward, "510600", jt, "", d("2024-10-15"), d("2024-10-16"), false, 10, 10},   // 6 not counted
		{TypeLicence, "510600", jt, "", d("2024-09-02"), d("2024-09-03"), false, 11, 11},  // 7 September
		{TypePenalty, "510100", wh, "", d("2024-09-09"), d("2024-09-10"), false, 15, 15},  // 8 September
		{TypePenalty, "510100", wh, "", d("2024-08-01"), d("2024-08-05"), false, 15, 15},  // 9 August
		{TypePenalty, "510100", wh, "", d("2024-10-30"), d("2024-11-01"), false, 15, 15},  // 10 November: ignored
	}
	b := ComputeBulletin(DefaultBulletinConfig(), 2024, time.October, recs)
	if len(b.Warnings) != 0 || len(b.Types) != 7 {
		t.Fatal(b.Warnings, b.Types)
	}
	check := func(name string, l BulletinLine, sub, rec, rej, cum, timely, prev int, timelyRate, rejRate, compl float64, momKnown bool, mom, score float64, rank int) {
		t.Helper()
		if l.Submitted != sub || l.Received != rec || l.Rejected != rej || l.Cumulative != cum || l.Timely != timely || l.PrevReceived != prev ||
			!near(l.TimelyRate, timelyRate) || !near(l.RejectionRate, rejRate) || !near(l.Completeness, compl) || l.MoMKnown != momKnown ||
			!near(l.MoMChange, mom) || !near(l.Score, score) || l.Rank != rank {
			t.Errorf("%s: %+v", name, l)
		}
	}
	// Total: submitted 1–5, received 1,2,3,5, rejected 4; timely 1,3,5;
	// cumulative 1,2,3,5,7,8,9; September 7,8 → MoM (4 − 2)/2 = 1;
	// fields filled 15+14+11+8+10 = 58 of 15+15+11+11+10 = 62.
	check("total", b.Total, 5, 4, 1, 7, 3, 2, 3.0/4, 1.0/5, 58.0/62, true, 1, 40*3.0/4+30*58.0/62+30*4.0/5, 0)
	// Cities ranked: 德阳 score 40+30+30 = 100; 成都 40·2/3 + 30·48/52 + 30·3/4;
	// 眉山 and 资阳 had nothing and share rank 3.
	if len(b.Cities) != 4 || b.Cities[0].Key != "510600" || b.Cities[1].Key != "510100" || b.Cities[2].Key != "511400" || b.Cities[3].Key != "512000" {
		t.Fatalf("%+v", b.Cities)
	}
	check("德阳", b.Cities[0], 1, 1, 0, 2, 1, 1, 1, 0, 1, true, 0, 100, 1)
	check("成都", b.Cities[1], 4, 3, 1, 5, 2, 1, 2.0/3, 1.0/4, 48.0/52, true, 2, 40*2.0/3+30*48.0/52+30*3.0/4, 2)
	check("眉山", b.Cities[2], 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 3)
	check("资阳", b.Cities[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 3)
	// Departments: 交通局 100; 税务局 40·1 + 30·19/22 + 30·1/2 = 80.909…;
	// 武侯 40·1/2 + 30·29/30 + 30 = 79.
	if len(b.Departments) != 3 || b.Departments[0].Name != jt || b.Departments[1].Name != tax || b.Departments[2].Name != wh {
		t.Fatalf("%+v", b.Departments)
	}
	check("交通局", b.Departments[0], 1, 1, 0, 2, 1, 1, 1, 0, 1, true, 0, 100, 1)
	check("税务局", b.Departments[1], 2, 1, 1, 1, 1, 0, 1, 0.5, 19.0/22, false, 0, 40+30*19.0/22+15, 2)
	check("武侯", b.Departments[2], 2, 2, 0, 4, 1, 1, 0.5, 0, 29.0/30, true, 1, 20+29+30, 3)
	if b.Departments[2].Key != "510100|"+wh || b.Departments[2].CityCode != "510100" {
		t.Fatal(b.Departments[2].Key)
	}
	// By type, in config order.
	if b.ByType[0].Key != "行政许可" || b.ByType[1].Key != "行政处罚" || b.ByType[2].Key != "行政强制" {
		t.Fatal(b.ByType)
	}
	check("许可", b.ByType[0], 2, 1, 1, 2, 1, 1, 1, 0.5, 19.0/22, true, 0, 40+30*19.0/22+15, 0)
	check("处罚", b.ByType[1], 2, 2, 0, 4, 1, 1, 0.5, 0, 29.0/30, true, 1, 79, 0)
	check("强制", b.ByType[2], 1, 1, 0, 1, 1, 0, 1, 0, 1, false, 0, 100, 0)
	if b.CityType["510100"][TypePenalty] != 2 || b.CityType["510100"][TypeLicence] != 1 || b.CityType["510600"][TypeCoercion] != 1 || b.CityType["510600"][TypeReward] != 0 {
		t.Fatal(b.CityType)
	}

	// The counted types are configuration: with 行政奖励 instead of 行政检查,
	// record 6 counts for 德阳.
	cfg := DefaultBulletinConfig()
	cfg.Types = []RecordType{TypeLicence, TypePenalty, TypeCoercion, TypeConfirmation, TypeLevy, TypeBenefit, TypeReward}
	b2 := ComputeBulletin(cfg, 2024, time.October, recs)
	if b2.Total.Received != 5 || b2.Cities[0].Key != "510600" || b2.Cities[0].Received != 2 {
		t.Fatalf("%+v", b2.Total)
	}
	// An uncovered year and an unknown city are warned about.
	b3 := ComputeBulletin(DefaultBulletinConfig(), 2027, time.March, []RecordSummary{{TypePenalty, "510300", "x", "", d("2027-03-01"), d("2027-03-02"), false, 1, 1}})
	want := []string{"节假日表缺少2027年（未载入《国务院办公厅关于2027年部分节假日安排的通知》）：该年的工作日只按周一至周五计算，未计法定节假日和调休上班日，及时率可能不准；本月有1条记录的报送期限按该年计算。通知发布后请管理员按说明补充该年节假日（TONGCHENG_CREDIT_HOLIDAYS）",
		"1条记录的地市不是成德眉资四市之一，只计入合计和部门"}
	if strings.Join(b3.Warnings, "|") != strings.Join(want, "|") || b3.Total.Received != 1 {
		t.Fatal(b3.Warnings)
	}
}

func TestRequiredFieldCount(t *testing.T) {
	r := goodPenalty()
	if f, n := RequiredFieldCount(&r); f != 15 || n != 15 {
		t.Fatal(f, n)
	}
	r.Penalty.Facts = ""
	r.AuthorityID = ""
	if f, n := RequiredFieldCount(&r); f != 13 || n != 15 {
		t.Fatal(f, n)
	}
	l := Record{Type: TypeLicence, PartyCategory: PartyPerson, IDNo: "x"}
	if f, n := RequiredFieldCount(&l); f != 2 || n != 12 {
		t.Fatal(f, n)
	}
}

func TestParseBulletinTypes(t *testing.T) {
	got, err := ParseBulletinTypes("行政许可, 处罚、QZ，行政确认;征收 给付\tJL")
	want := []RecordType{TypeLicence, TypePenalty, TypeCoercion, TypeConfirmation, TypeLevy, TypeBenefit, TypeReward}
	if err != nil || strings.Join(typeNames(got), ",") != strings.Join(typeNames(want), ",") {
		t.Fatalf("%v %v", got, err)
	}
	for in, msg := range map[string]string{
		" ,、":       "TONGCHENG_CREDIT_BULLETIN_TYPES 为空：请列出月通报统计的行政管理信息类别，如 行政许可,行政处罚,行政强制,行政征收,行政给付,行政检查,行政确认",
		"行政许可,行政赔偿": "TONGCHENG_CREDIT_BULLETIN_TYPES 中的“行政赔偿”不是行政管理信息类别，可用：行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励、行政裁决（或简称、代码 XK、CF…）",
		"许可,XK":     "TONGCHENG_CREDIT_BULLETIN_TYPES 中“行政许可”重复，请每个类别只写一次",
	} {
		if _, err := ParseBulletinTypes(in); err == nil || err.Error() != msg {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func typeNames(ts []RecordType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// TestBulletinDepartmentByCode: a department is its unit's 统一社会信用代码, so
// the names it is written with are one line, named as last submitted; a row
// without a code is a department by its name.
func TestBulletinDepartmentByCode(t *testing.T) {
	const unit = "11510104700000018Q"
	recs := []RecordSummary{
		{TypePenalty, "510100", "成都市锦江区市场监督管理局", unit, d("2024-10-08"), d("2024-10-09"), false, 15, 15},
		{TypePenalty, "510100", "锦江区市场监督管理局", unit, d("2024-10-10"), d("2024-10-11"), false, 15, 15},
		{TypePenalty, "510100", "锦江区市场监管局", unit, d("2024-09-10"), d("2024-09-11"), false, 15, 15}, // older name, September
		{TypePenalty, "510100", "锦江区市场监督管理局", "", time.Time{}, d("2024-10-12"), true, 15, 10},      // refused, no code
	}
	b := ComputeBulletin(DefaultBulletinConfig(), 2024, time.October, recs)
	if len(b.Departments) != 2 {
		t.Fatalf("%+v", b.Departments)
	}
	byKey := map[string]BulletinLine{}
	for _, l := range b.Departments {
		byKey[l.Key] = l
	}
	if l := byKey["510100|"+unit]; l.Name != "锦江区市场监督管理局" || l.Received != 2 || l.Cumulative != 3 || l.PrevReceived != 1 {
		t.Errorf("by code: %+v", l)
	}
	if l := byKey["510100|锦江区市场监督管理局"]; l.Rejected != 1 || l.Submitted != 1 {
		t.Errorf("by name: %+v", l)
	}
}

// TestBulletinTimelinessAcrossNationalDay: October 2025 by hand, over the
// notice 国办发明电〔2024〕12号 (国庆节、中秋节 10月1日至8日放假调休; 9月28日
// （周日）、10月11日（周六）上班). Three records decided Friday 09-26 and one
// decided Thursday 10-09, all accepted and complete. Working days after 09-26:
// 09-28 (Sun, worked) 1, 09-29 2, 09-30 3, 10-09 4, 10-10 5, 10-11 (Sat,
// worked) 6, 10-13 7, 10-14 8. After 10-09: 10-10 1, 10-11 2, 10-13 3,
// 10-14 4, 10-15 5, 10-16 6, 10-17 7, 10-20 8.
func TestBulletinTimelinessAcrossNationalDay(t *testing.T) {
	const u = "成都市青羊区市场监督管理局"
	recs := []RecordSummary{
		{TypePenalty, "510100", u, "", d("2025-09-26"), d("2025-10-11"), false, 15, 15}, // A, on the worked Saturday
		{TypePenalty, "510100", u, "", d("2025-09-26"), d("2025-10-13"), false, 15, 15}, // B
		{TypePenalty, "510100", u, "", d("2025-09-26"), d("2025-10-14"), false, 15, 15}, // C
		{TypePenalty, "510100", u, "", d("2025-10-09"), d("2025-10-17"), false, 15, 15}, // D
	}
	for _, c := range []struct {
		deadline     int
		timely       int
		due0926      string
		note         string
		wantWarnings int
	}{
		{7, 3, "2025-10-13", "A, B on or before 10-13, C late; D's 7th is 10-17: timely", 0},
		{5, 0, "2025-10-10", "all of 09-26 after 10-10; D's 5th is 10-15: late", 0},
		{6, 1, "2025-10-11", "A only; D's 6th is 10-16: late", 0},
		{8, 4, "2025-10-14", "A, B, C; D's 8th is 10-20: timely", 0},
	} {
		cfg := DefaultBulletinConfig()
		cfg.DeadlineWorkdays = c.deadline
		if got := FormatDate(DefaultCalendar().AddWorkdays(d("2025-09-26"), c.deadline)); got != c.due0926 {
			t.Errorf("%d working days after 09-26: %s, want %s", c.deadline, got, c.due0926)
		}
		b := ComputeBulletin(cfg, 2025, time.October, recs)
		rate := float64(c.timely) / 4
		if b.Total.Timely != c.timely || !near(b.Total.TimelyRate, rate) || !near(b.Total.Score, 40*rate+30+30) || b.DeadlineWorkdays != c.deadline || len(b.Warnings) != c.wantWarnings {
			t.Errorf("deadline %d (%s): timely %d, rate %v, score %v, warnings %q", c.deadline, c.note, b.Total.Timely, b.Total.TimelyRate, b.Total.Score, b.Warnings)
		}
	}
	// Without the 2025 notice the same month would count Monday–Friday only:
	// after 09-26 the 7th weekday is 10-07 (09-29, 30, 10-01, 02, 03, 06, 07),
	// so A, B, C are late; after 10-09 the weekdays are 10-10, 13, 14, 15, 16,
	// 17, 20, so D (the 7th is 10-20) is timely — and the bulletin says the
	// year is missing.
	var noYear *Calendar
	{
		c, err := ParseCalendar([]byte(`{"years":{"2024":{"notice":"国务院办公厅关于2024年部分节假日安排的通知","holidays":[["2024-10-01","2024-10-07","国庆节"]]}}}`))
		if err != nil {
			t.Fatal(err)
		}
		noYear = c
	}
	cfg := DefaultBulletinConfig()
	cfg.Calendar = noYear
	b := ComputeBulletin(cfg, 2025, time.October, recs)
	if b.Total.Timely != 1 || len(b.Warnings) != 1 || !strings.HasPrefix(b.Warnings[0], "节假日表缺少2025年（未载入《国务院办公厅关于2025年部分节假日安排的通知》）") ||
		!strings.Contains(b.Warnings[0], "本月有4条记录的报送期限按该年计算") {
		t.Errorf("weekdays only: timely %d, warnings %q", b.Total.Timely, b.Warnings)
	}
}

// TestBulletinWarnsOfMissingYear: the December 2026 bulletin is in a covered
// year, but a deadline counted from 12-24 runs into 2027, whose notice the
// calendar does not have: 12-25, 28, 29, 30, 31, 2027-01-01, 01-04 (1月1日
// counted as a weekday). The bulletin says so instead of counting it silently;
// a record wholly in December does not count.
func TestBulletinWarnsOfMissingYear(t *testing.T) {
	const u = "资阳市雁江区市场监督管理局"
	recs := []RecordSummary{
		{TypePenalty, "512000", u, "", d("2026-12-24"), d("2026-12-31"), false, 15, 15},
		{TypePenalty, "512000", u, "", d("2026-12-01"), d("2026-12-02"), false, 15, 15},
	}
	b := ComputeBulletin(DefaultBulletinConfig(), 2026, time.December, recs)
	want := "节假日表缺少2027年（未载入《国务院办公厅关于2027年部分节假日安排的通知》）：该年的工作日只按周一至周五计算，未计法定节假日和调休上班日，及时率可能不准；本月有1条记录的报送期限按该年计算。通知发布后请管理员按说明补充该年节假日（TONGCHENG_CREDIT_HOLIDAYS）"
	if len(b.Warnings) != 1 || b.Warnings[0] != want || b.Total.Timely != 2 {
		t.Errorf("%q, timely %d", b.Warnings, b.Total.Timely)
	}
	// November 2026: nothing reaches 2027, no warning
	if b := ComputeBulletin(DefaultBulletinConfig(), 2026, time.November, []RecordSummary{{TypePenalty, "512000", u, "", d("2026-11-02"), d("2026-11-03"), false, 15, 15}}); len(b.Warnings) != 0 || yearList(b.CalendarYears) != "2022–2026" {
		t.Errorf("%q %v", b.Warnings, b.CalendarYears)
	}
	// January 2027 with no record at all still says the year is missing
	b = ComputeBulletin(DefaultBulletinConfig(), 2027, time.January, nil)
	if len(b.Warnings) != 1 || !strings.HasPrefix(b.Warnings[0], "节假日表缺少2027年") || strings.Contains(b.Warnings[0], "本月有") {
		t.Errorf("%q", b.Warnings)
	}
}

// TestBulletinSettings: the embedded deadline and weights with their
// sources, and what a changed file may get wrong.
func TestBulletinSettings(t *testing.T) {
	cfg := DefaultBulletinConfig()
	if cfg.DeadlineWorkdays != 7 || cfg.WeightTimely != 40 || cfg.WeightComplete != 30 || cfg.WeightAccepted != 30 ||
		!strings.Contains(cfg.DeadlineSource, "发改办财金〔2018〕424号") || !strings.HasPrefix(cfg.WeightsSource, "本平台自定的排名权重，不是任何文件公布的标准") || len(cfg.Types) != 7 {
		t.Fatalf("%+v", cfg)
	}
	good := `{"deadline_workdays": 5, "deadline_source": "某市信用办考核办法", "weights": {"timely": 50, "complete": 25, "accepted": 25}, "weights_source": "同上"}`
	got, err := ParseBulletinSettings(cfg, []byte(good))
	if err != nil || got.DeadlineWorkdays != 5 || got.WeightTimely != 50 || got.WeightAccepted != 25 || got.DeadlineSource != "某市信用办考核办法" || len(got.Types) != 7 {
		t.Fatalf("%+v %v", got, err)
	}
	if b := ComputeBulletin(got, 2025, time.October, nil); b.ScoreRule != "50×及时率 + 25×完整率 + 25×（1−拒收率）" || b.DeadlineWorkdays != 5 || b.WeightsSource != "同上" {
		t.Errorf("%+v", b)
	}
	set := func(k, v string) string { // good with one item changed or, v == "", left out
		parts := map[string]string{"deadline_workdays": `5`, "deadline_source": `"x"`, "weights": `{"timely": 50, "complete": 25, "accepted": 25}`, "weights_source": `"y"`}
		parts[k] = v
		var s []string
		for _, key := range []string{"deadline_workdays", "deadline_source", "weights", "weights_source"} {
			if parts[key] != "" {
				s = append(s, `"`+key+`": `+parts[key])
			}
		}
		return "{\n" + strings.Join(s, ",\n") + "\n}"
	}
	for in, msg := range map[string]string{
		set("deadline_workdays", ""):                                         "月通报配置缺少 deadline_workdays（报送期限：决定之日后的工作日数），如 \"deadline_workdays\": 7",
		set("deadline_workdays", "0"):                                        "月通报配置 deadline_workdays（报送期限）应为1至30个工作日，现为0",
		set("deadline_workdays", "31"):                                       "月通报配置 deadline_workdays（报送期限）应为1至30个工作日，现为31",
		set("deadline_workdays", `"7"`):                                      "月通报配置第2行附近“deadline_workdays”的写法不对：此处应为数字",
		set("deadline_workdays", "7.5"):                                      "月通报配置第2行附近“deadline_workdays”的写法不对：此处应为数字",
		set("deadline_source", `" "`):                                        "月通报配置缺少 deadline_source：请写明报送期限的依据（文件名称和文号，或本地规定）",
		set("weights", ""):                                                   "月通报配置缺少 weights（排名权重），如 \"weights\": {\"timely\": 40, \"complete\": 30, \"accepted\": 30}",
		set("weights_source", ""):                                            "月通报配置缺少 weights_source：请写明排名权重的来历（本平台自定，或某文件的考核口径）",
		set("weights", `{"timely": 50, "complete": 25}`):                     "月通报配置 weights 缺少 accepted（受理率（1−拒收率）的权重）",
		set("weights", `{"timely": 50, "complete": 30, "accepted": 30}`):     "月通报配置 weights 三项之和应为100（得分满分100），现为 50 + 30 + 30 = 110",
		set("weights", `{"timely": 110, "complete": -10, "accepted": 0}`):    "月通报配置 weights.complete（完整率的权重）不能为负数，现为-10",
		set("weights", `{"timely": 40, "completeness": 30, "accepted": 30}`): "月通报配置中有不认识的项目 \"completeness\"，请核对拼写（见 data/README.md）",
		`{"deadline_workdays": 7,}`:                                          "月通报配置第1行附近不是有效的 JSON（常见原因：漏了逗号或引号、多了末尾逗号、用了中文标点）",
		good + good:                                                          "月通报配置在第1行之后还有多余的内容：整个文件应是一个 { … }",
	} {
		_, err := ParseBulletinSettings(cfg, []byte(in))
		if err == nil || err.Error() != msg {
			t.Errorf("%s\n got %v\nwant %s", in, err, msg)
		}
	}
}
