package credit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// searchCSV holds subjects whose names and legal representatives exercise the
// tiers of the search: exact, beginning, containing, not matching.
func searchCSV(rows ...[3]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"统一社会信用代码", "主体名称", "主体类型", "法定代表人", "注册地址", "所属地市", "所属区县", "登记状态", "成立日期"})
	for i, r := range rows {
		w.Write([]string{r[0], r[1], "企业", r[2], fmt.Sprintf("成都市锦江区%d号", i+1), "510100", "510104", "存续", "2015-03-02"})
	}
	w.Flush()
	return b.Bytes()
}

func code(n int) string { return credit.MakeUSCC("91", "510104", fmt.Sprintf("%08d", 30000000+n)) }

var searchRows = [][3]string{
	{code(1), "成都蜀锦商贸有限公司", "王伟"},      // contains 蜀锦商
	{code(2), "蜀锦商贸有限公司", "王伟华"},       // begins with 蜀锦商
	{code(3), "眉山东坡食品有限公司", "张王伟"},     // no
	{code(4), "蜀锦商", "李娜"},             // exactly 蜀锦商
	{code(5), "德阳天府蜀锦商行", "王伟"},        // contains
	{code(6), "蜀锦", "赵敏"},              // exactly the two-character word
	{code(7), "100%_纯\"净\"水厂", "刘洋"},   // LIKE and FTS5 special characters
	{code(8), "ABC蜀锦商贸中心", "Wang Wei"}, // contains, Latin letters
}

func names(ss []credit.StoredSubject) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

func search(t *testing.T, db *store.DB, by credit.SearchBy, q string, offset, limit int) *credit.SearchResult {
	t.Helper()
	res, err := credit.SearchSubjects(context.Background(), db, by, q, offset, limit)
	if err != nil {
		t.Fatalf("search %s %q: %v", by, q, err)
	}
	return res
}

func wantNames(t *testing.T, res *credit.SearchResult, want ...string) {
	t.Helper()
	if got := names(res.Results); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("results %q, want %q", got, want)
	}
}

