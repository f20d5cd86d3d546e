package discretion

import (
	"strings"
	"testing"
)

// propose returns in with the officer's proposal p (分) and a reason.
func propose(in Input, p int64) Input {
	in.ProposedFen, in.ProposalReason = &p, "结合案情酌定"
	return in
}

// 行政处罚法 第五十一条: 对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者
// 警告的，可以当场作出 — 以下 includes the number: 200.00 元 and 3,000.00 元 may be
// decided on the spot, 200.01 元 and 3,000.01 元 may not. 广告法 第五十九条第一款 (对广告主
// 处十万元以下的罚款, no confiscation) leaves the whole range open to the proposal.
func TestOnSpotBoundary(t *testing.T) {
	for _, c := range []struct {
		party PartyKind
		fine  int64
		want  bool
	}{
		{Natural, yuan(200), true},
		{Natural, yuan(200) + 1, false},
		{Organization, yuan(3000), true},
		{Organization, yuan(3000) + 1, false},
		{Natural, 1, true},
	} {
		in := base("ad-59-1-1")
		in.Party = c.party
		r := mustCompute(t, propose(in, c.fine))
		if r.Procedure.OnSpot != c.want {
			t.Errorf("%s fined %s: on-spot %v, want %v (%v)", c.party, Yuan(c.fine), r.Procedure.OnSpot, c.want, r.Procedure.Reasons)
		}
		if c.want && !strings.Contains(strings.Join(r.Procedure.Reasons, ""), "第五十一条") {
			t.Errorf("%s fined %s: reasons do not cite 第五十一条: %v", c.party, Yuan(c.fine), r.Procedure.Reasons)
		}
	}
	// A warning alone (食品安全法第一百二十六条, 未拒不改正) may be given on the spot; a
	// confiscation (价格违法行为行政处罚规定第十三条 没收违法所得) may not, however small the fine.
	if r := mustCompute(t, base("food-126-1-5")); !r.Procedure.OnSpot || r.FineFen != 0 {
		t.Errorf("warning only: on-spot %v fine %s", r.Procedure.OnSpot, Yuan(r.FineFen))
	}
	// 消费者权益保护法第五十六条第一款第（八）项: 可以……没收违法所得; no 违法所得 (known to be
	// nil, so 处以五十万元以下的罚款): a person fined 100 元 may be decided on the spot; with
	// 违法所得 of 50 元 the allowed confiscation keeps it out of 第五十一条
	for _, c := range []struct {
		gains Amount
		want  bool
	}{{Known(0), true}, {Known(yuan(50)), false}} {
		in := base("cp-56-8")
		in.Party = Natural
		in.Amounts.IllegalGains = c.gains
		r := mustCompute(t, propose(in, yuan(100)))
		if r.Procedure.OnSpot != c.want {
			t.Errorf("消法第五十六条, 违法所得 %+v, fined 100 元: on-spot %v, want %v (confiscations %+v)", c.gains, r.Procedure.OnSpot, c.want, r.Confiscations)
		}
	}
	in := base("price-13")
	in.Party = Natural
	in.Amounts.IllegalGains = Known(yuan(50))
	if r := mustCompute(t, propose(in, yuan(100))); r.Procedure.OnSpot {
		t.Errorf("fine with 没收违法所得 allowed on the spot: %v", r.Procedure.Reasons)
	}
}

// 听证 (行政处罚法第六十三条; 市场监督管理行政处罚听证办法（2021年修正）第五条第一款第（三）项:
// 对自然人处以一万元以上、对法人或者其他组织处以十万元以上罚款; 第（四）项: 没收违法所得和非法财物
// 价值总额达到同等数额; 第三十一条: “以上”包括本数 — statute text, see indicators.json
// procedure.hearing_source). With a hearing right comes 法制审核 (第五十八条
// 第一款第（二）项). The platform puts fines of 十万元以上 to collective discussion (data:
// procedure.collective_fen).
func TestHearingBoundary(t *testing.T) {
	if pr := engine(t).Ind.Procedure; pr.HearingNaturalFen != yuan(10000) || pr.HearingOrgFen != yuan(100000) || !strings.HasPrefix(pr.HearingSource, "verified") {
		t.Fatalf("hearing thresholds %s / %s, source %q", Yuan(pr.HearingNaturalFen), Yuan(pr.HearingOrgFen), pr.HearingSource)
	}
	for _, c := range []struct {
		party               PartyKind
		fine                int64
		hearing, collective bool
	}{
		{Natural, yuan(10000), true, false},
		{Natural, yuan(10000) - 1, false, false},
		{Organization, yuan(100000), true, true},
		{Organization, yuan(100000) - 1, false, false},
	} {
		in := base("ad-59-1-1")
		in.Party = c.party
		r := mustCompute(t, propose(in, c.fine))
		p := r.Procedure
		if p.HearingRight != c.hearing || p.LegalReview != c.hearing || p.Collective != c.collective {
			t.Errorf("%s fined %s: hearing %v review %v collective %v, want %v %v %v", c.party, Yuan(c.fine), p.HearingRight, p.LegalReview, p.Collective, c.hearing, c.hearing, c.collective)
		}
	}
	// 没收违法所得 of 10,000.00 元 from a natural person (价格违法行为行政处罚规定第十三条: the fine
	// itself is at most 5,000 元) reaches the amount too; 9,999.99 元 does not.
	for _, c := range []struct {
		gains int64
		want  bool
	}{{yuan(10000), true}, {yuan(10000) - 1, false}} {
		in := base("price-13")
		in.Party = Natural
		in.Amounts.IllegalGains = Known(c.gains)
		r := mustCompute(t, propose(in, yuan(1000)))
		if r.Procedure.HearingRight != c.want {
			t.Errorf("没收违法所得 %s: hearing %v, want %v", Yuan(c.gains), r.Procedure.HearingRight, c.want)
		}
	}
}

