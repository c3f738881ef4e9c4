package budget

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/live"
)

// Live turnout and standings.
//
// While an edition has subscribers, one goroutine per edition and instance
// polls the counts (turnout: the "has voted" markers; standings: sums of
// the picks per project) every interval and hands a new snapshot to every
// subscriber only when it changed. The standings are read only when a
// watcher may be shown them (staff, or an edition that shows live results):
// at Kraków's size they cost far more than the turnout. Each subscriber keeps only the newest
// snapshot (a one-slot mailbox that the poller overwrites), so a slow
// client never blocks the poller or the others, and a burst of ballots
// becomes one update per interval. Casting pays nothing for it (no trigger,
// no NOTIFY on the write path), and it crosses instances for free because
// it reads the database. The poller stops when the last subscriber leaves.
//
// The hub lives beside the Service (one per Service, made on first use)
// rather than in a field, so that the Service's constructor stays as it is.

// DefaultLiveInterval is how often a watched edition is polled.
const DefaultLiveInterval = time.Second

// Turnout is one live update of an edition as one viewer may see it.
type Turnout struct {
	EditionID uuid.UUID
	Ballots   int // voters who have voted (all channels)
	At        time.Time
	// Standings are nil unless the viewer may see them: when the edition
	// shows live results, or to staff.
	Standings []PoolStanding
}

// PoolStanding is a pool's live count. Projects is empty while the pool
// has fewer ballots than the edition's live threshold (Withheld).
type PoolStanding struct {
	PoolID   uuid.UUID
	Ballots  int
	Withheld bool
	Projects []ProjectStanding // by score, then code
}

// ProjectStanding is a project's live count.
type ProjectStanding struct {
	ProjectID uuid.UUID
	Votes     int64
	Score     int64
}

// liveSnapshot is what the poller reads: everything, before a viewer's
// permissions are applied.
type liveSnapshot struct {
	edition      Edition
	liveResults  bool
	ballots      int
	hasStandings bool // pools were read (see liveCounts)
	pools        []PoolStanding
	at           time.Time
}

// sameTurnout tells whether b shows nothing new against a to a view
// without standings.
func (a *liveSnapshot) sameTurnout(b *liveSnapshot) bool {
	return a.edition.Status == b.edition.Status && a.edition.LiveThreshold == b.edition.LiveThreshold &&
		a.liveResults == b.liveResults && a.ballots == b.ballots
}

// same tells whether b shows nothing new against a to any view. A reading
// without standings (no watcher needs them any more) shows only the
// turnout.
func (a *liveSnapshot) same(b *liveSnapshot) bool {
	return a.sameTurnout(b) && (!b.hasStandings || a.hasStandings && reflect.DeepEqual(a.pools, b.pools))
}

type liveHub struct {
	mu       sync.Mutex
	interval time.Duration
	feeds    map[uuid.UUID]*liveFeed
	running  atomic.Int64 // pollers running (tests)
	// standingsReads counts the readings that summed the standings (tests).
	standingsReads atomic.Int64
}

type liveFeed struct {
	watchers map[*turnoutWatcher]struct{}
	last     *liveSnapshot
	stop     context.CancelFunc
	kick     chan struct{} // a ballot was cast here: poll soon
}

type turnoutWatcher struct {
	f    func(TurnoutSnapshot)
	view func() live.View // the widest view it shows now
}

// needsStandings tells whether view shows the standings of a snapshot
// whose edition does not show live results.
func needsStandings(view live.View) bool { return view >= ViewStandings }

// minPollGap spaces the polls of a busy edition: a burst of ballots cast on
// this instance becomes one reading per gap, not one per ballot.
const minPollGap = 100 * time.Millisecond

// pollCostFactor spaces polls by their own cost as well: a reading (the
// standings sum every pick of the edition, so it grows with the turnout)
// is followed by at least pollCostFactor times its duration without one,
// which keeps the poller under a fifth of one connection's time and of
// PostgreSQL's work for the edition however large it gets. Counts stay
// exact: each reading is a whole one, only fewer are taken while busy.
const pollCostFactor = 4

var liveHubs sync.Map // *Service → *liveHub

