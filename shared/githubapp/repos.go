package githubapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/google/go-github/v60/github"
)

const (
	// maxPullRequestFiles is how many files GitHub's pull-request files API lists at most.
	maxPullRequestFiles = 3000
	// maxCompareFiles is how many files a comparison lists at most; it does not page them.
	maxCompareFiles = 300
)

// GetPullRequest reads what a scan needs of a pull request.
func (c *Client) GetPullRequest(ctx context.Context, installation int64, repo Repo, number int) (PullRequest, error) {
	what := fmt.Sprintf("read pull request %s#%d", repo, number)
	gh, err := c.installation(installation)
	if err != nil {
		return PullRequest{}, fmt.Errorf("%s: %w", what, err)
	}
	pr, resp, err := gh.PullRequests.Get(ctx, repo.Owner, repo.Name, number)
	if err != nil {
		return PullRequest{}, apiError(what, resp, err)
	}
	return PullRequest{
		Number:  pr.GetNumber(),
		State:   pr.GetState(),
		Draft:   pr.GetDraft(),
		HeadSHA: pr.GetHead().GetSHA(),
		BaseSHA: pr.GetBase().GetSHA(),
		BaseRef: pr.GetBase().GetRef(),
		// The head repository is null when a fork was deleted; "" says so.
		HeadRepo: pr.GetHead().GetRepo().GetFullName(),
	}, nil
}

// PullRequestFiles lists every changed file of a pull request, page by page.
func (c *Client) PullRequestFiles(ctx context.Context, installation int64, repo Repo, number int) ([]ChangedFile, error) {
	what := fmt.Sprintf("list files of pull request %s#%d", repo, number)
	gh, err := c.installation(installation)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var files []ChangedFile
	opts := &github.ListOptions{PerPage: perPage}
	for {
		page, resp, err := gh.PullRequests.ListFiles(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return nil, apiError(fmt.Sprintf("%s (page %d)", what, max(opts.Page, 1)), resp, err)
		}
		files = appendChangedFiles(files, page)
		// Reaching the cap means the list may be cut: the caller must compare commits instead.
		if len(files) >= maxPullRequestFiles {
			return nil, fmt.Errorf("%s: %w (%d listed)", what, ErrTooManyFiles, len(files))
		}
		if resp.NextPage == 0 {
			return files, nil
		}
		opts.Page = resp.NextPage
	}
}

// CompareFiles lists the files changed between base and head. GitHub's comparison lists at
// most 300 files and does not page them (paging a comparison pages its commits), so reaching
// that cap returns ErrTooManyFiles rather than a list that may be incomplete.
func (c *Client) CompareFiles(ctx context.Context, installation int64, repo Repo, base, head string) ([]ChangedFile, error) {
	what := fmt.Sprintf("compare %s...%s in %s", shortSHA(base), shortSHA(head), repo)
	gh, err := c.installation(installation)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	// One commit per page: the files come with the first page whatever its size.
	comparison, resp, err := gh.Repositories.CompareCommits(ctx, repo.Owner, repo.Name, base, head, &github.ListOptions{PerPage: 1})
	if err != nil {
		return nil, apiError(what, resp, err)
	}
	if len(comparison.Files) >= maxCompareFiles {
		return nil, fmt.Errorf("%s: %w (the comparison lists at most %d)", what, ErrTooManyFiles, maxCompareFiles)
	}
	return appendChangedFiles(nil, comparison.Files), nil
}

func appendChangedFiles(out []ChangedFile, files []*github.CommitFile) []ChangedFile {
	for _, f := range files {
		out = append(out, ChangedFile{
			Path:         f.GetFilename(),
			PreviousPath: f.GetPreviousFilename(),
			Status:       f.GetStatus(),
			Patch:        f.GetPatch(),
		})
	}
	return out
}

