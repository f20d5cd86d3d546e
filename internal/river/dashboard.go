package river

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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

// ChiefFigures are a city's registered chiefs in office (a retired chief, 已卸任, is not
// counted) by level (index 1 省 … 5 村).
type ChiefFigures struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	ByLevel [6]int64 `json:"by_level"`
	Total   int64    `json:"total"`
}

// RiverFigures are one river's problem figures (a problem's river is its reach's river).
type RiverFigures struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Found   int64  `json:"found"`
	Closed  int64  `json:"closed"`
	Overdue int64  `json:"overdue"`
	Rate    string `json:"rate"`
}

// CountyFigures are the problem figures of a county or of a whole city: each
// figure is the count of the list filtered by region=Code (either owner within
// the code). Open counts problems neither closed nor refused (不予受理).
type CountyFigures struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Found   int64  `json:"found"`
	Closed  int64  `json:"closed"`
	Open    int64  `json:"open"`
	Overdue int64  `json:"overdue"`
}

// SectionPoint is a section drawn on the map with its latest class (0: no reading yet).
type SectionPoint struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	River string  `json:"river"`
	Class int     `json:"class"`
	Lon   float64 `json:"lon"`
	Lat   float64 `json:"lat"`
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
	Region string `json:"region"`
	// ConfigWarnings: configuration files given at start that were not used, and why
	ConfigWarnings []string        `json:"config_warnings,omitempty"`
	Found          int64           `json:"found"`
	Closed         int64           `json:"closed"`
	Overdue        int64           `json:"overdue"`
	ClosingRate    string          `json:"closing_rate"`
	AvgCloseDays   float64         `json:"avg_close_days"`
	Chiefs         []ChiefFigures  `json:"chiefs"`
	ChiefsTotal    int64           `json:"chiefs_total"`
	Cities         []CityFigures   `json:"cities"`
	Rivers         []RiverFigures  `json:"rivers"`
	Counties       []CountyFigures `json:"counties"`
	Categories     []NamedCount    `json:"categories"`
	Sources        []NamedCount    `json:"sources"`
	Sections       []NamedCount    `json:"sections"` // by latest class, Key "0" (none yet) … "6" (劣Ⅴ类), as the sections list's class filter
	MapSections    []SectionPoint  `json:"map_sections"`
	// MapUnplaced are the sections the map cannot place (no position in the reference data).
	MapUnplaced []string       `json:"map_unplaced"`
	Levels      []string       `json:"-"`
	Charts      map[string]any `json:"-"`
}

