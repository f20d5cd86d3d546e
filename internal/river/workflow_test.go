package river

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 2026-03-02 09:00 in 成都

var staff = Actor{ID: "u7", Name: "李娟", Level: LevelCounty, Region: "510121"}

// problemIn builds a consistent problem in state s.
func problemIn(s State) Problem {
	p := Problem{ID: "P1", Source: SourcePatrol, Category: CategoryGarbage, Severity: SeverityGeneral, ReachID: "R1",
		Regions: []string{"510121"}, State: s, Level: LevelCounty, ReportedAt: t0.Add(-time.Hour)}
	switch s {
	case StateAssigned, StateHandling, StateExtension, StateFeedback, StateVerified, StateClosed:
		p.Unit, p.AssignedAt, p.Deadline = "金堂县赵镇街道办事处", t0.Add(-time.Hour), t0.AddDate(0, 0, 10)
	}
	switch s {
	case StateExtension:
		p.RequestedDeadline = t0.AddDate(0, 0, 20)
	case StateFeedback, StateVerified, StateClosed:
		p.FeedbackAt, p.AfterPhotos = t0.Add(-time.Minute), []string{"ph1"}
	}
	if s == StateVerified || s == StateClosed {
		p.CheckedAt = t0.Add(-time.Second)
	}
	return p
}

// validAction gives each action what it needs.
func validAction(k ActionKind) Action {
	a := Action{Kind: k}
	switch k {
	case ActReject, ActDenyExtend, ActReturn:
		a.Reason = "理由充分"
	case ActRequestExtend:
		a.Reason = "汛期无法施工"
		a.Deadline = t0.AddDate(0, 0, 30)
	case ActAssign:
		a.Unit = "金堂县赵镇街道办事处"
	case ActFeedback:
		a.Photos = []string{"after-1.jpg"}
	}
	return a
}

// TestEveryStateActionPair: 9 states × 11 actions, the allowed pairs typed
// by hand from the workflow, every other pair refused with its message.
func TestEveryStateActionPair(t *testing.T) {
	allowed := map[string]State{
		"reported/accept":          StateAccepted,
		"reported/reject":          StateRejected,
		"accepted/assign":          StateAssigned,
		"assigned/receive":         StateHandling,
		"handling/request_extend":  StateExtension,
		"handling/feedback":        StateFeedback,
		"extension/approve_extend": StateHandling,
		"extension/deny_extend":    StateHandling,
		"feedback/pass_check":      StateVerified,
		"feedback/return":          StateHandling,
		"verified/close":           StateClosed,
	}
	pairs, ok := 0, 0
	for _, s := range States {
		for _, k := range Actions {
			pairs++
			p := problemIn(s)
			np, h, err := Transition(p, validAction(k), staff, t0)
			key := string(s) + "/" + string(k)
			if want, isAllowed := allowed[key]; isAllowed {
				ok++
				if err != nil {
					t.Errorf("%s: %v", key, err)
					continue
				}
				if np.State != want || h.From != s || h.To != want || h.Action != k || h.At != t0 || h.ActorID != "u7" || h.ActorName != "李娟" || h.ProblemID != "P1" {
					t.Errorf("%s: state %s, history %+v", key, np.State, h)
				}
				continue
			}
			var we *WorkflowError
			if !errors.As(err, &we) {
				t.Errorf("%s: allowed, want refusal (got %v)", key, err)
				continue
			}
			var want string
			switch {
			case s.Final():
				want = fmt.Sprintf("问题已处于“%s”状态，不能再“%s”", s, k)
			case k == ActClose:
				want = fmt.Sprintf("问题当前为“%s”，未经核查通过不能办结销号", s)
			default:
				want = fmt.Sprintf("问题当前为“%s”，不能执行“%s”", s, k)
			}
			if we.Msg != want {
				t.Errorf("%s: %q, want %q", key, we.Msg, want)
			}
			if !reflect.DeepEqual(np, p) || h != (HistoryEntry{}) {
				t.Errorf("%s: refused transition changed the problem", key)
			}
		}
	}
	if pairs != 99 || ok != 11 {
		t.Fatalf("pairs %d, allowed %d", pairs, ok)
	}
	// The spot checks the issue names.
	_, _, err := Transition(problemIn(StateFeedback), Action{Kind: ActClose}, staff, t0)
	if err == nil || err.Error() != "问题当前为“已反馈待核查”，未经核查通过不能办结销号" {
		t.Fatal(err)
	}
}

