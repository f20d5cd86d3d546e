package credit

// SetBulkMinRows lowers the estimated row count from which a subjects file is
// imported in bulk, for the tests of that path on small files; the returned
// function restores it.
func SetBulkMinRows(n int64) (restore func()) {
	old := bulkMinRows
	bulkMinRows = n
	return func() { bulkMinRows = old }
}
