package discretion

import (
	"errors"
	"strings"
	"testing"
)

// Worked by hand: 食品安全法第一百二十四条第一款第（五）项, 货值10,000.00元
// (一万元以上 → 十倍以上二十倍以下 = 10万–20万), no circumstances → 一般,
// band 13万(13倍)–17万(17倍).
// 个案: 货值60×3 + 持续20×2 + 过错50×3 + 规模30×2 + 群体30×2 + 人数20×2 = 530, /14 = 37.85 (3785 bp)
// 共性: 50 (5000 bp). 影响: 40×3+30×2+30×2+30×2+20×1 = 320, /10 = 32 (3200 bp)
// 综合: (40×3785 + 35×5000 + 25×3200)/100 = 4064 bp
// 罚款: 130,000 + 40,000 × 40.64% = 146,256.00元.
func TestHandWorkedFine(t *testing.T) {
	in := base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(10000))
	r := mustCompute(t, in)
	if r.Score != 4064 {
		t.Errorf("score = %d, want 4064", r.Score)
	}
	if r.FineFen != yuan(146256) {
		t.Errorf("fine = %s, want 146,256.00元", Yuan(r.FineFen))
	}
	if r.Position != 4626 { // (146256−100000)/100000
		t.Errorf("position = %d, want 4626", r.Position)
	}
	if !r.Procedure.HearingRight || !r.Procedure.LegalReview || !r.Procedure.Collective || r.Procedure.OnSpot {
		t.Errorf("procedure = %+v", r.Procedure)
	}
	for _, want := range []string{"第一百二十四条", "货值金额10,000.00元以上（含本数）", "13倍", "146,256.00元", "第三十六条"} {
		if !strings.Contains(explain(r), want) {
			t.Errorf("explanation lacks %q", want)
		}
	}
	// Confiscations: 违法所得 and the food are mandatory, the tools optional.
	if len(r.Confiscations) != 3 || !r.Confiscations[1].Mandatory || r.Confiscations[2].Mandatory {
		t.Errorf("confiscations = %+v", r.Confiscations)
	}
}

func explain(r Result) string {
	var b strings.Builder
	for _, s := range r.Steps {
		b.WriteString(s.Title + "：" + s.Text + "\n")
	}
	for _, c := range r.Citations {
		b.WriteString(c.Cite() + c.Text + "\n")
	}
	return b.String()
}

// Tier band edges for 第一百二十四条, 货值15,000元: range 15万–30万 (10–20倍).
func TestTierBands(t *testing.T) {
	cases := []struct {
		name   string
		circs  []string
		reduce bool
		tier   Tier
		lo, hi int64
	}{
		{"从轻 lowest 30%: 10–13倍", []string{"eliminate_harm"}, false, TierLenient, yuan(150000), yuan(195000)},
		{"一般 30–70%: 13–17倍", nil, false, TierGeneral, yuan(195000), yuan(255000)},
		{"从重 top 30%: 17–20倍", []string{"obstruct"}, false, TierSevere, yuan(255000), yuan(300000)},
		{"both → 一般", []string{"cooperate", "obstruct"}, false, TierGeneral, yuan(195000), yuan(255000)},
		{"应当从轻 beats 可以从重", []string{"confess", "obstruct"}, false, TierLenient, yuan(150000), yuan(195000)},
		{"减轻: 10% of minimum up to below minimum", []string{"eliminate_harm"}, true, TierReduce, yuan(15000), yuan(150000) - 1},
	}
	for _, c := range cases {
		in := base("food-124-1-5")
		in.Amounts.GoodsValue = Known(yuan(15000))
		in.Circumstances = c.circs
		if c.reduce {
			in.Reduce, in.ReduceReason = true, "当事人主动召回全部问题食品，未造成危害后果"
		}
		r := mustCompute(t, in)
		if r.Tier != c.tier || r.BandMin != c.lo || r.BandMax != c.hi {
			t.Errorf("%s: tier %s band %s–%s, want %s %s–%s", c.name, r.Tier, Yuan(r.BandMin), Yuan(r.BandMax), c.tier, Yuan(c.lo), Yuan(c.hi))
		}
		if r.FineFen < r.BandMin || r.FineFen > r.BandMax {
			t.Errorf("%s: fine %s outside band", c.name, Yuan(r.FineFen))
		}
	}
}

