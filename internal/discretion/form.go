package discretion

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tongcheng/internal/credit"
)

// ParseYuan reads an amount of 元 as people type it ("1234.56", "1,234.5",
// "12 000", "300元") into 分, exactly: the decimal string is read digit by
// digit, never through a float. Thousands separators must group three digits.
// It returns an *InputError for field with a Chinese message.
func ParseYuan(s, field string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(t, "元")
	t = strings.TrimSpace(t)
	t = strings.NewReplacer("，", ",", "．", ".", " ", "", "\u00a0", "").Replace(t)
	bad := func(msg string) error { return inErr(field, "invalid_amount", msg) }
	if t == "" {
		return 0, bad("请填写金额（单位：元，最多两位小数）。")
	}
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−") {
		return 0, inErr(field, ErrNegativeAmount, "金额不能为负数，请填写不小于零的金额（单位：元，最多两位小数）。")
	}
	t = strings.TrimPrefix(t, "+")
	whole, frac, hasDot := strings.Cut(t, ".")
	if hasDot && strings.Contains(frac, ".") {
		return 0, bad("金额「" + s + "」有多个小数点，请填写如 1234.56 的金额。")
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, bad("金额「" + s + "」的千位分隔符位置不对，请写作 1,234.56 或直接写 1234.56。")
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, bad("金额「" + s + "」的千位分隔符位置不对，请写作 1,234.56 或直接写 1234.56。")
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" {
		whole = "0"
	}
	if hasDot && frac == "" && whole == "0" {
		return 0, bad("金额「" + s + "」不是有效数字，请填写以元为单位的金额，如 1234.56。")
	}
	for _, p := range []string{whole, frac} {
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return 0, bad("金额「" + s + "」不是有效数字，请填写以元为单位的金额，如 1234.56。")
			}
		}
	}
	if len(frac) > 2 {
		return 0, bad("金额「" + s + "」超过两位小数；金额精确到分，请最多保留两位小数。")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 12 { // MaxAmountFen is 一万亿元 (13 digits); leave the exact bound to the engine
		return 0, inErr(field, ErrAmountTooLarge, "金额「"+s+"」超过一万亿元，请核对金额单位。")
	}
	var fen int64
	for i := 0; i < len(whole); i++ {
		fen = fen*10 + int64(whole[i]-'0')
	}
	frac += strings.Repeat("0", 2-len(frac))
	fen = fen*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	return fen, nil
}

// yuanPlain renders 分 as 元 with two decimals and no separators, for form fields: 123450 → "1234.50".
func yuanPlain(fen int64) string {
	neg := ""
	if fen < 0 {
		neg, fen = "-", -fen
	}
	return neg + strconv.FormatInt(fen/100, 10) + "." + string(rune('0'+fen%100/10)) + string(rune('0'+fen%10))
}

// amountFields are the base amounts of the form, in engine field order.
var amountFields = []struct{ Base, Field, Name string }{
	{BaseGoodsValue, "amounts.goods_value", "货值金额"},
	{BaseIllegalGains, "amounts.illegal_gains", "违法所得"},
	{BaseAdFee, "amounts.ad_fee", "广告费用"},
	{BaseIllegalTurnover, "amounts.illegal_turnover", "违法经营额"},
}

// caseMeta is what a case holds besides the engine input.
type caseMeta struct {
	SubjectID   string
	SubjectName string
	Facts       string
	// for the 决定书 and the credit library (双公示)
	LegalRep       string
	Address        string
	Evidence       string
	Severity       string
	AuthorityUSCC  string
	ConfiscatedFen *int64 // nil: the known amounts of the confiscations the clause requires
}

