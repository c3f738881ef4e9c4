package consultation_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// meetingInput is a valid meeting of cid starting in startsIn, two hours
// long, with capacity seats (0: unlimited).
func (b *bundle) meetingInput(cid uuid.UUID, startsIn time.Duration, capacity int) consultation.MeetingInput {
	start := b.clock.Now().Add(startsIn).Truncate(time.Microsecond)
	in := consultation.MeetingInput{
		ConsultationID: cid, Title: pl("Otwarte spotkanie konsultacyjne"),
		StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Place: "Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4", OnlineURL: "https://meet.example.org/otwarty",
		Languages: []string{"pl", "uk"}, Kind: consultation.MeetingKindWorkshop,
	}
	if capacity > 0 {
		in.Capacity = &capacity
	}
	return in
}

// meeting creates a meeting of cid by a new official.
func (b *bundle) meeting(t *testing.T, cid uuid.UUID, startsIn time.Duration, capacity int) *consultation.Meeting {
	t.Helper()
	m, err := b.svc.CreateMeeting(b.official(t), b.meetingInput(cid, startsIn, capacity))
	require.NoError(t, err)
	return m
}

// register registers a new confirmed resident and returns the account and
// its registration status.
func (b *bundle) register(t *testing.T, meetingID uuid.UUID) (uuid.UUID, context.Context, string) {
	t.Helper()
	id, ctx := b.resident(t)
	r, err := b.svc.RegisterForMeeting(ctx, meetingID)
	require.NoError(t, err)
	return id, ctx, r.Status
}

func requireInvalid(t *testing.T, field string, err error) {
	t.Helper()
	requireCode(t, apperr.InvalidInput, err)
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, field, e.Field, "%v", err)
	require.True(t, i18n.Has(e.Key), e.Key)
}

func TestCreateMeeting_StoresMeetingAndSchedulesReminder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, status := range []consultation.Status{consultation.StatusDraft, consultation.StatusAnnounced, consultation.StatusOpen} {
		c := b.consultationIn(t, status)
		in := b.meetingInput(c.ID, 72*time.Hour, 25)
		in.Languages = []string{"pl", "uk", "pl"}
		m, err := b.svc.CreateMeeting(b.official(t), in)
		require.NoError(t, err, status)
		require.Equal(t, c.ID, m.ConsultationID)
		require.Equal(t, consultation.MeetingKindWorkshop, m.Kind)
		require.True(t, in.StartsAt.Equal(m.StartsAt))
		require.Equal(t, []string{"pl", "uk"}, m.Languages)
		require.Equal(t, 25, *m.Capacity)
		require.Nil(t, m.CancelledAt)
		require.Zero(t, m.Registered+m.Waitlisted+m.Attended)

		texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{m.TitleTextID})
		require.NoError(t, err)
		require.Equal(t, "Otwarte spotkanie konsultacyjne", texts[m.TitleTextID].Resolve(i18n.EN).Text)
		require.ElementsMatch(t, []string{consultation.Domain(c.ID), "org:" + b.unitID.String()}, texts[m.TitleTextID].Domains)

		// The reminder is due a day before the start.
		var scheduled time.Time
		require.NoError(t, b.pool.QueryRow(b.ctx, `select scheduled_at from river_job where kind = $1 and args->>'meeting_id' = $2`,
			consultation.JobMeetingReminder, m.ID.String()).Scan(&scheduled))
		require.WithinDuration(t, in.StartsAt.Add(-24*time.Hour), scheduled, time.Second)
	}

	// Listed by start time; the batch agrees.
	c := b.openConsultation(t)
	late := b.meeting(t, c.ID, 96*time.Hour, 0)
	early := b.meeting(t, c.ID, 48*time.Hour, 0)
	_, resident := b.resident(t)
	list, err := b.svc.Meetings(resident, c.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, []uuid.UUID{early.ID, late.ID}, []uuid.UUID{list[0].ID, list[1].ID})
	require.Nil(t, list[0].Capacity)
	draft := b.consultationIn(t, consultation.StatusDraft)
	b.meeting(t, draft.ID, 48*time.Hour, 0)
	batch, err := b.svc.MeetingsOf(resident, []uuid.UUID{c.ID, draft.ID})
	require.NoError(t, err)
	require.Len(t, batch[c.ID], 2)
	require.Empty(t, batch[draft.ID], "a draft's meetings are staff only")

	// No new meetings once the consultation is closed.
	closed := b.consultationIn(t, consultation.StatusClosed)
	_, err = b.svc.CreateMeeting(b.official(t), b.meetingInput(closed.ID, 48*time.Hour, 0))
	require.ErrorIs(t, err, consultation.ErrMeetingConsultationOver)
	requireCode(t, apperr.PhaseClosed, err)
}

