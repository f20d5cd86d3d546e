package credit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/app/apptest"
	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
	"tongcheng/internal/web"
)

// wantAPIError checks a refusal: its status and the one error shape with its
// code, field and a part of its Chinese message.
func wantAPIError(t *testing.T, what string, st int, body []byte, status int, code, field, msg string) {
	t.Helper()
	var eb web.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil || st != status || eb.Error.Code != code || eb.Error.Field != field || !strings.Contains(eb.Error.Message, msg) {
		t.Errorf("%s: %d %s; want %d, code %s, field %q, message with %q", what, st, body, status, code, field, msg)
	}
}

// getJSON calls path as user and decodes the answer into out; it fails the
// test unless the status is want.
func (e *env) getJSON(user, path string, want int, out any) []byte {
	e.t.Helper()
	st, body := e.do(user, "GET", path, nil)
	if st != want {
		e.t.Fatalf("GET %s as %s: %d %s", path, user, st, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			e.t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return body
}

// searchAudits counts the look-ups by user of query audited as sensitive reads.
func (e *env) searchAudits(user, objectID string) int {
	e.t.Helper()
	return e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'credit' AND action = 'read_sensitive' AND object_type = 'search' AND username = ? AND object_id = ?", user, objectID)
}

// TestAPISearch: GET /api/v1/credit/subjects pages through a look-up as the
// page does (50 a page, the same rows), by name, code and legal
// representative; every look-up is one audited sensitive read, refusals
// name the parameter and are not audited.
func TestAPISearch(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("river-only", "510100", "river:riveroffice")
		var rows [][3]string
		for i := 0; i < 60; i++ {
			rows = append(rows, [3]string{code(100 + i), fmt.Sprintf("成都蜀锦第%02d分店", i), "王伟"})
		}
		if _, err := e.importFile("prov", "many.csv", searchCSV(rows...)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.importFile("prov", "subjects.csv", []byte(subjectsCSV())); err != nil {
			t.Fatal(err)
		}
		q := url.QueryEscape("蜀锦第")
		var p1, p2 credit.SearchPage
		e.getJSON("ms-analyst", "/api/v1/credit/subjects?by=name&q="+q, http.StatusOK, &p1)
		if len(p1.Items) != 50 || p1.Items[0].Name != "成都蜀锦第00分店" || p1.Items[49].Name != "成都蜀锦第49分店" || !p1.More || p1.Offset != 0 || p1.Limit != 50 || p1.By != "name" {
			t.Fatalf("first page: %d items, more %v, offset %d, limit %d, by %s", len(p1.Items), p1.More, p1.Offset, p1.Limit, p1.By)
		}
		if p1.Next != "/api/v1/credit/subjects?by=name&limit=50&offset=50&q="+q {
			t.Errorf("next: %q", p1.Next)
		}
		if n := e.searchAudits("ms-analyst", "name:蜀锦第"); n != 1 {
			t.Errorf("first page: %d audited look-ups, want 1", n)
		}
		// the page shows the same rows in the same order
		_, page := e.do("ms-analyst", "GET", "/credit/?by=name&q="+q, nil)
		pageNames := regexp.MustCompile(`<a href="/credit/subjects/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(string(page), -1)
		if len(pageNames) != len(p1.Items) {
			t.Fatalf("page lists %d subjects, the API %d", len(pageNames), len(p1.Items))
		}
		for i, m := range pageNames {
			if m[1] != p1.Items[i].Name {
				t.Errorf("row %d: page %q, API %q", i+1, m[1], p1.Items[i].Name)
			}
		}
		if n := e.searchAudits("ms-analyst", "name:蜀锦第"); n != 2 {
			t.Errorf("page and API: %d audited look-ups, want 2", n)
		}
		e.getJSON("ms-analyst", p1.Next, http.StatusOK, &p2)
		if len(p2.Items) != 10 || p2.Items[0].Name != "成都蜀锦第50分店" || p2.Items[9].Name != "成都蜀锦第59分店" || p2.More || p2.Next != "" || p2.Offset != 50 {
			t.Errorf("second page: %d items, more %v, next %q", len(p2.Items), p2.More, p2.Next)
		}
		// by legal representative; a code asked for by name is looked up as a code
		var lr, byCode, none credit.SearchPage
		e.getJSON("ms-analyst", "/api/v1/credit/subjects?by=legal_rep&q="+url.QueryEscape("李娜"), http.StatusOK, &lr)
		if len(lr.Items) != 1 || lr.Items[0].Name != "天府样例有限公司" || lr.Items[0].LegalRep != "李娜" || lr.By != "legal_rep" {
			t.Errorf("by legal_rep: %+v", lr)
		}
		e.getJSON("ms-analyst", "/api/v1/credit/subjects?q="+strings.ToLower(usccB), http.StatusOK, &byCode)
		if len(byCode.Items) != 1 || byCode.Items[0].Name != "德阳鑫达商贸有限公司" || byCode.By != "uscc" || byCode.Items[0].Region != "510603" {
			t.Errorf("by code: %+v", byCode)
		}
		if n := e.searchAudits("ms-analyst", "uscc:"+strings.ToLower(usccB)); n != 1 {
			t.Errorf("look-up by code: %d audited, want 1", n)
		}
		body := e.getJSON("ms-analyst", "/api/v1/credit/subjects?q="+url.QueryEscape("不存在的名称"), http.StatusOK, &none)
		if len(none.Items) != 0 || !strings.Contains(string(body), `"items":[]`) {
			t.Errorf("no match: %s", body)
		}
		// a short query whose scan is cut short says so, as the page does
		defer func(b time.Duration) { credit.ShortScanBudget = b }(credit.ShortScanBudget)
		credit.ShortScanBudget = time.Nanosecond
		var short credit.SearchPage
		e.getJSON("ms-analyst", "/api/v1/credit/subjects?q="+url.QueryEscape("蜀"), http.StatusOK, &short)
		if !short.Partial || short.Notice != credit.ShortQueryNotice {
			t.Errorf("short query: partial %v, notice %q", short.Partial, short.Notice)
		}
		// refusals: which parameter and what to do; none is audited
		before := e.audits("read_sensitive")
		for _, c := range []struct{ path, field, msg string }{
			{"?by=address&q=x", "by", "legal_rep（法定代表人）"},
			{"?by=name&q=%20", "q", "参数 q"},
			{"?q=x&offset=-1", "offset", "0 到 1999 之间的整数"},
			{"?q=x&offset=2000", "offset", "收到“2000”"},
			{"?q=x&limit=51", "limit", "1 到 50 之间的整数"},
			{"?q=x&limit=abc", "limit", "收到“abc”"},
		} {
			st, body := e.do("ms-analyst", "GET", "/api/v1/credit/subjects"+c.path, nil)
			wantAPIError(t, c.path, st, body, http.StatusBadRequest, "invalid_field", c.field, c.msg)
		}
		st, body := e.do("river-only", "GET", "/api/v1/credit/subjects?q=x", nil)
		wantAPIError(t, "no credit role", st, body, http.StatusForbidden, "forbidden", "", "查询信用信息")
		st, body = e.do("", "GET", "/api/v1/credit/subjects?q=x", nil)
		wantAPIError(t, "no token", st, body, http.StatusUnauthorized, "unauthenticated", "", "请先登录")
		if n := e.audits("read_sensitive"); n != before {
			t.Errorf("refused look-ups wrote %d audit entries", n-before)
		}
		if missing := apptest.Undocumented(e.a.Deps.Web); len(missing) != 0 {
			t.Errorf("JSON routes missing from the OpenAPI document: %v", missing)
		}
	})
}

// TestAPIBlacklist: the list with the page's filters (city, list type,
// public/out/all) and paging, the same entries as the page; one entry with
// its standing and whether the caller may apply for a repair, audited; the
// repair queue of the caller's region.
func TestAPIBlacklist(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("river-only", "510100", "river:riveroffice")
		push := func(user string, entry map[string]any) {
			t.Helper()
			if st, body := e.do(user, "POST", "/api/v1/credit/blacklist", []any{entry}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
				t.Fatalf("push %v: %d %s", entry["doc_no"], st, body)
			}
		}
		push("cd-credit", blEntry("成市监失〔2026〕1号", "510100", "2026-03-01", "2029-03-01")) // public
		push("cd-credit", blEntry("成市监失〔2022〕7号", "510104", "2022-01-10", ""))           // 3 years over
		dy := blEntry("德市监失〔2026〕3号", "510600", "2026-06-01", "")
		dy["list_type"] = "拖欠农民工工资失信联合惩戒对象名单"
		push("dy-credit", dy) // public
		idOf := func(doc string) int {
			return e.count("SELECT id FROM credit_blacklist WHERE doc_no = ?", doc)
		}

		var all, public, cd, out, page2 credit.BlacklistPage
		e.getJSON("ms-analyst", "/api/v1/credit/blacklist", http.StatusOK, &public)
		if public.State != "public" || public.Total != 2 || len(public.Items) != 2 || public.Items[0].DocNo != "德市监失〔2026〕3号" || public.Items[1].DocNo != "成市监失〔2026〕1号" || public.Today != "2026-11-20" {
			t.Errorf("in public view: %+v", public)
		}
		if strings.Join(public.ListTypes, ",") != "市场监督管理严重违法失信名单,拖欠农民工工资失信联合惩戒对象名单" &&
			strings.Join(public.ListTypes, ",") != "拖欠农民工工资失信联合惩戒对象名单,市场监督管理严重违法失信名单" {
			t.Errorf("list types: %v", public.ListTypes)
		}
		e.getJSON("ms-analyst", "/api/v1/credit/blacklist?city=510100", http.StatusOK, &cd)
		if cd.Total != 1 || len(cd.Items) != 1 {
			t.Fatalf("成都 in public view: %+v", cd)
		}
		if it := cd.Items[0]; it.DocNo != "成市监失〔2026〕1号" || !it.Public || it.Status != "公示中" || it.PublicUntil != "2029-02-28" || it.City != "成都市" || it.Region != "510100" || it.ID != int64(idOf("成市监失〔2026〕1号")) {
			t.Errorf("成都 entry: %+v", it)
		}
		// the page with the same filter shows the same entry and not the other city's
		_, page := e.do("ms-analyst", "GET", "/credit/blacklist?city=510100", nil)
		contains(t, string(page), "成市监失〔2026〕1号")
		if strings.Contains(string(page), "德市监失〔2026〕3号") || strings.Contains(string(page), "成市监失〔2022〕7号") {
			t.Error("page of 成都 in public view shows another entry")
		}
		e.getJSON("ms-analyst", "/api/v1/credit/blacklist?state=out", http.StatusOK, &out)
		if out.Total != 1 || out.Items[0].DocNo != "成市监失〔2022〕7号" || out.Items[0].Public || out.Items[0].Status != "公示期满（严重失信信息最长公示3年）" || out.Items[0].PublicUntil != "2025-01-09" {
			t.Errorf("out of view: %+v", out)
		}
		e.getJSON("ms-analyst", "/api/v1/credit/blacklist?state=all&list_type="+url.QueryEscape("市场监督管理严重违法失信名单"), http.StatusOK, &all)
		if all.Total != 2 || all.Items[0].DocNo != "成市监失〔2026〕1号" || all.Items[1].DocNo != "成市监失〔2022〕7号" {
			t.Errorf("one list type, all states: %+v", all)
		}
		e.getJSON("ms-analyst", "/api/v1/credit/blacklist?state=all&offset=1&limit=1", http.StatusOK, &page2)
		if page2.Total != 3 || len(page2.Items) != 1 || page2.Items[0].DocNo != "成市监失〔2026〕1号" || page2.Offset != 1 || page2.Limit != 1 {
			t.Errorf("second of three: %+v", page2)
		}
		for _, c := range []struct{ path, field, msg string }{
			{"?city=510000", "city", "成都、德阳、眉山或资阳"},
			{"?city=510104", "city", "地市“510104”不可用"},
			{"?state=listed", "state", "public（公示中）"},
			{"?limit=0", "limit", "1 到 500 之间的整数"},
			{"?offset=x", "offset", "收到“x”"},
		} {
			st, body := e.do("ms-analyst", "GET", "/api/v1/credit/blacklist"+c.path, nil)
			wantAPIError(t, c.path, st, body, http.StatusBadRequest, "invalid_field", c.field, c.msg)
		}
		st, body := e.do("river-only", "GET", "/api/v1/credit/blacklist", nil)
		wantAPIError(t, "list without a credit role", st, body, http.StatusForbidden, "forbidden", "", "查看严重失信主体名单")

		// one entry: who may apply for its repair, as on the page; each look audited
		cdID, oldID := idOf("成市监失〔2026〕1号"), idOf("成市监失〔2022〕7号")
		reads := func() int {
			return e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'read_sensitive' AND object_type = 'blacklist'")
		}
		var own, other, analyst, old credit.EntryPage
		e.getJSON("cd-credit", fmt.Sprintf("/api/v1/credit/blacklist/%d", cdID), http.StatusOK, &own)
		if !own.CanApply || own.Why != "" || own.Entry.DocNo != "成市监失〔2026〕1号" || !own.Entry.Public || own.Entry.SubjectName != "成都蜀锦食品有限公司" || own.Repairs == nil || len(own.Repairs) != 0 {
			t.Errorf("own city's entry: %+v", own)
		}
		e.getJSON("dy-credit", fmt.Sprintf("/api/v1/credit/blacklist/%d", cdID), http.StatusOK, &other)
		if other.CanApply || other.Why != "该记录属于成都市，信用修复由其所属地的信用部门受理。" {
			t.Errorf("another city's entry: can_apply %v, why %q", other.CanApply, other.Why)
		}
		e.getJSON("ms-analyst", fmt.Sprintf("/api/v1/credit/blacklist/%d", cdID), http.StatusOK, &analyst)
		if analyst.CanApply || analyst.Why != "" {
			t.Errorf("analyst: can_apply %v, why %q", analyst.CanApply, analyst.Why)
		}
		e.getJSON("cd-credit", fmt.Sprintf("/api/v1/credit/blacklist/%d", oldID), http.StatusOK, &old)
		if old.CanApply || !strings.Contains(old.Why, "不在公示期内，无需修复") {
			t.Errorf("entry out of view: can_apply %v, why %q", old.CanApply, old.Why)
		}
		if n := reads(); n != 4 {
			t.Errorf("%d audited entry reads, want 4", n)
		}
		// an application shows on the entry and stops a second one
		if st, body := e.do("cd-credit", "POST", "/api/v1/credit/repairs", map[string]any{"target_type": "blacklist", "target_id": cdID, "applicant": "王伟", "reason": "已履行义务", "evidence": "罚款缴纳凭证、守信承诺书"}); st != http.StatusCreated {
			t.Fatalf("apply: %d %s", st, body)
		}
		e.getJSON("cd-credit", fmt.Sprintf("/api/v1/credit/blacklist/%d", cdID), http.StatusOK, &own)
		if own.CanApply || len(own.Repairs) != 1 || own.Repairs[0].Applicant != "王伟" || !strings.Contains(own.Why, "已有办理中的信用修复申请") {
			t.Errorf("entry with an application: %+v", own)
		}
		// the repair queue: the caller's region only, as on the page
		var q credit.RepairQueue
		e.getJSON("cd-credit", "/api/v1/credit/repairs", http.StatusOK, &q)
		if q.State != "open" || q.Decider || len(q.Items) != 1 || q.Items[0].State != credit.RepairApplied || q.Items[0].City != "成都市" || q.Items[0].TargetID != int64(cdID) || q.Items[0].EnteredBy != "cd-credit" {
			t.Errorf("成都 queue: %+v", q)
		}
		_, page = e.do("cd-credit", "GET", "/credit/repairs", nil)
		contains(t, string(page), fmt.Sprintf(`/credit/repairs/%d"`, q.Items[0].ID))
		e.getJSON("prov", "/api/v1/credit/repairs?state=all", http.StatusOK, &q)
		if q.State != "all" || !q.Decider || len(q.Items) != 1 {
			t.Errorf("province, all: %+v", q)
		}
		for user, path := range map[string]string{"dy-credit": "/api/v1/credit/repairs", "prov": "/api/v1/credit/repairs?state=" + url.QueryEscape("已修复")} {
			e.getJSON(user, path, http.StatusOK, &q)
			if len(q.Items) != 0 {
				t.Errorf("%s %s: %d applications, want none", user, path, len(q.Items))
			}
		}
		// one application as its page shows it: the target and who may take the next step
		rpath := fmt.Sprintf("/api/v1/credit/repairs/%d", e.count("SELECT id FROM credit_repairs"))
		var rp credit.RepairPage
		e.getJSON("cd-credit", rpath, http.StatusOK, &rp)
		if rp.State != credit.RepairApplied || !rp.CanReview || rp.CanDecide || rp.Target == nil || rp.Target.Type != "blacklist" || rp.Target.Status != "公示中" ||
			rp.Target.Link != fmt.Sprintf("/credit/blacklist/%d", cdID) || rp.Target.Name != "成都蜀锦食品有限公司" {
			t.Errorf("application as its clerk: %+v %+v", rp, rp.Target)
		}
		if st, body := e.do("cd-credit", "POST", rpath+"/review", map[string]any{}); st != http.StatusOK {
			t.Fatalf("review: %d %s", st, body)
		}
		e.getJSON("cd-credit", rpath, http.StatusOK, &rp)
		if rp.State != credit.RepairReviewing || rp.CanReview || rp.CanDecide || rp.Why != "准予或不予修复由信用审核人员决定。" {
			t.Errorf("under review, as the clerk: %+v", rp)
		}
		var byProv credit.RepairPage
		e.getJSON("prov", rpath, http.StatusOK, &byProv)
		if !byProv.CanDecide || byProv.Why != "" {
			t.Errorf("under review, as the province's administrator: %+v", byProv)
		}
		st, body = e.do("dy-credit", "GET", rpath, nil)
		wantAPIError(t, "another region's application", st, body, http.StatusForbidden, "out_of_scope", "", "不在您的辖区")
		st, body = e.do("cd-credit", "GET", "/api/v1/credit/repairs?state=done", nil)
		wantAPIError(t, "queue state", st, body, http.StatusBadRequest, "invalid_field", "state", "办理状态“done”不可用")
		st, body = e.do("river-only", "GET", "/api/v1/credit/repairs", nil)
		wantAPIError(t, "queue without a credit role", st, body, http.StatusForbidden, "forbidden", "", "查看信用修复")
		for _, p := range []string{"/api/v1/credit/blacklist/999999", "/api/v1/credit/blacklist/abc"} {
			st, body := e.do("ms-analyst", "GET", p, nil)
			wantAPIError(t, p, st, body, http.StatusNotFound, "not_found", "", "找不到该记录")
		}
		st, body = e.do("river-only", "GET", fmt.Sprintf("/api/v1/credit/blacklist/%d", cdID), nil)
		wantAPIError(t, "entry without a credit role", st, body, http.StatusForbidden, "forbidden", "", "查看严重失信主体名单")
		if n := reads(); n != 5 {
			t.Errorf("refusals audited: %d entry reads, want 5", n)
		}
	})
}

// cityRow is a row of the bulletin page's city ranking.
var cityRow = regexp.MustCompile(`<tr><td class="num">(\d+)</td><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">([\d.]+%)</td><td class="num">([\d.]+%)</td><td class="num">([\d.]+%)</td><td class="num">([^<]+)</td><td class="num">([\d.]+)</td></tr>`)

// TestAPIBulletin: the month's bulletin as JSON holds the page's and the
// workbook's figures for the fixture month, line by line.
func TestAPIBulletin(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedBulletinMonth(t, e)
		var b credit.BulletinJSON
		e.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2026-11", http.StatusOK, &b)
		if b.Period != "2026-11" || b.Year != 2026 || b.Month != time.November || b.XLSX != "/credit/bulletin.xlsx?month=2026-11" {
			t.Errorf("period %s, %d-%d, xlsx %s", b.Period, b.Year, b.Month, b.XLSX)
		}
		// the fixture's numbers: received 3 + 1 + 2 = 6, the file's 3 rows rejected (2 of 成都, 1 of 德阳), 7 in all
		if b.Total.Received != 6 || b.Total.Rejected != 3 || b.Total.Cumulative != 7 || b.Total.Submitted != 9 {
			t.Errorf("total: %+v", b.Total)
		}
		lines := map[string]credit.BulletinLine{}
		for _, l := range b.Cities {
			lines[l.Name] = l
		}
		if cd, dy := lines["成都市"], lines["德阳市"]; len(b.Cities) != 4 || cd.Received != 5 || cd.PrevReceived != 1 || cd.Rejected != 2 || cd.Cumulative != 6 || dy.Received != 1 || dy.Rejected != 1 || dy.Cumulative != 1 {
			t.Errorf("cities: %+v", b.Cities)
		}
		if n := b.CityType["510100"][credit.TypePenalty]; n != 5 {
			t.Errorf("成都 行政处罚 this month: %d, want 5", n)
		}
		// the page: totals and the ranking, row by row
		_, pb := e.do("ms-analyst", "GET", "/credit/bulletin?month=2026-11", nil)
		page := string(pb)
		contains(t, page, fmt.Sprintf(`id="total-received">%d<`, b.Total.Received), fmt.Sprintf(`id="total-rejected">%d<`, b.Total.Rejected), fmt.Sprintf(`id="total-cumulative">%d<`, b.Total.Cumulative))
		rows := cityRow.FindAllStringSubmatch(page, -1)
		if len(rows) != len(b.Cities) {
			t.Fatalf("page ranks %d cities, the API %d", len(rows), len(b.Cities))
		}
		pct := func(x float64) string { return fmt.Sprintf("%.1f%%", x*100) }
		for i, r := range rows {
			l := b.Cities[i]
			want := []string{strconv.Itoa(l.Rank), l.Name, strconv.Itoa(l.Received), strconv.Itoa(l.Rejected), strconv.Itoa(l.Cumulative), pct(l.TimelyRate), pct(l.RejectionRate), pct(l.Completeness)}
			if got := r[1:9]; strings.Join(got, "|") != strings.Join(want, "|") || r[10] != fmt.Sprintf("%.1f", l.Score) {
				t.Errorf("rank %d: page %v %s, API %v %.1f", i+1, got, r[10], want, l.Score)
			}
		}
		// the workbook: the same lines, the total last
		_, x := e.do("ms-analyst", "GET", "/credit/bulletin.xlsx?month=2026-11", nil)
		f, err := excelize.OpenReader(bytes.NewReader(x))
		if err != nil {
			t.Fatal(err)
		}
		sheet, _ := f.GetRows("地市")
		want := append(append([]credit.BulletinLine{}, b.Cities...), b.Total)
		if len(sheet) != 2+len(want) {
			t.Fatalf("workbook has %d rows", len(sheet))
		}
		for i, l := range want {
			r := sheet[2+i]
			if r[1] != l.Name || r[2] != strconv.Itoa(l.Received) || r[3] != strconv.Itoa(l.Rejected) || r[4] != strconv.Itoa(l.Cumulative) || r[9] != strconv.Itoa(l.PrevReceived) || r[11] != fmt.Sprintf("%.1f", l.Score) {
				t.Errorf("workbook row %v, API %+v", r, l)
			}
		}
		// this month when none is given; October has the one record
		var cur, oct credit.BulletinJSON
		e.getJSON("ms-analyst", "/api/v1/credit/bulletin", http.StatusOK, &cur)
		e.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2026-10", http.StatusOK, &oct)
		if cur.Period != "2026-11" || cur.Total.Received != 6 || oct.Total.Received != 1 || oct.Total.Cumulative != 1 {
			t.Errorf("current %s %d, October %d %d", cur.Period, cur.Total.Received, oct.Total.Received, oct.Total.Cumulative)
		}
		for _, m := range []string{"2026-13", "2026-1", "十一月"} {
			st, body := e.do("ms-analyst", "GET", "/api/v1/credit/bulletin?month="+url.QueryEscape(m), nil)
			wantAPIError(t, m, st, body, http.StatusBadRequest, "invalid_field", "month", "YYYY-MM")
		}
		e.addUser("river-only", "510100", "river:riveroffice")
		st, body := e.do("river-only", "GET", "/api/v1/credit/bulletin", nil)
		wantAPIError(t, "no credit role", st, body, http.StatusForbidden, "forbidden", "", "查看月通报")
	})
}

