package credit_test

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"tongcheng/internal/credit"
	"tongcheng/internal/store/storetest"
)

// BenchmarkNameSearch runs look-ups over a database made by
// `tongcheng demo --scale bulletin` (1.38 million subjects), named by
// TONGCHENG_BENCH_CREDIT_DB (a SQLite file or a PostgreSQL URL), and reports
// the latency percentiles of each kind of query:
//
//	tongcheng demo --db b.db --scale bulletin
//	TONGCHENG_BENCH_CREDIT_DB=b.db go test ./internal/credit -run '^$' -bench NameSearch -benchtime 2000x
//
// The queries are drawn (seeded) from the stored names: "part3-5" a run of
// 3–5 characters from inside a name (the 字号 and trade), "full" a whole name,
// "part2" two characters from inside a name (scanned within ShortScanBudget),
// "legal_rep" a legal representative's name, "uscc" a code.
func BenchmarkNameSearch(b *testing.B) {
	ctx := context.Background()
	db := storetest.BenchDB(b, "TONGCHENG_BENCH_CREDIT_DB")
	var maxID int64
	if err := db.QueryRow(ctx, "SELECT MAX(id) FROM credit_subjects").Scan(&maxID); err != nil {
		b.Fatal(err)
	}
	type sample struct{ name, rep, uscc string }
	rng := rand.New(rand.NewPCG(2022, 138))
	var samples []sample
	for len(samples) < 500 {
		var s sample
		err := db.QueryRow(ctx, "SELECT name, legal_rep, uscc FROM credit_subjects WHERE id >= ? ORDER BY id LIMIT 1", 1+rng.Int64N(maxID)).Scan(&s.name, &s.rep, &s.uscc)
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, s)
	}
	part := func(name string, n int) string {
		r := []rune(name)
		if len(r) <= n+2 {
			return string(r)
		}
		at := 2 + rng.IntN(min(4, len(r)-n-2)+1)
		return string(r[at : at+n])
	}
	kinds := []struct {
		kind string
		by   credit.SearchBy
		q    func(s sample) string
	}{
		{"part3-5", credit.ByName, func(s sample) string { return part(s.name, 3+rng.IntN(3)) }},
		{"full", credit.ByName, func(s sample) string { return s.name }},
		{"part2", credit.ByName, func(s sample) string { return part(s.name, 2) }},
		{"legal_rep", credit.ByLegalRep, func(s sample) string { return s.rep }},
		{"uscc", credit.ByUSCC, func(s sample) string { return s.uscc }},
	}
	for _, k := range kinds {
		b.Run(k.kind, func(b *testing.B) {
			qs := make([]string, len(samples))
			for i, s := range samples {
				qs[i] = k.q(s)
			}
			lat := make([]time.Duration, 0, b.N)
			found, partial := 0, 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				res, err := credit.SearchSubjects(ctx, db, k.by, qs[i%len(qs)], 0, 50)
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Results) > 0 {
					found++
				}
				if res.Partial {
					partial++
				}
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(found)/float64(b.N), "found")
			b.ReportMetric(float64(partial)/float64(b.N), "partial")
			b.ReportMetric(0, "ns/op")
		})
	}
}
