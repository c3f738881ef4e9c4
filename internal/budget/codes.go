package budget

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Voting-code errors.
var (
	// ErrCodeInvalid: the code is unknown, revoked by a re-issue, or
	// mistyped; the same answer for all, so that it hints at nothing.
	ErrCodeInvalid = apperr.New(apperr.Forbidden, "ballot.code_invalid")
	// ErrCodeQuota: the ballot officer has issued their quota of codes.
	ErrCodeQuota = apperr.New(apperr.Conflict, "budget.code_quota")
)

// MaxCodesPerCall bounds one IssueVotingCodes call.
const MaxCodesPerCall = 1000

// codeAlphabet is Crockford's base32: no I, L, O or U, so a code read
// aloud or handwritten is typed back right.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeLen characters of 5 bits: 80 bits of randomness.
const codeLen = 16

// VoterEntry is a person presented at issue or on a paper sheet: the
// document (only its keyed hash is kept) and the district declared.
type VoterEntry struct {
	IdentifierType string
	Identifier     string
	District       string
}

// IssuedCode is a voting code handed to a voter once; only its hash is kept.
type IssuedCode struct {
	VoterID uuid.UUID
	Code    string
}

// newCode returns a random code as XXXX-XXXX-XXXX-XXXX.
func newCode() string {
	var raw [codeLen]byte
	_, _ = rand.Read(raw[:]) // never fails (crypto/rand)
	var b strings.Builder
	for i, r := range raw {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[r&31]) // 256 is a multiple of 32: no bias
	}
	return b.String()
}

// normaliseCode reads a typed code: case, spaces and dashes do not matter,
// and the letters Crockford's base32 leaves out are read as the digits they
// look like. It returns "" for something that cannot be a code.
func normaliseCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case !strings.ContainsRune(codeAlphabet, r):
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != codeLen {
		return ""
	}
	return b.String()
}

// codeHash is what is stored of a code. 80 random bits need no slow hash.
func codeHash(normalised string) []byte {
	h := sha256.Sum256([]byte("budget-voting-code\x00" + normalised))
	return h[:]
}

// chargeQuota counts n codes issued by the caller, refusing with
// ErrCodeQuota past the edition's quota. Only ballot officers have a quota:
// whoever may manage the edition (its unit's officials, coordinators,
// admins) is not limited.
func chargeQuota(ctx context.Context, tx *db.Tx, e *Edition, n int) error {
	if authz.Can(ctx, ActManage, e.Object()) {
		return nil
	}
	var issued int
	err := tx.QueryRow(ctx, `insert into budget_code_issuers as t (edition_id, account_id, issued)
		select $1, $2, $3 where $3 <= (select code_quota from budget_editions where id = $1)
		on conflict (edition_id, account_id) do update set issued = t.issued + excluded.issued
		where t.issued + excluded.issued <= (select code_quota from budget_editions where id = $1)
		returning issued`, e.ID, authz.SubjectFrom(ctx).AccountID, n).Scan(&issued)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrCodeQuota
	}
	if err != nil {
		return fmt.Errorf("charge quota: %w", err)
	}
	return nil
}

