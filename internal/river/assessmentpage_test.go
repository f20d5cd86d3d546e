package river_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestAssessmentPage builds the rows of October 2026 by hand and checks the
// ranking against scores worked out by hand with the default weights
// (data/assessment.json: 巡河 30, 办结 30, 按期 20, 水质 20):
//
// 锦江区 510104: chiefs A (2 patrols) and B (none), county level needs 1 in
// October (每月1次: 31 days are one month) → 1/2; problems reported in October:
// closed on time, closed late, handling, rejected (left out), reported (left
// out) → 办结 2/3, 按期 1/2; sections: target Ⅲ with 氨氮 0.4 and 0.8 (mean 0.6,
// Ⅲ类, met) and target Ⅱ with the same readings (Ⅲ类, not met) → 1/2.
// Score = (30×1/2 + 30×2/3 + 20×1/2 + 20×1/2) / 100 × 100 = 55.00.
// 青羊区 510105: one county chief with 2 patrols → 1/1, nothing else → 100.00.
// 成都市 collects both and the city chief of the fixture (no patrol; city level
// needs 1): 巡河 2/4, the rest as 锦江区 → 55.00. 德阳: nothing → 0.
func TestAssessmentPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		oct := func(day, hour int) string {
			return store.Time(time.Date(2026, 10, day, hour, 0, 0, 0, time.FixedZone("CST", 8*3600)))
		}
		jj := &river.Reach{Code: "T-JJ", RiverID: "jinjiang", Name: "锦江锦江区段", Region: "510104"}
		if err := e.m.AddReach(ctx, jj); err != nil {
			t.Fatal(err)
		}
		chief := func(region string, patrols int) {
			c := &river.ChiefRow{Name: "测试河长", Level: river.LevelCounty, Region: region}
			if err := e.m.AddChief(ctx, c); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < patrols; i++ {
				if _, err := db.Exec(ctx, `INSERT INTO river_patrols (chief_id, reach_id, region, started_at, ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
					c.ID, jj.ID, region, oct(3+i*10, 9), oct(3+i*10, 10), oct(3+i*10, 10)); err != nil {
					t.Fatal(err)
				}
			}
			// a patrol in September does not count for October
			if _, err := db.Exec(ctx, `INSERT INTO river_patrols (chief_id, reach_id, region, started_at, ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				c.ID, jj.ID, region, store.Time(time.Date(2026, 9, 30, 15, 0, 0, 0, time.UTC)), oct(1, 1), oct(1, 1)); err != nil {
				t.Fatal(err)
			}
		}
		chief("510104", 2)
		chief("510104", 0)
		chief("510105", 2)
		problem := func(no, state, deadline, feedback string) {
			if _, err := db.Exec(ctx, `INSERT INTO river_problems (no, source, category, severity, reach_id, river_id, region, city, state, description,
				deadline, feedback_at, reported_at, updated_at) VALUES (?, 'patrol', 'garbage', 'general', ?, 'jinjiang', '510104', '510100', ?, '测试', ?, ?, ?, ?)`,
				no, jj.ID, state, deadline, feedback, oct(2, 9), oct(2, 9)); err != nil {
				t.Fatal(err)
			}
		}
		problem("A1", "closed", oct(20, 0), oct(19, 0))
		problem("A2", "closed", oct(10, 0), oct(12, 0))
		problem("A3", "handling", oct(25, 0), "")
		problem("A4", "rejected", "", "")
		problem("A5", "reported", "", "")
		for _, s := range []struct {
			id     string
			target river.Class
		}{{"T-JJ-3", river.ClassIII}, {"T-JJ-2", river.ClassII}} {
			if err := e.m.AddSection(ctx, &river.SectionRow{ID: s.id, Name: s.id, RiverID: "jinjiang", ReachID: jj.ID, Target: s.target, Region: "510104"}); err != nil {
				t.Fatal(err)
			}
			for i, v := range []string{"0.4", "0.8"} {
				if _, err := db.Exec(ctx, `INSERT INTO river_readings (section_id, region, sampled_at, values_json, class, created_at) VALUES (?, '510104', ?, ?, 3, ?)`,
					s.id, oct(5+i, 8), `{"NH3N":`+v+`}`, oct(5+i, 8)); err != nil {
					t.Fatal(err)
				}
			}
		}

		type rate struct{ Num, Den int }
		var v struct {
			Rows []struct {
				Rank   int
				Region string
				Score  float64
				Rates  map[string]rate
			}
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/assessment?period=2026-10&level=county", nil, &v); st != 200 || len(v.Rows) != 20 {
			t.Fatalf("county ranking %d, %d rows", st, len(v.Rows))
		}
		if r := v.Rows[0]; r.Region != "510105" || r.Rank != 1 || r.Score != 100 {
			t.Fatalf("first %+v", r)
		}
		r := v.Rows[1]
		if r.Region != "510104" || r.Rank != 2 || r.Score != 55 || r.Rates["patrol"] != (rate{1, 2}) || r.Rates["closed"] != (rate{2, 3}) ||
			r.Rates["ontime"] != (rate{1, 2}) || r.Rates["quality"] != (rate{1, 2}) {
			t.Fatalf("锦江区 %+v", r)
		}
		if r := v.Rows[2]; r.Rank != 3 || r.Score != 0 || v.Rows[19].Rank != 3 {
			t.Fatalf("the rest %+v / %+v", r, v.Rows[19])
		}
		if st := e.api("dy-office", "GET", "/api/v1/river/assessment?period=2026-10&level=city", nil, &v); st != 200 || len(v.Rows) != 4 {
			t.Fatalf("city ranking %d", st)
		}
		if r := v.Rows[0]; r.Region != "510100" || r.Score != 55 || r.Rates["patrol"] != (rate{2, 4}) {
			t.Fatalf("成都 %+v", r)
		}
		// the same figures from the engine called on the rows directly
		p, _ := river.ParsePeriod("2026-10")
		in, err := e.m.AssessmentInputFor(ctx, db, p, []string{"510104", "510105"})
		if err != nil {
			t.Fatal(err)
		}
		scores, err := e.m.Assess.Assess(in)
		if err != nil || scores[1].Region != "510104" || scores[1].Score != 55 {
			t.Fatalf("engine %+v %v", scores, err)
		}
		// a quarter and a year include October; a bad period names the field
		for _, per := range []string{"2026-Q4", "2026"} {
			e.api("cd-office", "GET", "/api/v1/river/assessment?level=county&period="+per, nil, &v)
			// the chiefs now owe 3 (a quarter is three months) or 12 (a year) patrols: none compliant
			if r := v.Rows[0]; r.Region != "510104" || r.Rates["closed"] != (rate{2, 3}) || r.Rates["patrol"] != (rate{0, 2}) {
				t.Fatalf("%s: %+v", per, r)
			}
		}
		var ae apiErr
		if st := e.api("cd-office", "GET", "/api/v1/river/assessment?period=2026-13", nil, &ae); st != 400 || ae.Error.Field != "period" || !strings.Contains(ae.Error.Message, "考核期格式不正确") {
			t.Fatalf("bad period %d %+v", st, ae)
		}

		c := e.login("cd-office")
		resp, body := c.Get("/river/assessment?period=2026-10&level=county")
		if resp.StatusCode != 200 || !strings.Contains(body, `<tr data-region="510104"><td class="num">2</td><td>锦江区</td>`) || !strings.Contains(body, "<strong>55.00</strong>") ||
			!strings.Contains(body, "66.7%（2/3）") || !strings.Contains(body, `class="chart"`) || strings.Contains(body, "<script>") {
			t.Fatalf("assessment page %d", resp.StatusCode)
		}
		resp, body = c.Get("/river/assessment.xlsx?period=2026-10&level=county")
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows("考核排名")
		if len(rows) != 22 || rows[3][1] != "锦江区" || rows[3][0] != "2" || rows[3][len(rows[3])-1] != "55" || rows[3][4] != "1" || rows[3][5] != "2" {
			t.Fatalf("xlsx rows %d: %v", len(rows), rows[3])
		}
	})
}

