package test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/awsapp"
	"github.com/fourcsec/fourc/shared/engine"
	sqsqueue "github.com/fourcsec/fourc/shared/queue/sqs"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/webhooks"
)

// The AWS key pair config/deploy.env commits in the vuln push (see deployEnv).
const (
	scannedKeyID     = "AKIAQYLPMN5HHHFPZAM2"
	scannedSecretKey = "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"
)

// TestSecretsNeverLogged runs the App through everything that handles a secret — genuine and
// forged webhook deliveries, a scan of a pull request that commits an AWS key pair, a GitHub
// failure retried, an installation token revoked mid-scan, the weekly summary — wired as
// `fourc serve` wires it and as the Lambda functions do, capturing every log record: the App's
// logger, slog's default logger (and through it the log package) and the Lambda functions'
// standard output. No record may hold the webhook secret, a line of the App's private key, an
// App JWT, an installation token, a signed archive link or the committed key pair. The records
// must be JSON and must cover each step, so that a logger writing nowhere cannot pass.
//
// It is not parallel: it replaces slog's default logger and the log package's output, sets the
// environment the AWS SDK reads, and replaces os.Stdout while the Lambda wiring builds its logger.
func TestSecretsNeverLogged(t *testing.T) {
	global := captureGlobalLogs(t)
	var all []secretValue
	for _, sk := range storeKinds(t) {
		t.Run("fourc serve wiring on "+sk.name, func(t *testing.T) { all = append(all, testSecretsServe(t, sk)...) })
	}
	t.Run("Lambda wiring", func(t *testing.T) { all = append(all, testSecretsLambda(t)...) })
	// Nothing logs there today; whatever does one day must keep the secrets of every run too.
	assertNoSecretLogged(t, "slog's default logger", global.String(), all, false)
}

// captureGlobalLogs sends slog's default logger, and with it the log package, to a buffer as
// JSON until the test ends.
func captureGlobalLogs(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	logger, out, flags, prefix := slog.Default(), log.Writer(), log.Flags(), log.Prefix()
	slog.SetDefault(slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() {
		// Restoring slog's own default leaves the log package writing into the buffer.
		slog.SetDefault(logger)
		log.SetOutput(out)
		log.SetFlags(flags)
		log.SetPrefix(prefix)
	})
	return buf
}

// secretValue is a value no log may hold, and what it is (never the value, in a failure message).
type secretValue struct{ what, value string }

// secretsOf lists every secret of a run against gh with webhookSecret. It fails the test when
// the run used no App JWT or installation token, which would make the check vacuous.
func secretsOf(t *testing.T, gh *fakegithub.Server, webhookSecret string) []secretValue {
	t.Helper()
	out := []secretValue{
		{"webhook secret", webhookSecret},
		{"AWS access key id committed to the scanned repository", scannedKeyID},
		{"AWS secret access key committed to the scanned repository", scannedSecretKey},
	}
	for i, line := range strings.Split(string(gh.PrivateKeyPEM()), "\n") {
		// Base64 lines only; a short last line could match by chance.
		if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			out = append(out, secretValue{fmt.Sprintf("line %d of the App's private key", i+1), line})
		}
	}
	jwts := gh.AppJWTs()
	for _, jwt := range jwts {
		out = append(out, secretValue{"App JWT", jwt}, secretValue{"App JWT signature", jwt[strings.LastIndex(jwt, ".")+1:]})
	}
	tokens := 0
	for _, r := range gh.TokenRequests() {
		if r.Token != "" {
			tokens++
			out = append(out, secretValue{"installation token", r.Token}, secretValue{"installation token without its prefix", strings.TrimPrefix(r.Token, "ghs_")})
		}
	}
	for _, r := range gh.Requests() {
		if q, err := url.ParseQuery(r.Query); err == nil && q.Get("token") != "" {
			out = append(out, secretValue{"signature of an archive link", q.Get("token")})
		}
	}
	if len(jwts) == 0 || tokens == 0 {
		t.Fatalf("the run used %d App JWTs and %d installation tokens; the check needs both", len(jwts), tokens)
	}
	return out
}

