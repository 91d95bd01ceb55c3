package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/store"
)

// SummaryLabel marks fourc's summary issues.
const SummaryLabel = "fourc-summary"

// summaryConcurrency bounds how many installations PublishSummaries works on at once, so one
// run stays well inside GitHub's secondary rate limits.
const summaryConcurrency = 4

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
	sem := make(chan struct{}, summaryConcurrency)
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

// PublishSummary opens (or, when the schedule fires twice or the function is retried, updates)
// the installation's summary issue for the week, and closes the organisation's earlier summary
// issues with a link to it. An organisation with no repository that can take the issue is
// skipped with the reason in the result and the log, not failed.
func (a *App) PublishSummary(ctx context.Context, installationID int64, week string) (SummaryResult, error) {
	res := SummaryResult{InstallationID: installationID}
	log := a.Log.With("installation_id", installationID, "week", week)
	s, err := a.Summarize(ctx, installationID, week)
	if err != nil {
		return res, err
	}
	res.Org = s.Org
	log = log.With("org", s.Org)
	if s.Empty() && a.SkipEmptySummaries {
		res.Skipped = "nothing new this week"
		log.Info("summary skipped", "reason", res.Skipped)
		return res, nil
	}
	// Once recorded, the week's issue stays where it was opened, even if the configured
	// repository changes during the week.
	var rec *store.SummaryIssue
	var repo githubapp.Repo
	switch r, err := a.Store.GetSummaryIssue(ctx, installationID, week); {
	case err == nil:
		rec, repo = &r, summaryRepoNamed(r.Repo)
	case errors.Is(err, store.ErrNotFound):
		repo, err = a.summaryRepo(ctx, installationID, s.Org)
		if errors.Is(err, ErrNoSummaryRepo) {
			res.Skipped = err.Error()
			log.Warn("summary skipped", "reason", res.Skipped)
			return res, nil
		}
		if err != nil {
			return res, err
		}
	default:
		return res, fmt.Errorf("read the week's summary record: %w", err)
	}
	title, body := SummaryTitle(s.Org, week), RenderSummary(s, a.webURL(), a.Version)

	got, err := a.upsertSummaryIssue(ctx, installationID, repo, rec, week, title, body)
	if err != nil {
		return res, err
	}
	res.Repo, res.Issue, res.Created = got.repo.String(), got.issue.Number, got.created
	if got.lost {
		// A concurrent run recorded its issue first; it closes the earlier ones.
		log.Info("summary published by a concurrent run", "repo", res.Repo, "issue", res.Issue)
		return res, nil
	}
	if err := a.closeOtherSummaries(ctx, log, installationID, s.Org, week, got.repo, got.issue); err != nil {
		return res, err
	}
	log.Info("summary published", "repo", res.Repo, "issue", res.Issue, "created", res.Created)
	return res, nil
}

// upserted is the issue that stands for the week.
type upserted struct {
	repo    githubapp.Repo
	issue   githubapp.Issue
	created bool // this run opened it
	lost    bool // a concurrent run recorded the week's issue first
}

