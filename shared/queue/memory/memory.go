// Package memory is the in-process queue of `fourc serve`, with the semantics of SQS that the
// handlers rely on: at-least-once delivery, redelivery after a failure, a dead-letter list after
// too many attempts, and bounded concurrency.
package memory

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fourcsec/fourc/shared/queue"
)

// Options configure the queue; zero values take the defaults.
type Options struct {
	Concurrency int           // workers (default 2)
	MaxAttempts int           // deliveries before a message goes to the dead letters (default 3)
	RetryDelay  time.Duration // wait before a redelivery (default 1 s), as SQS's visibility timeout
	Capacity    int           // messages waiting before Send blocks (default 1024)
}

// Queue is an in-process queue.
type Queue struct {
	opts    Options
	ch      chan queue.Message
	next    atomic.Int64
	mu      sync.Mutex
	idle    *sync.Cond // signalled when pending drops to zero
	pending int        // messages sent and not yet finished (delivered or dead)
	dead    []queue.Message
	closed  bool
}

var _ queue.Sender = (*Queue)(nil)

// New makes a queue.
func New(opts Options) *Queue {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 2
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 3
	}
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = time.Second
	}
	if opts.Capacity <= 0 {
		opts.Capacity = 1024
	}
	q := &Queue{opts: opts, ch: make(chan queue.Message, opts.Capacity)}
	q.idle = sync.NewCond(&q.mu)
	return q
}

// finished counts a message out: delivered, dead, or never enqueued. (A counter rather than a
// WaitGroup, whose Add must not race a Wait: here a webhook may send while a caller waits.)
func (q *Queue) finished() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending--; q.pending == 0 {
		q.idle.Broadcast()
	}
}

// Send enqueues a copy of body.
func (q *Queue) Send(ctx context.Context, body []byte) error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return fmt.Errorf("queue is shut down")
	}
	q.pending++
	q.mu.Unlock()
	m := queue.Message{ID: fmt.Sprintf("m-%d", q.next.Add(1)), Body: append([]byte(nil), body...)}
	select {
	case q.ch <- m:
		return nil
	case <-ctx.Done():
		q.finished()
		return fmt.Errorf("enqueue: %w", ctx.Err())
	}
}

// Run delivers messages to h with the configured concurrency until ctx ends.
func (q *Queue) Run(ctx context.Context, h queue.Handler) {
	var wg sync.WaitGroup
	for range q.opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case m := <-q.ch:
					q.deliver(ctx, h, m)
				}
			}
		}()
	}
	wg.Wait()
}

func (q *Queue) deliver(ctx context.Context, h queue.Handler, m queue.Message) {
	m.Attempt++
	err := safeHandle(ctx, h, m)
	if err == nil {
		q.finished()
		return
	}
	if m.Attempt >= q.opts.MaxAttempts {
		q.mu.Lock()
		q.dead = append(q.dead, m)
		q.mu.Unlock()
		q.finished()
		return
	}
	// Redeliver later without holding a worker, as a message becoming visible again in SQS.
	time.AfterFunc(q.opts.RetryDelay, func() { q.ch <- m })
}

// safeHandle turns a handler panic into a failed delivery, as a crashed Lambda would be.
func safeHandle(ctx context.Context, h queue.Handler, m queue.Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return h(ctx, m)
}

// Wait blocks until every message sent so far, and any sent while it waits, was handled or
// given up on.
func (q *Queue) Wait() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.pending > 0 {
		q.idle.Wait()
	}
}

// Close refuses further sends.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
}

// DeadLetters lists messages that failed MaxAttempts times.
func (q *Queue) DeadLetters() []queue.Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]queue.Message(nil), q.dead...)
}
