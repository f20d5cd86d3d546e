package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// copyCounts returns the accounts and the audit entries of account creations in a backup.
// Each account is stored together with its audit entry in one transaction, so a
// consistent copy holds as many of one as of the other.
func copyCounts(t *testing.T, engine, file string) (users, created int) {
	t.Helper()
	if engine == "sqlite" {
		db, err := store.Open(context.Background(), file)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var ok string
		if err := db.QueryRow(context.Background(), "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("backup integrity_check = %q, %v", ok, err)
		}
		db.QueryRow(context.Background(), "SELECT COUNT(*) FROM users").Scan(&users)
		db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND object_type = 'user'").Scan(&created)
		return
	}
	// the custom-format dump's table data, as pg_restore would load it
	rows := func(table string) []string {
		out, err := exec.Command("pg_restore", "--data-only", "--table="+table, "--file=-", file).CombinedOutput()
		if err != nil {
			t.Fatalf("pg_restore %s: %v\n%s", table, err, out)
		}
		var data []string
		in := false
		for _, line := range strings.Split(string(out), "\n") {
			switch {
			case strings.HasPrefix(line, "COPY "):
				in = true
			case line == `\.`:
				in = false
			case in:
				data = append(data, line)
			}
		}
		return data
	}
	users = len(rows("users"))
	for _, r := range rows("audit_log") {
		if strings.Contains(r, "\tcreate\tplatform\tuser\t") {
			created++
		}
	}
	return
}

// `tongcheng backup` while a server keeps writing: the copy is taken without stopping the
// writes, holds every account stored before it began, and is consistent (each account
// with its audit entry, never one without the other). On PostgreSQL it runs pg_dump.
func TestBackupWhileServing(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			dsn := filepath.Join(dir, "live.db")
			if eng == "postgres" {
				if _, err := exec.LookPath("pg_dump"); err != nil {
					t.Skip("pg_dump 不在 PATH 中：跳过 PostgreSQL 备份测试")
				}
				dsn, _ = storetest.NewSchema(t)
			}
			a, err := app.Open(ctx, app.Config{DB: dsn}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			var written atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := a.Deps.Auth.Create(ctx, auth.NewUser{Username: fmt.Sprintf("w%d-%d", w, i), Password: "writer-password", Region: "510104", Roles: "credit:collector"}); err != nil {
							t.Errorf("write during backup: %v", err)
							return
						}
						written.Add(1)
					}
				}()
			}
			waitFor := func(n int64) {
				deadline := time.Now().Add(30 * time.Second)
				for written.Load() < n && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
			}
			waitFor(4)
			before := written.Load()
			bak := filepath.Join(dir, "copy", "tongcheng.backup")
			out, _, err := runCmd(t, "backup", "--db", dsn, "--out", bak)
			after := written.Load()
			waitFor(after + 2) // the writers carry on after the backup too
			close(stop)
			wg.Wait()
			if err != nil || !strings.Contains(out, "已备份") {
				t.Fatalf("backup: %v %s", err, out)
			}
			users, created := copyCounts(t, eng, bak)
			if users != created {
				t.Fatalf("backup holds %d accounts but %d creation entries: not one consistent moment", users, created)
			}
			if int64(users) < before || int64(users) > after {
				t.Fatalf("backup holds %d accounts; %d were stored before it began, %d when it ended", users, before, after)
			}
			if total := written.Load(); total <= after {
				t.Fatalf("the writers stopped during the backup (%d writes in all, %d when it ended)", total, after)
			}
		})
	}
}

// Without pg_dump the backup of a PostgreSQL database says what to install, and a failing
// pg_dump (here: no server) leaves no file behind that could pass for a backup.
func TestBackupWithoutPgDump(t *testing.T) {
	dir := t.TempDir()
	down := "postgres://tongcheng:secret-pw@127.0.0.1:1/tongcheng?sslmode=disable&connect_timeout=2"
	out := filepath.Join(dir, "pg.backup")
	if _, err := exec.LookPath("pg_dump"); err == nil {
		_, _, err := runCmd(t, "backup", "--db", down, "--out", out)
		if err == nil || !strings.Contains(err.Error(), "pg_dump 失败，没有生成备份") || strings.Contains(err.Error(), "secret-pw") {
			t.Fatalf("pg_dump against a stopped server: %v", err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("a failed pg_dump left %s behind", out)
		}
	}
	t.Setenv("PATH", t.TempDir()) // an empty folder: no pg_dump anywhere
	_, _, err := runCmd(t, "backup", "--db", down, "--out", out)
	if err == nil || !strings.Contains(err.Error(), "找不到 pg_dump（pg_dump）：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client") {
		t.Fatalf("no pg_dump: %v", err)
	}
	t.Setenv("TONGCHENG_PG_DUMP", "/opt/pg17/bin/pg_dump")
	if _, _, err := runCmd(t, "backup", "--db", down, "--out", out); err == nil || !strings.Contains(err.Error(), "找不到 pg_dump（/opt/pg17/bin/pg_dump）") {
		t.Fatalf("TONGCHENG_PG_DUMP missing: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("%s exists after refused backups", out)
	}
}

// The program's URL becomes pg_dump arguments: the password only in the environment, the
// search_path as the schemas to dump, the driver's own parameters left out.
func TestPgDumpArgs(t *testing.T) {
	args, env, err := pgDumpArgs("postgres://tc:p%40ss@db.internal:5433/tongcheng?sslmode=require&search_path=tongcheng,public&pool_max_conns=20&connect_timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--schema=tongcheng", "--dbname=postgres://tc@db.internal:5433/tongcheng?connect_timeout=5&sslmode=require"}
	if strings.Join(args, " ") != strings.Join(want, " ") {
		t.Fatalf("args = %q, want %q", args, want)
	}
	if len(env) != 1 || env[0] != "PGPASSWORD=p@ss" {
		t.Fatalf("env = %q", env)
	}
}
