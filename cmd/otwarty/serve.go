package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/otwarty/otwarty/graph"
	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/infopages"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/metrics"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/programme"
	"github.com/otwarty/otwarty/internal/ratelimit"
	"github.com/otwarty/otwarty/internal/retention"
	"github.com/otwarty/otwarty/web"
)

// app is the set of services every subcommand builds the same way.
type app struct {
	log       *slog.Logger
	listenURL string
	pool      *pgxpool.Pool
	authz     *authz.Authorizer
	notify    *notify.Service
	identity  *identity.Service
	orgs      *org.Service
	consult   *consultation.Service
	budget    *budget.Service
	dialogue  *dialogue.Service
	box       *ballotbox.Box
	motions   *dialogue.Motions
	elections *dialogue.Elections
	minutes   *dialogue.Minutes
	// The Ambassador of Multiculturalism.
	ambassador *ambassador.Service
	// Attachments, and the Ambassador nominations' files on them.
	attach          *attach.Service
	ambassadorFiles *ambassador.Files
	// The programme's results declaration and its values' documents.
	programme      *programme.Service
	programmeFiles *programme.Files
	// Information pages.
	infopages *infopages.Service
	// The events calendar.
	events *events.Service
}

func newApp(ctx context.Context, c *config, pool *pgxpool.Pool, log *slog.Logger) (*app, error) {
	az, err := authz.New(ctx, pool, log)
	if err != nil {
		return nil, err
	}
	// One client inserts every service's River jobs (the workers run on
	// serve's own client).
	jobs, err := db.Jobs(pool, log)
	if err != nil {
		return nil, err
	}
	ns, err := notify.New(pool, jobs, notify.Config{PublicURL: c.PublicURL, From: c.MailFrom, SMTPURL: c.SMTPURL, DigestHour: 8}, log)
	if err != nil {
		return nil, err
	}
	ids := identity.New(pool, identity.Config{
		Argon2: c.Argon2, MaxConcurrentHashes: c.MaxHashes, SessionTTL: c.SessionTTL,
		IdentifierKey: c.IdentifierKey, IdentifierKeyID: c.IdentifierKeyID, PublicURL: c.PublicURL,
	}, ns, az)
	cs, err := consultation.New(pool, jobs, az, ns, log)
	if err != nil {
		return nil, err
	}
	ids.AddPersonalData(cs.PersonalData())
	box, err := ballotbox.New(pool, ballotbox.Config{Key: c.IdentifierKey, KeyID: c.IdentifierKeyID, Batch: c.BallotBatch}, log)
	if err != nil {
		return nil, err
	}
	bs, err := budget.New(pool, jobs, az, ns, ids.HashIdentifier, box, log)
	if err != nil {
		return nil, err
	}
	bs.SetGroupCommit(c.BallotGroup)
	ids.AddPersonalData(bs.PersonalData())
	ds := dialogue.New(pool, jobs, az, ns, log)
	ids.AddPersonalData(ds.PersonalData())
	ids.AddPersonalData(ds.MeetingPersonalData())
	ms := dialogue.NewMotions(ds, box, log)
	ms.Consultation = func(ctx context.Context, id uuid.UUID) error { _, err := cs.Get(ctx, id); return err }
	ids.AddPersonalData(ms.PersonalData())
	es := dialogue.NewElections(ds, box, log)
	ids.AddPersonalData(es.PersonalData())
	mn := dialogue.NewMinutes(ds, ms)
	ids.AddPersonalData(mn.PersonalData())
	// Bodies' opinions on consultations: asked and kept by dialogue, shown
	// in the consultation's report.
	cs.SetOpinions(ds.ReportOpinions)
	ids.AddPersonalData(ds.OpinionsPersonalData())
	// The Ambassador: jurors are invited through identity's invitations.
	amb := ambassador.New(pool, az, ns, ids, ambassador.Config{PublicURL: c.PublicURL}, log)
	amb.UseJobs(jobs) // editions' scheduled phase moves
	amb.UseBox(box)   // the audience vote's ballots and the jury's votes
	ids.AddPersonalData(amb.PersonalData())
	// Leaving an organisation ends its delegations in bodies.
	orgs := org.New(pool, az)
	orgs.OnLeave(ds.EndDelegations)
	// Attachments: bytes in PostgreSQL; the nominations' files on them (an
	// erased nominee's nominations lose theirs).
	files := attach.New(pool, nil, c.Attach)
	ids.AddPersonalData(files.PersonalData())
	ambFiles := ambassador.NewFiles(amb, files)
	ids.AddPersonalData(ambFiles.PersonalData())
	// The programme's indicators, computed from the domains' data, and the
	// documents behind entered values.
	prog := programme.New(pool, programme.Sources{TranslatedProcedures: infopages.TranslatedProcedures, Events: events.CountForYear}, log)
	progFiles := programme.NewFiles(prog, files)
	info := infopages.New(pool, az, log)
	ids.AddPersonalData(info.PersonalData())
	cal := events.New(pool, ns, events.Config{PublicURL: c.PublicURL}, log)
	ids.AddPersonalData(cal.PersonalData())
	return &app{log: log, pool: pool, authz: az, notify: ns, identity: ids, orgs: orgs, consult: cs,
		budget: bs, dialogue: ds, box: box, motions: ms, elections: es, minutes: mn, ambassador: amb,
		attach: files, ambassadorFiles: ambFiles, programme: prog, programmeFiles: progFiles, infopages: info,
		events: cal}, nil
}

