package graph

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/otwarty/otwarty/graph/generated"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/gqlws"
)

// Limits protect the server from expensive or hostile operations.
type Limits struct {
	Complexity    int   // summed field cost, lists priced by `first`
	Depth         int   // nesting of fields
	Fields        int   // fields after inlining fragments
	ParserTokens  int   // tokens in one document
	PayloadBytes  int64 // HTTP body and WebSocket message size
	Introspection bool
}

// DefaultLimits suit the public API.
func DefaultLimits() Limits {
	return Limits{Complexity: 5000, Depth: 12, Fields: 2000, ParserTokens: 15000, PayloadBytes: 1 << 20,
		Introspection: true}
}

// ServerConfig configures the GraphQL handler.
type ServerConfig struct {
	Limits         Limits
	Live           LiveLimits
	AllowedOrigins []string
	PingInterval   time.Duration // WebSocket keep-alive pings; 15 s when zero
	Logger         *slog.Logger
	// Lifetime, when set, closes every WebSocket (1001) when it ends: a
	// socket outlives the request that opened it, so server shutdown must.
	Lifetime context.Context
	// RequestTimeout, when positive, bounds the work of each query and
	// mutation whatever its transport: over WebSocket from its start, in an
	// upload once the body has arrived (a slow upload is the server's read
	// timeout's business). Subscriptions live on. Plain HTTP requests are
	// bounded by the caller's handler as a whole (cmd/otwarty).
	RequestTimeout time.Duration
}

// NewHandler builds the /query handler: GraphQL over HTTP (GET, POST,
// OPTIONS) and over WebSocket (graphql-transport-ws, gorilla).
func NewHandler(r *Resolver, cfg ServerConfig) http.Handler {
	log := cfg.Logger
	ec := generated.Config{Resolvers: r}
	setComplexity(&ec.Complexity)
	srv := handler.New(generated.NewExecutableSchema(ec))

	ping := cfg.PingInterval
	if ping == 0 {
		ping = 15 * time.Second
	}
	r.live = newLiveLayer(r, cfg.Live)
	srv.AddTransport(&gqlws.Transport{
		CheckOrigin:  gqlws.SameOriginOrAllowed(cfg.AllowedOrigins),
		ReadLimit:    cfg.Limits.PayloadBytes,
		PingInterval: ping,
		Lifetime:     cfg.Lifetime,
		Guard: gqlws.Guard{
			MaxOperations:      cfg.Live.SubscriptionsPerSocket,
			SubscribePerSecond: cfg.Live.SubscribePerSecond,
			SubscribeBurst:     cfg.Live.SubscribeBurst,
			InitTimeout:        cfg.Live.InitTimeout,
			Refused:            refuse,
		},
		OnOpen:   r.live.opened,
		InitFunc: r.wsInit,
		OnClose:  r.live.closed,
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	// Uploads (GraphQL multipart requests), sized by the attachment limits.
	if r.Attachments != nil {
		srv.AddTransport(uploadTransport(r.Attachments.Limits(), cfg.Limits.PayloadBytes))
	}

	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.Limits.ParserTokens)
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(recoverPanic(log))
	if cfg.Limits.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(ShapeLimit{MaxDepth: cfg.Limits.Depth, MaxFields: cfg.Limits.Fields})
	srv.Use(extension.FixedComplexityLimit(cfg.Limits.Complexity))
	srv.AroundRootFields(r.limitWrites)
	if d := cfg.RequestTimeout; d > 0 {
		srv.AroundOperations(operationDeadline(d))
	}
	// Dataloaders per response: per operation over HTTP and per event for a
	// subscription, never per connection.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(withLoaders(ctx, r))
	})

	h := limitBody(r.authenticate(checkText(srv)), cfg.Limits.PayloadBytes)
	if r.Attachments != nil {
		h = uploadsAllowed(h, limitBody(readUpload(cfg.RequestTimeout, r.authenticate(checkText(srv))),
			r.Attachments.Limits().MaxBytes+cfg.Limits.PayloadBytes))
	}
	return h
}

