package credit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"tongcheng/internal/region"
	"tongcheng/internal/web"
)

// Format is the kind of an import file.
type Format string

const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// Text encodings a CSV may have.
const (
	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8（带 BOM）"
	EncodingGBK     = "GBK"
)

// DefaultMaxBytes is the default size limit of an import file (1 GiB). An
// .xlsx is unzipped in memory, so it has its own, smaller default.
const (
	DefaultMaxBytes     int64 = 1 << 30
	DefaultMaxXLSXBytes int64 = 256 << 20
)

// ReadOptions tune OpenRows.
type ReadOptions struct {
	MaxBytes     int64 // CSV size limit; 0 means DefaultMaxBytes
	MaxXLSXBytes int64 // .xlsx size limit; 0 means DefaultMaxXLSXBytes
}

// FileError is a file that cannot be read at all (wrong type, truncated, too
// big, unknown encoding). Nothing from it may be stored.
type FileError struct {
	Code   string `json:"code"`   // stable: file_too_large, file_type, file_xls, file_truncated, file_encoding, file_header, file_empty
	Reason string `json:"reason"` // Chinese
}

func (e *FileError) Error() string { return e.Reason }

// Row is one data row of an import file: its line (the CSV line where the
// row starts, or the worksheet row number) and its values keyed by field key
// (see HeaderKey). Columns whose header is not known keep the header text as
// key. Dates in an .xlsx may come as Excel serial numbers (XLSX is true).
type Row struct {
	Line   int
	Values map[string]string
	XLSX   bool
}

// Get returns the trimmed value of a field key.
func (r Row) Get(key string) string { return strings.TrimSpace(r.Values[key]) }

// RowReader streams the rows of a CSV or .xlsx file. Call Next until io.EOF.
// A *FieldError from Next is a bad row (reported, then reading goes on);
// any other error ends the file.
type RowReader struct {
	format   Format
	encoding string
	columns  []string // header text as in the file
	keys     []string // field key per column
	line     int      // last line read

	csv      *csv.Reader
	utf8Mode bool
	tail     *tailReader   // the text the CSV reader reads, watched for its end
	buf      *bufio.Reader // what the CSV reader reads from
	width    int           // columns up to the last one with a header

	xf   *excelize.File
	rows *excelize.Rows
	wide int // rows of an .xlsx wider than MaxXLSXColumns so far
}

// MaxXLSXColumns is the widest .xlsx row read (the 双公示 field sets have
// about 30 columns). The spreadsheet library fills every empty cell before
// the last one, so one short row whose only cell is in column XFD costs
// 16,384 strings: a small file of such rows used to keep the reader busy for
// hours. A wider row is rejected with its line number; after MaxWideRows of
// them the file is refused.
const (
	MaxXLSXColumns = 256
	MaxWideRows    = 20
)

// sniffSize is how much of the file is looked at to decide type and encoding.
const sniffSize = 64 << 10

// OpenRows sniffs the content (magic bytes, not the file name) and opens a
// CSV (UTF-8, UTF-8 with BOM or GBK, comma/tab/semicolon separated) or the
// first worksheet of an .xlsx, and reads the header row. size is the file
// size when known (else -1); a file over the limit is refused before reading.
func OpenRows(r io.Reader, size int64, opt ReadOptions) (*RowReader, error) {
	maxCSV, maxX := opt.MaxBytes, opt.MaxXLSXBytes
	if maxCSV <= 0 {
		maxCSV = DefaultMaxBytes
	}
	if maxX <= 0 {
		maxX = DefaultMaxXLSXBytes
	}
	if size > maxCSV {
		return nil, tooLarge(size, maxCSV)
	}
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if len(head) == 0 {
		return nil, &FileError{"file_empty", "文件是空的，请检查后重新上传"}
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		if size > maxX {
			return nil, tooLarge(size, maxX)
		}
		return openXLSX(br, maxX)
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return nil, &FileError{"file_xls", "这是旧版 Excel（.xls）或其他 Office 二进制文件，系统只接收 .xlsx 和 CSV，请在 Excel 中“另存为” .xlsx 后上传"}
	case bytes.HasPrefix(head, []byte("\xFF\xFE")) || bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return nil, &FileError{"file_encoding", "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”后上传"}
	}
	if looksBinary(head) {
		return nil, &FileError{"file_type", "文件既不是 CSV 也不是 Excel .xlsx，请上传 CSV 或 .xlsx 文件"}
	}
	var src io.Reader = &limitReader{r: br, left: maxCSV, max: maxCSV}
	rr := &RowReader{format: FormatCSV}
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		rr.encoding, rr.utf8Mode = EncodingUTF8BOM, true
		if _, err := br.Discard(3); err != nil {
			return nil, err
		}
	case utf8.Valid(trimPartialUTF8(head)):
		rr.encoding, rr.utf8Mode = EncodingUTF8, true
	case utf8Prefix(head) >= 3:
		return nil, &FileError{"file_encoding", "文件同时含有 UTF-8 和 GBK 编码的文字，请将整个文件另存为 UTF-8 编码后重新导入"}
	case isGBK(head):
		rr.encoding = EncodingGBK
		src = transform.NewReader(src, simplifiedchinese.GB18030.NewDecoder())
	default:
		return nil, &FileError{"file_encoding", "文件编码无法识别（既不是 UTF-8 也不是 GBK），请用 Excel 另存为“CSV UTF-8（逗号分隔）”后上传"}
	}
	rr.tail = &tailReader{r: src}
	bsrc := bufio.NewReader(rr.tail)
	rr.buf = bsrc
	c := csv.NewReader(bsrc)
	c.Comma = sniffComma(head)
	c.FieldsPerRecord = -1
	c.LazyQuotes = true
	c.ReuseRecord = true
	rr.csv = c
	header, err := c.Read()
	// a title above the header (表名 in a row of its own, 填报单位 …) is passed over
	for n := 0; err == nil && n < maxTitleRows && titleRow(header); n++ {
		header, err = c.Read()
	}
	if err == io.EOF {
		return nil, &FileError{"file_empty", "文件没有内容，第1行应为表头"}
	}
	if err != nil {
		return nil, fileReadError(err)
	}
	if err := rr.setHeader(header); err != nil {
		return nil, err
	}
	return rr, nil
}