func TestHappyPathWithExtensionAndReturn(t *testing.T) {
	cfg := DefaultWorkflowConfig()
	p := Problem{ID: "P9", State: StateReported, Severity: SeveritySerious, Level: LevelTownship, Regions: []string{"510121", "512002"}}
	var hist []HistoryEntry
	now := t0
	step := func(a Action) {
		t.Helper()
		var h HistoryEntry
		var err error
		p, h, err = cfg.Transition(p, a, staff, now)
		if err != nil {
			t.Fatalf("%s: %v", a.Kind, err)
		}
		hist = append(hist, h)
		now = now.Add(24 * time.Hour)
	}
	step(Action{Kind: ActAccept})
	step(Action{Kind: ActAssign, Unit: " 金堂县水务局 ", JointUnits: []string{"雁江区水务局", "金堂县水务局", ""}})
	// 较重 = 7 days from 交办 (t0 + 1 day).
	if want := t0.Add(24*time.Hour).AddDate(0, 0, 7); !p.Deadline.Equal(want) || p.Unit != "金堂县水务局" || !reflect.DeepEqual(p.JointUnits, []string{"雁江区水务局"}) {
		t.Fatalf("assign: %v %q %v", p.Deadline, p.Unit, p.JointUnits)
	}
	step(Action{Kind: ActReceive})
	newDL := t0.AddDate(0, 0, 20)
	step(Action{Kind: ActRequestExtend, Reason: "汛期无法施工", Deadline: newDL})
	if !p.RequestedDeadline.Equal(newDL) || p.Deadline.Equal(newDL) {
		t.Fatal("request must not move the deadline yet")
	}
	step(Action{Kind: ActApproveExtend})
	if !p.Deadline.Equal(newDL) || !p.RequestedDeadline.IsZero() {
		t.Fatal("approve must move the deadline")
	}
	step(Action{Kind: ActFeedback, Photos: []string{"a.jpg", " "}})
	if !reflect.DeepEqual(p.AfterPhotos, []string{"a.jpg"}) {
		t.Fatal(p.AfterPhotos)
	}
	step(Action{Kind: ActReturn, Reason: "垃圾未清运完"})
	if p.Returns != 1 || !p.FeedbackAt.IsZero() || p.State != StateHandling {
		t.Fatal("return")
	}
	step(Action{Kind: ActFeedback, Photos: []string{"b.jpg"}})
	step(Action{Kind: ActPassCheck})
	step(Action{Kind: ActClose, Note: "已销号"})
	if p.State != StateClosed || len(hist) != 10 || hist[6].Reason != "垃圾未清运完" || hist[9].Note != "已销号" {
		t.Fatalf("%s %d %+v", p.State, len(hist), hist)
	}
	if !ClosedOnTime(p) {
		t.Fatal("feedback before the extended deadline is on time")
	}
}

