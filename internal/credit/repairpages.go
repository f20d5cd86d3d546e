package credit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// ---- publication of blacklist entries ----

// Status is where a blacklist entry stands on a day: in public view or not,
// and why.
type Status struct {
	Public bool
	Text   string    // 公示中, 已移出（信用修复）, 公示期满 …
	End    time.Time // last day in public view (zero: none yet known)
}

// EntryStatus tells whether a blacklist entry is in public view on day `on`.
// An entry is 严重失信 information: under 国办发〔2025〕22号 it is published for
// at most 3 years from its listing (PublicationPeriod(严重)), and earlier
// ends come from its planned removal date, a recorded removal or an approved
// credit repair (the earliest wins).
func EntryStatus(e *StoredEntry, on time.Time) Status {
	on = Day(on)
	end := PublicationPeriod(SeveritySerious, e.ListedOn).MaxEnd // first day out of view
	why := "公示期满（严重失信信息最长公示3年）"
	if !e.PlannedRemovalOn.IsZero() && Day(e.PlannedRemovalOn).AddDate(0, 0, 1).Before(end) {
		end, why = Day(e.PlannedRemovalOn).AddDate(0, 0, 1), "已期满移出"
	}
	if !e.RemovedOn.IsZero() && Day(e.RemovedOn).Before(end) {
		end, why = Day(e.RemovedOn), "已移出"
		if e.RemovalReason != "" {
			why += "（" + e.RemovalReason + "）"
		}
	}
	if !e.RepairedOn.IsZero() && !Day(e.RepairedOn).After(end) {
		end, why = Day(e.RepairedOn), "已移出（信用修复）"
	}
	st := Status{End: end.AddDate(0, 0, -1)}
	switch {
	case on.Before(Day(e.ListedOn)):
		st.Text = "尚未开始公示（列入日期 " + FormatDate(e.ListedOn) + "）"
	case on.Before(end):
		st.Public, st.Text = true, "公示中"
	default:
		st.Text = why
	}
	return st
}

// ---- the module's own navigation ----

var subnavItems = []struct{ path, title string }{
	{"/credit/", "信用查询"},
	{"/credit/blacklist", "严重失信主体名单"},
	{"/credit/repairs", "信用修复"},
	{"/credit/import", "导入信用数据"},
	{"/credit/bulletin", "月通报"},
}

// subnav renders the module's navigation line; active is the current path.
func subnav(active string) template.HTML {
	var b strings.Builder
	b.WriteString(`<nav class="subnav" aria-label="信用模块">`)
	for i, it := range subnavItems {
		if i > 0 {
			b.WriteString(" · ")
		}
		if it.path == active {
			fmt.Fprintf(&b, `<strong>%s</strong>`, template.HTMLEscapeString(it.title))
			continue
		}
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, it.path, template.HTMLEscapeString(it.title))
	}
	b.WriteString(`</nav>`)
	return template.HTML(b.String())
}

// ---- blacklist list and entry ----

// EntryView is a blacklist entry with its status on the page's day.
type EntryView struct {
	StoredEntry
	Status
	City string
}

type blacklistData struct {
	City, ListType, State string
	Cities                []region.Region
	ListTypes             []string
	Entries               []EntryView
	Total, Shown          int
	Today                 string
}

const blacklistPageRows = 500

func (m *Module) blacklistPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看严重失信主体名单")
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state != "public" && state != "out" && state != "all" {
		state = "public"
	}
	data, err := m.blacklist(r.Context(), q.Get("city"), q.Get("list_type"), state, 0, blacklistPageRows)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/blacklist.html", "严重失信主体名单", data)
}

// blacklist lists the entries of the list as the page and the API give them:
// of one city and one list type when given, in public view ("public"), out of
// it ("out") or both ("all") on today's date, newest listing first; Total
// counts them all, Entries holds limit of them from offset on.
func (m *Module) blacklist(ctx context.Context, city, listType, state string, offset, limit int) (*blacklistData, error) {
	today := m.today()
	data := &blacklistData{City: city, ListType: strings.TrimSpace(listType), State: state, Cities: region.Cities(), Today: FormatDate(today)}
	if data.City != "" && (!region.Valid(data.City) || region.CityOf(data.City) != data.City || data.City == region.ProvinceCode) {
		return nil, &auth.FieldError{Field: "city", Message: "地市“" + data.City + "”不可用，请从列表中选择成都、德阳、眉山或资阳"}
	}
	types, err := m.d.DB.Query(ctx, "SELECT DISTINCT list_type FROM credit_blacklist ORDER BY list_type")
	if err != nil {
		return nil, err
	}
	for types.Next() {
		var s string
		if err := types.Scan(&s); err != nil {
			types.Close()
			return nil, err
		}
		data.ListTypes = append(data.ListTypes, s)
	}
	types.Close()
	qs := "SELECT id, region, repaired_on, body_json FROM credit_blacklist WHERE 1 = 1"
	var args []any
	if data.City != "" {
		qs += " AND city = ?"
		args = append(args, data.City)
	}
	if data.ListType != "" {
		qs += " AND list_type = ?"
		args = append(args, data.ListType)
	}
	qs += " ORDER BY listed_on DESC, id DESC"
	entries, err := queryEntries(ctx, m.d.DB, qs, args...)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		v := EntryView{StoredEntry: e, Status: EntryStatus(&e, today), City: region.Name(region.CityOf(e.Region))}
		if data.State == "public" && !v.Public || data.State == "out" && v.Public {
			continue
		}
		data.Total++
		if data.Total > offset && len(data.Entries) < limit {
			data.Entries = append(data.Entries, v)
		}
	}
	data.Shown = len(data.Entries)
	return data, nil
}

