package dialogue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
)

// ElectionStatus is where an election stands.
type ElectionStatus string

const (
	// ElectionNominating: candidates stand and are endorsed.
	ElectionNominating ElectionStatus = "nominating"
	// ElectionVoting: the secret ballot is open.
	ElectionVoting ElectionStatus = "voting"
	// ElectionClosed: the result is in (a tie waits for its recorded
	// tie-break).
	ElectionClosed ElectionStatus = "closed"
)

// Election is a secret election of persons by a body's voting members
// (e.g. the public-benefit council's representatives): Seats to fill, each
// voter picks up to Picks candidates (none: a blank ballot).
type Election struct {
	ID, BodyID         uuid.UUID
	TitleTextID        uuid.UUID
	Seats, Picks       int
	EndorsementsNeeded int
	Status             ElectionStatus
	CreatedAt          time.Time
	PollID             *uuid.UUID
}

// Candidate stands in an election with their own consent.
type Candidate struct {
	ID, ElectionID, AccountID uuid.UUID
	DisplayName               *string // nil for a deleted account
	ConsentedAt               time.Time
	Endorsements              int
}

// OnBallot reports whether c has the endorsements e needs.
func (e *Election) OnBallot(c Candidate) bool { return c.Endorsements >= e.EndorsementsNeeded }

// ElectionObjectType is a body's elections as an authorization object:
// ActElect opens and runs them (the unit's officials, coordinators, admins).
// Who stands, endorses and votes is decided by the domain.
const ElectionObjectType = "body_election"

// ActElect is the action of running an election (the poll's "manage").
const ActElect = string(poll.ActManage)

// ElectionPollKind is the kind of the polls of elections.
const ElectionPollKind = "body_election"

// Elections are the elections of bodies, on internal/poll.
type Elections struct {
	s     *Service
	polls *poll.Service
}

// NewElections returns the elections of s's bodies; box holds the ballots.
// Register the poll worker with poll.Register(workers, log, e.Polls()).
func NewElections(s *Service, box *ballotbox.Box, log *slog.Logger) *Elections {
	e := &Elections{s: s}
	// Dissolving a body voids its elections still under way.
	s.dissolving = append(s.dissolving, e.voidElections)
	e.polls = poll.New(s.pool, s.river, box, log, func() time.Time { return s.now() }, poll.Config{
		Kind: ElectionPollKind, Owner: e.pollOwner, Eligible: e.eligible, Electorate: e.electorate, Changed: e.changed,
	})
	return e
}

// Polls is the poll service of elections (for poll.Register).
func (e *Elections) Polls() *poll.Service { return e.polls }

// Errors of elections.
var (
	ErrNotNominating   = apperr.New(apperr.PhaseClosed, "dialogue.election_not_nominating")
	ErrElectionNotOpen = apperr.New(apperr.PhaseClosed, "dialogue.election_not_voting")
	ErrNoCandidates    = apperr.New(apperr.Conflict, "dialogue.election_no_candidates")
	errSeats           = apperr.Invalid("seats", "dialogue.seats_invalid")
	errPicks           = apperr.Invalid("picks", "dialogue.picks_invalid")
	errEndorsements    = apperr.Invalid("endorsementsNeeded", "dialogue.endorsements_invalid")
	errCandidacyNotOwn = apperr.New(apperr.Forbidden, "dialogue.candidacy_not_own")
)

// ElectionInput is a new election.
type ElectionInput struct {
	BodyID             uuid.UUID
	Title              i18n.Input
	Seats, Picks       int
	EndorsementsNeeded int
}

const electionColumns = `e.id, e.body_id, e.title_text_id, e.seats, e.picks, e.endorsements_needed, e.status, e.created_at,
	(select p.id from polls p where p.kind = 'body_election' and p.owner_id = e.id)`

func scanElection(row pgx.Row) (*Election, error) {
	var e Election
	return &e, row.Scan(&e.ID, &e.BodyID, &e.TitleTextID, &e.Seats, &e.Picks, &e.EndorsementsNeeded, &e.Status, &e.CreatedAt, &e.PollID)
}

