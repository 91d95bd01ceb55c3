// Command summary is the Lambda the weekly EventBridge schedule invokes: it publishes every
// organisation's summary issue for the week that just ended. Invoked with
// {"installation_id": N, "week": "2026-W47"} it publishes one on demand.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/awsapp"
	"github.com/fourcsec/fourc/shared/store"
)

var version = "dev"

// request is the optional on-demand payload; the schedule sends its own event, which decodes to
// the zero value.
type request struct {
	InstallationID int64  `json:"installation_id"`
	Week           string `json:"week"`
}

func main() {
	settings, err := awsapp.SettingsFromEnv(os.Getenv)
	if err != nil {
		slog.Error("configuration", "error", err.Error())
		os.Exit(1)
	}
	// Only the webhook verifies signatures; this function's IAM policy may not read that secret.
	settings.WebhookSecretARN = ""
	a, err := awsapp.New(context.Background(), settings, nil, version)
	if err != nil {
		slog.Error("startup", "error", err.Error())
		os.Exit(1)
	}
	// Links in the issue point at the GitHub the App talks to (a GitHub Enterprise Server's own
	// web address, not github.com).
	a.WebURL = app.WebURLForAPI(settings.GitHubURL)
	lambda.Start(func(ctx context.Context, req request) ([]app.SummaryResult, error) {
		week := req.Week
		if week == "" {
			week = store.ISOWeek(time.Now().AddDate(0, 0, -7))
		}
		if req.InstallationID != 0 {
			res, err := a.PublishSummary(ctx, req.InstallationID, week)
			return []app.SummaryResult{res}, err
		}
		res, err := a.PublishSummaries(ctx, week)
		if err != nil {
			return res, fmt.Errorf("weekly summaries for %s: %w", week, err)
		}
		return res, nil
	})
}
