package graph

import (
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/graph/picklist"
	"github.com/otwarty/otwarty/internal/budget"
)

// picksIn decodes a ballot's picks (picklist.Decode).
func picksIn(in []model.PoolPicksInput) (map[uuid.UUID][]uuid.UUID, error) {
	lists := make([]picklist.Pool, len(in))
	for i, p := range in {
		lists[i] = picklist.Pool{PoolID: p.PoolID, ProjectIDs: p.ProjectIds}
	}
	return picklist.Decode(lists)
}

func voterIn(v model.VoterInput) budget.VoterEntry {
	return budget.VoterEntry{IdentifierType: strings.ToLower(string(v.IdentifierType)), Identifier: v.Identifier, District: v.District}
}

func votingPointOut(p budget.VotingPoint) model.VotingPoint {
	return model.VotingPoint{ID: gid.Encode("VotingPoint", p.ID), Key: p.ID, Name: p.Name, Address: p.Address}
}

func paperBallotOut(s *budget.PaperSheet) *model.PaperBallot {
	m := &model.PaperBallot{ID: gid.Encode("PaperBallot", s.ID), Key: s.ID, PointID: s.PointID, SheetNumber: s.SheetNumber,
		Status: model.PaperBallotStatus(strings.ToUpper(string(s.Status))), Entries: s.Entries, CreatedAt: s.CreatedAt, DecidedAt: s.DecidedAt}
	if s.Reason != "" {
		r := s.Reason
		m.Reason = &r
	}
	return m
}

func issuedCodeOut(c budget.IssuedCode) model.IssuedVotingCode {
	return model.IssuedVotingCode{VoterID: gid.Encode("BudgetVoter", c.VoterID), Code: c.Code}
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
