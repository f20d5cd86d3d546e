package credit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var (
	usccA  = credit.MakeUSCC("91", "510104", "20000001") // 成都 锦江区
	usccB  = credit.MakeUSCC("91", "510603", "20000002") // 德阳 旌阳区
	usccC  = credit.MakeUSCC("91", "510104", "20000003")
	unitCD = credit.MakeUSCC("11", "510104", "70000001")
	unitDY = credit.MakeUSCC("11", "510603", "70000002")
)

// wrongCheck returns code with a wrong 18th character.
func wrongCheck(code string) string {
	last := code[17]
	c := byte('1')
	if last == '1' {
		c = '2'
	}
	return code[:17] + string(c)
}

// subjectsCSV: lines 2–5 are good (one lower-case code, the standard's own
// example, the 个体工商户 no-code placeholder); 6–8 are bad.
func subjectsCSV() string {
	return "统一社会信用代码,工商注册号,主体名称,主体类型,法定代表人,注册地址,所属地市,所属区县,登记状态,成立日期\n" +
		usccA + ",,成都蜀锦食品有限公司,企业,王伟,成都市锦江区一号,510100,510104,存续,2015-03-02\n" +
		"91350100M000100Y43,,天府样例有限公司,企业,李娜,成都市锦江区二号,成都市,510104,存续,2016-05-01\n" +
		strings.ToLower(usccB) + ",,德阳鑫达商贸有限公司,企业,赵敏,德阳市旌阳区三号,510600,510603,在业,2018-01-01\n" +
		"00000000000000000X,510104600123456,张记小吃店,个体工商户,张强,成都市锦江区四号,510100,510104,存续,2019-01-01\n" +
		wrongCheck(usccC) + ",,坏代码有限公司,企业,刘洋,成都市锦江区五号,510100,510104,存续,2019-01-01\n" +
		credit.MakeUSCC("91", "510104", "20000004") + ",,日期错误有限公司,企业,陈杰,成都市锦江区六号,510100,510104,存续,2020-13-45\n" +
		credit.MakeUSCC("91", "510104", "20000005") + ",,类型错误有限公司,公司,杨涛,成都市锦江区七号,510100,510104,存续,2020-01-01\n"
}

func TestImportSubjectsCSV(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		out, err := e.importFile("prov", "subjects.csv", []byte(subjectsCSV()))
		if err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects"); n != 4 {
			t.Fatalf("stored %d subjects, want 4\n%s", n, out)
		}
		for _, want := range []string{"读取 7 行，保存 4 行，拒收 3 行", "第6行 统一社会信用代码：", "第7行 成立日期：", "第8行 主体类型："} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// flagged exception kept with its flag and keyed by the 工商注册号
		if n := e.count("SELECT COUNT(*) FROM credit_subjects WHERE skey = ? AND uscc_flags = ?", "REG:510104600123456", int(credit.FlagNoCode)); n != 1 {
			t.Errorf("no-code 个体工商户 stored %d times with its flag, want 1", n)
		}
		// lower-case code normalised, 在业 read as 存续, owner from the columns
		if n := e.count("SELECT COUNT(*) FROM credit_subjects WHERE uscc = ? AND status = '存续' AND region = '510603' AND city = '510600'", usccB); n != 1 {
			t.Errorf("normalised subject not found")
		}
		lines := e.count("SELECT COUNT(DISTINCT line) FROM credit_rejects")
		if lines != 3 {
			t.Errorf("rejected lines %d, want 3", lines)
		}
		var field, reason string
		if err := db.QueryRow(context.Background(), "SELECT field, reason FROM credit_rejects WHERE line = 6").Scan(&field, &reason); err != nil {
			t.Fatal(err)
		}
		if field != "统一社会信用代码" || !strings.Contains(reason, "校验") {
			t.Errorf("line 6: %s %s", field, reason)
		}
		before := e.count("SELECT COUNT(*) FROM credit_rejects")
		var updated string
		db.QueryRow(context.Background(), "SELECT MAX(updated_at) FROM credit_subjects").Scan(&updated)

		// re-import: nothing changes
		out2, err := e.importFile("prov", "subjects.csv", []byte(subjectsCSV()))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out2, "读取 7 行，保存 4 行，拒收 3 行") {
			t.Errorf("second import: %s", out2)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects"); n != 4 {
			t.Errorf("after re-import %d subjects, want 4", n)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_rejects"); n != before {
			t.Errorf("after re-import %d rejects, want %d", n, before)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_batches"); n != 1 {
			t.Errorf("after re-import %d batches, want 1", n)
		}
		var updated2 string
		db.QueryRow(context.Background(), "SELECT MAX(updated_at) FROM credit_subjects").Scan(&updated2)
		if updated2 != updated {
			t.Errorf("re-import touched rows: updated_at %s → %s", updated, updated2)
		}
	})
}

