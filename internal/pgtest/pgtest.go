// Package pgtest gives tests a real PostgreSQL: one throw-away cluster per
// test binary (or the server at TEST_DATABASE_URL) and a fresh migrated
// database per test, copied from a template.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/migrations"
)

var (
	mu       sync.Mutex
	started  bool
	startErr error
	local    *db.Local
	adminURL string
	tmplName string
	prefix   string
	clusterD string
)

// Main runs the tests of a package and then stops its cluster. Call it from
// TestMain: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	shutdown()
	os.Exit(code)
}

func shutdown() {
	mu.Lock()
	defer mu.Unlock()
	if local != nil {
		local.Stop()
		local = nil
		_ = os.RemoveAll(clusterD)
	} else if adminURL != "" {
		dropPrefixed()
	}
}

// start brings the cluster and the migrated template up once per binary.
func start() error {
	mu.Lock()
	defer mu.Unlock()
	if started {
		return startErr
	}
	started = true
	startErr = doStart()
	return startErr
}

func doStart() error {
	ctx := context.Background()
	prefix = "otw_" + strconv.Itoa(os.Getpid()) + "_" + randHex(3)
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		adminURL = u
	} else {
		removeStaleClusters()
		// Under /tmp (world-searchable) so that the postgres user can enter it;
		// t.TempDir() is not.
		dir, err := os.MkdirTemp("/tmp", "otwarty-pgtest-")
		if err != nil {
			return err
		}
		clusterD = dir
		if err := os.Chmod(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			return err
		}
		l, err := db.StartLocal(ctx, db.LocalOptions{
			DataDir: filepath.Join(dir, "c"),
			NoFsync: true,
			Logger:  slog.New(slog.DiscardHandler),
		})
		if err != nil {
			return fmt.Errorf("pgtest: start PostgreSQL: %w", err)
		}
		local = l
		adminURL = l.URL
	}
	tmplName = prefix + "_tmpl"
	if err := exec(ctx, adminURL, "create database "+tmplName); err != nil {
		return err
	}
	pool, err := db.Open(ctx, withDB(adminURL, tmplName))
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := db.Migrate(ctx, pool); err != nil {
		return fmt.Errorf("pgtest: migrate template: %w", err)
	}
	return nil
}

// removeStaleClusters deletes clusters left by test binaries that were killed
// (their postgres died with them through the parent-death signal).
func removeStaleClusters() {
	dirs, _ := filepath.Glob("/tmp/otwarty-pgtest-*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			if st, e := os.Stat(d); e == nil && time.Since(st.ModTime()) > time.Hour {
				_ = os.RemoveAll(d)
			}
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if pid > 0 && syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(d)
		}
	}
}

func dropPrefixed() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "select datname from pg_database where datname like $1", prefix+"%")
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		_, _ = conn.Exec(ctx, "drop database if exists "+n+" with (force)")
	}
}

func exec(ctx context.Context, u, sql string) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return nil
}

func withDB(u, name string) string {
	pu, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	pu.Path = "/" + name
	return pu.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// URL creates a fresh migrated database for this test and returns its URL.
// The database is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	if err := start(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	ctx := context.Background()
	name := prefix + "_" + randHex(6)
	mu.Lock()
	err := exec(ctx, adminURL, "create database "+name+" template "+tmplName)
	mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = exec(context.Background(), adminURL, "drop database if exists "+name+" with (force)")
	})
	return withDB(adminURL, name)
}

// EmptyURL creates a fresh database without any migration for this test
// (migration tests apply them step by step) and returns its URL. The
// database is dropped when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	if err := start(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	ctx := context.Background()
	name := prefix + "_" + randHex(6)
	mu.Lock()
	err := exec(ctx, adminURL, "create database "+name+" template template0")
	mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = exec(context.Background(), adminURL, "drop database if exists "+name+" with (force)")
	})
	return withDB(adminURL, name)
}

// MigratedTo connects to a fresh database migrated to version (migration
// tests fill the old layout, then migrate on with the returned migrator).
// The connection is closed when the test ends.
func MigratedTo(t testing.TB, version int32) (*pgx.Conn, *migrate.Migrator) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, EmptyURL(t))
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	m, err := migrate.NewMigrator(ctx, conn, "schema_version")
	if err == nil {
		err = m.LoadMigrations(migrations.FS)
	}
	if err == nil {
		err = m.MigrateTo(ctx, version)
	}
	if err != nil {
		t.Fatalf("pgtest: migrate to %d: %v", version, err)
	}
	return conn, m
}

// Pool returns a pool on a fresh migrated database, closed when the test ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// AtOnce runs call(i) for i in [0, n) on n goroutines released together (to
// race them on the database), waits for all, and returns what each returned.
func AtOnce[T any](n int, call func(i int) (T, error)) ([]T, []error) {
	out, errs := make([]T, n), make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i], errs[i] = call(i)
		})
	}
	close(start)
	wg.Wait()
	return out, errs
}

// Jobs is db.Jobs on pool for a test.
func Jobs(t testing.TB, pool *pgxpool.Pool) *river.Client[pgx.Tx] {
	t.Helper()
	rc, err := db.Jobs(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// RunScheduledNow makes the scheduled River job of kind for objectID (a
// phase move, such as the close of a vote at the end of its window; its
// args' object_id) available now, as if its time had come, and returns the
// time it was due. Tests give such windows an hour, so that a slow machine
// cannot pass the end while the test still acts inside them.
func RunScheduledNow(t testing.TB, pool *pgxpool.Pool, kind, objectID string) time.Time {
	t.Helper()
	ctx := context.Background()
	var id int64
	var due time.Time
	if err := pool.QueryRow(ctx, `select id, scheduled_at from river_job where kind = $1 and state = 'scheduled'
		and args->>'object_id' = $2`, kind, objectID).Scan(&id, &due); err != nil {
		t.Fatalf("pgtest: no scheduled %s for %s: %v", kind, objectID, err)
	}
	if _, err := Jobs(t, pool).JobRetry(ctx, id); err != nil {
		t.Fatalf("pgtest: run %s now: %v", kind, err)
	}
	return due
}
