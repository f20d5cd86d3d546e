package river

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// mountArchive registers the 一河一档 and chiefs pages and API (called from Mount).
func (m *Module) mountArchive() {
	w := m.d.Web
	w.AddNav(web.NavItem{Module: "river", Title: "一河一档", Path: "/river/rivers"}, web.NavItem{Module: "river", Title: "河长", Path: "/river/chiefs"})
	w.Handle("GET /river/rivers", m.riversPage)
	w.Handle("GET /river/rivers/{id}", m.riverPage)
	w.Handle("GET /river/outfalls/new", m.outfallNewPage)
	w.Handle("POST /river/outfalls", m.outfallCreateForm)
	w.Handle("GET /river/outfalls/{id}", m.outfallEditPage)
	w.Handle("POST /river/outfalls/{id}", m.outfallUpdateForm)
	w.Handle("POST /river/outfalls/{id}/delete", m.outfallDeleteForm)
	w.Handle("GET /river/measures/new", m.measureNewPage)
	w.Handle("POST /river/measures", m.measureCreateForm)
	w.Handle("GET /river/measures/{id}", m.measureEditPage)
	w.Handle("POST /river/measures/{id}", m.measureProgressForm)
	w.Handle("POST /river/measures/{id}/delete", m.measureDeleteForm)
	w.Handle("GET /river/chiefs", m.chiefsPage)
	w.Handle("GET /river/chiefs/{id}", m.chiefPage)
	w.Handle("POST /river/chiefs/{id}/children", m.subChiefForm)
	w.Handle("POST /river/chiefs/{id}/reaches", m.reachToChiefForm)
	w.Handle("POST /river/chiefs/{id}", m.chiefUpdateForm)
	w.Handle("POST /river/chiefs/{id}/retire", m.retireForm)
	w.Handle("POST /river/chiefs/{id}/parent", m.relinkForm)
	w.Handle("GET /river/reaches/{code}", m.reachPage)
	w.Handle("POST /river/reaches/{code}/chief", m.reachChiefForm)
	w.Handle("POST /api/v1/river/chiefs/{id}/retire", m.apiChiefRetire)
	w.Handle("GET /api/v1/river/reaches/{code}/terms", m.apiReachTerms)
	w.Handle("PUT /api/v1/river/chiefs/{id}", m.apiChiefUpdate)
	w.Handle("PUT /api/v1/river/chiefs/{id}/parent", m.apiChiefParent)
	w.Handle("GET /river/offices", m.officesPage)
	w.Handle("GET /river/board/{code}", m.boardPage, web.Public())

	w.Handle("GET /api/v1/river/rivers", m.apiRivers)
	w.Handle("GET /api/v1/river/rivers/{id}", m.apiRiver)
	w.Handle("GET /api/v1/river/reaches", m.apiReaches)
	w.Handle("GET /api/v1/river/reaches/{code}", m.apiReach)
	w.Handle("GET /api/v1/river/chiefs", m.apiChiefs)
	w.Handle("GET /api/v1/river/chiefs/{id}", m.apiChief)
	w.Handle("GET /api/v1/river/chiefs/{id}/tree", m.apiChiefTree)
	w.Handle("POST /api/v1/river/chiefs", m.apiChiefCreate)
	w.Handle("PUT /api/v1/river/reaches/{code}/chief", m.apiReachChief)
	w.Handle("GET /api/v1/river/offices", m.apiOffices)
	w.Handle("GET /api/v1/river/outfalls", m.apiOutfalls)
	w.Handle("POST /api/v1/river/outfalls", m.apiOutfallCreate, web.MaxBody(64<<10))
	w.Handle("PUT /api/v1/river/outfalls/{id}", m.apiOutfallUpdate, web.MaxBody(64<<10))
	w.Handle("DELETE /api/v1/river/outfalls/{id}", m.apiArchiveDelete("outfall"))
	w.Handle("GET /api/v1/river/measures", m.apiMeasures)
	w.Handle("POST /api/v1/river/measures", m.apiMeasureCreate, web.MaxBody(64<<10))
	w.Handle("PUT /api/v1/river/measures/{id}", m.apiMeasureProgress, web.MaxBody(64<<10))
	w.Handle("DELETE /api/v1/river/measures/{id}", m.apiArchiveDelete("measure"))
	w.OpenAPI(archiveOpenAPI())
	audit.NameAction("progress", "更新进度")
	audit.NameAction("retire", "河长卸任")
	audit.NameAction("relink", "重新挂接上级河长")
}

