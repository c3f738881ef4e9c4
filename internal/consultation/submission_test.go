package consultation_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/page"
)

// postulate submits a Polish postulate to cid as the caller in ctx.
func (b *bundle) postulate(t *testing.T, ctx context.Context, cid uuid.UUID) *consultation.Submission {
	t.Helper()
	sub, err := b.svc.Submit(ctx, consultation.SubmitInput{ConsultationID: cid, Kind: consultation.KindPostulate,
		Locale: i18n.PL, Text: "Więcej informacji po ukraińsku w urzędzie."})
	require.NoError(t, err)
	return sub
}

// seasonedResident is a confirmed account created three days ago: its flags
// count towards automatic hiding.
func (b *bundle) seasonedResident(t *testing.T) (uuid.UUID, context.Context) {
	t.Helper()
	id, ctx := b.resident(t)
	_, err := b.pool.Exec(b.ctx, `update accounts set created_at = now() - interval '3 days' where id = $1`, id)
	require.NoError(t, err)
	return id, ctx
}

// deliverJobs returns the data of the notify.deliver jobs of kind for accountID.
func (b *bundle) deliverJobs(t *testing.T, kind string, accountID uuid.UUID) []map[string]string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select coalesce(args->'data', '{}'::jsonb) from river_job
		where kind = $1 and args->>'kind' = $2 and args->>'account_id' = $3 order by id`,
		notify.JobDeliver, kind, accountID.String())
	require.NoError(t, err)
	defer rows.Close()
	var out []map[string]string
	for rows.Next() {
		var d map[string]string
		require.NoError(t, rows.Scan(&d))
		out = append(out, d)
	}
	require.NoError(t, rows.Err())
	return out
}

func requireCode(t *testing.T, code apperr.Code, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, apperr.CodeOf(err), "%v", err)
}

func TestSubmit_OnlyWhileOpen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, ctx := b.resident(t)
	official := b.official(t) // sees drafts, so a draft answers PHASE_CLOSED, not NOT_FOUND
	for _, status := range []consultation.Status{consultation.StatusDraft, consultation.StatusAnnounced, consultation.StatusClosed, consultation.StatusReported} {
		c := b.consultationIn(t, status)
		_, err := b.svc.Submit(official, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "x"})
		requireCode(t, apperr.PhaseClosed, err)
		if status != consultation.StatusDraft {
			_, err = b.svc.Submit(ctx, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "x"})
			require.ErrorIs(t, err, consultation.ErrPhaseClosed, status)
		}
	}
	// A resident does not learn that a draft exists.
	_, err := b.svc.Submit(ctx, consultation.SubmitInput{ConsultationID: b.consultationIn(t, consultation.StatusDraft).ID,
		Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "x"})
	requireCode(t, apperr.NotFound, err)
}

func TestSubmit_NeedsConfirmedSignedInCaller(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	in := consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "x"}

	_, err := b.svc.Submit(b.anonymous(), in)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	// Anonymous is refused before anything is looked at, even a missing consultation.
	_, err = b.svc.Submit(b.anonymous(), consultation.SubmitInput{ConsultationID: uuid.New()})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	unconfirmed := b.account(t, "new-"+uuid.NewString()[:8]+"@otwarty.test", false)
	_, err = b.svc.Submit(b.as(unconfirmed, false), in)
	require.ErrorIs(t, err, apperr.ErrForbidden)

	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from submissions where consultation_id = $1`, c.ID).Scan(&n))
	require.Zero(t, n)
}

