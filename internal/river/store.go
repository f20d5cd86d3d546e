package river

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// ProblemRow is a stored problem: the engine's Problem plus what the store keeps
// around it (tracking number, the reach, the two owners, the reporter's phone).
type ProblemRow struct {
	Problem
	RowID     int64  `json:"id"`
	No        string `json:"no"` // 受理编号 (tracking number)
	RiverID   string `json:"river_id"`
	Region    string `json:"region"`
	City      string `json:"city"`
	Region2   string `json:"region2"`
	City2     string `json:"city2"`
	ReachName string `json:"reach_name"`
	ReachCode string `json:"reach_code"`
	// ReporterPhone is private: never rendered, never in JSON.
	ReporterPhone string    `json:"-"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// StateName, SourceName … give the Chinese names for templates and JSON.
func (p *ProblemRow) StateName() string    { return p.State.String() }
func (p *ProblemRow) SourceName() string   { return p.Source.String() }
func (p *ProblemRow) CategoryName() string { return p.Category.String() }
func (p *ProblemRow) SeverityName() string { return p.Severity.String() }

// Reach is a river segment (河段) inside one administrative unit, under one chief.
type Reach struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"` // public code on the 公示牌
	RiverID   string `json:"river_id"`
	RiverName string `json:"river_name"`
	Name      string `json:"name"`
	Region    string `json:"region"`
	Region2   string `json:"region2"`
	ChiefID   int64  `json:"chief_id"`
	ChiefName string `json:"chief_name"`
	ChiefLvl  Level  `json:"chief_level"`
	Duties    string `json:"duties"`
	Phone     string `json:"phone"` // supervision phone (监督电话)
}

// ChiefRow is a stored river chief (河长).
type ChiefRow struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Level  Level  `json:"level"`
	Region string `json:"region"`
	City   string `json:"city"`
	UserID int64  `json:"user_id"`
	Phone  string `json:"-"`
	// RetiredAt is when the chief left office (卸任), '' while in office.
	RetiredAt string `json:"-"`
}

// SectionRow is a stored water-quality section (断面).
type SectionRow struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	RiverID   string    `json:"river_id"`
	ReachID   int64     `json:"reach_id"`
	Kind      string    `json:"kind"`
	Body      WaterBody `json:"body"`
	Target    Class     `json:"target"`
	LastClass Class     `json:"last_class"`
	Region    string    `json:"region"`
}

// closeSecs is the time from report to closure in whole seconds, 0 while open.
func closeSecs(reported, closed time.Time) int64 {
	if reported.IsZero() || closed.IsZero() {
		return 0
	}
	return int64(closed.Sub(reported).Round(time.Second) / time.Second)
}

func t2s(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return store.Time(t)
}

