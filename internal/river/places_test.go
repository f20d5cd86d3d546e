package river_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tongcheng/internal/region"
	"tongcheng/internal/river"
)

// TestSeatCoordinatesCrossChecked: a county or city seat on the schematic map counts as
// verified only where two independent public copies agree within 0.05°; its source names
// both and gives the second copy's figures, and the stored point lies within 0.05° of them.
// 成都市 stays unverified: the copies disagree (one gives the former seat in the old town).
func TestSeatCoordinatesCrossChecked(t *testing.T) {
	md := river.Map()
	second := regexp.MustCompile(`zhygmsz/book[^（]*（[^）]*）[^（]*（(\d+\.\d+), (\d+\.\d+)）相差不超过 0\.05°`)
	var unverified []string
	n := 0
	for _, c := range region.Cities() {
		for _, k := range append([]region.Region{c}, region.Children(c.Code)...) {
			p := md.At(k.Code)
			n++
			if p.Unverified {
				unverified = append(unverified, k.Code)
				if !strings.Contains(p.Source, "未核实") {
					t.Errorf("%s %s is unverified but its source does not say so: %s", k.Code, k.Name, p.Source)
				}
				continue
			}
			m := second.FindStringSubmatch(p.Source)
			if m == nil || !strings.Contains(p.Source, "取自") {
				t.Errorf("%s %s is marked verified without two sources: %s", k.Code, k.Name, p.Source)
				continue
			}
			lon, _ := strconv.ParseFloat(m[1], 64)
			lat, _ := strconv.ParseFloat(m[2], 64)
			if d := max(abs(p.Lon-lon), abs(p.Lat-lat)); d > 0.05 {
				t.Errorf("%s %s: stored %.3f, %.3f is %.3f° from the second copy %.2f, %.2f", k.Code, k.Name, p.Lon, p.Lat, d, lon, lat)
			}
		}
	}
	if n != 39 || len(unverified) != 1 || unverified[0] != "510100" {
		t.Fatalf("%d seats, unverified %v; want 39 seats with only 成都市 unverified", n, unverified)
	}
	// 旌阳区 was an approximate guess before the check; the cross-checked seat replaced it
	if p := md.At("510603"); p.Lon != 104.417 || p.Lat != 31.142 {
		t.Fatalf("旌阳区 at %.3f, %.3f", p.Lon, p.Lat)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
