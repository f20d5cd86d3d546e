package river_test

import (
	"context"
	"strings"
	"testing"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

func TestImportReadings(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := mustUser(t, e, "cd-office")
		csvText := "\ufeff断面编号,采样时间,NH3N,COD,溶解氧\n" +
			"T-SEC-1,2026-10-01 08:00,0.4,12,7\n" +
			"T-SEC-1,2026-10-02 08:00,-1,12,7\n" +
			"T-SEC-1,2026-10-03 08:00,abc,12,7\n" +
			"NOPE,2026-10-04 08:00,0.4,12,7\n" +
			"T-SEC-1,2026-10-05 08:00,1.8,12,7\n" +
			"T-SEC-1,2026-10-06 08:00,1.9,12,7\n"
		var rep strings.Builder
		s, err := e.m.ImportReadings(context.Background(), strings.NewReader(csvText), u, &rep)
		if err != nil {
			t.Fatal(err)
		}
		if s.Rows != 6 || s.Stored != 3 || s.Rejected != 3 || s.Warnings != 1 {
			t.Fatalf("summary %+v\n%s", s, rep.String())
		}
		for _, want := range []string{"第3行：氨氮", "第4行：NH3N的数值“abc”不是数字", "第5行：断面“NOPE”不存在"} {
			if !strings.Contains(rep.String(), want) {
				t.Fatalf("report lacks %q:\n%s", want, rep.String())
			}
		}
		// a re-run changes nothing
		rep.Reset()
		s, err = e.m.ImportReadings(context.Background(), strings.NewReader(csvText), u, &rep)
		if err != nil || s.Stored != 0 || s.Unchanged != 3 || s.Warnings != 0 {
			t.Fatalf("re-run %+v %v", s, err)
		}
		if n := e.count("SELECT COUNT(*) FROM river_problems WHERE source = 'monitoring'"); n != 1 {
			t.Fatalf("warnings %d", n)
		}
	})
}
