package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/pb"
	"github.com/otwarty/otwarty/internal/pb/pbtest"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const replayPassword = "replay official password"

// replayServer runs `otwarty serve` in this process on a fresh database and
// a free port, with the rate limits off as for a benchmark, and returns its
// GraphQL URL and the e-mail of an official of a city unit. The server stops
// when the test ends.
func replayServer(t *testing.T) (url, officialEmail string) {
	t.Helper()
	dbURL := pgtest.URL(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--env", "test", "--database-url", dbURL, "--addr", addr, "--log-level", "error",
			"--rate-anonymous", "0/0", "--rate-writes", "0/0", "--allowed-origins", "http://" + addr})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "serve")
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited before ready: %v", err)
		default:
		}
		require.True(t, time.Now().Before(deadline), "server not ready within 60 s (last: %v)", err)
		time.Sleep(50 * time.Millisecond)
	}

	// An official of a city unit, made as `otwarty seed` makes its demo one.
	c, err := loadConfig(flag.NewFlagSet("test", flag.ContinueOnError), []string{"--env", "test", "--database-url", dbURL, "--log-level", "error"})
	require.NoError(t, err)
	a, stop, err := start(ctx, c)
	require.NoError(t, err)
	defer stop()
	admin, err := a.identity.CreateAdmin(ctx, "admin@replay.test", replayPassword, "Admin")
	require.NoError(t, err)
	as := authz.WithAuthorizer(authz.WithSubject(ctx, identity.Subject(admin, [16]byte{})), a.authz)
	require.NoError(t, grant(as, a, admin.ID, "coordinator", "*"))
	unit, err := a.orgs.Create(as, org.CreateInput{Kind: "city_unit", Name: "Kancelaria Budżetu Obywatelskiego", Slug: "kancelaria-bo"})
	require.NoError(t, err)
	officialEmail = "official@replay.test"
	acc, _, err := a.identity.SignUp(ctx, identity.SignUpInput{Email: officialEmail, Password: replayPassword, DisplayName: "Urzędniczka", Locale: i18n.PL},
		identity.ClientMeta{UserAgent: "replay test"})
	require.NoError(t, err)
	_, err = a.pool.Exec(ctx, `update accounts set email_confirmed_at = now() where id = $1`, acc.ID)
	require.NoError(t, err)
	require.NoError(t, grant(as, a, acc.ID, "official", org.Domain(unit.ID)))
	return "http://" + addr + "/query", officialEmail
}

// The 1,726 Stare Miasto voters of Kraków 2024 cast their real 3 + 3
// ballots (the district file joined with the city-wide file by voter_id)
// through the API: the district's 5 official winners come out in order,
// the city-wide pool's winners are those of the same ballots counted
// locally, and every count is exact.
func TestPBReplay_StareMiastoReproducesOfficialWinners(t *testing.T) {
	t.Parallel()
	city := pbtest.File(t, "Poland_Krakow_2024.pb")
	district := pbtest.File(t, "Poland_Krakow_2024_Stare_Miasto.pb")
	url, email := replayServer(t)

	var stdout, stderr bytes.Buffer
	rep, err := pbReplay(t.Context(), []string{"--url", url, "--email", email, "--password", replayPassword,
		"--concurrency", "4", "--check", city, district}, &stdout, &stderr)
	require.NoError(t, err, "stderr:\n%s", stderr.String())
	t.Logf("stdout:\n%sstderr:\n%s", stdout.String(), stderr.String())

	require.Equal(t, 1726, rep.Ballots)
	require.Equal(t, 1726, rep.Turnout, "the last turnout event")
	require.GreaterOrEqual(t, rep.TurnoutEvents, 1)
	require.Zero(t, rep.RateLimited)
	require.Len(t, rep.Pools, 2)

	// The city-wide pool counted from the Stare Miasto voters only.
	cityIn, err := pb.ReadFile(city)
	require.NoError(t, err)
	var kept []pb.Vote
	for _, v := range cityIn.Votes {
		if v.Fields["neighborhood"] == "Stare Miasto" {
			kept = append(kept, v)
		}
	}
	require.Len(t, kept, 1726)
	cityIn.Votes = kept
	cityWant := pb.Greedy(cityIn, nil, true, pb.TieCostThenID)
	require.NotEmpty(t, cityWant.Selected)

	var want strings.Builder
	for _, code := range cityWant.Selected {
		want.WriteString(code + "\n")
	}
	fmt.Fprintf(&want, "pool Kraków city-wide: 1726 ballots, %d selected, cost %s of budget 9200000.00; equal to the local recount\n",
		len(cityWant.Selected), pb.FormatAmount(cityWant.Cost))
	want.WriteString(`BO.D1.3/24
BO.D1.24/24
BO.D1.27/24
BO.D1.5/24
BO.D1.25/24
pool Stare Miasto: 1726 ballots, 5 selected, cost 1545000.00 of budget 1546168.66; equal to the local recount and to the official winners (the file's selected column)
official winners reproduced: 5 of 5; 1 of 1 fully replayed pools equal
`)
	out := stdout.String()
	last := strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")
	require.Equal(t, want.String(), out[:last+1])
	require.Regexp(t, regexp.MustCompile(`^replayed 1726 ballots in [0-9.]+ s: [0-9]+ ballots/s, p50 [0-9.]+ ms, p99 [0-9.]+ ms, turnout events seen [1-9][0-9]*\n$`), out[last+1:])

	for _, p := range rep.Pools {
		require.Equal(t, 1726, p.Ballots, p.Name)
	}
	require.Equal(t, "stare-miasto", rep.Pools[1].District)
	require.Contains(t, stderr.String(), fmt.Sprintf("replay: %d voters not replayed: in the city-wide file only, living in a district whose file was not given\n", 65101-1726))
}

// The flags reach replay.Run (which checks the rest: see internal/replay),
// and -h prints the usage.
func TestPBReplay_RefusesBadArguments(t *testing.T) {
	// Not parallel: it clears OTWARTY_TOKEN and OTWARTY_PASSWORD.
	t.Setenv("OTWARTY_TOKEN", "")
	t.Setenv("OTWARTY_PASSWORD", "")
	var stdout, stderr bytes.Buffer
	_, err := pbReplay(context.Background(), []string{"a.pb", "--email", "a@b.c"}, &stdout, &stderr)
	require.EqualError(t, err, "sign in as an official: --token, or --email and --password")
	_, err = pbReplay(context.Background(), []string{"--token", "x", "--batch", "0", "a.pb"}, &stdout, &stderr)
	require.EqualError(t, err, "--batch must be 1 to 1000")
	require.Empty(t, stdout.String())

	stderr.Reset()
	_, err = pbReplay(context.Background(), []string{"-h"}, &stdout, &stderr)
	require.True(t, errors.Is(err, flag.ErrHelp))
	require.Contains(t, stderr.String(), "--email and --password (or OTWARTY_PASSWORD)")
	require.Contains(t, stderr.String(), "-concurrency int")
}
