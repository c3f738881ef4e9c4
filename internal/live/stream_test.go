package live

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestStream_SlowReaderKeepsTheNewestValues(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	s := NewStream(t.Context(), reg, StreamOptions[int]{Field: "test", Decide: func() View { return 1 }, Buffer: 3})
	for i := 1; i <= 10; i++ {
		require.True(t, s.Offer(i))
	}
	require.Equal(t, []int{8, 9, 10}, []int{<-s.C(), <-s.C(), <-s.C()})
	require.Equal(t, 1, reg.Len())
}

func TestStream_HiddenFromTheStartIsNotStarted(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	require.Nil(t, NewStream(t.Context(), reg, StreamOptions[int]{Decide: func() View { return Hidden }}))
	require.Zero(t, reg.Len())
}

func TestRegistry_RefreshEndsStreamsWhoseViewBecameHidden(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	var allowed atomic.Bool
	allowed.Store(true)
	var revoked, left atomic.Int32
	onEnd := func(r bool) {
		if r {
			revoked.Add(1)
		} else {
			left.Add(1)
		}
	}
	losing := NewStream(t.Context(), reg, StreamOptions[int]{Decide: func() View {
		if allowed.Load() {
			return 2
		}
		return Hidden
	}, OnEnd: onEnd})
	keeping := NewStream(t.Context(), reg, StreamOptions[int]{Decide: func() View { return 1 }, OnEnd: onEnd})
	require.Equal(t, View(2), losing.View())

	allowed.Store(false)
	reg.RefreshNow()
	_, open := <-losing.C()
	require.False(t, open, "the stream ended")
	require.False(t, losing.Offer(1), "nothing is sent after the end")
	require.Equal(t, int32(1), revoked.Load())
	require.Equal(t, 1, reg.Len())
	require.True(t, keeping.Offer(7))
	require.Equal(t, 7, <-keeping.C())
}

func TestStream_EndsWithItsContextAndLeavesItsFeed(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	var attached, detached atomic.Int32
	fan := NewFanout(reg, func(key string, feed *Feed[string]) (func(), error) {
		attached.Add(1)
		return func() { detached.Add(1) }, nil
	})
	ctx, cancel := context.WithCancel(t.Context())
	a, err := fan.Subscribe(ctx, "k", StreamOptions[string]{Decide: func() View { return 1 }})
	require.NoError(t, err)
	b, err := fan.Subscribe(t.Context(), "k", StreamOptions[string]{Decide: func() View { return 2 }})
	require.NoError(t, err)
	require.Equal(t, int32(1), attached.Load(), "one source per key")

	// One value per view, made once per view however many streams share it.
	var made atomic.Int32
	fan.feeds["k"].Publish(func(v View) (string, bool) {
		made.Add(1)
		return map[View]string{1: "turnout", 2: "standings"}[v], true
	}, true)
	require.Equal(t, "turnout", <-a.C())
	require.Equal(t, "standings", <-b.C())
	require.Equal(t, int32(2), made.Load())
	latest, ok := fan.Latest("k", 2)
	require.True(t, ok)
	require.Equal(t, "standings", latest)

	cancel()
	deadline := time.Now().Add(waitFor)
	for reg.Len() != 1 {
		require.True(t, time.Now().Before(deadline))
		time.Sleep(time.Millisecond)
	}
	_, open := <-a.C()
	require.False(t, open)
	require.Equal(t, int32(0), detached.Load(), "the key still has a stream")
	b.End(false)
	require.Equal(t, int32(1), detached.Load())
	require.Zero(t, fan.Keys())
	require.Zero(t, reg.Len())
}
