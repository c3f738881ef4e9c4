package metrics

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

var statements = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "otwarty_db_statements_total", Help: "SQL statements sent: queries, statements in batches and COPY FROMs.",
})

// CountStatements makes every connection of a pool built from cfg count its
// statements, keeping any tracer already set (tests set their own). Call it
// once per config: twice counts twice.
func CountStatements(cfg *pgxpool.Config) {
	if prev := cfg.ConnConfig.Tracer; prev != nil {
		cfg.ConnConfig.Tracer = multitracer.New(statementTracer{}, prev)
		return
	}
	cfg.ConnConfig.Tracer = statementTracer{}
}

// StatementTracer counts statements into otwarty_db_statements_total; it
// also implements pgx.BatchTracer and pgx.CopyFromTracer.
func StatementTracer() pgx.QueryTracer { return statementTracer{} }

// statementTracer only increments a counter (an atomic add): it runs on
// every statement.
type statementTracer struct{}

func (statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	statements.Inc()
	return ctx
}

func (statementTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Batches bypass TraceQueryStart: count their statements at once.
func (statementTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	if data.Batch != nil {
		statements.Add(float64(data.Batch.Len()))
	}
	return ctx
}

func (statementTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (statementTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

func (statementTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	statements.Inc()
	return ctx
}

func (statementTracer) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// registrations is a reuse-safe set of pools by name. Tests start many
// servers in one process, each registering "main": the latest registration
// still open is the one reported, so label sets never repeat in a scrape.
type registrations struct {
	mu    sync.Mutex
	pools map[string][]*pgxpool.Pool
}

func (r *registrations) add(name string, p *pgxpool.Pool) (remove func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pools == nil {
		r.pools = map[string][]*pgxpool.Pool{}
	}
	r.pools[name] = append(r.pools[name], p)
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			ps := r.pools[name]
			for i := len(ps) - 1; i >= 0; i-- {
				if ps[i] == p {
					ps = append(ps[:i:i], ps[i+1:]...)
					break
				}
			}
			if len(ps) == 0 {
				delete(r.pools, name)
			} else {
				r.pools[name] = ps
			}
		})
	}
}

// current returns the latest pool of each name.
func (r *registrations) current() map[string]*pgxpool.Pool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]*pgxpool.Pool, len(r.pools))
	for name, ps := range r.pools {
		out[name] = ps[len(ps)-1]
	}
	return out
}

var pools = &poolCollector{}

// RegisterPool reports p's statistics, read at scrape time, under
// pool=name until unregister is called.
func RegisterPool(name string, p *pgxpool.Pool) (unregister func()) {
	return pools.regs.add(name, p)
}

type poolCollector struct{ regs registrations }

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("otwarty_db_pool_"+name, help, []string{"pool"}, nil)
}

var (
	poolAcquired     = poolDesc("acquired_connections", "Connections in use.")
	poolIdle         = poolDesc("idle_connections", "Idle connections.")
	poolTotal        = poolDesc("total_connections", "Open connections, including those being opened.")
	poolMax          = poolDesc("max_connections", "Maximum size of the pool.")
	poolAcquires     = poolDesc("acquires_total", "Successful acquires.")
	poolAcquireWait  = poolDesc("acquire_wait_seconds_total", "Time spent in successful acquires.")
	poolEmptyAcquire = poolDesc("empty_acquires_total", "Acquires that had to wait for a connection because none was idle.")
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolAcquires, poolAcquireWait, poolEmptyAcquire} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, p := range c.regs.current() {
		s := p.Stat()
		ch <- prometheus.MustNewConstMetric(poolAcquired, prometheus.GaugeValue, float64(s.AcquiredConns()), name)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.IdleConns()), name)
		ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.TotalConns()), name)
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()), name)
		ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()), name)
		ch <- prometheus.MustNewConstMetric(poolAcquireWait, prometheus.CounterValue, s.AcquireDuration().Seconds(), name)
		ch <- prometheus.MustNewConstMetric(poolEmptyAcquire, prometheus.CounterValue, float64(s.EmptyAcquireCount()), name)
	}
}
