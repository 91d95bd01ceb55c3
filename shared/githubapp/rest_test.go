package githubapp_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/test/fakegithub"
)

const installationID = 7

var widgets = githubapp.Repo{Owner: "acme", Name: "widgets"}

var (
	baseSHA = fakegithub.SHA("base")
	headSHA = fakegithub.SHA("head")
)

// fixture is a fake GitHub with installation 7 owning acme/widgets (main at baseSHA, pull
// request #1 from baseSHA to headSHA), and a client for it whose retries do not sleep.
type fixture struct {
	srv    *fakegithub.Server
	client *githubapp.Client
	waits  *[]time.Duration
}

func newFixture(t *testing.T, opts fakegithub.Options) fixture {
	t.Helper()
	srv := fakegithub.New(t, opts)
	srv.AddInstallation(fakegithub.Installation{ID: installationID, Account: "acme"})
	srv.AddRepo(installationID, fakegithub.Repo{Owner: "acme", Name: "widgets"})
	srv.AddCommit("acme/widgets", baseSHA, map[string]string{"README.md": "hello\n", ".github/fourc.yml": "fail_on: high\n", "src/main.go": "package main\n"})
	srv.AddCommit("acme/widgets", headSHA, map[string]string{"README.md": "hello\nworld\n", ".github/fourc.yml": "fail_on: high\n", "src/main.go": "package main\n", "src/new.go": "package main\n"})
	srv.SetBranch("acme/widgets", "main", baseSHA)
	srv.AddPullRequest("acme/widgets", fakegithub.PullRequest{Number: 1, BaseSHA: baseSHA, HeadSHA: headSHA, HeadRef: "feature"})
	f := fixture{srv: srv, waits: new([]time.Duration)}
	f.client = f.newClient(t, srv.PrivateKeyPEM())
	return f
}

func (f fixture) newClient(t *testing.T, key []byte) *githubapp.Client {
	t.Helper()
	var mu sync.Mutex
	client, err := githubapp.New(githubapp.Options{
		BaseURL: f.srv.URL, AppID: f.srv.AppID, PrivateKey: key, Transport: f.srv.Client().Transport,
		Retry: githubapp.RetryOptions{MaxAttempts: 4, Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			*f.waits = append(*f.waits, d)
			return nil
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func (f fixture) noViolations(t *testing.T) {
	t.Helper()
	if v := f.srv.Violations(); len(v) > 0 {
		t.Errorf("the client broke GitHub's contract:\n%v", v)
	}
}

// requests counts the answered requests with method whose path contains part.
func (f fixture) requests(method, part string) []fakegithub.Request {
	var out []fakegithub.Request
	for _, r := range f.srv.Requests() {
		if r.Method == method && strings.Contains(r.Path, part) {
			out = append(out, r)
		}
	}
	return out
}

func makeAnnotations(n int) []githubapp.Annotation {
	out := make([]githubapp.Annotation, n)
	for i := range out {
		out[i] = githubapp.Annotation{Path: "src/main.go", StartLine: i + 1, EndLine: i + 1, StartColumn: 1, EndColumn: 4,
			AnnotationLevel: "warning", Message: fmt.Sprintf("finding %d", i), Title: "rule"}
	}
	return out
}

func TestNewValidatesOptions(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	tests := []struct {
		name    string
		opts    githubapp.Options
		wantErr string
	}{
		{"PKCS#1 key, default URL", githubapp.Options{AppID: 1, PrivateKey: pkcs1}, ""},
		{"PKCS#8 key, GHES URL", githubapp.Options{AppID: 1, PrivateKey: pkcs8, BaseURL: "https://ghe.example.com/api/v3/"}, ""},
		{"no app id", githubapp.Options{PrivateKey: pkcs1}, "app id"},
		{"key not PEM", githubapp.Options{AppID: 1, PrivateKey: []byte("secret")}, "not PEM"},
		{"key garbled", githubapp.Options{AppID: 1, PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("junk")})}, "parse private key"},
		{"URL without host", githubapp.Options{AppID: 1, PrivateKey: pkcs1, BaseURL: "api/v3"}, "want http(s)://host"},
		{"URL with credentials", githubapp.Options{AppID: 1, PrivateKey: pkcs1, BaseURL: "https://user:pw@ghe.example.com/api/v3"}, "credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := githubapp.New(tt.opts)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), ":pw@")) {
				t.Errorf("error %q leaks a secret", err)
			}
		})
	}
}

