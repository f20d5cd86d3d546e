package credit

import (
	"errors"
	"testing"
)

// Valid codes. Each was recomputed by hand (sum, mod, check) and by the
// implementation; the source names where the code was found.
var validCodes = []struct {
	code, source string
	kindName     string
}{
	// GB 32100-2015's own example; by hand: Σ C_i·W_i = 1640, 1640 mod 31 = 28,
	// 31 − 28 = 3 → '3'; org code M000100Y: 22·3 + 1·5 + 34·2 = 139,
	// 139 mod 11 = 7, 11 − 7 = 4 → '4'.
	{"91350100M000100Y43", "GB 32100-2015 示例", "企业"},
	// 小米科技有限责任公司 (uscc-utils README); by hand: Σ = 999, 999 mod 31 = 7,
	// 31 − 7 = 24 → 'Q'; org 55138508: 185 mod 11 = 9 → '2'.
	{"91110108551385082Q", "小米科技有限责任公司，uscc-utils README", "企业"},
	{"91520000214434146R", "中航重机股份有限公司，天眼查 API 样例（reference/credit.md §1.6）", "企业"},
	{"91110000600037341L", "python-stdnum cn/uscc 文档示例", "企业"},
	{"91330201MA282UF146", "宁波安联检测有限公司，公开代码常量（maomaolulu/sys-java）", "企业"},
	{"91330401MA28ADM67R", "嘉兴安联检测技术服务有限公司，同上", "企业"},
	{"91310115591693856A", "hutool CreditCodeUtilTest", "企业"},
	{"91310110666007217T", "hutool CreditCodeUtilTest", "企业"},
	{"91310230MA1K314J7C", "go-gb gb32100 code_test", "企业"},
	// Issued by 简阳市 512081 while it was under 资阳. By hand: products
	// 9,3,45,27,38,0,128,17,420,290,150,26,152,0,20,180,0, Σ = 1505 (the Q&A
	// page adds them up to 1495 but then uses the right remainder 17),
	// 1505 mod 31 = 17, 31 − 17 = 14 → 'E'.
	{"91512081MA62K0260E", "公开问答页的校验码演算示例", "企业"},
}

func TestParseUSCCValid(t *testing.T) {
	for _, tc := range validCodes {
		u, err := ParseUSCC(tc.code)
		if err != nil {
			t.Errorf("%s (%s): %v", tc.code, tc.source, err)
			continue
		}
		if u.Code != tc.code || u.Flags != 0 || u.KindName != tc.kindName || u.AuthorityName != "工商（市场监管）" {
			t.Errorf("%s: got %+v", tc.code, u)
		}
		if u.IssueRegion != tc.code[2:8] || u.OrgCode != tc.code[8:17] {
			t.Errorf("%s: region %s org %s", tc.code, u.IssueRegion, u.OrgCode)
		}
	}
}

func TestCheckCharsByHand(t *testing.T) {
	if c, ok := USCCCheckChar("91350100M000100Y4"); !ok || c != '3' {
		t.Fatalf("standard example check18 = %c", c)
	}
	if c, ok := OrgCodeCheckChar("M000100Y"); !ok || c != '4' {
		t.Fatalf("standard example check17 = %c", c)
	}
	// 11 − s mod 11 = 11 must give '0': body "00000000" has s = 0.
	if c, _ := OrgCodeCheckChar("00000000"); c != '0' {
		t.Fatalf("mod 0 case = %c, want 0", c)
	}
	// 10 → 'X': 9144030071526726XG has org 71526726; by hand
	// 21+7+45+20+30+56+8+12 = 199, 199 mod 11 = 1, 11 − 1 = 10 → 'X'.
	if c, _ := OrgCodeCheckChar("71526726"); c != 'X' {
		t.Fatalf("71526726 → %c, want X", c)
	}
	// All 17 zeros: MOD 31 gives (31 − 0) mod 31 = 0.
	if c, _ := USCCCheckChar("00000000000000000"); c != '0' {
		t.Fatalf("zeros → %c", c)
	}
	if _, ok := USCCCheckChar("9135010OM000100Y4"); ok {
		t.Fatal("O accepted")
	}
}

func TestParseUSCCNormalises(t *testing.T) {
	for _, in := range []string{
		" 91350100m000100y43\t",
		"９１３５０１００Ｍ０００１００Ｙ４３",
		"\u300091350100M000100Y43\u3000",
		"\ufeff91350100M000100Y43",
	} {
		u, err := ParseUSCC(in)
		if err != nil || u.Code != "91350100M000100Y43" {
			t.Errorf("%q: %v %q", in, err, u.Code)
		}
	}
}

