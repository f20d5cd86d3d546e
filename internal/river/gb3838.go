package river

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/gb3838.json data/rivers.json
var dataFS embed.FS

// Class is a surface-water quality class (水质类别) of GB 3838-2002:
// Ⅰ … Ⅴ, and 劣Ⅴ for water worse than class Ⅴ. Lower is better; the zero
// value means "not classed".
type Class int

// The classes of GB 3838-2002.
const (
	ClassI      Class = 1 // Ⅰ类
	ClassII     Class = 2 // Ⅱ类
	ClassIII    Class = 3 // Ⅲ类
	ClassIV     Class = 4 // Ⅳ类
	ClassV      Class = 5 // Ⅴ类
	ClassWorseV Class = 6 // 劣Ⅴ类
)

var classNames = [...]string{"", "Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"}

// String gives the Chinese name, e.g. "Ⅲ类", "劣Ⅴ类"; "未分类" for the zero value.
func (c Class) String() string {
	if c < ClassI || c > ClassWorseV {
		return "未分类"
	}
	return classNames[c]
}

// Grade is the qualitative water-quality state (水质状况) of the 2011
// assessment rules: Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染, Ⅴ 中度污染, 劣Ⅴ 重度污染.
func (c Class) Grade() string {
	switch c {
	case ClassI, ClassII:
		return "优"
	case ClassIII:
		return "良好"
	case ClassIV:
		return "轻度污染"
	case ClassV:
		return "中度污染"
	case ClassWorseV:
		return "重度污染"
	}
	return "未分类"
}

// ParseClass reads "Ⅲ", "Ⅲ类", "III", "3", "劣Ⅴ", "劣V", "6".
func ParseClass(s string) (Class, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "类")
	switch strings.ToUpper(t) {
	case "Ⅰ", "I", "1":
		return ClassI, nil
	case "Ⅱ", "II", "2":
		return ClassII, nil
	case "Ⅲ", "III", "3":
		return ClassIII, nil
	case "Ⅳ", "IV", "4":
		return ClassIV, nil
	case "Ⅴ", "V", "5":
		return ClassV, nil
	case "劣Ⅴ", "劣V", "6":
		return ClassWorseV, nil
	}
	return 0, fmt.Errorf("无法识别的水质类别“%s”，请填写Ⅰ、Ⅱ、Ⅲ、Ⅳ、Ⅴ或劣Ⅴ", s)
}

// WaterBody says which column of 总磷 applies: rivers (河流) or lakes and
// reservoirs (湖、库).
type WaterBody int

const (
	River WaterBody = iota // 河流
	Lake                   // 湖泊、水库 (湖、库)
)

func (w WaterBody) String() string {
	if w == Lake {
		return "湖库"
	}
	return "河流"
}

// Direction says how a parameter's limits are read.
type Direction string

const (
	Upper Direction = "max"   // 上限: value ≤ limit meets the class
	Lower Direction = "min"   // 下限: value ≥ limit meets the class (溶解氧)
	Range Direction = "range" // 区间: pH 6–9 for every class
	None  Direction = "none"  // 不分类 (水温)
)

// Parameter is one row of GB 3838-2002 表1 (基本项目).
type Parameter struct {
	Code         string    `json:"code"` // stable code, e.g. "NH3N"
	Row          int       `json:"row"`  // 序号 in 表1
	Name         string    `json:"name"` // 项目名称, e.g. "氨氮"
	Unit         string    `json:"unit"`
	Direction    Direction `json:"direction"`
	Limits       []float64 `json:"limits,omitempty"`      // Ⅰ…Ⅴ; for rivers
	LakeLimits   []float64 `json:"lake_limits,omitempty"` // Ⅰ…Ⅴ for 湖、库 where different (总磷)
	Range        []float64 `json:"range,omitempty"`       // [min, max] for Direction Range
	LakesOnly    bool      `json:"lakes_only,omitempty"`  // 总氮 is assessed for 湖、库 only
	PlausibleMin *float64  `json:"plausible_min,omitempty"`
	PlausibleMax float64   `json:"plausible_max"` // above it the value is taken as a unit error
	Note         string    `json:"note,omitempty"`

	idx int // position in Standard.Parameters
}

