package river

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// OverdueRow is an overdue problem on the 督办 page.
type OverdueRow struct {
	*ProblemRow
	DaysOverdue  int       `json:"days_overdue"` // whole days past the deadline (0: less than a day)
	OverdueAt    time.Time `json:"overdue_at"`   // when the job flagged it ('' before the first run)
	Supervisions int       `json:"supervisions"`
	SupervisedAt time.Time `json:"supervised_at"`
}

// MarshalJSON gives the problem's API view with the overdue figures added.
func (o *OverdueRow) MarshalJSON() ([]byte, error) {
	b, err := o.ProblemRow.MarshalJSON()
	if err != nil {
		return nil, err
	}
	x, err := json.Marshal(struct {
		DaysOverdue  int        `json:"days_overdue"`
		OverdueAt    *time.Time `json:"overdue_at,omitempty"`
		Supervisions int        `json:"supervisions"`
		SupervisedAt *time.Time `json:"supervised_at,omitempty"`
	}{o.DaysOverdue, tp(o.OverdueAt), o.Supervisions, tp(o.SupervisedAt)})
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], ','), x[1:]...), nil
}

// SupervisorName is the escalation level as shown (市级河长办 …).
func (o *OverdueRow) SupervisorName() string {
	if o.Supervisor == 0 {
		return "未升级"
	}
	return o.Supervisor.String() + "河长办"
}

// UnitGroup is the overdue problems of one responsible unit.
type UnitGroup struct {
	Unit     string        `json:"unit"`
	Problems []*OverdueRow `json:"problems"`
	MaxDays  int           `json:"max_days"`
}

// overdueGroups lists the overdue problems within scope at now, grouped by
// responsible unit (most problems first), each group most overdue first.
func overdueGroups(ctx context.Context, q store.Querier, scope string, now time.Time) ([]UnitGroup, int, error) {
	f := ProblemFilter{Scope: scope, Overdue: true, Now: now}
	w, args := f.where()
	rows, err := q.Query(ctx, "SELECT "+problemCols+", p.overdue_at, p.supervisions, p.supervised_at"+problemFrom+w+" ORDER BY p.deadline, p.id LIMIT "+strconv.Itoa(overdueListLimit), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	byUnit := map[string]*UnitGroup{}
	listed := 0
	for rows.Next() {
		var oa, sa string
		o := &OverdueRow{}
		p, err := scanProblem(extraScan{rows, []any{&oa, &o.Supervisions, &sa}})
		if err != nil {
			return nil, 0, err
		}
		o.ProblemRow, o.OverdueAt, o.SupervisedAt = p, s2t(oa), s2t(sa)
		o.DaysOverdue = int(now.Sub(p.Deadline) / (24 * time.Hour))
		unit := p.Unit
		if unit == "" {
			unit = "（未指定责任单位）"
		}
		g := byUnit[unit]
		if g == nil {
			g = &UnitGroup{Unit: unit}
			byUnit[unit] = g
		}
		g.Problems = append(g.Problems, o)
		g.MaxDays = max(g.MaxDays, o.DaysOverdue)
		listed++
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	total := int64(listed)
	if listed == overdueListLimit {
		var err error
		if total, err = countProblems(ctx, q, f); err != nil {
			return nil, 0, err
		}
	}
	out := make([]UnitGroup, 0, len(byUnit))
	for _, g := range byUnit {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Problems) != len(out[j].Problems) {
			return len(out[i].Problems) > len(out[j].Problems)
		}
		return out[i].Unit < out[j].Unit
	})
	return out, int(total), nil
}

// overdueListLimit bounds the 督办 list (the most overdue first); the total is counted apart.
const overdueListLimit = 2000

