package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("ambassador_audience.graphqls")

// TestAmbassadorAudienceMutations_PermissionMatrix tries the audience vote
// with every kind of caller while it is open: verified residents vote — a
// juror of another edition, the nominator and the nominee among them — and
// nobody else: not the edition's jurors or its chair (they have their
// say), not its coordinators and admins (they see the live totals), not an
// account that is not verified, not the anonymous. A second vote by anyone
// who voted is CONFLICT.
func TestAmbassadorAudienceMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newAudienceFixture(t)
	b := f.b
	f.move(t, "AUDIENCE_VOTE")
	allowed := []string{callerVerified, callerOtherJuror, callerNominator, callerNominee}
	tryEveryCaller(t, b, f.tokens, "castAmbassadorAudienceVote", castAudience, map[string]any{"n": f.anna}, allowed, nil,
		everyAllowedSucceeds)
	requireMatrixCoversFile(t, "ambassador_audience.graphqls", []string{"castAmbassadorAudienceVote"})

	// Exactly: who voted may not again; who may not, why.
	for caller := range f.tokens {
		want := "FORBIDDEN"
		switch caller {
		case callerVerified, callerOtherJuror, callerNominator, callerNominee:
			want = "CONFLICT"
		case callerAnonymous:
			want = "UNAUTHENTICATED"
		}
		res := b.gql(t, castAudience, map[string]any{"n": f.borys}, f.as(caller)...)
		require.Equal(t, want, res.code(), caller)
	}
	// The voter's payload and viewerCan: the category, never the choice;
	// the organisation category is still open to them.
	res := b.gql(t, castAudience, map[string]any{"n": f.fundacja}, withToken(f.tokens[callerNominee]))
	require.Empty(t, res.Errors)
	require.Equal(t, "ORGANISATION", dig(res.Data, "castAmbassadorAudienceVote", "category", "kind"))
	require.Equal(t, false, dig(res.Data, "castAmbassadorAudienceVote", "edition", "viewerCan", "voteAudience"))
	for caller, want := range map[string]bool{callerOtherJuror: true, callerJuror: false, callerCoordinator: false,
		callerResident: false, callerAnonymous: false} {
		res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { viewerCan { voteAudience } } }`, map[string]any{"e": f.eid},
			f.as(caller)...)
		require.Empty(t, res.Errors)
		require.Equal(t, want, dig(res.Data, "ambassadorEdition", "viewerCan", "voteAudience"), caller)
	}
	// Not a choice: a nomination that is not eligible is NOT_FOUND; after
	// the close, PHASE_CLOSED.
	require.Equal(t, "NOT_FOUND", b.gql(t, castAudience, map[string]any{"n": f.notEligible}, withToken(f.tokens[callerAdmin])).code())
	f.move(t, "ANNOUNCEMENT")
	require.Equal(t, "PHASE_CLOSED", b.gql(t, castAudience, map[string]any{"n": f.fundacja}, withToken(f.tokens[callerVerified])).code())
}
