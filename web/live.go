package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// Live tells a page that something it shows has changed. It is the API's
// own live layer (graph's subscriptions), so a page and a subscription
// never disagree on who may watch: each channel closes when its caller may
// no longer watch. A nil Live leaves the pages as they are: they work by
// reload.
type Live interface {
	// Consultation signals a consultation's public activity or, with
	// moderation, a change in its moderation queue.
	Consultation(ctx context.Context, id uuid.UUID, moderation bool) (<-chan struct{}, error)
	// BodyMeeting signals a dialogue body's meeting: attendance, quorum,
	// speakers and votes.
	BodyMeeting(ctx context.Context, id uuid.UUID) (<-chan struct{}, error)
	// Turnout signals a budget edition's turnout (and the standings the
	// caller may see) changing: a ballot cast anywhere.
	Turnout(ctx context.Context, edition uuid.UUID) (<-chan struct{}, error)
}

// Server-sent events: what a page's live region listens to (static/live.js).
const (
	// liveLifetime ends every stream after a while; the browser reconnects
	// (EventSource does) and the reconnection is authenticated and decided
	// afresh, so an ended session cannot keep a stream.
	liveLifetime = 5 * time.Minute
	// livePing keeps proxies from closing a quiet stream.
	livePing = 25 * time.Second
	// liveCoalesce gathers a burst of changes into one signal.
	liveCoalesce = 250 * time.Millisecond
)

// liveEvents streams "change" events while watch's channel signals.
func (h *Handler) liveEvents(w http.ResponseWriter, r *http.Request, watch func(context.Context) (<-chan struct{}, error)) {
	if h.svc.Live == nil {
		h.fail(w, r, http.StatusNotFound, "web.error.not_found")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), liveLifetime)
	defer cancel()
	ch, err := watch(ctx)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(s string) bool {
		if _, err := fmt.Fprint(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 5000\n: open\n\n") {
		return
	}
	ping := time.NewTicker(livePing)
	defer ping.Stop()
	var due <-chan time.Time // a change waiting to be told
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			if due == nil {
				due = time.After(liveCoalesce)
			}
		case <-due:
			due = nil
			if !send("event: change\ndata: {}\n\n") {
				return
			}
		case <-ping.C:
			if !send(": ping\n\n") {
				return
			}
		}
	}
}
