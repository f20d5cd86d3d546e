package discretion

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Engine computes penalty suggestions from a catalogue and indicator systems.
// It is safe for concurrent use; it never changes its data.
type Engine struct {
	Cat *Catalogue
	Ind *Indicators
	// heavy says, per penalty kind named in the catalogue, whether it is one
	// of heavyFor.Procedure.HearingKinds (听证 for 较重的行政处罚); computed by
	// New. An Engine built otherwise, or whose Ind was replaced, compares the
	// strings instead.
	heavy    map[string]bool
	heavyFor *Indicators
}

// New returns an engine over the given data (e.g. an edited catalogue).
func New(cat *Catalogue, ind *Indicators) (*Engine, error) {
	if err := ind.checkAgainst(cat); err != nil {
		return nil, err
	}
	return newEngine(cat, ind), nil
}

// DefaultEngine returns the engine over the embedded data.
func DefaultEngine() (*Engine, error) {
	cat, ind, err := Default()
	if err != nil {
		return nil, err
	}
	defaultEngineOnce.Do(func() { defaultHeavy = newEngine(cat, ind).heavy })
	return &Engine{Cat: cat, Ind: ind, heavy: defaultHeavy, heavyFor: ind}, nil
}

var (
	defaultEngineOnce sync.Once
	defaultHeavy      map[string]bool // read-only once built
)

func newEngine(cat *Catalogue, ind *Indicators) *Engine {
	e := &Engine{Cat: cat, Ind: ind, heavy: map[string]bool{}, heavyFor: ind}
	note := func(ks []Kind) {
		for _, k := range ks {
			e.heavy[k.Kind] = isHeavy(k.Kind, ind.Procedure.HearingKinds)
		}
	}
	for _, it := range cat.Items {
		for _, v := range it.Versions {
			note(v.Kinds)
			if v.Serious != nil {
				note(v.Serious.Kinds)
			}
		}
	}
	return e
}

// isHeavy reports whether a penalty kind contains one of the hearing kinds.
func isHeavy(kind string, hearingKinds []string) bool {
	for _, h := range hearingKinds {
		if strings.Contains(kind, h) {
			return true
		}
	}
	return false
}

// Compute runs the "1+3" formula over the embedded data. See Engine.Compute.
func Compute(in Input) (Result, error) {
	e, err := DefaultEngine()
	if err != nil {
		return Result{}, err
	}
	return e.Compute(in)
}

// fineRange is the legal range of one fine rule for one case.
type fineRange struct {
	branch   *Branch
	base     string
	baseFen  int64
	min, max int64 // 分
	how      int   // which way the arm was chosen: howPlain, howUnknown …
}

const (
	howPlain = iota
	howUnknown
	howUnknownAsZero
	howZero
	howSwitch
)

// explain writes which arm applies and why.
func (fr *fineRange) explain(x *expl) {
	name := BaseName(fr.base)
	b := fr.branch
	switch fr.how {
	case howUnknown:
		x.s(name).s("无法确定（或无法计算、明显偏低），适用「").s(b.Text).s("」")
	case howUnknownAsZero:
		x.s(name).s("无法确定，按没有").s(name).s("的规定处罚，适用「").s(b.Text).s("」")
	case howZero:
		x.s("没有").s(name).s("，适用「").s(b.Text).s("」")
	case howSwitch:
		x.s(name).yuan(fr.baseFen)
		if b.Op != "" || b.Party != "" {
			x.s("，属于「").s(b.condText(fr.base)).s("」")
		}
		x.s("，适用「").s(b.Text).s("」")
	default:
		x.s("适用「").s(b.Text).s("」")
	}
	if b.Multiple {
		x.s("：").s(name).s(" ").yuan(fr.baseFen).s(" × ").dec(b.MinX, 1000).s("倍–").dec(b.MaxX, 1000).s("倍")
	}
}

// caseState is the validated view of an input. It lives on the caller's
// stack: the circumstances are held in an inline array (more only for the
// rare case with many), and no field points into the struct itself.
type caseState struct {
	item    *Item
	actDay  time.Time
	natural bool
	auto    *Circumstance // added from prior-violation facts (nil if none)
	// serious: the case is computed as 情节严重 — ticked by the officer, or
	// seriousBy non-empty: it meets the applied version's own definition
	// (食品安全法实施条例第六十七条), which the officer cannot untick.
	serious   bool
	seriousBy string
	n         int
	arr       [8]*Circumstance
	more      []*Circumstance
	// factors is the item's 个案 factor set; caseOpt and impactOpt hold the options
	// chosen for the factors at the same positions of the 个案 and 案件影响 sets
	// (nil: the factor's default; positions past the arrays are looked up again).
	factors   []*Factor
	caseOpt   [8]*Option
	impactOpt [8]*Option
}

// circs returns the distinct circumstances that count, in input order.
func (st *caseState) circs() []*Circumstance {
	if st.more != nil {
		return st.more
	}
	return st.arr[:st.n]
}

// Compute runs the formula for one case. Bad input returns *InputError.
// The result explains every step in Chinese.
func (e *Engine) Compute(in Input) (Result, error) { return e.run(in, true) }

// Quick runs the same formula and gives the same numbers, citations and
// procedure as Compute but no Steps (no Chinese explanation): for batch work
// such as re-scoring decided cases for 类案同罚 or generating demo data.
func (e *Engine) Quick(in Input) (Result, error) { return e.run(in, false) }

func (e *Engine) run(in Input, explain bool) (Result, error) {
	var r Result
	var cs caseState
	var circBuf [8]*Circumstance
	circs, err := e.validate(&in, &cs, circBuf[:0])
	if err != nil {
		return r, err
	}
	if cs.n = copy(cs.arr[:], circs); len(circs) > len(cs.arr) {
		cs.more = append([]*Circumstance(nil), circs...)
	}
	st := &cs
	it := st.item
	r.ItemID, r.ItemName = it.ID, it.Name
	r.CatalogueVersion, r.IndicatorsVersion = e.Cat.Version, e.Ind.Version
	// At most: 违反条款, 处罚依据, 第二十八条第二款, 第三十七条, 第三十六条, one per circumstance
	// and the procedural articles (第五十一条 or 第五十七条、第五十八条、第六十三条).
	r.Citations = make([]Citation, 0, 8+len(st.circs()))
	r.Counted = make([]Counted, 0, len(st.circs())+1)
	var x expl // stays on the stack: no write barriers while explaining
	if !explain {
		x.off = true
		return e.compute(&in, st, &x, r)
	}
	sc := x.begin()
	r, err = e.compute(&in, st, &x, r)
	r.Steps = x.steps()
	x.end(sc)
	return r, err
}

