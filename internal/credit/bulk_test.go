package credit_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// bulkFile is a subjects CSV of n numbered subjects of 成都 (codes from 4000000);
// subject 1 (line 3) comes again on line 4 with another name (the last row of
// a key wins), and the last line (n+3) has a bad code.
func bulkFile(n int, tag string) string {
	var b strings.Builder
	b.WriteString("统一社会信用代码,主体名称,主体类型,法定代表人,所属地市,所属区县\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s,%s%d号商贸有限公司,企业,王伟,510100,510104\n", credit.MakeUSCC("91", "510104", fmt.Sprintf("4%07d", i)), tag, i)
		if i == 1 {
			fmt.Fprintf(&b, "%s,%s改名后的一号公司,企业,王伟,510100,510104\n", credit.MakeUSCC("91", "510104", "40000001"), tag)
		}
	}
	b.WriteString("bad,坏行有限公司,企业,王伟,510100,510104\n")
	return b.String()
}

// schemaOf is the SQL of credit_subjects' indexes and triggers.
func schemaOf(t *testing.T, e *env) string {
	t.Helper()
	rows, err := e.db.Query(context.Background(), "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'credit_subjects' AND sql IS NOT NULL AND type IN ('index', 'trigger') ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			t.Fatal(err)
		}
		b.WriteString(name + ": " + sql + "\n")
	}
	return b.String()
}

// ftsIntact runs FTS5's own check of the name index against the subjects table.
func ftsIntact(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.Exec(context.Background(), "INSERT INTO credit_subjects_fts (credit_subjects_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Fatalf("name index does not match the subjects: %v", err)
	}
}

func found(t *testing.T, db *store.DB, q string) []string {
	t.Helper()
	return names(search(t, db, credit.ByName, q, 0, 50).Results)
}

