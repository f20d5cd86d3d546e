package river_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/river"
	"tongcheng/internal/store/storetest"
)

// BenchmarkDashboardPage renders the 驾驶舱 page (and its JSON API) in-process,
// the whole handler with auth, SQL and template, over an existing demo database
// (TONGCHENG_BENCH_DB, e.g. made by `tongcheng demo --scale bulletin --db bulletin.db`),
// and reports the 95th percentile of the iterations:
//
//	TONGCHENG_BENCH_DB=bulletin.db go test -run '^$' -bench DashboardPage -benchtime 40x ./internal/river/
func BenchmarkDashboardPage(b *testing.B) {
	ctx := context.Background()
	db := storetest.BenchDB(b, "TONGCHENG_BENCH_DB")
	app.Register(river.NewModule())
	a, err := app.Build(ctx, db, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, user, path string }{
		{"page-province", "admin", "/river/dashboard"},
		{"page-chengdu", "cd-riveroffice", "/river/dashboard"},
		{"page-deyang", "dy-riveroffice", "/river/dashboard"},
		{"api-province", "admin", "/api/v1/river/dashboard"},
	} {
		u, err := a.Deps.Auth.GetByName(ctx, c.user)
		if err != nil {
			b.Fatal(err)
		}
		tok, _, err := a.Deps.Auth.CreateToken(ctx, u.ID, "bench")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				req := httptest.NewRequest("GET", c.path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				w := httptest.NewRecorder()
				a.Deps.Web.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("%s: %d %s", c.path, w.Code, w.Body.String())
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
		})
	}
}