// maxTitleRows is how many rows above the header a file may have.
const maxTitleRows = 5

// titleRow tells a row above the header: at most one cell filled (a title
// merged across the columns, a note, an empty line). A header or a data row
// fills several.
func titleRow(rec []string) bool {
	filled := 0
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			filled++
		}
	}
	return filled <= 1
}

// tailReader passes a stream through and remembers its last byte and
// whether it has ended.
type tailReader struct {
	r    io.Reader
	last byte
	eof  bool
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.last = p[n-1]
	}
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

// cutShort tells whether rec, the row starting at line, is the end of a
// truncated CSV (a file cut off by an interrupted export, copy or upload):
// the file's last row, not ended by a line break, and either with fewer
// columns than the header or broken inside a character. Such a row is
// refused, so that a cut-off name or code never overwrites what the library
// holds; the rows before it are whole and are imported. (A file cut exactly
// at a line break cannot be told from a shorter file.)
func (rr *RowReader) cutShort(line int, rec []string) (FieldError, bool) {
	if !rr.tail.eof || rr.buf.Buffered() > 0 || rr.tail.last == '\n' || rr.tail.last == '\r' {
		return FieldError{}, false
	}
	last := ""
	if len(rec) > 0 {
		last = rec[len(rec)-1]
	}
	brokenChar := strings.HasSuffix(last, "\uFFFD") || !utf8.ValidString(last)
	if len(rec) >= rr.width && !brokenChar {
		return FieldError{}, false
	}
	why := fmt.Sprintf("该行只有%d列（表头有%d列）", len(rec), rr.width)
	if brokenChar {
		why = "该行最后一个字符不完整"
	}
	return FieldError{Line: line, Field: "整行", Reason: "文件在此行中断：" + why + "，且文件末尾没有换行，文件可能没有完整导出或上传。该行未保存，其余各行照常导入；请核对源文件，补全后重新导入"}, true
}

func tooLarge(size, max int64) error {
	return &FileError{"file_too_large", fmt.Sprintf("文件大小 %s 超过上限 %s，请拆分为多个文件后分别导入", web.ByteSize(size), web.ByteSize(max))}
}

// errLimit is returned by limitReader when a file of unknown size grows
// past the limit.
type limitReader struct {
	r         io.Reader
	left, max int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, &FileError{"file_too_large", "文件超过上限 " + web.ByteSize(l.max) + "，请拆分为多个文件后分别导入"}
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func fileReadError(err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return &FileError{"file_read", "读取文件出错：" + err.Error()}
}

// looksBinary: NUL bytes or many control characters mean not text.
func looksBinary(b []byte) bool {
	ctl := 0
	for _, c := range b {
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	return ctl > len(b)/100+2
}

// trimPartialUTF8 drops a multi-byte character cut by the sample's end.
func trimPartialUTF8(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // lead byte
			if utf8.FullRune(b[len(b)-i:]) {
				return b
			}
			return b[:len(b)-i]
		}
	}
	return b
}

// utf8Prefix counts the three-byte UTF-8 characters (where Chinese lives)
// before the first invalid byte. GBK text is made of two-byte pairs and
// almost never forms three valid three-byte UTF-8 characters before it
// breaks, so a count of 3 or more means a UTF-8 file with GBK pasted in.
func utf8Prefix(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return n
		}
		if size == 3 {
			n++
		}
		b = b[size:]
	}
	return n
}

