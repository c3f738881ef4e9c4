// Package live carries small change events from a committed transaction to
// subscriptions on every instance, through PostgreSQL LISTEN/NOTIFY. STUB.
package live

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"
)

// Event is one delivered change. Missed counts events coalesced away before
// this one because the subscriber was slow.
type Event struct {
	Topic  string
	Data   json.RawMessage
	Missed int
}

// Publish queues data (JSON-encoded, small) for topic within tx; it is
// delivered after commit, and never if tx rolls back.
func Publish(ctx context.Context, tx pgx.Tx, topic string, data any) error { panic("todo") }

// Broker listens on one connection per instance and fans events out.
type Broker struct{}

// Subscribe returns a channel of events for topic, closed when ctx ends.
func (b *Broker) Subscribe(ctx context.Context, topic string) <-chan Event { panic("todo") }
