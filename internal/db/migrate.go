package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/otwarty/otwarty/migrations"
)

// migrationLock is the advisory lock key under which our migrations and
// River's run, so two processes starting at once never apply one twice.
const migrationLock = 0x07_7A_17_2024

const versionTable = "schema_version"

// Migrate applies our migrations and River's under one advisory lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "select pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), "select pg_advisory_unlock($1)", migrationLock)
	}()

	m, err := migrate.NewMigrator(ctx, conn.Conn(), versionTable)
	if err != nil {
		return fmt.Errorf("migrator: %w", err)
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river migrator: %w", err)
	}
	// River's migrations cannot share one transaction (an enum value is added
	// and then used), so each version commits on its own, on the connection
	// that holds our advisory lock.
	for _, v := range rm.AllVersions() {
		err := InTx(ctx, conn, func(tx *Tx) error {
			_, err := rm.MigrateTx(ctx, tx.Tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: v.Version})
			return err
		})
		if err != nil {
			return fmt.Errorf("river migrate to %d: %w", v.Version, err)
		}
	}
	return nil
}

// ErrPending says that the database lacks migrations this binary has.
var ErrPending = errors.New("migrations pending")

// CheckMigrations returns ErrPending (wrapped, with detail) when either our
// migrations or River's are not all applied.
func CheckMigrations(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), versionTable)
	if err != nil {
		return err
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		return err
	}
	var exists bool
	if err := conn.QueryRow(ctx, "select to_regclass($1) is not null", versionTable).Scan(&exists); err != nil {
		return err
	}
	have := int32(0)
	if exists {
		if have, err = m.GetCurrentVersion(ctx); err != nil {
			return err
		}
	}
	if want := int32(len(m.Migrations)); have < want {
		return fmt.Errorf("%w: schema at version %d of %d", ErrPending, have, want)
	}
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	res, err := rm.Validate(ctx, nil)
	if err != nil {
		return err
	}
	if !res.OK {
		return fmt.Errorf("%w: river: %v", ErrPending, res.Messages)
	}
	return nil
}
