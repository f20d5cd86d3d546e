package audit

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

func liveGroups() int {
	n := 0
	groups.Range(func(any, any) bool { n++; return true })
	return n
}

// A database's group leaves the map once its entries are written: after entries to many
// databases (as a test run or a long-lived program opening databases produces) the map
// holds none of them, and entries arriving while a group retires are still each stored once.
func TestGroupsDoNotOutliveTheirEntries(t *testing.T) {
	ctx := context.Background()
	before := liveGroups()
	var dbs []*store.DB
	for range 12 {
		db := storetest.Open(t, "sqlite")
		if _, err := db.Migrate(ctx, Migrations()); err != nil {
			t.Fatal(err)
		}
		dbs = append(dbs, db)
	}
	// bursts separated by pauses, so that groups empty, retire and are created again
	const bursts, perBurst = 5, 20
	var wg sync.WaitGroup
	errs := make(chan error, len(dbs)*bursts*perBurst)
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range bursts {
				var bw sync.WaitGroup
				for k := range perBurst {
					bw.Add(1)
					go func() {
						defer bw.Done()
						errs <- Log(ctx, db, Entry{Username: "u", Action: "read_sensitive", Module: "credit", ObjectID: fmt.Sprintf("%d-%d-%d", i, b, k)})
					}()
				}
				bw.Wait()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, db := range dbs {
		var total, distinct int
		if err := db.QueryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT object_id) FROM audit_log").Scan(&total, &distinct); err != nil {
			t.Fatal(err)
		}
		if total != bursts*perBurst || distinct != total {
			t.Fatalf("database %d holds %d entries (%d distinct), want %d", i, total, distinct, bursts*perBurst)
		}
	}
	// the last writer retires its group right after answering its callers
	deadline := time.Now().Add(2 * time.Second)
	for liveGroups() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := liveGroups(); n > before {
		t.Fatalf("%d groups still held after every entry was written (%d before)", n, before)
	}
}
