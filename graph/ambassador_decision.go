package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/ambassador"
)

func ambassadorProposalOut(p *ambassador.Proposal) *model.AmbassadorProposal {
	return &model.AmbassadorProposal{ID: gid.Encode("AmbassadorProposal", p.ID), P: p}
}

func ambassadorRankedOut(es []ambassador.Entry) []model.AmbassadorRanked {
	out := make([]model.AmbassadorRanked, len(es))
	for i, e := range es {
		out[i] = model.AmbassadorRanked{NominationID: gid.Encode("AmbassadorNomination", e.NominationID), NomineeName: e.NomineeName,
			Rank: model.AmbassadorRank(strings.ToUpper(string(e.Rank))), TextID: e.JustificationID}
	}
	return out
}

func ambassadorAwardOut(a *ambassador.Award) model.AmbassadorAward {
	out := model.AmbassadorAward{Category: model.AmbassadorCategoryKind(strings.ToUpper(a.CategoryKind)), RecordedAt: a.RecordedAt,
		Entries: ambassadorRankedOut(a.Entries)}
	if a.Reason != "" {
		out.Reason = &a.Reason
	}
	return out
}

func ambassadorLaureateOut(l *ambassador.Laureate) model.AmbassadorLaureate {
	r := ambassadorRankedOut([]ambassador.Entry{{NominationID: l.NominationID, NomineeName: l.NomineeName, Rank: l.Rank,
		Position: l.Position, JustificationID: l.JustificationID}})[0]
	return model.AmbassadorLaureate{EditionID: gid.Encode("AmbassadorEdition", l.EditionID), Year: l.Year,
		Category: model.AmbassadorCategoryKind(strings.ToUpper(l.CategoryKind)), Laureate: &r}
}

// ambassadorRankedIn reads proposal or award entries.
func ambassadorRankedIn(in []model.AmbassadorRankedInput) ([]ambassador.RankedInput, error) {
	out := make([]ambassador.RankedInput, len(in))
	for i, e := range in {
		id, err := gid.Expect(e.NominationID, "AmbassadorNomination", "entries")
		if err != nil {
			return nil, err
		}
		out[i] = ambassador.RankedInput{NominationID: id, Rank: ambassador.Rank(strings.ToLower(string(e.Rank))),
			Justification: localizedListIn(e.Justification)}
	}
	return out, nil
}

// ambassadorRoll shows the ids of a sitting's roll to the jury and staff
// (nil for others).
func (r *Resolver) ambassadorRoll(ctx context.Context, p *ambassador.Proposal, ids []uuid.UUID) ([]string, error) {
	if !r.Ambassador.SeesRoll(ctx, p) {
		return nil, nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = gid.Encode("Account", id)
	}
	return out, nil
}
