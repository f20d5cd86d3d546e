package river

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// listFixture stores n problems spread over four cities (成都 about half), their counties,
// four rivers, every state, category and source, some shared by two cities and some with
// deadlines around now; it returns them as stored (with their ids).
func listFixture(t *testing.T, db *store.DB, n int, now time.Time) []*ProblemRow {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 2026))
	counties := map[string][]string{"510100": {"510104", "510121", "510122"}, "510600": {"510603", "510681"},
		"511400": {"511402"}, "512000": {"512002"}}
	cities := []string{"510100", "510100", "510100", "510100", "510600", "510600", "511400", "512000"}
	rivers := []string{"tuojiang", "tuojiang", "minjiang", "jianjiang", "fuxi"}
	var out []*ProblemRow
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			city := cities[rng.IntN(len(cities))]
			p := &ProblemRow{City: city, Region: counties[city][rng.IntN(len(counties[city]))], RiverID: rivers[rng.IntN(len(rivers))]}
			p.No = fmt.Sprintf("HZT%05d", i)
			p.Source, p.Category, p.Severity = Sources[rng.IntN(len(Sources))], Categories[rng.IntN(len(Categories))], SeverityGeneral
			p.State = StateClosed
			if rng.IntN(4) == 0 {
				p.State = States[rng.IntN(len(States))]
			}
			if rng.IntN(20) == 0 { // a reach shared by two cities (联合交办)
				other := cities[rng.IntN(len(cities))]
				if other != city {
					p.City2, p.Region2 = other, counties[other][0]
				}
			}
			p.Level, p.ReachID, p.Description = LevelCounty, "1", "测试问题"
			p.ReportedAt = now.Add(-time.Duration(n-i) * time.Hour)
			if p.State != StateReported && p.State != StateRejected && p.State != StateAccepted {
				p.Deadline = now.Add(time.Duration(rng.IntN(240)-120) * time.Hour)
			}
			if err := insertProblem(ctx, tx, p, HistoryEntry{At: p.ReportedAt, Action: ActAccept, To: p.State}, false); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// matches is the list filter written out in Go, row by row: the truth the queries are held to.
func matches(f ProblemFilter, p *ProblemRow) bool {
	within := func(code, r, c string) bool {
		switch {
		case code == "" || code == region.ProvinceCode || strings.HasSuffix(code, "0000"):
			return true
		case strings.HasSuffix(code, "00"):
			return c == code
		}
		return r == code
	}
	either := func(code string) bool {
		return within(code, p.Region, p.City) || (p.Region2 != "" && within(code, p.Region2, p.City2))
	}
	open := p.State == StateAssigned || p.State == StateHandling || p.State == StateExtension
	return either(f.Scope) && (f.City == "" || p.City == f.City || p.City2 == f.City) && either(f.Region) &&
		(f.River == "" || p.RiverID == f.River) && (f.State == "" || string(p.State) == f.State) &&
		(!f.Closed || p.State == StateClosed) && (f.Category == "" || string(p.Category) == f.Category) &&
		(f.Source == "" || string(p.Source) == f.Source) && (!f.Overdue || open && !p.Deadline.IsZero() && p.Deadline.Before(f.Now)) &&
		(f.Before == 0 || p.RowID < f.Before)
}

// truth gives the page (ids, newest first) and the total of a filter from the fixture.
func truth(all []*ProblemRow, f ProblemFilter) ([]int64, int64) {
	var ids []int64
	var total int64
	g := f
	g.Before = 0
	for _, p := range all {
		if matches(g, p) {
			total++
		}
		if matches(f, p) {
			ids = append(ids, p.RowID)
		}
	}
	slices.Reverse(ids)
	return ids[:min(len(ids), f.pageSize())], total
}

func ids(list []*ProblemRow) []int64 {
	out := make([]int64, len(list))
	for i, p := range list {
		out[i] = p.RowID
	}
	return out
}