// metaFromValues reads the case fields of the form that are not engine input.
func metaFromValues(v url.Values) (caseMeta, error) {
	meta := caseMeta{SubjectID: strings.ToUpper(strings.TrimSpace(v.Get("subject_id"))), SubjectName: strings.TrimSpace(v.Get("subject_name")), Facts: strings.TrimSpace(v.Get("facts")),
		LegalRep: strings.TrimSpace(v.Get("legal_rep")), Address: strings.TrimSpace(v.Get("subject_address")), Evidence: strings.TrimSpace(v.Get("evidence")),
		Severity: strings.TrimSpace(v.Get("severity")), AuthorityUSCC: strings.ToUpper(strings.TrimSpace(v.Get("authority_uscc")))}
	if s := strings.TrimSpace(v.Get("confiscated")); s != "" {
		fen, err := ParseYuan(s, "confiscated_fen")
		if err != nil {
			return meta, err
		}
		meta.ConfiscatedFen = &fen
	}
	return meta, nil
}

// errID makes an element id out of an engine field path ("amounts.goods_value" → "err-amounts-goods_value").
func errID(field string) string {
	return "err-" + strings.NewReplacer(".", "-", "[", "-", "]", "").Replace(slotOf(field))
}

// slotOf maps an engine field path to the form slot that shows its message.
func slotOf(field string) string {
	switch {
	case strings.HasPrefix(field, "circumstances"):
		return "circumstances"
	case strings.HasPrefix(field, "case_factors"):
		return "case_factors"
	case strings.HasPrefix(field, "impact_factors"):
		return "impact_factors"
	case strings.HasPrefix(field, "prior_same_kind"):
		return "subject_id"
	case field == "today":
		return "act_date"
	}
	return field
}

// slotLabels are the calculator's names of its slots, as the labels on the form say them.
var slotLabels = map[string]string{
	"item_id": "违法事项", "party": "当事人类型", "subject_id": "统一社会信用代码 / 身份证号", "subject_name": "当事人名称", "facts": "违法事实",
	"act_date": "违法行为发生日", "act_end_date": "连续/继续状态终了日", "discovery_date": "发现（立案）日",
	"amounts.goods_value": "货值金额", "amounts.illegal_gains": "违法所得", "amounts.ad_fee": "广告费用", "amounts.illegal_turnover": "违法经营额",
	"victims": "受害人数", "circumstances": "共性情节", "case_factors": "个案评价因素", "impact_factors": "案件影响评价",
	"reduce": "申请减轻处罚", "reduce_reason": "减轻理由", "proposed_fen": "拟处罚款", "proposal_reason": "偏离理由",
	"legal_rep": "法定代表人", "subject_address": "地址", "evidence": "证据", "severity": "失信等级",
	"authority_uscc": "处罚机关统一社会信用代码", "confiscated_fen": "没收违法所得",
}

// fieldLabel is the Chinese name of the form field an engine field path belongs to.
func fieldLabel(field string) string {
	if l, ok := slotLabels[slotOf(field)]; ok {
		return l
	}
	return field
}

// errorSlots lists every slot of the calculator that can show a message.
var errorSlots = []string{"item_id", "party", "subject_id", "subject_name", "facts", "act_date", "act_end_date", "discovery_date",
	"amounts.goods_value", "amounts.illegal_gains", "amounts.ad_fee", "amounts.illegal_turnover",
	"victims", "circumstances", "case_factors", "impact_factors", "reduce", "reduce_reason", "proposed_fen", "proposal_reason",
	"legal_rep", "subject_address", "evidence", "severity", "authority_uscc", "confiscated_fen"}

