package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otwarty/otwarty/internal/pb"
)

const replayUsage = `usage: otwarty pb replay --url URL [--concurrency N] [--token TOKEN | --email E --password P] [--unit ID] [--year Y] [--check] FILE.pb...

Replays the real ballots of Pabulib files through an otwarty server's GraphQL
API, as an official would run a vote: it creates an edition in the official's
city unit with one pool per file (the file without META district is the
city-wide pool), enters the projects, opens voting, issues one voting code per
voter in bulk, casts every ballot anonymously with its code from N concurrent
clients while watching the ballotTurnout subscription, closes voting, waits for
the results job, certifies (one signature; a note for every tie-break) and
publishes, then prints every pool's winners and the speed.

Several files of one edition are joined by voter_id into multi-pool ballots
(Kraków: the city-wide file and the district files). Every replayed voter must
be in exactly one district file (their district); voters in the city-wide file
whose district file was not given are not replayed, and neither is a voter
missing from a required pool: the counts are printed.

The official signs in with --token (a session token, or OTWARTY_TOKEN) or with
--email and --password (or OTWARTY_PASSWORD). The unit is the official's one
OFFICIAL grant unless --unit names it. The server should run with
OTWARTY_RATE_ANONYMOUS=0/0 and OTWARTY_RATE_WRITES=0/0: under rate limits
the replay waits and retries with backoff, and says so.`

// replayOptions are the flags of "pb replay".
type replayOptions struct {
	url         string
	concurrency int
	token       string
	email       string
	password    string
	unit        string
	year        int
	check       bool
	batch       int
	files       []string
}

// poolOutcome is one pool's published result.
type poolOutcome struct {
	name     string
	district string
	winners  []string
	cost     int64
	budget   int64
	ballots  int
	// recount is the winners counted locally from the replayed ballots by
	// internal/pb, and official the file's selected column in the order of
	// that recount when the whole file was replayed (nil otherwise).
	recount  []string
	official []string
}

// replayReport is what a replay measured.
type replayReport struct {
	editionID     string
	ballots       int
	castTime      time.Duration
	p50, p99      time.Duration
	turnout       int // the last count the subscription reported
	turnoutEvents int
	rateLimited   int64
	pools         []poolOutcome
}

