package dialogue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/poll"
)

// A body's opinion on a consultation. The officials who run a consultation
// (consultation.ActRequestOpinion) ask a body they can see for its opinion,
// optionally by a due date no later than the consultation's close; the
// body's voting members (the chair and secretary among them) are told. An
// opinion motion of the body about the consultation, adopted while the
// consultation takes opinions (announced or open), is the body's opinion
// on it: it answers the body's open request (a later one supplements it),
// it appears in the consultation and its report, and the consultation's
// officials are told. An opinion adopted unasked counts too, marked so. A
// request still open when the consultation closes (or the body is
// dissolved) has lapsed: nothing answers it after, and an opinion adopted
// after the close is not part of the consultation's record.

// OpinionRequestStatus is where a request stands now.
type OpinionRequestStatus string

const (
	RequestOpen      OpinionRequestStatus = "open"
	RequestAnswered  OpinionRequestStatus = "answered"
	RequestWithdrawn OpinionRequestStatus = "withdrawn"
	// RequestLapsed: still open when the consultation closed or the body
	// was dissolved.
	RequestLapsed OpinionRequestStatus = "lapsed"
)

// OpinionRequest is the officials' request for a body's opinion on a
// consultation.
type OpinionRequest struct {
	ID, ConsultationID, BodyID uuid.UUID
	NoteTextID                 *uuid.UUID
	DueAt                      *time.Time
	Status                     OpinionRequestStatus
	RequestedBy                *uuid.UUID
	RequestedAt                time.Time
	WithdrawnBy                *uuid.UUID
	WithdrawnAt                *time.Time
	// AnsweredBy is the adopted opinion motion that answered it.
	AnsweredBy *uuid.UUID
	AnsweredAt *time.Time
}

// Late reports whether the request was answered after its due date.
func (r *OpinionRequest) Late() bool {
	return r.AnsweredAt != nil && r.DueAt != nil && r.AnsweredAt.After(*r.DueAt)
}

// Cursor is r's position in a list of requests.
func (r *OpinionRequest) Cursor() string {
	return page.Cursor("dialogue_opinion_requests", page.Key{At: r.RequestedAt, ID: r.ID})
}

// Errors of opinion requests.
var (
	ErrConsultationNotTakingOpinions = apperr.New(apperr.PhaseClosed, "dialogue.opinion_consultation_closed")
	ErrOpinionRequested              = apperr.New(apperr.Conflict, "dialogue.opinion_requested")
	ErrOpinionRequestClosed          = apperr.New(apperr.PhaseClosed, "dialogue.opinion_request_closed")
	errDuePast                       = apperr.Invalid("dueAt", "dialogue.opinion_due_past")
	errDueAfterClose                 = apperr.Invalid("dueAt", "dialogue.opinion_due_after_close")
)

// OpinionRequestInput asks body BodyID for its opinion on consultation
// ConsultationID; Note (optional) says what the officials ask; DueAt
// (optional) lies ahead and no later than the consultation's close.
type OpinionRequestInput struct {
	ConsultationID, BodyID uuid.UUID
	Note                   i18n.Input
	DueAt                  *time.Time
}

// requestColumns read a request as it stands now: an open request of a
// consultation that no longer takes opinions, or of a dissolved body, has
// lapsed.
const requestColumns = `r.id, r.consultation_id, r.body_id, r.note_text_id, r.due_at,
	case when r.status = 'open' and (c.status not in ('announced', 'open') or b.status <> 'active') then 'lapsed' else r.status end,
	r.requested_by, r.requested_at, r.withdrawn_by, r.withdrawn_at, r.answered_by, r.answered_at`

const requestFrom = ` from dialogue_opinion_requests r join consultations c on c.id = r.consultation_id
	join dialogue_bodies b on b.id = r.body_id `

func scanRequest(row pgx.Row) (*OpinionRequest, error) {
	var r OpinionRequest
	return &r, row.Scan(&r.ID, &r.ConsultationID, &r.BodyID, &r.NoteTextID, &r.DueAt, &r.Status, &r.RequestedBy, &r.RequestedAt,
		&r.WithdrawnBy, &r.WithdrawnAt, &r.AnsweredBy, &r.AnsweredAt)
}

