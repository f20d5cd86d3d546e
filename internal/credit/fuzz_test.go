package credit

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Headers as the departments' files carry them (双公示 field names, see the
// reference field lists for 行政许可 and 行政处罚 and the blacklist template).
const (
	penaltyHeader = "行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）,法定代表人,行政处罚决定书文号,违法行为类型,违法事实,处罚依据," +
		"处罚类别,处罚内容,罚款金额（万元）,处罚决定日期,处罚有效期,处罚机关,处罚机关统一社会信用代码,数据来源单位,数据来源单位统一社会信用代码,数据来源地区,失信等级\n"
	penaltyRow = "成都某某餐饮管理有限公司,法人及非法人组织,91350100M000100Y43,张三,成武市监处罚〔2024〕12号,食品安全,经营超过保质期的食品,《食品安全法》第一百二十四条," +
		"警告;罚款,警告，罚款5000元,0.5,2024-03-05,2025-03-05,成都市武侯区市场监督管理局,91110000600037341L,成都市武侯区市场监督管理局,91110000600037341L,武侯区,一般\n"
	licenceHeader = "行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）,行政许可决定文书名称,行政许可决定文书号,许可类别,许可证书名称,许可编号,许可内容," +
		"许可决定日期,有效期自,有效期至,许可机关,许可机关统一社会信用代码,当前状态,数据来源单位,数据来源单位统一社会信用代码\n"
	blacklistHeader = "名单类别,主体名称,统一社会信用代码,列入原因,认定依据,认定部门,列入决定文书号,列入日期,计划移出日期,移出条件\n"
	blacklistRow    = "市场监督管理严重违法失信名单,某公司,91520000214434146R,提供虚假材料取得许可,《市场监督管理严重违法失信名单管理办法》第十条,资阳市市场监督管理局,资市监列〔2024〕1号,2024-06-01,2027-06-01,列入满一年且已履行义务\n"
)

// checkRows reads b as an upload is read and validates every row with the
// converter the headers call for. Whatever b holds: no panic, a refused file
// says why in Chinese, and every data row is either accepted or reported
// with its line number (never both, never lost).
func checkRows(t *testing.T, b []byte, opt ReadOptions, maxLine int) {
	rr, err := OpenRows(bytes.NewReader(b), int64(len(b)), opt)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Reason == "" || fe.Code == "" {
			t.Fatalf("open: not a file error with a reason: %v", err)
		}
		return
	}
	defer rr.Close()
	var accepted []int
	acc := func(line int, _ struct{}) error { accepted = append(accepted, line); return nil }
	wrap := func(f func(Row) FieldErrors) func(Row) (struct{}, FieldErrors) {
		return func(r Row) (struct{}, FieldErrors) { return struct{}{}, f(r) }
	}
	conv := wrap(func(r Row) FieldErrors { _, es := SubjectFromRow(r); return es })
	kind, _ := DetectKind(rr.Keys())
	switch kind {
	case KindRecords:
		def := defaultRecordType(rr.Keys())
		conv = wrap(func(r Row) FieldErrors { _, es := RecordFromRow(r, def); return es })
	case KindBlacklist:
		conv = wrap(func(r Row) FieldErrors { _, es := BlacklistFromRow(r); return es })
	}
	rep, err := ValidateRows(rr, conv, acc)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Reason == "" {
			t.Fatalf("read: not a file error with a reason: %v", err)
		}
	}
	if rep.Accepted+rep.Rejected != rep.Rows || len(accepted) != rep.Accepted {
		t.Fatalf("rows %d = accepted %d (%d handed on) + rejected %d does not add up", rep.Rows, rep.Accepted, len(accepted), rep.Rejected)
	}
	errLines := map[int]bool{}
	for _, e := range rep.Errors {
		if e.Line < 2 || e.Line > maxLine || e.Reason == "" || e.Field == "" {
			t.Fatalf("error without a usable line, field or reason: %+v (max line %d)", e, maxLine)
		}
		errLines[e.Line] = true
	}
	if len(errLines) != rep.Rejected {
		t.Fatalf("%d rejected rows but errors on %d lines", rep.Rejected, len(errLines))
	}
	last := 1
	for _, l := range accepted {
		if l <= last || l > maxLine || errLines[l] {
			t.Fatalf("accepted line %d after %d (max %d, also rejected: %v)", l, last, maxLine, errLines[l])
		}
		last = l
	}
}