// Dashboard computes the figures for a user's region at now.
func (m *Module) Dashboard(ctx context.Context, q store.Querier, scope string, now time.Time) (*Dashboard, error) {
	d := &Dashboard{Region: scope}
	base := ProblemFilter{Scope: scope, Now: now, scanScope: true}
	// One grouped scan gives the counts by city, category and source; each group is
	// what the list with the same filter counts (a shared reach's problem counts for
	// both its cities). Grouping by the covering index's leading columns lets SQLite
	// count while it walks the index, without sorting.
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
	rows, err = q.Query(ctx, `SELECT p.city, p.city2, p.river_id, p.region, p.region2, COUNT(*) FROM river_problems p`+w+
		` GROUP BY p.city, p.city2, p.river_id, p.region, p.region2`, args...)
	if err != nil {
		return nil, err
	}
	overRiver, overRegion := map[string]int64{}, map[string]int64{}
	for rows.Next() {
		var city, city2, river, reg, reg2 string
		var n int64
		if err := rows.Scan(&city, &city2, &river, &reg, &reg2, &n); err != nil {
			rows.Close()
			return nil, err
		}
		d.Overdue += n
		forCities(city, city2, func(a *cityAgg) { a.overdue += n })
		overRiver[river] += n
		for _, k := range regionKeys(reg, reg2) {
			overRegion[k] += n
		}
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
	if err := m.riverAndCountyFigures(ctx, q, base, overRiver, overRegion, d); err != nil {
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

// regionKeys are the codes a problem owned by reg (and reg2 on a shared reach)
// counts for under the list's region filter: both owners and their cities, each once.
func regionKeys(reg, reg2 string) []string {
	var out []string
	for _, k := range []string{reg, region.CityOf(reg), reg2, region.CityOf(reg2)} {
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// placeAgg counts the problems of a river or a region.
type placeAgg struct{ found, closed, open int64 }

func (a *placeAgg) add(n int64, closed, open bool) *placeAgg {
	if a == nil {
		a = &placeAgg{}
	}
	a.found += n
	if closed {
		a.closed += n
	}
	if open {
		a.open += n
	}
	return a
}

// riverAndCountyFigures counts the problems by river (listed most problems
// first) and by region code (a problem on a shared reach counts for both
// regions and their cities, as the list filtered by region does), and averages
// the stored close times, in one grouped scan of a covering index in its order.
func (m *Module) riverAndCountyFigures(ctx context.Context, q store.Querier, base ProblemFilter, overRiver, overRegion map[string]int64, d *Dashboard) error {
	w, args := base.where()
	rows, err := q.Query(ctx, `SELECT p.state, p.region, p.region2, p.river_id, COUNT(*), COALESCE(SUM(p.close_secs), 0) FROM river_problems p`+w+
		` GROUP BY p.state, p.region, p.region2, p.river_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	byRiver, byRegion := map[string]*placeAgg{}, map[string]*placeAgg{}
	var closedN, closedSecs int64
	for rows.Next() {
		var state, reg, reg2, river string
		var n, secs int64
		if err := rows.Scan(&state, &reg, &reg2, &river, &n, &secs); err != nil {
			return err
		}
		closed := state == string(StateClosed)
		if closed {
			closedN += n
			closedSecs += secs
		}
		open := !closed && state != string(StateRejected)
		byRiver[river] = byRiver[river].add(n, closed, open)
		for _, k := range regionKeys(reg, reg2) {
			byRegion[k] = byRegion[k].add(n, closed, open)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if closedN > 0 {
		d.AvgCloseDays = float64(int(float64(closedSecs)/86400/float64(closedN)*10+0.5)) / 10
	}
	for id, a := range byRiver {
		name := id
		if r := m.atlas.River(id); r != nil {
			name = r.Name
		} else if id == "" {
			name = "未标明河流"
		}
		d.Rivers = append(d.Rivers, RiverFigures{ID: id, Name: name, Found: a.found, Closed: a.closed, Overdue: overRiver[id], Rate: rate(a.closed, a.found)})
	}
	slices.SortFunc(d.Rivers, func(a, b RiverFigures) int {
		if a.Found != b.Found {
			return cmp.Compare(b.Found, a.Found)
		}
		return strings.Compare(a.ID, b.ID)
	})
	for code, a := range byRegion {
		if !region.Valid(code) {
			continue
		}
		name := region.Name(code)
		if region.CityOf(code) == code {
			name += "（全市）"
		}
		d.Counties = append(d.Counties, CountyFigures{Code: code, Name: name, Found: a.found, Closed: a.closed, Open: a.open, Overdue: overRegion[code]})
	}
	slices.SortFunc(d.Counties, func(a, b CountyFigures) int { return strings.Compare(a.Code, b.Code) })
	return nil
}

func (m *Module) chiefFigures(ctx context.Context, q store.Querier, scope string, d *Dashboard) error {
	rows, err := q.Query(ctx, "SELECT city, level, COUNT(*) FROM river_chiefs WHERE region LIKE ? AND retired_at = '' GROUP BY city, level ORDER BY city, level", scopePrefix(scope)+"%")
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
	// sections are a few hundred at most: read them once, count by class and place those the map data locates
	rows, err := q.Query(ctx, "SELECT id, name, river_id, last_class FROM river_sections WHERE region LIKE ? ORDER BY id", scopePrefix(scope)+"%")
	if err != nil {
		return err
	}
	defer rows.Close()
	byClass := map[int]int64{}
	d.MapUnplaced = []string{}
	for rows.Next() {
		var sp SectionPoint
		if err := rows.Scan(&sp.ID, &sp.Name, &sp.River, &sp.Class); err != nil {
			return err
		}
		byClass[sp.Class]++
		if p := Map().At("section:" + sp.ID); p != nil {
			sp.Lon, sp.Lat = p.Lon, p.Lat
			d.MapSections = append(d.MapSections, sp)
		} else {
			d.MapUnplaced = append(d.MapUnplaced, sp.Name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for c := 0; c <= int(ClassWorseV); c++ {
		n := byClass[c]
		if n == 0 {
			continue
		}
		name := "暂无监测"
		if c > 0 {
			name = Class(c).String()
		}
		d.Sections = append(d.Sections, NamedCount{Key: strconv.Itoa(c), Name: name, Count: n})
	}
	return nil
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
		"rivers":     d.riverChart(),
		"map":        d.mapChart(),
		"categories": pie("问题类别", d.Categories),
		"sources":    pie("问题来源", d.Sources),
		"sections":   pie("断面水质类别", d.Sections),
	}
}

// riverChart is a horizontal bar chart of found, closed and overdue problems per
// river (the 12 rivers with most problems; the table lists all).
func (d *Dashboard) riverChart() map[string]any {
	list := d.Rivers
	if len(list) > 12 {
		list = list[:12]
	}
	names := []string{}
	var found, closed, overdue []any
	for i := len(list) - 1; i >= 0; i-- { // the biggest on top
		r := list[i]
		names = append(names, r.Name)
		link := "/river/?river=" + url.QueryEscape(r.ID)
		found = append(found, map[string]any{"value": r.Found, "url": link})
		closed = append(closed, map[string]any{"value": r.Closed, "url": link + "&state=closed"})
		overdue = append(overdue, map[string]any{"value": r.Overdue, "url": link + "&overdue=1"})
	}
	return map[string]any{"title": map[string]any{"text": "各河流问题发现、办结与超期"}, "tooltip": map[string]any{"trigger": "axis"},
		"legend": map[string]any{"top": 28}, "grid": map[string]any{"left": 8, "right": 16, "top": 60, "bottom": 8, "containLabel": true},
		"xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "category", "data": names},
		"series": []any{map[string]any{"name": "发现", "type": "bar", "data": found}, map[string]any{"name": "办结", "type": "bar", "data": closed},
			map[string]any{"name": "超期", "type": "bar", "data": overdue}}}
}

// mapChart draws the schematic map of the four cities on a plain longitude/latitude
// plane: no boundaries and no tiles (a published map needs an approved standard
// map), the main rivers as lines through the seats they pass, each county at its
// seat sized and coloured by its open problems, and the sections coloured by
// their latest class. A point's "url" opens the matching list (app.js), its "tip"
// is the tooltip.
func (d *Dashboard) mapChart() map[string]any {
	md := Map()
	var series []any
	for _, r := range md.Rivers {
		var pts [][2]float64
		for _, k := range r.Path {
			p := md.At(k)
			pts = append(pts, [2]float64{p.Lon, p.Lat})
		}
		series = append(series, map[string]any{"name": r.Name, "type": "line", "data": pts, "smooth": 0.3, "symbol": "none", "silent": true,
			"lineStyle": map[string]any{"width": 4, "color": "#64b5f6"}, "z": 1,
			"endLabel": map[string]any{"show": true, "formatter": r.Name + " →", "color": "#1565c0"}})
	}
	var maxOpen, maxCity int64 = 1, 1
	for _, c := range d.Counties {
		if region.CityOf(c.Code) == c.Code {
			maxCity = max(maxCity, c.Open)
		} else {
			maxOpen = max(maxOpen, c.Open)
		}
	}
	var counties, cities []any
	for _, c := range d.Counties {
		p := md.At(c.Code)
		if p == nil {
			continue
		}
		tip := fmt.Sprintf("%s：发现 %d，办结 %d，在办 %d，超期 %d（点击查看问题）", c.Name, c.Found, c.Closed, c.Open, c.Overdue)
		item := map[string]any{"name": p.Name, "value": []any{p.Lon, p.Lat, c.Open}, "url": "/river/?region=" + c.Code, "tip": tip}
		if region.CityOf(c.Code) == c.Code { // the whole city, at the city government's seat
			item["symbolSize"] = int(14 + 22*float64(c.Open)/float64(maxCity) + 0.5)
			item["symbol"] = "diamond"
			item["itemStyle"] = map[string]any{"color": "rgba(21,101,192,0.25)", "borderColor": "#1565c0", "borderWidth": 2}
			cities = append(cities, item)
			continue
		}
		item["symbolSize"] = int(8 + 20*float64(c.Open)/float64(maxOpen) + 0.5)
		counties = append(counties, item)
	}
	series = append(series,
		map[string]any{"name": "区县在办问题", "type": "scatter", "data": counties, "z": 3,
			"label": map[string]any{"show": true, "formatter": "{b}", "position": "right", "fontSize": 10, "color": "#333"}, "labelLayout": map[string]any{"hideOverlap": true}},
		map[string]any{"name": "全市在办问题", "type": "scatter", "data": cities, "z": 2,
			"label": map[string]any{"show": true, "formatter": "{b}", "position": "left", "fontSize": 11, "fontWeight": "bold"}, "labelLayout": map[string]any{"hideOverlap": true}})
	var secs []any
	colors := md.ClassColors.Colors
	for _, s := range d.MapSections {
		name := "暂无监测"
		if s.Class > 0 {
			name = Class(s.Class).String()
		}
		c := colors[0]
		if s.Class >= 0 && s.Class < len(colors) {
			c = colors[s.Class]
		}
		secs = append(secs, map[string]any{"name": s.Name, "value": []any{s.Lon, s.Lat}, "itemStyle": map[string]any{"color": c, "borderColor": "#333"},
			"tip": fmt.Sprintf("%s断面：最新水质 %s（示意位置）", s.Name, name)})
	}
	series = append(series, map[string]any{"name": "监测断面", "type": "scatter", "symbol": "triangle", "symbolSize": 12, "data": secs, "z": 4})
	return map[string]any{
		"title":   map[string]any{"text": "四市问题与断面水质示意图", "subtext": "示意图，非标准地图\n圆点：区县驻地，菱形：全市，大小为在办问题数\n三角：监测断面，颜色为最新水质类别"},
		"tooltip": map[string]any{"trigger": "item", "fromData": true},
		"grid":    map[string]any{"left": 8, "right": 8, "top": 64, "bottom": 8},
		"xAxis":   map[string]any{"type": "value", "min": 103.2, "max": 105.5, "show": false},
		"yAxis":   map[string]any{"type": "value", "min": 29.5, "max": 31.45, "show": false},
		"visualMap": map[string]any{"type": "continuous", "seriesIndex": len(md.Rivers), "dimension": 2, "min": 0, "max": maxOpen,
			"show": false, "inRange": map[string]any{"color": []string{"#66bb6a", "#fdd835", "#e53935"}}},
		"series": series,
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
	d.ConfigWarnings = m.configErrs
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
	d.ConfigWarnings = m.configErrs
	web.WriteJSON(w, http.StatusOK, d)
}

var _ = auth.Chief