func archiveOpenAPI() map[string]any {
	op := func(summary string) map[string]any {
		return map[string]any{"summary": summary, "tags": []string{"河长制"}, "responses": map[string]any{"200": map[string]any{"description": "成功"},
			"400": map[string]any{"description": "输入有误：{\"error\":{\"code\",\"message\",\"field\"}}"}, "403": map[string]any{"description": "无权限或超出辖区"}}}
	}
	return map[string]any{
		"/api/v1/river/rivers":               map[string]any{"get": op("一河一档目录：河流、湖库（basin、kind 筛选），含河段、断面、排污口、一河一策措施与未办结问题数")},
		"/api/v1/river/rivers/{id}":          map[string]any{"get": op("一河一档：基本信息与出处、河段及河长、断面（目标与最新水质类别）、排污口、一河一策措施、未办结问题")},
		"/api/v1/river/reaches":              map[string]any{"get": op("河段列表（river、region 筛选）")},
		"/api/v1/river/reaches/{code}":       map[string]any{"get": op("河段公示牌：河长、职责、监督电话、举报编码")},
		"/api/v1/river/chiefs":               map[string]any{"get": op("河长列表（region、level、name、status=active 在任（默认）/ retired 已卸任 / all 全部 / unlinked 待重新挂接（在任、上级河长已卸任：former_parent_id、former_parent_name、since 上级卸任日期）筛选，after 翻页）"), "post": op("登记河长（name、level 1–5、region、place、title、phone、parent_id；河长办，限本辖区）")},
		"/api/v1/river/reaches/{code}/chief": map[string]any{"put": op("调整河段的河长（chief_id；河长办，限本辖区，河长须属河段所在辖区）")},
		"/api/v1/river/chiefs/{id}":          map[string]any{"get": op("河长：所管河段、任职记录、上级河长链（河长关系树向上），卸任的河长有 retired_on、retire_reason"), "put": op("修改河长姓名、职务、电话、乡镇或村（河长办，限本辖区）")},
		"/api/v1/river/chiefs/{id}/retire":   map[string]any{"post": op("河长卸任（reason、date YYYY-MM-DD、successor_id 接管全部河段和下级河长、handover {公示牌编码: 河长编号} 逐段指定；所管河段都须有在任的接任河长，否则整步不办；河长办，限本辖区）")},
		"/api/v1/river/reaches/{code}/terms": map[string]any{"get": op("河段历任河长：chief_id、start、end（零值为至今）、reason 离任原因，新的在前")},
		"/api/v1/river/chiefs/{id}/parent":   map[string]any{"put": op("重新挂接上级河长（parent_id：在任、层级更高、本河长所在辖区的河长，不得在本河长之下；河长办，限本辖区；审计记录原上级和新上级）")},
		"/api/v1/river/chiefs/{id}/tree":     map[string]any{"get": op("河长关系树：该河长以下在任的各级河长（已卸任的不列、不计，max 限制节点数）")},
		"/api/v1/river/offices":              map[string]any{"get": op("各级河长办工作人员（region、level 筛选）")},
		"/api/v1/river/outfalls":             map[string]any{"get": op("入河排污口（river 筛选）"), "post": op("登记排污口（河长办，限本辖区）")},
		"/api/v1/river/outfalls/{id}":        map[string]any{"put": op("修改排污口（河长办，限本辖区）"), "delete": op("删除误登记的排污口（河长办，限本辖区；已封堵的排污口请改状态）")},
		"/api/v1/river/measures":             map[string]any{"get": op("一河一策措施（river 筛选）"), "post": op("新增一河一策措施（河长办，限本辖区）")},
		"/api/v1/river/measures/{id}":        map[string]any{"put": op("更新措施进度（progress 0–100、progress_note、deadline；河长办，限本辖区）"), "delete": op("删除措施（河长办，限本辖区）")},
	}
}

func (m *Module) canEditArchive(u *auth.User) bool {
	return u.HasAny("river", auth.RiverOffice, auth.Admin)
}

