package test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/analyzers"
	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue/memory"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/bolt"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/webhooks"
)

// The scenarios' world: one organisation with the App installed on one repository.
const (
	instID    int64 = 4242
	org             = "acme"
	repoName        = "widgets"
	repoFull        = org + "/" + repoName
	secret          = "It's a Secret to Everybody"
	waitLimit       = 60 * time.Second // bound on any wait for the queue to drain
	forkOwner       = "contributor"
	prNumber        = 7
)

// scanners are the real ones, built once: they hold no per-scan state.
var scanners = sync.OnceValue(func() []engine.Scanner { return analyzers.All(analyzers.Options{}) })

// node is one Node process with @octokit/webhooks-methods for the whole test binary: every
// delivery a scenario posts is cross-checked with it.
var node = sync.OnceValues(webhooks.StartNode)

// storeKind opens a fresh, empty store for one scenario.
type storeKind struct {
	name string
	open func(t *testing.T) store.Store
	// dynamoURL is the DynamoDB endpoint the kind's tables live on ("" for bolt).
	dynamoURL string
}

// storeKinds returns bbolt and DynamoDB (on one dynalite server for the calling test, a table
// per scenario).
func storeKinds(t *testing.T) []storeKind {
	t.Helper()
	ddb := dynalite.Start(t)
	return []storeKind{
		{"bolt", func(t *testing.T) store.Store {
			st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}, ""},
		{"dynamodb", func(t *testing.T) store.Store {
			table := dynalite.CreateTableName(t) + "-" + rand.Text()[:6]
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := dynamodb.CreateTable(ctx, ddb.Client, table); err != nil {
				t.Fatal(err)
			}
			return dynamodb.New(ddb.Client, table)
		}, ddb.URL},
	}
}

// recordingSender hands every job the webhook queues to the real queue and remembers it once
// queued, so a job seen here is one Wait waits for.
type recordingSender struct {
	q    *memory.Queue
	mu   sync.Mutex
	jobs [][]byte
}

func (s *recordingSender) Send(ctx context.Context, body []byte) error {
	if err := s.q.Send(ctx, body); err != nil {
		return err
	}
	s.mu.Lock()
	s.jobs = append(s.jobs, append([]byte(nil), body...))
	s.mu.Unlock()
	return nil
}

func (s *recordingSender) sent() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.jobs)
}

// sleepRecorder waits as asked (so a Retry-After is really honoured) and remembers each wait.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func (r *sleepRecorder) all() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

// syncBuffer collects the App's logs, shown when a scenario fails.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is the App wired as `fourc serve` wires it — the webhook handler over HTTP, the
// in-process queue and worker, the real GitHub client — against the fake GitHub and a store.
type harness struct {
	t       *testing.T
	gh      *fakegithub.Server
	store   store.Store
	app     *app.App
	queue   *memory.Queue
	sender  *recordingSender
	sleeps  *sleepRecorder
	webhook *httptest.Server
	workDir string
	logs    *syncBuffer
	// repos are the fake's repositories, for the final checks.
	repos []string

	workerMu   sync.Mutex
	stopWorker func()

	hookMu sync.Mutex
	// hook, when set, sees each request of the App to GitHub before it is sent, to inject a
	// fault at a precise point (the fake's FailNext counts from when it is called).
	hook func(*http.Request)
}

// hookTransport lets a scenario watch the App's requests to GitHub.
type hookTransport struct{ h *harness }

