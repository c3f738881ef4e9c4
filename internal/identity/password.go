package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters. They are configuration: a
// hash records the parameters it was made with (PHC string format), so they
// can be raised later and old hashes still verify (and are upgraded at the
// next successful sign-in).
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// ProductionArgon2 returns the production parameters: argon2id with 64 MiB,
// 3 passes and 4 lanes, the "second recommended option" of RFC 9106 §4 (for
// servers that cannot spend 2 GiB per hash). It is stronger than every
// argon2id configuration on OWASP's Password Storage Cheat Sheet (minimum
// m=19 MiB, t=2, p=1) while keeping memory per hash bounded, so that
// Config.MaxConcurrentHashes × 64 MiB is the worst case a sign-in flood costs.
func ProductionArgon2() Argon2Params {
	return Argon2Params{MemoryKiB: 64 * 1024, Time: 3, Threads: 4}
}

// TestArgon2 returns parameters cheap enough for tests. Never use them in
// production.
func TestArgon2() Argon2Params {
	return Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
}

const (
	saltLen = 16 // 128-bit salt (RFC 9106)
	keyLen  = 32 // 256-bit tag (RFC 9106)
	// Limits on parameters read back from stored hashes: a corrupt or hostile
	// row must not make one verification allocate gigabytes.
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
)

var b64 = base64.RawStdEncoding // the PHC string format's base64: standard alphabet, no padding

// hasher derives argon2id hashes with at most cap(sem) running at once.
// Waiting for a slot respects ctx, so a flood of sign-ins queues (and gives
// up with its requests) instead of exhausting memory.
type hasher struct {
	params Argon2Params
	sem    chan struct{}
	// hook, when set (tests only), runs while a slot is held.
	hook func()
}

func newHasher(p Argon2Params, maxConcurrent int) *hasher {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &hasher{params: p, sem: make(chan struct{}, maxConcurrent)}
}

func (h *hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("password hashing: %w", err)
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for password hashing: %w", ctx.Err())
	}
}

func (h *hasher) release() { <-h.sem }

// derive runs argon2id under the concurrency cap.
func (h *hasher) derive(ctx context.Context, password string, salt []byte, p Argon2Params, n uint32) ([]byte, error) {
	if err := h.acquire(ctx); err != nil {
		return nil, err
	}
	defer h.release()
	if h.hook != nil {
		h.hook()
	}
	return argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, n), nil
}

// hash returns the PHC string of password with a fresh salt.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key, err := h.derive(ctx, password, salt, h.params, keyLen)
	if err != nil {
		return "", err
	}
	return encodePHC(h.params, salt, key), nil
}

// verify reports whether password matches the PHC string encoded, and
// whether the hash should be replaced because its parameters are outdated.
func (h *hasher) verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got, err := h.derive(ctx, password, salt, p, uint32(len(want)))
	if err != nil {
		return false, false, err
	}
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, ok && (p != h.params || len(salt) != saltLen || len(want) != keyLen), nil
}

// dummyHash returns a well-formed hash with the current parameters that no
// password matches. Verifying against it costs exactly what verifying a real
// account's password costs, so an unknown e-mail takes as long as a wrong
// password.
func (h *hasher) dummyHash() string {
	salt := make([]byte, saltLen)
	key := make([]byte, keyLen)
	_, _ = rand.Read(salt)
	_, _ = rand.Read(key)
	return encodePHC(h.params, salt, key)
}

func encodePHC(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("malformed password hash")

// decodePHC parses "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>".
func decodePHC(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", errBadHash, parts[2])
	}
	seen := 0
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return p, nil, nil, errBadHash
		}
		var bits int
		switch k {
		case "m", "t":
			bits = 32
		case "p":
			bits = 8
		default:
			return p, nil, nil, errBadHash
		}
		n, err := strconv.ParseUint(v, 10, bits)
		if err != nil {
			return p, nil, nil, errBadHash
		}
		switch k {
		case "m":
			p.MemoryKiB = uint32(n)
			seen |= 1
		case "t":
			p.Time = uint32(n)
			seen |= 2
		case "p":
			p.Threads = uint8(n)
			seen |= 4
		}
	}
	if seen != 7 || p.Time < 1 || p.Time > maxTime || p.Threads < 1 ||
		p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB {
		return p, nil, nil, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
