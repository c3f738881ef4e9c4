package pb

import (
	"fmt"
	"strconv"
)

// DefaultPoints returns the points by rank for ordinal ballots when none are
// given: max_length, max_length-1, …, 1 (Kraków, max_length 3: 3/2/1). Without
// max_length the longest ballot sets the length. It is nil for other vote
// types, whose scores do not depend on rank.
func DefaultPoints(in *Instance) []int64 {
	if in.VoteType() != Ordinal {
		return nil
	}
	n := 0
	if s, ok := in.Get("max_length"); ok {
		n, _ = strconv.Atoi(s)
	}
	if n <= 0 {
		for _, v := range in.Votes {
			n = max(n, len(v.Projects))
		}
	}
	pts := make([]int64, n)
	for i := range pts {
		pts[i] = int64(n - i)
	}
	return pts
}

// Scores returns every project's total score (projects nobody chose score 0).
// Ordinal ballots give points[i] to the project ranked i+1 (0 beyond the end
// of points); nil points means DefaultPoints. Approval and choose-1 ballots
// give 1 per chosen project, cumulative and scoring ballots the points
// written on them; points is ignored for those.
func Scores(in *Instance, points []int64) map[string]int64 {
	vt := in.VoteType()
	if vt == Ordinal && points == nil {
		points = DefaultPoints(in)
	}
	s := make(map[string]int64, len(in.Projects))
	for _, p := range in.Projects {
		s[p.ID] = 0
	}
	for _, v := range in.Votes {
		for i, id := range v.Projects {
			switch {
			case vt == Ordinal:
				if i < len(points) {
					s[id] += points[i]
				}
			case vt == Cumulative || vt == Scoring:
				if i < len(v.Points) {
					s[id] += v.Points[i]
				}
			default:
				s[id]++
			}
		}
	}
	return s
}

// Votes returns for every project the number of ballots that choose it.
func Votes(in *Instance) map[string]int64 {
	c := make(map[string]int64, len(in.Projects))
	for _, p := range in.Projects {
		c[p.ID] = 0
	}
	for _, v := range in.Votes {
		for _, id := range v.Projects {
			c[id]++
		}
	}
	return c
}

// Check returns warnings about a well-formed instance whose data look wrong
// without stopping a count: a votes or score column that differs from the
// ballots (score with the default points), and ballots shorter than
// min_length or longer than max_length. Read has already refused what is
// malformed.
func Check(in *Instance) []string {
	var w []string
	votes, scores := Votes(in), Scores(in, nil)
	for _, p := range in.Projects {
		for _, col := range []string{"votes", "score"} {
			want := votes[p.ID]
			if col == "score" {
				want = scores[p.ID]
			}
			s, ok := p.Fields[col]
			if !ok {
				continue
			}
			if n, err := strconv.ParseInt(s, 10, 64); err != nil || n != want {
				w = append(w, fmt.Sprintf("project %s: %s column is %q, ballots give %d", p.ID, col, s, want))
			}
		}
	}
	lo, hi := -1, -1
	if s, ok := in.Get("min_length"); ok {
		lo, _ = strconv.Atoi(s)
	}
	if s, ok := in.Get("max_length"); ok {
		hi, _ = strconv.Atoi(s)
	}
	short, long := 0, 0
	for _, v := range in.Votes {
		if lo >= 0 && len(v.Projects) < lo {
			short++
		}
		if hi >= 0 && len(v.Projects) > hi {
			long++
		}
	}
	if short > 0 {
		w = append(w, fmt.Sprintf("%d ballots choose fewer than min_length %d projects", short, lo))
	}
	if long > 0 {
		w = append(w, fmt.Sprintf("%d ballots choose more than max_length %d projects", long, hi))
	}
	return w
}
