package credit

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"tongcheng/internal/platform"
)

// Calendar knows the official working days (工作日): Monday–Friday, minus
// the public holidays, plus the adjusted working weekends (调休上班日) of
// the State Council General Office's annual notices (国务院办公厅关于某年部分
// 节假日安排的通知), one notice a year.
type Calendar struct {
	Source   string
	years    map[int]calendarYear
	holidays map[int]string // yyyymmdd → holiday name
	workdays map[int]bool   // yyyymmdd of an adjusted working weekend day
}

// Notice is the notice one year of the calendar rests on.
type Notice struct {
	Year       int
	Title      string   // 国务院办公厅关于2026年部分节假日安排的通知
	DocNo      string   // 国办发明电〔2025〕7号
	Published  string   // YYYY-MM-DD
	VerifiedBy []string // where its text was checked
	// File is the clerk's file (TONGCHENG_CREDIT_HOLIDAYS) the year was read
	// from; "" for a year of the embedded data/holidays.json.
	File string
}

// calendarDoc is the file format of data/holidays.json and of the file named
// by TONGCHENG_CREDIT_HOLIDAYS.
type calendarDoc struct {
	Explain string                  `json:"说明"`
	Source  string                  `json:"source"`
	Status  string                  `json:"status"`
	Note    string                  `json:"note"`
	Years   map[string]calendarYear `json:"years"`
}

type calendarYear struct {
	Notice     string     `json:"notice"`
	DocNo      string     `json:"doc_no"`
	Published  string     `json:"published"`
	VerifiedBy []string   `json:"verified_by"`
	Remark     string     `json:"remark"`
	Holidays   [][]string `json:"holidays"` // [from, to, name]
	Workdays   []string   `json:"workdays"`

	file string // the file the year was added from ("" when embedded)
}

// HolidaysFileEnv names the environment variable that points to a file of
// further years of the calendar (same format as data/holidays.json; see
// data/README.md). A year in the file replaces the same year of the embedded
// calendar.
const HolidaysFileEnv = "TONGCHENG_CREDIT_HOLIDAYS"

//go:embed data/holidays.json
var holidaysJSON []byte

var (
	defaultCal     *Calendar
	defaultCalErr  error
	defaultCalOnce sync.Once
)

// DefaultCalendar is the embedded calendar (data/holidays.json, 2022–2026).
func DefaultCalendar() *Calendar {
	defaultCalOnce.Do(func() { defaultCal, defaultCalErr = ParseCalendar(holidaysJSON) })
	if defaultCalErr != nil {
		panic("credit: data/holidays.json: " + defaultCalErr.Error())
	}
	return defaultCal
}

// ParseCalendar reads a calendar file in the format of data/holidays.json.
// Its errors are Chinese sentences naming the year, the entry and what to do.
func ParseCalendar(b []byte) (*Calendar, error) {
	doc, err := decodeCalendar(b)
	if err != nil {
		return nil, err
	}
	return buildCalendar(doc.Source, doc.Years)
}

// With returns the calendar with the years of another calendar file added;
// a year in both is taken from the file.
func (c *Calendar) With(b []byte) (*Calendar, error) { return c.with(b, "补充文件") }

// with is With, recording file as where the added years come from.
func (c *Calendar) with(b []byte, file string) (*Calendar, error) {
	doc, err := decodeCalendar(b)
	if err != nil {
		return nil, err
	}
	years := map[string]calendarYear{}
	for y, cy := range c.years {
		years[strconv.Itoa(y)] = cy
	}
	for y, cy := range doc.Years {
		cy.file = file
		years[y] = cy
	}
	src := c.Source
	if doc.Source != "" {
		src += "；" + doc.Source
	}
	return buildCalendar(src, years)
}

// WithFile is With over the file at path (TONGCHENG_CREDIT_HOLIDAYS).
func (c *Calendar) WithFile(path string) (*Calendar, error) {
	b, err := platform.ReadConfigFile(HolidaysFileEnv, "节假日文件", path)
	if err != nil {
		return nil, err
	}
	cal, err := c.with(b, path)
	if err != nil {
		return nil, fmt.Errorf("%s 所指的节假日文件 %s：%w", HolidaysFileEnv, path, err)
	}
	return cal, nil
}