// The procedure follows the fine to be decided (拟作出): a proposal above the suggestion
// can bring a hearing, one below can take it away. 反不正当竞争法（2019）第二十二条
// 五万元以上五十万元以下, 从轻 (主动消除危害后果): band 50,000–185,000 元; the suggestion is
// below 100,000 元, a proposal of 120,000 元 is a 较大数额 for an organisation.
func TestProcedureFollowsProposal(t *testing.T) {
	in := base("uc-22")
	in.ActDate, in.DiscoveryDate = d("2025-06-01"), d("2025-08-01")
	in.Circumstances = []string{"eliminate_harm"}
	r := mustCompute(t, in)
	if r.FineFen >= yuan(100000) || r.Procedure.HearingRight {
		t.Fatalf("suggestion %s hearing %v: the case no longer tests what it should", Yuan(r.FineFen), r.Procedure.HearingRight)
	}
	r = mustCompute(t, propose(in, yuan(120000)))
	if !r.Procedure.HearingRight || !r.Procedure.LegalReview || !r.Procedure.Collective {
		t.Errorf("proposal 120,000.00元: procedure %+v, want hearing, review, collective", r.Procedure)
	}
	// 消费者权益保护法第五十六条 (可以根据情节单处或者并处警告、…罚款): the suggested fine of a
	// case without 违法所得 is a 较大数额, but the officer proposes a warning only.
	in = base("cp-56-8")
	in.Party = Natural
	in.Amounts.IllegalGains = Known(0)
	r = mustCompute(t, in)
	if !r.Procedure.HearingRight {
		t.Fatalf("suggestion %s without hearing right", Yuan(r.FineFen))
	}
	r = mustCompute(t, propose(in, 0))
	if r.Procedure.HearingRight || r.Procedure.Collective {
		t.Errorf("warning only: procedure %+v, want neither hearing nor collective discussion", r.Procedure)
	}
}

// 法制审核 (第五十八条第一款第（一）项 重大公共利益, 第（三）项 疑难复杂) and collective discussion
// (第五十七条第二款), and 减轻 below the minimum (platform rule: review and collective discussion).
func TestLegalReviewAndCollective(t *testing.T) {
	in := propose(base("ad-59-1-1"), yuan(1000))
	if p := mustCompute(t, in).Procedure; p.LegalReview || p.Collective || p.HearingRight {
		t.Fatalf("plain case: %+v", p)
	}
	in.MajorPublicInterest = true
	if p := mustCompute(t, in).Procedure; !p.LegalReview || p.Collective || !strings.Contains(strings.Join(p.Reasons, ""), "第五十八条第一款第（一）项") {
		t.Errorf("重大公共利益: %+v", p)
	}
	in.MajorPublicInterest, in.Complex = false, true
	if p := mustCompute(t, in).Procedure; !p.LegalReview || !p.Collective || !strings.Contains(strings.Join(p.Reasons, ""), "第五十七条第二款") {
		t.Errorf("疑难复杂: %+v", p)
	}
	in = base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(100))
	in.Circumstances = []string{"eliminate_harm"}
	in.Reduce, in.ReduceReason = true, "主动召回全部问题食品"
	if r := mustCompute(t, in); r.Tier != TierReduce || !r.Procedure.LegalReview || !r.Procedure.Collective {
		t.Errorf("减轻: tier %s procedure %+v", r.Tier, r.Procedure)
	}
}

