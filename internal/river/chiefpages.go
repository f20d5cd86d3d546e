package river

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// pageTreeLimit is the most chiefs drawn in one 河长关系树 page (the rest are reached
// from the lower chiefs' pages); treeLimit is the API's default.
const (
	pageTreeLimit = 500
	treeLimit     = 1500
)

type chiefsData struct {
	Filter  ChiefFilter
	Chiefs  []*ChiefInfo
	Next    int64
	Query   string
	Levels  []Level
	Regions []region.Region
	// 待重新挂接的河长: for the 河长办, the chiefs of its region whose superior left office
	Unlinked []*Unlinked
}

func chiefFilterFrom(r *http.Request, u *auth.User) ChiefFilter {
	q := r.URL.Query()
	// the roster lists the chiefs in office unless asked for the retired (status=retired)
	// or for both (status=all)
	f := ChiefFilter{Region: q.Get("region"), Name: q.Get("name"), Status: "active"}
	switch st := q.Get("status"); st {
	case "retired", "unlinked":
		f.Status = st
	case "all":
		f.Status = ""
	}
	if _, ok := q["region"]; !ok {
		f.Region = u.Region // the user's own region first; the list reads across the four cities
	}
	if l, err := strconv.Atoi(q.Get("level")); err == nil && l >= 1 && l <= 5 {
		f.Level = Level(l)
	}
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	return f
}

func (m *Module) chiefsPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长名录")
		return
	}
	f := chiefFilterFrom(r, u)
	if f.Status == "unlinked" {
		f.Status = "active"
	}
	list, err := listChiefs(r.Context(), m.d.DB, f)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	d := chiefsData{Filter: f, Chiefs: list, Levels: Levels, Regions: region.All()}
	if m.canEditArchive(u) {
		if d.Unlinked, err = listUnlinked(r.Context(), m.d.DB, u.Region, 500); err != nil {
			m.d.Web.Fail(w, r, err)
			return
		}
	}
	lim := f.Limit
	if lim <= 0 || lim > 500 {
		lim = 100
	}
	if len(list) == lim {
		d.Next = list[len(list)-1].ID
	}
	q := r.URL.Query()
	q.Del("after")
	q.Set("region", f.Region)
	d.Query = q.Encode()
	m.d.Web.Render(w, r, http.StatusOK, "river/chief_list.html", "河长名录", d)
}

// ChiefFile is what the chief page and its API show.
type ChiefFile struct {
	Chief     *ChiefInfo   `json:"chief"`
	Chain     []*ChiefInfo `json:"chain"` // upwards, nearest first
	Reaches   []Reach      `json:"reaches"`
	Terms     []ReachTerm  `json:"terms"` // the reaches the chief holds and held, newest first
	Tree      *TreeNode    `json:"tree,omitempty"`
	TreeSize  int          `json:"tree_size"`
	Truncated bool         `json:"truncated"`
	Shown     int          `json:"shown"`
	ShowPhone bool         `json:"-"`
	Up        []*ChiefInfo `json:"-"` // the chain from the top down, for the page
	// the 河长办's forms on the page: register a chief under this one, give it a reach
	CanEdit  bool            `json:"-"`
	Regions  []region.Region `json:"-"`
	SubLevel []Level         `json:"-"`
	Form     NewChiefInput   `json:"-"`
	FormErr  string          `json:"-"`
	FormFor  string          `json:"-"` // "self", "chief", "reach" or "retire": which form FormErr belongs to
	// 卸任: the in-office chiefs of the same level and region who can take over
	Successors []*ChiefInfo `json:"-"`
	// 重新挂接: the in-office chiefs above whose unit the chief's region lies in
	Superiors []*ChiefInfo `json:"-"`
	Retire    RetireInput  `json:"-"`
	// the page's 河长关系树 (archiverows.go)
	TreeHTML template.HTML `json:"-"`
}

