package river

import (
	"context"
	"fmt"
	"io"
	"os"

	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
)

// ImportSummary counts an import's rows.
type ImportSummary struct {
	Rows, Stored, Unchanged, Rejected, Warnings int
	// NoReach names the sections (“编号 名称”) with a reading worse than their target
	// that opened no 监测预警 because no reach is responsible for them.
	NoReach []string
}

// noReachNote is what the people who imported or pushed a reading are told when it is
// worse than its section's target but no reach (and so no 河长办) is responsible for it.
const noReachNote = "超过目标类别，但断面未指定责任河段，未生成监测预警问题：请在一河一档中为断面指定责任河段"

// ImportFile imports water-quality readings from a CSV (UTF-8) or .xlsx file
// (header "断面编号,采样时间,<项目代码或名称>…"; empty cells are not measured).
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
	for _, sec := range s.NoReach {
		fmt.Fprintf(out, "断面 %s %s\n", sec, noReachNote)
	}
	return nil
}

// ImportReadings reads readings from a CSV (UTF-8) or .xlsx file (first
// worksheet; the content decides, not the name); rejected rows are written to
// out with their line numbers.
func (m *Module) ImportReadings(ctx context.Context, r io.Reader, by *auth.User, out io.Writer) (ImportSummary, error) {
	src, err := openReadings(r)
	if err != nil {
		return ImportSummary{}, err
	}
	return m.importReadings(ctx, src, by, out)
}
