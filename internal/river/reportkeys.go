package river

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// A city's system that reports a problem and times out before the answer sends the
// report again. With the same Idempotency-Key header (上报幂等键) on both requests the
// problem is stored once: the first request stores it and answers 201, a repeat with
// the same key and the same content answers 200 with the problem the first stored
// (header Idempotent-Replayed: true) and stores nothing more — no second problem, audit
// entry or photo. The same key with other content is refused with 409. A key belongs
// to the account that sent it (the public report API's keys are the public's, one
// space for all); it is kept ReportKeyTTL. A public repeat is not counted against the
// public rate limit (it stores nothing). Requests without the header are not affected.

// IdempotencyHeader is the request header that names a report.
const IdempotencyHeader = "Idempotency-Key"

// ReportKeyTTL is how long a key is kept: a repeat within it is answered with the
// first problem; after it the key is forgotten and may name a new report.
const ReportKeyTTL = 7 * 24 * time.Hour

// FormKeyField is the hidden field of the report pages that carries their key: each
// page shown gets a new one (newFormKey); a refused report stores nothing under it, so
// the page shown again with the refusal keeps it.
const FormKeyField = "idempotency_key"

// newFormKey is a fresh key for a report page (128 random bits, hex).
func newFormKey() string { return auth.RandomHex(16) }

// formKeyOf is the key the page shown again after a refusal keeps: the one it was
// sent with when that one is well formed, else a new one.
func formKeyOf(r *http.Request) string {
	if k := strings.TrimSpace(r.FormValue(FormKeyField)); k != "" && len(k) <= MaxReportKeyLen && strings.Trim(k, "0123456789abcdefABCDEF") == "" {
		return k
	}
	return newFormKey()
}

// MaxReportKeyLen is the longest key taken (a UUID has 36 characters).
const MaxReportKeyLen = 128

// reportKey reads the Idempotency-Key header: "" when the request has none; a key
// that is empty, too long or has other characters than letters, digits and - _ . :
// is refused with a message that names the header.
func reportKey(r *http.Request) (string, error) {
	vals := r.Header.Values(IdempotencyHeader)
	if len(vals) == 0 && isForm(r) {
		// the report pages carry a key of their own (FormKeyField), so that a form sent
		// twice (a double click, a phone sending again on a bad connection) is stored once
		if k := r.FormValue(FormKeyField); k != "" {
			vals = []string{k}
		}
	}
	if len(vals) == 0 {
		return "", nil
	}
	bad := &web.HTTPError{Status: http.StatusBadRequest, Code: "bad_idempotency_key", Field: IdempotencyHeader,
		Message: fmt.Sprintf("请求头 %s 须为 1–%d 个英文字母、数字或 - _ . : 字符（建议每次上报生成一个 UUID，重发时原样带上），请改正后重发", IdempotencyHeader, MaxReportKeyLen)}
	if len(vals) > 1 {
		bad.Message = fmt.Sprintf("请求头 %s 只能有一个，请只带一个后重发", IdempotencyHeader)
		return "", bad
	}
	k := strings.TrimSpace(vals[0])
	if k == "" || len(k) > MaxReportKeyLen {
		return "", bad
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return "", bad
		}
	}
	return k, nil
}

