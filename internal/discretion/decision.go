package discretion

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// ---- 处罚机关 (the deciding bureaus) ----

//go:embed data/bureaus.json
var bureausJSON []byte

// Bureau is a deciding organ (处罚机关): a city's 市场监督管理局 or a county bureau.
type Bureau struct {
	Code   string `json:"code"`   // GB/T 2260 code of the unit
	Name   string `json:"name"`   // 处罚机关名称
	Prefix string `json:"prefix"` // 决定书文号的机关代字, e.g. 成市监处罚
	USCC   string `json:"uscc"`   // 统一社会信用代码 ("" when not verified)
}

var bureauTable = func() map[string]Bureau {
	var doc struct {
		Cities []struct {
			Code, Name, Abbr, USCC string
		} `json:"cities"`
		Overrides []Bureau `json:"overrides"`
	}
	if err := json.Unmarshal(bureausJSON, &doc); err != nil {
		panic("智慧裁量处罚机关数据无法载入：" + err.Error())
	}
	out := map[string]Bureau{}
	for _, c := range doc.Cities {
		out[c.Code] = Bureau{Code: c.Code, Name: c.Name, Prefix: c.Abbr + "市监处罚", USCC: c.USCC}
		for _, k := range region.Children(c.Code) {
			short := k.Name
			for _, suf := range []string{"区", "县", "市"} {
				if s := strings.TrimSuffix(short, suf); s != short && s != "" {
					short = s
					break
				}
			}
			out[k.Code] = Bureau{Code: k.Code, Name: region.FullName(k.Code) + "市场监督管理局", Prefix: c.Abbr + short + "市监处罚"}
		}
	}
	for _, b := range doc.Overrides {
		out[b.Code] = b
	}
	return out
}()

// BureauOf returns the bureau that decides the cases of an officer's unit (a city or a county).
func BureauOf(code string) (Bureau, bool) {
	r, ok := region.Get(code)
	if !ok {
		return Bureau{}, false
	}
	b, ok := bureauTable[r.Code]
	return b, ok
}

// DecisionNumber formats a 决定书文号: 成市监处罚〔2026〕123号.
func DecisionNumber(prefix string, year int, n int64) string {
	return prefix + "〔" + strconv.Itoa(year) + "〕" + strconv.FormatInt(n, 10) + "号"
}

// nextDecisionSeq takes the next number of bureau's year inside the deciding transaction.
// The row lock of the upsert serialises concurrent decisions of one bureau on PostgreSQL
// (SQLite has a single writer); a rolled-back decision gives its number back.
func nextDecisionSeq(ctx context.Context, q store.Querier, bureau string, year int) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `INSERT INTO discretion_decision_seq (bureau, seq_year, last_no) VALUES (?, ?, 1)
		ON CONFLICT (bureau, seq_year) DO UPDATE SET last_no = discretion_decision_seq.last_no + 1 RETURNING last_no`, bureau, year).Scan(&n)
	return n, err
}

// ---- 听证 and 集体讨论 ----

// Procedural step kinds.
const (
	StepNotice     = "hearing_notice"  // 告知听证权利
	StepRequest    = "hearing_request" // 当事人要求听证
	StepWaiver     = "hearing_waiver"  // 当事人放弃听证
	StepHearing    = "hearing_record"  // 听证笔录
	StepCollective = "collective"      // 负责人集体讨论
)

// StepNames gives each step kind its Chinese name.
var StepNames = map[string]string{
	StepNotice: "告知听证权利", StepRequest: "当事人要求听证", StepWaiver: "当事人放弃听证",
	StepHearing: "举行听证", StepCollective: "负责人集体讨论",
}

// Collective discussion outcomes.
const (
	OutcomeAgree    = "同意"
	OutcomeDisagree = "不同意"
)