// TestAssessmentChiefsInOffice: the patrol compliance of a period assesses the chiefs in
// office for some of it. In 温江区 (510115), October 2026 (one month: a county chief
// owes 1 patrol): A left office on 10 October after one patrol and owes 1 for the
// nine days in office (met); B left on 20 September and is not assessed; C is in
// office with no patrol (0 of 1). 巡河 1/2, as the ranking shows.
func TestAssessmentChiefsInOffice(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		cst := time.FixedZone("CST", 8*3600)
		reach := &river.Reach{Code: "T-WJ", RiverID: "jinjiang", Name: "温江测试段", Region: "510115"}
		if err := e.m.AddReach(ctx, reach); err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, c := range []struct {
			name    string
			retired time.Time
			patrols int
		}{
			{"A", time.Date(2026, 10, 10, 0, 0, 0, 0, cst), 1},
			{"B", time.Date(2026, 9, 20, 0, 0, 0, 0, cst), 0},
			{"C", time.Time{}, 0},
		} {
			row := &river.ChiefRow{Name: c.name, Level: river.LevelCounty, Region: "510115"}
			if err := e.m.AddChief(ctx, row); err != nil {
				t.Fatal(err)
			}
			ids[c.name] = row.ID
			if !c.retired.IsZero() {
				if _, err := db.Exec(ctx, "UPDATE river_chiefs SET retired_at = ?, retire_reason = '换届' WHERE id = ?", store.Time(c.retired), row.ID); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < c.patrols; i++ {
				at := store.Time(time.Date(2026, 10, 3, 9, 0, 0, 0, cst))
				if _, err := db.Exec(ctx, `INSERT INTO river_patrols (chief_id, reach_id, region, started_at, ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
					row.ID, reach.ID, "510115", at, at, at); err != nil {
					t.Fatal(err)
				}
			}
		}
		p, _ := river.ParsePeriod("2026-10")
		in, err := e.m.AssessmentInputFor(ctx, db, p, []string{"510115"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]river.Compliance{}
		for _, c := range in.Compliance {
			if c.Region == "510115" {
				got[c.ChiefID] = c
			}
		}
		a, c := got[strconv.FormatInt(ids["A"], 10)], got[strconv.FormatInt(ids["C"], 10)]
		if len(got) != 2 || a.Required != 1 || a.Done != 1 || !a.Compliant || c.Required != 1 || c.Done != 0 || c.Compliant {
			t.Fatalf("compliance in 温江区: %+v", got)
		}
		type rate struct{ Num, Den int }
		var v struct {
			Rows []struct {
				Region string
				Rates  map[string]rate
			}
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/assessment?period=2026-10&level=county", nil, &v); st != 200 {
			t.Fatalf("ranking %d", st)
		}
		found := false
		for _, r := range v.Rows {
			if r.Region == "510115" {
				found = true
				if r.Rates["patrol"] != (rate{1, 2}) {
					t.Fatalf("温江区 %+v", r)
				}
			}
		}
		if !found {
			t.Fatal("温江区 is not ranked")
		}
	})
}
