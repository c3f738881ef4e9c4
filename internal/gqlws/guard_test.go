package gqlws_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/gqlws"
)

const nameSubscription = "subscription { name }"

// refusals records what Guard.Refused is told.
type refusals struct {
	mu      sync.Mutex
	reasons []string
}

func (r *refusals) add(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reasons = append(r.reasons, reason)
}

func (r *refusals) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.reasons...)
}

// setupCounting is setup with a count of the operations that reached gqlgen's executor, which
// tells an operation the guard let through from one it stopped. The counter is registered before
// the server runs, so no request can race it.
// The transport starts an operation in a goroutine of its own, and one cancelled first (its
// connection closed, its client completed it) never starts, so tests bound the count from above:
// no refused subscribe ever reaches gqlgen.
func setupCounting(t *testing.T, tr *gqlws.Transport) (*bundle, *atomic.Int64) {
	t.Helper()
	ts := testserver.New()
	started := &atomic.Int64{}
	ts.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		started.Add(1)
		return next(ctx)
	})
	ev := record(tr)
	ts.AddTransport(tr)
	url, label := serve(t, ts)
	return &bundle{ts: ts, url: url, label: label, events: ev}, started
}

// requireNoGoroutinesLabelled waits until every goroutine serving the test's connections is gone.
func requireNoGoroutinesLabelled(t *testing.T, label string) {
	t.Helper()
	requireGoroutinesLabelled(t, label, 0)
}

// requireGoroutinesLabelled waits until exactly want goroutines serve the test's connections
// (operations that have just started or ended may still be winding down); it fails if the count
// does not settle there.
func requireGoroutinesLabelled(t *testing.T, label string, want int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		got := goroutinesLabelled(t, label)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			var buf bytes.Buffer
			_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
			require.FailNow(t, fmt.Sprintf("%d goroutines serve the connections, want %d", got, want), buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func subscribeMsg(t *testing.T, id, query string) msg {
	t.Helper()
	payload, err := json.Marshal(map[string]string{"query": query})
	require.NoError(t, err)
	return msg{ID: id, Type: "subscribe", Payload: payload}
}

// readRaw reads one data message as sent, for comparing payloads whose key order is not ours.
func readRaw(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(waitLimit)))
	typ, data, err := c.ReadMessage()
	require.NoError(t, err)
	require.Equal(t, websocket.TextMessage, typ)
	return string(data)
}

func requirePingPong(t *testing.T, c *websocket.Conn) {
	t.Helper()
	send(t, c, msg{Type: "ping"})
	require.Equal(t, msg{Type: "pong"}, read(t, c))
}

func tooManyOperations(id string, limit int) string {
	return fmt.Sprintf(`{"id":%q,"type":"error","payload":[{"message":"too many operations on this connection (at most %d)","extensions":{"code":"RATE_LIMITED"}}]}`,
		id, limit)
}

func TestGuard_DuplicateIDClosesWith4409(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)
	subscribe(t, c, "same", nameSubscription)

	send(t, c, subscribeMsg(t, "same", nameSubscription))

	closeErr, before := readClose(t, c)
	require.Empty(t, before, "neither the first nor the second subscription sends anything")
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseDuplicateID, Text: "Subscriber for same already exists"}, closeErr)
	requireNoGoroutinesLabelled(t, b.label)
	require.LessOrEqual(t, started.Load(), int64(1), "the duplicate never reached gqlgen")
	require.Equal(t, []string{"duplicate_id"}, refused.got())
}

func TestGuard_DuplicateIDFloodStartsOneOperation(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)

	m := subscribeMsg(t, "same", nameSubscription)
	for range 200 {
		// The server closes after the second one; later writes may find the socket gone.
		if c.WriteJSON(m) != nil {
			break
		}
	}

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseDuplicateID, Text: "Subscriber for same already exists"}, closeErr)
	requireNoGoroutinesLabelled(t, b.label)
	require.LessOrEqual(t, started.Load(), int64(1))
	require.Equal(t, []string{"duplicate_id"}, refused.got())
}

func TestGuard_DuplicateIDWithTrailingDataClosesWith4409(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)
	subscribe(t, c, "same", nameSubscription)

	require.NoError(t, c.WriteMessage(websocket.TextMessage,
		[]byte(`{"id":"same","type":"subscribe","payload":{"query":"subscription { name }"}}x`)))

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseDuplicateID, Text: "Subscriber for same already exists"}, closeErr)
	requireNoGoroutinesLabelled(t, b.label)
	require.LessOrEqual(t, started.Load(), int64(1))
	require.Equal(t, []string{"duplicate_id"}, refused.got())
}