// upsertSummaryIssue finds the week's issue — from the store, else by its stable title in case a
// previous run crashed between creating it and recording it — and updates it, or creates it.
func (a *App) upsertSummaryIssue(ctx context.Context, inst int64, repo githubapp.Repo, rec *store.SummaryIssue, week, title, body string) (upserted, error) {
	if rec != nil {
		// State is left alone: a retry must not reopen an issue someone closed after reading it.
		issue, err := a.GitHub.UpdateIssue(ctx, inst, repo, rec.Number, title, body, "")
		if err != nil {
			return upserted{}, fmt.Errorf("update summary issue %s#%d: %w", repo, rec.Number, err)
		}
		rec.URL, rec.UpdatedAt = cmp.Or(issue.URL, rec.URL), a.Clock.Now().UTC()
		if err := a.Store.PutSummaryIssue(ctx, *rec, false); err != nil {
			return upserted{}, err
		}
		return upserted{repo: repo, issue: issue}, nil
	}
	open, err := a.GitHub.FindIssues(ctx, inst, repo, SummaryLabel)
	if err != nil {
		return upserted{}, fmt.Errorf("look for an unrecorded summary issue: %w", err)
	}
	for _, is := range open {
		if is.Title == title {
			issue, err := a.GitHub.UpdateIssue(ctx, inst, repo, is.Number, title, body, "open")
			if err != nil {
				return upserted{}, fmt.Errorf("update summary issue %s#%d: %w", repo, is.Number, err)
			}
			return a.claimSummary(ctx, inst, repo, week, issue, false)
		}
	}
	issue, err := a.GitHub.CreateIssue(ctx, inst, repo, title, body, []string{SummaryLabel})
	if err != nil {
		return upserted{}, fmt.Errorf("create summary issue in %s: %w", repo, err)
	}
	return a.claimSummary(ctx, inst, repo, week, issue, true)
}

// claimSummary records issue as the week's with a conditional write, so that two runs of the
// schedule agree on one issue: when another run recorded first, its issue stands and ours, if
// it is another one, is closed.
func (a *App) claimSummary(ctx context.Context, inst int64, repo githubapp.Repo, week string, issue githubapp.Issue, created bool) (upserted, error) {
	err := a.Store.PutSummaryIssue(ctx, store.SummaryIssue{InstallationID: inst, Week: week, Repo: repo.String(),
		Number: issue.Number, URL: issue.URL, UpdatedAt: a.Clock.Now().UTC()}, true)
	if err == nil {
		return upserted{repo: repo, issue: issue, created: created}, nil
	}
	if !errors.Is(err, store.ErrConflict) {
		return upserted{}, fmt.Errorf("record summary issue %s#%d: %w", repo, issue.Number, err)
	}
	winner, err := a.Store.GetSummaryIssue(ctx, inst, week)
	if err != nil {
		return upserted{}, fmt.Errorf("read the concurrent run's summary record: %w", err)
	}
	won := upserted{repo: summaryRepoNamed(winner.Repo), issue: githubapp.Issue{Number: winner.Number, URL: winner.URL, Title: issue.Title}, lost: true}
	if winner.Number == issue.Number && strings.EqualFold(winner.Repo, repo.String()) {
		return won, nil // both runs found the same issue
	}
	if _, err := a.GitHub.UpdateIssue(ctx, inst, repo, issue.Number, "", "", "closed"); err != nil {
		return upserted{}, fmt.Errorf("close duplicate summary issue %s#%d: %w", repo, issue.Number, err)
	}
	return won, nil
}

// closeOtherSummaries closes the organisation's open summary issues of earlier weeks — last
// week's, and any a skipped week left open — and duplicates of this week's that a crash or a
// retried request left behind, each with a comment linking the current issue. Closed issues
// are not listed, so a second run of the same week comments nothing twice.
func (a *App) closeOtherSummaries(ctx context.Context, log *slog.Logger, inst int64, org, week string, repo githubapp.Repo, current githubapp.Issue) error {
	start, err := store.ParseISOWeek(week)
	if err != nil {
		return err
	}
	places := []githubapp.Repo{repo}
	switch prev, err := a.Store.GetSummaryIssue(ctx, inst, store.ISOWeek(start.AddDate(0, 0, -7))); {
	case err == nil:
		if !strings.EqualFold(prev.Repo, repo.String()) {
			places = append(places, summaryRepoNamed(prev.Repo)) // the summary moved this week
		}
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("read last week's summary record: %w", err)
	}
	link := cmp.Or(current.URL, fmt.Sprintf("%s#%d", repo, current.Number))
	for i, place := range places {
		open, err := a.GitHub.FindIssues(ctx, inst, place, SummaryLabel)
		if err != nil {
			if i > 0 {
				// Last week's repository may have lost the App; this week's issue stands.
				log.Warn("last week's summary left open", "repo", place.String(), "error", err.Error())
				continue
			}
			return fmt.Errorf("list open summary issues: %w", err)
		}
		for _, is := range open {
			if strings.EqualFold(place.String(), repo.String()) && is.Number == current.Number {
				continue
			}
			w, ok := summaryWeekOf(is.Title, org)
			if !ok || w > week {
				continue
			}
			note := "Superseded by this week's summary: " + link
			if w == week {
				note = "Duplicate of this week's summary: " + link
			}
			if err := a.GitHub.CommentIssue(ctx, inst, place, is.Number, note); err != nil {
				return fmt.Errorf("comment on summary issue %s#%d: %w", place, is.Number, err)
			}
			if _, err := a.GitHub.UpdateIssue(ctx, inst, place, is.Number, "", "", "closed"); err != nil {
				return fmt.Errorf("close summary issue %s#%d: %w", place, is.Number, err)
			}
		}
	}
	return nil
}