// Standard is the GB 3838-2002 表1 table with its source.
type Standard struct {
	Name            string       `json:"standard"`
	Issued          string       `json:"issued"`
	Effective       string       `json:"effective"`
	Source          string       `json:"source"`
	Parameters      []*Parameter `json:"parameters"`
	RoutineExcluded []string     `json:"routine_excluded"` // 水温、总氮、粪大肠菌群

	byKey       map[string]*Parameter
	routineSkip []bool // by Parameter.idx
}

// ParseStandard reads and checks a standard table (the format of data/gb3838.json).
func ParseStandard(b []byte) (*Standard, error) {
	var s Standard
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("标准限值文件格式错误：%v", err)
	}
	s.byKey = map[string]*Parameter{}
	for i, p := range s.Parameters {
		p.idx = i
		switch p.Direction {
		case Upper, Lower:
			if len(p.Limits) != 5 || (p.LakeLimits != nil && len(p.LakeLimits) != 5) {
				return nil, fmt.Errorf("标准限值文件中“%s”须有Ⅰ至Ⅴ类共5个限值", p.Name)
			}
			for _, lim := range [][]float64{p.Limits, p.LakeLimits} {
				for i := 1; i < len(lim); i++ {
					if (p.Direction == Upper && lim[i] < lim[i-1]) || (p.Direction == Lower && lim[i] > lim[i-1]) {
						return nil, fmt.Errorf("标准限值文件中“%s”的限值次序有误", p.Name)
					}
				}
			}
		case Range:
			if len(p.Range) != 2 || p.Range[0] >= p.Range[1] {
				return nil, fmt.Errorf("标准限值文件中“%s”须给出区间[下限, 上限]", p.Name)
			}
		case None:
		default:
			return nil, fmt.Errorf("标准限值文件中“%s”的判定方向“%s”未知", p.Name, p.Direction)
		}
		for _, k := range []string{strings.ToLower(p.Code), p.Name} {
			if _, dup := s.byKey[k]; dup {
				return nil, fmt.Errorf("标准限值文件中项目“%s”重复", k)
			}
			s.byKey[k] = p
		}
		s.byKey[p.Code] = p // exact spelling, found without lower-casing
	}
	for _, alias := range [][2]string{{"nh3-n", "NH3N"}, {"codcr", "COD"}, {"bod₅", "BOD5"}, {"ph值", "pH"}, {"铬(六价)", "Cr6"}, {"六价铬", "Cr6"}, {"高锰酸盐", "CODMn"}} {
		if p, ok := s.byKey[strings.ToLower(alias[1])]; ok {
			s.byKey[alias[0]] = p
		}
	}
	s.routineSkip = make([]bool, len(s.Parameters))
	for _, c := range s.RoutineExcluded {
		p := s.Param(c)
		if p == nil {
			return nil, fmt.Errorf("标准限值文件的 routine_excluded 中项目“%s”未知", c)
		}
		s.routineSkip[p.idx] = true
	}
	return &s, nil
}

var (
	stdOnce sync.Once
	stdVal  *Standard
	stdErr  error
)

// DefaultStandard returns the embedded GB 3838-2002 table (parsed once).
func DefaultStandard() (*Standard, error) {
	stdOnce.Do(func() {
		b, err := dataFS.ReadFile("data/gb3838.json")
		if err != nil {
			stdErr = err
			return
		}
		stdVal, stdErr = ParseStandard(b)
	})
	return stdVal, stdErr
}

