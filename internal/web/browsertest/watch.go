package browsertest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Problems collects what a page must never do: throw an uncaught exception or write an
// error to the console.
type Problems struct {
	mu   sync.Mutex
	list []string
}

// Watch starts collecting the problems of the browser tab of ctx.
func Watch(ctx context.Context) *Problems {
	p := &Problems{}
	chromedp.Listen(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			p.list = append(p.list, "exception: "+ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == "error" {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.list = append(p.list, "console error: "+strings.Join(parts, " "))
			}
		}
	})
	return p
}

// Check fails the test when any problem was seen.
func (p *Problems) Check(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) > 0 {
		t.Fatalf("browser problems:\n%s", strings.Join(p.list, "\n"))
	}
}