func decodeCalendar(b []byte) (calendarDoc, error) {
	var doc calendarDoc
	if err := strictJSON(b, &doc, "节假日表"); err != nil {
		return doc, err
	}
	if len(doc.Years) == 0 {
		return doc, errors.New("节假日表没有任何年份：请在 \"years\" 下按年写明通知名称、放假日期和调休上班日，见 data/README.md")
	}
	return doc, nil
}

var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func buildCalendar(source string, years map[string]calendarYear) (*Calendar, error) {
	c := &Calendar{Source: source, years: map[int]calendarYear{}, holidays: map[int]string{}, workdays: map[int]bool{}}
	owner := map[int]int{} // day → year whose notice set it
	keys := make([]string, 0, len(years))
	for k := range years {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, ys := range keys {
		y := years[ys]
		year, err := strconv.Atoi(ys)
		if err != nil || len(ys) != 4 || year < 2000 {
			return nil, fmt.Errorf("节假日表的年份“%s”应写作四位数字，如 \"2027\"", ys)
		}
		title := fmt.Sprintf("国务院办公厅关于%d年部分节假日安排的通知", year)
		if strings.TrimSpace(y.Notice) == "" {
			return nil, fmt.Errorf("节假日表%d年缺少 notice（所据通知的名称）：请照抄通知标题，如“%s”", year, title)
		}
		if !strings.Contains(y.Notice, ys+"年") {
			return nil, fmt.Errorf("节假日表%d年的 notice“%s”不是%d年的通知，应为“%s”", year, y.Notice, year, title)
		}
		if y.Published != "" {
			if _, err := time.Parse("2006-01-02", y.Published); err != nil {
				return nil, fmt.Errorf("节假日表%d年的 published（发布日期）“%s”无法识别，应写作 YYYY-MM-DD", year, y.Published)
			}
		}
		if len(y.Holidays) == 0 {
			return nil, fmt.Errorf("节假日表%d年没有 holidays（放假日期）：请按通知逐项写 [\"起始日期\", \"结束日期\", \"节日名称\"]", year)
		}
		// a notice may start 元旦 in the December before (2023: 2022-12-31)
		first := time.Date(year-1, time.December, 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC)
		date := func(what, s string) (time.Time, error) {
			d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
			if err != nil {
				return d, fmt.Errorf("节假日表%d年%s的日期“%s”无法识别，应写作 YYYY-MM-DD，如 %d-10-01", year, what, s, year)
			}
			if d.Before(first) || d.After(last) {
				return d, fmt.Errorf("节假日表%d年%s的日期%s不在%d年（只有元旦可从上一年12月开始），请核对年份", year, what, s, year)
			}
			return d, nil
		}
		claim := func(d time.Time) error {
			k := dayKey(d)
			if other, ok := owner[k]; ok && other != year {
				return fmt.Errorf("%s 同时写在节假日表%d年和%d年中，请只留在所据通知的那一年", FormatDate(d), other, year)
			}
			owner[k] = year
			return nil
		}
		for i, h := range y.Holidays {
			what := fmt.Sprintf("第%d个放假区间", i+1)
			if len(h) != 3 || strings.TrimSpace(h[2]) == "" {
				return nil, fmt.Errorf("节假日表%d年%s应写成 [\"起始日期\", \"结束日期\", \"节日名称\"]，如 [\"%d-10-01\", \"%d-10-07\", \"国庆节\"]", year, what, year, year)
			}
			from, err := date(what, h[0])
			if err != nil {
				return nil, err
			}
			to, err := date(what, h[1])
			if err != nil {
				return nil, err
			}
			if to.Before(from) {
				return nil, fmt.Errorf("节假日表%d年%s（%s）的结束日期%s早于起始日期%s", year, what, h[2], h[1], h[0])
			}
			if n := int(to.Sub(from).Hours()/24) + 1; n > 10 {
				return nil, fmt.Errorf("节假日表%d年%s（%s）从%s到%s共%d天，通知中的假期都不超过10天，请核对", year, what, h[2], h[0], h[1], n)
			}
			for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
				if err := claim(d); err != nil {
					return nil, err
				}
				c.holidays[dayKey(d)] = strings.TrimSpace(h[2])
			}
		}
		for i, w := range y.Workdays {
			what := fmt.Sprintf("第%d个调休上班日", i+1)
			d, err := date(what, w)
			if err != nil {
				return nil, err
			}
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, fmt.Errorf("节假日表%d年%s %s 是%s，不是周六或周日：workdays 只写通知中“上班”的周末日期", year, what, w, weekdayNames[wd])
			}
			if h, ok := c.holidays[dayKey(d)]; ok {
				return nil, fmt.Errorf("节假日表%d年的 %s 既在%s放假区间中，又写作调休上班日，请按通知核对", year, w, h)
			}
			if err := claim(d); err != nil {
				return nil, err
			}
			c.workdays[dayKey(d)] = true
		}
		c.years[year] = y
	}
	return c, nil
}

