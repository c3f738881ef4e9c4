package gqlws_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/otwarty/otwarty/internal/gqlws"
)

// tickSource is a subscription's mailbox that attaches to the transport, as live.Stream does:
// offers never block (the oldest value gives way), and it ends when its context ends.
type tickSource struct {
	ctx  context.Context
	wake func()

	mu     sync.Mutex
	ch     chan string
	closed bool
}

func (s *tickSource) Ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed || len(s.ch) > 0
}

func (s *tickSource) offer(v string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	select {
	case s.ch <- v:
	default:
		<-s.ch
		s.ch <- v
	}
	s.mu.Unlock()
	s.wake()
}

func (s *tickSource) end() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.ch)
	s.mu.Unlock()
	s.wake()
}

// hub is the subscriptions of a tickSchema.
type hub struct {
	mu      sync.Mutex
	sources []*tickSource

	detached atomic.Int64 // subscriptions whose source could not attach
	blocked  atomic.Int64 // response handler calls that found nothing to receive

	gate     chan struct{} // when set, resolvers wait until it closes
	resolves atomic.Int64  // resolvers that have begun
}

func (h *hub) all() []*tickSource {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*tickSource(nil), h.sources...)
}

// open is how many sources have not ended.
func (h *hub) open() int {
	n := 0
	for _, s := range h.all() {
		s.mu.Lock()
		if !s.closed {
			n++
		}
		s.mu.Unlock()
	}
	return n
}

func (h *hub) tick(v string) {
	for _, s := range h.all() {
		s.offer(v)
	}
}

// tickSchema has one subscription, tick, whose resolver attaches a tickSource that starts with
// the value "0", as a fan-out with a kept value does.
func tickSchema(h *hub) graphql.ExecutableSchema {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { name: String! }
		type Subscription { tick: String! }
	`})
	return &graphql.ExecutableSchemaMock{
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			if graphql.GetOperationContext(ctx).Operation.Operation != ast.Subscription {
				return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{"name":"test"}`)})
			}
			h.resolves.Add(1)
			if h.gate != nil {
				<-h.gate // a slow database
			}
			src := &tickSource{ctx: ctx, ch: make(chan string, 8)}
			src.wake = gqlws.Attach(ctx, src)
			if src.wake == nil {
				h.detached.Add(1)
				src.wake = func() {}
			}
			// A second source of the same subscription is refused.
			if gqlws.Attach(ctx, &tickSource{}) != nil {
				h.detached.Add(1000)
			}
			h.mu.Lock()
			h.sources = append(h.sources, src)
			h.mu.Unlock()
			context.AfterFunc(ctx, src.end)
			src.offer("0")
			return func(context.Context) *graphql.Response {
				var v string
				var ok bool
				select {
				case v, ok = <-src.ch:
				default:
					h.blocked.Add(1)
					v, ok = <-src.ch
				}
				if !ok {
					return nil
				}
				return &graphql.Response{Data: json.RawMessage(`{"tick":` + strconv.Quote(v) + `}`)}
			}
		},
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, true
		},
	}
}

// tickBundle serves tickSchema with tr; returned tells when the HTTP handler of each upgrade
// request returned.
type tickBundle struct {
	hub      *hub
	url      string
	label    string
	events   *events
	returned chan struct{}
}

func setupTicks(t *testing.T, tr *gqlws.Transport) *tickBundle {
	t.Helper()
	return setupTicksWith(t, tr, &hub{})
}

func setupTicksWith(t *testing.T, tr *gqlws.Transport, h *hub) *tickBundle {
	t.Helper()
	srv := handler.New(tickSchema(h))
	ev := record(tr)
	srv.AddTransport(tr)
	returned := make(chan struct{}, 1000)
	url, label := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r)
		returned <- struct{}{}
	}))
	t.Cleanup(func() {
		require.Zero(t, h.detached.Load(), "every subscription's source attached")
		require.Zero(t, h.blocked.Load(), "no response handler was called while it would block")
	})
	return &tickBundle{hub: h, url: url, label: label, events: ev, returned: returned}
}

