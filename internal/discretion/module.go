package discretion

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strconv"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

//go:embed templates/*.html templates/partials/*.html
var templateFiles embed.FS

// Config holds the 类案同罚 settings legal staff may change.
type Config struct {
	// BandPct: similar cases have a base amount within ±BandPct % of the case's.
	BandPct int64
	// DepartureBP: warn when a proposal's position departs from the similar
	// cases' median position by more than this many basis points of the legal range.
	DepartureBP int64
	// MinSimilar: fewer similar cases than this give no departure warning.
	MinSimilar int
	// MaxSimilar bounds the similar cases read for one case.
	MaxSimilar int
}

// DefaultConfig: ±50 % of the base, 20 percentage points of the legal range, at least 3 cases.
var DefaultConfig = Config{BandPct: 50, DepartureBP: 2000, MinSimilar: 3, MaxSimilar: 200}

// PenaltySink receives a decided penalty for 双公示 (the credit library's
// 行政处罚 records); the credit module can satisfy it, app wires it.
type PenaltySink interface {
	// CheckPenalty tells whether p would make a valid record (checked when a case is
	// saved, so the officer sees a bad code at once); the error names the case field.
	CheckPenalty(p DecidedPenalty) error
	// PenaltyDecided stores p inside the deciding transaction q; storing the same
	// 决定书文号 again replaces the record, so a retry never duplicates it.
	PenaltyDecided(ctx context.Context, q store.Querier, p DecidedPenalty) error
}

// DecidedPenalty is a decided case as handed to the credit library.
type DecidedPenalty struct {
	CaseID         int64
	DecisionNo     string    // 行政处罚决定书文号
	Party          PartyKind // 自然人 or 法人或者其他组织
	SubjectID      string    // 统一社会信用代码 or 身份证号码
	SubjectName    string    // 行政相对人名称
	LegalRep       string    // 法定代表人（负责人、经营者）
	Address        string    // 当事人地址
	ItemID         string
	ItemName       string
	Kind           string   // 违法行为类型 (the item's kind, as 首违不罚 counts it)
	Facts          string   // 违法事实
	Basis          string   // 处罚依据
	Kinds          []string // 处罚类别
	Content        string   // 处罚内容
	FineFen        int64    // 罚款金额
	ConfiscatedFen int64    // 没收违法所得金额
	Severity       string   // 失信等级 轻微/一般/严重
	DecidedOn      time.Time
	Authority      string // 处罚机关 (also 数据来源单位)
	AuthorityUSCC  string
	Region         string // GB/T 2260 code of the deciding unit
}

// Module is 智慧裁量 on the platform: cases, 法制审核, 类案同罚, the catalogue.
type Module struct {
	Config Config
	// Priors answers "prior violations of subject X of kind K since D" for
	// 首违不罚 and 再犯; nil means this module's own decided cases. The
	// credit module can provide another source (app sets it).
	Priors PriorViolationSource
	// Penalties, when set, receives every approved penalty.
	Penalties PenaltySink
	// Now is the clock (tests move it).
	Now func() time.Time
	// Workdays returns the n-th working day after d (statutory holidays left out);
	// nil counts Monday to Friday. app sets the credit module's holiday calendar.
	Workdays func(d time.Time, n int) time.Time

	eng   *Engine
	d     *platform.Deps
	parts *template.Template
}

// NewModule returns the module with the embedded catalogue and indicator systems.
func NewModule() *Module {
	e, err := DefaultEngine()
	if err != nil {
		panic("智慧裁量基准数据无法载入：" + err.Error())
	}
	return &Module{Config: DefaultConfig, Now: time.Now, eng: e}
}

func (m *Module) Key() string   { return "discretion" }
func (m *Module) Title() string { return "智慧裁量" }

func (m *Module) Migrations() []store.Migrations {
	return []store.Migrations{store.Embedded("discretion", migrationFiles, "migrations")}
}

