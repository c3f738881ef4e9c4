package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

const benchUsage = `usage: otwarty bench live [flags]

Benchmarks the live layer (GraphQL subscriptions over WebSocket) of a real
"otwarty serve" with its own PostgreSQL, started by this command and stopped
at the end. See docs/benchmarks.md.`

const benchLiveUsage = `usage: otwarty bench live [--sizes 10,1000,5000,10000] [--events 20] [--out FILE]

Starts "otwarty serve" (this binary) on 127.0.0.1 with its own local
PostgreSQL in a fresh directory under /tmp (rate limits and WebSocket limits
off), seeds the demo, and sets up through the GraphQL API an edition in the
voting phase and an open consultation. For each size N it opens N anonymous
graphql-transport-ws sockets, each subscribed to ballotTurnout and to
consultationActivity, then casts --events ballots and creates --events
submissions one at a time, timing when every subscriber sees each change. It
reads the server's RSS from /proc and its goroutines, SQL statements, sockets
and subscriptions from /metrics, before, during and after. The table goes to
stdout and, as Markdown, to --out.`

// benchLiveOptions are the flags of "bench live".
type benchLiveOptions struct {
	sizes        []int
	events       int
	out          string
	timeout      time.Duration
	concurrency  int
	eventTimeout time.Duration
	settle       time.Duration
	restart      bool
	profile      string // directory for heap and goroutine profiles; "" takes none
}

// runBench is "otwarty bench".
func runBench(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "live" {
		fmt.Fprintln(os.Stderr, benchUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return errors.New("bench: want a benchmark name: live")
	}
	return benchLive(ctx, args[1:], os.Stdout, os.Stderr)
}

func benchLive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o benchLiveOptions
	sizes := fs.String("sizes", "10,1000,5000,10000", "numbers of subscribers (sockets), comma-separated")
	fs.IntVar(&o.events, "events", 20, "ballots and, separately, submissions per size")
	fs.StringVar(&o.out, "out", "", "also write the report as Markdown to this file")
	fs.DurationVar(&o.timeout, "timeout", 20*time.Minute, "the whole run's limit")
	fs.IntVar(&o.concurrency, "concurrency", 200, "sockets opened (and closed) at once")
	fs.DurationVar(&o.eventTimeout, "event-timeout", 10*time.Second, "time every subscriber has to see an event before it counts as lost")
	fs.DurationVar(&o.settle, "settle", 300*time.Millisecond, "added to each event's window before its SQL statements are counted")
	fs.BoolVar(&o.restart, "restart", true, "restart the server (same database) before each size, so that each size's RSS and goroutines start from a fresh process")
	fs.StringVar(&o.profile, "profile", "", "save the server's heap and goroutine profiles, with everyone subscribed, in this directory (heap-N.pb.gz, goroutine-N.txt)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, benchLiveUsage)
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("bench live: unexpected argument %q", fs.Arg(0))
	case o.events < 1 || o.events > 1000:
		return errors.New("--events must be 1 to 1000")
	case o.concurrency < 1:
		return errors.New("--concurrency must be at least 1")
	case o.eventTimeout <= 0 || o.timeout <= 0 || o.settle < 0:
		return errors.New("--event-timeout and --timeout must be positive, --settle not negative")
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	return runBenchLive(ctx, o, stdout, stderr)
}

// parseSizes reads "10,1000,5000" into positive numbers.
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 50000 {
			return nil, fmt.Errorf("--sizes: %q is not a number of subscribers from 1 to 50000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func runBenchLive(ctx context.Context, o benchLiveOptions, stdout, stderr io.Writer) (err error) {
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "bench live: "+format+"\n", args...) }
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	srv, err := newBenchServer(bin)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			fmt.Fprintf(stderr, "--- server log (tail) ---\n%s\n", srv.logTail(8<<10))
		}
		srv.close()
	}()
	logf("server on %s, PostgreSQL in %s", srv.addr, srv.dataDir)
	if err := srv.start(ctx); err != nil {
		return err
	}
	if err := srv.seed(ctx); err != nil {
		return err
	}
	// A ballot per event, and one per size for the warm-up.
	fx, err := setUpBenchFixture(ctx, srv.queryURL(), (o.events+1)*len(o.sizes))
	if err != nil {
		return err
	}
	logf("edition %s (voting open, %d codes), consultation %s", fx.editionID, len(fx.codes), fx.consultID)

	var results []liveResult
	for i, n := range o.sizes {
		if i > 0 && o.restart {
			if err := srv.restart(ctx); err != nil {
				return err
			}
		}
		logf("size %d: opening %d sockets", n, n)
		r, err := measureSize(ctx, srv, fx, n, o, logf)
		if err != nil {
			return fmt.Errorf("size %d: %w", n, err)
		}
		results = append(results, r)
		logf("size %d: %s", n, r.summary())
	}
	report := liveReport(o, results)
	fmt.Fprint(stdout, report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
		logf("report written to %s", o.out)
	}
	return nil
}
