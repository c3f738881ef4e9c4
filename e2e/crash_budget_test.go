package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// crashBudget is a civic budget edition in voting, made through the API:
// a required city-wide pool (four projects, at most two picked) and a
// district pool of Stare Miasto (two projects, at most one), a voting point
// with one ballot officer, and an official of the unit (who is told when
// results are ready).
type crashBudget struct {
	admin, officer, official string // tokens
	officialID               string
	unit                     string
	edition, editionUUID     string
	city, district           string   // pool ids
	cityProjects             []string // project ids
	districtProjects         []string
	point                    string
}

const crashDistrict = "stare-miasto"

func newCrashBudget(t *testing.T, s *server, dbURL string) *crashBudget {
	t.Helper()
	b := &crashBudget{admin: createAdmin(t, s, dbURL)}
	var org struct {
		CreateOrganisation struct {
			Organisation struct{ ID string } `json:"organisation"`
		} `json:"createOrganisation"`
	}
	mustCall(t, s.httpURL(), b.admin, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Wydział Budżetu", slug: "wb"}) {
		organisation { id } } }`, nil, &org)
	b.unit = org.CreateOrganisation.Organisation.ID

	var official account
	b.official, official = signUp(t, s, randomEmail("crash-official"), testPassword)
	b.officialID = official.ID
	mustCall(t, s.httpURL(), b.admin, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) {
		accountId } }`, map[string]any{"a": official.ID, "o": b.unit}, nil)

	b.edition, b.city, b.district, b.cityProjects, b.districtProjects = b.createEdition(t, s, 2027, time.Now().Add(2*time.Hour))
	b.editionUUID = apiUUID(t, b.edition)

	var point struct {
		CreateVotingPoint struct {
			VotingPoint struct{ ID string } `json:"votingPoint"`
		} `json:"createVotingPoint"`
	}
	mustCall(t, s.httpURL(), b.admin, `mutation($e: ID!) { createVotingPoint(input: {editionId: $e, name: "Urząd Stare Miasto",
		address: "ul. Długa 1"}) { votingPoint { id } } }`, map[string]any{"e": b.edition}, &point)
	b.point = point.CreateVotingPoint.VotingPoint.ID
	var officer account
	b.officer, officer = signUp(t, s, randomEmail("crash-officer"), testPassword)
	mustCall(t, s.httpURL(), b.admin, `mutation($p: ID!, $a: ID!) { assignBallotOfficer(input: {votingPointId: $p, accountId: $a}) {
		votingPoint { id } } }`, map[string]any{"p": b.point, "a": officer.ID}, nil)
	// The server learns of the grant through LISTEN/NOTIFY.
	require.Eventually(t, func() bool {
		o := call(s.httpURL(), b.officer, `query($e: ID!) { budgetEdition(id: $e) { paperBallots { totalCount } } }`,
			map[string]any{"e": b.edition})
		return o.acked && !strings.Contains(string(o.data), `"paperBallots":null`)
	}, 10*time.Second, 50*time.Millisecond)
	return b
}

