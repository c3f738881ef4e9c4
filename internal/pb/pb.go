// Package pb reads and writes Pabulib participatory-budgeting files (.pb:
// META / PROJECTS / VOTES) and counts them with exact arithmetic: greedy
// rules by score and the Method of Equal Shares with its completions.
// Money is integer grosze; shares are rationals.
package pb

// Instance is one .pb file: one pool of one edition.
type Instance struct {
	// Meta keeps the META section in file order.
	Meta []KV
	// ProjectColumns and VoteColumns are the section headers as read.
	ProjectColumns []string
	VoteColumns    []string
	Projects       []Project
	Votes          []Vote
}

// KV is one META entry.
type KV struct{ Key, Value string }

// Project is one PROJECTS row.
type Project struct {
	ID   string
	Cost int64 // grosze
	// Fields holds every column of the row (including project_id and cost)
	// as written, for the writer and for columns such as votes, score,
	// selected, name.
	Fields map[string]string
}

// Vote is one VOTES row (one voter's ballot in this pool).
type Vote struct {
	VoterID string
	// Projects are the chosen project ids, in the ballot's order (the rank
	// order for ordinal ballots).
	Projects []string
	// Points are the points given per project (cumulative and scoring
	// ballots); nil otherwise.
	Points []int64
	Fields map[string]string
}

// Get returns a META value and whether it is present.
func (in *Instance) Get(key string) (string, bool) {
	for _, kv := range in.Meta {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Result is the outcome of a rule: selected project ids in the order
// selected, and their total cost in grosze.
type Result struct {
	Selected []string
	Cost     int64
}
