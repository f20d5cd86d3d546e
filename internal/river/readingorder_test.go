package river_test

import (
	"strings"
	"testing"

	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestLateReadingKeepsLatestClass: a station sends its backlog late, the reading of
// 11-01 (劣Ⅴ, NH3-N 2.5 > 2.0, GB 3838-2002 表1 第7项) after that of 11-05 (Ⅱ, NH3-N 0.4
// in (0.15, 0.5]). The section's latest class, which the 驾驶舱 counts by class and the
// 断面水质 list shows, stays the 11-05 one; the late reading is stored, and since it is
// worse than the target Ⅲ it still opens its 监测预警 problem.
func TestLateReadingKeepsLatestClass(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		push := func(at string, nh3n float64) (res struct {
			ClassName string `json:"class_name"`
			ProblemID int64  `json:"problem_id"`
		}) {
			t.Helper()
			if st := e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": at,
				"values": map[string]float64{"NH3N": nh3n}}, &res); st != 201 {
				t.Fatalf("push %s: %d", at, st)
			}
			return res
		}
		if r := push("2026-11-05 08:00", 0.4); r.ClassName != "Ⅱ类" || r.ProblemID != 0 {
			t.Fatalf("11-05: %+v", r)
		}
		if r := push("2026-11-01 08:00", 2.5); r.ClassName != "劣Ⅴ类" || r.ProblemID == 0 {
			t.Fatalf("11-01 sent late: %+v", r)
		}
		if n := e.count("SELECT last_class FROM river_sections WHERE id = 'T-SEC-1'"); n != int(river.ClassII) {
			t.Fatalf("the section's latest class is %d after a late reading, want Ⅱ (2)", n)
		}
		var d river.Dashboard
		e.api("cd-office", "GET", "/api/v1/river/dashboard", nil, &d)
		if len(d.Sections) != 1 || d.Sections[0].Name != "Ⅱ类" || d.Sections[0].Count != 1 {
			t.Fatalf("驾驶舱 sections by class %+v", d.Sections)
		}
		_, body := e.login("cd-office").Get("/river/trends")
		if !strings.Contains(body, "<td>Ⅱ类</td><td class=\"num\">2</td>") {
			t.Fatalf("the 断面水质 list does not show Ⅱ类 with 2 readings:\n%s", body)
		}
		// a newer reading moves it on
		push("2026-11-06 08:00", 1.2) // Ⅳ: (1.0, 1.5]
		if n := e.count("SELECT last_class FROM river_sections WHERE id = 'T-SEC-1'"); n != int(river.ClassIV) {
			t.Fatalf("after 11-06: class %d, want Ⅳ (4)", n)
		}
	})
}
