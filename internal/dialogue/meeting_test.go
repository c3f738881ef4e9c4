package dialogue_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
)

// council is a body with every kind of member: the chair (a person), a
// person member, organisation A with a main and a substitute delegate,
// organisations B and C both represented by one person (double), a guest
// and an observer, each account in its own language.
type council struct {
	body                                      *dialogue.Body
	chair, member, a1, a2, double, guest, obs uuid.UUID
	orgA, orgB, orgC                          uuid.UUID
}

func (b *bundle) localised(t *testing.T, name string, l i18n.Locale) uuid.UUID {
	t.Helper()
	id := b.account(t, name)
	_, err := b.pool.Exec(b.ctx, `update accounts set locale = $2 where id = $1`, id, string(l))
	require.NoError(t, err)
	return id
}

func (b *bundle) council(t *testing.T, public bool) *council {
	t.Helper()
	c := &council{body: b.body(t, public)}
	c.chair, c.member = b.localised(t, "chair", i18n.UK), b.localised(t, "member", i18n.RU)
	c.a1, c.a2 = b.localised(t, "a1", i18n.EN), b.localised(t, "a2", i18n.PL)
	c.double, c.guest, c.obs = b.localised(t, "double", i18n.EN), b.localised(t, "guest", i18n.UK), b.localised(t, "observer", i18n.PL)
	b.person(t, c.body.ID, c.chair, dialogue.RoleChair)
	b.person(t, c.body.ID, c.member, dialogue.RoleMember)
	b.person(t, c.body.ID, c.guest, dialogue.RoleGuest)
	b.person(t, c.body.ID, c.obs, dialogue.RoleObserver)
	end := b.clock.Now().AddDate(1, 0, 0)
	org := func(delegates ...dialogue.DelegateInput) uuid.UUID {
		id := b.organisation(t, "ngo")
		for _, d := range delegates {
			b.orgMember(t, id, d.AccountID, "member")
		}
		_, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: c.body.ID, OrganisationID: &id,
			Role: dialogue.RoleMember, TermEnd: &end, Delegates: delegates})
		require.NoError(t, err)
		return id
	}
	c.orgA = org(dialogue.DelegateInput{AccountID: c.a1}, dialogue.DelegateInput{AccountID: c.a2, Substitute: true})
	c.orgB = org(dialogue.DelegateInput{AccountID: c.double})
	c.orgC = org(dialogue.DelegateInput{AccountID: c.double})
	return c
}

func (b *bundle) meetingInput() dialogue.MeetingInput {
	start := b.clock.Now().Add(48 * time.Hour).Truncate(time.Minute)
	return dialogue.MeetingInput{Title: i18n.Input{Locale: i18n.PL, Text: "Posiedzenie nr 1"},
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4",
		Languages: []string{"pl", "uk"}}
}

