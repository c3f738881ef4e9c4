package live

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// waitFor bounds every wait in these tests; it is a guard against hangs, not
// a performance assertion.
const waitFor = 15 * time.Second

type fixture struct {
	ctx  context.Context
	url  string
	pool *pgxpool.Pool
}

func setup(t *testing.T) *fixture {
	t.Helper()
	url := pgtest.URL(t)
	pool, err := db.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return &fixture{ctx: t.Context(), url: url, pool: pool}
}

// startBroker runs a broker on url until the test ends and waits until its
// LISTEN is active. Hooks must be given here, before Run can reconnect.
func startBroker(t *testing.T, url string, onReconnect ...func()) *Broker {
	t.Helper()
	b := NewBroker(url, nil)
	for _, f := range onReconnect {
		b.OnReconnect(f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(waitFor):
			t.Error("broker did not stop")
		}
	})
	select {
	case <-b.Ready():
	case err := <-done:
		t.Fatalf("broker stopped before LISTEN: %v", err)
	case <-time.After(waitFor):
		t.Fatal("broker not ready")
	}
	return b
}

func (f *fixture) publish(t *testing.T, topic string, data any) {
	t.Helper()
	require.NoError(t, db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
		return Publish(f.ctx, tx.Tx, topic, data)
	}))
}

func receive(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		require.True(t, ok, "channel closed")
		return e
	case <-time.After(waitFor):
		t.Fatal("no event")
		return Event{}
	}
}

func seq(t *testing.T, e Event) int {
	t.Helper()
	var n int
	require.NoError(t, json.Unmarshal(e.Data, &n))
	return n
}
