package river_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"tongcheng/internal/app"
	"tongcheng/internal/platform"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// TestDemoArchive: after the small demo every chief below the province has a
// chief of a higher level above it, every village chief's chain reaches a
// provincial chief through the city, and outfalls, measures and staff exist.
func TestDemoArchive(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 7, io.Discard); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs WHERE demo = 1 AND level > 1 AND parent_id = 0"); n != 0 {
			t.Fatalf("%d demo chiefs below the province without a parent", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs c JOIN river_chiefs p ON p.id = c.parent_id WHERE c.demo = 1 AND p.level >= c.level"); n != 0 {
			t.Fatalf("%d chiefs under a chief not above them", n)
		}
		// a 县级 chief's parent is a 市级 chief of the same city, or a provincial chief where the city has none
		if n := e.count(`SELECT COUNT(*) FROM river_chiefs c JOIN river_chiefs p ON p.id = c.parent_id WHERE c.demo = 1 AND c.level = 3
			AND NOT ((p.level = 2 AND p.city = c.city) OR (p.level = 1 AND NOT EXISTS (SELECT 1 FROM river_chiefs x WHERE x.demo = 1 AND x.level = 2 AND x.city = c.city)))`); n != 0 {
			t.Fatalf("%d county chiefs not under their city's chief", n)
		}
		if n := e.count("SELECT COUNT(*) FROM river_chiefs WHERE demo = 1 AND level = 5 AND place = ''"); n != 0 {
			t.Fatalf("%d village chiefs without a village", n)
		}
		// walk every village chief up: the chain ends at a provincial chief and passes a city chief
		type row struct {
			level  int
			parent int64
			city   string
		}
		all := map[int64]row{}
		rows, err := db.Query(ctx, "SELECT id, level, parent_id, city FROM river_chiefs WHERE demo = 1")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var r row
			if err := rows.Scan(&id, &r.level, &r.parent, &r.city); err != nil {
				t.Fatal(err)
			}
			all[id] = r
		}
		rows.Close()
		hasCityChief := map[string]bool{}
		for _, r := range all {
			if r.level == 2 {
				hasCityChief[r.city] = true
			}
		}
		villages := 0
		for id, r := range all {
			if r.level != 5 {
				continue
			}
			villages++
			sawCity, cur := false, all[id]
			for steps := 0; cur.parent != 0 && steps < 6; steps++ {
				cur = all[cur.parent]
				sawCity = sawCity || cur.level == 2
			}
			if cur.level != 1 || sawCity != hasCityChief[r.city] {
				t.Fatalf("village chief %d: chain ends at level %d (city passed: %v)", id, cur.level, sawCity)
			}
		}
		if villages == 0 {
			t.Fatal("no village chiefs in the demo")
		}
		for q, min := range map[string]int{
			"SELECT COUNT(*) FROM river_outfalls WHERE demo = 1":                   24,
			"SELECT COUNT(*) FROM river_measures WHERE demo = 1":                   6 * 24,
			"SELECT COUNT(*) FROM river_office_staff WHERE demo = 1 AND level = 3": 35,
			"SELECT COUNT(*) FROM river_reaches WHERE code = 'laoying-512000'":     1,
		} {
			if n := e.count(q); n < min {
				t.Errorf("%s = %d, want at least %d", q, n, min)
			}
		}
		// every industrial or municipal outfall has a permit that passes the form's check
		if n := e.count("SELECT COUNT(*) FROM river_outfalls WHERE kind IN ('industrial', 'municipal') AND permit = ''"); n != 0 {
			t.Fatalf("%d demo outfalls without a permit", n)
		}
	})
}

// TestDemoArchiveDeterministic: the same seed on two fresh databases gives the same
// hierarchy, posts, places, outfalls, measures and staff.
func TestDemoArchiveDeterministic(t *testing.T) {
	ctx := context.Background()
	fingerprint := func() string {
		db := storetest.Open(t, "sqlite")
		app.Register(river.NewModule())
		a, err := app.Build(ctx, db, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Module("river").(*river.Module).Demo(ctx, a.Deps, platform.Small, 7, io.Discard); err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for _, query := range []string{"SELECT id, parent_id, title, place FROM river_chiefs WHERE demo = 1 ORDER BY id",
			"SELECT code, kind, permit, status, region FROM river_outfalls ORDER BY code",
			"SELECT river_id, region, task, deadline, progress FROM river_measures ORDER BY river_id, region, task",
			"SELECT name, level, region, place, post FROM river_office_staff ORDER BY level, region, place, post, name"} {
			rows, err := db.Query(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(&sb, vals...)
			}
			rows.Close()
		}
		return sb.String()
	}
	if f1, f2 := fingerprint(), fingerprint(); f1 != f2 || len(f1) < 1000 {
		t.Fatalf("the demo's archive part is not deterministic (%d vs %d bytes)", len(f1), len(f2))
	}
}
