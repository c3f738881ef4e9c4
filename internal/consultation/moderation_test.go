package consultation_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
)

func TestFlag_AutoHidesAtThresholdOfCountedFlags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t) // threshold 3
	authorID, author := b.resident(t)
	modID, _ := b.staff(t, authz.RoleModerator, consultation.Domain(c.ID))
	sub := b.postulate(t, author, c.ID)

	// A new confirmed account and an old unconfirmed one do not count.
	_, fresh := b.resident(t)
	require.NoError(t, b.svc.Flag(fresh, sub.ID, "spam", ""))
	oldUnconfirmed := b.account(t, "old-"+uuid.NewString()[:8]+"@otwarty.test", false)
	_, err := b.pool.Exec(b.ctx, `update accounts set created_at = now() - interval '3 days' where id = $1`, oldUnconfirmed)
	require.NoError(t, err)
	err = b.svc.Flag(b.as(oldUnconfirmed, false), sub.ID, "spam", "")
	require.ErrorIs(t, err, apperr.ErrForbidden, "flagging needs a confirmed e-mail")

	_, s1 := b.seasonedResident(t)
	_, s2 := b.seasonedResident(t)
	require.NoError(t, b.svc.Flag(s1, sub.ID, "offensive", "obraźliwe"))
	require.NoError(t, b.svc.Flag(s1, sub.ID, "offensive", ""), "a second flag by one account changes nothing")
	require.NoError(t, b.svc.Flag(s2, sub.ID, "offensive", ""))
	got, err := b.svc.GetSubmission(b.anonymous(), sub.ID)
	require.NoError(t, err, "two counted flags of three: still visible")
	require.Equal(t, consultation.SubmissionVisible, got.Status)

	_, err = b.svc.Support(author, sub.ID) // unrelated; own support stays refused
	require.ErrorIs(t, err, consultation.ErrOwnSubmission)
	require.ErrorIs(t, b.svc.Flag(author, sub.ID, "spam", ""), consultation.ErrOwnSubmission)
	require.ErrorIs(t, b.svc.Flag(s1, sub.ID, "nonsense", ""), consultation.ErrReasonInvalid)

	_, s3 := b.seasonedResident(t)
	require.NoError(t, b.svc.Flag(s3, sub.ID, "hate_speech", ""))
	_, err = b.svc.GetSubmission(b.anonymous(), sub.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	got, err = b.svc.GetSubmission(author, sub.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.SubmissionHidden, got.Status)

	pg1, err := b.svc.ModerationLog(b.anonymous(), c.ID, 10, "")
	log, total := pg1.Items, pg1.Total
	require.NoError(t, err)
	require.Equal(t, 1, total)
	require.Equal(t, consultation.ModerationAutoHide, log[0].Action)
	require.Equal(t, consultation.ReasonFlagsThreshold, log[0].Reason)

	decisions := b.deliverJobs(t, consultation.NoticeModerationDecision, authorID)
	require.Len(t, decisions, 1)
	require.Equal(t, consultation.ReasonFlagsThreshold, decisions[0]["reason"])
	require.Len(t, b.deliverJobs(t, consultation.NoticeModerationFlag, modID), 4, "the moderator hears of every new flag")

	// The queue keeps the auto-hidden item until a moderator decides.
	pg2, err := b.svc.FlagQueue(b.official(t), c.ID, 10, "")
	queue, qTotal := pg2.Items, pg2.Total
	require.NoError(t, err)
	require.Equal(t, 1, qTotal)
	require.Equal(t, sub.ID, queue[0].ID)
}

