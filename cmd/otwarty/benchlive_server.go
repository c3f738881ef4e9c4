package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otwarty/otwarty/internal/child"
)

// Limits of the server child's life.
const (
	benchReadyTimeout = 90 * time.Second // from process start to /readyz 200
	benchStopTimeout  = 20 * time.Second // from SIGINT to exit, before SIGKILL
)

// benchServer is the "otwarty serve" child of a benchmark, with its local
// PostgreSQL in a directory of its own that outlives restarts.
type benchServer struct {
	bin     string
	work    string // removed by close
	dataDir string
	addr    string // 127.0.0.1:PORT
	private string // 127.0.0.1:PORT of /metrics and /debug/pprof (OTWARTY_METRICS_ADDR)
	logPath string
	http    *http.Client

	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited

	noMetrics sync.Once // a missing /metrics is said once
}

// newBenchServer picks a port and makes the work directory. The directory
// is under /tmp and mode 0755: as root the local PostgreSQL runs as the
// postgres user, who must reach its data and socket (and the socket path
// must stay short).
func newBenchServer(bin string) (*benchServer, error) {
	work, err := os.MkdirTemp("/tmp", "otw-live-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(work, 0o755); err != nil {
		return nil, err
	}
	var addrs [2]string
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		addrs[i] = l.Addr().String()
	}
	return &benchServer{bin: bin, work: work, dataDir: filepath.Join(work, "data"), addr: addrs[0], private: addrs[1],
		logPath: filepath.Join(work, "serve.log"), http: &http.Client{Timeout: 10 * time.Second}}, nil
}

func (s *benchServer) queryURL() string { return "http://" + s.addr + "/query" }

// env is the child's environment: ours without any otwarty or database
// setting, plus the benchmark's.
func (s *benchServer) env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "OTWARTY_") || k == "DATABASE_URL" || k == "DATABASE_LISTEN_URL" {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "OTWARTY_ENV=test", "OTWARTY_DATA_DIR="+s.dataDir, "OTWARTY_LOG_LEVEL=warn"), extra...)
}

// start runs "otwarty serve" and waits until /readyz answers 200.
func (s *benchServer) start(ctx context.Context) error {
	logFile, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(s.bin, "serve", "--addr", s.addr)
	cmd.Env = s.env(
		"OTWARTY_RATE_ANONYMOUS=0/0", "OTWARTY_RATE_WRITES=0/0", "OTWARTY_RATE_SIGNIN=0/0", "OTWARTY_RATE_SIGNUP=0/0",
		"OTWARTY_WS_MAX_SOCKETS_PER_IP=0", "OTWARTY_WS_MAX_SOCKETS_PER_ACCOUNT=0", "OTWARTY_WS_SUBSCRIBE_RATE=0/0",
		"OTWARTY_SHUTDOWN_TIMEOUT=5s", "OTWARTY_METRICS_ADDR="+s.private,
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = benchSysProcAttr()
	waited, err := child.Start(cmd) // the parent-death signal follows the forking thread
	if err != nil {
		return fmt.Errorf("start the server: %w", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func(done chan struct{}) { <-waited; close(done) }(s.done)
	return s.waitReady(ctx)
}

func (s *benchServer) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(benchReadyTimeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.addr+"/readyz", nil)
		if resp, err := s.http.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("the server exited at start-up: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server was not ready within %v", benchReadyTimeout)
		}
	}
}

// stop interrupts the server (which stops its PostgreSQL) and kills it if
// it has not exited in time.
func (s *benchServer) stop() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(benchStopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *benchServer) restart(ctx context.Context) error {
	s.stop()
	return s.start(ctx)
}

// close stops the server and removes the work directory.
func (s *benchServer) close() {
	s.stop()
	_ = os.RemoveAll(s.work)
}

