package river

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"tongcheng/internal/store"
)

// listTotals keeps the totals the problem list has counted, per filter, with the version
// of the problems they were counted at (river_problems_version, migration 013: every change
// of a problem's filter columns moves it inside the changing transaction, whichever server
// makes it). A kept total is shown only while the version has not moved, so the number is
// always the one COUNT(*) gives at that moment. An overdue list's total depends on the clock
// as well: it is kept up to the next deadline of an open problem of the filter, when it grows.
type listTotals struct {
	mu      sync.Mutex
	version int64
	m       map[string]keptTotal
}

type keptTotal struct {
	n int64
	// until: for an overdue list, the total holds while the clock (store.Time) is not past
	// this deadline; "" when no open problem of the filter has a deadline still to come
	until string
}

// listTotalsMax bounds the kept totals (a few bytes each); when full they are dropped.
const listTotalsMax = 4096

func (c *listTotals) get(version int64, key string) (keptTotal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return keptTotal{}, false
	}
	k, ok := c.m[key]
	return k, ok
}

func (c *listTotals) put(version int64, key string, k keptTotal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version || c.m == nil || len(c.m) >= listTotalsMax {
		c.version, c.m = version, make(map[string]keptTotal)
	}
	c.m[key] = k
}

// problemsVersion reads the version of the problems (see listTotals).
func problemsVersion(ctx context.Context, q store.Querier) (int64, error) {
	var v int64
	err := q.QueryRow(ctx, "SELECT n FROM river_problems_version WHERE id = 1").Scan(&v)
	return v, err
}

// total counts the problems of the filter without paging, or takes the count kept for
// the same filter at the same version (and, for an overdue list, still before the next
// deadline). version is read before counting, so a count kept under it is never older than
// the problems it names.
func (m *Module) total(ctx context.Context, q store.Querier, version int64, f ProblemFilter) (int64, error) {
	f.Before, f.Limit, f.walk = 0, 0, false
	key := f.totalKey()
	now := store.Time(f.Now)
	if k, ok := m.totals.get(version, key); ok && (!f.Overdue || k.until == "" || now <= k.until) {
		return k.n, nil
	}
	n, err := countProblems(ctx, q, f)
	if err != nil {
		return 0, err
	}
	k := keptTotal{n: n}
	if f.Overdue {
		// the next deadline to pass among the open problems of the filter
		g := f
		g.Overdue = false
		w, args := g.where()
		if w == "" {
			w = " WHERE "
		} else {
			w += " AND "
		}
		var next sql.NullString
		if err := q.QueryRow(ctx, "SELECT MIN(p.deadline) FROM river_problems p"+w+
			"p.state IN ('assigned', 'handling', 'extension') AND p.deadline >= ?", append(args, now)...).Scan(&next); err != nil {
			return 0, err
		}
		k.until = next.String
	}
	m.totals.put(version, key, k)
	return n, nil
}

// totalKey names the problems a filter selects, whatever the page and the clock (for an
// overdue list keptTotal.until covers the clock): its condition and its values, each quoted,
// so that no two filters' values run together into the same key.
func (f ProblemFilter) totalKey() string {
	f.Before, f.Limit, f.walk, f.Now = 0, 0, false, time.Time{}
	w, args := f.where()
	return w + fmt.Sprintf("%q", args)
}

// walkBudget is how many index entries a newest-first walk may expect to read for one
// page (page size × problems ÷ matches) and still be chosen over collecting the matches
// by a filter index and sorting them. On the bulletin demo a walk reads about 40 ns per
// entry; collecting a few hundred matches and sorting them costs about what 4,000 do.
const walkBudget = 4000

// listPageOf is the problem list's page and total for a filter: the total first (kept
// per filter, see listTotals), then, knowing how many problems match, the page by the
// cheaper way: when many match, newest first along river_problems_walk keeping the
// matches; when few, the filter indexes collect them and they are sorted (the planner's
// choice). Both give the same rows.
func (m *Module) listPageOf(ctx context.Context, q store.Querier, f ProblemFilter) ([]*ProblemRow, int64, error) {
	version, err := problemsVersion(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	total, err := m.total(ctx, q, version, f)
	if err != nil || total == 0 {
		return nil, total, err
	}
	if q.D() == store.SQLite {
		all, err := m.total(ctx, q, version, ProblemFilter{})
		if err != nil {
			return nil, 0, err
		}
		f.walk = int64(f.pageSize())*all <= walkBudget*total
	}
	list, err := listProblems(ctx, q, f)
	return list, total, err
}
