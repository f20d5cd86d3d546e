package river_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// keyedReport posts a report to the API as user with the Idempotency-Key header
// (none when key is nil) and returns the status, the answer's headers and its body.
func (e *env) keyedReport(user string, key *string, body map[string]any) (int, http.Header, []byte) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.Srv.URL+"/api/v1/river/problems", strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	req.Header.Set("Content-Type", "application/json")
	if key != nil {
		req.Header.Set(river.IdempotencyHeader, *key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Error(err)
		return 0, nil, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

func keyOf(s string) *string { return &s }

// found is the 驾驶舱's count of problems found in user's region.
func (e *env) found(user string) int64 {
	e.t.Helper()
	var d struct {
		Found   int64 `json:"found"`
		Sources []struct {
			Key   string `json:"key"`
			Count int64  `json:"count"`
		} `json:"sources"`
	}
	if st := e.api(user, "GET", "/api/v1/river/dashboard", nil, &d); st != 200 {
		e.t.Fatalf("dashboard: %d", st)
	}
	return d.Found
}

const conflictMsg = "请求头 Idempotency-Key “%s”已用于另一份内容不同的上报（问题已按首次内容保存）；重发同一上报请原样提交首次的内容，上报新的问题请换一个新的 Idempotency-Key"

// A city's system reports a problem, times out and sends the same report again with
// the same Idempotency-Key: the problem is stored once (201, then 200 with the same
// problem), with one history step and one audit entry, and the 驾驶舱 counts it once.
// The same key with other content is refused 409 naming the header; another account's
// same key is its own; without the header every report is stored as before; a bad key
// is refused 400 before anything is stored; a refused report does not use up its key;
// a key is kept 7 days (ReportKeyTTL).
func TestReportSentAgainWithIdempotencyKey(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		before := e.found("cd-office")
		body := map[string]any{"reach_id": e.cdReach, "category": "sewage", "description": "锦江排口冒黑水", "lat": 30.65, "lon": 104.06, "phone": "13800001234"}
		key := keyOf("3f1c2a9e-0d4b-4c1e-9a77-5b8e2f6d1c01")
		st, hdr, raw := e.keyedReport("cd-chief", key, body)
		var first problem
		if json.Unmarshal(raw, &first); st != http.StatusCreated || first.ID == 0 || hdr.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first report: %d %s", st, raw)
		}
		st, hdr, raw = e.keyedReport("cd-chief", key, body)
		var again problem
		if json.Unmarshal(raw, &again); st != http.StatusOK || again.ID != first.ID || again.No != first.No || again.State != "reported" || hdr.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("report sent again: %d %s, want 200 with problem %d %s", st, raw, first.ID, first.No)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE description = '锦江排口冒黑水'"); n != 1 {
			t.Fatalf("%d problems stored", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ?", first.ID); n != 1 {
			t.Fatalf("%d history steps", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND object_type = 'problem'"); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
		if got := e.found("cd-office"); got != before+1 {
			t.Fatalf("驾驶舱 found %d, want %d", got, before+1)
		}

		// the same key with other content: refused, nothing stored or changed
		other := map[string]any{"reach_id": e.cdReach, "category": "sewage", "description": "锦江排口冒黄水", "lat": 30.65, "lon": 104.06, "phone": "13800001234"}
		st, _, raw = e.keyedReport("cd-chief", key, other)
		var ae apiErr
		if json.Unmarshal(raw, &ae); st != http.StatusConflict || ae.Error.Code != "idempotency_key_reused" || ae.Error.Field != "Idempotency-Key" ||
			ae.Error.Message != strings.Replace(conflictMsg, "%s", *key, 1) {
			t.Fatalf("same key, other content: %d %s", st, raw)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems"); n != 1 {
			t.Fatalf("%d problems after the conflict", n)
		}

		// another account's same key is unrelated: a problem of its own
		st, _, raw = e.keyedReport("cd-office", key, body)
		var office problem
		if json.Unmarshal(raw, &office); st != http.StatusCreated || office.ID == first.ID || office.ID == 0 {
			t.Fatalf("another account, same key: %d %s", st, raw)
		}

		// without the header: stored each time, as before
		for i := 0; i < 2; i++ {
			if st, _, raw := e.keyedReport("cd-chief", nil, body); st != http.StatusCreated {
				t.Fatalf("no key %d: %d %s", i, st, raw)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE description = '锦江排口冒黑水'"); n != 4 {
			t.Fatalf("%d problems, want 4 (keyed, the office's, two without a key)", n)
		}

		// bad keys: 400 naming the header, nothing stored
		badMsg := "请求头 Idempotency-Key 须为 1–128 个英文字母、数字或 - _ . : 字符（建议每次上报生成一个 UUID，重发时原样带上），请改正后重发"
		for _, k := range []string{"", "   ", strings.Repeat("a", 129), "上报-1", "a b", "a/b", "x;y"} {
			st, _, raw := e.keyedReport("cd-chief", keyOf(k), map[string]any{"reach_id": e.cdReach, "category": "garbage", "description": "坏键"})
			if json.Unmarshal(raw, &ae); st != 400 || ae.Error.Code != "bad_idempotency_key" || ae.Error.Field != "Idempotency-Key" || ae.Error.Message != badMsg {
				t.Errorf("key %q: %d %s", k, st, raw)
			}
		}
		if st, _, raw := e.keyedReport("cd-chief", keyOf(strings.Repeat("a", 128)), map[string]any{"reach_id": e.cdReach, "category": "garbage", "description": "最长的键"}); st != 201 {
			t.Fatalf("a key of 128 characters: %d %s", st, raw)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE description = '坏键'"); n != 0 {
			t.Fatalf("bad keys stored %d problems", n)
		}

		// a refused report leaves its key unused: the corrected one is stored with it
		k2 := keyOf("city-dy:2026-11-20:000017")
		if st, _, raw := e.keyedReport("cd-chief", k2, map[string]any{"reach_id": e.cdReach, "category": "nope", "description": "岸边垃圾"}); st != 400 {
			t.Fatalf("bad category: %d %s", st, raw)
		}
		if st, _, raw := e.keyedReport("cd-chief", k2, map[string]any{"reach_id": e.cdReach, "category": "garbage", "description": "岸边垃圾"}); st != 201 {
			t.Fatalf("corrected report with the key of a refused one: %d %s", st, raw)
		}

		// kept 7 days: a repeat 6 days 23 hours later is still the first problem; after
		// 7 days the key is forgotten and names a new report
		e.m.Now = func() time.Time { return testNow.Add(river.ReportKeyTTL - time.Hour) }
		if st, _, raw := e.keyedReport("cd-chief", key, body); st != 200 || !strings.Contains(string(raw), `"no":"`+first.No+`"`) {
			t.Fatalf("repeat within the keeping time: %d %s", st, raw)
		}
		e.m.Now = func() time.Time { return testNow.Add(river.ReportKeyTTL + time.Minute) }
		st, _, raw = e.keyedReport("cd-chief", key, body)
		var late problem
		if json.Unmarshal(raw, &late); st != 201 || late.ID == first.ID {
			t.Fatalf("key after the keeping time: %d %s", st, raw)
		}
		// the office's key, stored at the first moment too, has expired and is gone
		if n := e.count("SELECT COUNT(*) FROM river_report_keys WHERE idem_key = ?", *key); n != 1 {
			t.Fatalf("%d keys kept, want only the renewed one", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_report_keys WHERE idem_key = ? AND problem_id = ?", *key, late.ID); n != 1 {
			t.Fatalf("the renewed key does not name problem %d", late.ID)
		}
	})
}

// Eight identical keyed requests at the same moment store one problem: one answer is
// 201, the others 200 with the same problem; one audit entry. On PostgreSQL the
// primary key of river_report_keys makes the others wait for the first and read its
// problem; on SQLite the write lock does.
func TestReportSentAgainAtOnce(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		body := map[string]any{"reach_id": e.sharedReach, "category": "garbage", "description": "交界段漂浮垃圾", "severity": "major"}
		const n = 8
		status := make([]int, n)
		got := make([]problem, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st, _, raw := e.keyedReport("cd-chief", keyOf("dy-sys-20261120-0042"), body)
				status[i] = st
				json.Unmarshal(raw, &got[i])
			}()
		}
		close(start)
		wg.Wait()
		created := 0
		for i := range n {
			switch {
			case status[i] == 201:
				created++
			case status[i] != 200:
				t.Fatalf("request %d: %d", i, status[i])
			}
			if got[i].ID == 0 || got[i].ID != got[0].ID {
				t.Fatalf("request %d answered problem %d, request 0 problem %d", i, got[i].ID, got[0].ID)
			}
		}
		if created != 1 {
			t.Fatalf("%d answers 201, want 1", created)
		}
		if c := e.count("SELECT COUNT(*) FROM river_problems"); c != 1 {
			t.Fatalf("%d problems stored", c)
		}
		if c := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND object_type = 'problem'"); c != 1 {
			t.Fatalf("%d audit entries", c)
		}
	})
}

