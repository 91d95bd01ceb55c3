package test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/webhooks"
)

// TestApp runs the GitHub App end to end — real webhook payloads over HTTP, the real handler,
// the in-process queue and worker, the real GitHub client against the fake GitHub, the real
// scanners — once on each store. Every scenario also asserts, when it ends, that the fake saw
// no breach of GitHub's contract and that no check run was left queued or in progress.
func TestApp(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, sk storeKind)
	}{
		{"pull request opened annotates the findings", testPullRequestOpened},
		{"synchronize with the fix turns the check green", testSynchronizeFix},
		{"pull request actions", testPullRequestActions},
		{"duplicate delivery makes one check run", testDuplicateDelivery},
		{"redelivered job publishes once", testRedeliveredJob},
		{"reopened pull request reuses the stored scan", testReopenedReusesScan},
		{"superseded push completes skipped", testSuperseded},
		{"GitHub 5xx then success", testGitHubServerErrors},
		{"rate limited then success", testRateLimited},
		{"120 findings in three annotation batches", testAnnotationBatches},
		{"publication cut short resumes without repeating annotations", testInterruptedPublication},
		{"republished check keeps the config's fail_on", testRepublishKeepsFailOn},
		{"malicious archive completes neutral", testMaliciousArchive},
		{"forged signature is refused", testForgedSignature},
		{"GitHub hanging up on a slow delivery loses no scan", testWebhookOutlivesGitHub},
		{"installation created scans default branches", testInstallationCreated},
		{"installation deleted forgets it", testInstallationDeleted},
		{"installation repositories added and removed", testInstallationRepositories},
		{"check suite and check run requests", testCheckSuiteAndRun},
		{"fork pull request scanned through the base repository", testForkPullRequest},
		{"draft pull request waits for ready_for_review", testDraftPullRequest},
	}
	for _, sk := range storeKinds(t) {
		t.Run(sk.name, func(t *testing.T) {
			t.Parallel()
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, sk)
				})
			}
		})
	}
}

// vulnAnnotations are annotations the vuln push must get: the problems it adds, each on its line.
var vulnAnnotations = []annotationKey{
	{Path: "Dockerfile", Line: 1, Level: "failure", Rule: "docker-root-user"},
	{Path: "config/deploy.env", Line: 2, Level: "failure", Rule: "secret-aws-access-key-pair"},
	{Path: "deploy/pod.yaml", Line: 11, Level: "failure", Rule: "k8s-privileged"},
}

// assertVulnCheck checks the completed check of the vuln push: failure, the expected
// annotations with their titles and messages, nothing on the legacy Dockerfile (its problem
// predates the pull request), no leaked key, and a Markdown summary.
func assertVulnCheck(t *testing.T, run fakegithub.CheckRun) {
	t.Helper()
	if run.Status != "completed" || run.Conclusion != "failure" {
		t.Fatalf("check run %d: %s/%s, want completed/failure (summary %q)", run.ID, run.Status, run.Conclusion, run.Output.Summary)
	}
	got := keysOf(run.Annotations)
	for _, want := range vulnAnnotations {
		if !slices.Contains(got, want) {
			t.Errorf("no annotation %s; got %v", want, got)
		}
	}
	for _, a := range run.Annotations {
		if strings.HasPrefix(a.Path, "legacy/") {
			t.Errorf("annotation on %s:%d (%s), whose problem is older than the pull request", a.Path, a.StartLine, a.Title)
		}
		rule, title, ok := strings.Cut(a.Title, ": ")
		if !ok || rule == "" || title == "" || a.Message == "" {
			t.Errorf("annotation %s:%d has title %q and message %q; want \"rule: title\" and a message", a.Path, a.StartLine, a.Title, a.Message)
		}
		for _, text := range []string{a.Message, a.Title, a.RawDetails} {
			if strings.Contains(text, "tfc7Hn3Tx0JqK5vYb2wLs9RmEi8UoP4aZd6GhNkQ") {
				t.Errorf("annotation %s:%d repeats the secret key", a.Path, a.StartLine)
			}
		}
	}
	byRule := map[string]fakegithub.Annotation{}
	for _, a := range run.Annotations {
		rule, _, _ := strings.Cut(a.Title, ":")
		byRule[rule] = a
	}
	if a := byRule["k8s-privileged"]; !strings.Contains(a.Message, "privileged") || a.StartColumn == 0 {
		t.Errorf("k8s-privileged annotation: message %q, column %d; want the reason and a column", a.Message, a.StartColumn)
	}
	if a := byRule["docker-root-user"]; !strings.Contains(a.Message, "root") {
		t.Errorf("docker-root-user annotation message %q does not say root", a.Message)
	}
	for _, want := range []string{"### ❌", "| Severity |", "fail_on: high"} {
		if !strings.Contains(run.Output.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, run.Output.Summary)
		}
	}
	if strings.Contains(run.Output.Summary, "tfc7Hn3Tx0JqK5vYb2wLs9RmEi8UoP4aZd6GhNkQ") {
		t.Error("summary repeats the secret key")
	}
}

