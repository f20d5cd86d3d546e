package credit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

func canUse(u *auth.User) bool { return u.InModule("credit") || u.IsSystemAdmin() }

func canCollect(u *auth.User) bool { return u.HasAny("credit", auth.Collector, auth.Admin) }

// ---- look-up and credit report ----

type searchData struct {
	Q       string
	By      string
	Results []StoredSubject
	Limit   int
	*SearchResult
	Notice string
}

// PrevURL and NextURL link the previous and next page of the search.
func (d searchData) PrevURL() string { return d.pageURL(max(0, d.Offset-d.Limit)) }
func (d searchData) NextURL() string { return d.pageURL(d.Offset + d.Limit) }

func (d searchData) pageURL(offset int) string {
	return "/credit/?" + url.Values{"by": {d.By}, "q": {d.Q}, "offset": {strconv.Itoa(offset)}}.Encode()
}

func (m *Module) searchPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查询信用信息")
		return
	}
	data := searchData{Q: strings.TrimSpace(r.URL.Query().Get("q")), By: r.URL.Query().Get("by"), Limit: 50, SearchResult: &SearchResult{}}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	if data.By != string(ByUSCC) && data.By != string(ByLegalRep) {
		data.By = string(ByName)
	}
	if data.Q != "" {
		by, res, err := m.lookup(r.Context(), u, SearchBy(data.By), data.Q, offset, data.Limit)
		if err != nil {
			m.d.Web.Fail(w, r, err)
			return
		}
		data.By = string(by)
		data.SearchResult, data.Results, data.Notice = res, res.Results, searchNotice(by, data.Q, res)
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/search.html", "信用查询", data)
}

// searchNotice is what the look-up says under its results, if anything: for
// a code that finds nothing, what is wrong with it.
func searchNotice(by SearchBy, q string, res *SearchResult) string {
	if by == ByUSCC && len(res.Results) == 0 && !strings.HasPrefix(q, "REG:") {
		if _, err := ParseUSCC(q); err != nil {
			return "“" + q + "”不是有效的统一社会信用代码：" + err.Error()
		}
		return "四市的市场主体、行政管理信息和严重失信主体名单中都没有代码为 " + NormalizeUSCC(q) + " 的主体"
	}
	switch {
	case res.Partial:
		return ShortQueryNotice
	case res.Capped:
		return CappedNotice
	}
	return ""
}

// lookup is one page of the look-up (信用查询) as the page and the API give it,
// audited as a sensitive read by u: a valid code asked for by name is looked
// up as a code, and the field actually searched is returned.
func (m *Module) lookup(ctx context.Context, u *auth.User, by SearchBy, q string, offset, limit int) (SearchBy, *SearchResult, error) {
	if by == ByName && len(NormalizeUSCC(q)) == 18 {
		if _, err := ParseUSCC(q); err == nil {
			by = ByUSCC
		}
	}
	res, err := SearchSubjects(ctx, m.d.DB, by, q, offset, limit)
	if err != nil {
		return by, nil, err
	}
	if by == ByUSCC && len(res.Results) == 0 && offset == 0 {
		// a code known only from records or the blacklist is found too
		s, registered, err := subjectOrParty(ctx, m.d.DB, NormalizeUSCC(q))
		switch {
		case err == nil && !registered:
			res.Results = []StoredSubject{*s}
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return by, nil, err
		}
	}
	err = audit.Log(ctx, m.d.DB, audit.Entry{Action: "read_sensitive", Module: "credit", ObjectType: "search", ObjectID: string(by) + ":" + q,
		Region: u.Region, Detail: fmt.Sprintf("信用查询，第 %d 条起，结果 %d 条", res.Offset+1, len(res.Results))})
	return by, res, err
}

// RecordView is a record on the credit report.
type RecordView struct {
	StoredRecord
	City     string // 地市 name
	InPublic bool   // still in its publication period
	Masked   bool   // ID numbers masked (public view)
	End      string // last day in public view ("" = no limit)
	// Repairable: the viewer may enter a credit-repair application for it.
	Repairable bool `json:"-"`
}