func TestTransitionRefusals(t *testing.T) {
	past := t0.Add(-time.Minute)
	cases := []struct {
		state State
		act   Action
		code  string
		msg   string
	}{
		{StateReported, Action{Kind: ActReject, Reason: "  "}, "reason_required", "“不予受理”必须填写理由"},
		{StateAccepted, Action{Kind: ActAssign}, "unit_required", "交办必须指定责任单位"},
		{StateAccepted, Action{Kind: ActAssign, Unit: "某单位", Deadline: past}, "deadline_past", "办理期限2026-03-02 08:59已过，请设置晚于当前时间的期限"},
		{StateAccepted, Action{Kind: ActAssign, Unit: "某单位", Deadline: t0}, "deadline_past", "办理期限2026-03-02 09:00已过，请设置晚于当前时间的期限"},
		{StateHandling, Action{Kind: ActRequestExtend, Reason: "x"}, "deadline_required", "申请延期必须填写新的办理期限"},
		{StateHandling, Action{Kind: ActRequestExtend}, "reason_required", "“申请延期”必须填写理由"},
		{StateHandling, Action{Kind: ActRequestExtend, Reason: "x", Deadline: past}, "deadline_past", "申请的期限2026-03-02 08:59已过，请设置晚于当前时间的期限"},
		{StateHandling, Action{Kind: ActRequestExtend, Reason: "x", Deadline: t0.AddDate(0, 0, 5)}, "deadline_not_later", "申请的期限2026-03-07 09:00不晚于原期限2026-03-12 09:00，无需延期"},
		{StateExtension, Action{Kind: ActDenyExtend}, "reason_required", "“驳回延期”必须填写理由"},
		{StateHandling, Action{Kind: ActFeedback, Photos: []string{""}}, "photos_required", "处理反馈必须上传整改后的照片"},
		{StateFeedback, Action{Kind: ActReturn}, "reason_required", "“退回重办”必须填写理由"},
		{StateFeedback, Action{Kind: ActReturn, Reason: "x", Deadline: past}, "deadline_past", "重办期限2026-03-02 08:59已过，请设置晚于当前时间的期限"},
	}
	for _, c := range cases {
		p := problemIn(c.state)
		np, _, err := Transition(p, c.act, staff, t0)
		var we *WorkflowError
		if !errors.As(err, &we) || we.Code != c.code || we.Msg != c.msg {
			t.Errorf("%s/%s: %v, want %s %s", c.state, c.act.Kind, err, c.code, c.msg)
		}
		if !reflect.DeepEqual(np, p) {
			t.Errorf("%s/%s: problem changed", c.state, c.act.Kind)
		}
	}
	// Approving an extension whose requested deadline is missing or has passed.
	p0 := problemIn(StateExtension)
	p0.RequestedDeadline = time.Time{}
	if _, _, err := Transition(p0, Action{Kind: ActApproveExtend}, staff, t0); err == nil || err.Error() != "延期申请没有新的办理期限，请驳回后重新申请" {
		t.Error(err)
	}
	p0.RequestedDeadline = t0.Add(-time.Hour)
	if _, _, err := Transition(p0, Action{Kind: ActApproveExtend}, staff, t0); err == nil || err.Error() != "申请的期限2026-03-02 08:00已过，不能批准，请驳回后重新申请" {
		t.Error(err)
	}
	// A severity without a configured deadline.
	p := problemIn(StateAccepted)
	p.Severity = "x"
	if _, _, err := Transition(p, Action{Kind: ActAssign, Unit: "u"}, staff, t0); err == nil || err.Error() != "问题的严重程度“x”未配置办理期限，请先设置严重程度" {
		t.Error(err)
	}
	// A verified state without a recorded check cannot be closed.
	p = problemIn(StateVerified)
	p.CheckedAt = time.Time{}
	if _, _, err := Transition(p, Action{Kind: ActClose}, staff, t0); err == nil || err.Error() != "问题未经核查，不能办结销号" {
		t.Error(err)
	}
}

func TestDeadlineBySeverity(t *testing.T) {
	for sev, days := range map[Severity]int{SeverityGeneral: 15, SeveritySerious: 7, SeverityMajor: 3, SeverityUrgent: 1} {
		p := problemIn(StateAccepted)
		p.Severity = sev
		np, _, err := Transition(p, Action{Kind: ActAssign, Unit: "u"}, staff, t0)
		if err != nil || !np.Deadline.Equal(t0.AddDate(0, 0, days)) {
			t.Errorf("%s: %v %v", sev, np.Deadline, err)
		}
	}
	cfg := WorkflowConfig{DeadlineDays: map[Severity]int{SeverityGeneral: 30}}
	np, _, _ := cfg.Transition(problemIn(StateAccepted), Action{Kind: ActAssign, Unit: "u"}, staff, t0)
	if !np.Deadline.Equal(t0.AddDate(0, 0, 30)) {
		t.Error("configured deadline not used")
	}
}

