package fakegithub

import (
	"crypto/sha1"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Installation is an installation of the App on an account.
type Installation struct {
	ID          int64
	Account     string
	AccountType string // "Organization" (the default) or "User"
}

// Repo is a repository. The zero value of each flag is GitHub's default for a new repository.
type Repo struct {
	Owner, Name   string
	DefaultBranch string // default "main"
	Private       bool
	// IssuesDisabled switches issues off (has_issues false): creating one answers 410.
	IssuesDisabled bool
	// Archived makes the repository read-only: writes answer 403.
	Archived bool
}

// FullName is "owner/name".
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// PullRequest is a pull request; its changed files are computed from the base and head
// commits' files.
type PullRequest struct {
	Number           int
	Title            string
	State            string // default "open"
	Draft            bool
	HeadSHA, BaseSHA string
	HeadRef          string // default "feature"
	BaseRef          string // default the repository's default branch
	// HeadRepo is the "owner/name" of the fork the head lives in (default the repository).
	// Its commits are added to the base repository, as GitHub lets the base read them.
	HeadRepo string
}

// CheckRun is a check run as the fake holds it.
type CheckRun struct {
	ID                                      int64
	Repo, Name, HeadSHA, Status, Conclusion string
	DetailsURL                              string
	StartedAt, CompletedAt                  time.Time
	Output                                  Output
	// Annotations accumulate across updates, as on GitHub.
	Annotations []Annotation
	// Writes are the accepted create (POST) and updates (PATCH), in order.
	Writes []CheckRunWrite
	// ExternalID is the integrator's reference for the run, as the App set it.
	ExternalID string
}

// Output is a check run's visible text.
type Output struct{ Title, Summary, Text string }

// Annotation is one check-run annotation.
type Annotation struct {
	Path                                       string
	StartLine, EndLine, StartColumn, EndColumn int
	Level, Message, Title, RawDetails          string
}

// CheckRunWrite summarises one accepted request on a check run.
type CheckRunWrite struct {
	Method             string // POST or PATCH
	Status, Conclusion string // as sent ("" when absent)
	CompletedAt        bool   // whether completed_at was sent
	Output             bool   // whether an output was sent
	Annotations        int
}

// Issue is an issue.
type Issue struct {
	Number               int
	Title, Body, State   string
	Labels               []string
	CreatedAt, UpdatedAt time.Time
	// Comments are the bodies of the issue's comments, oldest first.
	Comments []string
}

type repoState struct {
	Repo
	id           int64
	installation int64
	branches     map[string]string
	commits      map[string]map[string]string
	pulls        map[int]*PullRequest
	issues       map[int]*Issue
	tarballs     map[string][]byte
	// diffs caches changed files by base and head SHA; commits never change once added.
	diffs      map[[2]string][]changedFile
	lastNumber int // issues and pull requests share their numbers
}

type checkRunState struct {
	CheckRun
	repo *repoState
}

func repoKey(owner, name string) string { return strings.ToLower(owner + "/" + name) }

// SHA makes a commit SHA (40 hex digits) from a seed, for tests that need readable names.
func SHA(seed string) string {
	checksum := sha1.Sum([]byte(seed)) // shaped like git's SHA-1 object names
	return hex.EncodeToString(checksum[:])
}

// AddInstallation adds an installation of the App.
func (s *Server) AddInstallation(inst Installation) {
	s.t.Helper()
	if inst.ID <= 0 || inst.Account == "" {
		s.t.Fatalf("fakegithub: installation needs an id and an account: %+v", inst)
	}
	if inst.AccountType == "" {
		inst.AccountType = "Organization"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installations[inst.ID] = &inst
}

// AddRepo adds a repository to an installation.
func (s *Server) AddRepo(installation int64, repo Repo) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.installations[installation] == nil {
		s.t.Fatalf("fakegithub: AddRepo(%d, %s): no such installation", installation, repo.FullName())
	}
	if repo.Owner == "" || repo.Name == "" {
		s.t.Fatalf("fakegithub: repository needs an owner and a name: %+v", repo)
	}
	if repo.DefaultBranch == "" {
		repo.DefaultBranch = "main"
	}
	s.nextID++
	s.repos[repoKey(repo.Owner, repo.Name)] = &repoState{
		Repo: repo, id: s.nextID, installation: installation,
		branches: map[string]string{}, commits: map[string]map[string]string{}, pulls: map[int]*PullRequest{},
		issues: map[int]*Issue{}, tarballs: map[string][]byte{}, diffs: map[[2]string][]changedFile{},
	}
}

// repo finds a repository for the test API; the caller holds s.mu.
func (s *Server) repo(fullName string) *repoState {
	s.t.Helper()
	owner, name, _ := strings.Cut(fullName, "/")
	r, ok := s.repos[repoKey(owner, name)]
	if !ok {
		s.t.Fatalf("fakegithub: no repository %q", fullName)
	}
	return r
}

// AddCommit adds a commit of repo ("owner/name") holding files (path → content).
func (s *Server) AddCommit(repo, sha string, files map[string]string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(repo)
	if sha == "" {
		s.t.Fatalf("fakegithub: AddCommit(%s): empty SHA", repo)
	}
	r.commits[sha] = maps.Clone(files)
	clear(r.diffs)
}

// SetBranch points branch at sha, which must be a commit of repo.
func (s *Server) SetBranch(repo, branch, sha string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(repo)
	if _, ok := r.commits[sha]; !ok {
		s.t.Fatalf("fakegithub: SetBranch(%s, %s): no commit %s", repo, branch, sha)
	}
	r.branches[branch] = sha
}

// AddPullRequest adds pr to repo, or replaces the pull request with its number (to move its
// head, close it, …).
func (s *Server) AddPullRequest(repo string, pr PullRequest) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(repo)
	if pr.Number <= 0 || pr.HeadSHA == "" || pr.BaseSHA == "" {
		s.t.Fatalf("fakegithub: pull request needs a number, a head and a base SHA: %+v", pr)
	}
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.HeadRef == "" {
		pr.HeadRef = "feature"
	}
	if pr.BaseRef == "" {
		pr.BaseRef = r.DefaultBranch
	}
	if pr.HeadRepo == "" {
		pr.HeadRepo = r.FullName()
	}
	if pr.Title == "" {
		pr.Title = "Pull request"
	}
	r.pulls[pr.Number] = &pr
	r.lastNumber = max(r.lastNumber, pr.Number)
}

