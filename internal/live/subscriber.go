package live

import (
	"context"
	"sync"
)

// bufferSize is how many undelivered events a subscriber may hold. Events are
// small "this changed" signals, so a handful covers a burst; a subscriber that
// is further behind is better served by the newest state than by history.
const bufferSize = 16

// subscriber is one Subscribe call. Its channel is unbuffered: the undelivered
// events live in buf, where the producer can still coalesce them, and a pump
// goroutine (started only while buf is not empty and the receiver is busy)
// offers them on out.
//
// Coalescing rule: buf keeps the newest bufferSize undelivered events. When an
// event arrives and buf is full, the oldest undelivered event is dropped and
// its count (1 plus its own Missed) is added to the Missed of the event after
// it. So Missed on a received event is exactly the number of events dropped
// between the previous received event and this one, events arrive in publish
// order, the newest event is never dropped, and once the receiver has caught
// up, received + sum(Missed) equals the number of events sent to it. Dropping
// the oldest suits "this changed" events: the newest carries current state.
type subscriber struct {
	ctx  context.Context
	out  chan Event
	kick chan struct{} // wakes the pump when the event it offers was dropped
	// runPump is s.pump bound once, so starting a pump on the hot path does
	// not allocate a method value.
	runPump func()

	topic string
	idx   int // position in the topic's slice, guarded by Broker.mu

	mu       sync.Mutex
	buf      [bufferSize]Event
	head, n  int
	pumping  bool // a pump goroutine is running
	offering bool // the pump is offering buf[head] on out
	dropped  bool // buf[head] was dropped while offered; the pump must not pop again
	done     bool // ctx ended: no more events; out closes once no pump runs
	closed   bool
}

func newSubscriber(ctx context.Context, topic string) *subscriber {
	s := &subscriber{
		ctx:   ctx,
		out:   make(chan Event),
		kick:  make(chan struct{}, 1),
		topic: topic,
	}
	s.runPump = s.pump
	return s
}

// push hands e to the subscriber without ever blocking: the caller is the
// broker's listener goroutine, which serves every subscriber.
func (s *subscriber) push(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	// Nothing queued means nothing dropped and nothing on offer, so a receiver
	// that is already waiting can take e directly, without a pump.
	if s.n == 0 {
		select {
		case s.out <- e:
			return
		default:
		}
	}
	if s.n == len(s.buf) {
		old := s.buf[s.head]
		s.buf[s.head] = Event{} // let the dropped data be collected
		s.head = (s.head + 1) % len(s.buf)
		s.n--
		if s.n > 0 {
			s.buf[s.head].Missed += 1 + old.Missed
		} else {
			e.Missed += 1 + old.Missed
		}
		if s.offering && !s.dropped {
			s.dropped = true
			select {
			case s.kick <- struct{}{}:
			default:
			}
		}
	}
	s.buf[(s.head+s.n)%len(s.buf)] = e
	s.n++
	if !s.pumping {
		s.pumping = true
		go s.runPump()
	}
}

// pump offers the queued events one at a time until the queue is empty or
// ctx ends; then it exits, so idle subscribers cost no goroutine.
func (s *subscriber) pump() {
	for {
		s.mu.Lock()
		if s.n == 0 || s.done {
			s.pumping = false
			s.closeIfDoneLocked()
			s.mu.Unlock()
			return
		}
		// The offered event stays in buf, so it still counts against the
		// buffer and can be dropped (with a kick) while the receiver is slow.
		e := s.buf[s.head]
		s.offering, s.dropped = true, false
		select {
		case <-s.kick: // stale: its drop was settled after a completed send
		default:
		}
		s.mu.Unlock()

		select {
		case s.out <- e:
			s.mu.Lock()
			s.offering = false
			switch {
			case s.done:
				// stop already emptied buf; the loop top closes out.
			case s.dropped:
				// The producer dropped e while it was on offer, yet the
				// receiver got it: take back the count that e passed on. The
				// carry is additive, so it sits in whatever is now the head.
				s.buf[s.head].Missed -= 1 + e.Missed
			default:
				s.buf[s.head] = Event{}
				s.head = (s.head + 1) % len(s.buf)
				s.n--
			}
			s.mu.Unlock()
		case <-s.kick:
			s.mu.Lock()
			s.offering = false
			s.mu.Unlock()
		case <-s.ctx.Done():
			s.mu.Lock()
			s.offering = false
			s.pumping = false
			s.closeIfDoneLocked()
			s.mu.Unlock()
			return
		}
	}
}

// stop ends the subscription after ctx is done; the broker has already
// removed s from its topic, so no new events arrive.
func (s *subscriber) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	clear(s.buf[:])
	s.n = 0
	s.closeIfDoneLocked()
}

// closeIfDoneLocked closes out once both the subscription has ended and no
// pump can still send on it; whichever of the two happens last closes it.
func (s *subscriber) closeIfDoneLocked() {
	if s.done && !s.pumping && !s.closed {
		s.closed = true
		close(s.out)
	}
}
