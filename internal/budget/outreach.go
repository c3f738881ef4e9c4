package budget

import (
	"context"

	"github.com/otwarty/otwarty/internal/db"
)

// scheduleVotingReminders schedules the reminders to the edition's
// followers once the vote opens. (Filled in by the outreach area.)
func (s *Service) scheduleVotingReminders(ctx context.Context, tx *db.Tx, e *Edition) error {
	return nil
}
