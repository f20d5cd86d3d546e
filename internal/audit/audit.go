// Package audit is the append-only audit log (审计日志): every write, every login and
// every read a module marks as sensitive leaves an entry saying who, when, from which
// address, what and which record. The program only appends and reads; the database
// itself refuses updates and deletes (see migrations).
package audit

import (
	"context"
	"embed"
	"strings"
	"time"

	"tongcheng/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the audit log's schema steps.
func Migrations() store.Migrations { return store.Embedded("audit", migrationFiles, "migrations") }

// Entry is one audit record.
type Entry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id"`
	Username   string    `json:"username"`
	IP         string    `json:"ip"`
	Action     string    `json:"action"` // e.g. login, login_failed, create, update, read_sensitive
	Module     string    `json:"module"` // platform, credit, river …
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Region     string    `json:"region"`
	Detail     string    `json:"detail"`
}

// Actor says who acts and from where; handlers take it from the request.
type Actor struct {
	UserID   int64
	Username string
	IP       string
	Region   string // the user's home region: an entry that names no region of its own belongs to it
}

type actorKey struct{}

// WithActor puts the acting user into ctx (the auth middleware does this).
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting user of ctx, or the zero Actor (system).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Log appends e, filling who and from where from ctx when e does not say.
// Pass a transaction as q so that the entry commits or rolls back with the change it records.
func Log(ctx context.Context, q store.Querier, e Entry) error {
	a := ActorFrom(ctx)
	if e.UserID == 0 && e.Username == "" {
		e.UserID, e.Username = a.UserID, a.Username
	}
	if e.IP == "" {
		e.IP = a.IP
	}
	if e.Region == "" && e.Username == a.Username {
		e.Region = a.Region
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	if e.Username == "" {
		e.Username = "system"
	}
	if db, ok := q.(*store.DB); ok {
		// an entry of its own (a sensitive read, a login): committed together with the
		// entries other requests write at the same moment
		return groupFor(db).log(ctx, e)
	}
	return insert(ctx, q, e)
}

func insert(ctx context.Context, q store.Querier, e Entry) error {
	_, err := q.Exec(ctx, insertSQL()[1], entryArgs(nil, &e)...)
	return err
}

// Filter selects entries; empty fields match everything.
type Filter struct {
	Username string
	Module   string
	Action   string
	ObjectID string
	From, To time.Time // To is exclusive
	Region   string    // entries of this region and below (a city admin sees their city's)
	Limit    int
	BeforeID int64 // paging: entries older than this id
}

// where builds the SQL condition of f.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) { conds = append(conds, cond); args = append(args, v) }
	if f.Username != "" {
		add("username = ?", f.Username)
	}
	if f.Module != "" {
		add("module = ?", f.Module)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		add("at >= ?", store.Time(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", store.Time(f.To))
	}
	if f.Region != "" {
		add("region LIKE ?", strings.TrimRight(f.Region, "0")+"%")
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns entries newest first.
func List(ctx context.Context, q store.Querier, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 100
	}
	where, args := f.where()
	qs := "SELECT id, at, user_id, username, ip, action, module, object_type, object_id, region, detail FROM audit_log" +
		where + " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := q.Query(ctx, qs, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Username, &e.IP, &e.Action, &e.Module, &e.ObjectType, &e.ObjectID, &e.Region, &e.Detail); err != nil {
			return nil, err
		}
		e.At = store.ParseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Count returns how many entries f selects (Limit and BeforeID ignored).
func Count(ctx context.Context, q store.Querier, f Filter) (int, error) {
	f.BeforeID = 0
	where, args := f.where()
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log"+where, args...).Scan(&n)
	return n, err
}

var actionNames = map[string]string{
	"login": "登录", "login_failed": "登录失败", "login_locked": "登录冷却中", "logout": "退出登录",
	"create": "新建", "update": "修改", "delete": "删除", "password_reset": "重置密码", "password_change": "修改本人密码", "revoke": "吊销",
	"export": "导出", "import": "导入", "read_sensitive": "敏感查询", "submit": "提交审核",
	"approve": "审核通过", "return": "退回", "transition": "流转",
}

// NameAction gives an action code its Chinese name (modules call it for their own actions).
func NameAction(code, name string) { actionNames[code] = name }

// ActionName returns the Chinese name of an action code, or the code.
func ActionName(code string) string {
	if n, ok := actionNames[code]; ok {
		return n
	}
	return code
}
