package discretion_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/discretion"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// step records a step as user and returns the status and the error body.
func (e *env) step(user string, id int64, kind, date, detail, outcome string) (int, apiErr) {
	e.t.Helper()
	var er apiErr
	code := e.api(user, "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/steps", id), discretion.StepInput{Kind: kind, Date: date, Detail: detail, Outcome: outcome}, &er)
	return code, er
}

func (e *env) approve(user string, id int64) (int, caseOut, apiErr) {
	e.t.Helper()
	var c caseOut
	var er apiErr
	path := fmt.Sprintf("/api/v1/discretion/cases/%d/approve", id)
	code := e.api(user, "POST", path, nil, &c)
	if code != 200 {
		e.api(user, "GET", fmt.Sprintf("/api/v1/discretion/cases/%d", id), nil, nil)
		e.api(user, "POST", path, nil, &er) // the same refusal again, decoded as an error
	}
	return code, c, er
}

// TestDecisionGoesToCreditLibrary: deciding a case puts its penalty into the shared credit library
// as a 行政处罚 record with the 双公示 fields, in the deciding transaction; the subject's credit
// report lists it with the right amounts; 首违不罚 of a later case finds it (once, although it is
// both a decided case and a credit record); a retry never duplicates it.
//
// Case: 食品安全法 第一百二十四条第一款第（五）项, 货值金额 20,000.00 元, the hand-worked fine of
// TestComputeHandWorked: 365,926.00 元 (从重: 货值金额2万元以上 is 情节严重 by 食品安全法实施条例第六十七条第一款第（一）项). 违法所得 3,000.00 元 is confiscated (第一百二十四条:
// 没收违法所得). Severity 一般 → 公示 3 months to 1 year (国办发〔2025〕22号): 处罚有效期 2027-11-19.
func TestDecisionGoesToCreditLibrary(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		subject := credit.MakeUSCC("91", "510104", "20000031")
		// the company is registered in the library (登记 data of 成都)
		nu, err := e.a.Deps.Auth.Create(ctx, auth.NewUser{Username: "cd-credit", Password: pw, Region: "510100", Roles: "credit:collector"})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens["cd-credit"], _, _ = e.a.Deps.Auth.CreateToken(ctx, nu.ID, "t")
		var push any
		if code := e.api("cd-credit", "POST", "/api/v1/credit/subjects", []map[string]string{{"统一社会信用代码": subject, "主体名称": "成都蜀都鲜品超市有限公司",
			"主体类型": "企业", "法定代表人": "张三", "注册地址": "成都市锦江区测试路1号", "所属地市": "510100", "所属区县": "510104", "登记状态": "存续", "成立日期": "2015-03-02"}}, &push); code != 200 && code != 201 {
			t.Fatalf("push subject: %d %v", code, push)
		}

		in := expiredFood(2_000_000)
		in["amounts"] = map[string]any{"goods_value": map[string]any{"fen": 2_000_000, "set": true}, "illegal_gains": map[string]any{"fen": 300_000, "set": true}}
		id := e.createCase("cd-officer", in, subject, true)
		e.ready("cd-officer", id)
		code, c, er := e.approve("cd-reviewer", id)
		if code != 200 {
			t.Fatalf("approve: %d %+v", code, er)
		}
		if c.DecisionNo != "成市监处罚〔2026〕1号" || c.FineFen != 36_592_600 || c.ConfiscatedFen != 300_000 || c.Authority != "成都市市场监督管理局" {
			t.Fatalf("decided case: no %q fine %d confiscated %d authority %q", c.DecisionNo, c.FineFen, c.ConfiscatedFen, c.Authority)
		}
		// the credit report of the subject lists the penalty
		var rep credit.Report
		if code := e.api("cd-credit", "GET", "/api/v1/credit/subjects/"+subject, nil, &rep); code != 200 {
			t.Fatalf("credit report: %d", code)
		}
		if len(rep.Penalties) != 1 {
			t.Fatalf("penalties in the report: %+v", rep.Penalties)
		}
		r := rep.Penalties[0]
		if r.DocNo != "成市监处罚〔2026〕1号" || r.Penalty == nil || r.Penalty.FineFen != 36_592_600 || r.Penalty.ConfiscatedFen != 300_000 ||
			r.Penalty.ViolationType != "食品安全" || r.Authority != "成都市市场监督管理局" || r.AuthorityID != cdBureau || r.SourceUnitID != cdBureau ||
			r.LegalRep != "张三" || r.Severity != credit.SeverityGeneral || credit.FormatDate(r.DecisionDate) != "2026-11-20" ||
			credit.FormatDate(r.Penalty.ValidUntil) != "2027-11-19" || !strings.Contains(r.Penalty.Basis, "第一百二十四条") ||
			strings.Join(r.Penalty.Kinds, ",") != "罚款,没收违法所得,没收非法财物,吊销许可证件" || // 情节严重的，吊销许可证 (第一百二十四条, 第六十七条)
			!strings.Contains(r.Penalty.Content, "罚款人民币 365,926.00 元") ||
			!strings.Contains(r.Penalty.Content, "没收违法所得人民币 3,000.00 元") || r.SourceRegion != "510100" {
			t.Fatalf("credit record: %+v %+v", r.Record, r.Penalty)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE doc_no = ?", "成市监处罚〔2026〕1号"); n != 1 {
			t.Fatalf("credit records = %d", n)
		}
		// the push was audited with the decision
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE module = 'credit' AND object_id = ?", "CF|成市监处罚〔2026〕1号"); n != 1 {
			t.Fatalf("credit audit entries = %d", n)
		}
		// a retry of the decision is refused and stores nothing twice
		if code, _, er := e.approve("cd-reviewer", id); code != 409 || er.Error.Code != "conflict" {
			t.Fatalf("second approve = %d %+v", code, er)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE uscc = ?", subject); n != 1 {
			t.Fatalf("credit records of the subject after a retry = %d", n)
		}
		// 首违不罚 later: the subject has one prior of the kind, counted once
		priors, err := e.m.Priors.PriorViolations(ctx, subject, "食品安全", time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC))
		if err != nil || len(priors) != 1 || priors[0].DecisionNo != "成市监处罚〔2026〕1号" {
			t.Fatalf("priors = %+v, %v", priors, err)
		}
		first := expiredFood(500_000)
		first["subject_id"] = subject
		// an act of 2026-10-10, before the penalty of 2026-11-20: the party had not been
		// penalized when it acted, so the act is no repeat (windows count back from the act)
		var before discretion.Result
		if code := e.api("dy-officer", "POST", "/api/v1/discretion/compute", first, &before); code != 200 || before.Tier == discretion.TierSevere || len(before.Counted) != 0 {
			t.Fatalf("an act before the prior penalty: %d tier %s counted %+v", code, before.Tier, before.Counted)
		}
		first["act_date"], first["discovery_date"] = "2026-11-20", "2026-11-20"
		first["circumstances"] = []string{"first_minor"}
		if code := e.api("dy-officer", "POST", "/api/v1/discretion/compute", first, &er); code != 400 || er.Error.Code != "contradiction" {
			t.Fatalf("首违不罚 with the prior in the library: %d %+v", code, er)
		}
		var res discretion.Result
		delete(first, "circumstances")
		e.api("dy-officer", "POST", "/api/v1/discretion/compute", first, &res)
		if res.Tier != discretion.TierSevere {
			t.Fatalf("a second violation within two years: tier %s", res.Tier)
		}
	})
}

