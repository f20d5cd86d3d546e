package river_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestArchiveOnPhone opens the river list, a river page, a city chief's 河长关系树
// (collapsing and opening a branch), a reach's page with its 历任河长, its 公示牌 and
// a public report with a photo whose thumbnail the tracking page shows in headless Chromium at
// a phone's size (390 × 844): no console error, no exception, and no page wider
// than the screen.
func TestArchiveOnPhone(t *testing.T) {
	ctx, e, problems, must := phoneOverDemo(t)
	base := e.Srv.URL
	type widths struct{ Scroll, Inner int }
	open := func(path, wantText string) {
		t.Helper()
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
		must("open "+path, err)
		if resp == nil || resp.Status != 200 {
			t.Fatalf("%s: status %+v", path, resp)
		}
		body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"), chromedp.NodeReady))
		must("text "+path, err)
		if !strings.Contains(body, wantText) {
			t.Fatalf("%s does not show %q: %.300s", path, wantText, body)
		}
		w, err := chromedp.Run(ctx, chromedp.Evaluate[widths](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
		must("widths", err)
		if w.Inner == 0 || w.Inner > 400 || w.Scroll > w.Inner {
			t.Errorf("%s: page %d px wide on a %d px screen", path, w.Scroll, w.Inner)
		}
	}
	loginInBrowser(ctx, e, must, "cd-office")

	open("/river/rivers", "一河一档")
	open("/river/rivers/tuojiang", "一河一策")
	var city int64
	must("city chief", e.db.QueryRow(context.Background(), `SELECT c.id FROM river_chiefs c WHERE c.level = 2 AND c.city = '510100'
		AND EXISTS (SELECT 1 FROM river_chiefs k WHERE k.parent_id = c.id) ORDER BY c.id LIMIT 1`).Scan(&city))
	open(fmt.Sprintf("/river/chiefs/%d", city), "河长关系树")
	// the first county branch is open; a tap on its summary collapses it
	openNow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('.tree-root details details') && document.querySelector('.tree-root details details').open`))
	must("branch open", err)
	if !openNow {
		t.Fatal("the first county branch is not open")
	}
	must("collapse", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.tree-root details details > summary`))))
	openNow, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('.tree-root details details').open`))
	must("collapsed", err)
	if openNow {
		t.Fatal("a tap on the branch did not collapse it")
	}
	var code string
	must("reach code", e.db.QueryRow(context.Background(), "SELECT code FROM river_reaches WHERE chief_id > 0 ORDER BY id LIMIT 1").Scan(&code))
	open("/river/reaches/"+code, "历任河长")
	// the board is public: log out first (the menu opens on a phone)
	must("open menu", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label.navbtn`))))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	must("logout", err)
	open("/river/board/"+code, "监督电话")
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#board-report').getAttribute('href')`))
	must("report link", err)
	if href != "/river/public/"+code {
		t.Fatalf("report link %q", href)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("#board-report")))
	must("follow report link", err)
	if resp == nil || resp.Status != 200 {
		t.Fatalf("public report page: %+v", resp)
	}
	// a report with a photo from the phone: the tracking page shows its thumbnail
	photo := filepath.Join(t.TempDir(), "scene.jpg")
	must("write photo", writeFile(photo, testJPEG(t)))
	must("describe", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("desc"), "桥下有人倾倒建筑垃圾")))
	must("choose photo", chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("photos"), []string{photo})))
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action^="/river/public/"] button[type=submit]`)))
	must("submit report", err)
	if resp == nil || resp.Status != 201 {
		msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("[role=alert]"), chromedp.NodeReady))
		t.Fatalf("public report with a photo: %+v: %.300s", resp, msg)
	}
	no, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("tracking-no"), chromedp.NodeReady))
	must("tracking number", err)
	open("/river/public/track/"+strings.TrimSpace(no), "举报照片")
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise(done => {
		const i = document.querySelector('#photos img');
		if (!i) return done(0);
		if (i.complete) return done(i.naturalWidth);
		i.onload = () => done(i.naturalWidth); i.onerror = () => done(-1);
	})`, chromedp.EvalAwaitPromise))
	must("thumbnail", err)
	if width != 64 {
		t.Fatalf("thumbnail on the tracking page is %d px wide, want 64", width)
	}
	problems.Check(t)
}
