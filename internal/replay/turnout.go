package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

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
				Errors []Error `json:"errors"`
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
