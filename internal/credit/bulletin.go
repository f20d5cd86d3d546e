package credit

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"tongcheng/internal/platform"
	"tongcheng/internal/region"
)

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
	// and acceptance rate (1 − rejection rate). They sum to 100.
	WeightTimely, WeightComplete, WeightAccepted float64
	// DeadlineSource and WeightsSource say where the deadline and the
	// weights come from (shown on the bulletin).
	DeadlineSource, WeightsSource string
}

// scoreRule is the score as a formula, e.g. 40×及时率 + 30×完整率 + 30×（1−拒收率）.
func (cfg BulletinConfig) scoreRule() string {
	return fmt.Sprintf("%g×及时率 + %g×完整率 + %g×（1−拒收率）", cfg.WeightTimely, cfg.WeightComplete, cfg.WeightAccepted)
}

// yearList writes years as 2022、2023、2024 (runs as 2022–2026).
func yearList(years []int) string {
	var parts []string
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(years[i]))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", years[i], years[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, "、")
}

// BulletinConfigEnv names the environment variable that points to a file
// replacing data/bulletin.json (the deadline and the ranking weights).
const BulletinConfigEnv = "TONGCHENG_CREDIT_BULLETIN_CONFIG"

//go:embed data/bulletin.json
var bulletinJSON []byte

var (
	defaultBulletin     BulletinConfig
	defaultBulletinErr  error
	defaultBulletinOnce sync.Once
)

// DefaultBulletinConfig counts 行政许可、行政处罚、行政强制、行政征收、行政给付、
// 行政检查、行政确认 (the first seven of the national order; which seven the
// 2022 bulletin meant is not documented, so this is configuration), with the
// deadline and the ranking weights of data/bulletin.json: 7 working days and
// the platform's own score 40 × timeliness + 30 × completeness + 30 ×
// acceptance.
func DefaultBulletinConfig() BulletinConfig {
	defaultBulletinOnce.Do(func() {
		defaultBulletin, defaultBulletinErr = ParseBulletinSettings(BulletinConfig{
			Types: []RecordType{TypeLicence, TypePenalty, TypeCoercion, TypeLevy, TypeBenefit, TypeInspection, TypeConfirmation},
		}, bulletinJSON)
	})
	if defaultBulletinErr != nil {
		panic("credit: data/bulletin.json: " + defaultBulletinErr.Error())
	}
	cfg := defaultBulletin
	cfg.Types = slices.Clone(cfg.Types)
	return cfg
}

// bulletinSettings is the file format of data/bulletin.json.
type bulletinSettings struct {
	Explain            string   `json:"说明"`
	DeadlineWorkdays   *int     `json:"deadline_workdays"`
	DeadlineSource     string   `json:"deadline_source"`
	DeadlineVerifiedBy []string `json:"deadline_verified_by"`
	Weights            *struct {
		Timely   *float64 `json:"timely"`
		Complete *float64 `json:"complete"`
		Accepted *float64 `json:"accepted"`
	} `json:"weights"`
	WeightsSource string `json:"weights_source"`
}

// MaxDeadlineWorkdays bounds the configured deadline.
const MaxDeadlineWorkdays = 30

// ParseBulletinSettings returns cfg with the deadline and the weights of a
// file in the format of data/bulletin.json. Every value is checked; an
// error is a Chinese sentence naming the item and what to write.
func ParseBulletinSettings(cfg BulletinConfig, b []byte) (BulletinConfig, error) {
	var s bulletinSettings
	if err := strictJSON(b, &s, "月通报配置"); err != nil {
		return cfg, err
	}
	switch {
	case s.DeadlineWorkdays == nil:
		return cfg, errors.New("月通报配置缺少 deadline_workdays（报送期限：决定之日后的工作日数），如 \"deadline_workdays\": 7")
	case *s.DeadlineWorkdays < 1 || *s.DeadlineWorkdays > MaxDeadlineWorkdays:
		return cfg, fmt.Errorf("月通报配置 deadline_workdays（报送期限）应为1至%d个工作日，现为%d", MaxDeadlineWorkdays, *s.DeadlineWorkdays)
	case strings.TrimSpace(s.DeadlineSource) == "":
		return cfg, errors.New("月通报配置缺少 deadline_source：请写明报送期限的依据（文件名称和文号，或本地规定）")
	case s.Weights == nil:
		return cfg, errors.New("月通报配置缺少 weights（排名权重），如 \"weights\": {\"timely\": 40, \"complete\": 30, \"accepted\": 30}")
	case strings.TrimSpace(s.WeightsSource) == "":
		return cfg, errors.New("月通报配置缺少 weights_source：请写明排名权重的来历（本平台自定，或某文件的考核口径）")
	}
	w := [3]struct {
		key, name string
		v         *float64
	}{{"timely", "及时率", s.Weights.Timely}, {"complete", "完整率", s.Weights.Complete}, {"accepted", "受理率（1−拒收率）", s.Weights.Accepted}}
	sum := 0.0
	for _, x := range w {
		if x.v == nil {
			return cfg, fmt.Errorf("月通报配置 weights 缺少 %s（%s的权重）", x.key, x.name)
		}
		if *x.v < 0 {
			return cfg, fmt.Errorf("月通报配置 weights.%s（%s的权重）不能为负数，现为%g", x.key, x.name, *x.v)
		}
		sum += *x.v
	}
	if math.Abs(sum-100) > 1e-9 {
		return cfg, fmt.Errorf("月通报配置 weights 三项之和应为100（得分满分100），现为 %g + %g + %g = %g", *w[0].v, *w[1].v, *w[2].v, sum)
	}
	cfg.DeadlineWorkdays = *s.DeadlineWorkdays
	cfg.WeightTimely, cfg.WeightComplete, cfg.WeightAccepted = *w[0].v, *w[1].v, *w[2].v
	cfg.DeadlineSource, cfg.WeightsSource = strings.TrimSpace(s.DeadlineSource), strings.TrimSpace(s.WeightsSource)
	return cfg, nil
}