func (m *Module) chiefFile(ctx context.Context, u *auth.User, id int64, tree bool, max int) (*ChiefFile, error) {
	db := m.d.DB
	c, err := getChief(ctx, db, id)
	if err != nil {
		return nil, err
	}
	f := &ChiefFile{Chief: c, ShowPhone: m.canEditArchive(u) && u.CanWrite(c.Region)}
	if f.ShowPhone && !c.Retired() {
		f.CanEdit = true
		if f.Successors, err = inOfficeChiefs(ctx, db, c.ID, []string{c.Region}, c.Level); err != nil {
			return nil, err
		}
		for _, code := range append([]string{c.Region}, regionCodesUnder(c.Region)...) {
			if rg, ok := region.Get(code); ok && u.CanWrite(code) {
				f.Regions = append(f.Regions, rg)
			}
		}
		if f.Superiors, err = superiorCandidates(ctx, db, c); err != nil {
			return nil, err
		}
		for l := c.Level + 1; l <= LevelVillage; l++ {
			f.SubLevel = append(f.SubLevel, l)
		}
	}
	if f.Chain, err = ChiefChain(ctx, db, c); err != nil {
		return nil, err
	}
	for i := len(f.Chain) - 1; i >= 0; i-- {
		f.Up = append(f.Up, f.Chain[i])
	}
	if f.Reaches, err = chiefReaches(ctx, db, id); err != nil {
		return nil, err
	}
	c.Reaches = int64(len(f.Reaches))
	if f.Terms, err = listTerms(ctx, db, "chief_id", id); err != nil {
		return nil, err
	}
	if tree {
		if f.Tree, f.TreeSize, f.Truncated, err = ChiefTree(ctx, db, c, max); err != nil {
			return nil, err
		}
		c.Children = f.Tree.Children
		f.Shown = countNodes(f.Tree)
	}
	return f, nil
}

func (m *Module) chiefPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长")
		return
	}
	id, _ := web.PathID(r, "id")
	m.renderChief(w, r, http.StatusOK, id, func(*ChiefFile) {})
}

func (m *Module) renderChief(w http.ResponseWriter, r *http.Request, status int, id int64, with func(*ChiefFile)) {
	f, err := m.chiefFile(r.Context(), web.User(r), id, true, pageTreeLimit)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	with(f)
	f.TreeHTML = chiefTreeHTML(f.Tree)
	m.d.Web.Render(w, r, status, "river/chief_page.html", f.Chief.Name+" · "+f.Chief.LevelName+"河长", f)
}

// regionCodesUnder lists the codes of every region below code (two levels at most).
func regionCodesUnder(code string) []string {
	var out []string
	for _, c := range region.Children(code) {
		out = append(out, c.Code)
		for _, cc := range region.Children(c.Code) {
			out = append(out, cc.Code)
		}
	}
	return out
}

// subChiefForm registers a chief under chief {id} from the chief page.
func (m *Module) subChiefForm(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	lvl, _ := strconv.Atoi(r.PostFormValue("level"))
	in := NewChiefInput{Name: r.PostFormValue("name"), Level: lvl, Region: r.PostFormValue("region"), Place: r.PostFormValue("place"),
		Title: r.PostFormValue("title"), Phone: r.PostFormValue("phone"), ParentID: id}
	c, err := m.CreateChief(r.Context(), web.User(r), in)
	if err != nil {
		m.refuseChiefForm(w, r, err, id, func(f *ChiefFile, msg string) { f.Form, f.FormErr, f.FormFor = in, msg, "chief" })
		return
	}
	http.Redirect(w, r, "/river/chiefs/"+strconv.FormatInt(c.ID, 10)+"?ok="+urlQuery("已登记河长 "+c.Name), http.StatusSeeOther)
}

// chiefUpdateForm changes the chief's name, post, phone or place from the chief page.
func (m *Module) chiefUpdateForm(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	in := ChiefChange{Name: r.PostFormValue("name"), Title: r.PostFormValue("title"), Phone: r.PostFormValue("phone"), Place: r.PostFormValue("place")}
	if _, err := m.UpdateChief(r.Context(), web.User(r), id, in); err != nil {
		m.refuseChiefForm(w, r, err, id, func(f *ChiefFile, msg string) { f.FormErr, f.FormFor = msg, "self" })
		return
	}
	http.Redirect(w, r, "/river/chiefs/"+strconv.FormatInt(id, 10)+"?ok="+urlQuery("河长信息已修改"), http.StatusSeeOther)
}

