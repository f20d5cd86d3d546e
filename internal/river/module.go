package river

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

// Module is 河长制 E 平台 on the platform: reaches and chiefs, problems from
// report to closure, water quality, patrols, the dashboard and the public side.
type Module struct {
	Workflow WorkflowConfig
	Patrols  PatrolConfig
	// Assess holds the assessment weights (data/assessment.json).
	Assess AssessmentConfig
	// PublicLimit public reports per client address within PublicWindow (举报频率限制).
	PublicLimit  int
	PublicWindow time.Duration
	// Now is the clock (tests move it).
	Now func() time.Time
	// JobInterval is how often serve runs the overdue job (default one minute).
	JobInterval time.Duration

	std    *Standard
	atlas  *Atlas
	d      *platform.Deps
	totals listTotals // the problem list's totals per filter (problemlist.go)
	// configErrs say which configuration files (TONGCHENG_RIVER_*) were not used
	// and why (configfiles.go)
	configErrs []string
}

// NewModule returns the module with the embedded GB 3838-2002 table and rivers atlas,
// and the configuration files named by TONGCHENG_RIVER_WORKFLOW, TONGCHENG_RIVER_PATROL
// and TONGCHENG_RIVER_ASSESSMENT in place of the built-in ones (configfiles.go).
func NewModule() *Module {
	st, err := DefaultStandard()
	if err != nil {
		panic("GB 3838-2002 标准限值无法载入：" + err.Error())
	}
	at, err := LoadAtlas()
	if err != nil {
		panic("河流参考数据无法载入：" + err.Error())
	}
	ac, err := LoadAssessmentConfig(assessmentJSON)
	if err != nil {
		panic("考核权重配置无法载入：" + err.Error())
	}
	m := &Module{Workflow: DefaultWorkflowConfig(), Patrols: DefaultPatrolConfig(), Assess: ac, PublicLimit: 5, PublicWindow: 10 * time.Minute,
		Now: time.Now, std: st, atlas: at}
	m.applyConfigFiles(os.Getenv)
	return m
}

func (m *Module) Key() string   { return "river" }
func (m *Module) Title() string { return "河长制" }

func (m *Module) Migrations() []store.Migrations {
	return []store.Migrations{store.Embedded("river", migrationFiles, "migrations")}
}

func (m *Module) funcs() template.FuncMap {
	return template.FuncMap{
		"levelName":    func(l Level) string { return l.String() },
		"noReachNote":  func() string { return noReachNote },
		"stateName":    func(s State) string { return s.String() },
		"actionName":   func(a ActionKind) string { return a.String() },
		"categoryName": func(c Category) string { return c.String() },
		"sourceName":   func(s Source) string { return s.String() },
		"className":    func(c Class) string { return c.String() },
		"cityName":     region.Name,
		"factName":     FactName,
		"joinNames":    func(names []string) string { return strings.Join(names, "、") },
		"overdue":      func(p *ProblemRow) bool { return Overdue(p.Problem, m.Now()) },
		// code is a coded value as the server reads it back (a form's option value):
		// {{.}} would print a Category or Source by its Chinese name.
		"code": func(v fmt.Stringer) string { return reflect.ValueOf(v).String() },
	}
}

// Mount registers templates, routes, navigation and OpenAPI paths.
func (m *Module) Mount(d *platform.Deps) {
	m.d = d
	for _, e := range m.configErrs {
		d.Log.Error("河长制配置文件未采用", "reason", e)
	}
	w := d.Web
	sub, _ := fs.Sub(templateFiles, "templates")
	w.Templates("river", sub, m.funcs())
	w.AddNav(web.NavItem{Module: "river", Title: "河长制", Path: "/river/"})
	for _, a := range Actions {
		if a != ActReturn { // 退回 is already named by the platform
			audit.NameAction(string(a), "问题"+a.String())
		}
	}

	w.Handle("GET /river/{$}", m.listPage)
	w.Handle("GET /river/report", m.reportPage)
	w.Handle("POST /river/problems", m.reportForm, web.MaxBody(photoBodyLimit))
	w.Handle("GET /river/problems/{id}", m.problemPage)
	w.Handle("POST /river/problems/{id}/transition", m.transitionForm)
	w.Handle("GET /river/dashboard", m.dashboardPage)
	w.Handle("GET /river/patrol", m.patrolPage)
	w.Handle("POST /river/patrols", m.patrolForm, web.MaxBody(photoBodyLimit))
	w.Handle("GET /river/public/{code}", m.publicPage, web.Public())
	w.Handle("POST /river/public/{code}", m.publicReport, web.Public(), web.MaxBody(publicPhotoBodyLimit))
	w.Handle("GET /river/public/track/{no}", m.trackPage, web.Public())
	w.Handle("GET /river/public/track", m.trackLookup, web.Public())

	w.Handle("GET /api/v1/river/problems", m.apiList)
	w.Handle("POST /api/v1/river/problems", m.apiReport)
	w.Handle("GET /api/v1/river/problems/{id}", m.apiGet)
	w.Handle("POST /api/v1/river/problems/{id}/transition", m.apiTransition)
	w.Handle("POST /api/v1/river/readings", m.apiReading, web.MaxBody(1<<20))
	w.Handle("GET /api/v1/river/dashboard", m.apiDashboard)
	w.OpenAPI(openAPIPaths())
	m.mountArchive()
	m.mountOps(w)
}

