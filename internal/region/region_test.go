package region

import "testing"

// Counts from regions.md: 成都 20, 德阳 6, 眉山 6, 资阳 3 county-level divisions.
func TestCounts(t *testing.T) {
	want := map[string]int{"510100": 20, "510600": 6, "511400": 6, "512000": 3}
	for city, n := range want {
		if got := len(Children(city)); got != n {
			t.Errorf("%s 下辖县级区划 %d 个, want %d", Name(city), got, n)
		}
	}
	if got := len(Cities()); got != 4 {
		t.Fatalf("cities = %d, want 4", got)
	}
	if got := len(All()); got != 1+4+35 {
		t.Fatalf("all = %d, want 40", got)
	}
}

func TestWithin(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"510185", "510100", true},  // 简阳市 belongs to 成都 since 2016 (not 资阳, whatever its code digits say)
		{"510185", "512000", false}, // …and no longer to 资阳
		{"510604", "510600", true},  // 罗江区 in 德阳
		{"510604", "510000", true},  // every county is inside the province
		{"510100", "510100", true},  // a region lies inside itself
		{"510100", "510104", false}, // a city is not inside its county
		{"510600", "510100", false}, // 德阳 is not inside 成都
		{"510132", "510100", true},  // retired 新津县 code maps to 新津区
		{"999999", "510000", false}, // unknown
		{"510104", "999999", false},
	}
	for _, c := range cases {
		if got := Within(c.a, c.b); got != c.want {
			t.Errorf("Within(%s %s, %s %s) = %v, want %v", c.a, Name(c.a), c.b, Name(c.b), got, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	if got := FullName("510185"); got != "成都市简阳市" {
		t.Errorf("FullName = %q", got)
	}
	if got := CityOf("511403"); got != "511400" {
		t.Errorf("CityOf(彭山区) = %q", got)
	}
	if r, _ := Get("510132"); r.Name != "新津区" {
		t.Errorf("alias 510132 = %q", r.Name)
	}
}
