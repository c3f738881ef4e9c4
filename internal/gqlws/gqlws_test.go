package gqlws_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/otwarty/otwarty/internal/gqlws"
)

const protocol = "graphql-transport-ws"

// waitLimit only stops a broken test from hanging; no test asserts how fast anything happens.
const waitLimit = 10 * time.Second

// bundle is one gqlgen server behind httptest with what its hooks observed.
type bundle struct {
	ts     *testserver.TestServer
	url    string
	label  string
	events *events
}

// events collects what gqlgen reports through ErrorFunc and CloseFunc without ever blocking it.
type events struct {
	mu         sync.Mutex
	errs       []transport.WebsocketError
	closeCodes []int
	closed     chan struct{}
	closeOnce  sync.Once
}

func (e *events) errorFunc(_ context.Context, err error) {
	var wsErr transport.WebsocketError
	if !errors.As(err, &wsErr) {
		wsErr = transport.WebsocketError{Err: err}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errs = append(e.errs, wsErr)
}

func (e *events) closeFunc(_ context.Context, code int) {
	e.mu.Lock()
	e.closeCodes = append(e.closeCodes, code)
	e.mu.Unlock()
	e.closeOnce.Do(func() { close(e.closed) })
}

func (e *events) snapshot() ([]transport.WebsocketError, []int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]transport.WebsocketError(nil), e.errs...), append([]int(nil), e.closeCodes...)
}

// waitClosed waits for gqlgen's CloseFunc, which runs after the error that ended the connection
// has been reported.
func (e *events) waitClosed(t *testing.T) ([]transport.WebsocketError, []int) {
	t.Helper()
	select {
	case <-e.closed:
	case <-time.After(waitLimit):
		require.FailNow(t, "CloseFunc was not called")
	}
	return e.snapshot()
}

// setup serves testserver.New() with the given WebSocket transport; ErrorFunc and CloseFunc are
// filled in to record into the bundle's events.
func setup(t *testing.T, ws transport.Websocket) *bundle {
	t.Helper()
	ts := testserver.New()
	ev := &events{closed: make(chan struct{})}
	ws.ErrorFunc = ev.errorFunc
	ws.CloseFunc = ev.closeFunc
	ts.AddTransport(ws)
	url, label := serve(t, ts)
	return &bundle{ts: ts, url: url, label: label, events: ev}
}

// serve runs h under a pprof label unique to the test, which every goroutine gqlgen starts for a
// connection inherits; counting them is immune to other tests running in parallel.
func serve(t *testing.T, h http.Handler, configure ...func(*httptest.Server)) (url, label string) {
	t.Helper()
	label = t.Name()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pprof.Do(r.Context(), pprof.Labels("gqlws_test", label), func(context.Context) {
			h.ServeHTTP(w, r)
		})
	}))
	for _, f := range configure {
		f(srv)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), label
}

// goroutinesLabelled counts live goroutines carrying the test's pprof label.
func goroutinesLabelled(t *testing.T, label string) int {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, pprof.Lookup("goroutine").WriteTo(&buf, 1))
	want := fmt.Sprintf("# labels: {%q:%q}", "gqlws_test", label)
	total := 0
	// debug=1 groups identical stacks into blank-line separated records starting "<count> @ ...".
	for _, record := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(record, want) {
			continue
		}
		// The first record also carries the profile's header line.
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

func dial(t *testing.T, url string, header http.Header) *websocket.Conn {
	t.Helper()
	dialer := websocket.Dialer{Subprotocols: []string{protocol}, HandshakeTimeout: waitLimit}
	c, resp, err := dialer.Dial(url, header)
	require.NoError(t, err)
	require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	require.Equal(t, protocol, c.Subprotocol())
	t.Cleanup(func() { _ = c.Close() })
	return c
}

type msg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func send(t *testing.T, c *websocket.Conn, m msg) {
	t.Helper()
	require.NoError(t, c.WriteJSON(m))
}

func read(t *testing.T, c *websocket.Conn) msg {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(waitLimit)))
	var m msg
	require.NoError(t, c.ReadJSON(&m))
	return m
}

// readClose reads until the server's close frame and returns it with the data messages before it.
func readClose(t *testing.T, c *websocket.Conn) (*websocket.CloseError, []msg) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(waitLimit)))
	var got []msg
	for {
		var m msg
		err := c.ReadJSON(&m)
		if err == nil {
			got = append(got, m)
			continue
		}
		var closeErr *websocket.CloseError
		require.ErrorAs(t, err, &closeErr)
		return closeErr, got
	}
}