// isGBK decodes the sample as GBK (GB18030) and accepts it when no byte
// sequence is invalid (a double-byte character cut at the end is allowed).
func isGBK(b []byte) bool {
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), b)
	if err != nil {
		return false
	}
	s := string(out)
	if n := strings.Count(s, "\uFFFD"); n > 1 || (n == 1 && !strings.HasSuffix(s, "\uFFFD")) {
		return false
	}
	return true
}

// sniffComma picks ',', '\t' or ';' from the first line.
func sniffComma(head []byte) rune {
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	best, n := ',', bytes.Count(line, []byte{','})
	for _, c := range []rune{'\t', ';'} {
		if k := bytes.Count(line, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

func openXLSX(r io.Reader, max int64) (*RowReader, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, tooLarge(int64(len(data)), max)
	}
	if !bytes.Contains(data, []byte("PK\x05\x06")) {
		return nil, truncatedXLSX()
	}
	// excelize refuses options whose XML limit exceeds the unzip limit, so a
	// small max (tests, fuzzing) must lower both
	unzip, xmlLimit := 4*max, int64(64<<20)
	if xmlLimit > unzip {
		xmlLimit = unzip
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzip, UnzipXMLSizeLimit: xmlLimit})
	if err != nil {
		return nil, truncatedXLSX()
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, &FileError{"file_truncated", "Excel 文件中没有工作表，请检查文件"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, truncatedXLSX()
	}
	rr := &RowReader{format: FormatXLSX, encoding: EncodingUTF8, xf: f, rows: rows}
	if !rows.Next() {
		rr.Close()
		return nil, &FileError{"file_empty", "工作表“" + sheets[0] + "”没有内容，第1行应为表头"}
	}
	rr.line = 1
	header, err := rows.Columns(excelize.Options{RawCellValue: true})
	for n := 0; err == nil && n < maxTitleRows && titleRow(header) && rows.Next(); n++ {
		rr.line++
		header, err = rows.Columns(excelize.Options{RawCellValue: true})
	}
	if err != nil {
		rr.Close()
		return nil, truncatedXLSX()
	}
	if err := rr.setHeader(header); err != nil {
		rr.Close()
		return nil, err
	}
	return rr, nil
}

func truncatedXLSX() error {
	return &FileError{"file_truncated", "Excel 文件不完整或已损坏（可能没有上传完），请重新导出后上传"}
}

func (rr *RowReader) setHeader(header []string) error {
	rr.columns = append([]string(nil), header...)
	rr.keys = make([]string, len(header))
	seen := map[string]int{}
	nonEmpty := 0
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		rr.columns[i] = h
		if h == "" {
			continue
		}
		nonEmpty++
		k := HeaderKey(h)
		if j, dup := seen[k]; dup {
			return &FileError{"file_header", "表头第" + strconv.Itoa(j+1) + "列“" + rr.columns[j] + "”与第" + strconv.Itoa(i+1) + "列“" + h + "”是同一字段，请删除其中一列"}
		}
		seen[k] = i
		rr.keys[i] = k
		rr.width = i + 1
	}
	if nonEmpty == 0 {
		return &FileError{"file_header", "第1行应为表头（如“统一社会信用代码”“主体名称”），但它是空的"}
	}
	return nil
}

// Format is the detected file type.
func (rr *RowReader) Format() Format { return rr.format }

// Encoding is the detected text encoding of a CSV (UTF-8 for .xlsx).
func (rr *RowReader) Encoding() string { return rr.encoding }

// Columns are the header texts as in the file.
func (rr *RowReader) Columns() []string { return rr.columns }

// Keys are the field keys of the columns ("" for an empty header).
func (rr *RowReader) Keys() []string { return rr.keys }

// Missing returns the Chinese names of the given field keys that no column
// provides.
func (rr *RowReader) Missing(keys ...string) []string {
	var out []string
	for _, k := range keys {
		found := false
		for _, have := range rr.keys {
			if have == k {
				found = true
				break
			}
		}
		if !found {
			out = append(out, FieldLabel(k))
		}
	}
	return out
}

// Next returns the next non-empty row, io.EOF at the end, a FieldError for a
// row that cannot be read (go on calling Next), or another error that ends
// the file.
func (rr *RowReader) Next() (Row, error) {
	for {
		var rec []string
		var line int
		if rr.csv != nil {
			r, err := rr.csv.Read()
			if err == io.EOF {
				return Row{}, io.EOF
			}
			if err != nil {
				return Row{}, fileReadError(err)
			}
			line, _ = rr.csv.FieldPos(0)
			rec = r
			if fe, cut := rr.cutShort(line, rec); cut {
				return Row{}, fe
			}
			if rr.utf8Mode {
				for _, v := range rec {
					if !utf8.ValidString(v) {
						return Row{}, FieldError{Line: line, Field: "整行", Reason: "含有不是 UTF-8 编码的字符（文件可能混用了 GBK 编码），请将整个文件另存为 UTF-8 编码后重新导入"}
					}
				}
			}
		} else {
			if !rr.rows.Next() {
				if err := rr.rows.Error(); err != nil {
					return Row{}, truncatedXLSX()
				}
				return Row{}, io.EOF
			}
			rr.line++
			line = rr.line
			r, err := rr.rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return Row{}, truncatedXLSX()
			}
			if len(r) > MaxXLSXColumns {
				rr.wide++
				if rr.wide > MaxWideRows {
					return Row{}, &FileError{"file_too_wide", fmt.Sprintf("工作表中超过 %d 列的行已有 %d 行（至第%d行），文件可能有大量多余的列；请删除表格右侧多余的列后重新导出", MaxXLSXColumns, MaxWideRows, line)}
				}
				return Row{}, FieldError{Line: line, Field: "第" + strconv.Itoa(len(r)) + "列", Reason: fmt.Sprintf("该行有内容的列超过第%d列，请删除表格右侧多余的列后重新导出", MaxXLSXColumns)}
			}
			rec = r
		}
		rr.line = line
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		row := Row{Line: line, Values: make(map[string]string, len(rr.keys)), XLSX: rr.xf != nil}
		for i, v := range rec {
			if i >= len(rr.keys) || rr.keys[i] == "" {
				if strings.TrimSpace(v) != "" {
					return Row{}, FieldError{Line: line, Field: "第" + strconv.Itoa(i+1) + "列", Reason: "该列没有表头却有内容“" + clip(v) + "”，请补充表头或删除该列内容"}
				}
				continue
			}
			row.Values[rr.keys[i]] = v
		}
		return row, nil
	}
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 20 {
		return string([]rune(s)[:20]) + "…"
	}
	return s
}

