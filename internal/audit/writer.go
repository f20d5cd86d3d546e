package audit

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"tongcheng/internal/store"
)

// writer stores the batches of one group.
type writer interface {
	// write stores batch in one transaction: all of it or none.
	write(batch []*pending) error
	// afterCommit runs after the callers of a batch have their answer.
	afterCommit()
	close()
}

func newWriter(db *store.DB) writer {
	if db.Dialect == store.SQLite {
		return &sqliteWriter{db: db}
	}
	return txWriter{db}
}

const insertCols = "INSERT INTO audit_log (at, user_id, username, ip, action, module, object_type, object_id, region, detail) VALUES "

// insertSQL returns the INSERT of n entries (n a power of two ≤ maxRows).
var insertSQL = sync.OnceValue(func() map[int]string {
	m := map[int]string{}
	for n := 1; n <= maxRows; n *= 2 {
		m[n] = insertCols + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
	}
	return m
})

func entryArgs(args []any, e *Entry) []any {
	return append(args, store.Time(e.At), e.UserID, e.Username, e.IP, e.Action, e.Module, e.ObjectType, e.ObjectID, e.Region, e.Detail)
}

// insertBatch writes batch as INSERTs of 64, 32 … 1 rows through exec.
func insertBatch(batch []*pending, exec func(q string, n int, args []any) error) error {
	args := make([]any, 0, 10*min(len(batch), maxRows))
	for len(batch) > 0 {
		n := maxRows
		for n > len(batch) {
			n /= 2
		}
		args = args[:0]
		for _, p := range batch[:n] {
			args = entryArgs(args, &p.e)
		}
		if err := exec(insertSQL()[n], n, args); err != nil {
			return err
		}
		batch = batch[n:]
	}
	return nil
}

// txWriter writes each batch in a transaction of the pool (PostgreSQL).
type txWriter struct{ db *store.DB }

func (w txWriter) write(batch []*pending) error {
	ctx := context.Background()
	return w.db.InTx(ctx, func(tx *store.Tx) error {
		return insertBatch(batch, func(q string, _ int, args []any) error {
			_, err := tx.Exec(ctx, q, args...)
			return err
		})
	})
}

func (txWriter) afterCommit() {}
func (txWriter) close()       {}

// sqliteWriter writes through a connection it holds while the group lives, with its
// statements prepared once and SQLite's automatic checkpoint off; its checkpointer copies
// the log into the database file beside it (checkpoint.go).
type sqliteWriter struct {
	db    *store.DB
	conn  *sql.Conn
	stmts map[int]*sql.Stmt // rows → INSERT
	begin *sql.Stmt
	end   *sql.Stmt
	prev  [2]int64 // the connection's wal_autocheckpoint and journal_size_limit before
	ckpt  *checkpointer
	turn  sync.Mutex // held while a batch is written
}

// connection settings of the writer: the automatic checkpoint off (the checkpointer does
// it), and the log file cut back to walFileLimit when it starts over
var writerPragmas = [2]string{"wal_autocheckpoint", "journal_size_limit"}

func (w *sqliteWriter) open(ctx context.Context) error {
	if w.conn != nil {
		return nil
	}
	conn, err := w.db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	w.conn = conn
	for i, p := range writerPragmas {
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p).Scan(&w.prev[i]); err != nil {
			w.drop()
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		w.drop()
		return err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA journal_size_limit = "+itoa(walFileLimit)); err != nil {
		w.drop()
		return err
	}
	if w.begin, err = conn.PrepareContext(ctx, "BEGIN IMMEDIATE"); err == nil {
		w.end, err = conn.PrepareContext(ctx, "COMMIT")
	}
	if err != nil {
		w.drop()
		return err
	}
	w.stmts = map[int]*sql.Stmt{}
	if w.ckpt == nil {
		w.ckpt = startCheckpointer(w.db, &w.turn)
	}
	return nil
}

// drop gives the connection back to the pool with its settings as they were.
func (w *sqliteWriter) drop() {
	if w.conn == nil {
		return
	}
	for _, st := range w.stmts {
		st.Close()
	}
	for _, st := range []*sql.Stmt{w.begin, w.end} {
		if st != nil {
			st.Close()
		}
	}
	ctx := context.Background()
	_, _ = w.conn.ExecContext(ctx, "ROLLBACK") // in case a failed statement left the transaction open
	for i, p := range writerPragmas {
		_, _ = w.conn.ExecContext(ctx, "PRAGMA "+p+" = "+itoa(w.prev[i]))
	}
	w.conn.Close()
	w.conn, w.stmts, w.begin, w.end = nil, nil, nil, nil
}

func (w *sqliteWriter) write(batch []*pending) error {
	ctx := context.Background()
	if err := w.open(ctx); err != nil {
		return err
	}
	w.turn.Lock() // the checkpointer starts the log over between two batches
	defer w.turn.Unlock()
	if _, err := w.begin.ExecContext(ctx); err != nil {
		w.drop()
		return err
	}
	err := insertBatch(batch, func(q string, n int, args []any) error {
		st := w.stmts[n]
		if st == nil {
			var err error
			if st, err = w.conn.PrepareContext(ctx, q); err != nil {
				return err
			}
			w.stmts[n] = st
		}
		_, err := st.ExecContext(ctx, args...)
		return err
	})
	if err == nil {
		_, err = w.end.ExecContext(ctx)
	}
	if err != nil {
		w.drop() // rolls back; the next write starts on a clean connection
	}
	return err
}

func (w *sqliteWriter) afterCommit() {
	if w.ckpt != nil {
		w.ckpt.committed()
	}
}

func (w *sqliteWriter) close() {
	w.drop()
	if w.ckpt != nil {
		w.ckpt.stop()
	}
}
