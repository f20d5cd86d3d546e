package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"tongcheng/internal/app"
	"tongcheng/internal/platform"
	"tongcheng/internal/store"
)

// BenchmarkHandlerChain measures the program's whole handler chain in process (session
// lookup, CSRF, routing, metrics, rendering) for the reads that scripts/bench-platform.sh
// loads over the network, next to a bare handler. Run it with a CPU profile to see where
// the time of a request goes:
//
//	go test ./internal/e2e/ -run '^$' -bench HandlerChain -cpuprofile cpu.out
//	go tool pprof -top -cum internal/e2e.test cpu.out
func BenchmarkHandlerChain(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	a, err := app.Build(ctx, db, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Demo(ctx, platform.Small, 2022, io.Discard); err != nil {
		b.Fatal(err)
	}
	_, sess, err := a.Deps.Auth.Login(ctx, "admin", app.DemoPassword, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	cookie := &http.Cookie{Name: "tc_session", Value: sess.Token}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write([]byte(`{"user":{"id":1,"username":"admin"},"region_name":"四川省"}` + "\n"))
	})
	for _, c := range []struct {
		name string
		h    http.Handler
		path string
	}{
		{"bare", bare, "/"},
		{"healthz", a.Deps.Web, "/healthz"},
		{"api-me", a.Deps.Web, "/api/v1/me"},
		{"account-page", a.Deps.Web, "/account"},
		{"tokens-page", a.Deps.Web, "/tokens"},
		{"home-page", a.Deps.Web, "/"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := httptest.NewRequest(http.MethodGet, c.path, nil)
					r.AddCookie(cookie)
					w := httptest.NewRecorder()
					c.h.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatalf("GET %s: %d", c.path, w.Code)
					}
				}
			})
		})
	}
}