func TestSubmit_FormsSectionsAndReplies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	authorID, author := b.resident(t)
	replierID, replier := b.resident(t)

	var section uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select id from consultation_sections where consultation_id = $1`, c.ID).Scan(&section))

	_, err := b.svc.Submit(author, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindComment, Locale: i18n.PL, Text: "x"})
	require.ErrorIs(t, err, consultation.ErrSectionInvalid)
	other := b.openConsultation(t)
	var otherSection uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select id from consultation_sections where consultation_id = $1`, other.ID).Scan(&otherSection))
	_, err = b.svc.Submit(author, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindComment, SectionID: &otherSection, Locale: i18n.PL, Text: "x"})
	require.ErrorIs(t, err, consultation.ErrSectionInvalid)

	comment, err := b.svc.Submit(author, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindComment, SectionID: &section, Locale: i18n.UK, Text: "Коментар"})
	require.NoError(t, err)
	require.Equal(t, consultation.KindComment, comment.Kind)
	require.Equal(t, &section, comment.SectionID)
	require.Equal(t, authorID, comment.AuthorID)
	require.Equal(t, consultation.SubmissionVisible, comment.Status)

	reply, err := b.svc.Submit(replier, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, ParentID: &comment.ID, Locale: i18n.EN, Text: "Agreed"})
	require.NoError(t, err)
	require.Equal(t, consultation.KindComment, reply.Kind, "a reply takes its parent's kind")
	require.Equal(t, &comment.ID, reply.ParentID)
	got, err := b.svc.GetSubmission(author, comment.ID)
	require.NoError(t, err)
	require.Equal(t, 1, got.ReplyCount)

	jobs := b.deliverJobs(t, consultation.NoticeSubmissionReply, authorID)
	require.Len(t, jobs, 1)
	require.Equal(t, reply.ID.String(), jobs[0]["reply_id"])
	require.Empty(t, b.deliverJobs(t, consultation.NoticeSubmissionReply, replierID))

	// A reply must stay in its consultation.
	_, err = b.svc.Submit(replier, consultation.SubmitInput{ConsultationID: other.ID, ParentID: &comment.ID, Locale: i18n.EN, Text: "x"})
	require.ErrorIs(t, err, consultation.ErrParentInvalid)

	// Without the form, no submission of that kind.
	_, err = b.pool.Exec(b.ctx, `update consultations set forms = array['meeting', 'survey', 'section_comments'] where id = $1`, c.ID)
	require.NoError(t, err)
	_, err = b.svc.Submit(author, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "x"})
	require.ErrorIs(t, err, consultation.ErrFormNotOffered)
}

func TestEdit_OnlyOwnerWithinWindow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	_, other := b.resident(t)
	sub := b.postulate(t, author, c.ID)

	_, err := b.svc.Edit(other, sub.ID, i18n.PL, "cudze słowa")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Edit(b.official(t), sub.ID, i18n.PL, "słowa urzędnika")
	require.ErrorIs(t, err, apperr.ErrForbidden, "officials never edit residents' words")

	b.clock.Advance(29 * time.Minute)
	edited, err := b.svc.Edit(author, sub.ID, i18n.PL, "Poprawiony postulat.")
	require.NoError(t, err)
	require.NotNil(t, edited.EditedAt)
	texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{sub.TextID})
	require.NoError(t, err)
	require.Equal(t, "Poprawiony postulat.", texts[sub.TextID].Resolve(i18n.PL).Text)

	b.clock.Advance(2 * time.Minute)
	_, err = b.svc.Edit(author, sub.ID, i18n.PL, "Za późno.")
	require.ErrorIs(t, err, consultation.ErrEditWindowOver)
}

