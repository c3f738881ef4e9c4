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

	"github.com/otwarty/otwarty/internal/pb"
)

const pbUsage = "usage: otwarty pb tally [--rule greedy|greedy-noskip|mes|mes-add1|mes-add1-exhaustive] [--compare-greedy] [--points 3,2,1] [--tie cost-asc-then-id|id|file-order] FILE.pb"

// runPB implements "otwarty pb": counting Pabulib files offline, with no
// database, so anyone can recount a published result.
func runPB(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "replay" {
		return runPBReplay(ctx, args[1:]) // replay.go
	}
	if len(args) > 0 && args[0] == "synth" {
		return pbSynth(args[1:], os.Stderr)
	}
	if len(args) == 0 || args[0] != "tally" {
		return errors.New(pbUsage)
	}
	return pbTally(args[1:], os.Stdout, os.Stderr)
}

// pbTally prints the selected project ids in the order selected, then a
// summary line. Warnings about the file (pb.Check) go to stderr.
func pbTally(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pb tally", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rule := fs.String("rule", "greedy", "counting rule: greedy (with skip), greedy-noskip, mes, mes-add1 or mes-add1-exhaustive")
	compare := fs.Bool("compare-greedy", false, "MES rules: take the greedy outcome if more voters prefer it")
	pointsFlag := fs.String("points", "", "greedy on ordinal ballots: points by rank, e.g. 3,2,1 (default: max_length down to 1)")
	tie := fs.String("tie", string(pb.TieCostThenID), "greedy tie-break: cost-asc-then-id, id or file-order")
	fs.Usage = func() {
		fmt.Fprintln(stderr, pbUsage)
		fs.PrintDefaults()
	}
	// Flags may come before or after the file.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		return fmt.Errorf("want exactly one FILE.pb, got %d\n%s", len(files), pbUsage)
	}

	greedy := *rule == "greedy" || *rule == "greedy-noskip"
	var mesOpts pb.MESOptions
	switch *rule {
	case "greedy", "greedy-noskip":
	case "mes", "mes-add1", "mes-add1-exhaustive":
		var err error
		if mesOpts, err = pb.MESRule(*rule); err != nil {
			return err
		}
		mesOpts.CompareGreedy = mesOpts.CompareGreedy || *compare
	default:
		return fmt.Errorf("unknown --rule %q\n%s", *rule, pbUsage)
	}
	if greedy && *compare {
		return errors.New("--compare-greedy applies to the mes rules only")
	}
	if !greedy && *pointsFlag != "" {
		return errors.New("--points applies to the greedy rules only")
	}
	if !pb.TieBreak(*tie).Valid() {
		return fmt.Errorf("unknown --tie %q (want cost-asc-then-id, id or file-order)", *tie)
	}

	in, err := pb.ReadFile(files[0])
	if err != nil {
		return err
	}
	budget, err := in.Budget()
	if err != nil {
		return err
	}
	var points []int64
	if *pointsFlag != "" {
		if in.VoteType() != pb.Ordinal {
			return fmt.Errorf("--points applies to ordinal ballots; %s has vote_type %s", files[0], in.VoteType())
		}
		if points, err = parsePoints(*pointsFlag); err != nil {
			return err
		}
	}
	for _, w := range pb.Check(in) {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}

	var res pb.Result
	if greedy {
		res = pb.Greedy(in, points, *rule == "greedy", pb.TieBreak(*tie))
	} else if res, err = pb.EqualShares(in, mesOpts); err != nil {
		return err
	}
	for _, id := range res.Selected {
		fmt.Fprintln(stdout, id)
	}
	fmt.Fprintf(stdout, "selected %d projects, cost %s of budget %s\n",
		len(res.Selected), pb.FormatAmount(res.Cost), pb.FormatAmount(budget))
	return nil
}

func parsePoints(s string) ([]int64, error) {
	var pts []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("--points %q: %q is not a non-negative integer", s, f)
		}
		pts = append(pts, n)
	}
	return pts, nil
}

// pbSynth writes a synthetic approval election (pb.Synth) as a .pb file:
// the instance of the national-scale counting benchmark (docs/benchmarks.md).
func pbSynth(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("pb synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := pb.SynthWarsaw
	fs.IntVar(&o.Voters, "voters", o.Voters, "voters")
	fs.IntVar(&o.Projects, "projects", o.Projects, "projects")
	fs.IntVar(&o.Districts, "districts", o.Districts, "districts")
	fs.Int64Var(&o.BudgetShare, "budget-share", o.BudgetShare, "budget as a percentage of the total cost")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: otwarty pb synth [--voters N] [--projects N] [--districts N] [--budget-share PCT] [--seed N] OUT.pb")
	}
	f, err := os.Create(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := pb.Write(f, pb.Synth(o)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
