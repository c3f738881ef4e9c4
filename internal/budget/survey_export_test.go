package budget

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// IssueSurveyToken issues a survey token on its own, stored as
// budget_cast_ballot stores a ballot's (tests of the survey's aggregates);
// "" when the edition offers no survey.
func (s *Service) IssueSurveyToken(ctx context.Context, editionID uuid.UUID) (string, error) {
	e, err := loadEdition(ctx, s.pool, editionID, "")
	if err != nil || !e.SurveyEnabled {
		return "", err
	}
	token, hash, err := newSurveyToken()
	if err != nil {
		return "", err
	}
	if _, err := s.pool.Exec(ctx, `insert into budget_survey_tokens (token_hash, edition_id, issued_on) values ($1, $2, $3)`,
		hash, e.ID, warsawDay(s.now())); err != nil {
		return "", fmt.Errorf("store survey token: %w", err)
	}
	return token, nil
}
