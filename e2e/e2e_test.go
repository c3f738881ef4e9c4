// Package e2e runs the real otwarty binary as separate server processes on a
// throw-away PostgreSQL and talks to them the way clients do: GraphQL over
// HTTP (checked with the graphql-http audit suite), WebSocket subscriptions
// (with the graphql-ws client and with a Go client speaking
// graphql-transport-ws), several processes on one database, restarts and
// shutdown.
//
// The Node parts need `npm ci` in e2e/ first; without node or e2e/node_modules
// those tests skip, or fail when CI=true.
package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/child"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

const (
	readyTimeout    = 60 * time.Second // from process start to /readyz 200
	stopTimeout     = 20 * time.Second // from SIGINT to exit
	eventTimeout    = 20 * time.Second // from the triggering mutation to the event
	stepTimeout     = 10 * time.Second // one HTTP request or WebSocket handshake step
	nodeTimeout     = 3 * time.Minute  // one node script
	pollInterval    = 50 * time.Millisecond
	testPassword    = "correct horse battery staple"
	notificationSub = `subscription { notificationAdded { notification { id kind } unreadCount } }`
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// ---------------------------------------------------------------------------
// The binary, built once per test binary.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// binary returns the path of the otwarty binary: OTWARTY_E2E_BIN if set (a
// binary built beforehand), otherwise one built on first use into a directory
// removed by the next test run (TestMain cannot clean up after pgtest.Main,
// which exits).
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv("OTWARTY_E2E_BIN"); p != "" {
			binPath, buildErr = filepath.Abs(p)
			return
		}
		removeStaleBuildDirs()
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "otwarty-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			buildErr = err
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("go tool not found: %w", err)
			return
		}
		out := filepath.Join(dir, "otwarty")
		cmd := exec.Command(goTool, "build", "-o", out, "./cmd/otwarty")
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/otwarty: %v\n%s", err, b)
			return
		}
		binPath = out
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// removeStaleBuildDirs deletes build directories whose test binary is gone.
func removeStaleBuildDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "otwarty-e2e-bin-*"))
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

// ---------------------------------------------------------------------------
// Server processes.

// logBuffer collects a process's output; safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is one running `otwarty serve` process.
type server struct {
	name string
	addr string // 127.0.0.1:PORT
	cmd  *exec.Cmd
	log  *logBuffer

	done    chan struct{} // closed when the process has exited
	waitErr error         // cmd.Wait's result, valid after done
	stopped atomic.Bool   // stop was called: an exit is expected
}

func (s *server) httpURL() string { return "http://" + s.addr + "/query" }
func (s *server) wsURL() string   { return "ws://" + s.addr + "/query" }
func (s *server) exited() bool    { return isClosed(s.done) }
func (s *server) exitCode() int   { return s.cmd.ProcessState.ExitCode() }
func (s *server) logTail() string { return tail(s.log.String(), 64<<10) }
func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// serverEnv is the environment of a server process: ours, less any otwarty or
// database settings, plus the test's.
func serverEnv(dbURL, addr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "OTWARTY_") || k == "DATABASE_URL" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"DATABASE_URL="+dbURL,
		"OTWARTY_ENV=test",
		"OTWARTY_ADDR="+addr,
		"OTWARTY_ALLOWED_ORIGINS=http://"+addr,
	)
}

// startServer starts `otwarty serve` on dbURL and a free port, waits until
// /readyz answers 200, and stops the process when the test ends. Its log is
// printed if the test fails.
func startServer(t *testing.T, name, dbURL string, env ...string) *server {
	t.Helper()
	bin := binary(t)
	for attempt := 1; ; attempt++ {
		s := launch(t, bin, name, dbURL, env...)
		err := s.waitReady(readyTimeout)
		if err == nil {
			return s
		}
		// Another process may have taken the port between freeAddr and the
		// server's listen; try another one.
		if s.exited() && attempt < 3 && strings.Contains(s.log.String(), "address already in use") {
			t.Logf("%s: port %s was taken, retrying", name, s.addr)
			s.stopped.Store(true) // an expected exit
			continue
		}
		t.Fatalf("%s: %v (its log follows)", name, err)
	}
}

func launch(t *testing.T, bin, name, dbURL string, env ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{name: name, addr: addr, log: &logBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--addr", addr)
	s.cmd.Env = append(serverEnv(dbURL, addr), env...)
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	s.cmd.SysProcAttr = serverSysProcAttr()
	// The log is copied through pipes; don't let a grandchild holding them
	// keep Wait from returning.
	s.cmd.WaitDelay = 5 * time.Second
	// Started from a thread that lives as long as the server: its
	// parent-death signal must not fire when some thread of ours ends.
	waited, err := child.Start(s.cmd)
	require.NoError(t, err, "start %s", name)
	go func() {
		s.waitErr = <-waited
		close(s.done)
	}()
	t.Cleanup(func() {
		if s.exited() && !s.stopped.Load() && !t.Failed() {
			t.Errorf("%s exited on its own during the test: %v", name, s.waitErr)
		}
		if !s.exited() {
			if err := s.stop(stopTimeout); err != nil {
				t.Errorf("%s: stop at cleanup: %v", name, err)
			}
		}
		if t.Failed() {
			t.Logf("--- %s (%s) log ---\n%s", name, addr, s.logTail())
		}
	})
	return s
}

// waitReady polls /readyz until it answers 200, the process exits, or the
// deadline passes.
func (s *server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	last := "no answer yet"
	for {
		if s.exited() {
			return fmt.Errorf("exited before ready (%v); last /readyz: %s", s.waitErr, last)
		}
		resp, err := client.Get("http://" + s.addr + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(body)))
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready within %v; last /readyz: %s", timeout, last)
		}
		time.Sleep(pollInterval)
	}
}

