package dynamodb_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/test/awsfake"
)

// TestWritesUnderFaults runs the store's writes through a proxy that makes DynamoDB lose the
// answer to an applied write (the SDK then sends it again), refuse requests with throttling,
// or leave part of a batch unprocessed, and checks each write still does exactly what it says.
func TestWritesUnderFaults(t *testing.T) {
	srv := dynalite.Start(t)
	open := func(t *testing.T) (*dynamodb.Store, *awsfake.DynamoFaults) {
		proxy, err := awsfake.StartDynamoFaults(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { proxy.Close() })
		client := dynalite.NewClient(proxy.URL)
		table := dynalite.CreateTableName(t)
		if err := dynamodb.CreateTable(context.Background(), client, table); err != nil {
			t.Fatal(err)
		}
		return dynamodb.New(client, table), proxy
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

	t.Run("delivery recorded although the answer was lost", func(t *testing.T) {
		st, proxy := open(t)
		proxy.ApplyThenFail("PutItem", 1)
		first, err := st.RecordDelivery(ctx, "d-1", now, time.Hour)
		if err != nil || !first {
			t.Fatalf("first sighting: first=%v, %v; want true (the retried write found its own record)", first, err)
		}
		if proxy.Calls("PutItem") != 2 || proxy.Refused(awsfake.InternalServerError) != 1 {
			t.Errorf("%d PutItem calls, %d lost answers; want the SDK's retry after one", proxy.Calls("PutItem"), proxy.Refused(awsfake.InternalServerError))
		}
		if first, err := st.RecordDelivery(ctx, "d-1", now, time.Hour); err != nil || first {
			t.Errorf("second sighting: first=%v, %v; want false", first, err)
		}
	})

	t.Run("summary issue claimed although the answer was lost", func(t *testing.T) {
		st, proxy := open(t)
		proxy.ApplyThenFail("PutItem", 1)
		issue := store.SummaryIssue{InstallationID: 7, Week: "2026-W48", Repo: "acme/.github", Number: 3, UpdatedAt: now}
		if err := st.PutSummaryIssue(ctx, issue, true); err != nil {
			t.Fatalf("claim: %v; want success (the retried write found its own record)", err)
		}
		other := issue
		other.Number = 4
		if err := st.PutSummaryIssue(ctx, other, true); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second claim: %v, want ErrConflict", err)
		}
		if got, err := st.GetSummaryIssue(ctx, 7, "2026-W48"); err != nil || got.Number != 3 {
			t.Errorf("recorded issue %+v, %v; want #3", got, err)
		}
	})

	t.Run("findings stored in full despite throttling and unprocessed items", func(t *testing.T) {
		st, proxy := open(t)
		sc := store.Scan{Key: store.ScanKey{Repo: "acme/widgets", SHA: "abc", Variant: "full"}, InstallationID: 7, CompletedAt: now}
		var fs []store.StoredFinding
		for i := range 60 {
			fs = append(fs, store.StoredFinding{Status: "new", Finding: finding.Finding{
				RuleID: "rule", Path: "main.tf", StartLine: i + 1, Fingerprint: fmt.Sprintf("fp-%02d", i),
			}})
		}
		proxy.Refuse("BatchWriteItem", awsfake.ProvisionedThroughputExceeded, 1)
		proxy.LeaveUnprocessed(4, 5)
		if err := st.PutFindings(ctx, sc, fs); err != nil {
			t.Fatal(err)
		}
		got, err := st.Findings(ctx, sc.Key)
		if err != nil || len(got) != len(fs) {
			t.Fatalf("%d findings stored (%v), want %d", len(got), err, len(fs))
		}
		if proxy.Unprocessed() == 0 || proxy.Refused(awsfake.ProvisionedThroughputExceeded) != 1 {
			t.Errorf("%d items left unprocessed, %d throttled; want some of each", proxy.Unprocessed(), proxy.Refused(awsfake.ProvisionedThroughputExceeded))
		}
	})
}
