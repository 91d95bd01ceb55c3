package githubapp_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/test/fakegithub"
)

// tokenAsk is what a token request asked for.
type tokenAsk struct {
	Repositories []string
	Permissions  map[string]string
}

func asks(requests []fakegithub.TokenRequest) []tokenAsk {
	out := make([]tokenAsk, 0, len(requests))
	for _, r := range requests {
		out = append(out, tokenAsk{Repositories: r.Repositories, Permissions: r.Permissions})
	}
	return out
}

var (
	scanToken  = map[string]string{"checks": "write", "contents": "read", "metadata": "read", "pull_requests": "read"}
	issueToken = map[string]string{"issues": "write", "metadata": "read"}
)

func TestTokensAreScopedToTheRepositoryAndTheCall(t *testing.T) {
	gadgets := githubapp.Repo{Owner: "acme", Name: "Gadgets"}
	tests := []struct {
		name string
		call func(ctx context.Context, c *githubapp.Client) error
		want []tokenAsk
	}{
		{"pull request, config and check run share one scan token", func(ctx context.Context, c *githubapp.Client) error {
			if _, err := c.GetPullRequest(ctx, installationID, widgets, 1); err != nil {
				return err
			}
			if _, err := c.FileContent(ctx, installationID, widgets, ".github/fourc.yml", baseSHA); err != nil {
				return err
			}
			_, err := c.CreateCheckRun(ctx, installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{Status: "in_progress"})
			return err
		}, []tokenAsk{{[]string{"widgets"}, scanToken}}},
		{"each repository its own token, named in lower case", func(ctx context.Context, c *githubapp.Client) error {
			if _, _, err := c.RepoHead(ctx, installationID, widgets); err != nil {
				return err
			}
			_, _, err := c.RepoHead(ctx, installationID, gadgets)
			return err
		}, []tokenAsk{{[]string{"widgets"}, scanToken}, {[]string{"gadgets"}, scanToken}}},
		{"issues get an issues token", func(ctx context.Context, c *githubapp.Client) error {
			if _, err := c.FindIssues(ctx, installationID, widgets, "fourc-summary"); err != nil {
				return err
			}
			_, err := c.CreateIssue(ctx, installationID, widgets, "weekly", "body", nil)
			return err
		}, []tokenAsk{{[]string{"widgets"}, issueToken}}},
		{"listing repositories reads metadata of every repository", func(ctx context.Context, c *githubapp.Client) error {
			_, err := c.InstallationRepos(ctx, installationID)
			return err
		}, []tokenAsk{{nil, map[string]string{"metadata": "read"}}}},
		{"the App itself uses no installation token", func(ctx context.Context, c *githubapp.Client) error {
			_, err := c.Installations(ctx)
			return err
		}, []tokenAsk{}},
	}
	// GitHub Enterprise Server serves the same paths under /api/v3.
	for _, prefix := range []string{"", "/api/v3"} {
		for _, tt := range tests {
			t.Run(prefix+" "+tt.name, func(t *testing.T) {
				f := newFixture(t, fakegithub.Options{PathPrefix: prefix})
				f.srv.AddRepo(installationID, fakegithub.Repo{Owner: "acme", Name: "gadgets"})
				f.srv.AddCommit("acme/gadgets", baseSHA, map[string]string{"README.md": "gadgets\n"})
				f.srv.SetBranch("acme/gadgets", "main", baseSHA)
				if err := tt.call(context.Background(), f.client); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, asks(f.srv.TokenRequests())); diff != "" {
					t.Errorf("token requests (-want +got):\n%s", diff)
				}
				f.noViolations(t)
			})
		}
	}
}

func TestRefusedTokenIsReplacedOnce(t *testing.T) {
	annotation := githubapp.Annotation{Path: "src/main.go", StartLine: 1, EndLine: 1, AnnotationLevel: "warning", Message: "m"}
	tests := []struct {
		name string
		// refuse makes GitHub refuse the token the client holds.
		refuse         func(srv *fakegithub.Server)
		wantErr        bool
		wantTokens     int
		want401        int
		wantAnnotation int
	}{
		{"revoked: a fresh token, the update applied once", func(srv *fakegithub.Server) { srv.ExpireTokens() }, false, 2, 1, 1},
		{"refused twice: the error, not a loop", func(srv *fakegithub.Server) {
			srv.FailNext("PATCH", "/repos/acme/widgets/check-runs/*", http.StatusUnauthorized, 2, nil)
		}, true, 2, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fakegithub.Options{})
			ctx := context.Background()
			id, err := f.client.CreateCheckRun(ctx, installationID, widgets, "fourc", headSHA, githubapp.CheckRunUpdate{Status: "in_progress"})
			if err != nil {
				t.Fatal(err)
			}
			tt.refuse(f.srv)
			err = f.client.UpdateCheckRun(ctx, installationID, widgets, id, "fourc", githubapp.CheckRunUpdate{
				Output: &githubapp.CheckRunOutput{Title: "t", Summary: "s", Annotations: []githubapp.Annotation{annotation}},
			})
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tt.wantErr)
			}
			if got := len(f.srv.TokenRequests()); got != tt.wantTokens {
				t.Errorf("%d token requests, want %d", got, tt.wantTokens)
			}
			refused := 0
			for _, r := range f.requests("PATCH", "/check-runs/") {
				if r.Status == http.StatusUnauthorized {
					refused++
				}
			}
			if refused != tt.want401 {
				t.Errorf("%d updates answered 401, want %d", refused, tt.want401)
			}
			if run, _ := f.srv.CheckRunByID(id); len(run.Annotations) != tt.wantAnnotation {
				t.Errorf("%d annotations on the check run, want %d", len(run.Annotations), tt.wantAnnotation)
			}
			f.noViolations(t)
		})
	}
}

func TestTokenForRepositoryOutsideTheInstallation(t *testing.T) {
	f := newFixture(t, fakegithub.Options{})
	f.srv.AddInstallation(fakegithub.Installation{ID: 8, Account: "other"})
	f.srv.AddRepo(8, fakegithub.Repo{Owner: "other", Name: "thing"})
	_, err := f.client.GetPullRequest(context.Background(), installationID, githubapp.Repo{Owner: "acme", Name: "thing"}, 1)
	var refused *githubapp.TokenError
	if !errors.Is(err, githubapp.ErrNotFound) || !errors.As(err, &refused) || refused.Status != http.StatusUnprocessableEntity {
		t.Fatalf("err = %v, want a refused token (422) that is ErrNotFound", err)
	}
	f.noViolations(t)
}