// TestDecisionNumbersConcurrent: eight cases of one bureau decided at once get the numbers 1–8 of
// the year, each once; another bureau counts on its own. A decision whose credit push fails is
// rolled back whole: the case stays pending, no record, and its number is given to the next case.
func TestDecisionNumbersConcurrent(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const n = 8
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = e.createCase("cd-officer", expiredFood(2_000_000+int64(i)*10_000), uscc("510100", 2000+i), true)
			e.ready("cd-officer", ids[i])
		}
		var wg sync.WaitGroup
		codes := make([]int, n)
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var c caseOut
				codes[i] = e.api("cd-reviewer", "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/approve", id), nil, &c)
			}()
		}
		wg.Wait()
		rows, err := db.Query(context.Background(), "SELECT decision_no FROM discretion_cases WHERE status = 'decided' ORDER BY decision_no")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			got = append(got, s)
		}
		rows.Close()
		var want []string
		for i := 1; i <= n; i++ {
			want = append(want, fmt.Sprintf("成市监处罚〔2026〕%d号", i))
		}
		sort.Strings(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("codes %v; numbers %v, want %v", codes, got, want)
		}
		if c := e.count("SELECT COUNT(*) FROM credit_records"); c != n {
			t.Fatalf("credit records = %d, want %d", c, n)
		}
		// 德阳 numbers its own
		dy := e.createCase("dy-officer", expiredFood(2_000_000), uscc("510600", 3000), true)
		e.ready("dy-officer", dy)
		if code, c, er := e.approve("dy-reviewer", dy); code != 200 || c.DecisionNo != "德市监处罚〔2026〕1号" {
			t.Fatalf("德阳: %d %q %+v", code, c.DecisionNo, er)
		}

		// a failing push rolls the whole decision back
		failing := e.createCase("cd-officer", expiredFood(2_100_000), uscc("510100", 2100), true)
		e.ready("cd-officer", failing)
		sink := e.m.Penalties
		e.m.Penalties = failSink{sink}
		code, _, _ := e.approve("cd-reviewer", failing)
		e.m.Penalties = sink
		if code != 500 || e.count("SELECT COUNT(*) FROM discretion_cases WHERE id = ? AND status = 'pending' AND decision_no = ''", failing) != 1 ||
			e.audits("approve", failing) != 0 || e.count("SELECT COUNT(*) FROM credit_records") != n+1 {
			t.Fatalf("failed push: %d; the decision was not rolled back", code)
		}
		if code, c, er := e.approve("cd-reviewer", failing); code != 200 || c.DecisionNo != fmt.Sprintf("成市监处罚〔2026〕%d号", n+1) {
			t.Fatalf("after the failure: %d %q %+v", code, c.DecisionNo, er)
		}
	})
}

