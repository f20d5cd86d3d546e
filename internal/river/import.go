package river

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/web"
)

// ImportSummary counts an import's rows.
type ImportSummary struct {
	Rows, Stored, Unchanged, Rejected, Warnings int
}

// ImportFile imports water-quality readings from a CSV file (UTF-8, header
// "断面编号,采样时间,<项目代码或名称>…"; empty cells are not measured).
// Every row is classed by GB 3838-2002; a bad row is reported with its line
// number and reason and the others are kept; a re-run changes nothing.
func (m *Module) ImportFile(ctx context.Context, d *platform.Deps, path string, by *auth.User, out io.Writer) error {
	if m.d == nil {
		m.d = d
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("无法打开文件：%w", err)
	}
	defer f.Close()
	s, err := m.ImportReadings(ctx, f, by, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "水质数据导入：共 %d 行，新增 %d，已有 %d，拒绝 %d，新开监测预警问题 %d\n", s.Rows, s.Stored, s.Unchanged, s.Rejected, s.Warnings)
	return nil
}

// ImportReadings reads CSV readings from r; rejected rows are written to out.
func (m *Module) ImportReadings(ctx context.Context, r io.Reader, by *auth.User, out io.Writer) (ImportSummary, error) {
	var s ImportSummary
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return s, &auth.FieldError{Field: "file", Message: "文件为空或不是 CSV 格式"}
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	if len(head) < 3 {
		return s, &auth.FieldError{Field: "file", Message: "表头至少需要“断面编号,采样时间”和一个监测项目"}
	}
	params := head[2:]
	for i, p := range params {
		params[i] = strings.TrimSpace(p)
		if m.std.Param(params[i]) == nil {
			return s, &auth.FieldError{Field: params[i], Message: fmt.Sprintf("表头第%d列“%s”不是GB 3838-2002表1的监测项目", i+3, params[i])}
		}
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		s.Rows++
		if err != nil {
			s.Rejected++
			fmt.Fprintf(out, "第%d行：无法读取（%v）\n", line, err)
			continue
		}
		in := ReadingInput{Values: map[string]float64{}}
		if len(rec) > 0 {
			in.SectionID = strings.TrimSpace(rec[0])
		}
		if len(rec) > 1 {
			in.SampledAt = rec[1]
		}
		bad := ""
		for i, p := range params {
			if i+2 >= len(rec) || strings.TrimSpace(rec[i+2]) == "" {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[i+2]), 64)
			if err != nil {
				bad = fmt.Sprintf("%s的数值“%s”不是数字", p, rec[i+2])
				break
			}
			in.Values[p] = v
		}
		if bad != "" {
			s.Rejected++
			fmt.Fprintf(out, "第%d行：%s\n", line, bad)
			continue
		}
		res, err := m.AddReading(ctx, by, in)
		if err != nil {
			s.Rejected++
			fmt.Fprintf(out, "第%d行：%s\n", line, web.Classify(err).Message)
			continue
		}
		if res.Stored {
			s.Stored++
		} else {
			s.Unchanged++
		}
		if res.ProblemID != 0 {
			s.Warnings++
		}
	}
	return s, nil
}
