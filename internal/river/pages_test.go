package river_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tongcheng/internal/app/apptest"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var totalRe = regexp.MustCompile(`<strong id="total">(\d+)</strong>`)

// listTotal is the number of problems the list page says it found.
func listTotal(t *testing.T, body string) int {
	t.Helper()
	m := totalRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the list page shows no total:\n%.500s", body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestPagesOfferWhatHandlersAccept: every value a river page offers in a <select>, a
// checkbox or an action button is a code its handler accepts and acts on (an option whose
// value is the Chinese display name would be refused, or filter to nothing):
//   - the problem list's filters: each city, county, state, category and source offered
//     lists exactly the problems with it (counted in the database), every problem is
//     under one of the states, categories and sources offered, and the choice is kept;
//   - the report form: each reach, source, category and severity offered is stored as
//     chosen; a refused report shows the form again with every choice kept;
//   - the public form's categories, the patrol form's reaches, categories and severities;
//   - the problem page: a problem on the 德阳/成都 shared reach walked from 上报 to 办结
//     using only the buttons its page offers (交办 jointly, 延期 asked and approved,
//     反馈, 退回, 核查, 办结), and 不予受理 from the page of another;
//   - the roster's and 河长办 list's filters, the rivers list's basin and type, the
//     考核 ranking's scope and the 断面水质 list's city.
func TestPagesOfferWhatHandlersAccept(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.m.PublicLimit = 100
		county := &river.Reach{Code: "T-JT-2", RiverID: "tuojiang", Name: "沱江金堂测试段", Region: "510121"}
		if err := e.m.AddReach(t.Context(), county); err != nil {
			t.Fatal(err)
		}
		off := e.login("cd-office")

		// ---- the report form ----
		_, page := off.Get("/river/report")
		reaches, sources, cats, sevs := apptest.Offered(page, "reach_id"), apptest.Offered(page, "source"), apptest.Offered(page, "category"), apptest.Offered(page, "severity")
		if !slices.Equal(reaches, []string{itoa(e.cdReach), itoa(e.sharedReach), itoa(county.ID)}) {
			t.Fatalf("report form offers reaches %q", reaches)
		}
		if len(sources) != len(river.Sources) || len(cats) != len(river.Categories) || len(sevs) != 4 {
			t.Fatalf("report form offers sources %q categories %q severities %q", sources, cats, sevs)
		}
		report := func(field, value string) {
			t.Helper()
			v := url.Values{"csrf": {off.CSRF}, "reach_id": {reaches[0]}, "source": {sources[0]}, "category": {cats[0]}, "severity": {sevs[0]},
				"description": {"表单上报：" + field + "=" + value}}
			v.Set(field, value)
			resp, body := off.PostForm("/river/problems", v)
			if resp.StatusCode != 200 || !strings.Contains(resp.Request.URL.Path, "/river/problems/") {
				t.Fatalf("report with %s=%s offered by the form: %d %.300s", field, value, resp.StatusCode, body)
			}
			col := map[string]string{"reach_id": "reach_id", "source": "source", "category": "category", "severity": "severity"}[field]
			if n := e.count("SELECT COUNT(*) FROM river_problems WHERE description = ? AND "+col+" = ?", "表单上报："+field+"="+value, value); n != 1 {
				t.Fatalf("report with %s=%s: stored %d rows with it", field, value, n)
			}
		}
		tryEach(report, offer{"reach_id", reaches}, offer{"source", sources}, offer{"category", cats}, offer{"severity", sevs})
		// refused (no description; then a latitude that is no number): the form comes back
		// with every choice kept, so the next try stores what was chosen
		before := e.count("SELECT COUNT(*) FROM river_problems")
		for _, bad := range []struct{ desc, lat, msg string }{{" ", "30.70", "请填写问题描述"}, {"岸边堆土", "30,70", "纬度“30,70”不是数字"}} {
			resp, body := off.PostForm("/river/problems", url.Values{"csrf": {off.CSRF}, "reach_id": {reaches[1]}, "source": {"inspection"}, "category": {"mining"},
				"severity": {"major"}, "description": {bad.desc}, "lat": {bad.lat}, "lon": {"104.43"}})
			if resp.StatusCode != 400 || !strings.Contains(body, bad.msg) {
				t.Fatalf("refused report %q: %d, want the message %q", bad.lat, resp.StatusCode, bad.msg)
			}
			for f, want := range map[string]string{"reach_id": reaches[1], "source": "inspection", "category": "mining", "severity": "major"} {
				if got := apptest.Selected(body, f); got != want {
					t.Errorf("refused report %q: the form shows %s=%q, want %q kept", bad.lat, f, got, want)
				}
			}
			if !strings.Contains(body, `name="lat" inputmode="decimal" value="`+bad.lat+`"`) || !strings.Contains(body, `name="lon" inputmode="decimal" value="104.43"`) {
				t.Errorf("refused report %q: the coordinates typed are not kept", bad.lat)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems"); n != before {
			t.Fatalf("refused reports stored %d problems", n-before)
		}

		// ---- the public form ----
		pub := e.client()
		_, page = pub.Get("/river/public/T-CD-1")
		pcats := apptest.Offered(page, "category")
		if !slices.Equal(pcats, cats) {
			t.Fatalf("public form offers %q, want the categories %q", pcats, cats)
		}
		for _, c := range pcats {
			resp, body := pub.PostForm("/river/public/T-CD-1", url.Values{"csrf": {pub.CSRF}, "category": {c}, "description": {"公众举报 " + c}})
			if resp.StatusCode != http.StatusCreated || noRe.FindStringSubmatch(body) == nil {
				t.Fatalf("public report category %s: %d", c, resp.StatusCode)
			}
			if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'public' AND category = ? AND description = ?", c, "公众举报 "+c); n != 1 {
				t.Fatalf("public report category %s stored %d", c, n)
			}
		}

		// a public app's form with a latitude that is no number is refused, not stored without a place
		resp, body := pub.PostForm("/river/public/T-CD-1", url.Values{"csrf": {pub.CSRF}, "category": {"garbage"}, "description": {"有位置的举报"}, "lat": {"北纬30度"}, "lon": {"104.06"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "纬度“北纬30度”不是数字") || e.count("SELECT COUNT(*) FROM river_problems WHERE description = '有位置的举报'") != 0 {
			t.Fatalf("public report with a bad latitude: %d", resp.StatusCode)
		}

		// ---- the patrol form ----
		ch := e.login("cd-chief")
		_, page = ch.Get("/river/patrol")
		preaches, pcat, psev := apptest.Offered(page, "reach_id"), apptest.Offered(page, "problem_category"), apptest.Offered(page, "problem_severity")
		// three problem slots, each offering the same choices
		if len(preaches) != 3 || len(pcat) != 3*(len(river.Categories)+1) || pcat[0] != "" || len(psev) != 3*4 {
			t.Fatalf("patrol form offers reaches %q categories %q severities %q", preaches, pcat, psev)
		}
		pcat, psev = pcat[:len(river.Categories)+1], psev[:4]
		day := 0
		patrol := func(reach, cat, sev string) {
			t.Helper()
			day++
			v := url.Values{"reach_id": {reach}, "start": {fmt.Sprintf("2026-10-%02dT08:00", day)}, "end": {fmt.Sprintf("2026-10-%02dT09:00", day)},
				"track": {"30.650,104.060\n30.655,104.065"}, "seen": {"巡河"}, "problem_category": {cat}, "problem_severity": {sev}, "problem_description": {""}}
			if cat != "" {
				v.Set("problem_description", fmt.Sprintf("巡河发现 %s %s（%d）", cat, sev, day))
			}
			resp, body := ch.postPatrol(v)
			if resp.StatusCode != 200 || !strings.Contains(body, "巡河记录已保存") {
				t.Fatalf("patrol reach=%s category=%s severity=%s: %d %.300s", reach, cat, sev, resp.StatusCode, body)
			}
			if n := e.count("SELECT COUNT(*) FROM river_patrols WHERE reach_id = ? AND started_at LIKE ?", reach, fmt.Sprintf("2026-10-%02d%%", day)); n != 1 {
				t.Fatalf("patrol on reach %s stored %d", reach, n)
			}
			if cat != "" {
				if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'patrol' AND category = ? AND severity = ? AND description = ?", cat, sev, fmt.Sprintf("巡河发现 %s %s（%d）", cat, sev, day)); n != 1 {
					t.Fatalf("problem found on patrol %s/%s stored %d", cat, sev, n)
				}
			}
		}
		for _, r := range preaches {
			patrol(r, "", psev[0])
		}
		for _, c := range pcat[1:] {
			patrol(preaches[0], c, psev[0])
		}
		for _, s := range psev {
			patrol(preaches[0], pcat[1], s)
		}

		// ---- the problem page: every step by the buttons it offers ----
		p := e.report("cd-chief", e.sharedReach, "sewage")
		path := fmt.Sprintf("/river/problems/%d", p.ID)
		step := func(c *client, action string, fields url.Values, want string) {
			t.Helper()
			_, body := c.Get(path)
			if !slices.Contains(actionsOffered(body), action) {
				t.Fatalf("state %s: the page does not offer %s (it offers %q)", want, action, actionsOffered(body))
			}
			v := url.Values{"csrf": {c.CSRF}, "action": {action}}
			for k, x := range fields {
				v[k] = x
			}
			resp, body := c.PostForm(path+"/transition", v)
			if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = ?", p.ID, want) != 1 {
				t.Fatalf("%s from the page: %d, state not %s: %.300s", action, resp.StatusCode, want, body)
			}
		}
		dy := e.login("dy-office")
		step(dy, "accept", nil, "accepted") // the other city's office may act on the shared reach
		_, body = off.Get(path)
		today := regexp.MustCompile(`name="deadline" min="([0-9-]+)"`).FindStringSubmatch(body)
		if today == nil || today[1] != "2026-11-20" {
			t.Fatalf("交办 form: no deadline field from today: %v", today)
		}
		step(off, "assign", url.Values{"unit": {"青白江区水务局"}, "joint_units": {"广汉市水利局、金堂县水务局"}, "deadline": {"2026-11-30"}}, "assigned")
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND unit = '青白江区水务局' AND joint_units = ?", p.ID, "广汉市水利局\n金堂县水务局"); n != 1 {
			t.Fatal("the joint assignment is not stored as its two units")
		}
		_, body = dy.Get(path)
		if !strings.Contains(body, "青白江区水务局、广汉市水利局、金堂县水务局") || !strings.Contains(body, "跨市河段，联合办理") {
			t.Fatal("德阳's office does not see the joint assignment")
		}
		step(ch, "receive", nil, "handling")
		step(ch, "request_extend", url.Values{"deadline": {"2026-12-10"}, "reason": {"需协调两市联合执法"}}, "extension")
		step(off, "deny_extend", url.Values{"reason": {"期限内可完成"}}, "handling")
		step(ch, "request_extend", url.Values{"deadline": {"2026-12-10"}, "reason": {"需协调两市联合执法"}}, "extension")
		step(dy, "approve_extend", nil, "handling")
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND deadline LIKE '2026-12-10%'", p.ID); n != 1 {
			t.Fatal("the approved extension did not move the deadline")
		}
		feedback := func() {
			t.Helper()
			_, body := ch.Get(path)
			if !strings.Contains(body, `action="/river/problems/`+itoa(p.ID)+`/feedback"`) {
				t.Fatal("the handling unit's page offers no 处理反馈 form")
			}
			resp, body := ch.postMultipart(path+"/feedback", map[string]string{"note": "已清理"}, [3]any{"after_photos", "after.jpg", testJPEG(t)})
			if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_problems WHERE id = ? AND state = 'feedback'", p.ID) != 1 {
				t.Fatalf("feedback from the page: %d %.300s", resp.StatusCode, body)
			}
		}
		feedback()
		step(off, "return", url.Values{"reason": {"现场仍有污水"}}, "handling")
		feedback()
		step(off, "pass_check", nil, "verified")
		step(dy, "close", nil, "closed")
		if _, body := off.Get(path); len(actionsOffered(body)) != 0 {
			t.Fatalf("a closed problem's page still offers %q", actionsOffered(body))
		}
		q := e.report("cd-chief", e.cdReach, "other")
		path = fmt.Sprintf("/river/problems/%d", q.ID)
		p.ID = q.ID
		step(off, "reject", url.Values{"reason": {"不属于河湖管理范围"}}, "rejected")

		// ---- the problem list's filters ----
		for _, f := range []struct{ name, where string }{
			{"city", "(city = ? OR city2 = ?)"}, {"region", "(region = ? OR region2 = ? OR city = ? OR city2 = ?)"},
			{"state", "state = ?"}, {"category", "category = ?"}, {"source", "source = ?"},
		} {
			_, body := off.Get("/river/")
			vals := apptest.Offered(body, f.name)
			if len(vals) < 5 || vals[0] != "" {
				t.Fatalf("list filter %s offers %q", f.name, vals)
			}
			all := listTotal(t, body)
			sum := 0
			for _, v := range vals[1:] {
				_, body := off.Get("/river/?" + f.name + "=" + url.QueryEscape(v))
				got := listTotal(t, body)
				args := []any{}
				for range strings.Count(f.where, "?") {
					args = append(args, v)
				}
				if want := e.count("SELECT COUNT(*) FROM river_problems WHERE (city = '510100' OR city2 = '510100') AND "+f.where, args...); got != want {
					t.Errorf("list %s=%s: %d problems, the database has %d", f.name, v, got, want)
				}
				if apptest.Selected(body, f.name) != v {
					t.Errorf("list %s=%s: the choice is not kept", f.name, v)
				}
				sum += got
			}
			switch f.name {
			case "state", "category", "source": // each problem has exactly one
				if sum != all || all == 0 {
					t.Errorf("list %s: the choices list %d problems of %d", f.name, sum, all)
				}
			}
		}
		_, body = off.Get("/river/")
		if ov := apptest.Offered(body, "overdue"); !slices.Equal(ov, []string{"1"}) {
			t.Fatalf("overdue checkbox %q", ov)
		}

		// ---- filters of the other pages ----
		_, body = off.Get("/river/chiefs?status=all")
		for _, l := range apptest.Offered(body, "level")[1:] {
			var out struct{ Items []struct{ Level int } }
			e.api("cd-office", "GET", "/api/v1/river/chiefs?status=all&level="+l, nil, &out)
			_, page := off.Get("/river/chiefs?status=all&level=" + l)
			if apptest.Selected(page, "level") != l {
				t.Errorf("roster level=%s not kept", l)
			}
			for _, c := range out.Items {
				if strconv.Itoa(c.Level) != l {
					t.Errorf("roster level=%s lists a chief of level %d", l, c.Level)
				}
			}
		}
		if got := apptest.Offered(body, "status"); !slices.Equal(got, []string{"active", "retired", "all"}) {
			t.Errorf("roster status %q", got)
		}
		keepsChoices(t, off, "/river/chiefs?status=all", 4, "region")
		keepsChoices(t, off, "/river/offices", 4, "region", "level")
		keepsChoices(t, off, "/river/rivers", 2, "basin", "kind")

		// the 一河一档 forms: each outfall kind and status, each measure task and region
		_, body = off.Get("/river/outfalls/new?river=jinjiang")
		kinds, statuses, oregions, oreaches := apptest.Offered(body, "kind"), apptest.Offered(body, "status"), apptest.Offered(body, "region"), apptest.Offered(body, "reach_id")
		if len(kinds) < 3 || len(statuses) < 2 || len(oregions) < 2 || len(oreaches) < 2 || oreaches[0] != "0" {
			t.Fatalf("outfall form offers kinds %q statuses %q regions %q reaches %q", kinds, statuses, oregions, oreaches)
		}
		n := 0
		outfall := func(field, value string) {
			t.Helper()
			n++
			v := url.Values{"csrf": {off.CSRF}, "river_id": {"jinjiang"}, "code": {fmt.Sprintf("PW-T-%d", n)}, "name": {"表单排口"}, "kind": {kinds[0]},
				"status": {statuses[0]}, "region": {oregions[0]}, "reach_id": {oreaches[0]}}
			v.Set(field, value)
			resp, body := off.PostForm("/river/outfalls", v)
			if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_outfalls WHERE code = ?", fmt.Sprintf("PW-T-%d", n)) != 1 {
				t.Fatalf("outfall with %s=%s offered by the form: %d %.300s", field, value, resp.StatusCode, body)
			}
		}
		tryEach(outfall, offer{"kind", kinds}, offer{"status", statuses}, offer{"region", oregions}, offer{"reach_id", oreaches})
		// a coordinate that is no number is refused by name, not stored as no location
		resp, body = off.PostForm("/river/outfalls", url.Values{"csrf": {off.CSRF}, "river_id": {"jinjiang"}, "code": {"PW-T-LAT"}, "name": {"表单排口"},
			"kind": {kinds[0]}, "status": {statuses[0]}, "region": {oregions[0]}, "reach_id": {"0"}, "lat": {"30.6"}, "lon": {"104度"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "经度“104度”不是数字") || e.count("SELECT COUNT(*) FROM river_outfalls WHERE code = 'PW-T-LAT'") != 0 {
			t.Fatalf("outfall with a bad longitude: %d", resp.StatusCode)
		}
		_, body = off.Get("/river/measures/new?river=jinjiang")
		tasks, mregions := apptest.Offered(body, "task"), apptest.Offered(body, "region")
		if len(tasks) != 6 || len(mregions) < 2 {
			t.Fatalf("measure form offers tasks %q regions %q", tasks, mregions)
		}
		measure := func(task, reg string) {
			t.Helper()
			resp, body := off.PostForm("/river/measures", url.Values{"csrf": {off.CSRF}, "river_id": {"jinjiang"}, "region": {reg}, "task": {task},
				"measure": {"措施 " + task + reg}, "target": {"达标"}, "unit": {"水务局"}, "deadline": {"2027-06-30"}, "progress": {"0"}})
			if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_measures WHERE task = ? AND region = ? AND measure = ?", task, reg, "措施 "+task+reg) != 1 {
				t.Fatalf("measure task=%s region=%s offered by the form: %d %.300s", task, reg, resp.StatusCode, body)
			}
		}
		for _, tk := range tasks {
			measure(tk, mregions[0])
		}
		for _, r := range mregions[1:] {
			measure(tasks[0], r)
		}

		keepsChoices(t, off, "/river/assessment?period=2026-10", 2, "level")
		keepsChoices(t, off, "/river/trends", 4, "city", "class")
	})
}

