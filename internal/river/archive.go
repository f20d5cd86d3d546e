package river

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// 一河一档 (one file per river): the reference facts of a river, lake or
// reservoir plus what the store keeps about it — reaches with their chiefs,
// sections, outfalls (入河排污口), the 一河一策 measures and open problems.

//go:embed data/waters.json
var watersFS embed.FS

var (
	watersOnce sync.Once
	watersVal  *Atlas
	watersErr  error
)

// LoadWaters returns the embedded lakes and reservoirs (data/waters.json), in
// the format of the rivers atlas (parsed once; do not modify).
func LoadWaters() (*Atlas, error) {
	watersOnce.Do(func() {
		b, err := watersFS.ReadFile("data/waters.json")
		if err != nil {
			watersErr = err
			return
		}
		watersVal, watersErr = ParseAtlas(b)
	})
	return watersVal, watersErr
}

// waterInfo finds a river, lake or reservoir of the reference data by id.
func (m *Module) waterInfo(id string) *RiverInfo {
	if r := m.atlas.River(id); r != nil && r.ID == id {
		return r
	}
	if w, err := LoadWaters(); err == nil {
		if r := w.River(id); r != nil && r.ID == id {
			return r
		}
	}
	return nil
}

// allWaters lists the rivers, then the lakes and reservoirs, in data order.
func (m *Module) allWaters() []*RiverInfo {
	out := append([]*RiverInfo(nil), m.atlas.Rivers...)
	if w, err := LoadWaters(); err == nil {
		out = append(out, w.Rivers...)
	}
	return out
}

// KindName is the Chinese name of a water kind.
func (k WaterKind) Name() string {
	switch k {
	case KindLake:
		return "湖泊"
	case KindReservoir:
		return "水库"
	}
	return "河流"
}

// ---- outfalls (入河排污口) ----

// OutfallKind is the type of an outfall (排污口类型): the four first-level classes
// of HJ 1312-2023《入河入海排污口监督管理技术指南 排污口分类》 and of 国办函〔2022〕17号
// (工业排污口 includes industrial and park sewage plants' outlets and their storm
// outlets; 农业排口 large-scale livestock and aquaculture outlets; 其他排口 irrigation
// districts, ports, small farms, rural sewage). Sources: http://www.tuent.cn/page7?article_id=124 ;
// https://imortgage.com.cn/info/2992/52829.htm
type OutfallKind string

const (
	OutfallIndustrial   OutfallKind = "industrial"   // 工业排污口
	OutfallMunicipal    OutfallKind = "municipal"    // 城镇污水处理厂排污口
	OutfallAgricultural OutfallKind = "agricultural" // 农业排口
	OutfallOther        OutfallKind = "other"        // 其他排口
)

// OutfallKinds in display order.
var OutfallKinds = []OutfallKind{OutfallIndustrial, OutfallMunicipal, OutfallAgricultural, OutfallOther}

func (k OutfallKind) String() string {
	switch k {
	case OutfallIndustrial:
		return "工业排污口"
	case OutfallMunicipal:
		return "城镇污水处理厂排污口"
	case OutfallAgricultural:
		return "农业排口"
	case OutfallOther:
		return "其他排口"
	}
	return string(k)
}

// OutfallStatus is where an outfall stands (在用、整治中、已封堵).
type OutfallStatus string

const (
	OutfallActive OutfallStatus = "active"
	OutfallFixing OutfallStatus = "fixing"
	OutfallClosed OutfallStatus = "closed"
)

// OutfallStatuses in display order.
var OutfallStatuses = []OutfallStatus{OutfallActive, OutfallFixing, OutfallClosed}

func (s OutfallStatus) String() string {
	switch s {
	case OutfallActive:
		return "在用"
	case OutfallFixing:
		return "整治中"
	case OutfallClosed:
		return "已封堵"
	}
	return string(s)
}

