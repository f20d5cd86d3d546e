package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/credit"
)

// helperArgs is how a test runs the program as a process of its own: the
// test binary, started again with these arguments (separated by \x1f) in
// TONGCHENG_HELPER_ARGS, runs only TestHelperProcess, which is the program.
const helperArgs = "TONGCHENG_HELPER_ARGS"

func TestHelperProcess(t *testing.T) {
	args := os.Getenv(helperArgs)
	if args == "" {
		t.Skip("runs only as the program of another test")
	}
	if err := run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestImportCreditKilled: `tongcheng import credit FILE` killed halfway (SIGKILL,
// no chance to clean up) leaves the library consistent — whole chunks of rows
// stored, the name index matching them, the batch still marked running — and
// running the same command again completes it; a third run changes nothing.
func TestImportCreditKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("process test skipped with -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "kill.db")
	if _, _, err := runCmd(t, "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "user", "add", "--db", db, "--username", "imp", "--region", "510000", "--roles", "credit:collector", "--password", "a-long-password"); err != nil {
		t.Fatal(err)
	}
	// 40,000 subjects (under the bulk import's 50,000: stored in chunks of 2,000) and a bad row
	const n = 40000
	var b strings.Builder
	b.WriteString("统一社会信用代码,主体名称,主体类型,法定代表人,所属地市,所属区县\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s,中断测试%d有限公司,企业,王伟,510100,510104\n", credit.MakeUSCC("91", "510104", fmt.Sprintf("4%07d", i)), i)
	}
	b.WriteString("9151010400000000XX,坏代码有限公司,企业,王伟,510100,510104\n")
	file := filepath.Join(dir, "subjects.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"import", "--db", db, "--as", "imp", "credit", file}

	// the test's own reader waits for a lock instead of failing (a checkpoint of the importing
	// process may hold one for a moment)
	live, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	count := func(q string) int {
		t.Helper()
		var c int
		if err := live.QueryRow(q).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperArgs+"="+strings.Join(args, "\x1f"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	killed := false
	for !killed {
		select {
		case err := <-exited:
			t.Fatalf("the import ended before it could be killed (%v): %s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if c := count("SELECT COUNT(*) FROM credit_subjects"); c >= 2000 {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-exited
			killed = true
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no rows stored after 2 minutes: %s", out.String())
		}
	}

	// consistent: whole chunks, the name index matching the table, the batch running
	stored := count("SELECT COUNT(*) FROM credit_subjects")
	if stored%2000 != 0 || stored == 0 || stored >= n {
		t.Fatalf("after the kill %d subjects, want whole chunks of 2000 and fewer than %d", stored, n)
	}
	t.Logf("killed with %d of %d rows stored", stored, n)
	var check string
	if err := live.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q %v", check, err)
	}
	if _, err := live.Exec("INSERT INTO credit_subjects_fts (credit_subjects_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Fatalf("name index does not match the subjects after the kill: %v", err)
	}
	if c := count("SELECT COUNT(*) FROM credit_batches WHERE status = 'running'"); c != 1 {
		t.Errorf("%d running batches after the kill, want 1", c)
	}
	if c := count("SELECT COUNT(*) FROM audit_log WHERE module = 'credit' AND action = 'import'"); c != stored/2000 {
		t.Errorf("%d audited chunks for %d stored rows", c, stored)
	}

	// the same command again completes it
	text, _, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("re-run: %v %s", err, text)
	}
	if !strings.Contains(text, fmt.Sprintf("读取 %d 行，保存 %d 行，拒收 1 行", n+1, n)) || !strings.Contains(text, "第40002行 统一社会信用代码") {
		t.Errorf("re-run output: %s", text)
	}
	if c := count("SELECT COUNT(*) FROM credit_subjects"); c != n {
		t.Errorf("after the re-run %d subjects, want %d", c, n)
	}
	if c := count("SELECT COUNT(*) FROM credit_batches WHERE status = 'done'"); c != 1 || count("SELECT COUNT(*) FROM credit_batches") != 1 {
		t.Error("the re-run did not finish the killed batch")
	}
	if c := count("SELECT COUNT(DISTINCT line) FROM credit_rejects"); c != 1 {
		t.Errorf("%d rejected lines, want 1", c)
	}
	var lastUpdate string
	live.QueryRow("SELECT MAX(updated_at) FROM credit_subjects").Scan(&lastUpdate)

	// and a third run changes nothing
	if _, _, err := runCmd(t, args...); err != nil {
		t.Fatal(err)
	}
	var again string
	live.QueryRow("SELECT MAX(updated_at) FROM credit_subjects").Scan(&again)
	if c := count("SELECT COUNT(*) FROM credit_subjects"); c != n || again != lastUpdate {
		t.Errorf("third run: %d subjects, last update %s → %s", c, lastUpdate, again)
	}
}
