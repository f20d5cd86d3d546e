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
