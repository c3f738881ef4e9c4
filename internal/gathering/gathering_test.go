package gathering_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestRegister_SeatsThenTheWaitingListInArrivalOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := b.create(t, 48*time.Hour, 2)

	var people []uuid.UUID
	var statuses []string
	for range 5 {
		p, _, st := b.register(t, g.ID)
		people, statuses = append(people, p), append(statuses, st)
	}
	require.Equal(t, []string{"registered", "registered", "waitlisted", "waitlisted", "waitlisted"}, statuses)

	regs, err := b.svc.Registrations(b.staff, g.ID)
	require.NoError(t, err)
	require.Len(t, regs, 5)
	for i, r := range regs {
		require.Equal(t, people[i], r.AccountID)
		require.Equal(t, max(i-1, 0), r.QueuePosition, "waiting list numbered from 1, seats 0")
	}
	got, err := b.svc.Get(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{2, 3, 0}, []int{got.Registered, got.Waitlisted, got.SeatsLeft()})

	// Registering again is idempotent; an unlimited gathering seats everyone.
	_, ctx := b.person(t)
	unlimited := b.create(t, 48*time.Hour, 0)
	for range 2 {
		r, err := b.svc.Register(ctx, unlimited.ID)
		require.NoError(t, err)
		require.Equal(t, gathering.Registered, r.Status)
	}
	got, err = b.svc.Get(ctx, unlimited.ID)
	require.NoError(t, err)
	require.Equal(t, -1, got.SeatsLeft())
	require.Equal(t, gathering.Registered, got.Viewer)
	require.Equal(t, 1, got.Registered)

	// Staff only list registrations; a gathering of another kind is not found.
	_, err = b.svc.Registrations(ctx, g.ID)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err))
	_, err = b.svc.Get(ctx, uuid.New())
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestRegister_ConcurrentForTheLastSeatExactlyOneGetsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := b.create(t, 48*time.Hour, 3)
	b.register(t, g.ID)
	b.register(t, g.ID)

	const n = 12
	ctxs := make([]context.Context, n)
	for i := range ctxs {
		_, ctxs[i] = b.person(t)
	}
	statuses, errs := pgtest.AtOnce(n, func(i int) (string, error) {
		r, err := b.svc.Register(ctxs[i], g.ID)
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
	require.Equal(t, map[string]int{gathering.Registered: 1, gathering.Waitlisted: n - 1}, count)
	got, err := b.svc.Get(b.staff, g.ID)
	require.NoError(t, err)
	require.Equal(t, []int{3, n - 1}, []int{got.Registered, got.Waitlisted})
}

func TestUnregister_PromotesTheFirstWaitingWhoIsToldOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := b.create(t, 48*time.Hour, 1)
	_, seatedCtx, _ := b.register(t, g.ID)
	first, _, _ := b.register(t, g.ID)
	second, secondCtx, _ := b.register(t, g.ID)

	// Someone waiting who leaves frees no seat; leaving twice changes nothing.
	for range 2 {
		r, err := b.svc.Unregister(secondCtx, g.ID)
		require.NoError(t, err)
		require.Equal(t, gathering.Cancelled, r.Status)
	}
	require.Empty(t, b.notices(t, noticeKind+"_promoted", first))
	r, err := b.svc.Register(secondCtx, g.ID) // back, at the end
	require.NoError(t, err)
	require.Equal(t, 2, r.QueuePosition)

	r, err = b.svc.Unregister(seatedCtx, g.ID)
	require.NoError(t, err)
	require.Equal(t, gathering.Cancelled, r.Status)
	got, err := b.svc.RegistrationOf(b.ctx, g.ID, first)
	require.NoError(t, err)
	require.Equal(t, gathering.Registered, got.Status)
	notices := b.notices(t, noticeKind+"_promoted", first)
	require.Len(t, notices, 1)
	require.Equal(t, map[string]string{"owner_id": b.owner.String(), "gathering_id": g.ID.String(),
		"starts_at": g.StartsAt.UTC().Format(time.RFC3339), "when": g.StartsAt.In(gathering.Warsaw).Format("2006-01-02 15:04"),
		"where": g.Place}, notices[0])
	got, err = b.svc.RegistrationOf(b.ctx, g.ID, second)
	require.NoError(t, err)
	require.Equal(t, 1, got.QueuePosition)

	// Nobody to withdraw: nothing changes.
	_, nobody := b.person(t)
	r, err = b.svc.Unregister(nobody, g.ID)
	require.NoError(t, err)
	require.Nil(t, r)
}

