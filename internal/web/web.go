// Package web is the shared HTTP layer: the page layout and static files embedded in the
// binary, sessions and CSRF on every request, one JSON error shape for the API, and the
// helpers modules use to render pages and answer JSON.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"

	"sort"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

//go:embed templates/*.html
var layoutFS embed.FS

//go:embed static
var staticFS embed.FS

// NavItem is one entry of the navigation bar.
type NavItem struct {
	Module string // module key; the item shows to users with a role in it ("" = everyone)
	Title  string
	Path   string
	Admin  bool // only for administrators
}

// Server is the HTTP side of the program.
type Server struct {
	Auth          *auth.Service
	DB            *store.DB
	Log           *slog.Logger
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// MaxBody is the default request body limit (bytes).
	MaxBody int64

	mux      *http.ServeMux
	base     *template.Template
	pages    map[string]*template.Template
	nav      []NavItem
	titles   map[string]string
	metrics  *metrics
	specs    []map[string]any
	navMu    sync.RWMutex
	navCache map[navKey]*navEntry
	routes   []string
	limits   map[string]int64 // body limit of each route pattern given MaxBody
}

// NewServer creates the server with the shared layout.
func NewServer(a *auth.Service, db *store.DB, log *slog.Logger) *Server {
	s := &Server{Auth: a, DB: db, Log: log, MaxBody: 2 << 20, mux: http.NewServeMux(),
		pages: map[string]*template.Template{}, titles: map[string]string{}, metrics: newMetrics()}
	// The layout itself is written by writeLayoutTop/Bottom (layout.go); templates share the helpers.
	s.base = template.Must(template.New("page").Funcs(Funcs()).Funcs(template.FuncMap{"moduleTitle": s.ModuleTitle}).Parse(""))
	s.pages["web/error.html"] = template.Must(template.Must(s.base.Clone()).ParseFS(layoutFS, "templates/error.html"))
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.FileServer(http.FS(static))
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(fileServer)))
	return s
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// AddNav adds navigation entries and remembers module titles.
func (s *Server) AddNav(items ...NavItem) {
	for _, it := range items {
		s.nav = append(s.nav, it)
		if it.Module != "" && s.titles[it.Module] == "" {
			s.titles[it.Module] = it.Title
		}
	}
}

// ModuleTitle returns a module's Chinese title.
func (s *Server) ModuleTitle(m string) string {
	if t := s.titles[m]; t != "" {
		return t
	}
	if m == "platform" || m == "" {
		return "平台"
	}
	return m
}

// Templates registers a module's page templates: every *.html file of fsys becomes the
// page "prefix/file.html", rendered inside the layout (the file defines "content").
func (s *Server) Templates(prefix string, fsys fs.FS, funcs template.FuncMap) {
	names, err := fs.Glob(fsys, "*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		t := template.Must(s.base.Clone())
		if funcs != nil {
			t.Funcs(funcs)
		}
		template.Must(t.ParseFS(fsys, n))
		s.pages[prefix+"/"+n] = t
	}
}

// OpenAPI adds a module's OpenAPI "paths" object to the served document.
func (s *Server) OpenAPI(paths map[string]any) { s.specs = append(s.specs, paths) }

// Routes lists the patterns registered with Handle, in order.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

// OpenAPIPaths returns every registered path, merged.
func (s *Server) OpenAPIPaths() map[string]any {
	out := map[string]any{}
	for _, p := range s.specs {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}

// Option changes how a route is served.
type Option func(*route)

type route struct {
	public  bool
	maxBody int64
}

// Public lets anonymous visitors in.
func Public() Option { return func(r *route) { r.public = true } }

// MaxBody sets the request body limit of one route (uploads).
func MaxBody(n int64) Option { return func(r *route) { r.maxBody = n } }

// Handle registers h at pattern (Go ServeMux syntax, e.g. "GET /credit/{id}").
// Routes need a logged-in user (session or Bearer token) unless Public is given;
// unsafe methods need a CSRF token unless a Bearer token authenticates them.
func (s *Server) Handle(pattern string, h http.HandlerFunc, opts ...Option) {
	rt := route{maxBody: s.MaxBody}
	for _, o := range opts {
		o(&rt)
	}
	s.routes = append(s.routes, pattern)
	if rt.maxBody != s.MaxBody {
		if s.limits == nil {
			s.limits = map[string]int64{}
		}
		s.limits[pattern] = rt.maxBody
	}
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ServeHTTP has put an unsafe request's body under this route's limit
		// already (before its CSRF field is read); a body without content needs none
		if r.Body != nil && r.Body != http.NoBody && !unsafeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, rt.maxBody)
		}
		if !rt.public && User(r) == nil {
			if IsAPI(r) {
				APIError(w, http.StatusUnauthorized, "unauthenticated", "请先登录，或在 Authorization 头中提供有效的接口令牌（Bearer）", "")
				return
			}
			target := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += "?next=" + template.URLQueryEscaper(r.URL.RequestURI())
			}
			if expired(r) {
				target = addQuery(target, "expired=1")
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		h(w, r)
	}))
}

