// Package shell is the web shell every module sits in: login and logout, the home page
// (驾驶舱) with each module's key figures, account and API-token management, the audit
// log browser, the region list and the OpenAPI document.
package shell

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Shell mounts the platform's own pages. Modules is filled by the app before Mount.
type Shell struct {
	Modules []platform.Module
	d       *platform.Deps
}

func (s *Shell) Key() string   { return "platform" }
func (s *Shell) Title() string { return "平台" }
func (s *Shell) Migrations() []store.Migrations {
	return []store.Migrations{auth.Migrations(), audit.Migrations()}
}

// Mount registers the shell's routes.
func (s *Shell) Mount(d *platform.Deps) {
	s.d = d
	sub, _ := fs.Sub(templates, "templates")
	w := d.Web
	w.Templates("shell", sub, nil)
	w.AddNav(web.NavItem{Title: "首页", Path: "/"})
	w.Handle("GET /{$}", s.home)
	w.Handle("GET /login", s.loginPage, web.Public())
	w.Handle("POST /login", s.login, web.Public())
	w.Handle("POST /logout", s.logout, web.Public())
	w.Handle("GET /users", s.users)
	w.Handle("POST /users", s.createUser)
	w.Handle("GET /users/{id}", s.editUser)
	w.Handle("POST /users/{id}", s.updateUser)
	w.Handle("GET /audit", s.auditPage)
	w.Handle("GET /audit.csv", s.auditCSV)
	w.Handle("GET /account", s.accountPage)
	w.Handle("POST /account/password", s.changePasswordForm)
	w.Handle("GET /tokens", s.tokensPage)
	w.Handle("POST /tokens", s.createTokenForm)
	w.Handle("POST /tokens/{id}/revoke", s.revokeTokenForm)
	w.Handle("GET /healthz", s.healthz, web.Public())
	w.Handle("GET /metrics", w.MetricsHandler().ServeHTTP, web.Public())

	w.Handle("POST /api/v1/session", s.apiLogin, web.Public())
	w.Handle("DELETE /api/v1/session", s.apiLogout)
	w.Handle("GET /api/v1/me", s.apiMe)
	w.Handle("POST /api/v1/me/password", s.apiChangePassword)
	w.Handle("GET /api/v1/regions", s.apiRegions)
	w.Handle("GET /api/v1/users", s.apiUsers)
	w.Handle("POST /api/v1/users", s.apiCreateUser)
	w.Handle("PATCH /api/v1/users/{id}", s.apiUpdateUser)
	w.Handle("GET /api/v1/audit", s.apiAudit)
	w.Handle("GET /api/v1/audit.csv", s.auditCSV)
	w.Handle("GET /api/v1/dashboard", s.apiDashboard)
	w.Handle("GET /api/v1/tokens", s.apiTokens)
	w.Handle("POST /api/v1/tokens", s.apiCreateToken)
	w.Handle("DELETE /api/v1/tokens/{id}", s.apiRevokeToken)
	w.Handle("GET /api/v1/openapi.json", s.openapi, web.Public())
	w.OpenAPI(openapiPaths())
}

// MountFallback registers the catch-all that answers unknown routes; call it last.
func (s *Shell) MountFallback() {
	s.d.Web.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		if web.IsAPI(r) {
			web.APIError(w, http.StatusNotFound, "not_found", "没有这个接口："+r.Method+" "+r.URL.Path+"，请对照 /api/v1/openapi.json", "")
			return
		}
		s.d.Web.ErrorPage(w, r, http.StatusNotFound, "页面不存在", "没有找到 "+r.URL.Path+"，请从导航栏进入需要的功能。")
	}, web.Public())
}

// canAdmin reports whether u manages accounts (platform admin of some region).
func canAdmin(u *auth.User) bool { return u.HasRole("platform", auth.Admin) }

// ---- login ----

