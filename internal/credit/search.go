package credit

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"tongcheng/internal/store"
)

// Name search (名称查询) over the subjects of the four cities.
//
// A query is answered in two tiers, so that what the user most likely means
// comes first:
//  1. names equal to the query, then names beginning with it, in name order
//     (a range on a B-tree index of the name, bytewise order on both engines);
//  2. names containing it elsewhere, oldest subject first (SQLite: an FTS5
//     trigram index; PostgreSQL: a pg_trgm GIN index).
//
// Trigram indexes cannot serve a query shorter than three characters. For a
// query of one or two characters the second tier is a scan of the names in id
// order: it ends as soon as the page is full (a common word), else after
// ShortScanBudget (a rare word: 1.38 million names take about half a second).
// A scan cut short returns what it found, marked Partial, and the page asks
// for at least three characters (ShortQueryNotice).
//
// Look-up by legal representative is exact, then names beginning with the
// query (a surname and given name finds that person first, then longer names).

// MinContainsRunes is the shortest query searched anywhere in a name.
const MinContainsRunes = 3

// ShortScanBudget bounds the scan of a query of one or two characters.
var ShortScanBudget = 250 * time.Millisecond

// MaxSearchResults bounds how deep a user may page through one query; past it
// the query must be made more precise.
const MaxSearchResults = 2000

// SearchResult is one page of a look-up.
type SearchResult struct {
	Results []StoredSubject
	Offset  int
	Limit   int
	More    bool // a next page exists
	Capped  bool // more results exist beyond MaxSearchResults
	Partial bool // a one- or two-character name query whose scan was cut short: results may be missing
}

// ShortQueryNotice is what the page says for a Partial result.
const ShortQueryNotice = "只输入了 1–2 个字，未能在限定时间内查完全部主体，下面的结果可能不全；请输入至少 3 个字再查"

// CappedNotice is what the page says when results go on past MaxSearchResults.
const CappedNotice = "结果过多，只能翻阅前 2000 条；请输入更多字缩小范围"

// prefixUpper is the smallest string greater than every string beginning with
// s in bytewise (code point) order: s with its last character incremented.
// It returns "" when there is no such string (s empty or ends in U+10FFFF).
func prefixUpper(s string) string {
	r, size := utf8.DecodeLastRuneInString(s)
	if r == utf8.RuneError || r >= utf8.MaxRune {
		return ""
	}
	next := r + 1
	if next >= 0xD800 && next <= 0xDFFF { // surrogates are not characters
		next = 0xE000
	}
	return s[:len(s)-size] + string(next)
}

// orgForms are endings shared by hundreds of thousands of names: their
// trigrams are in most rows, so the index finds candidates by the rest.
var orgForms = []string{"股份有限公司", "有限责任公司", "有限公司", "专业合作社", "合作社", "分公司", "经营部", "公司"}

// ftsCandidate is the part of text whose trigrams select candidate rows: text
// without a common organisational-form ending when at least MinContainsRunes
// characters remain (the full text is checked on each candidate).
func ftsCandidate(text string) string {
	for _, f := range orgForms {
		if rest, ok := strings.CutSuffix(text, f); ok && utf8.RuneCountInString(rest) >= MinContainsRunes {
			return rest
		}
	}
	return text
}

// qualifiedSubjectSelect is subjectSelect with columns of s.
const qualifiedSubjectSelect = "SELECT s.id, s.skey, s.uscc, s.uscc_flags, s.reg_no, s.name, s.stype, s.legal_rep, s.address, s.region, s.city, s.county, s.status, s.industry, s.established_on, s.approved_on FROM credit_subjects s"

// cCol is col compared in bytewise order: PostgreSQL's default collation may
// differ, SQLite's BINARY is bytewise already.
func cCol(q store.Querier, col string) string {
	if q.D() == store.Postgres {
		return col + ` COLLATE "C"`
	}
	return col
}

