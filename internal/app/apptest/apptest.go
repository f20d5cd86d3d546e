// Package apptest runs the whole program on a test database for the HTTP tests of the
// platform and of every module: users with API tokens, JSON calls with a Bearer token,
// and a browser-like client with cookies and the CSRF token of the last page.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"tongcheng/internal/app"
	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// Env is the program built on a test database and, once Start is called, served over HTTP.
type Env struct {
	T      testing.TB
	App    *app.App
	DB     *store.DB
	Srv    *httptest.Server
	Users  map[string]*auth.User
	Tokens map[string]string // username → API token
}

// New builds the program (every registered module, migrations applied) on db.
func New(t testing.TB, db *store.DB) *Env {
	t.Helper()
	a, err := app.Build(context.Background(), db, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	return &Env{T: t, App: a, DB: db, Users: map[string]*auth.User{}, Tokens: map[string]string{}}
}

// AddAccounts creates users without API tokens.
func (e *Env) AddAccounts(users ...auth.NewUser) {
	e.T.Helper()
	for _, u := range users {
		nu, err := e.App.Deps.Auth.Create(context.Background(), u)
		if err != nil {
			e.T.Fatal(err)
		}
		e.Users[u.Username] = nu
	}
}

// AddUsers creates users, each with an API token named "test".
func (e *Env) AddUsers(users ...auth.NewUser) {
	e.T.Helper()
	e.AddAccounts(users...)
	for _, u := range users {
		tok, _, err := e.App.Deps.Auth.CreateToken(context.Background(), e.Users[u.Username].ID, "test")
		if err != nil {
			e.T.Fatal(err)
		}
		e.Tokens[u.Username] = tok
	}
}

// Start serves the program on a local port until the test ends.
func (e *Env) Start() *Env {
	e.Srv = httptest.NewServer(e.App.Deps.Web)
	e.T.Cleanup(e.Srv.Close)
	return e
}

// API calls path as user with the user's Bearer token, body (if not nil) sent as JSON,
// the answer decoded into out (if not nil); it returns the status.
func (e *Env) API(user, method, path string, body, out any) int {
	e.T.Helper()
	st, b := e.Raw(user, method, path, body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.T.Fatalf("%s %s: %d %s: %v", method, path, st, b, err)
		}
	}
	return st
}

// Raw is API without decoding: the status and the body's bytes.
func (e *Env) Raw(user, method, path string, body any) (int, []byte) {
	e.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.Srv.URL+path, rd)
	if tok := e.Tokens[user]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// Undocumented lists the JSON routes (METHOD /api/v1/…) registered on ws that the
// OpenAPI document does not describe with their method; a module's test can require it
// to hold none of its own. A wildcard of the route ({kind}) matches any segment of a
// documented path, so concrete documented paths cover a route that serves several.
func Undocumented(ws *web.Server) []string {
	paths := ws.OpenAPIPaths()
	var out []string
	for _, r := range ws.Routes() {
		method, path, ok := strings.Cut(r, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		found := false
		for doc, v := range paths {
			ops, _ := v.(map[string]any)
			if ops[strings.ToLower(method)] != nil && samePath(path, doc) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, r)
		}
	}
	return out
}

func samePath(route, doc string) bool {
	rs, ds := strings.Split(route, "/"), strings.Split(doc, "/")
	if len(rs) != len(ds) {
		return false
	}
	for i := range rs {
		if rs[i] != ds[i] && !strings.HasPrefix(rs[i], "{") {
			return false
		}
	}
	return true
}

// SyncBuffer collects what a running server writes (its log, its console output) while
// the test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Count runs a query that returns one number.
func (e *Env) Count(q string, args ...any) int {
	e.T.Helper()
	var n int
	if err := e.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.T.Fatal(err)
	}
	return n
}

// AuditCount counts the audit entries that match f.
func (e *Env) AuditCount(f audit.Filter) int {
	e.T.Helper()
	n, err := audit.Count(context.Background(), e.DB, f)
	if err != nil {
		e.T.Fatal(err)
	}
	return n
}