// Report is the credit report (信用报告) of a subject.
type Report struct {
	Subject StoredSubject `json:"subject"`
	// Registered: the subject is among the library's market subjects (false:
	// known only from records or the blacklist, see UnregisteredNote)
	Registered  bool           `json:"registered"`
	Notes       []string       `json:"notes"`
	Records     []RecordView   `json:"records"`
	Cities      []string       `json:"cities"` // names of the cities the records come from
	Blacklist   []StoredEntry  `json:"blacklist"`
	Listed      bool           `json:"listed"`
	Penalties   []RecordView   `json:"penalties_in_period"` // 行政处罚 still in their publication period
	ByType      map[string]int `json:"by_type"`
	GeneratedOn string         `json:"generated_on"`
}

func (m *Module) report(r *http.Request, key string) (*Report, error) {
	ctx := r.Context()
	u := web.User(r)
	s, registered, err := subjectOrParty(ctx, m.d.DB, key)
	if err != nil {
		return nil, err
	}
	if !u.CanRead(s.Region, true) {
		return nil, auth.ErrScope
	}
	today := m.today()
	rep := &Report{Subject: *s, Registered: registered, ByType: map[string]int{}, GeneratedOn: FormatDate(today)}
	if p, err := ParseUSCC(s.USCC); err == nil {
		rep.Notes = p.Notes()
	}
	if !registered {
		rep.Notes = append(rep.Notes, UnregisteredNote)
	}
	recs, err := subjectRecords(ctx, m.d.DB, s)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		v := RecordView{StoredRecord: rec, City: region.Name(region.CityOf(rec.Region)), InPublic: rec.PublicOn(today, rec.RepairedOn)}
		if e := rec.PublicEnd(rec.RepairedOn); !e.IsZero() {
			v.End = FormatDate(e.AddDate(0, 0, -1))
		}
		if !(canCollect(u) && u.CanWrite(rec.Region)) {
			v.Record = rec.Record.PublicView()
			v.Masked = true
		} else {
			v.Repairable = v.InPublic && rec.Adverse()
		}
		if !seen[v.City] {
			seen[v.City] = true
			rep.Cities = append(rep.Cities, v.City)
		}
		rep.ByType[string(rec.Type)]++
		rep.Records = append(rep.Records, v)
		if rec.Type == TypePenalty && v.InPublic {
			rep.Penalties = append(rep.Penalties, v)
		}
	}
	if s.USCCFlags&FlagNoCode == 0 {
		rep.Blacklist, err = subjectBlacklist(ctx, m.d.DB, s.USCC)
		if err != nil {
			return nil, err
		}
		for _, e := range rep.Blacklist {
			if EntryStatus(&e, today).Public {
				rep.Listed = true
			}
		}
	}
	err = audit.Log(ctx, m.d.DB, audit.Entry{Action: "read_sensitive", Module: "credit", ObjectType: "subject", ObjectID: s.Key, Region: s.Region,
		Detail: "查看信用报告：" + s.Name})
	return rep, err
}

