package ambassador

// The audience vote: optional per edition, in the AUDIENCE_VOTE phase
// (after the jury's decision, until the schedule's audienceClose). Verified
// residents — authz's "verified", the budget's voters — vote once per
// category for one eligible nomination. It gives a separate audience
// distinction and never touches the jury's ranking or proposal.
//
// Secrecy is the budget's (internal/ballotbox): the "has voted" marker
// (per person and category, with the Warsaw day only) is written apart from
// the ballot, which is sealed in the cast's transaction and written out
// later with others under a random id, without voter or time. Nothing of a
// cast is audited or logged. The person is the keyed hash of the identifier
// of their verification (as a budget voter is), so that one person votes
// once per category even after erasing an account and being verified again.
//
// Totals are live for who runs the edition (coordinators, admins), through
// AudienceTotals and a live topic, and public from the announcement;
// jurors and everyone else see nothing of them before (no bandwagon).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
)

// AudienceType and ActVote are the audience vote's authorization object and
// action (policy.csv: verified residents).
const (
	AudienceType = "ambassador_audience"
	ActVote      = "vote"
)

// audienceBoxKind names the audience vote's boxes in the ballot box; an
// edition is one box.
const audienceBoxKind = "ambassador_audience"

// Errors of the audience vote.
var (
	errAudienceNone     = apperr.New(apperr.PhaseClosed, "ambassador.audience_none")
	errAudienceClosed   = apperr.New(apperr.PhaseClosed, "ambassador.audience_closed")
	errAudienceVoted    = apperr.New(apperr.Conflict, "ambassador.audience_already_voted")
	errAudienceJuror    = apperr.New(apperr.Forbidden, "ambassador.audience_juror")
	errAudienceStaff    = apperr.New(apperr.Forbidden, "ambassador.audience_staff")
	errAudienceVerified = apperr.New(apperr.Forbidden, "ambassador.audience_not_verified")
)

// UseBox sets the ballot box the audience vote seals its ballots into and
// registers its opener. Casting needs it; every instance (and the one that
// runs the box's mixing job) calls it.
func (s *Service) UseBox(box *ballotbox.Box) {
	s.box = box
	box.Handle(audienceBoxKind, s.openAudienceBallots)
	s.useJuryPolls(box)
}

// AudienceTopic is the live topic of an edition's audience totals.
func AudienceTopic(edition uuid.UUID) string { return "ambassador.audience:" + edition.String() }

// audienceOpen reports whether e takes audience votes at t.
func (e *Edition) audienceOpen(t time.Time) bool {
	return e.Schedule.AudienceClose != nil && e.In(PhaseAudienceVote, t)
}

// audienceStarted reports whether the vote has begun (its choices are
// public from then on).
func (e *Edition) audienceStarted() bool {
	return e.Schedule.AudienceClose != nil && (e.Phase == PhaseAudienceVote || e.Phase == PhaseAnnouncement)
}

// AudiencePublic reports whether e's audience totals are public: from the
// announcement on, with the laureates and the score table (also when the
// coordinator announced by hand before the scheduled time).
func (e *Edition) AudiencePublic() bool {
	return e.Schedule.AudienceClose != nil && e.Phase == PhaseAnnouncement
}

func audienceObject(e *Edition) authz.Object {
	return authz.Object{Type: AudienceType, ID: e.ID.String(), Domains: []string{Domain(e.ID)}}
}

// AudienceChoice is an eligible nomination as the public sees it during
// the vote: the nominee's name and category and the justifications, never
// contacts.
type AudienceChoice struct {
	NominationID   uuid.UUID
	CategoryID     uuid.UUID
	NomineeName    string
	OrganisationID *uuid.UUID
	Justifications []Justification
}

// AudienceCategory is one category of the vote for the caller.
type AudienceCategory struct {
	Category Category
	Choices  []AudienceChoice
	// Voted: the caller has voted in this category (never for whom).
	Voted bool
	// VotedOn is the Warsaw day the caller voted (all that is kept).
	VotedOn *time.Time
	// Totals is nil while the caller may not see them.
	Totals *CategoryTotals
}

