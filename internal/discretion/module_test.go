package discretion_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/app/apptest"
	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/discretion"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

const pw = "correct-horse-1"

// fixed "now" of the tests: 2026-11-20 10:00 in Asia/Shanghai
var testNow = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

type env struct {
	*apptest.Env
	t      testing.TB
	a      *app.App
	m      *discretion.Module
	db     *store.DB
	tokens map[string]string
	ids    map[string]int64
}

// newEnv builds the whole program on db and adds the module's people:
// officers and reviewers of 成都 and 德阳, an officer-reviewer, an analyst.
func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	x := apptest.New(t, db)
	m, ok := x.App.Module("discretion").(*discretion.Module)
	if !ok {
		t.Fatal("module discretion is not registered in app/modules.go")
	}
	m.Now = func() time.Time { return testNow }
	x.AddUsers(
		auth.NewUser{Username: "cd-officer", DisplayName: "成都执法", Password: pw, Region: "510100", Roles: "discretion:officer"},
		auth.NewUser{Username: "cd-reviewer", DisplayName: "成都审核", Password: pw, Region: "510100", Roles: "discretion:reviewer"},
		auth.NewUser{Username: "cd-both", DisplayName: "成都执法兼审核", Password: pw, Region: "510104", Roles: "discretion:officer,discretion:reviewer"},
		auth.NewUser{Username: "dy-officer", DisplayName: "德阳执法", Password: pw, Region: "510600", Roles: "discretion:officer"},
		auth.NewUser{Username: "dy-reviewer", DisplayName: "德阳审核", Password: pw, Region: "510600", Roles: "discretion:reviewer"},
		auth.NewUser{Username: "ms-analyst", DisplayName: "眉山分析", Password: pw, Region: "511400", Roles: "discretion:analyst"},
	)
	e := &env{Env: x, t: t, a: x.App, m: m, db: db, tokens: x.Tokens, ids: map[string]int64{}}
	for name, u := range x.Users {
		e.ids[name] = u.ID
	}
	x.Start()
	return e
}

// api calls the JSON API as user (Bearer token) and decodes the answer into out.
func (e *env) api(user, method, path string, body any, out any) int {
	e.t.Helper()
	return e.API(user, method, path, body, out)
}

type apiErr struct {
	Error struct{ Code, Message, Field string }
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	return e.Count(q, args...)
}

func (e *env) audits(action string, id int64) int {
	e.t.Helper()
	n, err := audit.Count(context.Background(), e.db, audit.Filter{Module: "discretion", Action: action, ObjectID: fmt.Sprint(id)})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// expiredFood is 生产经营超过保质期的食品 (食品安全法 第一百二十四条第一款第（五）项) with 货值金额 fen.
func expiredFood(goodsFen int64) map[string]any {
	return map[string]any{
		"item_id": "food-124-1-5", "party": "org",
		"act_date": "2026-10-10", "discovery_date": "2026-10-20",
		"amounts":      map[string]any{"goods_value": map[string]any{"fen": goodsFen, "set": true}},
		"case_factors": map[string]string{"fault": "intentional"},
	}
}

// TestComputeHandWorked checks the stateless compute endpoint against a case worked out by hand.
//
// 食品安全法 第一百二十四条第一款第（五）项: 货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款.
// 货值金额 20,000.00 元 → legal range 200,000–400,000 元.
// 食品安全法实施条例 第六十七条第一款第（一）项: 违法行为涉及的产品货值金额2万元以上 属于情节严重情形
// (以上 includes 20,000.00 元), and 对情节严重的违法行为处以罚款时，应当依法从重从严: the case is
// 情节严重 without being ticked → 应当从重 → 从重, the top 30 % of the multiplier: 10 + 10 × 70 % = 17 倍
// to 20 倍 = 340,000–400,000 元; 情节严重的，吊销许可证 joins the kinds.
// 个案 (food set): 货值 1万–5万 60×3, duration 1 day 20×2, fault 故意 80×3, scale small 30×2,
// vulnerable none 30×2, victims 0 20×2 → 620/14 = 44.28 (4428 bp, truncated).
// 共性: base 50 → 5000 bp (情节严重 decides the tier, it scores no points). 案件影响 defaults: harm minor
// 40×3, social 30×2, area 30×2, attention 30×2, people 0 20×1 → 320/10 = 32 (3200 bp).
// Score (40×4428 + 35×5000 + 25×3200)/100 = 4321 bp → 340,000 + 60,000 × 43.21 % = 365,926.00 元,
// already whole 元; position (365,926 − 200,000)/200,000 = 82.963 % → 8296 bp.
// (Before the rule was applied the case was 一般: 260,000 + 80,000 × 43.21 % = 294,568.00 元.)
func TestComputeHandWorked(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := expiredFood(2_000_000)
		in["today"] = "2026-11-01"
		var res discretion.Result
		if code := e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &res); code != 200 {
			t.Fatalf("compute = %d", code)
		}
		if res.FineFen != 36_592_600 || res.Tier != discretion.TierSevere {
			t.Fatalf("fine = %d 分 %s, want 36592600 分 (365,926.00 元) 从重", res.FineFen, res.Tier)
		}
		if res.LegalMin != 20_000_000 || res.LegalMax != 40_000_000 || res.BandMin != 34_000_000 || res.BandMax != 40_000_000 {
			t.Fatalf("range %d–%d band %d–%d", res.LegalMin, res.LegalMax, res.BandMin, res.BandMax)
		}
		if res.Score != 4321 || res.Position != 8296 {
			t.Fatalf("score %d position %d, want 4321 and 8296", res.Score, res.Position)
		}
		if !res.Serious || !strings.Contains(res.SeriousBy, "货值金额20,000.00元（20,000.00元以上）") || !strings.Contains(res.SeriousBy, "第六十七条第一款第（一）项") {
			t.Fatalf("serious %v by %q, want 情节严重 by 第六十七条 for 20,000.00 元", res.Serious, res.SeriousBy)
		}
		if len(res.Counted) != 1 || res.Counted[0].ID != "serious" || !res.Counted[0].Auto || res.Counted[0].Effect != discretion.MustAggravate {
			t.Fatalf("counted %+v, want only 情节严重 (auto, 应当从重)", res.Counted)
		}
		revoke := false
		for _, k := range res.Kinds {
			revoke = revoke || k.Kind == "吊销许可证件"
		}
		if !revoke || !res.Procedure.Collective || !res.Procedure.HearingRight {
			t.Fatalf("kinds %+v procedure %+v, want 吊销许可证件, 听证 and 集体讨论", res.Kinds, res.Procedure)
		}
		for _, w := range res.Warnings {
			if strings.Contains(w, "勾选「情节严重」") {
				t.Fatalf("warning still asks to tick 情节严重: %s", w)
			}
		}
		if len(res.Steps) == 0 || len(res.Citations) == 0 {
			t.Fatal("compute gave no explanation or citations")
		}
		// the same case as a natural person is the same fine (the clause does not distinguish)
		in["party"] = "natural"
		e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &res)
		if res.FineFen != 36_592_600 {
			t.Fatalf("natural person: %d", res.FineFen)
		}
		// catalogue search by article and by keyword, and 法条智能引用
		var items struct {
			Items []struct{ ID string }
		}
		e.api("ms-analyst", "GET", "/api/v1/discretion/items?q="+url.QueryEscape("第一百二十四条"), nil, &items)
		ids := map[string]bool{}
		for _, it := range items.Items {
			ids[it.ID] = true
		}
		if !ids["food-124-1-5"] || !ids["food-124-1-1"] || ids["ad-55-1"] {
			t.Fatalf("items by article 第一百二十四条: %v", ids)
		}
		var sugg struct{ Suggestions []discretion.Suggestion }
		e.api("ms-analyst", "GET", "/api/v1/discretion/suggest?q="+url.QueryEscape("广告中使用最佳字样")+"&n=3", nil, &sugg)
		if len(sugg.Suggestions) == 0 || sugg.Suggestions[0].ItemID != "ad-57-1" {
			t.Fatalf("suggest: %+v", sugg.Suggestions)
		}
		// nothing was stored by computing
		if n := e.count("SELECT COUNT(*) FROM discretion_cases"); n != 0 {
			t.Fatalf("compute stored %d cases", n)
		}
	})
}

