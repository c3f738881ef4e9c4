package budget

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
)

// A ballot cast with a code or through an account is one statement:
// budget_cast_ballot (migration 042) finds the voter, takes the share lock
// on the edition, checks the phase and writes the marker, the sealed
// envelope, the code's used_at and the survey token. The picks are
// validated here first, against the edition's rules kept in memory
// (rulesCache); the statement checks that those rules are still the
// edition's (its updated_at, which every status change bumps) and that the
// voter's district is the one the picks were validated for. When either is
// not so it writes nothing and says so, and the ballot is validated again
// and sent again: after a phase change, for the first ballot of an edition
// on this instance, or for an invalid ballot, whose error must come after
// those of the code and the phase.

// maxCastAttempts bounds the rounds of a ballot whose edition keeps
// changing under it.
const maxCastAttempts = 5

const castSQL = `select r_status, r_edition, r_district, r_voted_at, r_survey, r_box_full
	from budget_cast_ballot($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`

// castRequest is one call of budget_cast_ballot and, once sent, its answer.
type castRequest struct {
	ctx            context.Context
	code           []byte    // code channel
	account, child uuid.UUID // account channel
	edition        uuid.UUID // whose rules validated the picks (Nil: none yet)
	rulesAt        time.Time
	district       *string // validated for (nil: look up only)
	keyHash, check []byte
	now            time.Time
	boxKeyID       string
	sealed         []byte
	tokenHash      []byte
	tokenDay       time.Time

	res  castResult
	err  error
	done chan struct{}
}

// castResult is budget_cast_ballot's answer.
type castResult struct {
	status   string
	edition  uuid.UUID
	district string
	votedAt  time.Time
	survey   bool
	boxFull  bool
}

func (r *castRequest) args(boxBatch int) []any {
	var edition *uuid.UUID
	var rulesAt *time.Time
	if r.edition != uuid.Nil {
		edition, rulesAt = &r.edition, &r.rulesAt
	}
	var tokenDay *time.Time
	if r.tokenHash != nil {
		tokenDay = &r.tokenDay
	}
	return []any{r.code, uuidOrNil(r.account), uuidOrNil(r.child), edition, rulesAt, r.district, r.keyHash, r.check, r.now,
		ballotBoxKind, r.boxKeyID, r.sealed, boxBatch, r.tokenHash, tokenDay}
}

