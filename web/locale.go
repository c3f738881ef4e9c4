package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/otwarty/otwarty/internal/i18n"
)

// tr is the pages' one way to a message: internal/i18n's T in the page's
// language.
func tr(ctx context.Context, key string, args ...any) string {
	var m map[string]any
	if len(args) > 0 {
		m = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			m[args[i].(string)] = args[i+1]
		}
	}
	return i18n.T(reqFrom(ctx).Locale, key, m)
}

// trn is tr for a message with a number: the plural form the page's
// language takes for count (i18n.N), with {count} written as it writes
// numbers.
func trn(ctx context.Context, key string, count int, args ...any) string {
	var m map[string]any
	if len(args) > 0 {
		m = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			m[args[i].(string)] = args[i+1]
		}
	}
	return i18n.N(reqFrom(ctx).Locale, key, count, m)
}

// locale picks the page's language: the account's preference when signed in,
// else the cookie of an earlier switch, else Accept-Language, else Polish.
func (h *Handler) locale(r *http.Request, rq *request) i18n.Locale {
	if rq.Account != nil && rq.Account.Locale.Valid() {
		return rq.Account.Locale
	}
	if c, err := r.Cookie(cookieLang); err == nil {
		if l, ok := i18n.ParseLocale(c.Value); ok {
			return l
		}
	}
	l, _ := i18n.Negotiate(r.Header.Get("Accept-Language"))
	return l
}

// switchLocale remembers ?lang= in a cookie and, when signed in, as the
// account's preference, then redirects to the same address without it.
func (h *Handler) switchLocale(w http.ResponseWriter, r *http.Request, rq *request, l i18n.Locale) {
	h.setCookie(w, cookieLang, string(l), 365*24*time.Hour)
	if rq.Account != nil && rq.Account.Locale != l {
		if _, err := h.svc.Identity.UpdateProfile(r.Context(), rq.Account.ID, nil, &l); err != nil {
			h.cfg.Log.Warn("web: language preference not saved", "err", err)
		}
	}
	u := *r.URL
	q := u.Query()
	q.Del("lang")
	u.RawQuery = q.Encode()
	http.Redirect(w, r, localURL(&u), http.StatusSeeOther)
}

// localURL keeps only the path and query of u: redirects never leave the site.
func localURL(u *url.URL) string {
	s := u.EscapedPath()
	if s == "" || s[0] != '/' || (len(s) > 1 && (s[1] == '/' || s[1] == '\\')) {
		s = "/"
	}
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

// langURL is the current page's address switching to l.
func langURL(ctx context.Context, l i18n.Locale) string {
	u, err := url.Parse(reqFrom(ctx).Path)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	q.Set("lang", string(l))
	u.RawQuery = q.Encode()
	return localURL(u)
}

// localeName is a language's name in that language (the switch shows each
// language in its own name).
func localeName(l i18n.Locale) string {
	switch l {
	case i18n.PL:
		return "Polski"
	case i18n.UK:
		return "Українська"
	case i18n.EN:
		return "English"
	case i18n.RU:
		return "Русский"
	}
	return string(l)
}

// currentPath is the page's path without its query (for aria-current).
func currentPath(ctx context.Context) string {
	p, _, _ := strings.Cut(reqFrom(ctx).Path, "?")
	return p
}