func loadElection(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*Election, error) {
	e, err := scanElection(q.QueryRow(ctx, `select `+electionColumns+` from dialogue_elections e where e.id = $1 `+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load election: %w", err)
	}
	return e, nil
}

// electionFor loads election id and its body in authz.For's order, act on
// the body's votes object.
func (e *Elections) electionFor(ctx context.Context, q db.Querier, id uuid.UUID, act, lock string) (*Election, *Body, error) {
	var el *Election
	b, err := authz.For(ctx, act, func() (*Body, authz.Object, bool, error) {
		var err error
		if el, err = loadElection(ctx, q, id, lock); err != nil {
			return nil, authz.Object{}, false, err
		}
		return e.bodyView(ctx, q, el.BodyID)
	})
	return el, b, err
}

// bodyView is the body as Motions sees it, with its elections object.
func (e *Elections) bodyView(ctx context.Context, q db.Querier, id uuid.UUID) (*Body, authz.Object, bool, error) {
	b, obj, visible, err := (&Motions{s: e.s}).bodyView(ctx, q, id)
	obj.Type = ElectionObjectType
	return b, obj, visible, err
}

// Open opens an election's nominations in an active body ("elect").
// Invalid numbers are INVALID_INPUT on seats, picks or endorsementsNeeded.
// The body's voting members are told in their language.
func (e *Elections) Open(ctx context.Context, in ElectionInput) (*Election, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := db.InTx(ctx, e.s.pool, func(tx *db.Tx) error {
		b, err := authz.For(ctx, ActElect, func() (*Body, authz.Object, bool, error) {
			return e.bodyView(ctx, tx, in.BodyID)
		})
		if err != nil {
			return err
		}
		if b.Status != StatusActive {
			return ErrDissolved
		}
		if in.Seats < 1 || in.Seats > poll.MaxCandidates {
			return errSeats
		}
		if in.Picks < 1 || in.Picks > poll.MaxCandidates {
			return errPicks
		}
		if in.EndorsementsNeeded < 0 || in.EndorsementsNeeded > 1000 {
			return errEndorsements
		}
		if err := in.Title.Check("title", keyTextRequired); err != nil {
			return err
		}
		title, err := i18n.CreateText(ctx, tx, in.Title.Locale, strings.TrimSpace(in.Title.Text), actor, textDomains(b.ID, b.UnitID))
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `insert into dialogue_elections (body_id, title_text_id, seats, picks, endorsements_needed,
			opened_by, created_at) values ($1, $2, $3, $4, $5, $6, $7) returning id`, b.ID, title, in.Seats, in.Picks,
			in.EndorsementsNeeded, actor, e.s.now()).Scan(&id); err != nil {
			return fmt.Errorf("insert election: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.election_open", ObjectType: "dialogue_election",
			ObjectID: id.String(), Data: map[string]any{"body_id": b.ID, "seats": in.Seats, "picks": in.Picks}}); err != nil {
			return err
		}
		return e.notifyNominating(ctx, tx, b, &Election{ID: id, BodyID: b.ID, TitleTextID: title})
	})
	if err != nil {
		return nil, err
	}
	return loadElection(ctx, e.s.pool, id, "")
}

// Stand records the caller's own consent to stand in a nominating election
// of a body it sees (a confirmed account: taking part needs a confirmed
// e-mail). Standing again returns the same candidacy.
func (e *Elections) Stand(ctx context.Context, id uuid.UUID) (*Candidate, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	if !authz.SubjectFrom(ctx).Confirmed {
		if _, err := e.Election(ctx, id); err != nil {
			return nil, err
		}
		return nil, apperr.ErrForbidden
	}
	account := authz.SubjectFrom(ctx).AccountID
	var cid uuid.UUID
	err := db.InTx(ctx, e.s.pool, func(tx *db.Tx) error {
		el, _, err := e.electionFor(ctx, tx, id, authz.Read, "for share")
		if err != nil {
			return err
		}
		if el.Status != ElectionNominating {
			return ErrNotNominating
		}
		if _, err := tx.Exec(ctx, `insert into dialogue_candidates (election_id, account_id, consented_at) values ($1, $2, $3)
			on conflict do nothing`, id, account, e.s.now()); err != nil {
			return fmt.Errorf("stand: %w", err)
		}
		return tx.QueryRow(ctx, `select id from dialogue_candidates where election_id = $1 and account_id = $2`, id, account).Scan(&cid)
	})
	if err != nil {
		return nil, err
	}
	return e.candidate(ctx, e.s.pool, cid)
}