func testPullRequestOpened(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.openPR(vulnSHA)
	if body := h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted); !strings.Contains(body, "queued") {
		t.Errorf("webhook answered %q, want the scan queued", body)
	}
	h.drain()
	run := h.onlyCheckRun(vulnSHA)
	assertVulnCheck(t, run)
	// queued at creation, in progress, then completed in the last write.
	var statuses []string
	for _, w := range run.Writes {
		statuses = append(statuses, w.Method+" "+w.Status)
	}
	if diff := cmp.Diff([]string{"POST queued", "PATCH in_progress", "PATCH completed"}, statuses); diff != "" {
		t.Errorf("check run writes (-want +got):\n%s", diff)
	}
	sc, fs := h.prScan(vulnSHA)
	if !sc.Published || sc.CheckRunID != run.ID || sc.Conclusion != "failure" {
		t.Errorf("stored scan: published %v, check run %d (want %d), conclusion %q", sc.Published, sc.CheckRunID, run.ID, sc.Conclusion)
	}
	var newOnes []string
	for _, f := range fs {
		if f.Status == "new" {
			newOnes = append(newOnes, fmt.Sprintf("%s:%d %s", f.Path, f.StartLine, f.RuleID))
		}
	}
	if len(newOnes) != len(run.Annotations) || sc.New != len(run.Annotations) {
		t.Errorf("%d new findings stored (count %d), %d annotations: %v", len(newOnes), sc.New, len(run.Annotations), newOnes)
	}
	// The baseline (the base commit) is cached as a full scan for later pull requests.
	base, err := h.store.GetScan(context.Background(), fullScanKey(h.app, repoFull, baseSHA))
	if err != nil || base.CompletedAt.IsZero() {
		t.Errorf("baseline scan of the base commit not stored: %v", err)
	}
}

func testSynchronizeFix(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.openPR(vulnSHA)
	h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
	h.drain()
	h.openPR(fixedSHA)
	h.deliver("pull_request", prPayload(t, "synchronize", fixedSHA), http.StatusAccepted)
	h.drain()

	assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
	fixed := h.onlyCheckRun(fixedSHA)
	if fixed.Status != "completed" || fixed.Conclusion != "success" {
		t.Fatalf("check on the fix: %s/%s, want completed/success (summary %q)", fixed.Status, fixed.Conclusion, fixed.Output.Summary)
	}
	if len(fixed.Annotations) != 0 {
		t.Errorf("fix has %d annotations: %v", len(fixed.Annotations), keysOf(fixed.Annotations))
	}
	if !strings.Contains(fixed.Output.Summary, "✅") {
		t.Errorf("summary of the fix:\n%s", fixed.Output.Summary)
	}
	sc, fs := h.prScan(fixedSHA)
	var gotFixed []string
	for _, f := range fs {
		if f.Status == "fixed" {
			gotFixed = append(gotFixed, f.Path+" "+f.RuleID)
		}
	}
	slices.Sort(gotFixed)
	wantFixed := []string{"legacy/Dockerfile docker-base-image-no-digest", "legacy/Dockerfile docker-root-user"}
	if diff := cmp.Diff(wantFixed, gotFixed); diff != "" || sc.New != 0 || sc.Fixed != len(wantFixed) {
		t.Errorf("stored scan of the fix: new %d, fixed %d; fixed findings (-want +got):\n%s", sc.New, sc.Fixed, diff)
	}
}

func testPullRequestActions(t *testing.T, sk storeKind) {
	for _, tc := range []struct {
		action string
		scans  bool
	}{
		{"opened", true},
		{"reopened", true},
		{"synchronize", true},
		{"ready_for_review", true},
		{"closed", false},
		{"labeled", false},
		{"converted_to_draft", false},
		{"review_requested", false},
	} {
		t.Run(tc.action, func(t *testing.T) {
			h := newHarness(t, sk, true)
			h.seed(repoFull)
			h.openPR(vulnSHA)
			payload := prPayload(t, tc.action, vulnSHA)
			if tc.action == "converted_to_draft" {
				// The example's pull request is a draft already; GitHub sends it so.
				if d, _ := webhooks.Get(payload, "pull_request.draft"); d != true {
					t.Fatalf("converted_to_draft example is not a draft: %v", d)
				}
			}
			body := h.deliver("pull_request", payload, http.StatusAccepted)
			h.drain()
			runs := h.checkRuns(repoFull, vulnSHA)
			if !tc.scans {
				if len(runs) != 0 || len(h.sender.sent()) != 0 {
					t.Errorf("%s: %d check runs, %d jobs; want none (webhook said %q)", tc.action, len(runs), len(h.sender.sent()), body)
				}
				return
			}
			if len(runs) != 1 {
				t.Fatalf("%s: %d check runs, want 1 (webhook said %q)", tc.action, len(runs), body)
			}
			assertVulnCheck(t, runs[0])
		})
	}
}

