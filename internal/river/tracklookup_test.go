package river_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestTrackingNumberLookup: a member of the public who kept the tracking number comes back
// later without the link: the 公示牌 page has a 进度查询 form, and the number typed there
// (in lower case, with spaces, as people type) opens its progress; a number that names no
// report answers 404 with the form and the number typed; the empty form is shown as is.
func TestTrackingNumberLookup(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		_, body := c.Get("/river/public/T-CD-1")
		if !strings.Contains(body, `<form class="card" method="get" action="/river/public/track">`) || !strings.Contains(body, `name="no"`) {
			t.Fatal("the 公示牌 page has no 进度查询 form")
		}
		resp, body := c.PostForm("/river/public/T-CD-1", url.Values{"csrf": {c.CSRF}, "category": {"garbage"}, "description": {"岸边垃圾"}})
		m := noRe.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusCreated || m == nil {
			t.Fatalf("report %d", resp.StatusCode)
		}
		no := m[1]
		later := e.client()
		typed := " " + strings.ToLower(no[:8]) + " " + strings.ToLower(no[8:]) + " "
		resp, body = later.Get("/river/public/track?no=" + url.QueryEscape(typed))
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/river/public/track/"+no || !strings.Contains(body, "举报进度 · "+no) || !strings.Contains(body, "已上报") {
			t.Fatalf("lookup of %q: %d at %s", typed, resp.StatusCode, resp.Request.URL.Path)
		}
		// the app's API takes the number as typed too
		if st, out, _ := publicJSON(later, "GET", "/api/v1/river/public/track/"+strings.ToLower(no), ""); st != 200 || out["no"] != no {
			t.Fatalf("API lookup in lower case: %d %v", st, out)
		}
		resp, body = later.Get("/river/public/track?no=HZ20261120NOPE")
		if resp.StatusCode != 404 || !strings.Contains(body, "查无此编号：没有找到受理编号“HZ20261120NOPE”") || !strings.Contains(body, `value="HZ20261120NOPE"`) {
			t.Fatalf("unknown number: %d", resp.StatusCode)
		}
		resp, body = later.Get("/river/public/track")
		if resp.StatusCode != 200 || !strings.Contains(body, "举报进度查询") || strings.Contains(body, `role="alert"`) {
			t.Fatalf("empty lookup: %d", resp.StatusCode)
		}
	})
}

// TestPublicTrackShowsSupervision: the member of the public following a report sees the
// steps that do not change its state by their names — 超期标记, 超期升级, 督办 — and not
// as “已交办 → 已交办”; the app's API names every step's action.
func TestPublicTrackShowsSupervision(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.Get("/river/public/T-CD-1")
		_, body := c.PostForm("/river/public/T-CD-1", url.Values{"csrf": {c.CSRF}, "category": {"garbage"}, "description": {"岸边垃圾"}})
		no := noRe.FindStringSubmatch(body)[1]
		var id int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_problems WHERE no = ?", no).Scan(&id); err != nil {
			t.Fatal(err)
		}
		e.act("cd-office", id, map[string]any{"action": "accept"}, 200)
		e.act("cd-office", id, map[string]any{"action": "assign", "unit": "城管局", "deadline": "2026-11-21"}, 200)
		if _, err := e.m.EscalateOverdue(t.Context(), testNow.AddDate(0, 0, 2)); err != nil {
			t.Fatal(err)
		}
		later := testNow.AddDate(0, 0, 2)
		e.m.Now = func() time.Time { return later }
		if st := e.api("cd-office", "POST", "/api/v1/river/problems/"+itoa(id)+"/supervise", map[string]any{"note": "限两日内清理"}, nil); st != 200 {
			t.Fatalf("督办 %d", st)
		}
		_, body = e.client().Get("/river/public/track/" + no)
		if !strings.Contains(body, "超期升级（已交办）") || !strings.Contains(body, "督办（已交办）") || strings.Contains(body, "已交办 → 已交办") || strings.Contains(body, "限两日内清理") {
			t.Fatalf("the tracking page's steps:\n%s", body)
		}
		st, out, _ := publicJSON(e.client(), "GET", "/api/v1/river/public/track/"+no, "")
		steps, _ := out["steps"].([]any)
		var names []string
		for _, s := range steps {
			names = append(names, s.(map[string]any)["action_name"].(string))
		}
		if st != 200 || strings.Join(names, " ") != "上报 受理 交办 超期升级 督办" {
			t.Fatalf("API steps %d %q", st, names)
		}
	})
}
