package river_test

import (
	"fmt"
	"testing"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// 处理反馈 in one request with its after-photos, as on the problem page: the photos and
// the transition are stored together, and a refused feedback leaves no photo behind.
func TestFeedbackAPIWithPhotos(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.report("cd-chief", e.cdReach, "garbage")
		e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
		e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "锦江区水务局", "deadline": "2026-11-25"}, 200)
		e.act("cd-chief", p.ID, map[string]any{"action": "receive"}, 200)
		path := fmt.Sprintf("/api/v1/river/problems/%d/feedback", p.ID)
		unchanged := func(what string) {
			t.Helper()
			if e.count("SELECT COUNT(*) FROM river_photos") != 0 || e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'handling'", p.ID) != 1 {
				t.Fatalf("%s changed the problem or stored a photo", what)
			}
		}
		for _, c := range []struct {
			name, user       string
			files            [][3]any
			st               int
			code, field, msg string
		}{
			{"no photo", "cd-chief", nil, 400, "invalid_field", "after_photos", "处理反馈必须上传整改后的照片，请选择照片"},
			{"not an image", "cd-chief", [][3]any{{"after_photos", "done.jpg", []byte("整改完成")}}, 400, "invalid_field", "after_photos",
				"整改后照片“done.jpg”不是 JPEG 或 PNG 图片，请上传用手机或相机拍摄的 JPG/PNG 照片"},
			{"德阳 office", "dy-office", [][3]any{{"after_photos", "done.png", testPNG(t, 40, 30)}}, 403, "out_of_scope", "",
				"无权修改本辖区以外的记录：您只能修改本人所属区划及下级区划的数据"},
		} {
			var ae apiErr
			if st := e.apiMultipart(c.user, path, map[string]string{"note": "已清理"}, &ae, c.files...); st != c.st || ae.Error.Code != c.code || ae.Error.Field != c.field || ae.Error.Message != c.msg {
				t.Errorf("%s: %d %+v", c.name, st, ae.Error)
			}
			unchanged(c.name)
		}

		var out struct {
			State       string   `json:"state"`
			AfterPhotos []string `json:"after_photos"`
		}
		if st := e.apiMultipart("cd-chief", path, map[string]string{"note": "垃圾已清运"}, &out, [3]any{"after_photos", "done.png", testPNG(t, 40, 30)}); st != 200 || out.State != "feedback" || len(out.AfterPhotos) != 1 {
			t.Fatalf("feedback: %d %+v", st, out)
		}
		if e.count("SELECT COUNT(*) FROM river_photos WHERE id = ? AND problem_id = ? AND kind = 'after'", out.AfterPhotos[0], p.ID) != 1 ||
			e.count("SELECT COUNT(*) FROM river_problem_history WHERE problem_id = ? AND action = 'feedback' AND note = '垃圾已清运'", p.ID) != 1 {
			t.Fatal("feedback not stored with its photo and note")
		}
		// once given, a second feedback is refused and its photo is not kept
		var ae apiErr
		if st := e.apiMultipart("cd-chief", path, map[string]string{}, &ae, [3]any{"after_photos", "again.png", testPNG(t, 40, 30)}); st != 409 || ae.Error.Code != "not_allowed" ||
			ae.Error.Message != "问题当前为“已反馈待核查”，不能执行“处理反馈”" || e.count("SELECT COUNT(*) FROM river_photos") != 1 {
			t.Fatalf("second feedback: %d %+v", st, ae.Error)
		}
	})
}