func actorName(u *auth.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// checkRiverRegion checks the river exists and the region lies on it (one of its cities).
func (m *Module) checkRiverRegion(riverID, regionCode string) (*RiverInfo, error) {
	info := m.waterInfo(riverID)
	if info == nil {
		return nil, fieldErr("river_id", fmt.Sprintf("河流“%s”不在一河一档中，请从列表中选择", riverID))
	}
	if !slices.Contains(info.Cities(), region.CityOf(regionCode)) && regionCode != region.ProvinceCode {
		return nil, fieldErr("region", fmt.Sprintf("%s不在%s流经的市内，请选择%s流经的区县", region.FullName(regionCode), info.Name, info.Name))
	}
	return info, nil
}

// SaveOutfall registers (id 0) or changes an outfall for the 河长办 of its region, audited.
func (m *Module) SaveOutfall(ctx context.Context, u *auth.User, id int64, in OutfallInput) (*Outfall, error) {
	if !m.canEditArchive(u) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以登记或修改排污口"}
	}
	if in.ReachID > 0 && strings.TrimSpace(in.Region) == "" {
		if r, err := getReach(ctx, m.d.DB, "id", in.ReachID); err == nil {
			in.Region = r.Region
		}
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if _, err := m.checkRiverRegion(in.RiverID, in.Region); err != nil {
		return nil, err
	}
	if in.ReachID > 0 {
		r, err := getReach(ctx, m.d.DB, "id", in.ReachID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && r.RiverID != in.RiverID) {
			return nil, fieldErr("reach_id", "所选河段不在该河流上，请重新选择河段")
		} else if err != nil {
			return nil, err
		}
	}
	if !u.CanWrite(in.Region) {
		return nil, auth.ErrScope
	}
	var out *Outfall
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		var other int64
		err := tx.QueryRow(ctx, "SELECT id FROM river_outfalls WHERE code = ?", in.Code).Scan(&other)
		if err == nil && other != id {
			return fieldErr("code", "排污口编码“"+in.Code+"”已被其他排污口使用，请核对编码")
		}
		action, detail := "create", "登记排污口 "+in.Code+" "+in.Name
		if id == 0 {
			if id, err = insertOutfall(ctx, tx, &in, actorName(u), m.Now(), false); err != nil {
				return err
			}
		} else {
			old, err := getOutfall(ctx, tx, id)
			if err != nil {
				return err
			}
			if !u.CanWrite(old.Region) {
				return auth.ErrScope
			}
			if err := updateOutfall(ctx, tx, id, &in, actorName(u), m.Now()); err != nil {
				return err
			}
			action = "update"
			detail = fmt.Sprintf("修改排污口 %s：状态 %s → %s，许可证 %s → %s", in.Code, old.Status.String(), OutfallStatus(in.Status).String(), old.Permit, in.Permit)
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: action, Module: "river", ObjectType: "outfall", ObjectID: strconv.FormatInt(id, 10), Region: in.Region, Detail: detail}); err != nil {
			return err
		}
		out, err = getOutfall(ctx, tx, id)
		return err
	})
	return out, err
}

// AddMeasure adds a 一河一策 measure for the 河长办 of its region, audited.
func (m *Module) AddMeasure(ctx context.Context, u *auth.User, in MeasureInput) (*Measure, error) {
	if !m.canEditArchive(u) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以制定一河一策措施"}
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if _, err := m.checkRiverRegion(in.RiverID, in.Region); err != nil {
		return nil, err
	}
	if !u.CanWrite(in.Region) {
		return nil, auth.ErrScope
	}
	var out *Measure
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := insertMeasure(ctx, tx, &in, actorName(u), m.Now(), false)
		if err != nil {
			return err
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "river", ObjectType: "measure", ObjectID: strconv.FormatInt(id, 10), Region: in.Region,
			Detail: fmt.Sprintf("一河一策（%s）新增措施：%s，时限 %s", in.RiverID, in.Measure, in.Deadline)}); err != nil {
			return err
		}
		out, err = getMeasure(ctx, tx, id, m.Now())
		return err
	})
	return out, err
}

// UpdateProgress records a measure's progress for the 河长办 of the measure's region, audited.
func (m *Module) UpdateProgress(ctx context.Context, u *auth.User, id int64, in ProgressInput) (*Measure, error) {
	if !m.canEditArchive(u) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以更新一河一策措施的进度"}
	}
	if err := checkProgress(in.Progress, in.Note); err != nil {
		return nil, err
	}
	dl := ""
	if strings.TrimSpace(in.Deadline) != "" {
		d, err := checkDate("deadline", in.Deadline)
		if err != nil {
			return nil, err
		}
		dl = d
	}
	var out *Measure
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		old, err := getMeasure(ctx, tx, id, m.Now())
		if err != nil {
			return err
		}
		if !u.CanWrite(old.Region) {
			return auth.ErrScope
		}
		if dl == "" {
			dl = old.Deadline
		}
		if _, err := tx.Exec(ctx, "UPDATE river_measures SET progress = ?, progress_note = ?, deadline = ?, updated_at = ?, updated_by = ? WHERE id = ?",
			*in.Progress, strings.TrimSpace(in.Note), dl, store.Time(m.Now()), actorName(u), id); err != nil {
			return err
		}
		detail := fmt.Sprintf("进度 %d%% → %d%%", old.Progress, *in.Progress)
		if dl != old.Deadline {
			detail += "；时限 " + old.Deadline + " → " + dl
		}
		if n := strings.TrimSpace(in.Note); n != "" {
			detail += "；" + n
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "progress", Module: "river", ObjectType: "measure", ObjectID: strconv.FormatInt(id, 10), Region: old.Region, Detail: detail}); err != nil {
			return err
		}
		out, err = getMeasure(ctx, tx, id, m.Now())
		return err
	})
	return out, err
}

