package credit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// Import kinds: what a file holds, decided from its headers.
const (
	KindSubjects  = "subjects"
	KindRecords   = "records"
	KindBlacklist = "blacklist"
)

// KindNames are the Chinese names of the import kinds.
var KindNames = map[string]string{KindSubjects: "市场主体", KindRecords: "行政管理信息", KindBlacklist: "严重失信主体名单"}

// chunkRows is how many rows one transaction of an import commits.
const chunkRows = 2000

// DetectKind decides from the header keys whether a file holds subjects,
// records or blacklist entries.
func DetectKind(keys []string) (string, error) {
	has := map[string]bool{}
	for _, k := range keys {
		has[k] = true
	}
	switch {
	case has[KeyListType] || has[KeyListedOn]:
		return KindBlacklist, nil
	case has[KeyDocNo] || has[KeyRecordType] || has[KeyPartyName] || has[KeyDecisionDate]:
		return KindRecords, nil
	case has[KeyUSCC] && has[KeyName]:
		return KindSubjects, nil
	}
	return "", &FileError{"file_header", "无法从表头判断文件内容：市场主体文件须有“统一社会信用代码”和“主体名称”列，行政管理信息须有“决定文书号”列，严重失信主体名单须有“名单类别”和“列入日期”列。请使用模板的表头"}
}

// defaultRecordType is the type of a records file without a 记录类型 column,
// told by its type-specific columns.
func defaultRecordType(keys []string) RecordType {
	for _, k := range keys {
		switch k {
		case KeyViolationType, KeyPenaltyKinds, KeyFine, KeyBasis:
			return TypePenalty
		case KeyLicenceCategory, KeyCertName, KeyLicenceNo, KeyLicenceContent:
			return TypeLicence
		}
	}
	return ""
}

// ImportResult sums up one import.
type ImportResult struct {
	BatchID  int64    `json:"batch_id"`
	Kind     string   `json:"kind"`
	FileName string   `json:"file_name"`
	Format   Format   `json:"format"`
	Encoding string   `json:"encoding"`
	Rows     int      `json:"rows"`
	Accepted int      `json:"accepted"`
	Rejected int      `json:"rejected"`
	Errors   []Reject `json:"errors"` // every problem, in file order
	// Bulk is true when the file was stored in one transaction with the
	// subjects' secondary indexes built afterwards (see Importer.Bulk).
	Bulk bool `json:"bulk,omitempty"`
}

// Importer stores files into the library.
type Importer struct {
	DB *store.DB
	// Now is the clock (the 报送日期 of new records is its day in Asia/Shanghai).
	Now func() time.Time
	// Progress, when set, is called after every committed chunk.
	Progress func(rows int)
	// Chunk, when set, is called after every committed chunk with the batch
	// and its counts so far (rows = accepted + rejected).
	Chunk func(batchID int64, rows, accepted, rejected int)
	// SkipAudit leaves out the audit entry of each chunk (demo data only).
	SkipAudit bool
	// Bulk lets a large subjects file be stored in one transaction on SQLite
	// (see bulkWanted): the secondary indexes are dropped and built once at
	// the end, which is many times faster than updating them row by row, but
	// the write lock is held until the whole file is stored, so a server
	// sharing the file waits for it. The command line sets it; uploads through
	// the server keep committing every chunkRows rows.
	Bulk bool
}

// part is what the reader hands to the writer: the valid values and the
// problems of up to chunkRows (bulk: bulkPartRows) rows, and the counts of
// the file so far.
type part struct {
	subjects                 []Subject
	records                  []Record
	blacklist                []BlacklistEntry
	lines                    []int // file line of each stored value, in order
	rejects                  []Reject
	first                    int // first line of a stored row of the part (0: none)
	last                     int // last line read
	stored                   int // valid rows in the part
	rows, accepted, rejected int
}