// Outfall is an outfall into a river (入河排污口).
type Outfall struct {
	ID         int64         `json:"id"`
	Code       string        `json:"code"`
	Name       string        `json:"name"`
	RiverID    string        `json:"river_id"`
	ReachID    int64         `json:"reach_id"`
	ReachName  string        `json:"reach_name,omitempty"`
	Kind       OutfallKind   `json:"kind"`
	KindName   string        `json:"kind_name"`
	Permit     string        `json:"permit"`
	Location   string        `json:"location"`
	Lat        float64       `json:"lat"`
	Lon        float64       `json:"lon"`
	Status     OutfallStatus `json:"status"`
	StatusName string        `json:"status_name"`
	Region     string        `json:"region"`
	UpdatedAt  time.Time     `json:"updated_at"`
	UpdatedBy  string        `json:"updated_by"`
}

// OutfallInput is an outfall as a form or the API sends it.
type OutfallInput struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	RiverID  string  `json:"river_id"`
	ReachID  int64   `json:"reach_id"`
	Kind     string  `json:"kind"`
	Permit   string  `json:"permit"`
	Location string  `json:"location"`
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	Status   string  `json:"status"`
	Region   string  `json:"region"`
}

func fieldErr(field, msg string) error { return &auth.FieldError{Field: field, Message: msg} }

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Validate checks an outfall's fields and returns the first problem, naming the field.
// Permit numbers (排污许可证编号): letters, digits and '-', at most 40 characters; none
// is required, since an outfall may legally have none (an industrial storm outlet, a
// rural sewage outlet).
func (in *OutfallInput) Validate() error {
	in.Code, in.Name, in.Permit, in.Location = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.ToUpper(strings.TrimSpace(in.Permit)), strings.TrimSpace(in.Location)
	in.RiverID, in.Region = strings.TrimSpace(in.RiverID), strings.TrimSpace(in.Region)
	if in.Status == "" {
		in.Status = string(OutfallActive)
	}
	switch {
	case in.Code == "":
		return fieldErr("code", "请填写排污口编码")
	case tooLong(in.Code, 40) || strings.ContainsAny(in.Code, " \t\r\n/?#"):
		return fieldErr("code", "排污口编码不超过 40 个字符，且不能含空格或 / ? #")
	case in.Name == "":
		return fieldErr("name", "请填写排污口名称")
	case tooLong(in.Name, 100):
		return fieldErr("name", "排污口名称不超过 100 个字")
	case in.RiverID == "":
		return fieldErr("river_id", "请选择排污口所在的河流")
	case !region.Valid(in.Region):
		return fieldErr("region", "请选择排污口所在的区县或市（行政区划代码无效）")
	case tooLong(in.Location, 200):
		return fieldErr("location", "位置描述不超过 200 个字")
	}
	kindOK := false
	for _, k := range OutfallKinds {
		kindOK = kindOK || string(k) == in.Kind
	}
	if !kindOK {
		return fieldErr("kind", "请选择排污口类型：工业排污口、城镇污水处理厂排污口、农业排口或其他排口")
	}
	statusOK := false
	for _, s := range OutfallStatuses {
		statusOK = statusOK || string(s) == in.Status
	}
	if !statusOK {
		return fieldErr("status", "排污口状态只能是在用、整治中或已封堵")
	}
	if len(in.Permit) > 40 || strings.IndexFunc(in.Permit, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '-') }) >= 0 {
		return fieldErr("permit", "排污许可证编号只能由字母、数字和“-”组成，不超过 40 位")
	}
	if (in.Lat != 0 || in.Lon != 0) && !FourCitiesBox.Contains(in.Lat, in.Lon) {
		return fieldErr("lat", fmt.Sprintf("坐标（%.5f, %.5f）不在成都、德阳、眉山、资阳范围内，请检查纬度、经度是否填反", in.Lat, in.Lon))
	}
	return nil
}

// ---- 一河一策 measures ----

// Tasks are the six tasks of 河长制 (四川省实施方案), used to group measures.
var Tasks = []string{"水资源保护", "水域岸线管理", "水污染防治", "水环境治理", "水生态修复", "执法监管"}

