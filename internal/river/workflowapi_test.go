package river_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tongcheng/internal/audit"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestEveryStateActionOverAPI: the state machine holds on the API, not only in the engine.
// A problem is brought to each of the nine states through the API; there every action the
// workflow does not allow from that state is refused with 409 (not_allowed, or final for
// 办结 and 不予受理) even when it carries everything the action needs, and every allowed
// 河长办 action is refused with 403 to a chief (签收, 延期申请 and 反馈 are the unit's) and
// to the 德阳 office on a 成都 reach. Nothing moves: state, history and audit stay as they were.
func TestEveryStateActionOverAPI(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		office := map[river.ActionKind]bool{river.ActAccept: true, river.ActReject: true, river.ActAssign: true, river.ActApproveExtend: true,
			river.ActDenyExtend: true, river.ActPassCheck: true, river.ActReturn: true, river.ActClose: true}
		// the steps that bring a new problem to each state, and who takes them
		type step struct {
			user string
			body map[string]any
		}
		path := []struct {
			state river.State
			step  step
		}{
			{river.StateReported, step{}},
			{river.StateAccepted, step{"cd-office", map[string]any{"action": "accept"}}},
			{river.StateAssigned, step{"cd-office", map[string]any{"action": "assign", "unit": "锦江区水务局"}}},
			{river.StateHandling, step{"cd-chief", map[string]any{"action": "receive"}}},
			{river.StateExtension, step{"cd-chief", map[string]any{"action": "request_extend", "reason": "需协调", "deadline": "2027-01-31"}}},
			{river.StateHandling, step{"cd-office", map[string]any{"action": "approve_extend"}}},
			{river.StateFeedback, step{"cd-chief", map[string]any{"action": "feedback"}}},
			{river.StateVerified, step{"cd-office", map[string]any{"action": "pass_check"}}},
			{river.StateClosed, step{"cd-office", map[string]any{"action": "close"}}},
		}
		bring := func(to river.State) problem {
			t.Helper()
			p := e.report("cd-chief", e.cdReach, "garbage")
			if to == river.StateRejected {
				return e.act("cd-office", p.ID, map[string]any{"action": "reject", "reason": "不属于河湖管理范围"}, 200)
			}
			for _, s := range path {
				if s.step.user != "" {
					body := s.step.body
					if body["action"] == "feedback" {
						body = map[string]any{"action": "feedback", "photos": e.afterPhoto(p.ID)}
					}
					p = e.act(s.step.user, p.ID, body, 200)
				}
				if p.State != string(s.state) {
					t.Fatalf("bringing a problem to %s: at %s", to, p.State)
				}
				if s.state == to {
					return p
				}
			}
			t.Fatalf("no path to %s", to)
			return p
		}
		full := map[string]any{"reason": "理由", "unit": "某单位", "deadline": "2027-02-28", "note": "说明"}
		tried := 0
		for _, s := range river.States {
			p := bring(s)
			hist := e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ?", p.ID)
			aud, err := audit.Count(ctx, db, audit.Filter{Module: "river", ObjectID: fmt.Sprint(p.ID)})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range river.Actions {
				body := map[string]any{"action": string(a)}
				for k, v := range full {
					body[k] = v
				}
				try := func(user string, want int, code string) {
					t.Helper()
					tried++
					var ae apiErr
					st := e.api(user, "POST", fmt.Sprintf("/api/v1/river/problems/%d/transition", p.ID), body, &ae)
					if st != want || (code != "" && ae.Error.Code != code) || ae.Error.Message == "" {
						t.Errorf("%s by %s in state %s: %d %+v, want %d %s", a, user, s, st, ae.Error, want, code)
					}
				}
				if _, ok := river.Next(s, a); !ok {
					code := "not_allowed"
					if s.Final() {
						code = "final"
					}
					try("cd-office", http.StatusConflict, code)
					continue
				}
				if office[a] {
					try("cd-chief", http.StatusForbidden, "forbidden")
				}
				try("dy-office", http.StatusForbidden, "")
			}
			if n := e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = ?", p.ID, string(s)); n != 1 {
				t.Fatalf("state %s: a refused action moved the problem", s)
			}
			if n := e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ?", p.ID); n != hist {
				t.Fatalf("state %s: history grew on refusals (%d → %d)", s, hist, n)
			}
			if n, _ := audit.Count(ctx, db, audit.Filter{Module: "river", ObjectID: fmt.Sprint(p.ID)}); n != aud {
				t.Fatalf("state %s: audit grew on refusals (%d → %d)", s, aud, n)
			}
		}
		// 9 states × 11 actions: 11 allowed pairs, each tried by 德阳, the 8 of the office
		// also by the chief; 88 refused
		if tried != 88+11+8 {
			t.Fatalf("%d attempts", tried)
		}
	})
}

