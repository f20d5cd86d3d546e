package credit

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func errStrings(es FieldErrors) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Error())
	}
	return out
}

func TestValidateSubjectOwnerIsNotIssueRegion(t *testing.T) {
	// Issued by 简阳 under 资阳 (512081), owned today by 成都/简阳市.
	s := Subject{USCC: "91512081ma62k0260e", Name: " 简阳某某建材有限公司 ", Type: SubjectEnterprise, CityCode: "510100", CountyCode: "510185", Status: StatusActive}
	if es := ValidateSubject(&s); es != nil {
		t.Fatalf("unexpected: %v", es)
	}
	if s.USCC != "91512081MA62K0260E" || s.Name != "简阳某某建材有限公司" || s.Key() != "91512081MA62K0260E" {
		t.Fatalf("normalised: %+v", s)
	}
}

func TestValidateSubjectErrors(t *testing.T) {
	s := Subject{USCC: "00000000000000000X", Type: "公司", CityCode: "510600", CountyCode: "510185", Status: "歇业", EstablishedOn: d("2020-05-01"), ApprovedOn: d("2020-04-30")}
	got := errStrings(ValidateSubject(&s))
	want := []string{
		"主体名称：不能为空，请填写登记的主体名称",
		"统一社会信用代码：17个0加X只能用于无代码的个体工商户，请填写该主体的统一社会信用代码",
		"工商注册号：统一社会信用代码为17个0加X时必须填写工商注册号",
		"主体类型：“公司”不是可用的主体类型，请填写企业、个体工商户、农民专业合作社、社会组织、事业单位、机关、其他组织",
		"所属区县：“简阳市”不属于德阳市，请核对所属地市和区县",
		"登记状态：“歇业”不是可用的登记状态，请填写存续、吊销、注销或迁出",
		"核准日期：早于成立日期，请核对两个日期",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// 个体工商户 without code, with 工商注册号: fine, keyed by the 注册号.
	s = Subject{USCC: "00000000000000000X", RegNo: "510185600123456", Name: "简阳市某某小吃店", Type: SubjectIndividual, CityCode: "510100"}
	if es := ValidateSubject(&s); es != nil || s.Key() != "REG:510185600123456" || s.USCCFlags != FlagNoCode {
		t.Fatalf("%v %+v", es, s)
	}
	s = Subject{USCC: "91350100M000100Y43", Name: "x", Type: SubjectEnterprise, CityCode: "510000"}
	if got := errStrings(ValidateSubject(&s)); len(got) != 1 || got[0] != "所属地市：“510000”不是成德眉资四市的行政区划代码，请填写510100、510600、511400或512000" {
		t.Fatalf("%v", got)
	}
}

func goodPenalty() Record {
	return Record{
		Type: TypePenalty, PartyName: "成都某某餐饮管理有限公司", PartyCategory: PartyOrg,
		USCC: "91350100M000100Y43", LegalRep: "张三",
		DocNo: "成武市监处罚〔2024〕12号", DecisionDate: d("2024-01-31"),
		Authority: "成都市武侯区市场监督管理局", AuthorityID: "91110000600037341L",
		SourceUnit: "成都市武侯区市场监督管理局", SourceUnitID: "91110000600037341L", SourceRegion: "510107",
		Severity: SeverityGeneral,
		Penalty: &PenaltyDetail{ViolationType: "食品安全", Facts: "经营超过保质期的食品", Basis: "《中华人民共和国食品安全法》第一百二十四条",
			Kinds: []string{"警告", "罚款"}, Content: "警告，罚款5000元", FineFen: 500000, ValidUntil: d("2025-01-31")},
	}
}

func TestValidateRecord(t *testing.T) {
	r := goodPenalty()
	if es := ValidateRecord(&r); es != nil {
		t.Fatalf("good penalty: %v", es)
	}
	if r.Key() != "CF|成武市监处罚〔2024〕12号" {
		t.Fatal(r.Key())
	}
	bad := Record{Type: TypePenalty, PartyName: "李四", PartyCategory: PartyPerson, IDType: "身份证", IDNo: "110105194912310021",
		DecisionDate: d("2024-03-05"), Authority: "x", AuthorityID: "91110000600037341M", SourceUnit: "y", SourceUnitID: "91110000600037341L",
		SourceRegion: "510000", Severity: "较重", PublicUntil: d("2030-01-01"),
		Penalty: &PenaltyDetail{ViolationType: "a", Facts: "b", Basis: "c", Content: "d", Kinds: []string{"罚款", "拘役"}, ValidUntil: d("2024-03-01")}}
	got := errStrings(ValidateRecord(&bad))
	want := []string{
		"证件号码：不是有效的18位居民身份证号码（GB 11643 校验不通过），请核对",
		"行政处罚决定书文号：不能为空，请填写决定文书号",
		"处罚机关统一社会信用代码：第18位校验码应为“L”，实际为“M”，代码有误，请核对",
		"数据来源地区：“510000”不是成德眉资四市或其区县的行政区划代码，请核对",
		"失信等级：“较重”不可用，请填写轻微、一般或严重",
		"处罚类别：“拘役”不是行政处罚法规定的处罚种类，请填写警告、通报批评、罚款、没收违法所得、没收非法财物、暂扣许可证件、降低资质等级、吊销许可证件、限制开展生产经营活动、责令停产停业、责令关闭、限制从业、行政拘留、其他",
		"罚款金额（万元）：处罚类别含罚款时必须填写大于0的罚款金额",
		"处罚有效期：早于处罚决定日期，请核对",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	lic := Record{Type: TypeLicence, PartyName: "某公司", PartyCategory: PartyOrg, USCC: "91520000214434146R", LegalRep: "王五",
		DocNo: "川食许〔2024〕1号", DecisionDate: d("2024-03-05"), Authority: "a", AuthorityID: "91110000600037341L",
		SourceUnit: "b", SourceUnitID: "91110000600037341L", SourceRegion: "511402",
		Licence: &LicenceDetail{Category: "普通", ValidFrom: d("2024-03-04"), ValidTo: d("2024-03-01"), State: "作废"}}
	got = errStrings(ValidateRecord(&lic))
	want = []string{"有效期至：早于有效期自，请核对许可有效期", "有效期自：早于许可决定日期，请核对", "当前状态：“作废”不可用，请填写有效或无效"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("licence got %v", got)
	}
	unk := Record{Type: "行政命令"}
	if es := ValidateRecord(&unk); es[0].Error() != "记录类型：“行政命令”不是可用的行政管理信息类别，请填写行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励或行政裁决" {
		t.Fatal(es[0])
	}
	// 个体工商户 placeholder needs 工商注册号.
	ind := goodPenalty()
	ind.PartyCategory, ind.USCC = PartyIndividual, "00000000000000000X"
	if got := errStrings(ValidateRecord(&ind)); !reflect.DeepEqual(got, []string{"工商注册号：统一社会信用代码为17个0加X时必须填写工商注册号"}) {
		t.Fatal(got)
	}
	ind.RegNo = "510107600000001"
	if es := ValidateRecord(&ind); es != nil {
		t.Fatal(es)
	}
}

func TestPublicationPeriod(t *testing.T) {
	cases := []struct {
		sev            Severity
		decided        string
		minEnd, maxEnd string
	}{
		{SeverityMinor, "2024-11-30", "2024-11-30", "2025-02-28"},   // ≤ 3 months; 30 Feb → 28 Feb
		{SeverityGeneral, "2024-01-31", "2024-04-30", "2025-01-31"}, // 3 months – 1 year
		{SeveritySerious, "2024-02-29", "2025-02-28", "2027-02-28"}, // 1 – 3 years, leap day
		{"", "2024-05-10", "2025-05-10", "2027-05-10"},              // unknown → longest
	}
	for _, tc := range cases {
		p := PublicationPeriod(tc.sev, d(tc.decided))
		if FormatDate(p.Start) != tc.decided || FormatDate(p.MinEnd) != tc.minEnd || FormatDate(p.MaxEnd) != tc.maxEnd {
			t.Errorf("%s %s: %s %s %s", tc.sev, tc.decided, FormatDate(p.Start), FormatDate(p.MinEnd), FormatDate(p.MaxEnd))
		}
	}
	r := goodPenalty() // 一般, decided 2024-01-31
	for _, tc := range []struct {
		on, repaired string
		want         bool
	}{
		{"2024-01-30", "", false}, {"2024-01-31", "", true}, {"2025-01-30", "", true}, {"2025-01-31", "", false},
		{"2024-05-31", "2024-06-01", true}, {"2024-06-01", "2024-06-01", false},
	} {
		var rep time.Time
		if tc.repaired != "" {
			rep = d(tc.repaired)
		}
		if got := r.PublicOn(d(tc.on), rep); got != tc.want {
			t.Errorf("on %s repaired %s: %v", tc.on, tc.repaired, got)
		}
	}
	r.PublicUntil = d("2024-10-31")
	if r.PublicOn(d("2024-11-01"), time.Time{}) || !r.PublicOn(d("2024-10-31"), time.Time{}) {
		t.Error("PublicUntil is the last public day")
	}
	if es := ValidateRecord(&r); es != nil {
		t.Errorf("PublicUntil in window: %v", es)
	}
	r.PublicUntil = d("2024-03-01")
	if got := errStrings(ValidateRecord(&r)); !reflect.DeepEqual(got, []string{"公示截止期：失信等级为一般时公示截止期应在2024-04-30至2025-01-31之间，请核对"}) {
		t.Error(got)
	}
	lic := Record{Type: TypeLicence, DecisionDate: d("2020-01-01")}
	if !lic.PublicOn(d("2030-01-01"), time.Time{}) {
		t.Error("licences stay public")
	}
}

func TestMaskAndResidentID(t *testing.T) {
	// GB 11643-1999's own example number.
	if !ValidResidentID("11010519491231002X") || !ValidResidentID("11010519491231002x") || ValidResidentID("110105194912310021") {
		t.Fatal("GB 11643 check")
	}
	for in, want := range map[string]string{
		"11010519491231002X": "1101**********002X",
		"E12345678":          "E123*5678",
		"123456":             "****56",
		"12":                 "**",
		"":                   "",
	} {
		if got := MaskIDNumber(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	r := Record{IDNo: "11010519491231002X", LegalRepID: "510104198001011234", Penalty: &PenaltyDetail{Kinds: []string{"罚款"}}}
	pub := r.PublicView()
	if pub.IDNo != "1101**********002X" || pub.LegalRepID != "5101**********1234" || r.IDNo != "11010519491231002X" || pub.Penalty == r.Penalty {
		t.Fatalf("%+v", pub)
	}
}

func TestBlacklistAndRepair(t *testing.T) {
	b := BlacklistEntry{ListType: "市场监督管理严重违法失信名单", SubjectName: "某公司", USCC: "91520000214434146R", Reason: "r", LegalBasis: "《市场监督管理严重违法失信名单管理办法》第二条",
		DecidingUnit: "眉山市市场监督管理局", DocNo: "眉市监列〔2024〕3号", ListedOn: d("2024-03-01"), PlannedRemovalOn: d("2027-03-01"), RemovalConditions: "列入满一年且已履行处罚义务"}
	if es := ValidateBlacklist(&b); es != nil {
		t.Fatal(es)
	}
	if !b.ListedOnDay(d("2024-03-01")) || b.ListedOnDay(d("2024-02-29")) || !b.ListedOnDay(d("2027-03-01")) || b.ListedOnDay(d("2027-03-02")) {
		t.Fatal("listed days")
	}
	b.RemovedOn = d("2025-03-01")
	if got := errStrings(ValidateBlacklist(&b)); !reflect.DeepEqual(got, []string{"移出原因：已填写移出日期时必须填写移出原因（期满、信用修复或撤销）"}) {
		t.Fatal(got)
	}
	b.RemovalReason = "信用修复"
	if b.ListedOnDay(d("2025-03-01")) || !b.ListedOnDay(d("2025-02-28")) {
		t.Fatal("removed")
	}

	p := PublicationPeriod(SeverityGeneral, d("2024-01-31"))
	if _, err := NewRepairApplication("CF|x", "某公司", "已缴清罚款", d("2024-04-29"), p); err == nil || err.Error() != "申请日期：最短公示期至2024-04-30届满，届满后方可申请信用修复" {
		t.Fatalf("early: %v", err)
	}
	a, err := NewRepairApplication("CF|x", "某公司", "已缴清罚款", d("2024-04-30"), p)
	if err != nil || a.State != RepairApplied {
		t.Fatal(err)
	}
	if err := a.Advance(ActionRemove, "u1", d("2024-05-01"), ""); err == nil || err.Error() != "修复状态：当前状态为“已申请”，不能执行“准予修复”" {
		t.Fatal(err)
	}
	if err := a.Advance(ActionReview, "u1", d("2024-05-01"), "受理"); err != nil {
		t.Fatal(err)
	}
	if err := a.Advance(ActionRefuse, "u2", d("2024-05-06"), " "); err == nil || err.Error() != "不予修复理由：不能为空，不予修复时必须说明理由" {
		t.Fatal(err)
	}
	if err := a.Advance(ActionRemove, "u2", d("2024-05-06"), "材料齐全"); err != nil {
		t.Fatal(err)
	}
	if a.State != RepairRemoved || len(a.Steps) != 2 || a.Steps[1].From != RepairReviewing || a.Steps[1].By != "u2" {
		t.Fatalf("%+v", a)
	}
	if err := a.Advance(ActionRefuse, "u3", d("2024-05-07"), "x"); err == nil {
		t.Fatal("final state changed")
	}
}

func TestParseRecordType(t *testing.T) {
	for in, want := range map[string]RecordType{"行政处罚": TypePenalty, "处罚": TypePenalty, "cf": TypePenalty, "XK": TypeLicence, " 行政裁决 ": TypeAdjudication} {
		if got, ok := ParseRecordType(in); !ok || got != want {
			t.Errorf("%q → %q", in, got)
		}
	}
	if _, ok := ParseRecordType("行政命令"); ok {
		t.Error("unknown accepted")
	}
}
