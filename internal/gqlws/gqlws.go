// Package gqlws runs gqlgen's WebSocket transport over github.com/gorilla/websocket.
//
// gqlgen ≥ 0.17.92 ships only a coder/websocket adapter; this one keeps the project on gorilla and
// implements every optional hook gqlgen looks for (read limit, read deadline), because without them
// Websocket.PayloadReadLimit and Websocket.PingPongInterval silently do nothing.
package gqlws

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	// buffers of the HTTP server. They do not limit message size (Websocket.PayloadReadLimit does).
	ReadBufferSize  int
	WriteBufferSize int

	// WriteTimeout bounds each message written to the client; zero means 10 seconds. gqlgen holds its
	// connection lock while writing, so an unbounded write to a client that stopped reading would
	// also block the connection's close and its subscriptions forever.
	WriteTimeout time.Duration
}

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
	return &conn{ws: ws, writeTimeout: writeTimeout}, nil
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

	// writeMu serialises data writes: gorilla allows one concurrent writer, and the WebsocketConn
	// contract does not promise that gqlgen always holds its own lock around WriteJSON.
	writeMu sync.Mutex
}

var (
	_ transport.WebsocketConn          = (*conn)(nil)
	_ transport.WebsocketReadLimiter   = (*conn)(nil)
	_ transport.WebsocketReadDeadliner = (*conn)(nil)
)

// NextReader returns the next data message. A close from the peer with 1000, 1001 or no status
// wraps transport.ErrWebsocketClosed, so gqlgen ends the connection without reporting an error.
func (c *conn) NextReader() (int, io.Reader, error) {
	messageType, r, err := c.ws.NextReader()
	if websocket.IsCloseError(err,
		websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
		return messageType, nil, fmt.Errorf("%w: %w", transport.ErrWebsocketClosed, err)
	}
	return messageType, r, err
}

// WriteJSON writes v as one text message.
func (c *conn) WriteJSON(v any) error {
	// Marshal before touching the connection, so an encoding error cannot leave a partial message.
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}

	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// WriteClose sends a close frame with code and message, the message cut to the 123 bytes a close
// frame can carry. It does not close the connection; gqlgen calls Close next.
func (c *conn) WriteClose(closeCode int, message string) error {
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
