package discretion

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// DemoAnchor is the last decision date of generated cases: a fixed day, so that
// the same seed always gives the same database.
var DemoAnchor = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// demoSizes: decided cases, and open ones (pending, draft, returned).
func demoSizes(scale platform.Scale) (decided, pending, drafts, returned int) {
	if scale == platform.Bulletin {
		return 100_000, 300, 100, 60
	}
	return 2_000, 30, 10, 6
}

// city weights of generated cases (成都 is the largest market), and a per-city tilt of
// proposals away from the suggestion (in basis points of the legal range) so that the
// consistency view has differences to show.
var demoCities = []struct {
	Code, User string
	Weight     int
	Tilt       int64
}{{"510100", "cd", 52, 0}, {"510600", "dy", 17, 900}, {"511400", "ms", 16, -700}, {"512000", "zy", 15, 300}}

type demoActor struct {
	id             int64
	username, name string
}

// Demo generates cases deterministically from seed: decided cases spread over the four
// cities, their counties and every catalogue item (每个罚款都来自引擎的计算结果，所以都在法定幅度内),
// plus a few open cases for the review queue. It does nothing when demo cases exist.
func (m *Module) Demo(ctx context.Context, d *platform.Deps, scale platform.Scale, seed int64, out io.Writer) error {
	if m.d == nil {
		m.d = d
	}
	db := d.DB
	var have int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM discretion_cases WHERE demo = 1").Scan(&have); err != nil {
		return err
	}
	if have > 0 {
		fmt.Fprintf(out, "  智慧裁量：已有 %d 件演示案件，跳过\n", have)
		return nil
	}
	start := time.Now()
	nDecided, nPending, nDrafts, nReturned := demoSizes(scale)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6469736372)) // "discr"
	g := &demoGen{m: m, rng: rng}
	officers, reviewers := map[string]demoActor{}, map[string]demoActor{}
	for _, c := range demoCities {
		officers[c.Code] = m.demoActor(ctx, d.Auth, c.User+"-officer", region.Name(c.Code)+"市场监管 执法人员")
		reviewers[c.Code] = m.demoActor(ctx, d.Auth, c.User+"-reviewer", region.Name(c.Code)+"市场监管 法制审核员")
	}
	g.subjects = g.makeSubjects(max(nDecided/3, 50))
	g.subjectOf = make(map[string]demoSubject, len(g.subjects))
	for _, s := range g.subjects {
		g.subjectOf[s.id] = s
	}

	decided := make([]*Case, 0, nDecided)
	for len(decided) < nDecided {
		day := DemoAnchor.AddDate(0, 0, -rng.IntN(730))
		c, ok := g.makeCase(day, true)
		if !ok {
			continue
		}
		cc := g.cityOf()
		g.place(c, cc.Code)
		o, rv := officers[cc.Code], reviewers[cc.Code]
		c.OfficerID, c.OfficerName, c.ReviewerID, c.ReviewerName = o.id, o.name, rv.id, rv.name
		// written as 待审核, then decided below through the approval's own code
		c.Status, c.DecidedOn = StatusPending, day.Format(time.DateOnly)
		if !g.propose(c, cc.Tilt) {
			continue
		}
		decided = append(decided, c)
	}
	// stored in the order of their decision days (older cases have lower ids), the order in
	// which they are decided and numbered below
	sort.SliceStable(decided, func(i, j int) bool { return decided[i].DecidedOn < decided[j].DecidedOn })
	m.demoDepartures(decided)
	open := make([]*Case, 0, nPending+nDrafts+nReturned)
	for i := 0; len(open) < nPending+nDrafts+nReturned; i++ {
		day := DemoAnchor.AddDate(0, 0, -rng.IntN(20))
		c, ok := g.makeCase(day, false)
		if !ok {
			continue
		}
		cc := g.cityOf()
		g.place(c, cc.Code)
		o := officers[cc.Code]
		c.OfficerID, c.OfficerName = o.id, o.name
		switch n := len(open); {
		case n < nPending:
			c.Status = StatusPending
		case n < nPending+nDrafts:
			c.Status = StatusDraft
		default:
			c.Status = StatusReturned
			rv := reviewers[cc.Code]
			c.ReviewerID, c.ReviewerName = rv.id, rv.name
			c.ReviewComment = demoReturnReasons[rng.IntN(len(demoReturnReasons))]
		}
		if !g.propose(c, cc.Tilt) {
			continue
		}
		open = append(open, c)
	}
	// similar-case figures of open cases against the generated decided ones
	m.demoDeparturesOpen(open, decided)
	all := append(decided, open...)
	if err := insertDemo(ctx, db, all, len(decided), out); err != nil {
		return err
	}
	decideStart := time.Now()
	if err := m.demoDecide(ctx, db, decided, officers, reviewers, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "  智慧裁量：%d 件已决定案件（决定书文号按机关、年度编号，处罚已推送信用库）、%d 件待审核、%d 件草稿、%d 件退回（%.1f 秒，其中作出决定 %.1f 秒）\n",
		nDecided, nPending, nDrafts, nReturned, time.Since(start).Seconds(), time.Since(decideStart).Seconds())
	return nil
}

