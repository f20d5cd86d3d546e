package river_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// publicJSON sends a public app's JSON with the CSRF token its 公示牌 call gave.
func publicJSON(c *client, method, path, body string) (int, map[string]any, string) {
	c.T.Helper()
	req, _ := http.NewRequest(method, c.Base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	resp, text := c.Do(req)
	var out map[string]any
	json.Unmarshal([]byte(text), &out)
	return resp.StatusCode, out, text
}

func errOf(out map[string]any) (code, field, msg string) {
	e, _ := out["error"].(map[string]any)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	msg, _ = e["message"].(string)
	return
}

// The public app reads a reach's 公示牌, reports by JSON or multipart with photos and
// follows its report; the answers never give the reporter's phone, the people or their notes.
func TestPublicAPIReportAndTrack(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.m.PublicLimit = 100 // the limit has its own test
		c := e.client()
		st, board, _ := publicJSON(c, "GET", "/api/v1/river/public/T-CD-1", "")
		if st != 200 || board["name"] != "锦江测试段" || board["phone"] != "028-12345" || board["max_photos"] != 3.0 || board["csrf"] == "" || !strings.Contains(fmt.Sprint(board["categories"]), "map[code:garbage name:垃圾]") {
			t.Fatalf("公示牌: %d %v", st, board)
		}
		// without the token the report is refused (cross-site forms cannot report in a visitor's name)
		if st, out, _ := publicJSON(e.client(), "POST", "/api/v1/river/public/T-CD-1/reports", `{"category":"garbage","description":"岸边有垃圾"}`); st != 403 {
			t.Fatalf("no csrf: %d %v", st, out)
		} else if code, field, _ := errOf(out); code != "csrf" || field != "csrf" {
			t.Fatalf("no csrf: %v", out)
		}
		c.CSRF = board["csrf"].(string)

		for _, b := range []struct {
			path, body           string
			st                   int
			code, field, message string
		}{
			{"T-CD-1", `{"category":"nope","description":"岸边有垃圾"}`, 400, "bad_category", "category", "问题类别“nope”未知，请从乱占、乱采、乱堆、乱建、排污、水质异常、垃圾、岸线、其他中选择"},
			{"T-CD-1", `{"category":"garbage","description":"  "}`, 400, "description_required", "description", "请填写问题描述"},
			{"T-CD-1", `{"category":"garbage","description":"岸边有垃圾","phone":"call me"}`, 400, "invalid_field", "phone", "联系电话格式不正确，请填写 11 位手机号或带区号的固定电话"},
			{"T-CD-1", `{"category":"garbage","description":"岸边有垃圾","lat":39.9,"lon":116.4}`, 400, "bad_location", "lat", "问题位置（纬度39.9，经度116.4）不在成都、德阳、眉山、资阳范围内"},
			{"T-CD-1", `{"category":"garbage","description":"岸边有垃圾","source":"patrol"}`, 400, "unknown_field", "source", "未知字段 source，请对照接口文档 /api/v1/openapi.json"},
			{"NOPE", `{"category":"garbage","description":"岸边有垃圾"}`, 400, "invalid_field", "reach_id", "找不到该河段，请检查河段编号"},
		} {
			st, out, _ := publicJSON(c, "POST", "/api/v1/river/public/"+b.path+"/reports", b.body)
			if code, field, msg := errOf(out); st != b.st || code != b.code || field != b.field || msg != b.message {
				t.Errorf("%s: %d %v", b.body, st, out)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems"); n != 0 {
			t.Fatalf("refused reports stored %d problems", n)
		}

		st, rep, raw := publicJSON(c, "POST", "/api/v1/river/public/T-CD-1/reports", `{"category":"garbage","description":" 桥下堆放生活垃圾 ","phone":"13800001234","lat":30.65,"lon":104.06}`)
		no, _ := rep["no"].(string)
		if st != 201 || no == "" || rep["state"] != "reported" || rep["state_name"] != "已上报" || rep["track_url"] != "/api/v1/river/public/track/"+no || strings.Contains(raw, "13800001234") {
			t.Fatalf("report: %d %s", st, raw)
		}
		if e.count(`SELECT COUNT(*) FROM river_problems WHERE no = ? AND source = 'public' AND category = 'garbage' AND description = '桥下堆放生活垃圾'
			AND reporter_phone = '13800001234' AND reach_id = ? AND region = '510100' AND state = 'reported' AND lat = 30.65`, no, e.cdReach) != 1 {
			t.Fatal("the report is not stored as sent")
		}

		// multipart with a photo; a file that is not an image stores nothing
		photos := func() int { return e.count("SELECT COUNT(*) FROM river_photos") }
		fields := func() map[string]string {
			return map[string]string{"category": "sewage", "description": "排污口冒黑水", "phone": "028-84980000"}
		}
		resp, body := c.postMultipart("/api/v1/river/public/T-CD-1/reports", fields(), [3]any{"photos", "scene.jpg", []byte("只是文字")})
		var ae apiErr
		if json.Unmarshal([]byte(body), &ae); resp.StatusCode != 400 || ae.Error.Code != "invalid_field" || ae.Error.Field != "photos" ||
			ae.Error.Message != "现场照片“scene.jpg”不是 JPEG 或 PNG 图片，请上传用手机或相机拍摄的 JPG/PNG 照片" || e.count("SELECT COUNT(*) FROM river_problems") != 1 || photos() != 0 {
			t.Fatalf("text as a photo: %d %s", resp.StatusCode, body)
		}
		resp, body = c.postMultipart("/api/v1/river/public/T-CD-1/reports", fields(), [3]any{"photos", "scene.png", testPNG(t, 40, 30)})
		var withPhoto struct {
			No     string `json:"no"`
			Photos int    `json:"photos"`
		}
		if json.Unmarshal([]byte(body), &withPhoto); resp.StatusCode != 201 || withPhoto.Photos != 1 ||
			e.count("SELECT COUNT(*) FROM river_photos f JOIN river_problems p ON p.id = f.problem_id WHERE p.no = ? AND f.kind = 'report' AND f.created_by = '公众' AND f.width = 40", withPhoto.No) != 1 {
			t.Fatalf("report with a photo: %d %s", resp.StatusCode, body)
		}

		// progress: the steps without the people, the public's photo, no phone
		var pid int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_problems WHERE no = ?", no).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		e.act("cd-office", pid, map[string]any{"action": "accept", "note": "内部意见：联系城管"}, 200)
		st, tr, raw := publicJSON(e.client(), "GET", "/api/v1/river/public/track/"+no, "")
		steps := fmt.Sprint(tr["steps"])
		if st != 200 || tr["state"] != "accepted" || tr["state_name"] != "已受理" || tr["reach_name"] != "锦江测试段" || tr["category_name"] != "垃圾" ||
			!strings.Contains(steps, "from:reported from_name:已上报") || !strings.Contains(steps, "to:accepted to_name:已受理") ||
			strings.Contains(raw, "13800001234") || strings.Contains(raw, "成都市河长办") || strings.Contains(raw, "内部意见") {
			t.Fatalf("track: %d %s", st, raw)
		}
		st, tr, raw = publicJSON(e.client(), "GET", "/api/v1/river/public/track/"+withPhoto.No, "")
		ph, _ := tr["photos"].([]any)
		if st != 200 || len(ph) != 1 || strings.Contains(raw, "028-84980000") {
			t.Fatalf("track with photo: %d %s", st, raw)
		}
		u := ph[0].(map[string]any)["url"].(string)
		if resp, _ := e.client().Get(u); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(u, "/river/public/track/"+withPhoto.No+"/photos/") {
			t.Fatalf("public photo %s: %d", u, resp.StatusCode)
		}
		if st, out, _ := publicJSON(e.client(), "GET", "/api/v1/river/public/track/HZ00000000NOPE", ""); st != 404 {
			t.Fatalf("unknown number: %d %v", st, out)
		} else if code, _, msg := errOf(out); code != "not_found" || msg != "找不到该记录，它可能已被删除或编号有误" {
			t.Fatalf("unknown number: %v", out)
		}
	})
}

