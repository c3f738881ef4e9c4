package ambassador

import (
	"context"
	"fmt"
	"math/big"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/tally"
)

// The ranking: per category, each eligible nomination's mean weighted
// score over the jurors who scored it. A juror's weighted score is
// Σ weight·points / Σ weights; the mean of those over the submitted sheets
// of jurors without a conflict is (Σ sheets Σ weight·points) / (sheets ·
// Σ weights), computed exactly by internal/tally (the one arithmetic of
// juries) on integers; equal means share a rank and are marked tied.

// RankingEntry is one nomination's place in its category.
type RankingEntry struct {
	NominationID uuid.UUID
	NomineeName  string
	Scorers      int
	Mean         *big.Rat // nil: no submitted sheet counts
	Rank         int      // 0: not ranked (no submitted sheet)
	Tied         bool
}

// CategoryRanking is one category's ranking, best first; nominations
// nobody scored come last, unranked.
type CategoryRanking struct {
	Category Category
	Entries  []RankingEntry
}

// ScoreTable is the score table published at the announcement: per
// eligible nomination, each counted juror's points per criterion, the
// jurors by their number (by name when the edition publishes them).
type ScoreTable struct {
	JurorNames bool
	Criteria   []Criterion
	Rows       []ScoreTableRow
}

// ScoreTableRow is one nomination of the score table.
type ScoreTableRow struct {
	RankingEntry
	CategoryKind string
	Sheets       []TableSheet
}

// TableSheet is one juror's counted sheet in the score table.
type TableSheet struct {
	JurorNumber int
	JurorName   string   // "" unless the edition publishes names (and the account is not erased)
	Points      []int    // in the criteria's order
	Weighted    *big.Rat // Σ weight·points / Σ weights
}

// MeanPlaces is how many decimals a mean is written with (rounded half
// up; ranks and ties are decided on the exact fractions).
const MeanPlaces = 2