func TestComputeBadInput(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tomorrow := testNow.In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 1).Format("2006-01-02")
		cases := []struct {
			name        string
			mod         func(map[string]any)
			field, code string
			msg         string
		}{
			{"unknown item", func(m map[string]any) { m["item_id"] = "food-999" }, "item_id", "unknown_item", "不在裁量基准目录中"},
			{"negative amount", func(m map[string]any) {
				m["amounts"] = map[string]any{"goods_value": map[string]any{"fen": -100, "set": true}}
			}, "amounts.goods_value", "negative_amount", "不能为负数"},
			{"base missing", func(m map[string]any) { m["amounts"] = map[string]any{} }, "amounts.goods_value", "base_missing", "货值金额"},
			{"future act date", func(m map[string]any) { m["act_date"] = tomorrow; m["discovery_date"] = tomorrow }, "act_date", "future_date", "晚于决定日期"},
			{"bad date", func(m map[string]any) { m["act_date"] = "2026/10/10" }, "act_date", "bad_date", "YYYY-MM-DD"},
			{"contradiction", func(m map[string]any) { m["circumstances"] = []string{"first_minor", "repeat_2y"} }, "circumstances", "contradiction", "相互矛盾"},
			{"unknown field", func(m map[string]any) { m["fine"] = 1 }, "fine", "unknown_field", "未知字段"},
			{"non-numeric amount", func(m map[string]any) {
				m["amounts"] = map[string]any{"goods_value": map[string]any{"fen": "一万", "set": true}}
			}, "amounts.goods_value.fen", "invalid_field", "类型不对，应为 整数（金额以分为单位）"},
		}
		for _, c := range cases {
			in := expiredFood(2_000_000)
			c.mod(in)
			var out apiErr
			code := e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &out)
			if code != 400 || out.Error.Field != c.field || out.Error.Code != c.code || !strings.Contains(out.Error.Message, c.msg) {
				t.Errorf("%s: %d %+v, want 400 field %s code %s message with %q", c.name, code, out.Error, c.field, c.code, c.msg)
			}
		}
		// no discretion role: 403
		var out apiErr
		e.a.Deps.Auth.Create(context.Background(), auth.NewUser{Username: "river", Password: pw, Region: "510100", Roles: "river:chief"})
		u, _ := e.a.Deps.Auth.GetByName(context.Background(), "river")
		e.tokens["river"], _, _ = e.a.Deps.Auth.CreateToken(context.Background(), u.ID, "t")
		if code := e.api("river", "POST", "/api/v1/discretion/compute", expiredFood(2_000_000), &out); code != 403 {
			t.Errorf("river chief compute = %d, want 403", code)
		}
	})
}

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in   string
		fen  int64
		code string // "" = ok
		msg  string
	}{
		{"1234.56", 123456, "", ""},
		{"1,234.5", 123450, "", ""},
		{"1,234,567.89", 123456789, "", ""},
		{"0.1", 10, "", ""},
		{"0", 0, "", ""},
		{".5", 50, "", ""},
		{" 300元 ", 30000, "", ""},
		{"12 000", 1200000, "", ""},
		{"10000.00", 1000000, "", ""},
		{"999999999999.99", 99999999999999, "", ""},
		{"abc", 0, "invalid_amount", "不是有效数字"},
		{"1.234", 0, "invalid_amount", "两位小数"},
		{"1,23", 0, "invalid_amount", "千位分隔符"},
		{"12,3456", 0, "invalid_amount", "千位分隔符"},
		{"1.2.3", 0, "invalid_amount", "多个小数点"},
		{"1e5", 0, "invalid_amount", "不是有效数字"},
		{"-5", 0, "negative_amount", "不能为负数"},
		{"", 0, "invalid_amount", "请填写金额"},
		{"10000000000000", 0, "amount_too_large", "一万亿元"},
	} {
		fen, err := discretion.ParseYuan(c.in, "amounts.goods_value")
		if c.code == "" {
			if err != nil || fen != c.fen {
				t.Errorf("ParseYuan(%q) = %d, %v; want %d", c.in, fen, err, c.fen)
			}
			continue
		}
		var ie *discretion.InputError
		if !errors.As(err, &ie) || ie.Code != c.code || ie.Field != "amounts.goods_value" || !strings.Contains(ie.Message, c.msg) {
			t.Errorf("ParseYuan(%q) = %d, %v; want %s with %q", c.in, fen, err, c.code, c.msg)
		}
	}
}

