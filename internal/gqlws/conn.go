package gqlws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unique"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	"github.com/otwarty/otwarty/internal/jsonutf8"
)

// Messages without an id, written as they are.
var (
	ackMessage  = []byte(`{"type":"connection_ack"}`)
	pingMessage = []byte(`{"type":"ping"}`)
	pongMessage = []byte(`{"type":"pong"}`)
)

// conn is one connection: its reader goroutine (serve) owns the protocol state; operations and
// timers write through write.
type conn struct {
	t          *Transport
	ws         *websocket.Conn
	exec       graphql.GraphExecutor
	subscribes *rate.Limiter // nil: no limit

	// ctx carries the upgrade request's values and, after connection_init, InitFunc's; cancel
	// ends it and every operation with it. Only the reader sets ctx, before starting operations.
	ctx    context.Context
	cancel context.CancelFunc
	inited bool // reader only

	stopLifetime func() bool

	// writeMu serialises data messages: gorilla allows one writer at a time.
	writeMu sync.Mutex

	// closeSent makes the first close frame the only one, and closeCode is its code. closedByUs
	// says the connection was closed on purpose (a refusal, CloseWith, a failed write), so that
	// the read error that follows is not reported.
	closeSent  atomic.Bool
	closeCode  atomic.Int32
	closedByUs atomic.Bool

	// mu guards the operations and the ping timer.
	mu     sync.Mutex
	ops    opTable // running operations the client has not completed
	pinger *time.Timer
	ended  bool
}

func newConn(t *Transport, ws *websocket.Conn, exec graphql.GraphExecutor, reqCtx context.Context) *conn {
	// net/http cancels the request's context when the handler returns, which is at once.
	ctx, cancel := context.WithCancel(context.WithoutCancel(reqCtx))
	c := &conn{t: t, ws: ws, exec: exec, ctx: ctx, cancel: cancel}
	if t.Guard.SubscribePerSecond > 0 {
		c.subscribes = rate.NewLimiter(rate.Limit(t.Guard.SubscribePerSecond), max(t.Guard.SubscribeBurst, 1))
	}
	ws.SetReadLimit(t.readLimit())
	ws.SetCloseHandler(c.peerClosed)
	if t.Guard.InitTimeout > 0 {
		_ = ws.SetReadDeadline(time.Now().Add(t.Guard.InitTimeout))
	}
	return c
}

// serve reads the connection's messages until it ends.
func (c *conn) serve() {
	if c.t.Lifetime != nil {
		c.stopLifetime = context.AfterFunc(c.t.Lifetime, func() {
			c.CloseWith(websocket.CloseGoingAway, "Server shutting down")
		})
	}
	if c.t.OnOpen != nil {
		c.t.OnOpen(c.ctx, c)
	}
	if c.ws.Subprotocol() != Subprotocol {
		c.CloseWith(CloseNotAcceptable, "Subprotocol not acceptable")
	}
	for c.read() {
	}
	c.end()
}

// read reads and handles one message; false ends the connection.
func (c *conn) read() bool {
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.readFailed(err)
		return false
	}
	if c.inited && c.t.PingInterval > 0 {
		// Any message shows the client is there; pongs arrive at least once an interval.
		_ = c.ws.SetReadDeadline(time.Now().Add(2 * c.t.PingInterval))
	}
	return c.handle(data)
}

func (c *conn) readFailed(err error) {
	var closeErr *websocket.CloseError
	switch {
	case !c.inited && c.t.Guard.InitTimeout > 0 && isTimeout(err):
		c.refuse(CloseInitTimeout, "Connection initialisation timeout", "init_timeout")
	case c.closedByUs.Load():
		// The read ended because this side closed the connection.
	case errors.As(err, &closeErr):
		switch closeErr.Code {
		case websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived:
		default:
			c.t.report(c.ctx, err, true)
		}
	case errors.Is(err, websocket.ErrReadLimit):
		c.t.report(c.ctx, err, true)
		// gorilla has sent 1009 itself.
		if c.closeSent.CompareAndSwap(false, true) {
			c.closeCode.Store(websocket.CloseMessageTooBig)
		}
	default:
		c.t.report(c.ctx, err, true)
	}
}

// end winds the connection down once its reader has stopped.
func (c *conn) end() {
	c.sendClose(websocket.CloseNormalClosure, "terminated")
	_ = c.ws.Close()
	c.mu.Lock()
	c.ended = true
	if c.pinger != nil {
		c.pinger.Stop()
	}
	ops := c.ops.all()
	c.mu.Unlock()
	// InitFunc's context need not descend from the connection's: end each operation too.
	for _, op := range ops {
		op.cancel()
	}
	c.cancel()
	if c.stopLifetime != nil {
		c.stopLifetime()
	}
	if c.t.OnClose != nil {
		c.t.OnClose(c.ctx, int(c.closeCode.Load()))
	}
}

