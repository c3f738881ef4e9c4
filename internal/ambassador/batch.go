package ambassador

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Batch reads for lists: a page of nominations (or of editions) costs the
// same number of statements at any length. The single-object functions
// (Categories, Criteria, Justifications, Sheets, Discussion, MyReview,
// Conflicts) are these for one, so a rule is written once.

// EditionsByIDs are the editions of ids the caller may see (as Edition).
func (s *Service) EditionsByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Edition, error) {
	all, err := s.editionsByIDs(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	for id, e := range all {
		if !authz.Can(ctx, authz.Read, e.object()) {
			delete(all, id)
		}
	}
	return all, nil
}

func (s *Service) editionsByIDs(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]*Edition, error) {
	rows, err := q.Query(ctx, `select `+editionCols+` from ambassador_editions where id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load editions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Edition, error) { return scanEdition(r) })
	if err != nil {
		return nil, fmt.Errorf("load editions: %w", err)
	}
	out := make(map[uuid.UUID]*Edition, len(list))
	for _, e := range list {
		out[e.ID] = e
	}
	return out, nil
}

// CategoriesOf are the categories of editions, organisations first.
func (s *Service) CategoriesOf(ctx context.Context, editions []uuid.UUID) (map[uuid.UUID][]Category, error) {
	rows, err := s.pool.Query(ctx, `select edition_id, id, kind, titles from ambassador_categories where edition_id = any($1)
		order by edition_id, kind = 'individual', id`, editions)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	out := map[uuid.UUID][]Category{}
	var edition uuid.UUID
	var c Category
	_, err = pgx.ForEachRow(rows, []any{&edition, &c.ID, &c.Kind, &c.Titles}, func() error {
		out[edition] = append(out[edition], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return out, nil
}

// CriteriaOf are the criteria of editions, each edition's in order.
func (s *Service) CriteriaOf(ctx context.Context, editions []uuid.UUID) (map[uuid.UUID][]Criterion, error) {
	rows, err := s.pool.Query(ctx, `select edition_id, id, position, coalesce(code, ''), name_text_id, weight, scale_min, scale_max
		from ambassador_criteria where edition_id = any($1) order by edition_id, position`, editions)
	if err != nil {
		return nil, fmt.Errorf("list criteria: %w", err)
	}
	out := map[uuid.UUID][]Criterion{}
	var edition uuid.UUID
	var c Criterion
	_, err = pgx.ForEachRow(rows, []any{&edition, &c.ID, &c.Position, &c.Code, &c.NameTextID, &c.Weight, &c.ScaleMin, &c.ScaleMax},
		func() error {
			out[edition] = append(out[edition], c)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list criteria: %w", err)
	}
	return out, nil
}

// JustificationsOf are the justifications of nominations the caller has
// already been allowed to see, each nomination's in the criteria's order.
func (s *Service) JustificationsOf(ctx context.Context, nominations []uuid.UUID) (map[uuid.UUID][]Justification, error) {
	rows, err := s.pool.Query(ctx, `select j.nomination_id, j.criterion_id, j.text_id from ambassador_justifications j
		join ambassador_criteria c on c.id = j.criterion_id where j.nomination_id = any($1) order by j.nomination_id, c.position`, nominations)
	if err != nil {
		return nil, fmt.Errorf("list justifications: %w", err)
	}
	out := map[uuid.UUID][]Justification{}
	var nomination uuid.UUID
	var j Justification
	_, err = pgx.ForEachRow(rows, []any{&nomination, &j.CriterionID, &j.TextID}, func() error {
		out[nomination] = append(out[nomination], j)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list justifications: %w", err)
	}
	return out, nil
}

// JuryDetail is what the caller may see of a nomination's jury side.
type JuryDetail struct {
	// Review is the caller's standing as a juror (nil: not a juror of it).
	Review *Review
	// Sheets and Discussion, when SeesScores (see Sheets and Discussion).
	Sheets     []Sheet
	Discussion []Comment
	SeesScores bool
	// Conflicts: every juror's standing, for staff (SeesConflicts).
	Conflicts     []JurorConflict
	SeesConflicts bool
}

// reviewRow is the caller's own declaration, sheet and number on a
// nomination.
type reviewRow struct {
	conflict  *bool
	source    *string
	submitted *time.Time
	number    int
}

// reviewRows reads the caller's reviewRow of each nomination (absent:
// nothing of theirs).
func reviewRows(ctx context.Context, q db.Querier, caller uuid.UUID, nominations []uuid.UUID) (map[uuid.UUID]reviewRow, error) {
	rows, err := q.Query(ctx, `select n.id, c.conflict, c.source, sh.submitted_at, coalesce(jn.number, 0)
		from ambassador_nominations n
		left join ambassador_conflicts c on c.nomination_id = n.id and c.juror_id = $2
		left join ambassador_sheets sh on sh.nomination_id = n.id and sh.juror_id = $2
		left join ambassador_juror_numbers jn on jn.edition_id = n.edition_id and jn.juror_id = $2
		where n.id = any($1)`, nominations, caller)
	if err != nil {
		return nil, fmt.Errorf("load review: %w", err)
	}
	out := map[uuid.UUID]reviewRow{}
	var id uuid.UUID
	var r reviewRow
	_, err = pgx.ForEachRow(rows, []any{&id, &r.conflict, &r.source, &r.submitted, &r.number}, func() error {
		out[id] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load review: %w", err)
	}
	return out, nil
}

// accessFrom is the caller's access to n from what was read of it.
func (s *Service) accessFrom(ctx context.Context, e *Edition, n *Nomination, conf map[JurorNomination]string, row reviewRow) access {
	a := access{staff: s.Staff(ctx, e), closed: scoringClosed(e.Phase)}
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return a
	}
	a.juror = authz.Can(ctx, ActDeclare, juryObject(n, e))
	if !a.juror {
		return a
	}
	a.conflict = conf[JurorNomination{Juror: subj.AccountID, Nomination: n.ID}]
	if row.conflict != nil {
		a.declaration, a.source = DeclarationNone, *row.source
		if *row.conflict {
			a.declaration = DeclarationConflict
		}
	}
	a.submitted, a.number = row.submitted != nil, row.number
	return a
}

// JuryDetails reads the jury side of nominations the caller may see, in a
// fixed number of statements: their editions, the editions' conflicts, the
// caller's own rows, for staff the jurors and their declarations, and where
// the caller sees any the sheets and comments.
func (s *Service) JuryDetails(ctx context.Context, ns []*Nomination) (map[uuid.UUID]*JuryDetail, error) {
	out := make(map[uuid.UUID]*JuryDetail, len(ns))
	if len(ns) == 0 {
		return out, nil
	}
	ids := make([]uuid.UUID, len(ns))
	var editionIDs []uuid.UUID
	for i, n := range ns {
		ids[i] = n.ID
		if !slices.Contains(editionIDs, n.EditionID) {
			editionIDs = append(editionIDs, n.EditionID)
		}
	}
	editions, err := s.editionsByIDs(ctx, s.pool, editionIDs)
	if err != nil {
		return nil, err
	}
	conf, err := conflictsIn(ctx, s.pool, editionIDs)
	if err != nil {
		return nil, err
	}
	caller := authz.SubjectFrom(ctx)
	rows := map[uuid.UUID]reviewRow{}
	if !caller.Anonymous() {
		if rows, err = reviewRows(ctx, s.pool, caller.AccountID, ids); err != nil {
			return nil, err
		}
	}
	staffConflicts, err := s.staffConflicts(ctx, editions, ids, conf)
	if err != nil {
		return nil, err
	}
	// The caller's access to each; the sheets and comments are read only
	// for the nominations where they show something (a juror's own sheet,
	// or the scores).
	accesses := map[uuid.UUID]access{}
	var shown []uuid.UUID
	for _, n := range ns {
		if e := editions[n.EditionID]; e != nil {
			a := s.accessFrom(ctx, e, n, conf, rows[n.ID])
			accesses[n.ID] = a
			if a.juror || a.seesScores() {
				shown = append(shown, n.ID)
			}
		}
	}
	sheets, comments := map[uuid.UUID][]Sheet{}, map[uuid.UUID][]Comment{}
	if len(shown) > 0 {
		all, err := s.sheets(ctx, s.pool, "sh.nomination_id = any($1)", shown)
		if err != nil {
			return nil, err
		}
		for _, sh := range all {
			sheets[sh.NominationID] = append(sheets[sh.NominationID], sh)
		}
		cs, err := s.comments(ctx, s.pool, "c.nomination_id = any($1)", shown)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			comments[c.NominationID] = append(comments[c.NominationID], c)
		}
	}
	for _, n := range ns {
		d := &JuryDetail{}
		out[n.ID] = d
		a, ok := accesses[n.ID]
		if !ok {
			continue
		}
		if a.juror {
			e := editions[n.EditionID]
			r := &Review{Declaration: a.declaration, Conflict: a.conflict, SeesScores: a.seesScores(),
				ConflictFixed: fixedConflict(a.conflict) || a.source == "coordinator"}
			if a.source == "coordinator" {
				r.Declaration = DeclarationConflict
			}
			r.MayScore = e.In(PhaseScoring, s.now()) && a.conflict == "" && a.declaration != ""
			for _, sh := range sheets[n.ID] {
				if sh.JurorID != nil && *sh.JurorID == caller.AccountID {
					own := sh
					r.Sheet = &own
				}
			}
			d.Review = r
		}
		if d.SeesScores = a.seesScores(); d.SeesScores {
			d.Sheets, d.Discussion = []Sheet{}, []Comment{}
			for _, sh := range sheets[n.ID] {
				sh.Recused = recused(conf, sh.JurorID, n.ID)
				if a.staff || (sh.SubmittedAt != nil && !sh.Recused) {
					d.Sheets = append(d.Sheets, sh)
				}
			}
			for _, c := range comments[n.ID] {
				c.Recused = c.JurorNumber != 0 && recused(conf, c.AuthorID, n.ID)
				if a.staff || !c.Recused {
					d.Discussion = append(d.Discussion, c)
				}
			}
		}
		if cs, ok := staffConflicts[n.ID]; ok {
			d.Conflicts, d.SeesConflicts = cs, true
		}
	}
	return out, nil
}

// staffConflicts lists, for the nominations of editions the caller runs,
// each juror of the edition with their declaration and conflict, by name.
func (s *Service) staffConflicts(ctx context.Context, editions map[uuid.UUID]*Edition, ids []uuid.UUID,
	conf map[JurorNomination]string) (map[uuid.UUID][]JurorConflict, error) {
	jury := map[uuid.UUID][]Juror{}
	for id, e := range editions {
		if !s.Staff(ctx, e) {
			continue
		}
		js, err := jurors(ctx, s.pool, e)
		if err != nil {
			return nil, err
		}
		jury[id] = js
	}
	out := map[uuid.UUID][]JurorConflict{}
	if len(jury) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select n.id, n.edition_id, c.juror_id, c.conflict, c.note, c.declared_at
		from ambassador_nominations n left join ambassador_conflicts c on c.nomination_id = n.id
		where n.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load conflicts: %w", err)
	}
	type declared struct {
		conflict bool
		note     *string
		at       *time.Time
	}
	decl := map[JurorNomination]declared{}
	editionOf := map[uuid.UUID]uuid.UUID{}
	var n, edition uuid.UUID
	var juror *uuid.UUID
	var conflict *bool
	var note *string
	var at *time.Time
	_, err = pgx.ForEachRow(rows, []any{&n, &edition, &juror, &conflict, &note, &at}, func() error {
		editionOf[n] = edition
		if juror != nil {
			decl[JurorNomination{Juror: *juror, Nomination: n}] = declared{conflict: *conflict, note: note, at: at}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load conflicts: %w", err)
	}
	for n, edition := range editionOf {
		js, ok := jury[edition]
		if !ok {
			continue
		}
		list := make([]JurorConflict, 0, len(js))
		for _, j := range js {
			k := JurorNomination{Juror: j.AccountID, Nomination: n}
			jc := JurorConflict{JurorID: j.AccountID, JurorName: j.DisplayName, Conflict: conf[k]}
			if d, ok := decl[k]; ok {
				jc.Declaration, jc.DeclaredAt = DeclarationNone, d.at
				if d.conflict {
					jc.Declaration = DeclarationConflict
				}
				if d.note != nil {
					jc.Note = *d.note
				}
			}
			list = append(list, jc)
		}
		slices.SortStableFunc(list, func(a, b JurorConflict) int { return strings.Compare(a.JurorName, b.JurorName) })
		out[n] = list
	}
	return out, nil
}

// PhaseChangesOf lists the moves of editions the caller has seen, each
// edition's oldest first.
func (s *Service) PhaseChangesOf(ctx context.Context, es []*Edition) (map[uuid.UUID][]PhaseChange, error) {
	ids := make([]uuid.UUID, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return phases.HistoryOf(ctx, s.pool, ids)
}

// JurorsOf lists the jurors of editions the caller has seen, for the
// editions whose jury the caller may see (as Jurors; absent for others).
func (s *Service) JurorsOf(ctx context.Context, es []*Edition) (map[uuid.UUID][]Juror, error) {
	out := map[uuid.UUID][]Juror{}
	var domains []string
	for _, e := range es {
		domains = append(domains, Domain(e.ID))
	}
	mine := map[string]bool{}
	if subj := authz.SubjectFrom(ctx); !subj.Anonymous() {
		rows, err := s.pool.Query(ctx, `select domain from role_grants where account_id = $1 and role = 'juror' and domain = any($2)`,
			subj.AccountID, domains)
		if err != nil {
			return nil, fmt.Errorf("list jurors: %w", err)
		}
		ds, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("list jurors: %w", err)
		}
		for _, d := range ds {
			mine[d] = true
		}
	}
	seen := map[string]*Edition{}
	var visible []string
	for _, e := range es {
		if s.Staff(ctx, e) || mine[Domain(e.ID)] {
			seen[Domain(e.ID)] = e
			visible = append(visible, Domain(e.ID))
			out[e.ID] = []Juror{}
		}
	}
	if len(visible) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select g.domain, a.id, a.display_name from role_grants g join accounts a on a.id = g.account_id
		where g.role = 'juror' and g.domain = any($1) and a.deleted_at is null order by a.display_name, a.id`, visible)
	if err != nil {
		return nil, fmt.Errorf("list jurors: %w", err)
	}
	var domain string
	var j Juror
	_, err = pgx.ForEachRow(rows, []any{&domain, &j.AccountID, &j.DisplayName}, func() error {
		e := seen[domain]
		j.Chair = e.JuryChairID != nil && *e.JuryChairID == j.AccountID
		out[e.ID] = append(out[e.ID], j)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list jurors: %w", err)
	}
	return out, nil
}