// browser-like client with a session and the CSRF token of the last page; it does not
// follow redirects, so tests see each 303 and where it goes.
type client struct{ *apptest.Browser }

func (e *env) login(user string) *client {
	e.t.Helper()
	c := &client{e.Browser(false)}
	c.Login(user, pw, "/")
	return c
}

// post submits a form with the page's CSRF token, as htmx does when htmx is true.
func (c *client) post(path string, v url.Values, htmx bool) (*http.Response, string) {
	c.T.Helper()
	v.Set("csrf", c.CSRF)
	req, _ := http.NewRequest("POST", c.Base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	return c.Do(req)
}

func caseForm(goods string) url.Values {
	return url.Values{
		"item_id": {"food-124-1-5"}, "party": {"org"}, "subject_name": {"成都鲜果商贸有限公司"}, "subject_id": {"91510104MA6C0L8X71"},
		"legal_rep": {"王芳"}, "subject_address": {"成都市锦江区春熙路1号"}, "evidence": {"现场检查笔录、进货单据"}, "authority_uscc": {cdBureau},
		"facts": {"超市货架上 3 箱过期酸奶仍在销售"}, "act_date": {"2026-10-10"}, "discovery_date": {"2026-10-20"},
		"amounts.goods_value": {goods}, "cf.fault": {"intentional"},
	}
}

var idRe = regexp.MustCompile(`/discretion/cases/(\d+)`)

// TestCalculatorForm drives the calculator as the page does: the htmx compute partial,
// amounts in 元 with separators, the message next to the field, and saving.
func TestCalculatorForm(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.login("cd-officer")
		resp, body := c.Get("/discretion/new")
		if resp.StatusCode != 200 || !strings.Contains(body, "智慧裁量计算器") || !strings.Contains(body, `hx-post="/discretion/compute"`) {
			t.Fatalf("calculator page: %d", resp.StatusCode)
		}
		// the form posted below holds values the page offers (the item's factors come with the item)
		_, block := c.Get("/discretion/pick?item_id=food-124-1-5")
		mustOffer(t, "calculator", body+block, caseForm("20,000.00"), "item_id", "party", "cf.fault")
		// compute partial: "20,000.00" 元 is 2,000,000 分, the hand-worked case (today 2026-11-20):
		// 365,926.00 元 从重, 情节严重 by 食品安全法实施条例第六十七条 — the box comes back ticked and disabled
		resp, body = c.post("/discretion/compute", caseForm("20,000.00"), true)
		if resp.StatusCode != 200 || !strings.Contains(body, "365,926.00 元") || !strings.Contains(body, "从重") ||
			!strings.Contains(body, `<input type="checkbox" id="serious" checked disabled>`) || !strings.Contains(body, "据案件数据依法认定") {
			t.Fatalf("compute partial: %d %s", resp.StatusCode, body)
		}
		// a bad amount: the Chinese message goes next to the field (out-of-band slot), status 200 for htmx
		resp, body = c.post("/discretion/compute", caseForm("abc"), true)
		if resp.StatusCode != 200 || !regexp.MustCompile(`id="err-amounts-goods_value" hx-swap-oob="true">[^<]*不是有效数字`).MatchString(body) {
			t.Fatalf("bad amount partial: %d %s", resp.StatusCode, body)
		}
		// saving with a future act date: 400, the form again with the message, nothing stored
		bad := caseForm("20000")
		bad.Set("act_date", "2026-12-01")
		bad.Set("discovery_date", "2026-12-02")
		resp, body = c.post("/discretion/cases", bad, false)
		if resp.StatusCode != 400 || !strings.Contains(body, "晚于决定日期") || !strings.Contains(body, "成都鲜果商贸有限公司") {
			t.Fatalf("bad save: %d", resp.StatusCode)
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_cases"); n != 0 {
			t.Fatalf("bad save stored %d cases", n)
		}
		if n := e.audits("create", 0) + e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'discretion'"); n != 0 {
			t.Fatalf("bad save left %d audit entries", n)
		}
		// missing subject id: 400 naming the field
		noID := caseForm("20000")
		noID.Del("subject_id")
		resp, body = c.post("/discretion/cases", noID, false)
		if resp.StatusCode != 400 || !strings.Contains(body, "统一社会信用代码") {
			t.Fatalf("no subject id: %d", resp.StatusCode)
		}
		// a good save: 303 to the case, stored as a draft of the officer's region with an audit entry
		resp, _ = c.post("/discretion/cases", caseForm("20,000.00"), false)
		m := idRe.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != 303 || m == nil {
			t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		var fine, base int64
		var status, reg, tier string
		db.QueryRow(context.Background(), "SELECT fine_fen, base_fen, status, region, tier FROM discretion_cases WHERE id = ?", m[1]).Scan(&fine, &base, &status, &reg, &tier)
		if fine != 36_592_600 || base != 2_000_000 || status != "draft" || reg != "510100" || tier != "从重" { // TestComputeHandWorked
			t.Fatalf("stored case: fine %d base %d %s %s %s", fine, base, status, reg, tier)
		}
		var id int64
		fmt.Sscan(m[1], &id)
		if e.audits("create", id) != 1 {
			t.Fatal("no audit entry for the new case")
		}
		resp, body = c.Get("/discretion/cases/" + m[1])
		if resp.StatusCode != 200 || !strings.Contains(body, "365,926.00 元") || !strings.Contains(body, "裁量说理") || !strings.Contains(body, "据案件数据依法认定") {
			t.Fatalf("case page: %d", resp.StatusCode)
		}
		// edit the draft: the form comes back filled in 元, the change is stored and audited
		resp, body = c.Get("/discretion/cases/" + m[1] + "/edit")
		if resp.StatusCode != 200 || !strings.Contains(body, `value="20000.00"`) || !strings.Contains(body, "修改案件 #"+m[1]) {
			t.Fatalf("edit page: %d", resp.StatusCode)
		}
		resp, _ = c.post("/discretion/cases/"+m[1], caseForm("25000"), false)
		db.QueryRow(context.Background(), "SELECT fine_fen, base_fen FROM discretion_cases WHERE id = ?", m[1]).Scan(&fine, &base)
		if resp.StatusCode != 303 || base != 2_500_000 || fine <= 36_592_600 || e.audits("update", id) != 1 {
			t.Fatalf("update: %d, base %d fine %d", resp.StatusCode, base, fine)
		}
		// submit through the page's form
		resp, _ = c.post("/discretion/cases/"+m[1]+"/submit", url.Values{}, false)
		if resp.StatusCode != 303 || e.count("SELECT COUNT(*) FROM discretion_cases WHERE status = 'pending'") != 1 || e.audits("submit", id) != 1 {
			t.Fatalf("submit by form: %d", resp.StatusCode)
		}
		// suggestions for facts typed in Chinese
		resp, body = c.Get("/discretion/suggest?facts=" + url.QueryEscape("超市卖过期酸奶"))
		if resp.StatusCode != 200 || !strings.Contains(body, "food-124-1-5") {
			t.Fatalf("suggest partial: %d %s", resp.StatusCode, body)
		}
	})
}

