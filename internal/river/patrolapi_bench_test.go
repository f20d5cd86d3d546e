package river

import (
	"context"
	"testing"

	"tongcheng/internal/store/storetest"
)

// BenchmarkPatrolListSQL times the patrol list of the API (one page of 50, newest first)
// for a few scopes and filters over an existing demo database:
//
//	TONGCHENG_BENCH_DB=bulletin.db go test -run '^$' -bench PatrolListSQL -benchtime 200x ./internal/river/
func BenchmarkPatrolListSQL(b *testing.B) {
	ctx := context.Background()
	db := storetest.BenchDB(b, "TONGCHENG_BENCH_DB")
	if _, err := db.Migrate(ctx, (&Module{}).Migrations()...); err != nil {
		b.Fatal(err)
	}
	var chief int64
	if err := db.QueryRow(ctx, "SELECT chief_id FROM river_patrols WHERE region LIKE '5101%' ORDER BY id DESC LIMIT 1").Scan(&chief); err != nil {
		b.Fatal(err)
	}
	period, _ := ParsePeriod(DemoAnchor.In(shanghai).Format("2006-01"))
	for _, c := range []struct {
		name string
		f    PatrolFilter
	}{
		{"province", PatrolFilter{Scope: "510000"}},
		{"chengdu", PatrolFilter{Scope: "510100"}},
		{"jintang", PatrolFilter{Scope: "510121"}},
		{"ziyang-month", PatrolFilter{Scope: "512000", From: period.From, To: period.To}},
		{"chief", PatrolFilter{Scope: "510100", ChiefID: chief}},
	} {
		f := c.f
		f.Limit = 50
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := listPatrols(ctx, db, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
