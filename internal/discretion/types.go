package discretion

import (
	"context"
	"time"
)

// Amount is a money amount in 分 as the officer entered it.
type Amount struct {
	Fen int64 `json:"fen"`
	// Set: the amount was established (0 with Set means 没有, e.g. 没有违法所得).
	Set bool `json:"set"`
	// Undeterminable: 无法确定/无法计算 (or 明显偏低 for 广告费用).
	Undeterminable bool `json:"undeterminable,omitempty"`
}

// Known returns an established amount of fen.
func Known(fen int64) Amount { return Amount{Fen: fen, Set: true} }

// Amounts are the base amounts of a case (计罚基数).
type Amounts struct {
	GoodsValue      Amount `json:"goods_value"`      // 货值金额
	IllegalGains    Amount `json:"illegal_gains"`    // 违法所得
	AdFee           Amount `json:"ad_fee"`           // 广告费用
	IllegalTurnover Amount `json:"illegal_turnover"` // 违法经营额
}

func (a *Amounts) get(base string) (Amount, string) {
	switch base {
	case BaseGoodsValue:
		return a.GoodsValue, "amounts.goods_value"
	case BaseIllegalGains:
		return a.IllegalGains, "amounts.illegal_gains"
	case BaseAdFee:
		return a.AdFee, "amounts.ad_fee"
	case BaseIllegalTurnover:
		return a.IllegalTurnover, "amounts.illegal_turnover"
	}
	return Amount{}, "amounts." + base
}

// PartyKind distinguishes 自然人 from 法人或者其他组织.
type PartyKind string

const (
	Natural      PartyKind = "natural" // 自然人（含个体工商户以个人名义）
	Organization PartyKind = "org"     // 法人或者其他组织
)

// Input is everything Compute needs about one case. It holds facts only;
// the caller (handlers, with the credit module) fills the prior-violation
// fields and passes "today" — the engine never reads a clock.
type Input struct {
	ItemID string    `json:"item_id"` // 裁量事项编号
	Party  PartyKind `json:"party"`   // 当事人类型

	ActDate       time.Time `json:"act_date"`       // 违法行为发生之日
	ActEndDate    time.Time `json:"act_end_date"`   // 连续或者继续状态终了之日 (zero if none)
	DiscoveryDate time.Time `json:"discovery_date"` // 发现之日（立案或者检查发现）
	Today         time.Time `json:"today"`          // 作出决定之日, passed in by the caller

	Amounts Amounts `json:"amounts"`

	// HarmOccurred: 有危害后果 (with a life-health-safety item, limitation is five years).
	HarmOccurred bool `json:"harm_occurred"`
	// Serious: 情节严重 as the clause and its basis define it.
	Serious bool `json:"serious"`
	// PrerequisiteMet: the clause's condition for a fine holds (e.g. 拒不改正).
	PrerequisiteMet bool `json:"prerequisite_met"`

	// Circumstances are ids of 共性 circumstances from the indicator data.
	Circumstances []string `json:"circumstances"`
	// CaseFactors and ImpactFactors choose options of "choice" factors (id → option id).
	CaseFactors   map[string]string `json:"case_factors"`
	ImpactFactors map[string]string `json:"impact_factors"`
	Victims       int64             `json:"victims"` // 受害人数

	// Prior violations of the same kind (同类违法行为), found by the caller
	// through a PriorViolationSource. PriorsKnown says the look-up was done.
	PriorsKnown         bool  `json:"priors_known"`
	PriorSameKind2Years int64 `json:"prior_same_kind_2y"`
	PriorSameKind1Year  int64 `json:"prior_same_kind_1y"`

	// ElectExemption: the officer chooses not to punish where the law says
	// 可以不予行政处罚 (e.g. 首违不罚).
	ElectExemption bool `json:"elect_exemption"`
	// Reduce asks for 减轻处罚 (below the legal minimum); it needs a
	// circumstance that allows it and a written ReduceReason.
	Reduce       bool   `json:"reduce"`
	ReduceReason string `json:"reduce_reason"`

	// ProposedFen, when not nil, is the fine the officer proposes; it may depart
	// from the suggestion inside the legal range, with ProposalReason.
	ProposedFen    *int64 `json:"proposed_fen,omitempty"`
	ProposalReason string `json:"proposal_reason"`

	// MajorPublicInterest and Complex feed 法制审核 (第五十八条).
	MajorPublicInterest bool `json:"major_public_interest"`
	Complex             bool `json:"complex"`
}

