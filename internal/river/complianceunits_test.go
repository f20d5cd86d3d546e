package river_test

import (
	"strings"
	"testing"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestComplianceByUnit: patrol compliance per chief and per unit over the last 30 days,
// with the frequencies of data/patrol.json (市级、县级 1/月 → 1 in 30 days; 村级 1/周 →
// 4). By hand for 成都's 河长办: 张 (市级, 成都) no patrol; 金堂县 A (县级) 1 patrol, met;
// B (村级) 2 of 4, not met; 锦江区 C (县级) none. 德阳's D is not 成都's.
// 成都市: 4 chiefs, 1 met (25.0%), required 1+1+4+1 = 7, done 0+1+2+0 = 3;
// 金堂县: 2 chiefs, 1 met (50.0%), 5 required, 3 done; 锦江区: 1 chief, none met.
// The unit figures are the per-chief list summed, on the API and the page.
func TestComplianceByUnit(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		patrols := map[string]int{}
		for _, c := range []struct {
			name   string
			level  river.Level
			region string
			n      int
		}{{"A", river.LevelCounty, "510121", 1}, {"B", river.LevelVillage, "510121", 2}, {"C", river.LevelCounty, "510104", 0}, {"D", river.LevelCity, "510600", 1}} {
			row := &river.ChiefRow{Name: c.name, Level: c.level, Region: c.region}
			if err := e.m.AddChief(ctx, row); err != nil {
				t.Fatal(err)
			}
			patrols[c.name] = c.n
			for i := 0; i < c.n; i++ {
				at := store.Time(testNow.AddDate(0, 0, -3*(i+1)))
				if _, err := db.Exec(ctx, `INSERT INTO river_patrols (chief_id, reach_id, region, started_at, ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
					row.ID, e.cdReach, c.region, at, at, at); err != nil {
					t.Fatal(err)
				}
			}
		}
		type unit struct {
			Region                            string
			Chiefs, Compliant, Required, Done int
			Rate                              float64
		}
		var out struct {
			Items []struct {
				Name, Region   string
				Required, Done int
				Compliant      bool
			}
			Cities, Counties []unit
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/patrols/compliance", nil, &out); st != 200 {
			t.Fatalf("compliance %d", st)
		}
		want := map[string]unit{
			"510100": {"510100", 4, 1, 7, 3, 0.25},
			"510121": {"510121", 2, 1, 5, 3, 0.5},
			"510104": {"510104", 1, 0, 1, 0, 0},
		}
		if len(out.Cities) != 1 || out.Cities[0] != want["510100"] {
			t.Fatalf("cities %+v", out.Cities)
		}
		if len(out.Counties) != 2 || out.Counties[0] != want["510104"] || out.Counties[1] != want["510121"] {
			t.Fatalf("counties %+v", out.Counties)
		}
		// the units are the per-chief items summed: every item is 成都's, a county's also its county's
		sum := map[string]*unit{}
		add := func(k string, req, done int, ok bool) {
			u := sum[k]
			if u == nil {
				u = &unit{Region: k}
				sum[k] = u
			}
			u.Chiefs++
			u.Required += req
			u.Done += min(done, req)
			if ok {
				u.Compliant++
			}
		}
		for _, it := range out.Items {
			add("510100", it.Required, it.Done, it.Compliant)
			if it.Region != "510100" {
				add(it.Region, it.Required, it.Done, it.Compliant)
			}
		}
		for k, w := range want {
			if s := sum[k]; s == nil || s.Chiefs != w.Chiefs || s.Compliant != w.Compliant || s.Required != w.Required || s.Done != w.Done {
				t.Fatalf("%s: items sum to %+v, units say %+v", k, s, w)
			}
		}
		_, body := e.login("cd-office").Get("/river/patrol")
		row := `<tr data-unit="510121"><td>成都市金堂县</td><td class="num">2</td><td class="num">1</td><td class="num">50.0%</td><td class="num">5</td><td class="num">3</td></tr>`
		if !strings.Contains(body, row) || strings.Contains(body, `data-unit="510600"`) {
			t.Fatalf("the patrol page's units table lacks %s", row)
		}
	})
}
