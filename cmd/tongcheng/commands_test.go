package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/app/apptest"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var (
	han     = regexp.MustCompile(`\p{Han}`)
	english = regexp.MustCompile(`[A-Za-z]{2,} [a-z]{2,} [a-z]{2,}`) // an English phrase of three words
)

// Every subcommand explains itself in Chinese and English, through `CMD -h` (on stderr)
// and `help CMD` (on stdout), and so does every one of its flags.
func TestHelpOfEveryCommandIsBilingual(t *testing.T) {
	names := []string{"user add", "user passwd", "user list"}
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		args := append(strings.Fields(name), "-h")
		out, errOut, err := runCmd(t, args...)
		if err != nil || out != "" {
			t.Fatalf("%s -h: err %v, stdout %q", name, err, out)
		}
		first := strings.SplitN(errOut, "\n", 2)[0]
		if !strings.HasPrefix(first, "tongcheng "+strings.Fields(name)[0]) || !han.MatchString(errOut) || !english.MatchString(errOut) {
			t.Errorf("%s -h is not a bilingual explanation:\n%s", name, errOut)
		}
		// flag.PrintDefaults puts each flag's description on a line starting with a tab
		for _, line := range strings.Split(errOut, "\n") {
			if d := strings.TrimSpace(line); strings.HasPrefix(strings.TrimLeft(line, " "), "\t") && (!han.MatchString(d) || !regexp.MustCompile(`[a-z]{3,}`).MatchString(d)) {
				t.Errorf("%s -h: flag description %q is not in both languages", name, d)
			}
		}
		if !strings.Contains(name, " ") {
			helpOut, helpErr, err := runCmd(t, "help", name)
			if err != nil || helpErr != "" || helpOut != errOut {
				t.Errorf("help %s: err %v, stderr %q; stdout differs from %s -h: %v", name, err, helpErr, name, helpOut != errOut)
			}
		}
	}
	if _, _, err := runCmd(t, "frobnicate"); err == nil || !strings.Contains(err.Error(), "未知命令") {
		t.Fatalf("unknown command: %v", err)
	}
	if _, _, err := runCmd(t, "help", "frobnicate"); err == nil || !strings.Contains(err.Error(), "未知命令 / unknown command") {
		t.Fatalf("help of an unknown command: %v", err)
	}
}

var servingAt = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// startServe runs `tongcheng serve` with args until the test ends (or stop is called) and
// returns its address once it listens, and what it printed (its log goes to logs).
func startServe(t *testing.T, args ...string) (base string, out *apptest.SyncBuffer, stop func() error) {
	base, out, _, stop = startServeLogs(t, args...)
	return
}

