package consultation

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
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// ActAnswer is the action of drafting and publishing answers to
// submissions: the unit's officials, coordinators and admins (never
// residents or moderators).
const ActAnswer = "answer"

// Answer statuses, as the council resolution lists them.
const (
	AnswerAccepted       = "accepted"
	AnswerPartlyAccepted = "partly_accepted"
	AnswerNotAccepted    = "not_accepted"
	AnswerNotApplicable  = "not_applicable"
)

// AnswerStatuses lists every answer status in report order.
var AnswerStatuses = []string{AnswerAccepted, AnswerPartlyAccepted, AnswerNotAccepted, AnswerNotApplicable}

// Errors of answers.
var (
	// ErrAnswerPhase: answers are drafted and published only while the
	// consultation is closed (after the close, before the report).
	ErrAnswerPhase = apperr.New(apperr.PhaseClosed, "answer.not_closed")
	// ErrAnswerPublished: a published answer is final. Its author was told
	// and the report quotes it, so a silent change would rewrite what the
	// city said; a correction would need its own visible record.
	ErrAnswerPublished = apperr.New(apperr.Conflict, "answer.published")
	// ErrAnswerWithdrawn: withdrawn submissions are not answered.
	ErrAnswerWithdrawn  = apperr.New(apperr.Conflict, "answer.withdrawn")
	ErrAnswerReply      = apperr.Invalid("submissionId", "answer.reply")
	ErrAnswerNotDrafted = apperr.Invalid("submissionIds", "answer.not_drafted")
	errAnswerStatus     = apperr.Invalid("status", "answer.status_invalid")
)

// AnswerInput is an official's answer to one submission.
type AnswerInput struct {
	Status string // one of AnswerStatuses
	Reason i18n.Input
}

// Answer is the answer to one submission; PublishedAt is nil for a draft.
type Answer struct {
	SubmissionID   uuid.UUID
	ConsultationID uuid.UUID
	Status         string
	ReasonTextID   uuid.UUID
	DraftedBy      uuid.UUID // uuid.Nil when the account was deleted
	DraftedAt      time.Time
	UpdatedAt      time.Time
	PublishedAt    *time.Time
}

// Published reports whether the answer is public.
func (a *Answer) Published() bool { return a.PublishedAt != nil }

const answerColumns = `a.submission_id, s.consultation_id, a.status, a.reason_text_id,
	coalesce(a.drafted_by, '00000000-0000-0000-0000-000000000000'), a.drafted_at, a.updated_at, a.published_at`

