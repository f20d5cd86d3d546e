package river

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// rowSource yields the records of an import file with their line numbers
// (the CSV line, or the worksheet row); io.EOF at the end. A *rowError is one
// unreadable row; reading goes on.
type rowSource interface {
	next() (line int, rec []string, err error)
	close() error
}

type rowError struct {
	line int
	msg  string
}

func (e *rowError) Error() string { return e.msg }

type csvSource struct{ r *csv.Reader }

func (c *csvSource) next() (int, []string, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	line, _ := c.r.FieldPos(0)
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return pe.StartLine, nil, &rowError{pe.StartLine, fmt.Sprintf("无法读取（%v）", pe.Err)}
		}
		return line, nil, err
	}
	return line, rec, nil
}

func (c *csvSource) close() error { return nil }

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
}

func (x *xlsxSource) next() (int, []string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, errXLSX
		}
		return 0, nil, io.EOF
	}
	x.line++
	rec, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return x.line, nil, errXLSX
	}
	return x.line, rec, nil
}

func (x *xlsxSource) close() error {
	x.rows.Close()
	return x.f.Close()
}

var errXLSX = &auth.FieldError{Field: "file", Message: "Excel 文件不完整或已损坏，请重新导出为 .xlsx 后再导入"}

// openReadings sniffs the content (not the name): an .xlsx (zip) is read from
// its first worksheet, anything else as UTF-8 CSV.
func openReadings(r io.Reader) (rowSource, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(8)
	switch {
	case len(head) == 0:
		return nil, &auth.FieldError{Field: "file", Message: "文件是空的，第1行应为表头“断面编号,采样时间,监测项目…”"}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		f, err := excelize.OpenReader(br, excelize.Options{UnzipSizeLimit: 2 << 30, UnzipXMLSizeLimit: 64 << 20})
		if err != nil {
			return nil, errXLSX
		}
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return nil, errXLSX
		}
		rows, err := f.Rows(sheets[0])
		if err != nil {
			f.Close()
			return nil, errXLSX
		}
		return &xlsxSource{f: f, rows: rows}, nil
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return nil, &auth.FieldError{Field: "file", Message: "这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 或 CSV UTF-8 后导入"}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvSource{r: cr}, nil
}

// importBatch is how many valid rows one transaction stores; readingsPerInsert
// how many one INSERT statement carries (prepared once per transaction).
const (
	importBatch       = 10000
	readingsPerInsert = 250
)

type pendingReading struct {
	line  int
	sec   *SectionRow
	at    string
	vals  string
	worst string
	res   Result
}

