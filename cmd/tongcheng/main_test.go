package main

import (
	"bytes"
	"context"
	"database/sql"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/web"
)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestDemoUserAndBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	out, _, err := runCmd(t, "demo", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "演示账号") || !strings.Contains(out, "dy-officer") || !strings.Contains(out, app.DemoPassword) {
		t.Fatalf("demo output lacks the logins:\n%s", out)
	}
	// a second run refuses to overwrite without --force
	if _, _, err := runCmd(t, "demo", "--db", db); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second demo: %v", err)
	}
	out, _, err = runCmd(t, "user", "add", "--db", db, "--username", "ms-new", "--region", "511402", "--roles", "river:chief", "--password", "a-long-password")
	if err != nil || !strings.Contains(out, "眉山市东坡区") {
		t.Fatalf("user add: %v %s", err, out)
	}
	if _, _, err := runCmd(t, "user", "add", "--db", db, "--username", "bad", "--region", "999999"); err == nil || !strings.Contains(err.Error(), "区划代码“999999”不存在") {
		t.Fatalf("bad region: %v", err)
	}
	out, _, err = runCmd(t, "user", "list", "--db", db)
	if err != nil || !strings.Contains(out, "ms-new") || strings.Count(out, "\n") != 1+len(app.DemoUsers())+1 {
		t.Fatalf("user list: %v\n%s", err, out)
	}
	// backup while another connection writes
	live, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			live.Exec("INSERT INTO audit_log (at, action, module) VALUES ('2026-01-01T00:00:00.000000Z', 'probe', 'test')")
		}
	}()
	bak := filepath.Join(dir, "backup.db")
	out, _, err = runCmd(t, "backup", "--db", db, "--out", bak)
	<-done
	if err != nil || !strings.Contains(out, "已备份") {
		t.Fatalf("backup: %v %s", err, out)
	}
	out, _, err = runCmd(t, "user", "list", "--db", bak)
	if err != nil || !strings.Contains(out, "ms-new") {
		t.Fatalf("backup lacks ms-new: %v", err)
	}
	if _, _, err := runCmd(t, "backup", "--db", db, "--out", bak); err == nil || !strings.Contains(err.Error(), "已存在") {
		t.Fatalf("backup over existing file: %v", err)
	}
	out, _, err = runCmd(t, "migrate", "--db", db)
	if err != nil || !strings.Contains(out, "已是最新") {
		t.Fatalf("migrate on migrated db: %v %s", err, out)
	}
	// the background jobs once: the demo's overdue river problems are escalated, once
	out, _, err = runCmd(t, "jobs", "--db", db)
	if err != nil || !strings.Contains(out, "后台任务已执行") {
		t.Fatalf("jobs: %v %s", err, out)
	}
	var escalated int
	if err := live.QueryRow("SELECT COUNT(*) FROM river_problem_history WHERE action = 'escalate' AND actor_name = '系统'").Scan(&escalated); err != nil {
		t.Fatal(err)
	}
	if open := strings.Contains(out, "升级督办"); escalated == 0 || !open {
		t.Fatalf("jobs escalated %d problems:\n%s", escalated, out)
	}
	out, _, err = runCmd(t, "jobs", "--db", db)
	var again int
	live.QueryRow("SELECT COUNT(*) FROM river_problem_history WHERE action = 'escalate'").Scan(&again)
	if err != nil || again != escalated {
		t.Fatalf("second jobs run: %v, escalations %d → %d\n%s", err, escalated, again, out)
	}
}

// SIGTERM (here: the context ending) lets a request in flight finish.
func TestGracefulShutdown(t *testing.T) {
	a, err := app.Open(context.Background(), app.Config{DB: filepath.Join(t.TempDir(), "g.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Deps.Web.Handle("GET /test-slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(700 * time.Millisecond)
		w.Write([]byte("finished"))
	}, web.Public())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/test-slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		got <- b.String()
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	if s := <-got; s != "finished" {
		t.Fatalf("in-flight request got %q, want finished", s)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve returned %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("server still accepting after shutdown")
	}
}
