package river

import (
	"context"
	"net/http"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// CityFigures are one city's problem figures; a problem on a shared reach counts for both cities.
type CityFigures struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Found   int64  `json:"found"`
	Closed  int64  `json:"closed"`
	Overdue int64  `json:"overdue"`
	Rate    string `json:"rate"`
}

// ChiefFigures are a city's registered chiefs by level (index 1 省 … 5 村).
type ChiefFigures struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	ByLevel [6]int64 `json:"by_level"`
	Total   int64    `json:"total"`
}

// NamedCount is a count under a Chinese name.
type NamedCount struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// Dashboard holds the 驾驶舱 figures of a region; every count is the count of
// the problem list with the matching filter.
type Dashboard struct {
	Region       string         `json:"region"`
	Found        int64          `json:"found"`
	Closed       int64          `json:"closed"`
	Overdue      int64          `json:"overdue"`
	ClosingRate  string         `json:"closing_rate"`
	AvgCloseDays float64        `json:"avg_close_days"`
	Chiefs       []ChiefFigures `json:"chiefs"`
	ChiefsTotal  int64          `json:"chiefs_total"`
	Cities       []CityFigures  `json:"cities"`
	Categories   []NamedCount   `json:"categories"`
	Sources      []NamedCount   `json:"sources"`
	Sections     []NamedCount   `json:"sections"`
	Levels       []string       `json:"-"`
	Charts       map[string]any `json:"-"`
}

// Dashboard computes the figures for a user's region at now.
func (m *Module) Dashboard(ctx context.Context, q store.Querier, scope string, now time.Time) (*Dashboard, error) {
	d := &Dashboard{Region: scope}
	base := ProblemFilter{Scope: scope, Now: now}
	// One grouped scan gives every count; each group is what the list with the
	// same filter counts (a shared reach's problem counts for both its cities).
	// Grouping by the covering index's leading columns lets SQLite count while it walks
	// the index, without sorting.
	w, args := base.where()
	rows, err := q.Query(ctx, `SELECT p.city, p.city2, p.category, p.source, p.state, COUNT(*)
		FROM river_problems p`+w+` GROUP BY p.city, p.city2, p.category, p.source, p.state`, args...)
	if err != nil {
		return nil, err
	}
	type cityAgg struct{ found, closed, overdue int64 }
	byCity := map[string]*cityAgg{}
	byCat, bySrc := map[string]int64{}, map[string]int64{}
	// forCities adds to each city a problem counts for (a shared reach's problem counts for both).
	forCities := func(city, city2 string, add func(*cityAgg)) {
		for _, c := range []string{city, city2} {
			if c == "" || (c == city2 && city2 == city) {
				continue
			}
			a := byCity[c]
			if a == nil {
				a = &cityAgg{}
				byCity[c] = a
			}
			add(a)
		}
	}
	for rows.Next() {
		var city, city2, cat, src, state string
		var n int64
		if err := rows.Scan(&city, &city2, &cat, &src, &state, &n); err != nil {
			rows.Close()
			return nil, err
		}
		d.Found += n
		closed := state == string(StateClosed)
		if closed {
			d.Closed += n
		}
		byCat[cat] += n
		bySrc[src] += n
		forCities(city, city2, func(a *cityAgg) {
			a.found += n
			if closed {
				a.closed += n
			}
		})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Overdue problems are few; the (state, deadline) index finds them directly.
	over := base
	over.Overdue = true
	w, args = over.where()
	rows, err = q.Query(ctx, `SELECT p.city, p.city2, COUNT(*) FROM river_problems p`+w+` GROUP BY p.city, p.city2`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var city, city2 string
		var n int64
		if err := rows.Scan(&city, &city2, &n); err != nil {
			rows.Close()
			return nil, err
		}
		d.Overdue += n
		forCities(city, city2, func(a *cityAgg) { a.overdue += n })
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	d.ClosingRate = rate(d.Closed, d.Found)
	for _, c := range region.Cities() {
		if !region.Within(c.Code, scope) && !region.Within(scope, c.Code) {
			continue
		}
		cf := CityFigures{Code: c.Code, Name: c.Name}
		if a := byCity[c.Code]; a != nil {
			cf.Found, cf.Closed, cf.Overdue = a.found, a.closed, a.overdue
		}
		cf.Rate = rate(cf.Closed, cf.Found)
		d.Cities = append(d.Cities, cf)
	}
	for _, c := range Categories {
		d.Categories = append(d.Categories, NamedCount{string(c), c.String(), byCat[string(c)]})
	}
	for _, s := range Sources {
		d.Sources = append(d.Sources, NamedCount{string(s), s.String(), bySrc[string(s)]})
	}
	if err := m.avgClose(ctx, q, base, d); err != nil {
		return nil, err
	}
	if err := m.chiefFigures(ctx, q, scope, d); err != nil {
		return nil, err
	}
	if err := m.sectionFigures(ctx, q, scope, d); err != nil {
		return nil, err
	}
	for _, l := range Levels {
		d.Levels = append(d.Levels, l.String())
	}
	d.Charts = d.charts()
	return d, nil
}

func (m *Module) avgClose(ctx context.Context, q store.Querier, base ProblemFilter, d *Dashboard) error {
	base.Closed = true
	w, args := base.where()
	var n, sum int64
	if err := q.QueryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(p.close_secs), 0) FROM river_problems p"+w, args...).Scan(&n, &sum); err != nil {
		return err
	}
	if n > 0 {
		d.AvgCloseDays = float64(int(float64(sum)/86400/float64(n)*10+0.5)) / 10
	}
	return nil
}