func addQuery(u, kv string) string {
	if strings.Contains(u, "?") {
		return u + "&" + kv
	}
	return u + "?" + kv
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

type ctxKey int

const stateKey ctxKey = 0

// reqState is what the middleware learnt about a request's sender, kept in its context
// as one value.
type reqState struct {
	user     *auth.User
	sess     *auth.Session // nil for Bearer tokens and anonymous visitors
	anonCSRF string        // the CSRF token of a visitor without a session
	expired  bool          // the cookie named a session that has ended
	viaToken bool          // authenticated by a Bearer token
}

var noState reqState

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey).(*reqState); ok {
		return st
	}
	return &noState
}

// User returns the logged-in user of r, or nil.
func User(r *http.Request) *auth.User { return state(r).user }

// CSRF returns the token forms of this request must carry.
func CSRF(r *http.Request) string {
	st := state(r)
	if st.sess != nil {
		return st.sess.CSRF
	}
	return st.anonCSRF
}

func expired(r *http.Request) bool { return state(r).expired }

// ClientIP is the remote address without port.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

const (
	sessionCookie = "tc_session"
	csrfCookie    = "tc_csrf"
)

// ServeHTTP runs the shared middleware, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s.realClient(r)
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	defer func() {
		if p := recover(); p != nil {
			s.Log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(p))
			if !rec.wrote {
				s.Fail(rec, r, fmt.Errorf("panic: %v", p))
			}
		}
		s.metrics.observe(r, rec.status, time.Since(start))
		if rec.status >= 500 {
			s.Log.Error("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "ms", time.Since(start).Milliseconds())
		} else if s.Log.Enabled(r.Context(), slog.LevelDebug) {
			s.Log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "ms", time.Since(start).Milliseconds())
		}
	}()
	h := rec.Header()
	for k, v := range securityHeaders {
		h[k] = v // shared, never modified: net/http only reads header values
	}

	ip := ClientIP(r)
	st := &reqState{}
	if authz := r.Header.Get("Authorization"); strings.HasPrefix(authz, "Bearer ") {
		u, err := s.Auth.AuthenticateToken(r.Context(), strings.TrimSpace(strings.TrimPrefix(authz, "Bearer ")))
		if err != nil {
			APIError(rec, http.StatusUnauthorized, "bad_token", "接口令牌无效或已吊销，请向管理员申请新的令牌", "")
			return
		}
		st.user, st.viaToken = u, true
	} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if u, sess, err := s.Auth.Authenticate(r.Context(), c.Value); err == nil {
			st.user, st.sess = u, sess
		} else {
			st.expired = true
			http.SetCookie(rec, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
	}
	if st.sess == nil && !st.viaToken {
		if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 20 {
			st.anonCSRF = c.Value
		} else {
			st.anonCSRF = auth.RandomSecret(24)
			http.SetCookie(rec, &http.Cookie{Name: csrfCookie, Value: st.anonCSRF, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.SecureCookies})
		}
	}
	actor := audit.Actor{IP: ip}
	if u := st.user; u != nil {
		actor.UserID, actor.Username, actor.Region = u.ID, u.Username, u.Region
	}
	r = r.WithContext(audit.WithActor(context.WithValue(r.Context(), stateKey, st), actor))
	viaToken := st.viaToken

	// the route's body limit holds from here on, also for the CSRF field of an
	// upload form (read before the route's handler); a body declared too large
	// is refused before any of it is read
	if unsafeMethod(r.Method) && r.Body != nil {
		limit := s.MaxBody
		if _, pat := s.mux.Handler(r); pat != "" {
			if l, ok := s.limits[pat]; ok {
				limit = l
			}
		}
		if r.ContentLength > limit {
			s.Fail(rec, r, TooLarge(r.ContentLength, limit))
			return
		}
		r.Body = http.MaxBytesReader(rec, r.Body, limit)
	}
	if !viaToken && unsafeMethod(r.Method) {
		ok, big := s.csrfOK(r)
		switch {
		case big != nil: // the form was not read for its token: it is too large
			s.Fail(rec, r, big)
			return
		case !ok && IsAPI(r):
			APIError(rec, http.StatusForbidden, "csrf", "请求缺少有效的 CSRF 令牌（X-CSRF-Token 头或 csrf 表单字段），请刷新页面后重试", "csrf")
			return
		case !ok:
			s.ErrorPage(rec, r, http.StatusForbidden, "表单已失效", "表单缺少有效的安全令牌（可能停留太久或在别的窗口退出了登录）。请刷新页面后重新提交，已保存的数据没有变化。")
			return
		}
	}
	s.mux.ServeHTTP(rec, r)
}