// reachToChiefForm gives the reach with the entered 公示牌 code to chief {id}.
func (m *Module) reachToChiefForm(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if _, err := m.AssignReach(r.Context(), web.User(r), code, id); err != nil {
		he := web.Classify(err)
		if he.Status >= 500 {
			m.d.Web.Fail(w, r, err)
			return
		}
		msg := he.Message
		if he.Status == http.StatusNotFound {
			msg = "没有公示牌编码为“" + code + "”的河段，请核对编码"
		}
		m.renderChief(w, r, he.Status, id, func(f *ChiefFile) { f.FormErr, f.FormFor = msg, "reach" })
		return
	}
	http.Redirect(w, r, "/river/chiefs/"+strconv.FormatInt(id, 10)+"?ok="+urlQuery("河段 "+code+" 已交由本河长负责")+"#reaches", http.StatusSeeOther)
}

// retireForm records from the chief page that the chief leaves office, handing its
// reaches to the successor chosen for all or for each reach.
func (m *Module) retireForm(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	in := RetireInput{Reason: r.PostFormValue("reason"), Date: r.PostFormValue("date"), Handover: map[string]int64{}}
	in.SuccessorID, _ = strconv.ParseInt(r.PostFormValue("successor_id"), 10, 64)
	_ = r.ParseForm()
	for k, v := range r.PostForm {
		if code, ok := strings.CutPrefix(k, "handover."); ok && len(v) > 0 {
			if n, _ := strconv.ParseInt(v[0], 10, 64); n > 0 {
				in.Handover[code] = n
			}
		}
	}
	res, err := m.RetireChief(r.Context(), web.User(r), id, in)
	if err != nil {
		m.refuseChiefForm(w, r, err, id, func(f *ChiefFile, msg string) { f.Retire, f.FormErr, f.FormFor = in, msg, "retire" })
		return
	}
	msg := fmt.Sprintf("已办理 %s 卸任，移交河段 %d 个", res.Chief.Name, len(res.Handed))
	http.Redirect(w, r, "/river/chiefs/"+strconv.FormatInt(id, 10)+"?ok="+urlQuery(msg), http.StatusSeeOther)
}

// superiorCandidates lists the in-office chiefs who may be c's superior: of a higher
// level, in the province, c's city or c's own region.
func superiorCandidates(ctx context.Context, q store.Querier, c *ChiefInfo) ([]*ChiefInfo, error) {
	regions := []string{region.ProvinceCode}
	for _, rg := range []string{region.CityOf(c.Region), c.Region} {
		if rg != "" && rg != regions[len(regions)-1] {
			regions = append(regions, rg)
		}
	}
	list, err := inOfficeChiefs(ctx, q, c.ID, regions, 0)
	var out []*ChiefInfo
	for _, p := range list {
		if p.Level < c.Level && region.Within(c.Region, p.Region) {
			out = append(out, p)
		}
	}
	return out, err
}

// relinkForm gives chief {id} a new superior from the chief page.
func (m *Module) relinkForm(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	pid, _ := strconv.ParseInt(r.PostFormValue("parent_id"), 10, 64)
	c, err := m.RelinkChief(r.Context(), web.User(r), id, pid)
	if err != nil {
		m.refuseChiefForm(w, r, err, id, func(f *ChiefFile, msg string) { f.FormErr, f.FormFor = msg, "parent" })
		return
	}
	http.Redirect(w, r, "/river/chiefs/"+strconv.FormatInt(id, 10)+"?ok="+urlQuery("已把 "+c.Name+" 挂接到新的上级河长"), http.StatusSeeOther)
}

