package test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	awsdynamodb "github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/queue/memory"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/bolt"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/loadgen"
	"github.com/fourcsec/fourc/test/webhooks"
)

// The load tests' size comes from the environment, so that `make load` runs them at full size
// (500 requests per second for 60 s) while `make test` keeps them short.
const (
	// loadRateEnv is the webhook requests per second: by default 500, or a fifth of it under the
	// race detector, which slows the handler several times over (a rate it cannot sustain would
	// measure the detector, not the App; `make load` runs without it).
	loadRateEnv     = "FOURC_LOAD_RATE"
	loadDurationEnv = "FOURC_LOAD_DURATION" // length of the measured webhook load (default 4s)
	loadReportEnv   = "FOURC_LOAD_REPORT"   // a file each load test appends its Markdown table to
)

func loadRate(t *testing.T) int {
	t.Helper()
	rate := 500 / raceSlowdown
	if v := os.Getenv(loadRateEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 5000 {
			t.Fatalf("%s=%q: want requests per second, 1..5000", loadRateEnv, v)
		}
		rate = n
	}
	return rate
}

func loadDuration(t *testing.T) time.Duration {
	t.Helper()
	d := 4 * time.Second
	if v := os.Getenv(loadDurationEnv); v != "" {
		parsed, err := time.ParseDuration(v)
		if err != nil || parsed < time.Second || parsed > 10*time.Minute {
			t.Fatalf("%s=%q: want a duration from 1s to 10m", loadDurationEnv, v)
		}
		d = parsed
	}
	return d
}

// writeLoadReport logs a report section and appends it to FOURC_LOAD_REPORT when set.
func writeLoadReport(t *testing.T, section string) {
	t.Helper()
	t.Log("\n" + section)
	path := os.Getenv(loadReportEnv)
	if path == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("load report: %v", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatalf("load report: %v", err)
	}
	defer f.Close()
	if _, err := f.WriteString(section + "\n"); err != nil {
		t.Fatalf("load report: %v", err)
	}
}

// loadStore is a store the load test can also release the connections of, so that counting
// goroutines is not thrown off by a connection pool.
type loadStore struct {
	name      string
	open      func(t *testing.T) store.Store
	closeIdle func()
}

// loadStores returns bbolt and DynamoDB on dynalite, the latter over a connection pool of the
// test's own.
func loadStores(t *testing.T) []loadStore {
	t.Helper()
	ddb := dynalite.Start(t)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	client := awsdynamodb.New(ddb.Client.Options(), func(o *awsdynamodb.Options) {
		o.HTTPClient = &http.Client{Transport: transport}
	})
	return []loadStore{
		{name: "bolt", closeIdle: func() {}, open: func(t *testing.T) store.Store {
			st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{name: "dynamodb", closeIdle: transport.CloseIdleConnections, open: func(t *testing.T) store.Store {
			table := dynalite.CreateTableName(t) + "-" + rand.Text()[:6]
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := dynamodb.CreateTable(ctx, client, table); err != nil {
				t.Fatal(err)
			}
			return dynamodb.New(client, table)
		}},
	}
}

// jobCounter is the queue as the webhook handler sees it: it counts the jobs of each delivery
// id, then hands them to the real in-process queue.
type jobCounter struct {
	q         *memory.Queue
	mu        sync.Mutex
	byID      map[string]int
	malformed []string
}

func (c *jobCounter) Send(ctx context.Context, body []byte) error {
	var job app.Job
	c.mu.Lock()
	if err := json.Unmarshal(body, &job); err != nil || job.DeliveryID == "" {
		c.malformed = append(c.malformed, string(body))
	} else {
		c.byID[job.DeliveryID]++
	}
	c.mu.Unlock()
	return c.q.Send(ctx, body)
}

func (c *jobCounter) counts() (map[string]int, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.byID), append([]string(nil), c.malformed...)
}

// heapSampler records the peak of the heap's live and not yet swept objects while it runs.
type heapSampler struct {
	stop chan struct{}
	done chan uint64
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), done: make(chan uint64, 1)}
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) peak() uint64 {
	close(s.stop)
	return <-s.done
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// settledGoroutines counts goroutines once the count stops falling (connections being closed
// end theirs a moment later).
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m >= n {
			return m
		}
		n = m
	}
	return n
}

