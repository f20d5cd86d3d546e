package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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

// Two serve processes on one database, as in a deployment of several stateless servers
// behind a load balancer: they start (and migrate) at the same moment without error and
// without applying a step twice, a session opened on one is honoured by the other, a
// record written through one is read through the other, and a logout on one ends the
// session on the other once the other's few-second session cache has lapsed.
func TestTwoServersShareOneDatabase(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "shared.db")
			if eng == "postgres" {
				dsn, _ = storetest.NewSchema(t)
			}
			var apps [2]*app.App
			var errs [2]error
			var wg sync.WaitGroup
			for i := range apps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db, err := store.Open(ctx, dsn)
					if err != nil {
						errs[i] = err
						return
					}
					t.Cleanup(func() { db.Close() })
					apps[i], errs[i] = app.Build(ctx, db, nil, false)
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("server %d failed to start beside the other: %v", i+1, err)
				}
			}
			// each server has its own modules, as two processes would
			for i, m := range apps[0].Modules {
				if m == apps[1].Modules[i] {
					t.Fatalf("module %s is one value shared by both servers", m.Key())
				}
			}
			var steps, distinct int
			db := apps[0].Deps.DB
			if err := db.QueryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT module || '/' || version) FROM schema_migrations").Scan(&steps, &distinct); err != nil {
				t.Fatal(err)
			}
			if steps == 0 || steps != distinct {
				t.Fatalf("schema_migrations holds %d rows for %d distinct steps: a step was applied twice", steps, distinct)
			}
			if _, err := apps[0].Deps.Auth.Create(ctx, auth.NewUser{Username: "cd-admin", Password: pw, Region: "510100", Roles: "*:admin"}); err != nil {
				t.Fatal(err)
			}
			srvA, srvB := httptest.NewServer(apps[0].Deps.Web), httptest.NewServer(apps[1].Deps.Web)
			t.Cleanup(srvA.Close)
			t.Cleanup(srvB.Close)
			ea := &env{Env: &apptest.Env{T: t, App: apps[0], DB: apps[0].Deps.DB, Srv: srvA}, t: t, a: apps[0], srv: srvA, db: apps[0].Deps.DB}
			eb := &env{Env: &apptest.Env{T: t, App: apps[1], DB: apps[1].Deps.DB, Srv: srvB}, t: t, a: apps[1], srv: srvB, db: apps[1].Deps.DB}

			a := ea.client()
			a.login("cd-admin")
			// the same browser (cookie jar) now talks to server B
			b := eb.client()
			b.HTTP.Jar = a.HTTP.Jar
			if st, out := b.api("GET", "/api/v1/me", "", nil); st != 200 || out["user"].(map[string]any)["username"] != "cd-admin" {
				t.Fatalf("server B with server A's session = %d %v, want 200 cd-admin", st, out)
			}
			// a user created through B is listed through A
			b.Get("/")
			if st, out := b.api("POST", "/api/v1/users", `{"username":"cd-officer2","password":"officer-pass-1","region":"510104","roles":"discretion:officer"}`, map[string]string{"X-CSRF-Token": b.CSRF}); st != http.StatusCreated {
				t.Fatalf("create through B = %d %v", st, out)
			}
			if resp, body := a.Get("/users"); resp.StatusCode != 200 || !strings.Contains(body, "cd-officer2") {
				t.Fatalf("user created through B not listed through A (%d)", resp.StatusCode)
			}
			// logout on A: A refuses at once, B once its session cache entry lapses
			a.Get("/")
			if resp, _ := a.PostForm("/logout", map[string][]string{"csrf": {a.CSRF}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout on A = %d", resp.StatusCode)
			}
			if st, _ := a.api("GET", "/api/v1/me", "", nil); st != http.StatusUnauthorized {
				t.Fatalf("A after logout = %d, want 401", st)
			}
			apps[1].Deps.Auth.Now = func() time.Time { return time.Now().Add(6 * time.Second) }
			if st, _ := b.api("GET", "/api/v1/me", "", nil); st != http.StatusUnauthorized {
				t.Fatalf("B 6 s after the logout on A = %d, want 401", st)
			}
		})
	}
}
