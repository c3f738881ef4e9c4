package dialogue_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// told counts the notices of kind queued for account.
func (b *bundle) told(t *testing.T, kind string, account uuid.UUID) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $3 and args->>'kind' = $1
		and args->>'account_id' = $2`, kind, account.String(), notify.JobDeliver).Scan(&n))
	return n
}

// mailed waits for the e-mail of kind to account and returns its locale
// and subject (the workers must run).
func (b *bundle) mailed(t *testing.T, kind string, account uuid.UUID) (locale, subject string) {
	t.Helper()
	require.Eventually(t, func() bool {
		return b.pool.QueryRow(b.ctx, `select locale, subject from email_outbox where account_id = $1 and kind = $2
			order by created_at desc limit 1`, account, kind).Scan(&locale, &subject) == nil
	}, 10*time.Second, 20*time.Millisecond)
	return locale, subject
}

func (b *bundle) invited(t *testing.T, id uuid.UUID) int {
	t.Helper()
	m, err := b.svc.Meeting(b.coordinator, id)
	require.NoError(t, err)
	return m.Invited
}

// TestInviteGuest_SeesOneMeetingSpeaksNeverVotes: the chair invites an
// expert to one meeting of a non-public body; the expert is told in their
// language, sees that meeting (not the body, not its other meetings),
// checks in, asks to speak, and neither votes nor counts towards the
// quorum; membership changes leave the guest alone; the invitation is
// withdrawn, with a notice, and the guest no longer sees the meeting.
func TestInviteGuest_SeesOneMeetingSpeaksNeverVotes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, false)
	b.startWorkers(t)
	chair := b.as(c.chair)
	m, err := b.svc.ScheduleMeeting(chair, c.body.ID, b.meetingInput())
	require.NoError(t, err)
	other, err := b.svc.ScheduleMeeting(chair, c.body.ID, b.meetingInput())
	require.NoError(t, err)
	item, err := b.svc.AddAgendaItem(chair, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "Opinia o programie"}})
	require.NoError(t, err)
	expert := b.localised(t, "expert", i18n.UK)
	exp := b.as(expert)

	_, err = b.svc.InviteGuest(b.anonymous(), m.ID, expert)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.InviteGuest(b.as(c.member), m.ID, expert)
	require.ErrorIs(t, err, apperr.ErrForbidden, "a member does not invite")
	_, err = b.svc.InviteGuest(exp, m.ID, expert)
	require.ErrorIs(t, err, apperr.ErrNotFound, "an outsider does not see a non-public body's meeting")
	_, err = b.svc.InviteGuest(chair, m.ID, uuid.New())
	require.ErrorIs(t, err, apperr.Invalid("accountId", "dialogue.account_invalid"))
	_, err = b.svc.InviteGuest(chair, m.ID, c.member)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.meeting_guest_on_roll"))

	got, err := b.svc.InviteGuest(chair, m.ID, expert)
	require.NoError(t, err)
	require.Equal(t, 8, got.Invited)
	got, err = b.svc.InviteGuest(b.coordinator, m.ID, expert)
	require.NoError(t, err, "inviting again changes nothing")
	require.Equal(t, 8, got.Invited)
	require.Equal(t, 1, b.told(t, dialogue.NoticeMeetingGuestInvited, expert))
	require.Equal(t, 0, b.told(t, dialogue.NoticeMeetingInvited, expert), "not told they sit in the body")
	locale, subject := b.mailed(t, dialogue.NoticeMeetingGuestInvited, expert)
	require.Equal(t, "uk", locale)
	require.Equal(t, "Запрошення на засідання органу діалогу: Rada ds. Cudzoziemców", subject)

	// The guest sees this meeting and its agenda, not the body nor its
	// other meetings.
	seen, err := b.svc.Meeting(exp, m.ID)
	require.NoError(t, err)
	require.True(t, seen.ViewerInvited)
	require.Equal(t, c.body.ID, seen.Body().ID)
	_, err = b.svc.Agenda(exp, m.ID)
	require.NoError(t, err)
	_, err = b.svc.Body(exp, c.body.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Meeting(exp, other.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	require.True(t, b.svc.MeetingVisibility(seen)(exp))
	acts, err := b.svc.MeetingActions(exp, seen)
	require.NoError(t, err)
	require.Equal(t, dialogue.MeetingActions{Speak: true}, acts)
	list, err := b.svc.RequestToSpeak(exp, item.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, expert, list[0].AccountID)

	// A new member joins: the guest stays on the roll.
	newcomer := b.account(t, "newcomer")
	b.person(t, c.body.ID, newcomer, dialogue.RoleMember)
	require.Equal(t, 9, b.invited(t, m.ID))

	// In the room: the guest checks in and counts for nothing.
	b.clock.Advance(48*time.Hour - 10*time.Minute)
	code, err := b.svc.IssueCheckinCode(chair, m.ID)
	require.NoError(t, err)
	before, err := b.svc.Quorum(b.ctx, b.pool, m.ID)
	require.NoError(t, err)
	_, err = b.svc.CheckIn(exp, m.ID, code.Code)
	require.NoError(t, err)
	after, err := b.svc.Quorum(b.ctx, b.pool, m.ID)
	require.NoError(t, err)
	require.Equal(t, before, after, "a guest never counts")
	votes, err := dialogue.VotesOf(b.ctx, b.pool, c.body.ID, expert, b.clock.Now())
	require.NoError(t, err)
	require.Empty(t, votes, "a guest never votes")

	// Withdrawn: taken off the roll, marked as having left, told, and the
	// meeting is no longer theirs to see.
	_, err = b.svc.WithdrawGuest(b.as(c.member), m.ID, expert)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.WithdrawGuest(chair, m.ID, c.member)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.meeting_guest_on_roll"), "members leave the roll by leaving the body")
	got, err = b.svc.WithdrawGuest(chair, m.ID, expert)
	require.NoError(t, err)
	require.Equal(t, 8, got.Invited)
	require.Equal(t, 0, got.Present)
	got, err = b.svc.WithdrawGuest(chair, m.ID, expert)
	require.NoError(t, err, "withdrawing again changes nothing")
	require.Equal(t, 8, got.Invited)
	require.Equal(t, 1, b.told(t, dialogue.NoticeMeetingGuestWithdrawn, expert))
	locale, subject = b.mailed(t, dialogue.NoticeMeetingGuestWithdrawn, expert)
	require.Equal(t, "uk", locale)
	require.Equal(t, "Запрошення на засідання органу діалогу відкликано: Rada ds. Cudzoziemców", subject)
	_, err = b.svc.Meeting(exp, m.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	require.False(t, b.svc.MeetingVisibility(seen)(exp))
	_, err = b.svc.CheckIn(exp, m.ID, code.Code)
	require.ErrorIs(t, err, apperr.ErrNotFound)

	// Once the meeting is over, its roll stays as it was.
	b.clock.Advance(3 * time.Hour)
	_, err = b.svc.InviteGuest(chair, m.ID, expert)
	require.ErrorIs(t, err, dialogue.ErrMeetingEnded)
}

// TestInviteGuest_AGuestWhoJoinsTheBodyStaysOnTheRoll: withdrawing the
// guest mark of someone appointed since keeps them invited as a member, and
// a cancelled meeting's roll does not change.
func TestInviteGuest_AGuestWhoJoinsTheBodyStaysOnTheRoll(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	chair := b.as(c.chair)
	m, err := b.svc.ScheduleMeeting(chair, c.body.ID, b.meetingInput())
	require.NoError(t, err)
	expert := b.account(t, "expert")
	_, err = b.svc.InviteGuest(chair, m.ID, expert)
	require.NoError(t, err)
	b.person(t, c.body.ID, expert, dialogue.RoleMember)
	require.Equal(t, 8, b.invited(t, m.ID), "invited once")
	_, err = b.svc.WithdrawGuest(chair, m.ID, expert)
	require.NoError(t, err)
	require.Equal(t, 8, b.invited(t, m.ID), "still invited, as a member")
	require.Equal(t, 0, b.told(t, dialogue.NoticeMeetingGuestWithdrawn, expert))
	_, err = b.svc.WithdrawGuest(chair, m.ID, expert)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.meeting_guest_on_roll"))

	_, err = b.svc.CancelMeeting(chair, m.ID, "Brak sali w tym terminie")
	require.NoError(t, err)
	_, err = b.svc.InviteGuest(chair, m.ID, b.account(t, "late"))
	require.ErrorIs(t, err, dialogue.ErrMeetingCancelled)
}

// TestPublicSeats_RegistrantsNeitherCountNorVoteNorSpeak: a public body's
// meeting with one public seat: the second person waits and is promoted
// when the first withdraws; members cannot take a seat; staff alone see who
// registered, who is invited and the check-in code; a registrant checks in
// and counts for nothing; a guest invitation frees the guest's seat.
func TestPublicSeats_RegistrantsNeitherCountNorVoteNorSpeak(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	in := b.meetingInput()
	in.Capacity = ptr(1)
	chair := b.as(c.chair)
	m, err := b.svc.ScheduleMeeting(chair, c.body.ID, in)
	require.NoError(t, err)
	item, err := b.svc.AddAgendaItem(chair, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "Opinia"}})
	require.NoError(t, err)
	ann, bea, cyr := b.account(t, "ann"), b.account(t, "bea"), b.account(t, "cyr")

	seen, err := b.svc.Meeting(b.as(ann), m.ID)
	require.NoError(t, err)
	acts, err := b.svc.MeetingActions(b.as(ann), seen)
	require.NoError(t, err)
	require.Equal(t, dialogue.MeetingActions{Register: true}, acts)
	_, err = b.svc.RegisterForMeeting(b.as(c.member), m.ID)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, ""), "a member is on the roll already")

	got, err := b.svc.RegisterForMeeting(b.as(ann), m.ID)
	require.NoError(t, err)
	require.Equal(t, gathering.Registered, got.Viewer)
	got, err = b.svc.RegisterForMeeting(b.as(bea), m.ID)
	require.NoError(t, err)
	require.Equal(t, gathering.Waitlisted, got.Viewer)
	mine, err := b.svc.ViewerRegistration(b.as(bea), got)
	require.NoError(t, err)
	require.Equal(t, 1, mine.QueuePosition)
	got, err = b.svc.RegisterForMeeting(b.as(bea), m.ID)
	require.NoError(t, err, "registering again changes nothing")
	require.Equal(t, 1, got.Registered)
	require.Equal(t, 1, got.Waitlisted)
	_, err = b.svc.RegisterForMeeting(b.as(cyr), m.ID)
	require.NoError(t, err)

	// Staff see who; everyone else sees the counts.
	regs, err := b.svc.Registrations(chair, got)
	require.NoError(t, err)
	require.Len(t, regs, 3)
	require.Equal(t, []uuid.UUID{ann, bea, cyr}, []uuid.UUID{regs[0].AccountID, regs[1].AccountID, regs[2].AccountID})
	invs, err := b.svc.Invitations(b.coordinator, got)
	require.NoError(t, err)
	require.Len(t, invs, 7)
	for who, ctx := range map[string]context.Context{"member": b.as(c.member), "observer": b.as(c.obs), "registrant": b.as(ann),
		"anonymous": b.anonymous()} {
		regs, err := b.svc.Registrations(ctx, got)
		require.NoError(t, err)
		require.Nil(t, regs, who)
		invs, err := b.svc.Invitations(ctx, got)
		require.NoError(t, err)
		require.Nil(t, invs, who)
	}

	// The first withdraws: the first waiting takes the seat and is told.
	got, err = b.svc.UnregisterFromMeeting(b.as(ann), m.ID)
	require.NoError(t, err)
	require.Equal(t, gathering.Cancelled, got.Viewer)
	require.Equal(t, 1, got.Registered)
	require.Equal(t, 1, got.Waitlisted)
	require.Equal(t, 1, b.told(t, dialogue.NoticeMeetingPromoted, bea))
	_, err = b.svc.UnregisterFromMeeting(b.as(ann), m.ID)
	require.NoError(t, err, "withdrawing again changes nothing")

	// Invited as a guest, bea's seat goes to cyr.
	got, err = b.svc.InviteGuest(chair, m.ID, bea)
	require.NoError(t, err)
	require.Equal(t, 1, got.Registered)
	require.Equal(t, 0, got.Waitlisted)
	require.Equal(t, 1, b.told(t, dialogue.NoticeMeetingPromoted, cyr))
	_, err = b.svc.RegisterForMeeting(b.as(bea), m.ID)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "gathering.invited"))

	// In the room: the registrant checks in, counts for nothing, never
	// speaks and never votes.
	b.clock.Advance(48*time.Hour + 10*time.Minute)
	seen, err = b.svc.Meeting(b.as(ann), m.ID)
	require.NoError(t, err)
	acts, err = b.svc.MeetingActions(b.as(ann), seen)
	require.NoError(t, err)
	require.False(t, acts.Register, "registration closes at the start")
	code, err := b.svc.IssueCheckinCode(chair, m.ID)
	require.NoError(t, err)
	before, err := b.svc.Quorum(b.ctx, b.pool, m.ID)
	require.NoError(t, err)
	_, err = b.svc.CheckIn(b.as(cyr), m.ID, code.Code)
	require.NoError(t, err)
	after, err := b.svc.Quorum(b.ctx, b.pool, m.ID)
	require.NoError(t, err)
	require.Equal(t, before, after)
	_, err = b.svc.RequestToSpeak(b.as(cyr), item.ID)
	require.ErrorIs(t, err, apperr.New(apperr.Forbidden, "dialogue.speaker_not_allowed"))
	votes, err := dialogue.VotesOf(b.ctx, b.pool, c.body.ID, cyr, b.clock.Now())
	require.NoError(t, err)
	require.Empty(t, votes)
	_, err = b.svc.CheckIn(b.as(ann), m.ID, code.Code)
	require.ErrorIs(t, err, apperr.New(apperr.Forbidden, "gathering.not_on_roll"), "a withdrawn registration is off the roll")
}

// TestCheckinCode_OnlyForTheMeetingsStaff: the chair, the secretary and the
// unit's staff read the current code; members, observers, guests of the
// body, registrants and the public do not; a new code replaces it.
func TestCheckinCode_OnlyForTheMeetingsStaff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	secretary := b.account(t, "secretary")
	b.person(t, c.body.ID, secretary, dialogue.RoleSecretary)
	chair := b.as(c.chair)
	m, err := b.svc.ScheduleMeeting(chair, c.body.ID, b.meetingInput())
	require.NoError(t, err)
	code, err := b.svc.CheckinCode(chair, m)
	require.NoError(t, err)
	require.Nil(t, code, "none issued yet")
	issued, err := b.svc.IssueCheckinCode(chair, m.ID)
	require.NoError(t, err)
	for _, staff := range []uuid.UUID{c.chair, secretary, b.coordID} {
		code, err := b.svc.CheckinCode(b.as(staff), m)
		require.NoError(t, err)
		require.Equal(t, issued.Code, code.Code)
		require.True(t, m.EndsAt.Equal(code.ValidUntil))
	}
	code, err = b.svc.CheckinCode(b.official, m)
	require.NoError(t, err)
	require.Equal(t, issued.Code, code.Code)
	registrant := b.account(t, "registrant")
	_, err = b.svc.RegisterForMeeting(b.as(registrant), m.ID)
	require.NoError(t, err)
	for _, who := range []uuid.UUID{c.member, c.a1, c.obs, c.guest, registrant, uuid.Nil} {
		code, err := b.svc.CheckinCode(b.as(who), m)
		require.NoError(t, err)
		require.Nil(t, code, who)
	}
	renewed, err := b.svc.IssueCheckinCode(b.as(secretary), m.ID)
	require.NoError(t, err)
	require.NotEqual(t, issued.Code, renewed.Code)
	code, err = b.svc.CheckinCode(chair, m)
	require.NoError(t, err)
	require.Equal(t, renewed.Code, code.Code)
}

// TestRoll_FollowsTermsWithdrawalAndDissolution: a term that begins later
// joins the roll when it begins (its job), a term that ends leaves it (the
// term-end job), an organisation's withdrawal takes its delegates off, and
// dissolution cancels the meetings to come, telling their rolls, while a
// meeting under way and a cancelled one are left as they are.
func TestRoll_FollowsTermsWithdrawalAndDissolution(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	chair := b.as(c.chair)
	now := b.clock.Now()
	at := func(d time.Duration) dialogue.MeetingInput {
		in := b.meetingInput()
		in.StartsAt = now.Add(d).Truncate(time.Minute)
		in.EndsAt = in.StartsAt.Add(2 * time.Hour)
		return in
	}
	_, err := b.svc.ScheduleMeeting(chair, c.body.ID, at(time.Hour))
	require.NoError(t, err)
	m, err := b.svc.ScheduleMeeting(chair, c.body.ID, at(48*time.Hour))
	require.NoError(t, err)
	later, err := b.svc.ScheduleMeeting(chair, c.body.ID, at(72*time.Hour))
	require.NoError(t, err)
	dropped, err := b.svc.ScheduleMeeting(chair, c.body.ID, at(96*time.Hour))
	require.NoError(t, err)
	_, err = b.svc.CancelMeeting(chair, dropped.ID, "Brak sali w tym terminie")
	require.NoError(t, err)
	require.Equal(t, 7, b.invited(t, m.ID))

	// Appointed from tomorrow: invited when the term begins.
	starter := b.account(t, "starter")
	end := now.AddDate(1, 0, 0)
	joined, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: c.body.ID, AccountID: &starter,
		Role: dialogue.RoleMember, TermStart: now.Add(24 * time.Hour), TermEnd: &end})
	require.NoError(t, err)
	require.Equal(t, 7, b.invited(t, m.ID), "not yet")
	var scheduled time.Time
	require.NoError(t, b.pool.QueryRow(b.ctx, `select scheduled_at from river_job where kind = $1 and args->>'member_id' = $2`,
		dialogue.JobTermStart, joined.ID.String()).Scan(&scheduled))
	require.WithinDuration(t, now.Add(24*time.Hour), scheduled, time.Second)

	// Appointed until the day after tomorrow: off the roll when it ends.
	leaver := b.account(t, "leaver")
	short := now.Add(30 * time.Hour)
	_, err = b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: c.body.ID, AccountID: &leaver,
		Role: dialogue.RoleMember, TermEnd: &short})
	require.NoError(t, err)
	require.Equal(t, 8, b.invited(t, m.ID))

	b.clock.Advance(25 * time.Hour) // the first meeting is over
	require.NoError(t, b.svc.SyncRollOfMember(b.ctx, joined.ID), "the term-start job")
	require.Equal(t, 9, b.invited(t, m.ID))
	require.Equal(t, 2, b.told(t, dialogue.NoticeMeetingInvited, starter), "to the two meetings to come")
	require.NoError(t, b.svc.SyncRollOfMember(b.ctx, joined.ID))
	require.Equal(t, 2, b.told(t, dialogue.NoticeMeetingInvited, starter), "running it again tells nobody again")

	b.clock.Advance(6 * time.Hour)
	n, err := b.svc.EndDueTerms(b.ctx, nil)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, 8, b.invited(t, m.ID), "the ended term left the roll")
	lm, err := b.svc.Meeting(b.as(leaver), later.ID)
	require.NoError(t, err)
	require.False(t, lm.ViewerInvited)

	// Organisation A withdraws (its manager resigns its membership): both
	// delegates leave the roll of meetings to come.
	manager := b.account(t, "manager")
	b.orgMember(t, c.orgA, manager, "manager")
	members, err := b.svc.Members(b.coordinator, c.body.ID, false, 50, "")
	require.NoError(t, err)
	var orgA uuid.UUID
	for _, mem := range members.Items {
		if mem.OrganisationID != nil && *mem.OrganisationID == c.orgA {
			orgA = mem.ID
		}
	}
	_, err = b.svc.Resign(b.as(manager), orgA)
	require.NoError(t, err)
	require.Equal(t, 6, b.invited(t, m.ID))
	require.Equal(t, 6, b.invited(t, later.ID))

	// A meeting under way when the body is dissolved: hold one now.
	under, err := b.svc.ScheduleMeeting(chair, c.body.ID, at(32*time.Hour))
	require.NoError(t, err)
	b.clock.Advance(2 * time.Hour)
	_, err = b.svc.DissolveBody(b.coordinator, c.body.ID, "Nowa rada od przyszłego roku")
	require.NoError(t, err)
	for _, id := range []uuid.UUID{m.ID, later.ID} {
		got, err := b.svc.Meeting(b.anonymous(), id)
		require.NoError(t, err)
		require.NotNil(t, got.CancelledAt)
		require.Equal(t, "Nowa rada od przyszłego roku", got.CancelReason)
		require.Equal(t, 6, got.Invited, "a cancelled meeting keeps its roll")
	}
	got, err := b.svc.Meeting(b.anonymous(), under.ID)
	require.NoError(t, err)
	require.Nil(t, got.CancelledAt, "a meeting under way is not cancelled")
	got, err = b.svc.Meeting(b.anonymous(), dropped.ID)
	require.NoError(t, err)
	require.Equal(t, "Brak sali w tym terminie", got.CancelReason)
	var told int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $2 and args->>'kind' = $1
		and args->'data'->>'reason' = 'Nowa rada od przyszłego roku'`, dialogue.NoticeMeetingCancelled, notify.JobDeliver).Scan(&told))
	require.Equal(t, 12, told, "each of the two meetings' six invitees")
}

