package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
)

// render writes a page with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		h.cfg.Log.Warn("web: render", "path", r.URL.Path, "err", err)
	}
}

// fail renders the error page with a catalog message.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, key string) {
	h.render(w, r, status, errorPage(tr(r.Context(), key)))
}

// failErr renders the error page for a service's error: the domain error's
// own message, or a generic one (logged) for anything else.
func (h *Handler) failErr(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.CodeOf(err)
	if code == apperr.Internal {
		h.cfg.Log.Error("web: request failed", "path", r.URL.Path, "err", err)
		h.fail(w, r, http.StatusInternalServerError, "web.error.internal")
		return
	}
	f := newForm()
	f.fail(r.Context(), err)
	h.render(w, r, statusOf(code), errorPage(f.Error))
}

func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// nextPath accepts only a path on this site (no scheme, no host, no "//").
func nextPath(s string) string {
	u, err := url.Parse(s)
	if err != nil || s == "" || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(s, "/") {
		return "/"
	}
	return localURL(u)
}

func (h *Handler) signUpForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, signUpPage(newForm("displayName", "email", "password")))
}

func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) {
	ctx, rq := r.Context(), reqFrom(r.Context())
	f := newForm("displayName", "email", "password").read(r)
	if rl := h.cfg.RateLimits.SignUpIP; rl != nil && !rl.Allow(rq.Meta.IP) {
		h.render(w, r, f.fail(ctx, apperr.ErrRateLimited), signUpPage(f))
		return
	}
	// The account's language is the one the page was in.
	_, token, err := h.svc.Identity.SignUp(ctx, identity.SignUpInput{
		Email: f.Values["email"], Password: f.Values["password"], DisplayName: f.Values["displayName"], Locale: rq.Locale,
	}, rq.Meta)
	if err != nil {
		h.render(w, r, f.fail(ctx, err), signUpPage(f))
		return
	}
	h.signedIn(w, token)
	seeOther(w, r, PathProfile+"?welcome=1")
}

func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, signInPage(newForm("email", "password"), nextPath(r.URL.Query().Get("next"))))
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	ctx, rq := r.Context(), reqFrom(r.Context())
	f := newForm("email", "password").read(r)
	next := nextPath(r.PostFormValue("next"))
	rl := h.cfg.RateLimits
	if (rl.SignInIP != nil && !rl.SignInIP.Allow(rq.Meta.IP)) ||
		(rl.SignInEmail != nil && !rl.SignInEmail.Allow(strings.ToLower(strings.TrimSpace(f.Values["email"])))) {
		h.render(w, r, f.fail(ctx, apperr.ErrRateLimited), signInPage(f, next))
		return
	}
	acc, token, err := h.svc.Identity.SignIn(ctx, f.Values["email"], f.Values["password"], rq.Meta)
	if err != nil {
		h.render(w, r, f.fail(ctx, err), signInPage(f, next))
		return
	}
	h.signedIn(w, token)
	h.setCookie(w, cookieLang, string(acc.Locale), 0)
	seeOther(w, r, next)
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if rq := reqFrom(r.Context()); rq.Session != nil {
		if err := h.svc.Identity.SignOut(r.Context(), rq.Session.ID); err != nil {
			h.failErr(w, r, err)
			return
		}
	}
	h.clearCookie(w, cookieSession)
	seeOther(w, r, "/")
}

func (h *Handler) confirmEmailForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, confirmEmailPage(newForm(), r.URL.Query().Get("token")))
}

func (h *Handler) confirmEmail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if rl := h.cfg.RateLimits.AnonIP; reqFrom(ctx).Account == nil && rl != nil && !rl.Allow(reqFrom(ctx).Meta.IP) {
		h.failErr(w, r, apperr.ErrRateLimited)
		return
	}
	token := r.PostFormValue("token")
	if _, err := h.svc.Identity.ConfirmEmail(ctx, token); err != nil {
		f := newForm()
		h.render(w, r, f.fail(ctx, err), confirmEmailPage(f, token))
		return
	}
	next, label := PathSignIn, tr(ctx, "web.nav.sign_in")
	if reqFrom(ctx).Account != nil {
		next, label = PathProfile, tr(ctx, "web.nav.profile")
	}
	h.render(w, r, http.StatusOK, messagePage(tr(ctx, "web.confirm.done_title"), tr(ctx, "web.confirm.done"), next, label))
}

