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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/otwarty/otwarty/internal/gqlws"
)

const protocol = "graphql-transport-ws"

// waitLimit only stops a broken test from hanging; no test asserts how fast anything happens.
const waitLimit = 10 * time.Second

// bundle is one gqlgen server with the transport behind httptest, with what its hooks observed.
type bundle struct {
	ts     *testserver.TestServer
	url    string
	label  string
	events *events
}

// events collects what the transport reports through OnError and OnClose without ever blocking it.
type events struct {
	mu         sync.Mutex
	errs       []*gqlws.Error
	closeCodes []int
	closed     chan struct{}
	closeOnce  sync.Once
}

func (e *events) errorFunc(_ context.Context, err error) {
	var wsErr *gqlws.Error
	if !errors.As(err, &wsErr) {
		wsErr = &gqlws.Error{Err: err}
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

func (e *events) snapshot() ([]*gqlws.Error, []int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*gqlws.Error(nil), e.errs...), append([]int(nil), e.closeCodes...)
}

// waitClosed waits for OnClose, which runs after the error that ended the connection has been
// reported.
func (e *events) waitClosed(t *testing.T) ([]*gqlws.Error, []int) {
	t.Helper()
	select {
	case <-e.closed:
	case <-time.After(waitLimit):
		require.FailNow(t, "OnClose was not called")
	}
	return e.snapshot()
}

// setup serves testserver.New() with the given transport; OnError and OnClose are filled in to
// record into the bundle's events. testserver's subscription channel has no gqlws.Source, so its
// subscriptions run on goroutines of their own.
func setup(t *testing.T, tr *gqlws.Transport) *bundle {
	t.Helper()
	ts := testserver.New()
	ev := record(tr)
	ts.AddTransport(tr)
	url, label := serve(t, ts)
	return &bundle{ts: ts, url: url, label: label, events: ev}
}

// record fills in tr's OnError and OnClose to record into the returned events.
func record(tr *gqlws.Transport) *events {
	ev := &events{closed: make(chan struct{})}
	tr.OnError = ev.errorFunc
	tr.OnClose = ev.closeFunc
	return ev
}

// serve runs h under a pprof label unique to the test, which every goroutine started for a
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
	b := setup(t, &gqlws.Transport{})
	c := dial(t, b.url, nil)

	initConn(t, c)

	subscribe(t, c, "1", "subscription { name }")
	b.ts.SendNextSubscriptionMessage()
	require.Equal(t, msg{ID: "1", Type: "next", Payload: json.RawMessage(`{"data":{"name":"test"}}`)}, read(t, c))
	b.ts.SendCompleteSubscriptionMessage()
	require.Equal(t, msg{ID: "1", Type: "complete"}, read(t, c))

	// A client-side complete stops the subscription, and the protocol sends nothing more for it
	// (not even complete): the next message is the pong.
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
		err        error
		wantCode   int
		wantReason string
	}{
		{name: "DefaultReason", err: &gqlws.CloseError{Code: 4403}, wantCode: 4403, wantReason: "terminated"},
		{name: "OwnReason", err: &gqlws.CloseError{Code: 4403, Reason: "token expired"}, wantCode: 4403, wantReason: "token expired"},
		{name: "LongReasonCutAtRune", err: &gqlws.CloseError{Code: 4403, Reason: long}, wantCode: 4403, wantReason: strings.Repeat("é", 61)},
		{name: "PlainError", err: errors.New("forbidden"), wantCode: 4403, wantReason: "Forbidden"},
		{name: "OtherCode", err: fmt.Errorf("wrapped: %w", &gqlws.CloseError{Code: 4429, Reason: "Too many connections"}),
			wantCode: 4429, wantReason: "Too many connections"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var payloads []gqlws.InitPayload
			b := setup(t, &gqlws.Transport{
				InitFunc: func(ctx context.Context, p gqlws.InitPayload) (context.Context, error) {
					payloads = append(payloads, p)
					return ctx, tt.err
				},
			})
			c := dial(t, b.url, nil)

			send(t, c, msg{Type: "connection_init", Payload: json.RawMessage(`{"authorization":"Bearer t"}`)})
			closeErr, before := readClose(t, c)
			require.Empty(t, before, "graphql-transport-ws sends nothing before closing")
			require.Equal(t, &websocket.CloseError{Code: tt.wantCode, Text: tt.wantReason}, closeErr)

			_, codes := b.events.waitClosed(t)
			require.Equal(t, []int{tt.wantCode}, codes)
			require.Len(t, payloads, 1)
			require.Equal(t, "Bearer t", payloads[0].Authorization())
		})
	}
}

