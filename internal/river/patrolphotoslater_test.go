package river_test

import (
	"bytes"
	"fmt"
	"image"
	"net/http"
	"strings"
	"testing"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// laterPatrols records, without photos, a patrol of 张河长 (cd-chief's own) and one of
// the county chief 钱河长 (by the 成都 河长办), as offline patrols are recorded afterwards.
func laterPatrols(t *testing.T, e *env, county int64) (own, other int64) {
	t.Helper()
	body := func(chief int64) map[string]any {
		b := map[string]any{"reach_id": e.cdReach, "start": "2026-11-20 08:00", "end": "2026-11-20 09:00",
			"track": []map[string]any{{"lat": 30.65, "lon": 104.06}, {"lat": 30.66, "lon": 104.07}}}
		if chief != 0 {
			b["chief_id"] = chief
		}
		return b
	}
	var a, b patrolOut
	if st := e.api("cd-chief", "POST", "/api/v1/river/patrols", body(0), &a); st != http.StatusCreated {
		t.Fatalf("own patrol: %d", st)
	}
	if st := e.api("cd-office", "POST", "/api/v1/river/patrols", body(county), &b); st != http.StatusCreated {
		t.Fatalf("county chief's patrol: %d", st)
	}
	return a.ID, b.ID
}

// laterPhoto is a stored 巡河照片 as the tests read it back.
type laterPhoto struct {
	ID, Patrol, Problem int64
	Kind, Name, By      string
	TW, TH              int
	Thumb               []byte
}

func laterPhotos(t *testing.T, db *store.DB, patrol int64) []laterPhoto {
	t.Helper()
	rows, err := db.Query(t.Context(), "SELECT id, patrol_id, problem_id, kind, name, created_by, thumb_width, thumb_height, thumb FROM river_photos WHERE patrol_id = ? ORDER BY id", patrol)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []laterPhoto
	for rows.Next() {
		var p laterPhoto
		if err := rows.Scan(&p.ID, &p.Patrol, &p.Problem, &p.Kind, &p.Name, &p.By, &p.TW, &p.TH, &p.Thumb); err != nil {
			t.Fatal(err)
		}
		if cfg, format, err := image.DecodeConfig(bytes.NewReader(p.Thumb)); err != nil || format != "jpeg" || cfg.Width != p.TW || cfg.Height != p.TH {
			t.Fatalf("thumbnail of %s: %v %s %+v (want %d×%d)", p.Name, err, format, cfg, p.TW, p.TH)
		}
		out = append(out, p)
	}
	return out
}

// A patrol recorded without photos takes them later through the API: the patrol's chief
// adds a real JPEG and PNG (stored with thumbnails, audited, the patrol's photo list
// answered), the 河长办 of the region adds to a county chief's patrol; not an image, too
// big, over 9 in all, another chief's patrol, another region and a retired chief are
// refused on the field photos and store nothing.
func TestPatrolPhotosLaterAPI(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, zhang, _, county := patrolEnv(t, db)
		own, other := laterPatrols(t, e, county)
		jpg, pngb := testJPEG(t), testPNG(t, 400, 200)
		path := func(id int64) string { return fmt.Sprintf("/api/v1/river/patrols/%d/photos", id) }
		big := append(append([]byte{}, jpg...), make([]byte, 10<<20)...)
		eight := make([][3]any, 8)
		for i := range eight {
			eight[i] = [3]any{"photos", fmt.Sprintf("p%d.jpg", i+1), jpg}
		}
		refusals := []struct {
			name, user  string
			patrol      int64
			files       [][3]any
			status      int
			code, field string
			msg         string
		}{
			{"not an image", "cd-chief", own, [][3]any{{"photos", "a.jpg", jpg}, {"photos", "notes.jpg", []byte("not an image at all")}}, 400, "invalid_field", "photos",
				"巡河照片“notes.jpg”不是 JPEG 或 PNG 图片，请上传用手机或相机拍摄的 JPG/PNG 照片"},
			{"too big", "cd-chief", own, [][3]any{{"photos", "big.jpg", big}}, 400, "invalid_field", "photos", "巡河照片“big.jpg”大小 10.0 MB，超过上限 10 MB，请压缩后再上传"},
			{"none", "cd-chief", own, nil, 400, "invalid_field", "photos", "请选择要上传的巡河照片"},
			{"another chief's patrol", "cd-chief", other, [][3]any{{"photos", "a.jpg", jpg}}, 403, "forbidden", "photos",
				"巡河照片：这是河长“钱河长”的巡河，只有本人或本辖区河长办可以补传照片"},
			{"another region", "dy-office", own, [][3]any{{"photos", "a.jpg", jpg}}, 403, "out_of_scope", "photos", "巡河照片：这次巡河不在您的辖区，不能上传照片"},
			{"another region's chief", "dy-chief", own, [][3]any{{"photos", "a.jpg", jpg}}, 403, "out_of_scope", "photos", "巡河照片：这次巡河不在您的辖区，不能上传照片"},
		}
		for _, r := range refusals {
			var ae apiErr
			if st := e.apiMultipart(r.user, path(r.patrol), nil, &ae, r.files...); st != r.status || ae.Error.Code != r.code || ae.Error.Field != r.field || ae.Error.Message != r.msg {
				t.Errorf("%s: %d %+v, want %d %s %s %q", r.name, st, ae.Error, r.status, r.code, r.field, r.msg)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos") + e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'upload'"); n != 0 {
			t.Fatalf("refusals stored %d rows", n)
		}

		var out struct {
			Photos []struct {
				ID              int64
				PatrolID        int64 `json:"patrol_id"`
				Kind, Name, URL string
				ThumbURL        string `json:"thumb_url"`
				ThumbWidth      int    `json:"thumb_width"`
			}
		}
		if st := e.apiMultipart("cd-chief", path(own), nil, &out, [3]any{"photos", "scene.jpg", jpg}, [3]any{"photos", "wide.png", pngb}); st != http.StatusCreated ||
			len(out.Photos) != 2 || out.Photos[0].Name != "scene.jpg" || out.Photos[1].Name != "wide.png" || out.Photos[1].PatrolID != own || out.Photos[1].ThumbWidth != 320 ||
			out.Photos[1].URL != fmt.Sprintf("/river/photos/%d", out.Photos[1].ID) || out.Photos[1].ThumbURL != out.Photos[1].URL+"/thumb" {
			t.Fatalf("add photos: %d %+v", st, out)
		}
		got := laterPhotos(t, db, own)
		if len(got) != 2 || got[0].Kind != "patrol" || got[0].Problem != 0 || got[0].By != "cd-chief" || got[0].TW != 64 || got[0].TH != 48 ||
			got[1].Name != "wide.png" || got[1].TW != 320 || got[1].TH != 160 {
			t.Fatalf("stored photos %+v", got)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'river' AND action = 'upload' AND object_type = 'patrol' AND object_id = ? AND detail = ?",
			itoa(own), fmt.Sprintf("补传巡河照片 2 张（编号 %d、%d）", got[0].ID, got[1].ID)); n != 1 {
			t.Fatalf("audit entry of the upload: %d", n)
		}

		// 2 stored + 8 is over the 9 of a patrol; 7 more fit
		var ae apiErr
		if st := e.apiMultipart("cd-chief", path(own), nil, &ae, eight...); st != 400 || ae.Error.Field != "photos" ||
			ae.Error.Message != "巡河照片每次巡河最多 9 张，已有 2 张，还能上传 7 张，您选择了 8 张" {
			t.Fatalf("over the total: %d %+v", st, ae.Error)
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos WHERE patrol_id = ?", own); n != 2 {
			t.Fatalf("over the total stored: %d photos", n)
		}
		if st := e.apiMultipart("cd-chief", path(own), nil, &out, eight[:7]...); st != http.StatusCreated || len(out.Photos) != 9 {
			t.Fatalf("up to 9: %d %d", st, len(out.Photos))
		}
		if st := e.apiMultipart("cd-chief", path(own), nil, &ae, [3]any{"photos", "tenth.jpg", jpg}); st != 400 ||
			ae.Error.Message != "巡河照片每次巡河最多 9 张，已有 9 张，还能上传 0 张，您选择了 1 张" {
			t.Fatalf("a tenth: %d %+v", st, ae.Error)
		}

		// the region's 河长办 adds to the county chief's patrol
		if st := e.apiMultipart("cd-office", path(other), nil, &out, [3]any{"photos", "bank.png", testPNG(t, 40, 30)}); st != http.StatusCreated || len(out.Photos) != 1 {
			t.Fatalf("河长办 adds: %d %+v", st, out)
		}
		if p := laterPhotos(t, db, other); len(p) != 1 || p[0].By != "cd-office" || p[0].TW != 40 || p[0].TH != 30 {
			t.Fatalf("河长办's photo %+v", p)
		}

		// a chief who left office adds nothing, nor does the 河长办 for them
		if _, err := db.Exec(t.Context(), "UPDATE river_chiefs SET retired_at = ?, retire_reason = '换届' WHERE id IN (?, ?)", store.Time(testNow.Add(-3600e9)), zhang, county); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			user   string
			patrol int64
			msg    string
		}{
			{"cd-chief", own, "巡河照片：河长“张河长”已于 2026-11-20 卸任，不能再为其巡河补传照片"},
			{"cd-office", other, "巡河照片：河长“钱河长”已于 2026-11-20 卸任，不能再为其巡河补传照片"},
		} {
			before := e.count("SELECT COUNT(*) FROM river_photos")
			if st := e.apiMultipart(c.user, path(c.patrol), nil, &ae, [3]any{"photos", "late.jpg", jpg}); st != 403 || ae.Error.Code != "retired" || ae.Error.Field != "photos" || ae.Error.Message != c.msg {
				t.Errorf("retired, %s: %d %+v", c.user, st, ae.Error)
			}
			if n := e.count("SELECT COUNT(*) FROM river_photos"); n != before {
				t.Fatalf("retired chief's upload stored %d photos", n-before)
			}
		}
	})
}

