package credit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/credit"
	"tongcheng/internal/platform"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// penaltyItem is a 行政处罚 record for the push API (flat, import field keys).
func penaltyItem(docNo, region, unitID, uscc, decided string) map[string]any {
	return map[string]any{
		"record_type": "行政处罚", "party_name": "成都蜀锦食品有限公司", "party_category": "法人及非法人组织", "uscc": uscc,
		"legal_rep": "王伟", "legal_rep_id_type": "身份证", "legal_rep_id": "510104198001011234",
		"doc_no": docNo, "violation_type": "生产经营超过保质期的食品", "facts": "经营超过保质期的预包装食品", "basis": "《中华人民共和国食品安全法》第一百二十四条",
		"penalty_kinds": "罚款", "penalty_content": "罚款人民币5000.00元", "fine_wan": 0.5, "decision_date": decided, "penalty_valid_until": "2027-11-10",
		"authority": "市场监督管理局", "authority_id": unitID, "source_unit": "市场监督管理局", "source_unit_id": unitID, "source_region": region, "severity": "一般",
	}
}

type pushResult struct {
	Accepted, Rejected int
	Items              []credit.PushItem
}

func TestPushScopeAndAudit(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cd := penaltyItem("锦市监罚〔2026〕11号", "510104", unitCD, usccA, "2026-11-10")
		st, body := e.do("dy-credit", "POST", "/api/v1/credit/records", []any{cd})
		if st != http.StatusForbidden || !strings.Contains(string(body), "不在您的辖区") {
			t.Fatalf("德阳 collector pushing a 成都 record: %d %s", st, body)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records"); n != 0 {
			t.Errorf("refused push stored %d records", n)
		}
		if n := e.audits("create"); n != 0 {
			t.Errorf("refused push audited %d creates", n)
		}
		bad := penaltyItem("锦市监罚〔2026〕12号", "510104", unitCD, wrongCheck(usccA), "2026-11-10")
		var res pushResult
		st, body = e.do("cd-credit", "POST", "/api/v1/credit/records", []any{cd, bad})
		if st != http.StatusOK {
			t.Fatalf("push: %d %s", st, body)
		}
		json.Unmarshal(body, &res)
		if res.Accepted != 1 || res.Rejected != 1 || !res.Items[0].OK || res.Items[1].OK || res.Items[1].Errors[0].Field != "统一社会信用代码" {
			t.Errorf("per-item results: %s", body)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE region = '510104'"); n != 1 {
			t.Errorf("stored %d records, want 1", n)
		}
		if n := e.audits("create"); n != 1 {
			t.Errorf("%d create audits, want 1", n)
		}
		// the same push again changes nothing
		e.do("cd-credit", "POST", "/api/v1/credit/records", []any{cd})
		if n := e.count("SELECT COUNT(*) FROM credit_records"); n != 1 {
			t.Errorf("re-push: %d records", n)
		}
		// an analyst may not push
		if st, _ := e.do("ms-analyst", "POST", "/api/v1/credit/subjects", []any{}); st != http.StatusForbidden {
			t.Errorf("analyst push: %d", st)
		}
	})
}

// seedSubjectAndRecords imports the subjects and pushes a 成都 and a 德阳 penalty of usccA.
func seedSubjectAndRecords(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.importFile("prov", "subjects.csv", []byte(subjectsCSV())); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ user, doc, region, unit string }{
		{"cd-credit", "锦市监罚〔2026〕21号", "510104", unitCD},
		{"dy-credit", "旌市监罚〔2026〕22号", "510603", unitDY},
	} {
		if st, body := e.do(p.user, "POST", "/api/v1/credit/records", []any{penaltyItem(p.doc, p.region, p.unit, usccA, "2026-11-02")}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
			t.Fatalf("push %s: %d %s", p.user, st, body)
		}
	}
}

