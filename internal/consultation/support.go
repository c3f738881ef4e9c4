package consultation

import (
	"context"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/support"
)

// Support records the caller's support of a visible submission while the
// consultation is open and returns the submission with its new count.
// Supporting twice (or fifty times at once) counts once and answers the same
// state: the primary key of the supports table decides (internal/support), and the count moves
// in the same statement only when a row was inserted. Supporting one's own
// submission is refused (CONFLICT submission.own): support measures what
// others think.
func (s *Service) Support(ctx context.Context, id uuid.UUID) (*Submission, error) {
	return s.setSupport(ctx, id, true)
}

// Unsupport withdraws the caller's support while the consultation is open;
// withdrawing a support that does not exist changes nothing.
func (s *Service) Unsupport(ctx context.Context, id uuid.UUID) (*Submission, error) {
	return s.setSupport(ctx, id, false)
}

func (s *Service) setSupport(ctx context.Context, id uuid.UUID, on bool) (*Submission, error) {
	caller := authz.SubjectFrom(ctx)
	var out *Submission
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// The submission row is not locked here: concurrent supports meet on
		// the support's primary key, not on the submission.
		sub, c, err := s.target(ctx, tx, id, ActSupport, false)
		if err != nil {
			return err
		}
		if err := maySupport(ctx, c, sub); err != nil {
			return err
		}
		changed, count, err := support.Set(ctx, tx, support.Submission, id, caller.AccountID, on)
		if err != nil {
			return err
		}
		if out, err = loadSubmission(ctx, tx, id, false); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		return publish(ctx, tx, Topic(c.ID), Event{Type: "support_changed", SubmissionID: &id, SupportCount: &count})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SupportedBy reports which of ids accountID supports, in one query (for
// the viewerHasSupported field of a page of submissions).
func (s *Service) SupportedBy(ctx context.Context, accountID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return support.Supporting(ctx, s.pool, support.Submission, accountID, ids)
}

// maySupport: anyone allowed but the author, while the consultation is open
// and the submission visible. (Unsupport makes the same check.)
func maySupport(ctx context.Context, c *Consultation, sub *Submission) error {
	if err := authz.Require(ctx, ActSupport, sub.object()); err != nil {
		return err
	}
	if c.Status != StatusOpen {
		return ErrPhaseClosed
	}
	if sub.Status != SubmissionVisible {
		return ErrNotActive
	}
	if sub.AuthorID == authz.SubjectFrom(ctx).AccountID {
		return ErrOwnSubmission
	}
	return nil
}
