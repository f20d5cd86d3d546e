package river

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// TrendPoint is one reading of a section on the trend page.
type TrendPoint struct {
	At     time.Time          `json:"at"`
	Class  Class              `json:"class"`
	Name   string             `json:"class_name"`
	Worst  string             `json:"worst"`
	Values map[string]float64 `json:"values"`
}

// Value is the reading of a parameter as text, "" when it was not measured.
func (p TrendPoint) Value(code string) string {
	v, ok := p.Values[code]
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// ParamTrend is one parameter's values of a section against its class limits.
type ParamTrend struct {
	Code   string    `json:"code"`
	Name   string    `json:"name"`
	Unit   string    `json:"unit"`
	Lower  bool      `json:"lower"`            // 溶解氧: a higher value is better
	Limits []float64 `json:"limits,omitempty"` // Ⅰ…Ⅴ for the section's water body
	Target float64   `json:"target,omitempty"` // the limit of the section's target class
	Points int       `json:"points"`
}

// Trend is a section's readings over a period (断面水质趋势).
type Trend struct {
	Section   *SectionRow    `json:"section"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	Points    []TrendPoint   `json:"points"`
	Params    []ParamTrend   `json:"params"`
	Target    string         `json:"target"`
	Attained  int            `json:"attained"` // readings meeting the target
	Charts    map[string]any `json:"-"`
	ChartKeys []string       `json:"-"`
	Latest    []TrendPoint   `json:"-"`
}

// maxTrendPoints bounds one trend (two years of daily readings fit).
const maxTrendPoints = 5000

// SectionTrend reads a section's readings in [from, to) and prepares the charts.
func (m *Module) SectionTrend(ctx context.Context, q store.Querier, id string, from, to time.Time) (*Trend, error) {
	sec, err := getSection(ctx, q, id)
	if err != nil {
		return nil, err
	}
	tr := &Trend{Section: sec, From: from.In(shanghai).Format("2006-01-02"), To: to.Add(-time.Second).In(shanghai).Format("2006-01-02"), Target: sec.Target.String()}
	rows, err := q.Query(ctx, `SELECT sampled_at, class, worst, values_json FROM river_readings WHERE section_id = ? AND sampled_at >= ? AND sampled_at < ?
		ORDER BY sampled_at LIMIT `+strconv.Itoa(maxTrendPoints), id, store.Time(from), store.Time(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]int{}
	for rows.Next() {
		var at, worst, vj string
		var c int
		if err := rows.Scan(&at, &c, &worst, &vj); err != nil {
			return nil, err
		}
		p := TrendPoint{At: s2t(at), Class: Class(c), Name: Class(c).String(), Worst: worst}
		raw := map[string]float64{}
		if err := json.Unmarshal([]byte(vj), &raw); err != nil {
			return nil, fmt.Errorf("断面%s %s 的监测数据无法读取：%w", id, at, err)
		}
		p.Values = make(map[string]float64, len(raw))
		for k, v := range raw {
			if prm := m.std.Param(k); prm != nil {
				p.Values[prm.Code] = v
				seen[prm.Code]++
			}
		}
		if sec.Target != 0 && p.Class <= sec.Target {
			tr.Attained++
		}
		tr.Points = append(tr.Points, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, prm := range m.std.Parameters {
		n := seen[prm.Code]
		if n == 0 {
			continue
		}
		pt := ParamTrend{Code: prm.Code, Name: prm.Name, Unit: prm.Unit, Lower: prm.Direction == Lower, Points: n}
		for c := ClassI; c <= ClassV; c++ {
			if l, ok := prm.Limit(c, sec.Body); ok {
				pt.Limits = append(pt.Limits, l)
			}
		}
		if l, ok := prm.Limit(sec.Target, sec.Body); ok {
			pt.Target = l
		}
		tr.Params = append(tr.Params, pt)
	}
	for i := len(tr.Points) - 1; i >= 0 && len(tr.Latest) < 20; i-- {
		tr.Latest = append(tr.Latest, tr.Points[i])
	}
	tr.charts()
	return tr, nil
}

var classLabels = []string{"Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"}

func (tr *Trend) charts() {
	tr.Charts = map[string]any{}
	ts := func(t time.Time) string { return t.In(shanghai).Format("2006-01-02 15:04") }
	var cls [][]any
	for _, p := range tr.Points {
		cls = append(cls, []any{ts(p.At), int(p.Class)})
	}
	classSeries := map[string]any{"name": "水质类别", "type": "line", "step": "end", "symbolSize": 4, "data": cls}
	if tr.Section.Target != 0 {
		classSeries["markLine"] = map[string]any{"symbol": "none", "lineStyle": map[string]any{"color": "#c0392b", "type": "dashed"},
			"label": map[string]any{"formatter": "目标" + tr.Target}, "data": []any{map[string]any{"yAxis": int(tr.Section.Target)}}}
	}
	tr.Charts["class"] = map[string]any{
		"title":   map[string]any{"text": tr.Section.Name + " 水质类别（目标" + tr.Target + "）", "textStyle": map[string]any{"fontSize": 14}},
		"tooltip": map[string]any{"trigger": "axis"}, "grid": map[string]any{"left": 56, "right": 24},
		"xAxis": map[string]any{"type": "time"},
		"yAxis": map[string]any{"type": "value", "min": 1, "max": 6, "interval": 1, "inverse": true,
			"axisLabel": map[string]any{"formatter": "{value}类"}, "name": "1=Ⅰ … 6=劣Ⅴ"},
		"series": []any{classSeries},
	}
	tr.ChartKeys = append(tr.ChartKeys, "class")
	colors := []string{"#2e86de", "#10ac84", "#27ae60", "#f39c12", "#e67e22"}
	for _, prm := range tr.Params {
		var data [][]any
		for _, p := range tr.Points {
			if v, ok := p.Values[prm.Code]; ok {
				data = append(data, []any{ts(p.At), v})
			}
		}
		var lines []any
		for i, l := range prm.Limits {
			style := map[string]any{"color": colors[i], "type": "dotted"}
			label := classLabels[i] + "限值 " + strconv.FormatFloat(l, 'f', -1, 64)
			if tr.Section.Target == Class(i+1) {
				style = map[string]any{"color": "#c0392b", "type": "dashed", "width": 2}
				label = "目标" + label
			}
			lines = append(lines, map[string]any{"yAxis": l, "lineStyle": style, "label": map[string]any{"formatter": label, "position": "insideEndTop"}})
		}
		s := map[string]any{"name": prm.Name, "type": "line", "symbolSize": 3, "data": data}
		if len(lines) > 0 {
			s["markLine"] = map[string]any{"symbol": "none", "silent": true, "data": lines}
		}
		title := prm.Name + "（" + prm.Unit + "）"
		if prm.Lower {
			title += "：不低于限值为达标"
		}
		key := "p-" + prm.Code
		tr.Charts[key] = map[string]any{
			"title": map[string]any{"text": title, "textStyle": map[string]any{"fontSize": 14}}, "tooltip": map[string]any{"trigger": "axis"},
			"grid": map[string]any{"left": 56, "right": 24}, "xAxis": map[string]any{"type": "time"}, "yAxis": map[string]any{"type": "value", "scale": true},
			"series": []any{s},
		}
		tr.ChartKeys = append(tr.ChartKeys, key)
	}
}

// trendPeriod reads from/to (YYYY-MM-DD, Asia/Shanghai, both days included); the default is the last 365 days.
func trendPeriod(r *http.Request, now time.Time) (time.Time, time.Time, error) {
	day := func(field, s string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), shanghai)
		if err != nil {
			name := map[string]string{"from": "开始日期", "to": "结束日期"}[field]
			return time.Time{}, &auth.FieldError{Field: field, Message: name + "格式不正确，请填写 YYYY-MM-DD 格式的日期"}
		}
		return t, nil
	}
	today := time.Date(now.In(shanghai).Year(), now.In(shanghai).Month(), now.In(shanghai).Day(), 0, 0, 0, 0, shanghai)
	to := today.AddDate(0, 0, 1)
	from := today.AddDate(0, 0, -364)
	var err error
	if v := r.URL.Query().Get("to"); v != "" {
		if to, err = day("to", v); err != nil {
			return from, to, err
		}
		to = to.AddDate(0, 0, 1)
	}
	if v := r.URL.Query().Get("from"); v != "" {
		if from, err = day("from", v); err != nil {
			return from, to, err
		}
	} else {
		from = to.AddDate(0, 0, -365)
	}
	if !from.Before(to) {
		return from, to, &auth.FieldError{Field: "from", Message: "开始日期晚于结束日期，请检查"}
	}
	return from.UTC(), to.UTC(), nil
}

func (m *Module) trendPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看断面水质")
		return
	}
	from, to, err := trendPeriod(r, m.Now())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	tr, err := m.SectionTrend(r.Context(), m.d.DB, r.PathValue("id"), from, to)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "river/trend.html", tr.Section.Name+" · 断面水质趋势", tr)
}

func (m *Module) apiTrend(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看断面水质")
		return
	}
	from, to, err := trendPeriod(r, m.Now())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	tr, err := m.SectionTrend(r.Context(), m.d.DB, r.PathValue("id"), from, to)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	if tr.Points == nil {
		tr.Points = []TrendPoint{}
	}
	web.WriteJSON(w, http.StatusOK, tr)
}

// Has reports whether name is among the section's unverified facts.
func (it sectionItem) Has(name string) bool { return slices.Contains(it.Unverified, name) }

// sectionItem is a line of the sections list.
type sectionItem struct {
	SectionRow
	RiverName string
	Readings  int64
	LastAt    time.Time
	// Unverified names the facts the reference data could not confirm.
	Unverified []string
}

type trendsData struct {
	Sections  []sectionItem
	City      string
	Class     string // the latest-class filter: "" all, "0" 暂无监测, "1"…"6" Ⅰ类…劣Ⅴ类
	Classes   []NamedCount
	CanImport bool
	Report    *importReport
}

// sectionClasses are the latest-class choices of the sections list, by the codes the
// 驾驶舱's sections-by-class figures link with.
func sectionClasses() []NamedCount {
	out := []NamedCount{{Key: "0", Name: "暂无监测"}}
	for c := ClassI; c <= ClassWorseV; c++ {
		out = append(out, NamedCount{Key: strconv.Itoa(int(c)), Name: c.String()})
	}
	return out
}

type importReport struct {
	Summary ImportSummary
	Lines   []string
	More    int
	Error   string
}

// listSections lists the sections within city (a region code, "" for all) whose latest
// class is class ("" for any, "0" for none yet).
func (m *Module) listSections(ctx context.Context, city, class string) ([]sectionItem, error) {
	var conds []string
	var args []any
	if city != "" {
		conds, args = append(conds, "s.region LIKE ?"), append(args, scopePrefix(city)+"%")
	}
	if class != "" {
		n, _ := strconv.Atoi(class)
		conds, args = append(conds, "s.last_class = ?"), append(args, n)
	}
	w := ""
	if len(conds) > 0 {
		w = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := m.d.DB.Query(ctx, `SELECT s.id, s.name, s.river_id, COALESCE(v.name, ''), s.kind, s.body, s.target, s.last_class, s.region,
		(SELECT COUNT(*) FROM river_readings x WHERE x.section_id = s.id), COALESCE((SELECT MAX(sampled_at) FROM river_readings x WHERE x.section_id = s.id), '')
		FROM river_sections s LEFT JOIN river_rivers v ON v.id = s.river_id`+w+` ORDER BY s.river_id, s.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sectionItem
	for rows.Next() {
		var it sectionItem
		var body, target, last int
		var lastAt string
		if err := rows.Scan(&it.ID, &it.Name, &it.RiverID, &it.RiverName, &it.Kind, &body, &target, &last, &it.Region, &it.Readings, &lastAt); err != nil {
			return nil, err
		}
		it.Body, it.Target, it.LastClass, it.LastAt = WaterBody(body), Class(target), Class(last), s2t(lastAt)
		it.Unverified = m.unverifiedOf(it.ID)
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RiverName < out[j].RiverName })
	return out, rows.Err()
}