// TestProblemPageEitherWay: the problem list's page read newest first along
// river_problems_walk and the page collected by the filter indexes are the same rows, and
// both are what the filter written out in Go selects, for dense and sparse filters, joint
// problems of two cities, the overdue list and the next pages.
func TestProblemPageEitherWay(t *testing.T) {
	storetest.Each(t, (&Module{}).Migrations(), func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
		all := listFixture(t, db, 2000, now)
		filters := []ProblemFilter{
			{Scope: "510000"},
			{Scope: "510100"},
			{Scope: "510100", City: "510600"}, // the other city's problems seen from 成都: only the shared ones
			{Scope: "510000", River: "tuojiang", Category: "garbage", State: "closed"},
			{Scope: "510100", City: "510100", Overdue: true},
			{Scope: "510000", Overdue: true},
			{Scope: "510000", Region: "510121"},
			{Scope: "510000", Region: "510600", Category: "sewage"},
			{Scope: "510000", City: "510600", Category: "sewage"},
			{Scope: "510000", River: "minjiang", Source: "public"},
			{Scope: "510121", State: "handling"},
			{Scope: "512000", Source: "monitoring", Category: "quality"},
			{Scope: "510000", River: "nosuchriver"},
			{Scope: "510000", Closed: true, Limit: 20},
		}
		m := &Module{}
		for _, f := range filters {
			f.Now = now
			for page := 0; page < 3; page++ {
				want, wantTotal := truth(all, f)
				name := fmt.Sprintf("%+v", f)
				for _, walk := range []bool{false, true} {
					g := f
					g.walk = walk && db.D() == store.SQLite
					got, err := listProblems(ctx, db, g)
					if err != nil {
						t.Fatalf("%s walk=%v: %v", name, walk, err)
					}
					if !slices.Equal(ids(got), want) {
						t.Fatalf("%s walk=%v: page %v, want %v", name, walk, ids(got), want)
					}
				}
				got, total, err := m.listPageOf(ctx, db, f)
				if err != nil {
					t.Fatal(err)
				}
				if total != wantTotal || !slices.Equal(ids(got), want) {
					t.Fatalf("%s: list %v total %d, want %v total %d", name, ids(got), total, want, wantTotal)
				}
				if len(want) < f.pageSize() {
					break
				}
				f.Before = want[len(want)-1]
			}
		}
		// the fixture has what the cases are about
		if _, n := truth(all, ProblemFilter{Scope: "510100", City: "510600"}); n == 0 || n > 150 {
			t.Fatalf("shared problems seen from 成都: %d", n)
		}
		if _, n := truth(all, ProblemFilter{Scope: "510000", Overdue: true, Now: now}); n < 10 {
			t.Fatalf("overdue problems: %d", n)
		}
	})
}