// Boundary of the base switch: 不足一万元 excludes 10,000.00; 一万元以上 includes it.
func TestSwitchBoundary(t *testing.T) {
	for _, c := range []struct {
		goods    int64
		min, max int64
	}{
		{999999, yuan(50000), yuan(100000)},
		{1000000, yuan(100000), yuan(200000)},
		{1000001, 100000*100 + 10, 200000*100 + 20}, // 10,000.01 × 10 = 100,000.10; × 20 = 200,000.20
	} {
		in := base("food-124-1-5")
		in.Amounts.GoodsValue = Known(c.goods)
		r := mustCompute(t, in)
		if r.LegalMin != c.min || r.LegalMax != c.max {
			t.Errorf("货值 %s: range %s–%s, want %s–%s", Yuan(c.goods), Yuan(r.LegalMin), Yuan(r.LegalMax), Yuan(c.min), Yuan(c.max))
		}
	}
}

func TestBadInput(t *testing.T) {
	neg := int64(-1)
	over := yuan(3000000)
	cases := []struct {
		name, field, code string
		mod               func(*Input)
	}{
		{"unknown item", "item_id", ErrUnknownItem, func(in *Input) { in.ItemID = "no-such" }},
		{"bad party", "party", ErrBadParty, func(in *Input) { in.Party = "" }},
		{"negative goods", "amounts.goods_value", ErrNegativeAmount, func(in *Input) { in.Amounts.GoodsValue = Known(-100) }},
		{"huge amount", "amounts.goods_value", ErrAmountTooLarge, func(in *Input) { in.Amounts.GoodsValue = Known(MaxAmountFen + 1) }},
		{"base missing", "amounts.goods_value", ErrBaseMissing, func(in *Input) { in.Amounts.GoodsValue = Amount{} }},
		{"base undeterminable without fallback", "amounts.goods_value", ErrBaseMissing, func(in *Input) { in.Amounts.GoodsValue = Amount{Undeterminable: true} }},
		{"act in the future", "act_date", ErrFutureDate, func(in *Input) { in.ActDate = d("2026-06-02") }},
		{"discovery in the future", "discovery_date", ErrFutureDate, func(in *Input) { in.DiscoveryDate = d("2026-07-01") }},
		{"discovery before act", "discovery_date", ErrBadDate, func(in *Input) { in.DiscoveryDate = d("2026-02-01") }},
		{"end before start", "act_end_date", ErrBadDate, func(in *Input) { in.ActEndDate = d("2026-02-01") }},
		{"no today", "today", ErrBadDate, func(in *Input) { in.Today = d("0001-01-01") }},
		{"unknown circumstance", "circumstances[0]", ErrUnknownCircumstance, func(in *Input) { in.Circumstances = []string{"lucky"} }},
		{"初次违法 with 两年内再犯", "circumstances", ErrContradiction, func(in *Input) { in.Circumstances = []string{"first_minor", "repeat_2y"} }},
		{"初次违法 with priors", "circumstances", ErrContradiction, func(in *Input) {
			in.Circumstances = []string{"first_minor"}
			in.PriorsKnown, in.PriorSameKind2Years = true, 1
		}},
		{"再犯 without priors", "circumstances", ErrContradiction, func(in *Input) {
			in.Circumstances = []string{"repeat_2y"}
			in.PriorsKnown = true
		}},
		{"1y > 2y", "prior_same_kind_1y", ErrContradiction, func(in *Input) { in.PriorsKnown, in.PriorSameKind1Year = true, 2 }},
		{"unknown factor", "case_factors.colour", ErrUnknownFactor, func(in *Input) { in.CaseFactors = map[string]string{"colour": "red"} }},
		{"unknown option", "case_factors.fault", ErrUnknownFactor, func(in *Input) { in.CaseFactors = map[string]string{"fault": "evil"} }},
		{"computed factor chosen", "case_factors.goods_value", ErrUnknownFactor, func(in *Input) { in.CaseFactors = map[string]string{"goods_value": "x"} }},
		{"reduce without reason", "reduce_reason", ErrReasonMissing, func(in *Input) { in.Reduce = true; in.Circumstances = []string{"confess"} }},
		{"reduce without circumstance", "reduce", ErrReduceNotAllowed, func(in *Input) { in.Reduce, in.ReduceReason = true, "情节轻微" }},
		{"proposal below minimum", "proposed_fen", ErrProposalOutOfRange, func(in *Input) { p := yuan(90000); in.ProposedFen = &p; in.ProposalReason = "x" }},
		{"proposal above maximum", "proposed_fen", ErrProposalOutOfRange, func(in *Input) { in.ProposedFen = &over }},
		{"negative proposal", "proposed_fen", ErrNegativeAmount, func(in *Input) { in.ProposedFen = &neg }},
		{"proposal differs without reason", "proposal_reason", ErrReasonMissing, func(in *Input) { p := yuan(120000); in.ProposedFen = &p }},
	}
	for _, c := range cases {
		in := base("food-124-1-5")
		in.Amounts.GoodsValue = Known(yuan(10000))
		c.mod(&in)
		_, err := engine(t).Compute(in)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: err = %v, want *InputError", c.name, err)
			continue
		}
		if ie.Field != c.field || ie.Code != c.code {
			t.Errorf("%s: got %s/%s, want %s/%s (%s)", c.name, ie.Field, ie.Code, c.field, c.code, ie.Message)
		}
		if ie.Message == "" || !hasHan(ie.Message) {
			t.Errorf("%s: message %q is not Chinese", c.name, ie.Message)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestProposal(t *testing.T) {
	in := base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(10000))
	p := yuan(120000)
	in.ProposedFen, in.ProposalReason = &p, "当事人经营规模小，主动配合"
	if _, err := engine(t).Compute(in); err != nil {
		t.Errorf("in-range proposal with reason rejected: %v", err)
	}
	// Below minimum is allowed only with 减轻 and a reason, not below the 减轻 floor.
	in.Circumstances = []string{"eliminate_harm"}
	in.Reduce, in.ReduceReason = true, "主动召回，消除危害后果"
	p = yuan(60000)
	if _, err := engine(t).Compute(in); err != nil {
		t.Errorf("reasoned 减轻 proposal rejected: %v", err)
	}
	p = yuan(9000) // below 10% of 10万
	var ie *InputError
	if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrProposalOutOfRange {
		t.Errorf("proposal below 减轻 floor: err = %v", err)
	}
	// 可以并处: a zero fine is lawful.
	in2 := base("meas-43")
	z := int64(0)
	in2.ProposedFen, in2.ProposalReason = &z, "首次发现，已送检"
	if _, err := engine(t).Compute(in2); err != nil {
		t.Errorf("zero proposal on 可以并处 rejected: %v", err)
	}
	// 并处: zero is below the minimum.
	in.Reduce, in.Circumstances = false, nil
	if _, err := engine(t).Compute(func() Input { x := in; x.ProposedFen = &z; return x }()); !errors.As(err, &ie) || ie.Code != ErrProposalOutOfRange {
		t.Errorf("zero proposal on 并处: err = %v", err)
	}
}

// 第三十六条: two years; five with life-health safety and harm.
func TestLimitation(t *testing.T) {
	for _, c := range []struct {
		name      string
		item      string
		act, disc string
		end       string
		harm      bool
		barred    bool
	}{
		{"discovered on the last day of two years", "price-13", "2024-06-01", "2026-06-01", "", false, false},
		{"discovered one day late", "price-13", "2024-05-31", "2026-06-01", "", false, true},
		{"continuing act counts from its end", "price-13", "2023-01-01", "2026-05-01", "2024-06-01", false, false},
		{"food with harm: five years", "food-124-1-5", "2022-01-01", "2026-05-01", "", true, false},
		{"food without harm: two years", "food-124-1-5", "2022-01-01", "2026-05-01", "", false, true},
		{"five years exceeded", "food-124-1-5", "2021-04-30", "2026-05-01", "", true, true},
	} {
		in := base(c.item)
		in.ActDate, in.DiscoveryDate, in.HarmOccurred = d(c.act), d(c.disc), c.harm
		if c.end != "" {
			in.ActEndDate = d(c.end)
		}
		in.Amounts.GoodsValue = Known(yuan(500))
		r := mustCompute(t, in)
		if r.Barred != c.barred {
			t.Errorf("%s: barred = %v, want %v", c.name, r.Barred, c.barred)
		}
		if c.barred && (r.FineFen != 0 || !r.NoPenalty) {
			t.Errorf("%s: barred case has a penalty", c.name)
		}
	}
}

// 第三十七条 从旧兼从轻.
func TestOldOrLighterLaw(t *testing.T) {
	// 反不正当竞争法: act under the 1993 law (1万–20万), decided under the 2017 law
	// (20万–100万): the new law is heavier, the old one applies.
	in := base("uc-20")
	in.ActDate, in.DiscoveryDate, in.Today = d("2017-11-20"), d("2017-12-20"), d("2018-03-01")
	r := mustCompute(t, in)
	if r.Version != "1993-12-01" || r.LegalMin != yuan(10000) || r.LegalMax != yuan(200000) {
		t.Errorf("uc-20: version %s range %s–%s, want 1993 law 1万–20万", r.Version, Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	if !strings.Contains(explain(r), "第三十七条") {
		t.Error("explanation does not cite 第三十七条")
	}
	// An act after the revision takes the new law.
	in.ActDate, in.DiscoveryDate = d("2018-01-02"), d("2018-01-10")
	if r := mustCompute(t, in); r.Version != "2018-01-01" || r.LegalMin != yuan(200000) {
		t.Errorf("uc-20 after revision: %s %s", r.Version, Yuan(r.LegalMin))
	}
	// 消费者权益保护法, 没有违法所得: old law 一万元以下, new law 五十万元以下 → old applies.
	in = base("cp-56-8")
	in.ActDate, in.DiscoveryDate, in.Today = d("2014-01-10"), d("2014-02-01"), d("2014-04-01")
	in.Amounts.IllegalGains = Known(0)
	if r := mustCompute(t, in); r.Version != "1994-01-01" || r.LegalMax != yuan(10000) {
		t.Errorf("cp-56-8: version %s max %s", r.Version, Yuan(r.LegalMax))
	}
	// Act before the earliest version the catalogue holds: a clear error.
	in = base("ec-77")
	in.ActDate, in.DiscoveryDate, in.Today = d("2018-06-01"), d("2018-07-01"), d("2019-03-01")
	var ie *InputError
	if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrNoVersion || ie.Field != "act_date" {
		t.Errorf("act before earliest version: %v", err)
	}
	// 反不正当竞争法 2019 → 2025 both ways: see TestUnfairCompetition2025OldOrLighter.
}

func TestExemption(t *testing.T) {
	in := base("price-13")
	in.Circumstances = []string{"minor_no_harm"}
	r := mustCompute(t, in)
	if !r.NoPenalty || r.FineFen != 0 || r.Tier != TierNone {
		t.Errorf("应当不予: %+v", r.Tier)
	}
	// 首违不罚 is discretionary: elected → no penalty; not elected → 从轻.
	in.Circumstances = []string{"first_minor"}
	in.PriorsKnown = true
	in.ElectExemption = true
	if r := mustCompute(t, in); !r.NoPenalty {
		t.Error("elected 首违不罚 still punished")
	}
	in.ElectExemption = false
	if r := mustCompute(t, in); r.NoPenalty || r.Tier != TierLenient {
		t.Errorf("unelected 首违不罚: tier %s", r.Tier)
	}
}

func TestPriorsFromCredit(t *testing.T) {
	in := base("price-13")
	priors := []PriorViolation{
		{Kind: "价格", DecidedOn: d("2025-09-01")},
		{Kind: "价格", DecidedOn: d("2024-01-01")},
		{Kind: "食品安全", DecidedOn: d("2026-01-01")},
	}
	PriorFacts(&in, priors, "价格", in.Today)
	if in.PriorSameKind2Years != 1 || in.PriorSameKind1Year != 1 {
		t.Fatalf("counts = %d/%d, want 1/1", in.PriorSameKind2Years, in.PriorSameKind1Year)
	}
	r := mustCompute(t, in)
	if r.Tier != TierSevere || len(r.Counted) != 1 || !r.Counted[0].Auto || r.Counted[0].ID != "repeat_1y" {
		t.Errorf("prior not counted: tier %s counted %v", r.Tier, r.Counted)
	}
}

func TestPrerequisiteAndWarningOnly(t *testing.T) {
	in := base("food-126-1-5")
	r := mustCompute(t, in)
	if r.Tier != TierNoFine || r.FineFen != 0 {
		t.Fatalf("without 拒不改正: tier %s fine %d", r.Tier, r.FineFen)
	}
	if len(r.Kinds) == 0 || r.Kinds[0].Kind != "警告" || !r.Procedure.OnSpot {
		t.Errorf("warning only should allow on-the-spot decision: %+v %+v", r.Kinds, r.Procedure)
	}
}

func TestOnSpotAndHearingThresholds(t *testing.T) {
	// 计量法实施细则第四十三条 for a natural person: 1000元以下; 从轻 gives ≤ 300元,
	// above the 200元 on-the-spot limit for citizens; an organisation may be decided on the spot.
	in := base("meas-43")
	in.Party = Natural
	in.Circumstances = []string{"minor14_18"}
	r := mustCompute(t, in)
	if r.FineFen > yuan(300) {
		t.Fatalf("fine %s", Yuan(r.FineFen))
	}
	if r.Procedure.OnSpot != (r.FineFen <= yuan(200)) {
		t.Errorf("on-spot = %v for %s", r.Procedure.OnSpot, Yuan(r.FineFen))
	}
	in.Party = Organization
	if r := mustCompute(t, in); !r.Procedure.OnSpot {
		t.Errorf("org fine %s ≤ 3000元 should allow on-the-spot", Yuan(r.FineFen))
	}
	// Natural person, 10,000元 fine → hearing.
	in = base("food-132")
	in.Party, in.PrerequisiteMet = Natural, true
	if r := mustCompute(t, in); r.FineFen >= yuan(10000) && !r.Procedure.HearingRight {
		t.Errorf("natural person fined %s without hearing right", Yuan(r.FineFen))
	}
	// Revocation gives a hearing right regardless of the amount.
	in = base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(100))
	in.Serious = true
	if r := mustCompute(t, in); !r.Procedure.HearingRight || !r.Procedure.Collective || r.Tier != TierSevere {
		t.Errorf("serious food case: %+v tier %s", r.Procedure, r.Tier)
	}
}

func TestParseRejectsBadData(t *testing.T) {
	for _, bad := range []string{
		`{"items":[{"id":"x","name":"n","versions":[]}]}`,
		`{"items":[{"id":"x","name":"n","source":"s","versions":[{"effective":"2020-01-01","penalty":{"law":"l","article":"a","text":"t"},"fine":{"branches":[{"min":500,"max":100,"text":"t"}]}}]}]}`,
		`{"items":[{"id":"x","name":"n","source":"s","versions":[{"effective":"2020-01-01","penalty":{"law":"l","article":"a","text":"t"},"fine":{"branches":[{"multiple":true,"min_x":1000,"max_x":2000,"text":"t"}]}}]}]}`,
		`{"items":[{"id":"x","name":"n","source":"s","bogus":1}]}`,
	} {
		if _, err := ParseCatalogue([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00元", 5: "0.05元", 123456: "1,234.56元", 100000000: "1,000,000.00元", -250: "-2.50元"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

// TestReduceWithoutMinimum: 减轻 goes below the legal minimum; a clause with no minimum
// (价格违法行为行政处罚规定 第十三条: 可以并处五千元以下的罚款) leaves nothing between zero and
// the minimum, so a requested 减轻 is computed as 从轻 (the lowest 30 %: 1.00–1,500.00 元, a fine
// is never zero) with a warning that says so, never as a zero fine.
func TestReduceWithoutMinimum(t *testing.T) {
	in := base("price-13")
	in.Circumstances = []string{"eliminate_harm"}
	in.Reduce, in.ReduceReason = true, "主动退还多收价款"
	r := mustCompute(t, in)
	if r.Tier != TierLenient || r.BandMin != yuan(1) || r.BandMax != yuan(1500) || r.FineFen < yuan(1) || r.FineFen > yuan(1500) {
		t.Fatalf("tier %s band %s–%s fine %s, want 从轻 1.00–1,500.00", r.Tier, Yuan(r.BandMin), Yuan(r.BandMax), Yuan(r.FineFen))
	}
	warned := false
	for _, w := range r.Warnings {
		warned = warned || strings.Contains(w, "无法在最低限以下减轻")
	}
	if !warned {
		t.Fatalf("no warning that 减轻 is impossible: %q", r.Warnings)
	}
	// with a minimum (第一百二十四条, 货值 10,000.00 元: 10万元) 减轻 lies below it and above zero
	in = base("food-124-1-5")
	in.Amounts.GoodsValue = Known(yuan(10000))
	in.Circumstances = []string{"eliminate_harm"}
	in.Reduce, in.ReduceReason = true, "主动召回，消除危害后果"
	r = mustCompute(t, in)
	if r.Tier != TierReduce || r.BandMin != yuan(10000) || r.BandMax != yuan(100000)-1 || r.FineFen <= 0 || r.FineFen >= yuan(100000) {
		t.Fatalf("减轻: tier %s band %s–%s fine %s", r.Tier, Yuan(r.BandMin), Yuan(r.BandMax), Yuan(r.FineFen))
	}
	if !strings.Contains(explain(r), "主动召回，消除危害后果") {
		t.Error("the explanation does not state the reason for 减轻")
	}
}

// 第三十六条 counted in years the way the law counts them (民法典第二百零二条: no corresponding
// day → the last day of that month): an act of 2024-02-29 may be discovered up to 2026-02-28;
// on 2026-03-01 it is time-barred (time.AddDate would have said 2026-03-01 is still in time).
// The same count finds the priors of 首违/再犯: decided 2026-02-28 is within two years before
// 2028-02-29, decided 2026-02-27 is not.
func TestLimitationLeapDay(t *testing.T) {
	for _, c := range []struct {
		disc   string
		barred bool
	}{{"2026-02-28", false}, {"2026-03-01", true}} {
		in := base("price-13")
		in.ActDate, in.DiscoveryDate, in.Today = d("2024-02-29"), d(c.disc), d("2026-06-01")
		r := mustCompute(t, in)
		if r.Barred != c.barred {
			t.Errorf("act 2024-02-29 discovered %s: barred %v, want %v", c.disc, r.Barred, c.barred)
		}
		if !strings.Contains(explain(r), "截至2026-02-28（含当日）") {
			t.Errorf("explanation does not give the last day 2026-02-28: %s", explain(r))
		}
	}
	in := base("price-13")
	PriorFacts(&in, []PriorViolation{{Kind: "价格", DecidedOn: d("2026-02-28")}, {Kind: "价格", DecidedOn: d("2026-02-27")}}, "价格", d("2028-02-29"))
	if in.PriorSameKind2Years != 1 {
		t.Errorf("priors within two years before 2028-02-29: %d, want 1", in.PriorSameKind2Years)
	}
}

// 并处/处 …以下 (产品质量法 第五十一条: 并处违法生产、销售产品货值金额等值以下的罚款; 广告法 第五十九条:
// 对广告主处十万元以下的罚款) imposes a fine: a proposal of zero is refused (应当并处而不并处 would be
// a 减轻 to zero). Where the clause says 可以并处 (价格违法行为行政处罚规定 第十三条) zero is lawful.
func TestZeroProposalOnMandatoryFine(t *testing.T) {
	for _, c := range []struct {
		id  string
		ok  bool
		mod func(*Input)
	}{
		{"pq-51", false, func(in *Input) { in.Amounts.GoodsValue = Known(yuan(8000)) }},
		{"ad-59-1-1", false, func(*Input) {}},
		{"price-13", true, func(*Input) {}},
		{"meas-43", true, func(*Input) {}},
	} {
		in := base(c.id)
		c.mod(&in)
		_, err := engine(t).Compute(propose(in, 0))
		var ie *InputError
		if c.ok && err != nil {
			t.Errorf("%s: zero proposal refused: %v", c.id, err)
		}
		if !c.ok && (!errors.As(err, &ie) || ie.Code != ErrProposalOutOfRange || ie.Field != "proposed_fen" || !strings.Contains(ie.Message, "不能为零")) {
			t.Errorf("%s: zero proposal: %v, want proposal_out_of_range", c.id, err)
		}
	}
}

// A fine is never zero, also where the tier's band lies below one 元. 产品质量法 第五十一条
// (并处货值金额等值以下的罚款), 货值 3.00 元, 从轻 (主动消除危害后果): range 0.00–3.00 元, the lowest
// 30 % is 0.00–0.90 元 → band 0.01–0.90 元 (the suggestion had been 0.00 元). 价格违法行为行政
// 处罚规定 第八条 (并处违法所得5倍以下), 违法所得 0.03 元, 从轻: range 0.00–0.15 元, band 0.01–0.05 元.
func TestFineNeverZeroBelowOneYuan(t *testing.T) {
	for _, c := range []struct {
		id                  string
		goods, gains        int64
		max, bandLo, bandHi int64
	}{
		{"pq-51", yuan(3), no, yuan(3), 1, 90},
		{"price-8", no, 3, 15, 1, 5},
	} {
		in := base(c.id)
		am{c.goods, c.gains, no, no}.apply(&in)
		in.Circumstances = []string{"eliminate_harm"}
		r := mustCompute(t, in)
		if r.Tier != TierLenient || r.LegalMin != 0 || r.LegalMax != c.max || r.BandMin != c.bandLo || r.BandMax != c.bandHi || r.FineFen < c.bandLo || r.FineFen > c.bandHi {
			t.Errorf("%s: tier %s range %s–%s band %s–%s fine %s, want 从轻 0.00–%s band %s–%s", c.id, r.Tier, Yuan(r.LegalMin), Yuan(r.LegalMax),
				Yuan(r.BandMin), Yuan(r.BandMax), Yuan(r.FineFen), Yuan(c.max), Yuan(c.bandLo), Yuan(c.bandHi))
		}
	}
}

// 第三十六条 needs no law text: an act the catalogue holds no version for (电子商务法, in force
// 2019-01-01; act 2018-06-01; 反不正当竞争法（2025）第十四条、第三十条, an act first made
// punishable from 2025-10-15; act 2025-06-01) is still found time-barred when discovered after
// two years, instead of being refused for want of the law.
func TestLimitationWithoutLawVersion(t *testing.T) {
	for _, c := range []struct {
		id, act, disc, today string
	}{
		{"ec-77", "2018-06-01", "2020-06-02", "2020-08-01"},
		{"uc25-30", "2025-06-01", "2027-06-02", "2027-08-01"},
	} {
		in := base(c.id)
		in.ActDate, in.DiscoveryDate, in.Today = d(c.act), d(c.disc), d(c.today)
		r, err := engine(t).Compute(in)
		if err != nil || !r.Barred || !r.NoPenalty || r.FineFen != 0 {
			t.Errorf("%s act %s discovered %s: err %v barred %v", c.id, c.act, c.disc, err, r.Barred)
		}
		// discovered within two years: the missing law is reported
		in.DiscoveryDate = d(c.act).AddDate(1, 0, 0)
		var ie *InputError
		if _, err := engine(t).Compute(in); !errors.As(err, &ie) || ie.Code != ErrNoVersion {
			t.Errorf("%s discovered in time: %v, want no_law_version", c.id, err)
		}
	}
}

// Two more cases worked through the whole formula by hand, as a 法制审核员 would check them.
//
// (1) 计量法实施细则 第四十八条 (作弊计量器具): 可并处2000元以下. 自然人, 违法所得 300.00 元, act
// 2026-03-01 to 2026-03-20 (20 days), 故意, 受害 12 人, no circumstance → 一般 600–1,400 元.
// 个案 (measure): 违法所得<1,000元 20×2 + 20天 40×2 + 故意 80×3 + 12人 75×2 = 510 ÷ 9 → 56.66;
// 共性 50; 影响: 轻微 40×3 + 影响较小 30×2 + 本县 30×2 + 无舆情 30×2 + 12人 70×1 = 370 ÷ 10 = 37;
// 综合 (40×56.66 + 35×50 + 25×37) ÷ 100 = 49.41 → 600 + 800 × 49.41% = 995.28 → 995.00 元.
// No hearing (<10,000 元), not on the spot (>200 元, and 没收计量器具).
//
// (2) 广告法 第五十八条第一款第（三）项 (保健食品广告): 广告费用一倍以上三倍以下. 单位, 广告费用 8,000.00
// 元 → 8,000–24,000 元; 主动消除危害后果 (应当从轻) → 从轻 1–1.6倍 = 8,000–12,800 元. 个案 (advert):
// 广告费用<1万 20×3 + 1天 20×2 + 未查明故意 50×3 + 网络 60×2 + 老年人 70×2 = 510 ÷ 12 = 42.50;
// 共性 50 − 15 = 35; 影响: 40×3 + 30×2 + 30×2 + 一定关注 60×2 + 0人 20×1 = 380 ÷ 10 = 38;
// 综合 (40×42.50 + 35×35 + 25×38) ÷ 100 = 38.75 → 8,000 + 4,800 × 38.75% = 9,860.00 元;
// position in the legal range (9,860 − 8,000) ÷ 16,000 = 11.63 %.
func TestHandWorkedFullCases(t *testing.T) {
	in := base("meas-48")
	in.Party = Natural
	in.ActDate, in.ActEndDate = d("2026-03-01"), d("2026-03-20")
	in.Amounts.IllegalGains = Known(yuan(300))
	in.CaseFactors = map[string]string{"fault": "intentional"}
	in.Victims = 12
	r := mustCompute(t, in)
	if r.Tier != TierGeneral || r.BandMin != yuan(600) || r.BandMax != yuan(1400) || r.Score != 4941 || r.FineFen != yuan(995) ||
		r.Procedure.HearingRight || r.Procedure.OnSpot || !r.FineOptional {
		t.Errorf("meas-48: tier %s band %s–%s score %d fine %s procedure %+v", r.Tier, Yuan(r.BandMin), Yuan(r.BandMax), r.Score, Yuan(r.FineFen), r.Procedure)
	}
	for _, want := range []string{"49.41", "995.28元", "995.00元", "可并处2000元以下"} {
		if !strings.Contains(explain(r), want) {
			t.Errorf("meas-48: explanation lacks %q", want)
		}
	}

	in = base("ad-58-1-3")
	in.Amounts.AdFee = Known(yuan(8000))
	in.Circumstances = []string{"eliminate_harm"}
	in.CaseFactors = map[string]string{"media": "online", "vulnerable": "elderly"}
	in.ImpactFactors = map[string]string{"attention": "some"}
	r = mustCompute(t, in)
	if r.Tier != TierLenient || r.LegalMin != yuan(8000) || r.LegalMax != yuan(24000) || r.BandMin != yuan(8000) || r.BandMax != yuan(12800) ||
		r.Score != 3875 || r.FineFen != yuan(9860) || r.Position != 1163 || r.Procedure.HearingRight {
		t.Errorf("ad-58-1-3: tier %s range %s–%s band %s–%s score %d fine %s position %d", r.Tier, Yuan(r.LegalMin), Yuan(r.LegalMax),
			Yuan(r.BandMin), Yuan(r.BandMax), r.Score, Yuan(r.FineFen), r.Position)
	}
	for _, want := range []string{"1.6倍", "38.75", "9,860.00元"} {
		if !strings.Contains(explain(r), want) {
			t.Errorf("ad-58-1-3: explanation lacks %q", want)
		}
	}
}

// The prior-violation windows count back from the act (a continuing act: from its end), not
// from the day of computation: a penalty decided after the act, while this case was being
// investigated, does not make the act a repeat (“一年内因同一性质违法行为受过行政处罚”: the
// party must have received it when it acted). 价格违法行为, priors of 2025-09-01 and 2026-03-01.
func TestPriorsCountBackFromTheAct(t *testing.T) {
	priors := []PriorViolation{{Kind: "价格", DecidedOn: d("2025-09-01")}, {Kind: "价格", DecidedOn: d("2026-03-01")}}
	for _, c := range []struct {
		name             string
		act, end         string
		asOf             string
		two, one         int64
		explanationMatch string
	}{
		// act 2026-02-01: only the 2025-09-01 penalty lies before it, within one year
		{"act before the second penalty", "2026-02-01", "", "2026-02-01", 1, 1, "2026-02-01前一年内受过同类行政处罚"},
		// a continuing act from 2026-02-01 to 2026-04-01: both penalties lie before its end
		{"continuing past the second penalty", "2026-02-01", "2026-04-01", "2026-04-01", 2, 2, "2026-04-01前一年内受过同类行政处罚"},
		// act 2027-08-01: both within two years (from 2025-08-01), neither within one (from 2026-08-01)
		{"a year and a half later", "2027-08-01", "", "2027-08-01", 2, 0, "2027-08-01前两年内受过同类行政处罚"},
		// act 2025-08-01: both penalties came later — a first offence
		{"before both", "2025-08-01", "", "2025-08-01", 0, 0, ""},
	} {
		in := base("price-13")
		in.ActDate = d(c.act)
		if c.end != "" {
			in.ActEndDate = d(c.end)
		}
		in.DiscoveryDate = PriorsAsOf(&in).AddDate(0, 0, 10)
		in.Today = PriorsAsOf(&in).AddDate(0, 1, 0)
		if got := PriorsAsOf(&in).Format("2006-01-02"); got != c.asOf {
			t.Errorf("%s: as of %s, want %s", c.name, got, c.asOf)
		}
		PriorFacts(&in, priors, "价格", PriorsAsOf(&in))
		if in.PriorSameKind2Years != c.two || in.PriorSameKind1Year != c.one {
			t.Errorf("%s: counts %d/%d, want %d/%d", c.name, in.PriorSameKind2Years, in.PriorSameKind1Year, c.two, c.one)
			continue
		}
		r := mustCompute(t, in)
		var sb strings.Builder
		for _, st := range r.Steps {
			sb.WriteString(st.Title + "：" + st.Text + "\n")
		}
		text := sb.String()
		if c.explanationMatch == "" {
			if r.Tier == TierSevere || strings.Contains(text, "据信用记录自动认定") {
				t.Errorf("%s: no prior before the act, yet tier %s:\n%s", c.name, r.Tier, text)
			}
		} else if (c.one > 0 && r.Tier != TierSevere) || !strings.Contains(text, "据信用记录自动认定：违法行为之日（连续或者继续的，终了之日）"+c.explanationMatch) {
			t.Errorf("%s: tier %s, explanation lacks %q:\n%s", c.name, r.Tier, c.explanationMatch, text)
		}
	}
	// a quick calculation without an act date counts back from the day of computation
	in := base("price-13")
	in.ActDate, in.ActEndDate = zeroDay, zeroDay
	if !PriorsAsOf(&in).Equal(in.Today) {
		t.Errorf("without an act date: %s, want today %s", PriorsAsOf(&in), in.Today)
	}
}

var zeroDay = d("0001-01-01")
