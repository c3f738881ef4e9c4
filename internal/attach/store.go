package attach

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
)

// Store keeps the bytes of attachments by id. Put and Delete run in the
// transaction that writes the metadata, so that PGStore never leaves one
// without the other. An object store would put the bytes before the
// transaction commits (an object left by a rollback has no metadata and can
// be swept) and delete them after it commits (tx.OnCommit).
type Store interface {
	Put(ctx context.Context, tx *db.Tx, id uuid.UUID, data []byte) error
	Get(ctx context.Context, q db.Querier, id uuid.UUID) ([]byte, error)
	Delete(ctx context.Context, tx *db.Tx, id uuid.UUID) error
}

// PGStore keeps the bytes in PostgreSQL (attachment_blobs).
type PGStore struct{}

// Put stores the bytes of attachment id.
func (PGStore) Put(ctx context.Context, tx *db.Tx, id uuid.UUID, data []byte) error {
	if _, err := tx.Exec(ctx, `insert into attachment_blobs (attachment_id, content) values ($1, $2)`, id, data); err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	return nil
}

// Get reads the bytes of attachment id.
func (PGStore) Get(ctx context.Context, q db.Querier, id uuid.UUID) ([]byte, error) {
	var data []byte
	err := q.QueryRow(ctx, `select content from attachment_blobs where attachment_id = $1`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read attachment: %w", err)
	}
	return data, nil
}

// Delete removes the bytes of attachment id (nothing when there are none).
func (PGStore) Delete(ctx context.Context, tx *db.Tx, id uuid.UUID) error {
	if _, err := tx.Exec(ctx, `delete from attachment_blobs where attachment_id = $1`, id); err != nil {
		return fmt.Errorf("delete attachment bytes: %w", err)
	}
	return nil
}
