package consultation_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
)

func pl(s string) i18n.Input {
	return i18n.Input{Locale: i18n.PL, Text: s}
}

func at(t time.Time) *time.Time { return &t }

// soonDraft creates a draft that opens in opensIn and closes in closesIn
// (real time, for River), announced now, with two forms and no meeting.
func soonDraft(t *testing.T, b *bundle, ctx context.Context, opensIn, closesIn time.Duration) *consultation.Consultation {
	t.Helper()
	now := time.Now()
	b.clock.Set(now)
	c, err := b.svc.Create(ctx, consultation.CreateInput{
		UnitID: b.unitID, Title: pl("Zieleń na Kazimierzu"),
		Forms:      []string{consultation.FormOnlineSubmissions, consultation.FormSurvey},
		AnnounceAt: at(now), OpensAt: at(now.Add(opensIn)), ClosesAt: at(now.Add(closesIn)),
	})
	require.NoError(t, err)
	return c
}

func failing(results []consultation.RuleResult) []string {
	var out []string
	for _, r := range results {
		if !r.OK {
			out = append(out, r.Rule)
		}
	}
	return out
}

var fourOverrides = map[string]string{
	consultation.RuleNoticePeriod:    "Pilna zmiana wynikająca z decyzji wojewody.",
	consultation.RuleMinimumDuration: "Krótki termin wymuszony ustawą o planowaniu.",
	consultation.RuleFormsCount:      "Budżet pozwala tylko na dwie formy udziału.",
	consultation.RuleOpenMeeting:     "Spotkanie niemożliwe z powodu remontu sali.",
}

func phaseTrail(t *testing.T, b *bundle, ctx context.Context, id uuid.UUID) []string {
	t.Helper()
	changes, err := b.svc.PhaseChanges(ctx, id)
	require.NoError(t, err)
	var out []string
	for _, p := range changes {
		who := "staff"
		if p.ActorID == uuid.Nil {
			who = "schedule"
		}
		out = append(out, string(p.From)+"→"+string(p.To)+" by "+who+" ("+p.Reason+")")
	}
	return out
}

