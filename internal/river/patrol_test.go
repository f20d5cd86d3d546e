package river

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func track(start time.Time, pts ...[2]float64) []TrackPoint {
	out := make([]TrackPoint, len(pts))
	for i, p := range pts {
		out[i] = TrackPoint{Lat: p[0], Lon: p[1], At: start.Add(time.Duration(i) * 10 * time.Minute)}
	}
	return out
}

func TestHaversineHandWorked(t *testing.T) {
	// One degree along a meridian = R·π/180 with R = 6371.0088 km.
	if d := Haversine(30, 104, 31, 104); math.Abs(d-111.1950802335329) > 1e-9 {
		t.Errorf("1° of latitude = %v km", d)
	}
	// 天府广场 (30.6574, 104.0658) to 资阳 (30.1289, 104.6278).
	if d := Haversine(30.6574, 104.0658, 30.1289, 104.6278); math.Abs(d-79.74378377900102) > 1e-9 {
		t.Errorf("成都–资阳 = %v km", d)
	}
	if Haversine(30.5, 104, 30.5, 104) != 0 {
		t.Error("same point")
	}
}

func TestPatrolLength(t *testing.T) {
	p := Patrol{Track: track(t0, [2]float64{30, 104}, [2]float64{30, 104.01}, [2]float64{30, 104.02})}
	// 0.01° of longitude at 30°N ≈ 0.9629776 km, twice.
	if l := p.Length(); math.Abs(l-2*0.9629776422758144) > 1e-9 {
		t.Errorf("length %v", l)
	}
	if (Patrol{}).Length() != 0 {
		t.Error("empty track")
	}
}

