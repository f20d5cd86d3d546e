// Package platform is the contract between the program and its modules: what a module
// gives (migrations, routes, home-page figures, demo data, imports) and what it gets
// (the database, accounts, the web server, a logger). Modules import this package,
// never each other's stores; the app package wires them together.
package platform

import (
	"context"
	"io"
	"log/slog"
	"time"

	"tongcheng/internal/auth"
	"tongcheng/internal/store"
	"tongcheng/internal/web"
)

// Deps is what a module receives when it is mounted.
type Deps struct {
	DB   *store.DB
	Auth *auth.Service
	Web  *web.Server
	Log  *slog.Logger
}

// Module is one system of the platform (信用, 河长制, 智慧裁量 …).
type Module interface {
	// Key is the module's short English name, used in URLs (/credit/), roles (credit:collector) and the audit log.
	Key() string
	// Title is the Chinese name shown in navigation.
	Title() string
	// Migrations are the module's own schema steps.
	Migrations() []store.Migrations
	// Mount registers templates, routes, navigation and OpenAPI paths.
	Mount(d *Deps)
}

// Card is one key figure on the home page (驾驶舱).
type Card struct {
	Label string
	Value string
	Note  string
	Link  string
}

// Dashboard is implemented by modules that show figures on the home page.
type Dashboard interface {
	HomeCards(ctx context.Context, u *auth.User) ([]Card, error)
}

// Scale is the size of generated demo data.
type Scale string

const (
	// Small is what a newcomer gets in seconds.
	Small Scale = "small"
	// Bulletin is the 2022 work bulletin's own scale, for benchmarks.
	Bulletin Scale = "bulletin"
)

// DemoSeeder is implemented by modules that generate demo data. Seeding is deterministic for a seed.
type DemoSeeder interface {
	Demo(ctx context.Context, d *Deps, scale Scale, seed int64, out io.Writer) error
}

// Importer is implemented by modules that import files from the command line
// (`tongcheng import MODULE FILE`). It reports progress and rejected rows to out.
type Importer interface {
	ImportFile(ctx context.Context, d *Deps, path string, by *auth.User, out io.Writer) error
}

// Worker is implemented by modules with background work (河长制超期升级 …).
// `serve` calls RunOnce every Interval while it runs; `tongcheng jobs` calls it
// once. RunOnce must be safe when several serve processes share one database.
type Worker interface {
	Interval() time.Duration
	RunOnce(ctx context.Context, out io.Writer) error
}
