package audit

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tongcheng/internal/store"
)

// SQLite writes each commit to its write-ahead log; a checkpoint copies the log's pages
// into the database file and syncs it, and once every page is copied the next writer
// starts the log over. Left to SQLite, a checkpoint runs inside the COMMIT that takes the
// log past 1,000 pages, and the callers of that batch waited for it: the slowest look-ups
// were those. The group's checkpointer runs passive checkpoints beside the writer instead
// (they neither wait for nor block readers and writers), at most one every
// checkpointEvery while entries are written and one when the group retires.
//
// A passive checkpoint cannot start the log over while readers still read from it, so
// under steady load the log could grow without end. When it holds walBound pages the
// checkpointer takes the writer's turn (between two batches) and runs a RESTART
// checkpoint: it copies what the passive ones left and starts the log over once no
// reader is still on it. It must not wait for readers through SQLite's busy handler (that
// sleeps 1, 2, 5 … ms): with busy_timeout 0 it answers busy instead and is tried again
// after restartPause — readers that began after the first try read the database file,
// those before end within microseconds. The file is cut back to walFileLimit when the
// log starts over.
const (
	walFileLimit = 32 << 20 // bytes
	restartTries = 8
	restartPause = 100 * time.Microsecond
)

// walBound is the log's size in pages at which the checkpointer starts it over (about
// 4 MiB, where SQLite's own automatic checkpoint runs). Variables for the test that
// passes the bound many times.
var (
	checkpointEvery       = 50 * time.Millisecond
	walBound        int64 = 1000
)

type checkpointer struct {
	db       *store.DB
	turn     *sync.Mutex   // the writer's
	kick     chan struct{} // a batch was committed
	quit     chan struct{}
	runs     atomic.Int64 // passive checkpoints
	restarts atomic.Int64 // RESTART checkpoints tried
	started  atomic.Int64 // … and those that started the log over
}

func startCheckpointer(db *store.DB, turn *sync.Mutex) *checkpointer {
	c := &checkpointer{db: db, turn: turn, kick: make(chan struct{}, 1), quit: make(chan struct{})}
	go c.loop()
	return c
}

// committed tells the checkpointer of a commit.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// stop ends the checkpointer after a last checkpoint.
func (c *checkpointer) stop() { close(c.quit) }

func (c *checkpointer) loop() {
	pause := time.NewTimer(checkpointEvery)
	for {
		select {
		case <-c.kick:
		case <-c.quit:
			c.checkpoint()
			return
		}
		c.checkpoint()
		pause.Reset(checkpointEvery)
		select {
		case <-pause.C:
		case <-c.quit:
			c.checkpoint()
			return
		}
	}
}

func (c *checkpointer) checkpoint() {
	ctx := context.Background()
	conn, err := c.db.SQL.Conn(ctx)
	if err != nil {
		return // the database is closed
	}
	defer conn.Close()
	var busy, pages, copied int64
	err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &pages, &copied)
	c.runs.Add(1)
	if err != nil || pages < walBound {
		return
	}
	c.turn.Lock()
	defer c.turn.Unlock()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return
	}
	defer conn.ExecContext(ctx, "PRAGMA busy_timeout = "+itoa(store.BusyTimeout.Milliseconds()))
	for try := 0; try <= restartTries; try++ {
		if try > 0 {
			time.Sleep(restartPause)
		}
		err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &pages, &copied)
		c.restarts.Add(1)
		if err == nil && busy == 0 {
			c.started.Add(1)
			return
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
