// Package e2e holds the end-to-end tests that drive the whole program through a real
// browser: headless Chromium from the distribution's packages, controlled with chromedp.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tongcheng/internal/app"
	"tongcheng/internal/app/apptest"
	"tongcheng/internal/platform"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
	"tongcheng/internal/web/browsertest"
)

// problems collects what went wrong in the browser while pages were open: console
// errors, uncaught exceptions, failed or refused requests, requests to other hosts.
type problems struct {
	mu       sync.Mutex
	host     string            // the test server's host:port
	page     string            // the page being visited, for the messages
	urls     map[string]string // request id → URL
	allowDoc map[string]bool   // document URLs whose 4xx status is expected (wrong password)
	list     []string
	notes    []string
}

func (p *problems) setPage(name string) {
	p.mu.Lock()
	p.page = name
	p.mu.Unlock()
}

func (p *problems) addf(format string, args ...any) {
	p.list = append(p.list, "["+p.page+"] "+fmt.Sprintf(format, args...))
}

// take returns the problems recorded so far and forgets them.
func (p *problems) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.list
	p.list = nil
	return out
}

func (p *problems) isStatic(u string) bool {
	pu, err := url.Parse(u)
	return err == nil && strings.HasPrefix(pu.Path, "/static/")
}

// browserOwn reports whether u is a request the browser makes by itself, not the page:
// the automatic /favicon.ico when the layout declares no icon. It is noted, not failed.
func (p *problems) browserOwn(u string) bool {
	pu, err := url.Parse(u)
	if err == nil && pu.Host == p.host && pu.Path == "/favicon.ico" {
		p.notes = append(p.notes, "the browser asked for /favicon.ico and got an error: the layout declares no icon")
		return true
	}
	return false
}

// event is called by chromedp for every event of the tab; it must return fast.
func (p *problems) event(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				switch {
				case a.Description != "":
					parts = append(parts, a.Description)
				case len(a.Value) > 0:
					parts = append(parts, string(a.Value))
				}
			}
			p.addf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		p.addf("未捕获的异常 / uncaught exception: %s (%s:%d)", msg, d.URL, d.LineNumber+1)
	case *cdplog.EventEntryAdded:
		// the browser's own log: CSP refusals, "Failed to load resource", mixed content …
		e := ev.Entry
		if e != nil && e.Level == cdplog.EntryLevelError && !p.allowDoc[e.URL] && !p.browserOwn(e.URL) {
			p.addf("浏览器日志 / browser log (%s): %s %s", e.Source, e.Text, e.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		p.urls[string(ev.RequestID)] = u
		if pu, err := url.Parse(u); err == nil && (pu.Scheme == "http" || pu.Scheme == "https" || pu.Scheme == "ws" || pu.Scheme == "wss") && pu.Host != p.host {
			p.addf("页面请求了外部地址（内网没有互联网）/ request to another host: %s", u)
		}
	case *network.EventResponseReceived:
		r := ev.Response
		if r.Status >= 400 {
			if ev.Type == network.ResourceTypeDocument && p.allowDoc[r.URL] || p.browserOwn(r.URL) {
				return
			}
			p.addf("HTTP %d: %s (%s)", r.Status, r.URL, ev.Type)
		}
	case *network.EventLoadingFailed:
		u := p.urls[string(ev.RequestID)]
		if p.isStatic(u) || !ev.Canceled {
			p.addf("请求失败 / request failed: %s %s (%s)", u, ev.ErrorText, ev.BlockedReason)
		}
	}
}

// shotName names a page's screenshot file after its path: "/" → "page-home", "/river/reaches" → "page-river-reaches".
func shotName(path string) string {
	p := strings.Trim(path, "/")
	if p == "" {
		p = "home"
	}
	return "page-" + strings.NewReplacer("/", "-", "?", "-", "&", "-", "=", "-").Replace(p)
}

