package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// Polling mutations until a grant change holds must not meet the write limit.
const unthrottled = "OTWARTY_RATE_WRITES=6000/6000"

// twoInstances starts two servers on one per-test database.
func twoInstances(t *testing.T) (dbURL string, a, b *server) {
	t.Helper()
	dbURL = pgtest.URL(t)
	a = startServer(t, "server A", dbURL, unthrottled)
	b = startServer(t, "server B", dbURL, unthrottled)
	return dbURL, a, b
}

// adminToken creates an admin with the CLI and signs them in on s.
func adminToken(t *testing.T, dbURL string, s *server) string {
	t.Helper()
	email := randomEmail("e2e-admin")
	cmd := exec.Command(binary(t), "admin", "create", "--email", email, "--name", "Admin")
	cmd.Env = append(serverEnv(dbURL, "127.0.0.1:0"), "OTWARTY_ADMIN_PASSWORD="+testPassword)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "admin create: %s", out)
	token, _ := signIn(t, s, email, testPassword)
	// The grant was written by another process: s holds it once its grants
	// listener has heard of it.
	require.Eventually(t, func() bool {
		return tryGQL(t, s, token, `{ auditLog(first: 1) { totalCount } }`).code == ""
	}, 20*time.Second, 20*time.Millisecond, "the new admin's grant never reached %s", s.name)
	return token
}

// grant gives accountID a role through s; org scopes it (OFFICIAL).
func grant(t *testing.T, s *server, token, accountID, role, org string) {
	t.Helper()
	scope := ""
	if org != "" {
		scope = fmt.Sprintf(", organisationId: %q", org)
	}
	var out struct {
		GrantRole struct {
			AccountID string `json:"accountId"`
		} `json:"grantRole"`
	}
	gql(t, s.httpURL(), token, fmt.Sprintf(`mutation { grantRole(input: {accountId: %q, role: %s%s}) { accountId } }`,
		accountID, role, scope), &out)
	require.Equal(t, accountID, out.GrantRole.AccountID)
}

// createOrgOn tries to create an NGO on s as token (a coordinator's right)
// and returns the error code, "" when it was created.
func createOrgOn(t *testing.T, s *server, token string, n int) string {
	t.Helper()
	slug := fmt.Sprintf("fundacja-%d-%d", time.Now().UnixNano(), n)
	return tryGQL(t, s, token, fmt.Sprintf(
		`mutation { createOrganisation(input: {kind: NGO, name: "Fundacja %d", slug: %q}) { organisation { id } } }`, n, slug)).code
}

// waitCode polls createOrgOn until it answers want and returns how long
// that took. The bound only keeps a broken build from hanging; the design's
// "within a second" is one NOTIFY, reported in the log, not asserted.
func waitCode(t *testing.T, s *server, token, want, what string) time.Duration {
	t.Helper()
	start := time.Now()
	for n := 0; ; n++ {
		code := createOrgOn(t, s, token, n)
		if code == want {
			return time.Since(start)
		}
		require.True(t, time.Since(start) < eventTimeout, "%s: %s still answers %q after %v", what, s.name, code, eventTimeout)
		time.Sleep(20 * time.Millisecond)
	}
}

// TestInstances_RoleRevokedOnOneIsRefusedOnTheOther: a coordinator role
// revoked through instance A is refused by instance B once B has heard the
// announcement (the delay is logged).
func TestInstances_RoleRevokedOnOneIsRefusedOnTheOther(t *testing.T) {
	t.Parallel()
	dbURL, a, b := twoInstances(t)
	admin := adminToken(t, dbURL, a)
	token, acc := signUp(t, b, randomEmail("e2e-revoked"), testPassword)
	require.Equal(t, "FORBIDDEN", createOrgOn(t, b, token, 0))

	grant(t, a, admin, acc.ID, "COORDINATOR", "")
	took := waitCode(t, b, token, "", "the grant")
	t.Logf("server B honoured the grant made on A after %v", took.Round(time.Millisecond))

	var out struct {
		RevokeRole struct {
			AccountID string `json:"accountId"`
		} `json:"revokeRole"`
	}
	gql(t, a.httpURL(), admin, fmt.Sprintf(`mutation { revokeRole(input: {accountId: %q, role: COORDINATOR}) { accountId } }`, acc.ID), &out)
	require.Equal(t, acc.ID, out.RevokeRole.AccountID)
	// On A the revocation holds at commit.
	require.Equal(t, "FORBIDDEN", createOrgOn(t, a, token, 1))
	took = waitCode(t, b, token, "FORBIDDEN", "the revocation")
	t.Logf("server B refused the role revoked on A after %v", took.Round(time.Millisecond))
}

