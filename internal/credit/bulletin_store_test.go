package credit_test

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/credit"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

var unitSP = credit.MakeUSCC("11", "510104", "70000003") // 锦江区行政审批局

// licenceItem is a 行政许可 record for the push API.
func licenceItem(docNo, decided, validFrom string) map[string]any {
	return map[string]any{
		"record_type": "行政许可", "party_name": "成都蜀锦食品有限公司", "party_category": "法人及非法人组织", "uscc": usccA, "legal_rep": "王伟",
		"doc_no": docNo, "licence_category": "普通", "cert_name": "食品经营许可证", "licence_no": "JY15101040000001",
		"licence_content": "预包装食品销售", "decision_date": decided, "valid_from": validFrom, "valid_to": "2031-10-13", "state": "有效",
		"authority": "锦江区行政审批局", "authority_id": unitSP, "source_unit": "锦江区行政审批局", "source_unit_id": unitSP, "source_region": "510104",
	}
}

// TestBulletinStoredMonthByHand: the October 2026 bulletin over records pushed
// and imported on the days they arrived, recomputed by hand. Working days
// come from the embedded calendar (data/holidays.json, the State Council
// General Office's notice for 2026: 国庆节 10-01…10-07 off, Saturday 10-10
// worked; 中秋节 09-25…09-27 off). Refused rows, pushed or in a file, count as
// submissions with the required fields they fill; sending the same push or
// file again counts nothing twice.
func TestBulletinStoredMonthByHand(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		on := func(dayText string) {
			d := day(dayText)
			e.m.Now = func() time.Time { return d.Add(2 * time.Hour) } // 10:00 in Shanghai
		}
		push := func(user string, items ...map[string]any) string {
			t.Helper()
			var in []any
			for _, it := range items {
				in = append(in, it)
			}
			st, body := e.do(user, "POST", "/api/v1/credit/records", in)
			if st != http.StatusOK {
				t.Fatalf("push: %d %s", st, body)
			}
			return string(body)
		}
		sj := func(docNo, decided string) map[string]any { // 锦江区市场监督管理局
			p := penaltyItem(docNo, "510104", unitCD, usccA, decided)
			p["authority"], p["source_unit"] = "锦江区市场监督管理局", "锦江区市场监督管理局"
			return p
		}
		dy := func(docNo, decided string) map[string]any { // 旌阳区市场监督管理局
			p := penaltyItem(docNo, "510603", unitDY, usccB, decided)
			p["authority"], p["source_unit"] = "旌阳区市场监督管理局", "旌阳区市场监督管理局"
			return p
		}
		// September: S1 成都, S2 and S3 德阳. S1 and R1 name their unit 成都市锦江区市场监督管理局,
		// the later ones 锦江区市场监督管理局: one department by its code, named as last sent
		variant := func(p map[string]any) map[string]any {
			p["source_unit"] = "成都市锦江区市场监督管理局"
			return p
		}
		on("2026-09-15")
		push("cd-credit", variant(sj("锦市监罚〔2026〕101号", "2026-09-14")))
		on("2026-09-16")
		push("dy-credit", dy("旌市监罚〔2026〕102号", "2026-09-14"), dy("旌市监罚〔2026〕103号", "2026-09-15"))
		// October
		on("2026-10-14") // R1 decided Tue 09-29: working days 09-30, 10-08, 10-09, 10-10 (Sat, worked), 10-12, 10-13, 10-14 → on the 7th, timely
		push("cd-credit", variant(sj("锦市监罚〔2026〕111号", "2026-09-29")))
		on("2026-10-16") // R4 decided 10-15, next day: timely; R6 a 行政奖励, not one of the seven
		reward := dy("旌市监奖〔2026〕1号", "2026-10-15")
		reward["record_type"] = "行政奖励"
		for _, k := range []string{"violation_type", "facts", "basis", "penalty_kinds", "penalty_content", "fine_wan", "penalty_valid_until", "severity"} {
			delete(reward, k)
		}
		if body := push("dy-credit", dy("旌市监罚〔2026〕114号", "2026-10-15"), reward); !strings.Contains(body, `"accepted":2`) {
			t.Fatalf("R4, R6: %s", body)
		}
		on("2026-10-20") // R2 decided Fri 10-09: 10-10 (Sat, worked), 10-12 … 10-16, 10-19 is the 7th → late; X1 refused (no 违法事实, no 处罚依据)
		x1 := sj("锦市监罚〔2026〕113号", "2026-10-16")
		x1["facts"], x1["basis"] = "", ""
		body := push("cd-credit", sj("锦市监罚〔2026〕112号", "2026-10-09"), x1)
		if !strings.Contains(body, `"accepted":1`) || !strings.Contains(body, `"rejected":1`) || !strings.Contains(body, `"rejects_csv":"/credit/batches/`) {
			t.Fatalf("R2, X1: %s", body)
		}
		on("2026-10-21") // the same push again: nothing new
		push("cd-credit", sj("锦市监罚〔2026〕112号", "2026-10-09"), x1)
		on("2026-10-23") // R3 decided Wed 10-14: 10-15, 16, 19, 20, 21, 22, 23 → on the 7th, timely; X2 a file row without 许可类别 and 有效期自
		push("cd-credit", licenceItem("锦审批许〔2026〕1号", "2026-10-14", "2026-10-14"))
		file := "行政相对人名称,行政相对人类别,统一社会信用代码,法定代表人,行政许可决定文书号,许可类别,许可证书名称,许可编号,许可内容,许可决定日期,有效期自,有效期至,许可机关,许可机关统一社会信用代码,数据来源单位,数据来源单位统一社会信用代码,数据来源地区\n" +
			"成都蜀锦食品有限公司,法人及非法人组织," + usccA + ",王伟,锦审批许〔2026〕2号,,食品经营许可证,JY151010400002,预包装食品销售,2026-10-20,,2031-10-19,锦江区行政审批局," + unitSP + ",锦江区行政审批局," + unitSP + ",510104\n"
		if out, err := e.importFile("cd-credit", "licences.csv", []byte(file)); err != nil || !strings.Contains(out, "保存 0 行，拒收 1 行") {
			t.Fatalf("X2: %v %s", err, out)
		}
		on("2026-10-26")
		if _, err := e.importFile("cd-credit", "licences.csv", []byte(file)); err != nil {
			t.Fatal(err)
		}
		on("2026-10-27") // R5 decided Thu 10-15: 10-16, 19, 20, 21, 22, 23, 26 is the 7th → late
		push("dy-credit", dy("旌市监罚〔2026〕115号", "2026-10-15"))
		on("2026-11-02") // November: not in October's figures
		push("cd-credit", sj("锦市监罚〔2026〕121号", "2026-10-30"))

		var b credit.BulletinJSON
		e.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2026-10", http.StatusOK, &b)
		if len(b.Warnings) != 0 {
			t.Errorf("warnings: %v", b.Warnings)
		}
		type want struct {
			name                                   string
			sub, rec, rej, cum, timely, prev       int
			timelyRate, rejRate, compl, mom, score float64
			momKnown                               bool
			rank                                   int
		}
		score := func(timely, compl, rej float64) float64 { return 40*timely + 30*compl + 30*(1-rej) }
		check := func(l credit.BulletinLine, w want) {
			t.Helper()
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
			if l.Name != w.name || l.Submitted != w.sub || l.Received != w.rec || l.Rejected != w.rej || l.Cumulative != w.cum || l.Timely != w.timely ||
				l.PrevReceived != w.prev || !near(l.TimelyRate, w.timelyRate) || !near(l.RejectionRate, w.rejRate) || !near(l.Completeness, w.compl) ||
				l.MoMKnown != w.momKnown || !near(l.MoMChange, w.mom) || !near(l.Score, w.score) || l.Rank != w.rank {
				t.Errorf("%s:\n got %+v\nwant %+v", w.name, l, w)
			}
		}
		// Total: submitted R1–R5, X1, X2 = 7; received 5; timely R1, R3, R4; cumulative
		// S1–S3 and R1–R5 = 8; September 3 → MoM (5 − 3)/3. Required fields: penalties
		// 15 each, licences 11 (RequiredFieldCount); X1 fills 13 of 15, X2 9 of 11:
		// filled 4·15 + 11 + 13 + 9 = 93 of 4·15 + 11 + 15 + 11 = 97.
		check(b.Total, want{"合计", 7, 5, 2, 8, 3, 3, 3.0 / 5, 2.0 / 7, 93.0 / 97, 2.0 / 3, score(3.0/5, 93.0/97, 2.0/7), true, 0})
		// 德阳 R4, R5 (R5 late), September 2: 20 + 30 + 30 = 80, first; 成都 R1, R2, R3
		// and X1, X2: filled 15 + 15 + 11 + 13 + 9 = 63 of 67
		if len(b.Cities) != 4 {
			t.Fatalf("%d cities", len(b.Cities))
		}
		check(b.Cities[0], want{"德阳市", 2, 2, 0, 4, 1, 2, 1.0 / 2, 0, 1, 0, 80, true, 1})
		check(b.Cities[1], want{"成都市", 5, 3, 2, 4, 2, 1, 2.0 / 3, 2.0 / 5, 63.0 / 67, 2, score(2.0/3, 63.0/67, 2.0/5), true, 2})
		check(b.Cities[2], want{"眉山市", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 3})
		check(b.Cities[3], want{"资阳市", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 3})
		// departments: 行政审批局 40 + 30·20/22 + 15 = 82.27; 旌阳 80; 锦江市监 R1, R2, X1:
		// 40·1/2 + 30·43/45 + 30·2/3 = 68.67
		if len(b.Departments) != 3 {
			t.Fatalf("departments: %+v", b.Departments)
		}
		check(b.Departments[0], want{"锦江区行政审批局", 2, 1, 1, 1, 1, 0, 1, 1.0 / 2, 20.0 / 22, 0, score(1, 20.0/22, 1.0/2), false, 1})
		check(b.Departments[1], want{"旌阳区市场监督管理局", 2, 2, 0, 4, 1, 2, 1.0 / 2, 0, 1, 0, 80, true, 2})
		check(b.Departments[2], want{"锦江区市场监督管理局", 3, 2, 1, 3, 1, 1, 1.0 / 2, 1.0 / 3, 43.0 / 45, 1, score(1.0/2, 43.0/45, 1.0/3), true, 3})
		if b.Departments[2].Key != "510100|"+unitCD || b.Departments[0].Key != "510100|"+unitSP {
			t.Errorf("departments are keyed %q, %q, want their units' codes", b.Departments[2].Key, b.Departments[0].Key)
		}
		// types, in the configured order: 行政许可 R3, X2; 行政处罚 R1, R2, R4, R5, X1
		check(b.ByType[0], want{"行政许可", 2, 1, 1, 1, 1, 0, 1, 1.0 / 2, 20.0 / 22, 0, score(1, 20.0/22, 1.0/2), false, 0})
		check(b.ByType[1], want{"行政处罚", 5, 4, 1, 7, 2, 3, 2.0 / 4, 1.0 / 5, 73.0 / 75, 1.0 / 3, score(2.0/4, 73.0/75, 1.0/5), true, 0})
		if ct := b.CityType; ct["510100"][credit.TypePenalty] != 2 || ct["510100"][credit.TypeLicence] != 1 || ct["510600"][credit.TypePenalty] != 2 || ct["510600"][credit.TypeReward] != 0 {
			t.Errorf("city × type: %v", ct)
		}
		_, page := e.do("ms-analyst", "GET", "/credit/bulletin?month=2026-10", nil)
		contains(t, string(page), "统计类别：行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认。及时：决定之日起 7 个工作日内报送")
		// the workbook: city by type, and what the figures rest on
		_, x := e.do("ms-analyst", "GET", "/credit/bulletin.xlsx?month=2026-10", nil)
		f, err := excelize.OpenReader(bytes.NewReader(x))
		if err != nil {
			t.Fatal(err)
		}
		ct, _ := f.GetRows("地市分类别")
		if len(ct) != 6 || strings.Join(ct[1], ",") != "地市,行政许可,行政处罚,行政强制,行政征收,行政给付,行政检查,行政确认" ||
			strings.Join(ct[2], ",") != "德阳市,0,2,0,0,0,0,0" || strings.Join(ct[3], ",") != "成都市,1,2,0,0,0,0,0" {
			t.Errorf("地市分类别 sheet: %q", ct)
		}
		notes, _ := f.GetRows("说明")
		if len(notes) != 13 || notes[1][0] != "统计类别：行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认" ||
			!strings.HasPrefix(notes[2][0], "及时率：决定之日起7个工作日内") || notes[4][0] != "得分：40×及时率 + 30×完整率 + 30×（1−拒收率），按得分排名" ||
			!strings.HasPrefix(notes[5][0], "期限依据：发改办财金〔2018〕424号") || !strings.HasPrefix(notes[6][0], "权重：本平台自定的排名权重，不是任何文件公布的标准") ||
			notes[7][0] != "节假日表：2022–2026年（国务院办公厅各年《关于部分节假日安排的通知》）" || notes[8][0] != "　2022年：国务院办公厅关于2022年部分节假日安排的通知（国办发明电〔2021〕11号，内置）" {
			t.Errorf("说明 sheet: %q", notes)
		}
		// the refused push is a batch of its own with its reject report
		var id int
		if _, err := fmt.Sscanf(body[strings.Index(body, `"batch_id":`):], `"batch_id":%d`, &id); err != nil {
			t.Fatal(err)
		}
		_, csv := e.do("cd-credit", "GET", fmt.Sprintf("/credit/batches/%d/rejects.csv", id), nil)
		contains(t, string(csv), "2,违法事实,不能为空，请按处罚决定书填写", "2,处罚依据,不能为空，请按处罚决定书填写")
	})
}

