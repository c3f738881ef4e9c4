package ambassador

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	"github.com/otwarty/otwarty/internal/tally"
)

// The jury's decision: per category, the chair (or the coordinator) drafts
// a proposal naming laureates and distinctions among the eligible
// nominations, each with a justification; the jury votes on it openly, with
// the arithmetic of a dialogue body's motion (internal/poll deciding
// through internal/tally).
//
// How the Kapituła sits: the chair opens the vote at a sitting with the
// roll of the jurors present; the roll, the jury's size and the jurors
// recused (conflicted with a nomination the proposal names) are fixed at
// that moment. Quorum is half of the jury present (recused jurors count as
// present, as in a body); a proposal is adopted by a simple majority (more
// for than against among the jurors present who vote); on a tie the chair's
// vote decides when the chair is present and not recused, else a tie
// rejects. Only present, unrecused jurors vote; the chair or the
// coordinator closes the vote.

// ProposalType is the authorization object type of proposals; the edition's
// chair is their owner (policy.csv: a juror who is the owner manages them).
const ProposalType = "ambassador_proposal"

// PollKind is the kind of the jury's polls (polls.kind).
const PollKind = "ambassador_proposal"

// ProposalStatus is where a proposal stands.
type ProposalStatus string

const (
	ProposalDraft    ProposalStatus = "draft"
	ProposalVoting   ProposalStatus = "voting"
	ProposalAdopted  ProposalStatus = "adopted"
	ProposalRejected ProposalStatus = "rejected"
	ProposalInvalid  ProposalStatus = "invalid" // no quorum
)

// Rank is what a proposal or an award gives a nomination.
type Rank string

const (
	RankLaureate    Rank = "laureate"
	RankDistinction Rank = "distinction"
)

// MaxEntries bounds one proposal (laureates and distinctions together).
const MaxEntries = 50

// RankedInput names one nomination with its rank and the justification: the
// first input is the original, the others its versions in other languages.
type RankedInput struct {
	NominationID  uuid.UUID
	Rank          Rank
	Justification []i18n.Input
}

// ProposalInput is a proposal for one category.
type ProposalInput struct {
	EditionID  uuid.UUID
	CategoryID uuid.UUID
	Entries    []RankedInput
}

// Entry is one nomination a proposal or an award names.
type Entry struct {
	NominationID    uuid.UUID
	NomineeName     string
	Rank            Rank
	Position        int
	JustificationID uuid.UUID
}

// Proposal is a proposal of the jury for one category.
type Proposal struct {
	ID         uuid.UUID
	EditionID  uuid.UUID
	CategoryID uuid.UUID
	Status     ProposalStatus
	// Fixed when the vote opens.
	Members   int
	Present   []uuid.UUID
	Recused   []uuid.UUID
	PollID    *uuid.UUID
	DraftedBy *uuid.UUID
	CreatedAt time.Time
	UpdatedAt time.Time
	DecidedAt *time.Time
	Entries   []Entry
}

var (
	errDecisionClosed     = apperr.New(apperr.PhaseClosed, "ambassador.decision_closed")
	errEntries            = apperr.Invalid("entries", "ambassador.entries_invalid").With(map[string]any{"max": MaxEntries})
	errEntryNomination    = apperr.Invalid("entries", "ambassador.entry_not_eligible")
	errTooManyLaureate    = apperr.Invalid("entries", "ambassador.too_many_laureates")
	errRank               = apperr.Invalid("entries", "ambassador.rank_invalid")
	errEntryJustification = apperr.Invalid("entries", "ambassador.entry_justification_required")
	errJustLocaleTwice    = apperr.Invalid("entries", "ambassador.entry_justification_locale_twice")
	errProposalAdopted    = apperr.New(apperr.Conflict, "ambassador.proposal_adopted")
	errProposalVoting     = apperr.New(apperr.Conflict, "ambassador.proposal_voting")
	errProposalDecided    = apperr.New(apperr.Conflict, "ambassador.proposal_not_draft")
	errRoll               = apperr.Invalid("present", "ambassador.roll_invalid")
	errNotVoting          = apperr.New(apperr.PhaseClosed, "ambassador.proposal_not_voting")
)

// juryRule is the Kapituła's rule: quorum half of the jury, more for than
// against, the chair's casting vote on a tie.
func juryRule(casting bool) tally.Rule {
	return tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.Half, CastingVote: casting}
}

