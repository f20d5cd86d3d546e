package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"tongcheng/internal/audit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// Many requests writing entries at once (as concurrent credit look-ups do): every entry is
// stored exactly once, each caller hears of its own commit, and fewer transactions than
// entries were needed on a busy moment is invisible to the callers.
func TestConcurrentEntriesAllStored(t *testing.T) {
	storetest.Each(t, []store.Migrations{audit.Migrations()}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 300
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = audit.Log(ctx, db, audit.Entry{Username: "cd-credit", Action: "read_sensitive", Module: "credit", ObjectType: "subject", ObjectID: fmt.Sprintf("S%03d", i)})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
		}
		var total, distinct int
		if err := db.QueryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT object_id) FROM audit_log WHERE action = 'read_sensitive'").Scan(&total, &distinct); err != nil {
			t.Fatal(err)
		}
		if total != n || distinct != n {
			t.Fatalf("stored %d entries (%d distinct), want %d", total, distinct, n)
		}
		// an entry written right after is committed before Log returns
		if err := audit.Log(ctx, db, audit.Entry{Username: "cd-credit", Action: "read_sensitive", Module: "credit", ObjectID: "LAST"}); err != nil {
			t.Fatal(err)
		}
		if got, err := audit.Count(ctx, db, audit.Filter{Action: "read_sensitive"}); err != nil || got != n+1 {
			t.Fatalf("count after one more = %d (%v), want %d", got, err, n+1)
		}
	})
}

// When the database cannot take the entry, the caller gets the error: an audited read
// must not go ahead as if it had been recorded.
func TestEntryErrorReachesCaller(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	if _, err := db.Migrate(context.Background(), audit.Migrations()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := audit.Log(context.Background(), db, audit.Entry{Action: "read_sensitive", Module: "credit"}); err == nil {
		t.Fatal("Log on a closed database returned no error")
	}
}
