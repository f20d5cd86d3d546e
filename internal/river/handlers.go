package river

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

func (m *Module) canView(u *auth.User) bool {
	return u.InModule("river")
}

func filterFrom(r *http.Request, u *auth.User, now time.Time) (ProblemFilter, error) {
	q := r.URL.Query()
	f := ProblemFilter{Scope: u.Region, City: q.Get("city"), Region: strings.TrimSpace(q.Get("region")), River: q.Get("river"), State: q.Get("state"),
		Category: q.Get("category"), Source: q.Get("source"), Overdue: q.Get("overdue") == "1" || q.Get("overdue") == "true", Now: now}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if f.Region != "" && !region.Valid(f.Region) {
		return f, fieldErr("region", "区县代码“"+f.Region+"”无效，请填写六位行政区划代码（如 510121 金堂县）或从驾驶舱的示意图点选")
	}
	return f, nil
}

func problemID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// visible reads a problem the user may see: either owner within the user's region.
func (m *Module) visible(ctx context.Context, u *auth.User, id int64) (*ProblemRow, error) {
	p, err := getProblem(ctx, m.d.DB, id)
	if err != nil {
		return nil, err
	}
	if !u.CanRead(p.Region, false) && (p.Region2 == "" || !u.CanRead(p.Region2, false)) {
		return nil, auth.ErrScope
	}
	return p, nil
}

// ---- pages ----

type listData struct {
	Filter    ProblemFilter
	Problems  []*ProblemRow
	Total     int64
	Next      int64
	Query     string
	CanReport bool
	// the rows and the filter's choices, written by listrows.go
	Rows                                          template.HTML
	Cities, Counties, States, Categories, Sources template.HTML
}

// problemList reads the list's filter from the request and the page of problems it
// selects with their total; on refusal or error it has answered and ok is false.
func (m *Module) problemList(w http.ResponseWriter, r *http.Request) (f ProblemFilter, list []*ProblemRow, total int64, ok bool) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长制问题")
		return f, nil, 0, false
	}
	f, err := filterFrom(r, u, m.Now())
	if err == nil {
		list, total, err = m.listPageOf(r.Context(), m.d.DB, f)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return f, nil, 0, false
	}
	return f, list, total, true
}

func (m *Module) listPage(w http.ResponseWriter, r *http.Request) {
	f, list, total, ok := m.problemList(w, r)
	if !ok {
		return
	}
	u := web.User(r)
	photos, err := photoCounts(r.Context(), m.d.DB, list)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	d := listData{Filter: f, Problems: list, Total: total, CanReport: u.HasAny("river", auth.Chief, auth.RiverOffice, auth.Admin),
		Rows: listRowsHTML(list, m.Now(), photos), Cities: choicesHTML(listCities, f.City), Counties: choicesHTML(listCounties, f.Region),
		States: choicesHTML(listStates, f.State), Categories: choicesHTML(listCategories, f.Category), Sources: choicesHTML(listSources, f.Source)}
	if len(list) == f.pageSize() {
		d.Next = list[len(list)-1].RowID
	}
	q := r.URL.Query()
	q.Del("before")
	d.Query = q.Encode()
	m.d.Web.Render(w, r, http.StatusOK, "river/list.html", "河长制 · 问题", d)
}

type reportData struct {
	Reaches    []Reach
	Categories []Category
	Sources    []Source
	Severities []Severity
	Error      string
	// In is what was sent, shown again with a refusal so that nothing chosen is lost
	// (a source or severity reset to the first choice would be stored on the next try);
	// Lat and Lon are the coordinates as typed.
	In       ReportInput
	Lat, Lon string
	FormKey  string // FormKeyField: a report sent twice from this page is stored once
}

func (m *Module) reportPage(w http.ResponseWriter, r *http.Request) {
	m.renderReport(w, r, http.StatusOK, ReportInput{}, "")
}

func (m *Module) renderReport(w http.ResponseWriter, r *http.Request, status int, in ReportInput, msg string) {
	u := web.User(r)
	if !u.HasAny("river", auth.Chief, auth.RiverOffice, auth.Admin) {
		m.d.Web.Forbidden(w, r, "上报河湖问题")
		return
	}
	reaches, err := formReaches(r.Context(), m.d.DB, u, 500)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, status, "river/report.html", "上报问题", reportData{Reaches: reaches, Categories: Categories, Sources: Sources,
		Severities: patrolSeverities, Error: msg, In: in, Lat: strings.TrimSpace(r.FormValue("lat")), Lon: strings.TrimSpace(r.FormValue("lon")),
		FormKey: formKeyOf(r)})
}

