package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/store"
)

// trendWeeks is how far back the summary's chart reaches.
const trendWeeks = 8

// WeekSummary is what one organisation's weekly summary reports.
type WeekSummary struct {
	Org  string
	Week string
	// New are findings pull requests introduced this week (latest scan of each pull request,
	// on changed lines, not suppressed).
	New []SummaryFinding
	// Fixed are baseline findings pull requests removed this week.
	Fixed []SummaryFinding
	// Open are the unsuppressed findings at the latest scan of each default branch.
	Open []SummaryFinding
	// Suppressed are the suppressed findings among New and Open, with their reasons.
	Suppressed []SummaryFinding
	// Partial lists scans of the week that could not check everything.
	Partial []PartialScan
	// PullRequests are the scanned pull requests with what each introduced.
	PullRequests []PullRequestSummary
	Trend        []TrendPoint
	// MeanTimeToFix is the mean time from a finding's first appearance as new to its fix, over
	// the findings fixed in the trend's window whose introduction is in it too; zero when none.
	MeanTimeToFix time.Duration
	FixesTimed    int
	Repos         int
}

// SummaryFinding is a finding with where it was seen.
type SummaryFinding struct {
	finding.Finding
	Repo             string
	PR               int
	CheckRunID       int64
	SuppressedReason string
}

// PartialScan names an incomplete scan.
type PartialScan struct {
	Repo    string
	PR      int
	SHA     string
	Reasons []string
}

// PullRequestSummary is one pull request's latest scan in the week.
type PullRequestSummary struct {
	Repo       string
	PR         int
	CheckRunID int64
	Conclusion string
	New, Fixed int
}

// TrendPoint is one week of the chart.
type TrendPoint struct {
	Week       string
	New, Fixed int
}

// Summarize gathers an installation's week from the store: the week's scans through the
// installation+week index, and each repository's latest default-branch scan. No table scans.
func (a *App) Summarize(ctx context.Context, installationID int64, week string) (*WeekSummary, error) {
	start, err := store.ParseISOWeek(week)
	if err != nil {
		return nil, err
	}
	inst, err := a.Store.GetInstallation(ctx, installationID)
	if err != nil {
		return nil, fmt.Errorf("installation %d: %w", installationID, err)
	}
	s := &WeekSummary{Org: inst.Account, Week: week}
	introduced := map[string]time.Time{} // fingerprint@repo → first seen as new
	var fixTimes []time.Duration
	for i := trendWeeks - 1; i >= 0; i-- {
		w := store.ISOWeek(start.AddDate(0, 0, -7*i))
		scans, findings, err := a.Store.Week(ctx, installationID, w)
		if err != nil {
			return nil, err
		}
		point := TrendPoint{Week: w}
		for _, sc := range latestPerPullRequest(scans) {
			pr := PullRequestSummary{Repo: sc.Key.Repo, PR: sc.PR, CheckRunID: sc.CheckRunID, Conclusion: sc.Conclusion}
			for _, f := range findings[sc.Key] {
				sf := SummaryFinding{Finding: f.Finding, Repo: sc.Key.Repo, PR: sc.PR, CheckRunID: sc.CheckRunID, SuppressedReason: f.SuppressedReason}
				id := f.Fingerprint + "@" + sc.Key.Repo
				switch {
				case f.Status == string(engine.StatusNew) && f.OnChanged && f.Suppressed:
					if w == week {
						s.Suppressed = append(s.Suppressed, sf)
					}
				case f.Status == string(engine.StatusNew) && f.OnChanged:
					point.New++
					pr.New++
					if _, seen := introduced[id]; !seen {
						introduced[id] = sc.CompletedAt
					}
					if w == week {
						s.New = append(s.New, sf)
					}
				case f.Status == string(engine.StatusFixed):
					point.Fixed++
					pr.Fixed++
					if at, ok := introduced[id]; ok {
						fixTimes = append(fixTimes, sc.CompletedAt.Sub(at))
					}
					if w == week {
						s.Fixed = append(s.Fixed, sf)
					}
				}
			}
			if w == week {
				s.PullRequests = append(s.PullRequests, pr)
			}
		}
		if w == week {
			// A scan superseded by a later one of the same pull request or default branch
			// no longer describes it.
			for _, sc := range latestScans(scans) {
				if len(sc.Partial) > 0 {
					s.Partial = append(s.Partial, PartialScan{Repo: sc.Key.Repo, PR: sc.PR, SHA: sc.Key.SHA, Reasons: sc.Partial})
				}
			}
		}
		s.Trend = append(s.Trend, point)
	}
	if len(fixTimes) > 0 {
		var total time.Duration
		for _, d := range fixTimes {
			total += d
		}
		s.MeanTimeToFix, s.FixesTimed = total/time.Duration(len(fixTimes)), len(fixTimes)
	}
	repos, err := a.Store.ListRepos(ctx, installationID)
	if err != nil {
		return nil, err
	}
	s.Repos = len(repos)
	for _, r := range repos {
		if r.LastScan == nil {
			continue
		}
		open, err := a.Store.Findings(ctx, *r.LastScan)
		if err != nil {
			return nil, err
		}
		for _, f := range open {
			sf := SummaryFinding{Finding: f.Finding, Repo: r.FullName, SuppressedReason: f.SuppressedReason}
			if f.Suppressed {
				s.Suppressed = append(s.Suppressed, sf)
			} else if f.Status != string(engine.StatusFixed) {
				s.Open = append(s.Open, sf)
			}
		}
	}
	for _, list := range [][]SummaryFinding{s.New, s.Fixed, s.Open, s.Suppressed} {
		sortSummaryFindings(list)
	}
	sort.Slice(s.PullRequests, func(i, j int) bool {
		if s.PullRequests[i].Repo != s.PullRequests[j].Repo {
			return s.PullRequests[i].Repo < s.PullRequests[j].Repo
		}
		return s.PullRequests[i].PR < s.PullRequests[j].PR
	})
	return s, nil
}

