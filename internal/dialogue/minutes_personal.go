package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// MinutesPersonalData is the minutes' share of a person's data for the
// GDPR export and erasure (identity.PersonalData): the comments they wrote
// on draft minutes, and the versions of drafts they made.
//
// Erasure deletes the comments on drafts not yet approved (they were the
// person's words on a text still being written, never published) and
// anonymises those on approved minutes (kept as part of the record of how
// the minutes were approved, without the author); the versions they made
// lose their author (the account's name is gone with it), and the minutes
// they approved keep the approval without the name.
type MinutesPersonalData struct{ m *Minutes }

// PersonalData returns the minutes' identity.PersonalData.
func (m *Minutes) PersonalData() MinutesPersonalData { return MinutesPersonalData{m: m} }

// Name is the export section.
func (MinutesPersonalData) Name() string { return "dialogueMinutes" }

// MinutesExportData is what MinutesPersonalData.Export returns.
type MinutesExportData struct {
	Comments []PersonalMinutesComment `json:"comments"`
	Versions []PersonalMinutesVersion `json:"versions"`
}

// PersonalMinutesComment is one of the person's comments.
type PersonalMinutesComment struct {
	CommentID uuid.UUID  `json:"commentId"`
	MeetingID uuid.UUID  `json:"meetingId"`
	Version   int        `json:"version"`
	Text      string     `json:"text"`
	CreatedAt time.Time  `json:"createdAt"`
	EditedAt  *time.Time `json:"editedAt"`
}

// PersonalMinutesVersion is a version of a draft the person made.
type PersonalMinutesVersion struct {
	MeetingID uuid.UUID `json:"meetingId"`
	Version   int       `json:"version"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"createdAt"`
}

// Export reads the person's comments and versions, oldest first.
func (MinutesPersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	out := MinutesExportData{}
	rows, err := tx.Query(ctx, `select id, meeting_id, version, body, created_at, edited_at from dialogue_minutes_comments
		where author_id = $1 order by created_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export minutes comments: %w", err)
	}
	out.Comments, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PersonalMinutesComment, error) {
		var c PersonalMinutesComment
		return c, r.Scan(&c.CommentID, &c.MeetingID, &c.Version, &c.Text, &c.CreatedAt, &c.EditedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export minutes comments: %w", err)
	}
	rows, err = tx.Query(ctx, `select meeting_id, version, source, created_at from dialogue_minutes_versions
		where author_id = $1 order by created_at, meeting_id, version`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export minutes versions: %w", err)
	}
	out.Versions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PersonalMinutesVersion, error) {
		var v PersonalMinutesVersion
		return v, r.Scan(&v.MeetingID, &v.Version, &v.Source, &v.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export minutes versions: %w", err)
	}
	if out.Comments == nil {
		out.Comments = []PersonalMinutesComment{}
	}
	if out.Versions == nil {
		out.Versions = []PersonalMinutesVersion{}
	}
	return out, nil
}

// Erase deletes or anonymises the person's comments and unlinks their
// versions and approvals (see MinutesPersonalData).
func (MinutesPersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	for _, sql := range []string{
		`delete from dialogue_minutes_comments c using dialogue_minutes n
			where n.meeting_id = c.meeting_id and c.author_id = $1 and n.status <> 'approved'`,
		`update dialogue_minutes_comments set author_id = null where author_id = $1`,
		`update dialogue_minutes_versions set author_id = null where author_id = $1`,
		`update dialogue_minutes set approved_by = null where approved_by = $1`,
		`update dialogue_minutes set opened_by = null where opened_by = $1`,
		`update dialogue_minutes set created_by = null where created_by = $1`,
	} {
		if _, err := tx.Exec(ctx, sql, accountID); err != nil {
			return fmt.Errorf("erase minutes: %w", err)
		}
	}
	return nil
}
