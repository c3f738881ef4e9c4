package consultation

import (
	"github.com/otwarty/otwarty/internal/notify"
)

// The notices this domain sends, registered with notify: their names and the
// data every notice of a kind carries (filled into its {placeholders}); their
// messages are in the locale files, under "notice.<name>.".
const (
	NoticeSubmissionReply    = "submission_reply"
	NoticeModerationDecision = "moderation_decision"
	NoticeModerationFlag     = "moderation_flag"
	NoticeMeetingPromoted    = "meeting_promoted"
	NoticeMeetingReminder    = "meeting_reminder"
	NoticeMeetingMoved       = "meeting_moved"
	NoticeConsultationOpened = "consultation_opened"
	NoticeMeetingCancelled   = "meeting_cancelled"
	NoticeSubmissionAnswered = "submission_answered"
	NoticeConsultationReport = "consultation_report"
	NoticeReportReminder     = "consultation_report_reminder"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeSubmissionReply})
	notify.Register(notify.Kind{Name: NoticeModerationDecision, Data: []string{"action", "reason"},
		Labels: moderationLabels})
	notify.Register(notify.Kind{Name: NoticeModerationFlag, Data: []string{"reason"},
		Labels: moderationLabels})
	notify.Register(notify.Kind{Name: NoticeMeetingPromoted, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeMeetingReminder, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeMeetingMoved, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeConsultationOpened, Data: []string{"closes"}})
	notify.Register(notify.Kind{Name: NoticeMeetingCancelled, Data: []string{"reason", "when", "where"}})
	notify.Register(notify.Kind{Name: NoticeSubmissionAnswered})
	notify.Register(notify.Kind{Name: NoticeConsultationReport})
	notify.Register(notify.Kind{Name: NoticeReportReminder, Data: []string{"due_date"}})
}

// moderationLabels name the moderation action and reason codes in e-mails
// (one list of labels for both).
var moderationLabels = map[string]string{"action": moderationLabel, "reason": moderationLabel}

// moderationLabel is the prefix of the labels' keys.
const moderationLabel = "label.moderation."
