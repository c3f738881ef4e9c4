package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/gqlws"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/metrics"
)

// The live layer's server side. Every WebSocket is registered here with
// its client IP and, once signed in, its account and session, so that
//   - limits per anonymous IP and per account hold on this instance;
//   - a session that ends (sign-out, revocation, password change, account
//     deletion, expiry) closes its sockets with 4403 at once, on every
//     instance: identity announces ended sessions through PostgreSQL;
//   - subscriptions decide what their caller may see once, in memory, and
//     again only when grants change (authz announces them), so an event
//     costs no database work per subscriber;
//   - after the listener reconnects, sessions are checked again in one query
//     and every subscription gets a resync event.

// recentEnds is how long ended sessions are remembered, so that a socket
// signing in with a session whose end was announced a moment before (between
// its authentication and its registration) is closed all the same.
const recentEnds = time.Minute

type liveLayer struct {
	limits   LiveLimits
	log      *slog.Logger
	identity *identity.Service
	reg      *live.Registry

	activity *live.Fanout[activityKey, *model.ConsultationActivityEvent]
	turnout  *live.Fanout[uuid.UUID, *model.BallotTurnout]
	meetings *live.Fanout[uuid.UUID, *model.BodyMeetingEvent]
	audience *live.Fanout[uuid.UUID, *model.AmbassadorAudienceTotalsEvent]
	// Programme results by programme and year.
	programme *live.Fanout[programmeKey, *model.ProgrammeResultsEvent]

	mu         sync.Mutex
	perIP      map[string]int
	perAccount map[uuid.UUID]int
	bySession  map[uuid.UUID]map[*socket]struct{}
	ended      map[uuid.UUID]time.Time // recently ended sessions
	endedAll   map[uuid.UUID]endedAll  // accounts whose sessions all ended recently, but one
}

type endedAll struct {
	keep uuid.UUID
	at   time.Time
}

// socket is one WebSocket as the live layer knows it.
type socket struct {
	conn gqlws.Conn
	ip   string

	// Guarded by liveLayer.mu.
	account, session uuid.UUID
	signedIn, closed bool
	expiry           *time.Timer
}

func newLiveLayer(r *Resolver, limits LiveLimits) *liveLayer {
	l := &liveLayer{limits: limits, log: r.Log, identity: r.Identity, reg: live.NewRegistry(),
		perIP: map[string]int{}, perAccount: map[uuid.UUID]int{}, bySession: map[uuid.UUID]map[*socket]struct{}{},
		ended: map[uuid.UUID]time.Time{}, endedAll: map[uuid.UUID]endedAll{}}
	l.activity = live.NewFanout(l.reg, func(k activityKey, feed *live.Feed[*model.ConsultationActivityEvent]) (func(), error) {
		return r.Live.Handle(k.topic(), func(ev live.Event) {
			if m, ok := activityOut(k, ev); ok {
				feed.Publish(func(live.View) (*model.ConsultationActivityEvent, bool) { return m, true }, false)
			}
		}), nil
	})
	l.turnout = r.turnoutFanout(l.reg)
	l.meetings = r.bodyMeetingFanout(l.reg)
	l.audience = r.ambassadorAudienceFanout(l.reg)
	l.programme = r.programmeFanout(l.reg)
	if r.Live != nil {
		r.Live.Handle(identity.SessionsTopic, l.sessionsEnded)
		r.Live.OnReconnect(l.reconnected)
	}
	if r.Authz != nil {
		r.Authz.OnChange(l.reg.Refresh)
	}
	return l
}

// refuse counts a refusal.
func refuse(reason string) { metrics.Refusals.WithLabelValues(reason).Inc() }

// open registers a new socket from ip; over the per-IP limit it closes it
// with 4429.
func (l *liveLayer) open(conn gqlws.Conn, ip string) *socket {
	s := &socket{conn: conn, ip: ip}
	metrics.Sockets.Inc()
	l.mu.Lock()
	over := l.limits.SocketsPerIP > 0 && l.perIP[ip] >= l.limits.SocketsPerIP
	l.perIP[ip]++
	l.mu.Unlock()
	if over {
		refuse("sockets_per_ip")
		conn.CloseWith(gqlws.CloseTooManyRequests, "Too many connections")
	}
	return s
}

// signIn moves s from its IP's count to its account's and registers its
// session. It fails (and the socket is refused) over the per-account limit,
// and when the session has just been announced as ended.
func (l *liveLayer) signIn(s *socket, acc identity.Account, sess identity.Session) (code int, reason string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.endedRecently(acc.ID, sess) {
		refuse("session_ended")
		return gqlws.CloseForbidden, "Forbidden", false
	}
	if l.limits.SocketsPerAccount > 0 && l.perAccount[acc.ID] >= l.limits.SocketsPerAccount {
		refuse("sockets_per_account")
		return gqlws.CloseTooManyRequests, "Too many connections", false
	}
	l.releaseIPLocked(s)
	s.account, s.session, s.signedIn = acc.ID, sess.ID, true
	l.perAccount[acc.ID]++
	set := l.bySession[sess.ID]
	if set == nil {
		set = map[*socket]struct{}{}
		l.bySession[sess.ID] = set
	}
	set[s] = struct{}{}
	// Expiry is known now: close then, without waiting for an event.
	s.expiry = time.AfterFunc(time.Until(sess.ExpiresAt), func() {
		refuse("session_expired")
		s.conn.CloseWith(gqlws.CloseForbidden, "Session expired")
	})
	return 0, "", true
}