func TestHide_OnlyModeratorsOfThisConsultation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	other := b.openConsultation(t)
	authorID, author := b.resident(t)
	_, resident := b.resident(t)
	_, moderator := b.staff(t, authz.RoleModerator, consultation.Domain(c.ID))
	_, foreign := b.staff(t, authz.RoleModerator, consultation.Domain(other.ID))
	sub := b.postulate(t, author, c.ID)

	_, err := b.svc.Hide(b.anonymous(), sub.ID, "spam", "")
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Hide(resident, sub.ID, "spam", "")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Hide(foreign, sub.ID, "spam", "")
	require.ErrorIs(t, err, apperr.ErrForbidden, "a moderator elsewhere sees the visible item but has no power here")
	_, err = b.svc.FlagQueue(foreign, c.ID, 10, "")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Hide(moderator, sub.ID, "reviewed", "")
	require.ErrorIs(t, err, consultation.ErrReasonInvalid)

	hidden, err := b.svc.Hide(moderator, sub.ID, "personal_data", "Zawierało numer telefonu.")
	require.NoError(t, err)
	require.Equal(t, consultation.SubmissionHidden, hidden.Status)

	// Now hidden: the foreign moderator cannot see it at all.
	_, err = b.svc.GetSubmission(foreign, sub.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Restore(foreign, sub.ID, "")
	require.ErrorIs(t, err, apperr.ErrNotFound)

	restored, err := b.svc.Restore(b.official(t), sub.ID, "Po wyjaśnieniu.")
	require.NoError(t, err)
	require.Equal(t, consultation.SubmissionVisible, restored.Status)

	pg4, err := b.svc.ModerationLog(b.anonymous(), c.ID, 10, "")
	log, total := pg4.Items, pg4.Total
	require.NoError(t, err)
	require.Equal(t, 2, total)
	require.Equal(t, []string{consultation.ModerationRestore, consultation.ModerationHide}, []string{log[0].Action, log[1].Action})
	require.Equal(t, "personal_data", log[1].Reason)
	require.Equal(t, "Zawierało numer telefonu.", log[1].Note)
	require.Equal(t, sub.ID, log[1].SubmissionID)

	decisions := b.deliverJobs(t, consultation.NoticeModerationDecision, authorID)
	require.Len(t, decisions, 2)
	require.Equal(t, "personal_data", decisions[0]["reason"])
	require.Equal(t, consultation.ReasonReviewed, decisions[1]["reason"])

	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where object_id = $1
		and action in ('submission.hide', 'submission.restore')`, sub.ID.String()).Scan(&audited))
	require.Equal(t, 2, audited)
}

func TestHide_ReplyLeavesParentsReplyCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	_, replier := b.resident(t)
	_, moderator := b.staff(t, authz.RoleModerator, consultation.Domain(c.ID))
	parent := b.postulate(t, author, c.ID)
	reply, err := b.svc.Submit(replier, consultation.SubmitInput{ConsultationID: c.ID, ParentID: &parent.ID, Locale: "pl", Text: "Odpowiedź"})
	require.NoError(t, err)
	_, err = b.svc.Hide(moderator, reply.ID, "off_topic", "")
	require.NoError(t, err)
	got, err := b.svc.GetSubmission(author, parent.ID)
	require.NoError(t, err)
	require.Zero(t, got.ReplyCount, "counts include only visible replies")
	pg5, err := b.svc.Submissions(author, c.ID, consultation.SubmissionFilter{ParentID: &parent.ID}, 10, "")
	replies, total := pg5.Items, pg5.Total
	require.NoError(t, err)
	require.Zero(t, total)
	require.Empty(t, replies)
	_, err = b.svc.Restore(moderator, reply.ID, "")
	require.NoError(t, err)
	got, err = b.svc.GetSubmission(author, parent.ID)
	require.NoError(t, err)
	require.Equal(t, 1, got.ReplyCount)
}

func TestModerationLog_DraftIsNotPublic(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.consultationIn(t, consultation.StatusDraft)
	_, err := b.svc.ModerationLog(b.anonymous(), c.ID, 10, "")
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.ModerationLog(b.official(t), c.ID, 10, "")
	require.NoError(t, err)
}

func TestModerators_OfAssignedOrganisationAreNotifiedAndMayHide(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	ngo := b.organisation(t, "ngo")
	memberID, member := b.resident(t)
	_, err := b.pool.Exec(b.ctx, `insert into organisation_members (organisation_id, account_id, role) values ($1, $2, 'moderator')`, ngo, memberID)
	require.NoError(t, err)
	_, err = b.pool.Exec(b.ctx, `insert into group_grants (subject, role, domain) values ($1, 'moderator', $2)`,
		authz.OrgModerators(ngo), consultation.Domain(c.ID))
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))

	_, author := b.resident(t)
	sub := b.postulate(t, author, c.ID)
	_, flagger := b.resident(t)
	require.NoError(t, b.svc.Flag(flagger, sub.ID, "spam", ""))
	jobs := b.deliverJobs(t, consultation.NoticeModerationFlag, memberID)
	require.Len(t, jobs, 1)
	require.Equal(t, sub.ID.String(), jobs[0]["submission_id"])

	_, err = b.svc.Hide(member, sub.ID, "spam", "")
	require.NoError(t, err)
	pg8, err := b.svc.FlagQueue(member, c.ID, 10, "")
	queue, total := pg8.Items, pg8.Total
	require.NoError(t, err)
	require.Zero(t, total, "hiding resolves the open flags")
	require.Empty(t, queue)
}
