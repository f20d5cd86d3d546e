package discretion

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

// Case statuses (案件状态).
const (
	StatusDraft    = "draft"    // 草稿
	StatusPending  = "pending"  // 待审核
	StatusDecided  = "decided"  // 已决定
	StatusReturned = "returned" // 退回
)

// StatusNames gives each status its Chinese name.
var StatusNames = map[string]string{
	StatusDraft: "草稿", StatusPending: "待审核", StatusDecided: "已决定", StatusReturned: "退回",
}

// Case is a penalty case (案件) with the engine's input and result as stored.
type Case struct {
	ID            int64  `json:"id"`
	Region        string `json:"region"` // GB/T 2260 code of the officer's unit
	City          string `json:"city"`
	Status        string `json:"status"`
	StatusName    string `json:"status_name"`
	ItemID        string `json:"item_id"`
	ItemKind      string `json:"item_kind"`
	ItemName      string `json:"item_name"`
	Party         string `json:"party"`
	SubjectID     string `json:"subject_id"`   // 统一社会信用代码 or 身份证号
	SubjectName   string `json:"subject_name"` // 当事人名称
	Facts         string `json:"facts"`        // 违法事实
	ActDate       string `json:"act_date"`
	BaseKind      string `json:"base_kind"` // 计罚基数 of the clause ("" for a fixed range)
	BaseFen       int64  `json:"base_fen"`
	Tier          string `json:"tier"`
	LegalMin      int64  `json:"legal_min"`
	LegalMax      int64  `json:"legal_max"`
	SuggestedFen  int64  `json:"suggested_fen"` // the engine's suggestion
	FineFen       int64  `json:"fine_fen"`      // the proposed (or decided) fine
	Position      int64  `json:"position"`      // of FineFen in the legal range, 0–10000
	Score         int64  `json:"score"`
	SimilarN      int    `json:"similar_n"`      // similar decided cases when last checked
	SimilarMedian int64  `json:"similar_median"` // their median position, -1 if none
	Departure     int64  `json:"departure"`      // |Position − SimilarMedian|, -1 if none
	Input         Input  `json:"input"`
	Result        Result `json:"result"`
	OfficerID     int64  `json:"officer_id"`
	OfficerName   string `json:"officer_name"`
	ReviewerID    int64  `json:"reviewer_id"`
	ReviewerName  string `json:"reviewer_name"`
	ReviewComment string `json:"review_comment"`
	DecidedOn     string `json:"decided_on"`
	DecisionNo    string `json:"decision_no"` // 行政处罚决定书文号, given when decided
	Demo          bool   `json:"demo"`
	// What the 决定书 and the credit library's 行政处罚 record need besides the engine input.
	LegalRep       string `json:"legal_rep"`       // 法定代表人（负责人、经营者）
	SubjectAddress string `json:"subject_address"` // 当事人地址
	Evidence       string `json:"evidence"`        // 证据
	Severity       string `json:"severity"`        // 失信等级 轻微/一般/严重
	ConfiscatedFen int64  `json:"confiscated_fen"` // 没收违法所得金额
	Authority      string `json:"authority"`       // 处罚机关
	AuthorityUSCC  string `json:"authority_uscc"`  // 处罚机关统一社会信用代码
	// Recomputed: a generated case stored its numbers only; Result was derived again from Input.
	Recomputed bool      `json:"recomputed,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

const caseListCols = `id, region, city, status, item_id, item_kind, item_name, party, subject_id, subject_name, act_date,
	base_kind, base_fen, tier, legal_min, legal_max, suggested_fen, fine_fen, position, score, similar_n, similar_median, departure,
	officer_id, officer_name, reviewer_id, reviewer_name, review_comment, decided_on, decision_no, demo, created_at, updated_at`

const caseCols = caseListCols + `, facts, input_json, result_json, legal_rep, subject_address, evidence, severity, confiscated_fen, authority, authority_uscc`

func scanCase(sc interface{ Scan(...any) error }, full bool) (*Case, error) {
	var c Case
	var demo int
	var created, updated string
	dest := []any{&c.ID, &c.Region, &c.City, &c.Status, &c.ItemID, &c.ItemKind, &c.ItemName, &c.Party, &c.SubjectID, &c.SubjectName, &c.ActDate,
		&c.BaseKind, &c.BaseFen, &c.Tier, &c.LegalMin, &c.LegalMax, &c.SuggestedFen, &c.FineFen, &c.Position, &c.Score, &c.SimilarN, &c.SimilarMedian, &c.Departure,
		&c.OfficerID, &c.OfficerName, &c.ReviewerID, &c.ReviewerName, &c.ReviewComment, &c.DecidedOn, &c.DecisionNo, &demo, &created, &updated}
	var in, res string
	if full {
		dest = append(dest, &c.Facts, &in, &res, &c.LegalRep, &c.SubjectAddress, &c.Evidence, &c.Severity, &c.ConfiscatedFen, &c.Authority, &c.AuthorityUSCC)
	}
	if err := sc.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	c.Demo = demo != 0
	c.CreatedAt, c.UpdatedAt = store.ParseTime(created), store.ParseTime(updated)
	c.StatusName = StatusNames[c.Status]
	if full {
		if err := json.Unmarshal([]byte(in), &c.Input); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(res), &c.Result); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// insertCase stores c and returns its id.
func insertCase(ctx context.Context, q store.Querier, c *Case) (int64, error) {
	in, err := json.Marshal(c.Input)
	if err != nil {
		return 0, err
	}
	res, err := json.Marshal(c.Result)
	if err != nil {
		return 0, err
	}
	now := store.Time(time.Now())
	return store.InsertID(ctx, q, `INSERT INTO discretion_cases (region, city, status, item_id, item_kind, item_name, party, subject_id, subject_name, facts, act_date,
		base_kind, base_fen, tier, legal_min, legal_max, suggested_fen, fine_fen, position, score, similar_n, similar_median, departure,
		input_json, result_json, officer_id, officer_name, reviewer_id, reviewer_name, review_comment, decided_on, demo, created_at, updated_at,
		legal_rep, subject_address, evidence, severity, confiscated_fen, authority, authority_uscc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Region, c.City, c.Status, c.ItemID, c.ItemKind, c.ItemName, c.Party, c.SubjectID, c.SubjectName, c.Facts, c.ActDate,
		c.BaseKind, c.BaseFen, c.Tier, c.LegalMin, c.LegalMax, c.SuggestedFen, c.FineFen, c.Position, c.Score, c.SimilarN, c.SimilarMedian, c.Departure,
		string(in), string(res), c.OfficerID, c.OfficerName, c.ReviewerID, c.ReviewerName, c.ReviewComment, c.DecidedOn, now, now,
		c.LegalRep, c.SubjectAddress, c.Evidence, c.Severity, c.ConfiscatedFen, c.Authority, c.AuthorityUSCC)
}

