package river

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"tongcheng/internal/region"
)

// Place is a city on a river's course: a GB/T 2260 code for the four
// cities, only a name outside them.
type Place struct {
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
}

// WaterKind is the kind of water body (水体类型).
type WaterKind string

const (
	KindRiver     WaterKind = "river"     // 河流
	KindLake      WaterKind = "lake"      // 湖泊
	KindReservoir WaterKind = "reservoir" // 水库
)

// Body returns the GB 3838 column (总磷) for the kind.
func (k WaterKind) Body() WaterBody {
	if k == KindLake || k == KindReservoir {
		return Lake
	}
	return River
}

// RiverInfo is the reference record of one river (一河一档 base facts).
type RiverInfo struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Aliases  []string  `json:"aliases,omitempty"`
	Kind     WaterKind `json:"kind"`
	Basin    string    `json:"basin"`            // 流域: 岷江, 沱江, 涪江 …
	Parent   string    `json:"parent,omitempty"` // id of the river it flows into (四市参考数据内)
	Course   []Place   `json:"course"`           // cities from upstream to downstream
	Counties []string  `json:"counties,omitempty"`
	LengthKm float64   `json:"length_km,omitempty"`
	AreaKm2  float64   `json:"area_km2,omitempty"` // 流域面积
	Notes    string    `json:"notes,omitempty"`
	// Sources maps each fact (field name) to where it comes from.
	Sources map[string]string `json:"sources"`
	// Unverified lists the fields not confirmed by a public source.
	Unverified []string `json:"unverified,omitempty"`
}

// Verified reports whether the field is backed by a source.
func (r *RiverInfo) Verified(field string) bool { return !slices.Contains(r.Unverified, field) }

// factNames are the Chinese names of the facts of the reference data, as
// the pages label them.
var factNames = map[string]string{
	"course": "流经", "counties": "流经区县", "length_km": "长度", "area_km2": "流域（集水）面积", "parent": "汇入", "basin": "流域",
	"river": "所在河流", "region": "所在区域", "target": "目标类别", "from": "上游地区", "to": "下游地区", "handover": "是否交接断面",
}

// FactName is the Chinese name of a fact of the reference data (the field
// itself when unknown).
func FactName(field string) string {
	if n, ok := factNames[field]; ok {
		return n
	}
	return field
}

// factNameList names the fields in Chinese, in their order.
func factNameList(fields []string) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, FactName(f))
	}
	return out
}

// UnverifiedNames names the unverified facts in Chinese (流域、汇入 …).
func (r *RiverInfo) UnverifiedNames() []string { return factNameList(r.Unverified) }

// UnverifiedNames names the section's unverified facts in Chinese; a section
// whose place the reference data does not give (neither its region nor the
// upstream unit of a hand-over) has 所在区域 among them: where the platform
// files it is not a fact.
func (s *Section) UnverifiedNames() []string {
	out := factNameList(s.Unverified)
	if s.Region == "" && s.From == nil && !slices.Contains(s.Unverified, "region") {
		out = append(out, FactName("region"))
	}
	return out
}

