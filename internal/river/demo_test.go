package river_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

func TestDemoSmall(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		start := time.Now()
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 7, io.Discard); err != nil {
			t.Fatal(err)
		}
		t.Logf("small demo in %s", time.Since(start))
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE demo = 1"); n != 2000 {
			t.Fatalf("problems %d", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs WHERE demo = 1"); n != 300 {
			t.Fatalf("chiefs %d", n)
		}
		for _, s := range river.States {
			if n := e.count("SELECT COUNT(*) FROM river_problems WHERE demo = 1 AND state = ?", string(s)); n == 0 {
				t.Errorf("no demo problem in state %s", s)
			}
		}
		// every closed problem went through its check, and its history ends with 办结
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE state = 'closed' AND (checked_at = '' OR checked_at > closed_at)"); n != 0 {
			t.Fatalf("%d closed problems without a check", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problem_history h JOIN river_problems p ON p.id = h.problem_id WHERE p.state = 'closed' AND h.action = 'close'"); n != e.count("SELECT COUNT(*) FROM river_problems WHERE state = 'closed'") {
			t.Fatalf("close history rows %d", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_readings WHERE demo = 1"); n == 0 {
			t.Fatal("no readings")
		}
		// deterministic: the same seed gives the same problems
		var sum1 int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM river_problems WHERE state = 'closed' AND category = 'garbage'").Scan(&sum1); err != nil {
			t.Fatal(err)
		}
		db2 := storetest.Open(t, "sqlite")
		a2, err := app.Build(ctx, db2, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		m2 := a2.Module("river").(*river.Module)
		if err := m2.Demo(ctx, a2.Deps, platform.Small, 7, io.Discard); err != nil {
			t.Fatal(err)
		}
		var sum2 int
		if err := db2.QueryRow(ctx, "SELECT COUNT(*) FROM river_problems WHERE state = 'closed' AND category = 'garbage'").Scan(&sum2); err != nil {
			t.Fatal(err)
		}
		if sum1 != sum2 {
			t.Fatalf("not deterministic: %d vs %d", sum1, sum2)
		}
		// home cards and the dashboard page over the demo
		cards, err := e.m.HomeCards(ctx, mustUser(t, e, "cd-office"))
		if err != nil || len(cards) != 4 {
			t.Fatalf("cards %v %v", cards, err)
		}
		var d river.Dashboard
		e.api("cd-office", "GET", "/api/v1/river/dashboard", nil, &d)
		var l struct{ Total int64 }
		e.api("cd-office", "GET", "/api/v1/river/problems?state=closed", nil, &l)
		if d.Closed != l.Total || d.Closed == 0 || cards[2].Value == "0" {
			t.Fatalf("dashboard closed %d, list %d", d.Closed, l.Total)
		}
		// the public board of an atlas reach
		resp, body := e.client().Get("/river/public/tuojiang-510100")
		if resp.StatusCode != 200 || !strings.Contains(body, "沱江") {
			t.Fatalf("atlas reach board %d", resp.StatusCode)
		}
	})
}

func mustUser(t *testing.T, e *env, name string) *authUser {
	u, err := e.a.Deps.Auth.GetByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPatrolPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.login("cd-chief")
		resp, body := c.Get("/river/patrol")
		if resp.StatusCode != 200 || !strings.Contains(body, "近 30 天巡河履职") {
			t.Fatalf("patrol page %d", resp.StatusCode)
		}
		form := func(start, end, track string) (*http.Response, string) {
			return c.PostForm("/river/patrols", url.Values{"csrf": {c.CSRF}, "reach_id": {itoa(e.cdReach)}, "start": {start}, "end": {end}, "track": {track}, "seen": {"河面整洁"}})
		}
		resp, body = form("2026-11-20 09:00", "2026-11-20 08:00", "30.65,104.06\n30.66,104.07")
		if resp.StatusCode != 400 || !strings.Contains(body, "早于开始时间") {
			t.Fatalf("end before start: %d", resp.StatusCode)
		}
		resp, body = form("2026-11-20 08:00", "2026-11-20 09:00", "30.65,104.06\n40.0,116.4")
		if resp.StatusCode != 400 || !strings.Contains(body, "不在成都、德阳、眉山、资阳范围内") {
			t.Fatalf("impossible point: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_patrols"); n != 0 {
			t.Fatalf("bad patrols stored: %d", n)
		}
		resp, body = form("2026-11-20 08:00", "2026-11-20 09:00", "30.650,104.060\n30.655,104.065\n30.660,104.070")
		if resp.StatusCode != 200 || !strings.Contains(body, "巡河记录已保存") {
			t.Fatalf("good patrol: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_patrols WHERE points = 3 AND km > 1"); n != 1 {
			t.Fatalf("patrol rows %d", n)
		}
		if !strings.Contains(body, "张河长") {
			t.Fatal("compliance table lacks the chief")
		}
		// the 30 days from 21 October 02:00 UTC: a township chief (one patrol a week) who left
		// office on 1 November (北京时间) owes 2 (11 days are 1.6 weeks, to the nearest 2), one
		// in office all along 4 (30 days: 4.3 weeks), one who left on 1 October is not listed
		for _, x := range []struct {
			name    string
			retired string
		}{{"乡河长甲", "2026-10-31T16:00:00Z"}, {"乡河长乙", ""}, {"乡河长丙", "2026-09-30T16:00:00Z"}} {
			row := &river.ChiefRow{Name: x.name, Level: river.LevelTownship, Region: "510121"}
			if err := e.m.AddChief(t.Context(), row); err != nil {
				t.Fatal(err)
			}
			if x.retired != "" {
				at, _ := time.Parse(time.RFC3339, x.retired)
				if _, err := db.Exec(t.Context(), "UPDATE river_chiefs SET retired_at = ?, retire_reason = '换届' WHERE id = ?", store.Time(at), row.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, body = c.Get("/river/patrol")
		where := region.FullName("510121")
		if !strings.Contains(body, "<td>乡河长甲</td><td>乡级</td><td>"+where+`</td><td class="num">2</td><td class="num">0</td>`) ||
			!strings.Contains(body, "<td>乡河长乙</td><td>乡级</td><td>"+where+`</td><td class="num">4</td><td class="num">0</td>`) || strings.Contains(body, "乡河长丙") {
			t.Fatal("compliance of the chiefs in office in the 30 days")
		}
	})
}
