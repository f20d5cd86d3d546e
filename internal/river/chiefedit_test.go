package river_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/audit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// The 河长办 registers a chief and gives a reach to a chief, only within its region.
func TestChiefRegisterAndAssign(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var cityChief int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_chiefs WHERE name = '张河长'").Scan(&cityChief); err != nil {
			t.Fatal(err)
		}
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
		var cityChief int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_chiefs WHERE name = '张河长'").Scan(&cityChief); err != nil {
			t.Fatal(err)
		}
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
		var id int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_chiefs WHERE name = '张河长'").Scan(&id); err != nil {
			t.Fatal(err)
		}
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
