package river

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tongcheng/internal/region"
)

// Level is a river-chief level (河长层级): 省, 市, 县, 乡, 村. Lower numbers
// are higher levels; the zero value is "unknown".
type Level int

const (
	LevelProvince Level = 1 // 省级
	LevelCity     Level = 2 // 市级
	LevelCounty   Level = 3 // 县级
	LevelTownship Level = 4 // 乡级
	LevelVillage  Level = 5 // 村级 (optional level)
)

// Levels lists the five levels from the top.
var Levels = []Level{LevelProvince, LevelCity, LevelCounty, LevelTownship, LevelVillage}

func (l Level) String() string {
	switch l {
	case LevelProvince:
		return "省级"
	case LevelCity:
		return "市级"
	case LevelCounty:
		return "县级"
	case LevelTownship:
		return "乡级"
	case LevelVillage:
		return "村级"
	}
	return "未知层级"
}

// Up returns the next level up (村 → 乡 → 县 → 市 → 省); 省 stays 省.
func (l Level) Up() Level {
	if l <= LevelProvince {
		return LevelProvince
	}
	return l - 1
}

// Source is where a problem came from (问题来源).
type Source string

const (
	SourcePatrol     Source = "patrol"     // 巡河
	SourcePublic     Source = "public"     // 公众举报
	SourceMonitoring Source = "monitoring" // 监测预警
	SourceInspection Source = "inspection" // 督查暗访
	SourceTransfer   Source = "transfer"   // 部门移交
)

// Sources lists every source in display order.
var Sources = []Source{SourcePatrol, SourcePublic, SourceMonitoring, SourceInspection, SourceTransfer}

var sourceNames = map[Source]string{SourcePatrol: "巡河", SourcePublic: "公众举报", SourceMonitoring: "监测预警", SourceInspection: "督查暗访", SourceTransfer: "部门移交"}

func (s Source) String() string { return nameOr(sourceNames[s], string(s)) }

// Valid reports whether s is a known source.
func (s Source) Valid() bool { _, ok := sourceNames[s]; return ok }

// Category is the kind of problem (问题类别).
type Category string

const (
	CategoryOccupy    Category = "occupy"    // 乱占
	CategoryMining    Category = "mining"    // 乱采
	CategoryDumping   Category = "dumping"   // 乱堆
	CategoryBuilding  Category = "building"  // 乱建
	CategorySewage    Category = "sewage"    // 排污
	CategoryQuality   Category = "quality"   // 水质异常
	CategoryGarbage   Category = "garbage"   // 垃圾
	CategoryShoreline Category = "shoreline" // 岸线
	CategoryOther     Category = "other"     // 其他
)

// Categories lists every category in display order.
var Categories = []Category{CategoryOccupy, CategoryMining, CategoryDumping, CategoryBuilding, CategorySewage, CategoryQuality, CategoryGarbage, CategoryShoreline, CategoryOther}

var categoryNames = map[Category]string{CategoryOccupy: "乱占", CategoryMining: "乱采", CategoryDumping: "乱堆", CategoryBuilding: "乱建", CategorySewage: "排污", CategoryQuality: "水质异常", CategoryGarbage: "垃圾", CategoryShoreline: "岸线", CategoryOther: "其他"}

func (c Category) String() string { return nameOr(categoryNames[c], string(c)) }

// Valid reports whether c is a known category.
func (c Category) Valid() bool { _, ok := categoryNames[c]; return ok }

// Severity (严重程度) sets the handling deadline at 交办.
type Severity string

const (
	SeverityGeneral Severity = "general" // 一般
	SeveritySerious Severity = "serious" // 较重
	SeverityMajor   Severity = "major"   // 重大
	SeverityUrgent  Severity = "urgent"  // 紧急
)

var severityNames = map[Severity]string{SeverityGeneral: "一般", SeveritySerious: "较重", SeverityMajor: "重大", SeverityUrgent: "紧急"}

