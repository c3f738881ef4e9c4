package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
)

// MeetingPersonalData is the body meetings' share of a person's data, for
// the GDPR export and erasure (identity.PersonalData): invitations, public
// seats, presence, and requests to speak.
//
// Erasure forgets all of them (gathering.Service.Forget, and the speaker
// requests deleted): none is a public contribution with content of its own,
// and a seat still to come goes to the next person waiting.
type MeetingPersonalData struct{ s *Service }

// MeetingPersonalData returns the meetings' identity.PersonalData.
func (s *Service) MeetingPersonalData() MeetingPersonalData { return MeetingPersonalData{s: s} }

// Name is the export section.
func (MeetingPersonalData) Name() string { return "dialogueMeetings" }

// MeetingExport is what MeetingPersonalData.Export returns.
type MeetingExport struct {
	Invitations   []gathering.Invitation   `json:"invitations"`
	Registrations []gathering.Registration `json:"registrations"`
	Presence      []gathering.Presence     `json:"presence"`
	Speaking      []PersonalSpeaker        `json:"speaking"`
}

type PersonalSpeaker struct {
	MeetingID   uuid.UUID  `json:"meetingId"`
	ItemID      uuid.UUID  `json:"itemId"`
	Status      string     `json:"status"`
	RequestedAt time.Time  `json:"requestedAt"`
	FloorAt     *time.Time `json:"floorAt"`
	DoneAt      *time.Time `json:"doneAt"`
}

// Export reads the person's share, oldest first.
func (MeetingPersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	var out MeetingExport
	var err error
	if out.Invitations, err = gathering.AccountInvitations(ctx, tx, MeetingGatheringKind, accountID); err != nil {
		return nil, err
	}
	if out.Registrations, err = gathering.AccountRegistrations(ctx, tx, MeetingGatheringKind, accountID); err != nil {
		return nil, err
	}
	if out.Presence, err = gathering.AccountStays(ctx, tx, MeetingGatheringKind, accountID); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `select i.meeting_id, p.item_id, p.status, p.requested_at, p.floor_at, p.done_at
		from dialogue_speakers p join dialogue_agenda_items i on i.id = p.item_id
		where p.account_id = $1 order by p.requested_at, p.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export speakers: %w", err)
	}
	out.Speaking, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PersonalSpeaker, error) {
		var p PersonalSpeaker
		return p, r.Scan(&p.MeetingID, &p.ItemID, &p.Status, &p.RequestedAt, &p.FloorAt, &p.DoneAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export speakers: %w", err)
	}
	return out, nil
}

// Erase forgets the person's share (see MeetingPersonalData).
func (p MeetingPersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `delete from dialogue_speakers where account_id = $1`, accountID); err != nil {
		return fmt.Errorf("forget speakers: %w", err)
	}
	return p.s.meetings.Forget(ctx, tx, accountID)
}
