// Package auth holds accounts, sessions, roles, region scope, API tokens, CSRF and
// the slowing-down of repeated failed logins. Sessions and failure counts live in the
// database, so several serve processes behind one PostgreSQL share them.
package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tongcheng/internal/audit"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the accounts schema steps.
func Migrations() store.Migrations { return store.Embedded("auth", migrationFiles, "migrations") }

// Service is the accounts store.
type Service struct {
	DB *store.DB
	// SessionIdle and SessionMax bound a session's life.
	SessionIdle time.Duration
	SessionMax  time.Duration
	// Now is the clock (tests move it).
	Now func() time.Time

	cache sessionCache
}

// New returns a Service on db with the default session lifetimes (8 h idle, 7 days at most).
func New(db *store.DB) *Service {
	return &Service{DB: db, SessionIdle: 8 * time.Hour, SessionMax: 7 * 24 * time.Hour, Now: time.Now}
}

// Errors people can meet while logging in.
var (
	ErrBadLogin = errors.New("用户名或密码不正确")
	ErrDisabled = errors.New("该账号已停用，请联系管理员")
)

// LockedError says how long to wait after too many failed logins.
type LockedError struct{ Wait time.Duration }

func (e *LockedError) Error() string {
	secs := int(e.Wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return fmt.Sprintf("登录失败次数过多，请 %d 秒后再试", secs)
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// tokenKey is the session cache's key of a token: its SHA-256, as hashToken stores it in hex.
func tokenKey(tok string) [32]byte { return sha256.Sum256([]byte(tok)) }

const userCols = "id, username, display_name, region, roles, disabled"

func scanUser(sc interface{ Scan(...any) error }) (*User, error) {
	var u User
	var disabled int
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Region, &u.Roles, &disabled); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	u.Disabled = disabled != 0
	u.Grants, _ = ParseGrants(u.Roles)
	return &u, nil
}

// NewUser is what creating an account needs.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Region      string
	Roles       string
}

// Validate checks the fields, naming the first bad one.
func (n *NewUser) Validate() error {
	n.Username = strings.TrimSpace(n.Username)
	n.DisplayName = strings.TrimSpace(n.DisplayName)
	if n.Username == "" || utf8.RuneCountInString(n.Username) > 64 || strings.ContainsAny(n.Username, " \t\r\n:/") {
		return &FieldError{"username", "用户名不能为空、不超过 64 个字符，且不能含空格、冒号或斜杠"}
	}
	if n.DisplayName == "" {
		n.DisplayName = n.Username
	}
	if !region.Valid(n.Region) {
		return &FieldError{"region", "所属区划代码“" + n.Region + "”不存在，请填写省、四市或其县级区划的 6 位代码"}
	}
	if _, err := ParseGrants(n.Roles); err != nil {
		return err
	}
	return ValidatePassword(n.Password)
}

// Create adds an account and records it in the audit log, in one transaction.
func (s *Service) Create(ctx context.Context, n NewUser) (*User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	grants, _ := ParseGrants(n.Roles)
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	now := store.Time(s.Now())
	var id int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err = store.InsertID(ctx, tx, `INSERT INTO users (username, display_name, password_hash, region, roles, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 0, ?, ?)`, n.Username, n.DisplayName, hash, n.Region, grants.String(), now, now)
		if err != nil {
			if store.IsUniqueViolation(err) {
				return &FieldError{"username", "用户名“" + n.Username + "”已被使用，请换一个"}
			}
			return err
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "platform", ObjectType: "user",
			ObjectID: fmt.Sprint(id), Region: n.Region, Detail: "新建账号 " + n.Username + "，角色 " + grants.String()})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Get returns the user with id.
