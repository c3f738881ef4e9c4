package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/otwarty/otwarty/internal/replay"
)

// Waits of one size, besides the event timeout.
const (
	benchReadyWait   = 2 * time.Minute        // all first turnouts after the sockets are open
	benchSettle      = time.Second            // after subscribing, before reading RSS and metrics
	benchIdleWindow  = 2 * time.Second        // statements counted with subscribers and no event
	benchAfterClose  = 2 * time.Second        // after closing, before reading the metrics again
	benchPollEvery   = 5 * time.Millisecond   // checking whether everyone has an event
	benchMetricsWait = 10 * time.Second       // for the server to count every subscription
	benchWarmUpWait  = 10 * time.Second       // the warm-up subscriber's first turnout
	benchMetricPause = 100 * time.Millisecond // between /metrics polls
)

// The metrics the benchmark reads.
const (
	mGoroutines    = "go_goroutines"
	mStatements    = "otwarty_db_statements_total"
	mSockets       = "otwarty_ws_sockets"
	mSubscriptions = "otwarty_ws_subscriptions"
	mHeapInuse     = "go_memstats_heap_inuse_bytes"
	mStackInuse    = "go_memstats_stack_inuse_bytes"
)

// eventKind is what an event changes: the turnout or the consultation.
type eventKind int

const (
	turnoutEvent eventKind = iota
	activityEvent
)

// liveEvent is one triggered change and its window.
type liveEvent struct {
	kind       eventKind
	t0         int64  // the mutation's answer arrived (benchClock)
	deadline   int64  // t0 + event timeout
	target     int    // turnout: the count after the ballot
	submission string // activity: the new submission's ID
	statements optFloat
	window     time.Duration // over which statements were counted
}

// seenBy reports whether s has received the event.
func (e *liveEvent) seenBy(s *liveSubscriber) bool {
	if e.kind == turnoutEvent {
		return s.sawTurnout(e.target)
	}
	return s.activityReceipt(e.submission) != 0
}

// receipt is when s received the event (0: never).
func (e *liveEvent) receipt(s *liveSubscriber, k int) int64 {
	if e.kind == turnoutEvent {
		return s.turnoutReceipt(k)
	}
	return s.activityReceipt(e.submission)
}

// delayStats summarises the delays of one kind of event over all
// subscribers and events.
type delayStats struct {
	p50, p99, max time.Duration
	received      int
	lost          int           // subscriber × event pairs not received before the timeout
	statements    optFloat      // per event
	window        time.Duration // mean
}

// liveResult is one size's measurements.
type liveResult struct {
	n          int
	opened     int
	failed     int64
	failures   string
	openTime   time.Duration
	sockets    optFloat // the server's count with everyone subscribed
	subs       optFloat
	rssKB      [2]int64    // before opening, after subscribing
	heap       [2]optFloat // Go heap in use, bytes
	stack      [2]optFloat // goroutine stacks in use, bytes
	goroutines [2]optFloat
	idleStmts  optFloat    // per second
	cpu        [2]optFloat // seconds of CPU over the events: server, benchmark client
	turnout    delayStats
	activity   delayStats
	events     int
	closed     [3]optFloat // sockets, subscriptions, goroutines after closing
	baseline   [3]optFloat // the same before opening
}

func (r *liveResult) perSub(v float64) float64 { return v / float64(max(r.opened, 1)) }

func (r *liveResult) summary() string {
	return fmt.Sprintf("%d sockets open in %.1f s; turnout p50 %.0f p99 %.0f ms, activity p50 %.0f p99 %.0f ms; lost %d/%d; RSS %.1f KB per subscriber",
		r.opened, r.openTime.Seconds(), ms(r.turnout.p50), ms(r.turnout.p99), ms(r.activity.p50), ms(r.activity.p99),
		r.turnout.lost, r.activity.lost, r.perSub(float64(r.rssKB[1]-r.rssKB[0])))
}

