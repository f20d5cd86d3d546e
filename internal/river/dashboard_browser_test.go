package river_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDashboardOnPhone opens the 驾驶舱 over the small demo in headless Chromium
// at a phone's size (390 × 844): the schematic map's canvas is painted, every
// chart is drawn, no console error or exception, and the page is no wider than
// the screen; the list filtered by a county (what a tap on the map opens) fits too.
func TestDashboardOnPhone(t *testing.T) {
	ctx, e, problems, must := phoneOverDemo(t)
	base := e.Srv.URL
	loginInBrowser(ctx, e, must, "cd-office")

	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+"/river/dashboard"))
	must("open dashboard", err)
	if resp == nil || resp.Status != 200 {
		t.Fatalf("dashboard: status %+v", resp)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"), chromedp.NodeReady))
	must("text", err)
	if !strings.Contains(body, "示意图，非标准地图") || !strings.Contains(body, "沱江") {
		t.Fatalf("the dashboard does not show the map note or the rivers: %.300s", body)
	}
	// the map's canvas: drawn at the card's width with many painted pixels
	must("map drawn", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#river-map canvas`))))
	type paint struct{ Width, Painted, Charts, Canvases int }
	var p paint
	for i := 0; i < 20; i++ { // ECharts paints on the next animation frames
		p, err = chromedp.Run(ctx, chromedp.Evaluate[paint](`(() => {
			const c = document.querySelector('#river-map canvas');
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			let n = 0;
			for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
			return {Width: c.getBoundingClientRect().width, Painted: n,
				Charts: document.querySelectorAll('[data-chart]').length, Canvases: document.querySelectorAll('[data-chart] canvas').length};
		})()`))
		must("paint", err)
		if p.Painted > 5000 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if p.Width < 300 || p.Width > 390 || p.Painted < 5000 || p.Canvases != p.Charts || p.Charts < 7 {
		t.Fatalf("map canvas %+v", p)
	}
	if shot := os.Getenv("TONGCHENG_SHOT"); shot != "" { // a look at the map while developing
		png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`#map`)))
		must("screenshot", err)
		must("write screenshot", os.WriteFile(shot, png, 0o644))
	}
	type widths struct{ Scroll, Inner int }
	w, err := chromedp.Run(ctx, chromedp.Evaluate[widths](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
	must("widths", err)
	if w.Inner == 0 || w.Inner > 400 || w.Scroll > w.Inner {
		t.Errorf("dashboard: page %d px wide on a %d px screen", w.Scroll, w.Inner)
	}
	// the county filter the map's points open
	resp, err = chromedp.Run(ctx, chromedp.NavigateResponse(base+"/river/?region=510121"))
	must("open list by county", err)
	if resp == nil || resp.Status != 200 {
		t.Fatalf("list by county: %+v", resp)
	}
	sel, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-region').value`))
	must("region select", err)
	if sel != "510121" {
		t.Fatalf("the list's 区县 filter shows %q", sel)
	}
	w, err = chromedp.Run(ctx, chromedp.Evaluate[widths](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
	must("widths", err)
	if w.Scroll > w.Inner {
		t.Errorf("list by county: page %d px wide on a %d px screen", w.Scroll, w.Inner)
	}
	problems.Check(t)
}