func (e *Engine) compute(in *Input, st *caseState, x *expl, r Result) (Result, error) {
	// Step 1: the law version, 从旧兼从轻 (第三十七条).
	v, err := e.chooseVersion(in, st, x, &r)
	if err != nil {
		// No catalogued law for the act: it may still be time-barred, which needs no law text.
		if ie, ok := err.(*InputError); ok && ie.Code == ErrNoVersion && e.limitation(in, st, x, &r) {
			r.Barred, r.NoPenalty, r.Tier = true, true, TierNone
			return r, nil
		}
		return r, err
	}
	r.Version = v.Effective
	r.Citations = append(r.Citations, Citation{"违反条款", v.Violated}, Citation{"处罚依据", v.Penalty})
	if v.NotOffence {
		// 第三十七条: the rule in force at decision time no longer holds the act to be an offence.
		r.NoPenalty, r.Tier = true, TierNone
		x.step("不予处罚").s("作出处罚决定时的规定（").s(v.LawVersion).s("，").s(v.Effective).s("施行）不认为是违法，依行政处罚法第三十七条适用新的规定，不予行政处罚。")
		return r, e.proposal(in, x, &r)
	}

	// Step 2: limitation (第三十六条).
	if e.limitation(in, st, x, &r) {
		r.Barred, r.NoPenalty, r.Tier = true, true, TierNone
		return r, nil
	}

	// Step 3: 不予处罚.
	if e.exemption(in, st, x, &r) {
		r.NoPenalty, r.Tier = true, TierNone
		return r, nil
	}

	// Step 4: the fine rule and its legal range.
	rule := v.Fine
	kinds := v.Kinds
	st.serious = in.Serious
	if v.Serious != nil {
		// A case that meets the rule's own definition of 情节严重 (e.g. 食品安全法实施条例
		// 第六十七条第一款第（一）项: 货值金额2万元以上或者持续时间3个月以上) 属于情节严重情形
		// by that rule: it is computed so whether or not the officer ticked it.
		if why := seriousBy(v.Serious.When, in, st); why != "" {
			st.serious, st.seriousBy = true, why
		}
	}
	r.Serious = st.serious
	if st.seriousBy != "" {
		r.SeriousBy = st.seriousBy + "，依" + v.Serious.When.Basis + "属于情节严重情形"
	}
	if st.serious {
		if v.Serious != nil {
			if len(v.Serious.Kinds) > 0 {
				kinds = append(append(make([]Kind, 0, len(v.Kinds)+len(v.Serious.Kinds)), v.Kinds...), v.Serious.Kinds...)
			}
			x.step("情节严重")
			if st.seriousBy != "" {
				x.s("依法认定情节严重：").s(r.SeriousBy)
				if in.Serious {
					x.s("（办案人员亦已勾选）")
				} else {
					x.s("（据案件数据认定，不以是否勾选为准）")
				}
				x.s("。")
			}
			x.s("情节严重：").s(v.Serious.Text)
			if v.Serious.Basis != "" {
				x.s("（认定依据：").s(v.Serious.Basis).s("）")
			}
			if v.Serious.Fine != nil {
				rule = v.Serious.Fine
				x.s("；适用情节严重的罚款幅度。")
			} else {
				x.s("。")
			}
		} else {
			r.Warnings = append(r.Warnings, "本事项的处罚条款未对情节严重另设罚则，已在共性情节中考虑，请核对。")
		}
	}
	unmet := rule != nil && rule.Prerequisite != "" && !in.PrerequisiteMet
	kinds = onPrerequisite(kinds, !unmet)
	r.Kinds = kinds
	e.confiscations(in, kinds, x, &r)
	if rule == nil {
		r.Tier = TierNoFine
		x.step("罚款").s("处罚依据未规定罚款，依法给予").s(kindList(kinds)).s("。")
		return r, e.finish(in, st, x, &r)
	}
	if unmet {
		r.Tier = TierNoFine
		x.step("罚款").s("处罚依据以「").s(rule.Prerequisite).s("」为罚款前提，本案尚不具备，不处罚款；依法责令改正").s(maybeKinds(kinds)).s("。")
		return r, e.finish(in, st, x, &r)
	}
	fr, err := e.legalRange(in, st, rule)
	if err != nil {
		return r, e.partyRefusal(err, in, st, v, v.Penalty.Cite()+"（"+v.Effective+"施行）", "")
	}
	// 可以并处/可以处 is said of the whole clause or, as in 价格违法行为行政处罚规定
	// 第十一条第一款 (个人没有违法所得的，可以处10万元以下的罚款), of one arm only.
	r.FineOptional = rule.Optional || fr.branch.Optional
	r.LegalMin, r.LegalMax = fr.min, fr.max
	x.step("法定幅度")
	fr.explain(x)
	x.s("；法定罚款幅度 ").yuan(fr.min).s(" 至 ").yuan(fr.max)
	if fr.min == 0 {
		x.s("（条文仅规定上限，下限按零计）")
	}
	if r.FineOptional {
		x.s("；条文为「可以并处/可以处」，罚款可由办案机构裁量是否适用。")
	} else {
		x.s("；条文为「并处/处」，应当处以罚款。")
	}

	// Step 5: tier.
	tier, err := e.tier(in, st, v, x, &r)
	if err != nil {
		return r, err
	}
	r.Tier = tier

	// Step 6: the tier's band.
	e.band(fr, tier, x, &r)

	// Step 7: position from the three indicator systems.
	r.Score = e.score(in, st, x)

	// Step 8: the fine.
	e.fine(x, &r)

	return r, e.finish(in, st, x, &r)
}

// finish checks the officer's proposal and then derives the procedure from the
// fine that is to be imposed: the proposal when there is one, else the suggestion.
func (e *Engine) finish(in *Input, st *caseState, x *expl, r *Result) error {
	if err := e.proposal(in, x, r); err != nil {
		return err
	}
	e.procedure(in, st, x, r)
	return nil
}

// onPrerequisite drops the kinds the clause gives only when its prerequisite holds
// (e.g. 食品安全法第一百三十二条 拒不改正的，责令停产停业) when it does not; the
// slice is shared unless something is dropped.
func onPrerequisite(ks []Kind, met bool) []Kind {
	if met {
		return ks
	}
	for i, k := range ks {
		if !k.OnPrerequisite {
			continue
		}
		out := append(make([]Kind, 0, len(ks)-1), ks[:i]...)
		for _, k := range ks[i+1:] {
			if !k.OnPrerequisite {
				out = append(out, k)
			}
		}
		return out
	}
	return ks
}

