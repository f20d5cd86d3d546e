package app_test

import (
	"context"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/credit"
	"tongcheng/internal/discretion"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// The discretion engine's prior violations (首违不罚, 再犯) come from the credit library's
// 行政处罚 records of all four cities as well as from the module's own decided cases.
func TestDiscretionPriorsFromCredit(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := app.Build(ctx, db, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		cr := a.Module("credit").(*credit.Module)
		di := a.Module("discretion").(*discretion.Module)
		day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
		subject := credit.MakeUSCC("91", "510603", "20000077") // a 德阳 company
		unit := credit.MakeUSCC("11", "510603", "70000001")
		const kind = "生产经营超过保质期的食品"
		rec := credit.Record{PartyName: "德阳旌城食品有限公司", PartyCategory: credit.PartyOrg, USCC: subject, LegalRep: "李明",
			DocNo: "旌市监罚〔2026〕12号", DecisionDate: day("2026-03-02"), Authority: "旌阳区市场监督管理局", AuthorityID: unit,
			SourceUnit: "旌阳区市场监督管理局", SourceUnitID: unit, SourceRegion: "510603", Severity: credit.SeverityGeneral,
			Penalty: &credit.PenaltyDetail{ViolationType: kind, Facts: "销售超过保质期的酸奶", Basis: "食品安全法第一百二十四条",
				Kinds: []string{"罚款"}, Content: "罚款五千元", FineFen: 500000, ValidUntil: day("2027-03-02")}}
		if err := cr.AcceptPenalty(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if di.Priors == nil {
			t.Fatal("app did not connect the credit library to the discretion module")
		}
		got, err := di.Priors.PriorViolations(ctx, subject, kind, day("2024-11-20"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].DecisionNo != "旌市监罚〔2026〕12号" || got[0].Kind != kind || got[0].Region != "510603" || !got[0].DecidedOn.Equal(day("2026-03-02")) {
			t.Fatalf("priors = %+v, want the 德阳 penalty", got)
		}
		// counted as 再犯 within two years of a decision on 2026-11-20
		var in discretion.Input
		discretion.PriorFacts(&in, got, kind, day("2026-11-20"))
		if !in.PriorsKnown || in.PriorSameKind2Years != 1 || in.PriorSameKind1Year != 1 {
			t.Fatalf("prior facts = %+v", in)
		}
		// another kind and an earlier window find nothing
		if other, _ := di.Priors.PriorViolations(ctx, subject, "虚假广告", day("2024-11-20")); len(other) != 0 {
			t.Fatalf("other kind: %+v", other)
		}
		if later, _ := di.Priors.PriorViolations(ctx, subject, kind, day("2026-03-03")); len(later) != 0 {
			t.Fatalf("since after the decision: %+v", later)
		}
	})
}
