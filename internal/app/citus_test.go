package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// citusLocal are the tables a Citus deployment must keep as local tables on the
// coordinator (docs/citus.md): they carry triggers, which Citus does not create on
// distributed or reference tables.
var citusLocal = map[string]bool{
	"audit_log":      true, // append-only trigger
	"river_problems": true, // the list's version trigger (river migration 013)
}

// The SQL of every migration and store (the PostgreSQL side) stays inside what Citus
// accepts for local and reference tables, so that a deployment can move to Citus without
// changing it (docs/citus.md lists the sources): no rules, TABLESAMPLE, grouping sets,
// MERGE, SELECT … FOR UPDATE or a subquery inside INSERT … VALUES (INSERT … SELECT
// is supported); sequences are BIGINT; triggers only on
// the tables that stay local.
func TestSQLStaysWithinCitus(t *testing.T) {
	root := filepath.Join("..", "..")
	banned := []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`(?i)\bCREATE\s+(OR\s+REPLACE\s+)?RULE\b`), "rules (not supported by Citus)"},
		{regexp.MustCompile(`(?i)\bTABLESAMPLE\b`), "TABLESAMPLE (single-shard queries only)"},
		{regexp.MustCompile(`(?i)\bGROUPING\s+SETS\b|\bGROUP\s+BY\s+(ROLLUP|CUBE)\b`), "grouping sets (single-shard queries only)"},
		{regexp.MustCompile(`(?i)\bMERGE\s+INTO\b`), "MERGE (limited table combinations)"},
		{regexp.MustCompile(`(?i)\bFOR\s+(NO\s+KEY\s+)?UPDATE\b|\bFOR\s+SHARE\b`), "SELECT … FOR UPDATE (single-shard queries only)"},
		{regexp.MustCompile(`(?is)\bVALUES\s*\([^;]*?\(\s*SELECT\b`), "a subquery inside INSERT … VALUES (not supported by Citus; INSERT … SELECT is)"},
		{regexp.MustCompile(`\b(SMALL)?SERIAL\b|\b(SMALLINT|INT|INTEGER)\s+GENERATED\b`), "a sequence smaller than BIGINT"},
	}
	trigger := regexp.MustCompile(`(?is)\bCREATE\s+TRIGGER\s+\w+\s+.*?\bON\s+(\w+)`)
	scanned := 0
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "static" {
			return filepath.SkipDir
		}
		name := d.Name()
		if d.IsDir() || strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, ".sqlite.sql") ||
			!(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".sql")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(b)
		scanned++
		for _, x := range banned {
			if loc := x.re.FindStringIndex(text); loc != nil {
				t.Errorf("%s line %d: %s: %q", path, strings.Count(text[:loc[0]], "\n")+1, x.what, text[loc[0]:loc[1]])
			}
		}
		if strings.HasSuffix(name, ".sql") {
			for _, m := range trigger.FindAllStringSubmatch(text, -1) {
				if !citusLocal[m[1]] {
					t.Errorf("%s: a trigger on %s: Citus creates none on distributed or reference tables; keep the table local (docs/citus.md) or do without", path, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("scanned %d files: the walk missed the source", scanned)
	}
}