// useJuryPolls builds the jury's voting (internal/poll needs the ballot
// box of the process, though the jury's votes are open). Proposals' votes
// need it.
func (s *Service) useJuryPolls(box *ballotbox.Box) {
	s.jury = poll.New(s.pool, s.jobs, box, s.log, func() time.Time { return s.now() }, poll.Config{
		Kind: PollKind, Owner: s.proposalOwner, Eligible: s.proposalEligible, Electorate: s.proposalElectorate,
		Changed: s.proposalChanged,
	})
}

// JuryPolls is the poll service of the jury's votes (poll.Register).
func (s *Service) JuryPolls() *poll.Service { return s.jury }

func proposalObject(e *Edition) authz.Object {
	o := authz.Object{Type: ProposalType, ID: e.ID.String(), Domains: []string{Domain(e.ID)}}
	if e.JuryChairID != nil {
		o.OwnerID = *e.JuryChairID
	}
	return o
}

// proposalEditionFor loads edition id locked for update for act on its
// proposals ("manage": the chair and staff), in authz.For's order.
func (s *Service) proposalEditionFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Edition, error) {
	return authz.For(ctx, act, func() (*Edition, authz.Object, bool, error) {
		e, err := scanEdition(tx.QueryRow(ctx, `select `+editionCols+` from ambassador_editions where id = $1 for update`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("load edition: %w", err)
		}
		return e, proposalObject(e), authz.Can(ctx, authz.Read, proposalObject(e)), nil
	})
}

// checkEntries validates a proposal's (or an award's) entries against the
// eligible nominations of the category and its titles; needJust says
// which entries must bring a justification (all, for a proposal).
func checkEntries(ctx context.Context, tx *db.Tx, edition uuid.UUID, category uuid.UUID, entries []RankedInput,
	needJust func(RankedInput) bool) error {
	if len(entries) > MaxEntries {
		return errEntries
	}
	var titles int
	if err := tx.QueryRow(ctx, `select titles from ambassador_categories where id = $1 and edition_id = $2`,
		category, edition).Scan(&titles); errors.Is(err, pgx.ErrNoRows) {
		return errCategory
	} else if err != nil {
		return fmt.Errorf("read category: %w", err)
	}
	seen := map[uuid.UUID]bool{}
	laureates := 0
	for _, en := range entries {
		if seen[en.NominationID] {
			return errEntries
		}
		seen[en.NominationID] = true
		switch en.Rank {
		case RankLaureate:
			laureates++
		case RankDistinction:
		default:
			return errRank
		}
		var ok bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from ambassador_nominations where id = $1 and edition_id = $2
			and category_id = $3 and status = 'eligible')`, en.NominationID, edition, category).Scan(&ok); err != nil {
			return fmt.Errorf("read nomination: %w", err)
		}
		if !ok {
			return errEntryNomination
		}
		if len(en.Justification) == 0 {
			if needJust(en) {
				return errEntryJustification
			}
			continue
		}
		locales := map[i18n.Locale]bool{}
		for _, in := range en.Justification {
			if err := in.Check("entries", "ambassador.entry_justification_required"); err != nil {
				return err
			}
			if locales[in.Locale] {
				return errJustLocaleTwice
			}
			locales[in.Locale] = true
		}
	}
	if laureates > titles {
		return errTooManyLaureate.With(map[string]any{"max": titles})
	}
	return nil
}

// writeJustification stores a justification as one text: the first input
// the original, the others its versions, credited to actor.
func writeJustification(ctx context.Context, tx *db.Tx, edition uuid.UUID, in []i18n.Input, actor uuid.UUID) (uuid.UUID, error) {
	id, err := i18n.CreateText(ctx, tx, in[0].Locale, strings.TrimSpace(in[0].Text), actor, []string{Domain(edition)})
	if err != nil {
		return uuid.Nil, err
	}
	for _, v := range in[1:] {
		if _, err := i18n.AddVersion(ctx, tx, id, v.Locale, strings.TrimSpace(v.Text), actor, i18n.SourceHuman); err != nil {
			return uuid.Nil, err
		}
	}
	return id, nil
}

// DraftProposal drafts the jury's proposal for a category ("manage" on the
// edition's proposals: its chair, coordinators, admins) while the edition
// is in its decision phase: laureates (at most the category's titles) and
// distinctions among its eligible nominations, each with a justification.
// A draft not yet put to the vote is replaced (same id); a proposal being
// voted on, or an adopted one, is CONFLICT. After a rejection (or a vote
// without quorum) a new draft may be voted again. Audited.
func (s *Service) DraftProposal(ctx context.Context, in ProposalInput) (*Proposal, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := s.proposalEditionFor(ctx, tx, in.EditionID, ActManage)
		if err != nil {
			return err
		}
		if e.Phase != PhaseDecision {
			return errDecisionClosed
		}
		if len(in.Entries) == 0 {
			return errEntries
		}
		if err := checkEntries(ctx, tx, e.ID, in.CategoryID, in.Entries, func(RankedInput) bool { return true }); err != nil {
			return err
		}
		// A chair conflicted with a nomination leaves its proposal to staff.
		if !s.Staff(ctx, e) {
			cs, err := conflicts(ctx, tx, e.ID)
			if err != nil {
				return err
			}
			for _, en := range in.Entries {
				if _, c := cs[JurorNomination{actor, en.NominationID}]; c {
					return errDrafterConflicted
				}
			}
		}
		var status ProposalStatus
		err = tx.QueryRow(ctx, `select id, status from ambassador_proposals where category_id = $1 and status in ('draft', 'voting', 'adopted')
			order by status = 'adopted' desc limit 1`, in.CategoryID).Scan(&id, &status)
		now := s.now()
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if err := tx.QueryRow(ctx, `insert into ambassador_proposals (edition_id, category_id, drafted_by, created_at, updated_at)
				values ($1, $2, $3, $4, $4) returning id`, e.ID, in.CategoryID, actor, now).Scan(&id); err != nil {
				return fmt.Errorf("insert proposal: %w", err)
			}
		case err != nil:
			return fmt.Errorf("read proposals: %w", err)
		case status == ProposalAdopted:
			return errProposalAdopted
		case status == ProposalVoting:
			return errProposalVoting
		default:
			if _, err := tx.Exec(ctx, `delete from ambassador_proposal_entries where proposal_id = $1`, id); err != nil {
				return fmt.Errorf("replace proposal: %w", err)
			}
			if _, err := tx.Exec(ctx, `update ambassador_proposals set drafted_by = $2, updated_at = $3 where id = $1`, id, actor, now); err != nil {
				return fmt.Errorf("replace proposal: %w", err)
			}
		}
		for i, en := range in.Entries {
			text, err := writeJustification(ctx, tx, e.ID, en.Justification, actor)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `insert into ambassador_proposal_entries (proposal_id, nomination_id, rank, position, justification_id)
				values ($1, $2, $3, $4, $5)`, id, en.NominationID, string(en.Rank), i, text); err != nil {
				return fmt.Errorf("insert proposal entry: %w", err)
			}
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.proposal_draft", ObjectType: ProposalType,
			ObjectID: id.String(), Data: map[string]any{"edition_id": e.ID, "category_id": in.CategoryID, "entries": entryLog(in.Entries)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Proposal(ctx, id)
}

func entryLog(es []RankedInput) []map[string]any {
	out := make([]map[string]any, len(es))
	for i, e := range es {
		out[i] = map[string]any{"nomination_id": e.NominationID, "rank": string(e.Rank)}
	}
	return out
}

// OpenProposalVote opens the jury's vote on a draft proposal at a sitting
// ("manage": the chair, staff), in the decision phase, with the roll of the
// jurors present (at least one; each a juror of the edition). The jury's
// size, the roll and the recused jurors (conflicts() with any nomination
// the proposal names) are fixed now. Audited (the poll's opening).
func (s *Service) OpenProposalVote(ctx context.Context, id uuid.UUID, present []uuid.UUID) (*Proposal, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	if s.jury == nil {
		return nil, errors.New("ambassador: no ballot box (UseBox)")
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		p, e, err := s.proposalFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if e.Phase != PhaseDecision {
			return errDecisionClosed
		}
		if p.Status != ProposalDraft {
			return errProposalDecided
		}
		js, err := jurors(ctx, tx, e)
		if err != nil {
			return err
		}
		isJuror := map[uuid.UUID]bool{}
		for _, j := range js {
			isJuror[j.AccountID] = true
		}
		roll := []uuid.UUID{}
		for _, a := range present {
			if !isJuror[a] || slices.Contains(roll, a) {
				return errRoll
			}
			roll = append(roll, a)
		}
		if len(roll) == 0 {
			return errRoll
		}
		cs, err := conflicts(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		recused := []uuid.UUID{}
		for _, a := range roll {
			if slices.ContainsFunc(p.Entries, func(en Entry) bool { _, c := cs[JurorNomination{a, en.NominationID}]; return c }) {
				recused = append(recused, a)
			}
		}
		// The chair's casting vote only when the chair sits and votes.
		casting := e.JuryChairID != nil && slices.Contains(roll, *e.JuryChairID) && !slices.Contains(recused, *e.JuryChairID)
		in := poll.Input{Format: "sitting", Form: poll.Motion, Rule: juryRule(casting)}
		if casting {
			k := poll.Person(*e.JuryChairID)
			in.CastingVoter = &k
		}
		pl, err := s.jury.OpenTx(ctx, tx, p.ID, in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update ambassador_proposals set status = 'voting', poll_id = $2, members = $3, present = $4,
			recused = $5, updated_at = $6 where id = $1`, p.ID, pl.ID, len(js), roll, recused, s.now()); err != nil {
			return fmt.Errorf("open proposal vote: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Proposal(ctx, id)
}

// CastProposalVote casts the caller's open vote on a proposal: a juror on
// the sitting's roll and not recused (FORBIDDEN poll.not_eligible
// otherwise); once (see poll.Service.Cast).
func (s *Service) CastProposalVote(ctx context.Context, id uuid.UUID, choice poll.Choice) (*Proposal, error) {
	pollID, err := s.proposalPoll(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.jury.Cast(ctx, pollID, poll.CastInput{Choice: choice}); err != nil {
		return nil, err
	}
	return s.Proposal(ctx, id)
}

// CloseProposalVote closes the vote ("manage": the chair, staff); its
// result decides the proposal: adopted, rejected or invalid (no quorum).
func (s *Service) CloseProposalVote(ctx context.Context, id uuid.UUID) (*Proposal, error) {
	pollID, err := s.proposalPoll(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.jury.Close(ctx, pollID); err != nil {
		return nil, err
	}
	return s.Proposal(ctx, id)
}

func (s *Service) proposalPoll(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return uuid.Nil, apperr.ErrUnauthenticated
	}
	if s.jury == nil {
		return uuid.Nil, errors.New("ambassador: no ballot box (UseBox)")
	}
	p, err := s.Proposal(ctx, id)
	if err != nil {
		return uuid.Nil, err
	}
	if p.PollID == nil {
		return uuid.Nil, errNotVoting
	}
	return *p.PollID, nil
}

// ProposalResult is a proposal's vote: the poll's result (nil while open
// or before the vote).
func (s *Service) ProposalResult(ctx context.Context, p *Proposal) (*poll.Result, error) {
	if p.PollID == nil || s.jury == nil {
		return nil, nil
	}
	r, err := s.jury.Result(ctx, *p.PollID)
	if errors.Is(err, poll.ErrNotClosed) {
		return nil, nil
	}
	return r, err
}

// ProposalLive is the running numbers of a proposal's open vote.
func (s *Service) ProposalLive(ctx context.Context, p *Proposal) (*poll.Live, error) {
	if p.PollID == nil || s.jury == nil {
		return nil, nil
	}
	return s.jury.Live(ctx, *p.PollID)
}

// ProposalRollCall is each juror's vote on a closed proposal, for the jury
// and staff only (nil for others, and while the vote is open).
func (s *Service) ProposalRollCall(ctx context.Context, p *Proposal) ([]poll.Vote, error) {
	if p.PollID == nil || s.jury == nil {
		return nil, nil
	}
	e, err := s.loadEdition(ctx, s.pool, p.EditionID)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, authz.Read, proposalObject(e)) {
		return nil, nil
	}
	r, err := s.jury.RollCall(ctx, *p.PollID)
	if errors.Is(err, poll.ErrNotClosed) {
		return nil, nil
	}
	return r, err
}

const proposalCols = `id, edition_id, category_id, status, coalesce(members, 0), present, recused, poll_id, drafted_by,
	created_at, updated_at, decided_at`

func scanProposal(row pgx.Row) (*Proposal, error) {
	var p Proposal
	err := row.Scan(&p.ID, &p.EditionID, &p.CategoryID, &p.Status, &p.Members, &p.Present, &p.Recused, &p.PollID, &p.DraftedBy,
		&p.CreatedAt, &p.UpdatedAt, &p.DecidedAt)
	return &p, err
}

// loadEntries fills the entries of proposals ps in one query.
func loadEntries(ctx context.Context, q db.Querier, ps []*Proposal) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(ps))
	byID := map[uuid.UUID]*Proposal{}
	for i, p := range ps {
		ids[i], byID[p.ID] = p.ID, p
		p.Entries = []Entry{}
	}
	rows, err := q.Query(ctx, `select x.proposal_id, x.nomination_id, n.nominee_name, x.rank, x.position, x.justification_id
		from ambassador_proposal_entries x join ambassador_nominations n on n.id = x.nomination_id
		where x.proposal_id = any($1) order by x.proposal_id, x.position`, ids)
	if err != nil {
		return fmt.Errorf("read proposal entries: %w", err)
	}
	var pid uuid.UUID
	var en Entry
	_, err = pgx.ForEachRow(rows, []any{&pid, &en.NominationID, &en.NomineeName, &en.Rank, &en.Position, &en.JustificationID}, func() error {
		byID[pid].Entries = append(byID[pid].Entries, en)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read proposal entries: %w", err)
	}
	return nil
}

// seesProposal reports whether the caller may see p of edition e: staff
// always; the edition's jurors unless conflicted with a nomination it
// names (a conflicted juror sees nothing of that nomination); everyone
// once the edition is announced.
func (s *Service) seesProposal(ctx context.Context, q db.Querier, e *Edition, p *Proposal) (bool, error) {
	if announced(ctx, q, e.ID) || s.Staff(ctx, e) {
		return true, nil
	}
	if !authz.Can(ctx, authz.Read, proposalObject(e)) {
		return false, nil
	}
	cs, err := conflicts(ctx, q, e.ID)
	if err != nil {
		return false, err
	}
	me := authz.SubjectFrom(ctx).AccountID
	return !slices.ContainsFunc(p.Entries, func(en Entry) bool { _, c := cs[JurorNomination{me, en.NominationID}]; return c }), nil
}

// proposalFor loads proposal id (locked for update) and its edition for
// act in authz.For's order.
func (s *Service) proposalFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Proposal, *Edition, error) {
	var e *Edition
	p, err := authz.For(ctx, act, func() (*Proposal, authz.Object, bool, error) {
		p, err := scanProposal(tx.QueryRow(ctx, `select `+proposalCols+` from ambassador_proposals where id = $1 for update`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return nil, authz.Object{}, false, fmt.Errorf("load proposal: %w", err)
		}
		if err := loadEntries(ctx, tx, []*Proposal{p}); err != nil {
			return nil, authz.Object{}, false, err
		}
		if e, err = s.loadEdition(ctx, tx, p.EditionID); err != nil {
			return nil, authz.Object{}, false, err
		}
		visible, err := s.seesProposal(ctx, tx, e, p)
		return p, proposalObject(e), visible, err
	})
	return p, e, err
}

// Proposal returns a proposal the caller may see (seesProposal), else
// NOT_FOUND.
func (s *Service) Proposal(ctx context.Context, id uuid.UUID) (*Proposal, error) {
	p, err := scanProposal(s.pool.QueryRow(ctx, `select `+proposalCols+` from ambassador_proposals where id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load proposal: %w", err)
	}
	if err := loadEntries(ctx, s.pool, []*Proposal{p}); err != nil {
		return nil, err
	}
	e, err := s.loadEdition(ctx, s.pool, p.EditionID)
	if err != nil {
		return nil, err
	}
	ok, err := s.seesProposal(ctx, s.pool, e, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.ErrNotFound
	}
	return p, nil
}

// Proposals lists the edition's proposals the caller may see, oldest
// first (the jury and staff; everyone after the announcement).
func (s *Service) Proposals(ctx context.Context, edition uuid.UUID) ([]*Proposal, error) {
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select `+proposalCols+` from ambassador_proposals where edition_id = $1 order by created_at, id`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Proposal, error) { return scanProposal(r) })
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	if err := loadEntries(ctx, s.pool, all); err != nil {
		return nil, err
	}
	out := []*Proposal{}
	for _, p := range all {
		ok, err := s.seesProposal(ctx, s.pool, e, p)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// MayManageProposals reports whether the caller drafts and runs the votes
// of e's proposals (its chair, staff).
func (s *Service) MayManageProposals(ctx context.Context, e *Edition) bool {
	return authz.Can(ctx, ActManage, proposalObject(e))
}

// proposalOwner is the jury polls' owner hook: the proposal and its
// edition; the chair (as the owner of proposals) and staff manage.
func (s *Service) proposalOwner(ctx context.Context, tx pgx.Tx, ownerID uuid.UUID, act poll.Act) (*poll.Owner, error) {
	lock := "for share"
	if act == poll.ActManage {
		lock = "for update"
	}
	p, err := scanProposal(tx.QueryRow(ctx, `select `+proposalCols+` from ambassador_proposals where id = $1 `+lock, ownerID))
	if err != nil {
		return nil, fmt.Errorf("poll owner: %w", err)
	}
	if err := loadEntries(ctx, tx, []*Proposal{p}); err != nil {
		return nil, err
	}
	e, err := s.loadEdition(ctx, tx, p.EditionID)
	if err != nil {
		return nil, err
	}
	visible, err := s.seesProposal(ctx, tx, e, p)
	if err != nil {
		return nil, err
	}
	o := &poll.Owner{Visible: visible, Object: proposalObject(e)}
	if e.Phase != PhaseDecision {
		o.Closed = errDecisionClosed
	}
	return o, nil
}

// proposalEligible: a juror on the sitting's roll, not recused, still a
// juror, votes under their own key.
func (s *Service) proposalEligible(ctx context.Context, tx pgx.Tx, p *poll.Poll, account uuid.UUID) ([]poll.VoterKey, error) {
	var ok bool
	err := tx.QueryRow(ctx, `select $2 = any(pr.present) and not $2 = any(pr.recused) and exists (select 1 from role_grants g
		where g.account_id = $2 and g.role = 'juror' and g.domain = 'ambassador:' || pr.edition_id::text)
		from ambassador_proposals pr where pr.id = $1`, p.OwnerID, account).Scan(&ok)
	if err != nil {
		return nil, fmt.Errorf("juror eligible: %w", err)
	}
	if !ok {
		return nil, nil
	}
	return []poll.VoterKey{poll.Person(account)}, nil
}

// proposalElectorate: the jury's size, the roll and the recused, as fixed
// at the opening.
func (s *Service) proposalElectorate(ctx context.Context, tx pgx.Tx, p *poll.Poll) (poll.Electorate, error) {
	var e poll.Electorate
	err := tx.QueryRow(ctx, `select coalesce(members, 0), cardinality(present), cardinality(recused) from ambassador_proposals
		where id = $1`, p.OwnerID).Scan(&e.Members, &e.Present, &e.Recused)
	if err != nil {
		return e, fmt.Errorf("jury electorate: %w", err)
	}
	return e, nil
}

// proposalChanged decides the proposal when its vote closes.
func (s *Service) proposalChanged(ctx context.Context, tx pgx.Tx, p *poll.Poll) error {
	if p.Status != poll.Closed {
		return nil
	}
	status := map[poll.Outcome]ProposalStatus{poll.Adopted: ProposalAdopted, poll.Rejected: ProposalRejected}[p.Outcome]
	if status == "" {
		status = ProposalInvalid
	}
	_, err := tx.Exec(ctx, `update ambassador_proposals set status = $2, decided_at = $3, updated_at = $3 where id = $1 and status = 'voting'`,
		p.OwnerID, string(status), s.now())
	if err != nil {
		return fmt.Errorf("decide proposal: %w", err)
	}
	return nil
}

// SeesRoll reports whether the caller sees the roll and the recusals of
// p's sitting: the jury and staff.
func (s *Service) SeesRoll(ctx context.Context, p *Proposal) bool {
	e, err := s.loadEdition(ctx, s.pool, p.EditionID)
	return err == nil && authz.Can(ctx, authz.Read, proposalObject(e))
}

// errDrafterConflicted: the chair is conflicted with a nomination the draft
// names (staff draft that one).
var errDrafterConflicted = apperr.New(apperr.Forbidden, "ambassador.drafter_conflicted")