func TestLookupAndCreditReport(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedSubjectAndRecords(t, e)
		before := e.audits("read_sensitive")
		st, body := e.do("ms-analyst", "GET", "/credit/?by=name&q=蜀锦", nil)
		if st != http.StatusOK || !strings.Contains(string(body), "成都蜀锦食品有限公司") {
			t.Fatalf("search by name: %d", st)
		}
		if n := e.audits("read_sensitive"); n != before+1 {
			t.Errorf("search wrote %d read_sensitive entries, want 1", n-before)
		}
		// exact code, lower case, by legal representative
		_, body = e.do("ms-analyst", "GET", "/credit/?by=uscc&q="+strings.ToLower(usccB), nil)
		contains(t, string(body), "德阳鑫达商贸有限公司")
		_, body = e.do("ms-analyst", "GET", "/credit/?by=legal_rep&q=李娜", nil)
		contains(t, string(body), "天府样例有限公司")

		var rep struct {
			Cities  []string
			Listed  bool
			Records []struct {
				LegalRepID string `json:"legal_rep_id"`
			}
			Penalties []json.RawMessage `json:"penalties_in_period"`
		}
		n0 := e.audits("read_sensitive")
		st, body = e.do("ms-analyst", "GET", "/api/v1/credit/subjects/"+usccA, nil)
		if st != http.StatusOK {
			t.Fatalf("report: %d %s", st, body)
		}
		json.Unmarshal(body, &rep)
		if strings.Join(rep.Cities, ",") != "成都市,德阳市" && strings.Join(rep.Cities, ",") != "德阳市,成都市" {
			t.Errorf("report cities %v, want 成都市 and 德阳市", rep.Cities)
		}
		if len(rep.Records) != 2 || len(rep.Penalties) != 2 {
			t.Errorf("report: %d records, %d penalties in period; want 2, 2", len(rep.Records), len(rep.Penalties))
		}
		for _, r := range rep.Records {
			if r.LegalRepID != "5101**********1234" {
				t.Errorf("ID number not masked in public view: %q", r.LegalRepID)
			}
		}
		if n := e.audits("read_sensitive"); n != n0+1 {
			t.Errorf("report wrote %d read_sensitive entries", n-n0)
		}
		// the owning collector sees the number of its own record
		_, body = e.do("cd-credit", "GET", "/credit/subjects/"+usccA, nil)
		contains(t, string(body), "510104198001011234", "5101**********1234", "成都市", "德阳市", "@media print", "公示期内的行政处罚")
		if st, _ := e.do("ms-analyst", "GET", "/credit/subjects/"+wrongCheck(usccA), nil); st != http.StatusNotFound {
			t.Errorf("unknown subject: %d", st)
		}
	})
}

// seedBulletinMonth stores the records of the bulletin's fixture month:
// October one 成都 record; November three 成都, one 德阳, and a file of 成都
// with 2 stored and 3 rejected rows.
func seedBulletinMonth(t *testing.T, e *env) {
	t.Helper()
	e.m.Now = func() time.Time { return time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC) }
	e.do("cd-credit", "POST", "/api/v1/credit/records", []any{penaltyItem("锦市监罚〔2026〕30号", "510104", unitCD, usccA, "2026-10-09")})
	e.m.Now = func() time.Time { return testNow }
	var items []any
	for i := 0; i < 3; i++ {
		items = append(items, penaltyItem(fmt.Sprintf("锦市监罚〔2026〕3%d号", i+1), "510104", unitCD, usccA, "2026-11-16"))
	}
	e.do("cd-credit", "POST", "/api/v1/credit/records", items)
	e.do("dy-credit", "POST", "/api/v1/credit/records", []any{penaltyItem("旌市监罚〔2026〕35号", "510603", unitDY, usccB, "2026-10-09")})
	if _, err := e.importFile("cd-credit", "p.xlsx", penaltiesXLSX(t)); err != nil { // 2 stored, 3 rejected rows
		t.Fatal(err)
	}
}

func TestBulletinPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedBulletinMonth(t, e)
		st, body := e.do("ms-analyst", "GET", "/credit/bulletin?month=2026-11", nil)
		if st != http.StatusOK {
			t.Fatalf("bulletin: %d", st)
		}
		// received 3 + 1 + 2 = 6; rejected: the 3 rows of the file; cumulative 7
		contains(t, string(body), `id="total-received">6<`, `id="total-rejected">3<`, `id="total-cumulative">7<`, `class="chart" data-chart="`, "成都市", "德阳市")
		if strings.Contains(string(body), "<script>") {
			t.Error("inline script in bulletin page")
		}
		st, x := e.do("ms-analyst", "GET", "/credit/bulletin.xlsx?month=2026-11", nil)
		if st != http.StatusOK {
			t.Fatalf("xlsx: %d", st)
		}
		f, err := excelize.OpenReader(bytes.NewReader(x))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("地市")
		last := rows[len(rows)-1]
		if len(rows) != 2+4+1 || last[1] != "合计" || last[2] != "6" || last[3] != "3" || last[4] != "7" {
			t.Errorf("xlsx 地市 sheet: %v", rows)
		}
		// 成都: 5 received in November (3 pushed + 2 imported), 德阳 1; 成都 ranks by score
		var cd []string
		for _, r := range rows[2:] {
			if r[1] == "成都市" {
				cd = r
			}
		}
		if cd == nil || cd[2] != "5" || cd[9] != "1" {
			t.Errorf("成都 line: %v", cd)
		}
	})
}

func TestUploadPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client("cd-credit")
		if resp, _ := c.get("/credit/import"); resp.StatusCode != http.StatusOK || c.csrf == "" {
			t.Fatalf("import page: %d", resp.StatusCode)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", c.csrf)
		fw, _ := mw.CreateFormFile("file", "penalties.xlsx")
		fw.Write(penaltiesXLSX(t))
		mw.Close()
		resp, err := c.Post(e.srv.URL+"/credit/import", mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/credit/batches/") {
			t.Fatalf("upload: %d %s", resp.StatusCode, loc)
		}
		_, page := c.get(loc)
		contains(t, page, `id="rows">5<`, `id="accepted">2<`, `id="rejected">3<`, "处罚决定日期", "rejects.csv")
		r2, err := c.Get(e.srv.URL + loc + "/rejects.csv")
		if err != nil {
			t.Fatal(err)
		}
		csvBody, _ := io.ReadAll(r2.Body)
		r2.Body.Close()
		lines := strings.Split(strings.TrimSpace(string(csvBody)), "\n")
		if r2.StatusCode != http.StatusOK || len(lines) != 4 || !strings.HasPrefix(lines[1], "4,数据来源地区,") || !strings.HasPrefix(lines[3], "6,处罚类别,") {
			t.Errorf("rejects.csv: %d %q", r2.StatusCode, csvBody)
		}
		// without the csrf field the upload is refused
		var b2 bytes.Buffer
		mw = multipart.NewWriter(&b2)
		fw, _ = mw.CreateFormFile("file", "x.xlsx")
		fw.Write(penaltiesXLSX(t))
		mw.Close()
		resp, _ = c.Post(e.srv.URL+"/credit/import", mw.FormDataContentType(), &b2)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("upload without csrf: %d", resp.StatusCode)
		}
	})
}

