// Package gqlws runs gqlgen's WebSocket transport over github.com/gorilla/websocket.
//
// gqlgen ≥ 0.17.92 ships only a coder/websocket adapter; this one keeps the project on gorilla and
// implements every optional hook gqlgen looks for (read limit, read deadline), because without them
// Websocket.PayloadReadLimit and Websocket.PingPongInterval silently do nothing.
package gqlws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
)

// defaultWriteTimeout bounds a write when Implementation.WriteTimeout is zero.
const defaultWriteTimeout = 10 * time.Second

// maxCloseReason is the longest close reason a close frame can carry: a control frame payload is at
// most 125 bytes, two of which hold the code.
const maxCloseReason = 123

// Implementation accepts gqlgen WebSocket connections with gorilla. Its zero value is usable:
// same-origin check, gorilla's default buffers, 10 s write timeout.
type Implementation struct {
	// CheckOrigin decides whether the upgrade request's Origin is allowed; a refused request gets
	// HTTP 403. Nil uses gorilla's default: no Origin header or an Origin whose host equals the
	// request's Host.
	CheckOrigin func(r *http.Request) bool

	// ReadBufferSize and WriteBufferSize are gorilla's I/O buffer sizes in bytes; zero reuses the
	// HTTP server's read buffer (4 KB) and a 4 KB write buffer. Write buffers come from a pool
	// and are held only while writing. They do not limit message size
	// (Websocket.PayloadReadLimit does).
	ReadBufferSize  int
	WriteBufferSize int

	// WriteTimeout bounds each message written to the client; zero means 10 seconds. gqlgen holds its
	// connection lock while writing, so an unbounded write to a client that stopped reading would
	// also block the connection's close and its subscriptions forever.
	WriteTimeout time.Duration

	// Guard enforces the graphql-transport-ws rules that gqlgen leaves out, and limits.
	Guard Guard
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
	// with 4408. Leave gqlgen's own Websocket.InitTimeout at zero: it closes with 1002 instead.
	InitTimeout time.Duration
	// Refused is told the reason of every refusal (for metrics); nil ignores them.
	Refused func(reason string)
}

// Close codes of graphql-transport-ws (and ours in its 44xx range).
const (
	CloseBadRequest      = 4400 // a message that breaks the protocol
	CloseUnauthorized    = 4401 // subscribe before connection_init
	CloseForbidden       = 4403 // refused or revoked credentials
	CloseInitTimeout     = 4408 // no connection_init in time
	CloseDuplicateID     = 4409 // subscribe with an id already in use
	CloseTooManyRequests = 4429 // a second connection_init, a subscribe flood, too many connections
)

var _ transport.WebsocketImplementation = Implementation{}

// Accept upgrades the request, negotiating one of gqlgen's subprotocols and sending
// options.ResponseHeader with the 101 response.
func (i Implementation) Accept(
	w http.ResponseWriter,
	r *http.Request,
	options transport.WebsocketAcceptOptions,
) (transport.WebsocketConn, error) {
	upgrader := websocket.Upgrader{
		ReadBufferSize:  i.ReadBufferSize,
		WriteBufferSize: i.WriteBufferSize,
		// An idle connection holds no write buffer: with thousands of idle subscribers, that is
		// most of a connection's memory.
		WriteBufferPool: writeBuffers,
		Subprotocols:    options.Subprotocols,
		CheckOrigin:     i.CheckOrigin,
		// gqlgen writes its own error body after a failed Accept; writing only the status here keeps
		// gorilla's code (403 for a refused origin) without two bodies in one response.
		Error: func(w http.ResponseWriter, _ *http.Request, status int, _ error) {
			w.Header().Set("Sec-Websocket-Version", "13")
			w.WriteHeader(status)
		},
	}
	ws, err := upgrader.Upgrade(w, r, options.ResponseHeader)
	if err != nil {
		return nil, err
	}

	writeTimeout := i.WriteTimeout
	if writeTimeout <= 0 {
		writeTimeout = defaultWriteTimeout
	}
	c := &conn{ws: ws, writeTimeout: writeTimeout, guard: i.Guard, byID: map[string]*operation{}, byKey: map[string]*operation{}}
	if i.Guard.SubscribePerSecond > 0 {
		c.subscribes = rate.NewLimiter(rate.Limit(i.Guard.SubscribePerSecond), max(i.Guard.SubscribeBurst, 1))
	}
	if i.Guard.InitTimeout > 0 {
		if err := ws.SetReadDeadline(time.Now().Add(i.Guard.InitTimeout)); err != nil {
			_ = ws.Close()
			return nil, err
		}
	}
	return c, nil
}

