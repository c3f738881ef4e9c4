// Package attach is the platform's one attachment mechanism: files (documents,
// photos, scans) that belong to a domain's object. Metadata (owner, file
// name, type, size, SHA-256, who uploaded it and when) is kept in PostgreSQL;
// the bytes are behind Store, kept in PostgreSQL by PGStore, so that an
// object store can take them over later without touching the domains.
//
// The type is sniffed from the bytes, never taken from the client: only
// the types of Limits.Types are accepted, and the file name's extension is
// made to match what was found. attach does not authorise: the owning
// domain checks who may add or remove a file (in its own transaction, with
// its owner row locked), and registers a Guard per owner kind that says who
// may download one.
package attach

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
)

// Limits are the configuration of what is accepted.
type Limits struct {
	// MaxBytes is the largest file.
	MaxBytes int64
	// MaxPerOwner is how many files one owner may hold.
	MaxPerOwner int
	// Types are the accepted sniffed types (a subset of AllTypes).
	Types []string
}

// DefaultLimits: 10 MiB per file, 10 files per owner, every type attach
// can sniff.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 10 << 20, MaxPerOwner: 10, Types: AllTypes}
}

// Owner is the domain object a file belongs to.
type Owner struct {
	Kind string
	ID   uuid.UUID
}

// Attachment is a stored file's metadata.
type Attachment struct {
	ID          uuid.UUID
	Owner       Owner
	Purpose     string
	FileName    string
	ContentType string
	Size        int64
	SHA256      []byte
	UploadedBy  *uuid.UUID
	UploadedAt  time.Time
}

// SHA256Hex is the file's digest in hex.
func (a *Attachment) SHA256Hex() string { return hex.EncodeToString(a.SHA256) }

// File is an upload: the client's file name and the bytes.
type File struct {
	Name    string
	Content io.Reader
}

// Errors a caller can hit.
var (
	ErrTooLarge    = apperr.Invalid("file", "attach.too_large")
	ErrEmpty       = apperr.Invalid("file", "attach.empty")
	ErrType        = apperr.Invalid("file", "attach.type_refused")
	ErrTooMany     = apperr.Invalid("file", "attach.too_many")
	errNoGuard     = errors.New("attach: no guard for the owner kind")
	maxFileNameLen = 255
)

// Guard says whether the caller may download a if nil; an owning domain
// registers one per owner kind (Service.Guard). Any error hides the file.
type Guard func(ctx context.Context, a *Attachment) error

// Service stores and serves attachments.
type Service struct {
	pool   *pgxpool.Pool
	store  Store
	limits Limits
	guards map[string]Guard
	now    func() time.Time
}

