package discretion

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// maskID hides the middle of an ID number: 510104199001011234 → 510104********1234.
func maskID(id string) string {
	if len(id) < 10 {
		return strings.Repeat("*", len(id))
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}

func conflict(msg string) error {
	return &web.HTTPError{Status: http.StatusConflict, Code: "conflict", Message: msg}
}

// httpErr turns an engine input error into the platform's 400 with its field.
func httpErr(err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return &web.HTTPError{Status: http.StatusBadRequest, Code: ie.Code, Message: ie.Message, Field: ie.Field}
	}
	return err
}

func canUse(u *auth.User) bool     { return u.InModule("discretion") || u.IsSystemAdmin() }
func canOfficer(u *auth.User) bool { return u.HasAny("discretion", auth.Officer, auth.Admin) }
func canReview(u *auth.User) bool  { return u.HasRole("discretion", auth.Reviewer) }

func (m *Module) fail(w http.ResponseWriter, r *http.Request, err error) {
	m.d.Web.Fail(w, r, httpErr(err))
}

func (m *Module) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	if web.IsAPI(r) {
		web.APIError(w, http.StatusForbidden, "forbidden", msg, "")
		return
	}
	m.d.Web.ErrorPage(w, r, http.StatusForbidden, "没有权限", msg)
}

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// partial renders a template of the partials set into HTML.
func (m *Module) partial(name string, data any) (template.HTML, error) {
	var b bytes.Buffer
	if err := m.parts.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

func (m *Module) writePartial(w http.ResponseWriter, r *http.Request, name string, data any) {
	h, err := m.partial(name, data)
	if err != nil {
		m.d.Log.Error("partial", "name", name, "err", err)
		http.Error(w, "页面片段渲染失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(h))
}

// ---- evaluation: priors, engine, the case record ----

// evaluate fills the prior-violation facts of in from the priors source (when
// the subject is known) and runs the engine.
func (m *Module) evaluate(ctx context.Context, in *Input, subjectID string) (Result, error) {
	if in.Today.IsZero() {
		in.Today = m.today()
	}
	if it, ok := m.eng.Cat.Item(in.ItemID); ok && subjectID != "" {
		asOf := PriorsAsOf(in)
		priors, err := m.priors().PriorViolations(ctx, subjectID, it.Kind, addYears(asOf, -2))
		if err != nil {
			return Result{}, err
		}
		PriorFacts(in, priors, it.Kind, asOf)
	}
	return m.eng.Compute(*in)
}

// ruleBase returns the base kind and amount of the fine rule the result applied.
func (m *Module) ruleBase(in *Input, res *Result) (string, int64) {
	it, ok := m.eng.Cat.Item(in.ItemID)
	if !ok {
		return "", 0
	}
	var v *Version
	for _, x := range it.Versions {
		if x.Effective == res.Version {
			v = x
		}
	}
	if v == nil {
		return "", 0
	}
	rule := v.Fine
	if res.Serious && v.Serious != nil && v.Serious.Fine != nil {
		rule = v.Serious.Fine
	}
	if rule == nil || rule.Base == "" {
		return "", 0
	}
	a, _ := in.Amounts.get(rule.Base)
	if !a.Set || a.Undeterminable {
		return rule.Base, 0
	}
	return rule.Base, a.Fen
}

// caseOf builds the case record of an evaluated input.
func (m *Module) caseOf(u *auth.User, in Input, res Result, meta caseMeta) *Case {
	c := &Case{Region: u.Region, City: region.CityOf(u.Region), Status: StatusDraft, ItemID: res.ItemID, ItemName: res.ItemName,
		Party: string(in.Party), SubjectID: meta.SubjectID, SubjectName: meta.SubjectName, Facts: meta.Facts,
		ActDate: in.ActDate.Format(time.DateOnly), Tier: string(res.Tier), LegalMin: res.LegalMin, LegalMax: res.LegalMax,
		SuggestedFen: res.FineFen, FineFen: res.FineFen, Score: res.Score, Input: in, Result: res,
		OfficerID: u.ID, OfficerName: u.DisplayName, SimilarMedian: -1, Departure: -1}
	if it, ok := m.eng.Cat.Item(res.ItemID); ok {
		c.ItemKind = it.Kind
	}
	if res.NoPenalty || res.Tier == TierNoFine {
		c.SuggestedFen, c.FineFen = 0, 0
	}
	if in.ProposedFen != nil {
		c.FineFen = *in.ProposedFen
	}
	c.LegalRep, c.SubjectAddress, c.Evidence, c.Severity, c.AuthorityUSCC = meta.LegalRep, meta.Address, meta.Evidence, meta.Severity, meta.AuthorityUSCC
	if b, ok := BureauOf(c.Region); ok {
		c.Authority = b.Name
	}
	if meta.ConfiscatedFen != nil {
		c.ConfiscatedFen = *meta.ConfiscatedFen
	} else if !res.NoPenalty && !res.Barred {
		for _, cf := range res.Confiscations {
			if cf.Kind == "没收违法所得" && cf.FenKnown {
				c.ConfiscatedFen += cf.Fen
			}
		}
	}
	c.BaseKind, c.BaseFen = m.ruleBase(&in, &res)
	c.Position = positionOf(c.FineFen, c.LegalMin, c.LegalMax)
	if c.FineFen == res.FineFen {
		c.Position = res.Position
	}
	return c
}

// ---- access ----

// caseFor answers the request for the case of the path: the user must use the module and
// may read the case; otherwise it has answered with the refusal and ok is false.
func (m *Module) caseFor(w http.ResponseWriter, r *http.Request) (c *Case, ok bool) {
	if !canUse(web.User(r)) {
		if web.IsAPI(r) {
			m.forbidden(w, r, "您没有使用智慧裁量的权限")
		} else {
			m.d.Web.Forbidden(w, r, "使用智慧裁量")
		}
		return nil, false
	}
	c, err := m.loadCase(r)
	if err != nil {
		m.fail(w, r, err)
		return nil, false
	}
	return c, true
}

func (m *Module) loadCase(r *http.Request) (*Case, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, store.ErrNotFound
	}
	c, err := getCase(r.Context(), m.d.DB, id)
	if err != nil {
		return nil, err
	}
	u := web.User(r)
	if !u.CanRead(c.Region, c.Status == StatusDecided) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "out_of_scope",
			Message: "该案件属于" + region.FullName(c.Region) + "，尚未作出决定，只能由本辖区查看；已决定的案件四市共享。"}
	}
	if c.Party == string(Natural) && !u.CanWrite(c.Region) {
		c.SubjectID = maskID(c.SubjectID) // a person's ID number stays with the deciding city
	}
	if c.Demo && len(c.Result.Steps) == 0 && c.Result.Citations == nil {
		if res, err := m.eng.Compute(c.Input); err == nil && res.FineFen == c.SuggestedFen || err == nil && res.NoPenalty {
			c.Result, c.Recomputed = res, true
		}
	}
	return c, nil
}

