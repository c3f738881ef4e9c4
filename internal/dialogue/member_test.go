package dialogue_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestAppoint_OrganisationWithDelegatesHoldsBodyRoles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, false)
	ngo := b.organisation(t, "ngo")
	anna, oleh, outsider := b.account(t, "anna"), b.account(t, "oleh"), b.account(t, "outsider")
	b.orgMember(t, ngo, anna, "member")
	b.orgMember(t, ngo, oleh, "member")
	end := b.clock.Now().AddDate(2, 0, 0)
	in := dialogue.AppointInput{BodyID: body.ID, OrganisationID: &ngo, Role: dialogue.RoleSecretary, TermEnd: &end,
		Delegates: []dialogue.DelegateInput{{AccountID: anna}, {AccountID: oleh, Substitute: true}}}

	bad := in
	bad.Delegates = []dialogue.DelegateInput{{AccountID: oleh, Substitute: true}}
	_, err := b.svc.Appoint(b.official, bad)
	require.ErrorIs(t, err, apperr.Invalid("delegates", "dialogue.delegates_invalid"), "a main delegate is needed")
	bad.Delegates = []dialogue.DelegateInput{{AccountID: anna}, {AccountID: outsider}}
	_, err = b.svc.Appoint(b.official, bad)
	require.ErrorIs(t, err, apperr.Invalid("delegates", "dialogue.delegate_not_member"))

	m, err := b.svc.Appoint(b.official, in)
	require.NoError(t, err)
	require.Equal(t, ngo, *m.OrganisationID)
	require.Nil(t, m.AccountID)
	require.Equal(t, dialogue.RoleSecretary, m.Role)
	require.Equal(t, b.clock.Now(), m.TermStart.In(time.Local))
	require.Len(t, m.Delegates, 2)
	require.Equal(t, []uuid.UUID{anna, oleh}, []uuid.UUID{m.Delegates[0].AccountID, m.Delegates[1].AccountID})
	require.Equal(t, []dialogue.DelegateKind{dialogue.DelegateMain, dialogue.DelegateSubstitute},
		[]dialogue.DelegateKind{m.Delegates[0].Kind, m.Delegates[1].Kind})

	// Both delegates hold the body's roles (and so see the non-public body).
	for _, who := range []uuid.UUID{anna, oleh} {
		for _, role := range []string{authz.RoleBodyMember, authz.RoleBodySecretary} {
			ds, err := authz.DomainsWithRole(b.ctx, b.pool, who, role)
			require.NoError(t, err)
			require.Equal(t, []string{dialogue.Domain(body.ID)}, ds)
		}
		_, err := b.svc.Body(b.as(who), body.ID)
		require.NoError(t, err)
	}
	// Each delegate is told, in their language.
	var notices int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1
		and args->>'kind' = $2 and args->'data'->>'role' = 'secretary' and args->'data'->>'body' = 'Rada ds. Cudzoziemców'`,
		notify.JobDeliver, dialogue.NoticeAppointed).Scan(&notices))
	require.Equal(t, 2, notices)

	_, err = b.svc.Appoint(b.official, in)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.already_member"))

	// Delegates change: oleh becomes the main delegate, anna leaves; her
	// delegation stays in the history.
	m, err = b.svc.SetDelegates(b.official, m.ID, []dialogue.DelegateInput{{AccountID: oleh}})
	require.NoError(t, err)
	require.Equal(t, []dialogue.Delegate{{AccountID: oleh, DisplayName: ptr("oleh"), Kind: dialogue.DelegateMain,
		Since: m.Delegates[0].Since}}, m.Delegates)
	_, err = b.svc.Body(b.as(anna), body.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	var closed int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from dialogue_delegates where member_id = $1 and until is not null`,
		m.ID).Scan(&closed))
	require.Equal(t, 2, closed)

	person := b.person(t, body.ID, anna, dialogue.RoleMember)
	_, err = b.svc.SetDelegates(b.official, person.ID, []dialogue.DelegateInput{{AccountID: oleh}})
	require.ErrorIs(t, err, apperr.Invalid("memberId", "dialogue.not_organisation"))
}

