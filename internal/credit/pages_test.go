package credit_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var (
	optionTag = regexp.MustCompile(`(?s)<option([^>]*)>(.*?)</option>`)
	valueAttr = regexp.MustCompile(`\bvalue="([^"]*)"`)
	formTag   = regexp.MustCompile(`(?s)<form([^>]*)>(.*?)</form>`)
	attrOf    = func(attrs, name string) string {
		m := regexp.MustCompile(`\b` + name + `="([^"]*)"`).FindStringSubmatch(attrs)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	tagStrip = regexp.MustCompile(`<[^>]*>`)
)

// options lists what a browser sends for each <option> of the <select
// name=...> of page: the value attribute, or without one the option's text
// with its whitespace stripped and collapsed (HTML's rule), so that an option
// showing a display name where the handler wants a code is caught.
func options(t *testing.T, page, name string) []string {
	t.Helper()
	sel := regexp.MustCompile(`(?s)<select[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if sel == nil {
		t.Fatalf("page has no <select name=%q>", name)
	}
	var out []string
	for _, o := range optionTag.FindAllStringSubmatch(sel[1], -1) {
		if v := valueAttr.FindStringSubmatch(o[1]); v != nil {
			out = append(out, html.UnescapeString(v[1]))
			continue
		}
		out = append(out, strings.Join(strings.Fields(html.UnescapeString(tagStrip.ReplaceAllString(o[2], ""))), " "))
	}
	return out
}

// selected is the value the page's <select name=...> shows as chosen.
func selected(t *testing.T, page, name string) string {
	t.Helper()
	sel := regexp.MustCompile(`(?s)<select[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if sel == nil {
		t.Fatalf("page has no <select name=%q>", name)
	}
	for _, o := range optionTag.FindAllStringSubmatch(sel[1], -1) {
		if strings.Contains(o[1], " selected") {
			if v := valueAttr.FindStringSubmatch(o[1]); v != nil {
				return html.UnescapeString(v[1])
			}
			return strings.Join(strings.Fields(html.UnescapeString(o[2])), " ")
		}
	}
	return ""
}

// pageForm is a <form> of a page: method, action and the hidden fields it sends.
type pageForm struct {
	method, action, id string
	hidden             url.Values
}

func forms(page string) []pageForm {
	var out []pageForm
	hiddenRe := regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
	for _, f := range formTag.FindAllStringSubmatch(page, -1) {
		pf := pageForm{method: strings.ToUpper(attrOf(f[1], "method")), action: attrOf(f[1], "action"), id: attrOf(f[1], "id"), hidden: url.Values{}}
		if pf.method == "" {
			pf.method = "GET"
		}
		for _, h := range hiddenRe.FindAllStringSubmatch(f[2], -1) {
			pf.hidden.Add(h[1], html.UnescapeString(h[2]))
		}
		out = append(out, pf)
	}
	return out
}

func formByID(t *testing.T, page, id string) pageForm {
	t.Helper()
	for _, f := range forms(page) {
		if f.id == id {
			return f
		}
	}
	t.Fatalf("page has no form #%s", id)
	return pageForm{}
}

var hrefRe = regexp.MustCompile(`href="(/credit/[^"]*)"`)

// TestPagesOfferWhatHandlersAccept: every value the credit pages offer in a
// <select> is one their handler takes as that choice (it is echoed as the
// selected one and filters by it, not silently replaced by a default), every
// form of the pages posts to a route that takes it, and every link of the
// module's pages opens. A list type with an inner double space, as
// departments' files have them, must survive the round trip through the
// filter's <option>.
func TestPagesOfferWhatHandlersAccept(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("cd-reviewer", "510100", "credit:reviewer")
		seedSubjectAndRecords(t, e)
		const oddType = "拖欠农民工工资失信联合惩戒对象名单  （人社）"
		entries := []any{
			blEntry("成市监失〔2026〕11号", "510100", "2026-03-01", "2029-03-01"),
			blEntry("成市监失〔2026〕12号", "510104", "2026-04-01", ""),
			blEntry("成市监失〔2026〕13号", "510100", "2026-05-01", ""),
			blEntry("德市监失〔2026〕14号", "510600", "2026-05-01", ""),
			blEntry("成市监失〔2022〕15号", "510100", "2022-05-01", ""), // out of view since 2025-05-01
		}
		odd := blEntry("成人社失〔2026〕16号", "510100", "2026-06-01", "")
		odd["list_type"] = oddType
		entries = append(entries, odd)
		if st, body := e.do("prov", "POST", "/api/v1/credit/blacklist", entries); st != http.StatusOK || !strings.Contains(string(body), `"accepted":6`) {
			t.Fatalf("push blacklist: %d %s", st, body)
		}
		cd, rv := e.client("cd-credit"), e.client("cd-reviewer")

		// 信用查询: each way of searching finds by its own field
		_, page := cd.get("/credit/")
		if got := options(t, page, "by"); strings.Join(got, ",") != "name,uscc,legal_rep" {
			t.Fatalf("search offers by=%q", got)
		}
		query := map[string]string{"name": "蜀锦", "uscc": strings.ToLower(usccB), "legal_rep": "李娜"}
		want := map[string]string{"name": "成都蜀锦食品有限公司", "uscc": "德阳鑫达商贸有限公司", "legal_rep": "天府样例有限公司"}
		for _, by := range options(t, page, "by") {
			resp, res := cd.get("/credit/?" + url.Values{"by": {by}, "q": {query[by]}}.Encode())
			if resp.StatusCode != http.StatusOK || selected(t, res, "by") != by || !strings.Contains(res, want[by]) {
				t.Errorf("search by=%s: %d, selected %q, finds %s: %v", by, resp.StatusCode, selected(t, res, "by"), want[by], strings.Contains(res, want[by]))
			}
		}

		// 严重失信主体名单: city, list type and state as offered
		_, page = cd.get("/credit/blacklist")
		cities := options(t, page, "city")
		if strings.Join(cities, ",") != ",510100,510600,511400,512000" {
			t.Errorf("blacklist offers city=%q", cities)
		}
		for _, c := range cities {
			resp, res := cd.get("/credit/blacklist?" + url.Values{"city": {c}, "state": {"all"}}.Encode())
			if resp.StatusCode != http.StatusOK || selected(t, res, "city") != c {
				t.Errorf("blacklist city=%q: %d, selected %q", c, resp.StatusCode, selected(t, res, "city"))
			}
		}
		types := options(t, page, "list_type")
		if !slices.Contains(types, oddType) || !slices.Contains(types, "市场监督管理严重违法失信名单") || types[0] != "" {
			t.Fatalf("blacklist offers list_type=%q, want both stored list types exactly", types)
		}
		perType := map[string]int{"": 6, oddType: 1, "市场监督管理严重违法失信名单": 5}
		for _, lt := range types {
			resp, res := cd.get("/credit/blacklist?" + url.Values{"list_type": {lt}, "state": {"all"}}.Encode())
			if resp.StatusCode != http.StatusOK || selected(t, res, "list_type") != lt || !strings.Contains(res, fmt.Sprintf(`id="bl-total">%d<`, perType[lt])) {
				t.Errorf("blacklist list_type=%q: %d, selected %q, want %d entries", lt, resp.StatusCode, selected(t, res, "list_type"), perType[lt])
			}
		}
		perState := map[string]int{"public": 5, "out": 1, "all": 6}
		states := options(t, page, "state")
		if strings.Join(states, ",") != "public,out,all" {
			t.Errorf("blacklist offers state=%q", states)
		}
		for _, s := range states {
			resp, res := cd.get("/credit/blacklist?state=" + s)
			if resp.StatusCode != http.StatusOK || selected(t, res, "state") != s || !strings.Contains(res, fmt.Sprintf(`id="bl-total">%d<`, perState[s])) {
				t.Errorf("blacklist state=%s: %d, selected %q, want %d", s, resp.StatusCode, selected(t, res, "state"), perState[s])
			}
		}

		// 申请信用修复: each applicant role offered is accepted, from the entry page's link
		idOf := func(doc string) int { return e.count("SELECT id FROM credit_blacklist WHERE doc_no = ?", doc) }
		targets := []int{idOf("成市监失〔2026〕11号"), idOf("成市监失〔2026〕12号"), idOf("成市监失〔2026〕13号")}
		_, entryPage := cd.get(fmt.Sprintf("/credit/blacklist/%d", targets[0]))
		link := regexp.MustCompile(`id="apply-link" href="([^"]+)"`).FindStringSubmatch(entryPage)
		if link == nil {
			t.Fatal("entry page offers no application")
		}
		_, applyPage := cd.get(html.UnescapeString(link[1]))
		roles := options(t, applyPage, "applicant_role")
		if len(roles) != 3 || roles[0] != "法定代表人（负责人）" {
			t.Fatalf("form offers applicant_role=%q", roles)
		}
		var repairIDs []int
		for i, role := range roles {
			_, p := cd.get(fmt.Sprintf("/credit/repairs/new?target_type=blacklist&target_id=%d", targets[i]))
			f := formByID(t, p, "apply-form")
			if f.method != "POST" || f.action != "/credit/repairs" {
				t.Fatalf("apply form posts %s %s", f.method, f.action)
			}
			v := f.hidden
			v.Del("csrf")
			v.Set("applicant", "成都蜀锦食品有限公司")
			v.Set("applicant_role", role)
			v.Set("reason", "已缴清罚款并完成整改")
			v.Set("evidence", "信用修复申请书、守信承诺书")
			st, loc, body := cd.post(f.action, v)
			if st != http.StatusSeeOther {
				t.Fatalf("applicant_role=%q: %d %.300s", role, st, body)
			}
			var id int
			fmt.Sscanf(loc, "/credit/repairs/%d", &id)
			repairIDs = append(repairIDs, id)
			if n := e.count("SELECT COUNT(*) FROM credit_repairs WHERE id = ? AND body_json LIKE ?", id, "%"+role+"%"); n != 1 {
				t.Errorf("applicant_role=%q not stored with the application", role)
			}
		}

		// the application page's step forms post where their handler takes them
		step := func(c *client, id int, formID, note string, want int) {
			t.Helper()
			_, p := c.get(fmt.Sprintf("/credit/repairs/%d", id))
			f := formByID(t, p, formID)
			if f.method != "POST" || f.action != fmt.Sprintf("/credit/repairs/%d/%s", id, strings.TrimSuffix(formID, "-form")) {
				t.Fatalf("%s posts %s %s", formID, f.method, f.action)
			}
			if st, _, body := c.post(f.action, url.Values{"note": {note}}); st != want {
				t.Errorf("%s of application %d: %d %.300s", formID, id, st, body)
			}
		}
		for _, id := range repairIDs {
			step(cd, id, "review-form", "材料齐全", http.StatusSeeOther)
		}
		step(rv, repairIDs[0], "remove-form", "已履行义务，符合移出条件", http.StatusSeeOther)
		step(rv, repairIDs[1], "refuse-form", "未提交罚款缴纳凭证", http.StatusSeeOther)
		if e.count("SELECT COUNT(*) FROM credit_blacklist WHERE repaired_on <> ''") != 1 {
			t.Error("the approve form did not repair the entry")
		}
		// each step audited with who did it and the opinion given
		for _, a := range []struct {
			id             int
			action, user   string
			detailContains string
		}{
			{repairIDs[0], "create", "cd-credit", "信用修复申请"},
			{repairIDs[1], "update", "cd-credit", "受理审核"},
			{repairIDs[0], "update", "cd-reviewer", "准予修复：市场监督管理严重违法失信名单|成市监失〔2026〕11号，意见：已履行义务，符合移出条件"},
			{repairIDs[1], "update", "cd-reviewer", "不予修复：市场监督管理严重违法失信名单|成市监失〔2026〕12号，意见：未提交罚款缴纳凭证"},
		} {
			if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'credit' AND object_type = 'repair' AND object_id = ? AND action = ? AND username = ? AND detail LIKE ?",
				fmt.Sprint(a.id), a.action, a.user, "%"+a.detailContains+"%"); n != 1 {
				t.Errorf("audit of repair %d %s by %s (%s): %d entries", a.id, a.action, a.user, a.detailContains, n)
			}
		}

		// 信用修复 queue: each state offered filters by it
		_, page = rv.get("/credit/repairs")
		perRepair := map[string]int{"open": 1, "已申请": 0, "审核中": 1, "已修复": 1, "不予修复": 1, "all": 3}
		rstates := options(t, page, "state")
		if len(rstates) != len(perRepair) {
			t.Errorf("queue offers state=%q", rstates)
		}
		for _, s := range rstates {
			resp, res := rv.get("/credit/repairs?" + url.Values{"state": {s}}.Encode())
			if n := strings.Count(res, `<tr data-id="`); resp.StatusCode != http.StatusOK || selected(t, res, "state") != s || n != perRepair[s] {
				t.Errorf("queue state=%q: %d, selected %q, %d rows, want %d", s, resp.StatusCode, selected(t, res, "state"), n, perRepair[s])
			}
		}

		// 月通报: the month field and the links to the months around it
		_, page = cd.get("/credit/bulletin?month=2026-11")
		if f := formByID(t, strings.Replace(page, `<form class="filters card" method="get" action="/credit/bulletin">`, `<form id="bulletin-form" method="get" action="/credit/bulletin">`, 1), "bulletin-form"); f.action != "/credit/bulletin" {
			t.Fatal(f.action)
		}
		contains(t, page, `name="month" value="2026-11"`, `href="/credit/bulletin?month=2026-10"`, `href="/credit/bulletin?month=2026-12"`, `href="/credit/bulletin.xlsx?month=2026-11"`)
		if _, p := cd.get("/credit/bulletin?month=2026-10"); !strings.Contains(p, "2026年10月") {
			t.Error("previous month's link does not show October")
		}

		// every link of the module's pages opens (a page of the module, its
		// workbook or a batch's reject report)
		seen := map[string]bool{}
		batch := e.count("SELECT MIN(id) FROM credit_batches")
		for _, p := range []string{"/credit/", "/credit/?by=name&q=" + url.QueryEscape("张记小吃店"), "/credit/?by=name&q=" + url.QueryEscape("有限公司"),
			"/credit/blacklist?state=all", "/credit/repairs?state=all", "/credit/import", "/credit/bulletin?month=2026-11",
			"/credit/subjects/" + usccA, fmt.Sprintf("/credit/blacklist/%d", targets[0]), fmt.Sprintf("/credit/repairs/%d", repairIDs[0])} {
			resp, body := cd.get(p)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
			for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
				href := html.UnescapeString(m[1])
				if seen[href] {
					continue
				}
				seen[href] = true
				if resp, _ := cd.get(href); resp.StatusCode != http.StatusOK {
					t.Errorf("%s links %s: %d", p, href, resp.StatusCode)
				}
			}
		}
		// the subjects' import batch (the province's) and its reject report
		pv := e.client("prov")
		resp, bp := pv.get(fmt.Sprintf("/credit/batches/%d", batch))
		if m := regexp.MustCompile(`href="(/credit/batches/\d+/rejects\.csv)"`).FindStringSubmatch(bp); resp.StatusCode != http.StatusOK || m == nil {
			t.Errorf("batch page: %d, reject report link %v", resp.StatusCode, m)
		} else if resp, _ := pv.get(m[1]); resp.StatusCode != http.StatusOK {
			t.Errorf("reject report: %d", resp.StatusCode)
		} else {
			seen[m[1]] = true
		}
		if !seen["/credit/subjects/REG:510104600123456"] || !seen[fmt.Sprintf("/credit/batches/%d/rejects.csv", batch)] {
			t.Errorf("the links followed lack the report of the 个体工商户 without a code or the reject report: %v", seen)
		}
		if len(seen) < 15 {
			t.Errorf("only %d links followed: %v", len(seen), seen)
		}
	})
}