func TestCreateMeeting_InvalidInputNamesTheField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	official := b.official(t)
	zero, huge := 0, consultation.MaxCapacity+1
	for _, tc := range []struct {
		field  string
		change func(in *consultation.MeetingInput)
	}{
		{"title", func(in *consultation.MeetingInput) { in.Title.Text = "  " }},
		{"title", func(in *consultation.MeetingInput) { in.Title.Locale = "ua" }},
		{"startsAt", func(in *consultation.MeetingInput) { in.StartsAt = b.clock.Now().Add(-time.Minute) }},
		{"startsAt", func(in *consultation.MeetingInput) { in.StartsAt = time.Time{} }},
		{"endsAt", func(in *consultation.MeetingInput) { in.EndsAt = in.StartsAt }},
		{"place", func(in *consultation.MeetingInput) { in.Place, in.OnlineURL = " ", "" }},
		{"place", func(in *consultation.MeetingInput) { in.Place = string(make([]rune, consultation.MaxPlaceRunes+1)) }},
		{"onlineUrl", func(in *consultation.MeetingInput) { in.OnlineURL = "http://meet.example.org/x" }},
		{"onlineUrl", func(in *consultation.MeetingInput) { in.OnlineURL = "javascript:alert(1)" }},
		{"onlineUrl", func(in *consultation.MeetingInput) { in.OnlineURL = "https://" }},
		{"languages", func(in *consultation.MeetingInput) { in.Languages = nil }},
		{"languages", func(in *consultation.MeetingInput) { in.Languages = []string{"pl", "ua"} }},
		{"languages", func(in *consultation.MeetingInput) { in.Languages = []string{"de"} }},
		{"capacity", func(in *consultation.MeetingInput) { in.Capacity = &zero }},
		{"capacity", func(in *consultation.MeetingInput) { in.Capacity = &huge }},
		{"kind", func(in *consultation.MeetingInput) { in.Kind = "party" }},
	} {
		in := b.meetingInput(c.ID, 48*time.Hour, 10)
		tc.change(&in)
		_, err := b.svc.CreateMeeting(official, in)
		requireInvalid(t, tc.field, err)
	}
	// Online only and in person only are both fine; Kind defaults to meeting.
	in := b.meetingInput(c.ID, 48*time.Hour, 0)
	in.Place, in.Kind = "", ""
	m, err := b.svc.CreateMeeting(official, in)
	require.NoError(t, err)
	require.Equal(t, consultation.MeetingKindMeeting, m.Kind)
	require.Empty(t, m.Place)
	in.Place, in.OnlineURL = "Centrum Obywatelskie, ul. Reformacka 3", ""
	_, err = b.svc.CreateMeeting(official, in)
	require.NoError(t, err)
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from gatherings where kind = 'consultation_meeting' and owner_id = $1`, c.ID).Scan(&n))
	require.Equal(t, 2, n, "invalid inputs stored nothing")
}

func TestMeeting_Permissions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	open, draft := b.openConsultation(t), b.consultationIn(t, consultation.StatusDraft)
	m := b.meeting(t, open.ID, 48*time.Hour, 5)
	dm := b.meeting(t, draft.ID, 48*time.Hour, 5)
	_, resident := b.resident(t)
	unconfirmed := b.as(b.account(t, "unconfirmed-"+uuid.NewString()[:8]+"@otwarty.test", false), false)
	_, elsewhere := b.staff(t, authz.RoleOfficial, "org:"+b.organisation(t, "city_unit").String())
	anon := b.anonymous()

	// Creating and steering: staff of the unit only.
	_, err := b.svc.CreateMeeting(resident, b.meetingInput(open.ID, 48*time.Hour, 0))
	requireCode(t, apperr.Forbidden, err)
	_, err = b.svc.CreateMeeting(anon, b.meetingInput(open.ID, 48*time.Hour, 0))
	requireCode(t, apperr.Unauthenticated, err)
	_, err = b.svc.CreateMeeting(anon, b.meetingInput(open.ID, -time.Hour, 0)) // anonymous first, before validation
	requireCode(t, apperr.Unauthenticated, err)
	_, err = b.svc.CreateMeeting(elsewhere, b.meetingInput(open.ID, 48*time.Hour, 0))
	requireCode(t, apperr.Forbidden, err)
	_, err = b.svc.CreateMeeting(elsewhere, b.meetingInput(draft.ID, 48*time.Hour, 0))
	requireCode(t, apperr.NotFound, err)
	_, err = b.svc.CreateMeeting(resident, b.meetingInput(draft.ID, 48*time.Hour, 0))
	requireCode(t, apperr.NotFound, err)
	_, err = b.svc.CreateMeeting(b.coordinator(t), b.meetingInput(open.ID, 48*time.Hour, 0))
	require.NoError(t, err)

	for _, act := range map[string]func(ctx context.Context, id uuid.UUID) error{
		"update": func(ctx context.Context, id uuid.UUID) error {
			_, err := b.svc.UpdateMeeting(ctx, id, b.meetingInput(uuid.Nil, 50*time.Hour, 5))
			return err
		},
		"cancel": func(ctx context.Context, id uuid.UUID) error {
			_, err := b.svc.CancelMeeting(ctx, id, "Sala jest niedostępna w tym terminie.")
			return err
		},
		"attendance": func(ctx context.Context, id uuid.UUID) error {
			_, err := b.svc.RecordAttendance(ctx, id, consultation.Attendance{})
			return err
		},
		"minutes": func(ctx context.Context, id uuid.UUID) error {
			_, err := b.svc.PublishMinutes(ctx, id, pl("Protokół ze spotkania."))
			return err
		},
		"registrations": func(ctx context.Context, id uuid.UUID) error {
			_, err := b.svc.Registrations(ctx, id)
			return err
		},
	} {
		requireCode(t, apperr.Unauthenticated, act(anon, m.ID))
		requireCode(t, apperr.Forbidden, act(resident, m.ID))
		requireCode(t, apperr.Forbidden, act(elsewhere, m.ID))
		requireCode(t, apperr.NotFound, act(elsewhere, dm.ID))
		requireCode(t, apperr.NotFound, act(resident, dm.ID))
		requireCode(t, apperr.NotFound, act(b.official(t), uuid.New()))
	}

	// Registering: a confirmed, signed-in account that can see the meeting.
	_, err = b.svc.RegisterForMeeting(anon, m.ID)
	requireCode(t, apperr.Unauthenticated, err)
	_, err = b.svc.RegisterForMeeting(unconfirmed, m.ID)
	requireCode(t, apperr.Forbidden, err)
	_, err = b.svc.RegisterForMeeting(resident, dm.ID)
	requireCode(t, apperr.NotFound, err)
	_, err = b.svc.UnregisterFromMeeting(anon, m.ID)
	requireCode(t, apperr.Unauthenticated, err)

	// Reading: anyone on a published consultation; drafts for staff only.
	got, err := b.svc.GetMeeting(anon, m.ID)
	require.NoError(t, err)
	require.Equal(t, m.ID, got.ID)
	_, err = b.svc.GetMeeting(resident, dm.ID)
	requireCode(t, apperr.NotFound, err)
	_, err = b.svc.Meetings(elsewhere, draft.ID)
	requireCode(t, apperr.NotFound, err)
	mine, err := b.svc.MyRegistration(anon, m.ID)
	require.NoError(t, err)
	require.Nil(t, mine)
	_, err = b.svc.MyRegistration(resident, dm.ID)
	requireCode(t, apperr.NotFound, err)
}

func TestRegisterForMeeting_ThirtyConcurrentForTenSeats(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	m := b.meeting(t, c.ID, 48*time.Hour, 10)

	const n = 30
	ctxs := make([]context.Context, n)
	for i := range ctxs {
		_, ctxs[i] = b.resident(t)
	}
	statuses, errs := pgtest.AtOnce(n, func(i int) (string, error) {
		r, err := b.svc.RegisterForMeeting(ctxs[i], m.ID)
		if err != nil {
			return "", err
		}
		return r.Status, nil
	})
	count := map[string]int{}
	for i := range n {
		require.NoError(t, errs[i])
		count[statuses[i]]++
	}
	require.Equal(t, map[string]int{consultation.RegistrationRegistered: 10, consultation.RegistrationWaitlisted: 20}, count)

	got, err := b.svc.GetMeeting(ctxs[0], m.ID)
	require.NoError(t, err)
	require.Equal(t, 10, got.Registered)
	require.Equal(t, 20, got.Waitlisted)
	require.Zero(t, got.SeatsLeft())

	// Arrival order: each registration's time is taken under the meeting's
	// lock, and every seat went to someone who came before every waitlisted
	// person; the waiting list is in that order, numbered 1 to 20.
	regs, err := b.svc.Registrations(b.official(t), m.ID)
	require.NoError(t, err)
	require.Len(t, regs, n)
	for i, r := range regs {
		if i > 0 {
			require.True(t, regs[i-1].CreatedAt.Before(r.CreatedAt), "registration %d arrived before %d", i-1, i)
		}
		if i < 10 {
			require.Equal(t, consultation.RegistrationRegistered, r.Status)
			require.Zero(t, r.QueuePosition)
		} else {
			require.Equal(t, consultation.RegistrationWaitlisted, r.Status)
			require.Equal(t, i-9, r.QueuePosition)
		}
	}

	// Registering again, even concurrently, changes nothing.
	_, errs = pgtest.AtOnce(n, func(i int) (string, error) {
		r, err := b.svc.RegisterForMeeting(ctxs[i], m.ID)
		if err == nil && r.Status != statuses[i] {
			err = apperr.ErrInternal
		}
		return "", err
	})
	for i := range n {
		require.NoError(t, errs[i])
	}
	again, err := b.svc.Registrations(b.official(t), m.ID)
	require.NoError(t, err)
	require.Equal(t, regs, again)
}

func TestUnregisterFromMeeting_PromotesFirstWaitlistedAndTellsThem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	m := b.meeting(t, c.ID, 48*time.Hour, 2)
	first, firstCtx, s1 := b.register(t, m.ID)
	_, _, s2 := b.register(t, m.ID)
	third, thirdCtx, s3 := b.register(t, m.ID)
	fourth, fourthCtx, s4 := b.register(t, m.ID)
	require.Equal(t, []string{"registered", "registered", "waitlisted", "waitlisted"}, []string{s1, s2, s3, s4})

	mine, err := b.svc.MyRegistration(fourthCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, 2, mine.QueuePosition)

	// A waitlisted person leaving frees no seat.
	_, err = b.svc.UnregisterFromMeeting(fourthCtx, m.ID)
	require.NoError(t, err)
	require.Empty(t, b.deliverJobs(t, consultation.NoticeMeetingPromoted, third))
	r, err := b.svc.RegisterForMeeting(fourthCtx, m.ID) // back, at the end of the list
	require.NoError(t, err)
	require.Equal(t, consultation.RegistrationWaitlisted, r.Status)
	require.Equal(t, 2, r.QueuePosition)

	// A seat freed goes to the first on the waiting list, who is told.
	r, err = b.svc.UnregisterFromMeeting(firstCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.RegistrationCancelled, r.Status)
	mine, err = b.svc.MyRegistration(thirdCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.RegistrationRegistered, mine.Status)
	jobs := b.deliverJobs(t, consultation.NoticeMeetingPromoted, third)
	require.Len(t, jobs, 1)
	require.Equal(t, m.ID.String(), jobs[0]["meeting_id"])
	require.Equal(t, c.ID.String(), jobs[0]["consultation_id"])
	require.Equal(t, m.StartsAt.UTC().Format(time.RFC3339), jobs[0]["starts_at"])
	require.Empty(t, b.deliverJobs(t, consultation.NoticeMeetingPromoted, fourth))
	mine, err = b.svc.MyRegistration(fourthCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, 1, mine.QueuePosition)

	got, err := b.svc.GetMeeting(firstCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, 2, got.Registered)
	require.Equal(t, 1, got.Waitlisted)

	// Unregistering twice changes nothing; registering again queues.
	_, err = b.svc.UnregisterFromMeeting(firstCtx, m.ID)
	require.NoError(t, err)
	r, err = b.svc.RegisterForMeeting(firstCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.RegistrationWaitlisted, r.Status)
	require.Equal(t, 2, r.QueuePosition)
	require.Empty(t, b.deliverJobs(t, consultation.NoticeMeetingPromoted, first))

	// More seats promote in order, each told once.
	in := b.meetingInput(c.ID, 48*time.Hour, 4)
	in.StartsAt, in.EndsAt = m.StartsAt, m.EndsAt
	got, err = b.svc.UpdateMeeting(b.official(t), m.ID, in)
	require.NoError(t, err)
	require.Equal(t, 4, got.Registered)
	require.Zero(t, got.Waitlisted)
	require.Len(t, b.deliverJobs(t, consultation.NoticeMeetingPromoted, fourth), 1)
	require.Len(t, b.deliverJobs(t, consultation.NoticeMeetingPromoted, first), 1)
	require.Len(t, b.deliverJobs(t, consultation.NoticeMeetingPromoted, third), 1)
	require.Equal(t, got.TitleTextID, m.TitleTextID, "an unchanged title keeps its text")

	// Fewer seats than are taken is refused.
	in.Capacity = new(int)
	*in.Capacity = 3
	_, err = b.svc.UpdateMeeting(b.official(t), m.ID, in)
	requireInvalid(t, "capacity", err)
}

func TestMeeting_RegistrationRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	m := b.meeting(t, c.ID, time.Hour, 0)
	_, resident := b.resident(t)

	// Announced consultations take registrations; closed ones do not.
	announced := b.consultationIn(t, consultation.StatusAnnounced)
	am := b.meeting(t, announced.ID, 48*time.Hour, 0)
	_, err := b.svc.RegisterForMeeting(resident, am.ID)
	require.NoError(t, err)
	_, err = b.pool.Exec(b.ctx, `update consultations set status = 'closed' where id = $1`, announced.ID)
	require.NoError(t, err)
	_, _, st := b.register(t, m.ID)
	require.Equal(t, consultation.RegistrationRegistered, st)
	_, other := b.resident(t)
	_, err = b.svc.RegisterForMeeting(other, am.ID)
	require.ErrorIs(t, err, consultation.ErrRegistrationClosed)

	// No registering or leaving once the meeting has started.
	b.clock.Advance(time.Hour)
	_, err = b.svc.RegisterForMeeting(resident, m.ID)
	require.ErrorIs(t, err, consultation.ErrMeetingStarted)
	requireCode(t, apperr.PhaseClosed, err)

	// A cancelled meeting takes nobody and cannot be changed.
	c2 := b.openConsultation(t)
	cm := b.meeting(t, c2.ID, 48*time.Hour, 1)
	reg, regCtx, _ := b.register(t, cm.ID)
	wait, _, st := b.register(t, cm.ID)
	require.Equal(t, consultation.RegistrationWaitlisted, st)
	official := b.official(t)
	_, err = b.svc.CancelMeeting(official, cm.ID, "krótko")
	requireInvalid(t, "reason", err)
	got, err := b.svc.CancelMeeting(official, cm.ID, "Sala jest niedostępna w tym terminie.")
	require.NoError(t, err)
	require.NotNil(t, got.CancelledAt)
	require.Equal(t, "Sala jest niedostępna w tym terminie.", got.CancelReason)
	for _, who := range []uuid.UUID{reg, wait} {
		jobs := b.deliverJobs(t, consultation.NoticeMeetingCancelled, who)
		require.Len(t, jobs, 1)
		require.Equal(t, "Sala jest niedostępna w tym terminie.", jobs[0]["reason"])
	}
	_, err = b.svc.CancelMeeting(official, cm.ID, "Sala jest niedostępna w tym terminie.")
	require.ErrorIs(t, err, consultation.ErrMeetingCancelled)
	_, err = b.svc.RegisterForMeeting(regCtx, cm.ID)
	require.ErrorIs(t, err, consultation.ErrMeetingCancelled)
	_, err = b.svc.UpdateMeeting(official, cm.ID, b.meetingInput(c2.ID, 48*time.Hour, 1))
	require.ErrorIs(t, err, consultation.ErrMeetingCancelled)
	list, err := b.svc.Meetings(regCtx, c2.ID)
	require.NoError(t, err)
	require.Len(t, list, 1, "a cancelled meeting stays listed, marked")
	require.NotNil(t, list[0].CancelledAt)
}

func TestRecordAttendance_OnlyRegisteredAndOnlyAfterStart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	m := b.meeting(t, c.ID, time.Hour, 2)
	came, _, _ := b.register(t, m.ID)
	stayed, _, _ := b.register(t, m.ID)
	waiting, waitingCtx, st := b.register(t, m.ID)
	require.Equal(t, consultation.RegistrationWaitlisted, st)
	official := b.official(t)

	_, err := b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came}})
	require.ErrorIs(t, err, consultation.ErrMeetingNotStarted)
	requireCode(t, apperr.PhaseClosed, err)

	b.clock.Advance(90 * time.Minute)
	_, err = b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came, waiting}})
	requireInvalid(t, "attended", err)
	_, err = b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{uuid.New()}})
	requireInvalid(t, "attended", err)

	got, err := b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came, came}})
	require.NoError(t, err)
	require.Equal(t, 1, got.Attended)
	regs, err := b.svc.Registrations(official, m.ID)
	require.NoError(t, err)
	attended := map[uuid.UUID]*bool{}
	for _, r := range regs {
		attended[r.AccountID] = r.Attended
	}
	require.True(t, *attended[came])
	require.False(t, *attended[stayed])
	require.Nil(t, attended[waiting], "the waiting list is not marked")

	// Recording again replaces the record.
	got, err = b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came, stayed}})
	require.NoError(t, err)
	require.Equal(t, 2, got.Attended)

	// Walk-ins and the organisations present: out of range or unknown is
	// refused and changes nothing; a new record replaces the last.
	ngo := b.organisation(t, "ngo")
	_, err = b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came}, WalkIns: -1})
	requireInvalid(t, "walkIns", err)
	_, err = b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came}, Organisations: []uuid.UUID{uuid.New()}})
	requireInvalid(t, "organisationIds", err)
	got, err = b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came, stayed}, WalkIns: 7,
		Organisations: []uuid.UUID{ngo, b.unitID, ngo}})
	require.NoError(t, err)
	require.Equal(t, 2, got.Attended)
	require.Equal(t, 7, got.WalkIns)
	require.ElementsMatch(t, []uuid.UUID{ngo, b.unitID}, got.Organisations)
	got, err = b.svc.RecordAttendance(official, m.ID, consultation.Attendance{Accounts: []uuid.UUID{came, stayed}, WalkIns: 3,
		Organisations: []uuid.UUID{ngo}})
	require.NoError(t, err)
	require.Equal(t, 3, got.WalkIns)
	require.Equal(t, []uuid.UUID{ngo}, got.Organisations)

	// A resident sees the counts and their own status, not the list.
	mine, err := b.svc.MyRegistration(waitingCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.RegistrationWaitlisted, mine.Status)
	require.Nil(t, mine.Attended)
	seen, err := b.svc.GetMeeting(waitingCtx, m.ID)
	require.NoError(t, err)
	require.Equal(t, []int{2, 1, 2}, []int{seen.Registered, seen.Waitlisted, seen.Attended})
	_, err = b.svc.Registrations(waitingCtx, m.ID)
	requireCode(t, apperr.Forbidden, err)

	var entries int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'meeting.attendance' and object_id = $1`,
		m.ID.String()).Scan(&entries))
	require.Equal(t, 4, entries, "one per record, none for the refused ones")
}