// TestAPIPublicView: the public view as JSON, without login, shows what the
// page shows: records in their publication period only, the ID numbers of
// natural persons (a party and a legal representative) masked, whoever asks.
func TestAPIPublicView(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedSubjectAndRecords(t, e)
		old := penaltyItem("锦市监罚〔2024〕9号", "510104", unitCD, usccA, "2024-01-10")
		old["penalty_valid_until"] = "2025-01-10"
		// a penalty of the 个体工商户 without a code: its operator's ID number
		shop := penaltyItem("锦市监罚〔2026〕40号", "510104", unitCD, "00000000000000000X", "2026-11-03")
		shop["party_name"], shop["party_category"], shop["reg_no"] = "张记小吃店", "个体工商户", "510104600123456"
		shop["id_type"], shop["id_no"] = "身份证", "51010419800101123X"
		shop["legal_rep"], shop["legal_rep_id"] = "张强", "51010419800101123X"
		if st, body := e.do("cd-credit", "POST", "/api/v1/credit/records", []any{old, shop}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":2`) {
			t.Fatalf("push: %d %s", st, body)
		}
		type view struct {
			Subject struct{ Name string }
			Listed  bool
			Records []struct {
				DocNo      string `json:"doc_no"`
				IDNo       string `json:"id_no"`
				LegalRepID string `json:"legal_rep_id"`
				Masked     bool
				InPublic   bool
			}
		}
		for _, user := range []string{"", "cd-credit"} { // anonymous, and the owning collector: the same view
			var v view
			body := e.getJSON(user, "/api/v1/credit/public/"+strings.ToLower(usccA), http.StatusOK, &v)
			if v.Subject.Name != "成都蜀锦食品有限公司" || len(v.Records) != 2 {
				t.Fatalf("%q: %s, %d records, want 2", user, v.Subject.Name, len(v.Records))
			}
			docs := map[string]bool{}
			for _, r := range v.Records {
				docs[r.DocNo] = true
				if r.LegalRepID != "5101**********1234" || !r.Masked || !r.InPublic {
					t.Errorf("%q: record %s legal_rep_id %q masked %v", user, r.DocNo, r.LegalRepID, r.Masked)
				}
			}
			if !docs["锦市监罚〔2026〕21号"] || !docs["旌市监罚〔2026〕22号"] {
				t.Errorf("%q: records %v", user, docs)
			}
			if strings.Contains(string(body), "510104198001011234") || strings.Contains(string(body), "锦市监罚〔2024〕9号") {
				t.Errorf("%q: the public view shows an ID number or a record past its period", user)
			}
			// the page shows the same records
			_, page := e.do(user, "GET", "/credit/public/"+usccA, nil)
			for d := range docs {
				contains(t, string(page), d)
			}
		}
		var p view
		body := e.getJSON("", "/api/v1/credit/public/REG:510104600123456", http.StatusOK, &p)
		if len(p.Records) != 1 || p.Records[0].IDNo != "5101**********123X" || p.Records[0].LegalRepID != "5101**********123X" || strings.Contains(string(body), "51010419800101123X") {
			t.Errorf("个体工商户's operator not masked: %s", body)
		}
		// the owner's own report (logged in) is not the public view
		_, own := e.do("cd-credit", "GET", "/api/v1/credit/subjects/REG:510104600123456", nil)
		if !strings.Contains(string(own), "51010419800101123X") {
			t.Error("the owning collector's report masks its own record: the test does not tell the views apart")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'read_sensitive' AND object_type = 'subject' AND detail LIKE '公开信用信息查询：%'"); n != 5 {
			t.Errorf("%d audited public look-ups, want 5 (2 API, 2 pages, 1 API)", n)
		}
		st, body := e.do("", "GET", "/api/v1/credit/public/"+wrongCheck(usccA), nil)
		wantAPIError(t, "unknown subject", st, body, http.StatusNotFound, "not_found", "", "找不到该记录")
	})
}

