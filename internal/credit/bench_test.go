package credit

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/xuri/excelize/v2"
)

// genUSCC makes a valid enterprise code issued in one of the four cities
// from a seeded generator.
func genUSCC(r *rand.Rand) string {
	regions := []string{"510104", "510107", "510185", "510603", "511402", "512002"}
	body := []byte("MA6")
	for i := 0; i < 5; i++ {
		body = append(body, usccCharset[r.IntN(31)])
	}
	c17, _ := OrgCodeCheckChar(string(body))
	first := "91" + regions[r.IntN(len(regions))] + string(body) + string(c17)
	c18, _ := USCCCheckChar(first)
	return first + string(c18)
}

var benchHeader = []string{"统一社会信用代码", "企业名称", "主体类型", "法定代表人", "注册地址", "所属地市", "所属区县", "登记状态", "成立日期"}

func benchRows(n int) [][]string {
	r := rand.New(rand.NewPCG(2022, 1380000))
	cities := [][2]string{{"510100", "510107"}, {"510600", "510603"}, {"511400", "511402"}, {"512000", "512002"}}
	rows := make([][]string, n)
	for i := range rows {
		c := cities[r.IntN(4)]
		rows[i] = []string{genUSCC(r), fmt.Sprintf("成德眉资示例企业%06d有限公司", i), "企业", "张三", "四川省某市某路" + fmt.Sprint(i) + "号",
			c[0], c[1], "存续", fmt.Sprintf("20%02d-%02d-%02d", 10+r.IntN(15), 1+r.IntN(12), 1+r.IntN(28))}
	}
	return rows
}

func benchCSV(n int) []byte {
	var buf bytes.Buffer
	for i, h := range benchHeader {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(h)
	}
	buf.WriteByte('\n')
	for _, row := range benchRows(n) {
		for i, v := range row {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(v)
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func benchXLSX(b *testing.B, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	toAny := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	if err := sw.SetRow("A1", toAny(benchHeader)); err != nil {
		b.Fatal(err)
	}
	for i, row := range benchRows(n) {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, toAny(row)); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkParseUSCC(b *testing.B) {
	codes := make([]string, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range codes {
		codes[i] = genUSCC(r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ParseUSCC(codes[i&1023]); err != nil {
			b.Fatal(err)
		}
	}
}

func benchImport(b *testing.B, data []byte, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rr, err := OpenRows(bytes.NewReader(data), int64(len(data)), ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := ValidateRows(rr, SubjectFromRow, nil)
		rr.Close()
		if err != nil || rep.Accepted != n {
			b.Fatalf("%v accepted %d errors %v", err, rep.Accepted, rep.Errors[:min(3, len(rep.Errors))])
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImportCSV100k reads a generated 100,000-row subject CSV through
// the row validator.
func BenchmarkImportCSV100k(b *testing.B) {
	const n = 100_000
	benchImport(b, benchCSV(n), n)
}

// BenchmarkImportXLSX100k does the same with an .xlsx written by excelize.
func BenchmarkImportXLSX100k(b *testing.B) {
	const n = 100_000
	benchImport(b, benchXLSX(b, n), n)
}

func BenchmarkBulletinMonth(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	cities := []string{"510100", "510600", "511400", "512000"}
	recs := make([]RecordSummary, 200_000)
	for i := range recs {
		dec := d("2022-01-01").AddDate(0, 0, r.IntN(365))
		recs[i] = RecordSummary{Type: RecordTypes[r.IntN(9)], CityCode: cities[r.IntN(4)], SourceUnit: fmt.Sprint("部门", r.IntN(60)),
			DecisionDate: dec, SubmittedOn: dec.AddDate(0, 0, r.IntN(20)), Rejected: r.IntN(50) == 0, Required: 15, Filled: 15 - r.IntN(2)}
	}
	cfg := DefaultBulletinConfig()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ComputeBulletin(cfg, 2022, 6, recs)
	}
}