// validate checks the input, fills st and returns the distinct circumstances
// (appended to buf, plus the one derived from prior-violation facts).
func (e *Engine) validate(in *Input, st *caseState, buf []*Circumstance) ([]*Circumstance, error) {
	it, ok := e.Cat.Item(in.ItemID)
	if !ok {
		return nil, inErr("item_id", ErrUnknownItem, "裁量事项「"+in.ItemID+"」不在裁量基准目录中，请从目录中选择事项或使用法条智能引用。")
	}
	st.item = it
	switch in.Party {
	case Natural:
		st.natural = true
	case Organization:
	default:
		return nil, inErr("party", ErrBadParty, "请选择当事人类型：自然人（natural）或法人、其他组织（org）。")
	}
	if in.Today.IsZero() {
		return nil, inErr("today", ErrBadDate, "请提供作出决定的日期。")
	}
	if in.ActDate.IsZero() {
		return nil, inErr("act_date", ErrBadDate, "请填写违法行为发生日期。")
	}
	if in.DiscoveryDate.IsZero() {
		return nil, inErr("discovery_date", ErrBadDate, "请填写违法行为被发现（立案或检查发现）的日期。")
	}
	if in.ActDate.After(in.Today) {
		return nil, inErr("act_date", ErrFutureDate, "违法行为发生日期晚于决定日期，请核对日期。")
	}
	if in.DiscoveryDate.After(in.Today) {
		return nil, inErr("discovery_date", ErrFutureDate, "发现日期晚于决定日期，请核对日期。")
	}
	if in.DiscoveryDate.Before(in.ActDate) {
		return nil, inErr("discovery_date", ErrBadDate, "发现日期早于违法行为发生日期，请核对日期。")
	}
	if !in.ActEndDate.IsZero() {
		if in.ActEndDate.Before(in.ActDate) {
			return nil, inErr("act_end_date", ErrBadDate, "违法行为终了日期早于发生日期，请核对日期。")
		}
		if in.ActEndDate.After(in.Today) {
			return nil, inErr("act_end_date", ErrFutureDate, "违法行为终了日期晚于决定日期，请核对日期。")
		}
	}
	st.actDay = PriorsAsOf(in) // the act's day, or a continuing act's end (in.ActDate is set)
	for _, a := range [...]struct {
		v     Amount
		field string
	}{
		{in.Amounts.GoodsValue, "amounts.goods_value"},
		{in.Amounts.IllegalGains, "amounts.illegal_gains"},
		{in.Amounts.AdFee, "amounts.ad_fee"},
		{in.Amounts.IllegalTurnover, "amounts.illegal_turnover"},
	} {
		if a.v.Fen < 0 {
			return nil, inErr(a.field, ErrNegativeAmount, "金额不能为负数，请填写不小于零的金额（单位：元，保留两位小数）。")
		}
		if a.v.Fen > MaxAmountFen {
			return nil, inErr(a.field, ErrAmountTooLarge, "金额超过一万亿元，请核对金额单位。")
		}
	}
	if in.Victims < 0 {
		return nil, inErr("victims", ErrNegativeAmount, "受害人数不能为负数。")
	}
	if in.PriorSameKind2Years < 0 || in.PriorSameKind1Year < 0 {
		return nil, inErr("prior_same_kind_2y", ErrNegativeAmount, "违法记录次数不能为负数。")
	}
	if in.PriorSameKind1Year > in.PriorSameKind2Years {
		return nil, inErr("prior_same_kind_1y", ErrContradiction, "一年内同类违法次数不能多于两年内同类违法次数。")
	}

	// Circumstances: known, distinct, not contradictory, consistent with priors.
	circs := buf[:0]
	if len(in.Circumstances)+1 > cap(buf) {
		circs = make([]*Circumstance, 0, len(in.Circumstances)+1)
	}
	for i, id := range in.Circumstances {
		c, ok := e.Ind.Circumstance(id)
		if !ok {
			return nil, inErr("circumstances["+strconv.Itoa(i)+"]", ErrUnknownCircumstance, "情节「"+id+"」不在共性情节评价标准中，请从清单中选择。")
		}
		if hasCirc(circs, id) {
			continue
		}
		if !c.Applies(it) {
			return nil, inErr("circumstances["+strconv.Itoa(i)+"]", ErrNotApplicable, "情节「"+c.Name+"」依据"+c.Basis+"，不适用于本案事项「"+it.Name+"」（"+it.Domain+"），请取消勾选或选择相应的共性情节。")
		}
		circs = append(circs, c)
	}
	for _, c := range circs {
		for _, x := range c.Excludes {
			if o := findCirc(circs, x); o != nil {
				return nil, inErr("circumstances", ErrContradiction, "情节「"+c.Name+"」与「"+o.Name+"」相互矛盾，请核实后只保留符合事实的一项。")
			}
		}
		if !in.PriorsKnown {
			continue
		}
		switch {
		case c.Role == "first_offence" && in.PriorSameKind2Years > 0:
			return nil, inErr("circumstances", ErrContradiction, "已勾选「"+c.Name+"」，但信用记录显示当事人两年内有"+strconv.FormatInt(in.PriorSameKind2Years, 10)+"次同类违法，请核实。")
		case c.Role == "repeat_2y" && in.PriorSameKind2Years == 0, c.Role == "repeat_1y" && in.PriorSameKind1Year == 0:
			return nil, inErr("circumstances", ErrContradiction, "已勾选「"+c.Name+"」，但信用记录未显示相应期间的同类违法，请核实。")
		}
	}
	if in.PriorsKnown {
		role := ""
		if in.PriorSameKind1Year > 0 {
			role = "repeat_1y"
		} else if in.PriorSameKind2Years > 0 {
			role = "repeat_2y"
		}
		if role != "" && !hasRole(circs, role) {
			for _, c := range e.Ind.Circumstances {
				if c.Role == role {
					circs = append(circs, c)
					st.auto = c
					break
				}
			}
		}
	}

	st.factors = e.Ind.FactorSets[it.FactorSet]
	for id, opt := range in.CaseFactors {
		i, o, err := checkChoice(st.factors, id, opt, "case_factors.", "个案")
		if err != nil {
			return nil, err
		}
		if i < len(st.caseOpt) {
			st.caseOpt[i] = o
		}
	}
	for id, opt := range in.ImpactFactors {
		i, o, err := checkChoice(e.Ind.Impact, id, opt, "impact_factors.", "案件影响")
		if err != nil {
			return nil, err
		}
		if i < len(st.impactOpt) {
			st.impactOpt[i] = o
		}
	}
	if in.Reduce && strings.TrimSpace(in.ReduceReason) == "" {
		return nil, inErr("reduce_reason", ErrReasonMissing, "减轻处罚须写明理由（适用的法定情节和事实）。")
	}
	return circs, nil
}

// checkChoice checks one chosen option and returns the factor's position in fs
// and the option; field is the JSON path prefix of the map, completed with id
// only when there is an error (no work on success).
func checkChoice(fs []*Factor, id, opt, field, system string) (int, *Option, error) {
	for i, f := range fs {
		if f.ID != id {
			continue
		}
		if f.Kind != "choice" {
			return 0, nil, inErr(field+id, ErrUnknownFactor, system+"因素「"+f.Name+"」由案件数据自动计算，不能手工选择。")
		}
		o, ok := f.option(opt)
		if !ok {
			return 0, nil, inErr(field+id, ErrUnknownFactor, system+"因素「"+f.Name+"」没有选项「"+opt+"」，请从清单中选择。")
		}
		return i, o, nil
	}
	return 0, nil, inErr(field+id, ErrUnknownFactor, system+"评价标准中没有因素「"+id+"」，请从清单中选择。")
}

func hasCirc(cs []*Circumstance, id string) bool { return findCirc(cs, id) != nil }

