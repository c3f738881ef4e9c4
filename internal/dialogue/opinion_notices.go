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
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Prośba o opinię: {consultation}",
				Body: "Miasto prosi ciało dialogu „{body}” o opinię w konsultacjach „{consultation}”. Termin: {due}. Opinią jest przyjęty przez ciało wniosek typu „opinia” dotyczący tych konsultacji. Szczegóły: {link}"},
			i18n.UK: {Subject: "Прохання про висновок: {consultation}",
				Body: "Місто просить орган діалогу «{body}» надати висновок у консультаціях «{consultation}». Термін: {due}. Висновком є ухвалена органом пропозиція виду «висновок» щодо цих консультацій. Деталі: {link}"},
			i18n.EN: {Subject: "Your opinion is requested: {consultation}",
				Body: "The city asks the dialogue body “{body}” for its opinion on the consultation “{consultation}”. Due: {due}. The opinion is a motion of the kind “opinion” about this consultation, adopted by the body. Details: {link}"},
			i18n.RU: {Subject: "Просьба о заключении: {consultation}",
				Body: "Город просит орган диалога «{body}» дать заключение по консультациям «{consultation}». Срок: {due}. Заключением является принятое органом предложение вида «заключение» по этим консультациям. Подробности: {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{"due": {
			dueNone: {i18n.PL: "do zamknięcia konsultacji", i18n.UK: "до закриття консультацій",
				i18n.EN: "until the consultation closes", i18n.RU: "до закрытия консультаций"},
		}},
	})
	notify.Register(notify.Kind{Name: NoticeOpinionRequestWithdrawn, Data: []string{"body", "consultation"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Wycofano prośbę o opinię: {consultation}",
				Body: "Miasto wycofało prośbę o opinię ciała dialogu „{body}” w konsultacjach „{consultation}”. Szczegóły: {link}"},
			i18n.UK: {Subject: "Прохання про висновок відкликано: {consultation}",
				Body: "Місто відкликало прохання про висновок органу діалогу «{body}» у консультаціях «{consultation}». Деталі: {link}"},
			i18n.EN: {Subject: "Request for an opinion withdrawn: {consultation}",
				Body: "The city has withdrawn its request for the opinion of the dialogue body “{body}” on the consultation “{consultation}”. Details: {link}"},
			i18n.RU: {Subject: "Просьба о заключении отозвана: {consultation}",
				Body: "Город отозвал просьбу о заключении органа диалога «{body}» по консультациям «{consultation}». Подробности: {link}"},
		},
	})
	notify.Register(notify.Kind{Name: NoticeOpinionGiven, Data: []string{"body", "consultation", "opinion"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Opinia ciała dialogu w konsultacjach: {consultation}",
				Body: "Ciało dialogu „{body}” przyjęło opinię „{opinion}” w konsultacjach „{consultation}”. Opinia wejdzie do raportu z konsultacji. Szczegóły: {link}"},
			i18n.UK: {Subject: "Висновок органу діалогу в консультаціях: {consultation}",
				Body: "Орган діалогу «{body}» ухвалив висновок «{opinion}» у консультаціях «{consultation}». Висновок увійде до звіту про консультації. Деталі: {link}"},
			i18n.EN: {Subject: "A dialogue body's opinion on: {consultation}",
				Body: "The dialogue body “{body}” has adopted its opinion “{opinion}” on the consultation “{consultation}”. The opinion will be part of the consultation's report. Details: {link}"},
			i18n.RU: {Subject: "Заключение органа диалога по консультациям: {consultation}",
				Body: "Орган диалога «{body}» принял заключение «{opinion}» по консультациям «{consultation}». Заключение войдёт в отчёт о консультациях. Подробности: {link}"},
		},
	})
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