// publicApp is a public app that has read the 公示牌 of T-CD-1 and holds its CSRF token.
func (e *env) publicApp() *client {
	e.t.Helper()
	c := e.client()
	_, board, _ := publicJSON(c, "GET", "/api/v1/river/public/T-CD-1", "")
	c.CSRF = board["csrf"].(string)
	return c
}

// publicKeyed posts a public report of content type ct to T-CD-1 with the app's CSRF
// token and the Idempotency-Key header (none when key is "").
func publicKeyed(c *client, key, ct string, body io.Reader) (int, http.Header, map[string]any) {
	c.T.Helper()
	req, _ := http.NewRequest("POST", c.Base+"/api/v1/river/public/T-CD-1/reports", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-CSRF-Token", c.CSRF)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, text := c.Do(req)
	var out map[string]any
	json.Unmarshal([]byte(text), &out)
	return resp.StatusCode, resp.Header, out
}

// The public report API takes the key too: a multipart report with a photo sent again
// keeps one problem and one photo; the public's keys are one space (a second app's same
// key and content is the same report), and other content under the key is refused.
func TestPublicReportSentAgainWithIdempotencyKey(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.m.PublicLimit = 100
		c := e.publicApp()
		png := testPNG(t, 40, 30)
		sendFrom := func(c *client, key, desc string) (int, http.Header, map[string]any) {
			t.Helper()
			fields := map[string]string{"category": "sewage", "description": desc, "phone": "028-84980000", "csrf": c.CSRF}
			b, ct := multipartBody(fields, [3]any{"photos", "scene.png", png})
			return publicKeyed(c, key, ct, b)
		}
		send := func(key, desc string) (int, http.Header, map[string]any) { t.Helper(); return sendFrom(c, key, desc) }
		st, _, first := send("app-7c1e", "排污口冒黑水")
		no, _ := first["no"].(string)
		if st != 201 || no == "" || first["photos"] != 1.0 {
			t.Fatalf("first public report: %d %v", st, first)
		}
		st, hdr, again := send("app-7c1e", "排污口冒黑水")
		if st != 200 || again["no"] != no || again["photos"] != 1.0 || hdr.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("public report sent again: %d %v", st, again)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems"); n != 1 {
			t.Fatalf("%d problems", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos"); n != 1 {
			t.Fatalf("%d photos", n)
		}
		// one entry for the report, one for its photo
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND object_type = 'problem' AND action = 'create'"); n != 1 {
			t.Fatalf("%d audit entries of the report", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND object_type = 'problem' AND action = 'upload'"); n != 1 {
			t.Fatalf("%d audit entries of photos", n)
		}
		// a second app (another session) with the same key and content: the public's
		// keys are one space, so it is the same report
		if st, _, other := sendFrom(e.publicApp(), "app-7c1e", "排污口冒黑水"); st != 200 || other["no"] != no {
			t.Fatalf("another public app, same key and content: %d %v", st, other)
		}
		st, _, out := send("app-7c1e", "排污口冒黄水")
		if code, field, msg := errOf(out); st != 409 || code != "idempotency_key_reused" || field != "Idempotency-Key" || msg != strings.Replace(conflictMsg, "%s", "app-7c1e", 1) {
			t.Fatalf("public, same key, other content: %d %v", st, out)
		}
		if st, _, out := send("app-7c1e!", "排污口冒黑水"); st != 400 {
			t.Fatalf("public, bad key: %d %v", st, out)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems"); n != 1 {
			t.Fatalf("%d problems after the refusals", n)
		}
	})
}

