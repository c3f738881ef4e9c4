package gathering_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestMigration016_MovesMeetingsAndSessionsIntact fills the old tables of
// consultation meetings and budget sessions at schema version 17, applies
// 018, and finds every row in the gathering tables as it was.
func TestMigration016_MovesMeetingsAndSessionsIntact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, m := pgtest.MigratedTo(t, 17)

	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := conn.Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}
	id := func() uuid.UUID { return uuid.New() }
	unit, staff, ann, bob, cid, eid := id(), id(), id(), id(), id(), id()
	title, minutes, stitle, sdesc := id(), id(), id(), id()
	meeting, cancelled, session := id(), id(), id()
	exec(`insert into organisations (id, kind, name, slug) values ($1, 'city_unit', 'Urząd', 'urzad')`, unit)
	for i, a := range []uuid.UUID{staff, ann, bob} {
		exec(`insert into accounts (id, email, password_hash, display_name, locale) values ($1, $2, 'x', 'A', 'pl')`,
			a, string(rune('a'+i))+"@otwarty.test")
	}
	for _, tx := range []uuid.UUID{title, minutes, stitle, sdesc} {
		exec(`insert into texts (id, original_locale) values ($1, 'pl')`, tx)
	}
	exec(`insert into consultations (id, unit_id, title_text_id) values ($1, $2, $3)`, cid, unit, title)
	exec(`insert into budget_editions (id, unit_id, year) values ($1, $2, 2026)`, eid, unit)

	at := time.Date(2026, 5, 4, 16, 0, 0, 123456000, time.UTC)
	created := at.Add(-30 * 24 * time.Hour)
	exec(`insert into consultation_meetings (id, consultation_id, kind, title_text_id, starts_at, ends_at, place, online_url,
			languages, capacity, minutes_text_id, minutes_published_at, created_by, created_at, updated_at)
		values ($1, $2, 'workshop', $3, $4, $5, 'Urząd Miasta', 'https://meet.example.org/x', '{pl,uk}', 1, $6, $7, $8, $9, $10)`,
		meeting, cid, title, at, at.Add(2*time.Hour), minutes, at.Add(3*time.Hour), staff, created, created.Add(time.Hour))
	exec(`insert into consultation_meetings (id, consultation_id, title_text_id, starts_at, ends_at, online_url, languages,
			cancelled_at, cancel_reason, created_at, updated_at)
		values ($1, $2, $3, $4, $5, 'https://meet.example.org/y', '{pl}', $6, 'Sala jest niedostępna.', $7, $7)`,
		cancelled, cid, title, at, at.Add(time.Hour), created.Add(time.Hour), created)
	exec(`insert into meeting_registrations (meeting_id, account_id, status, position, attended, created_at, updated_at)
		values ($1, $2, 'registered', 7, true, $4, $5), ($1, $3, 'waitlisted', 9, null, $5, $5)`,
		meeting, ann, bob, created.Add(time.Minute), created.Add(2*time.Minute))
	exec(`insert into budget_sessions (id, edition_id, title_text_id, description_text_id, languages, starts_at, ends_at,
			place, online, capacity, created_by, created_at, updated_at)
		values ($1, $2, $3, $4, '{uk,pl}', $5, $6, 'https://zoom.example.org/s', true, 10, $7, $8, $8)`,
		session, eid, stitle, sdesc, at, at.Add(time.Hour), staff, created)
	exec(`insert into budget_session_registrations (session_id, account_id, status, position, created_at, updated_at)
		values ($1, $2, 'cancelled', 3, $4, $5), ($1, $3, 'registered', 12, $5, $5)`,
		session, ann, bob, created.Add(time.Minute), created.Add(2*time.Minute))

	require.NoError(t, m.MigrateTo(ctx, 18))

	type row struct {
		Kind, Owner, Format, Place, URL, Reason string
		Online                                  bool
		Title                                   uuid.UUID
		Desc, Minutes, By                       *uuid.UUID
		Starts, Ends, Created, Updated          time.Time
		MinutesAt, CancelledAt                  *time.Time
		Langs                                   []string
		Capacity                                *int
	}
	read := func(id uuid.UUID) row {
		t.Helper()
		var r row
		require.NoError(t, conn.QueryRow(ctx, `select kind, owner_id::text, format, place, online_url, cancel_reason, online,
				title_text_id, description_text_id, minutes_text_id, created_by, starts_at, ends_at, created_at, updated_at,
				minutes_published_at, cancelled_at, languages, capacity
			from gatherings where id = $1`, id).Scan(&r.Kind, &r.Owner, &r.Format, &r.Place, &r.URL, &r.Reason, &r.Online,
			&r.Title, &r.Desc, &r.Minutes, &r.By, &r.Starts, &r.Ends, &r.Created, &r.Updated, &r.MinutesAt, &r.CancelledAt,
			&r.Langs, &r.Capacity))
		r.Starts, r.Ends, r.Created, r.Updated = r.Starts.UTC(), r.Ends.UTC(), r.Created.UTC(), r.Updated.UTC()
		for _, p := range []**time.Time{&r.MinutesAt, &r.CancelledAt} {
			if *p != nil {
				u := (*p).UTC()
				*p = &u
			}
		}
		return r
	}
	one, ten := 1, 10
	minutesAt, cancelledAt := at.Add(3*time.Hour), created.Add(time.Hour)
	require.Equal(t, row{Kind: "consultation_meeting", Owner: cid.String(), Format: "workshop", Place: "Urząd Miasta",
		URL: "https://meet.example.org/x", Title: title, Minutes: &minutes, By: &staff, Starts: at, Ends: at.Add(2 * time.Hour),
		Created: created, Updated: created.Add(time.Hour), MinutesAt: &minutesAt, Langs: []string{"pl", "uk"}, Capacity: &one},
		read(meeting))
	require.Equal(t, row{Kind: "consultation_meeting", Owner: cid.String(), Format: "meeting", URL: "https://meet.example.org/y",
		Reason: "Sala jest niedostępna.", Title: title, Starts: at, Ends: at.Add(time.Hour), Created: created, Updated: created,
		CancelledAt: &cancelledAt, Langs: []string{"pl"}}, read(cancelled))
	require.Equal(t, row{Kind: "budget_session", Owner: eid.String(), Place: "https://zoom.example.org/s", Online: true,
		Title: stitle, Desc: &sdesc, By: &staff, Starts: at, Ends: at.Add(time.Hour), Created: created, Updated: created,
		Langs: []string{"uk", "pl"}, Capacity: &ten}, read(session))

	type reg struct {
		Gathering, Account uuid.UUID
		Status             string
		Position           int64
		Attended           *bool
		Created, Updated   time.Time
	}
	rows, err := conn.Query(ctx, `select gathering_id, account_id, status, position, attended, created_at, updated_at
		from gathering_registrations order by gathering_id = $1 desc, position`, meeting)
	require.NoError(t, err)
	regs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (reg, error) {
		var g reg
		err := r.Scan(&g.Gathering, &g.Account, &g.Status, &g.Position, &g.Attended, &g.Created, &g.Updated)
		g.Created, g.Updated = g.Created.UTC(), g.Updated.UTC()
		return g, err
	})
	require.NoError(t, err)
	yes := true
	m1, m2 := created.Add(time.Minute), created.Add(2*time.Minute)
	require.Equal(t, []reg{
		{meeting, ann, "registered", 7, &yes, m1, m2},
		{meeting, bob, "waitlisted", 9, nil, m2, m2},
		{session, ann, "cancelled", 3, nil, m1, m2},
		{session, bob, "registered", 12, nil, m2, m2},
	}, regs)

	// The old tables are gone; new registrations queue after the moved ones;
	// an owner's gatherings go with it.
	for _, table := range []string{"consultation_meetings", "meeting_registrations", "budget_sessions",
		"budget_session_registrations", "meeting_registration_position_seq", "budget_session_registration_position_seq"} {
		var gone bool
		require.NoError(t, conn.QueryRow(ctx, `select to_regclass($1) is null`, table).Scan(&gone))
		require.True(t, gone, table)
	}
	var next int64
	require.NoError(t, conn.QueryRow(ctx, `select nextval('gathering_registration_position_seq')`).Scan(&next))
	require.Greater(t, next, int64(12))
	exec(`delete from consultations where id = $1`, cid)
	var left int
	require.NoError(t, conn.QueryRow(ctx, `select count(*) from gatherings`).Scan(&left))
	require.Equal(t, 1, left, "the consultation's meetings went with it, the session stayed")
}