// ---- the river file (一河一档) ----

// RiverFile is everything the river page and its API show.
type RiverFile struct {
	Info     *RiverInfo `json:"info"`
	KindName string     `json:"kind_name"`
	// UnverifiedNames are the Chinese names of Info's unverified facts.
	UnverifiedNames []string `json:"unverified_names"`
	// Parent is the river it flows into, Tributaries those flowing into it
	// (within the reference data).
	Parent       *RiverInfo     `json:"-"`
	Tributaries  []*RiverInfo   `json:"-"`
	Summary      RiverSummary   `json:"summary"`
	Region       string         `json:"region_filter,omitempty"`
	Reaches      []ReachRow     `json:"reaches"`
	ReachesShown int            `json:"-"`
	Sections     []SectionView  `json:"sections"`
	Outfalls     []*Outfall     `json:"outfalls"`
	Measures     []*Measure     `json:"measures"`
	Problems     []*ProblemRow  `json:"open_problems"`
	OpenProblems int64          `json:"open_problems_total"`
	CanEdit      bool           `json:"-"`
	EditOutfall  map[int64]bool `json:"-"` // outfalls the user may change
	EditMeasure  map[int64]bool `json:"-"` // measures the user may change
	Counties     []string       `json:"-"`
	ReachRows    template.HTML  `json:"-"` // the page's reach rows (archiverows.go)
}

// SectionView is a section with its names for display.
type SectionView struct {
	SectionRow
	KindName   string `json:"kind_name"`
	TargetName string `json:"target_name"`
	LastName   string `json:"last_name"`
	Worse      bool   `json:"worse_than_target"`
	// Unverified names the facts of the section the reference data could not
	// confirm (所在河流, 所在区域 …), as the page marks them.
	Unverified []string `json:"unverified_names,omitempty"`
}

// unverifiedOf names the section's unverified facts ("所在区域" too when the
// reference data gives no place and the platform filed it by its river's
// first city).
func (m *Module) unverifiedOf(id string) []string {
	if s := m.atlas.Section(id); s != nil {
		return s.UnverifiedNames()
	}
	return nil
}

// Has reports whether name is among the section's unverified facts.
func (v SectionView) Has(name string) bool { return slices.Contains(v.Unverified, name) }

func sectionKindName(k string) string {
	switch SectionKind(k) {
	case SectionNational:
		return "国控断面"
	case SectionProvincial:
		return "省控断面"
	case SectionHandover:
		return "交接断面"
	}
	return "监测断面"
}

const reachPageLimit = 300

// riverPageListLimit bounds the outfalls and the 一河一策 measures a river page lists.
const riverPageListLimit = 1000