func TestPublishMinutes_OnlyAfterEnd(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	m := b.meeting(t, c.ID, time.Hour, 0)
	official := b.official(t)

	_, err := b.svc.PublishMinutes(official, m.ID, pl("Protokół ze spotkania."))
	require.ErrorIs(t, err, consultation.ErrMeetingNotEnded)
	b.clock.Advance(2 * time.Hour) // started, not ended
	_, err = b.svc.PublishMinutes(official, m.ID, pl("Protokół ze spotkania."))
	require.ErrorIs(t, err, consultation.ErrMeetingNotEnded)
	requireCode(t, apperr.PhaseClosed, err)

	b.clock.Advance(2 * time.Hour)
	_, err = b.svc.PublishMinutes(official, m.ID, pl(" "))
	requireInvalid(t, "minutes", err)
	got, err := b.svc.PublishMinutes(official, m.ID, i18n.Input{Locale: i18n.UK, Text: "Протокол зустрічі."})
	require.NoError(t, err)
	require.NotNil(t, got.MinutesTextID)
	require.NotNil(t, got.MinutesAt)
	texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{*got.MinutesTextID})
	require.NoError(t, err)
	require.Equal(t, "Протокол зустрічі.", texts[*got.MinutesTextID].Resolve(i18n.PL).Text)

	// Changes other than minutes are over.
	_, err = b.svc.UpdateMeeting(official, m.ID, b.meetingInput(c.ID, 48*time.Hour, 0))
	require.ErrorIs(t, err, consultation.ErrMeetingStarted)
	_, err = b.svc.CancelMeeting(official, m.ID, "Sala jest niedostępna w tym terminie.")
	require.ErrorIs(t, err, consultation.ErrMeetingStarted)
}

