package river_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/audit"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// The 河长办 registers a chief and gives a reach to a chief, only within its region.
func TestChiefRegisterAndAssign(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cityChief := e.chiefID("张河长")
		type chief struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			Level    int    `json:"level"`
			City     string `json:"city"`
			ParentID int64  `json:"parent_id"`
		}
		before := e.count("SELECT COUNT(*) FROM river_chiefs")
		bad := []struct {
			user  string
			body  map[string]any
			st    int
			field string
		}{
			{"cd-office", map[string]any{"name": " ", "level": 3, "region": "510121"}, 400, "name"},
			{"cd-office", map[string]any{"name": "李县长", "level": 9, "region": "510121"}, 400, "level"},
			{"cd-office", map[string]any{"name": "王镇长", "level": 4, "region": "510121"}, 400, "place"},
			{"cd-office", map[string]any{"name": "李县长", "level": 3, "region": "510121", "parent_id": 999999}, 400, "parent_id"},
			{"cd-office", map[string]any{"name": "李县长", "level": 1, "region": "510100", "parent_id": cityChief}, 400, "parent_id"},
			{"cd-office", map[string]any{"name": "李县长", "level": 3, "region": "5101"}, 400, "region"},
			{"dy-office", map[string]any{"name": "李县长", "level": 3, "region": "510121"}, 403, ""},
			{"cd-chief", map[string]any{"name": "李县长", "level": 3, "region": "510121"}, 403, ""},
		}
		for _, b := range bad {
			var ae apiErr
			if st := e.api(b.user, "POST", "/api/v1/river/chiefs", b.body, &ae); st != b.st || ae.Error.Field != b.field || ae.Error.Message == "" {
				t.Fatalf("%s %v: %d %+v, want %d on field %q", b.user, b.body, st, ae.Error, b.st, b.field)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs"); n != before {
			t.Fatalf("refused registrations stored chiefs: %d → %d", before, n)
		}
		var c chief
		if st := e.api("cd-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "李县长", "level": 3, "region": "510121", "title": "县长", "phone": "028-84980000", "parent_id": cityChief}, &c); st != http.StatusCreated {
			t.Fatalf("register: %d", st)
		}
		if c.ID == 0 || c.Level != 3 || c.City != "510100" || c.ParentID != cityChief {
			t.Fatalf("registered chief = %+v", c)
		}
		if n := e.AuditCount(audit.Filter{Module: "river", Action: "create", ObjectID: fmt.Sprint(c.ID)}); n != 1 {
			t.Fatalf("registration audit entries = %d, want 1", n)
		}

		// reach T-CD-1 lies in 成都市 (510100): a 金堂县 chief cannot own it, the city chief can
		var ae apiErr
		if st := e.api("cd-office", "PUT", "/api/v1/river/reaches/T-CD-1/chief", map[string]any{"chief_id": c.ID}, &ae); st != 400 || ae.Error.Field != "chief_id" {
			t.Fatalf("county chief on a city reach: %d %+v", st, ae.Error)
		}
		if st := e.api("dy-office", "PUT", "/api/v1/river/reaches/T-CD-1/chief", map[string]any{"chief_id": cityChief}, &ae); st != 403 || ae.Error.Code != "out_of_scope" {
			t.Fatalf("德阳 office on a 成都 reach: %d %+v", st, ae.Error)
		}
		if st := e.api("cd-office", "PUT", "/api/v1/river/reaches/NOPE/chief", map[string]any{"chief_id": cityChief}, &ae); st != 404 {
			t.Fatalf("unknown reach: %d", st)
		}
		var r struct {
			ChiefID   int64  `json:"chief_id"`
			ChiefName string `json:"chief_name"`
		}
		if st := e.api("cd-office", "PUT", "/api/v1/river/reaches/T-CD-1/chief", map[string]any{"chief_id": cityChief}, &r); st != 200 || r.ChiefID != cityChief || r.ChiefName != "张河长" {
			t.Fatalf("assign: %d %+v", st, r)
		}
		if n := e.AuditCount(audit.Filter{Module: "river", Action: "update", ObjectID: "T-CD-1"}); n != 1 {
			t.Fatalf("assignment audit entries = %d, want 1", n)
		}
	})
}

