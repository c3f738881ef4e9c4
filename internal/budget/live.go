package budget

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
)

// Live turnout and standings.
//
// While an edition has subscribers, one goroutine per edition and instance
// polls the counts (turnout: the "has voted" markers; standings: sums of
// the picks per project) every interval and hands a new snapshot to every
// subscriber only when it changed. Each subscriber keeps only the newest
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
	edition     Edition
	liveResults bool
	ballots     int
	pools       []PoolStanding
	at          time.Time
}

func (a *liveSnapshot) same(b *liveSnapshot) bool {
	return a.edition.Status == b.edition.Status && a.edition.LiveThreshold == b.edition.LiveThreshold &&
		a.liveResults == b.liveResults && a.ballots == b.ballots && reflect.DeepEqual(a.pools, b.pools)
}

type liveHub struct {
	mu       sync.Mutex
	interval time.Duration
	feeds    map[uuid.UUID]*liveFeed
	running  atomic.Int64 // pollers running (tests)
}

type liveFeed struct {
	subs map[*liveSub]struct{}
	last *liveSnapshot
	stop context.CancelFunc
}

// liveSub is one subscriber's mailbox of one snapshot.
type liveSub struct{ box chan *liveSnapshot }

// offer puts snap in the mailbox, replacing an unread older one; it never
// blocks.
func (l *liveSub) offer(snap *liveSnapshot) {
	for {
		select {
		case l.box <- snap:
			return
		default:
		}
		select {
		case <-l.box:
		default:
		}
	}
}

var liveHubs sync.Map // *Service → *liveHub

func (s *Service) hub() *liveHub {
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

// SubscribeTurnout streams an edition's turnout (and standings, where the
// caller may see them) to a caller who may read the edition: the current
// value at once, then each change, coalesced to the newest. The channel is
// closed when ctx ends or the caller may no longer read the edition.
func (s *Service) SubscribeTurnout(ctx context.Context, editionID uuid.UUID) (<-chan Turnout, error) {
	if _, err := s.Edition(ctx, editionID); err != nil {
		return nil, err
	}
	h := s.hub()
	sub := &liveSub{box: make(chan *liveSnapshot, 1)}
	h.mu.Lock()
	f := h.feeds[editionID]
	if f == nil {
		pctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		f = &liveFeed{subs: map[*liveSub]struct{}{}, stop: stop}
		h.feeds[editionID] = f
		h.running.Add(1)
		go s.poll(pctx, h, f, editionID, h.interval)
	}
	f.subs[sub] = struct{}{}
	if f.last != nil {
		sub.offer(f.last)
	}
	h.mu.Unlock()

	out := make(chan Turnout, 1)
	go func() {
		defer close(out)
		defer h.leave(editionID, f, sub)
		for {
			select {
			case <-ctx.Done():
				return
			case snap := <-sub.box:
				t, ok := viewTurnout(ctx, snap)
				if !ok {
					return
				}
				select {
				case out <- t:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// leave removes a subscriber and stops the feed's poller with the last one.
func (h *liveHub) leave(editionID uuid.UUID, f *liveFeed, sub *liveSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(f.subs, sub)
	if len(f.subs) == 0 {
		f.stop()
		if h.feeds[editionID] == f {
			delete(h.feeds, editionID)
		}
	}
}

// poll reads the edition's counts at once and then every interval until
// ctx ends, handing changed snapshots to the feed's subscribers.
func (s *Service) poll(ctx context.Context, h *liveHub, f *liveFeed, editionID uuid.UUID, interval time.Duration) {
	defer h.running.Add(-1)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		snap, err := s.liveCounts(ctx, editionID)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("budget: live counts", "edition", editionID, "err", err)
		}
		if err == nil {
			h.mu.Lock()
			if f.last == nil || !f.last.same(snap) {
				f.last = snap
				for sub := range f.subs {
					sub.offer(snap)
				}
			}
			h.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// liveCounts reads an edition's turnout and standings (no permission
// check: viewTurnout applies the viewer's).
func (s *Service) liveCounts(ctx context.Context, editionID uuid.UUID) (*liveSnapshot, error) {
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
	rows, err := s.pool.Query(ctx, `select l.id, (select count(distinct k.ballot_id) from budget_ballot_picks k where k.pool_id = l.id)
		from budget_pools l where l.edition_id = $1 order by l.position, l.id`, editionID)
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
	rows, err = s.pool.Query(ctx, `select p.pool_id, p.id, count(k.project_id),
			coalesce(sum(case when l.ballot_kind = 'ranked' then coalesce(l.points[k.rank], 0) else 1 end), 0) as score
		from budget_projects p join budget_pools l on l.id = p.pool_id
		left join budget_ballot_picks k on k.project_id = p.id
		where l.edition_id = $1 and p.status = 'eligible'
		group by p.pool_id, p.id, p.code order by p.pool_id, score desc, p.code`, editionID)
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

// viewTurnout applies the viewer's permissions to a snapshot; ok is false
// when the viewer may no longer read the edition.
func viewTurnout(ctx context.Context, snap *liveSnapshot) (Turnout, bool) {
	e := snap.edition
	if !authz.Can(ctx, ActRead, e.Object()) {
		return Turnout{}, false
	}
	t := Turnout{EditionID: e.ID, Ballots: snap.ballots, At: snap.at}
	if snap.liveResults || authz.Can(ctx, ActRead, e.resultObject()) {
		t.Standings = snap.pools
	}
	return t, true
}
