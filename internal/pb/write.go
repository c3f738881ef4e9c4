package pb

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Write writes in as a .pb file with LF line ends, quoting a field only when
// it needs it. Read(Write(in)) equals in for every instance Read returns.
//
// The typed fields are the truth: project_id, cost, voter_id, vote and points
// are written from ID, Cost, VoterID, Projects and Points, keeping the text
// of Fields only when it means the same value (so "12.5" stays "12.5" but a
// changed Cost is written as the new amount). Other columns come from Fields.
// Without ProjectColumns the PROJECTS header is project_id;cost; without
// VoteColumns it is voter_id;vote, plus points when any vote has points.
func Write(w io.Writer, in *Instance) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	rows := [][]string{{"META"}, {"key", "value"}}
	for _, kv := range in.Meta {
		rows = append(rows, []string{kv.Key, kv.Value})
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}

	pcols := in.ProjectColumns
	if len(pcols) == 0 {
		pcols = []string{"project_id", "cost"}
	}
	if err := cw.Write([]string{"PROJECTS"}); err != nil {
		return err
	}
	if err := cw.Write(pcols); err != nil {
		return err
	}
	rec := make([]string, len(pcols))
	for _, p := range in.Projects {
		for i, c := range pcols {
			rec[i] = projectField(p, c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}

	vcols := in.VoteColumns
	if len(vcols) == 0 {
		vcols = []string{"voter_id", "vote"}
		if slices.ContainsFunc(in.Votes, func(v Vote) bool { return v.Points != nil }) {
			vcols = append(vcols, "points")
		}
	}
	if err := cw.Write([]string{"VOTES"}); err != nil {
		return err
	}
	if err := cw.Write(vcols); err != nil {
		return err
	}
	rec = make([]string, len(vcols))
	for _, v := range in.Votes {
		for i, c := range vcols {
			rec[i] = voteField(v, c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func projectField(p Project, col string) string {
	s := p.Fields[col]
	switch col {
	case "project_id":
		return p.ID
	case "cost":
		if n, err := ParseAmount(s); err == nil && n == p.Cost {
			return s
		}
		return formatCost(p.Cost)
	}
	return s
}

// formatCost writes whole amounts without decimals, as Pabulib files do.
func formatCost(grosze int64) string {
	if grosze%100 == 0 {
		return strconv.FormatInt(grosze/100, 10)
	}
	return FormatAmount(grosze)
}

func voteField(v Vote, col string) string {
	s := v.Fields[col]
	switch col {
	case "voter_id":
		return v.VoterID
	case "vote":
		return strings.Join(v.Projects, ",")
	case "points":
		pts := make([]string, len(v.Points))
		for i, n := range v.Points {
			pts[i] = strconv.FormatInt(n, 10)
		}
		if joined := strings.Join(pts, ","); !samePoints(s, v.Points) {
			return joined
		}
	}
	return s
}

// samePoints reports whether the text s reads as exactly pts (it may differ
// in spelling, e.g. "+3" or "03").
func samePoints(s string, pts []int64) bool {
	items := splitList(s)
	if len(items) != len(pts) {
		return false
	}
	for i, it := range items {
		if n, err := strconv.ParseInt(it, 10, 64); err != nil || n != pts[i] {
			return false
		}
	}
	return true
}
