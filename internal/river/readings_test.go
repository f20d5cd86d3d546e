package river_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/audit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// readingsWorkbook writes rows to the first sheet of a new .xlsx; a float64
// cell is stored as a number (an Excel date-time serial for the sampling time).
func readingsWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportReadingsXLSX(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := mustUser(t, e, "cd-office")
		// 46297.3333… is 2026-10-01 08:00 as an Excel serial date-time
		book := readingsWorkbook(t, [][]any{
			{"断面编号", "采样时间", "氨氮", "COD", "DO"},
			{"T-SEC-1", 46296 + 8.0/24, 0.4, 12, 7},    // line 2: Ⅱ类, date as a number
			{"T-SEC-1", "2026-10-02 08:00", -1, 12, 7}, // line 3: negative
			{}, // line 4: empty, skipped
			{"T-SEC-1", "2026-10-03 08:00", "abc", 12, 7},
			{"NOPE", "2026-10-04 08:00", 0.4, 12, 7},
			{"T-SEC-1", "2026-10-05 08:00", 1.8, 12, 7}, // line 7: Ⅴ类 > target Ⅲ: one warning
			{"T-SEC-1", "2026-10-06 08:00", 2.5, 12, 7}, // line 8: 劣Ⅴ, same run: no second warning
			{"T-SEC-1", "2026-10-06 08:00", 2.5, 12, 7}, // line 9: the same reading again in the file
			{"T-SEC-1", "昨天", 0.4, 12, 7},
		})
		path := filepath.Join(t.TempDir(), "readings.xlsx")
		if err := writeFile(path, book); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := e.m.ImportFile(ctx, e.a.Deps, path, u, &out); err != nil {
			t.Fatal(err)
		}
		rep := out.String()
		for _, want := range []string{"第3行：氨氮的浓度-1为负数", "第5行：氨氮的数值“abc”不是数字", "第6行：断面“NOPE”不存在", "第10行：采样时间格式不正确",
			"共 8 行，新增 3，已有 1，拒绝 4，新开监测预警问题 1"} {
			if !strings.Contains(rep, want) {
				t.Fatalf("report lacks %q:\n%s", want, rep)
			}
		}
		if strings.Contains(rep, "第4行") {
			t.Fatalf("empty row reported:\n%s", rep)
		}
		if n := e.count("SELECT COUNT(*) FROM river_readings WHERE section_id = 'T-SEC-1' AND sampled_at = ?", "2026-10-01T00:00:00.000000Z"); n != 1 {
			var got []string
			rows, _ := db.Query(ctx, "SELECT sampled_at FROM river_readings")
			for rows.Next() {
				var s string
				rows.Scan(&s)
				got = append(got, s)
			}
			rows.Close()
			t.Fatalf("Excel serial time not read as 2026-10-01 08:00 Asia/Shanghai: %v", got)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'monitoring' AND section_id = 'T-SEC-1'"); n != 1 {
			t.Fatalf("warnings %d", n)
		}
		if n := e.count("SELECT last_class FROM river_sections WHERE id = 'T-SEC-1'"); n != 6 {
			t.Fatalf("last class %d, want 6 (劣Ⅴ of the latest reading)", n)
		}
		if n, _ := audit.Count(ctx, db, audit.Filter{Module: "river", Action: "import"}); n != 1 {
			t.Fatalf("import audit entries %d", n)
		}
		// a re-run changes nothing
		out.Reset()
		if err := e.m.ImportFile(ctx, e.a.Deps, path, u, &out); err != nil || !strings.Contains(out.String(), "新增 0，已有 4，拒绝 4，新开监测预警问题 0") {
			t.Fatalf("re-run: %v\n%s", err, out.String())
		}
		if n := e.count("SELECT COUNT(*) FROM river_readings"); n != 3 {
			t.Fatalf("readings %d", n)
		}
		// a 德阳 user may not import a 成都 section's readings
		out.Reset()
		if err := e.m.ImportFile(ctx, e.a.Deps, path, mustUser(t, e, "dy-office"), &out); err != nil || !strings.Contains(out.String(), "第2行：断面“T-SEC-1”不在您的辖区内") {
			t.Fatalf("德阳 import: %v\n%s", err, out.String())
		}
		// a bad header names the column; a non-spreadsheet is refused; nothing stored
		for _, c := range []struct {
			body []byte
			want string
		}{
			{readingsWorkbook(t, [][]any{{"断面编号", "采样时间", "叶绿素"}, {"T-SEC-1", "2026-10-09 08:00", 1}}), "表头第3列“叶绿素”不是GB 3838-2002表1的监测项目"},
			{[]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1old"), "旧版 Excel"},
			{[]byte("PK\x03\x04broken"), "Excel 文件不完整或已损坏"},
			{[]byte("\xb6\xcf\xc3\xe6\xb1\xe0\xba\xc5,\xb2\xc9\xd1\xf9\xca\xb1\xbc\xe4,NH3N\nT-SEC-1,2026-10-09 08:00,0.3\n"), "不是 UTF-8 编码"},
		} {
			_, err := e.m.ImportReadings(ctx, bytes.NewReader(c.body), u, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM river_readings"); n != 3 {
			t.Fatalf("readings after bad files %d", n)
		}

		// the upload page gives the same per-row report; the trend page charts the section
		c := e.login("cd-office")
		resp, body := c.Get("/river/trends")
		if resp.StatusCode != 200 || !strings.Contains(body, "测试断面") || !strings.Contains(body, `action="/river/readings/import"`) {
			t.Fatalf("trends page %d", resp.StatusCode)
		}
		more := readingsWorkbook(t, [][]any{{"断面编号", "采样时间", "NH3N"}, {"T-SEC-1", "2026-10-07 08:00", 0.3}, {"T-SEC-1", "2026-10-08 08:00", "x"}})
		resp, body = c.upload("/river/readings/import", "file", "more.xlsx", more)
		if resp.StatusCode != 200 || !strings.Contains(body, "共 2 行：新增 1，已有 0，拒绝 1") || !strings.Contains(body, "第3行：NH3N的数值“x”不是数字") {
			t.Fatalf("upload %d", resp.StatusCode)
		}
		resp, body = c.Get("/river/trends/T-SEC-1?from=2026-10-01&to=2026-10-31")
		if resp.StatusCode != 200 || !strings.Contains(body, `<strong id="points">4</strong>`) || !strings.Contains(body, `<strong id="attained">2</strong>`) ||
			!strings.Contains(body, `<strong id="target">Ⅲ类</strong>`) || !strings.Contains(body, "目标Ⅲ类限值 1") || strings.Contains(body, "<script>") {
			t.Fatalf("trend page %d", resp.StatusCode)
		}
		var tr struct {
			Points []struct {
				Class  int
				Values map[string]float64
			}
			Params []struct {
				Code   string
				Limits []float64
				Target float64
			}
		}
		if st := e.api("dy-office", "GET", "/api/v1/river/sections/T-SEC-1/trend?from=2026-10-01&to=2026-10-31", nil, &tr); st != 200 || len(tr.Points) != 4 {
			t.Fatalf("trend api %d %+v", st, tr)
		}
		if tr.Points[1].Class != 5 || tr.Points[1].Values["NH3N"] != 1.8 {
			t.Fatalf("trend point %+v", tr.Points[1])
		}
		var nh3 []float64
		var target float64
		for _, p := range tr.Params {
			if p.Code == "NH3N" {
				nh3, target = p.Limits, p.Target
			}
		}
		// GB 3838-2002 表1 氨氮: 0.15, 0.5, 1.0, 1.5, 2.0; target Ⅲ → 1.0
		if len(nh3) != 5 || nh3[0] != 0.15 || nh3[4] != 2.0 || target != 1.0 {
			t.Fatalf("氨氮 limits %v target %v", nh3, target)
		}
		var ae apiErr
		if st := e.api("cd-office", "GET", "/api/v1/river/sections/T-SEC-1/trend?from=2026-13-01", nil, &ae); st != 400 || ae.Error.Field != "from" {
			t.Fatalf("bad date %d %+v", st, ae)
		}
	})
}

func (c *client) upload(path, field, name string, data []byte) (*http.Response, string) {
	c.T.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", c.CSRF)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.Base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}
