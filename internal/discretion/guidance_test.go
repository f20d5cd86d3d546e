package discretion

import (
	"strings"
	"testing"
)

// The common circumstances that rest on 市场监管总局关于规范市场监督管理行政处罚裁量权的指导意见
// （国市监法规〔2022〕2号）, checked against its full text: each one's effect and the
// article, paragraph and item its basis names. 第十四条: 可以从轻或者减轻; 第十五条: 应当从重;
// 第十六条第一款: 可以从重 (第二款: an act of items (四)–(六) already punished no longer aggravates).
func TestGuidance2022Circumstances(t *testing.T) {
	e := engine(t)
	for _, c := range []struct {
		id, effect, article, words string
	}{
		{"cooperate", "可以从轻或减轻", "第十四条第（二）项", "积极配合市场监管部门调查并主动提供证据材料"},
		{"minor_small_harm", "可以从轻或减轻", "第十四条第（三）项", "违法行为轻微，社会危害性较小"},
		{"accessory", "可以从轻或减轻", "第十四条第（四）项", "在共同违法行为中起次要或者辅助作用"},
		{"hardship", "可以从轻或减轻", "第十四条第（五）项", "因残疾或者重大疾病等原因生活确有困难"},
		{"emergency", "应当从重", "第十五条第（一）项", "依法快速、从重处罚"},
		{"serious_harm", "可以从重", "第十六条第一款第（一）项", "人身伤亡或者重大财产损失"},
		{"instigate", "可以从重", "第十六条第一款第（二）项", "教唆、胁迫、诱骗他人实施违法行为"},
		{"repeat_1y", "可以从重", "第十六条第一款第（三）项", "受过刑事处罚，或者一年内因同一性质的违法行为受过行政处罚"},
		{"obstruct", "可以从重", "第十六条第一款第（四）项", "阻碍或者拒不配合行政执法人员依法执行职务"},
		{"seized_property", "可以从重", "第十六条第一款第（五）项", "依法查封、扣押的财物或者先行登记保存的证据"},
		{"destroy_evidence", "可以从重", "第十六条第一款第（六）项", "伪造、隐匿、毁灭证据"},
	} {
		circ, ok := e.Ind.Circumstance(c.id)
		if !ok {
			t.Errorf("%s: not in the indicators", c.id)
			continue
		}
		if string(circ.Effect) != c.effect || !strings.Contains(circ.Basis, "国市监法规〔2022〕2号") || !strings.Contains(circ.Basis, c.article) ||
			strings.Contains(circ.Basis, "unverified") || !strings.Contains(circ.Text, c.words) {
			t.Errorf("%s: effect %s, basis %q, text %q; want %s, %s, %q", c.id, circ.Effect, circ.Basis, circ.Text, c.effect, c.article, c.words)
		}
	}
	for _, id := range []string{"obstruct", "seized_property", "destroy_evidence"} {
		if c, ok := e.Ind.Circumstance(id); !ok || !strings.Contains(c.Text, "不再作为从重行政处罚情节") {
			t.Errorf("%s lacks 第十六条第二款", id)
		}
	}
	// not listed by the guidance: said so, never cited as if it were
	if c, ok := e.Ind.Circumstance("retaliate"); !ok || !strings.Contains(c.Basis, "不在") || !strings.Contains(c.Text, "指导意见未列举") {
		t.Errorf("retaliate: %+v", c)
	}
}

// The two aggravating circumstances added from 第十六条第一款第（二）项 and 第（五）项 move a
// case into the top 30 % (第十条第（四）项), as 第（四）项 does: 食品安全法第一百二十四条,
// 货值金额 15,000 元, range 15万–30万 (10–20倍), 从重 17–20倍 = 255,000–300,000 元.
func TestGuidance2022AggravatingBand(t *testing.T) {
	for _, id := range []string{"instigate", "seized_property"} {
		in := base("food-124-1-5")
		in.Amounts.GoodsValue = Known(yuan(15000))
		in.Circumstances = []string{id}
		r := mustCompute(t, in)
		if r.Tier != TierSevere || r.BandMin != yuan(255000) || r.BandMax != yuan(300000) {
			t.Errorf("%s: tier %s band %s–%s, want 从重 255,000.00–300,000.00", id, r.Tier, Yuan(r.BandMin), Yuan(r.BandMax))
		}
		if !strings.Contains(explain(r), "第十六条第一款") {
			t.Errorf("%s: the explanation does not cite the guidance article:\n%s", id, explain(r))
		}
	}
}

// A circumstance's basis is shown and printed as the legal basis: it cites, and where the
// citation was checked (a copy's path, a web address, the date) stays in its source.
func TestCircumstanceBasisIsOnlyACitation(t *testing.T) {
	bad := []string{"verified", "Theonefkguy", ".md", "http", "price_evidence", "obstruct）"}
	for _, c := range engine(t).Ind.Circumstances {
		for _, b := range bad {
			if strings.Contains(c.Basis, b) {
				t.Errorf("%s: basis holds %q: %s", c.ID, b, c.Basis)
			}
		}
		if strings.Contains(c.Basis, "国市监法规〔2022〕2号") && !strings.Contains(c.Source, "verified 2026-11-27") {
			t.Errorf("%s: cites the 2022 guidance but its source does not say where it was checked: %q", c.ID, c.Source)
		}
	}
}

// Every slot of the calculator that can show a message has a Chinese name, used when the
// result panel says which field a refusal is about.
func TestEverySlotHasALabel(t *testing.T) {
	for _, s := range errorSlots {
		if l := fieldLabel(s); l == s || l == "" {
			t.Errorf("slot %s has no Chinese name", s)
		}
	}
	if got := fieldLabel("circumstances[2]"); got != "共性情节" {
		t.Errorf("fieldLabel(circumstances[2]) = %q", got)
	}
}