// Kinds that come with the fine's prerequisite. 特种设备安全法 第八十六条: 责令限期改正；逾期未改正的，
// 责令停止使用有关特种设备或者停产停业整顿，处一万元以上五万元以下罚款 — before the deadline has
// passed there is neither 停产停业 nor a hearing. 食品安全法 第一百三十二条: 给予警告；拒不改正的，
// 责令停产停业，并处一万元以上五万元以下罚款 — 停产停业 comes with the fine and brings a hearing
// (第六十三条第一款第（四）项) and collective discussion.
func TestKindsOnPrerequisite(t *testing.T) {
	has := func(ks []Kind, kind string) bool {
		for _, k := range ks {
			if k.Kind == kind {
				return true
			}
		}
		return false
	}
	in := base("se-86")
	r := mustCompute(t, in)
	if r.Tier != TierNoFine || has(r.Kinds, "责令停产停业") || r.Procedure.HearingRight || r.Procedure.Collective {
		t.Errorf("se-86 before 逾期未改正: tier %s kinds %v procedure %+v", r.Tier, r.Kinds, r.Procedure)
	}
	in.PrerequisiteMet = true
	r = mustCompute(t, in)
	if r.LegalMin != yuan(10000) || r.LegalMax != yuan(50000) || !has(r.Kinds, "责令停产停业") || !r.Procedure.HearingRight {
		t.Errorf("se-86 逾期未改正: range %s–%s kinds %v procedure %+v", Yuan(r.LegalMin), Yuan(r.LegalMax), r.Kinds, r.Procedure)
	}
	in = base("food-132")
	r = mustCompute(t, in)
	if has(r.Kinds, "责令停产停业") || !has(r.Kinds, "警告") || !r.Procedure.OnSpot || r.Procedure.HearingRight {
		t.Errorf("food-132 before 拒不改正: kinds %v procedure %+v", r.Kinds, r.Procedure)
	}
	in.PrerequisiteMet = true
	r = mustCompute(t, in)
	if !has(r.Kinds, "责令停产停业") || !r.Procedure.HearingRight || !r.Procedure.Collective || r.Procedure.OnSpot {
		t.Errorf("food-132 拒不改正: kinds %v procedure %+v", r.Kinds, r.Procedure)
	}
	// a kind tied to a prerequisite the fine rule does not have is refused when the data is read
	bad := `{"items":[{"id":"x","name":"n","source":"s","versions":[{"effective":"2020-01-01","penalty":{"law":"l","article":"a","text":"t"},` +
		`"kinds":[{"kind":"责令停产停业","mandatory":true,"on_prerequisite":true}],"fine":{"branches":[{"min":100,"max":500,"text":"t"}]}}]}]}`
	if _, err := ParseCatalogue([]byte(bad)); err == nil || !strings.Contains(err.Error(), "prerequisite") {
		t.Errorf("kind on a missing prerequisite accepted: %v", err)
	}
}

// The procedural articles the result relies on are cited with their text, so that a 法制审核员
// reads them beside the reasons: 第六十三条 with a hearing, 第五十八条 with 法制审核, 第五十七条
// with collective discussion, 第五十一条 for a decision on the spot.
func TestProcedureCitations(t *testing.T) {
	cited := func(r Result) map[string]string {
		m := map[string]string{}
		for _, c := range r.Citations {
			if c.Role == "程序依据" {
				m[c.Article] = c.Text
			}
		}
		return m
	}
	in := base("ad-59-1-1")
	m := cited(mustCompute(t, propose(in, yuan(100000))))
	if len(m) != 3 || !strings.Contains(m["第六十三条"], "较大数额罚款") || !strings.Contains(m["第五十八条"], "法制审核") || !strings.Contains(m["第五十七条"], "集体讨论决定") {
		t.Errorf("100,000.00元 to an organisation: 程序依据 %v", m)
	}
	m = cited(mustCompute(t, propose(in, yuan(3000))))
	if len(m) != 1 || !strings.Contains(m["第五十一条"], "三千元以下") {
		t.Errorf("3,000.00元 to an organisation: 程序依据 %v", m)
	}
	if m = cited(mustCompute(t, propose(in, yuan(5000)))); len(m) != 0 {
		t.Errorf("5,000.00元 to an organisation: 程序依据 %v, want none", m)
	}
}

// 食品安全法实施条例 第八十一条: 处以30万元以上罚款的，由设区的市级以上人民政府食品安全监督管理部门决定
// (以上 includes the number): a food fine of 300,000.00 元 carries the warning, 299,999.99 元 does
// not, nor does a 300,000.00 元 fine under another law (反不正当竞争法 第二十五条).
func TestFoodLargeFineDecidedByCity(t *testing.T) {
	warned := func(r Result) bool {
		return strings.Contains(strings.Join(r.Warnings, ""), "食品安全法实施条例第八十一条")
	}
	in := base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(19000)) // 19万–38万
	for _, c := range []struct {
		fine int64
		want bool
	}{{yuan(300000), true}, {yuan(300000) - 1, false}} {
		if r := mustCompute(t, propose(in, c.fine)); warned(r) != c.want {
			t.Errorf("food fine %s: warned %v, want %v", Yuan(c.fine), warned(r), c.want)
		}
	}
	uc := base("uc-20")
	if r := mustCompute(t, propose(uc, yuan(300000))); warned(r) {
		t.Error("the food rule warned on a 反不正当竞争法 case")
	}
}