type failSink struct{ discretion.PenaltySink }

func (failSink) PenaltyDecided(context.Context, store.Querier, discretion.DecidedPenalty) error {
	return errors.New("credit library unavailable")
}

// TestHearingAndCollectiveSteps: a case whose fine gives a right to a hearing (行政处罚法 第六十三条)
// and needs collective discussion (第五十七条第二款) cannot be decided before the steps are recorded;
// each refusal says in Chinese what is missing and changes nothing.
//
// testNow is Friday 2026-11-20. Notice on Monday 2026-11-16: 五日 are working days (第八十五条), so the
// party may ask until Monday 2026-11-23 (第六十四条第（一）项). Notice on Monday 2026-09-28: 9-29, 9-30,
// then the National Day holiday 2026-10-01–10-07 is left out, 10-08, 10-09 and the working Saturday
// 10-10 (国务院办公厅 2026 holiday notice, the credit module's calendar): the period ends 2026-10-10.
func TestHearingAndCollectiveSteps(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.createCase("cd-officer", expiredFood(2_000_000), uscc("510100", 4000), true)
		refuse := func(what, code, msg string) {
			t.Helper()
			c, _, er := e.approve("cd-reviewer", id)
			if c != 409 || er.Error.Code != code || !strings.Contains(er.Error.Message, msg) {
				t.Fatalf("%s: %d %+v, want 409 %s with %q", what, c, er, code, msg)
			}
			if e.count("SELECT COUNT(*) FROM discretion_cases WHERE id = ? AND status = 'pending' AND decision_no = ''", id) != 1 || e.count("SELECT COUNT(*) FROM credit_records") != 0 {
				t.Fatalf("%s: the refusal changed the case or the credit library", what)
			}
		}
		stepRefused := func(what string, status int, field, msg, kind, date, detail, outcome string) {
			t.Helper()
			before := e.count("SELECT COUNT(*) FROM discretion_steps")
			code, er := e.step("cd-officer", id, kind, date, detail, outcome)
			if code != status || er.Error.Field != field || !strings.Contains(er.Error.Message, msg) {
				t.Fatalf("%s: %d %+v, want %d field %q with %q", what, code, er, status, field, msg)
			}
			if e.count("SELECT COUNT(*) FROM discretion_steps") != before {
				t.Fatalf("%s stored a step", what)
			}
		}
		refuse("no notice", "hearing_notice_missing", "告知当事人有要求听证的权利")
		stepRefused("request before notice", 400, "kind", "请先记录告知听证权利", "hearing_request", "2026-11-17", "", "")
		stepRefused("hearing without request", 400, "kind", "当事人未要求听证", "hearing_record", "2026-11-17", "笔录", "")
		stepRefused("future date", 400, "date", "晚于今天", "hearing_notice", "2026-11-21", "", "")
		stepRefused("bad date", 400, "date", "YYYY-MM-DD", "hearing_notice", "2026/11/16", "", "")
		stepRefused("unknown kind", 400, "kind", "步骤类型只能是", "hearing", "2026-11-16", "", "")
		stepRefused("before the act", 400, "date", "早于违法行为发生日", "hearing_notice", "2026-10-01", "", "")
		if code, er := e.step("dy-officer", id, "hearing_notice", "2026-11-16", "", ""); code != 403 {
			t.Fatalf("德阳 officer records a 成都 step: %d %+v", code, er)
		}
		if code, er := e.step("cd-reviewer", id, "hearing_notice", "2026-11-16", "", ""); code != 403 || er.Error.Code != "forbidden" {
			t.Fatalf("reviewer records a step: %d %+v", code, er)
		}
		if code, er := e.step("cd-officer", id, "hearing_notice", "2026-11-16", "直接送达《行政处罚听证告知书》", ""); code != 201 {
			t.Fatalf("notice: %d %+v", code, er)
		}
		stepRefused("notice twice", 409, "", "同一步骤只记录一次", "hearing_notice", "2026-11-16", "", "")
		// the five working days run until Monday 2026-11-23: too early to decide
		refuse("period open", "hearing_period_open", "2026-11-23")
		stepRefused("collective before request or waiver is fine, but needs an outcome", 400, "outcome", "同意或不同意", "collective", "2026-11-19", "讨论", "")
		if code, er := e.step("cd-officer", id, "hearing_request", "2026-11-18", "当事人书面申请听证", ""); code != 201 {
			t.Fatalf("request: %d %+v", code, er)
		}
		stepRefused("waiver after a request", 409, "", "不能同时记录", "hearing_waiver", "2026-11-19", "", "")
		refuse("hearing not held", "hearing_missing", "2026-11-18 要求听证")
		stepRefused("collective before the hearing", 400, "kind", "请先举行听证", "collective", "2026-11-19", "讨论", "同意")
		stepRefused("hearing without minutes", 400, "detail", "听证应当制作笔录", "hearing_record", "2026-11-19", "", "")
		if code, er := e.step("cd-officer", id, "hearing_record", "2026-11-19", "主持人李明；当事人申辩已下架并退货", ""); code != 201 {
			t.Fatalf("hearing: %d %+v", code, er)
		}
		refuse("no collective discussion", "collective_missing", "集体讨论决定")
		if code, er := e.step("cd-officer", id, "collective", "2026-11-20", "局务会 5 人，不同意，建议补充证据", "不同意"); code != 201 {
			t.Fatalf("collective: %d %+v", code, er)
		}
		refuse("collective disagreed", "collective_disagreed", "未同意")
		// every step audited
		if e.audits("step", id) != 4 {
			t.Fatalf("step audit entries = %d", e.audits("step", id))
		}
		var st struct {
			Steps   []discretion.ProcStep
			Ready   bool
			Missing string
		}
		e.api("cd-officer", "GET", fmt.Sprintf("/api/v1/discretion/cases/%d/steps", id), nil, &st)
		if len(st.Steps) != 4 || st.Ready || !strings.Contains(st.Missing, "未同意") {
			t.Fatalf("steps API: %+v", st)
		}

		// a second case: notice before National Day; a request on Monday 2026-10-12 is late
		in := expiredFood(2_000_000)
		in["act_date"] = "2026-09-01"
		in["discovery_date"] = "2026-09-10"
		id2 := e.createCase("cd-officer", in, uscc("510100", 4001), true)
		if code, er := e.step("cd-officer", id2, "hearing_notice", "2026-09-28", "", ""); code != 201 {
			t.Fatalf("notice 2: %d %+v", code, er)
		}
		code, er := e.step("cd-officer", id2, "hearing_request", "2026-10-12", "", "")
		if code != 400 || er.Error.Field != "date" || !strings.Contains(er.Error.Message, "不晚于 2026-10-10") {
			t.Fatalf("late request: %d %+v", code, er)
		}
		if code, er := e.step("cd-officer", id2, "collective", "2026-11-19", "局务会同意", "同意"); code != 201 {
			t.Fatalf("collective 2: %d %+v", code, er)
		}
		// no answer and the period over: the right counts as waived, the case can be decided
		if code, c, er := e.approve("cd-reviewer", id2); code != 200 || c.Status != "decided" {
			t.Fatalf("decide after the period: %d %+v", code, er)
		}
		if code, er := e.step("cd-officer", id2, "hearing_waiver", "2026-11-19", "", ""); code != 409 || !strings.Contains(er.Error.Message, "已作出决定") {
			t.Fatalf("step on a decided case: %d %+v", code, er)
		}

		// a small fine needs no hearing: the notice is refused, and the case is decided without steps
		small := expiredFood(500_000) // 货值 5,000 元: 5万–10万元 range, 一般 ≈ 6.5万–8.5万 < 10万
		id3 := e.createCase("cd-officer", small, uscc("510100", 4002), true)
		if code, er := e.step("cd-officer", id3, "hearing_notice", "2026-11-16", "", ""); code != 400 || !strings.Contains(er.Error.Message, "未达到听证条件") {
			t.Fatalf("notice without a hearing right: %d %+v", code, er)
		}
		if code, _, er := e.approve("cd-reviewer", id3); code != 200 {
			t.Fatalf("small case: %d %+v", code, er)
		}
	})
}

