package river_test

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tongcheng/internal/app/apptest"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var sectionsTotalRe = regexp.MustCompile(`<strong id="sections-total">(\d+)</strong>`)

// TestDashboardSectionsMatchList: the 驾驶舱's sections by latest class are the counts of
// the 断面水质 list filtered by the same class within the user's region, each figure
// linking to that list. Fixture: 成都 has 测试断面 (Ⅱ, NH3-N 0.4), a 金堂 section (Ⅳ,
// NH3-N 1.2) and one without readings; 德阳 has one at 劣Ⅴ (NH3-N 2.5), which 成都 does not count.
func TestDashboardSectionsMatchList(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, s := range []*river.SectionRow{
			{ID: "T-SEC-JT", Name: "金堂测试断面", RiverID: "tuojiang", ReachID: e.cdReach, Target: river.ClassIII, Region: "510121"},
			{ID: "T-SEC-NO", Name: "未监测断面", RiverID: "jinjiang", ReachID: e.cdReach, Target: river.ClassIII, Region: "510100"},
			{ID: "T-SEC-DY", Name: "德阳测试断面", RiverID: "mianyuanhe", ReachID: e.dyReach, Target: river.ClassIII, Region: "510600"},
		} {
			if err := e.m.AddSection(t.Context(), s); err != nil {
				t.Fatal(err)
			}
		}
		for sec, v := range map[string]float64{"T-SEC-1": 0.4, "T-SEC-JT": 1.2, "T-SEC-DY": 2.5} {
			user := "cd-office"
			if sec == "T-SEC-DY" {
				user = "dy-office"
			}
			if st := e.api(user, "POST", "/api/v1/river/readings", map[string]any{"section_id": sec, "sampled_at": "2026-11-01 08:00", "values": map[string]float64{"NH3N": v}}, nil); st != 201 {
				t.Fatalf("reading of %s: %d", sec, st)
			}
		}
		for _, c := range []struct {
			user string
			want map[string]int64 // by class code
		}{
			{"cd-office", map[string]int64{"0": 1, "2": 1, "4": 1}},
			{"dy-office", map[string]int64{"6": 1}},
		} {
			var d river.Dashboard
			e.api(c.user, "GET", "/api/v1/river/dashboard", nil, &d)
			got := map[string]int64{}
			for _, s := range d.Sections {
				got[s.Key] = s.Count
			}
			if len(got) != len(c.want) {
				t.Fatalf("%s: sections by class %+v, want %v", c.user, d.Sections, c.want)
			}
			for k, n := range c.want {
				if got[k] != n {
					t.Fatalf("%s: class %s counts %d, want %d", c.user, k, got[k], n)
				}
			}
			cl := e.login(c.user)
			_, dash := cl.Get("/river/dashboard")
			for _, s := range d.Sections {
				link := regexp.MustCompile(`<a href="(/river/trends\?city=\d+&(?:amp;)?class=` + s.Key + `)">` + strconv.FormatInt(s.Count, 10) + `</a>`).FindStringSubmatch(dash)
				if link == nil {
					t.Fatalf("%s: the 驾驶舱 does not link %s (%d) to the sections list", c.user, s.Name, s.Count)
				}
				_, list := cl.Get(html.UnescapeString(link[1]))
				m := sectionsTotalRe.FindStringSubmatch(list)
				if m == nil || m[1] != strconv.FormatInt(s.Count, 10) || apptest.Selected(list, "class") != s.Key {
					t.Fatalf("%s: %s lists %v sections, the 驾驶舱 says %d", c.user, link[1], m, s.Count)
				}
				if s.Key != "0" && strings.Count(list, "<td>"+s.Name+"</td>") != int(s.Count) {
					t.Fatalf("%s: the list of %s shows other classes", c.user, s.Name)
				}
			}
		}
	})
}
