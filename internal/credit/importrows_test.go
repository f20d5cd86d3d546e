package credit

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
	"tongcheng/internal/web"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func open(t testing.TB, b []byte) *RowReader {
	t.Helper()
	rr, err := OpenRows(bytes.NewReader(b), int64(len(b)), ReadOptions{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return rr
}

func reportLines(rep ImportReport) []string {
	var out []string
	for _, e := range rep.Errors {
		out = append(out, e.Error())
	}
	return out
}

const subjectCSV = "统一社会信用代码,企业名称,主体类型,法定代表人,注册地址,所属地市,所属区县,登记状态,成立日期\n" +
	"91512081MA62K0260E,简阳某某建材有限公司,企业,张三,\"简阳市\n河东新区1号\",成都,简阳市,存续,2016-05-03\n" +
	"91350100M000100Y44,坏代码公司,企业,李四,地址,510100,,存续,2020/1/2\n" +
	",无名,企业,王五,地址,德阳市,,存续,2020-02-30\n" +
	"\n" +
	"00000000000000000X,某小吃店,个体工商户,赵六,地址,眉山,东坡区,在业,20190101\n"

func TestCSVSubjectsMixed(t *testing.T) {
	rr := open(t, []byte(subjectCSV))
	if rr.Format() != FormatCSV || rr.Encoding() != EncodingUTF8 {
		t.Fatal(rr.Format(), rr.Encoding())
	}
	wantKeys := []string{KeyUSCC, KeyName, KeyType, KeyLegalRep, KeyAddress, KeyCity, KeyCounty, KeyStatus, KeyEstablishedOn}
	if !reflect.DeepEqual(rr.Keys(), wantKeys) {
		t.Fatal(rr.Keys())
	}
	if m := rr.Missing(KeyUSCC, KeyRegNo, KeyIndustry); !reflect.DeepEqual(m, []string{"工商注册号", "行业"}) {
		t.Fatal(m)
	}
	var got []Subject
	var lines []int
	rep, err := ValidateRows(rr, SubjectFromRow, func(line int, s Subject) error {
		got = append(got, s)
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 4 || rep.Accepted != 1 || rep.Rejected != 3 {
		t.Fatalf("%+v", rep)
	}
	want := []string{
		"第4行 统一社会信用代码：第18位校验码应为“3”，实际为“4”，代码有误，请核对",
		"第5行 成立日期：“2020-02-30”不是有效日期，请按 YYYY-MM-DD 填写（如2024-03-05）",
		"第5行 统一社会信用代码：统一社会信用代码为空，请填写18位代码",
		"第7行 工商注册号：统一社会信用代码为17个0加X时必须填写工商注册号",
	}
	if g := reportLines(rep); !reflect.DeepEqual(g, want) {
		t.Fatalf("got\n%s", strings.Join(g, "\n"))
	}
	s := got[0]
	if lines[0] != 2 || s.USCC != "91512081MA62K0260E" || s.Address != "简阳市\n河东新区1号" || s.CityCode != "510100" || s.CountyCode != "510185" ||
		s.EstablishedOn != d("2016-05-03") || s.Type != SubjectEnterprise || s.LegalRep != "张三" {
		t.Fatalf("%d %+v", lines[0], s)
	}
}

func TestCSVBOMAndHeaderVariants(t *testing.T) {
	b := []byte("\xEF\xBB\xBF＊统一社会信用代码（必填）, 主体名称 ,市场主体类型,所属地市\r\n91110108551385082q,小米科技有限责任公司,企业,510100\r\n")
	rr := open(t, b)
	if rr.Encoding() != EncodingUTF8BOM {
		t.Fatal(rr.Encoding())
	}
	row, err := rr.Next()
	if err != nil {
		t.Fatal(err)
	}
	s, es := SubjectFromRow(row)
	if es != nil || s.USCC != "91110108551385082Q" || s.Name != "小米科技有限责任公司" || row.Line != 2 {
		t.Fatalf("%v %+v", es, s)
	}
	if _, err := rr.Next(); err != io.EOF {
		t.Fatal(err)
	}
}

func TestCSVGBK(t *testing.T) {
	text := "统一社会信用代码,企业名称,主体类型,所属地市\n91520000214434146R,中航重机股份有限公司,企业,成都市\n91350100M000100Y43,成都某某餐饮管理有限公司,企业,资阳\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	// 统 = CD B3, 一 = D2 BB in GBK: these really are GBK bytes, not UTF-8.
	if !bytes.HasPrefix(gbk, []byte{0xCD, 0xB3, 0xD2, 0xBB}) {
		t.Fatalf("% X", gbk[:4])
	}
	rr := open(t, gbk)
	if rr.Encoding() != EncodingGBK {
		t.Fatal(rr.Encoding())
	}
	var names []string
	rep, err := ValidateRows(rr, SubjectFromRow, func(line int, s Subject) error {
		names = append(names, s.Name+"@"+s.CityCode)
		return nil
	})
	if err != nil || rep.Accepted != 2 || rep.Encoding != EncodingGBK {
		t.Fatal(err, rep)
	}
	if !reflect.DeepEqual(names, []string{"中航重机股份有限公司@510100", "成都某某餐饮管理有限公司@512000"}) {
		t.Fatal(names)
	}
}

func TestCSVMixedEncodingRow(t *testing.T) {
	// A UTF-8 file whose row after the sniffed first 64 KiB was pasted in
	// GBK: that row is reported, the others are kept.
	gbkName, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("某公司"))
	b := []byte("统一社会信用代码,企业名称\n" + strings.Repeat("91520000214434146R,中航重机股份有限公司\n", 3000) + "91350100M000100Y43,")
	b = append(b, gbkName...)
	b = append(b, "\n91350100M000100Y43,成都某某餐饮管理有限公司\n"...)
	rr := open(t, b)
	if rr.Encoding() != EncodingUTF8 {
		t.Fatal(rr.Encoding())
	}
	rep, err := ValidateRows(rr, func(r Row) (Row, FieldErrors) { return r, nil }, nil)
	if err != nil || rep.Rows != 3002 || rep.Accepted != 3001 {
		t.Fatal(err, rep.Rows, rep.Accepted)
	}
	if g := reportLines(rep); !reflect.DeepEqual(g, []string{"第3002行 整行：含有不是 UTF-8 编码的字符（文件可能混用了 GBK 编码），请将整个文件另存为 UTF-8 编码后重新导入"}) {
		t.Fatal(g)
	}
	// A small file mixing both is refused as a whole.
	small := append([]byte("统一社会信用代码,企业名称\n91350100M000100Y43,"), gbkName...)
	if fe := fileErr(t, small, int64(len(small)), ReadOptions{}); fe.Reason != "文件同时含有 UTF-8 和 GBK 编码的文字，请将整个文件另存为 UTF-8 编码后重新导入" {
		t.Fatal(fe)
	}
}

func fileErr(t *testing.T, b []byte, size int64, opt ReadOptions) *FileError {
	t.Helper()
	_, err := OpenRows(bytes.NewReader(b), size, opt)
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("want FileError, got %v", err)
	}
	return fe
}

func TestRejectedFiles(t *testing.T) {
	xl := makeXLSX(t, [][]any{{"统一社会信用代码", "企业名称"}, {"91520000214434146R", "中航重机股份有限公司"}})
	cases := []struct {
		name   string
		b      []byte
		size   int64
		opt    ReadOptions
		code   string
		reason string
	}{
		{"empty", nil, 0, ReadOptions{}, "file_empty", "文件是空的，请检查后重新上传"},
		{"xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00rest"), 12, ReadOptions{}, "file_xls", "这是旧版 Excel（.xls）或其他 Office 二进制文件，系统只接收 .xlsx 和 CSV，请在 Excel 中“另存为” .xlsx 后上传"},
		{"pdf", []byte("%PDF-1.7\n\x00\x01\x02binary"), 20, ReadOptions{}, "file_type", "文件既不是 CSV 也不是 Excel .xlsx，请上传 CSV 或 .xlsx 文件"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 16, ReadOptions{}, "file_type", "文件既不是 CSV 也不是 Excel .xlsx，请上传 CSV 或 .xlsx 文件"},
		{"utf16", []byte("\xFF\xFEa\x00b\x00"), 6, ReadOptions{}, "file_encoding", "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”后上传"},
		{"2GB", []byte("a,b\n1,2\n"), 2 << 30, ReadOptions{}, "file_too_large", "文件大小 2.0 GB 超过上限 1.0 GB，请拆分为多个文件后分别导入"},
		{"xlsx limit", xl, int64(len(xl)), ReadOptions{MaxXLSXBytes: 1000}, "file_too_large", "文件大小 " + web.ByteSize(int64(len(xl))) + " 超过上限 1000 字节，请拆分为多个文件后分别导入"},
		{"truncated xlsx", xl[:len(xl)/2], int64(len(xl) / 2), ReadOptions{}, "file_truncated", "Excel 文件不完整或已损坏（可能没有上传完），请重新导出后上传"},
		{"not gbk", []byte("a,b\n\xFF\xFF\xFF,\x81\x20\n"), 12, ReadOptions{}, "file_encoding", "文件编码无法识别（既不是 UTF-8 也不是 GBK），请用 Excel 另存为“CSV UTF-8（逗号分隔）”后上传"},
		{"dup header", []byte("企业名称,主体名称\nx,y\n"), 30, ReadOptions{}, "file_header", "表头第1列“企业名称”与第2列“主体名称”是同一字段，请删除其中一列"},
	}
	for _, tc := range cases {
		fe := fileErr(t, tc.b, tc.size, tc.opt)
		if fe.Code != tc.code || fe.Reason != tc.reason {
			t.Errorf("%s: %s %s", tc.name, fe.Code, fe.Reason)
		}
	}
	// Size unknown: the limit stops the stream with a FileError.
	big := []byte("统一社会信用代码,企业名称\n" + strings.Repeat("91520000214434146R,中航重机股份有限公司\n", 5000))
	rr, err := OpenRows(bytes.NewReader(big), -1, ReadOptions{MaxBytes: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ValidateRows(rr, SubjectFromRow, nil)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Reason != "文件超过上限 100000 字节，请拆分为多个文件后分别导入" {
		t.Fatalf("%v", err)
	}
}

func makeXLSX(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
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

func TestXLSXPenalties(t *testing.T) {
	header := []any{"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "法定代表人", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据",
		"处罚类别", "处罚内容", "罚款金额（万元）", "处罚决定日期", "处罚有效期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "数据来源地区", "失信等级"}
	good := []any{"成都某某餐饮管理有限公司", "法人及非法人组织", "91350100M000100Y43", "张三", "成武市监处罚〔2024〕12号", "食品安全", "经营超过保质期的食品", "《食品安全法》第一百二十四条",
		"警告;罚款", "警告，罚款5000元", 0.5, time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), "2025-03-05", "成都市武侯区市场监督管理局", "91110000600037341L", "成都市武侯区市场监督管理局", "91110000600037341L", "武侯区", "一般"}
	bad := append([]any(nil), good...)
	bad[4] = "成武市监处罚〔2024〕13号"
	bad[10] = "五千"
	bad[11] = "2024-13-01"
	rows := [][]any{header, good, nil, bad, {"", ""}, good}
	b := makeXLSX(t, rows)
	rr := open(t, b)
	if rr.Format() != FormatXLSX {
		t.Fatal(rr.Format())
	}
	var recs []Record
	var lines []int
	rep, err := ValidateRows(rr, func(r Row) (Record, FieldErrors) { return RecordFromRow(r, TypePenalty) }, func(line int, r Record) error {
		recs = append(recs, r)
		lines = append(lines, line)
		return nil
	})
	rr.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"第4行 处罚决定日期：“2024-13-01”不是有效日期，请按 YYYY-MM-DD 填写（如2024-03-05）",
		"第4行 罚款金额（万元）：“五千”不是有效金额，请填写以万元为单位的数字（如0.5表示5000元）",
	}
	if g := reportLines(rep); !reflect.DeepEqual(g, want) {
		t.Fatalf("got\n%s", strings.Join(g, "\n"))
	}
	if rep.Rows != 3 || rep.Accepted != 2 || rep.Rejected != 1 || !reflect.DeepEqual(lines, []int{2, 6}) {
		t.Fatalf("%+v %v", rep, lines)
	}
	r := recs[0]
	if r.DecisionDate != d("2024-03-05") || r.Penalty.FineFen != 500000 || !reflect.DeepEqual(r.Penalty.Kinds, []string{"警告", "罚款"}) ||
		r.SourceRegion != "510107" || r.Penalty.ValidUntil != d("2025-03-05") || r.Key() != "CF|成武市监处罚〔2024〕12号" || r.Severity != SeverityGeneral {
		t.Fatalf("%+v %+v", r, r.Penalty)
	}
	// the same file twice gives the same keys: an upsert by key is idempotent
	if recs[1].Key() != recs[0].Key() {
		t.Fatal("keys differ")
	}
}

func TestParseDateAndMoney(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-05": "2024-03-05", "2024/3/5": "2024-03-05", "2024.03.05": "2024-03-05", "2024年3月5日": "2024-03-05",
		"20240305": "2024-03-05", "2024-03-05 10:20:00": "2024-03-05", "2024-02-29": "2024-02-29",
		// typed in full-width mode: unambiguous, read as the same date
		"２０２４－０３－０５": "2024-03-05", "２０２４年３月５日": "2024-03-05", "２０２４／３／５": "2024-03-05", "\u3000２０２４０３０５": "2024-03-05",
	} {
		got, err := ParseDate(in, false)
		if err != nil || FormatDate(got) != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"2023-02-29", "45356", "2024-3", "03/05/2024", "明天", "0000-01-01"} {
		if _, err := ParseDate(in, false); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if got, err := ParseDate("45356", true); err != nil || FormatDate(got) != "2024-03-05" {
		t.Errorf("serial: %v %v", got, err)
	}
	for in, want := range map[string]int64{"0.5": 500000, "1": 1000000, "0.000001": 1, "1,234.56": 1234560000, ".25": 250000, "3.": 3000000, "０．５": 500000, "１，２３４．５６": 1234560000} {
		got, err := ParseWanYuan(in)
		if err != nil || got != want {
			t.Errorf("%q: %d %v", in, got, err)
		}
	}
	if _, err := ParseWanYuan("0.0000001"); err == nil || err.Error() != "“0.0000001”的小数位超过6位（万元精确到分为小数点后6位），请核对" {
		t.Error(err)
	}
	if _, err := ParseWanYuan("-1"); err == nil {
		t.Error("negative accepted")
	}
}

func TestBlacklistRowsAndStrayColumn(t *testing.T) {
	csvText := "名单类别,主体名称,统一社会信用代码,列入原因,认定依据,认定部门,列入决定文书号,列入日期,计划移出日期,移出条件,备注\n" +
		"市场监督管理严重违法失信名单,某公司,91520000214434146R,提供虚假材料取得许可,《市场监督管理严重违法失信名单管理办法》第十条,资阳市市场监督管理局,资市监列〔2024〕1号,2024-06-01,2027-06-01,列入满一年且已履行义务,\n" +
		"市场监督管理严重违法失信名单,某公司,91520000214434146R,r,b,u,资市监列〔2024〕2号,2024-06-01,2024-05-01,,,多出的一列\n"
	rr := open(t, []byte(csvText))
	var got []BlacklistEntry
	rep, err := ValidateRows(rr, BlacklistFromRow, func(_ int, b BlacklistEntry) error { got = append(got, b); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"第3行 第12列：该列没有表头却有内容“多出的一列”，请补充表头或删除该列内容"}
	if g := reportLines(rep); !reflect.DeepEqual(g, want) || rep.Accepted != 1 || rep.Rejected != 1 {
		t.Fatalf("%v %+v", g, rep)
	}
	if got[0].Key() != "市场监督管理严重违法失信名单|资市监列〔2024〕1号" || got[0].ListedOn != d("2024-06-01") || got[0].DecidingUnit != "资阳市市场监督管理局" {
		t.Fatalf("%+v", got[0])
	}
	// Without the stray cell the second row's own errors show.
	rr = open(t, []byte(strings.Replace(csvText, ",多出的一列", "", 1)))
	rep, _ = ValidateRows(rr, BlacklistFromRow, nil)
	want = []string{"第3行 移出条件：不能为空，列入决定须载明移出条件和程序，请填写", "第3行 计划移出日期：应晚于列入日期，请核对"}
	if g := reportLines(rep); !reflect.DeepEqual(g, want) {
		t.Fatalf("%v", g)
	}
}

// TestCSVTruncated: a CSV cut off before its end (an interrupted export, copy
// or upload) has its broken last row refused with the reason, in UTF-8 and
// in GBK, whether the cut falls between columns or inside a character; the
// whole rows before it are read. A file that only lacks the final line break
// loses nothing.
func TestCSVTruncated(t *testing.T) {
	const header = "统一社会信用代码,企业名称,主体类型,所属地市,行业\n"
	const row2 = "91520000214434146R,中航重机股份有限公司,企业,成都市,制造业\n"
	const row3 = "91350100M000100Y43,成都某某餐饮管理有限公司,企业,资阳,住宿和餐饮业\n"
	whole := header + row2 + row3
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(whole))
	if err != nil {
		t.Fatal(err)
	}
	const cutCols = "第3行 整行：文件在此行中断：该行只有3列（表头有5列），且文件末尾没有换行，文件可能没有完整导出或上传。该行未保存，其余各行照常导入；请核对源文件，补全后重新导入"
	const cutChar = "第3行 整行：文件在此行中断：该行最后一个字符不完整，且文件末尾没有换行，文件可能没有完整导出或上传。该行未保存，其余各行照常导入；请核对源文件，补全后重新导入"
	for _, tc := range []struct {
		name  string
		b     []byte
		names []string
		errs  []string
	}{
		// cut after "成都某某餐饮管理有限公司," — 3 of 5 columns, the last empty
		{"utf-8 between columns", []byte(whole[:strings.Index(whole, "企业,资阳")]), []string{"中航重机股份有限公司"}, []string{cutCols}},
		// cut inside 业 (3 bytes) of 住宿和餐饮业: the row has its 5 columns, the last one broken
		{"utf-8 inside a character", []byte(whole[:len(whole)-3]), []string{"中航重机股份有限公司"}, []string{cutChar}},
		// GBK: 业 is 2 bytes; cut after its first
		{"gbk inside a character", gbk[:len(gbk)-2], []string{"中航重机股份有限公司"}, []string{cutChar}},
		// GBK cut after "…有限公司,企业": 3 of 5 columns
		{"gbk between columns", gbk[:bytes.LastIndex(gbk, []byte(","))-5], []string{"中航重机股份有限公司"}, []string{cutCols}},
		// no line break at the end, nothing missing: both rows
		{"no final line break", []byte(strings.TrimSuffix(whole, "\n")), []string{"中航重机股份有限公司", "成都某某餐饮管理有限公司"}, nil},
		{"cut at a line break", []byte(header + row2), []string{"中航重机股份有限公司"}, nil},
	} {
		rr := open(t, tc.b)
		var names []string
		rep, err := ValidateRows(rr, SubjectFromRow, func(line int, s Subject) error {
			names = append(names, s.Name)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(names, tc.names) || !reflect.DeepEqual(reportLines(rep), tc.errs) || rep.Rejected != len(tc.errs) {
			t.Errorf("%s: accepted %q, errors %q", tc.name, names, reportLines(rep))
		}
	}
}

// TestFullWidthRow: a row typed in a Chinese input method's full-width mode
// has its dates, amount, region code and ID numbers read as the half-width
// values they are; its names keep their full-width brackets.
func TestFullWidthRow(t *testing.T) {
	rr := open(t, []byte(penaltyHeader+"王小明（个体）,自然人,,,成武市监处罚〔2024〕12号,食品安全,经营超过保质期的食品,《食品安全法》第一百二十四条,"+
		"罚款,罚款5000元,０．５,２０２４－０３－０５,２０２５－０３－０５,成都市武侯区市场监督管理局,91110000600037341L,成都市武侯区市场监督管理局,91110000600037341L,５１０１０７,一般\n"))
	// the header has no 证件类型/证件号码 columns: add them as extra keys of the row
	row, err := rr.Next()
	if err != nil {
		t.Fatal(err)
	}
	row.Values[KeyIDType], row.Values[KeyIDNo] = "身份证", "１１０１０５１９４９１２３１００２ｘ"
	rec, es := RecordFromRow(row, TypePenalty)
	if len(es) != 0 {
		t.Fatal(es)
	}
	if FormatDate(rec.DecisionDate) != "2024-03-05" || FormatDate(rec.Penalty.ValidUntil) != "2025-03-05" || rec.Penalty.FineFen != 500000 ||
		rec.SourceRegion != "510107" || !strings.EqualFold(rec.IDNo, "11010519491231002X") || rec.PartyName != "王小明（个体）" {
		t.Errorf("%+v %+v", rec, rec.Penalty)
	}
}

// TestTitleRowsAboveHeader: departments' sheets often start with a title
// (表名 merged across the columns) and a note before the header; those rows
// are passed over, and the rows keep their own line numbers in the report.
func TestTitleRowsAboveHeader(t *testing.T) {
	const data = "统一社会信用代码,企业名称,主体类型,所属地市\n91520000214434146R,中航重机股份有限公司,企业,成都市\n91350100M000100Y44,坏代码公司,企业,成都市\n"
	csvFile := []byte("2024年3月市场主体信息报送表,,,\n填报单位：成都市市场监督管理局,,,\n\n" + data)
	xl := makeXLSX(t, [][]any{{"2024年3月市场主体信息报送表"}, {"填报单位：成都市市场监督管理局"}, nil,
		{"统一社会信用代码", "企业名称", "主体类型", "所属地市"}, {"91520000214434146R", "中航重机股份有限公司", "企业", "成都市"}, {"91350100M000100Y44", "坏代码公司", "企业", "成都市"}})
	for name, b := range map[string][]byte{"csv": csvFile, "xlsx": xl} {
		rr := open(t, b)
		if k, err := DetectKind(rr.Keys()); err != nil || k != KindSubjects {
			t.Fatalf("%s: %s %v (columns %q)", name, k, err, rr.Columns())
		}
		var lines []int
		rep, err := ValidateRows(rr, SubjectFromRow, func(line int, s Subject) error { lines = append(lines, line); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(lines, []int{5}) || len(rep.Errors) != 1 || rep.Errors[0].Line != 6 || rep.Errors[0].Field != "统一社会信用代码" {
			t.Errorf("%s: accepted lines %v, errors %q", name, lines, reportLines(rep))
		}
		rr.Close()
	}
	// a file of single values has no header to find: refused as a whole
	rr := open(t, []byte("甲\n乙\n丙\n丁\n戊\n己\n庚\n"))
	var fe *FileError
	if _, err := DetectKind(rr.Keys()); !errors.As(err, &fe) || fe.Code != "file_header" {
		t.Errorf("single-column file: %v", err)
	}
}
