package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
)

// newToken returns an opaque secret (32 random bytes, base64url) and the
// SHA-256 hash that is the only thing stored. The secret has 256 bits of
// entropy, so a fast hash is enough: there is nothing to brute-force.
func newToken() (secret string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, tokenHash(secret)
}

func tokenHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Paths of the links in e-mails, under Config.PublicURL; the web front end
// serves them.
const (
	PathConfirmEmail     = "/confirm-email"      // ?token=
	PathResetPassword    = "/reset-password"     // ?token=
	PathAcceptInvitation = "/invitations/accept" // ?token=
)

// link builds PublicURL + path + "?token=" + secret.
func (s *Service) link(path, secret string) string {
	return s.cfg.PublicURL + path + "?token=" + url.QueryEscape(secret)
}
