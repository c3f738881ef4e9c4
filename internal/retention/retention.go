// Package retention deletes personal data once its retention period is over:
// expired sessions and one-time tokens, session IP addresses, the e-mail
// outbox and old audit entries. A River periodic job runs it daily; each
// period is a setting.
package retention

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
)

// Config holds the retention periods. Zero disables that purge.
type Config struct {
	Sessions   time.Duration // after a session expired or was revoked
	SessionIPs time.Duration // after a session was created
	Tokens     time.Duration // after a confirmation or reset token expired
	Outbox     time.Duration // after an e-mail was written
	Audit      time.Duration // after an audit entry was written
}

// Defaults are the periods used unless configured.
func Defaults() Config {
	const day = 24 * time.Hour
	return Config{Sessions: 30 * day, SessionIPs: 90 * day, Tokens: 7 * day, Outbox: 90 * day, Audit: 5 * 365 * day}
}

// Report says how many rows each purge removed or blanked.
type Report struct {
	Sessions, SessionIPs, Tokens, Outbox, Audit int64
}

// Purger runs the purges through the services that own the data.
type Purger struct {
	pool     *pgxpool.Pool
	identity *identity.Service
	notify   *notify.Service
	cfg      Config
	log      *slog.Logger
}

// New returns a Purger.
func New(pool *pgxpool.Pool, ids *identity.Service, ns *notify.Service, cfg Config, log *slog.Logger) *Purger {
	return &Purger{pool: pool, identity: ids, notify: ns, cfg: cfg, log: log}
}

// Purge applies every retention period once.
func (p *Purger) Purge(ctx context.Context) (Report, error) {
	var r Report
	steps := []struct {
		period time.Duration
		dst    *int64
		run    func(context.Context, time.Duration) (int64, error)
	}{
		{p.cfg.Sessions, &r.Sessions, p.identity.DeleteExpiredSessions},
		{p.cfg.SessionIPs, &r.SessionIPs, p.identity.ForgetSessionIPs},
		{p.cfg.Tokens, &r.Tokens, p.identity.DeleteExpiredTokens},
		{p.cfg.Outbox, &r.Outbox, p.notify.PurgeOutbox},
		{p.cfg.Audit, &r.Audit, func(ctx context.Context, d time.Duration) (int64, error) { return audit.Purge(ctx, p.pool, d) }},
	}
	for _, s := range steps {
		if s.period <= 0 {
			continue
		}
		n, err := s.run(ctx, s.period)
		if err != nil {
			return r, err
		}
		*s.dst = n
	}
	return r, nil
}

// Args is the daily purge job.
type Args struct{}

// Kind names the job.
func (Args) Kind() string { return "retention.purge" }

type worker struct {
	river.WorkerDefaults[Args]
	p *Purger
}

func (w *worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	r, err := w.p.Purge(ctx)
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	w.p.log.InfoContext(ctx, "retention purge", "sessions", r.Sessions, "session_ips", r.SessionIPs,
		"tokens", r.Tokens, "outbox", r.Outbox, "audit", r.Audit)
	return nil
}

// Register adds the worker.
func (p *Purger) Register(workers *river.Workers) { river.AddWorker(workers, &worker{p: p}) }

// PeriodicJob runs the purge once a day (on the leader only, as River does
// for every periodic job).
func (p *Purger) PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return Args{}, nil },
		&river.PeriodicJobOpts{ID: "retention.purge", RunOnStart: true})
}