// summaryWeekOf returns the week of an organisation's summary issue from its stable title.
func summaryWeekOf(title, org string) (string, bool) {
	rest, ok := strings.CutPrefix(title, SummaryTitle(org, ""))
	if !ok {
		return "", false
	}
	if _, err := store.ParseISOWeek(rest); err != nil {
		return "", false
	}
	return rest, true
}

// summaryRepo picks where the issue goes: the repository the installation names, else the
// organisation's .github repository, when the App can open issues there. GitHub's names are
// case-insensitive; the repository is returned as GitHub spells it.
func (a *App) summaryRepo(ctx context.Context, inst int64, org string) (githubapp.Repo, error) {
	rec, err := a.Store.GetInstallation(ctx, inst)
	if err != nil {
		return githubapp.Repo{}, err
	}
	repos, err := a.GitHub.InstallationRepos(ctx, inst)
	if err != nil {
		return githubapp.Repo{}, fmt.Errorf("list repositories: %w", err)
	}
	byName := map[string]githubapp.RepoInfo{}
	for _, r := range repos {
		byName[strings.ToLower(r.Repo.String())] = r
	}
	candidates := []string{org + "/.github"}
	if rec.SummaryRepo != "" && !strings.EqualFold(rec.SummaryRepo, candidates[0]) {
		candidates = []string{rec.SummaryRepo, org + "/.github"}
	}
	var tried []string
	for _, c := range candidates {
		r, ok := byName[strings.ToLower(c)]
		switch {
		case !ok:
			tried = append(tried, c+" (missing, or the App is not installed on it)")
		case !r.CanWriteIssues:
			tried = append(tried, c+" (issues disabled, or archived)")
		default:
			return r.Repo, nil
		}
	}
	return githubapp.Repo{}, fmt.Errorf("%w: tried %s", ErrNoSummaryRepo, strings.Join(tried, ", "))
}

func summaryRepoNamed(fullName string) githubapp.Repo {
	owner, name, _ := strings.Cut(fullName, "/")
	return githubapp.Repo{Owner: owner, Name: name}
}

func (a *App) webURL() string {
	if a.WebURL != "" {
		return strings.TrimRight(a.WebURL, "/")
	}
	return "https://github.com"
}

// WebURLForAPI returns GitHub's web address for a REST API root, for the links in summaries:
// https://github.com for api.github.com (or ""), https://HOST for a GitHub Enterprise Server's
// https://HOST/api/v3. Any other root is returned as it is.
func WebURLForAPI(api string) string {
	api = strings.TrimRight(strings.TrimSpace(api), "/")
	u, err := url.Parse(api)
	if api == "" || err != nil || strings.EqualFold(u.Host, "api.github.com") {
		return "https://github.com"
	}
	if strings.HasSuffix(u.Path, "/api/v3") {
		u.Path = strings.TrimSuffix(u.Path, "/api/v3")
		return u.String()
	}
	return api
}
