package budget

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Ballot errors besides INVALID_INPUT on "picks".
var (
	// ErrAlreadyVoted: the voter cast a ballot under another key.
	ErrAlreadyVoted = apperr.New(apperr.Conflict, "ballot.already_cast")
	// ErrKeyReused: the key was used before for a ballot with other content.
	ErrKeyReused = apperr.New(apperr.Conflict, "ballot.key_reused")
	// ErrNotRegistered: the account is not on the edition's roll.
	ErrNotRegistered = apperr.New(apperr.Forbidden, "ballot.not_registered")
	// ErrVotingClosed: outside the voting window.
	ErrVotingClosed = apperr.New(apperr.PhaseClosed, "ballot.voting_closed")
	// ErrChangeNotAllowed: the edition does not allow changing a ballot, or
	// the ballot did not come from the voter's own account.
	ErrChangeNotAllowed = apperr.New(apperr.Forbidden, "ballot.change_not_allowed")
	// ErrKeyMismatch: the key presented is not the one of the voter's ballot.
	ErrKeyMismatch = apperr.New(apperr.Forbidden, "ballot.key_mismatch")
)

// Limits on the client's ballot key: it must be a secret with enough
// entropy, because it alone links a voter's marker to their ballot.
const (
	MinBallotKey = 16
	MaxBallotKey = 200
)

// BallotInput is one ballot: for each pool the chosen projects, in rank
// order for ranked pools.
type BallotInput struct {
	EditionID uuid.UUID
	// BallotKey is chosen by the client (a random secret) and makes casting
	// idempotent: a retry with the same key and content gets the same
	// receipt.
	BallotKey string
	Picks     map[uuid.UUID][]uuid.UUID
	// ChildVoterID, when set, casts the ballot of a child registered to the
	// caller as guardian (account channel only).
	ChildVoterID uuid.UUID
}

// Receipt confirms a cast ballot. BallotID is derived from the ballot key,
// so only the holder of the key can find the ballot.
type Receipt struct {
	BallotID  uuid.UUID
	EditionID uuid.UUID
	CastOn    time.Time // the day, in Warsaw
	// SurveyToken is the one-time participation-survey token, handed out
	// with the first cast only (empty on a retry or without a survey).
	SurveyToken string
}

type pick struct {
	pool, project uuid.UUID
	rank          int
}

// Channel is how a ballot came in; it is recorded on the voter's marker,
// never on the ballot.
type Channel string

const (
	ChannelAccount Channel = "account"
	ChannelCode    Channel = "code"
	ChannelPaper   Channel = "paper"
)

// CastBallot casts the calling verified resident's ballot ("cast") while
// voting is open, or with in.ChildVoterID the ballot of a child registered
// to the caller as guardian. The ballot must follow every pool's ballot
// rule: the city-wide pools and the voter's own district pool apply,
// required ones must be filled; anything else is INVALID_INPUT on "picks"
// with the exact reason. One ballot per voter is enforced by the database
// (the has-voted marker's primary key): a second key is ErrAlreadyVoted, the
// same key with other content ErrKeyReused. The ballot is stored without the
// voter. The first cast returns the participation-survey token (if any); a
// retry never returns a second one.
func (s *Service) CastBallot(ctx context.Context, in BallotInput) (Receipt, error) {
	if err := authz.Require(ctx, ActCast, authz.Object{Type: "ballot"}); err != nil {
		return Receipt{}, err
	}
	if err := checkKey("ballotKey", in.BallotKey); err != nil {
		return Receipt{}, err
	}
	if in.EditionID == uuid.Nil {
		return Receipt{}, apperr.ErrNotFound
	}
	authorise := func(e *Edition) error {
		if !authz.Can(ctx, ActRead, e.Object()) {
			return apperr.ErrNotFound
		}
		return authz.Require(ctx, ActCast, ballotObject(e))
	}
	return s.cast(ctx, castCall{account: authz.SubjectFrom(ctx).AccountID, child: in.ChildVoterID, authorise: authorise},
		in.EditionID, in.BallotKey, in.Picks)
}

// ChangeInput replaces the caller's ballot: BallotKey proves that they hold
// the current ballot, which is replaced by Picks under NewBallotKey.
type ChangeInput struct {
	EditionID    uuid.UUID
	BallotKey    string
	NewBallotKey string
	Picks        map[uuid.UUID][]uuid.UUID
}

