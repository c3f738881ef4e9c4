package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/otwarty/otwarty/internal/replay"
)

// The two subscriptions every benchmark socket holds, and their operation ids.
const (
	benchTurnoutOp   = "t"
	benchActivityOp  = "a"
	benchTurnoutSub  = `subscription Turnout($id: ID!) { ballotTurnout(editionId: $id) { ballots at } }`
	benchActivitySub = `subscription Activity($id: ID!) { consultationActivity(consultationId: $id) { type submissionId } }`
	benchStepTimeout = 10 * time.Second // one handshake step
)

// benchClock timestamps receipts as nanoseconds since the run began
// (monotonic), so that a receipt is one int64.
type benchClock struct{ epoch time.Time }

func (c benchClock) now() int64 { return int64(time.Since(c.epoch)) }

// subscriberShared is what all subscribers of one size share.
type subscriberShared struct {
	clock   benchClock
	url     string // ws://…/query
	edition string
	consult string
	base    int // the turnout before the first event
	events  int

	ready  atomic.Int64 // subscribers that have received their first turnout
	failed atomic.Int64 // subscribers whose socket or subscription ended unasked
	mu     sync.Mutex
	errs   map[string]int // failure messages, counted
}

func (sh *subscriberShared) fail(err error) {
	sh.failed.Add(1)
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.errs == nil {
		sh.errs = map[string]int{}
	}
	sh.errs[msg]++
}

// activityReceipt is one submission_added event as a subscriber received it.
type activityReceipt struct {
	submission string
	at         int64
}

// liveSubscriber is one socket with both subscriptions. Its reader
// goroutine writes receipts into slots preallocated per expected event and
// then publishes how far it got with an atomic store, so the benchmark reads
// them without locks.
type liveSubscriber struct {
	sh   *subscriberShared
	conn *websocket.Conn
	wmu  sync.Mutex // the reader (pongs) and close both write

	// turnoutAt[k] is when a count of at least base+k+1 ballots first
	// arrived; valid below maxBallots-base.
	turnoutAt  []int64
	maxBallots atomic.Int64
	// activity holds submission_added events in arrival order (a few slots
	// more than expected); valid below nActivity.
	activity  []activityReceipt
	nActivity atomic.Int64

	gotFirst bool        // reader only
	closing  atomic.Bool // close was asked: a read error is expected
}

// benchDialer keeps per-socket buffers small: the messages are.
var benchDialer = websocket.Dialer{
	Subprotocols:     []string{"graphql-transport-ws"},
	HandshakeTimeout: benchStepTimeout,
	ReadBufferSize:   1024,
	WriteBufferSize:  1024,
}

// dialSubscriber opens a socket anonymously (connection_init with an empty
// payload), waits for connection_ack, subscribes to both fields and starts
// the reader.
func dialSubscriber(ctx context.Context, sh *subscriberShared) (*liveSubscriber, error) {
	conn, resp, err := benchDialer.DialContext(ctx, sh.url, nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	s := &liveSubscriber{sh: sh, conn: conn, turnoutAt: make([]int64, sh.events),
		activity: make([]activityReceipt, sh.events+8)}
	s.maxBallots.Store(-1)
	if err := s.handshake(); err != nil {
		_ = conn.Close()
		return nil, err
	}
	go s.read()
	return s, nil
}

func (s *liveSubscriber) handshake() error {
	if err := s.send(`{"type":"connection_init","payload":{}}`); err != nil {
		return err
	}
	_ = s.conn.SetReadDeadline(time.Now().Add(benchStepTimeout))
	for {
		var m struct {
			Type string `json:"type"`
		}
		if err := s.conn.ReadJSON(&m); err != nil {
			return fmt.Errorf("waiting for connection_ack: %w", err)
		}
		if m.Type == "ping" {
			if err := s.send(`{"type":"pong"}`); err != nil {
				return err
			}
			continue
		}
		if m.Type != "connection_ack" {
			return fmt.Errorf("expected connection_ack, got %s", m.Type)
		}
		break
	}
	_ = s.conn.SetReadDeadline(time.Time{})
	for _, op := range []struct{ id, query, arg string }{
		{benchActivityOp, benchActivitySub, s.sh.consult},
		{benchTurnoutOp, benchTurnoutSub, s.sh.edition},
	} {
		b, err := json.Marshal(map[string]any{"id": op.id, "type": "subscribe",
			"payload": map[string]any{"query": op.query, "variables": map[string]any{"id": op.arg}}})
		if err != nil {
			return err
		}
		if err := s.send(string(b)); err != nil {
			return err
		}
	}
	return nil
}

func (s *liveSubscriber) send(msg string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(benchStepTimeout))
	return s.conn.WriteMessage(websocket.TextMessage, []byte(msg))
}

// benchEnvelope and benchNext are decoded into again for every message;
// json reuses the RawMessage's buffer.
type benchEnvelope struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

type benchNext struct {
	Data struct {
		BallotTurnout struct {
			Ballots int `json:"ballots"`
		} `json:"ballotTurnout"`
		ConsultationActivity struct {
			Type         string `json:"type"`
			SubmissionID string `json:"submissionId"`
		} `json:"consultationActivity"`
	} `json:"data"`
	Errors []replay.Error `json:"errors"`
}

