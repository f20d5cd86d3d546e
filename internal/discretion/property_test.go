package discretion

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomInput builds a random but plausible case from a seeded source.
func randomInput(e *Engine, r *rand.Rand) Input {
	it := e.Cat.Items[r.IntN(len(e.Cat.Items))]
	in := base(it.ID)
	if r.IntN(2) == 0 {
		in.Party = Natural
	}
	amt := func() Amount {
		switch r.IntN(8) {
		case 0:
			return Known(0)
		case 1:
			return Amount{Undeterminable: true}
		case 2:
			return Known(yuan(10000)) // the switch boundary
		default:
			return Known(r.Int64N(yuan(2_000_000)))
		}
	}
	in.Amounts = Amounts{GoodsValue: amt(), IllegalGains: amt(), AdFee: amt(), IllegalTurnover: amt()}
	in.Serious = r.IntN(4) == 0
	in.PrerequisiteMet = r.IntN(3) != 0
	in.HarmOccurred = r.IntN(2) == 0
	in.Victims = r.Int64N(50)
	if r.IntN(3) == 0 {
		in.ActEndDate = in.ActDate.AddDate(0, 0, r.IntN(60))
	}
	for _, c := range e.Ind.Circumstances {
		if c.Effect != MustExempt && c.Effect != MayExempt && r.IntN(8) == 0 {
			in.Circumstances = append(in.Circumstances, c.ID)
		}
	}
	in.CaseFactors = map[string]string{}
	for _, f := range e.Ind.FactorSets[it.FactorSet] {
		if f.Kind == "choice" && r.IntN(2) == 0 {
			in.CaseFactors[f.ID] = f.Options[r.IntN(len(f.Options))].ID
		}
	}
	in.ImpactFactors = map[string]string{}
	for _, f := range e.Ind.Impact {
		if f.Kind == "choice" && r.IntN(2) == 0 {
			in.ImpactFactors[f.ID] = f.Options[r.IntN(len(f.Options))].ID
		}
	}
	if r.IntN(6) == 0 {
		in.Reduce, in.ReduceReason = true, "具有法定从轻、减轻情节"
	}
	return in
}

