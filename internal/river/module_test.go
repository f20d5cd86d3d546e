package river_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/app/apptest"
	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

const pw = "correct-horse-1"

// fixed "now": 2026-11-20 10:00 in Asia/Shanghai
var testNow = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

type env struct {
	*apptest.Env
	t                             *testing.T
	a                             *app.App
	m                             *river.Module
	db                            *store.DB
	tokens                        map[string]string
	cdReach, sharedReach, dyReach int64
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	app.Register(river.NewModule())
	x := apptest.New(t, db)
	a := x.App
	m, ok := a.Module("river").(*river.Module)
	if !ok {
		t.Fatal("module river is not registered")
	}
	now := testNow
	m.Now = func() time.Time { return now }
	x.AddUsers(
		auth.NewUser{Username: "cd-office", DisplayName: "成都市河长办", Password: pw, Region: "510100", Roles: "river:riveroffice"},
		auth.NewUser{Username: "cd-chief", DisplayName: "成都河长", Password: pw, Region: "510100", Roles: "river:chief"},
		auth.NewUser{Username: "dy-office", DisplayName: "德阳市河长办", Password: pw, Region: "510600", Roles: "river:riveroffice"},
	)
	e := &env{Env: x, t: t, a: a, m: m, db: db, tokens: x.Tokens}
	if err := m.AddChief(ctx, &river.ChiefRow{Name: "张河长", Level: river.LevelCity, Region: "510100", UserID: x.Users["cd-chief"].ID}); err != nil {
		t.Fatal(err)
	}
	cd := &river.Reach{Code: "T-CD-1", RiverID: "jinjiang", Name: "锦江测试段", Region: "510100", Duties: "巡河护河", Phone: "028-12345"}
	shared := &river.Reach{Code: "T-TJ-1", RiverID: "tuojiang", Name: "沱江德阳成都交界段", Region: "510600", Region2: "510100"}
	dy := &river.Reach{Code: "T-DY-1", RiverID: "mianyuanhe", Name: "绵远河测试段", Region: "510600"}
	for _, r := range []*river.Reach{cd, shared, dy} {
		if err := m.AddReach(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	e.cdReach, e.sharedReach, e.dyReach = cd.ID, shared.ID, dy.ID
	if err := m.AddSection(ctx, &river.SectionRow{ID: "T-SEC-1", Name: "测试断面", RiverID: "jinjiang", ReachID: cd.ID, Target: river.ClassIII, Region: "510100"}); err != nil {
		t.Fatal(err)
	}
	x.Start()
	return e
}

func (e *env) api(user, method, path string, body any, out any) int {
	e.t.Helper()
	return e.API(user, method, path, body, out)
}

type apiErr struct {
	Error struct{ Code, Message, Field string }
}

type problem struct {
	ID    int64  `json:"id"`
	No    string `json:"no"`
	State string `json:"state"`
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	return e.Count(q, args...)
}

func (e *env) report(user string, reach int64, category string) problem {
	e.t.Helper()
	var p problem
	if st := e.api(user, "POST", "/api/v1/river/problems", map[string]any{"reach_id": reach, "category": category, "description": "河道内有垃圾堆放", "phone": "13800001234"}, &p); st != http.StatusCreated {
		e.t.Fatalf("report: %d", st)
	}
	return p
}

func (e *env) act(user string, id int64, body map[string]any, want int) problem {
	e.t.Helper()
	var p problem
	st := e.api(user, "POST", fmt.Sprintf("/api/v1/river/problems/%d/transition", id), body, &p)
	if st != want {
		e.t.Fatalf("%v: status %d, want %d", body, st, want)
	}
	return p
}

func TestWorkflowOverHTTP(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.report("cd-chief", e.cdReach, "garbage")
		if p.State != "reported" || !strings.HasPrefix(p.No, "HZ20261120") {
			t.Fatalf("reported problem: %+v", p)
		}
		e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
		p = e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "锦江区水务局"}, 200)
		if p.State != "assigned" {
			t.Fatalf("state %s", p.State)
		}
		e.act("cd-chief", p.ID, map[string]any{"action": "receive"}, 200)
		// a made-up photo is refused; an uploaded after-photo is taken
		var ae0 apiErr
		if st := e.api("cd-chief", "POST", fmt.Sprintf("/api/v1/river/problems/%d/transition", p.ID), map[string]any{"action": "feedback", "photos": []string{"after-1"}}, &ae0); st != 400 || ae0.Error.Field != "photos" {
			t.Fatalf("made-up photo: %d %+v", st, ae0)
		}
		e.act("cd-chief", p.ID, map[string]any{"action": "feedback", "photos": e.afterPhoto(p.ID)}, 200)

		// closing before the check is refused with the engine's message, nothing stored
		hist := e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ?", p.ID)
		var ae apiErr
		if st := e.api("cd-office", "POST", fmt.Sprintf("/api/v1/river/problems/%d/transition", p.ID), map[string]any{"action": "close"}, &ae); st != http.StatusConflict {
			t.Fatalf("close unchecked: %d", st)
		}
		if !strings.Contains(ae.Error.Message, "未经核查通过不能办结销号") {
			t.Fatalf("message %q", ae.Error.Message)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ?", p.ID); n != hist {
			t.Fatalf("history grew on a refused close: %d → %d", hist, n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'feedback'", p.ID); n != 1 {
			t.Fatal("state changed on a refused close")
		}
		// the 德阳 office may not act on a 成都 problem
		if st := e.api("dy-office", "POST", fmt.Sprintf("/api/v1/river/problems/%d/transition", p.ID), map[string]any{"action": "pass_check"}, &ae); st != http.StatusForbidden {
			t.Fatalf("德阳 on 成都: %d", st)
		}
		// a chief may not check
		if st := e.api("cd-chief", "POST", fmt.Sprintf("/api/v1/river/problems/%d/transition", p.ID), map[string]any{"action": "pass_check"}, &ae); st != http.StatusForbidden {
			t.Fatalf("chief checks: %d", st)
		}
		e.act("cd-office", p.ID, map[string]any{"action": "pass_check"}, 200)
		p = e.act("cd-office", p.ID, map[string]any{"action": "close"}, 200)
		if p.State != "closed" {
			t.Fatalf("state %s", p.State)
		}
		var got struct {
			History []struct {
				Action, From, To string
				ActorName        string `json:"actor_name"`
			}
		}
		e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/problems/%d", p.ID), nil, &got)
		want := []string{"report", "accept", "assign", "receive", "feedback", "pass_check", "close"}
		if len(got.History) != len(want) {
			t.Fatalf("history %+v", got.History)
		}
		for i, h := range got.History {
			if h.Action != want[i] || h.ActorName == "" {
				t.Fatalf("history[%d] = %+v, want %s", i, h, want[i])
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ?", p.ID); n != 7 {
			t.Fatalf("history rows %d", n)
		}
		// seven transitions and the upload of the after-photo
		n, err := audit.Count(context.Background(), db, audit.Filter{Module: "river", ObjectID: fmt.Sprint(p.ID)})
		if err != nil || n != 8 {
			t.Fatalf("audit rows %d %v", n, err)
		}
		// a closed problem cannot move again
		e.act("cd-office", p.ID, map[string]any{"action": "return", "reason": "再查"}, 409)

		// HTML: the detail page shows the history; a refused form shows the message
		q := e.report("cd-chief", e.cdReach, "dumping")
		c := e.login("cd-office")
		resp, body := c.Get(fmt.Sprintf("/river/problems/%d", q.ID))
		if resp.StatusCode != 200 || !strings.Contains(body, "流转记录") {
			t.Fatalf("detail page %d", resp.StatusCode)
		}
		resp, body = c.PostForm(fmt.Sprintf("/river/problems/%d/transition", q.ID), url.Values{"csrf": {c.CSRF}, "action": {"close"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "未经核查通过不能办结销号") {
			t.Fatalf("refused form: %d", resp.StatusCode)
		}
		resp, body = c.Get("/river/report")
		if resp.StatusCode != 200 || !strings.Contains(body, "锦江测试段") {
			t.Fatalf("report page %d", resp.StatusCode)
		}
		resp, body = c.PostForm("/river/problems", url.Values{"csrf": {c.CSRF}, "reach_id": {itoa(e.cdReach)}, "source": {"inspection"}, "category": {"other"}, "description": {" "}})
		if resp.StatusCode != 400 || !strings.Contains(body, "请填写问题描述") {
			t.Fatalf("empty report form: %d", resp.StatusCode)
		}
		resp, body = c.PostForm("/river/problems", url.Values{"csrf": {c.CSRF}, "reach_id": {itoa(e.cdReach)}, "source": {"inspection"}, "category": {"other"}, "description": {"暗访发现排口"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "暗访发现排口") || !strings.Contains(body, "督查暗访") {
			t.Fatalf("report form: %d", resp.StatusCode)
		}
		resp, _ = c.PostForm(fmt.Sprintf("/river/problems/%d/transition", q.ID), url.Values{"csrf": {c.CSRF}, "action": {"accept"}})
		if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'accepted'", q.ID) != 1 {
			t.Fatalf("accept form: %d", resp.StatusCode)
		}
	})
}

func TestSharedReachVisibleToBoth(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.report("cd-chief", e.sharedReach, "sewage")
		e.report("cd-chief", e.cdReach, "garbage")
		var cd, dy struct{ Total int64 }
		e.api("cd-office", "GET", "/api/v1/river/problems", nil, &cd)
		e.api("dy-office", "GET", "/api/v1/river/problems", nil, &dy)
		if cd.Total != 2 || dy.Total != 1 {
			t.Fatalf("成都 sees %d, 德阳 sees %d", cd.Total, dy.Total)
		}
		// both offices may act on it
		e.act("dy-office", p.ID, map[string]any{"action": "accept"}, 200)
		e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "青白江区水务局", "joint_units": []string{"广汉市水利局"}}, 200)
		if st := e.api("dy-office", "GET", fmt.Sprintf("/api/v1/river/problems/%d", p.ID), nil, nil); st != 200 {
			t.Fatalf("德阳 reads shared: %d", st)
		}
	})
}

