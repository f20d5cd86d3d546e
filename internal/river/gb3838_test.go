package river

import (
	"math"
	"reflect"
	"testing"
)

func std(t testing.TB) *Standard {
	t.Helper()
	s, err := DefaultStandard()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// handTable is GB 3838-2002 表1 typed again by hand from the standard's text
// (rows 3–24), so that a typo in data/gb3838.json fails a test.
var handTable = map[string][]float64{
	"DO":    {7.5, 6, 5, 3, 2},
	"CODMn": {2, 4, 6, 10, 15},
	"COD":   {15, 15, 20, 30, 40},
	"BOD5":  {3, 3, 4, 6, 10},
	"NH3N":  {0.15, 0.5, 1.0, 1.5, 2.0},
	"TP":    {0.02, 0.1, 0.2, 0.3, 0.4},
	"TN":    {0.2, 0.5, 1.0, 1.5, 2.0},
	"Cu":    {0.01, 1.0, 1.0, 1.0, 1.0},
	"Zn":    {0.05, 1.0, 1.0, 2.0, 2.0},
	"F":     {1.0, 1.0, 1.0, 1.5, 1.5},
	"Se":    {0.01, 0.01, 0.01, 0.02, 0.02},
	"As":    {0.05, 0.05, 0.05, 0.1, 0.1},
	"Hg":    {0.00005, 0.00005, 0.0001, 0.001, 0.001},
	"Cd":    {0.001, 0.005, 0.005, 0.005, 0.01},
	"Cr6":   {0.01, 0.05, 0.05, 0.05, 0.1},
	"Pb":    {0.01, 0.01, 0.05, 0.05, 0.1},
	"CN":    {0.005, 0.05, 0.2, 0.2, 0.2},
	"VP":    {0.002, 0.002, 0.005, 0.01, 0.1},
	"Oil":   {0.05, 0.05, 0.05, 0.5, 1.0},
	"LAS":   {0.2, 0.2, 0.2, 0.3, 0.3},
	"S2":    {0.05, 0.1, 0.2, 0.5, 1.0},
	"FC":    {200, 2000, 10000, 20000, 40000},
}

var handLakeTP = []float64{0.01, 0.025, 0.05, 0.1, 0.2}

func TestStandardDataMatchesTable1(t *testing.T) {
	s := std(t)
	if len(s.Parameters) != 24 {
		t.Fatalf("表1 has 24 rows, data has %d", len(s.Parameters))
	}
	for i, p := range s.Parameters {
		if p.Row != i+1 {
			t.Errorf("%s: row %d at position %d", p.Name, p.Row, i+1)
		}
		want, ok := handTable[p.Code]
		switch {
		case p.Code == "pH":
			if p.Direction != Range || !reflect.DeepEqual(p.Range, []float64{6, 9}) {
				t.Errorf("pH: %v %v, want range 6–9", p.Direction, p.Range)
			}
		case p.Code == "WT":
			if p.Direction != None {
				t.Errorf("水温 must not be classed")
			}
		case !ok:
			t.Errorf("unexpected parameter %s", p.Code)
		default:
			if !reflect.DeepEqual(p.Limits, want) {
				t.Errorf("%s (row %d) limits %v, want %v", p.Name, p.Row, p.Limits, want)
			}
			wantDir := Upper
			if p.Code == "DO" {
				wantDir = Lower
			}
			if p.Direction != wantDir {
				t.Errorf("%s direction %s, want %s", p.Name, p.Direction, wantDir)
			}
		}
	}
	if tp := s.Param("TP"); !reflect.DeepEqual(tp.LakeLimits, handLakeTP) {
		t.Errorf("总磷 湖库 %v, want %v", tp.LakeLimits, handLakeTP)
	}
	if !reflect.DeepEqual(s.RoutineExcluded, []string{"WT", "TN", "FC"}) {
		t.Errorf("routine exclusions %v", s.RoutineExcluded)
	}
	if s.Source == "" {
		t.Error("standard must state its source")
	}
}

// Hand-worked single-parameter cases; each names the 表1 row it relies on.
func TestClassOfHandWorked(t *testing.T) {
	s := std(t)
	cases := []struct {
		row  string
		code string
		v    float64
		body WaterBody
		want Class
	}{
		{"row 5 化学需氧量: 15 is the limit of Ⅰ and Ⅱ → the better, Ⅰ", "COD", 15, River, ClassI},
		{"row 5: 15.1 > 15, ≤ 20 → Ⅲ", "COD", 15.1, River, ClassIII},
		{"row 5: 40 = Ⅴ limit", "COD", 40, River, ClassV},
		{"row 5: 40.01 → 劣Ⅴ", "COD", 40.01, River, ClassWorseV},
		{"row 7 氨氮: 1.2 in (1.0, 1.5] → Ⅳ", "NH3N", 1.2, River, ClassIV},
		{"row 7: 1.0 = Ⅲ limit", "NH3N", 1.0, River, ClassIII},
		{"row 7: 0 → Ⅰ", "NH3N", 0, River, ClassI},
		{"row 8 总磷 河流: 0.25 in (0.2, 0.3] → Ⅳ", "TP", 0.25, River, ClassIV},
		{"row 8 总磷 湖库: 0.25 > 0.2 → 劣Ⅴ", "TP", 0.25, Lake, ClassWorseV},
		{"row 8 湖库: 0.025 = Ⅱ limit", "TP", 0.025, Lake, ClassII},
		{"row 8 河流: 0.025 in (0.02, 0.1] → Ⅱ", "TP", 0.025, River, ClassII},
		{"row 8 湖库: 0.1 = Ⅳ limit, 河流 Ⅱ", "TP", 0.1, Lake, ClassIV},
		{"row 3 溶解氧 ≥: 4.0 in [3, 5) → Ⅳ", "DO", 4.0, River, ClassIV},
		{"row 3: 7.5 = Ⅰ limit", "DO", 7.5, River, ClassI},
		{"row 3: 7.49 → Ⅱ", "DO", 7.49, River, ClassII},
		{"row 3: 1.9 < 2 → 劣Ⅴ", "DO", 1.9, River, ClassWorseV},
		{"row 2 pH 6 → meets all classes", "pH", 6, River, ClassI},
		{"row 2 pH 9", "pH", 9, River, ClassI},
		{"row 2 pH 5.9 → 劣Ⅴ", "pH", 5.9, River, ClassWorseV},
		{"row 2 pH 9.1 → 劣Ⅴ", "pH", 9.1, Lake, ClassWorseV},
		{"row 15 汞: 0.00005 = Ⅰ/Ⅱ limit", "Hg", 0.00005, River, ClassI},
		{"row 15: 0.00006 → Ⅲ", "Hg", 0.00006, River, ClassIII},
		{"row 16 镉: 0.002 → Ⅱ", "Cd", 0.002, River, ClassII},
		{"row 10 铜: 0.5 → Ⅱ", "Cu", 0.5, River, ClassII},
		{"row 11 锌: 1.5 → Ⅳ", "Zn", 1.5, River, ClassIV},
		{"row 19 氰化物: 0.2 → Ⅲ", "CN", 0.2, River, ClassIII},
		{"row 24 粪大肠菌群: 30000 → Ⅴ", "FC", 30000, River, ClassV},
		{"row 1 水温: not classed", "WT", 18, River, 0},
	}
	for _, c := range cases {
		got, err := s.Param(c.code).ClassOf(c.v, c.body)
		if err != nil || got != c.want {
			t.Errorf("%s: %s=%v %s → %v (%v), want %v", c.row, c.code, c.v, c.body, got, err, c.want)
		}
	}
}

// For every parameter and every class limit: the limit itself belongs to
// the (best) class having that limit, the next representable value on the
// worse side to the next class.
func TestBoundariesBothSides(t *testing.T) {
	s := std(t)
	n := 0
	for code, lim := range handTable {
		p := s.Param(code)
		for _, body := range []WaterBody{River, Lake} {
			l := lim
			if code == "TP" && body == Lake {
				l = handLakeTP
			}
			for k, L := range l {
				at := firstClass(l, func(x float64) bool { return x == L })
				if code == "DO" {
					worse := math.Nextafter(L, math.Inf(-1))
					if got, _ := p.ClassOf(L, body); got != at {
						t.Errorf("%s=%v → %v, want %v", p.Name, L, got, at)
					}
					want := firstClass(l, func(x float64) bool { return x <= worse })
					if got, _ := p.ClassOf(worse, body); got != want {
						t.Errorf("%s=%v → %v, want %v", p.Name, worse, got, want)
					}
				} else {
					worse := math.Nextafter(L, math.Inf(1))
					if got, _ := p.ClassOf(L, body); got != at {
						t.Errorf("%s=%v %s → %v, want %v", p.Name, L, body, got, at)
					}
					want := firstClass(l, func(x float64) bool { return x >= worse })
					if got, _ := p.ClassOf(worse, body); got != want {
						t.Errorf("%s=%v %s → %v, want %v (limit of class %d)", p.Name, worse, body, got, want, k+1)
					}
				}
				n += 2
			}
		}
	}
	for _, v := range []float64{6, 9} {
		if got, _ := s.Param("pH").ClassOf(v, River); got != ClassI {
			t.Errorf("pH %v → %v", v, got)
		}
	}
	if got, _ := s.Param("pH").ClassOf(math.Nextafter(6, 0), River); got != ClassWorseV {
		t.Errorf("pH just under 6 → %v", got)
	}
	if got, _ := s.Param("pH").ClassOf(math.Nextafter(9, 10), River); got != ClassWorseV {
		t.Errorf("pH just over 9 → %v", got)
	}
	if n != 22*2*5*2 {
		t.Errorf("checked %d boundaries", n)
	}
}

// firstClass returns the first class whose limit satisfies ok, else 劣Ⅴ.
func firstClass(l []float64, ok func(float64) bool) Class {
	for i, x := range l {
		if ok(x) {
			return Class(i + 1)
		}
	}
	return ClassWorseV
}

func TestClassifySampleWorstParameter(t *testing.T) {
	s := std(t)
	vals := map[string]float64{"pH": 7.5, "溶解氧": 6.5, "CODMn": 3.5, "COD": 14, "BOD5": 2.5, "NH3-N": 0.42, "总磷": 0.12, "TN": 2.6, "FC": 30000, "WT": 17}
	// River, routine: pH Ⅰ, DO Ⅱ (row 3, ≥6), CODMn Ⅱ (row 4), COD Ⅰ, BOD5 Ⅰ,
	// NH3-N Ⅱ (row 7), TP Ⅲ (row 8 河流 0.1<0.12≤0.2); TN not for rivers,
	// FC and WT left out → Ⅲ set by 总磷.
	r, err := s.Classify(Sample{Body: River, Values: vals}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Class != ClassIII || !reflect.DeepEqual(r.Worst, []string{"总磷"}) {
		t.Fatalf("river: %v %v", r.Class, r.Worst)
	}
	if len(r.Params) != 10 || r.Params[0].Name != "水温" || r.Params[9].Name != "粪大肠菌群" {
		t.Fatalf("params not in row order: %+v", r.Params)
	}
	for _, p := range r.Params {
		wantAssessed := p.Code != "WT" && p.Code != "TN" && p.Code != "FC"
		if p.Assessed != wantAssessed {
			t.Errorf("%s assessed=%v", p.Name, p.Assessed)
		}
	}
	if r.Params[9].Class != ClassV {
		t.Errorf("粪大肠菌群 is still classed for reference: %v", r.Params[9].Class)
	}
	// Lake, routine: TP 0.12 in (0.1, 0.2] of 湖库 → Ⅴ; TN 劣Ⅴ but left out.
	r, _ = s.Classify(Sample{Body: Lake, Values: vals}, Options{})
	if r.Class != ClassV || !reflect.DeepEqual(r.Worst, []string{"总磷"}) {
		t.Fatalf("lake: %v %v", r.Class, r.Worst)
	}
	// Lake, everything assessed: TN 2.6 > 2.0 (row 9) → 劣Ⅴ.
	r, _ = s.Classify(Sample{Body: Lake, Values: vals}, Options{Exclude: []string{}})
	if r.Class != ClassWorseV || !reflect.DeepEqual(r.Worst, []string{"总氮"}) || r.Class.Grade() != "重度污染" {
		t.Fatalf("lake all: %v %v", r.Class, r.Worst)
	}
	// Two parameters at the worst class are both named.
	r, _ = s.Classify(Sample{Values: map[string]float64{"NH3N": 1.2, "TP": 0.25, "DO": 8}}, Options{})
	if r.Class != ClassIV || !reflect.DeepEqual(r.Worst, []string{"氨氮", "总磷"}) || r.Class.String() != "Ⅳ类" || r.Class.Grade() != "轻度污染" {
		t.Fatalf("%v %v", r.Class, r.Worst)
	}
	ex := r.Exceeds(s, ClassIII, River)
	want := []Exceedance{{"氨氮", ClassIV, 0.2}, {"总磷", ClassIV, 0.25}}
	if !reflect.DeepEqual(ex, want) {
		t.Fatalf("exceeds %v, want %v", ex, want)
	}
	// Only excluded parameters: nothing assessed, no class.
	r, _ = s.Classify(Sample{Values: map[string]float64{"FC": 100}}, Options{})
	if r.Class != 0 || r.Class.String() != "未分类" {
		t.Fatalf("%v", r.Class)
	}
}

func TestClassifyRejectsBadInput(t *testing.T) {
	cases := []struct {
		vals map[string]float64
		opt  Options
		want string
	}{
		{map[string]float64{"DO": 500}, Options{}, "溶解氧的数值500 mg/L超出可能范围（不大于25 mg/L），请检查单位是否填错"},
		{map[string]float64{"pH": 15}, Options{}, "pH值的数值15超出可能范围（0～14 无量纲），请检查数据和单位"},
		{map[string]float64{"pH": -1}, Options{}, "pH值的数值-1超出可能范围（0～14 无量纲），请检查数据和单位"},
		{map[string]float64{"氨氮": -0.1}, Options{}, "氨氮的浓度-0.1为负数，浓度不能为负，请检查数据"},
		{map[string]float64{"TP": math.NaN()}, Options{}, "总磷的数值无效，请填写数字"},
		{map[string]float64{"COD": math.Inf(1)}, Options{}, "化学需氧量的数值无效，请填写数字"},
		{map[string]float64{"钾": 1}, Options{}, "监测项目“钾”不在GB 3838-2002表1基本项目中，请检查项目名称"},
		{map[string]float64{"NH3N": 0.1, "氨氮": 0.2}, Options{}, "监测项目“氨氮”重复填写"},
		{map[string]float64{"TP": 0.1}, Options{Exclude: []string{"叶绿素"}}, "评价设置中的项目“叶绿素”不在GB 3838-2002表1中"},
		{map[string]float64{"WT": 80}, Options{}, "水温的数值80超出可能范围（-5～45 ℃），请检查数据和单位"},
	}
	for _, c := range cases {
		_, err := Classify(Sample{Values: c.vals}, c.opt)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: got %v, want %s", c.vals, err, c.want)
		}
	}
}

func TestParseClass(t *testing.T) {
	for in, want := range map[string]Class{"Ⅲ": ClassIII, "Ⅲ类": ClassIII, "iv": ClassIV, "劣Ⅴ类": ClassWorseV, "劣V": ClassWorseV, "1": ClassI} {
		if got, err := ParseClass(in); err != nil || got != want {
			t.Errorf("%q → %v %v", in, got, err)
		}
	}
	if _, err := ParseClass("Ⅶ"); err == nil || err.Error() != "无法识别的水质类别“Ⅶ”，请填写Ⅰ、Ⅱ、Ⅲ、Ⅳ、Ⅴ或劣Ⅴ" {
		t.Error(err)
	}
}

func TestParseStandardRejectsBrokenData(t *testing.T) {
	for in, want := range map[string]string{
		`{"parameters":[{"code":"X","row":1,"name":"某项","direction":"max","limits":[1,2,3]}]}`:     "标准限值文件中“某项”须有Ⅰ至Ⅴ类共5个限值",
		`{"parameters":[{"code":"X","row":1,"name":"某项","direction":"max","limits":[3,2,3,4,5]}]}`: "标准限值文件中“某项”的限值次序有误",
		`{"parameters":[{"code":"X","row":1,"name":"某项","direction":"up"}]}`:                       "标准限值文件中“某项”的判定方向“up”未知",
	} {
		if _, err := ParseStandard([]byte(in)); err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}

// FuzzClassOf: never panics; a valid value gets a class 1…6; worsening the
// value (more pollutant, less oxygen) never improves the class.
func FuzzClassOf(f *testing.F) {
	s := std(f)
	codes := make([]string, len(s.Parameters))
	for i, p := range s.Parameters {
		codes[i] = p.Code
	}
	f.Add(uint8(4), 15.0, false)
	f.Add(uint8(7), 0.25, true)
	f.Add(uint8(2), 7.5, false)
	f.Add(uint8(1), 9.0, false)
	f.Add(uint8(14), 0.00005, false)
	f.Add(uint8(23), 40000.0, true)
	f.Add(uint8(2), -0.0, false)
	f.Add(uint8(6), math.Inf(1), false)
	f.Fuzz(func(t *testing.T, idx uint8, v float64, lake bool) {
		p := s.Parameters[int(idx)%len(s.Parameters)]
		body := River
		if lake {
			body = Lake
		}
		c, err := p.ClassOf(v, body)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if p.Direction == None {
			if c != 0 {
				t.Fatalf("水温 classed %v", c)
			}
			return
		}
		if c < ClassI || c > ClassWorseV {
			t.Fatalf("%s=%v → %v", p.Name, v, c)
		}
		var worse float64
		switch p.Direction {
		case Upper:
			worse = v*1.5 + 1e-9
		case Lower:
			worse = v / 1.5
		default:
			return
		}
		if c2, err := p.ClassOf(worse, body); err == nil && c2 < c {
			t.Fatalf("%s: %v → %v but worse %v → %v", p.Name, v, c, worse, c2)
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	s := std(b)
	sm := Sample{Body: River, Values: map[string]float64{
		"pH": 7.6, "DO": 6.8, "CODMn": 3.1, "COD": 16, "BOD5": 2.9, "NH3N": 0.38, "TP": 0.14, "Cu": 0.004, "Zn": 0.02,
		"F": 0.4, "Se": 0.0004, "As": 0.002, "Hg": 0.00002, "Cd": 0.0003, "Cr6": 0.004, "Pb": 0.002, "CN": 0.002,
		"VP": 0.0008, "Oil": 0.02, "LAS": 0.05, "S2": 0.01, "WT": 18, "TN": 2.1, "FC": 5400,
	}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Classify(sm, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClassOf(b *testing.B) {
	p := std(b).Param("NH3N")
	for b.Loop() {
		if _, err := p.ClassOf(1.2, River); err != nil {
			b.Fatal(err)
		}
	}
}
