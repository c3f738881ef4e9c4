package identity

import (
	"context"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
)

// PersonalData is another domain's share of what the platform holds about a
// person (follows, supports, registrations, ...): exported with the account
// and erased in the same transaction that deletes it. Public contributions
// stay; what only concerns the person goes.
type PersonalData interface {
	// Name is the export section, e.g. "consultations".
	Name() string
	// Export reads the person's data within the export's read-only snapshot.
	Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error)
	// Erase removes it within the deletion's transaction.
	Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error
}

// AddPersonalData registers a domain's personal data; call it while wiring,
// before serving.
func (s *Service) AddPersonalData(p PersonalData) { s.personal = append(s.personal, p) }
