package discretion

import (
	"errors"
	"strings"
	"testing"
)

// Facts checked against statute text (see each item's source in
// data/catalogue.json); each case names the article it rests on.

// violated returns the 违反条款 citation of a result.
func violated(t *testing.T, r Result) Provision {
	t.Helper()
	return cited(t, r, "违反条款")
}

// penalty returns the 处罚依据 citation of a result.
func penalty(t *testing.T, r Result) Provision {
	t.Helper()
	return cited(t, r, "处罚依据")
}

func cited(t *testing.T, r Result, role string) Provision {
	t.Helper()
	for _, c := range r.Citations {
		if c.Role == role {
			return c.Provision
		}
	}
	t.Fatalf("%s: no %s citation", r.ItemID, role)
	return Provision{}
}

// 计量法 第十六条 (使用计量器具不得破坏其准确度) is the duty behind 计量法实施细则
// 第四十六条; the catalogue had cited 第二十七条, which is the penalty clause
// for cheating instruments (实施细则 第四十八条). Fine: 第四十六条 可并处2000元以下.
func TestMeasurementViolatedProvision(t *testing.T) {
	in := base("meas-46")
	r := mustCompute(t, in)
	p := violated(t, r)
	if p.Law != "中华人民共和国计量法" || p.Article != "第十六条" || !strings.Contains(p.Text, "使用计量器具不得破坏其准确度") {
		t.Errorf("meas-46 违反条款 = %s %s %q, want 计量法第十六条", p.Law, p.Article, p.Text)
	}
	if r.LegalMin != 0 || r.LegalMax != yuan(2000) || !r.FineOptional {
		t.Errorf("meas-46 range %s–%s optional %v, want 可并处2000元以下", Yuan(r.LegalMin), Yuan(r.LegalMax), r.FineOptional)
	}
	// 实施细则 第四十八条 rests on 计量法 第二十七条 (作弊计量器具).
	if p := violated(t, mustCompute(t, base("meas-48"))); p.Article != "第二十七条" || !strings.Contains(p.Text, "以欺骗消费者为目的") {
		t.Errorf("meas-48 违反条款 = %s %q", p.Article, p.Text)
	}
}

