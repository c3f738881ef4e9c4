package notify_test

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// cmd/ wires the service into the application's River client; a domain
// service calls Notify in the transaction that makes the change.
func ExampleService_Notify() {
	ctx := context.Background()
	pool, _ := pgxpool.New(ctx, "postgres://localhost/otwarty")
	jobs, _ := db.Jobs(pool, slog.Default()) // one for every service
	svc, _ := notify.New(pool, jobs, notify.Config{
		PublicURL:  "https://otwarty.krakow.pl",
		SMTPURL:    "smtp://user:secret@mail.example.org:587",
		DigestHour: 7,
	}, slog.Default())

	workers := river.NewWorkers()
	svc.Register(workers)
	client, _ := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 20}},
		Workers:      workers,
		PeriodicJobs: svc.PeriodicJobs(),
	})
	_ = client.Start(ctx)

	accountID := uuid.New()
	_ = db.InTx(ctx, pool, func(tx *db.Tx) error {
		// … the change itself (here: a reset token is stored) …
		return svc.Notify(ctx, tx.Tx, notify.Notice{
			AccountID:     accountID,
			Kind:          notify.KindPasswordReset,
			Data:          map[string]string{notify.DataLink: "https://otwarty.krakow.pl/reset-password?token=…"},
			DedupeKey:     "password_reset:" + "<token hash>",
			Email:         true,
			Transactional: true,
		})
	})
}