func testDuplicateDelivery(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.openPR(vulnSHA)
	d := h.sign("pull_request", prPayload(t, "opened", vulnSHA))
	if status, body := h.post(d); status != http.StatusAccepted {
		t.Fatalf("first delivery: HTTP %d %q", status, body)
	}
	if status, body := h.post(d); status != http.StatusOK || body != "duplicate delivery" {
		t.Fatalf("second delivery: HTTP %d %q, want 200 duplicate delivery", status, body)
	}
	h.drain()
	assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
	if n := len(h.sender.sent()); n != 1 {
		t.Errorf("%d jobs queued, want 1", n)
	}
}

func testRedeliveredJob(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.openPR(vulnSHA)
	h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
	h.drain()
	before := h.onlyCheckRun(vulnSHA)
	_, findingsBefore := h.prScan(vulnSHA)
	jobs := h.sender.sent()
	if len(jobs) != 1 {
		t.Fatalf("%d jobs queued, want 1", len(jobs))
	}
	// SQS delivers the same message again: once through the queue, once straight to the
	// handler as a second receive would.
	if err := h.queue.Send(context.Background(), jobs[0]); err != nil {
		t.Fatal(err)
	}
	h.drain()
	if err := h.app.HandleJob(context.Background(), queue.Message{ID: "redelivered", Body: jobs[0], Attempt: 2}); err != nil {
		t.Fatalf("redelivered job: %v", err)
	}
	after := h.onlyCheckRun(vulnSHA)
	if len(after.Annotations) != len(before.Annotations) || len(after.Writes) != len(before.Writes) {
		t.Errorf("redelivery changed the check run: %d → %d annotations, %d → %d writes",
			len(before.Annotations), len(after.Annotations), len(before.Writes), len(after.Writes))
	}
	_, findingsAfter := h.prScan(vulnSHA)
	fingerprints := func(fs []store.StoredFinding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Fingerprint)
		}
		return out
	}
	if diff := cmp.Diff(fingerprints(findingsBefore), fingerprints(findingsAfter)); diff != "" {
		t.Errorf("stored findings changed on redelivery (-before +after):\n%s", diff)
	}
	if fps := fingerprints(findingsAfter); len(slices.Compact(slices.Sorted(slices.Values(fps)))) != len(fps) {
		t.Errorf("duplicate findings stored: %v", fps)
	}
}

// testReopenedReusesScan closes nothing but reopens: the second check run on the same head gets
// the stored scan's annotations, in full, without downloading or scanning anything again.
func testReopenedReusesScan(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.openPR(vulnSHA)
	h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
	h.drain()
	downloads := statusCount(h, "GET", "/_codeload/acme/widgets/*", http.StatusOK)
	if downloads != 2 {
		t.Fatalf("first scan downloaded %d archives, want 2 (base and head)", downloads)
	}
	h.deliver("pull_request", prPayload(t, "reopened", vulnSHA), http.StatusAccepted)
	h.drain()
	runs := h.checkRuns(repoFull, vulnSHA)
	if len(runs) != 2 {
		t.Fatalf("%d check runs, want the first and the reopened one", len(runs))
	}
	assertVulnCheck(t, runs[1])
	if diff := cmp.Diff(keysOf(runs[0].Annotations), keysOf(runs[1].Annotations)); diff != "" {
		t.Errorf("reopened check's annotations differ (-first +reopened):\n%s", diff)
	}
	if got := statusCount(h, "GET", "/_codeload/acme/widgets/*", http.StatusOK); got != downloads {
		t.Errorf("reopening downloaded %d more archives, want none (the scan is stored)", got-downloads)
	}
	if sc, _ := h.prScan(vulnSHA); sc.CheckRunID != runs[1].ID || !sc.Published {
		t.Errorf("stored scan points at check run %d (published %v), want %d", sc.CheckRunID, sc.Published, runs[1].ID)
	}
}

