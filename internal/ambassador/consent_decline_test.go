package ambassador_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
)

// TestDecline_ByTheLinkFinalAndExclusiveOfConsent: the nominee declines by
// the consent link; the nomination is not eligible (DECLINED), the link is
// used up, consent and the check cannot undo it, and the nominator is told.
// A link used for consent cannot decline.
func TestDecline_ByTheLinkFinalAndExclusiveOfConsent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nominator, _ := b.account(t, "nominator", "uk")
	anon := b.as(uuid.Nil)
	n, err := b.svc.Nominate(b.as(nominator), b.person("Jan", "jan@x.test"))
	require.NoError(t, err)
	token := b.consentToken(t, n.ID)

	_, err = b.svc.DeclineNomination(anon, ambassador.ConsentInput{Token: "wrong"})
	require.ErrorIs(t, err, ambassador.ErrConsentLinkInvalid)
	d, err := b.svc.DeclineNomination(anon, ambassador.ConsentInput{Token: token})
	require.NoError(t, err)
	require.Equal(t, ambassador.NominationNotEligible, d.Status)
	require.Equal(t, ambassador.ReasonDeclined, d.CheckReason)
	require.NotNil(t, d.CheckedAt)
	require.Nil(t, d.ConsentAt)
	require.Equal(t, 1, b.notices(t, ambassador.NoticeNominationDeclined, nominator, ""))

	_, err = b.svc.DeclineNomination(anon, ambassador.ConsentInput{Token: token})
	require.ErrorIs(t, err, ambassador.ErrConsentLinkInvalid)
	_, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: token})
	require.ErrorIs(t, err, ambassador.ErrConsentLinkInvalid)
	_, err = b.svc.RecordConsent(b.coordinator, n.ID, "skan/1")
	requireCode(t, err, apperr.Conflict, "ambassador.declined")
	_, err = b.svc.ResendConsentLink(b.coordinator, n.ID)
	requireCode(t, err, apperr.Conflict, "ambassador.nomination_not_open")
	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'ambassador.nomination_declined'
		and object_id = $1 and actor_id is null`, n.ID.String()).Scan(&audited))
	require.Equal(t, 1, audited)

	// Consent given first: the link is spent, declining is not possible.
	c, err := b.svc.Nominate(b.as(nominator), b.person("Ewa", "ewa@x.test"))
	require.NoError(t, err)
	ct := b.consentToken(t, c.ID)
	_, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: ct})
	require.NoError(t, err)
	_, err = b.svc.DeclineNomination(anon, ambassador.ConsentInput{Token: ct})
	require.ErrorIs(t, err, ambassador.ErrConsentLinkInvalid)

	// The check cannot overturn a decline, nor staff pick the reason.
	b.at(10 * day)
	b.runMove(t, ambassador.PhaseFormalCheck)
	_, err = b.svc.CheckNomination(b.coordinator, n.ID, ambassador.CheckInput{Eligible: false, Reason: ambassador.ReasonOther, Note: "x"})
	requireCode(t, err, apperr.Conflict, "ambassador.declined")
	_, err = b.svc.CheckNomination(b.coordinator, c.ID, ambassador.CheckInput{Eligible: false, Reason: ambassador.ReasonDeclined})
	requireCode(t, err, apperr.InvalidInput, "ambassador.reason_invalid")
	left, err := b.svc.Nomination(b.as(nominator), n.ID)
	require.NoError(t, err)
	require.Equal(t, ambassador.ReasonDeclined, left.CheckReason)
}