// reminderJobsDone waits until n reminder jobs of meeting id have completed.
func (b *bundle) reminderJobsDone(t *testing.T, id uuid.UUID, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		var done int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job
			where kind = $1 and args->>'meeting_id' = $2 and state = 'completed'`,
			consultation.JobMeetingReminder, id.String()).Scan(&done))
		return done == n
	}, 20*time.Second, 50*time.Millisecond)
}

func TestMeetingReminder_OnePerRegisteredPersonAndStaleJobsDoNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	// Less than a day away: the reminder is due at once.
	m := b.meeting(t, c.ID, 3*time.Hour, 2)
	r1, _, _ := b.register(t, m.ID)
	r2, _, _ := b.register(t, m.ID)
	waiting, _, st := b.register(t, m.ID)
	require.Equal(t, consultation.RegistrationWaitlisted, st)

	// Moved to the day after tomorrow before the workers run: the job due
	// now is stale, and the new one waits for a day before the new start.
	moved := b.meeting(t, c.ID, 3*time.Hour, 0)
	p, _, _ := b.register(t, moved.ID)
	in := b.meetingInput(c.ID, 30*time.Hour, 0)
	moved, err := b.svc.UpdateMeeting(b.official(t), moved.ID, in)
	require.NoError(t, err)
	// A cancelled meeting's reminder is stale too.
	cancelled := b.meeting(t, c.ID, 2*time.Hour, 0)
	gone, _, _ := b.register(t, cancelled.ID)
	_, err = b.svc.CancelMeeting(b.official(t), cancelled.ID, "Sala jest niedostępna w tym terminie.")
	require.NoError(t, err)

	rc := b.startWorkers(t)
	b.reminderJobsDone(t, m.ID, 1)
	b.reminderJobsDone(t, moved.ID, 1)
	b.reminderJobsDone(t, cancelled.ID, 1)

	for _, who := range []uuid.UUID{r1, r2} {
		jobs := b.deliverJobs(t, consultation.NoticeMeetingReminder, who)
		require.Len(t, jobs, 1)
		require.Equal(t, m.StartsAt.UTC().Format(time.RFC3339), jobs[0]["starts_at"])
		require.Equal(t, m.ID.String(), jobs[0]["meeting_id"])
	}
	require.Empty(t, b.deliverJobs(t, consultation.NoticeMeetingReminder, waiting), "the waiting list gets no reminder")
	require.Empty(t, b.deliverJobs(t, consultation.NoticeMeetingReminder, p), "the moved meeting's old reminder did nothing")
	require.Empty(t, b.deliverJobs(t, consultation.NoticeMeetingReminder, gone))
	var scheduled time.Time
	require.NoError(t, b.pool.QueryRow(b.ctx, `select scheduled_at from river_job
		where kind = $1 and args->>'meeting_id' = $2 and state = 'scheduled'`,
		consultation.JobMeetingReminder, moved.ID.String()).Scan(&scheduled))
	require.WithinDuration(t, in.StartsAt.Add(-24*time.Hour), scheduled, time.Second)

	// A retried (repeated) job sends nothing more.
	_, err = rc.Insert(b.ctx, consultation.MeetingReminderArgs{ID: m.ID, StartsAt: m.StartsAt}, nil)
	require.NoError(t, err)
	b.reminderJobsDone(t, m.ID, 2)
	for _, who := range []uuid.UUID{r1, r2} {
		require.Len(t, b.deliverJobs(t, consultation.NoticeMeetingReminder, who), 1)
	}
	// And the notices reach the in-app store, once each.
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from notifications where kind = $1 and account_id = any($2)`,
			consultation.NoticeMeetingReminder, []uuid.UUID{r1, r2}).Scan(&n))
		return n == 2
	}, 20*time.Second, 50*time.Millisecond)
}