// SetTarballOverride serves archive, byte for byte, as repo's tar.gz at sha (to test a
// hand-made malicious archive).
func (s *Server) SetTarballOverride(repo, sha string, archive []byte) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo(repo).tarballs[sha] = slices.Clone(archive)
}

// AddIssue adds an issue (state open unless given) and returns its number.
func (s *Server) AddIssue(repo string, issue Issue) int {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(repo)
	r.lastNumber++
	issue.Number = r.lastNumber
	if issue.State == "" {
		issue.State = "open"
	}
	if issue.CreatedAt.IsZero() {
		issue.CreatedAt = time.Now().UTC()
	}
	if issue.UpdatedAt.IsZero() {
		issue.UpdatedAt = issue.CreatedAt
	}
	issue.Labels = slices.Clone(issue.Labels)
	issue.Comments = slices.Clone(issue.Comments)
	r.issues[issue.Number] = &issue
	return issue.Number
}

// CheckRuns returns repo's check runs in creation order.
func (s *Server) CheckRuns(repo string) []CheckRun {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(repo)
	var out []CheckRun
	for _, run := range s.checkRuns {
		if run.repo == r {
			out = append(out, run.copy())
		}
	}
	slices.SortFunc(out, func(a, b CheckRun) int { return int(a.ID - b.ID) })
	return out
}

// CheckRunByID returns one check run.
func (s *Server) CheckRunByID(id int64) (CheckRun, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	run, ok := s.checkRuns[id]
	if !ok {
		return CheckRun{}, false
	}
	return run.copy(), true
}

func (c *checkRunState) copy() CheckRun {
	out := c.CheckRun
	out.Annotations = slices.Clone(c.Annotations)
	out.Writes = slices.Clone(c.Writes)
	return out
}

// Issues returns repo's issues by number.
func (s *Server) Issues(repo string) []Issue {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(repo)
	out := make([]Issue, 0, len(r.issues))
	for _, n := range slices.Sorted(maps.Keys(r.issues)) {
		issue := *r.issues[n]
		issue.Labels = slices.Clone(issue.Labels)
		issue.Comments = slices.Clone(issue.Comments)
		out = append(out, issue)
	}
	return out
}

// route dispatches an API request (path without PathPrefix).
func (s *Server) route(w http.ResponseWriter, r *http.Request, apiPath string, info *requestInfo) {
	inner := withInfo(r, info)
	u := *r.URL
	u.Path, u.RawPath = apiPath, strings.TrimPrefix(r.URL.RawPath, s.opts.PathPrefix)
	inner.URL = &u
	s.router.ServeHTTP(w, inner)
}

// routes maps GitHub's endpoints to handlers, each behind the authentication GitHub requires.
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /app", s.asApp(s.getApp))
	m.HandleFunc("GET /app/installations", s.asApp(s.listInstallations))
	m.HandleFunc("GET /app/installations/{id}", s.asApp(s.getInstallation))
	m.HandleFunc("POST /app/installations/{id}/access_tokens", s.asApp(s.createAccessToken))
	m.HandleFunc("GET /installation/repositories", s.asInstallation(s.listInstallationRepos))
	m.HandleFunc("GET /repos/{owner}/{repo}", s.onRepo(s.getRepo))
	m.HandleFunc("GET /repos/{owner}/{repo}/branches/{branch...}", s.onRepo(s.getBranch))
	m.HandleFunc("POST /repos/{owner}/{repo}/check-runs", s.onRepo(s.createCheckRun))
	m.HandleFunc("GET /repos/{owner}/{repo}/check-runs/{id}", s.onRepo(s.getCheckRun))
	m.HandleFunc("PATCH /repos/{owner}/{repo}/check-runs/{id}", s.onRepo(s.updateCheckRun))
	m.HandleFunc("GET /repos/{owner}/{repo}/check-runs/{id}/annotations", s.onRepo(s.listAnnotations))
	m.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", s.onRepo(s.listCheckRunsForRef))
	m.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}", s.onRepo(s.getPullRequest))
	m.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/files", s.onRepo(s.listPullRequestFiles))
	m.HandleFunc("GET /repos/{owner}/{repo}/compare/{basehead...}", s.onRepo(s.compare))
	m.HandleFunc("GET /repos/{owner}/{repo}/tarball", s.onRepo(s.tarballLink))
	m.HandleFunc("GET /repos/{owner}/{repo}/tarball/{ref...}", s.onRepo(s.tarballLink))
	m.HandleFunc("GET /repos/{owner}/{repo}/contents/{path...}", s.onRepo(s.getContents))
	m.HandleFunc("GET /repos/{owner}/{repo}/issues", s.onRepo(s.listIssues))
	m.HandleFunc("POST /repos/{owner}/{repo}/issues", s.onRepo(s.createIssue))
	m.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}", s.onRepo(s.getIssue))
	m.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{number}", s.onRepo(s.updateIssue))
	m.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/comments", s.onRepo(s.listIssueComments))
	m.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/comments", s.onRepo(s.createIssueComment))
	m.HandleFunc("/", s.notFound)
	return m
}