// sizeRun is the measurement of one size, phase by phase.
type sizeRun struct {
	srv  *benchServer
	fx   *benchFixture
	o    benchLiveOptions
	logf func(string, ...any)

	r    liveResult
	m0   promSums // before opening
	sh   *subscriberShared
	subs []*liveSubscriber
}

// measureSize opens n subscribers, measures, triggers the events one at a
// time, and closes them again.
func measureSize(ctx context.Context, srv *benchServer, fx *benchFixture, n int, o benchLiveOptions, logf func(string, ...any)) (liveResult, error) {
	run := &sizeRun{srv: srv, fx: fx, o: o, logf: logf, r: liveResult{n: n, events: o.events}}
	defer func() { closeSubscribers(run.subs, o.concurrency) }() // a no-op after closeAll
	for _, phase := range []func(context.Context) error{run.baseline, run.subscribe, run.idle, run.events, run.closeAll} {
		if err := phase(ctx); err != nil {
			return run.r, err
		}
	}
	return run.r, nil
}

// baseline warms the fresh server up and reads it before any subscriber.
func (run *sizeRun) baseline(ctx context.Context) error {
	if err := warmUp(ctx, run.srv, run.fx); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	if err := sleep(ctx, benchSettle); err != nil {
		return err
	}
	run.m0 = run.metrics(ctx)
	run.r.baseline = [3]optFloat{run.m0.get(mSockets), run.m0.get(mSubscriptions), run.m0.get(mGoroutines)}
	var err error
	run.r.rssKB[0], err = run.srv.settledRSS(ctx)
	return err
}

// subscribe opens the sockets, waits for every first turnout and for the
// server to count the subscriptions, settles, and reads the server again.
func (run *sizeRun) subscribe(ctx context.Context) error {
	r, n := &run.r, run.r.n
	run.sh = &subscriberShared{clock: benchClock{time.Now()}, url: "ws://" + run.srv.addr + "/query",
		edition: run.fx.editionID, consult: run.fx.consultID, base: run.fx.ballots, events: run.o.events}
	start := time.Now()
	var err error
	if run.subs, err = openSubscribers(ctx, run.sh, n, run.o.concurrency); err != nil {
		return err
	}
	r.openTime, r.opened = time.Since(start), len(run.subs)
	if len(run.subs) == 0 {
		return fmt.Errorf("%w: %s", errNoSubscriber, run.sh.failureSummary())
	}
	if err := waitReady(ctx, run.sh, len(run.subs), benchReadyWait); err != nil {
		return err
	}
	if f := run.sh.failed.Load(); f > 0 {
		run.logf("size %d: %d subscribers failed: %s", n, f, run.sh.failureSummary())
	}
	run.logf("size %d: %d subscribed in %.1f s", n, len(run.subs), r.openTime.Seconds())
	waitServerCount(ctx, run.srv, run.m0.get(mSubscriptions).v+float64(2*len(run.subs)))
	if err := sleep(ctx, benchSettle); err != nil {
		return err
	}
	if r.rssKB[1], err = run.srv.settledRSS(ctx); err != nil {
		return err
	}
	m1 := run.metrics(ctx)
	r.sockets, r.subs = m1.get(mSockets), m1.get(mSubscriptions)
	r.goroutines = [2]optFloat{run.m0.get(mGoroutines), m1.get(mGoroutines)}
	r.heap = [2]optFloat{run.m0.get(mHeapInuse), m1.get(mHeapInuse)}
	r.stack = [2]optFloat{run.m0.get(mStackInuse), m1.get(mStackInuse)}
	if run.o.profile != "" {
		for _, p := range []struct{ name, query, file string }{
			{"heap", "gc=1", fmt.Sprintf("heap-%d.pb.gz", n)},
			{"goroutine", "debug=1", fmt.Sprintf("goroutine-%d.txt", n)},
		} {
			if err := run.srv.saveProfile(ctx, p.name, p.query, filepath.Join(run.o.profile, p.file)); err != nil {
				return fmt.Errorf("profile: %w", err)
			}
		}
		run.logf("size %d: profiles in %s", n, run.o.profile)
	}
	return nil
}

