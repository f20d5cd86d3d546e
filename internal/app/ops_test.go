package app_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/app/apptest"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// Another program holding the SQLite file's write lock while the server runs: a write gets
// 503 with the stable code db_busy and a Chinese message, stores nothing, and succeeds
// once the lock is gone; reads go on meanwhile (WAL).
func TestWriteWhileTheFileIsLocked(t *testing.T) {
	ctx := context.Background()
	storetest.ShortBusyTimeout(t, 300*time.Millisecond)
	path := filepath.Join(t.TempDir(), "locked.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := apptest.New(t, db)
	e.AddUsers(auth.NewUser{Username: "cd-admin", Password: pw, Region: "510100", Roles: "*:admin"})
	e.Start()

	release := storetest.LockFile(t, path)
	users := e.Count("SELECT COUNT(*) FROM users")
	body := map[string]any{"username": "cd-new", "password": pw, "region": "510104", "roles": "credit:collector"}
	var fail struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if st := e.API("cd-admin", "POST", "/api/v1/users", body, &fail); st != http.StatusServiceUnavailable || fail.Error.Code != "db_busy" ||
		!strings.Contains(fail.Error.Message, "数据库正忙或暂时不可写，请稍后重试；本次提交未保存") {
		t.Fatalf("write under another program's lock: %d %+v", st, fail)
	}
	if st := e.API("cd-admin", "GET", "/api/v1/me", nil, nil); st != 200 {
		t.Fatalf("read under the lock: %d", st)
	}
	release()
	if n := e.Count("SELECT COUNT(*) FROM users"); n != users {
		t.Fatalf("users %d → %d after the refused write", users, n)
	}
	if st := e.API("cd-admin", "POST", "/api/v1/users", body, nil); st != http.StatusCreated {
		t.Fatalf("the same write after the lock: %d", st)
	}
}

// serveOnPort runs the program's own server (its limits and timeouts, not httptest's) on
// a free port until the test ends and returns the address.
func serveOnPort(t *testing.T) string {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DB: filepath.Join(t.TempDir(), "h.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; a.Close() })
	return ln.Addr().String()
}

// The server refuses request headers over 64 KiB (431) and keeps serving.
func TestOversizedHeaders(t *testing.T) {
	addr := serveOnPort(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 80<<10))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("80 KiB header: %d, want 431", resp.StatusCode)
	}
	r, err := http.Get("http://" + addr + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz after the refusal: %v", err)
	}
	r.Body.Close()
}

// Ended sessions and day-old failed-login counts are deleted; open sessions and a name in
// its cooling-off time stay.
func TestPurgeExpired(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := apptest.New(t, db)
		e.AddAccounts(auth.NewUser{Username: "cd-admin", Password: pw, Region: "510100", Roles: "*:admin"},
			auth.NewUser{Username: "dy-admin", Password: pw, Region: "510600", Roles: "*:admin"})
		as := e.App.Deps.Auth
		start := time.Now()
		as.Now = func() time.Time { return start }
		for range 2 {
			if _, _, err := as.Login(ctx, "cd-admin", pw, "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		as.Login(ctx, "nobody", "wrong-password", "127.0.0.1")
		for range 6 {
			as.Login(ctx, "dy-admin", "wrong-password", "127.0.0.1") // locked for a while
		}
		// nine hours later: past the idle limit of the two sessions; a new one opens
		as.Now = func() time.Time { return start.Add(9 * time.Hour) }
		if _, _, err := as.Login(ctx, "cd-admin", pw, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		n, err := as.PurgeExpired(ctx)
		if err != nil || n != 2 {
			t.Fatalf("purge after 9 h: %d rows, %v; want the 2 idle sessions", n, err)
		}
		if s := e.Count("SELECT COUNT(*) FROM sessions"); s != 1 {
			t.Fatalf("sessions left %d, want the new one", s)
		}
		// two days later: the failure counts go, unless a cooling-off still runs
		as.Now = func() time.Time { return start.Add(48 * time.Hour) }
		e.DB.Exec(ctx, "UPDATE login_failures SET locked_until = ? WHERE username = 'dy-admin'", store.Time(start.Add(49*time.Hour)))
		if _, err := as.PurgeExpired(ctx); err != nil {
			t.Fatal(err)
		}
		var left []string
		rows, _ := e.DB.Query(ctx, "SELECT username FROM login_failures")
		for rows.Next() {
			var u string
			rows.Scan(&u)
			left = append(left, u)
		}
		rows.Close()
		if len(left) != 1 || left[0] != "dy-admin" {
			t.Fatalf("failure counts left %v, want dy-admin's (still cooling off)", left)
		}
	})
}

// A client that does not finish its request headers in time is cut off, and the server
// goes on answering others.
func TestSlowHeadersAreCutOff(t *testing.T) {
	old := app.ReadHeaderTimeout
	app.ReadHeaderTimeout = 300 * time.Millisecond
	defer func() { app.ReadHeaderTimeout = old }()
	addr := serveOnPort(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // and then nothing
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(make([]byte, 512))
	if took := time.Since(start); err == nil || took > 3*time.Second {
		t.Fatalf("stalled client: read %d bytes, err %v after %v; want the connection closed after about 300 ms", n, err, took)
	}
	r, err := http.Get("http://" + addr + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz beside the stalled client: %v", err)
	}
	r.Body.Close()
}

// /healthz says when the database cannot be reached: 503 with a Chinese message, for the
// load balancer to take the server out.
func TestHealthzWhenTheDatabaseIsGone(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := apptest.New(t, db).Start()
		b := e.Browser(false)
		if resp, body := b.Get("/healthz"); resp.StatusCode != 200 || !strings.Contains(body, `"status":"ok"`) {
			t.Fatalf("healthz: %d %s", resp.StatusCode, body)
		}
		db.SQL.Close()
		resp, body := b.Get("/healthz")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"error"`) || !strings.Contains(body, "数据库不可用") {
			t.Fatalf("healthz without a database: %d %s", resp.StatusCode, body)
		}
	})
}
