package discretion

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
)

// Indicators holds the three indicator systems (三项评价标准) of the "1+3"
// method, their weights and the other numbers of the formula. All of it is
// data that legal staff can read and change.
type Indicators struct {
	Version string `json:"version"`
	Source  string `json:"source"`
	// Weights of the three systems in the position score: 个案, 共性, 案件影响.
	Weights struct {
		Case   int64 `json:"case"`
		Common int64 `json:"common"`
		Impact int64 `json:"impact"`
	} `json:"weights"`
	// TierSplit: 从轻 is [0, Lower] % of the range, 一般 [Lower, Upper], 从重 [Upper, 100].
	TierSplit struct {
		Lower  int64  `json:"lower_pct"`
		Upper  int64  `json:"upper_pct"`
		Source string `json:"source"`
	} `json:"tier_split"`
	// Mitigation (减轻): the fine lies in [Min × FloorPct %, Min) of the legal range.
	Mitigation struct {
		FloorPct int64  `json:"floor_pct"`
		Source   string `json:"source"`
	} `json:"mitigation"`
	// Rounding of the computed fine.
	Rounding struct {
		UnitFen int64  `json:"unit_fen"` // 100 = to the 元
		Mode    string `json:"mode"`     // "half_up", "down", "none"
		Source  string `json:"source"`
	} `json:"rounding"`
	// CommonBase is the 共性 score with no circumstance; circumstances add their points.
	CommonBase    int64                `json:"common_base"`
	Circumstances []*Circumstance      `json:"circumstances"`
	FactorSets    map[string][]*Factor `json:"factor_sets"`
	Impact        []*Factor            `json:"impact"`
	Procedure     Procedure            `json:"procedure"`

	circ map[string]*Circumstance
	// wtext holds the constant pieces of the weighted-sum explanation for the
	// weights they were made from (see Engine.score).
	wtext weightText
	// ptext holds the 程序 step's texts already made, by party kind and set of
	// reasons (see Engine.procedure); nil until first used.
	ptext atomic.Pointer[procTexts]
}

// weightText is "。加权综合：(W1×", " + W2×", " + W3×" and ") ÷ T = " for
// the weights w.
type weightText struct {
	w                   [3]int64
	open, mid, last, eq string
}

// Effect of a statutory circumstance (情节的法律效果).
type Effect string

const (
	MustExempt    Effect = "应当不予"
	MayExempt     Effect = "可以不予"
	MustMitigate  Effect = "应当从轻或减轻"
	MayMitigate   Effect = "可以从轻或减轻"
	MustAggravate Effect = "应当从重"
	MayAggravate  Effect = "可以从重"
)

func (e Effect) mitigating() bool  { return e == MustMitigate || e == MayMitigate }
func (e Effect) aggravating() bool { return e == MustAggravate || e == MayAggravate }

// Circumstance is one 共性情节 (a circumstance common to all violations).
type Circumstance struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Effect Effect `json:"effect"`
	Basis  string `json:"basis"` // article, e.g. 行政处罚法第三十二条第（一）项: a citation, shown and printed as it is
	Text   string `json:"text"`  // the article's words
	// Source says where the basis was checked (copy of the text, date, verified or not); it is
	// for the legal staff who edit the file and is never shown as the basis.
	Source string `json:"source,omitempty"`
	// Caution, when set, is shown as a warning whenever the circumstance is counted (e.g. one
	// the 2022 guidance does not list, which needs a basis the case must name).
	Caution string `json:"caution,omitempty"`
	Points  int64  `json:"points"` // added to the 共性 score (negative for mitigating)
	// Excludes lists circumstances that contradict this one.
	Excludes []string `json:"excludes,omitempty"`
	// AppliesTo, when set, limits a circumstance whose basis is a sector rule (价格违法
	// 行为行政处罚规定第十七条, 产品质量法第五十五条 …) to the catalogue items it governs:
	// each entry is an item id or a domain (领域) of the catalogue.
	AppliesTo []string `json:"applies_to,omitempty"`
	// Precomputed explanation fragments (filled by ParseIndicators).
	tierFrag, scoreFrag string
	// Role ties a circumstance to facts the engine checks: "first_offence"
	// (初次违法; contradicts prior violations of the same kind in two years),
	// "repeat" (再犯; needs such priors).
	Role string `json:"role,omitempty"`
}