func (m *Module) riverFile(ctx context.Context, u *auth.User, id, regionFilter string) (*RiverFile, error) {
	info := m.waterInfo(id)
	if info == nil {
		return nil, store.ErrNotFound
	}
	db := m.d.DB
	f := &RiverFile{Info: info, KindName: info.Kind.Name(), UnverifiedNames: info.UnverifiedNames(), Region: regionFilter, CanEdit: m.canEditArchive(u), EditOutfall: map[int64]bool{}, EditMeasure: map[int64]bool{}}
	if regionFilter != "" && !region.Valid(regionFilter) {
		return nil, fieldErr("region", "区县代码“"+regionFilter+"”无效，请从列表中选择")
	}
	if info.Parent != "" {
		f.Parent = m.waterInfo(info.Parent)
	}
	f.Tributaries = m.atlas.Tributaries(info.ID)
	var err error
	if f.Reaches, err = riverReaches(ctx, db, id, regionFilter, reachPageLimit); err != nil {
		return nil, err
	}
	// the regions the river's reaches lie in (for the filter) and how many the filter keeps
	byRegion, err := countBy(ctx, db, "SELECT region, COUNT(*) FROM river_reaches WHERE river_id = ? GROUP BY region ORDER BY region", id)
	if err != nil {
		return nil, err
	}
	f.Counties = web.SortedKeys(byRegion)
	var reaches int64
	for _, n := range byRegion {
		reaches += n
	}
	if regionFilter == "" || regionFilter == region.ProvinceCode {
		f.ReachesShown = int(reaches)
	} else {
		p := scopePrefix(regionFilter) + "%"
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM river_reaches r WHERE r.river_id = ? AND (r.region LIKE ? OR r.region2 LIKE ?)", id, p, p).Scan(&f.ReachesShown); err != nil {
			return nil, err
		}
	}
	secs, err := riverSections(ctx, db, id)
	if err != nil {
		return nil, err
	}
	for _, s := range secs {
		v := SectionView{SectionRow: s, KindName: sectionKindName(s.Kind), TargetName: "未定", LastName: "暂无监测", Unverified: m.unverifiedOf(s.ID)}
		if s.Target > 0 {
			v.TargetName = s.Target.String()
		}
		if s.LastClass > 0 {
			v.LastName = s.LastClass.String()
			v.Worse = s.Target > 0 && s.LastClass > s.Target
		}
		f.Sections = append(f.Sections, v)
	}
	if f.Sections == nil {
		f.Sections = []SectionView{}
	}
	if f.Outfalls, err = listOutfalls(ctx, db, id, "", riverPageListLimit); err != nil {
		return nil, err
	}
	if f.Measures, err = listMeasures(ctx, db, id, "", m.Now(), riverPageListLimit); err != nil {
		return nil, err
	}
	// the river's figures: what the page read, counted apart only where it holds more
	// than the page lists
	outfalls, measures := int64(len(f.Outfalls)), int64(len(f.Measures))
	if outfalls == riverPageListLimit || measures == riverPageListLimit {
		sums, err := m.summaries(ctx, db, "", "", id)
		if err != nil {
			return nil, err
		}
		for _, s := range sums {
			outfalls, measures = s.Outfalls, s.Measures
		}
	}
	var open int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM river_problems WHERE "+openStatesSQL+" AND river_id = ?", id).Scan(&open); err != nil {
		return nil, err
	}
	f.Summary = summaryOf(info, reaches, int64(len(secs)), outfalls, measures, open)
	for _, o := range f.Outfalls {
		f.EditOutfall[o.ID] = f.CanEdit && u.CanWrite(o.Region)
	}
	for _, x := range f.Measures {
		f.EditMeasure[x.ID] = f.CanEdit && u.CanWrite(x.Region)
	}
	pf := ProblemFilter{Scope: u.Region, River: id, Now: m.Now()}
	w, args := pf.where()
	w += " AND p." + openStatesSQL
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM river_problems p"+w, args...).Scan(&f.OpenProblems); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, "SELECT "+problemCols+problemFrom+w+" ORDER BY p.id DESC LIMIT 20", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f.Problems = []*ProblemRow{}
	for rows.Next() {
		p, err := scanProblem(rows)
		if err != nil {
			return nil, err
		}
		f.Problems = append(f.Problems, p)
	}
	return f, rows.Err()
}

type riversData struct {
	Rivers  []RiverSummary
	Basin   string
	Kind    string
	Basins  []string
	Total   RiverSummary
	Sources string
}