type caseOut struct {
	discretion.Case
}

// test codes of the deciding bureaus (valid under GB 32100, not the real ones)
const (
	cdBureau = "11510100MB12345624"
	dyBureau = "11510600MB16000084"
)

// uscc is a valid test 统一社会信用代码 of a company registered in city.
func uscc(city string, n int) string { return credit.MakeUSCC("91", city, fmt.Sprintf("MA6%05d", n)) }

// caseBody is the API body of a new case with the fields the 决定书 and 双公示 need.
func caseBody(user string, in map[string]any, subject string, submit bool) map[string]any {
	auth := cdBureau
	if strings.HasPrefix(user, "dy-") {
		auth = dyBureau
	}
	return map[string]any{"input": in, "subject_id": subject, "subject_name": "测试当事人 " + subject[len(subject)-4:], "facts": "销售超过保质期的酸奶",
		"legal_rep": "张三", "subject_address": "四川省成都市锦江区测试路1号", "evidence": "现场检查笔录、询问笔录、进货单据", "authority_uscc": auth, "submit": submit}
}

func (e *env) createCase(user string, in map[string]any, subject string, submit bool) int64 {
	e.t.Helper()
	var c caseOut
	code := e.api(user, "POST", "/api/v1/discretion/cases", caseBody(user, in, subject, submit), &c)
	if code != 201 {
		var er apiErr
		e.api(user, "POST", "/api/v1/discretion/compute", in, &er)
		e.t.Fatalf("create case: %d", code)
	}
	return c.ID
}

// ready records, as officer, the steps the case needs before it can be decided: the notice of
// the right to a hearing with the party's waiver, and the collective discussion.
func (e *env) ready(officer string, id int64) {
	e.t.Helper()
	var st struct {
		HearingRight bool `json:"hearing_right"`
		Collective   bool `json:"collective"`
	}
	if code := e.api(officer, "GET", fmt.Sprintf("/api/v1/discretion/cases/%d/steps", id), nil, &st); code != 200 {
		e.t.Fatalf("steps of %d: %d", id, code)
	}
	var steps []discretion.StepInput
	if st.HearingRight {
		steps = append(steps, discretion.StepInput{Kind: "hearing_notice", Date: "2026-11-05", Detail: "直接送达"},
			discretion.StepInput{Kind: "hearing_waiver", Date: "2026-11-06", Detail: "当事人书面放弃听证"})
	}
	if st.Collective {
		steps = append(steps, discretion.StepInput{Kind: "collective", Date: "2026-11-18", Outcome: "同意", Detail: "局长办公会，5 人参加，同意"})
	}
	for _, s := range steps {
		var er apiErr
		if code := e.api(officer, "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/steps", id), s, &er); code != 201 {
			e.t.Fatalf("step %s of %d: %d %+v", s.Kind, id, code, er)
		}
	}
}