func TestAppoint_TermsAndRolesAreChecked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	alice, bob, carol := b.account(t, "alice"), b.account(t, "bob"), b.account(t, "carol")
	now := b.clock.Now()
	year := now.AddDate(1, 0, 0)

	for name, c := range map[string]struct {
		in   dialogue.AppointInput
		want error
	}{
		"member without end": {dialogue.AppointInput{AccountID: &alice, Role: dialogue.RoleMember},
			apperr.Invalid("termEnd", "dialogue.term_end_required")},
		"end before start": {dialogue.AppointInput{AccountID: &alice, Role: dialogue.RoleMember, TermStart: year, TermEnd: &now},
			apperr.Invalid("termEnd", "dialogue.term_end_before_start")},
		"end passed": {dialogue.AppointInput{AccountID: &alice, Role: dialogue.RoleMember, TermStart: now.AddDate(-2, 0, 0),
			TermEnd: ptr(now.AddDate(-1, 0, 0))}, apperr.Invalid("termEnd", "dialogue.term_end_past")},
		"nobody":     {dialogue.AppointInput{Role: dialogue.RoleGuest}, apperr.Invalid("accountId", "dialogue.member_who")},
		"bad role":   {dialogue.AppointInput{AccountID: &alice, Role: "king", TermEnd: &year}, apperr.Invalid("role", "dialogue.role_invalid")},
		"no account": {dialogue.AppointInput{AccountID: ptr(uuid.New()), Role: dialogue.RoleGuest}, apperr.Invalid("accountId", "dialogue.account_invalid")},
		"unit as member": {dialogue.AppointInput{OrganisationID: &b.unitID, Role: dialogue.RoleGuest},
			apperr.Invalid("organisationId", "dialogue.organisation_invalid")},
	} {
		c.in.BodyID = body.ID
		_, err := b.svc.Appoint(b.coordinator, c.in)
		require.ErrorIs(t, err, c.want, name)
	}

	// A guest may be open-ended; a chair is one at a time.
	g, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &carol, Role: dialogue.RoleGuest})
	require.NoError(t, err)
	require.Nil(t, g.TermEnd)
	b.person(t, body.ID, alice, dialogue.RoleChair)
	_, err = b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &bob, Role: dialogue.RoleChair, TermEnd: &year})
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.chair_taken"))
	// The next chair, from when alice's term ends, is fine.
	_, err = b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &bob, Role: dialogue.RoleChair,
		TermStart: year, TermEnd: ptr(year.AddDate(1, 0, 0))})
	require.NoError(t, err)
	bm, err := b.svc.Members(b.anonymous(), body.ID, false, 10, "")
	require.NoError(t, err)
	require.Equal(t, 3, bm.Total)
	firstTwo, err := b.svc.Members(b.anonymous(), body.ID, false, 2, "")
	require.NoError(t, err)
	require.True(t, firstTwo.HasNext)
	last, err := b.svc.Members(b.anonymous(), body.ID, false, 2, firstTwo.Items[1].Cursor())
	require.NoError(t, err)
	require.Equal(t, []*dialogue.Member{bm.Items[2]}, last.Items, "the next chair's term begins last")
	require.Equal(t, bob, *last.Items[0].AccountID)

	// A guest made a voting member needs a term.
	_, err = b.svc.ChangeRole(b.coordinator, g.ID, dialogue.RoleMember)
	require.ErrorIs(t, err, apperr.Invalid("role", "dialogue.term_end_required"))
	_, err = b.svc.ChangeRole(b.coordinator, g.ID, dialogue.RoleObserver)
	require.NoError(t, err)
}