// stop sends SIGINT and waits for the process to exit; past the timeout it
// kills the process and reports that. A non-zero exit is reported too.
func (s *server) stop(timeout time.Duration) error {
	s.stopped.Store(true)
	if !s.exited() {
		if err := s.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("SIGINT: %w", err)
		}
	}
	select {
	case <-s.done:
	case <-time.After(timeout):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("did not exit within %v of SIGINT; killed", timeout)
	}
	if code := s.exitCode(); code != 0 {
		return fmt.Errorf("exited with code %d after SIGINT (%v)", code, s.waitErr)
	}
	return nil
}

// ---------------------------------------------------------------------------
// GraphQL over HTTP.

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// gql posts a query and decodes data into out, failing the test on a
// transport error, a non-JSON answer or any GraphQL error.
func gql(t *testing.T, endpoint, token, query string, out any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "POST %s", endpoint)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var r gqlResponse
	require.NoError(t, json.Unmarshal(raw, &r), "HTTP %d, not JSON: %s", resp.StatusCode, raw)
	require.Empty(t, r.Errors, "query %s\nHTTP %d: %s", query, resp.StatusCode, raw)
	require.Equal(t, http.StatusOK, resp.StatusCode, "HTTP status; body: %s", raw)
	require.NoError(t, json.Unmarshal(r.Data, out), "data: %s", r.Data)
}

type account struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
}

func randomEmail(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s@example.com", prefix, hex.EncodeToString(b))
}

// signUp creates an account on s and returns its token and id.
func signUp(t *testing.T, s *server, email, password string) (token string, acc account) {
	t.Helper()
	var out struct {
		SignUp struct {
			Token   string  `json:"token"`
			Account account `json:"account"`
		} `json:"signUp"`
	}
	gql(t, s.httpURL(), "", fmt.Sprintf(
		`mutation { signUp(input: {email: %q, password: %q, displayName: "E2E", locale: EN}) { token account { id email displayName } } }`,
		email, password), &out)
	require.NotEmpty(t, out.SignUp.Token, "signUp token")
	require.NotEmpty(t, out.SignUp.Account.ID, "signUp account id")
	require.Equal(t, email, out.SignUp.Account.Email)
	return out.SignUp.Token, out.SignUp.Account
}

func signIn(t *testing.T, s *server, email, password string) (token, accountID string) {
	t.Helper()
	var out struct {
		SignIn struct {
			Token   string  `json:"token"`
			Account account `json:"account"`
		} `json:"signIn"`
	}
	gql(t, s.httpURL(), "", fmt.Sprintf(
		`mutation { signIn(input: {email: %q, password: %q}) { token account { id } } }`, email, password), &out)
	require.NotEmpty(t, out.SignIn.Token, "signIn token")
	return out.SignIn.Token, out.SignIn.Account.ID
}

func changePassword(t *testing.T, s *server, token, current, next, accountID string) {
	t.Helper()
	var out struct {
		ChangePassword struct {
			Account account `json:"account"`
		} `json:"changePassword"`
	}
	gql(t, s.httpURL(), token, fmt.Sprintf(
		`mutation { changePassword(input: {currentPassword: %q, newPassword: %q}) { account { id } } }`, current, next), &out)
	require.Equal(t, accountID, out.ChangePassword.Account.ID, "changePassword account id")
}

// ---------------------------------------------------------------------------
// graphql-transport-ws client.

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dialWS opens a graphql-transport-ws connection and completes
// connection_init / connection_ack with payload.
func dialWS(t *testing.T, endpoint string, payload any) *wsClient {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: stepTimeout}
	conn, resp, err := d.Dial(endpoint, nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	require.NoError(t, err, "dial %s", endpoint)
	t.Cleanup(func() { _ = conn.Close() })
	require.Equal(t, "graphql-transport-ws", conn.Subprotocol(), "negotiated subprotocol")
	c := &wsClient{t: t, conn: conn}
	p, err := json.Marshal(payload)
	require.NoError(t, err)
	c.send(wsMessage{Type: "connection_init", Payload: p})
	msg := c.read(time.Now().Add(stepTimeout), "connection_ack")
	require.Equal(t, "connection_ack", msg.Type, "first message after connection_init: %+v", msg)
	return c
}

func (c *wsClient) send(m wsMessage) {
	c.t.Helper()
	require.NoError(c.t, c.conn.SetWriteDeadline(time.Now().Add(stepTimeout)))
	require.NoError(c.t, c.conn.WriteJSON(m), "send %s", m.Type)
}

// read returns the next message other than a ping (which it answers),
// failing the test at the deadline or if the connection closes.
func (c *wsClient) read(deadline time.Time, waitingFor string) wsMessage {
	c.t.Helper()
	for {
		require.NoError(c.t, c.conn.SetReadDeadline(deadline))
		var m wsMessage
		_, data, err := c.conn.ReadMessage()
		require.NoError(c.t, err, "reading from the WebSocket, waiting for %s", waitingFor)
		require.NoError(c.t, json.Unmarshal(data, &m), "message %s", data)
		if m.Type == "ping" {
			c.send(wsMessage{Type: "pong"})
			continue
		}
		return m
	}
}

type notificationEvent struct {
	Data *struct {
		NotificationAdded struct {
			Notification struct {
				ID   string `json:"id"`
				Kind string `json:"kind"`
			} `json:"notification"`
			UnreadCount int `json:"unreadCount"`
		} `json:"notificationAdded"`
	} `json:"data"`
	Errors json.RawMessage `json:"errors"`
}

