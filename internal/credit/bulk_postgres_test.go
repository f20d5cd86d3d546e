package credit_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// sameFile is a subjects file that exercises every rule of an import over a
// library holding baseFile: n numbered subjects of 成都 (bulkFile: subject 1
// twice in a row, the last one winning; a bad code on line n+3), then subject
// 7 again 2,600 rows after its first line with another name (parts apart on
// the chunked path), a row whose county is not a region code, and the
// subjects of baseFile: one as stored (unchanged), one with another legal
// representative (changed).
func sameFile(n int) string {
	var b strings.Builder
	b.WriteString(bulkFile(n, "青衣江"))
	b.WriteString(credit.MakeUSCC("91", "510104", "40000007") + ",青衣江改名后的七号公司,企业,王伟,510100,510104\n")
	b.WriteString(credit.MakeUSCC("91", "510104", "49999998") + ",区县错误有限公司,企业,陈杰,510100,2020-13-45\n")
	b.WriteString(credit.MakeUSCC("91", "510104", "30000001") + ",成都基础一号有限公司,企业,王伟,510100,510104\n")
	b.WriteString(credit.MakeUSCC("91", "510104", "30000002") + ",成都基础二号有限公司,企业,赵敏,510100,510104\n")
	return b.String()
}

// baseFile is what the library holds before sameFile: two subjects.
const baseHeader = "统一社会信用代码,主体名称,主体类型,法定代表人,所属地市,所属区县\n"

func baseFile() string {
	return baseHeader +
		credit.MakeUSCC("91", "510104", "30000001") + ",成都基础一号有限公司,企业,王伟,510100,510104\n" +
		credit.MakeUSCC("91", "510104", "30000002") + ",成都基础二号有限公司,企业,李娜,510100,510104\n"
}

