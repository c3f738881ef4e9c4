package dialogue

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Notices of bodies' opinions on consultations.
const (
	// NoticeOpinionRequested: the city asks the body for its opinion; the
	// body's voting members (the chair and secretary among them) are told.
	NoticeOpinionRequested = "dialogue_opinion_requested"
	// NoticeOpinionRequestWithdrawn: the city withdrew its request; the
	// same members are told.
	NoticeOpinionRequestWithdrawn = "dialogue_opinion_request_withdrawn"
	// NoticeOpinionGiven: a body adopted its opinion on a consultation; the
	// officials of the consultation's unit (and who asked) are told.
	NoticeOpinionGiven = "dialogue_opinion_given"
)

// dueNone stands for a request without a due date in a notice's "due".
const dueNone = "none"

func init() {
	notify.Register(notify.Kind{Name: NoticeOpinionRequested, Data: []string{"body", "consultation", "due"},
		Labels: map[string]string{"due": "label.dialogue.opinion_due."},
	})
	notify.Register(notify.Kind{Name: NoticeOpinionRequestWithdrawn, Data: []string{"body", "consultation"}})
	notify.Register(notify.Kind{Name: NoticeOpinionGiven, Data: []string{"body", "consultation", "opinion"}})
}

func (s *Service) notifyRequested(ctx context.Context, tx *db.Tx, b *Body, c *consultation.Consultation, request uuid.UUID, due *time.Time) error {
	to, err := voterAccounts(ctx, tx, b.ID, s.now())
	if err != nil {
		return err
	}
	d := dueNone
	if due != nil {
		d = due.In(i18n.Warsaw).Format("2006-01-02 15:04")
	}
	return s.notifyTexts(ctx, tx, b, NoticeOpinionRequested, to, map[string]string{"due": d},
		map[string]uuid.UUID{"consultation": c.TitleTextID}, "dialogue_opinion_request:"+request.String()+":requested")
}

func (s *Service) notifyRequestWithdrawn(ctx context.Context, tx *db.Tx, b *Body, c *consultation.Consultation, request uuid.UUID) error {
	to, err := voterAccounts(ctx, tx, b.ID, s.now())
	if err != nil {
		return err
	}
	return s.notifyTexts(ctx, tx, b, NoticeOpinionRequestWithdrawn, to, nil,
		map[string]uuid.UUID{"consultation": c.TitleTextID}, "dialogue_opinion_request:"+request.String()+":withdrawn")
}

// notifyOpinionGiven tells the officials of the consultation's unit, and
// who asked for the opinion (a coordinator, say), each once.
func (s *Service) notifyOpinionGiven(ctx context.Context, tx *db.Tx, b *Body, c *consultation.Consultation, mo *Motion, askedBy *uuid.UUID) error {
	to, err := consultation.Officials(ctx, tx, c)
	if err != nil {
		return err
	}
	if askedBy != nil && !slices.Contains(to, *askedBy) {
		var deleted bool
		if err := tx.QueryRow(ctx, `select deleted_at is not null from accounts where id = $1`, *askedBy).Scan(&deleted); err != nil {
			return err
		}
		if !deleted {
			to = append(to, *askedBy)
		}
	}
	return s.notifyTexts(ctx, tx, b, NoticeOpinionGiven, to, nil,
		map[string]uuid.UUID{"consultation": c.TitleTextID, "opinion": mo.TitleTextID}, "dialogue_opinion:"+mo.ID.String()+":given")
}

// notifyTexts sends notifyMembers' notice with data and, for each key of
// texts, that text in each recipient's language.
func (s *Service) notifyTexts(ctx context.Context, tx *db.Tx, b *Body, kind string, to []uuid.UUID, data map[string]string,
	texts map[string]uuid.UUID, key string) error {
	if s.notify == nil || len(to) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, 0, len(texts))
	for _, id := range texts {
		ids = append(ids, id)
	}
	loaded, err := i18n.Load(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, account := range to {
		locale := localeOf(ctx, tx, account)
		d := map[string]string{}
		for k, v := range data {
			d[k] = v
		}
		for k, id := range texts {
			d[k] = loaded[id].Resolve(locale).Text
		}
		if err := s.notifyMembers(ctx, tx, b, kind, []uuid.UUID{account}, d, key); err != nil {
			return err
		}
	}
	return nil
}