func (s *benchServer) logTail(n int64) string {
	f, err := os.Open(s.logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > n {
		_, _ = f.Seek(st.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

// seed runs "otwarty seed --demo" on the server's PostgreSQL through its
// Unix socket, as scripts/bench-replay does.
func (s *benchServer) seed(ctx context.Context) error {
	sock := filepath.Join(s.dataDir, "run")
	dbURL := "postgres://postgres@/postgres?host=" + url.QueryEscape(sock) + "&port=5432&sslmode=disable"
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, s.bin, "seed", "--demo")
	cmd.Env = s.env("DATABASE_URL=" + dbURL)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("otwarty seed --demo: %w\n%s", err, out.String())
	}
	return nil
}

// rssKB reads the server process's resident set size (VmRSS) in KiB.
func (s *benchServer) rssKB() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid()))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// cpuTime is the user plus system CPU time of a process so far, from
// /proc/PID/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count from
	// after it, where utime and stime are the 12th and 13th.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc stat format")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("unexpected /proc stat format")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const ticks = 100 // USER_HZ, 100 on every Linux we run on
	return time.Duration(ut+st) * time.Second / ticks, nil
}

// settledRSS reads the RSS a few times, a quarter second apart, and returns
// the last reading.
func (s *benchServer) settledRSS(ctx context.Context) (int64, error) {
	var kb int64
	for range 4 {
		var err error
		if kb, err = s.rssKB(); err != nil {
			return 0, err
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return 0, err
		}
	}
	return kb, nil
}

func (s *benchServer) pid() int { return s.cmd.Process.Pid }

// errNoMetrics: the server does not serve /metrics (yet).
var errNoMetrics = errors.New("no /metrics")

// metrics reads the server's /metrics and sums each metric over its labels.
func (s *benchServer) metrics(ctx context.Context) (promSums, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.private+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, errNoMetrics
	}
	return parsePromText(resp.Body)
}

// promSums maps a metric name to the sum of its samples over all labels.
type promSums map[string]float64

// parsePromText reads the Prometheus text exposition format: comment lines
// are skipped, a sample is `name{labels} value [timestamp]`, and label
// values are quoted strings that may hold spaces, braces and escapes.
func parsePromText(r io.Reader) (promSums, error) {
	out := promSums{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, ok := cutPromName(line)
		if !ok {
			return nil, fmt.Errorf("metrics: malformed line %q", line)
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("metrics: no value in %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("metrics: value in %q: %w", line, err)
		}
		out[name] += v
	}
	return out, sc.Err()
}

// cutPromName splits a sample line into its metric name and what follows
// the labels.
func cutPromName(line string) (name, rest string, ok bool) {
	i := strings.IndexAny(line, "{ \t")
	if i <= 0 {
		return "", "", false
	}
	name, rest = line[:i], line[i:]
	if rest[0] != '{' {
		return name, rest, true
	}
	inQuote := false
	for j := 1; j < len(rest); j++ {
		switch c := rest[j]; {
		case inQuote && c == '\\':
			j++ // the escaped character
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == '}':
			return name, rest[j+1:], true
		}
	}
	return "", "", false
}

// optFloat is a measurement that may be missing (n/a).
type optFloat struct {
	v  float64
	ok bool
}

func some(v float64) optFloat { return optFloat{v, true} }

func (o optFloat) format(verb string) string {
	if !o.ok {
		return "n/a"
	}
	return fmt.Sprintf(verb, o.v)
}

// get returns a metric when /metrics was read and has it.
func (p promSums) get(name string) optFloat {
	v, ok := p[name]
	return optFloat{v, ok}
}

// diff is b − a when both are known.
func diff(a, b optFloat) optFloat { return optFloat{b.v - a.v, a.ok && b.ok} }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// saveProfile writes the server's /debug/pprof/NAME (query: e.g. "gc=1",
// "debug=1") to path.
func (s *benchServer) saveProfile(ctx context.Context, name, query, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.private+"/debug/pprof/"+name+"?"+query, nil)
	if err != nil {
		return err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/debug/pprof/%s: %s", name, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