func loadRequest(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*OpinionRequest, error) {
	r, err := scanRequest(q.QueryRow(ctx, `select `+requestColumns+requestFrom+`where r.id = $1 `+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load opinion request: %w", err)
	}
	return r, nil
}

// consultationFor reads consultation id (locked for share when share) in
// authz.For's order for act: NOT_FOUND when the caller may not see it.
func consultationFor(ctx context.Context, q db.Querier, id uuid.UUID, act string, share bool) (*consultation.Consultation, error) {
	return authz.For(ctx, act, func() (*consultation.Consultation, authz.Object, bool, error) {
		c, err := consultation.Load(ctx, q, id, share)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return c, c.Object(), authz.Can(ctx, consultation.ActRead, c.Object()), nil
	})
}

// RequestOpinion asks a body for its opinion on a consultation: who may
// request opinions on the consultation (its unit's officials, coordinators,
// admins), of an active body they can see (NOT_FOUND otherwise), while the
// consultation is announced or open (PHASE_CLOSED). One open request per
// body and consultation (CONFLICT). The body's voting members are told in
// their language. Audited.
func (s *Service) RequestOpinion(ctx context.Context, in OpinionRequestInput) (*OpinionRequest, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := consultationFor(ctx, tx, in.ConsultationID, consultation.ActRequestOpinion, true)
		if err != nil {
			return err
		}
		b, err := s.bodyFor(ctx, tx, in.BodyID, ActRead, true)
		if err != nil {
			return err
		}
		if b.Status != StatusActive {
			return ErrDissolved
		}
		if !c.TakesOpinions() {
			return ErrConsultationNotTakingOpinions
		}
		if err := in.Note.Check("note", ""); err != nil {
			return err
		}
		now := s.now()
		if in.DueAt != nil {
			if !in.DueAt.After(now) {
				return errDuePast
			}
			if c.ClosesAt != nil && in.DueAt.After(*c.ClosesAt) {
				return errDueAfterClose
			}
		}
		note, err := i18n.CreateOptional(ctx, tx, in.Note, actor, []string{authz.Domain("org", c.UnitID)})
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `insert into dialogue_opinion_requests (consultation_id, body_id, note_text_id, due_at, requested_by,
				requested_at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning id`,
			c.ID, b.ID, note, in.DueAt, actor, now).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrOpinionRequested
		}
		if err != nil {
			return fmt.Errorf("insert opinion request: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.opinion_request", ObjectType: "dialogue_opinion_request",
			ObjectID: id.String(), Data: map[string]any{"consultation_id": c.ID, "body_id": b.ID, "due_at": in.DueAt}}); err != nil {
			return err
		}
		return s.notifyRequested(ctx, tx, b, c, id, in.DueAt)
	})
	if err != nil {
		return nil, err
	}
	return loadRequest(ctx, s.pool, id, "")
}

// WithdrawOpinionRequest withdraws an open request: who may request
// opinions on its consultation (FORBIDDEN otherwise; NOT_FOUND when the
// caller may not see the body). A request answered, withdrawn or lapsed is
// PHASE_CLOSED. The body's voting members are told. Audited.
func (s *Service) WithdrawOpinionRequest(ctx context.Context, id uuid.UUID) (*OpinionRequest, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		r, b, err := s.requestFor(ctx, tx, id, "")
		if err != nil {
			return err
		}
		// The consultation first, as the answer does: its phase holds still.
		c, err := consultation.Load(ctx, tx, r.ConsultationID, true)
		if err != nil {
			return err
		}
		if err := authz.Require(ctx, consultation.ActRequestOpinion, c.Object()); err != nil {
			return err
		}
		if r, err = loadRequest(ctx, tx, id, "for update of r"); err != nil {
			return err
		}
		if r.Status != RequestOpen {
			return ErrOpinionRequestClosed
		}
		if _, err := tx.Exec(ctx, `update dialogue_opinion_requests set status = 'withdrawn', withdrawn_by = $2, withdrawn_at = $3
			where id = $1`, id, actor, s.now()); err != nil {
			return fmt.Errorf("withdraw opinion request: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.opinion_request_withdraw",
			ObjectType: "dialogue_opinion_request", ObjectID: id.String(),
			Data: map[string]any{"consultation_id": r.ConsultationID, "body_id": r.BodyID}}); err != nil {
			return err
		}
		return s.notifyRequestWithdrawn(ctx, tx, b, c, id)
	})
	if err != nil {
		return nil, err
	}
	return loadRequest(ctx, s.pool, id, "")
}

// requestFor reads request id (locked as lock) with its body, NOT_FOUND
// when the caller may not see the body. Its consultation was announced
// when asked, so it is public.
func (s *Service) requestFor(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*OpinionRequest, *Body, error) {
	r, err := loadRequest(ctx, q, id, lock)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.bodyFor(ctx, q, r.BodyID, ActRead, false)
	if err != nil {
		return nil, nil, err
	}
	return r, b, nil
}

