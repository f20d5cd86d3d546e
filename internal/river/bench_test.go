package river_test

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/platform"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var (
	bulletinOnce sync.Once
	bulletinM    *river.Module
	bulletinDB   *store.DB
)

// bulletin seeds the bulletin-scale demo on SQLite once per benchmark run.
func bulletin(b *testing.B) (*river.Module, *store.DB) {
	bulletinOnce.Do(func() {
		ctx := context.Background()
		db := storetest.Open(b, "sqlite")
		app.Register(river.NewModule())
		a, err := app.Build(ctx, db, nil, false)
		if err != nil {
			b.Fatal(err)
		}
		m := a.Module("river").(*river.Module)
		start := time.Now()
		if err := m.Demo(ctx, a.Deps, platform.Bulletin, 1, io.Discard); err != nil {
			b.Fatal(err)
		}
		b.Logf("bulletin demo seeded in %s", time.Since(start).Round(time.Millisecond))
		var chiefs, problems, closed int
		if err := db.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM river_chiefs), (SELECT COUNT(*) FROM river_problems), (SELECT COUNT(*) FROM river_problems WHERE state = 'closed')").Scan(&chiefs, &problems, &closed); err != nil {
			b.Fatal(err)
		}
		if chiefs != 12282 || problems != 75000 || closed < 73000 {
			b.Fatalf("bulletin scale: %d chiefs, %d problems, %d closed", chiefs, problems, closed)
		}
		b.Logf("%d chiefs, %d problems, %d closed", chiefs, problems, closed)
		bulletinM, bulletinDB = m, db
	})
	return bulletinM, bulletinDB
}

// BenchmarkDashboardBulletin: go test -run '^$' -bench DashboardBulletin ./internal/river/
func BenchmarkDashboardBulletin(b *testing.B) {
	m, db := bulletin(b)
	ctx := context.Background()
	now := river.DemoAnchor
	for _, scope := range []string{"510000", "510100", "510600"} {
		b.Run(scope, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.Dashboard(ctx, db, scope, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