// read handles messages until the socket ends: it answers pings and
// timestamps next messages. The receipt time is taken before decoding.
func (s *liveSubscriber) read() {
	var buf bytes.Buffer
	var env benchEnvelope
	var next benchNext
	for {
		_, r, err := s.conn.NextReader()
		if err != nil {
			s.end(fmt.Errorf("read: %w", err))
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			s.end(fmt.Errorf("read: %w", err))
			return
		}
		at := s.sh.clock.now()
		env = benchEnvelope{Payload: env.Payload[:0]}
		if err := json.Unmarshal(buf.Bytes(), &env); err != nil {
			s.end(fmt.Errorf("message %.100s: %w", buf.Bytes(), err))
			return
		}
		switch env.Type {
		case "ping":
			if err := s.send(`{"type":"pong"}`); err != nil {
				s.end(fmt.Errorf("pong: %w", err))
				return
			}
		case "next":
			next = benchNext{Errors: next.Errors[:0]}
			if err := json.Unmarshal(env.Payload, &next); err != nil {
				s.end(fmt.Errorf("next %.100s: %w", env.Payload, err))
				return
			}
			if len(next.Errors) > 0 {
				s.end(fmt.Errorf("subscription %s: %w", env.ID, &next.Errors[0]))
				return
			}
			s.record(env.ID, &next, at)
		case "error":
			s.end(fmt.Errorf("subscription %s refused: %.200s", env.ID, env.Payload))
			return
		case "complete":
			s.end(fmt.Errorf("subscription %s completed by the server", env.ID))
			return
		}
	}
}

// record fills the slots of what a next message reports.
func (s *liveSubscriber) record(op string, next *benchNext, at int64) {
	switch op {
	case benchTurnoutOp:
		b := int64(next.Data.BallotTurnout.Ballots)
		prev := s.maxBallots.Load()
		if b <= prev {
			return
		}
		base := int64(s.sh.base)
		for k := max(prev, base) - base; k < b-base && k < int64(len(s.turnoutAt)); k++ {
			s.turnoutAt[k] = at
		}
		s.maxBallots.Store(b)
		if !s.gotFirst {
			s.gotFirst = true
			s.sh.ready.Add(1)
		}
	case benchActivityOp:
		a := next.Data.ConsultationActivity
		n := s.nActivity.Load()
		if a.Type != "submission_added" || int(n) == len(s.activity) {
			return
		}
		s.activity[n] = activityReceipt{submission: a.SubmissionID, at: at}
		s.nActivity.Store(n + 1)
	}
}

// end notes why the reader stopped, unless the benchmark closed the socket.
func (s *liveSubscriber) end(err error) {
	if s.closing.Swap(true) {
		return
	}
	_ = s.conn.Close()
	s.sh.fail(err)
}

// sawTurnout reports whether a count of at least target has arrived.
func (s *liveSubscriber) sawTurnout(target int) bool { return s.maxBallots.Load() >= int64(target) }

// turnoutReceipt is when the count of event k first arrived (0: never).
func (s *liveSubscriber) turnoutReceipt(k int) int64 {
	if s.maxBallots.Load()-int64(s.sh.base) > int64(k) {
		return s.turnoutAt[k]
	}
	return 0
}

// activityReceipt is when the submission's submission_added arrived (0:
// never).
func (s *liveSubscriber) activityReceipt(submission string) int64 {
	n := s.nActivity.Load()
	for _, r := range s.activity[:n] {
		if r.submission == submission {
			return r.at
		}
	}
	return 0
}

// close ends the socket with a normal closure.
func (s *liveSubscriber) close() {
	if s.closing.Swap(true) {
		return
	}
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	_ = s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_ = s.conn.Close()
}

// openSubscribers opens n subscribers, conc at a time. Sockets that fail
// to open are counted in sh.failed, not fatal: the report says how many
// were open.
func openSubscribers(ctx context.Context, sh *subscriberShared, n, conc int) ([]*liveSubscriber, error) {
	subs := make([]*liveSubscriber, n)
	err := replay.Parallel(ctx, conc, n, func(i int) error {
		s, err := dialSubscriber(ctx, sh)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			sh.fail(err)
			return nil
		}
		subs[i] = s
		return nil
	})
	open := subs[:0]
	for _, s := range subs {
		if s != nil {
			open = append(open, s)
		}
	}
	if err != nil {
		closeSubscribers(open, conc)
	}
	return open, err
}

// closeSubscribers closes every socket, conc at a time.
func closeSubscribers(subs []*liveSubscriber, conc int) {
	_ = replay.Parallel(context.Background(), conc, len(subs), func(i int) error {
		subs[i].close()
		return nil
	})
}

// waitReady waits until every open subscriber has received its first
// turnout (ballotTurnout sends the current value at once) or failed.
func waitReady(ctx context.Context, sh *subscriberShared, open int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for sh.ready.Load()+sh.failed.Load() < int64(open) {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d subscribers received their first turnout within %v", sh.ready.Load(), open, timeout)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// failureSummary lists the distinct failures, most frequent first.
func (sh *subscriberShared) failureSummary() string {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sh.errs) == 0 {
		return ""
	}
	var parts []string
	for msg, n := range sh.errs {
		parts = append(parts, fmt.Sprintf("%d× %s", n, msg))
	}
	return strings.Join(parts, "; ")
}

var errNoSubscriber = errors.New("no subscriber could open its socket")
