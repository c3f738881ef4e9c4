package pb

import (
	"cmp"
	"fmt"
	"slices"
)

// TieBreak orders projects with equal scores. It is a setting of the count,
// not an accident of sorting, so a published result says which one it used.
type TieBreak string

const (
	// TieCostThenID puts the cheaper project first (more money left for
	// others), then the smaller project id (byte order). The default; ""
	// means it too.
	TieCostThenID TieBreak = "cost-asc-then-id"
	// TieID puts the smaller project id (byte order) first.
	TieID TieBreak = "id"
	// TieFileOrder keeps the order of the PROJECTS section.
	TieFileOrder TieBreak = "file-order"
)

// Valid reports whether t is a known tie-break ("" included).
func (t TieBreak) Valid() bool {
	switch t {
	case "", TieCostThenID, TieID, TieFileOrder:
		return true
	}
	return false
}

// Ranking returns the projects by score descending, ties ordered by tie.
// It panics on an invalid tie-break.
func Ranking(in *Instance, scores map[string]int64, tie TieBreak) []Project {
	if !tie.Valid() {
		panic(fmt.Sprintf("pb: unknown tie-break %q", tie))
	}
	ps := slices.Clone(in.Projects)
	slices.SortStableFunc(ps, func(a, b Project) int {
		if c := cmp.Compare(scores[b.ID], scores[a.ID]); c != 0 {
			return c
		}
		switch tie {
		case TieFileOrder:
			return 0 // stable sort keeps file order
		case TieID:
			return cmp.Compare(a.ID, b.ID)
		default:
			return cmp.Or(cmp.Compare(a.Cost, b.Cost), cmp.Compare(a.ID, b.ID))
		}
	})
	return ps
}

// Greedy counts by score (Scores with points) and takes projects from the
// top while they fit in the META budget. With skip a project that does not
// fit is passed over and the next ones are still tried (Kraków's rule);
// without skip the count stops at the first project that does not fit.
// A project with score 0 is never selected: nobody asked for it.
// An instance without a readable budget (Read refuses those) selects nothing.
func Greedy(in *Instance, points []int64, skip bool, tie TieBreak) Result {
	left, err := in.Budget()
	if err != nil {
		return Result{}
	}
	scores := Scores(in, points)
	var r Result
	for _, p := range Ranking(in, scores, tie) {
		if scores[p.ID] <= 0 {
			break
		}
		if p.Cost > left {
			if skip {
				continue
			}
			break
		}
		r.Selected = append(r.Selected, p.ID)
		r.Cost += p.Cost
		left -= p.Cost
	}
	return r
}