// Measure is one measure of a river's 一河一策 in one region.
type Measure struct {
	ID           int64     `json:"id"`
	RiverID      string    `json:"river_id"`
	Region       string    `json:"region"`
	Task         string    `json:"task"`
	Measure      string    `json:"measure"`
	Target       string    `json:"target"`
	Unit         string    `json:"unit"`     // 责任单位
	Deadline     string    `json:"deadline"` // YYYY-MM-DD
	Progress     int       `json:"progress"` // per cent
	ProgressNote string    `json:"progress_note"`
	Overdue      bool      `json:"overdue"`
	UpdatedAt    time.Time `json:"updated_at"`
	UpdatedBy    string    `json:"updated_by"`
}

// MeasureInput is a new measure.
type MeasureInput struct {
	RiverID  string `json:"river_id"`
	Region   string `json:"region"`
	Task     string `json:"task"`
	Measure  string `json:"measure"`
	Target   string `json:"target"`
	Unit     string `json:"unit"`
	Deadline string `json:"deadline"`
	Progress *int   `json:"progress"`
	Note     string `json:"progress_note"`
}

// ProgressInput is a progress report on a measure (PUT).
type ProgressInput struct {
	Progress *int   `json:"progress"`
	Note     string `json:"progress_note"`
	Deadline string `json:"deadline"` // optional: a new deadline
}

func checkProgress(p *int, note string) error {
	if p == nil {
		return fieldErr("progress", "请填写完成进度（0–100 的整数，单位 %）")
	}
	if *p < 0 || *p > 100 {
		return fieldErr("progress", fmt.Sprintf("完成进度 %d 不在 0–100 之间，请填写百分比整数", *p))
	}
	if tooLong(note, 500) {
		return fieldErr("progress_note", "进展说明不超过 500 个字")
	}
	return nil
}

func checkDate(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fieldErr(field, "请填写完成时限（YYYY-MM-DD）")
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return "", fieldErr(field, "完成时限“"+s+"”不是有效日期，请按 YYYY-MM-DD 填写")
	}
	return t.Format("2006-01-02"), nil
}

// Validate checks a new measure, naming the first field at fault.
func (in *MeasureInput) Validate() error {
	in.RiverID, in.Region = strings.TrimSpace(in.RiverID), strings.TrimSpace(in.Region)
	in.Task, in.Measure, in.Target, in.Unit = strings.TrimSpace(in.Task), strings.TrimSpace(in.Measure), strings.TrimSpace(in.Target), strings.TrimSpace(in.Unit)
	if in.Progress == nil {
		zero := 0
		in.Progress = &zero
	}
	taskOK := false
	for _, t := range Tasks {
		taskOK = taskOK || t == in.Task
	}
	switch {
	case in.RiverID == "":
		return fieldErr("river_id", "请选择河流")
	case !region.Valid(in.Region):
		return fieldErr("region", "请选择负责该措施的行政区（行政区划代码无效）")
	case !taskOK:
		return fieldErr("task", "请选择任务类别："+strings.Join(Tasks, "、"))
	case in.Measure == "":
		return fieldErr("measure", "请填写措施内容")
	case tooLong(in.Measure, 300):
		return fieldErr("measure", "措施内容不超过 300 个字")
	case in.Target == "":
		return fieldErr("target", "请填写目标（例如“出境断面稳定达到Ⅲ类”）")
	case tooLong(in.Target, 200):
		return fieldErr("target", "目标不超过 200 个字")
	case in.Unit == "":
		return fieldErr("unit", "请填写责任单位")
	case tooLong(in.Unit, 100):
		return fieldErr("unit", "责任单位不超过 100 个字")
	}
	d, err := checkDate("deadline", in.Deadline)
	if err != nil {
		return err
	}
	in.Deadline = d
	return checkProgress(in.Progress, in.Note)
}

