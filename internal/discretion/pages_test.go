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
		id := e.createCase("cd-officer", expiredFood(1_900_000), uscc("510100", 8200), true) // 19,000 元: below 第六十七条's 2万元, stays 一般; 13倍 = 247,000 元 at least: 听证
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

// TestEditKeepsStoredCase: a refused change leaves the stored case as it was. A draft edited
// with a bad amount comes back with the message and keeps its amount and fine; a decided case
// cannot be edited from the page (it is immutable), and neither attempt is audited as a change.
func TestEditKeepsStoredCase(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.login("cd-officer")
		resp, _ := c.post("/discretion/cases", caseForm("20,000.00"), false)
		m := idRe.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != 303 || m == nil {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		stored := func(id string) (base, fine int64, status, input string) {
			t.Helper()
			if err := db.QueryRow(t.Context(), "SELECT base_fen, fine_fen, status, input_json FROM discretion_cases WHERE id = ?", id).Scan(&base, &fine, &status, &input); err != nil {
				t.Fatal(err)
			}
			return
		}
		b0, f0, s0, in0 := stored(m[1])
		for _, bad := range []struct{ goods, msg string }{{"abc", "不是有效数字"}, {"-5", "不能为负数"}, {"", "货值金额"}} {
			resp, body := c.post("/discretion/cases/"+m[1], caseForm(bad.goods), false)
			if resp.StatusCode != 400 || !strings.Contains(body, bad.msg) || !strings.Contains(body, "成都鲜果商贸有限公司") {
				t.Errorf("bad edit %q: %d, want 400 with %q and the form again", bad.goods, resp.StatusCode, bad.msg)
			}
			if b, f, s, in := stored(m[1]); b != b0 || f != f0 || s != s0 || in != in0 {
				t.Fatalf("bad edit %q changed the case: base %d fine %d %s", bad.goods, b, f, s)
			}
		}
		var id int64
		fmt.Sscan(m[1], &id)
		if n := e.audits("update", id); n != 0 {
			t.Fatalf("refused edits left %d audit entries", n)
		}
		// decided: the edit page and the form are refused, the decision stays
		c.post("/discretion/cases/"+m[1]+"/submit", url.Values{}, false)
		e.ready("cd-officer", id)
		if code, _, er := e.approve("cd-reviewer", id); code != 200 {
			t.Fatalf("approve: %d %+v", code, er)
		}
		b0, f0, s0, in0 = stored(m[1])
		resp, body := c.post("/discretion/cases/"+m[1], caseForm("25,000.00"), false)
		if resp.StatusCode != 409 || !strings.Contains(body, "只有草稿或退回的案件可以修改") {
			t.Errorf("edit of a decided case: %d, want 409 with the reason", resp.StatusCode)
		}
		if b, f, s, in := stored(m[1]); b != b0 || f != f0 || s != s0 || s != "decided" || in != in0 {
			t.Fatalf("edit changed a decided case: base %d fine %d %s", b, f, s)
		}
		if resp, _ := c.Get("/discretion/cases/" + m[1] + "/edit"); resp.StatusCode == 200 {
			t.Error("the edit page of a decided case is offered")
		}
		_, page := c.Get("/discretion/cases/" + m[1])
		if strings.Contains(page, `/discretion/cases/`+m[1]+`/edit"`) {
			t.Error("the decided case's page links the edit page")
		}
		if n := e.audits("update", id); n != 0 {
			t.Fatalf("refused edits left %d audit entries", n)
		}
	})
}

// TestSectorCircumstancesOnPage: the calculator's 共性 list holds only the circumstances that
// count for every item; those of a sector rule (价格违法行为行政处罚规定第十七条, 产品质量法第五十五条,
// 食品安全法实施条例第七十六条) appear in the item block of the items they govern, and the
// calculator accepts them there; ticked for another item (a hand-made post) the answer names
// the field and why.
func TestSectorCircumstancesOnPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.login("cd-officer")
		_, calc := c.Get("/discretion/new")
		for _, id := range []string{"price_repeat", "price_refund", "seller_unaware", "food_recall"} {
			if slices.Contains(offered(calc, "circumstances"), id) {
				t.Errorf("the calculator's common list offers %s for every item", id)
			}
		}
		_, food := c.Get("/discretion/pick?item_id=food-124-1-5")
		_, price := c.Get("/discretion/pick?item_id=price-13")
		if got := offered(food, "circumstances"); !slices.Equal(got, []string{"food_recall"}) {
			t.Errorf("food item block offers %q, want food_recall", got)
		}
		if got := offered(price, "circumstances"); !slices.Equal(got, []string{"price_refund", "price_serious", "price_evidence", "price_transfer", "price_repeat", "price_refuse_refund"}) {
			t.Errorf("price-13 item block offers %q", got)
		}
		v := caseForm("20,000.00")
		v.Set("circumstances", "food_recall")
		if resp, body := c.post("/discretion/compute", v, true); resp.StatusCode != 200 || !strings.Contains(body, "实施条例第七十六条") || strings.Contains(body, "无法计算") {
			t.Errorf("food_recall on a food item: %d %.300s", resp.StatusCode, body)
		}
		v.Set("circumstances", "price_repeat")
		if _, body := c.post("/discretion/compute", v, true); !strings.Contains(body, "不适用于本案事项") {
			t.Errorf("price_repeat on a food item was not refused with its reason: %.400s", body)
		}
	})
}