func TestNameSearchTiersAndShortQueries(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if _, err := e.importFile("prov", "subjects.csv", searchCSV(searchRows...)); err != nil {
			t.Fatal(err)
		}
		// exact, then beginning (name order), then containing (in the order stored)
		res := search(t, db, credit.ByName, "蜀锦商", 0, 20)
		wantNames(t, res, "蜀锦商", "蜀锦商贸有限公司", "成都蜀锦商贸有限公司", "德阳天府蜀锦商行", "ABC蜀锦商贸中心")
		if res.More || res.Partial || res.Capped {
			t.Errorf("flags %+v, want none", res)
		}
		// contains is case-insensitive for Latin letters on both engines
		wantNames(t, search(t, db, credit.ByName, "abc蜀", 0, 20), "ABC蜀锦商贸中心")
		// a query of two characters: the same tiers, by a scan of the names
		res = search(t, db, credit.ByName, "蜀锦", 0, 20)
		wantNames(t, res, "蜀锦", "蜀锦商", "蜀锦商贸有限公司", "成都蜀锦商贸有限公司", "德阳天府蜀锦商行", "ABC蜀锦商贸中心")
		if res.Partial {
			t.Error("two-character query on nine rows marked Partial")
		}
		wantNames(t, search(t, db, credit.ByName, "蜀", 0, 20), "蜀锦", "蜀锦商", "蜀锦商贸有限公司", "成都蜀锦商贸有限公司", "德阳天府蜀锦商行", "ABC蜀锦商贸中心")
		wantNames(t, search(t, db, credit.ByName, "商行", 0, 20), "德阳天府蜀锦商行")
		wantNames(t, search(t, db, credit.ByName, "c蜀", 0, 20), "ABC蜀锦商贸中心")
		// a scan out of time keeps the first tier and says the result may be short
		defer func(b time.Duration) { credit.ShortScanBudget = b }(credit.ShortScanBudget)
		credit.ShortScanBudget = time.Nanosecond
		res = search(t, db, credit.ByName, "蜀锦", 0, 20)
		wantNames(t, res, "蜀锦", "蜀锦商", "蜀锦商贸有限公司")
		if !res.Partial {
			t.Error("scan out of time not marked Partial")
		}
		credit.ShortScanBudget = time.Second
		// a three-character query never scans: not Partial even with nothing found
		// a three-character query is not Short even when it finds nothing
		if res := search(t, db, credit.ByName, "不存在", 0, 20); len(res.Results) != 0 || res.Partial {
			t.Errorf("不存在: %+v", res)
		}
		// wildcards and quotes are text, not patterns
		wantNames(t, search(t, db, credit.ByName, `0%_纯"净`, 0, 20), `100%_纯"净"水厂`)
		wantNames(t, search(t, db, credit.ByName, "%", 0, 20), `100%_纯"净"水厂`)
		wantNames(t, search(t, db, credit.ByName, "商_", 0, 20))
		wantNames(t, search(t, db, credit.ByName, "商_有", 0, 20))
		wantNames(t, search(t, db, credit.ByName, "  蜀锦商场 ", 0, 20))
		wantNames(t, search(t, db, credit.ByName, "  府蜀锦商行 ", 0, 20), "德阳天府蜀锦商行")
		// legal representative: exact first, then beginning with it; not inside
		res = search(t, db, credit.ByLegalRep, "王伟", 0, 20)
		wantNames(t, res, "成都蜀锦商贸有限公司", "德阳天府蜀锦商行", "蜀锦商贸有限公司")
		if res.Results[2].LegalRep != "王伟华" {
			t.Errorf("third legal representative %q, want 王伟华", res.Results[2].LegalRep)
		}
		// paging: one row a page walks the same order, More until the last
		all := []string{"蜀锦商", "蜀锦商贸有限公司", "成都蜀锦商贸有限公司", "德阳天府蜀锦商行", "ABC蜀锦商贸中心"}
		for i, want := range all {
			res := search(t, db, credit.ByName, "蜀锦商", i, 1)
			wantNames(t, res, want)
			if res.More != (i < len(all)-1) {
				t.Errorf("page %d: More = %v", i, res.More)
			}
		}
		// pages of two across the tier boundary
		wantNames(t, search(t, db, credit.ByName, "蜀锦商", 1, 2), "蜀锦商贸有限公司", "成都蜀锦商贸有限公司")
		wantNames(t, search(t, db, credit.ByName, "蜀锦商", 3, 2), "德阳天府蜀锦商行", "ABC蜀锦商贸中心")
		wantNames(t, search(t, db, credit.ByName, "蜀锦商", 5, 2))
		// USCC look-up is unchanged: exact, lower case normalised
		wantNames(t, search(t, db, credit.ByUSCC, strings.ToLower(code(5)), 0, 20), "德阳天府蜀锦商行")
	})
}

// The index follows every change of a name: re-import of the same file,
// a corrected file (renamed subjects), and a new subject.
func TestNameSearchFollowsImports(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		first := searchCSV(searchRows...)
		for i := 0; i < 2; i++ { // the second run of the same file changes nothing
			if _, err := e.importFile("prov", "subjects.csv", first); err != nil {
				t.Fatal(err)
			}
			wantNames(t, search(t, db, credit.ByName, "蜀锦商", 0, 20), "蜀锦商", "蜀锦商贸有限公司", "成都蜀锦商贸有限公司", "德阳天府蜀锦商行", "ABC蜀锦商贸中心")
		}
		// a corrected file: 成都蜀锦商贸 renamed, 蜀锦商 renamed, one new subject
		rows := append([][3]string{}, searchRows...)
		rows[0][1] = "成都锦绣商贸有限公司"
		rows[3][1] = "锦绣商号"
		rows = append(rows, [3]string{code(9), "资阳蜀锦商城有限公司", "陈杰"})
		second := searchCSV(rows...)
		for i := 0; i < 2; i++ {
			if _, err := e.importFile("prov", "subjects-fixed.csv", second); err != nil {
				t.Fatal(err)
			}
			wantNames(t, search(t, db, credit.ByName, "蜀锦商", 0, 20), "蜀锦商贸有限公司", "德阳天府蜀锦商行", "ABC蜀锦商贸中心", "资阳蜀锦商城有限公司")
			wantNames(t, search(t, db, credit.ByName, "锦绣商", 0, 20), "锦绣商号", "成都锦绣商贸有限公司")
			wantNames(t, search(t, db, credit.ByName, "都蜀锦", 0, 20))
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects"); n != 9 {
			t.Errorf("%d subjects, want 9", n)
		}
		if db.Dialect == store.SQLite {
			// the external-content FTS5 index matches its table exactly
			if _, err := db.Exec(context.Background(), "INSERT INTO credit_subjects_fts (credit_subjects_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
				t.Errorf("FTS5 integrity check: %v", err)
			}
		}
		// a subject deleted (by hand) leaves the index too
		if _, err := db.Exec(context.Background(), "DELETE FROM credit_subjects WHERE name = ?", "德阳天府蜀锦商行"); err != nil {
			t.Fatal(err)
		}
		wantNames(t, search(t, db, credit.ByName, "府蜀锦", 0, 20))
	})
}

