package budget_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/budget"
)

func TestPublicEditions_NewestFirstWithoutDrafts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t) // 2024, voting
	official := b.official(t)
	later, err := b.svc.CreateEdition(official, budget.EditionInput{UnitID: b.unitID, Year: 2025})
	require.NoError(t, err)
	_, err = b.svc.AdvanceEdition(official, later.ID, budget.StatusSubmission)
	require.NoError(t, err)
	_, err = b.svc.CreateEdition(official, budget.EditionInput{UnitID: b.unitID, Year: 2026}) // a draft
	require.NoError(t, err)

	ids := func(es []*budget.Edition) []uuid.UUID {
		out := []uuid.UUID{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	for _, ctx := range []context.Context{b.anonymous(), b.resident(t), official} {
		got, err := b.svc.PublicEditions(ctx, 10)
		require.NoError(t, err)
		require.Equal(t, []uuid.UUID{later.ID, k.edition.ID}, ids(got), "drafts are for the staff's tools")
	}
	got, err := b.svc.PublicEditions(b.anonymous(), 1)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{later.ID}, ids(got))
}