func TestUpdateCheckRunSendsFiftyAnnotationsPerRequest(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	ctx := context.Background()
	id, err := f.client.CreateCheckRun(ctx, installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{Status: "queued", DetailsURL: "https://fourc.example/x"})
	if err != nil {
		t.Fatal(err)
	}
	completed := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	err = f.client.UpdateCheckRun(ctx, installationID, widgets, id, "fourc", githubapp.CheckRunUpdate{
		Status: "completed", Conclusion: "failure", CompletedAt: completed,
		Output: &githubapp.CheckRunOutput{Title: "3 findings", Summary: "summary", Text: "details", Annotations: makeAnnotations(120)},
	})
	if err != nil {
		t.Fatal(err)
	}
	run, ok := f.srv.CheckRunByID(id)
	if !ok {
		t.Fatal("check run not found")
	}
	want := []fakegithub.CheckRunWrite{
		{Method: "POST", Status: "queued"},
		{Method: "PATCH", Output: true, Annotations: 50},
		{Method: "PATCH", Output: true, Annotations: 50},
		{Method: "PATCH", Status: "completed", Conclusion: "failure", CompletedAt: true, Output: true, Annotations: 20},
	}
	if !slices.Equal(run.Writes, want) {
		t.Errorf("writes = %+v\nwant %+v", run.Writes, want)
	}
	if len(run.Annotations) != 120 || run.Annotations[119].Message != "finding 119" {
		t.Errorf("%d annotations reached GitHub, want all 120 in order", len(run.Annotations))
	}
	if run.Output != (fakegithub.Output{Title: "3 findings", Summary: "summary", Text: "details"}) || !run.CompletedAt.Equal(completed) {
		t.Errorf("output %+v completed at %v", run.Output, run.CompletedAt)
	}
	if run.DetailsURL != "https://fourc.example/x" {
		t.Errorf("details URL %q", run.DetailsURL)
	}
	f.noViolations(t)
}

func TestCreateCheckRunWithManyAnnotationsCompletesLast(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	id, err := f.client.CreateCheckRun(context.Background(), installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{
		Conclusion: "neutral",
		Output:     &githubapp.CheckRunOutput{Title: "t", Summary: "s", Annotations: makeAnnotations(51)},
	})
	if err != nil {
		t.Fatal(err)
	}
	run, _ := f.srv.CheckRunByID(id)
	want := []fakegithub.CheckRunWrite{
		{Method: "POST", Output: true, Annotations: 50},
		{Method: "PATCH", Conclusion: "neutral", CompletedAt: true, Output: true, Annotations: 1},
	}
	if !slices.Equal(run.Writes, want) || run.Status != "completed" {
		t.Errorf("writes = %+v, status %s\nwant %+v, completed", run.Writes, run.Status, want)
	}
	f.noViolations(t)
}

