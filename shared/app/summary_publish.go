package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/store"
)

// SummaryLabel marks fourc's summary issues.
const SummaryLabel = "fourc-summary"

// SummaryResult says what publishing one installation's summary did.
type SummaryResult struct {
	InstallationID int64
	Org            string
	Repo           string
	Issue          int
	Created        bool
	Skipped        string // why nothing was published, when nothing was
}

// PublishSummaries publishes the week's summary for every installation, a few at a time. One
// organisation's failure does not stop the others; the errors are joined.
func (a *App) PublishSummaries(ctx context.Context, week string) ([]SummaryResult, error) {
	insts, err := a.Store.ListInstallations(ctx)
	if err != nil {
		return nil, err
	}
	results := make([]SummaryResult, len(insts))
	errs := make([]error, len(insts))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, inst := range insts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = a.PublishSummary(ctx, inst.ID, week)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("installation %d (%s): %w", inst.ID, inst.Account, errs[i])
			}
		}()
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// PublishSummary opens (or, when the schedule fires twice, updates) the installation's summary
// issue for the week and closes the previous week's with a link to it.
func (a *App) PublishSummary(ctx context.Context, installationID int64, week string) (SummaryResult, error) {
	res := SummaryResult{InstallationID: installationID}
	log := a.Log.With("installation_id", installationID, "week", week)
	s, err := a.Summarize(ctx, installationID, week)
	if err != nil {
		return res, err
	}
	res.Org = s.Org
	if s.Empty() && a.SkipEmptySummaries {
		res.Skipped = "nothing new this week"
		log.Info("summary skipped", "reason", res.Skipped)
		return res, nil
	}
	repo, err := a.summaryRepo(ctx, installationID, s.Org)
	if err != nil {
		res.Skipped = err.Error()
		log.Warn("summary skipped", "reason", res.Skipped)
		return res, nil
	}
	res.Repo = repo.String()
	title, body := SummaryTitle(s.Org, week), RenderSummary(s, a.webURL(), a.Version)

	issue, created, err := a.upsertSummaryIssue(ctx, installationID, repo, week, title, body)
	if err != nil {
		return res, err
	}
	res.Issue, res.Created = issue.Number, created
	if err := a.closePreviousSummary(ctx, installationID, week, issue); err != nil {
		return res, err
	}
	log.Info("summary published", "repo", repo.String(), "issue", issue.Number, "created", created)
	return res, nil
}

// upsertSummaryIssue finds the week's issue — from the store, else by its stable title in case a
// previous run crashed between creating it and recording it — and updates it, or creates it.
func (a *App) upsertSummaryIssue(ctx context.Context, inst int64, repo githubapp.Repo, week, title, body string) (githubapp.Issue, bool, error) {
	rec, err := a.Store.GetSummaryIssue(ctx, inst, week)
	switch {
	case err == nil:
		issue, err := a.GitHub.UpdateIssue(ctx, inst, repo, rec.Number, title, body, "open")
		if err != nil {
			return issue, false, fmt.Errorf("update summary issue #%d: %w", rec.Number, err)
		}
		rec.UpdatedAt = a.Clock.Now().UTC()
		return issue, false, a.Store.PutSummaryIssue(ctx, rec, false)
	case !errors.Is(err, store.ErrNotFound):
		return githubapp.Issue{}, false, err
	}
	open, err := a.GitHub.FindIssues(ctx, inst, repo, SummaryLabel)
	if err != nil {
		return githubapp.Issue{}, false, fmt.Errorf("look for an unrecorded summary issue: %w", err)
	}
	for _, is := range open {
		if is.Title == title {
			issue, err := a.GitHub.UpdateIssue(ctx, inst, repo, is.Number, title, body, "open")
			if err != nil {
				return issue, false, fmt.Errorf("update summary issue #%d: %w", is.Number, err)
			}
			return issue, false, a.recordSummary(ctx, inst, repo, week, issue, false)
		}
	}
	issue, err := a.GitHub.CreateIssue(ctx, inst, repo, title, body, []string{SummaryLabel})
	if err != nil {
		return issue, false, fmt.Errorf("create summary issue in %s: %w", repo, err)
	}
	if err := a.recordSummary(ctx, inst, repo, week, issue, true); errors.Is(err, store.ErrConflict) {
		// Another run of the same schedule won the race: keep its issue, close ours.
		winner, gerr := a.Store.GetSummaryIssue(ctx, inst, week)
		if gerr != nil {
			return issue, true, gerr
		}
		if _, cerr := a.GitHub.UpdateIssue(ctx, inst, repo, issue.Number, "", "", "closed"); cerr != nil {
			return issue, true, fmt.Errorf("close duplicate summary issue #%d: %w", issue.Number, cerr)
		}
		return githubapp.Issue{Number: winner.Number, URL: winner.URL, Title: title}, false, nil
	} else if err != nil {
		return issue, true, err
	}
	return issue, true, nil
}