// OpinionRequest returns request id if the caller may see its body.
func (s *Service) OpinionRequest(ctx context.Context, id uuid.UUID) (*OpinionRequest, error) {
	r, _, err := s.requestFor(ctx, s.pool, id, "")
	return r, err
}

// OpinionRequestActions are what the caller may do with a request now.
type OpinionRequestActions struct{ Withdraw bool }

// OpinionRequestActionsFor returns what the caller may do with r now, by
// the check that enforces it.
func (s *Service) OpinionRequestActionsFor(ctx context.Context, r *OpinionRequest) (OpinionRequestActions, error) {
	if authz.SubjectFrom(ctx).Anonymous() || r.Status != RequestOpen {
		return OpinionRequestActions{}, nil
	}
	c, err := consultation.Load(ctx, s.pool, r.ConsultationID, false)
	if err != nil {
		return OpinionRequestActions{}, err
	}
	return OpinionRequestActions{Withdraw: authz.Can(ctx, consultation.ActRequestOpinion, c.Object())}, nil
}

// MayRequestOpinion reports whether the caller may ask bodies for their
// opinion on c now (the check RequestOpinion makes before the body's).
func MayRequestOpinion(ctx context.Context, c *consultation.Consultation) bool {
	return !authz.SubjectFrom(ctx).Anonymous() && c.TakesOpinions() && authz.Can(ctx, consultation.ActRequestOpinion, c.Object())
}

// OpinionRequestsOfBody lists the requests made to a body the caller sees
// (NOT_FOUND otherwise), newest first.
func (s *Service) OpinionRequestsOfBody(ctx context.Context, bodyID uuid.UUID, first int, after string) (page.Page[*OpinionRequest], error) {
	if _, err := s.bodyFor(ctx, s.pool, bodyID, ActRead, false); err != nil {
		return page.Page[*OpinionRequest]{}, err
	}
	return s.opinionRequests(ctx, `r.body_id = $1`, []any{bodyID}, first, after)
}

// OpinionRequestsOnConsultation lists the requests made on a consultation
// the caller sees (NOT_FOUND otherwise) to bodies the caller sees, newest
// first: a non-public body's request is its members' and staff's business.
func (s *Service) OpinionRequestsOnConsultation(ctx context.Context, cid uuid.UUID, first int, after string) (page.Page[*OpinionRequest], error) {
	if _, err := consultationFor(ctx, s.pool, cid, authz.Read, false); err != nil {
		return page.Page[*OpinionRequest]{}, err
	}
	visible, args, err := s.bodyVisibleSQL(ctx, "b", 2)
	if err != nil {
		return page.Page[*OpinionRequest]{}, err
	}
	return s.opinionRequests(ctx, `r.consultation_id = $1 and `+visible, append([]any{cid}, args...), first, after)
}

