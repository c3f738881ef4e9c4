package live

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
)

func TestPublish_DeliversCommittedEventWithExactTopicAndData(t *testing.T) {
	t.Parallel()
	f := setup(t)
	b := startBroker(t, f.url)
	ch := b.Subscribe(f.ctx, "consultation:42")
	other := b.Subscribe(f.ctx, "consultation:43")

	type changed struct {
		ID    string `json:"id"`
		Count int    `json:"count"`
	}
	f.publish(t, "consultation:42", changed{ID: "42", Count: 7})

	require.Equal(t, Event{
		Topic: "consultation:42",
		Data:  []byte(`{"id":"42","count":7}`),
	}, receive(t, ch))

	// The other topic's first event is its own: nothing leaked across.
	f.publish(t, "consultation:43", 1)
	require.Equal(t, Event{Topic: "consultation:43", Data: []byte(`1`)}, receive(t, other))
}

func TestPublish_RolledBackTransactionDeliversNothing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	b := startBroker(t, f.url)
	ch := b.Subscribe(f.ctx, "edition:1")

	boom := errors.New("boom")
	err := db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
		require.NoError(t, Publish(f.ctx, tx.Tx, "edition:1", "rolled back"))
		return boom
	})
	require.ErrorIs(t, err, boom)
	f.publish(t, "edition:1", "committed")

	e := receive(t, ch)
	require.JSONEq(t, `"committed"`, string(e.Data))
	require.Zero(t, e.Missed)
}

func TestPublish_RefusesPayloadOverNotifyLimit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	b := startBroker(t, f.url)
	ch := b.Subscribe(f.ctx, "t")

	// The envelope {"t":"t","d":"…"} adds 16 bytes to the string.
	largest := strings.Repeat("x", maxPayload-1-16)
	f.publish(t, "t", largest)
	require.Len(t, receive(t, ch).Data, len(largest)+2)

	err := db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
		return Publish(f.ctx, tx.Tx, "t", largest+"x")
	})
	require.ErrorIs(t, err, ErrPayloadTooLarge)

	// Our limit is the server's: one byte more is what PostgreSQL refuses.
	_, err = f.pool.Exec(f.ctx, "select pg_notify('otwarty_live', repeat('x', $1))", maxPayload)
	require.ErrorContains(t, err, "payload string too long")
}

func TestBroker_SkipsMalformedNotification(t *testing.T) {
	t.Parallel()
	f := setup(t)
	b := startBroker(t, f.url)
	ch := b.Subscribe(f.ctx, "t")

	_, err := f.pool.Exec(f.ctx, "select pg_notify('otwarty_live', 'not json')")
	require.NoError(t, err)
	f.publish(t, "t", "after")

	require.JSONEq(t, `"after"`, string(receive(t, ch).Data))
}

func TestBroker_EveryInstanceReceivesEvent(t *testing.T) {
	t.Parallel()
	f := setup(t)
	first := startBroker(t, f.url)
	second := startBroker(t, f.url)
	ch1 := first.Subscribe(f.ctx, "turnout:9")
	ch2 := second.Subscribe(f.ctx, "turnout:9")

	f.publish(t, "turnout:9", 1234)

	want := Event{Topic: "turnout:9", Data: []byte(`1234`)}
	require.Equal(t, want, receive(t, ch1))
	require.Equal(t, want, receive(t, ch2))
}

func TestBroker_SlowSubscriberDoesNotBlockFastOneAndCoalesces(t *testing.T) {
	t.Parallel()
	f := setup(t)
	b := startBroker(t, f.url)
	slow := b.Subscribe(f.ctx, "t")
	fast := b.Subscribe(f.ctx, "t")
	barrier := b.Subscribe(f.ctx, "barrier")

	// Each event reaches the fast subscriber before the next is published,
	// while the slow one reads nothing.
	const published = 3*bufferSize + 5
	for i := 1; i <= published; i++ {
		f.publish(t, "t", i)
		e := receive(t, fast)
		require.Equal(t, i, seq(t, e))
		require.Zero(t, e.Missed)
	}
	// The listener handles notifications in order, so once the barrier
	// arrives every event above has been handed to the slow subscriber too.
	f.publish(t, "barrier", 0)
	receive(t, barrier)

	// The slow subscriber gets the newest bufferSize events; the first one
	// carries the exact count of those dropped.
	first := receive(t, slow)
	require.Equal(t, published-bufferSize+1, seq(t, first))
	require.Equal(t, published-bufferSize, first.Missed)
	for i := published - bufferSize + 2; i <= published; i++ {
		e := receive(t, slow)
		require.Equal(t, i, seq(t, e))
		require.Zero(t, e.Missed)
	}
	// Nothing else was queued: the next event is the next one published.
	f.publish(t, "t", published+1)
	e := receive(t, slow)
	require.Equal(t, published+1, seq(t, e))
	require.Zero(t, e.Missed)
}

