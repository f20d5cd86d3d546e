package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"tongcheng/internal/app/apptest"
	"tongcheng/internal/audit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// newAPIEnv is newEnv with an API token for each account.
func newAPIEnv(t *testing.T, db *store.DB) *apptest.Env {
	t.Helper()
	x := apptest.New(t, db)
	x.AddUsers(accounts...)
	return x.Start()
}

// What the pages do, the API does too: list one's tokens, reset an account's password,
// read the 驾驶舱 figures, export the audit log.
func TestAPICoversThePages(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newAPIEnv(t, db)
		as := e.App.Deps.Auth

		// tokens: the caller's own, without secrets
		var toks struct {
			Total int               `json:"total"`
			Items []json.RawMessage `json:"items"`
		}
		if st := e.API("dy-admin", "GET", "/api/v1/tokens", nil, &toks); st != 200 || toks.Total != 1 || len(toks.Items) != 1 {
			t.Fatalf("tokens = %d %+v, want dy-admin's one token", st, toks)
		}
		if raw := string(toks.Items[0]); !strings.Contains(raw, `"name":"test"`) || strings.Contains(raw, e.Tokens["dy-admin"]) || strings.Contains(raw, "hash") {
			t.Fatalf("token listing %s: want the name, no secret", raw)
		}

		// a new token: its secret once, its issue audited; the listing grows by one
		var made struct {
			Token string `json:"token"`
		}
		if st := e.API("dy-admin", "POST", "/api/v1/tokens", map[string]string{"name": "德阳市场监管对接"}, &made); st != 201 || !strings.HasPrefix(made.Token, "tc_") {
			t.Fatalf("new token: %d %+v", st, made)
		}
		issued, _ := audit.List(ctx, db, audit.Filter{Username: "dy-admin", Action: "create", Module: "platform"})
		if len(issued) == 0 || issued[0].ObjectType != "api_token" || !strings.Contains(issued[0].Detail, "德阳市场监管对接") || issued[0].Region != "510600" {
			t.Fatalf("token issue audit = %+v", issued)
		}
		if e.API("dy-admin", "GET", "/api/v1/tokens", nil, &toks); toks.Total != 2 {
			t.Fatalf("tokens after issuing one = %d, want 2", toks.Total)
		}

		// password reset by an administrator, within scope
		clerk := e.Users["cd-clerk"]
		path := fmt.Sprintf("/api/v1/users/%d", clerk.ID)
		var fail struct {
			Error struct{ Code, Message, Field string } `json:"error"`
		}
		if st := e.API("cd-admin", "PATCH", path, map[string]any{"password": "short", "display_name": "改了名"}, &fail); st != 400 || fail.Error.Field != "password" || !strings.Contains(fail.Error.Message, "至少 10 个字符") {
			t.Fatalf("short password: %d %+v", st, fail)
		}
		if st := e.API("dy-admin", "PATCH", path, map[string]any{"password": "another-password-1"}, &fail); st != 403 || fail.Error.Code != "out_of_scope" {
			t.Fatalf("德阳 admin resetting a 成都 password: %d %+v", st, fail)
		}
		// a good password with a bad field: nothing changes, the password neither
		if st := e.API("cd-admin", "PATCH", path, map[string]any{"password": "another-password-1", "display_name": " "}, &fail); st != 400 || fail.Error.Field != "display_name" {
			t.Fatalf("good password, empty name: %d %+v", st, fail)
		}
		if _, _, err := as.Login(ctx, "cd-clerk", pw, "127.0.0.1"); err != nil {
			t.Fatalf("refused resets changed the password: %v", err)
		}
		if u, _ := as.Get(ctx, clerk.ID); u.DisplayName != "cd-clerk" {
			t.Fatalf("refused reset changed the name to %q", u.DisplayName)
		}
		if st := e.API("cd-admin", "PATCH", path, map[string]any{"password": "another-password-1"}, nil); st != 200 {
			t.Fatalf("reset: %d", st)
		}
		if _, _, err := as.Login(ctx, "cd-clerk", pw, "127.0.0.1"); err == nil {
			t.Fatal("old password still works after the reset")
		}
		if _, _, err := as.Login(ctx, "cd-clerk", "another-password-1", "127.0.0.1"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		resets, _ := audit.List(ctx, db, audit.Filter{Action: "password_reset"})
		if len(resets) != 1 || resets[0].Username != "cd-admin" || resets[0].Region != "510104" || resets[0].ObjectID != fmt.Sprint(clerk.ID) {
			t.Fatalf("reset audit = %+v, want one entry by cd-admin for the clerk in 510104", resets)
		}

		// the 驾驶舱 figures
		type card struct{ Label, Value string }
		var dash struct {
			Platform []card `json:"platform"`
			Modules  []struct {
				Module string `json:"module"`
				Cards  []card `json:"cards"`
			} `json:"modules"`
		}
		if st := e.API("cd-clerk", "GET", "/api/v1/dashboard", nil, &dash); st != 200 || len(dash.Platform) != 3 || dash.Platform[0].Label != "注册账号" || dash.Platform[0].Value != "4" {
			t.Fatalf("dashboard = %d %+v, want 注册账号 4", st, dash.Platform)
		}
		for _, m := range dash.Modules {
			if m.Module != "credit" {
				t.Fatalf("the credit clerk sees the %s module's figures", m.Module)
			}
		}
		if st := e.API("prov", "GET", "/api/v1/dashboard", nil, &dash); st != 200 || len(dash.Modules) < 3 {
			t.Fatalf("province dashboard: %d, %d modules", st, len(dash.Modules))
		}

		// the audit log as CSV through the API, with a token
		st, body := e.Raw("prov", "GET", "/api/v1/audit.csv?action=password_reset", nil)
		if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); st != 200 || len(lines) != 2 || !strings.Contains(lines[1], "cd-admin") {
			t.Fatalf("audit.csv = %d %q", st, body)
		}
		// the export itself is audited
		if n := e.AuditCount(audit.Filter{Username: "prov", Action: "export", Module: "platform"}); n != 1 {
			t.Fatalf("export entries by prov = %d, want 1", n)
		}
	})
}

