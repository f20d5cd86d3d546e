package river_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestReporterPhoneNeverShown: a member of the public reports on 锦江测试段 by its code,
// once by the page and once by the app's JSON, each with a phone number for the call-back.
// The number is stored, and nowhere given back: not on the answer, a refused form shown
// again, the tracking page or API, the office's list, detail page or API, the 督办 list,
// nor the audit log's page, API or CSV export an administrator downloads.
func TestReporterPhoneNeverShown(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("admin", "管理员", "510000", "*:admin")
		const phone, tail = "13912345678", "12345678"
		shows := func(where, body string) {
			t.Helper()
			if strings.Contains(body, phone) || strings.Contains(body, tail) {
				t.Errorf("%s shows the reporter's phone", where)
			}
		}
		pub := e.client()
		pub.Get("/river/public/T-CD-1")
		// refused (no description): the form comes back without the number
		resp, body := pub.PostForm("/river/public/T-CD-1", url.Values{"csrf": {pub.CSRF}, "category": {"garbage"}, "description": {" "}, "phone": {phone}})
		if resp.StatusCode != 400 || !strings.Contains(body, "请填写问题描述") {
			t.Fatalf("refused public report %d", resp.StatusCode)
		}
		shows("the refused form", body)
		resp, body = pub.PostForm("/river/public/T-CD-1", url.Values{"csrf": {pub.CSRF}, "category": {"garbage"}, "description": {"桥下堆放垃圾"}, "phone": {phone}})
		m := noRe.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusCreated || m == nil {
			t.Fatalf("public report %d", resp.StatusCode)
		}
		shows("the report's answer", body)
		no := m[1]
		app := e.client()
		_, board, _ := publicJSON(app, "GET", "/api/v1/river/public/T-CD-1", "")
		tok, _ := board["csrf"].(string)
		if tok == "" {
			t.Fatal("no csrf from the 公示牌")
		}
		app.CSRF = tok
		st, out, text := publicJSON(app, "POST", "/api/v1/river/public/T-CD-1/reports", `{"category":"sewage","description":"排口冒黑水","phone":"`+phone+`"}`)
		if st != http.StatusCreated || out["no"] == nil {
			t.Fatalf("public JSON report %d %s", st, text)
		}
		shows("the app's answer", text)
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'public' AND reporter_phone = ?", phone); n != 2 {
			t.Fatalf("phone stored on %d reports, want 2", n)
		}
		var id int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_problems WHERE no = ?", no).Scan(&id); err != nil {
			t.Fatal(err)
		}
		// the office moves it on, so that the tracking shows steps and the 督办 list has it
		e.act("cd-office", id, map[string]any{"action": "accept"}, 200)
		e.act("cd-office", id, map[string]any{"action": "assign", "unit": "锦江区城管局", "deadline": "2026-11-21"}, 200)

		_, body = e.client().Get("/river/public/track/" + no)
		if !strings.Contains(body, "已交办") {
			t.Fatal("the tracking page does not show the progress")
		}
		shows("the tracking page", body)
		_, _, text = publicJSON(e.client(), "GET", "/api/v1/river/public/track/"+no, "")
		shows("the tracking API", text)
		for _, path := range []string{"/api/v1/river/problems", fmt.Sprintf("/api/v1/river/problems/%d", id), "/api/v1/river/overdue"} {
			st, raw := e.rawGet("cd-office", path)
			if st != 200 {
				t.Fatalf("%s: %d", path, st)
			}
			shows(path, raw)
		}
		off := e.login("cd-office")
		for _, path := range []string{"/river/", fmt.Sprintf("/river/problems/%d", id), "/river/supervise"} {
			_, body := off.Get(path)
			shows(path, body)
		}
		adm := e.login("admin")
		for _, path := range []string{"/audit?module=river", "/audit.csv?module=river"} {
			resp, body := adm.Get(path)
			if resp.StatusCode != 200 || !strings.Contains(body, no) {
				t.Fatalf("%s: %d, the report's entry is not there", path, resp.StatusCode)
			}
			shows(path, body)
		}
		st, raw := e.rawGet("admin", "/api/v1/audit?module=river")
		if st != 200 || !strings.Contains(raw, no) {
			t.Fatalf("audit API %d", st)
		}
		shows("the audit API", raw)
	})
}