// idle counts the statements per second with everyone subscribed and no
// event.
func (run *sizeRun) idle(ctx context.Context) error {
	before := run.metrics(ctx).get(mStatements)
	if err := sleep(ctx, benchIdleWindow); err != nil {
		return err
	}
	if d := diff(before, run.metrics(ctx).get(mStatements)); d.ok {
		run.r.idleStmts = some(d.v / benchIdleWindow.Seconds())
	}
	return nil
}

// events alternates a ballot and a submission, --events times, and
// summarises the receipts.
func (run *sizeRun) events(ctx context.Context) error {
	cpu0 := [2]optFloat{cpuSeconds(run.srv.pid()), cpuSeconds(os.Getpid())}
	var events []*liveEvent
	for range run.o.events {
		for _, kind := range []eventKind{turnoutEvent, activityEvent} {
			ev, err := runEvent(ctx, run.srv, run.fx, run.sh, run.subs, kind, run.o, run.logf)
			if err != nil {
				return err
			}
			events = append(events, ev)
		}
	}
	r := &run.r
	r.cpu = [2]optFloat{diff(cpu0[0], cpuSeconds(run.srv.pid())), diff(cpu0[1], cpuSeconds(os.Getpid()))}
	r.turnout = summarise(events, run.subs, turnoutEvent)
	r.activity = summarise(events, run.subs, activityEvent)
	r.failed, r.failures = run.sh.failed.Load(), run.sh.failureSummary()
	return nil
}

// closeAll closes every socket and reads what is left on the server.
func (run *sizeRun) closeAll(ctx context.Context) error {
	closeSubscribers(run.subs, run.o.concurrency)
	if err := sleep(ctx, benchAfterClose); err != nil {
		return err
	}
	m := run.metrics(ctx)
	run.r.closed = [3]optFloat{m.get(mSockets), m.get(mSubscriptions), m.get(mGoroutines)}
	return nil
}

func (run *sizeRun) metrics(ctx context.Context) promSums { return readMetrics(ctx, run.srv, run.logf) }

// warmUp opens one subscriber and triggers one event of each kind, so that
// what a fresh process starts on first use (database connections, job
// workers, the mutations' kept-alive HTTP connections) belongs to the
// baseline and is not counted per subscriber.
func warmUp(ctx context.Context, srv *benchServer, fx *benchFixture) error {
	sh := &subscriberShared{clock: benchClock{time.Now()}, url: "ws://" + srv.addr + "/query",
		edition: fx.editionID, consult: fx.consultID, base: fx.ballots}
	s, err := dialSubscriber(ctx, sh)
	if err != nil {
		return err
	}
	defer s.close()
	if err := waitReady(ctx, sh, 1, benchWarmUpWait); err != nil {
		return err
	}
	if _, err := fx.castBallot(ctx); err != nil {
		return err
	}
	if _, err := fx.createSubmission(ctx); err != nil {
		return err
	}
	if err := sleep(ctx, benchSettle); err != nil {
		return err
	}
	if sh.failed.Load() > 0 {
		return errors.New(sh.failureSummary())
	}
	return nil
}

// readMetrics reads /metrics; without it every metric reads n/a.
func readMetrics(ctx context.Context, srv *benchServer, logf func(string, ...any)) promSums {
	m, err := srv.metrics(ctx)
	if err != nil {
		srv.noMetrics.Do(func() { logf("cannot read the server's /metrics (%v): those columns say n/a", err) })
		return promSums{}
	}
	return m
}

