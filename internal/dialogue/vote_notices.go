package dialogue

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Notices of motions' votes.
const (
	// NoticeVoteOpened: a written vote opened; every voting member's
	// accounts (persons, organisations' delegates) are told. A vote in a
	// meeting sends none: those present follow it live.
	NoticeVoteOpened = "dialogue_vote_opened"
	// NoticeVoteDecided: a vote's result is in; the motion's tabler is
	// told, and for a written vote the body's voting members too (the result
	// is published with the motion for everyone who sees the body).
	NoticeVoteDecided = "dialogue_vote_decided"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeVoteOpened, Data: []string{"body", "motion", "deadline"}})
	notify.Register(notify.Kind{Name: NoticeVoteDecided, Data: []string{"body", "motion", "outcome"},
		Labels: map[string]string{"outcome": "label.dialogue.vote_outcome."},
	})
}

// voterAccounts are the accounts of the body's voting members at t (the
// persons and every organisation's delegates), each once.
func voterAccounts(ctx context.Context, q db.Querier, bodyID uuid.UUID, at time.Time) ([]uuid.UUID, error) {
	vs, err := VotingMembers(ctx, q, bodyID, at)
	if err != nil {
		return nil, err
	}
	seen := map[uuid.UUID]bool{}
	var out []uuid.UUID
	for _, v := range vs {
		for _, a := range v.Accounts {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out, nil
}

func (m *Motions) notifyOpened(ctx context.Context, tx *db.Tx, b *Body, mo *Motion, deadline time.Time) error {
	to, err := voterAccounts(ctx, tx, b.ID, m.s.now())
	if err != nil {
		return err
	}
	at := deadline.In(i18n.Warsaw).Format("2006-01-02 15:04")
	return m.notifyMotion(ctx, tx, b, mo, NoticeVoteOpened, to, map[string]string{"deadline": at}, "vote_opened")
}

// notifyDecided tells of mo's result: its tabler, and with members the
// body's voting members (a written vote's; those in a meeting saw it
// there). Nobody is told of an agenda's adoption.
func (m *Motions) notifyDecided(ctx context.Context, tx *db.Tx, mo *Motion, status MotionStatus, members bool) error {
	if mo.AdoptsAgenda {
		return nil
	}
	b, err := load(ctx, tx, mo.BodyID, false)
	if err != nil {
		return err
	}
	var to []uuid.UUID
	if members {
		if to, err = voterAccounts(ctx, tx, b.ID, m.s.now()); err != nil {
			return err
		}
	}
	if mo.TabledBy != nil && !slices.Contains(to, *mo.TabledBy) {
		to = append(to, *mo.TabledBy)
	}
	outcome := string(status)
	if voiding, _ := ctx.Value(voidingKey{}).(bool); voiding {
		outcome = VoidDissolved
	}
	return m.notifyMotion(ctx, tx, b, mo, NoticeVoteDecided, to, map[string]string{"outcome": outcome}, "vote_decided")
}

// notifyMotion sends notifyMembers' notice with the motion's title in each
// recipient's language.
func (m *Motions) notifyMotion(ctx context.Context, tx *db.Tx, b *Body, mo *Motion, kind string, to []uuid.UUID,
	data map[string]string, event string) error {
	if m.s.notify == nil {
		return nil
	}
	texts, err := i18n.Load(ctx, tx, []uuid.UUID{mo.TitleTextID})
	if err != nil {
		return err
	}
	key := "dialogue_motion:" + mo.ID.String() + ":" + event
	for _, account := range to {
		d := map[string]string{"motion": texts[mo.TitleTextID].Resolve(localeOf(ctx, tx, account)).Text}
		for k, v := range data {
			d[k] = v
		}
		if err := m.s.notifyMembers(ctx, tx, b, kind, []uuid.UUID{account}, d, key); err != nil {
			return err
		}
	}
	return nil
}
