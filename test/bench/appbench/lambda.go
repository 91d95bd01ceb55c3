package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/test/awsfake"
	"github.com/fourcsec/fourc/test/lambdaruntime"
)

const (
	queueURL  = "https://sqs.us-east-1.amazonaws.com/123456789012/fourc-scan"
	keyARN    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fourc/app-private-key-AbCdEf"
	secretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fourc/webhook-secret-GhIjKl"
)

// build compiles the webhook bootstrap as `make build-WebhookFunction` does, for goarch.
func build(repo, out, goarch string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, "./functions/webhook")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0", "GOFLAGS=", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build webhook for %s: %v\n%s", goarch, err, b)
	}
	return nil
}

func benchLambda(tb *benchTB, w *world, o options) error {
	dir := tb.TempDir()
	fmt.Printf("### Webhook bootstrap\n\n")
	fmt.Println("| build | size | target |")
	fmt.Println("|---|---:|---|")
	bins := map[string]string{}
	for _, arch := range []string{"arm64", "amd64"} {
		out := filepath.Join(dir, arch, "bootstrap")
		if err := build(o.repo, out, arch); err != nil {
			return err
		}
		fi, err := os.Stat(out)
		if err != nil {
			return err
		}
		bins[arch] = out
		verdict := "≤ 20 MB: met"
		if fi.Size() > 20<<20 {
			verdict = "≤ 20 MB: **missed**"
		}
		fmt.Printf("| linux/%s, `-s -w`, lambda.norpc | %.1f MB (%d bytes) | %s |\n", arch, float64(fi.Size())/(1<<20), fi.Size(), verdict)
	}
	fmt.Println()
	local, ok := bins[runtime.GOARCH]
	if runtime.GOOS != "linux" || !ok {
		fmt.Printf("Cold start not measured: this machine is %s/%s.\n\n", runtime.GOOS, runtime.GOARCH)
		return nil
	}
	return coldStarts(tb, w, o, local)
}

// coldStarts starts the bootstrap o.coldRuns times, each a fresh process against a fresh
// Runtime API, and times init (process start to its first request for an event) and the
// first event handled (a signed pull_request webhook answered 202, which includes fetching the
// installation token, creating the check run, the dedupe write and the SQS send).
func coldStarts(tb *benchTB, w *world, o options, bin string) error {
	table := fmt.Sprintf("appbench-lambda-%d", time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := dynamodb.CreateTable(ctx, w.ddb.Client, table); err != nil {
		return err
	}
	aws, err := awsfake.Start(queueURL, map[string]string{keyARN: string(w.gh.PrivateKeyPEM()), secretARN: secret})
	if err != nil {
		return err
	}
	defer aws.Close()
	env := append(lambdaruntime.Environ(), "TMPDIR="+tb.TempDir(),
		"AWS_ENDPOINT_URL_DYNAMODB="+w.ddb.URL, "AWS_ENDPOINT_URL_SQS="+aws.URL, "AWS_ENDPOINT_URL_SECRETS_MANAGER="+aws.URL,
		"FOURC_TABLE="+table, "FOURC_QUEUE_URL="+queueURL, "FOURC_GITHUB_URL="+w.gh.URL, "FOURC_APP_ID="+fmt.Sprint(w.gh.AppID),
		"FOURC_PRIVATE_KEY_SECRET_ARN="+keyARN, "FOURC_WEBHOOK_SECRET_ARN="+secretARN)
	var inits, firsts, warms []time.Duration
	for i := range o.coldRuns {
		init, first, warm, err := coldStart(w, bin, env, i)
		if err != nil {
			return err
		}
		inits, firsts, warms = append(inits, init), append(firsts, first), append(warms, warm)
	}
	if p := aws.Problems(); len(p) > 0 {
		return fmt.Errorf("AWS stand-in refused requests: %s", strings.Join(p, "; "))
	}
	verdict := "≤ 50 ms: met"
	if percentile(inits, 50) > 50*time.Millisecond {
		verdict = "≤ 50 ms: **missed**"
	}
	fmt.Printf("Cold start of the linux/%s bootstrap through the Runtime API stand-in (DynamoDB on dynalite, SQS and Secrets Manager on the loopback stand-in, GitHub on the fake), %d fresh processes, median (min–max):\n\n", runtime.GOARCH, o.coldRuns)
	fmt.Println("| measure | median | min | max | target |")
	fmt.Println("|---|---:|---:|---:|---|")
	fmt.Printf("| init: process start → first `next` (config, 2 secret reads, clients) | %s | %s | %s | %s |\n", ms(percentile(inits, 50)), ms(percentile(inits, 0)), ms(percentile(inits, 100)), verdict)
	fmt.Printf("| process start → first event handled (202) | %s | %s | %s | — |\n", ms(percentile(firsts, 50)), ms(percentile(firsts, 0)), ms(percentile(firsts, 100)))
	fmt.Printf("| second (warm) event handled | %s | %s | %s | — |\n", ms(percentile(warms, 50)), ms(percentile(warms, 0)), ms(percentile(warms, 100)))
	fmt.Println()
	return nil
}

func coldStart(w *world, bin string, env []string, i int) (init, first, warm time.Duration, err error) {
	rt, err := lambdaruntime.Start(lambdaruntime.Options{Timeout: 10 * time.Second})
	if err != nil {
		return 0, 0, 0, err
	}
	defer rt.Close()
	fn, err := rt.StartFunction(bin, env)
	if err != nil {
		return 0, 0, 0, err
	}
	defer fn.Stop()
	invoke := func(id string) (time.Time, error) {
		d, err := prDelivery(id, 1, w.headSHA, w.baseSHA)
		if err != nil {
			return time.Time{}, err
		}
		headers := map[string]string{}
		for k, v := range d.Headers() {
			headers[strings.ToLower(k)] = v
		}
		payload, err := json.Marshal(events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "POST /webhook", RawPath: "/webhook",
			Headers: headers, Body: string(d.Body),
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/webhook"}}})
		if err != nil {
			return time.Time{}, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := rt.Invoke(ctx, payload)
		if err != nil {
			return time.Time{}, fmt.Errorf("cold start %d: %w\n%s", i, err, fn.Output())
		}
		var resp events.APIGatewayV2HTTPResponse
		if res.Err != nil || json.Unmarshal(res.Payload, &resp) != nil || resp.StatusCode != 202 {
			return time.Time{}, fmt.Errorf("cold start %d: %v %s\n%s", i, res.Err, res.Payload, fn.Output())
		}
		return time.Now(), nil
	}
	firstDone, err := invoke(fmt.Sprintf("cold-%d-%d", i, time.Now().UnixNano()))
	if err != nil {
		return 0, 0, 0, err
	}
	secondStart := time.Now()
	if _, err := invoke(fmt.Sprintf("warm-%d-%d", i, time.Now().UnixNano())); err != nil {
		return 0, 0, 0, err
	}
	return rt.ReadyAt().Sub(fn.Started), firstDone.Sub(fn.Started), time.Since(secondStart), nil
}
