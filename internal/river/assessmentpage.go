package river

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

//go:embed data/assessment.json
var assessmentJSON []byte

// LoadAssessmentConfig reads the indicator weights of a configuration file
// ({"weights": {"patrol": 30, "closed": 30, "ontime": 20, "quality": 20}}).
func LoadAssessmentConfig(b []byte) (AssessmentConfig, error) {
	var f struct {
		Weights map[string]float64 `json:"weights"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return AssessmentConfig{}, fmt.Errorf("考核权重配置无法读取：%w", err)
	}
	cfg := AssessmentConfig{Weights: map[Indicator]float64{}}
	for k, v := range f.Weights {
		ind := Indicator(k)
		if _, ok := indicatorNames[ind]; !ok {
			return AssessmentConfig{}, fmt.Errorf("考核权重配置中的指标“%s”未知，应为 patrol、closed、ontime、quality 之一", k)
		}
		cfg.Weights[ind] = v
	}
	if _, err := cfg.Assess(AssessmentInput{}); err != nil {
		return AssessmentConfig{}, err
	}
	return cfg, nil
}

// AssessPeriod is an assessment period (考核期): a month, a quarter or a year, in Asia/Shanghai.
type AssessPeriod struct {
	Key      string // 2026-10, 2026-Q4, 2026
	Name     string // 2026年10月, 2026年第四季度, 2026年
	From, To time.Time
}

var periodRe = regexp.MustCompile(`^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$`)

// ParsePeriod reads "2026-10", "2026-Q4" or "2026".
func ParsePeriod(s string) (AssessPeriod, error) {
	s = strings.TrimSpace(s)
	m := periodRe.FindStringSubmatch(s)
	bad := &auth.FieldError{Field: "period", Message: "考核期格式不正确，请填写月份（2026-10）、季度（2026-Q4）或年份（2026）"}
	if m == nil {
		return AssessPeriod{}, bad
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2100 {
		return AssessPeriod{}, bad
	}
	switch {
	case m[2] != "":
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return AssessPeriod{}, bad
		}
		f := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, shanghai)
		return AssessPeriod{Key: fmt.Sprintf("%d-%02d", y, mo), Name: fmt.Sprintf("%d年%d月", y, mo), From: f.UTC(), To: f.AddDate(0, 1, 0).UTC()}, nil
	case m[3] != "":
		q, _ := strconv.Atoi(m[3])
		f := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, shanghai)
		return AssessPeriod{Key: fmt.Sprintf("%d-Q%d", y, q), Name: fmt.Sprintf("%d年第%s季度", y, []string{"一", "二", "三", "四"}[q-1]), From: f.UTC(), To: f.AddDate(0, 3, 0).UTC()}, nil
	}
	f := time.Date(y, 1, 1, 0, 0, 0, 0, shanghai)
	return AssessPeriod{Key: strconv.Itoa(y), Name: fmt.Sprintf("%d年", y), From: f.UTC(), To: f.AddDate(1, 0, 0).UTC()}, nil
}

// AssessmentInputFor reads the stored rows of a period into the engine's
// input: every chief's patrol compliance, the problems reported in the
// period and each section's attainment over the period's readings.
func (m *Module) AssessmentInputFor(ctx context.Context, q store.Querier, p AssessPeriod, units []string) (AssessmentInput, error) {
	in := AssessmentInput{Units: units}
	from, to := store.Time(p.From), store.Time(p.To)
	// patrol compliance: the engine's Compliance per chief over the patrols started in the period
	done := map[int64]int{}
	rows, err := q.Query(ctx, "SELECT chief_id, COUNT(*) FROM river_patrols WHERE started_at >= ? AND started_at < ? GROUP BY chief_id", from, to)
	if err != nil {
		return in, err
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return in, err
		}
		done[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	// the chiefs in office for some of the period: a chief who left office (卸任) before it
	// is not assessed, one who left during it only for the days in office
	rows, err = q.Query(ctx, "SELECT id, level, region, retired_at FROM river_chiefs WHERE retired_at = '' OR retired_at > ? ORDER BY id", from)
	if err != nil {
		return in, err
	}
	var buf []Patrol
	for rows.Next() {
		var id int64
		var lvl int
		var reg, retired string
		if err := rows.Scan(&id, &lvl, &reg, &retired); err != nil {
			rows.Close()
			return in, err
		}
		ch := Chief{ID: strconv.FormatInt(id, 10), Level: Level(lvl), Region: reg, Retired: s2t(retired)}
		// Compliance only needs to see up to the required number of patrols.
		n := min(done[id], m.Patrols.Required(ch.Level, p.From, ch.inOfficeUntil(p.To)))
		buf = buf[:0]
		for range n {
			buf = append(buf, Patrol{ChiefID: ch.ID, Start: p.From})
		}
		in.Compliance = append(in.Compliance, m.Patrols.Compliance([]Chief{ch}, buf, p.From, p.To)...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	// problems reported in the period
	rows, err = q.Query(ctx, "SELECT state, region, region2, deadline, feedback_at FROM river_problems WHERE reported_at >= ? AND reported_at < ?", from, to)
	if err != nil {
		return in, err
	}
	for rows.Next() {
		var pr Problem
		var r1, r2, dl, fb string
		if err := rows.Scan(&pr.State, &r1, &r2, &dl, &fb); err != nil {
			rows.Close()
			return in, err
		}
		pr.Regions = []string{r1}
		if r2 != "" {
			pr.Regions = append(pr.Regions, r2)
		}
		pr.Deadline, pr.FeedbackAt = s2t(dl), s2t(fb)
		in.Problems = append(in.Problems, pr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	// sections with a target: attainment over the period's readings
	secs := map[string]*SectionRow{}
	var order []string
	rows, err = q.Query(ctx, "SELECT id, region, body, target FROM river_sections WHERE target > 0 ORDER BY id")
	if err != nil {
		return in, err
	}
	for rows.Next() {
		s := &SectionRow{}
		var body, target int
		if err := rows.Scan(&s.ID, &s.Region, &body, &target); err != nil {
			rows.Close()
			return in, err
		}
		s.Body, s.Target = WaterBody(body), Class(target)
		secs[s.ID] = s
		order = append(order, s.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	samples := map[string][]Sample{}
	rows, err = q.Query(ctx, "SELECT section_id, values_json FROM river_readings WHERE sampled_at >= ? AND sampled_at < ? ORDER BY section_id, sampled_at", from, to)
	if err != nil {
		return in, err
	}
	for rows.Next() {
		var id, vj string
		if err := rows.Scan(&id, &vj); err != nil {
			rows.Close()
			return in, err
		}
		s := secs[id]
		if s == nil {
			continue
		}
		sm := Sample{Body: s.Body, Values: map[string]float64{}}
		if err := json.Unmarshal([]byte(vj), &sm.Values); err != nil {
			rows.Close()
			return in, fmt.Errorf("断面%s的监测数据无法读取：%w", id, err)
		}
		samples[id] = append(samples[id], sm)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	for _, id := range order {
		s := secs[id]
		r, err := SectionAttainment(m.std, s.ID, s.Region, s.Target, samples[id], Options{})
		if err != nil {
			return in, err
		}
		in.Sections = append(in.Sections, r)
	}
	return in, nil
}

// AssessmentView is the 考核 page: a period's ranking of the cities or of counties.
type AssessmentView struct {
	Period     string             `json:"period"`
	PeriodName string             `json:"period_name"`
	Level      string             `json:"level"` // city | county
	Weights    map[string]float64 `json:"weights"`
	Rows       []AssessmentRow    `json:"rows"`
	Chart      map[string]any     `json:"-"`
	Indicators []string           `json:"-"`
	Query      string             `json:"-"`
}

// AssessmentRow is one unit's line of the ranking.
type AssessmentRow struct {
	Rank   int                 `json:"rank"`
	Region string              `json:"region"`
	Name   string              `json:"name"`
	Score  float64             `json:"score"`
	Rates  map[string]RateJSON `json:"rates"`
	Cells  []RateJSON          `json:"-"`
	raw    map[Indicator]Rate
}

// RateJSON is an indicator's count and ratio ("—" when nothing was counted).
type RateJSON struct {
	Num   int    `json:"num"`
	Den   int    `json:"den"`
	Text  string `json:"text"`
	Valid bool   `json:"valid"`
}

func rateJSON(r Rate) RateJSON {
	out := RateJSON{Num: r.Num, Den: r.Den, Valid: r.Valid(), Text: "—"}
	if r.Valid() {
		out.Text = fmt.Sprintf("%.1f%%（%d/%d）", r.Value()*100, r.Num, r.Den)
	}
	return out
}

// assessmentUnits: the four cities, or the counties of the user's city (all counties for the province).
func assessmentUnits(u *auth.User, level string) []string {
	var out []string
	if level == "city" {
		for _, c := range region.Cities() {
			out = append(out, c.Code)
		}
		return out
	}
	cities := region.Cities()
	if city := region.CityOf(u.Region); city != "" && city != region.ProvinceCode {
		if c, ok := region.Get(city); ok {
			cities = []region.Region{c}
		}
	}
	for _, c := range cities {
		for _, k := range region.Children(c.Code) {
			out = append(out, k.Code)
		}
	}
	return out
}

// Assessment computes the ranking of a period at the given level for a user.
func (m *Module) Assessment(ctx context.Context, q store.Querier, u *auth.User, p AssessPeriod, level string) (*AssessmentView, error) {
	if level != "county" {
		level = "city"
	}
	in, err := m.AssessmentInputFor(ctx, q, p, assessmentUnits(u, level))
	if err != nil {
		return nil, err
	}
	scores, err := m.Assess.Assess(in)
	if err != nil {
		return nil, err
	}
	v := &AssessmentView{Period: p.Key, PeriodName: p.Name, Level: level, Weights: map[string]float64{}}
	for _, ind := range Indicators {
		v.Weights[string(ind)] = m.Assess.Weights[ind]
		v.Indicators = append(v.Indicators, fmt.Sprintf("%s（权重 %g）", ind, m.Assess.Weights[ind]))
	}
	var names []string
	var vals []float64
	for _, s := range scores {
		row := AssessmentRow{Rank: s.Rank, Region: s.Region, Name: region.Name(s.Region), Score: s.Score, Rates: map[string]RateJSON{}, raw: s.Rates}
		for _, ind := range Indicators {
			rj := rateJSON(s.Rates[ind])
			row.Rates[string(ind)] = rj
			row.Cells = append(row.Cells, rj)
		}
		v.Rows = append(v.Rows, row)
	}
	for i := len(v.Rows) - 1; i >= 0; i-- { // best at the top of a horizontal bar chart
		names = append(names, v.Rows[i].Name)
		vals = append(vals, v.Rows[i].Score)
	}
	v.Chart = map[string]any{
		"title": map[string]any{"text": p.Name + "河长制考核得分", "textStyle": map[string]any{"fontSize": 14}}, "tooltip": map[string]any{"trigger": "axis"},
		"grid": map[string]any{"left": 80, "right": 24}, "xAxis": map[string]any{"type": "value", "max": 100},
		"yAxis":  map[string]any{"type": "category", "data": names},
		"series": []any{map[string]any{"name": "得分", "type": "bar", "data": vals, "label": map[string]any{"show": true, "position": "right"}}},
	}
	v.Query = "period=" + p.Key + "&level=" + level
	return v, nil
}

func (m *Module) assessmentFromRequest(w http.ResponseWriter, r *http.Request) (*AssessmentView, bool) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长制考核")
		return nil, false
	}
	key := r.URL.Query().Get("period")
	if key == "" {
		key = m.Now().In(shanghai).Format("2006-01")
	}
	p, err := ParsePeriod(key)
	if err == nil {
		var v *AssessmentView
		if v, err = m.Assessment(r.Context(), m.d.DB, u, p, r.URL.Query().Get("level")); err == nil {
			return v, true
		}
	}
	m.d.Web.Fail(w, r, err)
	return nil, false
}

func (m *Module) assessmentPage(w http.ResponseWriter, r *http.Request) {
	if v, ok := m.assessmentFromRequest(w, r); ok {
		m.d.Web.Render(w, r, http.StatusOK, "river/assessment.html", "河长制 · 考核排名", v)
	}
}

func (m *Module) apiAssessment(w http.ResponseWriter, r *http.Request) {
	if v, ok := m.assessmentFromRequest(w, r); ok {
		web.WriteJSON(w, http.StatusOK, v)
	}
}

// assessmentXLSX downloads the ranking as an .xlsx (sheet 考核排名).
func (m *Module) assessmentXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := m.assessmentFromRequest(w, r)
	if !ok {
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	const sh = "考核排名"
	f.SetSheetName("Sheet1", sh)
	unit := "城市"
	if v.Level == "county" {
		unit = "区（市、县）"
	}
	f.SetSheetRow(sh, "A1", &[]any{v.PeriodName + "河长制考核排名"})
	head := []any{"排名", unit, "行政区划代码"}
	for _, ind := range Indicators {
		head = append(head, fmt.Sprintf("%s（权重%g）", ind, v.Weights[string(ind)]), ind.String()+"分子", ind.String()+"分母")
	}
	head = append(head, "得分")
	f.SetSheetRow(sh, "A2", &head)
	for i, row := range v.Rows {
		line := []any{row.Rank, row.Name, row.Region}
		for _, ind := range Indicators {
			rt := row.raw[ind]
			if rt.Valid() {
				line = append(line, rt.Value(), rt.Num, rt.Den)
			} else {
				line = append(line, "—", 0, 0)
			}
		}
		line = append(line, row.Score)
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		f.SetSheetRow(sh, cell, &line)
	}
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	for k := range Indicators {
		col, _ := excelize.ColumnNumberToName(4 + 3*k)
		f.SetCellStyle(sh, col+"3", fmt.Sprintf("%s%d", col, len(v.Rows)+2), pct)
	}
	f.SetColWidth(sh, "B", "B", 16)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"river-assessment-%s-%s.xlsx\"", v.Level, v.Period))
	if err := f.Write(w); err != nil {
		m.d.Log.Error("assessment xlsx", "err", err)
	}
}
