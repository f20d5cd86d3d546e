package credit

import (
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/region"
)

// SubjectType is the kind of market subject (市场主体类型).
type SubjectType string

const (
	SubjectEnterprise  SubjectType = "企业"      // enterprise legal person
	SubjectIndividual  SubjectType = "个体工商户"   // individual business
	SubjectCooperative SubjectType = "农民专业合作社" // farmers' specialised cooperative
	SubjectSocialOrg   SubjectType = "社会组织"    // social organisation (民政)
	SubjectInstitution SubjectType = "事业单位"    // public institution
	SubjectAgency      SubjectType = "机关"      // government organ
	SubjectOther       SubjectType = "其他组织"    // other organisation
)

// SubjectTypes lists the valid subject types in display order.
var SubjectTypes = []SubjectType{SubjectEnterprise, SubjectIndividual, SubjectCooperative, SubjectSocialOrg, SubjectInstitution, SubjectAgency, SubjectOther}

// SubjectStatus is the registration status (登记状态).
type SubjectStatus string

const (
	StatusActive       SubjectStatus = "存续" // in business (存续/在业)
	StatusRevoked      SubjectStatus = "吊销" // licence revoked
	StatusDeregistered SubjectStatus = "注销" // deregistered
	StatusMovedOut     SubjectStatus = "迁出" // moved out
)

// SubjectStatuses lists valid statuses.
var SubjectStatuses = []SubjectStatus{StatusActive, StatusRevoked, StatusDeregistered, StatusMovedOut}

// Subject is a market subject (市场主体) of the shared library. Its natural
// key is the USCC; a 个体工商户 without a code (FlagNoCode) is keyed by its
// 工商注册号.
type Subject struct {
	USCC          string        `json:"uscc"`           // 统一社会信用代码, normalised
	USCCFlags     USCCFlags     `json:"uscc_flags"`     // legal exceptions, see USCC
	RegNo         string        `json:"reg_no"`         // 工商注册号 (GS 15), required when USCC is the placeholder
	Name          string        `json:"name"`           // 主体名称
	Type          SubjectType   `json:"type"`           // 主体类型
	LegalRep      string        `json:"legal_rep"`      // 法定代表人（负责人、经营者）
	Address       string        `json:"address"`        // 注册地址（住所）
	CityCode      string        `json:"city_code"`      // 所属地市 GB/T 2260, owner (not the code's digits 3–8)
	CountyCode    string        `json:"county_code"`    // 所属区县 GB/T 2260
	Status        SubjectStatus `json:"status"`         // 登记状态
	Industry      string        `json:"industry"`       // 行业 (GB/T 4754 门类/代码 or name)
	EstablishedOn time.Time     `json:"established_on"` // 成立日期
	ApprovedOn    time.Time     `json:"approved_on"`    // 核准日期 (zero when unknown)
}

// Key is the subject's natural key: the USCC, or "REG:"+RegNo for a
// 个体工商户 without a code.
func (s *Subject) Key() string {
	if s.USCCFlags&FlagNoCode != 0 {
		return "REG:" + s.RegNo
	}
	return s.USCC
}

