// Package poll is the one voting mechanism of dialogue bodies (motions in a
// meeting, written votes between meetings, secret votes and elections of
// persons) and, next, of the Ambassador jury and audience. It owns the
// tables polls, poll_candidates, poll_votes, poll_vote_history,
// poll_markers and poll_ballots, and everything that is the same whatever
// the domain:
//   - one vote per voter key, enforced by the database (a primary key), so
//     concurrent casts cannot vote twice;
//   - voter keys: a person votes under their own key; an organisation votes
//     under its key, cast by whichever delegate is there, once; a person
//     delegated by two organisations casts two votes, each under its
//     organisation. The domain's Eligible hook says which keys an account
//     may cast for, now;
//   - a vote is final unless the poll allows changes before its close (open
//     polls only): then the latest counts and the earlier ones are kept in
//     poll_vote_history;
//   - a written vote has a deadline: casting after it is PHASE_CLOSED (the
//     service's clock) and a River job closes it at the deadline;
//   - a poll closes once (open → closed in the phase machine, which has no
//     move back): closing again or casting after is PHASE_CLOSED; a domain
//     whose owner ceased (a body dissolved) closes it undecided (VoidTx:
//     invalid, its votes kept);
//   - motions are decided by internal/tally under the poll's Rule, on the
//     numbers the domain's Electorate hook gives at the close (members,
//     present); the chair's casting vote is the vote of the poll's
//     CastingVoter; without quorum the outcome is invalid;
//   - secret polls keep the "has voted" marker (with the day only) apart
//     from the ballot, which goes through internal/ballotbox: sealed in the
//     cast's transaction, written out later in batches in random-id order,
//     all of it at the close before counting. Only totals are published;
//   - elections (secret): each voter picks up to Picks of the candidates;
//     the Seats candidates with most votes are elected; a tie across the
//     last seat is reported ("tied") until a manager records its
//     tie-break with a public note.
//
// A domain builds one Service for its kind of poll with a Config (its owner
// hook, Eligible, Electorate, Changed); its API stays its own on top.
package poll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/phase"
	"github.com/otwarty/otwarty/internal/tally"
)

// Act is what the caller does to a poll, as asked of the owner hook.
type Act string

const (
	// ActRead is seeing a poll, its live totals and its result.
	ActRead Act = "read"
	// ActCast is voting; who may is the Eligible hook's answer.
	ActCast Act = "cast"
	// ActManage is opening, closing and recording a tie-break (the chair).
	ActManage Act = "manage"
)

// Form is what a poll asks.
type Form string

const (
	// Motion: yes, no or abstain, decided by internal/tally.
	Motion Form = "motion"
	// Election: up to Picks of the candidates; always secret.
	Election Form = "election"
)

// Status of a poll: open, then closed for good.
type Status string

const (
	Open   Status = "open"
	Closed Status = "closed"
)

// Choice is a vote on a motion.
type Choice string

const (
	Yes     Choice = "yes"
	No      Choice = "no"
	Abstain Choice = "abstain"
)

// Outcome of a closed poll.
type Outcome string

const (
	Adopted  Outcome = "adopted"
	Rejected Outcome = "rejected"
	// Invalid: no quorum; nothing was decided.
	Invalid Outcome = "invalid"
	// Elected: the seats are filled (after a recorded tie-break, if any).
	Elected Outcome = "elected"
	// Tied: candidates tie across the last seat; a manager records the
	// tie-break.
	Tied Outcome = "tied"
)

// phases is a poll's phase machine: there is no way back from closed.
var phases = phase.Machine{Kind: "poll", Moves: map[string][]string{string(Open): {string(Closed)}}}

// VoterKey is who a vote counts for: a person, or an organisation (whichever
// of its delegates casts it).
type VoterKey struct {
	Kind string // "person" or "org"
	ID   uuid.UUID
}

// Person and Org are the voter keys of a person and an organisation.
func Person(id uuid.UUID) VoterKey { return VoterKey{Kind: "person", ID: id} }
func Org(id uuid.UUID) VoterKey    { return VoterKey{Kind: "org", ID: id} }

func (k VoterKey) String() string { return k.Kind + ":" + k.ID.String() }

func (k VoterKey) valid() bool { return (k.Kind == "person" || k.Kind == "org") && k.ID != uuid.Nil }

// Candidate is one person (or option) standing in an election; the domain
// gives the id and the label.
type Candidate struct {
	ID    uuid.UUID
	Label string
}

