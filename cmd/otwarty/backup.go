package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/otwarty/otwarty/internal/db"
)

// runBackup implements "otwarty backup --out FILE": a pg_dump in custom
// format of DATABASE_URL, or of the embedded cluster in the data directory
// (the running one when a server is up, else started for the dump). The dump
// is a consistent snapshot even while the server writes.
func runBackup(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("out", "", "file to write the dump to (PostgreSQL custom format, for otwarty restore or pg_restore)")
	c, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup needs --out FILE")
	}
	log := newLogger(c)
	pgDump, err := pgTool(c, "pg_dump")
	if err != nil {
		return err
	}
	url, stop, err := dumpTarget(ctx, c, log)
	if err != nil {
		return err
	}
	defer stop()
	// Written beside the target and renamed, so that a failed dump never
	// carries the name of a good one.
	partial := *out + ".partial"
	cmd := exec.CommandContext(ctx, pgDump, "--format=custom", "--file="+partial, "--dbname="+url)
	if msg, err := cmd.CombinedOutput(); err != nil {
		_ = os.Remove(partial)
		return fmt.Errorf("pg_dump failed: %w\n%s", err, msg)
	}
	if err := os.Rename(partial, *out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	log.Info("backup written", "file", *out, "bytes", st.Size())
	return nil
}

// runRestore implements "otwarty restore --in FILE": pg_restore of a dump
// made by otwarty backup into DATABASE_URL or the embedded cluster of the data
// directory (initialised when new). The target must hold no tables unless
// --force, which drops what the dump contains before restoring it.
func runRestore(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	in := fs.String("in", "", "dump written by otwarty backup")
	force := fs.Bool("force", false, "restore into a database that already holds tables, replacing the objects the dump contains")
	c, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if *in == "" {
		return errors.New("restore needs --in FILE")
	}
	if _, err := os.Stat(*in); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	log := newLogger(c)
	pgRestore, err := pgTool(c, "pg_restore")
	if err != nil {
		return err
	}
	url, stop, err := dumpTarget(ctx, c, log)
	if err != nil {
		return err
	}
	defer stop()
	tables, err := countTables(ctx, url)
	if err != nil {
		return err
	}
	if tables > 0 && !*force {
		where := "DATABASE_URL"
		if c.DatabaseURL == "" {
			where = "the data directory " + c.DataDir
		}
		return fmt.Errorf("refusing to restore: the database of %s already holds %d tables; restore into an empty "+
			"database or a fresh data directory (--data-dir), or pass --force to replace what the dump contains", where, tables)
	}
	rargs := []string{"--dbname=" + url, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"}
	if *force {
		rargs = append(rargs, "--clean", "--if-exists")
	}
	cmd := exec.CommandContext(ctx, pgRestore, append(rargs, *in)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_restore failed (nothing was restored): %w\n%s", err, msg)
	}
	log.Info("backup restored", "file", *in)
	return nil
}

// dumpTarget is DATABASE_URL, or the PostgreSQL already running on the data
// directory (a live server's), or one started for the command.
func dumpTarget(ctx context.Context, c *config, log *slog.Logger) (url string, stop func(), err error) {
	if c.DatabaseURL != "" {
		return c.DatabaseURL, func() {}, nil
	}
	if u := db.RunningURL(c.DataDir); u != "" {
		log.Info("using the running local PostgreSQL", "data_dir", c.DataDir)
		return u, func() {}, nil
	}
	l, err := db.StartLocal(ctx, db.LocalOptions{DataDir: c.DataDir, BinDir: c.PGBin, Logger: log})
	if err != nil {
		return "", nil, err
	}
	return l.URL, l.Stop, nil
}

// pgTool finds pg_dump or pg_restore beside the server binaries (whose
// version matches the embedded cluster), else on PATH.
func pgTool(c *config, name string) (string, error) {
	if dir, err := db.FindBinaries(c.PGBin); err == nil {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found: install the PostgreSQL client programs (Debian/Ubuntu: apt-get install "+
			"postgresql-client) or set OTWARTY_PG_BIN to their directory", name)
	}
	return p, nil
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// countTables counts the tables outside the system schemas.
func countTables(ctx context.Context, url string) (int, error) {
	pool, err := db.Open(ctx, url)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	var n int
	err = pool.QueryRow(ctx, `select count(*) from pg_class c join pg_namespace s on s.oid = c.relnamespace
		where c.relkind in ('r', 'p') and s.nspname not in ('pg_catalog', 'information_schema')
		and s.nspname not like 'pg\_%'`).Scan(&n)
	return n, err
}