// Import reads a CSV or .xlsx from r (size -1 when unknown), validates every
// row and stores the valid ones by natural key in transactions of chunkRows
// rows, each with its rejected rows, the batch counters and an audit entry
// (a bulk import: one transaction for the whole file, see Bulk). Reading and
// validating run beside the writing, one goroutine each.
// hash identifies the file (re-importing the same file reuses its batch).
// Rows whose region is outside u's are rejected.
func (im *Importer) Import(ctx context.Context, r io.Reader, size int64, name, hash string, u *auth.User) (*ImportResult, error) {
	rr, err := OpenRows(r, size, ReadOptions{})
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	kind, err := DetectKind(rr.Keys())
	if err != nil {
		return nil, err
	}
	now := im.Now
	if now == nil {
		now = time.Now
	}
	t := now().In(shanghai)
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	res := &ImportResult{Kind: kind, FileName: name, Format: rr.Format(), Encoding: rr.Encoding()}
	b := &Batch{Kind: kind, FileName: name, Format: string(rr.Format()), Encoding: rr.Encoding(), Region: u.Region, Username: u.Username}
	res.BatchID, err = beginBatch(ctx, im.DB, b, hash, u.ID)
	if err != nil {
		return nil, err
	}
	if im.Bulk && kind == KindSubjects {
		res.Bulk, err = bulkWanted(ctx, im.DB, size)
		if err != nil {
			return nil, err
		}
	}
	n := chunkRows
	if res.Bulk {
		n = bulkPartRows
	}
	// the reader stops when the writer fails (rctx), the writer when the reader does
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	parts := make(chan *part, 2)
	w := &partWriter{im: im, res: res, kind: kind, name: name, today: today, u: u}
	go func() {
		defer close(parts)
		w.readErr = readParts(rctx, rr, kind, u, today, n, parts, &res.Errors)
	}()
	if res.Bulk {
		err = w.bulk(ctx, parts)
	} else {
		err = w.chunks(ctx, parts)
	}
	// the reader is stopped and waited for: from here on res is the caller's alone
	stop()
	for range parts {
	}
	if err == nil {
		err = w.readErr
	}
	if err != nil {
		return res, err
	}
	if kind == KindSubjects && !res.Bulk && res.Accepted >= optimizeSearchThreshold {
		if err := optimizeSearchIndex(ctx, im.DB); err != nil {
			return res, err
		}
	}
	return res, nil
}