// publicPage is the 社会公开 view of a subject, open without login: only
// records still in their publication period, ID numbers masked, the
// blacklist entries in force. The look-up is audited like any other.
func (m *Module) publicPage(w http.ResponseWriter, r *http.Request) {
	rep, err := m.publicReport(r.Context(), r.PathValue("key"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/public.html", "公开信用信息 · "+rep.Subject.Name, rep)
}

// publicReport is what the 社会公开 view shows of the subject key (a USCC in
// any case, or REG:工商注册号), audited.
func (m *Module) publicReport(ctx context.Context, key string) (*Report, error) {
	if !strings.HasPrefix(key, "REG:") {
		key = NormalizeUSCC(key)
	}
	s, registered, err := subjectOrParty(ctx, m.d.DB, key)
	if err != nil {
		return nil, err
	}
	today := m.today()
	recs, err := subjectRecords(ctx, m.d.DB, s)
	if err != nil {
		return nil, err
	}
	rep := &Report{Subject: *s, Registered: registered, GeneratedOn: FormatDate(today)}
	if !registered {
		rep.Notes = []string{UnregisteredNote}
	}
	for _, rec := range recs {
		if !rec.PublicOn(today, rec.RepairedOn) {
			continue
		}
		v := RecordView{StoredRecord: rec, City: region.Name(region.CityOf(rec.Region)), InPublic: true, Masked: true}
		v.Record = rec.Record.PublicView()
		if e := rec.PublicEnd(rec.RepairedOn); !e.IsZero() {
			v.End = FormatDate(e.AddDate(0, 0, -1))
		}
		rep.Records = append(rep.Records, v)
	}
	if s.USCCFlags&FlagNoCode == 0 {
		all, err := subjectBlacklist(ctx, m.d.DB, s.USCC)
		if err != nil {
			return nil, err
		}
		for _, e := range all {
			if EntryStatus(&e, today).Public {
				rep.Blacklist = append(rep.Blacklist, e)
				rep.Listed = true
			}
		}
	}
	err = audit.Log(ctx, m.d.DB, audit.Entry{Action: "read_sensitive", Module: "credit", ObjectType: "subject", ObjectID: s.Key, Region: s.Region, Detail: "公开信用信息查询：" + s.Name})
	return rep, err
}

func (m *Module) reportPage(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.d.Web.Forbidden(w, r, "查看信用报告")
		return
	}
	rep, err := m.report(r, r.PathValue("key"))
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/report.html", "信用报告 · "+rep.Subject.Name, rep)
}

func (m *Module) apiReport(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.d.Web.Forbidden(w, r, "查看信用报告")
		return
	}
	key := r.PathValue("key")
	if !strings.HasPrefix(key, "REG:") {
		key = NormalizeUSCC(key)
	}
	rep, err := m.report(r, key)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, rep)
}

// ---- import page ----

func (m *Module) importPage(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "导入信用数据")
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/import.html", "导入信用数据", map[string]any{"Region": u.Region})
}

func (m *Module) batch(w http.ResponseWriter, r *http.Request) *Batch {
	u := web.User(r)
	if !canUse(u) {
		m.d.Web.Forbidden(w, r, "查看导入批次")
		return nil
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	b, err := getBatch(r.Context(), m.d.DB, id)
	if err == nil && !u.CanRead(b.Region, false) {
		err = auth.ErrScope
	}
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return nil
	}
	return b
}

func (m *Module) batchPage(w http.ResponseWriter, r *http.Request) {
	b := m.batch(w, r)
	if b == nil {
		return
	}
	rj, err := batchRejects(r.Context(), m.d.DB, b.ID, batchRejectRows)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/batch.html", "导入结果", map[string]any{"Batch": b, "Rejects": rj})
}

func (m *Module) rejectsCSV(w http.ResponseWriter, r *http.Request) {
	b := m.batch(w, r)
	if b == nil {
		return
	}
	rj, err := batchRejects(r.Context(), m.d.DB, b.ID, 0)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // Excel opens UTF-8 with BOM correctly
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"行号", "字段", "原因"})
	for _, e := range rj {
		cw.Write([]string{strconv.Itoa(e.Line), e.Field, e.Reason})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"rejects-%d.csv\"", b.ID))
	w.Write(buf.Bytes())
}

// ---- push API ----

// PushItem is the result of one pushed item.
type PushItem struct {
	Index  int          `json:"index"`
	Key    string       `json:"key,omitempty"`
	OK     bool         `json:"ok"`
	Errors []FieldError `json:"errors,omitempty"`
}