// FieldError is one problem with one field: Field is the Chinese field name
// people see (the column header), Reason says what is wrong and what to do.
// Line is the file line (0 outside an import).
type FieldError struct {
	Line   int    `json:"line,omitempty"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (e FieldError) Error() string {
	if e.Line > 0 {
		return "第" + strconv.Itoa(e.Line) + "行 " + e.Field + "：" + e.Reason
	}
	return e.Field + "：" + e.Reason
}

// FieldErrors is a list of field problems; it is an error when not empty.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "；")
}

func (es *FieldErrors) add(field, reason string) {
	*es = append(*es, FieldError{Field: field, Reason: reason})
}

// ValidateSubject checks a subject and returns every problem (nil when fine).
// It normalises USCC in place.
func ValidateSubject(s *Subject) FieldErrors {
	var es FieldErrors
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		es.add("主体名称", "不能为空，请填写登记的主体名称")
	}
	u, err := ParseUSCC(s.USCC)
	if err != nil {
		es.add("统一社会信用代码", err.Error())
	} else {
		s.USCC, s.USCCFlags = u.Code, u.Flags
		if u.NoCode() {
			if s.Type != "" && s.Type != SubjectIndividual {
				es.add("统一社会信用代码", "17个0加X只能用于无代码的个体工商户，请填写该主体的统一社会信用代码")
			}
			if strings.TrimSpace(s.RegNo) == "" {
				es.add("工商注册号", "统一社会信用代码为17个0加X时必须填写工商注册号")
			}
		}
	}
	if !validSubjectType(s.Type) {
		if s.Type == "" {
			es.add("主体类型", "不能为空，请填写"+joinTypes())
		} else {
			es.add("主体类型", "“"+string(s.Type)+"”不是可用的主体类型，请填写"+joinTypes())
		}
	}
	checkOwner(&es, s.CityCode, s.CountyCode)
	if s.Status != "" && !validStatus(s.Status) {
		es.add("登记状态", "“"+string(s.Status)+"”不是可用的登记状态，请填写存续、吊销、注销或迁出")
	}
	if !s.ApprovedOn.IsZero() && !s.EstablishedOn.IsZero() && s.ApprovedOn.Before(s.EstablishedOn) {
		es.add("核准日期", "早于成立日期，请核对两个日期")
	}
	return es
}

// checkOwner validates the owning city and county (GB/T 2260 codes of the
// reference data: the four cities and their counties).
func checkOwner(es *FieldErrors, city, county string) {
	switch {
	case city == "":
		es.add("所属地市", "不能为空，请填写成都市510100、德阳市510600、眉山市511400或资阳市512000")
	case !region.Valid(city) || region.CityOf(city) != city || city == region.ProvinceCode:
		es.add("所属地市", "“"+city+"”不是成德眉资四市的行政区划代码，请填写510100、510600、511400或512000")
	}
	if county != "" {
		if r, ok := region.Get(county); !ok || r.Level != region.County {
			es.add("所属区县", "“"+county+"”不是已知的区县行政区划代码，请按 GB/T 2260 填写6位代码")
		} else if city != "" && region.CityOf(county) != city {
			es.add("所属区县", "“"+region.Name(county)+"”不属于"+region.Name(city)+"，请核对所属地市和区县")
		}
	}
}

func validSubjectType(t SubjectType) bool {
	for _, v := range SubjectTypes {
		if v == t {
			return true
		}
	}
	return false
}

func joinTypes() string {
	parts := make([]string, len(SubjectTypes))
	for i, t := range SubjectTypes {
		parts[i] = string(t)
	}
	return strings.Join(parts, "、")
}

func validStatus(s SubjectStatus) bool {
	for _, v := range SubjectStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// RecordType is the kind of administrative-management record (行政管理信息类别).
type RecordType string

const (
	TypeLicence      RecordType = "行政许可" // XK, administrative licence
	TypePenalty      RecordType = "行政处罚" // CF, administrative penalty
	TypeCoercion     RecordType = "行政强制" // QZ, administrative coercive measure
	TypeLevy         RecordType = "行政征收" // ZS, administrative levy
	TypeBenefit      RecordType = "行政给付" // JF, administrative benefit payment
	TypeInspection   RecordType = "行政检查" // JC, administrative inspection
	TypeConfirmation RecordType = "行政确认" // QR, administrative confirmation
	TypeReward       RecordType = "行政奖励" // JL, administrative reward
	TypeAdjudication RecordType = "行政裁决" // CJ, administrative adjudication
)

// RecordTypes lists all record types in the national order (许可、处罚、强制、
// 征收、给付、检查、确认、奖励、裁决).
var RecordTypes = []RecordType{TypeLicence, TypePenalty, TypeCoercion, TypeLevy, TypeBenefit, TypeInspection, TypeConfirmation, TypeReward, TypeAdjudication}

var recordTypeCodes = map[RecordType]string{
	TypeLicence: "XK", TypePenalty: "CF", TypeCoercion: "QZ", TypeLevy: "ZS", TypeBenefit: "JF",
	TypeInspection: "JC", TypeConfirmation: "QR", TypeReward: "JL", TypeAdjudication: "CJ",
}

// Code is the two-letter code (XK, CF …) used by provincial platforms.
func (t RecordType) Code() string { return recordTypeCodes[t] }

// ParseRecordType accepts the Chinese name ("行政处罚"), the short name ("处罚")
// or the code ("CF", any case).
func ParseRecordType(s string) (RecordType, bool) {
	s = strings.TrimSpace(s)
	for _, t := range RecordTypes {
		if s == string(t) || s == strings.TrimPrefix(string(t), "行政") || strings.EqualFold(s, t.Code()) {
			return t, true
		}
	}
	return "", false
}

// PartyCategory is 行政相对人类别.
type PartyCategory string

const (
	PartyOrg        PartyCategory = "法人及非法人组织" // legal person or unincorporated organisation
	PartyPerson     PartyCategory = "自然人"      // natural person
	PartyIndividual PartyCategory = "个体工商户"    // individual business
)

// Severity is the class of a piece of adverse credit information (失信等级)
// under 国办发〔2025〕22号: 轻微, 一般, 严重.
type Severity string

const (
	SeverityMinor   Severity = "轻微"
	SeverityGeneral Severity = "一般"
	SeveritySerious Severity = "严重"
)

// Record is an administrative-management record (行政管理信息), the common
// envelope of the 双公示 field sets; Licence or Penalty carries the
// type-specific fields. Its natural key is Type + DocNo.
type Record struct {
	Type RecordType `json:"type"`

	// 行政相对人 (the party)
	PartyName      string        `json:"party_name"`        // 行政相对人名称
	PartyCategory  PartyCategory `json:"party_category"`    // 行政相对人类别
	USCC           string        `json:"uscc"`              // 行政相对人代码_1 统一社会信用代码
	USCCFlags      USCCFlags     `json:"uscc_flags"`        //
	RegNo          string        `json:"reg_no"`            // 行政相对人代码_2 工商注册号
	OrgCode        string        `json:"org_code"`          // 行政相对人代码_3 组织机构代码
	TaxNo          string        `json:"tax_no"`            // 行政相对人代码_4 税务登记号
	InstitutionNo  string        `json:"institution_no"`    // 行政相对人代码_5 事业单位证书号
	SocialOrgNo    string        `json:"social_org_no"`     // 行政相对人代码_6 社会组织登记证号
	LegalRep       string        `json:"legal_rep"`         // 法定代表人
	LegalRepIDType string        `json:"legal_rep_id_type"` // 法定代表人证件类型
	LegalRepID     string        `json:"legal_rep_id"`      // 法定代表人证件号码
	IDType         string        `json:"id_type"`           // 证件类型 (自然人)
	IDNo           string        `json:"id_no"`             // 证件号码 (自然人)

	DocName      string    `json:"doc_name"`       // 决定文书名称
	DocNo        string    `json:"doc_no"`         // 决定文书号 / 行政处罚决定书文号
	DecisionDate time.Time `json:"decision_date"`  // 决定日期
	Authority    string    `json:"authority"`      // 决定机关 (许可机关/处罚机关)
	AuthorityID  string    `json:"authority_id"`   // 决定机关统一社会信用代码
	SourceUnit   string    `json:"source_unit"`    // 数据来源单位
	SourceUnitID string    `json:"source_unit_id"` // 数据来源单位统一社会信用代码
	SourceRegion string    `json:"source_region"`  // 数据来源地区 GB/T 2260 (city or county)
	Remark       string    `json:"remark"`         // 备注

	Severity    Severity  `json:"severity,omitempty"`     // 失信等级, adverse records only
	PublicUntil time.Time `json:"public_until,omitempty"` // 公示截止期 (zero: computed)

	Licence *LicenceDetail `json:"licence,omitempty"`
	Penalty *PenaltyDetail `json:"penalty,omitempty"`
}

// LicenceDetail holds the 行政许可 fields of the 双公示 set.
type LicenceDetail struct {
	Category  string    `json:"category"`   // 许可类别: 普通、特许、认可、核准、登记、其他
	CertName  string    `json:"cert_name"`  // 许可证书名称
	LicenceNo string    `json:"licence_no"` // 许可编号
	Content   string    `json:"content"`    // 许可内容
	ValidFrom time.Time `json:"valid_from"` // 有效期自
	ValidTo   time.Time `json:"valid_to"`   // 有效期至
	State     string    `json:"state"`      // 当前状态: 有效 / 无效
}

// PenaltyDetail holds the 行政处罚 fields of the 双公示 set. Money is in 分
// (the files give 万元 with decimals; see ParseWanYuan).
type PenaltyDetail struct {
	ViolationType  string    `json:"violation_type"`  // 违法行为类型
	Facts          string    `json:"facts"`           // 违法事实
	Basis          string    `json:"basis"`           // 处罚依据
	Kinds          []string  `json:"kinds"`           // 处罚类别 (several allowed)
	Content        string    `json:"content"`         // 处罚内容
	FineFen        int64     `json:"fine_fen"`        // 罚款金额
	ConfiscatedFen int64     `json:"confiscated_fen"` // 没收违法所得、没收非法财物的金额
	Licences       string    `json:"licences"`        // 暂扣或吊销证照名称及编号
	ValidUntil     time.Time `json:"valid_until"`     // 处罚有效期
}

// PenaltyKinds are the 处罚类别 of 行政处罚法 (2021) 第九条 as used in 双公示 files.
var PenaltyKinds = []string{"警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他"}

// LicenceCategories are the 许可类别 values.
var LicenceCategories = []string{"普通", "特许", "认可", "核准", "登记", "其他"}

// Key is the record's natural key: type code + "|" + decision document number.
func (r *Record) Key() string { return r.Type.Code() + "|" + strings.TrimSpace(r.DocNo) }

// Field names (column headers) of records, used in FieldError.Field.
const (
	fPartyName    = "行政相对人名称"
	fPartyCat     = "行政相对人类别"
	fUSCC         = "统一社会信用代码"
	fRegNo        = "工商注册号"
	fIDType       = "证件类型"
	fIDNo         = "证件号码"
	fDocNo        = "决定文书号"
	fDecisionDate = "决定日期"
	fAuthority    = "决定机关"
	fAuthorityID  = "决定机关统一社会信用代码"
	fSource       = "数据来源单位"
	fSourceID     = "数据来源单位统一社会信用代码"
	fSourceRegion = "数据来源地区"
)

// fieldName gives the 双公示 column name of a generic field for a record type,
// so that messages use the header the department's file has.
func fieldName(t RecordType, f string) string {
	switch t {
	case TypePenalty:
		switch f {
		case fDocNo:
			return "行政处罚决定书文号"
		case fDecisionDate:
			return "处罚决定日期"
		case fAuthority:
			return "处罚机关"
		case fAuthorityID:
			return "处罚机关统一社会信用代码"
		}
	case TypeLicence:
		switch f {
		case fDocNo:
			return "行政许可决定文书号"
		case fDecisionDate:
			return "许可决定日期"
		case fAuthority:
			return "许可机关"
		case fAuthorityID:
			return "许可机关统一社会信用代码"
		}
	}
	return f
}

// ValidateRecord checks a record against the 双公示 rules and returns every
// problem (nil when fine). It normalises the codes in place.
func ValidateRecord(r *Record) FieldErrors {
	var es FieldErrors
	t := r.Type
	if _, ok := recordTypeCodes[t]; !ok {
		if t == "" {
			es.add("记录类型", "不能为空，请填写行政许可、行政处罚、行政强制等类别")
		} else {
			es.add("记录类型", "“"+string(t)+"”不是可用的行政管理信息类别，请填写行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励或行政裁决")
		}
	}
	if strings.TrimSpace(r.PartyName) == "" {
		es.add(fPartyName, "不能为空，请填写行政相对人名称")
	}
	switch r.PartyCategory {
	case PartyOrg, PartyIndividual:
		u, err := ParseUSCC(r.USCC)
		switch {
		case err != nil && r.PartyCategory == PartyIndividual && strings.TrimSpace(r.USCC) == "":
			es.add(fUSCC, "个体工商户没有代码时请填写17个0加X，并填写工商注册号")
		case err != nil:
			es.add(fUSCC, err.Error())
		default:
			r.USCC, r.USCCFlags = u.Code, u.Flags
			if u.NoCode() {
				if r.PartyCategory != PartyIndividual {
					es.add(fUSCC, "17个0加X只能用于无代码的个体工商户，请填写统一社会信用代码")
				} else if strings.TrimSpace(r.RegNo) == "" {
					es.add(fRegNo, "统一社会信用代码为17个0加X时必须填写工商注册号")
				}
			}
		}
		if r.PartyCategory == PartyOrg && strings.TrimSpace(r.LegalRep) == "" {
			es.add("法定代表人", "行政相对人为法人及非法人组织时必须填写法定代表人")
		}
	case PartyPerson:
		if strings.TrimSpace(r.IDType) == "" {
			es.add(fIDType, "行政相对人为自然人时必须填写证件类型")
		}
		if strings.TrimSpace(r.IDNo) == "" {
			es.add(fIDNo, "行政相对人为自然人时必须填写证件号码")
		} else if r.IDType == "身份证" && !ValidResidentID(r.IDNo) {
			es.add(fIDNo, "不是有效的18位居民身份证号码（GB 11643 校验不通过），请核对")
		}
	case "":
		es.add(fPartyCat, "不能为空，请填写法人及非法人组织、自然人或个体工商户")
	default:
		es.add(fPartyCat, "“"+string(r.PartyCategory)+"”不是可用的类别，请填写法人及非法人组织、自然人或个体工商户")
	}
	if strings.TrimSpace(r.DocNo) == "" {
		es.add(fieldName(t, fDocNo), "不能为空，请填写决定文书号")
	}
	if r.DecisionDate.IsZero() {
		es.add(fieldName(t, fDecisionDate), "不能为空，请填写决定日期（如2024-03-05）")
	}
	if strings.TrimSpace(r.Authority) == "" {
		es.add(fieldName(t, fAuthority), "不能为空，请填写作出决定的机关")
	}
	checkOrgID(&es, fieldName(t, fAuthorityID), &r.AuthorityID, true)
	if strings.TrimSpace(r.SourceUnit) == "" {
		es.add(fSource, "不能为空，请填写数据来源单位")
	}
	checkOrgID(&es, fSourceID, &r.SourceUnitID, true)
	if r.SourceRegion == "" {
		es.add(fSourceRegion, "不能为空，请填写数据来源单位所在地的6位行政区划代码")
	} else if !region.Valid(r.SourceRegion) || r.SourceRegion == region.ProvinceCode {
		es.add(fSourceRegion, "“"+r.SourceRegion+"”不是成德眉资四市或其区县的行政区划代码，请核对")
	}
	validSeverity := r.Severity == SeverityMinor || r.Severity == SeverityGeneral || r.Severity == SeveritySerious
	if r.Severity != "" && !validSeverity {
		es.add("失信等级", "“"+string(r.Severity)+"”不可用，请填写轻微、一般或严重")
	}
	switch t {
	case TypeLicence:
		validateLicence(&es, r)
	case TypePenalty:
		validatePenalty(&es, r)
	}
	if !r.PublicUntil.IsZero() && !r.DecisionDate.IsZero() && validSeverity {
		p := PublicationPeriod(r.Severity, r.DecisionDate)
		if r.PublicUntil.Before(p.MinEnd) || r.PublicUntil.After(p.MaxEnd) {
			es.add("公示截止期", "失信等级为"+string(r.Severity)+"时公示截止期应在"+FormatDate(p.MinEnd)+"至"+FormatDate(p.MaxEnd)+"之间，请核对")
		}
	}
	if len(es) == 0 {
		return nil
	}
	return es
}

// DecisionNotFuture refuses a decision date after today, the day the library
// receives the record: a typo such as 2062 for 2026 would keep a penalty out
// of public view and out of the credit report until then. line is the
// record's file line (0 outside a file).
func DecisionNotFuture(r *Record, today time.Time, line int) FieldErrors {
	if r.DecisionDate.IsZero() || !Day(r.DecisionDate).After(Day(today)) {
		return nil
	}
	return FieldErrors{{Line: line, Field: fieldName(r.Type, fDecisionDate),
		Reason: "“" + FormatDate(r.DecisionDate) + "”晚于报送日期 " + FormatDate(today) + "，决定日期不能在将来，请核对年份"}}
}

// validUnitID is a unit's code normalised when it is a valid USCC (not the
// 17个0加X placeholder), else "".
func validUnitID(code string) string {
	u, err := ParseUSCC(code)
	if err != nil || u.NoCode() {
		return ""
	}
	return u.Code
}

func checkOrgID(es *FieldErrors, field string, v *string, required bool) {
	if strings.TrimSpace(*v) == "" {
		if required {
			es.add(field, "不能为空，请填写该单位的18位统一社会信用代码")
		}
		return
	}
	u, err := ParseUSCC(*v)
	if err != nil {
		es.add(field, err.Error())
		return
	}
	if u.NoCode() {
		es.add(field, "机关单位不能使用17个0加X，请填写该单位的统一社会信用代码")
		return
	}
	*v = u.Code
}

func validateLicence(es *FieldErrors, r *Record) {
	l := r.Licence
	if l == nil {
		es.add("许可类别", "不能为空，请填写普通、特许、认可、核准、登记或其他")
		return
	}
	if !contains(LicenceCategories, l.Category) {
		if l.Category == "" {
			es.add("许可类别", "不能为空，请填写普通、特许、认可、核准、登记或其他")
		} else {
			es.add("许可类别", "“"+l.Category+"”不可用，请填写普通、特许、认可、核准、登记或其他")
		}
	}
	if l.ValidFrom.IsZero() {
		es.add("有效期自", "不能为空，请填写许可有效期的起始日期")
	}
	if !l.ValidTo.IsZero() && !l.ValidFrom.IsZero() && l.ValidTo.Before(l.ValidFrom) {
		es.add("有效期至", "早于有效期自，请核对许可有效期")
	}
	if !l.ValidFrom.IsZero() && !r.DecisionDate.IsZero() && l.ValidFrom.Before(r.DecisionDate) {
		es.add("有效期自", "早于许可决定日期，请核对")
	}
	if l.State != "" && l.State != "有效" && l.State != "无效" {
		es.add("当前状态", "“"+l.State+"”不可用，请填写有效或无效")
	}
}

func validatePenalty(es *FieldErrors, r *Record) {
	p := r.Penalty
	if p == nil {
		p = &PenaltyDetail{}
	}
	for _, f := range []struct{ name, v string }{
		{"违法行为类型", p.ViolationType}, {"违法事实", p.Facts}, {"处罚依据", p.Basis}, {"处罚内容", p.Content},
	} {
		if strings.TrimSpace(f.v) == "" {
			es.add(f.name, "不能为空，请按处罚决定书填写")
		}
	}
	if len(p.Kinds) == 0 {
		es.add("处罚类别", "不能为空，请填写警告、罚款等处罚类别（多个用“;”分隔）")
	}
	for _, k := range p.Kinds {
		if !contains(PenaltyKinds, k) {
			es.add("处罚类别", "“"+k+"”不是行政处罚法规定的处罚种类，请填写"+strings.Join(PenaltyKinds, "、"))
			break
		}
	}
	if contains(p.Kinds, "罚款") && p.FineFen <= 0 {
		es.add("罚款金额（万元）", "处罚类别含罚款时必须填写大于0的罚款金额")
	}
	if p.ValidUntil.IsZero() {
		es.add("处罚有效期", "不能为空，请填写处罚有效期（如2025-03-05）")
	} else if !r.DecisionDate.IsZero() && p.ValidUntil.Before(r.DecisionDate) {
		es.add("处罚有效期", "早于处罚决定日期，请核对")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Period is a publication window (公示期): the record is public from Start
// (inclusive) until End (exclusive). MinEnd is the earliest day a credit
// repair may end it (最短公示期满), MaxEnd the day it ends by itself
// (最长公示期满).
type Period struct {
	Start  time.Time `json:"start"`
	MinEnd time.Time `json:"min_end"`
	MaxEnd time.Time `json:"max_end"`
}

// PublicationPeriod is the window of adverse information of a severity
// decided on day d, under 国办发〔2025〕22号: 轻微 at most 3 months (no
// minimum), 一般 3 months to 1 year, 严重 1 to 3 years. An unknown severity is
// treated as 严重 (the longest window), so nothing leaves public view early.
func PublicationPeriod(sev Severity, d time.Time) Period {
	d = Day(d)
	switch sev {
	case SeverityMinor:
		return Period{d, d, addMonths(d, 3)}
	case SeverityGeneral:
		return Period{d, addMonths(d, 3), addMonths(d, 12)}
	default:
		return Period{d, addMonths(d, 12), addMonths(d, 36)}
	}
}

// addMonths adds n calendar months; a day that does not exist in the target
// month (31 March + 1 month) becomes that month's last day.
func addMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// Adverse reports whether the record is adverse credit information with a
// limited publication window (行政处罚, 行政强制).
func (r *Record) Adverse() bool { return r.Type == TypePenalty || r.Type == TypeCoercion }

// PublicEnd is the first day the record is no longer public: PublicUntil+1
// when given, else the end of its publication period; zero (never) for a
// record that is not adverse. repairedOn, when not zero, is the day a credit
// repair ended publication early.
func (r *Record) PublicEnd(repairedOn time.Time) time.Time {
	if !r.Adverse() {
		return time.Time{}
	}
	end := PublicationPeriod(r.Severity, r.DecisionDate).MaxEnd
	if !r.PublicUntil.IsZero() {
		end = Day(r.PublicUntil).AddDate(0, 0, 1)
	}
	if !repairedOn.IsZero() && Day(repairedOn).Before(end) {
		end = Day(repairedOn)
	}
	return end
}

// PublicOn reports whether the record is in public view on day `on`.
func (r *Record) PublicOn(on, repairedOn time.Time) bool {
	on = Day(on)
	if on.Before(Day(r.DecisionDate)) {
		return false
	}
	end := r.PublicEnd(repairedOn)
	return end.IsZero() || on.Before(end)
}

// Day truncates t to its calendar date at 00:00 UTC (dates carry no zone).
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FormatDate formats a date as YYYY-MM-DD ("" for zero).
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// MaskIDNumber masks a natural person's ID number for the public view: the
// first 4 and last 4 characters stay, every other character becomes '*'
// (an 18-digit ID keeps the province-city prefix and hides the county and
// birth date). Numbers of 8 characters or fewer are masked entirely except
// the last 2.
func MaskIDNumber(id string) string {
	r := []rune(strings.TrimSpace(id))
	n := len(r)
	if n == 0 {
		return ""
	}
	keepHead, keepTail := 4, 4
	if n <= 8 {
		keepHead, keepTail = 0, 2
		if n <= 2 {
			keepTail = 0
		}
	}
	for i := keepHead; i < n-keepTail; i++ {
		r[i] = '*'
	}
	return string(r)
}

// PublicView returns a copy of the record fit for the public (社会公开) view:
// the ID numbers of natural persons (the party and the legal representative)
// are masked.
func (r Record) PublicView() Record {
	r.IDNo = MaskIDNumber(r.IDNo)
	r.LegalRepID = MaskIDNumber(r.LegalRepID)
	if r.Penalty != nil {
		p := *r.Penalty
		p.Kinds = append([]string(nil), p.Kinds...)
		r.Penalty = &p
	}
	if r.Licence != nil {
		l := *r.Licence
		r.Licence = &l
	}
	return r
}

// ValidResidentID checks an 18-character 居民身份证号码 by GB 11643-1999
// (ISO 7064 MOD 11-2; check 'X' for 10).
func ValidResidentID(id string) bool {
	id = strings.ToUpper(strings.TrimSpace(id))
	if len(id) != 18 {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
		sum += int(id[i]-'0') * weights[i]
	}
	return id[17] == "10X98765432"[sum%11]
}

// BlacklistEntry is an entry of a 严重失信主体名单 (list of seriously
// untrustworthy subjects). Removal is an event recorded on the entry, never
// a delete.
type BlacklistEntry struct {
	ListType          string    `json:"list_type"`          // 名单类别, e.g. 市场监督管理严重违法失信名单
	SubjectName       string    `json:"subject_name"`       // 主体名称
	USCC              string    `json:"uscc"`               // 统一社会信用代码
	Reason            string    `json:"reason"`             // 列入原因（失信行为情况）
	LegalBasis        string    `json:"legal_basis"`        // 认定依据（法律法规条款）
	DecidingUnit      string    `json:"deciding_unit"`      // 认定部门
	DecidingUnitID    string    `json:"deciding_unit_id"`   // 认定部门统一社会信用代码
	DocNo             string    `json:"doc_no"`             // 列入决定文书号
	ListedOn          time.Time `json:"listed_on"`          // 列入日期
	PlannedRemovalOn  time.Time `json:"planned_removal_on"` // 有效期至 / 计划移出日期
	RemovalConditions string    `json:"removal_conditions"` // 移出条件和程序
	RemovedOn         time.Time `json:"removed_on"`         // 移出日期 (zero while listed)
	RemovalReason     string    `json:"removal_reason"`     // 移出原因: 期满、信用修复、撤销
	SourceRegion      string    `json:"source_region"`      // 数据来源地区 GB/T 2260
}

// Key is the entry's natural key: list type + "|" + decision document number.
func (b *BlacklistEntry) Key() string { return b.ListType + "|" + strings.TrimSpace(b.DocNo) }

// ListedOnDay reports whether the subject is on the list on day `on`.
func (b *BlacklistEntry) ListedOnDay(on time.Time) bool {
	on = Day(on)
	if on.Before(Day(b.ListedOn)) {
		return false
	}
	if !b.RemovedOn.IsZero() && !on.Before(Day(b.RemovedOn)) {
		return false
	}
	if !b.PlannedRemovalOn.IsZero() && on.After(Day(b.PlannedRemovalOn)) {
		return false
	}
	return true
}

// ValidateBlacklist checks an entry and returns every problem (nil when fine).
func ValidateBlacklist(b *BlacklistEntry) FieldErrors {
	var es FieldErrors
	for _, f := range []struct{ name, v, hint string }{
		{"名单类别", b.ListType, "请填写名单名称，如市场监督管理严重违法失信名单"},
		{"主体名称", b.SubjectName, "请填写被列入名单的主体名称"},
		{"列入原因", b.Reason, "请填写失信行为情况"},
		{"认定依据", b.LegalBasis, "请填写列入所依据的法律、法规条款"},
		{"认定部门", b.DecidingUnit, "请填写作出列入决定的部门"},
		{"列入决定文书号", b.DocNo, "请填写列入决定书文号"},
		{"移出条件", b.RemovalConditions, "列入决定须载明移出条件和程序，请填写"},
	} {
		if strings.TrimSpace(f.v) == "" {
			es.add(f.name, "不能为空，"+f.hint)
		}
	}
	u, err := ParseUSCC(b.USCC)
	switch {
	case err != nil:
		es.add("统一社会信用代码", err.Error())
	case u.NoCode():
		es.add("统一社会信用代码", "严重失信主体名单须填写主体的统一社会信用代码，不能使用17个0加X")
	default:
		b.USCC = u.Code
	}
	if b.ListedOn.IsZero() {
		es.add("列入日期", "不能为空，请填写列入日期（如2024-03-05）")
	}
	if !b.PlannedRemovalOn.IsZero() && !b.ListedOn.IsZero() && !b.PlannedRemovalOn.After(b.ListedOn) {
		es.add("计划移出日期", "应晚于列入日期，请核对")
	}
	if !b.RemovedOn.IsZero() {
		if !b.ListedOn.IsZero() && b.RemovedOn.Before(b.ListedOn) {
			es.add("移出日期", "早于列入日期，请核对")
		}
		if strings.TrimSpace(b.RemovalReason) == "" {
			es.add("移出原因", "已填写移出日期时必须填写移出原因（期满、信用修复或撤销）")
		}
	}
	if b.SourceRegion != "" && !region.Valid(b.SourceRegion) {
		es.add("数据来源地区", "“"+b.SourceRegion+"”不是已知的行政区划代码，请核对")
	}
	if len(es) == 0 {
		return nil
	}
	return es
}

// RepairState is the state of a credit-repair application (信用修复申请).
type RepairState string

const (
	RepairApplied   RepairState = "已申请"  // applied, waiting for review
	RepairReviewing RepairState = "审核中"  // under review
	RepairRemoved   RepairState = "已修复"  // approved: removed from the list / publication ended
	RepairRefused   RepairState = "不予修复" // refused
)

// RepairAction is a step of the repair workflow.
type RepairAction string

const (
	ActionReview RepairAction = "受理审核" // start the review
	ActionRemove RepairAction = "准予修复" // approve: remove / end publication
	ActionRefuse RepairAction = "不予修复" // refuse, with a reason
)

// RepairStep is one audited step of an application.
type RepairStep struct {
	Action RepairAction `json:"action"`
	From   RepairState  `json:"from"`
	To     RepairState  `json:"to"`
	By     string       `json:"by"`   // user who acted
	On     time.Time    `json:"on"`   // day of the step
	Note   string       `json:"note"` // reason or opinion
}

// RepairApplication is a credit-repair application (信用修复申请) for a
// blacklist entry or an adverse record, identified by its natural key.
type RepairApplication struct {
	TargetKey string       `json:"target_key"` // BlacklistEntry.Key() or Record.Key()
	Applicant string       `json:"applicant"`  // 申请人
	AppliedOn time.Time    `json:"applied_on"` // 申请日期
	Reason    string       `json:"reason"`     // 修复理由（已纠正失信行为的情况）
	State     RepairState  `json:"state"`
	Steps     []RepairStep `json:"steps"`
}

// NewRepairApplication starts an application. For adverse information
// (period not zero) repair may be requested only after the minimum
// publication period (最短公示期满); give a zero Period for a blacklist entry,
// whose own removal conditions apply.
func NewRepairApplication(targetKey, applicant, reason string, appliedOn time.Time, p Period) (*RepairApplication, error) {
	var es FieldErrors
	if strings.TrimSpace(applicant) == "" {
		es.add("申请人", "不能为空，请填写申请人")
	}
	if strings.TrimSpace(reason) == "" {
		es.add("修复理由", "不能为空，请说明已履行的义务和纠正失信行为的情况")
	}
	if !p.MinEnd.IsZero() && Day(appliedOn).Before(p.MinEnd) {
		es.add("申请日期", "最短公示期至"+FormatDate(p.MinEnd)+"届满，届满后方可申请信用修复")
	}
	if len(es) > 0 {
		return nil, es
	}
	return &RepairApplication{TargetKey: targetKey, Applicant: applicant, AppliedOn: Day(appliedOn), Reason: reason, State: RepairApplied}, nil
}

// Advance performs one step (apply → review → removed / refused) and records
// it in Steps. Refusing needs a note; removed and refused are final.
func (a *RepairApplication) Advance(act RepairAction, by string, on time.Time, note string) error {
	var to RepairState
	switch {
	case a.State == RepairApplied && act == ActionReview:
		to = RepairReviewing
	case a.State == RepairReviewing && act == ActionRemove:
		to = RepairRemoved
	case a.State == RepairReviewing && act == ActionRefuse:
		if strings.TrimSpace(note) == "" {
			return FieldErrors{{Field: "不予修复理由", Reason: "不能为空，不予修复时必须说明理由"}}
		}
		to = RepairRefused
	default:
		return FieldErrors{{Field: "修复状态", Reason: "当前状态为“" + string(a.State) + "”，不能执行“" + string(act) + "”"}}
	}
	if Day(on).Before(a.AppliedOn) {
		return FieldErrors{{Field: "办理日期", Reason: "早于申请日期，请核对"}}
	}
	a.Steps = append(a.Steps, RepairStep{Action: act, From: a.State, To: to, By: by, On: Day(on), Note: note})
	a.State = to
	return nil
}