func initConn(t *testing.T, c *websocket.Conn) {
	t.Helper()
	send(t, c, msg{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer t"}`)})
	require.Equal(t, msg{Type: "connection_ack"}, read(t, c))
}

func subscribe(t *testing.T, c *websocket.Conn, id, query string) {
	t.Helper()
	payload, err := json.Marshal(map[string]string{"query": query})
	require.NoError(t, err)
	send(t, c, msg{ID: id, Type: "subscribe", Payload: payload})
	// Messages are handled in order, so the pong proves the subscription is registered.
	send(t, c, msg{Type: "ping"})
	require.Equal(t, msg{Type: "pong"}, read(t, c))
}

func TestSubscription_InitAckNextComplete(t *testing.T) {
	t.Parallel()
	b := setup(t, transport.Websocket{Implementation: gqlws.Implementation{}})
	c := dial(t, b.url, nil)

	initConn(t, c)

	subscribe(t, c, "1", "subscription { name }")
	b.ts.SendNextSubscriptionMessage()
	require.Equal(t, msg{ID: "1", Type: "next", Payload: json.RawMessage(`{"data":{"name":"test"}}`)}, read(t, c))
	b.ts.SendCompleteSubscriptionMessage()
	require.Equal(t, msg{ID: "1", Type: "complete"}, read(t, c))

	// A client-side complete stops the subscription, and the protocol sends nothing more for it
	// (gqlgen's own trailing complete is held back): the next message is the pong.
	subscribe(t, c, "2", "subscription { name }")
	send(t, c, msg{ID: "2", Type: "complete"})
	send(t, c, msg{Type: "ping"})
	require.Equal(t, msg{Type: "pong"}, read(t, c))

	require.NoError(t, c.WriteMessage(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")))
	closeErr, rest := readClose(t, c)
	require.Empty(t, rest)
	require.Equal(t, websocket.CloseNormalClosure, closeErr.Code)

	errs, codes := b.events.waitClosed(t)
	require.Empty(t, errs, "a normal close is not an error")
	require.Equal(t, []int{websocket.CloseNormalClosure}, codes)
}

func TestInit_RefusalClosesWithCodeAndReason(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 100) // 200 bytes; a close frame carries at most 123

	tests := []struct {
		name       string
		reason     string
		wantReason string
	}{
		{name: "DefaultReason", reason: "", wantReason: "terminated"},
		{name: "OwnReason", reason: "token expired", wantReason: "token expired"},
		{name: "LongReasonCutAtRune", reason: long, wantReason: strings.Repeat("é", 61)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, transport.Websocket{
				Implementation: gqlws.Implementation{},
				InitFunc: func(ctx context.Context, _ transport.InitPayload) (context.Context, *transport.InitPayload, error) {
					ctx = transport.WithWebsocketCloseCode(ctx, 4403)
					if tt.reason != "" {
						ctx = transport.AppendCloseReason(ctx, tt.reason)
					}
					return ctx, nil, errors.New("forbidden")
				},
			})
			c := dial(t, b.url, nil)

			send(t, c, msg{Type: "connection_init"})
			closeErr, before := readClose(t, c)
			require.Empty(t, before, "graphql-transport-ws sends no connection_error before closing")
			require.Equal(t, &websocket.CloseError{Code: 4403, Text: tt.wantReason}, closeErr)

			_, codes := b.events.waitClosed(t)
			require.Equal(t, []int{4403}, codes)
		})
	}
}

func TestPayloadReadLimit_ClosesWithMessageTooBig(t *testing.T) {
	t.Parallel()
	limit := int64(512)
	b := setup(t, transport.Websocket{Implementation: gqlws.Implementation{}, PayloadReadLimit: &limit})
	c := dial(t, b.url, nil)
	initConn(t, c)

	query := "subscription { name }" + strings.Repeat(" ", 1024)
	payload, err := json.Marshal(map[string]string{"query": query})
	require.NoError(t, err)
	send(t, c, msg{ID: "1", Type: "subscribe", Payload: payload})

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	// gorilla itself answers an oversized message with 1009 and no reason; gqlgen's own close frame
	// that follows is refused because a close was already sent.
	require.Equal(t, &websocket.CloseError{Code: websocket.CloseMessageTooBig, Text: ""}, closeErr)

	errs, codes := b.events.waitClosed(t)
	require.Len(t, errs, 1)
	require.True(t, errs[0].IsReadError)
	require.ErrorIs(t, errs[0], websocket.ErrReadLimit)
	require.Equal(t, []int{websocket.CloseNormalClosure}, codes, "gqlgen reports the code it tried to send")
}

func TestPingPong_DropsClientThatNeverPongs(t *testing.T) {
	t.Parallel()
	b := setup(t, transport.Websocket{Implementation: gqlws.Implementation{}, PingPongInterval: 50 * time.Millisecond})
	c := dial(t, b.url, nil)
	initConn(t, c)

	// gqlgen sends protocol-level {"type":"ping"} messages (not WebSocket ping frames, which gorilla
	// would answer by itself) and, with no pong, its read deadline of two intervals ends the read.
	closeErr, before := readClose(t, c)
	for _, m := range before {
		require.Equal(t, msg{Type: "ping"}, m)
	}
	// The read fails, not the write side, so gqlgen still closes politely.
	require.Equal(t, &websocket.CloseError{Code: websocket.CloseNormalClosure, Text: "terminated"}, closeErr)

	errs, codes := b.events.waitClosed(t)
	require.NotEmpty(t, errs)
	require.True(t, errs[0].IsReadError)
	var netErr net.Error
	require.ErrorAs(t, errs[0], &netErr)
	require.True(t, netErr.Timeout(), "the read deadline ended the connection: %v", errs[0])
	// gqlgen's ping goroutine can race its own close and report a write after the close frame.
	for _, e := range errs[1:] {
		require.False(t, e.IsReadError, "%v", e)
		require.ErrorIs(t, e, websocket.ErrCloseSent)
	}
	require.Equal(t, []int{websocket.CloseNormalClosure}, codes)
}

func TestPingPong_KeepsClientThatPongs(t *testing.T) {
	t.Parallel()
	// A pong has a whole interval to arrive, so a generous interval keeps a loaded machine from
	// failing the test.
	b := setup(t, transport.Websocket{Implementation: gqlws.Implementation{}, PingPongInterval: 250 * time.Millisecond})
	c := dial(t, b.url, nil)
	initConn(t, c)

	// Without pongs the deadline ends the connection within two intervals, so four pings show that
	// the pongs pushed it back.
	for range 4 {
		require.Equal(t, msg{Type: "ping"}, read(t, c))
		send(t, c, msg{Type: "pong"})
	}
	errs, codes := b.events.snapshot()
	require.Empty(t, errs)
	require.Empty(t, codes)
}

func TestAccept_ChecksOrigin(t *testing.T) {
	t.Parallel()
	allowed := gqlws.Implementation{CheckOrigin: gqlws.SameOriginOrAllowed([]string{"https://App.example/"})}

	tests := []struct {
		name   string
		impl   gqlws.Implementation
		origin string // "self" means the server's own origin
		want   int
	}{
		{name: "NoOrigin", impl: allowed, origin: "", want: http.StatusSwitchingProtocols},
		{name: "SameHost", impl: allowed, origin: "self", want: http.StatusSwitchingProtocols},
		{name: "Listed", impl: allowed, origin: "https://app.example", want: http.StatusSwitchingProtocols},
		{name: "ListedOtherCase", impl: allowed, origin: "https://APP.EXAMPLE", want: http.StatusSwitchingProtocols},
		{name: "ListedHostOtherScheme", impl: allowed, origin: "http://app.example", want: http.StatusForbidden},
		{name: "Unlisted", impl: allowed, origin: "https://evil.example", want: http.StatusForbidden},
		{name: "Null", impl: allowed, origin: "null", want: http.StatusForbidden},
		{name: "DefaultSameHost", impl: gqlws.Implementation{}, origin: "self", want: http.StatusSwitchingProtocols},
		{name: "DefaultCrossOrigin", impl: gqlws.Implementation{}, origin: "https://app.example", want: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, transport.Websocket{Implementation: tt.impl})
			header := http.Header{}
			switch tt.origin {
			case "":
			case "self":
				header.Set("Origin", "http"+strings.TrimPrefix(b.url, "ws"))
			default:
				header.Set("Origin", tt.origin)
			}

			dialer := websocket.Dialer{Subprotocols: []string{protocol}, HandshakeTimeout: waitLimit}
			c, resp, err := dialer.Dial(b.url, header)
			require.NotNil(t, resp)
			require.Equal(t, tt.want, resp.StatusCode)
			if tt.want != http.StatusSwitchingProtocols {
				require.ErrorIs(t, err, websocket.ErrBadHandshake)
				return
			}
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			initConn(t, c)
		})
	}
}

