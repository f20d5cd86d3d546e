package credit

import (
	"context"
	"database/sql"
	"strings"
)

// importCount counts what an import changed in the library, by natural key:
// subjects (records, blacklist entries) new to it, and those stored before the
// import whose values it changed, each once however often the file names it
// and whichever way the file is stored (part by part, in bulk, or by COPY on
// PostgreSQL), so that the same file gives the same counts on every path.
// A row of the import's own that a later part changes again is neither.
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
// or changed (a row left alone by the upsert's WHERE is not returned): its
// natural key (conflict, the key's columns) and its times. "" when c is nil.
func (c *importCount) returning(conflict string) string {
	if c == nil {
		return ""
	}
	return " RETURNING " + strings.ReplaceAll(conflict, ", ", " || '|' || ") + ", created_at, updated_at"
}

// scan counts the rows an upsert returned (see returning): created and updated
// at the same time, it was inserted now; created before the import, it was
// stored before and changed now.
func (c *importCount) scan(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key, created, updated string
		if err := rows.Scan(&key, &created, &updated); err != nil {
			return err
		}
		c.add(key, created, updated)
	}
	return rows.Err()
}

func (c *importCount) add(key, created, updated string) {
	switch {
	case created == updated && created >= c.start:
		c.inserted++
	case created < c.start:
		c.updated[key] = struct{}{}
	}
}
