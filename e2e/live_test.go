package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// closeFrame reads until the server closes the socket and returns its close
// frame, answering pings; other messages are skipped.
func (c *wsClient) closeFrame(timeout time.Duration) *websocket.CloseError {
	c.t.Helper()
	require.NoError(c.t, c.conn.SetReadDeadline(time.Now().Add(timeout)))
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			require.ErrorAs(c.t, err, &ce, "expected a close frame within %v, got %v", timeout, err)
			return ce
		}
		var m wsMessage
		if json.Unmarshal(data, &m) == nil && m.Type == "ping" {
			_ = c.conn.WriteJSON(wsMessage{Type: "pong"})
		}
	}
}

// Signing out on one instance closes the session's idle sockets on the
// other at once: the end is announced through PostgreSQL, no event needed.
func TestLive_SignOutOnOneInstanceClosesSocketsOnTheOther(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	a := startServer(t, "server A", dbURL)
	b := startServer(t, "server B", dbURL)

	email := randomEmail("e2e-revoke")
	token, _ := signUp(t, b, email, testPassword)
	other, _ := signIn(t, b, email, testPassword)
	ws := dialWS(t, a.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	ws.subscribeNotifications("1")
	stays := dialWS(t, a.wsURL(), map[string]string{"Authorization": "Bearer " + other})
	stays.subscribeNotifications("1")

	var out struct {
		SignOut struct {
			OK bool `json:"ok"`
		} `json:"signOut"`
	}
	gql(t, b.httpURL(), token, `mutation { signOut(input: {}) { ok } }`, &out)
	require.True(t, out.SignOut.OK)

	// The bound only keeps a broken build from hanging; the issue's "within
	// a second" is the design (one NOTIFY), not something a test times.
	ce := ws.closeFrame(eventTimeout)
	require.Equal(t, 4403, ce.Code)
	require.Equal(t, "Session ended", ce.Text)
	// The account's other session keeps its socket (notices may still arrive on it).
	stays.send(wsMessage{Type: "ping"})
	for {
		m := stays.read(time.Now().Add(stepTimeout), "pong")
		if m.Type == "pong" {
			break
		}
		require.Equal(t, "next", m.Type, "%s", m.Payload)
	}
}

// The limits are configuration of the binary: a server started with a cap of
// two operations per socket refuses the third for that operation only, and a
// repeated id closes the socket with 4409.
func TestLive_LimitsFromConfiguration(t *testing.T) {
	t.Parallel()
	s := startServer(t, "server", pgtest.URL(t), "OTWARTY_WS_MAX_SUBSCRIPTIONS=2", "OTWARTY_WS_MAX_SOCKETS_PER_ACCOUNT=1")
	token, _ := signUp(t, s, randomEmail("e2e-limits"), testPassword)
	ws := dialWS(t, s.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	q, err := json.Marshal(map[string]string{"query": notificationSub})
	require.NoError(t, err)
	for i := 1; i <= 3; i++ {
		ws.send(wsMessage{ID: fmt.Sprint(i), Type: "subscribe", Payload: q})
	}
	ws.send(wsMessage{Type: "ping"})
	var refused []wsMessage
	for {
		m := ws.read(time.Now().Add(stepTimeout), "pong")
		if m.Type == "pong" {
			break
		}
		if m.Type == "error" {
			refused = append(refused, m)
		}
	}
	require.Len(t, refused, 1)
	require.Equal(t, "3", refused[0].ID)
	require.JSONEq(t, `[{"message":"too many operations on this connection (at most 2)","extensions":{"code":"RATE_LIMITED"}}]`, string(refused[0].Payload))

	// A second socket of the same account is over its limit of one.
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: stepTimeout}
	conn, resp, err := d.Dial(s.wsURL(), nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	second := &wsClient{t: t, conn: conn}
	second.send(wsMessage{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer ` + token + `"}`)})
	ce := second.closeFrame(stepTimeout)
	require.Equal(t, 4429, ce.Code)
	require.Equal(t, "Too many connections", ce.Text)

	ws.send(wsMessage{ID: "1", Type: "subscribe", Payload: q})
	ce = ws.closeFrame(stepTimeout)
	require.Equal(t, 4409, ce.Code)
	require.Equal(t, "Subscriber for 1 already exists", ce.Text)
}

// A moderator removed from the NGO on one instance loses the moderation queue
// they watch on the other at once: the grant change is announced through
// PostgreSQL, and the subscription's view is decided again, not per event.
func TestLive_RoleLostOnOneInstanceEndsTheStreamOnTheOther(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	cmd := exec.Command(binary(t), "seed", "--demo")
	cmd.Env = serverEnv(dbURL, "127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "seed: %s", out)
	a := startServer(t, "server A", dbURL)
	b := startServer(t, "server B", dbURL)

	const password = "otwarty-demo-2026"
	moderator, moderatorID := signIn(t, a, "irina@demo.otwarty.pl", password)
	coordinator, _ := signIn(t, b, "koordynator@demo.otwarty.pl", password)
	var found struct {
		Consultations struct {
			Edges []struct {
				Node struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"consultations"`
		Me struct {
			Memberships []struct {
				Organisation struct {
					ID string `json:"id"`
				} `json:"organisation"`
			} `json:"memberships"`
		} `json:"me"`
	}
	gql(t, a.httpURL(), moderator, `{ consultations { edges { node { id status } } } me { memberships { organisation { id } } } }`, &found)
	var open string
	for _, e := range found.Consultations.Edges {
		if e.Node.Status == "OPEN" {
			open = e.Node.ID
		}
	}
	require.NotEmpty(t, open)
	require.Len(t, found.Me.Memberships, 1)

	ws := dialWS(t, a.wsURL(), map[string]string{"Authorization": "Bearer " + moderator})
	q, err := json.Marshal(map[string]any{"query": `subscription($id: ID!) { moderationQueue(consultationId: $id) { type } }`,
		"variables": map[string]any{"id": open}})
	require.NoError(t, err)
	ws.send(wsMessage{ID: "m", Type: "subscribe", Payload: q})
	ws.send(wsMessage{Type: "ping"})
	require.Equal(t, "pong", ws.read(time.Now().Add(stepTimeout), "pong").Type, "the subscription was refused")
	// The operation starts apart from the socket's reader: wait until server A
	// counts the stream (its /metrics), so the role goes while it runs.
	deadline := time.Now().Add(stepTimeout)
	for !strings.Contains(metricsOf(t, a), `otwarty_ws_subscriptions{field="moderationQueue"} 1`) {
		require.True(t, time.Now().Before(deadline), "the moderation queue never started")
		time.Sleep(20 * time.Millisecond)
	}

	var removed struct {
		RemoveOrganisationMember struct {
			Organisation struct {
				ID string `json:"id"`
			} `json:"organisation"`
		} `json:"removeOrganisationMember"`
	}
	gql(t, b.httpURL(), coordinator, fmt.Sprintf(`mutation { removeOrganisationMember(input: {organisationId: %q, accountId: %q}) { organisation { id } } }`,
		found.Me.Memberships[0].Organisation.ID, moderatorID), &removed)
	require.Equal(t, found.Me.Memberships[0].Organisation.ID, removed.RemoveOrganisationMember.Organisation.ID)

	m := ws.read(time.Now().Add(eventTimeout), "the end of the moderation queue")
	require.Equal(t, "error", m.Type, "%s", m.Payload)
	require.Equal(t, "m", m.ID)
	var errs []struct {
		Extensions map[string]any `json:"extensions"`
	}
	require.NoError(t, json.Unmarshal(m.Payload, &errs))
	require.Len(t, errs, 1)
	require.Equal(t, "FORBIDDEN", errs[0].Extensions["code"])
}

// metricsOf reads s's /metrics.
func metricsOf(t *testing.T, s *server) string {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}
