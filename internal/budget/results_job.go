package budget

import (
	"context"

	"github.com/otwarty/otwarty/internal/db"
)

// scheduleClose schedules the automatic close of the vote at the end of
// its window. (Filled in by the results area.)
func (s *Service) scheduleClose(ctx context.Context, tx *db.Tx, e *Edition) error { return nil }

// enqueueResults enqueues the job that computes provisional results once
// the vote is closed. (Filled in by the results area.)
func (s *Service) enqueueResults(ctx context.Context, tx *db.Tx, e *Edition) error { return nil }
