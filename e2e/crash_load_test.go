package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// The machinery of the crash tests (crash_test.go): clients that record
// which mutations the server acknowledged, a kill -9 after K
// acknowledgements, and the retry of everything else after a restart.

// crashEnv turns the rate limits off: many clients from one address.
var crashEnv = []string{"OTWARTY_RATE_SIGNUP=0/0", "OTWARTY_RATE_SIGNIN=0/0", "OTWARTY_RATE_ANONYMOUS=0/0",
	"OTWARTY_RATE_WRITES=0/0"}

// crashScale multiplies the loads of the crash tests: 1 in CI, more for a
// bigger run, e.g. OTWARTY_CRASH_SCALE=10 go test -run Crash ./e2e/.
func crashScale(t *testing.T) int {
	t.Helper()
	v := os.Getenv("OTWARTY_CRASH_SCALE")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "OTWARTY_CRASH_SCALE")
	require.Positive(t, n, "OTWARTY_CRASH_SCALE")
	return n
}

// crashClients is how many clients send at once (OTWARTY_CRASH_CLIENTS,
// default 16).
func crashClients(t *testing.T) int {
	t.Helper()
	v := os.Getenv("OTWARTY_CRASH_CLIENTS")
	if v == "" {
		return 16
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "OTWARTY_CRASH_CLIENTS")
	require.Positive(t, n, "OTWARTY_CRASH_CLIENTS")
	return n
}

// kill9 kills the server with SIGKILL (no shutdown of any kind) and waits
// for it to be gone.
func kill9(t *testing.T, s *server) {
	t.Helper()
	s.stopped.Store(true) // an expected exit
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("%s: SIGKILL: %v", s.name, err)
	}
	<-s.done
}

// outcome is the answer to one request. acked: HTTP 200 with data and no
// error; code: the first error's extensions.code; err: a transport failure
// (no answer, the server died).
type outcome struct {
	acked bool
	data  json.RawMessage
	code  string
	msg   string
	err   error
}

func (o outcome) String() string {
	switch {
	case o.acked:
		return "acknowledged"
	case o.err != nil:
		return "no answer: " + o.err.Error()
	default:
		return fmt.Sprintf("error %s: %s", o.code, o.msg)
	}
}

var crashHTTP = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// call posts one operation; it never fails the test (it runs on client
// goroutines).
func call(endpoint, token, query string, vars map[string]any) outcome {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return outcome{err: err}
	}
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return outcome{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	req.Header.Set("Accept-Language", "en")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := crashHTTP.Do(req)
	if err != nil {
		return outcome{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return outcome{err: err}
	}
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return outcome{err: fmt.Errorf("HTTP %d, not JSON: %.200s", resp.StatusCode, raw)}
	}
	if len(r.Errors) > 0 {
		code, _ := r.Errors[0].Extensions["code"].(string)
		return outcome{code: code, msg: r.Errors[0].Message}
	}
	if resp.StatusCode != http.StatusOK || len(r.Data) == 0 || string(r.Data) == "null" {
		return outcome{err: fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)}
	}
	return outcome{acked: true, data: r.Data}
}

// mustCall is call for the test goroutine: anything but an
// acknowledgement fails the test.
func mustCall(t *testing.T, endpoint, token, query string, vars map[string]any, out any) {
	t.Helper()
	o := call(endpoint, token, query, vars)
	require.True(t, o.acked, "%s\n%s", query, o)
	if out != nil {
		require.NoError(t, json.Unmarshal(o.data, out), "data: %s", o.data)
	}
}