// writeBuffers lends write buffers to connections while they write.
var writeBuffers = &sync.Pool{}

// Conn is the connection Accept returns, for callers that wrap it.
type Conn interface {
	transport.WebsocketConn
	// CloseWith sends a close frame with code and reason and closes the connection; gqlgen then
	// ends every operation on it. Safe to call from any goroutine, any number of times: the
	// first code wins.
	CloseWith(code int, reason string)
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

// conn adapts *websocket.Conn to transport.WebsocketConn and its optional interfaces.
type conn struct {
	ws           *websocket.Conn
	writeTimeout time.Duration
	guard        Guard
	subscribes   *rate.Limiter // nil: no limit

	// writeMu serialises data writes: gorilla allows one concurrent writer, and the WebsocketConn
	// contract does not promise that gqlgen always holds its own lock around WriteJSON.
	writeMu sync.Mutex

	// closeSent makes the first close frame the only one: a code chosen here (4409, 4403, ...)
	// is not replaced by the 1000 or 1002 that gqlgen sends as it winds down.
	closeSent atomic.Bool

	// mu guards the protocol state that NextReader (gqlgen's read loop) and WriteJSON (any
	// operation's goroutine) share.
	mu     sync.Mutex
	inited bool
	seq    uint64
	// Operations are known to gqlgen by a key unique on the connection, not by the client's id:
	// gqlgen forgets an ended operation only after its last message is written, so a client that
	// completes an id and reuses it at once would otherwise have its new operation forgotten.
	byID   map[string]*operation // the client's ids of running operations it has not completed
	byKey  map[string]*operation // every operation gqlgen has not yet ended
	failed [8]string             // keys of operations that just sent an error (see suppress)
	nfail  int
}

// operation is one subscribe, from the client's message until gqlgen ends it.
type operation struct {
	id, key   string
	cancelled bool // the client sent complete: nothing more may be sent for it
}

var (
	_ Conn                             = (*conn)(nil)
	_ transport.WebsocketReadLimiter   = (*conn)(nil)
	_ transport.WebsocketReadDeadliner = (*conn)(nil)
)

// errRefused ends gqlgen's read loop after the guard closed the connection; it wraps
// ErrWebsocketClosed so gqlgen does not report it as an error.
var errRefused = fmt.Errorf("%w: refused by the protocol guard", transport.ErrWebsocketClosed)

// NextReader returns the next data message that passes the guard. A close from the peer with
// 1000, 1001 or no status wraps transport.ErrWebsocketClosed, so gqlgen ends the connection
// without reporting an error.
func (c *conn) NextReader() (int, io.Reader, error) {
	for {
		messageType, r, err := c.ws.NextReader()
		if err != nil {
			if c.awaitingInit() && isTimeout(err) {
				c.refuse(CloseInitTimeout, "Connection initialisation timeout", "init_timeout")
				return messageType, nil, errRefused
			}
			if websocket.IsCloseError(err,
				websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
				return messageType, nil, fmt.Errorf("%w: %w", transport.ErrWebsocketClosed, err)
			}
			return messageType, r, err
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return messageType, nil, err
		}
		data, pass, err := c.admit(data)
		if err != nil {
			return messageType, nil, err
		}
		if pass {
			return messageType, bytes.NewReader(data), nil
		}
	}
}

// admit applies the protocol's rules and the limits to one client message: pass reports whether
// gqlgen gets it (as out, with the operation's key for its id); an error means the connection
// was closed.
func (c *conn) admit(data []byte) (out []byte, pass bool, err error) {
	var head struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	// Decoded as gqlgen decodes (the first JSON value; trailing bytes ignored), so that nothing
	// gqlgen acts on escapes the guard.
	if json.NewDecoder(bytes.NewReader(data)).Decode(&head) != nil {
		return data, true, nil // gqlgen answers malformed messages itself
	}
	switch head.Type {
	case "connection_init":
		c.mu.Lock()
		again := c.inited
		c.inited = true
		c.mu.Unlock()
		if again {
			c.refuse(CloseTooManyRequests, "Too many initialisation requests", "init_repeated")
			return nil, false, errRefused
		}
		if c.guard.InitTimeout > 0 {
			_ = c.ws.SetReadDeadline(time.Time{})
		}
	case "subscribe":
		key, pass, err := c.admitSubscribe(head.ID)
		if !pass || err != nil {
			return nil, pass, err
		}
		return withID(data, key)
	case "complete":
		c.mu.Lock()
		op := c.byID[head.ID]
		if op != nil {
			op.cancelled = true
			delete(c.byID, head.ID)
		}
		c.mu.Unlock()
		if op != nil {
			return withID(data, op.key)
		}
	}
	return data, true, nil
}

// withID returns message data with its id replaced by id.
func withID(data []byte, id string) ([]byte, bool, error) {
	var m map[string]json.RawMessage
	if json.NewDecoder(bytes.NewReader(data)).Decode(&m) != nil {
		return data, true, nil
	}
	raw, err := json.Marshal(id)
	if err != nil {
		return nil, false, err
	}
	m["id"] = raw
	out, err := json.Marshal(m)
	return out, err == nil, err
}

func (c *conn) admitSubscribe(id string) (key string, pass bool, err error) {
	if c.awaitingInit() {
		c.refuse(CloseUnauthorized, "Unauthorized", "subscribe_before_init")
		return "", false, errRefused
	}
	if id == "" {
		c.refuse(CloseBadRequest, "Invalid message: subscribe needs an id", "bad_message")
		return "", false, errRefused
	}
	if c.subscribes != nil && !c.subscribes.Allow() {
		c.refuse(CloseTooManyRequests, "Too many subscribe messages", "subscribe_rate")
		return "", false, errRefused
	}
	c.mu.Lock()
	if c.byID[id] != nil {
		c.mu.Unlock()
		c.refuse(CloseDuplicateID, "Subscriber for "+id+" already exists", "duplicate_id")
		return "", false, errRefused
	}
	if c.guard.MaxOperations > 0 && len(c.byID) >= c.guard.MaxOperations {
		c.mu.Unlock()
		c.refused("too_many_operations")
		return "", false, c.writeMessage(map[string]any{"id": id, "type": "error", "payload": []map[string]any{{
			"message":    fmt.Sprintf("too many operations on this connection (at most %d)", c.guard.MaxOperations),
			"extensions": map[string]any{"code": "RATE_LIMITED"},
		}}})
	}
	c.seq++
	op := &operation{id: id, key: strconv.FormatUint(c.seq, 10) + ":" + id}
	c.byID[id] = op
	c.byKey[op.key] = op
	c.mu.Unlock()
	return op.key, true, nil
}

func (c *conn) awaitingInit() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.inited
}

