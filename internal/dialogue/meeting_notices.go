package dialogue

import (
	"github.com/otwarty/otwarty/internal/notify"
)

// The notices of body meetings, sent by the gathering mechanism to
// invitees (and, at a public body, registrants).
const (
	NoticeMeetingInvited   = "dialogue_meeting_invited"
	NoticeMeetingReminder  = "dialogue_meeting_reminder"
	NoticeMeetingMoved     = "dialogue_meeting_moved"
	NoticeMeetingCancelled = "dialogue_meeting_cancelled"
	NoticeMeetingPromoted  = "dialogue_meeting_promoted"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeMeetingInvited, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeMeetingReminder, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeMeetingMoved, Data: []string{"when", "where"}})
	notify.Register(notify.Kind{Name: NoticeMeetingCancelled, Data: []string{"reason", "when", "where"}})
	notify.Register(notify.Kind{Name: NoticeMeetingPromoted, Data: []string{"when", "where"}})
}
