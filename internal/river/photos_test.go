package river_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

func testImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), 120, 255})
		}
	}
	return img
}

func testJPEG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(64, 48), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testPNG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckPhoto(t *testing.T) {
	jpg, pngb := testJPEG(t), testPNG(t, 40, 30)
	for _, c := range []struct {
		name string
		data []byte
		ct   string
		w, h int
		want string
	}{
		{"a.jpg", jpg, "image/jpeg", 64, 48, ""},
		{"b.png", pngb, "image/png", 40, 30, ""},
		{"c.jpg", []byte("这不是图片，只是改了扩展名的文本"), "", 0, 0, "现场照片“c.jpg”不是 JPEG 或 PNG 图片"},
		{"d.gif", []byte("GIF89a\x01\x00\x01\x00"), "", 0, 0, "不是 JPEG 或 PNG 图片"},
		{"e.png", append([]byte("\x89PNG\r\n\x1a\n"), "garbage"...), "", 0, 0, "已损坏"},
		{"f.jpg", append(append([]byte{}, jpg[:3]...), make([]byte, river.MaxPhotoBytes)...), "", 0, 0, "超过上限 10 MB"},
		{"g.png", testPNG(t, 8, 8), "", 0, 0, "只有 8×8 像素"},
		{"h.jpg", nil, "", 0, 0, "是空文件"},
		{"cut.jpg", jpg[:len(jpg)/2], "", 0, 0, "现场照片“cut.jpg”已损坏"}, // header fine, picture cut short
	} {
		u, err := river.CheckPhoto("photos", c.name, c.data)
		if c.want == "" {
			if err != nil || u.ContentType != c.ct || u.Width != c.w || u.Height != c.h {
				t.Fatalf("%s: %+v %v", c.name, u, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: want %q, got %v", c.name, c.want, err)
		}
	}
	if _, err := river.CheckPhoto("after_photos", "x.txt", []byte("hello")); err == nil || !strings.HasPrefix(err.Error(), "整改后照片“x.txt”") {
		t.Fatalf("after field: %v", err)
	}
}

// multipartBody builds a form with fields and one file per (field, name, data).
func multipartBody(fields map[string]string, files ...[3]any) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if v, ok := fields["csrf"]; ok { // the token comes first in upload forms
		mw.WriteField("csrf", v)
	}
	for k, v := range fields {
		if k != "csrf" {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile(f[0].(string), f[1].(string))
		fw.Write(f[2].([]byte))
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func (c *client) postMultipart(path string, fields map[string]string, files ...[3]any) (*http.Response, string) {
	c.T.Helper()
	fields["csrf"] = c.CSRF
	b, ct := multipartBody(fields, files...)
	req, _ := http.NewRequest("POST", c.Base+path, b)
	req.Header.Set("Content-Type", ct)
	return c.Do(req)
}

func (e *env) apiMultipart(user, path string, fields map[string]string, out any, files ...[3]any) int {
	e.t.Helper()
	b, ct := multipartBody(fields, files...)
	req, _ := http.NewRequest("POST", e.Srv.URL+path, b)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := jsonUnmarshal(raw, out); err != nil {
			e.t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

func TestProblemPhotos(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		jpg, pngb := testJPEG(t), testPNG(t, 40, 30)
		photos := func() int { return e.count("SELECT COUNT(*) FROM river_photos") }

		// the report form with a real photo stores both in one go; a fake one stores nothing
		c := e.login("cd-chief")
		c.Get("/river/report")
		fields := map[string]string{"reach_id": itoa(e.cdReach), "source": "patrol", "category": "garbage", "description": "岸边堆放生活垃圾"}
		resp, body := c.postMultipart("/river/problems", fields, [3]any{"photos", "fake.jpg", []byte("not an image at all")})
		if resp.StatusCode != 400 || !strings.Contains(body, "现场照片“fake.jpg”不是 JPEG 或 PNG 图片") {
			t.Fatalf("fake photo report: %d", resp.StatusCode)
		}
		if e.count("SELECT COUNT(*) FROM river_problems") != 0 || photos() != 0 {
			t.Fatal("a refused report stored something")
		}
		resp, body = c.postMultipart("/river/problems", fields, [3]any{"photos", "scene.jpg", jpg}, [3]any{"photos", "scene2.png", pngb})
		if resp.StatusCode != 200 || !strings.Contains(body, "现场 · 64×48") || !strings.Contains(body, "现场 · 40×30") {
			t.Fatalf("report with photos: %d", resp.StatusCode)
		}
		var pid int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_problems").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos WHERE problem_id = ? AND kind = 'report'", pid); n != 2 {
			t.Fatalf("report photos %d", n)
		}
		var photoID int64
		var ct string
		if err := db.QueryRow(t.Context(), "SELECT id, content_type FROM river_photos WHERE name = 'scene.jpg'").Scan(&photoID, &ct); err != nil || ct != "image/jpeg" {
			t.Fatalf("stored photo %v %s", err, ct)
		}

		// served with its type to those who may read the problem, not to 德阳
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/river/photos/%d", e.Srv.URL, photoID), nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["cd-office"])
		r2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r2.Body)
		r2.Body.Close()
		if r2.StatusCode != 200 || r2.Header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(got, jpg) {
			t.Fatalf("photo: %d %s %d bytes", r2.StatusCode, r2.Header.Get("Content-Type"), len(got))
		}
		if st, _ := e.rawGet("dy-office", fmt.Sprintf("/river/photos/%d", photoID)); st != http.StatusForbidden {
			t.Fatalf("德阳 reads a 成都 photo: %d", st)
		}
		if st, _ := e.rawGet("cd-office", "/river/photos/99999"); st != http.StatusNotFound {
			t.Fatalf("unknown photo: %d", st)
		}

		// API upload: a real PNG is taken; a fake one is refused naming the field
		var ids struct{ IDs []string }
		if st := e.apiMultipart("cd-office", fmt.Sprintf("/api/v1/river/problems/%d/photos", pid), map[string]string{"kind": "report"}, &ids,
			[3]any{"photos", "more.png", pngb}); st != 201 || len(ids.IDs) != 1 {
			t.Fatalf("api upload %d %+v", st, ids)
		}
		var ae apiErr
		if st := e.apiMultipart("cd-office", fmt.Sprintf("/api/v1/river/problems/%d/photos", pid), map[string]string{"kind": "report"}, &ae,
			[3]any{"photos", "x.png", []byte("\x89PNG\r\n\x1a\nbroken")}); st != 400 || ae.Error.Field != "photos" || !strings.Contains(ae.Error.Message, "已损坏") {
			t.Fatalf("api fake %d %+v", st, ae)
		}
		if st := e.apiMultipart("dy-office", fmt.Sprintf("/api/v1/river/problems/%d/photos", pid), map[string]string{"kind": "report"}, &ae,
			[3]any{"photos", "ok.png", pngb}); st != http.StatusForbidden {
			t.Fatalf("德阳 uploads to 成都: %d", st)
		}
		if photos() != 3 {
			t.Fatalf("photos %d", photos())
		}

		// 处理反馈 with after-photos: a fake photo changes nothing; a real one moves the problem and names the photo
		e.act("cd-office", pid, map[string]any{"action": "accept"}, 200)
		e.act("cd-office", pid, map[string]any{"action": "assign", "unit": "锦江区水务局"}, 200)
		e.act("cd-chief", pid, map[string]any{"action": "receive"}, 200)
		c.Get(fmt.Sprintf("/river/problems/%d", pid))
		resp, body = c.postMultipart(fmt.Sprintf("/river/problems/%d/feedback", pid), map[string]string{"note": "已清理"}, [3]any{"after_photos", "after.jpg", []byte("GIF89a fake")})
		if resp.StatusCode != 400 || !strings.Contains(body, "整改后照片“after.jpg”不是 JPEG 或 PNG 图片") {
			t.Fatalf("fake after photo %d", resp.StatusCode)
		}
		if e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'handling'", pid) != 1 || photos() != 3 {
			t.Fatal("a refused feedback changed something")
		}
		resp, body = c.postMultipart(fmt.Sprintf("/river/problems/%d/feedback", pid), map[string]string{"note": "已清理"})
		if resp.StatusCode != 400 || !strings.Contains(body, "处理反馈必须上传整改后的照片") {
			t.Fatalf("feedback without photo %d", resp.StatusCode)
		}
		resp, body = c.postMultipart(fmt.Sprintf("/river/problems/%d/feedback", pid), map[string]string{"note": "已清理"}, [3]any{"after_photos", "after.jpg", jpg})
		if resp.StatusCode != 200 || !strings.Contains(body, "整改后 · 64×48") {
			t.Fatalf("feedback %d", resp.StatusCode)
		}
		var after, state string
		if err := db.QueryRow(t.Context(), "SELECT after_photos, state FROM river_problems WHERE id = ?", pid).Scan(&after, &state); err != nil {
			t.Fatal(err)
		}
		var afterID string
		if err := db.QueryRow(t.Context(), "SELECT CAST(id AS TEXT) FROM river_photos WHERE kind = 'after'").Scan(&afterID); err != nil {
			t.Fatal(err)
		}
		if state != "feedback" || after != afterID {
			t.Fatalf("after feedback: state %s after_photos %q, photo %s", state, after, afterID)
		}
		// after feedback no more after-photos
		if st := e.apiMultipart("cd-chief", fmt.Sprintf("/api/v1/river/problems/%d/photos", pid), map[string]string{"kind": "after"}, &ae,
			[3]any{"after_photos", "late.png", pngb}); st != http.StatusConflict {
			t.Fatalf("after-photo after feedback: %d", st)
		}
	})
}

// afterPhoto uploads a real PNG as an after-photo of a problem being handled and returns its id.
func (e *env) afterPhoto(id int64) []string {
	e.t.Helper()
	var out struct{ IDs []string }
	if st := e.apiMultipart("cd-chief", fmt.Sprintf("/api/v1/river/problems/%d/photos", id), map[string]string{"kind": "after"}, &out,
		[3]any{"after_photos", "after.png", testPNG(e.t, 32, 32)}); st != 201 || len(out.IDs) != 1 {
		e.t.Fatalf("after photo upload: %d %+v", st, out)
	}
	return out.IDs
}

// getBytes fetches path with the client's cookies (nil client: no login).
func getBytes(t *testing.T, c *client, base, path string) (*http.Response, []byte) {
	t.Helper()
	if c != nil {
		req, _ := http.NewRequest("GET", base+path, nil)
		resp, body := c.Do(req)
		return resp, []byte(body)
	}
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

// A member of the public attaches photos to a report: real JPEG and PNG are stored with
// the problem and shown (as thumbnails) on the tracking page; a text file named .jpg
// or a fourth photo is refused with nothing stored; the flood limit still holds.
func TestPublicReportPhotos(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		resp, body := c.Get("/river/public/T-CD-1")
		// the categories are offered by the code the server reads back, not by their names
		if resp.StatusCode != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "最多 3 张，每张不超过 10 MB") ||
			!strings.Contains(body, `<option value="garbage">垃圾</option>`) {
			t.Fatalf("public form: %d", resp.StatusCode)
		}
		staff := e.login("cd-chief")
		if resp, body := staff.Get("/river/report"); resp.StatusCode != 200 || !strings.Contains(body, `<option value="patrol">巡河</option>`) || !strings.Contains(body, `<option value="garbage">垃圾</option>`) {
			t.Fatalf("report form option values: %d", resp.StatusCode)
		}
		jpg, big := testJPEG(t), testPNG(t, 800, 600)
		fields := func() map[string]string {
			return map[string]string{"category": "garbage", "description": "桥下堆放建筑垃圾", "phone": "13800009876"}
		}
		stored := func() (int, int) {
			return e.count("SELECT COUNT(*) FROM river_problems"), e.count("SELECT COUNT(*) FROM river_photos")
		}
		resp, body = c.postMultipart("/river/public/T-CD-1", fields(), [3]any{"photos", "scene.jpg", []byte("这是一段文字，只是文件名叫 jpg")})
		if resp.StatusCode != 400 || !strings.Contains(body, "现场照片“scene.jpg”不是 JPEG 或 PNG 图片") || !strings.Contains(body, "桥下堆放建筑垃圾") {
			t.Fatalf("text renamed .jpg: %d", resp.StatusCode)
		}
		resp, body = c.postMultipart("/river/public/T-CD-1", fields(), [3]any{"photos", "a.jpg", jpg}, [3]any{"photos", "b.jpg", jpg}, [3]any{"photos", "c.jpg", jpg}, [3]any{"photos", "d.jpg", jpg})
		if resp.StatusCode != 400 || !strings.Contains(body, "现场照片一次最多上传 3 张，您选择了 4 张") {
			t.Fatalf("four photos: %d", resp.StatusCode)
		}
		if p, ph := stored(); p != 0 || ph != 0 {
			t.Fatalf("refused reports stored %d problems, %d photos", p, ph)
		}
		resp, body = c.postMultipart("/river/public/T-CD-1", fields(), [3]any{"photos", "scene.jpg", jpg}, [3]any{"photos", "wide.png", big})
		m := noRe.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusCreated || m == nil {
			t.Fatalf("report with photos: %d", resp.StatusCode)
		}
		no := m[1]
		var pid int64
		if err := db.QueryRow(t.Context(), "SELECT id FROM river_problems WHERE no = ? AND source = 'public'", no).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos WHERE problem_id = ? AND kind = 'report' AND created_by = '公众'", pid); n != 2 {
			t.Fatalf("public photos stored: %d", n)
		}
		// an office adds a photo of its own: it is not the reporter's and the public does not see it
		var ids struct{ IDs []string }
		if st := e.apiMultipart("cd-office", fmt.Sprintf("/api/v1/river/problems/%d/photos", pid), map[string]string{"kind": "report"}, &ids,
			[3]any{"photos", "office.png", testPNG(t, 40, 30)}); st != 201 || len(ids.IDs) != 1 {
			t.Fatalf("office photo: %d", st)
		}
		var jpgID, pngID int64
		db.QueryRow(t.Context(), "SELECT id FROM river_photos WHERE name = 'scene.jpg'").Scan(&jpgID)
		db.QueryRow(t.Context(), "SELECT id FROM river_photos WHERE name = 'wide.png'").Scan(&pngID)

		// the tracking page, without login: the two photos as thumbnails, never the phone
		resp, body = e.client().Get("/river/public/track/" + no)
		track := "/river/public/track/" + no + "/photos/"
		if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`<img src="%s%d/thumb" alt="举报照片 scene.jpg" width="64" height="48"`, track, jpgID)) ||
			!strings.Contains(body, fmt.Sprintf(`<img src="%s%d/thumb" alt="举报照片 wide.png" width="320" height="240"`, track, pngID)) ||
			strings.Count(body, "<figure>") != 2 || strings.Contains(body, "office.png") || strings.Contains(body, "13800009876") || strings.Contains(body, "9876") {
			t.Fatalf("tracking page photos: %d", resp.StatusCode)
		}
		r1, got := getBytes(t, nil, e.Srv.URL, fmt.Sprintf("%s%d", track, pngID))
		if r1.StatusCode != 200 || r1.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, big) {
			t.Fatalf("public photo: %d %s", r1.StatusCode, r1.Header.Get("Content-Type"))
		}
		r1, got = getBytes(t, nil, e.Srv.URL, fmt.Sprintf("%s%d/thumb", track, pngID))
		if r1.StatusCode != 200 || r1.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("public thumbnail: %d", r1.StatusCode)
		}
		if cfg, format, err := image.DecodeConfig(bytes.NewReader(got)); err != nil || format != "jpeg" || cfg.Width != 320 || cfg.Height != 240 {
			t.Fatalf("thumbnail %v %s %+v", err, format, cfg)
		}
		// not the office's photo, not through another report's number, not without one
		officeID, _ := strconv.ParseInt(ids.IDs[0], 10, 64)
		for _, p := range []string{fmt.Sprintf("%s%d", track, officeID), fmt.Sprintf("/river/public/track/HZ00000000NOPE/photos/%d", jpgID)} {
			if r, _ := getBytes(t, nil, e.Srv.URL, p); r.StatusCode != 404 {
				t.Fatalf("%s: %d", p, r.StatusCode)
			}
		}
		if r, b := getBytes(t, nil, e.Srv.URL, fmt.Sprintf("/river/photos/%d", jpgID)); r.Header.Get("Content-Type") == "image/jpeg" || bytes.Equal(b, jpg) {
			t.Fatal("the staff photo address serves without login")
		}

		// the flood limit counts reports with photos too: 5 in the window (2 refused + 1 taken so far)
		for i := 0; i < 2; i++ {
			if resp, _ := c.postMultipart("/river/public/T-CD-1", fields(), [3]any{"photos", "s.jpg", jpg}); resp.StatusCode != http.StatusCreated {
				t.Fatalf("report %d: %d", i, resp.StatusCode)
			}
		}
		p0, ph0 := stored()
		resp, body = c.postMultipart("/river/public/T-CD-1", fields(), [3]any{"photos", "s.jpg", jpg})
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "举报过于频繁") {
			t.Fatalf("sixth report: %d", resp.StatusCode)
		}
		if p, ph := stored(); p != p0 || ph != ph0 {
			t.Fatal("a refused flood report stored something")
		}
	})
}

