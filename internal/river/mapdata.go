package river

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"tongcheng/internal/region"
)

//go:embed data/places.json
var placesJSON []byte

// MapPlace is a point of the 驾驶舱's schematic map: a city's or county's seat
// (GB/T 2260 code), a direction point outside the four cities (ID) or a section (ID).
type MapPlace struct {
	Code       string  `json:"code,omitempty"`
	ID         string  `json:"id,omitempty"`
	Name       string  `json:"name,omitempty"`
	Lon        float64 `json:"lon"`
	Lat        float64 `json:"lat"`
	Source     string  `json:"source"`
	Unverified bool    `json:"unverified,omitempty"`
}

// MapRiver is a river drawn through the seats it passes, upstream first.
type MapRiver struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Path   []string `json:"path"` // place codes or outside ids
	Source string   `json:"source"`
}

// MapData is the reference data of the schematic map (data/places.json). It
// holds no boundaries: published maps need an approved standard map (审图号).
type MapData struct {
	Source      string      `json:"source"`
	Places      []*MapPlace `json:"places"`
	Outside     []*MapPlace `json:"outside"`
	Rivers      []*MapRiver `json:"rivers"`
	Sections    []*MapPlace `json:"sections"`
	ClassColors struct {
		Source     string   `json:"source"`
		Unverified bool     `json:"unverified"`
		Colors     []string `json:"colors"` // index 0 暂无监测, 1 Ⅰ类 … 6 劣Ⅴ类
	} `json:"class_colors"`

	at map[string]*MapPlace
}

// ParseMapData reads and checks map data: every county of the four cities has a
// seat, every coordinate lies in the region's box and names a source, rivers
// run through known points.
func ParseMapData(b []byte) (*MapData, error) {
	var d MapData
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("示意图数据格式错误：%v", err)
	}
	d.at = map[string]*MapPlace{}
	check := func(p *MapPlace, key string) error {
		if strings.TrimSpace(p.Source) == "" {
			return fmt.Errorf("示意图数据中“%s”的坐标没有注明出处", key)
		}
		if p.Lon < 102.5 || p.Lon > 106 || p.Lat < 29 || p.Lat > 32 {
			return fmt.Errorf("示意图数据中“%s”的坐标 %.3f, %.3f 不在成德眉资一带", key, p.Lon, p.Lat)
		}
		if _, dup := d.at[key]; dup {
			return fmt.Errorf("示意图数据中“%s”重复", key)
		}
		d.at[key] = p
		return nil
	}
	for _, p := range d.Places {
		r, ok := region.Get(p.Code)
		if !ok {
			return nil, fmt.Errorf("示意图数据中的行政区划代码 %s 无效", p.Code)
		}
		if p.Name != r.Name {
			return nil, fmt.Errorf("示意图数据中 %s 的名称“%s”与行政区划“%s”不符", p.Code, p.Name, r.Name)
		}
		if err := check(p, p.Code); err != nil {
			return nil, err
		}
	}
	for _, c := range region.Cities() {
		for _, k := range append([]region.Region{c}, region.Children(c.Code)...) {
			if d.at[k.Code] == nil {
				return nil, fmt.Errorf("示意图数据缺少%s的位置", k.Name)
			}
		}
	}
	for _, p := range d.Outside {
		if err := check(p, p.ID); err != nil {
			return nil, err
		}
	}
	for _, r := range d.Rivers {
		if len(r.Path) < 2 || r.Source == "" {
			return nil, fmt.Errorf("示意图数据中河流“%s”的走向少于两点或没有出处", r.Name)
		}
		for _, k := range r.Path {
			if d.at[k] == nil {
				return nil, fmt.Errorf("示意图数据中河流“%s”经过的“%s”没有位置", r.Name, k)
			}
		}
	}
	for _, s := range d.Sections {
		if err := check(s, "section:"+s.ID); err != nil {
			return nil, err
		}
	}
	if len(d.ClassColors.Colors) != 7 {
		return nil, fmt.Errorf("示意图数据中的水质类别配色应有 7 种（暂无监测、Ⅰ类至劣Ⅴ类）")
	}
	return &d, nil
}

// At returns the point of a region code, an outside id or "section:<id>".
func (d *MapData) At(key string) *MapPlace { return d.at[key] }

var mapData = func() *MapData {
	d, err := ParseMapData(placesJSON)
	if err != nil {
		panic(err)
	}
	return d
}()

// Map returns the schematic map's reference data.
func Map() *MapData { return mapData }
