package river_test

import (
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/platform"
	"tongcheng/internal/river"
	"tongcheng/internal/store/storetest"
)

// TestUnverifiedFactsMarked: a 河长办 officer reading 一河一档 sees every fact
// the reference data could not confirm marked 未核实 beside the fact and named
// in Chinese (not by its data key), the river it flows into and its
// tributaries as links that open, and the sections whose river, kind or
// place is unverified marked on the river page and the sections list. Cases
// from data/rivers.json: 绛溪河 unverified parent and basin; 球溪河 its course;
// 沱江's sections 拱城铺 (river), 宏缘 and 顺河场 (no place given: filed by the
// river's first city, 德阳); 岷江's 岳店子下 (whether a hand-over section);
// 青衣江 enters 大渡河, outside the data, so no 汇入 row.
func TestUnverifiedFactsMarked(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if err := e.m.SeedAtlas(t.Context(), e.db); err != nil {
		t.Fatal(err)
	}
	c := e.login("cd-office")
	get := func(path string) string {
		t.Helper()
		resp, body := c.Get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return body
	}
	has := func(path, body string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
	lacks := func(path, body string, bad ...string) {
		t.Helper()
		for _, b := range bad {
			if strings.Contains(body, b) {
				t.Errorf("%s shows %q", path, b)
			}
		}
	}
	uv := ` <span class="tag unverified">未核实</span>`
	body := get("/river/rivers/jiangxihe")
	has("jiangxihe", body, `<tr id="fact-basin"><th>流域</th><td>沱江`+uv+`</td></tr>`,
		`<tr id="fact-parent"><th>汇入</th><td><a href="/river/rivers/tuojiang">沱江</a>`+uv+`</td></tr>`,
		`标“未核实”的汇入、流域未能在两份独立的公开资料中核实`, "资料出处（未核实：汇入、流域）", "<li>流经区县：")
	lacks("jiangxihe", body, "parent basin", "<li>counties：", "（regions）", "course 暂不列", "同 parent", `<tr id="fact-counties"><th>流经区县</th><td>成都市简阳市`+uv)
	body = get("/river/rivers/qiuxihe")
	has("qiuxihe", body, `<tr id="fact-course"><th>流经</th><td>眉山市 → 资阳市 → 内江市`+uv+`</td></tr>`, "资料出处（未核实：流经）")
	body = get("/river/rivers/qingyijiang")
	lacks("qingyijiang", body, `id="fact-parent"`, "未核实", "不写 parent")
	body = get("/river/rivers/tuojiang")
	has("tuojiang", body, `<a href="/river/rivers/jiangxihe">绛溪河</a>（汇入未核实）`, `<a href="/river/rivers/qiuxihe">球溪河</a>`,
		`<td>拱城铺 <span class="tag unverified">未核实：所在河流</span></td>`,
		`<td>宏缘 <span class="tag unverified">未核实：所在区域</span></td><td>监测断面</td><td>未核实（平台暂记为德阳市）</td>`,
		`<td>三皇庙</td><td>监测断面</td><td>成都市金堂县</td>`)
	body = get("/river/rivers/minjiang")
	has("minjiang", body, `<td>岳店子下 <span class="tag unverified">未核实：是否交接断面</span></td><td>国控断面</td><td>成都市新津区</td>`)
	lacks("minjiang", body, "未核实：未核实")
	// every link among the rivers opens
	for _, id := range []string{"jiangxihe", "tuojiang", "minjiang", "qiuxihe", "qingyijiang"} {
		for _, m := range riverLink.FindAllStringSubmatch(get("/river/rivers/"+id), -1) {
			if resp, _ := c.Get(m[1]); resp.StatusCode != 200 {
				t.Errorf("%s links to %s: %d", id, m[1], resp.StatusCode)
			}
		}
	}
	body = get("/river/rivers")
	has("rivers", body, `<a href="/river/rivers/jiangxihe">绛溪河</a> <span class="tag unverified">未核实：汇入、流域</span>`,
		`<a href="/river/rivers/mianyuanhe">绵远河</a> <span class="tag unverified">未核实：流经区县</span>`)
	lacks("rivers", body, "待核实", `title="部分事实未核实`)
	body = get("/river/trends")
	has("trends", body, `">宏缘</a> <span class="tag unverified">未核实：所在区域</span></td><td>沱江</td><td>未核实（平台暂记为德阳市）</td>`,
		`">拱城铺</a> <span class="tag unverified">未核实：所在河流</span></td><td>沱江</td><td>资阳市雁江区</td>`)
	// the map of 德阳's office names the two sections it cannot place
	_, body = e.login("dy-office").Get("/river/dashboard")
	has("dashboard", body, `<span id="map-unplaced">位置未核实、未在图上标出的断面：宏缘、顺河场。</span>`)
}

var riverLink = regexp.MustCompile(`href="(/river/rivers/[a-z]+)"`)

// TestDefaultDeadlineExplained: with the configured deadlines (here 一般 10
// days) and escalation interval (here 5 days), an officer who assigns a
// problem without a deadline is told beforehand how long it will be, the
// problem page shows the deadline (10:00 assigned + 10 days = 2026-11-30
// 10:00) and why, and once overdue the problem and 督办 pages state the
// configured interval, not a fixed 7 days.
func TestDefaultDeadlineExplained(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	e.m.Workflow.DeadlineDays[river.SeverityGeneral] = 10
	e.m.Workflow.EscalateEvery = 5 * 24 * time.Hour
	p := e.report("cd-chief", e.cdReach, "garbage")
	e.act("cd-office", p.ID, map[string]any{"action": "accept"}, 200)
	c := e.login("cd-office")
	path := fmt.Sprintf("/river/problems/%d", p.ID)
	_, body := c.Get(path)
	if !strings.Contains(body, "期限（空则按严重程度“一般”交办后 10 天）") {
		t.Errorf("the assign form does not say the default deadline: %.2000s", body)
	}
	resp, body := c.PostForm(path+"/transition", url.Values{"csrf": {c.CSRF}, "action": {"assign"}, "unit": {"锦江区水务局"}, "deadline": {""}})
	if resp.StatusCode != 200 {
		t.Fatalf("assign: %d %.500s", resp.StatusCode, body)
	}
	why := "交办时未填期限，按严重程度“一般”的办理期限计：交办后10天"
	_, body = c.Get(path)
	for _, w := range []string{`<tr><th>办理期限</th><td>2026-11-30 10:00<br><span class="muted" id="deadline-why">` + why + `</span></td></tr>`, "<td>已受理 → 已交办</td><td>" + why} {
		if !strings.Contains(body, w) {
			t.Errorf("problem page lacks %q", w)
		}
	}
	// a deadline set at assignment says so
	q := e.assigned(e.cdReach, testNow.Add(72*time.Hour))
	if _, body := c.Get(fmt.Sprintf("/river/problems/%d", q.ID)); !strings.Contains(body, `<td>2026-11-23 10:00<br><span class="muted" id="deadline-why">交办时指定的办理期限</span>`) {
		t.Errorf("a set deadline is not explained")
	}
	later := testNow.Add(11 * 24 * time.Hour)
	e.m.Now = func() time.Time { return later }
	_, body = c.Get(path)
	if !strings.Contains(body, "此后每再超期 5 天再升一级") {
		t.Errorf("overdue problem page does not state the configured interval")
	}
	_, body = c.Get("/river/supervise")
	if !strings.Contains(body, "每再超期 5 天再升一级") || strings.Contains(body, "每再超期 7 天") {
		t.Errorf("督办 page does not state the configured interval")
	}
}

// TestDemoReachesWhereRiversRun: the demo lays its reaches only in counties
// the reference data names among a river's 流经区县 (where it names any in
// that city), so 一河一档 does not list 绛溪河 reaches in 锦江区 beside
// “流经区县 简阳市”. 绛溪河 names 简阳市 (510185) only, 青衣江 洪雅县 (511423),
// 沱江 in 成都 金堂县 and 简阳市.
func TestDemoReachesWhereRiversRun(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if err := e.m.Demo(t.Context(), e.a.Deps, platform.Small, 7, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ river, city, allowed string }{
		{"jiangxihe", "510100", "510185"}, {"qingyijiang", "511400", "511423"}, {"tuojiang", "510100", "510121 510185"}, {"minjiang", "511400", "511403 511402 511425"},
	} {
		rows, err := e.db.Query(t.Context(), "SELECT DISTINCT region FROM river_reaches WHERE river_id = ? AND region LIKE ? AND region <> ? ORDER BY region", c.river, c.city[:4]+"%", c.city)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		rows.Close()
		for _, r := range got {
			if !strings.Contains(c.allowed, r) {
				t.Errorf("%s: demo reach in %s, not among its counties %s (all: %v)", c.river, r, c.allowed, got)
			}
		}
	}
}