// formCoords reads the 纬度 and 经度 of a form, empty for none; one that is not a number
// is refused with its field named rather than taken as no location.
func formCoords(r *http.Request) (lat, lon float64, err error) {
	for _, f := range []struct {
		key, name string
		v         *float64
	}{{"lat", "纬度", &lat}, {"lon", "经度", &lon}} {
		s := strings.TrimSpace(r.FormValue(f.key))
		if s == "" {
			continue
		}
		v, e := strconv.ParseFloat(s, 64)
		if e != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, 0, &auth.FieldError{Field: f.key, Message: fmt.Sprintf("%s“%s”不是数字，请填写十进制度数（如 30.6570），不知道可不填", f.name, s)}
		}
		*f.v = v
	}
	return lat, lon, nil
}

func (m *Module) reportForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	reach, _ := strconv.ParseInt(r.FormValue("reach_id"), 10, 64)
	in := ReportInput{ReachID: reach, ReachCode: strings.TrimSpace(r.FormValue("reach_code")), Source: r.FormValue("source"), Category: r.FormValue("category"),
		Severity: r.FormValue("severity"), Description: r.FormValue("description")}
	if !u.HasAny("river", auth.Chief, auth.RiverOffice, auth.Admin) {
		m.d.Web.Forbidden(w, r, "上报河湖问题")
		return
	}
	var err error
	if in.Lat, in.Lon, err = formCoords(r); err != nil {
		m.renderReport(w, r, http.StatusBadRequest, in, web.Classify(err).Message)
		return
	}
	ups, err := photosFromForm(r, "photos")
	if err != nil {
		m.renderReport(w, r, http.StatusBadRequest, in, web.Classify(err).Message)
		return
	}
	in.uploads = ups
	key, err := reportKey(r)
	if err != nil {
		m.renderReport(w, r, http.StatusBadRequest, in, web.Classify(err).Message)
		return
	}
	p, _, err := m.ReportOnce(r.Context(), u, in, key)
	if err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest {
			m.renderReport(w, r, he.Status, in, he.Message)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/river/problems/%d", p.RowID), http.StatusSeeOther)
}

type problemData struct {
	P      *ProblemRow
	Photos []PhotoInfo
	// CanSupervise: the office may send a 督办 note down (open problems of its region).
	CanSupervise bool
	History      []HistoryEntry
	Actions      []ActionKind
	Overdue      bool
	Error        string
	CanAct       bool
	Today        string
	Deadline     string
	// DeadlineWhy says where the deadline comes from (the severity's
	// configured days, a date set at assignment, an approved extension).
	DeadlineWhy string
	// DefaultDays is the configured deadline of the problem's severity,
	// EscalateDays the escalation interval (data/workflow.json).
	DefaultDays, EscalateDays int
}

func (m *Module) problemPage(w http.ResponseWriter, r *http.Request) {
	m.renderProblem(w, r, http.StatusOK, "")
}

func (m *Module) renderProblem(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p, hist, ok := m.loadProblem(w, r)
	if !ok {
		return
	}
	u := web.User(r)
	d := problemData{P: p, History: hist, Overdue: Overdue(p.Problem, m.Now()), Error: msg, Today: m.Now().In(shanghai).Format("2006-01-02")}
	photos, err := listPhotos(r.Context(), m.d.DB, p.RowID)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	d.Photos = photos
	if !p.Deadline.IsZero() {
		d.Deadline = p.Deadline.In(shanghai).Format("2006-01-02 15:04")
		for _, h := range hist {
			switch h.Action {
			case ActAssign:
				d.DeadlineWhy = h.Reason // "" for an assignment recorded before the reason was kept
			case ActApproveExtend:
				d.DeadlineWhy = "批准延期后的期限"
			}
		}
	}
	d.DefaultDays, d.EscalateDays = m.Workflow.DeadlineDays[p.Severity], m.Workflow.EscalateDays()
	if canWriteProblem(u, p.Region, p.Region2) {
		for _, a := range Actions {
			if _, ok := Next(p.State, a); !ok {
				continue
			}
			if officeActions[a] && !u.HasAny("river", auth.RiverOffice, auth.Admin) {
				continue
			}
			d.Actions = append(d.Actions, a)
		}
		// 办结 is offered (and refused by the engine) before the check, so the office sees why.
		if p.State == StateFeedback && u.HasAny("river", auth.RiverOffice, auth.Admin) {
			d.Actions = append(d.Actions, ActClose)
		}
		d.CanAct = len(d.Actions) > 0
		d.CanSupervise = p.State.Open() && u.HasAny("river", auth.RiverOffice, auth.Admin)
	}
	m.d.Web.Render(w, r, status, "river/problem.html", "问题 "+p.No, d)
}

