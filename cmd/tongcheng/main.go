// Command tongcheng is 同城, the 成德眉资 metropolitan-integration platform:
// one binary with the subcommands serve, migrate, demo, import, user and backup.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"text/tabwriter"

	"tongcheng/internal/app"
	"tongcheng/internal/auth"
	"tongcheng/internal/platform"
	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

const usage = `同城 tongcheng — 成德眉资同城化协同平台 / Chengdu metropolitan-area integration platform

用法 / usage:  tongcheng <命令 command> [参数 flags]

命令 / commands:
  serve     启动 Web 服务与 JSON 接口 / run the web server and JSON API
  migrate   执行数据库迁移后退出 / apply schema migrations and exit
  demo      生成演示数据库（确定性、可复现）/ create a database filled with deterministic demo data
  import    从 CSV / Excel 文件导入某模块的数据 / import a module's data from a CSV or .xlsx file
  user      账号管理：add、passwd、list / manage accounts
  backup    在服务运行时生成数据库的一致副本 / make a consistent copy of the database while serving
  jobs      执行一次后台任务（如河长制超期升级）后退出 / run the background jobs once (e.g. overdue escalation) and exit
  help      显示本帮助 / show this help

数据库 / database:  --db 或 / or TONGCHENG_DB，默认 / default ./data/tongcheng.db（内嵌 SQLite / embedded SQLite）；
                    以 postgres:// 开头则使用 PostgreSQL / a postgres:// URL selects PostgreSQL.
每个命令的详细说明 / details of each command:  tongcheng <命令> -h
`

func main() {
	// SIGTERM or Ctrl-C ends ctx: serve finishes the requests in flight, then returns
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		stop()
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "错误 / error:", err)
		os.Exit(1)
	}
}

type usageError string

func (u usageError) Error() string { return string(u) }

// commands maps each subcommand to its function.
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"serve": cmdServe, "migrate": cmdMigrate, "demo": cmdDemo, "import": cmdImport,
	"user": cmdUser, "backup": cmdBackup, "jobs": cmdJobs,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	if f, ok := commands[cmd]; ok {
		return f(ctx, rest, stdout, stderr)
	}
	switch cmd {
	case "help", "-h", "--help":
		if len(rest) > 0 {
			// tongcheng help CMD is tongcheng CMD -h, written to stdout
			if f, ok := commands[rest[0]]; ok {
				return f(ctx, []string{"-h"}, stdout, stdout)
			}
			return usageError(fmt.Sprintf("未知命令 / unknown command %q\n\n%s", rest[0], usage))
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError(fmt.Sprintf("未知命令 / unknown command %q\n\n%s", cmd, usage))
}

func newFlags(name, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\n参数 / flags:\n", help)
		fs.PrintDefaults()
	}
	return fs
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", app.Env("TONGCHENG_DB", app.DefaultDB), "数据库：SQLite 文件路径或 postgres:// URL / SQLite file or postgres:// URL (TONGCHENG_DB)")
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError(err.Error())
	}
	return nil
}

func logger(stderr io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError(fmt.Sprintf("--log-level %q 无效，只能是 debug、info、warn 或 error / must be debug, info, warn or error", level))
	}
	return slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: l})), nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", `tongcheng serve — 启动 Web 服务（页面与 /api/v1 接口）/ run the web server (pages and /api/v1)
