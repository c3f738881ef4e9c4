package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
)

// cluster is a PostgreSQL cluster of one test's own, which the test can stop
// and start again on the same data directory while a server uses it (the
// shared pgtest cluster must stay up for the other tests).
type cluster struct {
	t     *testing.T
	dir   string
	local *db.Local
	// adminURL reaches the maintenance database "postgres"; appURL the
	// database "otwarty" the server uses, which can be closed to
	// connections while the admin stays able to reopen it.
	adminURL, appURL string
}

// startCluster initialises and starts a cluster under /tmp (which the postgres
// user can enter, unlike t.TempDir()) with a database "otwarty", and stops and
// removes it when the test ends.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	removeStaleClusters()
	dir, err := os.MkdirTemp("/tmp", "otwarty-outage-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644))
	c := &cluster{t: t, dir: dir}
	t.Cleanup(func() {
		if c.local != nil {
			c.local.Stop()
		}
		_ = os.RemoveAll(dir)
	})
	c.start()
	c.exec(c.adminURL, "create database otwarty")
	u, err := url.Parse(c.adminURL)
	require.NoError(t, err)
	u.Path = "/otwarty"
	c.appURL = u.String()
	return c
}

// removeStaleClusters deletes the clusters of test binaries that were killed
// (their PostgreSQL died with them through the parent-death signal).
func removeStaleClusters() {
	dirs, _ := filepath.Glob("/tmp/otwarty-outage-*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if pid > 0 && syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(d)
		}
	}
}

// start starts PostgreSQL on the cluster's data directory (initialising it
// the first time). The socket directory, and so the URL, stays the same.
func (c *cluster) start() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	l, err := db.StartLocal(ctx, db.LocalOptions{
		DataDir: filepath.Join(c.dir, "c"),
		NoFsync: true,
		Logger:  slog.New(slog.DiscardHandler),
	})
	require.NoError(c.t, err, "start PostgreSQL")
	if c.adminURL != "" {
		require.Equal(c.t, c.adminURL, l.URL, "the cluster's URL after a restart")
	}
	c.local, c.adminURL = l, l.URL
}

// stop shuts PostgreSQL down (fast shutdown: every connection is ended).
func (c *cluster) stop() {
	c.local.Stop()
	c.local = nil
}

// exec runs one statement on a fresh connection to dbURL.
func (c *cluster) exec(dbURL, sql string, args ...any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(c.t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql, args...)
	require.NoError(c.t, err, "%s", sql)
}

// gqlAttempt is one GraphQL request's outcome: the first error's code ("" when
// it succeeded), its message, and how long the answer took.
type gqlAttempt struct {
	status  int
	code    string
	message string
	took    time.Duration
}

// tryGQL posts a query as token and reports the outcome instead of failing
// on a GraphQL error; a transport error or an answer that is not GraphQL
// JSON fails the test. The request is bounded by stepTimeout: a server that
// hangs while its database is away fails here.
func tryGQL(t *testing.T, s *server, token, query string) gqlAttempt {
	t.Helper()
	a, err := postGQL(s, token, query)
	require.NoError(t, err)
	return a
}

// postGQL is tryGQL for other goroutines than the test's: it returns what
// went wrong instead of failing the test.
func postGQL(s *server, token, query string) (gqlAttempt, error) {
	body, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		return gqlAttempt{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.httpURL(), bytes.NewReader(body))
	if err != nil {
		return gqlAttempt{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return gqlAttempt{}, fmt.Errorf("POST %s (bounded by %v): %w", s.httpURL(), stepTimeout, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return gqlAttempt{}, fmt.Errorf("reading the answer (bounded by %v): %w", stepTimeout, err)
	}
	a := gqlAttempt{status: resp.StatusCode, took: time.Since(start)}
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return a, fmt.Errorf("HTTP %d, not JSON: %s", resp.StatusCode, raw)
	}
	if len(r.Errors) > 0 {
		a.code, _ = r.Errors[0].Extensions["code"].(string)
		a.message = r.Errors[0].Message
	}
	return a, nil
}

// readyz returns s's /readyz status code.
func readyz(t *testing.T, s *server) int {
	t.Helper()
	client := &http.Client{Timeout: stepTimeout}
	resp, err := client.Get("http://" + s.addr + "/readyz")
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// rawID is the database id inside a global ID ("Account:<uuid>", base64).
func rawID(t *testing.T, global string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(global)
	require.NoError(t, err, "global id %q", global)
	_, id, ok := strings.Cut(string(b), ":")
	require.True(t, ok, "global id %q is %q", global, b)
	return id
}

// waitJobsIdle waits until no River job of dbURL waits or runs, so that
// what a test counts later is caused by what it does later.
func waitJobsIdle(t *testing.T, dbURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	for {
		var busy int
		require.NoError(t, conn.QueryRow(ctx, `select count(*) from river_job
			where state in ('available', 'pending', 'running', 'retryable')`).Scan(&busy))
		if busy == 0 {
			return
		}
		require.NoError(t, ctx.Err(), "River jobs still waiting or running after %v", eventTimeout)
		time.Sleep(pollInterval)
	}
}

// freeze stops (SIGSTOP) the postmaster and every process it started, as a
// hung server or a network partition would look to a client: connections
// are accepted by the kernel, and nothing answers. The returned function
// resumes them; it also runs when the test ends. Linux only (/proc).
func (c *cluster) freeze() (thaw func()) {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, "c", "pgdata", "postmaster.pid"))
	require.NoError(c.t, err)
	postmaster, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	require.NoError(c.t, err)
	pids := []int{postmaster}
	entries, err := os.ReadDir("/proc")
	require.NoError(c.t, err)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(postmaster) {
			pids = append(pids, pid)
		}
	}
	require.Greater(c.t, len(pids), 1, "the postmaster's processes")
	for _, pid := range pids {
		require.NoError(c.t, syscall.Kill(pid, syscall.SIGSTOP))
	}
	var once sync.Once
	thaw = func() {
		once.Do(func() {
			for _, pid := range pids {
				_ = syscall.Kill(pid, syscall.SIGCONT)
			}
		})
	}
	c.t.Cleanup(thaw)
	return thaw
}