func (c *conn) refused(reason string) {
	if c.guard.Refused != nil {
		c.guard.Refused(reason)
	}
}

// refuse closes the connection with code for reason.
func (c *conn) refuse(code int, message, reason string) {
	c.refused(reason)
	c.CloseWith(code, message)
}

// CloseWith sends a close frame with code and message (unless one was sent already) and closes
// the network connection, which ends gqlgen's read loop and so every operation.
func (c *conn) CloseWith(code int, message string) {
	_ = c.WriteClose(code, message)
	_ = c.ws.Close()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// WriteJSON writes v as one text message with the client's id of its operation, unless it
// belongs to an operation the client has completed (the protocol sends nothing more for it, not
// even complete) or is a complete that gqlgen sends after an error (the error already ended the
// operation).
func (c *conn) WriteJSON(v any) error {
	if c.suppress(v) {
		return nil
	}
	// Marshal before touching the connection, so an encoding error cannot leave a partial message.
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.write(data)
}

// suppress keeps the operation table, gives v the client's id, and says whether v must not be
// sent.
func (c *conn) suppress(v any) bool {
	typ, key, setID := messageHead(v)
	if key == "" {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	op := c.byKey[key]
	if op == nil {
		// gqlgen follows some errors with a complete for the same operation.
		for i := range c.failed {
			if c.failed[i] == key && typ == "complete" {
				c.failed[i] = ""
				return true
			}
		}
		return false
	}
	setID(op.id)
	switch typ {
	case "error", "complete":
		delete(c.byKey, key)
		if c.byID[op.id] == op {
			delete(c.byID, op.id)
		}
		if typ == "error" {
			c.failed[c.nfail%len(c.failed)] = key
			c.nfail++
		}
	}
	return op.cancelled
}

func (c *conn) writeMessage(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.write(data)
}

func (c *conn) write(data []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// headFields caches, per message type gqlgen sends, the indexes of its Type and ID fields.
var headFields sync.Map // reflect.Type → [2]int (-1: absent)

// messageHead reads the type and id of a message gqlgen sends (a pointer to its unexported
// message struct) without encoding it, and returns a function that replaces its id.
func messageHead(v any) (typ, id string, setID func(string)) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return "", "", nil
	}
	rv = rv.Elem()
	idx, ok := headFields.Load(rv.Type())
	if !ok {
		at := [2]int{-1, -1}
		for i, name := range []string{"Type", "ID"} {
			if f, ok := rv.Type().FieldByName(name); ok && len(f.Index) == 1 && f.Type.Kind() == reflect.String {
				at[i] = f.Index[0]
			}
		}
		idx, _ = headFields.LoadOrStore(rv.Type(), at)
	}
	at := idx.([2]int)
	if at[0] >= 0 {
		typ = rv.Field(at[0]).String()
	}
	if at[1] < 0 {
		return typ, "", nil
	}
	field := rv.Field(at[1])
	return typ, field.String(), field.SetString
}

// WriteClose sends a close frame with code and message, the message cut to the 123 bytes a close
// frame can carry. Only the first close frame is sent. It does not close the connection; gqlgen
// calls Close next.
func (c *conn) WriteClose(closeCode int, message string) error {
	if !c.closeSent.CompareAndSwap(false, true) {
		return nil
	}
	// gorilla refuses an over-long control frame outright, which would lose the code as well.
	if len(message) > maxCloseReason {
		message = message[:maxCloseReason]
		for !utf8.ValidString(message) {
			message = message[:len(message)-1]
		}
	}
	// WriteControl is safe alongside a data write and gives up at the deadline, so a stalled
	// WriteJSON cannot hold the close frame back.
	return c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(closeCode, message), time.Now().Add(c.writeTimeout))
}

// Close closes the network connection without a close handshake.
func (c *conn) Close() error {
	return c.ws.Close()
}

// Subprotocol returns the negotiated subprotocol.
func (c *conn) Subprotocol() string {
	return c.ws.Subprotocol()
}

// SetReadLimit makes a larger message fail the read; gorilla closes with 1009 (message too big).
func (c *conn) SetReadLimit(limit int64) {
	c.ws.SetReadLimit(limit)
}

// SetReadDeadline makes a blocked read fail at t, which is how gqlgen drops a client that stops
// answering pings. A zero t clears the deadline.
func (c *conn) SetReadDeadline(t time.Time) error {
	return c.ws.SetReadDeadline(t)
}