// Supervise records a 督办 of the supervising office on an open problem: a
// note sent down to the responsible unit, kept in the history and audited.
func (m *Module) Supervise(ctx context.Context, u *auth.User, id int64, note string) (*ProblemRow, error) {
	if !u.HasAny("river", auth.RiverOffice, auth.Admin) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "只有河长办可以督办"}
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, &auth.FieldError{Field: "note", Message: "请填写督办意见（要求责任单位做什么、何时前反馈）"}
	}
	if len([]rune(note)) > 500 {
		return nil, &auth.FieldError{Field: "note", Message: "督办意见不能超过500字，请精简"}
	}
	now := m.Now()
	var out *ProblemRow
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := getProblem(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canWriteProblem(u, p.Region, p.Region2) {
			return auth.ErrScope
		}
		if !p.State.Open() {
			return &web.HTTPError{Status: http.StatusConflict, Code: "not_allowed", Message: fmt.Sprintf("问题当前为“%s”，只有已交办、处理中或延期审核中的问题可以督办", p.State)}
		}
		r, err := tx.Exec(ctx, "UPDATE river_problems SET supervised_at = ?, supervisions = supervisions + 1, updated_at = ? WHERE id = ? AND state = ?",
			store.Time(now), store.Time(now), p.RowID, string(p.State))
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return ErrChanged
		}
		a := actorOf(u)
		h := HistoryEntry{ProblemID: p.ID, At: now, ActorID: a.ID, ActorName: a.Name, Action: ActSupervise, From: p.State, To: p.State, Note: note}
		if Overdue(p.Problem, now) {
			h.Reason = fmt.Sprintf("超期%d天", int(now.Sub(p.Deadline)/(24*time.Hour)))
		}
		if err := insertHistory(ctx, tx, h, p.Region); err != nil {
			return err
		}
		out = p
		return audit.Log(ctx, tx, audit.Entry{Action: string(ActSupervise), Module: "river", ObjectType: "problem", ObjectID: p.ID, Region: p.Region,
			Detail: "督办问题 " + p.No + "（责任单位：" + p.Unit + "）：" + note})
	})
	if err != nil {
		return nil, workflowHTTP(err)
	}
	return out, nil
}

type superviseData struct {
	Groups []UnitGroup
	Total  int
	// EscalateDays is the configured escalation interval (data/workflow.json).
	EscalateDays int
	Error        string
	Done         string
}

func (m *Module) supervisePage(w http.ResponseWriter, r *http.Request) {
	m.renderSupervise(w, r, http.StatusOK, "", r.URL.Query().Get("done"))
}

func (m *Module) renderSupervise(w http.ResponseWriter, r *http.Request, status int, msg, done string) {
	u := web.User(r)
	if !u.HasAny("river", auth.RiverOffice, auth.Admin) {
		m.d.Web.Forbidden(w, r, "督办超期问题")
		return
	}
	groups, total, err := overdueGroups(r.Context(), m.d.DB, u.Region, m.Now())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, status, "river/supervise.html", "河长制 · 超期督办", superviseData{Groups: groups, Total: total, EscalateDays: m.Workflow.EscalateDays(), Error: msg, Done: done})
}

func (m *Module) superviseForm(w http.ResponseWriter, r *http.Request) {
	id, err := problemID(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	p, err := m.Supervise(r.Context(), web.User(r), id, r.FormValue("note"))
	if err != nil {
		he := web.Classify(err)
		if he.Status == http.StatusBadRequest || he.Status == http.StatusConflict {
			if r.FormValue("back") == "problem" {
				m.renderProblem(w, r, he.Status, he.Message)
			} else {
				m.renderSupervise(w, r, he.Status, he.Message, "")
			}
			return
		}
		m.d.Web.Fail(w, r, err)
		return
	}
	back := "/river/supervise?done=" + p.No
	if r.FormValue("back") == "problem" {
		back = fmt.Sprintf("/river/problems/%d", id)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (m *Module) apiOverdue(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !u.HasAny("river", auth.RiverOffice, auth.Admin) {
		m.d.Web.Forbidden(w, r, "督办超期问题")
		return
	}
	groups, total, err := overdueGroups(r.Context(), m.d.DB, u.Region, m.Now())
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": total, "units": groups})
}

func (m *Module) apiSupervise(w http.ResponseWriter, r *http.Request) {
	id, err := problemID(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	p, err := m.Supervise(r.Context(), web.User(r), id, in.Note)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, p)
}
