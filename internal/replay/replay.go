// Package replay replays the real ballots of Pabulib files through an
// otwarty server's GraphQL API, as an official and the voters would: it is
// "otwarty pb replay" without its flags. It is only a client: it reaches the
// server over HTTP and WebSocket, never the database or the services.
//
// "otwarty bench live" sets up its edition with the same client (Client,
// SignIn, OfficialUnit, SyntheticPlan, SetUpEdition, IssueCodes).
package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Usage is the help text of "otwarty pb replay".
const Usage = `usage: otwarty pb replay --url URL [--concurrency N] [--token TOKEN | --email E --password P] [--unit ID] [--year Y] [--check] FILE.pb...

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

// Options are what a replay is asked to do: the flags of "pb replay".
type Options struct {
	URL         string // the server's GraphQL endpoint (http:// or https://)
	Concurrency int    // voting clients at once, at least 1
	Token       string // an official's session token; or Email and Password
	Email       string
	Password    string
	Unit        string // the city unit's organisation ID; "" is the official's only unit
	Year        int    // the edition's year; 0 is META instance
	// Check fails the replay unless every pool's winners equal the local
	// recount and, for fully replayed files, the file's selected column.
	Check bool
	Batch int      // voters per issueVotingCodes call, 1 to 1000
	Files []string // the .pb files of one edition
	// Casting, if set, is called just before the first ballot is cast
	// (true) and just after the last is answered (false): the window a
	// benchmark measures CPU over.
	Casting func(start bool)
}

func (o Options) validate() error {
	switch {
	case len(o.Files) == 0:
		return errors.New("no FILE.pb given\n" + strings.SplitN(Usage, "\n", 2)[0])
	case o.Concurrency < 1:
		return errors.New("--concurrency must be at least 1")
	case o.Batch < 1 || o.Batch > 1000:
		return errors.New("--batch must be 1 to 1000")
	case o.Token == "" && (o.Email == "" || o.Password == ""):
		return errors.New("sign in as an official: --token, or --email and --password")
	}
	return nil
}

// PoolOutcome is one pool's published result.
type PoolOutcome struct {
	Name     string
	District string // "" for the city-wide pool
	Winners  []string
	Cost     int64 // in grosze, as internal/pb counts amounts
	Budget   int64
	Ballots  int
	// Recount is the winners counted locally from the replayed ballots by
	// internal/pb, and Official the file's selected column in the order of
	// that recount when the whole file was replayed (nil otherwise).
	Recount  []string
	Official []string
}

// Report is what a replay measured.
type Report struct {
	EditionID     string
	Ballots       int
	CastTime      time.Duration
	P50, P99      time.Duration // one ballot's castBallotWithCode
	Turnout       int           // the last count the subscription reported
	TurnoutEvents int
	RateLimited   int64 // RATE_LIMITED answers retried
	Pools         []PoolOutcome
}

// Run replays the files of o, printing every pool's winners and the summary
// to stdout and progress to stderr. With o.Check, pools whose winners
// differ from the expected are an error, returned with the report.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) (*Report, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "replay: "+format+"\n", args...) }
	plan, err := ReadPlan(o.Files)
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
	logf("%d files, %d pools, %d ballots to replay", len(o.Files), len(plan.pools), len(plan.ballots))

	c := NewClient(o.URL, o.Concurrency, stderr)
	c.Token = o.Token
	if c.Token == "" {
		if c.Token, err = SignIn(ctx, c, o.Email, o.Password); err != nil {
			return nil, err
		}
	}
	unit := o.Unit
	if unit == "" {
		if unit, err = OfficialUnit(ctx, c); err != nil {
			return nil, err
		}
	}
	year := o.Year
	if year == 0 {
		inst, _ := plan.pools[0].in.Get("instance")
		if _, err := fmt.Sscan(inst, &year); err != nil {
			return nil, fmt.Errorf("META instance %q is not a year: pass --year", inst)
		}
	}

	start := time.Now()
	ed, err := SetUpEdition(ctx, c, unit, year, plan, o.Concurrency)
	if err != nil {
		return nil, err
	}
	logf("edition %s: %d pools, %d projects, voting open (%.1f s)", ed.ID, len(plan.pools), ed.projectCount(), time.Since(start).Seconds())

	start = time.Now()
	codes, err := IssueCodes(ctx, c, ed.ID, plan, o.Batch)
	if err != nil {
		return nil, err
	}
	logf("%d voting codes issued in batches of %d (%.1f s)", len(codes), o.Batch, time.Since(start).Seconds())

	w, err := watchTurnout(ctx, o.URL, c.Token, ed.ID)
	if err != nil {
		return nil, err
	}
	defer w.close()

	rep := &Report{EditionID: ed.ID, Ballots: len(plan.ballots)}
	if o.Casting != nil {
		o.Casting(true)
	}
	lat, castTime, err := castAll(ctx, c, ed, plan, codes, o.Concurrency)
	if o.Casting != nil {
		o.Casting(false)
	}
	if err != nil {
		return nil, err
	}
	rep.CastTime = castTime
	rep.P50, rep.P99 = Percentile(lat, 50), Percentile(lat, 99)
	logf("%d ballots cast in %.1f s by %d clients", len(lat), castTime.Seconds(), o.Concurrency)
	if err := w.waitFor(ctx, len(plan.ballots), 30*time.Second); err != nil {
		return nil, err
	}
	rep.Turnout, rep.TurnoutEvents, _ = w.state()

	start = time.Now()
	if err := closeAndPublish(ctx, c, ed.ID, logf); err != nil {
		return nil, err
	}
	logf("closed, counted, certified and published (%.1f s)", time.Since(start).Seconds())
	if rep.Pools, err = readOutcome(ctx, c, ed.ID, plan); err != nil {
		return nil, err
	}
	rep.RateLimited = c.rateLimited.Load()
	if rep.RateLimited > 0 {
		logf("%d requests were RATE_LIMITED and retried", rep.RateLimited)
	}
	mismatches := printOutcome(stdout, rep)
	if o.Check && mismatches > 0 {
		return rep, fmt.Errorf("%d pools differ from the expected winners", mismatches)
	}
	return rep, nil
}