func (m *Module) riversPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看一河一档")
		return
	}
	q := r.URL.Query()
	list, err := m.RiverSummaries(r.Context(), m.d.DB, q.Get("basin"), q.Get("kind"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	d := riversData{Rivers: list, Basin: q.Get("basin"), Kind: q.Get("kind"), Sources: m.atlas.Source}
	seen := map[string]bool{}
	for _, x := range m.allWaters() {
		if x.Basin != "" && !seen[x.Basin] {
			seen[x.Basin] = true
			d.Basins = append(d.Basins, x.Basin)
		}
	}
	for _, x := range list {
		d.Total.Reaches += x.Reaches
		d.Total.Sections += x.Sections
		d.Total.Outfalls += x.Outfalls
		d.Total.OpenProblems += x.OpenProblems
	}
	m.d.Web.Render(w, r, http.StatusOK, "river/archive_rivers.html", "一河一档", d)
}

func (m *Module) riverPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看一河一档")
		return
	}
	f, err := m.riverFile(r.Context(), u, r.PathValue("id"), r.URL.Query().Get("region"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	f.ReachRows = reachRowsHTML(f.Reaches)
	m.d.Web.Render(w, r, http.StatusOK, "river/archive_river.html", f.Info.Name+" · 一河一档", f)
}

// ---- outfall and measure forms ----

type outfallForm struct {
	ID       int64
	In       OutfallInput
	Info     *RiverInfo
	Reaches  []ReachRow
	Regions  []region.Region
	Kinds    []OutfallKind
	Statuses []OutfallStatus
	Error    string
	Field    string
}

// regionsOn lists the regions of a river's cities the user may write (the city and its counties).
func regionsOn(u *auth.User, info *RiverInfo) []region.Region {
	var out []region.Region
	for _, c := range info.Cities() {
		cr, _ := region.Get(c)
		for _, x := range append([]region.Region{cr}, region.Children(c)...) {
			if u.CanWrite(x.Code) {
				out = append(out, x)
			}
		}
	}
	return out
}

func (m *Module) renderOutfall(w http.ResponseWriter, r *http.Request, status int, id int64, in OutfallInput, err error) {
	u := web.User(r)
	info := m.waterInfo(in.RiverID)
	if info == nil {
		m.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	reaches, rerr := riverReaches(r.Context(), m.d.DB, info.ID, u.Region, 1000)
	if rerr != nil {
		m.d.Web.Fail(w, r, rerr)
		return
	}
	var mine []ReachRow
	for _, x := range reaches {
		if u.CanWrite(x.Region) {
			mine = append(mine, x)
		}
	}
	d := outfallForm{ID: id, In: in, Info: info, Reaches: mine, Regions: regionsOn(u, info), Kinds: OutfallKinds, Statuses: OutfallStatuses}
	if err != nil {
		he := web.Classify(err)
		d.Error, d.Field = he.Message, he.Field
	}
	title := "登记排污口"
	if id > 0 {
		title = "修改排污口"
	}
	m.d.Web.Render(w, r, status, "river/archive_outfall.html", title, d)
}

func outfallFromForm(r *http.Request) OutfallInput {
	reach, _ := strconv.ParseInt(r.FormValue("reach_id"), 10, 64)
	return OutfallInput{Code: r.FormValue("code"), Name: r.FormValue("name"), RiverID: r.FormValue("river_id"), ReachID: reach, Kind: r.FormValue("kind"),
		Permit: r.FormValue("permit"), Location: r.FormValue("location"), Status: r.FormValue("status"), Region: r.FormValue("region")}
}

func (m *Module) outfallNewPage(w http.ResponseWriter, r *http.Request) {
	if !m.canEditArchive(web.User(r)) {
		m.d.Web.Forbidden(w, r, "登记排污口")
		return
	}
	m.renderOutfall(w, r, http.StatusOK, 0, OutfallInput{RiverID: r.URL.Query().Get("river"), Status: string(OutfallActive)}, nil)
}

func (m *Module) outfallEditPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canEditArchive(u) {
		m.d.Web.Forbidden(w, r, "修改排污口")
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	o, err := getOutfall(r.Context(), m.d.DB, id)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	if !u.CanWrite(o.Region) {
		m.d.Web.Fail(w, r, auth.ErrScope)
		return
	}
	m.renderOutfall(w, r, http.StatusOK, id, OutfallInput{Code: o.Code, Name: o.Name, RiverID: o.RiverID, ReachID: o.ReachID, Kind: string(o.Kind), Permit: o.Permit,
		Location: o.Location, Lat: o.Lat, Lon: o.Lon, Status: string(o.Status), Region: o.Region}, nil)
}

func (m *Module) outfallSubmit(w http.ResponseWriter, r *http.Request, id int64) {
	in := outfallFromForm(r)
	var o *Outfall
	var err error
	if in.Lat, in.Lon, err = formCoords(r); err == nil { // a coordinate that is no number is refused, not dropped
		o, err = m.SaveOutfall(r.Context(), web.User(r), id, in)
	}
	if err != nil {
		if st := web.Classify(err).Status; st == http.StatusBadRequest && m.waterInfo(in.RiverID) != nil {
			m.renderOutfall(w, r, st, id, in, err)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/river/rivers/"+o.RiverID+"?ok="+urlQuery("排污口 "+o.Code+" 已保存")+"#outfalls", http.StatusSeeOther)
}

func (m *Module) outfallCreateForm(w http.ResponseWriter, r *http.Request) { m.outfallSubmit(w, r, 0) }

func (m *Module) outfallUpdateForm(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		m.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	m.outfallSubmit(w, r, id)
}

type measureForm struct {
	M       *Measure
	In      MeasureInput
	Info    *RiverInfo
	Regions []region.Region
	Tasks   []string
	Error   string
	Field   string
	Prog    int
}

func (m *Module) renderMeasureNew(w http.ResponseWriter, r *http.Request, status int, in MeasureInput, err error) {
	info := m.waterInfo(in.RiverID)
	if info == nil {
		m.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	d := measureForm{In: in, Info: info, Regions: regionsOn(web.User(r), info), Tasks: Tasks}
	if in.Progress != nil {
		d.Prog = *in.Progress
	}
	if err != nil {
		he := web.Classify(err)
		d.Error, d.Field = he.Message, he.Field
	}
	m.d.Web.Render(w, r, status, "river/archive_measure.html", "新增一河一策措施", d)
}

func (m *Module) measureNewPage(w http.ResponseWriter, r *http.Request) {
	if !m.canEditArchive(web.User(r)) {
		m.d.Web.Forbidden(w, r, "制定一河一策措施")
		return
	}
	m.renderMeasureNew(w, r, http.StatusOK, MeasureInput{RiverID: r.URL.Query().Get("river")}, nil)
}

// formProgress reads a percentage field; a missing or non-numeric value gives nil (the check names the field).
func formProgress(r *http.Request) *int {
	s := strings.TrimSuffix(strings.TrimSpace(r.FormValue("progress")), "%")
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	return &n
}

func (m *Module) measureCreateForm(w http.ResponseWriter, r *http.Request) {
	in := MeasureInput{RiverID: r.FormValue("river_id"), Region: r.FormValue("region"), Task: r.FormValue("task"), Measure: r.FormValue("measure"),
		Target: r.FormValue("target"), Unit: r.FormValue("unit"), Deadline: r.FormValue("deadline"), Progress: formProgress(r), Note: r.FormValue("progress_note")}
	if in.Progress == nil && strings.TrimSpace(r.FormValue("progress")) == "" {
		zero := 0
		in.Progress = &zero
	}
	x, err := m.AddMeasure(r.Context(), web.User(r), in)
	if err != nil {
		if st := web.Classify(err).Status; st == http.StatusBadRequest && m.waterInfo(in.RiverID) != nil {
			m.renderMeasureNew(w, r, st, in, err)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/river/rivers/"+x.RiverID+"?ok="+urlQuery("措施已保存")+"#measures", http.StatusSeeOther)
}

func (m *Module) renderMeasureEdit(w http.ResponseWriter, r *http.Request, status int, id int64, in *ProgressInput, err error) {
	u := web.User(r)
	if !m.canEditArchive(u) {
		m.d.Web.Forbidden(w, r, "更新一河一策措施的进度")
		return
	}
	x, gerr := getMeasure(r.Context(), m.d.DB, id, m.Now())
	if gerr != nil {
		m.d.Web.Fail(w, r, gerr)
		return
	}
	if !u.CanWrite(x.Region) {
		m.d.Web.Fail(w, r, auth.ErrScope)
		return
	}
	d := measureForm{M: x, Info: m.waterInfo(x.RiverID), Prog: x.Progress, In: MeasureInput{Deadline: x.Deadline, Note: x.ProgressNote}}
	if in != nil {
		if in.Progress != nil {
			d.Prog = *in.Progress
		}
		d.In.Note, d.In.Deadline = in.Note, in.Deadline
	}
	if err != nil {
		he := web.Classify(err)
		d.Error, d.Field = he.Message, he.Field
	}
	m.d.Web.Render(w, r, status, "river/archive_measure.html", "更新措施进度", d)
}

func (m *Module) measureEditPage(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	m.renderMeasureEdit(w, r, http.StatusOK, id, nil, nil)
}

func (m *Module) measureProgressForm(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		m.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	in := ProgressInput{Progress: formProgress(r), Note: r.FormValue("progress_note"), Deadline: r.FormValue("deadline")}
	x, err := m.UpdateProgress(r.Context(), web.User(r), id, in)
	if err != nil {
		if web.Classify(err).Status == http.StatusBadRequest {
			m.renderMeasureEdit(w, r, http.StatusBadRequest, id, &in, err)
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/river/rivers/"+x.RiverID+"?ok="+urlQuery("进度已更新")+"#measures", http.StatusSeeOther)
}

// ---- API ----

// viewer answers 403 and false unless the user may read the river module's files.
func (m *Module) viewer(w http.ResponseWriter, r *http.Request, what string) bool {
	if !m.canView(web.User(r)) {
		m.d.Web.Forbidden(w, r, what)
		return false
	}
	return true
}

func (m *Module) apiRivers(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看一河一档") {
		return
	}
	list, err := m.RiverSummaries(r.Context(), m.d.DB, r.URL.Query().Get("basin"), r.URL.Query().Get("kind"))
	m.d.Web.Reply(w, r, http.StatusOK)(web.Items(list), err)
}

func (m *Module) apiRiver(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看一河一档") {
		return
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.riverFile(r.Context(), web.User(r), r.PathValue("id"), r.URL.Query().Get("region")))
}

func (m *Module) apiReaches(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看河段") {
		return
	}
	q := r.URL.Query()
	var list []ReachRow
	var err error
	if rv := q.Get("river"); rv != "" {
		list, err = riverReaches(r.Context(), m.d.DB, rv, q.Get("region"), 5000)
	} else {
		var rs []Reach
		rs, err = listReaches(r.Context(), m.d.DB, q.Get("region"), 500)
		for _, x := range rs {
			list = append(list, ReachRow{Reach: x})
		}
	}
	m.d.Web.Reply(w, r, http.StatusOK)(web.Items(list), err)
}

func (m *Module) apiReach(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看河段") {
		return
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.board(r.Context(), r.PathValue("code")))
}

func (m *Module) apiOutfalls(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看排污口") {
		return
	}
	list, err := listOutfalls(r.Context(), m.d.DB, r.URL.Query().Get("river"), r.URL.Query().Get("region"), 2000)
	m.d.Web.Reply(w, r, http.StatusOK)(web.Items(list), err)
}

func (m *Module) apiOutfallCreate(w http.ResponseWriter, r *http.Request) {
	var in OutfallInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Reply(w, r, http.StatusCreated)(m.SaveOutfall(r.Context(), web.User(r), 0, in))
}

func (m *Module) apiOutfallUpdate(w http.ResponseWriter, r *http.Request) {
	web.ChangeByID(m.d.Web, w, r, http.StatusOK, func(id int64, in OutfallInput) (any, error) {
		return m.SaveOutfall(r.Context(), web.User(r), id, in)
	})
}

func (m *Module) apiMeasures(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看一河一策") {
		return
	}
	list, err := listMeasures(r.Context(), m.d.DB, r.URL.Query().Get("river"), r.URL.Query().Get("region"), m.Now(), 2000)
	m.d.Web.Reply(w, r, http.StatusOK)(web.Items(list), err)
}

func (m *Module) apiMeasureCreate(w http.ResponseWriter, r *http.Request) {
	var in MeasureInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Reply(w, r, http.StatusCreated)(m.AddMeasure(r.Context(), web.User(r), in))
}

func (m *Module) apiMeasureProgress(w http.ResponseWriter, r *http.Request) {
	web.ChangeByID(m.d.Web, w, r, http.StatusOK, func(id int64, in ProgressInput) (any, error) {
		return m.UpdateProgress(r.Context(), web.User(r), id, in)
	})
}

// DeleteArchive removes an outfall or a measure (kind "outfall" or "measure") for the
// 河长办 of its region, audited with what was removed; it returns the river id.
func (m *Module) DeleteArchive(ctx context.Context, u *auth.User, kind string, id int64) (string, error) {
	if !m.canEditArchive(u) {
		return "", &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以删除排污口或一河一策措施"}
	}
	var riverID string
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		var reg, detail, table string
		switch kind {
		case "outfall":
			o, err := getOutfall(ctx, tx, id)
			if err != nil {
				return err
			}
			reg, riverID, table = o.Region, o.RiverID, "river_outfalls"
			detail = fmt.Sprintf("删除排污口 %s %s（%s，许可证 %s）", o.Code, o.Name, o.KindName, o.Permit)
		case "measure":
			x, err := getMeasure(ctx, tx, id, m.Now())
			if err != nil {
				return err
			}
			reg, riverID, table = x.Region, x.RiverID, "river_measures"
			detail = fmt.Sprintf("删除一河一策措施（%s）：%s，进度 %d%%", x.RiverID, x.Measure, x.Progress)
		default:
			return store.ErrNotFound
		}
		if !u.CanWrite(reg) {
			return auth.ErrScope
		}
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "delete", Module: "river", ObjectType: kind, ObjectID: strconv.FormatInt(id, 10), Region: reg, Detail: detail})
	})
	return riverID, err
}

func (m *Module) deleteForm(w http.ResponseWriter, r *http.Request, kind, what string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		m.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	riverID, err := m.DeleteArchive(r.Context(), web.User(r), kind, id)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/river/rivers/"+riverID+"?ok="+urlQuery(what+"已删除")+"#"+kind+"s", http.StatusSeeOther)
}

func (m *Module) outfallDeleteForm(w http.ResponseWriter, r *http.Request) {
	m.deleteForm(w, r, "outfall", "排污口")
}
func (m *Module) measureDeleteForm(w http.ResponseWriter, r *http.Request) {
	m.deleteForm(w, r, "measure", "措施")
}

func (m *Module) apiArchiveDelete(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "id")
		if err == nil {
			_, err = m.DeleteArchive(r.Context(), web.User(r), kind, id)
		}
		if err != nil {
			m.d.Web.Fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
