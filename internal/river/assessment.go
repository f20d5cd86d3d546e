package river

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"tongcheng/internal/region"
)

// Indicator is one assessment indicator (考核指标).
type Indicator string

const (
	IndPatrol  Indicator = "patrol"  // 巡河达标率: compliant chiefs / chiefs
	IndClosed  Indicator = "closed"  // 问题办结率: closed / accepted problems
	IndOnTime  Indicator = "ontime"  // 按期办结率: closed on time / closed
	IndQuality Indicator = "quality" // 断面水质达标率: sections meeting their target / sections
)

// Indicators lists the indicators in display order.
var Indicators = []Indicator{IndPatrol, IndClosed, IndOnTime, IndQuality}

var indicatorNames = map[Indicator]string{IndPatrol: "巡河达标率", IndClosed: "问题办结率", IndOnTime: "按期办结率", IndQuality: "断面水质达标率"}

func (i Indicator) String() string { return nameOr(indicatorNames[i], string(i)) }

// AssessmentConfig holds the weights of the indicators (权重).
type AssessmentConfig struct {
	Weights map[Indicator]float64
}

// DefaultAssessmentConfig: 巡河 30, 办结 30, 按期 20, 水质 20 — product
// defaults (unverified), set by each 河长办.
func DefaultAssessmentConfig() AssessmentConfig {
	return AssessmentConfig{Weights: map[Indicator]float64{IndPatrol: 30, IndClosed: 30, IndOnTime: 20, IndQuality: 20}}
}

// SectionResult is a monitoring section's class over the period against its target.
type SectionResult struct {
	SectionID string
	Region    string // the county (or city) answerable for the section
	Target    Class
	Actual    Class
}

// AssessmentInput is everything the assessment of one period needs. Problems
// are those reported in the period; compliance is for the same period.
type AssessmentInput struct {
	Units      []string // GB/T 2260 codes of the counties or cities to rank
	Compliance []Compliance
	Problems   []Problem
	Sections   []SectionResult
}

// Rate is a numerator over a denominator; Valid is false when there was
// nothing to count (the indicator then drops out and the other weights are
// scaled up).
type Rate struct {
	Num, Den int
}

// Valid reports whether there was anything to count.
func (r Rate) Valid() bool { return r.Den > 0 }

// Value is Num/Den (0 when not valid).
func (r Rate) Value() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// UnitScore is the assessment of one unit (county or city).
type UnitScore struct {
	Region string
	Rates  map[Indicator]Rate
	Score  float64 // 0–100, rounded to 0.01
	Rank   int     // 1 = best; equal scores share a rank (1, 1, 3)
}

