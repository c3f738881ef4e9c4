package db

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/otwarty/otwarty/internal/child"
)

// LocalOptions configure an embedded PostgreSQL cluster.
type LocalOptions struct {
	// DataDir holds the cluster (in DataDir/pgdata) and its socket; kept between runs.
	DataDir string
	// BinDir overrides where initdb and postgres are looked up.
	BinDir string
	// Fsync off is for throw-away test clusters only.
	NoFsync bool
	Logger  *slog.Logger
	// LogFile receives the server's own log; empty means DataDir/postgres.log.
	LogFile string
	// WaitPrevious bounds the wait for a previous PostgreSQL of this data
	// directory (a crashed owner's postmaster and backends) to exit; 0 means
	// DefaultWaitPrevious.
	WaitPrevious time.Duration
}

// DefaultWaitPrevious is how long StartLocal waits for the PostgreSQL of a
// crashed previous owner to go away before it stops what is left of it.
const DefaultWaitPrevious = 30 * time.Second

// Local is a PostgreSQL server started and owned by this process. It dies
// with the process (parent-death signal) and is stopped by Stop.
type Local struct {
	URL     string
	dir     string
	sockDir string
	cmd     *exec.Cmd
	done    chan error
	ownDir  bool
}

// Candidate locations of the server binaries, newest first.
var binDirs = []string{
	"/usr/lib/postgresql/18/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
	"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/14/bin", "/usr/local/pgsql/bin",
	"/opt/homebrew/bin", "/usr/local/bin", "/usr/bin",
}

// FindBinaries returns the directory holding initdb and postgres.
func FindBinaries(override string) (string, error) {
	dirs := binDirs
	if override != "" {
		dirs = []string{override}
	} else if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append([]string{filepath.Dir(p)}, dirs...)
	}
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL server binaries (initdb, postgres) not found: install them " +
		"(Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15), " +
		"or set OTWARTY_PG_BIN to their directory, or set DATABASE_URL to use an existing server")
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// StartLocal initialises DataDir/pgdata if needed and starts postgres on a
// Unix socket only (no TCP). As root it runs everything as the postgres user,
// since initdb refuses root.
func StartLocal(ctx context.Context, opt LocalOptions) (*Local, error) {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	bin, err := FindBinaries(opt.BinDir)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opt.DataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	pgdata := filepath.Join(dir, "pgdata")
	sockDir := filepath.Join(dir, "run")
	if len(sockDir)+len("/.s.PGSQL.5432") > 100 {
		// Unix socket paths are limited to about 107 bytes.
		if sockDir, err = os.MkdirTemp("", "otwarty-sock-"); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(sockDir, 0o700); err != nil {
		return nil, err
	}
	if cred != nil {
		if err := checkReachable(dir, cred); err != nil {
			return nil, err
		}
		for _, d := range []string{dir, sockDir} {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, fmt.Errorf("chown %s to postgres: %w", d, err)
			}
		}
	}
	logFile := opt.LogFile
	if logFile == "" {
		logFile = filepath.Join(dir, "postgres.log")
	}

	if _, err := os.Stat(filepath.Join(pgdata, "PG_VERSION")); err != nil {
		log.Info("initialising local PostgreSQL", "pgdata", pgdata)
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", pgdata, "-U", "postgres",
			"--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := child.Run(cmd); err != nil {
			return nil, fmt.Errorf("initdb failed: %w\n%s", err, out.Bytes())
		}
	}
	wait := opt.WaitPrevious
	if wait <= 0 {
		wait = DefaultWaitPrevious
	}
	if err := awaitPrevious(ctx, log, pgdata, sockDir, wait); err != nil {
		return nil, err
	}
	// Nothing of a previous server is left: its lock files are stale (a
	// reused PID in them would make postgres refuse to start).
	for _, f := range []string{filepath.Join(pgdata, "postmaster.pid"), filepath.Join(sockDir, ".s.PGSQL.5432.lock")} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("remove stale lock file: %w", err)
		}
	}

	lf, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	args := []string{"-D", pgdata, "-k", sockDir, "-c", "listen_addresses=", "-p", "5432",
		"-c", "max_connections=200", "-c", "shared_buffers=128MB"}
	if opt.NoFsync {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	l := &Local{dir: dir, sockDir: sockDir, done: make(chan error, 1)}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	cmd.Stdout, cmd.Stderr = lf, lf
	waited, err := child.Start(cmd) // Pdeathsig follows the forking thread
	lf.Close()                      // the child has its own descriptor
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	l.cmd = cmd
	go func() { l.done <- <-waited }()
	l.URL = "postgres://postgres@/postgres?host=" + url.QueryEscape(sockDir) + "&port=5432&sslmode=disable"
	if err := l.waitReady(ctx, logFile); err != nil {
		l.Stop()
		return nil, err
	}
	return l, nil
}

func (l *Local) waitReady(ctx context.Context, logFile string) error {
	sock := filepath.Join(l.sockDir, ".s.PGSQL.5432")
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-l.done:
			l.done <- err
			tail, _ := os.ReadFile(logFile)
			if len(tail) > 2000 {
				tail = tail[len(tail)-2000:]
			}
			return fmt.Errorf("postgres exited at start-up: %v\n%s", err, tail)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if _, err := os.Stat(sock); err == nil {
			if pool, err := Open(ctx, l.URL); err == nil {
				pool.Close()
				return nil
			}
		}
	}
	return errors.New("postgres did not become ready within 60s")
}

// Stop shuts the server down (fast shutdown) and waits for it.
func (l *Local) Stop() {
	if l.cmd == nil || l.cmd.Process == nil {
		return
	}
	_ = l.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-l.done:
	case <-time.After(30 * time.Second):
		_ = l.cmd.Process.Kill()
		<-l.done
	}
	l.cmd = nil
}

