package river_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// assigned reports a problem on reach and assigns it with the given deadline.
func (e *env) assigned(reach int64, deadline time.Time) problem {
	e.t.Helper()
	p := e.report("cd-chief", reach, "garbage")
	e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
	e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "锦江区水务局", "deadline": deadline.Format(time.RFC3339)}, 200)
	return p
}

func TestEscalateOverdue(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		deadline := testNow.Add(48 * time.Hour)
		// a county's reach: the county office handles it, the city supervises when overdue
		county := &river.Reach{Code: "T-JJ-1", RiverID: "jinjiang", Name: "锦江锦江区测试段", Region: "510104"}
		if err := e.m.AddReach(ctx, county); err != nil {
			t.Fatal(err)
		}
		p := e.assigned(county.ID, deadline)
		other := e.assigned(county.ID, deadline.Add(24*time.Hour)) // not yet due at any clock below but the last

		escalations := func() int {
			return e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ? AND action = 'escalate'", p.ID)
		}
		// one minute before the deadline: nothing
		res, err := e.m.EscalateOverdue(ctx, deadline.Add(-time.Minute))
		if err != nil || res != (river.EscalationResult{}) {
			t.Fatalf("before the deadline: %+v %v", res, err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE overdue_at <> '' OR supervisor <> 0"); n != 0 {
			t.Fatalf("flagged before the deadline: %d", n)
		}
		// one minute after, run twice at once: flagged and escalated once
		after := deadline.Add(time.Minute)
		var wg sync.WaitGroup
		results := make([]river.EscalationResult, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = e.m.EscalateOverdue(ctx, after)
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		if got := results[0].Escalated + results[1].Escalated; got != 1 {
			t.Fatalf("escalated %d times: %+v", got, results)
		}
		if got := results[0].Flagged + results[1].Flagged; got != 1 {
			t.Fatalf("flagged %d times: %+v", got, results)
		}
		if n := escalations(); n != 1 {
			t.Fatalf("escalate history rows %d", n)
		}
		var sup int
		var overdueAt, actor, reason string
		if err := db.QueryRow(ctx, "SELECT supervisor, overdue_at FROM river_problems WHERE id = ?", p.ID).Scan(&sup, &overdueAt); err != nil {
			t.Fatal(err)
		}
		if sup != int(river.LevelCity) || overdueAt != store.Time(after) {
			t.Fatalf("supervisor %d overdue_at %q", sup, overdueAt)
		}
		if err := db.QueryRow(ctx, "SELECT actor_name, reason FROM river_problem_history WHERE problem_id = ? AND action = 'escalate'", p.ID).Scan(&actor, &reason); err != nil {
			t.Fatal(err)
		}
		if actor != "系统" || !strings.Contains(reason, "升级由市级河长办督办") || !strings.Contains(reason, "2026-11-22 10:00") {
			t.Fatalf("history %q %q", actor, reason)
		}
		n, err := audit.Count(ctx, db, audit.Filter{Module: "river", Action: "escalate", ObjectID: fmt.Sprint(p.ID)})
		if err != nil || n != 1 {
			t.Fatalf("audit escalate rows %d %v", n, err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND (overdue_at <> '' OR supervisor <> 0)", other.ID); n != 0 {
			t.Fatal("a problem not yet due was touched")
		}
		// again at the same clock: nothing new
		if res, err := e.m.EscalateOverdue(ctx, after.Add(time.Minute)); err != nil || res.Escalated != 0 || res.Flagged != 0 || res.Overdue != 1 {
			t.Fatalf("second run %+v %v", res, err)
		}
		// seven days later the province supervises; the other problem is flagged and escalated once
		week := deadline.Add(7*24*time.Hour + time.Minute)
		res, err = e.m.EscalateOverdue(ctx, week)
		if err != nil || res.Escalated != 2 || res.Flagged != 1 {
			t.Fatalf("a week later %+v %v", res, err)
		}
		if err := db.QueryRow(ctx, "SELECT supervisor FROM river_problems WHERE id = ?", p.ID).Scan(&sup); err != nil || sup != int(river.LevelProvince) {
			t.Fatalf("supervisor after a week %d %v", sup, err)
		}
		if n := escalations(); n != 2 {
			t.Fatalf("escalate history rows %d", n)
		}

		// the job through the module's clock (what serve and `tongcheng jobs` call)
		e.m.Now = func() time.Time { return week }
		var out strings.Builder
		if err := e.m.RunOnce(ctx, &out); err != nil || out.Len() != 0 {
			t.Fatalf("RunOnce: %v %q", err, out.String())
		}

		// 督办: the 成都 office sends a note down; 德阳 may not; a note is required
		var ae apiErr
		if st := e.api("dy-office", "POST", fmt.Sprintf("/api/v1/river/problems/%d/supervise", p.ID), map[string]any{"note": "请加快"}, &ae); st != http.StatusForbidden {
			t.Fatalf("德阳 supervises 成都: %d", st)
		}
		if st := e.api("cd-office", "POST", fmt.Sprintf("/api/v1/river/problems/%d/supervise", p.ID), map[string]any{"note": "  "}, &ae); st != 400 || ae.Error.Field != "note" || !strings.Contains(ae.Error.Message, "督办意见") {
			t.Fatalf("empty note: %d %+v", st, ae)
		}
		if st := e.api("cd-chief", "POST", fmt.Sprintf("/api/v1/river/problems/%d/supervise", p.ID), map[string]any{"note": "请加快"}, &ae); st != http.StatusForbidden {
			t.Fatalf("chief supervises: %d", st)
		}
		e.api("cd-office", "POST", fmt.Sprintf("/api/v1/river/problems/%d/supervise", p.ID), map[string]any{"note": "请于三日内完成清理并反馈"}, nil)
		var note, reason2 string
		if err := db.QueryRow(ctx, "SELECT note, reason FROM river_problem_history WHERE problem_id = ? AND action = 'supervise'", p.ID).Scan(&note, &reason2); err != nil {
			t.Fatal(err)
		}
		if note != "请于三日内完成清理并反馈" || reason2 != "超期7天" {
			t.Fatalf("supervise history %q %q", note, reason2)
		}
		if n := e.count("SELECT supervisions FROM river_problems WHERE id = ?", p.ID); n != 1 {
			t.Fatalf("supervisions %d", n)
		}
		if n, _ := audit.Count(ctx, db, audit.Filter{Module: "river", Action: "supervise", ObjectID: fmt.Sprint(p.ID)}); n != 1 {
			t.Fatalf("audit supervise %d", n)
		}

		var ov struct {
			Total int
			Units []struct {
				Unit     string
				Problems []struct {
					ID           int64 `json:"id"`
					DaysOverdue  int   `json:"days_overdue"`
					Supervisor   int   `json:"supervisor"`
					Supervisions int   `json:"supervisions"`
				}
			}
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/overdue", nil, &ov); st != 200 || ov.Total != 2 || len(ov.Units) != 1 || ov.Units[0].Unit != "锦江区水务局" {
			t.Fatalf("overdue api %d %+v", st, ov)
		}
		first := ov.Units[0].Problems[0]
		if first.ID != p.ID || first.DaysOverdue != 7 || first.Supervisor != 1 || first.Supervisions != 1 {
			t.Fatalf("overdue row %+v", first)
		}
		if st := e.api("dy-office", "GET", "/api/v1/river/overdue", nil, &ov); st != 200 || ov.Total != 0 {
			t.Fatalf("德阳 sees %d overdue", ov.Total)
		}

		// the page: grouped, with the form; a 督办 without a note is refused with the message
		c := e.login("cd-office")
		resp, body := c.Get("/river/supervise")
		if resp.StatusCode != 200 || !strings.Contains(body, `<strong id="overdue-total">2</strong>`) || !strings.Contains(body, "锦江区水务局") || !strings.Contains(body, "省级河长办") || strings.Contains(body, "<script>") {
			t.Fatalf("supervise page %d", resp.StatusCode)
		}
		resp, body = c.PostForm(fmt.Sprintf("/river/problems/%d/supervise", other.ID), url.Values{"csrf": {c.CSRF}, "note": {""}})
		if resp.StatusCode != 400 || !strings.Contains(body, "请填写督办意见") {
			t.Fatalf("empty note form %d", resp.StatusCode)
		}
		resp, body = c.PostForm(fmt.Sprintf("/river/problems/%d/supervise", other.ID), url.Values{"csrf": {c.CSRF}, "note": {"限期整改"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "已督办问题") {
			t.Fatalf("supervise form %d", resp.StatusCode)
		}
		resp, body = c.Get(fmt.Sprintf("/river/problems/%d", p.ID))
		if resp.StatusCode != 200 || !strings.Contains(body, "超期升级") || !strings.Contains(body, "请于三日内完成清理并反馈") || !strings.Contains(body, `name="back" value="problem"`) {
			t.Fatalf("problem page lacks escalation and 督办 history or the 督办 form")
		}
		resp, body = c.PostForm(fmt.Sprintf("/river/problems/%d/supervise", p.ID), url.Values{"csrf": {c.CSRF}, "note": {"再次督办"}, "back": {"problem"}})
		if resp.StatusCode != 200 || resp.Request.URL.Path != fmt.Sprintf("/river/problems/%d", p.ID) || !strings.Contains(body, "再次督办") {
			t.Fatalf("督办 from the problem page: %d %s", resp.StatusCode, resp.Request.URL.Path)
		}
		if resp, _ := e.login("cd-chief").Get("/river/supervise"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("chief opens 督办 page: %d", resp.StatusCode)
		}

		// an approved extension ends the overdue; past the new deadline the problem
		// is flagged again (no higher level left to escalate to: the province supervises)
		newDeadline := week.Add(48 * time.Hour)
		e.act("cd-chief", p.ID, map[string]any{"action": "receive"}, 200)
		e.act("cd-chief", p.ID, map[string]any{"action": "request_extend", "reason": "需协调拆除", "deadline": newDeadline.Format(time.RFC3339)}, 200)
		e.act("cd-office", p.ID, map[string]any{"action": "approve_extend"}, 200)
		if res, err := e.m.EscalateOverdue(ctx, newDeadline.Add(-time.Minute)); err != nil || res.Overdue != 1 { // only the other problem
			t.Fatalf("before the new deadline %+v %v", res, err)
		}
		res, err = e.m.EscalateOverdue(ctx, newDeadline.Add(time.Minute))
		if err != nil || res.Flagged != 1 || res.Escalated != 0 {
			t.Fatalf("past the new deadline %+v %v", res, err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ? AND action = 'overdue' AND actor_name = '系统'", p.ID); n != 1 {
			t.Fatalf("overdue flag entries %d", n)
		}
		if res, err := e.m.EscalateOverdue(ctx, newDeadline.Add(2*time.Minute)); err != nil || res.Flagged != 0 {
			t.Fatalf("flagged twice %+v %v", res, err)
		}
	})
}

// TestEscalationFollowsTheConfiguredFile: with a 河长办's own data/workflow.json
// (一般 20 天, 超期每 2 天再升一级) a 一般 problem assigned without a deadline gets
// 交办 + 20 days, and the overdue job raises the county's problem to the city as soon
// as it is overdue and to the province two days later, where the default file's
// seven days would still leave it with the city.
func TestEscalationFollowsTheConfiguredFile(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		cfg, err := river.LoadWorkflowConfig([]byte(`{"deadline_days": {"一般": 20, "较重": 10, "重大": 5, "紧急": 2}, "escalate_every_days": 2}`))
		if err != nil {
			t.Fatal(err)
		}
		e.m.Workflow = cfg
		county := &river.Reach{Code: "T-JJ-2", RiverID: "jinjiang", Name: "锦江锦江区配置测试段", Region: "510104"}
		if err := e.m.AddReach(ctx, county); err != nil {
			t.Fatal(err)
		}
		p := e.report("cd-chief", county.ID, "garbage")
		e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
		e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "锦江区水务局"}, 200)
		deadline := testNow.AddDate(0, 0, 20)
		var dl string
		if err := db.QueryRow(ctx, "SELECT deadline FROM river_problems WHERE id = ?", p.ID).Scan(&dl); err != nil || dl != store.Time(deadline) {
			t.Fatalf("deadline %q %v, want %q (交办 + 20 days)", dl, err, store.Time(deadline))
		}
		supervisor := func() int { return e.count("SELECT supervisor FROM river_problems WHERE id = ?", p.ID) }
		if res, err := e.m.EscalateOverdue(ctx, deadline.Add(time.Minute)); err != nil || res.Escalated != 1 || supervisor() != int(river.LevelCity) {
			t.Fatalf("just overdue: %+v %v, supervisor %d", res, err, supervisor())
		}
		if res, err := e.m.EscalateOverdue(ctx, deadline.Add(2*24*time.Hour-time.Minute)); err != nil || res.Escalated != 0 || supervisor() != int(river.LevelCity) {
			t.Fatalf("a minute short of two days: %+v %v, supervisor %d", res, err, supervisor())
		}
		if res, err := e.m.EscalateOverdue(ctx, deadline.Add(2*24*time.Hour+time.Minute)); err != nil || res.Escalated != 1 || supervisor() != int(river.LevelProvince) {
			t.Fatalf("two days overdue: %+v %v, supervisor %d", res, err, supervisor())
		}
	})
}

