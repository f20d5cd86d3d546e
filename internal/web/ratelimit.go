package web

import (
	"context"
	"time"

	"tongcheng/internal/store"
)

// Allow counts one use of bucket (e.g. "river_public") by client (an address) at now
// and reports whether it stays within limit uses per window. The counts live in the
// database, so several serve processes sharing it enforce one limit together. A refused
// use is not counted. Old entries are removed as the window moves on.
func (s *Server) Allow(ctx context.Context, bucket, client string, limit int, window time.Duration, now time.Time) (bool, error) {
	cut := store.Time(now.Add(-window))
	allowed := false
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM rate_hits WHERE bucket = ? AND client = ? AND at > ?", bucket, client, cut).Scan(&n); err != nil {
			return err
		}
		if n >= limit {
			return nil
		}
		allowed = true
		if _, err := tx.Exec(ctx, "INSERT INTO rate_hits (bucket, client, at) VALUES (?, ?, ?)", bucket, client, store.Time(now)); err != nil {
			return err
		}
		// forget this bucket's expired entries of every client (cheap: the at index)
		_, err := tx.Exec(ctx, "DELETE FROM rate_hits WHERE at <= ? AND bucket = ?", cut, bucket)
		return err
	})
	return allowed, err
}
