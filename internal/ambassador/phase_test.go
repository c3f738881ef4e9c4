package ambassador_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
)

// phaseTrail is the edition's history as "from→to by who (reason)".
func phaseTrail(t *testing.T, b *bundle) []string {
	t.Helper()
	changes, err := b.svc.PhaseChanges(b.coordinator, b.edition.ID)
	require.NoError(t, err)
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		who := "schedule"
		if c.ActorID != uuid.Nil {
			who = "staff"
		}
		out = append(out, c.From+"→"+c.To+" by "+who+" ("+c.Reason+")")
	}
	return out
}

func TestPhase_PublishSchedulesEveryMove(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Equal(t, ambassador.PhaseNominations, b.edition.Phase)
	rows, err := b.pool.Query(b.ctx, `select args->>'to', scheduled_at from river_job where kind = $1 and args->>'object_id' = $2
		order by scheduled_at`, ambassador.JobPhase, b.edition.ID.String())
	require.NoError(t, err)
	var got []string
	sc := b.edition.Schedule
	want := []string{"formal_check " + sc.NominationsClose.UTC().String(), "scoring " + sc.CheckClose.UTC().String(),
		"decision " + sc.ScoringClose.UTC().String(), "announcement " + sc.AnnounceAt.UTC().String()}
	for rows.Next() {
		var to string
		var at = sc.NominationsOpen
		require.NoError(t, rows.Scan(&to, &at))
		got = append(got, to+" "+at.UTC().String())
	}
	require.NoError(t, rows.Err())
	require.Equal(t, want, got)
	require.Equal(t, []string{"draft→nominations by staff ()"}, phaseTrail(t, b))
}

func TestPhase_HandMovesAndStaleJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resident, _ := b.account(t, "resident", "pl")
	reason := "Wszystkie zgłoszenia wpłynęły wcześniej."

	// Only the next phase, only with a reason, only by staff.
	_, err := b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseScoring, reason)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.phase_invalid")
	_, err = b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseUpcoming, reason)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.phase_invalid")
	_, err = b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseFormalCheck, "za krótko")
	requireCode(t, err, apperr.InvalidInput, "ambassador.reason_required")
	_, err = b.svc.MoveEdition(b.as(resident), b.edition.ID, ambassador.PhaseFormalCheck, reason)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.MoveEdition(b.as(uuid.Nil), b.edition.ID, ambassador.PhaseFormalCheck, reason)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	draft, err := b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: 2031, Schedule: b.schedule()})
	require.NoError(t, err)
	_, err = b.svc.MoveEdition(b.coordinator, draft.ID, ambassador.PhaseNominations, reason)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.phase_invalid")

	// Nominations closed early by hand: nothing more online, the check opens.
	e, err := b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseFormalCheck, reason)
	require.NoError(t, err)
	require.Equal(t, ambassador.PhaseFormalCheck, e.Phase)
	_, err = b.svc.Nominate(b.as(resident), b.person("Ewa", "ewa@x.test"))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.nominations_closed")

	// The job scheduled for that move finds it made and does nothing.
	b.runMove(t, ambassador.PhaseFormalCheck)
	require.Equal(t, ambassador.PhaseFormalCheck, b.edition.Phase)

	// The scheduled end of the check moves it on; the coordinator closes the
	// scoring early, once every juror has scored.
	b.runMove(t, ambassador.PhaseScoring)
	require.Equal(t, ambassador.PhaseScoring, b.edition.Phase)
	e, err = b.svc.MoveEdition(b.coordinator, b.edition.ID, ambassador.PhaseDecision, "Wszyscy jurorzy ocenili zgłoszenia.")
	require.NoError(t, err)
	require.Equal(t, ambassador.PhaseDecision, e.Phase)
	b.runMove(t, ambassador.PhaseDecision)
	require.Equal(t, ambassador.PhaseDecision, b.edition.Phase)

	require.Equal(t, []string{
		"draft→nominations by staff ()",
		"nominations→formal_check by staff (" + reason + ")",
		"formal_check→scoring by schedule (schedule)",
		"scoring→decision by staff (Wszyscy jurorzy ocenili zgłoszenia.)",
	}, phaseTrail(t, b))
	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'ambassador.edition_phase'
		and object_id = $1`, b.edition.ID.String()).Scan(&audited))
	require.Equal(t, 3, audited)

	// The history is as visible as the edition: a draft's is NOT_FOUND to a resident.
	_, err = b.svc.PhaseChanges(b.as(resident), draft.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
}
