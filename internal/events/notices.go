package events

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Notices of the events calendar.
const (
	// NoticeApproved: the submitter learns that their event is public.
	NoticeApproved = "event_approved"
	// NoticeRejected: the submitter learns that their event was rejected, and why.
	NoticeRejected = "event_rejected"
)

func init() {
	// Their e-mails are notice.event_approved.* and notice.event_rejected.*
	// in the locale files.
	notify.Register(notify.Kind{Name: NoticeApproved, Data: []string{"title", "when", "event_url"}})
	notify.Register(notify.Kind{Name: NoticeRejected, Data: []string{"title", "when", "event_url", "reason"}})
}

// notifyReviewed tells the submitter of e (unless it is the reviewer, or
// the account is gone) how the review went, in-app and by e-mail, with the
// title in their language (else the original).
func (s *Service) notifyReviewed(ctx context.Context, tx *db.Tx, e *Event, reviewer uuid.UUID, at time.Time) error {
	if s.notify == nil || e.SubmittedBy == nil || *e.SubmittedBy == reviewer {
		return nil
	}
	var locale i18n.Locale
	if err := tx.QueryRow(ctx, `select locale from accounts where id = $1`, *e.SubmittedBy).Scan(&locale); err != nil {
		return err
	}
	texts, err := i18n.Load(ctx, tx, []uuid.UUID{e.TitleTextID})
	if err != nil {
		return err
	}
	kind := NoticeApproved
	data := map[string]string{"title": texts[e.TitleTextID].Resolve(locale).Text, "when": When(e),
		"event_url": strings.TrimRight(s.cfg.PublicURL, "/") + PathEvents + "/" + e.ID.String()}
	if e.Status == StatusRejected {
		kind, data["reason"] = NoticeRejected, e.RejectReason
	}
	return s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: *e.SubmittedBy, Kind: kind, Data: data,
		DedupeKey: "event_review:" + e.ID.String() + ":" + at.UTC().Format(time.RFC3339Nano), InApp: true, Email: true})
}

// When is an event's time as people read it, in Warsaw: "2025-03-14 18:00–20:00",
// "2025-03-14 18:00 – 2025-03-15 02:00", or for all-day events
// "2025-03-14" and "2025-03-14 – 2025-03-16".
func When(e *Event) string {
	s, end := e.StartsAt.In(i18n.Warsaw), e.EndsAt.In(i18n.Warsaw)
	if e.AllDay {
		last := e.LastDay()
		if last.Format(time.DateOnly) == s.Format(time.DateOnly) {
			return s.Format(time.DateOnly)
		}
		return s.Format(time.DateOnly) + " – " + last.Format(time.DateOnly)
	}
	if s.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return s.Format("2006-01-02 15:04") + "–" + end.Format("15:04")
	}
	return s.Format("2006-01-02 15:04") + " – " + end.Format("2006-01-02 15:04")
}
