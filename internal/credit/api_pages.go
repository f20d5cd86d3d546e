package credit

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/web"
)

// The JSON counterparts of the module's pages: the look-up, the blacklist and
// its entries, the monthly bulletin, the public view, the file import and its
// progress, and the import result. Each calls what its page calls (the same
// checks, the same audit entries) and answers refusals with the API's one
// error shape.

// queryInt reads the query parameter name as an integer from lo to hi; def
// when it is absent. what is the parameter's Chinese name.
func queryInt(r *http.Request, name, what string, def, lo, hi int) (int, error) {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &auth.FieldError{Field: name, Message: fmt.Sprintf("%s（参数 %s）应为 %d 到 %d 之间的整数，收到“%s”", what, name, lo, hi, s)}
	}
	return n, nil
}

// ---- look-up ----

// SearchPage is one page of the look-up as the API gives it.
type SearchPage struct {
	By      string          `json:"by"`
	Q       string          `json:"q"`
	Offset  int             `json:"offset"`
	Limit   int             `json:"limit"`
	More    bool            `json:"more"`    // a next page exists
	Capped  bool            `json:"capped"`  // results go on past MaxSearchResults
	Partial bool            `json:"partial"` // a 1–2 character name query cut short: results may be missing
	Notice  string          `json:"notice,omitempty"`
	Next    string          `json:"next,omitempty"` // the next page's URL
	Items   []StoredSubject `json:"items"`
}

// searchPageRows is the look-up page's size, also the API's largest.
const searchPageRows = 50

// apiSearch is the look-up of /credit/ (by=name|uscc|legal_rep, q, offset,
// limit), every call audited as a sensitive read as the page's.
func (m *Module) apiSearch(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查询信用信息")
		return
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.searchAPI(r, u))
}

func (m *Module) searchAPI(r *http.Request, u *auth.User) (*SearchPage, error) {
	qv := r.URL.Query()
	by := SearchBy(strings.TrimSpace(qv.Get("by")))
	switch by {
	case "":
		by = ByName
	case ByName, ByUSCC, ByLegalRep:
	default:
		return nil, &auth.FieldError{Field: "by", Message: "查询方式（参数 by）只能是 name（主体名称）、uscc（统一社会信用代码）或 legal_rep（法定代表人），收到“" + string(by) + "”"}
	}
	q := strings.TrimSpace(qv.Get("q"))
	if q == "" {
		return nil, &auth.FieldError{Field: "q", Message: "请在参数 q 中填写要查询的主体名称（可只填一部分）、统一社会信用代码或法定代表人姓名"}
	}
	offset, err := queryInt(r, "offset", "起始位置", 0, 0, MaxSearchResults-1)
	if err != nil {
		return nil, err
	}
	limit, err := queryInt(r, "limit", "每页条数", searchPageRows, 1, searchPageRows)
	if err != nil {
		return nil, err
	}
	by, res, err := m.lookup(r.Context(), u, by, q, offset, limit)
	if err != nil {
		return nil, err
	}
	out := &SearchPage{By: string(by), Q: q, Offset: res.Offset, Limit: res.Limit, More: res.More, Capped: res.Capped, Partial: res.Partial,
		Notice: searchNotice(by, q, res), Items: res.Results}
	if out.Items == nil {
		out.Items = []StoredSubject{}
	}
	if res.More {
		out.Next = "/api/v1/credit/subjects?" + url.Values{"by": {string(by)}, "q": {q}, "offset": {strconv.Itoa(res.Offset + len(res.Results))}, "limit": {strconv.Itoa(limit)}}.Encode()
	}
	return out, nil
}

// ---- blacklist ----

// EntryJSON is a blacklist entry with its standing on the day of the answer.
type EntryJSON struct {
	StoredEntry
	City        string `json:"city"`         // name of the owning city
	Public      bool   `json:"public"`       // in public view today
	Status      string `json:"status"`       // 公示中, 已移出（信用修复）, 公示期满 …
	PublicUntil string `json:"public_until"` // last day in public view
}

