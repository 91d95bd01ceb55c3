// Command webhook is the Lambda behind the App's webhook URL: it only wires real clients into
// app.WebhookHandler.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/awsapp"
)

var version = "dev"

func main() {
	settings, err := awsapp.SettingsFromEnv(os.Getenv)
	if err != nil {
		slog.Error("configuration", "error", err.Error())
		os.Exit(1)
	}
	// The webhook never scans, so it carries no scanners: a small binary that starts fast.
	a, err := awsapp.New(context.Background(), settings, nil, version)
	if err != nil {
		slog.Error("startup", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(app.LambdaHTTP(a.WebhookHandler()))
}