// parallel runs f(0..n-1) on conc goroutines and returns the first error.
func parallel(conc, n int, f func(i int) error) error {
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// crashStep is one mutation of a client's work.
// Every mutation the crash tests send is safe to send again: keyed by the
// client (ballots, submissions), by what it names (a paper sheet's entry by
// its enterer and content), or idempotent by nature (a support, a body
// member's vote); so a retry never looks first.
type crashStep struct {
	token, query string
	vars         map[string]any
}

// crashOp is one client's piece of work: steps sent in order, the next
// only once the previous one was acknowledged.
type crashOp struct {
	name  string
	steps []crashStep

	acked   []bool            // by step: acknowledged on the first attempt
	retried []bool            // by step: sent again after the restart
	data    []json.RawMessage // by step: the acknowledged answer (first attempt or retry)
	first   []outcome         // by step: the first attempt's outcome, when there was one
}

func newOp(name string, steps ...crashStep) *crashOp {
	n := len(steps)
	return &crashOp{name: name, steps: steps, acked: make([]bool, n), retried: make([]bool, n),
		data: make([]json.RawMessage, n), first: make([]outcome, n)}
}

// load is a run of many clients' work against a server that is killed
// after killAfter acknowledged steps.
type load struct {
	ops     []*crashOp
	clients int
}

// runAndKill sends every op's steps from l.clients clients and kills the
// server with SIGKILL once killAfter steps were acknowledged; the clients
// go on until every op was tried (they get no answer from a dead server).
// A GraphQL error before the kill fails the test: the load itself is
// valid. It returns how many steps were acknowledged.
func (l *load) runAndKill(t *testing.T, s *server, killAfter int) int {
	t.Helper()
	var acks atomic.Int64
	var killOnce sync.Once
	killed := make(chan struct{})
	kill := func() {
		killOnce.Do(func() {
			_ = s.cmd.Process.Signal(syscall.SIGKILL)
			close(killed)
		})
	}
	s.stopped.Store(true) // the exit is expected
	var mu sync.Mutex
	var refused []string
	err := parallel(l.clients, len(l.ops), func(i int) error {
		op := l.ops[i]
		for k, st := range op.steps {
			o := call(s.httpURL(), st.token, st.query, st.vars)
			op.first[k] = o
			if !o.acked {
				if o.err == nil && !isClosed(killed) {
					mu.Lock()
					refused = append(refused, fmt.Sprintf("%s step %d: %s", op.name, k, o))
					mu.Unlock()
				}
				return nil
			}
			op.acked[k], op.data[k] = true, o.data
			if acks.Add(1) == int64(killAfter) {
				kill()
			}
		}
		return nil
	})
	require.NoError(t, err)
	kill()
	<-s.done
	require.Empty(t, refused, "mutations refused before the kill")
	return int(acks.Load())
}

// retry sends again, to the restarted server, every step not
// acknowledged, with the same arguments (the same key), in order within an
// op. Each must now be acknowledged, whether or not its first attempt was
// committed.
func (l *load) retry(t *testing.T, s *server) (retried int) {
	t.Helper()
	var n atomic.Int64
	err := parallel(l.clients, len(l.ops), func(i int) error {
		op := l.ops[i]
		for k, st := range op.steps {
			if op.acked[k] {
				continue
			}
			op.retried[k] = true
			n.Add(1)
			o := call(s.httpURL(), st.token, st.query, st.vars)
			if !o.acked {
				return fmt.Errorf("%s step %d, retried after the restart: %s (first attempt: %s)", op.name, k, o, op.first[k])
			}
			op.data[k] = o.data
		}
		return nil
	})
	require.NoError(t, err)
	return int(n.Load())
}

func (l *load) steps() int {
	n := 0
	for _, op := range l.ops {
		n += len(op.steps)
	}
	return n
}

// sqlConn is a connection to the test's database, closed when the test ends.
func sqlConn(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// createAdmin makes an admin with the CLI and returns their token once
// the server knows of the grant.
func createAdmin(t *testing.T, s *server, dbURL string) string {
	t.Helper()
	email := randomEmail("crash-admin")
	cmd := exec.Command(binary(t), "admin", "create", "--email", email, "--name", "Admin")
	cmd.Env = append(serverEnv(dbURL, "127.0.0.1:0"), "OTWARTY_ADMIN_PASSWORD="+testPassword)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "admin create: %s", out)
	token, _ := signIn(t, s, email, testPassword)
	// The server learns of the grant through LISTEN/NOTIFY, within a second.
	require.Eventually(t, func() bool {
		return call(s.httpURL(), token, `mutation { createOrganisation(input: {kind: NGO, name: "Próba", slug: "proba"}) { organisation { id } } }`, nil).acked
	}, 10*time.Second, 50*time.Millisecond)
	return token
}
