package credit

import "context"

// SetBulkMinRows lowers the estimated row count from which a subjects file is
// imported in bulk, for the tests of that path on small files; the returned
// function restores it.
func SetBulkMinRows(n int64) (restore func()) {
	old := bulkMinRows
	bulkMinRows = n
	return func() { bulkMinRows = old }
}

// SetPGBulkMerged makes a bulk import on PostgreSQL call f after its merge,
// before its commit, with its server backend's process id; the returned
// function removes it.
func SetPGBulkMerged(f func(ctx context.Context, pid int)) (restore func()) {
	pgBulkMerged = f
	return func() { pgBulkMerged = nil }
}