func TestCheckRunFieldsAreFittedToGitHubsLimits(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	huge := strings.Repeat("é", 40000) // 80,000 bytes
	annotation := githubapp.Annotation{Path: "a.go", StartLine: 3, EndLine: 5, StartColumn: 2, EndColumn: 9, AnnotationLevel: "failure",
		Message: huge, RawDetails: huge, Title: strings.Repeat("t", 300)}
	id, err := f.client.CreateCheckRun(context.Background(), installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{
		Conclusion: "failure",
		Output:     &githubapp.CheckRunOutput{Title: strings.Repeat("T", 300), Summary: huge, Text: huge, Annotations: []githubapp.Annotation{annotation}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.noViolations(t)
	run, _ := f.srv.CheckRunByID(id)
	for name, got := range map[string]string{"title": run.Output.Title, "summary": run.Output.Summary, "text": run.Output.Text,
		"message": run.Annotations[0].Message, "raw details": run.Annotations[0].RawDetails, "annotation title": run.Annotations[0].Title} {
		if !strings.HasSuffix(got, "…(truncated)") {
			t.Errorf("%s was not cut with the marker: …%q", name, got[max(0, len(got)-20):])
		}
	}
	if a := run.Annotations[0]; a.StartColumn != 0 || a.EndColumn != 0 {
		t.Errorf("columns %d-%d sent on a multi-line annotation", a.StartColumn, a.EndColumn)
	}
}

func TestPullRequest(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	f.srv.AddPullRequest("acme/widgets", fakegithub.PullRequest{Number: 2, BaseSHA: baseSHA, HeadSHA: headSHA, Draft: true, HeadRepo: "fork/widgets", State: "closed"})
	tests := []struct {
		number  int
		want    githubapp.PullRequest
		wantErr error
	}{
		{1, githubapp.PullRequest{Number: 1, State: "open", HeadSHA: headSHA, BaseSHA: baseSHA, BaseRef: "main", HeadRepo: "acme/widgets"}, nil},
		{2, githubapp.PullRequest{Number: 2, State: "closed", Draft: true, HeadSHA: headSHA, BaseSHA: baseSHA, BaseRef: "main", HeadRepo: "fork/widgets"}, nil},
		{3, githubapp.PullRequest{}, githubapp.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.number), func(t *testing.T) {
			got, err := f.client.GetPullRequest(context.Background(), installationID, widgets, tt.number)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("got %+v, %v\nwant %+v, %v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "acme/widgets#3") {
				t.Errorf("error %q does not name the pull request", err)
			}
		})
	}
}

// addWidePullRequest adds pull request number changing n files.
func addWidePullRequest(srv *fakegithub.Server, number, n int) {
	base, head := map[string]string{}, map[string]string{}
	for i := range n {
		path := fmt.Sprintf("pkg/f%04d.go", i)
		base[path], head[path] = "package pkg\n", "package pkg\n\nvar X = 1\n"
	}
	baseSHA, headSHA := fakegithub.SHA(fmt.Sprint("base", number)), fakegithub.SHA(fmt.Sprint("head", number))
	srv.AddCommit("acme/widgets", baseSHA, base)
	srv.AddCommit("acme/widgets", headSHA, head)
	srv.AddPullRequest("acme/widgets", fakegithub.PullRequest{Number: number, BaseSHA: baseSHA, HeadSHA: headSHA})
}

func TestPullRequestFiles(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	addWidePullRequest(f.srv, 250, 250)
	addWidePullRequest(f.srv, 3000, 3000)
	addWidePullRequest(f.srv, 3001, 3001)
	tests := []struct {
		number    int
		wantFiles int
		wantPages int
		wantErr   error
	}{
		{1, 2, 1, nil},
		{250, 250, 3, nil},
		{3000, 0, 30, githubapp.ErrTooManyFiles}, // the cap reached: the list may be cut
		{3001, 0, 30, githubapp.ErrTooManyFiles},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.number), func(t *testing.T) {
			before := len(f.requests("GET", fmt.Sprintf("/pulls/%d/files", tt.number)))
			files, err := f.client.PullRequestFiles(context.Background(), installationID, widgets, tt.number)
			if !errors.Is(err, tt.wantErr) || len(files) != tt.wantFiles {
				t.Fatalf("%d files, err %v; want %d, %v", len(files), err, tt.wantFiles, tt.wantErr)
			}
			if pages := len(f.requests("GET", fmt.Sprintf("/pulls/%d/files", tt.number))) - before; pages != tt.wantPages {
				t.Errorf("%d page requests, want %d", pages, tt.wantPages)
			}
			for _, file := range files {
				if file.Status == "modified" && !strings.HasPrefix(file.Patch, "@@ ") {
					t.Errorf("%s: patch %q", file.Path, file.Patch)
				}
			}
		})
	}
	want := []githubapp.ChangedFile{
		{Path: "README.md", Status: "modified", Patch: "@@ -1 +1,2 @@\n hello\n+world"},
		{Path: "src/new.go", Status: "added", Patch: "@@ -0,0 +1 @@\n+package main"},
	}
	got, _ := f.client.PullRequestFiles(context.Background(), installationID, widgets, 1)
	if !slices.Equal(got[:2], want) {
		t.Errorf("files = %+v\nwant %+v", got, want)
	}
	f.noViolations(t)
}