// ---- the operations shared by pages and API ----

// ReportInput is a problem report (上报) from a chief, an office, the API or the public.
type ReportInput struct {
	ReachID     int64   `json:"reach_id"`
	ReachCode   string  `json:"reach_code"`
	Source      string  `json:"source"`
	Category    string  `json:"category"`
	Severity    string  `json:"severity"`
	Description string  `json:"description"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	Phone       string  `json:"phone"` // reporter's phone, kept private

	uploads []Upload // 现场照片 checked by the form, stored with the problem
}

func actorOf(u *auth.User) Actor {
	if u == nil {
		return Actor{ID: "public", Name: "公众", Level: LevelCounty}
	}
	lvl := LevelCounty
	if r, ok := region.Get(u.Region); ok {
		switch r.Level {
		case region.Province:
			lvl = LevelProvince
		case region.City:
			lvl = LevelCity
		}
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	return Actor{ID: strconv.FormatInt(u.ID, 10), Name: name, Level: lvl, Region: u.Region}
}

// officeLevel is the level of the 河长办 that handles a problem on a reach owned by
// regions: a county's reach goes to the county office, a reach owned by a city (a
// stretch the city itself keeps, or one shared by two cities) to the city office, and
// a province's to the province. An overdue problem is escalated from there to the next
// level up (WorkflowConfig.Escalate), so a city's problem goes to the province, not to
// the city office already handling it.
func officeLevel(regions []string) Level {
	lvl := LevelCounty
	for _, c := range regions {
		r, ok := region.Get(c)
		if !ok {
			continue
		}
		switch r.Level {
		case region.Province:
			lvl = LevelProvince
		case region.City:
			lvl = min(lvl, LevelCity)
		}
	}
	return lvl
}

func canWriteProblem(u *auth.User, regions ...string) bool {
	for _, r := range regions {
		if r != "" && u.CanWrite(r) {
			return true
		}
	}
	return false
}

func randomSalt() string { return auth.RandomHex(4) }

func workflowHTTP(err error) error {
	var we *WorkflowError
	if errors.As(err, &we) {
		status := http.StatusBadRequest
		if we.Code == "not_allowed" || we.Code == "final" {
			status = http.StatusConflict
		}
		return &web.HTTPError{Status: status, Code: we.Code, Message: we.Msg, Field: workflowFields[we.Code]}
	}
	if errors.Is(err, ErrChanged) {
		return &web.HTTPError{Status: http.StatusConflict, Code: "changed", Message: ErrChanged.Error()}
	}
	return err
}

// Report stores a new problem on a reach; u is nil for a public report.
func (m *Module) Report(ctx context.Context, u *auth.User, in ReportInput) (row *ProblemRow, err error) {
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		row, err = m.reportIn(ctx, tx, u, in)
		return err
	})
	return row, err
}

// reportIn is Report inside the caller's transaction (a patrol stores the problems it
// found with itself).
func (m *Module) reportIn(ctx context.Context, db *store.Tx, u *auth.User, in ReportInput) (*ProblemRow, error) {
	var reach *Reach
	var err error
	switch {
	case in.ReachCode != "":
		reach, err = getReach(ctx, db, "code", in.ReachCode)
	case in.ReachID > 0:
		reach, err = getReach(ctx, db, "id", in.ReachID)
	default:
		return nil, &auth.FieldError{Field: "reach_id", Message: "请选择问题所在的河段"}
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &auth.FieldError{Field: "reach_id", Message: "找不到该河段，请检查河段编号"}
		}
		return nil, err
	}
	if u != nil && !canWriteProblem(u, reach.Region, reach.Region2) {
		return nil, auth.ErrScope
	}
	src := Source(in.Source)
	if u == nil {
		src = SourcePublic
	} else if src == "" {
		src = SourcePatrol
	}
	phone := strings.TrimSpace(in.Phone)
	if phone != "" && !validPhone(phone) {
		return nil, &auth.FieldError{Field: "phone", Message: "联系电话格式不正确，请填写 11 位手机号或带区号的固定电话"}
	}
	regions := []string{reach.Region}
	if reach.Region2 != "" {
		regions = append(regions, reach.Region2)
	}
	now := m.Now()
	p, h, err := NewProblem(Report{Source: src, Category: Category(in.Category), Severity: Severity(in.Severity), ReachID: strconv.FormatInt(reach.ID, 10),
		Regions: regions, Level: officeLevel(regions), Description: in.Description, Lat: in.Lat, Lon: in.Lon}, actorOf(u), now)
	if err != nil {
		return nil, workflowHTTP(err)
	}
	row := &ProblemRow{Problem: p, No: newTrackingNo(now, randomSalt()), RiverID: reach.RiverID, Region: reach.Region, City: region.CityOf(reach.Region),
		Region2: reach.Region2, City2: region.CityOf(reach.Region2), ReporterPhone: phone, ReachName: reach.Name, ReachCode: reach.Code}
	if err := insertProblem(ctx, db, row, h, false); err != nil {
		return nil, err
	}
	if _, err := savePhotos(ctx, db, u, row.RowID, row.Region, PhotoReport, in.uploads, now); err != nil {
		return nil, err
	}
	return row, audit.Log(ctx, db, audit.Entry{Action: "create", Module: "river", ObjectType: "problem", ObjectID: row.ID, Region: row.Region,
		Detail: fmt.Sprintf("上报问题 %s（%s，%s）", row.No, src, row.Category)})
}

func validPhone(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '-' || r == ' ' || r == '+':
		default:
			return false
		}
	}
	return n >= 7 && n <= 15
}

// TransitionInput is a request to move a problem on.
type TransitionInput struct {
	Action     string   `json:"action"`
	Reason     string   `json:"reason"`
	Note       string   `json:"note"`
	Unit       string   `json:"unit"`
	JointUnits []string `json:"joint_units"`
	Deadline   string   `json:"deadline"` // YYYY-MM-DD (end of that day, Asia/Shanghai) or RFC 3339
	Photos     []string `json:"photos"`

	uploads []Upload // 整改后照片 checked by the form, stored in the transition's transaction
}

// officeActions are the 河长办's; the others (签收, 申请延期, 处理反馈) are the responsible unit's.
var officeActions = map[ActionKind]bool{ActAccept: true, ActReject: true, ActAssign: true, ActApproveExtend: true, ActDenyExtend: true,
	ActPassCheck: true, ActReturn: true, ActClose: true}

func parseDeadline(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, shanghai); err == nil {
		return t.Add(24*time.Hour - time.Second).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, &auth.FieldError{Field: "deadline", Message: "期限格式不正确，请填写 YYYY-MM-DD 格式的日期"}
}

// Transition applies an action to a problem in one transaction with its history and audit entries.
func (m *Module) Transition(ctx context.Context, u *auth.User, id int64, in TransitionInput) (*ProblemRow, error) {
	kind := ActionKind(in.Action)
	if _, ok := actionNames[kind]; !ok {
		return nil, &auth.FieldError{Field: "action", Message: fmt.Sprintf("操作“%s”未知", in.Action)}
	}
	if officeActions[kind] {
		if !u.HasAny("river", auth.RiverOffice, auth.Admin) {
			return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以" + kind.String()}
		}
	} else if !u.HasAny("river", auth.RiverOffice, auth.Chief, auth.Admin) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "您没有" + kind.String() + "的权限"}
	}
	dl, err := parseDeadline(in.Deadline)
	if err != nil {
		return nil, err
	}
	var out *ProblemRow
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := getProblem(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canWriteProblem(u, p.Region, p.Region2) {
			return auth.ErrScope
		}
		from := p.State
		if kind == ActFeedback {
			if err := checkAfterPhotos(ctx, tx, p.RowID, in.Photos); err != nil {
				return err
			}
		}
		if len(in.uploads) > 0 {
			ids, err := savePhotos(ctx, tx, u, p.RowID, p.Region, PhotoAfter, in.uploads, m.Now())
			if err != nil {
				return err
			}
			in.Photos = append(in.Photos, ids...)
		}
		np, h, err := m.Workflow.Transition(p.Problem, Action{Kind: kind, Reason: in.Reason, Note: in.Note, Unit: in.Unit, JointUnits: in.JointUnits,
			Deadline: dl, Photos: in.Photos}, actorOf(u), m.Now())
		if err != nil {
			return workflowHTTP(err)
		}
		if err := saveTransition(ctx, tx, np, from, h, m.Now()); err != nil {
			return workflowHTTP(err)
		}
		detail := fmt.Sprintf("%s：%s → %s", kind, from, np.State)
		if r := strings.TrimSpace(in.Reason); r != "" {
			detail += "；理由：" + r
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: string(kind), Module: "river", ObjectType: "problem", ObjectID: p.ID, Region: p.Region, Detail: detail}); err != nil {
			return err
		}
		p.Problem = np
		out = p
		return nil
	})
	return out, err
}

// ReadingInput is one water-quality reading of a section (水质监测数据).
type ReadingInput struct {
	SectionID string             `json:"section_id"`
	SampledAt string             `json:"sampled_at"` // RFC 3339 or "YYYY-MM-DD HH:MM" Asia/Shanghai
	Values    map[string]float64 `json:"values"`     // parameter code or Chinese name → value
	Units     map[string]string  `json:"units"`      // optional: each value's unit, checked against GB 3838
}

// ReadingResult is a stored reading's class and the warning problem it opened, if any.
type ReadingResult struct {
	SectionID string   `json:"section_id"`
	Class     Class    `json:"class"`
	ClassName string   `json:"class_name"`
	Worst     []string `json:"worst"`
	Target    string   `json:"target"`
	Stored    bool     `json:"stored"` // false: the same reading was already stored
	ProblemID int64    `json:"problem_id,omitempty"`
	ProblemNo string   `json:"problem_no,omitempty"`
	Note      string   `json:"note,omitempty"` // why a reading worse than the target opened no warning
}

// sampledLayouts are the forms of a sampling time, read in Asia/Shanghai unless the time
// names its offset (RFC 3339). No text matches two of them, so the order of trying them
// does not change the time read.
var sampledLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

func parseSampled(s string) (time.Time, error) { return parseSampledLike(s, nil) }

// parseSampledLike is parseSampled trying first the form that read the previous time of
// the same file (*last, updated), as a file writes all its times one way.
func parseSampledLike(s string, last *int) (time.Time, error) {
	s = strings.TrimSpace(s)
	if last != nil {
		if t, err := time.ParseInLocation(sampledLayouts[*last], s, shanghai); err == nil {
			return t.UTC(), nil
		}
	}
	for i, l := range sampledLayouts {
		if t, err := time.ParseInLocation(l, s, shanghai); err == nil {
			if last != nil {
				*last = i
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, &auth.FieldError{Field: "sampled_at", Message: "采样时间格式不正确，请填写“2006-01-02 15:04”格式"}
}

// checkReading validates every value against GB 3838-2002 and names the parameter at fault.
func (m *Module) checkReading(in ReadingInput, body WaterBody) (Sample, error) {
	keys := make([]string, 0, len(in.Values))
	for k := range in.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return m.checkValues(in.Values, in.Units, keys, body)
}

// checkValues is checkReading with the parameters' names given in sorted order (those
// without a value are passed over): the first at fault in that order is named.
func (m *Module) checkValues(values map[string]float64, units map[string]string, keys []string, body WaterBody) (Sample, error) {
	if len(values) == 0 {
		return Sample{}, &auth.FieldError{Field: "values", Message: "监测数据没有任何项目，请至少填写一项"}
	}
	for _, k := range keys {
		v, ok := values[k]
		if !ok {
			continue
		}
		p := m.std.Param(k)
		if p == nil {
			return Sample{}, &auth.FieldError{Field: k, Message: fmt.Sprintf("监测项目“%s”不在GB 3838-2002表1基本项目中，请检查项目名称", k)}
		}
		if u, ok := units[k]; ok && !sameUnit(u, p.Unit) {
			return Sample{}, &auth.FieldError{Field: k, Message: fmt.Sprintf("%s的单位“%s”不对，GB 3838-2002 以 %s 计，请换算后再提交", p.Name, u, p.Unit)}
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Sample{}, &auth.FieldError{Field: k, Message: p.Name + "的数值无效，请填写数字"}
		}
		if v < 0 && p.Code != "WT" {
			return Sample{}, &auth.FieldError{Field: k, Message: fmt.Sprintf("%s的浓度%v为负数，浓度不能为负，请检查数据", p.Name, v)}
		}
		if _, err := p.ClassOf(v, body); err != nil {
			return Sample{}, &auth.FieldError{Field: k, Message: err.Error()}
		}
	}
	return Sample{Body: body, Values: values}, nil
}

func sameUnit(a, b string) bool {
	n := func(s string) string { return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "")) }
	return n(a) == n(b)
}

// AddReading classes a reading, stores it and, when it is worse than the
// section's target and no warning of the section is open, opens one 监测预警 problem.
func (m *Module) AddReading(ctx context.Context, u *auth.User, in ReadingInput) (*ReadingResult, error) {
	sec, err := getSection(ctx, m.d.DB, strings.TrimSpace(in.SectionID))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &auth.FieldError{Field: "section_id", Message: fmt.Sprintf("断面“%s”不存在，请检查断面编号", in.SectionID)}
		}
		return nil, err
	}
	if u != nil && !u.CanWrite(sec.Region) && !u.CanWrite(region.CityOf(sec.Region)) {
		return nil, auth.ErrScope
	}
	at, err := parseSampled(in.SampledAt)
	if err != nil {
		return nil, err
	}
	sm, err := m.checkReading(in, sec.Body)
	if err != nil {
		return nil, err
	}
	res, err := m.std.Classify(sm, Options{})
	if err != nil {
		return nil, &auth.FieldError{Field: "values", Message: err.Error()}
	}
	vals, _ := json.Marshal(in.Values)
	out := &ReadingResult{SectionID: sec.ID, Class: res.Class, ClassName: res.Class.String(), Worst: res.Worst, Target: sec.Target.String()}
	now := m.Now()
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		stored, err := insertReading(ctx, tx, sec, at, string(vals), res, now, false)
		if err != nil || !stored {
			return err
		}
		out.Stored = true
		if sec.Target != 0 && res.Class > sec.Target && sec.ReachID == 0 {
			out.Note = "断面" + noReachNote
		}
		p, err := m.openWarning(ctx, tx, sec, res, now)
		if err != nil || p == nil {
			return err
		}
		out.ProblemID, out.ProblemNo = p.RowID, p.No
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "river", ObjectType: "problem", ObjectID: p.ID, Region: p.Region,
			Detail: "监测预警：" + p.Description})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// openWarning opens the 监测预警 problem of a reading if the engine says so.
func (m *Module) openWarning(ctx context.Context, q store.Querier, sec *SectionRow, res Result, now time.Time) (*ProblemRow, error) {
	if sec.Target == 0 || res.Class <= sec.Target || sec.ReachID == 0 {
		return nil, nil
	}
	open, err := hasOpenWarning(ctx, q, sec.ID)
	if err != nil {
		return nil, err
	}
	reach, err := getReach(ctx, q, "id", sec.ReachID)
	if err != nil {
		return nil, err
	}
	regions := []string{reach.Region}
	if reach.Region2 != "" {
		regions = append(regions, reach.Region2)
	}
	rep, ok := MonitoringWarning(m.std, SectionRef{ID: sec.ID, Name: sec.Name, ReachID: strconv.FormatInt(reach.ID, 10), Regions: regions,
		Level: officeLevel(regions), Target: sec.Target}, sec.Body, res, open)
	if !ok {
		return nil, nil
	}
	p, h, err := NewProblem(rep, Actor{ID: "monitoring", Name: "水质自动监测"}, now)
	if err != nil {
		return nil, err
	}
	row := &ProblemRow{Problem: p, No: newTrackingNo(now, randomSalt()), RiverID: reach.RiverID, Region: reach.Region, City: region.CityOf(reach.Region),
		Region2: reach.Region2, City2: region.CityOf(reach.Region2)}
	if err := insertProblem(ctx, q, row, h, false); err != nil {
		return nil, err
	}
	return row, nil
}

// ---- reference data and set-up used by demo, import and tests ----

// AddChief stores a chief (河长).
func (m *Module) AddChief(ctx context.Context, c *ChiefRow) error {
	if !region.Valid(c.Region) {
		return &auth.FieldError{Field: "region", Message: "河长所属行政区划代码无效"}
	}
	return insertChief(ctx, m.d.DB, c, false)
}

// AddReach stores a reach (河段); its river must exist (see SeedAtlas).
func (m *Module) AddReach(ctx context.Context, r *Reach) error {
	if !region.Valid(r.Region) || (r.Region2 != "" && !region.Valid(r.Region2)) {
		return &auth.FieldError{Field: "region", Message: "河段所属行政区划代码无效"}
	}
	return insertReach(ctx, m.d.DB, r, false)
}

// AddSection stores a section (断面) with its target class and responsible reach.
func (m *Module) AddSection(ctx context.Context, s *SectionRow) error {
	return upsertSection(ctx, m.d.DB, s, false)
}

// SeedAtlas stores the reference rivers, one reach per river and city
// (code "<river>-<city>"), and the sections with a target class on the reach
// of their city. It changes nothing when run again.
func (m *Module) SeedAtlas(ctx context.Context, db *store.DB) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM river_reaches WHERE code LIKE '%-5%'").Scan(&n); err != nil || n > 0 {
			return err
		}
		reachOf := map[string]int64{} // river|city → reach
		for _, r := range m.atlas.Rivers {
			cities := r.Cities()
			owner := region.ProvinceCode
			if len(cities) == 1 {
				owner = cities[0]
			}
			if err := upsertRiver(ctx, tx, r, owner, false); err != nil {
				return err
			}
			for _, c := range cities {
				re := &Reach{Code: r.ID + "-" + c, RiverID: r.ID, Name: r.Name + region.Name(c) + "段", Region: c,
					Duties: "负责本河段巡河、问题发现与督促整改，组织清四乱和水污染防治", Phone: "12345"}
				if err := insertReach(ctx, tx, re, false); err != nil {
					return err
				}
				reachOf[r.ID+"|"+c] = re.ID
			}
		}
		for _, s := range m.atlas.Sections {
			city := region.CityOf(s.Region)
			if city == "" && s.From != nil {
				city = region.CityOf(s.From.Code)
			}
			reach := reachOf[s.River+"|"+city]
			if reach == 0 {
				if r := m.atlas.River(s.River); r != nil && len(r.Cities()) > 0 {
					city = r.Cities()[0]
					reach = reachOf[s.River+"|"+city]
				}
			}
			if city == "" {
				continue
			}
			reg := s.Region
			if reg == "" {
				reg = city
			}
			body := River
			if r := m.atlas.River(s.River); r != nil {
				body = r.Kind.Body()
			}
			if err := upsertSection(ctx, tx, &SectionRow{ID: s.ID, Name: s.Name, RiverID: s.River, ReachID: reach, Kind: string(s.Kind), Body: body,
				Target: s.Target, Region: reg}, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// HomeCards gives the 驾驶舱 figures in the user's region: registered chiefs,
// problems found and closed, the closing rate and the overdue problems.
func (m *Module) HomeCards(ctx context.Context, u *auth.User) ([]platform.Card, error) {
	db := m.d.DB
	var chiefs int64
	p := scopePrefix(u.Region) + "%"
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM river_chiefs WHERE region LIKE ? AND retired_at = ''", p).Scan(&chiefs); err != nil {
		return nil, err
	}
	f := ProblemFilter{Scope: u.Region, Now: m.Now()}
	found, err := countProblems(ctx, db, f)
	if err != nil {
		return nil, err
	}
	f.Closed = true
	closed, err := countProblems(ctx, db, f)
	if err != nil {
		return nil, err
	}
	f.Closed, f.Overdue = false, true
	overdue, err := countProblems(ctx, db, f)
	if err != nil {
		return nil, err
	}
	where := region.FullName(u.Region)
	return []platform.Card{
		{Label: "注册河长", Value: strconv.FormatInt(chiefs, 10), Note: where + "各级河长", Link: "/river/dashboard"},
		{Label: "发现问题", Value: strconv.FormatInt(found, 10), Note: where, Link: "/river/"},
		{Label: "办结问题", Value: strconv.FormatInt(closed, 10), Note: "办结率 " + rate(closed, found), Link: "/river/?state=closed"},
		{Label: "超期问题", Value: strconv.FormatInt(overdue, 10), Note: "已过办理期限仍未反馈", Link: "/river/?overdue=1"},
	}, nil
}

func rate(a, b int64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(a)*100/float64(b))
}
