package ambassador

import (
	"context"
	"fmt"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// Notices of the Ambassador.
const (
	// NoticeConsentRequest: the nominee (a minor's guardian) is asked to
	// consent, by e-mail with the one-time link.
	NoticeConsentRequest = "ambassador_consent_request"
	// NoticeNominationChecked: the nominator learns the formal check's outcome.
	NoticeNominationChecked = "ambassador_nomination_checked"
)

// reasonNone stands for "no reason" (an eligible nomination) in a notice.
const reasonNone = "none"

// Labels of codes in notices, in the locale files (prefix + code).
const (
	categoryLabel     = "label.ambassador.category."
	outcomeLabel      = "label.ambassador.outcome."
	checkOutcomeLabel = "label.ambassador.check_outcome."
	checkReasonLabel  = "label.ambassador.check_reason."
	heldReasonLabel   = "label.ambassador.held_reason."
)

func init() {
	notify.Register(notify.Kind{Name: NoticeConsentRequest, Data: []string{"nominee", "year", "category"},
		Labels: map[string]string{"category": categoryLabel},
	})
	notify.Register(notify.Kind{Name: NoticeNominationChecked, Data: []string{"nominee", "year", "outcome", "reason"},
		Labels: map[string]string{"outcome": checkOutcomeLabel, "reason": checkReasonLabel},
	})
}

// notifyChecked tells an online nominator the check's outcome, in-app and by
// e-mail in their language; a nominator on paper is told by staff.
func (s *Service) notifyChecked(ctx context.Context, tx *db.Tx, e *Edition, n *Nomination) error {
	if s.notify == nil || n.NominatorID == nil {
		return nil
	}
	reason := n.CheckReason
	if reason == "" {
		reason = reasonNone
	}
	return s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: *n.NominatorID, Kind: NoticeNominationChecked,
		Data:      map[string]string{"nominee": n.Nominee.Name, "year": fmt.Sprint(e.Year), "outcome": string(n.Status), "reason": reason},
		DedupeKey: fmt.Sprintf("ambassador_check:%s:%d", n.ID, s.now().UnixMicro()), InApp: true, Email: true})
}

// Notices of the decision and the announcement (announce.go).
const (
	// NoticeAwardNominator: the nominator learns the outcome at the announcement.
	NoticeAwardNominator = "ambassador_award_nominator"
	// NoticeAwardNominee: the nominee (a minor's guardian) learns the outcome.
	NoticeAwardNominee = "ambassador_award_nominee"
	// NoticeAnnouncementHeld: the coordinators learn that the scheduled
	// announcement waits for the Mayor's award.
	NoticeAnnouncementHeld = "ambassador_announcement_held"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeAwardNominator, Data: []string{"nominee", "year", "category", "outcome"},
		Labels: map[string]string{"category": categoryLabel, "outcome": outcomeLabel},
	})
	notify.Register(notify.Kind{Name: NoticeAwardNominee, Data: []string{"nominee", "year", "category", "outcome"},
		Labels: map[string]string{"category": categoryLabel, "outcome": outcomeLabel},
	})
	notify.Register(notify.Kind{Name: NoticeAnnouncementHeld, Data: []string{"year", "reason"},
		Labels: map[string]string{"reason": heldReasonLabel},
	})
}