func TestSameOriginOrAllowed(t *testing.T) {
	t.Parallel()
	check := gqlws.SameOriginOrAllowed([]string{"https://app.example", "http://localhost:5173", "not a url", ""})

	tests := []struct {
		origin string
		want   bool
	}{
		{"", true},
		{"http://api.example:8080", true}, // same host as the request, any scheme
		{"https://API.example:8080", true},
		{"https://api.example", false}, // host includes the port
		{"https://app.example", true},
		{"https://app.example:443", false}, // origins are compared as sent
		{"http://localhost:5173", true},
		{"http://localhost:5174", false},
		{"https://app.example.evil", false},
		{"null", false},
		{"not a url", false},
		{"://", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "http://api.example:8080/query", nil)
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		require.Equal(t, tt.want, check(r), "origin %q", tt.origin)
	}
}

// acceptDirect serves one connection accepted straight from Implementation.Accept and hands it to
// the test's server-side function.
func acceptDirect(t *testing.T, impl gqlws.Implementation, options transport.WebsocketAcceptOptions,
	serverSide func(transport.WebsocketConn),
) string {
	t.Helper()
	url, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := impl.Accept(w, r, options)
		if err != nil {
			return
		}
		defer conn.Close()
		serverSide(conn)
	}))
	return url
}