// TestBulletinTypesConfigured: which types the bulletin counts is set by
// TONGCHENG_CREDIT_BULLETIN_TYPES at start; a value that cannot be read keeps
// the default seven and says so on the bulletin, as does a month that is not
// YYYY-MM on the page.
func TestBulletinTypesConfigured(t *testing.T) {
	reward := func() map[string]any {
		r := penaltyItem("锦市监奖〔2026〕1号", "510104", unitCD, usccA, "2026-11-16")
		r["record_type"] = "行政奖励"
		for _, k := range []string{"violation_type", "facts", "basis", "penalty_kinds", "penalty_content", "fine_wan", "penalty_valid_until", "severity"} {
			delete(r, k)
		}
		return r
	}
	db := storetest.Open(t, "sqlite")
	t.Setenv(credit.BulletinTypesEnv, "许可,处罚,强制,确认,征收,给付,奖励")
	e := newEnv(t, db)
	if st, body := e.do("cd-credit", "POST", "/api/v1/credit/records", []any{reward(), penaltyItem("锦市监罚〔2026〕41号", "510104", unitCD, usccA, "2026-11-16")}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":2`) {
		t.Fatalf("push: %d %s", st, body)
	}
	var b credit.BulletinJSON
	e.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2026-11", http.StatusOK, &b)
	if len(b.Types) != 7 || b.Types[6] != credit.TypeReward || b.Total.Received != 2 || b.CityType["510100"][credit.TypeReward] != 1 || len(b.Warnings) != 0 {
		t.Errorf("configured types: %v, received %d, warnings %v", b.Types, b.Total.Received, b.Warnings)
	}
	_, page := e.do("ms-analyst", "GET", "/credit/bulletin?month=2026-11", nil)
	contains(t, string(page), "<th class=\"num\">行政奖励</th>")

	t.Setenv(credit.BulletinTypesEnv, "许可,处罚,赔偿")
	e2 := newEnv(t, storetest.Open(t, "sqlite"))
	e2.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2026-11", http.StatusOK, &b)
	if len(b.Types) != 7 || b.Types[5] != credit.TypeInspection || len(b.Warnings) != 1 || !strings.Contains(b.Warnings[0], "“赔偿”不是行政管理信息类别") || !strings.HasSuffix(b.Warnings[0], "月通报仍按默认七类统计") {
		t.Errorf("bad configuration: types %v, warnings %q", b.Types, b.Warnings)
	}
	_, page = e2.do("ms-analyst", "GET", "/credit/bulletin?month=2026-13", nil)
	contains(t, string(page), "月份“2026-13”无法识别（应写作 YYYY-MM，如 2026-11），下面是本月的通报", "2026年11月", "“赔偿”不是行政管理信息类别")
}