// ChangeBallot replaces the calling account voter's ballot while voting is
// open, when the edition allows it ("change"). The marker takes the new key,
// and the box gets one envelope that drops the old ballot and puts the new
// one, so that a change too is written out among other ballots. Repeating the same change returns the same
// receipt. Not audited: an audit entry would tie the account to the moment
// its ballot changed.
func (s *Service) ChangeBallot(ctx context.Context, in ChangeInput) (Receipt, error) {
	if err := authz.Require(ctx, ActChange, authz.Object{Type: "ballot"}); err != nil {
		return Receipt{}, err
	}
	if err := checkKey("ballotKey", in.BallotKey); err != nil {
		return Receipt{}, err
	}
	if err := checkKey("newBallotKey", in.NewBallotKey); err != nil {
		return Receipt{}, err
	}
	if in.NewBallotKey == in.BallotKey {
		return Receipt{}, apperr.Invalid("newBallotKey", "ballot.key_invalid").With(map[string]any{"min": MinBallotKey, "max": MaxBallotKey})
	}
	account := authz.SubjectFrom(ctx).AccountID
	var receipt Receipt
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, in.EditionID, "for share")
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActRead, e.Object()) {
			return apperr.ErrNotFound
		}
		if err := authz.Require(ctx, ActChange, ballotObject(e)); err != nil {
			return err
		}
		if !e.AllowBallotChange {
			return ErrChangeNotAllowed
		}
		if !e.votingOpen(s.now()) {
			return ErrVotingClosed
		}
		var voterID uuid.UUID
		var district string
		err = tx.QueryRow(ctx, `select id, district from budget_voters where edition_id = $1 and account_id = $2`,
			e.ID, account).Scan(&voterID, &district)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotRegistered
		}
		if err != nil {
			return fmt.Errorf("read voter: %w", err)
		}
		var curKey, curCheck []byte
		var channel string
		var byGuardian bool
		var votedAt time.Time
		err = tx.QueryRow(ctx, `select ballot_key_hash, content_check, channel, cast_by_guardian, voted_at from budget_ballot_markers
			where voter_id = $1 for update`, voterID).Scan(&curKey, &curCheck, &channel, &byGuardian, &votedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrKeyMismatch // no ballot: no key can match
		}
		if err != nil {
			return fmt.Errorf("read marker: %w", err)
		}
		if channel != string(ChannelAccount) || byGuardian {
			return ErrChangeNotAllowed
		}
		picks, canonical, err := s.validate(ctx, tx, e, district, in.Picks)
		if err != nil {
			return err
		}
		newKey, newCheck := keyHashes(e.ID, in.NewBallotKey, canonical)
		receipt = Receipt{BallotID: ballotID(e.ID, in.NewBallotKey), EditionID: e.ID, CastOn: castDay(s.now())}
		if bytes.Equal(curKey, newKey) {
			// The change was made before: the same change is a retry.
			if !bytes.Equal(curCheck, newCheck) {
				return ErrKeyReused
			}
			receipt.CastOn = castDay(votedAt)
			return nil
		}
		if oldKey, _ := keyHashes(e.ID, in.BallotKey, ""); !bytes.Equal(curKey, oldKey) {
			return ErrKeyMismatch
		}
		// The marker first: a key another voter holds is refused by its
		// unique index before anything goes into the box.
		_, err = tx.Exec(ctx, `update budget_ballot_markers set ballot_key_hash = $2, content_check = $3, voted_at = $4
			where voter_id = $1`, voterID, newKey, newCheck, s.now())
		if isUnique(err) {
			return ErrKeyReused
		}
		if err != nil {
			return fmt.Errorf("update marker: %w", err)
		}
		old := ballotID(e.ID, in.BallotKey)
		contents, err := sealedBallot(&old, receipt, picks)
		if err != nil {
			return err
		}
		if err := s.box.Put(ctx, tx, ballotBoxKind, e.ID, contents); err != nil {
			return err
		}
		tx.OnCommit(func() { s.box.MixIfFull(ctx, ballotBoxKind, e.ID) })
		return nil
	})
	if err != nil {
		return Receipt{}, err
	}
	return receipt, nil
}

// checkKey checks a client's ballot key: it must be a secret with enough
// entropy, because it alone links a voter's marker to their ballot.
func checkKey(field, key string) error {
	if n := len(key); n < MinBallotKey || n > MaxBallotKey {
		return apperr.Invalid(field, "ballot.key_invalid").With(map[string]any{"min": MinBallotKey, "max": MaxBallotKey})
	}
	return nil
}

