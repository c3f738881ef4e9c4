package events_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
)

func TestEvent_SubmittedIsPrivateUntilApproved(t *testing.T) {
	t.Parallel()
	b := setup(t)

	e, err := b.svc.Submit(b.member, b.input())
	require.NoError(t, err)
	require.Equal(t, events.StatusSubmitted, e.Status)
	require.Equal(t, "Fundacja Dom Wielokulturowy", e.OrganisationName)
	require.Equal(t, []string{"uk", "pl"}, e.Languages)
	require.Equal(t, "2025-03-14 18:00–20:00", events.When(e))
	require.Equal(t, 0, e.Sequence)

	// The organiser's members and staff see it; nobody else does.
	_, err = b.svc.Event(b.member, e.ID)
	require.NoError(t, err)
	_, err = b.svc.Event(b.coordinator, e.ID)
	require.NoError(t, err)
	_, err = b.svc.Event(b.anonymous, e.ID)
	requireCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Event(b.resident, e.ID)
	requireCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Event(b.outsider, e.ID)
	requireCode(t, err, apperr.NotFound, "")
	p, err := b.svc.Events(b.anonymous, events.Filter{}, 20, "")
	require.NoError(t, err)
	require.Equal(t, 0, p.Total)
	p, err = b.svc.Events(b.outsider, events.Filter{}, 20, "")
	require.NoError(t, err)
	require.Equal(t, 0, p.Total)
	p, err = b.svc.Events(b.member, events.Filter{}, 20, "")
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{e.ID}, ids(p.Items))

	// The queue is the reviewers'.
	_, err = b.svc.ReviewQueue(b.member, 20, "")
	requireCode(t, err, apperr.Forbidden, "")
	_, err = b.svc.ReviewQueue(b.anonymous, 20, "")
	requireCode(t, err, apperr.Unauthenticated, "")
	q, err := b.svc.ReviewQueue(b.coordinator, 20, "")
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{e.ID}, ids(q.Items))

	// A member may not review their own event.
	_, err = b.svc.Approve(b.member, e.ID)
	requireCode(t, err, apperr.Forbidden, "")
	b.clock.Set(now.Add(time.Hour))
	e, err = b.svc.Approve(b.coordinator, e.ID)
	require.NoError(t, err)
	require.Equal(t, events.StatusApproved, e.Status)
	require.True(t, e.ApprovedAt.Equal(now.Add(time.Hour)))
	require.Equal(t, 1, b.notices(t, events.NoticeApproved, b.memberID))
	_, err = b.svc.Approve(b.coordinator, e.ID)
	requireCode(t, err, apperr.Conflict, "events.not_submitted")

	_, err = b.svc.Event(b.anonymous, e.ID)
	require.NoError(t, err)
	p, err = b.svc.Events(b.outsider, events.Filter{}, 20, "")
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{e.ID}, ids(p.Items))
	q, err = b.svc.ReviewQueue(b.coordinator, 20, "")
	require.NoError(t, err)
	require.Equal(t, 0, q.Total)
	require.Equal(t, []string{"event.submit", "event.approve"}, b.audits(t, e.ID))
}

