// Package sqs is the queue in AWS: the webhook function sends to SQS, and SQS invokes the scan
// function with batches whose failed messages are reported back for redelivery.
package sqs

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/fourcsec/fourc/shared/queue"
)

// SendAPI is the part of the SQS client the sender uses.
type SendAPI interface {
	SendMessage(context.Context, *sqs.SendMessageInput, ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Sender sends jobs to one queue.
type Sender struct {
	api SendAPI
	url string
}

var _ queue.Sender = (*Sender)(nil)

// NewSender returns a sender to the queue at url.
func NewSender(api SendAPI, url string) *Sender { return &Sender{api: api, url: url} }

// Send enqueues body.
func (s *Sender) Send(ctx context.Context, body []byte) error {
	_, err := s.api.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.url), MessageBody: aws.String(string(body))})
	if err != nil {
		return fmt.Errorf("send to queue: %w", err)
	}
	return nil
}

// HandleBatch runs h on every record of an SQS event and reports the failed ones, so SQS
// redelivers only those (the function is configured with ReportBatchItemFailures).
func HandleBatch(ctx context.Context, ev events.SQSEvent, h queue.Handler) events.SQSEventResponse {
	var resp events.SQSEventResponse
	for _, r := range ev.Records {
		attempt := 1
		if n, err := fmt.Sscan(r.Attributes["ApproximateReceiveCount"], &attempt); n != 1 || err != nil {
			attempt = 1
		}
		if err := h(ctx, queue.Message{ID: r.MessageId, Body: []byte(r.Body), Attempt: attempt}); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
		}
	}
	return resp
}