// Factor is one 个案 or 案件影响 factor with its scores (0–100).
//
// Kind "choice": the officer picks one of Options (Default when not given).
// Kind "amount": the score comes from Bands over the base amount Base (分).
// Kind "days": from Bands over the duration of the act in days.
// Kind "count": from Bands over Input.Victims (受害人数).
// A band applies when the value is below Below (Below 0 = no upper bound).
type Factor struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Weight  int64    `json:"weight"`
	Base    string   `json:"base,omitempty"`
	Bands   []Band   `json:"bands,omitempty"`
	Options []Option `json:"options,omitempty"`
	Default string   `json:"default,omitempty"`
}

// Band is a score for values below a bound.
type Band struct {
	Below int64  `json:"below"`
	Score int64  `json:"score"`
	Label string `json:"label"`
	frag  string // "因素：档 N分×权重", precomputed
}

// Option is a choice of a factor.
type Option struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Score int64  `json:"score"`
	frag  string // "因素：选项 N分×权重", precomputed
}

// Procedure holds the procedural thresholds (程序性后果).
type Procedure struct {
	HearingNaturalFen int64    `json:"hearing_natural_fen"` // 听证: 对自然人罚款
	HearingOrgFen     int64    `json:"hearing_org_fen"`     // 听证: 对法人或者其他组织
	HearingSource     string   `json:"hearing_source"`
	HearingKinds      []string `json:"hearing_kinds"`       // kinds that always give a hearing right
	OnSpotNaturalFen  int64    `json:"on_spot_natural_fen"` // 第五十一条: 二百元
	OnSpotOrgFen      int64    `json:"on_spot_org_fen"`     // 第五十一条: 三千元
	CollectiveFen     int64    `json:"collective_fen"`      // 集体讨论: fine at or above
	CollectiveSource  string   `json:"collective_source"`
	ReviewSource      string   `json:"review_source"`
	// DecidingLevel: fines at or above Fen for the items of AppliesTo are decided by a
	// bureau of a 设区的市 or above (食品安全法实施条例第八十一条: 30万元以上).
	DecidingLevel []DecidingLevel `json:"deciding_level,omitempty"`
}

// DecidingLevel is a rule on which level of bureau decides large fines.
type DecidingLevel struct {
	AppliesTo []string `json:"applies_to"` // item ids or domains
	Fen       int64    `json:"fen"`        // at or above (以上 includes the number)
	Text      string   `json:"text"`       // the rule in Chinese, with its article
}

// ParseIndicators decodes and validates the indicator systems.
func ParseIndicators(b []byte) (*Indicators, error) {
	var ind Indicators
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ind); err != nil {
		return nil, fmt.Errorf("评价标准数据格式错误：%w", err)
	}
	if ind.Weights.Case < 0 || ind.Weights.Common < 0 || ind.Weights.Impact < 0 ||
		ind.Weights.Case+ind.Weights.Common+ind.Weights.Impact <= 0 {
		return nil, fmt.Errorf("三项评价标准的权重须为非负数且不全为零")
	}
	if !(0 < ind.TierSplit.Lower && ind.TierSplit.Lower < ind.TierSplit.Upper && ind.TierSplit.Upper < 100) {
		return nil, fmt.Errorf("裁量阶次分界须满足 0 < 从轻上限 < 从重下限 < 100")
	}
	if ind.Mitigation.FloorPct <= 0 || ind.Mitigation.FloorPct >= 100 {
		return nil, fmt.Errorf("减轻处罚下限比例须在 1–99 之间")
	}
	if ind.Rounding.UnitFen <= 0 {
		return nil, fmt.Errorf("取整单位须为正数")
	}
	switch ind.Rounding.Mode {
	case "half_up", "down", "none":
	default:
		return nil, fmt.Errorf("未知的取整方式 %q", ind.Rounding.Mode)
	}
	ind.circ = make(map[string]*Circumstance)
	for _, c := range ind.Circumstances {
		if _, dup := ind.circ[c.ID]; dup {
			return nil, fmt.Errorf("情节编号重复：%s", c.ID)
		}
		switch c.Effect {
		case MustExempt, MayExempt, MustMitigate, MayMitigate, MustAggravate, MayAggravate:
		default:
			return nil, fmt.Errorf("情节 %s 的法律效果未知：%q", c.ID, c.Effect)
		}
		if c.Effect.mitigating() && c.Points > 0 || c.Effect.aggravating() && c.Points < 0 {
			return nil, fmt.Errorf("情节 %s 的分值方向与法律效果不符", c.ID)
		}
		ind.circ[c.ID] = c
	}
	for _, c := range ind.Circumstances {
		for _, x := range c.Excludes {
			if _, ok := ind.circ[x]; !ok {
				return nil, fmt.Errorf("情节 %s 排斥未知情节 %s", c.ID, x)
			}
		}
	}
	check := func(where string, fs []*Factor) error {
		for _, f := range fs {
			if f.Weight < 0 {
				return fmt.Errorf("%s 因素 %s 权重为负", where, f.ID)
			}
			switch f.Kind {
			case "choice":
				found := false
				for _, o := range f.Options {
					if o.Score < 0 || o.Score > 100 {
						return fmt.Errorf("%s 因素 %s 分值须在0–100", where, f.ID)
					}
					found = found || o.ID == f.Default
				}
				if !found {
					return fmt.Errorf("%s 因素 %s 缺少默认选项", where, f.ID)
				}
			case "amount", "days", "count":
				if len(f.Bands) == 0 || f.Bands[len(f.Bands)-1].Below != 0 {
					return fmt.Errorf("%s 因素 %s 的分档须以无上限档（below 0）结尾", where, f.ID)
				}
				for i, b := range f.Bands {
					if b.Score < 0 || b.Score > 100 {
						return fmt.Errorf("%s 因素 %s 分值须在0–100", where, f.ID)
					}
					if i > 0 && i < len(f.Bands)-1 && b.Below <= f.Bands[i-1].Below {
						return fmt.Errorf("%s 因素 %s 分档须递增", where, f.ID)
					}
				}
			default:
				return fmt.Errorf("%s 因素 %s 类型未知：%q", where, f.ID, f.Kind)
			}
		}
		return nil
	}
	for name, fs := range ind.FactorSets {
		if err := check("个案因素集 "+name, fs); err != nil {
			return nil, err
		}
	}
	if err := check("案件影响", ind.Impact); err != nil {
		return nil, err
	}
	ind.precompute()
	return &ind, nil
}