func TestParseUSCCRejects(t *testing.T) {
	cases := []struct{ in, code, reason string }{
		{"", ErrUSCCEmpty, "统一社会信用代码为空，请填写18位代码"},
		{"   ", ErrUSCCEmpty, "统一社会信用代码为空，请填写18位代码"},
		{"91350100M000100Y4", ErrUSCCLength, "统一社会信用代码应为18位，实际为17位，请核对后重新填写"},
		{"91350100M000100Y433", ErrUSCCLength, "统一社会信用代码应为18位，实际为19位，请核对后重新填写"},
		{"91350100M000100Y4Z", ErrUSCCCharset, "第18位字符“Z”不在统一社会信用代码字符集内（数字和除 I、O、Z、S、V 以外的大写英文字母），请核对"},
		{"91350100MO00100Y43", ErrUSCCCharset, "第10位字符“O”不在统一社会信用代码字符集内（数字和除 I、O、Z、S、V 以外的大写英文字母），请核对"},
		{"9135010 M000100Y43", ErrUSCCCharset, "第8位字符空格不在统一社会信用代码字符集内（数字和除 I、O、Z、S、V 以外的大写英文字母），请核对"},
		{"91350100-M000100Y4", ErrUSCCCharset, "第9位字符连字符“-”不在统一社会信用代码字符集内（数字和除 I、O、Z、S、V 以外的大写英文字母），请核对"},
		{"91350100M000100Y4。", ErrUSCCCharset, "第18位字符“。”不是数字或大写字母，统一社会信用代码只由数字和大写英文字母（不含 I、O、Z、S、V）组成"},
		{"B1350100M000100Y43", ErrUSCCAuthority, "第1位登记管理部门码“B”不存在（应为1–9、A、N、Y），请核对"},
		{"9135A100M000100Y43", ErrUSCCRegion, "第3–8位应为登记管理机关行政区划码（6位数字），第5位是“A”，请核对"},
		{"91350100M000100YA3", ErrUSCCCheck17, "第17位是组织机构代码校验码，只能是数字或 X，实际为“A”，请核对"},
		{"91350100M000100Y53", ErrUSCCCheck17, "第17位组织机构代码校验码应为“4”，实际为“5”，代码有误，请核对"},
		{"91350100M000100Y44", ErrUSCCCheck18, "第18位校验码应为“3”，实际为“4”，代码有误，请核对"},
		// public mock data that is wrong (reference/credit.md §1.6 warning)
		{"91110108717809965C", ErrUSCCCheck17, "第17位组织机构代码校验码应为“6”，实际为“5”，代码有误，请核对"},
		// the placeholder with a wrong last char is not the placeholder
		{"9.14403001922038E+17", ErrUSCCCharset, "代码“9.14403001922038E+17”被 Excel 存成了数字（科学计数法），已丢失位数，请把该列设为“文本”格式后重新录入代码"},
		{"000000000000000000", ErrUSCCAuthority, "第1位登记管理部门码“0”不存在（应为1–9、A、N、Y），请核对"},
	}
	for _, tc := range cases {
		_, err := ParseUSCC(tc.in)
		var ce *CodeError
		if !errors.As(err, &ce) {
			t.Errorf("%q: err %v", tc.in, err)
			continue
		}
		if ce.Code != tc.code || ce.Reason != tc.reason {
			t.Errorf("%q:\n got %s %s\nwant %s %s", tc.in, ce.Code, ce.Reason, tc.code, tc.reason)
		}
	}
}

func TestParseUSCCExceptions(t *testing.T) {
	// Early 福建 pilot codes: 18th char fails, 17th passes, kept as flagged.
	for code, want18 := range map[string]string{
		"91350100M0001TGQXM": "1", // 福建恒跃柳工机械销售有限公司 (id-rule README)
		"91350211M0000XUF46": "R", // 厦门云上晴空航空科技有限公司
		"91350203M0001FUE2P": "J", // 厦门黑脉网络科技有限公司
		"91350203M0001QAY9B": "9", // whitelisted by a public JS validator
		"91350211M00013FA1N": "3", // hutool test, early pilot
	} {
		u, err := ParseUSCC(code)
		if err != nil || u.Flags != FlagPilot || u.Code != code {
			t.Errorf("%s: %+v %v", code, u, err)
		}
		if c, _ := USCCCheckChar(code[:17]); string(c) != want18 {
			t.Errorf("%s: computed %c, credit.md says %s", code, c, want18)
		}
		if len(u.Notes()) != 1 || u.Notes()[0] != "福建早期试点代码：第18位不符合校验规则，但为合法赋码，予以保留" {
			t.Errorf("%s notes %v", code, u.Notes())
		}
	}
	// A similar code that is not on the list is rejected.
	if _, err := ParseUSCC("91350100M0001TGQX1"); err != nil {
		t.Errorf("the correct check char must pass: %v", err)
	}
	if _, err := ParseUSCC("91350100M0001TGQXA"); err == nil || err.Error() != "第18位校验码应为“1”，实际为“A”，代码有误，请核对" {
		t.Errorf("non-listed pilot-like code: %v", err)
	}
	// 个体工商户 placeholder (also lower case x, full width).
	for _, in := range []string{"00000000000000000X", "00000000000000000x", "00000000000000000Ｘ"} {
		u, err := ParseUSCC(in)
		if err != nil || !u.NoCode() || u.Code != NoCodePlaceholder {
			t.Errorf("%q: %+v %v", in, u, err)
		}
	}
}

