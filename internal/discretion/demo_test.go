package discretion_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/discretion"
	"tongcheng/internal/platform"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var demoDigest = map[string]uint64{}

// TestDemoSmall: the small demo is deterministic, spread over the four cities and the
// catalogue, and every stored fine is an engine result inside its legal range.
func TestDemoSmall(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var out strings.Builder
		start := time.Now()
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 2022, &out); err != nil {
			t.Fatal(err)
		}
		t.Logf("small demo: %v — %s", time.Since(start), strings.TrimSpace(out.String()))
		if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided'"); n != 2000 {
			t.Fatalf("decided = %d, want 2000", n)
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE status = 'pending'"); n != 30 {
			t.Fatalf("pending = %d, want 30", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM discretion_cases WHERE NOT (
			(tier IN ('从轻', '一般', '从重') AND fine_fen >= legal_min AND fine_fen <= legal_max AND fine_fen > 0)
			OR (tier IN ('无罚款', '不予处罚') AND fine_fen = 0))`); n != 0 {
			t.Fatalf("%d cases have a fine outside their legal range", n)
		}
		for _, city := range []string{"510100", "510600", "511400", "512000"} {
			if n := e.count("SELECT COUNT(*) FROM discretion_cases WHERE city = ? AND status = 'decided'", city); n < 200 {
				t.Errorf("city %s has %d decided cases", city, n)
			}
		}
		if n := e.count("SELECT COUNT(DISTINCT item_id) FROM discretion_cases"); n < 60 {
			t.Errorf("only %d items used", n)
		}
		// a second run adds nothing
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 2022, io.Discard); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_cases"); n != 2046 {
			t.Fatalf("after a second run: %d cases, want 2046", n)
		}
		// the stored numbers are the engine's: recompute a sample from the stored input
		rng := rand.New(rand.NewPCG(1, 2))
		for range 40 {
			id := 1 + rng.IntN(2046)
			var c caseOut
			if code := e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d", id), nil, &c); code != 200 {
				t.Fatalf("case %d: %d", id, code)
			}
			res, err := e.m.Engine().Quick(c.Input)
			if err != nil {
				t.Fatalf("case %d: stored input fails: %v", id, err)
			}
			want := res.FineFen
			if c.Input.ProposedFen != nil {
				want = *c.Input.ProposedFen
			}
			if res.NoPenalty || res.Tier == discretion.TierNoFine {
				want = 0
			}
			if c.FineFen != want || c.SuggestedFen != res.FineFen && want != 0 || c.Tier != string(res.Tier) || c.LegalMax != res.LegalMax {
				t.Fatalf("case %d: stored fine %d (suggested %d, %s), engine %d %s", id, c.FineFen, c.SuggestedFen, c.Tier, res.FineFen, res.Tier)
			}
		}
		// deterministic: the same digest on a second database and on every engine
		demoDigest[db.Dialect.String()] = digest(t, db)
		if db.Dialect == store.SQLite {
			db2 := storetest.Open(t, "sqlite")
			e2 := newEnv(t, db2)
			if err := e2.m.Demo(ctx, e2.a.Deps, platform.Small, 2022, io.Discard); err != nil {
				t.Fatal(err)
			}
			if d2 := digest(t, db2); d2 != demoDigest["sqlite"] {
				t.Fatalf("two runs with the same seed differ: %x %x", d2, demoDigest["sqlite"])
			}
		}
		var all []uint64
		for _, d := range demoDigest {
			all = append(all, d)
		}
		if slices.Min(all) != slices.Max(all) {
			t.Fatalf("demo data differs between engines: %v", demoDigest)
		}
		// the departure share card is filled
		_, body := e.login("cd-officer").Get("/")
		if !strings.Contains(body, "偏离类案的决定") || !strings.Contains(body, "待法制审核") {
			t.Fatal("home page misses the module's cards")
		}
	})
}

func digest(t *testing.T, db *store.DB) uint64 {
	rows, err := db.Query(context.Background(), "SELECT id, item_id, region, fine_fen, decided_on, input_json FROM discretion_cases ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	h := fnv.New64a()
	for rows.Next() {
		var id, fine int64
		var item, reg, day, in string
		rows.Scan(&id, &item, &reg, &fine, &day, &in)
		fmt.Fprintln(h, id, item, reg, fine, day, in)
	}
	return h.Sum64()
}

// BenchmarkSimilar measures the similar-case search (类案同罚) over 100,000 generated
// decided cases (the bulletin-scale demo) on SQLite, and reports the p50 and p95 latency
// of one search (load the case, query its similar cases, compute median and departure).
// Only under -bench:
//
//	go test -run '^$' -bench BenchmarkSimilar -benchtime 2000x ./internal/discretion/
func BenchmarkSimilar(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b, "sqlite")
	a, err := app.Build(ctx, db, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	m := a.Module("discretion").(*discretion.Module)
	start := time.Now()
	if err := m.Demo(ctx, a.Deps, platform.Bulletin, 2022, io.Discard); err != nil {
		b.Fatal(err)
	}
	var n int
	db.QueryRow(ctx, "SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided'").Scan(&n)
	b.Logf("generated %d decided cases in %v", n, time.Since(start))
	var maxID int64
	db.QueryRow(ctx, "SELECT MAX(id) FROM discretion_cases").Scan(&maxID)
	rng := rand.New(rand.NewPCG(9, 9))
	var lat []time.Duration
	var found int
	b.ResetTimer()
	for b.Loop() {
		id := 1 + rng.Int64N(maxID)
		t0 := time.Now()
		rep, err := m.SimilarTo(ctx, id, 0)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		found += rep.Count
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p int) float64 { return float64(lat[(len(lat)-1)*p/100].Microseconds()) / 1000 }
	b.ReportMetric(q(50), "p50-ms")
	b.ReportMetric(q(95), "p95-ms")
	b.ReportMetric(q(99), "p99-ms")
	b.ReportMetric(float64(found)/float64(len(lat)), "similar/op")
}
