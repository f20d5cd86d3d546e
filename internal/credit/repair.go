package credit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// StoredRepair is a credit-repair application (信用修复申请) as stored.
type StoredRepair struct {
	ID         int64  `json:"id"`
	TargetType string `json:"target_type"` // blacklist or record
	TargetID   int64  `json:"target_id"`
	Region     string `json:"region"` // owner of the target
	RepairApplication
}

// repairTarget loads what a repair is about: its natural key, owner and, for a
// record, its publication period.
func repairTarget(ctx context.Context, q store.Querier, typ string, id int64) (key, reg string, p Period, err error) {
	var body string
	switch typ {
	case "blacklist":
		err = q.QueryRow(ctx, "SELECT region, body_json FROM credit_blacklist WHERE id = ?", id).Scan(&reg, &body)
		if err == nil {
			var b BlacklistEntry
			if err = json.Unmarshal([]byte(body), &b); err == nil {
				key = b.Key()
			}
		}
	case "record":
		err = q.QueryRow(ctx, "SELECT region, body_json FROM credit_records WHERE id = ?", id).Scan(&reg, &body)
		if err == nil {
			var r Record
			if err = json.Unmarshal([]byte(body), &r); err == nil {
				if !r.Adverse() {
					return "", "", Period{}, &auth.FieldError{Field: "target_id", Message: "只有行政处罚、行政强制等失信信息可以申请信用修复"}
				}
				key, p = r.Key(), PublicationPeriod(r.Severity, r.DecisionDate)
			}
		}
	default:
		return "", "", Period{}, &auth.FieldError{Field: "target_type", Message: "修复对象应为 blacklist（严重失信主体名单）或 record（行政管理信息）"}
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	return key, reg, p, err
}

func getRepair(ctx context.Context, q store.Querier, id int64) (*StoredRepair, error) {
	var r StoredRepair
	var body string
	err := q.QueryRow(ctx, "SELECT id, target_type, target_id, region, body_json FROM credit_repairs WHERE id = ?", id).Scan(&r.ID, &r.TargetType, &r.TargetID, &r.Region, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &r, json.Unmarshal([]byte(body), &r.RepairApplication)
}

func fieldErr(es FieldErrors) error {
	return &auth.FieldError{Field: es[0].Field, Message: es.Error()}
}

// apiRepairApply records an application for a blacklist entry or an adverse
// record of the caller's region (the collector enters it for the subject).
func (m *Module) apiRepairApply(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "办理信用修复")
		return
	}
	var in struct {
		TargetType string `json:"target_type"`
		TargetID   int64  `json:"target_id"`
		Applicant  string `json:"applicant"`
		Reason     string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	ctx := r.Context()
	key, reg, p, err := repairTarget(ctx, m.d.DB, in.TargetType, in.TargetID)
	if err == nil && !u.CanWrite(reg) {
		err = auth.ErrScope
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	app, err := NewRepairApplication(key, in.Applicant, in.Reason, m.today(), p)
	var es FieldErrors
	if errors.As(err, &es) {
		m.d.Web.Fail(w, r, fieldErr(es))
		return
	}
	out := StoredRepair{TargetType: in.TargetType, TargetID: in.TargetID, Region: reg, RepairApplication: *app}
	body, _ := json.Marshal(app)
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		now := store.Time(time.Now())
		id, err := store.InsertID(ctx, tx, `INSERT INTO credit_repairs (target_type, target_id, target_key, applicant, state, region, body_json, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.TargetType, in.TargetID, key, app.Applicant, string(app.State), reg, string(body), now, now)
		if err != nil {
			return err
		}
		out.ID = id
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "credit", ObjectType: "repair", ObjectID: strconv.FormatInt(id, 10), Region: reg, Detail: "信用修复申请：" + key})
	})
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, out)
}

func (m *Module) apiRepairGet(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看信用修复")
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	rep, err := getRepair(r.Context(), m.d.DB, id)
	if err == nil && !u.CanRead(rep.Region, false) {
		err = auth.ErrScope
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, rep)
}

var repairActions = map[string]RepairAction{"review": ActionReview, "remove": ActionRemove, "refuse": ActionRefuse}

// apiRepairStep reviews, approves (removes from the list / ends publication)
// or refuses an application; each step is audited with the change it makes.
func (m *Module) apiRepairStep(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "办理信用修复")
		return
	}
	act, ok := repairActions[r.PathValue("action")]
	if !ok {
		m.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	today := m.today()
	var out *StoredRepair
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		rep, err := getRepair(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.CanWrite(rep.Region) {
			return auth.ErrScope
		}
		from := rep.State
		if err := rep.Advance(act, u.Username, today, in.Note); err != nil {
			var es FieldErrors
			if errors.As(err, &es) {
				return fieldErr(es)
			}
			return err
		}
		body, _ := json.Marshal(rep.RepairApplication)
		res, err := tx.Exec(ctx, "UPDATE credit_repairs SET state = ?, body_json = ?, updated_at = ? WHERE id = ? AND state = ?", string(rep.State), string(body), store.Time(time.Now()), id, string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &web.HTTPError{Status: http.StatusConflict, Code: "conflict", Message: "申请状态已变化（可能已被他人办理），请刷新后重试"}
		}
		if rep.State == RepairRemoved {
			if err := applyRepair(ctx, tx, rep, today); err != nil {
				return err
			}
		}
		out = rep
		return audit.Log(ctx, tx, audit.Entry{Action: "update", Module: "credit", ObjectType: "repair", ObjectID: strconv.FormatInt(id, 10), Region: rep.Region,
			Detail: "信用修复" + string(act) + "：" + rep.TargetKey + " " + in.Note})
	})
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// applyRepair ends the target's public view on day: the blacklist entry's or
// the record's repaired_on, which re-imports of the department's file leave alone.
func applyRepair(ctx context.Context, tx *store.Tx, rep *StoredRepair, day time.Time) error {
	if rep.TargetType == "record" {
		_, err := tx.Exec(ctx, "UPDATE credit_records SET repaired_on = ? WHERE id = ?", dateText(day), rep.TargetID)
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE credit_blacklist SET repaired_on = ? WHERE id = ?", dateText(day), rep.TargetID)
	return err
}
