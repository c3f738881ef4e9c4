package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
	"github.com/otwarty/otwarty/internal/ratelimit"
)

func TestSession_RevokedOrExpiredTokenIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.signUp(t, "ola@example.org")
	me := b.gql(t, `{ me { email sessions { id current } } }`, nil, withToken(token))
	require.Empty(t, me.Errors)
	require.Equal(t, "ola@example.org", me.Data["me"].(map[string]any)["email"])
	sessions := me.Data["me"].(map[string]any)["sessions"].([]any)
	require.Len(t, sessions, 1)
	require.Equal(t, true, sessions[0].(map[string]any)["current"])

	// A second session revokes the first one.
	res := b.gql(t, `mutation { signIn(input: {email: "ola@example.org", password: "correct horse battery"}) { token } }`, nil)
	require.Empty(t, res.Errors)
	second := res.Data["signIn"].(map[string]any)["token"].(string)
	sid := sessions[0].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($id: ID!) { revokeSession(input: {sessionId: $id}) { revokedSessionId } }`, map[string]any{"id": sid}, withToken(second))
	require.Empty(t, res.Errors)
	res = b.gql(t, `{ me { email } }`, nil, withToken(token))
	require.Equal(t, http.StatusUnauthorized, res.Status)
	require.Equal(t, "UNAUTHENTICATED", res.code())

	// Expiry.
	_, err := b.pool.Exec(context.Background(), `update sessions set expires_at = now() - interval '1 second'`)
	require.NoError(t, err)
	res = b.gql(t, `{ me { email } }`, nil, withToken(second))
	require.Equal(t, http.StatusUnauthorized, res.Status)

	// No token at all is anonymous, not an error.
	res = b.gql(t, `{ me { email } }`, nil)
	require.Empty(t, res.Errors)
	require.Nil(t, res.Data["me"])
}

func TestNode_HidesOtherPeoplesObjects(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice := b.signUp(t, "alice@example.org")
	bob := b.signUp(t, "bob@example.org")
	q := `{ me { id notifications(first: 5) { totalCount edges { node { id kind } } } } }`
	var nid, aliceID string
	require.Eventually(t, func() bool {
		res := b.gql(t, q, nil, withToken(alice))
		me := res.Data["me"].(map[string]any)
		aliceID = me["id"].(string)
		edges := me["notifications"].(map[string]any)["edges"].([]any)
		if len(edges) == 0 {
			return false
		}
		nid = edges[0].(map[string]any)["node"].(map[string]any)["id"].(string)
		return true
	}, 10*time.Second, 50*time.Millisecond, "the welcome notification is delivered by a River job")

	own := b.gql(t, `query($id: ID!) { node(id: $id) { id ... on Notification { kind } } }`, map[string]any{"id": nid}, withToken(alice))
	require.Empty(t, own.Errors)
	require.Equal(t, "welcome", own.Data["node"].(map[string]any)["kind"])

	for _, id := range []string{nid, aliceID} {
		res := b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, withToken(bob))
		require.Empty(t, res.Errors)
		require.Nil(t, res.Data["node"], "bob must not see %s", id)
		res = b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		require.Nil(t, res.Data["node"])
	}
	res := b.gql(t, `mutation($ids: [ID!]) { markNotificationsRead(input: {ids: $ids}) { markedCount } }`, map[string]any{"ids": []string{nid}}, withToken(bob))
	require.Empty(t, res.Errors)
	require.Equal(t, float64(0), res.Data["markNotificationsRead"].(map[string]any)["markedCount"])
}

func TestRateLimits_AnswerRateLimited(t *testing.T) {
	t.Parallel()
	tight := ratelimit.Rule{PerMinute: 1, Burst: 2}
	b := setup(t, func(o *setupOpts) {
		o.rate = &graph.RateLimits{SignInIP: ratelimit.New(tight), SignInEmail: ratelimit.New(tight), SignUpIP: ratelimit.New(tight),
			AnonIP: ratelimit.New(tight), Writes: ratelimit.New(tight)}
	})
	q := `mutation { signIn(input: {email: "x@example.org", password: "wrong password!"}) { token } }`
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, q, nil).code())
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, q, nil).code())
	require.Equal(t, "RATE_LIMITED", b.gql(t, q, nil).code())
}

// wsDial opens a graphql-transport-ws connection and sends connection_init.
func wsDial(t *testing.T, b *bundle, token string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(b.url, "http"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}))
	return conn
}

type wsMsg struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

// wsNext reads until a message of one of the wanted types, answering pings.
func wsNext(t *testing.T, conn *websocket.Conn, types ...string) (wsMsg, error) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(15*time.Second)))
	for {
		var m wsMsg
		if err := conn.ReadJSON(&m); err != nil {
			return m, err
		}
		if m.Type == "ping" {
			_ = conn.WriteJSON(map[string]any{"type": "pong"})
		}
		for _, want := range types {
			if m.Type == want {
				return m, nil
			}
		}
	}
}

func TestSubscription_RevokedSessionIsClosedWith4403(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.signUp(t, "ws@example.org")
	conn := wsDial(t, b, token)
	_, err := wsNext(t, conn, "connection_ack")
	require.NoError(t, err)
	require.NoError(t, conn.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": "subscription { notificationAdded { notification { kind } unreadCount } }"}}))

	change := func(from, to string) {
		res := b.gql(t, `mutation($a: String!, $b: String!) { changePassword(input: {currentPassword: $a, newPassword: $b}) { account { id } } }`,
			map[string]any{"a": from, "b": to}, withToken(token))
		require.Empty(t, res.Errors)
	}
	// Events arrive while the session is valid (the welcome one may come first).
	change("correct horse battery", "second horse battery")
	for {
		m, err := wsNext(t, conn, "next")
		require.NoError(t, err)
		if strings.Contains(string(m.Payload), "password_changed") {
			break
		}
	}

	// Signing out revokes the session; the next event closes the socket with 4403.
	res := b.gql(t, `mutation { signOut(input: {}) { ok } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	other := b.gql(t, `mutation { signIn(input: {email: "ws@example.org", password: "second horse battery"}) { token } }`, nil)
	require.Empty(t, other.Errors)
	token = other.Data["signIn"].(map[string]any)["token"].(string)
	change("second horse battery", "third horse battery")
	// A late welcome event may still come first; the second password change
	// must not: its event closes the socket instead.
	for {
		m, err := wsNext(t, conn, "next")
		if err != nil {
			var ce *websocket.CloseError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, 4403, ce.Code)
			break
		}
		require.NotContains(t, string(m.Payload), "password_changed", "an event reached a revoked session")
	}
}

func TestSubscription_BadTokenIsRefusedWith4403(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conn := wsDial(t, b, "not-a-token")
	_, err := wsNext(t, conn, "connection_ack")
	var ce *websocket.CloseError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 4403, ce.Code)
}
