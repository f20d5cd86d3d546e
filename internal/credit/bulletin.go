package credit

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"tongcheng/internal/region"
)

// Calendar knows the official working days (工作日): Monday–Friday, minus
// the public holidays, plus the adjusted working weekends (调休上班日) of
// the State Council General Office's annual notices.
type Calendar struct {
	Source   string
	years    map[int]bool
	holidays map[int]string // yyyymmdd → holiday name
	workdays map[int]bool   // yyyymmdd of an adjusted working weekend day
}

//go:embed data/holidays.json
var holidaysJSON []byte

var (
	defaultCal     *Calendar
	defaultCalErr  error
	defaultCalOnce sync.Once
)

// DefaultCalendar is the embedded 2022–2026 calendar (data/holidays.json).
func DefaultCalendar() *Calendar {
	defaultCalOnce.Do(func() { defaultCal, defaultCalErr = ParseCalendar(holidaysJSON) })
	if defaultCalErr != nil {
		panic("credit: holidays.json: " + defaultCalErr.Error())
	}
	return defaultCal
}

// ParseCalendar reads a calendar file in the format of data/holidays.json.
func ParseCalendar(b []byte) (*Calendar, error) {
	var doc struct {
		Source string `json:"source"`
		Years  map[string]struct {
			Holidays [][3]string `json:"holidays"`
			Workdays []string    `json:"workdays"`
		} `json:"years"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	c := &Calendar{Source: doc.Source, years: map[int]bool{}, holidays: map[int]string{}, workdays: map[int]bool{}}
	for ys, y := range doc.Years {
		year, err := strconv.Atoi(ys)
		if err != nil {
			return nil, fmt.Errorf("year %q", ys)
		}
		c.years[year] = true
		for _, h := range y.Holidays {
			from, err1 := time.Parse("2006-01-02", h[0])
			to, err2 := time.Parse("2006-01-02", h[1])
			if err1 != nil || err2 != nil || to.Before(from) {
				return nil, fmt.Errorf("%s: bad holiday range %v", ys, h)
			}
			for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
				c.holidays[dayKey(d)] = h[2]
			}
		}
		for _, w := range y.Workdays {
			d, err := time.Parse("2006-01-02", w)
			if err != nil {
				return nil, fmt.Errorf("%s: bad workday %q", ys, w)
			}
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, fmt.Errorf("%s: adjusted workday %s is not a weekend day", ys, w)
			}
			c.workdays[dayKey(d)] = true
		}
	}
	return c, nil
}

func dayKey(d time.Time) int {
	y, m, dd := d.Date()
	return y*10000 + int(m)*100 + dd
}

// Covers reports whether the calendar has the holiday notice of year.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// IsWorkday reports whether d is an official working day. Outside the
// covered years only weekends are days off.
func (c *Calendar) IsWorkday(d time.Time) bool {
	k := dayKey(d)
	if c.workdays[k] {
		return true
	}
	if _, ok := c.holidays[k]; ok {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday returns the holiday name of d, if any.
func (c *Calendar) Holiday(d time.Time) (string, bool) {
	h, ok := c.holidays[dayKey(d)]
	return h, ok
}

// AddWorkdays returns the n-th working day after d (d itself not counted).
func (c *Calendar) AddWorkdays(d time.Time, n int) time.Time {
	d = Day(d)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts working days in (from, to]; 0 when to ≤ from.
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	from, to = Day(from), Day(to)
	n := 0
	for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// RecordSummary is what the bulletin needs of one submitted record.
type RecordSummary struct {
	Type         RecordType
	CityCode     string    // city of the data-source unit (GB/T 2260, city level)
	SourceUnit   string    // 数据来源单位
	SourceUnitID string    // its 统一社会信用代码 ("" when not known): the department's identity
	DecisionDate time.Time // 决定日期 (zero if it could not be read)
	SubmittedOn  time.Time // day the library received it (报送日期)
	Rejected     bool      // refused by validation
	Required     int       // number of required fields of its type
	Filled       int       // of which filled
}

// BulletinConfig configures the monthly bulletin (月通报).
type BulletinConfig struct {
	// Types are the record types the bulletin counts (the "7 类行政管理信息").
	Types []RecordType
	// DeadlineWorkdays: a record is timely when submitted within this many
	// working days after its decision (7 under 发改办财金〔2018〕424号).
	DeadlineWorkdays int
	// Calendar of working days; nil means DefaultCalendar().
	Calendar *Calendar
	// Ranking weights of the score (0–100): timeliness rate, completeness
	// and acceptance rate (1 − rejection rate). They should sum to 100.
	WeightTimely, WeightComplete, WeightAccepted float64
}

// DefaultBulletinConfig counts 行政许可、行政处罚、行政强制、行政征收、行政给付、
// 行政检查、行政确认 (the first seven of the national order; which seven the
// 2022 bulletin meant is not documented, so this is configuration), with a
// 7-working-day deadline and the score 40 × timeliness + 30 × completeness +
// 30 × acceptance.
func DefaultBulletinConfig() BulletinConfig {
	return BulletinConfig{
		Types:            []RecordType{TypeLicence, TypePenalty, TypeCoercion, TypeLevy, TypeBenefit, TypeInspection, TypeConfirmation},
		DeadlineWorkdays: 7,
		WeightTimely:     40, WeightComplete: 30, WeightAccepted: 30,
	}
}

// BulletinTypesEnv names the environment variable that sets which record
// types the bulletin counts, e.g. "行政许可,行政处罚,行政强制,行政确认,行政征收,
// 行政给付,行政奖励" (names, short names or codes, separated by commas or 、).
const BulletinTypesEnv = "TONGCHENG_CREDIT_BULLETIN_TYPES"

// ParseBulletinTypes reads a list of record types for the bulletin: each a
// name (行政处罚), short name (处罚) or code (CF), separated by commas, 、 or
// spaces; none twice.
func ParseBulletinTypes(s string) ([]RecordType, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || unicode.IsSpace(r)
	})
	if len(fields) == 0 {
		return nil, fmt.Errorf("%s 为空：请列出月通报统计的行政管理信息类别，如 行政许可,行政处罚,行政强制,行政征收,行政给付,行政检查,行政确认", BulletinTypesEnv)
	}
	var out []RecordType
	for _, f := range fields {
		t, ok := ParseRecordType(f)
		if !ok {
			return nil, fmt.Errorf("%s 中的“%s”不是行政管理信息类别，可用：行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励、行政裁决（或简称、代码 XK、CF…）", BulletinTypesEnv, f)
		}
		if slices.Contains(out, t) {
			return nil, fmt.Errorf("%s 中“%s”重复，请每个类别只写一次", BulletinTypesEnv, t)
		}
		out = append(out, t)
	}
	return out, nil
}

// BulletinLine is one row of the bulletin (a city, a department, a type or
// the total) for the month.
type BulletinLine struct {
	Key           string  `json:"key"`       // city code, "city|department" (the unit's USCC, or its name without one), type, or "total"
	Name          string  `json:"name"`      // Chinese label
	CityCode      string  `json:"city_code"` // for city and department lines
	Submitted     int     `json:"submitted"` // rows submitted this month (accepted + rejected)
	Received      int     `json:"received"`  // records accepted this month (报送数)
	Rejected      int     `json:"rejected"`
	Cumulative    int     `json:"cumulative"` // accepted up to the month's end (累计)
	Timely        int     `json:"timely"`     // accepted this month within the deadline
	TimelyRate    float64 `json:"timely_rate"`
	RejectionRate float64 `json:"rejection_rate"`
	Completeness  float64 `json:"completeness"` // filled / required fields over this month's submissions
	PrevReceived  int     `json:"prev_received"`
	MoMKnown      bool    `json:"mom_known"`  // false when last month had none
	MoMChange     float64 `json:"mom_change"` // (Received − PrevReceived) / PrevReceived
	Score         float64 `json:"score"`
	Rank          int     `json:"rank"` // 1 = best; 0 for type and total lines

	required, filled int
}

// Bulletin is the monthly collection bulletin (月通报).
type Bulletin struct {
	Year        int            `json:"year"`
	Month       time.Month     `json:"month"`
	Types       []RecordType   `json:"types"`
	Total       BulletinLine   `json:"total"`
	Cities      []BulletinLine `json:"cities"`      // the four cities, ranked
	Departments []BulletinLine `json:"departments"` // every source department seen so far, ranked
	ByType      []BulletinLine `json:"by_type"`     // in config order
	// CityType[city][type] is the number received this month.
	CityType map[string]map[RecordType]int `json:"city_type"`
	Warnings []string                      `json:"warnings"`
	// DeadlineWorkdays and ScoreRule are the configuration the figures rest on.
	DeadlineWorkdays int    `json:"deadline_workdays"`
	ScoreRule        string `json:"score_rule"` // e.g. 40×及时率 + 30×完整率 + 30×（1−拒收率）
}

// ComputeBulletin computes the bulletin of year/month over the summaries
// (all submissions so far; those after the month are ignored). It is pure.
func ComputeBulletin(cfg BulletinConfig, year int, month time.Month, recs []RecordSummary) Bulletin {
	cal := cfg.Calendar
	if cal == nil {
		cal = DefaultCalendar()
	}
	start := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	prevStart := start.AddDate(0, -1, 0)
	counted := map[RecordType]bool{}
	for _, t := range cfg.Types {
		counted[t] = true
	}
	b := Bulletin{Year: year, Month: month, Types: append([]RecordType(nil), cfg.Types...), CityType: map[string]map[RecordType]int{},
		DeadlineWorkdays: cfg.DeadlineWorkdays,
		ScoreRule:        fmt.Sprintf("%g×及时率 + %g×完整率 + %g×（1−拒收率）", cfg.WeightTimely, cfg.WeightComplete, cfg.WeightAccepted)}
	if !cal.Covers(year) {
		b.Warnings = append(b.Warnings, fmt.Sprintf("节假日表不含%d年，及时率只按周末计算工作日", year))
	}
	b.Total = BulletinLine{Key: "total", Name: "合计"}
	cities := map[string]*BulletinLine{}
	var cityOrder []string
	for _, c := range region.Cities() {
		cities[c.Code] = &BulletinLine{Key: c.Code, Name: c.Name, CityCode: c.Code}
		cityOrder = append(cityOrder, c.Code)
		b.CityType[c.Code] = map[RecordType]int{}
	}
	depts := map[string]*BulletinLine{}
	deptNamed := map[string]time.Time{} // the submission day of each department's name
	types := map[RecordType]*BulletinLine{}
	for _, t := range cfg.Types {
		types[t] = &BulletinLine{Key: string(t), Name: string(t)}
	}
	unknownCity := 0
	for i := range recs {
		r := &recs[i]
		if !counted[r.Type] {
			continue
		}
		sub := Day(r.SubmittedOn)
		if !sub.Before(end) {
			continue
		}
		city := cities[r.CityCode]
		if city == nil {
			unknownCity++
		}
		// a department is its unit's code (names are written in several ways),
		// by name only where no code is known; it is named as last submitted
		dk := r.CityCode + "|" + r.SourceUnit
		if r.SourceUnitID != "" {
			dk = r.CityCode + "|" + r.SourceUnitID
		}
		dept := depts[dk]
		if dept == nil {
			dept = &BulletinLine{Key: dk, Name: r.SourceUnit, CityCode: r.CityCode}
			depts[dk] = dept
			deptNamed[dk] = sub
		} else if r.SourceUnit != "" && !sub.Before(deptNamed[dk]) {
			dept.Name, deptNamed[dk] = r.SourceUnit, sub
		}
		lines := [4]*BulletinLine{&b.Total, city, dept, types[r.Type]}
		inMonth := !sub.Before(start)
		inPrev := !inMonth && !sub.Before(prevStart)
		timely := false
		if inMonth && !r.Rejected && !r.DecisionDate.IsZero() {
			timely = !sub.After(cal.AddWorkdays(r.DecisionDate, cfg.DeadlineWorkdays))
		}
		for _, l := range lines {
			if l == nil {
				continue
			}
			if !r.Rejected {
				l.Cumulative++
				if inPrev {
					l.PrevReceived++
				}
			}
			if !inMonth {
				continue
			}
			l.Submitted++
			l.required += r.Required
			l.filled += r.Filled
			if r.Rejected {
				l.Rejected++
				continue
			}
			l.Received++
			if timely {
				l.Timely++
			}
		}
		if inMonth && !r.Rejected && city != nil {
			b.CityType[r.CityCode][r.Type]++
		}
	}
	if unknownCity > 0 {
		b.Warnings = append(b.Warnings, fmt.Sprintf("%d条记录的地市不是成德眉资四市之一，只计入合计和部门", unknownCity))
	}
	finish := func(l *BulletinLine) {
		if l.Received > 0 {
			l.TimelyRate = float64(l.Timely) / float64(l.Received)
		}
		if l.Submitted > 0 {
			l.RejectionRate = float64(l.Rejected) / float64(l.Submitted)
		}
		if l.required > 0 {
			l.Completeness = float64(l.filled) / float64(l.required)
		} else if l.Submitted > 0 {
			l.Completeness = 1
		}
		if l.PrevReceived > 0 {
			l.MoMKnown = true
			l.MoMChange = float64(l.Received-l.PrevReceived) / float64(l.PrevReceived)
		}
		if l.Submitted > 0 {
			l.Score = cfg.WeightTimely*l.TimelyRate + cfg.WeightComplete*l.Completeness + cfg.WeightAccepted*(1-l.RejectionRate)
		}
	}
	finish(&b.Total)
	for _, c := range cityOrder {
		finish(cities[c])
		b.Cities = append(b.Cities, *cities[c])
	}
	for _, d := range depts {
		finish(d)
		b.Departments = append(b.Departments, *d)
	}
	for _, t := range cfg.Types {
		finish(types[t])
		b.ByType = append(b.ByType, *types[t])
	}
	rank(b.Cities)
	rank(b.Departments)
	return b
}

// rank orders lines by score (higher first), then received (more first),
// then key; lines with no submission this month come last. Equal score and
// received share a rank (1, 2, 2, 4).
func rank(ls []BulletinLine) {
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if (a.Submitted > 0) != (b.Submitted > 0) {
			return a.Submitted > 0
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Received != b.Received {
			return a.Received > b.Received
		}
		return a.Key < b.Key
	})
	for i := range ls {
		if i > 0 && ls[i].Score == ls[i-1].Score && ls[i].Received == ls[i-1].Received && (ls[i].Submitted > 0) == (ls[i-1].Submitted > 0) {
			ls[i].Rank = ls[i-1].Rank
		} else {
			ls[i].Rank = i + 1
		}
	}
}

// RequiredFieldCount returns how many 双公示 required fields of r's type are
// filled, and how many there are; the bulletin's completeness is built on it.
func RequiredFieldCount(r *Record) (filled, required int) {
	check := func(ok bool) {
		required++
		if ok {
			filled++
		}
	}
	s := func(v string) bool { return v != "" }
	check(s(r.PartyName))
	check(s(string(r.PartyCategory)))
	switch r.PartyCategory {
	case PartyPerson:
		check(s(r.IDType))
		check(s(r.IDNo))
	default:
		check(s(r.USCC))
	}
	check(s(r.DocNo))
	check(!r.DecisionDate.IsZero())
	check(s(r.Authority))
	check(s(r.AuthorityID))
	check(s(r.SourceUnit))
	check(s(r.SourceUnitID))
	switch r.Type {
	case TypePenalty:
		p := r.Penalty
		if p == nil {
			p = &PenaltyDetail{}
		}
		check(s(p.ViolationType))
		check(s(p.Facts))
		check(s(p.Basis))
		check(len(p.Kinds) > 0)
		check(s(p.Content))
		check(!p.ValidUntil.IsZero())
	case TypeLicence:
		l := r.Licence
		if l == nil {
			l = &LicenceDetail{}
		}
		check(s(l.Category))
		check(!l.ValidFrom.IsZero())
	}
	return filled, required
}