// TestQuorums_AgreeWithQuorum: the batch gives each meeting what Quorum
// gives it, across bodies and rules.
func TestQuorums_AgreeWithQuorum(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	d := b.council(t, false)
	_, err := b.svc.UpdateBody(b.coordinator, d.body.ID, dialogue.UpdateInput{Rules: dialogue.RulesPatch{RemoteAttendanceCounts: ptr(false)}})
	require.NoError(t, err)
	m1, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	m2, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	m3, err := b.svc.ScheduleMeeting(b.as(d.chair), d.body.ID, b.meetingInput())
	require.NoError(t, err)
	b.clock.Advance(48 * time.Hour)
	for _, p := range []struct {
		m       uuid.UUID
		chair   uuid.UUID
		account uuid.UUID
		mode    string
	}{
		{m1.ID, c.chair, c.a1, gathering.InPerson}, {m1.ID, c.chair, c.double, gathering.Remote},
		{m2.ID, c.chair, c.member, gathering.InPerson}, {m2.ID, c.chair, c.guest, gathering.InPerson},
		{m3.ID, d.chair, d.double, gathering.Remote}, {m3.ID, d.chair, d.chair, gathering.InPerson},
	} {
		_, err := b.svc.RecordAttendance(b.as(p.chair), p.m, p.account, p.mode)
		require.NoError(t, err)
	}
	all, err := b.svc.Quorums(b.ctx, b.pool, []uuid.UUID{m1.ID, m2.ID, m3.ID, uuid.New()})
	require.NoError(t, err)
	require.Len(t, all, 3, "an unknown id is left out")
	for _, id := range []uuid.UUID{m1.ID, m2.ID, m3.ID} {
		one, err := b.svc.Quorum(b.ctx, b.pool, id)
		require.NoError(t, err)
		require.Equal(t, one, all[id])
	}
	require.Equal(t, dialogue.Quorum{Present: 3, Members: 5, Required: 3, Reached: true}, *all[m1.ID])
	require.Equal(t, dialogue.Quorum{Present: 1, Members: 5, Required: 3, Reached: false}, *all[m3.ID], "remote does not count there")
	empty, err := b.svc.Quorums(b.ctx, b.pool, nil)
	require.NoError(t, err)
	require.Empty(t, empty)
}