// TestWorkflowConfigFromFile: the deadlines per severity and the escalation
// interval come from the configuration file data/workflow.json (一般 15 天, 较重 7,
// 重大 3, 紧急 1, 超期每 7 天再升一级: the platform's defaults, no published rule).
// A 河长办's own file drives every severity's deadline at 交办 and the escalation
// steps; a file with an unknown severity, a missing one, a day count that is not a
// whole number from 1 to 365 or no interval is refused with a message naming the field.
func TestWorkflowConfigFromFile(t *testing.T) {
	def := DefaultWorkflowConfig()
	if want := map[Severity]int{SeverityGeneral: 15, SeveritySerious: 7, SeverityMajor: 3, SeverityUrgent: 1}; !reflect.DeepEqual(def.DeadlineDays, want) || def.EscalateEvery != 7*24*time.Hour {
		t.Fatalf("data/workflow.json gives %v every %v", def.DeadlineDays, def.EscalateEvery)
	}
	own, err := LoadWorkflowConfig([]byte(`{"deadline_days": {"一般": 20, "较重": 10, "重大": 5, "紧急": 2}, "escalate_every_days": 3}`))
	if err != nil {
		t.Fatal(err)
	}
	for sev, days := range map[Severity]int{SeverityGeneral: 20, SeveritySerious: 10, SeverityMajor: 5, SeverityUrgent: 2} {
		p := problemIn(StateAccepted)
		p.Severity = sev
		np, _, err := own.Transition(p, Action{Kind: ActAssign, Unit: "u"}, staff, t0)
		if want := t0.AddDate(0, 0, days); err != nil || !np.Deadline.Equal(want) {
			t.Errorf("%s under the office's file: deadline %v %v, want %v", sev, fmtTime(np.Deadline), err, fmtTime(want))
		}
	}
	p := problemIn(StateHandling)
	p.Level = LevelVillage
	dl := p.Deadline
	day := 24 * time.Hour
	for _, c := range []struct {
		after time.Duration
		want  Level
	}{{time.Second, LevelTownship}, {3*day - time.Second, LevelTownship}, {3 * day, LevelCounty}, {6 * day, LevelCity}, {9 * day, LevelProvince}} {
		if got := own.EscalationLevel(p, dl.Add(c.after)); got != c.want {
			t.Errorf("overdue %v with a 3-day interval: %v, want %v", c.after, got, c.want)
		}
	}
	for _, c := range []struct{ file, msg string }{
		{`{"deadline_days": {"一般": 15, "较重": 7, "重大": 3, "特急": 1}, "escalate_every_days": 7}`, "办理期限配置 deadline_days 中的严重程度“特急”未知，应为一般、较重、重大、紧急之一"},
		{`{"deadline_days": {"一般": 15, "较重": 7, "重大": 3}, "escalate_every_days": 7}`, "办理期限配置 deadline_days 缺少“紧急”问题的期限天数"},
		{`{"deadline_days": {"一般": 15, "较重": 0, "重大": 3, "紧急": 1}, "escalate_every_days": 7}`, "办理期限配置中 deadline_days 的“较重”天数“0”不正确，应为 1 到 365 之间的整数天数"},
		{`{"deadline_days": {"一般": 15, "较重": 7, "重大": 2.5, "紧急": 1}, "escalate_every_days": 7}`, "办理期限配置中 deadline_days 的“重大”天数“2.5”不正确"},
		{`{"deadline_days": {"一般": "十五", "较重": 7, "重大": 3, "紧急": 1}, "escalate_every_days": 7}`, "办理期限配置中 deadline_days 的“一般”天数“\"十五\"”不正确"},
		{`{"deadline_days": {"一般": 15, "较重": 7, "重大": 3, "紧急": 1}}`, "办理期限配置缺少 escalate_every_days（超期后每隔多少天再升级一级）"},
		{`{"deadline_days": {"一般": 15, "较重": 7, "重大": 3, "紧急": 1}, "escalate_every_days": 400}`, "办理期限配置中 escalate_every_days 的天数“400”不正确，应为 1 到 365 之间的整数天数"},
		{`{"deadline_days": [15]}`, "办理期限配置无法读取"},
	} {
		if _, err := LoadWorkflowConfig([]byte(c.file)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", c.file, err, c.msg)
		}
	}
}