// WithdrawCandidacy withdraws the caller's own candidacy from an election
// still nominating (FORBIDDEN dialogue.candidacy_not_own for anyone else's;
// PHASE_CLOSED once the ballot is open: the ballot is fixed then). The
// candidacy and its endorsements go (standing again starts afresh, as a
// new consent); the audit log keeps the withdrawal.
func (e *Elections) WithdrawCandidacy(ctx context.Context, candidateID uuid.UUID) (*Election, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	account := authz.SubjectFrom(ctx).AccountID
	var electionID uuid.UUID
	err := db.InTx(ctx, e.s.pool, func(tx *db.Tx) error {
		var owner uuid.UUID
		err := tx.QueryRow(ctx, `select election_id, account_id from dialogue_candidates where id = $1`, candidateID).Scan(&electionID, &owner)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read candidate: %w", err)
		}
		// Locked for share as Stand and Endorse do: opening the ballot
		// (for update) waits, and so does this for it.
		el, _, err := e.electionFor(ctx, tx, electionID, authz.Read, "for share")
		if err != nil {
			return err
		}
		if owner != account {
			return errCandidacyNotOwn
		}
		if el.Status != ElectionNominating {
			return ErrNotNominating
		}
		if _, err := tx.Exec(ctx, `delete from dialogue_candidates where id = $1`, candidateID); err != nil {
			return fmt.Errorf("withdraw candidacy: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: account, Action: "dialogue.candidacy_withdraw", ObjectType: "dialogue_election",
			ObjectID: electionID.String(), Data: map[string]any{"candidate_id": candidateID}})
	})
	if err != nil {
		return nil, err
	}
	return e.Election(ctx, electionID)
}

// ViewerCandidacy is the caller's own candidacy in el (nil when none) and
// whether WithdrawCandidacy would take it back now.
func (e *Elections) ViewerCandidacy(ctx context.Context, el *Election) (*Candidate, bool, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return nil, false, nil
	}
	c, err := scanCandidate(e.s.pool.QueryRow(ctx, `select `+candidateColumns+` from dialogue_candidates c
		join accounts a on a.id = c.account_id where c.election_id = $1 and c.account_id = $2`, el.ID, sub.AccountID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read candidacy: %w", err)
	}
	return &c, el.Status == ElectionNominating, nil
}

