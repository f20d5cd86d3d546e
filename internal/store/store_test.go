package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

func sets(files map[string]string) store.Migrations {
	fsys := fstest.MapFS{}
	for k, v := range files {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return store.Migrations{Module: "demo", FS: fsys}
}

var twoSteps = map[string]string{
	"001_items.sql": "CREATE TABLE items (id {{autoid}}, name TEXT NOT NULL UNIQUE, fen BIGINT NOT NULL);",
	"002_tags.sql":  "CREATE TABLE tags (id {{autoid}}, item_id BIGINT NOT NULL REFERENCES items(id), tag TEXT NOT NULL);\nCREATE INDEX tags_item ON tags(item_id);",
}

func TestMigrateRecordsAndIsIdempotent(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		done, err := db.Migrate(ctx, sets(twoSteps))
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 2 || done[0] != "demo/001_items" || done[1] != "demo/002_tags" {
			t.Fatalf("applied = %v", done)
		}
		again, err := db.Migrate(ctx, sets(twoSteps))
		if err != nil || len(again) != 0 {
			t.Fatalf("second run applied %v, err %v; want nothing", again, err)
		}
		v, err := db.Applied(ctx)
		if err != nil || v["demo"] != 2 {
			t.Fatalf("applied versions = %v, %v", v, err)
		}
	})
}

// A failing step is applied not at all: neither its first statement nor its version row.
func TestMigrateFailureRollsBack(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bad := map[string]string{
			"001_items.sql":  twoSteps["001_items.sql"],
			"002_broken.sql": "CREATE TABLE half (x INTEGER);\nCREATE TABLE broken (x NOT_A_TYPE_AT_ALL(;",
		}
		_, err := db.Migrate(ctx, sets(bad))
		if err == nil || !strings.Contains(err.Error(), "002_broken") {
			t.Fatalf("err = %v, want failure naming 002_broken", err)
		}
		v, _ := db.Applied(ctx)
		if v["demo"] != 1 {
			t.Fatalf("version = %d, want 1", v["demo"])
		}
		if _, err := db.Exec(ctx, "SELECT x FROM half"); err == nil {
			t.Fatal("table half exists: failed step was partly applied")
		}
	})
}

func TestDialectSpecificFiles(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		files := map[string]string{
			"001_t.sql":          "CREATE TABLE t (id {{autoid}}, v TEXT);",
			"002_x.sqlite.sql":   "CREATE TABLE only_sqlite (x INTEGER);",
			"002_x.postgres.sql": "CREATE TABLE only_postgres (x INTEGER);",
		}
		if _, err := db.Migrate(ctx, sets(files)); err != nil {
			t.Fatal(err)
		}
		mine, other := "only_sqlite", "only_postgres"
		if db.Dialect == store.Postgres {
			mine, other = other, mine
		}
		if _, err := db.Exec(ctx, "SELECT x FROM "+mine); err != nil {
			t.Errorf("%s missing: %v", mine, err)
		}
		if _, err := db.Exec(ctx, "SELECT x FROM "+other); err == nil {
			t.Errorf("%s exists on %s", other, db.Dialect)
		}
	})
}

func TestInsertRebindTxAndUnique(t *testing.T) {
	storetest.Each(t, []store.Migrations{sets(twoSteps)}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id1, err := store.InsertID(ctx, db, "INSERT INTO items (name, fen) VALUES (?, ?)", "罚款 ? 项", int64(123456))
		if err != nil {
			t.Fatal(err)
		}
		id2, err := store.InsertID(ctx, db, "INSERT INTO items (name, fen) VALUES (?, ?)", "b", int64(1))
		if err != nil || id2 != id1+1 {
			t.Fatalf("ids %d %d err %v", id1, id2, err)
		}
		var name string
		var fen int64
		// a literal '?' inside quotes is not a placeholder
		if err := db.QueryRow(ctx, "SELECT name, fen FROM items WHERE id = ? AND name <> '?'", id1).Scan(&name, &fen); err != nil {
			t.Fatal(err)
		}
		if name != "罚款 ? 项" || fen != 123456 {
			t.Fatalf("got %q %d", name, fen)
		}
		_, err = db.Exec(ctx, "INSERT INTO items (name, fen) VALUES (?, ?)", "b", int64(2))
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate insert err = %v, want unique violation", err)
		}
		// a failing transaction leaves nothing behind
		boom := errors.New("boom")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO items (name, fen) VALUES (?, ?)", "c", int64(3)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx err = %v", err)
		}
		var n int
		db.QueryRow(ctx, "SELECT COUNT(*) FROM items").Scan(&n)
		if n != 2 {
			t.Fatalf("items = %d after rolled-back tx, want 2", n)
		}
		// foreign keys are enforced on both engines
		if _, err := db.Exec(ctx, "INSERT INTO tags (item_id, tag) VALUES (?, ?)", int64(999), "x"); err == nil {
			t.Fatal("foreign key not enforced")
		}
	})
}