func TestUpdate_MoreSeatsPromoteInOrderAndFewerThanTakenIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := b.create(t, 48*time.Hour, 1)
	b.register(t, g.ID)
	w1, _, _ := b.register(t, g.ID)
	w2, _, _ := b.register(t, g.ID)
	w3, _, _ := b.register(t, g.ID)

	in := b.input(48*time.Hour, 3)
	in.StartsAt, in.EndsAt = g.StartsAt, g.EndsAt
	got, err := b.svc.Update(b.staff, g.ID, in)
	require.NoError(t, err)
	require.Equal(t, []int{3, 1}, []int{got.Registered, got.Waitlisted})
	require.Len(t, b.notices(t, noticeKind+"_promoted", w1), 1)
	require.Len(t, b.notices(t, noticeKind+"_promoted", w2), 1)
	require.Empty(t, b.notices(t, noticeKind+"_promoted", w3))
	require.Empty(t, b.notices(t, noticeKind+"_moved", w1), "more seats is no move")
	require.Equal(t, g.TitleTextID, got.TitleTextID, "an unchanged title keeps its text")

	two := 2
	in.Capacity = &two
	_, err = b.svc.Update(b.staff, g.ID, in)
	requireKey(t, "gathering.capacity_below_registered", err)

	// Unlimited seats take the whole waiting list.
	in.Capacity = nil
	got, err = b.svc.Update(b.staff, g.ID, in)
	require.NoError(t, err)
	require.Equal(t, []int{4, 0}, []int{got.Registered, got.Waitlisted})
	require.Len(t, b.notices(t, noticeKind+"_promoted", w3), 1)
}

func TestCreate_SharedRulesAndOwnerRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	zero, huge := 0, gathering.MaxCapacity+1
	for key, change := range map[string]func(in *gathering.Input){
		"gathering.starts_in_past":    func(in *gathering.Input) { in.StartsAt = b.clock.Now().Add(-time.Minute) },
		"gathering.ends_before_start": func(in *gathering.Input) { in.EndsAt = in.StartsAt },
		"gathering.languages_invalid": func(in *gathering.Input) { in.Languages = []string{"pl", "ua"} },
		"gathering.capacity_invalid":  func(in *gathering.Input) { in.Capacity = &huge },
	} {
		in := b.input(48*time.Hour, 10)
		change(&in)
		_, err := b.svc.Create(b.staff, b.owner, in)
		requireKey(t, key, err)
	}
	in := b.input(48*time.Hour, 10)
	in.Capacity = &zero
	_, err := b.svc.Create(b.staff, b.owner, in)
	requireKey(t, "gathering.capacity_invalid", err)
	in = b.input(48*time.Hour, 10)
	in.Languages = []string{"uk", "pl", "uk"}
	g, err := b.svc.Create(b.staff, b.owner, in)
	require.NoError(t, err)
	require.Equal(t, []string{"uk", "pl"}, g.Languages)
	require.Nil(t, g.DescriptionTextID)

	// The owner hook decides who may act and when.
	anon := context.Background()
	_, err = b.svc.Create(anon, b.owner, b.input(-time.Hour, 0))
	require.ErrorIs(t, err, apperr.ErrUnauthenticated, "anonymous first, before any rule")
	_, resident := b.person(t)
	_, err = b.svc.Create(resident, b.owner, b.input(48*time.Hour, 0))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Create(b.staff, uuid.New(), b.input(48*time.Hour, 0))
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Register(anon, g.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	// An owner the caller may not see hides its gatherings, staff or not;
	// anonymous callers still learn nothing but that they must sign in.
	b.mu.Lock()
	b.hidden = true
	b.mu.Unlock()
	_, err = b.svc.Register(resident, g.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Create(b.staff, b.owner, b.input(48*time.Hour, 0))
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Registrations(b.staff, g.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Register(anon, g.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	b.mu.Lock()
	b.hidden = false
	b.mu.Unlock()

	b.mu.Lock()
	b.regClosed = true
	b.mu.Unlock()
	_, err = b.svc.Register(resident, g.ID)
	require.ErrorIs(t, err, errRegClosed)
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	_, err = b.svc.Create(b.staff, b.owner, b.input(48*time.Hour, 0))
	require.ErrorIs(t, err, errClosed)
	_, err = b.svc.Update(b.staff, g.ID, b.input(48*time.Hour, 0))
	require.ErrorIs(t, err, errClosed)

	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from gatherings where owner_id = $1`, b.owner).Scan(&n))
	require.Equal(t, 1, n, "refused inputs stored nothing")
}

func TestAttendanceAndMinutes_OnlyForSeatsAfterStartAndAfterEnd(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := b.create(t, time.Hour, 2)
	came, _, _ := b.register(t, g.ID)
	stayed, _, _ := b.register(t, g.ID)
	waiting, _, _ := b.register(t, g.ID)
	minutes := i18n.Input{Locale: i18n.UK, Text: "Протокол зустрічі."}

	_, err := b.svc.RecordAttendance(b.staff, g.ID, gathering.Attendance{Accounts: []uuid.UUID{came}})
	requireKey(t, "gathering.not_started", err)
	_, err = b.svc.PublishMinutes(b.staff, g.ID, minutes)
	requireKey(t, "gathering.not_ended", err)

	b.clock.Advance(90 * time.Minute) // started, not ended
	_, err = b.svc.RecordAttendance(b.staff, g.ID, gathering.Attendance{Accounts: []uuid.UUID{came, waiting}})
	requireKey(t, "gathering.attendee_not_registered", err)
	_, err = b.svc.PublishMinutes(b.staff, g.ID, minutes)
	requireKey(t, "gathering.not_ended", err)
	got, err := b.svc.RecordAttendance(b.staff, g.ID, gathering.Attendance{Accounts: []uuid.UUID{came, came}})
	require.NoError(t, err)
	require.Equal(t, 1, got.Attended)
	marks := map[uuid.UUID]*bool{}
	regs, err := b.svc.Registrations(b.staff, g.ID)
	require.NoError(t, err)
	for _, r := range regs {
		marks[r.AccountID] = r.Attended
	}
	require.True(t, *marks[came])
	require.False(t, *marks[stayed])
	require.Nil(t, marks[waiting], "the waiting list is not marked")
	got, err = b.svc.RecordAttendance(b.staff, g.ID, gathering.Attendance{Accounts: []uuid.UUID{came, stayed}})
	require.NoError(t, err)
	require.Equal(t, 2, got.Attended, "recording again replaces the record")

	// Registering, leaving and changing are over once it started.
	_, late := b.person(t)
	_, err = b.svc.Register(late, g.ID)
	requireKey(t, "gathering.started", err)
	_, err = b.svc.Cancel(b.staff, g.ID, "Sala jest niedostępna w tym terminie.")
	requireKey(t, "gathering.started", err)

	b.clock.Advance(2 * time.Hour) // ended
	_, err = b.svc.PublishMinutes(b.staff, g.ID, i18n.Input{Locale: i18n.UK, Text: " "})
	requireKey(t, "gathering.minutes_required", err)
	got, err = b.svc.PublishMinutes(b.staff, g.ID, minutes)
	require.NoError(t, err)
	require.NotNil(t, got.MinutesTextID)
	first := *got.MinutesTextID
	got, err = b.svc.PublishMinutes(b.staff, g.ID, i18n.Input{Locale: i18n.PL, Text: "Protokół."})
	require.NoError(t, err)
	require.NotEqual(t, first, *got.MinutesTextID, "publishing again replaces the minutes")

	held, attended, err := gathering.Held(b.ctx, b.pool, kind, b.owner)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, []int{held, attended})
	var audits int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where object_id = $1 and action in
		('test.attendance', 'test.minutes')`, g.ID.String()).Scan(&audits))
	require.Equal(t, 4, audits)
}

func TestReminderAndMoveNotices_EnqueuedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := b.create(t, 72*time.Hour, 1)
	seated, _, _ := b.register(t, g.ID)
	waiting, _, _ := b.register(t, g.ID)
	require.Len(t, b.reminders(t, g.ID), 1)

	// A change that keeps the time adds no reminder and tells nobody.
	in := b.input(0, 1)
	in.StartsAt, in.EndsAt, in.Title.Text = g.StartsAt, g.EndsAt, "Nowy tytuł"
	_, err := b.svc.Update(b.staff, g.ID, in)
	require.NoError(t, err)
	require.Len(t, b.reminders(t, g.ID), 1)
	require.Empty(t, b.notices(t, noticeKind+"_moved", seated))

	// A new time, saved twice: one new reminder, each person told once.
	moved := b.input(96*time.Hour, 1)
	for range 2 {
		_, err = b.svc.Update(b.staff, g.ID, moved)
		require.NoError(t, err)
	}
	require.Len(t, b.reminders(t, g.ID), 2)
	for _, p := range []uuid.UUID{seated, waiting} {
		notices := b.notices(t, noticeKind+"_moved", p)
		require.Len(t, notices, 1)
		require.Equal(t, moved.StartsAt.UTC().Format(time.RFC3339), notices[0]["starts_at"])
	}

	// Back to the first time while its reminder still waits: River keeps the
	// one job (unique by arguments); everyone is told of the move back.
	back := b.input(0, 1)
	back.StartsAt, back.EndsAt = g.StartsAt, g.EndsAt
	_, err = b.svc.Update(b.staff, g.ID, back)
	require.NoError(t, err)
	starts := b.reminders(t, g.ID)
	require.Len(t, starts, 2)
	require.True(t, starts[0].Equal(g.StartsAt) && starts[1].Equal(moved.StartsAt), "%v", starts)
	require.Len(t, b.notices(t, noticeKind+"_moved", seated), 2)

	// The reminder of a time the gathering left is stale; the current one
	// goes to the seat only, and a repeat of it is absorbed.
	sent, err := b.svc.SendReminders(b.ctx, g.ID, moved.StartsAt)
	require.NoError(t, err)
	require.Equal(t, -1, sent)
	for range 2 {
		sent, err = b.svc.SendReminders(b.ctx, g.ID, g.StartsAt)
		require.NoError(t, err)
		require.Equal(t, 1, sent)
	}
	require.Len(t, b.notices(t, noticeKind+"_reminder", seated), 1)
	require.Empty(t, b.notices(t, noticeKind+"_reminder", waiting))
}

