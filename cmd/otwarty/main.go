// Command otwarty is the whole platform in one binary: the API server and
// its tools.
//
//	otwarty serve              run the server (embedded PostgreSQL without DATABASE_URL)
//	otwarty migrate            apply migrations to DATABASE_URL and exit
//	otwarty seed --demo        fill the database with a believable demo
//	otwarty admin create       create the first admin account
//	otwarty backup / restore   dump the database to a file / restore it into an empty one
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/metrics"
)

const usage = `usage: otwarty <command> [flags]

commands:
  serve          run the server (web pages at /, GraphQL at /query, GraphiQL at /graphiql)
  migrate        apply database migrations and exit
  seed --demo    fill the database with demo accounts and organisations
  admin create   create an admin account (--email, --name; password from OTWARTY_ADMIN_PASSWORD or stdin)
  backup         dump the database to --out FILE (pg_dump custom format; embedded cluster or DATABASE_URL)
  restore        restore --in FILE into an empty database or a fresh data directory (--force to replace)
  pb tally       count a Pabulib .pb file (--rule greedy|greedy-noskip|mes|mes-add1|mes-add1-exhaustive)
  pb synth       write the synthetic 150,000-voter approval election of the counting benchmark
  pb replay      replay Pabulib ballots through a server's API as an official (--url, --email/--password or --token)

Run "otwarty <command> -h" for the flags of a command. Every flag has an
OTWARTY_* (or DATABASE_URL) environment variable; see README.md.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = runServe(ctx, args)
	case "migrate":
		err = runMigrate(ctx, args)
	case "seed":
		err = runSeed(ctx, args)
	case "admin":
		err = runAdmin(ctx, args)
	case "pb":
		err = runPB(ctx, args)
	case "backup":
		err = runBackup(ctx, args)
	case "restore":
		err = runRestore(ctx, args)
	case "bench":
		err = runBench(ctx, args)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "otwarty: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			msg := i18n.T(i18n.EN, ae.Key, ae.Args)
			if ae.Field != "" {
				msg = ae.Field + ": " + msg
			}
			err = errors.New(msg)
		}
		fmt.Fprintf(os.Stderr, "otwarty: %v\n", err)
		os.Exit(1)
	}
}

func newLogger(c *config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(c.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// database opens DATABASE_URL, or starts the local PostgreSQL in the data
// directory. The returned stop closes the pool and stops the local server.
func database(ctx context.Context, c *config, log *slog.Logger) (pool *pgxpool.Pool, listenURL string, stop func(), err error) {
	url := c.DatabaseURL
	var local *db.Local
	if url == "" {
		local, err = db.StartLocal(ctx, db.LocalOptions{DataDir: c.DataDir, BinDir: c.PGBin, Logger: log})
		if err != nil {
			return nil, "", nil, err
		}
		url = local.URL
		log.Info("local PostgreSQL started", "data_dir", c.DataDir)
	}
	pool, err = db.Open(ctx, url, metrics.CountStatements)
	if err != nil {
		if local != nil {
			local.Stop()
		}
		return nil, "", nil, err
	}
	listenURL = c.DatabaseListenURL
	if listenURL == "" {
		listenURL = url
	}
	return pool, listenURL, func() {
		pool.Close()
		if local != nil {
			local.Stop()
			log.Info("local PostgreSQL stopped")
		}
	}, nil
}

func runMigrate(ctx context.Context, args []string) error {
	c, err := loadConfig(flag.NewFlagSet("migrate", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	log := newLogger(c)
	pool, _, stop, err := database(ctx, c, log)
	if err != nil {
		return err
	}
	defer stop()
	if err := db.Migrate(ctx, pool); err != nil {
		return err
	}
	log.Info("migrations applied")
	return nil
}
