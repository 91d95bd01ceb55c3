package test

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/test/awsfake"
	"github.com/fourcsec/fourc/test/fakegithub"
)

// answerTimeout is how long the App's GitHub client waits for an answer in these scenarios
// (`fourc serve` waits two minutes). The fake answers within milliseconds even under the race
// detector, so only a held answer reaches it.
const answerTimeout = 2 * time.Second

// TestFaults pushes a pull request through the App end to end — webhook, queue, worker, GitHub
// client, store — while GitHub, DynamoDB, the Lambda runtime or the process fails at a chosen
// point, on each store where the fault applies. Every scenario must end as the same push ends
// without a fault: one completed check run with the same conclusion and exactly the same
// annotations, none twice, and the same findings stored, none twice and none lost; and GitHub's
// contract kept (newHarness checks that when the scenario ends). Each scenario also asserts that
// its fault did happen.
func TestFaults(t *testing.T) {
	scenarios := faultScenarios()
	for _, sk := range storeKinds(t) {
		t.Run(sk.name, func(t *testing.T) {
			t.Parallel()
			// What each push ends as without a fault on this store (whatever -run selects).
			var want [2]pushOutcome
			for _, many := range []bool{false, true} {
				e := newFaultEnv(t, sk, many, nil)
				e.push()
				run := e.h.onlyCheckRun(e.head)
				if many && (run.Conclusion != "failure" || len(run.Annotations) != 120) {
					t.Fatalf("fault-free check: %s with %d annotations, want failure with 120", run.Conclusion, len(run.Annotations))
				}
				if !many {
					assertVulnCheck(t, run)
				}
				want[pushIndex(many)] = e.outcome()
			}
			for _, sc := range scenarios {
				if sc.dynamoOnly && sk.dynamoURL == "" {
					continue
				}
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					e := newFaultEnv(t, sk, sc.many, sc.retry)
					e.patience = sc.patience
					sc.inject(e)
					e.push()
					e.assertOutcome(want[pushIndex(sc.many)])
					// One fault the App can absorb must not cost a redelivery: in AWS that
					// waits for the queue's visibility timeout, 16 minutes.
					if got, deliveries := len(e.jobs.results()), cmp.Or(sc.deliveries, 1); got != deliveries {
						t.Errorf("the job was delivered %d times, want %d", got, deliveries)
					}
					sc.check(t, e)
				})
			}
		})
	}
}

func pushIndex(many bool) int {
	if many {
		return 1
	}
	return 0
}

// faultScenario is one fault, set up before the push is delivered.
type faultScenario struct {
	name string
	// many pushes the head with 120 findings, published in three batches of annotations,
	// instead of the vulnerable head's three.
	many       bool
	dynamoOnly bool
	// deliveries is how many deliveries the job takes: 1 unless the fault ends the first.
	deliveries int
	// retry adjusts the App's GitHub client.
	retry func(*githubapp.RetryOptions)
	// patience, when longer than waitLimit, is how long the push may take.
	patience time.Duration
	inject   func(e *faultEnv)
	// check asserts that the fault happened as meant.
	check func(t *testing.T, e *faultEnv)
}

// A faultTarget is the nth request of the App matching method and path (path.Match syntax).
type faultTarget struct {
	name, method, path string
	nth                int
}

var (
	createRun = faultTarget{"check-run create", "POST", "/repos/acme/widgets/check-runs", 1}
	// The first PATCH marks the run in progress; the second completes it with the annotations.
	annotate        = faultTarget{"annotations update", "PATCH", "/repos/acme/widgets/check-runs/*", 2}
	archiveLink     = faultTarget{"archive link", "GET", "/repos/acme/widgets/tarball/*", 1}
	archiveDownload = faultTarget{"archive download", "GET", "/_codeload/acme/widgets/*", 1}
	prFiles         = faultTarget{"pull request files", "GET", "/repos/acme/widgets/pulls/7/files", 1}
)

// githubFault is what the fake GitHub does to one request.
type githubFault struct {
	name   string
	inject func(gh *fakegithub.Server, method, path string)
	// status is what the fake's log shows for the request: 0 when the client gave up.
	status int
}