// Tier is a 裁量阶次.
type Tier string

const (
	TierNone    Tier = "不予处罚"
	TierReduce  Tier = "减轻"
	TierLenient Tier = "从轻"
	TierGeneral Tier = "一般"
	TierSevere  Tier = "从重"
	TierNoFine  Tier = "无罚款" // the clause gives no fine in this case (e.g. warning first)
)

// Citation is an article the result relies on.
type Citation struct {
	Role string `json:"role"` // 违反条款, 处罚依据, 裁量依据, 程序依据 …
	Provision
}

// Step is one line of the explanation (裁量说理).
type Step struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Confiscation is a 没收 the clause requires or allows.
type Confiscation struct {
	Kind      string `json:"kind"`   // 没收违法所得, 没收非法财物 …
	Object    string `json:"object"` // what
	Mandatory bool   `json:"mandatory"`
	Fen       int64  `json:"fen"` // amount, when known
	FenKnown  bool   `json:"fen_known"`
}

// Counted is a circumstance that counted in the tier and the 共性 score.
type Counted struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Effect Effect `json:"effect"`
	Basis  string `json:"basis"`
	Points int64  `json:"points"`
	Auto   bool   `json:"auto"` // found from the record or the case data (ID "serious"), not ticked
}

// ProcedureResult is what the decision entails procedurally.
type ProcedureResult struct {
	HearingRight bool     `json:"hearing_right"` // 告知听证权利 (第六十三条)
	LegalReview  bool     `json:"legal_review"`  // 法制审核 (第五十八条)
	Collective   bool     `json:"collective"`    // 负责人集体讨论 (第五十七条第二款)
	OnSpot       bool     `json:"on_spot"`       // 可以当场作出 (第五十一条)
	Reasons      []string `json:"reasons"`
}

// Result is the engine's answer with its full explanation.
type Result struct {
	ItemID            string `json:"item_id"`
	ItemName          string `json:"item_name"`
	Version           string `json:"version"` // effective date of the applied law version
	CatalogueVersion  string `json:"catalogue_version"`
	IndicatorsVersion string `json:"indicators_version"`

	Barred    bool `json:"barred"`     // 超过追责时效，不再给予行政处罚
	NoPenalty bool `json:"no_penalty"` // 不予行政处罚
	Tier      Tier `json:"tier"`
	// Serious: computed as 情节严重. SeriousBy, when the case meets the clause's own
	// definition (食品安全法实施条例第六十七条), says why (the amount or the dates and
	// the basis): then it is 情节严重 by that rule, ticked or not.
	Serious   bool   `json:"serious"`
	SeriousBy string `json:"serious_by,omitempty"`

	// The legal range of the fine (法定幅度) and the tier's band, in 分.
	LegalMin int64 `json:"legal_min"`
	LegalMax int64 `json:"legal_max"`
	BandMin  int64 `json:"band_min"`
	BandMax  int64 `json:"band_max"`
	// Score is the weighted position inside the band, 0–10000 (basis points).
	Score int64 `json:"score"`
	// FineFen is the suggested fine; FineOptional says the clause is 可以并处.
	FineFen      int64 `json:"fine_fen"`
	FineOptional bool  `json:"fine_optional"`
	// Position of the fine in the legal range, 0–10000 (for 类案同罚).
	Position int64 `json:"position"`

	Kinds         []Kind          `json:"kinds"` // other penalty kinds that apply
	Confiscations []Confiscation  `json:"confiscations"`
	Counted       []Counted       `json:"counted"` // circumstances that counted
	Citations     []Citation      `json:"citations"`
	Procedure     ProcedureResult `json:"procedure"`
	Warnings      []string        `json:"warnings"`
	Steps         []Step          `json:"steps"`
}