// save evaluates and stores a new case (or replaces a draft/returned one when id > 0)
// in one transaction with its audit entries; nothing is stored on bad input.
func (m *Module) save(ctx context.Context, u *auth.User, id int64, in Input, meta caseMeta, submit bool) (*Case, error) {
	if !canOfficer(u) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有执法人员可以录入和修改案件，请联系本级管理员开通 discretion:officer 角色"}
	}
	if !region.Valid(u.Region) {
		return nil, auth.ErrScope
	}
	var old *Case
	if id > 0 {
		var err error
		if old, err = getCase(ctx, m.d.DB, id); err != nil {
			return nil, err
		}
		if !u.CanWrite(old.Region) {
			return nil, auth.ErrScope
		}
		if old.Status != StatusDraft && old.Status != StatusReturned {
			return nil, conflict("只有草稿或退回的案件可以修改；该案件" + StatusNames[old.Status] + "。")
		}
	}
	if err := checkSubject(meta); err != nil {
		return nil, err
	}
	if err := checkDecisionMeta(&meta, in.Party); err != nil {
		return nil, err
	}
	in.Today = m.today()
	res, err := m.evaluate(ctx, &in, meta.SubjectID)
	if err != nil {
		return nil, err
	}
	c := m.caseOf(u, in, res, meta)
	if old != nil {
		c.ID, c.Region, c.City, c.OfficerID, c.OfficerName = old.ID, old.Region, old.City, old.OfficerID, old.OfficerName
		c.Authority = old.Authority
		if b, ok := BureauOf(c.Region); ok {
			c.Authority = b.Name
		}
	}
	if err := m.checkPenalty(c); err != nil {
		return nil, err
	}
	rep, err := m.similar(ctx, m.d.DB, c, 0)
	if err != nil {
		return nil, err
	}
	c.SimilarN, c.SimilarMedian, c.Departure = m.departureOf(rep)
	if submit {
		c.Status = StatusPending
	}
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		action, detail := "create", "新建案件："
		if old != nil {
			action, detail = "update", "修改案件："
			if err := updateCaseContent(ctx, tx, c); err != nil {
				return err
			}
		} else {
			if c.ID, err = insertCase(ctx, tx, c); err != nil {
				return err
			}
		}
		detail += fmt.Sprintf("%s；当事人 %s；%s，拟罚款 %s（建议 %s）", c.ItemName, c.SubjectName, c.Tier, Yuan(c.FineFen), Yuan(c.SuggestedFen))
		if err := m.audit(ctx, tx, action, c, detail); err != nil {
			return err
		}
		if submit {
			return m.audit(ctx, tx, "submit", c, "提交法制审核")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return getCase(ctx, m.d.DB, c.ID)
}

func (m *Module) audit(ctx context.Context, q store.Querier, action string, c *Case, detail string) error {
	return audit.Log(ctx, q, audit.Entry{Action: action, Module: "discretion", ObjectType: "case", ObjectID: itoa(c.ID), Region: c.Region, Detail: detail})
}

// decision is what a 法制审核员's approval settles on a pending case.
type decision struct {
	ReviewerID    int64
	ReviewerName  string
	Comment       string    // 审核意见 (may be empty)
	On            time.Time // the day of the decision: 决定书 date, numbering year, 双公示 date
	SimilarN      int       // the similar decided cases at decision time,
	SimilarMedian int64     // their median position
	Departure     int64     // and the departure from it (-1 if not compared)
	// UpdatedAt, when not zero, is the time stored as the case's last change (generated
	// cases carry their decision day); zero means now.
	UpdatedAt time.Time
}

// decideIn decides the pending case c inside the caller's transaction: the bureau's next
// 决定书文号 of the decision's year when a penalty is given, the case's transition to
// decided, its audit entry, and the 行政处罚 record handed to the credit library (双公示),
// so that all of it is stored together or not at all. It returns the 决定书文号 ("" when
// no penalty is given). The approval of a reviewer and the demo generator both decide
// through it.
func (m *Module) decideIn(ctx context.Context, tx store.Querier, c *Case, d decision) (string, error) {
	penalty := givesPenalty(c)
	bureau, ok := BureauOf(c.Region)
	if penalty && !ok {
		return "", &web.HTTPError{Status: http.StatusConflict, Code: "no_bureau", Message: "办案单位 " + c.Region + " 不是四市市场监管部门，无法编排决定书文号。"}
	}
	set := map[string]any{"reviewer_id": d.ReviewerID, "reviewer_name": d.ReviewerName, "review_comment": d.Comment,
		"decided_on": d.On.Format(time.DateOnly), "similar_n": d.SimilarN, "similar_median": d.SimilarMedian, "departure": d.Departure}
	if !d.UpdatedAt.IsZero() {
		set["updated_at"] = store.Time(d.UpdatedAt)
	}
	var no string
	if penalty {
		seq, err := nextDecisionSeq(ctx, tx, bureau.Code, d.On.Year())
		if err != nil {
			return "", err
		}
		no = DecisionNumber(bureau.Prefix, d.On.Year(), seq)
		set["decision_no"] = no
	}
	if err := transition(ctx, tx, c.ID, []string{StatusPending}, StatusDecided, set); err != nil {
		return "", err
	}
	msg := "审核通过，作出决定：罚款 " + Yuan(c.FineFen)
	if no != "" {
		msg += "；决定书文号 " + no
	}
	if d.Comment != "" {
		msg += "；意见：" + d.Comment
	}
	if err := m.audit(ctx, tx, "approve", c, msg); err != nil {
		return "", err
	}
	if penalty && m.Penalties != nil {
		// 双公示: the penalty enters the credit library in the same transaction
		return no, m.Penalties.PenaltyDecided(ctx, tx, penaltyOf(c, no, d.On))
	}
	return no, nil
}

