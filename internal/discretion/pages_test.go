package discretion_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var optionRe = regexp.MustCompile(`<option value="([^"]*)"`)

// offered lists the values a page offers for the form field name: the options of its
// <select name="name"> and the values of its checkboxes and radio buttons named name,
// as the browser sends them (entities decoded).
func offered(body, name string) []string {
	q := regexp.QuoteMeta(name)
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<select[^>]*\bname="`+q+`"[^>]*>(.*?)</select>`).FindAllStringSubmatch(body, -1) {
		for _, o := range optionRe.FindAllStringSubmatch(m[1], -1) {
			out = append(out, html.UnescapeString(o[1]))
		}
	}
	for _, m := range regexp.MustCompile(`<input type="(?:checkbox|radio)" name="`+q+`" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// mustOffer fails unless page offers every value that v sends for each of the fields.
func mustOffer(t *testing.T, page, body string, v url.Values, fields ...string) {
	t.Helper()
	for _, f := range fields {
		offers := offered(body, f)
		if len(v[f]) == 0 {
			t.Errorf("%s: the test sends no %s", page, f)
		}
		for _, val := range v[f] {
			if !slices.Contains(offers, val) {
				t.Errorf("%s does not offer %s=%q (it offers %q)", page, f, val, offers)
			}
		}
	}
}

// TestPagesOfferWhatHandlersAccept: every value the discretion pages offer in a <select> or a
// checkbox is a code their handler accepts (no page offers a display name the server would
// refuse or match nothing with), and the hand-built forms the other tests post are what the
// pages offer.
func TestPagesOfferWhatHandlersAccept(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.login("cd-officer")

		// the calculator and its item block (what the item select loads)
		_, calc := c.Get("/discretion/new")
		_, block := c.Get("/discretion/pick?item_id=food-124-1-5")
		page := calc + block
		form := caseForm("20,000.00")
		form.Set("severity", "一般")
		mustOffer(t, "calculator", page, form, "item_id", "party", "cf.fault", "severity")
		if n := len(offered(calc, "item_id")); n != len(e.m.Engine().Cat.Items)+1 {
			t.Errorf("calculator offers %d items, want the catalogue's %d and the empty choice", n, len(e.m.Engine().Cat.Items))
		}
		accepted := func(what string, v url.Values) {
			t.Helper()
			resp, body := c.post("/discretion/compute", v, true)
			if resp.StatusCode != 200 || strings.Contains(body, "无法计算") || !strings.Contains(body, "裁量说理") {
				t.Errorf("%s: %d, the calculator refused a value its page offers: %.300s", what, resp.StatusCode, body)
			}
		}
		for _, p := range offered(calc, "party") {
			v := caseForm("20,000.00")
			v.Set("party", p)
			accepted("party="+p, v)
		}
		circs := offered(calc, "circumstances")
		if len(circs) < 20 {
			t.Fatalf("calculator offers %d circumstances", len(circs))
		}
		for _, ci := range circs {
			v := caseForm("20,000.00")
			v.Set("circumstances", ci)
			v.Set("party", "natural") // the age and capacity circumstances are a person's
			if strings.HasPrefix(ci, "repeat_") {
				v.Del("subject_id") // the credit library knows no prior of this subject and would contradict 再犯
			}
			accepted("circumstances="+ci, v)
		}
		nImpact := 0
		for _, f := range e.m.Engine().Ind.Impact {
			for _, o := range offered(calc, "if."+f.ID) {
				v := caseForm("20,000.00")
				v.Set("if."+f.ID, o)
				accepted("if."+f.ID+"="+o, v)
				nImpact++
			}
		}
		if nImpact < 10 {
			t.Fatalf("calculator offers %d impact options", nImpact)
		}
		nCase := 0
		for _, f := range e.m.Engine().Ind.FactorSets["food"] {
			for _, o := range offered(block, "cf."+f.ID) {
				v := caseForm("20,000.00")
				v.Set("cf."+f.ID, o)
				accepted("cf."+f.ID+"="+o, v)
				nCase++
			}
		}
		if nCase < 5 {
			t.Fatalf("item block offers %d case-factor options", nCase)
		}
		// every 失信等级 offered is stored as chosen
		for i, s := range offered(calc, "severity") {
			v := caseForm("20,000.00")
			v.Set("severity", s)
			v.Set("subject_id", uscc("510100", 8100+i))
			resp, body := c.post("/discretion/cases", v, false)
			if resp.StatusCode != 303 {
				t.Fatalf("save with severity %q: %d %.300s", s, resp.StatusCode, body)
			}
			if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE severity = ?", s); n != 1 {
				t.Errorf("severity %q stored %d times", s, n)
			}
		}

		// the case page's step form: each kind it offers is accepted when posted from it
		id := e.createCase("cd-officer", expiredFood(2_000_000), uscc("510100", 8200), true)
		casePath := fmt.Sprintf("/discretion/cases/%d", id)
		for i, st := range []url.Values{
			{"kind": {"hearing_notice"}, "date": {"2026-11-05"}, "detail": {"直接送达"}},
			{"kind": {"hearing_waiver"}, "date": {"2026-11-06"}, "detail": {"书面放弃"}},
			{"kind": {"collective"}, "date": {"2026-11-18"}, "outcome": {"同意"}, "detail": {"局务会"}},
		} {
			_, body := c.Get(casePath)
			fields := []string{"kind"}
			if st.Get("outcome") != "" {
				fields = append(fields, "outcome")
			}
			mustOffer(t, "case page step form", body, st, fields...)
			if resp, body := c.post(casePath+"/steps", st, false); resp.StatusCode != 303 {
				t.Fatalf("step %s from the page: %d %.300s", st.Get("kind"), resp.StatusCode, body)
			}
			if n := e.count("SELECT COUNT(*) FROM discretion_steps WHERE case_id = ?", id); n != i+1 {
				t.Fatalf("after %s: %d steps", st.Get("kind"), n)
			}
		}
		if code, _, er := e.approve("cd-reviewer", id); code != 200 {
			t.Fatalf("approve after the steps recorded from the page: %d %+v", code, er)
		}
		draft := e.createCase("cd-officer", expiredFood(1_500_000), uscc("510100", 8201), false)
		pending := e.createCase("cd-officer", expiredFood(1_600_000), uscc("510100", 8202), true)

		// the case list's status filter: each status offered selects exactly its cases
		_, list := c.Get("/discretion/?view=region")
		statuses := offered(list, "status")
		if want := []string{"", "draft", "pending", "returned", "decided"}; !slices.Equal(statuses, want) {
			t.Fatalf("list offers statuses %q, want %q", statuses, want)
		}
		for _, s := range statuses[1:] {
			_, body := c.Get("/discretion/?view=region&status=" + url.QueryEscape(s))
			if !strings.Contains(body, `<option value="`+s+`" selected>`) {
				t.Errorf("status %s: the filter does not keep the choice", s)
			}
			var want string
			if err := db.QueryRow(t.Context(), "SELECT COUNT(*) FROM discretion_cases WHERE status = ? AND region = '510100'", s).Scan(&want); err != nil {
				t.Fatal(err)
			}
			got := strings.Count(body, `<tr><td><a href="/discretion/cases/`)
			if fmt.Sprint(got) != want {
				t.Errorf("status %s: %d rows, want %s", s, got, want)
			}
		}
		_, body := c.Get("/discretion/?view=region&status=draft")
		if !strings.Contains(body, fmt.Sprintf(`href="/discretion/cases/%d"`, draft)) || strings.Contains(body, fmt.Sprintf(`href="/discretion/cases/%d"`, pending)) {
			t.Error("status draft: the list shows the wrong cases")
		}

		// the consistency page: each tier offered filters; with an item chosen, the item
		// select still offers every item, so another one can be chosen
		ms := e.login("ms-analyst")
		_, cons := ms.Get("/discretion/consistency")
		tiers := offered(cons, "tier")
		if want := []string{"", "减轻", "从轻", "一般", "从重"}; !slices.Equal(tiers, want) {
			t.Fatalf("consistency offers tiers %q, want %q", tiers, want)
		}
		for _, tr := range tiers[1:] {
			_, body := ms.Get("/discretion/consistency?tier=" + url.QueryEscape(tr))
			has := strings.Contains(body, `href="/discretion/consistency?item=food-124-1-5&tier=`)
			if has != (tr == "一般") || !strings.Contains(body, `<option value="`+tr+`" selected>`) {
				t.Errorf("tier %s: decided 一般 case listed %v, choice kept %v", tr, has, strings.Contains(body, `<option value="`+tr+`" selected>`))
			}
		}
		_, one := ms.Get("/discretion/consistency?item=food-124-1-5&tier=" + url.QueryEscape("一般"))
		items := offered(one, "item")
		if len(items) != len(e.m.Engine().Cat.Items)+1 || !slices.Contains(items, "ad-57-1") {
			t.Errorf("with an item chosen the item select offers %d values, want every item and the overview", len(items))
		}
		if !strings.Contains(one, `<option value="food-124-1-5" selected>`) || !strings.Contains(one, "1 件") {
			t.Error("the chosen item is not kept or its case not counted")
		}
		// a tier the page does not offer is no filter (as an unknown status on the list)
		_, odd := ms.Get("/discretion/consistency?tier=general")
		if !strings.Contains(odd, `href="/discretion/consistency?item=food-124-1-5&tier="`) || strings.Contains(odd, " selected>") {
			t.Error("an unknown tier filtered the consistency page to nothing")
		}
	})
}