func TestEvent_RejectedWithReasonThenResubmittedByEdit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e, err := b.svc.Submit(b.member, b.input())
	require.NoError(t, err)

	_, err = b.svc.Reject(b.coordinator, e.ID, "  ")
	requireCode(t, err, apperr.InvalidInput, "events.reason_required")
	e, err = b.svc.Reject(b.coordinator, e.ID, "Brak adresu sali.")
	require.NoError(t, err)
	require.Equal(t, events.StatusRejected, e.Status)
	require.Equal(t, "Brak adresu sali.", e.RejectReason)
	require.Equal(t, 1, b.notices(t, events.NoticeRejected, b.memberID))
	var data map[string]string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select args->'data' from river_job where args->>'kind' = $1`, events.NoticeRejected).Scan(&data))
	require.Equal(t, map[string]string{"title": "Розмовний клуб польської", "when": "2025-03-14 18:00–20:00",
		"event_url": "https://otwarty.test/events/" + e.ID.String(), "reason": "Brak adresu sali."}, data)

	// Rejected is still the organiser's only, and cannot be cancelled.
	_, err = b.svc.Event(b.anonymous, e.ID)
	requireCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Cancel(b.member, e.ID, "")
	requireCode(t, err, apperr.Conflict, "events.not_cancellable")

	// An edit submits it again.
	place := "ul. Krakowska 1, sala 2, Kraków"
	e, err = b.svc.Update(b.member, e.ID, events.UpdateInput{Place: &place})
	require.NoError(t, err)
	require.Equal(t, events.StatusSubmitted, e.Status)
	require.Equal(t, "", e.RejectReason)
	require.Equal(t, place, e.Place)
	require.Equal(t, 2, e.Sequence)
	require.Equal(t, []string{"event.submit", "event.reject", "event.update"}, b.audits(t, e.ID))
}

func TestEvent_EditOfApprovedStaysApprovedAuditedAndSequenced(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e, err := b.svc.Submit(b.member, b.input())
	require.NoError(t, err)
	e, err = b.svc.Approve(b.coordinator, e.ID)
	require.NoError(t, err)
	titleID := e.TitleTextID

	later := e.StartsAt.Add(time.Hour)
	end := later.Add(2 * time.Hour)
	e, err = b.svc.Update(b.member, e.ID, events.UpdateInput{StartsAt: &later, EndsAt: &end})
	require.NoError(t, err)
	require.Equal(t, events.StatusApproved, e.Status)
	require.Equal(t, "2025-03-14 19:00–21:00", events.When(e))
	require.Equal(t, 2, e.Sequence)
	require.Equal(t, titleID, e.TitleTextID, "the title was not touched")
	var changed []string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select data->'changed' from audit_log where object_id = $1 and action = 'event.update'`,
		e.ID.String()).Scan(&changed))
	require.Equal(t, []string{"startsAt", "endsAt"}, changed)
	require.Equal(t, 1, b.notices(t, events.NoticeApproved, b.memberID), "an edit notifies nobody")

	// The same original with a new translation keeps the text; another
	// original makes a new one.
	e, err = b.svc.Update(b.member, e.ID, events.UpdateInput{Title: []i18n.Input{{Locale: i18n.UK, Text: "Розмовний клуб польської"},
		{Locale: i18n.EN, Text: "Polish conversation club"}}})
	require.NoError(t, err)
	require.Equal(t, titleID, e.TitleTextID)
	e, err = b.svc.Update(b.member, e.ID, events.UpdateInput{Title: []i18n.Input{{Locale: i18n.UK, Text: "Розмовний клуб"}}})
	require.NoError(t, err)
	require.NotEqual(t, titleID, e.TitleTextID)
	require.Equal(t, 3, e.Sequence)

	// An empty description removes it (as the input's doc says); the next
	// empty one changes nothing.
	require.NotNil(t, e.DescriptionTextID)
	e, err = b.svc.Update(b.member, e.ID, events.UpdateInput{Description: []i18n.Input{{Locale: i18n.UK, Text: "  "}}})
	require.NoError(t, err)
	require.Nil(t, e.DescriptionTextID)
	require.Equal(t, 4, e.Sequence)
	require.NoError(t, b.pool.QueryRow(b.ctx, `select data->'changed' from audit_log where object_id = $1 and action = 'event.update'
		order by created_at desc limit 1`, e.ID.String()).Scan(&changed))
	require.Equal(t, []string{"description"}, changed)
	e, err = b.svc.Update(b.member, e.ID, events.UpdateInput{Description: []i18n.Input{{Locale: i18n.UK, Text: ""}}})
	require.NoError(t, err)
	require.Equal(t, 4, e.Sequence)

	// Another organisation's member may not edit; an unchanged edit changes nothing.
	_, err = b.svc.Update(b.outsider, e.ID, events.UpdateInput{StartsAt: &later})
	requireCode(t, err, apperr.Forbidden, "")
	e, err = b.svc.Update(b.member, e.ID, events.UpdateInput{StartsAt: &later})
	require.NoError(t, err)
	require.Equal(t, 4, e.Sequence)
}

func TestEvent_CancelledApprovedStaysListedPrivateStaysPrivate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	approved, err := b.svc.Submit(b.member, b.input())
	require.NoError(t, err)
	approved, err = b.svc.Approve(b.coordinator, approved.ID)
	require.NoError(t, err)
	pending, err := b.svc.Submit(b.member, b.input())
	require.NoError(t, err)

	approved, err = b.svc.Cancel(b.member, approved.ID, "Choroba prowadzącej.")
	require.NoError(t, err)
	require.Equal(t, events.StatusCancelled, approved.Status)
	require.Equal(t, "Choroba prowadzącej.", approved.CancelReason)
	again, err := b.svc.Cancel(b.member, approved.ID, "")
	require.NoError(t, err)
	require.Equal(t, approved.Sequence, again.Sequence)
	pending, err = b.svc.Cancel(b.coordinator, pending.ID, "")
	require.NoError(t, err)
	require.Equal(t, events.StatusCancelled, pending.Status)

	p, err := b.svc.Events(b.anonymous, events.Filter{}, 20, "")
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{approved.ID}, ids(p.Items))
	_, err = b.svc.Event(b.resident, pending.ID)
	requireCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Update(b.member, approved.ID, events.UpdateInput{Place: new(string)})
	requireCode(t, err, apperr.Conflict, "events.cancelled")
	_, err = b.svc.Cancel(b.outsider, approved.ID, "")
	requireCode(t, err, apperr.Forbidden, "")
	_, err = b.svc.Cancel(b.anonymous, approved.ID, "")
	requireCode(t, err, apperr.Unauthenticated, "")
	require.Equal(t, []string{"event.submit", "event.approve", "event.cancel"}, b.audits(t, approved.ID))
}

