package identity

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPHC_RoundTripAndParameterChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := newHasher(Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 1)
	encoded, err := old.hash(ctx, "zażółć gęślą jaźń")
	require.NoError(t, err)
	require.Regexp(t, `^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`, encoded)

	again, err := old.hash(ctx, "zażółć gęślą jaźń")
	require.NoError(t, err)
	require.NotEqual(t, encoded, again, "every hash has its own salt")

	ok, rehash, err := old.verify(ctx, "zażółć gęślą jaźń", encoded)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, rehash)

	// New parameters still verify old hashes, and ask for an upgrade.
	stronger := newHasher(Argon2Params{MemoryKiB: 256, Time: 2, Threads: 2}, 1)
	ok, rehash, err = stronger.verify(ctx, "zażółć gęślą jaźń", encoded)
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, rehash)

	ok, rehash, err = stronger.verify(ctx, "zazolc gesla jazn", encoded)
	require.NoError(t, err)
	require.False(t, ok)
	require.False(t, rehash)

	// A well-formed dummy hash matches nothing.
	ok, _, err = old.verify(ctx, "", old.dummyHash())
	require.NoError(t, err)
	require.False(t, ok)
}

func TestPHC_RejectsMalformedAndHostileHashes(t *testing.T) {
	t.Parallel()
	h := newHasher(TestArgon2(), 1)
	for _, s := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", // 4 TiB
		"$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFz",
	} {
		_, _, err := h.verify(context.Background(), "password", s)
		require.ErrorIs(t, err, errBadHash, s)
	}
}

// With every slot taken, a hash waits; it gives up when its context ends
// instead of adding to the memory in use.
func TestHasher_CapsConcurrentHashing(t *testing.T) {
	t.Parallel()
	const slots = 2
	h := newHasher(TestArgon2(), slots)
	var inFlight, peak atomic.Int32
	entered := make(chan struct{}, 16)
	release := make(chan struct{})
	h.hook = func() {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release
		inFlight.Add(-1)
	}

	var wg sync.WaitGroup
	errs := make([]error, slots)
	for i := range slots {
		wg.Go(func() { _, errs[i] = h.hash(context.Background(), "password") })
	}
	for range slots {
		<-entered
	}
	require.Len(t, h.sem, slots)

	// Both slots are held until release: this one cannot start.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := h.hash(ctx, "password")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	_, _, err = h.verify(ctx, "password", h.dummyHash())
	require.ErrorIs(t, err, context.DeadlineExceeded)

	close(release)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, slots, peak.Load())
	require.Empty(t, h.sem)

	// Many at once never exceed the cap.
	peak.Store(0)
	for range 20 {
		wg.Go(func() { _, _ = h.hash(context.Background(), "password") })
	}
	wg.Wait()
	require.LessOrEqual(t, peak.Load(), int32(slots))
}

func TestService_SignInWaitsForAHashingSlot(t *testing.T) {
	t.Parallel()
	s := New(nil, Config{Argon2: TestArgon2(), MaxConcurrentHashes: 1}, nil, nil)
	s.hasher.sem <- struct{}{} // the one slot is busy
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	// Unknown e-mail path: no database is needed before the hash, and the
	// dummy verification waits for the slot like a real one.
	_, _, err := s.SignIn(ctx, "not an address", "password", ClientMeta{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
