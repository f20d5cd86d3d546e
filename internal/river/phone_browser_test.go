package river_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tongcheng/internal/platform"
	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web/browsertest"
)

// phoneOverDemo serves the small river demo and opens headless Chromium at a phone's size
// (390 × 844) for at most 90 seconds; must fails the test on an error. The browser ends
// with the test.
func phoneOverDemo(t *testing.T) (context.Context, *env, *browsertest.Problems, func(string, error)) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	ctx, cancel := browsertest.Start(t, 390, 844)
	t.Cleanup(cancel)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if err := e.m.Demo(context.Background(), e.a.Deps, platform.Small, 7, io.Discard); err != nil {
		t.Fatal(err)
	}
	ctx, cancel2 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel2)
	problems := browsertest.Watch(ctx)
	must := browsertest.Must(t)
	must("phone viewport", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)))
	return ctx, e, problems, must
}

// loginInBrowser signs user in through the login form of the served app.
func loginInBrowser(ctx context.Context, e *env, must func(string, error), user string) {
	must("open login", chromedp.Do(ctx, chromedp.Navigate(e.Srv.URL+"/login")))
	must("fill login", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("username"), user), chromedp.SetValue(chromedp.ID("password"), pw)))
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	must("login", err)
}