// keepsChoices opens a filter page and, for each of the names, the page filtered by each
// non-empty value it offers (at least min of them): each answers 200 with the value chosen.
func keepsChoices(t *testing.T, c *client, page string, min int, names ...string) {
	t.Helper()
	_, body := c.Get(page)
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	for _, name := range names {
		var vals []string
		for _, v := range apptest.Offered(body, name) {
			if v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) < min {
			t.Fatalf("%s offers %s %q", page, name, vals)
		}
		for _, v := range vals {
			if resp, got := c.Get(page + sep + name + "=" + url.QueryEscape(v)); resp.StatusCode != 200 || apptest.Selected(got, name) != v {
				t.Errorf("%s %s=%s: %d, the page shows %q chosen", page, name, v, resp.StatusCode, apptest.Selected(got, name))
			}
		}
	}
}

// offer is the values a form offers for a field.
type offer struct {
	field  string
	values []string
}

// tryEach calls try with each value of each offer, offer by offer.
func tryEach(try func(field, value string), offers ...offer) {
	for _, o := range offers {
		for _, v := range o.values {
			try(o.field, v)
		}
	}
}

var actionRe = regexp.MustCompile(`name="action" value="([a-z_]+)"`)

// actionsOffered are the actions a problem page's buttons send (处理反馈 is its upload form).
func actionsOffered(body string) []string {
	var out []string
	for _, m := range actionRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	if strings.Contains(body, `/feedback" class="filters" enctype="multipart/form-data"`) {
		out = append(out, "feedback")
	}
	return out
}