func queryEntries(ctx context.Context, q store.Querier, qs string, args ...any) ([]StoredEntry, error) {
	rows, err := q.Query(ctx, qs, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredEntry
	for rows.Next() {
		var e StoredEntry
		var body, rep string
		if err := rows.Scan(&e.ID, &e.Region, &rep, &body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &e.BlacklistEntry); err != nil {
			return nil, err
		}
		e.RepairedOn = parseDateText(rep)
		out = append(out, e)
	}
	return out, rows.Err()
}

func getEntry(ctx context.Context, q store.Querier, id int64) (*StoredEntry, error) {
	es, err := queryEntries(ctx, q, "SELECT id, region, repaired_on, body_json FROM credit_blacklist WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, store.ErrNotFound
	}
	return &es[0], nil
}

// repairsOf lists the applications for one target, newest first.
func repairsOf(ctx context.Context, q store.Querier, typ string, id int64) ([]StoredRepair, error) {
	return queryRepairs(ctx, q, "SELECT id, target_type, target_id, region, body_json FROM credit_repairs WHERE target_type = ? AND target_id = ? ORDER BY id DESC", typ, id)
}

func queryRepairs(ctx context.Context, q store.Querier, qs string, args ...any) ([]StoredRepair, error) {
	rows, err := q.Query(ctx, qs, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredRepair
	for rows.Next() {
		var r StoredRepair
		var body string
		if err := rows.Scan(&r.ID, &r.TargetType, &r.TargetID, &r.Region, &body); err != nil {
			return nil, err
		}
		var b repairBody
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			return nil, err
		}
		r.RepairApplication, r.RepairExtra = b.RepairApplication, b.RepairExtra
		out = append(out, r)
	}
	return out, rows.Err()
}

func (r *StoredRepair) open() bool { return r.State == RepairApplied || r.State == RepairReviewing }

type entryData struct {
	Entry    EntryView
	Repairs  []StoredRepair
	CanApply bool   // the user may enter an application now
	Why      string // why not, when the user is a clerk
}

func (m *Module) entryPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看严重失信主体名单")
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	data, err := m.entry(r.Context(), u, id)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/entry.html", "严重失信主体名单 · "+data.Entry.SubjectName, data)
}

// entry is one entry of the list with its status today, its repair
// applications and whether u may apply for a repair now, audited as a
// sensitive read.
func (m *Module) entry(ctx context.Context, u *auth.User, id int64) (*entryData, error) {
	e, err := getEntry(ctx, m.d.DB, id)
	if err != nil {
		return nil, err
	}
	reps, err := repairsOf(ctx, m.d.DB, "blacklist", id)
	if err != nil {
		return nil, err
	}
	today := m.today()
	data := &entryData{Entry: EntryView{StoredEntry: *e, Status: EntryStatus(e, today), City: region.Name(region.CityOf(e.Region))}, Repairs: reps}
	switch {
	case !canCollect(u):
	case !u.CanWrite(e.Region):
		data.Why = "该记录属于" + region.FullName(e.Region) + "，信用修复由其所属地的信用部门受理。"
	case !data.Entry.Public:
		data.Why = "该记录" + data.Entry.Text + "，不在公示期内，无需修复。"
	default:
		data.CanApply = true
		for _, rp := range reps {
			if rp.open() {
				data.CanApply, data.Why = false, fmt.Sprintf("已有办理中的信用修复申请（第%d号）。", rp.ID)
			}
		}
	}
	err = audit.Log(ctx, m.d.DB, audit.Entry{Action: "read_sensitive", Module: "credit", ObjectType: "blacklist", ObjectID: strconv.FormatInt(id, 10), Region: e.Region,
		Detail: "查看严重失信主体名单记录：" + e.SubjectName})
	return data, err
}

// ---- application form ----