// limitBody refuses bodies over limit with 413 and caps the rest. A JSON
// body is read here whole, so that one sent without a length (chunked) and
// found too large is refused alike; multipart bodies (uploads) are streamed,
// capped by http.MaxBytesReader.
func limitBody(next http.Handler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.ContentLength > limit {
			tooLarge(w, req, limit)
			return
		}
		if req.Method == http.MethodPost && jsonBody(req) && !websocketUpgrade(req) {
			data, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
			switch {
			case err != nil:
				// Cut off: the transport answers it as a body it could not read.
				req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), failing{err}))
			case int64(len(data)) > limit:
				tooLarge(w, req, limit)
				return
			default:
				req.Body = &readBody{Reader: bytes.NewReader(data), data: data}
			}
		} else {
			req.Body = http.MaxBytesReader(w, req.Body, limit)
		}
		if !websocketUpgrade(req) {
			w = &legacyStatus{ResponseWriter: w}
		}
		next.ServeHTTP(w, req)
	})
}

// readBody is a JSON body limitBody has read whole: checkText checks its
// bytes without reading and copying them again.
type readBody struct {
	*bytes.Reader
	data []byte
}

func (*readBody) Close() error { return nil }

// Bounds on the reading of a body that is refused as too large.
const (
	discardFactor = 4
	discardTime   = 10 * time.Second
)

// tooLarge answers 413 in a way a client still sending can read: a client
// such as Python's urllib writes its whole body before it reads anything, and
// a server that closes with the body unread makes its kernel answer with a
// reset, which the client reports instead of the answer. So the rest of the
// body is read and dropped first — at most discardFactor times the limit,
// for at most discardTime — and the connection is closed after the answer. A
// client that sent "Expect: 100-continue" waits for the answer before it
// sends the body, so it is answered at once.
func tooLarge(w http.ResponseWriter, req *http.Request, limit int64) {
	if !strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(discardTime))
		_, _ = io.CopyN(io.Discard, req.Body, discardFactor*limit)
	}
	w.Header().Set("Connection", "close")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_, _ = w.Write([]byte(`{"errors":[{"message":"request body too large","extensions":{"code":"INVALID_INPUT"}}]}`))
}

// legacyStatus answers request errors with 200 when the response is
// application/json, as the GraphQL-over-HTTP spec asks of that legacy media
// type (gqlgen sends 422); application/graphql-response+json keeps its 4xx.
// WebSocket upgrades are not wrapped: they need the Hijacker.
type legacyStatus struct{ http.ResponseWriter }

func (w *legacyStatus) WriteHeader(code int) {
	if code == http.StatusUnprocessableEntity && strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		code = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *legacyStatus) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// limitWrites applies rate limits to mutations: per account when signed in,
// per client IP on the anonymous paths (sign-in, sign-up, resets).
func (r *Resolver) limitWrites(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return next(ctx)
	}
	field := graphql.GetRootFieldContext(ctx).Field.Name
	if !r.RateLimits.allow(ctx, field) {
		graphql.AddError(ctx, apperr.ErrRateLimited)
		return graphql.Null
	}
	return next(ctx)
}

// requireSignedIn is the first check of every non-anonymous mutation.
func requireSignedIn(ctx context.Context) (authz.Subject, error) {
	s := authz.SubjectFrom(ctx)
	if s.Anonymous() {
		return s, apperr.ErrUnauthenticated
	}
	return s, nil
}

var errNoSession = errors.New("no session")

// LiveLimits bound what one client may hold open on the WebSocket
// transport; zero means no limit.
type LiveLimits struct {
	SubscriptionsPerSocket int           // operations at once on one socket
	SocketsPerIP           int           // anonymous sockets per client IP
	SocketsPerAccount      int           // signed-in sockets per account
	SubscribePerSecond     float64       // subscribe messages per second per socket...
	SubscribeBurst         int           // ...with this burst
	InitTimeout            time.Duration // time to send connection_init
}

// DefaultLiveLimits suit the public API: a dashboard needs a handful of
// subscriptions, a household behind one address a few dozen sockets.
func DefaultLiveLimits() LiveLimits {
	return LiveLimits{SubscriptionsPerSocket: 50, SocketsPerIP: 50, SocketsPerAccount: 20,
		SubscribePerSecond: 10, SubscribeBurst: 50, InitTimeout: 5 * time.Second}
}