// LoadBulletinSettings is ParseBulletinSettings over the file at path
// (TONGCHENG_CREDIT_BULLETIN_CONFIG).
func LoadBulletinSettings(cfg BulletinConfig, path string) (BulletinConfig, error) {
	b, err := platform.ReadConfigFile(BulletinConfigEnv, "月通报配置文件", path)
	if err != nil {
		return cfg, err
	}
	out, err := ParseBulletinSettings(cfg, b)
	if err != nil {
		return cfg, fmt.Errorf("%s 所指的文件 %s：%w", BulletinConfigEnv, path, err)
	}
	return out, nil
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
	DeadlineSource   string `json:"deadline_source"`
	WeightsSource    string `json:"weights_source"`
	// CalendarYears are the years whose holiday notice the calendar holds.
	CalendarYears []int `json:"calendar_years"`
	// CalendarNotices name each year's notice and, for a year added by the
	// clerk's file, that file.
	CalendarNotices []CalendarNotice `json:"calendar_notices"`
	// Weights are the ranking weights the score rests on.
	Weights BulletinWeights `json:"weights"`
}

// BulletinWeights are the weights of the score (they sum to 100).
type BulletinWeights struct {
	Timely   float64 `json:"timely"`
	Complete float64 `json:"complete"`
	Accepted float64 `json:"accepted"`
}

// CalendarNotice is the holiday notice of one year of the calendar.
type CalendarNotice struct {
	Year   int    `json:"year"`
	Notice string `json:"notice"`
	DocNo  string `json:"doc_no"`
	File   string `json:"file,omitempty"` // the clerk's file it was read from ("" when built in)
	Text   string `json:"text"`           // one line: 2026年：国务院办公厅关于…的通知（国办发明电〔2025〕7号，内置）
}

// CalendarSummary says which years the holiday calendar covers and which
// of them a clerk's file added, as the page and the workbook show it:
// 2022–2027年（国务院办公厅各年《关于部分节假日安排的通知》）；2027年据
// TONGCHENG_CREDIT_HOLIDAYS 所指的文件 /etc/tongcheng/holidays.json 补充.
func (b Bulletin) CalendarSummary() string {
	s := yearList(b.CalendarYears) + "年（国务院办公厅各年《关于部分节假日安排的通知》）"
	byFile := map[string][]int{}
	var files []string
	for _, n := range b.CalendarNotices {
		if n.File == "" {
			continue
		}
		if byFile[n.File] == nil {
			files = append(files, n.File)
		}
		byFile[n.File] = append(byFile[n.File], n.Year)
	}
	for _, f := range files {
		s += "；" + yearList(byFile[f]) + "年据 " + HolidaysFileEnv + " 所指的文件 " + f + " 补充"
	}
	return s
}

// sentence ends s with a full stop (。) unless it already ends a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, "。") || strings.HasSuffix(s, "！") || strings.HasSuffix(s, "？") {
		return s
	}
	return s + "。"
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
		ScoreRule:        cfg.scoreRule(),
		DeadlineSource:   cfg.DeadlineSource, WeightsSource: cfg.WeightsSource, CalendarYears: cal.Years(),
		Weights:  BulletinWeights{cfg.WeightTimely, cfg.WeightComplete, cfg.WeightAccepted},
		Warnings: []string{}, Departments: []BulletinLine{}}
	for _, n := range cal.Notices() {
		b.CalendarNotices = append(b.CalendarNotices, CalendarNotice{Year: n.Year, Notice: n.Title, DocNo: n.DocNo, File: n.File, Text: n.Describe()})
	}
	// years without their holiday notice that the month's figures rest on:
	// the bulletin's own year and every year a deadline was counted through
	missing := map[int]int{} // year → records whose deadline ran through it
	if !cal.Covers(year) {
		missing[year] = 0
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
			due := cal.AddWorkdays(r.DecisionDate, cfg.DeadlineWorkdays)
			timely = !sub.After(due)
			for y := Day(r.DecisionDate).AddDate(0, 0, 1).Year(); y <= due.Year(); y++ {
				if !cal.Covers(y) {
					missing[y]++
				}
			}
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
	b.Warnings = append(b.Warnings, missingCalendarWarnings(missing)...)
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

// missingCalendarWarnings says, for each year without its holiday notice,
// that its working days were counted as Monday–Friday and how many of the
// month's records that touches.
func missingCalendarWarnings(missing map[int]int) []string {
	years := make([]int, 0, len(missing))
	for y := range missing {
		years = append(years, y)
	}
	slices.Sort(years)
	var out []string
	for _, y := range years {
		s := fmt.Sprintf("节假日表缺少%d年（未载入《国务院办公厅关于%d年部分节假日安排的通知》）：该年的工作日只按周一至周五计算，未计法定节假日和调休上班日，及时率可能不准", y, y)
		if n := missing[y]; n > 0 {
			s += fmt.Sprintf("；本月有%d条记录的报送期限按该年计算", n)
		}
		out = append(out, s+"。通知发布后请管理员按说明补充该年节假日（"+HolidaysFileEnv+"）")
	}
	return out
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
