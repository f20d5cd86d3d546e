package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"tongcheng/internal/app"
	"tongcheng/internal/store"
)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", `tongcheng backup --out FILE — 生成数据库的一致副本，服务运行中也可执行。
SQLite：用 VACUUM INTO 写出一个完整、一致的新数据库文件；PostgreSQL：调用 pg_dump 生成自定义格式备份
（用 pg_restore 恢复；pg_dump 取自 PATH，或由 TONGCHENG_PG_DUMP 指定）。
Make a consistent copy while the server runs: SQLite via VACUUM INTO (a complete new database file),
PostgreSQL via pg_dump in custom format (restore with pg_restore; pg_dump from PATH or TONGCHENG_PG_DUMP).`, stderr)
	db := dbFlag(fs)
	out := fs.String("out", "", "备份文件路径（不能已存在）/ output file (must not exist)")
	if err := parse(fs, args); err != nil || helpAsked(args) {
		return err
	}
	if *out == "" {
		fs.Usage()
		return usageError("请用 --out 指定备份文件 / --out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("备份文件 %s 已存在，请换一个文件名 / %s exists", *out, *out)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return fmt.Errorf("无法创建备份目录 / cannot create the folder: %w", err)
	}
	var err error
	if store.IsPostgresURL(*db) {
		err = pgDump(ctx, *db, *out)
	} else {
		err = sqliteBackup(ctx, *db, *out)
	}
	if err != nil {
		os.Remove(*out) // no half-written file that looks like a backup
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份 / backed up to %s (%d 字节 / bytes)\n", *out, st.Size())
	return nil
}

func sqliteBackup(ctx context.Context, path, out string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("数据库文件 %s 不存在，请检查 --db / no such database file", path)
	}
	sdb, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer sdb.Close()
	// VACUUM INTO reads one snapshot (a read transaction), so writers carry on meanwhile
	if _, err := sdb.Exec(ctx, "VACUUM INTO ?", out); err != nil {
		return fmt.Errorf("备份失败 / backup failed: %w", err)
	}
	return nil
}

// pgDump runs pg_dump on the database of url. pg_dump reads one snapshot, so the copy is
// consistent while servers write.
func pgDump(ctx context.Context, dsn, out string) error {
	bin := app.Env("TONGCHENG_PG_DUMP", "pg_dump")
	path, err := exec.LookPath(bin)
	if err != nil {
		return fmt.Errorf("找不到 pg_dump（%s）：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client，版本不低于服务器），或用 TONGCHENG_PG_DUMP 指定其路径 / pg_dump not found: install the PostgreSQL client or set TONGCHENG_PG_DUMP", bin)
	}
	args, env, err := pgDumpArgs(dsn)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, path, append([]string{"--format=custom", "--file=" + out}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var msg bytes.Buffer
	cmd.Stderr = &msg
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump 失败，没有生成备份 / pg_dump failed: %w: %s", err, strings.TrimSpace(msg.String()))
	}
	return nil
}

// libpqParams are the connection URL parameters pg_dump (libpq) understands; the
// program's driver accepts more (search_path, pool settings), which pg_dump would refuse.
var libpqParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "passfile": true,
	"connect_timeout": true, "client_encoding": true, "options": true, "application_name": true,
	"sslmode": true, "sslcert": true, "sslkey": true, "sslrootcert": true, "sslcrl": true, "sslpassword": true,
	"target_session_attrs": true, "keepalives": true, "gssencmode": true, "krbsrvname": true,
}

// pgDumpArgs turns the program's postgres:// URL into pg_dump arguments: the password
// travels in PGPASSWORD (not on the command line, where other users could read it), a
// search_path becomes --schema (the program's tables live in those schemas), and
// parameters only the program's driver knows are left out.
func pgDumpArgs(dsn string) (args, env []string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, nil, errors.New("PostgreSQL 连接地址无效，请检查 --db / TONGCHENG_DB")
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k, vs := range q {
		if k == "search_path" {
			for _, v := range vs {
				for _, s := range strings.Split(v, ",") {
					if s = strings.TrimSpace(s); s != "" && s != "public" {
						args = append(args, "--schema="+s)
					}
				}
			}
		}
		if !libpqParams[k] {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return append(args, "--dbname="+u.String()), env, nil
}
