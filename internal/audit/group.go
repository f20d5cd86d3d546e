package audit

import (
	"context"
	"sync"
	"time"

	"tongcheng/internal/store"
)

// Group commit of entries that are not part of a larger transaction (sensitive reads,
// logins). Each such entry used to be a transaction of its own, and on SQLite, where one
// writer works at a time, concurrent look-ups queued for the write lock one by one. Now
// the entries that arrive while a batch commits are written together in the next
// transaction, as one multi-row INSERT. Every caller still returns only after its own
// entry is committed (or with the error that stopped it), so no entry is reported written
// that is not.
//
// On SQLite the group writes through a connection of its own, on which SQLite's automatic
// checkpoint is off: a checkpoint copies the write-ahead log into the database file and
// syncs it, and run inside a COMMIT it made every caller of that batch wait for it. The
// group's checkpointer (checkpoint.go) does that work beside the writer instead.

type group struct {
	db      *store.DB
	mu      sync.Mutex
	queue   []*pending
	running bool
	retired bool          // taken out of groups: the next entry for db starts a new group
	wake    chan struct{} // an entry arrived while the writer waits for more
	w       writer
}

type pending struct {
	e    Entry
	done chan error
}

// groups holds the group of each database while it has entries to write. A group
// leaves the map once its queue has stayed empty for linger, so the map holds only
// databases being written to: a program (or a test run) that opens and closes many
// databases does not keep one group per database it ever used.
var groups sync.Map // *store.DB → *group

func groupFor(db *store.DB) *group {
	if g, ok := groups.Load(db); ok {
		return g.(*group)
	}
	g, _ := groups.LoadOrStore(db, &group{db: db, wake: make(chan struct{}, 1)})
	return g.(*group)
}

const (
	// maxBatch bounds one transaction.
	maxBatch = 256
	// maxRows bounds one INSERT statement; a batch is written in statements of 64, 32 …
	// 1 rows, so that a handful of statement texts serve every batch size.
	maxRows = 64
	// linger is how long the writer (its connection, its prepared statements) waits
	// for the next entry before the group retires: under steady traffic it stays.
	linger = 200 * time.Millisecond
)

func (g *group) log(ctx context.Context, e Entry) error {
	p := &pending{e: e, done: make(chan error, 1)}
	g.mu.Lock()
	for g.retired {
		// the group emptied and left the map after this caller found it: use the current one
		g.mu.Unlock()
		g = groupFor(g.db)
		g.mu.Lock()
	}
	g.queue = append(g.queue, p)
	if !g.running {
		g.running = true
		go g.run()
	} else {
		select {
		case g.wake <- struct{}{}:
		default:
		}
	}
	g.mu.Unlock()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err() // the entry is still written; the caller stopped waiting
	}
}

// next takes the next batch; when the queue has stayed empty for linger it retires the
// group and returns nil.
func (g *group) next() []*pending {
	var timer *time.Timer
	var deadline time.Time
	for {
		g.mu.Lock()
		if n := min(len(g.queue), maxBatch); n > 0 {
			batch := g.queue[:n:n]
			g.queue = g.queue[n:]
			g.mu.Unlock()
			if timer != nil {
				timer.Stop()
			}
			return batch
		}
		select { // the queue is empty: a wake still pending was for entries already taken
		case <-g.wake:
		default:
		}
		now := time.Now()
		if deadline.IsZero() {
			deadline = now.Add(linger)
		}
		if !now.Before(deadline) {
			g.running = false
			g.retired = true
			groups.CompareAndDelete(g.db, g)
			g.mu.Unlock()
			return nil
		}
		g.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(deadline.Sub(now))
		} else {
			timer.Reset(deadline.Sub(now))
		}
		select {
		case <-g.wake:
		case <-timer.C:
		}
	}
}

// run writes batches until the queue has stayed empty for linger, then ends.
func (g *group) run() {
	w := newWriter(g.db)
	g.w = w
	defer w.close()
	for {
		batch := g.next()
		if batch == nil {
			return
		}
		err := w.write(batch)
		if err != nil && len(batch) > 1 {
			// one bad entry must not take the others with it: write each on its own
			for _, p := range batch {
				p.done <- w.write([]*pending{p})
			}
			continue
		}
		for _, p := range batch {
			p.done <- err
		}
		if err == nil {
			w.afterCommit()
		}
	}
}
