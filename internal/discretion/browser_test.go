package discretion_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web/browsertest"
)

// pageWalk starts headless Chromium (window 1366×768) for a walk through the pages and gives
// its tab 60 s (skipped with -short). It returns the tab, what it watches for (console errors, exceptions), the
// step check, an evaluator, a poll that shows the result panel (or the page) when it times
// out, and the func that stops the browser.
func pageWalk(t *testing.T) (ctx context.Context, problems *browsertest.Problems, must func(string, error), eval func(string) string, waitFor func(what, js string), stop func()) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	ctx, cancel := browsertest.Start(t, 1366, 768)
	ctx, cancel2 := context.WithTimeout(ctx, 60*time.Second)
	problems, must = browsertest.Watch(ctx), browsertest.Must(t)
	eval = func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		must("evaluate", err)
		return s
	}
	waitFor = func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#result') || document.body).innerText.slice(0, 600)`))
			t.Fatalf("wait for %s: %v\npage: %s", what, err, page)
		}
	}
	return ctx, problems, must, eval, waitFor, func() { cancel2(); cancel() }
}

// walkLogin logs user in on the login page of base and waits for the home page.
func walkLogin(t *testing.T, ctx context.Context, must func(string, error), waitFor func(what, js string), base, user string) {
	t.Helper()
	must("open login", chromedp.Do(ctx, chromedp.Navigate(base+"/login")))
	must("fill login", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("username"), user), chromedp.SetValue(chromedp.ID("password"), pw)))
	if resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`))); err != nil || resp == nil || resp.Status >= 400 {
		t.Fatalf("login %s: %v %+v", user, err, resp)
	}
	waitFor("home", `document.location.pathname === '/' && !!document.querySelector('nav.nav')`)
}

// pickFirst is the poll that picks the first suggestion (选用) until item id's form is there: a
// suggestion list still arriving from the last keystrokes can replace the one clicked, so the
// click is repeated (at most every 2 s, never while a request is out).
func pickFirst(id string) string {
	return `(() => {
		if (document.querySelector('#item_id').value === '` + id + `' && !!document.querySelector('#cf-fault')) return true;
		const b = document.querySelector('#suggestions button.dx-pick');
		if (b && !document.querySelector('.htmx-request') && !(window.__picked > Date.now() - 2000)) { window.__picked = Date.now(); b.click(); }
		return false;
	})()`
}

// TestCalculatorInBrowser drives the calculator in headless Chromium as an officer does:
// describe the facts, pick the suggested item (法条智能引用), choose a factor, type the
// amount in 元 and see the result at once (htmx, no inline scripts under the CSP); save
// and submit; then record 告知 → 要求听证 → 听证 → 集体讨论 from the case page, a reviewer
// approves it, and the 行政处罚决定书 opens from the case page, fits a 390 px phone and prints
// without the navigation. Any console error fails.
func TestCalculatorInBrowser(t *testing.T) {
	ctx, problems, must, _, waitFor, stop := pageWalk(t)
	defer stop()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		must("read "+sel, err)
		return s
	}
	base := e.Srv.URL
	// nav runs an action that loads a new page and waits for its response
	nav := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, a)
		must(what, err)
		if resp == nil || resp.Status >= 400 {
			t.Fatalf("%s: response %+v", what, resp)
		}
	}
	login := func(user string) { walkLogin(t, ctx, must, waitFor, base, user) }

	login("cd-officer")
	must("open calculator", chromedp.Do(ctx, chromedp.Navigate(base+"/discretion/new")))
	must("describe facts", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("facts"), "超市货架上发现3箱已过保质期的酸奶仍在销售")))
	waitFor("suggestions", `!!document.querySelector('#suggestions button.dx-pick')`)
	if s := text(`#suggestions li`); !strings.Contains(s, "超过保质期") {
		t.Fatalf("first suggestion: %q", s)
	}
	// 选用: a suggestion list still arriving from the last keystrokes can replace the one
	// clicked, so the click is repeated (at most every 2 s, never while a request is out)
	// until the item's form is there
	waitFor("picked item", pickFirst("food-124-1-5"))
	must("fill the case", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("cf-fault"), "intentional"),
		chromedp.SendKeys(chromedp.ID("subject_name"), "成都鲜果商贸有限公司"),
		chromedp.SendKeys(chromedp.ID("subject_id"), "91510104MA6C0L8X71"),
		chromedp.SendKeys(chromedp.ID("legal_rep"), "王芳"),
		chromedp.SendKeys(chromedp.ID("subject_address"), "成都市锦江区春熙路1号"),
		chromedp.SendKeys(chromedp.ID("evidence"), "现场检查笔录、进货单据"),
		chromedp.SendKeys(chromedp.ID("authority_uscc"), cdBureau),
		chromedp.SetValue(chromedp.ID("act_date"), "2026-10-10"),
		chromedp.SetValue(chromedp.ID("discovery_date"), "2026-10-20"),
		chromedp.SendKeys(chromedp.CSS(`input[name="amounts.goods_value"]`), "abc"),
		chromedp.Click(chromedp.ID("victims")), // leaving the field fires change → compute
	))
	waitFor("message next to the amount", `document.querySelector('#err-amounts-goods_value').textContent.includes('不是有效数字')`)
	must("correct the amount", chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="amounts.goods_value"]').value = ''`),
		chromedp.SendKeys(chromedp.CSS(`input[name="amounts.goods_value"]`), "19,999.99"),
		chromedp.Click(chromedp.ID("victims"))))
	// 19,999.99 元 is short of 食品安全法实施条例第六十七条第一款第（一）项 (货值金额2万元以上): 一般,
	// 13 倍–17 倍 = 259,999.87–339,999.83 元; 259,999.87 + 79,999.96 × 43.21 % = 294,567.85 → 294,568.00 元
	// (score 43.21 % as in TestComputeHandWorked); the 情节严重 box stays the officer's to tick.
	waitFor("result below 2万元", `(document.querySelector('#dx-fine') || {}).textContent === '294,568.00 元'`)
	if s := text(`#err-amounts-goods_value`); strings.TrimSpace(s) != "" {
		// the message clears once the amount is right (text of an empty visible span is "")
		t.Fatalf("stale message: %q", s)
	}
	if s := text(`#result`); !strings.Contains(s, "一般") || !strings.Contains(s, "裁量说理") || !strings.Contains(s, "第一百二十四条") {
		t.Fatalf("result panel misses tier, explanation or citation: %.300s", s)
	}
	if st, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(b => b.checked + ' ' + b.disabled)(document.querySelector('#serious'))`)); err != nil || st != "false false" {
		t.Fatalf("情节严重 box below 2万元: %q %v, want unticked and enabled", st, err)
	}
	must("amount 20,000.00", chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="amounts.goods_value"]').value = ''`),
		chromedp.SendKeys(chromedp.CSS(`input[name="amounts.goods_value"]`), "20,000.00"),
		chromedp.Click(chromedp.ID("victims"))))
	// 20,000.00 元: 情节严重 by 第六十七条 → 从重, 365,926.00 元 (TestComputeHandWorked); the box
	// comes back ticked and disabled, the officer cannot untick it.
	waitFor("result at 2万元", `(document.querySelector('#dx-fine') || {}).textContent === '365,926.00 元'`)
	if st, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(b => b.checked + ' ' + b.disabled)(document.querySelector('#serious'))`)); err != nil || st != "true true" {
		t.Fatalf("情节严重 box at 2万元: %q %v, want ticked and disabled", st, err)
	}
	if s := text(`#result`); !strings.Contains(s, "从重") || !strings.Contains(s, "情节严重（依法认定）") || !strings.Contains(s, "吊销许可证") {
		t.Fatalf("result panel at 2万元 misses 从重 or 情节严重: %.300s", s)
	}
	nav("save and submit", chromedp.Click(chromedp.CSS(`button[name=submit][value="1"]`)))
	waitFor("case page", `document.location.pathname.startsWith('/discretion/cases/')`)
	if s := text(`main`); !strings.Contains(s, "案件已保存并提交法制审核") || !strings.Contains(s, "待审核") || !strings.Contains(s, "365,926.00") {
		t.Fatalf("case page after saving: %.400s", s)
	}
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.location.pathname`))
	must("location", err)

	// the fine gives a right to a hearing and needs collective discussion: the reviewer cannot decide yet
	if s := text(`#gate`); !strings.Contains(s, "听证") {
		t.Fatalf("case page does not say what is missing: %q", s)
	}
	// 告知 → 要求听证 → 听证 → 集体讨论, recorded by the officer from the case page
	for _, st := range []struct{ kind, date, detail, outcome string }{
		{"hearing_notice", "2026-11-16", "直接送达听证告知书", ""},
		{"hearing_request", "2026-11-17", "当事人书面要求听证", ""},
		{"hearing_record", "2026-11-19", "主持人李明；当事人称已下架并全部退货", ""},
		{"collective", "2026-11-20", "局务会 5 人参加，同意", "同意"},
	} {
		must("step "+st.kind, chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("step-kind"), st.kind),
			chromedp.SetValue(chromedp.ID("step-date"), st.date),
			chromedp.SetValue(chromedp.ID("step-outcome"), st.outcome),
			chromedp.SendKeys(chromedp.ID("step-detail"), st.detail)))
		nav("record "+st.kind, chromedp.Click(chromedp.CSS(`#step-form button`)))
		waitFor("step "+st.kind+" recorded", `(document.querySelector('#steps') || {innerText: ''}).innerText.includes('`+st.date+`')`)
	}
	if s := text(`#steps`); !strings.Contains(s, "举行听证") || !strings.Contains(s, "负责人集体讨论（同意）") {
		t.Fatalf("steps table: %q", s)
	}

	// the reviewer approves from the case page
	nav("logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	login("cd-reviewer")
	must("open the case", chromedp.Do(ctx, chromedp.Navigate(base+loc)))
	must("approval opinion", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("approve-reason"), "事实清楚")))
	nav("approve", chromedp.Click(chromedp.CSS(`form[action$="/approve"] button`)))
	waitFor("review queue", `document.location.pathname === '/discretion/review'`)
	if s := text(`main`); !strings.Contains(s, "审核通过") {
		t.Fatalf("after approving: %.300s", s)
	}
	if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided' AND fine_fen = 36592600 AND review_comment = '事实清楚' AND decision_no = '成市监处罚〔2026〕1号'"); n != 1 {
		t.Fatalf("decided cases = %d", n)
	}
	// the 决定书 from the case page's link, printable, and readable on a phone
	must("open the case again", chromedp.Do(ctx, chromedp.Navigate(base+loc)))
	nav("open the decision", chromedp.Click(chromedp.ID("decision-link")))
	waitFor("decision page", `!!document.querySelector('#decision')`)
	doc := text(`#decision`)
	for _, want := range []string{"行政处罚决定书", "成市监处罚〔2026〕1号", "成都鲜果商贸有限公司", "成都市锦江区春熙路1号", "现场检查笔录、进货单据",
		"第一百二十四条", "罚款人民币 365,926.00 元", "十五日内", "六十日内", "六个月内", "举行了听证", "2026年11月20日", "（印章）"} {
		if !strings.Contains(doc, want) {
			t.Errorf("决定书 misses %q", want)
		}
	}
	must("phone width", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	must("reload on a phone", chromedp.Do(ctx, chromedp.Reload()))
	waitFor("decision page on a phone", `!!document.querySelector('#decision') && window.innerWidth === 390`)
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	must("page width", err)
	if w > 390 {
		t.Errorf("decision page is %d px wide on a 390 px phone", w)
	}
	// the case page with its steps table also fits the phone
	must("case page on a phone", chromedp.Do(ctx, chromedp.Navigate(base+loc)))
	waitFor("case page on a phone", `!!document.querySelector('#steps') && window.innerWidth === 390`)
	cw, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	must("case page width", err)
	if cw > 390 {
		t.Errorf("case page is %d px wide on a 390 px phone", cw)
	}
	must("back to the decision", chromedp.Do(ctx, chromedp.Navigate(base+loc+"/decision")))
	waitFor("decision page again", `!!document.querySelector('#decision')`)
	// printed on A4 the navigation is left out
	must("print media", chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})))
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('header.top')).display === 'none' && getComputedStyle(document.querySelector('.dx-tools')).display === 'none' && getComputedStyle(document.querySelector('#decision')).display !== 'none'`))
	must("print layout", err)
	if !hidden {
		t.Error("printing the 决定书 keeps the navigation or hides the document")
	}
	problems.Check(t)
}