func TestAccept_HonoursOptionsAndClosesWithCode(t *testing.T) {
	t.Parallel()
	url := acceptDirect(t, gqlws.Implementation{}, transport.WebsocketAcceptOptions{
		ResponseHeader: http.Header{"X-Otwarty": {"yes"}},
		Subprotocols:   []string{"graphql-ws", protocol},
	}, func(conn transport.WebsocketConn) {
		_ = conn.WriteJSON(msg{Type: "hello"})
		_ = conn.WriteClose(4400, "bad request")
	})

	dialer := websocket.Dialer{Subprotocols: []string{protocol}, HandshakeTimeout: waitLimit}
	c, resp, err := dialer.Dial(url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.Equal(t, "yes", resp.Header.Get("X-Otwarty"))
	require.Equal(t, protocol, c.Subprotocol())

	closeErr, before := readClose(t, c)
	require.Equal(t, []msg{{Type: "hello"}}, before)
	require.Equal(t, &websocket.CloseError{Code: 4400, Text: "bad request"}, closeErr)
}

func TestNextReader_MapsNormalClosesToErrWebsocketClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload []byte
		normal  bool
	}{
		{"NormalClosure", websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), true},
		{"GoingAway", websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), true},
		{"NoStatus", []byte{}, true},
		{"InternalError", websocket.FormatCloseMessage(websocket.CloseInternalServerErr, "boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			readErr := make(chan error, 1)
			url := acceptDirect(t, gqlws.Implementation{}, transport.WebsocketAcceptOptions{
				Subprotocols: []string{protocol},
			}, func(conn transport.WebsocketConn) {
				_, _, err := conn.NextReader()
				readErr <- err
			})
			c := dial(t, url, nil)
			require.NoError(t, c.WriteMessage(websocket.CloseMessage, tt.payload))

			var err error
			select {
			case err = <-readErr:
			case <-time.After(waitLimit):
				require.FailNow(t, "server read did not end")
			}
			require.Error(t, err)
			require.Equal(t, tt.normal, errors.Is(err, transport.ErrWebsocketClosed), "%v", err)
		})
	}
}

func TestWriteJSON_SafeForConcurrentWriters(t *testing.T) {
	t.Parallel()
	const writers, each = 8, 50
	url := acceptDirect(t, gqlws.Implementation{}, transport.WebsocketAcceptOptions{
		Subprotocols: []string{protocol},
	}, func(conn transport.WebsocketConn) {
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					_ = conn.WriteJSON(msg{ID: fmt.Sprintf("%d-%d", w, i), Type: "next"})
				}
			})
		}
		wg.Wait()
		_ = conn.WriteClose(websocket.CloseNormalClosure, "done")
	})
	c := dial(t, url, nil)

	closeErr, got := readClose(t, c)
	require.Equal(t, &websocket.CloseError{Code: websocket.CloseNormalClosure, Text: "done"}, closeErr)
	require.Len(t, got, writers*each)
	seen := map[string]bool{}
	for _, m := range got {
		seen[m.ID] = true
	}
	require.Len(t, seen, writers*each)
}