func startServeLogs(t *testing.T, args ...string) (base string, out, logs *apptest.SyncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, logs = &apptest.SyncBuffer{}, &apptest.SyncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), out, logs) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { stop() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if a := servingAt.FindString(out.String()); a != "" {
			return a, out, logs, stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before listening: %v\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s", out)
	return
}

// apiLogin signs in through POST /api/v1/session and returns the status.
func apiLogin(t *testing.T, base, user, password string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csrf := ""
	for _, ck := range resp.Cookies() {
		if ck.Name == "tc_csrf" {
			csrf = ck.Value
		}
	}
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	req, _ := http.NewRequest("POST", base+"/api/v1/session", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var adminPassword = regexp.MustCompile(`用户名 admin  密码 (\S+)`)

// The first start on an empty database creates admin and prints its password once; the
// password signs in; SIGTERM (the context ending) stops the server cleanly; a second
// start prints no password and listens on TONGCHENG_ADDR when --addr is not given.
func TestServeFirstStartPrintsAdminOnce(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "first.db")
			if eng == "postgres" {
				dsn, _ = storetest.NewSchema(t)
			}
			base, out, logs, stop := startServeLogs(t, "--db", dsn, "--addr", "127.0.0.1:0")
			m := adminPassword.FindStringSubmatch(out.String())
			if m == nil || len(m[1]) != 16 {
				t.Fatalf("first start did not print the admin password:\n%s", out)
			}
			if st := apiLogin(t, base, "admin", m[1]); st != http.StatusOK {
				t.Fatalf("admin with the printed password: %d", st)
			}
			if st := apiLogin(t, base, "admin", "not-the-password"); st != http.StatusUnauthorized {
				t.Fatalf("admin with a wrong password: %d", st)
			}
			if err := stop(); err != nil {
				t.Fatalf("serve after SIGTERM: %v", err)
			}
			// the log is structured: one JSON object a line, the start and the shutdown among them
			var msgs []string
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var rec struct{ Level, Msg string }
				if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Level == "" {
					t.Fatalf("log line is not a JSON record with a level: %q", line)
				}
				msgs = append(msgs, rec.Msg)
			}
			if !slices.Contains(msgs, "serving") || !slices.Contains(msgs, "shutting down: finishing requests in flight") {
				t.Fatalf("log messages %q lack the start or the shutdown", msgs)
			}
			t.Setenv("TONGCHENG_ADDR", "127.0.0.1:0")
			base2, out2, stop2 := startServe(t, "--db", dsn)
			if strings.Contains(out2.String(), "密码") {
				t.Fatalf("second start printed a password:\n%s", out2)
			}
			if st := apiLogin(t, base2, "admin", m[1]); st != http.StatusOK {
				t.Fatalf("admin after restart: %d", st)
			}
			if err := stop2(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func fileDigest(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// serveFails runs `tongcheng serve` on db and returns its error; it must not listen.
func serveFails(t *testing.T, db string) error {
	t.Helper()
	var out apptest.SyncBuffer
	err := run(context.Background(), []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, &out, &apptest.SyncBuffer{})
	if err == nil || strings.Contains(out.String(), "已启动") {
		t.Fatalf("serve on %s: err %v, output %s", db, err, out.String())
	}
	return err
}

// A database serve cannot use stops it at start with a message that says what is wrong
// and what to do (the stable code for the API is in the error), and the file is left
// exactly as it was.
func TestServeRefusesAnUnusableDatabase(t *testing.T) {
	ctx := context.Background()
	newDB := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "data.db")
		a, err := app.Open(ctx, app.Config{DB: path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Deps.Auth.Create(ctx, auth.NewUser{Username: "cd-admin", Password: "a-long-password", Region: "510100", Roles: "*:admin"}); err != nil {
			t.Fatal(err)
		}
		a.Close()
		return path
	}
	code := func(err error) string {
		var se *store.Error
		if errors.As(err, &se) {
			return se.Code
		}
		return ""
	}
	t.Run("read-only file", func(t *testing.T) {
		path := newDB(t)
		storetest.MakeReadOnly(t, path)
		before := fileDigest(t, path)
		err := serveFails(t, path)
		if code(err) != "db_readonly" || !strings.Contains(err.Error(), "是只读的，无法写入；请检查文件权限") {
			t.Fatalf("read-only: %v", err)
		}
		if fileDigest(t, path) != before {
			t.Fatal("the read-only file changed")
		}
	})
	t.Run("locked by another program", func(t *testing.T) {
		path := newDB(t)
		storetest.ShortBusyTimeout(t, 300*time.Millisecond)
		release := storetest.LockFile(t, path)
		err := serveFails(t, path)
		if code(err) != "db_locked" || !strings.Contains(err.Error(), "被其他程序锁定，请稍后重试") {
			t.Fatalf("locked: %v", err)
		}
		release()
		// nothing was lost: the account is there and signs in
		a, err := app.Open(ctx, app.Config{DB: path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if _, _, err := a.Deps.Auth.Login(ctx, "cd-admin", "a-long-password", "127.0.0.1"); err != nil {
			t.Fatalf("account after the refused start: %v", err)
		}
	})
	t.Run("unknown log level", func(t *testing.T) {
		path := newDB(t)
		err := run(ctx, []string{"serve", "--db", path, "--addr", "127.0.0.1:0", "--log-level", "verbose"}, &apptest.SyncBuffer{}, &apptest.SyncBuffer{})
		if err == nil || !strings.Contains(err.Error(), `--log-level "verbose" 无效，只能是 debug、info、warn 或 error`) {
			t.Fatalf("--log-level verbose: %v", err)
		}
	})
	t.Run("PostgreSQL down", func(t *testing.T) {
		err := serveFails(t, "postgres://tongcheng:secret-pw@127.0.0.1:1/tongcheng?sslmode=disable&connect_timeout=2")
		if code(err) != "db_unavailable" || !strings.Contains(err.Error(), "无法连接 PostgreSQL（postgres://tongcheng:***@127.0.0.1:1/") ||
			!strings.Contains(err.Error(), "请确认数据库服务已启动") || strings.Contains(err.Error(), "secret-pw") {
			t.Fatalf("PostgreSQL down: %v", err)
		}
	})
}

// `user passwd` resets a password: the old one stops working, the new one works, the
// account's open sessions end; an unknown account and a short password are refused.
func TestUserPasswd(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "u.db")
	if _, _, err := runCmd(t, "user", "add", "--db", db, "--username", "dy-clerk", "--region", "510603", "--roles", "credit:collector", "--password", "first-password"); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, app.Config{DB: db}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, sess, err := a.Deps.Auth.Login(ctx, "dy-clerk", "first-password", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "user", "passwd", "--db", db, "--username", "dy-clerk", "--password", "short"); err == nil || !strings.Contains(err.Error(), "密码至少 10 个字符") {
		t.Fatalf("short password: %v", err)
	}
	if _, _, err := runCmd(t, "user", "passwd", "--db", db, "--username", "nobody"); err == nil || !strings.Contains(err.Error(), `账号 "nobody" 不存在`) {
		t.Fatalf("unknown account: %v", err)
	}
	if _, _, err := a.Deps.Auth.Login(ctx, "dy-clerk", "first-password", "127.0.0.1"); err != nil {
		t.Fatalf("refused resets changed the password: %v", err)
	}
	out, _, err := runCmd(t, "user", "passwd", "--db", db, "--username", "dy-clerk")
	m := regexp.MustCompile(`password reset: (\S+)`).FindStringSubmatch(out)
	if err != nil || m == nil || len(m[1]) != 16 {
		t.Fatalf("random reset: %v %q", err, out)
	}
	if _, _, err := a.Deps.Auth.Login(ctx, "dy-clerk", "first-password", "127.0.0.1"); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("old password after reset: %v", err)
	}
	if _, _, err := a.Deps.Auth.Login(ctx, "dy-clerk", m[1], "127.0.0.1"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	if _, _, err := a.Deps.Auth.Authenticate(ctx, sess.Token); !errors.Is(err, auth.ErrSessionExpired) {
		t.Fatalf("session opened before the reset: %v", err)
	}
}
