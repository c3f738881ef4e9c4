package ratelimit_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ratelimit"
)

func TestLimiter_RefusesBeyondBurstPerKey(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(ratelimit.Rule{PerMinute: 1, Burst: 3})
	for range 3 {
		require.True(t, l.Allow("a"))
	}
	require.False(t, l.Allow("a"))
	require.True(t, l.Allow("b"), "another key has its own bucket")
	require.True(t, ratelimit.New(ratelimit.Rule{}).Allow("x"), "a zero rule disables limiting")
}

func TestClientIP_TrustsForwardedOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	trusted, err := ratelimit.ParsePrefixes("10.0.0.0/8, 192.168.1.1")
	require.NoError(t, err)

	r := httptest.NewRequest("POST", "/query", nil)
	r.RemoteAddr = "203.0.113.9:4000"
	r.Header.Set("X-Forwarded-For", "1.2.3.4")
	require.Equal(t, "203.0.113.9", ratelimit.ClientIP(r, trusted), "an untrusted peer cannot spoof")

	r.RemoteAddr = "10.1.2.3:4000"
	r.Header.Set("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 192.168.1.1")
	require.Equal(t, "198.51.100.7", ratelimit.ClientIP(r, trusted), "right-most untrusted hop")

	_, err = ratelimit.ParsePrefixes("not-an-ip")
	require.Error(t, err)
}