// act applies submit, approve or return to a case.
func (m *Module) act(ctx context.Context, u *auth.User, id int64, action, reason string) (*Case, error) {
	c, err := getCase(ctx, m.d.DB, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch action {
	case "submit":
		if !canOfficer(u) {
			return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有执法人员可以提交案件审核"}
		}
		if !u.CanWrite(c.Region) {
			return nil, auth.ErrScope
		}
		// a draft saved before the 决定书 and 双公示 fields existed is completed first
		meta := caseMeta{LegalRep: c.LegalRep, Address: c.SubjectAddress, Evidence: c.Evidence, Severity: c.Severity, AuthorityUSCC: c.AuthorityUSCC}
		if err := checkDecisionMeta(&meta, PartyKind(c.Party)); err != nil {
			return nil, err
		}
		if err := m.checkPenalty(c); err != nil {
			return nil, err
		}
		err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := transition(ctx, tx, id, []string{StatusDraft, StatusReturned}, StatusPending, nil); err != nil {
				return err
			}
			return m.audit(ctx, tx, "submit", c, "提交法制审核")
		})
	case "approve", "return":
		if !canReview(u) {
			return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有法制审核员可以审核案件（需要 discretion:reviewer 角色）"}
		}
		if !u.CanWrite(c.Region) {
			return nil, auth.ErrScope
		}
		if c.OfficerID == u.ID {
			return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "own_case", Message: "不能审核本人办理的案件，请由其他法制审核员审核"}
		}
		if c.Status != StatusPending {
			return nil, conflict("只有待审核的案件可以审核；该案件" + StatusNames[c.Status] + "。")
		}
		if action == "return" {
			if reason == "" {
				return nil, &auth.FieldError{Field: "reason", Message: "退回须写明理由，告诉执法人员需要补正或修改什么"}
			}
			err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
				if err := transition(ctx, tx, id, []string{StatusPending}, StatusReturned, map[string]any{
					"reviewer_id": u.ID, "reviewer_name": u.DisplayName, "review_comment": reason}); err != nil {
					return err
				}
				return m.audit(ctx, tx, "return", c, "退回："+reason)
			})
			break
		}
		// 听证 and 集体讨论 must be recorded where the engine says they are required
		steps, err2 := listSteps(ctx, m.d.DB, id)
		if err2 != nil {
			return nil, err2
		}
		today := m.today()
		if err2 := m.procedureGate(c, stepMap(steps), today); err2 != nil {
			return nil, err2
		}
		// the similar cases as they stand at decision time
		rep, err2 := m.similar(ctx, m.d.DB, c, 0)
		if err2 != nil {
			return nil, err2
		}
		n, med, dep := m.departureOf(rep)
		err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
			_, err := m.decideIn(ctx, tx, c, decision{ReviewerID: u.ID, ReviewerName: u.DisplayName, Comment: reason, On: today,
				SimilarN: n, SimilarMedian: med, Departure: dep})
			return err
		})
	default:
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return getCase(ctx, m.d.DB, id)
}

// ---- pages ----

type listData struct {
	View, Status, Q string
	Cases           []*Case
	CanCreate       bool
	CanReview       bool
	Next            int64
	Statuses        []string
}

func (m *Module) listPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "使用智慧裁量")
		return
	}
	q := r.URL.Query()
	d := listData{View: q.Get("view"), Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q")), CanCreate: canOfficer(u), CanReview: canReview(u),
		Statuses: []string{StatusDraft, StatusPending, StatusReturned, StatusDecided}}
	f := caseFilter{Status: d.Status, Q: d.Q, Limit: 50}
	if _, ok := StatusNames[d.Status]; !ok {
		f.Status, d.Status = "", ""
	}
	switch d.View {
	case "mine":
		f.OfficerID = u.ID
	case "shared":
		f.Status = StatusDecided
		d.Status = StatusDecided
	default:
		d.View = "region"
		f.Scope = u.Region
	}
	if d.View == "" {
		d.View = "region"
	}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	cases, err := listCases(r.Context(), m.d.DB, f)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	d.Cases = cases
	if len(cases) == f.Limit {
		d.Next = cases[len(cases)-1].ID
	}
	m.d.Web.Render(w, r, http.StatusOK, "discretion/list.html", "智慧裁量 · 案件", d)
}

// calcData is the calculator page.
type calcData struct {
	Values     url.Values
	Errors     map[string]string
	Message    string
	ItemBlock  template.HTML
	Result     template.HTML
	Circs      []circGroup
	Impact     []*Factor
	Amounts    []struct{ Base, Field, Name string }
	Action     string
	EditID     int64
	Comment    string
	Serious    seriousBox
	SeriousBox template.HTML // Serious rendered (the partial "seriousbox")
}

// seriousBox is the calculator's 情节严重 checkbox: By (the engine's reason) set when
// the case meets the clause's own definition, so the box shows ticked and cannot be
// unticked; Ticked keeps the officer's own tick across such a computation.
type seriousBox struct {
	Ticked bool
	By     string
	OOB    bool
}

type circGroup struct {
	Effect Effect
	List   []*Circumstance
}

// itemBlock is the partial with the item select, the item's articles and its factors.
type itemBlock struct {
	Domains []domainItems
	Item    *Item
	Version *Version
	Choice  []*Factor
	Auto    []*Factor
	// Special are the circumstances of sector rules that govern this item (AppliesTo).
	Special []*Circumstance
	Values  url.Values
	Error   string
}

type domainItems struct {
	Domain string
	Items  []*Item
}

