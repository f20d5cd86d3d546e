package river

import (
	"context"
	"testing"

	"tongcheng/internal/store/storetest"
)

// benchListFilters are the filtered problem lists of scripts/bench-river.sh and a few more,
// as the user's scope plus the query of the page.
var benchListFilters = []struct {
	name string
	f    ProblemFilter
}{
	{"tuojiang-garbage-closed", ProblemFilter{Scope: "510000", River: "tuojiang", Category: "garbage", State: "closed"}},
	{"chengdu-overdue", ProblemFilter{Scope: "510100", City: "510100", Overdue: true}},
	{"jintang", ProblemFilter{Scope: "510000", Region: "510121"}},
	{"deyang-sewage", ProblemFilter{Scope: "510000", City: "510600", Category: "sewage"}},
	{"deyang-sewage-as-chengdu", ProblemFilter{Scope: "510100", City: "510600", Category: "sewage"}},
	{"all", ProblemFilter{Scope: "510000"}},
	{"chengdu-all", ProblemFilter{Scope: "510100"}},
	{"closed", ProblemFilter{Scope: "510000", State: "closed"}},
	{"handling-chengdu-sewage", ProblemFilter{Scope: "510100", State: "handling", Category: "sewage"}},
	{"minjiang-public", ProblemFilter{Scope: "510000", River: "minjiang", Source: "public"}},
}

// BenchmarkProblemListSQL times the list's two queries (the page of problems, the
// total) apart, and the two as the list runs them (listPageOf: the total kept per
// filter, the page read newest first when many problems match), over an existing
// demo database:
//
//	TONGCHENG_BENCH_DB=bulletin.db go test -run '^$' -bench ProblemListSQL -benchtime 200x ./internal/river/
func BenchmarkProblemListSQL(b *testing.B) {
	ctx := context.Background()
	db := storetest.BenchDB(b, "TONGCHENG_BENCH_DB")
	if _, err := db.Migrate(ctx, (&Module{}).Migrations()...); err != nil {
		b.Fatal(err)
	}
	now := DemoAnchor
	for _, c := range benchListFilters {
		f := c.f
		f.Now = now
		b.Run(c.name+"/page", func(b *testing.B) {
			for b.Loop() {
				if _, err := listProblems(ctx, db, f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/total", func(b *testing.B) {
			var n int64
			var err error
			for b.Loop() {
				if n, err = countProblems(ctx, db, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "problems")
		})
		b.Run(c.name+"/list", func(b *testing.B) {
			m := &Module{}
			for b.Loop() {
				if _, _, err := m.listPageOf(ctx, db, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
