package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
	"github.com/otwarty/otwarty/graph/gid"
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
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/programme"
	"github.com/otwarty/otwarty/internal/ratelimit"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bundle is a real API server on a fresh database: every service, River
// working jobs, the live broker and the Casbin listener.
type bundle struct {
	url      string
	srv      *httptest.Server
	pool     *pgxpool.Pool
	identity *identity.Service
	authz    *authz.Authorizer
	resolver *graph.Resolver
	consult  *consultation.Service
	budget   *budget.Service
	dialogue *dialogue.Service
	queries  *queryCounter
}

type setupOpts struct {
	rate *graph.RateLimits
	live *graph.LiveLimits
	wrap func(http.Handler) http.Handler
	// boxBatch is the ballot box's batch; 1 (each ballot mixed as it is
	// cast) when zero.
	boxBatch int
}

func setup(t testing.TB, opts ...func(*setupOpts)) *bundle {
	t.Helper()
	var o setupOpts
	for _, f := range opts {
		f(&o)
	}
	url := pgtest.URL(t)
	pcfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	counter := &queryCounter{}
	pcfg.ConnConfig.Tracer = counter
	db.EncodeUUIDs(pcfg) // as db.Open configures every pool
	pool, err := pgxpool.NewWithConfig(context.Background(), pcfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.DiscardHandler)

	az, err := authz.New(ctx, pool, log)
	require.NoError(t, err)
	ns, err := notify.New(pool, pgtest.Jobs(t, pool), notify.Config{PublicURL: "https://otwarty.test"}, log)
	require.NoError(t, err)
	ids := identity.New(pool, identity.Config{Argon2: identity.TestArgon2(), IdentifierKey: []byte("test-identifier-key-0123456789abcdef"),
		IdentifierKeyID: "t1", PublicURL: "https://otwarty.test"}, ns, az)
	broker := live.NewBroker(url, log)
	done := make(chan struct{}, 2)
	go func() { _ = broker.Run(ctx); done <- struct{}{} }()
	go func() { _ = az.Listen(ctx, url); done <- struct{}{} }()
	<-broker.Ready()

	// River and its workers use a pool of their own, so that the statement
	// counter sees only what the API sends.
	riverPool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(riverPool.Close)
	nsWorkers, err := notify.New(riverPool, pgtest.Jobs(t, riverPool), notify.Config{PublicURL: "https://otwarty.test"}, log)
	require.NoError(t, err)
	workers := river.NewWorkers()
	nsWorkers.Register(workers)
	csWorkers, err := consultation.New(riverPool, pgtest.Jobs(t, riverPool), az, nsWorkers, log)
	require.NoError(t, err)
	csWorkers.Register(workers)
	// A ballot box batch of one: each ballot is written out as it is cast,
	// so that standings move at once.
	boxConfig := ballotbox.Config{Key: []byte(strings.Repeat("graph-test-box-key-", 2)), KeyID: "k1", Batch: 1}
	if o.boxBatch > 0 {
		boxConfig.Batch = o.boxBatch
	}
	boxWorkers, err := ballotbox.New(riverPool, boxConfig, log)
	require.NoError(t, err)
	bsWorkers, err := budget.New(riverPool, pgtest.Jobs(t, riverPool), az, nsWorkers, ids.HashIdentifier, boxWorkers, log)
	require.NoError(t, err)
	bsWorkers.Register(workers)
	dsWorkers := dialogue.New(riverPool, pgtest.Jobs(t, riverPool), az, nsWorkers, log)
	dsWorkers.Register(workers)
	ambassador.New(riverPool, az, nsWorkers, nil, ambassador.Config{PublicURL: "https://otwarty.test"}, log).Register(workers)
	// The workers' box opens the audience vote's ballots too.
	ambassador.New(riverPool, az, nsWorkers, nil, ambassador.Config{PublicURL: "https://otwarty.test"}, log).UseBox(boxWorkers)
	poll.Register(workers, log, dialogue.NewMotions(dsWorkers, boxWorkers, log).Polls(),
		dialogue.NewElections(dsWorkers, boxWorkers, log).Polls())
	rc, err := river.NewClient(riverpgxv5.New(riverPool), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}, Workers: workers,
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond, Logger: log,
	})
	require.NoError(t, err)
	require.NoError(t, rc.Start(ctx))

	limits := graph.DefaultLimits()
	rate := o.rate
	if rate == nil {
		open := ratelimit.Rule{}
		rate = &graph.RateLimits{SignInIP: ratelimit.New(open), SignInEmail: ratelimit.New(open), SignUpIP: ratelimit.New(open),
			AnonIP: ratelimit.New(open), Writes: ratelimit.New(open)}
	}
	cs, err := consultation.New(pool, pgtest.Jobs(t, pool), az, ns, log)
	require.NoError(t, err)
	ids.AddPersonalData(cs.PersonalData())
	box, err := ballotbox.New(pool, boxConfig, log)
	require.NoError(t, err)
	bs, err := budget.New(pool, pgtest.Jobs(t, pool), az, ns, ids.HashIdentifier, box, log)
	require.NoError(t, err)
	ids.AddPersonalData(bs.PersonalData())
	ds := dialogue.New(pool, pgtest.Jobs(t, pool), az, ns, log)
	ids.AddPersonalData(ds.PersonalData())
	ids.AddPersonalData(ds.MeetingPersonalData()) // as otwarty serve wires it
	ms := dialogue.NewMotions(ds, box, log)
	ms.Consultation = func(ctx context.Context, id uuid.UUID) error { _, err := cs.Get(ctx, id); return err }
	ids.AddPersonalData(ms.PersonalData())
	es := dialogue.NewElections(ds, box, log)
	ids.AddPersonalData(es.PersonalData())
	cs.SetOpinions(ds.ReportOpinions)
	ids.AddPersonalData(ds.OpinionsPersonalData())
	r := &graph.Resolver{Identity: ids, Orgs: org.New(pool, az), Consultations: cs, Budget: bs, Dialogue: ds, Notify: ns, Authz: az, Live: broker, Pool: pool, Log: log,
		Limits: limits, RateLimits: rate,
		// Pages are checked for a constant number of statements: one batch
		// per loader even when the race detector slows the resolvers.
		BatchWait: 50 * time.Millisecond}
	r.DialogueMotions, r.DialogueElections = ms, es
	r.Orgs.OnLeave(ds.EndDelegations)
	r.DialogueMinutes = dialogue.NewMinutes(ds, ms)
	ids.AddPersonalData(r.DialogueMinutes.PersonalData())
	r.Ambassador = ambassador.New(pool, az, ns, ids, ambassador.Config{PublicURL: "https://otwarty.test"}, log)
	r.Programmes = programme.New(pool, programme.Sources{TranslatedProcedures: infopages.TranslatedProcedures, Events: events.CountForYear}, log)
	r.Ambassador.UseJobs(pgtest.Jobs(t, pool))
	r.Ambassador.UseBox(box)
	ids.AddPersonalData(r.Ambassador.PersonalData())
	r.Attachments = attach.New(pool, nil, attach.Limits{MaxBytes: testAttachMaxBytes, MaxPerOwner: 3, Types: attach.AllTypes})
	ids.AddPersonalData(r.Attachments.PersonalData())
	r.AmbassadorFiles = ambassador.NewFiles(r.Ambassador, r.Attachments)
	r.ProgrammeFiles = programme.NewFiles(r.Programmes, r.Attachments)
	ids.AddPersonalData(r.AmbassadorFiles.PersonalData())
	r.InfoService = infopages.New(pool, az, log)
	r.Calendar = events.New(pool, ns, events.Config{PublicURL: "https://otwarty.test"}, log)
	ids.AddPersonalData(r.InfoService.PersonalData())
	ids.AddPersonalData(r.Calendar.PersonalData())
	liveLimits := graph.DefaultLiveLimits()
	if o.live != nil {
		liveLimits = *o.live
	}
	// Sockets outlive their HTTP handler: the test's end closes them (1001)
	// before anything they use goes away.
	life, endLife := context.WithCancel(context.Background())
	var h http.Handler = graph.NewHandler(r, graph.ServerConfig{Limits: limits, Live: liveLimits, Logger: log,
		PingInterval: time.Second, Lifetime: life})
	if o.wrap != nil {
		h = o.wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		endLife()
		srv.CloseClientConnections()
		srv.Close()
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		_ = rc.Stop(sctx)
		cancel()
		<-done
		<-done
	})
	return &bundle{url: srv.URL + "/query", srv: srv, pool: pool, identity: ids, authz: az, resolver: r, consult: cs, budget: bs, dialogue: ds, queries: counter}
}