func findCirc(cs []*Circumstance, id string) *Circumstance {
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func hasRole(cs []*Circumstance, role string) bool {
	for _, c := range cs {
		if c.Role == role {
			return true
		}
	}
	return false
}

func day(t time.Time) string { return t.Format("2006-01-02") }

// addYears moves t by n years the way the law counts a period in years (民法典
// 第二百零二条): the period ends on the corresponding day of the final year or, where
// that year has no such day (29 February), on the last day of that month — not on
// 1 March, where time.AddDate would put it.
func addYears(t time.Time, n int) time.Time { return addMonths(t, 12*n) }

// addMonths moves t by n months, counted the same way (31 January + 1 month = 28 or
// 29 February).
func addMonths(t time.Time, n int) time.Time {
	y, m, dd := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	if last := first.AddDate(0, 1, -1).Day(); dd > last {
		dd = last
	}
	h, mi, sec := t.Clock()
	return time.Date(first.Year(), first.Month(), dd, h, mi, sec, t.Nanosecond(), t.Location())
}

// seriousBy says why the case meets the version's definition of 情节严重 ("" if it does not).
func seriousBy(w *SeriousWhen, in *Input, st *caseState) string {
	if w == nil || st.actDay.Before(w.since) {
		return ""
	}
	if a := in.Amounts.GoodsValue; w.GoodsValueGTE > 0 && a.Set && !a.Undeterminable && a.Fen >= w.GoodsValueGTE {
		return "货值金额" + Yuan(a.Fen) + "（" + Yuan(w.GoodsValueGTE) + "以上）"
	}
	if w.DurationMonthsGTE > 0 && !in.ActEndDate.IsZero() && !in.ActEndDate.Before(addMonths(in.ActDate, w.DurationMonthsGTE)) {
		return "违法行为自" + day(in.ActDate) + "持续至" + day(in.ActEndDate) + "（" + strconv.Itoa(w.DurationMonthsGTE) + "个月以上）"
	}
	return ""
}

var citeArt37 = Citation{"裁量依据", Provision{Law: "中华人民共和国行政处罚法", Article: "第三十七条", Text: "实施行政处罚，适用违法行为发生时的法律、法规、规章的规定。但是，作出行政处罚决定时，法律、法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定。"}}

// citeArt28 is the general rule that confiscates 违法所得 where the clause does not (行政处罚法
// 2021 第二十八条第二款; verified against the 2021 text, copy from 国家法律法规数据库).
var citeArt28 = Citation{"处罚依据", Provision{Law: "中华人民共和国行政处罚法", Article: "第二十八条", Paragraph: "第二款", Text: "当事人有违法所得，除依法应当退赔的外，应当予以没收。违法所得是指实施违法行为所取得的款项。法律、行政法规、部门规章对违法所得的计算另有规定的，从其规定。"}}

var citeArt36 = Citation{"裁量依据", Provision{Law: "中华人民共和国行政处罚法", Article: "第三十六条", Text: "违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害后果的，上述期限延长至五年。法律另有规定的除外。前款规定的期限，从违法行为发生之日起计算；违法行为有连续或者继续状态的，从行为终了之日起计算。"}}

// chooseVersion applies 第三十七条: the law at the time of the act, unless the
// law in force at decision time punishes more lightly or no longer at all.
func (e *Engine) chooseVersion(in *Input, st *caseState, x *expl, r *Result) (*Version, error) {
	it := st.item
	old := it.VersionAt(st.actDay)
	if old == nil {
		return nil, inErr("act_date", ErrNoVersion, "违法行为发生于"+day(st.actDay)+"，早于本目录收录的最早法律版本（"+it.Versions[0].Effective+"施行），请人工确定适用的法律。")
	}
	if p := it.PendingRevision; p != nil && !st.actDay.Before(p.effective) {
		// The act (or its end) falls under the revised law, whose text the catalogue
		// lacks: computing from the repealed text would cite and apply the wrong law.
		return nil, inErr("act_date", ErrNoVersion, "违法行为发生（或终了）于"+day(st.actDay)+"，应当适用"+p.Effective+"施行的修订后条文（"+p.Note+"），本目录尚未收录，不能计算；请人工确定适用的条款和罚款幅度，或请法制机构补充裁量基准。")
	}
	if p := it.PendingRevision; p != nil && !in.Today.Before(p.effective) {
		r.Warnings = append(r.Warnings, "该事项所依据的法律已于"+p.Effective+"修订施行，目录尚未收录新条文（"+p.Note+"），请人工核对适用条款。")
	}
	now := it.VersionAt(in.Today)
	x.step("适用法律")
	if in.ActEndDate.IsZero() {
		x.s("违法行为发生之日").day(in.ActDate)
	} else {
		x.s("违法行为连续或继续状态终了之日").day(in.ActEndDate)
	}
	if now == old {
		x.s("与决定之日").day(in.Today).s("适用同一版本：").s(old.Penalty.Law).s("（").s(old.LawVersion).s("，").s(old.Effective).s("施行）。")
		return old, nil
	}
	r.Citations = append(r.Citations, citeArt37)
	// each side names its law, text and clause, so that the reader sees which article each range comes from
	x.s("适用《").s(old.Penalty.Law).s("》（").s(old.LawVersion).s("，").s(old.Effective).s("施行）").s(old.Penalty.Article).s(old.Penalty.Paragraph).
		s("，决定之日适用《").s(now.Penalty.Law).s("》（").s(now.LawVersion).s("，").s(now.Effective).s("施行）").s(now.Penalty.Article).s(now.Penalty.Paragraph).
		s("。依行政处罚法第三十七条（从旧兼从轻）比较：")
	if now.NotOffence {
		x.s("新的规定不认为是违法，适用新的规定。")
		return now, nil
	}
	oldR, errOld := e.versionRange(in, st, old)
	newR, errNew := e.versionRange(in, st, now)
	if errOld != nil {
		return nil, errOld
	}
	if ie, ok := errNew.(*InputError); ok && ie.Code == ErrPartyNotCovered {
		// e.g. 反不正当竞争法（2025）第二十四条第一款 fines only 有关单位: whether the new law
		// still punishes an individual, and under which clause, is not for the engine to guess.
		return nil, e.partyRefusal(ie, in, st, now, "决定之日施行的"+now.Penalty.Cite()+"（"+now.Effective+"施行）", "不能依行政处罚法第三十七条自动比较新旧规定，请人工确定适用的条款。")
	}
	if errNew != nil {
		return nil, errNew
	}
	lighter := newR.max < oldR.max || newR.max == oldR.max && newR.min < oldR.min
	x.s("旧法幅度 ").yuan(oldR.min).s("–").yuan(oldR.max).s("，新法幅度 ").yuan(newR.min).s("–").yuan(newR.max).s("；")
	if lighter {
		x.s("新的规定处罚较轻，适用新的规定（").s(now.Penalty.Cite()).s("）。")
		return now, nil
	}
	x.s("新的规定处罚不轻于旧法，适用违法行为发生时的规定（").s(old.Penalty.Cite()).s("）。")
	return old, nil
}

// versionRange is the legal range a version gives this case (for comparison).
func (e *Engine) versionRange(in *Input, st *caseState, v *Version) (fineRange, error) {
	rule := v.Fine
	if v.Serious != nil && v.Serious.Fine != nil && (in.Serious || seriousBy(v.Serious.When, in, st) != "") {
		rule = v.Serious.Fine
	}
	if rule == nil {
		return fineRange{}, nil
	}
	return e.legalRange(in, st, rule)
}

// limitation applies 第三十六条; it reports whether the act is time-barred.
func (e *Engine) limitation(in *Input, st *caseState, x *expl, r *Result) bool {
	years := 2
	why := "二年"
	if st.item.LifeHealthSafety && in.HarmOccurred {
		years, why = 5, "五年（涉及公民生命健康安全且有危害后果）"
	}
	deadline := addYears(st.actDay, years)
	from := "违法行为发生之日"
	if !in.ActEndDate.IsZero() {
		from = "行为终了之日"
	}
	r.Citations = append(r.Citations, citeArt36)
	x.step("追责时效").s("追责期限").s(why).s("，自").s(from).day(st.actDay).s("起算，截至").day(deadline).s("（含当日）；发现之日").day(in.DiscoveryDate)
	if in.DiscoveryDate.After(deadline) {
		x.s("，已超过期限，依法不再给予行政处罚。")
		return true
	}
	x.s("，在期限内。")
	return false
}

// exemption applies 不予处罚 circumstances; it reports whether no penalty is given.
func (e *Engine) exemption(in *Input, st *caseState, x *expl, r *Result) bool {
	var may *Circumstance
	for _, c := range st.circs() {
		if c.Effect == MustExempt {
			r.Citations = append(r.Citations, Citation{"裁量依据", Provision{Article: c.Basis, Text: c.Text}})
			r.Counted = append(r.Counted, counted(c, false))
			x.step("不予处罚").s("具有「").s(c.Name).s("」情节（").s(c.Basis).s("：").s(c.Text).s("），依法不予行政处罚；应当对当事人进行教育。")
			return true
		}
		if c.Effect == MayExempt && may == nil {
			may = c
		}
	}
	if may != nil && in.ElectExemption {
		r.Citations = append(r.Citations, Citation{"裁量依据", Provision{Article: may.Basis, Text: may.Text}})
		r.Counted = append(r.Counted, counted(may, false))
		x.step("不予处罚").s("具有「").s(may.Name).s("」情节（").s(may.Basis).s("：").s(may.Text).s("），办案机构选择不予行政处罚；应当对当事人进行教育。")
		return true
	}
	if in.ElectExemption {
		r.Warnings = append(r.Warnings, "已选择「不予处罚」，但未勾选可以不予处罚的情节（如初次违法且危害后果轻微并及时改正），本次按给予处罚计算。")
	}
	x.step("不予处罚").s("无应当不予处罚的情节")
	if may != nil {
		x.s("；具有可以不予处罚的情节「").s(may.Name).s("」，办案机构未选择不予处罚，该情节按可以从轻情节考虑")
	}
	x.s("。")
	return false
}

func counted(c *Circumstance, auto bool) Counted {
	return Counted{ID: c.ID, Name: c.Name, Effect: c.Effect, Basis: c.Basis, Points: c.Points, Auto: auto}
}

// legalRange picks the arm of the fine rule and computes the range in 分.
func (e *Engine) legalRange(in *Input, st *caseState, rule *FineRule) (fineRange, error) {
	fr := fineRange{base: rule.Base}
	needBase := rule.needsBase() || rule.Unknown != nil || len(rule.Zero) > 0
	zero := firstHolding(rule.Zero, st.natural)
	var b *Branch
	if needBase {
		amt, field := in.Amounts.get(rule.Base)
		name := BaseName(rule.Base)
		switch {
		case amt.Undeterminable && rule.Unknown != nil:
			b, fr.how = rule.Unknown, howUnknown
		case amt.Undeterminable && rule.UnknownAsZero && zero != nil:
			b, fr.how = zero, howUnknownAsZero
		case amt.Undeterminable:
			return fr, inErr(field, ErrBaseMissing, "该条款按"+name+"计算罚款且未规定无法确定时的处罚，请查明"+name+"。")
		case !amt.Set:
			return fr, inErr(field, ErrBaseMissing, "该条款按"+name+"确定罚款，请填写"+name+"（没有的填0；无法确定的请注明）。")
		case amt.Fen == 0 && zero != nil:
			b, fr.how = zero, howZero
		default:
			for _, x := range rule.Branches {
				if x.holds(amt.Fen, st.natural) {
					b = x
					break
				}
			}
			if b == nil {
				return fr, inErr(field, ErrBaseMissing, "按"+name+Yuan(amt.Fen)+"找不到适用的罚款幅度，请核对金额或联系法制机构维护裁量基准。")
			}
			fr.how = howSwitch
		}
		if !amt.Undeterminable {
			fr.baseFen = amt.Fen
		}
	} else {
		b = firstHolding(rule.Branches, st.natural)
		if b == nil {
			// Every arm names the other party: 反不正当竞争法（2025）第二十四条第一款 fines
			// only 有关单位, its 第二款 only individuals.
			covered, party := "个人（自然人）", "单位（法人或者其他组织）"
			if st.natural {
				covered, party = party, covered
			}
			return fr, inErr("party", ErrPartyNotCovered, "该条款只对"+covered+"规定了罚款，当事人为"+party+"的不适用")
		}
	}
	fr.branch = b
	if b.Multiple {
		fr.min = mulDiv(fr.baseFen, b.MinX, 1000, "up")
		fr.max = mulDiv(fr.baseFen, b.MaxX, 1000, "down")
	} else {
		fr.min, fr.max = b.Min, b.Max
	}
	return fr, nil
}

// partyRefusal completes a party_not_covered refusal of legalRange for the version v: it names
// the clause (cite) and the items of the catalogue whose same article fines the party this
// clause leaves out (反不正当竞争法（2025）第二十四条: 第一款 单位 uc-19、uc25-24-1, 第二款 个人
// uc25-24-2), so that the officer knows which item to pick. Other errors pass unchanged.
func (e *Engine) partyRefusal(err error, in *Input, st *caseState, v *Version, cite, tail string) error {
	ie, ok := err.(*InputError)
	if !ok || ie.Code != ErrPartyNotCovered {
		return err
	}
	party := "单位（法人或者其他组织）"
	if st.natural {
		party = "个人（自然人）"
	}
	var alts []string
	for _, it := range e.Cat.Items {
		if it == st.item {
			continue
		}
		w := it.VersionAt(in.Today)
		if w == nil || it.VersionAt(st.actDay) == nil || w.Penalty.Law != v.Penalty.Law || w.Penalty.Article != v.Penalty.Article || w.Fine == nil ||
			!w.Fine.needsBase() && firstHolding(w.Fine.Branches, st.natural) == nil {
			continue
		}
		alts = append(alts, it.ID+"「"+it.Name+"」（"+w.Penalty.Cite()+"）")
	}
	msg := cite + strings.TrimPrefix(ie.Message, "该条款") + "，请在「当事人类型」核对当事人"
	if len(alts) > 0 {
		msg += "，或改选适用于" + party + "的事项：" + strings.Join(alts, "；")
	} else {
		msg += "，或改选适用于" + party + "的事项"
	}
	if tail == "" {
		tail = "；也可以人工确定适用的条款。"
	} else {
		msg += "。"
	}
	return inErr("party", ErrPartyNotCovered, msg+tail)
}

// tier chooses 减轻/从轻/一般/从重 from the counted circumstances.
//
// Mandatory effects decide first: 应当从轻或减轻 without 应当从重 → 从轻;
// 应当从重 without 应当从轻或减轻 → 从重; both → 一般. Otherwise the
// discretionary ones decide the same way. 减轻 is chosen only on request,
// with a reason and a circumstance that allows it. This rule is monotone:
// adding an aggravating circumstance never moves the tier down.
func (e *Engine) tier(in *Input, st *caseState, v *Version, x *expl, r *Result) (Tier, error) {
	var mustM, mustA, mayM, mayA bool
	x.step("裁量阶次")
	n := 0
	for _, c := range st.circs() {
		eff := c.Effect
		if eff == MayExempt {
			eff = MayMitigate
		}
		switch eff {
		case MustMitigate:
			mustM = true
		case MayMitigate:
			mayM = true
		case MustAggravate:
			mustA = true
		case MayAggravate:
			mayA = true
		default:
			continue
		}
		auto := st.auto == c
		cc := counted(c, auto)
		cc.Effect = eff
		r.Counted = append(r.Counted, cc)
		if c.Caution != "" {
			r.Warnings = append(r.Warnings, "「"+c.Name+"」："+c.Caution)
		}
		if n == 0 {
			x.s("计入的共性情节：")
		} else {
			x.s("；")
		}
		n++
		x.s(c.tierFrag)
		if auto {
			x.s("，据信用记录自动认定：违法行为之日（连续或者继续的，终了之日）").s(st.actDay.Format("2006-01-02")).s("前")
			if c.Role == "repeat_1y" {
				x.s("一年内")
			} else {
				x.s("两年内")
			}
			x.s("受过同类行政处罚")
		}
		x.s("）")
		r.Citations = append(r.Citations, Citation{"裁量依据", Provision{Article: c.Basis, Text: c.Text}})
	}
	if st.serious && v.Serious != nil && v.Serious.Aggravate {
		mustA = true
		basis := v.Serious.Basis
		if st.seriousBy != "" {
			basis = v.Serious.When.Basis
		}
		r.Counted = append(r.Counted, Counted{ID: "serious", Name: "情节严重", Effect: MustAggravate, Basis: basis, Auto: st.seriousBy != ""})
		if n == 0 {
			x.s("计入的共性情节：")
		} else {
			x.s("；")
		}
		n++
		x.s("「情节严重」应当从重（").s(v.Serious.Basis).s("）")
		if st.seriousBy != "" {
			x.s("，据案件数据依法认定：").s(st.seriousBy)
		}
	}
	if n == 0 {
		x.s("无从轻、减轻或从重情节")
	}
	var t Tier
	switch {
	case mustM && !mustA:
		t = TierLenient
	case mustA && !mustM:
		t = TierSevere
	case mustM && mustA:
		t = TierGeneral
	case mayM && !mayA:
		t = TierLenient
	case mayA && !mayM:
		t = TierSevere
	default:
		t = TierGeneral
	}
	x.s("。阶次：").s(string(t)).s("（应当型情节优先；仅有从轻为从轻，仅有从重为从重，兼有或均无为一般）")
	if in.Reduce {
		if !(mustM || mayM) {
			return t, inErr("reduce", ErrReduceNotAllowed, "减轻处罚须具有应当或可以从轻、减轻处罚的法定情节，请勾选相应情节或取消减轻。")
		}
		if r.LegalMin < 2 { // no amount lies between zero and the minimum
			r.Warnings = append(r.Warnings, "法定罚款无下限（或下限不足二分），无法在最低限以下减轻罚款数额；减轻可体现为选择较轻的处罚种类，本次按从轻计算。")
			t = TierLenient
			x.s("；申请减轻，但罚款无法定下限，按从轻")
		} else {
			t = TierReduce
			x.s("；依申请减轻处罚，理由：").s(in.ReduceReason)
		}
	}
	x.s("。")
	return t, nil
}

// band sets the tier's band inside (or, for 减轻, below) the legal range.
func (e *Engine) band(fr fineRange, t Tier, x *expl, r *Result) {
	lo, up := e.Ind.TierSplit.Lower, e.Ind.TierSplit.Upper
	b := fr.branch
	at := func(pct int64) int64 {
		if b.Multiple {
			return mulDiv(fr.baseFen, b.MinX*100+(b.MaxX-b.MinX)*pct, 100000, "half_up")
		}
		return fr.min + mulDiv(fr.max-fr.min, pct, 100, "half_up")
	}
	mult := func(pct int64) {
		if b.Multiple {
			x.s("（").dec(b.MinX*100+(b.MaxX-b.MinX)*pct, 100000).s("倍）")
		}
	}
	var lo_, hi_ int64
	x.step("裁量区间")
	switch t {
	case TierLenient:
		lo_, hi_ = fr.min, at(lo)
		x.s("从轻：法定幅度最低限至较低的").n(lo).s("%处，即 ").yuan(lo_)
		mult(0)
		x.s(" 至 ").yuan(hi_)
		mult(lo)
	case TierGeneral:
		lo_, hi_ = at(lo), at(up)
		x.s("一般：法定幅度的").n(lo).s("%至").n(up).s("%，即 ").yuan(lo_)
		mult(lo)
		x.s(" 至 ").yuan(hi_)
		mult(up)
	case TierSevere:
		lo_, hi_ = at(up), fr.max
		x.s("从重：法定幅度较高的").n(100 - up).s("%部分，即 ").yuan(lo_)
		mult(up)
		x.s(" 至 ").yuan(hi_)
		mult(100)
	case TierReduce:
		floor := max(mulDiv(fr.min, e.Ind.Mitigation.FloorPct, 100, "up"), 1)
		lo_, hi_ = floor, max(fr.min-1, floor)
		x.s("减轻：法定最低限以下，不低于最低限的").n(e.Ind.Mitigation.FloorPct).s("%，即 ").yuan(lo_).s(" 至 ").yuan(hi_).s("（不含最低限 ").yuan(fr.min).s("）")
	}
	if fr.min == 0 && lo_ == 0 && fr.max > 0 {
		// a fine is never zero: from one rounding unit up, or, where the band lies
		// below it (e.g. 货值金额等值以下 of a few 元, 从轻), from one 分
		switch {
		case hi_ >= e.Ind.Rounding.UnitFen:
			lo_ = e.Ind.Rounding.UnitFen
		case hi_ > 0:
			lo_ = 1
		default:
			lo_, hi_ = 1, 1
		}
		x.s("；罚款不为零，下限取 ").yuan(lo_)
	}
	if b.Multiple && t != TierReduce {
		x.s("。倍数按同样比例划分：").dec(b.MinX, 1000).s("–").dec(b.MaxX, 1000).s("倍")
	}
	x.s("。")
	r.BandMin, r.BandMax = lo_, hi_
}

// score computes the weighted position (0–10000) from the three systems.
func (e *Engine) score(in *Input, st *caseState, x *expl) int64 {
	x.step("三项评价").s("个案评价")
	caseBP := e.factorScore(st.factors, in, in.CaseFactors, st.caseOpt[:], x)
	// 共性: base + points of counted circumstances, clamped to 0–100.
	common := e.Ind.CommonBase
	x.s("；共性评价：基准").n(e.Ind.CommonBase)
	for _, c := range st.circs() {
		if c.Effect == MustExempt || c.Effect == MayExempt && in.ElectExemption {
			continue
		}
		common += c.Points
		x.s(c.scoreFrag)
	}
	common = min(max(common, 0), 100)
	x.s(" = ").n(common).s("分；案件影响评价")
	impactBP := e.factorScore(e.Ind.Impact, in, in.ImpactFactors, st.impactOpt[:], x)
	w := e.Ind.Weights
	total := w.Case + w.Common + w.Impact
	s := (w.Case*caseBP + w.Common*common*100 + w.Impact*impactBP) / total
	if wt := &e.Ind.wtext; wt.w == [3]int64{w.Case, w.Common, w.Impact} {
		x.s(wt.open).dec(caseBP, 100).s(wt.mid).n(common).s(wt.last).dec(impactBP, 100).s(wt.eq)
	} else { // weights changed after parsing: spell them out
		x.s("。加权综合：(").n(w.Case).s("×").dec(caseBP, 100).s(" + ").n(w.Common).s("×").n(common).s(" + ").n(w.Impact).s("×").dec(impactBP, 100).s(") ÷ ").n(total).s(" = ")
	}
	x.dec(s, 100).s(" 分，即在裁量区间内的位置 ").dec(s, 100).s("%。")
	return s
}

// factorScore is the weighted mean score (basis points 0–10000) of factors;
// it writes each factor's contribution. opts holds the options validate found
// for the first factors (see caseState).
func (e *Engine) factorScore(fs []*Factor, in *Input, chosen map[string]string, opts []*Option, x *expl) int64 {
	var num, den int64
	x.s("（")
	first := true
	for i, f := range fs {
		if !first {
			x.s("；")
		}
		first = false
		var sc int64
		var frag string
		switch f.Kind {
		case "choice":
			var o *Option
			if i < len(opts) {
				o = opts[i]
			} else if id, ok := chosen[f.ID]; ok {
				o, _ = f.option(id)
			}
			if o == nil {
				o, _ = f.option(f.Default)
			}
			sc, frag = o.Score, o.frag
		case "amount":
			a, _ := in.Amounts.get(f.Base)
			if !a.Set || a.Undeterminable {
				x.s(f.Name).s("：未确定，不计")
				continue
			}
			bd := f.band(a.Fen)
			sc, frag = bd.Score, bd.frag
		case "days":
			dd := int64(1)
			if !in.ActEndDate.IsZero() {
				dd = int64(in.ActEndDate.Sub(in.ActDate).Hours()/24) + 1
			}
			bd := f.band(dd)
			sc, frag = bd.Score, bd.frag
		case "count":
			bd := f.band(in.Victims)
			sc, frag = bd.Score, bd.frag
		}
		num += f.Weight * sc * 100
		den += f.Weight
		x.s(frag)
	}
	var bp int64 = 5000
	if den > 0 {
		bp = num / den
		x.s("；加权平均 ").dec(bp, 100).s("分）")
	} else {
		x.s("无可计因素，取中间值50分）")
	}
	return bp
}

// fine places the fine in the band and rounds it as the data says.
func (e *Engine) fine(x *expl, r *Result) {
	lo, hi := r.BandMin, r.BandMax
	raw := lo + mulDiv(hi-lo, r.Score, 10000, "half_up")
	unit, mode := e.Ind.Rounding.UnitFen, e.Ind.Rounding.Mode
	f := roundUnit(raw, unit, mode)
	if f < lo {
		f = roundUnit(lo, unit, "up")
	}
	if f > hi {
		f = roundUnit(hi, unit, "down")
	}
	narrow := false
	if f < lo || f > hi {
		f, narrow = raw, true
	}
	r.FineFen = f
	if r.LegalMax > r.LegalMin {
		r.Position = mulDiv(max(f-r.LegalMin, 0), 10000, r.LegalMax-r.LegalMin, "half_up")
	}
	x.step("罚款计算").yuan(lo).s(" + (").yuan(hi).s(" − ").yuan(lo).s(") × ").dec(r.Score, 100).s("% = ").yuan(raw).s("；按")
	if mode == "none" || unit <= 1 {
		x.s("分（不取整）")
	} else {
		x.yuan(unit)
		if mode == "down" {
			x.s("向下")
		} else {
			x.s("四舍五入")
		}
	}
	x.s("取整为 ").yuan(f)
	if narrow {
		x.s("（区间过窄，不取整）")
	}
	x.s("。建议罚款 ").yuan(f).s("。")
	if r.FineOptional {
		x.s("（条文为「可以并处」，办案机构也可依法不处罚款。）")
	}
}

// confiscations lists what the clause requires to be confiscated.
func (e *Engine) confiscations(in *Input, kinds []Kind, x *expl, r *Result) {
	gains := false
	for _, k := range kinds {
		if !strings.HasPrefix(k.Kind, "没收") {
			continue
		}
		c := Confiscation{Kind: k.Kind, Object: k.Object, Mandatory: k.Mandatory}
		if k.Base != "" {
			a, _ := in.Amounts.get(k.Base)
			if a.Set && !a.Undeterminable {
				c.Fen, c.FenKnown = a.Fen, true
			}
			gains = gains || k.Base == BaseIllegalGains
		}
		r.Confiscations = append(r.Confiscations, c)
	}
	if !gains && in.Amounts.IllegalGains.Set && in.Amounts.IllegalGains.Fen > 0 {
		// the clause itself does not confiscate: the general rule does, and the 决定书 names it
		r.Confiscations = append(r.Confiscations, Confiscation{Kind: "没收违法所得", Object: "违法所得（行政处罚法第二十八条第二款，除依法应当退赔的外）", Mandatory: true, Fen: in.Amounts.IllegalGains.Fen, FenKnown: true})
		r.Citations = append(r.Citations, citeArt28)
	}
	if len(r.Confiscations) == 0 {
		return
	}
	x.step("没收")
	for i, c := range r.Confiscations {
		if i > 0 {
			x.s("；")
		}
		x.s(c.Kind)
		if c.Object != "" {
			x.s("（").s(c.Object).s("）")
		}
		if c.FenKnown {
			x.s(" ").yuan(c.Fen)
		}
		if !c.Mandatory {
			x.s("〔可以〕")
		}
	}
	x.s("。")
}

func kindList(ks []Kind) string {
	if len(ks) == 0 {
		return "处理"
	}
	var p []string
	for _, k := range ks {
		p = append(p, k.Kind)
	}
	return strings.Join(p, "、")
}

func maybeKinds(ks []Kind) string {
	for _, k := range ks {
		if k.Kind == "警告" {
			return "，给予警告"
		}
	}
	return ""
}

// Reasons of the procedural consequences (constant text; amounts are in the step).
const (
	reasonHearingFine = "罚款达到较大数额，应当告知当事人有要求听证的权利（行政处罚法第六十三条第一款第（一）项）"
	reasonHearingConf = "没收金额达到较大数额，应当告知听证权利（第六十三条第一款第（二）项）"
	reasonHearingKind = "拟吊销许可证件、责令停产停业等较重处罚，应当告知听证权利（第六十三条）"
	reasonReviewHear  = "直接关系当事人重大权益、可能经过听证程序，决定前应当进行法制审核（第五十八条第一款第（二）项）"
	reasonReviewPub   = "涉及重大公共利益，应当进行法制审核（第五十八条第一款第（一）项）"
	reasonComplex     = "案件情况疑难复杂，应当进行法制审核并由负责人集体讨论（第五十八条第一款第（三）项、第五十七条第二款）"
	reasonReduce      = "在法定最低限以下减轻处罚，提交法制审核并由负责人集体讨论"
	reasonCollective  = "罚款数额较大、情节严重或拟适用较重处罚种类，属重大违法行为，由负责人集体讨论决定（第五十七条第二款）"
	reasonOnSpot      = "违法事实确凿并有法定依据，罚款不超过当场处罚限额（对公民二百元、对法人或者其他组织三千元）或者仅予警告的，可以当场作出行政处罚决定（第五十一条）"
	reasonOrdinary    = "适用普通程序；无听证、法制审核（第五十八条）或集体讨论的法定情形"
)

// reasons lists the procedural reasons in the order they are given; a set of them is a
// bit mask over this list.
var reasons = [...]string{reasonHearingFine, reasonHearingConf, reasonHearingKind, reasonReviewHear, reasonReviewPub,
	reasonComplex, reasonReduce, reasonCollective, reasonOnSpot, reasonOrdinary}

const (
	rHearingFine = 1 << iota
	rHearingConf
	rHearingKind
	rReviewHear
	rReviewPub
	rComplex
	rReduce
	rCollective
	rOnSpot
	rOrdinary
	nReasonSets = 1 << len(reasons)
)

// procText is the 程序 step of one party kind and set of reasons, with the reasons
// list, for the thresholds it was made with.
type procText struct {
	hearing, onSpot int64
	text            string
	reasons         []string // len == cap: an append copies
}

// procTexts caches procText by party kind (0 organisation, 1 自然人) and reason set.
type procTexts [2][nReasonSets]atomic.Pointer[procText]

// procedureText returns the 程序 step's text and the reasons of the set mask: made
// once per party kind, reason set and thresholds, then shared by every result.
func (ind *Indicators) procedureText(natural bool, mask int, hearing, onSpot int64) *procText {
	pc := ind.ptext.Load()
	if pc == nil {
		ind.ptext.CompareAndSwap(nil, new(procTexts))
		pc = ind.ptext.Load()
	}
	who, k := "法人或者其他组织", 0
	if natural {
		who, k = "自然人", 1
	}
	slot := &pc[k][mask]
	if t := slot.Load(); t != nil && t.hearing == hearing && t.onSpot == onSpot {
		return t
	}
	t := &procText{hearing: hearing, onSpot: onSpot}
	for i, r := range reasons {
		if mask&(1<<i) != 0 {
			t.reasons = append(t.reasons, r)
		}
	}
	t.reasons = t.reasons[:len(t.reasons):len(t.reasons)]
	t.text = "听证较大数额标准：对" + who + " " + Yuan(hearing) + "以上；当场处罚限额：" + Yuan(onSpot) + "。" + strings.Join(t.reasons, "；") + "。"
	slot.Store(t)
	return t
}

// The procedural articles a result relies on, with their text (行政处罚法, 2021年修订).
var (
	citeArt51 = Citation{"程序依据", Provision{Law: "中华人民共和国行政处罚法", Article: "第五十一条", Text: "违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的行政处罚的，可以当场作出行政处罚决定。法律另有规定的，从其规定。"}}
	citeArt57 = Citation{"程序依据", Provision{Law: "中华人民共和国行政处罚法", Article: "第五十七条", Paragraph: "第二款", Text: "对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定。"}}
	citeArt58 = Citation{"程序依据", Provision{Law: "中华人民共和国行政处罚法", Article: "第五十八条", Paragraph: "第一款", Text: "有下列情形之一，在行政机关负责人作出行政处罚的决定之前，应当由从事行政处罚决定法制审核的人员进行法制审核；未经法制审核或者审核未通过的，不得作出决定：（一）涉及重大公共利益的；（二）直接关系当事人或者第三人重大权益，经过听证程序的；（三）案件情况疑难复杂、涉及多个法律关系的；（四）法律、法规规定应当进行法制审核的其他情形。"}}
	citeArt63 = Citation{"程序依据", Provision{Law: "中华人民共和国行政处罚法", Article: "第六十三条", Text: "行政机关拟作出下列行政处罚决定，应当告知当事人有要求听证的权利，当事人要求听证的，行政机关应当组织听证：（一）较大数额罚款；（二）没收较大数额违法所得、没收较大价值非法财物；（三）降低资质等级、吊销许可证件；（四）责令停产停业、责令关闭、限制从业；（五）其他较重的行政处罚；（六）法律、法规、规章规定的其他情形。当事人不承担行政机关组织听证的费用。"}}
)

// procedure derives the procedural consequences.
func (e *Engine) procedure(in *Input, st *caseState, x *expl, r *Result) {
	p := &r.Procedure
	pr := &e.Ind.Procedure
	th, onSpotMax := pr.HearingOrgFen, pr.OnSpotOrgFen
	if st.natural {
		th, onSpotMax = pr.HearingNaturalFen, pr.OnSpotNaturalFen
	}
	// 第五十一条、第六十三条 speak of the penalty to be decided (拟作出): the officer's
	// proposal, once accepted by proposal(), else the suggested fine.
	fine := r.FineFen
	if in.ProposedFen != nil {
		fine = *in.ProposedFen
	}
	var set int
	if fine >= th {
		p.HearingRight = true
		set |= rHearingFine
	}
	var confTotal int64
	for _, c := range r.Confiscations {
		if c.FenKnown {
			confTotal += c.Fen
		}
	}
	if confTotal >= th && confTotal > 0 && !p.HearingRight {
		p.HearingRight = true
		set |= rHearingConf
	}
	heavy := false
	for _, k := range r.Kinds {
		h, ok := false, false
		if e.heavyFor == e.Ind {
			h, ok = e.heavy[k.Kind]
		}
		if !ok {
			h = isHeavy(k.Kind, pr.HearingKinds)
		}
		heavy = heavy || h
	}
	if heavy && !p.HearingRight {
		p.HearingRight = true
		set |= rHearingKind
	}
	if p.HearingRight {
		p.LegalReview = true
		set |= rReviewHear
	}
	if in.MajorPublicInterest {
		p.LegalReview = true
		set |= rReviewPub
	}
	if in.Complex {
		p.LegalReview, p.Collective = true, true
		set |= rComplex
	}
	if r.Tier == TierReduce {
		p.LegalReview, p.Collective = true, true
		set |= rReduce
	}
	if (fine >= pr.CollectiveFen || st.serious || heavy) && !p.Collective {
		p.Collective = true
		set |= rCollective
	}
	onlyWarning := true
	for _, k := range r.Kinds {
		if k.Mandatory && k.Kind != "警告" && !strings.HasPrefix(k.Kind, "没收") {
			onlyWarning = false
		}
	}
	// 第五十一条 covers 罚款 and 警告 only: no 没收 the clause requires, and none it allows
	// of something there is (an optional 没收违法所得 of gains known to be nil confiscates nothing)
	noConfiscation := true
	for _, c := range r.Confiscations {
		if c.Mandatory || !c.FenKnown || c.Fen > 0 {
			noConfiscation = false
		}
	}
	if !r.NoPenalty && fine <= onSpotMax && onlyWarning && noConfiscation {
		p.OnSpot = true
		set |= rOnSpot
	}
	if set == 0 {
		set = rOrdinary
	}
	if p.HearingRight {
		r.Citations = append(r.Citations, citeArt63)
	}
	if p.LegalReview {
		r.Citations = append(r.Citations, citeArt58)
	}
	if p.Collective {
		r.Citations = append(r.Citations, citeArt57)
	}
	if p.OnSpot {
		r.Citations = append(r.Citations, citeArt51)
	}
	for _, dl := range pr.DecidingLevel {
		if fine >= dl.Fen && appliesTo(dl.AppliesTo, st.item) {
			r.Warnings = append(r.Warnings, dl.Text)
		}
	}
	t := e.Ind.procedureText(st.natural, set, th, onSpotMax)
	p.Reasons = t.reasons
	x.fixedStep("程序", t.text)
}

// proposal checks the officer's proposed fine against the legal range.
func (e *Engine) proposal(in *Input, x *expl, r *Result) error {
	if in.ProposedFen == nil {
		return nil
	}
	p := *in.ProposedFen
	field := "proposed_fen"
	if p < 0 {
		return inErr(field, ErrNegativeAmount, "拟处罚款不能为负数。")
	}
	if r.Tier == TierNoFine || r.NoPenalty {
		if p != 0 {
			return inErr(field, ErrProposalOutOfRange, "本案依法不处罚款，拟处罚款应为零。")
		}
		return nil
	}
	if p == 0 && r.FineOptional {
		x.step("拟处意见").s("条文为「可以并处」，办案机构拟不处罚款。理由：").s(in.ProposalReason)
		return nil
	}
	if p == 0 {
		// 并处/处 …以下: the clause imposes a fine; leaving it out would be a 减轻
		// below any minimum, to zero, which the law does not allow.
		return inErr(field, ErrProposalOutOfRange, "条文为「并处/处」罚款，应当处以罚款，拟处罚款不能为零；请在法定幅度内确定罚款数额。")
	}
	if p > r.LegalMax {
		return inErr(field, ErrProposalOutOfRange, "拟处罚款 "+Yuan(p)+" 超过法定最高限 "+Yuan(r.LegalMax)+"，请在法定幅度内确定。")
	}
	if p < r.LegalMin {
		if r.Tier != TierReduce {
			return inErr(field, ErrProposalOutOfRange, "拟处罚款 "+Yuan(p)+" 低于法定最低限 "+Yuan(r.LegalMin)+"；低于最低限须适用减轻处罚并写明理由。")
		}
		if p < r.BandMin || p == 0 {
			return inErr(field, ErrProposalOutOfRange, "拟处罚款 "+Yuan(p)+" 低于减轻处罚的下限 "+Yuan(r.BandMin)+"，请重新确定。")
		}
	}
	if p != r.FineFen && strings.TrimSpace(in.ProposalReason) == "" {
		return inErr("proposal_reason", ErrReasonMissing, "拟处罚款与建议值 "+Yuan(r.FineFen)+" 不同，请写明理由。")
	}
	x.step("拟处意见").s("办案机构拟处罚款 ").yuan(p).s("（建议值 ").yuan(r.FineFen).s("）")
	if p != r.FineFen {
		x.s("，理由：").s(in.ProposalReason)
	}
	x.s("。")
	return nil
}

func firstHolding(bs []*Branch, natural bool) *Branch {
	for _, b := range bs {
		if b.holds(0, natural) {
			return b
		}
	}
	return nil
}
