package sqs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/queue/sqs"
)

func TestHandleBatchReportsOnlyFailedRecords(t *testing.T) {
	ev := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "a", Body: "ok", Attributes: map[string]string{"ApproximateReceiveCount": "1"}},
		{MessageId: "b", Body: "fail", Attributes: map[string]string{"ApproximateReceiveCount": "2"}},
		{MessageId: "c", Body: "ok"},
	}}
	var seen []queue.Message
	resp := sqs.HandleBatch(context.Background(), ev, func(_ context.Context, m queue.Message) error {
		seen = append(seen, m)
		if string(m.Body) == "fail" {
			return errors.New("boom")
		}
		return nil
	})
	want := []events.SQSBatchItemFailure{{ItemIdentifier: "b"}}
	if d := cmp.Diff(want, resp.BatchItemFailures); d != "" {
		t.Errorf("failures (-want +got):\n%s", d)
	}
	if len(seen) != 3 || seen[1].Attempt != 2 || seen[2].Attempt != 1 {
		t.Errorf("messages = %+v, want 3 with attempts 1, 2, 1", seen)
	}
}