func TestBroker_ReconnectsAfterConnectionIsKilled(t *testing.T) {
	t.Parallel()
	f := setup(t)
	reconnected := make(chan struct{}, 1)
	b := startBroker(t, f.url, func() {
		select {
		case reconnected <- struct{}{}:
		default:
		}
	})
	ch := b.Subscribe(f.ctx, "t")

	listenerPIDs := func() []int32 {
		rows, err := f.pool.Query(f.ctx, `select pid from pg_stat_activity
			where datname = current_database() and application_name = $1`, applicationName)
		require.NoError(t, err)
		pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		require.NoError(t, err)
		return pids
	}
	before := listenerPIDs()
	require.Len(t, before, 1)
	_, err := f.pool.Exec(f.ctx, "select pg_terminate_backend($1)", before[0])
	require.NoError(t, err)

	select {
	case <-reconnected:
	case <-time.After(waitFor):
		t.Fatal("reconnect hook did not fire")
	}
	after := listenerPIDs()
	require.Len(t, after, 1)
	require.NotEqual(t, before[0], after[0])

	f.publish(t, "t", "after reconnect")
	e := receive(t, ch)
	require.JSONEq(t, `"after reconnect"`, string(e.Data))
}

func TestSubscribe_CancelledSubscribersCloseAndLeaveNoGoroutines(t *testing.T) {
	t.Parallel()
	f := setup(t)
	b := startBroker(t, f.url)
	baseline := runtime.NumGoroutine()

	// Half the subscribers read (their events go straight through), half
	// never do (their events wait with a pump goroutine running).
	const subscribers = 200
	ctxs := make([]context.Context, subscribers)
	cancels := make([]context.CancelFunc, subscribers)
	chans := make([]<-chan Event, subscribers)
	got := make(chan struct{}, subscribers)
	var readers sync.WaitGroup
	for i := range subscribers {
		ctxs[i], cancels[i] = context.WithCancel(f.ctx)
		chans[i] = b.Subscribe(ctxs[i], "t")
		if i%2 == 0 {
			readers.Go(func() {
				for range chans[i] {
					got <- struct{}{}
				}
			})
		}
	}
	f.publish(t, "t", 1)
	for range subscribers / 2 {
		select {
		case <-got:
		case <-time.After(waitFor):
			t.Fatal("readers did not get the event")
		}
	}

	var cancelling sync.WaitGroup
	for _, cancel := range cancels {
		cancelling.Go(cancel)
	}
	cancelling.Wait()

	readers.Wait() // their channels closed

	// Nobody reads the other half any more, as when a client has gone: their
	// pumps must still end. Other tests run in parallel, so allow some slack;
	// a leak here would be a hundred goroutines or more.
	deadline := time.Now().Add(waitFor)
	for runtime.NumGoroutine() > baseline+20 {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines: %d, baseline %d", runtime.NumGoroutine(), baseline)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := 1; i < subscribers; i += 2 {
		requireClosed(t, chans[i])
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	require.Empty(t, b.topics)
}

// requireClosed waits for ch to close; a subscriber may still receive the
// event queued before its context ended.
func requireClosed(t *testing.T, ch <-chan Event) {
	t.Helper()
	timeout := time.After(waitFor)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("channel not closed")
		}
	}
}

func TestSubscribe_AlreadyCancelledContextClosesChannel(t *testing.T) {
	t.Parallel()
	b := NewBroker("", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	requireClosed(t, b.Subscribe(ctx, "t"))
}

func TestRun_RefusesInvalidURLAndSecondRun(t *testing.T) {
	t.Parallel()
	require.Error(t, NewBroker("postgres://%zz", nil).Run(t.Context()))

	f := setup(t)
	b := startBroker(t, f.url)
	require.ErrorContains(t, b.Run(t.Context()), "already running")
}

// TestSubscriber_KeepsOrderAndExactMissedUnderConcurrency races a producer
// against receivers of different speeds: every received event must say
// exactly how many were dropped since the previous one, and the last event
// published must always arrive.
func TestSubscriber_KeepsOrderAndExactMissedUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := NewBroker("", nil)
	const published = 20000
	pauses := []time.Duration{0, time.Microsecond, 20 * time.Microsecond, 200 * time.Microsecond}
	var wg sync.WaitGroup
	for _, pause := range pauses {
		ch := b.Subscribe(t.Context(), "t")
		wg.Go(func() {
			prev, received := 0, 0
			for e := range ch {
				n, err := strconv.Atoi(string(e.Data))
				if err != nil || n <= prev || n-prev-1 != e.Missed {
					t.Errorf("pause %v: event %d after %d has Missed %d", pause, n, prev, e.Missed)
					return
				}
				prev = n
				received++
				if n == published {
					t.Logf("pause %v: received %d of %d", pause, received, published)
					return
				}
				if pause > 0 {
					time.Sleep(pause)
				}
			}
		})
	}
	for i := 1; i <= published; i++ {
		b.fanOut(Event{Topic: "t", Data: []byte(fmt.Sprint(i))})
		if i%1000 == 0 {
			runtime.Gosched()
		}
	}
	wg.Wait()
}
