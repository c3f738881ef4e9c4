package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/otwarty/otwarty/internal/pb"
	"github.com/otwarty/otwarty/internal/replay"
)

// The demo accounts the benchmark uses (see seed.go).
const (
	benchOfficial = "urzednik@demo.otwarty.pl"
	benchResident = "marta@demo.otwarty.pl"
)

// benchFixture is what the events need, set up through the GraphQL API: an
// edition in the voting phase with one district pool, a voting code per
// ballot to cast, and the demo's open consultation with a confirmed
// resident to write in it.
type benchFixture struct {
	anon      *replay.Client // casts ballots with codes
	resident  *replay.Client // creates submissions
	editionID string
	poolID    string
	projectID string
	consultID string

	codes       []string
	ballots     int // cast so far: the turnout subscribers start from
	submissions int
}

func setUpBenchFixture(ctx context.Context, url string, ballots int) (*benchFixture, error) {
	official := replay.NewClient(url, 4, os.Stderr)
	var err error
	if official.Token, err = replay.SignIn(ctx, official, benchOfficial, demoPassword); err != nil {
		return nil, err
	}
	unit, err := replay.OfficialUnit(ctx, official)
	if err != nil {
		return nil, err
	}
	plan := benchPlan(ballots)
	ed, err := replay.SetUpEdition(ctx, official, unit, time.Now().Year(), plan, 4)
	if err != nil {
		return nil, err
	}
	fx := &benchFixture{anon: replay.NewClient(url, 4, os.Stderr), resident: replay.NewClient(url, 4, os.Stderr),
		editionID: ed.ID, poolID: ed.PoolIDs[0], projectID: ed.Projects[0]["1"]}
	if fx.codes, err = replay.IssueCodes(ctx, official, ed.ID, plan, 1000); err != nil {
		return nil, err
	}
	if fx.resident.Token, err = replay.SignIn(ctx, fx.resident, benchResident, demoPassword); err != nil {
		return nil, err
	}
	if fx.consultID, err = openConsultation(ctx, fx.resident); err != nil {
		return nil, err
	}
	return fx, nil
}

// benchPlan is a tiny synthetic edition for replay.SetUpEdition and
// replay.IssueCodes: one district pool (stare-miasto) of three projects,
// one pick, and a voter per ballot.
func benchPlan(voters int) *replay.Plan {
	in := &pb.Instance{Meta: []pb.KV{{Key: "instance", Value: "bench-live"}}}
	for i := 1; i <= 3; i++ {
		id := strconv.Itoa(i)
		in.Projects = append(in.Projects, pb.Project{ID: id, Cost: 100_000_00, Fields: map[string]string{"name": "Projekt " + id}})
	}
	ids := make([]string, voters)
	for i := range ids {
		ids[i] = "live" + strconv.Itoa(i+1)
	}
	return replay.SyntheticPlan(in, "Stare Miasto", 200_000_00, ids)
}

// openConsultation returns the first open consultation (the demo has one).
func openConsultation(ctx context.Context, c *replay.Client) (string, error) {
	var out struct {
		Consultations struct {
			Edges []struct {
				Node struct {
					ID string `json:"id"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"consultations"`
	}
	if err := c.Do(ctx, `query { consultations(filter: {status: OPEN}, first: 1) { edges { node { id } } } }`, nil, &out, true); err != nil {
		return "", fmt.Errorf("find the open consultation: %w", err)
	}
	if len(out.Consultations.Edges) == 0 {
		return "", errors.New("the demo has no open consultation")
	}
	return out.Consultations.Edges[0].Node.ID, nil
}

// castBallot casts the next code's ballot anonymously and returns the
// turnout it makes.
func (fx *benchFixture) castBallot(ctx context.Context) (int, error) {
	if fx.ballots >= len(fx.codes) {
		return 0, errors.New("out of voting codes")
	}
	code := fx.codes[fx.ballots]
	err := fx.anon.Do(ctx, `mutation Cast($input: CastBallotWithCodeInput!) { castBallotWithCode(input: $input) { ballotId } }`,
		map[string]any{"input": map[string]any{"code": code, "ballotKey": replay.BallotKey(),
			"picks": []map[string]any{{"poolId": fx.poolID, "projectIds": []string{fx.projectID}}}}}, nil, true)
	if err != nil {
		return 0, fmt.Errorf("castBallotWithCode: %w", err)
	}
	fx.ballots++
	return fx.ballots, nil
}

// createSubmission writes a postulate as the resident and returns its ID.
func (fx *benchFixture) createSubmission(ctx context.Context) (string, error) {
	fx.submissions++
	var out struct {
		CreateSubmission struct {
			Submission struct {
				ID string `json:"id"`
			} `json:"submission"`
		} `json:"createSubmission"`
	}
	err := fx.resident.Do(ctx, `mutation Submit($input: CreateSubmissionInput!) { createSubmission(input: $input) { submission { id } } }`,
		map[string]any{"input": map[string]any{"consultationId": fx.consultID, "kind": "POSTULATE", "locale": "PL",
			"text": fmt.Sprintf("Postulat testowy nr %d: więcej wieczornych kursów języka polskiego w dzielnicach.", fx.submissions)}},
		&out, false)
	if err != nil {
		return "", fmt.Errorf("createSubmission: %w", err)
	}
	return out.CreateSubmission.Submission.ID, nil
}
