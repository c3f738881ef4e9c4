package graph

import (
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/budget"
)

// editionUpdateIn maps updateBudgetEdition's input (the unit stays).
func editionUpdateIn(input model.UpdateBudgetEditionInput) budget.EditionInput {
	return budget.EditionInput{Year: input.Year, VotingOpensAt: input.VotingOpensAt, VotingClosesAt: input.VotingClosesAt,
		AllowBallotChange: input.AllowBallotChange, SubmissionOpensAt: input.SubmissionOpensAt,
		SubmissionClosesAt: input.SubmissionClosesAt, VerificationEndsAt: input.VerificationEndsAt,
		AppealsCloseAt: input.AppealsCloseAt, ResultsDueAt: input.ResultsDueAt, CodeQuota: input.CodeQuota}
}