func (ind *Indicators) checkAgainst(c *Catalogue) error {
	for _, it := range c.Items {
		if _, ok := ind.FactorSets[it.FactorSet]; !ok {
			return fmt.Errorf("事项 %s 引用了不存在的个案因素集 %q", it.ID, it.FactorSet)
		}
	}
	return nil
}

// Applies reports whether the circumstance may count for item it (no AppliesTo: all items).
func (c *Circumstance) Applies(it *Item) bool {
	return len(c.AppliesTo) == 0 || appliesTo(c.AppliesTo, it)
}

// appliesTo reports whether it is one of the item ids or domains in list.
func appliesTo(list []string, it *Item) bool {
	for _, a := range list {
		if a == it.ID || a == it.Domain {
			return true
		}
	}
	return false
}

// Circumstance returns the 共性 circumstance with that id.
func (ind *Indicators) Circumstance(id string) (*Circumstance, bool) {
	c, ok := ind.circ[id]
	return c, ok
}

// band returns the band that holds v.
func (f *Factor) band(v int64) *Band {
	for i := range f.Bands {
		if f.Bands[i].Below == 0 || v < f.Bands[i].Below {
			return &f.Bands[i]
		}
	}
	return &f.Bands[len(f.Bands)-1]
}

func (f *Factor) option(id string) (*Option, bool) {
	for i := range f.Options {
		if f.Options[i].ID == id {
			return &f.Options[i], true
		}
	}
	return nil, false
}

// precompute builds the explanation fragments once, so that explaining a
// case appends a few long strings instead of many short ones.
func (ind *Indicators) precompute() {
	w := ind.Weights
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	ind.wtext = weightText{
		w:    [3]int64{w.Case, w.Common, w.Impact},
		open: "。加权综合：(" + n(w.Case) + "×",
		mid:  " + " + n(w.Common) + "×",
		last: " + " + n(w.Impact) + "×",
		eq:   ") ÷ " + n(w.Case+w.Common+w.Impact) + " = ",
	}
	for _, c := range ind.Circumstances {
		eff := c.Effect
		if eff == MayExempt {
			eff = MayMitigate
		}
		c.tierFrag = "「" + c.Name + "」" + string(eff) + "（" + c.Basis
		sign := ""
		if c.Points >= 0 {
			sign = "+"
		}
		c.scoreFrag = "，" + c.Name + sign + strconv.FormatInt(c.Points, 10)
	}
	frag := func(f *Factor, label string, score int64) string {
		return f.Name + "：" + label + " " + strconv.FormatInt(score, 10) + "分×" + strconv.FormatInt(f.Weight, 10)
	}
	all := append([]*Factor{}, ind.Impact...)
	for _, fs := range ind.FactorSets {
		all = append(all, fs...)
	}
	for _, f := range all {
		for i := range f.Options {
			f.Options[i].frag = frag(f, f.Options[i].Label, f.Options[i].Score)
		}
		for i := range f.Bands {
			f.Bands[i].frag = frag(f, f.Bands[i].Label, f.Bands[i].Score)
		}
	}
}