func TestScheduleMeeting_InvitesTheRollEachInTheirLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	b.startWorkers(t)

	_, err := b.svc.ScheduleMeeting(b.as(c.member), c.body.ID, b.meetingInput())
	require.ErrorIs(t, err, apperr.ErrForbidden, "a member does not schedule")
	_, err = b.svc.ScheduleMeeting(b.anonymous(), c.body.ID, b.meetingInput())
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	bad := b.meetingInput()
	bad.Place = ""
	_, err = b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, bad)
	require.ErrorIs(t, err, apperr.Invalid("place", "dialogue.meeting_place_invalid"))
	bad = b.meetingInput()
	bad.StartsAt = b.clock.Now().Add(-time.Hour)
	_, err = b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, bad)
	require.ErrorIs(t, err, apperr.Invalid("startsAt", "dialogue.meeting_starts_in_past"))

	m, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	require.Equal(t, 7, m.Invited, "chair, member, both delegates of A, the double delegate once, guest, observer")

	want := map[uuid.UUID]struct {
		locale, subject string
	}{
		c.chair:  {"uk", "Запрошення на засідання органу діалогу"},
		c.member: {"ru", "Приглашение на заседание органа диалога"},
		c.a1:     {"en", "Invitation to a dialogue body meeting"},
		c.a2:     {"pl", "Zaproszenie na posiedzenie ciała dialogu"},
		c.double: {"en", "Invitation to a dialogue body meeting"},
		c.guest:  {"uk", "Запрошення на засідання органу діалогу"},
		c.obs:    {"pl", "Zaproszenie na posiedzenie ciała dialogu"},
	}
	for account, w := range want {
		var locale, subject string
		require.Eventually(t, func() bool {
			err := b.pool.QueryRow(b.ctx, `select locale, subject from email_outbox where account_id = $1 and kind = $2`,
				account, dialogue.NoticeMeetingInvited).Scan(&locale, &subject)
			return err == nil
		}, 10*time.Second, 20*time.Millisecond)
		require.Equal(t, w.locale, locale)
		require.Equal(t, w.subject, subject)
	}
	var reminders int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and args->>'meeting_id' = $2`,
		dialogue.JobMeetingReminder, m.ID.String()).Scan(&reminders))
	require.Equal(t, 1, reminders, "the reminder the day before")

	// Cancelling tells the whole roll.
	_, err = b.svc.CancelMeeting(b.as(c.member), m.ID, "Brak sali w tym terminie")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	m, err = b.svc.CancelMeeting(b.as(c.chair), m.ID, "Brak sali w tym terminie")
	require.NoError(t, err)
	require.NotNil(t, m.CancelledAt)
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from email_outbox where kind = $1`,
			dialogue.NoticeMeetingCancelled).Scan(&n))
		return n == 7
	}, 10*time.Second, 20*time.Millisecond)
}

