package replay

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/otwarty/otwarty/internal/pb"
)

// pool is one .pb file as a pool of the replayed edition.
type pool struct {
	file     string
	in       *pb.Instance
	city     bool
	name     string // the pool's name: META district, or "<unit> city-wide"
	district string // slug of META district; empty for the city pool
	budget   int64
	rule     string
	pickMode string // EXACTLY, AT_LEAST, AT_MOST
	pickN    int
	ranked   bool
	points   []int64
	required bool
}

// ballot is one voter's joined ballot: per pool (index into Plan.pools)
// the project codes in rank order.
type ballot struct {
	voterID  string
	district string
	picks    [][]string // by pool index; nil where the voter does not vote
}

// Plan is what should be replayed: the pools of one edition and the
// voters' joined ballots.
type Plan struct {
	pools   []*pool
	ballots []ballot
	// skipped counts voters not replayed, by reason.
	skipped map[string]int
	// warnings about the data that do not stop the replay.
	warnings []string
}

// Reasons a voter is not replayed.
const (
	skipOutside      = "in the city-wide file only, living in a district whose file was not given"
	skipNoDistrict   = "in the city-wide file only, without a district ballot although their district's file was given"
	skipNoCity       = "in a district file only: no city-wide ballot (invalid where the city-wide pool is required)"
	skipBallotLength = "ballot length outside the file's min_length/max_length"
)

// ReadPlan reads the files of one edition and joins their voters by
// voter_id. A file whose META names a district is that district's pool;
// the one file without is the city-wide pool. Every replayed voter must
// appear in exactly one district file (their district: the voter roll
// needs one) and, when a city-wide file is given, in it too.
func ReadPlan(files []string) (*Plan, error) {
	if len(files) == 0 {
		return nil, errors.New("no FILE.pb given")
	}
	p := &Plan{skipped: map[string]int{}}
	var city *pool
	districts := map[string]string{} // slug → file
	for _, f := range files {
		in, err := pb.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, w := range pb.Check(in) {
			p.warnings = append(p.warnings, f+": "+w)
		}
		rp, err := poolFromFile(f, in)
		if err != nil {
			return nil, err
		}
		if rp.city {
			if city != nil {
				return nil, fmt.Errorf("%s and %s both have no META district: at most one city-wide file", city.file, f)
			}
			city = rp
		} else {
			if other, dup := districts[rp.district]; dup {
				return nil, fmt.Errorf("%s and %s are both district %q", other, f, rp.name)
			}
			districts[rp.district] = f
		}
		p.pools = append(p.pools, rp)
	}
	if len(districts) == 0 {
		return nil, errors.New("give the district files too: every voter on the roll needs a district with a pool (META district)")
	}
	if err := checkInstance(p.pools); err != nil {
		return nil, err
	}

	ins := make([]*pb.Instance, len(p.pools))
	for i, rp := range p.pools {
		ins[i] = rp.in
	}
	cityIdx := -1
	for i, rp := range p.pools {
		if rp.city {
			cityIdx = i
		}
	}
	mismatch := 0
voters:
	for _, v := range pb.Join(ins...) {
		b := ballot{voterID: v.VoterID, picks: make([][]string, len(p.pools))}
		home := -1
		for i, row := range v.Votes {
			if row == nil || p.pools[i].city {
				continue
			}
			if home >= 0 {
				return nil, fmt.Errorf("voter %s is in two district files: %s and %s", v.VoterID, p.pools[home].file, p.pools[i].file)
			}
			home = i
		}
		if home < 0 {
			// In the city-wide file only.
			if _, given := districts[slug(v.Votes[cityIdx].Fields["neighborhood"])]; given {
				p.skipped[skipNoDistrict]++
			} else {
				p.skipped[skipOutside]++
			}
			continue
		}
		b.district = p.pools[home].district
		if cityIdx >= 0 {
			row := v.Votes[cityIdx]
			if row == nil {
				if p.pools[cityIdx].required {
					p.skipped[skipNoCity]++
					continue
				}
			} else if n, ok := row.Fields["neighborhood"]; ok && slug(n) != b.district {
				mismatch++
			}
		}
		for i, row := range v.Votes {
			if row == nil {
				continue
			}
			if !p.pools[i].lengthOK(len(row.Projects)) {
				p.skipped[skipBallotLength]++
				continue voters
			}
			b.picks[i] = row.Projects
		}
		p.ballots = append(p.ballots, b)
	}
	if mismatch > 0 {
		p.warnings = append(p.warnings, fmt.Sprintf("%d voters' neighborhood in the city-wide file differs from the district file they are in (the district file wins)", mismatch))
	}
	return p, nil
}