func TestChair_ManagesGuestsAndObserversOfTheirOwnBodyOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body, other := b.body(t, true), b.body(t, false)
	chair, otherChair, member, guest := b.account(t, "chair"), b.account(t, "other-chair"), b.account(t, "member"), b.account(t, "guest")
	b.person(t, body.ID, chair, dialogue.RoleChair)
	b.person(t, other.ID, otherChair, dialogue.RoleChair)
	year := b.clock.Now().AddDate(1, 0, 0)

	_, err := b.svc.Appoint(b.as(chair), dialogue.AppointInput{BodyID: body.ID, AccountID: &member, Role: dialogue.RoleMember, TermEnd: &year})
	require.ErrorIs(t, err, apperr.ErrForbidden, "voting members are the unit's to appoint")
	_, err = b.svc.Appoint(b.as(otherChair), dialogue.AppointInput{BodyID: body.ID, AccountID: &guest, Role: dialogue.RoleGuest})
	require.ErrorIs(t, err, apperr.ErrForbidden, "the chair of another body")
	_, err = b.svc.Appoint(b.as(chair), dialogue.AppointInput{BodyID: other.ID, AccountID: &guest, Role: dialogue.RoleGuest})
	require.ErrorIs(t, err, apperr.ErrNotFound, "another, non-public body is not there for this chair")
	g, err := b.svc.Appoint(b.as(chair), dialogue.AppointInput{BodyID: body.ID, AccountID: &guest, Role: dialogue.RoleGuest})
	require.NoError(t, err)
	acts, err := b.svc.Actions(b.as(chair), body)
	require.NoError(t, err)
	require.Equal(t, dialogue.BodyActions{AppointGuests: true}, acts)

	_, err = b.svc.ChangeRole(b.as(chair), g.ID, dialogue.RoleMember)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.ChangeRole(b.as(chair), g.ID, dialogue.RoleObserver)
	require.NoError(t, err)
	m := b.person(t, body.ID, member, dialogue.RoleMember)
	_, err = b.svc.Remove(b.as(chair), m.ID, "nieobecności")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	got, err := b.svc.Remove(b.as(chair), g.ID, "koniec projektu")
	require.NoError(t, err)
	end, why := got.End(b.clock.Now())
	require.Equal(t, dialogue.EndRemoved, why)
	require.NotNil(t, end)
	_, err = b.svc.Remove(b.as(chair), g.ID, "jeszcze raz")
	require.ErrorIs(t, err, apperr.New(apperr.PhaseClosed, "dialogue.member_ended"))
}

func TestResign_PersonThemselfOrganisationByItsManagers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	ngo := b.organisation(t, "ngo")
	alice, bob, delegate, manager := b.account(t, "alice"), b.account(t, "bob"), b.account(t, "delegate"), b.account(t, "manager")
	b.orgMember(t, ngo, delegate, "member")
	b.orgMember(t, ngo, manager, "manager")
	m := b.person(t, body.ID, alice, dialogue.RoleMember)
	year := b.clock.Now().AddDate(1, 0, 0)
	om, err := b.svc.Appoint(b.official, dialogue.AppointInput{BodyID: body.ID, OrganisationID: &ngo, Role: dialogue.RoleMember,
		TermEnd: &year, Delegates: []dialogue.DelegateInput{{AccountID: delegate}}})
	require.NoError(t, err)

	_, err = b.svc.Resign(b.anonymous(), m.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Resign(b.as(bob), m.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Resign(b.official, m.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden, "officials remove, with a reason")
	_, err = b.svc.Resign(b.as(delegate), om.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden, "a delegate does not withdraw the organisation")

	b.clock.Advance(time.Hour)
	got, err := b.svc.Resign(b.as(alice), m.ID)
	require.NoError(t, err)
	end, why := got.End(b.clock.Now())
	require.Equal(t, dialogue.EndResigned, why)
	require.Equal(t, b.clock.Now(), end.In(time.Local))
	_, err = b.svc.Resign(b.as(alice), m.ID)
	require.ErrorIs(t, err, apperr.New(apperr.PhaseClosed, "dialogue.member_ended"))
	_, err = b.svc.Resign(b.as(manager), om.ID)
	require.NoError(t, err)

	// In a non-public body the organisation's manager, no member, still
	// withdraws it; others do not find the membership.
	secret := b.body(t, false)
	sm, err := b.svc.Appoint(b.official, dialogue.AppointInput{BodyID: secret.ID, OrganisationID: &ngo, Role: dialogue.RoleMember,
		TermEnd: &year, Delegates: []dialogue.DelegateInput{{AccountID: delegate}}})
	require.NoError(t, err)
	_, err = b.svc.Resign(b.as(bob), sm.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Resign(b.as(delegate), sm.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden, "the delegate sees the body, and may not withdraw the organisation")
	_, err = b.svc.Resign(b.as(manager), sm.ID)
	require.NoError(t, err)

	var actions []string
	rows, err := b.pool.Query(b.ctx, `select action from audit_log where object_id = $1 and action like 'dialogue.member%'
		order by created_at, action`, body.ID.String())
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions = append(actions, a)
	}
	require.Equal(t, []string{"dialogue.member_appoint", "dialogue.member_appoint", "dialogue.member_resign", "dialogue.member_resign"}, actions,
		"the body's own audit trail")
}

func TestTerms_EndOnTheirOwnAndTheJobRecordsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, false)
	alice := b.account(t, "alice")
	end := b.clock.Now().Add(48 * time.Hour)
	m, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &alice, Role: dialogue.RoleChair, TermEnd: &end})
	require.NoError(t, err)
	var scheduled time.Time
	require.NoError(t, b.pool.QueryRow(b.ctx, `select scheduled_at from river_job where kind = $1 and args->>'member_id' = $2`,
		dialogue.JobTermEnd, m.ID.String()).Scan(&scheduled))
	require.True(t, scheduled.Equal(end))

	n, err := b.svc.EndDueTerms(b.ctx, nil)
	require.NoError(t, err)
	require.Equal(t, 0, n, "nothing is due yet")
	acts, err := b.svc.Actions(b.as(alice), body)
	require.NoError(t, err)
	require.Equal(t, dialogue.BodyActions{AppointGuests: true}, acts)

	b.clock.Advance(49 * time.Hour)
	// Before the job: the clock alone ends the term in every check.
	_, err = b.svc.Body(b.as(alice), body.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	list, err := b.svc.Members(b.coordinator, body.ID, false, 10, "")
	require.NoError(t, err)
	require.Equal(t, 0, list.Total)
	list, err = b.svc.Members(b.coordinator, body.ID, true, 10, "")
	require.NoError(t, err)
	require.Equal(t, 1, list.Total)
	gotEnd, why := list.Items[0].End(b.clock.Now())
	require.Equal(t, dialogue.EndTermEnded, why)
	require.True(t, gotEnd.Equal(end))

	n, err = b.svc.EndDueTerms(b.ctx, &m.ID)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = b.svc.EndDueTerms(b.ctx, nil)
	require.NoError(t, err)
	require.Equal(t, 0, n, "once")
	ds, err := authz.DomainsWithRole(b.ctx, b.pool, alice, authz.RoleBodyChair)
	require.NoError(t, err)
	require.Empty(t, ds, "the grant is gone")
	mm, err := b.svc.Member(b.coordinator, m.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.EndTermEnded, *mm.EndReason)
	require.True(t, mm.EndedAt.Equal(end))
}