func (m *Module) chiefFigures(ctx context.Context, q store.Querier, scope string, d *Dashboard) error {
	rows, err := q.Query(ctx, "SELECT city, level, COUNT(*) FROM river_chiefs WHERE region LIKE ? GROUP BY city, level ORDER BY city, level", scopePrefix(scope)+"%")
	if err != nil {
		return err
	}
	defer rows.Close()
	idx := map[string]int{}
	for rows.Next() {
		var city string
		var lvl int
		var n int64
		if err := rows.Scan(&city, &lvl, &n); err != nil {
			return err
		}
		i, ok := idx[city]
		if !ok {
			i = len(d.Chiefs)
			idx[city] = i
			name := region.Name(city)
			if city == region.ProvinceCode {
				name = "省级"
			}
			d.Chiefs = append(d.Chiefs, ChiefFigures{Code: city, Name: name})
		}
		if lvl >= 1 && lvl <= 5 {
			d.Chiefs[i].ByLevel[lvl] += n
		}
		d.Chiefs[i].Total += n
		d.ChiefsTotal += n
	}
	return rows.Err()
}

func (m *Module) sectionFigures(ctx context.Context, q store.Querier, scope string, d *Dashboard) error {
	rows, err := q.Query(ctx, "SELECT last_class, COUNT(*) FROM river_sections WHERE region LIKE ? GROUP BY last_class ORDER BY last_class", scopePrefix(scope)+"%")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c int
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			return err
		}
		name := "暂无监测"
		if c > 0 {
			name = Class(c).String()
		}
		d.Sections = append(d.Sections, NamedCount{Key: Class(c).String(), Name: name, Count: n})
	}
	return rows.Err()
}

func (d *Dashboard) charts() map[string]any {
	var cities []string
	var found, closed, overdue []int64
	for _, c := range d.Cities {
		cities = append(cities, c.Name)
		found, closed, overdue = append(found, c.Found), append(closed, c.Closed), append(overdue, c.Overdue)
	}
	pie := func(title string, list []NamedCount) map[string]any {
		var data []map[string]any
		for _, x := range list {
			if x.Count > 0 {
				data = append(data, map[string]any{"name": x.Name, "value": x.Count})
			}
		}
		return map[string]any{"title": map[string]any{"text": title, "left": "center"}, "tooltip": map[string]any{"trigger": "item"},
			"series": []any{map[string]any{"type": "pie", "radius": "60%", "data": data}}}
	}
	var levelSeries []any
	for l := 1; l <= 5; l++ {
		var v []int64
		var names []string
		for _, c := range d.Chiefs {
			v = append(v, c.ByLevel[l])
			names = append(names, c.Name)
		}
		_ = names
		levelSeries = append(levelSeries, map[string]any{"name": Level(l).String(), "type": "bar", "stack": "chiefs", "data": v})
	}
	var chiefCities []string
	for _, c := range d.Chiefs {
		chiefCities = append(chiefCities, c.Name)
	}
	return map[string]any{
		"cities": map[string]any{"title": map[string]any{"text": "各市问题发现、办结与超期"}, "tooltip": map[string]any{"trigger": "axis"},
			"legend": map[string]any{"top": 28}, "xAxis": map[string]any{"type": "category", "data": cities}, "yAxis": map[string]any{"type": "value"},
			"series": []any{map[string]any{"name": "发现", "type": "bar", "data": found}, map[string]any{"name": "办结", "type": "bar", "data": closed},
				map[string]any{"name": "超期", "type": "bar", "data": overdue}}},
		"chiefs": map[string]any{"title": map[string]any{"text": "各市各级河长"}, "tooltip": map[string]any{"trigger": "axis"}, "legend": map[string]any{"top": 28},
			"xAxis": map[string]any{"type": "category", "data": chiefCities}, "yAxis": map[string]any{"type": "value"}, "series": levelSeries},
		"categories": pie("问题类别", d.Categories),
		"sources":    pie("问题来源", d.Sources),
		"sections":   pie("断面水质类别", d.Sections),
	}
}

func (m *Module) dashboardPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !m.canView(u) {
		m.d.Web.Forbidden(w, r, "查看河长制驾驶舱")
		return
	}
	d, err := m.Dashboard(r.Context(), m.d.DB, u.Region, m.Now())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "river/dashboard.html", "河长制驾驶舱", d)
}

func (m *Module) apiDashboard(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !u.InModule("river") {
		m.d.Web.Forbidden(w, r, "查看河长制驾驶舱")
		return
	}
	d, err := m.Dashboard(r.Context(), m.d.DB, u.Region, m.Now())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, d)
}

var _ = auth.Chief
