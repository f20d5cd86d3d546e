package discretion_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tongcheng/internal/store/storetest"
)

// visible is the text of an HTML fragment as a reader sees it (tags dropped, entities decoded).
func visible(body string) string {
	body = regexp.MustCompile(`(?s)<style.*?</style>`).ReplaceAllString(body, "")
	return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " "))
}

// mustHold fails the test for each of wants that text (what) does not hold.
func mustHold(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s misses %q", what, w)
		}
	}
}

// provenance is how a data file records where a fact was checked (a repository copy, a web
// address, a verification date): it belongs in the data file's source, never in what an
// officer, a 法制审核员 or a party reads as the legal basis.
var provenance = regexp.MustCompile(`verified|Theonefkguy|X-STORAGE|\.md\b|https?://`)

// uc2530Form is 平台经营者强制平台内经营者低于成本销售 under 反不正当竞争法（2025）第十四条、第三十条,
// a unit, act 2026-03-01, with the two circumstances the 2022 SAMR guidance adds in
// 第十六条第一款第（二）项 (教唆、胁迫、诱骗他人) and 第（五）项 (处置查封扣押的财物).
func uc2530Form() url.Values {
	return url.Values{
		"item_id": {"uc25-30"}, "party": {"org"}, "subject_name": {"成都某电商平台有限公司"}, "subject_id": {"91510104MA6C0L8X71"},
		"legal_rep": {"李四"}, "subject_address": {"成都市高新区天府大道1号"}, "evidence": {"平台规则、商家询问笔录"}, "authority_uscc": {cdBureau},
		"facts": {"平台强制平台内商家按其定价规则以低于成本的价格销售"}, "act_date": {"2026-03-01"}, "discovery_date": {"2026-05-01"},
		"circumstances": {"instigate", "seized_property"},
	}
}

