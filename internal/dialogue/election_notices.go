package dialogue

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/poll"
)

// Notices of elections.
const (
	// NoticeElectionNominating: nominations opened; the body's voting
	// members (who endorse) are told.
	NoticeElectionNominating = "dialogue_election_nominating"
	// NoticeElectionBallotOpened: the secret ballot opened; the electorate
	// (the body's voting members then) is told.
	NoticeElectionBallotOpened = "dialogue_election_ballot_opened"
	// NoticeElectionResult: the result is in (at the close, and again
	// once a tie is broken); the candidates and the voting members are
	// told.
	NoticeElectionResult = "dialogue_election_result"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeElectionNominating, Data: []string{"body", "election"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Zgłaszanie kandydatur: {election}",
				Body: "W ciele dialogu „{body}” otwarto zgłaszanie kandydatur w wyborach „{election}”. Kandydaci zgłaszają się sami, a członkowie z prawem głosu mogą ich popierać. Szczegóły: {link}"},
			i18n.UK: {Subject: "Висування кандидатур: {election}",
				Body: "В органі діалогу «{body}» відкрито висування кандидатур на виборах «{election}». Кандидати висуваються самі, а члени з правом голосу можуть їх підтримати. Деталі: {link}"},
			i18n.EN: {Subject: "Nominations open: {election}",
				Body: "Nominations are open in the dialogue body “{body}” for the election “{election}”. Candidates stand themselves, and voting members may endorse them. Details: {link}"},
			i18n.RU: {Subject: "Выдвижение кандидатов: {election}",
				Body: "В органе диалога «{body}» открыто выдвижение кандидатов на выборах «{election}». Кандидаты выдвигаются сами, а члены с правом голоса могут их поддержать. Подробности: {link}"},
		},
	})
	notify.Register(notify.Kind{Name: NoticeElectionBallotOpened, Data: []string{"body", "election", "deadline"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Głosowanie tajne: {election}",
				Body: "W ciele dialogu „{body}” otwarto tajne głosowanie w wyborach „{election}”. Głos można oddać do {deadline}. Szczegóły: {link}"},
			i18n.UK: {Subject: "Таємне голосування: {election}",
				Body: "В органі діалогу «{body}» відкрито таємне голосування на виборах «{election}». Голосувати можна до {deadline}. Деталі: {link}"},
			i18n.EN: {Subject: "Secret ballot: {election}",
				Body: "The secret ballot of the election “{election}” has opened in the dialogue body “{body}”. You can vote until {deadline}. Details: {link}"},
			i18n.RU: {Subject: "Тайное голосование: {election}",
				Body: "В органе диалога «{body}» открыто тайное голосование на выборах «{election}». Голосовать можно до {deadline}. Подробности: {link}"},
		},
	})
	notify.Register(notify.Kind{Name: NoticeElectionResult, Data: []string{"body", "election", "outcome"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Wynik wyborów: {election}",
				Body: "Wybory „{election}” w ciele dialogu „{body}” zakończyły się. Wynik: {outcome}. Szczegóły: {link}"},
			i18n.UK: {Subject: "Результат виборів: {election}",
				Body: "Вибори «{election}» в органі діалогу «{body}» завершено. Результат: {outcome}. Деталі: {link}"},
			i18n.EN: {Subject: "Election result: {election}",
				Body: "The election “{election}” in the dialogue body “{body}” has closed. Result: {outcome}. Details: {link}"},
			i18n.RU: {Subject: "Результат выборов: {election}",
				Body: "Выборы «{election}» в органе диалога «{body}» завершены. Результат: {outcome}. Подробности: {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{"outcome": {
			string(poll.Elected): {i18n.PL: "wybrano", i18n.UK: "обрано", i18n.EN: "elected", i18n.RU: "избраны"},
			string(poll.Tied): {i18n.PL: "remis o ostatni mandat — rozstrzygnięcie zostanie zapisane i ogłoszone",
				i18n.UK: "нічия за останній мандат — її вирішення буде записано й оголошено",
				i18n.EN: "a tie for the last seat — how it is broken will be recorded and announced",
				i18n.RU: "ничья за последнее место — её разрешение будет записано и объявлено"},
			string(poll.Invalid): {i18n.PL: "nieważne (brak kworum)", i18n.UK: "недійсні (немає кворуму)",
				i18n.EN: "invalid (no quorum)", i18n.RU: "недействительны (нет кворума)"},
			VoidDissolved: {i18n.PL: "unieważnione — ciało dialogu zostało rozwiązane; nikogo nie wybrano",
				i18n.UK: "скасовано — орган діалогу розпущено; нікого не обрано",
				i18n.EN: "void — the dialogue body was dissolved; nobody was elected",
				i18n.RU: "отменены — орган диалога распущен; никто не избран"},
		}},
	})
}

// ballotOpeningKey carries the deadline of the ballot being opened to the
// owner hook, which tells the electorate.
type ballotOpeningKey struct{}

func (e *Elections) notifyNominating(ctx context.Context, tx *db.Tx, b *Body, el *Election) error {
	to, err := voterAccounts(ctx, tx, b.ID, e.s.now())
	if err != nil {
		return err
	}
	return e.s.notifyTexts(ctx, tx, b, NoticeElectionNominating, to, nil, map[string]uuid.UUID{"election": el.TitleTextID},
		"dialogue_election:"+el.ID.String()+":nominating")
}

func (e *Elections) notifyBallotOpened(ctx context.Context, tx *db.Tx, b *Body, el *Election, deadline time.Time) error {
	to, err := voterAccounts(ctx, tx, b.ID, e.s.now())
	if err != nil {
		return err
	}
	at := deadline.In(i18n.Warsaw).Format("2006-01-02 15:04")
	return e.s.notifyTexts(ctx, tx, b, NoticeElectionBallotOpened, to, map[string]string{"deadline": at},
		map[string]uuid.UUID{"election": el.TitleTextID}, "dialogue_election:"+el.ID.String()+":ballot_opened")
}

// notifyResult tells the candidates and the body's voting members the
// outcome (event: the close, or the tie-break).
func (e *Elections) notifyResult(ctx context.Context, tx *db.Tx, el *Election, outcome poll.Outcome, event string) error {
	b, err := load(ctx, tx, el.BodyID, false)
	if err != nil {
		return err
	}
	to, err := voterAccounts(ctx, tx, b.ID, e.s.now())
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `select c.account_id from dialogue_candidates c join accounts a on a.id = c.account_id
		where c.election_id = $1 and a.deleted_at is null order by c.consented_at, c.id`, el.ID)
	if err != nil {
		return fmt.Errorf("election candidates: %w", err)
	}
	candidates, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("election candidates: %w", err)
	}
	for _, c := range candidates {
		if !slices.Contains(to, c) {
			to = append(to, c)
		}
	}
	return e.s.notifyTexts(ctx, tx, b, NoticeElectionResult, to, map[string]string{"outcome": string(outcome)},
		map[string]uuid.UUID{"election": el.TitleTextID}, "dialogue_election:"+el.ID.String()+":"+event)
}