func (m *Module) transitionForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	id, err := problemID(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	in := TransitionInput{Action: r.FormValue("action"), Reason: r.FormValue("reason"), Note: r.FormValue("note"), Unit: r.FormValue("unit"),
		Deadline: r.FormValue("deadline")}
	// 协办单位 as people type a list: one per line, or separated by 、 ， , ； ;
	for _, s := range strings.FieldsFunc(r.FormValue("joint_units"), func(c rune) bool { return strings.ContainsRune("\n、，,；;", c) }) {
		in.JointUnits = append(in.JointUnits, strings.TrimSpace(s))
	}
	for _, s := range strings.Fields(r.FormValue("photos")) {
		in.Photos = append(in.Photos, s)
	}
	if _, err := m.Transition(r.Context(), u, id, in); err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest || he.Status == http.StatusConflict {
			m.renderProblem(w, r, he.Status, he.Message)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/river/problems/%d", id), http.StatusSeeOther)
}

// ---- public side (no login) ----

type publicData struct {
	Reach      *Reach
	Error      string
	No         string
	P          *ProblemRow
	History    []HistoryEntry
	Photos     []PhotoInfo
	Category   []Category
	In         ReportInput
	MaxPhotos  int
	MaxPhotoMB int
	FormKey    string // FormKeyField: a report sent twice from this page is stored once
}

func (m *Module) publicPage(w http.ResponseWriter, r *http.Request) {
	m.renderPublic(w, r, http.StatusOK, ReportInput{}, "", "")
}

func (m *Module) renderPublic(w http.ResponseWriter, r *http.Request, status int, in ReportInput, msg, no string) {
	reach, err := getReach(r.Context(), m.d.DB, "code", r.PathValue("code"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	key := newFormKey() // after a stored report the page offers a new one
	if msg != "" {
		key = formKeyOf(r)
	}
	m.d.Web.Render(w, r, status, "river/public.html", reach.Name+" · 河长公示牌", publicData{Reach: reach, Error: msg, No: no, Category: Categories, In: in,
		MaxPhotos: MaxPublicPhotos, MaxPhotoMB: MaxPhotoBytes >> 20, FormKey: key})
}

// publicReport takes a report from the public with up to MaxPublicPhotos photos. The
// rate limit is checked before the photos are decoded; a refused photo stores nothing.
func (m *Module) publicReport(w http.ResponseWriter, r *http.Request) {
	in, p, _, err := m.takePublicReport(r, false)
	if err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest || he.Status == http.StatusTooManyRequests {
			m.renderPublic(w, r, he.Status, in, he.Message, "")
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	m.renderPublic(w, r, http.StatusCreated, ReportInput{}, "", p.No)
}

// trackLookupData is the 进度查询 form: the number typed and why it was not found.
type trackLookupData struct{ No, Error string }

// trackLookup is 进度查询 for a member of the public who kept the tracking number: the
// number typed (spaces and letter case do not matter) opens its progress page; without
// one the form is shown.
func (m *Module) trackLookup(w http.ResponseWriter, r *http.Request) {
	no := normalTrackingNo(r.URL.Query().Get("no"))
	if no == "" {
		m.d.Web.Render(w, r, http.StatusOK, "river/track_lookup.html", "举报进度查询", trackLookupData{})
		return
	}
	http.Redirect(w, r, "/river/public/track/"+url.PathEscape(no), http.StatusSeeOther)
}

func (m *Module) trackPage(w http.ResponseWriter, r *http.Request) {
	p, hist, photos, err := m.publicTrack(r.Context(), r.PathValue("no"))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			m.d.Web.Render(w, r, http.StatusNotFound, "river/track_lookup.html", "查无此编号", trackLookupData{No: r.PathValue("no"),
				Error: "查无此编号：没有找到受理编号“" + r.PathValue("no") + "”，请核对后重新输入"})
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "river/track.html", "举报进度 "+p.No, publicData{P: p, History: hist, Photos: photos})
}

// ---- JSON API ----

type listOut struct {
	Total int64         `json:"total"`
	Items []*ProblemRow `json:"items"`
	Next  int64         `json:"next,omitempty"`
}

func (m *Module) apiList(w http.ResponseWriter, r *http.Request) {
	_, list, total, ok := m.problemList(w, r)
	if !ok {
		return
	}
	out := listOut{Total: total, Items: list}
	if out.Items == nil {
		out.Items = []*ProblemRow{}
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiReport(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !u.HasAny("river", auth.Chief, auth.RiverOffice, auth.Admin) {
		m.d.Web.Forbidden(w, r, "上报河湖问题")
		return
	}
	key, err := reportKey(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	var in ReportInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	p, replayed, err := m.ReportOnce(r.Context(), u, in, key)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	writeReport(w, replayed, p)
}

type problemOut struct {
	Problem *ProblemRow   `json:"problem"`
	Overdue bool          `json:"overdue"`
	History []historyJSON `json:"history"`
}

type historyJSON struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	Action    string    `json:"action"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason,omitempty"`
	Note      string    `json:"note,omitempty"`
}

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) {
	p, hist, ok := m.loadProblem(w, r)
	if !ok {
		return
	}
	out := problemOut{Problem: p, Overdue: Overdue(p.Problem, m.Now()), History: []historyJSON{}}
	for _, h := range hist {
		out.History = append(out.History, historyJSON{At: h.At, ActorName: h.ActorName, Action: string(h.Action), From: string(h.From), To: string(h.To), Reason: h.Reason, Note: h.Note})
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiTransition(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	id, err := problemID(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	var in TransitionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	p, err := m.Transition(r.Context(), u, id, in)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, p)
}

func (m *Module) apiReading(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !u.HasAny("river", auth.RiverOffice, auth.Collector, auth.Admin) {
		m.d.Web.Forbidden(w, r, "推送水质监测数据")
		return
	}
	var in ReadingInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	out, err := m.AddReading(r.Context(), u, in)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if !out.Stored {
		status = http.StatusOK
	}
	web.WriteJSON(w, status, out)
}

func openAPIPaths() map[string]any {
	op := func(summary string) map[string]any {
		return map[string]any{"summary": summary, "tags": []string{"河长制"}, "responses": map[string]any{"200": map[string]any{"description": "成功"}}}
	}
	return map[string]any{
		"/api/v1/river/problems":                 map[string]any{"get": op("问题列表（city, river, state, category, source, overdue 筛选）"), "post": keyedReportOp("上报问题（JSON：reach_id 或 reach_code、category、severity、description、lat、lon、phone、source）")},
		"/api/v1/river/problems/{id}":            map[string]any{"get": op("问题详情及流转记录")},
		"/api/v1/river/problems/{id}/transition": map[string]any{"post": op("问题流转：受理、交办、签收、反馈、核查、办结等")},
		"/api/v1/river/readings":                 map[string]any{"post": op("推送断面水质监测数据（按 GB 3838-2002 评价类别）")},
		"/api/v1/river/dashboard":                map[string]any{"get": op("河长制驾驶舱统计")},
	}
}

// loadProblem reads the problem of the {id} path segment with its history, checking
// that the user may see it; on failure it has answered the request and ok is false.
func (m *Module) loadProblem(w http.ResponseWriter, r *http.Request) (p *ProblemRow, hist []HistoryEntry, ok bool) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长制问题")
		return nil, nil, false
	}
	id, err := problemID(r)
	if err == nil {
		p, err = m.visible(r.Context(), u, id)
	}
	if err == nil {
		hist, err = problemHistory(r.Context(), m.d.DB, id)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return nil, nil, false
	}
	return p, hist, true
}