// TestCaseDecisionFields: the 决定书 and 双公示 fields are checked when a case is saved, each with a
// Chinese message naming the field; nothing is stored.
func TestCaseDecisionFields(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		subject := uscc("510100", 5000)
		for _, c := range []struct {
			name, key string
			val       any
			field     string
			msg       string
		}{
			{"no legal rep", "legal_rep", "", "legal_rep", "法定代表人"},
			{"no address", "subject_address", " ", "subject_address", "第五十九条"},
			{"no evidence", "evidence", "", "evidence", "证据"},
			{"bad severity", "severity", "较重", "severity", "轻微、一般或严重"},
			{"no authority code", "authority_uscc", "", "authority_uscc", "处罚机关"},
			{"short authority code", "authority_uscc", "1151010", "authority_uscc", "18 位"},
			{"authority code check digit", "authority_uscc", cdBureau[:17] + "0", "authority_uscc", "双公示"},
			// a wrong code would find no prior violations (首违不罚) and no credit record: refused at entry
			{"subject code check digit", "subject_id", subject[:17] + "0", "subject_id", "第18位校验码应为"},
			{"no-code placeholder", "subject_id", "00000000000000000X", "subject_id", "经营者本人的居民身份证号码"},
			// GB 11643: 51010419900101123 → check character 0 (the person below); 1 is wrong
			{"ID number check digit", "subject_id", "510104199001011231", "subject_id", "第18位校验码不符（GB 11643-1999）"},
			{"negative confiscation", "confiscated_fen", -1, "confiscated_fen", "不能为负数"},
			{"no facts", "facts", "", "facts", "违法事实"},
		} {
			body := caseBody("cd-officer", expiredFood(2_000_000), subject, false)
			body[c.key] = c.val
			var er apiErr
			code := e.api("cd-officer", "POST", "/api/v1/discretion/cases", body, &er)
			if code != 400 || er.Error.Field != c.field || !strings.Contains(er.Error.Message, c.msg) {
				t.Errorf("%s: %d %+v, want 400 field %s with %q", c.name, code, er.Error, c.field, c.msg)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_cases"); n != 0 {
			t.Fatalf("bad cases stored: %d", n)
		}
		// a natural person needs no legal representative; the ID number is checked for 双公示
		person := expiredFood(1_200_000)
		person["party"] = "natural"
		body := caseBody("cd-officer", person, "510104199001011230", false)
		body["legal_rep"] = ""
		var c caseOut
		if code := e.api("cd-officer", "POST", "/api/v1/discretion/cases", body, &c); code != 201 || c.Severity != "一般" {
			t.Fatalf("natural person: %d %+v", code, c.Case)
		}
	})
}

