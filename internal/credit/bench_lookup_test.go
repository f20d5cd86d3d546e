package credit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/store/storetest"
)

// BenchmarkReportLookup calls the credit report by USCC (GET /api/v1/credit/subjects/{code},
// the program's whole handler chain with a session cookie, each call an audited read)
// from 1, 2, 4 and 8 goroutines over a database made by `tongcheng demo --scale bulletin`,
// named by TONGCHENG_BENCH_CREDIT_DB, and reports the latency percentiles in process (no
// network, no load generator sharing the CPUs). The database gains the audit entries:
// use a copy.
//
//	TONGCHENG_BENCH_CREDIT_DB=copy.db go test ./internal/credit -run '^$' -bench ReportLookup -benchtime 20000x -cpuprofile cpu.out
func BenchmarkReportLookup(b *testing.B) {
	ctx := context.Background()
	db := storetest.BenchDB(b, "TONGCHENG_BENCH_CREDIT_DB")
	a, err := app.Build(ctx, db, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	_, sess, err := a.Deps.Auth.Login(ctx, "cd-analyst", app.DemoPassword, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	rows, err := db.Query(ctx, "SELECT uscc FROM credit_subjects WHERE uscc_flags = 0 AND id % 2760 = 1 LIMIT 500")
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, "/api/v1/credit/subjects/"+c)
	}
	rows.Close()
	if len(paths) == 0 {
		b.Fatal("no subjects")
	}
	cookie := &http.Cookie{Name: "tc_session", Value: sess.Token}
	for _, workers := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("conns=%d", workers), func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < b.N; i += workers {
						req := httptest.NewRequest("GET", paths[i%len(paths)], nil)
						req.AddCookie(cookie)
						rec := httptest.NewRecorder()
						t0 := time.Now()
						a.Deps.Web.ServeHTTP(rec, req)
						lat[i] = time.Since(t0)
						if rec.Code != http.StatusOK {
							b.Errorf("%s: %d %s", req.URL.Path, rec.Code, rec.Body.String())
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50_ms")
			b.ReportMetric(pct(0.90), "p90_ms")
			b.ReportMetric(pct(0.99), "p99_ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