// The patrol's page offers its chief the 补传照片 form: the photos uploaded show as
// thumbnails; a refusal shows the page again with the message naming 巡河照片; another
// chief sees no form and is refused; another region cannot open or post.
func TestPatrolPhotosLaterPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e, _, _, county := patrolEnv(t, db)
		own, other := laterPatrols(t, e, county)
		jpg, pngb := testJPEG(t), testPNG(t, 40, 30)
		c := e.login("cd-chief")
		view := fmt.Sprintf("/river/patrols/%d", own)
		form := fmt.Sprintf(`<form method="post" action="/river/patrols/%d/photos" enctype="multipart/form-data">`, own)
		if _, page := c.Get(view); !strings.Contains(page, form) || !strings.Contains(page, "还能上传 9 张") || !strings.Contains(page, "本次巡河没有照片。") {
			t.Fatal("the patrol page lacks the upload form")
		}
		if _, page := c.Get(fmt.Sprintf("/river/patrols/%d", other)); strings.Contains(page, "补传巡河照片") {
			t.Fatal("another chief's patrol offers the upload form")
		}
		for _, r := range []struct {
			name   string
			patrol int64
			files  [][3]any
			status int
			msg    string
		}{
			{"not an image", own, [][3]any{{"photos", "fake.jpg", []byte("not an image at all")}}, 400, "巡河照片“fake.jpg”不是 JPEG 或 PNG 图片，请上传用手机或相机拍摄的 JPG/PNG 照片"},
			{"another chief's patrol", other, [][3]any{{"photos", "a.jpg", jpg}}, 403, "巡河照片：这是河长“钱河长”的巡河，只有本人或本辖区河长办可以补传照片"},
		} {
			resp, body := c.postMultipart(fmt.Sprintf("/river/patrols/%d/photos", r.patrol), map[string]string{}, r.files...)
			if resp.StatusCode != r.status || !strings.Contains(body, `data-field="photos">`+r.msg+"</p>") {
				t.Errorf("%s: %d, want %d with %q", r.name, resp.StatusCode, r.status, r.msg)
			}
		}
		dy := e.login("dy-office")
		if resp, body := dy.postMultipart(fmt.Sprintf("/river/patrols/%d/photos", own), map[string]string{}, [3]any{"photos", "a.jpg", jpg}); resp.StatusCode != 403 ||
			!strings.Contains(body, "巡河照片：这次巡河不在您的辖区，不能上传照片") {
			t.Errorf("another region: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos"); n != 0 {
			t.Fatalf("refusals stored %d photos", n)
		}

		resp, page := c.postMultipart(fmt.Sprintf("/river/patrols/%d/photos", own), map[string]string{}, [3]any{"photos", "scene.jpg", jpg}, [3]any{"photos", "bank.png", pngb})
		if resp.StatusCode != 200 || resp.Request.URL.Path != view {
			t.Fatalf("upload: %d at %s", resp.StatusCode, resp.Request.URL.Path)
		}
		got := laterPhotos(t, db, own)
		if len(got) != 2 || got[0].Name != "scene.jpg" || got[1].Name != "bank.png" || got[1].By != "cd-chief" {
			t.Fatalf("stored %+v", got)
		}
		for _, p := range got {
			if want := fmt.Sprintf(`<a href="/river/photos/%d"><img src="/river/photos/%d/thumb" alt="巡河照片 %s" width="%d" height="%d"`, p.ID, p.ID, p.Name, p.TW, p.TH); !strings.Contains(page, want) {
				t.Fatalf("the page lacks %s", want)
			}
		}
		if !strings.Contains(page, "还能上传 7 张") {
			t.Fatal("the form does not say 7 more")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'upload' AND object_type = 'patrol' AND object_id = ? AND detail = ?",
			itoa(own), fmt.Sprintf("补传巡河照片 2 张（编号 %d、%d）", got[0].ID, got[1].ID)); n != 1 {
			t.Fatalf("audit entry: %d", n)
		}
		eight := make([][3]any, 8)
		for i := range eight {
			eight[i] = [3]any{"photos", fmt.Sprintf("p%d.jpg", i+1), jpg}
		}
		if resp, body := c.postMultipart(fmt.Sprintf("/river/patrols/%d/photos", own), map[string]string{}, eight...); resp.StatusCode != 400 ||
			!strings.Contains(body, "巡河照片每次巡河最多 9 张，已有 2 张，还能上传 7 张，您选择了 8 张") {
			t.Fatalf("over the total: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM river_photos"); n != 2 {
			t.Fatalf("over the total stored: %d", n)
		}
	})
}