func TestMeeting_LiveEventsOnTheConsultationTopic(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	broker := live.NewBroker(b.pool.Config().ConnString(), b.log)
	ctx, cancel := context.WithCancel(b.ctx)
	t.Cleanup(cancel)
	go func() { _ = broker.Run(ctx) }()
	<-broker.Ready()
	events := broker.Subscribe(ctx, consultation.Topic(c.ID))

	next := func() map[string]string {
		t.Helper()
		select {
		case e := <-events:
			var got map[string]string
			require.NoError(t, json.Unmarshal(e.Data, &got))
			return got
		case <-time.After(10 * time.Second):
			t.Fatal("no live event")
			return nil
		}
	}
	m := b.meeting(t, c.ID, 48*time.Hour, 1)
	require.Equal(t, map[string]string{"type": "meeting_changed", "meetingId": m.ID.String()}, next())
	_, resident := b.resident(t)
	_, err := b.svc.RegisterForMeeting(resident, m.ID)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"type": "meeting_changed", "meetingId": m.ID.String()}, next())
}

func TestMeetingMessageKeys_InCatalog(t *testing.T) {
	t.Parallel()
	for _, err := range []*apperr.Error{consultation.ErrMeetingCancelled, consultation.ErrMeetingStarted,
		consultation.ErrMeetingNotStarted, consultation.ErrMeetingNotEnded, consultation.ErrMeetingConsultationOver,
		consultation.ErrRegistrationClosed, consultation.ErrAttendeeNotRegistered} {
		require.True(t, i18n.Has(err.Key), err.Key)
	}
	for _, k := range []string{"meeting.capacity_below_registered", "meeting.starts_in_past", "meeting.ends_before_start",
		"meeting.place_required", "meeting.place_too_long", "meeting.online_url_invalid", "meeting.languages_invalid",
		"meeting.capacity_invalid", "meeting.kind_invalid"} {
		require.True(t, i18n.Has(k), k)
	}
}

