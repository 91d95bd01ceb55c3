package githubapp

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned when GitHub answers 404 (a file absent on a branch, a deleted PR).
var ErrNotFound = errors.New("not found on GitHub")

// Repo names a repository.
type Repo struct {
	Owner, Name string
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// PullRequest is what a scan needs to know of a pull request.
type PullRequest struct {
	Number  int
	State   string // open, closed
	Draft   bool
	HeadSHA string
	BaseSHA string
	BaseRef string
	// HeadRepo is the repository the head branch lives in; differs from the base for forks.
	HeadRepo string
}

// ChangedFile is one file of a pull request or comparison, with its patch when GitHub sends one
// (it omits patches of large and binary files).
type ChangedFile struct {
	Path         string
	PreviousPath string // set on renames
	Status       string // added, modified, removed, renamed, copied, changed, unchanged
	Patch        string
}

// Annotation is one check-run annotation; fields as GitHub's API names them.
type Annotation struct {
	Path            string
	StartLine       int
	EndLine         int
	StartColumn     int // only when StartLine == EndLine
	EndColumn       int
	AnnotationLevel string // notice, warning, failure
	Message         string
	Title           string
	RawDetails      string
}

// CheckRun is what the App reads back of a check run.
type CheckRun struct {
	ID                 int64
	Name, HeadSHA      string
	ExternalID         string
	Status, Conclusion string
	// Annotations counts the annotations on the run: GitHub appends those of each update.
	Annotations int
}

// CheckRunOutput is the visible part of a check run.
type CheckRunOutput struct {
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
}

// CheckRunUpdate changes a check run; zero fields are left as they are.
type CheckRunUpdate struct {
	Status      string // queued, in_progress, completed
	Conclusion  string // success, failure, neutral, cancelled, timed_out, action_required, skipped
	CompletedAt time.Time
	DetailsURL  string
	Output      *CheckRunOutput
	// ExternalRef, at creation, is the App's reference for the run ("pr-42"). GitHub returns
	// the run's external id, this reference and a unique suffix, in check_run events.
	ExternalRef string
}

// Issue is a GitHub issue as the weekly summary uses it.
type Issue struct {
	Number int
	Title  string
	State  string
	URL    string
	Labels []string
}

// Installation is an installation as the App sees it.
type Installation struct {
	ID          int64
	Account     string
	AccountType string
}

// RepoInfo is a repository an installation can access.
type RepoInfo struct {
	Repo          Repo
	DefaultBranch string
	Private       bool
	// CanWriteIssues reports whether the App may open issues there (issues enabled, not archived).
	CanWriteIssues bool
}

// GitHub is every call the App makes, each acting as one installation. The real implementation
// wraps go-github with installation tokens; tests use it against the fake GitHub server.
type GitHub interface {
	CreateCheckRun(ctx context.Context, installation int64, repo Repo, name, headSHA string, update CheckRunUpdate) (int64, error)
	// UpdateCheckRun applies update. Output annotations beyond 50 are sent in further requests,
	// as GitHub accepts at most 50 per request. GitHub appends annotations, so a request
	// carrying some is not resent after an answer that leaves open whether GitHub applied it:
	// the error then wraps ErrUncertain.
	UpdateCheckRun(ctx context.Context, installation int64, repo Repo, id int64, name string, update CheckRunUpdate) error
	// GetCheckRun reads a check run back, to learn whether an update whose answer was lost
	// (ErrUncertain) took effect.
	GetCheckRun(ctx context.Context, installation int64, repo Repo, id int64) (CheckRun, error)
	GetPullRequest(ctx context.Context, installation int64, repo Repo, number int) (PullRequest, error)
	// PullRequestFiles lists every changed file (all pages); past GitHub's limit of 3,000 files it
	// returns ErrTooManyFiles so the caller can compare commits instead.
	PullRequestFiles(ctx context.Context, installation int64, repo Repo, number int) ([]ChangedFile, error)
	CompareFiles(ctx context.Context, installation int64, repo Repo, base, head string) ([]ChangedFile, error)
	// Tarball streams the repository at ref as GitHub's tar.gz (one top-level directory).
	Tarball(ctx context.Context, installation int64, repo Repo, ref string) (io.ReadCloser, error)
	// FileContent reads one file at ref; ErrNotFound when it does not exist.
	FileContent(ctx context.Context, installation int64, repo Repo, path, ref string) ([]byte, error)
	InstallationRepos(ctx context.Context, installation int64) ([]RepoInfo, error)
	// RepoHead returns a repository's default branch and the SHA at its tip.
	RepoHead(ctx context.Context, installation int64, repo Repo) (branch, sha string, err error)
	CreateIssue(ctx context.Context, installation int64, repo Repo, title, body string, labels []string) (Issue, error)
	// UpdateIssue changes an issue; an empty title, body or state leaves that field as it is.
	UpdateIssue(ctx context.Context, installation int64, repo Repo, number int, title, body, state string) (Issue, error)
	// CommentIssue adds a comment to an issue.
	CommentIssue(ctx context.Context, installation int64, repo Repo, number int, body string) error
	// FindIssues lists open issues carrying label, newest first.
	FindIssues(ctx context.Context, installation int64, repo Repo, label string) ([]Issue, error)
	Installations(ctx context.Context) ([]Installation, error)
}

// ErrTooManyFiles says the pull-request files API stopped at its limit.
var ErrTooManyFiles = errors.New("pull request has more files than the files API lists")
