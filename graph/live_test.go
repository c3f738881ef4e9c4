package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
)

// liveWait bounds the waits of these tests; it guards against hangs and is
// not a performance assertion.
const liveWait = 15 * time.Second

// wsClient is one graphql-transport-ws connection whose messages a single
// goroutine reads into a channel; the close frame that ended it is kept.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan wsMsg

	mu       sync.Mutex
	closeErr *websocket.CloseError
	done     chan struct{}
}

// dialLive opens a socket and sends connection_init (token "" is
// anonymous); it does not wait for the ack.
func dialLive(t *testing.T, b *bundle, token string) *wsClient {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(b.url, "http"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	require.NoError(t, conn.WriteJSON(map[string]any{"type": "connection_init", "payload": payload}))
	c := &wsClient{t: t, conn: conn, msgs: make(chan wsMsg, 4096), done: make(chan struct{})}
	go c.read()
	return c
}

func (c *wsClient) read() {
	defer close(c.done)
	defer close(c.msgs)
	for {
		var m wsMsg
		if err := c.conn.ReadJSON(&m); err != nil {
			var ce *websocket.CloseError
			if ok := asCloseError(err, &ce); ok {
				c.mu.Lock()
				c.closeErr = ce
				c.mu.Unlock()
			}
			return
		}
		if m.Type == "ping" {
			_ = c.send(map[string]any{"type": "pong"})
			continue
		}
		// The set-up's phase changes may reach a subscription that started
		// after them (NOTIFY is delivered after commit, asynchronously); no
		// test here is about them.
		if m.Type == "next" && strings.Contains(string(m.Payload), `"phase_changed"`) {
			continue
		}
		c.msgs <- m
	}
}

func asCloseError(err error, target **websocket.CloseError) bool {
	ce, ok := err.(*websocket.CloseError)
	if ok {
		*target = ce
	}
	return ok
}

var wsWriteMu sync.Mutex

func (c *wsClient) send(v any) error {
	wsWriteMu.Lock()
	defer wsWriteMu.Unlock()
	return c.conn.WriteJSON(v)
}

// ack waits for connection_ack.
func (c *wsClient) ack() {
	c.t.Helper()
	m := c.next()
	require.Equal(c.t, "connection_ack", m.Type)
}

// next returns the next message other than pings; the socket must not close.
func (c *wsClient) next() wsMsg {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			require.FailNow(c.t, "the socket closed", "%v", c.closed())
		}
		return m
	case <-time.After(liveWait):
		require.FailNow(c.t, "no message")
	}
	return wsMsg{}
}

// subscribe starts operation id. A write error is left to the assertions
// that follow: the server may already have closed the socket on purpose.
func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	_ = c.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
}

// sync sends a ping and returns the messages that came before its pong.
func (c *wsClient) sync() []wsMsg {
	c.t.Helper()
	require.NoError(c.t, c.send(map[string]any{"type": "ping"}))
	var before []wsMsg
	for {
		m := c.next()
		if m.Type == "pong" {
			return before
		}
		before = append(before, m)
	}
}

