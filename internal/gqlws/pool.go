package gqlws

import "sync"

// pool runs operations to start and operations whose source is ready on at most max goroutines,
// which exist only while operations wait: an idle subscription costs no goroutine.
type pool struct {
	max int

	mu      sync.Mutex
	queue   []*operation
	head    int // queue[head:] wait
	workers int
}

func (p *pool) push(op *operation) {
	p.mu.Lock()
	p.queue = append(p.queue, op)
	spawn := p.workers < p.max && p.workers < len(p.queue)-p.head
	if spawn {
		p.workers++
	}
	p.mu.Unlock()
	if spawn {
		go p.work()
	}
}

func (p *pool) work() {
	for {
		p.mu.Lock()
		if p.head == len(p.queue) {
			p.queue, p.head = p.queue[:0], 0
			p.workers--
			p.mu.Unlock()
			return
		}
		op := p.queue[p.head]
		p.queue[p.head] = nil
		p.head++
		// A queue that never drains would otherwise grow for ever.
		if p.head >= 1024 && p.head*2 >= len(p.queue) {
			n := copy(p.queue, p.queue[p.head:])
			clear(p.queue[n:])
			p.queue, p.head = p.queue[:n], 0
		}
		p.mu.Unlock()
		op.run()
	}
}