// measureOverdue: the deadline day (Asia/Shanghai) is over and the measure is not done.
func measureOverdue(deadline string, progress int, now time.Time) bool {
	return progress < 100 && deadline != "" && deadline < now.In(shanghai).Format("2006-01-02")
}

// ---- store ----

const outfallCols = `o.id, o.code, o.name, o.river_id, o.reach_id, COALESCE(r.name, ''), o.kind, o.permit, o.location, o.lat, o.lon,
	o.status, o.region, o.updated_at, o.updated_by`

func scanOutfall(sc interface{ Scan(...any) error }) (*Outfall, error) {
	var o Outfall
	var upd string
	if err := sc.Scan(&o.ID, &o.Code, &o.Name, &o.RiverID, &o.ReachID, &o.ReachName, &o.Kind, &o.Permit, &o.Location, &o.Lat, &o.Lon,
		&o.Status, &o.Region, &upd, &o.UpdatedBy); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	o.UpdatedAt = s2t(upd)
	o.KindName, o.StatusName = o.Kind.String(), o.Status.String()
	return &o, nil
}

func getOutfall(ctx context.Context, q store.Querier, id int64) (*Outfall, error) {
	return scanOutfall(q.QueryRow(ctx, "SELECT "+outfallCols+" FROM river_outfalls o LEFT JOIN river_reaches r ON r.id = o.reach_id WHERE o.id = ?", id))
}