// checkInstance refuses files of different editions.
func checkInstance(pools []*pool) error {
	first, _ := pools[0].in.Get("instance")
	for _, rp := range pools[1:] {
		if v, _ := rp.in.Get("instance"); v != first {
			return fmt.Errorf("%s is instance %q but %s is %q: give the files of one edition", rp.file, v, pools[0].file, first)
		}
	}
	return nil
}

// poolFromFile reads a pool's settings from META: budget, rule, and the
// ballot rule from vote_type, min_length and max_length (Kraków: ordinal,
// exactly 3, points 3/2/1).
func poolFromFile(file string, in *pb.Instance) (*pool, error) {
	rp := &pool{file: file, in: in}
	var err error
	if rp.budget, err = in.Budget(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if d, ok := in.Get("district"); ok && strings.TrimSpace(d) != "" {
		rp.name, rp.district = strings.TrimSpace(d), slug(d)
		if rp.district == "" {
			return nil, fmt.Errorf("%s: META district %q has no letters or digits", file, d)
		}
	} else {
		rp.city = true
		unit, _ := in.Get("unit")
		rp.name = strings.TrimSpace(unit + " city-wide")
	}
	rp.rule = "greedy"
	if r, ok := in.Get("rule"); ok && r != "" {
		rp.rule = r
	}
	minLen, maxLen := -1, -1
	if s, ok := in.Get("min_length"); ok {
		minLen, _ = strconv.Atoi(s)
	}
	if s, ok := in.Get("max_length"); ok {
		maxLen, _ = strconv.Atoi(s)
	}
	switch {
	case minLen > 0 && minLen == maxLen:
		rp.pickMode, rp.pickN = "EXACTLY", minLen
	case maxLen > 0:
		rp.pickMode, rp.pickN = "AT_MOST", maxLen
	default:
		rp.pickMode, rp.pickN = "AT_LEAST", max(minLen, 1)
	}
	if minLen > 0 && maxLen > 0 && minLen != maxLen {
		return nil, fmt.Errorf("%s: min_length %d and max_length %d differ: a pool has one pick rule (exactly, at least or at most)", file, minLen, maxLen)
	}
	rp.required = minLen > 0
	switch vt := in.VoteType(); vt {
	case pb.Ordinal:
		rp.ranked = true
		rp.points = pb.DefaultPoints(in)
	case pb.Approval:
	default:
		return nil, fmt.Errorf("%s: vote_type %s cannot be replayed (ordinal or approval only)", file, vt)
	}
	return rp, nil
}

func (rp *pool) lengthOK(n int) bool {
	switch rp.pickMode {
	case "EXACTLY":
		return n == rp.pickN
	case "AT_MOST":
		return n <= rp.pickN
	default:
		return n >= rp.pickN
	}
}

// SyntheticPlan is a plan that no file gave, for an edition set up to
// measure something other than the count: one required district pool named
// district, of in's projects within budget, approval ballots of at most one
// project, and a voter of that district per ID, who picks nothing (codes
// are issued for them; the caller casts).
func SyntheticPlan(in *pb.Instance, district string, budget int64, voterIDs []string) *Plan {
	rp := &pool{in: in, name: district, district: slug(district), budget: budget,
		rule: "greedy", pickMode: "AT_MOST", pickN: 1, required: true}
	p := &Plan{pools: []*pool{rp}, skipped: map[string]int{}}
	for _, id := range voterIDs {
		p.ballots = append(p.ballots, ballot{voterID: id, district: rp.district})
	}
	return p
}

// slug turns a district name into the voter roll's district key:
// "Łagiewniki-Borek Fałęcki" → "lagiewniki-borek-falecki".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if t, ok := polish[r]; ok {
			r = t
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

var polish = map[rune]rune{'ą': 'a', 'ć': 'c', 'ę': 'e', 'ł': 'l', 'ń': 'n', 'ó': 'o', 'ś': 's', 'ź': 'z', 'ż': 'z'}

// skippedLines describes skipped voters, largest group first.
func (p *Plan) skippedLines() []string {
	var out []string
	for reason, n := range p.skipped {
		out = append(out, fmt.Sprintf("%d voters not replayed: %s", n, reason))
	}
	sort.Strings(out)
	return out
}