func testSuperseded(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, false)
	h.seed(repoFull)
	h.openPR(vulnSHA)
	h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
	// The author pushes the fix before the first scan runs.
	h.openPR(fixedSHA)
	h.deliver("pull_request", prPayload(t, "synchronize", fixedSHA), http.StatusAccepted)
	h.start()
	h.drain()
	stale := h.onlyCheckRun(vulnSHA)
	if stale.Conclusion != "skipped" || stale.Output.Title != "Superseded" || !strings.Contains(stale.Output.Summary, fixedSHA[:7]) {
		t.Errorf("stale check: %s/%s %q %q; want skipped, Superseded, naming %s", stale.Status, stale.Conclusion, stale.Output.Title, stale.Output.Summary, fixedSHA[:7])
	}
	if len(stale.Annotations) != 0 {
		t.Errorf("stale check has %d annotations", len(stale.Annotations))
	}
	if current := h.onlyCheckRun(fixedSHA); current.Conclusion != "success" {
		t.Errorf("current check: %s/%s, want success", current.Status, current.Conclusion)
	}
}

// statusCount counts the fake's answers with status to method on paths matching pattern.
func statusCount(h *harness, method, pattern string, status int) int {
	n := 0
	for _, r := range h.gh.Requests() {
		if ok, _ := filepath.Match(pattern, r.Path); ok && r.Method == method && r.Status == status {
			n++
		}
	}
	return n
}

func testGitHubServerErrors(t *testing.T, sk storeKind) {
	type fault struct {
		method, path string
		status, n    int
	}
	for _, tc := range []struct {
		name   string
		faults []fault
	}{
		// The client's retries absorb a few errors on every step of the flow.
		{"transient", []fault{
			{"POST", "/repos/acme/widgets/check-runs", http.StatusBadGateway, 1},
			{"GET", "/repos/acme/widgets/pulls/7", http.StatusInternalServerError, 1},
			{"GET", "/repos/acme/widgets/tarball/*", http.StatusServiceUnavailable, 1},
			{"PATCH", "/repos/acme/widgets/check-runs/*", http.StatusBadGateway, 2},
		}},
		// More errors than the client retries: the job fails, the queue redelivers it.
		{"outlasting the client's retries", []fault{
			{"GET", "/repos/acme/widgets/pulls/7", http.StatusBadGateway, 5},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sk, true)
			h.seed(repoFull)
			h.openPR(vulnSHA)
			for _, f := range tc.faults {
				h.gh.FailNext(f.method, f.path, f.status, f.n, nil)
			}
			h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
			h.drain()
			assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
			for _, f := range tc.faults {
				if got := statusCount(h, f.method, f.path, f.status); got != f.n {
					t.Errorf("%s %s answered %d %d times, want %d", f.method, f.path, f.status, got, f.n)
				}
			}
		})
	}
}

func testRateLimited(t *testing.T, sk storeKind) {
	for _, tc := range []struct {
		name   string
		status int
	}{
		{"secondary rate limit 403", http.StatusForbidden},
		{"429", http.StatusTooManyRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sk, true)
			h.seed(repoFull)
			h.openPR(vulnSHA)
			// The scan's first write (in progress) is refused with Retry-After: 1.
			h.gh.FailNext("PATCH", "/repos/acme/widgets/check-runs/*", tc.status, 1, map[string]string{"Retry-After": "1"})
			start := time.Now()
			h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
			h.drain()
			assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
			if got := statusCount(h, "PATCH", "/repos/acme/widgets/check-runs/*", tc.status); got != 1 {
				t.Errorf("rate-limit answer given %d times, want 1", got)
			}
			if waits := h.sleeps.all(); !slices.Contains(waits, time.Second) {
				t.Errorf("client waited %v, want Retry-After's 1s among them", waits)
			}
			if elapsed := time.Since(start); elapsed < time.Second {
				t.Errorf("completed %s after the webhook, before Retry-After passed", elapsed)
			}
		})
	}
}