// TestDecisionPage: the printable 行政处罚决定书 carries the contents of 行政处罚法 第五十九条.
func TestDecisionPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.createCase("cd-officer", expiredFood(2_000_000), uscc("510100", 6000), true)
		c := e.login("cd-officer")
		if resp, _ := c.Get(fmt.Sprintf("/discretion/cases/%d/decision", id)); resp.StatusCode != 404 {
			t.Fatalf("decision page of a pending case: %d", resp.StatusCode)
		}
		_, body := c.Get(fmt.Sprintf("/discretion/cases/%d", id))
		if !strings.Contains(body, "尚不能作出决定") || !strings.Contains(body, `action="/discretion/cases/`+fmt.Sprint(id)+`/steps"`) {
			t.Fatal("case page shows neither what is missing nor the step form")
		}
		mustOffer(t, "case page step form", body, url.Values{"kind": {"hearing_notice"}}, "kind")
		// the step form: a bad date comes back on the case page with the message
		resp, body := c.post(fmt.Sprintf("/discretion/cases/%d/steps", id), url.Values{"kind": {"hearing_notice"}, "date": {"2026-12-01"}}, false)
		if resp.StatusCode != 400 || !strings.Contains(body, "晚于今天") {
			t.Fatalf("bad step by form: %d", resp.StatusCode)
		}
		resp, _ = c.post(fmt.Sprintf("/discretion/cases/%d/steps", id), url.Values{"kind": {"hearing_notice"}, "date": {"2026-11-05"}, "detail": {"直接送达"}}, false)
		if resp.StatusCode != 303 {
			t.Fatalf("step by form: %d", resp.StatusCode)
		}
		e.step("cd-officer", id, "hearing_waiver", "2026-11-06", "", "")
		e.step("cd-officer", id, "collective", "2026-11-18", "局务会", "同意")
		if code, _, er := e.approve("cd-reviewer", id); code != 200 {
			t.Fatalf("approve: %d %+v", code, er)
		}
		ms := e.login("ms-analyst") // decided cases are shared: another city reads the decision too
		for _, cl := range []*client{c, ms} {
			resp, body := cl.Get(fmt.Sprintf("/discretion/cases/%d/decision", id))
			if resp.StatusCode != 200 {
				t.Fatalf("decision page: %d", resp.StatusCode)
			}
			for _, want := range []string{
				"成都市市场监督管理局", "行政处罚决定书", "成市监处罚〔2026〕1号", "测试当事人", "四川省成都市锦江区测试路1号", "法定代表人（负责人、经营者）：张三", // (一)
				"经查：销售超过保质期的酸奶", "现场检查笔录、询问笔录、进货单据", // (二)
				"违反了《中华人民共和国食品安全法》", "依据《中华人民共和国食品安全法》第一百二十四条", "罚款人民币 365,926.00 元", // (三)
				// 情节严重 by 食品安全法实施条例第六十七条第一款第（一）项 (货值金额2万元以上): said, and 吊销许可证 given
				"本案货值金额20,000.00元（20,000.00元以上），依食品安全法实施条例第六十七条第一款第（一）项", "应当依法从重从严", "吊销许可证件",
				"十五日内", "百分之三加处罚款", // (四)
				"六十日内向成都市人民政府申请行政复议", "六个月内依法向人民法院提起行政诉讼", // (五)
				"2026年11月20日", "（印章）", // (六) and the seal
				"2026-11-05 告知", "明确放弃听证", "集体讨论，同意",
				"@page{size:A4",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("decision page misses %q", want)
				}
			}
		}
		_, body = c.Get(fmt.Sprintf("/discretion/cases/%d", id))
		if !strings.Contains(body, `href="/discretion/cases/`+fmt.Sprint(id)+`/decision"`) {
			t.Fatal("case page does not link the decision")
		}
	})
}