// The page and the API count against one limit per address, kept in the database.
func TestPublicAPISharesPageRateLimit(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.Get("/river/public/T-CD-1")
		page := func(i int) *http.Response {
			resp, _ := c.PostForm("/river/public/T-CD-1", url.Values{"csrf": {c.CSRF}, "category": {"garbage"}, "description": {fmt.Sprintf("页面举报 %d", i)}})
			return resp
		}
		api := func(i int) (int, map[string]any) {
			st, out, _ := publicJSON(c, "POST", "/api/v1/river/public/T-CD-1/reports", fmt.Sprintf(`{"category":"garbage","description":"接口举报 %d"}`, i))
			return st, out
		}
		for i := 1; i <= 2; i++ {
			if resp := page(i); resp.StatusCode != 201 {
				t.Fatalf("page report %d: %d", i, resp.StatusCode)
			}
		}
		for i := 1; i <= 3; i++ {
			if st, out := api(i); st != 201 {
				t.Fatalf("API report %d: %d %v", i, st, out)
			}
		}
		want := "举报过于频繁：同一网络 10 分钟内最多提交 5 次，请稍后再试"
		st, out := api(4)
		if code, field, msg := errOf(out); st != 429 || code != "rate_limited" || field != "" || msg != want {
			t.Fatalf("6th report by the API: %d %v", st, out)
		}
		resp, body := c.PostForm("/river/public/T-CD-1", url.Values{"csrf": {c.CSRF}, "category": {"garbage"}, "description": {"页面举报 3"}})
		if resp.StatusCode != 429 || !strings.Contains(body, want) || !strings.Contains(body, "页面举报 3") {
			t.Fatalf("7th report by the page: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'public'"); n != 5 {
			t.Fatalf("stored %d public reports, want 5", n)
		}
		later := testNow.Add(11 * time.Minute)
		e.m.Now = func() time.Time { return later }
		if st, out := api(5); st != 201 {
			t.Fatalf("after the window: %d %v", st, out)
		}
	})
}