var (
	fail500 = githubFault{"500", func(gh *fakegithub.Server, m, p string) { gh.FailNext(m, p, http.StatusInternalServerError, 1, nil) }, 500}
	fail502 = githubFault{"502", func(gh *fakegithub.Server, m, p string) { gh.FailNext(m, p, http.StatusBadGateway, 1, nil) }, 502}
	// GitHub did the work, then the answer was lost: the client cannot tell from the 5xx or
	// the silence whether to send again.
	applied502      = githubFault{"502 after GitHub applied it", func(gh *fakegithub.Server, m, p string) { gh.ApplyThenFail(m, p, http.StatusBadGateway, 1) }, 502}
	heldTooLong     = githubFault{"held beyond the client's timeout", func(gh *fakegithub.Server, m, p string) { gh.DelayNext(m, p, 3*answerTimeout, 1) }, 0}
	appliedNoAnswer = githubFault{"answer lost after GitHub applied it", func(gh *fakegithub.Server, m, p string) { gh.ApplyThenFail(m, p, 0, 1) }, 0}
)

func faultScenarios() []faultScenario {
	var out []faultScenario
	// GitHub failing one request of the flow.
	for _, tc := range []struct {
		target faultTarget
		faults []githubFault
	}{
		{createRun, []githubFault{fail500, fail502, applied502, heldTooLong, appliedNoAnswer}},
		{annotate, []githubFault{fail500, fail502, applied502, heldTooLong, appliedNoAnswer}},
		{archiveLink, []githubFault{fail500, fail502}},
		{archiveDownload, []githubFault{fail500, fail502}},
		{prFiles, []githubFault{fail500, fail502}},
	} {
		for _, f := range tc.faults {
			tg := tc.target
			out = append(out, faultScenario{
				name:   fmt.Sprintf("GitHub %s: %s", tg.name, f.name),
				inject: func(e *faultEnv) { e.at(tg, func(r *http.Request) { f.inject(e.h.gh, tg.method, r.URL.Path) }) },
				check: func(t *testing.T, e *faultEnv) {
					if got := statusCount(e.h, tg.method, tg.path, f.status); got != 1 {
						t.Errorf("%s %s answered %d %d times, want once", tg.method, tg.path, f.status, got)
					}
				},
			})
		}
	}
	// Rate limits on the two writes GitHub does not deduplicate: the client waits as asked,
	// sends nothing meanwhile, and then sends the refused request again.
	for _, tc := range []struct {
		target faultTarget
		status int
		name   string
	}{
		{createRun, http.StatusForbidden, "secondary rate limit 403"},
		{createRun, http.StatusTooManyRequests, "429"},
		{annotate, http.StatusForbidden, "secondary rate limit 403"},
		{annotate, http.StatusTooManyRequests, "429"},
	} {
		out = append(out, rateLimited(tc.target, tc.status, tc.name+" with Retry-After: 1", "1", time.Second, nil))
	}
	// Without Retry-After GitHub asks for a minute at least: a long variant, on the worker's
	// write (the webhook's must answer GitHub within 10 seconds).
	if os.Getenv("FOURC_LONG_FAULTS") != "" {
		long := rateLimited(annotate, http.StatusForbidden, "secondary rate limit 403 without Retry-After", "", time.Minute,
			func(o *githubapp.RetryOptions) { o.MaxWait = 2 * time.Minute })
		long.patience = 3 * time.Minute
		out = append(out, long)
	}
	out = append(out, lambdaTimeouts()...)
	out = append(out, crashScenarios()...)
	out = append(out, dynamoFaults()...)
	return out
}

// rateLimited refuses tg once with status, Retry-After retryAfter ("" for none) and GitHub's
// message for a secondary rate limit, and checks that the client waited at least wait before
// sending anything again.
func rateLimited(tg faultTarget, status int, name, retryAfter string, wait time.Duration, retry func(*githubapp.RetryOptions)) faultScenario {
	return faultScenario{
		name:  fmt.Sprintf("GitHub %s: %s", tg.name, name),
		retry: retry,
		inject: func(e *faultEnv) {
			e.at(tg, func(r *http.Request) {
				var headers map[string]string
				if retryAfter != "" {
					headers = map[string]string{"Retry-After": retryAfter}
				}
				e.h.gh.FailNext(tg.method, r.URL.Path, status, 1, headers)
			})
		},
		check: func(t *testing.T, e *faultEnv) {
			if got := statusCount(e.h, tg.method, tg.path, status); got != 1 {
				t.Errorf("%s %s refused with %d %d times, want once", tg.method, tg.path, status, got)
			}
			if waits := e.h.sleeps.all(); !slices.ContainsFunc(waits, func(d time.Duration) bool { return d >= wait }) {
				t.Errorf("client waited %v, want %s among them", waits, wait)
			}
			refused, next, ok := e.afterNth(tg)
			if !ok {
				t.Fatalf("no request followed the refused %s %s", tg.method, tg.path)
			}
			if gap := next.at.Sub(refused.at); gap < wait {
				t.Errorf("%s %s sent %s after the refused %s %s, within the %s GitHub asked to wait", next.method, next.path, gap, tg.method, tg.path, wait)
			}
		},
	}
}