func TestReadings(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var ae apiErr
		if st := e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": "2026-11-01 08:00",
			"values": map[string]float64{"NH3N": -0.2, "COD": 12}}, &ae); st != 400 || ae.Error.Field != "NH3N" || !strings.Contains(ae.Error.Message, "氨氮") {
			t.Fatalf("negative: %d %+v", st, ae)
		}
		if st := e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": "2026-11-01 08:00",
			"values": map[string]float64{"COD": 12}, "units": map[string]string{"COD": "g/L"}}, &ae); st != 400 || ae.Error.Field != "COD" || !strings.Contains(ae.Error.Message, "化学需氧量") {
			t.Fatalf("unit: %d %+v", st, ae)
		}
		if n := e.count("SELECT COUNT(*) FROM river_readings"); n != 0 {
			t.Fatalf("bad readings stored: %d", n)
		}
		var r struct {
			Class     int
			ClassName string `json:"class_name"`
			ProblemID int64  `json:"problem_id"`
		}
		// Ⅱ类: no warning
		if st := e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": "2026-11-01 08:00",
			"values": map[string]float64{"NH3N": 0.4, "COD": 12, "DO": 7}}, &r); st != 201 || r.ClassName != "Ⅱ类" || r.ProblemID != 0 {
			t.Fatalf("good: %d %+v", st, r)
		}
		// three readings worse than Ⅲ: one warning problem
		var first int64
		for i, v := range []float64{1.8, 1.9, 2.5} {
			r.ProblemID = 0
			if st := e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": fmt.Sprintf("2026-11-0%d 08:00", i+2),
				"values": map[string]float64{"NH3N": v}}, &r); st != 201 {
				t.Fatalf("bad %d: %d", i, st)
			}
			if i == 0 {
				first = r.ProblemID
			}
		}
		if first == 0 || r.ClassName != "劣Ⅴ类" {
			t.Fatalf("warning not opened: first=%d last=%+v", first, r)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'monitoring' AND section_id = 'T-SEC-1'"); n != 1 {
			t.Fatalf("warning problems %d, want 1", n)
		}
		// a re-sent reading changes nothing
		if st := e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": "2026-11-02 08:00",
			"values": map[string]float64{"NH3N": 1.8}}, &r); st != 200 {
			t.Fatalf("resend: %d", st)
		}
		if n := e.count("SELECT COUNT(*) FROM river_readings"); n != 4 {
			t.Fatalf("readings %d", n)
		}
	})
}