func dayKey(d time.Time) int {
	y, m, dd := d.Date()
	return y*10000 + int(m)*100 + dd
}

// Covers reports whether the calendar has the holiday notice of year.
func (c *Calendar) Covers(year int) bool {
	_, ok := c.years[year]
	return ok
}

// Years lists the years the calendar has a notice for, in order.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	slices.Sort(out)
	return out
}

// Notice returns the notice year rests on.
func (c *Calendar) Notice(year int) (Notice, bool) {
	y, ok := c.years[year]
	if !ok {
		return Notice{}, false
	}
	return Notice{Year: year, Title: y.Notice, DocNo: y.DocNo, Published: y.Published, VerifiedBy: y.VerifiedBy, File: y.file}, true
}

// Notices lists the notices of the covered years, in order.
func (c *Calendar) Notices() []Notice {
	out := []Notice{}
	for _, y := range c.Years() {
		n, _ := c.Notice(y)
		out = append(out, n)
	}
	return out
}

// Describe is one line naming the notice, its number and, for a year added
// by a clerk's file, that file: 2027年：国务院办公厅关于2027年部分节假日安排的通知
// （国办发明电〔2026〕1号，据 TONGCHENG_CREDIT_HOLIDAYS 所指的文件 /etc/…）.
func (n Notice) Describe() string {
	var paren []string
	if n.DocNo != "" {
		paren = append(paren, n.DocNo)
	}
	if n.File != "" {
		paren = append(paren, "据 "+HolidaysFileEnv+" 所指的文件 "+n.File)
	} else {
		paren = append(paren, "内置")
	}
	return fmt.Sprintf("%d年：%s（%s）", n.Year, n.Title, strings.Join(paren, "，"))
}

// IsWorkday reports whether d is an official working day. Outside the
// covered years only weekends are days off (see Covers, MissingYears).
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

// strictJSON decodes a configuration file, refusing unknown keys, with a
// Chinese message naming the file kind, the place and what is wrong.
func strictJSON(b []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return fmt.Errorf("%s在第%d行之后还有多余的内容：整个文件应是一个 { … }", what, lineAt(b, int(dec.InputOffset())))
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%s第%d行附近不是有效的 JSON（常见原因：漏了逗号或引号、多了末尾逗号、用了中文标点）", what, lineAt(b, int(syn.Offset)))
	case errors.As(err, &typ):
		return fmt.Errorf("%s第%d行附近“%s”的写法不对：此处应为%s", what, lineAt(b, int(typ.Offset)), strings.TrimPrefix(typ.Field, "years."), jsonKindName(typ.Type.Kind().String()))
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s是空的", what)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("%s中有不认识的项目 %s，请核对拼写（见 data/README.md）", what, strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fmt.Errorf("%s无法读取：%v", what, err)
}

func lineAt(b []byte, off int) int {
	if off > len(b) {
		off = len(b)
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

func jsonKindName(kind string) string {
	switch kind {
	case "int", "int64", "float64":
		return "数字"
	case "string":
		return "带引号的文字"
	case "slice":
		return "方括号 [ … ] 的列表"
	case "map", "struct", "ptr":
		return "花括号 { … }"
	}
	return kind
}
