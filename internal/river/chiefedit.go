package river

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// The 河长办 keeps the chiefs register: a new chief (河长) is entered with level, region,
// post and superior, and a reach (河段) is given to a chief. Both only within the office's
// own region, both audited.

// NewChiefInput is what the 河长办 enters for a new chief.
type NewChiefInput struct {
	Name     string `json:"name"`
	Level    int    `json:"level"`
	Region   string `json:"region"`
	Place    string `json:"place"` // 乡镇或村
	Title    string `json:"title"` // 职务
	Phone    string `json:"phone"`
	ParentID int64  `json:"parent_id"`
}

var errNotOffice = &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以登记河长或调整河段的河长"}

// CreateChief registers a chief in the user's region or below.
func (m *Module) CreateChief(ctx context.Context, u *auth.User, in NewChiefInput) (*ChiefInfo, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	in.Name, in.Place, in.Title, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Place), strings.TrimSpace(in.Title), strings.TrimSpace(in.Phone)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 40 {
		return nil, &auth.FieldError{Field: "name", Message: "请填写河长姓名（40 字以内）"}
	}
	if !region.Valid(in.Region) {
		return nil, &auth.FieldError{Field: "region", Message: "请选择河长所属的行政区划"}
	}
	if !u.CanWrite(in.Region) {
		return nil, auth.ErrScope
	}
	if in.Level < int(LevelProvince) || in.Level > int(LevelVillage) {
		return nil, &auth.FieldError{Field: "level", Message: "河长层级只能是省级、市级、县级、乡级或村级"}
	}
	if in.Level >= int(LevelTownship) && in.Place == "" {
		return nil, &auth.FieldError{Field: "place", Message: "乡级、村级河长请填写所在乡镇或村"}
	}
	c := &ChiefInfo{Name: in.Name, Level: Level(in.Level), Region: in.Region, Place: in.Place, Title: in.Title, Phone: in.Phone, ParentID: in.ParentID}
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := registerChief(ctx, tx, c); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "river", ObjectType: "chief", ObjectID: fmt.Sprint(c.ID), Region: c.Region,
			Detail: fmt.Sprintf("登记%s %s（%s）", c.Level, c.Name, region.FullName(c.Region))})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AssignReach gives the reach with code to chief (调整): the reach must lie in the user's
// region and within the chief's region, and the chief must be in office. The outgoing
// chief's term on the reach ends and the new one's begins (任职记录).
func (m *Module) AssignReach(ctx context.Context, u *auth.User, code string, chiefID int64) (*Reach, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	var out *Reach
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := getReach(ctx, tx, "code", code)
		if err != nil {
			return err
		}
		if !u.CanWrite(r.Region) {
			return auth.ErrScope
		}
		c, err := getChief(ctx, tx, chiefID)
		if errors.Is(err, store.ErrNotFound) {
			return &auth.FieldError{Field: "chief_id", Message: "所选河长不存在，请重新选择"}
		} else if err != nil {
			return err
		}
		if err := handOver(ctx, tx, u, r, c, "chief_id", "调整河长", m.Now()); err != nil {
			return err
		}
		out, err = getReach(ctx, tx, "code", code)
		return err
	})
	return out, err
}

