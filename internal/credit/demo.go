package credit

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// DemoSizes are the numbers of generated subjects (Enterprises of them 企业,
// the rest mostly 个体工商户), records and blacklist entries.
type DemoSizes struct{ Subjects, Enterprises, Records, Blacklist int }

// DemoSizesFor gives the sizes of a scale: Small for a newcomer; Bulletin is
// the 2022 work bulletin of the four cities' credit library: 1.38 million
// market-subject records, of them 240,000 enterprise legal persons, 1,900
// administrative-management records, 65 blacklist entries.
func DemoSizesFor(scale platform.Scale) DemoSizes {
	if scale == platform.Bulletin {
		return DemoSizes{Subjects: 1380000, Enterprises: 240000, Records: 1900, Blacklist: 65}
	}
	return DemoSizes{Subjects: 3000, Enterprises: 2400, Records: 500, Blacklist: 20}
}

// MakeUSCC builds a valid 统一社会信用代码 from the 登记管理部门码 and 机构类别码
// (prefix, e.g. "91"), the issuing region and an 8-character organisation-code
// body, computing both check characters.
func MakeUSCC(prefix, issueRegion, body8 string) string {
	c17, _ := OrgCodeCheckChar(body8)
	first := prefix + issueRegion + body8 + string(c17)
	c18, _ := USCCCheckChar(first)
	return first + string(c18)
}

// makeResidentID builds a valid 18-digit 居民身份证号码 (GB 11643).
func makeResidentID(county string, birth time.Time, seq int) string {
	s := county + birth.Format("20060102") + fmt.Sprintf("%03d", seq%1000)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * weights[i]
	}
	return s + string("10X98765432"[sum%11])
}

var (
	demoSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林")
	demoGiven    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红")
	// 字号 are drawn as two characters of this set (about 14,000 pairs), so names
	// repeat about as rarely as they do in a real register
	demoTradeChars = []rune("蜀锦天府川宏鑫博瑞盛恒德诚信达安康华泰龙凤岷沱青城峨眉金银丰源兴隆昌裕鼎新嘉祥和顺福乐佳美宇航星辰云海峰林森茂春秋正弘远志明亮光辉建通宝利益众合力创立创亿万千百方圆平广汇聚丽雅思齐文锐捷睿智精诚卓越旭升腾飞逸凯旋禾苗田园谷粮")
	demoShops      = []struct{ word, industry string }{
		{"小吃", "H 住宿和餐饮业"}, {"火锅", "H 住宿和餐饮业"}, {"便利", "F 批发和零售业"}, {"五金", "F 批发和零售业"}, {"理发", "O 居民服务、修理和其他服务业"},
		{"汽修", "O 居民服务、修理和其他服务业"}, {"茶", "F 批发和零售业"}, {"水果", "F 批发和零售业"}, {"服装", "F 批发和零售业"}, {"建材", "F 批发和零售业"},
	}
	demoTrades = []struct{ word, industry string }{
		{"食品", "C 制造业"}, {"建筑工程", "E 建筑业"}, {"商贸", "F 批发和零售业"}, {"物流", "G 交通运输、仓储和邮政业"},
		{"餐饮管理", "H 住宿和餐饮业"}, {"信息技术", "I 信息传输、软件和信息技术服务业"}, {"农业科技", "A 农、林、牧、渔业"}, {"医药", "F 批发和零售业"},
	}
	demoViolations = []struct{ kind, basis, facts string }{
		{"生产经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项", "经营超过保质期的预包装食品"},
		{"未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条第一款", "未取得食品经营许可从事食品销售"},
		{"违法排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条", "超过排放标准排放大气污染物"},
		{"未按规定进行安全生产教育和培训", "《中华人民共和国安全生产法》第九十七条", "未对从业人员进行安全生产教育和培训"},
		{"虚假广告", "《中华人民共和国广告法》第五十五条", "发布虚假广告，欺骗、误导消费者"},
	}
	demoDepartments = []string{"市场监督管理局", "生态环境局", "应急管理局", "住房和城乡建设局", "交通运输局", "税务局", "人力资源和社会保障局", "农业农村局"}
)

func demoPerson(rng *rand.Rand) string {
	n := string(demoSurnames[rng.IntN(len(demoSurnames))]) + string(demoGiven[rng.IntN(len(demoGiven))])
	if rng.IntN(2) == 0 {
		n += string(demoGiven[rng.IntN(len(demoGiven))])
	}
	return n
}

