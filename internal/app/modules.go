package app

import (
	"context"
	"time"

	"tongcheng/internal/credit"
	"tongcheng/internal/discretion"
	"tongcheng/internal/river"
)

// The modules of the program, in navigation order. A new module adds its line here;
// modules that serve each other are connected here through the interfaces the consumer declares.
func init() {
	cr := credit.NewModule()
	di := discretion.NewModule()
	di.Priors = &creditPriors{credit: cr, module: di}
	Register(di)
	Register(cr)
	Register(river.NewModule())
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