func parseDay(v url.Values, field string, required bool) (time.Time, error) {
	s := strings.TrimSpace(v.Get(field))
	if s == "" {
		if required {
			return time.Time{}, inErr(field, ErrBadDate, "请填写日期（格式 YYYY-MM-DD）。")
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, inErr(field, ErrBadDate, "日期「"+s+"」格式不对，请写作 YYYY-MM-DD，例如 2026-03-15。")
	}
	return t, nil
}

// inputFromForm reads the calculator form into an engine input. Choice factors
// are read only for the item's own factor set, so switching items never sends a
// factor the item does not know.
func (m *Module) inputFromForm(v url.Values, today time.Time) (Input, caseMeta, error) {
	var in Input
	meta, err := metaFromValues(v)
	if err != nil {
		return in, meta, err
	}
	in.ItemID = strings.TrimSpace(v.Get("item_id"))
	if in.ItemID == "" {
		return in, meta, inErr("item_id", ErrUnknownItem, "请选择裁量事项：可在“违法事实”中描述案情后从智能引用结果中选用，或直接从目录中选择。")
	}
	in.Party = PartyKind(v.Get("party"))
	in.Today = today
	if in.ActDate, err = parseDay(v, "act_date", true); err != nil {
		return in, meta, err
	}
	if in.ActEndDate, err = parseDay(v, "act_end_date", false); err != nil {
		return in, meta, err
	}
	if in.DiscoveryDate, err = parseDay(v, "discovery_date", true); err != nil {
		return in, meta, err
	}
	for _, a := range amountFields {
		amt := Amount{}
		if v.Get(a.Field+".unknown") != "" {
			amt.Undeterminable = true
		} else if s := strings.TrimSpace(v.Get(a.Field)); s != "" {
			fen, err := ParseYuan(s, a.Field)
			if err != nil {
				return in, meta, err
			}
			amt = Known(fen)
		}
		switch a.Base {
		case BaseGoodsValue:
			in.Amounts.GoodsValue = amt
		case BaseIllegalGains:
			in.Amounts.IllegalGains = amt
		case BaseAdFee:
			in.Amounts.AdFee = amt
		case BaseIllegalTurnover:
			in.Amounts.IllegalTurnover = amt
		}
	}
	if s := strings.TrimSpace(v.Get("victims")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return in, meta, inErr("victims", ErrNegativeAmount, "受害人数应为不小于零的整数。")
		}
		in.Victims = n
	}
	flag := func(k string) bool { return v.Get(k) != "" }
	in.HarmOccurred, in.Serious, in.PrerequisiteMet = flag("harm_occurred"), flag("serious"), flag("prerequisite_met")
	in.ElectExemption, in.Reduce = flag("elect_exemption"), flag("reduce")
	in.ReduceReason = strings.TrimSpace(v.Get("reduce_reason"))
	in.MajorPublicInterest, in.Complex = flag("major_public_interest"), flag("complex")
	in.Circumstances = v["circumstances"]
	if it, ok := m.eng.Cat.Item(in.ItemID); ok {
		for _, f := range m.eng.Ind.FactorSets[it.FactorSet] {
			if f.Kind == "choice" {
				if o := v.Get("cf." + f.ID); o != "" {
					if in.CaseFactors == nil {
						in.CaseFactors = map[string]string{}
					}
					in.CaseFactors[f.ID] = o
				}
			}
		}
	}
	for _, f := range m.eng.Ind.Impact {
		if f.Kind == "choice" {
			if o := v.Get("if." + f.ID); o != "" {
				if in.ImpactFactors == nil {
					in.ImpactFactors = map[string]string{}
				}
				in.ImpactFactors[f.ID] = o
			}
		}
	}
	if s := strings.TrimSpace(v.Get("proposed")); s != "" {
		fen, err := ParseYuan(s, "proposed_fen")
		if err != nil {
			return in, meta, err
		}
		in.ProposedFen = &fen
	}
	in.ProposalReason = strings.TrimSpace(v.Get("proposal_reason"))
	return in, meta, nil
}

