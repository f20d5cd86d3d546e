package audit

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongcheng/internal/store/storetest"
)

// Entries written without pause while readers keep reading (as look-ups under load do):
// no COMMIT runs a checkpoint (the writer's automatic checkpoint is off), the checkpointer
// copies the log beside the writer and starts it over when it passes walBound although
// readers are always on it; every entry is stored, and the pool's connections get their
// settings back when the group retires. (How large the log file grows depends on how fast
// the machine runs the checkpoints; the test logs it.)
func TestCheckpointsKeepTheLogBounded(t *testing.T) {
	defer func(b int64, every time.Duration) { walBound, checkpointEvery = b, every }(walBound, checkpointEvery)
	checkpointEvery = time.Millisecond
	walBound = 64 // pages: a test-sized run passes it many times
	size, c := sustainedEntries(t)
	t.Logf("log file %d bytes, started over at %d pages (%d passive checkpoints, %d RESTART tries, %d started the log over)",
		size, walBound, c.runs.Load(), c.restarts.Load(), c.started.Load())
	if c.runs.Load() == 0 || c.started.Load() == 0 {
		t.Fatalf("%d passive checkpoints, %d RESTART checkpoints started the log over: want both", c.runs.Load(), c.started.Load())
	}
}

// sustainedEntries writes 4 × 400 entries from four goroutines while three readers hold
// read transactions, and returns the size of the log file and the group's checkpointer.
func sustainedEntries(t *testing.T) (int64, *checkpointer) {
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	if _, err := db.Migrate(ctx, Migrations()); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	var reads atomic.Int64
	for range 3 {
		readers.Add(1)
		go func() { // readers in the log all the time: a passive checkpoint alone cannot start it over
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				tx, err := db.SQL.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
				if err != nil {
					t.Error(err)
					return
				}
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE id > 0").Scan(&n); err != nil {
					t.Error(err)
				}
				time.Sleep(200 * time.Microsecond)
				tx.Rollback()
				reads.Add(1)
			}
		}()
	}
	const workers, each = 4, 400
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := Log(ctx, db, Entry{Username: "cd-analyst", Action: "read_sensitive", Module: "credit", ObjectType: "subject", ObjectID: fmt.Sprintf("%d-%d", w, i), Detail: "查看信用报告"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	if reads.Load() == 0 {
		t.Fatal("the readers never read")
	}
	g, _ := groups.Load(db)
	if g == nil {
		t.Fatal("the group retired while entries were being written")
	}
	c := g.(*group).w.(*sqliteWriter).ckpt
	var total int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&total); err != nil || total != workers*each {
		t.Fatalf("stored %d entries (%v), want %d", total, err, workers*each)
	}
	wal, err := os.Stat(db.Target + "-wal")
	if err != nil {
		t.Fatal(err)
	}

	// once the group retires, the pool's connections have SQLite's own settings again
	deadline := time.Now().Add(2 * time.Second)
	for liveGroups() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	conns := make([]*sql.Conn, 8)
	for i := range conns {
		c, err := db.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		var auto, limit, busy int64
		for q, v := range map[string]*int64{"wal_autocheckpoint": &auto, "journal_size_limit": &limit, "busy_timeout": &busy} {
			if err := c.QueryRowContext(ctx, "PRAGMA "+q).Scan(v); err != nil {
				t.Fatal(err)
			}
		}
		if auto != 1000 || limit != -1 || busy != 10000 {
			t.Fatalf("connection %d after the group retired: wal_autocheckpoint %d, journal_size_limit %d, busy_timeout %d; want 1000, -1, 10000", i, auto, limit, busy)
		}
	}
	return wal.Size(), c
}
