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
	if _, err := ParseCalendar([]byte(`{"years":{"2024":{"workdays":["2024-10-14"]}}}`)); err == nil {
		t.Fatal("a Monday as adjusted workday accepted")
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
	want := []string{"节假日表不含2027年，及时率只按周末计算工作日", "1条记录的地市不是成德眉资四市之一，只计入合计和部门"}
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
