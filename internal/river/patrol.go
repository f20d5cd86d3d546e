package river

import (
	"fmt"
	"math"
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

// DefaultPatrolConfig: 5,000 points, 120 km/h, 24 h, and the frequencies
// 省级 1/季度, 市级 1/月, 县级 1/月, 乡级 1/周 (每旬 rounded up), 村级 1/周.
// The frequencies are product defaults (unverified; Guangzhou's guidance, for
// comparison, asks 镇街级 ≥ 1/周 and 村居级 every working day) — each city
// sets its own.
func DefaultPatrolConfig() PatrolConfig {
	return PatrolConfig{
		Box:         FourCitiesBox,
		MaxPoints:   5000,
		MaxSpeedKmh: 120,
		MaxDuration: 24 * time.Hour,
		Frequency: map[Level]Frequency{
			LevelProvince: {1, PerQuarter},
			LevelCity:     {1, PerMonth},
			LevelCounty:   {1, PerMonth},
			LevelTownship: {1, PerWeek},
			LevelVillage:  {1, PerWeek},
		},
	}
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

// Required returns the patrols required of a level over [from, to): Count ×
// days / period days, rounded up (a started period counts whole).
func (c PatrolConfig) Required(l Level, from, to time.Time) int {
	f, ok := c.Frequency[l]
	if !ok || f.Count <= 0 || f.Per <= 0 || !to.After(from) {
		return 0
	}
	days := int(math.Ceil(to.Sub(from).Hours() / 24))
	per := int(f.Per)
	return (f.Count*days + per - 1) / per
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
