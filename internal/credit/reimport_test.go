package credit_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// farApart is how many rows lie between the two lines of a repeated key: more than
// one part of a chunked import (2,000 rows) apart.
const farApart = 2600

// farDuplicates is a file of kind whose first data row (line 2) comes again on its
// last line (farApart+2) with other values; the rows between are all different keys.
// It returns the rows (header first), the table, its natural key's condition for the
// repeated row and a condition that holds only for the last line's values.
func farDuplicates(kind string) (rows [][]any, table, key, last string) {
	switch kind {
	case credit.KindSubjects:
		rows = append(rows, []any{"统一社会信用代码", "主体名称", "主体类型", "法定代表人", "所属地市", "所属区县"})
		code := func(i int) string { return credit.MakeUSCC("91", "510104", fmt.Sprintf("5%07d", i)) }
		rows = append(rows, []any{code(0), "先前名称商贸有限公司", "企业", "王伟", "510100", "510104"})
		for i := 1; i <= farApart; i++ {
			rows = append(rows, []any{code(i), fmt.Sprintf("第%d号商贸有限公司", i), "企业", "王伟", "510100", "510104"})
		}
		rows = append(rows, []any{code(0), "后来名称商贸有限公司", "企业", "李娜", "510100", "510104"})
		return rows, "credit_subjects", "uscc = '" + code(0) + "'", "name = '后来名称商贸有限公司' AND legal_rep = '李娜'"
	case credit.KindRecords:
		rows = append(rows, penaltyHeader)
		doc := func(i int) string { return fmt.Sprintf("锦市监罚〔2026〕%d号", 1000+i) }
		rows = append(rows, penaltyRow("成都蜀锦食品有限公司", usccA, doc(0), "2026-11-10", "罚款", "510104", unitCD))
		for i := 1; i <= farApart; i++ {
			rows = append(rows, penaltyRow("成都蜀锦食品有限公司", usccA, doc(i), "2026-11-10", "罚款", "510104", unitCD))
		}
		rows = append(rows, penaltyRow("成都蜀锦食品有限公司", usccA, doc(0), "2026-11-12", "警告;罚款", "510104", unitCD))
		return rows, "credit_records", "doc_no = '" + doc(0) + "'", "decision_date = '2026-11-12'"
	default: // blacklist
		rows = append(rows, []any{"名单类别", "主体名称", "统一社会信用代码", "列入原因", "认定依据", "认定部门", "列入决定文书号", "列入日期", "计划移出日期", "移出条件"})
		entry := func(i int, on string) []any {
			return []any{"市场监督管理严重违法失信名单", fmt.Sprintf("第%d号商贸有限公司", i), credit.MakeUSCC("91", "510104", fmt.Sprintf("6%07d", i)),
				"提供虚假材料取得许可", "《市场监督管理严重违法失信名单管理办法》第十条", "成都市市场监督管理局", fmt.Sprintf("成市监列〔2026〕%d号", i), on, "2029-06-01", "列入满一年且已履行义务"}
		}
		rows = append(rows, entry(0, "2026-06-01"))
		for i := 1; i <= farApart; i++ {
			rows = append(rows, entry(i, "2026-06-01"))
		}
		rows = append(rows, entry(0, "2026-07-01"))
		return rows, "credit_blacklist", "doc_no = '成市监列〔2026〕0号'", "listed_on = '2026-07-01'"
	}
}

func csvOf(rows [][]any) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, v)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func xlsxOf(t *testing.T, rows [][]any) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// snapshot is every stored row of table, every column, in key order.
func snapshot(t *testing.T, db *store.DB, table string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT * FROM "+table+" ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A key that comes twice in one file, parts apart, is stored with its last line; importing
// the same file again changes nothing — not the values, not updated_at, not the batch —
// for subjects, records and blacklist entries, from CSV and from .xlsx, on both engines.
func TestReimportFarDuplicatesChangesNothing(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, kind := range []string{credit.KindSubjects, credit.KindRecords, credit.KindBlacklist} {
			rows, table, key, last := farDuplicates(kind)
			for _, format := range []string{"csv", "xlsx"} {
				t.Run(kind+"."+format, func(t *testing.T) {
					content := csvOf(rows)
					if format == "xlsx" {
						content = xlsxOf(t, rows)
					}
					// the two formats of one kind are two files; start each from an empty table
					if _, err := db.Exec(context.Background(), "DELETE FROM "+table); err != nil {
						t.Fatal(err)
					}
					name := kind + "." + format
					out, err := e.importFile("prov", name, content)
					if err != nil {
						t.Fatal(err)
					}
					want := fmt.Sprintf("读取 %d 行，保存 %d 行，拒收 0 行", farApart+2, farApart+2)
					if !strings.Contains(out, want) || !strings.Contains(out, fmt.Sprintf("其中新增 %d 条，更新 0 条", farApart+1)) {
						t.Fatalf("first import: want %q and %d new in\n%s", want, farApart+1, out)
					}
					if n := e.count("SELECT COUNT(*) FROM " + table); n != farApart+1 {
						t.Fatalf("%d rows stored, want %d", n, farApart+1)
					}
					if n := e.count("SELECT COUNT(*) FROM " + table + " WHERE " + key + " AND " + last); n != 1 {
						t.Fatalf("the repeated key does not hold its last line's values (%s)", last)
					}
					before := snapshot(t, db, table)
					out2, err := e.importFile("prov", name, content)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(out2, want) || !strings.Contains(out2, "其中新增 0 条，更新 0 条") {
						t.Fatalf("second import: want %q and nothing new or changed in\n%s", want, out2)
					}
					after := snapshot(t, db, table)
					if len(after) != len(before) {
						t.Fatalf("re-import: %d rows, before %d", len(after), len(before))
					}
					changed := 0
					for i := range before {
						if before[i] != after[i] {
							if changed == 0 {
								t.Errorf("re-import changed a row:\n before %s\n after  %s", before[i], after[i])
							}
							changed++
						}
					}
					if changed > 0 {
						t.Fatalf("re-import of the same file changed %d rows", changed)
					}
					// another file with the repeated key's first values only: one row changed
					one := csvOf(rows[:2])
					if format == "xlsx" {
						one = xlsxOf(t, rows[:2])
					}
					out3, err := e.importFile("prov", "one."+format, one)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(out3, "其中新增 0 条，更新 1 条") || e.count("SELECT COUNT(*) FROM "+table+" WHERE "+key+" AND "+last) != 0 {
						t.Fatalf("a file changing one stored row:\n%s", out3)
					}
				})
			}
		}
	})
}