// subjectsTable is every column of every subject that an import decides (all
// but id and the times), in id order, and the rejected rows of every batch.
func subjectsTable(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	rows, err := db.Query(context.Background(), `SELECT skey, uscc, uscc_flags, reg_no, name, stype, legal_rep, address, region, city, county, status,
		industry, established_on, approved_on, batch_id, batch_line FROM credit_subjects ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s [17]string
		ptr := make([]any, len(s))
		for i := range s {
			ptr[i] = &s[i]
		}
		if err := rows.Scan(ptr...); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.Join(s[:], "|") + "\n")
	}
	rows.Close()
	rows, err = db.Query(context.Background(), "SELECT batch_id, line, field, reason FROM credit_rejects ORDER BY batch_id, line, field")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var batch, line int
		var field, reason string
		if err := rows.Scan(&batch, &line, &field, &reason); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "reject %d:%d %s %s\n", batch, line, field, reason)
	}
	return b.String()
}

// TestPGBulkSameAsChunked: the same file stored part by part and in bulk (on
// PostgreSQL: COPY into a temporary table and one merge; on SQLite: indexes
// built afterwards), each into a library holding the same two subjects, gives
// the same subjects (every column but id and the times, in the same id
// order), the same rejected rows, the same batch and the same counts, and the
// same file again changes nothing on either path (updated_at included).
func TestPGBulkSameAsChunked(t *testing.T) {
	defer credit.SetBulkMinRows(100)()
	const n = 3000
	data := sameFile(n)
	for _, eng := range storetest.Engines() {
		t.Run(eng, func(t *testing.T) {
			type run struct {
				res     *credit.ImportResult
				table   string
				batch   string
				updated string
			}
			do := func(bulk bool) (first, again run) {
				db := storetest.Open(t, eng)
				e := newEnv(t, db)
				if _, err := e.importFile("prov", "base.csv", []byte(baseFile())); err != nil {
					t.Fatal(err)
				}
				im := &credit.Importer{DB: db, Bulk: bulk}
				for _, r := range []*run{&first, &again} {
					res, err := im.Import(context.Background(), strings.NewReader(data), int64(len(data)), "same.csv", "same-1", e.users["prov"])
					if err != nil {
						t.Fatal(err)
					}
					if res.Bulk != bulk {
						t.Fatalf("bulk %v: imported with Bulk %v", bulk, res.Bulk)
					}
					res.Bulk, res.Errors = false, nil
					r.res, r.table = res, subjectsTable(t, db)
					if err := db.QueryRow(context.Background(), "SELECT rows_read || ' ' || accepted || ' ' || rejected || ' ' || status FROM credit_batches WHERE file_hash = 'same-1'").Scan(&r.batch); err != nil {
						t.Fatal(err)
					}
					if err := db.QueryRow(context.Background(), "SELECT MAX(updated_at) FROM credit_subjects").Scan(&r.updated); err != nil {
						t.Fatal(err)
					}
				}
				return first, again
			}
			chunked, chunked2 := do(false)
			bulk, bulk2 := do(true)
			// worked out from sameFile: n+6 data rows (lines 2 to n+7); rejected: the bad
			// code (line n+3), the bad county (n+5); keys: n numbered subjects (new) and
			// the two of baseFile (one unchanged, one changed)
			want := credit.ImportResult{BatchID: 2, Kind: credit.KindSubjects, FileName: "same.csv", Format: "csv", Encoding: "UTF-8",
				Rows: n + 6, Accepted: n + 4, Rejected: 2, Inserted: n, Updated: 1}
			if !reflect.DeepEqual(*chunked.res, want) {
				t.Errorf("chunked: %+v, want %+v", *chunked.res, want)
			}
			if !reflect.DeepEqual(*bulk.res, want) {
				t.Errorf("bulk: %+v, want %+v", *bulk.res, want)
			}
			if bulk.table != chunked.table {
				t.Errorf("bulk and chunked stored different subjects or rejects:\n%s", firstDiff(bulk.table, chunked.table))
			}
			if got := strings.Count(bulk.table, "\n"); got != n+2+2 {
				t.Errorf("%d lines of subjects and rejects, want %d", got, n+4)
			}
			for _, want := range []string{
				"|青衣江改名后的一号公司|", // the last of two adjacent lines
				"|青衣江改名后的七号公司|", // the last of two lines parts apart
				"|成都基础二号有限公司|企业|赵敏|",
				fmt.Sprintf("reject 2:%d 统一社会信用代码 ", n+3),
				fmt.Sprintf("reject 2:%d 所属区县 ", n+5),
			} {
				if !strings.Contains(bulk.table, want) {
					t.Errorf("bulk import lacks %q", want)
				}
			}
			if strings.Contains(bulk.table, "青衣江7号商贸") {
				t.Error("the first line of a key repeated parts apart is stored")
			}
			if bulk.batch != chunked.batch || bulk.batch != fmt.Sprintf("%d %d 2 done", n+6, n+4) {
				t.Errorf("batch: bulk %q, chunked %q", bulk.batch, chunked.batch)
			}
			again := want
			again.Inserted, again.Updated = 0, 0
			for name, r := range map[string][2]run{"chunked": {chunked, chunked2}, "bulk": {bulk, bulk2}} {
				if !reflect.DeepEqual(*r[1].res, again) {
					t.Errorf("%s re-import: %+v, want %+v", name, *r[1].res, again)
				}
				if r[1].table != r[0].table || r[1].updated != r[0].updated || r[1].batch != r[0].batch {
					t.Errorf("%s re-import changed the library (updated_at %s → %s)", name, r[0].updated, r[1].updated)
				}
			}
		})
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}

// TestPGBulkReadersDoNotWait holds a bulk import on PostgreSQL after its merge,
// before its commit (when it holds every lock it takes), and reads the
// library from other connections as a serving process does: look-up, name
// search through the trigram index, count. They answer at once and see the
// library as it was; the import holds no lock on the subjects or their
// indexes stronger than an insert's (none that makes readers wait).
func TestPGBulkReadersDoNotWait(t *testing.T) {
	defer credit.SetBulkMinRows(100)()
	db := storetest.Open(t, "postgres")
	e := newEnv(t, db)
	if _, err := e.importFile("prov", "old.csv", []byte(subjectsCSV())); err != nil {
		t.Fatal(err)
	}
	data := bulkFile(3000, "嘉陵江")
	held := false
	defer credit.SetPGBulkMerged(func(ctx context.Context, _ int) {
		held = true
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var locks string
		if err := db.QueryRow(rctx, `SELECT COALESCE(string_agg(DISTINCT c.relname || ' ' || l.mode, ', '), '') FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE l.pid <> pg_backend_pid() AND l.granted AND c.relname LIKE 'credit_subjects%'
			AND l.mode NOT IN ('AccessShareLock', 'RowShareLock', 'RowExclusiveLock')`).Scan(&locks); err != nil {
			t.Error(err)
		}
		if locks != "" {
			t.Errorf("the bulk import holds locks that make readers wait: %s", locks)
		}
		start := time.Now()
		var n int
		if err := db.QueryRow(rctx, "SELECT COUNT(*) FROM credit_subjects").Scan(&n); err != nil || n != 4 {
			t.Errorf("count during the import: %d (%v), want the 4 stored before", n, err)
		}
		res, err := credit.SearchSubjects(rctx, db, credit.ByName, "蜀锦食品", 0, 50)
		if err != nil || len(res.Results) != 1 {
			t.Errorf("name search during the import: %v %v", res, err)
		}
		res, err = credit.SearchSubjects(rctx, db, credit.ByName, "嘉陵江12号", 0, 50)
		if err != nil || len(res.Results) != 0 {
			t.Errorf("a subject of the uncommitted import is seen: %v %v", res, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("reads during the import took %v", d)
		}
	})()
	out, err := e.importFile("prov", "bulk.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if !held || !strings.Contains(out, "经 COPY 写入临时表后一次合并") {
		t.Fatalf("not imported in bulk:\n%s", out)
	}
	if got := e.count("SELECT COUNT(*) FROM credit_subjects"); got != 3004 {
		t.Errorf("%d subjects after the import, want 3004", got)
	}
	if got := found(t, db, "嘉陵江12号"); len(got) != 1 {
		t.Errorf("subject of the import not found by part of its name: %q", got)
	}
}

// TestPGBulkKilled ends the session of a bulk import on PostgreSQL after its
// merge, before its commit, as the death of the importing process does (the
// server rolls back a transaction whose connection is gone): the library is as
// before (no subject, rejected row or audit entry of the file; the batch left
// running), and a re-run of the same file completes it with the counts of a
// first run.
func TestPGBulkKilled(t *testing.T) {
	defer credit.SetBulkMinRows(100)()
	db := storetest.Open(t, "postgres")
	e := newEnv(t, db)
	if _, err := e.importFile("prov", "base.csv", []byte(baseFile())); err != nil {
		t.Fatal(err)
	}
	const n = 3000
	data := sameFile(n)
	audits := e.audits("import")
	restore := credit.SetPGBulkMerged(func(ctx context.Context, pid int) {
		var ok bool
		if err := db.QueryRow(context.Background(), "SELECT pg_terminate_backend(?)", pid).Scan(&ok); err != nil || !ok {
			t.Fatalf("terminate the importing session: %v %v", ok, err)
		}
	})
	im := &credit.Importer{DB: db, Bulk: true}
	res, err := im.Import(context.Background(), strings.NewReader(data), int64(len(data)), "same.csv", "same-1", e.users["prov"])
	restore()
	if err == nil || res == nil || !res.Bulk {
		t.Fatalf("import whose session was ended: %+v, %v", res, err)
	}
	if got := e.count("SELECT COUNT(*) FROM credit_subjects"); got != 2 {
		t.Errorf("%d subjects after the killed import, want the 2 stored before", got)
	}
	if got := e.count("SELECT COUNT(*) FROM credit_subjects WHERE legal_rep = '李娜'"); got != 1 {
		t.Error("a subject stored before was changed by the killed import")
	}
	if got := e.count("SELECT COUNT(*) FROM credit_rejects"); got != 0 {
		t.Errorf("%d rejected rows of the killed import stored", got)
	}
	if got := e.audits("import"); got != audits {
		t.Errorf("audit entries of the killed import: %d, want %d", got, audits)
	}
	if got := e.count("SELECT COUNT(*) FROM credit_batches WHERE file_hash = 'same-1' AND status = 'running'"); got != 1 {
		t.Error("the killed import's batch is not left running")
	}
	res, err = im.Import(context.Background(), strings.NewReader(data), int64(len(data)), "same.csv", "same-1", e.users["prov"])
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != n+6 || res.Accepted != n+4 || res.Rejected != 2 || res.Inserted != n || res.Updated != 1 || !res.Bulk {
		t.Errorf("re-run: %+v", res)
	}
	if got := e.count("SELECT COUNT(*) FROM credit_subjects"); got != n+2 {
		t.Errorf("%d subjects after the re-run, want %d", got, n+2)
	}
	if got := e.count("SELECT COUNT(*) FROM credit_rejects"); got != 2 {
		t.Errorf("%d rejected rows after the re-run, want 2", got)
	}
	if got := e.count("SELECT COUNT(*) FROM credit_batches WHERE file_hash = 'same-1' AND status = 'done' AND rows_read = ? AND accepted = ?", n+6, n+4); got != 1 {
		t.Error("batch not done with its counts after the re-run")
	}
	if got := e.audits("import"); got != audits+1 {
		t.Errorf("audit entries after the re-run: %d, want %d", got, audits+1)
	}
}