// CategoryTotals are a category's numbers: Voters have voted (markers),
// Counted of their ballots are written out (the rest are still sealed, at
// most a ballot-box batch during the vote, none after it); Votes per
// nomination; Distinction: the nominations with the most votes (all that
// tie; none without votes), set only once the totals are public.
type CategoryTotals struct {
	CategoryID  uuid.UUID
	Voters      int
	Counted     int
	Votes       map[uuid.UUID]int
	Distinction map[uuid.UUID]bool
}

// AudienceVote is an edition's audience vote for the caller.
type AudienceVote struct {
	EditionID uuid.UUID
	Open      bool
	OpensAt   time.Time
	ClosesAt  time.Time
	// TotalsVisible: the caller sees the totals (staff; everyone once
	// public); Final: the vote is over and the totals are public.
	TotalsVisible bool
	Final         bool
	Categories    []AudienceCategory
}

// AudienceVoteOf is e's audience vote for the caller (e already seen by
// them), nil when the edition has none. The choices are listed from the
// vote's start (to staff always); the totals as AudienceTotals shows them.
func (s *Service) AudienceVoteOf(ctx context.Context, e *Edition) (*AudienceVote, error) {
	if e.Schedule.AudienceClose == nil {
		return nil, nil
	}
	now := s.now()
	staff := s.Staff(ctx, e)
	v := &AudienceVote{EditionID: e.ID, Open: e.audienceOpen(now), OpensAt: e.Schedule.DecisionClose,
		ClosesAt: *e.Schedule.AudienceClose, Final: e.AudiencePublic()}
	v.TotalsVisible = staff || v.Final
	cats, err := s.Categories(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var choices []AudienceChoice
	if staff || e.audienceStarted() {
		if choices, err = s.audienceChoices(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	voted, err := s.votedOn(ctx, s.pool, e.ID)
	if err != nil {
		return nil, err
	}
	var totals map[uuid.UUID]*CategoryTotals
	if v.TotalsVisible {
		if totals, err = s.audienceTotals(ctx, e, v.Final); err != nil {
			return nil, err
		}
	}
	for _, c := range cats {
		ac := AudienceCategory{Category: c, Choices: []AudienceChoice{}, Totals: totals[c.ID]}
		for _, ch := range choices {
			if ch.CategoryID == c.ID {
				ac.Choices = append(ac.Choices, ch)
			}
		}
		if d, ok := voted[c.ID]; ok {
			ac.Voted, ac.VotedOn = true, &d
		}
		v.Categories = append(v.Categories, ac)
	}
	return v, nil
}

// audienceChoices are the edition's eligible nominations with their
// justifications, by category and name (two queries).
func (s *Service) audienceChoices(ctx context.Context, edition uuid.UUID) ([]AudienceChoice, error) {
	rows, err := s.pool.Query(ctx, `select n.id, n.category_id, n.nominee_name, n.nominee_org_id from ambassador_nominations n
		where n.edition_id = $1 and n.status = 'eligible' order by n.category_id, lower(n.nominee_name), n.id`, edition)
	if err != nil {
		return nil, fmt.Errorf("list audience choices: %w", err)
	}
	choices, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AudienceChoice, error) {
		var c AudienceChoice
		return c, r.Scan(&c.NominationID, &c.CategoryID, &c.NomineeName, &c.OrganisationID)
	})
	if err != nil {
		return nil, fmt.Errorf("list audience choices: %w", err)
	}
	rows, err = s.pool.Query(ctx, `select j.nomination_id, j.criterion_id, j.text_id from ambassador_justifications j
		join ambassador_nominations n on n.id = j.nomination_id join ambassador_criteria c on c.id = j.criterion_id
		where n.edition_id = $1 and n.status = 'eligible' order by j.nomination_id, c.position`, edition)
	if err != nil {
		return nil, fmt.Errorf("list audience justifications: %w", err)
	}
	byNomination := map[uuid.UUID][]Justification{}
	var nid uuid.UUID
	var j Justification
	if _, err := pgx.ForEachRow(rows, []any{&nid, &j.CriterionID, &j.TextID}, func() error {
		byNomination[nid] = append(byNomination[nid], j)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("list audience justifications: %w", err)
	}
	for i := range choices {
		choices[i].Justifications = byNomination[choices[i].NominationID]
		if choices[i].Justifications == nil {
			choices[i].Justifications = []Justification{}
		}
	}
	return choices, nil
}

// voterHash is the keyed identifier hash of the caller's verification; nil
// when the account has none.
func voterHash(ctx context.Context, q db.Querier, account uuid.UUID) ([]byte, error) {
	var h []byte
	err := q.QueryRow(ctx, `select identifier_hash from verifications where account_id = $1`, account).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read verification: %w", err)
	}
	return h, nil
}

// votedOn maps the categories of edition the caller has voted in to the
// day they did.
func (s *Service) votedOn(ctx context.Context, q db.Querier, edition uuid.UUID) (map[uuid.UUID]time.Time, error) {
	out := map[uuid.UUID]time.Time{}
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return out, nil
	}
	rows, err := q.Query(ctx, `select m.category_id, m.cast_on from ambassador_audience_markers m
		join verifications v on v.identifier_hash = m.voter_hash where m.edition_id = $1 and v.account_id = $2`,
		edition, subj.AccountID)
	if err != nil {
		return nil, fmt.Errorf("read audience markers: %w", err)
	}
	var c uuid.UUID
	var d time.Time
	if _, err := pgx.ForEachRow(rows, []any{&c, &d}, func() error { out[c] = d; return nil }); err != nil {
		return nil, fmt.Errorf("read audience markers: %w", err)
	}
	return out, nil
}

