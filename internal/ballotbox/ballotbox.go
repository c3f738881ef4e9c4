// Package ballotbox keeps secret ballots unlinkable from their voters, in
// the database as well as through the API.
//
// A domain records that someone voted (its "has voted" marker) and, in the
// same transaction, drops the ballot's contents into the box sealed: a row
// written in a transaction carries that transaction's id (xmin) for as long
// as it exists, frozen or not, so contents written next to the marker could
// be joined to it by anyone holding the database, a backup or a replica. A
// sealed envelope is encrypted with a key the database does not hold.
//
// Mixing opens the envelopes of one box together, many per transaction, and
// hands their contents to the domain's Opener, which writes them in an order
// that says nothing about when they came in (by a random id). After mixing,
// a ballot's row shares its transaction id with a batch of at least
// Config.Batch ballots (all that were pending), its physical place follows
// that order, and it keeps no time finer than what the domain stores (the
// day). The envelopes are deleted.
//
// A box is mixed when it holds Config.Batch envelopes (right after the cast
// that fills it, and by a periodic job for anything missed), and completely
// when the domain needs its contents (at the close of a vote, before
// counting): Mix with all set.
package ballotbox

import (
	"cmp"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/db"
)

// DefaultBatch is how many envelopes a box gathers before they are mixed.
const DefaultBatch = 20

// Config configures a Box.
type Config struct {
	// Key is the secret the sealing key is derived from (at least 32
	// bytes; the server's identifier key), KeyID names it; envelopes keep
	// the id, so that Previous keys still open what they sealed.
	Key      []byte
	KeyID    string
	Previous map[string][]byte
	// Batch is how many envelopes a box gathers before they are mixed
	// (DefaultBatch when zero): every mixed ballot is one of at least
	// Batch written together. Live standings lag by fewer ballots.
	Batch int
}

// Opener writes the opened contents of one box's envelopes, in the order
// they were sealed, in tx. It must write them in an order unrelated to the
// one it is given.
type Opener func(ctx context.Context, tx *db.Tx, scope uuid.UUID, contents [][]byte) error

// Box seals and mixes ballot contents.
type Box struct {
	pool  *pgxpool.Pool
	log   *slog.Logger
	batch int
	keyID string
	aeads map[string]cipher.AEAD

	mu      sync.RWMutex
	openers map[string]Opener
}

// New returns a box on pool.
func New(pool *pgxpool.Pool, cfg Config, log *slog.Logger) (*Box, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Key) < 32 || cfg.KeyID == "" {
		return nil, errors.New("ballotbox: a key of at least 32 bytes and its id are needed")
	}
	b := &Box{pool: pool, log: log, batch: cfg.Batch, keyID: cfg.KeyID, aeads: map[string]cipher.AEAD{},
		openers: map[string]Opener{}}
	if b.batch <= 0 {
		b.batch = DefaultBatch
	}
	keys := map[string][]byte{cfg.KeyID: cfg.Key}
	for id, k := range cfg.Previous {
		if id != cfg.KeyID {
			keys[id] = k
		}
	}
	for id, k := range keys {
		aead, err := sealer(k)
		if err != nil {
			return nil, err
		}
		b.aeads[id] = aead
	}
	return b, nil
}

// sealer derives the sealing key from the server's secret, so that the
// secret itself never encrypts anything.
func sealer(secret []byte) (cipher.AEAD, error) {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("otwarty ballot box seal v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("ballotbox: %w", err)
	}
	return cipher.NewGCM(block)
}

// Handle registers the opener of kind's boxes. Every instance registers the
// same kinds.
func (b *Box) Handle(kind string, open Opener) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.openers[kind] = open
}

// Batch is how many envelopes a box gathers before they are mixed.
func (b *Box) Batch() int { return b.batch }

// aad binds an envelope to its box: it cannot be moved to another one.
func aad(kind string, scope uuid.UUID) []byte { return []byte(kind + "\x00" + scope.String()) }

// Put seals contents into the box (kind, scope) in tx, the transaction that
// records the vote.
func (b *Box) Put(ctx context.Context, tx *db.Tx, kind string, scope uuid.UUID, contents []byte) error {
	keyID, sealed, err := b.Seal(kind, scope, contents)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `insert into ballot_envelopes (kind, scope, key_id, sealed) values ($1, $2, $3, $4)`,
		kind, scope, keyID, sealed); err != nil {
		return fmt.Errorf("ballotbox: put: %w", err)
	}
	return nil
}

// Seal returns contents sealed for the box (kind, scope) and the id of the
// key that sealed them, for a domain that writes the envelope row
// (ballot_envelopes: kind, scope, key_id, sealed) in a statement of its own
// with the vote's marker, as Put would.
func (b *Box) Seal(kind string, scope uuid.UUID, contents []byte) (keyID string, sealed []byte, err error) {
	aead := b.aeads[b.keyID]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(contents)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("ballotbox: nonce: %w", err)
	}
	return b.keyID, aead.Seal(nonce, nonce, contents, aad(kind, scope)), nil
}

