package credit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// maxParams bounds the placeholders of one multi-row statement (SQLite allows
// 32766, PostgreSQL 65535).
const maxParams = 15000

// upsertMany inserts rows into table in multi-row statements; a row whose
// natural key (conflict) exists updates the columns upd, and only when one of
// the columns cmp differs, so that storing the same data again changes nothing.
// Rows must not repeat a key (PostgreSQL refuses to touch a row twice).
//
// Nor does a row overwrite what a later line of the same import file stored
// (batch_id and batch_line, batch 0 being no file): a key that comes twice in
// one file, parts apart, is stored with its last line, and when the same file
// is imported again its earlier line leaves that row alone instead of writing
// it back and forth.
func upsertMany(ctx context.Context, q store.Querier, table string, cols []string, conflict string, upd, cmp []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	sets := make([]string, len(upd))
	for i, c := range upd {
		sets[i] = c + " = excluded." + c
	}
	diffs := make([]string, len(cmp))
	for i, c := range cmp {
		diffs[i] = table + "." + c + " <> excluded." + c
	}
	tail := " ON CONFLICT (" + conflict + ") DO UPDATE SET " + strings.Join(sets, ", ") + " WHERE (" + strings.Join(diffs, " OR ") + ")" +
		" AND NOT (excluded.batch_id <> 0 AND " + table + ".batch_id = excluded.batch_id AND " + table + ".batch_line > excluded.batch_line)"
	// statements of stmtRows rows, prepared once per call (SQLite parses a
	// statement of 9,000 placeholders in about as long as it runs it)
	per := min(stmtRows, maxParams/len(cols))
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			args = append(args, rows[i]...)
		}
		query := func() string {
			var sb strings.Builder
			sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
			for i := start; i < end; i++ {
				if i > start {
					sb.WriteString(", ")
				}
				sb.WriteString(ph)
			}
			sb.WriteString(tail)
			return sb.String()
		}
		tx, isTx := q.(*store.Tx)
		if end-start == per && isTx && q.D() == store.SQLite && len(rows) >= 2*per {
			if full == nil {
				st, err := tx.Tx.PrepareContext(ctx, query())
				if err != nil {
					return err
				}
				full = st
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		if _, err := q.Exec(ctx, query(), args...); err != nil {
			return err
		}
	}
	return nil
}

// stmtRows is how many rows one multi-row statement of upsertMany stores.
const stmtRows = 500

func dateText(t time.Time) string { return FormatDate(t) }

