package river

import (
	"context"
	"fmt"
	"sync"

	"tongcheng/internal/store"
)

// listTotals keeps the totals the problem list has counted, per filter, with the version
// of the problems they were counted at (river_problems_version, migration 013: every change
// of a problem's filter columns moves it inside the changing transaction, whichever server
// makes it). A kept total is shown only while the version has not moved, so the number is
// always the one COUNT(*) gives at that moment; the overdue list's total depends on the
// clock as well and is always counted.
type listTotals struct {
	mu      sync.Mutex
	version int64
	m       map[string]int64
}

// listTotalsMax bounds the kept totals (a few bytes each); when full they are dropped.
const listTotalsMax = 4096

func (c *listTotals) get(version int64, key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return 0, false
	}
	n, ok := c.m[key]
	return n, ok
}

func (c *listTotals) put(version int64, key string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version || c.m == nil || len(c.m) >= listTotalsMax {
		c.version, c.m = version, make(map[string]int64)
	}
	c.m[key] = n
}

// problemsVersion reads the version of the problems (see listTotals).
func problemsVersion(ctx context.Context, q store.Querier) (int64, error) {
	var v int64
	err := q.QueryRow(ctx, "SELECT n FROM river_problems_version WHERE id = 1").Scan(&v)
	return v, err
}

// total counts the problems of the filter without paging, or takes the count kept for
// the same filter at the same version. version is read before counting, so a count kept
// under it is never older than the problems it names.
func (m *Module) total(ctx context.Context, q store.Querier, version int64, f ProblemFilter) (int64, error) {
	f.Before, f.Limit, f.walk = 0, 0, false
	if f.Overdue {
		return countProblems(ctx, q, f)
	}
	w, args := f.where()
	key := w + fmt.Sprint(args...)
	if n, ok := m.totals.get(version, key); ok {
		return n, nil
	}
	n, err := countProblems(ctx, q, f)
	if err == nil {
		m.totals.put(version, key, n)
	}
	return n, err
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
