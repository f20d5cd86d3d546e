package river

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"tongcheng/internal/region"
	"tongcheng/internal/web"
)

// The public side (公众端) of the JSON API, without login: a reach's 公示牌, a report on
// the reach by its code, and the progress of a report by its tracking number. The
// pages (handlers.go) and these routes share takePublicReport and publicTrack, so they
// count against one rate limit and never give the reporter's phone.

// publicBucket is the rate-limit bucket of public reports, pages and API together.
const publicBucket = "river_public"

// PublicReportInput is a public report as the API takes it in JSON; a multipart form
// with the same fields may carry up to MaxPublicPhotos photos in "photos".
type PublicReportInput struct {
	Category    string  `json:"category"`
	Description string  `json:"description"`
	Phone       string  `json:"phone"` // kept for the office's call-back, never shown
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
}

// workflowFields is the input field each refusal of the workflow engine names in the
// API's error shape (a report's or a transition's), so that an app can point at it.
var workflowFields = map[string]string{
	"bad_source": "source", "bad_category": "category", "bad_severity": "severity", "reach_required": "reach_id",
	"description_required": "description", "bad_location": "lat", "reason_required": "reason", "unit_required": "unit",
	"deadline_past": "deadline", "deadline_required": "deadline", "deadline_not_later": "deadline", "photos_required": "photos",
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "multipart/form-data") || strings.HasPrefix(ct, "application/x-www-form-urlencoded")
}

// takePublicReport counts the report against the client's limit, reads it (a form;
// for the API also JSON) and stores it with its photos. The limit is checked before
// the photos are decoded; a refused report or photo stores nothing. in is what was
// read, for the page to show again; replayed says an Idempotency-Key repeat found its
// report stored (ReportOnce).
func (m *Module) takePublicReport(r *http.Request, api bool) (in ReportInput, p *ProblemRow, replayed bool, err error) {
	key, err := reportKey(r)
	if err != nil {
		return in, nil, false, err
	}
	// a repeat of a report already stored under its key stores nothing more, so it is
	// not counted: an app that retries after a timeout gets its report, not 429
	ok, err := m.keptReportKey(r.Context(), nil, key)
	if err == nil && !ok {
		ok, err = m.d.Web.Allow(r.Context(), publicBucket, web.ClientIP(r), m.PublicLimit, m.PublicWindow, m.Now())
	}
	if err != nil {
		return in, nil, false, err
	}
	in.ReachCode = r.PathValue("code")
	if !ok {
		err = &web.HTTPError{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: fmt.Sprintf("举报过于频繁：同一网络 %d 分钟内最多提交 %d 次，请稍后再试", int(m.PublicWindow.Minutes()), m.PublicLimit)}
	}
	if api && !isForm(r) {
		if !ok {
			return in, nil, false, err
		}
		var j PublicReportInput
		if err := web.DecodeJSON(r, &j); err != nil {
			return in, nil, false, err
		}
		in.Category, in.Description, in.Phone, in.Lat, in.Lon = j.Category, j.Description, j.Phone, j.Lat, j.Lon
	} else {
		in.Category, in.Description, in.Phone = r.FormValue("category"), r.FormValue("description"), r.FormValue("phone")
		var cerr error
		in.Lat, in.Lon, cerr = formCoords(r)
		if !ok {
			return in, nil, false, err
		}
		if cerr != nil {
			return in, nil, false, cerr
		}
		if in.uploads, err = photosUpTo(r, "photos", MaxPublicPhotos); err != nil {
			return in, nil, false, err
		}
	}
	p, replayed, err = m.ReportOnce(r.Context(), nil, in, key)
	return in, p, replayed, err
}

// normalTrackingNo is a tracking number as typed (spaces, lower case) written as issued.
func normalTrackingNo(no string) string {
	return strings.ToUpper(strings.Join(strings.Fields(no), ""))
}

// publicTrack reads a report by its tracking number as the public may see it: the
// steps without the people or their notes, the photos the public attached, no phone.
func (m *Module) publicTrack(ctx context.Context, no string) (*ProblemRow, []HistoryEntry, []PhotoInfo, error) {
	p, err := getProblemByNo(ctx, m.d.DB, normalTrackingNo(no))
	if err != nil {
		return nil, nil, nil, err
	}
	hist, err := problemHistory(ctx, m.d.DB, p.RowID)
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range hist {
		hist[i].ActorName, hist[i].ActorID, hist[i].Note = "", "", ""
	}
	p.ReporterPhone = ""
	photos, err := photoList(ctx, m.d.DB, p.RowID, p.No)
	return p, hist, photos, err
}

// ---- handlers ----

type codeName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// publicBoard is a reach's 公示牌 as the public app shows it, with the CSRF token the
// app sends back (X-CSRF-Token, with the cookie this answer sets) when it reports.
type publicBoard struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	RiverName  string     `json:"river_name"`
	Regions    []codeName `json:"regions"`
	ChiefName  string     `json:"chief_name"`
	ChiefLevel string     `json:"chief_level"`
	Duties     string     `json:"duties"`
	Phone      string     `json:"phone"` // 监督电话
	Categories []codeName `json:"categories"`
	MaxPhotos  int        `json:"max_photos"`
	MaxPhotoMB int        `json:"max_photo_mb"`
	CSRF       string     `json:"csrf"`
}

