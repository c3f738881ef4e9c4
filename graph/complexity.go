package graph

import (
	"github.com/otwarty/otwarty/graph/generated"
	"github.com/otwarty/otwarty/graph/model"
)

// setComplexity prices list fields by the page asked for, so one request
// cannot fetch unbounded nested pages.
func setComplexity(c *generated.ComplexityRoot) {
	page := func(child int, first *int) int {
		n := 20
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	c.Query.Organisations = func(child int, _ *model.OrganisationFilter, first *int, _ *string) int { return page(child, first) }
	c.Organisation.Members = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Account.Notifications = func(child int, first *int, _ *string, _ *bool) int { return page(child, first) }
	c.Query.AuditLog = func(child int, _ *model.AuditLogFilter, first *int, _ *string) int { return page(child, first) }
	c.Consultation.Sections = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Consultation.Submissions = func(child int, _ *model.SubmissionFilter, first *int, _ *string) int { return page(child, first) }
	c.Consultation.ModerationLog = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Consultation.FlagQueue = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Consultation.SurveyAnswers = func(child int, _ string, first *int, _ *string) int { return page(child, first) }
	c.Submission.Replies = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Query.Consultations = func(child int, _ *model.ConsultationFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.Bodies = func(child int, _ *model.BodyFilter, first *int, _ *string) int { return page(child, first) }
	c.Body.Members = func(child int, _ *bool, first *int, _ *string) int { return page(child, first) }
	c.Query.Nodes = func(child int, ids []string) int { return 1 + len(ids)*child }
}
