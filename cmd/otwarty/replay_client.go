package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// gqlClient speaks GraphQL over HTTP to an otwarty server, as any client
// would: no access to the database or the services.
type gqlClient struct {
	url   string
	token string
	http  *http.Client
	log   io.Writer

	rateLimited atomic.Int64 // RATE_LIMITED answers retried
	warnOnce    sync.Once
}

func newGQLClient(url string, conns int, log io.Writer) *gqlClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns + 8
	tr.MaxIdleConnsPerHost = conns + 8
	return &gqlClient{url: url, http: &http.Client{Transport: tr, Timeout: 2 * time.Minute}, log: log}
}

// gqlError is an error in a GraphQL answer.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"extensions"`
	Path []any `json:"path"`
}

func (e *gqlError) Error() string {
	s := e.Message
	if e.Extensions.Code != "" {
		s += " (" + e.Extensions.Code
		if e.Extensions.Field != "" {
			s += " on " + e.Extensions.Field
		}
		s += ")"
	}
	return s
}

// errCode returns the extensions.code of a GraphQL error, "" otherwise.
func errCode(err error) string {
	var ge *gqlError
	if errors.As(err, &ge) {
		return ge.Extensions.Code
	}
	return ""
}

// Retry limits. RATE_LIMITED is retried with exponential backoff for up
// to rateLimitPatience; transport failures (only for operations that are
// safe to repeat) a few times.
const (
	rateLimitPatience = 5 * time.Minute
	transportRetries  = 4
)

// do runs one operation and decodes data into out (if not nil). idempotent
// operations (queries, and mutations keyed by the client such as
// castBallotWithCode) are also retried after transport errors.
func (c *gqlClient) do(ctx context.Context, query string, vars map[string]any, out any, idempotent bool) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	backoff := 50 * time.Millisecond
	deadline := time.Now().Add(rateLimitPatience)
	transportFailures := 0
	for {
		err := c.once(ctx, body, out)
		var wait bool
		switch {
		case err == nil:
			return nil
		case errCode(err) == "RATE_LIMITED" && time.Now().Before(deadline):
			c.rateLimited.Add(1)
			c.warnOnce.Do(func() {
				fmt.Fprintln(c.log, "replay: the server answers RATE_LIMITED; retrying politely with backoff (start the server with OTWARTY_RATE_ANONYMOUS=0/0 and OTWARTY_RATE_WRITES=0/0 for a benchmark)")
			})
			wait = true
		case idempotent && errCode(err) == "" && ctx.Err() == nil && transportFailures < transportRetries:
			transportFailures++
			wait = true
		}
		if !wait {
			return err
		}
		// Jitter spreads the retries of concurrent clients.
		d := backoff/2 + rand.N(backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (c *gqlClient) once(ctx context.Context, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d, not a GraphQL answer: %.200s", resp.StatusCode, raw)
	}
	if len(r.Errors) > 0 {
		e := r.Errors[0]
		return &e
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Data, out)
}

// turnoutWatcher is a graphql-transport-ws subscription to ballotTurnout:
// it keeps the newest count and the number of events received.
type turnoutWatcher struct {
	conn *websocket.Conn
	wmu  sync.Mutex

	mu      sync.Mutex
	ballots int
	events  int
	err     error
	changed chan struct{} // closed and replaced on every event or error
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

const turnoutSubscription = `subscription Turnout($id: ID!) { ballotTurnout(editionId: $id) { ballots } }`

// watchTurnout opens a WebSocket to the server (ws:// for http://), signs
// in with the token in connection_init and subscribes to the edition's
// turnout.
func watchTurnout(ctx context.Context, httpURL, token, editionID string) (*turnoutWatcher, error) {
	wsURL := "ws" + strings.TrimPrefix(httpURL, "http")
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 10 * time.Second}
	conn, resp, err := d.DialContext(ctx, wsURL, nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", wsURL, err)
	}
	w := &turnoutWatcher{conn: conn, changed: make(chan struct{})}
	init := map[string]any{}
	if token != "" {
		init["Authorization"] = "Bearer " + token
	}
	if err := w.send("", "connection_init", init); err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		var m wsMsg
		if err := conn.ReadJSON(&m); err != nil {
			conn.Close()
			return nil, fmt.Errorf("waiting for connection_ack: %w", err)
		}
		if m.Type == "ping" {
			_ = w.send("", "pong", nil)
			continue
		}
		if m.Type != "connection_ack" {
			conn.Close()
			return nil, fmt.Errorf("expected connection_ack, got %s", m.Type)
		}
		break
	}
	_ = conn.SetReadDeadline(time.Time{})
	if err := w.send("1", "subscribe", map[string]any{"query": turnoutSubscription, "variables": map[string]any{"id": editionID}}); err != nil {
		conn.Close()
		return nil, err
	}
	go w.read()
	return w, nil
}

func (w *turnoutWatcher) send(id, typ string, payload any) error {
	m := wsMsg{ID: id, Type: typ}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		m.Payload = b
	}
	w.wmu.Lock() // the caller and the reader (pongs) both write
	defer w.wmu.Unlock()
	_ = w.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return w.conn.WriteJSON(m)
}

func (w *turnoutWatcher) read() {
	for {
		var m wsMsg
		if err := w.conn.ReadJSON(&m); err != nil {
			w.fail(fmt.Errorf("turnout subscription: %w", err))
			return
		}
		switch m.Type {
		case "ping":
			_ = w.send("", "pong", nil)
		case "next":
			var p struct {
				Data struct {
					BallotTurnout struct {
						Ballots int `json:"ballots"`
					} `json:"ballotTurnout"`
				} `json:"data"`
				Errors []gqlError `json:"errors"`
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				w.fail(fmt.Errorf("turnout event %s: %w", m.Payload, err))
				return
			}
			if len(p.Errors) > 0 {
				w.fail(fmt.Errorf("turnout subscription: %w", &p.Errors[0]))
				return
			}
			w.mu.Lock()
			w.ballots = p.Data.BallotTurnout.Ballots
			w.events++
			close(w.changed)
			w.changed = make(chan struct{})
			w.mu.Unlock()
		case "error":
			w.fail(fmt.Errorf("turnout subscription refused: %s", m.Payload))
			return
		case "complete":
			w.fail(errors.New("turnout subscription completed by the server"))
			return
		}
	}
}

func (w *turnoutWatcher) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
		close(w.changed)
		w.changed = make(chan struct{})
	}
}

// state returns the newest count, the events seen and the error that ended
// the subscription, if any.
func (w *turnoutWatcher) state() (ballots, events int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ballots, w.events, w.err
}

// waitFor waits until the subscription has reported at least n ballots.
func (w *turnoutWatcher) waitFor(ctx context.Context, n int, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		w.mu.Lock()
		got, err, ch := w.ballots, w.err, w.changed
		w.mu.Unlock()
		switch {
		case got >= n:
			return nil
		case err != nil:
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return fmt.Errorf("the turnout subscription reported %d ballots, not %d, within %v", got, n, timeout)
		}
	}
}

func (w *turnoutWatcher) close() {
	_ = w.send("1", "complete", nil)
	_ = w.conn.Close()
}
