package test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/test/fakegithub"
)

// TestInstallationTokens checks, on each store, the installation tokens the App asks for: each
// limited to the one repository a job works on and to the permissions that job needs, and a
// token GitHub stops accepting in the middle of a scan replaced without the scan showing it.
func TestInstallationTokens(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, sk storeKind)
	}{
		{"the worker's tokens name the scanned repository and the scan's permissions", testScanTokens},
		{"the summary's tokens list the installation and write issues in one repository", testSummaryTokens},
		{"a token revoked mid-scan is replaced and the check published once", testTokenRevokedMidScan},
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

// tokenAsk is what a token request asked for and how GitHub answered.
type tokenAsk struct {
	Repositories []string
	Permissions  map[string]string
	Status       int
}

func tokenAsks(requests []fakegithub.TokenRequest) []tokenAsk {
	out := make([]tokenAsk, 0, len(requests))
	for _, r := range requests {
		out = append(out, tokenAsk{Repositories: r.Repositories, Permissions: r.Permissions, Status: r.Status})
	}
	return out
}

// The least each kind of work needs (GitHub adds metadata: read to every token anyway).
var (
	scanTokenPermissions  = map[string]string{"checks": "write", "contents": "read", "metadata": "read", "pull_requests": "read"}
	issueTokenPermissions = map[string]string{"issues": "write", "metadata": "read"}
	// scanToken is the token a scan of repoFull asks for.
	scanToken = tokenAsk{Repositories: []string{repoName}, Permissions: scanTokenPermissions, Status: http.StatusCreated}
)

// newClient is a GitHub client of its own on gh, as another process (a Lambda function) has.
func newClient(t *testing.T, gh *fakegithub.Server) *githubapp.Client {
	t.Helper()
	client, err := githubapp.New(githubapp.Options{BaseURL: gh.URL, AppID: gh.AppID, PrivateKey: gh.PrivateKeyPEM(), Transport: gh.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func testScanTokens(t *testing.T, sk storeKind) {
	h := newHarness(t, sk, false)
	h.addRepo("gadgets") // a sibling in the installation, which no token of the scan may reach
	h.seed(repoFull)
	h.openPR(vulnSHA)
	h.deliver("pull_request", prPayload(t, "opened", vulnSHA), http.StatusAccepted)
	webhook := tokenAsks(h.gh.TokenRequests())
	// The worker runs apart from the webhook with a client of its own, as the scan function
	// does, so the tokens it asks for are its own. The webhook handler keeps the App it was
	// built with.
	worker := *h.app
	worker.GitHub = newClient(t, h.gh)
	h.app = &worker
	h.start()
	h.drain()
	assertVulnCheck(t, h.onlyCheckRun(vulnSHA))
	if diff := cmp.Diff([]tokenAsk{scanToken}, webhook); diff != "" {
		t.Errorf("the webhook's token requests (-want +got):\n%s", diff)
	}
	// One token serves the whole scan: the pull request, its files, config and archive, and
	// every write to its check run.
	if diff := cmp.Diff([]tokenAsk{scanToken}, tokenAsks(h.gh.TokenRequests())[len(webhook):]); diff != "" {
		t.Errorf("the worker's token requests (-want +got):\n%s", diff)
	}
	for _, r := range h.gh.Requests() {
		if strings.Contains(r.Path, "/gadgets") {
			t.Errorf("request on the sibling repository: %s %s", r.Method, r.Path)
		}
	}
}

func testSummaryTokens(t *testing.T, sk storeKind) {
	e := newSumEnv(t, sk.open(t))
	sumSeedAcme(t, e.st)
	sumAddAcme(e.gh)
	res := e.publish(t, 7, sumWeek)
	if res.Repo != "acme/.github" || !res.Created {
		t.Fatalf("result %+v, want an issue created in acme/.github", res)
	}
	want := []tokenAsk{
		// Listing the installation's repositories is the one call that needs them all.
		{Permissions: map[string]string{"metadata": "read"}, Status: http.StatusCreated},
		{Repositories: []string{".github"}, Permissions: issueTokenPermissions, Status: http.StatusCreated},
	}
	if diff := cmp.Diff(want, tokenAsks(e.gh.TokenRequests())); diff != "" {
		t.Errorf("the summary's token requests (-want +got):\n%s", diff)
	}
}

// testTokenRevokedMidScan has GitHub stop accepting the scan's token between the start of the
// scan and the publication of its annotations: the client must get a fresh token and go on,
// so the job completes in its first attempt with one check run carrying every annotation once.
func testTokenRevokedMidScan(t *testing.T, sk storeKind) {
	isArchive := func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/_codeload/") }
	isCheckRunUpdate := func(r *http.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/check-runs/")
	}
	for _, tc := range []struct {
		name string
		// head makes the pull request's head commit.
		head func(h *harness) string
		// check asserts what is particular to the head's check run.
		check func(t *testing.T, run fakegithub.CheckRun)
		// The tokens are revoked just before the revokeAt-th request of the App that matches.
		match    func(r *http.Request) bool
		revokeAt int
	}{
		{
			name:  "after the first archive download",
			head:  func(*harness) string { return vulnSHA },
			check: assertVulnCheck,
			match: isArchive, revokeAt: 1,
		},
		{
			name: "between two annotation batches",
			head: func(h *harness) string { return h.manyFindings(120) },
			check: func(t *testing.T, run fakegithub.CheckRun) {
				if run.Conclusion != "failure" || len(run.Annotations) != 120 {
					t.Errorf("check run: %s/%s with %d annotations, want completed/failure with 120", run.Status, run.Conclusion, len(run.Annotations))
				}
			},
			// Update 1 marks the run in progress, 2 carries the first 50 annotations.
			match: isCheckRunUpdate, revokeAt: 3,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sk, true)
			h.seed(repoFull)
			head := tc.head(h)
			h.openPR(head)
			var mu sync.Mutex
			matched, revoked := 0, 0
			h.setHook(func(r *http.Request) {
				if !tc.match(r) {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if matched++; matched == tc.revokeAt {
					revoked += h.gh.ExpireTokens()
				}
			})
			h.deliver("pull_request", prPayload(t, "opened", head), http.StatusAccepted)
			h.drain()

			mu.Lock()
			liveRevoked := revoked
			mu.Unlock()
			if liveRevoked != 1 {
				t.Fatalf("%d live tokens revoked, want the scan's one", liveRevoked)
			}
			var refused []string
			for _, r := range h.gh.Requests() {
				if r.Status == http.StatusUnauthorized {
					refused = append(refused, r.Method+" "+r.Path)
				}
			}
			if len(refused) != 1 {
				t.Errorf("requests answered 401: %v, want the first one after the revocation only", refused)
			}
			if diff := cmp.Diff([]tokenAsk{scanToken, scanToken}, tokenAsks(h.gh.TokenRequests())); diff != "" {
				t.Errorf("token requests (-want +got):\n%s", diff)
			}
			run := h.onlyCheckRun(head)
			tc.check(t, run)
			sc, findings := h.prScan(head)
			assertEachOnce(t, "annotation", keysOf(run.Annotations), sc.New)
			var found []annotationKey
			for _, f := range findings {
				if f.Status == "new" {
					found = append(found, annotationKey{Path: f.Path, Line: f.StartLine, Rule: f.RuleID})
				}
			}
			assertEachOnce(t, "new stored finding", found, sc.New)
			if !sc.Published || sc.CheckRunID != run.ID {
				t.Errorf("stored scan: published %v, check run %d, want %d", sc.Published, sc.CheckRunID, run.ID)
			}
			assertJobsDoneFirstTime(t, h.logs.String(), 1)
		})
	}
}

// assertEachOnce fails unless keys holds want distinct entries, none repeated.
func assertEachOnce[K comparable](t *testing.T, what string, keys []K, want int) {
	t.Helper()
	seen := map[K]int{}
	for _, k := range keys {
		if seen[k]++; seen[k] == 2 {
			t.Errorf("%s %v more than once", what, k)
		}
	}
	if len(keys) != want || len(seen) != want {
		t.Errorf("%d %ss (%d distinct), want %d", len(keys), what, len(seen), want)
	}
}

// assertJobsDoneFirstTime checks in the App's JSON log that jobs scan jobs completed, each in
// its first attempt, and that none failed: a refused token must not cost a redelivery.
func assertJobsDoneFirstTime(t *testing.T, logs string, jobs int) {
	t.Helper()
	done := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec struct {
			Msg     string `json:"msg"`
			Attempt int    `json:"attempt"`
			Error   string `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		switch rec.Msg {
		case "scan failed":
			t.Errorf("scan failed (attempt %d): %s", rec.Attempt, rec.Error)
		case "scan job done":
			done++
			if rec.Attempt != 1 {
				t.Errorf("scan job done in attempt %d, want 1", rec.Attempt)
			}
		}
	}
	if done != jobs {
		t.Errorf("%d scan jobs done, want %d", done, jobs)
	}
}