// Assess scores and ranks the units. A record counts for a unit when its
// region lies inside the unit (a city collects its counties). A problem with
// two regions counts for both. Score = 100 × Σ wᵢ·rateᵢ / Σ wᵢ over the valid
// indicators. Units are ordered by score, then by code; ties share a rank.
func (cfg AssessmentConfig) Assess(in AssessmentInput) ([]UnitScore, error) {
	var wsum float64
	for _, ind := range Indicators {
		w := cfg.Weights[ind]
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("考核权重“%s”必须为非负数", ind)
		}
		wsum += w
	}
	if wsum == 0 {
		return nil, fmt.Errorf("考核权重不能全部为零")
	}
	// Count every record once for its own region and each region above it
	// (county → city → province), so a unit's figures are a map look-up. A
	// joint problem of two counties of one city counts once for the city.
	type tally struct{ pr, cl, ot, q Rate }
	tallies := map[string]*tally{}
	anc := map[string][]string{}
	up := func(code string) []string {
		if a, ok := anc[code]; ok {
			return a
		}
		var a []string
		for c := code; c != ""; {
			r, ok := region.Get(c)
			if !ok {
				break
			}
			a = append(a, r.Code)
			c = r.Parent
		}
		anc[code] = a
		return a
	}
	at := func(code string) *tally {
		t := tallies[code]
		if t == nil {
			t = &tally{}
			tallies[code] = t
		}
		return t
	}
	for _, c := range in.Compliance {
		for _, r := range up(c.Region) {
			t := at(r)
			t.pr.Den++
			if c.Compliant {
				t.pr.Num++
			}
		}
	}
	var seenBuf [8]string
	for _, p := range in.Problems {
		if p.State == StateRejected || p.State == StateReported {
			continue
		}
		closed, onTime := p.State == StateClosed, ClosedOnTime(p)
		seen := seenBuf[:0]
		for _, reg := range p.Regions {
			for _, r := range up(reg) {
				if slices.Contains(seen, r) {
					continue
				}
				seen = append(seen, r)
				t := at(r)
				t.cl.Den++
				if closed {
					t.cl.Num++
					t.ot.Den++
					if onTime {
						t.ot.Num++
					}
				}
			}
		}
	}
	for _, sr := range in.Sections {
		if sr.Actual == 0 {
			continue
		}
		for _, r := range up(sr.Region) {
			t := at(r)
			t.q.Den++
			if sr.Actual <= sr.Target {
				t.q.Num++
			}
		}
	}
	seen := map[string]bool{}
	out := make([]UnitScore, 0, len(in.Units))
	for _, u := range in.Units {
		if !region.Valid(u) {
			return nil, fmt.Errorf("考核单位“%s”不是成德眉资的行政区划代码", u)
		}
		if seen[u] {
			return nil, fmt.Errorf("考核单位“%s”重复", u)
		}
		seen[u] = true
		t := at(u)
		rates := map[Indicator]Rate{IndPatrol: t.pr, IndClosed: t.cl, IndOnTime: t.ot, IndQuality: t.q}
		var sum, wv float64
		for _, ind := range Indicators {
			if r := rates[ind]; r.Valid() {
				sum += cfg.Weights[ind] * r.Value()
				wv += cfg.Weights[ind]
			}
		}
		score := 0.0
		if wv > 0 {
			score = math.Round(sum/wv*100*100) / 100
		}
		out = append(out, UnitScore{Region: u, Rates: rates, Score: score})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Region < out[j].Region
	})
	for i := range out {
		if i > 0 && out[i].Score == out[i-1].Score {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out, nil
}

// SectionAttainment classes a section over a period and says whether it met
// its target. Each parameter is averaged (arithmetic mean) over the period's
// samples and the mean sample is classed (unverified: the usual reading of the
// 2011 assessment rules for period evaluation). Samples must share one water body.
func SectionAttainment(s *Standard, id, reg string, target Class, samples []Sample, opt Options) (SectionResult, error) {
	r := SectionResult{SectionID: id, Region: reg, Target: target}
	if len(samples) == 0 {
		return r, nil
	}
	sum, cnt := map[string]float64{}, map[string]int{}
	for i, sm := range samples {
		if sm.Body != samples[0].Body {
			return SectionResult{}, fmt.Errorf("断面%s第%d次监测的水体类型与其他次不同", id, i+1)
		}
		for k, v := range sm.Values {
			p := s.Param(k)
			if p == nil {
				return SectionResult{}, fmt.Errorf("断面%s第%d次监测：监测项目“%s”不在GB 3838-2002表1基本项目中，请检查项目名称", id, i+1, k)
			}
			if err := p.check(v); err != nil {
				return SectionResult{}, fmt.Errorf("断面%s第%d次监测：%w", id, i+1, err)
			}
			sum[p.Code] += v
			cnt[p.Code]++
		}
	}
	mean := Sample{Body: samples[0].Body, Values: map[string]float64{}}
	for c, v := range sum {
		mean.Values[c] = v / float64(cnt[c])
	}
	res, err := s.Classify(mean, opt)
	if err != nil {
		return SectionResult{}, fmt.Errorf("断面%s：%w", id, err)
	}
	r.Actual = res.Class
	return r, nil
}