// listOutfalls lists a river's outfalls ("" = all rivers) within scope ("" = everywhere), by code.
func listOutfalls(ctx context.Context, q store.Querier, river, scope string, limit int) ([]*Outfall, error) {
	var w []string
	var args []any
	if river != "" {
		w, args = append(w, "o.river_id = ?"), append(args, river)
	}
	if scope != "" && scope != region.ProvinceCode {
		w, args = append(w, "o.region LIKE ?"), append(args, scopePrefix(scope)+"%")
	}
	where := ""
	if len(w) > 0 {
		where = " WHERE " + strings.Join(w, " AND ")
	}
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	rows, err := q.Query(ctx, "SELECT "+outfallCols+" FROM river_outfalls o LEFT JOIN river_reaches r ON r.id = o.reach_id"+where+
		" ORDER BY o.code LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Outfall{}
	for rows.Next() {
		o, err := scanOutfall(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func insertOutfall(ctx context.Context, q store.Querier, in *OutfallInput, by string, now time.Time, demo bool) (int64, error) {
	return store.InsertID(ctx, q, `INSERT INTO river_outfalls (code, name, river_id, reach_id, kind, permit, location, lat, lon, status, region, updated_at, updated_by, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Code, in.Name, in.RiverID, in.ReachID, in.Kind, in.Permit, in.Location, in.Lat, in.Lon,
		in.Status, in.Region, store.Time(now), by, b2i(demo))
}

func updateOutfall(ctx context.Context, q store.Querier, id int64, in *OutfallInput, by string, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE river_outfalls SET code = ?, name = ?, river_id = ?, reach_id = ?, kind = ?, permit = ?, location = ?, lat = ?, lon = ?,
		status = ?, region = ?, updated_at = ?, updated_by = ? WHERE id = ?`, in.Code, in.Name, in.RiverID, in.ReachID, in.Kind, in.Permit, in.Location,
		in.Lat, in.Lon, in.Status, in.Region, store.Time(now), by, id)
	return err
}

const measureCols = `id, river_id, region, task, measure, target, unit, deadline, progress, progress_note, updated_at, updated_by`

func scanMeasure(sc interface{ Scan(...any) error }, now time.Time) (*Measure, error) {
	var x Measure
	var upd string
	if err := sc.Scan(&x.ID, &x.RiverID, &x.Region, &x.Task, &x.Measure, &x.Target, &x.Unit, &x.Deadline, &x.Progress, &x.ProgressNote, &upd, &x.UpdatedBy); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	x.UpdatedAt = s2t(upd)
	x.Overdue = measureOverdue(x.Deadline, x.Progress, now)
	return &x, nil
}

func getMeasure(ctx context.Context, q store.Querier, id int64, now time.Time) (*Measure, error) {
	return scanMeasure(q.QueryRow(ctx, "SELECT "+measureCols+" FROM river_measures WHERE id = ?", id), now)
}

// listMeasures lists a river's measures ("" = all) within scope ("" = everywhere), by region, task and deadline.
func listMeasures(ctx context.Context, q store.Querier, river, scope string, now time.Time, limit int) ([]*Measure, error) {
	var w []string
	var args []any
	if river != "" {
		w, args = append(w, "river_id = ?"), append(args, river)
	}
	if scope != "" && scope != region.ProvinceCode {
		w, args = append(w, "region LIKE ?"), append(args, scopePrefix(scope)+"%")
	}
	where := ""
	if len(w) > 0 {
		where = " WHERE " + strings.Join(w, " AND ")
	}
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	rows, err := q.Query(ctx, "SELECT "+measureCols+" FROM river_measures"+where+" ORDER BY region, task, deadline, id LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Measure{}
	for rows.Next() {
		x, err := scanMeasure(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func insertMeasure(ctx context.Context, q store.Querier, in *MeasureInput, by string, now time.Time, demo bool) (int64, error) {
	return store.InsertID(ctx, q, `INSERT INTO river_measures (river_id, region, task, measure, target, unit, deadline, progress, progress_note, updated_at, updated_by, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.RiverID, in.Region, in.Task, in.Measure, in.Target, in.Unit, in.Deadline, *in.Progress,
		strings.TrimSpace(in.Note), store.Time(now), by, b2i(demo))
}

// RiverSummary is a line of the river list (一河一档 目录).
type RiverSummary struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Kind         WaterKind `json:"kind"`
	KindName     string    `json:"kind_name"`
	Basin        string    `json:"basin"`
	LengthKm     float64   `json:"length_km,omitempty"`
	Cities       []string  `json:"cities"`
	Counties     []string  `json:"counties"`
	Reaches      int64     `json:"reaches"`
	Sections     int64     `json:"sections"`
	Outfalls     int64     `json:"outfalls"`
	Measures     int64     `json:"measures"`
	OpenProblems int64     `json:"open_problems"`
	Unverified   []string  `json:"unverified,omitempty"`
	// UnverifiedNames names the unverified facts in Chinese (流域、流经区县 …).
	UnverifiedNames []string `json:"unverified_names,omitempty"`
}

// countBy runs "SELECT key, COUNT(*) … GROUP BY key" into a map.
func countBy(ctx context.Context, q store.Querier, query string, args ...any) (map[string]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// openStatesSQL selects the problems not yet finished (neither closed nor rejected),
// as a list of states so that the (state, river_id) index serves it.
var openStatesSQL = func() string {
	var l []string
	for _, st := range States {
		if st != StateClosed && st != StateRejected {
			l = append(l, "'"+string(st)+"'")
		}
	}
	return "state IN (" + strings.Join(l, ", ") + ")"
}()

// RiverSummaries lists every river, lake and reservoir of the reference data with
// the counts the store holds; basin and kind filter when not empty.
func (m *Module) RiverSummaries(ctx context.Context, q store.Querier, basin, kind string) ([]RiverSummary, error) {
	return m.summaries(ctx, q, basin, kind, "")
}

// summaries counts for every river, or for the river only when only is not "".
func (m *Module) summaries(ctx context.Context, q store.Querier, basin, kind, only string) ([]RiverSummary, error) {
	cnt := func(table, cond string) (map[string]int64, error) {
		var args []any
		if only != "" {
			if cond != "" {
				cond += " AND "
			}
			cond += "river_id = ?"
			args = append(args, only)
		}
		if cond != "" {
			cond = " WHERE " + cond
		}
		return countBy(ctx, q, "SELECT river_id, COUNT(*) FROM "+table+cond+" GROUP BY river_id", args...)
	}
	reaches, err := cnt("river_reaches", "")
	if err != nil {
		return nil, err
	}
	sections, err := cnt("river_sections", "")
	if err != nil {
		return nil, err
	}
	outfalls, err := cnt("river_outfalls", "")
	if err != nil {
		return nil, err
	}
	measures, err := cnt("river_measures", "")
	if err != nil {
		return nil, err
	}
	open, err := cnt("river_problems", openStatesSQL)
	if err != nil {
		return nil, err
	}
	out := []RiverSummary{}
	for _, r := range m.allWaters() {
		if (basin != "" && r.Basin != basin) || (kind != "" && string(r.Kind) != kind) || (only != "" && r.ID != only) {
			continue
		}
		out = append(out, summaryOf(r, reaches[r.ID], sections[r.ID], outfalls[r.ID], measures[r.ID], open[r.ID]))
	}
	return out, nil
}

// summaryOf is a river's line of the 一河一档 with its counts.
func summaryOf(r *RiverInfo, reaches, sections, outfalls, measures, open int64) RiverSummary {
	return RiverSummary{ID: r.ID, Name: r.Name, Kind: r.Kind, KindName: r.Kind.Name(), Basin: r.Basin, LengthKm: r.LengthKm,
		Cities: r.Cities(), Counties: append([]string{}, r.Counties...), Reaches: reaches, Sections: sections, Outfalls: outfalls,
		Measures: measures, OpenProblems: open, Unverified: r.Unverified, UnverifiedNames: r.UnverifiedNames()}
}

// ReachRow is a reach on a river page: the reach with its chief and region.
type ReachRow struct {
	Reach
	ChiefLevelName string `json:"chief_level_name,omitempty"`
	OpenProblems   int64  `json:"open_problems"`
}

// riverReaches lists a river's reaches with their chiefs, by region and id;
// within limits them to a region ("" = all).
func riverReaches(ctx context.Context, q store.Querier, river, within string, limit int) ([]ReachRow, error) {
	if limit <= 0 {
		limit = 500
	}
	cond, args := "", []any{river}
	if within != "" && within != region.ProvinceCode {
		p := scopePrefix(within) + "%"
		cond, args = " AND (r.region LIKE ? OR r.region2 LIKE ?)", append(args, p, p)
	}
	rows, err := q.Query(ctx, `SELECT r.id, r.code, r.river_id, r.name, r.region, r.region2, r.chief_id, COALESCE(c.name, ''), COALESCE(c.level, 0),
		r.duties, r.phone FROM river_reaches r LEFT JOIN river_chiefs c ON c.id = r.chief_id WHERE r.river_id = ?`+cond+` ORDER BY r.region, r.id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ReachRow{}
	for rows.Next() {
		var r ReachRow
		var lvl int
		if err := rows.Scan(&r.ID, &r.Code, &r.RiverID, &r.Name, &r.Region, &r.Region2, &r.ChiefID, &r.ChiefName, &lvl, &r.Duties, &r.Phone); err != nil {
			return nil, err
		}
		r.ChiefLvl = Level(lvl)
		if lvl > 0 {
			r.ChiefLevelName = r.ChiefLvl.String()
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// riverSections lists a river's sections with target and latest class.
func riverSections(ctx context.Context, q store.Querier, river string) ([]SectionRow, error) {
	rows, err := q.Query(ctx, "SELECT id, name, river_id, reach_id, kind, body, target, last_class, region FROM river_sections WHERE river_id = ? ORDER BY id", river)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SectionRow
	for rows.Next() {
		var s SectionRow
		var body, target, last int
		if err := rows.Scan(&s.ID, &s.Name, &s.RiverID, &s.ReachID, &s.Kind, &body, &target, &last, &s.Region); err != nil {
			return nil, err
		}
		s.Body, s.Target, s.LastClass = WaterBody(body), Class(target), Class(last)
		out = append(out, s)
	}
	return out, rows.Err()
}