func testAnnotationBatches(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	head := h.manyFindings(120)
	h.openPR(head)
	h.deliver("pull_request", prPayload(t, "opened", head), http.StatusAccepted)
	h.drain()
	run := h.onlyCheckRun(head)
	if run.Conclusion != "failure" || len(run.Annotations) != 120 {
		t.Fatalf("check: %s/%s with %d annotations, want completed/failure with 120", run.Status, run.Conclusion, len(run.Annotations))
	}
	type write struct {
		Annotations        int
		Status, Conclusion string
		CompletedAt        bool
	}
	var got []write
	for _, w := range run.Writes {
		if w.Annotations > 0 {
			got = append(got, write{w.Annotations, w.Status, w.Conclusion, w.CompletedAt})
		}
	}
	want := []write{{50, "", "", false}, {50, "", "", false}, {20, "completed", "failure", true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("annotation batches (-want +got):\n%s", diff)
	}
	lines := map[int]bool{}
	for _, a := range run.Annotations {
		if a.Path != "infra/main.tf" || !strings.HasPrefix(a.Title, "aws-sg-public-remote-admin:") || a.Level != "failure" {
			t.Errorf("annotation %s:%d %s %q", a.Path, a.StartLine, a.Level, a.Title)
		}
		lines[a.StartLine] = true
	}
	if len(lines) != 120 {
		t.Errorf("annotations on %d distinct lines, want 120", len(lines))
	}
}

// manyFindings is a commit on top of base with n findings of one rule, one per resource.
func (h *harness) manyFindings(n int) string {
	var tf strings.Builder
	for i := range n {
		fmt.Fprintf(&tf, "resource \"aws_security_group\" \"sg%d\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n\n", i)
	}
	head := fakegithub.SHA(fmt.Sprintf("%d findings", n))
	h.gh.AddCommit(repoFull, head, with(baseFiles, map[string]string{"infra/main.tf": tf.String()}))
	return head
}

// testInterruptedPublication fails the third annotation batch for longer than the client
// retries: the job fails after two batches are on the check run, the queue redelivers it, and
// the redelivery must add only the missing annotations.
func testInterruptedPublication(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	head := h.manyFindings(120)
	h.openPR(head)
	var patches int
	var mu sync.Mutex
	h.setHook(func(r *http.Request) {
		if r.Method != http.MethodPatch || !strings.Contains(r.URL.Path, "/check-runs/") {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		// PATCH 1 marks the run in progress, 2 and 3 carry the first 100 annotations.
		if patches++; patches == 4 {
			h.gh.FailNext("PATCH", r.URL.Path, http.StatusBadGateway, 5, nil)
		}
	})
	h.deliver("pull_request", prPayload(t, "opened", head), http.StatusAccepted)
	h.drain()
	run := h.onlyCheckRun(head)
	if got := statusCount(h, "PATCH", "/repos/acme/widgets/check-runs/*", http.StatusBadGateway); got != 5 {
		t.Fatalf("the third batch failed %d times, want 5 (the client's attempts)", got)
	}
	if run.Status != "completed" || run.Conclusion != "failure" {
		t.Fatalf("check: %s/%s, want completed/failure", run.Status, run.Conclusion)
	}
	seen := map[int]int{}
	for _, a := range run.Annotations {
		seen[a.StartLine]++
	}
	if len(run.Annotations) != 120 || len(seen) != 120 {
		t.Errorf("%d annotations on %d distinct lines after the redelivery, want 120 on 120", len(run.Annotations), len(seen))
	}
}

// testRepublishKeepsFailOn fails the completing write of a check for longer than the client
// retries; the redelivered job publishes the stored scan, whose conclusion must still follow
// the repository's fail_on (medium here), not the default.
func testRepublishKeepsFailOn(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	base, head := fakegithub.SHA("strict base"), fakegithub.SHA("strict head")
	strict := with(baseFiles, map[string]string{".github/fourc.yml": "fail_on: medium\n"})
	h.gh.AddCommit(repoFull, base, strict)
	// A pod with medium and low findings only: a failure under fail_on medium, a pass under high.
	h.gh.AddCommit(repoFull, head, with(strict, map[string]string{"deploy/pod.yaml": strings.Replace(privilegedPod, "privileged: true", "allowPrivilegeEscalation: false", 1)}))
	h.gh.SetBranch(repoFull, "main", base)
	h.openPR(head, func(pr *fakegithub.PullRequest) { pr.BaseSHA = base })
	var patches int
	var mu sync.Mutex
	h.setHook(func(r *http.Request) {
		if r.Method != http.MethodPatch {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if patches++; patches == 2 { // the completion, after "in progress"
			h.gh.FailNext("PATCH", r.URL.Path, http.StatusBadGateway, 5, nil)
		}
	})
	payload := prPayload(t, "opened", head)
	rewrite(t, payload, map[string]any{"pull_request.base.sha": base})
	h.deliver("pull_request", payload, http.StatusAccepted)
	h.drain()
	run := h.onlyCheckRun(head)
	if got := statusCount(h, "PATCH", "/repos/acme/widgets/check-runs/*", http.StatusBadGateway); got != 5 {
		t.Fatalf("the completion failed %d times, want 5", got)
	}
	var levels []string
	for _, a := range run.Annotations {
		levels = append(levels, a.Level)
	}
	if !slices.Contains(levels, "warning") || slices.Contains(levels, "failure") {
		t.Fatalf("annotation levels %v: want medium (warning) findings and no high ones", levels)
	}
	if run.Conclusion != "failure" || !strings.Contains(run.Output.Summary, "fail_on: medium") {
		t.Errorf("republished check: %s, summary:\n%s\nwant failure under fail_on: medium", run.Conclusion, run.Output.Summary)
	}
}

// tarGz builds a gzipped tar with GitHub's top-level directory and the given entries.
func tarGz(t *testing.T, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range entries {
			if !yield(k) {
				return
			}
		}
	}) {
		body := entries[name]
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body)), ModTime: time.Unix(1767600000, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testMaliciousArchive(t *testing.T, sk storeKind) {
	for _, tc := range []struct {
		name string
		// entry names the escaping entry, given the directory it aims at.
		entry func(workParent, outside string) string
		// target is where the entry would land if extracted.
		target func(workParent, outside string) string
	}{
		{"dot-dot entry",
			// src is work/fourc-scan-N/src, so three ".." leave the work directory.
			func(_, _ string) string { return "acme-widgets-0000000/../../../escaped-dotdot" },
			func(workParent, _ string) string { return filepath.Join(workParent, "escaped-dotdot") }},
		{"absolute entry",
			func(_, outside string) string { return filepath.Join(outside, "escaped-absolute") },
			func(_, outside string) string { return filepath.Join(outside, "escaped-absolute") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sk, true)
			h.seed(repoFull)
			h.openPR(vulnSHA)
			workParent, outside := filepath.Dir(h.workDir), t.TempDir()
			entry := tc.entry(workParent, outside)
			h.gh.SetTarballOverride(repoFull, vulnSHA, tarGz(t, map[string]string{
				"acme-widgets-0000000/README.md": "# widgets\n",
				entry:                            "pwned\n",
			}))
			h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
			h.drain()
			run := h.onlyCheckRun(vulnSHA)
			if run.Status != "completed" || run.Conclusion != "neutral" {
				t.Errorf("check: %s/%s, want completed/neutral", run.Status, run.Conclusion)
			}
			for _, want := range []string{"malicious archive", entry, "attempt 1"} {
				if !strings.Contains(run.Output.Summary, want) {
					t.Errorf("summary lacks %q:\n%s", want, run.Output.Summary)
				}
			}
			if _, err := os.Lstat(tc.target(workParent, outside)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s exists after the scan (err %v)", tc.target(workParent, outside), err)
			}
			if left, _ := os.ReadDir(h.workDir); len(left) != 0 {
				t.Errorf("work directory not cleaned up: %v", left)
			}
			if _, err := h.store.GetScan(context.Background(), store.ScanKey{Repo: repoFull, SHA: vulnSHA,
				Variant: fmt.Sprintf("pr%d-%s-default", prNumber, h.app.RulesVersion())}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a scan of the refused archive was stored (err %v)", err)
			}
		})
	}
}

func testForgedSignature(t *testing.T, sk storeKind) {
	for _, tc := range []struct {
		name  string
		forge func(d *webhooks.Delivery)
	}{
		{"signed with another secret", func(d *webhooks.Delivery) { d.Signature = webhooks.Sign("not the secret", d.Body) }},
		{"body changed after signing", func(d *webhooks.Delivery) {
			d.Body = bytes.Replace(d.Body, []byte(`"opened"`), []byte(`"reopened"`), 1)
		}},
		{"no signature", func(d *webhooks.Delivery) { d.Signature = "" }},
		{"SHA-1 signature only", func(d *webhooks.Delivery) { d.Signature = "sha1=" + strings.Repeat("0", 40) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sk, true)
			h.seed(repoFull)
			h.openPR(vulnSHA)
			d := h.sign("pull_request", prPayload(t, "opened", vulnSHA))
			tc.forge(&d)
			if status, body := h.post(d); status != http.StatusUnauthorized {
				t.Fatalf("HTTP %d %q, want 401", status, body)
			}
			h.drain()
			if runs := h.gh.CheckRuns(repoFull); len(runs) != 0 || len(h.sender.sent()) != 0 {
				t.Errorf("forged delivery made %d check runs and %d jobs", len(runs), len(h.sender.sent()))
			}
			// No delivery record: recording the id now is its first sighting.
			first, err := h.store.RecordDelivery(context.Background(), d.ID, time.Now(), time.Hour)
			if err != nil || !first {
				t.Errorf("the forged delivery's id was recorded (first %v, err %v)", first, err)
			}
		})
	}
}