// Mix opens the envelopes of the box (kind, scope) that tx sees and hands
// them to the kind's opener, in tx: all of them when all is set, otherwise
// only when there are at least Batch. It returns how many it mixed.
// Mixing one box is serial across instances (an advisory lock held until
// tx ends).
func (b *Box) Mix(ctx context.Context, tx *db.Tx, kind string, scope uuid.UUID, all bool) (int, error) {
	b.mu.RLock()
	open := b.openers[kind]
	b.mu.RUnlock()
	if open == nil {
		return 0, fmt.Errorf("ballotbox: no opener for %q", kind)
	}
	if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock(hashtextextended('ballotbox:' || $1 || ':' || $2::text, 0))`,
		kind, scope); err != nil {
		return 0, fmt.Errorf("ballotbox: lock: %w", err)
	}
	if !all {
		var n int
		if err := tx.QueryRow(ctx, `select count(*) from ballot_envelopes where kind = $1 and scope = $2`,
			kind, scope).Scan(&n); err != nil {
			return 0, fmt.Errorf("ballotbox: count: %w", err)
		}
		if n < b.batch {
			return 0, nil
		}
	}
	rows, err := tx.Query(ctx, `delete from ballot_envelopes where kind = $1 and scope = $2 returning seq, key_id, sealed`,
		kind, scope)
	if err != nil {
		return 0, fmt.Errorf("ballotbox: take: %w", err)
	}
	type envelope struct {
		seq    int64
		keyID  string
		sealed []byte
	}
	envs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (envelope, error) {
		var e envelope
		return e, r.Scan(&e.seq, &e.keyID, &e.sealed)
	})
	if err != nil {
		return 0, fmt.Errorf("ballotbox: take: %w", err)
	}
	if len(envs) == 0 {
		return 0, nil
	}
	slices.SortFunc(envs, func(x, y envelope) int { return cmp.Compare(x.seq, y.seq) })
	contents := make([][]byte, len(envs))
	for i, e := range envs {
		aead := b.aeads[e.keyID]
		if aead == nil {
			return 0, fmt.Errorf("ballotbox: envelope sealed with unknown key %q", e.keyID)
		}
		n := aead.NonceSize()
		if len(e.sealed) < n {
			return 0, errors.New("ballotbox: envelope too short")
		}
		plain, err := aead.Open(nil, e.sealed[:n], e.sealed[n:], aad(kind, scope))
		if err != nil {
			return 0, fmt.Errorf("ballotbox: open envelope: %w", err)
		}
		contents[i] = plain
	}
	if err := open(ctx, tx, scope, contents); err != nil {
		return 0, err
	}
	return len(envs), nil
}

// MixIfFull mixes the box in a transaction of its own when it holds a
// batch; casting calls it after its commit. A failure is logged: the
// envelopes stay, and the periodic job or the next cast mixes them.
func (b *Box) MixIfFull(ctx context.Context, kind string, scope uuid.UUID) {
	ctx = context.WithoutCancel(ctx)
	err := db.InTx(ctx, b.pool, func(tx *db.Tx) error {
		_, err := b.Mix(ctx, tx, kind, scope, false)
		return err
	})
	if err != nil {
		b.log.ErrorContext(ctx, "ballot box: mix", "kind", kind, "scope", scope, "err", err)
	}
}

// MixFull mixes every box that holds a batch, one transaction per box.
func (b *Box) MixFull(ctx context.Context) (int, error) {
	rows, err := b.pool.Query(ctx, `select kind, scope from ballot_envelopes group by kind, scope having count(*) >= $1
		order by kind, scope`, b.batch)
	if err != nil {
		return 0, fmt.Errorf("ballotbox: full boxes: %w", err)
	}
	type box struct {
		kind  string
		scope uuid.UUID
	}
	boxes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (box, error) {
		var x box
		return x, r.Scan(&x.kind, &x.scope)
	})
	if err != nil {
		return 0, fmt.Errorf("ballotbox: full boxes: %w", err)
	}
	total := 0
	for _, x := range boxes {
		err := db.InTx(ctx, b.pool, func(tx *db.Tx) error {
			n, err := b.Mix(ctx, tx, x.kind, x.scope, false)
			total += n
			return err
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// MixArgs is the periodic job that mixes full boxes the casts left (a
// crash between a cast's commit and its mix).
type MixArgs struct{}

// Kind names the job.
func (MixArgs) Kind() string { return "ballotbox.mix" }

type mixWorker struct {
	river.WorkerDefaults[MixArgs]
	b *Box
}

func (w *mixWorker) Work(ctx context.Context, _ *river.Job[MixArgs]) error {
	_, err := w.b.MixFull(ctx)
	return err
}

// Register adds the mixing worker.
func (b *Box) Register(workers *river.Workers) { river.AddWorker(workers, &mixWorker{b: b}) }

// PeriodicJob mixes full boxes every minute (on the leader only).
func (b *Box) PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return MixArgs{}, nil },
		&river.PeriodicJobOpts{ID: "ballotbox.mix"})
}