func TestPersonalData_ExportAndErasureKeepTheHistory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	ngo := b.organisation(t, "ngo")
	alice, other := b.account(t, "alice"), b.account(t, "other")
	b.orgMember(t, ngo, alice, "member")
	b.orgMember(t, ngo, other, "member")
	m := b.person(t, body.ID, alice, dialogue.RoleMember)
	year := b.clock.Now().AddDate(1, 0, 0)
	om, err := b.svc.Appoint(b.official, dialogue.AppointInput{BodyID: body.ID, OrganisationID: &ngo, Role: dialogue.RoleMember,
		TermEnd: &year, Delegates: []dialogue.DelegateInput{{AccountID: alice}, {AccountID: other}}})
	require.NoError(t, err)

	pd := b.svc.PersonalData()
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		got, err := pd.Export(b.ctx, tx, alice)
		require.NoError(t, err)
		ex := got.(dialogue.PersonalExport)
		require.Len(t, ex.Memberships, 1)
		require.Equal(t, m.ID, ex.Memberships[0].MemberID)
		require.Equal(t, dialogue.RoleMember, ex.Memberships[0].Role)
		require.Len(t, ex.Delegations, 1)
		require.Equal(t, om.ID, ex.Delegations[0].MemberID)
		require.Equal(t, ngo, ex.Delegations[0].OrganisationID)
		require.Equal(t, dialogue.DelegateMain, ex.Delegations[0].Kind)
		return nil
	}))
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		if err := pd.Erase(b.ctx, tx, alice); err != nil {
			return err
		}
		_, err := tx.Exec(b.ctx, `update accounts set deleted_at = now() where id = $1`, alice)
		return err
	}))

	all, err := b.svc.Members(b.anonymous(), body.ID, true, 10, "")
	require.NoError(t, err)
	require.Equal(t, 2, all.Total, "the history stays")
	byID := map[uuid.UUID]*dialogue.Member{}
	for _, x := range all.Items {
		byID[x.ID] = x
	}
	require.Nil(t, byID[m.ID].DisplayName, "a deleted account shows no name")
	require.Equal(t, dialogue.EndAccountDeleted, *byID[m.ID].EndReason)
	require.Equal(t, []uuid.UUID{other}, []uuid.UUID{byID[om.ID].Delegates[0].AccountID}, "the organisation keeps its seat")
	require.Nil(t, byID[om.ID].EndReason)
	ds, err := authz.DomainsWithRole(b.ctx, b.pool, alice, authz.RoleBodyMember)
	require.NoError(t, err)
	require.Empty(t, ds)
}