// TestProblemTotalsStayTrue: the list's totals are kept per filter, but a total shown is
// always what counting gives at that moment: after a new problem, after a transition
// written by this module, after a change written by plain SQL (another server sharing the
// database), after a deletion; the overdue total moves with the clock alone.
func TestProblemTotalsStayTrue(t *testing.T) {
	storetest.Each(t, (&Module{}).Migrations(), func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
		all := listFixture(t, db, 300, now)
		m := &Module{}
		f := ProblemFilter{Scope: "510100", Category: "garbage", Now: now}
		shown := func(f ProblemFilter) int64 {
			t.Helper()
			_, n, err := m.listPageOf(ctx, db, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		counted := func(f ProblemFilter) int64 {
			t.Helper()
			n, err := countProblems(ctx, db, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		_, want := truth(all, f)
		if got := shown(f); got != want || want < 5 {
			t.Fatalf("total %d, want %d", got, want)
		}
		v0, err := problemsVersion(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if k, ok := m.totals.get(v0, f.totalKey()); !ok || k.n != want {
			t.Fatalf("total not kept: %+v %v", k, ok)
		}
		if got := shown(f); got != want {
			t.Fatalf("kept total %d, want %d", got, want)
		}

		// filters whose values would run together are told apart (the river is typed freely)
		a := ProblemFilter{Scope: "510000", River: "tuojiang", State: "closed", Now: now}
		b := ProblemFilter{Scope: "510000", River: "tuojiangc", State: "losed", Now: now}
		if na, nb := shown(a), shown(b); na == 0 || nb != 0 || a.totalKey() == b.totalKey() {
			t.Fatalf("tuojiang/closed %d, tuojiangc/losed %d", na, nb)
		}

		// a new problem of the filter
		p := &ProblemRow{Problem: Problem{Source: SourcePatrol, Category: CategoryGarbage, Severity: SeverityGeneral, ReachID: "1",
			State: StateReported, Level: LevelCounty, Description: "新问题", ReportedAt: now}, No: "HZTNEW", RiverID: "tuojiang", Region: "510121", City: "510100"}
		if err := insertProblem(ctx, db, p, HistoryEntry{At: now, Action: ActAccept, To: StateReported}, false); err != nil {
			t.Fatal(err)
		}
		if got := shown(f); got != want+1 {
			t.Fatalf("after a new problem: %d, want %d", got, want+1)
		}
		// a transition as the module writes it
		p.State, p.ClosedAt, p.Regions = StateClosed, now, []string{p.Region}
		if err := saveTransition(ctx, db, p.Problem, StateReported, HistoryEntry{ProblemID: p.ID, At: now, Action: ActPassCheck, From: StateReported, To: StateClosed}, now); err != nil {
			t.Fatal(err)
		}
		closedF := f
		closedF.State = "closed"
		if got, c := shown(closedF), counted(closedF); got != c {
			t.Fatalf("closed total %d, counted %d", got, c)
		}
		// plain SQL, as another server sharing the database would write it
		if _, err := db.Exec(ctx, "UPDATE river_problems SET category = 'sewage' WHERE no = ?", "HZTNEW"); err != nil {
			t.Fatal(err)
		}
		if got := shown(f); got != want {
			t.Fatalf("after another server's change: %d, want %d", got, want)
		}
		if got, c := shown(closedF), counted(closedF); got != c {
			t.Fatalf("closed total %d after the change, counted %d", got, c)
		}
		if _, err := db.Exec(ctx, "DELETE FROM river_problems WHERE category = 'garbage' AND city = '510100' AND region2 = '' AND id IN (SELECT id FROM river_problems WHERE category = 'garbage' ORDER BY id LIMIT 2)"); err != nil {
			t.Fatal(err)
		}
		if got, c := shown(f), counted(f); got != c || c >= want {
			t.Fatalf("after a deletion: %d, counted %d (before %d)", got, c, want)
		}
		// a change of no filter column leaves the kept totals in place
		v1, _ := problemsVersion(ctx, db)
		if _, err := db.Exec(ctx, "UPDATE river_problems SET description = '描述改了' WHERE no = ?", "HZTNEW"); err != nil {
			t.Fatal(err)
		}
		if v2, _ := problemsVersion(ctx, db); v2 != v1 {
			t.Fatalf("description change moved the version %d → %d", v1, v2)
		}
		// the overdue total moves with the clock, nothing written
		o := ProblemFilter{Scope: "510000", Overdue: true, Now: now}
		before := shown(o)
		var next string
		if err := db.QueryRow(ctx, `SELECT MIN(deadline) FROM river_problems WHERE state IN ('assigned', 'handling', 'extension')
			AND deadline >= ?`, store.Time(now)).Scan(&next); err != nil {
			t.Fatal(err)
		}
		o.Now = store.ParseTime(next) // up to the next deadline itself the kept total holds
		if at, c := shown(o), counted(o); at != before || c != before {
			t.Fatalf("overdue at the next deadline %d (counted %d), want %d", at, c, before)
		}
		o.Now = store.ParseTime(next).Add(time.Second)
		if after, c := shown(o), counted(o); after != c || after <= before {
			t.Fatalf("overdue %d → %d (counted %d) when the clock passed %s", before, after, c, next)
		}
	})
}