// start is what every subcommand that uses the services does first: open the
// database (local or DATABASE_URL), apply migrations, build the services.
// stop closes the pool and stops a local PostgreSQL.
func start(ctx context.Context, c *config) (*app, func(), error) {
	log := newLogger(c)
	pool, listenURL, stop, err := database(ctx, c, log)
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx, pool); err != nil {
		stop()
		return nil, nil, err
	}
	a, err := newApp(ctx, c, pool, log)
	if err != nil {
		stop()
		return nil, nil, err
	}
	a.listenURL = listenURL
	return a, stop, nil
}

func runServe(ctx context.Context, args []string) error {
	c, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	a, stopDB, err := start(ctx, c)
	if err != nil {
		return err
	}
	defer stopDB()
	log, pool, listenURL := a.log, a.pool, a.listenURL
	defer metrics.RegisterPool("main", pool)()
	defer metrics.RegisterRiver(pool)()

	// Background parts live until the HTTP server has drained.
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBG()
	var wg sync.WaitGroup
	broker := live.NewBroker(listenURL, log)
	wg.Go(func() { _ = broker.Run(bg) })
	wg.Go(func() { _ = a.authz.Listen(bg, listenURL) })

	workers := river.NewWorkers()
	a.notify.Register(workers)
	a.consult.Register(workers)
	a.budget.Register(workers)
	a.dialogue.Register(workers)
	a.box.Register(workers)
	a.ambassador.Register(workers)
	poll.Register(workers, log, a.motions.Polls(), a.elections.Polls())
	purger := retention.New(pool, a.identity, a.notify, c.Retention, log)
	purger.Register(workers)
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: c.Workers}},
		JobTimeout:           c.JobTimeout,
		RescueStuckJobsAfter: c.JobRescueAfter,
		Workers:              workers,
		PeriodicJobs:         append(append(a.notify.PeriodicJobs(), purger.PeriodicJob()), append(a.budget.PeriodicJobs(), a.box.PeriodicJob())...),
		Logger:               log,
	})
	if err != nil {
		return fmt.Errorf("river: %w", err)
	}
	if err := rc.Start(bg); err != nil {
		return fmt.Errorf("start river: %w", err)
	}

	limits := graph.DefaultLimits()
	limits.Introspection = c.Introspection
	resolver := &graph.Resolver{
		Identity: a.identity, Orgs: a.orgs, Consultations: a.consult, Budget: a.budget, Dialogue: a.dialogue, Notify: a.notify, Authz: a.authz, Live: broker, Pool: pool, Log: log,
		TrustedProxies: c.TrustedProxies, Limits: limits,
		RateLimits: &graph.RateLimits{
			SignInIP: ratelimit.New(c.RateSignIn), SignInEmail: ratelimit.New(c.RateSignIn),
			SignUpIP: ratelimit.New(c.RateSignUp), AnonIP: ratelimit.New(c.RateAnon), Writes: ratelimit.New(c.RateWrites),
		},
	}
	resolver.DialogueMotions, resolver.DialogueElections = a.motions, a.elections
	resolver.DialogueMinutes = a.minutes
	resolver.Ambassador = a.ambassador
	resolver.Attachments, resolver.AmbassadorFiles = a.attach, a.ambassadorFiles
	resolver.Programmes, resolver.ProgrammeFiles = a.programme, a.programmeFiles
	resolver.InfoService = a.infopages
	resolver.Calendar = a.events
	mux := http.NewServeMux()
	// Requests (and so WebSockets) get their own context, ended before River
	// stops so that jobs can finish gracefully.
	reqCtx, stopReqs := context.WithCancel(bg)
	defer stopReqs()
	mux.Handle("/query", metrics.HTTP("/query", withDeadline(c.RequestTimeout, graph.NewHandler(resolver, graph.ServerConfig{
		Limits: limits, Live: c.Live, AllowedOrigins: c.AllowedOrigins, Logger: log, Lifetime: reqCtx,
		RequestTimeout: c.RequestTimeout,
	}))))
	// Approved minutes of body meetings as files, with the API's visibility.
	mux.Handle("GET /minutes/{meetingId}", metrics.HTTP("/minutes", withDeadline(c.RequestTimeout, resolver.MinutesExportHandler())))
	// Attachments, with the owning domain's visibility.
	mux.Handle("GET "+graph.PathAttachments+"{attachmentId}", metrics.HTTP("/attachments", withDeadline(c.RequestTimeout, resolver.AttachmentHandler())))
	// The web front end at "/" (the paths above and below are more specific
	// and win), and GraphiQL from our own files.
	site := web.New(web.Services{
		Identity: a.identity, Consultations: a.consult, Orgs: a.orgs, Notify: a.notify, Dialogue: a.dialogue, Motions: a.motions, Minutes: a.minutes, Ambassador: a.ambassador, Budget: a.budget, Authz: a.authz, Pool: pool, Programme: a.programme,
		Live: graph.PageSignals{R: resolver}, InfoPages: a.infopages,
		// The events calendar.
		Events: a.events,
	}, web.Config{
		PublicURL: c.PublicURL, TrustedProxies: c.TrustedProxies, SessionTTL: c.SessionTTL, Log: log,
		RateLimits: web.RateLimits{SignInIP: resolver.RateLimits.SignInIP, SignInEmail: resolver.RateLimits.SignInEmail,
			SignUpIP: resolver.RateLimits.SignUpIP, AnonIP: resolver.RateLimits.AnonIP},
	})
	mux.Handle("GET /graphiql", metrics.HTTP("/graphiql", site))
	mux.Handle("/", metrics.HTTP("/web", withDeadline(c.RequestTimeout, site)))
	mux.Handle("GET /healthz", metrics.HTTP("/healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})))
	mux.Handle("GET /readyz", metrics.HTTP("/readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := pool.Ping(cctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		if err := db.CheckMigrations(cctx, pool); err != nil {
			http.Error(w, "migrations pending", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})))
	if c.MetricsAddr == "" {
		mux.Handle("GET /metrics", metrics.Handler())
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	var mln net.Listener
	if c.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", c.MetricsAddr); err != nil {
			_ = ln.Close()
			return fmt.Errorf("metrics address: %w", err)
		}
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("otwarty serving", "addr", ln.Addr().String(), "env", c.Env)
	// Metrics stay out of the public address when a private one is given.
	var msrv *http.Server
	if mln != nil {
		mmux := http.NewServeMux()
		mmux.Handle("GET /metrics", metrics.Handler())
		// Profiles only on the private address: they reveal internals.
		mmux.HandleFunc("/debug/pprof/", pprof.Index)
		mmux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mmux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mmux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		msrv = &http.Server{Handler: mmux, ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- msrv.Serve(mln) }()
		log.Info("metrics serving", "addr", mln.Addr().String(), "paths", "/metrics /debug/pprof/")
	} else {
		log.Info("metrics serving on the main address, unauthenticated; set OTWARTY_METRICS_ADDR to keep them private", "path", "/metrics")
	}

	select {
	case err := <-errc:
		_ = srv.Close()
		if msrv != nil {
			_ = msrv.Close()
		}
		stopBG()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http drain incomplete", "err", err)
	}
	if msrv != nil {
		_ = msrv.Shutdown(sctx)
	}
	// WebSockets are hijacked and not drained by Shutdown: ending the
	// request context closes them with their subscriptions.
	stopReqs()
	if err := rc.Stop(sctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Warn("river stop", "err", err)
	}
	stopBG()
	wg.Wait()
	log.Info("stopped")
	return nil
}

// withDeadline bounds a request's context, and so its database work, to d:
// when PostgreSQL stops answering (frozen, or a network partition), a
// request answers an error once d has passed instead of hanging, and its
// pool connection is released. Left alone: WebSocket upgrades and file
// uploads, which graph bounds per operation and once the body has arrived
// (graph.ServerConfig.RequestTimeout), and the web pages' event streams,
// which have a lifetime of their own.
func withDeadline(d time.Duration, h http.Handler) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if websocket.IsWebSocketUpgrade(r) || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") ||
			strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			h.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
