package credit

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

// Module is 成德眉资信用数据共享库 on the platform: imports, the push API,
// look-up and credit reports, the monthly bulletin.
type Module struct {
	// Bulletin configures the 月通报 (which seven types, deadline, weights).
	Bulletin BulletinConfig
	// Now is the clock (tests move it).
	Now func() time.Time
	// UploadWait is how long an upload waits for its import before showing
	// the progress page instead of the result.
	UploadWait time.Duration

	d    *platform.Deps
	jobs jobs
	// configErrs say which configured bulletin settings were not used and
	// why (empty when all were fine); each is shown on every bulletin
	configErrs []string
}

// NewModule returns the module with the default bulletin configuration
// (data/bulletin.json, data/holidays.json), changed at start by
//   - TONGCHENG_CREDIT_BULLETIN_TYPES: which types are counted (ParseBulletinTypes);
//   - TONGCHENG_CREDIT_BULLETIN_CONFIG: a file replacing data/bulletin.json
//     (deadline and ranking weights, LoadBulletinSettings);
//   - TONGCHENG_CREDIT_HOLIDAYS: a file of further years of the holiday
//     calendar (Calendar.WithFile).
//
// A value that cannot be read leaves the default and is reported in the log
// and on every bulletin, never silently.
func NewModule() *Module {
	m := &Module{Bulletin: DefaultBulletinConfig(), Now: time.Now, UploadWait: uploadWaitDefault}
	if v := os.Getenv(BulletinTypesEnv); v != "" {
		types, err := ParseBulletinTypes(v)
		if err != nil {
			m.configErrs = append(m.configErrs, err.Error()+"；月通报仍按默认七类统计")
		} else {
			m.Bulletin.Types = types
		}
	}
	if path := os.Getenv(BulletinConfigEnv); path != "" {
		cfg, err := LoadBulletinSettings(m.Bulletin, path)
		if err != nil {
			m.configErrs = append(m.configErrs, fmt.Sprintf("%s；月通报仍按内置配置统计（%d个工作日，%s）", err, m.Bulletin.DeadlineWorkdays, m.Bulletin.scoreRule()))
		} else {
			m.Bulletin = cfg
		}
	}
	if path := os.Getenv(HolidaysFileEnv); path != "" {
		cal, err := DefaultCalendar().WithFile(path)
		if err != nil {
			m.configErrs = append(m.configErrs, fmt.Sprintf("%s；月通报仍只用内置的节假日表（%s年）", err, yearList(DefaultCalendar().Years())))
		} else {
			m.Bulletin.Calendar = cal
		}
	}
	return m
}

// Calendar is the working-day calendar the module counts with: the embedded
// one plus the years of TONGCHENG_CREDIT_HOLIDAYS.
func (m *Module) Calendar() *Calendar {
	if m.Bulletin.Calendar != nil {
		return m.Bulletin.Calendar
	}
	return DefaultCalendar()
}

func (m *Module) Key() string   { return "credit" }
func (m *Module) Title() string { return "信用" }

func (m *Module) Migrations() []store.Migrations {
	return []store.Migrations{store.Embedded("credit", migrationFiles, "migrations")}
}

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

func (m *Module) importer(d *platform.Deps) *Importer {
	return &Importer{DB: d.DB, Now: m.Now}
}

func (m *Module) funcs() template.FuncMap {
	return template.FuncMap{
		"d":        FormatDate,
		"cityName": func(code string) string { return region.Name(region.CityOf(code)) },
		"kindName": func(k string) string { return KindNames[k] },
		"mom": func(l BulletinLine) string {
			if !l.MoMKnown {
				return "—"
			}
			return fmt.Sprintf("%+.1f%%", l.MoMChange*100)
		},
		"score":    func(x float64) string { return fmt.Sprintf("%.1f", x) },
		"subnav":   subnav,
		"years":    yearList,
		"sentence": sentence,
	}
}