func (t hookTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.h.hookMu.Lock()
	hook := t.h.hook
	t.h.hookMu.Unlock()
	if hook != nil {
		hook(req)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (h *harness) setHook(f func(*http.Request)) {
	h.hookMu.Lock()
	defer h.hookMu.Unlock()
	h.hook = f
}

// newHarness builds the world: installation instID on org with repoFull, the App, and a
// running worker unless the scenario starts it itself. At the end it asserts what holds in
// every scenario: no breach of GitHub's contract, and every check run completed.
func newHarness(t *testing.T, sk storeKind, startWorker bool) *harness {
	t.Helper()
	h := &harness{t: t, sleeps: &sleepRecorder{}, logs: &syncBuffer{}}
	h.gh = fakegithub.New(t, fakegithub.Options{})
	h.gh.AddInstallation(fakegithub.Installation{ID: instID, Account: org})
	h.addRepo(repoName)
	h.store = sk.open(t)
	client, err := githubapp.New(githubapp.Options{
		BaseURL: h.gh.URL, AppID: h.gh.AppID, PrivateKey: h.gh.PrivateKeyPEM(), UserAgent: "fourc-e2e", Transport: hookTransport{h},
		Retry: githubapp.RetryOptions{BaseDelay: 5 * time.Millisecond, MaxWait: 5 * time.Second, Sleep: h.sleeps.sleep},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.queue = memory.New(memory.Options{Concurrency: 2, MaxAttempts: 3, RetryDelay: 20 * time.Millisecond})
	h.sender = &recordingSender{q: h.queue}
	h.workDir = filepath.Join(t.TempDir(), "work")
	h.app = &app.App{
		GitHub: client, Store: h.store, Queue: h.sender,
		Log:            slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Scanners:       scanners(),
		WebhookSecrets: func() [][]byte { return [][]byte{[]byte(secret)} },
		Version:        "e2e", WorkDir: h.workDir, MaxAttempts: 3, ScanTimeout: time.Minute,
	}
	if err := mkdir(h.workDir); err != nil {
		t.Fatal(err)
	}
	if err := h.app.Init(); err != nil {
		t.Fatal(err)
	}
	h.webhook = httptest.NewServer(h.app.WebhookHandler())
	t.Cleanup(func() {
		h.stop()
		h.webhook.Close()
		if t.Failed() {
			t.Logf("App logs:\n%s", h.logs.String())
			return
		}
		h.assertContract()
	})
	if startWorker {
		h.start()
	}
	return h
}

func (h *harness) addRepo(name string) {
	h.gh.AddRepo(instID, fakegithub.Repo{Owner: org, Name: name})
	h.repos = append(h.repos, org+"/"+name)
}

// start runs the worker until the scenario ends.
func (h *harness) start() {
	h.workerMu.Lock()
	defer h.workerMu.Unlock()
	if h.stopWorker != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.queue.Run(ctx, h.app.HandleJob)
	}()
	h.stopWorker = func() {
		cancel()
		<-done
	}
}

func (h *harness) stop() {
	h.workerMu.Lock()
	defer h.workerMu.Unlock()
	if h.stopWorker != nil {
		h.stopWorker()
		h.stopWorker = nil
	}
}

// drain waits, within waitLimit, until every queued job was handled or given up on.
func (h *harness) drain() {
	h.t.Helper()
	done := make(chan struct{})
	go func() {
		h.queue.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(waitLimit):
		h.t.Fatalf("queue not drained within %s", waitLimit)
	}
	if dead := h.queue.DeadLetters(); len(dead) > 0 {
		h.t.Errorf("%d jobs went to the dead letters; first: %s", len(dead), dead[0].Body)
	}
}

// assertContract checks what every scenario must leave behind.
func (h *harness) assertContract() {
	h.t.Helper()
	assertClean(h.t, h.gh, h.repos...)
}

// deliveryID makes an id shaped like GitHub's (a UUID).
func deliveryID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// sign encodes and signs payload as a delivery of event.
func (h *harness) sign(event string, payload map[string]any) webhooks.Delivery {
	h.t.Helper()
	d, err := webhooks.New(secret, event, deliveryID(), payload)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// post sends a delivery to the webhook handler and returns the status and body. Every
// delivery is first cross-checked with @octokit/webhooks-methods.
func (h *harness) post(d webhooks.Delivery) (int, string) {
	h.t.Helper()
	crossCheck(h.t, d)
	return postDelivery(h.t, h.webhook.URL+"/webhook", d)
}

// crossCheck has Node's @octokit/webhooks-methods sign the body with the App's secret and
// verify the delivery's signature: its signature must equal the tests' and the App's, and it
// must accept exactly the deliveries signed with the secret.
func crossCheck(t *testing.T, d webhooks.Delivery) {
	t.Helper()
	n, err := node()
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.Check(secret, d)
	if err != nil {
		t.Fatal(err)
	}
	want := webhooks.Sign(secret, d.Body)
	if res.Signature != want || githubapp.Sign([]byte(secret), d.Body) != want {
		t.Fatalf("signatures differ: octokit %s, tests %s, App %s", res.Signature, want, githubapp.Sign([]byte(secret), d.Body))
	}
	if genuine := d.Signature == want; res.Verified != genuine {
		t.Fatalf("octokit verify = %v for a delivery whose signature is genuine=%v", res.Verified, genuine)
	}
}

// postDelivery POSTs d to url and returns the status and the trimmed body.
func postDelivery(t *testing.T, url string, d webhooks.Delivery) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := d.Request(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// deliver signs and posts payload, expecting want.
func (h *harness) deliver(event string, payload map[string]any, want int) string {
	h.t.Helper()
	status, body := h.post(h.sign(event, payload))
	if status != want {
		h.t.Fatalf("%s webhook: HTTP %d %q, want %d", event, status, body, want)
	}
	return body
}

// checkRuns returns the fake's check runs on repo at sha.
func (h *harness) checkRuns(repo, sha string) []fakegithub.CheckRun {
	var out []fakegithub.CheckRun
	for _, run := range h.gh.CheckRuns(repo) {
		if run.HeadSHA == sha {
			out = append(out, run)
		}
	}
	return out
}

// onlyCheckRun returns the one check run on repoFull at sha, failing unless there is exactly one.
func (h *harness) onlyCheckRun(sha string) fakegithub.CheckRun {
	h.t.Helper()
	runs := h.checkRuns(repoFull, sha)
	if len(runs) != 1 {
		h.t.Fatalf("%d check runs on %s, want 1: %+v", len(runs), sha[:7], runs)
	}
	return runs[0]
}

// prScan returns the stored pull-request scan of sha and its findings.
func (h *harness) prScan(sha string) (store.Scan, []store.StoredFinding) {
	h.t.Helper()
	ctx := context.Background()
	key := store.ScanKey{Repo: repoFull, SHA: sha, Variant: fmt.Sprintf("pr%d-%s-default", prNumber, h.app.RulesVersion())}
	sc, err := h.store.GetScan(ctx, key)
	if err != nil {
		h.t.Fatalf("stored scan %s: %v", key, err)
	}
	fs, err := h.store.Findings(ctx, key)
	if err != nil {
		h.t.Fatal(err)
	}
	return sc, fs
}

func fullScanKey(a *app.App, repo, sha string) store.ScanKey {
	return store.ScanKey{Repo: repo, SHA: sha, Variant: "full-" + a.RulesVersion() + "-default"}
}
