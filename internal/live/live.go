// Package live carries small change events from a committed transaction to
// subscriptions on every instance, through PostgreSQL LISTEN/NOTIFY.
//
// A service calls Publish inside the transaction that makes the change, so
// PostgreSQL delivers the event only if that transaction commits. Each
// instance runs one Broker, which listens on a dedicated connection and fans
// events out to in-process subscribers (GraphQL subscriptions) by topic.
// Events say what changed (ids, counters); subscribers re-query details.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// channel is the one NOTIFY channel shared by all topics: a single LISTEN per
// instance, however many topics are subscribed.
const channel = "otwarty_live"

// maxPayload is PostgreSQL's NOTIFY limit: the payload must be shorter than
// 8000 bytes in the default build.
const maxPayload = 8000

// ErrPayloadTooLarge is returned by Publish when the encoded event would not
// fit in one notification.
var ErrPayloadTooLarge = errors.New("live: event payload exceeds the NOTIFY limit")

// Execer runs a statement: a transaction (pgx.Tx), or a pool or connection
// when the event should go out at once, with no change to wait for.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Event is one delivered change. Missed counts events coalesced away before
// this one because the subscriber was slow.
//
// Data is shared by every subscriber of the event and must not be modified.
type Event struct {
	Topic  string
	Data   json.RawMessage
	Missed int
}

// envelope is the NOTIFY payload: the topic travels with the data because all
// topics share one channel.
type envelope struct {
	Topic string          `json:"t"`
	Data  json.RawMessage `json:"d"`
}

// Publish queues data (JSON-encoded, small) for topic within tx; it is
// delivered after commit, and never if tx rolls back. It refuses events whose
// encoding reaches PostgreSQL's 8000-byte limit with ErrPayloadTooLarge,
// before touching tx.
//
// PostgreSQL folds identical payloads on the same channel within one
// transaction into one notification, so publishing the same event twice in a
// transaction delivers it once; events mean "this changed", so that is fine.
func Publish(ctx context.Context, tx Execer, topic string, data any) error {
	if topic == "" {
		return errors.New("live: empty topic")
	}
	d, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("live: encode event for %q: %w", topic, err)
	}
	payload, err := json.Marshal(envelope{Topic: topic, Data: d})
	if err != nil {
		return fmt.Errorf("live: encode event for %q: %w", topic, err)
	}
	if len(payload) >= maxPayload {
		return fmt.Errorf("%w: %d bytes for topic %q", ErrPayloadTooLarge, len(payload), topic)
	}
	if _, err := tx.Exec(ctx, "select pg_notify('"+channel+"', $1)", string(payload)); err != nil {
		return fmt.Errorf("live: notify %q: %w", topic, err)
	}
	return nil
}