func TestCompareFiles(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	addWidePullRequest(f.srv, 300, 300)
	files, err := f.client.CompareFiles(context.Background(), installationID, widgets, baseSHA, headSHA)
	if err != nil || len(files) != 2 {
		t.Fatalf("%d files, %v; want 2", len(files), err)
	}
	_, err = f.client.CompareFiles(context.Background(), installationID, widgets, fakegithub.SHA("base300"), fakegithub.SHA("head300"))
	if !errors.Is(err, githubapp.ErrTooManyFiles) {
		t.Errorf("300 files: err %v, want ErrTooManyFiles (the comparison lists at most 300)", err)
	}
	_, err = f.client.CompareFiles(context.Background(), installationID, widgets, baseSHA, fakegithub.SHA("unknown"))
	if !errors.Is(err, githubapp.ErrNotFound) {
		t.Errorf("unknown head: err %v, want ErrNotFound", err)
	}
	f.noViolations(t)
}

func readTarball(t *testing.T, body io.Reader) map[string]string {
	t.Helper()
	gz, err := gzip.NewReader(body)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	files := map[string]string{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			files[hdr.Name] = string(b)
		}
	}
}

func TestTarball(t *testing.T) {
	for _, prefix := range []string{"", "/api/v3"} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			f := newFixture(t, fakegithub.Options{PathPrefix: prefix})
			body, err := f.client.Tarball(context.Background(), installationID, widgets, headSHA)
			if err != nil {
				t.Fatal(err)
			}
			files := readTarball(t, body)
			body.Close()
			top := "acme-widgets-" + headSHA[:7] + "/"
			if files[top+"src/new.go"] != "package main\n" || len(files) != 4 {
				t.Errorf("archive holds %v", files)
			}
			downloads := f.requests("GET", "/_codeload/")
			if len(downloads) != 1 || downloads[0].Status != 200 || downloads[0].Credentials {
				t.Errorf("downloads %+v, want one 200 without credentials (the link is pre-signed)", downloads)
			}
			if _, err := f.client.Tarball(context.Background(), installationID, widgets, fakegithub.SHA("unknown")); !errors.Is(err, githubapp.ErrNotFound) {
				t.Errorf("unknown ref: err %v, want ErrNotFound", err)
			}
			f.noViolations(t)
		})
	}
}

