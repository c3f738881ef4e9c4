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
)

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
			"role": {
				string(RoleChair):       {i18n.PL: "przewodniczący(-a)", i18n.UK: "голова", i18n.EN: "chair", i18n.RU: "председатель"},
				string(RoleDeputyChair): {i18n.PL: "wiceprzewodniczący(-a)", i18n.UK: "заступник голови", i18n.EN: "deputy chair", i18n.RU: "заместитель председателя"},
				string(RoleSecretary):   {i18n.PL: "sekretarz", i18n.UK: "секретар", i18n.EN: "secretary", i18n.RU: "секретарь"},
				string(RoleMember):      {i18n.PL: "członek(-ini)", i18n.UK: "член", i18n.EN: "member", i18n.RU: "член"},
				string(RoleGuest):       {i18n.PL: "gość (bez prawa głosu)", i18n.UK: "гість (без права голосу)", i18n.EN: "guest (without a vote)", i18n.RU: "гость (без права голоса)"},
				string(RoleObserver):    {i18n.PL: "obserwator(ka) (bez prawa głosu)", i18n.UK: "спостерігач (без права голосу)", i18n.EN: "observer (without a vote)", i18n.RU: "наблюдатель (без права голоса)"},
			},
			"until": {
				openTerm: {i18n.PL: "odwołania", i18n.UK: "відкликання", i18n.EN: "further notice", i18n.RU: "отзыва"},
			},
		},
	})
}

// notifyAppointed tells each account in to of an appointment (or new role,
// or delegation), in the account's language: the body's name in it when
// translated. key makes the notice unique per event.
func (s *Service) notifyAppointed(ctx context.Context, tx *db.Tx, b *Body, memberID uuid.UUID, to []uuid.UUID, role Role,
	from time.Time, until *time.Time, key string) error {
	if s.notify == nil || len(to) == 0 {
		return nil
	}
	texts, err := i18n.Load(ctx, tx, []uuid.UUID{b.NameTextID})
	if err != nil {
		return err
	}
	day := func(t time.Time) string { return t.In(i18n.Warsaw).Format("2006-01-02") }
	end := openTerm
	if until != nil {
		end = day(*until)
	}
	for _, account := range to {
		name := ""
		if t := texts[b.NameTextID]; t != nil {
			name = t.Resolve(localeOf(ctx, tx, account)).Text
		}
		err := s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: account, Kind: NoticeAppointed,
			Data:      map[string]string{"body": name, "role": string(role), "from": day(from), "until": end},
			DedupeKey: "dialogue_member:" + memberID.String() + ":" + key + ":" + account.String(), InApp: true, Email: true})
		if err != nil {
			return err
		}
	}
	return nil
}
