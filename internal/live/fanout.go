package live

import (
	"context"
	"sync"
)

// Fanout is the audience, on this instance, of one kind of source keyed by
// K (a topic, an edition): the source is attached when the first stream of a
// key arrives and detached when the last leaves, and each value it publishes
// is made once per view and offered to every stream of the key.
type Fanout[K comparable, T any] struct {
	reg    *Registry
	attach func(key K, feed *Feed[T]) (detach func(), err error)

	mu    sync.Mutex
	feeds map[K]*Feed[T]
}

// NewFanout returns a fan-out whose sources attach through attach. attach
// must not block for long; the feed it is given lives until detach.
func NewFanout[K comparable, T any](reg *Registry, attach func(key K, feed *Feed[T]) (detach func(), err error)) *Fanout[K, T] {
	return &Fanout[K, T]{reg: reg, attach: attach, feeds: map[K]*Feed[T]{}}
}

// Feed is the streams of one key and the source's latest value.
type Feed[T any] struct {
	mu      sync.Mutex
	streams map[*Stream[T]]struct{}
	last    func(View) (T, bool)
	detach  func()
}

// Subscribe starts a stream for key. It returns nil, nil when the caller's
// view is Hidden from the start. If the feed already has a value (Publish
// with keep), the new stream receives it at once.
func (f *Fanout[K, T]) Subscribe(ctx context.Context, key K, o StreamOptions[T]) (*Stream[T], error) {
	s := NewStream(ctx, f.reg, o)
	if s == nil {
		return nil, nil
	}
	f.mu.Lock()
	feed := f.feeds[key]
	if feed == nil {
		feed = &Feed[T]{streams: map[*Stream[T]]struct{}{}}
		detach, err := f.attach(key, feed)
		if err != nil {
			f.mu.Unlock()
			s.End(false)
			return nil, err
		}
		feed.detach = detach
		f.feeds[key] = feed
	}
	feed.mu.Lock()
	feed.streams[s] = struct{}{}
	if feed.last != nil {
		if v, ok := feed.last(s.View()); ok {
			s.Offer(v)
		}
	}
	feed.mu.Unlock()
	f.mu.Unlock()
	s.setLeave(func() { f.leave(key, feed, s) })
	return s, nil
}

func (f *Fanout[K, T]) leave(key K, feed *Feed[T], s *Stream[T]) {
	f.mu.Lock()
	defer f.mu.Unlock()
	feed.mu.Lock()
	delete(feed.streams, s)
	empty := len(feed.streams) == 0
	feed.mu.Unlock()
	if empty && f.feeds[key] == feed {
		delete(f.feeds, key)
		if feed.detach != nil {
			feed.detach()
		}
	}
}

// Latest is the kept value of key's feed for view v, if any.
func (f *Fanout[K, T]) Latest(key K, v View) (T, bool) {
	f.mu.Lock()
	feed := f.feeds[key]
	f.mu.Unlock()
	if feed == nil {
		var zero T
		return zero, false
	}
	return feed.Latest(v)
}

// Keys is the number of keys with streams (tests check that sources stop).
func (f *Fanout[K, T]) Keys() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.feeds)
}

// Publish offers each stream the value for its view: valueFor runs at most
// once per view, however many streams share it, and a false result sends
// nothing to that view. With keep, the value is also remembered for streams
// that join later and for Latest.
func (feed *Feed[T]) Publish(valueFor func(View) (T, bool), keep bool) {
	var kept func(View) (T, bool)
	if keep {
		kept = valueFor
	}
	feed.Update(valueFor, kept)
}

// Update offers each stream offer's value for its view, as Publish does,
// and remembers keep (when not nil) for streams that join later and for
// Latest: a source whose new value is news to some views only offers it
// to those and keeps the whole value.
func (feed *Feed[T]) Update(offer, keep func(View) (T, bool)) {
	memo := map[View]struct {
		v  T
		ok bool
	}{}
	once := func(v View) (T, bool) {
		m, seen := memo[v]
		if !seen {
			m.v, m.ok = offer(v)
			memo[v] = m
		}
		return m.v, m.ok
	}
	feed.mu.Lock()
	defer feed.mu.Unlock()
	if keep != nil {
		// Later joiners compute their own view's value once more; the memo
		// is not kept because it is not safe for concurrent use.
		feed.last = keep
	}
	for s := range feed.streams {
		if v, ok := once(s.View()); ok {
			s.Offer(v)
		}
	}
}

// MaxView is the widest view among the feed's streams now (Hidden when it
// has none): a source may skip reading what no stream would be shown.
func (feed *Feed[T]) MaxView() View {
	feed.mu.Lock()
	defer feed.mu.Unlock()
	v := Hidden
	for s := range feed.streams {
		v = max(v, s.View())
	}
	return v
}

// Latest is the kept value for view v, if any.
func (feed *Feed[T]) Latest(v View) (T, bool) {
	feed.mu.Lock()
	last := feed.last
	feed.mu.Unlock()
	if last == nil {
		var zero T
		return zero, false
	}
	return last(v)
}
