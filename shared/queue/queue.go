// Package queue carries scan jobs from the webhook to the workers with at-least-once delivery:
// a job may arrive twice (SQS redelivery, a crash before the delete), so handlers are idempotent.
package queue

import "context"

// Message is one delivery of a job.
type Message struct {
	ID   string
	Body []byte
	// Attempt counts deliveries of this message, from 1.
	Attempt int
}

// Sender enqueues jobs.
type Sender interface {
	Send(ctx context.Context, body []byte) error
}

// Handler processes one message; an error asks for a redelivery.
type Handler func(ctx context.Context, m Message) error