func TestUpdateMeeting_AMoveTellsEveryoneRegisteredOrWaiting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	m := b.meeting(t, c.ID, 48*time.Hour, 1)
	seated, _, status := b.register(t, m.ID)
	require.Equal(t, consultation.RegistrationRegistered, status)
	waiting, _, status := b.register(t, m.ID)
	require.Equal(t, consultation.RegistrationWaitlisted, status)

	// More seats only: nobody's time or place changed, nobody is told of a move.
	in := b.meetingInput(c.ID, 48*time.Hour, 1)
	in.StartsAt, in.EndsAt = m.StartsAt, m.EndsAt
	_, err := b.svc.UpdateMeeting(b.official(t), m.ID, in)
	require.NoError(t, err)
	require.Empty(t, b.deliverJobs(t, consultation.NoticeMeetingMoved, seated))

	// A new time tells both, once, with the new time.
	in = b.meetingInput(c.ID, 72*time.Hour, 1)
	for range 2 {
		_, err = b.svc.UpdateMeeting(b.official(t), m.ID, in)
		require.NoError(t, err)
	}
	for _, id := range []uuid.UUID{seated, waiting} {
		jobs := b.deliverJobs(t, consultation.NoticeMeetingMoved, id)
		require.Len(t, jobs, 1)
		require.Equal(t, in.StartsAt.UTC().Format(time.RFC3339), jobs[0]["starts_at"])
	}
}