// The same from the chief page, as a 河长办 clerk uses it.
func TestChiefPageForms(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cityChief := e.chiefID("张河长")
		page := fmt.Sprintf("/river/chiefs/%d", cityChief)
		dy := e.login("dy-office")
		if resp, body := dy.Get(page); resp.StatusCode != 200 || strings.Contains(body, "登记下级河长") {
			t.Fatalf("德阳 office sees the 成都 chief's forms (%d)", resp.StatusCode)
		}
		c := e.login("cd-office")
		resp, body := c.Get(page)
		if resp.StatusCode != 200 || !strings.Contains(body, "登记下级河长") || !strings.Contains(body, `value="510121"`) {
			t.Fatalf("chief page for the 成都 office: %d, want the form with 金堂县 among the regions", resp.StatusCode)
		}
		before := e.count("SELECT COUNT(*) FROM river_chiefs")
		resp, body = c.PostForm(page+"/children", url.Values{"csrf": {c.CSRF}, "name": {"王镇长"}, "level": {"4"}, "region": {"510121"}})
		if resp.StatusCode != 400 || !strings.Contains(body, `id="chief-error"`) || !strings.Contains(body, "请填写所在乡镇或村") || !strings.Contains(body, `value="王镇长"`) {
			t.Fatalf("township chief without place: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs"); n != before {
			t.Fatalf("refused form stored a chief")
		}
		resp, body = c.PostForm(page+"/children", url.Values{"csrf": {c.CSRF}, "name": {"王镇长"}, "level": {"4"}, "region": {"510121"}, "place": {"赵镇街道"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "已登记河长 王镇长") || !strings.Contains(body, "赵镇街道") {
			t.Fatalf("register from the page: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs WHERE name = '王镇长' AND parent_id = ? AND level = 4 AND region = '510121'", cityChief); n != 1 {
			t.Fatalf("registered chiefs = %d, want 1 under the city chief", n)
		}
		resp, body = c.PostForm(page+"/reaches", url.Values{"csrf": {c.CSRF}, "code": {"NOPE"}})
		if resp.StatusCode != 404 || !strings.Contains(body, `id="reach-error"`) || !strings.Contains(body, "没有公示牌编码为“NOPE”的河段") {
			t.Fatalf("unknown reach code: %d", resp.StatusCode)
		}
		resp, body = c.PostForm(page+"/reaches", url.Values{"csrf": {c.CSRF}, "code": {"T-CD-1"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "河段 T-CD-1 已交由本河长负责") || !strings.Contains(body, "锦江测试段") {
			t.Fatalf("assign from the page: %d", resp.StatusCode)
		}
	})
}

// A chief's person, post and contact are changed by the 河长办 of the chief's region only.
func TestChiefUpdate(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.chiefID("张河长")
		path := fmt.Sprintf("/api/v1/river/chiefs/%d", id)
		var ae apiErr
		if st := e.api("dy-office", "PUT", path, map[string]any{"name": "赵河长"}, &ae); st != 403 || ae.Error.Code != "out_of_scope" {
			t.Fatalf("德阳 office: %d %+v", st, ae.Error)
		}
		if st := e.api("cd-office", "PUT", path, map[string]any{"name": "  "}, &ae); st != 400 || ae.Error.Field != "name" {
			t.Fatalf("empty name: %d %+v", st, ae.Error)
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs WHERE id = ? AND name = '张河长'", id); n != 1 {
			t.Fatalf("refused changes altered the chief")
		}
		var c struct {
			Name  string `json:"name"`
			Title string `json:"title"`
		}
		if st := e.api("cd-office", "PUT", path, map[string]any{"name": "赵河长", "title": "副市长", "phone": "028-61880000"}, &c); st != 200 || c.Name != "赵河长" || c.Title != "副市长" {
			t.Fatalf("update: %d %+v", st, c)
		}
		list, err := audit.List(t.Context(), db, audit.Filter{Module: "river", Action: "update", ObjectID: fmt.Sprint(id)})
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Detail, "姓名：张河长 → 赵河长") || !strings.Contains(list[0].Detail, "职务：（无） → 副市长") {
			t.Fatalf("audit of the change: %v %+v", err, list)
		}
		// the page form: a refusal comes back on the page, a change redirects with the news
		cl := e.login("cd-office")
		page := fmt.Sprintf("/river/chiefs/%d", id)
		cl.Get(page)
		resp, body := cl.PostForm(page, url.Values{"csrf": {cl.CSRF}, "name": {""}})
		if resp.StatusCode != 400 || !strings.Contains(body, `id="self-error"`) {
			t.Fatalf("empty name on the page: %d", resp.StatusCode)
		}
		resp, body = cl.PostForm(page, url.Values{"csrf": {cl.CSRF}, "name": {"钱河长"}, "title": {"副市长"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "河长信息已修改") || !strings.Contains(body, "钱河长") {
			t.Fatalf("change on the page: %d", resp.StatusCode)
		}
	})
}

type termOut struct {
	ChiefID   int64  `json:"chief_id"`
	ChiefName string `json:"chief_name"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Reason    string `json:"reason"`
}

// reachTerms reads a reach's history (newest first) through the API.
// chiefID is the id of the chief of that name in the test data.
func (e *env) chiefID(name string) int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(e.t.Context(), "SELECT id FROM river_chiefs WHERE name = ?", name).Scan(&id); err != nil {
		e.t.Fatalf("chief %s: %v", name, err)
	}
	return id
}

// registerChief registers a chief through the API as the 成都 河长办 and returns its id.
func (e *env) registerChief(name string, level int, region, place string, parent int64) int64 {
	e.t.Helper()
	var c struct{ ID int64 }
	if st := e.api("cd-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": name, "level": level, "region": region, "place": place, "parent_id": parent}, &c); st != 201 {
		e.t.Fatalf("register %s: %d", name, st)
	}
	return c.ID
}

func (e *env) reachTerms(code string) []termOut {
	e.t.Helper()
	var out struct {
		Total int       `json:"total"`
		Items []termOut `json:"items"`
	}
	if st := e.api("cd-office", "GET", "/api/v1/river/reaches/"+code+"/terms", nil, &out); st != 200 || out.Total != len(out.Items) {
		e.t.Fatalf("terms of %s: %d %+v", code, st, out)
	}
	return out.Items
}

// Chiefs change over time: the 河长办 moves a reach from one chief to another and retires a
// chief, whose reaches go to a successor in the same step; every holder's time is kept.
func TestChiefReassignAndRetire(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		zhang := e.chiefID("张河长")
		reg := func(user string, body map[string]any) int64 {
			t.Helper()
			var c struct{ ID int64 }
			if st := e.api(user, "POST", "/api/v1/river/chiefs", body, &c); st != http.StatusCreated {
				t.Fatalf("register %v: %d", body, st)
			}
			return c.ID
		}
		li := reg("cd-office", map[string]any{"name": "李河长", "level": 2, "region": "510100", "title": "副市长"})
		wang := reg("cd-office", map[string]any{"name": "王河长", "level": 3, "region": "510121", "parent_id": zhang})
		zhao := reg("dy-office", map[string]any{"name": "赵河长", "level": 2, "region": "510600"})
		assign := func(code string, chief int64, want int) apiErr {
			t.Helper()
			var ae apiErr
			if st := e.api("cd-office", "PUT", "/api/v1/river/reaches/"+code+"/chief", map[string]any{"chief_id": chief}, &ae); st != want {
				t.Fatalf("assign %s to %d: %d %+v, want %d", code, chief, st, ae.Error, want)
			}
			return ae
		}

		// 调整: 张 takes the reach, then 李; 张's term ends when 李's begins
		assign("T-CD-1", zhang, 200)
		if h := e.reachTerms("T-CD-1"); len(h) != 1 || h[0].ChiefID != zhang || h[0].End != "0001-01-01T00:00:00Z" || h[0].Start != "2026-11-20T02:00:00Z" {
			t.Fatalf("history after the first assignment: %+v", h)
		}
		assign("T-CD-1", li, 200)
		h := e.reachTerms("T-CD-1")
		if len(h) != 2 || h[0].ChiefID != li || h[0].End != "0001-01-01T00:00:00Z" || h[1].ChiefID != zhang || h[1].End != "2026-11-20T02:00:00Z" || h[1].Reason != "调整河长" {
			t.Fatalf("history after the reassignment: %+v", h)
		}
		// a 德阳 chief cannot hold a 成都 reach; nothing is recorded
		if ae := assign("T-CD-1", zhao, 400); ae.Error.Field != "chief_id" || !strings.Contains(ae.Error.Message, "请选择本辖区的河长") {
			t.Fatalf("other region: %+v", ae.Error)
		}
		if n := len(e.reachTerms("T-CD-1")); n != 2 {
			t.Fatalf("refused reassignment wrote history: %d rows", n)
		}
		// the 公示牌 names the current chief only
		pub := e.client()
		if resp, body := pub.Get("/river/board/T-CD-1"); resp.StatusCode != 200 || !strings.Contains(body, "李河长") || strings.Contains(body, "张河长") {
			t.Fatalf("board after the reassignment: %d", resp.StatusCode)
		}
		assign("T-CD-1", zhang, 200) // back to 张 for the retirement

		// 卸任: refusals change nothing
		path := fmt.Sprintf("/api/v1/river/chiefs/%d/retire", zhang)
		terms := e.count("SELECT COUNT(*) FROM river_reach_terms")
		audits := e.AuditCount(audit.Filter{Module: "river"})
		for _, b := range []struct {
			user  string
			body  map[string]any
			st    int
			field string
			msg   string
		}{
			{"dy-office", map[string]any{"reason": "换届", "successor_id": li}, 403, "", ""},
			{"cd-chief", map[string]any{"reason": "换届", "successor_id": li}, 403, "", "只有河长办"},
			{"cd-office", map[string]any{"reason": " ", "successor_id": li}, 400, "reason", "请填写卸任原因"},
			{"cd-office", map[string]any{"reason": "换届"}, 400, "handover", "河段“锦江测试段”（T-CD-1）还没有接任河长"},
			{"cd-office", map[string]any{"reason": "换届", "successor_id": zhao}, 400, "successor_id", "所选河长 赵河长 属德阳市"},
			{"cd-office", map[string]any{"reason": "换届", "successor_id": zhang}, 400, "successor_id", "不能是卸任的河长本人"},
			{"cd-office", map[string]any{"reason": "换届", "successor_id": 999999}, 400, "successor_id", "不存在"},
			{"cd-office", map[string]any{"reason": "换届", "handover": map[string]int64{"T-DY-1": li}, "successor_id": li}, 400, "handover", "河段“T-DY-1”不由河长 张河长 负责"},
			{"cd-office", map[string]any{"reason": "换届", "successor_id": li, "date": "2026-11-21"}, 400, "date", "不能晚于今天"},
			{"cd-office", map[string]any{"reason": "换届", "successor_id": li, "date": "2026-11-19"}, 400, "date", "早于其接管河段“锦江测试段”的日期 2026-11-20"},
		} {
			var ae apiErr
			if st := e.api(b.user, "POST", path, b.body, &ae); st != b.st || ae.Error.Field != b.field || !strings.Contains(ae.Error.Message, b.msg) {
				t.Fatalf("%s %v: %d %+v, want %d %q %q", b.user, b.body, st, ae.Error, b.st, b.field, b.msg)
			}
		}
		if e.count("SELECT COUNT(*) FROM river_chiefs WHERE id = ? AND retired_at = ''", zhang) != 1 || e.count("SELECT COUNT(*) FROM river_reaches WHERE code = 'T-CD-1' AND chief_id = ?", zhang) != 1 ||
			e.count("SELECT COUNT(*) FROM river_reach_terms") != terms || e.count("SELECT COUNT(*) FROM river_chiefs WHERE id = ? AND parent_id = ?", wang, zhang) != 1 ||
			e.AuditCount(audit.Filter{Module: "river"}) != audits {
			t.Fatal("a refused retirement changed something")
		}

		// 李 takes the reach and the county chief below 张
		var res struct {
			Chief struct {
				RetiredOn    string `json:"retired_on"`
				RetireReason string `json:"retire_reason"`
			} `json:"chief"`
			Handed   map[string]int64 `json:"handed"`
			Relinked int              `json:"relinked"`
			Unlinked int              `json:"unlinked"`
		}
		if st := e.api("cd-office", "POST", path, map[string]any{"reason": "换届", "successor_id": li}, &res); st != 200 ||
			res.Chief.RetiredOn != "2026-11-20" || res.Chief.RetireReason != "换届" || res.Handed["T-CD-1"] != li || len(res.Handed) != 1 || res.Relinked != 1 || res.Unlinked != 0 {
			t.Fatalf("retire: %d %+v", st, res)
		}
		h = e.reachTerms("T-CD-1")
		if len(h) != 4 || h[0].ChiefID != li || h[0].End != "0001-01-01T00:00:00Z" || h[1].ChiefID != zhang || h[1].Reason != "张河长卸任：换届" || h[1].End == "0001-01-01T00:00:00Z" {
			t.Fatalf("history after the retirement: %+v", h)
		}
		if e.count("SELECT COUNT(*) FROM river_chiefs WHERE id = ? AND parent_id = ?", wang, li) != 1 {
			t.Fatal("the county chief below 张 was not put under 李")
		}
		list, err := audit.List(t.Context(), db, audit.Filter{Module: "river", Action: "retire", ObjectID: fmt.Sprint(zhang)})
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Detail, "市级 张河长 于 2026-11-20 卸任（换届），移交河段 1 个，下级河长 1 名改由 李河长 领导") {
			t.Fatalf("retirement audit: %v %+v", err, list)
		}
		// a retired chief: not twice, no reach, no chief below
		var ae apiErr
		if st := e.api("cd-office", "POST", path, map[string]any{"reason": "换届", "successor_id": li}, &ae); st != http.StatusConflict || !strings.Contains(ae.Error.Message, "已于 2026-11-20 卸任") {
			t.Fatalf("second retirement: %d %+v", st, ae.Error)
		}
		if ae := assign("T-CD-1", zhang, 400); ae.Error.Field != "chief_id" || !strings.Contains(ae.Error.Message, "张河长 已于 2026-11-20 卸任，不能再负责河段“锦江测试段”") {
			t.Fatalf("reach to a retired chief: %+v", ae.Error)
		}
		if st := e.api("cd-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "孙河长", "level": 3, "region": "510121", "parent_id": zhang}, &ae); st != 400 || ae.Error.Field != "parent_id" || !strings.Contains(ae.Error.Message, "已于 2026-11-20 卸任") {
			t.Fatalf("chief under a retired chief: %d %+v", st, ae.Error)
		}
		// the register lists 张 among the retired, not among those in office
		var listed struct {
			Items []struct {
				Name      string `json:"name"`
				RetiredOn string `json:"retired_on"`
			} `json:"items"`
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/chiefs?region=510100&status=retired", nil, &listed); st != 200 || len(listed.Items) != 1 || listed.Items[0].Name != "张河长" || listed.Items[0].RetiredOn != "2026-11-20" {
			t.Fatalf("retired chiefs: %d %+v", st, listed)
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/chiefs?region=510100&status=active", nil, &listed); st != 200 || len(listed.Items) != 2 {
			t.Fatalf("chiefs in office: %d %+v", st, listed)
		}
		for _, it := range listed.Items {
			if it.Name == "张河长" {
				t.Fatal("张 listed in office")
			}
		}
		// 张's platform account (cd-chief) can no longer record patrols as a chief
		cc := e.login("cd-chief")
		cc.Get("/river/patrol")
		resp, body := cc.PostForm("/river/patrols", url.Values{"csrf": {cc.CSRF}, "reach_id": {itoa(e.cdReach)}, "start": {"2026-11-20 08:00"}, "end": {"2026-11-20 09:00"},
			"track": {"30.650,104.060\n30.655,104.065"}, "seen": {"河面整洁"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "您的河长职务已于 2026-11-20 卸任，不能再记录巡河") || e.count("SELECT COUNT(*) FROM river_patrols") != 0 {
			t.Fatalf("patrol by a retired chief: %d", resp.StatusCode)
		}
		// the 公示牌 and the public report page name 李 only; 张's page keeps the record
		for _, p := range []string{"/river/board/T-CD-1", "/river/public/T-CD-1"} {
			if resp, body := pub.Get(p); resp.StatusCode != 200 || !strings.Contains(body, "李河长") || strings.Contains(body, "张河长") {
				t.Fatalf("%s after the retirement: %d", p, resp.StatusCode)
			}
		}
		c := e.login("cd-office")
		resp, body = c.Get(fmt.Sprintf("/river/chiefs/%d", zhang))
		if resp.StatusCode != 200 || !strings.Contains(body, `id="retired"`) || !strings.Contains(body, "2026-11-20 卸任（换届）") || !strings.Contains(body, `href="/river/reaches/T-CD-1">锦江测试段</a></td><td>2026-11-20</td><td>2026-11-20</td><td>张河长卸任：换届`) || strings.Contains(body, "办理卸任") {
			t.Fatalf("retired chief's page: %d", resp.StatusCode)
		}
		resp, body = c.Get("/river/reaches/T-CD-1")
		if resp.StatusCode != 200 || !strings.Contains(body, `<td id="current-chief"><a href="/river/chiefs/`+itoa(li)+`">李河长</a>`) || strings.Count(body, ">张河长</a>") != 2 {
			t.Fatalf("reach page: %d", resp.StatusCode)
		}
	})
}

// The same from the pages: the chief page refuses a retirement that leaves a reach
// without a chief, naming the reach, and the reach page moves a reach.
func TestChiefRetirePageForms(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		zhang := e.chiefID("张河长")
		var li, wang struct{ ID int64 }
		e.api("cd-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "李河长", "level": 2, "region": "510100"}, &li)
		e.api("cd-office", "POST", "/api/v1/river/chiefs", map[string]any{"name": "王河长", "level": 3, "region": "510121", "parent_id": zhang}, &wang)
		if err := e.m.AddReach(t.Context(), &river.Reach{Code: "T-JT-1", RiverID: "tuojiang", Name: "沱江金堂测试段", Region: "510121"}); err != nil {
			t.Fatal(err)
		}
		if st := e.api("cd-office", "PUT", "/api/v1/river/reaches/T-JT-1/chief", map[string]any{"chief_id": wang.ID}, nil); st != 200 {
			t.Fatalf("give 王 the 金堂 reach: %d", st)
		}
		if resp, body := e.client().Get("/river/board/T-JT-1"); resp.StatusCode != 200 || !strings.Contains(body, "张河长（市级）") {
			t.Fatalf("board before the retirement names 张 above 王: %d", resp.StatusCode)
		}
		c := e.login("cd-office")

		// the reach page: the 德阳 office sees no form; a county chief cannot hold a city reach; 张 can
		if resp, body := e.login("dy-office").Get("/river/reaches/T-CD-1"); resp.StatusCode != 200 || strings.Contains(body, "调整本河段河长") {
			t.Fatalf("德阳 office on the 成都 reach page: %d", resp.StatusCode)
		}
		resp, body := c.Get("/river/reaches/T-CD-1")
		if resp.StatusCode != 200 || !strings.Contains(body, "尚未明确河长") || !strings.Contains(body, fmt.Sprintf(`<option value="%d">李河长（市级`, li.ID)) {
			t.Fatalf("reach page for the office: %d", resp.StatusCode)
		}
		resp, body = c.PostForm("/river/reaches/T-CD-1/chief", url.Values{"csrf": {c.CSRF}, "chief_id": {itoa(wang.ID)}})
		if resp.StatusCode != 400 || !strings.Contains(body, `id="reach-error"`) || !strings.Contains(body, "请选择本辖区的河长") {
			t.Fatalf("county chief on the city reach: %d", resp.StatusCode)
		}
		resp, body = c.PostForm("/river/reaches/T-CD-1/chief", url.Values{"csrf": {c.CSRF}, "chief_id": {itoa(zhang)}})
		if resp.StatusCode != 200 || !strings.Contains(body, "河段已交由 张河长 负责") || !strings.Contains(body, "至今") {
			t.Fatalf("reassign from the reach page: %d", resp.StatusCode)
		}

		// the chief page: retiring without a successor is refused naming the reach
		page := fmt.Sprintf("/river/chiefs/%d", zhang)
		resp, body = c.Get(page)
		if resp.StatusCode != 200 || !strings.Contains(body, "办理卸任") || !strings.Contains(body, fmt.Sprintf(`<option value="%d">李河长（`, li.ID)) || !strings.Contains(body, `name="handover.T-CD-1"`) {
			t.Fatalf("chief page retire form: %d", resp.StatusCode)
		}
		resp, body = c.PostForm(page+"/retire", url.Values{"csrf": {c.CSRF}, "reason": {"工作调动"}})
		if resp.StatusCode != 400 || !strings.Contains(body, `id="retire-error"`) || !strings.Contains(body, "河段“锦江测试段”（T-CD-1）还没有接任河长") || !strings.Contains(body, `value="工作调动"`) {
			t.Fatalf("retire without successor: %d", resp.StatusCode)
		}
		// per reach: T-CD-1 to 李
		resp, body = c.PostForm(page+"/retire", url.Values{"csrf": {c.CSRF}, "reason": {"工作调动"}, "handover.T-CD-1": {itoa(li.ID)}})
		if resp.StatusCode != 200 || !strings.Contains(body, "已办理 张河长 卸任，移交河段 1 个") || !strings.Contains(body, "工作调动") {
			t.Fatalf("retire from the page: %d", resp.StatusCode)
		}
		if e.count("SELECT COUNT(*) FROM river_reaches WHERE code = 'T-CD-1' AND chief_id = ?", li.ID) != 1 {
			t.Fatal("reach not handed to 李")
		}
		// no successor for the chiefs below: 王 stays under 张 and is counted
		if e.count("SELECT COUNT(*) FROM river_chiefs WHERE id = ? AND parent_id = ?", wang.ID, zhang) != 1 {
			t.Fatal("the chief below moved without a successor")
		}
		// the 公示牌 of 王's reach names 王 but not the retired 张 above him
		if resp, body := e.client().Get("/river/board/T-JT-1"); resp.StatusCode != 200 || !strings.Contains(body, "王河长（县级河长") || strings.Contains(body, "张河长") {
			t.Fatalf("board below a retired chief: %d", resp.StatusCode)
		}
	})
}

// TestChiefTreeInOffice: the 河长关系树 and the roster show the chiefs in office. Under
// 张 (city): 王, 孙 (county) in office and 李 (county) retired without a successor, with
// 赵 (township) still linked below 李. 张's tree draws 王 and 孙 only and counts 3; cut to
// two nodes it still counts 3; 李's own page draws 赵 below it. The roster lists the
// chiefs in office unless asked for the retired or for all.
func TestChiefTreeInOffice(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		zhang := e.chiefID("张河长")
		reg := e.registerChief
		wang := reg("王河长", 3, "510104", "", zhang)
		li := reg("李河长", 3, "510121", "", zhang)
		sun := reg("孙河长", 3, "510105", "", zhang)
		zhao := reg("赵河长", 4, "510121", "赵镇", li)
		var res struct{ Unlinked int }
		if st := e.api("cd-office", "POST", fmt.Sprintf("/api/v1/river/chiefs/%d/retire", li), map[string]any{"reason": "换届"}, &res); st != 200 || res.Unlinked != 1 {
			t.Fatalf("retire 李: %d %+v", st, res)
		}
		type node struct {
			ID       int64
			Name     string
			Children int64
			Kids     []node `json:"children_nodes"`
		}
		var f struct {
			Tree      node
			TreeSize  int `json:"tree_size"`
			Truncated bool
			Shown     int
		}
		tree := func(id int64, max int) {
			t.Helper()
			f.Tree = node{}
			if st := e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/chiefs/%d/tree?max=%d", id, max), nil, &f); st != 200 {
				t.Fatalf("tree of %d: %d", id, st)
			}
		}
		tree(zhang, 100)
		if f.TreeSize != 3 || f.Truncated || f.Shown != 3 || f.Tree.Children != 2 || len(f.Tree.Kids) != 2 || f.Tree.Kids[0].ID != wang || f.Tree.Kids[1].ID != sun {
			t.Fatalf("张's tree: %+v", f)
		}
		tree(zhang, 2)
		if f.TreeSize != 3 || !f.Truncated || f.Shown != 2 || f.Tree.Children != 2 || len(f.Tree.Kids) != 1 || f.Tree.Kids[0].ID != wang {
			t.Fatalf("张's tree cut to 2: %+v", f)
		}
		tree(li, 100)
		if f.TreeSize != 2 || f.Truncated || f.Tree.Children != 1 || len(f.Tree.Kids) != 1 || f.Tree.Kids[0].ID != zhao {
			t.Fatalf("李's tree: %+v", f)
		}
		c := e.login("cd-office")
		resp, body := c.Get(fmt.Sprintf("/river/chiefs/%d", zhang))
		if resp.StatusCode != 200 || !strings.Contains(body, "下级河长</th><td>2 名（关系树共 3 名）") || strings.Contains(body, ">李河长</a>") {
			t.Fatalf("张's page: %d", resp.StatusCode)
		}
		for _, r := range []struct {
			q           string
			want, wantN []string
		}{
			{"?region=510100", []string{"张河长", "王河长", "孙河长", "赵河长", `<option value="active" selected>在任</option>`, "待重新挂接的河长（1 名）"}, []string{`李河长</a> <span class="tag">已卸任`}},
			{"?region=510100&status=retired", []string{"李河长", "已卸任"}, []string{"张河长", "王河长"}},
			{"?region=510100&status=all", []string{"张河长", "王河长", "孙河长", "赵河长", "李河长", `<option value="all" selected>全部</option>`}, nil},
		} {
			resp, body := c.Get("/river/chiefs" + r.q)
			if resp.StatusCode != 200 {
				t.Fatalf("roster %s: %d", r.q, resp.StatusCode)
			}
			for _, s := range r.want {
				if !strings.Contains(body, s) {
					t.Fatalf("roster %s lacks %s", r.q, s)
				}
			}
			for _, s := range r.wantN {
				if strings.Contains(body, s) {
					t.Fatalf("roster %s lists %s", r.q, s)
				}
			}
		}
	})
}
