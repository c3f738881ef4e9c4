package budget

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
)

// ballotBoxKind names the budget's boxes in the ballot box; an edition is
// one box.
const ballotBoxKind = "budget"

// sealed is what a budget ballot puts into the box: a ballot to write and,
// for a change, the ballot it replaces.
type sealed struct {
	Drop   *uuid.UUID   `json:"drop,omitempty"`
	ID     uuid.UUID    `json:"id"`
	CastOn string       `json:"castOn"` // the Warsaw day, YYYY-MM-DD
	Picks  []sealedPick `json:"picks"`
}

type sealedPick struct {
	Pool    uuid.UUID `json:"pool"`
	Project uuid.UUID `json:"project"`
	Rank    int       `json:"rank"`
}

func sealedBallot(drop *uuid.UUID, r Receipt, picks []pick) ([]byte, error) {
	c := sealed{Drop: drop, ID: r.BallotID, CastOn: r.CastOn.Format(time.DateOnly), Picks: make([]sealedPick, len(picks))}
	for i, p := range picks {
		c.Picks[i] = sealedPick{Pool: p.pool, Project: p.project, Rank: p.rank}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("seal ballot: %w", err)
	}
	return b, nil
}

// openBallots writes one mix of an edition's ballots: the envelopes are
// applied in the order they were sealed (a change drops what an earlier
// one put), and the result is written in the order of the ballot ids,
// which derive from secret keys and so say nothing about who or when.
func (s *Service) openBallots(ctx context.Context, tx *db.Tx, edition uuid.UUID, contents [][]byte) error {
	puts := map[uuid.UUID]sealed{}
	var drops []uuid.UUID
	for _, raw := range contents {
		var c sealed
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("open ballot: %w", err)
		}
		if c.Drop != nil {
			if _, ok := puts[*c.Drop]; ok {
				delete(puts, *c.Drop)
			} else {
				drops = append(drops, *c.Drop)
			}
		}
		puts[c.ID] = c
	}
	if len(drops) > 0 {
		if _, err := tx.Exec(ctx, `delete from budget_ballots where edition_id = $1 and id = any($2)`, edition, drops); err != nil {
			return fmt.Errorf("drop changed ballots: %w", err)
		}
	}
	ids := make([]uuid.UUID, 0, len(puts))
	for id := range puts {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	days := make([]string, len(ids))
	var pickBallots, pools, projects []uuid.UUID
	var ranks []int32
	for i, id := range ids {
		c := puts[id]
		days[i] = c.CastOn
		for _, p := range c.Picks {
			pickBallots, pools, projects, ranks = append(pickBallots, id), append(pools, p.Pool), append(projects, p.Project),
				append(ranks, int32(p.Rank))
		}
	}
	if _, err := tx.Exec(ctx, `insert into budget_ballots (id, edition_id, cast_on)
		select x.id, $1, x.day from unnest($2::uuid[], $3::date[]) with ordinality x(id, day, n) order by x.n`,
		edition, ids, days); err != nil {
		return fmt.Errorf("write ballots: %w", err)
	}
	if _, err := tx.Exec(ctx, `insert into budget_ballot_picks (ballot_id, pool_id, project_id, rank)
		select x.b, x.p, x.j, x.r from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[]) with ordinality x(b, p, j, r, n)
		order by x.n`, pickBallots, pools, projects, ranks); err != nil {
		return fmt.Errorf("write picks: %w", err)
	}
	return nil
}

// mixAll writes out every ballot of e still in the box: before counting or
// exporting, which need them all.
func (s *Service) mixAll(ctx context.Context, tx *db.Tx, e *Edition) error {
	_, err := s.box.Mix(ctx, tx, ballotBoxKind, e.ID, true)
	return err
}