func (s *Service) Get(ctx context.Context, id int64) (*User, error) {
	return scanUser(s.DB.QueryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
}

// GetByName returns the user with username.
func (s *Service) GetByName(ctx context.Context, username string) (*User, error) {
	return scanUser(s.DB.QueryRow(ctx, "SELECT "+userCols+" FROM users WHERE username = ?", username))
}

// List returns the users inside regionCode (all when regionCode is the province), by username.
func (s *Service) List(ctx context.Context, regionCode string) ([]*User, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+userCols+" FROM users ORDER BY username")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		if regionCode == "" || region.Within(u.Region, regionCode) {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// Count returns the number of accounts.
func (s *Service) Count(ctx context.Context) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}

// Update changes an account's display name, region, roles and disabled flag, and its
// password when password is not empty, all in one transaction: either everything changes
// or nothing does. by must be allowed to write both the account's old and new region.
func (s *Service) Update(ctx context.Context, by *User, id int64, displayName, regionCode, roles string, disabled bool, password string) (*User, error) {
	old, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !by.CanWrite(old.Region) || !by.CanWrite(regionCode) {
		return nil, ErrScope
	}
	var hash string
	if password != "" {
		if err := ValidatePassword(password); err != nil {
			return nil, err
		}
		if hash, err = HashPassword(password); err != nil {
			return nil, err
		}
	}
	if !region.Valid(regionCode) {
		return nil, &FieldError{"region", "所属区划代码“" + regionCode + "”不存在"}
	}
	grants, err := ParseGrants(roles)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(displayName) == "" {
		return nil, &FieldError{"display_name", "姓名不能为空"}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		d := 0
		if disabled {
			d = 1
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET display_name = ?, region = ?, roles = ?, disabled = ?, updated_at = ? WHERE id = ?",
			strings.TrimSpace(displayName), regionCode, grants.String(), d, store.Time(s.Now()), id); err != nil {
			return err
		}
		if disabled && hash == "" {
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		if hash != "" {
			if err := s.setPasswordIn(ctx, tx, id, hash, regionCode); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "update", Module: "platform", ObjectType: "user", ObjectID: fmt.Sprint(id),
			Region: regionCode, Detail: fmt.Sprintf("修改账号 %s：区划 %s→%s，角色 %s→%s，停用 %v", old.Username, old.Region, regionCode, old.Roles, grants.String(), disabled)})
	})
	if err != nil {
		return nil, err
	}
	s.cache.dropUser(id)
	return s.Get(ctx, id)
}

// ErrScope is returned when a user tries to change a record outside their region.
var ErrScope = errors.New("无权修改本辖区以外的记录")

// SetPassword replaces a password and ends the user's sessions.
func (s *Service) SetPassword(ctx context.Context, id int64, pw string) error {
	if err := ValidatePassword(pw); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	defer s.cache.dropUser(id)
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var reg string
		if err := tx.QueryRow(ctx, "SELECT region FROM users WHERE id = ?", id).Scan(&reg); err != nil {
			return err
		}
		return s.setPasswordIn(ctx, tx, id, hash, reg)
	})
}

// setPasswordIn stores a password hash inside tx, ends the user's sessions and audits the
// reset under the account's region.
func (s *Service) setPasswordIn(ctx context.Context, tx *store.Tx, id int64, hash, reg string) error {
	res, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, store.Time(s.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
		return err
	}
	return audit.Log(ctx, tx, audit.Entry{Action: "password_reset", Module: "platform", ObjectType: "user", ObjectID: fmt.Sprint(id), Region: reg})
}

// Throttling: after maxFree failures in a row, each further failure locks the account
// name for a doubling time (2 s, 4 s, … up to 15 minutes).
const maxFree = 5

func lockFor(failures int) time.Duration {
	if failures < maxFree {
		return 0
	}
	d := 2 * time.Second << (failures - maxFree)
	if d > 15*time.Minute || d <= 0 {
		d = 15 * time.Minute
	}
	return d
}

// Login checks a password and, when right, opens a session. It returns the session
// token for the cookie. Every attempt is audited.
func (s *Service) Login(ctx context.Context, username, password, ip string) (*User, *Session, error) {
	username = strings.TrimSpace(username)
	now := s.Now()
	failures, err := s.checkLock(ctx, username, ip, now)
	if err != nil {
		return nil, nil, err
	}
	var hash string
	var u *User
	row := s.DB.QueryRow(ctx, "SELECT "+userCols+", password_hash FROM users WHERE username = ?", username)
	var disabled int
	var uu User
	err = row.Scan(&uu.ID, &uu.Username, &uu.DisplayName, &uu.Region, &uu.Roles, &disabled, &hash)
	if err == nil {
		uu.Disabled = disabled != 0
		uu.Grants, _ = ParseGrants(uu.Roles)
		u = &uu
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, err
	}
	ok := u != nil && CheckPassword(hash, password)
	if !ok {
		if u == nil {
			// spend the same time as a real check, so names cannot be probed by timing
			CheckPassword("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", password)
		}
		reg := ""
		if u != nil {
			reg = u.Region
		}
		s.recordFailure(ctx, username, reg, ip, failures+1, now)
		return nil, nil, ErrBadLogin
	}
	if u.Disabled {
		audit.Log(ctx, s.DB, audit.Entry{UserID: u.ID, Username: u.Username, IP: ip, Action: "login_failed", Module: "platform", Region: u.Region, Detail: "账号已停用"})
		return nil, nil, ErrDisabled
	}
	s.DB.Exec(ctx, "DELETE FROM login_failures WHERE username = ?", username)
	sess, err := s.newSession(ctx, u, ip)
	if err != nil {
		return nil, nil, err
	}
	audit.Log(ctx, s.DB, audit.Entry{UserID: u.ID, Username: u.Username, IP: ip, Action: "login", Module: "platform", Region: u.Region})
	return u, sess, nil
}