// repairTargetView describes the target on the form and the application page.
type repairTargetView struct {
	Type   string `json:"type"` // blacklist or record
	Key    string `json:"key"`
	Name   string `json:"name"`
	USCC   string `json:"uscc"`
	What   string `json:"what"`
	Link   string `json:"link"`
	Region string `json:"region"`
	Status string `json:"status"`
	MinEnd string `json:"min_end,omitempty"` // earliest day to apply (records), "" = none
}

func (m *Module) targetView(ctx context.Context, typ string, id int64) (*repairTargetView, error) {
	today := m.today()
	switch typ {
	case "blacklist":
		e, err := getEntry(ctx, m.d.DB, id)
		if err != nil {
			return nil, err
		}
		st := EntryStatus(e, today)
		return &repairTargetView{Type: typ, Key: e.Key(), Name: e.SubjectName, USCC: e.USCC, Region: e.Region, Status: st.Text,
			What: "严重失信主体名单：" + e.ListType + "（" + e.DocNo + "，列入日期 " + FormatDate(e.ListedOn) + "）",
			Link: "/credit/blacklist/" + strconv.FormatInt(id, 10)}, nil
	case "record":
		var reg, rep, body string
		err := m.d.DB.QueryRow(ctx, "SELECT region, repaired_on, body_json FROM credit_records WHERE id = ?", id).Scan(&reg, &rep, &body)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		var rec Record
		if err := json.Unmarshal([]byte(body), &rec); err != nil {
			return nil, err
		}
		v := &repairTargetView{Type: typ, Key: rec.Key(), Name: rec.PartyName, USCC: rec.USCC, Region: reg,
			What: string(rec.Type) + "：" + rec.DocNo + "（决定日期 " + FormatDate(rec.DecisionDate) + "，失信等级 " + string(rec.Severity) + "）"}
		if rec.PublicOn(today, parseDateText(rep)) {
			v.Status = "公示中，至 " + FormatDate(rec.PublicEnd(parseDateText(rep)).AddDate(0, 0, -1))
		} else {
			v.Status = "已不在公示期内"
		}
		if rec.Adverse() {
			if p := PublicationPeriod(rec.Severity, rec.DecisionDate); p.MinEnd.After(p.Start) {
				v.MinEnd = FormatDate(p.MinEnd)
			}
		}
		if rec.USCC != "" {
			v.Link = "/credit/subjects/" + rec.USCC
		}
		return v, nil
	}
	return nil, &auth.FieldError{Field: "target_type", Message: "修复对象应为严重失信主体名单或行政处罚、行政强制记录"}
}

type applyData struct {
	Target *repairTargetView
	In     RepairInput
	Roles  []string
	Err    *web.HTTPError
}

func (m *Module) applyForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "办理信用修复")
		return
	}
	in := RepairInput{TargetType: r.URL.Query().Get("target_type")}
	in.TargetID, _ = strconv.ParseInt(r.URL.Query().Get("target_id"), 10, 64)
	t, err := m.targetView(r.Context(), in.TargetType, in.TargetID)
	if err == nil && !u.CanWrite(t.Region) {
		err = &web.HTTPError{Status: http.StatusForbidden, Code: "out_of_scope", Message: "该记录属于" + region.FullName(t.Region) + "，不在您的辖区（" + region.FullName(u.Region) + "）内，应由其所属地的信用部门受理"}
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/apply.html", "申请信用修复", applyData{Target: t, In: in, Roles: ApplicantRoles})
}

func (m *Module) applySubmit(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "办理信用修复")
		return
	}
	in := RepairInput{TargetType: r.PostFormValue("target_type"), Applicant: r.PostFormValue("applicant"), ApplicantRole: r.PostFormValue("applicant_role"),
		Reason: r.PostFormValue("reason"), Evidence: r.PostFormValue("evidence")}
	in.TargetID, _ = strconv.ParseInt(r.PostFormValue("target_id"), 10, 64)
	ctx := r.Context()
	rep, err := m.applyRepair(ctx, u, in)
	if err != nil {
		he := web.Classify(err)
		t, terr := m.targetView(ctx, in.TargetType, in.TargetID)
		if he.Status != http.StatusBadRequest && he.Status != http.StatusConflict || terr != nil {
			m.d.Web.Fail(w, r, err)
			return
		}
		m.d.Web.Render(w, r, he.Status, "credit/apply.html", "申请信用修复", applyData{Target: t, In: in, Roles: ApplicantRoles, Err: he})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/repairs/%d?ok=%s", rep.ID, url.QueryEscape(fmt.Sprintf("信用修复申请第%d号已登记，等待审核", rep.ID))), http.StatusSeeOther)
}

// ---- review queue and application page ----

// RepairView is an application with its target's description.
type RepairView struct {
	StoredRepair
	City string
}

type queueData struct {
	State   string
	States  []RepairState
	Repairs []RepairView
	Decider bool
}

