package ambassador

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Reasons a nomination is not eligible (the fixed list; "other" needs a note).
const (
	ReasonNoConsent       = "no_consent"
	ReasonSelfNomination  = "self_nomination"
	ReasonLate            = "late"
	ReasonIncomplete      = "incomplete"
	ReasonOutsideCriteria = "outside_criteria"
	ReasonDuplicate       = "duplicate"
	ReasonOther           = "other"
)

// Reasons lists the reasons in order.
var Reasons = []string{ReasonNoConsent, ReasonSelfNomination, ReasonLate, ReasonIncomplete, ReasonOutsideCriteria,
	ReasonDuplicate, ReasonOther}

var (
	errCheckClosed    = apperr.New(apperr.PhaseClosed, "ambassador.check_closed")
	errConsentMissing = apperr.New(apperr.Conflict, "ambassador.consent_missing")
	errReason         = apperr.Invalid("reason", "ambassador.reason_invalid")
	errNote           = apperr.Invalid("note", "ambassador.note_invalid")
)

// CheckInput is the formal check's outcome: eligible, or not with a reason
// from Reasons and an optional note (required for ReasonOther).
type CheckInput struct {
	Eligible bool
	Reason   string
	Note     string
}

// CheckNomination records the formal check of a nomination ("manage":
// staff) during the check phase. Eligible needs the nominee's consent
// (CONFLICT otherwise); a withdrawn nomination is not checked. A decision
// may be changed until the phase ends. The nominator is told in their
// language. Audited.
func (s *Service) CheckNomination(ctx context.Context, id uuid.UUID, in CheckInput) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	in.Note = strings.TrimSpace(in.Note)
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		n, e, err := s.nominationFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if !e.In(PhaseFormalCheck, s.now()) {
			return errCheckClosed
		}
		if n.Status == NominationWithdrawn {
			return errNotSubmitted
		}
		if n.CheckReason == ReasonDeclined {
			return errDeclined
		}
		if len(in.Note) > 4000 {
			return errNote
		}
		status, reason := NominationEligible, ""
		if in.Eligible {
			if in.Reason != "" {
				return errReason
			}
			if n.ConsentAt == nil {
				return errConsentMissing
			}
		} else {
			status, reason = NominationNotEligible, in.Reason
			valid := false
			for _, r := range Reasons {
				valid = valid || r == reason
			}
			if !valid {
				return errReason
			}
			if reason == ReasonOther && in.Note == "" {
				return errNote
			}
		}
		if _, err := tx.Exec(ctx, `update ambassador_nominations set status = $2, check_reason = nullif($3, ''),
			check_note = nullif($4, ''), checked_by = $5, checked_at = $6, updated_at = $6 where id = $1`,
			id, status, reason, in.Note, actor, s.now()); err != nil {
			return fmt.Errorf("check nomination: %w", err)
		}
		if err := audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.nomination_check",
			ObjectType: NominationType, ObjectID: id.String(),
			Data: map[string]any{"status": status, "reason": reason, "note": in.Note}}); err != nil {
			return err
		}
		n.Status, n.CheckReason = status, reason
		return s.notifyChecked(ctx, tx, e, n)
	})
	if err != nil {
		return nil, err
	}
	return s.loadNomination(ctx, s.pool, id)
}