// The OpenAPI document tells the cities' systems of the header on both report routes:
// its name, limits, the answers 200 and 409 and how long a key is kept.
func TestOpenAPIDocumentsIdempotencyKey(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	var doc struct {
		Paths map[string]map[string]struct {
			Description string `json:"description"`
			Parameters  []struct {
				Name   string `json:"name"`
				In     string `json:"in"`
				Schema struct {
					MaxLength int    `json:"maxLength"`
					Pattern   string `json:"pattern"`
				} `json:"schema"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if st := e.api("cd-chief", "GET", "/api/v1/openapi.json", nil, &doc); st != 200 {
		t.Fatalf("openapi: %d", st)
	}
	for _, path := range []string{"/api/v1/river/problems", "/api/v1/river/public/{code}/reports"} {
		op := doc.Paths[path]["post"]
		if len(op.Parameters) != 1 || op.Parameters[0].Name != "Idempotency-Key" || op.Parameters[0].In != "header" || op.Parameters[0].Schema.MaxLength != 128 ||
			op.Responses["409"] == nil || op.Responses["200"] == nil || op.Responses["201"] == nil ||
			!strings.Contains(op.Description, "保存 7 天") || !strings.Contains(op.Description, "409 idempotency_key_reused") {
			t.Errorf("%s: %+v", path, op)
		}
	}
}

// A public app that retries its report after a timeout gets it back even when the
// network's public limit is used up: the repeat stores nothing and is not counted; a
// new report from the network is still refused 429.
func TestPublicRepeatNotRateLimited(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.m.PublicLimit = 1
		c := e.publicApp()
		send := func(key, desc string) (int, map[string]any) {
			t.Helper()
			st, _, out := publicKeyed(c, key, "application/json", strings.NewReader(`{"category":"garbage","description":"`+desc+`"}`))
			return st, out
		}
		st, first := send("k-1", "河边垃圾")
		if st != 201 {
			t.Fatalf("first: %d %v", st, first)
		}
		for i := 0; i < 3; i++ {
			if st, again := send("k-1", "河边垃圾"); st != 200 || again["no"] != first["no"] {
				t.Fatalf("repeat %d: %d %v", i, st, again)
			}
		}
		for _, k := range []string{"k-2", ""} {
			if st, out := send(k, "另一处垃圾"); st != 429 {
				t.Fatalf("a new report (key %q) over the limit: %d %v", k, st, out)
			} else if code, _, _ := errOf(out); code != "rate_limited" {
				t.Fatalf("a new report over the limit: %v", out)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems"); n != 1 {
			t.Fatalf("%d problems", n)
		}
	})
}

// The report pages carry a key of their own: the same page sent twice (a double click, a
// phone sending again on a bad connection) stores one problem, both answers show it, and
// every page shown offers a new key.
func TestReportPagesSentTwiceStoreOnce(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		keyRe := regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]{32})"`)
		keyOf := func(body string) string {
			t.Helper()
			m := keyRe.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("the page offers no report key:\n%s", body)
			}
			return m[1]
		}
		// the office's report page
		c := e.login("cd-office")
		_, page := c.Get("/river/report")
		k1 := keyOf(page)
		if _, again := c.Get("/river/report"); keyOf(again) == k1 {
			t.Fatal("two report pages offered the same key")
		}
		before := e.count("SELECT COUNT(*) FROM river_problems")
		form := url.Values{"csrf": {c.CSRF}, "idempotency_key": {k1}, "reach_id": {itoa(e.cdReach)}, "source": {"inspection"}, "category": {"other"}, "description": {"暗访发现排口，双击提交"}}
		r1, b1 := c.PostForm("/river/problems", form)
		r2, b2 := c.PostForm("/river/problems", form)
		if r1.StatusCode != 200 || r2.StatusCode != 200 || r1.Request.URL.Path != r2.Request.URL.Path || !strings.Contains(b2, "双击提交") || b1 == "" {
			t.Fatalf("two sends: %d %s, %d %s", r1.StatusCode, r1.Request.URL.Path, r2.StatusCode, r2.Request.URL.Path)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems") - before; n != 1 {
			t.Fatalf("a page sent twice stored %d problems", n)
		}
		// a refused send keeps its key, and the corrected one is stored under it
		bad := url.Values{"csrf": {c.CSRF}, "idempotency_key": {k1[:31] + "x"}, "reach_id": {itoa(e.cdReach)}, "source": {"inspection"}, "category": {"other"}, "description": {" "}}
		if r, body := c.PostForm("/river/problems", bad); r.StatusCode != 400 || !strings.Contains(body, "请填写问题描述") {
			t.Fatalf("refused send: %d", r.StatusCode)
		} else if k := keyOf(body); k == k1[:31]+"x" {
			t.Fatal("a malformed key was offered again")
		}

		// the public 公示牌 page
		pub := e.client()
		_, page = pub.Get("/river/public/T-CD-1")
		k2 := keyOf(page)
		before = e.count("SELECT COUNT(*) FROM river_problems")
		pform := map[string]string{"csrf": pub.CSRF, "idempotency_key": k2, "category": "garbage", "description": "河边堆了垃圾（点了两次）", "phone": "13800000000"}
		p1, pb1 := pub.postMultipart("/river/public/T-CD-1", pform)
		p2, pb2 := pub.postMultipart("/river/public/T-CD-1", pform)
		no := regexp.MustCompile(`id="tracking-no">([^<]+)<`)
		m1, m2 := no.FindStringSubmatch(pb1), no.FindStringSubmatch(pb2)
		if p1.StatusCode != 201 || p2.StatusCode != 201 || m1 == nil || m2 == nil || m1[1] != m2[1] {
			t.Fatalf("public sends: %d %v, %d %v", p1.StatusCode, m1, p2.StatusCode, m2)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems") - before; n != 1 {
			t.Fatalf("a public page sent twice stored %d problems", n)
		}
		if keyOf(pb1) == k2 {
			t.Fatal("the page after a stored report offers the used key again")
		}
	})
}
