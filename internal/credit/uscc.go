package credit

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"tongcheng/internal/region"
)

// USCC is a parsed 统一社会信用代码 (unified social credit code, GB 32100-2015).
//
// Layout of the 18 characters:
//
//	1     登记管理部门码 (registration authority)  — Authority
//	2     机构类别码 (organisation type)           — Kind
//	3–8   登记管理机关行政区划码 (issue region)      — IssueRegion
//	9–17  主体标识码 = 组织机构代码 (GB 11714)       — OrgCode, check char at 17
//	18    校验码 (MOD 31 check character)
//
// IssueRegion says where the code was issued. It never changes and is NOT the
// region that owns the subject today (简阳 moved from 资阳 to 成都 in 2016,
// codes issued by 四川省 carry 510000). Ownership is Subject.CityCode/CountyCode.
type USCC struct {
	Code          string    `json:"code"`           // normalised, 18 characters
	Authority     byte      `json:"authority"`      // 登记管理部门码
	AuthorityName string    `json:"authority_name"` // e.g. "工商（市场监管）"
	Kind          byte      `json:"kind"`           // 机构类别码
	KindName      string    `json:"kind_name"`      // e.g. "企业"; "" when not in the table
	IssueRegion   string    `json:"issue_region"`   // 登记管理机关行政区划码, digits 3–8
	OrgCode       string    `json:"org_code"`       // 组织机构代码, chars 9–17
	Flags         USCCFlags `json:"flags"`
}

// USCCFlags mark legal codes that do not follow the standard to the letter.
type USCCFlags uint8

const (
	// FlagPilot: an early 福建 pilot code (2015) whose 18th character fails
	// the MOD 31 check but which was legally issued. Kept, not rejected.
	FlagPilot USCCFlags = 1 << iota
	// FlagNoCode: the 个体工商户 placeholder 00000000000000000X (seventeen
	// zeros and X) meaning "this 个体工商户 has no code"; the 工商注册号 is then
	// required instead.
	FlagNoCode
	// FlagUnknownKind: the 机构类别码 is not in the assignment table for its
	// 登记管理部门码 (the table is from secondary sources); kept, not rejected.
	FlagUnknownKind
)

// NoCodePlaceholder is the 个体工商户 "no code" placeholder (17个0加X).
const NoCodePlaceholder = "00000000000000000X"

// usccCharset is the 31-character set of GB 32100 (no I O Z S V); a
// character's index is its value.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are W_i = 3^(i-1) mod 31, i = 1..17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the 8-character body.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// pilotCodes are early 福建 pilot codes whose 18th character does not match
// the MOD 31 check but which were issued and are in use (see
// reference/credit.md §1.7. Sources: the id-rule README names the first
// three (福建恒跃柳工机械销售有限公司, 厦门云上晴空航空科技有限公司, 厦门黑脉网络科技有限公司);
// a JS validator whitelists the fourth; hutool's CreditCodeUtilTest cites the
// fifth as an early pilot code). Their 17th character passes GB 11714.
var pilotCodes = map[string]bool{
	"91350100M0001TGQXM": true,
	"91350211M0000XUF46": true,
	"91350203M0001FUE2P": true,
	"91350203M0001QAY9B": true,
	"91350211M00013FA1N": true,
}

var usccValue [256]int8

func init() {
	for i := range usccValue {
		usccValue[i] = -1
	}
	for i := 0; i < len(usccCharset); i++ {
		usccValue[usccCharset[i]] = int8(i)
	}
}

// authorities maps 登记管理部门码 to its name and its 机构类别码 table
// (reference/credit.md §1.2; secondary sources agree).
var authorities = map[byte]struct {
	name  string
	kinds map[byte]string
}{
	'1': {"机构编制", map[byte]string{'1': "机关", '2': "事业单位", '3': "中央编办直接管理机构编制的群众团体", '9': "其他"}},
	'2': {"外交", map[byte]string{'1': "外国常驻新闻机构", '9': "其他"}},
	'3': {"司法行政", map[byte]string{'1': "律师执业机构", '2': "公证处", '3': "基层法律服务所", '4': "司法鉴定机构", '5': "仲裁委员会", '9': "其他"}},
	'4': {"文化", map[byte]string{'1': "外国在华文化中心", '9': "其他"}},
	'5': {"民政", map[byte]string{'1': "社会团体", '2': "民办非企业单位", '3': "基金会", '9': "其他"}},
	'6': {"旅游", map[byte]string{'1': "外国旅游部门常驻代表机构", '2': "港澳台地区旅游部门常驻内地（大陆）代表机构", '9': "其他"}},
	'7': {"宗教", map[byte]string{'1': "宗教活动场所", '2': "宗教院校", '9': "其他"}},
	'8': {"工会", map[byte]string{'1': "基层工会", '9': "其他"}},
	'9': {"工商（市场监管）", map[byte]string{'1': "企业", '2': "个体工商户", '3': "农民专业合作社"}},
	'A': {"中央军委改革和编制办公室", map[byte]string{'1': "军队事业单位", '9': "其他"}},
	'N': {"农业", map[byte]string{'1': "组级集体经济组织", '2': "村级集体经济组织", '3': "乡镇级集体经济组织", '9': "其他"}},
	'Y': {"其他", map[byte]string{'1': "其他"}},
}

