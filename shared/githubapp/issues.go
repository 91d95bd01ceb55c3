package githubapp

import (
	"context"
	"fmt"

	"github.com/google/go-github/v60/github"
)

// maxIssueBodyBytes is GitHub's limit on an issue or comment body (65,536 characters).
const maxIssueBodyBytes = 65536

// CreateIssue opens an issue. GitHub does not deduplicate creations: after an answer that leaves
// open whether the issue was created, an open issue with the same title, body and labels is
// looked for and adopted before another is opened.
func (c *Client) CreateIssue(ctx context.Context, installation int64, repo Repo, title, body string, labels []string) (Issue, error) {
	what := fmt.Sprintf("create issue %q in %s", title, repo)
	gh, err := c.installation(installation)
	if err != nil {
		return Issue{}, fmt.Errorf("%s: %w", what, err)
	}
	req := &github.IssueRequest{Title: github.String(title), Body: github.String(truncate(body, maxIssueBodyBytes))}
	if len(labels) > 0 {
		req.Labels = &labels
	}
	var created Issue
	err = c.createOnce(ctx, what, func(ctx context.Context) (*github.Response, error) {
		issue, resp, err := gh.Issues.Create(ctx, repo.Owner, repo.Name, req)
		if err == nil {
			created = issueOf(issue)
		}
		return resp, err
	}, func(ctx context.Context) (bool, error) {
		issue, err := c.findCreatedIssue(ctx, gh, repo, req)
		if issue != nil {
			created = issueOf(issue)
		}
		return issue != nil, err
	})
	return created, err
}

// findCreatedIssue looks among the newest open issues for one matching a creation request.
func (c *Client) findCreatedIssue(ctx context.Context, gh *github.Client, repo Repo, req *github.IssueRequest) (*github.Issue, error) {
	opts := &github.IssueListByRepoOptions{State: "open", Sort: "created", Direction: "desc", ListOptions: github.ListOptions{PerPage: perPage}}
	if req.Labels != nil {
		opts.Labels = *req.Labels
	}
	// The issue was opened moments ago: it is on the first page of the newest, or nowhere.
	page, resp, err := gh.Issues.ListByRepo(ctx, repo.Owner, repo.Name, opts)
	if err != nil {
		return nil, apiError(fmt.Sprintf("list the newest issues of %s", repo), resp, err)
	}
	for _, issue := range page {
		if !issue.IsPullRequest() && issue.GetTitle() == req.GetTitle() && issue.GetBody() == req.GetBody() {
			return issue, nil
		}
	}
	return nil, nil
}

// UpdateIssue changes an issue's title, body and state; empty ones are left as they are.
func (c *Client) UpdateIssue(ctx context.Context, installation int64, repo Repo, number int, title, body, state string) (Issue, error) {
	what := fmt.Sprintf("update issue %s#%d", repo, number)
	gh, err := c.installation(installation)
	if err != nil {
		return Issue{}, fmt.Errorf("%s: %w", what, err)
	}
	req := &github.IssueRequest{}
	if title != "" {
		req.Title = github.String(title)
	}
	if body != "" {
		req.Body = github.String(truncate(body, maxIssueBodyBytes))
	}
	if state != "" {
		req.State = github.String(state)
	}
	issue, resp, err := gh.Issues.Edit(ctx, repo.Owner, repo.Name, number, req)
	if err != nil {
		return Issue{}, apiError(what, resp, err)
	}
	return issueOf(issue), nil
}

// CommentIssue adds a comment to an issue. After an answer that leaves open whether it was
// added, the issue's comments are searched for the same body before it is sent again.
func (c *Client) CommentIssue(ctx context.Context, installation int64, repo Repo, number int, body string) error {
	what := fmt.Sprintf("comment on issue %s#%d", repo, number)
	gh, err := c.installation(installation)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	body = truncate(body, maxIssueBodyBytes)
	return c.createOnce(ctx, what, func(ctx context.Context) (*github.Response, error) {
		_, resp, err := gh.Issues.CreateComment(ctx, repo.Owner, repo.Name, number, &github.IssueComment{Body: github.String(body)})
		return resp, err
	}, func(ctx context.Context) (bool, error) {
		return c.hasComment(ctx, gh, repo, number, body)
	})
}

// hasComment tells whether issue number carries a comment with body.
func (c *Client) hasComment(ctx context.Context, gh *github.Client, repo Repo, number int, body string) (bool, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		page, resp, err := gh.Issues.ListComments(ctx, repo.Owner, repo.Name, number, opts)
		if err != nil {
			return false, apiError(fmt.Sprintf("list comments of issue %s#%d (page %d)", repo, number, max(opts.Page, 1)), resp, err)
		}
		for _, comment := range page {
			if comment.GetBody() == body {
				return true, nil
			}
		}
		if resp.NextPage == 0 {
			return false, nil
		}
		opts.Page = resp.NextPage
	}
}

// FindIssues lists the open issues carrying label, newest first, across all pages. Pull
// requests, which GitHub's issues API also lists, are left out.
func (c *Client) FindIssues(ctx context.Context, installation int64, repo Repo, label string) ([]Issue, error) {
	what := fmt.Sprintf("list issues labelled %q in %s", label, repo)
	gh, err := c.installation(installation)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	opts := &github.IssueListByRepoOptions{
		Labels: []string{label}, State: "open", Sort: "created", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: perPage},
	}
	var out []Issue
	for {
		page, resp, err := gh.Issues.ListByRepo(ctx, repo.Owner, repo.Name, opts)
		if err != nil {
			return nil, apiError(fmt.Sprintf("%s (page %d)", what, max(opts.Page, 1)), resp, err)
		}
		for _, issue := range page {
			if !issue.IsPullRequest() {
				out = append(out, issueOf(issue))
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

func issueOf(issue *github.Issue) Issue {
	out := Issue{Number: issue.GetNumber(), Title: issue.GetTitle(), State: issue.GetState(), URL: issue.GetHTMLURL()}
	for _, l := range issue.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// Installations lists every installation of the App, authenticated as the App itself.
func (c *Client) Installations(ctx context.Context) ([]Installation, error) {
	var out []Installation
	opts := &github.ListOptions{PerPage: perPage}
	for {
		page, resp, err := c.app.Apps.ListInstallations(ctx, opts)
		if err != nil {
			return nil, apiError(fmt.Sprintf("list installations of app %d (page %d)", c.appID, max(opts.Page, 1)), resp, err)
		}
		for _, inst := range page {
			out = append(out, Installation{ID: inst.GetID(), Account: inst.GetAccount().GetLogin(), AccountType: inst.GetAccount().GetType()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}