// MayVoteAudience reports whether the caller may vote in e's audience vote
// now (in at least one category they have not voted in).
func (s *Service) MayVoteAudience(ctx context.Context, e *Edition) bool {
	if !e.audienceOpen(s.now()) || s.audienceBarred(ctx, s.pool, e) != nil {
		return false
	}
	voted, err := s.votedOn(ctx, s.pool, e.ID)
	if err != nil {
		return false
	}
	cats, err := s.Categories(ctx, e.ID)
	return err == nil && len(voted) < len(cats)
}

// audienceBarred is why the caller may not vote in e's audience vote, nil
// when they may: a verified resident, neither a juror of the edition (the
// jury has its own say) nor who runs it (they see the live totals).
func (s *Service) audienceBarred(ctx context.Context, q db.Querier, e *Edition) error {
	if err := authz.Require(ctx, ActVote, audienceObject(e)); err != nil {
		if !authz.SubjectFrom(ctx).Anonymous() {
			return errAudienceVerified
		}
		return err
	}
	if s.Staff(ctx, e) {
		return errAudienceStaff
	}
	var juror bool
	if err := q.QueryRow(ctx, `select exists (select 1 from role_grants where account_id = $1 and role = 'juror' and domain = $2)`,
		authz.SubjectFrom(ctx).AccountID, Domain(e.ID)).Scan(&juror); err != nil {
		return fmt.Errorf("check juror: %w", err)
	}
	if juror {
		return errAudienceJuror
	}
	return nil
}

// AudienceReceipt confirms a vote: the category, and the Warsaw day (all
// that is kept); never the choice.
type AudienceReceipt struct {
	EditionID  uuid.UUID
	CategoryID uuid.UUID
	CastOn     time.Time
}

// sealedAudience is what a ballot puts into the box: the choice only.
type sealedAudience struct {
	Category   uuid.UUID `json:"c"`
	Nomination uuid.UUID `json:"n"`
}