// ranking computes e's ranking and the sheets that count, by nomination.
func (s *Service) ranking(ctx context.Context, q db.Querier, e *Edition) ([]CategoryRanking, map[uuid.UUID][]Sheet, []Criterion, error) {
	criteria, err := s.Criteria(ctx, e.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	weights := make([]int, len(criteria))
	var wsum, lo, hi int
	for i, c := range criteria {
		weights[i] = c.Weight
		wsum += c.Weight
		lo += c.Weight * c.ScaleMin
		hi += c.Weight * c.ScaleMax
	}
	cats, err := s.Categories(ctx, e.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err := q.Query(ctx, `select id, category_id, nominee_name from ambassador_nominations
		where edition_id = $1 and status = 'eligible' order by created_at, id`, e.ID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ranking: %w", err)
	}
	type nom struct {
		id, category uuid.UUID
		name         string
	}
	noms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (nom, error) {
		var n nom
		return n, r.Scan(&n.id, &n.category, &n.name)
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ranking: %w", err)
	}
	conf, err := conflicts(ctx, q, e.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := s.sheets(ctx, q, "sh.edition_id = $1 and sh.submitted_at is not null", e.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	eligible := map[uuid.UUID]nom{}
	for _, n := range noms {
		eligible[n.id] = n
	}
	counted := map[uuid.UUID][]Sheet{}
	byCategory := map[uuid.UUID][]tally.Score{}
	for _, sh := range all {
		n, ok := eligible[sh.NominationID]
		if !ok || recused(conf, sh.JurorID, sh.NominationID) {
			continue
		}
		points, err := sheetPoints(sh, criteria)
		if err != nil {
			return nil, nil, nil, err
		}
		sum, err := tally.Weighted(weights, points)
		if err != nil {
			return nil, nil, nil, err
		}
		counted[n.id] = append(counted[n.id], sh)
		byCategory[n.category] = append(byCategory[n.category],
			tally.Score{Juror: fmt.Sprint(sh.JurorNumber), Nominee: n.id.String(), Points: sum})
	}
	out := make([]CategoryRanking, 0, len(cats))
	for _, c := range cats {
		var ids []string
		names := map[string]string{}
		for _, n := range noms {
			if n.category == c.ID {
				ids = append(ids, n.id.String())
				names[n.id.String()] = n.name
			}
		}
		standings, err := tally.RankTies(ids, byCategory[c.ID], tally.Scale{Min: lo, Max: hi}, 1)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("ranking: %w", err)
		}
		cr := CategoryRanking{Category: c, Entries: make([]RankingEntry, 0, len(standings))}
		for i, st := range standings {
			re := RankingEntry{NominationID: uuid.MustParse(st.Nominee), NomineeName: names[st.Nominee], Scorers: st.Scorers}
			if !st.Unrated {
				re.Rank, re.Tied = st.Rank, tally.Tied(standings, i)
				re.Mean, _ = tally.Mean(st, wsum)
			}
			cr.Entries = append(cr.Entries, re)
		}
		out = append(out, cr)
	}
	return out, counted, criteria, nil
}

// sheetPoints is a submitted sheet's points in the criteria's order.
func sheetPoints(sh Sheet, criteria []Criterion) ([]int, error) {
	by := map[uuid.UUID]int{}
	for _, sc := range sh.Scores {
		by[sc.CriterionID] = sc.Points
	}
	points := make([]int, len(criteria))
	for i, c := range criteria {
		p, ok := by[c.ID]
		if !ok {
			return nil, fmt.Errorf("ranking: sheet %s has no score for criterion %s", sh.ID, c.ID)
		}
		points[i] = p
	}
	return points, nil
}

// Ranking is e's ranking for who may see it (ok false for anyone else):
// staff at any time; the edition's jurors once scoring has closed, without
// the nominations they are in conflict with or have not declared on; and
// everyone from the announcement, when the score table is public.
func (s *Service) Ranking(ctx context.Context, edition uuid.UUID) ([]CategoryRanking, bool, error) {
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return nil, false, err
	}
	if !authz.Can(ctx, ActReadRanking, scoresObject(e)) {
		return nil, false, nil
	}
	out, _, _, err := s.ranking(ctx, s.pool, e)
	if err != nil {
		return nil, false, err
	}
	if s.Staff(ctx, e) || e.Phase == PhaseAnnouncement {
		return out, true, nil
	}
	// A juror: only what they see on each nomination.
	juror := authz.SubjectFrom(ctx).AccountID
	conf, err := conflicts(ctx, s.pool, e.ID)
	if err != nil {
		return nil, false, err
	}
	rows, err := s.pool.Query(ctx, `select c.nomination_id from ambassador_conflicts c join ambassador_nominations n on n.id = c.nomination_id
		where n.edition_id = $1 and c.juror_id = $2`, e.ID, juror)
	if err != nil {
		return nil, false, fmt.Errorf("ranking: %w", err)
	}
	declared, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, false, fmt.Errorf("ranking: %w", err)
	}
	for i := range out {
		kept := out[i].Entries[:0]
		for _, re := range out[i].Entries {
			if conf[JurorNomination{Juror: juror, Nomination: re.NominationID}] == "" && slices.Contains(declared, re.NominationID) {
				kept = append(kept, re)
			}
		}
		out[i].Entries = kept
	}
	return out, true, nil
}

// ScoreTable is e's published score table: public from the announcement,
// and for staff before it (ok false otherwise). Comments are not in it.
func (s *Service) ScoreTable(ctx context.Context, edition uuid.UUID) (*ScoreTable, bool, error) {
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return nil, false, err
	}
	if !authz.Can(ctx, ActReadScoreTable, scoresObject(e)) {
		return nil, false, nil
	}
	ranks, counted, criteria, err := s.ranking(ctx, s.pool, e)
	if err != nil {
		return nil, false, err
	}
	names, err := publishJurorNames(ctx, s.pool, e.ID)
	if err != nil {
		return nil, false, err
	}
	var wsum int
	weights := make([]int, len(criteria))
	for i, c := range criteria {
		weights[i], wsum = c.Weight, wsum+c.Weight
	}
	t := &ScoreTable{JurorNames: names, Criteria: criteria}
	for _, cr := range ranks {
		for _, re := range cr.Entries {
			row := ScoreTableRow{RankingEntry: re, CategoryKind: cr.Category.Kind, Sheets: []TableSheet{}}
			for _, sh := range counted[re.NominationID] {
				points, err := sheetPoints(sh, criteria)
				if err != nil {
					return nil, false, err
				}
				sum, err := tally.Weighted(weights, points)
				if err != nil {
					return nil, false, err
				}
				ts := TableSheet{JurorNumber: sh.JurorNumber, Points: points, Weighted: big.NewRat(int64(sum), int64(wsum))}
				if names {
					ts.JurorName = sh.JurorName
				}
				row.Sheets = append(row.Sheets, ts)
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t, true, nil
}

// SheetWeighted is a sheet's weighted score Σ weight·points / Σ weights
// (nil for a sheet missing a criterion: a draft).
func SheetWeighted(sh Sheet, criteria []Criterion) *big.Rat {
	points, err := sheetPoints(sh, criteria)
	if err != nil {
		return nil
	}
	weights := make([]int, len(criteria))
	var wsum int
	for i, c := range criteria {
		weights[i], wsum = c.Weight, wsum+c.Weight
	}
	sum, err := tally.Weighted(weights, points)
	if err != nil || wsum == 0 {
		return nil
	}
	return big.NewRat(int64(sum), int64(wsum))
}

func publishJurorNames(ctx context.Context, q db.Querier, edition uuid.UUID) (bool, error) {
	var v bool
	if err := q.QueryRow(ctx, `select publish_juror_names from ambassador_editions where id = $1`, edition).Scan(&v); err != nil {
		return false, fmt.Errorf("load edition: %w", err)
	}
	return v, nil
}

// PublishesJurorNames reports whether e's score table names the jurors.
func (s *Service) PublishesJurorNames(ctx context.Context, e *Edition) (bool, error) {
	return publishJurorNames(ctx, s.pool, e.ID)
}

var errJurorNamesClosed = apperr.New(apperr.PhaseClosed, "ambassador.juror_names_closed")

// setJurorNames sets whether the score table names the jurors (the
// coordinator, until the announcement; UpdateEdition's publishJurorNames,
// the one setting of a published edition that can still change). Audited.
func setJurorNames(ctx context.Context, tx *db.Tx, e *Edition, publish bool, actor uuid.UUID) error {
	if e.Phase == PhaseAnnouncement {
		return errJurorNamesClosed
	}
	if _, err := tx.Exec(ctx, `update ambassador_editions set publish_juror_names = $2 where id = $1`, e.ID, publish); err != nil {
		return fmt.Errorf("set juror names: %w", err)
	}
	return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.edition_juror_names", ObjectType: EditionType,
		ObjectID: e.ID.String(), Data: map[string]any{"publish_juror_names": publish}})
}