// createEdition creates an edition of the unit with its two pools and
// their projects, voting from an hour ago until closes, and opens it.
func (b *crashBudget) createEdition(t *testing.T, s *server, year int, closes time.Time) (edition, city, district string,
	cityProjects, districtProjects []string) {
	t.Helper()
	var ce struct {
		CreateBudgetEdition struct {
			Edition struct{ ID string } `json:"edition"`
		} `json:"createBudgetEdition"`
	}
	mustCall(t, s.httpURL(), b.admin, `mutation($u: ID!, $y: Int!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u,
		year: $y, votingOpensAt: $o, votingClosesAt: $c}) { edition { id } } }`,
		map[string]any{"u": b.unit, "y": year, "o": time.Now().Add(-time.Hour).Format(time.RFC3339Nano),
			"c": closes.Format(time.RFC3339Nano)}, &ce)
	edition = ce.CreateBudgetEdition.Edition.ID
	mustCall(t, s.httpURL(), b.admin, `mutation($e: ID!) { updateBudgetResultSettings(input: {editionId: $e, signaturesRequired: 1}) {
		edition { id } } }`, map[string]any{"e": edition}, nil)
	pool := func(name, kind, district string, pick, projects int) (string, []string) {
		in := map[string]any{"editionId": edition, "name": name, "kind": kind, "budget": "1000000.00", "rule": "greedy",
			"pickMode": "AT_MOST", "pickCount": pick, "ballotKind": "APPROVAL", "required": kind == "CITY"}
		if district != "" {
			in["district"] = district
		}
		var cp struct {
			CreateBudgetPool struct {
				Pool struct{ ID string } `json:"pool"`
			} `json:"createBudgetPool"`
		}
		mustCall(t, s.httpURL(), b.admin, `mutation($in: CreateBudgetPoolInput!) { createBudgetPool(input: $in) { pool { id } } }`,
			map[string]any{"in": in}, &cp)
		id := cp.CreateBudgetPool.Pool.ID
		var ids []string
		for i := 1; i <= projects; i++ {
			var pr struct {
				CreateBudgetProject struct {
					Project struct{ ID string } `json:"project"`
				} `json:"createBudgetProject"`
			}
			mustCall(t, s.httpURL(), b.admin, `mutation($in: CreateBudgetProjectInput!) { createBudgetProject(input: $in) { project { id } } }`,
				map[string]any{"in": map[string]any{"poolId": id, "code": fmt.Sprintf("BO.%s.%d/%d", kind[:1], i, year%100),
					"title": fmt.Sprintf("%s %d", name, i), "cost": "100000.00"}}, &pr)
			ids = append(ids, pr.CreateBudgetProject.Project.ID)
		}
		return id, ids
	}
	city, cityProjects = pool("Ogólnomiejska", "CITY", "", 2, 4)
	district, districtProjects = pool("Stare Miasto", "DISTRICT", crashDistrict, 1, 2)
	mustCall(t, s.httpURL(), b.admin, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": edition}, nil)
	return edition, city, district, cityProjects, districtProjects
}

// picks is voter v's ballot: two city projects and one of the district,
// varied by v so that the tallies tell ballots apart.
func (b *crashBudget) picks(v int) (city, district []string) {
	return []string{b.cityProjects[v%4], b.cityProjects[(v+1)%4]}, []string{b.districtProjects[v%2]}
}

func (b *crashBudget) picksVar(v int) []map[string]any {
	city, district := b.picks(v)
	return []map[string]any{{"poolId": b.city, "projectIds": city}, {"poolId": b.district, "projectIds": district}}
}

// accountVoters signs up n residents, verifies them and enrols them in
// Stare Miasto; it returns their tokens.
func (b *crashBudget) accountVoters(t *testing.T, s *server, n, conc int) []string {
	t.Helper()
	tokens := make([]string, n)
	var mu sync.Mutex
	err := parallel(conc, n, func(i int) error {
		o := call(s.httpURL(), "", `mutation($in: SignUpInput!) { signUp(input: $in) { token account { id } } }`,
			map[string]any{"in": map[string]any{"email": randomEmail(fmt.Sprintf("crash-voter-%d", i)), "password": testPassword,
				"displayName": "Voter", "locale": "EN"}})
		if !o.acked {
			return fmt.Errorf("signUp %d: %s", i, o)
		}
		var su struct {
			SignUp struct {
				Token   string  `json:"token"`
				Account account `json:"account"`
			} `json:"signUp"`
		}
		if err := json.Unmarshal(o.data, &su); err != nil {
			return err
		}
		if o := call(s.httpURL(), b.admin, `mutation($a: ID!, $id: String!) { verifyResident(input: {accountId: $a, identifierType: OTHER,
			identifier: $id}) { verified } }`, map[string]any{"a": su.SignUp.Account.ID, "id": fmt.Sprintf("CRASH/ACC/%d", i)}); !o.acked {
			return fmt.Errorf("verifyResident %d: %s", i, o)
		}
		if o := call(s.httpURL(), su.SignUp.Token, `mutation($e: ID!, $d: String!) { enrolAsBudgetVoter(input: {editionId: $e,
			district: $d}) { voterId } }`, map[string]any{"e": b.edition, "d": crashDistrict}); !o.acked {
			return fmt.Errorf("enrolAsBudgetVoter %d: %s", i, o)
		}
		mu.Lock()
		tokens[i] = su.SignUp.Token
		mu.Unlock()
		return nil
	})
	require.NoError(t, err)
	return tokens
}

// codes puts n people on the roll and issues each a voting code.
func (b *crashBudget) codes(t *testing.T, s *server, n int) []string {
	t.Helper()
	var codes []string
	for from := 0; from < n; from += 1000 {
		var voters []map[string]any
		for j := from; j < min(from+1000, n); j++ {
			voters = append(voters, map[string]any{"identifierType": "OTHER", "identifier": fmt.Sprintf("CRASH/CODE/%d", j),
				"district": crashDistrict})
		}
		var out struct {
			IssueVotingCodes struct {
				Codes []struct{ Code string } `json:"codes"`
			} `json:"issueVotingCodes"`
		}
		mustCall(t, s.httpURL(), b.admin, `mutation($e: ID!, $v: [VoterInput!]!) { issueVotingCodes(input: {editionId: $e, voters: $v}) {
			codes { code } } }`, map[string]any{"e": b.edition, "v": voters}, &out)
		for _, c := range out.IssueVotingCodes.Codes {
			codes = append(codes, c.Code)
		}
	}
	require.Len(t, codes, n)
	return codes
}