func (s *Service) hub() *liveHub {
	if h, ok := liveHubs.Load(s); ok {
		return h.(*liveHub)
	}
	h, _ := liveHubs.LoadOrStore(s, &liveHub{interval: DefaultLiveInterval, feeds: map[uuid.UUID]*liveFeed{}})
	return h.(*liveHub)
}

// SetLiveInterval sets how often watched editions are polled (tests); it
// applies to pollers started afterwards.
func (s *Service) SetLiveInterval(d time.Duration) {
	h := s.hub()
	h.mu.Lock()
	h.interval = d
	h.mu.Unlock()
}

// LivePollers is the number of pollers running (tests check that they stop).
func (s *Service) LivePollers() int { return int(s.hub().running.Load()) }

// LiveStandingsReads is how many live readings have summed the standings
// (tests check that nobody's view asks for them in vain).
func (s *Service) LiveStandingsReads() int { return int(s.hub().standingsReads.Load()) }

// TurnoutSnapshot is one reading of an edition's counts, shared by every
// watcher and read-only.
type TurnoutSnapshot struct {
	snap *liveSnapshot
	// onlyStandings: against the previous reading, only the standings
	// changed (or were read at all), which views without them do not show.
	onlyStandings bool
}

// newsFor tells whether the snapshot shows view v anything the previous
// one did not (a watcher's first snapshot always does).
func (t TurnoutSnapshot) newsFor(v live.View) bool {
	return !t.onlyStandings || needsStandings(v) || t.snap.liveResults
}

// Views of live turnout (see TurnoutView).
const (
	ViewTurnout   live.View = 1 // turnout; standings too when the edition shows live results
	ViewStandings live.View = 2 // turnout and standings (staff)
)

// For is the snapshot as seen with view v; nothing for a view that shows
// standings when they were not read (the next reading has them).
func (t TurnoutSnapshot) For(v live.View) (Turnout, bool) {
	if v == live.Hidden || t.snap == nil || (needsStandings(v) && !t.snap.hasStandings) {
		return Turnout{}, false
	}
	out := Turnout{EditionID: t.snap.edition.ID, Ballots: t.snap.ballots, At: t.snap.at}
	if v >= ViewStandings || t.snap.liveResults {
		out.Standings = t.snap.pools
	}
	return out, true
}

// TurnoutView decides, in memory, what the caller in ctx may see of e's
// live counts: Hidden when they may not read the edition.
func TurnoutView(ctx context.Context, e *Edition) live.View {
	switch {
	case !authz.Can(ctx, ActRead, e.Object()):
		return live.Hidden
	case authz.Can(ctx, ActRead, e.resultObject()):
		return ViewStandings
	default:
		return ViewTurnout
	}
}

// WatchTurnout calls f with the edition's counts at once (if already read)
// and after each change, until stop is called. One poller per edition and
// instance reads them, only while someone watches: every interval, and
// soon after a ballot is cast on this instance. view tells the widest view
// f will use (it may change; the poller asks before each reading): the
// standings are read only when a watcher's view shows them. f runs on the
// poller's goroutine and must not block. The caller checks that the
// watcher may read the edition (TurnoutView).
func (s *Service) WatchTurnout(editionID uuid.UUID, view func() live.View, f func(TurnoutSnapshot)) (stop func()) {
	h := s.hub()
	w := &turnoutWatcher{f: f, view: view}
	h.mu.Lock()
	feed := h.feeds[editionID]
	if feed == nil {
		pctx, cancel := context.WithCancel(context.Background())
		feed = &liveFeed{watchers: map[*turnoutWatcher]struct{}{}, stop: cancel, kick: make(chan struct{}, 1)}
		h.feeds[editionID] = feed
		h.running.Add(1)
		go s.poll(pctx, h, feed, editionID, h.interval)
	}
	feed.watchers[w] = struct{}{}
	last := feed.last
	h.mu.Unlock()
	switch {
	case last != nil && (last.hasStandings || !needsStandings(view())):
		f(TurnoutSnapshot{snap: last})
	case last != nil:
		h.kick(editionID) // the standings, soon
	}
	var once sync.Once
	return func() { once.Do(func() { h.leave(editionID, feed, w) }) }
}

