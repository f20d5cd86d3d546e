package credit

import (
	"context"
	"time"

	"tongcheng/internal/audit"
	"tongcheng/internal/store"
)

// AcceptPenaltyIn stores a decided penalty as a 行政处罚 record of the library (双公示)
// inside the caller's transaction q, so that the decision and its publication are
// stored together or not at all. The record is keyed by its 行政处罚决定书文号: storing
// the same number again replaces it, never duplicates it. Validation problems come back
// as FieldErrors with the 双公示 column names. The record counts as submitted (报送) on
// its decision date, the day the deciding transaction hands it over.
func (m *Module) AcceptPenaltyIn(ctx context.Context, q store.Querier, rec Record) error {
	rec.Type = TypePenalty
	if es := ValidateRecord(&rec); len(es) > 0 {
		return es
	}
	// handed over by the deciding transaction itself: submitted on the day of the decision
	submitted := rec.DecisionDate
	if submitted.IsZero() {
		submitted = m.today()
	}
	if err := upsertRecords(ctx, q, []Record{rec}, nil, 0, submitted, time.Now()); err != nil {
		return err
	}
	return audit.Log(ctx, q, audit.Entry{Action: "create", Module: "credit", ObjectType: "record", ObjectID: rec.Key(), Region: rec.SourceRegion, Detail: "智慧裁量决定的行政处罚"})
}