// checkLock returns the number of failed attempts in a row for username, or a
// *LockedError while the name is in its cooling-off time (audited).
func (s *Service) checkLock(ctx context.Context, username, ip string, now time.Time) (int, error) {
	var failures int
	var lockedUntil string
	err := s.DB.QueryRow(ctx, "SELECT failures, locked_until FROM login_failures WHERE username = ?", username).Scan(&failures, &lockedUntil)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if lockedUntil != "" {
		if until := store.ParseTime(lockedUntil); now.Before(until) {
			audit.Log(ctx, s.DB, audit.Entry{Username: username, IP: ip, Action: "login_locked", Module: "platform", Detail: "账号处于登录冷却期"})
			return failures, &LockedError{Wait: until.Sub(now)}
		}
	}
	return failures, nil
}

// recordFailure stores the failures-th wrong password in a row for username and starts
// its cooling-off time once past maxFree; audited, under the account's region when the
// account exists.
func (s *Service) recordFailure(ctx context.Context, username, regionCode, ip string, failures int, now time.Time) {
	until := ""
	if d := lockFor(failures); d > 0 {
		until = store.Time(now.Add(d))
	}
	s.DB.Exec(ctx, `INSERT INTO login_failures (username, failures, last_at, locked_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, locked_until = excluded.locked_until`,
		username, failures, store.Time(now), until)
	audit.Log(ctx, s.DB, audit.Entry{Username: username, IP: ip, Action: "login_failed", Module: "platform", Region: regionCode,
		Detail: fmt.Sprintf("第 %d 次连续失败", failures)})
}

// ChangePassword lets a signed-in user replace their own password. The current password
// must be right (a wrong one counts as a failed login, so a borrowed session cannot guess
// it); the new one must pass ValidatePassword and differ from the current one. All of the
// user's sessions end, this one included.
func (s *Service) ChangePassword(ctx context.Context, u *User, current, next, ip string) error {
	now := s.Now()
	failures, err := s.checkLock(ctx, u.Username, ip, now)
	if err != nil {
		return err
	}
	var hash string
	if err := s.DB.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&hash); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	}
	if !CheckPassword(hash, current) {
		s.recordFailure(ctx, u.Username, u.Region, ip, failures+1, now)
		return &FieldError{Field: "current_password", Message: "当前密码不正确，请重新输入"}
	}
	if err := ValidatePassword(next); err != nil {
		return &FieldError{Field: "new_password", Message: err.(*FieldError).Message}
	}
	if next == current {
		return &FieldError{Field: "new_password", Message: "新密码不能与当前密码相同，请换一个"}
	}
	newHash, err := HashPassword(next)
	if err != nil {
		return err
	}
	defer s.cache.dropUser(u.ID)
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", newHash, store.Time(now), u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM login_failures WHERE username = ?", u.Username); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Entry{UserID: u.ID, Username: u.Username, IP: ip, Region: u.Region,
			Action: "password_change", Module: "platform", ObjectType: "user", ObjectID: fmt.Sprint(u.ID), Detail: "本人修改密码"})
	})
}

// Session is a logged-in browser.
type Session struct {
	Token     string // only known right after login (the database keeps its hash)
	tokenHash string
	UserID    int64
	CSRF      string
	ExpiresAt time.Time
}

func (s *Service) newSession(ctx context.Context, u *User, ip string) (*Session, error) {
	now := s.Now()
	sess := &Session{Token: RandomSecret(32), UserID: u.ID, CSRF: RandomSecret(24), ExpiresAt: now.Add(s.SessionMax)}
	sess.tokenHash = hashToken(sess.Token)
	_, err := s.DB.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, ip, created_at, expires_at, idle_until) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sess.tokenHash, u.ID, sess.CSRF, ip, store.Time(now), store.Time(sess.ExpiresAt), store.Time(now.Add(s.SessionIdle)))
	return sess, err
}

// ErrSessionExpired means the cookie named a session that ended.
var ErrSessionExpired = errors.New("登录已过期，请重新登录")

