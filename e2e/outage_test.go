package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

const resyncSub = `subscription { notificationAdded { notification { id kind } unreadCount resync } }`

// liveEvent is one notificationAdded event with its resync mark.
type liveEvent struct {
	Kind   string
	Resync bool
}

// nextLive reads the next event of subscription id, answering pings, and
// fails on anything else (an error or complete ends the subscription).
func (c *wsClient) nextLive(id string, deadline time.Time, waitingFor string) liveEvent {
	c.t.Helper()
	for {
		m := c.read(deadline, waitingFor)
		if m.Type == "pong" {
			continue
		}
		require.Equal(c.t, "next", m.Type, "waiting for %s: %s", waitingFor, m.Payload)
		require.Equal(c.t, id, m.ID)
		var ev struct {
			Data *struct {
				NotificationAdded struct {
					Notification *struct {
						Kind string `json:"kind"`
					} `json:"notification"`
					Resync bool `json:"resync"`
				} `json:"notificationAdded"`
			} `json:"data"`
			Errors json.RawMessage `json:"errors"`
		}
		require.NoError(c.t, json.Unmarshal(m.Payload, &ev), "%s", m.Payload)
		require.Empty(c.t, ev.Errors, "%s", m.Payload)
		require.NotNil(c.t, ev.Data, "%s", m.Payload)
		out := liveEvent{Resync: ev.Data.NotificationAdded.Resync}
		if n := ev.Data.NotificationAdded.Notification; n != nil {
			out.Kind = n.Kind
		}
		return out
	}
}

// requireOutageAnswers checks what a client sees while the server cannot
// reach PostgreSQL: a query and a mutation answer INTERNAL (a retryable
// server error, not a verdict on the caller such as UNAUTHENTICATED) within
// the request bound, and /readyz answers 503.
func requireOutageAnswers(t *testing.T, s *server, token, phase string) {
	t.Helper()
	for _, q := range []string{
		`{ me { id } }`,
		`mutation { createOrganisation(input: {kind: NGO, name: "Fundacja W Awarii", slug: "w-awarii"}) { organisation { id } } }`,
	} {
		a := tryGQL(t, s, token, q)
		require.Equal(t, "INTERNAL", a.code, "%s, %s: HTTP %d %q", phase, q, a.status, a.message)
		t.Logf("%s: %q answered %d INTERNAL in %v", phase, q, a.status, a.took.Round(time.Millisecond))
	}
	require.Equal(t, http.StatusServiceUnavailable, readyz(t, s), "%s: /readyz", phase)
}