// updateCaseContent replaces the facts, input and result of a draft or returned case.
func updateCaseContent(ctx context.Context, q store.Querier, c *Case) error {
	in, err := json.Marshal(c.Input)
	if err != nil {
		return err
	}
	res, err := json.Marshal(c.Result)
	if err != nil {
		return err
	}
	r, err := q.Exec(ctx, `UPDATE discretion_cases SET item_id = ?, item_kind = ?, item_name = ?, party = ?, subject_id = ?, subject_name = ?, facts = ?, act_date = ?,
		base_kind = ?, base_fen = ?, tier = ?, legal_min = ?, legal_max = ?, suggested_fen = ?, fine_fen = ?, position = ?, score = ?,
		similar_n = ?, similar_median = ?, departure = ?, input_json = ?, result_json = ?, status = ?, updated_at = ?,
		legal_rep = ?, subject_address = ?, evidence = ?, severity = ?, confiscated_fen = ?, authority = ?, authority_uscc = ?
		WHERE id = ? AND status IN ('draft', 'returned')`,
		c.ItemID, c.ItemKind, c.ItemName, c.Party, c.SubjectID, c.SubjectName, c.Facts, c.ActDate,
		c.BaseKind, c.BaseFen, c.Tier, c.LegalMin, c.LegalMax, c.SuggestedFen, c.FineFen, c.Position, c.Score,
		c.SimilarN, c.SimilarMedian, c.Departure, string(in), string(res), c.Status, store.Time(time.Now()),
		c.LegalRep, c.SubjectAddress, c.Evidence, c.Severity, c.ConfiscatedFen, c.Authority, c.AuthorityUSCC, c.ID)
	if err != nil {
		return err
	}
	return oneRow(r, "只有草稿或退回的案件可以修改；该案件已提交审核或已决定。")
}