// valuesFromInput is the form of a stored case (to edit a draft or returned case).
func valuesFromInput(in Input, meta caseMeta) url.Values {
	v := url.Values{}
	v.Set("item_id", in.ItemID)
	v.Set("party", string(in.Party))
	v.Set("subject_id", meta.SubjectID)
	v.Set("subject_name", meta.SubjectName)
	v.Set("facts", meta.Facts)
	v.Set("legal_rep", meta.LegalRep)
	v.Set("subject_address", meta.Address)
	v.Set("evidence", meta.Evidence)
	v.Set("severity", meta.Severity)
	v.Set("authority_uscc", meta.AuthorityUSCC)
	if meta.ConfiscatedFen != nil {
		v.Set("confiscated", yuanPlain(*meta.ConfiscatedFen))
	}
	day := func(k string, t time.Time) {
		if !t.IsZero() {
			v.Set(k, t.Format(time.DateOnly))
		}
	}
	day("act_date", in.ActDate)
	day("act_end_date", in.ActEndDate)
	day("discovery_date", in.DiscoveryDate)
	for _, a := range amountFields {
		amt, _ := in.Amounts.get(a.Base)
		switch {
		case amt.Undeterminable:
			v.Set(a.Field+".unknown", "1")
		case amt.Set:
			v.Set(a.Field, yuanPlain(amt.Fen))
		}
	}
	if in.Victims > 0 {
		v.Set("victims", strconv.FormatInt(in.Victims, 10))
	}
	set := func(k string, b bool) {
		if b {
			v.Set(k, "1")
		}
	}
	set("harm_occurred", in.HarmOccurred)
	set("serious", in.Serious)
	set("prerequisite_met", in.PrerequisiteMet)
	set("elect_exemption", in.ElectExemption)
	set("reduce", in.Reduce)
	set("major_public_interest", in.MajorPublicInterest)
	set("complex", in.Complex)
	v.Set("reduce_reason", in.ReduceReason)
	for _, c := range in.Circumstances {
		v.Add("circumstances", c)
	}
	for k, o := range in.CaseFactors {
		v.Set("cf."+k, o)
	}
	for k, o := range in.ImpactFactors {
		v.Set("if."+k, o)
	}
	if in.ProposedFen != nil {
		v.Set("proposed", yuanPlain(*in.ProposedFen))
	}
	v.Set("proposal_reason", in.ProposalReason)
	return v
}

// checkSubject validates the party fields needed to save a case.
func checkSubject(meta caseMeta) error {
	if meta.SubjectName == "" {
		return inErr("subject_name", "subject_missing", "请填写当事人名称（单位全称或个人姓名）。")
	}
	if utf8.RuneCountInString(meta.SubjectName) > 100 {
		return inErr("subject_name", "subject_missing", "当事人名称不超过 100 个字。")
	}
	id := meta.SubjectID
	if id == "" {
		return inErr("subject_id", "subject_missing", "请填写当事人的统一社会信用代码（18 位）或身份证号码（18 位），用于查询违法记录和类案比对。")
	}
	if len(id) != 18 {
		return inErr("subject_id", "subject_invalid", "统一社会信用代码或身份证号码应为 18 位，当前为 "+strconv.Itoa(utf8.RuneCountInString(id))+" 位，请核对。")
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return inErr("subject_id", "subject_invalid", "统一社会信用代码或身份证号码只能含数字和大写字母，请核对。")
		}
	}
	if err := checkSubjectCode(id); err != nil {
		return err
	}
	if utf8.RuneCountInString(meta.Facts) > 5000 {
		return inErr("facts", "facts_too_long", "违法事实不超过 5000 字，详细材料请附卷。")
	}
	return nil
}

// checkSubjectCode checks the check characters of the party's code: a 统一社会信用代码
// (GB 32100-2015, both check characters; the early 福建 pilot codes are known exceptions)
// or a 居民身份证号码 (GB 11643-1999). The 个体工商户 placeholder 17个0加X is no code at
// all: the prior-violation look-up and the credit record need the operator's ID number.
func checkSubjectCode(id string) error {
	u, err := credit.ParseUSCC(id)
	switch {
	case err == nil && u.NoCode():
		return inErr("subject_id", "subject_invalid", "“00000000000000000X”（17个0加X）表示个体工商户没有统一社会信用代码，不能据此查询违法记录：请填写经营者本人的居民身份证号码（18 位）。")
	case err == nil, credit.ValidResidentID(id):
		return nil
	}
	if strings.Trim(id[:17], "0123456789") == "" {
		// seventeen digits: it may be either
		return inErr("subject_id", "subject_invalid", "代码校验不通过：作为居民身份证号码，第18位校验码不符（GB 11643-1999）；作为统一社会信用代码，"+err.Error()+"。")
	}
	return inErr("subject_id", "subject_invalid", "统一社会信用代码有误："+err.Error()+"；自然人请填写 18 位居民身份证号码。")
}