// assertNoSecretLogged checks logs, records of slog's JSON handler one per line: each is JSON,
// there is at least one when required, and none holds a secret, as written or as JSON decodes
// it (the handler escapes some characters).
func assertNoSecretLogged(t *testing.T, where, logs string, secrets []secretValue, required bool) []map[string]any {
	t.Helper()
	var records []map[string]any
	var decoded strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("%s: a record is not JSON: %q", where, line)
			continue
		}
		records = append(records, rec)
		fmt.Fprintln(&decoded, rec)
	}
	if required && len(records) == 0 {
		t.Errorf("%s: no log record at all; a logger writing nowhere would pass this test", where)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s.value) || strings.Contains(decoded.String(), s.value) {
			t.Errorf("%s: the %s is in the logs", where, s.what)
		}
	}
	return records
}

// assertLogged fails unless records hold a record with each message of want.
func assertLogged(t *testing.T, where string, records []map[string]any, want ...string) {
	t.Helper()
	seen := map[string]bool{}
	for _, rec := range records {
		if msg, ok := rec["msg"].(string); ok {
			seen[msg] = true
		}
	}
	for _, msg := range want {
		if !seen[msg] {
			t.Errorf("%s: no %q record; the logs miss a step", where, msg)
		}
	}
}

// revokeOnFirstArchive has GitHub revoke the App's tokens when the first archive is fetched, so
// that a scan meets a 401 and fetches a fresh token.
func revokeOnFirstArchive(gh *fakegithub.Server) func(*http.Request) {
	var once sync.Once
	return func(r *http.Request) {
		if strings.Contains(r.URL.Path, "/_codeload/") {
			once.Do(func() { gh.ExpireTokens() })
		}
	}
}

// forge signs payload as a delivery of event with the wrong secret.
func forge(t *testing.T, event string, payload map[string]any) webhooks.Delivery {
	t.Helper()
	d, err := webhooks.New(secret, event, deliveryID(), payload)
	if err != nil {
		t.Fatal(err)
	}
	d.Signature = webhooks.Sign("not the secret", d.Body)
	return d
}

func testSecretsServe(t *testing.T, sk storeKind) []secretValue {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.addRepo(".github")
	h.openPR(vulnSHA)
	h.gh.FailNext("GET", "/repos/acme/widgets/pulls/7", http.StatusBadGateway, 1, nil)
	h.setHook(revokeOnFirstArchive(h.gh))

	h.deliver("installation", installationPayload(t, "created", repoName), http.StatusAccepted)
	if status, body := h.post(forge(t, "pull_request", prPayload(t, "opened", vulnSHA))); status != http.StatusUnauthorized {
		t.Fatalf("forged delivery: HTTP %d %q, want 401", status, body)
	}
	h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
	h.drain()
	assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
	res, err := h.app.PublishSummary(context.Background(), instID, store.ISOWeek(time.Now()))
	if err != nil || res.Issue == 0 {
		t.Fatalf("weekly summary: %+v, %v", res, err)
	}
	if got := statusCount(h, "GET", "/repos/acme/widgets/pulls/7", http.StatusBadGateway); got != 1 {
		t.Errorf("GitHub failure answered %d times, want 1", got)
	}
	if !slices.ContainsFunc(h.gh.Requests(), func(r fakegithub.Request) bool { return r.Status == http.StatusUnauthorized }) {
		t.Error("no request met the revoked token: the run did not replace one")
	}

	secrets := secretsOf(t, h.gh, secret)
	records := assertNoSecretLogged(t, "the App's logs", h.logs.String(), secrets, true)
	assertLogged(t, "the App's logs", records, "webhook handled", "webhook rejected", "scan stored", "scan job done", "summary published")
	return secrets
}

