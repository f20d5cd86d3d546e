package river_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/region"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestDashboardByRiverAndRegion: the 驾驶舱's figures by river and by county (and
// whole city) equal the counts of the problem list with the same filter, on both
// engines, for a hand-made fixture whose figures are also asserted by hand.
func TestDashboardByRiverAndRegion(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// county reaches: 金堂 on the 沱江, and a 绵远河 reach shared by 绵竹 (德阳) and 金堂 (成都)
		jt := &river.Reach{Code: "T-JT-1", RiverID: "tuojiang", Name: "沱江金堂测试段", Region: "510121"}
		shared := &river.Reach{Code: "T-MZ-1", RiverID: "mianyuanhe", Name: "绵远河绵竹金堂交界段", Region: "510683", Region2: "510121"}
		for _, r := range []*river.Reach{jt, shared} {
			if err := e.m.AddReach(t.Context(), r); err != nil {
				t.Fatal(err)
			}
		}
		a := e.report("cd-chief", jt.ID, "garbage")        // closed
		b := e.report("cd-chief", jt.ID, "sewage")         // overdue
		c := e.report("cd-office", e.cdReach, "occupy")    // refused (不予受理)
		d := e.report("dy-office", shared.ID, "garbage")   // open, on the shared county reach
		f := e.report("cd-office", e.sharedReach, "other") // open, on the 德阳/成都 city-level shared reach
		for _, p := range []problem{a, b} {
			e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
			e.act("cd-office", p.ID, map[string]any{"action": "assign", "unit": "水务局", "deadline": "2026-11-25"}, 200)
		}
		e.act("cd-chief", a.ID, map[string]any{"action": "receive"}, 200)
		e.act("cd-chief", a.ID, map[string]any{"action": "feedback", "photos": e.afterPhoto(a.ID)}, 200)
		e.act("cd-office", a.ID, map[string]any{"action": "pass_check"}, 200)
		e.act("cd-office", a.ID, map[string]any{"action": "close"}, 200)
		e.act("cd-office", c.ID, map[string]any{"action": "reject", "reason": "经核实不属于河湖管理范围"}, 200)
		_, _ = d, f
		later := testNow.AddDate(0, 0, 7)
		e.m.Now = func() time.Time { return later }

		for _, user := range []string{"cd-office", "dy-office"} {
			var dash river.Dashboard
			if st := e.api(user, "GET", "/api/v1/river/dashboard", nil, &dash); st != 200 {
				t.Fatalf("dashboard %d", st)
			}
			total := func(q string) int64 {
				t.Helper()
				var l struct{ Total int64 }
				if st := e.api(user, "GET", "/api/v1/river/problems"+q, nil, &l); st != 200 {
					t.Fatalf("list %s: %d", q, st)
				}
				return l.Total
			}
			var sum int64
			for _, r := range dash.Rivers {
				sum += r.Found
				if r.Found != total("?river="+r.ID) || r.Closed != total("?river="+r.ID+"&state=closed") || r.Overdue != total("?river="+r.ID+"&overdue=1") {
					t.Fatalf("%s river %s %+v differs from the list", user, r.ID, r)
				}
			}
			if sum != dash.Found {
				t.Fatalf("%s: rivers add up to %d, found %d", user, sum, dash.Found)
			}
			for _, k := range dash.Counties {
				found, closed := total("?region="+k.Code), total("?region="+k.Code+"&state=closed")
				refused := total("?region=" + k.Code + "&state=rejected")
				if k.Found != found || k.Closed != closed || k.Open != found-closed-refused || k.Overdue != total("?region="+k.Code+"&overdue=1") {
					t.Fatalf("%s region %s %+v differs from the list", user, k.Code, k)
				}
			}
		}
		// by hand, for 成都's 河长办 (all five problems are visible to 成都)
		var dash river.Dashboard
		e.api("cd-office", "GET", "/api/v1/river/dashboard", nil, &dash)
		rivers := map[string]river.RiverFigures{}
		for _, r := range dash.Rivers {
			rivers[r.ID] = r
		}
		if r := rivers["tuojiang"]; r.Name != "沱江" || r.Found != 3 || r.Closed != 1 || r.Overdue != 1 || r.Rate != "33.3%" {
			t.Fatalf("沱江 %+v", r)
		}
		if r := rivers["jinjiang"]; r.Found != 1 || r.Closed != 0 || r.Overdue != 0 {
			t.Fatalf("锦江 %+v", r)
		}
		if r := rivers["mianyuanhe"]; r.Found != 1 || len(dash.Rivers) != 3 || dash.Rivers[0].ID != "tuojiang" {
			t.Fatalf("绵远河 %+v, rivers %+v", r, dash.Rivers)
		}
		counties := map[string]river.CountyFigures{}
		for _, k := range dash.Counties {
			counties[k.Code] = k
		}
		// 金堂: a, b and the shared 绵远河 problem d; 成都 as a whole: all five; 绵竹: d only
		if k := counties["510121"]; k.Name != "金堂县" || k.Found != 3 || k.Closed != 1 || k.Open != 2 || k.Overdue != 1 {
			t.Fatalf("金堂 %+v", k)
		}
		if k := counties["510100"]; k.Found != 5 || k.Closed != 1 || k.Open != 3 || k.Overdue != 1 {
			t.Fatalf("成都全市 %+v", k)
		}
		if k := counties["510683"]; k.Found != 1 || k.Open != 1 {
			t.Fatalf("绵竹 %+v", k)
		}

		// the page: the map chart carries the counties with their open problems and links
		cl := e.login("cd-office")
		resp, body := cl.Get("/river/dashboard")
		if resp.StatusCode != 200 || !strings.Contains(body, "示意图，非标准地图") || strings.Contains(body, "<script>") {
			t.Fatalf("dashboard page %d", resp.StatusCode)
		}
		if !strings.Contains(body, `href="/river/?river=tuojiang&overdue=1">1</a>`) || !strings.Contains(body, `href="/river/?region=510121">3</a>`) {
			t.Fatalf("the river and county tables do not link their figures:\n%s", body)
		}
		opt := chartOf(t, body, "river-map")
		var jintang map[string]any
		for _, s := range opt.Series {
			for _, it := range s.Data {
				if m, ok := it.(map[string]any); ok && m["name"] == "金堂县" {
					jintang = m
				}
			}
		}
		if jintang == nil {
			t.Fatalf("金堂县 is not on the map: %+v", opt.Series)
		}
		if v := jintang["value"].([]any); len(v) != 3 || v[2].(float64) != 2 || jintang["url"] != "/river/?region=510121" {
			t.Fatalf("金堂县 on the map %+v", jintang)
		}
		p := river.Map().At("510121")
		if v := jintang["value"].([]any); v[0].(float64) != p.Lon || v[1].(float64) != p.Lat {
			t.Fatalf("金堂县 is not at its seat: %v", v)
		}
		if !strings.Contains(opt.Title.Subtext, "示意图，非标准地图") {
			t.Fatalf("the map is not labelled a schematic: %q", opt.Title.Subtext)
		}
		// the list by county: the page shows the count, an unknown code is refused in Chinese naming the field
		resp, body = cl.Get("/river/?region=510121")
		if resp.StatusCode != 200 || !strings.Contains(body, `<strong id="total">3</strong>`) || !strings.Contains(body, `<option value="510121" selected>成都市 · 金堂县</option>`) {
			t.Fatalf("list by county %d", resp.StatusCode)
		}
		var apiErr struct {
			Error struct{ Code, Message, Field string }
		}
		if st := e.api("cd-office", "GET", "/api/v1/river/problems?region=519999", nil, &apiErr); st != http.StatusBadRequest ||
			apiErr.Error.Field != "region" || !strings.Contains(apiErr.Error.Message, "区县代码“519999”无效") {
			t.Fatalf("unknown region: %d %+v", st, apiErr)
		}
	})
}

