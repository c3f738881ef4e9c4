package ambassador

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/page"
)

// Laureate is one laureate or distinction of the Mayor's award.
type Laureate struct {
	EditionID       uuid.UUID
	Year            int
	CategoryKind    string
	Rank            Rank
	Position        int
	NominationID    uuid.UUID
	NomineeName     string
	NomineeOrgID    *uuid.UUID
	JustificationID uuid.UUID
}

// LaureateKey orders the past laureates: newest year first, organisations
// first, laureates before distinctions, then the award's order.
type LaureateKey struct {
	Year     int       `json:"y"`
	Category int       `json:"c"`
	Rank     int       `json:"r"`
	Position int       `json:"p"`
	ID       uuid.UUID `json:"i"`
}

// Valid makes LaureateKey a page key.
func (k LaureateKey) Valid() bool { return k.ID != uuid.Nil }

const laureatesList = "ambassador_laureates"

func (l *Laureate) key() LaureateKey {
	k := LaureateKey{Year: l.Year, Position: l.Position, ID: l.NominationID}
	if l.CategoryKind == CategoryIndividual {
		k.Category = 1
	}
	if l.Rank == RankDistinction {
		k.Rank = 1
	}
	return k
}

// Cursor is l's cursor in PastLaureates.
func (l *Laureate) Cursor() string { return page.Cursor(laureatesList, l.key()) }

// laureateSelect reads the award entries in the past laureates' order.
const laureateSelect = `with l as (
	select e.id as edition_id, e.year, c.kind, x.rank, x.position, x.nomination_id, n.nominee_name, n.nominee_org_id,
		x.justification_id, (c.kind = 'individual')::int as co, (x.rank = 'distinction')::int as ro, e.announced_at
	from ambassador_award_entries x join ambassador_awards a on a.category_id = x.category_id
	join ambassador_editions e on e.id = a.edition_id join ambassador_categories c on c.id = x.category_id
	join ambassador_nominations n on n.id = x.nomination_id)
select edition_id, year, kind, rank, position, nomination_id, nominee_name, nominee_org_id, justification_id from l `

const laureateOrder = ` order by year desc, co, ro, position, nomination_id`

func scanLaureate(r pgx.CollectableRow) (*Laureate, error) {
	var l Laureate
	return &l, r.Scan(&l.EditionID, &l.Year, &l.CategoryKind, &l.Rank, &l.Position, &l.NominationID, &l.NomineeName,
		&l.NomineeOrgID, &l.JustificationID)
}

// PastLaureates lists the laureates and distinctions of every announced
// edition, to everyone: newest year first, paginated.
func (s *Service) PastLaureates(ctx context.Context, first int, after string) (page.Page[*Laureate], error) {
	if err := page.Check(first); err != nil {
		return page.Page[*Laureate]{}, err
	}
	var key LaureateKey
	hasAfter, err := page.After(laureatesList, after, &key)
	if err != nil {
		return page.Page[*Laureate]{}, err
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from ambassador_award_entries x join ambassador_awards a on a.category_id = x.category_id
		join ambassador_editions e on e.id = a.edition_id where e.announced_at is not null`).Scan(&total); err != nil {
		return page.Page[*Laureate]{}, fmt.Errorf("count laureates: %w", err)
	}
	if first == 0 {
		return page.Of[*Laureate](nil, 0, total), nil
	}
	var afterYear *int
	if hasAfter {
		afterYear = &key.Year
	}
	rows, err := s.pool.Query(ctx, laureateSelect+`where announced_at is not null and ($1::int is null or
		(-year, co, ro, position, nomination_id) > (-$1::int, $2::int, $3::int, $4::int, $5::uuid))`+laureateOrder+` limit $6`,
		afterYear, key.Category, key.Rank, key.Position, key.ID, first+1)
	if err != nil {
		return page.Page[*Laureate]{}, fmt.Errorf("list laureates: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanLaureate)
	if err != nil {
		return page.Page[*Laureate]{}, fmt.Errorf("list laureates: %w", err)
	}
	return page.Of(items, first, total), nil
}

// Laureates are an edition's laureates and distinctions: public once it
// is announced; before, the Mayor's award as recorded so far for staff and
// the edition's jurors (without the nominations a juror is conflicted
// with); nil (hidden) for everyone else.
func (s *Service) Laureates(ctx context.Context, edition uuid.UUID) ([]*Laureate, error) {
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return nil, err
	}
	done := announced(ctx, s.pool, e.ID)
	staff := s.Staff(ctx, e)
	if !done && !staff && !s.IsJuror(ctx, e.ID) {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, laureateSelect+`where edition_id = $1`+laureateOrder, e.ID)
	if err != nil {
		return nil, fmt.Errorf("list laureates: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanLaureate)
	if err != nil {
		return nil, fmt.Errorf("list laureates: %w", err)
	}
	if out == nil {
		out = []*Laureate{}
	}
	if done || staff {
		return out, nil
	}
	cs, err := conflicts(ctx, s.pool, e.ID)
	if err != nil {
		return nil, err
	}
	me := authz.SubjectFrom(ctx).AccountID
	return slices.DeleteFunc(out, func(l *Laureate) bool { _, c := cs[JurorNomination{me, l.NominationID}]; return c }), nil
}

// NominationCount is the programme's indicator of an edition: nominations
// received (all but those withdrawn by their nominator), eligible after the
// formal check, by channel and by category kind.
type NominationCount struct {
	Received   int
	Eligible   int
	ByChannel  map[Channel]int
	ByCategory map[string]int
}

// NominationCount is e's indicator: for staff at any time, for everyone
// once nominations have closed (nil before).
func (s *Service) NominationCount(ctx context.Context, edition uuid.UUID) (*NominationCount, error) {
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return nil, err
	}
	closed := e.Status == StatusPublished && e.Phase != PhaseUpcoming && !e.In(PhaseNominations, s.now())
	if !closed && !s.Staff(ctx, e) {
		return nil, nil
	}
	return nominationCount(ctx, s.pool, e.ID)
}

func nominationCount(ctx context.Context, q db.Querier, edition uuid.UUID) (*NominationCount, error) {
	out := &NominationCount{ByChannel: map[Channel]int{}, ByCategory: map[string]int{}}
	rows, err := q.Query(ctx, `select n.channel, c.kind, n.status = 'eligible', count(*) from ambassador_nominations n
		join ambassador_categories c on c.id = n.category_id where n.edition_id = $1 and n.status <> 'withdrawn'
		group by 1, 2, 3`, edition)
	if err != nil {
		return nil, fmt.Errorf("count nominations: %w", err)
	}
	var ch Channel
	var kind string
	var eligible bool
	var n int
	_, err = pgx.ForEachRow(rows, []any{&ch, &kind, &eligible, &n}, func() error {
		out.Received += n
		out.ByChannel[ch] += n
		out.ByCategory[kind] += n
		if eligible {
			out.Eligible += n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count nominations: %w", err)
	}
	return out, nil
}