// 广告法 第九条第（三）项: 使用“国家级”、“最高级”、“最佳”等用语; 罚则 第五十七条
// 对广告主处二十万元以上一百万元以下.
func TestAdAbsoluteTermsProvision(t *testing.T) {
	r := mustCompute(t, base("ad-57-1"))
	p := violated(t, r)
	if p.Article != "第九条" || p.Paragraph != "第（三）项" || !strings.Contains(p.Text, "使用“国家级”、“最高级”、“最佳”等用语") || strings.Contains(p.Text, "unverified") {
		t.Errorf("ad-57-1 违反条款 = %s%s %q", p.Article, p.Paragraph, p.Text)
	}
	if r.LegalMin != yuan(200000) || r.LegalMax != yuan(1000000) {
		t.Errorf("ad-57-1 range %s–%s, want 20万–100万", Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
}

// Every violated provision now carries its text, except the 特种设备安全法
// items, whose duty articles were not read in any statute copy.
func TestViolatedProvisionTexts(t *testing.T) {
	cat, _, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range cat.Items {
		for _, v := range it.Versions {
			if v.Violated.Text == "" {
				t.Errorf("%s (%s): 违反条款 %s has no text", it.ID, v.Effective, v.Violated.Article)
			}
		}
	}
}

// 价格违法行为行政处罚规定 第七条 (价格欺诈): 没有违法所得的，处5万元以上50万元以下;
// 第十八条: 违法所得无法确定时，按照没有违法所得的规定处罚. 违反条款 价格法
// 第十四条第（四）项.
func TestPriceFraudProvision(t *testing.T) {
	in := base("price-7")
	in.Amounts.IllegalGains = Amount{Undeterminable: true}
	r := mustCompute(t, in)
	if r.LegalMin != yuan(50000) || r.LegalMax != yuan(500000) {
		t.Errorf("price-7 违法所得无法确定: %s–%s, want 5万–50万 (第十八条)", Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	if p := violated(t, r); p.Law != "中华人民共和国价格法" || p.Article != "第十四条" || p.Paragraph != "第（四）项" || !strings.Contains(p.Text, "利用虚假的或者使人误解的价格手段") {
		t.Errorf("price-7 违反条款 = %s %s%s %q", p.Law, p.Article, p.Paragraph, p.Text)
	}
}

// 消费者权益保护法 (1993) 第五十条: 违法所得一倍以上五倍以下 (two third-party
// copies agree on the amounts); 2013 第五十六条: 一倍以上十倍以下. With 违法所得
// 10,000.00 元, an act in 2014-01 decided after 2014-03-15: old range 1万–5万,
// new 1万–10万 → the new law is not lighter, the old one applies (第三十七条).
func TestConsumerLaw1993Multiple(t *testing.T) {
	in := base("cp-56-8")
	in.ActDate, in.DiscoveryDate, in.Today = d("2014-01-10"), d("2014-02-01"), d("2014-04-01")
	in.Amounts.IllegalGains = Known(yuan(10000))
	r := mustCompute(t, in)
	if r.Version != "1994-01-01" || r.LegalMin != yuan(10000) || r.LegalMax != yuan(50000) {
		t.Errorf("cp-56-8: version %s range %s–%s, want 1994 law 1万–5万", r.Version, Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	// The same act after 2014-03-15 is under the 2013 text: 1万–10万.
	in.ActDate, in.DiscoveryDate = d("2014-03-20"), d("2014-03-25")
	if r := mustCompute(t, in); r.Version != "2014-03-15" || r.LegalMax != yuan(100000) {
		t.Errorf("cp-56-8 after 2014-03-15: version %s max %s, want 10万", r.Version, Yuan(r.LegalMax))
	}
}

// 反不正当竞争法, 2017年修订、2019年修正文本 (in force 2018-01-01 — 第二十一条 as amended
// 2019-04-23 — to 2025-10-14), worked by hand from its 第十八条至第二十四条: an act of 2025-06-01
// decided 2025-09-01, before the 2025 revision took effect, is computed under the 2019 text,
// without any warning.
func TestUnfairCompetition2019Text(t *testing.T) {
	for _, c := range []struct {
		id, article                string
		serious                    bool
		min, max, bandMin, bandMax int64
	}{
		// 第十八条: 违法经营额10万元 → 五倍以下 0–50万; 一般 15万–35万
		{"uc-18", "第十八条", false, 0, yuan(500000), yuan(150000), yuan(350000)},
		// 第十九条: 十万元以上三百万元以下; 一般 97万–213万
		{"uc-19", "第十九条", false, yuan(100000), yuan(3000000), yuan(970000), yuan(2130000)},
		// 第二十条: 二十万元以上一百万元以下; 一般 44万–76万; 情节严重 100万–200万, 一般 130万–170万
		{"uc-20", "第二十条", false, yuan(200000), yuan(1000000), yuan(440000), yuan(760000)},
		{"uc-20", "第二十条", true, yuan(1000000), yuan(2000000), yuan(1300000), yuan(1700000)},
		// 第二十一条 (2019年4月23日修正): 情节严重 五十万元以上五百万元以下; 一般 185万–365万
		{"uc-21", "第二十一条", true, yuan(500000), yuan(5000000), yuan(1850000), yuan(3650000)},
		// 第二十二条: 五万元以上五十万元以下; 一般 18.5万–36.5万
		{"uc-22", "第二十二条", false, yuan(50000), yuan(500000), yuan(185000), yuan(365000)},
		// 第二十三条: 情节严重 五十万元以上三百万元以下; 一般 125万–225万
		{"uc-23", "第二十三条", true, yuan(500000), yuan(3000000), yuan(1250000), yuan(2250000)},
		// 第二十四条: 十万元以上五十万元以下; 一般 22万–38万
		{"uc-24", "第二十四条", false, yuan(100000), yuan(500000), yuan(220000), yuan(380000)},
	} {
		in := base(c.id)
		in.ActDate, in.DiscoveryDate, in.Today = d("2025-06-01"), d("2025-08-01"), d("2025-09-01")
		in.Amounts.IllegalTurnover = Known(yuan(100000))
		in.Serious = c.serious
		r := mustCompute(t, in)
		p := penalty(t, r)
		version := "2018-01-01"
		if c.id == "uc-21" {
			version = "2019-04-23" // 第二十一条 as amended on 2019-04-23 (主席令第二十九号)
		}
		if r.Version != version || p.Article != c.article || len(r.Warnings) != 0 {
			t.Errorf("%s: version %s article %s warnings %v, want %s %s none", c.id, r.Version, p.Article, r.Warnings, version, c.article)
		}
		if r.LegalMin != c.min || r.LegalMax != c.max || r.BandMin != c.bandMin || r.BandMax != c.bandMax {
			t.Errorf("%s %s: range %s–%s band %s–%s, want %s–%s band %s–%s", c.id, c.article, Yuan(r.LegalMin), Yuan(r.LegalMax), Yuan(r.BandMin), Yuan(r.BandMax),
				Yuan(c.min), Yuan(c.max), Yuan(c.bandMin), Yuan(c.bandMax))
		}
	}
	// Before 2019-04-23 第二十一条 read otherwise (2017年修订文本); the catalogue does not hold that
	// text, so an act of 2019-03-01 decided then is not computed.
	in := base("uc-21")
	in.ActDate, in.DiscoveryDate, in.Today = d("2019-03-01"), d("2019-03-10"), d("2019-04-01")
	var ie *InputError
	if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrNoVersion || !strings.Contains(ie.Message, "2019-04-23") {
		t.Errorf("uc-21 act 2019-03-01: %v, want no_law_version naming 2019-04-23", err)
	}
}

// 反不正当竞争法, 2025年6月27日修订文本 (in force 2025-10-15): an act of 2026-03-01 is computed
// under it, citing the renumbered articles — 违反 第七条 … 第十四条, 处罚 第二十三条 … 第三十条 —
// with no warning (the ranges and bands are worked by hand in itemCases).
func TestUnfairCompetition2025(t *testing.T) {
	for _, c := range []struct {
		id                string
		natural           bool
		violated, penalty string // article + paragraph
		violatedHas       string // words only the 2025 text has
	}{
		{"uc-18", false, "第七条", "第二十三条第一款、第二款", "新媒体账号名称、应用程序名称或者图标"},
		{"uc-19", false, "第八条第一款", "第二十四条第一款", "给予财物"},
		{"uc25-24-1", false, "第八条第二款", "第二十四条第一款", "不得收受贿赂"},
		{"uc25-24-2", true, "第八条", "第二十四条第二款", "不得收受贿赂"},
		{"uc-20", false, "第九条", "第二十五条第一款", "虚假评价"},
		{"uc-21", false, "第十条", "第二十六条", "电子侵入"},
		{"uc-22", false, "第十一条", "第二十七条", "有奖销售活动开始后，无正当理由变更"},
		{"uc-23", false, "第十二条", "第二十八条", "指使他人编造、传播"},
		{"uc-24", false, "第十三条第一款、第二款", "第二十九条", "数据和算法、技术、平台规则"},
		{"uc25-29-3", false, "第十三条第三款", "第二十九条", "避开或者破坏技术管理措施"},
		{"uc25-29-4", false, "第十三条第四款", "第二十九条", "恶意退货"},
		{"uc25-30", false, "第十四条", "第三十条", "以低于成本的价格销售商品"},
	} {
		in := base(c.id)
		in.Amounts.IllegalTurnover = Known(0)
		if c.natural {
			in.Party = Natural
		}
		r := mustCompute(t, in)
		v, p := violated(t, r), penalty(t, r)
		if r.Version != "2025-10-15" || len(r.Warnings) != 0 || v.Article+v.Paragraph != c.violated || p.Article+p.Paragraph != c.penalty ||
			!strings.Contains(v.Text, c.violatedHas) || !strings.Contains(explain(r), "2025年6月27日第二次修订") {
			t.Errorf("%s: version %s warnings %v 违反 %s%s 处罚 %s%s, want 2025-10-15 %s %s", c.id, r.Version, r.Warnings, v.Article, v.Paragraph, p.Article, p.Paragraph, c.violated, c.penalty)
		}
	}
	// 第二十四条第一款 fines only 有关单位, 第二款 only individuals: the wrong party is refused,
	// naming the field, instead of being given the other party's range.
	for _, c := range []struct {
		id      string
		natural bool
		want    string
	}{
		{"uc-19", true, "只对单位（法人或者其他组织）规定了罚款，当事人为个人（自然人）的不适用"},
		{"uc25-24-1", true, "只对单位（法人或者其他组织）规定了罚款"},
		{"uc25-24-2", false, "只对个人（自然人）规定了罚款，当事人为单位（法人或者其他组织）的不适用"},
	} {
		in := base(c.id)
		if c.natural {
			in.Party = Natural
		}
		var ie *InputError
		if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrPartyNotCovered || ie.Field != "party" || !strings.Contains(ie.Message, c.want) {
			t.Errorf("%s natural=%v: %v, want party_not_covered %q", c.id, c.natural, err, c.want)
		}
	}
	// The acts the 2025 revision first made punishable have no earlier version: an act of
	// 2025-10-14 is not computed (no law to cite), one of 2025-10-15 is.
	for _, id := range []string{"uc25-24-1", "uc25-24-2", "uc25-29-3", "uc25-29-4", "uc25-30"} {
		in := base(id)
		if id == "uc25-24-2" {
			in.Party = Natural
		}
		in.ActDate, in.DiscoveryDate = d("2025-10-14"), d("2025-11-01")
		var ie *InputError
		if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrNoVersion || ie.Field != "act_date" {
			t.Errorf("%s act 2025-10-14: %v, want no_law_version", id, err)
		}
		in.ActDate = d("2025-10-15")
		if r := mustCompute(t, in); r.Version != "2025-10-15" {
			t.Errorf("%s act 2025-10-15: version %s", id, r.Version)
		}
	}
}

// 行政处罚法第三十七条 across the 2025 revision of 反不正当竞争法 (in force 2025-10-15), worked by
// hand: an act of 2025-10-14 decided 2026-01-05 takes the 2025 text only where it punishes
// more lightly for this case, and the explanation says which and why.
func TestUnfairCompetition2025OldOrLighter(t *testing.T) {
	for _, c := range []struct {
		name, id string
		serious  bool
		version  string
		article  string
		min, max int64
		say      string
	}{
		// 虚假宣传: 2019 第二十条 20万–100万, 2025 第二十五条 100万以下 — same cap, no floor → lighter, new.
		{"虚假宣传", "uc-20", false, "2025-10-15", "第二十五条", 0, yuan(1000000), "旧法幅度 200,000.00元–1,000,000.00元，新法幅度 0.00元–1,000,000.00元；新的规定处罚较轻，适用新的规定"},
		// 情节严重: 100万–200万 both → not lighter, the law of the act.
		{"虚假宣传情节严重", "uc-20", true, "2018-01-01", "第二十条", yuan(1000000), yuan(2000000), "新的规定处罚不轻于旧法，适用违法行为发生时的规定"},
		// 商业贿赂: 2019 第十九条 10万–300万, 2025 第二十四条第一款 10万–100万 → lighter, new.
		{"商业贿赂", "uc-19", false, "2025-10-15", "第二十四条", yuan(100000), yuan(1000000), "新的规定处罚较轻，适用新的规定"},
		// 情节严重: 2019 still 10万–300万 (吊销营业执照 only), 2025 100万–500万 → the law of the act.
		{"商业贿赂情节严重", "uc-19", true, "2018-01-01", "第十九条", yuan(100000), yuan(3000000), "新的规定处罚不轻于旧法"},
		// 商业诋毁: 2019 第二十三条 10万–50万, 2025 第二十八条 10万–100万 → heavier, the law of the act.
		{"商业诋毁", "uc-23", false, "2018-01-01", "第二十三条", yuan(100000), yuan(500000), "新的规定处罚不轻于旧法"},
		// 网络: 2019 第二十四条 50万–300万 (情节严重), 2025 第二十九条 100万–500万 → the law of the act.
		{"网络情节严重", "uc-24", true, "2018-01-01", "第二十四条", yuan(500000), yuan(3000000), "新的规定处罚不轻于旧法"},
		// 商业秘密情节严重: 2019 第二十一条 50万–500万, 2025 第二十六条 100万–500万 → the law of the act.
		{"商业秘密情节严重", "uc-21", true, "2019-04-23", "第二十一条", yuan(500000), yuan(5000000), "新的规定处罚不轻于旧法"},
		// 有奖销售: 5万–50万 both → the law of the act (renumbered only).
		{"有奖销售", "uc-22", false, "2018-01-01", "第二十二条", yuan(50000), yuan(500000), "新的规定处罚不轻于旧法"},
	} {
		in := base(c.id)
		in.ActDate, in.DiscoveryDate, in.Today = d("2025-10-14"), d("2025-11-05"), d("2026-01-05")
		in.Serious = c.serious
		r := mustCompute(t, in)
		x := explain(r)
		if r.Version != c.version || penalty(t, r).Article != c.article || r.LegalMin != c.min || r.LegalMax != c.max || !strings.Contains(x, c.say) || !strings.Contains(x, "第三十七条") {
			t.Errorf("%s: version %s article %s range %s–%s, want %s %s %s–%s saying %q; explanation:\n%s", c.name, r.Version, penalty(t, r).Article,
				Yuan(r.LegalMin), Yuan(r.LegalMax), c.version, c.article, Yuan(c.min), Yuan(c.max), c.say, x)
		}
	}
	// The old law's own penalty kinds come with it: 2019 第十九条 情节严重的，吊销营业执照 (应当).
	in := base("uc-19")
	in.ActDate, in.DiscoveryDate, in.Today, in.Serious = d("2025-10-14"), d("2025-11-05"), d("2026-01-05"), true
	if r := mustCompute(t, in); !hasKind(r.Kinds, "吊销营业执照", true) {
		t.Errorf("uc-19 serious under the 2019 text: kinds %+v, want 吊销营业执照 (mandatory)", r.Kinds)
	}
	// Decided the day before the revision: the 2019 text, no comparison.
	in = base("uc-20")
	in.ActDate, in.DiscoveryDate, in.Today = d("2025-09-01"), d("2025-09-10"), d("2025-10-14")
	if r := mustCompute(t, in); r.Version != "2018-01-01" || r.LegalMin != yuan(200000) || strings.Contains(explain(r), "第三十七条") {
		t.Errorf("decided 2025-10-14: version %s min %s", r.Version, Yuan(r.LegalMin))
	}
	// An act on the first day, or a continuing act that ended after it, falls under the 2025 text
	// alone (第三十六条第二款: its end is the act's day); one that ended the day before is compared.
	for _, c := range []struct {
		act, end, version string
		compared          bool
	}{
		{"2025-10-15", "", "2025-10-15", false},
		{"2025-09-01", "2025-10-20", "2025-10-15", false},
		{"2025-09-01", "2025-10-14", "2025-10-15", true},
	} {
		in := base("uc-20")
		in.ActDate, in.DiscoveryDate = d(c.act), d("2025-11-01")
		if c.end != "" {
			in.ActEndDate = d(c.end)
		}
		r := mustCompute(t, in)
		if cmp := strings.Contains(explain(r), "新的规定处罚较轻"); r.Version != c.version || r.LegalMin != 0 || cmp != c.compared {
			t.Errorf("act %s–%s: version %s min %s compared %v, want %s compared %v", c.act, c.end, r.Version, Yuan(r.LegalMin), cmp, c.version, c.compared)
		}
	}
	// An individual's act of 2025-10-14 under uc-19: the 2025 text fines only units, so the
	// comparison of 第三十七条 is left to the officer, and the refusal says so.
	in = base("uc-19")
	in.Party = Natural
	in.ActDate, in.DiscoveryDate, in.Today = d("2025-10-14"), d("2025-11-05"), d("2026-01-05")
	var ie *InputError
	if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrPartyNotCovered || !strings.Contains(ie.Message, "第二十四条第一款") || !strings.Contains(ie.Message, "第三十七条") {
		t.Errorf("individual, act before the revision: %v", err)
	}
	// The same individual decided before the revision: the 2019 text (经营者, 10万–300万).
	in.DiscoveryDate, in.Today = d("2025-10-14"), d("2025-10-14")
	if r := mustCompute(t, in); r.Version != "2018-01-01" || r.LegalMax != yuan(3000000) {
		t.Errorf("individual decided 2025-10-14: version %s max %s", r.Version, Yuan(r.LegalMax))
	}
}

func hasKind(ks []Kind, kind string, mandatory bool) bool {
	for _, k := range ks {
		if k.Kind == kind && k.Mandatory == mandatory {
			return true
		}
	}
	return false
}

// 价格违法行为行政处罚规定 第六条、第九条 (statute text, see price-6/price-9 source): 情节较重的
// (没有违法所得时) raises the fine; 情节严重的, 责令停业整顿 (第六条: 或者吊销营业执照). The engine's
// one 情节严重 switch applies the 情节较重 fine and lists 停业整顿 as 可以, limited in its words to
// 情节严重; a heavy kind on the list brings the right to a hearing (听证办法第五条第一款第（一）项)
// even where the fine is small: 违法所得 1,000.00 元 → 5倍以下 0–5,000.00 元.
func TestPriceSeriousSuspension(t *testing.T) {
	for _, c := range []struct {
		id    string
		kinds []string
	}{
		{"price-6", []string{"责令停业整顿", "吊销营业执照"}},
		{"price-9", []string{"责令停业整顿"}},
	} {
		in := base(c.id)
		in.Amounts.IllegalGains = Known(yuan(1000))
		r := mustCompute(t, in)
		if hasKind(r.Kinds, "责令停业整顿", false) || r.Procedure.HearingRight {
			t.Errorf("%s not serious: kinds %+v hearing %v", c.id, r.Kinds, r.Procedure.HearingRight)
		}
		in.Serious = true
		r = mustCompute(t, in)
		for _, k := range c.kinds {
			found := false
			for _, rk := range r.Kinds {
				found = found || rk.Kind == k && !rk.Mandatory && strings.Contains(rk.Object, "仅限情节严重")
			}
			if !found {
				t.Errorf("%s serious: kinds %+v, want %s (可以, 仅限情节严重)", c.id, r.Kinds, k)
			}
		}
		if r.LegalMax != yuan(5000) || !r.Procedure.HearingRight || !strings.Contains(strings.Join(r.Procedure.Reasons, "；"), "较重处罚") {
			t.Errorf("%s serious: max %s hearing %v reasons %v", c.id, Yuan(r.LegalMax), r.Procedure.HearingRight, r.Procedure.Reasons)
		}
	}
}

// 食品安全法 第一百二十三条第一款第（六）项 (生产经营添加药品的食品) rests on the
// prohibition of 第三十八条, not on 第三十四条. Fine: 货值 9,999.99 元 (不足一万元)
// → 十万元以上十五万元以下; 货值 10,000.00 元 (一万元以上) → 十五倍以上三十倍以下,
// i.e. 15万–30万.
func TestFoodDrugAdditiveProvision(t *testing.T) {
	in := base("food-123-1-6")
	in.Amounts.GoodsValue = Known(yuan(10000) - 1)
	r := mustCompute(t, in)
	if p := violated(t, r); p.Article != "第三十八条" || !strings.Contains(p.Text, "生产经营的食品中不得添加药品") {
		t.Errorf("food-123-1-6 违反条款 = %s %q, want 第三十八条", p.Article, p.Text)
	}
	if r.LegalMin != yuan(100000) || r.LegalMax != yuan(150000) {
		t.Errorf("货值不足一万元: %s–%s, want 10万–15万", Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	in.Amounts.GoodsValue = Known(yuan(10000))
	if r := mustCompute(t, in); r.LegalMin != yuan(150000) || r.LegalMax != yuan(300000) {
		t.Errorf("货值一万元: %s–%s, want 15万–30万", Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	// 第一百二十六条第一款第（六）项 rests on 第四十五条 (健康证明).
	if p := violated(t, mustCompute(t, base("food-126-1-6"))); p.Article != "第四十五条" || !strings.Contains(p.Text, "取得健康证明后方可上岗工作") {
		t.Errorf("food-126-1-6 违反条款 = %s %q", p.Article, p.Text)
	}
}

// 特种设备安全法 (2013年6月29日通过，2014年1月1日施行): 第八十四条第（一）项 处三万元以上三十万元以下罚款,
// 违反第三十二条; 第七十四条 处十万元以上五十万元以下罚款, 违反第十八条 (checked against the statute text).
func TestSpecialEquipmentProvisions(t *testing.T) {
	r := mustCompute(t, base("se-84-1"))
	if p := violated(t, r); p.Article != "第三十二条" || !strings.Contains(p.Text, "使用取得许可生产并经检验合格的特种设备") {
		t.Errorf("se-84-1 违反条款 = %s %q", p.Article, p.Text)
	}
	if r.LegalMin != yuan(30000) || r.LegalMax != yuan(300000) {
		t.Errorf("se-84-1 range %s–%s, want 3万–30万", Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	r = mustCompute(t, base("se-74"))
	if p := violated(t, r); p.Article != "第十八条" || !strings.Contains(p.Text, "对特种设备生产实行许可制度") {
		t.Errorf("se-74 违反条款 = %s %q", p.Article, p.Text)
	}
	if r.LegalMin != yuan(100000) || r.LegalMax != yuan(500000) {
		t.Errorf("se-74 range %s–%s, want 10万–50万", Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
}

// 食品安全法 2025 amendment (主席令第五十六号, in force 2025-12-01) added 婴幼儿配方液态乳 to
// 第一百二十四条 and three paragraphs to 第一百三十二条 but left the clauses of the catalogue's
// food items as they were: an act of 2025-11-20 decided after 2025-12-01 gets the same law
// version, the same legal range and the same fine as one decided before, with no warning.
// 第一百二十四条第一款第（五）项, 货值 20,000 元 → 十倍以上二十倍以下 = 200,000–400,000 元;
// 第一百三十二条第一款, fixed range 一万元以上五万元以下 (拒不改正的).
func TestFoodSafety2025AmendmentKeepsClauses(t *testing.T) {
	for _, c := range []struct {
		id       string
		min, max int64
	}{{"food-124-1-5", yuan(200000), yuan(400000)}, {"food-132", yuan(10000), yuan(50000)}} {
		in := base(c.id)
		in.Amounts.GoodsValue = Known(yuan(20000))
		in.PrerequisiteMet = true
		in.ActDate, in.DiscoveryDate, in.Today = d("2025-11-20"), d("2025-11-25"), d("2025-11-30")
		before := mustCompute(t, in)
		in.Today = d("2025-12-05")
		after := mustCompute(t, in)
		if before.Version != after.Version || before.LegalMin != c.min || before.LegalMax != c.max ||
			after.LegalMin != c.min || after.LegalMax != c.max || before.FineFen != after.FineFen || len(after.Warnings) != len(before.Warnings) ||
			strings.Contains(strings.Join(after.Warnings, ""), "修订") {
			t.Errorf("%s across 2025-12-01: version %s→%s range %s–%s → %s–%s fine %s→%s warnings %v", c.id,
				before.Version, after.Version, Yuan(before.LegalMin), Yuan(before.LegalMax), Yuan(after.LegalMin), Yuan(after.LegalMax),
				Yuan(before.FineFen), Yuan(after.FineFen), after.Warnings)
		}
	}
}

// 价格违法行为行政处罚规定 第十一条第一款: 本规定第四条、第七条至第九条规定中经营者为个人的，
// 对其没有违法所得的价格违法行为，可以处10万元以下的罚款 — a 可以处 arm of a clause that
// otherwise says 处: the fine may be left out. 第七条 for an organisation without 违法所得:
// 处5万元以上50万元以下 (must). 第六条 with 第十一条第二款: an individual, 情节严重, 处10万元以上
// 50万元以下 (must).
func TestPriceIndividualNoGains(t *testing.T) {
	in := base("price-7")
	in.Party = Natural
	in.Amounts.IllegalGains = Known(0)
	r := mustCompute(t, in)
	if r.LegalMin != 0 || r.LegalMax != yuan(100000) || !r.FineOptional || !strings.Contains(explain(r), "罚款可由办案机构裁量是否适用") {
		t.Errorf("price-7 个人没有违法所得: %s–%s optional %v", Yuan(r.LegalMin), Yuan(r.LegalMax), r.FineOptional)
	}
	if _, err := engine(t).Compute(propose(in, 0)); err != nil {
		t.Errorf("no fine for an individual without 违法所得 refused: %v", err)
	}
	in.Party = Organization
	r = mustCompute(t, in)
	if r.LegalMin != yuan(50000) || r.LegalMax != yuan(500000) || r.FineOptional {
		t.Errorf("price-7 单位没有违法所得: %s–%s optional %v", Yuan(r.LegalMin), Yuan(r.LegalMax), r.FineOptional)
	}
	if _, err := engine(t).Compute(propose(in, 0)); err == nil {
		t.Error("no fine for an organisation without 违法所得 accepted (第七条: 处5万元以上)")
	}
	in = base("price-6")
	in.Party, in.Serious = Natural, true
	in.Amounts.IllegalGains = Known(0)
	if r := mustCompute(t, in); r.LegalMin != yuan(100000) || r.LegalMax != yuan(500000) || r.FineOptional {
		t.Errorf("price-6 个人情节严重: %s–%s optional %v", Yuan(r.LegalMin), Yuan(r.LegalMax), r.FineOptional)
	}
	// 违法所得 of one 分 is 有违法所得: 并处违法所得5倍以下 (must), 0.00–0.05 元
	in = base("price-8")
	in.Party = Natural
	in.Amounts.IllegalGains = Known(1)
	if r := mustCompute(t, in); r.LegalMax != 5 || r.FineOptional {
		t.Errorf("price-8 违法所得0.01元: max %s optional %v", Yuan(r.LegalMax), r.FineOptional)
	}
}

// 食品安全法 第一百二十四条第二款 (其他不符合食品安全标准的食品) is punished 依照前款规定; the
// penalty text quoted for it begins with 第一款's own words, which had lost 有下列情形之一，
// 尚不构成犯罪的 (the 决定书 printed "违反本法规定，，由").
func TestFood124Para2Text(t *testing.T) {
	cat, _, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	it, _ := cat.Item("food-124-2")
	txt := it.Versions[0].Penalty.Text
	if !strings.HasPrefix(txt, "违反本法规定，有下列情形之一，尚不构成犯罪的，由县级以上人民政府食品安全监督管理部门") || !strings.Contains(txt, "依照前款规定给予处罚") {
		t.Errorf("food-124-2 penalty text: %q", txt)
	}
	for _, it := range cat.Items {
		for _, v := range it.Versions {
			for _, s := range []string{v.Penalty.Text, v.Violated.Text} {
				for _, bad := range []string{"，，", "。。", "；；", "，。"} {
					if strings.Contains(s, bad) {
						t.Errorf("%s (%s): text contains %q", it.ID, v.Effective, bad)
					}
				}
			}
		}
	}
}

// A revision whose text the catalogue does not hold yet (pending_revision), over an edited
// catalogue: an act on or after its day — or a continuing act that ended then — falls under
// the revised text only, so the engine refuses rather than cite the repealed article; an act
// that ended the day before is computed under the old text with the warning to check
// 第三十七条 by hand, and a decision before the revision carries no warning.
func TestPendingRevisionRefusesLaterActs(t *testing.T) {
	js := `{"version":"t","items":[{"id":"x","name":"试验事项","kind":"k","factor_set":"price","source":"试验",` +
		`"pending_revision":{"effective":"2025-10-15","note":"试验法修订"},"versions":[` +
		`{"effective":"2018-01-01","law_version":"旧法","penalty":{"law":"试验法","article":"第一条","text":"处二十万元以上一百万元以下罚款"},"fine":{"branches":[{"min":20000000,"max":100000000,"text":"处二十万元以上一百万元以下罚款"}]}}]}]}`
	cat, err := ParseCatalogue([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	_, ind, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(cat, ind)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		act, end, today string
		refused, warned bool
	}{
		{"2025-10-14", "", "2025-11-05", false, true},
		{"2025-10-14", "", "2025-10-14", false, false},
		{"2025-10-15", "", "2025-11-05", true, false},
		{"2025-09-01", "2025-10-14", "2025-11-05", false, true},
		{"2025-09-01", "2025-10-20", "2025-11-05", true, false},
	} {
		in := Input{ItemID: "x", Party: Organization, ActDate: d(c.act), DiscoveryDate: d(c.act), Today: d(c.today)}
		if c.end != "" {
			in.ActEndDate, in.DiscoveryDate = d(c.end), d(c.end)
		}
		r, err := e.Compute(in)
		var ie *InputError
		switch {
		case c.refused && (!errors.As(err, &ie) || ie.Code != ErrNoVersion || ie.Field != "act_date" || !strings.Contains(ie.Message, "2025-10-15")):
			t.Errorf("act %s–%s: err %v, want refusal naming 2025-10-15", c.act, c.end, err)
		case !c.refused && (err != nil || r.Version != "2018-01-01" || r.LegalMin != yuan(200000) || (len(r.Warnings) > 0) != c.warned):
			t.Errorf("act %s–%s decided %s: err %v version %s min %s warnings %v", c.act, c.end, c.today, err, r.Version, Yuan(r.LegalMin), r.Warnings)
		}
	}
}

// 行政处罚法 第三十七条 both ways, over an edited catalogue (the shipped one has no revision
// that lightens a fine): act 2024-05-01 under a rule of 五万元以上十万元以下, decided 2025-03-01
// under a revision of 一万元以上五万元以下 that took effect 2025-01-01 → the new, lighter rule
// applies, and the explanation says so; a revision that no longer holds the act to be an
// offence (不认为是违法) → no penalty.
func TestNewLawLighterOrNoOffence(t *testing.T) {
	cat := func(newer string) *Catalogue {
		js := `{"version":"t","items":[{"id":"x","name":"试验事项","kind":"k","factor_set":"price","source":"试验","versions":[` +
			`{"effective":"2020-01-01","law_version":"旧法","penalty":{"law":"试验法","article":"第一条","text":"处五万元以上十万元以下罚款"},"fine":{"branches":[{"min":5000000,"max":10000000,"text":"处五万元以上十万元以下罚款"}]}},` +
			newer + `]}]}`
		c, err := ParseCatalogue([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	_, ind, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	in := Input{ItemID: "x", Party: Organization, ActDate: d("2024-05-01"), DiscoveryDate: d("2024-06-01"), Today: d("2025-03-01")}

	e, err := New(cat(`{"effective":"2025-01-01","law_version":"新法","penalty":{"law":"试验法","article":"第一条","text":"处一万元以上五万元以下罚款"},"fine":{"branches":[{"min":1000000,"max":5000000,"text":"处一万元以上五万元以下罚款"}]}}`), ind)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Compute(in)
	if err != nil || r.Version != "2025-01-01" || r.LegalMin != yuan(10000) || r.LegalMax != yuan(50000) || !strings.Contains(explain(r), "新的规定处罚较轻，适用新的规定") {
		t.Errorf("lighter new law: err %v version %s range %s–%s", err, r.Version, Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	// decided before the revision: the law of the act
	in2 := in
	in2.Today = d("2024-12-31")
	if r, err := e.Compute(in2); err != nil || r.Version != "2020-01-01" || r.LegalMin != yuan(50000) {
		t.Errorf("decided before the revision: err %v version %s", err, r.Version)
	}

	e, err = New(cat(`{"effective":"2025-01-01","law_version":"新法","not_offence":true,"penalty":{"law":"试验法","article":"第一条","text":"（已删除）"}}`), ind)
	if err != nil {
		t.Fatal(err)
	}
	r, err = e.Compute(in)
	if err != nil || !r.NoPenalty || r.Tier != TierNone || r.FineFen != 0 || !strings.Contains(explain(r), "不认为是违法") {
		t.Errorf("no longer an offence: err %v no-penalty %v tier %s fine %s", err, r.NoPenalty, r.Tier, Yuan(r.FineFen))
	}
	if _, err := e.Compute(propose(in, yuan(100))); err == nil {
		t.Error("a fine proposed for an act no longer an offence was accepted")
	}
}

// Circumstances whose basis is a sector rule count only for the items that rule governs:
// 价格违法行为行政处罚规定 第十七条第二款 (屡查屡犯 应当从重) only for price items; 产品质量法
// 第五十五条 (销售者不知道是禁止销售的产品) only for 第四十九条至第五十三条; 食品安全法实施条例
// 第七十六条 only for food. Ticked for another item they are refused, naming the field.
func TestSectorCircumstancesApplyToTheirItems(t *testing.T) {
	for _, c := range []struct {
		item, circ string
		ok         bool
	}{
		{"price-9", "price_repeat", true},
		{"cp-56-8", "price_repeat", false},
		{"price-13", "price_refund", true},
		{"price-9", "price_refund", false},
		{"pq-52", "seller_unaware", true},
		{"pq-63", "seller_unaware", false},
		{"food-124-1-5", "food_recall", true},
		{"pq-49", "food_recall", false},
		{"pq-63", "eliminate_harm", true},
	} {
		in := base(c.item)
		am{yuan(5000), yuan(1000), no, no}.apply(&in)
		in.Circumstances = []string{"cooperate", c.circ}
		r, err := engine(t).Compute(in)
		var ie *InputError
		switch {
		case c.ok && err != nil:
			t.Errorf("%s with %s refused: %v", c.item, c.circ, err)
		case c.ok && len(r.Counted) != 2:
			t.Errorf("%s with %s: counted %v", c.item, c.circ, r.Counted)
		case !c.ok && (!errors.As(err, &ie) || ie.Code != ErrNotApplicable || ie.Field != "circumstances[1]" || !strings.Contains(ie.Message, "不适用于本案事项")):
			t.Errorf("%s with %s: err %v, want circumstance_not_applicable on circumstances[1]", c.item, c.circ, err)
		}
	}
}

// Every applies_to entry of the embedded indicators names an item or a domain of the
// embedded catalogue (a typo would silently make the circumstance apply to nothing).
func TestAppliesToNamesCatalogue(t *testing.T) {
	cat, ind, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	domains := map[string]bool{}
	for _, it := range cat.Items {
		domains[it.Domain] = true
	}
	n := 0
	check := func(what string, list []string) {
		for _, a := range list {
			n++
			if _, ok := cat.Item(a); !ok && !domains[a] {
				t.Errorf("%s applies to %q, neither an item nor a domain", what, a)
			}
		}
	}
	for _, c := range ind.Circumstances {
		check("circumstance "+c.ID, c.AppliesTo)
	}
	for _, dl := range ind.Procedure.DecidingLevel {
		check("deciding level", dl.AppliesTo)
	}
	if n < 5 {
		t.Errorf("only %d applies_to entries", n)
	}
}

// 食品安全法实施条例（2019年12月1日施行）第六十七条第一款第（一）项: 违法行为涉及的产品货值金额2万元
// 以上或者违法行为持续时间3个月以上 属于食品安全法第一百二十三条至第一百二十六条、第一百三十二条规定的
// 情节严重情形, and 对情节严重的违法行为处以罚款时，应当依法从重从严. A case that meets it is 情节严重
// by that rule, ticked or not: 应当从重 → 从重 (the top 30 % of the range) and 情节严重的，吊销许可证.
// 第一百二十四条第一款第（五）项:
//   - 货值 20,000.00 元 (以上 includes it): 10–20倍 = 200,000–400,000 元, 从重 10 + 10 × 70 % = 17倍:
//     340,000–400,000 元.
//   - 19,999.99 元: not serious, 一般 (no circumstance): 13倍–17倍 = 259,999.87–339,999.83 元.
//   - 货值 100.00 元 (不足一万元: 五万元以上十万元以下), 2026-01-15 to 2026-04-15 is three months
//     (终了之日 not before the day three months on): 从重 50,000 + 50,000 × 70 % = 85,000–100,000 元;
//     to 2026-04-14 it is one day short: 一般 50,000 + 50,000 × 30 % = 65,000 to 85,000 元.
//   - an act of 2019-06-01 (before the regulation's 2019-12-01): not judged by that article, 一般;
//     30,000.00 元 × 13倍–17倍 = 390,000–510,000 元.
//
// Other facts keep the engine's order: 应当不予处罚 (违法行为轻微并及时改正，没有造成危害后果, 行政处罚法
// 第三十三条第一款) is decided before the fine rule, so no penalty; 应当从轻或减轻 (主动消除危害后果,
// 第三十二条) against the rule's 应当从重 gives 一般 (260,000–340,000 元 for 20,000.00 元), and 减轻
// on request with that circumstance stays 减轻 — 吊销许可证 remains among the kinds.
func TestFoodSeriousByRegulation(t *testing.T) {
	hasKind := func(r Result, k string) bool {
		for _, x := range r.Kinds {
			if x.Kind == k {
				return true
			}
		}
		return false
	}
	askedToTick := func(r Result) bool {
		for _, w := range r.Warnings {
			if strings.Contains(w, "勾选「情节严重」") || strings.Contains(w, "第六十七条第一款第（一）项") {
				return true
			}
		}
		return false
	}
	autoCounted := func(r Result) bool {
		for _, c := range r.Counted {
			if c.ID == "serious" && c.Auto && c.Effect == MustAggravate && strings.Contains(c.Basis, "第六十七条第一款第（一）项") {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		name                  string
		goods                 int64
		act, end, disc, today string
		serious               bool
		why                   string // in SeriousBy
		bandMin, bandMax      int64  // unmarked
	}{
		{"货值2万元", yuan(20000), "2026-03-01", "", "2026-05-01", "2026-06-01", true, "货值金额20,000.00元（20,000.00元以上）", yuan(340000), yuan(400000)},
		{"货值19,999.99元", yuan(20000) - 1, "2026-03-01", "", "2026-05-01", "2026-06-01", false, "", 25_999_987, 33_999_983},
		{"持续3个月", yuan(100), "2026-01-15", "2026-04-15", "2026-05-01", "2026-06-01", true, "违法行为自2026-01-15持续至2026-04-15（3个月以上）", yuan(85000), yuan(100000)},
		{"持续不满3个月", yuan(100), "2026-01-15", "2026-04-14", "2026-05-01", "2026-06-01", false, "", yuan(65000), yuan(85000)},
		{"2019-12-01前的行为", yuan(30000), "2019-06-01", "", "2019-07-01", "2019-11-20", false, "", yuan(390000), yuan(510000)},
	} {
		in := base("food-124-1-5")
		in.Amounts.GoodsValue = Known(c.goods)
		in.ActDate, in.DiscoveryDate, in.Today = d(c.act), d(c.disc), d(c.today)
		if c.end != "" {
			in.ActEndDate = d(c.end)
		}
		r := mustCompute(t, in)
		wantTier := TierGeneral
		if c.serious {
			wantTier = TierSevere
		}
		if r.Serious != c.serious || r.Tier != wantTier || hasKind(r, "吊销许可证件") != c.serious || autoCounted(r) != c.serious || askedToTick(r) {
			t.Errorf("%s unticked: serious %v tier %s revoke %v auto %v warnings %q, want serious %v and %s", c.name, r.Serious, r.Tier, hasKind(r, "吊销许可证件"), autoCounted(r), r.Warnings, c.serious, wantTier)
		}
		if r.BandMin != c.bandMin || r.BandMax != c.bandMax {
			t.Errorf("%s unticked: band %s–%s, want %s–%s", c.name, Yuan(r.BandMin), Yuan(r.BandMax), Yuan(c.bandMin), Yuan(c.bandMax))
		}
		if got := strings.Contains(r.SeriousBy, c.why) && strings.Contains(r.SeriousBy, "食品安全法实施条例第六十七条第一款第（一）项"); got != c.serious || !c.serious && r.SeriousBy != "" {
			t.Errorf("%s: SeriousBy %q, want it to say %q", c.name, r.SeriousBy, c.why)
		}
		if c.serious {
			step := ""
			for _, s := range r.Steps {
				if s.Title == "情节严重" {
					step = s.Text
				}
			}
			if !strings.Contains(step, "依法认定情节严重："+c.why) || !strings.Contains(step, "不以是否勾选为准") {
				t.Errorf("%s: step 情节严重 %q does not say it was 认定 and why", c.name, step)
			}
		}
		// ticked: the same tier and kinds; SeriousBy only where the rule defines it
		in.Serious = true
		r = mustCompute(t, in)
		if askedToTick(r) || r.Tier != TierSevere || !hasKind(r, "吊销许可证件") || !r.Procedure.HearingRight || !r.Serious || (r.SeriousBy != "") != c.serious || autoCounted(r) != c.serious {
			t.Errorf("%s ticked: warned %v tier %s revoke %v hearing %v by %q", c.name, askedToTick(r), r.Tier, hasKind(r, "吊销许可证件"), r.Procedure.HearingRight, r.SeriousBy)
		}
		if c.serious && (r.BandMin != c.bandMin || r.BandMax != c.bandMax) {
			t.Errorf("%s ticked: band %s–%s, want the unticked %s–%s", c.name, Yuan(r.BandMin), Yuan(r.BandMax), Yuan(c.bandMin), Yuan(c.bandMax))
		}
	}

	in := base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(20000))
	in.Circumstances = []string{"minor_no_harm"}
	if r := mustCompute(t, in); !r.NoPenalty || r.Serious || hasKind(r, "吊销许可证件") {
		t.Errorf("应当不予处罚 with 货值2万元: no penalty %v serious %v kinds %+v, want 不予处罚 first", r.NoPenalty, r.Serious, r.Kinds)
	}
	in.Circumstances = []string{"eliminate_harm"}
	r := mustCompute(t, in)
	if r.Tier != TierGeneral || !r.Serious || !hasKind(r, "吊销许可证件") || r.BandMin != yuan(260000) || r.BandMax != yuan(340000) {
		t.Errorf("应当从轻 against the rule's 应当从重: tier %s serious %v band %s–%s, want 一般 260,000.00–340,000.00", r.Tier, r.Serious, Yuan(r.BandMin), Yuan(r.BandMax))
	}
	in.Reduce, in.ReduceReason = true, "主动召回并全部销毁"
	if r := mustCompute(t, in); r.Tier != TierReduce || !r.Serious || !hasKind(r, "吊销许可证件") {
		t.Errorf("减轻 on request: tier %s serious %v, want 减轻 and 情节严重 kept", r.Tier, r.Serious)
	}
}

// 价格违法行为行政处罚规定 第十七条第二款: 经营者有下列情形之一的，应当从重处罚 — (一) 严重或者社会
// 影响较大, (三) 伪造、涂改或者转移、销毁证据, (四) 转移有关资金或者商品 are 应当从重 for price items,
// where the general 伪造、隐匿、毁灭证据 is only 可以从重. 第七条, 没有违法所得 (单位) 5万–50万: with
// 主动消除危害后果 (应当从轻或减轻) and the price rule's evidence circumstance the tier is 一般
// (应当 on both sides); with the general one it stays 从轻 (应当 beats 可以). Both ticked at
// once count the same fact twice and are refused.
func TestPriceAggravatingIsMandatory(t *testing.T) {
	in := base("price-7")
	in.Amounts.IllegalGains = Known(0)
	for _, c := range []struct {
		circ string
		tier Tier
	}{{"price_evidence", TierGeneral}, {"price_serious", TierGeneral}, {"price_transfer", TierGeneral}, {"destroy_evidence", TierLenient}} {
		in.Circumstances = []string{"eliminate_harm", c.circ}
		if r := mustCompute(t, in); r.Tier != c.tier {
			t.Errorf("eliminate_harm + %s: tier %s, want %s", c.circ, r.Tier, c.tier)
		}
	}
	in.Circumstances = []string{"destroy_evidence", "price_evidence"}
	var ie *InputError
	if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrContradiction {
		t.Errorf("both evidence circumstances: %v", err)
	}
	// not for a food item
	in = base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(100))
	in.Circumstances = []string{"price_evidence"}
	if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrNotApplicable {
		t.Errorf("price_evidence on a food item: %v", err)
	}
}