func oneRow(r sql.Result, msg string) error {
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return conflict(msg)
	}
	return nil
}

// getCase returns the case with id (store.ErrNotFound if none).
func getCase(ctx context.Context, q store.Querier, id int64) (*Case, error) {
	return scanCase(q.QueryRow(ctx, "SELECT "+caseCols+" FROM discretion_cases WHERE id = ?", id), true)
}

// transition moves a case from one of the statuses from to status to, setting the
// review fields (and updated_at when set gives it; now otherwise); it fails (409) when the case is no longer in one of from.
func transition(ctx context.Context, q store.Querier, id int64, from []string, to string, set map[string]any) error {
	at, ok := set["updated_at"]
	if !ok {
		at = store.Time(time.Now())
	}
	cols := []string{"status = ?", "updated_at = ?"}
	args := []any{to, at}
	for _, k := range []string{"reviewer_id", "reviewer_name", "review_comment", "decided_on", "decision_no", "similar_n", "similar_median", "departure"} {
		if v, ok := set[k]; ok {
			cols = append(cols, k+" = ?")
			args = append(args, v)
		}
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(from)), ", ")
	args = append(args, id)
	for _, f := range from {
		args = append(args, f)
	}
	r, err := q.Exec(ctx, "UPDATE discretion_cases SET "+strings.Join(cols, ", ")+" WHERE id = ? AND status IN ("+ph+")", args...)
	if err != nil {
		return err
	}
	return oneRow(r, "案件状态已变化（可能已被他人处理），请刷新页面后重试。")
}

// caseFilter selects cases for lists.
type caseFilter struct {
	Status    string
	Scope     string // region code: cases of this region and below; "" = everywhere
	OrDecided bool   // also decided cases of any place (shared for 类案同罚)
	OfficerID int64
	ItemID    string
	Q         string // subject name or id contains
	Limit     int
	BeforeID  int64
}

func scopeCond(code string) (string, []any) {
	r, ok := region.Get(code)
	if !ok {
		return "1 = 0", nil
	}
	switch r.Level {
	case region.Province:
		return "1 = 1", nil
	case region.City:
		return "city = ?", []any{r.Code}
	}
	return "region = ?", []any{r.Code}
}