func TestSubscriptions_NoGoroutinesLeftAfterClose(t *testing.T) {
	t.Parallel()
	const n = 50
	b := setup(t, transport.Websocket{
		Implementation:   gqlws.Implementation{},
		PingPongInterval: time.Minute, // starts gqlgen's ping goroutine too, without pinging during the test
	})

	conns := make([]*websocket.Conn, n)
	dialErrs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			dialer := websocket.Dialer{Subprotocols: []string{protocol}, HandshakeTimeout: waitLimit}
			conns[i], _, dialErrs[i] = dialer.Dial(b.url, nil)
		})
	}
	wg.Wait()
	for i, c := range conns {
		require.NoError(t, dialErrs[i])
		t.Cleanup(func() { _ = c.Close() })
		initConn(t, c)
		subscribe(t, c, "1", "subscription { name }")
	}

	// Each connection runs several goroutines (handler, closeOnCancel, ping, subscription); seeing
	// them proves the count below is not vacuous.
	require.GreaterOrEqual(t, goroutinesLabelled(t, b.label), 3*n)

	for i, c := range conns {
		if i%2 == 0 {
			require.NoError(t, c.WriteMessage(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")))
		} else {
			require.NoError(t, c.Close()) // vanished client: no close frame
		}
	}

	deadline := time.Now().Add(waitLimit)
	for goroutinesLabelled(t, b.label) > 0 {
		if time.Now().After(deadline) {
			var buf bytes.Buffer
			_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
			require.FailNow(t, "goroutines left after closing every connection", buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// floodSchema has one subscription that emits 256 KiB responses as fast as they are taken.
func floodSchema() graphql.ExecutableSchema {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { name: String! }
		type Subscription { blob: String! }
	`})
	blob := json.RawMessage(`{"blob":"` + strings.Repeat("x", 256<<10) + `"}`)
	return &graphql.ExecutableSchemaMock{
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			return func(context.Context) *graphql.Response {
				if ctx.Err() != nil {
					return nil
				}
				return &graphql.Response{Data: blob}
			}
		},
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, true
		},
	}
}

const smallBuffer = 16 << 10

type smallBufferListener struct{ net.Listener }

func (l smallBufferListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return conn, conn.(*net.TCPConn).SetWriteBuffer(smallBuffer)
}

func TestWriteTimeout_StalledClientIsDropped(t *testing.T) {
	t.Parallel()
	srv := handler.New(floodSchema())
	ev := &events{closed: make(chan struct{})}
	srv.AddTransport(transport.Websocket{
		Implementation:   gqlws.Implementation{WriteTimeout: 200 * time.Millisecond},
		PingPongInterval: 100 * time.Millisecond,
		ErrorFunc:        ev.errorFunc,
		CloseFunc:        ev.closeFunc,
	})
	// Small socket buffers on both ends (fixed sizes also stop the kernel growing them) make the
	// first response fill the path.
	url, label := serve(t, srv, func(s *httptest.Server) {
		s.Listener = smallBufferListener{s.Listener}
	})
	dialer := websocket.Dialer{
		Subprotocols:     []string{protocol},
		HandshakeTimeout: waitLimit,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return conn, conn.(*net.TCPConn).SetReadBuffer(smallBuffer)
		},
	}
	c, _, err := dialer.Dial(url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	initConn(t, c)

	// The client stops reading: once the socket buffers are full every server write blocks, and
	// only the write deadline releases gqlgen's connection lock so the connection can close.
	send(t, c, msg{ID: "1", Type: "subscribe", Payload: json.RawMessage(`{"query":"subscription { blob }"}`)})

	errs, codes := ev.waitClosed(t)
	require.Equal(t, []int{websocket.CloseNormalClosure}, codes)
	var writeTimedOut bool
	for _, e := range errs {
		var netErr net.Error
		if !e.IsReadError && errors.As(e, &netErr) && netErr.Timeout() {
			writeTimedOut = true
		}
	}
	require.True(t, writeTimedOut, "a write hit the write deadline: %v", errs)

	deadline := time.Now().Add(waitLimit)
	for goroutinesLabelled(t, label) > 0 {
		require.False(t, time.Now().After(deadline), "goroutines left after a stalled client")
		time.Sleep(10 * time.Millisecond)
	}
}