func (s Severity) String() string { return nameOr(severityNames[s], string(s)) }

// Severities are the 严重程度, lightest first.
var Severities = []Severity{SeverityGeneral, SeveritySerious, SeverityMajor, SeverityUrgent}

// State is a problem's workflow state (问题状态).
type State string

const (
	StateReported  State = "reported"  // 已上报 (待受理)
	StateRejected  State = "rejected"  // 不予受理 (final)
	StateAccepted  State = "accepted"  // 已受理 (立案, 待交办)
	StateAssigned  State = "assigned"  // 已交办 (待签收)
	StateHandling  State = "handling"  // 处理中
	StateExtension State = "extension" // 延期审核中
	StateFeedback  State = "feedback"  // 已反馈 (待核查)
	StateVerified  State = "verified"  // 核查通过 (待办结)
	StateClosed    State = "closed"    // 已办结 (销号, final)
)

// States lists every state in workflow order.
var States = []State{StateReported, StateRejected, StateAccepted, StateAssigned, StateHandling, StateExtension, StateFeedback, StateVerified, StateClosed}

var stateNames = map[State]string{StateReported: "已上报", StateRejected: "不予受理", StateAccepted: "已受理", StateAssigned: "已交办", StateHandling: "处理中", StateExtension: "延期审核中", StateFeedback: "已反馈待核查", StateVerified: "核查通过", StateClosed: "已办结销号"}

func (s State) String() string { return nameOr(stateNames[s], string(s)) }

// Final reports whether no action is possible any more.
func (s State) Final() bool { return s == StateRejected || s == StateClosed }

// Open reports whether the responsible unit owes work against the deadline
// (交办 after, feedback not yet given): the states where a problem can be overdue.
func (s State) Open() bool { return s == StateAssigned || s == StateHandling || s == StateExtension }

// ActionKind is what a user does to a problem.
type ActionKind string

const (
	ActAccept        ActionKind = "accept"         // 受理
	ActReject        ActionKind = "reject"         // 不予受理 (reason required)
	ActAssign        ActionKind = "assign"         // 交办 (unit required; deadline from severity)
	ActReceive       ActionKind = "receive"        // 签收 (the unit starts handling)
	ActRequestExtend ActionKind = "request_extend" // 申请延期 (reason and new deadline required)
	ActApproveExtend ActionKind = "approve_extend" // 批准延期
	ActDenyExtend    ActionKind = "deny_extend"    // 驳回延期 (reason required)
	ActFeedback      ActionKind = "feedback"       // 处理反馈 (after-photos required)
	ActPassCheck     ActionKind = "pass_check"     // 核查通过
	ActReturn        ActionKind = "return"         // 退回重办 (reason required)
	ActClose         ActionKind = "close"          // 办结销号
)

// Actions lists every action kind.
var Actions = []ActionKind{ActAccept, ActReject, ActAssign, ActReceive, ActRequestExtend, ActApproveExtend, ActDenyExtend, ActFeedback, ActPassCheck, ActReturn, ActClose}

var actionNames = map[ActionKind]string{ActAccept: "受理", ActReject: "不予受理", ActAssign: "交办", ActReceive: "签收", ActRequestExtend: "申请延期", ActApproveExtend: "批准延期", ActDenyExtend: "驳回延期", ActFeedback: "处理反馈", ActPassCheck: "核查通过", ActReturn: "退回重办", ActClose: "办结销号"}

func (a ActionKind) String() string { return nameOr(actionNames[a], string(a)) }

// transitions is the state machine: from state → action → to state.
var transitions = map[State]map[ActionKind]State{
	StateReported:  {ActAccept: StateAccepted, ActReject: StateRejected},
	StateAccepted:  {ActAssign: StateAssigned},
	StateAssigned:  {ActReceive: StateHandling},
	StateHandling:  {ActRequestExtend: StateExtension, ActFeedback: StateFeedback},
	StateExtension: {ActApproveExtend: StateHandling, ActDenyExtend: StateHandling},
	StateFeedback:  {ActPassCheck: StateVerified, ActReturn: StateHandling},
	StateVerified:  {ActClose: StateClosed},
}