func (f caseFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Scope != "" {
		c, a := scopeCond(f.Scope)
		if f.OrDecided {
			c = "(" + c + " OR status = 'decided')"
		}
		conds = append(conds, c)
		args = append(args, a...)
	}
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, f.Status)
	}
	if f.OfficerID > 0 {
		conds = append(conds, "officer_id = ?")
		args = append(args, f.OfficerID)
	}
	if f.ItemID != "" {
		conds = append(conds, "item_id = ?")
		args = append(args, f.ItemID)
	}
	if f.Q != "" {
		conds = append(conds, "(subject_name LIKE ? OR subject_id = ?)")
		args = append(args, "%"+f.Q+"%", f.Q)
	}
	if f.BeforeID > 0 {
		conds = append(conds, "id < ?")
		args = append(args, f.BeforeID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// listCases returns cases newest first (without their input and result).
func listCases(ctx context.Context, q store.Querier, f caseFilter) ([]*Case, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where, args := f.where()
	rows, err := q.Query(ctx, "SELECT "+caseListCols+" FROM discretion_cases"+where+" ORDER BY id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// countCases counts the cases f selects (Limit and BeforeID ignored).
func countCases(ctx context.Context, q store.Querier, f caseFilter, extra string, extraArgs ...any) (int64, error) {
	f.BeforeID = 0
	where, args := f.where()
	if extra != "" {
		if where == "" {
			where = " WHERE " + extra
		} else {
			where += " AND " + extra
		}
		args = append(args, extraArgs...)
	}
	var n int64
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM discretion_cases"+where, args...).Scan(&n)
	return n, err
}

// SimilarCase is a decided case shown for 类案同罚.
type SimilarCase struct {
	ID          int64  `json:"id"`
	Region      string `json:"region"`
	City        string `json:"city"`
	SubjectName string `json:"subject_name"`
	BaseFen     int64  `json:"base_fen"`
	FineFen     int64  `json:"fine_fen"`
	LegalMin    int64  `json:"legal_min"`
	LegalMax    int64  `json:"legal_max"`
	Position    int64  `json:"position"`
	DecidedOn   string `json:"decided_on"`
}

// similarRows returns decided cases of item and tier whose base lies in [lo, hi],
// nearest base first, at most limit, leaving out case exclude.
func similarRows(ctx context.Context, q store.Querier, itemID, tier string, lo, hi, target, exclude int64, limit int) ([]SimilarCase, error) {
	rows, err := q.Query(ctx, `SELECT id, region, city, subject_name, base_fen, fine_fen, legal_min, legal_max, position, decided_on
		FROM discretion_cases WHERE item_id = ? AND status = 'decided' AND tier = ? AND base_fen BETWEEN ? AND ? AND id <> ?
		ORDER BY ABS(base_fen - ?), id DESC LIMIT ?`, itemID, tier, lo, hi, exclude, target, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SimilarCase
	for rows.Next() {
		var s SimilarCase
		if err := rows.Scan(&s.ID, &s.Region, &s.City, &s.SubjectName, &s.BaseFen, &s.FineFen, &s.LegalMin, &s.LegalMax, &s.Position, &s.DecidedOn); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// priorRows returns the decided cases of subject of kind decided on or after since.
func priorRows(ctx context.Context, q store.Querier, subjectID, kind string, since time.Time) ([]PriorViolation, error) {
	rows, err := q.Query(ctx, `SELECT id, item_id, decided_on, region, decision_no FROM discretion_cases
		WHERE subject_id = ? AND item_kind = ? AND status = 'decided' AND decided_on >= ? ORDER BY decided_on`,
		subjectID, kind, since.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PriorViolation
	for rows.Next() {
		var id int64
		var p PriorViolation
		var on, no string
		if err := rows.Scan(&id, &p.ItemID, &on, &p.Region, &no); err != nil {
			return nil, err
		}
		p.SubjectID, p.Kind = subjectID, kind
		p.DecidedOn, _ = time.Parse(time.DateOnly, on)
		p.DecisionNo = no
		if no == "" {
			p.DecisionNo = decisionNo(p.Region, id)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// decisionNo is the number shown for a case decided before 决定书文号 were given
// (generated demo cases): the city and the case id.
func decisionNo(regionCode string, id int64) string {
	return region.Name(region.CityOf(regionCode)) + "市监罚〔" + itoa(id) + "〕号"
}

// positionRow is one decided case's place for the consistency view.
type positionRow struct {
	ItemID   string
	City     string
	Tier     string
	Position int64
	ID       int64
}

// decidedPositions returns the positions of decided cases, of one item when itemID is set.
func decidedPositions(ctx context.Context, q store.Querier, itemID, tier string) ([]positionRow, error) {
	qs := "SELECT item_id, city, tier, position, id FROM discretion_cases WHERE status = 'decided'"
	var args []any
	if itemID != "" {
		qs += " AND item_id = ?"
		args = append(args, itemID)
	}
	if tier != "" {
		qs += " AND tier = ?"
		args = append(args, tier)
	}
	rows, err := q.Query(ctx, qs, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []positionRow
	for rows.Next() {
		var p positionRow
		if err := rows.Scan(&p.ItemID, &p.City, &p.Tier, &p.Position, &p.ID); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
