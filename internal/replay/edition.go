package replay

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otwarty/otwarty/internal/pb"
)

// ---------------------------------------------------------------------------
// Signing in.

// SignIn signs in with an e-mail and a password and returns the session
// token (for Client.Token).
func SignIn(ctx context.Context, c *Client, email, password string) (string, error) {
	var out struct {
		SignIn struct {
			Token string `json:"token"`
		} `json:"signIn"`
	}
	err := c.Do(ctx, `mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }`,
		map[string]any{"input": map[string]any{"email": email, "password": password}}, &out, false)
	if err != nil {
		return "", fmt.Errorf("sign in as %s: %w", email, err)
	}
	return out.SignIn.Token, nil
}

// OfficialUnit returns the unit of the signed-in caller's only OFFICIAL
// grant.
func OfficialUnit(ctx context.Context, c *Client) (string, error) {
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
	if err := c.Do(ctx, `query { me { roles { role organisation { id name } } } }`, nil, &out, true); err != nil {
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

// Edition is an edition set up from a plan: the global IDs of it, its pools
// and their projects.
type Edition struct {
	ID       string
	PoolIDs  []string            // by the plan's pool index
	Projects []map[string]string // by the plan's pool index: code → project ID
}

func (e *Edition) projectCount() int {
	n := 0
	for _, m := range e.Projects {
		n += len(m)
	}
	return n
}

// SetUpEdition creates an edition of the plan in the unit, in the voting
// phase from a minute ago for 12 hours, certified by one signature: its
// pools, and their projects entered by conc concurrent requests.
func SetUpEdition(ctx context.Context, c *Client, unit string, year int, plan *Plan, conc int) (*Edition, error) {
	now := time.Now().UTC()
	var ce struct {
		CreateBudgetEdition struct {
			Edition struct {
				ID string `json:"id"`
			} `json:"edition"`
		} `json:"createBudgetEdition"`
	}
	err := c.Do(ctx, `mutation Create($input: CreateBudgetEditionInput!) { createBudgetEdition(input: $input) { edition { id } } }`,
		map[string]any{"input": map[string]any{"unitId": unit, "year": year,
			"votingOpensAt":  now.Add(-time.Minute).Format(time.RFC3339),
			"votingClosesAt": now.Add(12 * time.Hour).Format(time.RFC3339)}}, &ce, false)
	if err != nil {
		return nil, fmt.Errorf("createBudgetEdition: %w", err)
	}
	ed := &Edition{ID: ce.CreateBudgetEdition.Edition.ID}

	// One signature certifies the replay (the default commission needs more).
	err = c.Do(ctx, `mutation Settings($input: UpdateBudgetResultSettingsInput!) { updateBudgetResultSettings(input: $input) { __typename } }`,
		map[string]any{"input": map[string]any{"editionId": ed.ID, "signaturesRequired": 1}}, nil, false)
	if err != nil {
		return nil, fmt.Errorf("updateBudgetResultSettings: %w", err)
	}

	for _, rp := range plan.pools {
		in := map[string]any{"editionId": ed.ID, "name": rp.name, "kind": "CITY", "budget": pb.FormatAmount(rp.budget),
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
		if err := c.Do(ctx, `mutation Pool($input: CreateBudgetPoolInput!) { createBudgetPool(input: $input) { pool { id } } }`,
			map[string]any{"input": in}, &cp, false); err != nil {
			return nil, fmt.Errorf("createBudgetPool %s: %w", rp.name, err)
		}
		ed.PoolIDs = append(ed.PoolIDs, cp.CreateBudgetPool.Pool.ID)
	}

	type job struct{ pool, project int }
	var jobs []job
	for i, rp := range plan.pools {
		ed.Projects = append(ed.Projects, make(map[string]string, len(rp.in.Projects)))
		for j := range rp.in.Projects {
			jobs = append(jobs, job{i, j})
		}
	}
	var mu sync.Mutex
	err = Parallel(ctx, conc, len(jobs), func(k int) error {
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
		if err := c.Do(ctx, `mutation Project($input: CreateBudgetProjectInput!) { createBudgetProject(input: $input) { project { id } } }`,
			map[string]any{"input": map[string]any{"poolId": ed.PoolIDs[jb.pool], "code": p.ID, "title": truncate(title, 500),
				"cost": pb.FormatAmount(p.Cost)}}, &out, false); err != nil {
			return fmt.Errorf("createBudgetProject %s: %w", p.ID, err)
		}
		mu.Lock()
		ed.Projects[jb.pool][p.ID] = out.CreateBudgetProject.Project.ID
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := c.Do(ctx, `mutation Open($input: OpenBudgetVotingInput!) { openBudgetVoting(input: $input) { edition { status } } }`,
		map[string]any{"input": map[string]any{"editionId": ed.ID}}, nil, false); err != nil {
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

// IssueCodes issues a voting code to every voter of the plan, batch voters
// per request, and returns the codes in the plan's order of voters.
func IssueCodes(ctx context.Context, c *Client, editionID string, plan *Plan, batch int) ([]string, error) {
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
		if err := c.Do(ctx, `mutation Issue($input: IssueVotingCodesInput!) { issueVotingCodes(input: $input) { codes { voterId code } } }`,
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
func castAll(ctx context.Context, c *Client, ed *Edition, plan *Plan, codes []string, conc int) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, len(plan.ballots))
	start := time.Now()
	err := Parallel(ctx, conc, len(plan.ballots), func(i int) error {
		b := plan.ballots[i]
		var picks []map[string]any
		for pi, codesInPool := range b.picks {
			if codesInPool == nil {
				continue
			}
			ids := make([]string, len(codesInPool))
			for k, code := range codesInPool {
				ids[k] = ed.Projects[pi][code]
			}
			picks = append(picks, map[string]any{"poolId": ed.PoolIDs[pi], "projectIds": ids})
		}
		t := time.Now()
		err := c.Do(ctx, `mutation Cast($input: CastBallotWithCodeInput!) { castBallotWithCode(input: $input) { ballotId } }`,
			map[string]any{"input": map[string]any{"code": codes[i], "ballotKey": BallotKey(), "picks": picks}}, nil, true)
		lat[i] = time.Since(t)
		if err != nil {
			return fmt.Errorf("castBallotWithCode for voter %s: %w", b.voterID, err)
		}
		return nil
	})
	return lat, time.Since(start), err
}

// BallotKey is a fresh random secret of 26 characters (130 bits): the key
// castBallotWithCode takes to make a retried cast idempotent.
func BallotKey() string { return rand.Text() }

// Parallel runs f(0..n-1) on conc goroutines and returns the first error;
// after an error, or when ctx ends, no new calls start.
func Parallel(ctx context.Context, conc, n int, f func(i int) error) error {
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

// Percentile is the p-th percentile (nearest rank) of d; 0 if d is empty.
func Percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100 // nearest rank
	return s[max(i-1, 0)]
}
