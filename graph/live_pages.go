package graph

import (
	"context"

	"github.com/google/uuid"
)

// PageSignals gives the web pages (web.Live) the live layer's streams as
// bare signals: a page re-reads what changed through the services, so an
// event carries nothing to it.
type PageSignals struct{ R *Resolver }

// Consultation signals a consultation's public activity or, with
// moderation, its moderation queue; see WatchConsultation.
func (p PageSignals) Consultation(ctx context.Context, id uuid.UUID, moderation bool) (<-chan struct{}, error) {
	ch, err := p.R.WatchConsultation(ctx, id, moderation)
	if err != nil {
		return nil, err
	}
	return signals(ch), nil
}

// BodyMeeting signals a body meeting's activity; see WatchBodyMeeting.
func (p PageSignals) BodyMeeting(ctx context.Context, id uuid.UUID) (<-chan struct{}, error) {
	ch, err := p.R.WatchBodyMeeting(ctx, id)
	if err != nil {
		return nil, err
	}
	return signals(ch), nil
}

// Turnout signals a budget edition's turnout; see WatchTurnout.
func (p PageSignals) Turnout(ctx context.Context, edition uuid.UUID) (<-chan struct{}, error) {
	ch, err := p.R.WatchTurnout(ctx, edition)
	if err != nil {
		return nil, err
	}
	return signals(ch), nil
}

// signals turns a stream's values into signals, at most one pending; it
// closes when the stream does.
func signals[T any](ch <-chan T) <-chan struct{} {
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		for range ch {
			select {
			case out <- struct{}{}:
			default: // one pending signal says it all
			}
		}
	}()
	return out
}