// importReadings validates every row like the push API (section, sampling
// time, GB 3838-2002 parameters, units, negative values), stores the valid
// ones in batches (a re-sent reading changes nothing) and opens one 监测预警
// problem per exceedance of a section's target while none of the section is
// open. Rejected rows go to out as "第N行：reason".
func (m *Module) importReadings(ctx context.Context, src rowSource, by *auth.User, out io.Writer) (ImportSummary, error) {
	var s ImportSummary
	defer src.close()
	_, head, err := src.next()
	if err != nil {
		if err == io.EOF {
			return s, &auth.FieldError{Field: "file", Message: "文件是空的，第1行应为表头“断面编号,采样时间,监测项目…”"}
		}
		var fe *auth.FieldError
		if errors.As(err, &fe) {
			return s, err
		}
		return s, &auth.FieldError{Field: "file", Message: "第1行表头无法读取，请检查文件是否为 CSV（UTF-8）或 .xlsx"}
	}
	head = append([]string(nil), head...)
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	if !utf8.ValidString(strings.Join(head, ",")) {
		return s, &auth.FieldError{Field: "file", Message: "文件不是 UTF-8 编码（可能是 GBK），请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后导入"}
	}
	for len(head) > 0 && strings.TrimSpace(head[len(head)-1]) == "" {
		head = head[:len(head)-1]
	}
	if len(head) < 3 {
		return s, &auth.FieldError{Field: "file", Message: "表头至少需要“断面编号,采样时间”和一个监测项目"}
	}
	params := make([]string, len(head)-2)
	for i, p := range head[2:] {
		params[i] = strings.TrimSpace(p)
		if m.std.Param(params[i]) == nil {
			return s, &auth.FieldError{Field: params[i], Message: fmt.Sprintf("表头第%d列“%s”不是GB 3838-2002表1的监测项目", i+3, params[i])}
		}
	}
	// the parameters' names sorted and once each: the order values are checked in (the
	// first at fault is named, as for one reading pushed) and written to values_json
	keys := slices.Compact(slices.Sorted(slices.Values(params)))
	values := make(map[string]float64, len(params)) // one row's values, refilled for each row
	layout := 0                                     // the form of the previous sampling time
	sections := map[string]*SectionRow{}
	allowed := map[string]bool{}
	var batch []pendingReading
	now := m.Now()
	// A second goroutine stores the validated batches while the next is read.
	batches := make(chan []pendingReading, 1)
	storeDone := make(chan error, 1)
	var stored ImportSummary
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				err = m.storeReadings(ctx, b, now, &stored)
			}
		}
		storeDone <- err
	}()
	finish := func(err error) (ImportSummary, error) {
		close(batches)
		serr := <-storeDone
		s.Stored, s.Unchanged, s.Warnings = stored.Stored, stored.Unchanged, stored.Warnings
		if err == nil {
			err = serr
		}
		return s, err
	}
	reject := func(line int, msg string) {
		s.Rejected++
		fmt.Fprintf(out, "第%d行：%s\n", line, msg)
	}
	for {
		line, rec, err := src.next()
		if err == io.EOF {
			break
		}
		var re *rowError
		if errors.As(err, &re) {
			s.Rows++
			reject(re.line, re.msg)
			continue
		}
		if err != nil {
			return finish(err)
		}
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
		s.Rows++
		clear(values)
		in := ReadingInput{Values: values}
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
			reject(line, bad)
			continue
		}
		sec, ok := sections[in.SectionID]
		if !ok {
			sec, err = getSection(ctx, m.d.DB, in.SectionID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return finish(err)
			}
			sections[in.SectionID] = sec
			allowed[in.SectionID] = sec != nil && (by == nil || by.CanWrite(sec.Region) || by.CanWrite(region.CityOf(sec.Region)))
		}
		if sec == nil {
			reject(line, fmt.Sprintf("断面“%s”不存在，请检查断面编号", in.SectionID))
			continue
		}
		if !allowed[in.SectionID] {
			reject(line, fmt.Sprintf("断面“%s”不在您的辖区内，不能导入其数据", in.SectionID))
			continue
		}
		at, err := parseSampledCell(in.SampledAt, &layout)
		if err != nil {
			reject(line, web.Classify(err).Message)
			continue
		}
		sm, err := m.checkValues(in.Values, nil, keys, sec.Body)
		if err != nil {
			reject(line, web.Classify(err).Message)
			continue
		}
		res, err := m.std.Classify(sm, Options{})
		if err != nil {
			reject(line, err.Error())
			continue
		}
		batch = append(batch, pendingReading{line: line, sec: sec, at: store.Time(at), vals: valuesJSON(in.Values, keys), worst: strings.Join(res.Worst, "、"), res: res})
		if len(batch) >= importBatch {
			select {
			case batches <- batch:
			case err := <-storeDone:
				storeDone <- err
				return finish(ctx.Err())
			}
			batch = make([]pendingReading, 0, importBatch)
		}
	}
	if len(batch) > 0 {
		batches <- batch
	}
	return finish(nil)
}

// parseSampledCell reads a sampling time as text or, from an .xlsx, as an
// Excel serial date-time (1900 date system, Asia/Shanghai); *layout is the text
// form tried first (see parseSampledLike).
func parseSampledCell(v string, layout *int) (time.Time, error) {
	t, err := parseSampledLike(v, layout)
	if err == nil {
		return t, nil
	}
	if f, e := strconv.ParseFloat(strings.TrimSpace(v), 64); e == nil && f > 1 && f < 2958466 {
		day := math.Floor(f)
		sec := math.Round((f - day) * 86400)
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, shanghai)
		return base.AddDate(0, 0, int(day)).Add(time.Duration(sec) * time.Second).UTC(), nil
	}
	return time.Time{}, err
}

