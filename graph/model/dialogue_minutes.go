package model

import (
	"time"

	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
)

// BodyMinutes is the minutes of a meeting as the caller may see them; M is
// the domain's.
type BodyMinutes struct {
	ID         string
	M          *dialogue.MeetingMinutes
	Locale     i18n.Locale
	Version    int
	Body       string
	OpenedAt   *time.Time
	ApprovedAt *time.Time
}

func (BodyMinutes) IsNode()         {}
func (m BodyMinutes) GetID() string { return m.ID }

// BodyMinutesComment is a comment on draft minutes; Minutes are its
// minutes as the caller read them.
type BodyMinutesComment struct {
	ID        string
	C         *dialogue.MinutesComment
	Minutes   *dialogue.MeetingMinutes
	Version   int
	Text      string
	CreatedAt time.Time
	EditedAt  *time.Time
}

func (BodyMinutesComment) IsNode()         {}
func (c BodyMinutesComment) GetID() string { return c.ID }
