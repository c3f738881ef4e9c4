// Package db owns the connection pool, the one transaction helper, migrations
// and the embedded local PostgreSQL.
package db

import (
	"context"
	"fmt"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects a pool to url and checks that the server answers. Each
// configure function may adjust the config first (e.g. to add a tracer).
func Open(ctx context.Context, url string, configure ...func(*pgxpool.Config)) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	EncodeUUIDs(cfg)
	for _, f := range configure {
		f(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

// Tx is a transaction with hooks that run after a successful commit (for
// example, applying a role grant to this instance's enforcer at once).
type Tx struct {
	pgx.Tx
	onCommit []func()
}

// OnCommit registers f to run after the transaction commits. It never runs
// when the transaction rolls back.
func (t *Tx) OnCommit(f func()) { t.onCommit = append(t.onCommit, f) }

// Jobs returns the River client that every service inserts its jobs with,
// in the caller's transaction (InsertTx). It runs no workers: those run on
// the client `serve` starts. One is made at start-up and given to each
// service.
func Jobs(pool *pgxpool.Pool, log *slog.Logger) (*river.Client[pgx.Tx], error) {
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return rc, nil
}

// Querier reads: a pool, a connection or a transaction. Functions that
// may run inside or outside a transaction take it.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Executor reads and writes: a pool, a connection or a transaction.
type Executor interface {
	Querier
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Beginner is what InTx needs: a pool, a connection or an outer transaction.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// InTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise (including when fn panics). It is the one way the code base opens
// transactions.
func InTx(ctx context.Context, b Beginner, fn func(tx *Tx) error) (err error) {
	ptx, err := b.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: ptx}
	defer func() {
		if p := recover(); p != nil {
			_ = ptx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = ptx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, f := range tx.onCommit {
		f()
	}
	return nil
}