// needsStandings tells whether a watcher of f may be shown the standings.
func (h *liveHub) needsStandings(f *liveFeed) bool {
	h.mu.Lock()
	views := make([]func() live.View, 0, len(f.watchers))
	for w := range f.watchers {
		views = append(views, w.view)
	}
	h.mu.Unlock()
	// Outside the hub's lock: a view takes its feed's lock.
	for _, v := range views {
		if needsStandings(v()) {
			return true
		}
	}
	return false
}

// kick asks the edition's poller on this instance, if any, to read soon.
func (h *liveHub) kick(editionID uuid.UUID) {
	h.mu.Lock()
	feed := h.feeds[editionID]
	h.mu.Unlock()
	if feed != nil {
		select {
		case feed.kick <- struct{}{}:
		default:
		}
	}
}

// leave removes a watcher and stops the feed's poller with the last one.
func (h *liveHub) leave(editionID uuid.UUID, f *liveFeed, w *turnoutWatcher) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(f.watchers, w)
	if len(f.watchers) == 0 {
		f.stop()
		if h.feeds[editionID] == f {
			delete(h.feeds, editionID)
		}
	}
}

// poll reads the edition's counts at once, then every interval or soon
// after a kick (a kick no sooner than minPollGap after the last reading
// began, and either no sooner than pollCostFactor times its duration),
// until ctx ends, handing changed snapshots to the watchers.
func (s *Service) poll(ctx context.Context, h *liveHub, f *liveFeed, editionID uuid.UUID, interval time.Duration) {
	defer h.running.Add(-1)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		read := time.Now()
		snap, err := s.liveCounts(ctx, editionID, h.needsStandings(f))
		if err != nil && ctx.Err() == nil {
			s.log.Warn("budget: live counts", "edition", editionID, "err", err)
		}
		if err == nil {
			h.mu.Lock()
			var watchers []*turnoutWatcher
			changed := f.last == nil || !f.last.same(snap)
			onlyStandings := f.last != nil && f.last.sameTurnout(snap)
			f.last = snap
			if changed {
				watchers = make([]*turnoutWatcher, 0, len(f.watchers))
				for w := range f.watchers {
					watchers = append(watchers, w)
				}
			}
			h.mu.Unlock()
			// Outside the hub's lock: watchers take their own locks.
			for _, w := range watchers {
				w.f(TurnoutSnapshot{snap: snap, onlyStandings: onlyStandings})
			}
		}
		took := time.Since(read)
		gap := pollCostFactor * took
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-f.kick:
			gap = max(gap, minPollGap)
		}
		if wait := gap - time.Since(read); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}
}

// NewTurnoutFanout returns a fan-out of editions' live turnout to streams
// of T: prepare runs once per edition when its first stream arrives (it may
// read the database, e.g. the pools and projects to show), and the function
// it returns converts each snapshot once per view, however many streams
// watch.
func NewTurnoutFanout[T any](s *Service, reg *live.Registry, prepare func(editionID uuid.UUID) (func(Turnout) T, error)) *live.Fanout[uuid.UUID, T] {
	return live.NewFanout(reg, func(editionID uuid.UUID, feed *live.Feed[T]) (func(), error) {
		convert, err := prepare(editionID)
		if err != nil {
			return nil, err
		}
		return s.WatchTurnout(editionID, feed.MaxView, func(snap TurnoutSnapshot) {
			all := func(v live.View) (T, bool) {
				t, ok := snap.For(v)
				if !ok {
					var zero T
					return zero, false
				}
				return convert(t), true
			}
			feed.Update(func(v live.View) (T, bool) {
				if !snap.newsFor(v) {
					var zero T
					return zero, false
				}
				return all(v)
			}, all)
		}), nil
	})
}