// TestReviewFlow: save → submit → approve with audit entries; scope and role rejections change nothing.
func TestReviewFlow(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.createCase("cd-officer", expiredFood(2_000_000), uscc("510100", 1234567%100000), false)
		path := fmt.Sprintf("/api/v1/discretion/cases/%d", id)
		var c caseOut
		if e.api("cd-officer", "POST", path+"/submit", nil, &c); c.Status != "pending" {
			t.Fatalf("after submit: %s", c.Status)
		}
		// the officer cannot approve
		var er apiErr
		if code := e.api("cd-officer", "POST", path+"/approve", nil, &er); code != 403 || er.Error.Code != "forbidden" {
			t.Fatalf("officer approve = %d %+v", code, er)
		}
		// a 德阳 reviewer cannot decide a 成都 case: 403 out_of_scope, nothing changed
		if code := e.api("dy-reviewer", "POST", path+"/approve", nil, &er); code != 403 || er.Error.Code != "out_of_scope" {
			t.Fatalf("dy reviewer approve = %d %+v", code, er)
		}
		if code := e.api("dy-reviewer", "POST", path+"/return", map[string]string{"reason": "x"}, &er); code != 403 {
			t.Fatalf("dy reviewer return = %d", code)
		}
		// nor read it while it is undecided
		if code := e.api("dy-officer", "GET", path, nil, &er); code != 403 {
			t.Fatalf("dy officer reads a pending 成都 case: %d", code)
		}
		if e.count("SELECT COUNT(*) FROM discretion_cases WHERE id = ? AND status = 'pending' AND reviewer_id = 0", id) != 1 ||
			e.audits("approve", id)+e.audits("return", id) != 0 {
			t.Fatal("a rejected review changed the case or the audit log")
		}
		// the 成都 reviewer approves once the hearing notice, the waiver and the collective discussion are recorded
		e.ready("cd-officer", id)
		if code := e.api("cd-reviewer", "POST", path+"/approve", map[string]string{"reason": "事实清楚，同意"}, &c); code != 200 || c.Status != "decided" || c.DecidedOn != "2026-11-20" || c.ReviewerName != "成都审核" {
			t.Fatalf("approve = %d %+v", code, c.Case)
		}
		for _, a := range []string{"create", "submit", "approve"} {
			if e.audits(a, id) != 1 {
				t.Fatalf("audit %s entries = %d, want 1", a, e.audits(a, id))
			}
		}
		// decided: immutable and readable in all four cities
		if code := e.api("cd-reviewer", "POST", path+"/return", map[string]string{"reason": "x"}, &er); code != 409 {
			t.Fatalf("return a decided case = %d, want 409", code)
		}
		if code := e.api("ms-analyst", "GET", path, nil, &c); code != 200 || c.FineFen != 36_592_600 { // TestComputeHandWorked
			t.Fatalf("眉山 analyst reads the decided case: %d", code)
		}

		// lists: 德阳 sees the decided 成都 case among the shared ones, not among its own
		var list struct{ Cases []discretion.Case }
		e.api("dy-officer", "GET", "/api/v1/discretion/cases?scope=shared", nil, &list)
		if len(list.Cases) != 1 || list.Cases[0].ID != id { // (before the next decision)
			t.Fatalf("shared list = %+v", list.Cases)
		}
		e.api("dy-officer", "GET", "/api/v1/discretion/cases", nil, &list)
		if len(list.Cases) != 0 {
			t.Fatalf("德阳's own list shows %d cases", len(list.Cases))
		}
		// the API is documented
		var doc struct{ Paths map[string]any }
		e.api("dy-officer", "GET", "/api/v1/openapi.json", nil, &doc)
		for _, p := range []string{"/api/v1/discretion/compute", "/api/v1/discretion/cases", "/api/v1/discretion/cases/{id}/similar", "/api/v1/discretion/suggest", "/api/v1/discretion/items"} {
			if doc.Paths[p] == nil {
				t.Errorf("OpenAPI misses %s", p)
			}
		}

		// a person's ID number is shown in full to the deciding city only
		person := expiredFood(1_200_000)
		person["party"] = "natural"
		pid := e.createCase("cd-officer", person, "510104199001011230", true)
		e.ready("cd-officer", pid)
		e.api("cd-reviewer", "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/approve", pid), nil, &c)
		if e.api("ms-analyst", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d", pid), nil, &c); c.SubjectID != "510104********1230" {
			t.Fatalf("眉山 sees the ID number %q", c.SubjectID)
		}
		if e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d", pid), nil, &c); c.SubjectID != "510104199001011230" {
			t.Fatalf("成都 sees the ID number %q", c.SubjectID)
		}

		// return needs a reason; with one the case goes back to the officer
		id2 := e.createCase("cd-officer", expiredFood(3_000_000), uscc("510100", 1234568%100000), true)
		p2 := fmt.Sprintf("/api/v1/discretion/cases/%d", id2)
		if code := e.api("cd-reviewer", "POST", p2+"/return", map[string]string{"reason": " "}, &er); code != 400 || er.Error.Field != "reason" {
			t.Fatalf("return without reason = %d %+v", code, er)
		}
		if code := e.api("cd-reviewer", "POST", p2+"/return", map[string]string{"reason": "请补充进货单据"}, &c); code != 200 || c.Status != "returned" || c.ReviewComment != "请补充进货单据" {
			t.Fatalf("return = %d %+v", code, c.Case)
		}
		if e.audits("return", id2) != 1 || e.audits("submit", id2) != 1 {
			t.Fatal("return or submit not audited")
		}
		// resubmitted after return
		if e.api("cd-officer", "POST", p2+"/submit", nil, &c); c.Status != "pending" {
			t.Fatalf("resubmit: %s", c.Status)
		}

		// a reviewer cannot review their own case
		id3 := e.createCase("cd-both", expiredFood(2_500_000), uscc("510100", 1234569%100000), true)
		if code := e.api("cd-both", "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/approve", id3), nil, &er); code != 403 || er.Error.Code != "own_case" {
			t.Fatalf("own case approve = %d %+v", code, er)
		}
		// bad input on create: 400 with the field, nothing stored
		before := e.count("SELECT COUNT(*) FROM discretion_cases")
		bad := expiredFood(-5)
		if code := e.api("cd-officer", "POST", "/api/v1/discretion/cases", caseBody("cd-officer", bad, uscc("510100", 1234567%100000), false), &er); code != 400 || er.Error.Field != "amounts.goods_value" {
			t.Fatalf("bad create = %d %+v", code, er)
		}
		if e.count("SELECT COUNT(*) FROM discretion_cases") != before {
			t.Fatal("bad create stored a case")
		}
		// the review queue shows the pending cases of 成都 only to 成都
		_, body := e.login("cd-reviewer").Get("/discretion/review")
		if !strings.Contains(body, fmt.Sprintf("/discretion/cases/%d", id2)) {
			t.Fatal("review queue misses the resubmitted case")
		}
		_, body = e.login("dy-reviewer").Get("/discretion/review")
		if strings.Contains(body, fmt.Sprintf("/discretion/cases/%d\"", id2)) {
			t.Fatal("德阳 review queue shows a 成都 case")
		}
	})
}