func TestUSCCDecoding(t *testing.T) {
	cases := []struct {
		code, auth, kind, region, regionName string
	}{
		{"91512081MA62K0260E", "工商（市场监管）", "企业", "512081", ""}, // 简阳 old code: not in today's table
		{"91350100M000100Y43", "工商（市场监管）", "企业", "350100", ""},
	}
	for _, tc := range cases {
		u, err := ParseUSCC(tc.code)
		if err != nil {
			t.Fatal(err)
		}
		if u.AuthorityName != tc.auth || u.KindName != tc.kind || u.IssueRegion != tc.region || u.IssueRegionName() != tc.regionName {
			t.Errorf("%s: %+v name %q", tc.code, u, u.IssueRegionName())
		}
	}
	// Build codes for other authorities/kinds and check decoding.
	mk := func(prefix8, body8 string) string {
		c17, _ := OrgCodeCheckChar(body8)
		first := prefix8 + body8 + string(c17)
		c18, _ := USCCCheckChar(first)
		return first + string(c18)
	}
	for _, tc := range []struct{ prefix, auth, kind, regionName string }{
		{"52510100", "民政", "民办非企业单位", "成都市"},
		{"12510185", "机构编制", "事业单位", "成都市简阳市"},
		{"93510600", "工商（市场监管）", "农民专业合作社", "德阳市"},
		{"92511402", "工商（市场监管）", "个体工商户", "眉山市东坡区"},
		{"N2512002", "农业", "村级集体经济组织", "资阳市雁江区"},
		{"Y1510000", "其他", "其他", "四川省"},
	} {
		code := mk(tc.prefix, "MA6CXY0K")
		u, err := ParseUSCC(code)
		if err != nil || u.AuthorityName != tc.auth || u.KindName != tc.kind || u.IssueRegionName() != tc.regionName || u.Flags != 0 {
			t.Errorf("%s: %+v %q %v", code, u, u.IssueRegionName(), err)
		}
	}
	u, err := ParseUSCC(mk("97510100", "MA6CXY0K"))
	if err != nil || u.Flags != FlagUnknownKind || u.KindName != "" {
		t.Errorf("unknown kind: %+v %v", u, err)
	}
}

// FuzzParseUSCC: never panics; an accepted code is 18 ASCII characters and
// reparses to itself; unflagged codes pass both checks.
func FuzzParseUSCC(f *testing.F) {
	for _, tc := range validCodes {
		f.Add(tc.code)
	}
	for _, s := range []string{"", "00000000000000000X", "91350100M0001TGQXM", "９１３５０１００Ｍ０００１００Ｙ４３", "91350100m000100y43", "9135010OM000100Y43", "\xff\xfe", "91350100M000100Y4。"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUSCC(s)
		if err != nil {
			var ce *CodeError
			if !errors.As(err, &ce) || ce.Reason == "" || ce.Code == "" {
				t.Fatalf("%q: bad error %v", s, err)
			}
			return
		}
		if len(u.Code) != 18 {
			t.Fatalf("%q: code %q", s, u.Code)
		}
		v, err := ParseUSCC(u.Code)
		if err != nil || v != u {
			t.Fatalf("%q: reparse %+v %v", s, v, err)
		}
		if u.Flags&(FlagPilot|FlagNoCode) == 0 {
			c18, _ := USCCCheckChar(u.Code[:17])
			c17, _ := OrgCodeCheckChar(u.Code[8:16])
			if c18 != u.Code[17] || c17 != u.Code[16] {
				t.Fatalf("%q accepted with wrong check chars", s)
			}
		}
	})
}