// CodeError is a rejected code: a stable machine code and a Chinese reason
// that says what to do.
type CodeError struct {
	Code   string `json:"code"`   // stable, e.g. "uscc_check18"
	Reason string `json:"reason"` // Chinese sentence for people
}

func (e *CodeError) Error() string { return e.Reason }

// Stable error codes of ParseUSCC.
const (
	ErrUSCCEmpty     = "uscc_empty"
	ErrUSCCLength    = "uscc_length"
	ErrUSCCCharset   = "uscc_charset"
	ErrUSCCAuthority = "uscc_authority"
	ErrUSCCRegion    = "uscc_region"
	ErrUSCCCheck17   = "uscc_check17"
	ErrUSCCCheck18   = "uscc_check18"
)

// NormalizeUSCC does only what is unambiguous: trims spaces (also the
// full-width space U+3000), turns full-width ASCII into half-width and lower
// case into upper case. It does not remove inner spaces or hyphens.
func NormalizeUSCC(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\u3000' || r == '\ufeff'
	})
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'a' && c <= 'z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII block
			r -= 0xFEE0
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// USCCCheckChar returns the 18th character for the first 17 characters, or
// false when first17 is not 17 characters of the 31-character set.
// C18 = (31 − Σ C_i·W_i mod 31) mod 31.
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue[first17[i]]
		if v < 0 {
			return 0, false
		}
		sum += int(v) * usccWeights[i]
	}
	return usccCharset[(31-sum%31)%31], true
}

// orgValue is the GB 11714 value of a character: 0–9, A–Z → 10–35.
func orgValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// OrgCodeCheckChar returns the GB 11714 check character of an 8-character
// organisation-code body: C9 = 11 − Σ C_i·W_i mod 11, 10 → 'X', 11 → '0'.
// Values use the full alphabet (A=10 … Z=35), not the USCC 31-character set.
func OrgCodeCheckChar(body8 string) (byte, bool) {
	if len(body8) != 8 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		v := orgValue(body8[i])
		if v < 0 {
			return 0, false
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', true
	case 11:
		return '0', true
	default:
		return byte('0' + c), true
	}
}

