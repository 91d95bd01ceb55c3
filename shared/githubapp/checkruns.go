package githubapp

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
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
//
// GitHub does not deduplicate creations, so the run carries an external id of its own: after an
// answer that leaves open whether GitHub created it, the run is looked up by that id on the
// commit and adopted if it exists, instead of a second run being created.
func (c *Client) CreateCheckRun(ctx context.Context, installation int64, repo Repo, name, headSHA string, update CheckRunUpdate) (int64, error) {
	what := fmt.Sprintf("create check run %q on %s@%s", name, repo, shortSHA(headSHA))
	gh, err := c.installation(installation)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	requests := checkRunRequests(name, update)
	first := requests[0]
	externalID := cmp.Or(update.ExternalRef, "fourc") + "-" + rand.Text()
	var id int64
	err = c.createOnce(ctx, what, func(ctx context.Context) (*github.Response, error) {
		run, resp, err := gh.Checks.CreateCheckRun(ctx, repo.Owner, repo.Name, github.CreateCheckRunOptions{
			Name: name, HeadSHA: headSHA, ExternalID: github.String(externalID), DetailsURL: first.DetailsURL, Status: first.Status,
			Conclusion: first.Conclusion, CompletedAt: first.CompletedAt, Output: first.Output,
		})
		id = run.GetID()
		return resp, err
	}, func(ctx context.Context) (bool, error) {
		found, err := c.findCheckRun(ctx, gh, repo, headSHA, name, externalID)
		id = found
		return found != 0, err
	})
	if err != nil {
		return 0, err
	}
	return id, c.sendCheckRunUpdates(ctx, gh, repo, id, requests[1:])
}

// findCheckRun returns the id of the App's run called name on headSHA with externalID, or 0.
func (c *Client) findCheckRun(ctx context.Context, gh *github.Client, repo Repo, headSHA, name, externalID string) (int64, error) {
	opts := &github.ListCheckRunsOptions{
		CheckName: github.String(name), Filter: github.String("all"), AppID: github.Int64(c.appID),
		ListOptions: github.ListOptions{PerPage: perPage},
	}
	for {
		page, resp, err := gh.Checks.ListCheckRunsForRef(ctx, repo.Owner, repo.Name, headSHA, opts)
		if err != nil {
			return 0, apiError(fmt.Sprintf("list check runs %q on %s@%s (page %d)", name, repo, shortSHA(headSHA), max(opts.Page, 1)), resp, err)
		}
		for _, run := range page.CheckRuns {
			if run.GetExternalID() == externalID {
				return run.GetID(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opts.Page = resp.NextPage
	}
}

// UpdateCheckRun applies update, in several requests when the annotations do not fit in one.
// A request carrying annotations is not resent after an uncertain failure, because GitHub
// appends annotations: the error wraps ErrUncertain, and GetCheckRun's annotation count tells
// whether the request took effect.
func (c *Client) UpdateCheckRun(ctx context.Context, installation int64, repo Repo, id int64, name string, update CheckRunUpdate) error {
	gh, err := c.installation(installation)
	if err != nil {
		return fmt.Errorf("update check run %d on %s: %w", id, repo, err)
	}
	return c.sendCheckRunUpdates(ctx, gh, repo, id, checkRunRequests(name, update))
}

func (c *Client) sendCheckRunUpdates(ctx context.Context, gh *github.Client, repo Repo, id int64, requests []github.UpdateCheckRunOptions) error {
	for i, req := range requests {
		appending := req.Output != nil && len(req.Output.Annotations) > 0
		reqCtx := ctx
		if appending {
			reqCtx = withoutReplay(ctx)
		}
		if _, resp, err := gh.Checks.UpdateCheckRun(reqCtx, repo.Owner, repo.Name, id, req); err != nil {
			what := fmt.Sprintf("update check run %d on %s (request %d of %d)", id, repo, i+1, len(requests))
			if appending && isUncertain(resp, err) && !errors.Is(err, ErrUncertain) {
				return fmt.Errorf("%s: %w: %w", what, ErrUncertain, err)
			}
			return apiError(what, resp, err)
		}
	}
	return nil
}

// GetCheckRun reads a check run back.
func (c *Client) GetCheckRun(ctx context.Context, installation int64, repo Repo, id int64) (CheckRun, error) {
	what := fmt.Sprintf("read check run %d on %s", id, repo)
	gh, err := c.installation(installation)
	if err != nil {
		return CheckRun{}, fmt.Errorf("%s: %w", what, err)
	}
	run, resp, err := gh.Checks.GetCheckRun(ctx, repo.Owner, repo.Name, id)
	if err != nil {
		return CheckRun{}, apiError(what, resp, err)
	}
	return CheckRun{
		ID: run.GetID(), Name: run.GetName(), HeadSHA: run.GetHeadSHA(), ExternalID: run.GetExternalID(),
		Status: run.GetStatus(), Conclusion: run.GetConclusion(), Annotations: run.GetOutput().GetAnnotationsCount(),
	}, nil
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
