package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tongcheng/internal/audit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// A user changes their own password on 我的账户: wrong current password, a short one and
// a mismatch are refused with the field named and the old password still works; the
// change ends every session of the user (this one and another browser's) and is audited.
func TestChangeOwnPassword(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c, other := e.client(), e.client()
		c.login("cd-clerk")
		other.login("cd-clerk")

		resp, body := c.Get("/account")
		if resp.StatusCode != 200 || !strings.Contains(body, "cd-clerk") || !strings.Contains(body, "成都市锦江区") || !strings.Contains(body, "信用") {
			t.Fatalf("account page = %d, want user name, region 成都市锦江区 and role", resp.StatusCode)
		}

		bad := []struct {
			form       url.Values
			status     int
			msg, field string
		}{
			{url.Values{"current_password": {"wrong-password-1"}, "new_password": {"new-password-22"}, "new_password2": {"new-password-22"}}, 400, "当前密码不正确", "current_password"},
			{url.Values{"current_password": {pw}, "new_password": {"short"}, "new_password2": {"short"}}, 400, "至少 10 个字符", "new_password"},
			{url.Values{"current_password": {pw}, "new_password": {"new-password-22"}, "new_password2": {"new-password-23"}}, 400, "两次输入的新密码不一致", "new_password2"},
			{url.Values{"current_password": {pw}, "new_password": {pw}, "new_password2": {pw}}, 400, "不能与当前密码相同", "new_password"},
		}
		for _, b := range bad {
			b.form.Set("csrf", c.CSRF)
			resp, body := c.PostForm("/account/password", b.form)
			if resp.StatusCode != b.status || !strings.Contains(body, b.msg) || !strings.Contains(body, `data-field="`+b.field+`"`) {
				t.Fatalf("%v: status %d, want %d with %q on field %s", b.form, resp.StatusCode, b.status, b.msg, b.field)
			}
		}
		// still signed in with the old password after the refusals
		if resp, _ := c.Get("/account"); resp.StatusCode != 200 {
			t.Fatalf("session lost after refused change: %d", resp.StatusCode)
		}
		// without the CSRF token nothing happens
		if resp, _ := c.PostForm("/account/password", url.Values{"current_password": {pw}, "new_password": {"new-password-22"}, "new_password2": {"new-password-22"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("no CSRF = %d, want 403", resp.StatusCode)
		}

		resp, _ = c.PostForm("/account/password", url.Values{"csrf": {c.CSRF}, "current_password": {pw}, "new_password": {"new-password-22"}, "new_password2": {"new-password-22"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?ok=") {
			t.Fatalf("change = %d to %q, want 303 to the login page", resp.StatusCode, resp.Header.Get("Location"))
		}
		for i, cl := range []*client{c, other} {
			if resp, _ := cl.Get("/account"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("browser %d still signed in after the change: %d", i, resp.StatusCode)
			}
		}
		// the old password no longer works, the new one does
		c.Get("/login")
		if resp, _ := c.PostForm("/login", url.Values{"csrf": {c.CSRF}, "username": {"cd-clerk"}, "password": {pw}}); resp.StatusCode != 401 {
			t.Fatalf("old password = %d, want 401", resp.StatusCode)
		}
		if resp, _ := c.PostForm("/login", url.Values{"csrf": {c.CSRF}, "username": {"cd-clerk"}, "password": {"new-password-22"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("new password = %d, want 303", resp.StatusCode)
		}
		if n := e.AuditCount(audit.Filter{Action: "password_change"}); n != 1 {
			t.Fatalf("password_change audit entries = %d, want 1", n)
		}
		// the wrong current password counted as a failed sign-in (throttling applies)
		if n := e.AuditCount(audit.Filter{Action: "login_failed", Username: "cd-clerk"}); n != 2 {
			t.Fatalf("login_failed entries = %d, want 2 (one wrong current password, one old password)", n)
		}

		// API: JSON in, 204 out, field named on refusal
		c.Get("/")
		st, out := c.api("POST", "/api/v1/me/password", `{"current_password":"nope-nope-nope","new_password":"another-pass-3"}`, map[string]string{"X-CSRF-Token": c.CSRF})
		if st != 400 || out["error"].(map[string]any)["field"] != "current_password" {
			t.Fatalf("api wrong current = %d %v", st, out)
		}
		st, _ = c.api("POST", "/api/v1/me/password", `{"current_password":"new-password-22","new_password":"another-pass-3"}`, map[string]string{"X-CSRF-Token": c.CSRF})
		if st != http.StatusNoContent {
			t.Fatalf("api change = %d, want 204", st)
		}
	})
}
