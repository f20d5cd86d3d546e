package web

import (
	"context"
	"testing"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// Two servers on one database share one limit: 3 reports per 10 minutes per address.
func TestAllowSharedAcrossServers(t *testing.T) {
	storetest.Each(t, []store.Migrations{auth.Migrations()}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := &Server{DB: db}, &Server{DB: db}
		t0 := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
		allow := func(s *Server, client string, at time.Time) bool {
			t.Helper()
			ok, err := s.Allow(ctx, "river_public", client, 3, 10*time.Minute, at)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		got := []bool{
			allow(a, "198.51.100.9", t0),
			allow(b, "198.51.100.9", t0.Add(time.Minute)),
			allow(a, "198.51.100.9", t0.Add(2*time.Minute)),
			allow(b, "198.51.100.9", t0.Add(3*time.Minute)),  // 4th within 10 minutes, on the other server
			allow(a, "203.0.113.1", t0.Add(3*time.Minute)),   // another address has its own count
			allow(a, "198.51.100.9", t0.Add(10*time.Minute)), // the first use has left the window
			allow(b, "198.51.100.9", t0.Add(10*time.Minute)), // but the 2nd and 3rd have not
		}
		want := []bool{true, true, true, false, true, true, false}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("use %d allowed = %v, want %v (all: %v)", i+1, got[i], want[i], got)
			}
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM rate_hits WHERE client = '198.51.100.9'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 { // refused uses are not stored; the expired one was removed
			t.Fatalf("stored uses = %d, want 3", n)
		}
	})
}