// TestBulkImport: a large subjects file (threshold lowered) into a library that
// already holds subjects is stored in one transaction with the indexes built
// afterwards; the result is the same as row by row: every valid row stored,
// the last row of a repeated key wins, an existing subject renamed by the file
// is found by its new name only, the bad row reported, the indexes and
// triggers as before, the name index consistent; a re-import changes nothing.
func TestBulkImport(t *testing.T) {
	defer credit.SetBulkMinRows(100)()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		// already stored: subject 2 (renamed by the file below) and one the file does not name
		if _, err := e.importFile("prov", "old.csv", []byte("统一社会信用代码,主体名称,主体类型,法定代表人,所属地市,所属区县\n"+
			credit.MakeUSCC("91", "510104", "40000002")+",旧名称蜀锦有限公司,企业,李娜,510100,510104\n"+
			usccA+",成都蜀锦食品有限公司,企业,王伟,510100,510104\n")); err != nil {
			t.Fatal(err)
		}
		var schema string
		if db.D() == store.SQLite {
			schema = schemaOf(t, e)
		}
		const n = 3000
		data := bulkFile(n, "岷江")
		// from the command line, which allows the bulk path (on SQLite the
		// indexes built at the end, on PostgreSQL COPY and one merge)
		bulk := "名称、法定代表人、地市索引在最后统一重建"
		if db.D() == store.Postgres {
			bulk = "经 COPY 写入临时表后一次合并"
		}
		out, err := e.importFile("prov", "bulk.csv", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		// n subjects (subject 1 twice): subject 2 was stored before and is renamed
		if !strings.Contains(out, fmt.Sprintf("读取 %d 行，保存 %d 行，拒收 1 行", n+2, n+1)) || !strings.Contains(out, fmt.Sprintf("其中新增 %d 条，更新 1 条", n-1)) || !strings.Contains(out, bulk) {
			t.Errorf("command line output:\n%s", out)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_subjects"); got != n+1 {
			t.Errorf("%d subjects, want %d", got, n+1)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_rejects r JOIN credit_batches b ON b.id = r.batch_id WHERE b.file_name = 'bulk.csv' AND r.line = ? AND r.field = '统一社会信用代码'", n+3); got != 1 {
			t.Errorf("bad row not reported with its line and field")
		}
		if got := e.count("SELECT COUNT(*) FROM credit_batches WHERE file_name = 'bulk.csv' AND status = 'done' AND rows_read = ? AND accepted = ?", n+2, n+1); got != 1 {
			t.Errorf("batch not done with its counts")
		}
		if got := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND detail LIKE ?", fmt.Sprintf("%%第2–%d行：保存%d行，拒收问题1项%%", n+3, n+1)); got != 1 {
			t.Errorf("bulk import not audited as one entry of the whole file")
		}
		if got := found(t, db, "改名后的一号"); len(got) != 1 || got[0] != "岷江改名后的一号公司" {
			t.Errorf("repeated key: the last row must win, search finds %q", got)
		}
		if got := found(t, db, "岷江1号商贸"); len(got) != 0 {
			t.Errorf("the first name of a repeated key is still found: %q", got)
		}
		if got := found(t, db, "旧名称蜀锦"); len(got) != 0 {
			t.Errorf("renamed subject still found by its old name: %q", got)
		}
		if got := found(t, db, "岷江2号商贸"); len(got) != 1 {
			t.Errorf("renamed subject not found by its new name: %q", got)
		}
		if got := found(t, db, "岷江2999号"); len(got) != 1 {
			t.Errorf("last new subject not found by part of its name: %q", got)
		}
		if got := found(t, db, "蜀锦食品"); len(got) != 1 {
			t.Errorf("subject stored before not found: %q", got)
		}
		if db.D() == store.SQLite {
			ftsIntact(t, db)
			if got := schemaOf(t, e); got != schema {
				t.Errorf("indexes and triggers after a bulk import:\n%s\nwant\n%s", got, schema)
			}
			var plan string
			rows, _ := db.Query(ctx, "EXPLAIN QUERY PLAN SELECT id FROM credit_subjects WHERE legal_rep = '王伟'")
			for rows.Next() {
				var a, b, c int
				var d string
				rows.Scan(&a, &b, &c, &d)
				plan += d
			}
			rows.Close()
			if !strings.Contains(plan, "credit_subjects_legal_rep") {
				t.Errorf("legal representative index not rebuilt: %s", plan)
			}
		}
		var updated string
		db.QueryRow(ctx, "SELECT MAX(updated_at) FROM credit_subjects").Scan(&updated)
		// the same file again, from the command line: nothing changes
		out, err = e.importFile("prov", "bulk.csv", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, fmt.Sprintf("读取 %d 行，保存 %d 行，拒收 1 行", n+2, n+1)) || !strings.Contains(out, "其中新增 0 条，更新 0 条") || !strings.Contains(out, bulk) {
			t.Errorf("command line output of the re-import:\n%s", out)
		}
		var updated2 string
		db.QueryRow(ctx, "SELECT MAX(updated_at) FROM credit_subjects").Scan(&updated2)
		if updated2 != updated || e.count("SELECT COUNT(*) FROM credit_subjects") != n+1 || e.count("SELECT COUNT(*) FROM credit_rejects") != 1 {
			t.Errorf("re-import changed the library: updated_at %s → %s", updated, updated2)
		}
		if db.D() == store.SQLite {
			ftsIntact(t, db)
		}
	})
}

// cancelAfter cancels once more than n bytes have been read through it.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n -= k
	if c.n < 0 {
		c.cancel()
	}
	return k, err
}