func TestPayloadReadLimit_ClosesWithMessageTooBig(t *testing.T) {
	t.Parallel()
	b := setup(t, &gqlws.Transport{ReadLimit: 512})
	c := dial(t, b.url, nil)
	initConn(t, c)

	query := "subscription { name }" + strings.Repeat(" ", 1024)
	payload, err := json.Marshal(map[string]string{"query": query})
	require.NoError(t, err)
	send(t, c, msg{ID: "1", Type: "subscribe", Payload: payload})

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	// gorilla itself answers an oversized message with 1009 and no reason; no close frame follows.
	require.Equal(t, &websocket.CloseError{Code: websocket.CloseMessageTooBig, Text: ""}, closeErr)

	errs, codes := b.events.waitClosed(t)
	require.Len(t, errs, 1)
	require.True(t, errs[0].Read)
	require.ErrorIs(t, errs[0], websocket.ErrReadLimit)
	require.Equal(t, []int{websocket.CloseMessageTooBig}, codes, "the code the client got")
}

func TestPingPong_DropsClientThatNeverPongs(t *testing.T) {
	t.Parallel()
	b := setup(t, &gqlws.Transport{PingInterval: 50 * time.Millisecond})
	c := dial(t, b.url, nil)
	initConn(t, c)

	// Protocol-level {"type":"ping"} messages (not WebSocket ping frames, which gorilla would
	// answer by itself) come from a timer, and with nothing read for two intervals the read
	// deadline ends the connection.
	require.Equal(t, msg{Type: "ping"}, read(t, c))
	closeErr, before := readClose(t, c)
	for _, m := range before {
		require.Equal(t, msg{Type: "ping"}, m)
	}
	// The read fails, not the write side, so the server still closes politely.
	require.Equal(t, &websocket.CloseError{Code: websocket.CloseNormalClosure, Text: "terminated"}, closeErr)

	errs, codes := b.events.waitClosed(t)
	require.Len(t, errs, 1, "writes after the close are not reported: %v", errs)
	require.True(t, errs[0].Read)
	var netErr net.Error
	require.ErrorAs(t, errs[0], &netErr)
	require.True(t, netErr.Timeout(), "the read deadline ended the connection: %v", errs[0])
	require.Equal(t, []int{websocket.CloseNormalClosure}, codes)
	requireNoGoroutinesLabelled(t, b.label)
}