// waitServerCount waits (briefly) until the server counts want
// subscriptions; a server without the metric is not waited for.
func waitServerCount(ctx context.Context, srv *benchServer, want float64) {
	deadline := time.Now().Add(benchMetricsWait)
	for time.Now().Before(deadline) {
		m, err := srv.metrics(ctx)
		if err != nil {
			return
		}
		if got := m.get(mSubscriptions); !got.ok || got.v >= want {
			return
		}
		if sleep(ctx, benchMetricPause) != nil {
			return
		}
	}
}

// runEvent triggers one change and waits until every subscriber has it
// (or the timeout), then settles and counts the window's SQL statements.
func runEvent(ctx context.Context, srv *benchServer, fx *benchFixture, sh *subscriberShared, subs []*liveSubscriber,
	kind eventKind, o benchLiveOptions, logf func(string, ...any)) (*liveEvent, error) {
	before := readMetrics(ctx, srv, logf).get(mStatements)
	start := time.Now()
	ev := &liveEvent{kind: kind}
	var err error
	if kind == turnoutEvent {
		ev.target, err = fx.castBallot(ctx)
	} else {
		ev.submission, err = fx.createSubmission(ctx)
	}
	if err != nil {
		return nil, err
	}
	ev.t0 = sh.clock.now()
	ev.deadline = ev.t0 + int64(o.eventTimeout)
	if err := waitEveryone(ctx, subs, ev, sh.clock); err != nil {
		return nil, err
	}
	if err := sleep(ctx, o.settle); err != nil {
		return nil, err
	}
	ev.statements = diff(before, readMetrics(ctx, srv, logf).get(mStatements))
	ev.window = time.Since(start)
	return ev, nil
}

// waitEveryone polls the subscribers still waiting until none is left or
// the event's deadline passes. Closed sockets stop being waited for.
func waitEveryone(ctx context.Context, subs []*liveSubscriber, ev *liveEvent, clock benchClock) error {
	pending := append([]*liveSubscriber(nil), subs...)
	for len(pending) > 0 && clock.now() < ev.deadline {
		left := pending[:0]
		for _, s := range pending {
			if !ev.seenBy(s) && !s.closing.Load() {
				left = append(left, s)
			}
		}
		pending = left
		if len(pending) > 0 {
			if err := sleep(ctx, benchPollEvery); err != nil {
				return err
			}
		}
	}
	return nil
}

// summarise computes the delays of one kind of event: per subscriber and
// event, receipt minus the mutation's answer, as measured (a receipt may
// precede the answer); a receipt after the timeout, or none, is lost.
func summarise(events []*liveEvent, subs []*liveSubscriber, kind eventKind) delayStats {
	var st delayStats
	var delays []time.Duration
	var stmts float64
	var window time.Duration
	stmtsOK, k := true, 0
	for _, ev := range events {
		if ev.kind != kind {
			continue
		}
		for _, s := range subs {
			at := ev.receipt(s, k)
			if at == 0 || at > ev.deadline {
				st.lost++
				continue
			}
			delays = append(delays, time.Duration(at-ev.t0))
		}
		stmts += ev.statements.v
		window += ev.window
		stmtsOK = stmtsOK && ev.statements.ok
		k++
	}
	st.received = len(delays)
	st.p50, st.p99, st.max = replay.Percentile(delays, 50), replay.Percentile(delays, 99), replay.Percentile(delays, 100)
	if k > 0 {
		st.statements = optFloat{stmts / float64(k), stmtsOK}
		st.window = window / time.Duration(k)
	}
	return st
}

// cpuSeconds is a process's CPU time so far, n/a where /proc cannot say.
func cpuSeconds(pid int) optFloat {
	d, err := cpuTime(pid)
	return optFloat{d.Seconds(), err == nil}
}

// failureLines formats the failures for the report.
func failureLines(results []liveResult) string {
	var b strings.Builder
	for _, r := range results {
		if r.failures != "" {
			fmt.Fprintf(&b, "- N=%d: %d subscribers failed: %s\n", r.n, r.failed, r.failures)
		}
	}
	return b.String()
}