func FuzzCSVRows(f *testing.F) {
	for _, s := range []string{
		subjectCSV,
		penaltyHeader + penaltyRow + strings.Replace(penaltyRow, "2024-03-05,", "2024-02-30,", 1),
		licenceHeader + "某公司,法人及非法人组织,91520000214434146R,食品经营许可证,JY1510104000001,普通,食品经营许可证,JY1510104000001,预包装食品销售,2024-01-02,2024-01-02,2029-01-01,锦江区市场监督管理局,91110000600037341L,有效,锦江区市场监督管理局,91110000600037341L\n",
		blacklistHeader + blacklistRow,
		"\xEF\xBB\xBF" + blacklistHeader + blacklistRow, // UTF-8 with BOM
		"统一社会信用代码,企业名称\n\"91520000214434146R\",\"中航\n重机\"\"股份\"\"\"\n", // quoted newline and quotes
		"统一社会信用代码;企业名称\n91350100M000100Y43;某公司\n",                      // semicolons
		"统一社会信用代码\t企业名称\n91350100M000100Y43\t某公司\n",                    // tabs
		"统一社会信用代码,企业名称\n\n\n91350100M000100Y43,某公司,多出的一列\n",
		"统一社会信用代码,企业名称\n\"未闭合的引号,x\n",
		"a,b\n\"x\ny\",\"z\"\"\n",
		"",
	} {
		f.Add([]byte(s))
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(subjectCSV))
	f.Add(gbk)
	mixed := append([]byte("统一社会信用代码,企业名称\n"), gbk[len(gbk)/2:]...)
	f.Add(mixed)
	f.Fuzz(func(t *testing.T, b []byte) {
		checkRows(t, b, ReadOptions{MaxBytes: 1 << 20}, bytes.Count(b, []byte("\n"))+2)
	})
}

// wideRowsXLSX is an .xlsx whose rows each hold one value in column XFD (the
// last Excel column): small on disk, but every row expands to 16,384 cells.
// It is the input that stalled FuzzXLSXRows and the upload.
func wideRowsXLSX(t testing.TB, rows int) []byte {
	t.Helper()
	seed := makeXLSX(t, [][]any{{"统一社会信用代码", "企业名称", "主体类型", "所属地市"}, {"91520000214434146R", "中航重机股份有限公司", "企业", "510100"}})
	zr, err := zip.NewReader(bytes.NewReader(seed), int64(len(seed)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			var rowsXML strings.Builder
			for i := 0; i < rows; i++ {
				rowsXML.WriteString(`<row><c r="XFD` + strconv.Itoa(i+3) + `"><v>1</v></c></row>`)
			}
			body = bytes.Replace(body, []byte("</sheetData>"), []byte(rowsXML.String()+"</sheetData>"), 1)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzXLSXRows feeds arbitrary bytes to the reader as an upload. It used to
// stall for two reasons: rows with a value in column XFD (see
// wideRowsXLSX) cost seconds each, and with the spreadsheet library
// instrumented each run is slow enough that the fuzzer's default minimizing
// of every new input (60 s) dominates. Run it as
//
//	go test -run '^$' -fuzz '^FuzzXLSXRows$' -fuzztime 5m -fuzzminimizetime 5x ./internal/credit/
func FuzzXLSXRows(f *testing.F) {
	real := makeXLSX(f, [][]any{{"统一社会信用代码", "企业名称", "成立日期"}, {"91520000214434146R", "中航重机股份有限公司", time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)}, nil, {"x", 1.5}})
	f.Add(real)
	f.Add(makeXLSX(f, [][]any{{"a"}}))
	hdr := strings.Split(strings.TrimSpace(penaltyHeader), ",")
	row := strings.Split(strings.TrimSpace(penaltyRow), ",")
	var h, r []any
	for i := range hdr {
		h, r = append(h, hdr[i]), append(r, row[i])
	}
	f.Add(makeXLSX(f, [][]any{h, r}))
	f.Add(real[:len(real)/2])             // truncated upload
	f.Add(real[:len(real)-30])            // end of the zip directory cut
	f.Add(wideRowsXLSX(f, MaxWideRows+5)) // the input that stalled
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		checkRows(t, b, ReadOptions{MaxXLSXBytes: 1 << 20, MaxBytes: 1 << 20}, 1<<20+1)
		if d := time.Since(start); d > 30*time.Second {
			t.Fatalf("reading %d bytes took %v", len(b), d)
		}
	})
}

