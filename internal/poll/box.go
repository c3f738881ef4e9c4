package poll

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
)

// boxKind names a kind's boxes in the ballot box; a poll is one box.
func boxKind(kind string) string { return "poll:" + kind }

// sealed is what a secret vote puts into the box: the choice or the picks,
// nothing about the voter or the time.
type sealed struct {
	Choice Choice      `json:"c,omitempty"`
	Picks  []uuid.UUID `json:"p,omitempty"`
}

// castSecret writes the voter's marker (with the day only) and seals the
// ballot into the box, in the cast's transaction. The marker's primary key
// refuses a second vote before anything goes into the box.
func (s *Service) castSecret(ctx context.Context, tx *db.Tx, p *Poll, voter VoterKey, on time.Time, in CastInput) error {
	tag, err := tx.Exec(ctx, `insert into poll_markers (poll_id, voter_kind, voter_id, cast_on) values ($1, $2, $3, $4)
		on conflict do nothing`, p.ID, voter.Kind, voter.ID, on)
	if err != nil {
		return fmt.Errorf("insert marker: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrAlreadyVoted
	}
	content, err := json.Marshal(sealed{Choice: in.Choice, Picks: in.Picks})
	if err != nil {
		return fmt.Errorf("seal ballot: %w", err)
	}
	return s.box.Put(ctx, tx, boxKind(s.cfg.Kind), p.ID, content)
}

// openBallots writes one mix of a poll's ballots under fresh random ids,
// in id order: neither the order nor the ids say who or when.
func (s *Service) openBallots(ctx context.Context, tx *db.Tx, poll uuid.UUID, contents [][]byte) error {
	type ballot struct {
		id uuid.UUID
		c  sealed
	}
	ballots := make([]ballot, len(contents))
	for i, raw := range contents {
		ballots[i].id = uuid.New()
		if err := json.Unmarshal(raw, &ballots[i].c); err != nil {
			return fmt.Errorf("open ballot: %w", err)
		}
	}
	slices.SortFunc(ballots, func(a, b ballot) int { return compareUUID(a.id, b.id) })
	ids := make([]uuid.UUID, len(ballots))
	choices := make([]*string, len(ballots))
	picks := make([]string, len(ballots))
	for i, b := range ballots {
		ids[i] = b.id
		if b.c.Choice != "" {
			c := string(b.c.Choice)
			choices[i] = &c
		}
		// uuid[] literal per ballot, so that ballots of any number of
		// picks go in one statement.
		lit := "{"
		for j, p := range b.c.Picks {
			if j > 0 {
				lit += ","
			}
			lit += p.String()
		}
		picks[i] = lit + "}"
	}
	if _, err := tx.Exec(ctx, `insert into poll_ballots (id, poll_id, choice, picks)
		select x.id, $1, x.c, x.p::uuid[] from unnest($2::uuid[], $3::text[], $4::text[]) with ordinality x(id, c, p, n)
		order by x.n`, poll, ids, choices, picks); err != nil {
		return fmt.Errorf("write ballots: %w", err)
	}
	return nil
}
