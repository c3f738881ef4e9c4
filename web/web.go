// Package web is the server-rendered front end: a transport like graph/. Its
// handlers decode a form or a URL, call the same domain services as the API,
// and render HTML with templ. No permission, visibility or rule is decided
// here; the services decide, so the pages and the API cannot disagree.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/infopages"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/programme"
	"github.com/otwarty/otwarty/internal/ratelimit"
)

// Services are the domain services the pages call.
type Services struct {
	Identity      *identity.Service
	Consultations *consultation.Service
	Orgs          *org.Service
	Notify        *notify.Service
	Dialogue      *dialogue.Service
	Motions       *dialogue.Motions
	Minutes       *dialogue.Minutes
	Ambassador    *ambassador.Service
	Budget        *budget.Service
	Authz         *authz.Authorizer
	// Programme is the programme's results declaration.
	Programme *programme.Service
	// Live makes pages live; nil leaves them to reload.
	Live Live
	// Pool reads the versions of localised texts (i18n.Load), as graph's
	// loaders do; visibility was decided by the service that returned the
	// object owning the text.
	Pool *pgxpool.Pool
	// Information pages.
	InfoPages *infopages.Service
	// The events calendar.
	Events *events.Service
}

// RateLimits are the buckets of the anonymous forms. serve passes the API's
// limiters, so a form and a mutation draw on the same bucket.
type RateLimits struct {
	SignInIP, SignInEmail, SignUpIP, AnonIP *ratelimit.Limiter
}

// Config is the front end's configuration.
type Config struct {
	// PublicURL (OTWARTY_PUBLIC_URL): cookies are Secure when it is https.
	PublicURL      string
	TrustedProxies []netip.Prefix
	// SessionTTL is the sessions' lifetime (OTWARTY_SESSION_TTL), and so the
	// session cookie's; zero: 30 days.
	SessionTTL time.Duration
	RateLimits RateLimits
	Log        *slog.Logger
	// Now is the clock of what the pages compute themselves (a report
	// overdue); zero: time.Now.
	Now func() time.Time
}

// Handler serves the pages, the static files and /graphiql.
type Handler struct {
	svc    Services
	cfg    Config
	secure bool
	mux    *http.ServeMux
	h      http.Handler
}

// New returns the front end. Mount it at "/" after the API's own paths.
func New(svc Services, cfg Config) *Handler {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	u, _ := url.Parse(cfg.PublicURL)
	h := &Handler{svc: svc, cfg: cfg, secure: u != nil && u.Scheme == "https", mux: http.NewServeMux()}
	h.routes()
	// Cross-origin unsafe requests are refused by the browser's own
	// Sec-Fetch-Site/Origin headers before our CSRF token is even read.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, http.StatusForbidden, "web.error.csrf")
	}))
	h.h = securityHeaders(cop.Handler(h.withRequest(h.mux)))
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.h.ServeHTTP(w, r) }

func (h *Handler) routes() {
	m := h.mux
	m.Handle("GET "+staticPrefix, http.HandlerFunc(serveStatic))
	m.HandleFunc("GET /graphiql", h.graphiql)
	m.HandleFunc("GET /{$}", h.home)
	m.HandleFunc("GET "+PathSignUp, h.signUpForm)
	m.HandleFunc("POST "+PathSignUp, h.signUp)
	m.HandleFunc("GET "+PathSignIn, h.signInForm)
	m.HandleFunc("POST "+PathSignIn, h.signIn)
	m.HandleFunc("POST "+PathSignOut, h.signOut)
	m.HandleFunc("GET "+identity.PathConfirmEmail, h.confirmEmailForm)
	m.HandleFunc("POST "+identity.PathConfirmEmail, h.confirmEmail)
	m.HandleFunc("GET "+identity.PathResetPassword, h.resetPasswordForm)
	m.HandleFunc("POST "+identity.PathResetPassword, h.resetPassword)
	m.HandleFunc("GET "+PathProfile, h.profileForm)
	m.HandleFunc("POST "+PathProfile, h.profile)
	m.HandleFunc("POST "+PathResendConfirmation, h.resendConfirmation)
	h.consultationRoutes(m)
	h.consultationStaffRoutes(m)
	h.consultationThreadRoutes(m)
	h.consultationDraftRoutes(m)
	h.ambassadorRoutes(m)
	h.ambassadorStaffRoutes(m)
	h.dialogueRoutes(m)
	h.accountDataRoutes(m)
	h.budgetRoutes(m)
	h.budgetStaffRoutes(m)
	h.programmeRoutes(m)
	h.infoRoutes(m)
	h.infoStaffRoutes(m)
	h.eventsRoutes(m)
	h.eventEditRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
	})
}

// Paths of the pages (the e-mail links' paths are identity's).
const (
	PathSignUp             = "/sign-up"
	PathSignIn             = "/sign-in"
	PathSignOut            = "/sign-out"
	PathProfile            = "/profile"
	PathResendConfirmation = "/confirm-email/resend"
)

// securityHeaders sets the headers every response carries. Scripts and
// styles come only from our origin: no inline script, no inline style
// attribute, nothing from a third party.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		next.ServeHTTP(w, r)
	})
}

// request is what a page knows about its request: the caller, the page's
// language, the CSRF token of its forms.
type request struct {
	Locale  i18n.Locale
	Account *identity.Account
	Session *identity.Session
	CSRF    string
	Path    string // the path with its query, without lang
	Meta    identity.ClientMeta
}

type requestKey struct{}

func reqFrom(ctx context.Context) *request {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r
	}
	return &request{Locale: i18n.Default}
}

// withRequest authenticates the session cookie, picks the language, prepares
// the CSRF token and checks it on every unsafe method.
func (h *Handler) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, staticPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := authz.WithAuthorizer(r.Context(), h.svc.Authz)
		rq := &request{Meta: identity.ClientMeta{UserAgent: r.UserAgent(), IP: ratelimit.ClientIP(r, h.cfg.TrustedProxies)}}
		if c, err := r.Cookie(cookieSession); err == nil && c.Value != "" {
			acc, sess, err := h.svc.Identity.Authenticate(ctx, c.Value)
			switch {
			case err == nil:
				rq.Account, rq.Session = &acc, &sess
				ctx = authz.WithSubject(ctx, identity.Subject(acc, sess.ID))
				rq.CSRF = csrfToken(c.Value)
			default:
				h.clearCookie(w, cookieSession) // expired or revoked: an anonymous visitor again
			}
		}
		if rq.Account == nil {
			rq.CSRF = csrfToken(h.anonSecret(w, r))
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := r.ParseForm(); err != nil || !csrfEqual(r.PostFormValue(fieldCSRF), rq.CSRF) {
				rq.Locale = h.locale(r, rq)
				h.fail(w, r.WithContext(context.WithValue(ctx, requestKey{}, rq)), http.StatusForbidden, "web.error.csrf")
				return
			}
		}
		// A calendar file's ?lang= is its language, not a switch of the
		// site's: calendar apps follow no redirect with cookies.
		if l, ok := i18n.ParseLocale(r.URL.Query().Get("lang")); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
			!strings.HasSuffix(r.URL.Path, ".ics") {
			h.switchLocale(w, r.WithContext(ctx), rq, l)
			return
		}
		rq.Locale = h.locale(r, rq)
		rq.Path = r.URL.RequestURI()
		ctx = i18n.WithLocale(ctx, rq.Locale)
		ctx = context.WithValue(ctx, requestKey{}, rq)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
