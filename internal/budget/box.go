package budget

import (
	"bytes"
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
	// Each ballot is one row, its picks in arrays in (pool, rank) order
	// (the order the table's check requires): the picks of all ballots go
	// as flat arrays, each ballot's row taking its slice [lo:hi].
	days := make([]string, len(ids))
	lo, hi := make([]int32, len(ids)), make([]int32, len(ids))
	var pools, projects []uuid.UUID
	var ranks []int16
	for i, id := range ids {
		c := puts[id]
		days[i] = c.CastOn
		picks := slices.Clone(c.Picks)
		slices.SortFunc(picks, func(a, b sealedPick) int {
			if c := bytes.Compare(a.Pool[:], b.Pool[:]); c != 0 {
				return c
			}
			return a.Rank - b.Rank
		})
		lo[i] = int32(len(pools) + 1)
		for _, p := range picks {
			pools, projects, ranks = append(pools, p.Pool), append(projects, p.Project), append(ranks, int16(p.Rank))
		}
		hi[i] = int32(len(pools))
	}
	if _, err := tx.Exec(ctx, `insert into budget_ballots (id, edition_id, cast_on, pick_pools, pick_projects, pick_ranks)
		select x.id, $1, x.day, ($4::uuid[])[x.lo:x.hi], ($5::uuid[])[x.lo:x.hi], ($6::smallint[])[x.lo:x.hi]
		from unnest($2::uuid[], $3::date[], $7::int[], $8::int[]) with ordinality x(id, day, lo, hi, n) order by x.n`,
		edition, ids, days, pools, projects, ranks, lo, hi); err != nil {
		return fmt.Errorf("write ballots: %w", err)
	}
	return nil
}

// mixAll writes out every ballot of e still in the box: before counting or
// exporting, which need them all.
func (s *Service) mixAll(ctx context.Context, tx *db.Tx, e *Edition) error {
	_, err := s.box.Mix(ctx, tx, ballotBoxKind, e.ID, true)
	return err
}