func TestTarballOverrideAndRedaction(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	f.srv.SetTarballOverride("acme/widgets", headSHA, []byte("not a tarball"))
	body, err := f.client.Tarball(context.Background(), installationID, widgets, headSHA)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(body)
	body.Close()
	if string(got) != "not a tarball" {
		t.Errorf("body %q, want the override", got)
	}

	// A download that fails in transport must not quote the signed link's token.
	f.srv.DelayNext("GET", "/_codeload/*/*/*", time.Minute, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = f.client.Tarball(ctx, installationID, widgets, headSHA)
	if err == nil || strings.Contains(err.Error(), "token=") || !strings.Contains(err.Error(), "_codeload") {
		t.Errorf("err = %v, want a failure naming the link without its token", err)
	}
}

func TestFileContent(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	tests := []struct {
		path, ref string
		want      string
		wantErr   error
		wantMsg   string
	}{
		{".github/fourc.yml", baseSHA, "fail_on: high\n", nil, ""},
		{"README.md", "main", "hello\n", nil, ""},
		{"src/new.go", headSHA, "package main\n", nil, ""},
		{"src/new.go", baseSHA, "", githubapp.ErrNotFound, "src/new.go"},
		{"README.md", fakegithub.SHA("unknown"), "", githubapp.ErrNotFound, ""},
		{"src", baseSHA, "", nil, "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.path+"@"+tt.ref[:min(7, len(tt.ref))], func(t *testing.T) {
			got, err := f.client.FileContent(context.Background(), installationID, widgets, tt.path, tt.ref)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) || tt.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantMsg)) ||
				tt.wantErr == nil && tt.wantMsg == "" && err != nil {
				t.Fatalf("err = %v, want %v / %q", err, tt.wantErr, tt.wantMsg)
			}
			if string(got) != tt.want {
				t.Errorf("content %q, want %q", got, tt.want)
			}
		})
	}
	f.noViolations(t)
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		times     int
		headers   map[string]string
		wantWaits []time.Duration // nil: backoff, only the count is checked
		wantCount int
	}{
		{"502 twice", 502, 2, nil, nil, 2},
		{"429 with Retry-After", 429, 1, map[string]string{"Retry-After": "1"}, []time.Duration{time.Second}, 1},
		{"secondary rate limit", 403, 1, map[string]string{"Retry-After": "1"}, []time.Duration{time.Second}, 1},
		{"secondary rate limit without Retry-After", 403, 1, nil, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fakegithub.Options{})
			f.srv.FailNext("GET", "/repos/acme/widgets/pulls/1", tt.status, tt.times, tt.headers)
			pr, err := f.client.GetPullRequest(context.Background(), installationID, widgets, 1)
			if err != nil || pr.HeadSHA != headSHA {
				t.Fatalf("got %+v, %v", pr, err)
			}
			if len(*f.waits) != tt.wantCount || tt.wantWaits != nil && !slices.Equal(*f.waits, tt.wantWaits) {
				t.Errorf("waits %v, want %d (%v)", *f.waits, tt.wantCount, tt.wantWaits)
			}
			if got := len(f.requests("GET", "/pulls/1")); got != tt.times+1 {
				t.Errorf("%d requests, want %d", got, tt.times+1)
			}
		})
	}
	t.Run("token request retried", func(t *testing.T) {
		f := newFixture(t, fakegithub.Options{})
		f.srv.FailNext("POST", "/app/installations/*/access_tokens", 500, 1, nil)
		if _, err := f.client.GetPullRequest(context.Background(), installationID, widgets, 1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("persistent 500 fails naming the operation", func(t *testing.T) {
		f := newFixture(t, fakegithub.Options{})
		f.srv.FailNext("", "/repos/acme/widgets/check-runs", 500, 10, nil)
		_, err := f.client.CreateCheckRun(context.Background(), installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{})
		if err == nil || !strings.Contains(err.Error(), "create check run \"fourc\" on acme/widgets@") || strings.Contains(err.Error(), "ghs_") {
			t.Errorf("err = %v", err)
		}
		if got := len(f.requests("POST", "/check-runs")); got != 4 {
			t.Errorf("%d attempts, want MaxAttempts (4)", got)
		}
	})
}

func TestInstallationTokens(t *testing.T) {
	t.Run("reused while valid", func(t *testing.T) {
		f := newFixture(t, fakegithub.Options{})
		for range 3 {
			if _, err := f.client.GetPullRequest(context.Background(), installationID, widgets, 1); err != nil {
				t.Fatal(err)
			}
		}
		if got := len(f.requests("POST", "/access_tokens")); got != 1 {
			t.Errorf("%d token requests for 3 calls, want 1", got)
		}
	})
	t.Run("refreshed once expired", func(t *testing.T) {
		f := newFixture(t, fakegithub.Options{TokenTTL: 2 * time.Second})
		if _, err := f.client.GetPullRequest(context.Background(), installationID, widgets, 1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2100 * time.Millisecond) // the first token has now expired on the server
		if _, err := f.client.GetPullRequest(context.Background(), installationID, widgets, 1); err != nil {
			t.Fatalf("after expiry: %v", err)
		}
		if got := len(f.requests("POST", "/access_tokens")); got != 2 {
			t.Errorf("%d token requests, want 2", got)
		}
		for _, r := range f.srv.Requests() {
			if r.Status == http.StatusUnauthorized {
				t.Errorf("%s %s answered 401: an expired token was used", r.Method, r.Path)
			}
		}
	})
	t.Run("another key is refused", func(t *testing.T) {
		f := newFixture(t, fakegithub.Options{})
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		impostor := f.newClient(t, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
		if _, err := impostor.Installations(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("Installations with another key: err %v, want 401", err)
		}
		if _, err := impostor.GetPullRequest(context.Background(), installationID, widgets, 1); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("token with another key: err %v, want 401", err)
		}
	})
}

func TestRepoHead(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	f.srv.AddRepo(installationID, fakegithub.Repo{Owner: "acme", Name: "empty"})
	tests := []struct {
		name       string
		repo       githubapp.Repo
		fault      int
		wantBranch string
		wantSHA    string
		wantErr    error
	}{
		{"default branch", widgets, 0, "main", baseSHA, nil},
		{"empty repository", githubapp.Repo{Owner: "acme", Name: "empty"}, 0, "", "", githubapp.ErrNotFound},
		{"409 empty", widgets, http.StatusConflict, "", "", githubapp.ErrNotFound},
		{"missing repository", githubapp.Repo{Owner: "acme", Name: "gone"}, 0, "", "", githubapp.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != 0 {
				f.srv.FailNext("GET", "/repos/acme/widgets/branches/main", tt.fault, 1, nil)
			}
			branch, sha, err := f.client.RepoHead(context.Background(), installationID, tt.repo)
			if branch != tt.wantBranch || sha != tt.wantSHA || !errors.Is(err, tt.wantErr) {
				t.Errorf("got %q %q %v, want %q %q %v", branch, sha, err, tt.wantBranch, tt.wantSHA, tt.wantErr)
			}
		})
	}
}

func TestInstallationReposAndInstallations(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	f.srv.AddInstallation(fakegithub.Installation{ID: 8, Account: "octo", AccountType: "User"})
	f.srv.AddRepo(installationID, fakegithub.Repo{Owner: "acme", Name: "archived", Archived: true})
	f.srv.AddRepo(installationID, fakegithub.Repo{Owner: "acme", Name: "no-issues", IssuesDisabled: true, Private: true, DefaultBranch: "trunk"})
	for i := range 120 {
		f.srv.AddRepo(installationID, fakegithub.Repo{Owner: "acme", Name: fmt.Sprintf("r%03d", i)})
	}
	f.srv.AddRepo(8, fakegithub.Repo{Owner: "octo", Name: "mine"})
	repos, err := f.client.InstallationRepos(context.Background(), installationID)
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 123 {
		t.Fatalf("%d repositories, want 123", len(repos))
	}
	byName := map[string]githubapp.RepoInfo{}
	for _, r := range repos {
		byName[r.Repo.String()] = r
	}
	wantSome := []githubapp.RepoInfo{
		{Repo: githubapp.Repo{Owner: "acme", Name: "archived"}, DefaultBranch: "main", CanWriteIssues: false},
		{Repo: githubapp.Repo{Owner: "acme", Name: "no-issues"}, DefaultBranch: "trunk", Private: true, CanWriteIssues: false},
		{Repo: widgets, DefaultBranch: "main", CanWriteIssues: true},
	}
	for _, want := range wantSome {
		if got := byName[want.Repo.String()]; got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
	installations, err := f.client.Installations(context.Background())
	want := []githubapp.Installation{{ID: 7, Account: "acme", AccountType: "Organization"}, {ID: 8, Account: "octo", AccountType: "User"}}
	if err != nil || !slices.Equal(installations, want) {
		t.Errorf("installations %+v, %v; want %+v", installations, err, want)
	}
	f.noViolations(t)
}

func TestIssues(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	ctx := context.Background()
	old := f.srv.AddIssue("acme/widgets", fakegithub.Issue{Title: "old summary", Labels: []string{"fourc-summary"}, CreatedAt: time.Now().Add(-time.Hour)})
	f.srv.AddIssue("acme/widgets", fakegithub.Issue{Title: "closed summary", Labels: []string{"fourc-summary"}, State: "closed"})
	f.srv.AddIssue("acme/widgets", fakegithub.Issue{Title: "unrelated", Labels: []string{"bug"}})
	created, err := f.client.CreateIssue(ctx, installationID, widgets, "fourc weekly summary", "body", []string{"fourc-summary"})
	if err != nil {
		t.Fatal(err)
	}
	if created.Title != "fourc weekly summary" || created.State != "open" || !slices.Equal(created.Labels, []string{"fourc-summary"}) || created.URL == "" {
		t.Errorf("created %+v", created)
	}
	found, err := f.client.FindIssues(ctx, installationID, widgets, "fourc-summary")
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, i := range found {
		numbers = append(numbers, i.Number)
	}
	if !slices.Equal(numbers, []int{created.Number, old}) {
		t.Errorf("found issues %v, want the open labelled ones newest first: %v", numbers, []int{created.Number, old})
	}
	updated, err := f.client.UpdateIssue(ctx, installationID, widgets, old, "", "", "closed")
	if err != nil || updated.State != "closed" || updated.Title != "old summary" {
		t.Errorf("updated %+v, %v; want closed with its title kept", updated, err)
	}
	if err := f.client.CommentIssue(ctx, installationID, widgets, old, "Superseded by #"+fmt.Sprint(created.Number)); err != nil {
		t.Fatal(err)
	}
	for _, issue := range f.srv.Issues("acme/widgets") {
		if issue.Number == old && !slices.Equal(issue.Comments, []string{"Superseded by #" + fmt.Sprint(created.Number)}) {
			t.Errorf("comments %q", issue.Comments)
		}
	}
	if _, err := f.client.UpdateIssue(ctx, installationID, widgets, 999, "x", "", ""); !errors.Is(err, githubapp.ErrNotFound) {
		t.Errorf("missing issue: err %v, want ErrNotFound", err)
	}
	f.srv.AddRepo(installationID, fakegithub.Repo{Owner: "acme", Name: "no-issues", IssuesDisabled: true})
	if _, err := f.client.CreateIssue(ctx, installationID, githubapp.Repo{Owner: "acme", Name: "no-issues"}, "t", "b", nil); err == nil || !strings.Contains(err.Error(), "410") {
		t.Errorf("issues disabled: err %v, want 410", err)
	}
	f.noViolations(t)
}

func TestConcurrentInstallations(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	for id := int64(20); id < 24; id++ {
		f.srv.AddInstallation(fakegithub.Installation{ID: id, Account: fmt.Sprint("org", id)})
		f.srv.AddRepo(id, fakegithub.Repo{Owner: fmt.Sprint("org", id), Name: "repo"})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		id := int64(20 + i%4)
		wg.Go(func() {
			if _, err := f.client.InstallationRepos(context.Background(), id); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(f.requests("POST", "/access_tokens")); got < 4 || got > 8 {
		t.Errorf("%d token requests for 4 installations", got)
	}
	f.noViolations(t)
}
