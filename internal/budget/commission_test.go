package budget_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

func TestCommission_CertificationRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	in, costs := tiePool()
	s := b.smallEdition(t, official, in, costs, time.Now().Add(time.Hour))
	s.vote(t, b, "A")
	s.vote(t, b, "B")
	id := s.edition.ID

	// Settings: staff, 1..10, before publication.
	three := 3
	_, err := b.svc.UpdateResultSettings(b.resident(t), id, budget.ResultSettingsInput{SignaturesRequired: &three})
	require.ErrorIs(t, err, apperr.ErrForbidden)
	for _, n := range []int{0, 11} {
		_, err = b.svc.UpdateResultSettings(official, id, budget.ResultSettingsInput{SignaturesRequired: &n})
		requireAppErr(t, err, apperr.InvalidInput, "budget.signatures_invalid", "signaturesRequired")
	}
	_, err = b.svc.UpdateResultSettings(official, id, budget.ResultSettingsInput{SignaturesRequired: &three})
	require.NoError(t, err)

	// Nothing to sign before the vote closes and is counted.
	_, err = b.svc.Certify(official, budget.CertifyInput{EditionID: id})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.not_closed", "")
	_, err = b.svc.CloseVoting(official, id)
	require.NoError(t, err)
	results, err := b.svc.ComputeResults(official, id)
	require.NoError(t, err)
	require.Len(t, results[0].TieBreaks, 1)

	// Residents may not sign; another unit's official does not see the record.
	_, err = b.svc.Certify(b.resident(t), budget.CertifyInput{EditionID: id})
	require.ErrorIs(t, err, apperr.ErrForbidden)
	// A recorded tie-break needs a public note; notes only for tied pools.
	_, err = b.svc.Certify(official, budget.CertifyInput{EditionID: id, InvalidBallots: 2})
	requireAppErr(t, err, apperr.InvalidInput, "budget.tie_break_note_missing", "tieBreakNotes")
	_, err = b.svc.Certify(official, budget.CertifyInput{EditionID: id, InvalidBallots: 2,
		TieBreakNotes: []budget.TieBreakNote{{PoolID: s.pool.ID, Note: "  "}}})
	requireAppErr(t, err, apperr.InvalidInput, "budget.tie_break_note_invalid", "tieBreakNotes")
	_, err = b.svc.Certify(official, budget.CertifyInput{EditionID: id, InvalidBallots: -1})
	requireAppErr(t, err, apperr.InvalidInput, "budget.invalid_ballots_invalid", "invalidBallots")
	note := "A i B mają po 1 punkcie i równy koszt; zgodnie z regulaminem rozstrzyga kod projektu."
	c, err := b.svc.Certify(official, budget.CertifyInput{EditionID: id, InvalidBallots: 2, Note: "Bez uwag.",
		TieBreakNotes: []budget.TieBreakNote{{PoolID: s.pool.ID, Note: note}}})
	require.NoError(t, err)
	require.Len(t, c.Signatures, 1)
	require.Equal(t, 2, c.InvalidBallots)
	require.Equal(t, 0, c.PaperInvalid)
	require.Equal(t, []budget.TieBreakNote{{PoolID: s.pool.ID, Note: note}}, c.TieBreakNotes)
	require.False(t, c.Certified())

	// Once per member.
	_, err = b.svc.Certify(official, budget.CertifyInput{EditionID: id, InvalidBallots: 2})
	requireAppErr(t, err, apperr.Conflict, "budget.already_signed", "")
	// Later members sign the record: same count, same notes if repeated.
	second := b.official(t)
	_, err = b.svc.Certify(second, budget.CertifyInput{EditionID: id, InvalidBallots: 3})
	requireAppErr(t, err, apperr.InvalidInput, "budget.certification_mismatch", "invalidBallots")
	_, err = b.svc.Certify(second, budget.CertifyInput{EditionID: id, InvalidBallots: 2,
		TieBreakNotes: []budget.TieBreakNote{{PoolID: s.pool.ID, Note: "inna"}}})
	requireAppErr(t, err, apperr.InvalidInput, "budget.certification_mismatch", "tieBreakNotes")
	_, err = b.svc.Certify(second, budget.CertifyInput{EditionID: id, InvalidBallots: 2})
	require.NoError(t, err)

	// Publication needs three signatures here.
	_, err = b.svc.PublishResults(official, id)
	requireAppErr(t, err, apperr.Conflict, "budget.not_certified", "")
	// Certification is staff-only before publication.
	_, err = b.svc.Certification(b.anonymous(), id)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	coordinator := b.staff(t, authz.RoleCoordinator, authz.GlobalDomain)
	c, err = b.svc.Certify(coordinator, budget.CertifyInput{EditionID: id, InvalidBallots: 2,
		TieBreakNotes: []budget.TieBreakNote{{PoolID: s.pool.ID, Note: note}}, Note: "Bez uwag."})
	require.NoError(t, err)
	require.True(t, c.Certified())
	require.Len(t, c.Signatures, 3)
	_, err = b.svc.PublishResults(official, id)
	require.NoError(t, err)

	public, err := b.svc.Certification(b.anonymous(), id)
	require.NoError(t, err)
	require.Equal(t, c, public)
	_, err = b.svc.Certify(b.official(t), budget.CertifyInput{EditionID: id, InvalidBallots: 2})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.results_already_published", "")
	_, err = b.svc.UpdateResultSettings(official, id, budget.ResultSettingsInput{SignaturesRequired: &three})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.results_already_published", "")
}