func TestMeetingQuorum_CountsVotesNotPeople(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	m, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	b.clock.Advance(48 * time.Hour)
	chair := b.as(c.chair)

	quorum := func(present, required int, reached bool) {
		t.Helper()
		q, err := b.svc.Quorum(b.ctx, b.pool, m.ID)
		require.NoError(t, err)
		require.Equal(t, dialogue.Quorum{Present: present, Members: 5, Required: required, Reached: reached}, *q)
	}
	quorum(0, 3, false)

	code, err := b.svc.IssueCheckinCode(chair, m.ID)
	require.NoError(t, err)
	_, err = b.svc.IssueCheckinCode(b.as(c.member), m.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)

	_, err = b.svc.CheckIn(b.as(c.guest), m.ID, code.Code)
	require.NoError(t, err)
	quorum(0, 3, false) // guests never count
	_, err = b.svc.CheckIn(b.as(c.obs), m.ID, code.Code)
	require.NoError(t, err)
	quorum(0, 3, false) // nor do observers
	_, err = b.svc.CheckIn(b.as(c.a1), m.ID, code.Code)
	require.NoError(t, err)
	quorum(1, 3, false) // organisation A
	_, err = b.svc.RecordAttendance(chair, m.ID, c.a2, gathering.InPerson)
	require.NoError(t, err)
	quorum(1, 3, false) // A's substitute adds no vote
	_, err = b.svc.RecordAttendance(chair, m.ID, c.double, gathering.Remote)
	require.NoError(t, err)
	quorum(3, 3, true) // B and C through one remote delegate

	present, members, err := b.svc.PresentVoters(b.ctx, b.pool, m.ID)
	require.NoError(t, err)
	require.Equal(t, 5, members)
	require.ElementsMatch(t, []poll.VoterKey{poll.Org(c.orgA), poll.Org(c.orgB), poll.Org(c.orgC)}, present)

	// Under a rule where remote attendance does not count.
	_, err = b.svc.UpdateBody(b.coordinator, c.body.ID, dialogue.UpdateInput{Rules: dialogue.RulesPatch{RemoteAttendanceCounts: ptr(false)}})
	require.NoError(t, err)
	quorum(1, 3, false)
	_, err = b.svc.RecordAttendance(chair, m.ID, c.member, gathering.InPerson)
	require.NoError(t, err)
	quorum(2, 3, false)
	_, err = b.svc.RecordAttendance(chair, m.ID, c.double, gathering.InPerson)
	require.NoError(t, err)
	quorum(4, 3, true)

	// Leaving: A stays present while either delegate is.
	_, err = b.svc.RecordDeparture(chair, m.ID, c.a1)
	require.NoError(t, err)
	quorum(4, 3, true)
	_, err = b.svc.RecordDeparture(chair, m.ID, c.a2)
	require.NoError(t, err)
	quorum(3, 3, true)
	_, err = b.svc.RecordDeparture(chair, m.ID, c.double)
	require.NoError(t, err)
	quorum(1, 3, false)

	// Every change of presence was published with the quorum after it.
	var events int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where object_type = $1 and object_id = $2
		and action = 'dialogue.meeting_presence'`, dialogue.MeetingObjectType, m.ID.String()).Scan(&events))
	require.Equal(t, 7, events, "staff records are audited through the mechanism")
}

func TestAgenda_OrderedDraftWithDocumentsByTheRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	_, err := b.svc.UpdateBody(b.coordinator, c.body.ID, dialogue.UpdateInput{Rules: dialogue.RulesPatch{DocumentsPublic: ptr(false)}})
	require.NoError(t, err)
	m, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	chair := b.as(c.chair)
	item := func(title string) dialogue.AgendaItemInput {
		return dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: title},
			Document: i18n.Input{Locale: i18n.PL, Text: "Projekt opinii"}, DocumentURL: "https://bip.krakow.pl/doc"}
	}
	_, err = b.svc.AddAgendaItem(b.as(c.member), m.ID, item("Otwarcie"))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.AddAgendaItem(chair, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "X"}, DocumentURL: "http://x"})
	require.ErrorIs(t, err, apperr.Invalid("documentUrl", "dialogue.agenda_document_url_invalid"))
	_, err = b.svc.AddAgendaItem(chair, m.ID, dialogue.AgendaItemInput{})
	require.ErrorIs(t, err, apperr.Invalid("title", "dialogue.text_required"))

	var ids []uuid.UUID
	for _, title := range []string{"Otwarcie", "Opinia", "Wolne wnioski"} {
		i, err := b.svc.AddAgendaItem(chair, m.ID, item(title))
		require.NoError(t, err)
		ids = append(ids, i.ID)
	}
	order := func(want ...uuid.UUID) {
		t.Helper()
		a, err := b.svc.Agenda(b.coordinator, m.ID)
		require.NoError(t, err)
		var got []uuid.UUID
		for i, it := range a.Items {
			require.Equal(t, i+1, it.Position)
			got = append(got, it.ID)
		}
		require.Equal(t, want, got)
		require.Equal(t, dialogue.AgendaDraft, a.Status)
	}
	order(ids[0], ids[1], ids[2])
	moved, err := b.svc.MoveAgendaItem(chair, ids[2], 1)
	require.NoError(t, err)
	require.Equal(t, 1, moved.Position)
	order(ids[2], ids[0], ids[1])
	_, err = b.svc.MoveAgendaItem(chair, ids[2], 4)
	require.ErrorIs(t, err, apperr.Invalid("position", "dialogue.agenda_position_invalid"))
	_, err = b.svc.MoveAgendaItem(chair, ids[2], 3)
	require.NoError(t, err)
	order(ids[0], ids[1], ids[2])
	_, err = b.svc.RemoveAgendaItem(chair, ids[1])
	require.NoError(t, err)
	order(ids[0], ids[2])

	// Documents are not public by this body's rules: members and staff see
	// them, the public does not.
	for ctx, sees := range map[string]bool{"member": true, "coordinator": true, "anonymous": false, "resident": false} {
		var a *dialogue.Agenda
		switch ctx {
		case "member":
			a, err = b.svc.Agenda(b.as(c.member), m.ID)
		case "coordinator":
			a, err = b.svc.Agenda(b.coordinator, m.ID)
		case "anonymous":
			a, err = b.svc.Agenda(b.anonymous(), m.ID)
		default:
			a, err = b.svc.Agenda(b.as(b.account(t, "resident")), m.ID)
		}
		require.NoError(t, err, ctx)
		require.Len(t, a.Items, 2)
		if sees {
			require.Equal(t, "https://bip.krakow.pl/doc", a.Items[0].DocumentURL, ctx)
			require.NotNil(t, a.Items[0].DocumentTextID, ctx)
		} else {
			require.Empty(t, a.Items[0].DocumentURL, ctx)
			require.Nil(t, a.Items[0].DocumentTextID, ctx)
		}
	}

	// During the meeting its staff may still amend it (the body adopts it
	// by a vote: meeting_vote_test.go); once it ends, the agenda is closed.
	b.clock.Advance(48 * time.Hour)
	_, err = b.svc.AddAgendaItem(chair, m.ID, item("Wolne wnioski"))
	require.NoError(t, err)
	b.clock.Advance(2 * time.Hour)
	_, err = b.svc.AddAgendaItem(chair, m.ID, item("Późno"))
	require.ErrorIs(t, err, dialogue.ErrMeetingEnded)
}

func TestSpeakers_OrderFloorAndRights(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	m, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	chair := b.as(c.chair)
	it, err := b.svc.AddAgendaItem(chair, m.ID, dialogue.AgendaItemInput{Title: i18n.Input{Locale: i18n.PL, Text: "Opinia"}})
	require.NoError(t, err)

	_, err = b.svc.RequestToSpeak(b.anonymous(), it.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.RequestToSpeak(b.as(c.obs), it.ID)
	require.ErrorIs(t, err, apperr.New(apperr.Forbidden, "dialogue.speaker_not_allowed"), "observers listen")
	_, err = b.svc.RequestToSpeak(b.as(b.account(t, "resident")), it.ID)
	require.ErrorIs(t, err, apperr.New(apperr.Forbidden, "dialogue.speaker_not_allowed"))

	for _, who := range []uuid.UUID{c.guest, c.member, c.member, c.a1} {
		_, err := b.svc.RequestToSpeak(b.as(who), it.ID)
		require.NoError(t, err)
	}
	list, err := b.svc.WithdrawFromSpeakers(b.as(c.a1), it.ID)
	require.NoError(t, err)
	type row struct {
		who    uuid.UUID
		status string
		pos    int
	}
	rows := func(list []*dialogue.Speaker) []row {
		var out []row
		for _, s := range list {
			out = append(out, row{s.AccountID, s.Status, s.Position})
		}
		return out
	}
	require.Equal(t, []row{{c.guest, "waiting", 1}, {c.member, "waiting", 2}, {c.a1, "withdrawn", 3}}, rows(list))

	_, err = b.svc.GiveFloor(b.as(c.member), it.ID, nil)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	list, err = b.svc.GiveFloor(chair, it.ID, nil)
	require.NoError(t, err)
	require.Equal(t, []row{{c.guest, "speaking", 1}, {c.member, "waiting", 2}, {c.a1, "withdrawn", 3}}, rows(list))
	_, err = b.svc.GiveFloor(chair, it.ID, &c.a1)
	require.ErrorIs(t, err, apperr.Invalid("accountId", "dialogue.speaker_not_waiting"))
	list, err = b.svc.GiveFloor(chair, it.ID, &c.member)
	require.NoError(t, err)
	require.Equal(t, []row{{c.member, "speaking", 2}, {c.guest, "done", 1}, {c.a1, "withdrawn", 3}}, rows(list))
	list, err = b.svc.FinishSpeaker(chair, it.ID)
	require.NoError(t, err)
	require.Equal(t, []row{{c.guest, "done", 1}, {c.member, "done", 2}, {c.a1, "withdrawn", 3}}, rows(list))
	_, err = b.svc.GiveFloor(chair, it.ID, nil)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "dialogue.speaker_none"))

	// Anonymous callers see the list of a public body's meeting.
	seen, err := b.svc.Speakers(b.anonymous(), it.ID)
	require.NoError(t, err)
	require.Len(t, seen, 3)

	// GDPR: the guest's request is exported, then erased with the rest of
	// their share of meetings.
	pd := b.svc.MeetingPersonalData()
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		out, err := pd.Export(b.ctx, tx, c.guest)
		require.NoError(t, err)
		e := out.(dialogue.MeetingExport)
		require.Len(t, e.Speaking, 1)
		require.Equal(t, m.ID, e.Speaking[0].MeetingID)
		require.Equal(t, it.ID, e.Speaking[0].ItemID)
		require.Equal(t, "done", e.Speaking[0].Status)
		require.Len(t, e.Invitations, 1)
		return pd.Erase(b.ctx, tx, c.guest)
	}))
	list, err = b.svc.Speakers(b.anonymous(), it.ID)
	require.NoError(t, err)
	require.Equal(t, []row{{c.member, "done", 2}, {c.a1, "withdrawn", 3}}, rows(list))
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		out, err := pd.Export(b.ctx, tx, c.guest)
		require.NoError(t, err)
		require.Empty(t, out.(dialogue.MeetingExport).Speaking)
		require.Empty(t, out.(dialogue.MeetingExport).Invitations)
		return nil
	}))
}

func TestMeetings_OfANonPublicBodyOnlyForWhoSeesIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, false)
	m, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	outsider := b.as(b.account(t, "outsider"))
	_, err = b.svc.Meeting(outsider, m.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Meeting(b.anonymous(), m.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.RegisterForMeeting(outsider, m.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	got, err := b.svc.Meeting(b.as(c.obs), m.ID)
	require.NoError(t, err)
	require.True(t, got.ViewerInvited)
	acts, err := b.svc.MeetingActions(b.as(c.obs), got)
	require.NoError(t, err)
	require.Equal(t, dialogue.MeetingActions{}, acts, "an observer only listens")
	acts, err = b.svc.MeetingActions(b.as(c.guest), got)
	require.NoError(t, err)
	require.Equal(t, dialogue.MeetingActions{Speak: true}, acts)
	acts, err = b.svc.MeetingActions(b.as(c.chair), got)
	require.NoError(t, err)
	require.Equal(t, dialogue.MeetingActions{Manage: true, Speak: true}, acts)
	p, err := b.svc.Meetings(b.as(c.member), c.body.ID, 10, "")
	require.NoError(t, err)
	require.Equal(t, 1, p.Total)

	// The secretary keeps meetings as the chair does; an official of
	// another unit does not even see them.
	secretary := b.account(t, "secretary")
	b.person(t, c.body.ID, secretary, dialogue.RoleSecretary)
	acts, err = b.svc.MeetingActions(b.as(secretary), got)
	require.NoError(t, err)
	require.True(t, acts.Manage)
	_, err = b.svc.IssueCheckinCode(b.as(secretary), m.ID)
	require.NoError(t, err)
	_, elsewhere := b.staff(t, "official", "org:"+b.organisation(t, "city_unit").String())
	_, err = b.svc.CancelMeeting(elsewhere, m.ID, "Brak sali w tym terminie")
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestMembershipChanges_UpdateTheRollOfUpcomingMeetings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.council(t, true)
	m, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	cancelled, err := b.svc.ScheduleMeeting(b.as(c.chair), c.body.ID, b.meetingInput())
	require.NoError(t, err)
	_, err = b.svc.CancelMeeting(b.as(c.chair), cancelled.ID, "Brak sali w tym terminie")
	require.NoError(t, err)
	invited := func(id uuid.UUID) int {
		t.Helper()
		got, err := b.svc.Meeting(b.coordinator, id)
		require.NoError(t, err)
		return got.Invited
	}
	require.Equal(t, 7, invited(m.ID))

	newcomer := b.account(t, "newcomer")
	joined := b.person(t, c.body.ID, newcomer, dialogue.RoleMember)
	require.Equal(t, 8, invited(m.ID), "a new member is invited to the meetings to come")
	require.Equal(t, 7, invited(cancelled.ID), "not to a cancelled one")
	var told int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where args->>'kind' = $1 and args->>'account_id' = $2`,
		dialogue.NoticeMeetingInvited, newcomer.String()).Scan(&told))
	require.Equal(t, 1, told)

	_, err = b.svc.Remove(b.coordinator, joined.ID, "nieobecności")
	require.NoError(t, err)
	require.Equal(t, 7, invited(m.ID), "a removed member is taken off")
	got, err := b.svc.Meeting(b.as(newcomer), m.ID)
	require.NoError(t, err)
	require.False(t, got.ViewerInvited)
}