func TestOverdueAndEscalation(t *testing.T) {
	cfg := DefaultWorkflowConfig()
	p := problemIn(StateHandling)
	p.Level = LevelVillage
	dl := p.Deadline
	if Overdue(p, dl) {
		t.Error("at the deadline is not overdue")
	}
	if !Overdue(p, dl.Add(time.Second)) {
		t.Error("after the deadline is overdue")
	}
	for _, c := range []struct {
		after time.Duration
		want  Level
	}{{0, 0}, {time.Second, LevelTownship}, {7*24*time.Hour - time.Second, LevelTownship}, {7 * 24 * time.Hour, LevelCounty}, {30 * 24 * time.Hour, LevelProvince}, {300 * 24 * time.Hour, LevelProvince}} {
		if got := cfg.EscalationLevel(p, dl.Add(c.after)); got != c.want {
			t.Errorf("overdue %v: %v, want %v", c.after, got, c.want)
		}
	}
	now := dl.Add(8 * 24 * time.Hour)
	np, h, changed := cfg.Escalate(p, now)
	if !changed || np.Supervisor != LevelCounty || h.Reason != "超过办理期限2026-03-12 09:00未反馈，升级由县级河长办督办" || h.From != StateHandling || h.To != StateHandling {
		t.Fatalf("%v %v %+v", changed, np.Supervisor, h)
	}
	if _, _, again := cfg.Escalate(np, now); again {
		t.Error("escalating twice at the same time must change nothing")
	}
	np2, h2, changed := cfg.Escalate(np, dl.Add(15*24*time.Hour))
	if !changed || np2.Supervisor != LevelCity || h2.Note != "原督办层级：县级" {
		t.Fatalf("%v %v %q", changed, np2.Supervisor, h2.Note)
	}
	top := problemIn(StateHandling)
	top.Level = LevelProvince
	if _, _, c := cfg.Escalate(top, dl.Add(time.Hour)); c {
		t.Error("省级 has no level above")
	}
	fb := problemIn(StateFeedback)
	if Overdue(fb, dl.Add(time.Hour)) {
		t.Error("a problem awaiting check is not overdue")
	}
	ext := problemIn(StateExtension)
	if !Overdue(ext, dl.Add(time.Hour)) {
		t.Error("a pending extension does not stop the clock")
	}
}

func TestClosedOnTime(t *testing.T) {
	p := problemIn(StateClosed)
	p.FeedbackAt = p.Deadline
	if !ClosedOnTime(p) {
		t.Error("feedback at the deadline is on time")
	}
	p.FeedbackAt = p.Deadline.Add(time.Second)
	if ClosedOnTime(p) {
		t.Error("late")
	}
	if ClosedOnTime(problemIn(StateVerified)) {
		t.Error("not closed")
	}
}

func TestNamesAreChinese(t *testing.T) {
	got := []string{}
	for _, s := range Sources {
		got = append(got, s.String())
	}
	for _, c := range Categories {
		got = append(got, c.String())
	}
	want := []string{"巡河", "公众举报", "监测预警", "督查暗访", "部门移交", "乱占", "乱采", "乱堆", "乱建", "排污", "水质异常", "垃圾", "岸线", "其他"}
	if !reflect.DeepEqual(got, want) {
		t.Fatal(got)
	}
	if !SourcePublic.Valid() || Source("x").Valid() || !CategoryOther.Valid() || Category("x").Valid() {
		t.Fatal("Valid")
	}
	for _, s := range States {
		if s.String() == string(s) {
			t.Errorf("state %s has no Chinese name", s)
		}
	}
	for _, a := range Actions {
		if a.String() == string(a) {
			t.Errorf("action %s has no Chinese name", a)
		}
	}
	if LevelVillage.Up() != LevelTownship || LevelProvince.Up() != LevelProvince || LevelCounty.String() != "县级" {
		t.Fatal("levels")
	}
}