// message is a client message; Payload stays raw until its type is known.
type message struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// handle applies the protocol to one client message; false ends the connection.
func (c *conn) handle(data []byte) bool {
	var m message
	// Only the first JSON value counts; trailing bytes are ignored.
	if json.NewDecoder(bytes.NewReader(data)).Decode(&m) != nil {
		c.refuse(CloseBadRequest, "Invalid message received", "bad_message")
		return false
	}
	switch m.Type {
	case "connection_init":
		return c.init(m.Payload)
	case "subscribe":
		return c.subscribe(m.ID, m.Payload)
	case "complete":
		c.complete(m.ID)
		return true
	case "ping":
		if len(m.Payload) == 0 {
			return c.write(nil, pongMessage)
		}
		return c.write(nil, []byte(`{"type":"pong","payload":`), m.Payload, []byte(`}`))
	case "pong":
		return true
	}
	c.refuse(CloseBadRequest, "Invalid message received", "bad_message")
	return false
}

func (c *conn) init(payload json.RawMessage) bool {
	if c.inited {
		c.refuse(CloseTooManyRequests, "Too many initialisation requests", "init_repeated")
		return false
	}
	c.inited = true
	var p InitPayload
	if len(payload) > 0 && json.Unmarshal(payload, &p) != nil {
		c.refuse(CloseBadRequest, "Invalid message received", "bad_message")
		return false
	}
	if c.t.InitFunc != nil {
		ctx, err := c.t.InitFunc(c.ctx, p)
		if err != nil {
			code, reason := CloseForbidden, "Forbidden"
			var ce *CloseError
			if errors.As(err, &ce) {
				code, reason = ce.Code, ce.Reason
				if reason == "" {
					reason = "terminated"
				}
			}
			c.CloseWith(code, reason)
			return false
		}
		c.ctx = ctx
	}
	if !c.write(nil, ackMessage) {
		return false
	}
	switch {
	case c.t.PingInterval > 0:
		_ = c.ws.SetReadDeadline(time.Now().Add(2 * c.t.PingInterval))
		c.mu.Lock()
		c.pinger = time.AfterFunc(c.t.PingInterval, c.ping)
		c.mu.Unlock()
	case c.t.Guard.InitTimeout > 0:
		_ = c.ws.SetReadDeadline(time.Time{})
	}
	return true
}

// ping runs on the ping timer.
func (c *conn) ping() {
	if !c.write(nil, pingMessage) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ended {
		c.pinger.Reset(c.t.PingInterval)
	}
}

func (c *conn) subscribe(id string, payload json.RawMessage) bool {
	if !c.inited {
		c.refuse(CloseUnauthorized, "Unauthorized", "subscribe_before_init")
		return false
	}
	if id == "" {
		c.refuse(CloseBadRequest, "Invalid message: subscribe needs an id", "bad_message")
		return false
	}
	if c.subscribes != nil && !c.subscribes.Allow() {
		c.refuse(CloseTooManyRequests, "Too many subscribe messages", "subscribe_rate")
		return false
	}
	c.mu.Lock()
	if c.ops.get(id) != nil {
		c.mu.Unlock()
		c.refuse(CloseDuplicateID, "Subscriber for "+id+" already exists", "duplicate_id")
		return false
	}
	if max := c.t.Guard.MaxOperations; max > 0 && c.ops.len() >= max {
		c.mu.Unlock()
		c.refused("too_many_operations")
		op := &operation{c: c, id: id}
		return op.writeErrors(gqlerror.List{{
			Message:    fmt.Sprintf("too many operations on this connection (at most %d)", max),
			Extensions: map[string]any{"code": "RATE_LIMITED"},
		}})
	}
	op := newOperation(c, id)
	c.ops.add(op)
	c.mu.Unlock()

	// As over HTTP: text that is not Unicode is refused, not decoded into U+FFFD.
	if jsonutf8.Check(payload) != nil {
		op.finish(&gqlerror.Error{Message: "the payload contains text that is not valid Unicode (UTF-8)",
			Extensions: map[string]any{"code": "INVALID_INPUT"}})
		return true
	}
	start := graphql.Now()
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber() // as gqlgen decodes variables everywhere
	if dec.Decode(params) != nil {
		op.finish(&gqlerror.Error{Message: "invalid json"})
		return true
	}
	// Thousands of subscribers send the same few documents, which each operation keeps: one copy
	// of each is enough.
	params.Query = unique.Make(params.Query).Value()
	params.OperationName = unique.Make(params.OperationName).Value()
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	op.params = params
	// Started by the worker pool, like deliveries: a burst of subscribes from many clients then
	// resolves a bounded number at a time and leaves a queue, not a goroutine each.
	op.queued.Store(true)
	c.t.pool.push(op)
	return true
}