// TestBulletinConfigFiles: the deadline and weights come from the file named
// by TONGCHENG_CREDIT_BULLETIN_CONFIG and further holiday years from
// TONGCHENG_CREDIT_HOLIDAYS, read at start. Two penalties decided Tuesday
// 2026-09-29 and received 10-12 and 10-13; the working days after 09-29 are
// 09-30, 10-08, 10-09, 10-10 (Saturday worked, 国办发明电〔2025〕7号),
// 10-12, 10-13, 10-14. With 7 days both are timely (score 40 + 30 + 30 =
// 100); with 5 days (due 10-12) only the first: timely 1/2, score with the
// file's weights 50·1/2 + 25 + 25 = 75. A file that cannot be used leaves
// the embedded settings and says why on the bulletin.
func TestBulletinConfigFiles(t *testing.T) {
	dir := t.TempDir()
	cfgPath := dir + "/credit-bulletin.json"
	write := func(s string) {
		if err := os.WriteFile(cfgPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"deadline_workdays": 5, "deadline_source": "某市信用信息归集考核办法（测试）", "weights": {"timely": 50, "complete": 25, "accepted": 25}, "weights_source": "某市考核口径（测试）"}`)
	t.Setenv(credit.BulletinConfigEnv, cfgPath)
	t.Setenv(credit.HolidaysFileEnv, "testdata/holidays-2021.json")
	t.Setenv(credit.BulletinTypesEnv, "")
	run := func(e *env) credit.BulletinJSON {
		t.Helper()
		for i, on := range []string{"2026-10-12", "2026-10-13"} {
			now := day(on).Add(2 * time.Hour)
			e.m.Now = func() time.Time { return now }
			item := penaltyItem(fmt.Sprintf("锦市监罚〔2026〕20%d号", i), "510104", unitCD, usccA, "2026-09-29")
			if st, body := e.do("cd-credit", "POST", "/api/v1/credit/records", []any{item}); st != http.StatusOK || !strings.Contains(string(body), `"accepted":1`) {
				t.Fatalf("push: %d %s", st, body)
			}
		}
		var b credit.BulletinJSON
		e.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2026-10", http.StatusOK, &b)
		return b
	}
	e := newEnv(t, storetest.Open(t, "sqlite"))
	b := run(e)
	if b.DeadlineWorkdays != 5 || b.Total.Timely != 1 || b.Total.TimelyRate != 0.5 || b.Total.Score != 75 || b.ScoreRule != "50×及时率 + 25×完整率 + 25×（1−拒收率）" ||
		len(b.Warnings) != 0 || len(b.CalendarYears) != 6 || b.CalendarYears[0] != 2021 {
		t.Errorf("configured: deadline %d, timely %d (%v), score %v, rule %s, warnings %q, years %v", b.DeadlineWorkdays, b.Total.Timely, b.Total.TimelyRate, b.Total.Score, b.ScoreRule, b.Warnings, b.CalendarYears)
	}
	if got := e.m.Calendar().AddWorkdays(day("2021-09-23"), 7); credit.FormatDate(got) != "2021-10-08" {
		t.Errorf("2021 from the file: %s", credit.FormatDate(got))
	}
	_, page := e.do("ms-analyst", "GET", "/credit/bulletin?month=2026-10", nil)
	contains(t, string(page), "及时：决定之日起 5 个工作日内报送", "得分 = 50×及时率 &#43; 25×完整率 &#43; 25×（1−拒收率）", "节假日表：2021–2026年", "期限依据：某市信用信息归集考核办法（测试）", "权重：某市考核口径（测试）")

	// weights that do not sum to 100 and a holiday file with a Monday as worked day
	write(`{"deadline_workdays": 5, "deadline_source": "x", "weights": {"timely": 50, "complete": 30, "accepted": 30}, "weights_source": "y"}`)
	bad := dir + "/holidays.json"
	if err := os.WriteFile(bad, []byte(`{"years":{"2027":{"notice":"国务院办公厅关于2027年部分节假日安排的通知","holidays":[["2027-01-01","2027-01-01","元旦"]],"workdays":["2027-01-04"]}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(credit.HolidaysFileEnv, bad)
	e2 := newEnv(t, storetest.Open(t, "sqlite"))
	b = run(e2)
	want := []string{
		"TONGCHENG_CREDIT_BULLETIN_CONFIG 所指的文件 " + cfgPath + "：月通报配置 weights 三项之和应为100（得分满分100），现为 50 + 30 + 30 = 110；月通报仍按内置配置统计（7个工作日，40×及时率 + 30×完整率 + 30×（1−拒收率））",
		"TONGCHENG_CREDIT_HOLIDAYS 所指的节假日文件 " + bad + "：节假日表2027年第1个调休上班日 2027-01-04 是周一，不是周六或周日：workdays 只写通知中“上班”的周末日期；月通报仍只用内置的节假日表（2022–2026年）",
	}
	if b.DeadlineWorkdays != 7 || b.Total.Timely != 2 || b.Total.Score != 100 || strings.Join(b.Warnings, "\n") != strings.Join(want, "\n") || len(b.CalendarYears) != 5 {
		t.Errorf("refused files: deadline %d, timely %d, score %v, years %v, warnings\n%s", b.DeadlineWorkdays, b.Total.Timely, b.Total.Score, b.CalendarYears, strings.Join(b.Warnings, "\n"))
	}
	_, page = e2.do("ms-analyst", "GET", "/credit/bulletin?month=2026-10", nil)
	contains(t, string(page), "月通报配置 weights 三项之和应为100", "2027-01-04 是周一，不是周六或周日")
}

// TestBulletinNamesEachNotice: with a clerk's holiday file the bulletin says
// which notice each year rests on and which years the file added (page,
// JSON and the workbook's 说明 sheet alike); the weights are in the JSON as
// numbers; a source without a closing 。 still ends its sentence before the
// next one; a month without records gives empty lists, not null.
func TestBulletinNamesEachNotice(t *testing.T) {
	t.Setenv(credit.BulletinConfigEnv, "")
	t.Setenv(credit.BulletinTypesEnv, "")
	t.Setenv(credit.HolidaysFileEnv, "testdata/holidays-2021.json")
	dir := t.TempDir()
	cfg := dir + "/credit-bulletin.json"
	if err := os.WriteFile(cfg, []byte(`{"deadline_workdays": 5, "deadline_source": "某市信用信息归集考核办法（测试）第五条", "weights": {"timely": 50, "complete": 25, "accepted": 25}, "weights_source": "某市考核口径（测试）"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(credit.BulletinConfigEnv, cfg)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	summary := "2021–2026年（国务院办公厅各年《关于部分节假日安排的通知》）；2021年据 TONGCHENG_CREDIT_HOLIDAYS 所指的文件 testdata/holidays-2021.json 补充"
	n2021 := "2021年：国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号，据 TONGCHENG_CREDIT_HOLIDAYS 所指的文件 testdata/holidays-2021.json）"
	n2026 := "2026年：国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，内置）"

	raw := e.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2021-03", http.StatusOK, nil)
	for _, want := range []string{`"warnings":[]`, `"departments":[]`, `"weights":{"timely":50,"complete":25,"accepted":25}`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("JSON lacks %s: %.400s", want, raw)
		}
	}
	var b credit.BulletinJSON
	e.getJSON("ms-analyst", "/api/v1/credit/bulletin?month=2021-03", http.StatusOK, &b)
	if len(b.CalendarNotices) != 6 || b.CalendarNotices[0].Text != n2021 || b.CalendarNotices[0].File != "testdata/holidays-2021.json" ||
		b.CalendarNotices[5].Text != n2026 || b.CalendarNotices[5].File != "" || b.CalendarSummary() != summary {
		t.Errorf("notices %+v, summary %s", b.CalendarNotices, b.CalendarSummary())
	}

	_, page := e.do("ms-analyst", "GET", "/credit/bulletin?month=2021-03", nil)
	contains(t, string(page), "期限依据：某市信用信息归集考核办法（测试）第五条。权重：某市考核口径（测试）。", "节假日表："+summary, "<li>"+n2021+"</li>", "<li>"+n2026+"</li>")

	_, x := e.do("ms-analyst", "GET", "/credit/bulletin.xlsx?month=2021-03", nil)
	f, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	notes, _ := f.GetRows("说明")
	var col []string
	for _, r := range notes {
		col = append(col, r[0])
	}
	want := []string{"期限依据：某市信用信息归集考核办法（测试）第五条。", "权重：某市考核口径（测试）。", "节假日表：" + summary, "　" + n2021}
	if len(col) < 14 || strings.Join(col[5:9], "\n") != strings.Join(want, "\n") || col[13] != "　"+n2026 {
		t.Errorf("说明 sheet:\n%s", strings.Join(col, "\n"))
	}
}