// The contains query uses the trigram index, not a scan of the table.
func TestNameSearchUsesIndex(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		newEnv(t, db)
		ctx := context.Background()
		var plan strings.Builder
		err := db.InTx(ctx, func(tx *store.Tx) error {
			q := "EXPLAIN QUERY PLAN SELECT s.id FROM credit_subjects s JOIN credit_subjects_fts ON credit_subjects_fts.rowid = s.id WHERE credit_subjects_fts.name LIKE ? ORDER BY s.id LIMIT 20"
			args := []any{"%蜀锦商%"}
			if db.Dialect == store.Postgres {
				// an empty table would be scanned; forbid that to see whether the index can serve
				if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
					return err
				}
				q, args = `EXPLAIN SELECT s.id FROM credit_subjects s WHERE s.name ILIKE ? ORDER BY s.id LIMIT 20`, []any{"%蜀锦商%"}
			}
			rows, err := tx.Query(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				fmt.Fprintln(&plan, vals...)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "VIRTUAL TABLE INDEX"
		if db.Dialect == store.Postgres {
			want = "credit_subjects_name_trgm"
		}
		if !strings.Contains(plan.String(), want) {
			t.Errorf("plan does not use %s:\n%s", want, plan.String())
		}
	})
}

// Two private schemas of one PostgreSQL database both migrate and search: the
// extension is shared, the indexes are each schema's own.
func TestNameSearchTwoPostgresSchemas(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("TONGCHENG_TEST_POSTGRES 未设置：跳过 PostgreSQL 测试")
	}
	ctx := context.Background()
	var dbs []*store.DB
	for i := 0; i < 2; i++ {
		db := storetest.Open(t, "postgres")
		if _, err := app.Build(ctx, db, nil, false); err != nil {
			t.Fatalf("schema %d: %v", i, err)
		}
		dbs = append(dbs, db)
	}
	for i, db := range dbs {
		e := newEnv(t, db)
		rows := [][3]string{{code(1), fmt.Sprintf("第%d库蜀锦商贸有限公司", i), "王伟"}}
		if _, err := e.importFile("prov", "s.csv", searchCSV(rows...)); err != nil {
			t.Fatal(err)
		}
	}
	for i, db := range dbs {
		wantNames(t, search(t, db, credit.ByName, "蜀锦商贸", 0, 20), fmt.Sprintf("第%d库蜀锦商贸有限公司", i))
	}
}

// The page shows the notice of a short query and links the next page.
func TestSearchPagePaging(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var rows [][3]string
		for i := 0; i < 60; i++ {
			rows = append(rows, [3]string{code(100 + i), fmt.Sprintf("成都蜀锦第%02d分店", i), "王伟"})
		}
		if _, err := e.importFile("prov", "many.csv", searchCSV(rows...)); err != nil {
			t.Fatal(err)
		}
		c := e.client("ms-analyst")
		resp, body := c.get("/credit/?by=name&q=" + url.QueryEscape("蜀锦第"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		contains(t, body, "成都蜀锦第00分店", "成都蜀锦第49分店", "第 1–50 条", "下一页", "offset=50")
		if strings.Contains(body, "成都蜀锦第50分店") {
			t.Error("first page shows row 51")
		}
		_, body = c.get("/credit/?by=name&q=%E8%9C%80%E9%94%A6%E7%AC%AC&offset=50")
		contains(t, body, "成都蜀锦第50分店", "成都蜀锦第59分店", "第 51–60 条", "上一页")
		if strings.Contains(body, "成都蜀锦第49分店") || strings.Contains(body, "下一页") {
			t.Error("second page shows a row of the first or a next page")
		}
		defer func(b time.Duration) { credit.ShortScanBudget = b }(credit.ShortScanBudget)
		credit.ShortScanBudget = time.Nanosecond
		_, body = c.get("/credit/?by=name&q=%E8%9C%80")
		contains(t, body, "请输入至少 3 个字")
	})
}
