package river

import (
	"context"
	"fmt"
	"io"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/store"
)

// Actions the system and the supervising office record in a problem's history
// besides the workflow's own (they do not change its state).
const (
	ActEscalate  ActionKind = "escalate"  // 超期升级 (系统)
	ActOverdue   ActionKind = "overdue"   // 超期标记 (系统), when no higher level is left to escalate to
	ActSupervise ActionKind = "supervise" // 督办 (上级河长办)
)

func init() {
	actionNames[ActEscalate] = "超期升级"
	actionNames[ActOverdue] = "超期标记"
	actionNames[ActSupervise] = "督办"
}

// EscalationResult counts what one run of the overdue job did.
type EscalationResult struct {
	Overdue   int // overdue problems looked at
	Flagged   int // newly flagged overdue by this run
	Escalated int // supervising level raised by this run
}

// extraScan scans the problem columns and then extra columns of the same row.
type extraScan struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }

// EscalateOverdue is the overdue job (超期升级督办): every problem past its
// deadline at now whose unit still owes the work is flagged overdue, and its
// supervising level is raised by the engine's rule (WorkflowConfig.Escalate),
// each change with a history entry by 系统 and an audit entry in one
// transaction. Several processes may run it at once: each change is claimed
// by a conditional UPDATE on the values it was computed from, so it happens once.
func (m *Module) EscalateOverdue(ctx context.Context, now time.Time) (EscalationResult, error) {
	var res EscalationResult
	db := m.d.DB
	type cand struct {
		p         *ProblemRow
		overdueAt string
	}
	rows, err := db.Query(ctx, "SELECT "+problemCols+", p.overdue_at"+problemFrom+
		" WHERE p.state IN ('assigned', 'handling', 'extension') AND p.deadline <> '' AND p.deadline < ? ORDER BY p.id", store.Time(now))
	if err != nil {
		return res, err
	}
	var list []cand
	for rows.Next() {
		var c cand
		p, err := scanProblem(extraScan{rows, []any{&c.overdueAt}})
		if err != nil {
			rows.Close()
			return res, err
		}
		c.p = p
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	for _, c := range list {
		p := c.p
		if !Overdue(p.Problem, now) { // the store compares text; the engine has the last word
			continue
		}
		res.Overdue++
		np, h, escalate := m.Workflow.Escalate(p.Problem, now)
		// flagged for this deadline: a flag older than the deadline belongs to an
		// earlier one (the deadline was extended since) and a new flag is due
		flaggedNow := c.overdueAt != "" && c.overdueAt > t2s(p.Deadline)
		if flaggedNow && !escalate {
			continue
		}
		var flagged, escalated bool
		err := db.InTx(ctx, func(tx *store.Tx) error {
			flagged, escalated = false, false
			if !flaggedNow {
				r, err := tx.Exec(ctx, "UPDATE river_problems SET overdue_at = ? WHERE id = ? AND (overdue_at = '' OR overdue_at <= deadline) AND state = ? AND deadline = ?",
					store.Time(now), p.RowID, string(p.State), t2s(p.Deadline))
				if err != nil {
					return err
				}
				n, _ := r.RowsAffected()
				flagged = n == 1
			}
			if escalate {
				r, err := tx.Exec(ctx, "UPDATE river_problems SET supervisor = ?, updated_at = ? WHERE id = ? AND supervisor = ? AND state = ? AND deadline = ?",
					int(np.Supervisor), store.Time(now), p.RowID, int(p.Supervisor), string(p.State), t2s(p.Deadline))
				if err != nil {
					return err
				}
				n, _ := r.RowsAffected()
				escalated = n == 1
			}
			var detail string
			switch {
			case escalated:
				h.Action = ActEscalate
				detail = h.Reason
			case flagged:
				h = HistoryEntry{ProblemID: p.ID, At: now, ActorID: "system", ActorName: "系统", Action: ActOverdue, From: p.State, To: p.State,
					Reason: fmt.Sprintf("超过办理期限%s未反馈，标记超期", fmtTime(p.Deadline))}
				detail = h.Reason
			default:
				return nil // another process got there first
			}
			if err := insertHistory(ctx, tx, h, p.Region); err != nil {
				return err
			}
			return audit.Log(ctx, tx, audit.Entry{At: now, Action: string(h.Action), Module: "river", ObjectType: "problem", ObjectID: p.ID,
				Region: p.Region, Detail: "问题 " + p.No + "：" + detail})
		})
		if err != nil {
			return res, err
		}
		if flagged {
			res.Flagged++
		}
		if escalated {
			res.Escalated++
		}
	}
	return res, nil
}

// Interval is how often `serve` runs the overdue job.
func (m *Module) Interval() time.Duration {
	if m.JobInterval > 0 {
		return m.JobInterval
	}
	return time.Minute
}

// RunOnce runs the overdue job once at the module's clock (platform.Worker).
func (m *Module) RunOnce(ctx context.Context, out io.Writer) error {
	res, err := m.EscalateOverdue(ctx, m.Now())
	if err != nil {
		return fmt.Errorf("河长制超期升级：%w", err)
	}
	if out != nil && (res.Flagged > 0 || res.Escalated > 0) {
		fmt.Fprintf(out, "河长制超期升级：超期问题 %d 个，新标记 %d 个，升级督办 %d 个\n", res.Overdue, res.Flagged, res.Escalated)
	}
	return nil
}
