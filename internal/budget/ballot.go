package budget

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
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
}

// Receipt confirms a cast ballot. BallotID is derived from the ballot key,
// so only the holder of the key can find the ballot.
type Receipt struct {
	BallotID  uuid.UUID
	EditionID uuid.UUID
	CastOn    time.Time // the day, in Warsaw
}

type pick struct {
	pool, project uuid.UUID
	rank          int
}

// CastBallot casts the calling verified resident's ballot ("cast") while
// voting is open. The ballot must follow every pool's ballot rule: the
// city-wide pools and the voter's own district pool apply, required ones
// must be filled; anything else is INVALID_INPUT on "picks" with the exact
// reason. One ballot per voter is enforced by the database (the has-voted
// marker's primary key): a second key is ErrAlreadyVoted, the same key with
// other content ErrKeyReused. The ballot is stored without the voter.
func (s *Service) CastBallot(ctx context.Context, in BallotInput) (Receipt, error) {
	if err := authz.Require(ctx, ActCast, authz.Object{Type: "ballot"}); err != nil {
		return Receipt{}, err
	}
	if n := len(in.BallotKey); n < MinBallotKey || n > MaxBallotKey {
		return Receipt{}, apperr.Invalid("ballotKey", "ballot.key_invalid").With(map[string]any{"min": MinBallotKey, "max": MaxBallotKey})
	}
	account := authz.SubjectFrom(ctx).AccountID
	now := s.now()
	receipt := Receipt{BallotID: ballotID(in.EditionID, in.BallotKey), EditionID: in.EditionID}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// A share lock: ballots go in concurrently, closing waits for them.
		e, err := loadEdition(ctx, tx, in.EditionID, "for share")
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActRead, e.Object()) {
			return apperr.ErrNotFound
		}
		if err := authz.Require(ctx, ActCast, ballotObject(e)); err != nil {
			return err
		}
		if !e.votingOpen(now) {
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
		picks, canonical, err := s.validate(ctx, tx, e.ID, district, in.Picks)
		if err != nil {
			return err
		}
		keyHash, check := keyHashes(e.ID, in.BallotKey, canonical)
		tag, err := tx.Exec(ctx, `insert into budget_ballot_markers (voter_id, edition_id, ballot_key_hash, content_check)
			values ($1, $2, $3, $4) on conflict (voter_id) do nothing`, voterID, e.ID, keyHash, check)
		if err != nil {
			return fmt.Errorf("insert marker: %w", err)
		}
		if tag.RowsAffected() == 0 {
			// Voted before (or a concurrent attempt just committed).
			var oldKey, oldCheck []byte
			if err := tx.QueryRow(ctx, `select ballot_key_hash, content_check from budget_ballot_markers where voter_id = $1`,
				voterID).Scan(&oldKey, &oldCheck); err != nil {
				return fmt.Errorf("read marker: %w", err)
			}
			switch {
			case !bytes.Equal(oldKey, keyHash):
				return ErrAlreadyVoted
			case !bytes.Equal(oldCheck, check):
				return ErrKeyReused
			}
			if err := tx.QueryRow(ctx, `select cast_on from budget_ballots where id = $1`, receipt.BallotID).
				Scan(&receipt.CastOn); err != nil {
				return fmt.Errorf("read ballot: %w", err)
			}
			return nil
		}
		day := now.In(Warsaw)
		receipt.CastOn = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		_, err = tx.Exec(ctx, `insert into budget_ballots (id, edition_id, cast_on) values ($1, $2, $3)`,
			receipt.BallotID, e.ID, receipt.CastOn)
		if isUnique(err) {
			// Another voter used the same key: keys must be secret and random.
			return ErrKeyReused
		}
		if err != nil {
			return fmt.Errorf("insert ballot: %w", err)
		}
		pools, projects, ranks := make([]uuid.UUID, len(picks)), make([]uuid.UUID, len(picks)), make([]int32, len(picks))
		for i, p := range picks {
			pools[i], projects[i], ranks[i] = p.pool, p.project, int32(p.rank)
		}
		if _, err := tx.Exec(ctx, `insert into budget_ballot_picks (ballot_id, pool_id, project_id, rank)
			select $1, * from unnest($2::uuid[], $3::uuid[], $4::int[])`, receipt.BallotID, pools, projects, ranks); err != nil {
			return fmt.Errorf("insert picks: %w", err)
		}
		return nil
	})
	if err != nil {
		return Receipt{}, err
	}
	return receipt, nil
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

// validate checks picks against the ballot rules of the pools that apply to
// a voter of district and returns them with a canonical form of the content.
func (s *Service) validate(ctx context.Context, q querier, editionID uuid.UUID, district string,
	picks map[uuid.UUID][]uuid.UUID) ([]pick, string, error) {
	pools, err := loadPools(ctx, q, editionID)
	if err != nil {
		return nil, "", err
	}
	applies := map[uuid.UUID]bool{}
	var mine []Pool
	for _, p := range pools {
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
	inPool := map[uuid.UUID]uuid.UUID{}
	rows, err := q.Query(ctx, `select p.id, p.pool_id from budget_projects p join budget_pools l on l.id = p.pool_id
		where l.edition_id = $1`, editionID)
	if err != nil {
		return nil, "", fmt.Errorf("read projects: %w", err)
	}
	for rows.Next() {
		var id, pool uuid.UUID
		if err := rows.Scan(&id, &pool); err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("scan project: %w", err)
		}
		inPool[id] = pool
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("read projects: %w", err)
	}
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
