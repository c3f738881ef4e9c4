package pb

// JoinedVoter is one voter of an edition whose pools are separate files
// (Kraków: the city-wide file and one file per district), matched by
// voter_id.
type JoinedVoter struct {
	VoterID string
	// Votes[i] is the voter's row in the i-th instance given to Join, nil
	// when the voter has none there.
	Votes []*Vote
}

// In reports how many of the instances hold a row of the voter.
func (v JoinedVoter) In() int {
	n := 0
	for _, r := range v.Votes {
		if r != nil {
			n++
		}
	}
	return n
}

// Join matches the voters of several instances of one edition by voter_id:
// one entry per distinct voter_id, in order of first appearance (instance
// order, then row order), so the result does not depend on map order. Rows
// point into the instances. Which voters make a valid ballot (a voter in
// two district files, or missing from a required pool) is for the caller
// to decide: Join only matches.
func Join(ins ...*Instance) []JoinedVoter {
	idx := map[string]int{}
	var out []JoinedVoter
	for i, in := range ins {
		for j := range in.Votes {
			v := &in.Votes[j]
			k, ok := idx[v.VoterID]
			if !ok {
				k = len(out)
				idx[v.VoterID] = k
				out = append(out, JoinedVoter{VoterID: v.VoterID, Votes: make([]*Vote, len(ins))})
			}
			out[k].Votes[i] = v
		}
	}
	return out
}
