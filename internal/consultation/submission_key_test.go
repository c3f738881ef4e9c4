package consultation_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
)

// countBy counts the submissions of author in consultation cid.
func (b *bundle) countBy(t *testing.T, cid, author uuid.UUID) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from submissions where consultation_id = $1 and author_id = $2`,
		cid, author).Scan(&n))
	return n
}

func TestSubmit_KeyMakesARetryReturnTheSameSubmission(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	authorID, author := b.resident(t)
	const key = "retry-key-0123456789"
	in := consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.PL,
		Text: "Ławki wzdłuż bulwarów.", SubmissionKey: ptr(key)}
	first, err := b.svc.Submit(author, in)
	require.NoError(t, err)
	again, err := b.svc.Submit(author, in)
	require.NoError(t, err)
	require.Equal(t, first.ID, again.ID)
	require.Equal(t, first.TextID, again.TextID)
	require.Equal(t, 1, b.countBy(t, c.ID, authorID))

	// Other content under the key: refused, nothing stored.
	for _, other := range []consultation.SubmitInput{
		{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "Ławki wzdłuż bulwarów!", SubmissionKey: ptr(key)},
		{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.EN, Text: "Ławki wzdłuż bulwarów.", SubmissionKey: ptr(key)},
		{ConsultationID: c.ID, Kind: consultation.KindPostulate, ParentID: &first.ID, Locale: i18n.PL, Text: "Ławki wzdłuż bulwarów.",
			SubmissionKey: ptr(key)},
	} {
		_, err = b.svc.Submit(author, other)
		require.ErrorIs(t, err, consultation.ErrKeyReused)
		require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	}
	require.Equal(t, 1, b.countBy(t, c.ID, authorID))

	// The key is the author's, in one consultation: another resident, or
	// the same one elsewhere, makes a submission of their own with it.
	otherID, other := b.resident(t)
	theirs, err := b.svc.Submit(other, in)
	require.NoError(t, err)
	require.NotEqual(t, first.ID, theirs.ID)
	require.Equal(t, 1, b.countBy(t, c.ID, otherID))
	c2 := b.openConsultation(t)
	in2 := in
	in2.ConsultationID = c2.ID
	elsewhere, err := b.svc.Submit(author, in2)
	require.NoError(t, err)
	require.NotEqual(t, first.ID, elsewhere.ID)
	require.Equal(t, 1, b.countBy(t, c2.ID, authorID))

	// Without a key every call is a new submission, as before.
	in.SubmissionKey = nil
	_, err = b.svc.Submit(author, in)
	require.NoError(t, err)
	require.Equal(t, 2, b.countBy(t, c.ID, authorID))

	// A retry after the close still finds the submission; a new key is
	// refused as before.
	b.closeByHand(t, c.ID)
	in.SubmissionKey = ptr(key)
	late, err := b.svc.Submit(author, in)
	require.NoError(t, err)
	require.Equal(t, first.ID, late.ID)
	in.SubmissionKey = ptr("another-key-0123456789")
	_, err = b.svc.Submit(author, in)
	require.ErrorIs(t, err, consultation.ErrPhaseClosed)

	// Keys shorter than 16 or longer than 200 bytes; an empty key is a
	// given key too (a client bug), not "no key".
	for _, k := range []string{"", "short", string(make([]byte, 201))} {
		in2.SubmissionKey = &k
		_, err = b.svc.Submit(author, in2)
		var ae *apperr.Error
		require.True(t, errors.As(err, &ae), "%v", err)
		require.Equal(t, apperr.InvalidInput, ae.Code)
		require.Equal(t, "submission.key_invalid", ae.Key)
		require.Equal(t, "submissionKey", ae.Field)
		require.Equal(t, map[string]any{"min": 16, "max": 200}, ae.Args)
	}
}

func TestSubmit_ReplyRetriedWithItsKeyNotifiesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	authorID, author := b.resident(t)
	_, replier := b.resident(t)
	parent := b.postulate(t, author, c.ID)
	in := consultation.SubmitInput{ConsultationID: c.ID, ParentID: &parent.ID, Locale: i18n.PL, Text: "Popieram.",
		SubmissionKey: ptr("reply-key-0123456789")}
	reply, err := b.svc.Submit(replier, in)
	require.NoError(t, err)
	again, err := b.svc.Submit(replier, in)
	require.NoError(t, err)
	require.Equal(t, reply.ID, again.ID)
	got, err := b.svc.GetSubmission(author, parent.ID)
	require.NoError(t, err)
	require.Equal(t, 1, got.ReplyCount)
	jobs := b.deliverJobs(t, consultation.NoticeSubmissionReply, authorID)
	require.Len(t, jobs, 1)
	require.Equal(t, reply.ID.String(), jobs[0]["reply_id"])
	var replies int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from submissions where parent_id = $1`, parent.ID).Scan(&replies))
	require.Equal(t, 1, replies)
}

func TestSubmit_ConcurrentRetriesWithOneKeyMakeOneSubmission(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	authorID, author := b.resident(t)
	in := consultation.SubmitInput{ConsultationID: c.ID, Kind: consultation.KindPostulate, Locale: i18n.PL,
		Text: "Więcej drzew.", SubmissionKey: ptr("concurrent-key-0123456789")}
	const n = 16
	ids := make([]uuid.UUID, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sub, err := b.svc.Submit(author, in)
			errs[i] = err
			if err == nil {
				ids[i] = sub.ID
			}
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, ids[0], ids[i])
	}
	require.Equal(t, 1, b.countBy(t, c.ID, authorID))
	var keys int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from submission_keys where submission_id = $1`, ids[0]).Scan(&keys))
	require.Equal(t, 1, keys)
}

func ptr[T any](v T) *T { return &v }
