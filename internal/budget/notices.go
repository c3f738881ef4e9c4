package budget

import (
	"github.com/otwarty/otwarty/internal/notify"
)

// The notices this domain sends, registered with notify: their names and the
// data every notice of a kind carries (filled into its {placeholders}); their
// messages are in the locale files, under "notice.<name>.".
const (
	NoticeSessionPromoted  = "budget_session_promoted"
	NoticeSessionReminder  = "budget_session_reminder"
	NoticeSessionMoved     = "budget_session_moved"
	NoticeSessionCancelled = "budget_session_cancelled"
	NoticeVotingOpened     = "budget_voting_opened"
	NoticeVotingClosing    = "budget_voting_closing"
	NoticeProjectConsent   = "budget_project_consent"
	NoticeProjectVerified  = "budget_project_verified"
	NoticeAppealDecided    = "budget_appeal_decided"
	NoticeResultsReady     = "budget_results_ready"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeSessionPromoted, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeSessionReminder, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeSessionMoved, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeSessionCancelled, Data: []string{"reason", "when", "where"}})
	notify.Register(notify.Kind{Name: NoticeVotingOpened, Data: []string{"closes", "year"}})
	notify.Register(notify.Kind{Name: NoticeVotingClosing, Data: []string{"closes", "year"}})
	notify.Register(notify.Kind{Name: NoticeProjectConsent, Data: []string{"code"}})
	notify.Register(notify.Kind{Name: NoticeProjectVerified, Data: []string{"code", "decision", "reason"}})
	notify.Register(notify.Kind{Name: NoticeAppealDecided, Data: []string{"code", "decision", "reason"}})
	notify.Register(notify.Kind{Name: NoticeResultsReady, Data: []string{"computation", "year"}})
}