// Section finds a section of the reference data by id; nil when unknown.
func (a *Atlas) Section(id string) *Section {
	for _, s := range a.Sections {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Cities returns the four-city codes on the course, upstream first, each once.
func (r *RiverInfo) Cities() []string {
	var out []string
	for _, p := range r.Course {
		if p.Code != "" && !slices.Contains(out, p.Code) {
			out = append(out, p.Code)
		}
	}
	return out
}

// FlowsFrom reports whether the river passes city a before (upstream of) city b.
func (r *RiverInfo) FlowsFrom(a, b string) bool {
	ia := slices.IndexFunc(r.Course, func(p Place) bool { return p.Code == a })
	if ia < 0 {
		return false
	}
	return slices.ContainsFunc(r.Course[ia+1:], func(p Place) bool { return p.Code == b })
}

// SectionKind is the kind of monitoring section (断面).
type SectionKind string

const (
	SectionNational   SectionKind = "national"   // 国控（国考）断面
	SectionProvincial SectionKind = "provincial" // 省控断面
	SectionHandover   SectionKind = "handover"   // 交接断面 (between two administrative units)
	SectionMonitoring SectionKind = "monitoring" // 其他监测断面
)

// Section is a water-quality section of the reference data.
type Section struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	River      string            `json:"river"` // river id
	Kind       SectionKind       `json:"kind"`
	Region     string            `json:"region,omitempty"` // GB/T 2260 code when known
	From       *Place            `json:"from,omitempty"`   // 交接断面: upstream unit
	To         *Place            `json:"to,omitempty"`     // 交接断面: downstream unit
	TargetText string            `json:"target,omitempty"` // 目标水质类别 as written in the source
	Target     Class             `json:"-"`                // parsed TargetText; 0 when the source gives none
	Notes      string            `json:"notes,omitempty"`
	Sources    map[string]string `json:"sources"`
	Unverified []string          `json:"unverified,omitempty"`
}

// Atlas is the reference data of the four cities' rivers and sections.
type Atlas struct {
	Source   string       `json:"source"`
	Rivers   []*RiverInfo `json:"rivers"`
	Sections []*Section   `json:"sections"`

	byKey map[string]*RiverInfo
}

// ParseAtlas reads and checks reference data in the format of data/rivers.json:
// region codes must be known, every stated fact must have a source, parents
// and section rivers must exist.
func ParseAtlas(b []byte) (*Atlas, error) {
	var a Atlas
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("河流参考数据格式错误：%v", err)
	}
	a.byKey = map[string]*RiverInfo{}
	for _, r := range a.Rivers {
		if r.ID == "" || r.Name == "" {
			return nil, fmt.Errorf("河流参考数据中有河流缺少编号或名称")
		}
		for _, k := range append([]string{r.ID, r.Name}, r.Aliases...) {
			if _, dup := a.byKey[k]; dup {
				return nil, fmt.Errorf("河流参考数据中“%s”重复", k)
			}
			a.byKey[k] = r
		}
		switch r.Kind {
		case KindRiver, KindLake, KindReservoir:
		default:
			return nil, fmt.Errorf("河流“%s”的水体类型“%s”未知", r.Name, r.Kind)
		}
		need := map[string]bool{"course": len(r.Course) > 0, "counties": len(r.Counties) > 0, "length_km": r.LengthKm > 0,
			"area_km2": r.AreaKm2 > 0, "parent": r.Parent != "", "basin": r.Basin != ""}
		if err := checkSources(r.Name, need, r.Sources, r.Unverified); err != nil {
			return nil, err
		}
		for _, p := range r.Course {
			if p.Code != "" && !region.Valid(p.Code) {
				return nil, fmt.Errorf("河流“%s”流经地区代码“%s”不是成德眉资的行政区划代码", r.Name, p.Code)
			}
		}
		for _, c := range r.Counties {
			if !region.Valid(c) || !slices.Contains(r.Cities(), region.CityOf(c)) {
				return nil, fmt.Errorf("河流“%s”的县级代码“%s”未知或不在其流经的市内", r.Name, c)
			}
		}
	}
	for _, r := range a.Rivers {
		if r.Parent != "" && a.byKey[r.Parent] == nil {
			return nil, fmt.Errorf("河流“%s”汇入的河流“%s”不在参考数据中", r.Name, r.Parent)
		}
	}
	ids := map[string]bool{}
	for _, s := range a.Sections {
		if ids[s.ID] {
			return nil, fmt.Errorf("断面编号“%s”重复", s.ID)
		}
		ids[s.ID] = true
		if a.byKey[s.River] == nil {
			return nil, fmt.Errorf("断面“%s”所在河流“%s”不在参考数据中", s.Name, s.River)
		}
		switch s.Kind {
		case SectionNational, SectionProvincial, SectionHandover, SectionMonitoring:
		default:
			return nil, fmt.Errorf("断面“%s”的类型“%s”未知", s.Name, s.Kind)
		}
		if s.TargetText != "" {
			c, err := ParseClass(s.TargetText)
			if err != nil || c > ClassV {
				return nil, fmt.Errorf("断面“%s”的目标水质类别“%s”无效", s.Name, s.TargetText)
			}
			s.Target = c
		}
		if s.Kind == SectionHandover && (s.From == nil || s.To == nil) {
			return nil, fmt.Errorf("交接断面“%s”须写明上游和下游地区", s.Name)
		}
		for _, c := range []string{s.Region, placeCode(s.From), placeCode(s.To)} {
			if c != "" && !region.Valid(c) {
				return nil, fmt.Errorf("断面“%s”的地区代码“%s”不是成德眉资的行政区划代码", s.Name, c)
			}
		}
		need := map[string]bool{"river": true, "region": s.Region != "", "target": s.Target != 0, "from": s.From != nil, "to": s.To != nil}
		if err := checkSources(s.Name, need, s.Sources, s.Unverified); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

func placeCode(p *Place) string {
	if p == nil {
		return ""
	}
	return p.Code
}

// checkSources demands a source for each stated fact.
func checkSources(name string, stated map[string]bool, sources map[string]string, unverified []string) error {
	for f, ok := range stated {
		if ok && sources[f] == "" {
			return fmt.Errorf("“%s”的“%s”没有注明来源", name, f)
		}
	}
	for _, f := range unverified {
		if _, known := stated[f]; !known && f != "handover" {
			return fmt.Errorf("“%s”的未核实字段“%s”未知", name, f)
		}
	}
	return nil
}

var (
	atlasOnce sync.Once
	atlasVal  *Atlas
	atlasErr  error
)

// LoadAtlas returns the embedded reference data (parsed once; do not modify).
func LoadAtlas() (*Atlas, error) {
	atlasOnce.Do(func() {
		b, err := dataFS.ReadFile("data/rivers.json")
		if err != nil {
			atlasErr = err
			return
		}
		atlasVal, atlasErr = ParseAtlas(b)
	})
	return atlasVal, atlasErr
}

// River finds a river by id, name or alias; nil when unknown.
func (a *Atlas) River(key string) *RiverInfo { return a.byKey[key] }

// Tributaries returns the rivers flowing into the river id, in data order.
func (a *Atlas) Tributaries(id string) []*RiverInfo {
	var out []*RiverInfo
	for _, r := range a.Rivers {
		if r.Parent == id {
			out = append(out, r)
		}
	}
	return out
}

// SectionsOf returns the sections on the river id, in data order.
func (a *Atlas) SectionsOf(id string) []*Section {
	var out []*Section
	for _, s := range a.Sections {
		if s.River == id {
			out = append(out, s)
		}
	}
	return out
}

// InRegion returns the rivers crossing the region: for a city, those with the
// city on their course or one of its counties listed; for a county, those
// listing the county.
func (a *Atlas) InRegion(code string) []*RiverInfo {
	var out []*RiverInfo
	for _, r := range a.Rivers {
		all := append(r.Cities(), r.Counties...)
		hit := slices.ContainsFunc(all, func(c string) bool { return region.Within(c, code) })
		if hit {
			out = append(out, r)
		}
	}
	return out
}

// Basin returns the rivers of a basin (岷江, 沱江 …), in data order.
func (a *Atlas) Basin(name string) []*RiverInfo {
	var out []*RiverInfo
	for _, r := range a.Rivers {
		if r.Basin == name {
			out = append(out, r)
		}
	}
	return out
}