// closed waits for the socket to end and returns its close frame (nil if it
// ended without one).
func (c *wsClient) closed() *websocket.CloseError {
	select {
	case <-c.done:
	case <-time.After(liveWait):
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeErr
}

// requireClosed waits for the close frame, skipping messages before it.
func (c *wsClient) requireClosed(code int, reason string) {
	c.t.Helper()
	go func() {
		for range c.msgs {
		}
	}()
	ce := c.closed()
	require.NotNil(c.t, ce, "the socket did not close with a close frame")
	require.Equal(c.t, code, ce.Code, ce.Text)
	require.Equal(c.t, reason, ce.Text)
}

func payloadData(t *testing.T, m wsMsg, field string) map[string]any {
	t.Helper()
	var p struct {
		Data   map[string]map[string]any `json:"data"`
		Errors []gqlError                `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(m.Payload, &p), string(m.Payload))
	require.Empty(t, p.Errors)
	return p.Data[field]
}

// errorCode is the code of an operation's error: an error message (the
// transport's refusals, a stream ended by a lost permission) or a next whose
// result has errors (the resolver refused).
func errorCode(t *testing.T, m wsMsg) string {
	t.Helper()
	var errs []gqlError
	switch m.Type {
	case "error":
		require.NoError(t, json.Unmarshal(m.Payload, &errs))
	case "next":
		var res struct {
			Errors []gqlError `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(m.Payload, &res))
		errs = res.Errors
	default:
		require.FailNow(t, "not an error", "%s %s", m.Type, m.Payload)
	}
	require.Len(t, errs, 1, string(m.Payload))
	code, _ := errs[0].Extensions["code"].(string)
	return code
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(liveWait)
	for !cond() {
		if time.Now().After(deadline) {
			require.FailNow(t, "timed out waiting: "+what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func withLive(l graph.LiveLimits) func(*setupOpts) {
	return func(o *setupOpts) { o.live = &l }
}

const activityQuery = `subscription($id: ID!) { consultationActivity(consultationId: $id) { type submissionId } }`
const moderationQuery = `subscription($id: ID!) { moderationQueue(consultationId: $id) { type submissionId } }`
const notificationQuery = `subscription { notificationAdded { notification { kind } unreadCount resync } }`

// openConsultation publishes and opens a consultation of f for submissions.
func (f *consultationFixture) openConsultation(t *testing.T) string {
	t.Helper()
	id, _, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"})
	require.Empty(t, f.b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official)).Errors)
	require.Empty(t, f.b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy konsultacje"}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official)).Errors)
	return id
}

func (f *consultationFixture) submit(t *testing.T, id, token, text string) string {
	t.Helper()
	res := f.b.gql(t, `mutation($id: ID!, $text: String!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL, text: $text}) { submission { id } } }`,
		map[string]any{"id": id, "text": text}, withToken(token))
	require.Empty(t, res.Errors)
	return res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)
}

// The defect: one socket could hold any number of subscriptions with one id,
// and an event then went out once per copy.
func TestLive_DuplicateSubscriptionIDClosesWith4409(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	id := f.openConsultation(t)
	c := dialLive(t, f.b, "")
	c.ack()
	for range 200 {
		c.subscribe("same", activityQuery, map[string]any{"id": id})
	}
	c.requireClosed(4409, "Subscriber for same already exists")
	waitUntil(t, "streams and sockets gone", func() bool {
		return f.b.resolver.LiveSubscriptions() == 0 && f.b.resolver.LiveSockets() == 0
	})
}

// The defect: an anonymous socket could start 3,000 subscriptions, and one
// submission then sent 3,000 frames.
func TestLive_OperationsPerSocketAreCapped(t *testing.T) {
	t.Parallel()
	limits := graph.DefaultLiveLimits()
	limits.SubscriptionsPerSocket = 3
	f := newConsultationFixture(t, withLive(limits))
	id := f.openConsultation(t)
	c := dialLive(t, f.b, "")
	c.ack()
	for i := range 5 {
		c.subscribe(fmt.Sprint(i), activityQuery, map[string]any{"id": id})
	}
	before := c.sync()
	require.Len(t, before, 2)
	for i, m := range before {
		require.Equal(t, fmt.Sprint(3+i), m.ID)
		require.Equal(t, "RATE_LIMITED", errorCode(t, m))
	}
	// Resolvers run apart from the socket's reader: wait until they have.
	waitUntil(t, "three streams", func() bool { return f.b.resolver.LiveSubscriptions() == 3 })

	sid := f.submit(t, id, f.alice, "Dyżury tłumaczy w urzędach dzielnic")
	seen := map[string]bool{}
	for len(seen) < 3 {
		m := c.next()
		require.Equal(t, "next", m.Type)
		require.Equal(t, map[string]any{"type": "submission_added", "submissionId": sid}, payloadData(t, m, "consultationActivity"))
		require.False(t, seen[m.ID], "operation %s got the event twice", m.ID)
		seen[m.ID] = true
	}
	require.Equal(t, map[string]bool{"0": true, "1": true, "2": true}, seen)
	require.Empty(t, c.sync(), "nothing beyond one frame per operation")

	// Completing one frees its place.
	require.NoError(t, c.send(map[string]any{"id": "1", "type": "complete"}))
	c.subscribe("9", activityQuery, map[string]any{"id": id})
	require.Empty(t, c.sync())
	waitUntil(t, "three streams", func() bool { return f.b.resolver.LiveSubscriptions() == 3 })

	c.conn.Close()
	waitUntil(t, "streams and sockets gone", func() bool {
		return f.b.resolver.LiveSubscriptions() == 0 && f.b.resolver.LiveSockets() == 0
	})
}

func TestLive_SocketsPerAnonymousIPAndPerAccountAreCapped(t *testing.T) {
	t.Parallel()
	limits := graph.DefaultLiveLimits()
	limits.SocketsPerIP, limits.SocketsPerAccount = 2, 2
	f := newConsultationFixture(t, withLive(limits))

	a1, a2 := dialLive(t, f.b, ""), dialLive(t, f.b, "")
	a1.ack()
	a2.ack()
	a3 := dialLive(t, f.b, "")
	a3.requireClosed(4429, "Too many connections")

	// Signed-in sockets count against their account, not the address.
	a1.conn.Close()
	waitUntil(t, "the closed socket released its place", func() bool { return f.b.resolver.LiveSockets() == 1 })
	s1 := dialLive(t, f.b, f.alice)
	s1.ack()
	s2 := dialLive(t, f.b, f.alice)
	s2.ack()
	s3 := dialLive(t, f.b, f.alice)
	s3.requireClosed(4429, "Too many connections")
	// Until it signs in, a socket counts against its address: the refused one
	// held a place there until the server closed it.
	waitUntil(t, "the refused socket released its place", func() bool { return f.b.resolver.LiveSockets() == 3 })
	b1 := dialLive(t, f.b, f.bob)
	b1.ack()
	a4 := dialLive(t, f.b, "")
	a4.ack()
	require.Equal(t, 5, f.b.resolver.LiveSockets())
}

// The defect: after sign-out or revocation an idle socket stayed open until
// an event happened to come.
func TestLive_EndedSessionClosesIdleSocketsAtOnce(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	signIn := func(email string) string {
		res := b.gql(t, `mutation($e: String!) { signIn(input: {email: $e, password: "correct horse battery"}) { token } }`, map[string]any{"e": email})
		require.Empty(t, res.Errors)
		return res.Data["signIn"].(map[string]any)["token"].(string)
	}
	watch := func(token string) *wsClient {
		c := dialLive(t, b, token)
		c.ack()
		c.subscribe("n", notificationQuery, nil)
		for _, m := range c.sync() {
			require.Equal(t, "next", m.Type) // a welcome notice may come
		}
		return c
	}

	// Signing out closes the session's sockets, and only those.
	token := signIn("mieszkaniec0@example.org")
	out, other := watch(token), watch(f.alice)
	require.Empty(t, b.gql(t, `mutation { signOut(input: {}) { ok } }`, nil, withToken(token)).Errors)
	out.requireClosed(4403, "Session ended")
	for _, m := range other.sync() { // open; only a late welcome notice may come
		require.Contains(t, string(m.Payload), `"kind":"welcome"`, "another session of the account stays open")
	}

	// Revoking a session from another one.
	second := signIn("mieszkaniec1@example.org")
	victim := watch(second)
	res := b.gql(t, `{ me { sessions { id current } } }`, nil, withToken(f.bob))
	require.Empty(t, res.Errors)
	var target string
	for _, s := range res.Data["me"].(map[string]any)["sessions"].([]any) {
		if s := s.(map[string]any); s["current"] == false {
			target = s["id"].(string)
		}
	}
	require.NotEmpty(t, target)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { revokeSession(input: {sessionId: $id}) { revokedSessionId } }`, map[string]any{"id": target}, withToken(f.bob)).Errors)
	victim.requireClosed(4403, "Session ended")

	// A password change ends every other session.
	third := signIn("mieszkaniec2@example.org")
	old := watch(f.carol)
	require.Empty(t, b.gql(t, `mutation { changePassword(input: {currentPassword: "correct horse battery", newPassword: "another horse battery"}) { account { id } } }`,
		nil, withToken(third)).Errors)
	old.requireClosed(4403, "Session ended")
	// Signing in again at once opens a new session, which the change did not end.
	res = b.gql(t, `mutation { signIn(input: {email: "mieszkaniec2@example.org", password: "another horse battery"}) { token } }`, nil)
	require.Empty(t, res.Errors)
	again := watch(res.Data["signIn"].(map[string]any)["token"].(string))
	require.Empty(t, again.sync())

	// Deleting the account ends all of them.
	gone := watch(f.dan)
	require.Empty(t, b.gql(t, `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`, nil, withToken(f.dan)).Errors)
	gone.requireClosed(4403, "Session ended")
}

func TestLive_SocketClosesWhenItsSessionExpires(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	_, err := f.b.pool.Exec(context.Background(), `update sessions set expires_at = now() + interval '1 second'
		where account_id = (select id from accounts where email = 'mieszkaniec0@example.org')`)
	require.NoError(t, err)
	c := dialLive(t, f.b, f.alice)
	c.ack()
	c.subscribe("n", notificationQuery, nil)
	c.requireClosed(4403, "Session expired")
}

// Who receives what, by kind of caller, and a moderator who loses the role
// mid-stream: the moderation queue ends with FORBIDDEN while the public
// activity goes on.
func TestLive_EachCallerReceivesExactlyWhatTheyMaySee(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	id := f.openConsultation(t)
	require.Empty(t, b.gql(t, `mutation($id: ID!, $o: ID!) { assignConsultationModerator(input: {consultationId: $id, organisationId: $o}) { consultation { id } } }`,
		map[string]any{"id": id, "o": f.ngoID}, withToken(f.official)).Errors)

	callers := map[string]string{"anonymous": "", "resident": f.carol, "moderator": f.moderator, "official": f.official}
	clients := map[string]*wsClient{}
	for name, token := range callers {
		c := dialLive(t, b, token)
		c.ack()
		c.subscribe("a", activityQuery, map[string]any{"id": id})
		c.subscribe("m", moderationQuery, map[string]any{"id": id})
		clients[name] = c
	}
	refused := map[string]string{}
	for _, name := range []string{"anonymous", "resident"} {
		m := clients[name].next()
		require.Equal(t, "m", m.ID)
		refused[name] = errorCode(t, m)
		require.Equal(t, wsMsg{ID: "m", Type: "complete"}, clients[name].next())
	}
	require.Equal(t, map[string]string{"anonymous": "UNAUTHENTICATED", "resident": "FORBIDDEN"}, refused)
	// Two public streams, and both streams of the moderator and the official.
	waitUntil(t, "six streams", func() bool { return b.resolver.LiveSubscriptions() == 6 })
	for _, c := range clients {
		require.Empty(t, c.sync())
	}

	sid := f.submit(t, id, f.alice, "Więcej zajęć z języka polskiego")
	require.Empty(t, b.gql(t, `mutation($id: ID!) { flagSubmission(input: {submissionId: $id, reason: SPAM}) { submissionId } }`,
		map[string]any{"id": sid}, withToken(f.bob)).Errors)
	got := func(c *wsClient, n int) map[string][]string {
		out := map[string][]string{}
		for range n {
			m := c.next()
			require.Equal(t, "next", m.Type, string(m.Payload))
			field := map[string]string{"a": "consultationActivity", "m": "moderationQueue"}[m.ID]
			out[m.ID] = append(out[m.ID], payloadData(t, m, field)["type"].(string))
		}
		require.Empty(t, c.sync())
		return out
	}
	for name, c := range clients {
		switch name {
		case "moderator", "official":
			require.Equal(t, map[string][]string{"a": {"submission_added"}, "m": {"flagged"}}, got(c, 2), name)
		default:
			require.Equal(t, map[string][]string{"a": {"submission_added"}}, got(c, 1), name)
		}
	}

	// The NGO is unassigned: its moderator's queue ends at once, with no
	// event needed; the public activity stays.
	require.Empty(t, b.gql(t, `mutation($id: ID!, $o: ID!) { unassignConsultationModerator(input: {consultationId: $id, organisationId: $o}) { consultation { id } } }`,
		map[string]any{"id": id, "o": f.ngoID}, withToken(f.official)).Errors)
	m := clients["moderator"].next()
	require.Equal(t, "m", m.ID)
	require.Equal(t, "FORBIDDEN", errorCode(t, m))

	second := f.submit(t, id, f.alice, "Tablice informacyjne po ukraińsku")
	require.Empty(t, b.gql(t, `mutation($id: ID!) { flagSubmission(input: {submissionId: $id, reason: SPAM}) { submissionId } }`,
		map[string]any{"id": second}, withToken(f.bob)).Errors)
	require.Equal(t, map[string][]string{"a": {"submission_added"}}, got(clients["moderator"], 1))
	require.Equal(t, map[string][]string{"a": {"submission_added"}, "m": {"flagged"}}, got(clients["official"], 2))
}

// The defect: every event re-read the session and the consultation once per
// subscriber. Now an event costs the same statements for 1 or 12 watchers.
func TestLive_StatementsPerEventDoNotGrowWithTheAudience(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	id := f.openConsultation(t)
	var clients []*wsClient
	statements := func(watchers int) []string {
		for len(clients) < watchers {
			c := dialLive(t, f.b, f.carol)
			c.ack()
			c.subscribe("a", activityQuery, map[string]any{"id": id})
			require.Empty(t, c.sync())
			clients = append(clients, c)
		}
		waitUntil(t, "every stream started", func() bool { return f.b.resolver.LiveSubscriptions() == watchers })
		start := int(f.b.queries.n.Load())
		sid := f.submit(t, id, f.alice, fmt.Sprintf("Postulat dla %d obserwujących", watchers))
		for _, c := range clients {
			m := c.next()
			require.Equal(t, sid, payloadData(t, m, "consultationActivity")["submissionId"])
		}
		// A session's last-seen time is written at most once a minute, on
		// whichever request comes then: not part of the event's cost.
		var out []string
		for _, q := range f.b.queries.since(start) {
			if !strings.HasPrefix(q, "update sessions set last_seen_at") {
				out = append(out, q)
			}
		}
		return out
	}
	one, twelve := statements(1), statements(12)
	require.Equal(t, len(one), len(twelve), "for 1:\n%s\nfor 12:\n%s", strings.Join(one, "\n---\n"), strings.Join(twelve, "\n---\n"))
}

// The defect: events published while the listener reconnected were lost
// without a word. Now every subscription is told to re-query.
func TestLive_ListenerReconnectSendsResyncToEverySubscription(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	id := f.openConsultation(t)
	c := dialLive(t, f.b, f.alice)
	c.ack()
	c.subscribe("a", activityQuery, map[string]any{"id": id})
	c.subscribe("n", notificationQuery, nil)
	waitUntil(t, "both streams", func() bool { return f.b.resolver.LiveSubscriptions() == 2 })
	unread := -1
	for _, m := range c.sync() { // a welcome notice may come
		unread = int(payloadData(t, m, "notificationAdded")["unreadCount"].(float64))
	}
	if unread < 0 {
		res := f.b.gql(t, `{ me { notifications(first: 1, unreadOnly: true) { totalCount } } }`, nil, withToken(f.alice))
		require.Empty(t, res.Errors)
		unread = int(res.Data["me"].(map[string]any)["notifications"].(map[string]any)["totalCount"].(float64))
	}

	var killed int
	require.NoError(t, f.b.pool.QueryRow(context.Background(), `select count(pg_terminate_backend(pid)) from pg_stat_activity
		where application_name = 'otwarty_live' and datname = current_database()`).Scan(&killed))
	require.Equal(t, 1, killed)

	got := map[string]map[string]any{}
	for len(got) < 2 {
		m := c.next()
		require.Equal(t, "next", m.Type)
		field := map[string]string{"a": "consultationActivity", "n": "notificationAdded"}[m.ID]
		data := payloadData(t, m, field)
		// Events of the set-up (the phase change, a welcome notice) may
		// still be on their way; the resync is what the test waits for.
		if data["type"] == "resync" || data["resync"] == true {
			got[m.ID] = data
		}
	}
	require.Equal(t, map[string]map[string]any{
		"a": {"type": "resync", "submissionId": nil},
		"n": {"notification": nil, "unreadCount": float64(unread), "resync": true},
	}, got)

	// Events flow again after the reconnect.
	sid := f.submit(t, id, f.bob, "Po ponownym połączeniu")
	m := c.next()
	require.Equal(t, map[string]any{"type": "submission_added", "submissionId": sid}, payloadData(t, m, "consultationActivity"))
}

// withGoroutineLabel serves the API under a pprof label, which every
// goroutine started for a request inherits (a socket's reader, an operation
// being resolved, a goroutine a resolver starts).
func withGoroutineLabel(label string) func(*setupOpts) {
	return func(o *setupOpts) {
		o.wrap = func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				pprof.Do(r.Context(), pprof.Labels("graph_test", label), func(context.Context) { h.ServeHTTP(w, r) })
			})
		}
	}
}

// goroutinesLabelled counts live goroutines carrying label.
func goroutinesLabelled(t *testing.T, label string) int {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, pprof.Lookup("goroutine").WriteTo(&buf, 1))
	want := fmt.Sprintf("# labels: {%q:%q}", "graph_test", label)
	total := 0
	for _, record := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(record, want) {
			continue
		}
		for _, line := range strings.Split(record, "\n") {
			var n int
			if _, err := fmt.Sscanf(line, "%d @", &n); err == nil {
				total += n
				break
			}
		}
	}
	return total
}

// The defect: every socket held five goroutines, one per subscription
// among them (about 8 KB of stack each). Now an idle socket holds its reader
// only, whatever its subscriptions: their streams wake the transport's
// workers when they have something to send.
func TestLive_IdleSubscriptionsHoldNoGoroutine(t *testing.T) {
	t.Parallel()
	const sockets = 5
	label := t.Name()
	f := newConsultationFixture(t, withGoroutineLabel(label))
	id := f.openConsultation(t)
	require.Empty(t, f.b.gql(t, `mutation($id: ID!, $o: ID!) { assignConsultationModerator(input: {consultationId: $id, organisationId: $o}) { consultation { id } } }`,
		map[string]any{"id": id, "o": f.ngoID}, withToken(f.official)).Errors)

	var clients []*wsClient
	for range sockets {
		c := dialLive(t, f.b, f.official)
		c.ack()
		c.subscribe("a", activityQuery, map[string]any{"id": id})
		c.subscribe("m", moderationQuery, map[string]any{"id": id})
		clients = append(clients, c)
	}
	waitUntil(t, "every stream started", func() bool { return f.b.resolver.LiveSubscriptions() == 2*sockets })
	for _, c := range clients {
		require.Empty(t, c.sync())
	}
	settled := func(want int) func() bool {
		return func() bool { return goroutinesLabelled(t, label) == want }
	}
	waitUntil(t, "one goroutine per socket", settled(sockets))

	sid := f.submit(t, id, f.alice, "Informator dla nowych mieszkańców")
	for _, c := range clients {
		m := c.next()
		require.Equal(t, "a", m.ID)
		require.Equal(t, map[string]any{"type": "submission_added", "submissionId": sid}, payloadData(t, m, "consultationActivity"))
		require.Empty(t, c.sync())
	}
	waitUntil(t, "one goroutine per socket after the event", settled(sockets))

	for _, c := range clients {
		c.conn.Close()
	}
	waitUntil(t, "streams, sockets and goroutines gone", func() bool {
		return f.b.resolver.LiveSubscriptions() == 0 && f.b.resolver.LiveSockets() == 0 && goroutinesLabelled(t, label) == 0
	})
}