func TestImportGBKCSV(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(subjectsCSV())
		if err != nil {
			t.Fatal(err)
		}
		out, err := e.importFile("prov", "gbk.csv", []byte(gbk))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "GBK") || !strings.Contains(out, "保存 4 行") {
			t.Errorf("output: %s", out)
		}
		var name, rep string
		if err := db.QueryRow(context.Background(), "SELECT name, legal_rep FROM credit_subjects WHERE uscc = ?", usccA).Scan(&name, &rep); err != nil {
			t.Fatal(err)
		}
		if name != "成都蜀锦食品有限公司" || rep != "王伟" {
			t.Errorf("GBK decoded as %q %q", name, rep)
		}
	})
}

// TestImportTruncatedCSV: a department's GBK file cut off inside its last
// character (an interrupted copy) updates the whole rows before the cut and
// refuses the cut row with its line and the reason; the subject of that row
// keeps what the library held, and the batch report says why.
func TestImportTruncatedCSV(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const header = "统一社会信用代码,主体名称,主体类型,法定代表人,所属地市,所属区县,行业\n"
		gbk := func(s string) []byte {
			b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		first := header + usccA + ",成都蜀锦食品有限公司,企业,王伟,510100,510104,食品制造业\n" +
			usccC + ",锦江样例餐饮有限公司,企业,刘洋,510100,510104,餐饮业\n"
		if out, err := e.importFile("cd-credit", "subjects.csv", gbk(first)); err != nil || !strings.Contains(out, "保存 2 行") {
			t.Fatalf("first import: %v %s", err, out)
		}
		// the second file renames the first subject and gives the second a new
		// industry, 住宿和餐饮业, whose last character 业 (2 bytes in GBK) is cut in half
		second := gbk(header + usccA + ",成都蜀锦食品股份有限公司,企业,王伟,510100,510104,食品制造业\n" +
			usccC + ",锦江样例餐饮有限公司,企业,刘洋,510100,510104,住宿和餐饮业\n")
		out, err := e.importFile("cd-credit", "subjects-2.csv", second[:len(second)-2])
		if err != nil {
			t.Fatal(err)
		}
		const why = "第3行 整行：文件在此行中断：该行最后一个字符不完整，且文件末尾没有换行，文件可能没有完整导出或上传。该行未保存，其余各行照常导入；请核对源文件，补全后重新导入"
		if !strings.Contains(out, "保存 1 行，拒收 1 行") || !strings.Contains(out, why) {
			t.Errorf("output: %s", out)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects WHERE uscc = ? AND name = '成都蜀锦食品股份有限公司'", usccA); n != 1 {
			t.Error("the whole row before the cut was not stored")
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects WHERE uscc = ? AND industry = '餐饮业'", usccC); n != 1 {
			t.Error("the cut row changed the stored subject")
		}
		if n := e.count("SELECT COUNT(*) FROM credit_rejects WHERE line = 3 AND field = '整行' AND reason LIKE '文件在此行中断%'"); n != 1 {
			t.Errorf("the batch's reject report has %d rows for the cut line", n)
		}
	})
}

var penaltyHeader = []any{"行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据",
	"处罚类别", "处罚内容", "罚款金额(万元)", "处罚决定日期", "处罚有效期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "数据来源地区", "失信等级"}

func penaltyRow(name, uscc, docNo string, decided any, kinds, region, unitID string) []any {
	return []any{name, "法人及非法人组织", uscc, "王伟", docNo, "生产经营超过保质期的食品", "经营超过保质期的预包装食品", "《中华人民共和国食品安全法》第一百二十四条",
		kinds, "罚款人民币5000.00元", "0.5", decided, "2027-11-10", "锦江区市场监督管理局", unitID, "锦江区市场监督管理局", unitID, region, "一般"}
}

// penaltiesXLSX: rows 2–3 good (成都; row 3's date is an Excel date cell), row 4 is
// 德阳's (outside a 成都 collector's scope), row 5 an impossible date, row 6 an unknown 处罚类别.
func penaltiesXLSX(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		penaltyHeader,
		penaltyRow("成都蜀锦食品有限公司", usccA, "锦市监罚〔2026〕1号", "2026-11-10", "罚款", "510104", unitCD),
		penaltyRow("成都蜀锦食品有限公司", usccA, "锦市监罚〔2026〕2号", time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC), "警告;罚款", "510104", unitCD),
		penaltyRow("德阳鑫达商贸有限公司", usccB, "旌市监罚〔2026〕3号", "2026-11-10", "罚款", "510603", unitDY),
		penaltyRow("成都蜀锦食品有限公司", usccA, "锦市监罚〔2026〕4号", "2026-02-30", "罚款", "510104", unitCD),
		penaltyRow("成都蜀锦食品有限公司", usccA, "锦市监罚〔2026〕5号", "2026-11-10", "罚金", "510104", unitCD),
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportPenaltiesXLSX(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		x := penaltiesXLSX(t)
		out, err := e.importFile("cd-credit", "penalties.xlsx", x)
		if err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE rtype = '行政处罚'"); n != 2 {
			t.Fatalf("stored %d records, want 2\n%s", n, out)
		}
		for _, want := range []string{"XLSX", "读取 5 行，保存 2 行，拒收 3 行", "第4行 数据来源地区：", "不在您的辖区", "第5行 处罚决定日期：", "第6行 处罚类别："} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE doc_no = ? AND decision_date = '2026-11-12' AND fine_fen = 500000", "锦市监罚〔2026〕2号"); n != 1 {
			t.Errorf("Excel date cell or 万元 amount not stored as expected")
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE submitted_on = '2026-11-20'"); n != 2 {
			t.Errorf("submitted_on is not the import day")
		}
		if e.audits("import") == 0 {
			t.Error("import not audited")
		}
		if _, err := e.importFile("cd-credit", "penalties.xlsx", x); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records"); n != 2 {
			t.Errorf("re-import: %d records, want 2", n)
		}
		if n := e.count("SELECT COUNT(DISTINCT line) FROM credit_rejects"); n != 3 {
			t.Errorf("re-import: %d rejected lines, want 3", n)
		}
	})
}