func unsafeMethod(m string) bool {
	return m == http.MethodPost || m == http.MethodPut || m == http.MethodPatch || m == http.MethodDelete
}

// csrfOK tells whether an unsafe request carries the CSRF token; a form that
// could not be read for it because it exceeds the body limit comes back as
// the error to answer with instead.
func (s *Server) csrfOK(r *http.Request) (bool, error) {
	want := CSRF(r)
	if want == "" {
		return false, nil
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		ct := r.Header.Get("Content-Type")
		var err error
		if strings.HasPrefix(ct, "multipart/form-data") {
			// read only the small csrf field: the token must come first in upload forms
			if err = r.ParseMultipartForm(32 << 20); err == nil {
				got = r.FormValue("csrf")
			}
		} else if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			got = r.PostFormValue("csrf")
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return false, TooLarge(-1, mbe.Limit)
		}
	}
	return got != "" && subtleEq(got, want), nil
}

// TooLarge is the answer to a request body over the limit (size -1 when not
// known): 413 and a Chinese message with both sizes.
func TooLarge(size, limit int64) *HTTPError {
	msg := "上传的内容超过上限 " + ByteSize(limit) + "，请拆分为多个文件后分别上传"
	if size >= 0 {
		msg = "上传的内容大小 " + ByteSize(size) + "，超过上限 " + ByteSize(limit) + "，请拆分为多个文件后分别上传"
	}
	return &HTTPError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: msg}
}

// ByteSize is a size in bytes as the pages and messages say it (1.5 GB, 64.0 MB, 512 字节).
func ByteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

func subtleEq(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

// SetSession sets the session cookie after login.
func (s *Server) SetSession(w http.ResponseWriter, sess *auth.Session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, Expires: sess.ExpiresAt})
}

// ClearSession removes the session cookie and returns its token.
func (s *Server) ClearSession(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if err != nil {
		return ""
	}
	return c.Value
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status = code
		r.wrote = true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ---- JSON API ----

// ErrorBody is the one error shape of the API.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// APIError writes {"error":{"code","message","field"}}.
func APIError(w http.ResponseWriter, status int, code, message, field string) {
	var b ErrorBody
	b.Error.Code, b.Error.Message, b.Error.Field = code, message, field
	WriteJSON(w, status, b)
}

// WriteJSON writes v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// DecodeJSON reads the request body into v, explaining malformed or oversized bodies.
func DecodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return &HTTPError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
				Message: fmt.Sprintf("请求体超过 %d 字节的上限，请分批提交", mbe.Limit)}
		case errors.As(err, &se):
			return &HTTPError{Status: http.StatusBadRequest, Code: "malformed_json",
				Message: fmt.Sprintf("JSON 格式错误（第 %d 字节附近），请检查括号、引号和逗号", se.Offset)}
		case errors.As(err, &te):
			return &HTTPError{Status: http.StatusBadRequest, Code: "invalid_field", Field: te.Field,
				Message: fmt.Sprintf("字段 %s 的类型不对，应为 %s", te.Field, te.Type)}
		case errors.Is(err, io.EOF):
			return &HTTPError{Status: http.StatusBadRequest, Code: "malformed_json", Message: "请求体为空，请提交 JSON 对象"}
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &HTTPError{Status: http.StatusBadRequest, Code: "unknown_field", Field: f, Message: "未知字段 " + f + "，请对照接口文档 /api/v1/openapi.json"}
		default:
			return &HTTPError{Status: http.StatusBadRequest, Code: "malformed_json", Message: "无法解析请求的 JSON：" + err.Error()}
		}
	}
	return nil
}

