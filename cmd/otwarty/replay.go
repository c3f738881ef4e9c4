package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/otwarty/otwarty/internal/replay"
)

// runPBReplay is "otwarty pb replay".
func runPBReplay(ctx context.Context, args []string) error {
	_, err := pbReplay(ctx, args, os.Stdout, os.Stderr)
	return err
}

// pbReplay parses the flags and runs the replay, printing the winners and
// the summary to stdout and progress to stderr.
func pbReplay(ctx context.Context, args []string, stdout, stderr io.Writer) (*replay.Report, error) {
	fs := flag.NewFlagSet("pb replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o replay.Options
	fs.StringVar(&o.URL, "url", env("OTWARTY_URL", "http://localhost:8080/query"), "the server's GraphQL endpoint (OTWARTY_URL)")
	fs.IntVar(&o.Concurrency, "concurrency", 8, "concurrent voting clients")
	fs.StringVar(&o.Token, "token", env("OTWARTY_TOKEN", ""), "an official's session token (OTWARTY_TOKEN)")
	fs.StringVar(&o.Email, "email", "", "an official's e-mail, to sign in with --password")
	fs.StringVar(&o.Password, "password", env("OTWARTY_PASSWORD", ""), "the official's password (OTWARTY_PASSWORD)")
	fs.StringVar(&o.Unit, "unit", "", "the city unit's organisation ID (default: the official's unit)")
	fs.IntVar(&o.Year, "year", 0, "the edition's year (default: META instance)")
	fs.BoolVar(&o.Check, "check", false, "fail unless every pool's winners equal the local recount and, for fully replayed files, the file's selected column")
	fs.IntVar(&o.Batch, "batch", 1000, "voters per issueVotingCodes call (at most 1000)")
	var serverPID, postgresPID int
	fs.IntVar(&serverPID, "server-pid", 0, "the server's process ID, to report its CPU per ballot while casting (Linux)")
	fs.IntVar(&postgresPID, "postgres-pid", 0, "PostgreSQL's postmaster process ID, to report its and its backends' CPU per ballot while casting (Linux)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, replay.Usage)
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	// Files and flags may come in any order.
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		o.Files = append(o.Files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	var at [2]cpuReading
	o.Casting = func(start bool) {
		i := 1
		if start {
			i = 0
		}
		at[i] = readCPU(serverPID, postgresPID)
	}
	rep, err := replay.Run(ctx, o, stdout, stderr)
	// Only when asked for (the summary's last line is the replay line).
	if (serverPID != 0 || postgresPID != 0) && rep != nil && rep.Ballots > 0 && !at[1].wall.IsZero() {
		fmt.Fprintln(stdout, castingCPULine(at[0], at[1], rep.Ballots, serverPID != 0, postgresPID != 0))
	}
	return rep, err
}

// cpuReading is the CPU time used so far by this process (the replay
// client), the server and PostgreSQL (the postmaster and its children).
type cpuReading struct {
	wall                     time.Time
	client, server, postgres time.Duration
}

func readCPU(serverPID, postgresPID int) cpuReading {
	r := cpuReading{wall: time.Now(), client: processCPU(os.Getpid())}
	if serverPID != 0 {
		r.server = processCPU(serverPID)
	}
	if postgresPID != 0 {
		r.postgres = processCPU(postgresPID)
		for _, p := range childPIDs(postgresPID) {
			r.postgres += processCPU(p)
		}
	}
	return r
}

// castingCPULine says how much CPU each side used per ballot between the
// first ballot and the last answer (a backend that exited in between is not
// counted: the server's pool keeps its connections).
func castingCPULine(a, b cpuReading, ballots int, server, postgres bool) string {
	per := func(d time.Duration) string {
		return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000/float64(ballots))
	}
	line := fmt.Sprintf("casting CPU per ballot (%d ballots, %.1f s): ", ballots, b.wall.Sub(a.wall).Seconds())
	if server {
		line += "server " + per(b.server-a.server) + ", "
	}
	if postgres {
		line += "PostgreSQL " + per(b.postgres-a.postgres) + ", "
	}
	total := b.client - a.client + b.server - a.server + b.postgres - a.postgres
	return line + "replay client " + per(b.client-a.client) + ", total " + per(total)
}

// processCPU is the user and system time of process pid from /proc (0 when
// it cannot be read, e.g. not on Linux).
func processCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is the kernel's USER_HZ, 100 on every Linux we run on.
const clockTicks = 100

// childPIDs lists the processes whose parent is pid.
func childPIDs(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		if f := strings.Fields(string(data[i+1:])); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, p)
		}
	}
	return out
}