func tickMsg(id, v string) msg {
	return msg{ID: id, Type: "next", Payload: json.RawMessage(`{"data":{"tick":` + strconv.Quote(v) + `}}`)}
}

// readTicks reads n messages and returns them by operation.
func readTicks(t *testing.T, c *websocket.Conn, n int) map[string][]msg {
	t.Helper()
	got := map[string][]msg{}
	for range n {
		m := read(t, c)
		got[m.ID] = append(got[m.ID], m)
	}
	return got
}

func TestAttachedSource_NoGoroutinePerSubscription(t *testing.T) {
	t.Parallel()
	const sockets, subscriptions = 20, 5
	b := setupTicks(t, &gqlws.Transport{PingInterval: time.Minute})

	conns := make([]*websocket.Conn, sockets)
	for i := range conns {
		conns[i] = dial(t, b.url, nil)
		initConn(t, conns[i])
		for j := range subscriptions {
			send(t, conns[i], subscribeMsg(t, strconv.Itoa(j), "subscription { tick }"))
		}
	}
	want := map[string][]msg{}
	for j := range subscriptions {
		want[strconv.Itoa(j)] = []msg{tickMsg(strconv.Itoa(j), "0")}
	}
	for _, c := range conns {
		require.Equal(t, want, readTicks(t, c, subscriptions))
	}
	// Idle: one reader per socket, nothing per subscription.
	requireGoroutinesLabelled(t, b.label, sockets)

	b.hub.tick("1")
	for j := range subscriptions {
		want[strconv.Itoa(j)] = []msg{tickMsg(strconv.Itoa(j), "1")}
	}
	for _, c := range conns {
		require.Equal(t, want, readTicks(t, c, subscriptions))
		requirePingPong(t, c) // nothing else came
	}
	requireGoroutinesLabelled(t, b.label, sockets)

	for _, c := range conns {
		require.NoError(t, c.WriteMessage(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")))
	}
	requireNoGoroutinesLabelled(t, b.label)
	waitFor(t, "every source ended", func() bool { return b.hub.open() == 0 })
}

func TestAttachedSource_EndsWithCompleteOrItsErrors(t *testing.T) {
	t.Parallel()
	b := setupTicks(t, &gqlws.Transport{})
	c := dial(t, b.url, nil)
	initConn(t, c)
	send(t, c, subscribeMsg(t, "a", "subscription { tick }"))
	require.Equal(t, tickMsg("a", "0"), read(t, c))
	send(t, c, subscribeMsg(t, "b", "subscription { tick }"))
	require.Equal(t, tickMsg("b", "0"), read(t, c))

	sources := b.hub.all()
	require.Len(t, sources, 2)
	// Values before the end are delivered first.
	sources[0].offer("last")
	sources[0].end()
	require.Equal(t, tickMsg("a", "last"), read(t, c))
	require.Equal(t, msg{ID: "a", Type: "complete"}, read(t, c))

	require.True(t, gqlws.AddError(sources[1].ctx, &gqlerror.Error{Message: "revoked", Extensions: map[string]any{"code": "FORBIDDEN"}}))
	sources[1].end()
	require.Equal(t, msg{ID: "b", Type: "error", Payload: json.RawMessage(`[{"message":"revoked","extensions":{"code":"FORBIDDEN"}}]`)}, read(t, c))
	requirePingPong(t, c)

	require.False(t, gqlws.AddError(context.Background(), &gqlerror.Error{Message: "nowhere"}))
}

func TestAttachedSource_NothingAfterClientComplete(t *testing.T) {
	t.Parallel()
	b := setupTicks(t, &gqlws.Transport{})
	c := dial(t, b.url, nil)
	initConn(t, c)
	send(t, c, subscribeMsg(t, "a", "subscription { tick }"))
	require.Equal(t, tickMsg("a", "0"), read(t, c))

	send(t, c, msg{ID: "a", Type: "complete"})
	waitFor(t, "the source ended", func() bool { return b.hub.open() == 0 })
	b.hub.tick("1")
	requirePingPong(t, c)

	// The id is free again at once.
	send(t, c, subscribeMsg(t, "a", "subscription { tick }"))
	require.Equal(t, tickMsg("a", "0"), read(t, c))
	requireGoroutinesLabelled(t, b.label, 1)
}

func TestDo_HandlerReturnsWhileConnectionWorks(t *testing.T) {
	t.Parallel()
	b := setupTicks(t, &gqlws.Transport{})
	c := dial(t, b.url, nil)

	// net/http's handler for the upgrade request has returned, freeing what net/http holds for
	// it, and the connection goes on.
	select {
	case <-b.returned:
	case <-time.After(waitLimit):
		require.FailNow(t, "the HTTP handler did not return")
	}
	initConn(t, c)
	send(t, c, subscribeMsg(t, "a", "subscription { tick }"))
	require.Equal(t, tickMsg("a", "0"), read(t, c))
	b.hub.tick("1")
	require.Equal(t, tickMsg("a", "1"), read(t, c))
	requireGoroutinesLabelled(t, b.label, 1)
}

func TestAttachedSource_OneWorkerDeliversEverything(t *testing.T) {
	t.Parallel()
	const sockets, subscriptions = 10, 3
	b := setupTicks(t, &gqlws.Transport{Workers: 1})
	conns := make([]*websocket.Conn, sockets)
	for i := range conns {
		conns[i] = dial(t, b.url, nil)
		initConn(t, conns[i])
		for j := range subscriptions {
			send(t, conns[i], subscribeMsg(t, strconv.Itoa(j), "subscription { tick }"))
		}
	}
	for _, c := range conns {
		require.Len(t, readTicks(t, c, subscriptions), subscriptions)
	}
	for round := 1; round <= 5; round++ {
		v := strconv.Itoa(round)
		b.hub.tick(v)
		for _, c := range conns {
			got := readTicks(t, c, subscriptions)
			for j := range subscriptions {
				require.Equal(t, []msg{tickMsg(strconv.Itoa(j), v)}, got[strconv.Itoa(j)])
			}
		}
	}
}

func TestStart_BurstWaitsInQueueNotGoroutines(t *testing.T) {
	t.Parallel()
	const workers, sockets, subscriptions = 2, 5, 10
	gate := make(chan struct{})
	b := setupTicksWith(t, &gqlws.Transport{Workers: workers}, &hub{gate: gate})
	conns := make([]*websocket.Conn, sockets)
	for i := range conns {
		conns[i] = dial(t, b.url, nil)
		initConn(t, conns[i])
		for j := range subscriptions {
			send(t, conns[i], subscribeMsg(t, strconv.Itoa(j), "subscription { tick }"))
		}
		requirePingPong(t, conns[i]) // every subscribe was read
	}
	// Two resolvers wait for the database; the 48 other subscriptions wait in the queue.
	waitFor(t, "the workers resolving", func() bool { return b.hub.resolves.Load() == workers })
	requireGoroutinesLabelled(t, b.label, sockets+workers)

	close(gate)
	for _, c := range conns {
		require.Len(t, readTicks(t, c, subscriptions), subscriptions)
	}
	require.EqualValues(t, sockets*subscriptions, b.hub.resolves.Load())
	requireGoroutinesLabelled(t, b.label, sockets)
}

func TestLifetime_EndClosesEveryConnectionWith1001(t *testing.T) {
	t.Parallel()
	lifetime, stop := context.WithCancel(context.Background())
	defer stop()
	b := setupTicks(t, &gqlws.Transport{Lifetime: lifetime})
	c := dial(t, b.url, nil)
	initConn(t, c)
	send(t, c, subscribeMsg(t, "a", "subscription { tick }"))
	require.Equal(t, tickMsg("a", "0"), read(t, c))

	stop()
	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: websocket.CloseGoingAway, Text: "Server shutting down"}, closeErr)
	_, codes := b.events.waitClosed(t)
	require.Equal(t, []int{websocket.CloseGoingAway}, codes)
	requireNoGoroutinesLabelled(t, b.label)
	waitFor(t, "the source ended", func() bool { return b.hub.open() == 0 })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			require.FailNow(t, "timed out waiting: "+what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