// TestXLSXWideRowsBounded: the input that stalled the reader (rows whose only
// value is in column XFD; 2,000 such rows took 13.5 s on the shared 2-core
// machine, a few hundred thousand would take hours) is now refused quickly,
// the first MaxWideRows rows each reported with their line.
func TestXLSXWideRowsBounded(t *testing.T) {
	b := wideRowsXLSX(t, 2000)
	start := time.Now()
	rr, err := OpenRows(bytes.NewReader(b), int64(len(b)), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Close()
	rep, err := ValidateRows(rr, SubjectFromRow, nil)
	elapsed := time.Since(start)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Code != "file_too_wide" || !strings.Contains(fe.Reason, "请删除表格右侧多余的列") {
		t.Fatalf("err = %v", err)
	}
	if rep.Accepted != 1 || rep.Rejected != MaxWideRows || rep.Errors[0].Line != 3 || rep.Errors[0].Field != "第16384列" || rep.Errors[MaxWideRows-1].Line != MaxWideRows+2 {
		t.Errorf("report %+v", rep)
	}
	if elapsed > 3*time.Second {
		t.Errorf("took %v", elapsed)
	}
	// a few wide rows among good ones: reported, the rest read
	b = wideRowsXLSX(t, 3)
	rr2, err := OpenRows(bytes.NewReader(b), int64(len(b)), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rr2.Close()
	rep, err = ValidateRows(rr2, SubjectFromRow, nil)
	if err != nil || rep.Accepted != 1 || rep.Rejected != 3 || !strings.Contains(rep.Errors[2].Error(), "第5行 第16384列：该行有内容的列超过第256列") {
		t.Errorf("%v %+v", err, rep)
	}
}

// TestSmallXLSXLimit: a small .xlsx size limit (as the fuzz target uses) used
// to make the spreadsheet library refuse its options, so every workbook was
// reported as truncated and the .xlsx reader was never exercised.
func TestSmallXLSXLimit(t *testing.T) {
	b := makeXLSX(t, [][]any{{"统一社会信用代码", "企业名称", "主体类型", "所属地市"}, {"91520000214434146R", "中航重机股份有限公司", "企业", "510100"}})
	rr, err := OpenRows(bytes.NewReader(b), int64(len(b)), ReadOptions{MaxXLSXBytes: 1 << 20})
	if err != nil {
		t.Fatalf("1 MiB limit: %v", err)
	}
	defer rr.Close()
	if rep, err := ValidateRows(rr, SubjectFromRow, nil); err != nil || rep.Accepted != 1 {
		t.Errorf("%v %+v", err, rep)
	}
}

// FuzzRowValidator fills the fields whose parsing is hardest (codes, dates,
// amounts, enumerations) of a 行政处罚 row, a subject row and a blacklist row
// with arbitrary text: no panic; a row is either valid by the engine's own
// validation or every problem names a field and carries the row's line.
func FuzzRowValidator(f *testing.F) {
	f.Add("91350100M000100Y43", "2024-03-05", "0.5", "警告;罚款", "一般", "510104", "45356")
	f.Add("９１３５０１００Ｍ０００１００Ｙ４３", "2024-02-30", "1,234.5", "罚款；没收违法所得", "严重", "武侯区", "2024/3/5")
	f.Add("00000000000000000X", "", "-1", "", "轻微", "成都市", "1e309")
	f.Add("91350100m000100y43 ", "20240305", "0.00001", "拘留", "特别严重", "999999", "2025-13-01")
	f.Fuzz(func(t *testing.T, code, date, fine, kinds, severity, reg, date2 string) {
		check := func(what string, line int, es FieldErrors) {
			for _, e := range es {
				if e.Line != line || e.Field == "" || e.Reason == "" {
					t.Fatalf("%s: problem without line %d, field or reason: %+v", what, line, e)
				}
			}
		}
		for _, xlsx := range []bool{false, true} {
			row := Row{Line: 7, XLSX: xlsx, Values: map[string]string{
				KeyPartyName: "成都某某餐饮管理有限公司", KeyPartyCategory: "法人及非法人组织", KeyUSCC: code, KeyLegalRep: "张三",
				KeyDocNo: "成武市监处罚〔2024〕12号", KeyViolationType: "食品安全", KeyFacts: "经营超过保质期的食品", KeyBasis: "《食品安全法》第一百二十四条",
				KeyPenaltyKinds: kinds, KeyPenaltyContent: "罚款", KeyFine: fine, KeyDecisionDate: date, KeyPenaltyValidTo: date2,
				KeyAuthority: "成都市武侯区市场监督管理局", KeyAuthorityID: "91110000600037341L", KeySourceUnit: "成都市武侯区市场监督管理局",
				KeySourceUnitID: "91110000600037341L", KeySourceRegion: reg, KeySeverity: severity,
			}}
			rec, es := RecordFromRow(row, TypePenalty)
			check("record", 7, es)
			if len(es) == 0 {
				if again := ValidateRecord(&rec); len(again) > 0 {
					t.Fatalf("accepted record fails validation: %v", again)
				}
			}
			row.Values = map[string]string{KeyUSCC: code, KeyName: "某公司", KeyType: "企业", KeyCity: reg, KeyEstablishedOn: date, KeyRegNo: fine}
			s, es := SubjectFromRow(row)
			check("subject", 7, es)
			if len(es) == 0 {
				if again := ValidateSubject(&s); len(again) > 0 {
					t.Fatalf("accepted subject fails validation: %v", again)
				}
			}
			row.Values = map[string]string{KeyListType: kinds, KeyName: "某公司", KeyUSCC: code, KeyReason: "r", KeyLegalBasis: "b", KeyAuthority: "u",
				KeyDocNo: "d", KeyListedOn: date, KeyPlannedRemoval: date2, KeyRemovalCondition: "c", KeySourceRegion: reg}
			b, es := BlacklistFromRow(row)
			check("blacklist", 7, es)
			if len(es) == 0 {
				if again := ValidateBlacklist(&b); len(again) > 0 {
					t.Fatalf("accepted entry fails validation: %v", again)
				}
			}
		}
	})
}

// BenchmarkWideRowsLibrary reads the 2,000 wide rows of wideRowsXLSX the way
// the reader did before MaxXLSXColumns: every row through the library's
// Columns, which pads each one to 16,384 cells.
func BenchmarkWideRowsLibrary(b *testing.B) {
	data := wideRowsXLSX(b, 2000)
	for i := 0; i < b.N; i++ {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		f.Close()
		if n != 2002 {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkWideRowsReader reads the same file through the row reader, which
// refuses it after MaxWideRows wide rows.
func BenchmarkWideRowsReader(b *testing.B) {
	data := wideRowsXLSX(b, 2000)
	for i := 0; i < b.N; i++ {
		rr, err := OpenRows(bytes.NewReader(data), int64(len(data)), ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ValidateRows(rr, SubjectFromRow, nil); err == nil {
			b.Fatal("wide file accepted")
		}
		rr.Close()
	}
}
