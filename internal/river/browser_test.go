package river_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tongcheng/internal/store/storetest"
)

// TestOpsPagesOnPhone opens the 督办, 考核, 断面水质 and problem (with photos)
// pages in headless Chromium on a 390 px wide phone: each renders its charts
// from data-chart (no inline script), nothing scrolls sideways, and the
// browser reports no error.
func TestOpsPagesOnPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	e := newEnv(t, storetest.Open(t, "sqlite"))
	bg := context.Background()

	// data: an overdue, escalated problem with a photo; readings of the test section
	p := e.assigned(e.cdReach, testNow.Add(time.Hour))
	e.apiMultipart("cd-office", fmt.Sprintf("/api/v1/river/problems/%d/photos", p.ID), map[string]string{"kind": "report"}, nil,
		[3]any{"photos", "scene.jpg", testJPEG(t)})
	later := testNow.Add(72 * time.Hour)
	e.m.Now = func() time.Time { return later }
	if _, err := e.m.EscalateOverdue(bg, later); err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{0.4, 0.9, 1.7, 0.6} {
		e.api("cd-office", "POST", "/api/v1/river/readings", map[string]any{"section_id": "T-SEC-1", "sampled_at": fmt.Sprintf("2026-11-1%d 08:00", i),
			"values": map[string]float64{"NH3N": v, "COD": 14, "DO": 6.5}}, nil)
	}

	ctx, problems, must := browserAs(t, e, "cd-office", 390, 844, chromedp.EmulateMobile)
	base := e.Srv.URL

	type check struct {
		Scroll, Inner int
		Wide          []string
		Charts, Drawn int
		H1            string
	}
	for _, c := range []struct {
		path   string
		charts int
		text   string
	}{
		{"/river/supervise", 0, "锦江区水务局"},
		{"/river/assessment?period=2026-11&level=county", 1, "锦江区"},
		{"/river/assessment?period=2026-11", 1, "成都市"},
		{"/river/trends", 0, "测试断面"},
		{"/river/trends/T-SEC-1?from=2026-11-01&to=2026-11-30", 4, "目标 Ⅲ类"},
		{fmt.Sprintf("/river/problems/%d", p.ID), 0, "超期升级"},
	} {
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+c.path))
		must("open "+c.path, err)
		if resp == nil || resp.Status != 200 {
			t.Fatalf("%s: response %+v", c.path, resp)
		}
		if c.charts > 0 {
			_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll('.chart canvas').length >= `+fmt.Sprint(c.charts), chromedp.WithPollingTimeout(10*time.Second)))
			must("charts of "+c.path, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[check](`(() => {
			const vw = window.innerWidth, wide = [];
			for (const el of document.querySelectorAll('body *')) {
				const r = el.getBoundingClientRect();
				if (r.width > 0 && r.right > vw + 1 && wide.length < 5 && !el.closest('.scroll')) wide.push(el.tagName.toLowerCase() + '.' + (typeof el.className === 'string' ? el.className : '') + ' right=' + Math.round(r.right));
			}
			return {Scroll: document.documentElement.scrollWidth, Inner: vw, Wide: wide,
				Charts: document.querySelectorAll('.chart').length, Drawn: document.querySelectorAll('.chart canvas').length,
				H1: document.querySelector('main h1') ? document.querySelector('main').innerText : ''};
		})()`))
		must("measure "+c.path, err)
		if got.Inner > 391 || got.Scroll > got.Inner+1 {
			t.Errorf("%s: 页面横向溢出 scrollWidth %d innerWidth %d: %v", c.path, got.Scroll, got.Inner, got.Wide)
		}
		if got.Charts != c.charts || got.Drawn < c.charts {
			t.Errorf("%s: %d charts, %d drawn, want %d", c.path, got.Charts, got.Drawn, c.charts)
		}
		if !strings.Contains(got.H1, c.text) {
			t.Errorf("%s: page lacks %q", c.path, c.text)
		}
	}
	// the photo shows on the problem page
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`(() => { const i = document.querySelector('.photos img'); return !!i && i.complete && i.naturalWidth === 64; })()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Errorf("the problem's photo did not load: %v", err)
	}
	problems.Check(t)
}
