package budget

import (
	"github.com/otwarty/otwarty/internal/phase"

	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/gathering"
)

// Register adds the civic budget's River workers.
func (s *Service) Register(workers *river.Workers) {
	// Each area adds its workers here (one line each).
	river.AddWorker(workers, gathering.ReminderWorker[sessionJob](s.sessions)) // outreach: session reminders
	river.AddWorker(workers, &votingReminderWorker{s: s})                      // outreach: followers' voting reminders
	river.AddWorker(workers, &phase.Worker[closeVotingJob]{Apply: s.closeOnSchedule, Log: s.log})
	river.AddWorker(workers, &computeResultsWorker{s: s})
}

// PeriodicJobs are the civic budget's periodic jobs (run by the leader).
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	var jobs []*river.PeriodicJob
	// Each area appends its periodic jobs here.
	return jobs
}