// storeReadings stores one batch in a transaction: the readings (a re-sent
// one is skipped), the sections' latest class, the warnings and the audit entry.
func (m *Module) storeReadings(ctx context.Context, batch []pendingReading, now time.Time, s *ImportSummary) error {
	if len(batch) == 0 {
		return nil
	}
	var stored, warnings int
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		stored, warnings = 0, 0
		added := make([]bool, len(batch)) // rows this batch added
		var full *sql.Stmt                // the INSERT of readingsPerInsert rows, prepared once
		defer func() {
			if full != nil {
				full.Close()
			}
		}()
		created := store.Time(now)
		for lo := 0; lo < len(batch); lo += readingsPerInsert {
			part := batch[lo:min(lo+readingsPerInsert, len(batch))]
			args := make([]any, 0, len(part)*7)
			for _, p := range part {
				args = append(args, p.sec.ID, p.sec.Region, p.at, p.vals, int(p.res.Class), p.worst, created)
			}
			// Fresh data (all rows added) and a re-run (none added) are told
			// apart by the count; a mixed part is rolled back to the savepoint
			// and inserted again returning the keys it added.
			if _, err := tx.Exec(ctx, "SAVEPOINT readings_part"); err != nil {
				return err
			}
			var res sql.Result
			var err error
			if len(part) == readingsPerInsert {
				if full == nil {
					if full, err = tx.Tx.PrepareContext(ctx, m.d.DB.Rebind(insertReadingsSQL(readingsPerInsert, false))); err != nil {
						return err
					}
				}
				res, err = full.ExecContext(ctx, args...)
			} else {
				res, err = tx.Tx.ExecContext(ctx, m.d.DB.Rebind(insertReadingsSQL(len(part), false)), args...)
			}
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			switch {
			case n == int64(len(part)):
				for i := range part {
					added[lo+i] = true
				}
			case n > 0:
				if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT readings_part"); err != nil {
					return err
				}
				rows, err := tx.Tx.QueryContext(ctx, m.d.DB.Rebind(insertReadingsSQL(len(part), true)), args...)
				if err != nil {
					return err
				}
				keys := map[string]bool{}
				for rows.Next() {
					var sec, at string
					if err := rows.Scan(&sec, &at); err != nil {
						rows.Close()
						return err
					}
					keys[sec+"|"+at] = true
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				for i, p := range part {
					if k := p.sec.ID + "|" + p.at; keys[k] {
						added[lo+i] = true
						delete(keys, k) // a row repeated in the file counts once
					}
				}
			}
			if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT readings_part"); err != nil {
				return err
			}
		}
		// the sections' latest class first: the UPDATE also locks each section's row, so a
		// reading of the same section pushed meanwhile (AddReading updates the row before it
		// looks for an open warning) waits for this batch's warnings and sees them
		touched := map[string]bool{}
		for i, p := range batch {
			if added[i] && !touched[p.sec.ID] {
				touched[p.sec.ID] = true
				if err := setLatestClass(ctx, tx, p.sec.ID); err != nil {
					return err
				}
			}
		}
		open := map[string]bool{}
		for i, p := range batch {
			if !added[i] {
				continue
			}
			stored++
			if p.sec.Target == 0 || p.res.Class <= p.sec.Target || open[p.sec.ID] {
				continue
			}
			pr, err := m.openWarning(ctx, tx, p.sec, p.res, now)
			if err != nil {
				return err
			}
			open[p.sec.ID] = true // opened now, or one was already open
			if pr == nil {
				continue
			}
			warnings++
			if err := audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "river", ObjectType: "problem", ObjectID: pr.ID, Region: pr.Region,
				Detail: fmt.Sprintf("监测预警（导入第%d行）：%s", p.line, pr.Description)}); err != nil {
				return err
			}
		}
		if stored == 0 {
			return nil
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "import", Module: "river", ObjectType: "reading", Region: batch[0].sec.Region,
			Detail: fmt.Sprintf("导入水质监测数据 %d 条（第%d–%d行），新开监测预警问题 %d 个", stored, batch[0].line, batch[len(batch)-1].line, warnings)})
	})
	if err != nil {
		return err
	}
	s.Stored += stored
	s.Unchanged += len(batch) - stored
	s.Warnings += warnings
	return nil
}

// setLatestClass sets a section's class to its latest reading's, by sampling time: a
// reading sampled before the latest (a station's backlog sent late) is stored but does
// not change it. The UPDATE locks the section's row until the transaction ends.
func setLatestClass(ctx context.Context, q store.Querier, sectionID string) error {
	_, err := q.Exec(ctx, `UPDATE river_sections SET last_class = COALESCE((SELECT class FROM river_readings WHERE section_id = ?
		ORDER BY sampled_at DESC LIMIT 1), last_class) WHERE id = ?`, sectionID, sectionID)
	return err
}

// insertReadingsSQL is the INSERT of n readings that skips the ones already
// stored, returning the keys of those it added if asked.
func insertReadingsSQL(n int, returning bool) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO river_readings (section_id, region, sampled_at, values_json, class, worst, created_at, demo) VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, 0)")
	}
	sb.WriteString(" ON CONFLICT (section_id, sampled_at) DO NOTHING")
	if returning {
		sb.WriteString(" RETURNING section_id, sampled_at")
	}
	return sb.String()
}

// valuesJSON writes the values as a JSON object with sorted keys, as
// json.Marshal would, without its reflection (the import's hot path); keys are
// the names a value may have, sorted and once each.
func valuesJSON(v map[string]float64, keys []string) string {
	var buf [256]byte
	b := append(buf[:0], '{')
	for _, k := range keys {
		x, ok := v[k]
		if !ok {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	return string(append(b, '}'))
}
