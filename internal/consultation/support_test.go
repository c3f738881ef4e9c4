package consultation_test

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/consultation"
)

func TestSupport_FiftyConcurrentCallsCountOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	supporterID, supporter := b.resident(t)
	sub := b.postulate(t, author, c.ID)

	var wg sync.WaitGroup
	errs := make([]error, 50)
	counts := make([]int, 50)
	for i := range 50 {
		wg.Go(func() {
			s, err := b.svc.Support(supporter, sub.ID)
			errs[i] = err
			if err == nil {
				counts[i] = s.SupportCount
			}
		})
	}
	wg.Wait()
	for i := range 50 {
		require.NoError(t, errs[i])
		require.Equal(t, 1, counts[i], "every call answers the same state")
	}
	var rows, count int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select (select count(*) from supports where kind = 'submission' and object_id = $1),
		(select support_count from submissions where id = $1)`, sub.ID).Scan(&rows, &count))
	require.Equal(t, 1, rows)
	require.Equal(t, 1, count)

	m, err := b.svc.SupportedBy(b.ctx, supporterID, []uuid.UUID{sub.ID, uuid.New()})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID]bool{sub.ID: true}, m)

	s, err := b.svc.Unsupport(supporter, sub.ID)
	require.NoError(t, err)
	require.Zero(t, s.SupportCount)
	s, err = b.svc.Unsupport(supporter, sub.ID)
	require.NoError(t, err, "unsupporting twice changes nothing")
	require.Zero(t, s.SupportCount)
	m, err = b.svc.SupportedBy(b.ctx, supporterID, []uuid.UUID{sub.ID})
	require.NoError(t, err)
	require.Empty(t, m)
}

func TestSupport_ManyAccountsConcurrently(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	sub := b.postulate(t, author, c.ID)
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range 20 {
		_, ctx := b.resident(t)
		wg.Go(func() {
			_, errs[i] = b.svc.Support(ctx, sub.ID)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	got, err := b.svc.GetSubmission(author, sub.ID)
	require.NoError(t, err)
	require.Equal(t, 20, got.SupportCount)
}

func TestSupport_Rules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, author := b.resident(t)
	_, other := b.resident(t)
	sub := b.postulate(t, author, c.ID)

	_, err := b.svc.Support(b.anonymous(), sub.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	unconfirmed := b.account(t, "u-"+uuid.NewString()[:8]+"@otwarty.test", false)
	_, err = b.svc.Support(b.as(unconfirmed, false), sub.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.Support(author, sub.ID)
	require.ErrorIs(t, err, consultation.ErrOwnSubmission)
	_, err = b.svc.Support(other, uuid.New())
	require.ErrorIs(t, err, apperr.ErrNotFound)

	_, err = b.pool.Exec(b.ctx, `update consultations set status = 'closed' where id = $1`, c.ID)
	require.NoError(t, err)
	_, err = b.svc.Support(other, sub.ID)
	require.ErrorIs(t, err, consultation.ErrPhaseClosed)
	_, err = b.svc.Unsupport(other, sub.ID)
	require.ErrorIs(t, err, consultation.ErrPhaseClosed)
}