type loginData struct {
	Next     string
	Username string
	Expired  bool
	Message  string
}

func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/"
	}
	return n
}

func (s *Shell) loginPage(w http.ResponseWriter, r *http.Request) {
	if web.User(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	d := loginData{Next: safeNext(r.URL.Query().Get("next")), Expired: r.URL.Query().Get("expired") == "1"}
	s.d.Web.Render(w, r, http.StatusOK, "shell/login.html", "登录", d)
}

func (s *Shell) login(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	_, sess, err := s.d.Auth.Login(r.Context(), username, password, web.ClientIP(r))
	if err != nil {
		he := web.Classify(err)
		s.renderLoginError(w, r, he.Status, username, he.Message)
		return
	}
	s.d.Web.SetSession(w, sess)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Shell) renderLoginError(w http.ResponseWriter, r *http.Request, status int, username, msg string) {
	d := loginData{Next: safeNext(r.PostFormValue("next")), Username: username, Message: msg}
	s.d.Web.Render(w, r, status, "shell/login.html", "登录", d)
}

func (s *Shell) logout(w http.ResponseWriter, r *http.Request) {
	if tok := s.d.Web.ClearSession(w, r); tok != "" {
		s.d.Auth.Logout(r.Context(), tok, web.User(r), web.ClientIP(r))
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Shell) apiLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	u, sess, err := s.d.Auth.Login(r.Context(), in.Username, in.Password, web.ClientIP(r))
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	s.d.Web.SetSession(w, sess)
	web.WriteJSON(w, http.StatusOK, map[string]any{"user": u, "csrf": sess.CSRF})
}

func (s *Shell) apiLogout(w http.ResponseWriter, r *http.Request) {
	if tok := s.d.Web.ClearSession(w, r); tok != "" {
		s.d.Auth.Logout(r.Context(), tok, web.User(r), web.ClientIP(r))
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- home (驾驶舱) ----

type homeData struct {
	Cards   []platform.Card
	Modules []moduleCards
	Chart   map[string]any
}

type moduleCards struct {
	Key   string
	Title string
	Cards []platform.Card
	Error string
}

func (s *Shell) home(w http.ResponseWriter, r *http.Request) {
	d, users, err := s.dashboard(r.Context(), web.User(r))
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	// accounts per city, as a chart
	var names []string
	var counts []int
	for _, c := range append([]region.Region{{Code: region.ProvinceCode, Name: "省同城化办"}}, region.Cities()...) {
		n := 0
		for _, x := range users {
			if region.CityOf(x.Region) == c.Code {
				n++
			}
		}
		names = append(names, c.Name)
		counts = append(counts, n)
	}
	d.Chart = map[string]any{
		"title":   map[string]any{"text": "各市账号数", "left": "center", "textStyle": map[string]any{"fontSize": 14}},
		"tooltip": map[string]any{},
		"xAxis":   map[string]any{"type": "category", "data": names},
		"yAxis":   map[string]any{"type": "value", "minInterval": 1},
		"series":  []any{map[string]any{"type": "bar", "data": counts, "name": "账号"}},
	}
	s.d.Web.Render(w, r, http.StatusOK, "shell/home.html", "首页", d)
}

// dashboard gathers the home page's figures (驾驶舱): the platform's own and those of each
// module u may open. It also returns the accounts, which the page charts by city.
func (s *Shell) dashboard(ctx context.Context, u *auth.User) (homeData, []*auth.User, error) {
	var d homeData
	users, err := s.d.Auth.List(ctx, "")
	if err != nil {
		return d, nil, err
	}
	sh := time.FixedZone("CST", 8*3600)
	now := time.Now().In(sh)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, sh)
	logins, err := audit.Count(ctx, s.d.DB, audit.Filter{Action: "login", From: today})
	if err != nil {
		return d, nil, err
	}
	d.Cards = []platform.Card{
		{Label: "注册账号", Value: strconv.Itoa(len(users)), Note: "四市及省同城化办公室"},
		{Label: "今日登录", Value: strconv.Itoa(logins), Note: "人次（北京时间）"},
		{Label: "覆盖区划", Value: strconv.Itoa(len(region.All()) - 1), Note: "4 市 35 个县级区划"},
	}
	for _, m := range s.Modules {
		db, ok := m.(platform.Dashboard)
		if !ok || !(u.InModule(m.Key()) || u.IsSystemAdmin()) {
			continue
		}
		cards, err := db.HomeCards(ctx, u)
		mc := moduleCards{Key: m.Key(), Title: m.Title(), Cards: cards}
		if err != nil {
			s.d.Log.Error("home cards", "module", m.Key(), "err", err)
			mc.Error = "该模块的数据暂时无法读取"
		}
		d.Modules = append(d.Modules, mc)
	}
	return d, users, nil
}

// apiDashboard answers the home page's figures as JSON: what the 驾驶舱 shows.
func (s *Shell) apiDashboard(w http.ResponseWriter, r *http.Request) {
	d, _, err := s.dashboard(r.Context(), web.User(r))
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	type card struct {
		Label string `json:"label"`
		Value string `json:"value"`
		Note  string `json:"note"`
		Link  string `json:"link,omitempty"`
	}
	cards := func(cs []platform.Card) []card {
		out := make([]card, len(cs))
		for i, c := range cs {
			out[i] = card{c.Label, c.Value, c.Note, c.Link}
		}
		return out
	}
	type module struct {
		Key   string `json:"module"`
		Title string `json:"title"`
		Cards []card `json:"cards"`
		Error string `json:"error,omitempty"`
	}
	mods := []module{}
	for _, m := range d.Modules {
		mods = append(mods, module{m.Key, m.Title, cards(m.Cards), m.Error})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"platform": cards(d.Cards), "modules": mods})
}

// ---- accounts ----

type usersData struct {
	Users    []*auth.User
	Regions  []region.Region
	Form     auth.NewUser
	Message  string
	Field    string
	CanAdmin bool
	Title    func(string) string
}

func (s *Shell) users(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, auth.NewUser{}, nil)
}

