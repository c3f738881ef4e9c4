package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ballotbox"
)

// castBench is an open edition shaped like Kraków's: a city-wide pool and a
// district pool, each taking exactly 3 ranked picks, and its official.
type castBench struct {
	b        *bundle
	official string
	edition  string
	picks    []any
	issued   int
}

func newCastBench(tb testing.TB) *castBench {
	f := newConsultationFixture(tb, func(o *setupOpts) { o.boxBatch = ballotbox.DefaultBatch })
	b := f.b
	id := func(res gqlResponse, path ...string) string {
		tb.Helper()
		require.Empty(tb, res.Errors)
		var v any = res.Data
		for _, p := range path {
			v = v.(map[string]any)[p]
		}
		return v.(string)
	}
	now := time.Now()
	cb := &castBench{b: b, official: f.official}
	cb.edition = id(b.gql(tb, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2029,
		votingOpensAt: $o, votingClosesAt: $c}) { edition { id } } }`,
		map[string]any{"u": f.unitID, "o": now.Add(-time.Hour).Format(time.RFC3339), "c": now.Add(24 * time.Hour).Format(time.RFC3339)},
		withToken(f.official)), "createBudgetEdition", "edition", "id")
	for _, kind := range []string{"CITY", "DISTRICT"} {
		district := ""
		if kind == "DISTRICT" {
			district = `, district: "podgorze"`
		}
		pool := id(b.gql(tb, fmt.Sprintf(`mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "%s", kind: %s%s, budget: "1000.00",
			rule: "greedy", pickMode: EXACTLY, pickCount: 3, ballotKind: RANKED, required: false}) { pool { id } } }`, kind, kind, district),
			map[string]any{"e": cb.edition}, withToken(f.official)), "createBudgetPool", "pool", "id")
		var projects []any
		for i := range 4 {
			projects = append(projects, id(b.gql(tb, `mutation($p: ID!, $c: String!) { createBudgetProject(input: {poolId: $p, code: $c, title: "Projekt", cost: "100.00"}) { project { id } } }`,
				map[string]any{"p": pool, "c": fmt.Sprintf("%s%d", kind, i)}, withToken(f.official)), "createBudgetProject", "project", "id"))
		}
		cb.picks = append(cb.picks, map[string]any{"poolId": pool, "projectIds": projects[:3]})
	}
	id(b.gql(tb, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { id } } }`, map[string]any{"e": cb.edition},
		withToken(f.official)), "openBudgetVoting", "edition", "id")
	return cb
}

// bodies issues n fresh voting codes and returns one castBallotWithCode
// request body for each, as the replay client sends it.
func (cb *castBench) bodies(tb testing.TB, n int) [][]byte {
	out := make([][]byte, 0, n)
	for len(out) < n {
		var voters []any
		for range min(1000, n-len(out)) {
			cb.issued++
			voters = append(voters, map[string]any{"identifierType": "OTHER", "identifier": fmt.Sprintf("BENCH/%d", cb.issued), "district": "podgorze"})
		}
		res := cb.b.gql(tb, `mutation($in: IssueVotingCodesInput!) { issueVotingCodes(input: $in) { codes { code } } }`,
			map[string]any{"in": map[string]any{"editionId": cb.edition, "voters": voters}}, withToken(cb.official))
		require.Empty(tb, res.Errors)
		for i, c := range res.Data["issueVotingCodes"].(map[string]any)["codes"].([]any) {
			body, err := json.Marshal(map[string]any{
				"query": `mutation Cast($input: CastBallotWithCodeInput!) { castBallotWithCode(input: $input) { ballotId } }`,
				"variables": map[string]any{"input": map[string]any{"code": c.(map[string]any)["code"],
					"ballotKey": fmt.Sprintf("bench-key-%026d", cb.issued-len(voters)+i), "picks": cb.picks}}})
			require.NoError(tb, err)
			out = append(out, body)
		}
	}
	return out
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCastBallotWithCode posts castBallotWithCode over real HTTP to the
// real handler (real PostgreSQL, Casbin, River) with 3 + 3 ranked picks, at
// 1 and 8 concurrent clients. Profile the server's share with
//
//	go test -run XXX -bench CastBallotWithCode -benchmem -cpuprofile cpu.out ./graph
//
// (the client runs in the same process: its share shows as net/http's client
// side and this file).
func BenchmarkCastBallotWithCode(b *testing.B) {
	cb := newCastBench(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", conc), func(b *testing.B) {
			bodies := cb.bodies(b, b.N)
			var next atomic.Int64
			var failed atomic.Pointer[string]
			b.ReportAllocs()
			cpu0 := processCPU()
			b.ResetTimer()
			var wg sync.WaitGroup
			for range conc {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= len(bodies) {
							return
						}
						req, _ := http.NewRequest(http.MethodPost, cb.b.url, bytes.NewReader(bodies[i]))
						req.Header.Set("Content-Type", "application/json")
						resp, err := client.Do(req)
						if err != nil {
							msg := err.Error()
							failed.Store(&msg)
							return
						}
						data, _ := io.ReadAll(resp.Body)
						_ = resp.Body.Close()
						if !bytes.Contains(data, []byte(`"ballotId"`)) || bytes.Contains(data, []byte(`"errors"`)) {
							msg := string(data)
							failed.Store(&msg)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			cpu := processCPU() - cpu0
			if msg := failed.Load(); msg != nil {
				b.Fatal(*msg)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
			// CPU of this process (server, client, River; not PostgreSQL)
			// per ballot: steadier than ns/op on a shared machine.
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