// checkRange asserts the fine lies in the legal range, or in the stated 减轻 band.
func checkRange(t testing.TB, in Input, r Result) {
	t.Helper()
	if r.NoPenalty || r.Tier == TierNoFine {
		if r.FineFen != 0 {
			t.Fatalf("%s: no-fine result with fine %d", in.ItemID, r.FineFen)
		}
		return
	}
	if r.FineFen < r.BandMin || r.FineFen > r.BandMax {
		t.Fatalf("%s: fine %s outside band %s–%s", in.ItemID, Yuan(r.FineFen), Yuan(r.BandMin), Yuan(r.BandMax))
	}
	if r.FineFen == 0 && r.LegalMax > 0 {
		t.Fatalf("%s: a suggested fine of zero (tier %s, range %s–%s)", in.ItemID, r.Tier, Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
	if r.Tier == TierReduce {
		if r.FineFen <= 0 || r.FineFen >= r.LegalMin || in.ReduceReason == "" {
			t.Fatalf("%s: 减轻 fine %s not in (0, %s)", in.ItemID, Yuan(r.FineFen), Yuan(r.LegalMin))
		}
		return
	}
	if r.FineFen < r.LegalMin || r.FineFen > r.LegalMax {
		t.Fatalf("%s: fine %s outside legal range %s–%s", in.ItemID, Yuan(r.FineFen), Yuan(r.LegalMin), Yuan(r.LegalMax))
	}
}

func TestPropertiesRandom(t *testing.T) {
	e := engine(t)
	src := rand.New(rand.NewPCG(2026, 11))
	agg, mit := aggMit(e)
	computed, compared := 0, 0
	for range 20000 {
		in := randomInput(e, src)
		r1, err := e.Compute(in)
		if err != nil {
			continue
		}
		computed++
		checkRange(t, in, r1)
		// Determinism.
		r2, _ := e.Compute(in)
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("%s: same input, different output", in.ItemID)
		}
		// Quick gives the same numbers without the explanation.
		q, err := e.Quick(in)
		if err != nil || q.FineFen != r1.FineFen || q.Tier != r1.Tier || q.BandMin != r1.BandMin || q.Procedure.HearingRight != r1.Procedure.HearingRight || q.Steps != nil {
			t.Fatalf("%s: Quick differs from Compute: %v %s/%s", in.ItemID, err, Yuan(q.FineFen), Yuan(r1.FineFen))
		}
		// Monotonicity: one more aggravating circumstance never lowers the fine,
		// one more mitigating circumstance never raises it.
		for _, add := range []struct {
			ids []string
			up  bool
		}{{agg, true}, {mit, false}} {
			if checkAdded(t, e, in, r1, add.ids[src.IntN(len(add.ids))], add.up) {
				compared++
			}
		}
	}
	if computed < 5000 || compared < 5000 {
		t.Fatalf("too few valid random cases: %d computed, %d compared", computed, compared)
	}
}

// aggMit lists the aggravating and the mitigating circumstances of the indicators.
func aggMit(e *Engine) (agg, mit []string) {
	for _, c := range e.Ind.Circumstances {
		if c.Effect.aggravating() {
			agg = append(agg, c.ID)
		}
		if c.Effect.mitigating() {
			mit = append(mit, c.ID)
		}
	}
	return agg, mit
}

// checkAdded adds circumstance id to case in (result r1) and asserts the fine moved the
// right way: up (aggravating) never lowers it, a mitigating one never raises it. It reports
// whether the two cases could be compared (both computed, both punished).
func checkAdded(t testing.TB, e *Engine, in Input, r1 Result, id string, up bool) bool {
	t.Helper()
	if hasString(in.Circumstances, id) {
		return false
	}
	in2 := in
	in2.Circumstances = append(append([]string{}, in.Circumstances...), id)
	r3, err := e.Compute(in2)
	if err != nil || r1.NoPenalty || r3.NoPenalty {
		return false
	}
	checkRange(t, in2, r3)
	if up && r3.FineFen < r1.FineFen || !up && r3.FineFen > r1.FineFen {
		t.Fatalf("%s: adding %s moved the fine the wrong way: %s → %s (tiers %s → %s)", in.ItemID, id, Yuan(r1.FineFen), Yuan(r3.FineFen), r1.Tier, r3.Tier)
	}
	return true
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// fuzzAmount reads a fuzzed amount: -2 is 无法确定, anything else an established amount
// (negative ones are bad input the engine must refuse).
func fuzzAmount(v int64) Amount {
	if v == -2 {
		return Amount{Undeterminable: true}
	}
	return Known(v)
}

// fuzzCompute runs a fuzzed case: bad input must be an *InputError (ok false); a result
// must respect the legal range.
func fuzzCompute(t *testing.T, e *Engine, in Input) (Result, bool) {
	t.Helper()
	r, err := e.Compute(in)
	if err != nil {
		if _, ok := err.(*InputError); !ok {
			t.Fatalf("non-input error: %v", err)
		}
		return r, false
	}
	checkRange(t, in, r)
	return r, true
}

// FuzzCompute: Compute never panics, and every success respects the legal range.
// The seed corpus runs in every `go test`.
func FuzzCompute(f *testing.F) {
	f.Add(uint8(0), int64(999999), int64(0), int64(0), int64(0), uint8(0), uint64(0), int16(0))
	f.Add(uint8(3), int64(1000000), int64(50000), int64(-2), int64(5000000), uint8(0xff), uint64(1<<5|1<<20), int16(30))
	f.Add(uint8(17), int64(-5), int64(1), int64(1), int64(1), uint8(2), uint64(0xffffffff), int16(-400))
	f.Add(uint8(40), int64(MaxAmountFen), int64(MaxAmountFen), int64(MaxAmountFen), int64(MaxAmountFen), uint8(0x3c), uint64(1<<12), int16(800))
	f.Add(uint8(60), int64(1), int64(4999999), int64(-2), int64(0), uint8(0x81), uint64(1<<25), int16(5))
	e, err := DefaultEngine()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, item uint8, goods, gains, adfee, turnover int64, flags uint8, circ uint64, days int16) {
		it := e.Cat.Items[int(item)%len(e.Cat.Items)]
		in := base(it.ID)
		in.Amounts = Amounts{GoodsValue: fuzzAmount(goods), IllegalGains: fuzzAmount(gains), AdFee: fuzzAmount(adfee), IllegalTurnover: fuzzAmount(turnover)}
		if flags&1 != 0 {
			in.Party = Natural
		}
		in.Serious = flags&2 != 0
		in.PrerequisiteMet = flags&4 != 0
		in.HarmOccurred = flags&8 != 0
		in.ElectExemption = flags&16 != 0
		if flags&32 != 0 {
			in.Reduce, in.ReduceReason = true, "理由"
		}
		in.ActDate = in.ActDate.AddDate(0, 0, int(days))
		for i, c := range e.Ind.Circumstances {
			if i < 64 && circ&(1<<i) != 0 {
				in.Circumstances = append(in.Circumstances, c.ID)
			}
		}
		r, ok := fuzzCompute(t, e, in)
		if !ok {
			return
		}
		if len(r.Steps) == 0 {
			t.Fatal("no explanation")
		}
	})
}