func (s *Shell) renderUsers(w http.ResponseWriter, r *http.Request, status int, form auth.NewUser, ferr error) {
	u := web.User(r)
	if !canAdmin(u) {
		s.d.Web.Forbidden(w, r, "管理账号")
		return
	}
	list, err := s.d.Auth.List(r.Context(), u.Region)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	d := usersData{Users: list, Form: form, CanAdmin: true, Title: s.d.Web.ModuleTitle}
	for _, reg := range region.All() {
		if u.CanWrite(reg.Code) {
			d.Regions = append(d.Regions, reg)
		}
	}
	if ferr != nil {
		he := web.Classify(ferr)
		d.Message, d.Field = he.Message, he.Field
	}
	s.d.Web.Render(w, r, status, "shell/users.html", "账号管理", d)
}

func (s *Shell) createUser(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	n := auth.NewUser{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Password: r.PostFormValue("password"), Region: r.PostFormValue("region"), Roles: r.PostFormValue("roles")}
	if !canAdmin(u) {
		s.d.Web.Forbidden(w, r, "管理账号")
		return
	}
	if !u.CanWrite(n.Region) {
		s.renderUsers(w, r, http.StatusForbidden, n, auth.ErrScope)
		return
	}
	if _, err := s.d.Auth.Create(r.Context(), n); err != nil {
		n.Password = ""
		s.renderUsers(w, r, web.Classify(err).Status, n, err)
		return
	}
	http.Redirect(w, r, "/users?ok="+urlq("已创建账号 "+n.Username), http.StatusSeeOther)
}

func urlq(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "#", "%23", " ", "%20", "+", "%2B").Replace(s)
}

type editData struct {
	Target  *auth.User
	Regions []region.Region
	Message string
}

