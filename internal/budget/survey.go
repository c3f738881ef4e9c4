package budget

import (
	"context"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
)

// issueSurveyToken returns the one-time participation-survey token handed
// to a voter after a ballot is cast in tx (empty when the edition offers no
// survey). It is stored without any link to the ballot, the voter or the
// account. (Filled in by the outreach area.)
func (s *Service) issueSurveyToken(ctx context.Context, tx *db.Tx, editionID uuid.UUID) (string, error) {
	return "", nil
}