// apiPush takes a JSON array of flat objects whose keys are the import field
// keys (uscc, name, doc_no, decision_date …) or the Chinese column headers,
// validates each item like a file row and stores the valid ones in one
// transaction, each audited. An item outside the caller's region refuses the
// whole request (403) and nothing is stored.
func (m *Module) apiPush(w http.ResponseWriter, r *http.Request) {
	u := web.User(r)
	if !canCollect(u) {
		m.d.Web.Forbidden(w, r, "推送信用数据")
		return
	}
	kind := r.PathValue("kind")
	if _, ok := KindNames[kind]; !ok {
		m.d.Web.Fail(w, r, store.ErrNotFound)
		return
	}
	var in []map[string]any
	if err := web.DecodeJSON(r, &in); err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	type item struct {
		key, region string
		s           Subject
		rec         Record
		b           BlacklistEntry
	}
	var (
		items   []item
		out     = make([]PushItem, len(in))
		rejects []Reject
	)
	for i, obj := range in {
		row := Row{Line: i + 1, Values: map[string]string{}}
		for k, v := range obj {
			var s string
			switch x := v.(type) {
			case string:
				s = x
			case nil:
			case float64:
				s = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				b, _ := json.Marshal(x)
				s = string(b)
			}
			row.Values[HeaderKey(k)] = s
		}
		it := item{}
		var es FieldErrors
		switch kind {
		case KindSubjects:
			it.s, es = SubjectFromRow(row)
			it.key, it.region = it.s.Key(), SubjectRegion(&it.s)
		case KindRecords:
			it.rec, es = RecordFromRow(row, "")
			if len(es) == 0 {
				es = DecisionNotFuture(&it.rec, m.today(), row.Line)
			}
			it.key, it.region = it.rec.Key(), it.rec.SourceRegion
		case KindBlacklist:
			it.b, es = BlacklistFromRow(row)
			it.key, it.region = it.b.Key(), BlacklistRegion(&it.b)
		}
		out[i] = PushItem{Index: i, Key: it.key, OK: len(es) == 0, Errors: es}
		if len(es) > 0 {
			rejects = append(rejects, pushRejects(kind, i+1, es, &it.rec, u)...)
			continue
		}
		if !u.CanWrite(it.region) {
			m.d.Web.Fail(w, r, &web.HTTPError{Status: http.StatusForbidden, Code: "out_of_scope", Field: strconv.Itoa(i),
				Message: fmt.Sprintf("第%d项属于%s，不在您的辖区（%s）内；您只能报送本辖区的数据，本次请求未保存任何数据", i+1, region.FullName(it.region), region.FullName(u.Region))})
			return
		}
		items = append(items, it)
	}
	today := m.today()
	var batchID int64
	err := m.d.DB.InTx(r.Context(), func(tx *store.Tx) error {
		now := time.Now()
		if len(rejects) > 0 {
			// the refused items are submissions too (the bulletin's rejection rate and
			// completeness): kept as a batch of the push, keyed by its content, so that
			// the same push sent again counts once
			var err error
			batchID, err = pushBatch(r.Context(), tx, kind, in, u, rejects, today)
			if err != nil {
				return err
			}
		}
		for _, it := range items {
			var err error
			switch kind {
			case KindSubjects:
				err = upsertSubjects(r.Context(), tx, []Subject{it.s}, nil, 0, now)
			case KindRecords:
				err = upsertRecords(r.Context(), tx, []Record{it.rec}, nil, 0, today, now)
			case KindBlacklist:
				err = upsertBlacklist(r.Context(), tx, []BlacklistEntry{it.b}, nil, 0, now)
			}
			if err != nil {
				return err
			}
			if err := audit.Log(r.Context(), tx, audit.Entry{Action: "create", Module: "credit", ObjectType: strings.TrimSuffix(kind, "s"), ObjectID: it.key, Region: it.region, Detail: "接口推送"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	res := map[string]any{"accepted": len(items), "rejected": len(in) - len(items), "items": out}
	if batchID != 0 {
		res["batch_id"] = batchID
		res["rejects_csv"] = fmt.Sprintf("/credit/batches/%d/rejects.csv", batchID)
	}
	web.WriteJSON(w, http.StatusOK, res)
}

// pushRejects are the problems of the refused push item at position line
// (1-based), with what the bulletin needs of a refused record: its type,
// city, source unit and required fields filled.
func pushRejects(kind string, line int, es FieldErrors, rec *Record, u *auth.User) []Reject {
	var rt, city, unit, unitID string
	var filled, required int
	if kind == KindRecords {
		rt, unit, unitID = string(rec.Type), rec.SourceUnit, validUnitID(rec.SourceUnitID)
		city = cityOf(rec.SourceRegion)
		filled, required = RequiredFieldCount(rec)
	}
	if city == "" {
		city = cityOf(u.Region)
	}
	out := make([]Reject, len(es))
	for i, e := range es {
		out[i] = Reject{Line: line, Field: e.Field, Reason: e.Reason, Type: rt, City: city, SourceUnit: unit, SourceUnitID: unitID, Filled: filled, Required: required}
	}
	return out
}

// pushBatch stores the refused items of a push as the batch of the push (its
// content's hash is the key, like a file's), in q's transaction.
func pushBatch(ctx context.Context, q store.Querier, kind string, in []map[string]any, u *auth.User, rj []Reject, today time.Time) (int64, error) {
	body, err := json.Marshal(in) // map keys sorted: the same push gives the same bytes
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(body)
	b := &Batch{Kind: kind, FileName: fmt.Sprintf("接口推送（%d项）", len(in)), Format: "json", Encoding: EncodingUTF8, Region: u.Region, Username: u.Username}
	id, err := beginBatch(ctx, q, b, "push:"+hex.EncodeToString(sum[:]), u.ID)
	if err != nil {
		return 0, err
	}
	if err := insertRejects(ctx, q, id, rj, today, u.Region); err != nil {
		return 0, err
	}
	return id, updateBatch(ctx, q, id, len(in), len(in)-countRejectedLines(rj), countRejectedLines(rj), true)
}

func countRejectedLines(rj []Reject) int {
	lines := map[int]bool{}
	for _, r := range rj {
		lines[r.Line] = true
	}
	return len(lines)
}

// ---- monthly bulletin ----

func (m *Module) bulletinFor(r *http.Request) (Bulletin, string, error) {
	month := r.URL.Query().Get("month")
	start, err := time.Parse("2006-01", month)
	var notice string
	if month == "" || err != nil {
		t := m.today()
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		if month != "" {
			notice = "月份“" + month + "”无法识别（应写作 YYYY-MM，如 2026-11），下面是本月的通报"
		}
	}
	sums, err := bulletinSummaries(r.Context(), m.d.DB, start.AddDate(0, 1, 0))
	if err != nil {
		return Bulletin{}, "", err
	}
	b := ComputeBulletin(m.Bulletin, start.Year(), start.Month(), sums)
	if notice != "" {
		b.Warnings = append([]string{notice}, b.Warnings...)
	}
	b.Warnings = append(b.Warnings, m.configErrs...)
	return b, start.Format("2006-01"), nil
}

type bulletinData struct {
	B     Bulletin
	Month string
	Prev  string
	Next  string
	Chart map[string]any
	Rows  []cityTypeRow
}

type cityTypeRow struct {
	Name   string
	Counts []int
}

func (m *Module) bulletinPage(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.d.Web.Forbidden(w, r, "查看月通报")
		return
	}
	b, month, err := m.bulletinFor(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	start, _ := time.Parse("2006-01", month)
	data := bulletinData{B: b, Month: month, Prev: start.AddDate(0, -1, 0).Format("2006-01"), Next: start.AddDate(0, 1, 0).Format("2006-01")}
	var names []string
	var recv, timely []any
	for _, c := range b.Cities {
		names = append(names, c.Name)
		recv = append(recv, c.Received)
		timely = append(timely, float64(int(c.TimelyRate*1000))/10)
		row := cityTypeRow{Name: c.Name}
		for _, t := range b.Types {
			row.Counts = append(row.Counts, b.CityType[c.Key][t])
		}
		data.Rows = append(data.Rows, row)
	}
	data.Chart = map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"data": []string{"报送数", "及时率（%）"}},
		"xAxis":   map[string]any{"type": "category", "data": names},
		"yAxis":   []any{map[string]any{"type": "value", "name": "条"}, map[string]any{"type": "value", "name": "%", "max": 100}},
		"series": []any{
			map[string]any{"name": "报送数", "type": "bar", "data": recv},
			map[string]any{"name": "及时率（%）", "type": "line", "yAxisIndex": 1, "data": timely},
		},
	}
	m.d.Web.Render(w, r, http.StatusOK, "credit/bulletin.html", "信用信息归集月通报 "+month, data)
}

func (m *Module) bulletinXLSX(w http.ResponseWriter, r *http.Request) {
	if !canUse(web.User(r)) {
		m.d.Web.Forbidden(w, r, "下载月通报")
		return
	}
	b, month, err := m.bulletinFor(r)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	buf, err := BulletinWorkbook(b)
	if err != nil {
		m.d.Web.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"credit-bulletin-"+month+".xlsx\"")
	w.Write(buf)
}

// BulletinWorkbook writes the bulletin as an .xlsx: sheets 地市, 部门, 类别.
func BulletinWorkbook(b Bulletin) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"排名", "名称", "报送数", "拒收数", "累计", "及时数", "及时率", "拒收率", "完整率", "上月报送", "环比", "得分"}
	line := func(l BulletinLine) []any {
		mom := "—"
		if l.MoMKnown {
			mom = fmt.Sprintf("%+.1f%%", l.MoMChange*100)
		}
		rank := any(l.Rank)
		if l.Rank == 0 {
			rank = ""
		}
		return []any{rank, l.Name, l.Received, l.Rejected, l.Cumulative, l.Timely, pctText(l.TimelyRate), pctText(l.RejectionRate), pctText(l.Completeness), l.PrevReceived, mom, fmt.Sprintf("%.1f", l.Score)}
	}
	sheets := []struct {
		name  string
		lines []BulletinLine
	}{{"地市", append(append([]BulletinLine{}, b.Cities...), b.Total)}, {"部门", b.Departments}, {"类别", append(append([]BulletinLine{}, b.ByType...), b.Total)}}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, err
		}
		title := fmt.Sprintf("成德眉资信用信息归集月通报 %d年%d月", b.Year, int(b.Month))
		if err := f.SetCellValue(s.name, "A1", title); err != nil {
			return nil, err
		}
		if err := f.SetSheetRow(s.name, "A2", &header); err != nil {
			return nil, err
		}
		for j, l := range s.lines {
			row := line(l)
			if err := f.SetSheetRow(s.name, "A"+strconv.Itoa(j+3), &row); err != nil {
				return nil, err
			}
		}
	}
	// 地市分类别: records received this month, city by type (the page's table)
	const ct = "地市分类别"
	if _, err := f.NewSheet(ct); err != nil {
		return nil, err
	}
	if err := f.SetCellValue(ct, "A1", fmt.Sprintf("成德眉资信用信息归集月通报 %d年%d月 · 各市分类别报送数", b.Year, int(b.Month))); err != nil {
		return nil, err
	}
	head := []any{"地市"}
	for _, t := range b.Types {
		head = append(head, string(t))
	}
	if err := f.SetSheetRow(ct, "A2", &head); err != nil {
		return nil, err
	}
	for j, c := range b.Cities {
		row := []any{c.Name}
		for _, t := range b.Types {
			row = append(row, b.CityType[c.Key][t])
		}
		if err := f.SetSheetRow(ct, "A"+strconv.Itoa(j+3), &row); err != nil {
			return nil, err
		}
	}
	// 说明: what the figures rest on, and any warning
	const notes = "说明"
	if _, err := f.NewSheet(notes); err != nil {
		return nil, err
	}
	lines := []string{
		fmt.Sprintf("成德眉资信用信息归集月通报 %d年%d月", b.Year, int(b.Month)),
		"统计类别：" + joinRecordTypes(b.Types),
		fmt.Sprintf("及时率：决定之日起%d个工作日内报送的记录所占比例（工作日按国务院办公厅当年节假日安排通知）", b.DeadlineWorkdays),
		"拒收率：拒收行占报送行（入库与拒收之和）的比例；完整率：报送行已填的双公示必填字段占应填字段的比例",
		"得分：" + b.ScoreRule + "，按得分排名",
		"期限依据：" + sentence(b.DeadlineSource),
		"权重：" + sentence(b.WeightsSource),
		"节假日表：" + b.CalendarSummary()}
	for _, n := range b.CalendarNotices {
		lines = append(lines, "　"+n.Text)
	}
	lines = append(lines, b.Warnings...)
	for i, l := range lines {
		if err := f.SetCellValue(notes, "A"+strconv.Itoa(i+1), l); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func joinRecordTypes(ts []RecordType) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = string(t)
	}
	return strings.Join(parts, "、")
}