func (s *Shell) loadTarget(w http.ResponseWriter, r *http.Request) (*auth.User, bool) {
	u := web.User(r)
	if !canAdmin(u) {
		s.d.Web.Forbidden(w, r, "管理账号")
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.d.Web.Fail(w, r, store.ErrNotFound)
		return nil, false
	}
	t, err := s.d.Auth.Get(r.Context(), id)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return nil, false
	}
	return t, true
}

func (s *Shell) editUser(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadTarget(w, r)
	if !ok {
		return
	}
	s.renderEdit(w, r, http.StatusOK, t, "")
}

func (s *Shell) renderEdit(w http.ResponseWriter, r *http.Request, status int, t *auth.User, msg string) {
	u := web.User(r)
	d := editData{Target: t, Message: msg}
	for _, reg := range region.All() {
		if u.CanWrite(reg.Code) {
			d.Regions = append(d.Regions, reg)
		}
	}
	s.d.Web.Render(w, r, status, "shell/user_edit.html", "修改账号", d)
}

func (s *Shell) updateUser(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadTarget(w, r)
	if !ok {
		return
	}
	u := web.User(r)
	_, err := s.d.Auth.Update(r.Context(), u, t.ID, r.PostFormValue("display_name"), r.PostFormValue("region"),
		r.PostFormValue("roles"), r.PostFormValue("disabled") == "1", r.PostFormValue("password"))
	if err != nil {
		he := web.Classify(err)
		s.renderEdit(w, r, he.Status, t, he.Message)
		return
	}
	http.Redirect(w, r, "/users?ok="+urlq("已保存账号 "+t.Username), http.StatusSeeOther)
}

// ---- own account (我的账户) ----

type accountData struct {
	Roles   string
	Message string
	Field   string
}

func (s *Shell) accountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, "", "")
}

func (s *Shell) renderAccount(w http.ResponseWriter, r *http.Request, status int, msg, field string) {
	u := web.User(r)
	s.d.Web.Render(w, r, status, "shell/account.html", "我的账户",
		accountData{Roles: u.Grants.Chinese(s.d.Web.ModuleTitle), Message: msg, Field: field})
}

// changePasswordForm replaces the user's own password; every session ends, so the user
// signs in again with the new one.
func (s *Shell) changePasswordForm(w http.ResponseWriter, r *http.Request) {
	next, again := r.PostFormValue("new_password"), r.PostFormValue("new_password2")
	if next != again {
		s.renderAccount(w, r, http.StatusBadRequest, "两次输入的新密码不一致，请重新输入", "new_password2")
		return
	}
	err := s.d.Auth.ChangePassword(r.Context(), web.User(r), r.PostFormValue("current_password"), next, web.ClientIP(r))
	if err != nil {
		he := web.Classify(err)
		s.renderAccount(w, r, he.Status, he.Message, he.Field)
		return
	}
	s.d.Web.ClearSession(w, r)
	http.Redirect(w, r, "/login?ok="+urlq("密码已修改，请用新密码登录"), http.StatusSeeOther)
}

func (s *Shell) apiChangePassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	if err := s.d.Auth.ChangePassword(r.Context(), web.User(r), in.Current, in.New, web.ClientIP(r)); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	s.d.Web.ClearSession(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// ---- API tokens ----

type tokensData struct {
	Tokens []auth.Token
	New    string
}

func (s *Shell) tokensPage(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, "")
}

func (s *Shell) renderTokens(w http.ResponseWriter, r *http.Request, secret string) {
	u := web.User(r)
	list, err := s.d.Auth.Tokens(r.Context(), u.ID)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	s.d.Web.Render(w, r, http.StatusOK, "shell/tokens.html", "接口令牌", tokensData{Tokens: list, New: secret})
}

