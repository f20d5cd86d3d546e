package river_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tongcheng/internal/store/storetest"
)

// TestPatrolPageOnPhone walks the patrol page in headless Chromium on a 390 px wide phone:
// a chief fills reach, times, track and what was seen, adds a problem found and attaches a
// photo from the phone, saves, and opens the patrol, whose thumbnail loads. Nothing scrolls
// sideways and the browser reports no error.
func TestPatrolPageOnPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	e := newEnv(t, storetest.Open(t, "sqlite"))
	photo := filepath.Join(t.TempDir(), "scene.jpg")
	if err := os.WriteFile(photo, testJPEG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, problems, must := browserAs(t, e, "cd-chief", 390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
	base := e.Srv.URL
	_, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/river/patrol"))
	must("open the patrol page", err)

	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	must("measure", err)
	if wide > 391 {
		t.Errorf("the patrol page scrolls sideways: scrollWidth %d", wide)
	}
	must("fill the patrol", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("reach"), itoa(e.cdReach)),
		chromedp.SetValue(chromedp.ID("start"), "2026-11-20T08:00"),
		chromedp.SetValue(chromedp.ID("end"), "2026-11-20T09:00"),
		chromedp.SetValue(chromedp.ID("track"), "30.650,104.060\n30.655,104.065"),
		chromedp.SetValue(chromedp.ID("seen"), "右岸有垃圾"),
		chromedp.SetValue(chromedp.ID("problem_category_0"), "garbage"),
		chromedp.SetValue(chromedp.ID("problem_severity_0"), "serious"),
		chromedp.SetValue(chromedp.ID("problem_description_0"), "右岸堆放生活垃圾"),
		chromedp.SetUploadFiles(chromedp.ID("photos"), []string{photo}),
	))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/river/patrols"] button[type=submit]`)))
	must("save", err)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
	must("read the answer", err)
	if !strings.Contains(text, "巡河记录已保存") {
		t.Fatalf("after saving: %s", text)
	}
	if n := e.count("SELECT COUNT(*) FROM river_photos WHERE kind = 'patrol' AND patrol_id > 0 AND name = 'scene.jpg'"); n != 1 {
		t.Fatalf("patrol photos stored: %d", n)
	}
	if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'patrol' AND category = 'garbage' AND severity = 'serious'"); n != 1 {
		t.Fatalf("problems found stored: %d", n)
	}
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href^="/river/patrols/"]`)))
	must("open the patrol", err)
	_, err = chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`(() => { const i = document.querySelector('.photos img'); return !!i && i.complete && i.naturalWidth === 64; })()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Errorf("the patrol's photo did not load: %v", err)
	}
	view, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.scrollWidth + ' ' + document.querySelector('main').innerText`))
	must("read the patrol", err)
	if !strings.HasPrefix(view, "390 ") || !strings.Contains(view, "垃圾 · 已上报") || !strings.Contains(view, "右岸有垃圾") {
		t.Errorf("the patrol's page (scrollWidth first): %s", view)
	}
	problems.Check(t)
}