// subscribeNotifications subscribes as id and returns once a ping sent after
// the subscribe has been answered: the server reads a socket's messages in
// order, so by then it has read the subscription (a worker then starts it,
// which registers it long before the notification's background job can run).
// Events that arrive meanwhile are returned.
func (c *wsClient) subscribeNotifications(id string) []notificationEvent {
	c.t.Helper()
	q, err := json.Marshal(map[string]string{"query": notificationSub})
	require.NoError(c.t, err)
	c.send(wsMessage{ID: id, Type: "subscribe", Payload: q})
	c.send(wsMessage{Type: "ping"})
	var early []notificationEvent
	deadline := time.Now().Add(stepTimeout)
	for {
		m := c.read(deadline, "pong to a ping sent after subscribe")
		switch m.Type {
		case "pong":
			return early
		case "next":
			early = append(early, c.decodeNext(id, m))
		default:
			c.t.Fatalf("unexpected message while subscribing: %+v (payload %s)", m, m.Payload)
		}
	}
}

func (c *wsClient) decodeNext(id string, m wsMessage) notificationEvent {
	c.t.Helper()
	require.Equal(c.t, id, m.ID, "next for another subscription: %s", m.Payload)
	var ev notificationEvent
	require.NoError(c.t, json.Unmarshal(m.Payload, &ev), "next payload %s", m.Payload)
	require.Empty(c.t, ev.Errors, "errors in next payload %s", m.Payload)
	require.NotNil(c.t, ev.Data, "next without data: %s", m.Payload)
	return ev
}

// waitForKind reads events of subscription id until one of the given kind,
// failing on error/complete or at the deadline. It returns the kinds seen
// before it.
func (c *wsClient) waitForKind(id, kind string, early []notificationEvent, timeout time.Duration) notificationEvent {
	c.t.Helper()
	var seen []string
	for _, ev := range early {
		if ev.Data.NotificationAdded.Notification.Kind == kind {
			return ev
		}
		seen = append(seen, ev.Data.NotificationAdded.Notification.Kind)
	}
	deadline := time.Now().Add(timeout)
	for {
		require.NoError(c.t, c.conn.SetReadDeadline(deadline))
		_, data, err := c.conn.ReadMessage()
		require.NoError(c.t, err, "waiting %v for a %q notification (kinds seen: %v)", timeout, kind, seen)
		var m wsMessage
		require.NoError(c.t, json.Unmarshal(data, &m), "message %s", data)
		switch m.Type {
		case "ping":
			c.send(wsMessage{Type: "pong"})
		case "pong":
		case "next":
			ev := c.decodeNext(id, m)
			k := ev.Data.NotificationAdded.Notification.Kind
			if k == kind {
				return ev
			}
			seen = append(seen, k)
		default:
			c.t.Fatalf("unexpected %q message while waiting for %q (kinds seen: %v): %s", m.Type, kind, seen, data)
		}
	}
}

// ---------------------------------------------------------------------------
// Node scripts.

// requireNode returns the node binary and the e2e directory, skipping the
// test (or failing it under CI=true) when node or e2e/node_modules is missing.
func requireNode(t *testing.T) (nodeBin, dir string) {
	t.Helper()
	root, err := moduleRoot()
	require.NoError(t, err)
	dir = filepath.Join(root, "e2e")
	missing := func(what string) {
		t.Helper()
		msg := what + ": run npm ci in e2e/ (Node 20+)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	nodeBin, err = exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	for _, pkg := range []string{"graphql", "graphql-http", "graphql-ws", "ws"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			missing("e2e/node_modules/" + pkg + " is missing")
		}
	}
	return nodeBin, dir
}

// runNode runs `node <script> <url>` in dir and returns its output.
func runNode(nodeBin, dir, script, endpoint string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeBin, script, endpoint)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s did not finish within %v: %w", script, nodeTimeout, err)
	}
	return string(out), err
}

// withoutSummary drops the script's closing "N passed, M failed" line so that
// the test log does not carry a second test summary.
func withoutSummary(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if n := len(lines); n > 0 && strings.Contains(lines[n-1], " passed, ") {
		lines = lines[:n-1]
	}
	return strings.Join(lines, "\n")
}

// ---------------------------------------------------------------------------
// Tests.

// TestGraphQLHTTPAudit: every MUST of the GraphQL over HTTP spec, as audited
// by graphql-http.
func TestGraphQLHTTPAudit(t *testing.T) {
	t.Parallel()
	nodeBin, dir := requireNode(t)
	s := startServer(t, "server", pgtest.URL(t))
	out, err := runNode(nodeBin, dir, "audit.mjs", s.httpURL())
	require.NoError(t, err, "node audit.mjs %s\n%s", s.httpURL(), out)
	t.Logf("node audit.mjs:\n%s", withoutSummary(out))
}

// TestGraphQLWSClient: the graphql-ws client subscribes, receives, and is
// refused with 4403 on a bad token.
func TestGraphQLWSClient(t *testing.T) {
	t.Parallel()
	nodeBin, dir := requireNode(t)
	s := startServer(t, "server", pgtest.URL(t))
	out, err := runNode(nodeBin, dir, "ws.mjs", s.httpURL())
	require.NoError(t, err, "node ws.mjs %s\n%s", s.httpURL(), out)
	t.Logf("node ws.mjs:\n%s", withoutSummary(out))
}

// TestSubscriptionAcrossProcesses: a subscription on process A receives the
// notification caused by a mutation on process B of the same database.
func TestSubscriptionAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	a := startServer(t, "server A", dbURL)
	b := startServer(t, "server B", dbURL)

	email := randomEmail("e2e-cross")
	token, acc := signUp(t, b, email, testPassword)

	ws := dialWS(t, a.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	early := ws.subscribeNotifications("1")

	changePassword(t, b, token, testPassword, testPassword+" 2", acc.ID)
	ev := ws.waitForKind("1", "password_changed", early, eventTimeout)
	require.NotEmpty(t, ev.Data.NotificationAdded.Notification.ID)
	require.GreaterOrEqual(t, ev.Data.NotificationAdded.UnreadCount, 1)

	ws.send(wsMessage{ID: "1", Type: "complete"})
}