// TestNoPenaltyDecision: a case decided as 不予处罚 (首违不罚 elected, 行政处罚法 第三十三条第一款)
// needs no hearing, gets no 决定书文号 and puts nothing into the credit library.
func TestNoPenaltyDecision(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := expiredFood(500_000)
		in["circumstances"] = []string{"first_minor"}
		in["elect_exemption"] = true
		id := e.createCase("cd-officer", in, uscc("510100", 7000), true)
		code, c, er := e.approve("cd-reviewer", id)
		if code != 200 || c.Status != "decided" || c.DecisionNo != "" || !c.Result.NoPenalty {
			t.Fatalf("no-penalty decision: %d %+v %+v", code, er, c.Case)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records"); n != 0 {
			t.Fatalf("a 不予处罚 decision made %d credit records", n)
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_decision_seq"); n != 0 {
			t.Fatalf("a 不予处罚 decision took a number")
		}
		if resp, _ := e.login("cd-officer").Get(fmt.Sprintf("/discretion/cases/%d/decision", id)); resp.StatusCode != 404 {
			t.Fatalf("decision page of a 不予处罚 case: %d", resp.StatusCode)
		}
	})
}

// TestRefusedDecisionOnPage: the reviewer's approve button on a case that still needs its
// hearing notice brings the case page back with the reason, not an error page.
func TestRefusedDecisionOnPage(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.createCase("cd-officer", expiredFood(2_000_000), uscc("510100", 7100), true)
		c := e.login("cd-reviewer")
		c.Get(fmt.Sprintf("/discretion/cases/%d", id))
		resp, body := c.post(fmt.Sprintf("/discretion/cases/%d/approve", id), url.Values{}, false)
		if resp.StatusCode != 409 || !strings.Contains(body, "告知当事人有要求听证的权利") || !strings.Contains(body, "案件 #") {
			t.Fatalf("refused approve by form: %d", resp.StatusCode)
		}
	})
}