func TestPingPong_KeepsClientThatPongs(t *testing.T) {
	t.Parallel()
	// A pong has a whole interval to arrive, so a generous interval keeps a loaded machine from
	// failing the test.
	b := setup(t, &gqlws.Transport{PingInterval: 250 * time.Millisecond})
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
	allowed := gqlws.SameOriginOrAllowed([]string{"https://App.example/"})

	tests := []struct {
		name        string
		checkOrigin func(*http.Request) bool
		origin      string // "self" means the server's own origin
		want        int
	}{
		{name: "NoOrigin", checkOrigin: allowed, origin: "", want: http.StatusSwitchingProtocols},
		{name: "SameHost", checkOrigin: allowed, origin: "self", want: http.StatusSwitchingProtocols},
		{name: "Listed", checkOrigin: allowed, origin: "https://app.example", want: http.StatusSwitchingProtocols},
		{name: "ListedOtherCase", checkOrigin: allowed, origin: "https://APP.EXAMPLE", want: http.StatusSwitchingProtocols},
		{name: "ListedHostOtherScheme", checkOrigin: allowed, origin: "http://app.example", want: http.StatusForbidden},
		{name: "Unlisted", checkOrigin: allowed, origin: "https://evil.example", want: http.StatusForbidden},
		{name: "Null", checkOrigin: allowed, origin: "null", want: http.StatusForbidden},
		{name: "DefaultSameHost", origin: "self", want: http.StatusSwitchingProtocols},
		{name: "DefaultCrossOrigin", origin: "https://app.example", want: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, &gqlws.Transport{CheckOrigin: tt.checkOrigin})
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

func TestAccept_NegotiatesGraphQLTransportWSOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		offered   []string
		wantProto string
		wantClose *websocket.CloseError // nil: the connection works
	}{
		{name: "AmongOthers", offered: []string{"graphql-ws", protocol}, wantProto: protocol},
		{name: "LegacyOnly", offered: []string{"graphql-ws"},
			wantClose: &websocket.CloseError{Code: gqlws.CloseNotAcceptable, Text: "Subprotocol not acceptable"}},
		{name: "None", offered: nil,
			wantClose: &websocket.CloseError{Code: gqlws.CloseNotAcceptable, Text: "Subprotocol not acceptable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, &gqlws.Transport{})
			dialer := websocket.Dialer{Subprotocols: tt.offered, HandshakeTimeout: waitLimit}
			c, _, err := dialer.Dial(b.url, nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			require.Equal(t, tt.wantProto, c.Subprotocol())
			if tt.wantClose == nil {
				initConn(t, c)
				return
			}
			closeErr, before := readClose(t, c)
			require.Empty(t, before)
			require.Equal(t, tt.wantClose, closeErr)
			b.events.waitClosed(t)
		})
	}
}

func TestOnOpen_CloseWithSendsItsCode(t *testing.T) {
	t.Parallel()
	b := setup(t, &gqlws.Transport{OnOpen: func(_ context.Context, c gqlws.Conn) {
		c.CloseWith(4400, "bad request")
		c.CloseWith(4401, "too late") // the first code wins
	}})
	c := dial(t, b.url, nil)

	closeErr, before := readClose(t, c)
	require.Empty(t, before)
	require.Equal(t, &websocket.CloseError{Code: 4400, Text: "bad request"}, closeErr)
	errs, codes := b.events.waitClosed(t)
	require.Empty(t, errs)
	require.Equal(t, []int{4400}, codes)
}

func TestClientClose_NormalCodesAreNoError(t *testing.T) {
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
			b := setup(t, &gqlws.Transport{})
			c := dial(t, b.url, nil)
			initConn(t, c)
			require.NoError(t, c.WriteMessage(websocket.CloseMessage, tt.payload))

			errs, _ := b.events.waitClosed(t)
			if tt.normal {
				require.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1)
			require.True(t, errs[0].Read)
			var closeErr *websocket.CloseError
			require.ErrorAs(t, errs[0], &closeErr)
			require.Equal(t, websocket.CloseInternalServerErr, closeErr.Code)
		})
	}
}

func TestMessages_MalformedClosesWith4400(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
	}{
		{"NotJSON", `{"type":`},
		{"NoType", `{"id":"1"}`},
		{"ServerType", `{"id":"1","type":"next","payload":{}}`},
		{"NumericID", `{"id":1,"type":"subscribe","payload":{"query":"subscription { name }"}}`},
		{"InitPayloadNotObject", `{"type":"connection_init","payload":[1]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var refused refusals
			b := setup(t, &gqlws.Transport{Guard: gqlws.Guard{Refused: refused.add}})
			c := dial(t, b.url, nil)
			require.NoError(t, c.WriteMessage(websocket.TextMessage, []byte(tt.data)))

			closeErr, before := readClose(t, c)
			require.Empty(t, before)
			require.Equal(t, &websocket.CloseError{Code: gqlws.CloseBadRequest, Text: "Invalid message received"}, closeErr)
			require.Equal(t, []string{"bad_message"}, refused.got())
			requireNoGoroutinesLabelled(t, b.label)
		})
	}
}

func TestPing_AnsweredBeforeAndAfterInitWithItsPayload(t *testing.T) {
	t.Parallel()
	b := setup(t, &gqlws.Transport{})
	c := dial(t, b.url, nil)

	requirePingPong(t, c)
	initConn(t, c)
	send(t, c, msg{Type: "ping", Payload: json.RawMessage(`{"n":1}`)})
	require.Equal(t, msg{Type: "pong", Payload: json.RawMessage(`{"n":1}`)}, read(t, c))
	send(t, c, msg{Type: "pong"}) // a pong needs no answer
	requirePingPong(t, c)
}

func TestQueryAndMutation_OverTheSocket(t *testing.T) {
	t.Parallel()
	b := setup(t, &gqlws.Transport{})
	c := dial(t, b.url, nil)
	initConn(t, c)

	send(t, c, subscribeMsg(t, "q", "query { name }"))
	require.Equal(t, msg{ID: "q", Type: "next", Payload: json.RawMessage(`{"data":{"name":"test"}}`)}, read(t, c))
	require.Equal(t, msg{ID: "q", Type: "complete"}, read(t, c))

	// An execution error is a next with errors, then complete.
	send(t, c, subscribeMsg(t, "m", "mutation { name }"))
	require.Equal(t, msg{ID: "m", Type: "next",
		Payload: json.RawMessage(`{"errors":[{"message":"mutations are not supported"}],"data":null}`)}, read(t, c))
	require.Equal(t, msg{ID: "m", Type: "complete"}, read(t, c))

	// A document that does not validate is an error message, and nothing follows for it.
	send(t, c, subscribeMsg(t, "v", "query { nope }"))
	m := read(t, c)
	require.Equal(t, "v", m.ID)
	require.Equal(t, "error", m.Type)
	require.Contains(t, string(m.Payload), "GRAPHQL_VALIDATION_FAILED")
	send(t, c, msg{ID: "j", Type: "subscribe", Payload: json.RawMessage(`"not params"`)})
	require.Equal(t, msg{ID: "j", Type: "error", Payload: json.RawMessage(`[{"message":"invalid json"}]`)}, read(t, c))
	requirePingPong(t, c)
}

// manySchema has one subscription that emits each of 50 responses as fast as it is taken, then
// ends.
func manySchema(each int) graphql.ExecutableSchema {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { name: String! }
		type Subscription { n: Int! }
	`})
	return &graphql.ExecutableSchemaMock{
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			i := 0
			return func(context.Context) *graphql.Response {
				if i == each {
					return nil
				}
				i++
				return &graphql.Response{Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
			}
		},
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, true
		},
	}
}