// Thumbnails are made on upload beside the photo (longest side 320, never enlarged) and
// the problem page shows them, linking to the full photo; a photo stored without one gets
// it on its first request.
func TestPhotoThumbnails(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tall := testPNG(t, 300, 1200)
		var wide bytes.Buffer
		if err := jpeg.Encode(&wide, testImage(1600, 900), nil); err != nil {
			t.Fatal(err)
		}
		c := e.login("cd-chief")
		c.Get("/river/report")
		fields := map[string]string{"reach_id": itoa(e.cdReach), "source": "patrol", "category": "garbage", "description": "岸边堆放生活垃圾"}
		resp, body := c.postMultipart("/river/problems", fields, [3]any{"photos", "wide.jpg", wide.Bytes()}, [3]any{"photos", "tall.png", tall}, [3]any{"photos", "small.jpg", testJPEG(t)})
		if resp.StatusCode != 200 {
			t.Fatalf("report: %d", resp.StatusCode)
		}
		type row struct {
			id        int64
			tw, th    int
			thumbSize int
		}
		get := func(name string) row {
			var r row
			if err := db.QueryRow(t.Context(), "SELECT id, thumb_width, thumb_height, LENGTH(thumb) FROM river_photos WHERE name = ?", name).Scan(&r.id, &r.tw, &r.th, &r.thumbSize); err != nil {
				t.Fatal(err)
			}
			return r
		}
		w, tl, sm := get("wide.jpg"), get("tall.png"), get("small.jpg")
		if w.tw != 320 || w.th != 180 || tl.tw != 80 || tl.th != 320 || sm.tw != 64 || sm.th != 48 || w.thumbSize == 0 || w.thumbSize >= wide.Len()/4 {
			t.Fatalf("thumbnails: wide %+v tall %+v small %+v (photo %d bytes)", w, tl, sm, wide.Len())
		}
		for _, x := range []struct {
			r    row
			name string
		}{{w, "wide.jpg"}, {tl, "tall.png"}} {
			if !strings.Contains(body, fmt.Sprintf(`<a href="/river/photos/%d"><img src="/river/photos/%d/thumb" alt="现场照片 %s" width="%d" height="%d"`, x.r.id, x.r.id, x.name, x.r.tw, x.r.th)) {
				t.Fatalf("problem page does not show the thumbnail of %s", x.name)
			}
		}
		// the thumbnail keeps the picture: its mean colour is the photo's within a few levels
		_, got := getBytes(t, c, e.Srv.URL, fmt.Sprintf("/river/photos/%d/thumb", w.id))
		img, format, err := image.Decode(bytes.NewReader(got))
		if err != nil || format != "jpeg" || img.Bounds().Dx() != 320 || img.Bounds().Dy() != 180 {
			t.Fatalf("thumbnail: %v %s", err, format)
		}
		if a, b := meanRGB(img), meanRGB(testImage(1600, 900)); absDiff(a[0], b[0]) > 6 || absDiff(a[2], b[2]) > 6 {
			t.Fatalf("thumbnail mean colour %v, photo %v", a, b)
		}
		// the 德阳 office may not read it
		if st, _ := e.rawGet("dy-office", fmt.Sprintf("/river/photos/%d/thumb", w.id)); st != http.StatusForbidden {
			t.Fatalf("德阳 reads a 成都 thumbnail: %d", st)
		}
		// a photo stored before thumbnails: made and stored on the first request
		if _, err := db.Exec(t.Context(), "UPDATE river_photos SET thumb = NULL, thumb_width = 0, thumb_height = 0 WHERE id = ?", tl.id); err != nil {
			t.Fatal(err)
		}
		r1, got := getBytes(t, c, e.Srv.URL, fmt.Sprintf("/river/photos/%d/thumb", tl.id))
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(got)); r1.StatusCode != 200 || err != nil || cfg.Width != 80 || cfg.Height != 320 {
			t.Fatalf("late thumbnail: %d %v %+v", r1.StatusCode, err, cfg)
		}
		if again := get("tall.png"); again.tw != 80 || again.th != 320 || again.thumbSize != len(got) {
			t.Fatalf("late thumbnail not stored: %+v", again)
		}
	})
}