func TestNewProblem(t *testing.T) {
	r := Report{ID: "P2", Source: SourcePublic, Category: CategoryDumping, ReachID: "R7", Regions: []string{"510185", "512002"},
		Description: " 河边堆放建筑垃圾 ", Photos: []string{"x.jpg"}, Lat: 30.39, Lon: 104.55}
	p, h, err := NewProblem(r, Actor{ID: "public", Name: "公众"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != StateReported || p.Severity != SeverityGeneral || p.Level != LevelCounty || p.Description != "河边堆放建筑垃圾" ||
		!p.ReportedAt.Equal(t0) || !reflect.DeepEqual(p.Regions, []string{"510185", "512002"}) || h.To != StateReported || h.Action != "report" {
		t.Fatalf("%+v %+v", p, h)
	}
	bad := func(f func(r *Report)) Report { c := r; f(&c); return c }
	for _, c := range []struct {
		r    Report
		code string
		msg  string
	}{
		{bad(func(r *Report) { r.Source = "x" }), "bad_source", "问题来源“x”未知，请选择巡河、公众举报、监测预警、督查暗访或部门移交"},
		{bad(func(r *Report) { r.Category = "" }), "bad_category", "问题类别“”未知，请从乱占、乱采、乱堆、乱建、排污、水质异常、垃圾、岸线、其他中选择"},
		{bad(func(r *Report) { r.Severity = "huge" }), "bad_severity", "严重程度“huge”未知，请选择一般、较重、重大或紧急"},
		{bad(func(r *Report) { r.ReachID = " " }), "reach_required", "请选择问题所在的河段"},
		{bad(func(r *Report) { r.Regions = nil }), "region_required", "问题必须属于至少一个行政区"},
		{bad(func(r *Report) { r.Regions = []string{"510185", "110101"} }), "bad_region", "行政区划代码“110101”不是成德眉资的行政区"},
		{bad(func(r *Report) { r.Description = "" }), "description_required", "请填写问题描述"},
		{bad(func(r *Report) { r.Lat, r.Lon = 39.9, 116.4 }), "bad_location", "问题位置（纬度39.9，经度116.4）不在成都、德阳、眉山、资阳范围内"},
	} {
		p, _, err := NewProblem(c.r, staff, t0)
		var we *WorkflowError
		if !errors.As(err, &we) || we.Code != c.code || we.Msg != c.msg || p.ID != "" {
			t.Errorf("got %v, want %s %s", err, c.code, c.msg)
		}
	}
}

func TestMonitoringWarningOnce(t *testing.T) {
	s := std(t)
	sec := SectionRef{ID: "S9", Name: "三皇庙", ReachID: "R-tj-1", Regions: []string{"510121"}, Level: LevelCounty, Target: ClassIII}
	bad, _ := s.Classify(Sample{Values: map[string]float64{"TP": 0.25, "DO": 4}}, Options{})
	// TP 0.25 river → Ⅳ (row 8), 超标 (0.25−0.2)/0.2 = 0.25 倍; DO 4 → Ⅳ (row 3), no multiple.
	r, ok := MonitoringWarning(s, sec, River, bad, false)
	if !ok || r.Source != SourceMonitoring || r.Category != CategoryQuality || r.Severity != SeveritySerious || r.SectionID != "S9" || r.ReachID != "R-tj-1" {
		t.Fatalf("%+v", r)
	}
	if want := "断面“三皇庙”监测水质为Ⅳ类，劣于目标Ⅲ类；超标项目：溶解氧（Ⅳ类）、总磷（Ⅳ类，超标0.25倍）"; r.Description != want {
		t.Fatalf("%s", r.Description)
	}
	if _, err := func() (Problem, error) { p, _, err := NewProblem(r, Actor{ID: "system"}, t0); return p, err }(); err != nil {
		t.Fatal("a warning report must be a valid report:", err)
	}
	if _, ok := MonitoringWarning(s, sec, River, bad, true); ok {
		t.Error("an open warning problem must not be opened again")
	}
	good, _ := s.Classify(Sample{Values: map[string]float64{"TP": 0.2}}, Options{})
	if _, ok := MonitoringWarning(s, sec, River, good, false); ok {
		t.Error("Ⅲ meets a Ⅲ target")
	}
	worst, _ := s.Classify(Sample{Values: map[string]float64{"NH3N": 2.5}}, Options{})
	if r, ok := MonitoringWarning(s, sec, River, worst, false); !ok || r.Severity != SeverityMajor {
		t.Error("劣Ⅴ is 重大")
	}
}

func BenchmarkTransition(b *testing.B) {
	p := problemIn(StateHandling)
	a := Action{Kind: ActFeedback, Photos: []string{"a.jpg", "b.jpg"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Transition(p, a, staff, t0); err != nil {
			b.Fatal(err)
		}
	}
}