func TestWithdraw_HidesFromOthersAndIsIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	_, other := b.resident(t)
	sub := b.postulate(t, author, c.ID)

	_, err := b.svc.Withdraw(other, sub.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	w, err := b.svc.Withdraw(author, sub.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.SubmissionWithdrawn, w.Status)
	w, err = b.svc.Withdraw(author, sub.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.SubmissionWithdrawn, w.Status)

	_, err = b.svc.GetSubmission(other, sub.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.GetSubmission(author, sub.ID)
	require.NoError(t, err)
}

func TestEnterOnBehalf_ReceivedInsideOpenWindow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	staffID, staff := b.officialID(t)
	_, resident := b.resident(t)
	in := consultation.EnterInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, AuthorName: "Jan Kowalski",
		ReceivedAt: c.OpensAt.Add(time.Hour), Channel: consultation.ChannelPaper, Locale: i18n.PL, Text: "Wniosek złożony na papierze."}

	_, err := b.svc.EnterOnBehalf(resident, in)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.EnterOnBehalf(b.anonymous(), in)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	early := in
	early.ReceivedAt = c.OpensAt.Add(-time.Minute)
	_, err = b.svc.EnterOnBehalf(staff, early)
	require.ErrorIs(t, err, consultation.ErrReceivedAt)
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "receivedAt", e.Field)

	sub, err := b.svc.EnterOnBehalf(staff, in)
	require.NoError(t, err)
	require.Equal(t, uuid.Nil, sub.AuthorID)
	require.Equal(t, "Jan Kowalski", sub.AuthorName)
	require.Equal(t, &staffID, sub.StaffEnteredBy)
	require.WithinDuration(t, in.ReceivedAt, sub.ReceivedAt, time.Microsecond)

	// After the close too, with a date inside the window; not after the report.
	_, err = b.pool.Exec(b.ctx, `update consultations set status = 'closed' where id = $1`, c.ID)
	require.NoError(t, err)
	_, err = b.svc.EnterOnBehalf(staff, in)
	require.NoError(t, err)
	_, err = b.pool.Exec(b.ctx, `update consultations set status = 'reported' where id = $1`, c.ID)
	require.NoError(t, err)
	_, err = b.svc.EnterOnBehalf(staff, in)
	require.ErrorIs(t, err, consultation.ErrPhaseClosed)

	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'submission.enter_on_behalf' and actor_id = $1`, staffID).Scan(&audited))
	require.Equal(t, 2, audited)
}

func TestHiddenSubmission_InvisibleOnEveryReadPath(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	_, other := b.resident(t)
	_, moderator := b.staff(t, authz.RoleModerator, consultation.Domain(c.ID))
	official := b.official(t)
	otherC := b.openConsultation(t)
	_, foreignModerator := b.staff(t, authz.RoleModerator, consultation.Domain(otherC.ID))

	visible := b.postulate(t, author, c.ID)
	hidden := b.postulate(t, author, c.ID)
	_, err := b.svc.Hide(moderator, hidden.ID, "offensive", "")
	require.NoError(t, err)

	for name, ctx := range map[string]context.Context{"resident": other, "anonymous": b.anonymous(), "foreign moderator": foreignModerator} {
		_, err := b.svc.GetSubmission(ctx, hidden.ID)
		require.ErrorIs(t, err, apperr.ErrNotFound, name)
		m, err := b.svc.SubmissionsByIDs(ctx, []uuid.UUID{visible.ID, hidden.ID})
		require.NoError(t, err)
		require.Len(t, m, 1, name)
		require.Contains(t, m, visible.ID)
		pg1, err := b.svc.Submissions(ctx, c.ID, consultation.SubmissionFilter{}, 10, "")
		list, more, total := pg1.Items, pg1.HasNext, pg1.Total
		require.NoError(t, err)
		require.False(t, more)
		require.Equal(t, 1, total, name)
		require.Len(t, list, 1, name)
		require.Equal(t, visible.ID, list[0].ID)
	}
	for name, ctx := range map[string]context.Context{"author": author, "moderator": moderator, "official": official} {
		got, err := b.svc.GetSubmission(ctx, hidden.ID)
		require.NoError(t, err, name)
		require.Equal(t, consultation.SubmissionHidden, got.Status)
		m, err := b.svc.SubmissionsByIDs(ctx, []uuid.UUID{visible.ID, hidden.ID})
		require.NoError(t, err)
		require.Len(t, m, 2, name)
		pg2, err := b.svc.Submissions(ctx, c.ID, consultation.SubmissionFilter{}, 10, "")
		list, total := pg2.Items, pg2.Total
		require.NoError(t, err)
		require.Equal(t, 2, total, name)
		require.Len(t, list, 2, name)
	}
}

func TestSubmissions_PagesWithKeysetCursor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	var want []uuid.UUID
	for range 5 {
		want = append(want, b.postulate(t, author, c.ID).ID)
		b.clock.Advance(time.Second)
	}
	var got []uuid.UUID
	after := ""
	for {
		pg3, err := b.svc.Submissions(b.anonymous(), c.ID, consultation.SubmissionFilter{}, 2, after)
		page, more, total := pg3.Items, pg3.HasNext, pg3.Total
		require.NoError(t, err)
		require.Equal(t, 5, total)
		for _, s := range page {
			got = append(got, s.ID)
		}
		if !more {
			break
		}
		after = consultation.SubmissionCursor(page[len(page)-1])
	}
	require.Equal(t, want, got)

	_, err := b.svc.Submissions(b.anonymous(), c.ID, consultation.SubmissionFilter{}, 101, "")
	requireCode(t, apperr.InvalidInput, err)
	_, err = b.svc.Submissions(b.anonymous(), c.ID, consultation.SubmissionFilter{}, 10, "garbage")
	requireCode(t, apperr.InvalidInput, err)
}

func TestSubmissionMessageKeys_InCatalog(t *testing.T) {
	t.Parallel()
	for _, err := range []*apperr.Error{consultation.ErrPhaseClosed, consultation.ErrFormNotOffered, consultation.ErrEditWindowOver,
		consultation.ErrOwnSubmission, consultation.ErrNotActive, consultation.ErrReasonInvalid, consultation.ErrReceivedAt,
		consultation.ErrParentInvalid, consultation.ErrSectionInvalid} {
		require.True(t, i18n.Has(err.Key), err.Key)
	}
	for _, k := range []string{"submission.kind_invalid", "submission.channel_invalid", "submission.author_name_invalid"} {
		require.True(t, i18n.Has(k), k)
	}
}

func TestReplies_ABusyThreadNotifiesOncePerHour(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	authorID, authorCtx := b.seasonedResident(t)
	parent := b.postulate(t, authorCtx, c.ID)
	reply := func() {
		_, ctx := b.seasonedResident(t)
		_, err := b.svc.Submit(ctx, consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, ParentID: &parent.ID,
			Locale: i18n.PL, Text: "Zgadzam się z tym postulatem"})
		require.NoError(t, err)
	}
	for range 5 {
		reply()
	}
	require.Len(t, b.deliverJobs(t, consultation.NoticeSubmissionReply, authorID), 1, "five replies within the hour: one notice")
	b.clock.Advance(time.Hour)
	reply()
	require.Len(t, b.deliverJobs(t, consultation.NoticeSubmissionReply, authorID), 2, "a reply in the next hour: a new notice")
}

// TestRepliesOf_PerParentWithTheListsVisibility: the replies of several
// items in one read, oldest first, at most perParent each, hidden ones only
// for their author and moderators, none under a parent the caller may not
// see and none of another consultation's items.
func TestRepliesOf_PerParentWithTheListsVisibility(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	other := b.openConsultation(t)
	_, author := b.resident(t)
	_, replier := b.resident(t)
	_, reader := b.resident(t)
	_, moderator := b.staff(t, authz.RoleModerator, consultation.Domain(c.ID))
	reply := func(parent *consultation.Submission, text string) *consultation.Submission {
		sub, err := b.svc.Submit(replier, consultation.SubmitInput{ConsultationID: parent.ConsultationID, ParentID: &parent.ID, Locale: i18n.PL, Text: text})
		require.NoError(t, err)
		return sub
	}
	p1, p2, p3 := b.postulate(t, author, c.ID), b.postulate(t, author, c.ID), b.postulate(t, author, c.ID)
	r11, r12, r13 := reply(p1, "pierwsza"), reply(p1, "druga"), reply(p1, "trzecia")
	r21 := reply(p2, "ukryta")
	_, err := b.svc.Hide(moderator, r21.ID, "spam", "")
	require.NoError(t, err)
	reply(p3, "pod ukrytym")
	_, err = b.svc.Hide(moderator, p3.ID, "offensive", "")
	require.NoError(t, err)
	foreign := b.postulate(t, author, other.ID)
	reply(foreign, "obca")

	ids := func(subs []*consultation.Submission) []uuid.UUID {
		out := []uuid.UUID{}
		for _, s := range subs {
			out = append(out, s.ID)
		}
		return out
	}
	// The list's order: oldest first, then by id (two replies may be made
	// within the clock's resolution).
	thread := []*consultation.Submission{r11, r12, r13}
	sort.Slice(thread, func(i, j int) bool {
		a, b := thread[i], thread[j]
		return a.CreatedAt.Before(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID.String() < b.ID.String()
	})
	parents := []uuid.UUID{p1.ID, p2.ID, p3.ID, foreign.ID}
	got, err := b.svc.RepliesOf(reader, c.ID, parents, 2)
	require.NoError(t, err)
	require.Equal(t, ids(thread[:2]), ids(got[p1.ID]))
	require.Len(t, got, 1, "nothing under a hidden parent, a hidden reply or another consultation's item")

	got, err = b.svc.RepliesOf(replier, c.ID, parents, 5)
	require.NoError(t, err)
	require.Equal(t, ids(thread), ids(got[p1.ID]))
	require.Equal(t, []uuid.UUID{r21.ID}, ids(got[p2.ID]), "its author sees the hidden reply")
	require.Len(t, got, 2, "not under a parent hidden from the replier")

	got, err = b.svc.RepliesOf(moderator, c.ID, parents, 5)
	require.NoError(t, err)
	require.Len(t, got, 3, "a moderator sees hidden items and their replies")

	_, err = b.svc.RepliesOf(reader, c.ID, parents, page.MaxSize+1)
	requireCode(t, apperr.InvalidInput, err)
	draft := b.consultationIn(t, consultation.StatusDraft)
	_, err = b.svc.RepliesOf(reader, draft.ID, nil, 5)
	require.ErrorIs(t, err, apperr.ErrNotFound)
}
