package ballotbox_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	key1 = []byte(strings.Repeat("first-secret-", 3))
	key2 = []byte(strings.Repeat("second-secret-", 3))
)

// recorder is an opener that keeps what it was given, per box.
type recorder struct {
	mu     sync.Mutex
	opened map[uuid.UUID][][]string
	fail   error
}

func (r *recorder) open(_ context.Context, _ *db.Tx, scope uuid.UUID, contents [][]byte) error {
	if r.fail != nil {
		return r.fail
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var batch []string
	for _, c := range contents {
		batch = append(batch, string(c))
	}
	r.opened[scope] = append(r.opened[scope], batch)
	return nil
}

type bundle struct {
	ctx  context.Context
	pool *pgxpool.Pool
	box  *ballotbox.Box
	rec  *recorder
}

func setup(t *testing.T, cfg ballotbox.Config) *bundle {
	t.Helper()
	pool := pgtest.Pool(t)
	box, err := ballotbox.New(pool, cfg, nil)
	require.NoError(t, err)
	rec := &recorder{opened: map[uuid.UUID][][]string{}}
	box.Handle("test", rec.open)
	return &bundle{ctx: context.Background(), pool: pool, box: box, rec: rec}
}

func (b *bundle) put(t *testing.T, box *ballotbox.Box, scope uuid.UUID, contents ...string) {
	t.Helper()
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		for _, c := range contents {
			if err := box.Put(b.ctx, tx, "test", scope, []byte(c)); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (b *bundle) mix(box *ballotbox.Box, scope uuid.UUID, all bool) (int, error) {
	var n int
	err := db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		var err error
		n, err = box.Mix(b.ctx, tx, "test", scope, all)
		return err
	})
	return n, err
}

func (b *bundle) pending(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from ballot_envelopes`).Scan(&n))
	return n
}

func TestNew_RefusesAShortKey(t *testing.T) {
	t.Parallel()
	_, err := ballotbox.New(nil, ballotbox.Config{Key: []byte("short"), KeyID: "k1"}, nil)
	require.EqualError(t, err, "ballotbox: a key of at least 32 bytes and its id are needed")
	_, err = ballotbox.New(nil, ballotbox.Config{Key: key1}, nil)
	require.EqualError(t, err, "ballotbox: a key of at least 32 bytes and its id are needed")
	box, err := ballotbox.New(nil, ballotbox.Config{Key: key1, KeyID: "k1"}, nil)
	require.NoError(t, err)
	require.Equal(t, ballotbox.DefaultBatch, box.Batch())
}

func TestMix_WaitsForABatchThenOpensInSealingOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, ballotbox.Config{Key: key1, KeyID: "k1", Batch: 3})
	scope, other := uuid.New(), uuid.New()
	b.put(t, b.box, scope, "one", "two")
	b.put(t, b.box, other, "elsewhere")

	n, err := b.mix(b.box, scope, false)
	require.NoError(t, err)
	require.Zero(t, n, "two of three: not yet")
	b.box.MixIfFull(b.ctx, "test", scope)
	require.Empty(t, b.rec.opened)

	b.put(t, b.box, scope, "three")
	b.box.MixIfFull(b.ctx, "test", scope)
	require.Equal(t, map[uuid.UUID][][]string{scope: {{"one", "two", "three"}}}, b.rec.opened)
	require.Equal(t, 1, b.pending(t), "the other box keeps its envelope")

	// all: whatever the box holds, however few.
	n, err = b.mix(b.box, other, true)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, [][]string{{"elsewhere"}}, b.rec.opened[other])
	n, err = b.mix(b.box, other, true)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Zero(t, b.pending(t))
}

func TestMixFull_MixesOnlyFullBoxes(t *testing.T) {
	t.Parallel()
	b := setup(t, ballotbox.Config{Key: key1, KeyID: "k1", Batch: 2})
	full, short := uuid.New(), uuid.New()
	b.put(t, b.box, full, "a", "b", "c")
	b.put(t, b.box, short, "x")

	n, err := b.box.MixFull(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, map[uuid.UUID][][]string{full: {{"a", "b", "c"}}}, b.rec.opened)
	require.Equal(t, 1, b.pending(t))
}

func TestMix_AFailingOpenerLeavesTheEnvelopes(t *testing.T) {
	t.Parallel()
	b := setup(t, ballotbox.Config{Key: key1, KeyID: "k1", Batch: 1})
	scope := uuid.New()
	b.put(t, b.box, scope, "kept")
	b.rec.fail = errors.New("disk full")
	_, err := b.mix(b.box, scope, true)
	require.EqualError(t, err, "disk full")
	require.Equal(t, 1, b.pending(t))

	b.rec.fail = nil
	n, err := b.mix(b.box, scope, true)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, [][]string{{"kept"}}, b.rec.opened[scope])
}

func TestMix_AnEnvelopeMovedToAnotherBoxDoesNotOpen(t *testing.T) {
	t.Parallel()
	b := setup(t, ballotbox.Config{Key: key1, KeyID: "k1", Batch: 1})
	from, to := uuid.New(), uuid.New()
	b.put(t, b.box, from, "for one box")
	_, err := b.pool.Exec(b.ctx, `update ballot_envelopes set scope = $1`, to)
	require.NoError(t, err)

	_, err = b.mix(b.box, to, true)
	require.ErrorContains(t, err, "ballotbox: open envelope: cipher: message authentication failed")
	require.Equal(t, 1, b.pending(t))
	require.Empty(t, b.rec.opened)
}

func TestMix_OpensWhatARetiredKeySealed(t *testing.T) {
	t.Parallel()
	b := setup(t, ballotbox.Config{Key: key1, KeyID: "k1", Batch: 10})
	scope := uuid.New()
	b.put(t, b.box, scope, "under k1")

	// Without the old key, the envelope is refused and kept.
	rotatedOnly, err := ballotbox.New(b.pool, ballotbox.Config{Key: key2, KeyID: "k2"}, nil)
	require.NoError(t, err)
	rotatedOnly.Handle("test", b.rec.open)
	_, err = b.mix(rotatedOnly, scope, true)
	require.EqualError(t, err, `ballotbox: envelope sealed with unknown key "k1"`)
	require.Equal(t, 1, b.pending(t))

	rotated, err := ballotbox.New(b.pool, ballotbox.Config{Key: key2, KeyID: "k2", Previous: map[string][]byte{"k1": key1}}, nil)
	require.NoError(t, err)
	rotated.Handle("test", b.rec.open)
	b.put(t, rotated, scope, "under k2")
	n, err := b.mix(rotated, scope, true)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, [][]string{{"under k1", "under k2"}}, b.rec.opened[scope])
}

func TestMix_UnknownKindIsAnError(t *testing.T) {
	t.Parallel()
	b := setup(t, ballotbox.Config{Key: key1, KeyID: "k1"})
	err := db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		_, err := b.box.Mix(b.ctx, tx, "nobody", uuid.New(), true)
		return err
	})
	require.EqualError(t, err, `ballotbox: no opener for "nobody"`)
}