func (m *Module) canImport(u *auth.User) bool {
	return u.HasAny("river", auth.RiverOffice, auth.Collector, auth.Admin)
}

func (m *Module) trendsPage(w http.ResponseWriter, r *http.Request) {
	m.renderTrends(w, r, http.StatusOK, nil)
}

func (m *Module) renderTrends(w http.ResponseWriter, r *http.Request, status int, rep *importReport) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看断面水质")
		return
	}
	city := r.URL.Query().Get("city")
	if city != "" && !region.Valid(city) {
		city = ""
	}
	class := r.URL.Query().Get("class")
	if !slices.ContainsFunc(sectionClasses(), func(c NamedCount) bool { return c.Key == class }) {
		class = "" // not a class the list offers: no filter
	}
	list, err := m.listSections(r.Context(), city, class)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, status, "river/trends.html", "河长制 · 断面水质", trendsData{Sections: list, City: city, Class: class, Classes: sectionClasses(),
		CanImport: m.canImport(u), Report: rep})
}

// importForm takes an uploaded CSV or .xlsx of readings and shows the per-row report.
func (m *Module) importForm(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canImport(u) {
		m.d.Web.Forbidden(w, r, "导入水质监测数据")
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		m.renderTrends(w, r, http.StatusBadRequest, &importReport{Error: "请选择要导入的 CSV 或 .xlsx 文件（文件不超过 64 MB）"})
		return
	}
	defer f.Close()
	var lines strings.Builder
	s, err := m.ImportReadings(r.Context(), f, u, &lines)
	if err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest {
			m.renderTrends(w, r, http.StatusBadRequest, &importReport{Error: he.Message})
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	rep := &importReport{Summary: s}
	for _, l := range strings.Split(strings.TrimSpace(lines.String()), "\n") {
		if l == "" {
			continue
		}
		if len(rep.Lines) < 200 {
			rep.Lines = append(rep.Lines, l)
		} else {
			rep.More++
		}
	}
	m.renderTrends(w, r, http.StatusOK, rep)
}
