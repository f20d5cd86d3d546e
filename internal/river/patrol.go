package river

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TrackPoint is one GPS fix of a patrol track (巡河轨迹点), WGS-84 degrees.
type TrackPoint struct {
	Lat, Lon float64
	At       time.Time
}

// Patrol is one patrol (巡河) of a chief on a reach.
type Patrol struct {
	ID      string
	ChiefID string
	ReachID string
	Start   time.Time
	End     time.Time
	Track   []TrackPoint
}

// BoundingBox is a latitude/longitude rectangle.
type BoundingBox struct {
	MinLat, MaxLat, MinLon, MaxLon float64
}

// Contains reports whether the point lies inside the box (edges included).
func (b BoundingBox) Contains(lat, lon float64) bool {
	return lat >= b.MinLat && lat <= b.MaxLat && lon >= b.MinLon && lon <= b.MaxLon
}

// FourCitiesBox is a rectangle around 成都、德阳、眉山、资阳 with a margin of
// about 0.1°. unverified: drawn from the cities' commonly published extents
// (成都 102°54′–104°53′E, 30°05′–31°26′N; 德阳 to 105°15′E, 31°42′N; 眉山 from
// 102°49′E, 29°24′N; 资阳 to 105°27′E, 29°15′N), not from official boundaries.
var FourCitiesBox = BoundingBox{MinLat: 29.1, MaxLat: 31.85, MinLon: 102.7, MaxLon: 105.6}

// PatrolConfig holds the limits a patrol record must respect.
type PatrolConfig struct {
	Box         BoundingBox
	MaxPoints   int           // most track points accepted in one patrol
	MaxSpeedKmh float64       // fastest plausible speed between consecutive points
	MaxDuration time.Duration // longest plausible patrol
	// Frequency is the required number of patrols per level (巡河频次).
	Frequency map[Level]Frequency
}

// Period is the unit of a required frequency.
type Period int

const (
	PerWeek    Period = 7   // 每周
	PerMonth   Period = 30  // 每月 (counted as 30 days)
	PerQuarter Period = 90  // 每季度 (counted as 90 days)
	PerYear    Period = 365 // 每年
)

func (p Period) String() string {
	switch p {
	case PerWeek:
		return "周"
	case PerMonth:
		return "月"
	case PerQuarter:
		return "季度"
	case PerYear:
		return "年"
	}
	return fmt.Sprintf("%d天", int(p))
}

// Frequency is "Count patrols per Period" (e.g. 每月不少于1次).
type Frequency struct {
	Count int
	Per   Period
}

// DefaultPatrolConfig: 5,000 points, 120 km/h, 24 h, and the frequencies of the
// configuration file data/patrol.json (省级 1/季度, 市级 1/月, 县级 1/月, 乡级 1/周,
// 村级 1/周: product defaults, unverified; Guangzhou's guidance, for comparison, asks
// 镇街级 ≥ 1/周 and 村居级 every working day) — each city sets its own there.
func DefaultPatrolConfig() PatrolConfig {
	freq, err := LoadPatrolFrequencies(patrolJSON)
	if err != nil {
		panic(err.Error())
	}
	return PatrolConfig{
		Box:         FourCitiesBox,
		MaxPoints:   5000,
		MaxSpeedKmh: 120,
		MaxDuration: 24 * time.Hour,
		Frequency:   freq,
	}
}

//go:embed data/patrol.json
var patrolJSON []byte

var periodNames = map[string]Period{"周": PerWeek, "月": PerMonth, "季度": PerQuarter, "年": PerYear}

