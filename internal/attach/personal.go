package attach

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// PersonalData is attach's part of a person's data (identity.PersonalData):
// the metadata of the files they uploaded, whatever their owner. Erasure
// forgets the uploader; the files stay with their owner, whose domain
// decides (e.g. an erased nominee's nomination loses its files).
type PersonalData struct{}

// PersonalData returns attach's identity.PersonalData.
func (s *Service) PersonalData() PersonalData { return PersonalData{} }

// Name is the export section.
func (PersonalData) Name() string { return "attachments" }

type personalAttachment struct {
	ID          uuid.UUID `json:"id"`
	OwnerKind   string    `json:"ownerKind"`
	OwnerID     uuid.UUID `json:"ownerId"`
	Purpose     string    `json:"purpose"`
	FileName    string    `json:"fileName"`
	ContentType string    `json:"contentType"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploadedAt"`
}

// Export lists the files the person uploaded (metadata, not the bytes).
func (PersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	rows, err := tx.Query(ctx, `select `+attachmentCols+` from attachments where uploaded_by = $1 order by uploaded_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export attachments: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Attachment, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("export attachments: %w", err)
	}
	out := make([]personalAttachment, 0, len(list))
	for _, a := range list {
		out = append(out, personalAttachment{ID: a.ID, OwnerKind: a.Owner.Kind, OwnerID: a.Owner.ID, Purpose: a.Purpose,
			FileName: a.FileName, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256Hex(), UploadedAt: a.UploadedAt})
	}
	return out, nil
}

// Erase forgets the person as the uploader.
func (PersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `update attachments set uploaded_by = null where uploaded_by = $1`, accountID); err != nil {
		return fmt.Errorf("erase uploader: %w", err)
	}
	return nil
}
