package audit

import (
	"context"
	"sync"

	"tongcheng/internal/store"
)

// Group commit of entries that are not part of a larger transaction (sensitive reads,
// logins). Each such entry used to be a transaction of its own, and on SQLite, where one
// writer works at a time, concurrent look-ups queued for the write lock one by one. Now
// the entries that arrive while a batch commits are written together in the next
// transaction, as multi-row INSERTs. Every caller still returns only after its own entry
// is committed (or with the error that stopped it), so no entry is reported written that
// is not.

type group struct {
	db      *store.DB
	mu      sync.Mutex
	queue   []*pending
	running bool
	retired bool // taken out of groups: the next entry for db starts a new group
}

type pending struct {
	e    Entry
	done chan error
}

// groups holds the group of each database while it has entries to write. A group
// leaves the map as soon as its queue is empty, so the map holds only databases being
// written to at this moment: a program (or a test run) that opens and closes many
// databases does not keep one group per database it ever used.
var groups sync.Map // *store.DB → *group

func groupFor(db *store.DB) *group {
	if g, ok := groups.Load(db); ok {
		return g.(*group)
	}
	g, _ := groups.LoadOrStore(db, &group{db: db})
	return g.(*group)
}

const (
	// maxBatch bounds one transaction.
	maxBatch = 256
	// maxRows bounds one INSERT statement.
	maxRows = 64
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
	}
	g.mu.Unlock()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err() // the entry is still written; the caller stopped waiting
	}
}

// run writes batches until the queue is empty, then ends.
func (g *group) run() {
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxBatch)
		if n == 0 {
			g.running = false
			g.retired = true
			groups.CompareAndDelete(g.db, g)
			g.mu.Unlock()
			return
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		ctx := context.Background()
		err := g.db.InTx(ctx, func(tx *store.Tx) error {
			return insertBatch(batch, func(q string, args []any) error {
				_, err := tx.Exec(ctx, q, args...)
				return err
			})
		})
		if err != nil && len(batch) > 1 {
			// one bad entry must not take the others with it: write each on its own
			for _, p := range batch {
				p.done <- insert(ctx, g.db, p.e)
			}
			continue
		}
		for _, p := range batch {
			p.done <- err
		}
	}
}