// TestWSRefusesBadToken: connection_init with a bogus token is refused by
// closing with 4403 (checked here without Node as well).
func TestWSRefusesBadToken(t *testing.T) {
	t.Parallel()
	s := startServer(t, "server", pgtest.URL(t))
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: stepTimeout}
	conn, resp, err := d.Dial(s.wsURL(), nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer bogus"}`)}))
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(stepTimeout)))
	for {
		_, data, err := conn.ReadMessage()
		if err == nil {
			var m wsMessage
			require.NoError(t, json.Unmarshal(data, &m), "message %s", data)
			require.NotEqual(t, "connection_ack", m.Type, "a bogus token was acknowledged")
			continue
		}
		var ce *websocket.CloseError
		require.ErrorAs(t, err, &ce, "expected a close frame, got %v", err)
		require.Equal(t, 4403, ce.Code, "close code (reason %q)", ce.Text)
		return
	}
}

// emptyDatabase creates a database with no migrations applied (next to a
// pgtest one, with its owner) and drops it when the test ends.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	base := pgtest.URL(t)
	u, err := url.Parse(base)
	require.NoError(t, err)
	name := strings.TrimPrefix(u.Path, "/") + "_empty"
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "create database "+pgx.Identifier{name}.Sanitize())
	require.NoError(t, err)
	// Registered after pgtest's own cleanup, so it runs before base is dropped,
	// and after the servers started later have been stopped.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "drop database if exists "+pgx.Identifier{name}.Sanitize()+" with (force)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// schemaVersion reads our migration version (tern's schema_version table).
func schemaVersion(t *testing.T, dbURL string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var rows, version int
	require.NoError(t, conn.QueryRow(ctx, "select count(*), coalesce(max(version), 0) from schema_version").Scan(&rows, &version))
	require.Equal(t, 1, rows, "schema_version rows")
	return version
}

// TestServeTwiceSameDatabase: the first start migrates an empty database; a
// second start on it is ready without applying anything again, and sees the
// first run's data.
func TestServeTwiceSameDatabase(t *testing.T) {
	t.Parallel()
	dbURL := emptyDatabase(t)
	email := randomEmail("e2e-twice")

	first := startServer(t, "first run", dbURL)
	_, acc := signUp(t, first, email, testPassword)
	require.NoError(t, first.stop(stopTimeout), "stop the first run")
	version := schemaVersion(t, dbURL)
	require.Positive(t, version, "migrations applied by the first run")

	second := startServer(t, "second run", dbURL)
	require.Equal(t, version, schemaVersion(t, dbURL), "schema version after the second start")
	_, id := signIn(t, second, email, testPassword)
	require.Equal(t, acc.ID, id, "the account made by the first run")
}

// TestConcurrentStartOnEmptyDatabase: two processes starting at once on an
// empty database both become ready (the migrations run under a lock, once).
func TestConcurrentStartOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	dbURL := emptyDatabase(t)
	bin := binary(t)
	a := launch(t, bin, "server A", dbURL)
	b := launch(t, bin, "server B", dbURL)
	for _, s := range []*server{a, b} {
		if err := s.waitReady(readyTimeout); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	version := schemaVersion(t, dbURL)
	require.Positive(t, version)
	token, acc := signUp(t, a, randomEmail("e2e-concurrent"), testPassword)
	var me struct {
		Me account `json:"me"`
	}
	gql(t, b.httpURL(), token, `{ me { id email displayName } }`, &me)
	require.Equal(t, acc.ID, me.Me.ID, "the token made on A works on B")
}

// TestShutdownIsClean: SIGINT with an open subscription makes the process
// exit 0 within the deadline.
func TestShutdownIsClean(t *testing.T) {
	t.Parallel()
	s := startServer(t, "server", pgtest.URL(t))
	token, _ := signUp(t, s, randomEmail("e2e-shutdown"), testPassword)
	ws := dialWS(t, s.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	ws.subscribeNotifications("1")

	start := time.Now()
	require.NoError(t, s.stop(stopTimeout))
	t.Logf("exited 0 %v after SIGINT", time.Since(start).Round(time.Millisecond))
}

// gqlCode posts a query and returns the first error's extensions.code ("" when
// it succeeded).
func gqlCode(t *testing.T, endpoint, token, query string) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var r gqlResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// TestRoleGrantAcrossProcesses: a role granted through one server process is
// honoured by another on the same database without a restart.
func TestRoleGrantAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	a := startServer(t, "server A", dbURL)
	b := startServer(t, "server B", dbURL)

	adminEmail := randomEmail("e2e-admin")
	cmd := exec.Command(binary(t), "admin", "create", "--email", adminEmail, "--name", "Admin")
	cmd.Env = append(serverEnv(dbURL, "127.0.0.1:0"), "OTWARTY_ADMIN_PASSWORD="+testPassword)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "admin create: %s", out)
	adminToken, _ := signIn(t, a, adminEmail, testPassword)

	token, acc := signUp(t, b, randomEmail("e2e-coord"), testPassword)
	create := func(slug string) string {
		return gqlCode(t, b.httpURL(), token, fmt.Sprintf(
			`mutation { createOrganisation(input: {kind: NGO, name: "Fundacja %s", slug: %q}) { organisation { id } } }`, slug, slug))
	}
	require.Equal(t, "FORBIDDEN", create("przed"))

	var granted struct {
		GrantRole struct {
			AccountID string `json:"accountId"`
		} `json:"grantRole"`
	}
	gql(t, a.httpURL(), adminToken, fmt.Sprintf(`mutation { grantRole(input: {accountId: %q, role: COORDINATOR}) { accountId } }`, acc.ID), &granted)
	require.Equal(t, acc.ID, granted.GrantRole.AccountID)

	// Process B learns of the grant through LISTEN/NOTIFY, within a second.
	require.Eventually(t, func() bool { return create("po") == "" }, 10*time.Second, 50*time.Millisecond)
}

