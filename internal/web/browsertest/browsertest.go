// Package browsertest finds and starts headless Chromium for the page tests of every
// module, so that they all use the same browser and the same flags.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path finds the browser: $TONGCHENG_CHROMIUM, else /usr/bin/chromium, else chromium
// on PATH. It returns "" when there is none; a TONGCHENG_CHROMIUM that does not exist fails the test.
func Path(t testing.TB) string {
	if p := os.Getenv("TONGCHENG_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TONGCHENG_CHROMIUM=%s 不可用 / is not usable: %v", p, err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// Require returns the browser's path, or skips the test saying loudly that Chromium is missing.
func Require(t testing.TB) string {
	p := Path(t)
	if p == "" {
		fmt.Fprintln(os.Stderr, "未找到 Chromium，浏览器测试被跳过（apt-get install -y chromium）/ Chromium NOT FOUND: browser test skipped")
		t.Skip("未找到 Chromium / Chromium not found")
	}
	return p
}

// Start launches headless Chromium with a fresh profile and the flags this machine needs
// (no sandbox as root, no background networking), window w×h. Cancel the returned func at the end.
func Start(t testing.TB, w, h int) (context.Context, context.CancelFunc) {
	bin := Require(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.WindowSize(w, h),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("无法启动 Chromium / cannot start Chromium: %v", err)
	}
	return ctx, func() { cancelCtx(); cancelAlloc() }
}

// Must returns the check a browser walk puts around each step: a failed step ends the
// test, naming the step.
func Must(t testing.TB) func(what string, err error) {
	return func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}
