package credit_test

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/store"
)

// BenchmarkPureGoFloor is the floor of the import in this program's SQLite (the pure-Go
// modernc.org/sqlite): the subjects CSV named by TONGCHENG_BENCH_CSV read with
// encoding/csv and stored as it is, every field as TEXT, into a bare table without any
// index, in one transaction of prepared 100-row INSERTs — what `sqlite3 .import` does,
// with nothing validated, no natural key, no name index. Compare its time with
// `sqlite3 .import` of the same file (the import benchmark's floor) and with
// `tongcheng import credit`.
func BenchmarkPureGoFloor(b *testing.B) {
	path := os.Getenv("TONGCHENG_BENCH_CSV")
	if path == "" {
		b.Skip("TONGCHENG_BENCH_CSV=subjects.csv (see scripts/bench-credit.sh) not set")
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "floor.db"))
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(f)
		r.ReuseRecord = true
		head, err := r.Read()
		if err != nil {
			b.Fatal(err)
		}
		cols := len(head)
		names := make([]string, cols)
		for j := range names {
			names[j] = "c" + string(rune('a'+j)) + " TEXT"
		}
		if _, err := db.Exec(ctx, "CREATE TABLE bare ("+strings.Join(names, ", ")+")"); err != nil {
			b.Fatal(err)
		}
		const rowsPer = 100
		one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
		q := "INSERT INTO bare VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rowsPer), ",")
		rows := 0
		err = db.InTx(ctx, func(tx *store.Tx) error {
			args := make([]any, 0, cols*rowsPer)
			flush := func(q string) error {
				_, err := tx.Exec(ctx, q, args...)
				args = args[:0]
				return err
			}
			for {
				rec, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
				for _, v := range rec {
					args = append(args, strings.Clone(v))
				}
				rows++
				if len(args) == cols*rowsPer {
					if err := flush(q); err != nil {
						return err
					}
				}
			}
			if n := len(args) / cols; n > 0 {
				return flush("INSERT INTO bare VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ","))
			}
			return nil
		})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		var stored int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM bare").Scan(&stored); err != nil || stored != rows {
			b.Fatalf("stored %d of %d rows: %v", stored, rows, err)
		}
		db.Close()
		b.ReportMetric(float64(rows), "rows")
	}
}

// BenchmarkImportFile imports the subjects CSV named by TONGCHENG_BENCH_CSV into a fresh
// SQLite database through the importer, as `tongcheng import credit FILE` does (for a
// CPU profile of the whole import: add -cpuprofile).
func BenchmarkImportFile(b *testing.B) {
	path := os.Getenv("TONGCHENG_BENCH_CSV")
	if path == "" {
		b.Skip("TONGCHENG_BENCH_CSV=subjects.csv (see scripts/bench-credit.sh) not set")
	}
	u := &auth.User{ID: 1, Username: "bench", Region: "510000"}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := benchDB(b)
		b.StartTimer()
		res, err := (&credit.Importer{DB: db, Bulk: true}).ImportPath(context.Background(), path, u)
		if err != nil || res.Accepted == 0 || res.Rejected != 0 || !res.Bulk {
			b.Fatalf("import: %v %+v", err, res)
		}
		b.ReportMetric(float64(res.Accepted), "rows")
	}
}