func s2t(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return store.ParseTime(s)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

const problemCols = `p.id, p.no, p.source, p.category, p.severity, p.reach_id, p.river_id, p.region, p.city, p.region2, p.city2,
	p.state, p.level, p.supervisor, p.unit, p.joint_units, p.deadline, p.requested_deadline, p.description, p.lat, p.lon,
	p.section_id, p.reporter_phone, p.after_photos, p.returns, p.reported_at, p.assigned_at, p.feedback_at, p.checked_at,
	p.closed_at, p.updated_at, COALESCE(r.name, ''), COALESCE(r.code, '')`

const problemFrom = ` FROM river_problems p LEFT JOIN river_reaches r ON r.id = p.reach_id`

func scanProblem(sc interface{ Scan(...any) error }) (*ProblemRow, error) {
	var p ProblemRow
	var reach int64
	var level, sup int
	var joint, dl, rdl, after, rep, asg, fb, chk, cls, upd string
	if err := sc.Scan(&p.RowID, &p.No, &p.Source, &p.Category, &p.Severity, &reach, &p.RiverID, &p.Region, &p.City, &p.Region2, &p.City2,
		&p.State, &level, &sup, &p.Unit, &joint, &dl, &rdl, &p.Description, &p.Lat, &p.Lon,
		&p.SectionID, &p.ReporterPhone, &after, &p.Returns, &rep, &asg, &fb, &chk, &cls, &upd, &p.ReachName, &p.ReachCode); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	p.ID = strconv.FormatInt(p.RowID, 10)
	p.ReachID = strconv.FormatInt(reach, 10)
	p.Level, p.Supervisor = Level(level), Level(sup)
	p.JointUnits, p.AfterPhotos = splitList(joint), splitList(after)
	p.Deadline, p.RequestedDeadline = s2t(dl), s2t(rdl)
	p.ReportedAt, p.AssignedAt, p.FeedbackAt, p.CheckedAt, p.ClosedAt = s2t(rep), s2t(asg), s2t(fb), s2t(chk), s2t(cls)
	p.UpdatedAt = s2t(upd)
	p.Regions = []string{p.Region}
	if p.Region2 != "" {
		p.Regions = append(p.Regions, p.Region2)
	}
	return &p, nil
}

// getProblem reads one problem by id.
func getProblem(ctx context.Context, q store.Querier, id int64) (*ProblemRow, error) {
	return scanProblem(q.QueryRow(ctx, "SELECT "+problemCols+problemFrom+" WHERE p.id = ?", id))
}

// getProblemByNo reads one problem by its tracking number.
func getProblemByNo(ctx context.Context, q store.Querier, no string) (*ProblemRow, error) {
	return scanProblem(q.QueryRow(ctx, "SELECT "+problemCols+problemFrom+" WHERE p.no = ?", no))
}

// insertProblem stores a new problem and its first history entry.
func insertProblem(ctx context.Context, q store.Querier, p *ProblemRow, h HistoryEntry, demo bool) error {
	d := 0
	if demo {
		d = 1
	}
	reach, _ := strconv.ParseInt(p.ReachID, 10, 64)
	id, err := store.InsertID(ctx, q, `INSERT INTO river_problems (no, source, category, severity, reach_id, river_id, region, city, region2, city2,
		state, level, supervisor, unit, joint_units, deadline, requested_deadline, description, lat, lon, section_id, reporter_phone,
		after_photos, returns, reported_at, assigned_at, feedback_at, checked_at, closed_at, close_secs, updated_at, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.No, string(p.Source), string(p.Category), string(p.Severity), reach, p.RiverID, p.Region, p.City, p.Region2, p.City2,
		string(p.State), int(p.Level), int(p.Supervisor), p.Unit, strings.Join(p.JointUnits, "\n"), t2s(p.Deadline), t2s(p.RequestedDeadline),
		p.Description, p.Lat, p.Lon, p.SectionID, p.ReporterPhone, strings.Join(p.AfterPhotos, "\n"), p.Returns,
		t2s(p.ReportedAt), t2s(p.AssignedAt), t2s(p.FeedbackAt), t2s(p.CheckedAt), t2s(p.ClosedAt), closeSecs(p.ReportedAt, p.ClosedAt), t2s(p.ReportedAt), d)
	if err != nil {
		return err
	}
	p.RowID, p.ID = id, strconv.FormatInt(id, 10)
	h.ProblemID = p.ID
	return insertHistory(ctx, q, h, p.Region)
}

func insertHistory(ctx context.Context, q store.Querier, h HistoryEntry, regionCode string) error {
	_, err := q.Exec(ctx, `INSERT INTO river_problem_history (problem_id, at, actor_id, actor_name, action, from_state, to_state, reason, note, region)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ProblemID, t2s(h.At), h.ActorID, h.ActorName, string(h.Action), string(h.From), string(h.To), h.Reason, h.Note, regionCode)
	return err
}

// ErrChanged: the problem moved on while the user was looking at it.
var ErrChanged = errors.New("该问题已被他人处理，状态已变化，请刷新后重试")

// saveTransition writes the problem's new values if it is still in state from, and the history entry.
func saveTransition(ctx context.Context, q store.Querier, p Problem, from State, h HistoryEntry, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE river_problems SET state = ?, level = ?, supervisor = ?, unit = ?, joint_units = ?, deadline = ?,
		requested_deadline = ?, after_photos = ?, returns = ?, assigned_at = ?, feedback_at = ?, checked_at = ?, closed_at = ?, close_secs = ?, updated_at = ?
		WHERE id = ? AND state = ?`,
		string(p.State), int(p.Level), int(p.Supervisor), p.Unit, strings.Join(p.JointUnits, "\n"), t2s(p.Deadline),
		t2s(p.RequestedDeadline), strings.Join(p.AfterPhotos, "\n"), p.Returns, t2s(p.AssignedAt), t2s(p.FeedbackAt), t2s(p.CheckedAt),
		t2s(p.ClosedAt), closeSecs(p.ReportedAt, p.ClosedAt), store.Time(now), p.ID, string(from))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrChanged
	}
	return insertHistory(ctx, q, h, p.Regions[0])
}

// History returns a problem's transitions, oldest first.
func problemHistory(ctx context.Context, q store.Querier, id int64) ([]HistoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT problem_id, at, actor_id, actor_name, action, from_state, to_state, reason, note
		FROM river_problem_history WHERE problem_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var at string
		var pid int64
		if err := rows.Scan(&pid, &at, &h.ActorID, &h.ActorName, &h.Action, &h.From, &h.To, &h.Reason, &h.Note); err != nil {
			return nil, err
		}
		h.ProblemID, h.At = strconv.FormatInt(pid, 10), s2t(at)
		out = append(out, h)
	}
	return out, rows.Err()
}

// ProblemFilter selects problems for the list, the API and the dashboard.
type ProblemFilter struct {
	Scope    string // user's region: only problems owned (either owner) within it; "" = all
	City     string // either owner's city
	Region   string // either owner's region within this code (a county, or a whole city)
	River    string
	State    string
	Category string
	Source   string
	Overdue  bool
	Closed   bool // state = closed
	Now      time.Time
	Before   int64 // paging: id < Before
	Limit    int
	// scanScope matches Scope by code prefix, which lets the 驾驶舱's grouped scans read
	// a covering index in order; lists and counts match it by equality, which an index serves.
	scanScope bool
	// walk (SQLite only) has the page read newest first along river_problems_walk, keeping
	// the matches, instead of collecting every match by a filter index and sorting them:
	// the choice of the problem list when many problems match (see listPageOf).
	walk bool
	// split (1, 2) writes the first "either owner" condition as one of its two parts (countProblems)
	split int8
}

// scopePrefix turns a region code into the LIKE prefix of the codes within it.
func scopePrefix(code string) string {
	switch {
	case code == "" || code == region.ProvinceCode:
		return code[:min(2, len(code))]
	case strings.HasSuffix(code, "0000"):
		return code[:2]
	case strings.HasSuffix(code, "00"):
		return code[:4]
	}
	return code
}

func (f ProblemFilter) where() (string, []any) {
	var w []string
	var args []any
	// c names a filter column; walking the newest-first index (SQLite), "+" keeps the
	// planner from reaching for a filter index instead.
	c := func(col string) string {
		if f.walk {
			return "+p." + col
		}
		return "p." + col
	}
	// either: one of the problem's two owners has code in column a or b. countProblems
	// counts the first such condition as its two parts that cannot overlap (split 1: a;
	// split 2: b and not a), each of which an index answers without merging row sets.
	ors := 0
	either := func(a, b, code string) {
		ors++
		switch {
		case ors == 1 && f.split == 1:
			w = append(w, c(a)+" = ?")
			args = append(args, code)
		case ors == 1 && f.split == 2:
			w = append(w, c(b)+" = ? AND "+c(a)+" <> ?")
			args = append(args, code, code)
		default:
			w = append(w, "("+c(a)+" = ? OR "+c(b)+" = ?)")
			args = append(args, code, code)
		}
	}
	// the 区县 filter: a region and what lies below it, by equality so that an index serves
	// it: a city by the problem's city columns, a county by its region columns
	within := func(code string) {
		switch {
		case code == "" || strings.HasSuffix(code, "0000"): // every record lies within the province
		case strings.HasSuffix(code, "00"):
			either("city", "city2", code)
		default:
			either("region", "region2", code)
		}
	}
	if f.scanScope {
		if f.Scope != "" && f.Scope != region.ProvinceCode {
			p := scopePrefix(f.Scope) + "%"
			w = append(w, "(p.region LIKE ? OR p.region2 LIKE ?)")
			args = append(args, p, p)
		}
	} else {
		within(f.Scope)
	}
	if f.City != "" {
		either("city", "city2", f.City)
	}
	within(f.Region)
	if f.River != "" {
		w = append(w, c("river_id")+" = ?")
		args = append(args, f.River)
	}
	if f.State != "" {
		w = append(w, c("state")+" = ?")
		args = append(args, f.State)
	}
	if f.Closed {
		w = append(w, c("state")+" = 'closed'")
	}
	if f.Category != "" {
		w = append(w, c("category")+" = ?")
		args = append(args, f.Category)
	}
	if f.Source != "" {
		w = append(w, c("source")+" = ?")
		args = append(args, f.Source)
	}
	if f.Overdue {
		w = append(w, c("state")+" IN ('assigned', 'handling', 'extension') AND "+c("deadline")+" <> '' AND "+c("deadline")+" < ?")
		args = append(args, store.Time(f.Now))
	}
	if f.Before > 0 {
		w = append(w, "p.id < ?")
		args = append(args, f.Before)
	}
	if len(w) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(w, " AND "), args
}

// pageSize is the number of problems a page lists: Limit, 50 when unset or over 500.
func (f ProblemFilter) pageSize() int {
	if f.Limit <= 0 || f.Limit > 500 {
		return 50
	}
	return f.Limit
}

// listProblems returns a page of problems, newest first.
func listProblems(ctx context.Context, q store.Querier, f ProblemFilter) ([]*ProblemRow, error) {
	w, args := f.where()
	lim := f.pageSize()
	// The page's ids first, from the filter columns alone (a covering index answers that
	// whatever the filter), then those rows with their reach: joined in one step, the
	// planner would read every problem of the filter's first column from the table.
	rows, err := q.Query(ctx, "SELECT "+problemCols+problemFrom+" WHERE p.id IN (SELECT p.id FROM river_problems p"+w+
		" ORDER BY p.id DESC LIMIT "+strconv.Itoa(lim)+") ORDER BY p.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ProblemRow
	for rows.Next() {
		p, err := scanProblem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// countProblems counts what listProblems would list without paging. A filter on either
// owner (a city or county, the user's own or chosen) is counted as the problems whose first
// owner is in it plus those whose second owner is in it and first is not: two index ranges
// instead of one merged set of row ids (成都's 43,170 problems: 5.0 → 1.5 ms).
func countProblems(ctx context.Context, q store.Querier, f ProblemFilter) (int64, error) {
	f.Before, f.split = 0, 0
	w, args := f.where()
	f.split = 1
	w1, args1 := f.where()
	var n int64
	if w1 == w {
		err := q.QueryRow(ctx, "SELECT COUNT(*) FROM river_problems p"+w, args...).Scan(&n)
		return n, err
	}
	f.split = 2
	w2, args2 := f.where()
	err := q.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM river_problems p"+w1+") + (SELECT COUNT(*) FROM river_problems p"+w2+")",
		append(args1, args2...)...).Scan(&n)
	return n, err
}

// getReach reads a reach by id or by public code.
func getReach(ctx context.Context, q store.Querier, col string, v any) (*Reach, error) {
	var r Reach
	var lvl sql.NullInt64
	err := q.QueryRow(ctx, `SELECT r.id, r.code, r.river_id, COALESCE(v.name, ''), r.name, r.region, r.region2, r.chief_id, COALESCE(c.name, ''),
		c.level, r.duties, r.phone FROM river_reaches r LEFT JOIN river_rivers v ON v.id = r.river_id
		LEFT JOIN river_chiefs c ON c.id = r.chief_id WHERE r.`+col+` = ?`, v).
		Scan(&r.ID, &r.Code, &r.RiverID, &r.RiverName, &r.Name, &r.Region, &r.Region2, &r.ChiefID, &r.ChiefName, &lvl, &r.Duties, &r.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	r.ChiefLvl = Level(lvl.Int64)
	return &r, err
}

func listReaches(ctx context.Context, q store.Querier, scope string, limit int) ([]Reach, error) {
	p := scopePrefix(scope) + "%"
	rows, err := q.Query(ctx, `SELECT r.id, r.code, r.name, r.region, r.region2, COALESCE(v.name, '') FROM river_reaches r
		LEFT JOIN river_rivers v ON v.id = r.river_id WHERE r.region LIKE ? OR r.region2 LIKE ? ORDER BY r.id LIMIT `+strconv.Itoa(limit), p, p)
	if err != nil {
		return nil, err
	}
	return scanReachRows(rows)
}

// scanReachRows reads the reaches of a list query (id, code, name, region, region2, river name) and closes rows.
func scanReachRows(rows *sql.Rows) ([]Reach, error) {
	defer rows.Close()
	var out []Reach
	for rows.Next() {
		var r Reach
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.Region, &r.Region2, &r.RiverName); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// formReaches are the reaches a report or patrol form offers user u, at most limit: the
// reaches of u's own chief record in office first (a village chief finds his own at the
// top of the list, not somewhere among his county's), then the others of u's region, by id.
func formReaches(ctx context.Context, q store.Querier, u *auth.User, limit int) ([]Reach, error) {
	p := scopePrefix(u.Region) + "%"
	const mine = "r.chief_id IN (SELECT id FROM river_chiefs WHERE user_id = ? AND user_id <> 0 AND retired_at = '')"
	rows, err := q.Query(ctx, `SELECT r.id, r.code, r.name, r.region, r.region2, COALESCE(v.name, '') FROM river_reaches r
		LEFT JOIN river_rivers v ON v.id = r.river_id WHERE r.region LIKE ? OR r.region2 LIKE ? OR `+mine+`
		ORDER BY CASE WHEN `+mine+` THEN 0 ELSE 1 END, r.id LIMIT `+strconv.Itoa(limit), p, p, u.ID, u.ID)
	if err != nil {
		return nil, err
	}
	return scanReachRows(rows)
}

// InsertRiver upserts a river.
func upsertRiver(ctx context.Context, q store.Querier, r *RiverInfo, regionCode string, demo bool) error {
	_, err := q.Exec(ctx, `INSERT INTO river_rivers (id, name, basin, kind, length_km, region, demo) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, basin = excluded.basin, kind = excluded.kind, length_km = excluded.length_km`,
		r.ID, r.Name, r.Basin, string(r.Kind), r.LengthKm, regionCode, b2i(demo))
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertReach stores a reach and returns its id.
func insertReach(ctx context.Context, q store.Querier, r *Reach, demo bool) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO river_reaches (code, river_id, name, region, region2, chief_id, duties, phone, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Code, r.RiverID, r.Name, r.Region, r.Region2, r.ChiefID, r.Duties, r.Phone, b2i(demo))
	r.ID = id
	return err
}

// insertChief stores a chief.
func insertChief(ctx context.Context, q store.Querier, c *ChiefRow, demo bool) error {
	c.City = region.CityOf(c.Region)
	id, err := store.InsertID(ctx, q, `INSERT INTO river_chiefs (name, level, region, city, user_id, phone, demo) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.Name, int(c.Level), c.Region, c.City, c.UserID, c.Phone, b2i(demo))
	c.ID = id
	return err
}

