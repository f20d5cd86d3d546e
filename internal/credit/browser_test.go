package credit_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web/browsertest"
)

// walk is a browser walk of the credit pages: the steps both walks take.
type walk struct {
	t        *testing.T
	ctx      context.Context
	must     func(what string, err error)
	base     string
	problems *browsertest.Problems // console errors and exceptions
}

// startWalk starts headless Chromium (for at most timeout) and a server on
// SQLite holding the subjects and penalties of seedSubjectAndRecords and a
// 成都 blacklist entry of usccA with the document number doc.
func startWalk(t *testing.T, timeout time.Duration, doc string) (*walk, *env) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	ctx, cancel := browsertest.Start(t, 1366, 768)
	t.Cleanup(cancel)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	seedSubjectAndRecords(t, e)
	if st, body := e.do("cd-credit", "POST", "/api/v1/credit/blacklist", []any{blEntry(doc, "510100", "2026-03-01", "2029-03-01")}); st != 200 || !strings.Contains(string(body), `"accepted":1`) {
		t.Fatalf("push: %d %s", st, body)
	}
	ctx, cancel2 := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel2)
	return &walk{t: t, ctx: ctx, must: browsertest.Must(t), base: e.srv.URL, problems: browsertest.Watch(ctx)}, e
}

// waitFor polls js until it is true (30 s), or fails showing the page.
func (w *walk) waitFor(what, js string) {
	w.t.Helper()
	if _, err := chromedp.Run(w.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		page, _ := chromedp.Run(w.ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 600)`))
		w.t.Fatalf("wait for %s: %v\npage: %s", what, err, page)
	}
}

// nav runs an action that loads a page (a click on a link or a submit).
func (w *walk) nav(what string, a chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	resp, err := chromedp.RunResponse(w.ctx, a)
	w.must(what, err)
	if resp == nil {
		w.t.Fatalf("%s: no response", what)
	}
}

// login signs user in through the login form.
func (w *walk) login(user string) {
	w.t.Helper()
	w.must("open login", chromedp.Do(w.ctx, chromedp.Navigate(w.base+"/login")))
	w.must("fill login", chromedp.Do(w.ctx, chromedp.SetValue(chromedp.ID("username"), user), chromedp.SetValue(chromedp.ID("password"), pw)))
	w.nav("login "+user, chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	w.waitFor("home", `document.location.pathname === '/' && !!document.querySelector('nav.nav')`)
}

// phone checks the current page at 390 px for sideways scrolling, then goes
// back to the desktop size.
func (w *walk) phone(label string) {
	w.t.Helper()
	w.must("phone viewport", chromedp.Do(w.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)))
	width, err := chromedp.Run(w.ctx, chromedp.Evaluate[[]int](`new Promise(r => requestAnimationFrame(() => r([document.documentElement.scrollWidth, window.innerWidth])))`, chromedp.EvalAwaitPromise))
	w.must("measure "+label, err)
	if len(width) == 2 && (width[0] > width[1]+1 || width[1] > 391) {
		w.t.Errorf("%s at 390 px: scrollWidth %d, innerWidth %d (sideways overflow)", label, width[0], width[1])
	}
	w.must("desktop viewport", chromedp.Do(w.ctx, chromedp.EmulateViewport(1366, 768)))
}

// TestRepairInBrowser walks a credit repair in headless Chromium as the two
// people do it: the 成都 credit clerk finds the entry from the module's
// navigation, is told in Chinese what is missing on the form, applies and
// accepts it for review; the reviewer approves it from the queue and the
// entry shows as removed. Every page is checked at phone width (390 px) for
// sideways overflow. Then a large upload shows its progress (htmx polling)
// until the report link appears. Any console error or exception fails.
func TestRepairInBrowser(t *testing.T) {
	w, e := startWalk(t, 120*time.Second, "成市监失〔2026〕1号")
	e.addUser("cd-reviewer", "510100", "credit:reviewer")
	ctx, must, problems := w.ctx, w.must, w.problems
	base, waitFor, nav := w.base, w.waitFor, w.nav
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		must("read "+sel, err)
		return s
	}
	phone := w.phone
	login := w.login

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

// TestReportAndBulletinInBrowser walks an officer's look-up before a licence
// in headless Chromium: search by name from the look-up form, open the credit
// report, see the subject listed and its penalties in their publication
// period, print it (the navigation, the forms and the repair links are left
// out, the report stays) and read it on a phone; then the monthly bulletin
// draws its chart (ECharts on a canvas) and its month links lead to the
// month before. Any console error or exception fails.
func TestReportAndBulletinInBrowser(t *testing.T) {
	w, e := startWalk(t, 90*time.Second, "成市监失〔2026〕2号")
	seedBulletinMonth(t, e)
	ctx, must, problems := w.ctx, w.must, w.problems
	base, waitFor, nav := w.base, w.waitFor, w.nav
	eval := func(what, js string) bool {
		t.Helper()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		must(what, err)
		return ok
	}

	w.login("cd-credit")

	// the look-up form: by name, any part of it
	must("open look-up", chromedp.Do(ctx, chromedp.Navigate(base+"/credit/")))
	must("fill look-up", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("f-by"), "name"), chromedp.SendKeys(chromedp.ID("f-q"), "蜀锦")))
	nav("search", chromedp.Click(chromedp.CSS(`form[action="/credit/"] button[type=submit]`)))
	waitFor("result", `!!document.querySelector('a[href="/credit/subjects/`+usccA+`"]')`)
	nav("open report", chromedp.Click(chromedp.CSS(`a[href="/credit/subjects/`+usccA+`"]`)))
	waitFor("report", `document.location.pathname === '/credit/subjects/`+usccA+`' && !!document.querySelector('h1')`)
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`section.card p`), chromedp.NodeVisible))
	must("report summary", err)
	// 2 penalties of seedSubjectAndRecords and 6 of the bulletin month's of this subject (the October one included), all in period
	if !strings.Contains(summary, "严重失信主体名单：在列") || !strings.Contains(summary, "公示期内的行政处罚 8 条") || !strings.Contains(summary, "成都市") || !strings.Contains(summary, "德阳市") {
		t.Errorf("report summary: %q", summary)
	}
	if !eval("repair links on screen", `document.querySelectorAll('a.noprint[href^="/credit/repairs/new"]').length > 0 && getComputedStyle(document.querySelector('a.noprint[href^="/credit/repairs/new"]')).display !== 'none'`) {
		t.Error("the collector sees no repair link on the report")
	}
	// printed: no navigation, no links to act, the report and its tables stay
	must("print media", chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})))
	if !eval("print layout", `getComputedStyle(document.querySelector('header.top')).display === 'none' &&
		[...document.querySelectorAll('.noprint, nav, form')].every(el => getComputedStyle(el).display === 'none') &&
		document.querySelectorAll('section.card table').length >= 3 &&
		[...document.querySelectorAll('section.card')].every(el => getComputedStyle(el).display !== 'none' && el.offsetHeight > 0)`) {
		t.Error("the printed report keeps the navigation or the repair links, or loses a section")
	}
	must("screen media", chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		return err
	})))
	w.phone("信用报告")

	// the bulletin: figures, the chart drawn, the previous month
	must("open bulletin", chromedp.Do(ctx, chromedp.Navigate(base+"/credit/bulletin?month=2026-11")))
	waitFor("chart drawn", `(() => { const c = document.querySelector('.chart canvas'); return !!c && c.width > 100 && c.height > 50 })()`)
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("total-received"), chromedp.NodeVisible))
	must("received", err)
	if got != "8" { // seedBulletinMonth's 6 and seedSubjectAndRecords' 2
		t.Errorf("bulletin received %q, want 8", got)
	}
	if !eval("xlsx link", `!!document.querySelector('a[href="/credit/bulletin.xlsx?month=2026-11"]')`) {
		t.Error("no workbook link for the month shown")
	}
	nav("previous month", chromedp.Click(chromedp.CSS(`a[href="/credit/bulletin?month=2026-10"]`)))
	waitFor("October", `document.querySelector('h1').textContent.includes('2026年10月') && document.getElementById('total-received').textContent === '1'`)
	problems.Check(t)
}