// demoDecide decides the generated cases (stored as 待审核, in the order of their decision
// days) one after another, each through decideIn — the code a reviewer's approval runs: the bureau's next
// 决定书文号 of the year, the transition with the reviewer's audit entry, and the 行政处罚
// record in the credit library in the same transaction. Many decisions share a transaction.
func (m *Module) demoDecide(ctx context.Context, db *store.DB, cases []*Case, officers, reviewers map[string]demoActor, out io.Writer) error {
	order := cases // in the order of their decision days (Demo sorted them)
	const perTx = 2000
	for start := 0; start < len(order); start += perTx {
		chunk := order[start:min(start+perTx, len(order))]
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := demoCache(ctx, tx, demoCacheKiB); err != nil {
				return err
			}
			defer demoCache(ctx, tx, 0)
			for _, c := range chunk {
				rv, of := reviewers[c.City], officers[c.City]
				day, _ := time.Parse(time.DateOnly, c.DecidedOn)
				// the 听证 and 集体讨论 steps the engine requires, recorded by the officer, and
				// the approval's own check that they are there
				octx := audit.WithActor(ctx, audit.Actor{UserID: of.id, Username: of.username})
				steps := demoSteps(c, of, day)
				for _, s := range steps {
					on, _ := time.Parse(time.DateOnly, s.OnDate)
					if err := m.storeStep(octx, tx, c, s, of.id, on.Add(2*time.Hour)); err != nil {
						return fmt.Errorf("演示案件 %d 的%s：%w", c.ID, s.KindName, err)
					}
				}
				if err := m.procedureGate(c, stepMap(steps), day); err != nil {
					return fmt.Errorf("演示案件 %d（%s）：%w", c.ID, c.ItemName, err)
				}
				actx := audit.WithActor(ctx, audit.Actor{UserID: rv.id, Username: rv.username})
				no, err := m.decideIn(actx, tx, c, decision{ReviewerID: rv.id, ReviewerName: rv.name, On: day,
					SimilarN: c.SimilarN, SimilarMedian: c.SimilarMedian, Departure: c.Departure,
					UpdatedAt: day.Add(2 * time.Hour)}) // 10:00 in Asia/Shanghai
				if err != nil {
					return fmt.Errorf("演示案件 %d（%s）：%w", c.ID, c.ItemName, err)
				}
				c.Status, c.DecisionNo = StatusDecided, no
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("演示案件作出决定失败：%w", err)
		}
		if len(order) > 20000 && (start/perTx)%10 == 9 {
			fmt.Fprintf(out, "  智慧裁量：已作出决定 %d / %d 件\n", start+len(chunk), len(order))
		}
	}
	return nil
}

// demoCacheKiB is the page cache of a connection writing or deciding generated cases on
// SQLite. With the default 2 MiB, a transaction of 2,000 decisions (each touching the
// case's status indexes, the audit log and the credit library at scattered places)
// spilled dirty pages to the WAL and read index pages back from the file again and again.
const demoCacheKiB = 131072