// Poll is one poll.
type Poll struct {
	ID, OwnerID uuid.UUID
	Kind        string
	// Format is the domain's own sub-kind; the mechanism does not read it.
	Format       string
	Form         Form
	Secret       bool
	Rule         tally.Rule
	AllowChange  bool
	CastingVoter *VoterKey
	Candidates   []Candidate // elections, in the domain's order
	Picks, Seats int
	Deadline     *time.Time
	Status       Status
	Outcome      Outcome // "" while open
	OpenedBy     uuid.UUID
	CreatedAt    time.Time
	ClosedBy     uuid.UUID // zero for the deadline's job
	ClosedAt     *time.Time
}

// Electorate is what the domain says about who could vote, for quorum and
// majority: Members entitled to vote, Present of them (recused included),
// Recused present but not voting. Voter keys that cast count as present
// even when Present says fewer (a written vote: Present 0 makes presence
// the voters).
type Electorate struct {
	Members, Present, Recused int
}

// Owner is what the owner hook tells the mechanism about the owner of a
// poll; the mechanism decides in authz.For's order.
type Owner struct {
	// Visible says whether the caller may see the owner; the polls of an
	// owner the caller may not see are NOT_FOUND.
	Visible bool
	// Object is the object ActManage is checked on (e.g. the body, where
	// its chair may manage).
	Object authz.Object
	// Closed is the domain's error while no poll may be opened (its phase
	// or term is over); nil when one may.
	Closed error
}

// Config is a domain's kind of poll. Kind, Owner, Eligible and Electorate
// are required.
type Config struct {
	// Kind is stored in polls.kind ("body_motion").
	Kind string
	// Owner describes ownerID for act (shared-locking it in tx, so that the
	// domain's changes wait for votes in progress); it does not decide.
	Owner func(ctx context.Context, tx pgx.Tx, ownerID uuid.UUID, act Act) (*Owner, error)
	// Eligible returns the voter keys account may cast for in p now: its own
	// person key and/or the organisations it represents (a delegate present
	// at the meeting). None: the account may not vote (FORBIDDEN).
	Eligible func(ctx context.Context, tx pgx.Tx, p *Poll, account uuid.UUID) ([]VoterKey, error)
	// Electorate counts the members entitled to vote in p and those present,
	// at the close (and for live numbers).
	Electorate func(ctx context.Context, tx pgx.Tx, p *Poll) (Electorate, error)
	// Changed is called in the transaction of every cast, close and
	// tie-break (optional): live events. For a secret poll it must publish
	// no more than Live does.
	Changed func(ctx context.Context, tx pgx.Tx, p *Poll) error
}

// Service is the mechanism for one kind of poll.
type Service struct {
	pool *pgxpool.Pool
	jobs phase.Inserter
	box  *ballotbox.Box
	log  *slog.Logger
	now  func() time.Time
	cfg  Config
}

// New returns the Service of cfg's kind and registers its ballot box's
// opener. jobs inserts the deadline jobs (db.Jobs); box holds secret
// ballots; now is the domain's clock. Register the close worker once for
// all kinds with Register.
func New(pool *pgxpool.Pool, jobs phase.Inserter, box *ballotbox.Box, log *slog.Logger, now func() time.Time, cfg Config) *Service {
	if cfg.Kind == "" || cfg.Owner == nil || cfg.Eligible == nil || cfg.Electorate == nil {
		panic("poll: Config needs Kind, Owner, Eligible and Electorate")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	s := &Service{pool: pool, jobs: jobs, box: box, log: log, now: now, cfg: cfg}
	box.Handle(boxKind(cfg.Kind), s.openBallots)
	return s
}

// Kind is the service's kind of poll.
func (s *Service) Kind() string { return s.cfg.Kind }

// Errors of the mechanism's rules.
var (
	// ErrClosed: the poll is closed (casting, closing again).
	ErrClosed = apperr.New(apperr.PhaseClosed, "poll.closed")
	// ErrDeadlinePassed: a written vote after its deadline.
	ErrDeadlinePassed = apperr.New(apperr.PhaseClosed, "poll.deadline_passed")
	// ErrNotEligible: the caller may cast for no voter key now.
	ErrNotEligible = apperr.New(apperr.Forbidden, "poll.not_eligible")
	// ErrAlreadyVoted: the voter key has voted (and the poll allows no
	// change, or it is secret).
	ErrAlreadyVoted = apperr.New(apperr.Conflict, "poll.already_voted")
	// ErrNoTie: a tie-break where there is no tie to break (or one was
	// recorded).
	ErrNoTie = apperr.New(apperr.Conflict, "poll.no_tie")
	// ErrNotClosed: the result of a poll still open.
	ErrNotClosed = apperr.New(apperr.PhaseClosed, "poll.not_closed")
)

const columns = `p.id, p.owner_id, p.kind, p.format, p.form, p.secret, p.rule, p.allow_change, p.casting_kind,
	p.casting_id, p.picks, p.seats, p.deadline, p.status, coalesce(p.outcome, ''),
	coalesce(p.opened_by, '00000000-0000-0000-0000-000000000000'), p.created_at,
	coalesce(p.closed_by, '00000000-0000-0000-0000-000000000000'), p.closed_at`

func scan(row pgx.Row) (*Poll, error) {
	var p Poll
	var rule []byte
	var castKind *string
	var castID *uuid.UUID
	err := row.Scan(&p.ID, &p.OwnerID, &p.Kind, &p.Format, &p.Form, &p.Secret, &rule, &p.AllowChange, &castKind,
		&castID, &p.Picks, &p.Seats, &p.Deadline, &p.Status, &p.Outcome, &p.OpenedBy, &p.CreatedAt, &p.ClosedBy, &p.ClosedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(rule, &p.Rule); err != nil {
		return nil, fmt.Errorf("poll rule: %w", err)
	}
	if castKind != nil && castID != nil {
		p.CastingVoter = &VoterKey{Kind: *castKind, ID: *castID}
	}
	return &p, nil
}

// load reads poll id of the service's kind (lock: "", "for share" or "for
// update"), with its candidates.
func (s *Service) load(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*Poll, error) {
	p, err := scan(q.QueryRow(ctx, `select `+columns+` from polls p where p.id = $1 and p.kind = $2 `+lock, id, s.cfg.Kind))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load poll: %w", err)
	}
	if p.Form == Election {
		rows, err := q.Query(ctx, `select id, label from poll_candidates where poll_id = $1 order by position`, id)
		if err != nil {
			return nil, fmt.Errorf("load candidates: %w", err)
		}
		p.Candidates, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) {
			var c Candidate
			return c, r.Scan(&c.ID, &c.Label)
		})
		if err != nil {
			return nil, fmt.Errorf("load candidates: %w", err)
		}
	}
	return p, nil
}

