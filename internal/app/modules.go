package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/discretion"
	"tongcheng/internal/platform"
	"tongcheng/internal/river"
	"tongcheng/internal/store"
)

// programModules builds the modules of the program, in navigation order, as a new set:
// each program (App) gets its own, so two programs in one process (tests of several
// servers on one database) share nothing but the database. A new module adds its line
// here; modules that serve each other are connected here through the interfaces the
// consumer declares.
func programModules() []platform.Module {
	cr := credit.NewModule()
	di := discretion.NewModule()
	di.Priors = &creditPriors{credit: cr, module: di}
	di.Penalties = &creditSink{credit: cr}
	di.Workdays = cr.Calendar().AddWorkdays // the embedded holidays and those of TONGCHENG_CREDIT_HOLIDAYS
	return []platform.Module{di, cr, river.NewModule()}
}

// creditPriors answers the discretion engine's "prior violations of subject X of kind K
// since D" from both the module's own decided cases and the shared credit library's
// 行政处罚 records of all four cities, counting a decision found in both once.
type creditPriors struct {
	credit *credit.Module
	module *discretion.Module
}

func (p *creditPriors) PriorViolations(ctx context.Context, subjectID, kind string, since time.Time) ([]discretion.PriorViolation, error) {
	db := p.module.DB()
	own, err := discretion.OwnPriors(db).PriorViolations(ctx, subjectID, kind, since)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, v := range own {
		if v.DecisionNo != "" {
			seen[v.DecisionNo] = true
		}
	}
	shared, err := p.credit.PriorPenalties(ctx, subjectID, kind, since)
	if err != nil {
		return nil, err
	}
	for _, c := range shared {
		if c.DocNo != "" && seen[c.DocNo] {
			continue
		}
		own = append(own, discretion.PriorViolation{SubjectID: c.SubjectID, Kind: c.ViolationType,
			DecidedOn: c.DecidedOn, DecisionNo: c.DocNo, Region: c.Region})
	}
	return own, nil
}

// creditSink hands the discretion module's decided penalties to the credit library as
// 行政处罚 records (双公示), inside the deciding transaction.
type creditSink struct{ credit *credit.Module }

func (s *creditSink) CheckPenalty(p discretion.DecidedPenalty) error {
	rec := penaltyRecord(p)
	return caseFieldError(credit.ValidateRecord(&rec))
}

func (s *creditSink) PenaltyDecided(ctx context.Context, q store.Querier, p discretion.DecidedPenalty) error {
	err := s.credit.AcceptPenaltyIn(ctx, q, penaltyRecord(p))
	var es credit.FieldErrors
	if errors.As(err, &es) {
		return caseFieldError(es)
	}
	return err
}

// penaltyRecord is the 双公示 行政处罚 record of a decided penalty. The deciding bureau is
// also the 数据来源单位; 处罚有效期 is the last day of the publication period of the
// penalty's 失信等级 (国办发〔2025〕22号, credit.PublicationPeriod).
func penaltyRecord(p discretion.DecidedPenalty) credit.Record {
	sev := credit.Severity(p.Severity)
	rec := credit.Record{Type: credit.TypePenalty, PartyName: p.SubjectName, LegalRep: p.LegalRep,
		DocName: "行政处罚决定书", DocNo: p.DecisionNo, DecisionDate: p.DecidedOn,
		Authority: p.Authority, AuthorityID: p.AuthorityUSCC, SourceUnit: p.Authority, SourceUnitID: p.AuthorityUSCC,
		SourceRegion: p.Region, Severity: sev, Remark: "智慧裁量案件 " + strconv.FormatInt(p.CaseID, 10) + "：" + p.ItemName}
	switch {
	case p.Party == discretion.Natural && credit.ValidResidentID(p.SubjectID):
		rec.PartyCategory, rec.IDType, rec.IDNo = credit.PartyPerson, "身份证", p.SubjectID
	case p.Party == discretion.Natural || strings.HasPrefix(p.SubjectID, "92"):
		rec.PartyCategory, rec.USCC = credit.PartyIndividual, p.SubjectID
	default:
		rec.PartyCategory, rec.USCC = credit.PartyOrg, p.SubjectID
	}
	var kinds []string
	for _, k := range p.Kinds {
		known := false
		for _, c := range credit.PenaltyKinds {
			known = known || c == k
		}
		if !known {
			k = "其他"
		}
		dup := false
		for _, x := range kinds {
			dup = dup || x == k
		}
		if !dup {
			kinds = append(kinds, k)
		}
	}
	rec.Penalty = &credit.PenaltyDetail{ViolationType: p.Kind, Facts: p.Facts, Basis: p.Basis, Kinds: kinds, Content: p.Content,
		FineFen: p.FineFen, ConfiscatedFen: p.ConfiscatedFen,
		ValidUntil: credit.PublicationPeriod(sev, p.DecidedOn).MaxEnd.AddDate(0, 0, -1)}
	return rec
}

// caseFields maps the 双公示 columns to the discretion case fields the officer fills in.
var caseFields = map[string]string{
	"行政相对人名称": "subject_name", "统一社会信用代码": "subject_id", "证件号码": "subject_id", "工商注册号": "subject_id",
	"法定代表人": "legal_rep", "处罚机关统一社会信用代码": "authority_uscc", "数据来源单位统一社会信用代码": "authority_uscc",
	"违法事实": "facts", "失信等级": "severity", "处罚依据": "item_id", "处罚类别": "item_id", "处罚内容": "item_id",
}

func caseFieldError(es credit.FieldErrors) error {
	if len(es) == 0 {
		return nil
	}
	e := es[0]
	return &auth.FieldError{Field: caseFields[e.Field], Message: "信用公示（双公示）校验未通过：" + e.Field + "：" + e.Reason}
}
