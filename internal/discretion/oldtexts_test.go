package discretion

import (
	"strings"
	"testing"
)

// Pre-revision texts read in full (see the items' source in data/catalogue.json);
// each case is worked by hand from the article it names. The 一般 band is the
// 30 %–70 % part of the range (indicators.json tier_split).

// 消费者权益保护法, 1993年文本 (in force 1994-01-01; 第五十条 unchanged by the 2009
// 修正): 第五十条 lists 虚假宣传 as 第（六）项, 故意拖延或者无理拒绝 as 第（七）项 and
// 侵害人格尊严、人身自由 as 第（八）项 — not the 2013 numbering. 违法所得 20,000.00 元 →
// 一倍以上五倍以下 2万–10万; 一般 4.4万–7.6万.
func TestConsumerLaw1993ItemNumbers(t *testing.T) {
	for _, c := range []struct {
		id, item, duty, dutyText string
	}{
		{"cp-56-6", "第（六）项", "第十九条", "不得作引人误解的虚假宣传"},
		{"cp-56-8", "第（七）项", "第二十三条", "不得故意拖延或者无理拒绝"},
		{"cp-56-9", "第（八）项", "第二十五条", "不得侵犯消费者的人身自由"},
	} {
		in := base(c.id)
		in.ActDate, in.DiscoveryDate, in.Today = d("2012-05-01"), d("2012-06-01"), d("2012-08-01")
		in.Amounts.IllegalGains = Known(yuan(20000))
		r := mustCompute(t, in)
		p, v := penalty(t, r), violated(t, r)
		if r.Version != "1994-01-01" || p.Article != "第五十条" || p.Paragraph != c.item || !strings.Contains(p.Text, strings.TrimPrefix(strings.TrimSuffix(c.item, "项"), "第")) {
			t.Errorf("%s: version %s 处罚依据 %s%s %q, want 1994-01-01 第五十条%s", c.id, r.Version, p.Article, p.Paragraph, p.Text, c.item)
		}
		if v.Article != c.duty || !strings.Contains(v.Text, c.dutyText) || strings.Contains(v.Text, "unverified") {
			t.Errorf("%s: 违反条款 %s %q, want 1993年文本%s", c.id, v.Article, v.Text, c.duty)
		}
		if r.LegalMin != yuan(20000) || r.LegalMax != yuan(100000) || r.BandMin != yuan(44000) || r.BandMax != yuan(76000) {
			t.Errorf("%s: range %s–%s band %s–%s, want 2万–10万 band 4.4万–7.6万", c.id, Yuan(r.LegalMin), Yuan(r.LegalMax), Yuan(r.BandMin), Yuan(r.BandMax))
		}
	}
}

// 反不正当竞争法, 1993年文本 (in force 1993-12-01 to 2017-12-31): 第九条, 罚则 第二十四条第一款
// 可以根据情节处以一万元以上二十万元以下的罚款. An act of 2017-06-01 decided 2017-10-01:
// 1万–20万, optional; 一般 6.7万–14.3万.
func TestUnfairCompetition1993Text(t *testing.T) {
	in := base("uc-20")
	in.ActDate, in.DiscoveryDate, in.Today = d("2017-06-01"), d("2017-07-01"), d("2017-10-01")
	r := mustCompute(t, in)
	p, v := penalty(t, r), violated(t, r)
	if r.Version != "1993-12-01" || p.Article != "第二十四条" || p.Paragraph != "第一款" || !strings.Contains(p.Text, "一万元以上二十万元以下") || strings.Contains(p.Text, "unverified") {
		t.Errorf("uc-20 in 2017: version %s 处罚依据 %s%s %q", r.Version, p.Article, p.Paragraph, p.Text)
	}
	if v.Article != "第九条" || !strings.Contains(v.Text, "作引人误解的虚假宣传") || strings.Contains(v.Text, "unverified") {
		t.Errorf("uc-20 in 2017: 违反条款 %s %q", v.Article, v.Text)
	}
	if r.LegalMin != yuan(10000) || r.LegalMax != yuan(200000) || !r.FineOptional || r.BandMin != yuan(67000) || r.BandMax != yuan(143000) {
		t.Errorf("uc-20 in 2017: range %s–%s optional %v band %s–%s, want 1万–20万 可以 band 6.7万–14.3万",
			Yuan(r.LegalMin), Yuan(r.LegalMax), r.FineOptional, Yuan(r.BandMin), Yuan(r.BandMax))
	}
}