首次启动且没有任何账号时，创建 admin 账号并打印一次随机密码。
On first start with no accounts, creates "admin" and prints its random password once.
SIGTERM / Ctrl-C：处理完进行中的请求后退出 / finishes requests in flight, then exits.`, stderr)
	db := dbFlag(fs)
	addr := fs.String("addr", app.Env("TONGCHENG_ADDR", "127.0.0.1:8080"), "监听地址 / listen address (TONGCHENG_ADDR)")
	secure := fs.Bool("secure-cookies", app.Env("TONGCHENG_SECURE_COOKIES", "") == "1", "仅通过 HTTPS 发送 Cookie（部署在 HTTPS 反向代理后时打开）/ mark cookies Secure (behind HTTPS)")
	proxies := fs.String("trusted-proxies", app.Env("TONGCHENG_TRUSTED_PROXIES", ""), "受信任的反向代理地址或网段，逗号分隔；只有来自它们的 X-Forwarded-For 才被采信 / reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed (TONGCHENG_TRUSTED_PROXIES)")
	level := fs.String("log-level", app.Env("TONGCHENG_LOG_LEVEL", "info"), "日志级别 / log level: debug, info, warn, error")
	if err := parse(fs, args); err != nil || fs.Parsed() && helpAsked(args) {
		return err
	}
	log, err := logger(stderr, *level)
	if err != nil {
		return err
	}
	tuneGC()
	a, err := app.Open(ctx, app.Config{DB: *db, SecureCookies: *secure, TrustedProxies: *proxies}, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if pw, err := a.Deps.Auth.EnsureAdmin(ctx); err != nil {
		return err
	} else if pw != "" {
		fmt.Fprintf(stdout, "已创建管理员账号 / created administrator:  用户名 admin  密码 %s\n（只显示这一次，请立即登录并妥善保存 / shown once only）\n", pw)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s（端口可能已被占用，可用 --addr 换一个）/ cannot listen: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "同城已启动 / tongcheng is running:  http://%s/   数据库 / database: %s (%s)\n", ln.Addr(), a.Deps.DB.Target, a.Deps.DB.Dialect)
	log.Info("serving", "addr", ln.Addr().String(), "db", a.Deps.DB.Dialect.String())
	return a.Serve(ctx, ln)
}

func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "tongcheng migrate — 执行所有模块尚未执行的数据库迁移后退出 / apply every pending migration of every module, then exit", stderr)
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil || helpAsked(args) {
		return err
	}
	sdb, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer sdb.Close()
	before, err := sdb.Applied(ctx)
	if err != nil {
		return err
	}
	a, err := app.Build(ctx, sdb, nil, false)
	if err != nil {
		return err
	}
	after, _ := sdb.Applied(ctx)
	n := 0
	for m, v := range after {
		if v != before[m] {
			fmt.Fprintf(stdout, "%s: %d → %d\n", m, before[m], v)
			n++
		}
	}
	_ = a
	if n == 0 {
		fmt.Fprintln(stdout, "数据库已是最新 / database is up to date")
	} else {
		fmt.Fprintf(stdout, "迁移完成 / migrated %d module(s)\n", n)
	}
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", `tongcheng demo — 生成演示数据库：演示账号（四市各角色）与各模块的演示数据，确定性可复现。
Create a database filled with deterministic demo data: demo accounts (several roles in each city) and every module's data.
  --scale small     新手几秒钟可得的小规模 / small, ready in seconds
  --scale bulletin  2022 年工作简报所述规模，用于基准测试 / the 2022 bulletin's scale, for benchmarks`, stderr)
	db := dbFlag(fs)
	scale := fs.String("scale", "small", "规模 / scale: small | bulletin")
	seed := fs.Int64("seed", 2022, "随机种子 / random seed")
	force := fs.Bool("force", false, "SQLite 文件已存在时先删除重建 / delete an existing SQLite file first")
	if err := parse(fs, args); err != nil || helpAsked(args) {
		return err
	}
	if *scale != string(platform.Small) && *scale != string(platform.Bulletin) {
		return usageError("--scale 只能是 small 或 bulletin / --scale must be small or bulletin")
	}
	if !store.IsPostgresURL(*db) {
		if _, err := os.Stat(*db); err == nil {
			if !*force {
				return fmt.Errorf("数据库文件 %s 已存在；如确认要用演示数据覆盖它，请加 --force / %s exists: add --force to replace it", *db, *db)
			}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(*db + suffix)
			}
		}
	}
	tuneGC()
	a, err := app.Open(ctx, app.Config{DB: *db}, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Demo(ctx, platform.Scale(*scale), *seed, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n演示数据库已生成 / demo database ready: %s\n演示账号（密码均为 / password of all: %s）:\n", a.Deps.DB.Target, app.DemoPassword)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	for _, u := range app.DemoUsers() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", u.Username, u.Name, region.FullName(u.Region), u.Roles)
	}
	tw.Flush()
	return nil
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", `tongcheng import <模块 module> <文件 file> — 从 CSV 或 Excel(.xlsx) 导入数据；每一行都校验，
有效行全部保存，错误行逐行报告（行号、字段、原因）；同一文件重复导入不会产生重复数据。
Import a CSV or .xlsx file into a module: every valid row is kept, every bad row reported with its line; re-running changes nothing.`, stderr)
	db := dbFlag(fs)
	as := fs.String("as", "admin", "以哪个账号的名义导入（决定辖区范围，记入审计日志）/ account the import acts as")
	if err := parse(fs, args); err != nil || helpAsked(args) {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usageError("需要两个参数：模块与文件 / need MODULE and FILE")
	}
	tuneGC()
	a, err := app.Open(ctx, app.Config{DB: *db}, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	m := a.Module(fs.Arg(0))
	im, ok := m.(platform.Importer)
	if m == nil || !ok {
		var names []string
		for _, x := range a.Modules {
			if _, ok := x.(platform.Importer); ok {
				names = append(names, x.Key())
			}
		}
		return usageError(fmt.Sprintf("模块 %q 不支持导入；可导入的模块 / importable modules: %s", fs.Arg(0), strings.Join(names, ", ")))
	}
	u, err := a.Deps.Auth.GetByName(ctx, *as)
	if err != nil {
		return fmt.Errorf("账号 %s 不存在 / no such account", *as)
	}
	return im.ImportFile(ctx, a.Deps, fs.Arg(1), u, stdout)
}

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	help := `tongcheng user add|passwd|list — 账号管理 / manage accounts
  tongcheng user add --username NAME --region CODE --roles module:role,... [--name 姓名] [--password PW]
      新建账号；不给密码则随机生成并打印 / add an account; a random password is made and printed when omitted
  tongcheng user passwd --username NAME [--password PW]
      重置密码并结束该账号的全部会话；不给密码则随机生成并打印 / reset a password and end the account's sessions; random when omitted
  tongcheng user list
      列出全部账号（用户名、姓名、区划、角色、状态）/ list every account (username, name, region, roles, state)