func testInstallationCreated(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	body := h.deliver("installation", installationPayload(t, "created", repoName), http.StatusAccepted)
	if !strings.Contains(body, "1 default branches queued") {
		t.Errorf("webhook answered %q", body)
	}
	h.drain()
	assertDefaultBranchScanned(t, h, repoFull)
	inst, err := h.store.GetInstallation(context.Background(), instID)
	if err != nil || inst.Account != org {
		t.Errorf("installation record %+v, %v", inst, err)
	}
}

// assertDefaultBranchScanned checks that repo's default branch (at baseSHA) got a completed
// check with the legacy Dockerfile's finding, and that the store points the repository at
// that full scan.
func assertDefaultBranchScanned(t *testing.T, h *harness, repo string) {
	t.Helper()
	runs := h.checkRuns(repo, baseSHA)
	if len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Fatalf("default-branch checks on %s: %+v; want one, failed", repo, runs)
	}
	want := annotationKey{Path: "legacy/Dockerfile", Line: 1, Level: "failure", Rule: "docker-root-user"}
	if !slices.Contains(keysOf(runs[0].Annotations), want) {
		t.Errorf("default-branch check lacks %s: %v", want, keysOf(runs[0].Annotations))
	}
	ctx := context.Background()
	rec, err := h.store.GetRepo(ctx, instID, repo)
	if err != nil {
		t.Fatalf("repository record of %s: %v", repo, err)
	}
	wantKey := fullScanKey(h.app, repo, baseSHA)
	if rec.DefaultBranch != "main" || rec.LastScan == nil || *rec.LastScan != wantKey {
		t.Fatalf("repository record %+v (last scan %v), want branch main and last scan %s", rec, rec.LastScan, wantKey)
	}
	fs, err := h.store.Findings(ctx, wantKey)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.Path+" "+f.RuleID)
	}
	if !slices.Contains(rules, "legacy/Dockerfile docker-root-user") {
		t.Errorf("findings of the default branch: %v", rules)
	}
}

