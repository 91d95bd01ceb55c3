// Command scan is the SQS-triggered Lambda that runs scan jobs: it only wires real clients and
// the scanners into app.HandleJob.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fourcsec/fourc/analyzers"
	"github.com/fourcsec/fourc/shared/awsapp"
	sqsqueue "github.com/fourcsec/fourc/shared/queue/sqs"
)

var version = "dev"

func main() {
	settings, err := awsapp.SettingsFromEnv(os.Getenv)
	if err != nil {
		slog.Error("configuration", "error", err.Error())
		os.Exit(1)
	}
	// Only the webhook verifies signatures; this function's IAM policy may not read that secret.
	settings.WebhookSecretARN = ""
	scanners := analyzers.All(analyzers.Options{VulnDB: os.Getenv("FOURC_VULNDB"), GoVersion: os.Getenv("FOURC_GO_VERSION")})
	a, err := awsapp.New(context.Background(), settings, scanners, version)
	if err != nil {
		slog.Error("startup", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		return sqsqueue.HandleBatch(ctx, ev, a.HandleJob), nil
	})
}