// Close releases the workbook of an .xlsx.
func (rr *RowReader) Close() error {
	if rr.rows != nil {
		rr.rows.Close()
		rr.rows = nil
	}
	if rr.xf != nil {
		err := rr.xf.Close()
		rr.xf = nil
		return err
	}
	return nil
}

// Field keys of import columns.
const (
	KeyUSCC             = "uscc"
	KeyName             = "name"
	KeyType             = "type"
	KeyLegalRep         = "legal_rep"
	KeyAddress          = "address"
	KeyCity             = "city"
	KeyCounty           = "county"
	KeyStatus           = "status"
	KeyIndustry         = "industry"
	KeyEstablishedOn    = "established_on"
	KeyApprovedOn       = "approved_on"
	KeyRegNo            = "reg_no"
	KeyRecordType       = "record_type"
	KeyPartyName        = "party_name"
	KeyPartyCategory    = "party_category"
	KeyOrgCode          = "org_code"
	KeyTaxNo            = "tax_no"
	KeyInstitutionNo    = "institution_no"
	KeySocialOrgNo      = "social_org_no"
	KeyLegalRepIDType   = "legal_rep_id_type"
	KeyLegalRepID       = "legal_rep_id"
	KeyIDType           = "id_type"
	KeyIDNo             = "id_no"
	KeyDocName          = "doc_name"
	KeyDocNo            = "doc_no"
	KeyLicenceCategory  = "licence_category"
	KeyCertName         = "cert_name"
	KeyLicenceNo        = "licence_no"
	KeyLicenceContent   = "licence_content"
	KeyDecisionDate     = "decision_date"
	KeyValidFrom        = "valid_from"
	KeyValidTo          = "valid_to"
	KeyAuthority        = "authority"
	KeyAuthorityID      = "authority_id"
	KeyState            = "state"
	KeySourceUnit       = "source_unit"
	KeySourceUnitID     = "source_unit_id"
	KeySourceRegion     = "source_region"
	KeyRemark           = "remark"
	KeyViolationType    = "violation_type"
	KeyFacts            = "facts"
	KeyBasis            = "basis"
	KeyPenaltyKinds     = "penalty_kinds"
	KeyPenaltyContent   = "penalty_content"
	KeyFine             = "fine_wan"
	KeyConfiscated      = "confiscated_wan"
	KeyLicences         = "licences"
	KeyPenaltyValidTo   = "penalty_valid_until"
	KeyPublicUntil      = "public_until"
	KeySeverity         = "severity"
	KeyListType         = "list_type"
	KeyReason           = "reason"
	KeyLegalBasis       = "legal_basis"
	KeyListedOn         = "listed_on"
	KeyPlannedRemoval   = "planned_removal_on"
	KeyRemovalCondition = "removal_conditions"
	KeyRemovedOn        = "removed_on"
	KeyRemovalReason    = "removal_reason"
)