// complete is the client's complete: the operation ends, and nothing more is sent for it.
func (c *conn) complete(id string) {
	c.mu.Lock()
	op := c.ops.get(id)
	if op != nil {
		c.ops.remove(op)
	}
	c.mu.Unlock()
	if op != nil {
		op.completed.Store(true)
		op.cancel()
	}
}

// forget removes op from the running operations, unless the client completed it (and perhaps
// reused its id) already.
func (c *conn) forget(op *operation) {
	c.mu.Lock()
	c.ops.remove(op)
	c.mu.Unlock()
}

func (c *conn) refused(reason string) {
	if c.t.Guard.Refused != nil {
		c.t.Guard.Refused(reason)
	}
}

// refuse closes the connection with code for reason.
func (c *conn) refuse(code int, message, reason string) {
	c.refused(reason)
	c.CloseWith(code, message)
}

// CloseWith sends a close frame with code and message (unless one was sent already) and closes
// the network connection, which ends the reader and so every operation.
func (c *conn) CloseWith(code int, message string) {
	c.closedByUs.Store(true)
	c.sendClose(code, message)
	_ = c.ws.Close()
}

// peerClosed answers the client's close frame with its code, as gorilla would, unless a close
// frame was sent already.
func (c *conn) peerClosed(code int, _ string) error {
	c.sendClose(code, "")
	return nil
}

// sendClose sends a close frame with code and message, the message cut to the 123 bytes a close
// frame can carry. Only the first close frame is sent.
func (c *conn) sendClose(code int, message string) {
	if !c.closeSent.CompareAndSwap(false, true) {
		return
	}
	c.closeCode.Store(int32(code))
	// gorilla refuses an over-long control frame outright, which would lose the code as well.
	if len(message) > maxCloseReason {
		message = message[:maxCloseReason]
		for !utf8.ValidString(message) {
			message = message[:len(message)-1]
		}
	}
	// WriteControl is safe alongside a data write and gives up at the deadline, so a stalled
	// write cannot hold the close frame back for long.
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, message),
		time.Now().Add(c.t.writeTimeout()))
}

// write sends the concatenated parts as one text message, unless op (when not nil) was completed
// by the client: the protocol sends nothing more for it. It reports false when the connection is
// closing or the write failed (which closes it).
func (c *conn) write(op *operation, parts ...[]byte) bool {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if op != nil && op.completed.Load() {
		return true
	}
	if c.closeSent.Load() {
		return false
	}
	// Set for every message: gorilla's control frames (a pong, the close) set deadlines of their
	// own.
	err := c.ws.SetWriteDeadline(time.Now().Add(c.t.writeTimeout()))
	if err == nil {
		err = c.writeParts(parts)
	}
	if err != nil {
		if !c.closeSent.Load() && !c.closedByUs.Load() {
			c.t.report(c.ctx, err, false)
		}
		// gorilla refuses every write after a failed one: the connection is done.
		c.CloseWith(websocket.CloseNormalClosure, "terminated")
		return false
	}
	return true
}

func (c *conn) writeParts(parts [][]byte) error {
	w, err := c.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			_ = w.Close()
			return err
		}
	}
	return w.Close()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// opTable holds a connection's running operations by the client's id: a short list while they
// are few, as on most connections, a map beyond.
type opTable struct {
	list []*operation
	byID map[string]*operation // once there are more than listMax
}

const listMax = 16

func (t *opTable) len() int {
	if t.byID != nil {
		return len(t.byID)
	}
	return len(t.list)
}

func (t *opTable) get(id string) *operation {
	if t.byID != nil {
		return t.byID[id]
	}
	for _, op := range t.list {
		if op.id == id {
			return op
		}
	}
	return nil
}

// add adds op, whose id is not in the table.
func (t *opTable) add(op *operation) {
	if t.byID == nil && len(t.list) < listMax {
		t.list = append(t.list, op)
		return
	}
	if t.byID == nil {
		t.byID = make(map[string]*operation, 2*listMax)
		for _, o := range t.list {
			t.byID[o.id] = o
		}
		t.list = nil
	}
	t.byID[op.id] = op
}

// remove removes op itself (not another operation that reused its id).
func (t *opTable) remove(op *operation) {
	if t.byID != nil {
		if t.byID[op.id] == op {
			delete(t.byID, op.id)
		}
		return
	}
	for i, o := range t.list {
		if o == op {
			last := len(t.list) - 1
			t.list[i] = t.list[last]
			t.list[last] = nil
			t.list = t.list[:last]
			return
		}
	}
}

func (t *opTable) all() []*operation {
	if t.byID == nil {
		return append([]*operation(nil), t.list...)
	}
	out := make([]*operation, 0, len(t.byID))
	for _, op := range t.byID {
		out = append(out, op)
	}
	return out
}