func TestCancel_TellsEveryoneRegisteredOrWaitingOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := b.create(t, 48*time.Hour, 1)
	seated, _, _ := b.register(t, g.ID)
	waiting, _, _ := b.register(t, g.ID)
	gone, goneCtx, _ := b.register(t, g.ID)
	_, err := b.svc.Unregister(goneCtx, g.ID)
	require.NoError(t, err)

	_, err = b.svc.Cancel(b.staff, g.ID, "krótko")
	requireKey(t, "gathering.reason_required", err)
	const reason = "Sala jest niedostępna w tym terminie."
	got, err := b.svc.Cancel(b.staff, g.ID, reason)
	require.NoError(t, err)
	require.NotNil(t, got.CancelledAt)
	require.Equal(t, reason, got.CancelReason)
	_, err = b.svc.Cancel(b.staff, g.ID, reason)
	requireKey(t, "gathering.cancelled", err)
	for _, p := range []uuid.UUID{seated, waiting} {
		notices := b.notices(t, noticeKind+"_cancelled", p)
		require.Len(t, notices, 1)
		require.Equal(t, reason, notices[0]["reason"])
	}
	require.Empty(t, b.notices(t, noticeKind+"_cancelled", gone), "who left is not told")

	// Nothing more happens to a cancelled gathering; its reminder is stale.
	_, err = b.svc.Register(goneCtx, g.ID)
	requireKey(t, "gathering.cancelled", err)
	_, err = b.svc.Update(b.staff, g.ID, b.input(48*time.Hour, 1))
	requireKey(t, "gathering.cancelled", err)
	sent, err := b.svc.SendReminders(b.ctx, g.ID, g.StartsAt)
	require.NoError(t, err)
	require.Equal(t, -1, sent)
	list, err := b.svc.List(b.ctx, []uuid.UUID{b.owner})
	require.NoError(t, err)
	require.Len(t, list[b.owner], 1, "a cancelled gathering stays listed")
}

func TestForget_FreesTheSeatsOfGatheringsToCome(t *testing.T) {
	t.Parallel()
	b := setup(t)
	coming := b.create(t, 48*time.Hour, 1)
	person, _, _ := b.register(t, coming.ID)
	next, _, _ := b.register(t, coming.ID)

	regs, err := gathering.AccountRegistrations(b.ctx, b.pool, kind, person)
	require.NoError(t, err)
	require.Len(t, regs, 1)
	require.Equal(t, coming.ID, regs[0].GatheringID)

	tx, err := b.pool.Begin(b.ctx)
	require.NoError(t, err)
	require.NoError(t, b.svc.Forget(b.ctx, tx, person))
	require.NoError(t, tx.Commit(b.ctx))
	regs, err = gathering.AccountRegistrations(b.ctx, b.pool, kind, person)
	require.NoError(t, err)
	require.Empty(t, regs)
	r, err := b.svc.RegistrationOf(b.ctx, coming.ID, next)
	require.NoError(t, err)
	require.Equal(t, gathering.Registered, r.Status)
	require.Len(t, b.notices(t, noticeKind+"_promoted", next), 1)
}

func TestPage_ByStartTimeWithCursors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var ids []uuid.UUID
	for i := range 5 {
		ids = append(ids, b.create(t, time.Duration(50-i)*time.Hour, 0).ID)
	}
	var got []uuid.UUID
	after := ""
	for {
		p, err := b.svc.Page(b.ctx, b.owner, 2, after)
		require.NoError(t, err)
		require.Equal(t, 5, p.Total)
		for _, g := range p.Items {
			got = append(got, g.ID)
		}
		if !p.HasNext {
			break
		}
		after = b.svc.Cursor(p.Items[len(p.Items)-1])
	}
	require.Equal(t, []uuid.UUID{ids[4], ids[3], ids[2], ids[1], ids[0]}, got)
	_, err := b.svc.Page(b.ctx, b.owner, 2, "garbage")
	require.Equal(t, apperr.InvalidInput, apperr.CodeOf(err))
	_, err = b.svc.Page(b.ctx, b.owner, 101, "")
	require.Equal(t, apperr.InvalidInput, apperr.CodeOf(err))
}