// lambdaTimeouts end the first delivery of a publication in three batches at its deadline, at
// three moments around the last batch; SQS then delivers the job again, after the visibility
// timeout (20 ms here), and the second delivery finishes the publication.
func lambdaTimeouts() []faultScenario {
	lastBatch := faultTarget{"last batch", "PATCH", "/repos/acme/widgets/check-runs/*", 4}
	secondBatch := faultTarget{"second batch", "PATCH", "/repos/acme/widgets/check-runs/*", 3}
	return []faultScenario{
		{
			name: "Lambda timeout before the last batch is sent", many: true, deliveries: 2,
			inject: func(e *faultEnv) {
				e.at(lastBatch, func(r *http.Request) {
					e.jobs.expire()
					<-r.Context().Done() // the deadline reaches the request before it leaves
				})
			},
			check: func(t *testing.T, e *faultEnv) { e.assertTimedOutOnce(t, 100) },
		},
		{
			name: "Lambda timeout while GitHub appends the last batch", many: true, deliveries: 2,
			inject: func(e *faultEnv) {
				e.at(lastBatch, func(r *http.Request) {
					e.h.gh.ApplyThenFail("PATCH", r.URL.Path, 0, 1)
					go e.expireOnceAnnotated(120)
				})
			},
			check: func(t *testing.T, e *faultEnv) { e.assertTimedOutOnce(t, 120) },
		},
		{
			name: "Lambda timeout after GitHub appended a batch, before it was recorded", many: true, deliveries: 2,
			inject: func(e *faultEnv) {
				e.at(secondBatch, func(r *http.Request) {
					e.h.gh.ApplyThenFail("PATCH", r.URL.Path, 0, 1)
					go e.expireOnceAnnotated(100)
				})
			},
			check: func(t *testing.T, e *faultEnv) { e.assertTimedOutOnce(t, 100) },
		},
	}
}

// crashScenarios stop the process at a point of storing and publishing: the delivery ends in an
// error, as a crashed worker's would, and SQS delivers the job again.
func crashScenarios() []faultScenario {
	prScan := func(sc store.Scan) bool { return strings.HasPrefix(sc.Key.Variant, "pr") }
	return []faultScenario{
		{
			name: "crash after the findings are stored, before the scan record", deliveries: 2,
			inject: func(e *faultEnv) {
				e.crashWhen(func(op string, sc store.Scan) (bool, bool) { return op == "PutFindings" && prScan(sc), true })
			},
			check: func(t *testing.T, e *faultEnv) { e.assertCrashedOnce(t) },
		},
		{
			name: "crash after the scan is stored, before the check is published", deliveries: 2,
			inject: func(e *faultEnv) {
				e.crashWhen(func(op string, sc store.Scan) (bool, bool) {
					return op == "PutScan" && prScan(sc) && !sc.Published && !sc.CompletedAt.IsZero(), true
				})
			},
			check: func(t *testing.T, e *faultEnv) { e.assertCrashedOnce(t) },
		},
		{
			name: "crash after the check is published, before that is recorded", deliveries: 2,
			inject: func(e *faultEnv) {
				e.crashWhen(func(op string, sc store.Scan) (bool, bool) {
					return op == "PutScan" && prScan(sc) && sc.Published, false
				})
			},
			check: func(t *testing.T, e *faultEnv) { e.assertCrashedOnce(t) },
		},
	}
}