func entryJSON(v EntryView) EntryJSON {
	return EntryJSON{StoredEntry: v.StoredEntry, City: v.City, Public: v.Public, Status: v.Text, PublicUntil: FormatDate(v.End)}
}

// BlacklistPage is the list as the API gives it.
type BlacklistPage struct {
	City      string      `json:"city,omitempty"`
	ListType  string      `json:"list_type,omitempty"`
	State     string      `json:"state"`
	Today     string      `json:"today"`
	Total     int         `json:"total"` // entries matching, all pages
	Offset    int         `json:"offset"`
	Limit     int         `json:"limit"`
	ListTypes []string    `json:"list_types"` // every list type stored (the filter's choices)
	Items     []EntryJSON `json:"items"`
}

// apiBlacklist is /credit/blacklist: city, list_type and state (public, out,
// all) as on the page, offset and limit to page through it.
func (m *Module) apiBlacklist(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.d.Web.Forbidden(w, r, "查看严重失信主体名单")
		return
	}
	m.d.Web.Reply(w, r, http.StatusOK)(m.blacklistAPI(r))
}

func (m *Module) blacklistAPI(r *http.Request) (*BlacklistPage, error) {
	qv := r.URL.Query()
	state := qv.Get("state")
	switch state {
	case "":
		state = "public"
	case "public", "out", "all":
	default:
		return nil, &auth.FieldError{Field: "state", Message: "公示状态（参数 state）只能是 public（公示中）、out（已不在公示期）或 all（全部），收到“" + state + "”"}
	}
	offset, err := queryInt(r, "offset", "起始位置", 0, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	limit, err := queryInt(r, "limit", "每页条数", blacklistPageRows, 1, blacklistPageRows)
	if err != nil {
		return nil, err
	}
	data, err := m.blacklist(r.Context(), strings.TrimSpace(qv.Get("city")), qv.Get("list_type"), state, offset, limit)
	if err != nil {
		return nil, err
	}
	out := &BlacklistPage{City: data.City, ListType: data.ListType, State: data.State, Today: data.Today, Total: data.Total, Offset: offset, Limit: limit,
		ListTypes: append([]string{}, data.ListTypes...), Items: []EntryJSON{}}
	for _, v := range data.Entries {
		out.Items = append(out.Items, entryJSON(v))
	}
	return out, nil
}

// EntryPage is /credit/blacklist/{id} as the API gives it.
type EntryPage struct {
	Entry    EntryJSON      `json:"entry"`
	Repairs  []StoredRepair `json:"repairs"`   // its credit-repair applications, newest first
	CanApply bool           `json:"can_apply"` // the caller may enter a repair application now
	Why      string         `json:"why,omitempty"`
}

func (m *Module) apiEntry(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看严重失信主体名单")
		return
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	data, err := m.entry(r.Context(), u, id)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	out := EntryPage{Entry: entryJSON(data.Entry), Repairs: data.Repairs, CanApply: data.CanApply, Why: data.Why}
	if out.Repairs == nil {
		out.Repairs = []StoredRepair{}
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// ---- credit repair queue ----

// RepairJSON is an application in the queue with the name of its city.
type RepairJSON struct {
	StoredRepair
	City string `json:"city"`
}

// RepairQueue is /credit/repairs as the API gives it.
type RepairQueue struct {
	State   string       `json:"state"`
	Decider bool         `json:"decider"` // the caller may approve or refuse
	Items   []RepairJSON `json:"items"`
}

// apiRepairs is /credit/repairs?state=open|all|已申请|审核中|已修复|不予修复:
// the applications of the caller's region, newest first.
func (m *Module) apiRepairs(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看信用修复")
		return
	}
	data, err := m.repairList(r.Context(), u, r.URL.Query().Get("state"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	out := RepairQueue{State: data.State, Decider: data.Decider, Items: []RepairJSON{}}
	for _, v := range data.Repairs {
		out.Items = append(out.Items, RepairJSON{StoredRepair: v.StoredRepair, City: v.City})
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// RepairPage is /credit/repairs/{id} as the API gives it: the application,
// what it is about and which step the caller may take.
type RepairPage struct {
	StoredRepair
	Target    *repairTargetView `json:"target"`
	CanReview bool              `json:"can_review"` // the caller may accept it for review
	CanDecide bool              `json:"can_decide"` // the caller may approve or refuse it
	Why       string            `json:"why,omitempty"`
}

func repairJSON(d *repairData) RepairPage {
	return RepairPage{StoredRepair: d.Repair, Target: d.Target, CanReview: d.CanReview, CanDecide: d.CanDecide, Why: d.Why}
}

// ---- monthly bulletin ----

// BulletinJSON is the month's bulletin with the month as YYYY-MM and the
// address of its workbook.
type BulletinJSON struct {
	Period string `json:"period"`
	Bulletin
	XLSX string `json:"xlsx"`
}

// apiBulletin is /credit/bulletin?month=YYYY-MM (this month when absent).
func (m *Module) apiBulletin(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.d.Web.Forbidden(w, r, "查看月通报")
		return
	}
	if s := r.URL.Query().Get("month"); s != "" {
		if _, err := time.Parse("2006-01", s); err != nil {
			m.d.Web.Fail(w, r, &auth.FieldError{Field: "month", Message: "月份（参数 month）应写作 YYYY-MM，例如 2026-11；收到“" + s + "”"})
			return
		}
	}
	b, month, err := m.bulletinFor(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, BulletinJSON{Period: month, Bulletin: b, XLSX: "/credit/bulletin.xlsx?month=" + month})
}

// ---- public view ----

// apiPublic is /credit/public/{key}: open without login, only what is in its
// publication period, ID numbers masked; audited like the page.
func (m *Module) apiPublic(w http.ResponseWriter, r *http.Request) {
	m.d.Web.Reply(w, r, http.StatusOK)(m.publicReport(r.Context(), r.PathValue("key")))
}

// ---- import by file ----

// ImportJob is an import job's status as the API gives it.
type ImportJob struct {
	JobStatus
	Percent    int    `json:"percent"`
	StatusURL  string `json:"status_url"`
	BatchURL   string `json:"batch_url,omitempty"`   // the batch and its rejected rows (JSON)
	RejectsCSV string `json:"rejects_csv,omitempty"` // the reject report (CSV)
}

func importJobJSON(st JobStatus) ImportJob {
	out := ImportJob{JobStatus: st, Percent: st.Percent(), StatusURL: "/api/v1/credit/import/jobs/" + st.ID}
	if st.BatchID != 0 {
		id := strconv.FormatInt(st.BatchID, 10)
		out.BatchURL, out.RejectsCSV = "/api/v1/credit/batches/"+id, "/credit/batches/"+id+"/rejects.csv"
	}
	return out
}

// apiImport takes a CSV or .xlsx file, as the multipart field file (as the
// upload page sends it) or as the request body itself (name in the query
// parameter name or the Content-Disposition header), and starts the same
// background import as the upload page. A file done within UploadWait is
// answered 200 with its counts; one still running 202, with the status
// address in Location; a file refused as a whole 400 (field file).
func (m *Module) apiImport(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "导入信用数据")
		return
	}
	f, name, err := uploadedFile(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	defer f.Close()
	j, err := m.startImport(r.Context(), f, name, u)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	st, err := m.waitJob(j)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	out := importJobJSON(st)
	status := http.StatusOK
	if !st.Done {
		status = http.StatusAccepted
		w.Header().Set("Location", out.StatusURL)
	}
	web.WriteJSON(w, status, out)
}

// uploadedFile is the file of an import request and its name.
func uploadedFile(r *http.Request) (io.ReadCloser, string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		f, fh, err := r.FormFile("file")
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", err
		}
		if err != nil {
			return nil, "", &auth.FieldError{Field: "file", Message: "表单中没有文件：请把 CSV 或 .xlsx 文件放在表单字段 file 中，或直接以请求体发送文件"}
		}
		return f, fh.Filename, nil
	}
	if ct == "application/json" || ct == "application/x-www-form-urlencoded" {
		return nil, "", &auth.FieldError{Field: "file", Message: "请以请求体发送 CSV 或 .xlsx 文件本身（Content-Type: text/csv 或 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet），或用 multipart 表单字段 file；JSON 数据请用 POST /api/v1/credit/{subjects|records|blacklist}"}
	}
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if name == "" {
		if _, p, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
			name = p["filename"]
		}
	}
	if name == "" {
		name = "接口上传的文件"
	}
	return r.Body, name, nil
}

// apiJob is the progress of one of the caller's imports (what the progress
// page polls as a fragment).
func (m *Module) apiJob(w http.ResponseWriter, r *http.Request) {
	if j := m.job(w, r); j != nil {
		web.WriteJSON(w, http.StatusOK, importJobJSON(j.status()))
	}
}

// BatchPage is /credit/batches/{id} as the API gives it.
type BatchPage struct {
	Batch      *Batch   `json:"batch"`
	Rejects    []Reject `json:"rejects"` // the first batchRejectRows rejected rows
	RejectsCSV string   `json:"rejects_csv"`
}

// batchRejectRows is how many rejected rows the batch page and its JSON show.
const batchRejectRows = 500

func (m *Module) apiBatch(w http.ResponseWriter, r *http.Request) {
	b := m.batch(w, r)
	if b == nil {
		return
	}
	rj, err := batchRejects(r.Context(), m.d.DB, b.ID, batchRejectRows)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	if rj == nil {
		rj = []Reject{}
	}
	web.WriteJSON(w, http.StatusOK, BatchPage{Batch: b, Rejects: rj, RejectsCSV: fmt.Sprintf("/credit/batches/%d/rejects.csv", b.ID)})
}

// ---- OpenAPI ----

// apiOp is an OpenAPI operation of these routes: its summary, parameters
// (name: description; a path parameter when it is in the path) and answers.
func apiOp(path, summary string, params map[string]string, answers map[string]string) map[string]any {
	var ps []any
	for _, name := range web.SortedKeys(params) {
		in := "query"
		if strings.Contains(path, "{"+name+"}") {
			in = "path"
		}
		ps = append(ps, map[string]any{"name": name, "in": in, "required": in == "path", "description": params[name], "schema": map[string]any{"type": "string"}})
	}
	rs := map[string]any{"default": map[string]any{"description": "错误：{\"error\":{\"code\",\"message\",\"field\"}}"}}
	for code, d := range answers {
		rs[code] = map[string]any{"description": d}
	}
	o := map[string]any{"summary": summary, "tags": []string{"credit"}, "responses": rs}
	if ps != nil {
		o["parameters"] = ps
	}
	return o
}

// searchOp, blacklistOp and repairsOp are operations added to the push routes' paths;
// the others are whole path items.
var (
	searchOp = apiOp("/api/v1/credit/subjects", "信用查询（同 /credit/ 页面；每次查询记入审计日志）",
		map[string]string{"by": "name 主体名称（任意部分，默认）、uscc 统一社会信用代码、legal_rep 法定代表人", "q": "查询内容（必填）", "offset": "起始位置，0–1999", "limit": "每页条数，1–50，默认 50"},
		map[string]string{"200": "items 为主体；more 有下一页（next 为其地址），capped 超过 2000 条，partial 1–2 个字的查询未查完", "400": "by、q、offset 或 limit 有误（field 指明）", "403": "没有信用模块的权限"})
	blacklistOp = apiOp("/api/v1/credit/blacklist", "严重失信主体名单（同 /credit/blacklist 页面）",
		map[string]string{"city": "地市代码（510100 成都、510600 德阳、511400 眉山、512000 资阳）", "list_type": "名单类别", "state": "public 公示中（默认）、out 已不在公示期、all 全部", "offset": "起始位置", "limit": "每页条数，1–500，默认 500"},
		map[string]string{"200": "total 与 items（每条含 public、status、public_until）", "400": "city、state、offset 或 limit 有误（field 指明）"})
	repairsOp = apiOp("/api/v1/credit/repairs", "信用修复申请队列（同 /credit/repairs 页面；本辖区，新的在前，最多 500 条）",
		map[string]string{"state": "open 待办（默认：已申请和审核中）、all 全部，或 已申请、审核中、已修复、不予修复"},
		map[string]string{"200": "state、decider（调用者能否决定）与 items", "400": "state 有误"})
	entryOp = map[string]any{"get": apiOp("/api/v1/credit/blacklist/{id}", "严重失信主体名单的一条记录：公示状态、信用修复申请、调用者能否申请修复（记入审计日志）",
		map[string]string{"id": "记录编号"}, map[string]string{"200": "entry、repairs、can_apply、why", "404": "无此记录"})}
	bulletinOp = map[string]any{"get": apiOp("/api/v1/credit/bulletin", "信用信息归集月通报（数字同 /credit/bulletin 页面与 .xlsx）",
		map[string]string{"month": "月份 YYYY-MM，默认本月"}, map[string]string{"200": "total、cities（排名）、departments、by_type、city_type；deadline_workdays、weights、score_rule 及其依据 deadline_source、weights_source；calendar_notices（各年节假日通知及补充文件）；warnings；xlsx 为 Excel 下载地址", "400": "month 格式有误"})}
	publicOp = map[string]any{"get": apiOp("/api/v1/credit/public/{key}", "主体的社会公开信用信息（无需登录；只含公示期内的记录，自然人身份证号码已遮蔽；记入审计日志）",
		map[string]string{"key": "统一社会信用代码，或 REG:工商注册号"}, map[string]string{"200": "公开信用报告", "404": "无此主体"})}
	importOp = map[string]any{"post": apiOp("/api/v1/credit/import", "以文件导入信用数据（同 /credit/import 上传页面）：请求体为 CSV 或 .xlsx 文件本身（参数 name 为文件名），或 multipart 表单字段 file；在后台导入，每 2000 行提交一次",
		map[string]string{"name": "文件名（请求体为文件本身时）"},
		map[string]string{"200": "导入已完成：rows、accepted、rejected 与拒收报告地址 rejects_csv", "202": "仍在导入：Location 与 status_url 为进度地址", "400": "文件不是可读的 CSV 或 .xlsx，或表头不符（field 为 file），未保存任何数据", "403": "没有归集权限"})}
	jobOp = map[string]any{"get": apiOp("/api/v1/credit/import/jobs/{id}", "本人导入任务的进度：rows、accepted、rejected、done、failed、percent，完成后 batch_url 与 rejects_csv",
		map[string]string{"id": "任务编号"}, map[string]string{"200": "进度", "404": "无此任务（或服务已重启：重新上传同一文件即可完成）"})}
	batchOp = map[string]any{"get": apiOp("/api/v1/credit/batches/{id}", "导入批次的结果与前 500 条拒收行（行号、字段、原因），全部拒收行见 rejects_csv",
		map[string]string{"id": "批次编号"}, map[string]string{"200": "batch、rejects、rejects_csv", "403": "不在调用者辖区内", "404": "无此批次"})}
)

// withOp adds the operation op under method to the OpenAPI path item.
func withOp(item map[string]any, method string, op any) map[string]any {
	item[method] = op
	return item
}