func meanRGB(img image.Image) [3]float64 {
	var s [3]float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			s[0], s[1], s[2] = s[0]+float64(r>>8), s[1]+float64(g>>8), s[2]+float64(bl>>8)
		}
	}
	n := float64(b.Dx() * b.Dy())
	return [3]float64{s[0] / n, s[1] / n, s[2] / n}
}

func absDiff(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}

// BenchmarkCheckPhoto checks a 12-megapixel phone photo (4000×3000 JPEG): full decode
// and the thumbnail, the work done per photo on upload; "decode" is the floor (the
// standard library's decode alone) to compare with in the same run.
func BenchmarkCheckPhoto(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(4000, 3000), &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			u, err := river.CheckPhoto("photos", "phone.jpg", data)
			if err != nil || u.ThumbW != 320 || u.ThumbH != 240 {
				b.Fatalf("%v %+v", err, u.ThumbW)
			}
		}
	})
}

// The problem page's action buttons send the action the server knows: the 河长办 accepts
// and assigns a problem from the page, the 交办 form asking for the unit and the deadline.
func TestProblemPageActions(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.report("cd-chief", e.cdReach, "garbage")
		c := e.login("cd-office")
		page := fmt.Sprintf("/river/problems/%d", p.ID)
		if resp, body := c.Get(page); resp.StatusCode != 200 || !strings.Contains(body, `name="action" value="accept"`) || !strings.Contains(body, `name="action" value="reject"`) {
			t.Fatalf("problem page actions: %d", resp.StatusCode)
		}
		resp, body := c.PostForm(page+"/transition", url.Values{"csrf": {c.CSRF}, "action": {"accept"}})
		if resp.StatusCode != 200 || !strings.Contains(body, `name="action" value="assign"`) || !strings.Contains(body, `name="unit" required`) {
			t.Fatalf("accept from the page: %d", resp.StatusCode)
		}
		resp, _ = c.PostForm(page+"/transition", url.Values{"csrf": {c.CSRF}, "action": {"assign"}, "unit": {"锦江区水务局"}})
		if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'assigned' AND unit = '锦江区水务局'", p.ID) != 1 {
			t.Fatalf("assign from the page: %d", resp.StatusCode)
		}
		// the unit receives it; its page then offers 处理反馈 as the upload form for after-photos
		e.act("cd-chief", p.ID, map[string]any{"action": "receive"}, 200)
		if resp, body := e.login("cd-chief").Get(page); resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`action="/river/problems/%d/feedback"`, p.ID)) || strings.Contains(body, `name="action" value="feedback"`) {
			t.Fatalf("feedback form on the page: %d", resp.StatusCode)
		}
	})
}
