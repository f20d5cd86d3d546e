package river

import (
	"net/http"

	"tongcheng/internal/auth"
	"tongcheng/internal/web"
)

// feedbackWithPhotos is 处理反馈 with the 整改后照片 uploaded in the same multipart
// request (field after_photos, note): the photos and the transition are stored in one
// transaction, or nothing is. The page (feedbackForm) and the API share it.
func (m *Module) feedbackWithPhotos(r *http.Request, id int64) (*ProblemRow, error) {
	ups, err := photosFromForm(r, "after_photos")
	if err == nil && len(ups) == 0 {
		err = &auth.FieldError{Field: "after_photos", Message: "处理反馈必须上传整改后的照片，请选择照片"}
	}
	if err != nil {
		return nil, err
	}
	return m.Transition(r.Context(), web.User(r), id, TransitionInput{Action: string(ActFeedback), Note: r.FormValue("note"), uploads: ups})
}

// apiFeedback is the page's one-step 处理反馈 for an app: unlike uploading the photos
// (kind=after) and then naming them in a transition, a refused feedback leaves no photo.
func (m *Module) apiFeedback(w http.ResponseWriter, r *http.Request) {
	id, err := problemID(r)
	var p *ProblemRow
	if err == nil {
		p, err = m.feedbackWithPhotos(r, id)
	}
	m.d.Web.Reply(w, r, http.StatusOK)(p, err)
}

func feedbackAPIPaths() map[string]any {
	return map[string]any{
		"/api/v1/river/problems/{id}/feedback": map[string]any{"post": apiOp("处理反馈一步完成（multipart：整改后照片 after_photos 至少一张、note 说明）：照片与流转在同一事务中保存，被拒时不留下照片")},
	}
}