// TestTermJobs_RemindThenEndTheTerm runs the real River workers: the
// reminder goes out TermEndingNotice before the end, and the end is
// recorded when it comes.
func TestTermJobs_RemindThenEndTheTerm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.startWorkers(t)
	body := b.body(t, true)
	alice := b.account(t, "alice")
	end := time.Now().Add(dialogue.TermEndingNotice + 2*time.Second)
	m, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &alice, Role: dialogue.RoleMember, TermEnd: &end})
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from notifications where account_id = $1 and kind = $2`,
			alice, dialogue.NoticeTermEnding).Scan(&n))
		return n == 1
	}, 20*time.Second, 100*time.Millisecond, "the reminder comes 30 days before the end")

	// The end itself: a term ending in a second, with the clock past it.
	bob := b.account(t, "bob")
	soon := time.Now().Add(time.Second)
	short, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &bob, Role: dialogue.RoleGuest, TermEnd: &soon})
	require.NoError(t, err)
	b.clock.Advance(time.Since(b.clock.Now()) + time.Hour)
	require.Eventually(t, func() bool {
		got, err := b.svc.Member(b.coordinator, short.ID)
		require.NoError(t, err)
		return got.EndReason != nil
	}, 20*time.Second, 100*time.Millisecond)
	got, err := b.svc.Member(b.coordinator, short.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.EndTermEnded, *got.EndReason)
	require.True(t, got.EndedAt.Equal(*got.TermEnd))
	still, err := b.svc.Member(b.coordinator, m.ID)
	require.NoError(t, err)
	require.Nil(t, still.EndReason, "alice's term runs on")
}

// TestAppoint_ConcurrentChairsOneWins: eight appointments of a chair at
// once, and of one person eight times: exactly one of each succeeds, the
// rest are CONFLICT (the body's row serialises them).
func TestAppoint_ConcurrentChairsOneWins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	year := b.clock.Now().AddDate(1, 0, 0)
	candidates := make([]uuid.UUID, 8)
	for i := range candidates {
		candidates[i] = b.account(t, "candidate")
	}
	_, errs := pgtest.AtOnce(len(candidates), func(i int) (*dialogue.Member, error) {
		return b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &candidates[i], Role: dialogue.RoleChair, TermEnd: &year})
	})
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.chair_taken"))
	}
	require.Equal(t, 1, ok)

	same := b.account(t, "same")
	_, errs = pgtest.AtOnce(8, func(int) (*dialogue.Member, error) {
		return b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &same, Role: dialogue.RoleMember, TermEnd: &year})
	})
	ok = 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.already_member"))
	}
	require.Equal(t, 1, ok)
	var rows int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from dialogue_members where body_id = $1`, body.ID).Scan(&rows))
	require.Equal(t, 2, rows)
}

// TestSchema_RefusesWhatTheServiceRefuses: the table's own checks stand
// behind the service (a voting member without a term end, a member that is
// both or neither a person and an organisation, an end without a reason).
func TestSchema_RefusesWhatTheServiceRefuses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	alice := b.account(t, "alice")
	ngo := b.organisation(t, "ngo")
	for name, sql := range map[string]string{
		"member without end": `insert into dialogue_members (body_id, account_id, role, term_start) values ($1, $2, 'member', now())`,
		"both":               `insert into dialogue_members (body_id, account_id, organisation_id, role, term_start) values ($1, $2, $3, 'guest', now())`,
		"neither":            `insert into dialogue_members (body_id, role, term_start) values ($1, 'guest', now())`,
		"end without reason": `insert into dialogue_members (body_id, account_id, role, term_start, ended_at) values ($1, $2, 'guest', now(), now())`,
	} {
		args := []any{body.ID}
		if name != "neither" {
			args = append(args, alice)
		}
		if name == "both" {
			args = append(args, ngo)
		}
		_, err := b.pool.Exec(b.ctx, sql, args...)
		require.ErrorContains(t, err, "violates check constraint", name)
	}
}