func TestPublish_NamesFailingRulesThenOverridesAndScheduledPhasesRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	c := soonDraft(t, b, official, 2*time.Second, 4*time.Second)

	results, err := b.svc.Check(official, c.ID)
	require.NoError(t, err)
	require.Len(t, results, 7)
	require.Equal(t, []string{consultation.RuleNoticePeriod, consultation.RuleMinimumDuration,
		consultation.RuleFormsCount, consultation.RuleOpenMeeting}, failing(results))
	for _, r := range results {
		require.Equal(t, "consultation.rule."+r.Rule, r.Key)
		require.True(t, i18n.Has(r.Key), r.Key)
		require.Equal(t, r.Rule != consultation.RuleSchedule && r.Rule != consultation.RulePolishText, r.Overridable)
	}
	require.Equal(t, 7, results[2].Args["short"]) // notice: 0 days of 7

	_, err = b.svc.Publish(official, c.ID, nil)
	var ae *apperr.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, apperr.InvalidInput, ae.Code)
	require.Equal(t, "consultation.rules_failed", ae.Key)
	require.Equal(t, "overrides", ae.Field)
	require.Equal(t, "notice_period, minimum_duration, forms_count, open_meeting", ae.Args["rules"])

	// One missing justification is still named, alone.
	partial := map[string]string{}
	for k, v := range fourOverrides {
		if k != consultation.RuleFormsCount {
			partial[k] = v
		}
	}
	_, err = b.svc.Publish(official, c.ID, partial)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "forms_count", ae.Args["rules"])

	for name, bad := range map[string]map[string]string{
		"too short":           {consultation.RuleNoticePeriod: "bo tak"},
		"rule that passes":    {consultation.RuleReportDeadline: "Raport będzie później niż zwykle."},
		"never overridable":   {consultation.RuleSchedule: "Daty ustalimy później, obiecujemy."},
		"unknown rule":        {"weather": "Pogoda nie sprzyja konsultacjom."},
		"blank justification": {consultation.RuleOpenMeeting: "            "},
	} {
		o := map[string]string{}
		for k, v := range fourOverrides {
			o[k] = v
		}
		for k, v := range bad {
			o[k] = v
		}
		_, err = b.svc.Publish(official, c.ID, o)
		require.ErrorIs(t, err, apperr.Invalid("overrides", "consultation.override_invalid"), name)
	}

	pub, err := b.svc.Publish(official, c.ID, fourOverrides)
	require.NoError(t, err)
	require.Equal(t, consultation.StatusAnnounced, pub.Status)
	require.Equal(t, fourOverrides, pub.Overrides)
	require.NotNil(t, pub.PublishedAt)

	// Overrides are public: anyone reads them.
	seen, err := b.svc.Get(b.anonymous(), c.ID)
	require.NoError(t, err)
	require.Equal(t, fourOverrides, seen.Overrides)

	_, err = b.svc.Publish(official, c.ID, fourOverrides)
	require.ErrorIs(t, err, apperr.New(apperr.PhaseClosed, "consultation.not_draft"))

	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'consultation.publish'
		and object_id = $1 and data->'overrides'->>'notice_period' <> ''`, c.ID.String()).Scan(&audited))
	require.Equal(t, 1, audited)

	b.startWorkers(t)
	require.Eventually(t, func() bool {
		got, err := b.svc.Get(b.anonymous(), c.ID)
		return err == nil && got.Status == consultation.StatusClosed
	}, 40*time.Second, 100*time.Millisecond)
	require.Equal(t, []string{
		"draft→announced by staff ()",
		"announced→open by schedule (schedule)",
		"open→closed by schedule (schedule)",
	}, phaseTrail(t, b, b.anonymous(), c.ID))
}

func TestChangePhase_HandChangeMakesScheduledJobsNoOps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	c := soonDraft(t, b, official, time.Second, 2*time.Second)
	_, err := b.svc.Publish(official, c.ID, fourOverrides)
	require.NoError(t, err)

	_, err = b.svc.ChangePhase(official, c.ID, consultation.StatusOpen, "za krótko")
	require.ErrorIs(t, err, apperr.Invalid("reason", "consultation.reason_required"))
	_, err = b.svc.ChangePhase(official, c.ID, consultation.StatusClosed, "Zamykamy przed otwarciem.")
	require.ErrorIs(t, err, apperr.Invalid("to", "consultation.phase_invalid"))
	_, err = b.svc.ChangePhase(official, c.ID, consultation.StatusReported, "Raport ustala się osobno.")
	require.ErrorIs(t, err, apperr.Invalid("to", "consultation.phase_invalid"))
	_, resCtx := b.resident(t)
	_, err = b.svc.ChangePhase(resCtx, c.ID, consultation.StatusOpen, "Chcę otworzyć wcześniej.")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.ChangePhase(b.anonymous(), c.ID, consultation.StatusOpen, "Chcę otworzyć wcześniej.")
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	got, err := b.svc.ChangePhase(official, c.ID, consultation.StatusOpen, "Otwieramy wcześniej na prośbę rady dzielnicy.")
	require.NoError(t, err)
	require.Equal(t, consultation.StatusOpen, got.Status)
	_, err = b.svc.ChangePhase(official, c.ID, consultation.StatusAnnounced, "Cofamy się, bo tak.")
	require.ErrorIs(t, err, apperr.Invalid("to", "consultation.phase_invalid"))
	_, err = b.svc.ChangePhase(official, c.ID, consultation.StatusClosed, "Zamykamy wcześniej: projekt wycofany.")
	require.NoError(t, err)

	// A second consultation whose opening is moved after publication: the
	// job for the old time finds a different time and does nothing.
	moved := soonDraft(t, b, official, time.Second, 2*time.Second)
	_, err = b.svc.Publish(official, moved.ID, fourOverrides)
	require.NoError(t, err)
	_, err = b.pool.Exec(b.ctx, `update consultations set opens_at = opens_at + interval '1 day',
		closes_at = closes_at + interval '30 days' where id = $1`, moved.ID)
	require.NoError(t, err)

	b.startWorkers(t)
	require.Eventually(t, func() bool {
		var done int
		err := b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and state = 'completed'`,
			consultation.JobPhase).Scan(&done)
		return err == nil && done == 4
	}, 40*time.Second, 100*time.Millisecond)

	require.Equal(t, []string{
		"draft→announced by staff ()",
		"announced→open by staff (Otwieramy wcześniej na prośbę rady dzielnicy.)",
		"open→closed by staff (Zamykamy wcześniej: projekt wycofany.)",
	}, phaseTrail(t, b, official, c.ID))
	got, err = b.svc.Get(official, moved.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.StatusAnnounced, got.Status)
	require.Equal(t, []string{"draft→announced by staff ()"}, phaseTrail(t, b, official, moved.ID))

	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'consultation.phase'
		and object_id = $1 and reason <> ''`, c.ID.String()).Scan(&audited))
	require.Equal(t, 2, audited)
}

func TestOpening_TellsEachFollowerOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.consultationIn(t, consultation.StatusAnnounced)
	follower, followerCtx := b.resident(t)
	_, bystander := b.resident(t)
	bystanderID := authz.SubjectFrom(bystander).AccountID
	require.NoError(t, b.svc.Follow(followerCtx, c.ID))
	require.NoError(t, b.svc.Follow(followerCtx, c.ID))

	_, err := b.svc.ChangePhase(b.official(t), c.ID, consultation.StatusOpen, "Otwieramy konsultacje dziś")
	require.NoError(t, err)
	jobs := b.deliverJobs(t, consultation.NoticeConsultationOpened, follower)
	require.Len(t, jobs, 1)
	require.Equal(t, c.ID.String(), jobs[0]["consultation_id"])
	require.Empty(t, b.deliverJobs(t, consultation.NoticeConsultationOpened, bystanderID))
}

func TestOpening_TellsThoseFollowingItsDistrictsOrTopics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.consultationIn(t, consultation.StatusAnnounced)
	_, err := b.pool.Exec(b.ctx, `update consultations set districts = '{podgorze}', tags = '{migracja}' where id = $1`, c.ID)
	require.NoError(t, err)
	district, districtCtx := b.resident(t)
	topic, topicCtx := b.resident(t)
	both, bothCtx := b.resident(t)
	other, otherCtx := b.resident(t)
	set := func(ctx context.Context, in consultation.Interests) {
		t.Helper()
		_, err := b.svc.SetInterests(ctx, in)
		require.NoError(t, err)
	}
	set(districtCtx, consultation.Interests{Districts: []string{"podgorze"}})
	set(topicCtx, consultation.Interests{Tags: []string{"migracja"}})
	set(bothCtx, consultation.Interests{Districts: []string{"podgorze"}, Tags: []string{"migracja"}})
	require.NoError(t, b.svc.Follow(bothCtx, c.ID))
	set(otherCtx, consultation.Interests{Districts: []string{"nowa-huta"}, Tags: []string{"sport"}})
	got, err := b.svc.MyInterests(bothCtx)
	require.NoError(t, err)
	require.Equal(t, consultation.Interests{Districts: []string{"podgorze"}, Tags: []string{"migracja"}}, got)
	_, err = b.svc.SetInterests(otherCtx, consultation.Interests{Districts: []string{"atlantyda"}})
	requireCode(t, apperr.InvalidInput, err)
	_, err = b.svc.SetInterests(b.anonymous(), consultation.Interests{})
	requireCode(t, apperr.Unauthenticated, err)

	_, err = b.svc.ChangePhase(b.official(t), c.ID, consultation.StatusOpen, "Otwieramy konsultacje dziś")
	require.NoError(t, err)
	for id, want := range map[uuid.UUID]int{district: 1, topic: 1, both: 1, other: 0} {
		require.Len(t, b.deliverJobs(t, consultation.NoticeConsultationOpened, id), want)
	}
}