// target loads poll id for act in tx, in authz.For's order: the owner hook
// first (it locks the owner), then the poll with lock.
func (s *Service) target(ctx context.Context, tx pgx.Tx, id uuid.UUID, act Act, lock string) (*Poll, *Owner, error) {
	var o *Owner
	p, err := authz.For(ctx, forAct(act), func() (*Poll, authz.Object, bool, error) {
		var ownerID uuid.UUID
		err := tx.QueryRow(ctx, `select owner_id from polls where id = $1 and kind = $2`, id, s.cfg.Kind).Scan(&ownerID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("poll owner: %w", err)
		}
		o, err = s.cfg.Owner(ctx, tx, ownerID, act)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		p, err := s.load(ctx, tx, id, lock)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return p, o.Object, o.Visible, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return p, o, nil
}

// forAct is the act authz.For checks: casting is decided by the Eligible
// hook after visibility (presence and delegation are facts of the domain,
// not roles), so it is checked as a read that refuses anonymous callers.
func forAct(act Act) string {
	if act == ActManage {
		return string(ActManage)
	}
	return authz.Read
}

// Get reads poll id, NOT_FOUND when there is none of this kind or the
// caller may not see its owner.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Poll, error) {
	var p *Poll
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		p, _, err = s.target(ctx, tx, id, ActRead, "")
		return err
	})
	return p, err
}

// List returns the polls of owner, oldest first, in two queries. It does
// not check visibility: the domain checks its owner first.
func (s *Service) List(ctx context.Context, owner uuid.UUID) ([]*Poll, error) {
	rows, err := s.pool.Query(ctx, `select `+columns+` from polls p where p.kind = $1 and p.owner_id = $2
		order by p.created_at, p.id`, s.cfg.Kind, owner)
	if err != nil {
		return nil, fmt.Errorf("list polls: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Poll, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list polls: %w", err)
	}
	byID := map[uuid.UUID]*Poll{}
	for _, p := range out {
		byID[p.ID] = p
	}
	rows, err = s.pool.Query(ctx, `select c.poll_id, c.id, c.label from poll_candidates c join polls p on p.id = c.poll_id
		where p.kind = $1 and p.owner_id = $2 order by c.poll_id, c.position`, s.cfg.Kind, owner)
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	var pollID uuid.UUID
	var c Candidate
	if _, err := pgx.ForEachRow(rows, []any{&pollID, &c.ID, &c.Label}, func() error {
		if p := byID[pollID]; p != nil {
			p.Candidates = append(p.Candidates, c)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	if out == nil {
		out = []*Poll{}
	}
	return out, nil
}

func (s *Service) changed(ctx context.Context, tx pgx.Tx, p *Poll) error {
	if s.cfg.Changed == nil {
		return nil
	}
	return s.cfg.Changed(ctx, tx, p)
}