// readParts reads every row of rr, validates it and checks it against u's
// region, and sends the valid values and the problems to out in parts of n
// stored rows; every problem is also appended to errs. It ends at the end of
// the file, on a file error or when ctx ends.
func readParts(ctx context.Context, rr *RowReader, kind string, u *auth.User, today time.Time, n int, out chan<- *part, errs *[]Reject) error {
	defRT := defaultRecordType(rr.Keys())
	p := &part{}
	var rows, accepted, rejected int
	send := func() error {
		p.rows, p.accepted, p.rejected = rows, accepted, rejected
		select {
		case out <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
		p = &part{last: p.last}
		return nil
	}
	reject := func(es FieldErrors, rt, city, unit string, rec *Record) {
		rejected++
		var filled, required int
		var unitID string
		if rec != nil {
			filled, required = RequiredFieldCount(rec)
			unitID = validUnitID(rec.SourceUnitID)
		}
		for _, e := range es {
			rj := Reject{Line: e.Line, Field: e.Field, Reason: e.Reason, Type: rt, City: city, SourceUnit: unit, SourceUnitID: unitID, Filled: filled, Required: required}
			p.rejects = append(p.rejects, rj)
			*errs = append(*errs, rj)
		}
	}
	scopeErr := func(line int, field, code string) FieldErrors {
		return FieldErrors{{Line: line, Field: field, Reason: "“" + region.FullName(code) + "”不在您的辖区（" + region.FullName(u.Region) + "）内，您只能报送本辖区的数据"}}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := rr.Next()
		if err == io.EOF {
			break
		}
		var fe FieldError
		if errors.As(err, &fe) {
			rows++
			reject(FieldErrors{fe}, "", cityOf(u.Region), "", nil)
			p.last = fe.Line
			continue
		}
		if err != nil {
			return err
		}
		rows++
		p.last = row.Line
		switch kind {
		case KindSubjects:
			s, es := SubjectFromRow(row)
			if len(es) == 0 && !u.CanWrite(SubjectRegion(&s)) {
				es = scopeErr(row.Line, "所属地市", SubjectRegion(&s))
			}
			if len(es) > 0 {
				reject(es, "", cityOf(u.Region), "", nil)
				continue
			}
			p.subjects = append(p.subjects, s)
		case KindRecords:
			rec, es := RecordFromRow(row, defRT)
			if len(es) == 0 {
				es = DecisionNotFuture(&rec, today, row.Line)
			}
			if len(es) == 0 && !u.CanWrite(rec.SourceRegion) {
				es = scopeErr(row.Line, "数据来源地区", rec.SourceRegion)
			}
			if len(es) > 0 {
				city := cityOf(rec.SourceRegion)
				if city == "" {
					city = cityOf(u.Region)
				}
				reject(es, string(rec.Type), city, rec.SourceUnit, &rec)
				continue
			}
			p.records = append(p.records, rec)
		case KindBlacklist:
			e, es := BlacklistFromRow(row)
			if len(es) == 0 && !u.CanWrite(BlacklistRegion(&e)) {
				es = scopeErr(row.Line, "数据来源地区", BlacklistRegion(&e))
			}
			if len(es) > 0 {
				reject(es, "", cityOf(u.Region), "", nil)
				continue
			}
			p.blacklist = append(p.blacklist, e)
		}
		if p.first == 0 {
			p.first = row.Line
		}
		p.lines = append(p.lines, row.Line)
		accepted++
		p.stored++
		if p.stored >= n {
			if err := send(); err != nil {
				return err
			}
		}
	}
	return send()
}

// partWriter stores the parts of one import.
type partWriter struct {
	im    *Importer
	res   *ImportResult
	kind  string
	name  string
	today time.Time
	u     *auth.User
	// readErr is why the reader stopped early (set before parts is closed)
	readErr error
}

// store writes the values and problems of p in tx.
func (w *partWriter) store(ctx context.Context, tx *store.Tx, p *part) error {
	var err error
	switch w.kind {
	case KindSubjects:
		err = upsertSubjects(ctx, tx, p.subjects, p.lines, w.res.BatchID, time.Now())
	case KindRecords:
		err = upsertRecords(ctx, tx, p.records, p.lines, w.res.BatchID, w.today, time.Now())
	case KindBlacklist:
		err = upsertBlacklist(ctx, tx, p.blacklist, p.lines, w.res.BatchID, time.Now())
	}
	if err != nil {
		return err
	}
	w.res.Rows, w.res.Accepted, w.res.Rejected = p.rows, p.accepted, p.rejected
	return insertRejects(ctx, tx, w.res.BatchID, p.rejects, w.today, w.u.Region)
}

// finish updates the batch counters and writes the audit entry of the rows
// stored since the last one (lines first–last, stored rows, problems).
func (w *partWriter) finish(ctx context.Context, tx *store.Tx, first, last, stored, problems int, done bool) error {
	if err := updateBatch(ctx, tx, w.res.BatchID, w.res.Rows, w.res.Accepted, w.res.Rejected, done); err != nil {
		return err
	}
	if w.im.SkipAudit || (stored == 0 && problems == 0) {
		return nil
	}
	return audit.Log(ctx, tx, audit.Entry{Action: "import", Module: "credit", ObjectType: "batch", ObjectID: strconv.FormatInt(w.res.BatchID, 10), Region: w.u.Region,
		Detail: fmt.Sprintf("%s %s 第%d–%d行：保存%d行，拒收问题%d项", KindNames[w.kind], w.name, first, last, stored, problems)})
}

func (w *partWriter) committed() {
	if w.im.Progress != nil {
		w.im.Progress(w.res.Rows)
	}
	if w.im.Chunk != nil {
		w.im.Chunk(w.res.BatchID, w.res.Rows, w.res.Accepted, w.res.Rejected)
	}
}

// chunks commits every part in a transaction of its own; the last one also
// marks the batch done. A part is held until the next one arrives, so that
// the last is known.
func (w *partWriter) chunks(ctx context.Context, parts <-chan *part) error {
	commit := func(p *part, done bool) error {
		err := w.im.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := bulkCache(ctx, tx); err != nil {
				return err
			}
			if err := w.store(ctx, tx, p); err != nil {
				return err
			}
			return w.finish(ctx, tx, p.first, p.last, p.stored, len(p.rejects), done)
		})
		if err != nil {
			return err
		}
		w.committed()
		return nil
	}
	var held *part
	for p := range parts {
		if held != nil {
			if err := commit(held, false); err != nil {
				return err
			}
		}
		held = p
	}
	if held == nil || w.readErr != nil {
		return w.readErr // nothing read, or the reader stopped early: the held part is not the last
	}
	return commit(held, true)
}

// bulkCache gives the connection of tx a page cache of 64 MiB on SQLite: with
// the default 2 MiB a large import rereads index pages from the file all the
// time (most of its system time).
func bulkCache(ctx context.Context, tx *store.Tx) error {
	if tx.D() != store.SQLite {
		return nil
	}
	_, err := tx.Exec(ctx, "PRAGMA cache_size = -65536")
	return err
}

// cityOf is the city of a region code, "" when unknown or the province.
func cityOf(code string) string {
	if !region.Valid(code) {
		return ""
	}
	c := region.CityOf(code)
	if c == region.ProvinceCode {
		return ""
	}
	return c
}

// hashFile returns the SHA-256 of a file's content.
func hashReader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ImportPath imports the file at path (see Import).
func (im *Importer) ImportPath(ctx context.Context, path string, u *auth.User) (*ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &FileError{"file_missing", "找不到文件 " + filepath.Base(path) + "，请检查路径"}
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &FileError{"file_type", filepath.Base(path) + " 是目录，请给出 CSV 或 .xlsx 文件"}
	}
	if st.Size() > DefaultMaxBytes { // refused before the file is read through for its hash
		return nil, tooLarge(st.Size(), DefaultMaxBytes)
	}
	hash, err := hashReader(f)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return im.Import(ctx, f, st.Size(), filepath.Base(path), hash, u)
}
