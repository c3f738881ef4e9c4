package live

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otwarty/otwarty/internal/gqlws"
	"github.com/otwarty/otwarty/internal/metrics"
)

// View is what one subscriber may see of a stream's values: Hidden (the
// stream ends) or a level that the source gives meaning to (e.g. 1 turnout,
// 2 turnout and standings). It is decided when the subscription starts and
// again whenever grants change (Registry.Refresh), never per event: fan-out
// is then memory work only, whatever the audience.
type View int32

// Hidden ends a stream.
const Hidden View = 0

// streamBuffer is how many undelivered values a stream holds by default; events are
// "this changed" signals, so a slow client is best served by the newest.
const streamBuffer = 8

// Stream is one subscription's mailbox: the channel a GraphQL subscription
// resolver returns. It costs no goroutine: sources offer values to it
// without blocking (the oldest undelivered value gives way), and it ends
// when its context ends, when its view becomes Hidden, or when End is
// called; its channel is closed exactly once, after which nothing is sent.
// Over the WebSocket transport it is the subscription's gqlws.Source, so no
// goroutine waits on its channel either.
type Stream[T any] struct {
	ch      chan T
	field   string
	decide  func() View
	resync  func(View) (T, bool)
	onEnd   func(revoked bool)
	reg     *Registry
	leave   func()
	counter prometheus.Counter

	view atomic.Int32
	// wake tells the WebSocket transport that the channel has something to
	// receive; nil when the subscription is not served by it.
	wake func()

	mu     sync.Mutex
	ended  bool
	closed bool // the channel is closed
}

// StreamOptions describe a stream at its start.
type StreamOptions[T any] struct {
	// Field names the subscription (metrics).
	Field string
	// Decide returns the caller's view; it runs at the start and on every
	// Registry.Refresh, in memory (no database work).
	Decide func() View
	// Resync returns what to send, for the stream's view, after the listener
	// reconnected (events may have been lost); nil or false sends nothing.
	Resync func(View) (T, bool)
	// OnEnd runs once, before the channel closes; revoked says that the view
	// became Hidden (not that the client left).
	OnEnd func(revoked bool)
	// Buffer is how many undelivered values the stream keeps (default 8);
	// 1 suits counters, where only the newest value matters.
	Buffer int
}

// NewStream starts a stream in reg for a subscription whose context is ctx.
// It returns nil when the caller's view is Hidden from the start.
func NewStream[T any](ctx context.Context, reg *Registry, o StreamOptions[T]) *Stream[T] {
	buffer := o.Buffer
	if buffer <= 0 {
		buffer = streamBuffer
	}
	s := &Stream[T]{ch: make(chan T, buffer), field: o.Field, decide: o.Decide, resync: o.Resync, onEnd: o.OnEnd, reg: reg,
		counter: metrics.EventsDelivered.WithLabelValues(o.Field)}
	v := s.decide()
	if v == Hidden {
		return nil
	}
	s.view.Store(int32(v))
	s.wake = gqlws.Attach(ctx, s)
	reg.add(s)
	// AfterFunc costs no goroutine until ctx ends.
	context.AfterFunc(ctx, func() { s.End(false) })
	return s
}

// C is the stream's channel.
func (s *Stream[T]) C() <-chan T { return s.ch }

// View is the caller's current view.
func (s *Stream[T]) View() View { return View(s.view.Load()) }

// Ready reports whether a receive from the channel would not block: a value
// waits, or the channel is closed (gqlws.Source).
func (s *Stream[T]) Ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed || len(s.ch) > 0
}

// Offer hands v to the stream without blocking; it reports false once the
// stream has ended.
func (s *Stream[T]) Offer(v T) bool {
	if !s.offer(v) {
		return false
	}
	if s.wake != nil {
		s.wake()
	}
	return true
}

func (s *Stream[T]) offer(v T) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return false
	}
	for {
		select {
		case s.ch <- v:
			s.counter.Inc()
			return true
		default:
		}
		// Full: the oldest undelivered value gives way. Only offers (under
		// s.mu) add to the channel, so the next send finds room.
		select {
		case <-s.ch:
		default:
		}
	}
}

// End ends the stream: it leaves its source and the registry, runs OnEnd and
// closes the channel. Calling it again does nothing.
func (s *Stream[T]) End(revoked bool) {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	leave := s.leave
	s.mu.Unlock()
	if leave != nil {
		leave()
	}
	s.reg.remove(s)
	if s.onEnd != nil {
		s.onEnd(revoked)
	}
	s.mu.Lock()
	close(s.ch)
	s.closed = true
	s.mu.Unlock()
	if s.wake != nil {
		s.wake()
	}
}

// setLeave records how to detach the stream from its source; if the stream
// has already ended, it detaches at once.
func (s *Stream[T]) setLeave(leave func()) {
	s.mu.Lock()
	if !s.ended {
		s.leave = leave
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	leave()
}

func (s *Stream[T]) refresh() {
	v := s.decide()
	s.view.Store(int32(v))
	if v == Hidden {
		s.End(true)
	}
}

func (s *Stream[T]) sendResync() {
	if s.resync == nil {
		return
	}
	if v, ok := s.resync(s.View()); ok && s.Offer(v) {
		metrics.Resyncs.Inc()
	}
}

func (s *Stream[T]) fieldName() string { return s.field }

// member is a Stream of any type, as the registry sees it.
type member interface {
	refresh()
	sendResync()
	fieldName() string
}

// Registry knows every live stream of one server, so that a change of
// grants re-decides each view and a reconnected listener resyncs each
// stream.
type Registry struct {
	mu      sync.Mutex
	members map[member]struct{}

	refreshing atomic.Bool
	again      atomic.Bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{members: map[member]struct{}{}} }

func (r *Registry) add(m member) {
	r.mu.Lock()
	r.members[m] = struct{}{}
	r.mu.Unlock()
	metrics.Subscriptions.WithLabelValues(m.fieldName()).Inc()
}

func (r *Registry) remove(m member) {
	r.mu.Lock()
	_, ok := r.members[m]
	delete(r.members, m)
	r.mu.Unlock()
	if ok {
		metrics.Subscriptions.WithLabelValues(m.fieldName()).Dec()
	}
}

// Len is the number of live streams.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.members)
}

func (r *Registry) snapshot() []member {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]member, 0, len(r.members))
	for m := range r.members {
		out = append(out, m)
	}
	return out
}

// Refresh re-decides every stream's view in the background and ends those
// that became Hidden. Calls while a refresh runs coalesce into one more
// pass, so a burst of grant changes costs two passes, not one per change.
func (r *Registry) Refresh() {
	r.again.Store(true)
	if !r.refreshing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for {
			for r.again.Swap(false) {
				for _, m := range r.snapshot() {
					m.refresh()
				}
			}
			r.refreshing.Store(false)
			// A call that arrived after the last pass but saw the flag set
			// left the work to this goroutine: take it.
			if !r.again.Load() || !r.refreshing.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}

// RefreshNow re-decides every stream's view before returning (tests, and
// callers that must know the outcome).
func (r *Registry) RefreshNow() {
	for _, m := range r.snapshot() {
		m.refresh()
	}
}

// Resync tells every stream, in the background, that events may have been
// lost: each sends its resync value (see StreamOptions.Resync).
func (r *Registry) Resync() {
	members := r.snapshot()
	go func() {
		for _, m := range members {
			m.sendResync()
		}
	}()
}
