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
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Powołanie do ciała dialogu: {body}",
				Body: "Zostałeś(-aś) powołany(-a) do ciała dialogu „{body}” (bezpośrednio lub jako delegat(ka) organizacji) w roli: {role}. Kadencja: od {from} do {until}. Szczegóły: {link}"},
			i18n.UK: {Subject: "Призначення до органу діалогу: {body}",
				Body: "Вас призначено до органу діалогу «{body}» (особисто або як делегата організації) на роль: {role}. Каденція: з {from} до {until}. Деталі: {link}"},
			i18n.EN: {Subject: "Appointed to a dialogue body: {body}",
				Body: "You have been appointed to the dialogue body “{body}” (in person or as an organisation's delegate) as: {role}. Term: from {from} to {until}. Details: {link}"},
			i18n.RU: {Subject: "Назначение в орган диалога: {body}",
				Body: "Вы назначены в орган диалога «{body}» (лично или как делегат организации) на роль: {role}. Срок полномочий: с {from} до {until}. Подробности: {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{
			"role": roleLabels,
			"until": {
				openTerm: {i18n.PL: "odwołania", i18n.UK: "відкликання", i18n.EN: "further notice", i18n.RU: "отзыва"},
			},
		},
	})
}

func init() {
	notify.Register(notify.Kind{Name: NoticeTermEnding, Data: []string{"body", "role", "until"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Kadencja w ciele dialogu kończy się {until}: {body}",
				Body: "Twoja kadencja w ciele dialogu „{body}” (bezpośrednio lub jako delegat(ka) organizacji; rola: {role}) kończy się {until}. O ponownym powołaniu decyduje jednostka miejska. Szczegóły: {link}"},
			i18n.UK: {Subject: "Каденція в органі діалогу закінчується {until}: {body}",
				Body: "Ваша каденція в органі діалогу «{body}» (особисто або як делегата організації; роль: {role}) закінчується {until}. Про повторне призначення вирішує міський підрозділ. Деталі: {link}"},
			i18n.EN: {Subject: "Your term in a dialogue body ends on {until}: {body}",
				Body: "Your term in the dialogue body “{body}” (in person or as an organisation's delegate; role: {role}) ends on {until}. The city unit decides on any reappointment. Details: {link}"},
			i18n.RU: {Subject: "Срок полномочий в органе диалога заканчивается {until}: {body}",
				Body: "Ваш срок полномочий в органе диалога «{body}» (лично или как делегат организации; роль: {role}) заканчивается {until}. О повторном назначении решает городское подразделение. Подробности: {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{"role": roleLabels},
	})
}

// roleLabels name the roles in notices.
var roleLabels = map[string]map[i18n.Locale]string{
	string(RoleChair):       {i18n.PL: "przewodniczący(-a)", i18n.UK: "голова", i18n.EN: "chair", i18n.RU: "председатель"},
	string(RoleDeputyChair): {i18n.PL: "wiceprzewodniczący(-a)", i18n.UK: "заступник голови", i18n.EN: "deputy chair", i18n.RU: "заместитель председателя"},
	string(RoleSecretary):   {i18n.PL: "sekretarz", i18n.UK: "секретар", i18n.EN: "secretary", i18n.RU: "секретарь"},
	string(RoleMember):      {i18n.PL: "członek(-ini)", i18n.UK: "член", i18n.EN: "member", i18n.RU: "член"},
	string(RoleGuest):       {i18n.PL: "gość (bez prawa głosu)", i18n.UK: "гість (без права голосу)", i18n.EN: "guest (without a vote)", i18n.RU: "гость (без права голоса)"},
	string(RoleObserver):    {i18n.PL: "obserwator(ka) (bez prawa głosu)", i18n.UK: "спостерігач (без права голосу)", i18n.EN: "observer (without a vote)", i18n.RU: "наблюдатель (без права голоса)"},
}

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