// ---- browser-like client ----

type client struct{ *apptest.Browser }

func (e *env) client() *client { return &client{e.Browser(true)} }

func (e *env) login(user string) *client {
	c := e.client()
	c.Login(user, pw, "/river/")
	return c
}

var noRe = regexp.MustCompile(`id="tracking-no">(HZ[0-9A-F]+)<`)

func TestPublicReport(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		resp, body := c.Get("/river/public/T-CD-1")
		if resp.StatusCode != 200 || !strings.Contains(body, "锦江测试段") || !strings.Contains(body, "028-12345") || !strings.Contains(body, "张") && false {
			t.Fatalf("公示牌: %d", resp.StatusCode)
		}
		if c.CSRF == "" {
			t.Fatal("anonymous form has no csrf field")
		}
		var no string
		for i := 1; i <= 5; i++ {
			resp, body = c.PostForm("/river/public/T-CD-1", url.Values{"csrf": {c.CSRF}, "category": {"garbage"}, "description": {fmt.Sprintf("岸边有垃圾 %d", i)}, "phone": {"13800001234"}})
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("public report %d: %d", i, resp.StatusCode)
			}
			m := noRe.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no tracking number in answer %d", i)
			}
			no = m[1]
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'public' AND reporter_phone = '13800001234'"); n != 5 {
			t.Fatalf("public problems %d", n)
		}
		resp, body = c.PostForm("/river/public/T-CD-1", url.Values{"csrf": {c.CSRF}, "category": {"garbage"}, "description": {"第六次"}, "phone": {"13800001234"}})
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "举报过于频繁") {
			t.Fatalf("6th report: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'public'"); n != 5 {
			t.Fatalf("6th stored: %d", n)
		}
		resp, body = e.client().Get("/river/public/track/" + no)
		if resp.StatusCode != 200 || !strings.Contains(body, "已上报") {
			t.Fatalf("track: %d", resp.StatusCode)
		}
		if strings.Contains(body, "13800001234") || strings.Contains(body, "1234") {
			t.Fatal("track page shows the reporter's phone")
		}
		// the office's API never gives the phone either
		_, raw := e.rawGet("cd-office", "/api/v1/river/problems")
		if strings.Contains(raw, "13800001234") {
			t.Fatal("API shows the reporter's phone")
		}
		if resp, _ := e.client().Get("/river/public/track/HZ00000000NOPE"); resp.StatusCode != 404 {
			t.Fatalf("unknown number: %d", resp.StatusCode)
		}
	})
}

