// Package store opens the database — the embedded SQLite file by default, PostgreSQL
// when given a postgres:// URL — and keeps the few places where the two differ.
// Modules write SQL in the dialect both engines share, with ? placeholders; the store
// rewrites them to $1, $2 … for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"           // pure-Go SQLite driver "sqlite"
)

// Dialect names the SQL engine behind a DB.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is the program's database handle. It is safe for concurrent use.
type DB struct {
	SQL     *sql.DB
	Dialect Dialect
	// Target is the file path (SQLite) or the URL without password (PostgreSQL), for messages.
	Target  string
	rebinds sync.Map
	stmts   sync.Map // SQLite: query text → *sql.Stmt, so hot queries are parsed once
	nstmts  atomic.Int64
}

// Querier is what both *DB and *Tx offer, so store functions work inside or outside a transaction.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	D() Dialect
}

// IsPostgresURL reports whether dsn selects PostgreSQL.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Error is a storage failure explained for people (Chinese) with a stable code for the API.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string { return e.Message + "（" + e.Err.Error() + "）" }
func (e *Error) Unwrap() error { return e.Err }

// Open opens the database named by dsn: a postgres:// URL, or otherwise a SQLite file path
// (its folder is created). It checks the connection before returning.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		dsn = "data/tongcheng.db"
	}
	if IsPostgresURL(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// BusyTimeout is how long a SQLite writer waits for another writer's lock before it
// gives up with a "locked" error.
var BusyTimeout = 10 * time.Second

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, &Error{"db_unavailable", "无法创建数据库目录 " + dir + "，请检查目录权限或用 --db 指定其他位置", err}
		}
	}
	// _txlock=immediate takes the write lock at BEGIN, so concurrent writers wait
	// (busy_timeout) instead of failing half-way through a transaction.
	dsn := "file:" + path + "?_txlock=immediate" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", BusyTimeout.Milliseconds()) + "&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, &Error{"db_unavailable", "无法打开数据库文件 " + path, err}
	}
	sqldb.SetMaxOpenConns(8)
	sqldb.SetMaxIdleConns(8)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{SQL: sqldb, Dialect: SQLite, Target: path}
	// Two processes opening a new file at the same moment (several servers started
	// together) race to switch it to WAL, which needs the file to themselves; SQLite
	// answers the loser "locked" at once, without its busy handler. The check is tried
	// again until BusyTimeout, as any other wait for the lock.
	deadline := time.Now().Add(BusyTimeout)
	for {
		err := db.check(ctx)
		if err == nil {
			return db, nil
		}
		var se *Error
		if !errors.As(err, &se) || se.Code != "db_locked" || time.Now().After(deadline) || ctx.Err() != nil {
			sqldb.Close()
			return nil, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	sqldb, err := sql.Open("pgx", url)
	if err != nil {
		return nil, &Error{"db_unavailable", "PostgreSQL 连接地址无效，请检查 --db / TONGCHENG_DB", err}
	}
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(10)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{SQL: sqldb, Dialect: Postgres, Target: redactURL(url)}
	if err := db.check(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// check pings the database and, for SQLite, makes sure the file can be written.
func (db *DB) check(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.SQL.PingContext(cctx); err != nil {
		if db.Dialect == Postgres {
			return &Error{"db_unavailable", "无法连接 PostgreSQL（" + db.Target + "），请确认数据库服务已启动、地址和账号正确", err}
		}
		return classifySQLiteOpen(db.Target, err)
	}
	if db.Dialect == SQLite {
		var mode string
		if err := db.SQL.QueryRowContext(cctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return classifySQLiteOpen(db.Target, err)
		}
		// A read-only or locked file shows itself on the first write.
		for _, q := range []string{"CREATE TABLE IF NOT EXISTS store_probe (x INTEGER)", "INSERT INTO store_probe VALUES (1)", "DELETE FROM store_probe"} {
			if _, err := db.SQL.ExecContext(cctx, q); err != nil {
				return classifySQLiteOpen(db.Target, err)
			}
		}
	}
	return nil
}

func classifySQLiteOpen(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "readonly") || strings.Contains(msg, "read-only") || strings.Contains(msg, "READONLY"):
		return &Error{"db_readonly", "数据库文件 " + path + " 是只读的，无法写入；请检查文件权限，或用 --db 指定可写的位置", err}
	case strings.Contains(msg, "locked") || strings.Contains(msg, "BUSY"):
		return &Error{"db_locked", "数据库文件 " + path + " 被其他程序锁定，请稍后重试或关闭占用它的程序", err}
	case strings.Contains(msg, "not a database") || strings.Contains(msg, "NOTADB"):
		return &Error{"db_corrupt", "文件 " + path + " 不是同城的数据库文件，请检查 --db 参数", err}
	}
	return &Error{"db_unavailable", "无法使用数据库文件 " + path, err}
}

func redactURL(u string) string {
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 {
		return u
	}
	userinfo := u[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":***"
	}
	return u[:scheme+3] + userinfo + u[at:]
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmts.Range(func(k, v any) bool { v.(*sql.Stmt).Close(); return true })
	return db.SQL.Close()
}

// D returns the dialect.
func (db *DB) D() Dialect { return db.Dialect }

// Rebind rewrites ? placeholders to $n for PostgreSQL (outside quoted strings).
func (db *DB) Rebind(q string) string {
	if db.Dialect != Postgres {
		return q
	}
	if v, ok := db.rebinds.Load(q); ok {
		return v.(string)
	}
	out := rebind(q)
	db.rebinds.Store(q, out)
	return out
}

func rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// maxStmts bounds the prepared-statement cache (queries built from filters vary).
const maxStmts = 512

// stmt returns a cached prepared statement for q on SQLite, or nil (PostgreSQL's
// driver keeps its own statement cache).
func (db *DB) stmt(ctx context.Context, q string) *sql.Stmt {
	if db.Dialect != SQLite {
		return nil
	}
	if v, ok := db.stmts.Load(q); ok {
		return v.(*sql.Stmt)
	}
	if db.nstmts.Load() >= maxStmts {
		return nil
	}
	st, err := db.SQL.PrepareContext(ctx, q)
	if err != nil {
		return nil // the direct call reports the error
	}
	if prev, loaded := db.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	db.nstmts.Add(1)
	return st
}

func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := db.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.SQL.ExecContext(ctx, db.Rebind(q), args...)
}
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.SQL.QueryContext(ctx, db.Rebind(q), args...)
}
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.SQL.QueryRowContext(ctx, db.Rebind(q), args...)
}