func TestGuard_CompletedIDCanBeReused(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)
	subscribe(t, c, "1", nameSubscription)

	send(t, c, msg{ID: "1", Type: "complete"})
	// subscribe requires the pong to be the next message: the completed operation sends no
	// complete, and the reuse is no error.
	subscribe(t, c, "1", nameSubscription)

	b.ts.SendNextSubscriptionMessage()
	require.Equal(t, msg{ID: "1", Type: "next", Payload: json.RawMessage(`{"data":{"name":"test"}}`)}, read(t, c))
	requirePingPong(t, c)
	// The first operation may be cancelled before its goroutine gets to start it.
	require.LessOrEqual(t, started.Load(), int64(2))
	require.Empty(t, refused.got())
}

func TestGuard_CompletedIDCanBeReusedRepeatedly(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)
	subscribe(t, c, "1", nameSubscription)

	// The race is narrow: one round loses it only now and then, 2,000 rounds nearly always.
	const rounds = 2000
	for range rounds {
		send(t, c, msg{ID: "1", Type: "complete"})
		subscribe(t, c, "1", nameSubscription)
	}

	require.Empty(t, refused.got())
	require.NoError(t, c.WriteMessage(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")))
	requireNoGoroutinesLabelled(t, b.label)
	require.LessOrEqual(t, started.Load(), int64(rounds+1))
}

func TestGuard_MaxOperationsRefusesOperationKeepsConnection(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{MaxOperations: 3, Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)
	for _, id := range []string{"1", "2", "3"} {
		subscribe(t, c, id, nameSubscription)
	}

	send(t, c, subscribeMsg(t, "4", nameSubscription))
	require.JSONEq(t, tooManyOperations("4", 3), readRaw(t, c))
	requirePingPong(t, c) // nothing else was sent, and the connection stays

	// An operation the server completed frees its place: its complete is sent after the guard
	// let go of it. (The testserver ends one waiting subscription, whichever it is.)
	b.ts.SendCompleteSubscriptionMessage()
	completed := read(t, c)
	require.Equal(t, "complete", completed.Type)
	require.Contains(t, []string{"1", "2", "3"}, completed.ID)
	subscribe(t, c, "5", nameSubscription)

	require.Equal(t, []string{"too_many_operations"}, refused.got())
	require.NoError(t, c.WriteMessage(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")))
	requireNoGoroutinesLabelled(t, b.label)
	require.LessOrEqual(t, started.Load(), int64(4), "1, 2, 3 and 5")
}

func TestGuard_MaxOperationsFreesPlaceOnClientComplete(t *testing.T) {
	t.Parallel()
	var refused refusals
	b := setup(t, &gqlws.Transport{Guard: gqlws.Guard{MaxOperations: 3, Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)
	for _, id := range []string{"0", "1", "2"} {
		subscribe(t, c, id, nameSubscription)
	}

	// After its complete the operation is over for the client; whether the server has wound it
	// down yet is a race the client cannot see, so one round could pass by luck. 200 rounds do not.
	for i := 3; i < 203; i++ {
		send(t, c, msg{ID: strconv.Itoa(i - 3), Type: "complete"})
		subscribe(t, c, strconv.Itoa(i), nameSubscription)
	}
	require.Empty(t, refused.got())
}

func TestGuard_SubscribeFloodClosesWith4429(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{
		// One token a minute: however slow the machine, no token comes back during the test.
		SubscribePerSecond: 1.0 / 60,
		SubscribeBurst:     5,
		Refused:            refused.add,
	}})
	c := dial(t, b.url, nil)
	initConn(t, c)

	for i := range 6 {
		send(t, c, subscribeMsg(t, strconv.Itoa(i+1), nameSubscription))
	}

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseTooManyRequests, Text: "Too many subscribe messages"}, closeErr)
	require.Equal(t, []string{"subscribe_rate"}, refused.got())
	requireNoGoroutinesLabelled(t, b.label)
	require.LessOrEqual(t, started.Load(), int64(5), "the burst got through")
}

func TestGuard_NoInitClosesWith4408(t *testing.T) {
	t.Parallel()
	var refused refusals
	b := setup(t, &gqlws.Transport{Guard: gqlws.Guard{InitTimeout: 200 * time.Millisecond, Refused: refused.add}})
	c := dial(t, b.url, nil)

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseInitTimeout, Text: "Connection initialisation timeout"}, closeErr)
	require.Equal(t, []string{"init_timeout"}, refused.got())
	requireNoGoroutinesLabelled(t, b.label)
}

func TestGuard_InitInTimeKeepsConnectionPastTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	var refused refusals
	b := setup(t, &gqlws.Transport{Guard: gqlws.Guard{InitTimeout: timeout, Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)

	time.Sleep(2 * timeout)

	requirePingPong(t, c)
	require.Empty(t, refused.got())
	errs, codes := b.events.snapshot()
	require.Empty(t, errs)
	require.Empty(t, codes)
}

func TestGuard_SubscribeBeforeInitClosesWith4401(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)

	send(t, c, subscribeMsg(t, "1", nameSubscription))

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseUnauthorized, Text: "Unauthorized"}, closeErr)
	require.Equal(t, []string{"subscribe_before_init"}, refused.got())
	requireNoGoroutinesLabelled(t, b.label)
	require.Zero(t, started.Load())
}