// BenchmarkDecide is one decision through the API: the 听证/集体讨论 gate, the bureau's next
// 决定书文号, the case's transition, its audit entry and the 双公示 record in the credit library,
// all in one transaction. The cases (with their steps) are made before the timer starts.
func BenchmarkDecide(b *testing.B) {
	for _, eng := range storetest.Engines() {
		b.Run(eng, func(b *testing.B) {
			e := newEnv(b, storetest.Open(b, eng))
			ids := make([]int64, b.N)
			for i := range ids {
				ids[i] = e.createCase("cd-officer", expiredFood(2_000_000+int64(i%50)*10_000), uscc("510100", 10000+i), true)
				e.ready("cd-officer", ids[i])
			}
			b.ResetTimer()
			for _, id := range ids {
				var c caseOut
				if code := e.api("cd-reviewer", "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/approve", id), nil, &c); code != 200 {
					b.Fatalf("approve %d: %d", id, code)
				}
			}
			b.StopTimer()
			if n := e.count("SELECT COUNT(*) FROM credit_records"); n != b.N {
				b.Fatalf("credit records %d, want %d", n, b.N)
			}
		})
	}
}

// TestSubmitChecksDecisionFields: a draft saved before the 决定书 and 双公示 fields existed (no
// 法定代表人, no 处罚机关代码) cannot be submitted until they are filled in; nothing changes.
func TestSubmitChecksDecisionFields(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.createCase("cd-officer", expiredFood(2_000_000), uscc("510100", 7200), false)
		if _, err := db.Exec(context.Background(), "UPDATE discretion_cases SET legal_rep = '', authority_uscc = '' WHERE id = ?", id); err != nil {
			t.Fatal(err)
		}
		var er apiErr
		if code := e.api("cd-officer", "POST", fmt.Sprintf("/api/v1/discretion/cases/%d/submit", id), nil, &er); code != 400 || er.Error.Field != "legal_rep" || !strings.Contains(er.Error.Message, "法定代表人") {
			t.Fatalf("submit without 法定代表人: %d %+v", code, er)
		}
		if e.count("SELECT COUNT(*) FROM discretion_cases WHERE id = ? AND status = 'draft'", id) != 1 || e.audits("submit", id) != 0 {
			t.Fatal("a refused submit changed the case")
		}
	})
}

