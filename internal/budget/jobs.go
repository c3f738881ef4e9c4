package budget

import (
	"github.com/riverqueue/river"
)

// Register adds the civic budget's River workers.
func (s *Service) Register(workers *river.Workers) {
	// Each area adds its workers here (one line each).
}

// PeriodicJobs are the civic budget's periodic jobs (run by the leader).
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	var jobs []*river.PeriodicJob
	// Each area appends its periodic jobs here.
	return jobs
}