// TestSimilarAndPriors: the similar cases of a case are exactly the decided cases of all four
// cities with the same item, the same tier and a base within ±50 %; a proposal far from their
// median is flagged. A subject's earlier decided case makes the next one 再犯.
func TestSimilarAndPriors(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		decide := func(officer, reviewer string, in map[string]any, subject string) int64 {
			id := e.createCase(officer, in, subject, true)
			e.ready(officer, id)
			var c caseOut
			if code := e.api(reviewer, "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/approve", id), nil, &c); code != 200 {
				t.Fatalf("approve %d: %d", id, code)
			}
			return id
		}
		// 货值金额 2万元以上 is 情节严重 by 食品安全法实施条例第六十七条第一款第（一）项 (从重), so the
		// 一般 cases compared here stay between 10,000 and 19,999.99 元 (1万–5万 个案 score: all at the
		// same position, 47.28 %, see TestComputeHandWorked's arithmetic at 13–17倍).
		want := map[int64]bool{}
		for i, g := range []int64{1_050_000, 1_200_000, 1_950_000} { // 10,500 / 12,000 / 19,500 元
			want[decide("cd-officer", "cd-reviewer", expiredFood(g), uscc("510100", i))] = true
		}
		want[decide("dy-officer", "dy-reviewer", expiredFood(1_650_000), uscc("510600", 1001))] = true // 德阳
		decide("cd-officer", "cd-reviewer", expiredFood(1_000_000*7/10), uscc("510100", 1011))         // 7,000 元: base outside ±50 %
		lenient := expiredFood(1_700_000)
		lenient["circumstances"] = []string{"cooperate"}
		decide("cd-officer", "cd-reviewer", lenient, uscc("510100", 1012)) // 从轻: another tier
		serious := expiredFood(2_200_000)
		decide("cd-officer", "cd-reviewer", serious, uscc("510100", 1015)) // 22,000 元: 情节严重 by 第六十七条, 从重: another tier
		other := expiredFood(1_600_000)
		other["item_id"] = "food-124-1-4"
		decide("cd-officer", "cd-reviewer", other, uscc("510100", 1013))               // another item
		e.createCase("cd-officer", expiredFood(1_800_000), uscc("510100", 1014), true) // not decided

		// the case: 16,000 元 (一般), proposed at the legal maximum 16,000 × 20 = 320,000 元 with a reason
		in := expiredFood(1_600_000)
		in["proposed_fen"] = 32_000_000
		in["proposal_reason"] = "当事人拒不配合"
		id := e.createCase("cd-officer", in, uscc("510100", 1020), false)
		var rep discretion.SimilarReport
		if code := e.api("dy-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d/similar", id), nil, &rep); code != 403 {
			t.Fatalf("德阳 reads the similar cases of a 成都 draft: %d", code)
		}
		if code := e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d/similar", id), nil, &rep); code != 200 {
			t.Fatalf("similar = %d", code)
		}
		got := map[int64]bool{}
		for _, s := range rep.Cases {
			got[s.ID] = true
		}
		if len(got) != len(want) || rep.Count != 4 {
			t.Fatalf("similar cases %v, want %v", got, want)
		}
		for id := range want {
			if !got[id] {
				t.Fatalf("similar cases %v miss %d", got, id)
			}
		}
		if rep.BaseLow != 800_000 || rep.BaseHigh != 2_400_000 || rep.Position != 10000 { // 16,000 元 ± 50 %
			t.Fatalf("band %d–%d position %d", rep.BaseLow, rep.BaseHigh, rep.Position)
		}
		// all similar cases sit at the same position (same scores, fine proportional to the base)
		if rep.Median < 4700 || rep.Median > 4760 || !rep.Warn || rep.Departure != 10000-rep.Median || !strings.Contains(rep.Message, "偏离") {
			t.Fatalf("median %d departure %d warn %v: %s", rep.Median, rep.Departure, rep.Warn, rep.Message)
		}
		if rep.ByCity[1].Name != "德阳市" || rep.ByCity[1].Count != 1 {
			t.Fatalf("by city: %+v", rep.ByCity)
		}
		// a narrower band leaves out 10,500, 12,000 and 19,500 (±20 %: 12,800–19,200)
		e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d/similar?band=20", id), nil, &rep)
		if rep.Count != 1 {
			t.Fatalf("±20%%: %d cases, want 1 (德阳 16,500)", rep.Count)
		}
		// the warning distance and the least number of similar cases are settings: at 60 % of the
		// range the same proposal is within it, and with at least five cases wanted four give no warning
		e.m.Config.DepartureBP = 6000
		e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d/similar", id), nil, &rep)
		if rep.Warn || rep.Threshold != 6000 || !strings.Contains(rep.Message, "在提示阈值 60.00% 以内") {
			t.Fatalf("departure setting 60 %%: warn %v threshold %d: %s", rep.Warn, rep.Threshold, rep.Message)
		}
		e.m.Config.DepartureBP, e.m.Config.MinSimilar = discretion.DefaultConfig.DepartureBP, 5
		e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d/similar", id), nil, &rep)
		if rep.Warn || !strings.Contains(rep.Message, "少于 5 件") {
			t.Fatalf("at least 5 similar cases: warn %v: %s", rep.Warn, rep.Message)
		}
		e.m.Config = discretion.DefaultConfig

		// priors: subject 91510100MA61000000 was decided for 食品安全 on 2026-11-20; a new case of the
		// same subject is 再犯 automatically, and 初次违法 is refused. (16,000 元: below 2万元, so 从重
		// comes from the prior alone, not from 第六十七条.)
		var res discretion.Result
		in = expiredFood(1_600_000)
		in["subject_id"] = uscc("510100", 0)
		in["act_date"], in["discovery_date"] = "2026-11-20", "2026-11-20" // the day of the prior decision: counted
		e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &res)
		auto := false
		for _, c := range res.Counted {
			auto = auto || c.Auto && c.ID != "serious"
		}
		if !auto || res.Tier != discretion.TierSevere || res.Serious {
			t.Fatalf("prior violation not counted: tier %s counted %+v", res.Tier, res.Counted)
		}
		in["circumstances"] = []string{"first_minor"}
		var er apiErr
		if code := e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &er); code != 400 || er.Error.Code != "contradiction" {
			t.Fatalf("首违 with a prior: %d %+v", code, er)
		}

		// pages: consistency with its chart, the catalogue, the case with its similar cases
		c := e.login("ms-analyst")
		for path, want := range map[string]string{
			"/discretion/consistency":                               `data-chart="`,
			"/discretion/consistency?item=food-124-1-5":             "成都市",
			"/discretion/catalogue?q=" + url.QueryEscape("第一百二十四条"): "food-124-1-5",
			"/discretion/catalogue/food-124-1-5":                    "货值金额一万元以上",
			"/discretion/?view=shared":                              "已决定",
			"/":                                                     "偏离类案的决定",
		} {
			resp, body := c.Get(path)
			if resp.StatusCode != 200 || !strings.Contains(body, want) {
				t.Errorf("%s: %d, want %q in the page", path, resp.StatusCode, want)
			}
		}
		for i := range want {
			resp, body := c.Get(fmt.Sprintf("/discretion/cases/%d", i))
			if resp.StatusCode != 200 || !strings.Contains(body, "四市类案") {
				t.Errorf("decided case %d page: %d", i, resp.StatusCode)
			}
			break
		}
		if resp, _ := c.Get(fmt.Sprintf("/discretion/cases/%d", id)); resp.StatusCode != 403 {
			t.Errorf("眉山 reads a 成都 draft: %d", resp.StatusCode)
		}
		// each similar case shows its own legal range (law version and base differ from case to
		// case): the 10,500 元 case, 10–20倍 = 105,000.00–210,000.00 元
		if _, body := e.login("cd-officer").Get(fmt.Sprintf("/discretion/cases/%d", id)); !strings.Contains(body, "<th class=\"num\">法定幅度（元）</th>") ||
			!strings.Contains(body, "105,000.00–210,000.00") || !strings.Contains(body, "比较的是罚款在各自幅度内的位置") {
			t.Errorf("the similar cases of the draft do not show each case's legal range")
		}
	})
}