func uuidOrNil(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// scan reads one answer of castSQL.
func (res *castResult) scan(row interface{ Scan(...any) error }) error {
	var edition *uuid.UUID
	var district *string
	var votedAt *time.Time
	if err := row.Scan(&res.status, &edition, &district, &votedAt, &res.survey, &res.boxFull); err != nil {
		return fmt.Errorf("cast ballot: %w", err)
	}
	if edition != nil {
		res.edition = *edition
	}
	if district != nil {
		res.district = *district
	}
	if votedAt != nil {
		res.votedAt = *votedAt
	}
	return nil
}

// castCall is who casts a ballot: a voting code, or an account (for itself,
// or for a child registered to it).
type castCall struct {
	code           []byte
	account, child uuid.UUID
	// authorise checks the account channel's caller against the edition as
	// the rules were read with it.
	authorise func(e *Edition) error
}

// cast casts one ballot in one statement (most of the time; see above).
// editionID is Nil for a code, whose edition the picks' pools suggest.
func (s *Service) cast(ctx context.Context, c castCall, editionID uuid.UUID, key string,
	picks map[uuid.UUID][]uuid.UUID) (Receipt, error) {
	if editionID == uuid.Nil {
		editionID = s.rules.editionOf(picks)
	}
	r := s.rules.cached(editionID)
	var voterDistrict string
	districtKnown := false
	for range maxCastAttempts {
		if r == nil && editionID != uuid.Nil {
			e, err := loadEdition(ctx, s.pool, editionID, "")
			if err != nil {
				return Receipt{}, err
			}
			if r, err = s.ballotRules(ctx, s.pool, e); err != nil {
				return Receipt{}, err
			}
		}
		req := &castRequest{ctx: ctx, code: c.code, account: c.account, child: c.child, now: s.now()}
		var receipt Receipt
		var token string
		if r != nil {
			if c.authorise != nil {
				if err := c.authorise(r.edition); err != nil {
					return Receipt{}, err
				}
			}
			req.edition, req.rulesAt = r.edition.ID, r.updatedAt
			district := voterDistrict
			if !districtKnown {
				district = r.districtOf(picks)
			}
			valid, canonical, err := r.check(district, picks)
			switch {
			case err != nil && districtKnown:
				return Receipt{}, err
			case err == nil:
				receipt = Receipt{BallotID: ballotID(r.edition.ID, key), EditionID: r.edition.ID, CastOn: castDay(req.now)}
				req.district = &district
				req.keyHash, req.check = keyHashes(r.edition.ID, key, canonical)
				contents, err := sealedBallot(nil, receipt, valid)
				if err != nil {
					return Receipt{}, err
				}
				if req.boxKeyID, req.sealed, err = s.box.Seal(ballotBoxKind, r.edition.ID, contents); err != nil {
					return Receipt{}, err
				}
				if token, req.tokenHash, err = newSurveyToken(); err != nil {
					return Receipt{}, err
				}
				req.tokenDay = warsawDay(req.now)
			}
		}
		res, err := s.send(ctx, req)
		if err != nil {
			return Receipt{}, err
		}
		switch res.status {
		case "cast":
			if res.survey {
				receipt.SurveyToken = token
			}
			return receipt, nil
		case "retry":
			receipt.CastOn = castDay(res.votedAt)
			return receipt, nil
		case "stale":
			editionID, r = res.edition, nil
		case "district":
			voterDistrict, districtKnown = res.district, true
		case "already":
			return Receipt{}, ErrAlreadyVoted
		case "key_reused":
			return Receipt{}, ErrKeyReused
		case "code_invalid":
			return Receipt{}, ErrCodeInvalid
		case "closed":
			return Receipt{}, ErrVotingClosed
		case "not_registered":
			return Receipt{}, ErrNotRegistered
		case "not_found", "child_unknown":
			return Receipt{}, apperr.ErrNotFound
		default:
			return Receipt{}, fmt.Errorf("cast ballot: unknown status %q", res.status)
		}
	}
	return Receipt{}, errors.New("cast ballot: the edition kept changing")
}

// newSurveyToken returns a participation-survey token (256 random bits)
// and its hash; budget_cast_ballot stores the hash when the edition has a
// survey, without any link to the ballot, the voter or the account: only
// the hash, the edition and the Warsaw day of issue. The token is handed
// to the voter with the first cast only.
func newSurveyToken() (token string, hash []byte, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("survey token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	return token, surveyTokenHash(token), nil
}

// cached returns the rules of a frozen edition read before, or nil.
func (c *rulesCache) cached(editionID uuid.UUID) *ballotRules {
	if editionID == uuid.Nil {
		return nil
	}
	if v, ok := c.m.Load(editionID); ok {
		return v.(*ballotRules)
	}
	return nil
}

// editionOf returns the edition of the first of the picks' pools this
// instance knows, or Nil.
func (c *rulesCache) editionOf(picks map[uuid.UUID][]uuid.UUID) uuid.UUID {
	for pool := range picks {
		if v, ok := c.pools.Load(pool); ok {
			return v.(uuid.UUID)
		}
	}
	return uuid.Nil
}

// districtOf is the district the picks suggest: that of their district
// pool ("" for none, or for pools of several districts, which check
// refuses whatever the voter's district is).
func (rules *ballotRules) districtOf(picks map[uuid.UUID][]uuid.UUID) string {
	district := ""
	for _, p := range rules.pools {
		if _, ok := picks[p.ID]; ok && p.Kind == KindDistrict {
			if district != "" && district != p.District {
				return ""
			}
			district = p.District
		}
	}
	return district
}

// send runs req: in a transaction shared with other ballots when group
// commit is on, else on its own. Either way the answer comes after the
// commit, and after the box, when the ballot filled it, was mixed.
func (s *Service) send(ctx context.Context, req *castRequest) (castResult, error) {
	if g := s.group; g != nil {
		return g.send(ctx, req)
	}
	var res castResult
	if err := res.scan(s.pool.QueryRow(ctx, castSQL, req.args(s.box.Batch())...)); err != nil {
		return castResult{}, err
	}
	s.afterCast([]*castRequest{{res: res}})
	return res, nil
}

// afterCast mixes the boxes the committed ballots filled and tells this
// instance's live watchers of their editions.
func (s *Service) afterCast(done []*castRequest) {
	full, cast := map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	for _, r := range done {
		if r.err == nil && r.res.status == "cast" {
			cast[r.res.edition] = true
			full[r.res.edition] = full[r.res.edition] || r.res.boxFull
		}
	}
	for edition := range cast {
		if full[edition] {
			s.mix(edition)
		}
		s.hub().kick(edition)
	}
}

// Mix states of an edition's box on this instance.
const (
	mixIdle    = iota
	mixRunning // a caller is mixing the box
	mixAgain   // and another ballot filled it meanwhile: mix once more
)

// mix mixes an edition's full box, once however many ballots on this
// instance report it full at the same time: a report that comes while a
// mix runs makes the mixing caller mix again after it, instead of waiting
// on the box's lock to find it no longer full.
func (s *Service) mix(edition uuid.UUID) {
	v, _ := s.mixing.LoadOrStore(edition, new(atomic.Int32))
	state := v.(*atomic.Int32)
	for {
		if state.CompareAndSwap(mixIdle, mixRunning) {
			break
		}
		if state.CompareAndSwap(mixRunning, mixAgain) || state.Load() == mixAgain {
			return
		}
	}
	for {
		s.box.MixIfFull(context.Background(), ballotBoxKind, edition)
		if state.CompareAndSwap(mixRunning, mixIdle) {
			return
		}
		state.Store(mixRunning) // was mixAgain
	}
}

// GroupCommit configures how concurrent ballots share transactions.
type GroupCommit struct {
	// Max is the most ballots one transaction takes; 0 or 1 turns group
	// commit off (each ballot is its own statement and transaction).
	Max int
	// Window is how long a transaction waits for more ballots once one
	// is ready to go; 0 takes what has gathered while the previous
	// transactions ran.
	Window time.Duration
	// InFlight is how many shared transactions may run at once
	// (DefaultGroupCommit's when 0).
	InFlight int
}

// groupTimeout bounds a shared transaction, which no caller's context
// does.
const groupTimeout = time.Minute

// DefaultGroupCommit is on: in the whole Kraków replay on this project's
// 2-CPU machine it cast 13 % more ballots per second with 20 % less CPU
// per ballot than one transaction per ballot, and it writes the markers of
// a batch in shuffled order (docs/benchmarks.md). InFlight 0 means half the
// CPUs, at least 1: a shared transaction runs on one PostgreSQL backend,
// so a bigger machine runs more of them at once; on 2 CPUs, 1 gathered the
// most ballots per commit of 1, 2 and 4.
var DefaultGroupCommit = GroupCommit{Max: 64, Window: 0, InFlight: 0}

// SetGroupCommit configures group commit (before the first ballot).
func (s *Service) SetGroupCommit(cfg GroupCommit) {
	if cfg.Max <= 1 {
		s.group = nil
		return
	}
	if cfg.InFlight <= 0 {
		cfg.InFlight = max(1, runtime.GOMAXPROCS(0)/2)
	}
	s.group = &groupCommit{s: s, cfg: cfg, slots: make(chan struct{}, cfg.InFlight), filled: make(chan struct{}, 1)}
}

// groupCommit gathers ballots that arrive together into one transaction:
// one round trip (a pipeline that PostgreSQL runs as one implicit
// transaction), one commit. Ballots wait in a queue while InFlight
// transactions run; the next transaction takes up to Max of them, in
// shuffled order, so that nothing in the rows follows the order of arrival.
type groupCommit struct {
	s      *Service
	cfg    GroupCommit
	slots  chan struct{}
	filled chan struct{} // the queue reached Max

	mu      sync.Mutex
	queue   []*castRequest
	leading bool // a goroutine will take the queue
}

func (g *groupCommit) send(ctx context.Context, req *castRequest) (castResult, error) {
	req.done = make(chan struct{})
	g.mu.Lock()
	g.queue = append(g.queue, req)
	if len(g.queue) >= g.cfg.Max {
		select {
		case g.filled <- struct{}{}:
		default:
		}
	}
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if lead {
		// The caller runs the transaction that takes its ballot itself: a
		// lone ballot costs no hand-over between goroutines.
		g.lead()
	}
	select {
	case <-req.done:
		return req.res, req.err
	case <-ctx.Done():
		// The ballot may still go in: a retry with its key tells.
		return castResult{}, ctx.Err()
	}
}

// lead waits for a free transaction, takes the queue (up to Max) and runs
// it, handing what is left to another leader.
func (g *groupCommit) lead() {
	g.slots <- struct{}{}
	if g.cfg.Window > 0 {
		t := time.NewTimer(g.cfg.Window)
		select {
		case <-t.C:
		case <-g.filled:
		}
		t.Stop()
	}
	g.mu.Lock()
	n := min(len(g.queue), g.cfg.Max)
	batch := append([]*castRequest(nil), g.queue[:n]...)
	g.queue = append([]*castRequest(nil), g.queue[n:]...)
	select {
	case <-g.filled:
	default:
	}
	more := len(g.queue) > 0
	g.leading = more
	g.mu.Unlock()
	if more {
		go g.lead()
	}
	g.run(batch, func() { <-g.slots })
}

// run sends batch in one transaction, calls release once it is over, and
// answers every caller after its commit (and after mixing the boxes it
// filled, outside the transaction's slot). A ballot whose caller has gone
// is left out. When the transaction fails as a whole (a lost connection, a
// deadlock between two batches), nothing of it is acknowledged: each ballot
// is sent again on its own, and a failure then is the caller's (INTERNAL,
// retryable with the same key).
func (g *groupCommit) run(batch []*castRequest, release func()) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			close(r.done)
			continue
		}
		live = append(live, r)
	}
	s := g.s
	alone := len(live) == 1
	if len(live) > 1 {
		mrand.Shuffle(len(live), func(i, j int) { live[i], live[j] = live[j], live[i] })
		// Not a caller's context: the others still wait for the commit.
		ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
		if err := g.pipeline(ctx, live); err != nil {
			s.log.Warn("ballots: shared transaction failed, each ballot goes alone", "ballots", len(live), "err", err)
			alone = true
		}
		cancel()
	}
	if alone {
		for _, r := range live {
			r.err = r.res.scan(s.pool.QueryRow(r.ctx, castSQL, r.args(s.box.Batch())...))
		}
	}
	release()
	s.afterCast(live)
	for _, r := range live {
		close(r.done)
	}
}

// pipeline sends the ballots as one batch: without BEGIN, PostgreSQL runs a
// pipeline up to its Sync as one implicit transaction, committed at the
// Sync, so that an error anywhere writes nothing. Only when Close reports
// no error has the commit happened.
func (g *groupCommit) pipeline(ctx context.Context, live []*castRequest) error {
	s := g.s
	b := &pgx.Batch{}
	for _, r := range live {
		b.Queue(castSQL, r.args(s.box.Batch())...)
	}
	br := s.pool.SendBatch(ctx, b)
	var err error
	for _, r := range live {
		if err = r.res.scan(br.QueryRow()); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		for _, r := range live {
			r.res = castResult{}
		}
	}
	return err
}
