package credit

import (
	"context"
	"errors"
	"fmt"

	"tongcheng/internal/store"
)

// Bulk import of market subjects (SQLite). Storing 1.38 million subjects row
// by row kept five B-trees up to date at random places for every row: the
// natural key, name, legal representative, city/type and the FTS5 trigram
// name index (about a dozen postings a name). A bulk import keeps only the
// natural-key index live (the upsert needs it) and, in the same transaction,
// drops the other B-tree indexes, stores every part of the file and builds
// them once at the end (sorted). The name index's insert trigger is dropped
// too: FTS5 writes the postings it holds in memory at every statement, so
// fed row by row it made a segment per 500-row upsert and merged them again
// and again; the new subjects are added in one statement at the end instead,
// their postings held in memory (FTS5 "hashsize") and written as one
// segment. Its update trigger is limited meanwhile to the subjects stored
// before, so that a subject of this import whose name a later row of the file
// changes is indexed once, with its last name.
// Everything happens in one transaction: a killed import leaves the library
// as it was, indexes and triggers included, and a re-run of the same file
// completes it (its batch is reused).

// bulkPartRows is how many rows one part of a bulk import holds.
const bulkPartRows = 10000

// bulkMinRows is the smallest import stored in bulk; and it must be at least
// 1/bulkShare of the subjects already stored (rebuilding the indexes costs
// about as much as the whole table, updating them row by row costs per row).
var bulkMinRows int64 = 50000

const bulkShare = 4

// subjectRowBytes is the size of a subjects CSV row in the bulletin's data
// (233 MB for 1.38 million rows: 169 bytes); the row count of a file is
// estimated from its size with a smaller figure, so that it is not
// underestimated.
const subjectRowBytes = 150

// bulkCacheKiB is the page cache of the importing connection during a bulk
// import (the default 64 MiB of bulkCache is restored at the end).
const bulkCacheKiB = 262144

// bulkWanted decides whether a subjects file of size bytes is stored in bulk:
// when it has about bulkMinRows rows or more and, on SQLite, at least
// 1/bulkShare of the subjects stored. PostgreSQL's bulk path (COPY and one
// merge, bulk_postgres.go) builds no index afterwards, so there the share of
// the stored subjects does not matter.
func bulkWanted(ctx context.Context, db *store.DB, size int64) (bool, error) {
	if size < 0 {
		return false, nil
	}
	est := size / subjectRowBytes
	if est < bulkMinRows {
		return false, nil
	}
	if db.D() == store.Postgres {
		return true, nil
	}
	var stored int64
	if err := db.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM credit_subjects").Scan(&stored); err != nil {
		return false, err
	}
	return est*bulkShare >= stored, nil
}

// bulk stores every part in one transaction (see the comment at the top).
func (w *partWriter) bulk(ctx context.Context, parts <-chan *part) error {
	err := w.im.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := beginBulk(ctx, tx)
		if err != nil {
			return err
		}
		first, last, problems, err := w.all(parts, func(p *part) error { return w.store(ctx, tx, p) })
		if err != nil {
			return err
		}
		if err := b.finish(ctx, tx); err != nil {
			return err
		}
		return w.finish(ctx, tx, first, last, w.res.Accepted, problems, true)
	})
	if err != nil {
		return err
	}
	w.committed()
	return nil
}

// all stores every part with store until the reader is done and returns the
// first and last line of the file's stored rows and its number of problems
// (for the audit entry of a bulk import); the reader's error, if it stopped early.
func (w *partWriter) all(parts <-chan *part, store func(p *part) error) (first, last, problems int, err error) {
	for p := range parts {
		if err := store(p); err != nil {
			return 0, 0, 0, err
		}
		if first == 0 {
			first = p.first
		}
		last, problems = p.last, problems+len(p.rejects)
	}
	return first, last, problems, w.readErr
}

// subjectsBulk is a bulk import in progress: what was dropped, to be restored.
type subjectsBulk struct {
	indexes []string // CREATE INDEX statements of the dropped indexes
	maxID   int64    // the last subject id before the import
	insert  string   // CREATE TRIGGER statements of the name index's insert
	update  string   // and update triggers
}

// The name index's triggers (migrations/002_name_search.sqlite.sql).
const (
	ftsInsertTrigger = "credit_subjects_fts_ai"
	ftsUpdateTrigger = "credit_subjects_fts_au"
)

// ftsHashBytes is the FTS5 "hashsize" of the name index: how much of new
// postings it holds in memory before writing a segment. During a bulk import
// it is raised so that all of them fit, then set back to FTS5's default.
const (
	ftsHashBytesBulk    = 256 << 20
	ftsHashBytesDefault = 1 << 20
)

// beginBulk prepares tx for a bulk import of subjects: a large page cache for
// its connection, the name index's in-memory postings raised, the secondary
// indexes and the name index's insert trigger dropped (the natural key's
// index, which is the UNIQUE constraint's and has no SQL, stays: the upsert
// needs it) and its update trigger limited to the subjects stored before.
func beginBulk(ctx context.Context, tx *store.Tx) (*subjectsBulk, error) {
	b := &subjectsBulk{}
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM credit_subjects").Scan(&b.maxID); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'credit_subjects' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name")
	if err != nil {
		return nil, err
	}
	qs := []string{fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB), ftsHashSize(ftsHashBytesBulk)}
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			rows.Close()
			return nil, err
		}
		switch {
		case typ == "index":
			b.indexes = append(b.indexes, sql)
			qs = append(qs, "DROP INDEX "+name)
		case name == ftsInsertTrigger:
			b.insert = sql
		case name == ftsUpdateTrigger:
			b.update = sql
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if b.insert == "" || b.update == "" {
		return nil, errors.New("数据库中缺少主体名称索引的触发器（credit_subjects_fts_ai/au），数据库结构不完整：请先运行 tongcheng migrate 再导入")
	}
	qs = append(qs, "DROP TRIGGER "+ftsInsertTrigger, "DROP TRIGGER "+ftsUpdateTrigger,
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE OF name ON credit_subjects WHEN old.name <> new.name AND old.id <= %d BEGIN
	INSERT INTO credit_subjects_fts (credit_subjects_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO credit_subjects_fts (rowid, name) VALUES (new.id, new.name);
END`, ftsUpdateTrigger, b.maxID))
	for _, q := range qs {
		if _, err := tx.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func ftsHashSize(n int) string {
	return fmt.Sprintf("INSERT INTO credit_subjects_fts (credit_subjects_fts, rank) VALUES ('hashsize', %d)", n)
}

// finish builds the dropped indexes (the sorter may use a second thread),
// adds the new subjects to the name index in one statement, restores its
// triggers as they were, merges its segments and sets its memory and the
// connection's page cache back.
func (b *subjectsBulk) finish(ctx context.Context, tx *store.Tx) error {
	qs := append(append([]string{"PRAGMA threads = 2"}, b.indexes...), "PRAGMA threads = 0",
		fmt.Sprintf("INSERT INTO credit_subjects_fts (rowid, name) SELECT id, name FROM credit_subjects WHERE id > %d", b.maxID),
		"DROP TRIGGER "+ftsUpdateTrigger, b.update, b.insert)
	for _, q := range qs {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	if err := optimizeSearchIndex(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, ftsHashSize(ftsHashBytesDefault)); err != nil {
		return err
	}
	return bulkCache(ctx, tx)
}