// waitGoroutines waits until at most want goroutines run, and returns how many do.
func waitGoroutines(want int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func msec(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// Bounds of the webhook load. The webhook answers GitHub within its 10 s by design; the p99
// bound is far tighter, yet loose enough for a shared two-core CI machine under the race
// detector, where every step runs several times slower.
var (
	webhookP99Bound = 400 * time.Millisecond * raceSlowdown
	// Retained heap may grow by the test's own records and the fake GitHub's (a few hundred
	// bytes a request); a request body kept by the App (7 to 25 KB) would exceed this.
	retainedPerRequest uint64 = 3 << 10
	peakHeapBound      uint64 = 256 << 20
)

// webhookTemplates are the mix's real example payloads, rewritten to the world's repository:
// a pull request opened and a check suite requested on the default branch, each queueing a
// scan, and a push, which the App acknowledges and ignores.
func webhookTemplates(t *testing.T) (templates []loadgen.Template, queuesJob []bool) {
	t.Helper()
	encode := func(event string, m map[string]any, job bool) {
		body, err := webhooks.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		templates = append(templates, loadgen.Template{Event: event, Body: body})
		queuesJob = append(queuesJob, job)
	}
	encode("pull_request", prPayload(t, "opened", vulnSHA), true)
	encode("check_suite", checkSuitePayload(t, "requested", baseSHA), true)
	pushes, err := webhooks.Examples("push")
	if err != nil {
		t.Fatal(err)
	}
	var push map[string]any
	for _, m := range pushes {
		if _, err := webhooks.Get(m, "installation.id"); err == nil && strings.HasPrefix(fmt.Sprint(m["ref"]), "refs/heads/") {
			push = m
			break
		}
	}
	if push == nil {
		t.Fatal("no push example with an installation on a branch")
	}
	fields := map[string]any{"installation.id": instID, "ref": "refs/heads/main", "after": baseSHA}
	maps.Copy(fields, repoFields("repository", org, repoName))
	encode("push", rewrite(t, push, fields), false)
	return templates, queuesJob
}

// webhookLoadResult is one store's row of the report.
type webhookLoadResult struct {
	store                             string
	tally                             loadgen.Tally
	run                               loadgen.Run
	jobs                              int
	peakHeap, heapBefore, retained    uint64
	goroutinesBefore, goroutinesAfter int
	stall                             string // the machine's CPU and IO stall during the load
}

// TestWebhookLoad puts the webhook endpoint — the handler `fourc serve` and the webhook Lambda
// serve, over real HTTP on loopback — under an open-loop load of real example payloads,
// FOURC_LOAD_RATE per second for FOURC_LOAD_DURATION, on each store: 70% valid deliveries with
// ids of their own, 15% forged signatures (five ways), 15% re-sends of a delivery already
// answered. Every valid delivery is accepted, every forged one refused and never queued, every
// re-send answered 2xx and never queued again: the queue holds exactly one job per delivery
// that queues one. Nothing answers 5xx, nothing is dropped, p99 stays within its bound, and
// goroutines and heap come back down afterwards.
func TestWebhookLoad(t *testing.T) {
	rate, duration := loadRate(t), loadDuration(t)
	templates, queuesJob := webhookTemplates(t)
	var results []webhookLoadResult
	for _, ls := range loadStores(t) {
		t.Run(ls.name, func(t *testing.T) {
			results = append(results, runWebhookLoad(t, ls, templates, queuesJob, rate, duration))
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Webhook endpoint under load\n\n%d requests/s for %s on loopback (open loop, at most %d in flight), %s, GOMAXPROCS %d, race detector %v. Latency from each request's scheduled time to its answer. The stall is the share of the load's time in which some task on the machine, this test's or a neighbour's, waited for CPU or for IO (Linux's pressure stall information).\n\n",
		rate, duration, loadgen.DefaultMaxInFlight, runtime.Version(), runtime.GOMAXPROCS(0), raceSlowdown > 1)
	b.WriteString("| store | sent | accepted | rejected (forged) | duplicates suppressed | duplicates 2xx (ignored event) | jobs queued | dropped | p50 | p99 | max | peak heap | heap retained | goroutines before / after | machine stall |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %d / %d | %s |\n",
			r.store, r.run.Sent, r.tally.Accepted, r.tally.Rejected, r.tally.Suppressed, r.tally.DuplicatesOther, r.jobs, r.run.Dropped,
			msec(loadgen.Percentile(r.run.Latencies, 50)), msec(loadgen.Percentile(r.run.Latencies, 99)), msec(loadgen.Percentile(r.run.Latencies, 100)),
			mib(r.peakHeap), mib(r.retained), r.goroutinesBefore, r.goroutinesAfter, r.stall)
	}
	writeLoadReport(t, b.String())
}

// runWebhookLoad measures one store: a fresh world, App and store, a warm-up, then the load.
func runWebhookLoad(t *testing.T, ls loadStore, templates []loadgen.Template, queuesJob []bool, rate int, duration time.Duration) webhookLoadResult {
	gh := newWorld(t)
	st := ls.open(t)
	ghTransport := http.DefaultTransport.(*http.Transport).Clone()
	client, err := githubapp.New(githubapp.Options{BaseURL: gh.URL, AppID: gh.AppID, PrivateKey: gh.PrivateKeyPEM(), UserAgent: "fourc-load", Transport: ghTransport})
	if err != nil {
		t.Fatal(err)
	}
	q := memory.New(memory.Options{Concurrency: 2, Capacity: 1 << 14})
	jobs := &jobCounter{q: q, byID: map[string]int{}}
	a := &app.App{
		GitHub: client, Store: st, Queue: jobs, Log: slog.New(slog.DiscardHandler), Scanners: scanners(),
		WebhookSecrets: func() [][]byte { return [][]byte{[]byte(secret)} }, Version: "load", WorkDir: t.TempDir(),
	}
	if err := a.Init(); err != nil {
		t.Fatal(err)
	}
	// The worker only takes the jobs off the queue: this test is about the endpoint.
	workerCtx, stopWorker := context.WithCancel(context.Background())
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		q.Run(workerCtx, func(context.Context, queue.Message) error { return nil })
	}()
	mux := http.NewServeMux()
	mux.Handle("POST /webhook", a.WebhookHandler())
	srv := httptest.NewServer(mux)
	defer func() {
		srv.Close()
		stopWorker()
		<-workerDone
	}()
	loadClient := loadgen.NewClient(loadgen.DefaultMaxInFlight)
	closeIdle := func() {
		loadClient.CloseIdleConnections()
		ghTransport.CloseIdleConnections()
		ls.closeIdle()
	}
	prefix := fmt.Sprintf("%s-%s-", ls.name, rand.Text()[:8])
	runMix := func(name string, count int) (*loadgen.WebhookMix, loadgen.Run) {
		t.Helper()
		mix, err := loadgen.NewWebhookMix(loadgen.MixOptions{URL: srv.URL + "/webhook", Secret: secret,
			ForgedShare: 0.15, DuplicateShare: 0.15, IDPrefix: prefix + name + "-", Seed: 8}, templates)
		if err != nil {
			t.Fatal(err)
		}
		run, err := loadgen.OpenLoop(context.Background(), loadgen.Options{Rate: rate, Count: count, Client: loadClient}, mix.Request, mix.Record)
		if err != nil {
			t.Fatal(err)
		}
		return mix, run
	}

	// A second of the same load warms up connections, the token cache and dynalite's JIT; its
	// answers are checked like the measured run's.
	warmMix, _ := runMix("warm", rate)
	q.Wait()
	closeIdle()
	goroutinesBefore := settledGoroutines()
	heapBefore := liveHeap()

	sampler, stall := startHeapSampler(), loadgen.StartStall()
	mix, run := runMix("load", rate*int(duration/time.Second))
	peak, stallText := sampler.peak(), stall.String()
	drained := make(chan struct{})
	go func() { q.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(waitLimit):
		t.Fatalf("queue not drained within %s", waitLimit)
	}
	closeIdle()
	heapAfter := liveHeap()
	// Two goroutines of slack: the runtime and net/http may park a helper for a moment.
	goroutinesAfter := waitGoroutines(goroutinesBefore+2, 5*time.Second)

	counts, malformed := jobs.counts()
	res := webhookLoadResult{store: ls.name, tally: mix.Tally(), run: run, peakHeap: peak, heapBefore: heapBefore,
		goroutinesBefore: goroutinesBefore, goroutinesAfter: goroutinesAfter, stall: stallText}
	if heapAfter > heapBefore {
		res.retained = heapAfter - heapBefore
	}
	for _, d := range mix.Deliveries() {
		if d.Kind == loadgen.Valid {
			res.jobs += counts[d.ID]
		}
	}

	if len(malformed) > 0 {
		t.Errorf("%d queued jobs are not jobs with a delivery id; first: %.200s", len(malformed), malformed[0])
	}
	queued := map[string]bool{}
	var problems []string
	for _, m := range []*loadgen.WebhookMix{warmMix, mix} {
		for _, d := range m.Deliveries() {
			if p := loadDeliveryProblem(d, templates, queuesJob, counts); p != "" {
				problems = append(problems, p)
			}
			if d.Kind == loadgen.Valid && queuesJob[d.Template] {
				queued[d.ID] = true
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d deliveries answered or queued wrongly; the first ones:\n%s", len(problems), strings.Join(problems[:min(len(problems), 10)], "\n"))
	}
	for id, n := range counts {
		if !queued[id] {
			t.Errorf("delivery %s queued %d jobs, but it was not a valid delivery that queues one", id, n)
			break
		}
	}
	if len(counts) != len(queued) {
		t.Errorf("%d deliveries queued jobs, want %d (one per valid delivery that queues a scan)", len(counts), len(queued))
	}
	if want := rate * int(duration/time.Second); run.Sent != want || run.Dropped > 0 {
		t.Errorf("sent %d of %d requests, %d dropped at %d in flight: the endpoint fell behind the load (the machine's stall: %s)", run.Sent, want, run.Dropped, loadgen.DefaultMaxInFlight, stallText)
	}
	tally := res.tally
	for _, k := range []loadgen.Kind{loadgen.Valid, loadgen.Forged, loadgen.Duplicate} {
		if tally.Sent[k] == 0 {
			t.Errorf("the mix sent no %s delivery", k)
		}
	}
	if p99 := loadgen.Percentile(run.Latencies, 99); p99 > webhookP99Bound {
		t.Errorf("p99 latency %s, want at most %s (the machine's stall during the load: %s)", msec(p99), msec(webhookP99Bound), stallText)
	}
	if bound := uint64(run.Sent) * retainedPerRequest; res.retained > bound {
		t.Errorf("heap retained after the run grew by %s, want at most %s (%d B per request)", mib(res.retained), mib(bound), retainedPerRequest)
	}
	if peak > heapBefore+peakHeapBound {
		t.Errorf("heap peaked at %s, %s over the %s before", mib(peak), mib(peak-heapBefore), mib(heapBefore))
	}
	if goroutinesAfter > goroutinesBefore+2 {
		t.Errorf("%d goroutines 5s after the run, %d before: the load left goroutines behind", goroutinesAfter, goroutinesBefore)
	}
	for _, v := range gh.Violations() {
		t.Errorf("GitHub contract violation: %s", v)
	}
	return res
}

// loadDeliveryProblem says what is wrong with a delivery's answer, or with the number of jobs
// its id queued; "" when nothing is.
func loadDeliveryProblem(d loadgen.Delivery, templates []loadgen.Template, queuesJob []bool, jobs map[string]int) string {
	event := templates[d.Template].Event
	switch {
	case d.Err != nil || d.Status == 0:
		return fmt.Sprintf("%s %s delivery %s: no answer: %v", d.Kind, event, d.ID, d.Err)
	case d.Kind == loadgen.Valid && d.Status != http.StatusAccepted:
		return fmt.Sprintf("valid %s delivery %s: HTTP %d %q, want 202", event, d.ID, d.Status, d.Body)
	case d.Kind == loadgen.Forged && d.Status != http.StatusUnauthorized:
		return fmt.Sprintf("%s delivery %s (%s): HTTP %d %q, want 401", event, d.ID, d.Forgery, d.Status, d.Body)
	case d.Kind == loadgen.Duplicate && queuesJob[d.Template] && (d.Status != http.StatusOK || d.Body != "duplicate delivery"):
		return fmt.Sprintf("re-sent %s delivery %s: HTTP %d %q, want 200 \"duplicate delivery\"", event, d.ID, d.Status, d.Body)
	case d.Kind == loadgen.Duplicate && (d.Status < 200 || d.Status > 299):
		return fmt.Sprintf("re-sent %s delivery %s: HTTP %d %q, want 2xx as GitHub expects", event, d.ID, d.Status, d.Body)
	}
	want := 0
	if d.Kind != loadgen.Forged && queuesJob[d.Template] {
		want = 1
	}
	if got := jobs[d.ID]; got != want {
		return fmt.Sprintf("%s %s delivery %s queued %d jobs, want %d", d.Kind, event, d.ID, got, want)
	}
	return ""
}

// The worker burst: burstJobs pull requests over burstRepos repositories of one installation,
// drained by burstWorkers workers — the in-process queue's concurrency, `fourc serve --workers`
// (the scan Lambda's is its SQS event source's maximum concurrency in template.yaml).
const (
	burstJobs    = 200
	burstRepos   = 5
	burstWorkers = 4
)

// burstLimits are GitHub's rate limits scaled from an hour and a minute down to a second: the
// primary budget, the content-creating requests (the webhooks create the 200 check runs, each
// job writes its own twice), and the concurrency cap, set to the workers', which the App must
// never exceed. Whether a second's budget runs out depends on the machine's speed, so the test
// also spends most of both budgets just before the drain (burstSpend), which the first jobs
// certainly run out of.
func burstLimits() *fakegithub.RateLimits {
	return &fakegithub.RateLimits{
		Limit: 400, Window: time.Second,
		MaxConcurrent: burstWorkers, ConcurrencyRetryAfter: time.Second,
		ContentLimit: 150, ContentWindow: time.Second,
		InFlightGrace: 100 * time.Millisecond * raceSlowdown,
	}
}

// burstSpend is what is left of the budgets when the drain starts. The first jobs spend the
// primary budget's 30 requests within a fraction of its second or two, about 10 of them
// content-creating; once it resets, the 10 content-creating requests left run out within a few
// jobs, seconds before their own reset, even on a machine several times slower than CI's.
var burstSpend = fakegithub.Spent{PrimaryLeft: 30, PrimaryResetIn: time.Second, ContentLeft: 20, ContentResetIn: 5 * time.Second}

// burstPRPayload rewrites m, the real pull_request.opened example, to pull request number of
// repo. It rewrites the same fields each time, so one decoded example serves every pull request
// (decoding the examples is the slow part under the race detector).
func burstPRPayload(t *testing.T, m map[string]any, repo string, number int, head, base string) map[string]any {
	t.Helper()
	fields := map[string]any{
		"installation.id": instID, "number": number, "pull_request.number": number,
		"pull_request.head.sha": head, "pull_request.base.sha": base,
		"pull_request.head.ref": fmt.Sprintf("change-%d", number), "pull_request.base.ref": "main",
	}
	maps.Copy(fields, repoFields("repository", org, repo))
	maps.Copy(fields, repoFields("pull_request.head.repo", org, repo))
	maps.Copy(fields, repoFields("pull_request.base.repo", org, repo))
	return rewrite(t, m, fields)
}

type burstPR struct {
	repo       string
	number     int
	head, base string
}

// TestWorkerBurst sends a burst of 200 pull-request webhooks over five repositories of one
// installation with the worker stopped, then lets burstWorkers workers drain the 200 jobs
// against a fake GitHub that enforces rate limits. Every job ends with exactly one completed
// check run carrying its findings; the App never breaks a rate limit's contract (no request
// after a rate-limit answer before its reset or Retry-After), never has more requests in
// flight than the workers, and waits out the primary budget rather than failing.
func TestWorkerBurst(t *testing.T) {
	limits := burstLimits()
	gh := fakegithub.New(t, fakegithub.Options{RateLimits: limits})
	gh.AddInstallation(fakegithub.Installation{ID: instID, Account: org})
	var prs []burstPR
	var repos []string
	for r := range burstRepos {
		name := fmt.Sprintf("burst-%d", r)
		full := org + "/" + name
		repos = append(repos, full)
		gh.AddRepo(instID, fakegithub.Repo{Owner: org, Name: name})
		base := fakegithub.SHA("burst base " + full)
		gh.AddCommit(full, base, map[string]string{"README.md": "# " + name + "\n"})
		gh.SetBranch(full, "main", base)
		for n := 1; n <= burstJobs/burstRepos; n++ {
			head := fakegithub.SHA(fmt.Sprintf("burst head %s %d", full, n))
			gh.AddCommit(full, head, map[string]string{"README.md": "# " + name + "\n", "Dockerfile": rootDockerfile + fmt.Sprintf("# change %d\n", n)})
			gh.AddPullRequest(full, fakegithub.PullRequest{Number: n, HeadSHA: head, BaseSHA: base, HeadRef: fmt.Sprintf("change-%d", n)})
			prs = append(prs, burstPR{repo: name, number: n, head: head, base: base})
		}
	}
	client, err := githubapp.New(githubapp.Options{BaseURL: gh.URL, AppID: gh.AppID, PrivateKey: gh.PrivateKeyPEM(), UserAgent: "fourc-burst",
		Retry: githubapp.RetryOptions{BaseDelay: 20 * time.Millisecond, MaxWait: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	q := memory.New(memory.Options{Concurrency: burstWorkers, MaxAttempts: 3, RetryDelay: 100 * time.Millisecond})
	jobs := &jobCounter{q: q, byID: map[string]int{}}
	logs := &syncBuffer{}
	workDir := filepath.Join(t.TempDir(), "work")
	if err := mkdir(workDir); err != nil {
		t.Fatal(err)
	}
	a := &app.App{
		GitHub: client, Store: st, Queue: jobs, Scanners: scanners(),
		Log:            slog.New(slog.NewJSONHandler(logs, nil)),
		WebhookSecrets: func() [][]byte { return [][]byte{[]byte(secret)} },
		Version:        "burst", WorkDir: workDir, MaxAttempts: 3, ScanTimeout: time.Minute,
	}
	if err := a.Init(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.WebhookHandler())
	defer srv.Close()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("App logs:\n%.20000s", logs.String())
		}
	})

	// The webhooks arrive one after another while the worker is stopped, so that the 200 jobs
	// wait in the queue when it starts: the burst is the worker's.
	opened := example(t, "pull_request", "opened", "installation.id", "pull_request.head.repo.full_name", "pull_request.base.repo.full_name")
	webhookStart := time.Now()
	for _, pr := range prs {
		d, err := webhooks.New(secret, "pull_request", deliveryID(), burstPRPayload(t, opened, pr.repo, pr.number, pr.head, pr.base))
		if err != nil {
			t.Fatal(err)
		}
		if status, body := postDelivery(t, srv.URL, d); status != http.StatusAccepted {
			t.Fatalf("webhook for %s#%d: HTTP %d %q, want 202", pr.repo, pr.number, status, body)
		}
	}
	webhookTime := time.Since(webhookStart)
	if counts, _ := jobs.counts(); len(counts) != burstJobs {
		t.Fatalf("%d jobs queued, want %d", len(counts), burstJobs)
	}

	gh.SpendRateLimits(instID, burstSpend)
	ctx, cancel := context.WithCancel(context.Background())
	workerDone := make(chan struct{})
	drainStart, drainStall := time.Now(), loadgen.StartStall()
	go func() {
		defer close(workerDone)
		q.Run(ctx, a.HandleJob)
	}()
	defer func() {
		cancel()
		<-workerDone
	}()
	drained := make(chan struct{})
	go func() { q.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the burst was not drained within 2 minutes")
	}
	drainTime, drainStallText := time.Since(drainStart), drainStall.String()

	if dead := q.DeadLetters(); len(dead) > 0 {
		t.Errorf("%d jobs went to the dead letters; first: %s", len(dead), dead[0].Body)
	}
	conclusions := map[string]int{} // for the report
	for _, pr := range prs {
		var runs []fakegithub.CheckRun
		for _, run := range gh.CheckRuns(org + "/" + pr.repo) {
			if run.HeadSHA == pr.head {
				runs = append(runs, run)
			}
		}
		if len(runs) != 1 {
			t.Errorf("%s#%d: %d check runs, want exactly 1", pr.repo, pr.number, len(runs))
			continue
		}
		run := runs[0]
		conclusions[run.Conclusion]++
		if run.Status != "completed" || run.Conclusion != "failure" || len(run.Annotations) == 0 {
			t.Errorf("%s#%d: check run %s %s %q with %d annotations, want completed failure with the Dockerfile's findings",
				pr.repo, pr.number, run.Status, run.Conclusion, run.Output.Title, len(run.Annotations))
		}
	}
	assertClean(t, gh, repos...)
	stats := gh.RateLimitStats()
	if stats.MaxConcurrent > limits.MaxConcurrent || stats.ConcurrencyRefused > 0 {
		t.Errorf("%d requests in flight at once (%d refused), want at most %d", stats.MaxConcurrent, stats.ConcurrencyRefused, limits.MaxConcurrent)
	}
	// The drain ran out of both budgets (burstSpend), so the App did wait for GitHub's resets.
	if stats.Exhausted == 0 || stats.ContentRefused == 0 {
		t.Errorf("primary budget exhausted %d times, %d content-creating requests refused: the burst never met the limits it is about", stats.Exhausted, stats.ContentRefused)
	}
	// Once an answer says Remaining: 0 the App sends nothing until the reset; only requests
	// already in flight on the other workers can run into the refusal.
	if stats.PrimaryRefused > stats.Exhausted*burstWorkers {
		t.Errorf("%d requests refused over the primary budget in %d exhausted windows: the App kept sending after Remaining: 0", stats.PrimaryRefused, stats.Exhausted)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Worker draining a burst\n\n%d pull-request jobs over %d repositories of one installation, %d workers, against the fake GitHub's rate limits scaled down: primary %d requests per %s, %d content-creating requests per %s, at most %d requests in flight. The drain starts with %d requests left until a reset %s later, and %d content-creating requests until %s later. %s, GOMAXPROCS %d, race detector %v.\n\n",
		burstJobs, burstRepos, burstWorkers, limits.Limit, limits.Window, limits.ContentLimit, limits.ContentWindow, limits.MaxConcurrent,
		burstSpend.PrimaryLeft, burstSpend.PrimaryResetIn, burstSpend.ContentLeft, burstSpend.ContentResetIn, runtime.Version(), runtime.GOMAXPROCS(0), raceSlowdown > 1)
	b.WriteString("| webhooks (all 202) | drain | jobs/s | GitHub requests | primary budget exhausted | refused: primary / content / concurrency | most in flight | check runs completed, by conclusion | machine stall during the drain |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---|---|\n")
	fmt.Fprintf(&b, "| %s | %s | %.1f | %d | %d× | %d / %d / %d | %d | %s | %s |\n", webhookTime.Round(time.Millisecond), drainTime.Round(time.Millisecond),
		float64(burstJobs)/drainTime.Seconds(), stats.Requests, stats.Exhausted, stats.PrimaryRefused, stats.ContentRefused, stats.ConcurrencyRefused,
		stats.MaxConcurrent, countsText(conclusions), drainStallText)
	writeLoadReport(t, b.String())
}

// countsText lists counts as "name: n", by name.
func countsText(counts map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}
