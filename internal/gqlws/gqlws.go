// Package gqlws serves GraphQL over WebSocket with the graphql-transport-ws protocol
// (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md) on gorilla/websocket, through
// gqlgen's executor, so that extensions, response and field middleware, the error presenter and
// the complexity limits apply as they do over HTTP.
//
// It replaces gqlgen's own WebSocket transport in order to hold little per connection:
//   - the HTTP handler returns as soon as the connection is upgraded, so net/http lets go of its
//     buffers and request state;
//   - one goroutine per connection reads; keep-alive pings come from a timer, and closing on
//     shutdown from a context callback;
//   - operations are started (parsed, validated, resolved) by a bounded pool of workers, so a
//     burst of subscribes waits in a queue, not in a goroutine each;
//   - a subscription whose event source registers itself (Attach) then has no goroutine: the pool
//     delivers its events, only when one is waiting. Other subscriptions, queries and mutations go
//     on on a goroutine of their own until their last response.
package gqlws

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Subprotocol is the only WebSocket subprotocol spoken.
const Subprotocol = "graphql-transport-ws"

// Defaults for the zero values of Transport's fields.
const (
	defaultReadBufferSize = 512
	defaultWriteTimeout   = 10 * time.Second
	defaultReadLimit      = 1 << 20
	defaultWorkers        = 256
)

// maxCloseReason is the longest close reason a close frame can carry: a control frame payload is at
// most 125 bytes, two of which hold the code.
const maxCloseReason = 123

// Close codes of graphql-transport-ws (and ours in its 44xx range).
const (
	CloseBadRequest      = 4400 // a message that breaks the protocol
	CloseUnauthorized    = 4401 // subscribe before connection_init
	CloseForbidden       = 4403 // refused or revoked credentials
	CloseNotAcceptable   = 4406 // a subprotocol other than graphql-transport-ws
	CloseInitTimeout     = 4408 // no connection_init in time
	CloseDuplicateID     = 4409 // subscribe with an id already in use
	CloseTooManyRequests = 4429 // a second connection_init, a subscribe flood, too many connections
)

// Transport is a gqlgen transport (add it with handler.Server.AddTransport) for WebSocket upgrade
// requests. Its zero value is usable: same-origin check, 512-byte read buffer, 1 MB messages, 10 s
// write timeout, no pings. It must not be copied after first use.
type Transport struct {
	// CheckOrigin decides whether the upgrade request's Origin is allowed; a refused request gets
	// HTTP 403. Nil uses gorilla's default: no Origin header or an Origin whose host equals the
	// request's Host.
	CheckOrigin func(r *http.Request) bool

	// ReadBufferSize is gorilla's read buffer, held by a connection for its whole life; zero means
	// 512 bytes. WriteBufferSize is the size of the write buffers lent to connections only while
	// they write; zero means 4 KB. Neither limits message size.
	ReadBufferSize  int
	WriteBufferSize int

	// ReadLimit is the largest message a client may send, in bytes; a larger one closes the
	// connection with 1009. Zero means 1 MB; negative, no limit.
	ReadLimit int64

	// WriteTimeout bounds each message written to a client; zero means 10 seconds. A client that
	// stops reading is dropped when a write times out.
	WriteTimeout time.Duration

	// PingInterval is how often the server sends {"type":"ping"} once a connection is
	// initialised; a connection from which nothing has been read for two intervals is dropped
	// (clients answer pings with pongs). Zero sends no pings and drops no one.
	PingInterval time.Duration

	// Workers bounds the goroutines that start operations and deliver the events of
	// subscriptions with an attached source; they exist only while there is work. Zero means 256.
	// A worker may wait for the database (a resolver) or for a client that stopped reading
	// (WriteTimeout at most), so the bound is generous.
	Workers int

	// Guard enforces the protocol's rules and the limits.
	Guard Guard

	// Lifetime, when set, closes every connection with 1001 when it ends (server shutdown): a
	// connection outlives the HTTP request that opened it, whose context ends at once.
	Lifetime context.Context

	// OnOpen is called once per accepted connection, on its goroutine, before any message is read,
	// with the context of the upgrade request (its values kept, its cancellation not). It may close
	// the connection (Conn.CloseWith).
	OnOpen func(ctx context.Context, c Conn)

	// InitFunc is called with the connection_init payload. The context it returns is the parent of
	// every operation's context on the connection. An error refuses the connection: a *CloseError
	// closes it with its code and reason, any other error with 4403 Forbidden.
	InitFunc func(ctx context.Context, payload InitPayload) (context.Context, error)

	// OnClose is called once when a connection has ended, with the close code this side sent (or
	// echoed, or that gorilla sent for it).
	OnClose func(ctx context.Context, code int)

	// OnError is told of read and write failures (as *Error), except those that merely end a
	// connection normally or follow its closing.
	OnError func(ctx context.Context, err error)

	once     sync.Once
	upgrader websocket.Upgrader
	pool     *pool
}