func TestSQLitePragmas(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	var mode string
	var fk, busy int
	db.QueryRow(ctx, "PRAGMA journal_mode").Scan(&mode)
	db.QueryRow(ctx, "PRAGMA foreign_keys").Scan(&fk)
	db.QueryRow(ctx, "PRAGMA busy_timeout").Scan(&busy)
	if mode != "wal" || fk != 1 || busy != 10000 {
		t.Fatalf("journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, busy)
	}
}

func TestReadOnlyFileGetsClearMessage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ro.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	storetest.MakeReadOnly(t, path)
	_, err = store.Open(context.Background(), path)
	var se *store.Error
	if !errors.As(err, &se) || se.Code != "db_readonly" || !strings.Contains(se.Message, "只读") {
		t.Fatalf("err = %v, want db_readonly with 只读", err)
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	os.WriteFile(path, []byte(strings.Repeat("这不是数据库文件", 512)), 0o644)
	_, err := store.Open(context.Background(), path)
	var se *store.Error
	if !errors.As(err, &se) || se.Code != "db_corrupt" {
		t.Fatalf("err = %v, want db_corrupt", err)
	}
	if !strings.Contains(se.Message, "不是同城的数据库文件") {
		t.Fatalf("message = %q", se.Message)
	}
}

func TestPostgresDownAtStart(t *testing.T) {
	// nothing listens on port 1
	_, err := store.Open(context.Background(), "postgres://nobody:x@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	var se *store.Error
	if !errors.As(err, &se) || se.Code != "db_unavailable" || !strings.Contains(se.Message, "无法连接 PostgreSQL") {
		t.Fatalf("err = %v, want db_unavailable", err)
	}
	if strings.Contains(se.Message, ":x@") {
		t.Fatalf("password leaked into message: %s", se.Message)
	}
}

func TestLockedFileGetsClearMessage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	storetest.ShortBusyTimeout(t, 300*time.Millisecond)
	storetest.LockFile(t, path) // another program holds the write lock
	_, err := store.Open(context.Background(), path)
	var se *store.Error
	if !errors.As(err, &se) || se.Code != "db_locked" || !strings.Contains(se.Message, "被其他程序锁定") {
		t.Fatalf("err = %v, want db_locked", err)
	}
}

// CopyFrom stores rows by COPY inside a transaction of InConnTx on PostgreSQL
// (into a table of the schema and into a temporary table, as the credit bulk
// import does): seen by the transaction's own statements, gone with a rollback,
// kept by a commit. Outside InConnTx, and on SQLite, it refuses.
func TestCopyFrom(t *testing.T) {
	storetest.Each(t, []store.Migrations{sets(twoSteps)}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rows := [][]any{{"甲", int64(100)}, {"乙", int64(250)}}
		if db.D() == store.SQLite {
			err := db.InConnTx(ctx, func(tx *store.Tx) error {
				_, err := tx.CopyFrom(ctx, "items", []string{"name", "fen"}, rows)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
				t.Fatalf("CopyFrom on SQLite: %v", err)
			}
			return
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.CopyFrom(ctx, "items", []string{"name", "fen"}, rows)
			return err
		}); err == nil {
			t.Fatal("CopyFrom outside InConnTx did not refuse")
		}
		errStop := errors.New("stop")
		err := db.InConnTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "CREATE TEMPORARY TABLE staged (name TEXT NOT NULL, fen BIGINT NOT NULL) ON COMMIT DROP"); err != nil {
				return err
			}
			if n, err := tx.CopyFrom(ctx, "pg_temp.staged", []string{"name", "fen"}, rows); err != nil || n != 2 {
				t.Fatalf("copy into the temporary table: %d, %v", n, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO items (name, fen) SELECT name, fen FROM pg_temp.staged"); err != nil {
				return err
			}
			if n, err := tx.CopyFrom(ctx, "items", []string{"name", "fen"}, [][]any{{"丙", int64(7)}}); err != nil || n != 1 {
				t.Fatalf("copy into items: %d, %v", n, err)
			}
			var sum int64
			if err := tx.QueryRow(ctx, "SELECT SUM(fen) FROM items").Scan(&sum); err != nil || sum != 357 {
				t.Fatalf("inside the transaction: sum %d, %v", sum, err)
			}
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM items").Scan(&n); err != nil || n != 0 {
			t.Fatalf("after the rollback %d items, %v", n, err)
		}
		if err := db.InConnTx(ctx, func(tx *store.Tx) error {
			_, err := tx.CopyFrom(ctx, "items", []string{"name", "fen"}, rows)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var names string
		if err := db.QueryRow(ctx, "SELECT string_agg(name || ':' || fen, ',' ORDER BY id) FROM items").Scan(&names); err != nil || names != "甲:100,乙:250" {
			t.Fatalf("after the commit: %q, %v", names, err)
		}
	})
}