// TestOutage_PostgreSQLRestartWhileServing: the server's database goes away
// twice — first its connections are terminated and the database refuses new
// ones, then the whole cluster is stopped — and comes back on the same data
// directory. Meanwhile requests answer INTERNAL at once and /readyz 503;
// afterwards, without a server restart, requests succeed, the open
// subscription gets a resync event and then normal events, a role granted
// (in SQL) while the server could not hear is in force, and a River job
// enqueued after the restart runs (its e-mail reaches the outbox).
func TestOutage_PostgreSQLRestartWhileServing(t *testing.T) {
	t.Parallel()
	pg := startCluster(t)
	// Polling a mutation until the grant holds must not meet the write limit.
	s := startServer(t, "server", pg.appURL, "OTWARTY_RATE_WRITES=6000/6000")

	email := randomEmail("e2e-outage")
	token, acc := signUp(t, s, email, testPassword)
	createOrg := func(slug string) gqlAttempt {
		return tryGQL(t, s, token, fmt.Sprintf(
			`mutation { createOrganisation(input: {kind: NGO, name: "Fundacja %s", slug: %q}) { organisation { id } } }`, slug, slug))
	}
	require.Equal(t, "FORBIDDEN", createOrg("przed").code, "not a coordinator yet")

	// The sign-up's notices are delivered before the outage: every event and
	// e-mail counted after it is caused after it.
	waitJobsIdle(t, pg.appURL)
	ws := dialWS(t, s.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	q, err := json.Marshal(map[string]string{"query": resyncSub})
	require.NoError(t, err)
	ws.send(wsMessage{ID: "1", Type: "subscribe", Payload: q})
	ws.send(wsMessage{Type: "ping"})
	for m := ws.read(time.Now().Add(stepTimeout), "pong"); m.Type != "pong"; m = ws.read(time.Now().Add(stepTimeout), "pong") {
		require.Equal(t, "next", m.Type, "the subscription was refused: %s", m.Payload)
	}

	// Phase 1: the server's connections are terminated and its database
	// refuses new ones. The test keeps one connection, through which it
	// grants a role in SQL: no instance hears of it.
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.appURL)
	require.NoError(t, err)
	pg.exec(pg.adminURL, "alter database otwarty allow_connections false")
	var terminated int
	require.NoError(t, conn.QueryRow(ctx, `select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
		where datname = 'otwarty' and pid <> pg_backend_pid()) t`).Scan(&terminated))
	require.Positive(t, terminated, "the server's connections")
	_, err = conn.Exec(ctx, `insert into role_grants (account_id, role, domain) values ($1, 'coordinator', '*')`, rawID(t, acc.ID))
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	requireOutageAnswers(t, s, token, "connections refused")

	// Phase 2: PostgreSQL stops altogether, and starts again on the same data
	// directory; then the database accepts connections again.
	pg.stop()
	requireOutageAnswers(t, s, token, "PostgreSQL stopped")
	pg.start()
	restarted := time.Now()
	pg.exec(pg.adminURL, "alter database otwarty allow_connections true")

	// Back without a restart of the server.
	require.NoError(t, s.waitReady(eventTimeout), "/readyz after PostgreSQL came back")
	var me struct {
		Me account `json:"me"`
	}
	gql(t, s.httpURL(), token, `{ me { id email displayName } }`, &me)
	require.Equal(t, acc.ID, me.Me.ID)

	// The listener came back: the subscription is told to resync first.
	ev := ws.nextLive("1", time.Now().Add(eventTimeout), "the resync event")
	require.Equal(t, liveEvent{Resync: true}, ev, "the first event after the outage")
	t.Logf("resync event %v after PostgreSQL started again", time.Since(restarted).Round(time.Millisecond))

	// The grant written while the server could not hear was reloaded when
	// the grants listener came back (it may come back a moment after the
	// live one: the bound only stops a broken build from hanging).
	deadline := time.Now().Add(eventTimeout)
	for {
		a := createOrg("po")
		if a.code == "" {
			break
		}
		require.Equal(t, "FORBIDDEN", a.code, a.message)
		require.True(t, time.Now().Before(deadline), "the grant made during the outage is not in force after %v", eventTimeout)
		time.Sleep(pollInterval)
	}

	// River runs jobs enqueued after the restart: the password-change notice
	// reaches the subscription (in-app) and the outbox (e-mail).
	changePassword(t, s, token, testPassword, testPassword+" 2", acc.ID)
	ev = ws.nextLive("1", time.Now().Add(eventTimeout), "the password_changed notification")
	require.Equal(t, liveEvent{Kind: "password_changed"}, ev)
	deadline = time.Now().Add(eventTimeout)
	for {
		var n int
		func() {
			ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
			defer cancel()
			c, err := pgx.Connect(ctx, pg.appURL)
			require.NoError(t, err)
			defer c.Close(context.Background())
			require.NoError(t, c.QueryRow(ctx, `select count(*) from email_outbox where account_id = $1 and created_at > $2`,
				rawID(t, acc.ID), restarted).Scan(&n))
		}()
		if n > 0 {
			require.Equal(t, 1, n, "e-mails to the account since the restart")
			break
		}
		require.True(t, time.Now().Before(deadline), "no e-mail in the outbox %v after the password change", eventTimeout)
		time.Sleep(pollInterval)
	}
}

// TestOutage_FrozenPostgreSQLAnswersWithinTheRequestTimeout: when PostgreSQL
// stops answering without closing anything (a hung server, a partition),
// requests answer INTERNAL once the request timeout has passed instead of
// hanging, /readyz answers 503; once it answers again, so do requests, with
// no server restart.
func TestOutage_FrozenPostgreSQLAnswersWithinTheRequestTimeout(t *testing.T) {
	t.Parallel()
	pg := startCluster(t)
	s := startServer(t, "server", pg.appURL, "OTWARTY_REQUEST_TIMEOUT=2s")
	token, acc := signUp(t, s, randomEmail("e2e-frozen"), testPassword)

	thaw := pg.freeze()
	// More requests than the pool has connections: each waits for a
	// connection or a reply, and each must come back (tryGQL's bound is
	// stepTimeout, five times the request timeout).
	var wg sync.WaitGroup
	codes := make([]string, 8)
	errs := make([]error, len(codes))
	for i := range codes {
		wg.Go(func() {
			a, err := postGQL(s, token, `{ me { id } }`)
			codes[i], errs[i] = a.code, err
			t.Logf("frozen: request %d answered %d %s in %v", i, a.status, a.code, a.took.Round(time.Millisecond))
		})
	}
	wg.Wait()
	for i, code := range codes {
		require.NoError(t, errs[i], "request %d", i)
		require.Equal(t, "INTERNAL", code, "request %d", i)
	}
	require.Equal(t, http.StatusServiceUnavailable, readyz(t, s))

	thaw()
	require.NoError(t, s.waitReady(eventTimeout), "/readyz after PostgreSQL answers again")
	var me struct {
		Me account `json:"me"`
	}
	gql(t, s.httpURL(), token, `{ me { id } }`, &me)
	require.Equal(t, acc.ID, me.Me.ID)
}