// TestGuidanceCircumstancesOnCalculator: on the calculator the two circumstances the 2022
// guidance adds are offered under 可以从重 and say their basis and words (the 第十六条第二款
// proviso of 第（五）项 included); chosen, they give 从重 and the explanation cites
// 国市监法规〔2022〕2号第十六条第一款第（二）项 and 第（五）项 — as a citation, without the data
// file's record of where it was checked.
//
// Hand-worked (反不正当竞争法（2025）第三十条: 五万元以上五十万元以下): 从重 is the top 30 %,
// 365,000–500,000 元 (指导意见第十条第（四）项); 个案 (20×2 + 50×3 + 30×2) ÷ 7 = 35.71,
// 共性 50 + 15 + 15 = 80, 案件影响 32; (40×35.71 + 35×80 + 25×32) ÷ 100 = 50.28 %;
// 365,000 + 135,000 × 50.28 % = 432,878.00 元.
func TestGuidanceCircumstancesOnCalculator(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	c := e.login("cd-officer")
	_, calc := c.Get("/discretion/new")
	group := regexp.MustCompile(`(?s)<h4>可以从重</h4>(.*?)<h4>`).FindStringSubmatch(calc)
	if group == nil {
		t.Fatal("the calculator has no 可以从重 group")
	}
	for _, w := range []struct{ id, name, basis, words string }{
		{"instigate", "教唆、胁迫、诱骗他人实施违法行为", "（国市监法规〔2022〕2号）第十六条第一款第（二）项", "教唆、胁迫、诱骗他人实施违法行为的"},
		{"seized_property", "隐藏、转移、损毁、使用、处置查封扣押的财物或者先行登记保存的证据", "（国市监法规〔2022〕2号）第十六条第一款第（五）项", "不再作为从重行政处罚情节"},
	} {
		label := regexp.MustCompile(`<label title="([^"]*)"><input type="checkbox" name="circumstances" value="` + w.id + `">([^<]*)</label>`).FindStringSubmatch(group[1])
		if label == nil {
			t.Errorf("%s is not offered under 可以从重", w.id)
			continue
		}
		title := html.UnescapeString(label[1])
		if strings.TrimSpace(label[2]) != w.name || !strings.Contains(title, w.basis) || !strings.Contains(title, w.words) || provenance.MatchString(title) {
			t.Errorf("%s on the form: %q, title %q; want %q with %q and %q, no provenance", w.id, label[2], title, w.name, w.basis, w.words)
		}
	}
	if m := provenance.FindString(visible(calc)); m != "" {
		t.Errorf("the calculator shows the data's provenance (%q)", m)
	}
	resp, body := c.post("/discretion/compute", uc2530Form(), true)
	text := visible(body)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="dx-fine">432,878.00 元`) || !strings.Contains(text, "从重") {
		t.Fatalf("compute: %d %.600s", resp.StatusCode, text)
	}
	mustHold(t, "the result", text,
		"「教唆、胁迫、诱骗他人实施违法行为」可以从重（市场监管总局关于规范市场监督管理行政处罚裁量权的指导意见（国市监法规〔2022〕2号）第十六条第一款第（二）项）",
		"（国市监法规〔2022〕2号）第十六条第一款第（五）项",
		"当事人因该行为已被行政处罚的，该行为不再作为从重行政处罚情节",
		"《中华人民共和国反不正当竞争法》第三十条")
	if m := provenance.FindString(text); m != "" {
		t.Errorf("the result shows the data's provenance (%q): %.400s", m, text[strings.Index(text, m)-200:])
	}
	// the JSON API gives the same basis, also without the provenance
	var out struct {
		Counted []struct{ ID, Basis string }
		Steps   []struct{ Title, Text string }
	}
	in := map[string]any{"item_id": "uc25-30", "party": "org", "act_date": "2026-03-01", "discovery_date": "2026-05-01", "circumstances": []string{"instigate", "seized_property"}}
	if code := e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &out); code != 200 || len(out.Counted) != 2 {
		t.Fatalf("API compute: %d %+v", code, out)
	}
	for _, k := range out.Counted {
		if provenance.MatchString(k.Basis) || !strings.Contains(k.Basis, "第十六条第一款") {
			t.Errorf("API basis of %s: %q", k.ID, k.Basis)
		}
	}
	for _, s := range out.Steps {
		if provenance.MatchString(s.Text) {
			t.Errorf("API step %s shows the provenance: %.200s", s.Title, s.Text)
		}
	}
}

// TestPartyNotCoveredOnCalculator: 反不正当竞争法（2025）第二十四条第一款 fines only 有关单位
// (uc-19), its 第二款 only individuals (uc25-24-2). The officer who picks the wrong one sees a
// Chinese message that names the field (当事人类型) in Chinese and the item to use instead,
// next to the field and on the result panel; saving keeps what was typed and stores nothing.
func TestPartyNotCoveredOnCalculator(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	c := e.login("cd-officer")
	for _, x := range []struct {
		item, party, other string
	}{
		{"uc-19", "natural", "uc25-24-2"},
		{"uc25-24-2", "org", "uc-19"},
	} {
		v := url.Values{
			"item_id": {x.item}, "party": {x.party}, "subject_name": {"张三"}, "subject_id": {"11010519491231002X"},
			"subject_address": {"成都市武侯区人民南路1号"}, "evidence": {"询问笔录、转账记录"}, "authority_uscc": {cdBureau},
			"facts": {"向采购人员支付回扣五万元"}, "act_date": {"2026-03-01"}, "discovery_date": {"2026-05-01"}, "amounts.illegal_gains": {"50,000.00"},
		}
		if x.party == "org" {
			v.Set("subject_name", "成都某医药有限公司")
			v.Set("subject_id", "91510104MA6C0L8X71")
			v.Set("legal_rep", "王五")
		}
		resp, body := c.post("/discretion/compute", v, true)
		flash := regexp.MustCompile(`(?s)<div class="flash err" role="alert"><strong>无法计算：</strong>(.*?)</div>`).FindStringSubmatch(body)
		slot := regexp.MustCompile(`id="err-party" hx-swap-oob="true">([^<]+)<`).FindStringSubmatch(body)
		if resp.StatusCode != 200 || flash == nil || slot == nil {
			t.Fatalf("%s %s: %d, no refusal on the panel or next to 当事人类型: %.500s", x.item, x.party, resp.StatusCode, body)
		}
		msg := visible(flash[1])
		if !strings.Contains(msg, "当事人类型") || strings.Contains(msg, "字段 party") || !strings.Contains(msg, "第二十四条") || !strings.Contains(msg, x.other) {
			t.Errorf("%s %s: the refusal %q does not name the field in Chinese, the clause and the item %s", x.item, x.party, msg, x.other)
		}
		if !strings.Contains(html.UnescapeString(slot[1]), x.other) {
			t.Errorf("%s %s: message next to the field: %q", x.item, x.party, slot[1])
		}
		before := e.count("SELECT COUNT(*) FROM discretion_cases")
		v.Set("submit", "1")
		resp, body = c.post("/discretion/cases", v, false)
		if resp.StatusCode != 400 || !strings.Contains(body, "未保存") || e.count("SELECT COUNT(*) FROM discretion_cases") != before {
			t.Fatalf("%s %s: saving gave %d (or stored a case): %.300s", x.item, x.party, resp.StatusCode, visible(body))
		}
		for _, kept := range []string{`value="` + v.Get("subject_name") + `"`, `value="` + v.Get("subject_id") + `"`, `value="50,000.00"`, "询问笔录、转账记录", `<option value="` + x.party + `" selected>`, `<option value="` + x.item + `" selected>`} {
			if !strings.Contains(body, kept) {
				t.Errorf("%s %s: the form lost %s", x.item, x.party, kept)
			}
		}
	}
}

// TestCalculator2025OnAPhone drives the calculator on a 390 px phone as an officer does with a
// 2025 case: 虚假宣传 committed on 2025-10-14, the day before the revised 反不正当竞争法 took
// effect, decided now. 从旧兼从轻 (行政处罚法第三十七条): the 2019 text 第二十条 gives 20万–100万元,
// the 2025 text 第二十五条 0–100万元, so the new one is lighter and applies; with the two
// circumstances of 指导意见第十六条第一款第（二）（五）项 the tier is 从重, the top 30 %:
// 700,000–1,000,000 元. The long explanation must fit the phone: neither the page nor the
// result panel scrolls sideways. Then the officer turns the party into an individual and picks
// 商业贿赂 (uc-19, 第二十四条第一款, units only) for an act of 2026-03-01: the refusal names
// 当事人类型 and uc25-24-2, next to the field, and what was typed stays.
func TestCalculator2025OnAPhone(t *testing.T) {
	ctx, problems, must, eval, waitFor, stop := pageWalk(t)
	defer stop()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	must("phone width", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	walkLogin(t, ctx, must, waitFor, e.Srv.URL, "cd-officer")
	must("open calculator", chromedp.Do(ctx, chromedp.Navigate(e.Srv.URL+"/discretion/new")))
	must("describe facts", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("facts"), "网店组织刷单炒信，虚构销量和好评")))
	waitFor("picked uc-20", pickFirst("uc-20"))
	must("fill the case", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("subject_name"), "成都某电商科技有限公司"),
		chromedp.SetValue(chromedp.ID("act_date"), "2025-10-14"),
		chromedp.SetValue(chromedp.ID("discovery_date"), "2025-11-03"),
		chromedp.Click(chromedp.CSS(`input[name=circumstances][value="instigate"]`)),
		chromedp.Click(chromedp.CSS(`input[name=circumstances][value="seized_property"]`)),
		chromedp.Click(chromedp.ID("victims"))))
	waitFor("从重 under the 2025 text", `(document.querySelector('#result') || {innerText: ''}).innerText.includes('700,000.00 – 1,000,000.00') && document.querySelector('#result').innerText.includes('第十六条第一款第（五）项')`)
	res := eval(`document.querySelector('#result').innerText`)
	mustHold(t, "the result", res,
		"违法行为发生之日2025-10-14适用《中华人民共和国反不正当竞争法》（2017年11月4日修订，2019年4月23日修正，2018-01-01施行）第二十条，决定之日适用《中华人民共和国反不正当竞争法》（1993年9月2日通过，2017年11月4日第一次修订，2019年4月23日修正，2025年6月27日第二次修订，2025-10-15施行）第二十五条第一款",
		"旧法幅度 200,000.00元–1,000,000.00元，新法幅度 0.00元–1,000,000.00元；新的规定处罚较轻，适用新的规定（《中华人民共和国反不正当竞争法》第二十五条第一款）",
		"从重", "第十六条第一款第（二）项", "第三十七条", "第二十五条")
	if m := provenance.FindString(res); m != "" {
		t.Errorf("result shows the data's provenance %q", m)
	}
	sizes := eval(`(r => [document.documentElement.scrollWidth, r.scrollWidth, r.clientWidth].join(' '))(document.querySelector('#result'))`)
	var page, sw, cw int
	if _, err := fmt.Sscan(sizes, &page, &sw, &cw); err != nil || page > 390 || sw > cw+1 {
		t.Errorf("on a 390 px phone: page %d px, result panel %d px of content in %d px (%v): %s", page, sw, cw, err,
			eval(`[...document.querySelectorAll('#result *')].filter(x => x.getBoundingClientRect().right > document.querySelector('#result').getBoundingClientRect().right + 1 && !x.closest('.scroll')).slice(0, 5).map(x => x.tagName + ' ' + x.innerText.slice(0, 40)).join(' | ')`))
	}
	// an individual under uc-19 for an act of 2026-03-01: refused, the field named, the form as typed
	must("item uc-19, individual", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("act_date"), "2026-03-01"),
		chromedp.SetValue(chromedp.ID("discovery_date"), "2026-05-01"),
		chromedp.SetValue(chromedp.ID("party"), "natural"),
		chromedp.SetValue(chromedp.ID("item_id"), "uc-19"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#item_id').dispatchEvent(new Event('change', {bubbles: true}))`)))
	waitFor("refusal next to 当事人类型", `document.querySelector('#err-party').textContent.includes('uc25-24-2') && document.querySelector('#result').innerText.includes('字段：当事人类型')`)
	if v := eval(`[document.querySelector('#facts').value, document.querySelector('#subject_name').value, document.querySelector('#act_date').value].join('|')`); v != "网店组织刷单炒信，虚构销量和好评|成都某电商科技有限公司|2026-03-01" {
		t.Errorf("the form lost what was typed: %q", v)
	}
	problems.Check(t)
}

