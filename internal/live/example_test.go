package live_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/live"
)

// A service publishes in the transaction that makes the change; a
// subscription resolver on any instance receives the event after commit.
func ExampleBroker() {
	ctx := context.Background()
	pool, _ := pgxpool.New(ctx, "postgres://localhost/otwarty")
	broker := live.NewBroker("postgres://localhost/otwarty", slog.Default())
	go func() { _ = broker.Run(ctx) }()
	<-broker.Ready()

	subCtx, cancel := context.WithCancel(ctx)
	defer cancel() // closes events
	events := broker.Subscribe(subCtx, "consultation:42")

	_ = db.InTx(ctx, pool, func(tx *db.Tx) error {
		// … the change itself …
		return live.Publish(ctx, tx.Tx, "consultation:42", map[string]int{"submissions": 17})
	})

	e := <-events
	fmt.Println(e.Topic, string(e.Data), e.Missed)
}