// Param finds a parameter by code (case-insensitive, "NH3N", "NH3-N") or by
// Chinese name ("氨氮"); nil when unknown.
func (s *Standard) Param(key string) *Parameter {
	if p, ok := s.byKey[key]; ok {
		return p
	}
	k := strings.ToLower(strings.TrimSpace(key))
	if p, ok := s.byKey[k]; ok {
		return p
	}
	return s.byKey[strings.TrimSpace(key)]
}

// check rejects values that cannot be real: not a number, negative, or beyond
// the plausible range (a unit error such as µg/L entered as mg/L).
func (p *Parameter) check(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s的数值无效，请填写数字", p.Name)
	}
	if p.PlausibleMin != nil {
		if v < *p.PlausibleMin || v > p.PlausibleMax {
			return fmt.Errorf("%s的数值%s超出可能范围（%s～%s %s），请检查数据和单位", p.Name, num(v), num(*p.PlausibleMin), num(p.PlausibleMax), p.Unit)
		}
		return nil
	}
	if v < 0 {
		return fmt.Errorf("%s的浓度%s为负数，浓度不能为负，请检查数据", p.Name, num(v))
	}
	if v > p.PlausibleMax {
		return fmt.Errorf("%s的数值%s %s超出可能范围（不大于%s %s），请检查单位是否填错", p.Name, num(v), p.Unit, num(p.PlausibleMax), p.Unit)
	}
	return nil
}

// limits returns the Ⅰ…Ⅴ limits that apply to the water body.
func (p *Parameter) limits(body WaterBody) []float64 {
	if body == Lake && p.LakeLimits != nil {
		return p.LakeLimits
	}
	return p.Limits
}

// ClassOf returns the class of one value of the parameter. A value equal to a
// class limit belongs to that class; where several classes share a limit
// (化学需氧量 15 for Ⅰ and Ⅱ) the better class is taken. pH inside 6–9 is
// Ⅰ类 (it meets every class); outside it is 劣Ⅴ类. 水温 has no class (0).
func (p *Parameter) ClassOf(v float64, body WaterBody) (Class, error) {
	if err := p.check(v); err != nil {
		return 0, err
	}
	switch p.Direction {
	case Range:
		if v >= p.Range[0] && v <= p.Range[1] {
			return ClassI, nil
		}
		return ClassWorseV, nil
	case Upper:
		for i, lim := range p.limits(body) {
			if v <= lim {
				return Class(i + 1), nil
			}
		}
		return ClassWorseV, nil
	case Lower:
		for i, lim := range p.limits(body) {
			if v >= lim {
				return Class(i + 1), nil
			}
		}
		return ClassWorseV, nil
	}
	return 0, nil
}

// Limit returns the limit of class c (Ⅰ…Ⅴ) for the water body, and false
// when the parameter has no per-class limit.
func (p *Parameter) Limit(c Class, body WaterBody) (float64, bool) {
	l := p.limits(body)
	if c < ClassI || c > ClassV || len(l) != 5 {
		return 0, false
	}
	return l[c-1], true
}

// Sample is one set of readings of a section (断面) at one time.
type Sample struct {
	Body   WaterBody
	Values map[string]float64 // parameter code or Chinese name → value in the standard's unit
}

// Options chooses the assessed parameters. The zero value is the routine
// assessment: every parameter of 表1 except the standard's RoutineExcluded
// (水温、总氮、粪大肠菌群).
type Options struct {
	// Exclude replaces the routine exclusions when not nil (an empty, non-nil
	// slice assesses everything that can be classed).
	Exclude []string
}

// ParamResult is the class of one parameter of a sample.
type ParamResult struct {
	Code     string
	Name     string
	Row      int // 表1 序号
	Value    float64
	Unit     string
	Class    Class // 0 for 水温 or for 总氮 of a river
	Assessed bool  // counted in the sample's class (参评)
}