// Tx is a transaction with the same placeholder rewriting as DB.
type Tx struct {
	Tx    *sql.Tx
	db    *DB
	stmts map[string]*sql.Stmt // SQLite: statements prepared in this transaction
	conn  *sql.Conn            // the connection of a transaction begun by InConnTx
}

func (t *Tx) D() Dialect { return t.db.Dialect }

// stmt returns the transaction's prepared statement for q on SQLite (prepared on the
// transaction's own connection the first time, so a statement run many times in one
// transaction is parsed once), or nil on PostgreSQL or when preparing fails (the direct
// call then reports the error).
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.db.Dialect != SQLite {
		return nil
	}
	if st, ok := t.stmts[q]; ok {
		return st
	}
	st, err := t.Tx.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st // closed with the transaction
	return st
}

func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, t.db.Rebind(q), args...)
}
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, t.db.Rebind(q), args...)
}
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, t.db.Rebind(q), args...)
}

// InTx runs fn in a transaction: committed when fn returns nil, rolled back otherwise
// (and on panic), so nothing is stored half-done.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqltx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return run(&Tx{Tx: sqltx, db: db}, fn)
}

// InConnTx is InTx on a connection taken for the transaction alone, so that on
// PostgreSQL the transaction can also take rows by COPY (Tx.CopyFrom) and keep
// temporary tables of its own; the connection goes back to the pool afterwards.
func (db *DB) InConnTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	sqltx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return run(&Tx{Tx: sqltx, db: db, conn: conn}, fn)
}

// run runs fn in tx and commits it, or rolls it back when fn fails or panics.
func run(tx *Tx, fn func(tx *Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Tx.Commit()
}

// CopyFrom stores rows into table (a name, optionally "schema.name") through
// PostgreSQL's COPY protocol, inside the transaction; rows give the values of
// cols in order. Only transactions of InConnTx on PostgreSQL can copy.
func (t *Tx) CopyFrom(ctx context.Context, table string, cols []string, rows [][]any) (int64, error) {
	if t.conn == nil || t.db.Dialect != Postgres {
		return 0, errors.New("store: CopyFrom needs a PostgreSQL transaction begun by InConnTx")
	}
	var n int64
	err := t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: CopyFrom: unexpected driver connection %T", dc)
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier(strings.Split(table, ".")), cols, pgx.CopyFromRows(rows))
		return err
	})
	return n, err
}

// InsertID runs an INSERT … RETURNING id (both engines support RETURNING) and returns the id.
func InsertID(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// IsUniqueViolation reports whether err is a unique-constraint failure on either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") ||
		strings.Contains(s, "duplicate key value")
}

// ErrNotFound is returned by store functions when a record does not exist.
var ErrNotFound = errors.New("not found")

// TimeLayout is how times are stored: UTC, fixed width, so text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Time formats t for storage (UTC).
func Time(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a stored time.
func ParseTime(s string) time.Time {
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// Analyze refreshes the query planner's statistics, so that it picks the right index
// for a filter once tables have grown (after a demo at scale, a large import, and when
// a server starts). On SQLite each index is sampled (analysis_limit), which keeps it
// to a fraction of a second even on millions of rows; PostgreSQL's ANALYZE samples too.
func (db *DB) Analyze(ctx context.Context) error {
	if db.Dialect == Postgres {
		_, err := db.SQL.ExecContext(ctx, "ANALYZE")
		return err
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA analysis_limit = 2000"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "ANALYZE")
	return err
}