角色 / roles: admin 管理员, officer 执法人员, reviewer 法制审核员, collector 信用归集员, chief 河长,
             riveroffice 河长办, dispatcher 调度员, analyst 分析员, viewer 只读；模块 * 表示全部模块 / * = every module`
	if len(args) == 0 || helpAsked(args[:1]) {
		fmt.Fprintln(stderr, help)
		if len(args) == 0 {
			return usageError("需要子命令 add、passwd 或 list / need add, passwd or list")
		}
		return nil
	}
	sub := args[0]
	fs := newFlags("user "+sub, help, stderr)
	db := dbFlag(fs)
	username := fs.String("username", "", "用户名 / username")
	name := fs.String("name", "", "姓名 / display name")
	pw := fs.String("password", "", "密码（至少 10 位）/ password (10+ characters)")
	reg := fs.String("region", region.ProvinceCode, "所属区划 GB/T 2260 代码 / home region code")
	roles := fs.String("roles", "", "角色 / roles, e.g. credit:collector")
	if err := parse(fs, args[1:]); err != nil || helpAsked(args[1:]) {
		return err
	}
	a, err := app.Open(ctx, app.Config{DB: *db}, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	as := a.Deps.Auth
	switch sub {
	case "add":
		p := *pw
		if p == "" {
			p = auth.RandomPassword()
		}
		u, err := as.Create(ctx, auth.NewUser{Username: *username, DisplayName: *name, Password: p, Region: *reg, Roles: *roles})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已创建账号 / created: %s（%s）密码 / password: %s\n", u.Username, region.FullName(u.Region), p)
	case "passwd":
		u, err := as.GetByName(ctx, *username)
		if err != nil {
			return fmt.Errorf("账号 %q 不存在 / no such account", *username)
		}
		p := *pw
		if p == "" {
			p = auth.RandomPassword()
		}
		if err := as.SetPassword(ctx, u.ID, p); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已重置 %s 的密码 / password reset: %s\n", u.Username, p)
	case "list":
		list, err := as.List(ctx, "")
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "用户名\t姓名\t区划\t角色\t状态")
		for _, u := range list {
			st := "正常"
			if u.Disabled {
				st = "停用"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, region.FullName(u.Region), u.Roles, st)
		}
		tw.Flush()
	default:
		return usageError("未知子命令 / unknown: user " + sub + "\n" + help)
	}
	return nil
}

// tuneGC sets the garbage-collection pace of serve, import and demo unless GOGC /
// GOMEMLIMIT say otherwise. Their live heap is small (tens of MiB) and every page and
// every imported row allocates, so Go's default (collect when the heap doubles) runs the
// collector very often; collecting at five times the live heap buys throughput for some
// tens of MiB (the import of 1.38 million subjects: 2.5 s less CPU of about 27 s, 100 MiB
// more memory), and a soft limit of 1 GiB makes the collector work harder before the
// process could grow past it.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}

func cmdJobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("jobs", `tongcheng jobs — 执行一次各模块的后台任务后退出（serve 运行时每分钟自动执行），如河长制超期问题的标记与升级督办。
Run every module's background jobs once and exit (serve runs them every minute), e.g. flagging and escalating overdue river problems.`, stderr)
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil || helpAsked(args) {
		return err
	}
	a, err := app.Open(ctx, app.Config{DB: *db}, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.RunWorkers(ctx, stdout); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "后台任务已执行 / jobs done")
	return nil
}