// Next returns the state the action leads to from s, and false when the
// action is not allowed from s.
func Next(s State, a ActionKind) (State, bool) {
	to, ok := transitions[s][a]
	return to, ok
}

// Problem is a water-environment problem (问题) on a reach. The store keeps
// it; Transition only computes the next value.
type Problem struct {
	ID       string
	Source   Source
	Category Category
	Severity Severity
	ReachID  string   // 河段
	Regions  []string // owning regions (GB/T 2260); two for a reach shared by two cities (联合交办)
	State    State

	Unit       string   // responsible unit (责任单位)
	JointUnits []string // co-responsible units of a joint assignment
	Deadline   time.Time
	// RequestedDeadline is the new deadline asked for while StateExtension.
	RequestedDeadline time.Time
	// Level is the level of the 河长办 handling the problem; Supervisor is the
	// level supervising it after escalation (督办), 0 when not escalated.
	Level      Level
	Supervisor Level

	Description string   // 问题描述
	Photos      []string // 现场照片 at report
	Lat, Lon    float64  // location (WGS-84); both 0 when not given
	SectionID   string   // 监测预警: the section whose reading opened the problem

	ReportedAt, AssignedAt, FeedbackAt, CheckedAt, ClosedAt time.Time

	AfterPhotos []string // 整改后照片 of the last feedback
	Returns     int      // times 退回重办
}

// Action is a request to move a problem on, with what the step needs.
type Action struct {
	Kind       ActionKind
	Reason     string    // 理由: required for 不予受理, 申请延期, 驳回延期, 退回重办
	Note       string    // 说明 (optional)
	Unit       string    // 交办: responsible unit
	JointUnits []string  // 交办: co-responsible units (cross-city reach)
	Deadline   time.Time // 交办: explicit deadline (zero = from severity); 申请延期: the new deadline; 退回重办: optional new deadline
	Photos     []string  // 处理反馈: after-photos (stored photo ids)
}

// Actor is who acts.
type Actor struct {
	ID     string
	Name   string
	Level  Level
	Region string
}

// HistoryEntry records a transition (流转记录): who, when, what and why.
type HistoryEntry struct {
	ProblemID string
	At        time.Time
	ActorID   string
	ActorName string
	Action    ActionKind
	From, To  State
	Reason    string
	Note      string
}

// WorkflowError is a refusal with a stable code for the API and a Chinese message.
type WorkflowError struct {
	Code string // not_allowed, final, reason_required, unit_required, deadline_required, deadline_past, deadline_not_later, photos_required, bad_severity
	Msg  string
}

func (e *WorkflowError) Error() string { return e.Msg }