// TestMigrateCommand: `otwarty migrate` applies every migration to
// DATABASE_URL and exits; running it again changes nothing.
func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	dbURL := emptyDatabase(t)
	migrate := func() {
		cmd := exec.Command(binary(t), "migrate")
		cmd.Env = serverEnv(dbURL, "127.0.0.1:0")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "otwarty migrate: %s", out)
	}
	migrate()
	first := schemaVersion(t, dbURL)
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	pool, err := db.Open(ctx, dbURL)
	require.NoError(t, err)
	defer pool.Close()
	require.NoError(t, db.CheckMigrations(ctx, pool))
	migrate()
	require.Equal(t, first, schemaVersion(t, dbURL))
}

// TestSeedDemo_RefusesWhileAServerRuns: the demo's past editions are made
// on a past clock, which a running server's job workers would overtake
// (they apply the editions' scheduled moves, due by the real clock): the
// seed refuses, says why, and writes nothing.
func TestSeedDemo_RefusesWhileAServerRuns(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	startServer(t, "server", dbURL)
	ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
	defer cancel()
	pool, err := db.Open(ctx, dbURL)
	require.NoError(t, err)
	defer pool.Close()
	for {
		var leads bool
		require.NoError(t, pool.QueryRow(ctx, `select exists (select 1 from river_leader where expires_at > now())`).Scan(&leads))
		if leads {
			break
		}
		require.NoError(t, ctx.Err(), "the server's job client leads within %v", eventTimeout)
		time.Sleep(50 * time.Millisecond)
	}
	cmd := exec.Command(binary(t), "seed", "--demo")
	cmd.Env = serverEnv(dbURL, "127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "seed: %s", out)
	require.Contains(t, string(out), "a server is running on this database: stop it, seed, then start it again")
	var accounts int
	require.NoError(t, pool.QueryRow(ctx, `select count(*) from accounts where email like '%@demo.otwarty.pl'`).Scan(&accounts))
	require.Zero(t, accounts)
}

// TestSeedDemo: `otwarty seed --demo` fills a database that the server then
// shows: consultations in four languages with submissions, a workshop, and
// a published report; a dialogue body of persons and an organisation with
// its delegates, a past meeting whose minutes are published and an upcoming
// one with its agenda. Seeding again changes nothing.
func TestSeedDemo(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seed := func() string {
		cmd := exec.Command(binary(t), "seed", "--demo")
		cmd.Env = serverEnv(dbURL, "127.0.0.1:0")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "seed: %s", out)
		return string(out)
	}
	seedTime := time.Now()
	require.Contains(t, seed(), "demo data created")
	s := startServer(t, "server", dbURL)
	var res struct {
		Consultations struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					Status string `json:"status"`
					Title  struct {
						Text string `json:"text"`
					} `json:"title"`
					Meetings    []struct{ RegisteredCount int } `json:"meetings"`
					Submissions struct {
						TotalCount int `json:"totalCount"`
					} `json:"submissions"`
					Report *struct {
						SubmissionCount int `json:"submissionCount"`
					} `json:"report"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"consultations"`
	}
	gql(t, s.httpURL(), "", `{ consultations { totalCount edges { node { status title(locale: UK) { text } meetings { registeredCount }
		submissions { totalCount } report { submissionCount } } } } }`, &res)
	require.Equal(t, 2, res.Consultations.TotalCount)
	byStatus := map[string]int{}
	for _, e := range res.Consultations.Edges {
		n := e.Node
		byStatus[n.Status]++
		switch n.Status {
		case "OPEN":
			require.Equal(t, "Пріоритети програми «Відкритий Краків» на 2027 рік", n.Title.Text)
			require.Equal(t, 4, n.Submissions.TotalCount)
			require.Len(t, n.Meetings, 1)
			require.Equal(t, 2, n.Meetings[0].RegisteredCount)
			require.Nil(t, n.Report)
		case "REPORTED":
			require.NotNil(t, n.Report)
			require.Equal(t, 2, n.Report.SubmissionCount)
		}
	}
	require.Equal(t, map[string]int{"OPEN": 1, "REPORTED": 1}, byStatus)

	// A public migrants' council with three persons and the NGO, whose
	// vote either of its two delegates casts.
	var bodies struct {
		Bodies struct {
			Edges []struct {
				Node struct {
					Kind string `json:"kind"`
					Name struct {
						Text string `json:"text"`
					} `json:"name"`
					Members struct {
						Edges []struct {
							Node struct {
								Role      string                        `json:"role"`
								Person    *struct{ DisplayName string } `json:"person"`
								Delegates []struct {
									DisplayName string `json:"displayName"`
									Kind        string `json:"kind"`
								} `json:"delegates"`
							} `json:"node"`
						} `json:"edges"`
					} `json:"members"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"bodies"`
	}
	gql(t, s.httpURL(), "", `{ bodies { edges { node { kind name(locale: EN) { text }
		members { edges { node { role person { displayName } delegates { displayName kind } } } } } } } }`, &bodies)
	require.Len(t, bodies.Bodies.Edges, 1)
	body := bodies.Bodies.Edges[0].Node
	require.Equal(t, "MIGRANTS_COUNCIL", body.Kind)
	require.Equal(t, "Council of Residents with Migration Experience", body.Name.Text)
	var roles []string
	for _, e := range body.Members.Edges {
		m := e.Node
		if m.Person != nil {
			roles = append(roles, m.Role+" "+m.Person.DisplayName)
			continue
		}
		var ds []string
		for _, d := range m.Delegates {
			ds = append(ds, d.DisplayName+" "+d.Kind)
		}
		roles = append(roles, m.Role+" "+strings.Join(ds, ", "))
	}
	require.ElementsMatch(t, []string{"CHAIR Marta Nowak", "DEPUTY_CHAIR Оксана Мельник", "SECRETARY Jan Urzędnik",
		"MEMBER Ирина Петрова", "MEMBER Minh Tran", "OBSERVER Radosław Przykładowy", "GUEST dr Zofia Testowa",
		"MEMBER Олена Коваль MAIN, James Carter SUBSTITUTE"}, roles)

	// Its meetings, as the public sees them: one held three weeks before
	// the seed, whose minutes are published in Polish (the body's language)
	// with English and Ukrainian translations, and one in two weeks.
	const meetingsQuery = `{ bodies { edges { node { meetings { totalCount edges { node {
		title(locale: EN) { text } startsAt endsAt languages onlineUrl invitedCount
		agenda { status items { title(locale: EN) { text locale } documentUrl document(locale: EN) { text locale } } }
		votedMotions { kind status title(locale: EN) { text } text(locale: EN) { text }
			vote { format closed totals { yes no abstain } result { outcome } } }
		minutes { status locale text { text locale isOriginal } en: text(locale: EN) { text locale isOriginal }
			textTranslations { locale } } } } } } } } }`
	type localized struct {
		Text       string `json:"text"`
		Locale     string `json:"locale"`
		IsOriginal bool   `json:"isOriginal"`
	}
	type meeting struct {
		Title        localized `json:"title"`
		StartsAt     time.Time `json:"startsAt"`
		EndsAt       time.Time `json:"endsAt"`
		Languages    []string  `json:"languages"`
		OnlineURL    *string   `json:"onlineUrl"`
		InvitedCount int       `json:"invitedCount"`
		Agenda       struct {
			Status string `json:"status"`
			Items  []struct {
				Title       localized  `json:"title"`
				DocumentURL *string    `json:"documentUrl"`
				Document    *localized `json:"document"`
			} `json:"items"`
		} `json:"agenda"`
		VotedMotions []struct {
			Kind   string    `json:"kind"`
			Status string    `json:"status"`
			Title  localized `json:"title"`
			Text   localized `json:"text"`
			Vote   struct {
				Format string         `json:"format"`
				Closed bool           `json:"closed"`
				Totals map[string]int `json:"totals"`
				Result struct {
					Outcome string `json:"outcome"`
				} `json:"result"`
			} `json:"vote"`
		} `json:"votedMotions"`
		Minutes *struct {
			Status           string                    `json:"status"`
			Locale           string                    `json:"locale"`
			Text             localized                 `json:"text"`
			EN               localized                 `json:"en"`
			TextTranslations []struct{ Locale string } `json:"textTranslations"`
		} `json:"minutes"`
	}
	var meetings struct {
		Bodies struct {
			Edges []struct {
				Node struct {
					Meetings struct {
						TotalCount int                      `json:"totalCount"`
						Edges      []struct{ Node meeting } `json:"edges"`
					} `json:"meetings"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"bodies"`
	}
	gql(t, s.httpURL(), "", meetingsQuery, &meetings)
	ms := meetings.Bodies.Edges[0].Node.Meetings
	require.Equal(t, 2, ms.TotalCount)
	past, next := ms.Edges[0].Node, ms.Edges[1].Node
	day := 24 * time.Hour

	require.Equal(t, "Council meeting: the 2027 schedule of the Open Kraków programme", past.Title.Text)
	require.WithinRange(t, past.StartsAt, seedTime.Add(-22*day), seedTime.Add(-20*day))
	require.Equal(t, 2*time.Hour, past.EndsAt.Sub(past.StartsAt))
	require.Equal(t, 9, past.InvitedCount) // seven persons and the NGO's two delegates
	require.Equal(t, "ADOPTED", past.Agenda.Status)
	require.Len(t, past.Agenda.Items, 3)
	require.Equal(t, "Opinion on the draft 2027 schedule of the Open Kraków programme", past.Agenda.Items[1].Title.Text)
	require.NotNil(t, past.Agenda.Items[1].DocumentURL)
	require.NotNil(t, past.Agenda.Items[1].Document)
	require.Equal(t, "EN", past.Agenda.Items[1].Document.Locale)
	var votes []string
	for _, m := range past.VotedMotions {
		require.Equal(t, "MEETING", m.Vote.Format)
		require.True(t, m.Vote.Closed)
		votes = append(votes, fmt.Sprintf("%s %s %s %d/%d/%d", m.Kind, m.Status, m.Vote.Result.Outcome,
			m.Vote.Totals["yes"], m.Vote.Totals["no"], m.Vote.Totals["abstain"]))
	}
	require.Equal(t, []string{"PROCEDURAL ADOPTED ADOPTED 5/0/0", "OPINION ADOPTED ADOPTED 4/0/1", "OPINION ADOPTED ADOPTED 4/1/0"}, votes)
	// The adopted amendment's text is the opinion's text in force.
	require.Equal(t, past.VotedMotions[1].Text.Text, past.VotedMotions[2].Text.Text)
	require.Contains(t, past.VotedMotions[2].Text.Text, "information points for foreigners open in every district")

	mins := past.Minutes
	require.NotNil(t, mins)
	require.Equal(t, "APPROVED", mins.Status)
	require.Equal(t, "PL", mins.Locale)
	require.Equal(t, localized{Text: mins.Text.Text, Locale: "PL", IsOriginal: true}, mins.Text)
	for _, want := range []string{
		"# Protokół z posiedzenia ciała dialogu „Rada Mieszkańców z Doświadczeniem Migracji”",
		"Porządek obrad został przyjęty w głosowaniu",
		"Kworum na rozpoczęcie (17:00): obecnych 5 z 6 głosów, wymagane 3 — kworum jest.",
		"- Fundacja Dom Wielokulturowy (członek(-ini)), reprezentowana przez: Олена Коваль — osobiście",
		"- Minh Tran (członek(-ini)): zdalnie",
		"- dr Zofia Testowa (gość (bez prawa głosu)): osobiście",
		"Osoby z publiczności: 0.",
		"### Nieobecni członkowie z prawem głosu\n\n- Ирина Петрова (członek(-ini))\n",
		"Głos zabierali (w kolejności udzielenia głosu): 1) Олена Коваль, 2) Minh Tran, 3) dr Zofia Testowa, 4) Оксана Мельник",
		"### Opinia o projekcie harmonogramu programu Otwarty Kraków na 2027 rok (opinia)\n\n" +
			"Wynik: przyjęto. Za: 4, przeciw: 1, wstrzymało się: 0; głosowało 5 z 6 uprawnionych; do przyjęcia potrzeba było 2.",
		"- Minh Tran: przeciw",
		"## Ustalenia",
	} {
		require.Contains(t, mins.Text.Text, want)
	}
	require.Equal(t, "EN", mins.EN.Locale)
	require.False(t, mins.EN.IsOriginal)
	require.Contains(t, mins.EN.Text, "## Arrangements")
	var translated []string
	for _, tr := range mins.TextTranslations {
		translated = append(translated, tr.Locale)
	}
	require.ElementsMatch(t, []string{"PL", "EN", "UK"}, translated)

	require.Equal(t, "Council meeting: opinion in the consultation on the programme's priorities for 2027", next.Title.Text)
	require.WithinRange(t, next.StartsAt, seedTime.Add(13*day), seedTime.Add(15*day))
	require.Equal(t, []string{"PL", "UK", "EN"}, next.Languages)
	require.NotNil(t, next.OnlineURL)
	require.Equal(t, "DRAFT", next.Agenda.Status)
	var items []string
	for _, it := range next.Agenda.Items {
		items = append(items, it.Title.Locale+" "+it.Title.Text)
	}
	require.Equal(t, []string{"EN Opening of the meeting and adoption of the agenda",
		"EN The council's opinion in the consultation “Priorities of the Open Kraków programme for 2027”",
		"EN The department's report on information points for foreigners", "EN Current matters and any other business"}, items)
	require.NotNil(t, next.Agenda.Items[1].DocumentURL)
	require.NotNil(t, next.Agenda.Items[1].Document)
	require.Contains(t, next.Agenda.Items[1].Document.Text, "Draft opinion")
	require.Empty(t, next.VotedMotions)
	require.Nil(t, next.Minutes)

	// The roll sees the comments the minutes took, and their versions.
	chair, _ := signIn(t, s, "marta@demo.otwarty.pl", "otwarty-demo-2026")
	var work struct {
		Bodies struct {
			Edges []struct {
				Node struct {
					Meetings struct {
						Edges []struct {
							Node struct {
								Minutes *struct {
									Versions []struct {
										Source string `json:"source"`
										Locale string `json:"locale"`
									} `json:"versions"`
									Comments struct {
										TotalCount int `json:"totalCount"`
									} `json:"comments"`
								} `json:"minutes"`
							} `json:"node"`
						} `json:"edges"`
					} `json:"meetings"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"bodies"`
	}
	gql(t, s.httpURL(), chair, `{ bodies { edges { node { meetings(first: 1) { edges { node {
		minutes { versions { source locale } comments { totalCount } } } } } } } } }`, &work)
	mw := work.Bodies.Edges[0].Node.Meetings.Edges[0].Node.Minutes
	require.NotNil(t, mw)
	require.Equal(t, 2, mw.Comments.TotalCount)
	var versions []string
	for _, v := range mw.Versions {
		versions = append(versions, v.Source+" "+v.Locale)
	}
	require.Equal(t, []string{"GENERATED EN", "GENERATED UK", "GENERATED PL", "EDITED PL"}, versions)

	// The Ambassador: last year's edition announced, its laureates and
	// distinctions public with their justifications, the score table
	// without juror names, the nomination count; this year's open for
	// nominations.
	const ambassadorQuery = `{ ambassadorEditions { edges { node { year phase announcedAt call(locale: EN) { text }
		laureates { category laureate { nomineeName rank justification(locale: UK) { text locale } } }
		scoreTable { jurorNames rows { nomineeName scorerCount rank sheets { jurorName } } }
		nominationCount { received eligible byChannel { channel count } } viewerCan { nominate } } } } }`
	var amb struct {
		AmbassadorEditions struct {
			Edges []struct {
				Node struct {
					Year        int        `json:"year"`
					Phase       string     `json:"phase"`
					AnnouncedAt *time.Time `json:"announcedAt"`
					Call        localized  `json:"call"`
					Laureates   []struct {
						Category string `json:"category"`
						Laureate struct {
							NomineeName   string    `json:"nomineeName"`
							Rank          string    `json:"rank"`
							Justification localized `json:"justification"`
						} `json:"laureate"`
					} `json:"laureates"`
					ScoreTable *struct {
						JurorNames bool `json:"jurorNames"`
						Rows       []struct {
							NomineeName string `json:"nomineeName"`
							ScorerCount int    `json:"scorerCount"`
							Rank        int    `json:"rank"`
							Sheets      []struct {
								JurorName *string `json:"jurorName"`
							} `json:"sheets"`
						} `json:"rows"`
					} `json:"scoreTable"`
					NominationCount *struct {
						Received  int `json:"received"`
						Eligible  int `json:"eligible"`
						ByChannel []struct {
							Channel string `json:"channel"`
							Count   int    `json:"count"`
						} `json:"byChannel"`
					} `json:"nominationCount"`
					ViewerCan struct {
						Nominate bool `json:"nominate"`
					} `json:"viewerCan"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"ambassadorEditions"`
	}
	gql(t, s.httpURL(), "", ambassadorQuery, &amb)
	require.Len(t, amb.AmbassadorEditions.Edges, 2)
	open, announced := amb.AmbassadorEditions.Edges[0].Node, amb.AmbassadorEditions.Edges[1].Node
	require.Equal(t, announced.Year+1, open.Year)
	require.Equal(t, "NOMINATIONS", open.Phase)
	require.Nil(t, open.AnnouncedAt)
	require.Nil(t, open.Laureates)
	require.Nil(t, open.NominationCount, "the count is public once nominations have closed")
	require.Contains(t, open.Call.Text, "Nominate a person or an organisation")
	require.Equal(t, "ANNOUNCEMENT", announced.Phase)
	require.NotNil(t, announced.AnnouncedAt)
	require.WithinRange(t, *announced.AnnouncedAt, seedTime.Add(-186*day), seedTime.Add(-184*day))
	var laureates []string
	for _, l := range announced.Laureates {
		laureates = append(laureates, l.Category+" "+l.Laureate.Rank+" "+l.Laureate.NomineeName)
		require.Equal(t, "UK", l.Laureate.Justification.Locale)
	}
	require.ElementsMatch(t, []string{"ORGANISATION LAUREATE Fundacja Dom Wielokulturowy", "ORGANISATION LAUREATE Stowarzyszenie Wspólna Ulica",
		"ORGANISATION DISTINCTION Teatr Pod Mostem", "INDIVIDUAL LAUREATE Ahmad Karimi", "INDIVIDUAL LAUREATE Natalia Hrytsenko",
		"INDIVIDUAL DISTINCTION Amira Haddad"}, laureates)
	for _, l := range announced.Laureates {
		if l.Laureate.NomineeName == "Ahmad Karimi" {
			require.Equal(t, "За десять років безкорисливого перекладу для сімей біженців.", l.Laureate.Justification.Text)
		}
	}
	require.NotNil(t, announced.ScoreTable)
	require.False(t, announced.ScoreTable.JurorNames)
	scorers := map[string]int{}
	for _, r := range announced.ScoreTable.Rows {
		scorers[r.NomineeName] = r.ScorerCount
		for _, sh := range r.Sheets {
			require.Nil(t, sh.JurorName)
		}
	}
	require.Equal(t, map[string]int{"Fundacja Dom Wielokulturowy": 3, "Stowarzyszenie Wspólna Ulica": 3, "Teatr Pod Mostem": 3,
		"Kawiarnia Samowar": 3, "Ahmad Karimi": 3, "Natalia Hrytsenko": 2, "Tomasz Zieliński": 3, "Amira Haddad": 3}, scorers)
	require.NotNil(t, announced.NominationCount)
	require.Equal(t, 9, announced.NominationCount.Received)
	require.Equal(t, 8, announced.NominationCount.Eligible)
	channels := map[string]int{}
	for _, c := range announced.NominationCount.ByChannel {
		channels[c.Channel] = c.Count
	}
	require.Equal(t, map[string]int{"ONLINE": 7, "PAPER": 0, "EMAIL": 1, "ESERVICES": 0, "POST": 1}, channels)
	var pastLaureates struct {
		AmbassadorLaureates struct {
			TotalCount int `json:"totalCount"`
		} `json:"ambassadorLaureates"`
	}
	gql(t, s.httpURL(), "", `{ ambassadorLaureates { totalCount } }`, &pastLaureates)
	require.Equal(t, 6, pastLaureates.AmbassadorLaureates.TotalCount)
	// A resident may nominate in the open edition.
	james, _ := signIn(t, s, "james@demo.otwarty.pl", "otwarty-demo-2026")
	gql(t, s.httpURL(), james, ambassadorQuery, &amb)
	require.True(t, amb.AmbassadorEditions.Edges[0].Node.ViewerCan.Nominate)

	// The programme: ten indicators, the entered values of 2024 and 2025.
	var prog struct {
		Programme struct {
			Indicators []struct {
				Code   string `json:"code"`
				Method string `json:"method"`
			} `json:"indicators"`
			Results []struct {
				Indicator struct{ Code string } `json:"indicator"`
				Value     *float64              `json:"value"`
				Status    string                `json:"status"`
			} `json:"results"`
		} `json:"programme"`
	}
	gql(t, s.httpURL(), "", `{ programme(slug: "otwarty-krakow-2024-2028") { indicators { code method }
		results(year: 2024) { indicator { code } value status } } }`, &prog)
	require.Len(t, prog.Programme.Indicators, 10)
	methods := map[string]string{}
	for _, in := range prog.Programme.Indicators {
		methods[in.Code] = in.Method
	}
	require.Equal(t, map[string]string{"1.1": "ENTERED", "1.2": "TRANSLATED_PROCEDURES", "1.3": "ENTERED", "2.1": "BODY_MEETINGS",
		"2.2": "CONSULTATION_MEETINGS", "3.1": "EVENTS", "3.2": "BUDGET_SHARE", "4.1": "AMBASSADOR_NOMINATIONS", "5.1": "ENTERED",
		"6.1": "ENTERED"}, methods)
	entered := map[string]string{}
	for _, r := range prog.Programme.Results {
		if r.Value != nil && methods[r.Indicator.Code] == "ENTERED" {
			entered[r.Indicator.Code] = fmt.Sprintf("%v %s", *r.Value, r.Status)
		}
	}
	require.Equal(t, map[string]string{"1.1": "5610 MET", "1.3": "120 MET", "5.1": "152 MET", "6.1": "4 NOT_YET_KNOWN"}, entered)

	// Seeding again says so and changes nothing the API shows.
	snapshot := func() string {
		var raw json.RawMessage
		gql(t, s.httpURL(), "", `{ consultations { totalCount edges { node { id status title { text } submissions { totalCount } } } }
			bodies { totalCount edges { node { id members { totalCount edges { node { id role } } } } } }
			ambassadorEditions { edges { node { id phase laureates { laureate { nominationId } } } } } }`, &raw)
		var meetings json.RawMessage
		gql(t, s.httpURL(), "", meetingsQuery, &meetings)
		return string(raw) + string(meetings)
	}
	before := snapshot()
	require.Contains(t, seed(), "demo data already present")
	require.Equal(t, before, snapshot())
}