// headerAliases maps header texts (双公示 names, common variants, the
// provincial column codes) to field keys; the first name of each key is its
// label. Keys of this map are normalised by normHeader at init.
var headerAliases = [][]string{
	{KeyUSCC, "统一社会信用代码", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码_1", "社会信用代码", "信用代码", "XK_XDR_SHXYM", "CF_XDR_SHXYM"},
	{KeyName, "主体名称", "企业名称", "市场主体名称", "机构名称", "名称"},
	{KeyType, "主体类型", "市场主体类型"},
	{KeyLegalRep, "法定代表人", "法定代表人(负责人)", "法定代表人姓名", "负责人", "经营者", "XK_FRDB", "CF_FRDB"},
	{KeyAddress, "注册地址", "住所", "地址", "登记住所"},
	{KeyCity, "所属地市", "地市", "所属城市"},
	{KeyCounty, "所属区县", "区县"},
	{KeyStatus, "登记状态", "经营状态"},
	{KeyIndustry, "行业", "所属行业", "行业门类", "行业代码"},
	{KeyEstablishedOn, "成立日期"},
	{KeyApprovedOn, "核准日期"},
	{KeyRegNo, "工商注册号", "注册号", "行政相对人代码_2(工商注册号)", "行政相对人代码_2", "XK_XDR_GSZC", "CF_XDR_GSZC"},
	{KeyRecordType, "记录类型", "信息类别", "行政行为类别"},
	{KeyPartyName, "行政相对人名称", "XK_XDR_MC", "CF_XDR_MC"},
	{KeyPartyCategory, "行政相对人类别", "XK_XDR_LB", "CF_XDR_LB"},
	{KeyOrgCode, "组织机构代码", "行政相对人代码_3(组织机构代码)", "行政相对人代码_3"},
	{KeyTaxNo, "税务登记号", "行政相对人代码_4(税务登记号)", "行政相对人代码_4"},
	{KeyInstitutionNo, "事业单位证书号", "行政相对人代码_5(事业单位证书号)", "行政相对人代码_5"},
	{KeySocialOrgNo, "社会组织登记证号", "行政相对人代码_6(社会组织登记证号)", "行政相对人代码_6"},
	{KeyLegalRepIDType, "法定代表人证件类型"},
	{KeyLegalRepID, "法定代表人证件号码"},
	{KeyIDType, "证件类型"},
	{KeyIDNo, "证件号码"},
	{KeyDocName, "决定文书名称", "行政许可决定文书名称"},
	{KeyDocNo, "决定文书号", "列入决定文书号", "列入决定书文号", "行政许可决定文书号", "行政处罚决定书文号", "决定书文号", "XK_WSH", "CF_WSH"},
	{KeyLicenceCategory, "许可类别", "XK_XKLB"},
	{KeyCertName, "许可证书名称"},
	{KeyLicenceNo, "许可编号"},
	{KeyLicenceContent, "许可内容"},
	{KeyDecisionDate, "决定日期", "许可决定日期", "处罚决定日期", "XK_JDRQ", "CF_JDRQ"},
	{KeyValidFrom, "有效期自"},
	{KeyValidTo, "有效期至"},
	{KeyAuthority, "决定机关", "认定部门", "列入部门", "许可机关", "处罚机关", "XK_XKJG", "CF_CFJG"},
	{KeyAuthorityID, "决定机关统一社会信用代码", "认定部门统一社会信用代码", "许可机关统一社会信用代码", "处罚机关统一社会信用代码", "XK_XKJGDM", "CF_CFJGDM"},
	{KeyState, "当前状态"},
	{KeySourceUnit, "数据来源单位", "XK_LYDW", "CF_SJLY"},
	{KeySourceUnitID, "数据来源单位统一社会信用代码", "XK_LYDWDM", "CF_SJLYDM"},
	{KeySourceRegion, "数据来源地区", "地方编码", "行政区划代码"},
	{KeyRemark, "备注", "BZ"},
	{KeyViolationType, "违法行为类型", "CF_WFXW"},
	{KeyFacts, "违法事实", "CF_SY"},
	{KeyBasis, "处罚依据", "CF_YJ"},
	{KeyPenaltyKinds, "处罚类别", "CF_CFLB"},
	{KeyPenaltyContent, "处罚内容", "CF_NR"},
	{KeyFine, "罚款金额(万元)", "罚款金额", "CF_NR_FK"},
	{KeyConfiscated, "没收违法所得、没收非法财物的金额(万元)", "没收违法所得、没收非法财物的金额", "CF_NR_WFFF"},
	{KeyLicences, "暂扣或吊销证照名称及编号", "CF_NR_ZKDX"},
	{KeyPenaltyValidTo, "处罚有效期", "CF_YXQ"},
	{KeyPublicUntil, "公示截止期", "CF_GSJZQ"},
	{KeySeverity, "失信等级"},
	{KeyListType, "名单类别", "名单名称"},
	{KeyReason, "列入原因", "失信行为情况"},
	{KeyLegalBasis, "认定依据"},
	{KeyListedOn, "列入日期"},
	{KeyPlannedRemoval, "计划移出日期"},
	{KeyRemovalCondition, "移出条件", "移出条件和程序"},
	{KeyRemovedOn, "移出日期"},
	{KeyRemovalReason, "移出原因"},
}

var (
	aliasIndex = map[string]string{}
	labels     = map[string]string{}
)

func init() {
	for _, a := range headerAliases {
		labels[a[0]] = a[1]
		for _, name := range a[1:] {
			aliasIndex[normHeader(name)] = a[0]
		}
	}
}

// normHeader folds width, drops spaces, required marks (*, （必填）) and case.
func normHeader(h string) string {
	h = NormalizeUSCC(h) // trims, folds full-width ASCII, upper-cases latin
	return headerReplacer.Replace(h)
}

var (
	headerReplacer = strings.NewReplacer(" ", "", "\u3000", "", "*", "", "(必填)", "", "【必填】", "", "（必填）", "")
	dateReplacer   = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")
)

// HeaderKey maps a column header to its field key; an unknown header maps to
// itself (trimmed).
func HeaderKey(h string) string {
	if k, ok := aliasIndex[normHeader(h)]; ok {
		return k
	}
	return strings.TrimSpace(h)
}

// FieldLabel is the Chinese name of a field key.
func FieldLabel(key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	return key
}

// ParseDate reads a date as departments write it: 2024-03-05, 2024/3/5,
// 2024.3.5, 2024年3月5日, 20240305, optionally followed by a time; in an
// .xlsx also an Excel serial day number (1900 date system).
func ParseDate(s string, xlsx bool) (time.Time, error) {
	s = strings.TrimSpace(halfWidth(s))
	bad := errors.New("“" + clip(s) + "”不是有效日期，请按 YYYY-MM-DD 填写（如2024-03-05）")
	if s == "" {
		return time.Time{}, bad
	}
	if xlsx {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 && !strings.ContainsAny(s, "-/") && len(s) < 8 {
			d := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(math.Floor(f)))
			return d, nil
		}
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	var y, m, d int
	switch {
	case len(s) == 8 && isDigits(s):
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
	default:
		t := dateReplacer.Replace(s)
		parts := strings.Split(t, "-")
		if len(parts) != 3 || len(parts[0]) != 4 || !isDigits(parts[0]) || !isDigits(parts[1]) || !isDigits(parts[2]) || len(parts[1]) > 2 || len(parts[2]) > 2 {
			return time.Time{}, bad
		}
		y, _ = strconv.Atoi(parts[0])
		m, _ = strconv.Atoi(parts[1])
		d, _ = strconv.Atoi(parts[2])
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || y > 2200 || t.Month() != time.Month(m) || t.Day() != d {
		return time.Time{}, bad
	}
	return t, nil
}

// halfWidth turns full-width ASCII (digits, letters, ．－／：typed in a
// Chinese input method's full-width mode) and the ideographic space into
// their half-width forms. It is for dates, amounts, codes and ID numbers,
// where that is unambiguous, never for names (whose full-width brackets are
// the standard form).
func halfWidth(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseWanYuan converts an amount in 万元 with up to six decimals (the
// 双公示 unit) into 分 exactly: 1 万元 = 1,000,000 分. Thousands separators
// are allowed; negative amounts are not.
func ParseWanYuan(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(halfWidth(s)), ",", "")
	bad := errors.New("“" + clip(s) + "”不是有效金额，请填写以万元为单位的数字（如0.5表示5000元）")
	if s == "" {
		return 0, bad
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" {
		intPart = "0"
	}
	if !isDigits(intPart) || (hasDot && frac != "" && !isDigits(frac)) {
		return 0, bad
	}
	if len(frac) > 6 {
		return 0, errors.New("“" + clip(s) + "”的小数位超过6位（万元精确到分为小数点后6位），请核对")
	}
	if len(intPart) > 12 {
		return 0, errors.New("“" + clip(s) + "”金额过大，请核对单位是否为万元")
	}
	w, _ := strconv.ParseInt(intPart, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	return w*1_000_000 + f, nil
}

// regionCode accepts a GB/T 2260 code or the Chinese name of one of the
// reference regions (成都市, 成都, 简阳市 …).
func regionCode(s string) string {
	s = strings.TrimSpace(halfWidth(s))
	if s == "" || isDigits(s) {
		return s
	}
	regionNamesOnce.Do(func() {
		regionNames = map[string]string{}
		for _, r := range region.All() {
			for _, n := range []string{r.Name, strings.TrimSuffix(r.Name, "市")} {
				if _, taken := regionNames[n]; !taken {
					regionNames[n] = r.Code
				}
			}
		}
	})
	if c, ok := regionNames[s]; ok {
		return c
	}
	return s
}

var (
	regionNamesOnce sync.Once
	regionNames     map[string]string
)

// rowErrs collects errors of one row, stamping the line.
type rowErrs struct {
	line int
	es   FieldErrors
}

func (e *rowErrs) add(field, reason string) {
	e.es = append(e.es, FieldError{Line: e.line, Field: field, Reason: reason})
}

func (e *rowErrs) date(row Row, key string, required bool) time.Time {
	v := row.Get(key)
	if v == "" {
		if required {
			e.add(FieldLabel(key), "不能为空，请填写日期（如2024-03-05）")
		}
		return time.Time{}
	}
	t, err := ParseDate(v, row.XLSX)
	if err != nil {
		e.add(FieldLabel(key), err.Error())
	}
	return t
}

func (e *rowErrs) merge(es FieldErrors) FieldErrors {
	for _, f := range es {
		f.Line = e.line
		// a date that could not be parsed is already reported; skip the
		// "不能为空" echo of the same field
		dup := false
		for _, g := range e.es {
			if g.Field == f.Field {
				dup = true
				break
			}
		}
		if !dup {
			e.es = append(e.es, f)
		}
	}
	if len(e.es) == 0 {
		return nil
	}
	return e.es
}

// SubjectFromRow turns a row into a validated Subject, or returns every
// problem with the row's line.
func SubjectFromRow(row Row) (Subject, FieldErrors) {
	e := rowErrs{line: row.Line}
	s := Subject{
		USCC:       row.Get(KeyUSCC),
		RegNo:      row.Get(KeyRegNo),
		Name:       row.Get(KeyName),
		Type:       SubjectType(row.Get(KeyType)),
		LegalRep:   row.Get(KeyLegalRep),
		Address:    row.Get(KeyAddress),
		CityCode:   regionCode(row.Get(KeyCity)),
		CountyCode: regionCode(row.Get(KeyCounty)),
		Status:     SubjectStatus(row.Get(KeyStatus)),
		Industry:   row.Get(KeyIndustry),
	}
	if s.Name == "" {
		s.Name = row.Get(KeyPartyName)
	}
	if s.Status == "在业" || s.Status == "开业" {
		s.Status = StatusActive
	}
	s.EstablishedOn = e.date(row, KeyEstablishedOn, false)
	s.ApprovedOn = e.date(row, KeyApprovedOn, false)
	es := e.merge(ValidateSubject(&s))
	return s, es
}

// RecordFromRow turns a row into a validated Record. The type comes from the
// 记录类型 column, else from def (the type the whole file was declared as).
func RecordFromRow(row Row, def RecordType) (Record, FieldErrors) {
	e := rowErrs{line: row.Line}
	t := def
	if v := row.Get(KeyRecordType); v != "" {
		if pt, ok := ParseRecordType(v); ok {
			t = pt
		} else {
			t = RecordType(v)
		}
	}
	r := Record{
		Type:           t,
		PartyName:      row.Get(KeyPartyName),
		PartyCategory:  PartyCategory(row.Get(KeyPartyCategory)),
		USCC:           row.Get(KeyUSCC),
		RegNo:          row.Get(KeyRegNo),
		OrgCode:        row.Get(KeyOrgCode),
		TaxNo:          row.Get(KeyTaxNo),
		InstitutionNo:  row.Get(KeyInstitutionNo),
		SocialOrgNo:    row.Get(KeySocialOrgNo),
		LegalRep:       row.Get(KeyLegalRep),
		LegalRepIDType: row.Get(KeyLegalRepIDType),
		LegalRepID:     halfWidth(row.Get(KeyLegalRepID)),
		IDType:         row.Get(KeyIDType),
		IDNo:           halfWidth(row.Get(KeyIDNo)),
		DocName:        row.Get(KeyDocName),
		DocNo:          row.Get(KeyDocNo),
		Authority:      row.Get(KeyAuthority),
		AuthorityID:    row.Get(KeyAuthorityID),
		SourceUnit:     row.Get(KeySourceUnit),
		SourceUnitID:   row.Get(KeySourceUnitID),
		SourceRegion:   regionCode(row.Get(KeySourceRegion)),
		Remark:         row.Get(KeyRemark),
		Severity:       Severity(row.Get(KeySeverity)),
	}
	if r.PartyName == "" {
		r.PartyName = row.Get(KeyName)
	}
	if r.PartyCategory == "法人" || r.PartyCategory == "法人及其他组织" {
		r.PartyCategory = PartyOrg
	}
	dateField := fieldName(t, fDecisionDate)
	if v := row.Get(KeyDecisionDate); v != "" {
		d, err := ParseDate(v, row.XLSX)
		if err != nil {
			e.add(dateField, err.Error())
		}
		r.DecisionDate = d
	}
	r.PublicUntil = e.date(row, KeyPublicUntil, false)
	switch t {
	case TypeLicence:
		l := &LicenceDetail{
			Category:  row.Get(KeyLicenceCategory),
			CertName:  row.Get(KeyCertName),
			LicenceNo: row.Get(KeyLicenceNo),
			Content:   row.Get(KeyLicenceContent),
			State:     row.Get(KeyState),
		}
		switch l.State {
		case "1":
			l.State = "有效"
		case "2":
			l.State = "无效"
		}
		l.ValidFrom = e.date(row, KeyValidFrom, false)
		l.ValidTo = e.date(row, KeyValidTo, false)
		r.Licence = l
	case TypePenalty:
		p := &PenaltyDetail{
			ViolationType: row.Get(KeyViolationType),
			Facts:         row.Get(KeyFacts),
			Basis:         row.Get(KeyBasis),
			Content:       row.Get(KeyPenaltyContent),
			Licences:      row.Get(KeyLicences),
		}
		for _, k := range strings.FieldsFunc(row.Get(KeyPenaltyKinds), func(c rune) bool { return c == ';' || c == '；' || c == '、' || c == ',' || c == '，' }) {
			if k = strings.TrimSpace(k); k != "" {
				p.Kinds = append(p.Kinds, k)
			}
		}
		if v := row.Get(KeyFine); v != "" {
			fen, err := ParseWanYuan(v)
			if err != nil {
				e.add("罚款金额（万元）", err.Error())
			}
			p.FineFen = fen
		}
		if v := row.Get(KeyConfiscated); v != "" {
			fen, err := ParseWanYuan(v)
			if err != nil {
				e.add("没收违法所得、没收非法财物的金额（万元）", err.Error())
			}
			p.ConfiscatedFen = fen
		}
		p.ValidUntil = e.date(row, KeyPenaltyValidTo, false)
		r.Penalty = p
	}
	es := e.merge(ValidateRecord(&r))
	return r, es
}

// BlacklistFromRow turns a row into a validated BlacklistEntry.
func BlacklistFromRow(row Row) (BlacklistEntry, FieldErrors) {
	e := rowErrs{line: row.Line}
	b := BlacklistEntry{
		ListType:          row.Get(KeyListType),
		SubjectName:       row.Get(KeyName),
		USCC:              row.Get(KeyUSCC),
		Reason:            row.Get(KeyReason),
		LegalBasis:        row.Get(KeyLegalBasis),
		DecidingUnit:      row.Get(KeyAuthority),
		DecidingUnitID:    row.Get(KeyAuthorityID),
		DocNo:             row.Get(KeyDocNo),
		RemovalConditions: row.Get(KeyRemovalCondition),
		RemovalReason:     row.Get(KeyRemovalReason),
		SourceRegion:      regionCode(row.Get(KeySourceRegion)),
	}
	if b.SubjectName == "" {
		b.SubjectName = row.Get(KeyPartyName)
	}
	b.ListedOn = e.date(row, KeyListedOn, false)
	b.PlannedRemovalOn = e.date(row, KeyPlannedRemoval, false)
	b.RemovedOn = e.date(row, KeyRemovedOn, false)
	es := e.merge(ValidateBlacklist(&b))
	return b, es
}

// ImportReport sums up one pass over a file: every bad row with its line,
// field and reason; valid rows went to the accept function.
type ImportReport struct {
	Format   Format       `json:"format"`
	Encoding string       `json:"encoding"`
	Rows     int          `json:"rows"`     // data rows read (empty rows skipped)
	Accepted int          `json:"accepted"` // rows handed to accept
	Rejected int          `json:"rejected"` // rows with at least one error
	Errors   []FieldError `json:"errors"`   // every error, in file order
}

// ValidateRows reads every row of rr, converts it with conv and hands each
// valid value to accept; bad rows are reported and reading goes on. It stops
// early only on a file error or an error from accept.
func ValidateRows[T any](rr *RowReader, conv func(Row) (T, FieldErrors), accept func(line int, v T) error) (ImportReport, error) {
	rep := ImportReport{Format: rr.Format(), Encoding: rr.Encoding()}
	for {
		row, err := rr.Next()
		if err == io.EOF {
			return rep, nil
		}
		var fe FieldError
		if errors.As(err, &fe) {
			rep.Rows++
			rep.Rejected++
			rep.Errors = append(rep.Errors, fe)
			continue
		}
		if err != nil {
			return rep, err
		}
		rep.Rows++
		v, es := conv(row)
		if len(es) > 0 {
			rep.Rejected++
			rep.Errors = append(rep.Errors, es...)
			continue
		}
		if accept != nil {
			if err := accept(row.Line, v); err != nil {
				return rep, err
			}
		}
		rep.Accepted++
	}
}
