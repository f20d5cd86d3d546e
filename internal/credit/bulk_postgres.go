package credit

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"tongcheng/internal/store"
)

// Bulk import of market subjects on PostgreSQL. Stored as 2,000-row
// transactions of multi-row upserts, 1.38 million subjects took minutes, most
// of it in the server: planning and binding 500-row statements of 19
// parameters a row, and every index updated for each statement. A bulk import
// on PostgreSQL instead streams the validated rows with COPY into a temporary
// table of its own transaction (no index, not written to the WAL), then merges
// them into credit_subjects with one INSERT … SELECT … ON CONFLICT (skey) DO
// UPDATE, with the same rules as the upserts of the other paths (a row changes
// only when a value differs, and never goes back to an earlier line of the
// same file: batch_id and batch_line, migration 003). A key that comes more
// than once in the file is merged with its last line (PostgreSQL refuses to
// touch a row twice in one statement) and takes its place in the id order at
// its first line, as it does when stored part by part.
//
// No index is dropped or altered: the tables of serving processes stay as
// they are, and a COPY or an INSERT takes only the lock that any insert takes,
// so their reads never wait (PostgreSQL's readers do not wait for writers).
// The pg_trgm name index receives the new names through its pending list
// (gin_pending_list_limit, migration 004), merged at the end. Everything, the
// rejected rows, the batch counters and the audit entry included, is one
// transaction: a killed import leaves the library as it was, the temporary
// table goes with its session, and a re-run of the same file completes it.

// stageTable is the temporary table of a bulk import (dropped at commit).
const stageTable = "pg_temp.credit_subjects_stage"

// stageCols are the columns of stageTable: the line in the file, then the
// subject's own columns (subjectCols before batch_id: subjectValues).
var stageCols = append([]string{"line"}, subjectCols[:slices.Index(subjectCols, "batch_id")]...)

// pgBulk stores every part of a subjects file on PostgreSQL in one
// transaction (see the comment at the top).
func (w *partWriter) pgBulk(ctx context.Context, parts <-chan *part) error {
	err := w.im.DB.InConnTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, createStage()); err != nil {
			return err
		}
		first, last, problems, err := w.all(parts, func(p *part) error { return w.stage(ctx, tx, p) })
		if err != nil {
			return err
		}
		if err := mergeStage(ctx, tx, w.res.BatchID, time.Now(), importCountOf(ctx)); err != nil {
			return err
		}
		if pgBulkMerged != nil {
			var pid int
			if err := tx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
				return err
			}
			pgBulkMerged(ctx, pid)
		}
		return w.finish(ctx, tx, first, last, w.res.Accepted, problems, true)
	})
	if err != nil {
		return err
	}
	w.committed()
	return nil
}

// pgBulkMerged, when set (tests), is called after the merge, before the
// commit, with the process id of the importing session's server backend.
var pgBulkMerged func(ctx context.Context, pid int)

// createStage is the statement that creates stageTable.
func createStage() string {
	cols := make([]string, len(stageCols))
	for i, c := range stageCols {
		typ := "TEXT"
		if c == "line" || c == "uscc_flags" {
			typ = "INTEGER"
		}
		cols[i] = c + " " + typ + " NOT NULL"
	}
	return "CREATE TEMPORARY TABLE " + strings.TrimPrefix(stageTable, "pg_temp.") + " (" + strings.Join(cols, ", ") + ") ON COMMIT DROP"
}

// stage copies the valid rows of p into stageTable and stores its rejected rows.
func (w *partWriter) stage(ctx context.Context, tx *store.Tx, p *part) error {
	rows := make([][]any, len(p.subjects))
	for i := range p.subjects {
		rows[i] = append([]any{lineOf(p.lines, i)}, subjectValues(&p.subjects[i])...)
	}
	if len(rows) > 0 {
		if _, err := tx.CopyFrom(ctx, stageTable, stageCols, rows); err != nil {
			return err
		}
	}
	w.res.Rows, w.res.Accepted, w.res.Rejected = p.rows, p.accepted, p.rejected
	return insertRejects(ctx, tx, w.res.BatchID, p.rejects, w.today, w.u.Region)
}

// mergeStage stores the staged rows into credit_subjects in one statement
// (see the comment at the top) and counts what it changed into cnt.
func mergeStage(ctx context.Context, tx *store.Tx, batchID int64, now time.Time, cnt *importCount) error {
	ts := store.Time(now)
	sets := make([]string, 0, len(subjectCmp)+3)
	diffs := make([]string, len(subjectCmp))
	for i, c := range subjectCmp {
		sets = append(sets, c+" = excluded."+c)
		diffs[i] = "t." + c + " <> excluded." + c
	}
	sets = append(sets, "batch_id = excluded.batch_id", "batch_line = excluded.batch_line", "updated_at = excluded.updated_at")
	cols := strings.Join(stageCols[1:], ", ")
	// ? 1: batch, 2–3: times, then those of importCount.returning. The rows
	// the merge changed come back grouped by what returning says of them,
	// without sending every row to the client.
	if cnt == nil {
		cnt = newImportCount(ts)
	}
	q := `WITH m AS (
	INSERT INTO credit_subjects AS t (` + cols + `, batch_id, batch_line, created_at, updated_at)
	SELECT ` + cols + `, ?, line, ?, ? FROM (
		SELECT DISTINCT ON (skey) *, MIN(line) OVER (PARTITION BY skey) AS first_line FROM ` + stageTable + ` ORDER BY skey, line DESC
	) s ORDER BY first_line
	ON CONFLICT (skey) DO UPDATE SET ` + strings.Join(sets, ", ") + `
	WHERE (` + strings.Join(diffs, " OR ") + `) AND NOT (t.batch_id = excluded.batch_id AND t.batch_line > excluded.batch_line)
	` + cnt.returning("skey") + ` AS k
)
SELECT k, COUNT(*) FROM m WHERE k IS NOT NULL GROUP BY k`
	// the sort of the staged rows by key, and the merge's changed rows, in
	// memory rather than in temporary files (the default is 4 MB)
	if _, err := tx.Exec(ctx, "SET LOCAL work_mem = '64MB'"); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, q, append([]any{batchID, ts, ts}, cnt.args()...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key sql.NullString
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return err
		}
		cnt.add(key, n)
	}
	return rows.Err()
}
