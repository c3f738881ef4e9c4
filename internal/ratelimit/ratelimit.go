// Package ratelimit keeps token buckets per key (account or client IP) for a
// few classes of action. Buckets live in this instance's memory: behind a load
// balancer each instance enforces its own share, which bounds abuse without a
// shared store.
package ratelimit

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rule is a sustained rate per minute with a burst.
type Rule struct {
	PerMinute float64
	Burst     int
}

// Limiter holds buckets for one class of action.
type Limiter struct {
	rule    Rule
	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a limiter for rule; a zero PerMinute disables it.
func New(rule Rule) *Limiter {
	return &Limiter{rule: rule, buckets: map[string]*bucket{}}
}

// Allow takes one token from key's bucket.
func (l *Limiter) Allow(key string) bool {
	if l == nil || l.rule.PerMinute <= 0 {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	// Drop idle buckets now and then so memory stays bounded by active keys.
	if now.Sub(l.sweep) > time.Minute {
		idle := time.Duration(float64(l.rule.Burst)/l.rule.PerMinute*float64(time.Minute)) + time.Minute
		for k, b := range l.buckets {
			if now.Sub(b.seen) > idle {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(l.rule.PerMinute/60), l.rule.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// ClientIP returns the caller's IP: the connection's peer, or, when the peer
// is a trusted proxy, the right-most X-Forwarded-For address that is not
// itself a trusted proxy.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !contains(trusted, peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !contains(trusted, a) {
			return a.String()
		}
	}
	return host
}

func contains(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// ParsePrefixes parses a comma-separated list of CIDRs or single addresses.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
