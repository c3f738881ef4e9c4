package dialogue

import (
	"context"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Notices of minutes, sent to everyone on the body's roll now (persons,
// every delegate of an organisation member, guests, observers), each in
// their own language.
const (
	// NoticeMinutesOpen: a meeting's draft minutes are open for comments.
	NoticeMinutesOpen = "dialogue_minutes_open"
	// NoticeMinutesApproved: a meeting's minutes were approved and published.
	NoticeMinutesApproved = "dialogue_minutes_approved"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeMinutesOpen, Data: []string{"body", "meeting", "date"}})
	notify.Register(notify.Kind{Name: NoticeMinutesApproved, Data: []string{"body", "meeting", "date"}})
}

// notifyRoll tells everyone on t's body's roll now of kind, with the
// meeting's title in each one's language.
func (m *Minutes) notifyRoll(ctx context.Context, tx *db.Tx, t *minutesTarget, kind string) error {
	if m.s.notify == nil {
		return nil
	}
	to, err := Invitees(ctx, tx, t.body.ID, m.s.now())
	if err != nil {
		return err
	}
	texts, err := i18n.Load(ctx, tx, []uuid.UUID{t.g.TitleTextID})
	if err != nil {
		return err
	}
	date := day(t.g.StartsAt)
	key := "dialogue_minutes:" + t.g.ID.String() + ":" + kind
	for _, account := range to {
		data := map[string]string{"meeting": texts[t.g.TitleTextID].Resolve(localeOf(ctx, tx, account)).Text, "date": date}
		if err := m.s.notifyMembers(ctx, tx, t.body, kind, []uuid.UUID{account}, data, key); err != nil {
			return err
		}
	}
	return nil
}
