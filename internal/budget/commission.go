package budget

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
	"github.com/otwarty/otwarty/internal/db"
)

// ActCertify is the commission's sign-off (policy object budget_result).
const ActCertify = "certify"

// Defaults and bounds of the results settings.
const (
	DefaultSignaturesRequired = 2
	MaxSignaturesRequired     = 10
)

// ResultState is an edition's results settings and current computation.
type ResultState struct {
	SignaturesRequired int
	LiveResults        bool
	LiveThreshold      int
	Computation        int        // 0 before the first count
	ComputedAt         *time.Time // nil before the first count
}

func loadResultState(ctx context.Context, q db.Querier, e *Edition) (ResultState, error) {
	st := ResultState{SignaturesRequired: DefaultSignaturesRequired, LiveThreshold: e.LiveThreshold}
	err := q.QueryRow(ctx, `select signatures_required, live_results, computation, computed_at from budget_result_state
		where edition_id = $1`, e.ID).Scan(&st.SignaturesRequired, &st.LiveResults, &st.Computation, &st.ComputedAt)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return st, fmt.Errorf("read result state: %w", err)
	}
	return st, nil
}

// ResultState returns the results settings and computation of an edition
// the caller may read.
func (s *Service) ResultState(ctx context.Context, editionID uuid.UUID) (ResultState, error) {
	e, err := editionFor(ctx, s.pool, editionID, ActRead, "")
	if err != nil {
		return ResultState{}, err
	}
	return loadResultState(ctx, s.pool, e)
}

// ResultSettingsInput changes the results settings; nil leaves a setting.
type ResultSettingsInput struct {
	SignaturesRequired *int
	LiveResults        *bool
	LiveThreshold      *int
}