// TestInstances_ResultsJobRunsOnce: with two instances' River clients
// working one database, a civic budget vote closed on schedule is closed once
// and counted once: one results job, one computation, one audited close —
// even though its close job is there twice (as a job delivered again would
// be), so that both instances run one each at the same moment and only the
// close's own lock and check keep the second from closing and counting again.
func TestInstances_ResultsJobRunsOnce(t *testing.T) {
	t.Parallel()
	dbURL, a, b := twoInstances(t)
	admin := adminToken(t, dbURL, a)
	coord, coordAcc := signUp(t, a, randomEmail("e2e-coord"), testPassword)
	grant(t, a, admin, coordAcc.ID, "COORDINATOR", "")
	var unit struct {
		CreateOrganisation struct {
			Organisation struct {
				ID string `json:"id"`
			} `json:"organisation"`
		} `json:"createOrganisation"`
	}
	gql(t, a.httpURL(), coord, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Wydział Budżetu", slug: "wb"}) { organisation { id } } }`, &unit)
	unitID := unit.CreateOrganisation.Organisation.ID
	official, officialAcc := signUp(t, a, randomEmail("e2e-official"), testPassword)
	grant(t, a, coord, officialAcc.ID, "OFFICIAL", unitID)

	closes := time.Now().Add(3 * time.Second)
	var ed struct {
		CreateBudgetEdition struct {
			Edition struct {
				ID string `json:"id"`
			} `json:"edition"`
		} `json:"createBudgetEdition"`
	}
	gql(t, a.httpURL(), official, fmt.Sprintf(`mutation { createBudgetEdition(input: {unitId: %q, year: 2027, votingOpensAt: %q, votingClosesAt: %q}) { edition { id } } }`,
		unitID, time.Now().Add(-time.Hour).Format(time.RFC3339Nano), closes.Format(time.RFC3339Nano)), &ed)
	edition := ed.CreateBudgetEdition.Edition.ID
	var pool struct {
		CreateBudgetPool struct {
			Pool struct {
				ID string `json:"id"`
			} `json:"pool"`
		} `json:"createBudgetPool"`
	}
	gql(t, a.httpURL(), official, fmt.Sprintf(`mutation { createBudgetPool(input: {editionId: %q, name: "Stare Miasto", kind: DISTRICT, district: "stare-miasto",
		budget: "1000.00", rule: "greedy", pickMode: EXACTLY, pickCount: 2, ballotKind: RANKED, required: true}) { pool { id } } }`, edition), &pool)
	for i, cost := range []string{"600.00", "500.00", "400.00"} {
		var p struct {
			CreateBudgetProject struct {
				Project struct {
					ID string `json:"id"`
				} `json:"project"`
			} `json:"createBudgetProject"`
		}
		gql(t, a.httpURL(), official, fmt.Sprintf(`mutation { createBudgetProject(input: {poolId: %q, code: "BO.D1.%d/27", title: "Projekt", cost: %q}) { project { id } } }`,
			pool.CreateBudgetPool.Pool.ID, i+1, cost), &p)
		require.NotEmpty(t, p.CreateBudgetProject.Project.ID)
	}
	var opened struct {
		OpenBudgetVoting struct {
			Edition struct {
				ID string `json:"id"`
			} `json:"edition"`
		} `json:"openBudgetVoting"`
	}
	gql(t, a.httpURL(), official, fmt.Sprintf(`mutation { openBudgetVoting(input: {editionId: %q}) { edition { id } } }`, edition), &opened)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	id := rawID(t, edition)
	tag, err := conn.Exec(ctx, `insert into river_job (args, kind, max_attempts, metadata, priority, queue, scheduled_at, state, tags)
		select args, kind, max_attempts, metadata, priority, queue, scheduled_at, state, tags from river_job
		where kind = 'budget.close_voting' and args->>'object_id' = $1`, id)
	require.NoError(t, err)
	require.Equal(t, int64(1), tag.RowsAffected(), "the scheduled close, twice")

	// The close and the results are the jobs' work, on whichever instance.
	deadline := time.Now().Add(eventTimeout + time.Until(closes))
	for {
		var st struct {
			BudgetEdition struct {
				Status            string  `json:"status"`
				ResultsComputedAt *string `json:"resultsComputedAt"`
			} `json:"budgetEdition"`
		}
		gql(t, b.httpURL(), official, fmt.Sprintf(`{ budgetEdition(id: %q) { status resultsComputedAt } }`, edition), &st)
		if st.BudgetEdition.Status == "CLOSED" && st.BudgetEdition.ResultsComputedAt != nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "results not computed: %+v", st.BudgetEdition)
		time.Sleep(100 * time.Millisecond)
	}

	// Every job of the edition has finished (none waits to run again).
	var jobs map[string]string
	for {
		jobs = map[string]string{}
		rows, err := conn.Query(ctx, `select kind, state::text from river_job
			where kind in ('budget.close_voting', 'budget.compute_results')
			and coalesce(args->>'edition_id', args->>'object_id') = $1 order by id`, id)
		require.NoError(t, err)
		for rows.Next() {
			var kind, state string
			require.NoError(t, rows.Scan(&kind, &state))
			jobs[kind] += state + " "
		}
		require.NoError(t, rows.Err())
		// River records a completion a moment after the work (in batches).
		if (jobs["budget.close_voting"] == "completed completed " && jobs["budget.compute_results"] == "completed ") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, map[string]string{"budget.close_voting": "completed completed ", "budget.compute_results": "completed "}, jobs)
	var computation, closedAudits int
	require.NoError(t, conn.QueryRow(ctx, `select computation from budget_result_state where edition_id = $1`, id).Scan(&computation))
	require.Equal(t, 1, computation, "the vote is counted once")
	require.NoError(t, conn.QueryRow(ctx, `select count(*) from audit_log where action = 'budget.status' and object_id = $1
		and data->>'to' = 'closed'`, id).Scan(&closedAudits))
	require.Equal(t, 1, closedAudits, "the vote is closed once")
}