// startServer builds the whole program on a fresh SQLite file with the small demo data
// and serves it on 127.0.0.1. It returns the base URL and the server's log (warnings and errors).
func startServer(t *testing.T) (string, *apptest.SyncBuffer) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	logs := &apptest.SyncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Build(ctx, db, log, false)
	if err != nil {
		t.Fatalf("app.Build: %v", err)
	}
	var demoOut bytes.Buffer
	start := time.Now()
	if err := a.Demo(ctx, platform.Small, 2022, &demoOut); err != nil {
		t.Fatalf("demo data: %v\n%s", err, demoOut.String())
	}
	t.Logf("demo data (small) in %v", time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), logs
}

// TestBrowser logs in through the real login page, opens every page of the navigation
// bar and checks the home page's chart and its layout on a phone and a 1366×768 screen.
func TestBrowser(t *testing.T) {
	if !slices.Contains(web.StaticPaths(), "/static/vendor/echarts.min.js") || !slices.Contains(web.StaticPaths(), "/static/vendor/htmx.min.js") {
		t.Fatal("内嵌静态文件缺少 ECharts 或 htmx，请先运行 make assets / the embedded vendor files are missing: run `make assets` first")
	}
	shots := os.Getenv("TONGCHENG_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	base, serverLog := startServer(t)
	host := strings.TrimPrefix(base, "http://")

	ctx, cancel := browsertest.Start(t, 1366, 768)
	defer cancel()
	// the walk takes about 10 s; a page that hangs must not hang the test run
	ctx, tcancel := context.WithTimeout(ctx, 90*time.Second)
	defer tcancel()

	prob := &problems{host: host, urls: map[string]string{}, allowDoc: map[string]bool{}}
	if err := chromedp.Listen(ctx, prob.event); err != nil {
		t.Fatal(err)
	}
	must := browsertest.Must(t)
	// settle lets deferred scripts, chart set-up and late errors happen before we look.
	settle := chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))`, chromedp.EvalAwaitPromise)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady))
		must("read "+sel, err)
		return strings.TrimSpace(s)
	}
	checkClean := func() {
		t.Helper()
		must("settle", chromedp.Do(ctx, settle))
		for _, p := range prob.take() {
			t.Errorf("浏览器中出现问题 / browser problem: %s", p)
		}
	}
	viewport := func(w, h int64, mobile bool) {
		t.Helper()
		var o []chromedp.EmulateViewportOption
		if mobile {
			o = append(o, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		must("viewport", chromedp.Do(ctx, chromedp.EmulateViewport(w, h, o...)))
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must("screenshot", err)
		p := filepath.Join(shots, name+".png")
		must("save screenshot", os.WriteFile(p, png, 0o644))
		t.Logf("screenshot %s", p)
	}
	// noOverflow asserts the page does not scroll sideways at the current viewport.
	noOverflow := func(label string, wantWidth int) {
		t.Helper()
		type widths struct {
			Scroll, Inner, Client int
			Wide                  []string
		}
		w, err := chromedp.Run(ctx, chromedp.Evaluate[widths](`((want) => {
			const vw = Math.min(window.innerWidth, want), wide = [];
			for (const el of document.querySelectorAll('body *')) {
				const r = el.getBoundingClientRect();
				if (r.width > 0 && r.right > vw + 1 && wide.length < 5) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' right=' + Math.round(r.right));
			}
			return {Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth, Client: document.documentElement.clientWidth, Wide: wide};
		})(`+strconv.Itoa(wantWidth)+`)`))
		must("measure "+label, err)
		if w.Inner > wantWidth+1 {
			t.Errorf("%s: window.innerWidth = %d, want %d (the page was zoomed out to fit something too wide: %v)", label, w.Inner, wantWidth, w.Wide)
		}
		if w.Scroll > w.Inner+1 {
			t.Errorf("%s: 页面横向溢出 / horizontal overflow: scrollWidth %d > innerWidth %d; too wide: %v", label, w.Scroll, w.Inner, w.Wide)
		}
	}

	viewport(1366, 768, false)

	// 1. An anonymous visitor to / gets the Chinese login page.
	prob.setPage("/ (anonymous)")
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+"/"))
	must("open /", err)
	if resp.Status != http.StatusOK || !strings.HasSuffix(strings.SplitN(resp.URL, "?", 2)[0], "/login") {
		t.Fatalf("anonymous /: got %d %s, want 200 on /login", resp.Status, resp.URL)
	}
	if h := text("main h1"); !strings.Contains(h, "登录") {
		t.Errorf("login page heading = %q, want it to contain 登录", h)
	}
	if lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "zh-CN" {
		t.Errorf("<html lang> = %q, want zh-CN", lang)
	}
	checkClean()

	// 2. A wrong password gives the Chinese error, on the login page again.
	prob.setPage("/login (wrong password)")
	prob.mu.Lock()
	prob.allowDoc[base+"/login"] = true // the answer is 401 by design
	prob.mu.Unlock()
	must("fill login form", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("username"), "admin"),
		chromedp.SetValue(chromedp.ID("password"), "not-"+app.DemoPassword),
	))
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	must("submit wrong password", err)
	if resp.Status != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", resp.Status)
	}
	if msg := text("#login-error"); !strings.Contains(msg, "用户名或密码不正确") {
		t.Errorf("wrong password: message %q, want 用户名或密码不正确", msg)
	}
	checkClean()
	prob.mu.Lock()
	delete(prob.allowDoc, base+"/login")
	prob.mu.Unlock()

	// 3. admin with the demo password lands on the home page (驾驶舱).
	prob.setPage("/login (admin)")
	must("fill login form", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("username"), "admin"),
		chromedp.SetValue(chromedp.ID("password"), app.DemoPassword),
	))
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	must("log in as admin", err)
	if resp.Status != http.StatusOK || strings.TrimPrefix(resp.URL, base) != "/" {
		t.Fatalf("login as admin: got %d %s, want 200 on /", resp.Status, resp.URL)
	}
	prob.setPage("/")
	if h := text("main h1"); h != "驾驶舱" {
		t.Errorf("home heading = %q, want 驾驶舱", h)
	}
	checkChart := func() {
		t.Helper()
		// the chart is drawn by ECharts into a <canvas> inside #chart-users; it must have painted pixels.
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`(() => {
			const c = document.querySelector('#chart-users canvas');
			if (!c || c.width === 0 || c.height === 0) return false;
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
			return false;
		})()`, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
		if err != nil {
			t.Errorf("首页图表未绘制 / the home chart did not render a painted <canvas> inside #chart-users: %v", err)
		}
	}
	checkChart()
	if errs, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main .errmsg')).map(e => e.textContent.trim())`)); len(errs) > 0 {
		t.Errorf("home page shows errors: %q", errs)
	}
	checkClean()

	// 4. Every link of the navigation bar opens a page without errors.
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('nav.nav a')).map(a => a.getAttribute('href'))`))
	must("read navigation", err)
	if len(links) < 4 || !slices.Contains(links, "/") || !slices.Contains(links, "/users") || !slices.Contains(links, "/audit") {
		t.Errorf("admin's navigation = %q, want at least 首页 /, /users, /audit, /tokens", links)
	}
	seen := map[string]bool{}
	var pages []string
	for _, href := range links {
		if seen[href] || !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
			if !strings.HasPrefix(href, "/") {
				t.Errorf("nav link %q is not a local path", href)
			}
			continue
		}
		seen[href] = true
		pages = append(pages, href)
	}
	// the name in the header opens 我的账户
	acct, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('header .who a') || {getAttribute: () => ''}).getAttribute('href')`))
	must("read account link", err)
	if acct != "/account" {
		t.Errorf("header account link = %q, want /account", acct)
	} else {
		pages = append(pages, acct)
	}
	for _, href := range pages {
		prob.setPage(href)
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+href))
		must("open "+href, err)
		if resp.Status != http.StatusOK {
			t.Errorf("%s: status %d, want 200", href, resp.Status)
		}
		if got := strings.TrimPrefix(resp.URL, base); got != href {
			t.Errorf("%s: ended on %s (redirected away)", href, got)
		}
		type pageInfo struct {
			Title, H1 string
			ErrorPage bool
			Nav       int
		}
		info, err := chromedp.Run(ctx, chromedp.Evaluate[pageInfo](`({
			Title: document.title,
			H1: (document.querySelector('main h1') || {textContent: ''}).textContent.trim(),
			ErrorPage: !!document.querySelector('main > section.card.narrow > p.errmsg'),
			Nav: document.querySelectorAll('nav.nav a').length,
		})`))
		must("inspect "+href, err)
		if info.ErrorPage {
			t.Errorf("%s: 显示了错误页 / shows the error page: %q", href, info.H1)
		}
		if info.H1 == "" {
			t.Errorf("%s: page has no <h1> heading", href)
		}
		if info.Nav == 0 {
			t.Errorf("%s: navigation bar is missing (logged out?)", href)
		}
		noOverflow(href+" @1366", 1366)
		shot(shotName(href) + "-1366x768")
		checkClean()
		// ECharts (about 1 MB) is fetched by the pages that hold a chart, and by no other
		type chartInfo struct{ Charts, Scripts int }
		ci, err := chromedp.Run(ctx, chromedp.Evaluate[chartInfo](`({
			Charts: document.querySelectorAll('[data-chart]').length,
			Scripts: document.querySelectorAll('script[src="/static/vendor/echarts.min.js"]').length,
		})`))
		must("count charts on "+href, err)
		if (ci.Charts > 0) != (ci.Scripts == 1) || ci.Scripts > 1 {
			t.Errorf("%s: %d charts and %d ECharts scripts: a page loads ECharts once when it has a chart, never otherwise", href, ci.Charts, ci.Scripts)
		}
		t.Logf("ok %-12s %d %q (%d charts)", href, resp.Status, info.Title, ci.Charts)
	}

	// 5. The home page at 1366×768 and on a phone (390×844).
	prob.setPage("/ @1366x768")
	must("open home", chromedp.Do(ctx, chromedp.Navigate(base+"/")))
	checkChart()
	noOverflow("home @1366x768", 1366)
	shot("home-1366x768")
	checkClean()

	prob.setPage("/ @390x844")
	viewport(390, 844, true)
	must("open home", chromedp.Do(ctx, chromedp.Navigate(base+"/")))
	checkChart()
	noOverflow("home @390x844", 390)
	if vis, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('nav.nav')).display !== 'none'`)); vis {
		t.Errorf("phone: the navigation should fold behind the 菜单 button")
	}
	shot("home-390x844")
	// the 菜单 button unfolds the navigation
	must("open menu", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label.navbtn`))))
	if vis, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('nav.nav')).display !== 'none'`)); !vis {
		t.Errorf("phone: the 菜单 button did not unfold the navigation")
	}
	noOverflow("home @390x844, menu open", 390)
	shot("home-390x844-menu")
	checkClean()

	// the other pages on the phone too: they must not scroll sideways
	for _, href := range pages {
		if href == "/" {
			continue
		}
		prob.setPage(href + " @390x844")
		must("open "+href, chromedp.Do(ctx, chromedp.Navigate(base+href)))
		noOverflow(href+" @390x844", 390)
		shot(shotName(href) + "-390x844")
		checkClean()
	}

	prob.mu.Lock()
	if len(prob.notes) > 0 {
		t.Logf("NOTE: %s", prob.notes[0])
	}
	prob.mu.Unlock()
	if l := serverLog.String(); strings.Contains(l, "level=ERROR") {
		t.Errorf("the server logged errors while the browser walked the pages:\n%s", l)
	}
}