// UpdateResultSettings changes how many commission signatures publication
// needs and whether live standings are public ("manage"), until the
// results are published.
func (s *Service) UpdateResultSettings(ctx context.Context, editionID uuid.UUID, in ResultSettingsInput) (*Edition, error) {
	if in.SignaturesRequired != nil && (*in.SignaturesRequired < 1 || *in.SignaturesRequired > MaxSignaturesRequired) {
		return nil, apperr.Invalid("signaturesRequired", "budget.signatures_invalid")
	}
	if in.LiveThreshold != nil && *in.LiveThreshold < 0 {
		return nil, apperr.Invalid("liveThreshold", "budget.live_threshold_invalid")
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, editionID, ActManage, "for update")
		if err != nil {
			return err
		}
		if err := mayUpdateResultSettings(ctx, e); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into budget_result_state (edition_id, signatures_required, live_results)
			values ($1, coalesce($2, 2), coalesce($3, false))
			on conflict (edition_id) do update set signatures_required = coalesce($2, budget_result_state.signatures_required),
				live_results = coalesce($3, budget_result_state.live_results)`,
			e.ID, in.SignaturesRequired, in.LiveResults); err != nil {
			return fmt.Errorf("update result settings: %w", err)
		}
		if in.LiveThreshold != nil {
			if _, err := tx.Exec(ctx, `update budget_editions set live_threshold = $2, updated_at = now() where id = $1`,
				e.ID, *in.LiveThreshold); err != nil {
				return fmt.Errorf("update live threshold: %w", err)
			}
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.result_settings", ObjectType: "budget_edition",
			ObjectID: e.ID.String(), Data: map[string]any{"signatures_required": in.SignaturesRequired,
				"live_results": in.LiveResults, "live_threshold": in.LiveThreshold}})
	})
	if err != nil {
		return nil, err
	}
	return loadEdition(ctx, s.pool, editionID, "")
}

// TieBreakNote is the commission's public note on the tie-breaks of a pool.
type TieBreakNote struct {
	PoolID uuid.UUID
	Note   string
}

// CertifyInput is one commission member's signature of the current
// computation.
type CertifyInput struct {
	EditionID uuid.UUID
	// InvalidBallots is the commission's count of invalid ballots.
	InvalidBallots int
	// TieBreakNotes: one note per pool whose results record a tie-break.
	TieBreakNotes []TieBreakNote
	Note          string
}

// Signature is one member's sign-off.
type Signature struct {
	AccountID   uuid.UUID
	DisplayName string
	SignedAt    time.Time
}

// Certification is the commission's record of the current computation.
type Certification struct {
	EditionID          uuid.UUID
	Computation        int
	SignaturesRequired int
	InvalidBallots     int // the commission's count
	PaperInvalid       int // invalid paper ballots as entered, when the record was made
	Note               string
	TieBreakNotes      []TieBreakNote // by pool position
	Signatures         []Signature    // in signing order
}

// Certified reports whether the record has the signatures publication needs.
func (c *Certification) Certified() bool { return len(c.Signatures) >= c.SignaturesRequired }

// Certify signs the current computation of a closed edition's results
// ("certify" on its results: the unit's officials, coordinators, admins).
// Each member signs a computation once (CONFLICT budget.already_signed).
// The first signature makes the record: the commission's invalid-ballot
// count (stored beside the invalid paper ballots as entered), a public
// note for every pool with a recorded tie-break, and an optional note.
// Later members sign that record: their invalid-ballot count must equal it,
// and notes, when they repeat them, must be the same (INVALID_INPUT
// budget.certification_mismatch); to change the record, recompute.
func (s *Service) Certify(ctx context.Context, in CertifyInput) (*Certification, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	if in.InvalidBallots < 0 {
		return nil, apperr.Invalid("invalidBallots", "budget.invalid_ballots_invalid")
	}
	in.Note = strings.TrimSpace(in.Note)
	notes := map[uuid.UUID]string{}
	for _, n := range in.TieBreakNotes {
		text := strings.TrimSpace(n.Note)
		if _, dup := notes[n.PoolID]; dup || text == "" {
			return nil, apperr.Invalid("tieBreakNotes", "budget.tie_break_note_invalid")
		}
		notes[n.PoolID] = text
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, in.EditionID, "for update")
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActRead, e.Object()) {
			return apperr.ErrNotFound
		}
		st, err := mayCertify(ctx, tx, e)
		if err != nil {
			return err
		}
		existing, err := loadCertification(ctx, tx, e.ID, st)
		if err != nil {
			return err
		}
		if existing == nil {
			if err := s.makeRecord(ctx, tx, e, st.Computation, in, notes); err != nil {
				return err
			}
		} else if err := sameRecord(existing, in, notes); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `insert into budget_result_signatures (edition_id, computation, account_id) values ($1, $2, $3)
			on conflict do nothing`, e.ID, st.Computation, actor)
		if err != nil {
			return fmt.Errorf("sign results: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "budget.already_signed")
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.results_certify", ObjectType: "budget_edition",
			ObjectID: e.ID.String(), Data: map[string]any{"computation": st.Computation, "invalid_ballots": in.InvalidBallots}})
	})
	if err != nil {
		return nil, err
	}
	return s.Certification(ctx, in.EditionID)
}

// ResultActions are what the caller may do with an edition's results now
// (resultsViewerCan), each decided by the check its mutation makes.
type ResultActions struct {
	UpdateSettings, Certify bool
}

// ResultActions says what the caller may do with the results of e, an
// edition they can read.
func (s *Service) ResultActions(ctx context.Context, e *Edition) (ResultActions, error) {
	out := ResultActions{UpdateSettings: mayUpdateResultSettings(ctx, e) == nil}
	if !authz.Can(ctx, ActCertify, e.resultObject()) {
		return out, nil // spares the reads below
	}
	_, err := mayCertify(ctx, s.pool, e)
	if err != nil && apperr.CodeOf(err) == apperr.Internal {
		return out, err
	}
	out.Certify = err == nil
	return out, nil
}

// mayUpdateResultSettings: managers, until the results are published.
func mayUpdateResultSettings(ctx context.Context, e *Edition) error {
	if err := authz.Require(ctx, ActManage, e.Object()); err != nil {
		return err
	}
	if e.Status == StatusResultsPublished {
		return apperr.New(apperr.PhaseClosed, "budget.results_already_published")
	}
	return nil
}

// mayCertify: commission members, once the vote is closed and results
// computed, who have not signed this computation yet. It returns the
// results' state.
func mayCertify(ctx context.Context, q db.Querier, e *Edition) (ResultState, error) {
	if err := authz.Require(ctx, ActCertify, e.resultObject()); err != nil {
		return ResultState{}, err
	}
	switch e.Status {
	case StatusClosed:
	case StatusResultsPublished:
		return ResultState{}, apperr.New(apperr.PhaseClosed, "budget.results_already_published")
	default:
		return ResultState{}, apperr.New(apperr.PhaseClosed, "budget.not_closed")
	}
	st, err := loadResultState(ctx, q, e)
	if err != nil {
		return st, err
	}
	if st.Computation == 0 {
		return st, apperr.New(apperr.Conflict, "budget.results_missing")
	}
	var signed bool
	if err := q.QueryRow(ctx, `select exists (select 1 from budget_result_signatures where edition_id = $1 and computation = $2
		and account_id = $3)`, e.ID, st.Computation, authz.SubjectFrom(ctx).AccountID).Scan(&signed); err != nil {
		return st, fmt.Errorf("read signature: %w", err)
	}
	if signed {
		return st, apperr.New(apperr.Conflict, "budget.already_signed")
	}
	return st, nil
}

// makeRecord stores the first signer's record of a computation.
func (s *Service) makeRecord(ctx context.Context, tx *db.Tx, e *Edition, computation int, in CertifyInput, notes map[uuid.UUID]string) error {
	var tied []uuid.UUID
	rows, err := tx.Query(ctx, `select distinct r.pool_id from budget_tie_breaks t join budget_results r on r.pool_id = t.pool_id
		where r.edition_id = $1`, e.ID)
	if err != nil {
		return fmt.Errorf("read tie-breaks: %w", err)
	}
	if tied, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil {
		return fmt.Errorf("read tie-breaks: %w", err)
	}
	for _, p := range tied {
		if notes[p] == "" {
			return apperr.Invalid("tieBreakNotes", "budget.tie_break_note_missing")
		}
	}
	for p := range notes {
		if !slices.Contains(tied, p) {
			return apperr.Invalid("tieBreakNotes", "budget.tie_break_note_invalid")
		}
	}
	paper, err := s.paperCounts(ctx, tx, e.ID) // paper.go
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `insert into budget_certifications (edition_id, computation, invalid_ballots, paper_invalid, note)
		values ($1, $2, $3, $4, $5)`, e.ID, computation, in.InvalidBallots, paper.Invalid, in.Note); err != nil {
		return fmt.Errorf("insert certification: %w", err)
	}
	for p, note := range notes {
		if _, err := tx.Exec(ctx, `insert into budget_certification_notes (edition_id, computation, pool_id, note) values ($1, $2, $3, $4)`,
			e.ID, computation, p, note); err != nil {
			return fmt.Errorf("insert tie-break note: %w", err)
		}
	}
	return nil
}

// sameRecord checks a later signer's input against the record.
func sameRecord(c *Certification, in CertifyInput, notes map[uuid.UUID]string) error {
	if in.InvalidBallots != c.InvalidBallots {
		return apperr.Invalid("invalidBallots", "budget.certification_mismatch")
	}
	if len(notes) > 0 {
		if len(notes) != len(c.TieBreakNotes) {
			return apperr.Invalid("tieBreakNotes", "budget.certification_mismatch")
		}
		for _, n := range c.TieBreakNotes {
			if notes[n.PoolID] != n.Note {
				return apperr.Invalid("tieBreakNotes", "budget.certification_mismatch")
			}
		}
	}
	if in.Note != "" && in.Note != c.Note {
		return apperr.Invalid("note", "budget.certification_mismatch")
	}
	return nil
}

// Certification returns the commission's record of the current
// computation (nil before the first signature): public once the results
// are published, the edition's staff before.
func (s *Service) Certification(ctx context.Context, editionID uuid.UUID) (*Certification, error) {
	e, err := resultsEdition(ctx, s.pool, editionID)
	if err != nil {
		return nil, err
	}
	st, err := loadResultState(ctx, s.pool, e)
	if err != nil {
		return nil, err
	}
	return loadCertification(ctx, s.pool, e.ID, st)
}

func loadCertification(ctx context.Context, q db.Querier, editionID uuid.UUID, st ResultState) (*Certification, error) {
	c := Certification{EditionID: editionID, Computation: st.Computation, SignaturesRequired: st.SignaturesRequired}
	err := q.QueryRow(ctx, `select invalid_ballots, paper_invalid, note from budget_certifications where edition_id = $1 and computation = $2`,
		editionID, st.Computation).Scan(&c.InvalidBallots, &c.PaperInvalid, &c.Note)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read certification: %w", err)
	}
	rows, err := q.Query(ctx, `select n.pool_id, n.note from budget_certification_notes n join budget_pools l on l.id = n.pool_id
		where n.edition_id = $1 and n.computation = $2 order by l.position, l.id`, editionID, st.Computation)
	if err != nil {
		return nil, fmt.Errorf("read tie-break notes: %w", err)
	}
	for rows.Next() {
		var n TieBreakNote
		if err := rows.Scan(&n.PoolID, &n.Note); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan tie-break note: %w", err)
		}
		c.TieBreakNotes = append(c.TieBreakNotes, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `select s.account_id, a.display_name, s.signed_at from budget_result_signatures s
		join accounts a on a.id = s.account_id where s.edition_id = $1 and s.computation = $2 order by s.signed_at, s.account_id`,
		editionID, st.Computation)
	if err != nil {
		return nil, fmt.Errorf("read signatures: %w", err)
	}
	for rows.Next() {
		var sg Signature
		if err := rows.Scan(&sg.AccountID, &sg.DisplayName, &sg.SignedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan signature: %w", err)
		}
		c.Signatures = append(c.Signatures, sg)
	}
	rows.Close()
	return &c, rows.Err()
}

// requireCertified refuses publication (CONFLICT budget.not_certified)
// until the current computation has the signatures the edition requires.
func requireCertified(ctx context.Context, tx *db.Tx, e *Edition) error {
	st, err := loadResultState(ctx, tx, e)
	if err != nil {
		return err
	}
	var signed int
	if err := tx.QueryRow(ctx, `select count(*) from budget_result_signatures where edition_id = $1 and computation = $2`,
		e.ID, st.Computation).Scan(&signed); err != nil {
		return fmt.Errorf("count signatures: %w", err)
	}
	if st.Computation == 0 || signed < st.SignaturesRequired {
		return apperr.New(apperr.Conflict, "budget.not_certified")
	}
	return nil
}
