package githubapp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/test/fakegithub"
)

// answerTimeout is the client's bound on each answer in these tests: long enough for the fake
// under the race detector, short enough to keep a lost answer cheap.
const answerTimeout = 2 * time.Second

// impatientClient is a client of f's server that gives up on an answer after answerTimeout.
func impatientClient(t *testing.T, f fixture) *githubapp.Client {
	t.Helper()
	client, err := githubapp.New(githubapp.Options{
		BaseURL: f.srv.URL, AppID: f.srv.AppID, PrivateKey: f.srv.PrivateKeyPEM(), Transport: f.srv.Client().Transport,
		Retry: githubapp.RetryOptions{MaxAttempts: 4, AttemptTimeout: answerTimeout, Sleep: func(context.Context, time.Duration) error { return nil }},
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// TestWritesSurviveLostAnswers loses GitHub's answer to writes it does not deduplicate — after
// applying them (a 502 from a proxy, or no answer at all) or before (a 502 refused outright) —
// and checks that each write took effect exactly once.
func TestWritesSurviveLostAnswers(t *testing.T) {
	type fault struct {
		applied bool // GitHub applied the write before the answer was lost
		status  int  // the answer instead of GitHub's; 0 for none (the client times out)
	}
	faults := map[string]fault{
		"applied then 502":     {true, http.StatusBadGateway},
		"applied, no answer":   {true, 0},
		"refused with 502":     {false, http.StatusBadGateway},
		"refused with timeout": {false, 0},
	}
	inject := func(f fixture, method, path string, ft fault) {
		switch {
		case ft.applied:
			f.srv.ApplyThenFail(method, path, ft.status, 1)
		case ft.status == 0:
			f.srv.DelayNext(method, path, 3*answerTimeout, 1)
		default:
			f.srv.FailNext(method, path, ft.status, 1, nil)
		}
	}
	ctx := context.Background()
	writes := []struct {
		name string
		// write makes the write under a fault on its request and checks that it took effect once.
		write func(t *testing.T, f fixture, client *githubapp.Client, ft fault)
	}{
		{"create check run", func(t *testing.T, f fixture, client *githubapp.Client, ft fault) {
			inject(f, "POST", "/repos/acme/widgets/check-runs", ft)
			id, err := client.CreateCheckRun(ctx, installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{Status: "queued"})
			if err != nil {
				t.Fatal(err)
			}
			runs := f.srv.CheckRuns("acme/widgets")
			if len(runs) != 1 || runs[0].ID != id || runs[0].ExternalID == "" {
				t.Fatalf("check runs %+v, want one with id %d and an external id", runs, id)
			}
			if got := len(f.requests("GET", "/commits/"+headSHA+"/check-runs")); got != 1 {
				t.Errorf("%d lookups of the commit's check runs, want 1", got)
			}
		}},
		{"create issue", func(t *testing.T, f fixture, client *githubapp.Client, ft fault) {
			inject(f, "POST", "/repos/acme/widgets/issues", ft)
			issue, err := client.CreateIssue(ctx, installationID, widgets, "fourc weekly summary", "body", []string{"fourc-summary"})
			if err != nil {
				t.Fatal(err)
			}
			issues := f.srv.Issues("acme/widgets")
			if len(issues) != 1 || issues[0].Number != issue.Number {
				t.Fatalf("issues %+v, want one numbered %d", issues, issue.Number)
			}
		}},
		{"comment on issue", func(t *testing.T, f fixture, client *githubapp.Client, ft fault) {
			number := f.srv.AddIssue("acme/widgets", fakegithub.Issue{Title: "old summary"})
			inject(f, "POST", "/repos/acme/widgets/issues/*/comments", ft)
			if err := client.CommentIssue(ctx, installationID, widgets, number, "Superseded"); err != nil {
				t.Fatal(err)
			}
			if comments := f.srv.Issues("acme/widgets")[0].Comments; len(comments) != 1 {
				t.Fatalf("comments %q, want one", comments)
			}
		}},
		{"update appending annotations", func(t *testing.T, f fixture, client *githubapp.Client, ft fault) {
			id, err := client.CreateCheckRun(ctx, installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{Status: "queued"})
			if err != nil {
				t.Fatal(err)
			}
			inject(f, "PATCH", "/repos/acme/widgets/check-runs/*", ft)
			err = client.UpdateCheckRun(ctx, installationID, widgets, id, "fourc", githubapp.CheckRunUpdate{
				Output: &githubapp.CheckRunOutput{Title: "t", Summary: "s", Annotations: makeAnnotations(3)},
			})
			// The client cannot look for annotations as it looks for a run: it reports the
			// doubt, and the run's count tells the caller whether to send them again.
			if !errors.Is(err, githubapp.ErrUncertain) {
				t.Fatalf("err = %v, want ErrUncertain", err)
			}
			run, err := client.GetCheckRun(ctx, installationID, widgets, id)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if ft.applied {
				want = 3
			}
			if run.Annotations != want || len(f.requests("PATCH", "/check-runs/")) != 1 {
				t.Errorf("run holds %d annotations after %d PATCHes, want %d after 1", run.Annotations, len(f.requests("PATCH", "/check-runs/")), want)
			}
		}},
	}
	for _, w := range writes {
		for name, ft := range faults {
			t.Run(w.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, fakegithub.Options{})
				w.write(t, f, impatientClient(t, f), ft)
				f.noViolations(t)
			})
		}
	}
}

// TestAttemptTimeout checks that a hung answer is abandoned and the request, when it may be
// sent twice, retried, while a slow body after prompt headers is read to its end.
func TestAttemptTimeout(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices the client leaving only once it has read the request body.
		_, _ = io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			<-r.Context().Done() // the first attempt never gets its headers
			return
		}
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(300 * time.Millisecond) // longer than the attempt timeout, after the headers
		io.WriteString(w, "archive")
	}))
	defer srv.Close()
	client := &http.Client{Transport: &githubapp.RetryTransport{
		MaxAttempts: 3, AttemptTimeout: 100 * time.Millisecond, Sleep: func(context.Context, time.Duration) error { return nil },
	}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "archive" || calls.Load() != 2 {
		t.Errorf("body %q, %v after %d attempts; want the archive after 2", body, err, calls.Load())
	}

	calls.Store(0)
	_, err = client.Post(srv.URL, "application/json", strings.NewReader("{}"))
	var timeout *githubapp.AttemptTimeoutError
	if !errors.Is(err, githubapp.ErrUncertain) || !errors.As(err, &timeout) || calls.Load() != 1 {
		t.Errorf("POST with no answer: %v after %d attempts; want one attempt, ErrUncertain and the timeout", err, calls.Load())
	}
}