// New returns the service; store nil means PGStore.
func New(pool *pgxpool.Pool, store Store, limits Limits) *Service {
	if store == nil {
		store = PGStore{}
	}
	return &Service{pool: pool, store: store, limits: limits, guards: map[string]Guard{}, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Limits are the service's limits.
func (s *Service) Limits() Limits { return s.limits }

// Guard registers who may download the files of an owner kind; call it
// while wiring, before serving.
func (s *Service) Guard(kind string, g Guard) { s.guards[kind] = g }

// Add stores f for owner in tx, uploaded by `by`: it sniffs the type, checks
// the limits (ErrTooLarge, ErrEmpty, ErrType, ErrTooMany, all INVALID_INPUT
// with a message key), and writes the metadata and the bytes. The caller
// has authorised the upload and holds the owner's row lock, so the count
// per owner cannot race; on any error nothing is written (the caller's
// transaction rolls back).
func (s *Service) Add(ctx context.Context, tx *db.Tx, owner Owner, purpose string, f File, by uuid.UUID) (*Attachment, error) {
	data, err := io.ReadAll(io.LimitReader(f.Content, s.limits.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > s.limits.MaxBytes {
		return nil, ErrTooLarge.With(map[string]any{"max": s.limits.MaxBytes >> 20})
	}
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	typ, ok := Sniff(data)
	if !ok || !accepted(s.limits.Types, typ) {
		return nil, ErrType
	}
	var n int
	if err := tx.QueryRow(ctx, `select count(*) from attachments where owner_kind = $1 and owner_id = $2`,
		owner.Kind, owner.ID).Scan(&n); err != nil {
		return nil, fmt.Errorf("count attachments: %w", err)
	}
	if n >= s.limits.MaxPerOwner {
		return nil, ErrTooMany.With(map[string]any{"max": s.limits.MaxPerOwner})
	}
	sum := sha256.Sum256(data)
	var uploader *uuid.UUID
	if by != uuid.Nil {
		uploader = &by
	}
	a := &Attachment{ID: uuid.New(), Owner: owner, Purpose: purpose, FileName: FileName(f.Name, typ), ContentType: typ,
		Size: int64(len(data)), SHA256: sum[:], UploadedBy: uploader, UploadedAt: s.now().UTC().Truncate(time.Microsecond)}
	if _, err := tx.Exec(ctx, `insert into attachments (id, owner_kind, owner_id, purpose, file_name, content_type, size_bytes,
			sha256, uploaded_by, uploaded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		a.ID, owner.Kind, owner.ID, purpose, a.FileName, a.ContentType, a.Size, a.SHA256, a.UploadedBy, a.UploadedAt); err != nil {
		return nil, fmt.Errorf("insert attachment: %w", err)
	}
	if err := s.store.Put(ctx, tx, a.ID, data); err != nil {
		return nil, err
	}
	return a, nil
}

func accepted(types []string, typ string) bool {
	for _, t := range types {
		if t == typ {
			return true
		}
	}
	return false
}

// FileName cleans a client's file name: its base, without control
// characters or separators, at most 255 bytes, with the extension of the
// sniffed type (a PNG sent as "scan.pdf" is kept as "scan.png").
func FileName(name, typ string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '"' || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	ext := extensions[typ]
	stem := name
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		stem = name[:i]
	}
	stem = strings.TrimSpace(strings.Trim(stem, "."))
	if stem == "" {
		stem = "attachment"
	}
	for len(stem)+len(ext) > maxFileNameLen {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	return stem + ext
}

const attachmentCols = `id, owner_kind, owner_id, purpose, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at`

func scan(row pgx.Row) (*Attachment, error) {
	var a Attachment
	err := row.Scan(&a.ID, &a.Owner.Kind, &a.Owner.ID, &a.Purpose, &a.FileName, &a.ContentType, &a.Size, &a.SHA256,
		&a.UploadedBy, &a.UploadedAt)
	return &a, err
}

// Get is a file's metadata, without authorisation (the owning domain's
// business): apperr.ErrNotFound when there is none.
func (s *Service) Get(ctx context.Context, q db.Querier, id uuid.UUID) (*Attachment, error) {
	a, err := scan(q.QueryRow(ctx, `select `+attachmentCols+` from attachments where id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load attachment: %w", err)
	}
	return a, nil
}

// List is the files of owners of one kind, oldest first, by owner (for a
// page of owners at once); purposes narrows them when given.
func (s *Service) List(ctx context.Context, q db.Querier, kind string, owners []uuid.UUID, purposes ...string) (map[uuid.UUID][]*Attachment, error) {
	out := map[uuid.UUID][]*Attachment{}
	if len(owners) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select `+attachmentCols+` from attachments where owner_kind = $1 and owner_id = any($2)
		and (coalesce(cardinality($3::text[]), 0) = 0 or purpose = any($3)) order by uploaded_at, id`, kind, owners, purposes)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Attachment, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	for _, a := range list {
		out[a.Owner.ID] = append(out[a.Owner.ID], a)
	}
	return out, nil
}

// Remove deletes a file (metadata and bytes) in tx; the caller has
// authorised it.
func (s *Service) Remove(ctx context.Context, tx *db.Tx, id uuid.UUID) error {
	if err := s.store.Delete(ctx, tx, id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `delete from attachments where id = $1`, id); err != nil {
		return fmt.Errorf("delete attachment: %w", err)
	}
	return nil
}

// RemoveOwned deletes every file of the owners in tx (e.g. when their
// owner's personal data is erased).
func (s *Service) RemoveOwned(ctx context.Context, tx *db.Tx, kind string, owners []uuid.UUID) error {
	rows, err := tx.Query(ctx, `select id from attachments where owner_kind = $1 and owner_id = any($2)`, kind, owners)
	if err != nil {
		return fmt.Errorf("list attachments: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("list attachments: %w", err)
	}
	for _, id := range ids {
		if err := s.Remove(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// Download is a file the caller may download: its metadata and bytes.
type Download struct {
	*Attachment
	Content []byte
}

// Open returns a file for download if its owner kind's guard lets the
// caller see it; otherwise, as for a file that does not exist,
// apperr.ErrNotFound.
func (s *Service) Open(ctx context.Context, id uuid.UUID) (*Download, error) {
	a, err := s.Get(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	g := s.guards[a.Owner.Kind]
	if g == nil {
		return nil, fmt.Errorf("%w: %s", errNoGuard, a.Owner.Kind)
	}
	if err := g(ctx, a); err != nil {
		switch apperr.CodeOf(err) {
		case apperr.NotFound, apperr.Forbidden, apperr.Unauthenticated:
			return nil, apperr.ErrNotFound
		}
		return nil, err
	}
	data, err := s.store.Get(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	return &Download{Attachment: a, Content: data}, nil
}
