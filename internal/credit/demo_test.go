package credit_test

import (
	"context"
	"testing"
	"time"

	"tongcheng/internal/credit"
	"tongcheng/internal/platform"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// The bulletin scale is the 2022 bulletin's figures.
func TestDemoSizesAreTheBulletins(t *testing.T) {
	got := credit.DemoSizesFor(platform.Bulletin)
	want := credit.DemoSizes{Subjects: 1380000, Enterprises: 240000, Records: 1900, Blacklist: 65}
	if got != want {
		t.Errorf("bulletin sizes %+v, want %+v", got, want)
	}
}

// The small demo holds its sizes, is the same for the same seed, and its
// names are found by the name search.
func TestDemoSmallDeterministic(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		sz := credit.DemoSizesFor(platform.Small)
		today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		digest := func() string {
			var s string
			if err := db.QueryRow(ctx, "SELECT MIN(skey) || MAX(skey) || MIN(name) || MAX(name) || MAX(legal_rep) FROM credit_subjects").Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		var first string
		for i := 0; i < 2; i++ {
			n, err := credit.GenerateDemo(ctx, db, sz, 7, today)
			if err != nil {
				t.Fatal(err)
			}
			if n != sz {
				t.Errorf("run %d wrote %+v, want %+v", i, n, sz)
			}
			if i == 0 {
				first = digest()
			} else if d := digest(); d != first {
				t.Errorf("second run changed the data: %q, was %q", d, first)
			}
		}
		if c := e.count("SELECT COUNT(*) FROM credit_subjects"); c != sz.Subjects {
			t.Errorf("%d subjects, want %d", c, sz.Subjects)
		}
		if c := e.count("SELECT COUNT(*) FROM credit_subjects WHERE stype = ?", string(credit.SubjectEnterprise)); c != sz.Enterprises {
			t.Errorf("%d enterprises, want %d", c, sz.Enterprises)
		}
		if c := e.count("SELECT COUNT(*) FROM credit_subjects WHERE stype = ?", string(credit.SubjectIndividual)); c < 400 {
			t.Errorf("%d 个体工商户, want most of the other 600", c)
		}
		if c := e.count("SELECT COUNT(*) FROM credit_records"); c != sz.Records {
			t.Errorf("%d records, want %d", c, sz.Records)
		}
		// a name of the demo is found by a part of it
		var name string
		if err := db.QueryRow(ctx, "SELECT name FROM credit_subjects WHERE stype = ? ORDER BY id LIMIT 1", string(credit.SubjectEnterprise)).Scan(&name); err != nil {
			t.Fatal(err)
		}
		part := string([]rune(name)[2:6])
		res, err := credit.SearchSubjects(ctx, db, credit.ByName, part, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range res.Results {
			found = found || s.Name == name
		}
		if !found {
			t.Errorf("%q not found by %q among %d results", name, part, len(res.Results))
		}
	})
}