// Authenticate returns the user and session of a session token.
// The idle deadline moves forward at most once a minute, to keep reads cheap.
func (s *Service) Authenticate(ctx context.Context, token string) (*User, *Session, error) {
	key := tokenKey(token)
	now := s.Now()
	if u, sess, ok := s.cache.get(key, now); ok {
		return u, sess, nil
	}
	th := hex.EncodeToString(key[:])
	var sess Session
	var expires, idle string
	var u User
	var disabled int
	err := s.DB.QueryRow(ctx, `SELECT s.user_id, s.csrf, s.expires_at, s.idle_until, u.id, u.username, u.display_name, u.region, u.roles, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, th).
		Scan(&sess.UserID, &sess.CSRF, &expires, &idle, &u.ID, &u.Username, &u.DisplayName, &u.Region, &u.Roles, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrSessionExpired
	}
	if err != nil {
		return nil, nil, err
	}
	sess.ExpiresAt = store.ParseTime(expires)
	idleUntil := store.ParseTime(idle)
	if now.After(sess.ExpiresAt) || now.After(idleUntil) || disabled != 0 {
		s.DB.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", th)
		return nil, nil, ErrSessionExpired
	}
	if idleUntil.Sub(now) < s.SessionIdle-time.Minute {
		s.DB.Exec(ctx, "UPDATE sessions SET idle_until = ? WHERE token_hash = ?", store.Time(now.Add(s.SessionIdle)), th)
	}
	u.Grants, _ = ParseGrants(u.Roles)
	sess.tokenHash = th
	sess.Token = token
	s.cache.put(key, &u, &sess, now)
	return &u, &sess, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string, u *User, ip string) error {
	s.cache.drop(tokenKey(token))
	_, err := s.DB.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
	if err == nil && u != nil {
		audit.Log(ctx, s.DB, audit.Entry{UserID: u.ID, Username: u.Username, IP: ip, Action: "logout", Module: "platform", Region: u.Region})
	}
	return err
}

// PurgeExpired deletes the sessions that have ended (idle too long or past their maximum
// life) and the failed-login counts left untouched for a day whose cooling-off is over,
// which nobody would present or meet again; it returns how many rows went. serve runs it
// every hour.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	now := s.Now()
	res, err := s.DB.Exec(ctx, "DELETE FROM sessions WHERE expires_at < ? OR idle_until < ?", store.Time(now), store.Time(now))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	res, err = s.DB.Exec(ctx, "DELETE FROM login_failures WHERE last_at < ? AND locked_until < ?", store.Time(now.Add(-24*time.Hour)), store.Time(now))
	if err != nil {
		return n, err
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}

// Token is a machine client's API token (Bearer). It acts with its user's roles and scope.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	CreatedAt time.Time `json:"created_at"`
	Revoked   bool      `json:"revoked"`
}

// CreateToken issues a token for user id and returns its secret once ("tc_…").
func (s *Service) CreateToken(ctx context.Context, userID int64, name string) (string, *Token, error) {
	if strings.TrimSpace(name) == "" {
		return "", nil, &FieldError{"name", "请给令牌起个名字，例如“德阳市市场监管局对接系统”"}
	}
	secret := "tc_" + RandomSecret(30)
	t := &Token{UserID: userID, Name: strings.TrimSpace(name), Prefix: secret[:10], CreatedAt: s.Now()}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := store.InsertID(ctx, tx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)`,
			userID, t.Name, hashToken(secret), t.Prefix, store.Time(t.CreatedAt))
		if err != nil {
			return err
		}
		t.ID = id
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "platform", ObjectType: "api_token", ObjectID: fmt.Sprint(id),
			Detail: "为账号 " + fmt.Sprint(userID) + " 签发接口令牌“" + t.Name + "”"})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// ErrBadToken means a Bearer token is unknown or revoked.
var ErrBadToken = errors.New("接口令牌无效或已吊销")

// AuthenticateToken returns the user a Bearer token acts for.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*User, error) {
	var uid int64
	var revoked int
	err := s.DB.QueryRow(ctx, "SELECT user_id, revoked FROM api_tokens WHERE token_hash = ?", hashToken(secret)).Scan(&uid, &revoked)
	if errors.Is(err, sql.ErrNoRows) || revoked != 0 {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	u, err := s.Get(ctx, uid)
	if err != nil || u.Disabled {
		return nil, ErrBadToken
	}
	return u, nil
}

// RevokeToken revokes a token.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked = 1 WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "revoke", Module: "platform", ObjectType: "api_token", ObjectID: fmt.Sprint(id)})
	})
}

// Tokens lists the tokens of a user.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, user_id, name, prefix, created_at, revoked FROM api_tokens WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var at string
		var rev int
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &at, &rev); err != nil {
			return nil, err
		}
		t.CreatedAt, t.Revoked = store.ParseTime(at), rev != 0
		out = append(out, t)
	}
	return out, rows.Err()
}

// EnsureAdmin creates the first administrator when there is no account at all and
// returns its password (to be printed once), or "" when accounts exist.
func (s *Service) EnsureAdmin(ctx context.Context) (string, error) {
	n, err := s.Count(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	pw := RandomPassword()
	_, err = s.Create(ctx, NewUser{Username: "admin", DisplayName: "系统管理员", Password: pw, Region: region.ProvinceCode, Roles: "*:admin"})
	if err != nil {
		if store.IsUniqueViolation(err) || strings.Contains(err.Error(), "已被使用") {
			return "", nil // another server process created it first
		}
		return "", err
	}
	return pw, nil
}
