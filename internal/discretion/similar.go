package discretion

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sort"

	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// positionOf is the place of fine in [min, max] in basis points (0–10000),
// clamped; 0 when the range is a single amount.
func positionOf(fine, min, max int64) int64 {
	if max <= min {
		return 0
	}
	if fine <= min {
		return 0
	}
	if fine >= max {
		return 10000
	}
	hi, lo := bits.Mul64(uint64(fine-min), 10000)
	q, r := bits.Div64(hi, lo, uint64(max-min))
	if 2*r >= uint64(max-min) {
		q++
	}
	return int64(q)
}

// posText renders basis points as a percentage: 4567 → "45.67%".
func posText(bp int64) string {
	if bp < 0 {
		return "—"
	}
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// baseBand is [base×(100−pct)%, base×(100+pct)%].
func baseBand(base, pct int64) (int64, int64) {
	if pct < 0 {
		pct = 0
	}
	lo := base / 100 * (100 - min(pct, 100))
	lo += base % 100 * (100 - min(pct, 100)) / 100
	hi := base/100*(100+pct) + base%100*(100+pct)/100
	return lo, hi
}

// median of sorted values (lower middle for an even count, so it is a real case's value).
func median(sorted []int64) int64 {
	if len(sorted) == 0 {
		return -1
	}
	return sorted[(len(sorted)-1)/2]
}

// quantile of sorted values by the nearest-rank method.
func quantile(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return -1
	}
	i := (len(sorted)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return sorted[i-1]
}

// SimilarReport is the 类案同罚 answer for one case.
type SimilarReport struct {
	ItemID      string        `json:"item_id"`
	Tier        string        `json:"tier"`
	BaseKind    string        `json:"base_kind"`
	BaseFen     int64         `json:"base_fen"`
	BaseLow     int64         `json:"base_low"`
	BaseHigh    int64         `json:"base_high"`
	BandPct     int64         `json:"band_pct"`
	Position    int64         `json:"position"` // the case's (proposed) fine position
	Count       int           `json:"count"`
	Median      int64         `json:"median"` // median position of the similar cases, -1 if none
	P25         int64         `json:"p25"`
	P75         int64         `json:"p75"`
	Departure   int64         `json:"departure"` // |position − median|, -1 if none
	Threshold   int64         `json:"threshold"`
	Warn        bool          `json:"warn"`
	Message     string        `json:"message"`
	ByCity      []CityMedian  `json:"by_city"`
	Cases       []SimilarCase `json:"cases"`
	Limited     bool          `json:"limited"` // more cases matched than were read
	Comparable  bool          `json:"comparable"`
	Explanation string        `json:"explanation"`
}

// CityMedian is the similar cases of one city.
type CityMedian struct {
	City   string `json:"city"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
	Median int64  `json:"median"`
}

// similar finds the decided cases like c in all four cities and compares c's position with them.
func (m *Module) similar(ctx context.Context, q store.Querier, c *Case, bandPct int64) (*SimilarReport, error) {
	if bandPct <= 0 {
		bandPct = m.Config.BandPct
	}
	rep := &SimilarReport{ItemID: c.ItemID, Tier: c.Tier, BaseKind: c.BaseKind, BaseFen: c.BaseFen, BandPct: bandPct,
		Position: c.Position, Median: -1, P25: -1, P75: -1, Departure: -1, Threshold: m.Config.DepartureBP}
	rep.Comparable = c.Tier != string(TierNone) && c.Tier != string(TierNoFine) && c.LegalMax > c.LegalMin
	if !rep.Comparable {
		rep.Message = "本案不处罚款或法定幅度为单一数额，不作罚款位置比较。"
		return rep, nil
	}
	rep.BaseLow, rep.BaseHigh = baseBand(c.BaseFen, bandPct)
	limit := m.Config.MaxSimilar
	if limit <= 0 {
		limit = 200
	}
	rows, err := similarRows(ctx, q, c.ItemID, c.Tier, rep.BaseLow, rep.BaseHigh, c.BaseFen, c.ID, limit+1)
	if err != nil {
		return nil, err
	}
	if len(rows) > limit {
		rows, rep.Limited = rows[:limit], true
	}
	rep.Cases = rows
	rep.Count = len(rows)
	if c.BaseKind != "" {
		rep.Explanation = fmt.Sprintf("同一事项、同为「%s」阶次、%s在 %s 至 %s 元（本案 %s 元的 ±%d%%）之间的四市已决定案件",
			c.Tier, BaseName(c.BaseKind), yuanPlain(rep.BaseLow), yuanPlain(rep.BaseHigh), yuanPlain(c.BaseFen), bandPct)
	} else {
		rep.Explanation = fmt.Sprintf("同一事项、同为「%s」阶次的四市已决定案件（本事项按固定幅度处罚，不按基数筛选）", c.Tier)
	}
	if rep.Limited {
		rep.Explanation += fmt.Sprintf("，取基数最接近的 %d 件", limit)
	}
	pos := make([]int64, len(rows))
	byCity := map[string][]int64{}
	for i, s := range rows {
		pos[i] = s.Position
		byCity[s.City] = append(byCity[s.City], s.Position)
	}
	slices.Sort(pos)
	rep.Median, rep.P25, rep.P75 = median(pos), quantile(pos, 25), quantile(pos, 75)
	for _, city := range region.Cities() {
		ps := byCity[city.Code]
		slices.Sort(ps)
		rep.ByCity = append(rep.ByCity, CityMedian{City: city.Code, Name: city.Name, Count: len(ps), Median: median(ps)})
	}
	if rep.Count == 0 {
		rep.Message = "四市尚无可比的已决定案件。"
		return rep, nil
	}
	rep.Departure = abs64(c.Position - rep.Median)
	switch {
	case rep.Count < m.Config.MinSimilar:
		rep.Message = fmt.Sprintf("可比案件仅 %d 件（少于 %d 件），仅供参考，不作偏离提示。", rep.Count, m.Config.MinSimilar)
	case rep.Departure > rep.Threshold:
		rep.Warn = true
		dir := "高于"
		if c.Position < rep.Median {
			dir = "低于"
		}
		rep.Message = fmt.Sprintf("本案罚款位于法定幅度的 %s，%s %d 件类案的中位数 %s，偏离 %s，超过提示阈值 %s。请在拟处意见中说明理由，或调整罚款。",
			posText(c.Position), dir, rep.Count, posText(rep.Median), posText(rep.Departure), posText(rep.Threshold))
	default:
		rep.Message = fmt.Sprintf("本案罚款位于法定幅度的 %s，与 %d 件类案的中位数 %s 相差 %s，在提示阈值 %s 以内。",
			posText(c.Position), rep.Count, posText(rep.Median), posText(rep.Departure), posText(rep.Threshold))
	}
	return rep, nil
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// departureOf returns what the case stores of a report: count, median, departure (-1 when
// fewer than MinSimilar cases compare).
func (m *Module) departureOf(rep *SimilarReport) (int, int64, int64) {
	if !rep.Comparable || rep.Count < m.Config.MinSimilar {
		return rep.Count, rep.Median, -1
	}
	return rep.Count, rep.Median, rep.Departure
}

// ---- consistency view (一致性分析) ----

// CityStats is the spread of positions of one item in one city.
type CityStats struct {
	City     string  `json:"city"`
	Name     string  `json:"name"`
	Count    int     `json:"count"`
	Min      int64   `json:"min"`
	P25      int64   `json:"p25"`
	Median   int64   `json:"median"`
	P75      int64   `json:"p75"`
	Max      int64   `json:"max"`
	Outliers []int64 `json:"outliers"` // case ids outside 1.5 × IQR
	outPos   []int64
}

// ItemStats is one item's consistency across the four cities.
type ItemStats struct {
	ItemID  string      `json:"item_id"`
	Name    string      `json:"name"`
	Count   int         `json:"count"`
	Median  int64       `json:"median"`
	Spread  int64       `json:"spread"` // largest difference between city medians
	Cities  []CityStats `json:"cities"`
	Outlier int         `json:"outliers"`
}

func cityStats(code string, rows []positionRow) CityStats {
	cs := CityStats{City: code, Name: region.Name(code), Count: len(rows), Min: -1, P25: -1, Median: -1, P75: -1, Max: -1}
	if len(rows) == 0 {
		return cs
	}
	pos := make([]int64, len(rows))
	for i, r := range rows {
		pos[i] = r.Position
	}
	slices.Sort(pos)
	cs.Min, cs.Max = pos[0], pos[len(pos)-1]
	cs.P25, cs.Median, cs.P75 = quantile(pos, 25), median(pos), quantile(pos, 75)
	iqr := cs.P75 - cs.P25
	lo, hi := cs.P25-iqr*3/2, cs.P75+iqr*3/2
	for _, r := range rows {
		if r.Position < lo || r.Position > hi {
			cs.Outliers = append(cs.Outliers, r.ID)
			cs.outPos = append(cs.outPos, r.Position)
		}
	}
	return cs
}

// consistency computes per-item, per-city spreads of decided cases' positions.
func (m *Module) consistency(rows []positionRow) []ItemStats {
	byItem := map[string][]positionRow{}
	for _, r := range rows {
		byItem[r.ItemID] = append(byItem[r.ItemID], r)
	}
	var out []ItemStats
	for id, rs := range byItem {
		st := ItemStats{ItemID: id, Name: id, Count: len(rs)}
		if it, ok := m.eng.Cat.Item(id); ok {
			st.Name = it.Name
		}
		all := make([]int64, len(rs))
		byCity := map[string][]positionRow{}
		for i, r := range rs {
			all[i] = r.Position
			byCity[r.City] = append(byCity[r.City], r)
		}
		slices.Sort(all)
		st.Median = median(all)
		lo, hi := int64(-1), int64(-1)
		for _, c := range region.Cities() {
			cs := cityStats(c.Code, byCity[c.Code])
			st.Cities = append(st.Cities, cs)
			st.Outlier += len(cs.Outliers)
			if cs.Count > 0 {
				if lo < 0 || cs.Median < lo {
					lo = cs.Median
				}
				if cs.Median > hi {
					hi = cs.Median
				}
			}
		}
		if lo >= 0 {
			st.Spread = hi - lo
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Spread != out[j].Spread {
			return out[i].Spread > out[j].Spread
		}
		return out[i].ItemID < out[j].ItemID
	})
	return out
}

// boxChart is the ECharts option of one item: a box per city and its outliers.
func boxChart(st ItemStats) map[string]any {
	var names []string
	var boxes []any
	var outs []any
	for _, c := range st.Cities {
		names = append(names, c.Name)
		if c.Count == 0 {
			boxes = append(boxes, []any{})
			continue
		}
		boxes = append(boxes, []float64{pct(c.Min), pct(c.P25), pct(c.Median), pct(c.P75), pct(c.Max)})
		for _, p := range c.outPos {
			outs = append(outs, []any{c.Name, pct(p)})
		}
	}
	return map[string]any{
		"title":   map[string]any{"text": "各市罚款在法定幅度内的位置（%）", "left": "center", "textStyle": map[string]any{"fontSize": 14}},
		"tooltip": map[string]any{"trigger": "item"},
		"legend":  map[string]any{"bottom": 0, "data": []string{"位置分布", "离群案件"}},
		"grid":    map[string]any{"top": 50, "left": 50, "right": 20, "bottom": 60},
		"xAxis":   map[string]any{"type": "category", "data": names},
		"yAxis":   map[string]any{"type": "value", "min": 0, "max": 100, "name": "位置 %"},
		"series": []any{
			map[string]any{"name": "位置分布", "type": "boxplot", "data": boxes},
			map[string]any{"name": "离群案件", "type": "scatter", "data": outs, "symbolSize": 6},
		},
	}
}

// spreadChart is a bar chart of the items whose city medians differ most.
func spreadChart(items []ItemStats, n int) map[string]any {
	var names []string
	var vals []float64
	for i, st := range items {
		if i == n {
			break
		}
		names = append(names, st.ItemID)
		vals = append(vals, pct(st.Spread))
	}
	slices.Reverse(names)
	slices.Reverse(vals)
	return map[string]any{
		"title":   map[string]any{"text": "四市中位位置差最大的事项（百分点）", "left": "center", "textStyle": map[string]any{"fontSize": 14}},
		"tooltip": map[string]any{"trigger": "axis"},
		"grid":    map[string]any{"top": 40, "left": 110, "right": 20, "bottom": 30},
		"xAxis":   map[string]any{"type": "value", "name": "百分点"},
		"yAxis":   map[string]any{"type": "category", "data": names},
		"series":  []any{map[string]any{"type": "bar", "data": vals, "name": "中位位置差"}},
	}
}

// pct turns basis points into a percentage for charts (a ratio, not money).
func pct(bp int64) float64 { return float64(bp) / 100 }

// SimilarTo loads case id and finds its similar decided cases (bandPct 0 = the configured band).
// It does not check who asks; handlers do.
func (m *Module) SimilarTo(ctx context.Context, id, bandPct int64) (*SimilarReport, error) {
	c, err := getCase(ctx, m.d.DB, id)
	if err != nil {
		return nil, err
	}
	return m.similar(ctx, m.d.DB, c, bandPct)
}
