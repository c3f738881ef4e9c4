package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otwarty/otwarty/graph"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/ratelimit"
	"github.com/otwarty/otwarty/internal/retention"
)

// config is everything the binary reads from flags and OTWARTY_* variables.
// Flags win over the environment.
type config struct {
	Env               string // development, test, production
	Addr              string
	MetricsAddr       string
	DataDir           string
	DatabaseURL       string
	DatabaseListenURL string
	PGBin             string
	PublicURL         string
	LogFormat         string
	LogLevel          string
	SMTPURL           string
	MailFrom          string
	AllowNoSMTP       bool
	IdentifierKey     []byte
	IdentifierKeyID   string
	Introspection     bool
	AllowedOrigins    []string
	TrustedProxies    []netip.Prefix
	SessionTTL        time.Duration
	Argon2            identity.Argon2Params
	MaxHashes         int
	Workers           int
	JobTimeout        time.Duration
	JobRescueAfter    time.Duration
	BallotBatch       int
	BallotGroup       budget.GroupCommit
	ShutdownTimeout   time.Duration
	RateSignIn        ratelimit.Rule
	RateSignUp        ratelimit.Rule
	RateAnon          ratelimit.Rule
	RateWrites        ratelimit.Rule
	Retention         retention.Config
	Live              graph.LiveLimits
	Attach            attach.Limits

	// RequestTimeout bounds the work of one request — GraphQL over HTTP, an
	// upload once its body has arrived, a web page — and of one query or
	// mutation over WebSocket (not a subscription), so that a database that
	// stops answering yields an error, not a hang.
	RequestTimeout time.Duration
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// loadConfig parses args of a subcommand over the environment.
func loadConfig(fs *flag.FlagSet, args []string) (*config, error) {
	c := &config{}
	fs.StringVar(&c.Env, "env", env("OTWARTY_ENV", "development"), "development, test or production (OTWARTY_ENV)")
	fs.StringVar(&c.Addr, "addr", env("OTWARTY_ADDR", ":8080"), "HTTP listen address (OTWARTY_ADDR)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("OTWARTY_METRICS_ADDR", ""), "separate listen address for /metrics; empty serves it unauthenticated on --addr (OTWARTY_METRICS_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("OTWARTY_DATA_DIR", "./.otwarty"), "local data directory for the embedded PostgreSQL (OTWARTY_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL; empty starts a local server (DATABASE_URL)")
	fs.StringVar(&c.DatabaseListenURL, "database-listen-url", env("DATABASE_LISTEN_URL", ""), "direct connection for LISTEN when DATABASE_URL goes through a pooler (DATABASE_LISTEN_URL)")
	fs.StringVar(&c.PGBin, "pg-bin", env("OTWARTY_PG_BIN", ""), "directory of initdb and postgres (OTWARTY_PG_BIN)")
	fs.StringVar(&c.PublicURL, "public-url", env("OTWARTY_PUBLIC_URL", "http://localhost:8080"), "base URL of links in e-mails (OTWARTY_PUBLIC_URL)")
	fs.StringVar(&c.LogFormat, "log-format", env("OTWARTY_LOG_FORMAT", "text"), "text or json (OTWARTY_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("OTWARTY_LOG_LEVEL", "info"), "debug, info, warn, error (OTWARTY_LOG_LEVEL)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("OTWARTY_SMTP_URL", ""), "smtp://user:pass@host:port; empty keeps e-mail in the outbox table (OTWARTY_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("OTWARTY_MAIL_FROM", ""), "sender address (OTWARTY_MAIL_FROM)")
	fs.BoolVar(&c.AllowNoSMTP, "allow-no-smtp", env("OTWARTY_ALLOW_NO_SMTP", "") == "true", "let production start without SMTP (OTWARTY_ALLOW_NO_SMTP)")
	fs.StringVar(&c.IdentifierKeyID, "identifier-key-id", env("OTWARTY_IDENTIFIER_KEY_ID", "k1"), "name of the identifier hash key (OTWARTY_IDENTIFIER_KEY_ID)")
	fs.BoolVar(&c.Introspection, "introspection", env("OTWARTY_INTROSPECTION", "true") == "true", "allow GraphQL introspection (OTWARTY_INTROSPECTION)")
	origins := fs.String("allowed-origins", env("OTWARTY_ALLOWED_ORIGINS", ""), "extra origins allowed to open WebSockets, comma-separated (OTWARTY_ALLOWED_ORIGINS)")
	proxies := fs.String("trusted-proxies", env("OTWARTY_TRUSTED_PROXIES", ""), "CIDRs whose X-Forwarded-For is believed (OTWARTY_TRUSTED_PROXIES)")
	fs.DurationVar(&c.SessionTTL, "session-ttl", durEnv("OTWARTY_SESSION_TTL", 30*24*time.Hour), "session lifetime (OTWARTY_SESSION_TTL)")
	fs.IntVar(&c.Workers, "workers", intEnv("OTWARTY_WORKERS", 20), "background job workers (OTWARTY_WORKERS)")
	fs.DurationVar(&c.JobTimeout, "job-timeout", durEnv("OTWARTY_JOB_TIMEOUT", time.Minute), "a background job's time limit (OTWARTY_JOB_TIMEOUT)")
	// A job left running by a killed process is run again after this; River's
	// default (an hour past the timeout) would hold a committed job that long.
	fs.DurationVar(&c.JobRescueAfter, "job-rescue-after", durEnv("OTWARTY_JOB_RESCUE_AFTER", 5*time.Minute),
		"run again a job still running this long after it started, left by a killed process; more than job-timeout (OTWARTY_JOB_RESCUE_AFTER)")
	fs.IntVar(&c.BallotBatch, "ballot-batch", intEnv("OTWARTY_BALLOT_BATCH", ballotbox.DefaultBatch),
		"secret ballots written out together, at least (OTWARTY_BALLOT_BATCH)")
	fs.IntVar(&c.BallotGroup.Max, "ballot-group-max", intEnv("OTWARTY_BALLOT_GROUP_MAX", budget.DefaultGroupCommit.Max),
		"most ballots cast together that share one transaction (group commit); 1 = each its own (OTWARTY_BALLOT_GROUP_MAX)")
	fs.DurationVar(&c.BallotGroup.Window, "ballot-group-window", durEnv("OTWARTY_BALLOT_GROUP_WINDOW", budget.DefaultGroupCommit.Window),
		"how long a shared ballot transaction waits for more ballots; 0 = takes those that came while the previous ones ran (OTWARTY_BALLOT_GROUP_WINDOW)")
	fs.IntVar(&c.BallotGroup.InFlight, "ballot-group-in-flight", intEnv("OTWARTY_BALLOT_GROUP_IN_FLIGHT", budget.DefaultGroupCommit.InFlight),
		"shared ballot transactions running at once; 0 = half the CPUs, at least 1 (OTWARTY_BALLOT_GROUP_IN_FLIGHT)")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", durEnv("OTWARTY_REQUEST_TIMEOUT", 30*time.Second), "time a request (GraphQL over HTTP, an upload after its body arrived, a web page) or a query or mutation over WebSocket may take before it answers an error (subscriptions excepted); 0 = no limit (OTWARTY_REQUEST_TIMEOUT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", durEnv("OTWARTY_SHUTDOWN_TIMEOUT", 20*time.Second), "time to drain on shutdown (OTWARTY_SHUTDOWN_TIMEOUT)")
	argonMem := fs.Int("argon2-memory-kib", intEnv("OTWARTY_ARGON2_MEMORY_KIB", 0), "argon2id memory in KiB; 0 = production default (OTWARTY_ARGON2_MEMORY_KIB)")
	argonTime := fs.Int("argon2-time", intEnv("OTWARTY_ARGON2_TIME", 0), "argon2id passes (OTWARTY_ARGON2_TIME)")
	argonThreads := fs.Int("argon2-threads", intEnv("OTWARTY_ARGON2_THREADS", 0), "argon2id lanes (OTWARTY_ARGON2_THREADS)")
	fs.IntVar(&c.MaxHashes, "max-concurrent-hashes", intEnv("OTWARTY_MAX_CONCURRENT_HASHES", 0), "cap on concurrent password hashing; 0 = CPUs (OTWARTY_MAX_CONCURRENT_HASHES)")
	rd := retention.Defaults()
	fs.DurationVar(&c.Retention.Sessions, "retention-sessions", durEnv("OTWARTY_RETENTION_SESSIONS", rd.Sessions), "keep ended sessions this long (OTWARTY_RETENTION_SESSIONS; 0 keeps them)")
	fs.DurationVar(&c.Retention.SessionIPs, "retention-session-ips", durEnv("OTWARTY_RETENTION_SESSION_IPS", rd.SessionIPs), "keep session IP addresses this long (OTWARTY_RETENTION_SESSION_IPS)")
	fs.DurationVar(&c.Retention.Tokens, "retention-tokens", durEnv("OTWARTY_RETENTION_TOKENS", rd.Tokens), "keep expired e-mail tokens this long (OTWARTY_RETENTION_TOKENS)")
	fs.DurationVar(&c.Retention.Outbox, "retention-outbox", durEnv("OTWARTY_RETENTION_OUTBOX", rd.Outbox), "keep e-mails in the outbox this long (OTWARTY_RETENTION_OUTBOX)")
	fs.DurationVar(&c.Retention.Audit, "retention-audit", durEnv("OTWARTY_RETENTION_AUDIT", rd.Audit), "keep audit entries this long (OTWARTY_RETENTION_AUDIT)")
	signIn := fs.String("rate-signin", env("OTWARTY_RATE_SIGNIN", "10/20"), "sign-in attempts per minute/burst per IP and per e-mail (OTWARTY_RATE_SIGNIN)")
	signUp := fs.String("rate-signup", env("OTWARTY_RATE_SIGNUP", "5/10"), "sign-ups per minute/burst per IP (OTWARTY_RATE_SIGNUP)")
	anon := fs.String("rate-anonymous", env("OTWARTY_RATE_ANONYMOUS", "10/20"), "other anonymous mutations per minute/burst per IP (OTWARTY_RATE_ANONYMOUS)")
	writes := fs.String("rate-writes", env("OTWARTY_RATE_WRITES", "60/120"), "mutations per minute/burst per account (OTWARTY_RATE_WRITES)")
	ld := graph.DefaultLiveLimits()
	fs.IntVar(&c.Live.SubscriptionsPerSocket, "ws-max-subscriptions", intEnv("OTWARTY_WS_MAX_SUBSCRIPTIONS", ld.SubscriptionsPerSocket), "operations at once on one WebSocket; 0 = no limit (OTWARTY_WS_MAX_SUBSCRIPTIONS)")
	fs.IntVar(&c.Live.SocketsPerIP, "ws-max-sockets-per-ip", intEnv("OTWARTY_WS_MAX_SOCKETS_PER_IP", ld.SocketsPerIP), "anonymous WebSockets per client IP; 0 = no limit (OTWARTY_WS_MAX_SOCKETS_PER_IP)")
	fs.IntVar(&c.Live.SocketsPerAccount, "ws-max-sockets-per-account", intEnv("OTWARTY_WS_MAX_SOCKETS_PER_ACCOUNT", ld.SocketsPerAccount), "signed-in WebSockets per account; 0 = no limit (OTWARTY_WS_MAX_SOCKETS_PER_ACCOUNT)")
	subRate := fs.String("ws-subscribe-rate", env("OTWARTY_WS_SUBSCRIBE_RATE", fmt.Sprintf("%g/%d", ld.SubscribePerSecond, ld.SubscribeBurst)), "subscribe messages per second/burst per WebSocket; 0/0 = no limit (OTWARTY_WS_SUBSCRIBE_RATE)")
	fs.DurationVar(&c.Live.InitTimeout, "ws-init-timeout", durEnv("OTWARTY_WS_INIT_TIMEOUT", ld.InitTimeout), "time a WebSocket has to send connection_init (OTWARTY_WS_INIT_TIMEOUT)")
	atd := attach.DefaultLimits()
	attachMB := fs.Int("attach-max-mb", intEnv("OTWARTY_ATTACH_MAX_MB", int(atd.MaxBytes>>20)), "largest attachment in MiB (OTWARTY_ATTACH_MAX_MB)")
	fs.IntVar(&c.Attach.MaxPerOwner, "attach-max-files", intEnv("OTWARTY_ATTACH_MAX_FILES", atd.MaxPerOwner), "attachments one nomination may hold (OTWARTY_ATTACH_MAX_FILES)")
	attachTypes := fs.String("attach-types", env("OTWARTY_ATTACH_TYPES", strings.Join(atd.Types, ",")), "accepted attachment types, comma-separated, of "+strings.Join(attach.AllTypes, ", ")+" (OTWARTY_ATTACH_TYPES)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var ok bool
	if c.Live.SubscribePerSecond, c.Live.SubscribeBurst, ok = parsePair(*subRate); !ok {
		return nil, fmt.Errorf("OTWARTY_WS_SUBSCRIBE_RATE %q must be PER_SECOND/BURST, e.g. 10/50 (0/0 disables)", *subRate)
	}
	if c.JobTimeout <= 0 || c.JobRescueAfter <= c.JobTimeout {
		return nil, fmt.Errorf("OTWARTY_JOB_RESCUE_AFTER (%v) must be more than OTWARTY_JOB_TIMEOUT (%v), which must be positive",
			c.JobRescueAfter, c.JobTimeout)
	}
	switch c.Env {
	case "development", "test", "production":
	default:
		return nil, fmt.Errorf("OTWARTY_ENV must be development, test or production, not %q", c.Env)
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	var err error
	if c.Attach, err = attachLimits(*attachMB, c.Attach.MaxPerOwner, *attachTypes); err != nil {
		return nil, err
	}
	if c.TrustedProxies, err = ratelimit.ParsePrefixes(*proxies); err != nil {
		return nil, fmt.Errorf("OTWARTY_TRUSTED_PROXIES: %w", err)
	}
	for _, r := range []struct {
		s   string
		dst *ratelimit.Rule
	}{{*signIn, &c.RateSignIn}, {*signUp, &c.RateSignUp}, {*anon, &c.RateAnon}, {*writes, &c.RateWrites}} {
		if *r.dst, err = parseRule(r.s); err != nil {
			return nil, err
		}
	}
	switch {
	case *argonMem > 0:
		c.Argon2 = identity.Argon2Params{MemoryKiB: uint32(*argonMem), Time: uint32(max(*argonTime, 1)), Threads: uint8(max(*argonThreads, 1))}
	case c.Env == "test":
		c.Argon2 = identity.TestArgon2()
	default:
		c.Argon2 = identity.ProductionArgon2()
	}
	if c.IdentifierKey, err = identifierKey(c); err != nil {
		return nil, err
	}
	if c.Env == "production" && c.SMTPURL == "" && !c.AllowNoSMTP {
		return nil, errors.New("production needs OTWARTY_SMTP_URL to send e-mail (or OTWARTY_ALLOW_NO_SMTP=true to keep mail in the outbox table)")
	}
	return c, nil
}

// identifierKey reads the HMAC key for identity documents from
// OTWARTY_IDENTIFIER_KEY_FILE or OTWARTY_IDENTIFIER_KEY. Outside production a
// random key is kept in the data directory so that restarts agree.
func identifierKey(c *config) ([]byte, error) {
	if f := os.Getenv("OTWARTY_IDENTIFIER_KEY_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("OTWARTY_IDENTIFIER_KEY_FILE: %w", err)
		}
		return checkKey([]byte(strings.TrimSpace(string(b))))
	}
	if k := os.Getenv("OTWARTY_IDENTIFIER_KEY"); k != "" {
		return checkKey([]byte(k))
	}
	if c.Env == "production" {
		return nil, errors.New("production needs OTWARTY_IDENTIFIER_KEY or OTWARTY_IDENTIFIER_KEY_FILE (at least 32 bytes): it keys the hashes of identity documents")
	}
	if c.Env == "test" || c.DatabaseURL != "" {
		return []byte("otwarty-development-identifier-key-not-secret"), nil
	}
	path := filepath.Join(c.DataDir, "identifier.key")
	if b, err := os.ReadFile(path); err == nil {
		return b, nil
	}
	k := []byte(rand.Text() + rand.Text())
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return nil, err
	}
	return k, os.WriteFile(path, k, 0o600)
}

// attachLimits checks the attachment settings: a size of 1–100 MiB, 1–50
// files, and types that attach recognises.
func attachLimits(mb, files int, types string) (attach.Limits, error) {
	if mb < 1 || mb > 100 {
		return attach.Limits{}, fmt.Errorf("OTWARTY_ATTACH_MAX_MB must be 1 to 100, not %d", mb)
	}
	if files < 1 || files > 50 {
		return attach.Limits{}, fmt.Errorf("OTWARTY_ATTACH_MAX_FILES must be 1 to 50, not %d", files)
	}
	l := attach.Limits{MaxBytes: int64(mb) << 20, MaxPerOwner: files}
	for _, t := range strings.Split(types, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !slices.Contains(attach.AllTypes, t) {
			return attach.Limits{}, fmt.Errorf("OTWARTY_ATTACH_TYPES: %q is not one of %s", t, strings.Join(attach.AllTypes, ", "))
		}
		l.Types = append(l.Types, t)
	}
	if len(l.Types) == 0 {
		return attach.Limits{}, errors.New("OTWARTY_ATTACH_TYPES names no type")
	}
	return l, nil
}

func checkKey(k []byte) ([]byte, error) {
	if len(k) < 32 {
		return nil, errors.New("the identifier key must be at least 32 bytes")
	}
	return k, nil
}

func parseRule(s string) (ratelimit.Rule, error) {
	p, b, ok := parsePair(s)
	if !ok {
		return ratelimit.Rule{}, fmt.Errorf("rate %q must be PER_MINUTE/BURST, e.g. 10/20 (0/0 disables)", s)
	}
	return ratelimit.Rule{PerMinute: p, Burst: b}, nil
}

// parsePair reads a rate "RATE/BURST", both not negative.
func parsePair(s string) (rate float64, burst int, ok bool) {
	r, bs, ok := strings.Cut(s, "/")
	p, err1 := strconv.ParseFloat(r, 64)
	b, err2 := strconv.Atoi(bs)
	if !ok || err1 != nil || err2 != nil || p < 0 || b < 0 {
		return 0, 0, false
	}
	return p, b, true
}

func intEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func durEnv(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