// CastAudienceVote votes for eligible nomination id in its category: a
// verified resident ("vote"), not a juror of the edition nor its staff,
// while the audience vote is open (PHASE_CLOSED otherwise). A nomination
// that is not a choice of an open or past vote is NOT_FOUND. One vote per
// person and category, whatever runs concurrently (the marker's primary
// key): a second is CONFLICT ambassador.audience_already_voted, and cannot
// be changed. Nothing of it is audited or logged.
func (s *Service) CastAudienceVote(ctx context.Context, id uuid.UUID) (AudienceReceipt, error) {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return AudienceReceipt{}, apperr.ErrUnauthenticated
	}
	if s.box == nil {
		return AudienceReceipt{}, errors.New("ambassador: no ballot box (UseBox)")
	}
	var r AudienceReceipt
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var editionID, categoryID uuid.UUID
		var status NominationStatus
		err := tx.QueryRow(ctx, `select edition_id, category_id, status from ambassador_nominations where id = $1`, id).
			Scan(&editionID, &categoryID, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load nomination: %w", err)
		}
		// A share lock: votes go in concurrently; a phase move waits for them.
		e, err := authz.For(ctx, ActVote, func() (*Edition, authz.Object, bool, error) {
			e, err := scanEdition(tx.QueryRow(ctx, `select `+editionCols+` from ambassador_editions where id = $1 for share`, editionID))
			if err != nil {
				return nil, authz.Object{}, false, fmt.Errorf("load edition: %w", err)
			}
			// Only eligible nominations are choices; any other does not
			// exist for a voter.
			visible := authz.Can(ctx, authz.Read, e.object()) && status == NominationEligible
			return e, audienceObject(e), visible, nil
		})
		if err != nil {
			if apperr.CodeOf(err) == apperr.Forbidden {
				return errAudienceVerified
			}
			return err
		}
		if err := s.audienceBarred(ctx, tx, e); err != nil {
			return err
		}
		if e.Schedule.AudienceClose == nil {
			return errAudienceNone
		}
		if !e.audienceOpen(s.now()) {
			return errAudienceClosed
		}
		hash, err := voterHash(ctx, tx, subj.AccountID)
		if err != nil {
			return err
		}
		if hash == nil {
			return errAudienceVerified
		}
		on := warsawDay(s.now())
		tag, err := tx.Exec(ctx, `insert into ambassador_audience_markers (edition_id, category_id, voter_hash, cast_on)
			values ($1, $2, $3, $4) on conflict do nothing`, e.ID, categoryID, hash, on)
		if err != nil {
			return fmt.Errorf("insert audience marker: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errAudienceVoted
		}
		content, err := json.Marshal(sealedAudience{Category: categoryID, Nomination: id})
		if err != nil {
			return fmt.Errorf("seal audience ballot: %w", err)
		}
		if err := s.box.Put(ctx, tx, audienceBoxKind, e.ID, content); err != nil {
			return err
		}
		if err := s.publishAudience(ctx, tx, e); err != nil {
			return err
		}
		tx.OnCommit(func() { s.box.MixIfFull(ctx, audienceBoxKind, e.ID) })
		r = AudienceReceipt{EditionID: e.ID, CategoryID: categoryID, CastOn: on}
		return nil
	})
	if err != nil {
		return AudienceReceipt{}, err
	}
	return r, nil
}