// castFor casts a ballot inside a caller's transaction (paper ballots,
// entered with their sheet): it validates the picks for the voter's
// district, writes the marker and seals the ballot's contents into the
// ballot box (box.go). Account and code ballots go in through cast
// (cast.go), the same rules in one statement (budget_cast_ballot). first is false for an idempotent
// retry (same key and content), which returns the earlier receipt. The
// caller has checked the phase and who the voter is, and holds a share lock
// on the edition.
func (s *Service) castFor(ctx context.Context, tx *db.Tx, e *Edition, voterID uuid.UUID, district string,
	in BallotInput, ch Channel, byGuardian bool) (receipt Receipt, first bool, err error) {
	picks, canonical, err := s.validate(ctx, tx, e, district, in.Picks)
	if err != nil {
		return Receipt{}, false, err
	}
	receipt = Receipt{BallotID: ballotID(e.ID, in.BallotKey), EditionID: e.ID, CastOn: castDay(s.now())}
	keyHash, check := keyHashes(e.ID, in.BallotKey, canonical)
	// The marker says who voted; the ballot goes into the box sealed
	// (ballotbox), written out later among others, so that nothing in the
	// database ties it to this transaction. The key's unique index refuses
	// a key another voter holds.
	var marked bool
	err = tx.QueryRow(ctx, `insert into budget_ballot_markers (voter_id, edition_id, ballot_key_hash, content_check, channel,
			cast_by_guardian, voted_at)
		values ($1, $2, $3, $4, $5, $6, $7) on conflict (voter_id) do nothing returning true`,
		voterID, e.ID, keyHash, check, string(ch), byGuardian, s.now()).Scan(&marked)
	if isUnique(err) {
		// Another voter used the same key: keys must be secret and random.
		return Receipt{}, false, ErrKeyReused
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Receipt{}, false, fmt.Errorf("insert marker: %w", err)
	}
	if marked {
		contents, err := sealedBallot(nil, receipt, picks)
		if err != nil {
			return Receipt{}, false, err
		}
		if err := s.box.Put(ctx, tx, ballotBoxKind, e.ID, contents); err != nil {
			return Receipt{}, false, err
		}
		// A full box is mixed at once; then watchers of the edition on this
		// instance see the ballot soon, not at the poller's next tick.
		tx.OnCommit(func() {
			s.box.MixIfFull(ctx, ballotBoxKind, e.ID)
			s.hub().kick(e.ID)
		})
		return receipt, true, nil
	}
	// Voted before (or a concurrent attempt just committed).
	var oldKey, oldCheck []byte
	var votedAt time.Time
	if err := tx.QueryRow(ctx, `select ballot_key_hash, content_check, voted_at from budget_ballot_markers where voter_id = $1`,
		voterID).Scan(&oldKey, &oldCheck, &votedAt); err != nil {
		return Receipt{}, false, fmt.Errorf("read marker: %w", err)
	}
	switch {
	case !bytes.Equal(oldKey, keyHash):
		return Receipt{}, false, ErrAlreadyVoted
	case !bytes.Equal(oldCheck, check):
		return Receipt{}, false, ErrKeyReused
	}
	receipt.CastOn = castDay(votedAt)
	return receipt, false, nil
}

// castDay is the Warsaw day of t, the only time a ballot keeps.
func castDay(t time.Time) time.Time {
	day := t.In(Warsaw)
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
}

// ballotID derives the ballot's id from the client's key.
func ballotID(editionID uuid.UUID, key string) uuid.UUID {
	return uuid.NewSHA1(editionID, []byte("ballot\x00"+key))
}

// keyHashes returns the marker's hashes: of the key (told apart from the
// ballot id by its prefix) and of the key with the content.
func keyHashes(editionID uuid.UUID, key, canonical string) (keyHash, check []byte) {
	k := sha256.Sum256([]byte("budget-ballot-key\x00" + editionID.String() + "\x00" + key))
	c := sha256.Sum256([]byte("budget-ballot-content\x00" + editionID.String() + "\x00" + key + "\x00" + canonical))
	return k[:], c[:]
}

// rulesCache holds each edition's pools and ballot projects once they are
// frozen (from the vote on), so that casting reads no rules from the
// database. An entry is keyed on the edition's status and updated_at, which
// every status change bumps; while the rules are frozen the data is the same
// on every instance, so a per-instance cache is safe.
type rulesCache struct {
	m     sync.Map // edition id → *ballotRules
	pools sync.Map // pool id → edition id, for a ballot cast with a code
}