func testInstallationDeleted(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.deliver("installation", installationPayload(t, "created", repoName), http.StatusAccepted)
	h.drain()
	h.deliver("installation", installationPayload(t, "deleted", ""), http.StatusAccepted)
	ctx := context.Background()
	if _, err := h.store.GetInstallation(ctx, instID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("installation still recorded after deletion (err %v)", err)
	}
	if repos, err := h.store.ListRepos(ctx, instID); err != nil || len(repos) != 0 {
		t.Errorf("repositories still recorded after deletion: %+v (err %v)", repos, err)
	}
}

func testInstallationRepositories(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	const gadgets = org + "/gadgets"
	h.addRepo("gadgets")
	h.seed(gadgets)
	body := h.deliver("installation_repositories", installationReposPayload(t, "added", "gadgets"), http.StatusAccepted)
	if !strings.Contains(body, "1 repositories added") {
		t.Errorf("webhook answered %q", body)
	}
	h.drain()
	assertDefaultBranchScanned(t, h, gadgets)
	if runs := h.gh.CheckRuns(repoFull); len(runs) != 0 {
		t.Errorf("%d check runs on %s, which was not added", len(runs), repoFull)
	}
	h.deliver("installation_repositories", installationReposPayload(t, "removed", "gadgets"), http.StatusAccepted)
	if _, err := h.store.GetRepo(context.Background(), instID, gadgets); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s still recorded after removal (err %v)", gadgets, err)
	}
}

func testCheckSuiteAndRun(t *testing.T, sk storeKind) {
	t.Run("check_suite requested on the default branch", func(t *testing.T) {
		h := newHarness(t, sk, true)
		h.seed(repoFull)
		h.deliver("check_suite", checkSuitePayload(t, "requested", baseSHA), http.StatusAccepted)
		h.drain()
		assertDefaultBranchScanned(t, h, repoFull)
	})
	t.Run("check_suite rerequested on a pull request", func(t *testing.T) {
		h := newHarness(t, sk, true)
		h.seed(repoFull)
		h.openPR(vulnSHA)
		h.deliver("check_suite", checkSuitePayload(t, "rerequested", vulnSHA), http.StatusAccepted)
		h.drain()
		assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
	})
	t.Run("check_run rerequested", func(t *testing.T) {
		h := newHarness(t, sk, true)
		h.seed(repoFull)
		h.deliver("check_suite", checkSuitePayload(t, "requested", baseSHA), http.StatusAccepted)
		h.drain()
		h.deliver("check_run", checkRunPayload(t, baseSHA), http.StatusAccepted)
		h.drain()
		runs := h.checkRuns(repoFull, baseSHA)
		if len(runs) != 2 {
			t.Fatalf("%d check runs on the default branch, want the first and the re-run", len(runs))
		}
		if diff := cmp.Diff(keysOf(runs[0].Annotations), keysOf(runs[1].Annotations)); diff != "" || runs[1].Conclusion != runs[0].Conclusion {
			t.Errorf("re-run differs from the first run (%s vs %s):\n%s", runs[1].Conclusion, runs[0].Conclusion, diff)
		}
	})
	t.Run("another app's check_run is ignored", func(t *testing.T) {
		h := newHarness(t, sk, true)
		h.seed(repoFull)
		payload := checkRunPayload(t, baseSHA)
		rewrite(t, payload, map[string]any{"check_run.name": "randscape"})
		if body := h.deliver("check_run", payload, http.StatusAccepted); !strings.Contains(body, "ignored") {
			t.Errorf("webhook answered %q", body)
		}
		if runs := h.gh.CheckRuns(repoFull); len(runs) != 0 {
			t.Errorf("%d check runs for another app's re-run", len(runs))
		}
	})
}