// 广告法: the 2015 and 2018 texts still hold 第六十条 (未办理广告发布登记); the 2021 修正
// deleted it and the later articles moved up one. 一键关闭 is 第六十三条第二款 before,
// 第六十二条第二款 after (五千元以上三万元以下, 一般 1.25万–2.25万); 不予制止 is 第六十四条
// before, 第六十三条 after (违法所得不足五万元的，并处一万元以上五万元以下, 一般 2.2万–3.8万).
func TestAdvertisingLaw2021Renumbering(t *testing.T) {
	for _, c := range []struct {
		name, id, act, decided, version, article, paragraph string
		gains, min, max, bandMin, bandMax                   int64
		say                                                 string
	}{
		{"一键关闭 2020", "ad-62-2", "2020-05-01", "2020-08-01", "2015-09-01", "第六十三条", "第二款", -1, yuan(5000), yuan(30000), yuan(12500), yuan(22500), ""},
		{"一键关闭 2021", "ad-62-2", "2021-06-01", "2021-09-01", "2021-04-29", "第六十二条", "第二款", -1, yuan(5000), yuan(30000), yuan(12500), yuan(22500), ""},
		// Act before the 修正, decided after: same range, so the law of the act (行政处罚法第三十七条).
		{"一键关闭 跨修正", "ad-62-2", "2021-03-01", "2021-06-01", "2015-09-01", "第六十三条", "第二款", -1, yuan(5000), yuan(30000), yuan(12500), yuan(22500), "新的规定处罚不轻于旧法"},
		{"不予制止 2019", "ad-63", "2019-05-01", "2019-06-01", "2015-09-01", "第六十四条", "", yuan(30000), yuan(10000), yuan(50000), yuan(22000), yuan(38000), ""},
		{"不予制止 2022", "ad-63", "2022-05-01", "2022-06-01", "2021-04-29", "第六十三条", "", yuan(30000), yuan(10000), yuan(50000), yuan(22000), yuan(38000), ""},
	} {
		in := base(c.id)
		in.ActDate, in.DiscoveryDate, in.Today = d(c.act), d(c.act).AddDate(0, 0, 10), d(c.decided)
		if c.gains >= 0 {
			in.Amounts.IllegalGains = Known(c.gains)
		}
		r := mustCompute(t, in)
		p := penalty(t, r)
		if r.Version != c.version || p.Article != c.article || p.Paragraph != c.paragraph {
			t.Errorf("%s: version %s 处罚依据 %s%s, want %s %s%s", c.name, r.Version, p.Article, p.Paragraph, c.version, c.article, c.paragraph)
		}
		if r.LegalMin != c.min || r.LegalMax != c.max || r.BandMin != c.bandMin || r.BandMax != c.bandMax {
			t.Errorf("%s: range %s–%s band %s–%s, want %s–%s band %s–%s", c.name, Yuan(r.LegalMin), Yuan(r.LegalMax), Yuan(r.BandMin), Yuan(r.BandMax),
				Yuan(c.min), Yuan(c.max), Yuan(c.bandMin), Yuan(c.bandMax))
		}
		if x := explain(r); c.say != "" && (!strings.Contains(x, c.say) || !strings.Contains(x, "第三十七条")) {
			t.Errorf("%s: explanation lacks %q:\n%s", c.name, c.say, x)
		}
	}
}

