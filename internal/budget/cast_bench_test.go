package budget_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// counter counts what a pool sends: statements (BEGIN and COMMIT included)
// and round trips (a statement or a whole batch).
type counter struct{ statements, trips atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.statements.Add(1)
	c.trips.Add(1)
	return ctx
}
func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.trips.Add(1)
	return ctx
}
func (c *counter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.statements.Add(1)
}
func (c *counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// benchSetup is a service on a pool that counts statements, with the
// production box batch and no job workers (their polling would count).
func benchSetup(b *testing.B, group bool) (*bundle, *krakow, *counter) {
	c := &counter{}
	pool, err := db.Open(context.Background(), pgtest.URL(b), func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = c
		cfg.MaxConns = 16
	})
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	bb := setupOn(b, pool, ballotbox.DefaultBatch, false)
	if !group {
		bb.svc.SetGroupCommit(budget.GroupCommit{})
	}
	return bb, bb.krakowEdition(b), c
}

// castBench casts n ballots from clients goroutines (cast(i) for i in
// [0, n)) and reports ballots/s and what each ballot sent to PostgreSQL.
func castBench(b *testing.B, c *counter, clients int, cast func(i int) error) {
	var next atomic.Int64
	st, tr := c.statements.Load(), c.trips.Load()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := cast(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	n := float64(b.N)
	b.ReportMetric(n/elapsed.Seconds(), "ballots/s")
	b.ReportMetric(float64(c.statements.Load()-st)/n, "stmts/ballot")
	b.ReportMetric(float64(c.trips.Load()-tr)/n, "trips/ballot")
	b.ReportMetric(0, "ns/op")
}

// benchCases: 1 and 8 concurrent clients, each ballot in its own
// statement and with group commit.
var benchCases = []benchCase{{1, false}, {8, false}, {1, true}, {8, true}}

type benchCase struct {
	clients int
	group   bool
}

func (bc benchCase) name() string {
	return fmt.Sprintf("clients=%d/group=%v", bc.clients, bc.group)
}

// BenchmarkCastBallotWithCode casts ballots with voting codes, from 1 and
// from 8 concurrent clients; the codes are issued before the timer starts.
func BenchmarkCastBallotWithCode(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name(), func(b *testing.B) {
			clients := bc.clients
			bb, k, c := benchSetup(b, bc.group)
			official := bb.official(b)
			codes := make([]string, 0, b.N)
			for len(codes) < b.N {
				issued, err := bb.svc.IssueVotingCodes(official, k.edition.ID, people(min(budget.MaxCodesPerCall, b.N-len(codes))))
				require.NoError(b, err)
				for _, ic := range issued {
					codes = append(codes, ic.Code)
				}
			}
			keys := make([]string, b.N)
			for i := range keys {
				keys[i] = key()
			}
			anon := bb.anonymous()
			castBench(b, c, clients, func(i int) error {
				_, err := bb.svc.CastBallotWithCode(anon, k.codeBallot(codes[i], keys[i]))
				return err
			})
		})
	}
}

// BenchmarkCastBallot casts ballots of verified residents on the roll
// through their accounts, from 1 and from 8 concurrent clients.
func BenchmarkCastBallot(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name(), func(b *testing.B) {
			clients := bc.clients
			bb, k, c := benchSetup(b, bc.group)
			voters := make([]context.Context, b.N)
			for i := range voters {
				voters[i] = bb.voter(b, k.edition.ID, "stare-miasto")
			}
			keys := make([]string, b.N)
			for i := range keys {
				keys[i] = key()
			}
			castBench(b, c, clients, func(i int) error {
				_, err := bb.svc.CastBallot(voters[i], k.valid(keys[i]))
				return err
			})
		})
	}
}
