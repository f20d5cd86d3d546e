package credit

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"tongcheng/internal/store"
)

// importCount counts what an import changed in the library, by natural key:
// subjects (records, blacklist entries) new to it, and those stored before the
// import whose values it changed, each once however often the file names it
// and whichever way the file is stored (part by part, in bulk, or by COPY on
// PostgreSQL), so that the same file gives the same counts on every path.
// A row of the import's own that a later part changes again is neither.
// On PostgreSQL each upsert returns what it did of each row (returning); on
// SQLite, where reading a row back for each of 1.38 million stored ones cost
// 15 % more CPU, the count comes from the statement's changes (countSQLite).
type importCount struct {
	start    string // store.Time of the import's start: rows created since are its own
	inserted int
	updated  map[string]struct{} // keys of rows stored before the import that it changed
}

func newImportCount(start string) *importCount {
	return &importCount{start: start, updated: map[string]struct{}{}}
}

type importCountKey struct{}

// withImportCount makes the upserts run with ctx count what they change into c.
func withImportCount(ctx context.Context, c *importCount) context.Context {
	return context.WithValue(ctx, importCountKey{}, c)
}

// importCountOf is the count of ctx, or nil (pushes, the demo: nothing counted).
func importCountOf(ctx context.Context) *importCount {
	c, _ := ctx.Value(importCountKey{}).(*importCount)
	return c
}

// returning is the RETURNING clause that reports each row an upsert inserted
// or changed (a row left alone by the upsert's WHERE is not returned): ”
// when it was inserted now (created and updated at the same time, since the
// import began), its natural key (conflict, the key's columns) when it was
// stored before the import and changed now, NULL when the import itself
// stored it in an earlier part. Its two placeholders take c.start (args).
// "" when c is nil.
func (c *importCount) returning(conflict string) string {
	if c == nil {
		return ""
	}
	return " RETURNING CASE WHEN created_at = updated_at AND created_at >= ? THEN '' WHEN created_at < ? THEN " + keyExpr(conflict) + " END"
}

// keyExpr is the SQL of a row's natural key (conflict, the key's columns) as one text,
// the columns joined by '|': how the count names a changed row on both engines.
func keyExpr(conflict string) string {
	return strings.ReplaceAll(conflict, ", ", " || '|' || ")
}

// args are the values of the placeholders of returning.
func (c *importCount) args() []any {
	if c == nil {
		return nil
	}
	return []any{c.start, c.start}
}

// scan counts the rows an upsert returned (see returning).
func (c *importCount) scan(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key sql.NullString
		if err := rows.Scan(&key); err != nil {
			return err
		}
		c.add(key, 1)
	}
	return rows.Err()
}

// add counts n rows of returning that said key.
func (c *importCount) add(key sql.NullString, n int) {
	switch {
	case !key.Valid:
	case key.String == "":
		c.inserted += n
	default:
		c.updated[key.String] = struct{}{}
	}
}

// countSQLite counts what one upsert of rows into table did on SQLite, from
// res: SQLite has one writer and ids that only grow, so the rows it inserted
// are those whose id is past before (the largest id before it; an upsert that
// updates may use up an id, so it is not the difference of the largest ids);
// when it changed more
// rows than it inserted, the keys of rows that are stored before the import
// and changed since it began are looked up among those of rows (by the
// natural key's index).
func (c *importCount) countSQLite(ctx context.Context, q store.Querier, table string, cols []string, conflict string, rows [][]any, before int64, res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return err
	}
	var ins int64
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id > ?", before).Scan(&ins); err != nil {
		return err
	}
	c.inserted += int(ins)
	if n == ins {
		return nil
	}
	keys := strings.Split(conflict, ", ")
	at := make([]int, len(keys))
	for i, k := range keys {
		at[i] = slices.Index(cols, k)
	}
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ") + ")"
	args := make([]any, 0, len(rows)*len(keys)+2)
	for _, r := range rows {
		for _, i := range at {
			args = append(args, r[i])
		}
	}
	args = append(args, c.start, c.start)
	qs := "SELECT " + keyExpr(conflict) + " FROM " + table + " WHERE (" + conflict + ") IN (VALUES " +
		strings.TrimSuffix(strings.Repeat(ph+", ", len(rows)), ", ") + ") AND created_at < ? AND updated_at >= ?"
	rs, err := q.Query(ctx, qs, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var key string
		if err := rs.Scan(&key); err != nil {
			return err
		}
		c.updated[key] = struct{}{}
	}
	return rs.Err()
}