type ballotRules struct {
	status    Status
	updatedAt time.Time
	pools     []Pool
	inPool    map[uuid.UUID]uuid.UUID // project → pool
	// edition is the edition as it was when the rules were read.
	edition *Edition
}

// frozen reports whether an edition's pools and projects can no longer
// change.
func (e *Edition) frozen() bool {
	return e.Status == StatusVoting || e.Status == StatusClosed || e.Status == StatusResultsPublished
}

// ballotRules returns the pools of e and the pool of each project that may
// be picked.
func (s *Service) ballotRules(ctx context.Context, q db.Querier, e *Edition) (*ballotRules, error) {
	if v, ok := s.rules.m.Load(e.ID); ok {
		r := v.(*ballotRules)
		if r.status == e.Status && r.updatedAt.Equal(e.UpdatedAt) {
			return r, nil
		}
	}
	pools, err := loadPools(ctx, q, e.ID)
	if err != nil {
		return nil, err
	}
	r := &ballotRules{status: e.Status, updatedAt: e.UpdatedAt, pools: pools, inPool: map[uuid.UUID]uuid.UUID{}, edition: e}
	// The project query: which projects are on the ballot, by pool.
	rows, err := q.Query(ctx, `select p.id, p.pool_id from budget_projects p join budget_pools l on l.id = p.pool_id
		where l.edition_id = $1 and p.status = 'eligible'`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("read projects: %w", err)
	}
	for rows.Next() {
		var id, pool uuid.UUID
		if err := rows.Scan(&id, &pool); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan project: %w", err)
		}
		r.inPool[id] = pool
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read projects: %w", err)
	}
	if e.frozen() {
		s.rules.m.Store(e.ID, r)
		for _, p := range pools {
			s.rules.pools.Store(p.ID, e.ID)
		}
	}
	return r, nil
}

// validate checks picks against the ballot rules of the pools that apply to
// a voter of district and returns them with a canonical form of the content.
func (s *Service) validate(ctx context.Context, q db.Querier, e *Edition, district string,
	picks map[uuid.UUID][]uuid.UUID) ([]pick, string, error) {
	rules, err := s.ballotRules(ctx, q, e)
	if err != nil {
		return nil, "", err
	}
	return rules.check(district, picks)
}

// check is validate once the rules are read: no database, so that it can be
// fuzzed.
func (rules *ballotRules) check(district string, picks map[uuid.UUID][]uuid.UUID) ([]pick, string, error) {
	applies := map[uuid.UUID]bool{}
	var mine []Pool
	for _, p := range rules.pools {
		if p.Kind == KindCity || p.District == district {
			applies[p.ID] = true
			mine = append(mine, p)
		}
	}
	chosen := make([]uuid.UUID, 0, len(picks))
	for id := range picks {
		chosen = append(chosen, id)
	}
	slices.SortFunc(chosen, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	for _, id := range chosen {
		if !applies[id] {
			return nil, "", apperr.Invalid("picks", "ballot.pool_not_allowed")
		}
	}
	inPool := rules.inPool
	var out []pick
	var canonical strings.Builder
	for _, p := range mine {
		got := picks[p.ID]
		args := map[string]any{"pool": p.Name, "count": p.PickCount}
		if len(got) == 0 {
			if p.Required {
				return nil, "", apperr.Invalid("picks", "ballot.pool_missing").With(args)
			}
			continue
		}
		seen := map[uuid.UUID]bool{}
		for _, id := range got {
			if seen[id] {
				return nil, "", apperr.Invalid("picks", "ballot.pick_repeated").With(args)
			}
			seen[id] = true
			if inPool[id] != p.ID {
				return nil, "", apperr.Invalid("picks", "ballot.project_not_in_pool").With(args)
			}
		}
		n := len(got)
		switch {
		case p.PickMode == PickExactly && n != p.PickCount:
			return nil, "", apperr.Invalid("picks", "ballot.picks_exactly").With(args)
		case p.PickMode == PickAtLeast && n < p.PickCount:
			return nil, "", apperr.Invalid("picks", "ballot.picks_at_least").With(args)
		case p.PickMode == PickAtMost && n > p.PickCount:
			return nil, "", apperr.Invalid("picks", "ballot.picks_at_most").With(args)
		}
		canonical.WriteString(p.ID.String())
		for i, id := range got {
			out = append(out, pick{pool: p.ID, project: id, rank: i + 1})
			canonical.WriteString("," + id.String())
		}
		canonical.WriteString(";")
	}
	if len(out) == 0 {
		return nil, "", apperr.Invalid("picks", "ballot.empty")
	}
	return out, canonical.String(), nil
}