// ParseUSCC normalises s (see NormalizeUSCC) and validates it: length,
// character set, 登记管理部门码, digits 3–8, the GB 11714 check at position 17
// and the MOD 31 check at position 18. Known legal exceptions come back as a
// valid USCC with Flags set (FlagPilot, FlagNoCode); everything else that is
// wrong is a *CodeError with a Chinese reason.
func ParseUSCC(s string) (USCC, error) {
	code := NormalizeUSCC(s)
	if code == "" {
		return USCC{}, &CodeError{ErrUSCCEmpty, "统一社会信用代码为空，请填写18位代码"}
	}
	if code == NoCodePlaceholder {
		return USCC{Code: code, Authority: '0', Kind: '0', AuthorityName: "无", KindName: "个体工商户（无代码）", Flags: FlagNoCode}, nil
	}
	if looksScientific(code) {
		return USCC{}, &CodeError{ErrUSCCCharset, "代码“" + code + "”被 Excel 存成了数字（科学计数法），已丢失位数，请把该列设为“文本”格式后重新录入代码"}
	}
	if n := utf8.RuneCountInString(code); n != 18 || len(code) != 18 {
		if n != len(code) {
			// a non-ASCII character: report it rather than a length
			for i, r := range []rune(code) {
				if r >= utf8.RuneSelf {
					return USCC{}, &CodeError{ErrUSCCCharset, "第" + strconv.Itoa(i+1) + "位字符“" + string(r) + "”不是数字或大写字母，统一社会信用代码只由数字和大写英文字母（不含 I、O、Z、S、V）组成"}
				}
			}
		}
		return USCC{}, &CodeError{ErrUSCCLength, "统一社会信用代码应为18位，实际为" + strconv.Itoa(n) + "位，请核对后重新填写"}
	}
	for i := 0; i < 18; i++ {
		c := code[i]
		if usccValue[c] < 0 {
			what := "“" + string(c) + "”"
			switch c {
			case ' ':
				what = "空格"
			case '-':
				what = "连字符“-”"
			}
			return USCC{}, &CodeError{ErrUSCCCharset, "第" + strconv.Itoa(i+1) + "位字符" + what + "不在统一社会信用代码字符集内（数字和除 I、O、Z、S、V 以外的大写英文字母），请核对"}
		}
	}
	auth, ok := authorities[code[0]]
	if !ok {
		return USCC{}, &CodeError{ErrUSCCAuthority, "第1位登记管理部门码“" + code[:1] + "”不存在（应为1–9、A、N、Y），请核对"}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return USCC{}, &CodeError{ErrUSCCRegion, "第3–8位应为登记管理机关行政区划码（6位数字），第" + strconv.Itoa(i+1) + "位是“" + code[i:i+1] + "”，请核对"}
		}
	}
	if c := code[16]; c != 'X' && (c < '0' || c > '9') {
		return USCC{}, &CodeError{ErrUSCCCheck17, "第17位是组织机构代码校验码，只能是数字或 X，实际为“" + code[16:17] + "”，请核对"}
	}
	want17, _ := OrgCodeCheckChar(code[8:16])
	if want17 != code[16] {
		return USCC{}, &CodeError{ErrUSCCCheck17, "第17位组织机构代码校验码应为“" + string(want17) + "”，实际为“" + code[16:17] + "”，代码有误，请核对"}
	}
	u := USCC{
		Code:          code,
		Authority:     code[0],
		AuthorityName: auth.name,
		Kind:          code[1],
		IssueRegion:   code[2:8],
		OrgCode:       code[8:17],
	}
	if name, ok := auth.kinds[code[1]]; ok {
		u.KindName = name
	} else {
		u.Flags |= FlagUnknownKind
	}
	want18, _ := USCCCheckChar(code[:17])
	if want18 != code[17] {
		if pilotCodes[code] {
			u.Flags |= FlagPilot
			return u, nil
		}
		return USCC{}, &CodeError{ErrUSCCCheck18, "第18位校验码应为“" + string(want18) + "”，实际为“" + code[17:] + "”，代码有误，请核对"}
	}
	return u, nil
}

// looksScientific reports a number in Excel's scientific notation such as
// 9.14403001922038E+17: an all-digit code typed into a number cell.
func looksScientific(s string) bool {
	mant, exp, ok := strings.Cut(s, "E+")
	if !ok || mant == "" || exp == "" {
		return false
	}
	for i := 0; i < len(exp); i++ {
		if exp[i] < '0' || exp[i] > '9' {
			return false
		}
	}
	for i := 0; i < len(mant); i++ {
		if (mant[i] < '0' || mant[i] > '9') && mant[i] != '.' {
			return false
		}
	}
	return true
}

// IssueRegionName names the issue region when it is one of the reference
// regions (四川省 and the four cities), e.g. "成都市简阳市"; otherwise "".
func (u USCC) IssueRegionName() string {
	if u.IssueRegion == "" || !region.Valid(u.IssueRegion) {
		return ""
	}
	return region.FullName(u.IssueRegion)
}

// NoCode reports whether u is the 个体工商户 "no code" placeholder.
func (u USCC) NoCode() bool { return u.Flags&FlagNoCode != 0 }

// Notes returns Chinese notes for the flags, for display next to the code.
func (u USCC) Notes() []string {
	var out []string
	if u.Flags&FlagPilot != 0 {
		out = append(out, "福建早期试点代码：第18位不符合校验规则，但为合法赋码，予以保留")
	}
	if u.Flags&FlagNoCode != 0 {
		out = append(out, "个体工商户无统一社会信用代码（17个0加X），须填写工商注册号")
	}
	if u.Flags&FlagUnknownKind != 0 {
		out = append(out, "机构类别码“"+string(u.Kind)+"”不在已知赋码表中，请人工确认")
	}
	return out
}
