package credit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
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
	RepairExtra
}

// RepairExtra is what an application holds beside the engine's
// RepairApplication: the applicant's capacity, the description of the
// evidence handed in (58号令: 信用修复申请书、守信承诺书、履行义务和纠正失信行为的材料)
// and the clerk who entered it (who may not decide it).
type RepairExtra struct {
	ApplicantRole string `json:"applicant_role"` // 申请人身份
	Evidence      string `json:"evidence"`       // 证明材料
	EnteredBy     string `json:"entered_by"`     // 录入人（用户名）
}

// repairBody is what credit_repairs.body_json holds.
type repairBody struct {
	RepairApplication
	RepairExtra
}

// ApplicantRoles are the capacities in which a repair may be applied for.
var ApplicantRoles = []string{"法定代表人（负责人）", "委托代理人", "自然人本人"}

// RepairInput is an application as entered on the form or sent to the API.
type RepairInput struct {
	TargetType    string `json:"target_type"`
	TargetID      int64  `json:"target_id"`
	Applicant     string `json:"applicant"`
	ApplicantRole string `json:"applicant_role"`
	Reason        string `json:"reason"`
	Evidence      string `json:"evidence"`
}

// repairTarget loads what a repair is about: its natural key, owner and, for a
// record, its publication period. A target no longer in public view cannot
// be repaired.
func repairTarget(ctx context.Context, q store.Querier, typ string, id int64, today time.Time) (key, reg string, p Period, err error) {
	var body, repaired string
	switch typ {
	case "blacklist":
		err = q.QueryRow(ctx, "SELECT region, repaired_on, body_json FROM credit_blacklist WHERE id = ?", id).Scan(&reg, &repaired, &body)
		if err == nil {
			e := StoredEntry{ID: id, Region: reg, RepairedOn: parseDateText(repaired)}
			if err = json.Unmarshal([]byte(body), &e.BlacklistEntry); err == nil {
				key = e.Key()
				if st := EntryStatus(&e, today); !st.Public {
					return "", "", Period{}, &auth.FieldError{Field: "target_id", Message: "该名单记录" + st.Text + "，已不在公示期内，无需申请信用修复"}
				}
			}
		}
	case "record":
		err = q.QueryRow(ctx, "SELECT region, repaired_on, body_json FROM credit_records WHERE id = ?", id).Scan(&reg, &repaired, &body)
		if err == nil {
			var r Record
			if err = json.Unmarshal([]byte(body), &r); err == nil {
				if !r.Adverse() {
					return "", "", Period{}, &auth.FieldError{Field: "target_id", Message: "只有行政处罚、行政强制等失信信息可以申请信用修复"}
				}
				if !r.PublicOn(today, parseDateText(repaired)) {
					return "", "", Period{}, &auth.FieldError{Field: "target_id", Message: "该记录已不在公示期内，无需申请信用修复"}
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
	var b repairBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return nil, err
	}
	r.RepairApplication, r.RepairExtra = b.RepairApplication, b.RepairExtra
	return &r, nil
}

func fieldErr(es FieldErrors) error {
	return &auth.FieldError{Field: es[0].Field, Message: es.Error()}
}

// canDecide: the reviewing role (credit:reviewer or credit:admin) approves or
// refuses applications.
func canDecide(u *auth.User) bool { return u.HasAny("credit", auth.Reviewer, auth.Admin) }

// applyRepair validates an application for a blacklist entry or an adverse
// record of u's region and stores it, audited in the same transaction. A
// target with an application still open gets no second one.
func (m *Module) applyRepair(ctx context.Context, u *auth.User, in RepairInput) (*StoredRepair, error) {
	if !canCollect(u) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "您没有办理信用修复的权限，请联系本级管理员开通"}
	}
	today := m.today()
	key, reg, p, err := repairTarget(ctx, m.d.DB, in.TargetType, in.TargetID, today)
	if err == nil && !u.CanWrite(reg) {
		err = &web.HTTPError{Status: http.StatusForbidden, Code: "out_of_scope", Field: "target_id",
			Message: "该记录属于" + region.FullName(reg) + "，不在您的辖区（" + region.FullName(u.Region) + "）内，应由其所属地的信用部门受理"}
	}
	if err != nil {
		return nil, err
	}
	in.Applicant, in.Reason, in.Evidence = strings.TrimSpace(in.Applicant), strings.TrimSpace(in.Reason), strings.TrimSpace(in.Evidence)
	app, err := NewRepairApplication(key, in.Applicant, in.Reason, today, p)
	var es FieldErrors
	if err != nil && !errors.As(err, &es) {
		return nil, err
	}
	if in.ApplicantRole == "" {
		in.ApplicantRole = ApplicantRoles[0]
	}
	if !contains(ApplicantRoles, in.ApplicantRole) {
		es = append(es, FieldError{Field: "申请人身份", Reason: "“" + in.ApplicantRole + "”不可用，请选择" + strings.Join(ApplicantRoles, "、")})
	}
	if in.Evidence == "" {
		es = append(es, FieldError{Field: "证明材料", Reason: "不能为空，请列出申请人提交的材料（信用修复申请书、守信承诺书、履行义务和纠正失信行为的证明，如罚款缴纳凭证、整改报告）"})
	}
	if len(es) > 0 {
		return nil, fieldErr(es)
	}
	out := &StoredRepair{TargetType: in.TargetType, TargetID: in.TargetID, Region: reg, RepairApplication: *app,
		RepairExtra: RepairExtra{ApplicantRole: in.ApplicantRole, Evidence: in.Evidence, EnteredBy: u.Username}}
	body, _ := json.Marshal(repairBody{out.RepairApplication, out.RepairExtra})
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		var open int64
		err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM credit_repairs WHERE target_type = ? AND target_id = ? AND state IN (?, ?)",
			in.TargetType, in.TargetID, string(RepairApplied), string(RepairReviewing)).Scan(&open)
		if err != nil {
			return err
		}
		if open != 0 {
			return &web.HTTPError{Status: http.StatusConflict, Code: "repair_open", Field: "target_id",
				Message: fmt.Sprintf("该记录已有办理中的信用修复申请（第%d号），请在该申请办结后再申请", open)}
		}
		now := store.Time(time.Now())
		id, err := store.InsertID(ctx, tx, `INSERT INTO credit_repairs (target_type, target_id, target_key, applicant, state, region, body_json, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.TargetType, in.TargetID, key, app.Applicant, string(app.State), reg, string(body), now, now)
		if err != nil {
			return err
		}
		out.ID = id
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "credit", ObjectType: "repair", ObjectID: strconv.FormatInt(id, 10), Region: reg,
			Detail: "信用修复申请：" + key + "，申请人 " + app.Applicant})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// apiRepairApply records an application for a blacklist entry or an adverse
// record of the caller's region (the collector enters it for the subject).
func (m *Module) apiRepairApply(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "办理信用修复")
		return
	}
	var in RepairInput
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	out, err := m.applyRepair(r.Context(), u, in)
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
	id, err := web.PathID(r, "id")
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	d, err := m.repairData(r.Context(), u, id)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, repairJSON(d))
}

var repairActions = map[string]RepairAction{"review": ActionReview, "remove": ActionRemove, "refuse": ActionRefuse}

// stepRepair reviews (受理, collector or reviewer), approves (removes from
// the list / ends publication) or refuses (reviewing role only, not the
// clerk who entered the application) an application of u's region; the step
// and the change it makes are audited in one transaction.
func (m *Module) stepRepair(ctx context.Context, u *auth.User, id int64, action, note string) (*StoredRepair, error) {
	act, ok := repairActions[action]
	if !ok {
		return nil, store.ErrNotFound
	}
	if act == ActionReview && !canCollect(u) && !canDecide(u) || act != ActionReview && !canDecide(u) {
		return nil, &web.HTTPError{Status: http.StatusForbidden, Code: "forbidden", Message: "您没有" + string(act) + "的权限：准予或不予信用修复由信用审核人员决定"}
	}
	note = strings.TrimSpace(note)
	today := m.today()
	var out *StoredRepair
	err := m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		rep, err := getRepair(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.CanWrite(rep.Region) {
			return &web.HTTPError{Status: http.StatusForbidden, Code: "out_of_scope",
				Message: "该申请属于" + region.FullName(rep.Region) + "，不在您的辖区（" + region.FullName(u.Region) + "）内，您不能办理"}
		}
		if act != ActionReview && rep.EnteredBy == u.Username {
			return &web.HTTPError{Status: http.StatusForbidden, Code: "same_person",
				Message: "该申请由您录入，须由另一位审核人员决定是否修复"}
		}
		from := rep.State
		if err := rep.Advance(act, u.Username, today, note); err != nil {
			var es FieldErrors
			if errors.As(err, &es) {
				return fieldErr(es)
			}
			return err
		}
		body, _ := json.Marshal(repairBody{rep.RepairApplication, rep.RepairExtra})
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
		detail := "信用修复" + string(act) + "：" + rep.TargetKey
		if note != "" {
			detail += "，意见：" + note
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "update", Module: "credit", ObjectType: "repair", ObjectID: strconv.FormatInt(id, 10), Region: rep.Region, Detail: detail})
	})
	return out, err
}

// apiRepairStep reviews, approves or refuses an application (see stepRepair).
func (m *Module) apiRepairStep(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) && !canDecide(u) {
		m.d.Web.Forbidden(w, r, "办理信用修复")
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	out, err := m.stepRepair(r.Context(), u, id, r.PathValue("action"), in.Note)
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
