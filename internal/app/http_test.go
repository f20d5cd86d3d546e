package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/app/apptest"
	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

const pw = "correct-horse-1"

type env struct {
	*apptest.Env
	t   *testing.T
	a   *app.App
	srv *httptest.Server
	db  *store.DB
}

// accounts are the tests' users: three administrators (the province office, 成都 and
// 德阳) and a 成都 credit clerk.
var accounts = []auth.NewUser{
	{Username: "prov", Password: pw, Region: "510000", Roles: "*:admin"},
	{Username: "cd-admin", Password: pw, Region: "510100", Roles: "*:admin"},
	{Username: "cd-clerk", Password: pw, Region: "510104", Roles: "credit:collector"},
	{Username: "dy-admin", Password: pw, Region: "510600", Roles: "*:admin"},
}

// newEnv builds the whole program on a fresh database with the accounts.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	x := apptest.New(t, db)
	x.AddAccounts(accounts...)
	x.Start()
	return &env{Env: x, t: t, a: x.App, srv: x.Srv, db: db}
}

// client is a browser that does not follow redirects.
type client struct{ *apptest.Browser }

func (e *env) client() *client { return &client{e.Browser(false)} }

func (c *client) login(user string) { c.Login(user, pw, "/") }

func (c *client) api(method, path, body string, hdr map[string]string) (int, map[string]any) {
	c.T.Helper()
	return c.JSON(method, path, body, hdr)
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestLoginLogoutAndAudit(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		resp, _ := c.Get("/")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("anonymous / = %d → %q, want 303 → /login", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := c.Get("/login")
		if resp.StatusCode != 200 || !strings.Contains(body, "登录 同城") || !strings.Contains(body, `lang="zh-CN"`) {
			t.Fatalf("login page: %d", resp.StatusCode)
		}
		// wrong password
		resp, body = c.PostForm("/login", url.Values{"csrf": {c.CSRF}, "username": {"cd-admin"}, "password": {"wrong-password"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不正确") {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}
		if n := e.AuditCount(audit.Filter{Username: "cd-admin", Action: "login_failed"}); n != 1 {
			t.Fatalf("login_failed entries = %d, want 1", n)
		}
		// missing CSRF token
		resp, body = c.PostForm("/login", url.Values{"username": {"cd-admin"}, "password": {pw}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "表单已失效") {
			t.Fatalf("no csrf: %d", resp.StatusCode)
		}
		// right password
		resp, _ = c.PostForm("/login", url.Values{"csrf": {c.CSRF}, "username": {"cd-admin"}, "password": {pw}, "next": {"/audit"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/audit" {
			t.Fatalf("login: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		var sc *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "tc_session" {
				sc = ck
			}
		}
		if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie = %+v, want HttpOnly SameSite=Lax", sc)
		}
		entries, _ := audit.List(context.Background(), db, audit.Filter{Username: "cd-admin", Action: "login"})
		if len(entries) != 1 || entries[0].IP != "127.0.0.1" || entries[0].Region != "510100" {
			t.Fatalf("login audit = %+v", entries)
		}
		resp, body = c.Get("/")
		if resp.StatusCode != 200 || !strings.Contains(body, "驾驶舱") {
			t.Fatalf("home: %d", resp.StatusCode)
		}
		// an open redirect is refused
		c2 := e.client()
		c2.Get("/login")
		resp, _ = c2.PostForm("/login", url.Values{"csrf": {c2.CSRF}, "username": {"cd-admin"}, "password": {pw}, "next": {"//evil.example/"}})
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Fatalf("next=//evil → %q, want /", loc)
		}
		// logout ends the session on the server
		resp, _ = c.PostForm("/logout", url.Values{"csrf": {c.CSRF}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout = %d", resp.StatusCode)
		}
		var n int
		db.QueryRow(context.Background(), "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'cd-admin'").Scan(&n)
		if n != 1 { // c2's session is still open, c's is gone
			t.Fatalf("sessions after logout = %d, want 1", n)
		}
		if e.AuditCount(audit.Filter{Username: "cd-admin", Action: "logout"}) != 1 {
			t.Fatal("logout not audited")
		}
	})
}

func TestExpiredSession(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.login("cd-admin")
		e.a.Deps.Auth.Now = func() time.Time { return time.Now().Add(9 * time.Hour) } // past the 8-hour idle limit
		resp, _ := c.Get("/users")
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "expired=1") {
			t.Fatalf("expired session: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body := c.Get(resp.Header.Get("Location"))
		if !strings.Contains(body, "登录已过期，请重新登录") {
			t.Fatal("login page does not say the session expired")
		}
		code, out := c.api("GET", "/api/v1/me", "", nil)
		if code != 401 || errCode(out) != "unauthenticated" {
			t.Fatalf("api after expiry: %d %v", code, out)
		}
	})
}

func TestCSRFAndScope(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		dy := e.client()
		dy.login("dy-admin")
		// a form post without the token is refused and creates nothing
		resp, _ := dy.PostForm("/users", url.Values{"username": {"x1"}, "password": {pw}, "region": {"510600"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("no csrf: %d", resp.StatusCode)
		}
		if _, err := e.a.Deps.Auth.GetByName(ctx, "x1"); err == nil {
			t.Fatal("user created without CSRF token")
		}
		// API with session cookie needs the header
		code, out := dy.api("POST", "/api/v1/users", `{"username":"x2","password":"`+pw+`","region":"510600"}`, nil)
		if code != 403 || errCode(out) != "csrf" {
			t.Fatalf("api without csrf: %d %v", code, out)
		}
		// 德阳 admin may create in 德阳 …
		code, out = dy.api("POST", "/api/v1/users", `{"username":"dy-new","password":"`+pw+`","region":"510603","roles":"credit:collector"}`, map[string]string{"X-CSRF-Token": dy.CSRF})
		if code != 201 {
			t.Fatalf("create in own city: %d %v", code, out)
		}
		// … but not change a 成都 record
		clerk, _ := e.a.Deps.Auth.GetByName(ctx, "cd-clerk")
		before := e.AuditCount(audit.Filter{Action: "update"})
		code, out = dy.api("PATCH", fmt.Sprintf("/api/v1/users/%d", clerk.ID), `{"display_name":"被改了","region":"510104","roles":"credit:collector"}`, map[string]string{"X-CSRF-Token": dy.CSRF})
		if code != 403 || errCode(out) != "out_of_scope" {
			t.Fatalf("德阳 admin editing 成都 user: %d %v", code, out)
		}
		after, _ := e.a.Deps.Auth.Get(ctx, clerk.ID)
		if after.DisplayName != "cd-clerk" || e.AuditCount(audit.Filter{Action: "update"}) != before {
			t.Fatalf("成都 record changed: %+v", after)
		}
		// nor move one of its own users into 成都
		dyNew, _ := e.a.Deps.Auth.GetByName(ctx, "dy-new")
		code, out = dy.api("PATCH", fmt.Sprintf("/api/v1/users/%d", dyNew.ID), `{"region":"510104"}`, map[string]string{"X-CSRF-Token": dy.CSRF})
		if code != 403 || errCode(out) != "out_of_scope" {
			t.Fatalf("moving user into 成都: %d %v", code, out)
		}
		// the form path says it in Chinese
		dy.Get(fmt.Sprintf("/users/%d", clerk.ID))
		resp, body := dy.PostForm(fmt.Sprintf("/users/%d", clerk.ID), url.Values{"csrf": {dy.CSRF}, "display_name": {"x"}, "region": {"510104"}})
		if resp.StatusCode != 403 || !strings.Contains(body, "无权修改本辖区以外的记录") {
			t.Fatalf("form scope: %d", resp.StatusCode)
		}
		// the province office may change it
		prov := e.client()
		prov.login("prov")
		code, out = prov.api("PATCH", fmt.Sprintf("/api/v1/users/%d", clerk.ID), `{"display_name":"锦江区 信用归集员"}`, map[string]string{"X-CSRF-Token": prov.CSRF})
		if code != 200 {
			t.Fatalf("province edit: %d %v", code, out)
		}
		// a refused form changes nothing, not even the new password it carried
		prov.Get(fmt.Sprintf("/users/%d", clerk.ID))
		resp, body = prov.PostForm(fmt.Sprintf("/users/%d", clerk.ID), url.Values{"csrf": {prov.CSRF}, "display_name": {" "}, "region": {"510104"},
			"roles": {"credit:collector"}, "password": {"brand-new-password-9"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "姓名不能为空") {
			t.Fatalf("form with an empty name: %d", resp.StatusCode)
		}
		if _, _, err := e.a.Deps.Auth.Login(ctx, "cd-clerk", pw, "127.0.0.1"); err != nil {
			t.Fatalf("a refused form changed the password: %v", err)
		}
		// a clerk without the admin role cannot list users at all
		cl := e.client()
		cl.login("cd-clerk")
		code, out = cl.api("GET", "/api/v1/users", "", nil)
		if code != 403 || errCode(out) != "forbidden" {
			t.Fatalf("clerk listing users: %d %v", code, out)
		}
		// the 德阳 admin's user list holds 德阳 only
		code, out = dy.api("GET", "/api/v1/users", "", nil)
		users, _ := out["users"].([]any)
		if code != 200 || len(users) != 2 {
			t.Fatalf("德阳 users = %d (%d), want dy-admin and dy-new", len(users), code)
		}
		// disabling an account ends its open sessions at once (the session cache included)
		if code, _ := cl.api("GET", "/api/v1/me", "", nil); code != 200 {
			t.Fatalf("clerk me before disable = %d", code)
		}
		code, out = prov.api("PATCH", fmt.Sprintf("/api/v1/users/%d", clerk.ID), `{"disabled":true}`, map[string]string{"X-CSRF-Token": prov.CSRF})
		if code != 200 {
			t.Fatalf("disable: %d %v", code, out)
		}
		if code, out := cl.api("GET", "/api/v1/me", "", nil); code != 401 {
			t.Fatalf("disabled clerk still served: %d %v", code, out)
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		dy, _ := e.a.Deps.Auth.GetByName(ctx, "dy-admin")
		secret, _, err := e.a.Deps.Auth.CreateToken(ctx, dy.ID, "德阳对接系统")
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		bearer := map[string]string{"Authorization": "Bearer " + secret}
		code, out := c.api("GET", "/api/v1/me", "", bearer)
		u, _ := out["user"].(map[string]any)
		if code != 200 || u["username"] != "dy-admin" || out["region_name"] != "德阳市" {
			t.Fatalf("token me: %d %v", code, out)
		}
		// a token needs no CSRF header, but keeps its user's scope
		code, out = c.api("POST", "/api/v1/users", `{"username":"dy-bot","password":"`+pw+`","region":"510681"}`, bearer)
		if code != 201 {
			t.Fatalf("token create: %d %v", code, out)
		}
		code, out = c.api("POST", "/api/v1/users", `{"username":"cd-bot","password":"`+pw+`","region":"510104"}`, bearer)
		if code != 403 || errCode(out) != "out_of_scope" {
			t.Fatalf("token out of scope: %d %v", code, out)
		}
		entries, _ := audit.List(ctx, db, audit.Filter{Username: "dy-admin", Action: "create", Module: "platform"})
		if len(entries) == 0 || entries[0].ObjectType != "user" || !strings.Contains(entries[0].Detail, "dy-bot") {
			t.Fatalf("token write not audited as dy-admin: %+v", entries)
		}
		// another user cannot revoke it; its owner can, and then it stops working
		cdAdmin, _ := e.a.Deps.Auth.GetByName(ctx, "cd-admin")
		cdSecret, _, _ := e.a.Deps.Auth.CreateToken(ctx, cdAdmin.ID, "成都对接系统")
		toks, _ := e.a.Deps.Auth.Tokens(ctx, dy.ID)
		code, out = c.api("DELETE", fmt.Sprintf("/api/v1/tokens/%d", toks[0].ID), "", map[string]string{"Authorization": "Bearer " + cdSecret})
		if code != 404 {
			t.Fatalf("revoking another user's token: %d %v", code, out)
		}
		if code, _ := c.api("GET", "/api/v1/me", "", bearer); code != 200 {
			t.Fatalf("token broken by a refused revoke: %d", code)
		}
		code, _ = c.api("DELETE", fmt.Sprintf("/api/v1/tokens/%d", toks[0].ID), "", bearer)
		if code != 204 {
			t.Fatalf("revoke own token: %d", code)
		}
		if code, out := c.api("GET", "/api/v1/me", "", bearer); code != 401 || errCode(out) != "bad_token" {
			t.Fatalf("revoked token still works: %d %v", code, out)
		}
		if n := e.AuditCount(audit.Filter{Username: "dy-admin", Action: "revoke"}); n != 1 {
			t.Fatalf("revoke audit entries = %d, want 1", n)
		}
		code, out = c.api("GET", "/api/v1/me", "", map[string]string{"Authorization": "Bearer tc_nonsense"})
		if code != 401 || errCode(out) != "bad_token" {
			t.Fatalf("bad token: %d %v", code, out)
		}
	})
}

func TestBadRequests(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.login("prov")
		h := map[string]string{"X-CSRF-Token": c.CSRF}
		code, out := c.api("POST", "/api/v1/users", `{"username": "x", `, h)
		if code != 400 || errCode(out) != "malformed_json" {
			t.Fatalf("malformed: %d %v", code, out)
		}
		big := `{"username":"` + strings.Repeat("x", 3<<20) + `"}`
		code, out = c.api("POST", "/api/v1/users", big, h)
		if code != 413 || errCode(out) != "body_too_large" {
			t.Fatalf("oversized: %d %v", code, out)
		}
		// the same body sent without its length (chunked): refused while it is read
		req, _ := http.NewRequest("POST", c.Base+"/api/v1/users", io.MultiReader(strings.NewReader(big)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.CSRF)
		resp, text := c.Do(req)
		if req.ContentLength != 0 || resp.StatusCode != 413 || !strings.Contains(text, `"body_too_large"`) {
			t.Fatalf("oversized chunked (length %d): %d %s", req.ContentLength, resp.StatusCode, text)
		}
		code, out = c.api("POST", "/api/v1/users", `{"username":"ok-name","password":"short","region":"510100"}`, h)
		e1, _ := out["error"].(map[string]any)
		if code != 400 || e1["field"] != "password" || !strings.Contains(e1["message"].(string), "至少 10 个字符") {
			t.Fatalf("short password: %d %v", code, out)
		}
		code, out = c.api("POST", "/api/v1/users", `{"username":"ok-name","password":"`+pw+`","region":"110000"}`, h)
		e1, _ = out["error"].(map[string]any)
		if code != 400 || e1["field"] != "region" {
			t.Fatalf("unknown region: %d %v", code, out)
		}
		code, out = c.api("GET", "/api/v1/nothing-here", "", nil)
		if code != 404 || errCode(out) != "not_found" {
			t.Fatalf("unknown api route: %d %v", code, out)
		}
		resp, body := c.Get("/no/such/page")
		if resp.StatusCode != 404 || !strings.Contains(body, "页面不存在") {
			t.Fatalf("unknown page: %d", resp.StatusCode)
		}
		if n, _ := e.a.Deps.Auth.Count(context.Background()); n != 4 {
			t.Fatalf("users = %d after bad requests, want 4", n)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.Get("/login")
		for i := 1; i <= 5; i++ {
			resp, _ := c.PostForm("/login", url.Values{"csrf": {c.CSRF}, "username": {"cd-admin"}, "password": {"nope-nope-nope"}})
			if resp.StatusCode != 401 {
				t.Fatalf("attempt %d = %d, want 401", i, resp.StatusCode)
			}
		}
		// the fifth failure locked the name: even the right password waits now
		resp, body := c.PostForm("/login", url.Values{"csrf": {c.CSRF}, "username": {"cd-admin"}, "password": {pw}})
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "登录失败次数过多") {
			t.Fatalf("locked login = %d", resp.StatusCode)
		}
		// after the wait, the right password works and clears the count
		e.a.Deps.Auth.Now = func() time.Time { return time.Now().Add(3 * time.Second) }
		resp, _ = c.PostForm("/login", url.Values{"csrf": {c.CSRF}, "username": {"cd-admin"}, "password": {pw}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login after wait = %d", resp.StatusCode)
		}
	})
}

func TestAuditPagesAndAppendOnly(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		c := e.client()
		c.login("prov")
		resp, body := c.Get("/audit?action=create")
		if resp.StatusCode != 200 || strings.Count(body, "新建账号") != 4 {
			t.Fatalf("audit page: %d, 新建账号 ×%d, want 4", resp.StatusCode, strings.Count(body, "新建账号"))
		}
		resp, body = c.Get("/audit?from=2022-13-01")
		if resp.StatusCode != 400 || !strings.Contains(body, "起始日期“2022-13-01”不是有效日期") {
			t.Fatalf("bad date: %d", resp.StatusCode)
		}
		resp, body = c.Get("/audit.csv?action=create")
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "\xEF\xBB\xBF编号,时间,用户") || strings.Count(body, "\n") != 5 {
			t.Fatalf("csv: %d %q", resp.StatusCode, body[:min(len(body), 80)])
		}
		cl := e.client()
		cl.login("cd-clerk")
		resp, body = cl.Get("/audit")
		if resp.StatusCode != 403 || !strings.Contains(body, "没有查看审计日志的权限") {
			t.Fatalf("clerk audit: %d", resp.StatusCode)
		}
		// the database refuses to change or delete audit entries
		if _, err := db.Exec(ctx, "UPDATE audit_log SET detail = 'x'"); err == nil {
			t.Fatal("audit_log UPDATE succeeded")
		}
		if _, err := db.Exec(ctx, "DELETE FROM audit_log"); err == nil {
			t.Fatal("audit_log DELETE succeeded")
		}
	})
}

func TestOperations(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		resp, body := c.Get("/healthz")
		if resp.StatusCode != 200 || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, db.Dialect.String()) {
			t.Fatalf("healthz: %d %s", resp.StatusCode, body)
		}
		c.Get("/login")
		_, body = c.Get("/metrics")
		if !strings.Contains(body, `tongcheng_http_requests_total{code="200",route="GET /login"}`) {
			t.Fatalf("metrics lack the login counter:\n%s", body[:min(len(body), 400)])
		}
		resp, body = c.Get("/api/v1/openapi.json")
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil || doc["openapi"] != "3.0.3" {
			t.Fatalf("openapi: %v", err)
		}
		paths, _ := doc["paths"].(map[string]any)
		for _, p := range []string{"/api/v1/me", "/api/v1/users", "/api/v1/audit", "/api/v1/tokens"} {
			if paths[p] == nil {
				t.Errorf("openapi lacks %s", p)
			}
		}
		for _, p := range []string{"/static/app.css", "/static/app.js"} {
			if resp, _ := c.Get(p); resp.StatusCode != 200 {
				t.Errorf("%s = %d", p, resp.StatusCode)
			}
		}
	})
}

func TestFirstAdminOnce(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	a, err := app.Build(context.Background(), db, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	p1, err := a.Deps.Auth.EnsureAdmin(context.Background())
	if err != nil || len(p1) != 16 {
		t.Fatalf("first admin password %q, %v", p1, err)
	}
	p2, _ := a.Deps.Auth.EnsureAdmin(context.Background())
	if p2 != "" {
		t.Fatal("second start created another admin")
	}
	if _, _, err := a.Deps.Auth.Login(context.Background(), "admin", p1, "127.0.0.1"); err != nil {
		t.Fatalf("admin cannot log in: %v", err)
	}
}
