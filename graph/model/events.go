package model

import "github.com/otwarty/otwarty/internal/events"

// Event is an event of the calendar (internal/events).
type Event struct {
	ID string
	E  *events.Event
}

func (Event) IsNode()         {}
func (e Event) GetID() string { return e.ID }
