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
	notify.Register(notify.Kind{Name: NoticeElectionNominating, Data: []string{"body", "election"}})
	notify.Register(notify.Kind{Name: NoticeElectionBallotOpened, Data: []string{"body", "election", "deadline"}})
	notify.Register(notify.Kind{Name: NoticeElectionResult, Data: []string{"body", "election", "outcome"},
		Labels: map[string]string{"outcome": "label.dialogue.election_outcome."},
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
