package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/metrics"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// sample gathers metrics.Registry and returns the value of name{labels}: a
// gauge's or counter's value, a histogram's sample count.
func sample(t *testing.T, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := metrics.Registry.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue(), true
			case m.Gauge != nil:
				return m.GetGauge().GetValue(), true
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount()), true
			}
		}
	}
	return 0, false
}

// value is sample's value, 0 when the series is absent.
func value(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	v, _ := sample(t, name, labels)
	return v
}

func open(t *testing.T, configure ...func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(t.Context(), pgtest.URL(t), configure...)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// ownTracer stands for a tracer a test has already set on a pool.
type ownTracer struct{ queries, batches atomic.Int64 }

func (o *ownTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	o.queries.Add(1)
	return ctx
}
func (o *ownTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (o *ownTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	o.batches.Add(1)
	return ctx
}
func (o *ownTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (o *ownTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// Only this test counts statements, so the process-wide delta is its own.
func TestCountStatements_CountsEachStatementAndKeepsTracer(t *testing.T) {
	t.Parallel()
	own := &ownTracer{}
	pool := open(t, func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = own
		metrics.CountStatements(cfg)
	})
	ctx := t.Context()
	before, _ := sample(t, "otwarty_db_statements_total", nil)

	_, err := pool.Exec(ctx, "select 1")
	require.NoError(t, err)
	var n int
	require.NoError(t, pool.QueryRow(ctx, "select 2").Scan(&n))
	b := &pgx.Batch{}
	b.Queue("select 3")
	b.Queue("select 4")
	require.NoError(t, pool.SendBatch(ctx, b).Close())

	after, ok := sample(t, "otwarty_db_statements_total", nil)
	require.True(t, ok)
	require.Equal(t, 4.0, after-before)
	require.Equal(t, int64(2), own.queries.Load())
	require.Equal(t, int64(1), own.batches.Load())
}

func TestRegisterPool_ReportsStatistics(t *testing.T) {
	t.Parallel()
	pool := open(t, func(cfg *pgxpool.Config) { cfg.MaxConns = 7 })
	name := "test-" + t.Name()
	t.Cleanup(metrics.RegisterPool(name, pool))
	conn, err := pool.Acquire(t.Context())
	require.NoError(t, err)
	defer conn.Release()

	labels := map[string]string{"pool": name}
	v, ok := sample(t, "otwarty_db_pool_max_connections", labels)
	require.True(t, ok)
	require.Equal(t, 7.0, v)
	v, _ = sample(t, "otwarty_db_pool_acquired_connections", labels)
	require.Equal(t, 1.0, v)
	v, _ = sample(t, "otwarty_db_pool_acquires_total", labels)
	require.GreaterOrEqual(t, v, 1.0) // Open's ping acquired too
}

// Tests start many servers in one process, each registering "main".
func TestRegisterPool_SameNameTwiceReportsTheLatest(t *testing.T) {
	t.Parallel()
	first := open(t, func(cfg *pgxpool.Config) { cfg.MaxConns = 7 })
	second := open(t, func(cfg *pgxpool.Config) { cfg.MaxConns = 3 })
	name := "test-" + t.Name()
	labels := map[string]string{"pool": name}
	maxConns := func() float64 {
		v, ok := sample(t, "otwarty_db_pool_max_connections", labels)
		if !ok {
			return -1
		}
		return v
	}

	unregisterFirst := metrics.RegisterPool(name, first)
	unregisterSecond := metrics.RegisterPool(name, second)
	require.Equal(t, 3.0, maxConns())
	unregisterSecond()
	unregisterSecond() // twice is harmless
	require.Equal(t, 7.0, maxConns())
	unregisterFirst()
	require.Equal(t, -1.0, maxConns())
}

// Only this test registers a River pool: the collector reports the latest.
func TestRegisterRiver_CountsJobsByState(t *testing.T) {
	t.Parallel()
	pool := open(t)
	_, err := pool.Exec(t.Context(), `
		insert into river_job (kind, args, max_attempts, state, scheduled_at) values
			('test', '{}', 1, 'scheduled', now() + interval '1 hour'),
			('test', '{}', 1, 'scheduled', now() + interval '1 hour'),
			('test', '{}', 1, 'available', now())`)
	require.NoError(t, err)
	t.Cleanup(metrics.RegisterRiver(pool))

	for state, want := range map[string]float64{"scheduled": 2, "available": 1, "completed": 0} {
		v, ok := sample(t, "otwarty_river_jobs", map[string]string{"state": state})
		require.True(t, ok, state)
		require.Equal(t, want, v, state)
	}
}

func TestHTTP_CountsRequestsUnderTheRoute(t *testing.T) {
	t.Parallel()
	route := "/test-count"
	srv := httptest.NewServer(metrics.HTTP(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		w.(http.Flusher).Flush() // streaming transports need the Flusher
	})))
	t.Cleanup(srv.Close)
	post := map[string]string{"route": route, "method": "POST", "code": "201"}
	other := map[string]string{"route": route, "method": "OTHER", "code": "201"}
	timed := map[string]string{"route": route, "method": "POST"}
	postBefore := value(t, "otwarty_http_requests_total", post)
	otherBefore := value(t, "otwarty_http_requests_total", other)
	timedBefore := value(t, "otwarty_http_request_duration_seconds", timed)

	for _, m := range []string{http.MethodPost, http.MethodPost, "BREW"} {
		req, err := http.NewRequestWithContext(t.Context(), m, srv.URL+"/any/path?x=1", nil)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusCreated, resp.StatusCode)
	}

	require.Equal(t, 2.0, value(t, "otwarty_http_requests_total", post)-postBefore)
	require.Equal(t, 1.0, value(t, "otwarty_http_requests_total", other)-otherBefore)
	require.Equal(t, 2.0, value(t, "otwarty_http_request_duration_seconds", timed)-timedBefore)
}

func TestHTTP_KeepsWebSocketUpgradesWorking(t *testing.T) {
	t.Parallel()
	route := "/test-ws"
	up := websocket.Upgrader{}
	srv := httptest.NewServer(metrics.HTTP(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	})))
	t.Cleanup(srv.Close)
	upgrades := map[string]string{"route": route, "method": "GET", "code": "101"}
	timed := map[string]string{"route": route, "method": "GET"}
	upgradesBefore := value(t, "otwarty_http_requests_total", upgrades)
	timedBefore := value(t, "otwarty_http_request_duration_seconds", timed)

	c, _, err := websocket.DefaultDialer.DialContext(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	require.NoError(t, err)
	require.NoError(t, c.WriteMessage(websocket.TextMessage, []byte("hello")))
	_, msg, err := c.ReadMessage()
	require.NoError(t, err)
	require.Equal(t, "hello", string(msg))
	require.NoError(t, c.Close())

	// The handler returns, and counts, once it sees the close.
	require.Eventually(t, func() bool {
		return value(t, "otwarty_http_requests_total", upgrades)-upgradesBefore == 1
	}, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, timedBefore, value(t, "otwarty_http_request_duration_seconds", timed),
		"a socket's lifetime is not a request duration")
}

func TestHandler_ServesTheRegistry(t *testing.T) {
	t.Parallel()
	_ = metrics.Handler() // another server in the process: must not panic
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), "otwarty_ws_sockets ")
	require.Contains(t, rec.Body.String(), "go_goroutines ")
}