func (h *Handler) resendConfirmation(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	if rq.Account == nil {
		seeOther(w, r, PathSignIn+"?next="+url.QueryEscape(PathProfile))
		return
	}
	if err := h.svc.Identity.ResendConfirmation(r.Context(), rq.Account.ID); err != nil {
		h.failErr(w, r, err)
		return
	}
	seeOther(w, r, PathProfile+"?resent=1")
}

func (h *Handler) resetPasswordForm(w http.ResponseWriter, r *http.Request) {
	if token := r.URL.Query().Get("token"); token != "" {
		h.render(w, r, http.StatusOK, resetSetPage(newForm("password"), token))
		return
	}
	h.render(w, r, http.StatusOK, resetRequestPage(newForm("email")))
}

// resetPassword is both steps: with a token it sets the new password,
// without one it requests the e-mail.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) {
	ctx, rq := r.Context(), reqFrom(r.Context())
	if rl := h.cfg.RateLimits.AnonIP; rq.Account == nil && rl != nil && !rl.Allow(rq.Meta.IP) {
		h.failErr(w, r, apperr.ErrRateLimited)
		return
	}
	if token := r.PostFormValue("token"); token != "" {
		f := newForm("password").read(r)
		if _, err := h.svc.Identity.ResetPassword(ctx, token, f.Values["password"]); err != nil {
			h.render(w, r, f.fail(ctx, err), resetSetPage(f, token))
			return
		}
		h.render(w, r, http.StatusOK, messagePage(tr(ctx, "web.reset.done_title"), tr(ctx, "web.reset.done"), PathSignIn, tr(ctx, "web.nav.sign_in")))
		return
	}
	f := newForm("email").read(r)
	if err := h.svc.Identity.RequestPasswordReset(ctx, f.Values["email"]); err != nil {
		h.render(w, r, f.fail(ctx, err), resetRequestPage(f))
		return
	}
	// The same answer whether or not the address has an account.
	h.render(w, r, http.StatusOK, messagePage(tr(ctx, "web.reset.sent_title"), tr(ctx, "web.reset.sent"), "/", tr(ctx, "web.error.home")))
}

func (h *Handler) profileForm(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	if rq.Account == nil {
		seeOther(w, r, PathSignIn+"?next="+url.QueryEscape(PathProfile))
		return
	}
	f := newForm("displayName", "locale")
	f.Values["displayName"], f.Values["locale"] = rq.Account.DisplayName, string(rq.Account.Locale)
	q := r.URL.Query()
	switch {
	case q.Has("welcome"):
		f.Notice = tr(r.Context(), "web.profile.welcome", "email", rq.Account.Email)
	case q.Has("saved"):
		f.Notice = tr(r.Context(), "web.profile.saved")
	case q.Has("resent"):
		f.Notice = tr(r.Context(), "web.profile.resent")
	}
	h.render(w, r, http.StatusOK, profilePage(f, *rq.Account))
}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request) {
	ctx, rq := r.Context(), reqFrom(r.Context())
	if rq.Account == nil {
		seeOther(w, r, PathSignIn+"?next="+url.QueryEscape(PathProfile))
		return
	}
	f := newForm("displayName", "locale").read(r)
	name, loc := f.Values["displayName"], i18n.Locale(f.Values["locale"])
	acc, err := h.svc.Identity.UpdateProfile(ctx, rq.Account.ID, &name, &loc)
	if err != nil {
		h.render(w, r, f.fail(ctx, err), profilePage(f, *rq.Account))
		return
	}
	h.setCookie(w, cookieLang, string(acc.Locale), 365*24*time.Hour)
	seeOther(w, r, PathProfile+"?saved=1")
}

func localeOptions() []i18n.Locale { return i18n.All }