func TestGuard_SecondInitClosesWith4429(t *testing.T) {
	t.Parallel()
	var refused refusals
	b := setup(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)

	send(t, c, msg{Type: "connection_init"})

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseTooManyRequests, Text: "Too many initialisation requests"}, closeErr)
	require.Equal(t, []string{"init_repeated"}, refused.got())
	requireNoGoroutinesLabelled(t, b.label)
}

func TestCloseWith_FromAnotherGoroutineSendsItsCode(t *testing.T) {
	t.Parallel()
	// OnOpen hands every accepted connection to the test, as a caller that revokes connections
	// would keep them.
	accepted := make(chan gqlws.Conn, 1)
	b := setup(t, &gqlws.Transport{OnOpen: func(_ context.Context, c gqlws.Conn) { accepted <- c }})
	c := dial(t, b.url, nil)
	initConn(t, c)
	subscribe(t, c, "1", nameSubscription)
	b.ts.SendNextSubscriptionMessage()
	require.Equal(t, msg{ID: "1", Type: "next", Payload: json.RawMessage(`{"data":{"name":"test"}}`)}, read(t, c))

	var conn gqlws.Conn
	select {
	case conn = <-accepted:
	case <-time.After(waitLimit):
		require.FailNow(t, "no connection was accepted")
	}
	require.Positive(t, goroutinesLabelled(t, b.label))

	go func() {
		conn.CloseWith(gqlws.CloseForbidden, "revoked")
		conn.CloseWith(gqlws.CloseBadRequest, "too late") // the first code wins
	}()

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseForbidden, Text: "revoked"}, closeErr)
	_, codes := b.events.waitClosed(t)
	require.Equal(t, []int{gqlws.CloseForbidden}, codes)
	requireNoGoroutinesLabelled(t, b.label)
}

func TestGuard_OperationFloodRefusedWithoutLeaks(t *testing.T) {
	t.Parallel()
	const limit, total = 50, 3000
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{MaxOperations: limit, Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)

	// The server answers while the client still writes; reading alongside keeps both sides'
	// socket buffers from filling up.
	type result struct {
		messages []string
		err      error
	}
	done := make(chan result, 1)
	go func() {
		var got []string
		for {
			if err := c.SetReadDeadline(time.Now().Add(waitLimit)); err != nil {
				done <- result{got, err}
				return
			}
			_, data, err := c.ReadMessage()
			if err != nil {
				done <- result{got, err}
				return
			}
			if string(data) == `{"type":"pong"}` {
				done <- result{got, nil}
				return
			}
			got = append(got, string(data))
		}
	}()
	for i := range total {
		send(t, c, subscribeMsg(t, strconv.Itoa(i), nameSubscription))
	}
	send(t, c, msg{Type: "ping"})

	var res result
	select {
	case res = <-done:
	case <-time.After(2 * waitLimit):
		require.FailNow(t, "the reader did not finish")
	}
	require.NoError(t, res.err)
	// Nothing completes, so the first 50 run and every later one is refused, in order.
	require.Len(t, res.messages, total-limit)
	for i, got := range res.messages {
		require.JSONEq(t, tooManyOperations(strconv.Itoa(limit+i), limit), got)
	}
	wantRefused := make([]string, total-limit)
	for i := range wantRefused {
		wantRefused[i] = "too_many_operations"
	}
	require.Equal(t, wantRefused, refused.got())
	require.GreaterOrEqual(t, goroutinesLabelled(t, b.label), limit, "the admitted subscriptions run")

	require.NoError(t, c.WriteMessage(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")))
	_, codes := b.events.waitClosed(t)
	require.Equal(t, []int{websocket.CloseNormalClosure}, codes)
	requireNoGoroutinesLabelled(t, b.label)
	require.LessOrEqual(t, started.Load(), int64(limit))
}

// A subscribe without an id could never be completed or told apart: it is a bad message.
func TestGuard_SubscribeWithoutIDClosesWith4400(t *testing.T) {
	t.Parallel()
	var refused refusals
	b, started := setupCounting(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
	c := dial(t, b.url, nil)
	initConn(t, c)

	send(t, c, subscribeMsg(t, "", nameSubscription))

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: gqlws.CloseBadRequest, Text: "Invalid message: subscribe needs an id"}, closeErr)
	require.Equal(t, []string{"bad_message"}, refused.got())
	requireNoGoroutinesLabelled(t, b.label)
	require.Zero(t, started.Load())
}
