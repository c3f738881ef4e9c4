package ambassador_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// scheduledMoves lists the edition's scheduled (not yet run) moves to `to`,
// by their time.
func (b *bundle) scheduledMoves(t *testing.T, to ambassador.Phase) []time.Time {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select (args->>'at')::timestamptz from river_job where kind = $1 and state = 'scheduled'
		and args->>'object_id' = $2 and args->>'to' = $3 order by 1`, ambassador.JobPhase, b.edition.ID.String(), string(to))
	require.NoError(t, err)
	var out []time.Time
	for rows.Next() {
		var at time.Time
		require.NoError(t, rows.Scan(&at))
		out = append(out, at)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestReschedule_FutureDatesOnlyInOrderWithJobsAndJury: the coordinator
// moves dates still to come (never a past one, never one whose phase has
// begun, never into the past, never out of order), with a reason; the
// scheduled moves follow, the live consent links expire at the new end of
// the check, and the jurors are told when the scoring or decision ends move.
func TestReschedule_FutureDatesOnlyInOrderWithJobsAndJury(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reason := "Przedłużamy nabór o trzy dni."
	juror, _ := b.account(t, "juror", "en")
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.Grant(b.ctx, tx, juror, authz.RoleJuror, ambassador.Domain(b.edition.ID), uuid.Nil)
	}))
	nominator, _ := b.account(t, "nominator", "pl")
	n, err := b.svc.Nominate(b.as(nominator), b.person("Jan", "jan@x.test"))
	require.NoError(t, err)
	old := b.edition.Schedule

	// Refusals: who, why, what.
	later := old
	later.NominationsClose = old.NominationsClose.Add(3 * day)
	_, err = b.svc.RescheduleEdition(b.as(nominator), b.edition.ID, later, reason)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.RescheduleEdition(b.as(juror), b.edition.ID, later, reason)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.RescheduleEdition(b.as(uuid.Nil), b.edition.ID, later, reason)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, later, "krótko")
	requireCode(t, err, apperr.InvalidInput, "ambassador.reschedule_reason")
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, old, reason)
	requireCode(t, err, apperr.InvalidInput, "ambassador.reschedule_unchanged")
	past := old
	past.NominationsOpen = old.NominationsOpen.Add(-day)
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, past, reason)
	requireCode(t, err, apperr.InvalidInput, "ambassador.reschedule_past")
	toPast := old
	toPast.NominationsClose = b.start.Add(-time.Minute)
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, toPast, reason)
	requireCode(t, err, apperr.InvalidInput, "ambassador.reschedule_to_past")
	disorder := old
	disorder.NominationsClose = old.CheckClose.Add(time.Hour) // after the check's end
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, disorder, reason)
	requireCode(t, err, apperr.InvalidInput, "ambassador.schedule_invalid")
	audience := old
	at := old.DecisionClose.Add(day)
	audience.AudienceClose, audience.AnnounceAt = &at, at.Add(day)
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, audience, reason)
	requireCode(t, err, apperr.InvalidInput, "ambassador.reschedule_audience")
	draft, err := b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: 2031, Schedule: b.schedule()})
	require.NoError(t, err)
	_, err = b.svc.RescheduleEdition(b.coordinator, draft.ID, later, reason)
	requireCode(t, err, apperr.Conflict, "ambassador.reschedule_draft")
	require.Zero(t, b.notices(t, ambassador.NoticeScheduleChanged, juror, ""))

	// Nominations a week longer: the move to the check follows, the jury is
	// not told (its dates stand).
	e, err := b.svc.RescheduleEdition(b.coordinator, b.edition.ID, later, reason)
	require.NoError(t, err)
	require.True(t, later.NominationsClose.Equal(e.Schedule.NominationsClose))
	moves := b.scheduledMoves(t, ambassador.PhaseFormalCheck)
	require.Len(t, moves, 2)
	require.True(t, old.NominationsClose.Equal(moves[0]) && later.NominationsClose.Equal(moves[1]), "%v", moves)
	require.Zero(t, b.notices(t, ambassador.NoticeScheduleChanged, juror, ""))
	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'ambassador.edition_reschedule'
		and object_id = $1 and actor_id = $2 and reason = $3 and data ? 'nominationsClose' and not data ? 'checkClose'`,
		b.edition.ID.String(), b.coordID, reason).Scan(&audited))
	require.Equal(t, 1, audited)
	// Online nominations are taken past the old deadline.
	b.clock.Set(old.NominationsClose.Add(time.Hour))
	_, err = b.svc.Nominate(b.as(nominator), b.person("Ewa", "ewa@x.test"))
	require.NoError(t, err)

	// The check, scoring and decision move: the links live longer, the
	// jurors are told in their language.
	moved := later
	moved.CheckClose, moved.ScoringClose = old.CheckClose.Add(7*day), old.ScoringClose.Add(7*day)
	moved.DecisionClose, moved.AnnounceAt = old.DecisionClose.Add(7*day), old.AnnounceAt.Add(7*day)
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, moved, "Kapituła potrzebuje więcej czasu.")
	require.NoError(t, err)
	require.Equal(t, 1, b.notices(t, ambassador.NoticeScheduleChanged, juror, ""))
	var expires time.Time
	require.NoError(t, b.pool.QueryRow(b.ctx, `select expires_at from ambassador_consent_tokens where nomination_id = $1
		and used_at is null and revoked_at is null`, n.ID).Scan(&expires))
	require.True(t, moved.CheckClose.Equal(expires))

	// A phase begun keeps its date even while the date is still to come:
	// the coordinator closed the nominations early by hand.
	e, err = b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseFormalCheck, "Wszystkie zgłoszenia już są.")
	require.NoError(t, err)
	again := moved
	again.NominationsClose = moved.NominationsClose.Add(day)
	_, err = b.svc.RescheduleEdition(b.coordinator, b.edition.ID, again, reason)
	requireCode(t, err, apperr.InvalidInput, "ambassador.reschedule_past")
	require.Equal(t, ambassador.PhaseFormalCheck, e.Phase)
}

// TestReschedule_TheOldJobDoesNothing: the job of the old time finds the
// stored time changed and leaves the edition where it is.
func TestReschedule_TheOldJobDoesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.edition.Schedule
	later := old
	later.NominationsClose = old.NominationsClose.Add(3 * day)
	_, err := b.svc.RescheduleEdition(b.coordinator, b.edition.ID, later, "Przedłużamy nabór o trzy dni.")
	require.NoError(t, err)
	// Only the old job runs (the new one is set aside).
	_, err = b.pool.Exec(b.ctx, `delete from river_job where kind = $1 and state = 'scheduled'
		and args->>'to' = $2 and (args->>'at')::timestamptz = $3`, ambassador.JobPhase, string(ambassador.PhaseFormalCheck), later.NominationsClose)
	require.NoError(t, err)
	b.runMove(t, ambassador.PhaseFormalCheck)
	require.Equal(t, ambassador.PhaseNominations, b.edition.Phase)
}