// InputError is a bad-input error: the field (JSON path of Input) and a
// Chinese sentence saying what to do. Code is stable for the API.
type InputError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *InputError) Error() string { return e.Field + "：" + e.Message }

// Error codes.
const (
	ErrUnknownItem         = "unknown_item"
	ErrNegativeAmount      = "negative_amount"
	ErrAmountTooLarge      = "amount_too_large"
	ErrBaseMissing         = "base_missing"
	ErrBadDate             = "bad_date"
	ErrFutureDate          = "future_date"
	ErrUnknownCircumstance = "unknown_circumstance"
	ErrNotApplicable       = "circumstance_not_applicable"
	ErrContradiction       = "contradiction"
	ErrUnknownFactor       = "unknown_factor"
	ErrNoVersion           = "no_law_version"
	ErrReduceNotAllowed    = "reduce_not_allowed"
	ErrReasonMissing       = "reason_missing"
	ErrProposalOutOfRange  = "proposal_out_of_range"
	ErrBadParty            = "bad_party"
	ErrPartyNotCovered     = "party_not_covered" // the clause fines only the other kind of party
)

func inErr(field, code, msg string) *InputError {
	return &InputError{Field: field, Code: code, Message: msg}
}

// PriorViolation is one earlier decided violation of a subject (当事人).
type PriorViolation struct {
	SubjectID  string // 统一社会信用代码 or 身份证号
	Kind       string // 同类违法行为类别 (Item.Kind)
	ItemID     string
	DecidedOn  time.Time // 处罚决定日期
	DecisionNo string    // 决定书文号
	Region     string    // GB/T 2260 code of the deciding authority
}

// PriorViolationSource is what the discretion module needs from the credit
// library (信用数据共享库): the decided violations of subject X of item kind K
// since date D. The credit module satisfies it; app wires them together.
// Compute itself does not call it — the caller turns the answer into
// Input.PriorsKnown / PriorSameKind2Years / PriorSameKind1Year with PriorFacts.
type PriorViolationSource interface {
	PriorViolations(ctx context.Context, subjectID, kind string, since time.Time) ([]PriorViolation, error)
}

// PriorsAsOf is the day the prior-violation windows (首违不罚, 再犯 within one or two
// years) count back from: the day a continuing act ended, else the day of the act. An
// earlier penalty makes this act a repeat only if the party had received it when it
// acted; a penalty decided after the act, while this case was being investigated, does
// not. Without an act date (a quick calculation) it is the day of computation.
func PriorsAsOf(in *Input) time.Time {
	switch {
	case !in.ActEndDate.IsZero():
		return in.ActEndDate
	case !in.ActDate.IsZero():
		return in.ActDate
	}
	return in.Today
}

// PriorFacts counts priors of kind decided within two years and within one
// year before today (both inclusive of the start day; the caller passes
// PriorsAsOf) and sets them on in.
func PriorFacts(in *Input, priors []PriorViolation, kind string, today time.Time) {
	in.PriorsKnown = true
	in.PriorSameKind2Years, in.PriorSameKind1Year = 0, 0
	two, one := addYears(today, -2), addYears(today, -1)
	for _, p := range priors {
		if p.Kind != kind || p.DecidedOn.After(today) {
			continue
		}
		if !p.DecidedOn.Before(two) {
			in.PriorSameKind2Years++
		}
		if !p.DecidedOn.Before(one) {
			in.PriorSameKind1Year++
		}
	}
}
