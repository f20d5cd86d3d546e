// Package region holds the administrative divisions (行政区划) of 成都、德阳、眉山、资阳
// as GB/T 2260 six-digit codes, embedded reference data, and answers scope questions.
package region

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
)

// Level is a division's tier: 省, 市, 县级.
type Level string

const (
	Province Level = "province" // 省
	City     Level = "city"     // 地级市
	County   Level = "county"   // 县级（区、县、县级市）
)

// Region is one administrative division (行政区划).
type Region struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Level  Level  `json:"level"`
	Parent string `json:"parent"`
}

// ProvinceCode is 四川省, home of the 省同城化办公室.
const ProvinceCode = "510000"

//go:embed data/regions.json
var raw []byte

var (
	byCode  = map[string]Region{}
	aliases = map[string]string{}
	ordered []Region
	// Source says where the codes come from.
	Source string
)

func init() {
	var doc struct {
		Source  string   `json:"source"`
		Regions []Region `json:"regions"`
		Aliases []struct {
			Code string `json:"code"`
			Now  string `json:"now"`
		} `json:"aliases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		panic(fmt.Sprintf("region data: %v", err))
	}
	Source = doc.Source
	for _, r := range doc.Regions {
		byCode[r.Code] = r
	}
	for _, a := range doc.Aliases {
		aliases[a.Code] = a.Now
	}
	ordered = doc.Regions
}

// Get returns the region with code (a retired code such as 新津县 510132 maps to its successor).
func Get(code string) (Region, bool) {
	if now, ok := aliases[code]; ok {
		code = now
	}
	r, ok := byCode[code]
	return r, ok
}

// Valid reports whether code is a known region.
func Valid(code string) bool { _, ok := Get(code); return ok }

// Name returns the Chinese name, or the code itself when unknown.
func Name(code string) string {
	if r, ok := Get(code); ok {
		return r.Name
	}
	return code
}

// FullName returns e.g. "成都市简阳市".
func FullName(code string) string {
	r, ok := Get(code)
	if !ok {
		return code
	}
	if r.Level == County {
		return Name(r.Parent) + r.Name
	}
	return r.Name
}

// All returns every region, province first, each city followed by its counties.
func All() []Region { return append([]Region(nil), ordered...) }

// Cities returns the four cities.
func Cities() []Region { return Children(ProvinceCode) }

// Children returns the regions directly under code, in code order.
func Children(code string) []Region {
	var out []Region
	for _, r := range ordered {
		if r.Parent == code {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Within reports whether region a lies inside region b (a region lies inside itself).
// Unknown codes lie inside nothing.
func Within(a, b string) bool {
	ra, ok := Get(a)
	if !ok {
		return false
	}
	rb, ok := Get(b)
	if !ok {
		return false
	}
	for cur := ra; ; {
		if cur.Code == rb.Code {
			return true
		}
		if cur.Parent == "" {
			return false
		}
		cur, ok = Get(cur.Parent)
		if !ok {
			return false
		}
	}
}

// CityOf returns the city code of a county or city; the province maps to itself.
func CityOf(code string) string {
	r, ok := Get(code)
	if !ok {
		return ""
	}
	switch r.Level {
	case County:
		return r.Parent
	default:
		return r.Code
	}
}