type chartOption struct {
	Title struct {
		Text    string `json:"text"`
		Subtext string `json:"subtext"`
	} `json:"title"`
	Series []struct {
		Name string `json:"name"`
		Type string `json:"type"`
		Data []any  `json:"data"`
	} `json:"series"`
}

// chartOf reads the data-chart option of the element with the id.
func chartOf(t *testing.T, body, id string) chartOption {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `"[^>]*data-chart="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no chart #%s in the page", id)
	}
	var opt chartOption
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &opt); err != nil {
		t.Fatalf("chart #%s: %v", id, err)
	}
	return opt
}

// TestMapData: the schematic map locates every city and county of the four
// cities, each with a source; a river runs through known points; bad data is
// refused with a Chinese message.
func TestMapData(t *testing.T) {
	md := river.Map()
	for _, c := range region.Cities() {
		for _, k := range append([]region.Region{c}, region.Children(c.Code)...) {
			p := md.At(k.Code)
			if p == nil || p.Source == "" || p.Name != k.Name {
				t.Fatalf("%s %s: %+v", k.Code, k.Name, p)
			}
		}
	}
	// 金堂县 (赵镇) lies east of 成都's centre and south of 德阳; 眉山 lies south of 成都
	if md.At("510121").Lon <= md.At("510104").Lon || md.At("510121").Lat >= md.At("510603").Lat || md.At("511402").Lat >= md.At("510104").Lat {
		t.Fatal("the seats are not where they belong relative to each other")
	}
	good := `{"source":"s","places":[%s],"outside":[],"rivers":[],"sections":[],"class_colors":{"colors":["a","b","c","d","e","f","g"]}}`
	var all []string
	for _, c := range region.Cities() {
		for _, k := range append([]region.Region{c}, region.Children(c.Code)...) {
			all = append(all, `{"code":"`+k.Code+`","name":"`+k.Name+`","lon":104,"lat":30.5,"source":"x"}`)
		}
	}
	if _, err := river.ParseMapData([]byte(strings.Replace(good, "%s", strings.Join(all, ","), 1))); err != nil {
		t.Fatalf("complete data refused: %v", err)
	}
	for name, c := range map[string]struct{ data, want string }{
		"no source":   {strings.Replace(strings.Join(all, ","), `"source":"x"`, `"source":""`, 1), "没有注明出处"},
		"far away":    {strings.Replace(strings.Join(all, ","), `"lon":104`, `"lon":116.4`, 1), "不在成德眉资一带"},
		"bad code":    {strings.Join(all, ",") + `,{"code":"519999","name":"某县","lon":104,"lat":30.5,"source":"x"}`, "519999 无效"},
		"county left": {strings.Join(all[:len(all)-1], ","), "缺少乐至县的位置"},
	} {
		_, err := river.ParseMapData([]byte(strings.Replace(good, "%s", c.data, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