func TestSubmit_CoordinatorEntersApprovedAndOutsidersAreRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e, err := b.svc.Submit(b.coordinator, b.input())
	require.NoError(t, err)
	require.Equal(t, events.StatusApproved, e.Status)
	require.Equal(t, []string{"event.enter"}, b.audits(t, e.ID))

	_, err = b.svc.Submit(b.anonymous, b.input())
	requireCode(t, err, apperr.Unauthenticated, "")
	_, err = b.svc.Submit(b.resident, b.input())
	requireCode(t, err, apperr.Forbidden, "")
	_, err = b.svc.Submit(b.outsider, b.input())
	requireCode(t, err, apperr.Forbidden, "")
	in := b.input()
	in.OrganisationID = uuid.New()
	_, err = b.svc.Submit(b.member, in)
	requireCode(t, err, apperr.InvalidInput, "events.organisation_invalid")
}

func TestSubmit_RefusesBadFieldsAllAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := b.input()
	in.Title = []i18n.Input{{Locale: i18n.PL, Text: "  "}}
	in.Category = "party"
	in.EndsAt = in.StartsAt
	in.Place = ""
	in.URL = "ftp://example.org"
	in.Languages = []string{"uk", "not a tag"}
	_, err := b.svc.Submit(b.member, in)
	requireCode(t, err, apperr.InvalidInput, "")
	fields := map[string]string{}
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	for _, f := range append([]*apperr.Error{e}, e.Also...) {
		fields[f.Field] = f.Key
	}
	require.Equal(t, map[string]string{"title": "events.title_required", "category": "events.category_invalid",
		"endsAt": "events.ends_before_start", "place": "events.place_required", "url": "events.url_invalid",
		"languages": "events.language_invalid"}, fields)
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from events`).Scan(&n))
	require.Equal(t, 0, n)

	// Any language, in canonical form; online only is a place.
	in = b.input()
	in.Place, in.OnlineURL = "", "https://meet.example.org/abc"
	in.Languages = []string{"crh", "es-419", "sgn-PL", "UK-ua", "uk-UA", "ukr"}
	ev, err := b.svc.Submit(b.member, in)
	require.NoError(t, err)
	require.Equal(t, []string{"crh", "es-419", "sgn-PL", "uk-UA", "uk"}, ev.Languages)
}

func TestSubmit_AllDayIsWholeWarsawDays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := b.input()
	in.AllDay = true
	in.StartsAt = time.Date(2025, 3, 29, 15, 0, 0, 0, i18n.Warsaw)
	in.EndsAt = time.Date(2025, 3, 30, 9, 0, 0, 0, i18n.Warsaw) // the clocks go forward that night
	e, err := b.svc.Submit(b.member, in)
	require.NoError(t, err)
	require.Equal(t, time.Date(2025, 3, 28, 23, 0, 0, 0, time.UTC), e.StartsAt.UTC())
	require.Equal(t, time.Date(2025, 3, 30, 22, 0, 0, 0, time.UTC), e.EndsAt.UTC())
	require.Equal(t, "2025-03-29 – 2025-03-30", events.When(e))
	// What is read back writes back unchanged.
	e2, err := b.svc.Update(b.member, e.ID, events.UpdateInput{StartsAt: &e.StartsAt, EndsAt: &e.EndsAt})
	require.NoError(t, err)
	require.Equal(t, e.Sequence, e2.Sequence)
}

func TestEvents_FiltersAndPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mk := func(org uuid.UUID, day int, cat string, langs ...string) uuid.UUID {
		in := b.input()
		in.OrganisationID = org
		in.StartsAt = time.Date(2025, 4, day, 10, 0, 0, 0, i18n.Warsaw)
		in.EndsAt = in.StartsAt.Add(time.Hour)
		in.Category, in.Languages = cat, langs
		e, err := b.svc.Submit(b.coordinator, in)
		require.NoError(t, err)
		return e.ID
	}
	a := mk(b.ngo, 1, events.CategoryWorkshop, "uk-UA")
	c := mk(b.other, 2, events.CategoryCulture, "pl", "be")
	d := mk(b.ngo, 3, events.CategoryCulture, "ru")
	from := time.Date(2025, 4, 2, 0, 0, 0, 0, i18n.Warsaw)
	to := time.Date(2025, 4, 3, 0, 0, 0, 0, i18n.Warsaw)
	for _, tc := range []struct {
		f    events.Filter
		want []uuid.UUID
	}{
		{events.Filter{}, []uuid.UUID{a, c, d}},
		{events.Filter{Language: "uk"}, []uuid.UUID{a}},
		{events.Filter{Category: events.CategoryCulture}, []uuid.UUID{c, d}},
		{events.Filter{OrganisationID: &b.ngo}, []uuid.UUID{a, d}},
		{events.Filter{From: &from}, []uuid.UUID{c, d}},
		{events.Filter{From: &from, To: &to}, []uuid.UUID{c}},
	} {
		p, err := b.svc.Events(b.anonymous, tc.f, 20, "")
		require.NoError(t, err)
		require.Equal(t, tc.want, ids(p.Items), "%+v", tc.f)
		require.Equal(t, len(tc.want), p.Total)
	}
	p, err := b.svc.Events(b.anonymous, events.Filter{}, 2, "")
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{a, c}, ids(p.Items))
	require.True(t, p.HasNext)
	p, err = b.svc.Events(b.anonymous, events.Filter{}, 2, p.Items[1].Cursor())
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{d}, ids(p.Items))
	require.False(t, p.HasNext)
	_, err = b.svc.Events(b.anonymous, events.Filter{Language: "x y"}, 2, "")
	requireCode(t, err, apperr.InvalidInput, "events.language_invalid")
}

func TestCountForYear_CountsApprovedByTheirWarsawStart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	at := func(org uuid.UUID, start time.Time) *events.Event {
		in := b.input()
		in.OrganisationID, in.StartsAt, in.EndsAt = org, start, start.Add(3*time.Hour)
		e, err := b.svc.Submit(b.coordinator, in)
		require.NoError(t, err)
		return e
	}
	// 2024-12-31 23:30 in Warsaw is 22:30 UTC: 2024's.
	at(b.ngo, time.Date(2024, 12, 31, 23, 30, 0, 0, i18n.Warsaw))
	// 2025-01-01 00:00 in Warsaw is 2024-12-31 23:00 UTC: 2025's.
	at(b.ngo, time.Date(2025, 1, 1, 0, 0, 0, 0, i18n.Warsaw))
	at(b.other, time.Date(2025, 6, 1, 18, 0, 0, 0, i18n.Warsaw))
	// The last minute of 2025 in Warsaw, and the first of 2026.
	at(b.ngo, time.Date(2025, 12, 31, 23, 59, 0, 0, i18n.Warsaw))
	at(b.ngo, time.Date(2026, 1, 1, 0, 0, 0, 0, i18n.Warsaw))
	cancelled := at(b.ngo, time.Date(2025, 5, 5, 10, 0, 0, 0, i18n.Warsaw))
	_, err := b.svc.Cancel(b.coordinator, cancelled.ID, "")
	require.NoError(t, err)
	in := b.input()
	in.StartsAt = time.Date(2025, 7, 7, 10, 0, 0, 0, i18n.Warsaw)
	in.EndsAt = in.StartsAt.Add(time.Hour)
	rejected, err := b.svc.Submit(b.member, in)
	require.NoError(t, err)
	_, err = b.svc.Reject(b.coordinator, rejected.ID, "Duplikat.")
	require.NoError(t, err)
	_, err = b.svc.Submit(b.member, in) // awaiting review
	require.NoError(t, err)

	for _, tc := range []struct {
		year       int
		organisers []uuid.UUID
		want       int
	}{
		{2024, nil, 1},
		{2025, nil, 3},
		{2026, nil, 1},
		{2025, []uuid.UUID{b.ngo}, 2},
		{2025, []uuid.UUID{b.other}, 1},
		{2025, []uuid.UUID{b.ngo, b.other}, 3},
		{2025, []uuid.UUID{}, 0},
		{2023, nil, 0},
	} {
		n, err := events.CountForYear(b.ctx, b.pool, tc.year, tc.organisers)
		require.NoError(t, err)
		require.Equal(t, tc.want, n, "%d %v", tc.year, tc.organisers)
	}
}