// TestEscalationGoesAboveTheHandlingOffice: a problem is handled by the 河长办 of the
// level owning its reach (a county's reach by the county, a city's own reach or one
// shared by two cities by the city) and an overdue one goes to the next level up
// (问题 4: "escalated to the next level up"): the county's to the city, the city's and
// the shared one straight to the province, never to the office already handling it.
// The 监测预警 opened on a city's section is the city's too.
func TestEscalationGoesAboveTheHandlingOffice(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		county := &river.Reach{Code: "T-JT-9", RiverID: "tuojiang", Name: "沱江金堂测试段", Region: "510121"}
		if err := e.m.AddReach(ctx, county); err != nil {
			t.Fatal(err)
		}
		deadline := testNow.Add(48 * time.Hour)
		cases := []struct {
			name         string
			reach        int64
			level, above river.Level
			reason       string
		}{
			{"金堂县河段", county.ID, river.LevelCounty, river.LevelCity, "升级由市级河长办督办"},
			{"成都市河段", e.cdReach, river.LevelCity, river.LevelProvince, "升级由省级河长办督办"},
			{"德阳成都共有河段", e.sharedReach, river.LevelCity, river.LevelProvince, "升级由省级河长办督办"},
		}
		ids := make([]int64, len(cases))
		for i, c := range cases {
			p := e.assigned(c.reach, deadline)
			ids[i] = p.ID
			var got struct{ Problem struct{ Level int } }
			if st := e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/problems/%d", p.ID), nil, &got); st != 200 || got.Problem.Level != int(c.level) {
				t.Fatalf("%s: handled by level %d, want %d", c.name, got.Problem.Level, c.level)
			}
		}
		res, err := e.m.EscalateOverdue(ctx, deadline.Add(time.Minute))
		if err != nil || res.Escalated != 3 || res.Flagged != 3 {
			t.Fatalf("escalation %+v %v", res, err)
		}
		for i, c := range cases {
			var sup int
			var reason string
			if err := db.QueryRow(ctx, "SELECT p.supervisor, h.reason FROM river_problems p JOIN river_problem_history h ON h.problem_id = p.id AND h.action = 'escalate' WHERE p.id = ?", ids[i]).Scan(&sup, &reason); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if sup != int(c.above) || !strings.Contains(reason, c.reason) {
				t.Fatalf("%s: supervisor %d %q, want %d %q", c.name, sup, reason, c.above, c.reason)
			}
		}
		// a week on, the county's goes on to the province; the city's have no level left
		// above the province and are not escalated again
		res, err = e.m.EscalateOverdue(ctx, deadline.Add(7*24*time.Hour+time.Minute))
		if err != nil || res.Escalated != 1 || res.Flagged != 0 {
			t.Fatalf("a week later %+v %v", res, err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problem_history WHERE action = 'escalate'"); n != 4 {
			t.Fatalf("escalations %d, want 4", n)
		}

		// the warning of 测试断面 (on the 成都 reach) goes to the 成都 office
		var r struct {
			ProblemID int64 `json:"problem_id"`
		}
		e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": "2026-11-01 08:00", "values": map[string]float64{"NH3N": 2.5}}, &r)
		if r.ProblemID == 0 || e.count("SELECT level FROM river_problems WHERE id = ?", r.ProblemID) != int(river.LevelCity) {
			t.Fatalf("warning %d not handled by the city", r.ProblemID)
		}
	})
}
