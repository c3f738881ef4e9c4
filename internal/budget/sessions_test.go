package budget_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// session adds a session to the edition in in, starting in `in` from the
// clock, with capacity seats (0: unlimited).
func (b *bundle) session(t *testing.T, official context.Context, editionID uuid.UUID, in time.Duration, capacity int) *budget.Session {
	t.Helper()
	s, err := b.svc.CreateSession(official, sessionInput(b, editionID, in, capacity))
	require.NoError(t, err)
	return s
}

func sessionInput(b *bundle, editionID uuid.UUID, in time.Duration, capacity int) budget.SessionInput {
	starts := b.clock.Now().Add(in).Truncate(time.Second)
	si := budget.SessionInput{EditionID: editionID, Title: "Jak głosować w budżecie obywatelskim?",
		Description: "Spotkanie po ukraińsku i polsku.", Locale: i18n.PL, Languages: []string{"uk", "pl", "uk"},
		StartsAt: starts, EndsAt: starts.Add(2 * time.Hour), Place: "Urząd Miasta, pl. Wszystkich Świętych 3-4"}
	if capacity > 0 {
		si.Capacity = &capacity
	}
	return si
}

// notices counts the in-app notices of kind for accounts (delivered by the
// real notification job).
func (b *bundle) notices(t *testing.T, kind string) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from notifications where kind = $1`, kind).Scan(&n))
	return n
}

func (b *bundle) eventuallyNotices(t *testing.T, kind string, want int) {
	t.Helper()
	require.Eventually(t, func() bool { return b.notices(t, kind) == want }, 10*time.Second, 50*time.Millisecond,
		"%s: want %d", kind, want)
}

func TestCreateSession_ValidatesAndStoresLocalizedText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)

	s := b.session(t, official, k.edition.ID, 72*time.Hour, 10)
	require.Equal(t, []string{"uk", "pl"}, s.Languages)
	require.NotNil(t, s.DescriptionTextID)
	var locale, body string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select locale, body from text_versions where text_id = $1`, s.TitleTextID).Scan(&locale, &body))
	require.Equal(t, "pl", locale)
	require.Equal(t, "Jak głosować w budżecie obywatelskim?", body)

	bad := []struct {
		change     func(*budget.SessionInput)
		field, key string
	}{
		{func(in *budget.SessionInput) { in.Title = " " }, "title", "budget.session_title_invalid"},
		{func(in *budget.SessionInput) { in.Locale = "ua" }, "locale", "budget.session_locale_invalid"},
		{func(in *budget.SessionInput) { in.Languages = nil }, "languages", "budget.session_languages_invalid"},
		{func(in *budget.SessionInput) { in.Languages = []string{"pl", "de"} }, "languages", "budget.session_languages_invalid"},
		{func(in *budget.SessionInput) { in.StartsAt = b.clock.Now().Add(-time.Minute) }, "startsAt", "budget.session_starts_in_past"},
		{func(in *budget.SessionInput) { in.EndsAt = in.StartsAt }, "endsAt", "budget.session_ends_before_start"},
		{func(in *budget.SessionInput) { in.Place = "" }, "place", "budget.session_place_invalid"},
		{func(in *budget.SessionInput) { zero := 0; in.Capacity = &zero }, "capacity", "budget.session_capacity_invalid"},
	}
	for _, c := range bad {
		in := sessionInput(b, k.edition.ID, 72*time.Hour, 10)
		c.change(&in)
		_, err := b.svc.CreateSession(official, in)
		requireAppErr(t, err, apperr.InvalidInput, c.key, c.field)
	}
	_, err := b.svc.CreateSession(b.resident(t), sessionInput(b, k.edition.ID, 72*time.Hour, 10))
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.CreateSession(b.anonymous(), sessionInput(b, k.edition.ID, 72*time.Hour, 10))
	require.Equal(t, apperr.Unauthenticated, apperr.CodeOf(err))

	var audits int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'budget.session_create' and object_id = $1`,
		s.ID.String()).Scan(&audits))
	require.Equal(t, 1, audits)
}

func TestRegisterForSession_ThirtyConcurrentForTenSeats(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	s := b.session(t, b.official(t), k.edition.ID, 72*time.Hour, 10)

	const n = 30
	ctxs := make([]context.Context, n)
	for i := range ctxs {
		ctxs[i] = b.resident(t)
	}
	statuses, errs := pgtest.AtOnce(n, func(i int) (string, error) {
		got, err := b.svc.RegisterForSession(ctxs[i], s.ID)
		if err != nil {
			return "", err
		}
		return got.Viewer, nil
	})
	count := map[string]int{}
	for i := range n {
		require.NoError(t, errs[i])
		count[statuses[i]]++
	}
	require.Equal(t, map[string]int{budget.SessionRegistered: 10, budget.SessionWaitlisted: 20}, count)
	got, err := b.svc.Session(ctxs[0], s.ID)
	require.NoError(t, err)
	require.Equal(t, 10, got.Registered)
	require.Equal(t, 20, got.Waitlisted)

	// Registering again is harmless; a seat freed goes to the first waiting,
	// who is told.
	again, err := b.svc.RegisterForSession(ctxs[0], s.ID)
	require.NoError(t, err)
	require.Equal(t, 10, again.Registered)
	var firstID uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select account_id from gathering_registrations
		where gathering_id = $1 and status = 'waitlisted' order by position limit 1`, s.ID).Scan(&firstID))
	var leaver context.Context
	for i := range n {
		if statuses[i] == budget.SessionRegistered && leaver == nil {
			leaver = ctxs[i]
		}
	}
	left, err := b.svc.CancelSessionRegistration(leaver, s.ID)
	require.NoError(t, err)
	require.Equal(t, budget.SessionRegistrationCancelled, left.Viewer)
	require.Equal(t, 10, left.Registered)
	require.Equal(t, 19, left.Waitlisted)
	var status string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select status from gathering_registrations where gathering_id = $1 and account_id = $2`,
		s.ID, firstID).Scan(&status))
	require.Equal(t, budget.SessionRegistered, status)
	b.eventuallyNotices(t, budget.NoticeSessionPromoted, 1)
	var promoted uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select account_id from notifications where kind = $1`,
		budget.NoticeSessionPromoted).Scan(&promoted))
	require.Equal(t, firstID, promoted)
}