func (s *Shell) createTokenForm(w http.ResponseWriter, r *http.Request) {
	secret, _, err := s.d.Auth.CreateToken(r.Context(), web.User(r).ID, r.PostFormValue("name"))
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	s.renderTokens(w, r, secret)
}

// revokeOwn revokes token {id} if it belongs to the requesting user.
func (s *Shell) revokeOwn(r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	list, err := s.d.Auth.Tokens(r.Context(), web.User(r).ID)
	if err != nil {
		return err
	}
	for _, t := range list {
		if t.ID == id {
			return s.d.Auth.RevokeToken(r.Context(), id)
		}
	}
	return store.ErrNotFound // another user's token is treated as absent
}

func (s *Shell) revokeTokenForm(w http.ResponseWriter, r *http.Request) {
	if err := s.revokeOwn(r); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/tokens?ok="+urlq("令牌已吊销"), http.StatusSeeOther)
}

func (s *Shell) apiRevokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.revokeOwn(r); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiTokens lists the requesting user's API tokens (never their secrets).
func (s *Shell) apiTokens(w http.ResponseWriter, r *http.Request) {
	s.d.Web.Reply(w, r, http.StatusOK)(func() (any, error) {
		list, err := s.d.Auth.Tokens(r.Context(), web.User(r).ID)
		return web.Items(list), err
	}())
}

func (s *Shell) apiCreateToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	secret, t, err := s.d.Auth.CreateToken(r.Context(), web.User(r).ID, in.Name)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"token": secret, "info": t})
}

// ---- audit ----

func (s *Shell) auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Username: strings.TrimSpace(q.Get("user")), Module: q.Get("module"), Action: q.Get("action"), ObjectID: q.Get("object")}
	// an administrator below the province sees the entries of their own region and below
	if u := web.User(r); u.Region != region.ProvinceCode {
		f.Region = u.Region
	}
	sh := time.FixedZone("CST", 8*3600)
	if v := q.Get("from"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, sh)
		if err != nil {
			return f, &auth.FieldError{Field: "from", Message: "起始日期“" + v + "”不是有效日期，请按 YYYY-MM-DD 填写"}
		}
		f.From = t
	}
	if v := q.Get("to"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, sh)
		if err != nil {
			return f, &auth.FieldError{Field: "to", Message: "截止日期“" + v + "”不是有效日期，请按 YYYY-MM-DD 填写"}
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if v := q.Get("before"); v != "" {
		f.BeforeID, _ = strconv.ParseInt(v, 10, 64)
	}
	f.Limit = 100
	return f, nil
}

type auditData struct {
	Entries []audit.Entry
	Query   map[string]string
	Total   int
	Message string
	NextID  int64
	CSVLink string
}

func (s *Shell) auditPage(w http.ResponseWriter, r *http.Request) {
	if !canAdmin(web.User(r)) {
		s.d.Web.Forbidden(w, r, "查看审计日志")
		return
	}
	q := r.URL.Query()
	d := auditData{Query: map[string]string{"user": q.Get("user"), "module": q.Get("module"), "action": q.Get("action"), "from": q.Get("from"), "to": q.Get("to")}}
	f, err := s.auditFilter(r)
	if err != nil {
		d.Message = err.Error()
		s.d.Web.Render(w, r, http.StatusBadRequest, "shell/audit.html", "审计日志", d)
		return
	}
	if d.Entries, err = audit.List(r.Context(), s.d.DB, f); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	d.Total, _ = audit.Count(r.Context(), s.d.DB, f)
	if len(d.Entries) == f.Limit {
		d.NextID = d.Entries[len(d.Entries)-1].ID
	}
	qq := r.URL.Query()
	qq.Del("before")
	d.CSVLink = "/audit.csv?" + qq.Encode()
	s.d.Web.Render(w, r, http.StatusOK, "shell/audit.html", "审计日志", d)
}