// Tarball asks GitHub for the archive link and streams the archive from it. The link is
// pre-signed and usually on another host (codeload), so it is fetched without credentials;
// the caller closes the body.
func (c *Client) Tarball(ctx context.Context, installation int64, repo Repo, ref string) (io.ReadCloser, error) {
	what := fmt.Sprintf("download archive of %s@%s", repo, shortSHA(ref))
	gh, err := c.installation(installation)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	link, resp, err := gh.Repositories.GetArchiveLink(ctx, repo.Owner, repo.Name, github.Tarball, &github.RepositoryContentGetOptions{Ref: ref}, 1)
	if err != nil {
		// go-github reports a non-redirect answer with its status only; map it ourselves.
		if resp != nil && resp.Response != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusConflict) {
			return nil, fmt.Errorf("%s: %w (HTTP %d)", what, ErrNotFound, resp.StatusCode)
		}
		return nil, apiError(what, resp, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL.ResolveReference(link).String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, redactURLError(err))
	}
	req.Header.Set("User-Agent", c.userAgent)
	dl, err := c.download.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, redactURLError(err))
	}
	if dl.StatusCode != http.StatusOK {
		drainBody(dl.Body)
		if dl.StatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("%s: %w (archive link answered HTTP 404)", what, ErrNotFound)
		}
		return nil, fmt.Errorf("%s: archive link answered HTTP %d", what, dl.StatusCode)
	}
	return dl.Body, nil
}

// redactURLError drops the query of the URL an *url.Error quotes: archive links carry a
// short-lived token there, and errors end up in logs and check runs.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.User = "", nil
		return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
	}
	return &url.Error{Op: ue.Op, URL: "(archive link)", Err: ue.Err}
}

// FileContent reads one file at ref. A path that is a directory, a symlink to one or a
// submodule is an error, not an empty file.
func (c *Client) FileContent(ctx context.Context, installation int64, repo Repo, path, ref string) ([]byte, error) {
	what := fmt.Sprintf("read %s at %s in %s", path, shortSHA(ref), repo)
	gh, err := c.installation(installation)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	file, dir, resp, err := gh.Repositories.GetContents(ctx, repo.Owner, repo.Name, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		return nil, apiError(what, resp, err)
	}
	if file == nil || dir != nil {
		return nil, fmt.Errorf("%s: is a directory", what)
	}
	if file.GetType() != "file" {
		return nil, fmt.Errorf("%s: is a %s, not a file", what, file.GetType())
	}
	content, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return []byte(content), nil
}

// InstallationRepos lists every repository the installation can access.
func (c *Client) InstallationRepos(ctx context.Context, installation int64) ([]RepoInfo, error) {
	what := fmt.Sprintf("list repositories of installation %d", installation)
	gh, err := c.installation(installation)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var out []RepoInfo
	opts := &github.ListOptions{PerPage: perPage}
	for {
		page, resp, err := gh.Apps.ListRepos(ctx, opts)
		if err != nil {
			return nil, apiError(fmt.Sprintf("%s (page %d)", what, max(opts.Page, 1)), resp, err)
		}
		for _, r := range page.Repositories {
			out = append(out, RepoInfo{
				Repo:           Repo{Owner: r.GetOwner().GetLogin(), Name: r.GetName()},
				DefaultBranch:  r.GetDefaultBranch(),
				Private:        r.GetPrivate(),
				CanWriteIssues: r.GetHasIssues() && !r.GetArchived(),
			})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// RepoHead returns the default branch and the SHA at its tip. An empty repository has no tip:
// GitHub answers 404 or 409 there, and both become ErrNotFound.
func (c *Client) RepoHead(ctx context.Context, installation int64, repo Repo) (string, string, error) {
	what := fmt.Sprintf("read default branch of %s", repo)
	gh, err := c.installation(installation)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", what, err)
	}
	r, resp, err := gh.Repositories.Get(ctx, repo.Owner, repo.Name)
	if err != nil {
		return "", "", apiError(what, resp, err)
	}
	branch := r.GetDefaultBranch()
	if branch == "" {
		return "", "", fmt.Errorf("%s: %w (no default branch)", what, ErrNotFound)
	}
	// One redirect is followed: GitHub answers 301 for a renamed branch.
	b, resp, err := gh.Repositories.GetBranch(ctx, repo.Owner, repo.Name, branch, 1)
	if err != nil {
		// GetBranch reports failures with the status only, as "unexpected status code".
		if resp != nil && resp.Response != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusConflict) {
			return "", "", fmt.Errorf("%s: branch %s: %w (HTTP %d, empty repository?)", what, branch, ErrNotFound, resp.StatusCode)
		}
		return "", "", apiError(fmt.Sprintf("%s: branch %s", what, branch), resp, err)
	}
	sha := b.GetCommit().GetSHA()
	if sha == "" {
		return "", "", fmt.Errorf("%s: branch %s has no commit", what, branch)
	}
	return branch, sha, nil
}