// latestPerPullRequest keeps, for each pull request, its newest scan (a pull request pushed to
// five times this week counts once, as it stands); default-branch scans are left out.
func latestPerPullRequest(scans []store.Scan) []store.Scan {
	var out []store.Scan
	for _, sc := range latestScans(scans) {
		if sc.Kind == store.KindPullRequest {
			out = append(out, sc)
		}
	}
	return out
}

// latestScans keeps the newest scan of each pull request and of each repository's default
// branch, in completion order.
func latestScans(scans []store.Scan) []store.Scan {
	latest := map[string]store.Scan{}
	for _, sc := range scans {
		k := sc.Kind + " " + sc.Key.Repo
		if sc.Kind == store.KindPullRequest {
			k = fmt.Sprintf("%s#%d", k, sc.PR)
		}
		if cur, ok := latest[k]; !ok || sc.CompletedAt.After(cur.CompletedAt) {
			latest[k] = sc
		}
	}
	out := make([]store.Scan, 0, len(latest))
	for _, sc := range latest {
		out = append(out, sc)
	}
	store.SortScans(out)
	return out
}

func sortSummaryFindings(fs []SummaryFinding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Repo != b.Repo {
			return a.Repo < b.Repo
		}
		return finding.Less(&a.Finding, &b.Finding)
	})
}

// Empty reports a week with nothing new, fixed or partial.
func (s *WeekSummary) Empty() bool {
	return len(s.New) == 0 && len(s.Fixed) == 0 && len(s.Partial) == 0
}

// SummaryTitle is the stable title of an organisation's summary issue for a week.
func SummaryTitle(org, week string) string {
	return fmt.Sprintf("fourc weekly security summary — %s — %s", org, week)
}

// ErrNoSummaryRepo says no repository of the organisation can take the summary issue.
var ErrNoSummaryRepo = errors.New("no repository where the App can open issues")