// warsawDay is the Warsaw day of t, as midnight UTC of that date.
func warsawDay(t time.Time) time.Time {
	y, m, d := t.In(i18n.Warsaw).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// openAudienceBallots writes one mix of an edition's ballots under fresh
// random ids, in id order: neither the order nor the ids say who or when.
func (s *Service) openAudienceBallots(ctx context.Context, tx *db.Tx, edition uuid.UUID, contents [][]byte) error {
	type ballot struct {
		id uuid.UUID
		c  sealedAudience
	}
	ballots := make([]ballot, len(contents))
	for i, raw := range contents {
		ballots[i].id = uuid.New()
		if err := json.Unmarshal(raw, &ballots[i].c); err != nil {
			return fmt.Errorf("open audience ballot: %w", err)
		}
	}
	slices.SortFunc(ballots, func(a, b ballot) int { return strings.Compare(a.id.String(), b.id.String()) })
	ids := make([]uuid.UUID, len(ballots))
	cats := make([]uuid.UUID, len(ballots))
	noms := make([]uuid.UUID, len(ballots))
	for i, b := range ballots {
		ids[i], cats[i], noms[i] = b.id, b.c.Category, b.c.Nomination
	}
	if _, err := tx.Exec(ctx, `insert into ambassador_audience_ballots (id, edition_id, category_id, nomination_id)
		select x.id, $1, x.c, x.n from unnest($2::uuid[], $3::uuid[], $4::uuid[]) with ordinality x(id, c, n, o) order by x.o`,
		edition, ids, cats, noms); err != nil {
		return fmt.Errorf("write audience ballots: %w", err)
	}
	e, err := s.loadEdition(ctx, tx, edition)
	if err != nil {
		return err
	}
	return s.publishAudience(ctx, tx, e)
}

// AudienceEvent is the live event of an edition's audience totals, sent
// after every cast and every mix: the numbers as AudienceTotals gives them
// to who runs the edition.
type AudienceEvent struct {
	EditionID  uuid.UUID        `json:"e"`
	Categories []CategoryTotals `json:"c"`
}

func (s *Service) publishAudience(ctx context.Context, tx *db.Tx, e *Edition) error {
	totals, err := readAudienceTotals(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	return live.Publish(ctx, tx, AudienceTopic(e.ID), AudienceEvent{EditionID: e.ID, Categories: orderedTotals(totals, nil)})
}

// orderedTotals lists totals in the order of cats (nil: by category id).
func orderedTotals(totals map[uuid.UUID]*CategoryTotals, cats []Category) []CategoryTotals {
	out := make([]CategoryTotals, 0, len(totals))
	if cats != nil {
		for _, c := range cats {
			if t := totals[c.ID]; t != nil {
				out = append(out, *t)
			}
		}
		return out
	}
	for _, t := range totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b CategoryTotals) int { return strings.Compare(a.CategoryID.String(), b.CategoryID.String()) })
	return out
}

// readAudienceTotals counts an edition's markers and written ballots per
// category and nomination (every category, with zeros).
func readAudienceTotals(ctx context.Context, q db.Querier, edition uuid.UUID) (map[uuid.UUID]*CategoryTotals, error) {
	out := map[uuid.UUID]*CategoryTotals{}
	rows, err := q.Query(ctx, `select c.id,
			(select count(*) from ambassador_audience_markers m where m.edition_id = $1 and m.category_id = c.id),
			(select count(*) from ambassador_audience_ballots b where b.edition_id = $1 and b.category_id = c.id)
		from ambassador_categories c where c.edition_id = $1`, edition)
	if err != nil {
		return nil, fmt.Errorf("count audience votes: %w", err)
	}
	var t CategoryTotals
	if _, err := pgx.ForEachRow(rows, []any{&t.CategoryID, &t.Voters, &t.Counted}, func() error {
		c := t
		c.Votes = map[uuid.UUID]int{}
		out[c.CategoryID] = &c
		return nil
	}); err != nil {
		return nil, fmt.Errorf("count audience votes: %w", err)
	}
	// Every eligible nomination, with zero votes too.
	rows, err = q.Query(ctx, `select n.category_id, n.id, count(b.id) from ambassador_nominations n
		left join ambassador_audience_ballots b on b.nomination_id = n.id
		where n.edition_id = $1 and (n.status = 'eligible' or b.id is not null) group by n.category_id, n.id`, edition)
	if err != nil {
		return nil, fmt.Errorf("count audience votes: %w", err)
	}
	var cat, nom uuid.UUID
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&cat, &nom, &n}, func() error {
		if c := out[cat]; c != nil {
			c.Votes[nom] = n
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("count audience votes: %w", err)
	}
	return out, nil
}

