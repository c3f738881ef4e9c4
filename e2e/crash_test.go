package e2e

// Crash under load (issue 13, "Nothing lost, whatever fails"): many
// clients write, the server is killed with SIGKILL in the middle, it is
// started again on the same database, and every write not acknowledged is
// retried with the same key. Whatever was acknowledged is there exactly
// once, whatever was retried is there exactly once, and the derived state
// (markers and ballots, counts, River jobs) agrees.
//
// Loads are small for CI; OTWARTY_CRASH_SCALE multiplies them and
// OTWARTY_CRASH_CLIENTS sets the number of concurrent clients (default 16),
// e.g. OTWARTY_CRASH_SCALE=10 OTWARTY_CRASH_CLIENTS=64 go test -count=1 -run Crash ./e2e/.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestCrash_BallotsSurviveKill9: residents by account, by one-time code
// and by paper (two entries per sheet) vote from 16 clients; the server is
// killed after half the mutations were acknowledged. After a restart and
// the retry of the rest with the same ballot keys: every voter has one
// marker and one ballot with exactly their picks, the box holds nothing
// the ballots do not (and, after the close, nothing at all), the turnout
// and the results count every voter once. A close scheduled as a River job
// while the server is dead runs after the next start, and its results job
// runs once: one computation, one notice to the unit's official.
func TestCrash_BallotsSurviveKill9(t *testing.T) {
	t.Parallel()
	scale, clients := crashScale(t), crashClients(t)
	nAccounts, nCodes, nPaper := 32*scale, 160*scale, 48*scale
	start := time.Now()
	stage := func(what string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), what) }
	dbURL := pgtest.URL(t)
	s := startServer(t, "server", dbURL, crashEnv...)
	stage("server started")
	b := newCrashBudget(t, s, dbURL)
	stage("edition set up")
	tokens := b.accountVoters(t, s, nAccounts, clients)
	stage("account voters enrolled")
	codes := b.codes(t, s, nCodes)
	stage("codes issued")

	// The work: a ballot per voter; voters are numbered across channels
	// (accounts, then codes, then paper) for their picks.
	type ballot struct {
		op    *crashOp
		voter int
		keyed bool // cast with a ballot key (account, code); paper is keyed by its sheet
	}
	var ballots []ballot
	l := &load{clients: clients}
	castQ := `mutation($in: CastBallotInput!) { castBallot(input: $in) { ballotId } }`
	codeQ := `mutation($in: CastBallotWithCodeInput!) { castBallotWithCode(input: $in) { ballotId } }`
	paperQ := `mutation($in: EnterPaperBallotInput!) { enterPaperBallot(input: $in) { paperBallot { status } } }`
	for i, tok := range tokens {
		op := newOp(fmt.Sprintf("account voter %d", i), crashStep{token: tok, query: castQ, vars: map[string]any{"in": map[string]any{
			"editionId": b.edition, "ballotKey": rand.Text(), "picks": b.picksVar(i)}}})
		ballots = append(ballots, ballot{op: op, voter: i, keyed: true})
	}
	for j, code := range codes {
		v := nAccounts + j
		op := newOp(fmt.Sprintf("code voter %d", j), crashStep{query: codeQ, vars: map[string]any{"in": map[string]any{
			"code": code, "ballotKey": rand.Text(), "picks": b.picksVar(v)}}})
		ballots = append(ballots, ballot{op: op, voter: v, keyed: true})
	}
	for k := range nPaper {
		v := nAccounts + nCodes + k
		in := map[string]any{"votingPointId": b.point, "sheetNumber": fmt.Sprintf("K-%04d", k), "picks": b.picksVar(v),
			"voter": map[string]any{"identifierType": "OTHER", "identifier": fmt.Sprintf("CRASH/PAPER/%d", k), "district": crashDistrict}}
		// A sheet is entered by two people; the second alike entry counts
		// it. A retried entry that was committed answers the sheet as it is.
		op := newOp(fmt.Sprintf("paper sheet %d", k),
			crashStep{token: b.admin, query: paperQ, vars: map[string]any{"in": in}},
			crashStep{token: b.officer, query: paperQ, vars: map[string]any{"in": in}})
		ballots = append(ballots, ballot{op: op, voter: v})
	}
	// Interleave the channels, so that all three are in flight at the kill.
	for i := range ballots {
		j := (i * 7919) % len(ballots)
		ballots[i], ballots[j] = ballots[j], ballots[i]
	}
	for _, x := range ballots {
		l.ops = append(l.ops, x.op)
	}
	total := len(ballots)

	acked := l.runAndKill(t, s, l.steps()/2)
	stage("killed")
	require.GreaterOrEqual(t, acked, l.steps()/2)
	require.Less(t, acked, l.steps(), "the kill came too late to leave anything unacknowledged")
	s2 := startServer(t, "server after kill -9", dbURL, crashEnv...)
	stage("restarted")
	// Before any retry, every acknowledged ballot is in the database (a
	// paper ballot is acknowledged by its sheet's second entry); some not
	// acknowledged may be there too.
	ackedBallots := 0
	for _, x := range ballots {
		if x.op.acked[len(x.op.steps)-1] {
			ackedBallots++
		}
	}
	var afterKill int
	require.NoError(t, sqlConn(t, dbURL).QueryRow(context.Background(), `select count(*) from budget_ballot_markers where edition_id = $1`,
		b.editionUUID).Scan(&afterKill))
	t.Logf("after the kill: %d ballots acknowledged, %d voters marked", ackedBallots, afterKill)
	require.GreaterOrEqual(t, afterKill, ackedBallots, "acknowledged ballots missing after the kill")
	retried := l.retry(t, s2)
	stage("retried")
	t.Logf("%d ballots, %d mutations from %d clients: %d acknowledged before the kill, %d retried after the restart",
		total, l.steps(), clients, acked, retried)

	// Every keyed ballot has its receipt: the ballot id derived from its key.
	wantIDs := map[string]int{} // ballot uuid → voter
	for _, x := range ballots {
		if !x.keyed {
			continue
		}
		var r map[string]struct {
			BallotID string `json:"ballotId"`
		}
		require.NoError(t, json.Unmarshal(x.op.data[0], &r), x.op.name)
		for _, p := range r {
			wantIDs[apiUUID(t, p.BallotID)] = x.voter
		}
	}
	require.Len(t, wantIDs, nAccounts+nCodes, "distinct receipts")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := sqlConn(t, dbURL)
	markers := func() map[string]int {
		rows, err := db.Query(ctx, `select channel, count(*) from budget_ballot_markers where edition_id = $1 group by channel`, b.editionUUID)
		require.NoError(t, err)
		out := map[string]int{}
		for rows.Next() {
			var ch string
			var n int
			require.NoError(t, rows.Scan(&ch, &n))
			out[ch] = n
		}
		require.NoError(t, rows.Err())
		return out
	}
	wantMarkers := map[string]int{"account": nAccounts, "code": nCodes, "paper": nPaper}
	require.Equal(t, wantMarkers, markers(), "one marker per voter, by channel")
	// Before the close, a ballot is either written out or still sealed in
	// the box: together exactly one per marker.
	var sealed, written int
	require.NoError(t, db.QueryRow(ctx, `select (select count(*) from ballot_envelopes where kind = 'budget' and scope = $1),
		(select count(*) from budget_ballots where edition_id = $1)`, b.editionUUID).Scan(&sealed, &written))
	require.Equal(t, total, sealed+written, "sealed %d + written %d ballots for %d markers", sealed, written, total)
	var sheets, entries int
	require.NoError(t, db.QueryRow(ctx, `select count(*) filter (where s.status = 'counted'),
		(select count(*) from budget_paper_entries e join budget_paper_sheets s2 on s2.id = e.sheet_id where s2.edition_id = $1)
		from budget_paper_sheets s where s.edition_id = $1`, b.editionUUID).Scan(&sheets, &entries))
	require.Equal(t, nPaper, sheets, "paper sheets counted")
	require.Equal(t, 2*nPaper, entries, "two entries per sheet")

	// The turnout, as a subscriber sees it.
	ws := dialWS(t, s2.wsURL(), map[string]string{"Authorization": "Bearer " + b.admin})
	q, err := json.Marshal(map[string]string{"query": fmt.Sprintf(`subscription { ballotTurnout(editionId: %q) { ballots } }`, b.edition)})
	require.NoError(t, err)
	ws.send(wsMessage{ID: "turnout", Type: "subscribe", Payload: q})
	m := ws.read(time.Now().Add(eventTimeout), "the turnout")
	require.Equal(t, "next", m.Type, "%s", m.Payload)
	var turnout struct {
		Data struct {
			BallotTurnout struct{ Ballots int } `json:"ballotTurnout"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(m.Payload, &turnout))
	require.Equal(t, total, turnout.Data.BallotTurnout.Ballots, "turnout")

	// The close writes out every sealed ballot; its results job counts them.
	mustCall(t, s2.httpURL(), b.admin, `mutation($e: ID!) { closeBudgetVoting(input: {editionId: $e}) { edition { status } } }`,
		map[string]any{"e": b.edition}, nil)
	stage("closed")
	results := b.waitForResults(t, s2, b.edition)
	stage("results computed")
	require.NoError(t, db.QueryRow(ctx, `select (select count(*) from ballot_envelopes where kind = 'budget' and scope = $1),
		(select count(*) from budget_ballots where edition_id = $1)`, b.editionUUID).Scan(&sealed, &written))
	require.Equal(t, 0, sealed, "envelopes left after the close")
	require.Equal(t, total, written, "ballots written for %d markers", total)
	require.Equal(t, wantMarkers, markers())

	// Each keyed ballot is there once, with exactly its voter's picks.
	rows, err := db.Query(ctx, `select b.id::text, p.project_id::text from budget_ballots b join budget_ballot_picks p on p.ballot_id = b.id
		where b.edition_id = $1`, b.editionUUID)
	require.NoError(t, err)
	got := map[string][]string{}
	for rows.Next() {
		var id, project string
		require.NoError(t, rows.Scan(&id, &project))
		got[id] = append(got[id], project)
	}
	require.NoError(t, rows.Err())
	require.Len(t, got, total, "ballots with picks")
	for id, v := range wantIDs {
		city, district := b.picks(v)
		var want []string
		for _, p := range append(city, district...) {
			want = append(want, apiUUID(t, p))
		}
		sort.Strings(want)
		have := got[id]
		sort.Strings(have)
		require.Equal(t, want, have, "ballot %s of voter %d", id, v)
	}

	// The results count every voter once: each project's votes are the
	// voters who picked it.
	wantVotes := map[string]int{}
	for v := range total {
		city, district := b.picks(v)
		for _, p := range append(city, district...) {
			wantVotes[p]++
		}
	}
	gotVotes := map[string]int{}
	for _, r := range results {
		require.Equal(t, total, r.Ballots, "ballots in pool %s", r.Pool.ID)
		for _, p := range r.Projects {
			gotVotes[p.Project.ID] = p.Votes
		}
	}
	require.Equal(t, wantVotes, gotVotes, "votes by project")
	b.requireComputedOnce(t, dbURL, b.edition, "the closed edition")

	// A committed River job whose time comes while no server runs: the
	// scheduled close of a second edition. It runs after the restart, and
	// the results job it enqueues runs once.
	closes := time.Now().Add(3 * time.Second)
	second, _, _, _, _ := b.createEdition(t, s2, 2028, closes)
	kill9(t, s2)
	stage("second edition created, killed")
	time.Sleep(time.Until(closes) + 500*time.Millisecond)
	s3 := startServer(t, "server after the second kill -9", dbURL, crashEnv...)
	stage("restarted")
	b.waitForResults(t, s3, second)
	stage("results computed")
	b.requireComputedOnce(t, dbURL, second, "the edition closed on schedule")
}

type poolResult struct {
	Pool     struct{ ID string } `json:"pool"`
	Ballots  int                 `json:"ballots"`
	Projects []struct {
		Project struct{ ID string } `json:"project"`
		Votes   int                 `json:"votes"`
	} `json:"projects"`
}

// waitForResults waits until the results job has computed the edition's
// results and returns them.
func (b *crashBudget) waitForResults(t *testing.T, s *server, edition string) []poolResult {
	t.Helper()
	var out struct {
		BudgetEdition struct {
			Status            string       `json:"status"`
			ResultsComputedAt *time.Time   `json:"resultsComputedAt"`
			Results           []poolResult `json:"results"`
		} `json:"budgetEdition"`
	}
	require.Eventually(t, func() bool {
		o := call(s.httpURL(), b.admin, `query($e: ID!) { budgetEdition(id: $e) { status resultsComputedAt
			results { pool { id } ballots projects { project { id } votes } } } }`, map[string]any{"e": edition})
		return o.acked && json.Unmarshal(o.data, &out) == nil && out.BudgetEdition.ResultsComputedAt != nil
	}, time.Minute, 100*time.Millisecond, "results of %s never computed", edition)
	require.Equal(t, "CLOSED", out.BudgetEdition.Status)
	return out.BudgetEdition.Results
}

// requireComputedOnce: the results of the edition were computed once, by
// one results job, and the unit's official was told once.
func (b *crashBudget) requireComputedOnce(t *testing.T, dbURL, edition, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	db := sqlConn(t, dbURL)
	id := apiUUID(t, edition)
	var computation, jobs, completed, notices int
	// The job's completion is recorded just after its work, and the notice
	// is delivered by a job of its own: wait for both.
	require.Eventually(t, func() bool {
		require.NoError(t, db.QueryRow(ctx, `select computation from budget_result_state where edition_id = $1`, id).Scan(&computation))
		require.NoError(t, db.QueryRow(ctx, `select count(*), count(*) filter (where state = 'completed') from river_job
			where kind = 'budget.compute_results' and args->>'edition_id' = $1`, id).Scan(&jobs, &completed))
		require.NoError(t, db.QueryRow(ctx, `select count(*) from notifications where kind = 'budget_results_ready'
			and account_id = $1 and data->>'edition_id' = $2`, apiUUID(t, b.officialID), id).Scan(&notices))
		return completed > 0 && notices > 0
	}, eventTimeout, pollInterval, "%s: results job not completed (%d) or no notice (%d)", what, completed, notices)
	require.Equal(t, []int{1, 1, 1, 1}, []int{computation, jobs, completed, notices},
		"%s: computation, results jobs, completed, notices to the official", what)
}

// TestCrash_ConsultationSubmissionsAndSupports: residents each submit a
// postulate and support three of the demo's submissions from 16 clients;
// the server is killed after half the mutations were acknowledged. After a
// restart, supports are sent again (supporting twice changes nothing) and a
// submission not acknowledged is sent again with its submissionKey. Every
// postulate is there once, with the id its client was answered, every
// support once, and the support counts agree.
func TestCrash_ConsultationSubmissionsAndSupports(t *testing.T) {
	t.Parallel()
	scale, clients := crashScale(t), crashClients(t)
	n := 24 * scale
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, crashEnv...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db := sqlConn(t, dbURL)

	var list struct {
		Consultations struct {
			Edges []struct {
				Node struct {
					ID          string `json:"id"`
					Status      string `json:"status"`
					Submissions struct {
						Edges []struct {
							Node struct {
								ID           string `json:"id"`
								SupportCount int    `json:"supportCount"`
							} `json:"node"`
						} `json:"edges"`
					} `json:"submissions"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"consultations"`
	}
	mustCall(t, s.httpURL(), "", `{ consultations(first: 50) { edges { node { id status
		submissions(filter: {kind: POSTULATE}, first: 3) { edges { node { id supportCount } } } } } } }`, nil, &list)
	var consultation string
	var targets []string
	supportsBefore := map[string]int{}
	for _, e := range list.Consultations.Edges {
		if e.Node.Status == "OPEN" && len(e.Node.Submissions.Edges) == 3 {
			consultation = e.Node.ID
			for _, sub := range e.Node.Submissions.Edges {
				targets = append(targets, sub.Node.ID)
				supportsBefore[sub.Node.ID] = sub.Node.SupportCount
			}
			break
		}
	}
	require.NotEmpty(t, consultation, "an open consultation of the demo with three postulates")

	tokens := make([]string, n)
	accounts := make([]string, n)
	require.NoError(t, parallel(clients, n, func(i int) error {
		o := call(s.httpURL(), "", `mutation($in: SignUpInput!) { signUp(input: $in) { token account { id } } }`,
			map[string]any{"in": map[string]any{"email": randomEmail(fmt.Sprintf("crash-resident-%d", i)), "password": testPassword,
				"displayName": fmt.Sprintf("Resident %d", i), "locale": "EN"}})
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
		tokens[i], accounts[i] = su.SignUp.Token, su.SignUp.Account.ID
		return nil
	}))

	accountUUIDs := make([]string, n)
	for i, a := range accounts {
		accountUUIDs[i] = apiUUID(t, a)
	}
	// Submitting takes a confirmed e-mail address; the confirmation by the
	// e-mailed link is another test's subject.
	_, err := db.Exec(ctx, `update accounts set email_confirmed_at = now() where id = any($1::uuid[])`, accountUUIDs)
	require.NoError(t, err)

	cid := apiUUID(t, consultation)
	countText := func(text string) (int, error) {
		var c int
		err := db.QueryRow(ctx, `select count(*) from submissions s join text_versions v on v.text_id = s.text_id and v.is_original
			where s.consultation_id = $1 and v.body = $2`, cid, text).Scan(&c)
		return c, err
	}
	texts := make([]string, n)
	l := &load{clients: clients}
	for i := range n {
		texts[i] = fmt.Sprintf("Postulate %d of the crash test (%s): more benches along the Vistula boulevards.", i, rand.Text())
		steps := []crashStep{{token: tokens[i], query: `mutation($in: CreateSubmissionInput!) { createSubmission(input: $in) {
			submission { id } } }`, vars: map[string]any{"in": map[string]any{"consultationId": consultation, "kind": "POSTULATE",
			"locale": "EN", "text": texts[i], "submissionKey": rand.Text()}}}}
		for _, target := range targets {
			steps = append(steps, crashStep{token: tokens[i], query: `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) {
				submission { id } } }`, vars: map[string]any{"id": target}})
		}
		l.ops = append(l.ops, newOp(fmt.Sprintf("resident %d", i), steps...))
	}
	acked := l.runAndKill(t, s, l.steps()/2)
	require.Less(t, acked, l.steps(), "the kill came too late to leave anything unacknowledged")
	s2 := startServer(t, "server after kill -9", dbURL, crashEnv...)
	// Submissions committed but not acknowledged: their retry must not make
	// a second one.
	foundThere := 0
	for i, op := range l.ops {
		if !op.acked[0] {
			c, err := countText(texts[i])
			require.NoError(t, err)
			foundThere += c
		}
	}
	retried := l.retry(t, s2)
	t.Logf("%d mutations from %d clients: %d acknowledged before the kill, %d sent again after the restart; "+
		"%d submissions not acknowledged were there", l.steps(), clients, acked, retried, foundThere)

	// One row per key, and it is the submission its client was answered.
	for i, text := range texts {
		c, err := countText(text)
		require.NoError(t, err)
		require.Equal(t, 1, c, "postulate of resident %d", i)
		var answered struct {
			CreateSubmission struct {
				Submission struct{ ID string } `json:"submission"`
			} `json:"createSubmission"`
		}
		require.NoError(t, json.Unmarshal(l.ops[i].data[0], &answered))
		var id string
		require.NoError(t, db.QueryRow(ctx, `select s.id::text from submissions s join text_versions v on v.text_id = s.text_id
			and v.is_original where s.consultation_id = $1 and v.body = $2`, cid, text).Scan(&id))
		require.Equal(t, id, apiUUID(t, answered.CreateSubmission.Submission.ID), "postulate of resident %d", i)
	}
	var keys int
	require.NoError(t, db.QueryRow(ctx, `select count(*) from submission_keys where consultation_id = $1 and author_id = any($2::uuid[])
		and submission_id is not null`, cid, accountUUIDs).Scan(&keys))
	require.Equal(t, n, keys, "one key per postulate")
	for _, target := range targets {
		var supports int
		require.NoError(t, db.QueryRow(ctx, `select count(*) from supports where kind = 'submission' and object_id = $1 and account_id = any($2::uuid[])`,
			apiUUID(t, target), accountUUIDs).Scan(&supports))
		require.Equal(t, n, supports, "supports of %s by the residents", target)
		var sub struct {
			Node struct {
				SupportCount int `json:"supportCount"`
			} `json:"node"`
		}
		mustCall(t, s2.httpURL(), "", `query($id: ID!) { node(id: $id) { ... on Submission { supportCount } } }`,
			map[string]any{"id": target}, &sub)
		require.Equal(t, supportsBefore[target]+n, sub.Node.SupportCount, "supportCount of %s", target)
	}
}

// TestCrash_DialogueWrittenVotes: the demo council's six votes (five
// persons and the NGO through its delegate) are cast on several motions in
// written votes from 16 clients; the server is killed after half were
// acknowledged, and the rest are cast again after a restart (the same vote
// again returns the same receipt). Every voter's vote is there once, and
// the closed votes' totals are exactly the choices made.
func TestCrash_DialogueWrittenVotes(t *testing.T) {
	t.Parallel()
	scale, clients := crashScale(t), crashClients(t)
	nMotions := 8 * scale
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, crashEnv...)
	voters := []string{"marta@demo.otwarty.pl", "oksana.melnyk@example.org", "urzednik@demo.otwarty.pl", "irina@demo.otwarty.pl",
		"minh.tran@example.org", "olena@demo.otwarty.pl"}
	tokens := make([]string, len(voters))
	for i, email := range voters {
		tokens[i], _ = signIn(t, s, email, "otwarty-demo-2026")
	}
	chair := tokens[0]
	var bodies struct {
		Bodies struct {
			Edges []struct {
				Node struct{ ID string } `json:"node"`
			} `json:"edges"`
		} `json:"bodies"`
	}
	mustCall(t, s.httpURL(), "", `{ bodies { edges { node { id } } } }`, nil, &bodies)
	require.Len(t, bodies.Bodies.Edges, 1)
	body := bodies.Bodies.Edges[0].Node.ID

	motions := make([]string, nMotions)
	for m := range motions {
		var tm struct {
			TableMotion struct {
				Motion struct{ ID string } `json:"motion"`
			} `json:"tableMotion"`
		}
		mustCall(t, s.httpURL(), chair, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`,
			map[string]any{"in": map[string]any{"bodyId": body, "kind": "RESOLUTION",
				"title": map[string]any{"locale": "EN", "text": fmt.Sprintf("Resolution %d of the crash test", m)},
				"text":  map[string]any{"locale": "EN", "text": "The council asks for more benches along the boulevards."}}}, &tm)
		motions[m] = tm.TableMotion.Motion.ID
		mustCall(t, s.httpURL(), chair, `mutation($id: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $id, written: {deadline: $d}}) {
			motion { id } } }`, map[string]any{"id": motions[m], "d": time.Now().Add(time.Hour).Format(time.RFC3339)}, nil)
	}

	choices := []string{"YES", "NO", "ABSTAIN"}
	choice := func(v, m int) string { return choices[(v+m)%3] }
	l := &load{clients: clients}
	for m, motion := range motions {
		for v, tok := range tokens {
			l.ops = append(l.ops, newOp(fmt.Sprintf("voter %d on motion %d", v, m), crashStep{token: tok,
				query: `mutation($id: ID!, $c: VoteChoice!) { castMotionVote(input: {motionId: $id, choice: $c}) { changed } }`,
				vars:  map[string]any{"id": motion, "c": choice(v, m)}}))
		}
	}
	acked := l.runAndKill(t, s, l.steps()/2)
	require.Less(t, acked, l.steps(), "the kill came too late to leave anything unacknowledged")
	s2 := startServer(t, "server after kill -9", dbURL, crashEnv...)
	retried := l.retry(t, s2)
	t.Logf("%d votes from %d clients: %d acknowledged before the kill, %d cast again after the restart", l.steps(), clients, acked, retried)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := sqlConn(t, dbURL)
	for m, motion := range motions {
		var votes, history int
		require.NoError(t, db.QueryRow(ctx, `select (select count(*) from poll_votes v join polls p on p.id = v.poll_id where p.owner_id = $1),
			(select count(*) from poll_vote_history h join polls p on p.id = h.poll_id where p.owner_id = $1)`,
			apiUUID(t, motion)).Scan(&votes, &history))
		require.Equal(t, len(voters), votes, "votes on motion %d", m)
		require.Equal(t, 0, history, "changed votes on motion %d", m)
		var closed struct {
			CloseMotionVote struct {
				Motion struct {
					Vote struct {
						Closed bool           `json:"closed"`
						Totals map[string]int `json:"totals"`
					} `json:"vote"`
				} `json:"motion"`
			} `json:"closeMotionVote"`
		}
		mustCall(t, s2.httpURL(), chair, `mutation($id: ID!) { closeMotionVote(input: {motionId: $id}) { motion {
			vote { closed totals { yes no abstain } } } } }`, map[string]any{"id": motion}, &closed)
		want := map[string]int{"yes": 0, "no": 0, "abstain": 0}
		for v := range voters {
			want[map[string]string{"YES": "yes", "NO": "no", "ABSTAIN": "abstain"}[choice(v, m)]]++
		}
		require.True(t, closed.CloseMotionVote.Motion.Vote.Closed)
		require.Equal(t, want, closed.CloseMotionVote.Motion.Vote.Totals, "totals of motion %d", m)
	}
}

