package test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/test/awsfake"
	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/lambdaruntime"
	"github.com/fourcsec/fourc/test/webhooks"
)

const (
	queueURL  = "https://sqs.us-east-1.amazonaws.com/123456789012/fourc-scan"
	keyARN    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fourc/app-private-key-AbCdEf"
	secretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fourc/webhook-secret-GhIjKl"
)

// lambdaFunction is a built bootstrap running against its own Runtime API stand-in.
type lambdaFunction struct {
	name string
	rt   *lambdaruntime.Server
	fn   *lambdaruntime.Function
}

func startLambda(t *testing.T, bin string, env []string) *lambdaFunction {
	t.Helper()
	name := filepath.Base(bin)
	rt, err := lambdaruntime.Start(lambdaruntime.Options{FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:fourc-" + name, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	fn, err := rt.StartFunction(bin, env)
	if err != nil {
		t.Fatal(err)
	}
	l := &lambdaFunction{name: name, rt: rt, fn: fn}
	t.Cleanup(func() {
		fn.Stop()
		rt.Close()
		if t.Failed() {
			t.Logf("%s function output:\n%s", name, fn.Output())
		}
		for _, b := range rt.Breaches() {
			t.Errorf("%s broke the Runtime API protocol: %s", name, b)
		}
	})
	select {
	case <-rt.Ready():
		t.Logf("%s: init took %s", name, rt.ReadyAt().Sub(fn.Started).Round(time.Millisecond))
	case <-rt.InitFailed():
		t.Fatalf("%s init failed: %v", name, rt.InitError())
	case <-fn.Exited():
		t.Fatalf("%s exited during init: %v", name, fn.Err())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not ask for an event within 30s", name)
	}
	return l
}

// invoke sends event and decodes the function's response into out.
func (l *lambdaFunction) invoke(t *testing.T, event, out any) {
	t.Helper()
	payload, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	res, err := l.rt.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("%s: %v", l.name, err)
	}
	if res.Err != nil {
		t.Fatalf("%s returned an error: %v", l.name, res.Err)
	}
	if err := json.Unmarshal(res.Payload, out); err != nil {
		t.Fatalf("%s response %q: %v", l.name, res.Payload, err)
	}
}

// apiGatewayEvent wraps a delivery as API Gateway's HTTP API (payload format 2.0) does.
func apiGatewayEvent(d webhooks.Delivery, base64Body bool) events.APIGatewayV2HTTPRequest {
	headers := map[string]string{"content-length": strconv.Itoa(len(d.Body)), "host": "hooks.fourc.example"}
	for k, v := range d.Headers() {
		headers[strings.ToLower(k)] = v
	}
	body := string(d.Body)
	if base64Body {
		body = base64.StdEncoding.EncodeToString(d.Body)
	}
	now := time.Now()
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "POST /webhook", RawPath: "/webhook", Headers: headers, Body: body, IsBase64Encoded: base64Body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID: "123456789012", APIID: "a1b2c3d4e5", DomainName: "hooks.fourc.example", DomainPrefix: "hooks",
			RequestID: deliveryID(), RouteKey: "POST /webhook", Stage: "$default",
			Time: now.UTC().Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: http.MethodPost, Path: "/webhook", Protocol: "HTTP/1.1", SourceIP: "140.82.115.10", UserAgent: d.Headers()["User-Agent"],
			},
		},
	}
}

// sqsEvent wraps one queued message as SQS invokes the scan function (batch size 1).
func sqsEvent(m awsfake.Message, receiveCount int) events.SQSEvent {
	return events.SQSEvent{Records: []events.SQSMessage{{
		MessageId: m.ID, ReceiptHandle: "AQEB" + m.ID, Body: m.Body, EventSource: "aws:sqs", AWSRegion: "us-east-1",
		EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:fourc-scan",
		Attributes: map[string]string{
			"ApproximateReceiveCount": strconv.Itoa(receiveCount), "SentTimestamp": strconv.FormatInt(m.SentAt.UnixMilli(), 10),
			"SenderId": "AROAEXAMPLE:fourc-webhook", "ApproximateFirstReceiveTimestamp": strconv.FormatInt(time.Now().UnixMilli(), 10),
		},
	}}}
}