// ProcStep is one recorded procedural step of a case.
type ProcStep struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Kind        string    `json:"kind"`
	KindName    string    `json:"kind_name"`
	OnDate      string    `json:"on_date"`
	Detail      string    `json:"detail"`
	Outcome     string    `json:"outcome,omitempty"`
	OfficerName string    `json:"officer_name"`
	CreatedAt   time.Time `json:"created_at"`
}

// StepInput is a step as the officer records it.
type StepInput struct {
	Kind    string `json:"kind"`
	Date    string `json:"date"`
	Detail  string `json:"detail"`
	Outcome string `json:"outcome"`
}

func listSteps(ctx context.Context, q store.Querier, caseID int64) ([]*ProcStep, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, kind, on_date, detail, outcome, officer_name, created_at FROM discretion_steps WHERE case_id = ? ORDER BY on_date, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ProcStep
	for rows.Next() {
		var s ProcStep
		var at string
		if err := rows.Scan(&s.ID, &s.CaseID, &s.Kind, &s.OnDate, &s.Detail, &s.Outcome, &s.OfficerName, &at); err != nil {
			return nil, err
		}
		s.KindName, s.CreatedAt = StepNames[s.Kind], store.ParseTime(at)
		out = append(out, &s)
	}
	return out, rows.Err()
}

func stepMap(steps []*ProcStep) map[string]*ProcStep {
	m := map[string]*ProcStep{}
	for _, s := range steps {
		m[s.Kind] = s
	}
	return m
}

// hearingDeadline is the last day the party may ask for a hearing: the fifth working day
// after the notice (行政处罚法 第六十四条第（一）项 "告知后五日内"; 第八十五条: 五日 are working days).
func (m *Module) hearingDeadline(notice time.Time) time.Time {
	if m.Workdays != nil {
		return m.Workdays(notice, 5)
	}
	d := notice
	for n := 5; n > 0; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

func stepErr(field, msg string) error { return &auth.FieldError{Field: field, Message: msg} }

// checkStep validates a step against the case and the steps already recorded.
func (m *Module) checkStep(c *Case, have map[string]*ProcStep, in *StepInput, today time.Time) (time.Time, error) {
	in.Kind, in.Detail, in.Outcome = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Detail), strings.TrimSpace(in.Outcome)
	name, ok := StepNames[in.Kind]
	if !ok {
		return time.Time{}, stepErr("kind", "步骤类型只能是 hearing_notice（告知听证权利）、hearing_request（要求听证）、hearing_waiver（放弃听证）、hearing_record（举行听证）或 collective（集体讨论）")
	}
	if c.Status == StatusDecided {
		return time.Time{}, conflict("案件已作出决定，不能再记录" + name + "。")
	}
	if have[in.Kind] != nil {
		return time.Time{}, conflict("本案已记录" + name + "（" + have[in.Kind].OnDate + "），同一步骤只记录一次。")
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Date))
	if err != nil {
		return d, stepErr("date", name+"日期格式不对，请写作 YYYY-MM-DD，例如 2026-11-10。")
	}
	if d.After(today) {
		return d, stepErr("date", name+"日期 "+in.Date+" 晚于今天，请填写已经发生的日期。")
	}
	if act, err := time.Parse(time.DateOnly, c.ActDate); err == nil && d.Before(act) {
		return d, stepErr("date", name+"日期早于违法行为发生日 "+c.ActDate+"，请核对。")
	}
	if utf8.RuneCountInString(in.Detail) > 2000 {
		return d, stepErr("detail", "说明不超过 2000 字，详细材料请附卷。")
	}
	notice := have[StepNotice]
	noticeDay := func() time.Time { t, _ := time.Parse(time.DateOnly, notice.OnDate); return t }
	switch in.Kind {
	case StepRequest, StepWaiver:
		if notice == nil {
			return d, stepErr("kind", "请先记录告知听证权利的日期，再记录当事人"+map[string]string{StepRequest: "要求听证", StepWaiver: "放弃听证"}[in.Kind]+"。")
		}
		other := StepWaiver
		if in.Kind == StepWaiver {
			other = StepRequest
		}
		if have[other] != nil {
			return d, conflict("本案已记录" + StepNames[other] + "（" + have[other].OnDate + "），不能同时记录" + name + "。")
		}
		if d.Before(noticeDay()) {
			return d, stepErr("date", name+"日期早于告知日 "+notice.OnDate+"，请核对。")
		}
		if in.Kind == StepRequest {
			if dl := m.hearingDeadline(noticeDay()); d.After(dl) {
				return d, stepErr("date", "当事人要求听证应当在告知后五日（工作日）内提出，即不晚于 "+dl.Format(time.DateOnly)+"（行政处罚法第六十四条第（一）项、第八十五条）；"+in.Date+" 已超过期限。逾期未提出的视为放弃，请核对日期。")
			}
		}
	case StepHearing:
		req := have[StepRequest]
		if req == nil {
			return d, stepErr("kind", "当事人未要求听证，不能记录听证；当事人要求听证的，请先记录其要求听证的日期。")
		}
		if d.Format(time.DateOnly) < req.OnDate {
			return d, stepErr("date", "听证日期早于当事人要求听证的日期 "+req.OnDate+"，请核对。")
		}
		if in.Detail == "" {
			return d, stepErr("detail", "请填写听证笔录要点（主持人、当事人陈述申辩和质证意见），听证应当制作笔录（行政处罚法第六十四条第（八）项）。")
		}
	case StepCollective:
		if in.Outcome != OutcomeAgree && in.Outcome != OutcomeDisagree {
			return d, stepErr("outcome", "请选择集体讨论结论：同意或不同意拟作出的处罚决定。")
		}
		if in.Detail == "" {
			return d, stepErr("detail", "请填写集体讨论的参加人员和讨论意见（行政处罚法第五十七条第二款）。")
		}
		if req := have[StepRequest]; req != nil && have[StepHearing] == nil {
			return d, stepErr("kind", "当事人已要求听证，请先举行听证并记录笔录，再根据听证笔录集体讨论（行政处罚法第六十五条）。")
		}
	default: // StepNotice
		if !c.Result.Procedure.HearingRight {
			return d, stepErr("kind", "本案拟作出的处罚未达到听证条件，不需要告知听证权利。")
		}
	}
	return d, nil
}