// audienceTotals reads e's totals; final ones (public) are complete: every
// sealed ballot is written out first, and the distinctions are set.
func (s *Service) audienceTotals(ctx context.Context, e *Edition, final bool) (map[uuid.UUID]*CategoryTotals, error) {
	if final {
		if err := s.mixAudience(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	totals, err := readAudienceTotals(ctx, s.pool, e.ID)
	if err != nil {
		return nil, err
	}
	if final {
		for _, t := range totals {
			t.Distinction = distinction(t.Votes)
		}
	}
	return totals, nil
}

// mixAudience writes out every ballot of an edition still sealed (once the
// vote is over: nothing more comes in, so nobody can be told apart by it).
func (s *Service) mixAudience(ctx context.Context, edition uuid.UUID) error {
	var pending bool
	if err := s.pool.QueryRow(ctx, `select exists (select 1 from ballot_envelopes where kind = $1 and scope = $2)`,
		audienceBoxKind, edition).Scan(&pending); err != nil {
		return fmt.Errorf("audience envelopes: %w", err)
	}
	if !pending || s.box == nil {
		return nil
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		_, err := s.box.Mix(ctx, tx, audienceBoxKind, edition, true)
		return err
	})
}

// distinction marks the nominations with the most votes: all of those that
// tie share it; with no votes at all, nobody has it.
func distinction(votes map[uuid.UUID]int) map[uuid.UUID]bool {
	top := 0
	for _, n := range votes {
		top = max(top, n)
	}
	out := map[uuid.UUID]bool{}
	for id, n := range votes {
		out[id] = top > 0 && n == top
	}
	return out
}

// AudienceTotals are edition id's audience totals in category order: to who
// runs the edition live (Counted lags Voters by the ballots still sealed),
// to everyone once public (complete, with the distinctions). Anyone else,
// jurors included, gets NOT_FOUND, as does an edition without a vote.
func (s *Service) AudienceTotals(ctx context.Context, id uuid.UUID) ([]CategoryTotals, error) {
	e, err := s.Edition(ctx, id)
	if err != nil {
		return nil, err
	}
	final := e.AudiencePublic()
	if e.Schedule.AudienceClose == nil || !(final || s.Staff(ctx, e)) {
		return nil, apperr.ErrNotFound
	}
	totals, err := s.audienceTotals(ctx, e, final)
	if err != nil {
		return nil, err
	}
	cats, err := s.Categories(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	return orderedTotals(totals, cats), nil
}

// WatchesAudience reports whether the caller may follow e's live audience
// totals: who runs the edition, while it has a vote.
func (s *Service) WatchesAudience(ctx context.Context, e *Edition) bool {
	return e.Schedule.AudienceClose != nil && s.Staff(ctx, e)
}

// AudienceVotedIn is for the GDPR export: the person's audience votes by
// edition year and category kind, with the day; never the choice.
type AudienceVotedIn struct {
	EditionYear int       `json:"editionYear"`
	Category    string    `json:"category"`
	CastOn      time.Time `json:"castOn"`
}

func audienceVotedIn(ctx context.Context, tx *db.Tx, account uuid.UUID) ([]AudienceVotedIn, error) {
	rows, err := tx.Query(ctx, `select e.year, c.kind, m.cast_on from ambassador_audience_markers m
		join verifications v on v.identifier_hash = m.voter_hash
		join ambassador_editions e on e.id = m.edition_id join ambassador_categories c on c.id = m.category_id
		where v.account_id = $1 order by e.year, c.kind`, account)
	if err != nil {
		return nil, fmt.Errorf("export audience votes: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AudienceVotedIn, error) {
		var v AudienceVotedIn
		return v, r.Scan(&v.EditionYear, &v.Category, &v.CastOn)
	})
	if err != nil {
		return nil, fmt.Errorf("export audience votes: %w", err)
	}
	if out == nil {
		out = []AudienceVotedIn{}
	}
	return out, nil
}
