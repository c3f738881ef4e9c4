package graph

import (
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
)

// picksIn decodes a ballot's picks.
func picksIn(in []model.PoolPicksInput) (map[uuid.UUID][]uuid.UUID, error) {
	picks := make(map[uuid.UUID][]uuid.UUID, len(in))
	for _, p := range in {
		pool, err := gid.Expect(p.PoolID, "BudgetPool", "picks")
		if err != nil {
			return nil, err
		}
		// A second list for a pool would silently replace the first.
		if _, ok := picks[pool]; ok {
			return nil, apperr.Invalid("picks", "ballot.pool_repeated")
		}
		ids := make([]uuid.UUID, 0, len(p.ProjectIds))
		for _, s := range p.ProjectIds {
			id, err := gid.Expect(s, "BudgetProject", "picks")
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		picks[pool] = ids
	}
	return picks, nil
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