// TestOutage_FrozenPostgreSQLBoundsUploadsPagesAndWebSocketOperations: the
// request timeout bounds more than GraphQL over HTTP. With PostgreSQL
// frozen, a query over an open WebSocket, an upload (a GraphQL multipart
// request) and a web page each answer an error once the timeout has passed;
// a subscription on the same socket is not ended by it, and the socket
// answers again after the thaw.
func TestOutage_FrozenPostgreSQLBoundsUploadsPagesAndWebSocketOperations(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	pg := startCluster(t)
	s := startServer(t, "server", pg.appURL, "OTWARTY_REQUEST_TIMEOUT="+timeout.String())
	token, acc := signUp(t, s, randomEmail("e2e-frozen-ws"), testPassword)
	// The sign-up's welcome notice is written first (a subscription carries
	// only notices added after it starts): then the subscription is quiet.
	deadline := time.Now().Add(eventTimeout)
	for {
		var n struct {
			Me struct {
				UnreadNotificationCount int `json:"unreadNotificationCount"`
			} `json:"me"`
		}
		gql(t, s.httpURL(), token, `{ me { unreadNotificationCount } }`, &n)
		if n.Me.UnreadNotificationCount == 1 {
			break
		}
		require.Zero(t, n.Me.UnreadNotificationCount, "the welcome notice is the only one")
		require.True(t, time.Now().Before(deadline), "no welcome notice within %v", eventTimeout)
		time.Sleep(50 * time.Millisecond)
	}
	ws := dialWS(t, s.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	require.Empty(t, ws.subscribeNotifications("notices"), "no notice after the welcome")
	meQuery, err := json.Marshal(map[string]string{"query": `{ me { id } }`})
	require.NoError(t, err)
	// me is answered from the socket's session; a list reads the database.
	listQuery := `{ consultations(first: 1) { edges { node { id } } } }`
	list, err := json.Marshal(map[string]string{"query": listQuery})
	require.NoError(t, err)

	thaw := pg.freeze()
	// Over the WebSocket: the query's answer is an INTERNAL error, then its
	// completion; nothing ends the subscription.
	start := time.Now()
	ws.send(wsMessage{ID: "list", Type: "subscribe", Payload: list})
	m := ws.read(start.Add(stepTimeout), "the answer to a query over the WebSocket while PostgreSQL is frozen")
	took := time.Since(start)
	t.Logf("frozen: the WebSocket query answered %s %s in %v", m.Type, m.Payload, took.Round(time.Millisecond))
	require.Equal(t, wsMessage{ID: "list", Type: "next"}, wsMessage{ID: m.ID, Type: m.Type}, "%s", m.Payload)
	var r gqlResponse
	require.NoError(t, json.Unmarshal(m.Payload, &r))
	require.Len(t, r.Errors, 1, "%s", m.Payload)
	require.Equal(t, "INTERNAL", r.Errors[0].Extensions["code"])
	require.GreaterOrEqual(t, took, timeout-100*time.Millisecond)
	m = ws.read(time.Now().Add(stepTimeout), "the query's completion")
	require.Equal(t, wsMessage{ID: "list", Type: "complete"}, m)

	// An upload: the body arrives, then the timeout bounds the rest.
	ops, err := json.Marshal(map[string]any{"query": listQuery})
	require.NoError(t, err)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("operations", string(ops)))
	require.NoError(t, mw.WriteField("map", `{}`))
	require.NoError(t, mw.Close())
	status, data, took := timedRequest(t, http.MethodPost, s.httpURL(), mw.FormDataContentType(), token, body.Bytes())
	t.Logf("frozen: the upload answered %d %s in %v", status, data, took.Round(time.Millisecond))
	require.Equal(t, http.StatusInternalServerError, status)
	require.Contains(t, string(data), `"code":"INTERNAL"`)

	// A web page.
	status, _, took = timedRequest(t, http.MethodGet, "http://"+s.addr+"/", "", "", nil)
	t.Logf("frozen: the home page answered %d in %v", status, took.Round(time.Millisecond))
	require.Equal(t, http.StatusInternalServerError, status)

	// Long past the timeout, the subscription has had no message.
	ws.send(wsMessage{Type: "ping"})
	m = ws.read(time.Now().Add(stepTimeout), "the pong")
	require.Equal(t, "pong", m.Type, "a message for the subscription while frozen: %+v %s", m, m.Payload)

	thaw()
	require.NoError(t, s.waitReady(eventTimeout), "/readyz after PostgreSQL answers again")
	ws.send(wsMessage{ID: "me again", Type: "subscribe", Payload: meQuery})
	m = ws.read(time.Now().Add(stepTimeout), "the answer after the thaw")
	require.Equal(t, "next", m.Type, "%s", m.Payload)
	require.JSONEq(t, fmt.Sprintf(`{"data":{"me":{"id":%q}}}`, acc.ID), string(m.Payload))
}

// timedRequest sends one request bounded by stepTimeout (a server that
// hangs fails here) and returns its status, body and duration.
func timedRequest(t *testing.T, method, url, contentType, token string, body []byte) (int, []byte, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "%s %s (bounded by %v)", method, url, stepTimeout)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data, time.Since(start)
}
