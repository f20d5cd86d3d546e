package river_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tongcheng/internal/app"
	"tongcheng/internal/auth"
	"tongcheng/internal/river"
	"tongcheng/internal/store/storetest"
)

// readingsFile makes a readings file of sections × days daily samples with
// five parameters, as CSV or .xlsx; about one row in 500 is worse than Ⅲ类.
func readingsFile(b *testing.B, sections, days int, xlsx bool) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	head := []string{"断面编号", "采样时间", "DO", "CODMn", "COD", "NH3N", "TP"}
	start := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	row := func(s, d int) []string {
		nh3 := 0.2 + rng.Float64()*0.6
		if rng.IntN(500) == 0 {
			nh3 = 1.7
		}
		return []string{fmt.Sprintf("B-SEC-%03d", s), start.AddDate(0, 0, d).Format("2006-01-02 15:04"),
			fmt.Sprintf("%.2f", 5+rng.Float64()*3), fmt.Sprintf("%.2f", 2+rng.Float64()*4), fmt.Sprintf("%.1f", 10+rng.Float64()*8),
			fmt.Sprintf("%.2f", nh3), fmt.Sprintf("%.3f", 0.05+rng.Float64()*0.1)}
	}
	var buf bytes.Buffer
	if !xlsx {
		fmt.Fprintln(&buf, "断面编号,采样时间,DO,CODMn,COD,NH3N,TP")
		for s := 0; s < sections; s++ {
			for d := 0; d < days; d++ {
				r := row(s, d)
				fmt.Fprintf(&buf, "%s,%s,%s,%s,%s,%s,%s\n", r[0], r[1], r[2], r[3], r[4], r[5], r[6])
			}
		}
		return buf.Bytes()
	}
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	line := 1
	write := func(r []string) {
		cells := make([]any, len(r))
		for i, v := range r {
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
		line++
	}
	write(head)
	for s := 0; s < sections; s++ {
		for d := 0; d < days; d++ {
			write(row(s, d))
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportReadings imports 100 sections × 730 days (73,000 rows) into
// a fresh database per iteration and reports rows per second:
//
//	go test -run '^$' -bench ImportReadings -benchtime 3x ./internal/river/
func BenchmarkImportReadings(b *testing.B) {
	const sections, days = 100, 730
	engines := []string{"sqlite"}
	if os.Getenv("TONGCHENG_TEST_POSTGRES") != "" {
		engines = append(engines, "postgres")
	}
	for _, format := range []string{"csv", "xlsx"} {
		data := readingsFile(b, sections, days, format == "xlsx")
		for _, engine := range engines {
			b.Run(format+"/"+engine, func(b *testing.B) {
				ctx := context.Background()
				var total, cpu time.Duration
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					db := storetest.Open(b, engine)
					app.Register(river.NewModule())
					a, err := app.Build(ctx, db, nil, false)
					if err != nil {
						b.Fatal(err)
					}
					m := a.Module("river").(*river.Module)
					reach := &river.Reach{Code: fmt.Sprintf("B-R-%d", i), RiverID: "tuojiang", Name: "沱江基准段", Region: "510100"}
					if err := m.AddReach(ctx, reach); err != nil {
						b.Fatal(err)
					}
					for s := 0; s < sections; s++ {
						if err := m.AddSection(ctx, &river.SectionRow{ID: fmt.Sprintf("B-SEC-%03d", s), Name: fmt.Sprintf("基准断面%d", s), RiverID: "tuojiang",
							ReachID: reach.ID, Target: river.ClassIII, Region: "510100"}); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					t0, c0 := time.Now(), cpuTime()
					s, err := m.ImportReadings(ctx, bytes.NewReader(data), nil, io.Discard)
					total += time.Since(t0)
					cpu += cpuTime() - c0
					if err != nil {
						b.Fatal(err)
					}
					if s.Stored != sections*days || s.Rejected != 0 || s.Warnings == 0 || s.Warnings > sections {
						b.Fatalf("summary %+v", s)
					}
				}
				b.ReportMetric(float64(sections*days*b.N)/total.Seconds(), "rows/s")
				// rows per CPU-second of this process (user+system): what the import
				// costs, whatever else the machine is doing at the time
				b.ReportMetric(float64(sections*days*b.N)/cpu.Seconds(), "rows/cpu-s")
			})
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkOpsBulletin times, over the bulletin-scale demo, the overdue job
// (its first run flags and escalates every overdue problem; then a
// steady-state run with nothing new, which is what serve does every minute)
// and the 考核 ranking read from the stored rows:
//
//	go test -run '^$' -bench OpsBulletin -benchtime 5x ./internal/river/
func BenchmarkOpsBulletin(b *testing.B) {
	m, db := bulletin(b)
	ctx := context.Background()
	now := river.DemoAnchor.Add(3 * 24 * time.Hour)
	t0 := time.Now()
	first, err := m.EscalateOverdue(ctx, now)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("overdue job, first run: %+v in %s", first, time.Since(t0).Round(time.Millisecond))
	b.Run("escalate-steady", func(b *testing.B) {
		for b.Loop() {
			res, err := m.EscalateOverdue(ctx, now)
			if err != nil || res.Escalated != 0 || res.Flagged != 0 || res.Overdue != first.Overdue {
				b.Fatalf("steady state %+v %v", res, err)
			}
		}
	})
	admin := &auth.User{Username: "bench", Region: "510000"}
	for _, c := range []struct{ period, level string }{{"2026-10", "city"}, {"2026", "county"}} {
		b.Run("assessment-"+c.period+"-"+c.level, func(b *testing.B) {
			p, err := river.ParsePeriod(c.period)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				v, err := m.Assessment(ctx, db, admin, p, c.level)
				if err != nil || len(v.Rows) == 0 {
					b.Fatalf("%v %v", v, err)
				}
			}
		})
	}
}