func TestDiscretionMethods(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
		rec := credit.Record{PartyName: "成都蜀锦食品有限公司", PartyCategory: credit.PartyOrg, USCC: strings.ToLower(usccA), LegalRep: "王伟",
			DocNo: "锦市监罚〔2026〕88号", DecisionDate: d("2026-09-01"), Authority: "锦江区市场监督管理局", AuthorityID: unitCD,
			SourceUnit: "锦江区市场监督管理局", SourceUnitID: unitCD, SourceRegion: "510104", Severity: credit.SeverityGeneral,
			Penalty: &credit.PenaltyDetail{ViolationType: "生产经营超过保质期的食品", Facts: "事实", Basis: "依据", Kinds: []string{"罚款"}, Content: "罚款", FineFen: 500000, ValidUntil: d("2027-09-01")}}
		if err := e.m.AcceptPenalty(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if err := e.m.AcceptPenalty(ctx, rec); err != nil { // idempotent
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE rtype = '行政处罚'"); n != 1 {
			t.Errorf("%d records, want 1", n)
		}
		got, err := e.m.PriorPenalties(ctx, usccA, "生产经营超过保质期的食品", d("2026-01-01"))
		if err != nil || len(got) != 1 || got[0].DocNo != "锦市监罚〔2026〕88号" || got[0].Region != "510104" || !got[0].DecidedOn.Equal(d("2026-09-01")) {
			t.Errorf("PriorPenalties: %+v %v", got, err)
		}
		if got, _ := e.m.PriorPenalties(ctx, usccA, "虚假广告", d("2026-01-01")); len(got) != 0 {
			t.Errorf("other kind: %+v", got)
		}
		if got, _ := e.m.PriorPenalties(ctx, usccA, "", d("2026-09-02")); len(got) != 0 {
			t.Errorf("since after decision: %+v", got)
		}
		bad := rec
		bad.DocNo = ""
		if err := e.m.AcceptPenalty(ctx, bad); err == nil {
			t.Error("record without 文书号 accepted")
		}
		// a natural person (ID number with a lower-case x) and two 个体工商户 without a
		// code (17个0加X, told apart by their 工商注册号) of the same kind
		person := rec
		person.DocNo, person.PartyName, person.PartyCategory, person.USCC, person.LegalRep = "锦市监罚〔2026〕89号", "王小明", credit.PartyPerson, "", ""
		person.IDType, person.IDNo = "身份证", "11010519491231002x"
		noCode1 := rec
		noCode1.DocNo, noCode1.PartyName, noCode1.PartyCategory, noCode1.USCC, noCode1.RegNo = "锦市监罚〔2026〕90号", "张记小吃店", credit.PartyIndividual, credit.NoCodePlaceholder, "510104600123456"
		noCode2 := noCode1
		noCode2.DocNo, noCode2.PartyName, noCode2.RegNo = "锦市监罚〔2026〕91号", "李记面馆", "510104600654321"
		for _, r := range []credit.Record{person, noCode1, noCode2} {
			if err := e.m.AcceptPenalty(ctx, r); err != nil {
				t.Fatalf("%s: %v", r.DocNo, err)
			}
		}
		if got, _ := e.m.PriorPenalties(ctx, "11010519491231002X", "生产经营超过保质期的食品", d("2026-01-01")); len(got) != 1 || got[0].DocNo != "锦市监罚〔2026〕89号" || got[0].SubjectID != "11010519491231002X" {
			t.Errorf("person's priors: %+v", got)
		}
		// an empty ID or the placeholder identifies no one: not the 4 penalties of
		// parties without a number or without a code
		for _, id := range []string{"", "  ", credit.NoCodePlaceholder, strings.ToLower(credit.NoCodePlaceholder)} {
			if got, err := e.m.PriorPenalties(ctx, id, "生产经营超过保质期的食品", d("2026-01-01")); err != nil || len(got) != 0 {
				t.Errorf("priors of %q: %d %+v %v", id, len(got), got, err)
			}
		}
	})
}

func TestDemoSmallAndHomeCards(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var out bytes.Buffer
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 7, &out); err != nil {
			t.Fatal(err)
		}
		if s, r, b := e.count("SELECT COUNT(*) FROM credit_subjects"), e.count("SELECT COUNT(*) FROM credit_records"), e.count("SELECT COUNT(*) FROM credit_blacklist"); s != 3000 || r != 500 || b != 20 {
			t.Fatalf("demo: %d subjects, %d records, %d blacklist", s, r, b)
		}
		if n := e.count("SELECT COUNT(DISTINCT city) FROM credit_records"); n != 4 {
			t.Errorf("records from %d cities, want 4", n)
		}
		if n := e.count("SELECT COUNT(DISTINCT SUBSTR(submitted_on, 1, 7)) FROM credit_records"); n < 5 {
			t.Errorf("records submitted in %d months, want several", n)
		}
		rows, err := db.Query(ctx, "SELECT uscc FROM credit_subjects")
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for rows.Next() {
			var c string
			rows.Scan(&c)
			if u, err := credit.ParseUSCC(c); err != nil || u.Flags != 0 {
				bad++
			}
		}
		rows.Close()
		if bad != 0 {
			t.Errorf("%d generated codes fail the checks", bad)
		}
		// same seed again: nothing new
		if err := e.m.Demo(ctx, e.a.Deps, platform.Small, 7, &out); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_subjects"); n != 3000 {
			t.Errorf("second demo run: %d subjects", n)
		}
		cards, err := e.m.HomeCards(ctx, e.users["ms-analyst"])
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != 4 || cards[0].Value != "3000" || cards[1].Value != "500" || cards[2].Value == "0" || cards[3].Value == "0" {
			t.Errorf("cards: %+v", cards)
		}
		st, body := e.do("ms-analyst", "GET", "/credit/bulletin", nil)
		if st != http.StatusOK || strings.Contains(string(body), `id="total-received">0<`) {
			t.Errorf("bulletin of the demo month is empty: %d", st)
		}
	})
}