func wfErr(code, format string, args ...any) error {
	return &WorkflowError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// WorkflowConfig holds the configurable parts of the workflow.
type WorkflowConfig struct {
	// DeadlineDays is the handling time per severity, counted from 交办.
	DeadlineDays map[Severity]int
	// EscalateEvery: an overdue problem goes one level up at once, and one
	// more level for each further EscalateEvery overdue.
	EscalateEvery time.Duration
}

// DefaultWorkflowConfig is the configuration file data/workflow.json: 一般 15
// days, 较重 7, 重大 3, 紧急 1; escalate one more level per 7 days overdue.
// These are product defaults (not from a rule); each 河长办 changes the file.
func DefaultWorkflowConfig() WorkflowConfig {
	cfg, err := LoadWorkflowConfig(workflowJSON)
	if err != nil {
		panic(err.Error())
	}
	return cfg
}

//go:embed data/workflow.json
var workflowJSON []byte

// LoadWorkflowConfig reads the handling deadlines and the escalation interval
// of a configuration file: {"deadline_days": {"一般": 15, …}, "escalate_every_days": 7},
// each severity by its Chinese name (一般、较重、重大、紧急, all four given) with a
// whole number of days from 1 to 365, and the interval a whole number of days from
// 1 to 365. A refused file names the field and what to write.
func LoadWorkflowConfig(b []byte) (WorkflowConfig, error) {
	var f struct {
		DeadlineDays map[string]json.RawMessage `json:"deadline_days"`
		EscalateDays *json.RawMessage           `json:"escalate_every_days"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return WorkflowConfig{}, fmt.Errorf("办理期限配置无法读取：%w", err)
	}
	byName := map[string]Severity{}
	for s, n := range severityNames {
		byName[n] = s
	}
	days := func(field string, raw json.RawMessage) (int, error) {
		var n int
		if err := json.Unmarshal(raw, &n); err != nil || n < 1 || n > 365 {
			return 0, fmt.Errorf("办理期限配置中 %s“%s”不正确，应为 1 到 365 之间的整数天数", field, strings.TrimSpace(string(raw)))
		}
		return n, nil
	}
	cfg := WorkflowConfig{DeadlineDays: map[Severity]int{}}
	for name, raw := range f.DeadlineDays {
		s, ok := byName[name]
		if !ok {
			return WorkflowConfig{}, fmt.Errorf("办理期限配置 deadline_days 中的严重程度“%s”未知，应为一般、较重、重大、紧急之一", name)
		}
		n, err := days("deadline_days 的“"+name+"”天数", raw)
		if err != nil {
			return WorkflowConfig{}, err
		}
		cfg.DeadlineDays[s] = n
	}
	for _, s := range Severities {
		if _, ok := cfg.DeadlineDays[s]; !ok {
			return WorkflowConfig{}, fmt.Errorf("办理期限配置 deadline_days 缺少“%s”问题的期限天数", s)
		}
	}
	if f.EscalateDays == nil {
		return WorkflowConfig{}, fmt.Errorf("办理期限配置缺少 escalate_every_days（超期后每隔多少天再升级一级）")
	}
	n, err := days("escalate_every_days 的天数", *f.EscalateDays)
	if err != nil {
		return WorkflowConfig{}, err
	}
	cfg.EscalateEvery = time.Duration(n) * 24 * time.Hour
	return cfg, nil
}

// defaultDeadlineReason is what the history of an assignment says when the
// deadline came from the severity's configured days.
func defaultDeadlineReason(s Severity, days int) string {
	return fmt.Sprintf("交办时未填期限，按严重程度“%s”的办理期限计：交办后%d天", s, days)
}

// EscalateDays is the escalation interval in whole days.
func (cfg WorkflowConfig) EscalateDays() int { return int(cfg.EscalateEvery / (24 * time.Hour)) }

// Transition applies the action with the default configuration.
func Transition(p Problem, a Action, actor Actor, now time.Time) (Problem, HistoryEntry, error) {
	return DefaultWorkflowConfig().Transition(p, a, actor, now)
}

// Transition checks that the action is allowed from the problem's state and
// carries what it needs, and returns the new problem and its history entry.
// On error the problem is returned unchanged.
func (cfg WorkflowConfig) Transition(p Problem, a Action, actor Actor, now time.Time) (Problem, HistoryEntry, error) {
	orig := p
	fail := func(err error) (Problem, HistoryEntry, error) { return orig, HistoryEntry{}, err }
	if p.State.Final() {
		return fail(wfErr("final", "问题已处于“%s”状态，不能再“%s”", p.State, a.Kind))
	}
	to, ok := Next(p.State, a.Kind)
	if !ok {
		if a.Kind == ActClose {
			return fail(wfErr("not_allowed", "问题当前为“%s”，未经核查通过不能办结销号", p.State))
		}
		return fail(wfErr("not_allowed", "问题当前为“%s”，不能执行“%s”", p.State, a.Kind))
	}
	reason := strings.TrimSpace(a.Reason)
	switch a.Kind {
	case ActReject, ActRequestExtend, ActDenyExtend, ActReturn:
		if reason == "" {
			return fail(wfErr("reason_required", "“%s”必须填写理由", a.Kind))
		}
	}
	// Copy slices so the caller's problem is never aliased.
	p.Regions = append([]string(nil), p.Regions...)
	p.AfterPhotos = append([]string(nil), p.AfterPhotos...)
	switch a.Kind {
	case ActAssign:
		unit := strings.TrimSpace(a.Unit)
		if unit == "" {
			return fail(wfErr("unit_required", "交办必须指定责任单位"))
		}
		dl := a.Deadline
		if !dl.IsZero() && reason == "" {
			reason = "交办时指定的办理期限"
		}
		if dl.IsZero() {
			days, ok := cfg.DeadlineDays[p.Severity]
			if !ok || days <= 0 {
				return fail(wfErr("bad_severity", "问题的严重程度“%s”未配置办理期限，请先设置严重程度", p.Severity))
			}
			dl = now.AddDate(0, 0, days)
			// the history says why the deadline is what it is
			if reason == "" {
				reason = defaultDeadlineReason(p.Severity, days)
			}
		}
		if !dl.After(now) {
			return fail(wfErr("deadline_past", "办理期限%s已过，请设置晚于当前时间的期限", fmtTime(dl)))
		}
		p.Unit, p.Deadline, p.AssignedAt = unit, dl, now
		p.JointUnits = nil
		for _, u := range a.JointUnits {
			if u = strings.TrimSpace(u); u != "" && u != unit {
				p.JointUnits = append(p.JointUnits, u)
			}
		}
	case ActRequestExtend:
		if a.Deadline.IsZero() {
			return fail(wfErr("deadline_required", "申请延期必须填写新的办理期限"))
		}
		if !a.Deadline.After(now) {
			return fail(wfErr("deadline_past", "申请的期限%s已过，请设置晚于当前时间的期限", fmtTime(a.Deadline)))
		}
		if !a.Deadline.After(p.Deadline) {
			return fail(wfErr("deadline_not_later", "申请的期限%s不晚于原期限%s，无需延期", fmtTime(a.Deadline), fmtTime(p.Deadline)))
		}
		p.RequestedDeadline = a.Deadline
	case ActApproveExtend:
		if p.RequestedDeadline.IsZero() {
			return fail(wfErr("deadline_required", "延期申请没有新的办理期限，请驳回后重新申请"))
		}
		if !p.RequestedDeadline.After(now) {
			return fail(wfErr("deadline_past", "申请的期限%s已过，不能批准，请驳回后重新申请", fmtTime(p.RequestedDeadline)))
		}
		p.Deadline, p.RequestedDeadline = p.RequestedDeadline, time.Time{}
	case ActDenyExtend:
		p.RequestedDeadline = time.Time{}
	case ActFeedback:
		var photos []string
		for _, ph := range a.Photos {
			if ph = strings.TrimSpace(ph); ph != "" {
				photos = append(photos, ph)
			}
		}
		if len(photos) == 0 {
			return fail(wfErr("photos_required", "处理反馈必须上传整改后的照片"))
		}
		p.AfterPhotos, p.FeedbackAt = photos, now
	case ActPassCheck:
		p.CheckedAt = now
	case ActReturn:
		if !a.Deadline.IsZero() {
			if !a.Deadline.After(now) {
				return fail(wfErr("deadline_past", "重办期限%s已过，请设置晚于当前时间的期限", fmtTime(a.Deadline)))
			}
			p.Deadline = a.Deadline
		}
		p.Returns++
		p.FeedbackAt = time.Time{}
	case ActClose:
		if p.CheckedAt.IsZero() {
			return fail(wfErr("not_allowed", "问题未经核查，不能办结销号"))
		}
		p.ClosedAt = now
	}
	from := p.State
	p.State = to
	h := HistoryEntry{ProblemID: p.ID, At: now, ActorID: actor.ID, ActorName: actor.Name, Action: a.Kind, From: from, To: to, Reason: reason, Note: strings.TrimSpace(a.Note)}
	return p, h, nil
}

// Overdue reports whether the problem is past its deadline at now while the
// unit still owes the work (已交办, 处理中, 延期审核中). A pending extension
// does not stop the clock.
func Overdue(p Problem, now time.Time) bool {
	return p.State.Open() && !p.Deadline.IsZero() && now.After(p.Deadline)
}

// ClosedOnTime reports whether the problem was closed and its (last accepted)
// feedback came no later than its deadline.
func ClosedOnTime(p Problem) bool {
	return p.State == StateClosed && !p.FeedbackAt.IsZero() && !p.FeedbackAt.After(p.Deadline)
}

// EscalationLevel is the level that should supervise an overdue problem at
// now: one level above p.Level as soon as it is overdue, one more per
// cfg.EscalateEvery further, never above 省级. It returns 0 when not overdue.
func (cfg WorkflowConfig) EscalationLevel(p Problem, now time.Time) Level {
	if !Overdue(p, now) || p.Level == 0 {
		return 0
	}
	steps := 1
	if cfg.EscalateEvery > 0 {
		steps += int(now.Sub(p.Deadline) / cfg.EscalateEvery)
	}
	l := p.Level
	for i := 0; i < steps; i++ {
		l = l.Up()
	}
	return l
}

// Escalate raises the supervising level of an overdue problem (超期升级督办).
// It returns the problem, the history entry and true when the supervisor
// changed; calling it again with the same now changes nothing.
func (cfg WorkflowConfig) Escalate(p Problem, now time.Time) (Problem, HistoryEntry, bool) {
	l := cfg.EscalationLevel(p, now)
	if l == 0 || (p.Supervisor != 0 && p.Supervisor <= l) || l == p.Level {
		return p, HistoryEntry{}, false
	}
	old := p.Supervisor
	p.Supervisor = l
	h := HistoryEntry{ProblemID: p.ID, At: now, ActorID: "system", ActorName: "系统", Action: "escalate", From: p.State, To: p.State,
		Reason: fmt.Sprintf("超过办理期限%s未反馈，升级由%s河长办督办", fmtTime(p.Deadline), l)}
	if old != 0 {
		h.Note = fmt.Sprintf("原督办层级：%s", old)
	}
	return p, h, true
}

func fmtTime(t time.Time) string {
	return t.In(shanghai).Format("2006-01-02 15:04")
}

// shanghai is Asia/Shanghai (UTC+8, no daylight saving since 1991), fixed so
// the engine needs no time-zone database.
var shanghai = time.FixedZone("CST", 8*3600)

func nameOr(name, fallback string) string {
	if name != "" {
		return name
	}
	return fallback
}

// Report is what a reporter (河长, 公众, 系统) gives to open a problem (上报).
type Report struct {
	ID          string
	Source      Source
	Category    Category
	Severity    Severity // empty = 一般
	ReachID     string
	Regions     []string // GB/T 2260 codes owning the reach (two for a shared reach)
	Level       Level    // level of the 河长办 that receives it
	Description string
	Photos      []string
	Lat, Lon    float64
	SectionID   string
}

// NewProblem checks a report and returns the problem in state 已上报 with
// its first history entry. Nothing is returned half-filled: on error the
// problem is the zero value.
func NewProblem(r Report, actor Actor, now time.Time) (Problem, HistoryEntry, error) {
	fail := func(code, format string, args ...any) (Problem, HistoryEntry, error) {
		return Problem{}, HistoryEntry{}, wfErr(code, format, args...)
	}
	if !r.Source.Valid() {
		return fail("bad_source", "问题来源“%s”未知，请选择巡河、公众举报、监测预警、督查暗访或部门移交", r.Source)
	}
	if !r.Category.Valid() {
		return fail("bad_category", "问题类别“%s”未知，请从乱占、乱采、乱堆、乱建、排污、水质异常、垃圾、岸线、其他中选择", r.Category)
	}
	if r.Severity == "" {
		r.Severity = SeverityGeneral
	}
	if _, ok := severityNames[r.Severity]; !ok {
		return fail("bad_severity", "严重程度“%s”未知，请选择一般、较重、重大或紧急", r.Severity)
	}
	if strings.TrimSpace(r.ReachID) == "" {
		return fail("reach_required", "请选择问题所在的河段")
	}
	if len(r.Regions) == 0 {
		return fail("region_required", "问题必须属于至少一个行政区")
	}
	for _, c := range r.Regions {
		if !region.Valid(c) {
			return fail("bad_region", "行政区划代码“%s”不是成德眉资的行政区", c)
		}
	}
	desc := strings.TrimSpace(r.Description)
	if desc == "" {
		return fail("description_required", "请填写问题描述")
	}
	if (r.Lat != 0 || r.Lon != 0) && !FourCitiesBox.Contains(r.Lat, r.Lon) {
		return fail("bad_location", "问题位置（纬度%s，经度%s）不在成都、德阳、眉山、资阳范围内", num(r.Lat), num(r.Lon))
	}
	if r.Level == 0 {
		r.Level = LevelCounty
	}
	p := Problem{ID: r.ID, Source: r.Source, Category: r.Category, Severity: r.Severity, ReachID: r.ReachID,
		Regions: append([]string(nil), r.Regions...), State: StateReported, Level: r.Level, Description: desc,
		Photos: append([]string(nil), r.Photos...), Lat: r.Lat, Lon: r.Lon, SectionID: r.SectionID, ReportedAt: now}
	h := HistoryEntry{ProblemID: r.ID, At: now, ActorID: actor.ID, ActorName: actor.Name, Action: "report", To: StateReported}
	return p, h, nil
}

// SectionRef is what a monitoring warning needs to know about a section.
type SectionRef struct {
	ID, Name string
	ReachID  string   // the responsible reach
	Regions  []string // its owners
	Level    Level    // 河长办 level that receives the warning
	Target   Class
}

// MonitoringWarning decides whether a classed reading opens a 监测预警
// problem: only when the class is worse than the section's target and no
// warning problem of the section is still open (hasOpen), so a run of bad
// readings opens one problem, not one per reading. The report describes the
// exceedances (超标项目及倍数).
func MonitoringWarning(s *Standard, sec SectionRef, body WaterBody, res Result, hasOpen bool) (Report, bool) {
	if sec.Target == 0 || res.Class <= sec.Target || hasOpen {
		return Report{}, false
	}
	var items []string
	for _, e := range res.Exceeds(s, sec.Target, body) {
		if e.Multiple > 0 {
			items = append(items, fmt.Sprintf("%s（%s，超标%s倍）", e.Name, e.Class, num(e.Multiple)))
		} else {
			items = append(items, fmt.Sprintf("%s（%s）", e.Name, e.Class))
		}
	}
	sev := SeveritySerious
	if res.Class == ClassWorseV {
		sev = SeverityMajor
	}
	return Report{
		Source: SourceMonitoring, Category: CategoryQuality, Severity: sev, ReachID: sec.ReachID,
		Regions: append([]string(nil), sec.Regions...), Level: sec.Level, SectionID: sec.ID,
		Description: fmt.Sprintf("断面“%s”监测水质为%s，劣于目标%s；超标项目：%s", sec.Name, res.Class, sec.Target, strings.Join(items, "、")),
	}, true
}