// 食品安全法 2015年文本 (in force 2015-10-01) 第一百二十四条第一款第（四）项 and 产品质量法
// 2000年文本 (in force 2000-09-01) 第五十条, read in full: the same ranges as the current texts.
// 食品: 货值金额 15,000.00 元 (一万元以上) → 十倍以上二十倍以下 15万–30万, 一般 19.5万–25.5万.
// 产品质量: 货值金额 10,000.00 元 → 百分之五十以上三倍以下 5千–3万, 一般 1.25万–2.25万.
func TestFood2015AndProductQuality2000Texts(t *testing.T) {
	for _, c := range []struct {
		id, act, version, article         string
		goods, min, max, bandMin, bandMax int64
	}{
		{"food-124-1-4", "2016-03-01", "2015-10-01", "第一百二十四条", yuan(15000), yuan(150000), yuan(300000), yuan(195000), yuan(255000)},
		{"pq-50", "2005-03-01", "2000-09-01", "第五十条", yuan(10000), yuan(5000), yuan(30000), yuan(12500), yuan(22500)},
	} {
		in := base(c.id)
		in.ActDate, in.DiscoveryDate, in.Today = d(c.act), d(c.act).AddDate(0, 1, 0), d(c.act).AddDate(0, 3, 0)
		in.Amounts.GoodsValue = Known(c.goods)
		r := mustCompute(t, in)
		if r.Version != c.version || penalty(t, r).Article != c.article {
			t.Errorf("%s: version %s article %s, want %s %s", c.id, r.Version, penalty(t, r).Article, c.version, c.article)
		}
		if r.LegalMin != c.min || r.LegalMax != c.max || r.BandMin != c.bandMin || r.BandMax != c.bandMax {
			t.Errorf("%s: range %s–%s band %s–%s, want %s–%s band %s–%s", c.id, Yuan(r.LegalMin), Yuan(r.LegalMax), Yuan(r.BandMin), Yuan(r.BandMax),
				Yuan(c.min), Yuan(c.max), Yuan(c.bandMin), Yuan(c.bandMax))
		}
	}
}

// 行政处罚法 第四十九条: 发生重大传染病疫情等突发事件……对违反突发事件应对措施的行为，依法快速、
// 从重处罚 — the statute's words are not 可以, so the circumstance is 应当从重 (it was 可以从重).
// 广告法 第五十九条第一款第（一）项: 对广告主处十万元以下 — 从轻 0–3万, 一般 3万–7万, 从重 7万–10万.
// With 积极配合调查 (可以从轻或减轻) the tier is now 从重 (应当 beats 可以; before: 一般); with
// 主动消除危害后果 (行政处罚法第三十二条, 应当从轻或减轻) it is 一般 (both 应当; before: 从轻).
func TestEmergencyMustAggravate(t *testing.T) {
	for _, c := range []struct {
		circs            []string
		tier             Tier
		bandMin, bandMax int64
	}{
		{[]string{"emergency"}, TierSevere, yuan(70000), yuan(100000)},
		{[]string{"cooperate", "emergency"}, TierSevere, yuan(70000), yuan(100000)},
		{[]string{"eliminate_harm", "emergency"}, TierGeneral, yuan(30000), yuan(70000)},
	} {
		in := base("ad-59-1-1")
		in.Circumstances = c.circs
		r := mustCompute(t, in)
		if r.LegalMin != 0 || r.LegalMax != yuan(100000) || r.Tier != c.tier || r.BandMin != c.bandMin || r.BandMax != c.bandMax {
			t.Errorf("%v: range %s–%s tier %s band %s–%s, want 0–10万 %s %s–%s", c.circs, Yuan(r.LegalMin), Yuan(r.LegalMax), r.Tier,
				Yuan(r.BandMin), Yuan(r.BandMax), c.tier, Yuan(c.bandMin), Yuan(c.bandMax))
		}
		found := false
		for _, k := range r.Counted {
			if k.ID == "emergency" {
				found = k.Effect == MustAggravate && strings.Contains(k.Basis, "行政处罚法第四十九条")
			}
		}
		if !found {
			t.Errorf("%v: emergency not counted as 应当从重 under 行政处罚法第四十九条: %+v", c.circs, r.Counted)
		}
	}
}