// dynamoFaults make DynamoDB refuse or half-do the store's requests.
func dynamoFaults() []faultScenario {
	refused := func(errType string, want int) func(t *testing.T, e *faultEnv) {
		return func(t *testing.T, e *faultEnv) {
			if got := e.dynamo.Refused(errType); got != want {
				t.Errorf("DynamoDB answered %d requests with %s, want %d", got, errType, want)
			}
		}
	}
	unprocessed := func(atLeast int) func(t *testing.T, e *faultEnv) {
		return func(t *testing.T, e *faultEnv) {
			if got := e.dynamo.Unprocessed(); got < atLeast {
				t.Errorf("%d write requests handed back unprocessed, want at least %d", got, atLeast)
			}
		}
	}
	return []faultScenario{
		{
			name: "DynamoDB ProvisionedThroughputExceeded on BatchWriteItem", dynamoOnly: true,
			inject: func(e *faultEnv) { e.dynamo.Refuse("BatchWriteItem", awsfake.ProvisionedThroughputExceeded, 2) },
			check:  refused(awsfake.ProvisionedThroughputExceeded, 2),
		},
		{
			name: "DynamoDB ThrottlingException on PutItem", dynamoOnly: true,
			inject: func(e *faultEnv) { e.dynamo.Refuse("PutItem", awsfake.Throttling, 2) },
			check:  refused(awsfake.Throttling, 2),
		},
		{
			name: "DynamoDB ThrottlingException on GetItem and Query", dynamoOnly: true,
			inject: func(e *faultEnv) {
				e.dynamo.Refuse("GetItem", awsfake.Throttling, 2)
				e.dynamo.Refuse("Query", awsfake.Throttling, 1)
			},
			check: refused(awsfake.Throttling, 3),
		},
		{
			// The SDK tries three times; then the job fails and SQS delivers it again.
			name: "DynamoDB throttling outlasting the SDK's retries", dynamoOnly: true, deliveries: 2,
			inject: func(e *faultEnv) { e.dynamo.Refuse("BatchWriteItem", awsfake.ProvisionedThroughputExceeded, 3) },
			check:  refused(awsfake.ProvisionedThroughputExceeded, 3),
		},
		{
			name: "DynamoDB BatchWriteItem leaves items unprocessed", dynamoOnly: true,
			inject: func(e *faultEnv) { e.dynamo.LeaveUnprocessed(4, 1) },
			check:  unprocessed(1),
		},
		{
			name: "DynamoDB BatchWriteItem leaves most of 120 findings unprocessed", dynamoOnly: true, many: true,
			inject: func(e *faultEnv) { e.dynamo.LeaveUnprocessed(6, 10) },
			check:  unprocessed(15),
		},
		{
			// The SDK sends the write again, whose condition then fails on the item the first
			// attempt wrote: the webhook must not take its own record for a duplicate delivery.
			name: "DynamoDB delivery record written but its answer lost", dynamoOnly: true,
			inject: func(e *faultEnv) { e.dynamo.ApplyThenFail("PutItem", 1) },
			check:  refused(awsfake.InternalServerError, 1),
		},
	}
}

// faultEnv is one scenario's world: the harness, with the worker delivering jobs as the Lambda
// runtime does and every request of the App to GitHub logged as it leaves.
type faultEnv struct {
	t      *testing.T
	h      *harness
	dynamo *awsfake.DynamoFaults // nil on bolt
	head   string
	jobs   *lambdaJobs

	mu       sync.Mutex
	sent     []sentToGitHub
	triggers []*faultTrigger

	crashed  atomic.Int32  // crashes of the store (crashWhen)
	patience time.Duration // how long push may wait for the queue, when longer than waitLimit
}

type sentToGitHub struct {
	at           time.Time
	method, path string
}

type faultTrigger struct {
	target faultTarget
	seen   int
	do     func(r *http.Request)
}