func (m *Module) itemBlock(v url.Values, errMsg string) (template.HTML, error) {
	b := itemBlock{Values: v, Error: errMsg}
	idx := map[string]int{}
	for _, it := range m.eng.Cat.Items {
		i, ok := idx[it.Domain]
		if !ok {
			i = len(b.Domains)
			idx[it.Domain] = i
			b.Domains = append(b.Domains, domainItems{Domain: it.Domain})
		}
		b.Domains[i].Items = append(b.Domains[i].Items, it)
	}
	if it, ok := m.eng.Cat.Item(v.Get("item_id")); ok {
		b.Item = it
		b.Version = it.Versions[len(it.Versions)-1]
		for _, f := range m.eng.Ind.FactorSets[it.FactorSet] {
			if f.Kind == "choice" {
				b.Choice = append(b.Choice, f)
			} else {
				b.Auto = append(b.Auto, f)
			}
		}
		for _, c := range m.eng.Ind.Circumstances {
			if len(c.AppliesTo) > 0 && c.Applies(it) {
				b.Special = append(b.Special, c)
			}
		}
	}
	return m.partial("itemblock", b)
}

func (m *Module) calcPage(w http.ResponseWriter, r *http.Request, status int, d calcData) {
	if d.Values == nil {
		d.Values = url.Values{}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	var err error
	if d.Values.Get("serious") != "" {
		d.Serious.Ticked = true
	}
	d.Serious.OOB = false
	if d.SeriousBox, err = m.partial("seriousbox", d.Serious); err != nil {
		m.fail(w, r, err)
		return
	}
	if d.ItemBlock, err = m.itemBlock(d.Values, d.Errors["item_id"]); err != nil {
		m.fail(w, r, err)
		return
	}
	groups := map[Effect]*circGroup{}
	var order []Effect
	for _, c := range m.eng.Ind.Circumstances {
		if len(c.AppliesTo) > 0 {
			continue // a sector rule's circumstance: offered in the item block of the items it governs
		}
		g, ok := groups[c.Effect]
		if !ok {
			g = &circGroup{Effect: c.Effect}
			groups[c.Effect] = g
			order = append(order, c.Effect)
		}
		g.List = append(g.List, c)
	}
	for _, e := range order {
		d.Circs = append(d.Circs, *groups[e])
	}
	for _, f := range m.eng.Ind.Impact {
		if f.Kind == "choice" {
			d.Impact = append(d.Impact, f)
		}
	}
	d.Amounts = amountFields
	title := "新建案件"
	if d.EditID > 0 {
		title = "修改案件 #" + itoa(d.EditID)
	}
	m.d.Web.Render(w, r, status, "discretion/calc.html", title, d)
}

func (m *Module) newPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canOfficer(u) {
		m.d.Web.Forbidden(w, r, "录入案件（执法人员）")
		return
	}
	v := url.Values{}
	v.Set("party", string(Organization))
	today := m.today().Format(time.DateOnly)
	v.Set("discovery_date", today)
	if id := r.URL.Query().Get("item_id"); id != "" {
		v.Set("item_id", id)
	}
	v.Set("severity", "一般")
	v.Set("authority_uscc", m.authorityUSCC(r.Context(), u.Region))
	m.calcPage(w, r, http.StatusOK, calcData{Values: v, Action: "/discretion/cases"})
}

func (m *Module) editPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	c, err := m.loadCase(r)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	if !canOfficer(u) || !u.CanWrite(c.Region) {
		m.d.Web.Forbidden(w, r, "修改本案件")
		return
	}
	if c.Status != StatusDraft && c.Status != StatusReturned {
		m.fail(w, r, conflict("只有草稿或退回的案件可以修改；该案件"+StatusNames[c.Status]+"。"))
		return
	}
	conf := c.ConfiscatedFen
	v := valuesFromInput(c.Input, caseMeta{SubjectID: c.SubjectID, SubjectName: c.SubjectName, Facts: c.Facts, LegalRep: c.LegalRep, Address: c.SubjectAddress,
		Evidence: c.Evidence, Severity: c.Severity, AuthorityUSCC: c.AuthorityUSCC, ConfiscatedFen: &conf})
	d := calcData{Values: v, Action: "/discretion/cases/" + itoa(c.ID), EditID: c.ID, Comment: c.ReviewComment}
	d.Result, d.Serious, _ = m.resultPartial(r.Context(), v, c.ID, false)
	m.calcPage(w, r, http.StatusOK, d)
}

// resultData is the result partial.
type resultData struct {
	Result  *Result
	Err     *InputError
	Similar *SimilarReport
	Slots   []slot
	OOB     bool
	Note    string
	FineFen int64
	Pos     int64
	Priors  string
	Serious seriousBox
}

type slot struct{ ID, Msg string }

func slotsFor(ie *InputError) []slot {
	out := make([]slot, len(errorSlots))
	for i, s := range errorSlots {
		out[i].ID = errID(s)
		if ie != nil && slotOf(ie.Field) == s {
			out[i].Msg = ie.Message
		}
	}
	return out
}

// resultPartial evaluates the form and renders the result panel (or the error).
func (m *Module) resultPartial(ctx context.Context, v url.Values, exclude int64, oob bool) (template.HTML, seriousBox, error) {
	d := resultData{OOB: oob}
	d.Serious = seriousBox{Ticked: v.Get("serious") != "", OOB: oob}
	in, meta, err := m.inputFromForm(v, m.today())
	var res Result
	if err == nil {
		res, err = m.evaluate(ctx, &in, meta.SubjectID)
	}
	var ie *InputError
	switch {
	case errors.As(err, &ie):
		d.Err = ie
	case err != nil:
		return "", d.Serious, err
	default:
		d.Result = &res
		d.Serious.By = res.SeriousBy
		u := &auth.User{}
		c := m.caseOf(u, in, res, meta)
		c.ID = exclude
		d.FineFen, d.Pos = c.FineFen, c.Position
		if in.PriorsKnown {
			d.Priors = fmt.Sprintf("已按当事人证照号码查询四市已决定案件：两年内同类违法 %d 次，一年内 %d 次。", in.PriorSameKind2Years, in.PriorSameKind1Year)
		}
		if d.Similar, err = m.similar(ctx, m.d.DB, c, 0); err != nil {
			return "", d.Serious, err
		}
	}
	d.Slots = slotsFor(d.Err)
	h, err := m.partial("result", d)
	return h, d.Serious, err
}