func parseDateText(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// SubjectRegion is the owner of a subject: its county when known, else its city.
func SubjectRegion(s *Subject) string {
	if s.CountyCode != "" {
		return s.CountyCode
	}
	return s.CityCode
}

// RecordRegion is the owner of a record: the data-source region.
func RecordRegion(r *Record) string { return r.SourceRegion }

// BlacklistRegion is the owner of a blacklist entry: its data-source region,
// else the province (entries decided by provincial departments).
func BlacklistRegion(b *BlacklistEntry) string {
	if b.SourceRegion != "" {
		return b.SourceRegion
	}
	return region.ProvinceCode
}

var subjectCols = []string{"skey", "uscc", "uscc_flags", "reg_no", "name", "stype", "legal_rep", "address", "region", "city", "county", "status", "industry", "established_on", "approved_on", "batch_id", "batch_line", "created_at", "updated_at"}
var subjectCmp = []string{"uscc", "uscc_flags", "reg_no", "name", "stype", "legal_rep", "address", "region", "city", "county", "status", "industry", "established_on", "approved_on"}

// lineOf is the file line of the i-th value of a part (0 when not from a file).
func lineOf(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}

// upsertSubjects stores subjects by natural key (last one wins for a key repeated in ss);
// lines are their lines in the import file of batchID (nil: not from a file).
func upsertSubjects(ctx context.Context, q store.Querier, ss []Subject, lines []int, batchID int64, now time.Time) error {
	ts := store.Time(now)
	idx := map[string]int{}
	var rows [][]any
	for i := range ss {
		s := &ss[i]
		row := []any{s.Key(), s.USCC, int(s.USCCFlags), s.RegNo, s.Name, string(s.Type), s.LegalRep, s.Address, SubjectRegion(s), s.CityCode, s.CountyCode,
			string(s.Status), s.Industry, dateText(s.EstablishedOn), dateText(s.ApprovedOn), batchID, lineOf(lines, i), ts, ts}
		if j, ok := idx[s.Key()]; ok {
			rows[j] = row
			continue
		}
		idx[s.Key()] = len(rows)
		rows = append(rows, row)
	}
	upd := append(append([]string{}, subjectCmp...), "batch_id", "batch_line", "updated_at")
	return upsertMany(ctx, q, "credit_subjects", subjectCols, "skey", upd, subjectCmp, rows)
}

var recordCols = []string{"rtype", "doc_no", "party_name", "party_category", "uscc", "reg_no", "id_no", "decision_date", "authority", "source_unit", "source_unit_id", "region", "city",
	"severity", "violation_type", "fine_fen", "public_end", "filled", "required", "body_json", "submitted_on", "batch_id", "batch_line", "created_at", "updated_at"}
var recordCmp = []string{"party_name", "party_category", "uscc", "reg_no", "id_no", "decision_date", "authority", "source_unit", "source_unit_id", "region", "city",
	"severity", "violation_type", "fine_fen", "public_end", "filled", "required", "body_json"}

// upsertRecords stores records by natural key (type + document number);
// submittedOn is the 报送日期 of records new to the library; lines as for upsertSubjects.
func upsertRecords(ctx context.Context, q store.Querier, rs []Record, lines []int, batchID int64, submittedOn, now time.Time) error {
	ts := store.Time(now)
	idx := map[string]int{}
	var rows [][]any
	for i := range rs {
		r := &rs[i]
		r.DocNo = strings.TrimSpace(r.DocNo)
		body, err := json.Marshal(r)
		if err != nil {
			return err
		}
		filled, required := RequiredFieldCount(r)
		var vt string
		var fine int64
		if r.Penalty != nil {
			vt, fine = r.Penalty.ViolationType, r.Penalty.FineFen
		}
		row := []any{string(r.Type), r.DocNo, r.PartyName, string(r.PartyCategory), r.USCC, r.RegNo, strings.ToUpper(strings.TrimSpace(r.IDNo)), dateText(r.DecisionDate),
			r.Authority, r.SourceUnit, r.SourceUnitID, r.SourceRegion, region.CityOf(r.SourceRegion), string(r.Severity), vt, fine, dateText(r.PublicEnd(time.Time{})),
			filled, required, string(body), dateText(submittedOn), batchID, lineOf(lines, i), ts, ts}
		if j, ok := idx[r.Key()]; ok {
			rows[j] = row
			continue
		}
		idx[r.Key()] = len(rows)
		rows = append(rows, row)
	}
	upd := append(append([]string{}, recordCmp...), "batch_id", "batch_line", "updated_at")
	return upsertMany(ctx, q, "credit_records", recordCols, "rtype, doc_no", upd, recordCmp, rows)
}

var blacklistCols = []string{"list_type", "doc_no", "uscc", "subject_name", "deciding_unit", "listed_on", "planned_removal_on", "removed_on", "region", "city", "body_json", "batch_id", "batch_line", "created_at", "updated_at"}
var blacklistCmp = []string{"uscc", "subject_name", "deciding_unit", "listed_on", "planned_removal_on", "removed_on", "region", "city", "body_json"}

// upsertBlacklist stores entries by natural key (list type + document number);
// lines as for upsertSubjects.
func upsertBlacklist(ctx context.Context, q store.Querier, bs []BlacklistEntry, lines []int, batchID int64, now time.Time) error {
	ts := store.Time(now)
	idx := map[string]int{}
	var rows [][]any
	for i := range bs {
		b := &bs[i]
		b.DocNo = strings.TrimSpace(b.DocNo)
		body, err := json.Marshal(b)
		if err != nil {
			return err
		}
		reg := BlacklistRegion(b)
		row := []any{b.ListType, b.DocNo, b.USCC, b.SubjectName, b.DecidingUnit, dateText(b.ListedOn), dateText(b.PlannedRemovalOn), dateText(b.RemovedOn),
			reg, region.CityOf(reg), string(body), batchID, lineOf(lines, i), ts, ts}
		if j, ok := idx[b.Key()]; ok {
			rows[j] = row
			continue
		}
		idx[b.Key()] = len(rows)
		rows = append(rows, row)
	}
	upd := append(append([]string{}, blacklistCmp...), "batch_id", "batch_line", "updated_at")
	return upsertMany(ctx, q, "credit_blacklist", blacklistCols, "list_type, doc_no", upd, blacklistCmp, rows)
}

// Reject is one problem of one rejected row of an import batch.
type Reject struct {
	Line       int    `json:"line"`
	Field      string `json:"field"`
	Reason     string `json:"reason"`
	Type       string `json:"type,omitempty"`
	City       string `json:"city,omitempty"`
	SourceUnit string `json:"source_unit,omitempty"`
	// SourceUnitID is the data-source unit's USCC as the row gives it (the
	// bulletin's department), when it is a valid code.
	SourceUnitID string `json:"-"`
	// Filled and Required: the 双公示 required fields of a rejected record
	// row that it fills, and how many its type has (RequiredFieldCount), for
	// the bulletin's completeness; 0 for other rows.
	Filled   int `json:"-"`
	Required int `json:"-"`
}

// insertRejects stores rejected rows of a batch; a row stored before (a re-run
// of the same file) is left as it is.
func insertRejects(ctx context.Context, q store.Querier, batchID int64, rj []Reject, submittedOn time.Time, reg string) error {
	cols := []string{"batch_id", "line", "field", "reason", "rtype", "city", "source_unit", "submitted_on", "region", "filled", "required", "source_unit_id"}
	seen := map[[3]any]bool{}
	per := maxParams / len(cols)
	for start := 0; start < len(rj); start += per {
		end := min(start+per, len(rj))
		var sb strings.Builder
		sb.WriteString("INSERT INTO credit_rejects (" + strings.Join(cols, ", ") + ") VALUES ")
		var args []any
		n := 0
		for _, r := range rj[start:end] {
			k := [3]any{r.Line, r.Field, r.Reason}
			if seen[k] {
				continue
			}
			seen[k] = true
			if n > 0 {
				sb.WriteString(", ")
			}
			n++
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, batchID, r.Line, r.Field, r.Reason, r.Type, r.City, r.SourceUnit, dateText(submittedOn), reg, r.Filled, r.Required, r.SourceUnitID)
		}
		if n == 0 {
			continue
		}
		sb.WriteString(" ON CONFLICT (batch_id, line, field, reason) DO NOTHING")
		if _, err := q.Exec(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// Batch is one import of one file (导入批次).
type Batch struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	FileName   string    `json:"file_name"`
	Format     string    `json:"format"`
	Encoding   string    `json:"encoding"`
	Rows       int       `json:"rows"`
	Accepted   int       `json:"accepted"`
	Rejected   int       `json:"rejected"`
	Status     string    `json:"status"` // running, done
	Region     string    `json:"region"`
	Username   string    `json:"username"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
}

// beginBatch returns the batch of (kind, file hash), creating it or reopening it
// (a re-run of the same file).
func beginBatch(ctx context.Context, q store.Querier, b *Batch, hash string, userID int64) (int64, error) {
	return store.InsertID(ctx, q, `INSERT INTO credit_batches (kind, file_hash, file_name, format, encoding, status, region, user_id, username, started_at)
		VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)
		ON CONFLICT (kind, file_hash) DO UPDATE SET status = 'running', file_name = excluded.file_name, user_id = excluded.user_id, username = excluded.username, started_at = excluded.started_at`,
		b.Kind, hash, b.FileName, b.Format, b.Encoding, b.Region, userID, b.Username, store.Time(time.Now()))
}

func updateBatch(ctx context.Context, q store.Querier, id int64, rows, accepted, rejected int, done bool) error {
	status, fin := "running", ""
	if done {
		status, fin = "done", store.Time(time.Now())
	}
	_, err := q.Exec(ctx, "UPDATE credit_batches SET rows_read = ?, accepted = ?, rejected = ?, status = ?, finished_at = ? WHERE id = ?", rows, accepted, rejected, status, fin, id)
	return err
}

func getBatch(ctx context.Context, q store.Querier, id int64) (*Batch, error) {
	var b Batch
	var started, fin string
	err := q.QueryRow(ctx, `SELECT id, kind, file_name, format, encoding, rows_read, accepted, rejected, status, region, username, started_at, finished_at
		FROM credit_batches WHERE id = ?`, id).Scan(&b.ID, &b.Kind, &b.FileName, &b.Format, &b.Encoding, &b.Rows, &b.Accepted, &b.Rejected, &b.Status, &b.Region, &b.Username, &started, &fin)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	b.StartedAt = store.ParseTime(started)
	if fin != "" {
		b.FinishedAt = store.ParseTime(fin)
	}
	return &b, nil
}

func batchRejects(ctx context.Context, q store.Querier, id int64, limit int) ([]Reject, error) {
	qs := "SELECT line, field, reason, rtype, city, source_unit FROM credit_rejects WHERE batch_id = ? ORDER BY line, id"
	args := []any{id}
	if limit > 0 {
		qs += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := q.Query(ctx, qs, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reject
	for rows.Next() {
		var r Reject
		if err := rows.Scan(&r.Line, &r.Field, &r.Reason, &r.Type, &r.City, &r.SourceUnit); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StoredSubject is a subject as stored.
type StoredSubject struct {
	ID     int64  `json:"id"`
	Key    string `json:"key"`
	Region string `json:"region"`
	Subject
}

const subjectSelect = "SELECT id, skey, uscc, uscc_flags, reg_no, name, stype, legal_rep, address, region, city, county, status, industry, established_on, approved_on FROM credit_subjects"

func scanSubjects(rows *sql.Rows) ([]StoredSubject, error) {
	defer rows.Close()
	var out []StoredSubject
	for rows.Next() {
		var s StoredSubject
		var flags int
		var typ, status, est, appr string
		if err := rows.Scan(&s.ID, &s.Key, &s.USCC, &flags, &s.RegNo, &s.Name, &typ, &s.LegalRep, &s.Address, &s.Region, &s.CityCode, &s.CountyCode, &status, &s.Industry, &est, &appr); err != nil {
			return nil, err
		}
		s.USCCFlags, s.Type, s.Status = USCCFlags(flags), SubjectType(typ), SubjectStatus(status)
		s.EstablishedOn, s.ApprovedOn = parseDateText(est), parseDateText(appr)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SearchBy says which field a look-up searches.
type SearchBy string

const (
	ByUSCC     SearchBy = "uscc"      // exact, normalised
	ByName     SearchBy = "name"      // any part of the name (3 characters or more; 1–2: exact and beginning)
	ByLegalRep SearchBy = "legal_rep" // name of the legal representative, exact first, then beginning with it
)

// likeEscape escapes LIKE wildcards (ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// searchSubjects finds the first limit subjects (see SearchSubjects).
func searchSubjects(ctx context.Context, q store.Querier, by SearchBy, text string, limit int) ([]StoredSubject, error) {
	res, err := SearchSubjects(ctx, q, by, text, 0, limit)
	if err != nil {
		return nil, err
	}
	return res.Results, nil
}

func getSubject(ctx context.Context, q store.Querier, key string) (*StoredSubject, error) {
	rows, err := q.Query(ctx, subjectSelect+" WHERE skey = ?", key)
	if err != nil {
		return nil, err
	}
	ss, err := scanSubjects(rows)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, store.ErrNotFound
	}
	return &ss[0], nil
}

// UnregisteredNote is the note on the report of a code found only in records
// or on the blacklist, not among the library's market subjects.
const UnregisteredNote = "该主体不在成德眉资市场主体库中（可能在四市以外登记），以下是四市报送的该代码的记录"

// subjectOrParty finds the subject of key; for a valid USCC that is not among
// the subjects (a company registered outside the four cities, penalised or
// listed in one of them) it returns the party as the latest record or
// blacklist entry names it, with registered false, so that a look-up before
// a licence does not miss its penalties. store.ErrNotFound when the code is
// nowhere.
func subjectOrParty(ctx context.Context, q store.Querier, key string) (s *StoredSubject, registered bool, err error) {
	s, err = getSubject(ctx, q, key)
	if !errors.Is(err, store.ErrNotFound) {
		return s, err == nil, err
	}
	u, perr := ParseUSCC(key)
	if perr != nil || u.NoCode() || u.Code != key {
		return nil, false, err
	}
	var name, reg string
	err = q.QueryRow(ctx, "SELECT party_name, region FROM credit_records WHERE uscc = ? ORDER BY decision_date DESC, id DESC LIMIT 1", key).Scan(&name, &reg)
	if errors.Is(err, sql.ErrNoRows) {
		err = q.QueryRow(ctx, "SELECT subject_name, region FROM credit_blacklist WHERE uscc = ? ORDER BY listed_on DESC, id DESC LIMIT 1", key).Scan(&name, &reg)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, store.ErrNotFound
	}
	if err != nil {
		return nil, false, err
	}
	return &StoredSubject{Key: key, Region: reg, Subject: Subject{USCC: key, USCCFlags: u.Flags, Name: name, CityCode: region.CityOf(reg)}}, false, nil
}

// StoredRecord is a record as stored.
type StoredRecord struct {
	ID          int64     `json:"id"`
	Region      string    `json:"region"`
	SubmittedOn time.Time `json:"submitted_on"`
	RepairedOn  time.Time `json:"repaired_on,omitempty"` // approved credit repair ended publication
	Record
}

func scanRecords(rows *sql.Rows) ([]StoredRecord, error) {
	defer rows.Close()
	var out []StoredRecord
	for rows.Next() {
		var r StoredRecord
		var body, sub, rep string
		if err := rows.Scan(&r.ID, &r.Region, &sub, &rep, &body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &r.Record); err != nil {
			return nil, err
		}
		r.SubmittedOn, r.RepairedOn = parseDateText(sub), parseDateText(rep)
		out = append(out, r)
	}
	return out, rows.Err()
}

// subjectRecords lists the records of a subject (by USCC, or 工商注册号 for a
// subject without a code), of every city, newest first.
func subjectRecords(ctx context.Context, q store.Querier, s *StoredSubject) ([]StoredRecord, error) {
	var rows *sql.Rows
	var err error
	if s.USCCFlags&FlagNoCode != 0 {
		rows, err = q.Query(ctx, "SELECT id, region, submitted_on, repaired_on, body_json FROM credit_records WHERE reg_no = ? AND uscc = ? ORDER BY decision_date DESC, id DESC", s.RegNo, s.USCC)
	} else {
		rows, err = q.Query(ctx, "SELECT id, region, submitted_on, repaired_on, body_json FROM credit_records WHERE uscc = ? ORDER BY decision_date DESC, id DESC", s.USCC)
	}
	if err != nil {
		return nil, err
	}
	return scanRecords(rows)
}

// StoredEntry is a blacklist entry as stored.
type StoredEntry struct {
	ID         int64     `json:"id"`
	Region     string    `json:"region"`
	RepairedOn time.Time `json:"repaired_on,omitempty"` // removed by an approved credit repair
	BlacklistEntry
}

// InForce reports whether the entry is in force on day `on`, counting a credit repair.
func (e *StoredEntry) InForce(on time.Time) bool {
	if !e.RepairedOn.IsZero() && !Day(on).Before(e.RepairedOn) {
		return false
	}
	return e.ListedOnDay(on)
}

func subjectBlacklist(ctx context.Context, q store.Querier, uscc string) ([]StoredEntry, error) {
	return queryEntries(ctx, q, "SELECT id, region, repaired_on, body_json FROM credit_blacklist WHERE uscc = ? ORDER BY listed_on DESC, id DESC", uscc)
}

// PriorPenalty is a 行政处罚 record of the library as the discretion module
// needs it for 首违不罚 and 再犯.
type PriorPenalty struct {
	SubjectID     string    `json:"subject_id"`     // USCC or ID number of the party
	SubjectName   string    `json:"subject_name"`   // 行政相对人名称
	ViolationType string    `json:"violation_type"` // 违法行为类型 (the kind of violation)
	DecidedOn     time.Time `json:"decided_on"`     // 处罚决定日期
	DocNo         string    `json:"doc_no"`         // 行政处罚决定书文号
	Authority     string    `json:"authority"`      // 处罚机关
	Region        string    `json:"region"`         // 数据来源地区 GB/T 2260
}

// priorPenalties finds the 行政处罚 of the party subjectID (USCC or ID number,
// in any case). An empty ID and the 个体工商户 placeholder (17个0加X) name no
// one: they find nothing rather than every party without a code or number.
func priorPenalties(ctx context.Context, q store.Querier, subjectID, kind string, since time.Time) ([]PriorPenalty, error) {
	id := NormalizeUSCC(subjectID)
	if id == "" || id == NoCodePlaceholder {
		return nil, nil
	}
	qs := `SELECT uscc, id_no, party_name, violation_type, decision_date, doc_no, authority, region FROM credit_records
		WHERE rtype = ? AND (uscc = ? OR id_no = ?) AND decision_date >= ?`
	args := []any{string(TypePenalty), id, id, dateText(since)}
	if kind != "" {
		qs += " AND violation_type = ?"
		args = append(args, kind)
	}
	rows, err := q.Query(ctx, qs+" ORDER BY decision_date, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PriorPenalty
	for rows.Next() {
		var p PriorPenalty
		var uscc, idNo, d string
		if err := rows.Scan(&uscc, &idNo, &p.SubjectName, &p.ViolationType, &d, &p.DocNo, &p.Authority, &p.Region); err != nil {
			return nil, err
		}
		p.SubjectID = uscc
		if p.SubjectID == "" {
			p.SubjectID = idNo
		}
		p.DecidedOn = parseDateText(d)
		out = append(out, p)
	}
	return out, rows.Err()
}

// bulletinSummaries reads what the bulletin needs of every submission up to end
// (exclusive): accepted records and rejected record rows.
func bulletinSummaries(ctx context.Context, q store.Querier, end time.Time) ([]RecordSummary, error) {
	rows, err := q.Query(ctx, "SELECT rtype, city, source_unit, source_unit_id, decision_date, submitted_on, filled, required FROM credit_records WHERE submitted_on < ?", dateText(end))
	if err != nil {
		return nil, err
	}
	var out []RecordSummary
	for rows.Next() {
		var s RecordSummary
		var t, dd, sub string
		if err := rows.Scan(&t, &s.CityCode, &s.SourceUnit, &s.SourceUnitID, &dd, &sub, &s.Filled, &s.Required); err != nil {
			rows.Close()
			return nil, err
		}
		s.Type, s.DecisionDate, s.SubmittedOn = RecordType(t), parseDateText(dd), parseDateText(sub)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// one summary per rejected row (a row may have several problems, each stored with the row's counts)
	rows, err = q.Query(ctx, `SELECT MIN(rtype), MIN(city), MIN(source_unit), MIN(r.source_unit_id), MIN(r.submitted_on), MAX(r.filled), MAX(r.required) FROM credit_rejects r JOIN credit_batches b ON b.id = r.batch_id
		WHERE b.kind = 'records' AND r.submitted_on < ? GROUP BY r.batch_id, r.line`, dateText(end))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s RecordSummary
		var t, sub string
		if err := rows.Scan(&t, &s.CityCode, &s.SourceUnit, &s.SourceUnitID, &sub, &s.Filled, &s.Required); err != nil {
			return nil, err
		}
		s.Type, s.SubmittedOn, s.Rejected = RecordType(t), parseDateText(sub), true
		out = append(out, s)
	}
	return out, rows.Err()
}

func count(ctx context.Context, q store.Querier, query string, args ...any) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, query, args...).Scan(&n)
	return n, err
}