// GitHub gives a delivery 10 seconds and does not send it again by itself: when creating the
// check run is slower than that, the App still creates it and queues the scan.
func testWebhookOutlivesGitHub(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.openPR(vulnSHA)
	h.gh.DelayNext("POST", "/repos/*/*/check-runs", time.Second, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond) // GitHub's 10 s, shortened
	defer cancel()
	req, err := h.sign("pull_request", prPayload(t, "opened", vulnSHA)).Request(ctx, h.webhook.URL+"/webhook")
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the delivery was answered (HTTP %d) before the slow check-run creation ended", resp.StatusCode)
	}
	deadline := time.Now().Add(waitLimit)
	for len(h.sender.sent()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no scan queued within %s of GitHub hanging up", waitLimit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.drain()
	assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
}

func testForkPullRequest(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	// The fork's head switches every rule it trips off; the config must come from the base.
	head := fakegithub.SHA("fork head")
	h.gh.AddCommit(repoFull, head, with(vulnFiles, map[string]string{
		".github/fourc.yml": "rules:\n  disable: [docker-root-user, secret-aws-access-key-pair, k8s-privileged]\n",
	}))
	h.openPR(head, func(pr *fakegithub.PullRequest) { pr.HeadRepo = forkOwner + "/" + repoName })
	payload := prPayload(t, "opened", head)
	fields := repoFields("pull_request.head.repo", forkOwner, repoName)
	fields["pull_request.head.repo.fork"] = true
	fields["pull_request.head.label"] = forkOwner + ":deploy-web"
	fields["pull_request.head.user.login"] = forkOwner
	rewrite(t, payload, fields)
	h.deliver("pull_request", payload, http.StatusAccepted)
	h.drain()
	assertVulnCheck(t, h.onlyCheckRun(head))
	var configReads []string
	for _, r := range h.gh.Requests() {
		if strings.Contains(r.Path, forkOwner) {
			t.Errorf("request to the fork: %s %s", r.Method, r.Path)
		}
		if strings.HasSuffix(r.Path, "/contents/.github/fourc.yml") {
			configReads = append(configReads, r.Query)
		}
	}
	if len(configReads) == 0 {
		t.Fatal("config never read")
	}
	for _, q := range configReads {
		if q != "ref="+baseSHA {
			t.Errorf("config read with %q, want the base commit", q)
		}
	}

	// GitHub's check_run events for a fork's pull request list no pull request; the re-run
	// must still scan the pull request, and must not pass the fork's commit off as the
	// default branch's state.
	first := h.onlyCheckRun(head)
	rerun := checkRunPayload(t, head)
	rewrite(t, rerun, map[string]any{"check_run.pull_requests": []any{}, "check_run.external_id": first.ExternalID,
		"check_run.check_suite.head_branch": "deploy-web"})
	h.deliver("check_run", rerun, http.StatusAccepted)
	h.drain()
	runs := h.checkRuns(repoFull, head)
	if len(runs) != 2 {
		t.Fatalf("%d check runs on the fork's head after the re-run, want 2", len(runs))
	}
	assertVulnCheck(t, runs[1])
	if rec, err := h.store.GetRepo(context.Background(), instID, repoFull); err == nil && rec.LastScan != nil && rec.LastScan.SHA == head {
		t.Errorf("the fork re-run became the repository's state: %+v", rec.LastScan)
	}

	// A re-run of a run fourc cannot place (another branch, no pull request) is ignored.
	rewrite(t, rerun, map[string]any{"check_run.external_id": "branch-x"})
	if body := h.deliver("check_run", rerun, http.StatusAccepted); !strings.Contains(body, "ignored") {
		t.Errorf("re-run outside the default branch answered %q", body)
	}
	h.drain()
	if runs := h.checkRuns(repoFull, head); len(runs) != 2 {
		t.Errorf("%d check runs after an unplaceable re-run, want still 2", len(runs))
	}
}

func testDraftPullRequest(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, true)
	h.seed(repoFull)
	h.openPR(vulnSHA, func(pr *fakegithub.PullRequest) { pr.Draft = true })
	draft := prPayload(t, "opened", vulnSHA)
	rewrite(t, draft, map[string]any{"pull_request.draft": true})
	if body := h.deliver("pull_request", draft, http.StatusAccepted); !strings.Contains(body, "draft") {
		t.Errorf("webhook answered %q for a draft", body)
	}
	h.drain()
	if runs := h.gh.CheckRuns(repoFull); len(runs) != 0 || len(h.sender.sent()) != 0 {
		t.Fatalf("draft got %d check runs and %d jobs", len(runs), len(h.sender.sent()))
	}
	h.openPR(vulnSHA)
	h.deliver("pull_request", prPayload(t, "ready_for_review", vulnSHA), http.StatusAccepted)
	h.drain()
	assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
}