func countiesOf(city string) []string {
	var out []string
	for _, r := range region.Children(city) {
		if r.Level == region.County {
			out = append(out, r.Code)
		}
	}
	if len(out) == 0 {
		out = []string{city}
	}
	return out
}

// Demo generates subjects, records and blacklist entries of the four cities,
// deterministically for a seed; records are spread over the six months before
// today so the bulletin has data. Everything is upserted by natural key, so a
// second run with the same seed on the same day changes nothing.
func (m *Module) Demo(ctx context.Context, d *platform.Deps, scale platform.Scale, seed int64, out io.Writer) error {
	sz := DemoSizesFor(scale)
	start := time.Now()
	n, err := GenerateDemo(ctx, d.DB, sz, seed, m.today())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "信用：市场主体 %d（其中企业 %d）、行政管理信息 %d、严重失信主体名单 %d，用时 %.1f 秒\n", n.Subjects, n.Enterprises, n.Records, n.Blacklist, time.Since(start).Seconds())
	return nil
}

// GenerateDemo writes demo data of the given sizes, anchored on today, in
// chunked transactions, and returns what it wrote.
func GenerateDemo(ctx context.Context, db *store.DB, sz DemoSizes, seed int64, today time.Time) (DemoSizes, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x63726564))
	cities := region.Cities()
	// 成都 holds most subjects, as in life
	cityWeights := []int{70, 12, 9, 9}
	pickCity := func() string {
		x := rng.IntN(100)
		for i, w := range cityWeights {
			if x < w || i == len(cities)-1 {
				return cities[min(i, len(cities)-1)].Code
			}
			x -= w
		}
		return cities[0].Code
	}
	counties := map[string][]string{}
	for _, c := range cities {
		counties[c.Code] = countiesOf(c.Code)
	}
	type ref struct{ uscc, name, legalRep, city string }
	subjects := make([]ref, 0, sz.Subjects)
	const chunk = 5000
	batch := make([]Subject, 0, chunk)
	// at the bulletin's scale the subjects are stored as a bulk import (one
	// transaction, indexes built at the end); a small demo commits each chunk
	var bulkTx *store.Tx
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var err error
		if bulkTx != nil {
			err = upsertSubjects(ctx, bulkTx, batch, nil, 0, time.Now())
		} else {
			err = db.InTx(ctx, func(tx *store.Tx) error {
				if err := bulkCache(ctx, tx); err != nil {
					return err
				}
				return upsertSubjects(ctx, tx, batch, nil, 0, time.Now())
			})
		}
		batch = batch[:0]
		return err
	}
	base := rng.IntN(10000000)
	enterprises := 0
	pick := func(xs []rune) string { return string(xs[rng.IntN(len(xs))]) }
	writeSubjects := func() error {
		for i := 0; i < sz.Subjects; i++ {
			city := pickCity()
			county := counties[city][rng.IntN(len(counties[city]))]
			cityShort, countyName := strings.TrimSuffix(region.Name(city), "市"), region.Name(county)
			zihao := pick(demoTradeChars) + pick(demoTradeChars)
			// exactly sz.Enterprises enterprises, spread evenly over the run
			typ := SubjectIndividual
			if (i+1)*sz.Enterprises/sz.Subjects > i*sz.Enterprises/sz.Subjects {
				typ = SubjectEnterprise
			} else if x := rng.IntN(100); x >= 96 {
				typ = SubjectCooperative
			} else if x >= 94 {
				typ = SubjectSocialOrg
			}
			body := fmt.Sprintf("%08d", (base+i*7)%100000000)
			var name, industry, prefix, regNo string
			switch typ {
			case SubjectEnterprise:
				tr := demoTrades[rng.IntN(len(demoTrades))]
				name, industry, prefix = cityShort+zihao+tr.word+[]string{"有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"}[rng.IntN(5)], tr.industry, "91"
			case SubjectIndividual:
				sh := demoShops[rng.IntN(len(demoShops))]
				owner := zihao
				if rng.IntN(2) == 0 {
					owner = string(demoSurnames[rng.IntN(len(demoSurnames))]) + "记"
				}
				name, industry, prefix = countyName+owner+sh.word+[]string{"店", "馆", "经营部"}[rng.IntN(3)], sh.industry, "92"
				// at the bulletin's scale, one in 200 was registered before codes were
				// given: the placeholder and the 工商注册号 (the small set keeps codes only)
				if rng.IntN(200) == 0 && sz.Subjects >= 100000 {
					regNo = county + fmt.Sprintf("6%08d", (base+i*7)%100000000)
				}
			case SubjectCooperative:
				name, industry, prefix = countyName+zihao+[]string{"种植", "养殖", "果蔬", "茶叶"}[rng.IntN(4)]+"专业合作社", "A 农、林、牧、渔业", "93"
			default:
				name, industry, prefix = cityShort+"市"+zihao+[]string{"餐饮行业协会", "个体劳动者协会", "商会", "志愿服务协会"}[rng.IntN(4)], "S 公共管理、社会保障和社会组织", "51"
			}
			code := MakeUSCC(prefix, county, body)
			if regNo != "" {
				code = NoCodePlaceholder
			}
			s := Subject{USCC: code, RegNo: regNo, Name: name, Type: typ, LegalRep: demoPerson(rng), Address: region.FullName(county) + strconv.Itoa(1+rng.IntN(999)) + "号",
				CityCode: city, CountyCode: county, Status: StatusActive, Industry: industry,
				EstablishedOn: today.AddDate(-1-rng.IntN(20), -rng.IntN(12), -rng.IntN(28))}
			if rng.IntN(50) == 0 {
				s.Status = StatusDeregistered
			}
			if es := ValidateSubject(&s); len(es) > 0 {
				return fmt.Errorf("demo subject %s: %v", code, es)
			}
			if typ == SubjectEnterprise {
				enterprises++
			}
			if regNo == "" { // records and blacklist entries name subjects with a code
				subjects = append(subjects, ref{s.USCC, s.Name, s.LegalRep, city})
			}
			batch = append(batch, s)
			if len(batch) == chunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	}
	var err error
	if int64(sz.Subjects) >= bulkMinRows && db.D() == store.SQLite {
		err = db.InTx(ctx, func(tx *store.Tx) error {
			b, err := beginBulk(ctx, tx)
			if err != nil {
				return err
			}
			bulkTx = tx
			defer func() { bulkTx = nil }()
			if err := writeSubjects(); err != nil {
				return err
			}
			return b.finish(ctx, tx)
		})
	} else {
		err = writeSubjects()
		if err == nil && sz.Subjects >= optimizeSearchThreshold {
			err = optimizeSearchIndex(ctx, db)
		}
	}
	if err != nil {
		return DemoSizes{}, err
	}
	if len(subjects) == 0 {
		return DemoSizes{}, nil
	}
	// departments: a unit code per city and department
	unitID := func(city string, dept int) string {
		return MakeUSCC("11", city, fmt.Sprintf("%08d", 70000000+dept*100+len(city)))
	}
	types := DefaultBulletinConfig().Types
	cal := DefaultCalendar()
	recs := 0
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < sz.Records; i++ {
			s := subjects[rng.IntN(len(subjects))]
			// most records come from the subject's own city, some from the others (shared data)
			city := s.city
			if rng.IntN(4) == 0 {
				city = cities[rng.IntN(len(cities))].Code
			}
			src := counties[city][rng.IntN(len(counties[city]))]
			t := types[rng.IntN(len(types))]
			if rng.IntN(3) == 0 {
				t = TypePenalty
			}
			dept := rng.IntN(len(demoDepartments))
			unit := region.Name(src) + demoDepartments[dept]
			decided := today.AddDate(0, 0, -rng.IntN(180))
			for !cal.IsWorkday(decided) {
				decided = decided.AddDate(0, 0, -1)
			}
			late := rng.IntN(12)
			submitted := cal.AddWorkdays(decided, late)
			if submitted.After(today) {
				submitted = today
			}
			r := Record{Type: t, PartyName: s.name, PartyCategory: PartyOrg, USCC: s.uscc, LegalRep: s.legalRep,
				DocName: string(t) + "决定书", DocNo: fmt.Sprintf("%s%s〔%d〕%d号", region.Name(src), t.Code(), decided.Year(), 10000+i),
				DecisionDate: decided, Authority: unit, AuthorityID: unitID(src, dept), SourceUnit: unit, SourceUnitID: unitID(src, dept), SourceRegion: src}
			if rng.IntN(20) == 0 {
				county := counties[city][rng.IntN(len(counties[city]))]
				r.PartyCategory, r.PartyName, r.USCC, r.LegalRep = PartyPerson, demoPerson(rng), "", ""
				r.IDType, r.IDNo = "身份证", makeResidentID(county, time.Date(1960+rng.IntN(40), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC), i)
			}
			switch t {
			case TypePenalty:
				v := demoViolations[rng.IntN(len(demoViolations))]
				r.Severity = []Severity{SeverityMinor, SeverityGeneral, SeverityGeneral, SeveritySerious}[rng.IntN(4)]
				r.Penalty = &PenaltyDetail{ViolationType: v.kind, Facts: v.facts, Basis: v.basis, Kinds: []string{"罚款"},
					FineFen: int64(1+rng.IntN(200)) * 100000, Content: "罚款", ValidUntil: decided.AddDate(1, 0, 0)}
				r.Penalty.Content = "罚款人民币" + FormatYuan(r.Penalty.FineFen) + "元"
				if rng.IntN(3) == 0 {
					r.Penalty.Kinds = []string{"警告", "罚款"}
				}
			case TypeLicence:
				r.Licence = &LicenceDetail{Category: "普通", CertName: "食品经营许可证", LicenceNo: fmt.Sprintf("JY%d%07d", decided.Year(), i), Content: "食品销售",
					ValidFrom: decided, ValidTo: decided.AddDate(5, 0, 0), State: "有效"}
			}
			if es := ValidateRecord(&r); len(es) > 0 {
				return fmt.Errorf("demo record %d: %v", i, es)
			}
			if err := upsertRecords(ctx, tx, []Record{r}, nil, 0, submitted, time.Now()); err != nil {
				return err
			}
			recs++
		}
		return nil
	})
	if err != nil {
		return DemoSizes{}, err
	}
	lists := []struct{ name, basis, cond string }{
		{"市场监督管理严重违法失信名单", "《市场监督管理严重违法失信名单管理办法》第二条", "列入满三年且已履行义务的，可申请移出"},
		{"重大税收违法失信主体名单", "《重大税收违法失信主体信息公布管理办法》第六条", "公布期满或按规定提前停止公布"},
		{"安全生产严重失信主体名单", "《安全生产严重失信主体名单管理办法》第六条", "列入满一年且整改到位的，可申请移出"},
	}
	entries := make([]BlacklistEntry, 0, sz.Blacklist)
	for i := 0; i < sz.Blacklist; i++ {
		s := subjects[rng.IntN(len(subjects))]
		l := lists[rng.IntN(len(lists))]
		listed := today.AddDate(0, -rng.IntN(30), -rng.IntN(28))
		e := BlacklistEntry{ListType: l.name, SubjectName: s.name, USCC: s.uscc, Reason: "严重违法失信行为", LegalBasis: l.basis,
			DecidingUnit: region.Name(s.city) + "市场监督管理局", DecidingUnitID: unitID(s.city, 0), DocNo: fmt.Sprintf("%s严失〔%d〕%d号", region.Name(s.city), listed.Year(), 100+i),
			ListedOn: listed, PlannedRemovalOn: listed.AddDate(3, 0, 0), RemovalConditions: l.cond, SourceRegion: s.city}
		if i%10 == 9 {
			e.RemovedOn, e.RemovalReason = listed.AddDate(1, 0, 0), "信用修复"
			if e.RemovedOn.After(today) {
				e.RemovedOn, e.RemovalReason = time.Time{}, ""
			}
		}
		if es := ValidateBlacklist(&e); len(es) > 0 {
			return DemoSizes{}, fmt.Errorf("demo blacklist %d: %v", i, es)
		}
		entries = append(entries, e)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return upsertBlacklist(ctx, tx, entries, nil, 0, time.Now()) }); err != nil {
		return DemoSizes{}, err
	}
	return DemoSizes{Subjects: sz.Subjects, Enterprises: enterprises, Records: recs, Blacklist: len(entries)}, nil
}

// FormatYuan formats 分 as 元 with two decimals (no separators).
func FormatYuan(fen int64) string {
	return strconv.FormatInt(fen/100, 10) + "." + fmt.Sprintf("%02d", fen%100)
}