// pbReplay parses the flags and runs the replay, printing the winners and
// the summary to stdout and progress to stderr.
func pbReplay(ctx context.Context, args []string, stdout, stderr io.Writer) (*replayReport, error) {
	fs := flag.NewFlagSet("pb replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o replayOptions
	fs.StringVar(&o.url, "url", env("OTWARTY_URL", "http://localhost:8080/query"), "the server's GraphQL endpoint (OTWARTY_URL)")
	fs.IntVar(&o.concurrency, "concurrency", 8, "concurrent voting clients")
	fs.StringVar(&o.token, "token", env("OTWARTY_TOKEN", ""), "an official's session token (OTWARTY_TOKEN)")
	fs.StringVar(&o.email, "email", "", "an official's e-mail, to sign in with --password")
	fs.StringVar(&o.password, "password", env("OTWARTY_PASSWORD", ""), "the official's password (OTWARTY_PASSWORD)")
	fs.StringVar(&o.unit, "unit", "", "the city unit's organisation ID (default: the official's unit)")
	fs.IntVar(&o.year, "year", 0, "the edition's year (default: META instance)")
	fs.BoolVar(&o.check, "check", false, "fail unless every pool's winners equal the local recount and, for fully replayed files, the file's selected column")
	fs.IntVar(&o.batch, "batch", 1000, "voters per issueVotingCodes call (at most 1000)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, replayUsage)
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		o.files = append(o.files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	switch {
	case len(o.files) == 0:
		return nil, errors.New("no FILE.pb given\n" + strings.SplitN(replayUsage, "\n", 2)[0])
	case o.concurrency < 1:
		return nil, errors.New("--concurrency must be at least 1")
	case o.batch < 1 || o.batch > 1000:
		return nil, errors.New("--batch must be 1 to 1000")
	case o.token == "" && (o.email == "" || o.password == ""):
		return nil, errors.New("sign in as an official: --token, or --email and --password")
	}
	return runReplay(ctx, o, stdout, stderr)
}

func runReplay(ctx context.Context, o replayOptions, stdout, stderr io.Writer) (*replayReport, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "replay: "+format+"\n", args...) }
	plan, err := planReplay(o.files)
	if err != nil {
		return nil, err
	}
	for _, w := range plan.warnings {
		logf("warning: %s", w)
	}
	for _, s := range plan.skippedLines() {
		logf("%s", s)
	}
	if len(plan.ballots) == 0 {
		return nil, errors.New("no ballot to replay")
	}
	logf("%d files, %d pools, %d ballots to replay", len(o.files), len(plan.pools), len(plan.ballots))

	c := newGQLClient(o.url, o.concurrency, stderr)
	c.token = o.token
	if c.token == "" {
		if c.token, err = signInOfficial(ctx, c, o.email, o.password); err != nil {
			return nil, err
		}
	}
	unit := o.unit
	if unit == "" {
		if unit, err = officialUnit(ctx, c); err != nil {
			return nil, err
		}
	}
	year := o.year
	if year == 0 {
		inst, _ := plan.pools[0].in.Get("instance")
		if _, err := fmt.Sscan(inst, &year); err != nil {
			return nil, fmt.Errorf("META instance %q is not a year: pass --year", inst)
		}
	}

	start := time.Now()
	ed, err := setUpEdition(ctx, c, unit, year, plan, o.concurrency)
	if err != nil {
		return nil, err
	}
	logf("edition %s: %d pools, %d projects, voting open (%.1f s)", ed.id, len(plan.pools), ed.projectCount(), time.Since(start).Seconds())

	start = time.Now()
	codes, err := issueCodes(ctx, c, ed.id, plan, o.batch)
	if err != nil {
		return nil, err
	}
	logf("%d voting codes issued in batches of %d (%.1f s)", len(codes), o.batch, time.Since(start).Seconds())

	w, err := watchTurnout(ctx, o.url, c.token, ed.id)
	if err != nil {
		return nil, err
	}
	defer w.close()

	rep := &replayReport{editionID: ed.id, ballots: len(plan.ballots)}
	lat, castTime, err := castAll(ctx, c, ed, plan, codes, o.concurrency)
	if err != nil {
		return nil, err
	}
	rep.castTime = castTime
	rep.p50, rep.p99 = percentile(lat, 50), percentile(lat, 99)
	logf("%d ballots cast in %.1f s by %d clients", len(lat), castTime.Seconds(), o.concurrency)
	if err := w.waitFor(ctx, len(plan.ballots), 30*time.Second); err != nil {
		return nil, err
	}
	rep.turnout, rep.turnoutEvents, _ = w.state()

	start = time.Now()
	if err := closeAndPublish(ctx, c, ed.id, logf); err != nil {
		return nil, err
	}
	logf("closed, counted, certified and published (%.1f s)", time.Since(start).Seconds())
	if rep.pools, err = readOutcome(ctx, c, ed.id, plan); err != nil {
		return nil, err
	}
	rep.rateLimited = c.rateLimited.Load()
	if rep.rateLimited > 0 {
		logf("%d requests were RATE_LIMITED and retried", rep.rateLimited)
	}
	mismatches := printOutcome(stdout, rep)
	if o.check && mismatches > 0 {
		return rep, fmt.Errorf("%d pools differ from the expected winners", mismatches)
	}
	return rep, nil
}

// ---------------------------------------------------------------------------
// Signing in.

func signInOfficial(ctx context.Context, c *gqlClient, email, password string) (string, error) {
	var out struct {
		SignIn struct {
			Token string `json:"token"`
		} `json:"signIn"`
	}
	err := c.do(ctx, `mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }`,
		map[string]any{"input": map[string]any{"email": email, "password": password}}, &out, false)
	if err != nil {
		return "", fmt.Errorf("sign in as %s: %w", email, err)
	}
	return out.SignIn.Token, nil
}

// officialUnit returns the unit of the caller's only OFFICIAL grant.
func officialUnit(ctx context.Context, c *gqlClient) (string, error) {
	var out struct {
		Me *struct {
			Roles []struct {
				Role         string `json:"role"`
				Organisation *struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"organisation"`
			} `json:"roles"`
		} `json:"me"`
	}
	if err := c.do(ctx, `query { me { roles { role organisation { id name } } } }`, nil, &out, true); err != nil {
		return "", fmt.Errorf("read the official's roles: %w", err)
	}
	if out.Me == nil {
		return "", errors.New("the token is not signed in")
	}
	var units []string
	for _, g := range out.Me.Roles {
		if g.Role == "OFFICIAL" && g.Organisation != nil {
			units = append(units, g.Organisation.ID)
		}
	}
	switch len(units) {
	case 1:
		return units[0], nil
	case 0:
		return "", errors.New("the account is no unit's official: pass --unit with the city unit's ID")
	default:
		return "", fmt.Errorf("the account is an official of %d units: pass --unit", len(units))
	}
}

// ---------------------------------------------------------------------------
// Setting up the edition.

// replayEdition is the created edition: global IDs of pools and projects.
type replayEdition struct {
	id       string
	poolIDs  []string            // by plan pool index
	projects []map[string]string // by plan pool index: code → project ID
}

func (e *replayEdition) projectCount() int {
	n := 0
	for _, m := range e.projects {
		n += len(m)
	}
	return n
}

func setUpEdition(ctx context.Context, c *gqlClient, unit string, year int, plan *replayPlan, conc int) (*replayEdition, error) {
	now := time.Now().UTC()
	var ce struct {
		CreateBudgetEdition struct {
			Edition struct {
				ID string `json:"id"`
			} `json:"edition"`
		} `json:"createBudgetEdition"`
	}
	err := c.do(ctx, `mutation Create($input: CreateBudgetEditionInput!) { createBudgetEdition(input: $input) { edition { id } } }`,
		map[string]any{"input": map[string]any{"unitId": unit, "year": year,
			"votingOpensAt":  now.Add(-time.Minute).Format(time.RFC3339),
			"votingClosesAt": now.Add(12 * time.Hour).Format(time.RFC3339)}}, &ce, false)
	if err != nil {
		return nil, fmt.Errorf("createBudgetEdition: %w", err)
	}
	ed := &replayEdition{id: ce.CreateBudgetEdition.Edition.ID}

	// One signature certifies the replay (the default commission needs more).
	err = c.do(ctx, `mutation Settings($input: UpdateBudgetResultSettingsInput!) { updateBudgetResultSettings(input: $input) { __typename } }`,
		map[string]any{"input": map[string]any{"editionId": ed.id, "signaturesRequired": 1}}, nil, false)
	if err != nil {
		return nil, fmt.Errorf("updateBudgetResultSettings: %w", err)
	}

	for _, rp := range plan.pools {
		in := map[string]any{"editionId": ed.id, "name": rp.name, "kind": "CITY", "budget": pb.FormatAmount(rp.budget),
			"rule": rp.rule, "pickMode": rp.pickMode, "pickCount": rp.pickN, "ballotKind": "APPROVAL", "required": rp.required}
		if !rp.city {
			in["kind"], in["district"] = "DISTRICT", rp.district
		}
		if rp.ranked {
			in["ballotKind"], in["points"] = "RANKED", rp.points
		}
		var cp struct {
			CreateBudgetPool struct {
				Pool struct {
					ID string `json:"id"`
				} `json:"pool"`
			} `json:"createBudgetPool"`
		}
		if err := c.do(ctx, `mutation Pool($input: CreateBudgetPoolInput!) { createBudgetPool(input: $input) { pool { id } } }`,
			map[string]any{"input": in}, &cp, false); err != nil {
			return nil, fmt.Errorf("createBudgetPool %s: %w", rp.name, err)
		}
		ed.poolIDs = append(ed.poolIDs, cp.CreateBudgetPool.Pool.ID)
	}

	type job struct{ pool, project int }
	var jobs []job
	for i, rp := range plan.pools {
		ed.projects = append(ed.projects, make(map[string]string, len(rp.in.Projects)))
		for j := range rp.in.Projects {
			jobs = append(jobs, job{i, j})
		}
	}
	var mu sync.Mutex
	err = parallel(ctx, conc, len(jobs), func(k int) error {
		jb := jobs[k]
		p := plan.pools[jb.pool].in.Projects[jb.project]
		title := strings.TrimSpace(p.Fields["name"])
		if title == "" {
			title = p.ID
		}
		var out struct {
			CreateBudgetProject struct {
				Project struct {
					ID string `json:"id"`
				} `json:"project"`
			} `json:"createBudgetProject"`
		}
		if err := c.do(ctx, `mutation Project($input: CreateBudgetProjectInput!) { createBudgetProject(input: $input) { project { id } } }`,
			map[string]any{"input": map[string]any{"poolId": ed.poolIDs[jb.pool], "code": p.ID, "title": truncate(title, 500),
				"cost": pb.FormatAmount(p.Cost)}}, &out, false); err != nil {
			return fmt.Errorf("createBudgetProject %s: %w", p.ID, err)
		}
		mu.Lock()
		ed.projects[jb.pool][p.ID] = out.CreateBudgetProject.Project.ID
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := c.do(ctx, `mutation Open($input: OpenBudgetVotingInput!) { openBudgetVoting(input: $input) { edition { status } } }`,
		map[string]any{"input": map[string]any{"editionId": ed.id}}, nil, false); err != nil {
		return nil, fmt.Errorf("openBudgetVoting: %w", err)
	}
	return ed, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	for len(string(r)) > n {
		r = r[:len(r)-1]
	}
	return string(r)
}

// ---------------------------------------------------------------------------
// Voting codes and casting.

var plainVoterID = regexp.MustCompile(`^[A-Za-z0-9.]{1,40}$`)

// syntheticIdentifier stands for the document of the file's voter: the roll
// keeps only its keyed hash. IDs that the OTHER identifier type would not
// take are hex-encoded.
func syntheticIdentifier(instance, voterID string) string {
	id := voterID
	if !plainVoterID.MatchString(id) {
		id = "X" + hex.EncodeToString([]byte(voterID))
	}
	return truncate("PABULIB/"+slug(instance)+"/"+id, 64)
}

func issueCodes(ctx context.Context, c *gqlClient, editionID string, plan *replayPlan, batch int) ([]string, error) {
	inst, _ := plan.pools[0].in.Get("instance")
	codes := make([]string, 0, len(plan.ballots))
	for from := 0; from < len(plan.ballots); from += batch {
		to := min(from+batch, len(plan.ballots))
		voters := make([]map[string]any, 0, to-from)
		for _, b := range plan.ballots[from:to] {
			voters = append(voters, map[string]any{"identifierType": "OTHER",
				"identifier": syntheticIdentifier(inst, b.voterID), "district": b.district})
		}
		var out struct {
			IssueVotingCodes struct {
				Codes []struct {
					VoterID string `json:"voterId"`
					Code    string `json:"code"`
				} `json:"codes"`
			} `json:"issueVotingCodes"`
		}
		if err := c.do(ctx, `mutation Issue($input: IssueVotingCodesInput!) { issueVotingCodes(input: $input) { codes { voterId code } } }`,
			map[string]any{"input": map[string]any{"editionId": editionID, "voters": voters}}, &out, false); err != nil {
			return nil, fmt.Errorf("issueVotingCodes for voters %d–%d: %w", from+1, to, err)
		}
		if got := len(out.IssueVotingCodes.Codes); got != to-from {
			return nil, fmt.Errorf("issueVotingCodes returned %d codes for %d voters", got, to-from)
		}
		for _, cd := range out.IssueVotingCodes.Codes {
			codes = append(codes, cd.Code)
		}
	}
	return codes, nil
}

// castAll casts every ballot with its code from conc concurrent clients and
// returns each ballot's latency and the wall time of the whole casting.
func castAll(ctx context.Context, c *gqlClient, ed *replayEdition, plan *replayPlan, codes []string, conc int) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, len(plan.ballots))
	start := time.Now()
	err := parallel(ctx, conc, len(plan.ballots), func(i int) error {
		b := plan.ballots[i]
		var picks []map[string]any
		for pi, codesInPool := range b.picks {
			if codesInPool == nil {
				continue
			}
			ids := make([]string, len(codesInPool))
			for k, code := range codesInPool {
				ids[k] = ed.projects[pi][code]
			}
			picks = append(picks, map[string]any{"poolId": ed.poolIDs[pi], "projectIds": ids})
		}
		t := time.Now()
		err := c.do(ctx, `mutation Cast($input: CastBallotWithCodeInput!) { castBallotWithCode(input: $input) { ballotId } }`,
			map[string]any{"input": map[string]any{"code": codes[i], "ballotKey": ballotKey(), "picks": picks}}, nil, true)
		lat[i] = time.Since(t)
		if err != nil {
			return fmt.Errorf("castBallotWithCode for voter %s: %w", b.voterID, err)
		}
		return nil
	})
	return lat, time.Since(start), err
}

// ballotKey is a fresh random secret of 26 characters (130 bits).
func ballotKey() string { return rand.Text() }

// parallel runs f(0..n-1) on conc goroutines and returns the first error;
// after an error no new calls start.
func parallel(ctx context.Context, conc, n int, f func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100 // nearest rank
	return s[max(i-1, 0)]
}

// ---------------------------------------------------------------------------
// Closing, counting, certifying, publishing.

func closeAndPublish(ctx context.Context, c *gqlClient, editionID string, logf func(string, ...any)) error {
	vars := map[string]any{"input": map[string]any{"editionId": editionID}}
	if err := c.do(ctx, `mutation Close($input: CloseBudgetVotingInput!) { closeBudgetVoting(input: $input) { edition { status } } }`,
		vars, nil, false); err != nil {
		return fmt.Errorf("closeBudgetVoting: %w", err)
	}
	// The results job runs in the background; poll until it has stored them.
	var ties []tieBreakPool
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var out struct {
			BudgetEdition *struct {
				ResultsComputedAt *string        `json:"resultsComputedAt"`
				Results           []tieBreakPool `json:"results"`
			} `json:"budgetEdition"`
		}
		if err := c.do(ctx, `query Computed($id: ID!) { budgetEdition(id: $id) { resultsComputedAt results { `+tieBreakSelection+` } } }`,
			map[string]any{"id": editionID}, &out, true); err != nil {
			return fmt.Errorf("wait for results: %w", err)
		}
		if out.BudgetEdition == nil {
			return errors.New("the edition disappeared")
		}
		if out.BudgetEdition.ResultsComputedAt != nil {
			ties = out.BudgetEdition.Results
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the results job did not finish within 10 minutes")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	notes := []map[string]any{}
	for _, t := range ties {
		if len(t.TieBreaks) == 0 {
			continue
		}
		logf("pool %s: %d tie-breaks recorded; noted in the certification", t.Pool.Name, len(t.TieBreaks))
		notes = append(notes, map[string]any{"poolId": t.Pool.ID, "note": tieBreakNote(t)})
	}
	if err := c.do(ctx, `mutation Certify($input: CertifyBudgetResultsInput!) { certifyBudgetResults(input: $input) { __typename } }`,
		map[string]any{"input": map[string]any{"editionId": editionID, "invalidBallots": 0, "tieBreakNotes": notes,
			"note": "Replay of Pabulib ballots by otwarty pb replay."}}, nil, false); err != nil {
		return fmt.Errorf("certifyBudgetResults: %w", err)
	}
	if err := c.do(ctx, `mutation Publish($input: PublishBudgetResultsInput!) { publishBudgetResults(input: $input) { edition { status } } }`,
		vars, nil, false); err != nil {
		return fmt.Errorf("publishBudgetResults: %w", err)
	}
	return nil
}

// tieBreakSelection reads the tie-breaks the results job recorded per pool.
const tieBreakSelection = `pool { id name } tieBreaks { score selected { code } passedOver { code } }`

type tieBreakPool struct {
	Pool struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"pool"`
	TieBreaks []struct {
		Score      int64      `json:"score"`
		Selected   []codeOnly `json:"selected"`
		PassedOver []codeOnly `json:"passedOver"`
	} `json:"tieBreaks"`
}

type codeOnly struct {
	Code string `json:"code"`
}

// tieBreakNote is the certification's public note on a pool's ties.
func tieBreakNote(t tieBreakPool) string {
	codes := func(cs []codeOnly) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.Code)
		}
		return strings.Join(s, ", ")
	}
	var parts []string
	for _, tb := range t.TieBreaks {
		parts = append(parts, fmt.Sprintf("score %d: %s taken before %s", tb.Score, codes(tb.Selected), codes(tb.PassedOver)))
	}
	return "Replay of Pabulib ballots; ties broken by the pool's rule (cheaper project first, then project code), " +
		"as the official count does: " + strings.Join(parts, "; ") + "."
}

func readOutcome(ctx context.Context, c *gqlClient, editionID string, plan *replayPlan) ([]poolOutcome, error) {
	var out struct {
		BudgetEdition *struct {
			Results []struct {
				Pool struct {
					ID       string  `json:"id"`
					Name     string  `json:"name"`
					District *string `json:"district"`
					Budget   string  `json:"budget"`
				} `json:"pool"`
				Selected []struct {
					Code string `json:"code"`
				} `json:"selected"`
				Cost    string `json:"cost"`
				Ballots int    `json:"ballots"`
			} `json:"results"`
		} `json:"budgetEdition"`
	}
	if err := c.do(ctx, `query Results($id: ID!) { budgetEdition(id: $id) { results { pool { id name district budget } selected { code } cost ballots } } }`,
		map[string]any{"id": editionID}, &out, true); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	if out.BudgetEdition == nil {
		return nil, errors.New("the edition disappeared")
	}
	byName := map[string]int{}
	for i, rp := range plan.pools {
		byName[rp.name] = i
	}
	var pools []poolOutcome
	for _, r := range out.BudgetEdition.Results {
		po := poolOutcome{name: r.Pool.Name, ballots: r.Ballots}
		if r.Pool.District != nil {
			po.district = *r.Pool.District
		}
		var err error
		if po.cost, err = pb.ParseAmount(r.Cost); err != nil {
			return nil, fmt.Errorf("pool %s: cost %w", r.Pool.Name, err)
		}
		if po.budget, err = pb.ParseAmount(r.Pool.Budget); err != nil {
			return nil, fmt.Errorf("pool %s: budget %w", r.Pool.Name, err)
		}
		for _, s := range r.Selected {
			po.winners = append(po.winners, s.Code)
		}
		if i, ok := byName[r.Pool.Name]; ok {
			po.recount, po.official = expected(plan, i)
		}
		pools = append(pools, po)
	}
	return pools, nil
}

// expected counts pool i locally from the replayed ballots with
// internal/pb, and returns the file's selected column (ordered as the
// recount) if every voter of the file was replayed.
func expected(plan *replayPlan, i int) (recount, official []string) {
	rp := plan.pools[i]
	sub := &pb.Instance{Meta: rp.in.Meta, ProjectColumns: rp.in.ProjectColumns, VoteColumns: rp.in.VoteColumns, Projects: rp.in.Projects}
	for _, b := range plan.ballots {
		if b.picks[i] != nil {
			sub.Votes = append(sub.Votes, pb.Vote{VoterID: b.voterID, Projects: b.picks[i]})
		}
	}
	var res pb.Result
	if rp.rule == "greedy" || rp.rule == "greedy-noskip" {
		res = pb.Greedy(sub, rp.points, rp.rule == "greedy", pb.TieCostThenID)
	} else if opts, err := pb.MESRule(rp.rule); err == nil {
		res, _ = pb.EqualShares(sub, opts)
	}
	recount = res.Selected
	if len(sub.Votes) != len(rp.in.Votes) {
		return recount, nil
	}
	sel := map[string]bool{}
	for _, p := range rp.in.Projects {
		if p.Fields["selected"] == "1" {
			sel[p.ID] = true
		}
	}
	if len(sel) == 0 {
		return recount, nil
	}
	// The column is a set: put it in the recount's order, the rest by code.
	official = []string{}
	for _, id := range recount {
		if sel[id] {
			official = append(official, id)
			delete(sel, id)
		}
	}
	var rest []string
	for id := range sel {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	return recount, append(official, rest...)
}

// printOutcome prints every pool's winners and summary, then the speed;
// it returns the number of pools whose winners differ from the expected.
func printOutcome(w io.Writer, rep *replayReport) int {
	bad := 0
	for _, p := range rep.pools {
		for _, code := range p.winners {
			fmt.Fprintln(w, code)
		}
		check := "equal to the local recount"
		ok := slices.Equal(p.winners, p.recount)
		if !ok {
			check = fmt.Sprintf("DIFFERENT from the local recount %v", p.recount)
		}
		if p.official != nil {
			if slices.Equal(p.winners, p.official) {
				check += " and to the official winners (the file's selected column)"
			} else {
				check += fmt.Sprintf(", DIFFERENT from the official winners %v", p.official)
				ok = false
			}
		}
		if !ok {
			bad++
		}
		fmt.Fprintf(w, "pool %s: %d ballots, %d selected, cost %s of budget %s; %s\n",
			p.name, p.ballots, len(p.winners), pb.FormatAmount(p.cost), pb.FormatAmount(p.budget), check)
	}
	hit, total, equal, pools := 0, 0, 0, 0
	for _, p := range rep.pools {
		if p.official == nil {
			continue
		}
		pools++
		total += len(p.official)
		if slices.Equal(p.winners, p.official) {
			equal++
		}
		for _, code := range p.official {
			if slices.Contains(p.winners, code) {
				hit++
			}
		}
	}
	if pools > 0 {
		fmt.Fprintf(w, "official winners reproduced: %d of %d; %d of %d fully replayed pools equal\n", hit, total, equal, pools)
	}
	secs := rep.castTime.Seconds()
	fmt.Fprintf(w, "replayed %d ballots in %.1f s: %.0f ballots/s, p50 %.1f ms, p99 %.1f ms, turnout events seen %d\n",
		rep.ballots, secs, float64(rep.ballots)/secs, ms(rep.p50), ms(rep.p99), rep.turnoutEvents)
	return bad
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runPBReplay is "otwarty pb replay".
func runPBReplay(ctx context.Context, args []string) error {
	_, err := pbReplay(ctx, args, os.Stdout, os.Stderr)
	return err
}
