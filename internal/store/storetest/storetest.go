// Package storetest gives tests a fresh database on each engine: a SQLite file in a
// temporary folder always, and a private PostgreSQL schema when TONGCHENG_TEST_POSTGRES
// holds a URL, so test runs never see each other's data.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/store"
)

// PostgresURL is the test server's URL, or "".
func PostgresURL() string { return os.Getenv("TONGCHENG_TEST_POSTGRES") }

// Engines lists the engines a test suite runs on here.
func Engines() []string {
	if PostgresURL() != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Each runs fn once per engine as a subtest, each with a fresh, migrated database.
func Each(t *testing.T, sets []store.Migrations, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, eng := range Engines() {
		t.Run(eng, func(t *testing.T) {
			db := Open(t, eng)
			if len(sets) > 0 {
				if _, err := db.Migrate(context.Background(), sets...); err != nil {
					t.Fatalf("migrate: %v", err)
				}
			}
			fn(t, db)
		})
	}
}

// Open returns a fresh, empty database of the engine ("sqlite" or "postgres"), removed at the end of the test.
func Open(t testing.TB, engine string) *store.DB {
	t.Helper()
	ctx := context.Background()
	if engine == "postgres" {
		dsn, schema := NewSchema(t)
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() {
			db.Close()
			dropSchema(schema)
		})
		return db
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// NewSchema creates a private schema on the test PostgreSQL and returns a URL whose
// search_path points at it (for tests that start a server process of their own).
func NewSchema(t testing.TB) (dsn, schema string) {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		t.Skip("TONGCHENG_TEST_POSTGRES 未设置：跳过 PostgreSQL 测试")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema = "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if tt, ok := t.(*testing.T); ok {
		tt.Cleanup(func() { dropSchema(schema) })
	}
	return u.String(), schema
}

func dropSchema(schema string) {
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return
	}
	defer admin.Close()
	admin.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE")
}

// MakeReadOnly makes the SQLite file at path (and its folder) impossible to write for
// this process until the test ends: permission bits for an ordinary user, the immutable
// attribute (chattr +i) for root, whom permission bits do not stop. The file's -wal and
// -shm companions must be gone (close the database first). Skips when neither works.
func MakeReadOnly(t *testing.T, path string) {
	t.Helper()
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
			t.Skipf("以 root 运行且无法 chattr +i（%v %s）：跳过只读文件测试", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
		return
	}
	dir := filepath.Dir(path)
	os.Chmod(path, 0o444)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755); os.Chmod(path, 0o644) })
}

// ShortBusyTimeout makes SQLite databases opened from now until the end of the test give
// up waiting for another writer's lock after d (store.BusyTimeout).
func ShortBusyTimeout(t *testing.T, d time.Duration) {
	old := store.BusyTimeout
	store.BusyTimeout = d
	t.Cleanup(func() { store.BusyTimeout = old })
}

// LockFile makes another connection hold the write lock of the SQLite file at path, as
// another program would, until release is called (or the test ends).
func LockFile(t *testing.T, path string) (release func()) {
	t.Helper()
	ctx := context.Background()
	holder, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := holder.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(ctx, "ROLLBACK")
			conn.Close()
			holder.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// BenchDB opens the existing database named by the environment variable env (a SQLite
// file or a PostgreSQL URL, e.g. one made by `tongcheng demo --scale bulletin`) for a
// benchmark over real data, closed when the benchmark ends; without it the benchmark is
// skipped with a Chinese note saying how to make one.
func BenchDB(tb testing.TB, env string) *store.DB {
	tb.Helper()
	target := os.Getenv(env)
	if target == "" {
		tb.Skip(env + " 未设置：请先用 tongcheng demo --scale bulletin --db 文件 生成数据库（会写入审计记录的基准请用副本）")
	}
	db, err := store.Open(context.Background(), target)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