// computePartial is the calculator's stateless compute (htmx): the result panel
// and, out of band, the message next to the field at fault.
func (m *Module) computePartial(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.forbidden(w, r, "您没有使用智慧裁量的权限")
		return
	}
	if err := r.ParseForm(); err != nil {
		m.fail(w, r, err)
		return
	}
	exclude, _ := strconv.ParseInt(r.PostForm.Get("edit_id"), 10, 64)
	h, _, err := m.resultPartial(r.Context(), r.PostForm, exclude, true)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(h))
}

func (m *Module) suggestPartial(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.forbidden(w, r, "您没有使用智慧裁量的权限")
		return
	}
	q := r.URL.Query().Get("facts")
	if q == "" {
		q = r.URL.Query().Get("q")
	}
	m.writePartial(w, r, "suggest", struct {
		Q   string
		Out []Suggestion
	}{q, Suggest(q, 5)})
}

func (m *Module) pickPartial(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.forbidden(w, r, "您没有使用智慧裁量的权限")
		return
	}
	v := url.Values{}
	v.Set("item_id", r.URL.Query().Get("item_id"))
	h, err := m.itemBlock(v, "")
	if err != nil {
		m.fail(w, r, err)
		return
	}
	w.Header().Set("HX-Trigger-After-Swap", "itemPicked")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(h))
}

// formErr re-renders the calculator with the message next to its field (nothing stored).
func (m *Module) formErr(w http.ResponseWriter, r *http.Request, d calcData, err error) {
	var ie *InputError
	var fe *auth.FieldError
	switch {
	case errors.As(err, &ie):
		d.Errors = map[string]string{slotOf(ie.Field): ie.Message}
		d.Message = ie.Message
	case errors.As(err, &fe):
		d.Errors = map[string]string{fe.Field: fe.Message}
		d.Message = fe.Message
	default:
		m.fail(w, r, err)
		return
	}
	d.Result, d.Serious, _ = m.resultPartial(r.Context(), d.Values, d.EditID, false)
	m.calcPage(w, r, http.StatusBadRequest, d)
}

func (m *Module) createForm(w http.ResponseWriter, r *http.Request) { m.saveForm(w, r, 0) }

func (m *Module) updateForm(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		m.fail(w, r, store.ErrNotFound)
		return
	}
	m.saveForm(w, r, id)
}

func (m *Module) saveForm(w http.ResponseWriter, r *http.Request, id int64) {
	u := web.User(r)
	if !canOfficer(u) {
		m.d.Web.Forbidden(w, r, "录入案件（执法人员）")
		return
	}
	if err := r.ParseForm(); err != nil {
		m.fail(w, r, err)
		return
	}
	action := "/discretion/cases"
	if id > 0 {
		action += "/" + itoa(id)
	}
	d := calcData{Values: r.PostForm, Action: action, EditID: id}
	in, meta, err := m.inputFromForm(r.PostForm, m.today())
	if err != nil {
		m.formErr(w, r, d, err)
		return
	}
	c, err := m.save(r.Context(), u, id, in, meta, r.PostForm.Get("submit") == "1")
	if err != nil {
		m.formErr(w, r, d, err)
		return
	}
	msg := "案件已保存为草稿"
	if c.Status == StatusPending {
		msg = "案件已保存并提交法制审核"
	}
	http.Redirect(w, r, "/discretion/cases/"+itoa(c.ID)+"?ok="+url.QueryEscape(msg), http.StatusSeeOther)
}

type caseData struct {
	Case       *Case
	Result     template.HTML
	Similar    *SimilarReport
	History    []audit.Entry
	CanEdit    bool
	CanSubmit  bool
	CanReview  bool
	OwnCase    bool
	DecisionNo string
	Recomputed bool
	Message    string
	// 听证 and 集体讨论
	Steps      []*ProcStep
	StepOf     map[string]*ProcStep
	CanStep    bool
	Deadline   string
	Gate       string
	HasPenalty bool
	StepErr    string
}

func (m *Module) casePage(w http.ResponseWriter, r *http.Request) {
	c, ok := m.caseFor(w, r)
	if !ok {
		return
	}
	m.renderCase(w, r, http.StatusOK, c, "")
}

func (m *Module) renderCase(w http.ResponseWriter, r *http.Request, status int, c *Case, msg string) {
	u := web.User(r)
	ctx := r.Context()
	d := caseData{Case: c, Message: msg}
	res := c.Result
	d.Recomputed = c.Recomputed
	var err error
	if d.Similar, err = m.similar(ctx, m.d.DB, c, 0); err != nil {
		m.fail(w, r, err)
		return
	}
	rd := resultData{Result: &res, FineFen: c.FineFen, Pos: c.Position, Similar: d.Similar}
	if d.Result, err = m.partial("result", rd); err != nil {
		m.fail(w, r, err)
		return
	}
	if u.CanWrite(c.Region) {
		d.History, _ = audit.List(ctx, m.d.DB, audit.Filter{Module: "discretion", ObjectID: itoa(c.ID), Limit: 50})
	}
	editable := c.Status == StatusDraft || c.Status == StatusReturned
	d.CanEdit = editable && canOfficer(u) && u.CanWrite(c.Region)
	d.CanSubmit = d.CanEdit
	d.OwnCase = c.OfficerID == u.ID
	d.CanReview = c.Status == StatusPending && canReview(u) && u.CanWrite(c.Region) && !d.OwnCase
	if c.Status == StatusDecided {
		d.DecisionNo = c.DecisionNo
		if d.DecisionNo == "" && !c.Result.NoPenalty {
			d.DecisionNo = decisionNo(c.Region, c.ID)
		}
	}
	if d.Steps, err = listSteps(ctx, m.d.DB, c.ID); err != nil {
		m.fail(w, r, err)
		return
	}
	d.StepOf = stepMap(d.Steps)
	d.HasPenalty = !c.Result.NoPenalty && !c.Result.Barred
	d.CanStep = c.Status != StatusDecided && canOfficer(u) && u.CanWrite(c.Region) && d.HasPenalty
	if n := d.StepOf[StepNotice]; n != nil {
		if t, err := time.Parse(time.DateOnly, n.OnDate); err == nil {
			d.Deadline = m.hearingDeadline(t).Format(time.DateOnly)
		}
	}
	if c.Status != StatusDecided {
		if err := m.procedureGate(c, d.StepOf, m.today()); err != nil {
			var he *web.HTTPError
			if errors.As(err, &he) {
				d.Gate = he.Message
			}
		}
	}
	m.d.Web.Render(w, r, status, "discretion/case.html", "案件 #"+itoa(c.ID), d)
}

