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
}

// Import reads a CSV or .xlsx from r (size -1 when unknown), validates every
// row and stores the valid ones by natural key in transactions of chunkRows
// rows, each with its rejected rows, the batch counters and an audit entry.
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
	defRT := defaultRecordType(rr.Keys())
	var (
		subjects  []Subject
		records   []Record
		blacklist []BlacklistEntry
		rejects   []Reject
		firstLine int
		lastLine  int
		pending   int
	)
	flush := func(done bool) error {
		if pending == 0 && len(rejects) == 0 && !done {
			return nil
		}
		err := im.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := bulkCache(ctx, tx); err != nil {
				return err
			}
			var err error
			switch kind {
			case KindSubjects:
				err = upsertSubjects(ctx, tx, subjects, res.BatchID, time.Now())
			case KindRecords:
				err = upsertRecords(ctx, tx, records, res.BatchID, today, time.Now())
			case KindBlacklist:
				err = upsertBlacklist(ctx, tx, blacklist, res.BatchID, time.Now())
			}
			if err != nil {
				return err
			}
			if err := insertRejects(ctx, tx, res.BatchID, rejects, today, u.Region); err != nil {
				return err
			}
			if err := updateBatch(ctx, tx, res.BatchID, res.Rows, res.Accepted, res.Rejected, done); err != nil {
				return err
			}
			if im.SkipAudit || (pending == 0 && len(rejects) == 0) {
				return nil
			}
			return audit.Log(ctx, tx, audit.Entry{Action: "import", Module: "credit", ObjectType: "batch", ObjectID: strconv.FormatInt(res.BatchID, 10), Region: u.Region,
				Detail: fmt.Sprintf("%s %s 第%d–%d行：保存%d行，拒收问题%d项", KindNames[kind], name, firstLine, lastLine, pending, len(rejects))})
		})
		if err != nil {
			return err
		}
		subjects, records, blacklist, rejects, pending, firstLine = subjects[:0], records[:0], blacklist[:0], rejects[:0], 0, 0
		if im.Progress != nil {
			im.Progress(res.Rows)
		}
		if im.Chunk != nil {
			im.Chunk(res.BatchID, res.Rows, res.Accepted, res.Rejected)
		}
		return nil
	}
	reject := func(es FieldErrors, rt, city, unit string) {
		res.Rejected++
		for _, e := range es {
			rj := Reject{Line: e.Line, Field: e.Field, Reason: e.Reason, Type: rt, City: city, SourceUnit: unit}
			rejects = append(rejects, rj)
			res.Errors = append(res.Errors, rj)
		}
	}
	scopeErr := func(line int, field, code string) FieldErrors {
		return FieldErrors{{Line: line, Field: field, Reason: "“" + region.FullName(code) + "”不在您的辖区（" + region.FullName(u.Region) + "）内，您只能报送本辖区的数据"}}
	}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		row, err := rr.Next()
		if err == io.EOF {
			break
		}
		var fe FieldError
		if errors.As(err, &fe) {
			res.Rows++
			reject(FieldErrors{fe}, "", cityOf(u.Region), "")
			lastLine = fe.Line
			continue
		}
		if err != nil {
			return res, err
		}
		res.Rows++
		if firstLine == 0 {
			firstLine = row.Line
		}
		lastLine = row.Line
		switch kind {
		case KindSubjects:
			s, es := SubjectFromRow(row)
			if len(es) == 0 && !u.CanWrite(SubjectRegion(&s)) {
				es = scopeErr(row.Line, "所属地市", SubjectRegion(&s))
			}
			if len(es) > 0 {
				reject(es, "", cityOf(u.Region), "")
				continue
			}
			subjects = append(subjects, s)
		case KindRecords:
			rec, es := RecordFromRow(row, defRT)
			if len(es) == 0 && !u.CanWrite(rec.SourceRegion) {
				es = scopeErr(row.Line, "数据来源地区", rec.SourceRegion)
			}
			if len(es) > 0 {
				city := cityOf(rec.SourceRegion)
				if city == "" {
					city = cityOf(u.Region)
				}
				reject(es, string(rec.Type), city, rec.SourceUnit)
				continue
			}
			records = append(records, rec)
		case KindBlacklist:
			e, es := BlacklistFromRow(row)
			if len(es) == 0 && !u.CanWrite(BlacklistRegion(&e)) {
				es = scopeErr(row.Line, "数据来源地区", BlacklistRegion(&e))
			}
			if len(es) > 0 {
				reject(es, "", cityOf(u.Region), "")
				continue
			}
			blacklist = append(blacklist, e)
		}
		res.Accepted++
		pending++
		if pending >= chunkRows {
			if err := flush(false); err != nil {
				return res, err
			}
		}
	}
	if err := flush(true); err != nil {
		return res, err
	}
	if kind == KindSubjects && res.Accepted >= optimizeSearchThreshold {
		if err := optimizeSearchIndex(ctx, im.DB); err != nil {
			return res, err
		}
	}
	return res, nil
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
	hash, err := hashReader(f)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return im.Import(ctx, f, st.Size(), filepath.Base(path), hash, u)
}