// TestCountyOfficeScope: permission by level and region. 金堂县's 河长办 accepts a problem
// on a 金堂 reach, but may not touch one on 锦江区's reach nor one on the 成都 city reach
// (the city office's); 锦江区's office may not touch 金堂's; the 成都 city office may act
// on both counties' and sees them in its list, each county only its own.
func TestCountyOfficeScope(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("jt-office", "金堂县河长办", "510121", "river:riveroffice")
		e.addUser("jj-office", "锦江区河长办", "510104", "river:riveroffice")
		jt := &river.Reach{Code: "T-JT-3", RiverID: "tuojiang", Name: "沱江金堂段", Region: "510121"}
		jj := &river.Reach{Code: "T-JJ-3", RiverID: "jinjiang", Name: "锦江锦江区段", Region: "510104"}
		for _, r := range []*river.Reach{jt, jj} {
			if err := e.m.AddReach(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		}
		pJT, pJJ, pCity := e.report("cd-office", jt.ID, "garbage"), e.report("cd-office", jj.ID, "garbage"), e.report("cd-office", e.cdReach, "garbage")
		accept := map[string]any{"action": "accept"}
		e.act("jj-office", pJT.ID, accept, http.StatusForbidden)
		e.act("jt-office", pJJ.ID, accept, http.StatusForbidden)
		e.act("jt-office", pCity.ID, accept, http.StatusForbidden)
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE state = 'reported'"); n != 3 {
			t.Fatalf("a refused office moved a problem: %d still reported", n)
		}
		e.act("jt-office", pJT.ID, accept, http.StatusOK)
		e.act("cd-office", pJJ.ID, accept, http.StatusOK)
		for user, want := range map[string]int64{"jt-office": 1, "jj-office": 1, "cd-office": 3} {
			var l struct{ Total int64 }
			if st := e.api(user, "GET", "/api/v1/river/problems", nil, &l); st != 200 || l.Total != want {
				t.Fatalf("%s lists %d problems, want %d", user, l.Total, want)
			}
		}
	})
}

// TestPastDeadlineRefused: 交办 with a deadline of yesterday (2026-11-19, the clock being
// 2026-11-20 10:00), a 延期 asked to a day already past, or a deadline that is no date is
// refused with the field and a message saying what to do; the problem stays where it was.
// A deadline of today (until 23:59:59) is taken.
func TestPastDeadlineRefused(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.report("cd-chief", e.cdReach, "garbage")
		e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
		refused := func(user string, body map[string]any, msg string) {
			t.Helper()
			var ae apiErr
			st := e.api(user, "POST", fmt.Sprintf("/api/v1/river/problems/%d/transition", p.ID), body, &ae)
			if st != 400 || ae.Error.Field != "deadline" || !strings.Contains(ae.Error.Message, msg) {
				t.Fatalf("%v: %d %+v, want 400 deadline %q", body, st, ae.Error, msg)
			}
		}
		refused("cd-office", map[string]any{"action": "assign", "unit": "水务局", "deadline": "2026-11-19"}, "办理期限2026-11-19 23:59已过，请设置晚于当前时间的期限")
		refused("cd-office", map[string]any{"action": "assign", "unit": "水务局", "deadline": "11/30/2026"}, "期限格式不正确，请填写 YYYY-MM-DD 格式的日期")
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'accepted' AND unit = '' AND deadline = ''", p.ID); n != 1 {
			t.Fatal("a refused 交办 changed the problem")
		}
		e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "水务局", "deadline": "2026-11-20"}, 200)
		e.act("cd-chief", p.ID, map[string]any{"action": "receive"}, 200)
		refused("cd-chief", map[string]any{"action": "request_extend", "reason": "需协调", "deadline": "2026-11-18"}, "申请的期限2026-11-18 23:59已过")
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'handling' AND deadline LIKE '2026-11-20T15:59:59%'", p.ID); n != 1 {
			t.Fatal("a refused 延期 changed the problem")
		}
	})
}