func (m *Module) actionForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		m.fail(w, r, store.ErrNotFound)
		return
	}
	action := r.PathValue("action")
	c, err := m.act(r.Context(), u, id, action, r.PostFormValue("reason"))
	if err != nil {
		var fe *auth.FieldError
		var he *web.HTTPError
		if errors.As(err, &fe) {
			if c, err2 := m.loadCase(r); err2 == nil {
				m.renderCase(w, r, http.StatusBadRequest, c, fe.Message)
				return
			}
		}
		if errors.As(err, &he) && he.Status == http.StatusConflict {
			// a refused decision (听证, 集体讨论 missing) comes back on the case page with its reason
			if c, err2 := m.loadCase(r); err2 == nil {
				m.renderCase(w, r, he.Status, c, he.Message)
				return
			}
		}
		m.fail(w, r, err)
		return
	}
	msg := map[string]string{"submit": "已提交法制审核", "approve": "审核通过，处罚决定已作出", "return": "已退回执法人员"}[action]
	next := "/discretion/cases/" + itoa(c.ID)
	if action != "submit" {
		next = "/discretion/review"
	}
	http.Redirect(w, r, next+"?ok="+url.QueryEscape(msg), http.StatusSeeOther)
}

type reviewData struct {
	Cases     []*Case
	CanReview bool
	UserID    int64
	Threshold int64
}

func (m *Module) reviewPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "使用智慧裁量")
		return
	}
	cases, err := listCases(r.Context(), m.d.DB, caseFilter{Status: StatusPending, Scope: u.Region, Limit: 200})
	if err != nil {
		m.fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "discretion/review.html", "法制审核", reviewData{Cases: cases, CanReview: canReview(u), UserID: u.ID, Threshold: m.Config.DepartureBP})
}

type consistencyData struct {
	Items     []ItemStats
	Item      *ItemStats
	Choices   []*Item // the item filter offers every catalogue item, whichever is chosen
	ItemID    string
	Tier      string
	Tiers     []Tier
	Chart     map[string]any
	Threshold int64
	Total     int
}

func (m *Module) consistencyPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "使用智慧裁量")
		return
	}
	q := r.URL.Query()
	d := consistencyData{ItemID: q.Get("item"), Tier: q.Get("tier"), Tiers: []Tier{TierReduce, TierLenient, TierGeneral, TierSevere}, Threshold: m.Config.DepartureBP,
		Choices: m.eng.Cat.Items}
	if !slices.Contains(d.Tiers, Tier(d.Tier)) { // a tier the page does not offer is no filter
		d.Tier = ""
	}
	rows, err := decidedPositions(r.Context(), m.d.DB, d.ItemID, d.Tier)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	d.Total = len(rows)
	d.Items = m.consistency(rows)
	if d.ItemID != "" && len(d.Items) == 1 {
		d.Item = &d.Items[0]
		d.Chart = boxChart(*d.Item)
	} else {
		d.Chart = spreadChart(d.Items, 15)
	}
	m.d.Web.Render(w, r, http.StatusOK, "discretion/consistency.html", "类案一致性", d)
}

type catalogueData struct {
	Q         string
	Items     []*Item
	Suggested bool
	Version   string
	Source    string
}

// searchItems finds items by id, name, keyword, domain, law or article; when
// nothing matches literally it falls back to 法条智能引用.
func (m *Module) searchItems(q string) ([]*Item, bool) {
	q = strings.TrimSpace(q)
	if q == "" {
		return m.eng.Cat.Items, false
	}
	var out []*Item
	for _, it := range m.eng.Cat.Items {
		hay := []string{it.ID, it.Name, it.Domain, it.Kind, strings.Join(it.Keywords, " ")}
		for _, v := range it.Versions {
			hay = append(hay, v.Violated.Cite(), v.Penalty.Cite(), v.Violated.Article+v.Violated.Paragraph, v.Penalty.Article+v.Penalty.Paragraph)
		}
		for _, h := range hay {
			if strings.Contains(strings.ToLower(h), strings.ToLower(q)) {
				out = append(out, it)
				break
			}
		}
	}
	if len(out) > 0 {
		return out, false
	}
	for _, s := range Suggest(q, 10) {
		if it, ok := m.eng.Cat.Item(s.ItemID); ok {
			out = append(out, it)
		}
	}
	return out, true
}

func (m *Module) cataloguePage(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.d.Web.Forbidden(w, r, "使用智慧裁量")
		return
	}
	q := r.URL.Query().Get("q")
	items, sugg := m.searchItems(q)
	m.d.Web.Render(w, r, http.StatusOK, "discretion/catalogue.html", "裁量基准目录", catalogueData{Q: q, Items: items, Suggested: sugg, Version: m.eng.Cat.Version, Source: m.eng.Cat.Source})
}

type itemData struct {
	Item    *Item
	Factors []*Factor
	Count   int64
}

func (m *Module) itemPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "使用智慧裁量")
		return
	}
	it, ok := m.eng.Cat.Item(r.PathValue("id"))
	if !ok {
		m.fail(w, r, store.ErrNotFound)
		return
	}
	n, _ := countCases(r.Context(), m.d.DB, caseFilter{Status: StatusDecided, ItemID: it.ID}, "")
	m.d.Web.Render(w, r, http.StatusOK, "discretion/item.html", it.Name, itemData{Item: it, Factors: m.eng.Ind.FactorSets[it.FactorSet], Count: n})
}

// ---- JSON API ----

// apiInput is Input with dates as "YYYY-MM-DD" strings (RFC 3339 accepted too).
type apiInput struct {
	Input
	ActDate       string `json:"act_date"`
	ActEndDate    string `json:"act_end_date"`
	DiscoveryDate string `json:"discovery_date"`
	Today         string `json:"today"`
	// SubjectID (compute only): look up the subject's prior violations.
	SubjectID string `json:"subject_id"`
}