func TestImportBadFile(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, err := e.importFile("prov", "x.csv", []byte("\x00\x01\x02binary\x00\x00"))
		var fe *credit.FileError
		if !errors.As(err, &fe) || fe.Code != "file_type" {
			t.Errorf("binary file: %v", err)
		}
		_, err = e.importFile("prov", "x.csv", []byte("甲,乙\n1,2\n"))
		if !errors.As(err, &fe) || fe.Code != "file_header" {
			t.Errorf("unknown header: %v", err)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_batches"); n != 0 {
			t.Errorf("a refused file left %d batches", n)
		}
	})
}

// TestInterruptedImport stops an import after its first committed chunk (as a
// killed process would) and checks that the library holds whole chunks and a
// re-run completes it without duplicates.
func TestInterruptedImport(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var b strings.Builder
		b.WriteString("统一社会信用代码,主体名称,主体类型,法定代表人,所属地市,所属区县\n")
		for i := 0; i < 5000; i++ {
			fmt.Fprintf(&b, "%s,测试企业%d有限公司,企业,王伟,510100,510104\n", credit.MakeUSCC("91", "510104", fmt.Sprintf("3%07d", i)), i)
		}
		b.WriteString("bad,坏行有限公司,企业,王伟,510100,510104\n")
		data := b.String()
		ctx, cancel := context.WithCancel(context.Background())
		im := &credit.Importer{DB: db, Progress: func(int) { cancel() }}
		_, err := im.Import(ctx, strings.NewReader(data), int64(len(data)), "big.csv", "hash-1", e.users["prov"])
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want canceled, got %v", err)
		}
		first := e.count("SELECT COUNT(*) FROM credit_subjects")
		if first == 0 || first >= 5000 || first%2000 != 0 {
			t.Fatalf("after interruption %d subjects, want whole chunks", first)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_batches WHERE status = 'running'"); n != 1 {
			t.Errorf("interrupted batch not left running")
		}
		im.Progress = nil
		res, err := im.Import(context.Background(), strings.NewReader(data), int64(len(data)), "big.csv", "hash-1", e.users["prov"])
		if err != nil {
			t.Fatal(err)
		}
		if res.Accepted != 5000 || res.Rejected != 1 {
			t.Errorf("re-run: %+v", res)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects"); n != 5000 {
			t.Errorf("after re-run %d subjects, want 5000", n)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_batches WHERE status = 'done'"); n != 1 {
			t.Errorf("batch not done after re-run")
		}
		if n := e.count("SELECT COUNT(*) FROM credit_rejects"); n != 1 {
			t.Errorf("%d rejects, want 1", n)
		}
	})
}

// TestImportFileTooLarge: `tongcheng import credit` of a 2 GB file is refused
// by its size, with both sizes in Chinese, before it is read; nothing is stored.
func TestImportFileTooLarge(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("统一社会信用代码,主体名称,主体类型,所属地市\n")
	if err := f.Truncate(2 << 30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	var out bytes.Buffer
	err = e.m.ImportFile(context.Background(), e.a.Deps, p, e.users["prov"], &out)
	var fe *credit.FileError
	if !errors.As(err, &fe) || fe.Code != "file_too_large" || fe.Reason != "文件大小 2.0 GB 超过上限 1.0 GB，请拆分为多个文件后分别导入" {
		t.Fatalf("2 GB file: %v", err)
	}
	if n := e.count("SELECT COUNT(*) FROM credit_batches"); n != 0 {
		t.Errorf("%d batches opened", n)
	}
}