// SearchSubjects finds one page of subjects: offset rows skipped, at most
// limit rows returned. Subjects of every city are found (shared data).
func SearchSubjects(ctx context.Context, q store.Querier, by SearchBy, text string, offset, limit int) (*SearchResult, error) {
	text = strings.TrimSpace(text)
	if limit <= 0 {
		limit = 20
	}
	offset = max(0, min(offset, MaxSearchResults-1))
	res := &SearchResult{Offset: offset, Limit: limit}
	if text == "" {
		return res, nil
	}
	// the page never reaches past MaxSearchResults
	want := min(limit, MaxSearchResults-offset) + 1 // one more tells whether more follow
	var out []StoredSubject
	var err error
	switch by {
	case ByUSCC:
		code := NormalizeUSCC(text)
		rows, qerr := q.Query(ctx, subjectSelect+" WHERE skey = ? OR skey = ? ORDER BY id LIMIT ? OFFSET ?", code, "REG:"+text, want, offset)
		if qerr != nil {
			return nil, qerr
		}
		out, err = scanSubjects(rows)
	case ByLegalRep:
		out, err = prefixTier(ctx, q, "legal_rep", text, offset, want)
	default:
		out, err = prefixTier(ctx, q, "name", text, offset, want)
		if err == nil && len(out) < want {
			var more []StoredSubject
			more, res.Partial, err = containsTier(ctx, q, text, offset, want-len(out))
			out = append(out, more...)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(out) >= want {
		out = out[:want-1]
		if offset+len(out) >= MaxSearchResults {
			res.Capped = true
		} else {
			res.More = true
		}
	}
	res.Results = out
	return res, nil
}

// prefixTier returns the rows of col equal to text or beginning with it, in
// (col, id) order, skipping offset and at most want. Rows past the tier are the
// caller's: it counts the tier (bounded) so that containsTier can start at the
// right place.
func prefixTier(ctx context.Context, q store.Querier, col, text string, offset, want int) ([]StoredSubject, error) {
	c := cCol(q, col)
	where, args := " WHERE "+c+" >= ?", []any{text}
	if hi := prefixUpper(text); hi != "" {
		where += " AND " + c + " < ?"
		args = append(args, hi)
	}
	rows, err := q.Query(ctx, subjectSelect+where+" ORDER BY "+c+", id LIMIT ? OFFSET ?", append(args, want, offset)...)
	if err != nil {
		return nil, err
	}
	return scanSubjects(rows)
}

// prefixCount counts the names equal to or beginning with text, up to limit.
func prefixCount(ctx context.Context, q store.Querier, text string, limit int) (int, error) {
	c := cCol(q, "name")
	where, args := " WHERE "+c+" >= ?", []any{text}
	if hi := prefixUpper(text); hi != "" {
		where += " AND " + c + " < ?"
		args = append(args, hi)
	}
	n, err := count(ctx, q, "SELECT COUNT(*) FROM (SELECT 1 FROM credit_subjects"+where+" LIMIT ?) t", append(args, limit)...)
	return int(n), err
}

// containsTier returns names containing text but not beginning with it, in id
// order, as rows offset… of the whole result (prefix tier first), at most want;
// partial when the scan of a short text ran out of time.
func containsTier(ctx context.Context, q store.Querier, text string, offset, want int) (_ []StoredSubject, partial bool, err error) {
	// where the contains tier starts: the prefix tier's size, counted up to offset
	skip := 0
	if offset > 0 {
		nPrefix, err := prefixCount(ctx, q, text, offset+1)
		if err != nil {
			return nil, false, err
		}
		skip = max(0, offset-nPrefix)
	}
	notPrefix := "NOT (" + cCol(q, "s.name") + " >= ?"
	args := []any{}
	var query string
	short := utf8.RuneCountInString(text) < MinContainsRunes
	order := "s.id"
	switch {
	case short:
		query = qualifiedSubjectSelect + ` WHERE s.name LIKE ? ESCAPE '\' AND `
		if q.D() == store.Postgres {
			query = qualifiedSubjectSelect + ` WHERE s.name ILIKE ? ESCAPE '\' AND `
		}
		args = append(args, "%"+likeEscape(text)+"%")
	case q.D() == store.Postgres:
		query = qualifiedSubjectSelect + ` WHERE s.name ILIKE ? ESCAPE '\' AND `
		args = append(args, "%"+likeEscape(text)+"%")
	default:
		// The FTS5 trigram index finds the candidate rows (LIKE on an FTS5
		// trigram table uses the index; it knows no ESCAPE, so a % or _ of the
		// text widens it), then LIKE on the row checks the text itself.
		// Ordered by the FTS table's rowid, which it yields in order: the scan
		// stops when the page is full (ordered by s.id, SQLite would collect
		// and sort every match of a common word first).
		query = qualifiedSubjectSelect + ` JOIN credit_subjects_fts ON credit_subjects_fts.rowid = s.id WHERE credit_subjects_fts.name LIKE ? AND s.name LIKE ? ESCAPE '\' AND `
		order = "credit_subjects_fts.rowid"
		args = append(args, "%"+ftsCandidate(text)+"%", "%"+likeEscape(text)+"%")
	}
	args = append(args, text)
	if hi := prefixUpper(text); hi != "" {
		notPrefix += " AND " + cCol(q, "s.name") + " < ?"
		args = append(args, hi)
	}
	query += notPrefix + ") ORDER BY " + order + " LIMIT ? OFFSET ?"
	args = append(args, want, skip)
	if !short {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return nil, false, err
		}
		out, err := scanSubjects(rows)
		return out, false, err
	}
	sctx, cancel := context.WithTimeout(ctx, ShortScanBudget)
	defer cancel()
	var out []StoredSubject
	rows, err := q.Query(sctx, query, args...)
	if err == nil {
		out, err = scanSubjects(rows) // the rows read before an interruption are kept
	}
	if err != nil && sctx.Err() != nil && ctx.Err() == nil {
		return out, true, nil
	}
	return out, false, err
}

// optimizeSearchThreshold is how many subject rows an import must have stored
// for it to merge the name index afterwards.
const optimizeSearchThreshold = 50000

// optimizeSearchIndex merges the segments of SQLite's FTS5 name index into one
// (about 4 s for 1.38 million names): many small segments, as row-by-row
// inserts leave them, make a contains query several times slower. On
// PostgreSQL it merges the GIN index's pending list (names stored since the
// last merge, which every contains query reads in full).
func optimizeSearchIndex(ctx context.Context, q store.Querier) error {
	if q.D() == store.Postgres {
		_, err := q.Exec(ctx, "SELECT gin_clean_pending_list('credit_subjects_name_trgm'::regclass)")
		return err
	}
	_, err := q.Exec(ctx, "INSERT INTO credit_subjects_fts (credit_subjects_fts) VALUES ('optimize')")
	return err
}