// Mount registers templates, routes, navigation and OpenAPI paths.
func (m *Module) Mount(d *platform.Deps) {
	m.d = d
	for _, e := range m.configErrs {
		d.Log.Error("credit bulletin configuration", "err", e)
	}
	w := d.Web
	sub, _ := fs.Sub(templateFiles, "templates")
	w.Templates("credit", sub, m.funcs())
	w.AddNav(web.NavItem{Module: "credit", Title: "信用", Path: "/credit/"})
	w.Handle("GET /credit/{$}", m.searchPage)
	w.Handle("GET /credit/subjects/{key}", m.reportPage)
	w.Handle("GET /credit/public/{key}", m.publicPage, web.Public())
	w.Handle("GET /credit/import", m.importPage)
	w.Handle("POST /credit/import", m.importUpload, web.MaxBody(DefaultMaxXLSXBytes))
	w.Handle("GET /credit/import/jobs/{id}", m.jobPage)
	w.Handle("GET /credit/import/jobs/{id}/status", m.jobStatus)
	w.Handle("GET /credit/batches/{id}", m.batchPage)
	w.Handle("GET /credit/batches/{id}/rejects.csv", m.rejectsCSV)
	w.Handle("GET /credit/blacklist", m.blacklistPage)
	w.Handle("GET /credit/blacklist/{id}", m.entryPage)
	w.Handle("GET /credit/repairs", m.repairQueue)
	w.Handle("GET /credit/repairs/new", m.applyForm)
	w.Handle("POST /credit/repairs", m.applySubmit)
	w.Handle("GET /credit/repairs/{id}", m.repairPage)
	w.Handle("POST /credit/repairs/{id}/{action}", m.repairStepForm)
	w.Handle("GET /credit/bulletin", m.bulletinPage)
	w.Handle("GET /credit/bulletin.xlsx", m.bulletinXLSX)
	w.Handle("POST /api/v1/credit/{kind}", m.apiPush, web.MaxBody(50<<20))
	w.Handle("GET /api/v1/credit/subjects/{key}", m.apiReport)
	w.Handle("POST /api/v1/credit/repairs", m.apiRepairApply)
	w.Handle("GET /api/v1/credit/repairs/{id}", m.apiRepairGet)
	w.Handle("POST /api/v1/credit/repairs/{id}/{action}", m.apiRepairStep)
	w.Handle("GET /api/v1/credit/subjects", m.apiSearch)
	w.Handle("GET /api/v1/credit/blacklist", m.apiBlacklist)
	w.Handle("GET /api/v1/credit/blacklist/{id}", m.apiEntry)
	w.Handle("GET /api/v1/credit/bulletin", m.apiBulletin)
	w.Handle("GET /api/v1/credit/public/{key}", m.apiPublic, web.Public())
	w.Handle("POST /api/v1/credit/import", m.apiImport, web.MaxBody(DefaultMaxXLSXBytes))
	w.Handle("GET /api/v1/credit/import/jobs/{id}", m.apiJob)
	w.Handle("GET /api/v1/credit/batches/{id}", m.apiBatch)
	w.Handle("GET /api/v1/credit/repairs", m.apiRepairs)
	w.OpenAPI(openAPIPaths())
}

// HomeCards gives the 驾驶舱 figures: subjects, records, blacklist entries in
// public view, and the records received this month.
func (m *Module) HomeCards(ctx context.Context, u *auth.User) ([]platform.Card, error) {
	db := m.d.DB
	today := m.today()
	subjects, err := count(ctx, db, "SELECT COUNT(*) FROM credit_subjects")
	if err != nil {
		return nil, err
	}
	records, err := count(ctx, db, "SELECT COUNT(*) FROM credit_records")
	if err != nil {
		return nil, err
	}
	td := dateText(today)
	// in public view: listed, not removed or repaired, and within 3 years of listing (EntryStatus)
	listed, err := count(ctx, db, `SELECT COUNT(*) FROM credit_blacklist WHERE listed_on <= ? AND listed_on > ? AND removed_on = '' AND repaired_on = '' AND (planned_removal_on = '' OR planned_removal_on >= ?)`,
		td, dateText(addMonths(today, -36)), td)
	if err != nil {
		return nil, err
	}
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	month, err := count(ctx, db, "SELECT COUNT(*) FROM credit_records WHERE submitted_on >= ?", dateText(first))
	if err != nil {
		return nil, err
	}
	return []platform.Card{
		{Label: "市场主体", Value: strconv.FormatInt(subjects, 10), Note: "成德眉资四市共享", Link: "/credit/"},
		{Label: "行政管理信息", Value: strconv.FormatInt(records, 10), Note: "许可、处罚等各类记录", Link: "/credit/"},
		{Label: "严重失信主体（公示中）", Value: strconv.FormatInt(listed, 10), Note: "截至 " + td, Link: "/credit/"},
		{Label: "本月报送", Value: strconv.FormatInt(month, 10), Note: today.Format("2006年1月") + "收到的记录", Link: "/credit/bulletin?month=" + today.Format("2006-01")},
	}, nil
}

