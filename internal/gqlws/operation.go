package gqlws

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Source is a subscription's event channel as the transport sees it (see Attach).
type Source interface {
	// Ready reports whether a receive from the channel would not block now: a value is waiting,
	// or the channel is closed.
	Ready() bool
}

// Attach makes src the event source of the subscription whose resolver runs with ctx, and returns
// the function that src must call after every change that may make it ready (a value sent, the
// channel closed); it never blocks. The transport then keeps no goroutine waiting on the channel:
// it runs gqlgen's response handler, on its worker pool, only when src is ready. The resolver
// must return src's channel (or end src before failing).
//
// Attach returns nil when ctx is not that of a subscription of this transport still being
// resolved, or its subscription has a source already: the transport then waits on the channel
// with a goroutine of its own, as for any channel.
//
// The resolver runs on the transport's worker pool: it may query the database, but it must not
// wait for other operations' events.
func Attach(ctx context.Context, src Source) (wake func()) {
	op, _ := ctx.Value(operationKey{}).(*operation)
	if op == nil {
		return nil
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	if !op.resolving || !op.subscription || op.src != nil {
		return nil
	}
	op.src = src
	return op.wake
}

// AddError adds err to the operation running with ctx: when it ends, the client gets an error
// message with the added errors instead of complete. It reports false when ctx belongs to no
// operation of this transport.
func AddError(ctx context.Context, err *gqlerror.Error) bool {
	op, _ := ctx.Value(operationKey{}).(*operation)
	if op == nil {
		return false
	}
	op.mu.Lock()
	op.errs = append(op.errs, err)
	op.mu.Unlock()
	return true
}

type operationKey struct{}

// operation is one subscribe, from the client's message until it ends.
type operation struct {
	c      *conn
	id     string
	ctx    context.Context // ends when the client completes it or the connection ends
	cancel context.CancelFunc

	completed atomic.Bool // the client sent complete: nothing more may be sent for it

	params  *graphql.RawParams // until it starts
	started bool               // run by its one worker at a time only

	// Set while resolving, before the operation is armed or looped.
	rc      *graphql.OperationContext
	handler graphql.ResponseHandler
	hctx    context.Context

	mu           sync.Mutex
	resolving    bool // between the start of DispatchOperation and its return
	subscription bool
	src          Source
	errs         gqlerror.List
	finished     bool

	// armed: src drives the operation; queued: it waits for, or runs on, a worker.
	armed, queued atomic.Bool
}

func newOperation(c *conn, id string) *operation {
	op := &operation{c: c, id: id}
	// Not a child of the connection's context: the connection ends each of its operations itself
	// (conn.end), and a child would cost an entry in the connection's context for its lifetime.
	ctx, cancel := context.WithCancel(context.WithoutCancel(c.ctx))
	op.ctx, op.cancel = context.WithValue(ctx, operationKey{}, op), cancel
	return op
}

// start creates and dispatches the operation, on a worker. A subscription whose source
// attached is then armed; any other operation goes on on a goroutine of its own until its last
// response.
func (op *operation) start() {
	params := op.params
	op.params = nil
	defer func() {
		if r := recover(); r != nil {
			op.finish(op.recovered(r))
		}
	}()
	if op.ctx.Err() != nil {
		op.finish() // completed, or its connection closed, before it started
		return
	}
	exec := op.c.exec
	ctx := graphql.StartOperationTrace(op.ctx)
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			op.finish(resp.Errors...)
			return
		}
		op.send(&graphql.Response{Errors: errs})
		op.finish()
		return
	}
	op.mu.Lock()
	op.rc = rc
	op.subscription = rc.Operation.Operation == ast.Subscription
	op.resolving = true
	op.mu.Unlock()

	handler, hctx := exec.DispatchOperation(graphql.WithOperationContext(ctx, rc), rc)

	op.mu.Lock()
	op.handler, op.hctx = handler, hctx
	op.resolving = false
	src := op.src
	op.mu.Unlock()
	if src == nil {
		go op.loop()
		return
	}
	op.armed.Store(true)
	op.queued.Store(false)
	if src.Ready() {
		op.schedule()
	}
}

// loop runs an operation without a source to its end: each response handler call may block.
func (op *operation) loop() {
	defer func() {
		if r := recover(); r != nil {
			op.finish(op.recovered(r))
		}
	}()
	for {
		resp := op.handler(op.hctx)
		if resp == nil || !op.send(resp) {
			op.finish()
			return
		}
	}
}

// wake is what an attached source calls when it may have become ready.
func (op *operation) wake() {
	if op.armed.Load() {
		op.schedule()
	}
}

func (op *operation) schedule() {
	if op.queued.CompareAndSwap(false, true) {
		op.c.t.pool.push(op)
	}
}

// run starts the operation or delivers at most one response, on a worker. An operation stays
// queued from its wake-up until run has found its source not ready, so one worker at a time runs
// it.
func (op *operation) run() {
	if !op.started {
		op.started = true
		op.start()
		return
	}
	if op.src.Ready() {
		resp, failed := op.next()
		switch {
		case failed != nil:
			op.finish(failed)
			return
		case resp == nil:
			op.finish()
			return
		case !op.send(resp):
			op.finish()
			return
		}
	}
	op.queued.Store(false)
	// A wake-up between the run and the line above found the operation queued.
	if op.src.Ready() {
		op.schedule()
	}
}

func (op *operation) next() (resp *graphql.Response, failed *gqlerror.Error) {
	defer func() {
		if r := recover(); r != nil {
			failed = op.recovered(r)
		}
	}()
	return op.handler(op.hctx), nil
}

// recovered turns a panic into the error the client gets, as gqlgen's transport does.
func (op *operation) recovered(r any) *gqlerror.Error {
	op.mu.Lock()
	rc, ctx := op.rc, op.hctx
	op.mu.Unlock()
	if ctx == nil {
		ctx = op.ctx
	}
	err := errors.New("internal system error")
	if rc != nil {
		err = rc.Recover(ctx, r)
	}
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = &gqlerror.Error{}
		if err != nil {
			gqlErr.Message = err.Error()
		}
	}
	return gqlErr
}

// send writes a next message; false means the operation is over (the connection is closing, or
// the response could not be encoded, which ends it with an error).
func (op *operation) send(resp *graphql.Response) bool {
	payload, err := json.Marshal(resp)
	if err != nil {
		op.finish(&gqlerror.Error{Message: err.Error()})
		return false
	}
	return op.c.write(op, []byte(`{"id":`), quote(op.id), []byte(`,"type":"next","payload":`), payload, []byte(`}`))
}

func (op *operation) writeErrors(errs gqlerror.List) bool {
	payload, err := json.Marshal(errs)
	if err != nil {
		return false
	}
	return op.c.write(op, []byte(`{"id":`), quote(op.id), []byte(`,"type":"error","payload":`), payload, []byte(`}`))
}

// finish ends the operation once: it frees its place on the connection, then tells the client
// (error with extra and the errors added to it, or complete), unless the client completed it.
func (op *operation) finish(extra ...*gqlerror.Error) {
	op.mu.Lock()
	if op.finished {
		op.mu.Unlock()
		return
	}
	op.finished = true
	errs := append(op.errs, extra...)
	op.mu.Unlock()
	op.c.forget(op)
	if len(errs) > 0 {
		op.writeErrors(errs)
	} else {
		op.c.write(op, []byte(`{"id":`), quote(op.id), []byte(`,"type":"complete"}`))
	}
	op.cancel()
}

func quote(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}