// chiefOfUser finds the chief linked to a platform user, an entry in office first.
func chiefOfUser(ctx context.Context, q store.Querier, userID int64) (*ChiefRow, error) {
	var c ChiefRow
	var lvl int
	err := q.QueryRow(ctx, `SELECT id, name, level, region, city, user_id, retired_at FROM river_chiefs WHERE user_id = ?
		ORDER BY CASE WHEN retired_at = '' THEN 0 ELSE 1 END, id LIMIT 1`, userID).
		Scan(&c.ID, &c.Name, &lvl, &c.Region, &c.City, &c.UserID, &c.RetiredAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	c.Level = Level(lvl)
	return &c, err
}

// upsertSection stores a section.
func upsertSection(ctx context.Context, q store.Querier, s *SectionRow, demo bool) error {
	_, err := q.Exec(ctx, `INSERT INTO river_sections (id, name, river_id, reach_id, kind, body, target, region, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, reach_id = excluded.reach_id, target = excluded.target`,
		s.ID, s.Name, s.RiverID, s.ReachID, s.Kind, int(s.Body), int(s.Target), s.Region, b2i(demo))
	return err
}

func getSection(ctx context.Context, q store.Querier, id string) (*SectionRow, error) {
	var s SectionRow
	var body, target, last int
	err := q.QueryRow(ctx, "SELECT id, name, river_id, reach_id, kind, body, target, last_class, region FROM river_sections WHERE id = ?", id).
		Scan(&s.ID, &s.Name, &s.RiverID, &s.ReachID, &s.Kind, &body, &target, &last, &s.Region)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	s.Body, s.Target, s.LastClass = WaterBody(body), Class(target), Class(last)
	return &s, err
}

// hasOpenWarning reports whether a 监测预警 problem of the section is not yet closed or rejected.
func hasOpenWarning(ctx context.Context, q store.Querier, sectionID string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM river_problems WHERE section_id = ? AND source = 'monitoring' AND state NOT IN ('closed', 'rejected')", sectionID).Scan(&n)
	return n > 0, err
}

// insertReading stores a classed reading; a re-sent reading (same section and time) changes nothing.
// It reports whether a row was added.
func insertReading(ctx context.Context, q store.Querier, sec *SectionRow, at time.Time, valuesJSON string, res Result, now time.Time, demo bool) (bool, error) {
	r, err := q.Exec(ctx, `INSERT INTO river_readings (section_id, region, sampled_at, values_json, class, worst, created_at, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (section_id, sampled_at) DO NOTHING`,
		sec.ID, sec.Region, store.Time(at), valuesJSON, int(res.Class), strings.Join(res.Worst, "、"), store.Time(now), b2i(demo))
	if err != nil {
		return false, err
	}
	n, _ := r.RowsAffected()
	if n == 1 {
		if err := setLatestClass(ctx, q, sec.ID); err != nil {
			return false, err
		}
	}
	return n == 1, nil
}

// newTrackingNo makes a tracking number: HZ + date + id + a check part that cannot be guessed from the id.
func newTrackingNo(now time.Time, salt string) string {
	return fmt.Sprintf("HZ%s%s", now.In(shanghai).Format("20060102"), strings.ToUpper(salt))
}

// problemJSON is the API view of a problem (never the reporter's phone).
type problemJSON struct {
	ID           int64      `json:"id"`
	No           string     `json:"no"`
	Source       Source     `json:"source"`
	SourceName   string     `json:"source_name"`
	Category     Category   `json:"category"`
	CategoryName string     `json:"category_name"`
	Severity     Severity   `json:"severity"`
	State        State      `json:"state"`
	StateName    string     `json:"state_name"`
	ReachID      string     `json:"reach_id"`
	ReachName    string     `json:"reach_name"`
	ReachCode    string     `json:"reach_code"`
	RiverID      string     `json:"river_id"`
	Region       string     `json:"region"`
	City         string     `json:"city"`
	Region2      string     `json:"region2,omitempty"`
	City2        string     `json:"city2,omitempty"`
	Level        Level      `json:"level"`
	Supervisor   Level      `json:"supervisor,omitempty"`
	Unit         string     `json:"unit,omitempty"`
	JointUnits   []string   `json:"joint_units,omitempty"`
	Deadline     *time.Time `json:"deadline,omitempty"`
	Description  string     `json:"description"`
	Lat          float64    `json:"lat,omitempty"`
	Lon          float64    `json:"lon,omitempty"`
	SectionID    string     `json:"section_id,omitempty"`
	AfterPhotos  []string   `json:"after_photos,omitempty"`
	Returns      int        `json:"returns"`
	ReportedAt   time.Time  `json:"reported_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
}

func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// MarshalJSON gives the API view.
func (p *ProblemRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(problemJSON{ID: p.RowID, No: p.No, Source: p.Source, SourceName: p.Source.String(), Category: p.Category,
		CategoryName: p.Category.String(), Severity: p.Severity, State: p.State, StateName: p.State.String(), ReachID: p.ReachID,
		ReachName: p.ReachName, ReachCode: p.ReachCode, RiverID: p.RiverID, Region: p.Region, City: p.City, Region2: p.Region2, City2: p.City2,
		Level: p.Level, Supervisor: p.Supervisor, Unit: p.Unit, JointUnits: p.JointUnits, Deadline: tp(p.Deadline), Description: p.Description,
		Lat: p.Lat, Lon: p.Lon, SectionID: p.SectionID, AfterPhotos: p.AfterPhotos, Returns: p.Returns, ReportedAt: p.ReportedAt, ClosedAt: tp(p.ClosedAt)})
}