// serverCredential returns the postgres user's credential when running as
// root (initdb refuses root), and nil otherwise.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, but there is no 'postgres' user to run the local PostgreSQL " +
			"(initdb refuses root): create it (useradd -r postgres) or set DATABASE_URL")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// checkReachable fails with a clear message when a parent of dir is not
// searchable by the postgres user (for example a 0700 home or temp directory).
func checkReachable(dir string, cred *syscall.Credential) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		sys := st.Sys().(*syscall.Stat_t)
		mode := st.Mode().Perm()
		ok := mode&0o001 != 0 ||
			(sys.Uid == cred.Uid && mode&0o100 != 0) ||
			(sys.Gid == cred.Gid && mode&0o010 != 0)
		if !ok {
			return fmt.Errorf("data directory %s is not reachable by the postgres user: %s is mode %v; "+
				"choose a data directory under a path every user can enter (--data-dir / OTWARTY_DATA_DIR), "+
				"e.g. /var/lib/otwarty, or set DATABASE_URL", dir, p, mode)
		}
		if p == "/" || strings.HasSuffix(p, string(filepath.Separator)) {
			return nil
		}
	}
}

// awaitPrevious waits until no postgres process of pgdata is left: after a
// kill -9 of the previous owner its postmaster dies at once (parent-death
// signal), but it may still be exiting, and its backends stay attached to the
// old shared memory until they notice. Both make a new postmaster refuse to
// start. After the bound, backends whose postmaster is gone are killed; a
// postmaster that is still alive belongs to someone else (ours die with their
// owner), so we fail rather than kill a server we did not start.
func awaitPrevious(ctx context.Context, log *slog.Logger, pgdata, sockDir string, bound time.Duration) error {
	deadline := time.Now().Add(bound)
	logged := false
	for {
		procs := pgdataProcesses(pgdata)
		if len(procs) == 0 {
			return nil
		}
		master := livePostmaster(pgdata, sockDir, procs)
		if !logged {
			pid := procs[0]
			if master != 0 {
				pid = master
			}
			log.Warn(fmt.Sprintf("waiting for the previous PostgreSQL of %s (PID %d) to exit", pgdata, pid),
				"pgdata", pgdata, "pid", pid, "processes", len(procs), "bound", bound.String())
			logged = true
		}
		if time.Now().After(deadline) {
			if master != 0 {
				return fmt.Errorf("a PostgreSQL server of %s (PID %d) is still running after %v: another process "+
					"owns this data directory; stop it (or the otwarty that started it) and start again", pgdata, master, bound)
			}
			log.Warn("stopping the orphaned backends of the previous PostgreSQL", "pgdata", pgdata, "pids", procs)
			for _, pid := range procs {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			if err := waitGone(ctx, pgdata, 10*time.Second); err != nil {
				return err
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func waitGone(ctx context.Context, pgdata string, bound time.Duration) error {
	deadline := time.Now().Add(bound)
	for {
		procs := pgdataProcesses(pgdata)
		if len(procs) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes of the previous PostgreSQL of %s (PIDs %v) did not exit after SIGKILL", pgdata, procs)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// pgdataProcesses lists the live postgres processes (postmaster and backends)
// of pgdata: their executable is postgres and their working directory is
// pgdata, where postgres changes to at start. A PID reused by any other
// process does not match; an exited process (zombie) has no working directory.
func pgdataProcesses(pgdata string) []int {
	want, err := filepath.EvalSymlinks(pgdata)
	if err != nil {
		return nil
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		if isPostgresOf(pid, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func isPostgresOf(pid int, pgdata string) bool {
	p := "/proc/" + strconv.Itoa(pid)
	cwd, err := os.Readlink(p + "/cwd")
	if err != nil || cwd != pgdata {
		return false
	}
	exe, err := os.Readlink(p + "/exe")
	return err == nil && filepath.Base(strings.TrimSuffix(exe, " (deleted)")) == "postgres"
}

// livePostmaster returns the PID that postmaster.pid or the socket lock file
// names when it is one of procs (alive and of this data directory), else 0.
func livePostmaster(pgdata, sockDir string, procs []int) int {
	for _, f := range []string{filepath.Join(pgdata, "postmaster.pid"), filepath.Join(sockDir, ".s.PGSQL.5432.lock")} {
		if pid := lockPID(f); pid > 0 && slices.Contains(procs, pid) {
			return pid
		}
	}
	return 0
}

// lockPID reads the PID on the first line of a PostgreSQL lock file.
func lockPID(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
	if err != nil {
		return 0
	}
	if pid < 0 { // a standalone backend writes -PID
		pid = -pid
	}
	return pid
}

// RunningURL returns the URL of a PostgreSQL that is running on dataDir (for
// example under a live server), read from its postmaster.pid, or "" when no
// live postmaster of that directory is there.
func RunningURL(dataDir string) string {
	pgdata, err := filepath.Abs(filepath.Join(dataDir, "pgdata"))
	if err != nil {
		return ""
	}
	real, err := filepath.EvalSymlinks(pgdata)
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(pgdata, "postmaster.pid"))
	if err != nil {
		return ""
	}
	// Lines: PID, data directory, start time, port, socket directory, ...
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return ""
	}
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || !isPostgresOf(pid, real) {
		return ""
	}
	port, sock := strings.TrimSpace(lines[3]), strings.TrimSpace(lines[4])
	if port == "" || sock == "" {
		return ""
	}
	return "postgres://postgres@/postgres?host=" + url.QueryEscape(sock) + "&port=" + port + "&sslmode=disable"
}