func TestRegisterForSession_RefusalsAndDrafts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	e, err := b.svc.CreateEdition(official, budget.EditionInput{UnitID: b.unitID, Year: 2026})
	require.NoError(t, err)
	draft := b.session(t, official, e.ID, 72*time.Hour, 0)

	resident := b.resident(t)
	_, err = b.svc.RegisterForSession(resident, draft.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound, "a draft's sessions are for staff")
	_, err = b.svc.Session(resident, draft.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	page, err := b.svc.Sessions(official, e.ID, 10, "")
	require.NoError(t, err)
	require.Equal(t, 1, page.Total)
	_, err = b.svc.Sessions(resident, e.ID, 10, "")
	require.ErrorIs(t, err, apperr.ErrNotFound)

	k := b.krakowEdition(t)
	s := b.session(t, official, k.edition.ID, 72*time.Hour, 0)
	unconfirmed := b.as(authz.Subject{AccountID: b.account(t)})
	_, err = b.svc.RegisterForSession(unconfirmed, s.ID)
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.RegisterForSession(b.anonymous(), s.ID)
	require.Equal(t, apperr.Unauthenticated, apperr.CodeOf(err))

	_, err = b.svc.CancelSession(official, s.ID, "krótko")
	requireAppErr(t, err, apperr.InvalidInput, "budget.session_reason_required", "reason")
	_, err = b.svc.CancelSession(official, s.ID, "Sala jest niedostępna z powodu remontu.")
	require.NoError(t, err)
	_, err = b.svc.RegisterForSession(resident, s.ID)
	requireAppErr(t, err, apperr.Conflict, "budget.session_cancelled", "")
}

func TestSession_MovedAndCancelledAreToldToEveryone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	s := b.session(t, official, k.edition.ID, 72*time.Hour, 1)
	for range 3 {
		_, err := b.svc.RegisterForSession(b.resident(t), s.ID)
		require.NoError(t, err)
	}
	in := sessionInput(b, k.edition.ID, 96*time.Hour, 2)
	moved, err := b.svc.UpdateSession(official, s.ID, in)
	require.NoError(t, err)
	require.Equal(t, 2, moved.Registered, "a new seat promotes the first waiting")
	require.Equal(t, 1, moved.Waitlisted)
	b.eventuallyNotices(t, budget.NoticeSessionMoved, 3)
	b.eventuallyNotices(t, budget.NoticeSessionPromoted, 1)

	one := 1
	in.Capacity = &one
	_, err = b.svc.UpdateSession(official, s.ID, in)
	requireAppErr(t, err, apperr.InvalidInput, "budget.session_capacity_below_registered", "capacity")

	_, err = b.svc.CancelSession(official, s.ID, "Prelegent zachorował, nowy termin wkrótce.")
	require.NoError(t, err)
	b.eventuallyNotices(t, budget.NoticeSessionCancelled, 3)
	_, err = b.svc.UpdateSession(official, s.ID, in)
	requireAppErr(t, err, apperr.Conflict, "budget.session_cancelled", "")
}

func TestSessionReminder_SentToSeatsAndStaleAfterAMove(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	// Three days away: the reminder waits for the day before.
	s := b.session(t, official, k.edition.ID, 72*time.Hour, 1)
	for range 2 {
		_, err := b.svc.RegisterForSession(b.resident(t), s.ID)
		require.NoError(t, err)
	}
	// Moving it to tomorrow morning leaves the first reminder stale; the new
	// one is due at once and goes to the one seat only.
	_, err := b.svc.UpdateSession(official, s.ID, sessionInput(b, k.edition.ID, 12*time.Hour, 1))
	require.NoError(t, err)
	b.eventuallyNotices(t, budget.NoticeSessionReminder, 1)
	var jobs int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1`, budget.JobSessionReminder).Scan(&jobs))
	require.Equal(t, 2, jobs)
	// Make the stale one due: it sends nothing.
	_, err = b.pool.Exec(b.ctx, `update river_job set scheduled_at = now() where kind = $1 and state = 'scheduled'`, budget.JobSessionReminder)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var left int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and state <> 'completed'`,
			budget.JobSessionReminder).Scan(&left))
		return left == 0
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, 1, b.notices(t, budget.NoticeSessionReminder))
}

func TestSessions_PagesByStartTime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	var ids []uuid.UUID
	for i := range 5 {
		ids = append(ids, b.session(t, official, k.edition.ID, time.Duration(50-i)*time.Hour, 0).ID)
	}
	var got []uuid.UUID
	after := ""
	for {
		page, err := b.svc.Sessions(b.anonymous(), k.edition.ID, 2, after)
		require.NoError(t, err)
		require.Equal(t, 5, page.Total)
		for _, s := range page.Items {
			got = append(got, s.ID)
		}
		if !page.HasNext {
			break
		}
		after = b.svc.SessionCursor(page.Items[len(page.Items)-1])
	}
	require.Equal(t, []uuid.UUID{ids[4], ids[3], ids[2], ids[1], ids[0]}, got)
}