// opinionRequests is a page of the requests matching where (args $1…).
func (s *Service) opinionRequests(ctx context.Context, where string, args []any, first int, after string) (page.Page[*OpinionRequest], error) {
	var none page.Page[*OpinionRequest]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	more, err := page.After("dialogue_opinion_requests", after, &cur)
	if err != nil {
		return none, err
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*)`+requestFrom+`where `+where, args...).Scan(&total); err != nil {
		return none, fmt.Errorf("count opinion requests: %w", err)
	}
	q := `select ` + requestColumns + requestFrom + `where ` + where
	if more {
		q += fmt.Sprintf(` and (r.requested_at, r.id) < ($%d, $%d)`, len(args)+1, len(args)+2)
		args = append(args, cur.At, cur.ID)
	}
	q += fmt.Sprintf(` order by r.requested_at desc, r.id desc limit %d`, first+1)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return none, fmt.Errorf("list opinion requests: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*OpinionRequest, error) { return scanRequest(r) })
	if err != nil {
		return none, fmt.Errorf("list opinion requests: %w", err)
	}
	return page.Of(list, first, total), nil
}

// bodyVisibleSQL is the SQL condition that the caller may see body alias,
// with its arguments numbered from n: the read rules of policy.csv from
// the same grant tables (as Bodies).
func (s *Service) bodyVisibleSQL(ctx context.Context, alias string, n int) (string, []any, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return alias + `.public`, nil, nil
	}
	domains, err := authz.DomainsWithRoles(ctx, s.pool, sub.AccountID, authz.RoleOfficial, authz.RoleCoordinator, authz.RoleAdmin)
	if err != nil {
		return "", nil, err
	}
	d, a, t := fmt.Sprintf("$%d", n), fmt.Sprintf("$%d", n+1), fmt.Sprintf("$%d", n+2)
	memberNow := `exists (select 1 from dialogue_members m
		left join dialogue_delegates d on d.member_id = m.id and ` + delegateAt("d", t) + `
		where m.body_id = ` + alias + `.id and (m.account_id = ` + a + ` or d.account_id = ` + a + `) and ` + activeAt("m", t) + `)`
	return `(` + alias + `.public or '*' = any(` + d + `::text[]) or ('org:' || ` + alias + `.unit_id) = any(` + d + `::text[]) or ` +
		memberNow + `)`, []any{domains, sub.AccountID, s.now()}, nil
}

// answerOpinion is called where a motion's vote decides it: an adopted
// opinion motion about a consultation that takes opinions becomes the
// body's opinion on it (see the top of this file). It answers the body's
// open request, or supplements the request an earlier opinion answered,
// and the consultation's officials (and who asked) are told.
func (m *Motions) answerOpinion(ctx context.Context, tx *db.Tx, mo *Motion, status MotionStatus, p *poll.Poll) error {
	if status != MotionAdopted || mo.Kind != MotionOpinion || mo.ParentID != nil || mo.ConsultationID == nil {
		return nil
	}
	c, err := consultation.Load(ctx, tx, *mo.ConsultationID, true)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !c.TakesOpinions() {
		return nil // too late, or not yet published: not part of its record
	}
	var data []byte
	if err := tx.QueryRow(ctx, `select result from polls where id = $1`, p.ID).Scan(&data); err != nil {
		return fmt.Errorf("read vote result: %w", err)
	}
	var res poll.Result
	if err := json.Unmarshal(data, &res); err != nil {
		return fmt.Errorf("read vote result: %w", err)
	}
	now := m.s.now()
	var requestID, requestedBy *uuid.UUID
	answered := false
	err = tx.QueryRow(ctx, `update dialogue_opinion_requests set status = 'answered', answered_by = $3, answered_at = $4
		where consultation_id = $1 and body_id = $2 and status = 'open' returning id, requested_by`,
		c.ID, mo.BodyID, mo.ID, now).Scan(&requestID, &requestedBy)
	switch {
	case err == nil:
		answered = true
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `select id from dialogue_opinion_requests where consultation_id = $1 and body_id = $2
			and status = 'answered' order by answered_at desc, id desc limit 1`, c.ID, mo.BodyID).Scan(&requestID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read opinion request: %w", err)
		}
	default:
		return fmt.Errorf("answer opinion request: %w", err)
	}
	if _, err := tx.Exec(ctx, `insert into dialogue_opinions (motion_id, consultation_id, body_id, request_id, text_id, adopted_at,
			members, present, voters, yes, no, abstain) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		on conflict do nothing`, mo.ID, c.ID, mo.BodyID, requestID, mo.TextID, now, res.Members, res.Present, res.Voters,
		res.Yes, res.No, res.Abstain); err != nil {
		return fmt.Errorf("record opinion: %w", err)
	}
	if err := audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.opinion_given",
		ObjectType: "dialogue_motion", ObjectID: mo.ID.String(),
		Data: map[string]any{"consultation_id": c.ID, "body_id": mo.BodyID, "request_id": requestID, "answered": answered}}); err != nil {
		return err
	}
	b, err := load(ctx, tx, mo.BodyID, false)
	if err != nil {
		return err
	}
	return m.s.notifyOpinionGiven(ctx, tx, b, c, mo, requestedBy)
}

// ReportOpinions are the opinions bodies gave on consultation id, oldest
// first, for its report (consultation.OpinionSource; no check: the
// consultation decides who sees them).
func (s *Service) ReportOpinions(ctx context.Context, q db.Querier, id uuid.UUID) ([]consultation.BodyOpinion, error) {
	rows, err := q.Query(ctx, `select o.motion_id, o.body_id, b.name_text_id, m.title_text_id, o.text_id, o.adopted_at, o.request_id,
			r.due_at, o.members, o.present, o.voters, o.yes, o.no, o.abstain
		from dialogue_opinions o join dialogue_bodies b on b.id = o.body_id join dialogue_motions m on m.id = o.motion_id
		left join dialogue_opinion_requests r on r.id = o.request_id
		where o.consultation_id = $1 order by o.adopted_at, o.motion_id`, id)
	if err != nil {
		return nil, fmt.Errorf("list opinions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (consultation.BodyOpinion, error) {
		var o consultation.BodyOpinion
		err := r.Scan(&o.MotionID, &o.BodyID, &o.BodyNameTextID, &o.TitleTextID, &o.TextID, &o.AdoptedAt, &o.RequestID, &o.DueAt,
			&o.Members, &o.Present, &o.Voters, &o.Yes, &o.No, &o.Abstain)
		o.Requested = o.RequestID != nil
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("list opinions: %w", err)
	}
	return out, nil
}