// Engine returns the module's engine.
func (m *Module) Engine() *Engine { return m.eng }

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// today is the current date in Asia/Shanghai as a UTC midnight (the engine's day).
func (m *Module) today() time.Time {
	t := m.Now().In(shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (m *Module) priors() PriorViolationSource {
	if m.Priors != nil {
		return m.Priors
	}
	return casePriors{m.d.DB}
}

// casePriors finds prior violations among this module's decided cases.
type casePriors struct{ db *store.DB }

func (p casePriors) PriorViolations(ctx context.Context, subjectID, kind string, since time.Time) ([]PriorViolation, error) {
	return priorRows(ctx, p.db, subjectID, kind, since)
}

func (m *Module) funcs() template.FuncMap {
	return template.FuncMap{
		"pos":        posText,
		"statusName": func(s string) string { return StatusNames[s] },
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
		"cityName":   func(code string) string { return region.Name(code) },
		"errid":      errID,
		"fieldLabel": fieldLabel,
		"yuanPlain": func(fen int64) string {
			return yuanPlain(fen)
		},
		"baseName":   BaseName,
		"i64":        func(n int) int64 { return int64(n) },
		"severities": func() []string { return Severities },
		"stepName":   func(k string) string { return StepNames[k] },
	}
}

// Mount registers templates, routes, navigation and OpenAPI paths.
func (m *Module) Mount(d *platform.Deps) {
	m.d = d
	w := d.Web
	sub, _ := fs.Sub(templateFiles, "templates")
	w.Templates("discretion", sub, m.funcs())
	m.parts = template.Must(template.New("parts").Funcs(web.Funcs()).Funcs(m.funcs()).ParseFS(templateFiles, "templates/partials/*.html"))

	w.AddNav(web.NavItem{Module: "discretion", Title: "智慧裁量", Path: "/discretion/"})
	w.Handle("GET /discretion/{$}", m.listPage)
	w.Handle("GET /discretion/new", m.newPage)
	w.Handle("POST /discretion/compute", m.computePartial)
	w.Handle("GET /discretion/suggest", m.suggestPartial)
	w.Handle("GET /discretion/pick", m.pickPartial)
	w.Handle("POST /discretion/cases", m.createForm)
	w.Handle("GET /discretion/cases/{id}", m.casePage)
	w.Handle("GET /discretion/cases/{id}/edit", m.editPage)
	w.Handle("POST /discretion/cases/{id}", m.updateForm)
	w.Handle("POST /discretion/cases/{id}/{action}", m.actionForm)
	w.Handle("POST /discretion/cases/{id}/steps", m.stepForm)
	w.Handle("GET /discretion/cases/{id}/decision", m.decisionPage)
	w.Handle("GET /discretion/review", m.reviewPage)
	w.Handle("GET /discretion/consistency", m.consistencyPage)
	w.Handle("GET /discretion/catalogue", m.cataloguePage)
	w.Handle("GET /discretion/catalogue/{id}", m.itemPage)

	w.Handle("POST /api/v1/discretion/compute", m.apiCompute)
	w.Handle("GET /api/v1/discretion/cases", m.apiList)
	w.Handle("POST /api/v1/discretion/cases", m.apiCreate)
	w.Handle("GET /api/v1/discretion/cases/{id}", m.apiGet)
	w.Handle("GET /api/v1/discretion/cases/{id}/similar", m.apiSimilar)
	w.Handle("POST /api/v1/discretion/cases/{id}/{action}", m.apiAction)
	w.Handle("GET /api/v1/discretion/cases/{id}/steps", m.apiSteps)
	w.Handle("POST /api/v1/discretion/cases/{id}/steps", m.apiStep)
	w.Handle("GET /api/v1/discretion/items", m.apiItems)
	w.Handle("GET /api/v1/discretion/suggest", m.apiSuggest)
	w.OpenAPI(openAPIPaths())
}

// HomeCards gives the 驾驶舱 figures: cases this year, decided, awaiting review
// (in the user's region and below) and the share of decisions of the four cities
// that depart from their similar cases by more than the configured distance.
func (m *Module) HomeCards(ctx context.Context, u *auth.User) ([]platform.Card, error) {
	db := m.d.DB
	f := caseFilter{Scope: u.Region}
	year := m.today().Format("2006") + "-01-01"
	thisYear, err := countCases(ctx, db, f, "created_at >= ?", year)
	if err != nil {
		return nil, err
	}
	f.Status = StatusDecided
	decided, err := countCases(ctx, db, f, "")
	if err != nil {
		return nil, err
	}
	f.Status = StatusPending
	pending, err := countCases(ctx, db, f, "")
	if err != nil {
		return nil, err
	}
	var compared, departed int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided' AND departure >= 0").Scan(&compared); err != nil {
		return nil, err
	}
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM discretion_cases WHERE status = 'decided' AND departure > ?", m.Config.DepartureBP).Scan(&departed); err != nil {
		return nil, err
	}
	share := "—"
	if compared > 0 {
		share = fmt.Sprintf("%.1f%%", float64(departed)*100/float64(compared))
	}
	where := region.FullName(u.Region)
	return []platform.Card{
		{Label: "本年案件", Value: strconv.FormatInt(thisYear, 10), Note: where + "，" + m.today().Format("2006") + " 年新建", Link: "/discretion/?view=region"},
		{Label: "已决定", Value: strconv.FormatInt(decided, 10), Note: where + "，累计（各年）", Link: "/discretion/?view=region&status=decided"},
		{Label: "待法制审核", Value: strconv.FormatInt(pending, 10), Note: where, Link: "/discretion/review"},
		{Label: "偏离类案的决定", Value: share, Note: fmt.Sprintf("四市已决定案件中偏离类案中位位置超过 %d 个百分点的（比较 %d 件）", m.Config.DepartureBP/100, compared), Link: "/discretion/consistency"},
	}, nil
}

// OwnPriors is the prior-violation source over this module's own decided cases
// (app combines it with the credit library's penalties).
func OwnPriors(db *store.DB) PriorViolationSource { return casePriors{db} }

// DB is the database the module was mounted on (nil before Mount).
func (m *Module) DB() *store.DB {
	if m.d == nil {
		return nil
	}
	return m.d.DB
}
