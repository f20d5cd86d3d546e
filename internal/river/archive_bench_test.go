package river_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"

	"tongcheng/internal/app"
	"tongcheng/internal/river"
	"tongcheng/internal/store/storetest"
)

// BenchmarkArchiveBulletin: the river list and the 河长关系树 over the bulletin-scale demo.
//
//	go test -run '^$' -bench ArchiveBulletin -benchtime 20x ./internal/river/
func BenchmarkArchiveBulletin(b *testing.B) {
	m, db := bulletin(b)
	ctx := context.Background()
	b.Run("river-list", func(b *testing.B) {
		for b.Loop() {
			if l, err := m.RiverSummaries(ctx, db, "", ""); err != nil || len(l) == 0 {
				b.Fatal(err)
			}
		}
	})
	for _, lvl := range []int{1, 2} {
		var id int64
		if err := db.QueryRow(ctx, `SELECT c.id FROM river_chiefs c WHERE c.level = ? ORDER BY
			(SELECT COUNT(*) FROM river_chiefs k WHERE k.parent_id = c.id) DESC, c.id LIMIT 1`, lvl).Scan(&id); err != nil {
			b.Fatal(err)
		}
		name := map[int]string{1: "tree-province", 2: "tree-city"}[lvl]
		b.Run(name, func(b *testing.B) {
			var size int
			for b.Loop() {
				_, n, _, err := river.ChiefTree(ctx, db, &river.ChiefInfo{ID: id}, 1500)
				if err != nil {
					b.Fatal(err)
				}
				size = n
			}
			b.ReportMetric(float64(size), "chiefs")
		})
	}
}

// BenchmarkArchivePages renders the 一河一档 and chief pages in-process over an
// existing demo database (TONGCHENG_BENCH_DB, e.g. made by
// `tongcheng demo --scale bulletin --db bulletin.db`), as the demo user cd-riveroffice:
//
//	TONGCHENG_BENCH_DB=bulletin.db go test -run '^$' -bench ArchivePages -benchtime 50x ./internal/river/
func BenchmarkArchivePages(b *testing.B) {
	ctx := context.Background()
	db := storetest.BenchDB(b, "TONGCHENG_BENCH_DB")
	app.Register(river.NewModule())
	a, err := app.Build(ctx, db, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	u, err := a.Deps.Auth.GetByName(ctx, "cd-riveroffice")
	if err != nil {
		b.Fatal(err)
	}
	tok, _, err := a.Deps.Auth.CreateToken(ctx, u.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	chief := func(q string) string {
		var id int64
		if err := db.QueryRow(ctx, q).Scan(&id); err != nil {
			b.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
	prov := chief("SELECT id FROM river_chiefs WHERE level = 1 ORDER BY id LIMIT 1")
	city := chief("SELECT c.id FROM river_chiefs c WHERE c.level = 2 AND c.city = '510100' ORDER BY (SELECT COUNT(*) FROM river_chiefs k WHERE k.parent_id = c.id) DESC, c.id LIMIT 1")
	village := chief("SELECT id FROM river_chiefs WHERE level = 5 AND city = '510100' ORDER BY id LIMIT 1")
	for _, p := range []struct{ name, path string }{
		{"river-list", "/river/rivers"}, {"river-tuojiang", "/river/rivers/tuojiang"}, {"river-api", "/api/v1/river/rivers/tuojiang"},
		{"chief-province-tree", "/river/chiefs/" + prov}, {"chief-city-tree", "/river/chiefs/" + city}, {"chief-village", "/river/chiefs/" + village},
		{"chief-list", "/river/chiefs"}, {"board", "/river/board/tuojiang-510100"},
		{"problem-list-tuojiang", "/river/?river=tuojiang&category=garbage&state=closed"},
		{"problem-list-overdue", "/river/?overdue=1"},
		{"problem-api-deyang-sewage", "/api/v1/river/problems?city=510600&category=sewage"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", p.path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				w := httptest.NewRecorder()
				a.Deps.Web.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("%s: %d %s", p.path, w.Code, w.Body.String())
				}
			}
		})
	}
}
