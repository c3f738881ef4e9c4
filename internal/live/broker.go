package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// applicationName marks the LISTEN connection in pg_stat_activity, so that
// operators can tell it from pool connections.
const applicationName = "otwarty_live"

const (
	// connectTimeout bounds connecting and LISTEN, so that an unreachable
	// server turns into a retry rather than a hang.
	connectTimeout = 10 * time.Second
	// healthInterval is how long the listener waits in silence before it
	// pings: a half-open TCP connection would otherwise wait forever.
	healthInterval = 30 * time.Second
	pingTimeout    = 5 * time.Second
	// Reconnect backoff. The cap stays low because grants announced while
	// disconnected are only picked up by the reload after reconnecting.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Broker listens on one connection per instance and fans events out.
type Broker struct {
	connString string
	log        *slog.Logger
	running    atomic.Bool

	ready     chan struct{}
	readyOnce sync.Once

	hookMu sync.Mutex
	hooks  []func()

	mu       sync.RWMutex
	topics   map[string][]*subscriber
	handlers map[string]map[*handler]struct{}
}

// handler is one Handle registration.
type handler struct{ f func(Event) }

// NewBroker returns a broker that will LISTEN on connString once Run is
// called. connString should reach PostgreSQL directly: LISTEN does not work
// through a transaction-pooling proxy, which is why it may differ from the
// pool's URL. A nil logger discards logs.
func NewBroker(connString string, logger *slog.Logger) *Broker {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Broker{
		connString: connString,
		log:        logger,
		ready:      make(chan struct{}),
		topics:     make(map[string][]*subscriber),
		handlers:   make(map[string]map[*handler]struct{}),
	}
}

// Ready is closed once the first LISTEN is active; events committed after
// that reach subscribers. A caller that builds state from the database should
// load it after Ready, so that no change falls between the load and LISTEN.
func (b *Broker) Ready() <-chan struct{} { return b.ready }

// OnReconnect registers f to run after each reconnection (not the first
// connection), once LISTEN is active again. Notifications sent while the
// broker was disconnected are lost, so state kept up to date by events must
// be reloaded here. f runs on the listener goroutine before any further event
// is delivered, so it must be quick (start a goroutine for slow work).
func (b *Broker) OnReconnect(f func()) {
	b.hookMu.Lock()
	defer b.hookMu.Unlock()
	b.hooks = append(b.hooks, f)
}

// Run listens until ctx ends, reconnecting with capped, jittered backoff when
// the connection is lost; it returns nil when ctx ends, or an error at once
// if connString is invalid or the broker is already running.
func (b *Broker) Run(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(b.connString)
	if err != nil {
		return fmt.Errorf("live: parse listen url: %w", err)
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = applicationName
	}
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("live: broker already running")
	}
	defer b.running.Store(false)

	connected := false
	backoff := minBackoff
	for {
		listened, err := b.listen(ctx, cfg, connected)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			connected = true
			backoff = minBackoff
		}
		// Jitter keeps many instances from reconnecting in lockstep after a
		// database restart.
		wait := backoff/2 + rand.N(backoff/2+1)
		b.log.WarnContext(ctx, "live: listen connection down; retrying",
			"error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listen runs one connection: connect, LISTEN, deliver until an error. It
// reports whether LISTEN became active, which resets the backoff.
func (b *Broker) listen(ctx context.Context, cfg *pgx.ConnConfig, reconnect bool) (bool, error) {
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		cancel()
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	_, err = conn.Exec(cctx, "listen "+channel)
	cancel()
	if err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}

	if reconnect {
		b.log.InfoContext(ctx, "live: listen connection restored")
		b.hookMu.Lock()
		hooks := append([]func(){}, b.hooks...)
		b.hookMu.Unlock()
		for _, f := range hooks {
			f()
		}
	}
	b.readyOnce.Do(func() { close(b.ready) })

	for {
		wctx, cancel := context.WithTimeout(ctx, healthInterval)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			b.dispatch(n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, pingTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, fmt.Errorf("health check: %w", err)
			}
		default:
			return true, err
		}
	}
}

// dispatch decodes one notification and fans it out. It runs on the listener
// goroutine and never blocks on a subscriber.
func (b *Broker) dispatch(payload string) {
	var env envelope
	if err := json.Unmarshal([]byte(payload), &env); err != nil || env.Topic == "" {
		// Someone else's NOTIFY on our channel, or a version skew: skip it
		// rather than stop delivery for everyone.
		b.log.Warn("live: ignoring malformed notification", "error", err, "bytes", len(payload))
		return
	}
	b.fanOut(Event{Topic: env.Topic, Data: env.Data})
}

func (b *Broker) fanOut(e Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, s := range b.topics[e.Topic] {
		s.push(e)
	}
	for h := range b.handlers[e.Topic] {
		h.f(e)
	}
}

// Handle calls f with every event of topic until the returned function is
// called. f runs on the listener goroutine, in publish order, and must not
// block: it is for in-memory fan-out (see Fanout) and quick bookkeeping.
func (b *Broker) Handle(topic string, f func(Event)) (stop func()) {
	h := &handler{f: f}
	b.mu.Lock()
	hs := b.handlers[topic]
	if hs == nil {
		hs = map[*handler]struct{}{}
		b.handlers[topic] = hs
	}
	hs[h] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			delete(b.handlers[topic], h)
			if len(b.handlers[topic]) == 0 {
				delete(b.handlers, topic)
			}
		})
	}
}

// Subscribe returns a channel of events for topic, closed when ctx ends (and
// only then). The channel is unbuffered; events wait in a per-subscriber
// buffer of the newest 16, and a receiver that falls further behind loses the
// oldest, counted in Missed of the next event it receives (see subscriber).
// Subscriptions outlive a broken connection and resume after the reconnect;
// events sent meanwhile are lost (see OnReconnect).
func (b *Broker) Subscribe(ctx context.Context, topic string) <-chan Event {
	s := newSubscriber(ctx, topic)
	b.mu.Lock()
	subs := b.topics[topic]
	s.idx = len(subs)
	b.topics[topic] = append(subs, s)
	b.mu.Unlock()
	// AfterFunc costs no goroutine until ctx ends.
	context.AfterFunc(ctx, func() {
		b.remove(s)
		s.stop()
	})
	return s.out
}

// remove drops s from its topic by swapping in the last subscriber, so that
// unsubscribing is O(1) however many share the topic.
func (b *Broker) remove(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	subs := b.topics[s.topic]
	last := len(subs) - 1
	subs[s.idx] = subs[last]
	subs[s.idx].idx = s.idx
	subs[last] = nil
	if last == 0 {
		delete(b.topics, s.topic)
	} else {
		b.topics[s.topic] = subs[:last]
	}
}
