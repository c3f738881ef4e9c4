package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"
)

// Cookies. The session cookie holds the same session token the API takes as
// a bearer token: one session table for both.
const (
	cookieSession = "otwarty_session"
	cookieAnon    = "otwarty_csrf" // a random secret for the forms of anonymous visitors
	cookieLang    = "otwarty_lang"
	fieldCSRF     = "csrf"
)

// csrfToken derives a form token from a secret only the browser's cookie
// and the server see: the session token when signed in, else the anonymous
// cookie. Nothing is stored, and every instance derives the same token.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("otwarty form token"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func csrfEqual(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// anonSecret returns the anonymous visitor's CSRF secret, setting the cookie
// when there is none yet.
func (h *Handler) anonSecret(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(cookieAnon); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	h.setCookie(w, cookieAnon, v, 0)
	// The form being rendered in this response must carry a token for the
	// cookie the browser will send back.
	r.AddCookie(&http.Cookie{Name: cookieAnon, Value: v})
	return v
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure when the public
// URL is https. maxAge 0 makes a browser-session cookie.
func (h *Handler) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds()),
	})
}

func (h *Handler) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// signedIn puts a new session's token in the cookie. Its lifetime is the
// session's: the server ends it earlier on sign-out or revocation.
func (h *Handler) signedIn(w http.ResponseWriter, token string) {
	h.setCookie(w, cookieSession, token, h.cfg.SessionTTL)
	h.clearCookie(w, cookieAnon)
}
