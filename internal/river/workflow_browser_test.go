package river_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web/browsertest"
)

// browserAs starts headless Chromium (w×h, at most 90 seconds) signed in as user; must
// fails the test on an error, problems collects what the browser reports. The browser
// ends with the test.
func browserAs(t *testing.T, e *env, user string, w, h int, view ...chromedp.EmulateViewportOption) (context.Context, *browsertest.Problems, func(string, error)) {
	t.Helper()
	ctx, cancel := browsertest.Start(t, w, h)
	t.Cleanup(cancel)
	ctx, cancel2 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel2)
	problems := browsertest.Watch(ctx)
	must := browsertest.Must(t)
	must("viewport", chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h), view...)))
	must("open login", chromedp.Do(ctx, chromedp.Navigate(e.Srv.URL+"/login")))
	must("fill login", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("username"), user), chromedp.SetValue(chromedp.ID("password"), pw)))
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	must("login", err)
	return ctx, problems, must
}

// TestReportAndAssignInBrowser: a 河长办 clerk in headless Chromium reports a problem found
// by 督查暗访 on the 德阳/成都 shared reach (重大, 排污), accepts it from its page and assigns
// it with the 交办 form to a unit with a co-unit in 德阳 and a deadline picked in the date
// field; a second report is refused (不予受理) with a reason. Each button sends what the
// server takes: the stored problems say so, and the browser reports no error.
func TestReportAndAssignInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx, problems, must := browserAs(t, e, "cd-office", 1280, 900)
	base := e.Srv.URL
	report := func(desc string) {
		t.Helper()
		_, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/river/report"))
		must("open the report form", err)
		must("fill the report", chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("reach"), itoa(e.sharedReach)),
			chromedp.SetValue(chromedp.ID("source"), "inspection"),
			chromedp.SetValue(chromedp.ID("category"), "sewage"),
			chromedp.SetValue(chromedp.ID("severity"), "major"),
			chromedp.SetValue(chromedp.ID("desc"), desc),
		))
		_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/river/problems"] button[type=submit]`)))
		must("send the report", err)
	}
	page := func() string {
		t.Helper()
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
		must("read the page", err)
		return text
	}
	click := func(action string) {
		t.Helper()
		_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form:has(input[name=action][value=`+action+`]) button[type=submit]`)))
		must(action, err)
	}
	report("暗访发现排口直排")
	if text := page(); !strings.Contains(text, "督查暗访 / 排污 / 重大") || !strings.Contains(text, "跨市河段，联合办理") {
		t.Fatalf("the problem page after the report: %s", text)
	}
	click("accept")
	must("fill the 交办 form", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`form:has(input[value=assign]) input[name=unit]`), "青白江区水务局"),
		chromedp.SetValue(chromedp.CSS(`form:has(input[value=assign]) input[name=joint_units]`), "广汉市水利局"),
		chromedp.SetValue(chromedp.CSS(`form:has(input[value=assign]) input[name=deadline]`), "2026-11-27"),
	))
	click("assign")
	if text := page(); !strings.Contains(text, "已交办") || !strings.Contains(text, "青白江区水务局、广汉市水利局") || !strings.Contains(text, "2026-11-27 23:59") {
		t.Fatalf("the problem page after 交办: %s", text)
	}
	if n := e.count(`SELECT COUNT(*) FROM river_problems WHERE source = 'inspection' AND category = 'sewage' AND severity = 'major' AND state = 'assigned'
		AND unit = '青白江区水务局' AND joint_units = '广汉市水利局' AND deadline LIKE '2026-11-27T15:59:59%'`); n != 1 {
		t.Fatalf("the assigned problem is not stored as entered (%d)", n)
	}
	report("重复上报的同一排口")
	must("give the reason", chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`form:has(input[value=reject]) input[name=reason]`), "与已交办问题重复")))
	click("reject")
	if text := page(); !strings.Contains(text, "不予受理") || !strings.Contains(text, "与已交办问题重复") {
		t.Fatalf("the problem page after 不予受理: %s", text)
	}
	if n := e.count("SELECT COUNT(*) FROM river_problems WHERE description = '重复上报的同一排口' AND state = 'rejected'"); n != 1 {
		t.Fatal("the refused problem is not stored as rejected")
	}
	problems.Check(t)
}