// inOfficeChiefs lists the chiefs in office in the given regions (at level lvl when
// lvl > 0), except the one with id except, highest level first.
func inOfficeChiefs(ctx context.Context, q store.Querier, except int64, regions []string, lvl Level) ([]*ChiefInfo, error) {
	args := []any{except}
	w := "c.retired_at = '' AND c.id <> ? AND c.region IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(regions)), ", ") + ")"
	for _, rg := range regions {
		args = append(args, rg)
	}
	if lvl > 0 {
		w, args = w+" AND c.level = ?", append(args, int(lvl))
	}
	rows, err := q.Query(ctx, "SELECT "+chiefCols+" FROM river_chiefs c WHERE "+w+" ORDER BY c.level, c.region, c.id LIMIT 300", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ChiefInfo
	for rows.Next() {
		c, err := scanChief(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReachFile is the reach page: the reach, its chiefs over time, and for the 河长办 the
// chiefs in office who may take it over.
type ReachFile struct {
	Reach      *Reach
	Terms      []ReachTerm
	CanEdit    bool
	Candidates []*ChiefInfo
	FormErr    string
}

func (m *Module) reachPage(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看河段") {
		return
	}
	m.renderReach(w, r, http.StatusOK, "")
}

func (m *Module) renderReach(w http.ResponseWriter, r *http.Request, status int, formErr string) {
	ctx, u := r.Context(), web.User(r)
	reach, err := getReach(ctx, m.d.DB, "code", r.PathValue("code"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	f := &ReachFile{Reach: reach, FormErr: formErr, CanEdit: m.canEditArchive(u) && u.CanWrite(reach.Region)}
	if f.Terms, err = reachHistory(ctx, m.d.DB, reach); err == nil && f.CanEdit {
		// the chiefs whose unit holds the reach: of its county (or city), its city, the province
		units := []string{reach.Region}
		for _, up := range []string{region.CityOf(reach.Region), region.ProvinceCode} {
			if up != "" && up != reach.Region {
				units = append(units, up)
			}
		}
		f.Candidates, err = inOfficeChiefs(ctx, m.d.DB, reach.ChiefID, units, 0)
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, status, "river/reach.html", reach.Name+" · 河段", f)
}

// reachChiefForm gives the reach to another chief from the reach page (调整).
func (m *Module) reachChiefForm(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	id, _ := strconv.ParseInt(r.PostFormValue("chief_id"), 10, 64)
	reach, err := m.AssignReach(r.Context(), web.User(r), code, id)
	if err != nil {
		he := web.Classify(err)
		if he.Status >= 500 || he.Status == http.StatusNotFound {
			m.d.Web.Fail(w, r, err)
			return
		}
		m.renderReach(w, r, he.Status, he.Message)
		return
	}
	http.Redirect(w, r, "/river/reaches/"+url.PathEscape(code)+"?ok="+urlQuery("河段已交由 "+reach.ChiefName+" 负责"), http.StatusSeeOther)
}

type officesData struct {
	Region  string
	Level   Level
	Staff   []Staff
	Levels  []Level
	Regions []region.Region
}

func (m *Module) officesPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长办")
		return
	}
	q := r.URL.Query()
	reg := q.Get("region")
	if _, ok := q["region"]; !ok {
		reg = u.Region
	}
	lvl, _ := strconv.Atoi(q.Get("level"))
	list, err := listStaff(r.Context(), m.d.DB, reg, Level(lvl), 1000)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "river/chief_offices.html", "各级河长办", officesData{Region: reg, Level: Level(lvl), Staff: list, Levels: Levels, Regions: region.All()})
}

// Board is the public notice board (河长公示牌) of a reach.
type Board struct {
	Reach      *Reach       `json:"reach"`
	RiverName  string       `json:"river_name"`
	Chief      *ChiefInfo   `json:"chief,omitempty"`
	Chain      []*ChiefInfo `json:"chain,omitempty"` // the chiefs above, nearest first
	Duties     string       `json:"duties"`
	Phone      string       `json:"supervision_phone"`
	ReportCode string       `json:"report_code"` // the code the public reports with
	ReportPath string       `json:"report_path"` // the public report page
	Office     []Staff      `json:"office,omitempty"`
}

// DefaultDuties is shown on a board whose reach has no duties of its own: the
// six tasks of 河长制 in the Sichuan wording.
const DefaultDuties = "组织领导本河段水资源保护、水域岸线管理、水污染防治、水环境治理、水生态修复、执法监管工作，定期巡河，协调解决重大问题"

func (m *Module) board(ctx context.Context, code string) (*Board, error) {
	db := m.d.DB
	reach, err := getReach(ctx, db, "code", code)
	if err != nil {
		return nil, err
	}
	b := &Board{Reach: reach, RiverName: reach.RiverName, Duties: reach.Duties, Phone: reach.Phone, ReportCode: reach.Code,
		ReportPath: "/river/public/" + url.PathEscape(reach.Code)}
	if b.Duties == "" {
		b.Duties = DefaultDuties
	}
	if b.Phone == "" {
		b.Phone = "12345"
	}
	if reach.ChiefID > 0 {
		c, err := getChief(ctx, db, reach.ChiefID)
		if err != nil && err != store.ErrNotFound {
			return nil, err
		}
		if c != nil {
			b.Chief = c
			chain, err := ChiefChain(ctx, db, c)
			if err != nil {
				return nil, err
			}
			for _, up := range chain { // the board names chiefs in office only
				if !up.Retired() {
					b.Chain = append(b.Chain, up)
				}
			}
		}
	}
	// the county office of the reach (the office a report reaches first)
	st, err := listStaff(ctx, db, reach.Region, 0, 50)
	if err != nil {
		return nil, err
	}
	for _, s := range st {
		if s.Region == reach.Region {
			b.Office = append(b.Office, s)
		}
	}
	return b, nil
}

func (m *Module) boardPage(w http.ResponseWriter, r *http.Request) {
	b, err := m.board(r.Context(), r.PathValue("code"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "river/chief_board.html", b.Reach.Name+" · 河长公示牌", b)
}

func (m *Module) apiChiefs(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长名录")
		return
	}
	f := chiefFilterFrom(r, u)
	if f.Status == "unlinked" {
		list, err := listUnlinked(r.Context(), m.d.DB, f.Region, f.Limit)
		m.d.Web.Reply(w, r, http.StatusOK)(web.Items(list), err)
		return
	}
	list, err := listChiefs(r.Context(), m.d.DB, f)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	out := map[string]any{"items": list}
	lim := f.Limit
	if lim <= 0 || lim > 500 {
		lim = 100
	}
	if n := len(list); n == lim {
		out["next_after"] = list[n-1].ID
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiChief(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看河长") {
		return
	}
	id, _ := web.PathID(r, "id")
	m.d.Web.Reply(w, r, http.StatusOK)(m.chiefFile(r.Context(), web.User(r), id, false, 0))
}

func (m *Module) apiChiefTree(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看河长关系树") {
		return
	}
	id, _ := web.PathID(r, "id")
	lim, _ := strconv.Atoi(r.URL.Query().Get("max"))
	if lim <= 0 || lim > 20000 {
		lim = treeLimit
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.chiefFile(r.Context(), web.User(r), id, true, lim))
}

func (m *Module) apiOffices(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长办")
		return
	}
	lvl, _ := strconv.Atoi(r.URL.Query().Get("level"))
	list, err := listStaff(r.Context(), m.d.DB, r.URL.Query().Get("region"), Level(lvl), 2000)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": len(list), "items": list})
}

func countNodes(n *TreeNode) int {
	k := 1
	for _, c := range n.Kids {
		k += countNodes(c)
	}
	return k
}

// refuseChiefForm answers a chief form the store refused: a server error as one, any
// other refusal on the chief's page with its message and the form shown again (set
// fills the page's form and message).
func (m *Module) refuseChiefForm(w http.ResponseWriter, r *http.Request, err error, id int64, set func(f *ChiefFile, msg string)) {
	he := web.Classify(err)
	if he.Status >= 500 {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.renderChief(w, r, he.Status, id, func(f *ChiefFile) { set(f, he.Message) })
}
