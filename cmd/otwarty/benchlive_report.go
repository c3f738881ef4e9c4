package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// liveReport formats the results as Markdown: the settings, one table row
// per size, and what the columns mean.
func liveReport(o benchLiveOptions, results []liveResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# otwarty bench live, %s\n\n", time.Now().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- machine: %s; the benchmark client, the server and its PostgreSQL share it\n", machine())
	fmt.Fprintf(&b, "- every socket is anonymous and holds two subscriptions: ballotTurnout and consultationActivity\n")
	fmt.Fprintf(&b, "- per size: %d ballots (castBallotWithCode) and %d submissions (createSubmission), alternating, one at a time\n", o.events, o.events)
	fmt.Fprintf(&b, "- event timeout %v, settle %v, sockets opened %d at a time, server restarted before each size: %v\n\n",
		o.eventTimeout, o.settle, o.concurrency, o.restart)
	b.WriteString("| N | sockets open (client / server) | subscriptions (server) | turnout delay p50 / p99 / max, ms | activity delay p50 / p99 / max, ms | lost turnout / activity | RSS per subscriber, KB | Go heap + stacks per subscriber, KB | goroutines per subscriber | SQL per turnout event (window) | SQL per activity event (window) | SQL per second, idle | CPU during events, s: server / client | after close: sockets / subscriptions / goroutines (before) |\n")
	b.WriteString("|---:|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %d | %d / %s | %s | %s | %s | %d / %d of %d | %.1f | %s | %s | %s | %s | %s | %s | %s |\n",
			r.n, r.opened, r.sockets.format("%.0f"), r.subs.format("%.0f"),
			delays(r.turnout), delays(r.activity),
			r.turnout.lost, r.activity.lost, r.opened*r.events,
			r.perSub(float64(r.rssKB[1]-r.rssKB[0])),
			perSub(r, diff(r.heap[0], r.heap[1]), 1.0/1024, "%.1f")+" + "+perSub(r, diff(r.stack[0], r.stack[1]), 1.0/1024, "%.1f"),
			perSub(r, diff(r.goroutines[0], r.goroutines[1]), 1, "%.2f"),
			statements(r.turnout), statements(r.activity), r.idleStmts.format("%.1f"),
			r.cpu[0].format("%.1f")+" / "+r.cpu[1].format("%.1f"), afterClose(r))
	}
	b.WriteString(`
- delay: for every subscriber and event, when the first message showing the change arrived (turnout: a
  count at least the new one; activity: submission_added with the new submission's ID) minus when the
  mutation's HTTP answer arrived; negative when the event overtook the answer. Over all subscribers × events.
- lost: subscriber × event pairs not received within the event timeout.
- RSS: the server process's VmRSS (not PostgreSQL's) with everyone subscribed minus before opening, per socket;
  Go heap + stacks: go_memstats_heap_inuse_bytes and go_memstats_stack_inuse_bytes, the same way.
- goroutines: go_goroutines with everyone subscribed minus before, per socket.
- SQL per event: otwarty_db_statements_total from just before the mutation to when every subscriber had the
  event plus the settle, so it includes the mutation's own statements and any poller tick in the window.
  The window is the mean time over which they were counted. SQL per second, idle: with everyone subscribed
  and nothing happening, for comparison.
- CPU: user + system time of the server process (not PostgreSQL) and of this benchmark process over the events.
- n/a: the server's /metrics did not have the metric.
`)
	if f := failureLines(results); f != "" {
		b.WriteString("\nfailures:\n" + f)
	}
	return b.String()
}

func delays(s delayStats) string {
	if s.received == 0 {
		return "none received"
	}
	return fmt.Sprintf("%.0f / %.0f / %.0f", ms(s.p50), ms(s.p99), ms(s.max))
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func statements(s delayStats) string {
	return fmt.Sprintf("%s (%.1f s)", s.statements.format("%.1f"), s.window.Seconds())
}

func perSub(r liveResult, v optFloat, scale float64, verb string) string {
	if !v.ok {
		return "n/a"
	}
	return fmt.Sprintf(verb, r.perSub(v.v*scale))
}

func afterClose(r liveResult) string {
	f := func(v [3]optFloat) string {
		return v[0].format("%.0f") + " / " + v[1].format("%.0f") + " / " + v[2].format("%.0f")
	}
	return f(r.closed) + " (" + f(r.baseline) + ")"
}

// machine describes the CPUs and memory, from /proc where it can.
func machine() string {
	model, mem := "", ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = " (" + strings.TrimSpace(v) + ")"
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%d CPUs%s%s, %s", runtime.NumCPU(), model, mem, runtime.Version())
}