// An administrator below the province reads the audit entries of their own region and
// below, not another city's; the province office reads them all. Paging gives the next
// page's cursor and the total.
func TestAuditScopedToRegion(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newAPIEnv(t, db)
		for _, u := range []string{"cd-admin", "dy-admin", "cd-clerk"} {
			b := e.Browser(false)
			b.Login(u, pw, "/")
		}
		type page struct {
			Entries    []audit.Entry `json:"entries"`
			Total      int           `json:"total"`
			NextBefore int64         `json:"next_before"`
		}
		var dy page
		if st := e.API("dy-admin", "GET", "/api/v1/audit", nil, &dy); st != 200 || dy.Total == 0 {
			t.Fatalf("德阳 audit: %d %+v", st, dy)
		}
		for _, x := range dy.Entries {
			if !strings.HasPrefix(x.Region, "5106") {
				t.Fatalf("德阳 admin sees an entry of region %q: %+v", x.Region, x)
			}
		}
		logins := func(p page, user string) int {
			n := 0
			for _, x := range p.Entries {
				if x.Action == "login" && x.Username == user {
					n++
				}
			}
			return n
		}
		if logins(dy, "dy-admin") != 1 || logins(dy, "cd-admin") != 0 {
			t.Fatalf("德阳 admin's log: own logins %d, 成都's %d; want 1 and 0", logins(dy, "dy-admin"), logins(dy, "cd-admin"))
		}
		var cd page
		e.API("cd-admin", "GET", "/api/v1/audit?action=login", nil, &cd)
		if cd.Total != 2 || logins(cd, "cd-clerk") != 1 || logins(cd, "cd-admin") != 1 {
			t.Fatalf("成都 admin's logins = %d %+v, want cd-admin's and the 锦江区 clerk's", cd.Total, cd.Entries)
		}
		var all page
		e.API("prov", "GET", "/api/v1/audit?action=login", nil, &all)
		if all.Total != 3 {
			t.Fatalf("province sees %d logins, want 3", all.Total)
		}
		// paging: the entries older than the newest
		first := all.Entries[0].ID
		var older page
		e.API("prov", "GET", fmt.Sprintf("/api/v1/audit?action=login&before=%d", first), nil, &older)
		if len(older.Entries) != 2 || older.Entries[0].ID >= first || older.Total != 3 || older.NextBefore != 0 {
			t.Fatalf("page before %d: %+v", first, older)
		}
		// the page has the same scope
		b := e.Browser(false)
		b.Login("dy-admin", pw, "/audit?action=login")
		if resp, body := b.Get("/audit?action=login"); resp.StatusCode != 200 || strings.Contains(body, "cd-admin") || !strings.Contains(body, "dy-admin") {
			t.Fatalf("德阳 audit page (%d) shows 成都's logins or not its own", resp.StatusCode)
		}
	})
}

// Every JSON route of the program, the platform's and every module's, is in the OpenAPI
// document with its method, so the cities' own systems find each one described.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := apptest.New(t, storetest.Open(t, "sqlite"))
	modules := map[string]bool{}
	for _, m := range e.App.Modules {
		modules[m.Key()] = true
	}
	perModule := map[string]int{}
	for _, r := range e.App.Deps.Web.Routes() {
		_, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/api/v1/"), "/")
		if !modules[seg] {
			seg = "platform"
		}
		perModule[seg]++
	}
	for _, missing := range apptest.Undocumented(e.App.Deps.Web) {
		t.Errorf("%s is not in /api/v1/openapi.json", missing)
	}
	if perModule["platform"] < 15 {
		t.Fatalf("only %d platform API routes found", perModule["platform"])
	}
	for m := range modules {
		if perModule[m] < 3 {
			t.Errorf("only %d API routes of module %s found", perModule[m], m)
		}
	}
}
