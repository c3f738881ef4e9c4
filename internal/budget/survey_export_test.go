package budget

import (
	"context"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
)

// IssueSurveyToken issues a survey token in a transaction of its own, as a
// ballot does (tests of the survey's aggregates).
func (s *Service) IssueSurveyToken(ctx context.Context, editionID uuid.UUID) (string, error) {
	var token string
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, editionID, "for share")
		if err != nil {
			return err
		}
		token, err = s.issueSurveyToken(ctx, tx, e)
		return err
	})
	return token, err
}