// decodeInput reads a JSON body holding an engine input. A value of the wrong type is named
// by its JSON path as the client sent it (the input's embedded Go struct is not part of it),
// with the JSON type it must have.
func decodeInput(r *http.Request, v any) error {
	err := web.DecodeJSON(r, v)
	var he *web.HTTPError
	if errors.As(err, &he) && he.Field != "" {
		he.Field = strings.ReplaceAll(he.Field, "Input.", "")
		he.Message = strings.ReplaceAll(he.Message, "Input.", "")
		for _, t := range [][2]string{{"int64", "整数（金额以分为单位）"}, {"int", "整数"}, {"string", "字符串"}, {"bool", "true 或 false"}} {
			if strings.HasSuffix(he.Message, "应为 "+t[0]) {
				he.Message = strings.TrimSuffix(he.Message, t[0]) + t[1]
				break
			}
		}
	}
	return err
}

func apiDay(s, field string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) > 10 && s[10] == 'T' {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, inErr(field, ErrBadDate, "日期「"+s+"」格式不对，请写作 YYYY-MM-DD，例如 2026-03-15。")
	}
	return t, nil
}

func (a *apiInput) toInput(allowToday bool) (Input, error) {
	in := a.Input
	var err error
	for _, d := range []struct {
		s     string
		field string
		dst   *time.Time
	}{{a.ActDate, "act_date", &in.ActDate}, {a.ActEndDate, "act_end_date", &in.ActEndDate}, {a.DiscoveryDate, "discovery_date", &in.DiscoveryDate}, {a.Today, "today", &in.Today}} {
		if *d.dst, err = apiDay(d.s, d.field); err != nil {
			return in, err
		}
	}
	if !allowToday {
		in.Today = time.Time{}
	}
	return in, nil
}

func (m *Module) apiCompute(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.forbidden(w, r, "您没有使用智慧裁量的权限")
		return
	}
	var a apiInput
	if err := decodeInput(r, &a); err != nil {
		m.fail(w, r, err)
		return
	}
	in, err := a.toInput(true)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	res, err := m.evaluate(r.Context(), &in, strings.ToUpper(strings.TrimSpace(a.SubjectID)))
	if err != nil {
		m.fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, res)
}

type apiCaseIn struct {
	Input          apiInput `json:"input"`
	SubjectID      string   `json:"subject_id"`
	SubjectName    string   `json:"subject_name"`
	Facts          string   `json:"facts"`
	LegalRep       string   `json:"legal_rep"`
	SubjectAddress string   `json:"subject_address"`
	Evidence       string   `json:"evidence"`
	Severity       string   `json:"severity"`
	AuthorityUSCC  string   `json:"authority_uscc"`
	ConfiscatedFen *int64   `json:"confiscated_fen"`
	Submit         bool     `json:"submit"`
}

func (m *Module) apiCreate(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canOfficer(u) {
		m.forbidden(w, r, "只有执法人员可以录入案件，请联系本级管理员开通 discretion:officer 角色")
		return
	}
	var body apiCaseIn
	if err := decodeInput(r, &body); err != nil {
		m.fail(w, r, err)
		return
	}
	in, err := body.Input.toInput(false)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	// priors come from the source, never from the client
	in.PriorsKnown, in.PriorSameKind1Year, in.PriorSameKind2Years = false, 0, 0
	meta := caseMeta{SubjectID: strings.ToUpper(strings.TrimSpace(body.SubjectID)), SubjectName: strings.TrimSpace(body.SubjectName), Facts: strings.TrimSpace(body.Facts),
		LegalRep: strings.TrimSpace(body.LegalRep), Address: strings.TrimSpace(body.SubjectAddress), Evidence: strings.TrimSpace(body.Evidence),
		Severity: strings.TrimSpace(body.Severity), AuthorityUSCC: strings.ToUpper(strings.TrimSpace(body.AuthorityUSCC)), ConfiscatedFen: body.ConfiscatedFen}
	c, err := m.save(r.Context(), u, 0, in, meta, body.Submit)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, c)
}

func (m *Module) apiList(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.forbidden(w, r, "您没有使用智慧裁量的权限")
		return
	}
	q := r.URL.Query()
	f := caseFilter{Status: q.Get("status"), ItemID: q.Get("item_id"), Q: q.Get("q"), Scope: u.Region}
	if f.Status != "" {
		if _, ok := StatusNames[f.Status]; !ok {
			m.fail(w, r, &auth.FieldError{Field: "status", Message: "状态只能是 draft（草稿）、pending（待审核）、decided（已决定）或 returned（退回）"})
			return
		}
	}
	switch q.Get("scope") {
	case "shared": // decided cases of all four cities
		f.Scope, f.Status = "", StatusDecided
	case "mine":
		f.OfficerID = u.ID
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	cases, err := listCases(r.Context(), m.d.DB, f)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	if cases == nil {
		cases = []*Case{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"cases": cases})
}

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) {
	c, ok := m.caseFor(w, r)
	if !ok {
		return
	}
	web.WriteJSON(w, http.StatusOK, c)
}

func (m *Module) apiSimilar(w http.ResponseWriter, r *http.Request) {
	c, ok := m.caseFor(w, r)
	if !ok {
		return
	}
	band, _ := strconv.ParseInt(r.URL.Query().Get("band"), 10, 64)
	if band < 0 || band > 100 {
		m.fail(w, r, &auth.FieldError{Field: "band", Message: "基数浮动范围 band 应为 1–100（百分比）"})
		return
	}
	rep, err := m.similar(r.Context(), m.d.DB, c, band)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, rep)
}

func (m *Module) apiAction(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		m.fail(w, r, store.ErrNotFound)
		return
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(r, &body); err != nil {
			m.fail(w, r, err)
			return
		}
	}
	c, err := m.act(r.Context(), u, id, r.PathValue("action"), body.Reason)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, c)
}

// apiItem is a catalogue item in the API.
type apiItem struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Domain   string     `json:"domain"`
	Kind     string     `json:"kind"`
	Keywords []string   `json:"keywords"`
	Versions []*Version `json:"versions"`
	Source   string     `json:"source"`
}