// TestFormsOfferOwnReachesFirst: a village chief of 金堂县 opens the patrol and report
// forms on his phone: his own reach comes first, before the county's others registered
// earlier; a reach the list does not offer (a city has thousands, the list 500) is
// taken by the code on its 公示牌, and a code that names no reach is refused by name.
func TestFormsOfferOwnReachesFirst(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.addUser("jt-chief", "赵镇某村河长", "510121", "river:chief")
		chief := &river.ChiefRow{Name: "村河长", Level: river.LevelVillage, Region: "510121", UserID: u.ID}
		if err := e.m.AddChief(t.Context(), chief); err != nil {
			t.Fatal(err)
		}
		a := &river.Reach{Code: "T-JT-A", RiverID: "tuojiang", Name: "沱江金堂甲段", Region: "510121"}
		b := &river.Reach{Code: "T-JT-B", RiverID: "tuojiang", Name: "沱江金堂乙段", Region: "510121"}
		mine := &river.Reach{Code: "T-JT-MINE", RiverID: "pihe", Name: "毗河某村段", Region: "510121", ChiefID: chief.ID}
		for _, r := range []*river.Reach{a, b, mine} {
			if err := e.m.AddReach(t.Context(), r); err != nil {
				t.Fatal(err)
			}
		}
		c := e.login("jt-chief")
		for _, path := range []string{"/river/patrol", "/river/report"} {
			_, body := c.Get(path)
			if got := apptest.Offered(body, "reach_id"); !slices.Equal(got, []string{itoa(mine.ID), itoa(a.ID), itoa(b.ID)}) {
				t.Fatalf("%s offers %q, want his own reach %d first", path, got, mine.ID)
			}
		}
		resp, body := c.postPatrol(url.Values{"reach_id": {itoa(mine.ID)}, "reach_code": {"T-JT-A"}, "start": {"2026-11-19T08:00"}, "end": {"2026-11-19T09:00"},
			"track": {"30.85,104.43\n30.855,104.435"}, "seen": {"按编号巡河"}})
		if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_patrols WHERE reach_id = ? AND seen = '按编号巡河'", a.ID) != 1 {
			t.Fatalf("patrol by reach code: %d %.300s", resp.StatusCode, body)
		}
		resp, _ = c.PostForm("/river/problems", url.Values{"csrf": {c.CSRF}, "reach_id": {itoa(mine.ID)}, "reach_code": {" T-JT-B "}, "source": {"patrol"},
			"category": {"garbage"}, "description": {"按编号上报"}})
		if resp.StatusCode != 200 || e.count("SELECT COUNT(*) FROM river_problems WHERE reach_id = ? AND description = '按编号上报'", b.ID) != 1 {
			t.Fatalf("report by reach code: %d", resp.StatusCode)
		}
		resp, body = c.PostForm("/river/problems", url.Values{"csrf": {c.CSRF}, "reach_id": {itoa(mine.ID)}, "reach_code": {"T-NOSUCH"}, "source": {"patrol"},
			"category": {"garbage"}, "description": {"编号写错"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "找不到该河段，请检查河段编号") || !strings.Contains(body, `value="T-NOSUCH"`) ||
			e.count("SELECT COUNT(*) FROM river_problems WHERE description = '编号写错'") != 0 {
			t.Fatalf("unknown reach code: %d", resp.StatusCode)
		}
	})
}