// Result is the classification of a sample.
type Result struct {
	Class  Class         // worst class among assessed parameters (单因子评价); 0 when none assessed
	Params []ParamResult // in 表1 row order
	Worst  []string      // names of the assessed parameters that set the class (定类项目)
}

// Exceedance is a parameter worse than a target class (超标项目) with its
// 超标倍数 = (value − limit) / limit; 溶解氧 and pH get no multiple (0).
type Exceedance struct {
	Name     string
	Class    Class
	Multiple float64
}

// Exceeds lists the assessed parameters worse than target, in 表1 order.
func (r Result) Exceeds(s *Standard, target Class, body WaterBody) []Exceedance {
	var out []Exceedance
	for _, pr := range r.Params {
		if !pr.Assessed || pr.Class <= target {
			continue
		}
		e := Exceedance{Name: pr.Name, Class: pr.Class}
		p := s.Param(pr.Code)
		if lim, ok := p.Limit(target, body); ok && p.Direction == Upper && lim > 0 {
			e.Multiple = math.Round((pr.Value-lim)/lim*100) / 100
		}
		out = append(out, e)
	}
	return out
}

// Classify classes each parameter of the sample and the sample as the worst
// assessed parameter. Unknown parameters and impossible values are errors
// naming the parameter; nothing is classed then.
func (s *Standard) Classify(sm Sample, opt Options) (Result, error) {
	skip := s.routineSkip
	if opt.Exclude != nil {
		skip = make([]bool, len(s.Parameters))
		for _, c := range opt.Exclude {
			p := s.Param(c)
			if p == nil {
				return Result{}, fmt.Errorf("评价设置中的项目“%s”不在GB 3838-2002表1中", c)
			}
			skip[p.idx] = true
		}
	}
	// Place the values by parameter, so results come in 表1 row order and the
	// error reported is deterministic: an unknown name (the first in sort
	// order), a duplicate (the first row), else the first row in error.
	n := len(s.Parameters)
	var hasBuf [64]bool
	var valBuf [64]float64
	has, vals := hasBuf[:], valBuf[:]
	if n > len(hasBuf) {
		has, vals = make([]bool, n), make([]float64, n)
	}
	unknown, dup := "", -1
	for k, v := range sm.Values {
		p := s.Param(k)
		switch {
		case p == nil:
			if unknown == "" || k < unknown {
				unknown = k
			}
		case has[p.idx]:
			if dup < 0 || p.idx < dup {
				dup = p.idx
			}
		default:
			has[p.idx], vals[p.idx] = true, v
		}
	}
	if unknown != "" {
		return Result{}, fmt.Errorf("监测项目“%s”不在GB 3838-2002表1基本项目中，请检查项目名称", unknown)
	}
	if dup >= 0 {
		return Result{}, fmt.Errorf("监测项目“%s”重复填写", s.Parameters[dup].Name)
	}
	res := Result{Params: make([]ParamResult, 0, len(sm.Values))}
	for i, p := range s.Parameters {
		if !has[i] {
			continue
		}
		v := vals[i]
		c, err := p.ClassOf(v, sm.Body)
		if err != nil {
			return Result{}, err
		}
		if p.LakesOnly && sm.Body != Lake {
			c = 0
		}
		pr := ParamResult{Code: p.Code, Name: p.Name, Row: p.Row, Value: v, Unit: p.Unit, Class: c}
		pr.Assessed = c != 0 && !skip[i]
		if pr.Assessed && c > res.Class {
			res.Class = c
		}
		res.Params = append(res.Params, pr)
	}
	for _, pr := range res.Params {
		if pr.Assessed && pr.Class == res.Class {
			res.Worst = append(res.Worst, pr.Name)
		}
	}
	return res, nil
}

// Classify classes a sample against the embedded standard.
func Classify(sm Sample, opt Options) (Result, error) {
	s, err := DefaultStandard()
	if err != nil {
		return Result{}, err
	}
	return s.Classify(sm, opt)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