// newFaultEnv builds the world with the head to push seeded and the App's GitHub client
// bounding each answer by answerTimeout. On DynamoDB the store goes through a fault proxy of its
// own.
func newFaultEnv(t *testing.T, sk storeKind, many bool, retry func(*githubapp.RetryOptions)) *faultEnv {
	t.Helper()
	e := &faultEnv{t: t, jobs: &lambdaJobs{}}
	kind := sk
	if sk.dynamoURL != "" {
		kind.open = func(t *testing.T) store.Store {
			proxy, err := awsfake.StartDynamoFaults(sk.dynamoURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { proxy.Close() })
			e.dynamo = proxy
			client := dynalite.NewClient(proxy.URL)
			table := dynalite.CreateTableName(t) + "-" + rand.Text()[:6]
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := dynamodb.CreateTable(ctx, client, table); err != nil {
				t.Fatal(err)
			}
			return dynamodb.New(client, table)
		}
	}
	e.h = newHarness(t, kind, false)
	opts := githubapp.RetryOptions{BaseDelay: 5 * time.Millisecond, MaxWait: 5 * time.Second, Sleep: e.h.sleeps.sleep, AttemptTimeout: answerTimeout}
	if retry != nil {
		retry(&opts)
	}
	client, err := githubapp.New(githubapp.Options{
		BaseURL: e.h.gh.URL, AppID: e.h.gh.AppID, PrivateKey: e.h.gh.PrivateKeyPEM(), UserAgent: "fourc-e2e", Transport: hookTransport{e.h}, Retry: opts,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.h.app.GitHub = client
	e.h.setHook(e.observe)
	e.h.seed(repoFull)
	e.head = vulnSHA
	if many {
		e.head = e.h.manyFindings(120)
	}
	e.h.openPR(e.head)
	return e
}

// push starts the worker, delivers the pull request's opened event and waits for the queue to
// drain.
func (e *faultEnv) push() {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.h.queue.Run(ctx, e.jobs.deliver(e.h.app.HandleJob))
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
	if body := e.h.deliver("pull_request", prPayload(e.t, "opened", e.head), http.StatusAccepted); !strings.Contains(body, "queued") {
		e.t.Fatalf("webhook answered %q, want the scan queued", body)
	}
	if e.patience > waitLimit {
		drained := make(chan struct{})
		go func() {
			e.h.queue.Wait()
			close(drained)
		}()
		select {
		case <-drained:
		case <-time.After(e.patience):
		}
	}
	e.h.drain()
}

// observe logs each request of the App to GitHub and runs the triggers it matches.
func (e *faultEnv) observe(r *http.Request) {
	e.mu.Lock()
	e.sent = append(e.sent, sentToGitHub{at: time.Now(), method: r.Method, path: r.URL.Path})
	var due []func(*http.Request)
	for _, tr := range e.triggers {
		if tr.target.matches(r.Method, r.URL.Path) {
			if tr.seen++; tr.seen == tr.target.nth {
				due = append(due, tr.do)
			}
		}
	}
	e.mu.Unlock()
	for _, do := range due {
		do(r)
	}
}

func (tg faultTarget) matches(method, p string) bool {
	ok, _ := path.Match(tg.path, p)
	return ok && method == tg.method
}

// at runs do with the request just before the App sends tg, so that a fault set there (the
// fake's faults apply to the next matching request from when they are set) lands on it.
func (e *faultEnv) at(tg faultTarget, do func(r *http.Request)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.triggers = append(e.triggers, &faultTrigger{target: tg, do: do})
}

// afterNth returns tg's nth request and the request the App sent next.
func (e *faultEnv) afterNth(tg faultTarget) (sentToGitHub, sentToGitHub, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	seen := 0
	for i, r := range e.sent {
		if tg.matches(r.method, r.path) {
			if seen++; seen == tg.nth && i+1 < len(e.sent) {
				return r, e.sent[i+1], true
			}
		}
	}
	return sentToGitHub{}, sentToGitHub{}, false
}

// pushOutcome is what a push ends as: its check run and its stored scan.
type pushOutcome struct {
	conclusion, title string
	annotations       []fakegithub.Annotation
	findings          []store.StoredFinding
}

func (e *faultEnv) outcome() pushOutcome {
	e.t.Helper()
	run := e.h.onlyCheckRun(e.head)
	_, findings := e.h.prScan(e.head)
	anns := slices.Clone(run.Annotations)
	slices.SortFunc(anns, compareAnnotations)
	return pushOutcome{conclusion: run.Conclusion, title: run.Output.Title, annotations: anns, findings: findings}
}

func compareAnnotations(a, b fakegithub.Annotation) int {
	return cmp.Or(strings.Compare(a.Path, b.Path), a.StartLine-b.StartLine, a.StartColumn-b.StartColumn,
		strings.Compare(a.Title, b.Title), strings.Compare(a.Message, b.Message))
}

// assertOutcome checks the push ended as the fault-free one: one completed check run with the
// same conclusion and annotations, each once; the scan recorded as published on that run; the
// same findings stored, each once.
func (e *faultEnv) assertOutcome(want pushOutcome) {
	t := e.t
	t.Helper()
	runs := e.h.checkRuns(repoFull, e.head)
	if len(runs) != 1 {
		t.Fatalf("%d check runs on the head, want 1: %+v", len(runs), runs)
	}
	run := runs[0]
	if run.Status != "completed" || run.Conclusion != want.conclusion || run.Output.Title != want.title {
		t.Errorf("check run %s/%s %q, want completed/%s %q", run.Status, run.Conclusion, run.Output.Title, want.conclusion, want.title)
	}
	seen := map[fakegithub.Annotation]int{}
	for _, a := range run.Annotations {
		if seen[a]++; seen[a] == 2 {
			t.Errorf("annotation %s:%d %q posted more than once", a.Path, a.StartLine, a.Title)
		}
	}
	got := slices.Clone(run.Annotations)
	slices.SortFunc(got, compareAnnotations)
	if diff := gocmp.Diff(want.annotations, slices.Compact(got)); diff != "" {
		t.Errorf("annotations differ from the fault-free run's (-want +got):\n%s", diff)
	}
	sc, findings := e.h.prScan(e.head)
	if !sc.Published || sc.CheckRunID != run.ID || sc.PublishedAnnotations != len(run.Annotations) {
		t.Errorf("stored scan: published %v on check run %d with %d annotations; want published on %d with %d",
			sc.Published, sc.CheckRunID, sc.PublishedAnnotations, run.ID, len(run.Annotations))
	}
	ids := map[string]int{}
	for _, f := range findings {
		if ids[f.Fingerprint]++; ids[f.Fingerprint] == 2 {
			t.Errorf("finding %s %s:%d stored more than once", f.RuleID, f.Path, f.StartLine)
		}
	}
	if diff := gocmp.Diff(want.findings, findings); diff != "" {
		t.Errorf("stored findings differ from the fault-free run's (-want +got):\n%s", diff)
	}
}

// lambdaJobs delivers jobs as the Lambda runtime invokes the scan function: the first delivery
// of a job runs under a context whose deadline a scenario can bring forward to the moment it
// chooses, as Lambda's timeout would end it; redeliveries run to completion. It records what
// every delivery returned.
type lambdaJobs struct {
	mu          sync.Mutex
	invocations []*lambdaInvocation
	errs        []error
}

func (l *lambdaJobs) deliver(h queue.Handler) queue.Handler {
	return func(ctx context.Context, m queue.Message) error {
		if m.Attempt == 1 {
			inv := &lambdaInvocation{Context: ctx, done: make(chan struct{})}
			l.mu.Lock()
			l.invocations = append(l.invocations, inv)
			l.mu.Unlock()
			stop := context.AfterFunc(ctx, inv.expire)
			defer stop()
			ctx = inv
		}
		err := h(ctx, m)
		l.mu.Lock()
		l.errs = append(l.errs, err)
		l.mu.Unlock()
		return err
	}
}

// expire ends every first delivery under way at its deadline.
func (l *lambdaJobs) expire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, inv := range l.invocations {
		inv.expire()
	}
}

func (l *lambdaJobs) results() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.errs)
}