// TestDecision2025CitesItsBasis takes a 2025 case through 提交审核 → 法制审核 → 决定 and reads the
// printed 决定书: 滥用平台规则恶意退货 (uc25-29-4), act 2026-03-01, 违法所得 30,000 元. It cites the
// 2025 articles with their words (违反 第十三条第四款, 依据 第二十九条), and the confiscation of the
// 违法所得 — which 第二十九条 does not provide — names its own basis, 行政处罚法第二十八条第二款
// (当事人有违法所得，除依法应当退赔的外，应当予以没收), in the 决定书 and in the record handed to
// the credit library.
func TestDecision2025CitesItsBasis(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	in := map[string]any{"item_id": "uc25-29-4", "party": "org", "act_date": "2026-03-01", "discovery_date": "2026-05-01",
		"amounts": map[string]any{"illegal_gains": map[string]any{"fen": 3000000, "set": true}}}
	id := e.createCase("cd-officer", in, "91510104MA6C0L8X71", true)
	e.ready("cd-officer", id)
	if code, c, er := e.approve("cd-reviewer", id); code != 200 || c.DecisionNo == "" {
		t.Fatalf("approve: %d %+v %+v", code, c, er)
	}
	resp, body := e.login("cd-reviewer").Get(fmt.Sprintf("/discretion/cases/%d/decision", id))
	doc := visible(body)
	if resp.StatusCode != 200 {
		t.Fatalf("decision page: %d", resp.StatusCode)
	}
	mustHold(t, "决定书", doc,
		"违反了《中华人民共和国反不正当竞争法》第十三条第四款的规定",
		"经营者不得滥用平台规则，直接或者指使他人对其他经营者实施虚假交易、虚假评价或者恶意退货等行为",
		"依据《中华人民共和国反不正当竞争法》第二十九条、《中华人民共和国行政处罚法》第二十八条第二款，",
		"处十万元以上一百万元以下的罚款；情节严重的，处一百万元以上五百万元以下的罚款",
		"没收违法所得人民币 30,000.00 元",
		"《中华人民共和国行政处罚法》第二十八条第二款：当事人有违法所得，除依法应当退赔的外，应当予以没收。")
	if n := e.count("SELECT COUNT(*) FROM credit_records WHERE body_json LIKE '%行政处罚法》第二十八条第二款%'"); n != 1 {
		t.Errorf("credit records citing 第二十八条第二款: %d, want 1", n)
	}
}