// sendFile posts content to path as user (Bearer) with the content type, or as
// the multipart field field when field is not empty.
func (e *env) sendFile(user, path, field, name, contentType string, content []byte) (int, http.Header, []byte) {
	e.t.Helper()
	body := bytes.NewReader(content)
	if field != "" {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile(field, name)
		fw.Write(content)
		mw.Close()
		body, contentType = bytes.NewReader(buf.Bytes()), mw.FormDataContentType()
	}
	req, _ := http.NewRequest("POST", e.srv.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	if tok := e.tokens[user]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// TestAPIImportFile: POST /api/v1/credit/import takes the file itself or the
// upload form's multipart field, starts the upload page's background import,
// and answers with the counts and the reject report; a long import is
// followed on its status route; a file refused as a whole stores nothing.
func TestAPIImportFile(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// refusals first: nothing stored, no batch opened
		xls := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), bytes.Repeat([]byte{0}, 600)...)
		st, _, body := e.sendFile("cd-credit", "/api/v1/credit/import?name=old.xls", "", "", "application/vnd.ms-excel", xls)
		wantAPIError(t, "an .xls", st, body, http.StatusBadRequest, "file", "file", "旧版 Excel")
		st, _, body = e.sendFile("cd-credit", "/api/v1/credit/import", "", "", "application/json", []byte(`[{"uscc":"x"}]`))
		wantAPIError(t, "JSON rows", st, body, http.StatusBadRequest, "invalid_field", "file", "POST /api/v1/credit/{subjects|records|blacklist}")
		st, _, body = e.sendFile("cd-credit", "/api/v1/credit/import", "attachment", "s.csv", "", []byte(subjectsCSV()))
		wantAPIError(t, "multipart without file", st, body, http.StatusBadRequest, "invalid_field", "file", "表单字段 file")
		st, _, body = e.sendFile("ms-analyst", "/api/v1/credit/import", "", "", "text/csv", []byte(subjectsCSV()))
		wantAPIError(t, "analyst", st, body, http.StatusForbidden, "forbidden", "", "导入信用数据")
		st, _, body = e.sendFile("", "/api/v1/credit/import", "", "", "text/csv", []byte(subjectsCSV()))
		wantAPIError(t, "no token", st, body, http.StatusForbidden, "csrf", "csrf", "CSRF")
		if n := e.count("SELECT COUNT(*) FROM credit_batches") + e.count("SELECT COUNT(*) FROM credit_subjects"); n != 0 {
			t.Fatalf("refused imports stored %d batches and subjects", n)
		}

		// the file as the body: done within the wait, counts and the reject report
		var job credit.ImportJob
		st, _, body = e.sendFile("prov", "/api/v1/credit/import?name=subjects.csv", "", "", "text/csv; charset=utf-8", []byte(subjectsCSV()))
		if st != http.StatusOK || json.Unmarshal(body, &job) != nil {
			t.Fatalf("import: %d %s", st, body)
		}
		if !job.Done || job.Failed != "" || job.FileName != "subjects.csv" || job.Rows != 7 || job.Accepted != 4 || job.Rejected != 3 || job.Percent != 100 || job.BatchID == 0 {
			t.Errorf("import result: %+v", job)
		}
		if job.RejectsCSV != fmt.Sprintf("/credit/batches/%d/rejects.csv", job.BatchID) || job.BatchURL != fmt.Sprintf("/api/v1/credit/batches/%d", job.BatchID) || job.StatusURL != "/api/v1/credit/import/jobs/"+job.ID {
			t.Errorf("links: %+v", job)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects"); n != 4 {
			t.Errorf("library holds %d subjects, want 4", n)
		}
		_, csvBody := e.do("prov", "GET", job.RejectsCSV, nil)
		lines := strings.Split(strings.TrimSpace(string(csvBody)), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[1], "6,") || !strings.HasPrefix(lines[3], "8,") {
			t.Errorf("reject report: %q", csvBody)
		}
		var batch credit.BatchPage
		e.getJSON("prov", job.BatchURL, http.StatusOK, &batch)
		if batch.Batch.Rows != 7 || batch.Batch.Accepted != 4 || batch.Batch.Rejected != 3 || batch.Batch.Kind != "subjects" || len(batch.Rejects) != 3 || batch.Rejects[0].Line != 6 || batch.Rejects[0].Field != "统一社会信用代码" || batch.RejectsCSV != job.RejectsCSV {
			t.Errorf("batch: %+v", batch)
		}
		// the batch page shows the same counts
		_, page := e.do("prov", "GET", fmt.Sprintf("/credit/batches/%d", job.BatchID), nil)
		contains(t, string(page), `id="rows">7<`, `id="accepted">4<`, `id="rejected">3<`)
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND username = 'prov'"); n < 1 {
			t.Error("the import is not audited as its sender")
		}
		// a 德阳 collector may not see the province's batch
		st, body = e.do("dy-credit", "GET", job.BatchURL, nil)
		wantAPIError(t, "another region's batch", st, body, http.StatusForbidden, "out_of_scope", "", "本辖区")

		// the upload page's multipart field, as a 成都 collector
		st, _, body = e.sendFile("cd-credit", "/api/v1/credit/import", "file", "penalties.xlsx", "", penaltiesXLSX(t))
		if st != http.StatusOK || json.Unmarshal(body, &job) != nil || job.FileName != "penalties.xlsx" || job.Rows != 5 || job.Accepted != 2 || job.Rejected != 3 {
			t.Errorf("multipart import: %d %s", st, body)
		}

		// a long import answers at once and is followed on its status route
		e.noUploadWait()
		const n = 6000
		content, bad := bigSubjectsCSV(n)
		st, hdr, body := e.sendFile("cd-credit", "/api/v1/credit/import?name=big.csv", "", "", "text/csv", content)
		if json.Unmarshal(body, &job) != nil || (st != http.StatusAccepted && st != http.StatusOK) {
			t.Fatalf("big import: %d %s", st, body)
		}
		if st == http.StatusAccepted && (hdr.Get("Location") != job.StatusURL || job.Done) {
			t.Errorf("202 without the status address: %s %+v", hdr.Get("Location"), job)
		}
		deadline := time.Now().Add(2 * time.Minute)
		last := job
		for !last.Done {
			var s credit.ImportJob
			e.getJSON("cd-credit", job.StatusURL, http.StatusOK, &s)
			if s.Rows != s.Accepted+s.Rejected || s.Rows < last.Rows || s.Percent < 0 || s.Percent > 100 {
				t.Fatalf("inconsistent status %+v after %+v", s, last)
			}
			last = s
			if time.Now().After(deadline) {
				t.Fatalf("import not done after 2 minutes: %+v", s)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if last.Rows != n || last.Accepted != n-bad || last.Rejected != bad || last.Percent != 100 || last.RejectsCSV == "" {
			t.Errorf("final status %+v, want rows %d accepted %d rejected %d", last, n, n-bad, bad)
		}
		if got := e.count("SELECT COUNT(*) FROM credit_batches WHERE id = ? AND status = 'done' AND accepted = ? AND rejected = ?", last.BatchID, n-bad, bad); got != 1 {
			t.Error("the batch does not hold the final counts")
		}
		// another user's job, an unknown job: not found, with what to do
		for _, c := range []struct{ user, path string }{{"dy-credit", job.StatusURL}, {"cd-credit", "/api/v1/credit/import/jobs/0123456789abcdef01234567"}} {
			st, body := e.do(c.user, "GET", c.path, nil)
			wantAPIError(t, c.path+" as "+c.user, st, body, http.StatusNotFound, "not_found", "", "重新上传同一文件即可完成导入")
		}
	})
}
