package ambassador

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// The Mayor's award: once every category that has eligible nominations has
// an adopted proposal, the coordinator records, per category, the laureates
// and distinctions the Mayor gave. It may differ from the jury's proposal
// (then a reason is required, and a nomination the proposal did not name
// brings its own justification); it may be recorded again until the
// announcement. Audited.

// AwardInput is the Mayor's award in one category. An entry without a
// justification keeps the one of the adopted proposal.
type AwardInput struct {
	EditionID  uuid.UUID
	CategoryID uuid.UUID
	Entries    []RankedInput
	Reason     string
}

// Award is the Mayor's award in one category.
type Award struct {
	CategoryID   uuid.UUID
	CategoryKind string
	ProposalID   uuid.UUID
	Reason       string
	RecordedBy   *uuid.UUID
	RecordedAt   time.Time
	Entries      []Entry
}

var (
	errProposalsMissing = apperr.New(apperr.Conflict, "ambassador.proposals_missing")
	errAwardReason      = apperr.Invalid("reason", "ambassador.award_reason_required").With(map[string]any{"min": MinReasonRunes})
	errAwardClosed      = apperr.New(apperr.PhaseClosed, "ambassador.award_closed")
)

// awardCategories are the categories of edition that need a proposal and an
// award: those with at least one eligible nomination.
func awardCategories(ctx context.Context, q db.Querier, edition uuid.UUID) ([]uuid.UUID, error) {
	rows, err := q.Query(ctx, `select c.id from ambassador_categories c where c.edition_id = $1 and exists (
		select 1 from ambassador_nominations n where n.category_id = c.id and n.status = 'eligible') order by c.kind = 'individual', c.id`, edition)
	if err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	return out, nil
}

// RecordAward records the Mayor's award in a category ("manage" on the
// edition: coordinators, admins) in the decision or audience-vote phase,
// after every category with eligible nominations has an adopted proposal
// (CONFLICT ambassador.proposals_missing). Audited with the reason.
func (s *Service) RecordAward(ctx context.Context, in AwardInput) (*Award, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	in.Reason = strings.TrimSpace(in.Reason)
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := s.editionFor(ctx, tx, in.EditionID, ActManage)
		if err != nil {
			return err
		}
		if e.Phase != PhaseDecision && e.Phase != PhaseAudienceVote {
			return errAwardClosed
		}
		cats, err := awardCategories(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		adopted := map[uuid.UUID]*Proposal{}
		rows, err := tx.Query(ctx, `select `+proposalCols+` from ambassador_proposals where edition_id = $1 and status = 'adopted'`, e.ID)
		if err != nil {
			return fmt.Errorf("read proposals: %w", err)
		}
		ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Proposal, error) { return scanProposal(r) })
		if err != nil {
			return fmt.Errorf("read proposals: %w", err)
		}
		if err := loadEntries(ctx, tx, ps); err != nil {
			return err
		}
		for _, p := range ps {
			adopted[p.CategoryID] = p
		}
		for _, c := range cats {
			if adopted[c] == nil {
				return errProposalsMissing
			}
		}
		prop := adopted[in.CategoryID]
		if prop == nil {
			// A category of another edition, or one without eligible nominations.
			return errCategory
		}
		proposed := map[uuid.UUID]Entry{}
		for _, en := range prop.Entries {
			proposed[en.NominationID] = en
		}
		if err := checkEntries(ctx, tx, e.ID, in.CategoryID, in.Entries, func(en RankedInput) bool {
			_, ok := proposed[en.NominationID]
			return !ok
		}); err != nil {
			return err
		}
		differs := len(in.Entries) != len(prop.Entries)
		for i, en := range in.Entries {
			p, ok := proposed[en.NominationID]
			differs = differs || !ok || p.Rank != en.Rank || p.Position != i
		}
		if (differs && utf8.RuneCountInString(in.Reason) < MinReasonRunes) || utf8.RuneCountInString(in.Reason) > 4000 {
			return errAwardReason
		}
		if _, err := tx.Exec(ctx, `delete from ambassador_awards where category_id = $1`, in.CategoryID); err != nil {
			return fmt.Errorf("replace award: %w", err)
		}
		if _, err := tx.Exec(ctx, `insert into ambassador_awards (category_id, edition_id, proposal_id, reason, recorded_by, recorded_at)
			values ($1, $2, $3, nullif($4, ''), $5, $6)`, in.CategoryID, e.ID, prop.ID, in.Reason, actor, s.now()); err != nil {
			return fmt.Errorf("insert award: %w", err)
		}
		for i, en := range in.Entries {
			text := proposed[en.NominationID].JustificationID
			if len(en.Justification) > 0 {
				if text, err = writeJustification(ctx, tx, e.ID, en.Justification, actor); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `insert into ambassador_award_entries (category_id, nomination_id, rank, position, justification_id)
				values ($1, $2, $3, $4, $5)`, in.CategoryID, en.NominationID, string(en.Rank), i, text); err != nil {
				return fmt.Errorf("insert award entry: %w", err)
			}
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.award", ObjectType: EditionType,
			ObjectID: e.ID.String(), Reason: in.Reason, Data: map[string]any{"category_id": in.CategoryID, "proposal_id": prop.ID,
				"differs": differs, "entries": entryLog(in.Entries)}})
	})
	if err != nil {
		return nil, err
	}
	awards, err := s.awards(ctx, s.pool, in.EditionID, &in.CategoryID)
	if err != nil {
		return nil, err
	}
	return awards[0], nil
}

