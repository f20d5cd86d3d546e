package discretion

import (
	"testing"
	"time"
)

// d parses a YYYY-MM-DD date for tests.
func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// yuan converts whole 元 to 分.
func yuan(y int64) int64 { return y * 100 }

// base returns a plain input for item id: an organisation, act 2026-03-01,
// discovered 2026-05-01, decided 2026-06-01, no circumstances.
func base(id string) Input {
	return Input{ItemID: id, Party: Organization, ActDate: d("2026-03-01"), DiscoveryDate: d("2026-05-01"), Today: d("2026-06-01")}
}

func engine(t testing.TB) *Engine {
	t.Helper()
	e, err := DefaultEngine()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mustCompute(t testing.TB, in Input) Result {
	t.Helper()
	r, err := engine(t).Compute(in)
	if err != nil {
		t.Fatalf("Compute(%s): %v", in.ItemID, err)
	}
	return r
}