func (m *Module) apiPublicBoard(w http.ResponseWriter, r *http.Request) {
	reach, err := getReach(r.Context(), m.d.DB, "code", r.PathValue("code"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	b := publicBoard{Code: reach.Code, Name: reach.Name, RiverName: reach.RiverName, ChiefName: reach.ChiefName, Duties: reach.Duties, Phone: reach.Phone,
		MaxPhotos: MaxPublicPhotos, MaxPhotoMB: MaxPhotoBytes >> 20, CSRF: web.CSRF(r)}
	if reach.ChiefName != "" {
		b.ChiefLevel = reach.ChiefLvl.String() + "河长"
	}
	for _, c := range []string{reach.Region, reach.Region2} {
		if c != "" {
			b.Regions = append(b.Regions, codeName{c, region.Name(c)})
		}
	}
	for _, c := range Categories {
		b.Categories = append(b.Categories, codeName{string(c), c.String()})
	}
	web.WriteJSON(w, http.StatusOK, b)
}

// publicReportOut is the answer to a public report: the tracking number and where to
// follow it.
type publicReportOut struct {
	No        string `json:"no"`
	State     string `json:"state"`
	StateName string `json:"state_name"`
	Photos    int    `json:"photos"`
	TrackURL  string `json:"track_url"`
	PageURL   string `json:"page_url"`
}

func (m *Module) apiPublicReport(w http.ResponseWriter, r *http.Request) {
	in, p, replayed, err := m.takePublicReport(r, true)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	writeReport(w, replayed, publicReportOut{No: p.No, State: string(p.State), StateName: p.State.String(), Photos: len(in.uploads),
		TrackURL: "/api/v1/river/public/track/" + p.No, PageURL: "/river/public/track/" + p.No})
}

// publicStep is a step of a report's progress: a change of state, or a step that leaves
// the state as it is (超期标记, 超期升级, 督办), named by Action.
type publicStep struct {
	At         time.Time `json:"at"`
	Action     string    `json:"action"`
	ActionName string    `json:"action_name"`
	From       string    `json:"from,omitempty"`
	FromName   string    `json:"from_name,omitempty"`
	To         string    `json:"to"`
	ToName     string    `json:"to_name"`
}

// publicProgress is a report's progress as the tracking page shows it.
type publicProgress struct {
	No           string       `json:"no"`
	ReachCode    string       `json:"reach_code"`
	ReachName    string       `json:"reach_name"`
	Category     string       `json:"category"`
	CategoryName string       `json:"category_name"`
	State        string       `json:"state"`
	StateName    string       `json:"state_name"`
	ReportedAt   time.Time    `json:"reported_at"`
	Steps        []publicStep `json:"steps"`
	Photos       []PhotoInfo  `json:"photos"`
}

func (m *Module) apiPublicTrack(w http.ResponseWriter, r *http.Request) {
	p, hist, photos, err := m.publicTrack(r.Context(), r.PathValue("no"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	out := publicProgress{No: p.No, ReachCode: p.ReachCode, ReachName: p.ReachName, Category: string(p.Category), CategoryName: p.Category.String(),
		State: string(p.State), StateName: p.State.String(), ReportedAt: p.ReportedAt, Steps: []publicStep{}, Photos: photos}
	if out.Photos == nil {
		out.Photos = []PhotoInfo{}
	}
	for _, h := range hist {
		s := publicStep{At: h.At, Action: string(h.Action), ActionName: h.Action.String(), To: string(h.To), ToName: h.To.String()}
		if h.Action == "report" {
			s.ActionName = "上报"
		}
		if h.From != "" {
			s.From, s.FromName = string(h.From), h.From.String()
		}
		out.Steps = append(out.Steps, s)
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func publicAPIPaths() map[string]any {
	return map[string]any{
		"/api/v1/river/public/{code}": map[string]any{"get": apiOp("河长公示牌（无需登录）：河段、河长、职责、监督电话、问题类别，及提交举报时须回传的 csrf（X-CSRF-Token 头，连同本应答设置的 Cookie）")},
		"/api/v1/river/public/{code}/reports": map[string]any{"post": keyedReportOp(fmt.Sprintf("公众举报（无需登录）：JSON {category, description, phone, lat, lon}，或同名字段的 multipart 表单附现场照片 photos（JPG/PNG，最多 %d 张）；"+
			"返回受理编号 no。与举报页面共用同一频率限制（同一网络地址），超限 429 rate_limited；联系电话只供回访，任何应答都不含", MaxPublicPhotos))},
		"/api/v1/river/public/track/{no}": map[string]any{"get": apiOp("举报进度（无需登录）：状态、办理步骤（action/action_name 为步骤名称，含不改变状态的超期标记、超期升级、督办；不含办理人及意见）、公众上传的照片；不含联系电话；编号大小写、空格不限")},
	}
}
