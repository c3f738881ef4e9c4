package graph

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/gqlws"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/ratelimit"
)

// RateLimits are the buckets of the write paths.
type RateLimits struct {
	SignInIP    *ratelimit.Limiter // anonymous sign-in, per client IP
	SignInEmail *ratelimit.Limiter // sign-in attempts per e-mail, from any IP
	SignUpIP    *ratelimit.Limiter // sign-up per IP (sign-up may reveal a taken e-mail)
	AnonIP      *ratelimit.Limiter // other anonymous mutations per IP
	Writes      *ratelimit.Limiter // every mutation of a signed-in account
}

func (l *RateLimits) allow(ctx context.Context, field string) bool {
	if l == nil {
		return true
	}
	sub := authz.SubjectFrom(ctx)
	if !sub.Anonymous() {
		return l.Writes.Allow(sub.AccountID.String())
	}
	ip := clientFrom(ctx).meta.IP
	switch field {
	case "signIn":
		return l.SignInIP.Allow(ip) && l.SignInEmail.Allow(strings.ToLower(strings.TrimSpace(inputString(ctx, "email"))))
	case "signUp":
		return l.SignUpIP.Allow(ip)
	default:
		return l.AnonIP.Allow(ip)
	}
}

// inputString reads input.<name> of the current root field, before the
// arguments are decoded (rate limits run first).
func inputString(ctx context.Context, name string) string {
	oc := graphql.GetOperationContext(ctx)
	args := graphql.GetRootFieldContext(ctx).Field.ArgumentMap(oc.Variables)
	in, _ := args["input"].(map[string]any)
	s, _ := in[name].(string)
	return s
}

// client is what the transport knows about the caller.
type client struct {
	meta    identity.ClientMeta
	account *identity.Account
	session *identity.Session
	token   string
	ws      *socket // the WebSocket, once upgraded
}

type clientKey struct{}

func clientFrom(ctx context.Context) *client {
	c, _ := ctx.Value(clientKey{}).(*client)
	if c == nil {
		return &client{}
	}
	return c
}

// authenticate reads the bearer token of HTTP requests.
func (r *Resolver) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := authz.WithAuthorizer(req.Context(), r.Authz)
		c := &client{meta: identity.ClientMeta{UserAgent: req.UserAgent(), IP: ratelimit.ClientIP(req, r.TrustedProxies)}}
		loc := i18n.PL
		if al := req.Header.Get("Accept-Language"); al != "" {
			if l, ok := i18n.Negotiate(al); ok {
				loc = l
			}
		}
		if token := bearer(req.Header.Get("Authorization")); token != "" {
			acc, sess, err := r.Identity.Authenticate(ctx, token)
			if err != nil {
				writeHTTPError(w, loc, err)
				return
			}
			c.account, c.session, c.token = &acc, &sess, token
			ctx = authz.WithSubject(ctx, subjectOf(acc, sess))
			loc = acc.Locale
		}
		ctx = context.WithValue(ctx, clientKey{}, c)
		ctx = i18n.WithLocale(ctx, loc)
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

func subjectOf(acc identity.Account, sess identity.Session) authz.Subject {
	return authz.Subject{AccountID: acc.ID, SessionID: sess.ID, Confirmed: acc.EmailConfirmed, Verified: acc.Verified}
}

func bearer(h string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

func websocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// writeHTTPError answers a request whose bearer token is not valid: 401 with
// a GraphQL-shaped error, so clients know to sign in again.
func writeHTTPError(w http.ResponseWriter, loc i18n.Locale, err error) {
	status := http.StatusUnauthorized
	code := apperr.CodeOf(err)
	key := "error.unauthenticated"
	if code != apperr.Unauthenticated {
		status, key, code = http.StatusInternalServerError, "error.internal", apperr.Internal
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message": i18n.T(loc, key, nil), "extensions": map[string]any{"code": code},
	}}})
}

// wsInit authenticates a WebSocket from its connection_init payload
// {"Authorization": "Bearer <token>"}. A bad token closes with 4403; over the
// per-account limit, 4429.
func (r *Resolver) wsInit(ctx context.Context, payload gqlws.InitPayload) (context.Context, error) {
	c := clientFrom(ctx)
	raw := payload.Authorization()
	if raw == "" {
		return ctx, nil // anonymous: public subscriptions only
	}
	token := bearer(raw)
	if token == "" {
		token = raw
	}
	acc, sess, err := r.Identity.Authenticate(ctx, token)
	if err != nil {
		refuse("bad_token")
		return ctx, &gqlws.CloseError{Code: gqlws.CloseForbidden, Reason: "Forbidden"}
	}
	if c.ws != nil {
		if code, reason, ok := r.live.signIn(c.ws, acc, sess); !ok {
			return ctx, &gqlws.CloseError{Code: code, Reason: reason}
		}
	}
	nc := *c
	nc.account, nc.session, nc.token = &acc, &sess, token
	ctx = context.WithValue(ctx, clientKey{}, &nc)
	ctx = authz.WithSubject(ctx, subjectOf(acc, sess))
	ctx = i18n.WithLocale(ctx, acc.Locale)
	return ctx, nil
}