// TestCrash_JobRunningAtKillRunsAgain: the results job is running (held on
// a row lock the test takes) when the server is killed; the next server
// runs it again once OTWARTY_JOB_RESCUE_AFTER has passed (short here; River
// alone would wait an hour), and it takes effect once: one computation, one
// notice.
func TestCrash_JobRunningAtKillRunsAgain(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	s := startServer(t, "server", dbURL, crashEnv...)
	b := newCrashBudget(t, s, dbURL)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := sqlConn(t, dbURL)
	tx, err := db.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `select 1 from budget_result_state where edition_id = $1 for update`, b.editionUUID)
	require.NoError(t, err)
	mustCall(t, s.httpURL(), b.admin, `mutation($e: ID!) { closeBudgetVoting(input: {editionId: $e}) { edition { status } } }`,
		map[string]any{"e": b.edition}, nil)
	watch := sqlConn(t, dbURL)
	require.Eventually(t, func() bool {
		var state string
		err := watch.QueryRow(ctx, `select state from river_job where kind = 'budget.compute_results' and args->>'edition_id' = $1`,
			b.editionUUID).Scan(&state)
		return err == nil && state == "running"
	}, eventTimeout, pollInterval, "the results job never started")
	kill9(t, s)
	require.NoError(t, tx.Rollback(ctx))

	s2 := startServer(t, "server after kill -9", dbURL, append(crashEnv, "OTWARTY_JOB_TIMEOUT=1s", "OTWARTY_JOB_RESCUE_AFTER=2s")...)
	b.waitForResults(t, s2, b.edition)
	b.requireComputedOnce(t, dbURL, b.edition, "the edition whose results job was running at the kill")
}
