// Package notify delivers notifications as River jobs. STUB.
package notify

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Notice is one thing to tell one person.
type Notice struct {
	AccountID uuid.UUID // zero for an address without an account (invitations)
	ToAddress string    // used when AccountID is zero
	Kind      string    // catalog key: "welcome", "password_changed", "confirm_email", "password_reset", "invitation", ...
	// Data are message arguments. Keys starting with "secret_" (links with
	// tokens, codes) are redacted from the outbox once the e-mail is sent.
	Data map[string]string
	// DedupeKey is unique per real-world event; a repeat inserts nothing.
	DedupeKey string
	InApp     bool
	Email     bool
	// Transactional notices (confirmation, reset, invitation) ignore
	// preferences and digests: they are sent at once by e-mail.
	Transactional bool
}

// Service enqueues and delivers notifications.
type Service struct{}

// Notify enqueues n within tx with River's InsertTx: nothing is sent if tx
// rolls back.
func (s *Service) Notify(ctx context.Context, tx pgx.Tx, n Notice) error { panic("todo") }