// SubscribeTurnoutFanout starts a stream of the edition's turnout on fan
// for the caller in ctx, who must be able to read the edition (else
// ErrNotFound); the view is decided now and on every refresh of the
// registry. After a listener reconnect the stream gets the current value
// again. onEnd, if not nil, runs when the stream ends.
func SubscribeTurnoutFanout[T any](ctx context.Context, s *Service, fan *live.Fanout[uuid.UUID, T], field string,
	editionID uuid.UUID, onEnd func(revoked bool)) (*live.Stream[T], error) {
	e, err := s.Edition(ctx, editionID)
	if err != nil {
		return nil, err
	}
	// The view depends on these fields only; a subscription keeps no more
	// of the edition than they.
	e = &Edition{ID: e.ID, UnitID: e.UnitID, Status: e.Status}
	st, err := fan.Subscribe(ctx, editionID, live.StreamOptions[T]{
		Field:  field,
		Buffer: 1, // a counter: only the newest value matters
		Decide: func() live.View { return TurnoutView(ctx, e) },
		OnEnd:  onEnd,
		Resync: func(v live.View) (T, bool) { return fan.Latest(editionID, v) },
	})
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, apperr.ErrNotFound
	}
	if needsStandings(st.View()) {
		s.hub().kick(editionID) // the feed's last reading may lack the standings
	}
	return st, nil
}

// liveCounts reads an edition's turnout and, when standings is set or the
// edition shows live results, its standings (no permission check:
// TurnoutView applies the viewer's).
func (s *Service) liveCounts(ctx context.Context, editionID uuid.UUID, standings bool) (*liveSnapshot, error) {
	e, err := loadEdition(ctx, s.pool, editionID, "")
	if err != nil {
		return nil, err
	}
	st, err := loadResultState(ctx, s.pool, e)
	if err != nil {
		return nil, err
	}
	snap := &liveSnapshot{edition: *e, liveResults: st.LiveResults, at: s.now()}
	if err := s.pool.QueryRow(ctx, `select count(*) from budget_ballot_markers where edition_id = $1`, editionID).
		Scan(&snap.ballots); err != nil {
		return nil, err
	}
	if !standings && !snap.liveResults {
		return snap, nil
	}
	snap.hasStandings = true
	s.hub().standingsReads.Add(1)
	// One pass over the edition's ballots: a ballot's picks lie in (pool,
	// rank) order, so it counts once in a pool, at its first pick there.
	rows, err := s.pool.Query(ctx, `select l.id, coalesce(c.ballots, 0)
		from budget_pools l left join (select k.pool_id, count(*) as ballots
			from budget_ballots b cross join lateral unnest(b.pick_pools) with ordinality k(pool_id, n)
			where b.edition_id = $1 and (k.n = 1 or b.pick_pools[k.n - 1] <> k.pool_id)
			group by k.pool_id) c on c.pool_id = l.id
		where l.edition_id = $1 order by l.position, l.id`, editionID)
	if err != nil {
		return nil, err
	}
	index := map[uuid.UUID]int{}
	for rows.Next() {
		var ps PoolStanding
		if err := rows.Scan(&ps.PoolID, &ps.Ballots); err != nil {
			rows.Close()
			return nil, err
		}
		ps.Withheld = ps.Ballots < e.LiveThreshold
		ps.Projects = []ProjectStanding{}
		index[ps.PoolID] = len(snap.pools)
		snap.pools = append(snap.pools, ps)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The picks are summed per project in one pass over the edition's
	// ballots, then joined to the projects: joining each project to its
	// picks first has no index to use and took 6 s at Kraków's 65,101
	// ballots instead of 0.2 s.
	rows, err = s.pool.Query(ctx, `select p.pool_id, p.id, coalesce(s.votes, 0), coalesce(s.score, 0) as score
		from budget_projects p join budget_pools l on l.id = p.pool_id
		left join (select k.project_id, count(*) as votes,
				sum(case when kl.ballot_kind = 'ranked' then coalesce(kl.points[k.rank], 0) else 1 end) as score
			from budget_ballots b
			cross join lateral unnest(b.pick_pools, b.pick_projects, b.pick_ranks) k(pool_id, project_id, rank)
			join budget_pools kl on kl.id = k.pool_id
			where b.edition_id = $1 group by k.project_id) s on s.project_id = p.id
		where l.edition_id = $1 and p.status = 'eligible'
		order by p.pool_id, score desc, p.code`, editionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pool uuid.UUID
		var pr ProjectStanding
		if err := rows.Scan(&pool, &pr.ProjectID, &pr.Votes, &pr.Score); err != nil {
			return nil, err
		}
		if i, ok := index[pool]; ok && !snap.pools[i].Withheld {
			snap.pools[i].Projects = append(snap.pools[i].Projects, pr)
		}
	}
	return snap, rows.Err()
}