// queryCounter counts the SQL statements sent through the API's pool.
type queryCounter struct {
	n   atomic.Int64
	mu  sync.Mutex
	sql []string
}

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	c.mu.Lock()
	c.sql = append(c.sql, d.SQL)
	c.mu.Unlock()
	return ctx
}

// since returns the statements sent after the first n.
func (c *queryCounter) since(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sql[n:]...)
}

// fewestStatements runs a statement count three times and keeps the
// shortest: the loaders batch by a short wait, and on a loaded machine an
// item's goroutine may miss its batch once; an N+1 shows in every run.
func fewestStatements(count func() []string) []string {
	best := count()
	for range 2 {
		if again := count(); len(again) < len(best) {
			best = again
		}
	}
	return best
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status int
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

type reqOpt func(*http.Request)

func withToken(token string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func withLanguage(lang string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Accept-Language", lang) }
}

// gql posts one operation and decodes the response, whatever its status.
// runScheduledNow makes the scheduled phase move of kind for the object
// with global ID object (e.g. the close of a vote) run now, as if its time
// had come.
func (b *bundle) runScheduledNow(t testing.TB, kind, object string) {
	t.Helper()
	_, id, ok := gid.Decode(object)
	require.True(t, ok, "not a global ID: %q", object)
	pgtest.RunScheduledNow(t, b.pool, kind, id.String())
}

func (b *bundle) gql(t testing.TB, query string, vars map[string]any, opts ...reqOpt) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return b.raw(t, "application/json", body, opts...)
}

func (b *bundle) raw(t testing.TB, contentType string, body []byte, opts ...reqOpt) gqlResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	for _, o := range opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := gqlResponse{Status: resp.StatusCode}
	if len(data) > 0 && data[0] == '{' {
		require.NoError(t, json.Unmarshal(data, &out), string(data))
	}
	return out
}

// signUp creates an account through the API and returns its token.
func (b *bundle) signUp(t testing.TB, email string) string {
	t.Helper()
	res := b.gql(t, `mutation($in: SignUpInput!) { signUp(input: $in) { token } }`, map[string]any{"in": map[string]any{
		"email": email, "password": "correct horse battery", "displayName": "Tester", "locale": "EN"}})
	require.Empty(t, res.Errors)
	return res.Data["signUp"].(map[string]any)["token"].(string)
}