// lambdaWorld is what the Lambda functions run against: the fake GitHub with the pull request
// and the organisation's .github repository, DynamoDB on dynalite with a fresh table, SQS and
// Secrets Manager (holding the App's key and webhook secret) on the loopback stand-in, and the
// functions' environment naming them all; and the store on that table.
func lambdaWorld(t *testing.T) (*fakegithub.Server, *awsfake.Server, *dynamodb.Store, []string) {
	t.Helper()
	gh := newWorld(t)
	gh.AddRepo(instID, fakegithub.Repo{Owner: org, Name: ".github"})
	openPullRequest(gh, vulnSHA)
	ddb := dynalite.Start(t)
	table := dynalite.CreateTableName(t)
	if err := dynamodb.CreateTable(context.Background(), ddb.Client, table); err != nil {
		t.Fatal(err)
	}
	aws, err := awsfake.Start(queueURL, map[string]string{keyARN: string(gh.PrivateKeyPEM()), secretARN: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { aws.Close() })
	env := append(lambdaruntime.Environ(),
		"AWS_ENDPOINT_URL_DYNAMODB="+ddb.URL, "AWS_ENDPOINT_URL_SQS="+aws.URL, "AWS_ENDPOINT_URL_SECRETS_MANAGER="+aws.URL,
		"FOURC_TABLE="+table, "FOURC_QUEUE_URL="+queueURL, "FOURC_GITHUB_URL="+gh.URL, "FOURC_APP_ID="+fmt.Sprint(gh.AppID),
		"FOURC_PRIVATE_KEY_SECRET_ARN="+keyARN, "FOURC_WEBHOOK_SECRET_ARN="+secretARN,
	)
	return gh, aws, dynamodb.New(ddb.Client, table), env
}

// testLambdaFunctions runs the three built bootstraps (in bins) unmodified through the Runtime
// API stand-in, with DynamoDB on dynalite, SQS and Secrets Manager on the loopback stand-in,
// and GitHub on the fake: the webhook function records an installation and queues scans, the
// scan function completes the checks from the queued messages, and the summary function
// publishes the organisation's weekly issue.
func testLambdaFunctions(t *testing.T, bins string) {
	gh, aws, st, env := lambdaWorld(t)
	env = append(env, "TMPDIR="+t.TempDir())
	ctx := context.Background()

	// The webhook function: signed real payloads in API Gateway events.
	webhook := startLambda(t, filepath.Join(bins, "webhook"), env)
	deliveries := []struct {
		name    string
		event   string
		payload map[string]any
		forge   bool
		base64  bool
		status  int
	}{
		{"installation created", "installation", installationPayload(t, "created", repoName), false, false, http.StatusAccepted},
		{"pull request opened (base64 body)", "pull_request", prPayload(t, "opened", vulnSHA), false, true, http.StatusAccepted},
		{"forged pull request", "pull_request", prPayload(t, "reopened", vulnSHA), true, false, http.StatusUnauthorized},
	}
	for _, d := range deliveries {
		del, err := webhooks.New(secret, d.event, deliveryID(), d.payload)
		if err != nil {
			t.Fatal(err)
		}
		if d.forge {
			del.Signature = webhooks.Sign("not the secret", del.Body)
		}
		crossCheck(t, del)
		var resp events.APIGatewayV2HTTPResponse
		webhook.invoke(t, apiGatewayEvent(del, d.base64), &resp)
		if resp.StatusCode != d.status {
			t.Fatalf("%s: HTTP %d %q, want %d", d.name, resp.StatusCode, resp.Body, d.status)
		}
	}
	msgs := aws.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages sent to SQS, want 2 (default branch, pull request)", len(msgs))
	}
	if reads := aws.SecretReads(); reads[keyARN] != 1 || reads[secretARN] != 1 {
		t.Errorf("secrets read %v, want each once (at init, reused by warm invocations)", reads)
	}

	// The scan function: each message as its own SQS event, then one again as a redelivery.
	scan := startLambda(t, filepath.Join(bins, "scan"), env)
	for i, m := range append(msgs, msgs[1]) {
		var resp events.SQSEventResponse
		scan.invoke(t, sqsEvent(m, 1+i/len(msgs)), &resp)
		if len(resp.BatchItemFailures) != 0 {
			t.Fatalf("message %d: batch item failures %+v", i, resp.BatchItemFailures)
		}
	}
	pr := gh.CheckRuns(repoFull)
	if len(pr) != 2 {
		t.Fatalf("%d check runs, want the default branch's and the pull request's", len(pr))
	}
	for _, run := range pr {
		if run.HeadSHA == vulnSHA {
			assertVulnCheck(t, run)
			if len(run.Writes) != 3 {
				t.Errorf("pull request check written %d times, want 3 (the redelivery must not write)", len(run.Writes))
			}
		}
	}
	rec, err := st.GetRepo(ctx, instID, repoFull)
	if err != nil || rec.LastScan == nil || rec.LastScan.SHA != baseSHA {
		t.Errorf("repository record %+v (err %v): want its default-branch scan", rec, err)
	}

	// The summary function: the schedule's empty event publishes last week's issue.
	summary := startLambda(t, filepath.Join(bins, "summary"), env)
	var results []app.SummaryResult
	summary.invoke(t, map[string]any{}, &results)
	week := store.ISOWeek(time.Now().AddDate(0, 0, -7))
	if len(results) != 1 || results[0].Org != org || results[0].Repo != org+"/.github" || results[0].Issue == 0 || !results[0].Created {
		t.Fatalf("summary results %+v, want one new issue in %s/.github", results, org)
	}
	issues := gh.Issues(org + "/.github")
	if len(issues) != 1 || issues[0].Title != app.SummaryTitle(org, week) || issues[0].Number != results[0].Issue {
		t.Errorf("summary issues %+v, want #%d titled %q", issues, results[0].Issue, app.SummaryTitle(org, week))
	}
	for _, p := range aws.Problems() {
		t.Errorf("AWS stand-in refused a request: %s", p)
	}
	assertClean(t, gh, repoFull, org+"/.github")
}
