package discretion

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed data/catalogue.json data/indicators.json
var dataFS embed.FS

// Catalogue is the 裁量基准 (discretion benchmark catalogue): every violation
// the engine knows, with its legal basis and fine rules.
type Catalogue struct {
	Version   string  `json:"version"`   // 基准版本号
	Published string  `json:"published"` // 发布日期 YYYY-MM-DD
	Source    string  `json:"source"`    // where the catalogue's facts come from
	Items     []*Item `json:"items"`

	byID map[string]*Item
}

// Item is one 事项 (a kind of violation) of the catalogue.
type Item struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`     // 事项名称
	Domain   string   `json:"domain"`   // 领域: 食品, 产品质量, 广告 …
	Kind     string   `json:"kind"`     // 同类违法行为类别, used for 首违/再犯 look-ups
	Keywords []string `json:"keywords"` // 关键词 for 法条智能引用
	// LifeHealthSafety marks violations that concern 公民生命健康安全 or 金融安全;
	// with harm, the limitation of 第三十六条 is five years instead of two.
	LifeHealthSafety bool `json:"life_health_safety"`
	// FactorSet names the 个案 factor set of data/indicators.json to use.
	FactorSet string `json:"factor_set"`
	// Versions of the law, oldest first; the engine chooses by 从旧兼从轻.
	Versions []*Version `json:"versions"`
	// PendingRevision, when set, says that the law was revised on that date and
	// the catalogue does not hold the new text yet; the engine warns.
	PendingRevision *Pending `json:"pending_revision,omitempty"`
	// Source says where the text comes from and what is verified ("unverified: …").
	Source string `json:"source"`
}

// Pending is a known revision whose text is not in the catalogue.
type Pending struct {
	Effective string `json:"effective"`
	Note      string `json:"note"`
	effective time.Time
}

// Version is the rule of an item under one version of the law.
type Version struct {
	Effective  string    `json:"effective"`   // 施行日期 of this version, YYYY-MM-DD
	LawVersion string    `json:"law_version"` // e.g. "2021年4月29日修正"
	Violated   Provision `json:"violated"`    // 违反条款
	Penalty    Provision `json:"penalty"`     // 处罚依据
	Kinds      []Kind    `json:"kinds"`       // 处罚种类 besides the fine
	Fine       *FineRule `json:"fine"`        // 罚款; nil when the clause has no fine
	Serious    *Serious  `json:"serious,omitempty"`
	NotOffence bool      `json:"not_offence,omitempty"` // 不认为是违法 under this version
	effective  time.Time
}

// Provision is one article (条) or paragraph (款/项) of a law with its text.
type Provision struct {
	Law       string `json:"law"`       // 法律名称
	Article   string `json:"article"`   // 条, e.g. "第一百二十四条"
	Paragraph string `json:"paragraph"` // 款/项, e.g. "第一款第（五）项"
	Text      string `json:"text"`      // 条文
}

// Cite renders the provision as 《法》第…条第…款.
func (p Provision) Cite() string {
	if p.Law == "" {
		return ""
	}
	return "《" + p.Law + "》" + p.Article + p.Paragraph
}

// Kind is a penalty kind (处罚种类) other than the fine.
type Kind struct {
	Kind      string `json:"kind"`      // 警告, 没收违法所得, 没收非法财物, 责令停产停业, 吊销许可证件 …
	Mandatory bool   `json:"mandatory"` // true: 并处/应当; false: 可以
	Object    string `json:"object"`    // what is confiscated or revoked
	// Base, for 没收违法所得, names the amount confiscated (illegal_gains, ad_fee).
	Base string `json:"base,omitempty"`
	// OnPrerequisite: the clause gives this kind only together with the fine's
	// prerequisite (食品安全法第一百三十二条 拒不改正的，责令停产停业; 特种设备安全法
	// 第八十六条 逾期未改正的，责令停止使用或者停产停业整顿).
	OnPrerequisite bool `json:"on_prerequisite,omitempty"`
}

// Serious is the 情节严重 rule of a clause.
type Serious struct {
	Text  string    `json:"text"`  // the clause's words
	Basis string    `json:"basis"` // what defines 情节严重 (e.g. 食品安全法实施条例 第六十七条)
	Fine  *FineRule `json:"fine,omitempty"`
	Kinds []Kind    `json:"kinds,omitempty"`
	// Aggravate: a serious case counts as an 应当从重 circumstance (实施条例第六十七条).
	Aggravate bool `json:"aggravate,omitempty"`
	// When defines 情节严重 by facts the engine has (实施条例第六十七条: 属于……情节严重
	// 情形); a case that meets it but is not marked serious gets a warning saying so.
	When *SeriousWhen `json:"when,omitempty"`
}

// SeriousWhen is a rule's definition of 情节严重 by amounts and duration, e.g. 食品安全法实施条例
// 第六十七条第一款第（一）项: 违法行为涉及的产品货值金额2万元以上或者违法行为持续时间3个月以上.
type SeriousWhen struct {
	GoodsValueGTE     int64  `json:"goods_value_gte,omitempty"`     // 货值金额 … 以上 (分, includes the number)
	DurationMonthsGTE int    `json:"duration_months_gte,omitempty"` // 持续时间 … 个月以上
	Since             string `json:"since"`                         // the defining rule's effective date
	Basis             string `json:"basis"`
	since             time.Time
}

// Base kinds (计罚基数).
const (
	BaseGoodsValue      = "goods_value"      // 货值金额
	BaseIllegalGains    = "illegal_gains"    // 违法所得
	BaseAdFee           = "ad_fee"           // 广告费用
	BaseIllegalTurnover = "illegal_turnover" // 违法经营额
)

var baseNames = map[string]string{
	BaseGoodsValue:      "货值金额",
	BaseIllegalGains:    "违法所得",
	BaseAdFee:           "广告费用",
	BaseIllegalTurnover: "违法经营额",
}

// BaseName is the Chinese name of a base kind.
func BaseName(base string) string {
	if n, ok := baseNames[base]; ok {
		return n
	}
	return base
}

// FineRule is the fine (罚款) of a clause in any of the statutory shapes.
//
// Branch choice: when the base amount cannot be determined (违法所得无法确定,
// 广告费用无法计算或者明显偏低) Unknown applies; when it is zero (没有违法所得)
// Zero applies; otherwise the first Branch whose condition holds.
type FineRule struct {
	Base     string `json:"base,omitempty"` // base kind when a branch depends on it
	Optional bool   `json:"optional"`       // 可以并处/可以处 (true) versus 并处/处 (false)
	// Prerequisite, e.g. "拒不改正", "逾期未改正", "情节严重": the fine applies only
	// when Input.PrerequisiteMet is true; otherwise the clause gives no fine.
	Prerequisite string    `json:"prerequisite,omitempty"`
	Branches     []*Branch `json:"branches"`
	Unknown      *Branch   `json:"unknown,omitempty"` // base cannot be determined
	Zero         []*Branch `json:"zero,omitempty"`    // base is zero / none: first arm that holds
	// UnknownAsZero: an undeterminable base is treated as none (价格违法行为行政处罚规定 第十八条).
	UnknownAsZero bool `json:"unknown_as_zero,omitempty"`
}

// Branch is one arm of a fine rule: a condition and a range.
//
// Condition: Op compares the base amount with Threshold (分): "lt" 不足/低于
// (excludes the number), "gte" 以上 (includes), "lte" 以下 (includes), "gt"
// 超过 (excludes); "" always holds. Party, when set, restricts the arm to
// "natural" (自然人/个人) or "org" (法人或者其他组织).
//
// Range: either a fixed range Min..Max in 分 (Min 0 = cap only, "…以下"), or,
// when Multiple is true, MinX..MaxX per-mille of the base (10倍 = 10000,
// 百分之五十 = 500, 等值 = 1000).
type Branch struct {
	Op        string `json:"op,omitempty"`
	Threshold int64  `json:"threshold,omitempty"`
	Party     string `json:"party,omitempty"`
	Multiple  bool   `json:"multiple,omitempty"`
	Min       int64  `json:"min,omitempty"`
	Max       int64  `json:"max,omitempty"`
	MinX      int64  `json:"min_x,omitempty"`
	MaxX      int64  `json:"max_x,omitempty"`
	// Optional: this arm alone says 可以处 (e.g. 价格违法行为行政处罚规定第十一条第一款,
	// 个人没有违法所得的，可以处10万元以下的罚款) while the clause says 处/并处.
	Optional bool   `json:"optional,omitempty"`
	Text     string `json:"text"` // the clause's words for this arm
}

func (b *Branch) holds(base int64, natural bool) bool {
	if b.Party == "natural" && !natural || b.Party == "org" && natural {
		return false
	}
	switch b.Op {
	case "":
		return true
	case "lt":
		return base < b.Threshold
	case "lte":
		return base <= b.Threshold
	case "gt":
		return base > b.Threshold
	case "gte":
		return base >= b.Threshold
	}
	return false
}

// condText renders the branch condition in Chinese.
func (b *Branch) condText(base string) string {
	var s string
	t := Yuan(b.Threshold)
	switch b.Op {
	case "lt":
		s = BaseName(base) + "不足" + t + "（不含本数）"
	case "lte":
		s = BaseName(base) + t + "以下（含本数）"
	case "gt":
		s = BaseName(base) + "超过" + t + "（不含本数）"
	case "gte":
		s = BaseName(base) + t + "以上（含本数）"
	}
	switch b.Party {
	case "natural":
		s += "（当事人为个人）"
	case "org":
		s += "（当事人为单位）"
	}
	return s
}

// needsBase reports whether choosing or applying the rule needs the base amount.
func (f *FineRule) needsBase() bool {
	for _, b := range f.Branches {
		if b.Multiple || b.Op != "" {
			return true
		}
	}
	return false
}

var (
	loadOnce  sync.Once
	loadedCat *Catalogue
	loadedInd *Indicators
	loadErr   error
)

func load() {
	cat, err := ParseCatalogue(mustRead("data/catalogue.json"))
	if err != nil {
		loadErr = err
		return
	}
	ind, err := ParseIndicators(mustRead("data/indicators.json"))
	if err != nil {
		loadErr = err
		return
	}
	if err := ind.checkAgainst(cat); err != nil {
		loadErr = err
		return
	}
	loadedCat, loadedInd = cat, ind
}

func mustRead(name string) []byte {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time; cannot happen
	}
	return b
}

// Default returns the embedded catalogue and indicator systems. It fails only
// if the embedded data is inconsistent, which the package tests rule out.
func Default() (*Catalogue, *Indicators, error) {
	loadOnce.Do(load)
	return loadedCat, loadedInd, loadErr
}

// ParseCatalogue decodes and validates a catalogue (e.g. an edited copy).
func ParseCatalogue(b []byte) (*Catalogue, error) {
	var c Catalogue
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("裁量基准数据格式错误：%w", err)
	}
	c.byID = make(map[string]*Item, len(c.Items))
	for _, it := range c.Items {
		if it.ID == "" || it.Name == "" {
			return nil, fmt.Errorf("裁量基准事项缺少编号或名称：%+v", it)
		}
		if _, dup := c.byID[it.ID]; dup {
			return nil, fmt.Errorf("裁量基准事项编号重复：%s", it.ID)
		}
		c.byID[it.ID] = it
		if it.Source == "" {
			return nil, fmt.Errorf("事项 %s 未注明条文来源（source）", it.ID)
		}
		if p := it.PendingRevision; p != nil {
			t, err := time.Parse("2006-01-02", p.Effective)
			if err != nil {
				return nil, fmt.Errorf("事项 %s 待收录修订的施行日期格式错误：%q", it.ID, p.Effective)
			}
			p.effective = t
		}
		if len(it.Versions) == 0 {
			return nil, fmt.Errorf("事项 %s 没有任何法律版本", it.ID)
		}
		for i, v := range it.Versions {
			t, err := time.Parse("2006-01-02", v.Effective)
			if err != nil {
				return nil, fmt.Errorf("事项 %s 版本施行日期格式错误：%q", it.ID, v.Effective)
			}
			v.effective = t
			if v.Serious != nil && v.Serious.When != nil {
				w := v.Serious.When
				if w.since, err = time.Parse("2006-01-02", w.Since); err != nil || w.Basis == "" {
					return nil, fmt.Errorf("事项 %s（%s 版）情节严重的认定规则须有施行日期（since）和依据（basis）", it.ID, v.Effective)
				}
			}
			if i > 0 && !t.After(it.Versions[i-1].effective) {
				return nil, fmt.Errorf("事项 %s 的版本须按施行日期先后排列", it.ID)
			}
			if v.Penalty.Law == "" || v.Penalty.Article == "" || v.Penalty.Text == "" {
				return nil, fmt.Errorf("事项 %s 缺少处罚依据条文", it.ID)
			}
			for _, k := range v.Kinds {
				if k.OnPrerequisite && (v.Fine == nil || v.Fine.Prerequisite == "") {
					return nil, fmt.Errorf("事项 %s（%s 版）处罚种类「%s」以罚款前提为条件，但罚款规则没有前提（prerequisite）", it.ID, v.Effective, k.Kind)
				}
			}
			for _, f := range []*FineRule{v.Fine, seriousFine(v)} {
				if err := f.validate(); err != nil {
					return nil, fmt.Errorf("事项 %s（%s 版）罚款规则错误：%w", it.ID, v.Effective, err)
				}
			}
		}
	}
	sort.SliceStable(c.Items, func(i, j int) bool { return c.Items[i].ID < c.Items[j].ID })
	return &c, nil
}

func seriousFine(v *Version) *FineRule {
	if v.Serious == nil {
		return nil
	}
	return v.Serious.Fine
}

func (f *FineRule) validate() error {
	if f == nil {
		return nil
	}
	if len(f.Branches) == 0 {
		return fmt.Errorf("没有罚款幅度")
	}
	all := append([]*Branch{}, f.Branches...)
	if f.Unknown != nil {
		all = append(all, f.Unknown)
	}
	all = append(all, f.Zero...)
	for _, b := range all {
		if b.Multiple {
			if b.MinX < 0 || b.MaxX <= 0 || b.MinX > b.MaxX {
				return fmt.Errorf("倍数幅度不合理：%d‰–%d‰", b.MinX, b.MaxX)
			}
		} else if b.Min < 0 || b.Max <= 0 || b.Min > b.Max {
			return fmt.Errorf("罚款幅度不合理：%d–%d分", b.Min, b.Max)
		}
		switch b.Op {
		case "", "lt", "lte", "gt", "gte":
		default:
			return fmt.Errorf("未知的比较方式 %q", b.Op)
		}
		if (b.Multiple || b.Op != "") && f.Base == "" {
			return fmt.Errorf("倍数或分档罚款须注明计罚基数（base）")
		}
		if b.Text == "" {
			return fmt.Errorf("罚款幅度缺少条文原文（text）")
		}
	}
	return nil
}

// Item returns the catalogue item with the given id.
func (c *Catalogue) Item(id string) (*Item, bool) {
	it, ok := c.byID[id]
	return it, ok
}

// VersionAt returns the version in force on day d (nil if none yet).
func (it *Item) VersionAt(d time.Time) *Version {
	var v *Version
	for _, x := range it.Versions {
		if !x.effective.After(d) {
			v = x
		}
	}
	return v
}

// EffectiveDate is the version's 施行日期.
func (v *Version) EffectiveDate() time.Time { return v.effective }
