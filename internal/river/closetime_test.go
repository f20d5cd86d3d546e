package river_test

import (
	"strings"
	"testing"
	"time"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestAverageTimeToClose: the 驾驶舱's average time to close is the mean, over the closed
// problems of the list, of closed_at − reported_at. By hand: on 成都's reach one problem
// closed 2 days after its report, on the 德阳/成都 shared reach one closed 5 days after
// (2026-11-20 10:00 → 11-22 10:00 and 11-25 10:00), one still open: 成都 (3 found, 2
// closed) 办结率 66.7%, (2 + 5) / 2 = 3.5 天; 德阳 sees only the shared one: 100.0%, 5 天.
func TestAverageTimeToClose(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		at := func(days int) { now := testNow.AddDate(0, 0, days); e.m.Now = func() time.Time { return now } }
		a, b := e.report("cd-chief", e.cdReach, "garbage"), e.report("cd-chief", e.sharedReach, "sewage")
		e.report("cd-chief", e.cdReach, "occupy")
		closeOn := func(p problem, day int) {
			at(0)
			e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
			e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "水务局"}, 200)
			e.act("cd-chief", p.ID, map[string]any{"action": "receive"}, 200)
			e.act("cd-chief", p.ID, map[string]any{"action": "feedback", "photos": e.afterPhoto(p.ID)}, 200)
			e.act("cd-office", p.ID, map[string]any{"action": "pass_check"}, 200)
			at(day)
			e.act("cd-office", p.ID, map[string]any{"action": "close"}, 200)
		}
		closeOn(a, 2)
		closeOn(b, 5)
		e.addUser("sc-office", "省河长办", "510000", "river:riveroffice")
		for _, c := range []struct {
			user, rate string
			days       float64
		}{{"cd-office", "66.7%", 3.5}, {"dy-office", "100.0%", 5}, {"sc-office", "66.7%", 3.5}} {
			var d river.Dashboard
			e.api(c.user, "GET", "/api/v1/river/dashboard", nil, &d)
			if d.ClosingRate != c.rate || d.AvgCloseDays != c.days {
				t.Fatalf("%s: 办结率 %s, average %.2f days; want %s, %.1f", c.user, d.ClosingRate, d.AvgCloseDays, c.rate, c.days)
			}
			// recomputed from the list of closed problems
			var l struct {
				Items []struct {
					ReportedAt time.Time `json:"reported_at"`
					ClosedAt   time.Time `json:"closed_at"`
				}
			}
			e.api(c.user, "GET", "/api/v1/river/problems?state=closed", nil, &l)
			var sum time.Duration
			for _, it := range l.Items {
				sum += it.ClosedAt.Sub(it.ReportedAt)
			}
			if len(l.Items) == 0 || sum.Hours()/24/float64(len(l.Items)) != c.days {
				t.Fatalf("%s: the closed list averages %v over %d", c.user, sum, len(l.Items))
			}
			// each city's figures are its list's (the province sees all four cities)
			for _, cf := range d.Cities {
				var found, closed struct{ Total int64 }
				e.api(c.user, "GET", "/api/v1/river/problems?city="+cf.Code, nil, &found)
				e.api(c.user, "GET", "/api/v1/river/problems?city="+cf.Code+"&state=closed", nil, &closed)
				if cf.Found != found.Total || cf.Closed != closed.Total {
					t.Fatalf("%s: %s %+v, its list %d found, %d closed", c.user, cf.Name, cf, found.Total, closed.Total)
				}
			}
			if c.user == "sc-office" && (len(d.Cities) != 4 || d.Cities[0].Found != 3 || d.Cities[1].Found != 1) {
				t.Fatalf("province: cities %+v", d.Cities)
			}
		}
		if _, body := e.login("cd-office").Get("/river/dashboard"); !strings.Contains(body, "<strong>3.5 天</strong>") {
			t.Fatal("the 驾驶舱 page does not show 3.5 天")
		}
		// the home page's cards say the same as the lists they link to
		cards, err := e.m.HomeCards(t.Context(), e.Users["cd-office"])
		if err != nil || len(cards) != 4 {
			t.Fatalf("home cards %+v %v", cards, err)
		}
		for _, c := range cards[1:] {
			var l struct{ Total int64 }
			e.api("cd-office", "GET", "/api/v1/river/problems"+strings.TrimPrefix(c.Link, "/river/"), nil, &l)
			if c.Value != itoa(l.Total) {
				t.Errorf("home card %s shows %s, its list %s has %d", c.Label, c.Value, c.Link, l.Total)
			}
		}
		if cards[1].Value != "3" || cards[2].Value != "2" || cards[2].Note != "办结率 66.7%" || cards[3].Value != "0" {
			t.Errorf("home cards %+v", cards)
		}
	})
}