// ImportFile imports a CSV or .xlsx for `tongcheng import credit FILE`; what
// the file holds (subjects, records, blacklist) is told by its headers.
func (m *Module) ImportFile(ctx context.Context, d *platform.Deps, path string, by *auth.User, out io.Writer) error {
	ctx = audit.WithActor(ctx, audit.Actor{UserID: by.ID, Username: by.Username, IP: "cli"})
	im := m.importer(d)
	im.Bulk = true
	start := time.Now()
	next := 50000
	im.Progress = func(rows int) {
		if rows >= next {
			fmt.Fprintf(out, "已读取 %d 行 / %d rows read\n", rows, rows)
			next = (rows/50000 + 1) * 50000
		}
	}
	res, err := im.ImportPath(ctx, path, by)
	if err != nil {
		switch {
		case res != nil && res.Bulk:
			fmt.Fprintf(out, "导入中断：大批量导入在一个事务中进行，本文件的数据均未保存、库保持原样，重新运行同一命令即可 / interrupted: nothing of the file was stored, re-run to import it (batch %d)\n", res.BatchID)
		case res != nil:
			fmt.Fprintf(out, "导入中断：已提交的部分保持完整，重新运行同一命令即可完成 / interrupted: re-run to complete (batch %d)\n", res.BatchID)
		}
		return err
	}
	fmt.Fprintf(out, "%s：%s（%s，%s），批次 %d\n", KindNames[res.Kind], res.FileName, strings.ToUpper(string(res.Format)), res.Encoding, res.BatchID)
	fmt.Fprintf(out, "读取 %d 行，保存 %d 行，拒收 %d 行，用时 %.1f 秒 / rows %d, stored %d, rejected %d\n",
		res.Rows, res.Accepted, res.Rejected, time.Since(start).Seconds(), res.Rows, res.Accepted, res.Rejected)
	fmt.Fprintf(out, "其中新增 %d 条，更新 %d 条，其余与库中已有数据相同 / new %d, changed %d\n", res.Inserted, res.Updated, res.Inserted, res.Updated)
	switch {
	case res.Bulk && d.DB.D() == store.Postgres:
		fmt.Fprintln(out, "大批量导入：整个文件在一个事务中保存，经 COPY 写入临时表后一次合并 / bulk import: one transaction, COPY into a staging table, one merge")
	case res.Bulk:
		fmt.Fprintln(out, "大批量导入：整个文件在一个事务中保存，名称、法定代表人、地市索引在最后统一重建 / bulk import: one transaction, indexes built at the end")
	}
	const maxShown = 200
	for i, e := range res.Errors {
		if i == maxShown {
			fmt.Fprintf(out, "……其余 %d 项问题见网页“导入批次 %d”的拒收报告\n", len(res.Errors)-maxShown, res.BatchID)
			break
		}
		fmt.Fprintf(out, "第%d行 %s：%s\n", e.Line, e.Field, e.Reason)
	}
	return nil
}

// PriorPenalties answers "行政处罚 of this subject for this kind of violation
// since date D" (for 首违不罚 and 再犯 in the discretion module). subjectID is
// a USCC or a natural person's ID number; kind is the 违法行为类型 ("" = any).
func (m *Module) PriorPenalties(ctx context.Context, subjectID, kind string, since time.Time) ([]PriorPenalty, error) {
	return priorPenalties(ctx, m.d.DB, subjectID, kind, since)
}

// AcceptPenalty stores a decided penalty as a 行政处罚 record of the library
// (双公示), by its natural key, audited in the same transaction.
func (m *Module) AcceptPenalty(ctx context.Context, rec Record) error {
	rec.Type = TypePenalty
	if es := ValidateRecord(&rec); len(es) > 0 {
		return &auth.FieldError{Field: es[0].Field, Message: es.Error()}
	}
	today := m.today()
	return m.d.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := upsertRecords(ctx, tx, []Record{rec}, nil, 0, today, time.Now()); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Entry{Action: "create", Module: "credit", ObjectType: "record", ObjectID: rec.Key(), Region: rec.SourceRegion, Detail: "智慧裁量决定的行政处罚"})
	})
}