func TestPublicView(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedSubjectAndRecords(t, e)
		// an old penalty whose publication period (一般: 1 year at most) has ended
		old := penaltyItem("锦市监罚〔2024〕9号", "510104", unitCD, usccA, "2024-01-10")
		old["penalty_valid_until"] = "2025-01-10"
		if st, body := e.do("cd-credit", "POST", "/api/v1/credit/records", []any{old}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
			t.Fatalf("push old: %d %s", st, body)
		}
		resp, err := http.Get(e.srv.URL + "/credit/public/" + usccA)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(b)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("public page without login: %d", resp.StatusCode)
		}
		contains(t, page, "锦市监罚〔2026〕21号", "旌市监罚〔2026〕22号", "5101**********1234")
		if strings.Contains(page, "510104198001011234") || strings.Contains(page, "锦市监罚〔2024〕9号") {
			t.Error("public view shows an unmasked ID number or a record past its publication period")
		}
		if n := e.audits("read_sensitive"); n != 1 {
			t.Errorf("public look-up: %d read_sensitive entries, want 1", n)
		}
	})
}

func TestCreditRepair(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedSubjectAndRecords(t, e)
		entry := map[string]any{"list_type": "市场监督管理严重违法失信名单", "name": "成都蜀锦食品有限公司", "uscc": usccA, "reason": "提交虚假材料取得许可",
			"legal_basis": "《市场监督管理严重违法失信名单管理办法》第二条", "authority": "成都市市场监督管理局", "doc_no": "成市监失〔2026〕1号",
			"listed_on": "2026-03-01", "planned_removal_on": "2029-03-01", "removal_conditions": "列入满一年且已履行义务的可申请移出", "source_region": "510100"}
		if st, body := e.do("cd-credit", "POST", "/api/v1/credit/blacklist", []any{entry}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
			t.Fatalf("push blacklist: %d %s", st, body)
		}
		listed := func() bool {
			var rep struct{ Listed bool }
			_, body := e.do("ms-analyst", "GET", "/api/v1/credit/subjects/"+usccA, nil)
			json.Unmarshal(body, &rep)
			return rep.Listed
		}
		if !listed() {
			t.Fatal("entry not in force")
		}
		id := e.count("SELECT id FROM credit_blacklist")
		// 德阳 may not handle a 成都 entry
		if st, _ := e.do("dy-credit", "POST", "/api/v1/credit/repairs", map[string]any{"target_type": "blacklist", "target_id": id, "applicant": "王伟", "reason": "已纠正"}); st != http.StatusForbidden {
			t.Errorf("德阳 applying for a 成都 entry: %d", st)
		}
		var rep struct {
			ID    int64
			State string
		}
		st, body := e.do("cd-credit", "POST", "/api/v1/credit/repairs", map[string]any{"target_type": "blacklist", "target_id": id, "applicant": "王伟", "reason": "已履行义务并纠正失信行为", "evidence": "罚款缴纳凭证、守信承诺书"})
		if st != http.StatusCreated {
			t.Fatalf("apply: %d %s", st, body)
		}
		json.Unmarshal(body, &rep)
		path := fmt.Sprintf("/api/v1/credit/repairs/%d/", rep.ID)
		// approving and refusing are the reviewing role's (credit:reviewer or credit:admin)
		e.addUser("cd-reviewer", "510100", "credit:reviewer")
		if st, _ := e.do("cd-reviewer", "POST", path+"remove", map[string]any{}); st != http.StatusBadRequest {
			t.Errorf("remove before review: %d", st)
		}
		e.do("cd-credit", "POST", path+"review", map[string]any{})
		if st, _ := e.do("cd-reviewer", "POST", path+"refuse", map[string]any{}); st != http.StatusBadRequest {
			t.Errorf("refuse without a reason: %d", st)
		}
		if st, _ := e.do("cd-credit", "POST", path+"remove", map[string]any{"note": "符合移出条件"}); st != http.StatusForbidden {
			t.Errorf("collector approving: %d", st)
		}
		st, body = e.do("cd-reviewer", "POST", path+"remove", map[string]any{"note": "符合移出条件"})
		json.Unmarshal(body, &rep)
		if st != http.StatusOK || rep.State != string(credit.RepairRemoved) {
			t.Fatalf("remove: %d %s", st, body)
		}
		if listed() {
			t.Error("entry still in force after an approved repair")
		}
		// re-pushing the department's entry does not undo the repair
		e.do("cd-credit", "POST", "/api/v1/credit/blacklist", []any{entry})
		if listed() {
			t.Error("re-push undid the repair")
		}
		if steps := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'credit' AND object_type = 'repair'"); steps != 3 {
			t.Errorf("%d audited repair steps, want 3 (apply, review, remove)", steps)
		}
		// a record's repair must wait for its minimum publication period (一般: 3 months)
		rid := e.count("SELECT id FROM credit_records WHERE region = '510104'")
		st, body = e.do("cd-credit", "POST", "/api/v1/credit/repairs", map[string]any{"target_type": "record", "target_id": rid, "applicant": "王伟", "reason": "已整改"})
		if st != http.StatusBadRequest || !strings.Contains(string(body), "最短公示期") {
			t.Errorf("early record repair: %d %s", st, body)
		}
	})
}