// demoCache sets the page cache of tx's connection to kib KiB on SQLite (0: SQLite's
// default again, so the pooled connection does not keep the large cache); PostgreSQL has
// no per-connection page cache to set.
func demoCache(ctx context.Context, tx *store.Tx, kib int) error {
	if tx.D() != store.SQLite {
		return nil
	}
	if kib == 0 {
		kib = 2000
	}
	_, err := tx.Exec(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", kib))
	return err
}

var demoReturnReasons = []string{
	"货值金额的计算依据不足，请补充进货单据后重新核算。",
	"未说明“积极配合调查”情节的证据，请补充询问笔录。",
	"拟处罚款偏离四市类案较多，请在拟处意见中说明理由。",
}

func (m *Module) demoActor(ctx context.Context, as *auth.Service, username, fallback string) demoActor {
	if as != nil {
		if u, err := as.GetByName(ctx, username); err == nil {
			return demoActor{u.ID, u.Username, u.DisplayName}
		}
	}
	return demoActor{0, username, fallback}
}

type demoSubject struct {
	id, name string
	party    PartyKind
	county   string // where it is registered
	legalRep string // 法定代表人 (organisations)
	address  string
}

type demoGen struct {
	m         *Module
	rng       *rand.Rand
	subjects  []demoSubject
	subjectOf map[string]demoSubject
}

// demoSteps are the procedural steps a generated decision needs (the engine's procedure):
// the notice of the right to a hearing six days before the decision and the party's
// waiver two days later (within the five working days, 行政处罚法 第六十四条), and the
// collective discussion the day before, agreeing (第五十七条第二款).
func demoSteps(c *Case, officer demoActor, day time.Time) []*ProcStep {
	p := c.Result.Procedure
	if c.Result.NoPenalty || c.Result.Barred {
		return nil
	}
	var out []*ProcStep
	add := func(kind string, on time.Time, detail, outcome string) {
		out = append(out, &ProcStep{CaseID: c.ID, Kind: kind, KindName: StepNames[kind], OnDate: on.Format(time.DateOnly),
			Detail: detail, Outcome: outcome, OfficerName: officer.name})
	}
	if p.HearingRight {
		add(StepNotice, day.AddDate(0, 0, -6), "直接送达行政处罚告知书（演示数据）", "")
		add(StepWaiver, day.AddDate(0, 0, -4), "当事人书面放弃听证（演示数据）", "")
	}
	if p.Collective {
		add(StepCollective, day.AddDate(0, 0, -1), "局长办公会集体讨论（演示数据）", OutcomeAgree)
	}
	return out
}

func (g *demoGen) cityOf() struct {
	Code, User string
	Weight     int
	Tilt       int64
} {
	n := g.rng.IntN(100)
	for _, c := range demoCities {
		if n < c.Weight {
			return c
		}
		n -= c.Weight
	}
	return demoCities[0]
}

func (g *demoGen) countyIn(city string) string {
	ch := region.Children(city)
	if len(ch) == 0 || g.rng.IntN(5) == 0 {
		return city // the city bureau itself
	}
	return ch[g.rng.IntN(len(ch))].Code
}

var (
	demoShops  = []string{"鲜果", "百味", "惠民", "金穗", "蓉城", "锦江", "天府", "旌城", "东坡", "雁江", "丰源", "嘉禾", "好邻居", "佳佳", "益康", "优品", "红星", "万家", "新概念", "四季"}
	demoKinds  = []string{"商贸有限公司", "食品有限公司", "超市", "便利店", "餐饮管理有限公司", "科技有限公司", "广告传媒有限公司", "电子商务有限公司", "药房", "加油站有限公司", "农贸市场管理有限公司", "电梯工程有限公司"}
	demoFamily = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"}
	demoGiven  = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕"}
)

const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// idCheck is the check character of an 18-digit 居民身份证号码 (GB 11643-1999).
func idCheck(first17 string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

func (g *demoGen) makeSubjects(n int) []demoSubject {
	out := make([]demoSubject, 0, n)
	seen := map[string]bool{}
	person := func() string {
		return demoFamily[g.rng.IntN(len(demoFamily))] + demoGiven[g.rng.IntN(len(demoGiven))]
	}
	for len(out) < n {
		c := demoCities[g.rng.IntN(len(demoCities))]
		county := g.countyIn(c.Code)
		address := "四川省" + region.FullName(county) + demoStreets[g.rng.IntN(len(demoStreets))] + strconv.Itoa(1+g.rng.IntN(300)) + "号"
		if g.rng.IntN(4) == 0 {
			b := []byte(county + fmt.Sprintf("%04d%02d%02d%03d", 1955+g.rng.IntN(50), 1+g.rng.IntN(12), 1+g.rng.IntN(28), g.rng.IntN(1000)))
			id := string(b) + string(idCheck(string(b)))
			if seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, demoSubject{id: id, name: person() + "（个体工商户）", party: Natural, county: county, address: address})
			continue
		}
		var body [8]byte
		for i := range body {
			body[i] = usccChars[g.rng.IntN(len(usccChars))]
		}
		id := credit.MakeUSCC("91", county, string(body[:]))
		if seen[id] {
			continue
		}
		seen[id] = true
		name := region.Name(c.Code) + demoShops[g.rng.IntN(len(demoShops))] + demoKinds[g.rng.IntN(len(demoKinds))]
		out = append(out, demoSubject{id: id, name: name, party: Organization, county: county, legalRep: person(), address: address})
	}
	return out
}

var demoStreets = []string{"人民南路", "蜀都大道", "长江路", "泰山南路", "东坡大道", "娇子大道", "建设路", "滨江路", "文化路", "迎宾大道"}

// place puts a generated case in a unit of city (the city bureau or a county bureau) and
// fills what the 决定书 and the 双公示 record need: the deciding bureau and its code, the
// subject's legal representative and address, the evidence and the 失信等级.
func (g *demoGen) place(c *Case, city string) {
	c.Region, c.City = g.countyIn(city), city
	b, _ := BureauOf(c.Region)
	c.Authority, c.AuthorityUSCC = b.Name, demoBureauUSCC(b)
	s := g.subjectOf[c.SubjectID]
	c.LegalRep, c.SubjectAddress = s.legalRep, s.address
	c.Evidence = demoEvidence[g.rng.IntN(len(demoEvidence))]
	switch c.Tier {
	case string(TierSevere):
		c.Severity = "严重"
	case string(TierLenient), string(TierReduce):
		c.Severity = "轻微"
	default:
		c.Severity = "一般"
	}
}

var demoEvidence = []string{
	"现场检查笔录、现场照片、询问笔录、进货单据（演示数据）",
	"抽样检验报告、询问笔录、销售记录（演示数据）",
	"广告发布截图、广告合同及费用凭证、询问笔录（演示数据）",
	"价格标签照片、收银小票、询问笔录（演示数据）",
}

// demoBureauUSCC is the bureau's 统一社会信用代码 from the data, or, where the data has
// none (not verified), a generated code of a 机关 (登记管理部门码 1, 类别码 1) registered in
// the bureau's place — demo data only.
func demoBureauUSCC(b Bureau) string {
	if b.USCC != "" {
		return b.USCC
	}
	h := fnv.New32a()
	h.Write([]byte(b.Code))
	return credit.MakeUSCC("11", b.Code, fmt.Sprintf("7%07d", h.Sum32()%10_000_000))
}

// logAmount draws an amount of 分 log-uniformly between lo and hi 元, to the 元 or 分.
func (g *demoGen) logAmount(loYuan, hiYuan int64) int64 {
	lo, hi := float64(loYuan), float64(hiYuan)
	x := lo * math.Pow(hi/lo, g.rng.Float64())
	fen := int64(x) * 100
	if g.rng.IntN(3) == 0 {
		fen += int64(g.rng.IntN(100))
	}
	return fen
}

var demoMitigating = []string{"cooperate", "eliminate_harm", "confess", "minor_small_harm", "accessory", "seller_unaware", "food_recall"}
var demoAggravating = []string{"serious_harm", "obstruct", "destroy_evidence", "emergency"}

// makeCase draws a case of a random item decided on day and runs the engine (Quick
// for decided cases, Compute with its explanation for open ones).
func (g *demoGen) makeCase(day time.Time, quick bool) (*Case, bool) {
	e := g.m.eng
	rng := g.rng
	it := e.Cat.Items[rng.IntN(len(e.Cat.Items))]
	s := g.subjects[rng.IntN(len(g.subjects))]
	in := Input{ItemID: it.ID, Party: s.party, Today: day}
	in.DiscoveryDate = day.AddDate(0, 0, -(7 + rng.IntN(60)))
	in.ActDate = in.DiscoveryDate.AddDate(0, 0, -rng.IntN(240))
	if rng.IntN(4) == 0 {
		in.ActEndDate = in.ActDate.AddDate(0, 0, rng.IntN(120))
		if in.ActEndDate.After(in.DiscoveryDate) {
			in.ActEndDate = in.DiscoveryDate
		}
	}
	v := it.VersionAt(in.ActDate)
	if v == nil {
		return nil, false
	}
	// amounts: the rule's base and the factor set's amounts
	need := map[string]bool{}
	if v.Fine != nil && v.Fine.Base != "" {
		need[v.Fine.Base] = true
	}
	for _, f := range e.Ind.FactorSets[it.FactorSet] {
		if f.Kind == "amount" {
			need[f.Base] = true
		}
	}
	for _, af := range amountFields { // fixed order: the draws must not depend on map order
		base := af.Base
		if !need[base] {
			continue
		}
		var a Amount
		switch base {
		case BaseGoodsValue:
			a = Known(g.logAmount(200, 2_000_000))
		case BaseAdFee:
			a = Known(g.logAmount(500, 500_000))
		case BaseIllegalGains:
			a = Known(g.logAmount(100, 300_000))
		case BaseIllegalTurnover:
			a = Known(g.logAmount(1_000, 3_000_000))
		}
		if v.Fine != nil && base == v.Fine.Base && (v.Fine.Unknown != nil || v.Fine.UnknownAsZero) && rng.IntN(10) == 0 {
			a = Amount{Undeterminable: true}
		}
		switch base {
		case BaseGoodsValue:
			in.Amounts.GoodsValue = a
		case BaseAdFee:
			in.Amounts.AdFee = a
		case BaseIllegalGains:
			in.Amounts.IllegalGains = a
		case BaseIllegalTurnover:
			in.Amounts.IllegalTurnover = a
		}
	}
	in.PrerequisiteMet = rng.IntN(100) < 85
	in.HarmOccurred = rng.IntN(100) < 20
	in.Serious = rng.IntN(100) < 4
	in.Victims = int64(rng.IntN(4)) * int64(rng.IntN(8))
	switch n := rng.IntN(100); {
	case n < 30:
		in.Circumstances = []string{demoMitigating[rng.IntN(len(demoMitigating))]}
	case n < 40:
		in.Circumstances = []string{demoMitigating[rng.IntN(len(demoMitigating))], demoMitigating[rng.IntN(len(demoMitigating))]}
	case n < 55:
		in.Circumstances = []string{demoAggravating[rng.IntN(len(demoAggravating))]}
	case n < 60:
		in.Circumstances = []string{demoMitigating[rng.IntN(len(demoMitigating))], demoAggravating[rng.IntN(len(demoAggravating))]}
	}
	if len(in.Circumstances) > 0 { // a sector rule's circumstance only where it governs the item
		kept := in.Circumstances[:0]
		for _, id := range in.Circumstances {
			if c, ok := e.Ind.Circumstance(id); ok && c.Applies(it) {
				kept = append(kept, id)
			}
		}
		in.Circumstances = kept
	}
	choose := func(fs []*Factor) map[string]string {
		out := map[string]string{}
		for _, f := range fs {
			if f.Kind == "choice" && rng.IntN(3) > 0 {
				out[f.ID] = f.Options[rng.IntN(len(f.Options))].ID
			}
		}
		return out
	}
	in.CaseFactors = choose(e.Ind.FactorSets[it.FactorSet])
	in.ImpactFactors = choose(e.Ind.Impact)
	var res Result
	var err error
	if quick {
		res, err = e.Quick(in)
	} else {
		res, err = e.Compute(in)
	}
	if err != nil {
		return nil, false
	}
	c := g.m.caseOf(&auth.User{}, in, res, caseMeta{SubjectID: s.id, SubjectName: s.name, Facts: demoFacts(it, s)})
	return c, true
}

func demoFacts(it *Item, s demoSubject) string {
	return "经检查发现，当事人" + s.name + "存在“" + it.Name + "”的行为。（演示数据）"
}

// propose lets about a fifth of officers depart from the suggestion inside the legal
// range, with a reason, tilted by city; the engine checks every proposal.
func (g *demoGen) propose(c *Case, tilt int64) bool {
	rng := g.rng
	res := c.Result
	if res.NoPenalty || res.Tier == TierNoFine || res.LegalMax <= res.LegalMin || res.Tier == TierReduce {
		return true
	}
	chance := 22
	if tilt != 0 {
		chance = 35
	}
	if rng.IntN(100) >= chance {
		return true
	}
	span := res.LegalMax - res.LegalMin
	shift := tilt + int64(rng.IntN(1500)) - 750
	if rng.IntN(12) == 0 {
		shift = int64(rng.IntN(6000)) - 3000 // an outlier
	}
	target := res.Position + shift
	target = min(max(target, 0), 10000)
	p := res.LegalMin + span/10000*target + span%10000*target/10000
	p = p / 100 * 100
	if p < res.LegalMin {
		p += 100
	}
	if p <= 0 || p < res.LegalMin || p > res.LegalMax || p == res.FineFen {
		return true
	}
	in := c.Input
	in.ProposedFen = &p
	in.ProposalReason = "结合当事人整改情况和本地同类案件处理情况，在法定幅度内适当调整。"
	r2, err := g.m.eng.Quick(in)
	if err != nil {
		return false
	}
	if c.Result.Steps != nil {
		if r2, err = g.m.eng.Compute(in); err != nil {
			return false
		}
	}
	c.Input, c.Result = in, r2
	c.FineFen = p
	c.Position = positionOf(p, c.LegalMin, c.LegalMax)
	return true
}

type groupKey struct{ item, tier string }

// demoDepartures sets, for each generated decided case, the similar cases' median
// position and the departure from it, as the similar-case search would (the nearest
// MaxSimilar cases by base inside the band).
func (m *Module) demoDepartures(cases []*Case) {
	groups := map[groupKey][]*Case{}
	for _, c := range cases {
		k := groupKey{c.ItemID, c.Tier}
		groups[k] = append(groups[k], c)
	}
	for _, g := range groups {
		sort.Slice(g, func(i, j int) bool { return g[i].BaseFen < g[j].BaseFen })
	}
	for _, c := range cases {
		m.demoCompare(c, groups[groupKey{c.ItemID, c.Tier}])
	}
}

func (m *Module) demoDeparturesOpen(open, decided []*Case) {
	groups := map[groupKey][]*Case{}
	for _, c := range decided {
		k := groupKey{c.ItemID, c.Tier}
		groups[k] = append(groups[k], c)
	}
	for _, c := range open {
		m.demoCompare(c, groups[groupKey{c.ItemID, c.Tier}])
	}
}

// demoCompare compares c with the cases of its group (sorted by base).
func (m *Module) demoCompare(c *Case, group []*Case) {
	c.SimilarN, c.SimilarMedian, c.Departure = 0, -1, -1
	if c.Tier == string(TierNone) || c.Tier == string(TierNoFine) || c.LegalMax <= c.LegalMin {
		return
	}
	lo, hi := baseBand(c.BaseFen, m.Config.BandPct)
	i := sort.Search(len(group), func(i int) bool { return group[i].BaseFen >= c.BaseFen })
	// walk outwards from i, nearest base first, up to MaxSimilar cases
	l, r := i-1, i
	var pos []int64
	for len(pos) < m.Config.MaxSimilar {
		var next *Case
		if l >= 0 && group[l].BaseFen >= lo && (r >= len(group) || group[r].BaseFen > hi || c.BaseFen-group[l].BaseFen <= group[r].BaseFen-c.BaseFen) {
			next = group[l]
			l--
		} else if r < len(group) && group[r].BaseFen <= hi {
			next = group[r]
			r++
		} else {
			break
		}
		if next == c || next.LegalMax <= next.LegalMin {
			continue
		}
		pos = append(pos, next.Position)
	}
	if len(pos) == 0 {
		return
	}
	slices.Sort(pos)
	c.SimilarN, c.SimilarMedian = len(pos), median(pos)
	if len(pos) >= m.Config.MinSimilar {
		c.Departure = abs64(c.Position - c.SimilarMedian)
	}
}

// demoCols are the columns of a bulk insert.
const demoCols = `region, city, status, item_id, item_kind, item_name, party, subject_id, subject_name, facts, act_date,
	base_kind, base_fen, tier, legal_min, legal_max, suggested_fen, fine_fen, position, score, similar_n, similar_median, departure,
	input_json, result_json, officer_id, officer_name, reviewer_id, reviewer_name, review_comment, decided_on, demo, created_at, updated_at,
	legal_rep, subject_address, evidence, severity, confiscated_fen, authority, authority_uscc`

const demoNCols = 41

// insertDemo writes cases in transactions of a few thousand rows, many rows per statement,
// and sets their ids. The first nCompact (the cases to be decided) keep the numbers of
// their result only.
func insertDemo(ctx context.Context, db *store.DB, cases []*Case, nCompact int, out io.Writer) error {
	const perStmt, perTx = 200, 5000
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", demoNCols), ", ") + ")"
	stmts := map[int]string{}
	stmtFor := func(n int) string {
		if s, ok := stmts[n]; ok {
			return s
		}
		s := "INSERT INTO discretion_cases (" + demoCols + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
		stmts[n] = s
		return s
	}
	var maxID int64
	if err := db.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM discretion_cases").Scan(&maxID); err != nil {
		return err
	}
	for start := 0; start < len(cases); start += perTx {
		chunk := cases[start:min(start+perTx, len(cases))]
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := demoCache(ctx, tx, demoCacheKiB); err != nil {
				return err
			}
			defer demoCache(ctx, tx, 0)
			for s := 0; s < len(chunk); s += perStmt {
				part := chunk[s:min(s+perStmt, len(chunk))]
				args := make([]any, 0, len(part)*demoNCols)
				for i, c := range part {
					a, err := demoArgs(c, start+s+i < nCompact)
					if err != nil {
						return err
					}
					args = append(args, a...)
				}
				if _, err := tx.Exec(ctx, stmtFor(len(part)), args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("写入演示案件失败（第 %d 件起）：%w", start+1, err)
		}
		if len(cases) > 20000 && (start/perTx)%4 == 3 {
			fmt.Fprintf(out, "  智慧裁量：已写入 %d / %d 件\n", start+len(chunk), len(cases))
		}
	}
	// the ids, in the order the rows were written
	rows, err := db.Query(ctx, "SELECT id, subject_id, item_id FROM discretion_cases WHERE id > ? AND demo = 1 ORDER BY id", maxID)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var id int64
		var subject, item string
		if err := rows.Scan(&id, &subject, &item); err != nil {
			return err
		}
		if i >= len(cases) || cases[i].SubjectID != subject || cases[i].ItemID != item {
			return fmt.Errorf("演示案件写入顺序与生成顺序不一致（第 %d 件）", i+1)
		}
		cases[i].ID = id
		i++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if i != len(cases) {
		return fmt.Errorf("演示案件写入 %d 件，读回 %d 件", len(cases), i)
	}
	return nil
}