// HTTPError is an error with its status, code and Chinese message.
type HTTPError struct {
	Status  int
	Code    string
	Message string
	Field   string
}

func (e *HTTPError) Error() string { return e.Message }

// Fail answers err: as JSON for the API, as a Chinese page otherwise.
// Validation errors are 400, scope 403, missing 404, database trouble 503, the rest 500.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	he := Classify(err)
	if he.Status >= 500 {
		s.Log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	if IsAPI(r) {
		APIError(w, he.Status, he.Code, he.Message, he.Field)
		return
	}
	s.ErrorPage(w, r, he.Status, http.StatusText(he.Status), he.Message)
}

// Classify maps an error to its HTTP status, code and message.
func Classify(err error) *HTTPError {
	var he *HTTPError
	var fe *auth.FieldError
	var le *auth.LockedError
	var se *store.Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &fe):
		return &HTTPError{http.StatusBadRequest, "invalid_field", fe.Message, fe.Field}
	case errors.As(err, &le):
		return &HTTPError{http.StatusTooManyRequests, "too_many_attempts", le.Error(), ""}
	case errors.Is(err, auth.ErrScope):
		return &HTTPError{http.StatusForbidden, "out_of_scope", "无权修改本辖区以外的记录：您只能修改本人所属区划及下级区划的数据", ""}
	case errors.Is(err, auth.ErrBadLogin):
		return &HTTPError{http.StatusUnauthorized, "bad_login", err.Error(), "password"}
	case errors.Is(err, auth.ErrDisabled):
		return &HTTPError{http.StatusForbidden, "disabled", err.Error(), ""}
	case errors.Is(err, store.ErrNotFound):
		return &HTTPError{http.StatusNotFound, "not_found", "找不到该记录，它可能已被删除或编号有误", ""}
	case errors.As(err, &mbe):
		return &HTTPError{http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("提交的内容超过 %d 字节的上限", mbe.Limit), ""}
	case errors.As(err, &se):
		return &HTTPError{http.StatusServiceUnavailable, se.Code, se.Message, ""}
	case isDBBusy(err):
		return &HTTPError{http.StatusServiceUnavailable, "db_busy", "数据库正忙或暂时不可写，请稍后重试；本次提交未保存", ""}
	}
	return &HTTPError{http.StatusInternalServerError, "internal", "服务器内部错误，已记录日志，请稍后重试或联系管理员", ""}
}

func isDBBusy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY") ||
		strings.Contains(s, "readonly") || strings.Contains(s, "connection refused")
}

// Forbidden answers a missing role.
func (s *Server) Forbidden(w http.ResponseWriter, r *http.Request, what string) {
	msg := "您没有" + what + "的权限，请联系本级管理员开通"
	if IsAPI(r) {
		APIError(w, http.StatusForbidden, "forbidden", msg, "")
		return
	}
	s.ErrorPage(w, r, http.StatusForbidden, "没有权限", msg)
}

// ---- pages ----

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Page is what every page template receives.
type Page struct {
	Title  string
	User   *auth.User
	CSRF   string
	Nav    []NavItem
	Active string
	// NavHTML is the rendered navigation bar (cached per role set and active entry).
	NavHTML template.HTML
	Flash   string
	Error   string
	Data    any
	Request *http.Request
}

// Header values set on every answer, in canonical form, allocated once.
var (
	securityHeaders = map[string][]string{
		"X-Content-Type-Options":  {"nosniff"},
		"X-Frame-Options":         {"DENY"},
		"Referrer-Policy":         {"same-origin"},
		"Content-Security-Policy": {"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"},
	}
	htmlType = []string{"text/html; charset=utf-8"}
	noStore  = []string{"no-store"}
)