// Endorse endorses a candidate of a nominating election for one of the
// caller's votes in the body now (as, when several): the electorate
// endorses, one endorsement per vote and candidate (a repeat is no
// change). FORBIDDEN dialogue.not_voter for anyone else.
func (e *Elections) Endorse(ctx context.Context, candidateID uuid.UUID, as *poll.VoterKey) (*Candidate, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	account := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, e.s.pool, func(tx *db.Tx) error {
		var electionID uuid.UUID
		err := tx.QueryRow(ctx, `select election_id from dialogue_candidates where id = $1`, candidateID).Scan(&electionID)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read candidate: %w", err)
		}
		el, b, err := e.electionFor(ctx, tx, electionID, authz.Read, "for share")
		if err != nil {
			return err
		}
		votes, err := VotesOf(ctx, tx, b.ID, account, e.s.now())
		if err != nil {
			return err
		}
		key, err := pickVote(voterKeys(votes), as)
		if err != nil {
			return err
		}
		if el.Status != ElectionNominating {
			return ErrNotNominating
		}
		_, err = tx.Exec(ctx, `insert into dialogue_endorsements (candidate_id, endorser_kind, endorser_id, endorsed_by, endorsed_at)
			values ($1, $2, $3, $4, $5) on conflict do nothing`, candidateID, key.Kind, key.ID, account, e.s.now())
		if err != nil {
			return fmt.Errorf("endorse: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e.candidate(ctx, e.s.pool, candidateID)
}

// pickVote is the caller's vote among keys (as names it when several).
func pickVote(keys []poll.VoterKey, as *poll.VoterKey) (poll.VoterKey, error) {
	switch {
	case len(keys) == 0:
		return poll.VoterKey{}, errNotVoter
	case as != nil:
		for _, k := range keys {
			if k == *as {
				return k, nil
			}
		}
		return poll.VoterKey{}, errNotVoter
	case len(keys) > 1:
		return poll.VoterKey{}, errVoterAmbiguous
	}
	return keys[0], nil
}

const candidateColumns = `c.id, c.election_id, c.account_id, case when a.deleted_at is null then a.display_name end, c.consented_at,
	(select count(*) from dialogue_endorsements x where x.candidate_id = c.id)`

func scanCandidate(row pgx.Row) (Candidate, error) {
	var c Candidate
	return c, row.Scan(&c.ID, &c.ElectionID, &c.AccountID, &c.DisplayName, &c.ConsentedAt, &c.Endorsements)
}

func (e *Elections) candidate(ctx context.Context, q db.Querier, id uuid.UUID) (*Candidate, error) {
	c, err := scanCandidate(q.QueryRow(ctx, `select `+candidateColumns+` from dialogue_candidates c join accounts a on a.id = c.account_id
		where c.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("read candidate: %w", err)
	}
	return &c, nil
}

// Candidates are the candidates of election el, in the order they stood.
func (e *Elections) Candidates(ctx context.Context, el *Election) ([]Candidate, error) {
	rows, err := e.s.pool.Query(ctx, `select `+candidateColumns+` from dialogue_candidates c join accounts a on a.id = c.account_id
		where c.election_id = $1 order by c.consented_at, c.id`, el.ID)
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) { return scanCandidate(r) })
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	return out, nil
}

// OpenBallot closes nominations and opens the secret ballot until deadline
// ("elect"): the candidates with the endorsements needed are on it
// (CONFLICT dialogue.election_no_candidates without any). The body's
// quorum applies; there is no casting vote in a secret vote. The
// electorate (the body's voting members) is told in their language.
func (e *Elections) OpenBallot(ctx context.Context, id uuid.UUID, deadline time.Time) (*Election, error) {
	el, err := e.Election(ctx, id)
	if err != nil {
		return nil, err
	}
	cs, err := e.Candidates(ctx, el)
	if err != nil {
		return nil, err
	}
	b, err := load(ctx, e.s.pool, el.BodyID, false)
	if err != nil {
		return nil, err
	}
	in := poll.Input{Format: "election", Form: poll.Election, Secret: true, Rule: b.Rules.Tally(""), Picks: el.Picks,
		Seats: el.Seats, Deadline: &deadline}
	in.Rule.CastingVote = false
	for _, c := range cs {
		if el.OnBallot(c) {
			label := "—"
			if c.DisplayName != nil {
				label = *c.DisplayName
			}
			in.Candidates = append(in.Candidates, poll.Candidate{ID: c.ID, Label: label})
		}
	}
	if len(in.Candidates) == 0 {
		if _, _, err := e.electionFor(ctx, e.s.pool, id, ActElect, ""); err != nil {
			return nil, err
		}
		return nil, ErrNoCandidates
	}
	// Picks and seats over the candidates on the ballot are the poll's
	// field errors (picks, seats).
	if _, err := e.polls.Open(context.WithValue(ctx, ballotOpeningKey{}, deadline), id, in); err != nil {
		return nil, err
	}
	return e.Election(ctx, id)
}

// Election returns election id if the caller may see its body.
func (e *Elections) Election(ctx context.Context, id uuid.UUID) (*Election, error) {
	el, _, err := e.electionFor(ctx, e.s.pool, id, authz.Read, "")
	return el, err
}

// List returns the elections of a body the caller sees, oldest first.
func (e *Elections) List(ctx context.Context, bodyID uuid.UUID) ([]*Election, error) {
	if _, err := authz.For(ctx, authz.Read, func() (*Body, authz.Object, bool, error) {
		return e.bodyView(ctx, e.s.pool, bodyID)
	}); err != nil {
		return nil, err
	}
	rows, err := e.s.pool.Query(ctx, `select `+electionColumns+` from dialogue_elections e where e.body_id = $1
		order by e.created_at, e.id`, bodyID)
	if err != nil {
		return nil, fmt.Errorf("list elections: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Election, error) { return scanElection(r) })
	if err != nil {
		return nil, fmt.Errorf("list elections: %w", err)
	}
	return out, nil
}

// Cast casts the caller's secret ballot: up to Picks candidate ids, none
// for a blank ballot (see poll.Service.Cast; too many picks is
// INVALID_INPUT on picks).
func (e *Elections) Cast(ctx context.Context, id uuid.UUID, as *poll.VoterKey, picks []uuid.UUID) (poll.Receipt, error) {
	pollID, err := e.pollOf(ctx, id)
	if err != nil {
		return poll.Receipt{}, err
	}
	in := poll.CastInput{Picks: picks}
	if as != nil {
		in.As = *as
	}
	return e.polls.Cast(ctx, pollID, in)
}

// Close closes the ballot ("elect") and records the result.
func (e *Elections) Close(ctx context.Context, id uuid.UUID) (*poll.Result, error) {
	pollID, err := e.pollOf(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.polls.Close(ctx, pollID)
}

// RecordTieBreak records how a tie across the last seat was broken, with a
// public note (poll.Service.RecordTieBreak).
func (e *Elections) RecordTieBreak(ctx context.Context, id uuid.UUID, order []uuid.UUID, note string) (*poll.Result, error) {
	pollID, err := e.pollOf(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.polls.RecordTieBreak(ctx, pollID, order, note)
}

// Result is the closed election's result (totals only), nil before and
// for a void election (its ballots are never published).
func (e *Elections) Result(ctx context.Context, el *Election) (*poll.Result, error) {
	if el.PollID == nil || el.Status == ElectionVoid {
		return nil, nil
	}
	r, err := e.polls.Result(ctx, *el.PollID)
	if errors.Is(err, poll.ErrNotClosed) {
		return nil, nil
	}
	return r, err
}

// Voters is how many have voted in el.
func (e *Elections) Voters(ctx context.Context, el *Election) (int, error) {
	if el.PollID == nil {
		return 0, nil
	}
	l, err := e.polls.Live(ctx, *el.PollID)
	if err != nil {
		return 0, err
	}
	return l.Voters, nil
}

func (e *Elections) pollOf(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return uuid.Nil, apperr.ErrUnauthenticated
	}
	el, err := e.Election(ctx, id)
	if err != nil {
		return uuid.Nil, err
	}
	if el.PollID == nil {
		return uuid.Nil, ErrElectionNotOpen
	}
	return *el.PollID, nil
}

// ElectionActions are what the caller may do with an election now.
type ElectionActions struct {
	Stand, Endorse, OpenBallot, Cast, Close bool
}

// Actions returns what the caller may do with el now.
func (e *Elections) Actions(ctx context.Context, el *Election) (ElectionActions, error) {
	ba, err := e.bodyActions(ctx, el.BodyID)
	if err != nil {
		return ElectionActions{}, err
	}
	return ba.of(el), nil
}

// pollOwner is the election poll's owner hook: the election's body's
// elections object. Opening moves a nominating election to voting.
func (e *Elections) pollOwner(ctx context.Context, tx pgx.Tx, ownerID uuid.UUID, act poll.Act) (*poll.Owner, error) {
	lock := "for share"
	if act == poll.ActManage {
		lock = "for update"
	}
	el, err := loadElection(ctx, tx, ownerID, lock)
	if err != nil {
		return nil, err
	}
	b, obj, visible, err := e.bodyView(ctx, tx, el.BodyID)
	if err != nil {
		return nil, err
	}
	o := &poll.Owner{Visible: visible, Object: obj}
	if act == poll.ActManage && el.PollID == nil {
		switch {
		case b.Status != StatusActive:
			o.Closed = ErrDissolved
		case el.Status != ElectionNominating:
			o.Closed = ErrNotNominating
		case authz.Can(ctx, ActElect, obj):
			if _, err := tx.Exec(ctx, `update dialogue_elections set status = 'voting' where id = $1`, el.ID); err != nil {
				return nil, fmt.Errorf("election voting: %w", err)
			}
			deadline, _ := ctx.Value(ballotOpeningKey{}).(time.Time)
			if dtx, ok := tx.(*db.Tx); ok {
				if err := e.notifyBallotOpened(ctx, dtx, b, el, deadline); err != nil {
					return nil, err
				}
			}
		}
	}
	return o, nil
}

// changed is the poll's Changed hook: a closed ballot closes the election,
// and its result (at the close, and again when a tie is broken) is told to
// the candidates and the voting members.
func (e *Elections) changed(ctx context.Context, ptx pgx.Tx, p *poll.Poll) error {
	if voiding, _ := ctx.Value(voidingKey{}).(bool); p.Status != poll.Closed || voiding {
		return nil // voidElections records and tells a void
	}
	tx, ok := ptx.(*db.Tx)
	if !ok {
		return fmt.Errorf("dialogue: poll hook outside db.Tx")
	}
	el, err := loadElection(ctx, tx, p.OwnerID, "for update")
	if err != nil {
		return err
	}
	event := "tie_break"
	if el.Status != ElectionClosed {
		event = "closed"
		if _, err := tx.Exec(ctx, `update dialogue_elections set status = 'closed' where id = $1`, p.OwnerID); err != nil {
			return fmt.Errorf("close election: %w", err)
		}
	}
	return e.notifyResult(ctx, tx, el, p.Outcome, event)
}

func (e *Elections) eligible(ctx context.Context, tx pgx.Tx, p *poll.Poll, account uuid.UUID) ([]poll.VoterKey, error) {
	return eligibleIn(ctx, tx, "dialogue_elections", p.OwnerID, account, e.s.now())
}

func (e *Elections) electorate(ctx context.Context, tx pgx.Tx, p *poll.Poll) (poll.Electorate, error) {
	return electorateIn(ctx, tx, "dialogue_elections", p.OwnerID, e.s.now())
}