func pctText(x float64) string { return fmt.Sprintf("%.1f%%", x*100) }

func openAPIPaths() map[string]any {
	push := func(what string) map[string]any {
		return map[string]any{"post": map[string]any{
			"summary":     "推送" + what + "（JSON 数组，字段同导入模板的字段键或中文表头；逐项返回结果）",
			"tags":        []string{"credit"},
			"requestBody": map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}}},
			"responses":   map[string]any{"200": map[string]any{"description": "accepted、rejected 和逐项结果 items；有拒收项时另有 batch_id 和拒收报告 rejects_csv（拒收项计入月通报的拒收率和完整率，同一内容重复推送只计一次）"}, "403": map[string]any{"description": "有数据不在调用者辖区内，全部未保存"}},
		}}
	}
	return map[string]any{
		"/api/v1/credit/subjects":         withOp(push("市场主体"), "get", searchOp),
		"/api/v1/credit/records":          push("行政管理信息"),
		"/api/v1/credit/blacklist":        withOp(push("严重失信主体名单"), "get", blacklistOp),
		"/api/v1/credit/blacklist/{id}":   entryOp,
		"/api/v1/credit/bulletin":         bulletinOp,
		"/api/v1/credit/public/{key}":     publicOp,
		"/api/v1/credit/import":           importOp,
		"/api/v1/credit/import/jobs/{id}": jobOp,
		"/api/v1/credit/batches/{id}":     batchOp,
		"/api/v1/credit/repairs": withOp(map[string]any{"post": map[string]any{
			"summary": "信用修复申请（target_type: blacklist 或 record，target_id，applicant 申请人，applicant_role 申请人身份，reason 修复理由，evidence 证明材料；记入审计日志）", "tags": []string{"credit"},
			"requestBody": map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}},
			"responses": map[string]any{"201": map[string]any{"description": "已登记的申请"}, "400": map[string]any{"description": "字段有误或最短公示期未满"},
				"403": map[string]any{"description": "不在调用者辖区内"}, "409": map[string]any{"description": "已有办理中的申请"}},
		}}, "get", repairsOp),
		"/api/v1/credit/repairs/{id}": map[string]any{"get": map[string]any{
			"summary": "信用修复申请及其办理过程（本辖区；同 /credit/repairs/{id} 页面）：target 修复对象及其公示状态，can_review 调用者能否受理，can_decide 能否决定，why 不能决定的原因", "tags": []string{"credit"},
			"parameters": []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}},
			"responses":  map[string]any{"200": map[string]any{"description": "申请"}, "403": map[string]any{"description": "不在调用者辖区内"}, "404": map[string]any{"description": "无此申请"}},
		}},
		"/api/v1/credit/repairs/{id}/{action}": map[string]any{"post": map[string]any{
			"summary": "办理信用修复：review 受理审核（归集员或审核员），remove 准予修复、refuse 不予修复（信用审核员，note 必填于不予修复；录入人不能决定本人录入的申请）", "tags": []string{"credit"},
			"parameters": []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}},
				map[string]any{"name": "action", "in": "path", "required": true, "schema": map[string]any{"type": "string", "enum": []string{"review", "remove", "refuse"}}}},
			"responses": map[string]any{"200": map[string]any{"description": "办理后的申请"}, "400": map[string]any{"description": "当前状态不能执行该步骤或缺少理由"}, "403": map[string]any{"description": "无权办理"}, "409": map[string]any{"description": "状态已被他人改变"}},
		}},
		"/api/v1/credit/subjects/{key}": map[string]any{"get": map[string]any{
			"summary": "主体信用报告（统一社会信用代码；记入审计日志）", "tags": []string{"credit"},
			"parameters": []any{map[string]any{"name": "key", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}},
			"responses":  map[string]any{"200": map[string]any{"description": "信用报告"}, "404": map[string]any{"description": "无此主体"}},
		}},
	}
}