// reportFingerprint is the SHA-256 of what a report says: its fields as sent and the
// bytes of each photo, in order.
func reportFingerprint(in ReportInput) string {
	h := sha256.New()
	b, _ := json.Marshal(in)
	h.Write(b)
	for _, u := range in.uploads {
		s := sha256.Sum256(u.Data)
		h.Write([]byte("\nphoto:" + u.Name + ":"))
		h.Write(s[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keyOwner is whose keys a report's key is among: the account's, or the public's.
func keyOwner(u *auth.User) string {
	if u == nil {
		return "public"
	}
	return "u:" + strconv.FormatInt(u.ID, 10)
}

// ReportOnce is Report under an idempotency key: with key "" it is Report; otherwise
// the first report with the key stores the problem and remembers the key with it in
// the same transaction, and a repeat returns that problem with replayed true and stores
// nothing. Of two requests with one key at the same moment, the primary key of
// river_report_keys lets one store; the other waits for it and then reads its problem.
func (m *Module) ReportOnce(ctx context.Context, u *auth.User, in ReportInput, key string) (row *ProblemRow, replayed bool, err error) {
	if key == "" {
		row, err = m.Report(ctx, u, in)
		return row, false, err
	}
	owner, fp, now := keyOwner(u), reportFingerprint(in), m.Now()
	err = m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		// this key, if it has expired, is forgotten: it names a new report
		if _, err := tx.Exec(ctx, "DELETE FROM river_report_keys WHERE owner = ? AND idem_key = ? AND created_at < ?", owner, key, store.Time(now.Add(-ReportKeyTTL))); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `INSERT INTO river_report_keys (owner, idem_key, fingerprint, problem_id, created_at) VALUES (?, ?, ?, 0, ?)
			ON CONFLICT (owner, idem_key) DO NOTHING`, owner, key, fp, store.Time(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var was string
			var id int64
			if err := tx.QueryRow(ctx, "SELECT fingerprint, problem_id FROM river_report_keys WHERE owner = ? AND idem_key = ?", owner, key).Scan(&was, &id); err != nil {
				return err
			}
			if was != fp {
				return &web.HTTPError{Status: http.StatusConflict, Code: "idempotency_key_reused", Field: IdempotencyHeader,
					Message: fmt.Sprintf("请求头 %s “%s”已用于另一份内容不同的上报（问题已按首次内容保存）；重发同一上报请原样提交首次的内容，上报新的问题请换一个新的 %s", IdempotencyHeader, key, IdempotencyHeader)}
			}
			row, err = getProblem(ctx, tx, id)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("river: report key %s names problem %d, which is not stored", key, id)
			}
			replayed = true
			return err
		}
		if row, err = m.reportIn(ctx, tx, u, in); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE river_report_keys SET problem_id = ? WHERE owner = ? AND idem_key = ?", row.RowID, owner, key)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if !replayed {
		// the other expired keys go too, in a statement of their own so that requests
		// with different keys do not wait for each other; the report is stored whether
		// or not this succeeds, and the next new key tries again
		if _, err := m.d.DB.Exec(ctx, "DELETE FROM river_report_keys WHERE created_at < ?", store.Time(now.Add(-ReportKeyTTL))); err != nil && m.d.Log != nil {
			m.d.Log.Warn("river: removing expired report keys", "err", err)
		}
	}
	return row, replayed, nil
}

// keptReportKey reports whether u's (nil: the public's) key names a report stored
// within the keeping time; false for key "".
func (m *Module) keptReportKey(ctx context.Context, u *auth.User, key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	var n int
	err := m.d.DB.QueryRow(ctx, "SELECT COUNT(*) FROM river_report_keys WHERE owner = ? AND idem_key = ? AND created_at >= ?",
		keyOwner(u), key, store.Time(m.Now().Add(-ReportKeyTTL))).Scan(&n)
	return n > 0, err
}

// writeReport answers a report: 201 when it was stored now, 200 with the header
// Idempotent-Replayed when a repeat found it stored.
func writeReport(w http.ResponseWriter, replayed bool, out any) {
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		web.WriteJSON(w, http.StatusOK, out)
		return
	}
	web.WriteJSON(w, http.StatusCreated, out)
}

// reportKeyDoc is what the OpenAPI document says of the header, on each report route.
var reportKeyDoc = fmt.Sprintf("可选请求头 %s（上报幂等键，1–%d 个英文字母、数字或 - _ . :，建议每份上报一个 UUID）：超时后重发同一上报时原样带上，"+
	"问题只保存一次——首次应答 201，重发且内容相同应答 200（应答头 Idempotent-Replayed: true）并返回首次保存的问题，不再保存问题、照片或审计记录；"+
	"同一键配不同内容应答 409 idempotency_key_reused。键按账号区分（公众举报接口的键同属公众，重发不计入举报频率限制），保存 %d 天，过期后可再用。不带该请求头的上报照旧每次保存",
	IdempotencyHeader, MaxReportKeyLen, int(ReportKeyTTL/(24*time.Hour)))

// keyedReportOp is the OpenAPI operation of a report route that takes the header.
func keyedReportOp(summary string) map[string]any {
	return map[string]any{"summary": summary, "description": reportKeyDoc, "tags": []string{"河长制"},
		"parameters": []any{map[string]any{"name": IdempotencyHeader, "in": "header", "required": false,
			"schema": map[string]any{"type": "string", "maxLength": MaxReportKeyLen, "pattern": "^[A-Za-z0-9._:-]+$"}}},
		"responses": map[string]any{
			"201": map[string]any{"description": "已保存"},
			"200": map[string]any{"description": "同一幂等键、同一内容的重发：返回首次保存的问题，未再保存"},
			"400": map[string]any{"description": "内容或幂等键不合格（bad_idempotency_key）"},
			"409": map[string]any{"description": "幂等键已用于内容不同的上报（idempotency_key_reused）"},
		}}
}