// TestBulkImportInterrupted stops a bulk import halfway through the file (as a
// killed process would): the library is as before (no subject of the file;
// on SQLite the indexes and triggers restored, the name index consistent; on
// PostgreSQL the rows already copied gone with the transaction), and a re-run
// of the same file completes it.
func TestBulkImportInterrupted(t *testing.T) {
	defer credit.SetBulkMinRows(100)()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if _, err := e.importFile("prov", "old.csv", []byte(subjectsCSV())); err != nil {
			t.Fatal(err)
		}
		lite := db.D() == store.SQLite
		var schema string
		if lite {
			schema = schemaOf(t, e)
		}
		const n = 30000
		// subject 5 of the file comes again in its last line, three parts later, with another name
		data := bulkFile(n, "沱江") + credit.MakeUSCC("91", "510104", "40000005") + ",沱江改名后的五号公司,企业,王伟,510100,510104\n"
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		im := &credit.Importer{DB: db, Bulk: true}
		res, err := im.Import(ctx, &cancelAfter{r: strings.NewReader(data), n: len(data) / 2, cancel: cancel}, int64(len(data)), "big.csv", "big-1", e.users["prov"])
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want canceled, got %v", err)
		}
		if !res.Bulk {
			t.Fatal("not imported in bulk")
		}
		if got := e.count("SELECT COUNT(*) FROM credit_subjects"); got != 4 {
			t.Errorf("after the interruption %d subjects, want the 4 stored before", got)
		}
		if lite {
			if got := schemaOf(t, e); got != schema {
				t.Errorf("indexes and triggers after an interrupted bulk import:\n%s\nwant\n%s", got, schema)
			}
			ftsIntact(t, db)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_rejects r JOIN credit_batches b ON b.id = r.batch_id WHERE b.file_hash = 'big-1'"); got != 0 {
			t.Errorf("%d rejected rows of the interrupted import stored", got)
		}
		if got := found(t, db, "蜀锦食品"); len(got) != 1 {
			t.Errorf("subject stored before not found after the interruption: %q", got)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_batches WHERE file_hash = 'big-1' AND status = 'running'"); got != 1 {
			t.Errorf("interrupted batch not left running")
		}
		res, err = im.Import(context.Background(), strings.NewReader(data), int64(len(data)), "big.csv", "big-1", e.users["prov"])
		if err != nil {
			t.Fatal(err)
		}
		if res.Accepted != n+2 || res.Rejected != 1 || res.Inserted != n || res.Updated != 0 || !res.Bulk {
			t.Errorf("re-run: %+v", res)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_subjects"); got != n+4 {
			t.Errorf("after the re-run %d subjects, want %d", got, n+4)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_batches WHERE file_hash = 'big-1' AND status = 'done'"); got != 1 {
			t.Errorf("batch not done after the re-run")
		}
		if lite {
			ftsIntact(t, db)
		}
		if got := found(t, db, "沱江29999号"); len(got) != 1 {
			t.Errorf("subject of the re-run not found by name: %q", got)
		}
		// a subject of the import renamed by a later part: found by its last name only
		if got := found(t, db, "改名后的五号"); len(got) != 1 {
			t.Errorf("renamed subject of the import not found by its last name: %q", got)
		}
		if got := found(t, db, "沱江5号商贸"); len(got) != 0 {
			t.Errorf("renamed subject of the import still found by its first name: %q", got)
		}
	})
}

// TestDemoBulkSameAsChunked: the demo stores the same subjects whether it
// commits chunk by chunk or, at the bulletin's scale, as a bulk import (the
// threshold lowered here), and the bulk run leaves the indexes, triggers and
// the name index as the chunked one does.
func TestDemoBulkSameAsChunked(t *testing.T) {
	ctx := context.Background()
	sz := credit.DemoSizes{Subjects: 3000, Enterprises: 500, Records: 50, Blacklist: 5}
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	run := func(bulkMin int64) (rows, schema string) {
		defer credit.SetBulkMinRows(bulkMin)()
		db := storetest.Open(t, "sqlite")
		e := newEnv(t, db)
		if _, err := credit.GenerateDemo(ctx, db, sz, 3, today); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) || ':' || SUM(length(skey || name || legal_rep || address || region || established_on)) || ':' || MIN(name) || ':' || MAX(name)
			FROM credit_subjects`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		ftsIntact(t, db)
		if n := len(found(t, db, "有限公司")); n == 0 {
			t.Errorf("bulk min %d: names not found by a part", bulkMin)
		}
		return rows, schemaOf(t, e)
	}
	chunkRows, chunkSchema := run(1 << 40)
	bulkRows, bulkSchema := run(100)
	if bulkRows != chunkRows || !strings.HasPrefix(bulkRows, "3000:") {
		t.Errorf("bulk demo stored %s, chunked %s", bulkRows, chunkRows)
	}
	if bulkSchema != chunkSchema {
		t.Errorf("bulk demo schema\n%s\nchunked\n%s", bulkSchema, chunkSchema)
	}
}
