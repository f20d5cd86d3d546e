package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/audit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web"
)

// Behind a trusted reverse proxy the audit log records the person's address from
// X-Forwarded-For; from anywhere else the header is ignored.
func TestAuditRecordsClientBehindProxy(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.Get("/login")
		failFrom := func(xff string) string {
			t.Helper()
			req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"csrf": {c.CSRF}, "username": {"cd-admin"}, "password": {"wrong-password"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", xff)
			resp, _ := c.Do(req)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong password = %d, want 401", resp.StatusCode)
			}
			list, err := audit.List(context.Background(), db, audit.Filter{Action: "login_failed", Limit: 1})
			if err != nil || len(list) != 1 {
				t.Fatalf("audit: %v %d", err, len(list))
			}
			return list[0].IP
		}
		if ip := failFrom("198.51.100.9"); ip != "127.0.0.1" {
			t.Fatalf("no trusted proxy: audit IP = %s, want the peer 127.0.0.1", ip)
		}
		proxies, err := web.ParseTrustedProxies("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		e.a.Deps.Web.TrustedProxies = proxies
		if ip := failFrom("203.0.113.1, 198.51.100.9"); ip != "198.51.100.9" {
			t.Fatalf("behind the trusted proxy: audit IP = %s, want 198.51.100.9", ip)
		}
	})
}