// recordStep validates and stores a step with its audit entry in one transaction.
func (m *Module) recordStep(ctx context.Context, u *auth.User, id int64, in StepInput) (*ProcStep, error) {
	if !canOfficer(u) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有执法人员可以记录听证和集体讨论，请联系本级管理员开通 discretion:officer 角色"}
	}
	c, err := getCase(ctx, m.d.DB, id)
	if err != nil {
		return nil, err
	}
	if !u.CanWrite(c.Region) {
		return nil, auth.ErrScope
	}
	steps, err := listSteps(ctx, m.d.DB, id)
	if err != nil {
		return nil, err
	}
	d, err := m.checkStep(c, stepMap(steps), &in, m.today())
	if err != nil {
		return nil, err
	}
	s := &ProcStep{CaseID: id, Kind: in.Kind, KindName: StepNames[in.Kind], OnDate: d.Format(time.DateOnly), Detail: in.Detail, OfficerName: u.DisplayName}
	if in.Kind == StepCollective {
		s.Outcome = in.Outcome
	}
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		var st string
		if err := tx.QueryRow(ctx, "SELECT status FROM discretion_cases WHERE id = ?", id).Scan(&st); err != nil {
			return err
		}
		if st == StatusDecided {
			return conflict("案件已作出决定，不能再记录" + s.KindName + "。")
		}
		return m.storeStep(ctx, tx, c, s, u.ID, time.Now())
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// storeStep stores a checked step of case c, recorded by officer (s.OfficerName) at the
// time at, with its audit entry, inside the caller's transaction; it sets s.ID.
func (m *Module) storeStep(ctx context.Context, tx store.Querier, c *Case, s *ProcStep, officerID int64, at time.Time) error {
	var err error
	if s.ID, err = store.InsertID(ctx, tx, `INSERT INTO discretion_steps (case_id, region, kind, on_date, detail, outcome, officer_id, officer_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.Region, s.Kind, s.OnDate, s.Detail, s.Outcome, officerID, s.OfficerName, store.Time(at)); err != nil {
		if isUnique(err) {
			return conflict("本案已记录" + s.KindName + "，同一步骤只记录一次。")
		}
		return err
	}
	detail := s.KindName + "：" + s.OnDate
	if s.Outcome != "" {
		detail += "，结论" + s.Outcome
	}
	if s.Detail != "" {
		detail += "；" + s.Detail
	}
	return m.audit(ctx, tx, "step", c, detail)
}

func isUnique(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "unique") || strings.Contains(s, "duplicate key")
}

// procedureGate refuses a decision whose required steps are not recorded: the notice of the
// right to a hearing and the party's answer or the end of the five-day period (第六十三条、第六十四条),
// the hearing when asked for (第六十五条), the collective discussion (第五十七条第二款).
func (m *Module) procedureGate(c *Case, steps map[string]*ProcStep, today time.Time) error {
	if c.Result.NoPenalty || c.Result.Barred {
		return nil
	}
	refuse := func(code, msg string) error {
		return &web.HTTPError{Status: http.StatusConflict, Code: code, Message: msg}
	}
	p := c.Result.Procedure
	if p.HearingRight {
		notice := steps[StepNotice]
		if notice == nil {
			return refuse("hearing_notice_missing", "本案拟作出的处罚应当告知当事人有要求听证的权利（行政处罚法第六十三条）；请执法人员先记录听证权利告知及其日期，再作出决定。")
		}
		switch {
		case steps[StepRequest] != nil && steps[StepHearing] == nil:
			return refuse("hearing_missing", "当事人已于 "+steps[StepRequest].OnDate+" 要求听证，应当组织听证并制作笔录，根据听证笔录作出决定（行政处罚法第六十四条、第六十五条）；请先记录听证。")
		case steps[StepRequest] == nil && steps[StepWaiver] == nil:
			nd, _ := time.Parse(time.DateOnly, notice.OnDate)
			if dl := m.hearingDeadline(nd); !today.After(dl) {
				return refuse("hearing_period_open", "已于 "+notice.OnDate+" 告知听证权利，当事人可在告知后五日（工作日）内、即不晚于 "+dl.Format(time.DateOnly)+" 要求听证（行政处罚法第六十四条第（一）项、第八十五条）；期限届满或当事人明确放弃后才能作出决定。")
			}
		}
	}
	if p.Collective {
		cd := steps[StepCollective]
		if cd == nil {
			return refuse("collective_missing", "本案属情节复杂或者重大违法行为，应当由行政机关负责人集体讨论决定（行政处罚法第五十七条第二款）；请先记录集体讨论的日期和结论。")
		}
		if cd.Outcome != OutcomeAgree {
			return refuse("collective_disagreed", "负责人集体讨论（"+cd.OnDate+"）未同意拟作出的处罚决定，不能作出决定；请退回执法人员修改。")
		}
	}
	return nil
}

// ---- the penalty handed to the credit library ----

// penaltyOf builds the decided penalty of a case as 双公示 needs it.
func penaltyOf(c *Case, decisionNo string, decidedOn time.Time) DecidedPenalty {
	p := DecidedPenalty{CaseID: c.ID, DecisionNo: decisionNo, Party: PartyKind(c.Party), SubjectID: c.SubjectID, SubjectName: c.SubjectName,
		LegalRep: c.LegalRep, Address: c.SubjectAddress, ItemID: c.ItemID, ItemName: c.ItemName, Kind: c.ItemKind, Facts: c.Facts,
		FineFen: c.FineFen, ConfiscatedFen: c.ConfiscatedFen, Severity: c.Severity, DecidedOn: decidedOn,
		Authority: c.Authority, AuthorityUSCC: c.AuthorityUSCC, Region: c.Region}
	var basis []string
	for _, ct := range c.Result.Citations {
		if ct.Role == "处罚依据" || ct.Role == "违反条款" {
			basis = append(basis, ct.Role+"："+ct.Cite())
		}
	}
	p.Basis = strings.Join(basis, "；")
	p.Kinds, p.Content = penaltyContent(c)
	return p
}

// givesPenalty reports whether deciding c gives an administrative penalty: not 不予处罚,
// not time-barred, and some penalty kind applies (a clause whose fine needs a condition the
// case does not meet may leave only 责令改正, which is not a penalty — 行政处罚法 第二十八条).
// Only then is a 决定书文号 given and the penalty published (双公示).
func givesPenalty(c *Case) bool {
	if c.Result.NoPenalty || c.Result.Barred {
		return false
	}
	kinds, _ := penaltyContent(c)
	return len(kinds) > 0
}

// penaltyContent gives the penalty kinds and the 处罚内容 sentence of a case.
func penaltyContent(c *Case) ([]string, string) {
	var kinds, parts []string
	add := func(k string) {
		for _, x := range kinds {
			if x == k {
				return
			}
		}
		kinds = append(kinds, k)
	}
	for _, k := range c.Result.Kinds {
		if k.Mandatory && k.Kind == "警告" {
			add(k.Kind)
			parts = append(parts, "警告")
		}
	}
	if c.FineFen > 0 {
		add("罚款")
		parts = append(parts, "罚款人民币 "+web.Yuan(c.FineFen)+" 元")
	}
	if c.ConfiscatedFen > 0 {
		add("没收违法所得")
		parts = append(parts, "没收违法所得人民币 "+web.Yuan(c.ConfiscatedFen)+" 元")
	}
	for _, cf := range c.Result.Confiscations {
		if cf.Mandatory && cf.Kind == "没收非法财物" {
			add(cf.Kind)
			parts = append(parts, "没收"+cf.Object)
		}
	}
	for _, k := range c.Result.Kinds {
		if k.Mandatory && k.Kind != "警告" && !strings.HasPrefix(k.Kind, "没收") {
			add(k.Kind)
			parts = append(parts, k.Kind)
		}
	}
	return kinds, strings.Join(parts, "；")
}

// Severities are the 失信等级 a penalty may carry (国办发〔2025〕22号: 轻微、一般、严重).
var Severities = []string{"轻微", "一般", "严重"}

// checkDecisionMeta validates what the 决定书 and the credit record need.
func checkDecisionMeta(meta *caseMeta, party PartyKind) error {
	if party != Natural && meta.LegalRep == "" {
		return inErr("legal_rep", "legal_rep_missing", "请填写法定代表人（负责人、经营者）姓名；决定书和信用公示（双公示）必须载明。")
	}
	if utf8.RuneCountInString(meta.LegalRep) > 50 {
		return inErr("legal_rep", "legal_rep_missing", "法定代表人姓名不超过 50 个字。")
	}
	if meta.Address == "" {
		return inErr("subject_address", "address_missing", "请填写当事人地址（住所或者经营场所）；行政处罚决定书应当载明（行政处罚法第五十九条第一款第（一）项）。")
	}
	if utf8.RuneCountInString(meta.Address) > 200 {
		return inErr("subject_address", "address_missing", "当事人地址不超过 200 个字。")
	}
	if meta.Evidence == "" {
		return inErr("evidence", "evidence_missing", "请列明认定违法事实的证据（如现场检查笔录、询问笔录、进货单据）；决定书应当载明事实和证据（行政处罚法第五十九条第一款第（二）项）。")
	}
	if utf8.RuneCountInString(meta.Evidence) > 5000 {
		return inErr("evidence", "evidence_missing", "证据不超过 5000 字，详细材料请附卷。")
	}
	if meta.Severity == "" {
		meta.Severity = "一般"
	}
	ok := false
	for _, s := range Severities {
		ok = ok || s == meta.Severity
	}
	if !ok {
		return inErr("severity", "bad_severity", "失信等级只能是轻微、一般或严重（国办发〔2025〕22号），决定信用公示的期限。")
	}
	id := meta.AuthorityUSCC
	if id == "" {
		return inErr("authority_uscc", "authority_missing", "请填写处罚机关（本局）的统一社会信用代码（18 位）；信用公示（双公示）必须载明处罚机关及其代码。")
	}
	if len(id) != 18 || strings.IndexFunc(id, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') }) >= 0 {
		return inErr("authority_uscc", "authority_invalid", "处罚机关统一社会信用代码应为 18 位数字或大写字母，请核对。")
	}
	if meta.ConfiscatedFen != nil && *meta.ConfiscatedFen < 0 {
		return inErr("confiscated_fen", ErrNegativeAmount, "没收违法所得金额不能为负数。")
	}
	return nil
}

// checkPenalty asks the credit library whether the case would make a valid 行政处罚 record.
func (m *Module) checkPenalty(c *Case) error {
	if m.Penalties == nil || !givesPenalty(c) {
		return nil
	}
	b, _ := BureauOf(c.Region)
	p := penaltyOf(c, DecisionNumber(b.Prefix, m.today().Year(), 1), m.today())
	return m.Penalties.CheckPenalty(p)
}

// ---- the 行政处罚决定书 page ----
//
// The page carries the contents 行政处罚法 第五十九条 requires and the periods the law gives:
// payment within 十五日 (第六十七条第三款), 加处罚款 of 百分之三 a day (第七十二条第一款第（一）项),
// 行政复议 within 六十日 before the people's government of the bureau's level (行政复议法 (2023)
// 第二十条、第二十四条), 行政诉讼 within 六个月 (行政诉讼法 第四十六条). Checked against public
// copies of the statutes (行政处罚法 2021, 行政复议法 2023-09-01 revision in force 2024-01-01).

type decisionData struct {
	Case       *Case
	Bureau     Bureau
	Violated   []Citation
	Basis      []Citation
	Content    string
	Steps      map[string]*ProcStep
	Government string
	DecidedOn  string
	Fine       bool
}

func (m *Module) decisionPage(w http.ResponseWriter, r *http.Request) {
	c, ok := m.caseFor(w, r)
	if !ok {
		return
	}
	if c.Status != StatusDecided || c.DecisionNo == "" {
		m.fail(w, r, &web.HTTPError{Status: http.StatusNotFound, Code: "no_decision", Message: "本案尚未作出行政处罚决定（或决定不予处罚），没有行政处罚决定书。"})
		return
	}
	steps, err := listSteps(r.Context(), m.d.DB, c.ID)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	d := decisionData{Case: c, Steps: stepMap(steps), Fine: c.FineFen > 0}
	d.Bureau, _ = BureauOf(c.Region)
	d.Government = region.FullName(c.Region) + "人民政府"
	if t, err := time.Parse(time.DateOnly, c.DecidedOn); err == nil {
		d.DecidedOn = fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	for _, ct := range c.Result.Citations {
		switch ct.Role {
		case "违反条款":
			d.Violated = append(d.Violated, ct)
		case "处罚依据":
			d.Basis = append(d.Basis, ct)
		}
	}
	_, d.Content = penaltyContent(c)
	m.d.Web.Render(w, r, http.StatusOK, "discretion/decision.html", "行政处罚决定书 "+c.DecisionNo, d)
}
