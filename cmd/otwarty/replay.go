package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

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
	return replay.Run(ctx, o, stdout, stderr)
}
