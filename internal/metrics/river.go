package metrics

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"
)

var river = &riverCollector{}

// RegisterRiver reports the number of River jobs by state, counted in p's
// database at scrape time, until unregister is called. When several pools
// are registered (tests), the latest one still registered is reported.
func RegisterRiver(p *pgxpool.Pool) (unregister func()) {
	return river.regs.add("", p)
}

var riverJobs = prometheus.NewDesc("otwarty_river_jobs", "River jobs by state.", []string{"state"}, nil)

// riverTimeout bounds the count so that a slow database delays a scrape
// by at most this much.
const riverTimeout = 2 * time.Second

type riverCollector struct{ regs registrations }

func (c *riverCollector) Describe(ch chan<- *prometheus.Desc) { ch <- riverJobs }

// Collect reports nothing when the count fails: the other metrics matter
// most when the database is in trouble, so the scrape must not fail.
func (c *riverCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.regs.current()[""]
	if p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), riverTimeout)
	defer cancel()
	rows, err := p.Query(ctx, "select state::text, count(*) from river_job group by state")
	if err != nil {
		return
	}
	defer rows.Close()
	// Every state is reported, zero included, so that series do not vanish
	// when a queue drains.
	counts := map[string]int64{}
	for _, s := range rivertype.JobStates() {
		counts[string(s)] = 0
	}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return
		}
		counts[state] = n
	}
	if rows.Err() != nil {
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(riverJobs, prometheus.GaugeValue, float64(n), state)
	}
}