// FuzzProperties checks, for any case the fuzzer builds, the four properties of the issue:
// the fine lies in the legal range or the stated 减轻 band; adding an aggravating circumstance
// never lowers it and adding a mitigating one never raises it; the same input always gives the
// same output (Compute twice, and Quick with the same numbers). Run it with
//
//	go test ./internal/discretion/ -run '^$' -fuzz FuzzProperties -fuzztime 30s
func FuzzProperties(f *testing.F) {
	f.Add(uint8(9), int64(1000000), int64(0), int64(0), uint8(0), uint64(0), uint8(3), uint8(7), uint64(0))
	f.Add(uint8(30), int64(999999), int64(5000000), int64(-2), uint8(0x25), uint64(1<<6), uint8(0), uint8(1), uint64(0xdeadbeef))
	f.Add(uint8(50), int64(1), int64(-2), int64(yuan(100000)), uint8(0x1f), uint64(1<<10|1<<19), uint8(9), uint8(2), uint64(42))
	e, err := DefaultEngine()
	if err != nil {
		f.Fatal(err)
	}
	agg, mit := aggMit(e)
	f.Fuzz(func(t *testing.T, item uint8, goods, gains, adfee int64, flags uint8, circ uint64, addAgg, addMit uint8, choices uint64) {
		it := e.Cat.Items[int(item)%len(e.Cat.Items)]
		in := base(it.ID)
		in.Amounts = Amounts{GoodsValue: fuzzAmount(goods), IllegalGains: fuzzAmount(gains), AdFee: fuzzAmount(adfee), IllegalTurnover: fuzzAmount(goods ^ gains)}
		if flags&1 != 0 {
			in.Party = Natural
		}
		in.Serious = flags&2 != 0
		in.PrerequisiteMet = flags&4 != 0
		in.HarmOccurred = flags&8 != 0
		if flags&16 != 0 {
			in.Reduce, in.ReduceReason = true, "具有法定减轻情节"
		}
		if flags&32 != 0 {
			in.ActEndDate = in.ActDate.AddDate(0, 0, int(choices%90))
		}
		for i, c := range e.Ind.Circumstances {
			if i < 64 && circ&(1<<i) != 0 && c.Effect != MustExempt && c.Effect != MayExempt {
				in.Circumstances = append(in.Circumstances, c.ID)
			}
		}
		pick := func(fs []*Factor) map[string]string {
			m := map[string]string{}
			for _, fc := range fs {
				if fc.Kind == "choice" {
					n := choices % uint64(len(fc.Options)+1)
					choices /= uint64(len(fc.Options) + 1)
					if n > 0 {
						m[fc.ID] = fc.Options[n-1].ID
					}
				}
			}
			return m
		}
		in.CaseFactors, in.ImpactFactors = pick(e.Ind.FactorSets[it.FactorSet]), pick(e.Ind.Impact)
		in.Victims = int64(choices % 40)

		r1, ok := fuzzCompute(t, e, in)
		if !ok {
			return
		}
		r2, _ := e.Compute(in)
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("%s: same input, different output", in.ItemID)
		}
		if q, err := e.Quick(in); err != nil || q.FineFen != r1.FineFen || q.Tier != r1.Tier || q.BandMin != r1.BandMin || q.BandMax != r1.BandMax || q.Procedure.HearingRight != r1.Procedure.HearingRight {
			t.Fatalf("%s: Quick differs from Compute: %v", in.ItemID, err)
		}
		for _, add := range []struct {
			id string
			up bool
		}{{agg[int(addAgg)%len(agg)], true}, {mit[int(addMit)%len(mit)], false}} {
			checkAdded(t, e, in, r1, add.id, add.up)
		}
	})
}