// Render renders a registered page inside the layout.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.Fail(w, r, fmt.Errorf("template %s not registered", name))
		return
	}
	p := s.pageData(r, title, data)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	writeLayoutTop(buf, p)
	err := t.ExecuteTemplate(buf, "content", p)
	writeLayoutBottom(buf)
	if err != nil {
		s.Log.Error("render", "page", name, "err", err)
		http.Error(w, "页面渲染失败", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = htmlType
	h["Cache-Control"] = noStore
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) pageData(r *http.Request, title string, data any) *Page {
	u := User(r)
	p := &Page{Title: title, User: u, CSRF: CSRF(r), Data: data, Request: r}
	if r.URL.RawQuery != "" {
		p.Flash = r.URL.Query().Get("ok")
	}
	if u == nil {
		return p
	}
	p.Nav = s.navFor(navKey{roles: u.Roles, region: u.Region, list: true}, nil).items(s, u)
	for _, it := range p.Nav {
		if it.Path != "/" && strings.HasPrefix(r.URL.Path, it.Path) {
			p.Active = it.Path
		}
	}
	if r.URL.Path == "/" {
		p.Active = "/"
	}
	k := navKey{roles: u.Roles, region: u.Region, active: p.Active}
	p.NavHTML = s.navFor(k, func() template.HTML { return navHTML(p.Nav, p.Active) }).html
	return p
}

// navKey names one navigation bar: the entries a role set in a region sees (list) or
// their HTML with the active one marked.
type navKey struct {
	roles, region, active string
	list                  bool
}

type navEntry struct {
	list  []NavItem // shared by the pages: read, never changed
	html  template.HTML
	ready sync.Once
}

// items returns the entries u sees, computed once per role set and region.
func (e *navEntry) items(s *Server, u *auth.User) []NavItem {
	e.ready.Do(func() {
		for _, it := range s.nav {
			if it.Admin && !u.HasRole(AdminModule(it.Module), auth.Admin) {
				continue
			}
			if it.Module != "" && !it.Admin && !u.InModule(it.Module) && !u.IsSystemAdmin() {
				continue
			}
			e.list = append(e.list, it)
		}
	})
	return e.list
}

// navFor returns the cached navigation of k, making it (with html) the first time. The
// bar is on every page; a map under a read lock with a struct key finds it without
// building a key string or rendering it again.
func (s *Server) navFor(k navKey, html func() template.HTML) *navEntry {
	s.navMu.RLock()
	e := s.navCache[k]
	s.navMu.RUnlock()
	if e != nil {
		return e
	}
	s.navMu.Lock()
	defer s.navMu.Unlock()
	if e = s.navCache[k]; e == nil {
		if s.navCache == nil {
			s.navCache = map[navKey]*navEntry{}
		}
		e = &navEntry{}
		if html != nil {
			e.html = html()
		}
		s.navCache[k] = e
	}
	return e
}

// navHTML renders the navigation links: the bar is on every page, and rendering it
// through html/template cost more than the rest of a small page.
func navHTML(items []NavItem, active string) template.HTML {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(`<a href="`)
		b.WriteString(html.EscapeString(it.Path))
		b.WriteString(`"`)
		if it.Path == active {
			b.WriteString(` class="active"`)
		}
		b.WriteString(`>`)
		b.WriteString(html.EscapeString(it.Title))
		b.WriteString(`</a>`)
	}
	return template.HTML(b.String())
}

// AdminModule maps a nav module to the module whose admin role opens admin items.
func AdminModule(m string) string {
	if m == "" {
		return "platform"
	}
	return m
}

// ErrorPage renders a Chinese error page.
func (s *Server) ErrorPage(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	s.Render(w, r, status, "web/error.html", title, message)
}

// ---- template helpers ----

// Funcs are the helpers every template may call.
func Funcs() template.FuncMap {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if sh == nil {
		sh = time.FixedZone("CST", 8*3600)
	}
	return template.FuncMap{
		"yuan":       Yuan,
		"regionName": region.FullName,
		"roleName":   func(r auth.Role) string { return auth.RoleNames[r] },
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(sh).Format("2006-01-02 15:04:05")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(sh).Format("2006-01-02")
		},
		"json": func(v any) template.JS {
			b, _ := json.Marshal(v)
			return template.JS(b)
		},
		"jsonAttr": func(v any) string {
			b, _ := json.Marshal(v)
			return string(b)
		},
		"pct":        func(x float64) string { return fmt.Sprintf("%.1f%%", x*100) },
		"add":        func(a, b int) int { return a + b },
		"cities":     region.Cities,
		"actionName": audit.ActionName,
		"regions":    region.All,
	}
}

// Yuan formats 分 as 元 with two decimals and thousands separators: 123456 → "1,234.56".
func Yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole, cents := fen/100, fen%100
	s := fmt.Sprint(whole)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), cents)
	if neg {
		out = "-" + out
	}
	return out
}

// SortedKeys returns the keys of m in order (handy for stable JSON and charts).
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// StaticPaths lists the embedded static files (for tests).
func StaticPaths() []string {
	var out []string
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, "/"+p)
		}
		return nil
	})
	return out
}
