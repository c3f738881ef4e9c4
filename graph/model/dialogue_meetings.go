package model

import "github.com/otwarty/otwarty/internal/dialogue"

// BodyMeeting is a meeting of a body the caller may see; M is the domain
// meeting.
type BodyMeeting struct {
	ID string
	M  *dialogue.Meeting
}

func (BodyMeeting) IsNode()         {}
func (m BodyMeeting) GetID() string { return m.ID }

// BodyAgendaItem is an agenda item as the caller may see it.
type BodyAgendaItem struct {
	ID       string
	I        *dialogue.AgendaItem
	Position int
}

func (BodyAgendaItem) IsNode()         {}
func (i BodyAgendaItem) GetID() string { return i.ID }
