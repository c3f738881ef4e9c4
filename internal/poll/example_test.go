package poll_test

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/tally"
)

// A dialogue body's motions: the body says who may cast for which key (an
// organisation member through whichever delegate is present) and how many
// members there are; the mechanism keeps the rules.
func ExampleNew() {
	ctx := context.Background()
	pool, _ := pgxpool.New(ctx, "postgres://localhost/otwarty")
	jobs, _ := db.Jobs(pool, slog.Default())
	box, _ := ballotbox.New(pool, ballotbox.Config{Key: []byte("the server's identifier key, 32 bytes or more"), KeyID: "k1"},
		slog.Default())
	motions := poll.New(pool, jobs, box, slog.Default(), time.Now, poll.Config{
		Kind: "body_motion",
		Owner: func(ctx context.Context, tx pgx.Tx, body uuid.UUID, _ poll.Act) (*poll.Owner, error) {
			// … lock the body for share, read its term …
			obj := authz.Object{Type: "dialogue_body", ID: body.String()}
			return &poll.Owner{Visible: authz.Can(ctx, authz.Read, obj), Object: obj}, nil
		},
		Eligible: func(ctx context.Context, tx pgx.Tx, p *poll.Poll, account uuid.UUID) ([]poll.VoterKey, error) {
			// … the organisations whose delegate account is present at the meeting …
			return []poll.VoterKey{poll.Org(uuid.New())}, nil
		},
		Electorate: func(ctx context.Context, tx pgx.Tx, p *poll.Poll) (poll.Electorate, error) {
			// … voting members of the body, and those present …
			return poll.Electorate{Members: 12, Present: 8}, nil
		},
	})
	workers := river.NewWorkers()
	poll.Register(workers, slog.Default(), motions) // every kind of poll this process runs

	// The chair opens a motion under the Polish defaults, members vote, the
	// chair closes it.
	chair := poll.Person(uuid.New())
	p, _ := motions.Open(ctx, uuid.New(), poll.Input{CastingVoter: &chair,
		Rule: tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.Half, CastingVote: true}})
	_, _ = motions.Cast(ctx, p.ID, poll.CastInput{Choice: poll.Yes})
	_, _ = motions.Close(ctx, p.ID)
}
