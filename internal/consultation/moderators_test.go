package consultation_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
)

func TestAssignOrganisation_ModeratesThisConsultationOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	c1, c2 := b.openConsultation(t), b.openConsultation(t)
	ngo := b.organisation(t, "ngo")
	mod := b.account(t, "mod@ngo.test", true)
	member := b.account(t, "member@ngo.test", true)
	_, err := b.pool.Exec(b.ctx, `insert into organisation_members (organisation_id, account_id, role)
		values ($1, $2, 'moderator'), ($1, $3, 'member')`, ngo, mod, member)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))

	submissionIn := func(c *consultation.Consultation) authz.Object {
		return authz.Object{Type: "submission", ID: uuid.NewString(), Domains: []string{consultation.Domain(c.ID)}}
	}
	modCtx, memberCtx := b.as(mod, true), b.as(member, true)
	require.False(t, authz.Can(modCtx, consultation.ActModerate, submissionIn(c1)))

	require.NoError(t, b.svc.AssignOrganisation(official, c1.ID, ngo))
	require.NoError(t, b.svc.AssignOrganisation(official, c1.ID, ngo)) // twice: nothing new
	require.True(t, authz.Can(modCtx, consultation.ActModerate, submissionIn(c1)))
	require.False(t, authz.Can(modCtx, consultation.ActModerate, submissionIn(c2)))
	require.False(t, authz.Can(memberCtx, consultation.ActModerate, submissionIn(c1)))
	orgs, err := b.svc.ModeratingOrganisations(b.anonymous(), c1.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{ngo}, orgs)
	orgs, err = b.svc.ModeratingOrganisations(b.anonymous(), c2.ID)
	require.NoError(t, err)
	require.Empty(t, orgs)

	var grants int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'role.grant' and object_id = $1`,
		authz.OrgModerators(ngo)).Scan(&grants))
	require.Equal(t, 1, grants)

	require.ErrorIs(t, b.svc.AssignOrganisation(official, c1.ID, b.unitID), apperr.Invalid("organisationId", "consultation.moderator_org_invalid"))
	require.ErrorIs(t, b.svc.AssignOrganisation(official, c1.ID, uuid.New()), apperr.Invalid("organisationId", "consultation.moderator_org_invalid"))
	require.ErrorIs(t, b.svc.AssignOrganisation(modCtx, c1.ID, ngo), apperr.ErrForbidden)
	require.ErrorIs(t, b.svc.AssignOrganisation(b.anonymous(), c1.ID, ngo), apperr.ErrUnauthenticated)

	require.NoError(t, b.svc.UnassignOrganisation(official, c1.ID, ngo))
	require.False(t, authz.Can(modCtx, consultation.ActModerate, submissionIn(c1)))
}

func TestAssignModerator_IndividualInOneConsultation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	coordinator := b.coordinator(t)
	c1, c2 := b.openConsultation(t), b.openConsultation(t)
	draft := b.consultationIn(t, consultation.StatusDraft)
	volunteer, volunteerCtx := b.resident(t)

	require.NoError(t, b.svc.AssignModerator(coordinator, c1.ID, volunteer))
	obj := func(c *consultation.Consultation) authz.Object {
		return authz.Object{Type: "submission", Domains: []string{consultation.Domain(c.ID)}}
	}
	require.True(t, authz.Can(volunteerCtx, consultation.ActModerate, obj(c1)))
	require.False(t, authz.Can(volunteerCtx, consultation.ActModerate, obj(c2)))
	mods, err := b.svc.Moderators(coordinator, c1.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{volunteer}, mods)

	// A moderator of a consultation may not manage it nor see drafts.
	require.ErrorIs(t, b.svc.AssignModerator(volunteerCtx, c1.ID, volunteer), apperr.ErrForbidden)
	require.ErrorIs(t, b.svc.AssignModerator(volunteerCtx, draft.ID, volunteer), apperr.ErrNotFound)
	require.ErrorIs(t, b.svc.AssignModerator(coordinator, c1.ID, uuid.New()), apperr.Invalid("accountId", "consultation.moderator_account_invalid"))

	require.NoError(t, b.svc.UnassignModerator(coordinator, c1.ID, volunteer))
	require.False(t, authz.Can(volunteerCtx, consultation.ActModerate, obj(c1)))
}