func scanAnswer(row pgx.Row, extra ...any) (*Answer, error) {
	var a Answer
	err := row.Scan(append([]any{&a.SubmissionID, &a.ConsultationID, &a.Status, &a.ReasonTextID, &a.DraftedBy,
		&a.DraftedAt, &a.UpdatedAt, &a.PublishedAt}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// DraftAnswer drafts, or redrafts, the answer to a top-level submission
// (postulate or section comment, hidden and staff-entered ones included;
// not a reply, not a withdrawn one) while the consultation is closed. The
// reason is required and becomes a new text on every redraft: another
// official of the unit may rewrite a draft, and only a text's author may add
// an original version. A published answer cannot be changed (CONFLICT).
func (s *Service) DraftAnswer(ctx context.Context, submissionID uuid.UUID, in AnswerInput) (*Answer, error) {
	caller := authz.SubjectFrom(ctx)
	var out *Answer
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		sub, c, err := s.target(ctx, tx, submissionID, ActAnswer, true)
		if err != nil {
			return err
		}
		if c.Status != StatusClosed {
			return ErrAnswerPhase
		}
		if sub.ParentID != nil {
			return ErrAnswerReply
		}
		if sub.Status == SubmissionWithdrawn {
			return ErrAnswerWithdrawn
		}
		if !slices.Contains(AnswerStatuses, in.Status) {
			return errAnswerStatus
		}
		if err := validateLocalized("reason", in.Reason, true); err != nil {
			return err
		}
		// The submission row is locked by target, so redrafts of one answer
		// run one after the other.
		var published *time.Time
		err = tx.QueryRow(ctx, `select published_at from submission_answers where submission_id = $1`, sub.ID).Scan(&published)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read answer: %w", err)
		}
		if published != nil {
			return ErrAnswerPublished
		}
		reason, err := i18n.CreateText(ctx, tx, in.Reason.Locale, strings.TrimSpace(in.Reason.Text), caller.AccountID,
			textDomains(c.ID, c.UnitID))
		if err != nil {
			return err
		}
		now := s.now()
		_, err = tx.Exec(ctx, `insert into submission_answers (submission_id, status, reason_text_id, drafted_by, drafted_at, updated_at)
			values ($1, $2, $3, $4, $5, $5)
			on conflict (submission_id) do update set status = excluded.status, reason_text_id = excluded.reason_text_id,
				drafted_by = excluded.drafted_by, updated_at = excluded.updated_at`,
			sub.ID, in.Status, reason, actorOrNil(caller.AccountID), now)
		if err != nil {
			return fmt.Errorf("draft answer: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "submission.answer_draft",
			ObjectType: "submission", ObjectID: sub.ID.String(),
			Data: map[string]any{"consultation_id": c.ID, "status": in.Status, "reason_text_id": reason}}); err != nil {
			return err
		}
		out, err = scanAnswer(tx.QueryRow(ctx, `select `+answerColumns+` from submission_answers a
			join submissions s on s.id = a.submission_id where a.submission_id = $1`, sub.ID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PublishAnswers publishes, in one transaction, the drafted answers of
// consultation cid with submissionIDs (nil: every draft) and tells each
// author with an account, in their language. Ids whose answer is already
// published are skipped, so a retry is harmless; an id without an answer in
// this consultation is INVALID_INPUT. It returns the answers it published.
func (s *Service) PublishAnswers(ctx context.Context, cid uuid.UUID, submissionIDs []uuid.UUID) ([]*Answer, error) {
	caller := authz.SubjectFrom(ctx)
	var out []*Answer
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// A share lock: the report (which locks the consultation for update)
		// waits for answers being published, and they for it.
		c, err := scopeFor(ctx, tx, cid, ActAnswer)
		if err != nil {
			return err
		}
		if c.Status != StatusClosed {
			return ErrAnswerPhase
		}
		if submissionIDs != nil {
			var known []uuid.UUID
			rows, err := tx.Query(ctx, `select a.submission_id from submission_answers a
				join submissions s on s.id = a.submission_id
				where s.consultation_id = $1 and a.submission_id = any($2)`, cid, submissionIDs)
			if err != nil {
				return fmt.Errorf("check answers: %w", err)
			}
			if known, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil {
				return fmt.Errorf("check answers: %w", err)
			}
			for _, id := range submissionIDs {
				if !slices.Contains(known, id) {
					return ErrAnswerNotDrafted.With(map[string]any{"id": id.String()})
				}
			}
		}
		now := s.now()
		rows, err := tx.Query(ctx, `update submission_answers a set published_at = $3, updated_at = $3
			from submissions s
			where s.id = a.submission_id and s.consultation_id = $1 and a.published_at is null
				and s.status <> 'withdrawn' and ($2::uuid[] is null or a.submission_id = any($2))
			returning `+answerColumns+`, coalesce(s.author_id, '00000000-0000-0000-0000-000000000000'), s.status`,
			cid, submissionIDs, now)
		if err != nil {
			return fmt.Errorf("publish answers: %w", err)
		}
		type published struct {
			answer *Answer
			author uuid.UUID
			status string
		}
		var done []published
		for rows.Next() {
			var p published
			if p.answer, err = scanAnswer(rows, &p.author, &p.status); err != nil {
				rows.Close()
				return fmt.Errorf("publish answers: %w", err)
			}
			done = append(done, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("publish answers: %w", err)
		}
		ids := make([]string, 0, len(done))
		for _, p := range done {
			out = append(out, p.answer)
			ids = append(ids, p.answer.SubmissionID.String())
			if p.author != uuid.Nil && s.notify != nil {
				err := s.notify.Notify(ctx, tx, notify.Notice{
					AccountID: p.author, Kind: NoticeSubmissionAnswered,
					Data: map[string]string{"consultation_id": c.ID.String(),
						"submission_id": p.answer.SubmissionID.String(), "status": p.answer.Status},
					DedupeKey: "answer:" + p.answer.SubmissionID.String(), InApp: true, Email: true,
				})
				if err != nil {
					return err
				}
			}
			// Hidden items never reach the public topic.
			if p.status == SubmissionVisible {
				id := p.answer.SubmissionID
				if err := publish(ctx, tx, Topic(c.ID), Event{Type: "submission_answered", SubmissionID: &id}); err != nil {
					return err
				}
			}
		}
		if len(done) == 0 {
			return nil
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "consultation.answers_publish",
			ObjectType: "consultation", ObjectID: c.ID.String(),
			Data: map[string]any{"submission_ids": ids}})
	})
	if err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// Answer returns the answer to a submission the caller may see: published
// answers to everyone who sees the submission, drafts only to those who may
// answer. NOT_FOUND when there is none the caller may see.
func (s *Service) Answer(ctx context.Context, submissionID uuid.UUID) (*Answer, error) {
	m, err := s.AnswersOf(ctx, []uuid.UUID{submissionID})
	if err != nil {
		return nil, err
	}
	a, ok := m[submissionID]
	if !ok {
		return nil, ErrNotFound
	}
	return a, nil
}

// AnswersOf returns, in one query, the answers to those of submissionIDs the
// caller may see (for dataloaders), under the rules of Answer; the others
// are absent from the map.
func (s *Service) AnswersOf(ctx context.Context, submissionIDs []uuid.UUID) (map[uuid.UUID]*Answer, error) {
	out := make(map[uuid.UUID]*Answer, len(submissionIDs))
	if len(submissionIDs) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select `+answerColumns+`, s.status,
			coalesce(s.author_id, '00000000-0000-0000-0000-000000000000'), c.unit_id, c.status
		from submission_answers a join submissions s on s.id = a.submission_id
		join consultations c on c.id = s.consultation_id
		where a.submission_id = any($1)`, submissionIDs)
	if err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	defer rows.Close()
	type scope struct{ read, readHidden, answer bool }
	scopes := map[uuid.UUID]scope{} // per consultation: role checks once, not per row
	for rows.Next() {
		var subStatus string
		var author, unit uuid.UUID
		var cStatus Status
		a, err := scanAnswer(rows, &subStatus, &author, &unit, &cStatus)
		if err != nil {
			return nil, fmt.Errorf("load answers: %w", err)
		}
		sc, ok := scopes[a.ConsultationID]
		if !ok {
			c := &Consultation{ID: a.ConsultationID, UnitID: unit, Status: cStatus}
			sc.read = authz.Can(ctx, ActRead, c.Object())
			sc.readHidden = sc.read && authz.Can(ctx, ActReadHidden, submissionScope(c))
			sc.answer = sc.read && authz.Can(ctx, ActAnswer, submissionScope(c))
			scopes[a.ConsultationID] = sc
		}
		if !sc.read || (!a.Published() && !sc.answer) {
			continue
		}
		if subStatus != SubmissionVisible && !sc.readHidden {
			sub := &Submission{ID: a.SubmissionID, ConsultationID: a.ConsultationID, AuthorID: author, unitID: unit}
			if !authz.Can(ctx, ActReadHidden, sub.object()) {
				continue
			}
		}
		out[a.SubmissionID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	return out, nil
}

// Unanswered counts the consultation's top-level, not withdrawn submissions
// (hidden ones included) without a published answer, for those who may
// answer there: the number that stands between them and the report.
func (s *Service) Unanswered(ctx context.Context, cid uuid.UUID) (int, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return 0, apperr.ErrUnauthenticated
	}
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return 0, err
	}
	if err := authz.Require(ctx, ActAnswer, submissionScope(c)); err != nil {
		return 0, err
	}
	return countUnanswered(ctx, s.pool, cid)
}

// Drafted counts consultation cid's answers drafted and not yet published
// (of submissions not withdrawn): what PublishAnswers with every draft
// would publish. For who may answer, as Unanswered.
func (s *Service) Drafted(ctx context.Context, cid uuid.UUID) (int, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return 0, apperr.ErrUnauthenticated
	}
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return 0, err
	}
	if err := authz.Require(ctx, ActAnswer, submissionScope(c)); err != nil {
		return 0, err
	}
	var n int
	err = s.pool.QueryRow(ctx, `select count(*) from submission_answers a join submissions s on s.id = a.submission_id
		where s.consultation_id = $1 and a.published_at is null and s.status <> 'withdrawn'`, cid).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count drafted answers: %w", err)
	}
	return n, nil
}

func countUnanswered(ctx context.Context, q db.Querier, cid uuid.UUID) (int, error) {
	var n int
	err := q.QueryRow(ctx, `select count(*) from submissions s
		where s.consultation_id = $1 and s.parent_id is null and s.status <> 'withdrawn'
			and not exists (select from submission_answers a where a.submission_id = s.id and a.published_at is not null)`,
		cid).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unanswered: %w", err)
	}
	return n, nil
}