func (l *liveLayer) endedRecently(account uuid.UUID, sess identity.Session) bool {
	if _, ok := l.ended[sess.ID]; ok {
		return true
	}
	// Sessions opened after the announcement (signing in again after a
	// password change) are not among those it ended.
	all, ok := l.endedAll[account]
	return ok && all.keep != sess.ID && sess.CreatedAt.Before(all.at)
}

func (l *liveLayer) releaseIPLocked(s *socket) {
	if s.signedIn {
		return
	}
	if l.perIP[s.ip]--; l.perIP[s.ip] <= 0 {
		delete(l.perIP, s.ip)
	}
}

// close unregisters s once the socket is closed.
func (l *liveLayer) close(s *socket) {
	l.mu.Lock()
	if s.closed {
		l.mu.Unlock()
		return
	}
	s.closed = true
	if s.signedIn {
		if l.perAccount[s.account]--; l.perAccount[s.account] <= 0 {
			delete(l.perAccount, s.account)
		}
		if set := l.bySession[s.session]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(l.bySession, s.session)
			}
		}
		s.expiry.Stop()
	} else {
		l.releaseIPLocked(s)
	}
	l.mu.Unlock()
	metrics.Sockets.Dec()
}

// sessionsEnded closes the sockets of ended sessions; it runs on the
// listener goroutine, so the closing (which writes to the network) runs
// apart.
func (l *liveLayer) sessionsEnded(ev live.Event) {
	var e identity.SessionsEnded
	if err := json.Unmarshal(ev.Data, &e); err != nil {
		l.log.Warn("live: unreadable sessions event", "err", err)
		return
	}
	now := time.Now()
	var doomed []*socket
	l.mu.Lock()
	l.pruneLocked(now)
	for _, id := range e.Sessions {
		l.ended[id] = now
		for s := range l.bySession[id] {
			doomed = append(doomed, s)
		}
	}
	if e.Account != uuid.Nil {
		l.endedAll[e.Account] = endedAll{keep: e.Keep, at: now}
		for id, set := range l.bySession {
			if id == e.Keep {
				continue
			}
			for s := range set {
				if s.account == e.Account {
					doomed = append(doomed, s)
				}
			}
		}
	}
	l.mu.Unlock()
	l.closeAll(doomed, "session_ended", "Session ended")
}

func (l *liveLayer) closeAll(doomed []*socket, reason, message string) {
	if len(doomed) == 0 {
		return
	}
	go func() {
		for _, s := range doomed {
			refuse(reason)
			s.conn.CloseWith(gqlws.CloseForbidden, message)
		}
	}()
}

func (l *liveLayer) pruneLocked(now time.Time) {
	for id, at := range l.ended {
		if now.Sub(at) > recentEnds {
			delete(l.ended, id)
		}
	}
	for id, e := range l.endedAll {
		if now.Sub(e.at) > recentEnds {
			delete(l.endedAll, id)
		}
	}
}

// reconnected runs after the listener came back: announcements may have
// been lost, so open sessions are checked again (one query) and every
// subscription is told to resync.
func (l *liveLayer) reconnected() {
	go func() {
		l.mu.Lock()
		ids := make([]uuid.UUID, 0, len(l.bySession))
		for id := range l.bySession {
			ids = append(ids, id)
		}
		l.mu.Unlock()
		if len(ids) > 0 {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			active, err := l.identity.ActiveSessions(ctx, ids)
			cancel()
			if err != nil {
				l.log.Warn("live: check sessions after reconnect", "err", err)
			} else {
				var doomed []*socket
				l.mu.Lock()
				for _, id := range ids {
					if active[id] {
						continue
					}
					for s := range l.bySession[id] {
						doomed = append(doomed, s)
					}
				}
				l.mu.Unlock()
				l.closeAll(doomed, "session_ended", "Session ended")
			}
		}
		l.reg.Resync()
	}()
}

// opened registers a socket with the live layer (the transport's OnOpen).
// The client of the upgrade request's context remembers it, for wsInit and
// closed.
func (l *liveLayer) opened(ctx context.Context, conn gqlws.Conn) {
	c := clientFrom(ctx)
	c.ws = l.open(conn, c.meta.IP)
}

// closed unregisters the socket (the transport's OnClose).
func (l *liveLayer) closed(ctx context.Context, _ int) {
	if s := clientFrom(ctx).ws; s != nil {
		l.close(s)
	}
}

// endWith returns the OnEnd of a stream: when the caller loses the right to
// see it (a grant revoked mid-stream), the operation ends with a FORBIDDEN
// error instead of a plain complete.
func endWith(ctx context.Context) func(revoked bool) {
	return func(revoked bool) {
		if !revoked {
			return
		}
		refuse("permission_lost")
		gqlws.AddError(ctx, &gqlerror.Error{
			Message:    i18n.T(i18n.FromContext(ctx), "error.forbidden", nil),
			Path:       graphql.GetPath(ctx),
			Extensions: map[string]any{"code": apperr.Forbidden},
		})
	}
}

// LiveSubscriptions is the number of live subscription streams on this
// server, and LiveSockets the number of open WebSockets (tests check that
// both return to zero when clients leave).
func (r *Resolver) LiveSubscriptions() int { return r.live.reg.Len() }

// LiveSockets: see LiveSubscriptions.
func (r *Resolver) LiveSockets() int {
	r.live.mu.Lock()
	defer r.live.mu.Unlock()
	n := 0
	for _, set := range r.live.bySession {
		n += len(set)
	}
	for _, c := range r.live.perIP {
		n += c
	}
	return n
}
