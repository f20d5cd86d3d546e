package credit_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/app/apptest"
	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/store"
)

const pw = "correct-horse-1"

// fixed "now" of the tests: 2026-11-20 10:00 in Asia/Shanghai
var testNow = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	app.Register(credit.NewModule())
	os.Exit(m.Run())
}

type env struct {
	*apptest.Env
	t      *testing.T
	a      *app.App
	m      *credit.Module
	srv    *httptest.Server
	db     *store.DB
	users  map[string]*auth.User
	tokens map[string]string
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	x := apptest.New(t, db)
	m, ok := x.App.Module("credit").(*credit.Module)
	if !ok {
		t.Fatal("module credit is not registered")
	}
	m.Now = func() time.Time { return testNow }
	x.AddUsers(
		auth.NewUser{Username: "prov", DisplayName: "省同城化办", Password: pw, Region: "510000", Roles: "*:admin"},
		auth.NewUser{Username: "cd-credit", DisplayName: "成都信用归集员", Password: pw, Region: "510100", Roles: "credit:collector"},
		auth.NewUser{Username: "dy-credit", DisplayName: "德阳信用归集员", Password: pw, Region: "510600", Roles: "credit:collector"},
		auth.NewUser{Username: "ms-analyst", DisplayName: "眉山分析员", Password: pw, Region: "511400", Roles: "credit:analyst"},
	)
	x.Start()
	return &env{Env: x, t: t, a: x.App, m: m, srv: x.Srv, db: db, users: x.Users, tokens: x.Tokens}
}

// do calls path as user (Bearer token) and returns status and body.
func (e *env) do(user, method, path string, body any) (int, []byte) {
	e.t.Helper()
	return e.Raw(user, method, path, body)
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	return e.Count(q, args...)
}

func (e *env) audits(action string) int {
	e.t.Helper()
	n, err := audit.Count(context.Background(), e.db, audit.Filter{Module: "credit", Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// importFile runs the CLI import of content as user and returns its output.
func (e *env) importFile(user, name string, content []byte) (string, error) {
	e.t.Helper()
	p := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		e.t.Fatal(err)
	}
	var out bytes.Buffer
	err := e.m.ImportFile(context.Background(), e.a.Deps, p, e.users[user], &out)
	return out.String(), err
}

// ---- browser session (for the upload form and its CSRF field) ----

type client struct {
	*http.Client
	e    *env
	csrf string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (e *env) client(user string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, e: e}
	c.get("/login")
	resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"csrf": {c.csrf}, "username": {user}, "password": {pw}, "next": {"/"}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d", user, resp.StatusCode)
	}
	return c
}

func (c *client) get(path string) (*http.Response, string) {
	c.e.t.Helper()
	resp, err := c.Get(c.e.srv.URL + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRe.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp, string(b)
}

func contains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}