// lambdaInvocation is the context of a Lambda invocation whose deadline comes when expire is
// called: from then on it is done with DeadlineExceeded, as is every context derived from it.
type lambdaInvocation struct {
	context.Context // the delivery's, for its values
	done            chan struct{}
	once            sync.Once
}

func (c *lambdaInvocation) Done() <-chan struct{} { return c.done }

func (c *lambdaInvocation) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *lambdaInvocation) expire() { c.once.Do(func() { close(c.done) }) }

// expireOnceAnnotated ends the first delivery once the check run holds n annotations: GitHub has
// applied the request under way, whose answer the fake holds back.
func (e *faultEnv) expireOnceAnnotated(n int) {
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		for _, run := range e.h.checkRuns(repoFull, e.head) {
			if len(run.Annotations) >= n {
				e.jobs.expire()
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Errorf("the check run never held %d annotations", n)
	e.jobs.expire()
}

// assertTimedOutOnce checks that the first delivery ended at its deadline and the second
// finished the job, resuming after the onRun annotations the check run held.
func (e *faultEnv) assertTimedOutOnce(t *testing.T, onRun int) {
	t.Helper()
	errs := e.jobs.results()
	if len(errs) != 2 || !errors.Is(errs[0], context.DeadlineExceeded) || errs[1] != nil {
		t.Fatalf("deliveries returned %v, want the deadline then success", errs)
	}
	if resumed := fmt.Sprintf(`"annotations_already_published":%d`, onRun); !strings.Contains(e.h.logs.String(), resumed) {
		t.Errorf("the redelivery did not resume after the %d annotations on the run (no %s in the logs)", onRun, resumed)
	}
}

// crashWhen makes the App's store "crash" once, at the first call where at says so: the call
// returns an error as the process dying there would end the delivery, after writing through
// when written says the write happened before the crash.
func (e *faultEnv) crashWhen(at func(op string, sc store.Scan) (crash, written bool)) {
	e.h.app.Store = &crashingStore{Store: e.h.app.Store, at: at, crashed: &e.crashed}
}

func (e *faultEnv) assertCrashedOnce(t *testing.T) {
	t.Helper()
	errs := e.jobs.results()
	if e.crashed.Load() != 1 || len(errs) != 2 || !errors.Is(errs[0], errCrashed) || errs[1] != nil {
		t.Fatalf("%d crashes; deliveries returned %v; want one crash, then success", e.crashed.Load(), errs)
	}
}

var errCrashed = errors.New("worker crashed")

type crashingStore struct {
	store.Store
	at      func(op string, sc store.Scan) (crash, written bool)
	crashed *atomic.Int32
}

func (s *crashingStore) crash(op string, sc store.Scan, write func() error) error {
	crash, written := s.at(op, sc)
	if !crash || !s.crashed.CompareAndSwap(0, 1) {
		return write()
	}
	if written {
		if err := write(); err != nil {
			return err
		}
	}
	return fmt.Errorf("%s %s: %w", op, sc.Key, errCrashed)
}

func (s *crashingStore) PutScan(ctx context.Context, sc store.Scan) error {
	return s.crash("PutScan", sc, func() error { return s.Store.PutScan(ctx, sc) })
}

func (s *crashingStore) PutFindings(ctx context.Context, sc store.Scan, fs []store.StoredFinding) error {
	return s.crash("PutFindings", sc, func() error { return s.Store.PutFindings(ctx, sc, fs) })
}

// TestSummaryFaults loses GitHub's answers to the weekly summary's writes that GitHub does not
// deduplicate — opening the week's issue, commenting on last week's before closing it — with
// and without GitHub having applied them. The run must still leave one issue for the week,
// recorded in the store, and last week's closed with one comment.
func TestSummaryFaults(t *testing.T) {
	writes := []struct {
		name, method, path string
	}{
		{"issue create", "POST", "/repos/acme/.github/issues"},
		{"comment", "POST", "/repos/acme/.github/issues/*/comments"},
	}
	for _, b := range sumBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, w := range writes {
				for _, f := range []githubFault{fail502, applied502} {
					t.Run(w.name+": "+f.name, func(t *testing.T) {
						t.Parallel()
						e := newSumEnv(t, b.open(t))
						sumSeedAcme(t, e.st)
						sumAddAcme(e.gh)
						last := e.publish(t, 7, sumLastWeek)
						f.inject(e.gh, w.method, w.path)
						cur := e.publish(t, 7, sumWeek)

						faulted := 0
						for _, r := range e.gh.Requests() {
							if ok, _ := path.Match(w.path, r.Path); ok && r.Method == w.method && r.Status == f.status {
								faulted++
							}
						}
						if faulted != 1 {
							t.Errorf("%s %s answered %d %d times, want once", w.method, w.path, f.status, faulted)
						}
						var week []fakegithub.Issue
						for _, is := range e.gh.Issues("acme/.github") {
							if is.Title == app.SummaryTitle("acme", sumWeek) {
								week = append(week, is)
							}
						}
						if len(week) != 1 || week[0].Number != cur.Issue || week[0].State != "open" {
							t.Errorf("issues for %s: %+v; want #%d alone, open", sumWeek, week, cur.Issue)
						}
						if rec := e.record(t, 7, sumWeek); rec.Number != cur.Issue {
							t.Errorf("the store records #%d for %s, want #%d", rec.Number, sumWeek, cur.Issue)
						}
						if prev := e.issue(t, "acme/.github", last.Issue); prev.State != "closed" || len(prev.Comments) != 1 {
							t.Errorf("%s's issue: %s with comments %q; want closed with one", sumLastWeek, prev.State, prev.Comments)
						}
					})
				}
			}
		})
	}
}
