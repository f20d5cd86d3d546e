package discretion

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCompute measures in-process compute over a fixed, seeded mix of
// valid cases from every catalogue item. Run:
//
//	go test -run '^$' -bench BenchmarkCompute -benchmem -cpu 1 ./internal/discretion/
func BenchmarkCompute(b *testing.B) { benchCases(b, (*Engine).Compute) }

// BenchmarkQuick is the same mix through Engine.Quick (numbers without the
// Chinese explanation).
func BenchmarkQuick(b *testing.B) { benchCases(b, (*Engine).Quick) }

// benchCases runs run over 1,024 seeded valid cases and reports cases per second
// of wall time and of process CPU time.
func benchCases(b *testing.B, run func(*Engine, Input) (Result, error)) {
	e := engine(b)
	src := rand.New(rand.NewPCG(7, 7))
	var cases []Input
	for len(cases) < 1024 {
		in := randomInput(e, src)
		if _, err := e.Compute(in); err == nil {
			cases = append(cases, in)
		}
	}
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := run(e, cases[i%len(cases)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	// CPU time of the process (user+system, including the GC's share) is
	// less disturbed than wall time when other work shares the machine.
	if c := cpuSeconds() - cpu0; c > 0 {
		b.ReportMetric(float64(b.N)/c, "cases/cpu-s")
	}
}

func BenchmarkSuggest(b *testing.B) {
	Suggest("预热", 3)
	b.ReportAllocs()
	for b.Loop() {
		Suggest("超市货架上发现3盒已过保质期的牛奶仍在销售", 3)
	}
}