// TestDecisionWithoutPenaltyKind: 食品安全法 第一百二十五条第二款 — 标签、说明书存在瑕疵 … 责令改正；
// 拒不改正的，处二千元以下罚款. A case where the party has not refused to correct gives no fine
// and no other penalty kind (责令改正 is not an administrative penalty, 行政处罚法 第二十八条):
// it can be submitted and decided, but it takes no 决定书文号 and puts nothing into the credit
// library. The same item with 拒不改正 gives a fine, a number and a record.
func TestDecisionWithoutPenaltyKind(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := map[string]any{"item_id": "food-125-2", "party": "org", "act_date": "2026-10-10", "discovery_date": "2026-10-20"}
		id := e.createCase("cd-officer", in, uscc("510104", 125), true)
		code, c, er := e.approve("cd-reviewer", id)
		if code != 200 {
			t.Fatalf("approve: %d %+v", code, er)
		}
		if c.Status != discretion.StatusDecided || c.Tier != string(discretion.TierNoFine) || c.FineFen != 0 || c.DecisionNo != "" {
			t.Fatalf("decided case: status %s tier %s fine %d 决定书文号 %q", c.Status, c.Tier, c.FineFen, c.DecisionNo)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records"); n != 0 {
			t.Fatalf("%d credit records for a decision without a penalty", n)
		}
		if n := e.count("SELECT COUNT(*) FROM discretion_decision_seq"); n != 0 {
			t.Fatalf("a number was taken for a decision without a penalty")
		}
		if e.audits("approve", id) != 1 {
			t.Fatal("the decision is not audited")
		}
		// 拒不改正: 二千元以下 — a fine, the bureau's first number, one record
		in["prerequisite_met"] = true
		id2 := e.createCase("cd-officer", in, uscc("510104", 126), true)
		code, c, er = e.approve("cd-reviewer", id2)
		if code != 200 {
			t.Fatalf("approve: %d %+v", code, er)
		}
		if c.FineFen <= 0 || c.FineFen > 200_000 || c.DecisionNo != "成市监处罚〔2026〕1号" {
			t.Fatalf("decided case: fine %d 决定书文号 %q", c.FineFen, c.DecisionNo)
		}
		if n := e.count("SELECT COUNT(*) FROM credit_records WHERE doc_no = ? AND fine_fen = ?", c.DecisionNo, c.FineFen); n != 1 {
			t.Fatalf("%d credit records for %s", n, c.DecisionNo)
		}
	})
}