// TestInstances_SIGTERMOfOneLosesNothingOnTheOther: while instance A shuts
// down on SIGTERM, instance B answers every request, keeps its subscription,
// and afterwards delivers an event caused on B (its River client runs the
// job) to that subscription. A itself drains: a mutation it was working on
// at the signal (held on a row lock the test releases during the shutdown)
// is answered and committed, and its WebSocket client is told to go away
// (1001), to reconnect to B, instead of being cut off.
func TestInstances_SIGTERMOfOneLosesNothingOnTheOther(t *testing.T) {
	t.Parallel()
	dbURL, a, b := twoInstances(t)
	token, acc := signUp(t, b, randomEmail("e2e-sigterm"), testPassword)
	onA := dialWS(t, a.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	onA.subscribeNotifications("1")
	ws := dialWS(t, b.wsURL(), map[string]string{"Authorization": "Bearer " + token})
	early := ws.subscribeNotifications("1")

	// A mutation in flight on A at the signal: it waits for the account's
	// row, which the test holds.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	lock, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = lock.Exec(ctx, `select 1 from accounts where id = $1 for update`, rawID(t, acc.ID))
	require.NoError(t, err)
	type answer struct {
		a   gqlAttempt
		err error
	}
	inFlight := make(chan answer, 1)
	go func() {
		a, err := postGQL(a, token, `mutation { updateProfile(input: {displayName: "Drained"}) { account { displayName } } }`)
		inFlight <- answer{a, err}
	}()
	watch, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer watch.Close(context.Background())
	require.Eventually(t, func() bool {
		var waiting int
		err := watch.QueryRow(ctx, `select count(*) from pg_stat_activity where wait_event_type = 'Lock'
			and query like 'update accounts set display_name%'`).Scan(&waiting)
		return err == nil && waiting == 1
	}, stepTimeout, pollInterval, "the mutation on A never waited for the row")

	// Requests to B in flight the whole time A shuts down.
	var (
		stop   atomic.Bool
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []string
		served atomic.Int64
	)
	for w := 0; w < 4; w++ {
		wg.Go(func() {
			for !stop.Load() {
				a, err := postGQL(b, token, `{ me { id unreadNotificationCount notifications(first: 5) { totalCount } } }`)
				if err != nil || a.code != "" {
					mu.Lock()
					if len(failed) < 5 {
						failed = append(failed, fmt.Sprintf("%d %s %s %v", a.status, a.code, a.message, err))
					}
					mu.Unlock()
				}
				served.Add(1)
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	a.stopped.Store(true)
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGTERM))
	// The mutation gets its row while A drains.
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, lock.Rollback(ctx))
	closed := onA.closeFrame(stopTimeout)
	require.Equal(t, websocket.CloseGoingAway, closed.Code, "A's WebSocket client is told to go away: %v", closed)
	select {
	case <-a.done:
	case <-time.After(stopTimeout):
		t.Fatalf("server A did not exit within %v of SIGTERM", stopTimeout)
	}
	require.Equal(t, 0, a.exitCode(), "server A's exit code after SIGTERM")
	drained := <-inFlight
	require.NoError(t, drained.err, "the mutation in flight on A at SIGTERM")
	require.Equal(t, http.StatusOK, drained.a.status)
	require.Empty(t, drained.a.code, drained.a.message)
	var name string
	require.NoError(t, watch.QueryRow(ctx, `select display_name from accounts where id = $1`, rawID(t, acc.ID)).Scan(&name))
	require.Equal(t, "Drained", name)
	time.Sleep(200 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	require.Empty(t, failed, "requests to B while A shut down")
	t.Logf("server B answered %d requests while A shut down", served.Load())

	changePassword(t, b, token, testPassword, testPassword+" 2", acc.ID)
	ev := ws.waitForKind("1", "password_changed", early, eventTimeout)
	require.NotEmpty(t, ev.Data.NotificationAdded.Notification.ID)
}
