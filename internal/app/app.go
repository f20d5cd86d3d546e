// Package app wires the program together: configuration, the database, each module's
// migrations and routes, and the HTTP server's life (start, graceful shutdown).
package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/shell"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// Config is read from flags and TONGCHENG_* environment variables.
type Config struct {
	DB            string // SQLite path or postgres:// URL
	Addr          string
	SecureCookies bool
	// TrustedProxies lists the reverse proxies (addresses or CIDR ranges, comma-separated)
	// whose X-Forwarded-For names the client.
	TrustedProxies string
	LogLevel       slog.Level
}

// DefaultDB is the embedded database's default path.
const DefaultDB = "data/tongcheng.db"

// Env returns the environment value of key or def.
func Env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// App is a running configuration: database, modules, web server.
type App struct {
	Deps    *platform.Deps
	Shell   *shell.Shell
	Modules []platform.Module
}

// Modules returns a new set of every module the program has, in navigation order
// (programModules in modules.go), followed by any module registered by a test that the
// program does not have.
func Modules() []platform.Module {
	mods := programModules()
	for _, m := range registered {
		if !slices.ContainsFunc(mods, func(x platform.Module) bool { return x.Key() == m.Key() }) {
			mods = append(mods, m)
		}
	}
	return mods
}

var registered []platform.Module

// Register adds a module that the program does not build itself (a module's tests may
// call it before the app is built); a module the program has is ignored here, since
// every App builds its own set.
func Register(m platform.Module) {
	for _, x := range registered {
		if x.Key() == m.Key() {
			return
		}
	}
	registered = append(registered, m)
}

// Open opens the database, applies migrations and mounts every module.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	proxies, err := web.ParseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		db.Close()
		return nil, err
	}
	a, err := Build(ctx, db, log, cfg.SecureCookies)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Deps.Web.TrustedProxies = proxies
	return a, nil
}

// Migrations returns every schema step set, the shell's first.
func (a *App) Migrations() []store.Migrations {
	sets := a.Shell.Migrations()
	for _, m := range a.Modules {
		sets = append(sets, m.Migrations()...)
	}
	return sets
}

// Build migrates db and mounts the shell and the modules on a new web server.
func Build(ctx context.Context, db *store.DB, log *slog.Logger, secure bool) (*App, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	as := auth.New(db)
	ws := web.NewServer(as, db, log)
	ws.SecureCookies = secure
	d := &platform.Deps{DB: db, Auth: as, Web: ws, Log: log}
	a := &App{Deps: d, Modules: Modules(), Shell: &shell.Shell{}}
	a.Shell.Modules = a.Modules
	applied, err := db.Migrate(ctx, a.Migrations()...)
	if err != nil {
		return nil, err
	}
	for _, s := range applied {
		log.Info("migration applied", "step", s)
	}
	a.Shell.Mount(d)
	for _, m := range a.Modules {
		m.Mount(d)
	}
	ws.AddNav(
		web.NavItem{Title: "账号管理", Path: "/users", Admin: true},
		web.NavItem{Title: "审计日志", Path: "/audit", Admin: true},
		web.NavItem{Title: "接口令牌", Path: "/tokens"},
	)
	a.Shell.MountFallback()
	return a, nil
}

// Close closes the database.
func (a *App) Close() error { return a.Deps.DB.Close() }

// Module returns the module with key, or nil.
func (a *App) Module(key string) platform.Module {
	for _, m := range a.Modules {
		if m.Key() == key {
			return m
		}
	}
	return nil
}

// maintain keeps the database in shape while serving, once at start and then every hour:
// it refreshes the query planner's statistics (imports and daily work change how selective
// a filter is) and deletes ended sessions and stale failed-login counts.
func (a *App) maintain(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		start := time.Now()
		if err := a.Deps.DB.Analyze(ctx); err != nil && ctx.Err() == nil {
			a.Deps.Log.Warn("planner statistics not refreshed", "err", err)
		} else {
			a.Deps.Log.Debug("planner statistics refreshed", "took", time.Since(start))
		}
		if n, err := a.Deps.Auth.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			a.Deps.Log.Warn("ended sessions not purged", "err", err)
		} else if n > 0 {
			a.Deps.Log.Info("ended sessions purged", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ReadHeaderTimeout is how long a client may take to send a request's headers before the
// server closes the connection (slow or stuck clients must not hold connections).
var ReadHeaderTimeout = 10 * time.Second

// Serve runs the HTTP server on ln until ctx ends, then finishes requests in flight
// (up to 20 seconds) before returning.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Deps.Web,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       5 * time.Minute, // uploads of large Excel files
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Deps.Log.Handler(), slog.LevelWarn),
	}
	go a.maintain(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	wctx, stopWorkers := context.WithCancel(ctx)
	waitWorkers := a.StartWorkers(wctx)
	defer func() { stopWorkers(); waitWorkers() }() // no job is left half-way when the database closes
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Deps.Log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// StartWorkers runs each module's background work (platform.Worker) now and
// then every Interval until ctx ends; the returned func waits for them to stop.
func (a *App) StartWorkers(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, m := range a.Modules {
		wk, ok := m.(platform.Worker)
		if !ok {
			continue
		}
		wg.Add(1)
		go func(key string, wk platform.Worker) {
			defer wg.Done()
			every := wk.Interval()
			if every <= 0 {
				every = time.Minute
			}
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				var out bytes.Buffer
				if err := wk.RunOnce(ctx, &out); err != nil && ctx.Err() == nil {
					a.Deps.Log.Error("background job failed", "module", key, "err", err)
				} else if out.Len() > 0 {
					a.Deps.Log.Info("background job", "module", key, "result", strings.TrimSpace(out.String()))
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}(m.Key(), wk)
	}
	return wg.Wait
}

// RunWorkers runs each module's background work once (`tongcheng jobs`).
func (a *App) RunWorkers(ctx context.Context, out io.Writer) error {
	for _, m := range a.Modules {
		if wk, ok := m.(platform.Worker); ok {
			if err := wk.RunOnce(ctx, out); err != nil {
				return err
			}
		}
	}
	return nil
}
