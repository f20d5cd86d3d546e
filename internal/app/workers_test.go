package app

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"tongcheng/internal/platform"
	"tongcheng/internal/store"
)

// tickWorker counts its runs.
type tickWorker struct{ runs atomic.Int32 }

func (w *tickWorker) Key() string                    { return "tick" }
func (w *tickWorker) Title() string                  { return "计时" }
func (w *tickWorker) Migrations() []store.Migrations { return nil }
func (w *tickWorker) Mount(*platform.Deps)           {}
func (w *tickWorker) Interval() time.Duration        { return 10 * time.Millisecond }
func (w *tickWorker) RunOnce(ctx context.Context, out io.Writer) error {
	w.runs.Add(1)
	return nil
}

// A module's background job runs at once and then every Interval, once by
// RunWorkers, and not any more after its context ends and the wait returns.
func TestWorkers(t *testing.T) {
	w := &tickWorker{}
	a := &App{Modules: []platform.Module{w}, Deps: &platform.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	if err := a.RunWorkers(context.Background(), io.Discard); err != nil || w.runs.Load() != 1 {
		t.Fatalf("RunWorkers: %v, %d runs", err, w.runs.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	wait := a.StartWorkers(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for w.runs.Load() < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wait()
	n := w.runs.Load()
	if n < 4 {
		t.Fatalf("%d runs in 5 s at a 10 ms interval", n)
	}
	time.Sleep(50 * time.Millisecond)
	if m := w.runs.Load(); m != n {
		t.Fatalf("the job ran after it was stopped: %d → %d", n, m)
	}
}