// TestMigration020_AddsTheRollBesideGatherings applies 020 over gatherings
// of version 19: they stay as they were, with no code; the new tables hold
// at most one open stay per person, only six-digit codes, and go with their
// gathering.
func TestMigration020_AddsTheRollBesideGatherings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, m := pgtest.MigratedTo(t, 19)

	exec := func(sql string, args ...any) error {
		_, err := conn.Exec(ctx, sql, args...)
		return err
	}
	unit, eid, ann, title, g := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	at := time.Date(2026, 5, 4, 16, 0, 0, 0, time.UTC)
	for _, s := range []struct {
		sql  string
		args []any
	}{
		{`insert into organisations (id, kind, name, slug) values ($1, 'city_unit', 'Urząd', 'urzad')`, []any{unit}},
		{`insert into accounts (id, email, password_hash, display_name, locale) values ($1, 'a@otwarty.test', 'x', 'A', 'pl')`, []any{ann}},
		{`insert into texts (id, original_locale) values ($1, 'pl')`, []any{title}},
		{`insert into budget_editions (id, unit_id, year) values ($1, $2, 2026)`, []any{eid, unit}},
		{`insert into gatherings (id, kind, owner_id, title_text_id, starts_at, ends_at, place, languages, capacity)
			values ($1, 'budget_session', $2, $3, $4, $5, 'Urząd Miasta', '{pl}', 10)`, []any{g, eid, title, at, at.Add(time.Hour)}},
		{`insert into gathering_registrations (gathering_id, account_id, status, attended) values ($1, $2, 'registered', true)`, []any{g, ann}},
	} {
		require.NoError(t, exec(s.sql, s.args...), s.sql)
	}

	require.NoError(t, m.MigrateTo(ctx, 20))

	var capacity int
	var code *string
	var status string
	var attended bool
	require.NoError(t, conn.QueryRow(ctx, `select g.capacity, g.checkin_code, r.status, r.attended
		from gatherings g join gathering_registrations r on r.gathering_id = g.id where g.id = $1`, g).
		Scan(&capacity, &code, &status, &attended))
	require.Equal(t, []any{10, (*string)(nil), "registered", true}, []any{capacity, code, status, attended})

	require.Error(t, exec(`update gatherings set checkin_code = '12345a', checkin_code_issued_at = now() where id = $1`, g))
	require.Error(t, exec(`update gatherings set checkin_code = '123456' where id = $1`, g), "a code has its time")
	require.NoError(t, exec(`update gatherings set checkin_code = '012345', checkin_code_issued_at = now() where id = $1`, g))

	require.NoError(t, exec(`insert into gathering_invitations (gathering_id, account_id) values ($1, $2)`, g, ann))
	require.NoError(t, exec(`insert into gathering_presence (gathering_id, account_id, mode, arrived_at, left_at, self)
		values ($1, $2, 'in_person', $3, $4, true)`, g, ann, at, at.Add(time.Minute)))
	require.NoError(t, exec(`insert into gathering_presence (gathering_id, account_id, mode, arrived_at, self)
		values ($1, $2, 'remote', $3, false)`, g, ann, at.Add(2*time.Minute)))
	require.Error(t, exec(`insert into gathering_presence (gathering_id, account_id, mode, arrived_at, self)
		values ($1, $2, 'in_person', $3, true)`, g, ann, at.Add(3*time.Minute)), "one open stay per person")
	require.Error(t, exec(`insert into gathering_presence (gathering_id, account_id, mode, arrived_at, left_at, self)
		values ($1, $2, 'video', $3, $3, true)`, g, ann, at), "in person or remote")
	require.Error(t, exec(`insert into gathering_presence (gathering_id, account_id, mode, arrived_at, left_at, self)
		values ($1, $2, 'remote', $3, $4, true)`, g, ann, at, at.Add(-time.Minute)), "no leaving before arriving")

	var left int
	require.NoError(t, exec(`insert into gathering_checkin_failures (gathering_id, account_id, failures) values ($1, $2, 1)`, g, ann))
	require.NoError(t, exec(`delete from gatherings where id = $1`, g))
	require.NoError(t, conn.QueryRow(ctx, `select (select count(*) from gathering_invitations) + (select count(*) from gathering_presence)
		+ (select count(*) from gathering_checkin_failures)`).
		Scan(&left))
	require.Zero(t, left, "the roll goes with its gathering")
}
