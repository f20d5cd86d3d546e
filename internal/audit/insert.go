package audit

import (
	"strings"
	"sync"

	"tongcheng/internal/store"
)

const insertCols = "INSERT INTO audit_log (at, user_id, username, ip, action, module, object_type, object_id, region, detail) VALUES "

// insertSQL returns the INSERT of n entries (n a power of two ≤ maxRows).
var insertSQL = sync.OnceValue(func() map[int]string {
	m := map[int]string{}
	for n := 1; n <= maxRows; n *= 2 {
		m[n] = insertCols + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
	}
	return m
})

func entryArgs(args []any, e *Entry) []any {
	return append(args, store.Time(e.At), e.UserID, e.Username, e.IP, e.Action, e.Module, e.ObjectType, e.ObjectID, e.Region, e.Detail)
}

// insertBatch writes batch as INSERTs of 64, 32 … 1 rows through exec (a handful of
// statement texts serve every batch size, each prepared once per transaction).
func insertBatch(batch []*pending, exec func(q string, args []any) error) error {
	args := make([]any, 0, 10*min(len(batch), maxRows))
	for len(batch) > 0 {
		n := maxRows
		for n > len(batch) {
			n /= 2
		}
		args = args[:0]
		for _, p := range batch[:n] {
			args = entryArgs(args, &p.e)
		}
		if err := exec(insertSQL()[n], args); err != nil {
			return err
		}
		batch = batch[n:]
	}
	return nil
}