// handOver passes reach r to chief to inside tx: checks that to may hold it, closes the
// current holder's term with why, opens to's term from at, and audits the change. field
// names the form field a refusal is about.
func handOver(ctx context.Context, tx *store.Tx, u *auth.User, r *Reach, to *ChiefInfo, field, why string, at time.Time) error {
	if to.Retired() {
		return &auth.FieldError{Field: field, Message: fmt.Sprintf("河长 %s 已于 %s 卸任，不能再负责河段“%s”，请选择在任的河长", to.Name, to.RetiredOn, r.Name)}
	}
	if !region.Within(r.Region, to.Region) {
		return &auth.FieldError{Field: field, Message: fmt.Sprintf("河段“%s”在%s，所选河长 %s 属%s，请选择本辖区的河长", r.Name, region.FullName(r.Region), to.Name, region.FullName(to.Region))}
	}
	if r.ChiefID == to.ID {
		return nil
	}
	now := store.Time(at)
	if r.ChiefID > 0 {
		res, err := tx.Exec(ctx, "UPDATE river_reach_terms SET ended_at = ?, reason = ? WHERE reach_id = ? AND ended_at = ''", now, why, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 { // held since before the register kept history
			if _, err := tx.Exec(ctx, "INSERT INTO river_reach_terms (reach_id, chief_id, region, started_at, ended_at, reason) VALUES (?, ?, ?, '', ?, ?)",
				r.ID, r.ChiefID, r.Region, now, why); err != nil {
				return err
			}
		}
	}
	if _, err := tx.Exec(ctx, "INSERT INTO river_reach_terms (reach_id, chief_id, region, started_at, changed_by) VALUES (?, ?, ?, ?, ?)",
		r.ID, to.ID, r.Region, now, actorName(u)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE river_reaches SET chief_id = ? WHERE id = ?", to.ID, r.ID); err != nil {
		return err
	}
	return audit.Log(ctx, tx, audit.Entry{Action: "update", Module: "river", ObjectType: "reach", ObjectID: r.Code, Region: r.Region,
		Detail: fmt.Sprintf("河段 %s 的河长由 %s 改为 %s（%s）", r.Name, orNone(r.ChiefName), to.Name, why)})
}

// RetireInput is a chief's leaving office (卸任). Every reach the chief holds goes to a
// successor in the same step: the one named for it in Handover (公示牌编码 → chief id),
// else SuccessorID. The successor (SuccessorID) also takes the chiefs below.
type RetireInput struct {
	Reason      string           `json:"reason"`
	Date        string           `json:"date"` // YYYY-MM-DD (Asia/Shanghai), today when empty
	SuccessorID int64            `json:"successor_id"`
	Handover    map[string]int64 `json:"handover"`
}

// RetireResult says what a retirement moved.
type RetireResult struct {
	Chief    *ChiefInfo       `json:"chief"`
	Handed   map[string]int64 `json:"handed"`   // reach code → new chief id
	Relinked int              `json:"relinked"` // chiefs below now under the successor
	Unlinked int              `json:"unlinked"` // chiefs below left without an in-office superior
}

// RetireChief records that a chief of the user's region leaves office on in.Date and
// hands each of its reaches to a successor; a reach without one refuses the whole step.
func (m *Module) RetireChief(ctx context.Context, u *auth.User, id int64, in RetireInput) (*RetireResult, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 200 {
		return nil, &auth.FieldError{Field: "reason", Message: "请填写卸任原因（如换届、工作调动，200 字以内）"}
	}
	now := m.Now()
	at := now
	if d := strings.TrimSpace(in.Date); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, shanghai)
		if err != nil {
			return nil, &auth.FieldError{Field: "date", Message: "卸任日期格式不正确，请填写 YYYY-MM-DD 格式的日期"}
		}
		if t.After(now) {
			return nil, &auth.FieldError{Field: "date", Message: "卸任日期不能晚于今天，请在卸任当天或之后办理"}
		}
		at = t.UTC()
	}
	out := &RetireResult{Handed: map[string]int64{}}
	err := m.inChiefTx(ctx, u, id, func(tx *store.Tx, c *ChiefInfo) error {
		if c.Retired() {
			return &web.HTTPError{Status: http.StatusConflict, Code: "retired", Message: fmt.Sprintf("河长 %s 已于 %s 卸任，不能重复办理", c.Name, c.RetiredOn)}
		}
		reaches, err := heldReaches(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		held := map[string]bool{}
		for _, r := range reaches {
			held[r.Code] = true
		}
		for code := range in.Handover {
			if !held[code] {
				return &auth.FieldError{Field: "handover", Message: fmt.Sprintf("河段“%s”不由河长 %s 负责，请只为其所管河段指定接任河长", code, c.Name)}
			}
		}
		var succ *ChiefInfo
		if in.SuccessorID > 0 {
			if succ, err = successor(ctx, tx, c, in.SuccessorID, "successor_id"); err != nil {
				return err
			}
		}
		for _, r := range reaches {
			to, field := in.Handover[r.Code], "handover"
			if to == 0 {
				to, field = in.SuccessorID, "successor_id"
			}
			if to == 0 {
				return &auth.FieldError{Field: "handover", Message: fmt.Sprintf("河段“%s”（%s）还没有接任河长：卸任前须把所管河段交给接任河长，请为它选择接任河长", r.Name, r.Code)}
			}
			tc := succ
			if to != in.SuccessorID {
				if tc, err = successor(ctx, tx, c, to, field); err != nil {
					return err
				}
			}
			if err := checkTermStart(ctx, tx, r, at); err != nil {
				return err
			}
			if err := handOver(ctx, tx, u, r, tc, field, fmt.Sprintf("%s卸任：%s", c.Name, in.Reason), at); err != nil {
				return err
			}
			out.Handed[r.Code] = tc.ID
		}
		// the chiefs below go to the successor where it ranks above them
		if succ != nil {
			res, err := tx.Exec(ctx, "UPDATE river_chiefs SET parent_id = ? WHERE parent_id = ? AND level > ?", succ.ID, c.ID, int(succ.Level))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			out.Relinked = int(n)
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM river_chiefs WHERE parent_id = ?", c.ID).Scan(&out.Unlinked); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE river_chiefs SET retired_at = ?, retire_reason = ? WHERE id = ?", store.Time(at), in.Reason, c.ID); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s 于 %s 卸任（%s），移交河段 %d 个", c.Level, c.Name, at.In(shanghai).Format("2006-01-02"), in.Reason, len(reaches))
		if out.Relinked > 0 {
			detail += fmt.Sprintf("，下级河长 %d 名改由 %s 领导", out.Relinked, succ.Name)
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "retire", Module: "river", ObjectType: "chief", ObjectID: fmt.Sprint(c.ID), Region: c.Region, Detail: detail}); err != nil {
			return err
		}
		out.Chief, err = getChief(ctx, tx, c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// successor loads the chief that takes over from c.
func successor(ctx context.Context, q store.Querier, c *ChiefInfo, id int64, field string) (*ChiefInfo, error) {
	if id == c.ID {
		return nil, &auth.FieldError{Field: field, Message: "接任河长不能是卸任的河长本人，请选择另一位河长"}
	}
	s, err := getChief(ctx, q, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &auth.FieldError{Field: field, Message: fmt.Sprintf("接任河长（编号 %d）不存在，请重新选择", id)}
	}
	return s, err
}

// heldReaches lists every reach a chief holds (no limit: a retirement hands over all).
func heldReaches(ctx context.Context, q store.Querier, chiefID int64) ([]*Reach, error) {
	rows, err := q.Query(ctx, "SELECT code FROM river_reaches WHERE chief_id = ? ORDER BY id", chiefID)
	if err != nil {
		return nil, err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		codes = append(codes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*Reach, 0, len(codes))
	for _, c := range codes {
		r, err := getReach(ctx, q, "code", c)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ReachTerm is one chief's time on a reach (任职记录).
type ReachTerm struct {
	ReachID    int64     `json:"reach_id"`
	ReachCode  string    `json:"reach_code"`
	ReachName  string    `json:"reach_name"`
	ChiefID    int64     `json:"chief_id"`
	ChiefName  string    `json:"chief_name"`
	ChiefLevel Level     `json:"chief_level"`
	Start      time.Time `json:"start"`  // zero: held before the register kept history
	End        time.Time `json:"end"`    // zero: holds it now
	Reason     string    `json:"reason"` // why the term ended
	By         string    `json:"by"`     // who entered the start
}

// Current says the chief still holds the reach.
func (t ReachTerm) Current() bool { return t.End.IsZero() }

// list gives the terms of a reach (by "reach_id") or of a chief (by "chief_id"), newest first.
func listTerms(ctx context.Context, q store.Querier, col string, id int64) ([]ReachTerm, error) {
	rows, err := q.Query(ctx, `SELECT t.reach_id, COALESCE(r.code, ''), COALESCE(r.name, ''), t.chief_id, COALESCE(c.name, ''), COALESCE(c.level, 0),
		t.started_at, t.ended_at, t.reason, t.changed_by
		FROM river_reach_terms t LEFT JOIN river_reaches r ON r.id = t.reach_id LEFT JOIN river_chiefs c ON c.id = t.chief_id
		WHERE t.`+col+` = ? ORDER BY t.id DESC LIMIT 500`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ReachTerm{}
	for rows.Next() {
		var t ReachTerm
		var lvl int
		var start, end string
		if err := rows.Scan(&t.ReachID, &t.ReachCode, &t.ReachName, &t.ChiefID, &t.ChiefName, &lvl, &start, &end, &t.Reason, &t.By); err != nil {
			return nil, err
		}
		t.ChiefLevel, t.Start, t.End = Level(lvl), s2t(start), s2t(end)
		out = append(out, t)
	}
	return out, rows.Err()
}

// ofReach is the reach's history with its current holder first, also when the holder
// was set before the register kept history (then its start is unknown).
func reachHistory(ctx context.Context, q store.Querier, r *Reach) ([]ReachTerm, error) {
	list, err := listTerms(ctx, q, "reach_id", r.ID)
	if err != nil || r.ChiefID == 0 || (len(list) > 0 && list[0].Current() && list[0].ChiefID == r.ChiefID) {
		return list, err
	}
	cur := ReachTerm{ReachID: r.ID, ReachCode: r.Code, ReachName: r.Name, ChiefID: r.ChiefID, ChiefName: r.ChiefName, ChiefLevel: r.ChiefLvl}
	return append([]ReachTerm{cur}, list...), nil
}

// startCheck refuses to end r's current term before it began.
func checkTermStart(ctx context.Context, q store.Querier, r *Reach, at time.Time) error {
	var start string
	err := q.QueryRow(ctx, "SELECT started_at FROM river_reach_terms WHERE reach_id = ? AND ended_at = '' ORDER BY id DESC LIMIT 1", r.ID).Scan(&start)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && start == "") {
		return nil
	}
	if err != nil {
		return err
	}
	if s := s2t(start); at.Before(s) {
		return &auth.FieldError{Field: "date", Message: fmt.Sprintf("卸任日期早于其接管河段“%s”的日期 %s，请核对卸任日期", r.Name, s.In(shanghai).Format("2006-01-02"))}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}

func (m *Module) apiChiefCreate(w http.ResponseWriter, r *http.Request) {
	var in NewChiefInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Reply(w, r, http.StatusCreated)(m.CreateChief(r.Context(), web.User(r), in))
}

func (m *Module) apiReachChief(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ChiefID int64 `json:"chief_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.AssignReach(r.Context(), web.User(r), r.PathValue("code"), in.ChiefID))
}

// ChiefChange is what the 河长办 may change of a registered chief: the person (after a
// change of post), the post, the contact and the township or village. Level and region
// stay: a chief of another level or unit is a new entry in the register.
type ChiefChange struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Phone string `json:"phone"`
	Place string `json:"place"`
}

// inChiefTx runs fn in one transaction with the chief id loaded inside it, once the chief
// is found and lies in the user's region or below (the three edits of a chief start so).
func (m *Module) inChiefTx(ctx context.Context, u *auth.User, id int64, fn func(tx *store.Tx, c *ChiefInfo) error) error {
	return m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := getChief(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.CanWrite(c.Region) {
			return auth.ErrScope
		}
		return fn(tx, c)
	})
}

// UpdateChief changes a chief of the user's region or below.
func (m *Module) UpdateChief(ctx context.Context, u *auth.User, id int64, in ChiefChange) (*ChiefInfo, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	in.Name, in.Title, in.Phone, in.Place = strings.TrimSpace(in.Name), strings.TrimSpace(in.Title), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Place)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 40 {
		return nil, &auth.FieldError{Field: "name", Message: "请填写河长姓名（40 字以内）"}
	}
	var out *ChiefInfo
	err := m.inChiefTx(ctx, u, id, func(tx *store.Tx, c *ChiefInfo) error {
		var err error
		if c.Level >= LevelTownship && in.Place == "" {
			return &auth.FieldError{Field: "place", Message: "乡级、村级河长请填写所在乡镇或村"}
		}
		if _, err := tx.Exec(ctx, "UPDATE river_chiefs SET name = ?, title = ?, phone = ?, place = ? WHERE id = ?", in.Name, in.Title, in.Phone, in.Place, id); err != nil {
			return err
		}
		var changes []string
		for _, d := range [][3]string{{"姓名", c.Name, in.Name}, {"职务", c.Title, in.Title}, {"电话", c.Phone, in.Phone}, {"乡镇或村", c.Place, in.Place}} {
			if d[1] != d[2] {
				changes = append(changes, fmt.Sprintf("%s：%s → %s", d[0], orNone(d[1]), orNone(d[2])))
			}
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "update", Module: "river", ObjectType: "chief", ObjectID: fmt.Sprint(id), Region: c.Region,
			Detail: "修改河长信息：" + orNone(strings.Join(changes, "；"))}); err != nil {
			return err
		}
		out, err = getChief(ctx, tx, id)
		return err
	})
	return out, err
}

func (m *Module) apiChiefUpdate(w http.ResponseWriter, r *http.Request) {
	web.ChangeByID(m.d.Web, w, r, http.StatusOK, func(id int64, in ChiefChange) (any, error) {
		return m.UpdateChief(r.Context(), web.User(r), id, in)
	})
}

func (m *Module) apiChiefRetire(w http.ResponseWriter, r *http.Request) {
	web.ChangeByID(m.d.Web, w, r, http.StatusOK, func(id int64, in RetireInput) (any, error) {
		return m.RetireChief(r.Context(), web.User(r), id, in)
	})
}

func (m *Module) apiReachTerms(w http.ResponseWriter, r *http.Request) {
	if !m.viewer(w, r, "查看河段任职记录") {
		return
	}
	reach, err := getReach(r.Context(), m.d.DB, "code", r.PathValue("code"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	list, err := reachHistory(r.Context(), m.d.DB, reach)
	m.d.Web.Reply(w, r, http.StatusOK)(web.Items(list), err)
}

// RelinkChief gives a chief of the user's region a new superior (重新挂接上级河长), as
// after its superior left office without a successor for the chiefs below: the new
// superior must be in office, rank above (superiorFor, as when registering), lead a
// unit the chief's region lies in, and not stand below the chief. Audited with the old
// and the new superior.
func (m *Module) RelinkChief(ctx context.Context, u *auth.User, id, parentID int64) (*ChiefInfo, error) {
	if !m.canEditArchive(u) {
		return nil, errNotOffice
	}
	if parentID <= 0 {
		return nil, &auth.FieldError{Field: "parent_id", Message: "请选择新的上级河长"}
	}
	var out *ChiefInfo
	err := m.inChiefTx(ctx, u, id, func(tx *store.Tx, c *ChiefInfo) error {
		if c.Retired() {
			return &web.HTTPError{Status: http.StatusConflict, Code: "retired", Message: fmt.Sprintf("河长 %s 已于 %s 卸任，不再挂接上级河长", c.Name, c.RetiredOn)}
		}
		if parentID == c.ID {
			return &auth.FieldError{Field: "parent_id", Message: "上级河长不能是本河长自己，请选择另一位河长"}
		}
		p, err := superiorFor(ctx, tx, c.Level, parentID)
		if err != nil {
			return err
		}
		if !region.Within(c.Region, p.Region) {
			return &auth.FieldError{Field: "parent_id", Message: fmt.Sprintf("上级河长 %s 属%s，本河长属%s，不在其辖区内，请选择本河长所在辖区的上级河长", p.Name, region.FullName(p.Region), region.FullName(c.Region))}
		}
		chain, err := ChiefChain(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, up := range chain {
			if up.ID == c.ID {
				return &auth.FieldError{Field: "parent_id", Message: fmt.Sprintf("河长 %s 在本河长之下，挂接后关系树会成环，请选择不在本河长之下的河长", p.Name)}
			}
		}
		if p.ID == c.ParentID {
			out = c
			return nil
		}
		old := "（无）"
		if c.ParentID > 0 {
			if was, err := getChief(ctx, tx, c.ParentID); err == nil {
				old = was.Name
				if was.Retired() {
					old += "（" + was.RetiredOn + " 已卸任）"
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE river_chiefs SET parent_id = ? WHERE id = ?", p.ID, c.ID); err != nil {
			return err
		}
		if err := audit.Log(ctx, tx, audit.Entry{Action: "relink", Module: "river", ObjectType: "chief", ObjectID: fmt.Sprint(c.ID), Region: c.Region,
			Detail: fmt.Sprintf("%s %s 的上级河长由 %s 改为 %s %s", c.Level, c.Name, old, p.LevelName, p.Name)}); err != nil {
			return err
		}
		out, err = getChief(ctx, tx, c.ID)
		return err
	})
	return out, err
}

func (m *Module) apiChiefParent(w http.ResponseWriter, r *http.Request) {
	web.ChangeByID(m.d.Web, w, r, http.StatusOK, func(id int64, in struct {
		ParentID int64 `json:"parent_id"`
	}) (any, error) {
		return m.RelinkChief(r.Context(), web.User(r), id, in.ParentID)
	})
}