// testSecretsLambda builds the three functions' Apps in-process as their main packages do —
// awsapp.New reading the key and the webhook secret from Secrets Manager (the loopback
// stand-in), DynamoDB on dynalite — and runs them through Lambda's own handler adapters.
func testSecretsLambda(t *testing.T) []secretValue {
	gh, aws, _, env := lambdaWorld(t)
	ctx := context.Background()
	for _, kv := range env {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "FOURC_") {
			t.Setenv(name, value)
		}
	}
	settings, err := awsapp.SettingsFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	// As in functions/*/main.go: only the webhook reads the webhook secret, only the scan
	// function carries scanners.
	withoutHooks := settings
	withoutHooks.WebhookSecretARN = ""
	stdout := filepath.Join(t.TempDir(), "stdout.log")
	apps := buildWithStdout(t, stdout, func() ([]*app.App, error) {
		var apps []*app.App
		for _, build := range []struct {
			settings awsapp.Settings
			scan     bool
		}{{settings, false}, {withoutHooks, true}, {withoutHooks, false}} {
			var withScanners []engine.Scanner
			if build.scan {
				withScanners = scanners()
			}
			a, err := awsapp.New(ctx, build.settings, withScanners, "secrets-test")
			if err != nil {
				return nil, err
			}
			apps = append(apps, a)
		}
		return apps, nil
	})
	webhookApp, scanApp, summaryApp := apps[0], apps[1], apps[2]
	summaryApp.WebURL = app.WebURLForAPI(settings.GitHubURL)

	webhook := lambda.NewHandler(app.LambdaHTTP(webhookApp.WebhookHandler()))
	for _, d := range []struct {
		delivery webhooks.Delivery
		want     int
	}{
		{signed(t, "installation", installationPayload(t, "created", repoName)), http.StatusAccepted},
		{forge(t, "pull_request", prPayload(t, "opened", vulnSHA)), http.StatusUnauthorized},
		{signed(t, "pull_request", prPayload(t, "opened", vulnSHA)), http.StatusAccepted},
	} {
		crossCheck(t, d.delivery)
		event, err := json.Marshal(apiGatewayEvent(d.delivery, false))
		if err != nil {
			t.Fatal(err)
		}
		out, err := webhook.Invoke(ctx, event)
		var resp events.APIGatewayV2HTTPResponse
		if err == nil {
			err = json.Unmarshal(out, &resp)
		}
		if err != nil || resp.StatusCode != d.want {
			t.Fatalf("%s delivery: HTTP %d %q (%v), want %d", d.delivery.Event, resp.StatusCode, resp.Body, err, d.want)
		}
	}
	gh.FailNext("GET", "/repos/acme/widgets/pulls/7", http.StatusBadGateway, 1, nil)
	for _, m := range aws.Messages() {
		if strings.Contains(m.Body, `"pr":7`) {
			// The pull request's scan starts with the token the default branch's scan left
			// cached, which GitHub has revoked meanwhile.
			gh.ExpireTokens()
		}
		if resp := sqsqueue.HandleBatch(ctx, sqsEvent(m, 1), scanApp.HandleJob); len(resp.BatchItemFailures) > 0 {
			t.Fatalf("scan of %s failed: %+v", m.Body, resp.BatchItemFailures)
		}
	}
	for _, run := range gh.CheckRuns(repoFull) {
		if run.HeadSHA == vulnSHA {
			assertVulnCheck(t, run)
		}
	}
	results, err := summaryApp.PublishSummaries(ctx, store.ISOWeek(time.Now()))
	if err != nil || len(results) != 1 || results[0].Issue == 0 {
		t.Fatalf("weekly summaries %+v, %v", results, err)
	}
	for _, p := range aws.Problems() {
		t.Errorf("AWS stand-in refused a request: %s", p)
	}
	assertClean(t, gh, repoFull, org+"/.github")

	logs, err := os.ReadFile(stdout)
	if err != nil {
		t.Fatal(err)
	}
	secrets := secretsOf(t, gh, secret)
	records := assertNoSecretLogged(t, "the Lambda functions' standard output", string(logs), secrets, true)
	assertLogged(t, "the Lambda functions' standard output", records, "webhook handled", "webhook rejected", "scan job done", "summary published")
	return secrets
}

// signed signs payload as a genuine delivery of event.
func signed(t *testing.T, event string, payload map[string]any) webhooks.Delivery {
	t.Helper()
	d, err := webhooks.New(secret, event, deliveryID(), payload)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// buildWithStdout runs build with os.Stdout writing to the file at path, so that loggers built
// on os.Stdout (the Lambda wiring's) write there for good, and restores os.Stdout.
func buildWithStdout[T any](t *testing.T, path string, build func() (T, error)) T {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	saved := os.Stdout
	os.Stdout = f
	out, err := build()
	os.Stdout = saved
	if err != nil {
		t.Fatal(err)
	}
	return out
}