func (s *Shell) auditCSV(w http.ResponseWriter, r *http.Request) {
	if !canAdmin(web.User(r)) {
		s.d.Web.Forbidden(w, r, "导出审计日志")
		return
	}
	f, err := s.auditFilter(r)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	f.Limit = 10000
	list, err := audit.List(r.Context(), s.d.DB, f)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	audit.Log(r.Context(), s.d.DB, audit.Entry{Action: "export", Module: "platform", ObjectType: "audit_log", Detail: fmt.Sprintf("导出审计日志 %d 条", len(list))})
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	w.Write([]byte("\xEF\xBB\xBF")) // BOM, so that spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	cw.Write([]string{"编号", "时间", "用户", "来源地址", "操作", "模块", "对象类型", "对象编号", "区划", "说明"})
	sh := time.FixedZone("CST", 8*3600)
	for _, e := range list {
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.In(sh).Format("2006-01-02 15:04:05"), e.Username, e.IP, e.Action, e.Module, e.ObjectType, e.ObjectID, e.Region, e.Detail})
	}
	cw.Flush()
}

// ---- JSON API ----

func (s *Shell) apiMe(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	web.WriteJSON(w, http.StatusOK, map[string]any{"user": u, "region_name": region.FullName(u.Region)})
}

func (s *Shell) apiRegions(w http.ResponseWriter, r *http.Request) {
	web.WriteJSON(w, http.StatusOK, map[string]any{"regions": region.All(), "source": region.Source})
}

func (s *Shell) apiUsers(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canAdmin(u) {
		s.d.Web.Forbidden(w, r, "管理账号")
		return
	}
	list, err := s.d.Auth.List(r.Context(), u.Region)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"users": list})
}

type userIn struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	Region      string `json:"region"`
	Roles       string `json:"roles"`
	Disabled    bool   `json:"disabled"`
}

func (s *Shell) apiCreateUser(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canAdmin(u) {
		s.d.Web.Forbidden(w, r, "管理账号")
		return
	}
	var in userIn
	if err := web.DecodeJSON(r, &in); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	if region.Valid(in.Region) && !u.CanWrite(in.Region) {
		s.d.Web.Fail(w, r, auth.ErrScope)
		return
	}
	nu, err := s.d.Auth.Create(r.Context(), auth.NewUser{Username: in.Username, DisplayName: in.DisplayName, Password: in.Password, Region: in.Region, Roles: in.Roles})
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"user": nu})
}

func (s *Shell) apiUpdateUser(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canAdmin(u) {
		s.d.Web.Forbidden(w, r, "管理账号")
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	old, err := s.d.Auth.Get(r.Context(), id)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	in := userIn{DisplayName: old.DisplayName, Region: old.Region, Roles: old.Roles, Disabled: old.Disabled}
	if err := web.DecodeJSON(r, &in); err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	// a new password, as the account page's form sets it, changes in the same transaction
	nu, err := s.d.Auth.Update(r.Context(), u, id, in.DisplayName, in.Region, in.Roles, in.Disabled, in.Password)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"user": nu})
}

func (s *Shell) apiAudit(w http.ResponseWriter, r *http.Request) {
	if !canAdmin(web.User(r)) {
		s.d.Web.Forbidden(w, r, "查看审计日志")
		return
	}
	f, err := s.auditFilter(r)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	list, err := audit.List(r.Context(), s.d.DB, f)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	total, err := audit.Count(r.Context(), s.d.DB, f)
	if err != nil {
		s.d.Web.Fail(w, r, err)
		return
	}
	if list == nil {
		list = []audit.Entry{}
	}
	out := map[string]any{"entries": list, "total": total}
	if len(list) == f.Limit {
		out["next_before"] = list[len(list)-1].ID // the next page: ?before=…
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Shell) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.d.DB.SQL.PingContext(ctx); err != nil {
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "error", "db": s.d.DB.Dialect.String(), "message": "数据库不可用"})
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "db": s.d.DB.Dialect.String()})
}
