package graph

import (
	"context"
	"math/big"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/tally"
)

func ambassadorMean(r *big.Rat) *string {
	if r == nil {
		return nil
	}
	s := tally.Decimal(r, ambassador.MeanPlaces)
	return &s
}

func ambassadorSheetOut(sh ambassador.Sheet, criteria []ambassador.Criterion) model.AmbassadorScoreSheet {
	byID := map[uuid.UUID]ambassador.Criterion{}
	for _, c := range criteria {
		byID[c.ID] = c
	}
	out := model.AmbassadorScoreSheet{ID: gid.Encode("AmbassadorScoreSheet", sh.ID), JurorNumber: sh.JurorNumber,
		JurorName: optString(sh.JurorName), Status: model.AmbassadorSheetStatusDraft, Scores: []model.AmbassadorScore{},
		Recused: sh.Recused, CreatedAt: sh.CreatedAt, UpdatedAt: sh.UpdatedAt, SubmittedAt: sh.SubmittedAt}
	if sh.SubmittedAt != nil {
		out.Status = model.AmbassadorSheetStatusSubmitted
	}
	for _, sc := range sh.Scores {
		c := ambassadorCriterionOut(byID[sc.CriterionID])
		out.Scores = append(out.Scores, model.AmbassadorScore{Criterion: &c, Points: sc.Points, Comment: optString(sc.Comment)})
	}
	out.Weighted = ambassadorMean(ambassador.SheetWeighted(sh, criteria))
	return out
}

func ambassadorCommentOut(c ambassador.Comment) model.AmbassadorComment {
	out := model.AmbassadorComment{ID: gid.Encode("AmbassadorComment", c.ID), AuthorName: optString(c.AuthorName),
		Staff: c.JurorNumber == 0, Body: c.Body, CreatedAt: c.CreatedAt, Recused: c.Recused}
	if c.JurorNumber != 0 {
		n := c.JurorNumber
		out.JurorNumber = &n
	}
	return out
}

func ambassadorDeclarationOut(d string) *model.AmbassadorDeclaration {
	if d == "" {
		return nil
	}
	v := model.AmbassadorDeclaration(strings.ToUpper(d))
	return &v
}

func ambassadorConflictOut(reason string) *model.AmbassadorConflictReason {
	if reason == "" {
		return nil
	}
	v := model.AmbassadorConflictReason(strings.ToUpper(reason))
	return &v
}

func ambassadorRankingEntryOut(re ambassador.RankingEntry) model.AmbassadorRankingEntry {
	out := model.AmbassadorRankingEntry{NominationID: gid.Encode("AmbassadorNomination", re.NominationID), NomineeName: re.NomineeName,
		ScorerCount: re.Scorers, Mean: ambassadorMean(re.Mean), Tied: re.Tied}
	if re.Mean != nil {
		f := re.Mean.RatString()
		out.MeanFraction = &f
	}
	if re.Rank != 0 {
		rank := re.Rank
		out.Rank = &rank
	}
	return out
}

// ambassadorCriteriaOf is the criteria of a nomination's edition.
func (r *Resolver) ambassadorCriteriaOf(ctx context.Context, edition uuid.UUID) ([]ambassador.Criterion, error) {
	return loadersFrom(ctx).ambassador.criteria.Load(ctx, edition)
}