// TestRetaliationNeedsItsOwnBasis: 对举报人、证人打击报复 is not among the circumstances of
// 指导意见第十六条第一款 (its 第（四）项 speaks of 行政执法人员 only); it may aggravate only as
// 第（七）项 “其他依法可以从重行政处罚的”, on a law, regulation or rule the case must name. Ticking
// it moves the case to 从重 and the result says, as a warning the 法制审核员 sees, that the
// basis has to be written down.
func TestRetaliationNeedsItsOwnBasis(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	c := e.login("cd-officer")
	v := uc2530Form()
	v["circumstances"] = []string{"retaliate"}
	resp, body := c.post("/discretion/compute", v, true)
	warn := regexp.MustCompile(`<div class="flash err">([^<]*打击报复[^<]*)</div>`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || !strings.Contains(visible(body), "从重") || warn == nil {
		t.Fatalf("compute with retaliate: %d, no warning: %.600s", resp.StatusCode, visible(body))
	}
	mustHold(t, "the warning", html.UnescapeString(warn[1]), "未列举", "第十六条第一款第（七）项", "写明所依的法律、法规或者规章")
	v["circumstances"] = []string{"instigate"}
	if _, body := c.post("/discretion/compute", v, true); strings.Contains(body, "写明所依的法律、法规或者规章") {
		t.Error("a listed circumstance carries the warning too")
	}
}

// TestLongBasisFitsAPhone: what legal staff put in the data can hold long unbroken strings (a
// source's web address on the catalogue page; a basis saved with a case under earlier data,
// e.g. 2026.11-6 where the basis of the 2022 guidance's circumstances carried the address it
// was checked at). On a 390 px phone such text wraps: neither the catalogue page of
// uc25-24-2 nor the case page of a case saved that way is wider than the phone.
func TestLongBasisFitsAPhone(t *testing.T) {
	ctx, problems, must, eval, waitFor, stop := pageWalk(t)
	defer stop()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	in := map[string]any{"item_id": "uc25-30", "party": "org", "act_date": "2026-03-01", "discovery_date": "2026-05-01", "circumstances": []string{"instigate"}}
	id := e.createCase("cd-officer", in, "91510104MA6C0L8X71", true)
	long := "第十六条第一款第（二）项（verified 2026-11-27：据 Theonefkguy/Chinese-Laws 行政法/关于规范市场监督管理行政处罚裁量权的指导意见(2022-10-08).md；http://www.vagaawaga.net.cn/content/Content/index/id/35503）"
	if _, err := e.db.Exec(context.Background(), "UPDATE discretion_cases SET result_json = REPLACE(result_json, '第十六条第一款第（二）项', ?) WHERE id = ?", long, id); err != nil {
		t.Fatal(err)
	}
	walkLogin(t, ctx, must, waitFor, e.Srv.URL, "cd-reviewer")
	must("phone width", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	for _, page := range []string{"/discretion/catalogue/uc25-24-2", fmt.Sprintf("/discretion/cases/%d", id)} {
		must("open "+page, chromedp.Do(ctx, chromedp.Navigate(e.Srv.URL+page)))
		waitFor(page, `document.readyState === 'complete' && window.innerWidth === 390`)
		if w := eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("%s is %s px wide on a 390 px phone: %s", page, w, eval(`[...document.querySelectorAll('main *')].filter(x => x.getBoundingClientRect().right > 391).slice(0, 3).map(x => x.tagName + ' ' + (x.innerText || '').slice(0, 40)).join(' | ')`))
		}
	}
	if s := eval(`document.querySelector('main').innerText`); !strings.Contains(s, "vagaawaga") {
		t.Error("the case page does not show the saved basis at all")
	}
	problems.Check(t)
}