// TestSeriousByRegulationHTTP: the API and the calculator form, on both database engines, apply
// 食品安全法实施条例第六十七条第一款第（一）项 (货值金额2万元以上或者持续时间3个月以上 属于情节严重情形).
//   - 19,999.99 元 (act 2026-10-10, same factors as TestComputeHandWorked, score 43.21 %): not serious,
//     一般 13倍–17倍 = 259,999.87–339,999.83 元; 259,999.87 + 79,999.96 × 43.21 % = 294,567.85 →
//     294,568.00 元 (rounded to whole 元).
//   - 100.00 元 from 2026-01-15 to 2026-04-15 (three months): 不足一万元, 五万元以上十万元以下; 情节严重 →
//     从重, 50,000 + 50,000 × 70 % = 85,000 to 100,000 元, and 吊销许可证件.
//   - a case saved unticked at 20,000.00 元 is stored 从重 (365,926.00 元, TestComputeHandWorked) and its
//     page says the 情节严重 was 认定 by the rule; the form keeps the officer's own tick (hidden) while
//     the box is fixed by the rule, and gives the box back to the officer below 2万元.
func TestSeriousByRegulationHTTP(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var res discretion.Result
		in := expiredFood(1_999_999)
		in["today"] = "2026-11-01"
		if code := e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &res); code != 200 {
			t.Fatalf("compute = %d", code)
		}
		if res.FineFen != 29_456_800 || res.Tier != discretion.TierGeneral || res.BandMin != 25_999_987 || res.BandMax != 33_999_983 || res.Serious || res.SeriousBy != "" {
			t.Fatalf("19,999.99 元: fine %d %s band %d–%d serious %v %q, want 294,568.00 元 一般, not serious", res.FineFen, res.Tier, res.BandMin, res.BandMax, res.Serious, res.SeriousBy)
		}
		in = expiredFood(10_000)
		in["act_date"], in["act_end_date"], in["discovery_date"], in["today"] = "2026-01-15", "2026-04-15", "2026-05-01", "2026-06-01"
		res = discretion.Result{}
		if code := e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &res); code != 200 {
			t.Fatalf("compute = %d", code)
		}
		revoke := false
		for _, k := range res.Kinds {
			revoke = revoke || k.Kind == "吊销许可证件"
		}
		if res.Tier != discretion.TierSevere || res.BandMin != 8_500_000 || res.BandMax != 10_000_000 || !revoke || !strings.Contains(res.SeriousBy, "违法行为自2026-01-15持续至2026-04-15（3个月以上）") {
			t.Fatalf("three months: %s band %d–%d revoke %v by %q, want 从重 85,000–100,000 元 and 吊销许可证件", res.Tier, res.BandMin, res.BandMax, revoke, res.SeriousBy)
		}
		in["act_end_date"] = "2026-04-14"
		res = discretion.Result{}
		e.api("cd-officer", "POST", "/api/v1/discretion/compute", in, &res)
		if res.Tier != discretion.TierGeneral || res.Serious || res.BandMin != 6_500_000 || res.BandMax != 8_500_000 {
			t.Fatalf("one day short of three months: %s serious %v band %d–%d, want 一般 65,000–85,000 元", res.Tier, res.Serious, res.BandMin, res.BandMax)
		}

		// saved unticked at 20,000.00 元: stored as 情节严重, 从重
		id := e.createCase("cd-officer", expiredFood(2_000_000), uscc("510100", 9300), false)
		var tier string
		var fine, base int64
		db.QueryRow(context.Background(), "SELECT tier, fine_fen, base_fen FROM discretion_cases WHERE id = ?", id).Scan(&tier, &fine, &base)
		if tier != "从重" || fine != 36_592_600 || base != 2_000_000 {
			t.Fatalf("stored case: %s %d base %d, want 从重 36592600 base 2000000", tier, fine, base)
		}
		c := e.login("cd-officer")
		if _, body := c.Get(fmt.Sprintf("/discretion/cases/%d", id)); !strings.Contains(body, "据案件数据依法认定") || !strings.Contains(body, "情节严重（依法认定）") {
			t.Fatal("case page does not say the 情节严重 was 认定 by the rule")
		}
		if _, body := c.Get("/discretion/catalogue/food-124-1-5"); !strings.Contains(body, "2019-12-01以后的违法行为，符合食品安全法实施条例第六十七条第一款第（一）项") {
			t.Fatal("the item page does not say when 情节严重 is 认定 by the rule")
		}
		if _, body := c.Get(fmt.Sprintf("/discretion/cases/%d/edit", id)); !strings.Contains(body, `<input type="checkbox" id="serious" checked disabled>`) || strings.Contains(body, `name="serious" value="1" checked`) {
			t.Fatal("edit page: the 情节严重 box is not shown ticked and fixed")
		}
		// the form: ticked by the officer and by the rule → the tick is kept (hidden) for later
		f := caseForm("20,000.00")
		f.Set("serious", "1")
		_, body := c.post("/discretion/compute", f, true)
		if !strings.Contains(body, `<input type="checkbox" id="serious" checked disabled>`) || !strings.Contains(body, `<input type="hidden" name="serious" value="1">`) || !strings.Contains(body, "（办案人员亦已勾选）") {
			t.Fatalf("ticked and by the rule: %.400s", body)
		}
		// below 2万元 the box is the officer's again: ticked stays ticked, unticked stays unticked
		f = caseForm("19,999.99")
		f.Set("serious", "1")
		_, body = c.post("/discretion/compute", f, true)
		if !strings.Contains(body, `<input type="checkbox" id="serious" name="serious" value="1" checked>`) || strings.Contains(body, "依法认定") || !strings.Contains(body, "从重") {
			t.Fatalf("ticked below 2万元: %.400s", body)
		}
		_, body = c.post("/discretion/compute", caseForm("19,999.99"), true)
		if !strings.Contains(body, `<input type="checkbox" id="serious" name="serious" value="1">`) || !strings.Contains(body, "294,568.00 元") || !strings.Contains(body, "一般") {
			t.Fatalf("unticked below 2万元: %.400s", body)
		}
	})
}