func (e *env) rawGet(user, path string) (int, string) {
	req, _ := http.NewRequest("GET", e.Srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestDashboardMatchesLists(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ps := []problem{e.report("cd-chief", e.cdReach, "garbage"), e.report("cd-chief", e.sharedReach, "sewage"), e.report("cd-chief", e.cdReach, "occupy")}
		for _, p := range ps[:2] {
			e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
			e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "水务局", "deadline": "2026-11-25"}, 200)
		}
		e.act("cd-chief", ps[0].ID, map[string]any{"action": "receive"}, 200)
		e.act("cd-chief", ps[0].ID, map[string]any{"action": "feedback", "photos": e.afterPhoto(ps[0].ID)}, 200)
		e.act("cd-office", ps[0].ID, map[string]any{"action": "pass_check"}, 200)
		e.act("cd-office", ps[0].ID, map[string]any{"action": "close"}, 200)
		// a week later the second is overdue
		later := testNow.AddDate(0, 0, 7)
		e.m.Now = func() time.Time { return later }

		for _, user := range []string{"cd-office", "dy-office"} {
			var d river.Dashboard
			if st := e.api(user, "GET", "/api/v1/river/dashboard", nil, &d); st != 200 {
				t.Fatalf("dashboard %d", st)
			}
			total := func(q string) int64 {
				var l struct{ Total int64 }
				e.api(user, "GET", "/api/v1/river/problems"+q, nil, &l)
				return l.Total
			}
			if d.Found != total("") || d.Closed != total("?state=closed") || d.Overdue != total("?overdue=1") {
				t.Fatalf("%s totals %d/%d/%d vs lists %d/%d/%d", user, d.Found, d.Closed, d.Overdue, total(""), total("?state=closed"), total("?overdue=1"))
			}
			for _, c := range d.Cities {
				if c.Found != total("?city="+c.Code) || c.Closed != total("?city="+c.Code+"&state=closed") || c.Overdue != total("?city="+c.Code+"&overdue=1") {
					t.Fatalf("%s city %s %+v differs from the list", user, c.Name, c)
				}
			}
			for _, c := range d.Categories {
				if c.Count != total("?category="+c.Key) {
					t.Fatalf("category %s", c.Key)
				}
			}
			for _, s := range d.Sources {
				if s.Count != total("?source="+s.Key) {
					t.Fatalf("source %s", s.Key)
				}
			}
		}
		var d river.Dashboard
		e.api("cd-office", "GET", "/api/v1/river/dashboard", nil, &d)
		if d.Found != 3 || d.Closed != 1 || d.Overdue != 1 || d.ClosingRate != "33.3%" || d.ChiefsTotal != 1 {
			t.Fatalf("成都 dashboard %+v", d)
		}

		// registered chiefs count those in office: 张 retires, 李 takes over and 王 (county)
		// is registered under 李; 德阳 has 赵 in office and 钱 retired
		var li, wang, zhao, qian struct{ ID int64 }
		e.api("cd-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "李河长", "level": 2, "region": "510100"}, &li)
		e.api("cd-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "王河长", "level": 3, "region": "510121", "parent_id": li.ID}, &wang)
		e.api("dy-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "赵河长", "level": 2, "region": "510600"}, &zhao)
		e.api("dy-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "钱河长", "level": 3, "region": "510681"}, &qian)
		if li.ID == 0 || wang.ID == 0 || zhao.ID == 0 || qian.ID == 0 {
			t.Fatal("chiefs not registered")
		}
		zhang := e.chiefID("张河长")
		if st := e.api("cd-office", "POST", fmt.Sprintf("/api/v1/river/chiefs/%d/retire", zhang), map[string]any{"reason": "换届", "successor_id": li.ID}, nil); st != 200 {
			t.Fatalf("retire 张: %d", st)
		}
		if st := e.api("dy-office", "POST", fmt.Sprintf("/api/v1/river/chiefs/%d/retire", qian.ID), map[string]any{"reason": "工作调动"}, nil); st != 200 {
			t.Fatalf("retire 钱: %d", st)
		}
		type listed struct{ Items []struct{ Name string } }
		chiefs := func(user, q string) int64 {
			var l listed
			if st := e.api(user, "GET", "/api/v1/river/chiefs?"+q, nil, &l); st != 200 {
				t.Fatalf("chief list %s: %d", q, st)
			}
			return int64(len(l.Items))
		}
		for _, c := range []struct {
			user      string
			total     int64
			city      string
			byLevel   [6]int64
			registers int64 // in office and retired, as the roster lists with status=all
		}{
			{"cd-office", 2, "510100", [6]int64{0, 0, 1, 1, 0, 0}, 3},
			{"dy-office", 1, "510600", [6]int64{0, 0, 1, 0, 0, 0}, 2},
		} {
			e.api(c.user, "GET", "/api/v1/river/dashboard", nil, &d)
			if d.ChiefsTotal != c.total || len(d.Chiefs) != 1 || d.Chiefs[0].Code != c.city || d.Chiefs[0].ByLevel != c.byLevel || d.Chiefs[0].Total != c.total {
				t.Fatalf("%s: registered chiefs %d %+v", c.user, d.ChiefsTotal, d.Chiefs)
			}
			// the figures recomputed from the roster, which lists the chiefs in office by default
			var sum int64
			for lvl := 1; lvl <= 5; lvl++ {
				n := chiefs(c.user, fmt.Sprintf("region=%s&level=%d", c.city, lvl))
				if n != d.Chiefs[0].ByLevel[lvl] {
					t.Fatalf("%s level %d: dashboard %d, roster %d", c.user, lvl, d.Chiefs[0].ByLevel[lvl], n)
				}
				sum += n
			}
			if all := chiefs(c.user, "region="+c.city+"&status=all"); sum != d.ChiefsTotal || all != c.registers {
				t.Fatalf("%s: roster %d in office, %d with the retired", c.user, sum, all)
			}
			cards, err := e.m.HomeCards(t.Context(), e.Users[c.user])
			if err != nil || cards[0].Label != "注册河长" || cards[0].Value != strconv.FormatInt(c.total, 10) {
				t.Fatalf("%s home card %+v %v", c.user, cards, err)
			}
		}
		c := e.login("cd-office")
		resp, body := c.Get("/river/dashboard")
		if resp.StatusCode != 200 || !strings.Contains(body, `class="chart"`) || strings.Contains(body, "<script>") {
			t.Fatalf("dashboard page %d", resp.StatusCode)
		}
		resp, body = c.Get("/river/?overdue=1")
		if resp.StatusCode != 200 || !strings.Contains(body, `<strong id="total">1</strong>`) {
			t.Fatalf("list page %d", resp.StatusCode)
		}
		// the list marks the problem with a photo (the first: its after-photo) and no other
		resp, body = c.Get("/river/")
		if resp.StatusCode != 200 || !strings.Contains(body, ">"+ps[0].No+`</a> <span class="tag" title="照片 1 张">照片 1</span></td>`) || strings.Count(body, `title="照片 `) != 1 {
			t.Fatalf("list page photo marks %d", resp.StatusCode)
		}
	})
}