func TestPatrolValidate(t *testing.T) {
	cfg := DefaultPatrolConfig()
	start := t0
	good := Patrol{Start: start, End: start.Add(time.Hour), Track: track(start, [2]float64{30.66, 104.06}, [2]float64{30.661, 104.065}, [2]float64{30.662, 104.07})}
	now := start.Add(2 * time.Hour)
	if err := cfg.Validate(good, now); err != nil {
		t.Fatal(err)
	}
	mut := func(f func(p *Patrol)) Patrol {
		p := good
		p.Track = append([]TrackPoint(nil), good.Track...)
		f(&p)
		return p
	}
	cases := []struct {
		p    Patrol
		want string
	}{
		{mut(func(p *Patrol) { p.End = p.Start.Add(-time.Minute) }), "巡河结束时间2026-03-02 08:59早于开始时间2026-03-02 09:00，请检查"},
		{mut(func(p *Patrol) { p.End = time.Time{} }), "巡河必须填写开始时间和结束时间"},
		{mut(func(p *Patrol) { p.End = now.Add(time.Minute) }), "巡河结束时间2026-03-02 11:01晚于当前时间，请检查手机时间"},
		{mut(func(p *Patrol) { p.End = p.Start.Add(25 * time.Hour) }), "巡河结束时间2026-03-03 10:00晚于当前时间，请检查手机时间"},
		{mut(func(p *Patrol) { p.Track[1].Lat = 39.9; p.Track[1].Lon = 116.4 }), "第2个轨迹点（纬度39.9，经度116.4）不在成都、德阳、眉山、资阳范围内"},
		{mut(func(p *Patrol) { p.Track[2].Lat = math.NaN() }), "第3个轨迹点（纬度NaN，经度104.07）不在成都、德阳、眉山、资阳范围内"},
		{mut(func(p *Patrol) { p.Track[2].At = p.End.Add(time.Second) }), "第3个轨迹点的时间2026-03-02 10:00不在巡河开始与结束时间之间"},
		{mut(func(p *Patrol) { p.Track[2].At = p.Track[0].At }), "第3个轨迹点的时间早于第2个，轨迹点须按时间先后排列"},
		// 30.661 → 31.0 in 10 minutes ≈ 38 km → 226 km/h.
		{mut(func(p *Patrol) { p.Track[2].Lat = 31.0 }), "第2个轨迹点与第3个之间速度超过120公里/小时，轨迹点有误"},
		// Same time, 5 km apart.
		{mut(func(p *Patrol) { p.Track[2].At = p.Track[1].At; p.Track[2].Lat = 30.71 }), "第2个轨迹点与第3个之间速度超过120公里/小时，轨迹点有误"},
	}
	for _, c := range cases {
		if err := cfg.Validate(c.p, now); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
	// Over 24 hours, uploaded later.
	long := mut(func(p *Patrol) { p.End = p.Start.Add(25 * time.Hour) })
	if err := cfg.Validate(long, start.AddDate(0, 0, 3)); err == nil || err.Error() != "巡河时长超过24小时，请分次记录" {
		t.Error(err)
	}
	// Too many points.
	many := good
	many.Track = make([]TrackPoint, cfg.MaxPoints+1)
	if err := cfg.Validate(many, now); err == nil || err.Error() != "轨迹点有5001个，超过上限5000个，请分段上传" {
		t.Error(err)
	}
	// GPS jitter (< 50 m) at the same instant is tolerated.
	jit := mut(func(p *Patrol) { p.Track[2].At = p.Track[1].At; p.Track[2].Lat = 30.6612; p.Track[2].Lon = 104.065 })
	if err := cfg.Validate(jit, now); err != nil {
		t.Error(err)
	}
	// Box edges: 资阳's south and 德阳's north lie inside.
	if !FourCitiesBox.Contains(29.25, 105.0) || !FourCitiesBox.Contains(31.7, 104.2) || FourCitiesBox.Contains(29.55, 106.55) {
		t.Error("bounding box")
	}
}

func TestRequiredAndCompliance(t *testing.T) {
	cfg := DefaultPatrolConfig()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai)
	to := time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai) // 90 days
	// ⌈1×90/7⌉ = 13 weekly, ⌈90/30⌉ = 3 monthly, ⌈90/90⌉ = 1 quarterly.
	for l, want := range map[Level]int{LevelVillage: 13, LevelTownship: 13, LevelCounty: 3, LevelCity: 3, LevelProvince: 1} {
		if got := cfg.Required(l, from, to); got != want {
			t.Errorf("%s: %d, want %d", l, got, want)
		}
	}
	// 每月1次 over calendar spans (a month is 365.25/12 = 30.4375 days on average):
	// January (31 days) 1, Q4 (92 days) 3, a year 12, a leap year 12, February 1,
	// nine days in office 1 (at least one period); 每周1次 over October 31/7 → 4,
	// a 30-day window 30/7 → 4.
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai)
	for _, c := range []struct {
		name     string
		l        Level
		from, to time.Time
		want     int
	}{
		{"January monthly", LevelCounty, from, from.AddDate(0, 1, 0), 1},
		{"Q4 monthly", LevelCounty, oct, oct.AddDate(0, 3, 0), 3},
		{"2026 monthly", LevelCity, from, from.AddDate(1, 0, 0), 12},
		{"2028 (leap) monthly", LevelCity, from.AddDate(2, 0, 0), from.AddDate(3, 0, 0), 12},
		{"February monthly", LevelCounty, from.AddDate(0, 1, 0), from.AddDate(0, 2, 0), 1},
		{"nine days monthly", LevelCounty, oct, oct.AddDate(0, 0, 9), 1},
		{"October weekly", LevelVillage, oct, oct.AddDate(0, 1, 0), 4},
		{"30 days weekly", LevelTownship, oct, oct.AddDate(0, 0, 30), 4},
		{"Q4 quarterly", LevelProvince, oct, oct.AddDate(0, 3, 0), 1},
		{"2026 quarterly", LevelProvince, from, from.AddDate(1, 0, 0), 4},
	} {
		if got := cfg.Required(c.l, c.from, c.to); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if cfg.Required(LevelCounty, to, from) != 0 || cfg.Required(0, from, to) != 0 {
		t.Error("empty period or unknown level requires nothing")
	}
	chiefs := []Chief{{ID: "v", Level: LevelVillage, Region: "510121"}, {ID: "t", Level: LevelTownship, Region: "510121"}, {ID: "c", Level: LevelCounty, Region: "510185"}, {ID: "p", Level: 0}}
	var ps []Patrol
	add := func(id string, n int, at time.Time) {
		for i := 0; i < n; i++ {
			ps = append(ps, Patrol{ChiefID: id, Start: at.Add(time.Duration(i) * time.Hour)})
		}
	}
	add("v", 14, from)                // 14 ≥ 13
	add("t", 6, from)                 // 6 of 13
	add("c", 3, to.Add(-3*time.Hour)) // the last three hours still count
	add("c", 2, to)                   // starts at `to` do not count
	add("c", 1, from.Add(-time.Hour)) // before the period
	got := cfg.Compliance(chiefs, ps, from, to)
	want := []Compliance{
		{ChiefID: "v", Level: LevelVillage, Region: "510121", Required: 13, Done: 14, Rate: 1, Compliant: true},
		{ChiefID: "t", Level: LevelTownship, Region: "510121", Required: 13, Done: 6, Rate: 6.0 / 13, Compliant: false},
		{ChiefID: "c", Level: LevelCounty, Region: "510185", Required: 3, Done: 3, Rate: 1, Compliant: true},
		{ChiefID: "p", Required: 0, Done: 0, Rate: 1, Compliant: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v", got)
	}
}

func BenchmarkPatrolValidate(b *testing.B) {
	cfg := DefaultPatrolConfig()
	p := Patrol{Start: t0, End: t0.Add(5 * time.Hour)}
	for i := 0; i < 1000; i++ {
		p.Track = append(p.Track, TrackPoint{Lat: 30.6 + float64(i)*0.0001, Lon: 104.0, At: t0.Add(time.Duration(i) * 10 * time.Second)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := cfg.Validate(p, t0.Add(6*time.Hour)); err != nil {
			b.Fatal(err)
		}
		_ = p.Length()
	}
}

// TestPatrolFrequenciesFromConfiguration: the required frequencies come from the
// configuration file data/patrol.json; a city's own file changes what its chiefs owe,
// and a file that names an unknown level, a period that is not 周/月/季度/年, no
// patrol, or leaves a level out is refused with a message saying what to write.
func TestPatrolFrequenciesFromConfiguration(t *testing.T) {
	cfg := DefaultPatrolConfig()
	want := map[Level]Frequency{LevelProvince: {1, PerQuarter}, LevelCity: {1, PerMonth}, LevelCounty: {1, PerMonth}, LevelTownship: {1, PerWeek}, LevelVillage: {1, PerWeek}}
	if !reflect.DeepEqual(cfg.Frequency, want) {
		t.Fatalf("data/patrol.json gives %v, want %v", cfg.Frequency, want)
	}
	own, err := LoadPatrolFrequencies([]byte(`{"frequencies": {"省级": "1/季度", "市级": "2/月", "县级": "1/月", "乡级": "2/周", "村级": "5/周"}}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Frequency = own
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai)
	nov := oct.AddDate(0, 1, 0)
	for l, n := range map[Level]int{LevelProvince: 1, LevelCity: 2, LevelCounty: 1, LevelTownship: 8, LevelVillage: 20} {
		if got := cfg.Required(l, oct, nov); got != n {
			t.Errorf("%s in October under the city's own file: %d, want %d", l, got, n)
		}
	}
	for _, c := range []struct{ file, msg string }{
		{`{"frequencies": {"组级": "1/周"}}`, "巡河频次配置中的层级“组级”未知"},
		{`{"frequencies": {"省级": "1/季度", "市级": "1/旬", "县级": "1/月", "乡级": "1/周", "村级": "1/周"}}`, "市级的巡河频次“1/旬”不正确"},
		{`{"frequencies": {"省级": "1/季度", "市级": "1/月", "县级": "0/月", "乡级": "1/周", "村级": "1/周"}}`, "县级的巡河频次“0/月”不正确"},
		{`{"frequencies": {"省级": "1/季度", "市级": "1/月", "县级": "1/月", "乡级": "每周一次", "村级": "1/周"}}`, "乡级的巡河频次“每周一次”不正确"},
		{`{"frequencies": {"省级": "1/季度", "市级": "1/月", "县级": "1/月", "乡级": "1/周"}}`, "巡河频次配置缺少村级河长的频次"},
		{`{"frequencies": [1]}`, "巡河频次配置无法读取"},
	} {
		if _, err := LoadPatrolFrequencies([]byte(c.file)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", c.file, err, c.msg)
		}
	}
}
