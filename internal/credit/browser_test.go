package credit_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web/browsertest"
)

// TestRepairInBrowser walks a credit repair in headless Chromium as the two
// people do it: the 成都 credit clerk finds the entry from the module's
// navigation, is told in Chinese what is missing on the form, applies and
// accepts it for review; the reviewer approves it from the queue and the
// entry shows as removed. Every page is checked at phone width (390 px) for
// sideways overflow. Then a large upload shows its progress (htmx polling)
// until the report link appears. Any console error or exception fails.
func TestRepairInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	ctx, cancel := browsertest.Start(t, 1366, 768)
	defer cancel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	e.addUser("cd-reviewer", "510100", "credit:reviewer")
	seedSubjectAndRecords(t, e)
	if st, body := e.do("cd-credit", "POST", "/api/v1/credit/blacklist", []any{blEntry("成市监失〔2026〕1号", "510100", "2026-03-01", "2029-03-01")}); st != 200 || !strings.Contains(string(body), `"accepted":1`) {
		t.Fatalf("push: %d %s", st, body)
	}
	ctx, cancel2 := context.WithTimeout(ctx, 120*time.Second)
	defer cancel2()
	problems := browsertest.Watch(ctx)
	must := browsertest.Must(t)
	base := e.srv.URL
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 600)`))
			t.Fatalf("wait for %s: %v\npage: %s", what, err, page)
		}
	}
	nav := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, a)
		must(what, err)
		if resp == nil {
			t.Fatalf("%s: no response", what)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		must("read "+sel, err)
		return s
	}
	// phone checks the current page at 390 px for sideways scrolling, then
	// goes back to the desktop size.
	phone := func(label string) {
		t.Helper()
		must("phone viewport", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)))
		w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`new Promise(r => requestAnimationFrame(() => r([document.documentElement.scrollWidth, window.innerWidth])))`, chromedp.EvalAwaitPromise))
		must("measure "+label, err)
		if len(w) == 2 && (w[0] > w[1]+1 || w[1] > 391) {
			t.Errorf("%s at 390 px: scrollWidth %d, innerWidth %d (sideways overflow)", label, w[0], w[1])
		}
		must("desktop viewport", chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)))
	}
	login := func(user string) {
		t.Helper()
		must("open login", chromedp.Do(ctx, chromedp.Navigate(base+"/login")))
		must("fill login", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("username"), user), chromedp.SetValue(chromedp.ID("password"), pw)))
		nav("login "+user, chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
		waitFor("home", `document.location.pathname === '/' && !!document.querySelector('nav.nav')`)
	}

	// the clerk: navigation → list → entry → form
	login("cd-credit")
	must("open credit", chromedp.Do(ctx, chromedp.Navigate(base+"/credit/")))
	nav("list", chromedp.Click(chromedp.CSS(`nav.subnav a[href="/credit/blacklist"]`)))
	waitFor("list", `!!document.querySelector('#blacklist tbody a')`)
	phone("名单")
	nav("entry", chromedp.Click(chromedp.CSS(`#blacklist tbody a`)))
	waitFor("entry", `!!document.querySelector('#apply-link')`)
	if s := text("#entry-status"); s != "公示中" {
		t.Fatalf("entry status %q", s)
	}
	phone("名单记录")
	nav("form", chromedp.Click(chromedp.ID("apply-link")))
	waitFor("form", `!!document.querySelector('#apply-form')`)
	phone("申请表")
	nav("submit empty", chromedp.Click(chromedp.CSS(`#apply-form button[type=submit]`)))
	waitFor("error", `!!document.querySelector('#form-error')`)
	if s := text("#form-error"); !strings.Contains(s, "申请人：不能为空") || !strings.Contains(s, "证明材料：不能为空") {
		t.Fatalf("form error: %q", s)
	}
	must("fill", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("applicant"), "成都蜀锦食品有限公司"),
		chromedp.SetValue(chromedp.ID("applicant_role"), "委托代理人"),
		chromedp.SendKeys(chromedp.ID("reason"), "已缴清罚款，完成整改"),
		chromedp.SendKeys(chromedp.ID("evidence"), "信用修复申请书、守信承诺书、罚款缴纳凭证")))
	nav("apply", chromedp.Click(chromedp.CSS(`#apply-form button[type=submit]`)))
	waitFor("application", `(document.querySelector('#repair-state') || {}).textContent === '已申请'`)
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.location.pathname`))
	must("location", err)
	phone("申请")
	nav("accept for review", chromedp.Click(chromedp.CSS(`#review-form button`)))
	waitFor("under review", `(document.querySelector('#repair-state') || {}).textContent === '审核中'`)
	if s := text("#why"); !strings.Contains(s, "信用审核人员决定") {
		t.Errorf("clerk sees %q", s)
	}
	nav("logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))

	// the reviewer: queue → application → approve
	login("cd-reviewer")
	must("open queue", chromedp.Do(ctx, chromedp.Navigate(base+"/credit/repairs")))
	waitFor("queue", `!!document.querySelector('#repairs a[href="`+loc+`"]')`)
	phone("待办")
	nav("open application", chromedp.Click(chromedp.CSS(`#repairs a[href="`+loc+`"]`)))
	waitFor("decision forms", `!!document.querySelector('#remove-form') && !!document.querySelector('#refuse-form')`)
	phone("审核")
	must("opinion", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("remove-note"), "已履行义务，符合移出条件")))
	nav("approve", chromedp.Click(chromedp.CSS(`#remove-form button`)))
	waitFor("back in the queue", `document.location.pathname === '/credit/repairs' && document.body.innerText.includes('已准予修复')`)
	if n := e.count("SELECT COUNT(*) FROM credit_blacklist WHERE repaired_on = '2026-11-20'"); n != 1 {
		t.Fatalf("entries removed by repair: %d", n)
	}
	must("open list", chromedp.Do(ctx, chromedp.Navigate(base+"/credit/blacklist?state=out")))
	nav("entry again", chromedp.Click(chromedp.CSS(`#blacklist tbody a`)))
	waitFor("removed", `(document.querySelector('#entry-status') || {}).textContent === '已移出（信用修复）'`)
	nav("logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))

	// a large upload shows its progress until the report link appears
	e.noUploadWait()
	content, bad := bigSubjectsCSV(20000)
	file := filepath.Join(t.TempDir(), "subjects-20000.csv")
	must("write file", os.WriteFile(file, content, 0o600))
	login("cd-credit")
	must("open import", chromedp.Do(ctx, chromedp.Navigate(base+"/credit/import")))
	must("choose file", chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{file})))
	nav("upload", chromedp.Click(chromedp.CSS(`form[action="/credit/import"] button[type=submit]`)))
	waitFor("progress page", `document.location.pathname.startsWith('/credit/import/jobs/') && !!document.querySelector('#job-status')`)
	phone("导入进度")
	waitFor("report link (htmx polling)", `!!document.querySelector('#job-report')`)
	if s := text("#job-accepted"); s != strconv.Itoa(20000-bad) {
		t.Errorf("accepted on the progress page: %q", s)
	}
	nav("report", chromedp.Click(chromedp.ID("job-report")))
	waitFor("batch page", `document.location.pathname.startsWith('/credit/batches/')`)
	if s := text("#rejected"); s != strconv.Itoa(bad) {
		t.Errorf("rejected on the batch page: %q", s)
	}
	problems.Check(t)
}
