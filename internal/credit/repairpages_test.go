package credit_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// addUser creates a further login for one test.
func (e *env) addUser(name, reg, roles string) {
	e.t.Helper()
	nu, err := e.a.Deps.Auth.Create(context.Background(), auth.NewUser{Username: name, DisplayName: name, Password: pw, Region: reg, Roles: roles})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.a.Deps.Auth.CreateToken(context.Background(), nu.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	e.users[name], e.tokens[name] = nu, tok
}

// post sends a form with the session's CSRF token; it returns status, Location and body.
func (c *client) post(path string, form url.Values) (int, string, string) {
	c.e.t.Helper()
	// the token of the login page is replaced at login: take the session's own
	_, page := c.get("/credit/")
	if m := metaCSRF.FindStringSubmatch(page); m != nil {
		c.csrf = m[1]
	}
	form.Set("csrf", c.csrf)
	resp, err := c.PostForm(c.e.srv.URL+path, form)
	if err != nil {
		c.e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

var metaCSRF = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

func blEntry(doc, reg, listed, planned string) map[string]any {
	return map[string]any{"list_type": "市场监督管理严重违法失信名单", "name": "成都蜀锦食品有限公司", "uscc": usccA, "reason": "提交虚假材料取得许可",
		"legal_basis": "《市场监督管理严重违法失信名单管理办法》第二条", "authority": "市场监督管理局", "doc_no": doc,
		"listed_on": listed, "planned_removal_on": planned, "removal_conditions": "列入满一年且已履行义务的可申请移出", "source_region": reg}
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestEntryStatus: a blacklist entry is 严重失信 information, public for at most
// 3 years from listing (国办发〔2025〕22号: 严重 1–3 years), or until its
// planned removal, recorded removal or credit repair, whichever is first.
func TestEntryStatus(t *testing.T) {
	e := func(listed, planned, removed, repaired string) *credit.StoredEntry {
		s := &credit.StoredEntry{BlacklistEntry: credit.BlacklistEntry{ListedOn: day(listed), RemovalReason: "撤销"}}
		if planned != "" {
			s.PlannedRemovalOn = day(planned)
		}
		if removed != "" {
			s.RemovedOn = day(removed)
		}
		if repaired != "" {
			s.RepairedOn = day(repaired)
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		entry  *credit.StoredEntry
		on     string
		public bool
		text   string
		end    string
	}{
		{"last day of the 3 years", e("2023-11-20", "", "", ""), "2026-11-19", true, "公示中", "2026-11-19"},
		{"3 years over", e("2023-11-20", "", "", ""), "2026-11-20", false, "公示期满（严重失信信息最长公示3年）", "2026-11-19"},
		{"planned removal day is still public", e("2025-01-10", "2026-11-20", "", ""), "2026-11-20", true, "公示中", "2026-11-20"},
		{"after planned removal", e("2025-01-10", "2026-11-19", "", ""), "2026-11-20", false, "已期满移出", "2026-11-19"},
		{"planned removal beyond 3 years is capped", e("2023-01-10", "2027-01-10", "", ""), "2026-11-20", false, "公示期满（严重失信信息最长公示3年）", "2026-01-09"},
		{"removed", e("2025-01-10", "", "2026-05-01", ""), "2026-11-20", false, "已移出（撤销）", "2026-04-30"},
		{"repaired", e("2025-01-10", "2028-01-10", "", "2026-11-20"), "2026-11-20", false, "已移出（信用修复）", "2026-11-19"},
		{"not yet listed", e("2026-12-01", "", "", ""), "2026-11-20", false, "尚未开始公示（列入日期 2026-12-01）", "2029-11-30"},
	} {
		st := credit.EntryStatus(tc.entry, day(tc.on))
		if st.Public != tc.public || st.Text != tc.text || credit.FormatDate(st.End) != tc.end {
			t.Errorf("%s: %+v, want %v %q %s", tc.name, st, tc.public, tc.text, tc.end)
		}
	}
}

// TestRepairPages walks the blacklist pages and a credit repair from the
// application form through the review queue: filters, scope (a 德阳 clerk
// cannot act on a 成都 entry), Chinese refusals that change nothing, the
// reviewing role, each step audited, and the entry leaving public view.
func TestRepairPages(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("cd-reviewer", "510100", "credit:reviewer")
		e.addUser("dy-reviewer", "510600", "credit:reviewer")
		seedSubjectAndRecords(t, e)
		for _, p := range []struct {
			user  string
			entry map[string]any
		}{
			{"cd-credit", blEntry("成市监失〔2026〕1号", "510100", "2026-03-01", "2029-03-01")}, // public
			{"dy-credit", blEntry("德市监失〔2025〕7号", "510600", "2025-06-01", "")},           // public, 德阳
			{"cd-credit", blEntry("成市监失〔2023〕5号", "510100", "2023-06-01", "")},           // 3 years over on 2026-06-01
			{"cd-credit", blEntry("成市监失〔2024〕3号", "510100", "2024-10-01", "2026-10-01")}, // planned removal passed
		} {
			if st, body := e.do(p.user, "POST", "/api/v1/credit/blacklist", []any{p.entry}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
				t.Fatalf("push blacklist: %d %s", st, body)
			}
		}
		idOf := func(doc string) int { return e.count("SELECT id FROM credit_blacklist WHERE doc_no = ?", doc) }
		a, b, old := idOf("成市监失〔2026〕1号"), idOf("德市监失〔2025〕7号"), idOf("成市监失〔2023〕5号")

		// the list: public by default, filters by city, list type and state
		an := e.client("ms-analyst")
		resp, page := an.get("/credit/blacklist")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", resp.StatusCode)
		}
		contains(t, page, `id="bl-total">2<`, "成市监失〔2026〕1号", "德市监失〔2025〕7号", `href="/credit/repairs"`, `href="/credit/blacklist/`)
		_, page = an.get("/credit/blacklist")
		for _, doc := range []string{"成市监失〔2023〕5号", "成市监失〔2024〕3号"} {
			if strings.Contains(page, fmt.Sprintf(`data-id="%d"`, idOf(doc))) {
				t.Errorf("public list shows %s, whose publication has ended", doc)
			}
		}
		_, page = an.get("/credit/blacklist?state=out")
		contains(t, page, `id="bl-total">2<`, "公示期满（严重失信信息最长公示3年）", "已期满移出", fmt.Sprintf(`data-id="%d"`, old))
		_, page = an.get("/credit/blacklist?city=510600&state=all")
		contains(t, page, `id="bl-total">1<`, fmt.Sprintf(`data-id="%d"`, b))
		_, page = an.get("/credit/blacklist?list_type=" + url.QueryEscape("拖欠农民工工资失信联合惩戒对象名单") + "&state=all")
		contains(t, page, `id="bl-total">0<`, "没有符合条件的记录")
		if resp, page := an.get("/credit/blacklist?city=510104"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "请从列表中选择成都、德阳、眉山或资阳") {
			t.Errorf("county as city filter: %d", resp.StatusCode)
		}
		// the entry page offers the application to the owner's clerk only
		cd, dy := e.client("cd-credit"), e.client("dy-credit")
		_, page = cd.get(fmt.Sprintf("/credit/blacklist/%d", a))
		contains(t, page, "公示中", "申请信用修复", fmt.Sprintf("target_type=blacklist&amp;target_id=%d", a))
		_, page = dy.get(fmt.Sprintf("/credit/blacklist/%d", a))
		contains(t, page, "信用修复由其所属地的信用部门受理")
		if strings.Contains(page, `id="apply-link"`) {
			t.Error("德阳 clerk offered to apply for a 成都 entry")
		}
		_, page = cd.get(fmt.Sprintf("/credit/blacklist/%d", old))
		contains(t, page, "公示期满", "不在公示期内，无需修复")
		if resp, _ := dy.get(fmt.Sprintf("/credit/repairs/new?target_type=blacklist&target_id=%d", a)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("德阳 clerk opening the form for a 成都 entry: %d", resp.StatusCode)
		}
		if resp, _ := cd.get(fmt.Sprintf("/credit/repairs/new?target_type=blacklist&target_id=%d", a)); resp.StatusCode != http.StatusOK {
			t.Errorf("form: %d", resp.StatusCode)
		}

		repairs := func() int { return e.count("SELECT COUNT(*) FROM credit_repairs") }
		repairAudits := func() int {
			return e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'credit' AND object_type = 'repair'")
		}
		form := func(id int, applicant, reason, evidence string) url.Values {
			return url.Values{"target_type": {"blacklist"}, "target_id": {fmt.Sprint(id)}, "applicant": {applicant}, "applicant_role": {"法定代表人（负责人）"}, "reason": {reason}, "evidence": {evidence}}
		}
		// bad input: every missing field named in Chinese, nothing stored
		st, _, page := cd.post("/credit/repairs", form(a, " ", "", ""))
		if st != http.StatusBadRequest {
			t.Fatalf("empty application: %d", st)
		}
		contains(t, page, "申请人：不能为空", "修复理由：不能为空", "证明材料：不能为空", `id="apply-form"`)
		bad := form(a, "王伟", "已纠正", "缴款凭证")
		bad.Set("applicant_role", "路人")
		if st, _, page := cd.post("/credit/repairs", bad); st != http.StatusBadRequest || !strings.Contains(page, "申请人身份：“路人”不可用") {
			t.Errorf("unknown applicant role: %d", st)
		}
		if st, _, page := dy.post("/credit/repairs", form(a, "王伟", "已纠正", "缴款凭证")); st != http.StatusForbidden || !strings.Contains(page, "不在您的辖区") {
			t.Errorf("德阳 clerk applying for a 成都 entry: %d", st)
		}
		if st, _, page := cd.post("/credit/repairs", form(old, "王伟", "已纠正", "缴款凭证")); st != http.StatusBadRequest || !strings.Contains(page, "已不在公示期内") {
			t.Errorf("applying for an entry out of publication: %d", st)
		}
		if n := repairs(); n != 0 {
			t.Fatalf("refused applications stored %d rows", n)
		}
		if n := repairAudits(); n != 0 {
			t.Fatalf("refused applications audited %d times", n)
		}
		// a good application
		st, loc, _ := cd.post("/credit/repairs", form(a, "成都蜀锦食品有限公司", "已缴清罚款并完成整改", "信用修复申请书、守信承诺书、罚款缴纳凭证、整改报告"))
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/credit/repairs/") {
			t.Fatalf("apply: %d %s", st, loc)
		}
		rid := e.count("SELECT id FROM credit_repairs")
		rpath := fmt.Sprintf("/credit/repairs/%d", rid)
		_, page = cd.get(loc)
		contains(t, page, "已登记，等待审核", `id="repair-state">已申请<`, "守信承诺书", "法定代表人（负责人）", `id="review-form"`)
		if st, _, page := cd.post("/credit/repairs", form(a, "成都蜀锦食品有限公司", "再次申请", "同上")); st != http.StatusConflict || !strings.Contains(page, fmt.Sprintf("第%d号", rid)) {
			t.Errorf("second open application: %d", st)
		}
		// the queue shows it inside 成都 only
		rv := e.client("cd-reviewer")
		_, page = rv.get("/credit/repairs")
		contains(t, page, fmt.Sprintf(`data-id="%d"`, rid), "成都蜀锦食品有限公司")
		_, page = e.client("dy-reviewer").get("/credit/repairs")
		if strings.Contains(page, fmt.Sprintf(`data-id="%d"`, rid)) {
			t.Error("德阳 reviewer's queue shows a 成都 application")
		}
		if resp, page := an.get("/credit/repairs"); resp.StatusCode != http.StatusOK || strings.Contains(page, fmt.Sprintf(`data-id="%d"`, rid)) {
			t.Errorf("眉山 analyst's queue: %d, shows the 成都 application: %v", resp.StatusCode, strings.Contains(page, fmt.Sprintf(`data-id="%d"`, rid)))
		}
		if resp, _ := e.client("dy-reviewer").get(rpath); resp.StatusCode != http.StatusForbidden {
			t.Errorf("德阳 reviewer opening a 成都 application: %d", resp.StatusCode)
		}
		// 受理 by the clerk; deciding is the reviewer's
		if st, _, _ := cd.post(rpath+"/review", url.Values{"note": {"材料齐全"}}); st != http.StatusSeeOther {
			t.Fatalf("review: %d", st)
		}
		if st, _, page := cd.post(rpath+"/remove", url.Values{"note": {"同意"}}); st != http.StatusForbidden || !strings.Contains(page, "信用审核人员决定") {
			t.Errorf("clerk approving: %d", st)
		}
		dyr := e.client("dy-reviewer")
		if st, _, page := dyr.post(rpath+"/remove", url.Values{"note": {"同意"}}); st != http.StatusForbidden || !strings.Contains(page, "不在您的辖区") {
			t.Errorf("德阳 reviewer approving a 成都 application: %d", st)
		}
		if st, _, page := rv.post(rpath+"/refuse", url.Values{"note": {" "}}); st != http.StatusBadRequest || !strings.Contains(page, "不予修复理由：不能为空") {
			t.Errorf("refusing without a reason: %d", st)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_repairs WHERE state = ?", string(credit.RepairReviewing)); n != 1 {
			t.Fatalf("refused steps changed the state: %d under review", n)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_blacklist WHERE repaired_on <> ''"); n != 0 {
			t.Fatalf("refused steps repaired %d entries", n)
		}
		_, page = rv.get(rpath)
		contains(t, page, `id="repair-state">审核中<`, `id="remove-form"`, `id="refuse-form"`, "材料齐全")
		st, loc, _ = rv.post(rpath+"/remove", url.Values{"note": {"已履行义务，符合移出条件"}})
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/credit/repairs?ok=") {
			t.Fatalf("approve: %d %s", st, loc)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_blacklist WHERE id = ? AND repaired_on = '2026-11-20'", a); n != 1 {
			t.Error("approved repair did not remove the entry on the day")
		}
		if n := repairAudits(); n != 3 {
			t.Errorf("%d audited repair steps, want 3 (apply, review, remove)", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'credit' AND object_type = 'repair' AND action = 'update' AND username = 'cd-reviewer' AND detail LIKE ?", "%已履行义务%"); n != 1 {
			t.Errorf("approval audit entry with the reviewer and the opinion: %d", n)
		}
		_, page = cd.get(fmt.Sprintf("/credit/blacklist/%d", a))
		contains(t, page, `id="entry-status">已移出（信用修复）<`, "信用修复移出日期")
		_, page = an.get("/credit/blacklist")
		if strings.Contains(page, fmt.Sprintf(`data-id="%d"`, a)) {
			t.Error("repaired entry still in the public list")
		}
		_, page = an.get("/credit/blacklist?state=out")
		contains(t, page, fmt.Sprintf(`data-id="%d"`, a), "已移出（信用修复）")
		pub, err := http.Get(e.srv.URL + "/credit/public/" + usccA)
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := io.ReadAll(pub.Body)
		pub.Body.Close()
		if strings.Contains(string(pb), "成市监失〔2026〕1号") || !strings.Contains(string(pb), "德市监失〔2025〕7号") {
			t.Error("public view: the repaired entry is shown or the 德阳 entry in force is missing")
		}

		// the one who entered an application may not decide it
		st, loc, _ = e.client("prov").post("/credit/repairs", form(b, "成都蜀锦食品有限公司", "已履行", "缴款凭证"))
		if st != http.StatusSeeOther {
			t.Fatalf("province applies: %d", st)
		}
		pv := e.client("prov")
		if st, _, _ := pv.post(strings.Split(loc, "?")[0]+"/review", url.Values{}); st != http.StatusSeeOther {
			t.Fatalf("province reviews: %d", st)
		}
		if st, _, page := pv.post(strings.Split(loc, "?")[0]+"/remove", url.Values{"note": {"同意"}}); st != http.StatusForbidden || !strings.Contains(page, "由您录入") {
			t.Errorf("deciding one's own application: %d", st)
		}
		if st, _, _ := dyr.post(strings.Split(loc, "?")[0]+"/refuse", url.Values{"note": {"未提交罚款缴纳凭证原件"}}); st != http.StatusSeeOther {
			t.Errorf("德阳 reviewer refuses: %d", st)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_blacklist WHERE id = ? AND repaired_on = ''", b); n != 1 {
			t.Error("refused repair changed the entry")
		}
		_, page = dyr.get("/credit/repairs?state=" + url.QueryEscape("不予修复"))
		contains(t, page, "德市监失〔2025〕7号")
		if resp, page := dyr.get("/credit/repairs?state=x"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "办理状态") {
			t.Errorf("unknown state filter: %d", resp.StatusCode)
		}
	})
}

// TestRecordRepairFromReport: an adverse record is repaired from the credit
// report once its minimum publication period is over (一般: 3 months,
// 国办发〔2025〕22号), and leaves the public view; 轻微 records leave it by
// themselves after 3 months.
func TestRecordRepairFromReport(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addUser("cd-reviewer", "510100", "credit:reviewer")
		seedSubjectAndRecords(t, e)
		general := penaltyItem("锦市监罚〔2026〕5号", "510104", unitCD, usccA, "2026-08-20") // 一般: may apply from 2026-11-20
		minorOut := penaltyItem("锦市监罚〔2026〕6号", "510104", unitCD, usccA, "2026-08-20")
		minorOut["severity"] = "轻微" // public 2026-08-20 … 2026-11-19
		minorIn := penaltyItem("锦市监罚〔2026〕7号", "510104", unitCD, usccA, "2026-08-21")
		minorIn["severity"] = "轻微" // public until 2026-11-20
		if st, body := e.do("cd-credit", "POST", "/api/v1/credit/records", []any{general, minorOut, minorIn}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":3`) {
			t.Fatalf("push: %d %s", st, body)
		}
		rid := e.count("SELECT id FROM credit_records WHERE doc_no = '锦市监罚〔2026〕5号'")
		early := e.count("SELECT id FROM credit_records WHERE doc_no = '锦市监罚〔2026〕21号'") // 2026-11-02, 一般
		cd := e.client("cd-credit")
		_, page := cd.get("/credit/subjects/" + usccA)
		contains(t, page, fmt.Sprintf("target_type=record&amp;target_id=%d", rid), "锦市监罚〔2026〕7号")
		// the report lists every record once; penalties still public once more
		if n := strings.Count(page, "锦市监罚〔2026〕6号"); n != 1 {
			t.Errorf("轻微 penalty past its 3 months shown %d times, want 1 (not among penalties in their period)", n)
		}
		if n := strings.Count(page, "锦市监罚〔2026〕7号"); n != 2 {
			t.Errorf("轻微 penalty on its last public day shown %d times, want 2", n)
		}
		if st, _, page := cd.post("/credit/repairs", url.Values{"target_type": {"record"}, "target_id": {fmt.Sprint(early)}, "applicant": {"王伟"}, "reason": {"已整改"}, "evidence": {"整改报告"}}); st != http.StatusBadRequest || !strings.Contains(page, "最短公示期至2027-02-02届满") {
			t.Errorf("early application: %d", st)
		}
		st, loc, _ := cd.post("/credit/repairs", url.Values{"target_type": {"record"}, "target_id": {fmt.Sprint(rid)}, "applicant": {"王伟"}, "applicant_role": {"委托代理人"}, "reason": {"已缴清罚款"}, "evidence": {"罚款缴纳凭证、守信承诺书"}})
		if st != http.StatusSeeOther {
			t.Fatalf("apply: %d", st)
		}
		path := strings.Split(loc, "?")[0]
		rv := e.client("cd-reviewer")
		for _, step := range []string{"review", "remove"} {
			if st, _, page := rv.post(path+"/"+step, url.Values{"note": {"同意"}}); st != http.StatusSeeOther {
				t.Fatalf("%s: %d %.300s", step, st, page)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE id = ? AND repaired_on = '2026-11-20'", rid); n != 1 {
			t.Error("repair did not end the record's publication")
		}
		resp, err := http.Get(e.srv.URL + "/credit/public/" + usccA)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pub := string(b)
		if strings.Contains(pub, "锦市监罚〔2026〕5号") || strings.Contains(pub, "锦市监罚〔2026〕6号") || !strings.Contains(pub, "锦市监罚〔2026〕7号") {
			t.Error("public view: repaired or expired penalty shown, or the 轻微 penalty on its last day missing")
		}
		// the next day the last 轻微 penalty has left public view too
		e.m.Now = func() time.Time { return testNow.Add(24 * time.Hour) }
		resp, _ = http.Get(e.srv.URL + "/credit/public/" + usccA)
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), "锦市监罚〔2026〕7号") {
			t.Error("轻微 penalty still public after 3 months")
		}
	})
}