// awards reads the edition's awards (one category's when category is set),
// organisations first, entries in order.
func (s *Service) awards(ctx context.Context, q db.Querier, edition uuid.UUID, category *uuid.UUID) ([]*Award, error) {
	rows, err := q.Query(ctx, `select a.category_id, c.kind, a.proposal_id, coalesce(a.reason, ''), a.recorded_by, a.recorded_at
		from ambassador_awards a join ambassador_categories c on c.id = a.category_id
		where a.edition_id = $1 and ($2::uuid is null or a.category_id = $2) order by c.kind = 'individual', c.id`, edition, category)
	if err != nil {
		return nil, fmt.Errorf("read awards: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Award, error) {
		a := &Award{Entries: []Entry{}}
		return a, r.Scan(&a.CategoryID, &a.CategoryKind, &a.ProposalID, &a.Reason, &a.RecordedBy, &a.RecordedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("read awards: %w", err)
	}
	rows, err = q.Query(ctx, `select x.category_id, x.nomination_id, n.nominee_name, x.rank, x.position, x.justification_id
		from ambassador_award_entries x join ambassador_awards a on a.category_id = x.category_id
		join ambassador_nominations n on n.id = x.nomination_id
		where a.edition_id = $1 and ($2::uuid is null or a.category_id = $2) order by x.category_id, x.position`, edition, category)
	if err != nil {
		return nil, fmt.Errorf("read award entries: %w", err)
	}
	var cat uuid.UUID
	var en Entry
	_, err = pgx.ForEachRow(rows, []any{&cat, &en.NominationID, &en.NomineeName, &en.Rank, &en.Position, &en.JustificationID}, func() error {
		i := slices.IndexFunc(out, func(a *Award) bool { return a.CategoryID == cat })
		if i >= 0 {
			out[i].Entries = append(out[i].Entries, en)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read award entries: %w", err)
	}
	return out, nil
}

// Awards lists the Mayor's awards of an edition for staff (nil for anyone
// else: the public sees the laureates once announced).
func (s *Service) Awards(ctx context.Context, edition uuid.UUID) ([]*Award, error) {
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return nil, err
	}
	if !s.Staff(ctx, e) {
		return nil, nil
	}
	return s.awards(ctx, s.pool, e.ID, nil)
}

// announced reports whether edition id's laureates have been published.
func announced(ctx context.Context, q db.Querier, id uuid.UUID) bool {
	var at *time.Time
	if err := q.QueryRow(ctx, `select announced_at from ambassador_editions where id = $1`, id).Scan(&at); err != nil {
		return false
	}
	return at != nil
}