// Guard is what a connection may do. Zero values mean no limit.
type Guard struct {
	// MaxOperations is how many operations may run at once on one connection; a subscribe beyond
	// it gets an error message for that operation (code RATE_LIMITED), and the connection stays.
	MaxOperations int
	// SubscribePerSecond and SubscribeBurst bound subscribe messages per connection; a flood
	// closes the connection with 4429.
	SubscribePerSecond float64
	SubscribeBurst     int
	// InitTimeout is how long a client has to send connection_init before the connection closes
	// with 4408.
	InitTimeout time.Duration
	// Refused is told the reason of every refusal (for metrics); nil ignores them.
	Refused func(reason string)
}

// Conn is an accepted connection, as OnOpen sees it.
type Conn interface {
	// CloseWith sends a close frame with code and reason and closes the connection, which ends
	// every operation on it. Safe to call from any goroutine, any number of times: the first
	// close frame is the only one sent.
	CloseWith(code int, reason string)
}

// InitPayload is the payload of connection_init, which clients use in place of HTTP headers.
type InitPayload map[string]any

// Authorization is the payload's "Authorization" (or "authorization") string, or "".
func (p InitPayload) Authorization() string {
	for _, key := range []string{"Authorization", "authorization"} {
		if s, ok := p[key].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// CloseError refuses a connection from InitFunc with a close code and reason ("terminated" when
// empty).
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string { return "websocket closed: " + e.Reason }

// Error is a failed read or write on a connection, as OnError is told.
type Error struct {
	Err  error
	Read bool // the read side failed; otherwise a write
}

func (e *Error) Error() string {
	if e.Read {
		return "websocket read: " + e.Err.Error()
	}
	return "websocket write: " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

var _ graphql.Transport = (*Transport)(nil)

// Supports reports whether r asks for an upgrade.
func (t *Transport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") != ""
}

// Do upgrades the request and returns; the connection goes on on a goroutine of its own.
func (t *Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.once.Do(t.setup)
	ws, err := t.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := newConn(t, ws, exec, r.Context())
	go c.serve()
}

func (t *Transport) setup() {
	readBuffer := t.ReadBufferSize
	if readBuffer <= 0 {
		// Never zero: gorilla would then keep net/http's 4 KB buffer for the connection's life.
		readBuffer = defaultReadBufferSize
	}
	workers := t.Workers
	if workers <= 0 {
		workers = defaultWorkers
	}
	t.pool = &pool{max: workers}
	t.upgrader = websocket.Upgrader{
		ReadBufferSize:  readBuffer,
		WriteBufferSize: t.WriteBufferSize,
		// An idle connection holds no write buffer: with thousands of idle subscribers, that is
		// a large part of a connection's memory.
		WriteBufferPool: &sync.Pool{},
		Subprotocols:    []string{Subprotocol},
		CheckOrigin:     t.CheckOrigin,
		Error: func(w http.ResponseWriter, _ *http.Request, status int, reason error) {
			w.Header().Set("Sec-Websocket-Version", "13")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(graphql.Response{Errors: gqlerror.List{{Message: "unable to upgrade: " + reason.Error()}}})
		},
	}
}

func (t *Transport) writeTimeout() time.Duration {
	if t.WriteTimeout > 0 {
		return t.WriteTimeout
	}
	return defaultWriteTimeout
}

func (t *Transport) readLimit() int64 {
	switch {
	case t.ReadLimit < 0:
		return 0
	case t.ReadLimit == 0:
		return defaultReadLimit
	}
	return t.ReadLimit
}

func (t *Transport) report(ctx context.Context, err error, read bool) {
	if t.OnError != nil {
		t.OnError(ctx, &Error{Err: err, Read: read})
	}
}

// SameOriginOrAllowed returns a CheckOrigin that accepts requests without an Origin header (non-browser
// clients), origins whose host equals the request's Host, and the listed origins ("https://app.example",
// compared on scheme and host, case-insensitively). Anything else, including "null", is refused.
func SameOriginOrAllowed(allowed []string) func(*http.Request) bool {
	set := make(map[string]bool, len(allowed))
	for _, origin := range allowed {
		if key := originKey(origin); key != "" {
			set[key] = true
		}
	}

	return func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return true
		}
		u, err := url.Parse(origin)
		if err != nil || u.Host == "" {
			return false
		}
		if strings.EqualFold(u.Host, r.Host) {
			return true
		}
		return set[strings.ToLower(u.Scheme+"://"+u.Host)]
	}
}

// originKey normalises an origin to "scheme://host" so a configured "https://App.example/" matches what
// browsers send; "" means the origin cannot match anything.
func originKey(origin string) string {
	u, err := url.Parse(strings.TrimSpace(origin))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