// IssueVotingCodes puts people on an edition's roll and issues each a
// one-time voting code ("issue_codes"), all or nothing: an identifier
// already on the roll is CONFLICT, one repeated in the batch INVALID_INPUT,
// both on "voters.<i>.identifier". Codes come back in input order.
func (s *Service) IssueVotingCodes(ctx context.Context, editionID uuid.UUID, voters []VoterEntry) ([]IssuedCode, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	switch {
	case len(voters) == 0:
		return nil, apperr.Invalid("voters", "budget.voters_empty")
	case len(voters) > MaxCodesPerCall:
		return nil, apperr.Invalid("voters", "budget.voters_too_many").With(map[string]any{"max": MaxCodesPerCall})
	}
	n := len(voters)
	ids, hashes, keyIDs, districts := make([]uuid.UUID, n), make([][]byte, n), make([]string, n), make([]string, n)
	codes, codeHashes := make([]IssuedCode, n), make([][]byte, n)
	seen := make(map[string]int, n)
	for i, v := range voters {
		field := "voters." + strconv.Itoa(i) + "."
		h, keyID, err := s.hash(v.IdentifierType, v.Identifier)
		if err != nil {
			var ae *apperr.Error
			if errors.As(err, &ae) {
				return nil, fieldError(err, field+ae.Field)
			}
			return nil, err
		}
		if _, dup := seen[string(h)]; dup {
			return nil, apperr.Invalid(field+"identifier", "budget.voter_repeated")
		}
		seen[string(h)] = i
		ids[i], hashes[i], keyIDs[i], districts[i] = uuid.New(), h, keyID, strings.TrimSpace(v.District)
		code := newCode()
		codes[i] = IssuedCode{VoterID: ids[i], Code: code}
		codeHashes[i] = codeHash(normaliseCode(code))
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, editionID, ActIssueCodes, "for share")
		if err != nil {
			return err
		}
		if !e.rollOpen() {
			return apperr.New(apperr.PhaseClosed, "budget.roll_closed")
		}
		known, err := districtsOf(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		for i, d := range districts {
			if !known[d] {
				return apperr.Invalid("voters."+strconv.Itoa(i)+".district", "budget.district_unknown")
			}
		}
		rows, err := tx.Query(ctx, `select identifier_hash from budget_voters where edition_id = $1 and identifier_hash = any($2)`,
			e.ID, hashes)
		if err != nil {
			return fmt.Errorf("check roll: %w", err)
		}
		taken, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		if err != nil {
			return fmt.Errorf("check roll: %w", err)
		}
		if len(taken) > 0 {
			first := n
			for _, h := range taken {
				first = min(first, seen[string(h)])
			}
			c := *ErrVoterRegistered
			c.Field = "voters." + strconv.Itoa(first) + ".identifier"
			return &c
		}
		if err := chargeQuota(ctx, tx, e, n); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `insert into budget_voters (id, edition_id, identifier_hash, key_id, district, registered_by)
			select x.id, $1, x.h, x.k, x.d, $6 from unnest($2::uuid[], $3::bytea[], $4::text[], $5::text[]) as x (id, h, k, d)`,
			e.ID, ids, hashes, keyIDs, districts, actorOrNil(actor))
		if isUnique(err) {
			return ErrVoterRegistered // put on the roll concurrently
		}
		if err != nil {
			return fmt.Errorf("insert voters: %w", err)
		}
		if _, err := tx.Exec(ctx, `insert into budget_voting_codes (voter_id, edition_id, code_hash, issued_by)
			select x.v, $1, x.h, $4 from unnest($2::uuid[], $3::bytea[]) as x (v, h)`,
			e.ID, ids, codeHashes, actorOrNil(actor)); err != nil {
			return fmt.Errorf("insert codes: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.codes_issue", ObjectType: "budget_edition",
			ObjectID: e.ID.String(), Data: map[string]any{"count": n}})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// IssueVotingCode issues a new code to a voter on the roll who has not voted
// ("issue_codes"); the previous code, if any, stops working.
func (s *Service) IssueVotingCode(ctx context.Context, voterID uuid.UUID) (IssuedCode, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return IssuedCode{}, apperr.ErrUnauthenticated
	}
	code := newCode()
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var editionID uuid.UUID
		var voted bool
		err := tx.QueryRow(ctx, `select edition_id, exists (select 1 from budget_ballot_markers m where m.voter_id = v.id)
			from budget_voters v where id = $1 for update`, voterID).Scan(&editionID, &voted)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read voter: %w", err)
		}
		e, err := editionFor(ctx, tx, editionID, ActIssueCodes, "for share")
		if err != nil {
			return err
		}
		if !e.rollOpen() {
			return apperr.New(apperr.PhaseClosed, "budget.roll_closed")
		}
		if voted {
			return ErrAlreadyVoted
		}
		if err := chargeQuota(ctx, tx, e, 1); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into budget_voting_codes (voter_id, edition_id, code_hash, issued_by) values ($1, $2, $3, $4)
			on conflict (voter_id) do update set code_hash = excluded.code_hash, issued_by = excluded.issued_by,
				issued_at = now(), used_at = null`, voterID, e.ID, codeHash(normaliseCode(code)), actorOrNil(actor)); err != nil {
			return fmt.Errorf("issue code: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.code_issue", ObjectType: "budget_voter",
			ObjectID: voterID.String(), Data: map[string]any{"edition_id": e.ID.String()}})
	})
	if err != nil {
		return IssuedCode{}, err
	}
	return IssuedCode{VoterID: voterID, Code: code}, nil
}

// CodeBallotInput is a ballot cast with a voting code: the code names the
// edition and the voter.
type CodeBallotInput struct {
	Code      string
	BallotKey string
	Picks     map[uuid.UUID][]uuid.UUID
}

// CastBallotWithCode casts a ballot with a one-time voting code; the caller
// is anonymous (the code is the credential). The code is used up by the
// first ballot; a retry with the same key and content returns the same
// receipt, another key is ErrAlreadyVoted. Unknown and revoked codes are
// ErrCodeInvalid; after the vote closes, ErrVotingClosed.
func (s *Service) CastBallotWithCode(ctx context.Context, in CodeBallotInput) (Receipt, error) {
	if err := checkKey("ballotKey", in.BallotKey); err != nil {
		return Receipt{}, err
	}
	norm := normaliseCode(in.Code)
	if norm == "" {
		return Receipt{}, ErrCodeInvalid
	}
	return s.cast(ctx, castCall{code: codeHash(norm)}, uuid.Nil, in.BallotKey, in.Picks)
}

// districtsOf returns the districts that have a pool in an edition.
func districtsOf(ctx context.Context, q db.Querier, editionID uuid.UUID) (map[string]bool, error) {
	rows, err := q.Query(ctx, `select district from budget_pools where edition_id = $1 and kind = 'district'`, editionID)
	if err != nil {
		return nil, fmt.Errorf("read districts: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read districts: %w", err)
	}
	out := make(map[string]bool, len(list))
	for _, d := range list {
		out[d] = true
	}
	return out, nil
}

// CodeQuota returns the number of codes one ballot officer may issue in an
// edition the caller may read.
func (s *Service) CodeQuota(ctx context.Context, editionID uuid.UUID) (int, error) {
	if _, err := editionFor(ctx, s.pool, editionID, ActRead, ""); err != nil {
		return 0, err
	}
	var q int
	if err := s.pool.QueryRow(ctx, `select code_quota from budget_editions where id = $1`, editionID).Scan(&q); err != nil {
		return 0, fmt.Errorf("read quota: %w", err)
	}
	return q, nil
}
