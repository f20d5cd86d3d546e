package river

import (
	"tongcheng/internal/audit"
	"tongcheng/internal/web"
)

// mountOps registers the operations pages: 超期督办, 考核排名, 断面水质趋势,
// readings upload and problem photos.
func (m *Module) mountOps(w *web.Server) {
	audit.NameAction(string(ActEscalate), "问题超期升级")
	audit.NameAction(string(ActOverdue), "问题超期标记")
	audit.NameAction(string(ActSupervise), "问题督办")

	w.Handle("GET /river/supervise", m.supervisePage)
	w.Handle("POST /river/problems/{id}/supervise", m.superviseForm)
	w.Handle("GET /api/v1/river/overdue", m.apiOverdue)
	w.Handle("POST /api/v1/river/problems/{id}/supervise", m.apiSupervise)

	w.Handle("GET /river/photos/{id}", m.photoPage)
	w.Handle("GET /river/photos/{id}/thumb", m.photoThumb)
	w.Handle("GET /river/public/track/{no}/photos/{id}", m.publicPhoto, web.Public())
	w.Handle("GET /river/public/track/{no}/photos/{id}/thumb", m.publicPhoto, web.Public())
	w.Handle("POST /river/problems/{id}/photos", m.photoForm, web.MaxBody(photoBodyLimit))
	w.Handle("POST /river/problems/{id}/feedback", m.feedbackForm, web.MaxBody(photoBodyLimit))
	w.Handle("GET /api/v1/river/problems/{id}/photos", m.apiListPhotos)
	w.Handle("POST /api/v1/river/problems/{id}/photos", m.apiPhotos, web.MaxBody(photoBodyLimit))
	w.Handle("GET /river/assessment", m.assessmentPage)
	w.Handle("GET /river/assessment.xlsx", m.assessmentXLSX)
	w.Handle("GET /api/v1/river/assessment", m.apiAssessment)
	w.Handle("GET /river/trends", m.trendsPage)
	w.Handle("GET /river/trends/{id}", m.trendPage)
	w.Handle("POST /river/readings/import", m.importForm, web.MaxBody(64<<20))
	w.Handle("GET /api/v1/river/sections/{id}/trend", m.apiTrend)
	w.Handle("POST /api/v1/river/patrols", m.apiRecordPatrol, web.MaxBody(photoBodyLimit))
	w.Handle("GET /river/patrols/{id}", m.patrolViewPage)
	w.Handle("POST /river/patrols/{id}/photos", m.patrolPhotosForm, web.MaxBody(photoBodyLimit))
	w.Handle("POST /api/v1/river/patrols/{id}/photos", m.apiPatrolPhotos, web.MaxBody(photoBodyLimit))
	w.Handle("GET /api/v1/river/patrols", m.apiPatrols)
	w.Handle("GET /api/v1/river/patrols/compliance", m.apiCompliance)
	w.Handle("GET /api/v1/river/patrols/{id}", m.apiPatrol)
	w.OpenAPI(patrolAPIPaths())
	w.Handle("GET /api/v1/river/public/{code}", m.apiPublicBoard, web.Public())
	w.Handle("POST /api/v1/river/public/{code}/reports", m.apiPublicReport, web.Public(), web.MaxBody(publicPhotoBodyLimit))
	w.Handle("GET /api/v1/river/public/track/{no}", m.apiPublicTrack, web.Public())
	w.OpenAPI(publicAPIPaths())
	w.Handle("POST /api/v1/river/problems/{id}/feedback", m.apiFeedback, web.MaxBody(photoBodyLimit))
	w.OpenAPI(feedbackAPIPaths())

	w.OpenAPI(map[string]any{
		"/api/v1/river/problems/{id}/photos":    map[string]any{"get": apiOp("问题照片列表（url 原图，thumb_url 缩略图，最长边 320 像素，上传时生成）"), "post": apiOp("上传问题照片（multipart：kind=report 现场照片用字段 photos，kind=after 整改后照片用字段 after_photos；JPEG/PNG，每张不超过 10 MB）")},
		"/api/v1/river/assessment":              map[string]any{"get": apiOp("考核排名：巡河达标率、问题办结率、按期办结率、断面水质达标率与得分（period：2026-10、2026-Q4 或 2026；level：city 或 county）")},
		"/api/v1/river/sections/{id}/trend":     map[string]any{"get": apiOp("断面水质趋势：各次监测的类别与各项目数值，及各类别限值（from, to：YYYY-MM-DD）")},
		"/api/v1/river/overdue":                 map[string]any{"get": apiOp("本辖区及下级超期问题，按责任单位分组（超期天数、督办层级）")},
		"/api/v1/river/problems/{id}/supervise": map[string]any{"post": apiOp("督办：向责任单位下达督办意见（note），记入流转记录")},
	})
}

func apiOp(summary string) map[string]any {
	return map[string]any{"summary": summary, "tags": []string{"河长制"}, "responses": map[string]any{"200": map[string]any{"description": "成功"}}}
}
