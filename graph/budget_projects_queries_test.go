package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// A page of an edition's projects costs the same number of SQL statements
// for 5 projects as for 50 (DESIGN: dataloaders), with every per-project
// field a project list shows, for every kind of viewer, in an edition whose
// projects are supported, assisted, verified both ways and appealed.
func TestBudgetProjects_PageStatementCountIsFixed(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t, 0)
	b := f.b
	ctx := context.Background()

	// 52 projects in both pools: every third entered by the NGO for Carol,
	// who consents; the others Alice's and Dan's.
	proposers := map[string]string{}
	for k := range 52 {
		pool := f.city
		if k%2 == 1 {
			pool = f.district
		}
		in := f.submitInput(pool)
		in["title"] = fmt.Sprintf("Projekt %d", k)
		switch k % 3 {
		case 0:
			in["assist"] = map[string]any{"organisationId": f.ngoID, "proposerEmail": "mieszkaniec2@example.org"}
			id := f.submit(t, f.moderator, in)
			require.Empty(t, b.gql(t, `mutation($p: ID!) { consentToBudgetProject(input: {projectId: $p, consent: true}) { project { id } } }`,
				map[string]any{"p": id}, withToken(f.carol)).Errors)
			proposers[id] = f.carol
		case 1:
			proposers[f.submit(t, f.alice, in)] = f.alice
		default:
			proposers[f.submit(t, f.dan, in)] = f.dan
		}
	}
	rows, err := b.pool.Query(ctx, `select p.id, p.assisted_by_org is not null from budget_projects p order by p.code, p.id`)
	require.NoError(t, err)
	var (
		order    []string
		assisted []bool
	)
	for rows.Next() {
		var (
			id  uuid.UUID
			ngo bool
		)
		require.NoError(t, rows.Scan(&id, &ngo))
		order, assisted = append(order, gid.Encode("BudgetProject", id)), append(assisted, ngo)
	}
	require.NoError(t, rows.Err())
	require.Len(t, order, 52)

	// Bob supports every other project; officials find every fourth
	// ineligible and leave every fourth undecided; half the ineligible are
	// appealed (and stay pending).
	for i, id := range order {
		if i%2 == 0 {
			require.Empty(t, b.gql(t, `mutation($p: ID!) { supportBudgetProject(input: {projectId: $p}) { project { id } } }`,
				map[string]any{"p": id}, withToken(f.bob)).Errors)
		}
	}
	f.advance(t, "VERIFICATION")
	for i, id := range order {
		if i%4 == 3 {
			continue
		}
		vars := map[string]any{"p": id, "ok": i%4 != 1}
		if i%4 == 1 {
			vars["r"] = "Poza terenem miasta"
		}
		require.Empty(t, b.gql(t, `mutation($p: ID!, $ok: Boolean!, $r: String) { verifyBudgetProject(input: {projectId: $p, eligible: $ok, reason: $r}) {
			project { id } } }`, vars, withToken(f.official)).Errors)
	}
	f.advance(t, "APPEALS")
	for i, id := range order {
		if i%8 == 1 {
			require.Empty(t, b.gql(t, `mutation($p: ID!) { appealBudgetProjectDecision(input: {projectId: $p, reason: "Teren należy do miasta"}) {
				project { id } } }`, map[string]any{"p": id}, withToken(proposers[id])).Errors)
		}
	}

	q := `query($e: ID!, $n: Int) { budgetEdition(id: $e) { id status projects(first: $n) { totalCount edges { node {
		id code status pool { name } localizedTitle { text } description { text } supportCount viewerHasSupported
		viewerCan { edit withdraw support appeal verify decideAppeal } assistedBy { name } verification { eligible reason }
		appeal { status } } } } } }`
	viewers := map[string]string{"anonymous": "", "supporter": f.bob, "proposer": f.carol, "official": f.official, "coordinator": f.coord}
	for name, tok := range viewers {
		var opts []reqOpt
		if tok != "" {
			opts = append(opts, withToken(tok))
		}
		count := func(n int) ([]string, []any) {
			before := int(b.queries.n.Load())
			res := b.gql(t, q, map[string]any{"e": f.edition, "n": n}, opts...)
			require.Empty(t, res.Errors, name)
			edges := dig(res.Data, "budgetEdition", "projects", "edges").([]any)
			require.Len(t, edges, n, name)
			return b.queries.since(before), edges
		}
		five, edges5 := count(5)
		fifty, edges50 := count(50)
		require.Equal(t, len(five), len(fifty), "%s: statements for 5:\n%s\nfor 50:\n%s", name,
			strings.Join(five, "\n---\n"), strings.Join(fifty, "\n---\n"))
		require.Equal(t, edges5, edges50[:5], name)

		// The page shows what was done, to this viewer.
		var supported, ineligible, appealed, canDecide, canAppeal, wantAppeal int
		for i, e := range edges50 {
			node := dig(e, "node").(map[string]any)
			require.Equal(t, order[i], node["id"], name)
			require.Equal(t, map[string]any{"name": "Pula"}, node["pool"])
			require.True(t, strings.HasPrefix(dig(node, "localizedTitle", "text").(string), "Projekt "), name)
			require.Equal(t, "Drzewa i ławki na skwerze.", dig(node, "description", "text"))
			if node["viewerHasSupported"] == true {
				supported++
			}
			wantSupports := float64(0)
			if i%2 == 0 {
				wantSupports = 1
			}
			require.Equal(t, wantSupports, node["supportCount"], "%s: %d", name, i)
			if assisted[i] {
				require.Equal(t, map[string]any{"name": "Org fundacja"}, node["assistedBy"])
			} else {
				require.Nil(t, node["assistedBy"])
			}
			if i%8 == 5 && tok != "" && proposers[order[i]] == tok {
				wantAppeal++ // their own ineligible project, not yet appealed
			}
			switch i % 4 {
			case 1:
				require.Equal(t, map[string]any{"eligible": false, "reason": "Poza terenem miasta"}, node["verification"])
				ineligible++
			case 3:
				require.Nil(t, node["verification"])
			default:
				require.Equal(t, map[string]any{"eligible": true, "reason": nil}, node["verification"])
			}
			if i%8 == 1 {
				require.Equal(t, map[string]any{"status": "PENDING"}, node["appeal"])
				appealed++
			} else {
				require.Nil(t, node["appeal"])
			}
			can := node["viewerCan"].(map[string]any)
			require.Equal(t, false, can["edit"])
			require.Equal(t, false, can["support"])
			require.Equal(t, false, can["verify"])
			if can["decideAppeal"] == true {
				canDecide++
			}
			if can["appeal"] == true {
				canAppeal++
			}
		}
		require.Equal(t, 13, ineligible)
		require.Equal(t, 7, appealed)
		require.Equal(t, wantAppeal, canAppeal, name)
		switch name {
		case "supporter":
			require.Equal(t, 25, supported)
		default:
			require.Equal(t, 0, supported, name)
		}
		switch name {
		case "official", "coordinator":
			require.Equal(t, 7, canDecide, name)
		default:
			require.Equal(t, 0, canDecide, name)
		}
	}
}