// TestReportOfUnregisteredCode: a company registered outside the four cities
// (a 重庆 code) penalised and listed in 成都 is not among the library's
// subjects; looked up by its code before a licence, it is still found, and
// its report shows the penalty in its period and the listing, saying why the
// registration details are missing. A valid code known nowhere is not found.
func TestReportOfUnregisteredCode(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cq := credit.MakeUSCC("91", "500103", "20000099") // 重庆市渝中区
		p := penaltyItem("锦市监罚〔2026〕71号", "510104", unitCD, cq, "2026-10-09")
		p["party_name"] = "重庆渝味餐饮管理有限公司"
		if st, body := e.do("cd-credit", "POST", "/api/v1/credit/records", []any{p}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
			t.Fatalf("push: %d %s", st, body)
		}
		bl := blEntry("成市监失〔2026〕71号", "510100", "2026-10-20", "")
		bl["uscc"], bl["name"] = cq, "重庆渝味餐饮管理有限公司"
		if st, body := e.do("cd-credit", "POST", "/api/v1/credit/blacklist", []any{bl}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
			t.Fatalf("push blacklist: %d %s", st, body)
		}
		before := e.audits("read_sensitive")
		st, body := e.do("ms-analyst", "GET", "/credit/?by=uscc&q="+strings.ToLower(cq), nil)
		if st != http.StatusOK {
			t.Fatalf("search: %d", st)
		}
		contains(t, string(body), "重庆渝味餐饮管理有限公司", `href="/credit/subjects/`+cq+`"`)
		var rep struct {
			Registered bool
			Notes      []string
			Listed     bool
			Penalties  []json.RawMessage `json:"penalties_in_period"`
			Subject    struct{ Name string }
		}
		st, body = e.do("ms-analyst", "GET", "/api/v1/credit/subjects/"+cq, nil)
		if st != http.StatusOK {
			t.Fatalf("report: %d %s", st, body)
		}
		json.Unmarshal(body, &rep)
		if rep.Registered || !rep.Listed || len(rep.Penalties) != 1 || rep.Subject.Name != "重庆渝味餐饮管理有限公司" || len(rep.Notes) != 1 || rep.Notes[0] != credit.UnregisteredNote {
			t.Errorf("report: %s", body)
		}
		_, page := e.do("ms-analyst", "GET", "/credit/subjects/"+cq, nil)
		contains(t, string(page), credit.UnregisteredNote, "严重失信主体名单：<strong class=\"bad\">在列</strong>", "锦市监罚〔2026〕71号")
		resp, err := http.Get(e.srv.URL + "/credit/public/" + cq)
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("public view: %d", resp.StatusCode)
		}
		contains(t, string(pb), credit.UnregisteredNote, "锦市监罚〔2026〕71号", "成市监失〔2026〕71号")
		if n := e.audits("read_sensitive"); n != before+4 {
			t.Errorf("%d sensitive reads audited, want 4 (search, report ×2, public view)", n-before)
		}
		// a valid code known nowhere
		none := credit.MakeUSCC("91", "500103", "20000098")
		if st, _ := e.do("ms-analyst", "GET", "/api/v1/credit/subjects/"+none, nil); st != http.StatusNotFound {
			t.Errorf("unknown code: %d", st)
		}
		if _, body := e.do("ms-analyst", "GET", "/credit/?by=uscc&q="+none, nil); strings.Contains(string(body), `href="/credit/subjects/`+none) ||
			!strings.Contains(string(body), "四市的市场主体、行政管理信息和严重失信主体名单中都没有代码为 "+none+" 的主体") {
			t.Error("a code known nowhere is listed, or not said to be unknown")
		}
		// a mistyped code says what is wrong with it
		_, body = e.do("ms-analyst", "GET", "/credit/?by=uscc&q="+wrongCheck(cq), nil)
		contains(t, string(body), "不是有效的统一社会信用代码：第18位校验码应为")
	})
}