func TestWrite_SafeForConcurrentOperations(t *testing.T) {
	t.Parallel()
	const operations, each = 8, 50
	srv := handler.New(manySchema(each))
	tr := &gqlws.Transport{}
	record(tr)
	srv.AddTransport(tr)
	url, _ := serve(t, srv)
	c := dial(t, url, nil)
	initConn(t, c)

	for i := range operations {
		send(t, c, subscribeMsg(t, strconv.Itoa(i), "subscription { n }"))
	}
	got := map[string][]string{}
	for completed := 0; completed < operations; {
		m := read(t, c)
		switch m.Type {
		case "next":
			got[m.ID] = append(got[m.ID], string(m.Payload))
		case "complete":
			completed++
			require.Len(t, got[m.ID], each, "complete comes after the operation's last next")
		default:
			require.FailNow(t, "unexpected message", "%+v", m)
		}
	}
	require.Len(t, got, operations)
	for id, payloads := range got {
		for i, p := range payloads {
			require.Equal(t, fmt.Sprintf(`{"data":{"n":%d}}`, i+1), p, "operation %s", id)
		}
	}
}

func TestSubscriptions_NoGoroutinesLeftAfterClose(t *testing.T) {
	t.Parallel()
	const n = 50
	b := setup(t, &gqlws.Transport{
		PingInterval: time.Minute, // starts the ping timer too, without pinging during the test
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

	// Each connection runs its reader and, testserver's channel being no gqlws.Source, one
	// goroutine waiting for its subscription; seeing them proves the count below is not vacuous.
	requireGoroutinesLabelled(t, b.label, 2*n)

	for i, c := range conns {
		if i%2 == 0 {
			require.NoError(t, c.WriteMessage(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")))
		} else {
			require.NoError(t, c.Close()) // vanished client: no close frame
		}
	}
	requireNoGoroutinesLabelled(t, b.label)
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
	// No pings: the failed write alone must end the connection.
	tr := &gqlws.Transport{WriteTimeout: 200 * time.Millisecond}
	ev := record(tr)
	srv.AddTransport(tr)
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
	// only the write deadline releases the connection so that it can close.
	send(t, c, msg{ID: "1", Type: "subscribe", Payload: json.RawMessage(`{"query":"subscription { blob }"}`)})

	errs, codes := ev.waitClosed(t)
	require.Equal(t, []int{websocket.CloseNormalClosure}, codes)
	var writeTimedOut bool
	for _, e := range errs {
		var netErr net.Error
		if !e.Read && errors.As(e, &netErr) && netErr.Timeout() {
			writeTimedOut = true
		}
	}
	require.True(t, writeTimedOut, "a write hit the write deadline: %v", errs)
	requireNoGoroutinesLabelled(t, label)
}