func (a *App) recordSummary(ctx context.Context, inst int64, repo githubapp.Repo, week string, issue githubapp.Issue, onlyIfAbsent bool) error {
	return a.Store.PutSummaryIssue(ctx, store.SummaryIssue{InstallationID: inst, Week: week, Repo: repo.String(),
		Number: issue.Number, URL: issue.URL, UpdatedAt: a.Clock.Now().UTC()}, onlyIfAbsent)
}

func (a *App) closePreviousSummary(ctx context.Context, inst int64, week string, current githubapp.Issue) error {
	start, err := store.ParseISOWeek(week)
	if err != nil {
		return err
	}
	prev, err := a.Store.GetSummaryIssue(ctx, inst, store.ISOWeek(start.AddDate(0, 0, -7)))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	owner, name, _ := strings.Cut(prev.Repo, "/")
	repo := githubapp.Repo{Owner: owner, Name: name}
	if prev.Number == current.Number && prev.Repo == repo.String() {
		return nil
	}
	link := current.URL
	if link == "" {
		link = fmt.Sprintf("#%d", current.Number)
	}
	if err := a.GitHub.CommentIssue(ctx, inst, repo, prev.Number, "Superseded by this week's summary: "+link); err != nil {
		return fmt.Errorf("comment on last week's summary #%d: %w", prev.Number, err)
	}
	if _, err := a.GitHub.UpdateIssue(ctx, inst, repo, prev.Number, "", "", "closed"); err != nil {
		return fmt.Errorf("close last week's summary #%d: %w", prev.Number, err)
	}
	return nil
}

// summaryRepo picks where the issue goes: the repository the installation names, else the
// organisation's .github repository, when the App can open issues there.
func (a *App) summaryRepo(ctx context.Context, inst int64, org string) (githubapp.Repo, error) {
	rec, err := a.Store.GetInstallation(ctx, inst)
	if err != nil {
		return githubapp.Repo{}, err
	}
	repos, err := a.GitHub.InstallationRepos(ctx, inst)
	if err != nil {
		return githubapp.Repo{}, fmt.Errorf("list repositories: %w", err)
	}
	writable := map[string]bool{}
	for _, r := range repos {
		writable[r.Repo.String()] = r.CanWriteIssues
	}
	candidates := []string{org + "/.github"}
	if rec.SummaryRepo != "" {
		candidates = []string{rec.SummaryRepo, org + "/.github"}
	}
	for _, c := range candidates {
		if writable[c] {
			owner, name, _ := strings.Cut(c, "/")
			return githubapp.Repo{Owner: owner, Name: name}, nil
		}
	}
	return githubapp.Repo{}, fmt.Errorf("%w: tried %s (install the App on one of them with issues enabled)", ErrNoSummaryRepo, strings.Join(candidates, ", "))
}

func (a *App) webURL() string {
	if a.WebURL != "" {
		return strings.TrimRight(a.WebURL, "/")
	}
	return "https://github.com"
}