// TestFutureDecisionRefused: a decision date after the day of submission (2062
// typed for 2026) would keep the penalty out of public view and out of the
// credit report for decades; pushed or in a file, the record is refused with
// the reason, and the rest is stored.
func TestFutureDecisionRefused(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var res pushResult
		future := penaltyItem("锦市监罚〔2026〕81号", "510104", unitCD, usccA, "2062-11-02")
		future["penalty_valid_until"] = "2063-11-02"
		st, body := e.do("cd-credit", "POST", "/api/v1/credit/records", []any{
			future,
			penaltyItem("锦市监罚〔2026〕82号", "510104", unitCD, usccA, "2026-11-20"), // today: fine
		})
		json.Unmarshal(body, &res)
		if st != http.StatusOK || res.Accepted != 1 || len(res.Items) != 2 || res.Items[0].OK || len(res.Items[0].Errors) != 1 ||
			res.Items[0].Errors[0].Field != "处罚决定日期" || res.Items[0].Errors[0].Reason != "“2062-11-02”晚于报送日期 2026-11-20，决定日期不能在将来，请核对年份" {
			t.Errorf("push: %d %s", st, body)
		}
		file := []byte(strings.Join([]string{
			"行政相对人名称,行政相对人类别,统一社会信用代码,法定代表人,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,处罚内容,罚款金额(万元),处罚决定日期,处罚有效期,处罚机关,处罚机关统一社会信用代码,数据来源单位,数据来源单位统一社会信用代码,数据来源地区,失信等级",
			"成都蜀锦食品有限公司,法人及非法人组织," + usccA + ",王伟,锦市监罚〔2026〕83号,食品安全,经营超过保质期的食品,食品安全法第一百二十四条,罚款,罚款5000元,0.5,2062-11-03,2063-11-03,锦江区市场监督管理局," + unitCD + ",锦江区市场监督管理局," + unitCD + ",510104,一般",
			"成都蜀锦食品有限公司,法人及非法人组织," + usccA + ",王伟,锦市监罚〔2026〕84号,食品安全,经营超过保质期的食品,食品安全法第一百二十四条,罚款,罚款5000元,0.5,2026-11-03,2027-11-03,锦江区市场监督管理局," + unitCD + ",锦江区市场监督管理局," + unitCD + ",510104,一般",
		}, "\n") + "\n")
		out, err := e.importFile("cd-credit", "p.csv", file)
		if err != nil || !strings.Contains(out, "保存 1 行，拒收 1 行") || !strings.Contains(out, "第2行 处罚决定日期：“2062-11-03”晚于报送日期 2026-11-20，决定日期不能在将来，请核对年份") {
			t.Errorf("import: %v %s", err, out)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE decision_date > '2026-11-20'"); n != 0 {
			t.Errorf("%d records dated in the future stored", n)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records"); n != 2 {
			t.Errorf("%d records stored, want 2", n)
		}
	})
}