func (m *Module) apiItems(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.forbidden(w, r, "您没有使用智慧裁量的权限")
		return
	}
	items, sugg := m.searchItems(r.URL.Query().Get("q"))
	out := make([]apiItem, 0, len(items))
	for _, it := range items {
		out = append(out, apiItem{it.ID, it.Name, it.Domain, it.Kind, it.Keywords, it.Versions, it.Source})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"catalogue_version": m.eng.Cat.Version, "suggested": sugg, "items": out})
}

func (m *Module) apiSuggest(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.forbidden(w, r, "您没有使用智慧裁量的权限")
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n <= 0 || n > 20 {
		n = 5
	}
	out := Suggest(r.URL.Query().Get("q"), n)
	if out == nil {
		out = []Suggestion{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"suggestions": out})
}

// authorityUSCC is the code to prefill for an officer's bureau: the data file's, else the
// one the unit's last case used.
func (m *Module) authorityUSCC(ctx context.Context, code string) string {
	if b, ok := BureauOf(code); ok && b.USCC != "" {
		return b.USCC
	}
	var v string
	_ = m.d.DB.QueryRow(ctx, "SELECT authority_uscc FROM discretion_cases WHERE region = ? AND authority_uscc <> '' ORDER BY id DESC LIMIT 1", code).Scan(&v)
	return v
}

func (m *Module) stepForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		m.fail(w, r, store.ErrNotFound)
		return
	}
	in := StepInput{Kind: r.PostFormValue("kind"), Date: r.PostFormValue("date"), Detail: r.PostFormValue("detail"), Outcome: r.PostFormValue("outcome")}
	s, err := m.recordStep(r.Context(), u, id, in)
	if err != nil {
		var fe *auth.FieldError
		var he *web.HTTPError
		if errors.As(err, &fe) || errors.As(err, &he) && he.Status == http.StatusConflict {
			if c, err2 := m.loadCase(r); err2 == nil {
				msg, status := "", http.StatusBadRequest
				if fe != nil {
					msg = fe.Message
				} else {
					msg, status = he.Message, he.Status
				}
				m.renderCase(w, r, status, c, msg)
				return
			}
		}
		m.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/discretion/cases/"+itoa(id)+"?ok="+url.QueryEscape("已记录"+s.KindName), http.StatusSeeOther)
}

func (m *Module) apiStep(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		m.fail(w, r, store.ErrNotFound)
		return
	}
	var in StepInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.fail(w, r, err)
		return
	}
	s, err := m.recordStep(r.Context(), web.User(r), id, in)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, s)
}

func (m *Module) apiSteps(w http.ResponseWriter, r *http.Request) {
	c, ok := m.caseFor(w, r)
	if !ok {
		return
	}
	steps, err := listSteps(r.Context(), m.d.DB, c.ID)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	if steps == nil {
		steps = []*ProcStep{}
	}
	out := map[string]any{"steps": steps, "hearing_right": c.Result.Procedure.HearingRight, "collective": c.Result.Procedure.Collective, "ready": true}
	if c.Status != StatusDecided {
		if err := m.procedureGate(c, stepMap(steps), m.today()); err != nil {
			out["ready"], out["missing"] = false, err.Error()
			var he *web.HTTPError
			if errors.As(err, &he) {
				out["missing"] = he.Message
			}
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func op(summary string, body bool) map[string]any {
	o := map[string]any{"summary": summary, "tags": []string{"智慧裁量"}, "responses": map[string]any{"200": map[string]any{"description": "成功"},
		"default": map[string]any{"description": "错误：{\"error\":{\"code\",\"message\",\"field\"}}"}}}
	if body {
		o["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
	}
	return o
}

func openAPIPaths() map[string]any {
	return map[string]any{
		"/api/v1/discretion/compute": map[string]any{"post": op("无状态计算：提交案件事实（Input，日期 YYYY-MM-DD，金额单位分），返回建议罚款、阶次、依据与说理（Result）；输入有误返回 400 与 field", true)},
		"/api/v1/discretion/cases": map[string]any{
			"get":  op("案件列表：本辖区案件；scope=shared 为四市已决定案件，scope=mine 为本人案件；参数 status item_id q limit before", false),
			"post": op("新建案件（执法人员）：{input, subject_id, subject_name, facts, legal_rep, subject_address, evidence, severity(轻微|一般|严重), authority_uscc, confiscated_fen, submit}；与审计记录同一事务保存", true)},
		"/api/v1/discretion/cases/{id}":         map[string]any{"get": op("案件详情（未决定的案件仅本辖区可读，已决定的四市共享）", false)},
		"/api/v1/discretion/cases/{id}/submit":  map[string]any{"post": op("提交法制审核（执法人员）", false)},
		"/api/v1/discretion/cases/{id}/approve": map[string]any{"post": op("审核通过并作出决定（法制审核员，本辖区，不能审核本人案件）；须已记录应有的听证和集体讨论步骤；同一事务内编排决定书文号并将行政处罚推送信用库（双公示）；可附 {reason} 意见", true)},
		"/api/v1/discretion/cases/{id}/return":  map[string]any{"post": op("退回（法制审核员），须附 {reason}", true)},
		"/api/v1/discretion/cases/{id}/similar": map[string]any{"get": op("类案同罚：四市同事项、同阶次、基数相近（band，默认 ±50%）的已决定案件及其位置中位数与偏离提示", false)},
		"/api/v1/discretion/cases/{id}/steps": map[string]any{
			"get":  op("听证与集体讨论步骤，以及尚缺的步骤（ready=false 时 missing 说明缺什么）", false),
			"post": op("记录步骤（执法人员，本辖区）：{kind: hearing_notice|hearing_request|hearing_waiver|hearing_record|collective, date: YYYY-MM-DD, detail, outcome: 同意|不同意}", true)},
		"/api/v1/discretion/items":   map[string]any{"get": op("裁量基准目录，q 按关键词、事项编号或条文（如 第一百二十四条）检索", false)},
		"/api/v1/discretion/suggest": map[string]any{"get": op("法条智能引用：q 为违法事实描述，返回最匹配的事项（n 条，默认 5）", false)},
	}
}
