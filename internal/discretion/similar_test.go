package discretion

import (
	"slices"
	"testing"
)

// TestConsistencyStats: the consistency view's figures worked out by hand.
//
// 成都 decided five 第一百二十四条 cases at positions 40 %, 42 %, 44 %, 46 % and 99 %: nearest-rank
// quartiles P25 = 2nd value 42 %, P75 = 4th value 46 % (⌈5×0.75⌉ = 4), median the 3rd 44 %; the
// interquartile range 4 % puts the fences at 36 % and 52 %, so the case at 99 % is the outlier.
// 德阳 decided three at 50 %, 52 %, 54 %: P25 50 %, median 52 %, P75 54 %, fences 44 %–60 %, none out.
// The item's median over the eight cases is the lower middle, the 4th value 46 %; the spread
// between the city medians 52 % − 44 % = 8 %. An item decided once (眉山) has spread 0 and comes after.
func TestConsistencyStats(t *testing.T) {
	m := &Module{eng: engine(t)}
	var rows []positionRow
	for i, p := range []int64{4400, 4000, 9900, 4600, 4200} {
		rows = append(rows, positionRow{ItemID: "food-124-1-5", City: "510100", Tier: "一般", Position: p, ID: int64(i + 1)})
	}
	for i, p := range []int64{5200, 5000, 5400} {
		rows = append(rows, positionRow{ItemID: "food-124-1-5", City: "510600", Tier: "一般", Position: p, ID: int64(i + 6)})
	}
	rows = append(rows, positionRow{ItemID: "ad-57-1", City: "511400", Tier: "从轻", Position: 1000, ID: 9})
	st := m.consistency(rows)
	if len(st) != 2 || st[0].ItemID != "food-124-1-5" || st[1].ItemID != "ad-57-1" {
		t.Fatalf("items %+v", st)
	}
	f := st[0]
	if f.Count != 8 || f.Median != 4600 || f.Spread != 800 || f.Outlier != 1 || f.Name != "生产经营超过保质期或者标注虚假生产日期、保质期的食品" {
		t.Errorf("item: count %d median %d spread %d outliers %d name %s", f.Count, f.Median, f.Spread, f.Outlier, f.Name)
	}
	cd, dy, ms := f.Cities[0], f.Cities[1], f.Cities[2]
	if cd.City != "510100" || cd.Count != 5 || cd.Min != 4000 || cd.P25 != 4200 || cd.Median != 4400 || cd.P75 != 4600 || cd.Max != 9900 || !slices.Equal(cd.Outliers, []int64{3}) {
		t.Errorf("成都 %+v", cd)
	}
	if dy.City != "510600" || dy.Count != 3 || dy.P25 != 5000 || dy.Median != 5200 || dy.P75 != 5400 || len(dy.Outliers) != 0 {
		t.Errorf("德阳 %+v", dy)
	}
	if ms.Count != 0 || ms.Median != -1 {
		t.Errorf("眉山 has no case of this item: %+v", ms)
	}
	if st[1].Count != 1 || st[1].Spread != 0 || st[1].Median != 1000 {
		t.Errorf("ad-57-1 %+v", st[1])
	}
	// the chart of one item: a box per city, the outlier plotted
	series := boxChart(f)["series"].([]any)
	boxes := series[0].(map[string]any)["data"].([]any)
	outs := series[1].(map[string]any)["data"].([]any)
	if !slices.Equal(boxes[0].([]float64), []float64{40, 42, 44, 46, 99}) || len(boxes[2].([]any)) != 0 {
		t.Errorf("boxes %v", boxes)
	}
	if len(outs) != 1 || outs[0].([]any)[0] != "成都市" || outs[0].([]any)[1] != 99.0 {
		t.Errorf("outliers plotted %v", outs)
	}
}
