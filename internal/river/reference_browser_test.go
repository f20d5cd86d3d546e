package river_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRiverFilesOnPhone opens the 一河一档 pages of 岷江, 沱江, 青衣江, 球溪河 and
// 绛溪河, the sections list and the 驾驶舱 in headless Chromium on a 390 px
// wide phone with the 资料出处 opened (long source addresses): nothing is wider
// than the screen outside a sideways-scrolling table, and the 未核实 marks of
// 绛溪河 are on screen.
func TestRiverFilesOnPhone(t *testing.T) {
	ctx, e, problems, must := phoneOverDemo(t)
	base := e.Srv.URL
	loginInBrowser(ctx, e, must, "cd-office")
	type measure struct {
		Scroll, Inner int
		Wide          []string
		Marks         int
		MarksOnScreen int
	}
	for _, path := range []string{"/river/rivers/minjiang", "/river/rivers/tuojiang", "/river/rivers/qingyijiang", "/river/rivers/qiuxihe",
		"/river/rivers/jiangxihe", "/river/rivers", "/river/trends", "/river/dashboard"} {
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
		must("open "+path, err)
		if resp == nil || resp.Status != 200 {
			t.Fatalf("%s: status %+v", path, resp)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[measure](`(() => {
			for (const d of document.querySelectorAll('main details')) d.open = true;
			const vw = window.innerWidth, wide = [];
			for (const el of document.querySelectorAll('main *')) {
				const r = el.getBoundingClientRect();
				if (r.width > 0 && r.right > vw + 1 && wide.length < 5 && !el.closest('.scroll')) wide.push(el.tagName.toLowerCase() + ' ' + (el.textContent || '').slice(0, 40) + ' right=' + Math.round(r.right));
			}
			const marks = [...document.querySelectorAll('#basic .unverified')];
			return {Scroll: document.documentElement.scrollWidth, Inner: vw, Wide: wide, Marks: marks.length,
				MarksOnScreen: marks.filter(m => { const r = m.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= vw; }).length};
		})()`))
		must("measure "+path, err)
		if got.Inner == 0 || got.Inner > 400 || got.Scroll > got.Inner || len(got.Wide) > 0 {
			t.Errorf("%s: page %d px wide on a %d px screen: %s", path, got.Scroll, got.Inner, strings.Join(got.Wide, "; "))
		}
		if path == "/river/rivers/jiangxihe" && (got.Marks != 2 || got.MarksOnScreen != 2) {
			t.Errorf("%s: %d 未核实 marks, %d on screen, want 2", path, got.Marks, got.MarksOnScreen)
		}
	}
	problems.Check(t)
}
