package dialogue

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// The notices this domain sends, registered with notify.
const (
	// NoticeAppointed: you (or the organisation you represent) were
	// appointed to a body, given a new role in it, or named its delegate.
	NoticeAppointed = "dialogue_member_appointed"
	// NoticeTermEnding: a term ends in TermEndingNotice (sent once, if the
	// membership still runs and its end has not moved).
	NoticeTermEnding = "dialogue_term_ending"
)

// TermEndingNotice is how long before a term's end its members are told.
const TermEndingNotice = 30 * 24 * time.Hour

// openTerm stands for a term without an end in a notice's "until".
const openTerm = "open"

func init() {
	notify.Register(notify.Kind{Name: NoticeAppointed, Data: []string{"body", "role", "from", "until"},
		Labels: map[string]string{"role": roleLabel, "until": termEndLabel},
	})
}

func init() {
	notify.Register(notify.Kind{Name: NoticeTermEnding, Data: []string{"body", "role", "until"},
		Labels: map[string]string{"role": roleLabel},
	})
}

// Labels of codes in notices, in the locale files: roleLabel + a role
// (also in the minutes' draft), termEndLabel + openTerm.
const (
	roleLabel    = "label.dialogue.role."
	termEndLabel = "label.dialogue.term_end."
)

// notifyAppointed tells each account in to of an appointment (or new role,
// or delegation). key makes the notice unique per event.
func (s *Service) notifyAppointed(ctx context.Context, tx *db.Tx, b *Body, memberID uuid.UUID, to []uuid.UUID, role Role,
	from time.Time, until *time.Time, key string) error {
	end := openTerm
	if until != nil {
		end = day(*until)
	}
	return s.notifyMembers(ctx, tx, b, NoticeAppointed, to, map[string]string{"role": string(role), "from": day(from), "until": end},
		"dialogue_member:"+memberID.String()+":"+key)
}

// day is a date as notices show it, in Warsaw.
func day(t time.Time) string { return t.In(i18n.Warsaw).Format("2006-01-02") }

// notifyMembers sends a notice of kind about body b to each account in to,
// with data and the body's name (in the account's language when
// translated); key + the account is the dedupe key.
func (s *Service) notifyMembers(ctx context.Context, tx *db.Tx, b *Body, kind string, to []uuid.UUID, data map[string]string, key string) error {
	if s.notify == nil || len(to) == 0 {
		return nil
	}
	texts, err := i18n.Load(ctx, tx, []uuid.UUID{b.NameTextID})
	if err != nil {
		return err
	}
	for _, account := range to {
		d := map[string]string{"body": ""}
		for k, v := range data {
			d[k] = v
		}
		if t := texts[b.NameTextID]; t != nil {
			d["body"] = t.Resolve(localeOf(ctx, tx, account)).Text
		}
		err := s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: account, Kind: kind, Data: d,
			DedupeKey: key + ":" + account.String(), InApp: true, Email: true})
		if err != nil {
			return err
		}
	}
	return nil
}