func (m *Module) repairQueue(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看信用修复")
		return
	}
	data, err := m.repairList(r.Context(), u, r.URL.Query().Get("state"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/repairs.html", "信用修复", data)
}

// repairQueueRows is how many applications the queue shows.
const repairQueueRows = 500

// repairList is the queue of applications u may read, newest first: state
// "open" ("" too) for those still being handled, "all", or one RepairState.
func (m *Module) repairList(ctx context.Context, u *auth.User, state string) (*queueData, error) {
	data := &queueData{State: state, States: []RepairState{RepairApplied, RepairReviewing, RepairRemoved, RepairRefused}, Decider: canDecide(u)}
	qs := "SELECT id, target_type, target_id, region, body_json FROM credit_repairs"
	var args []any
	switch data.State {
	case "", "open":
		data.State = "open"
		qs += " WHERE state IN (?, ?)"
		args = append(args, string(RepairApplied), string(RepairReviewing))
	case "all":
	default:
		if !containsState(data.States, RepairState(data.State)) {
			return nil, &auth.FieldError{Field: "state", Message: "办理状态“" + data.State + "”不可用，请选择待办、已申请、审核中、已修复或不予修复"}
		}
		qs += " WHERE state = ?"
		args = append(args, data.State)
	}
	qs += " ORDER BY id DESC"
	reps, err := queryRepairs(ctx, m.d.DB, qs, args...)
	if err != nil {
		return nil, err
	}
	for _, rp := range reps {
		if !u.CanRead(rp.Region, false) {
			continue
		}
		data.Repairs = append(data.Repairs, RepairView{StoredRepair: rp, City: region.Name(region.CityOf(rp.Region))})
		if len(data.Repairs) == repairQueueRows {
			break
		}
	}
	return data, nil
}

func containsState(list []RepairState, s RepairState) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

type repairData struct {
	Repair               StoredRepair
	Target               *repairTargetView
	CanReview, CanDecide bool
	Why                  string
	Err                  *web.HTTPError
	Note                 string
}

func (m *Module) repairData(ctx context.Context, u *auth.User, id int64) (*repairData, error) {
	rep, err := getRepair(ctx, m.d.DB, id)
	if err == nil && !u.CanRead(rep.Region, false) {
		err = &web.HTTPError{Status: http.StatusForbidden, Code: "out_of_scope", Message: "该申请属于" + region.FullName(rep.Region) + "，不在您的辖区（" + region.FullName(u.Region) + "）内"}
	}
	if err != nil {
		return nil, err
	}
	t, err := m.targetView(ctx, rep.TargetType, rep.TargetID)
	if err != nil {
		return nil, err
	}
	d := &repairData{Repair: *rep, Target: t}
	inScope := u.CanWrite(rep.Region)
	d.CanReview = rep.State == RepairApplied && inScope && (canCollect(u) || canDecide(u))
	d.CanDecide = rep.State == RepairReviewing && inScope && canDecide(u) && rep.EnteredBy != u.Username
	if rep.State == RepairReviewing && !d.CanDecide {
		switch {
		case !inScope:
			d.Why = "该申请属于" + region.FullName(rep.Region) + "，由其所属地的信用审核人员决定。"
		case !canDecide(u):
			d.Why = "准予或不予修复由信用审核人员决定。"
		default:
			d.Why = "该申请由您录入，须由另一位审核人员决定。"
		}
	}
	return d, nil
}

func (m *Module) repairPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看信用修复")
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	d, err := m.repairData(r.Context(), u, id)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/repair.html", fmt.Sprintf("信用修复申请第%d号", id), d)
}

var stepDone = map[string]string{"review": "已受理，进入审核", "remove": "已准予修复，记录已移出公示", "refuse": "已决定不予修复"}

func (m *Module) repairStepForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) && !canDecide(u) {
		m.d.Web.Forbidden(w, r, "办理信用修复")
		return
	}
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	action := r.PathValue("action")
	note := r.PostFormValue("note")
	if _, err := m.stepRepair(ctx, u, id, action, note); err != nil {
		he := web.Classify(err)
		d, derr := m.repairData(ctx, u, id)
		if he.Status >= 500 || he.Status == http.StatusNotFound || derr != nil {
			m.d.Web.Fail(w, r, err)
			return
		}
		d.Err, d.Note = he, note
		m.d.Web.Render(w, r, he.Status, "credit/repair.html", fmt.Sprintf("信用修复申请第%d号", id), d)
		return
	}
	dest := fmt.Sprintf("/credit/repairs/%d", id)
	if action != "review" {
		dest = "/credit/repairs"
	}
	http.Redirect(w, r, dest+"?ok="+url.QueryEscape(fmt.Sprintf("信用修复申请第%d号%s", id, stepDone[action])), http.StatusSeeOther)
}
