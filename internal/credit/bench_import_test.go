package credit_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"tongcheng/internal/app"
	"tongcheng/internal/auth"
	"tongcheng/internal/credit"
	"tongcheng/internal/platform"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// subjectsFile is a CSV of n valid subjects of the four cities.
func subjectsFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("统一社会信用代码,主体名称,主体类型,法定代表人,注册地址,所属地市,所属区县,登记状态,行业,成立日期\n")
	counties := []string{"510104", "510603", "511402", "512002"}
	for i := 0; i < n; i++ {
		c := counties[i%4]
		fmt.Fprintf(&b, "%s,测试%d商贸有限公司,企业,王伟,%s某街%d号,%s,%s,存续,F 批发和零售业,2015-03-02\n",
			credit.MakeUSCC("91", c, fmt.Sprintf("%08d", 10000000+i)), i, c, i, c[:4]+"00", c)
	}
	return b.Bytes()
}

func benchDB(b *testing.B) *store.DB {
	b.Helper()
	db := storetest.Open(b, "sqlite")
	if _, err := app.Build(context.Background(), db, nil, false); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkStoreImportCSV100k imports 100,000 subject rows from CSV through the
// store into a fresh SQLite database per iteration and reports rows/s.
//
//	go test ./internal/credit -run '^$' -bench StoreImportCSV100k -benchtime 3x
func BenchmarkStoreImportCSV100k(b *testing.B) {
	const n = 100000
	data := subjectsFile(n)
	u := &auth.User{ID: 1, Username: "bench", Region: "510000"}
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := benchDB(b)
		b.StartTimer()
		start := time.Now()
		res, err := (&credit.Importer{DB: db}).Import(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.csv", fmt.Sprint("bench-", i), u)
		total += time.Since(start)
		if err != nil || res.Accepted != n {
			b.Fatalf("import: %v %+v", err, res)
		}
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "rows/s")
}

// BenchmarkDemoBulletin generates the bulletin-scale demo (1,380,000 subjects
// of which 240,000 enterprises, 1,900 records, 65 blacklist entries) into a
// fresh SQLite database.
//
//	go test ./internal/credit -run '^$' -bench DemoBulletin -benchtime 1x
func BenchmarkDemoBulletin(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := benchDB(b)
		b.StartTimer()
		n, err := credit.GenerateDemo(context.Background(), db, credit.DemoSizesFor(platform.Bulletin), 1, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
		if err != nil || n.Subjects != 1380000 || n.Enterprises != 240000 || n.Records != 1900 || n.Blacklist != 65 {
			b.Fatalf("demo: %v %+v", err, n)
		}
	}
}
