package river_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// multipartValues is a multipart body with repeated fields (a form's problem slots).
func multipartValues(vals url.Values, files ...[3]any) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, v := range vals["csrf"] { // the token comes first in upload forms
		mw.WriteField("csrf", v)
	}
	for k, vs := range vals {
		for _, v := range vs {
			if k != "csrf" {
				mw.WriteField(k, v)
			}
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile(f[0].(string), f[1].(string))
		fw.Write(f[2].([]byte))
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func (c *client) postPatrol(vals url.Values, files ...[3]any) (*http.Response, string) {
	c.T.Helper()
	vals.Set("csrf", c.CSRF)
	b, ct := multipartValues(vals, files...)
	req, _ := http.NewRequest("POST", c.Base+"/river/patrols", b)
	req.Header.Set("Content-Type", ct)
	return c.Do(req)
}

var savedPatrolRe = regexp.MustCompile(`href="/river/patrols/(\d+)"`)

// A chief records a patrol on the phone page with two photos (a real JPEG and PNG) and two
// problems found: the photos are stored with the patrol (thumbnails made), the problems
// reported as 巡河 problems of the reach and kept on the patrol; the patrol's page shows
// the thumbnails linking to the photos, served to 成都 and not to 德阳. A text file named
// .jpg, a tenth photo, a photo over 10 MB or a problem without a description is refused
// with its message and nothing is stored.
func TestPatrolPagePhotosAndProblems(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, zhang, _, _ := patrolEnv(t, db)
		jpg, pngb := testJPEG(t), testPNG(t, 40, 30)
		c := e.login("cd-chief")
		_, page := c.Get("/river/patrol")
		// the selects carry the codes the handler reads, with the Chinese names shown
		for _, want := range []string{`enctype="multipart/form-data"`, `name="photos" multiple`, `<option value="garbage">垃圾</option>`,
			`<option value="sewage">排污</option>`, `<option value="serious">较重</option>`, `<option value="general">一般</option>`, `id="problem_description_2"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("patrol page lacks %s", want)
			}
		}
		counts := func() [3]int {
			return [3]int{e.count("SELECT COUNT(*) FROM river_patrols"), e.count("SELECT COUNT(*) FROM river_photos"), e.count("SELECT COUNT(*) FROM river_problems")}
		}
		form := func() url.Values {
			return url.Values{"reach_id": {itoa(e.cdReach)}, "start": {"2026-11-20T08:00"}, "end": {"2026-11-20T09:00"}, "track": {"30.650,104.060\n30.655,104.065"},
				"seen":             {"右岸有垃圾，雨水口有污水"},
				"problem_category": {"garbage", "sewage", ""}, "problem_severity": {"general", "serious", "general"}, "problem_description": {"右岸堆放生活垃圾", "雨水口有污水流出", ""}}
		}
		big := append(append([]byte{}, jpg...), make([]byte, 10<<20)...)
		var ten [][3]any
		for i := 0; i < 10; i++ {
			ten = append(ten, [3]any{"photos", fmt.Sprintf("p%d.jpg", i+1), jpg})
		}
		noDesc := form()
		noDesc["problem_description"] = []string{"右岸堆放生活垃圾", "", ""}
		for _, r := range []struct {
			name  string
			vals  url.Values
			files [][3]any
			msg   string
		}{
			{"not an image", form(), [][3]any{{"photos", "scene.jpg", jpg}, {"photos", "fake.jpg", []byte("not an image at all")}}, "巡河照片“fake.jpg”不是 JPEG 或 PNG 图片，请上传用手机或相机拍摄的 JPG/PNG 照片"},
			{"too many", form(), ten, "巡河照片一次最多上传 9 张，您选择了 10 张"},
			{"too big", form(), [][3]any{{"photos", "big.jpg", big}}, "巡河照片“big.jpg”大小 10.0 MB，超过上限 10 MB，请压缩后再上传"},
			{"problem without description", noDesc, [][3]any{{"photos", "scene.jpg", jpg}}, "第2个问题：请填写问题描述"},
		} {
			resp, body := c.postPatrol(r.vals, r.files...)
			if resp.StatusCode != 400 || !strings.Contains(body, r.msg) {
				t.Errorf("%s: %d, want 400 with %q", r.name, resp.StatusCode, r.msg)
			}
			// what the chief entered is still there to correct
			if !strings.Contains(body, "右岸堆放生活垃圾</textarea>") || !strings.Contains(body, `<option value="sewage" selected>排污</option>`) {
				t.Errorf("%s: the problems entered were lost on the form", r.name)
			}
			if n := counts(); n != [3]int{} {
				t.Fatalf("%s stored something: patrols, photos, problems %v", r.name, n)
			}
		}

		resp, body := c.postPatrol(form(), [3]any{"photos", "scene.jpg", jpg}, [3]any{"photos", "bank.png", pngb})
		m := savedPatrolRe.FindStringSubmatch(body)
		if resp.StatusCode != 200 || !strings.Contains(body, "巡河记录已保存") || m == nil {
			t.Fatalf("patrol with photos: %d", resp.StatusCode)
		}
		id := m[1]
		// the latest patrols link to it
		if want := fmt.Sprintf(`<a href="/river/patrols/%s">2026-11-20 08:00:00</a></td><td>锦江测试段</td><td>张河长</td><td class="num">%.2f</td>`, id,
			river.Haversine(30.650, 104.060, 30.655, 104.065)); !strings.Contains(body, want) {
			t.Fatalf("the latest patrols lack %s", want)
		}
		if n := counts(); n != [3]int{1, 2, 2} {
			t.Fatalf("stored patrols, photos, problems %v, want [1 2 2]", n)
		}
		var chief int64
		var problems string
		if err := db.QueryRow(t.Context(), "SELECT chief_id, problems FROM river_patrols WHERE id = ?", id).Scan(&chief, &problems); err != nil || chief != zhang {
			t.Fatalf("patrol row: %v chief %d", err, chief)
		}
		type stored struct {
			ID, Problem          int64
			Kind, Type, Name, By string
			W, H, TW, TH, Size   int
			Thumb                []byte
		}
		var photos []stored
		rows, err := db.Query(t.Context(), "SELECT id, problem_id, kind, content_type, name, created_by, width, height, thumb_width, thumb_height, size, thumb FROM river_photos WHERE patrol_id = ? ORDER BY id", id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p stored
			if err := rows.Scan(&p.ID, &p.Problem, &p.Kind, &p.Type, &p.Name, &p.By, &p.W, &p.H, &p.TW, &p.TH, &p.Size, &p.Thumb); err != nil {
				t.Fatal(err)
			}
			photos = append(photos, p)
		}
		rows.Close()
		if len(photos) != 2 || photos[0].Name != "scene.jpg" || photos[0].Type != "image/jpeg" || photos[0].W != 64 || photos[0].H != 48 || photos[0].Size != len(jpg) ||
			photos[1].Name != "bank.png" || photos[1].Type != "image/png" || photos[1].TW != 40 || photos[1].TH != 30 {
			t.Fatalf("patrol photos %+v", photos)
		}
		for _, p := range photos {
			if p.Problem != 0 || p.Kind != "patrol" || p.By != "cd-chief" {
				t.Fatalf("photo %d: problem %d kind %s by %s", p.ID, p.Problem, p.Kind, p.By)
			}
			if cfg, format, err := image.DecodeConfig(bytes.NewReader(p.Thumb)); err != nil || format != "jpeg" || cfg.Width != p.TW || cfg.Height != p.TH {
				t.Fatalf("thumbnail of %s: %v %s %+v", p.Name, err, format, cfg)
			}
		}
		var found []struct{ Source, Category, Severity, Description string }
		rows, err = db.Query(t.Context(), "SELECT source, category, severity, description FROM river_problems WHERE reach_id = ? ORDER BY id", e.cdReach)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var f struct{ Source, Category, Severity, Description string }
			rows.Scan(&f.Source, &f.Category, &f.Severity, &f.Description)
			found = append(found, f)
		}
		rows.Close()
		if len(found) != 2 || found[0] != (struct{ Source, Category, Severity, Description string }{"patrol", "garbage", "general", "右岸堆放生活垃圾"}) ||
			found[1] != (struct{ Source, Category, Severity, Description string }{"patrol", "sewage", "serious", "雨水口有污水流出"}) {
			t.Fatalf("problems found %+v", found)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'patrol' AND object_id = ? AND detail LIKE ?", id,
			fmt.Sprintf("%%发现问题 2 个，巡河照片 2 张（编号 %d、%d）", photos[0].ID, photos[1].ID)); n != 1 {
			t.Fatalf("audit entry of the patrol: %d", n)
		}

		// the patrol's page: problems found and thumbnails linking to the photos
		_, view := c.Get("/river/patrols/" + id)
		for _, p := range photos {
			if want := fmt.Sprintf(`<a href="/river/photos/%d"><img src="/river/photos/%d/thumb" alt="巡河照片 %s" width="%d" height="%d"`, p.ID, p.ID, p.Name, p.TW, p.TH); !strings.Contains(view, want) {
				t.Fatalf("patrol page lacks %s", want)
			}
		}
		if !strings.Contains(view, "垃圾 · 已上报") || !strings.Contains(view, "排污 · 已上报") {
			t.Fatal("patrol page lacks the problems found")
		}
		resp, raw := getBytes(t, c, e.Srv.URL, fmt.Sprintf("/river/photos/%d", photos[0].ID))
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(raw, jpg) {
			t.Fatalf("photo: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(raw))
		}
		resp, raw = getBytes(t, c, e.Srv.URL, fmt.Sprintf("/river/photos/%d/thumb", photos[1].ID))
		if img, err := jpeg.Decode(bytes.NewReader(raw)); resp.StatusCode != 200 || err != nil || img.Bounds().Dx() != 40 {
			t.Fatalf("thumbnail: %d %v", resp.StatusCode, err)
		}
		dy := e.login("dy-chief")
		if resp, _ := getBytes(t, dy, e.Srv.URL, fmt.Sprintf("/river/photos/%d", photos[0].ID)); resp.StatusCode != 403 {
			t.Fatalf("德阳 reads a 成都 patrol photo: %d", resp.StatusCode)
		}
		if resp, _ := dy.Get("/river/patrols/" + id); resp.StatusCode != 403 {
			t.Fatalf("德阳 opens a 成都 patrol: %d", resp.StatusCode)
		}
	})
}

// The API takes a patrol as multipart (JSON in the field patrol, photos in photos), stores
// the photos with it and lists them in GET /api/v1/river/patrols/{id}; a refused photo
// or bad JSON names its field and stores nothing.
func TestPatrolAPIPhotos(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, _, _, _ := patrolEnv(t, db)
		jpg, pngb := testJPEG(t), testPNG(t, 400, 200)
		js, _ := json.Marshal(map[string]any{"reach_id": e.cdReach, "start": "2026-11-20 08:00", "end": "2026-11-20 09:00", "seen": "河面整洁",
			"problems": []map[string]any{{"category": "garbage", "description": "右岸堆放生活垃圾"}},
			"track":    []map[string]any{{"lat": 30.65, "lon": 104.06}, {"lat": 30.66, "lon": 104.07}}})
		patrol := map[string]string{"patrol": string(js)}
		var ten [][3]any
		for i := 0; i < 10; i++ {
			ten = append(ten, [3]any{"photos", fmt.Sprintf("p%d.png", i+1), pngb})
		}
		for _, r := range []struct {
			name        string
			fields      map[string]string
			files       [][3]any
			code, field string
			msg         string
		}{
			{"not an image", patrol, [][3]any{{"photos", "a.jpg", jpg}, {"photos", "notes.png", []byte("GIF89a not a png")}}, "invalid_field", "photos",
				"巡河照片“notes.png”不是 JPEG 或 PNG 图片，请上传用手机或相机拍摄的 JPG/PNG 照片"},
			{"too many", patrol, ten, "invalid_field", "photos", "巡河照片一次最多上传 9 张，您选择了 10 张"},
			{"no JSON", map[string]string{}, [][3]any{{"photos", "a.jpg", jpg}}, "invalid_field", "patrol", "缺少 patrol 字段：请把巡河记录的 JSON 放在表单字段 patrol 中，照片放在 photos 中"},
			{"bad JSON", map[string]string{"patrol": `{"reach_id": 1,`}, [][3]any{{"photos", "a.jpg", jpg}}, "malformed_json", "patrol", "patrol 字段：无法解析请求的 JSON：unexpected EOF"},
		} {
			var ae apiErr
			if st := e.apiMultipart("cd-chief", "/api/v1/river/patrols", r.fields, &ae, r.files...); st != 400 || ae.Error.Code != r.code || ae.Error.Field != r.field || ae.Error.Message != r.msg {
				t.Errorf("%s: %d %+v, want %s %s %q", r.name, st, ae.Error, r.code, r.field, r.msg)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_patrols") + e.count("SELECT COUNT(*) FROM river_photos") + e.count("SELECT COUNT(*) FROM river_problems"); n != 0 {
			t.Fatalf("refusals stored %d rows", n)
		}

		type photoOut struct {
			ID          int64
			PatrolID    int64 `json:"patrol_id"`
			Kind, Name  string
			URL         string
			ThumbURL    string `json:"thumb_url"`
			Width       int
			ThumbWidth  int `json:"thumb_width"`
			ThumbHeight int `json:"thumb_height"`
		}
		var p struct {
			ID         int64
			ProblemIDs []int64 `json:"problem_ids"`
			Photos     []photoOut
		}
		if st := e.apiMultipart("cd-chief", "/api/v1/river/patrols", patrol, &p, [3]any{"photos", "a.jpg", jpg}, [3]any{"photos", "wide.png", pngb}); st != 201 ||
			len(p.Photos) != 2 || len(p.ProblemIDs) != 1 {
			t.Fatalf("multipart patrol: %d %+v", st, p)
		}
		var one struct{ Photos []photoOut }
		if st := e.api("cd-office", "GET", fmt.Sprintf("/api/v1/river/patrols/%d", p.ID), nil, &one); st != 200 || len(one.Photos) != 2 {
			t.Fatalf("read patrol: %d %+v", st, one)
		}
		w := one.Photos[1]
		if w.PatrolID != p.ID || w.Kind != "patrol" || w.Name != "wide.png" || w.Width != 400 || w.ThumbWidth != 320 || w.ThumbHeight != 160 ||
			w.URL != fmt.Sprintf("/river/photos/%d", w.ID) || w.ThumbURL != w.URL+"/thumb" {
			t.Fatalf("listed photo %+v", w)
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos WHERE patrol_id = ? AND thumb_width = 320 AND thumb_height = 160", p.ID); n != 1 {
			t.Fatalf("stored thumbnail of the wide photo: %d", n)
		}
	})
}