func demoArgs(c *Case, compact bool) ([]any, error) {
	var res any = c.Result
	if compact {
		// generated decided cases keep the numbers only (a row of about 1 KB instead of 4);
		// reading the case derives the full result again from the stored input
		r := c.Result
		res = Result{ItemID: r.ItemID, Version: r.Version, Tier: r.Tier, Barred: r.Barred, NoPenalty: r.NoPenalty,
			LegalMin: r.LegalMin, LegalMax: r.LegalMax, BandMin: r.BandMin, BandMax: r.BandMax, Score: r.Score,
			FineFen: r.FineFen, FineOptional: r.FineOptional, Position: r.Position}
	}
	in, err := compactJSON(c.Input)
	if err != nil {
		return nil, err
	}
	rj, err := compactJSON(res)
	if err != nil {
		return nil, err
	}
	created := c.Input.Today.Add(2 * time.Hour) // 10:00 in Asia/Shanghai
	decidedOn := c.DecidedOn
	if compact {
		created = created.AddDate(0, 0, -3)
		decidedOn = "" // set by the decision
	}
	ts := store.Time(created)
	return []any{c.Region, c.City, c.Status, c.ItemID, c.ItemKind, c.ItemName, c.Party, c.SubjectID, c.SubjectName, c.Facts, c.ActDate,
		c.BaseKind, c.BaseFen, c.Tier, c.LegalMin, c.LegalMax, c.SuggestedFen, c.FineFen, c.Position, c.Score, c.SimilarN, c.SimilarMedian, c.Departure,
		string(in), string(rj), c.OfficerID, c.OfficerName, c.ReviewerID, c.ReviewerName, c.ReviewComment, decidedOn, 1, ts, ts,
		c.LegalRep, c.SubjectAddress, c.Evidence, c.Severity, c.ConfiscatedFen, c.Authority, c.AuthorityUSCC}, nil
}

// compactJSON marshals v leaving out false, zero, empty and null members (decoding
// gives the same value back), so that stored rows stay small.
func compactJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return "", err
	}
	b, err = json.Marshal(prune(x))
	return string(b), err
}

func prune(x any) any {
	switch t := x.(type) {
	case map[string]any:
		for k, v := range t {
			v = prune(v)
			if empty(v) {
				delete(t, k)
			} else {
				t[k] = v
			}
		}
		return t
	case []any:
		for i := range t {
			t[i] = prune(t[i])
		}
		return t
	}
	return x
}

func empty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case bool:
		return !t
	case float64:
		return t == 0
	case string:
		return t == "" || t == "0001-01-01T00:00:00Z"
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}
