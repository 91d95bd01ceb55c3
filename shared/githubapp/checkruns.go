package githubapp

import (
	"cmp"
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"
)

// GitHub's limits on check runs (https://docs.github.com/rest/checks/runs). The report package
// already fits its output within them; the client enforces them again because a request over
// any of them is refused whole, and a refused completion leaves the check in progress.
const (
	// MaxAnnotationsPerRequest is how many annotations one create or update may carry.
	MaxAnnotationsPerRequest = 50
	maxTitleBytes            = 255   // output title and annotation title
	maxOutputTextBytes       = 65535 // output summary and text
	maxAnnotationTextBytes   = 65535 // annotation message and raw_details ("64 KB")
	truncatedMarker          = "…(truncated)"
)

// CreateCheckRun creates a check run and returns its id. When the output carries more than
// MaxAnnotationsPerRequest annotations the rest follow in updates; if one of those fails, the
// id is returned with the error so the caller can still complete the check.
func (c *Client) CreateCheckRun(ctx context.Context, installation int64, repo Repo, name, headSHA string, update CheckRunUpdate) (int64, error) {
	what := fmt.Sprintf("create check run %q on %s@%s", name, repo, shortSHA(headSHA))
	gh, err := c.installation(installation)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	requests := checkRunRequests(name, update)
	first := requests[0]
	run, resp, err := gh.Checks.CreateCheckRun(ctx, repo.Owner, repo.Name, github.CreateCheckRunOptions{
		Name: name, HeadSHA: headSHA, DetailsURL: first.DetailsURL, Status: first.Status,
		Conclusion: first.Conclusion, CompletedAt: first.CompletedAt, Output: first.Output,
	})
	if err != nil {
		return 0, apiError(what, resp, err)
	}
	id := run.GetID()
	return id, c.sendCheckRunUpdates(ctx, gh, repo, id, requests[1:])
}

// UpdateCheckRun applies update, in several requests when the annotations do not fit in one.
func (c *Client) UpdateCheckRun(ctx context.Context, installation int64, repo Repo, id int64, name string, update CheckRunUpdate) error {
	gh, err := c.installation(installation)
	if err != nil {
		return fmt.Errorf("update check run %d on %s: %w", id, repo, err)
	}
	return c.sendCheckRunUpdates(ctx, gh, repo, id, checkRunRequests(name, update))
}

func (c *Client) sendCheckRunUpdates(ctx context.Context, gh *github.Client, repo Repo, id int64, requests []github.UpdateCheckRunOptions) error {
	for i, req := range requests {
		if _, resp, err := gh.Checks.UpdateCheckRun(ctx, repo.Owner, repo.Name, id, req); err != nil {
			return apiError(fmt.Sprintf("update check run %d on %s (request %d of %d)", id, repo, i+1, len(requests)), resp, err)
		}
	}
	return nil
}

// checkRunRequests splits update into requests GitHub accepts. Each carries the output's title,
// summary and text with the next MaxAnnotationsPerRequest annotations (GitHub appends the
// annotations of successive updates, and the text is resent so that no request can blank it).
// Status, conclusion and completion time go on the last request only, so the check does not
// show as complete before all its annotations are in.
func checkRunRequests(name string, update CheckRunUpdate) []github.UpdateCheckRunOptions {
	var output *github.CheckRunOutput
	var annotations []*github.CheckRunAnnotation
	if update.Output != nil {
		output = checkRunOutput(name, update.Output)
		annotations = make([]*github.CheckRunAnnotation, len(update.Output.Annotations))
		for i, a := range update.Output.Annotations {
			annotations[i] = checkRunAnnotation(a)
		}
	}
	n := max(1, (len(annotations)+MaxAnnotationsPerRequest-1)/MaxAnnotationsPerRequest)
	requests := make([]github.UpdateCheckRunOptions, n)
	for i := range requests {
		req := github.UpdateCheckRunOptions{Name: name}
		if output != nil {
			batch := *output
			batch.Annotations = annotations[i*MaxAnnotationsPerRequest : min((i+1)*MaxAnnotationsPerRequest, len(annotations))]
			req.Output = &batch
		}
		if i == 0 && update.DetailsURL != "" {
			req.DetailsURL = github.String(update.DetailsURL)
		}
		if i == n-1 {
			setCompletion(&req, update)
		}
		requests[i] = req
	}
	return requests
}

func setCompletion(req *github.UpdateCheckRunOptions, update CheckRunUpdate) {
	if update.Status != "" {
		req.Status = github.String(update.Status)
	}
	if update.Conclusion != "" {
		req.Conclusion = github.String(update.Conclusion)
	}
	completedAt := update.CompletedAt
	if completedAt.IsZero() && (update.Status == "completed" || update.Conclusion != "") {
		completedAt = time.Now()
	}
	if !completedAt.IsZero() {
		req.CompletedAt = &github.Timestamp{Time: completedAt.UTC().Truncate(time.Second)}
	}
}

// checkRunOutput converts the output without its annotations. GitHub requires a title and a
// summary whenever an output is given, so empty ones are filled in rather than refused.
func checkRunOutput(name string, o *CheckRunOutput) *github.CheckRunOutput {
	title := truncate(cmp.Or(o.Title, name), maxTitleBytes)
	out := &github.CheckRunOutput{
		Title:   github.String(title),
		Summary: github.String(truncate(cmp.Or(o.Summary, title), maxOutputTextBytes)),
	}
	if o.Text != "" {
		out.Text = github.String(truncate(o.Text, maxOutputTextBytes))
	}
	return out
}

func checkRunAnnotation(a Annotation) *github.CheckRunAnnotation {
	end := max(a.EndLine, a.StartLine)
	out := &github.CheckRunAnnotation{
		Path:            github.String(a.Path),
		StartLine:       github.Int(a.StartLine),
		EndLine:         github.Int(end),
		AnnotationLevel: github.String(a.AnnotationLevel),
		Message:         github.String(truncate(a.Message, maxAnnotationTextBytes)),
	}
	// GitHub accepts columns only on single-line annotations.
	if a.StartLine == end {
		if a.StartColumn > 0 {
			out.StartColumn = github.Int(a.StartColumn)
		}
		if a.EndColumn > 0 {
			out.EndColumn = github.Int(a.EndColumn)
		}
	}
	if a.Title != "" {
		out.Title = github.String(truncate(a.Title, maxTitleBytes))
	}
	if a.RawDetails != "" {
		out.RawDetails = github.String(truncate(a.RawDetails, maxAnnotationTextBytes))
	}
	return out
}

// truncate cuts s to at most limit bytes on a rune boundary, ending with a visible marker.
// GitHub documents these limits in characters; bytes are never fewer, so the cut always fits.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	keep := max(limit-len(truncatedMarker), 0)
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep] + truncatedMarker
}

func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