// LoadPatrolFrequencies reads the required patrol frequencies (巡河频次) of a
// configuration file: {"frequencies": {"村级": "1/周", …}}, each level by its Chinese
// name and "次数/周期" with the period 周, 月, 季度 or 年. Every one of the five levels
// must be given, with at least one patrol.
func LoadPatrolFrequencies(b []byte) (map[Level]Frequency, error) {
	var f struct {
		Frequencies map[string]string `json:"frequencies"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("巡河频次配置无法读取：%w", err)
	}
	byName := map[string]Level{}
	for _, l := range Levels {
		byName[l.String()] = l
	}
	out := map[Level]Frequency{}
	for name, v := range f.Frequencies {
		l, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("巡河频次配置中的层级“%s”未知，应为省级、市级、县级、乡级、村级之一", name)
		}
		cnt, per, ok := strings.Cut(strings.TrimSpace(v), "/")
		n, err := strconv.Atoi(strings.TrimSpace(cnt))
		p, known := periodNames[strings.TrimSpace(per)]
		if !ok || err != nil || n < 1 || !known {
			return nil, fmt.Errorf("%s的巡河频次“%s”不正确，应写作“次数/周期”，次数为正整数，周期为周、月、季度或年（如“1/周”）", name, v)
		}
		out[l] = Frequency{Count: n, Per: p}
	}
	for _, l := range Levels {
		if _, ok := out[l]; !ok {
			return nil, fmt.Errorf("巡河频次配置缺少%s河长的频次", l)
		}
	}
	return out, nil
}

// PatrolError is a patrol record the engine refuses: the field at fault (start, end
// or track) and the Chinese sentence saying why.
type PatrolError struct{ Field, Msg string }

func (e *PatrolError) Error() string { return e.Msg }

func patrolErr(field, format string, args ...any) error {
	return &PatrolError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Validate checks a patrol record against the configuration; now is the
// time of the upload (a patrol cannot end in the future). The error is a
// *PatrolError naming the faulty field and, for a track point, its number (1-based).
func (c PatrolConfig) Validate(p Patrol, now time.Time) error {
	if p.Start.IsZero() || p.End.IsZero() {
		return patrolErr("start", "巡河必须填写开始时间和结束时间")
	}
	if p.End.Before(p.Start) {
		return patrolErr("end", "巡河结束时间%s早于开始时间%s，请检查", fmtTime(p.End), fmtTime(p.Start))
	}
	if p.End.After(now) {
		return patrolErr("end", "巡河结束时间%s晚于当前时间，请检查手机时间", fmtTime(p.End))
	}
	if c.MaxDuration > 0 && p.End.Sub(p.Start) > c.MaxDuration {
		return patrolErr("end", "巡河时长超过%.0f小时，请分次记录", c.MaxDuration.Hours())
	}
	if c.MaxPoints > 0 && len(p.Track) > c.MaxPoints {
		return patrolErr("track", "轨迹点有%d个，超过上限%d个，请分段上传", len(p.Track), c.MaxPoints)
	}
	for i, pt := range p.Track {
		n := i + 1
		if math.IsNaN(pt.Lat) || math.IsNaN(pt.Lon) || !c.Box.Contains(pt.Lat, pt.Lon) {
			return patrolErr("track", "第%d个轨迹点（纬度%s，经度%s）不在成都、德阳、眉山、资阳范围内", n, num(pt.Lat), num(pt.Lon))
		}
		if pt.At.Before(p.Start) || pt.At.After(p.End) {
			return patrolErr("track", "第%d个轨迹点的时间%s不在巡河开始与结束时间之间", n, fmtTime(pt.At))
		}
		if i == 0 {
			continue
		}
		prev := p.Track[i-1]
		if pt.At.Before(prev.At) {
			return patrolErr("track", "第%d个轨迹点的时间早于第%d个，轨迹点须按时间先后排列", n, i)
		}
		d := Haversine(prev.Lat, prev.Lon, pt.Lat, pt.Lon)
		dt := pt.At.Sub(prev.At).Hours()
		if c.MaxSpeedKmh > 0 && d > 0.05 { // jitter under 50 m is ignored
			if dt <= 0 || d/dt > c.MaxSpeedKmh {
				return patrolErr("track", "第%d个轨迹点与第%d个之间速度超过%s公里/小时，轨迹点有误", i, n, num(c.MaxSpeedKmh))
			}
		}
	}
	return nil
}

// earthRadiusKm is the mean Earth radius (IUGG).
const earthRadiusKm = 6371.0088

// Haversine returns the great-circle distance in km between two points.
func Haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Length returns the length of the track in km.
func (p Patrol) Length() float64 {
	var km float64
	for i := 1; i < len(p.Track); i++ {
		a, b := p.Track[i-1], p.Track[i]
		km += Haversine(a.Lat, a.Lon, b.Lat, b.Lon)
	}
	return km
}

// Chief is the part of a river chief (河长) that compliance needs.
type Chief struct {
	ID     string
	Name   string
	Level  Level
	Region string // GB/T 2260 code of the chief's unit
	// Retired is when the chief left office (卸任); zero while in office. Patrols are
	// required of a chief only up to it.
	Retired time.Time
}

// Compliance is a chief's patrol compliance (巡河履职) over a period.
type Compliance struct {
	ChiefID   string
	Level     Level
	Region    string
	Required  int     // patrols required in the period
	Done      int     // patrols started in the period
	Rate      float64 // min(Done, Required) / Required; 1 when nothing is required
	Compliant bool    // Done ≥ Required
}

// inOfficeUntil is the end of a period [.., to) the chief held office through: to, or the
// day the chief left office when that came first.
func (ch Chief) inOfficeUntil(to time.Time) time.Time {
	if !ch.Retired.IsZero() && ch.Retired.Before(to) {
		return ch.Retired
	}
	return to
}

// Days is the mean length of the period in days: a week 7, a month 365.25/12
// (30.4375), a quarter 365.25/4, a year 365.25; any other period its number of days.
func (p Period) Days() float64 {
	switch p {
	case PerMonth:
		return 365.25 / 12
	case PerQuarter:
		return 365.25 / 4
	case PerYear:
		return 365.25
	}
	return float64(p)
}

// Required returns the patrols required of a level over [from, to): Count times
// the number of periods the span covers, to the nearest whole period and at least
// one (a chief in office for part of a period owes that period's patrols). So
// 每月1次 asks 1 patrol of October (31 days), 3 of a quarter and 12 of a year, not
// 2, 4 and 13 as 30-day blocks rounded up would; 每周1次 asks 4 of October and 13
// of a 90-day quarter.
func (c PatrolConfig) Required(l Level, from, to time.Time) int {
	f, ok := c.Frequency[l]
	if !ok || f.Count <= 0 || f.Per <= 0 || !to.After(from) {
		return 0
	}
	periods := int(math.Floor(to.Sub(from).Hours()/24/f.Per.Days() + 0.5))
	return f.Count * max(periods, 1)
}

// Compliance computes each chief's compliance over [from, to) from valid
// patrols (a patrol counts in the period of its start). The result follows
// the order of chiefs.
func (c PatrolConfig) Compliance(chiefs []Chief, patrols []Patrol, from, to time.Time) []Compliance {
	done := map[string]int{}
	for _, p := range patrols {
		if !p.Start.Before(from) && p.Start.Before(to) {
			done[p.ChiefID]++
		}
	}
	out := make([]Compliance, 0, len(chiefs))
	for _, ch := range chiefs {
		r := c.Required(ch.Level, from, ch.inOfficeUntil(to))
		d := done[ch.ID]
		cp := Compliance{ChiefID: ch.ID, Level: ch.Level, Region: ch.Region, Required: r, Done: d, Rate: 1, Compliant: d >= r}
		if r > 0 {
			cp.Rate = float64(min(d, r)) / float64(r)
		}
		out = append(out, cp)
	}
	return out
}

// UnitCompliance is a unit's (a county's or a city's) patrol compliance: how many of its
// chiefs met their required frequency (巡河达标率, as the assessment counts it).
type UnitCompliance struct {
	Region    string
	Chiefs    int
	Compliant int
	Required  int // patrols required of its chiefs together
	Done      int // patrols counted towards it (each chief's up to his requirement)
	Rate      float64
}

// UnitsCompliance sums chiefs' compliance by the unit each belongs to (unitOf maps a
// chief's region to its unit, e.g. region.CityOf), units in code order. Rate is
// Compliant / Chiefs.
func UnitsCompliance(cs []Compliance, unitOf func(string) string) []UnitCompliance {
	by := map[string]*UnitCompliance{}
	var order []string
	for _, c := range cs {
		u := unitOf(c.Region)
		x := by[u]
		if x == nil {
			x = &UnitCompliance{Region: u}
			by[u] = x
			order = append(order, u)
		}
		x.Chiefs++
		x.Required += c.Required
		x.Done += min(c.Done, c.Required)
		if c.Compliant {
			x.Compliant++
		}
	}
	sort.Strings(order)
	out := make([]UnitCompliance, 0, len(order))
	for _, u := range order {
		x := by[u]
		x.Rate = float64(x.Compliant) / float64(x.Chiefs)
		out = append(out, *x)
	}
	return out
}