// Browser is a browser-like client: a cookie jar, and the CSRF token of the last page
// that carried one.
type Browser struct {
	T    testing.TB
	Base string
	HTTP *http.Client
	CSRF string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Browser returns a new client without cookies; follow says whether it follows redirects
// (false lets a test assert the 303 and its Location).
func (e *Env) Browser(follow bool) *Browser {
	jar, _ := cookiejar.New(nil)
	h := &http.Client{Jar: jar}
	if !follow {
		h.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return &Browser{T: e.T, Base: e.Srv.URL, HTTP: h}
}

// Do sends req and returns the answer with its body read; a CSRF token in it is kept.
func (b *Browser) Do(req *http.Request) (*http.Response, string) {
	b.T.Helper()
	resp, err := b.HTTP.Do(req)
	if err != nil {
		b.T.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.CSRF = string(m[1])
	}
	return resp, string(body)
}

// Get opens path.
func (b *Browser) Get(path string) (*http.Response, string) {
	b.T.Helper()
	req, _ := http.NewRequest("GET", b.Base+path, nil)
	return b.Do(req)
}

// PostForm submits a form to path (the caller puts the csrf field in v).
func (b *Browser) PostForm(path string, v url.Values) (*http.Response, string) {
	b.T.Helper()
	req, _ := http.NewRequest("POST", b.Base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// Login signs user in through the login form and opens landing (e.g. "/") so that
// CSRF holds the session's token; it fails the test unless the sign-in succeeded.
func (b *Browser) Login(user, password, landing string) {
	b.T.Helper()
	b.Get("/login")
	resp, body := b.PostForm("/login", url.Values{"csrf": {b.CSRF}, "username": {user}, "password": {password}, "next": {landing}})
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusOK {
		b.T.Fatalf("login %s: %d %s", user, resp.StatusCode, body)
	}
	if strings.Contains(body, `action="/login"`) {
		b.T.Fatalf("login %s: still on the login page", user)
	}
	b.Get(landing)
}

// JSON sends body (raw JSON text) with the browser's cookies and extra headers, and
// decodes the answer.
func (b *Browser) JSON(method, path, body string, hdr map[string]string) (int, map[string]any) {
	b.T.Helper()
	req, _ := http.NewRequest(method, b.Base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, text := b.Do(req)
	var out map[string]any
	json.Unmarshal([]byte(text), &out)
	return resp.StatusCode, out
}

var optionRe = regexp.MustCompile(`(?s)<option([^>]*)>(.*?)</option>`)
var optionValueRe = regexp.MustCompile(`\bvalue="([^"]*)"`)

// Offered lists the values a page offers for the form field name, in page order: each
// <option> of a <select name="name"> (its value, or its text when it has none, as a
// browser sends it) and the value of each checkbox or radio button of that name.
func Offered(body, name string) []string {
	q := regexp.QuoteMeta(name)
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<select[^>]*\bname="`+q+`"[^>]*>(.*?)</select>`).FindAllStringSubmatch(body, -1) {
		for _, o := range optionRe.FindAllStringSubmatch(m[1], -1) {
			if v := optionValueRe.FindStringSubmatch(o[1]); v != nil {
				out = append(out, html.UnescapeString(v[1]))
			} else {
				out = append(out, html.UnescapeString(strings.TrimSpace(o[2])))
			}
		}
	}
	for _, m := range regexp.MustCompile(`<input type="(?:checkbox|radio)" name="`+q+`" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// Selected is the value a page's <select name="name"> shows as chosen ("" for none).
func Selected(body, name string) string {
	q := regexp.QuoteMeta(name)
	m := regexp.MustCompile(`(?s)<select[^>]*\bname="` + q + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	for _, o := range optionRe.FindAllStringSubmatch(m[1], -1) {
		if regexp.MustCompile(`\bselected\b`).MatchString(o[1]) {
			if v := optionValueRe.FindStringSubmatch(o[1]); v != nil {
				return html.UnescapeString(v[1])
			}
			return html.UnescapeString(strings.TrimSpace(o[2]))
		}
	}
	return ""
}
