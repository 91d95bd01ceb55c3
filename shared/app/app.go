// Package app is the GitHub App's three jobs — handle a webhook, run a scan job, write a weekly
// summary — over interfaces (GitHub, store, queue, clock), so the Lambda functions and
// `fourc serve` run exactly the same code with different wiring.
package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/source"
	"github.com/fourcsec/fourc/shared/store"
)

// CheckName is the name of the check run on pull requests.
const CheckName = "fourc"

// Clock tells the time; tests pass a fixed one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// App holds the outside services and settings every job uses. Build it once per process (per
// Lambda container) and share it: it holds no per-request state.
type App struct {
	GitHub   githubapp.GitHub
	Store    store.Store
	Queue    queue.Sender
	Clock    Clock
	Log      *slog.Logger
	Scanners []engine.Scanner
	// WebhookSecrets returns the accepted webhook secrets (two during a rotation).
	WebhookSecrets func() [][]byte
	// Version is fourc's version; with the rule ids it makes the rule-set version that keys
	// cached scans, so a deploy with new rules does not reuse old results.
	Version string
	// WorkDir holds extracted archives ("" for the system temp directory).
	WorkDir string
	// Limits bound archive extraction.
	Limits source.Limits
	// MaxAttempts is the queue's delivery limit: on the last attempt a failing job completes its
	// check run with the reason instead of leaving it in progress.
	MaxAttempts int
	// ScanTimeout bounds one scan (engine run); a job's context may end sooner.
	ScanTimeout time.Duration
	// DetailsURL, when set, makes the link of a check run from its repository and SHA.
	DetailsURL func(repo githubapp.Repo, sha string) string
	// MaxAnnotations caps annotations per check run (default report.DefaultMaxAnnotations).
	MaxAnnotations int
	// WebURL is GitHub's web address for links in summaries (default https://github.com).
	WebURL string
	// SkipEmptySummaries publishes no weekly issue for a week with nothing new.
	SkipEmptySummaries bool

	catalogue    *finding.Catalogue
	rulesVersion string
}

// Init validates the App and derives what it caches; call it once after building the App.
func (a *App) Init() error {
	if a.GitHub == nil || a.Store == nil || a.Queue == nil {
		return fmt.Errorf("app needs GitHub, Store and Queue")
	}
	if a.Clock == nil {
		a.Clock = SystemClock{}
	}
	if a.Log == nil {
		a.Log = slog.Default()
	}
	if a.Limits == (source.Limits{}) {
		a.Limits = source.DefaultLimits()
	}
	if a.MaxAttempts <= 0 {
		a.MaxAttempts = 3
	}
	if a.ScanTimeout <= 0 {
		a.ScanTimeout = 10 * time.Minute
	}
	groups := [][]finding.Rule{engine.Rules()}
	ids := []string{}
	for _, s := range a.Scanners {
		groups = append(groups, s.Rules())
		for _, r := range s.Rules() {
			ids = append(ids, r.ID+":"+r.Severity.String())
		}
	}
	cat, err := finding.NewCatalogue(groups...)
	if err != nil {
		return fmt.Errorf("rule catalogue: %w", err)
	}
	a.catalogue = cat
	sort.Strings(ids)
	sum := sha256.Sum256([]byte(a.Version + "\n" + strings.Join(ids, "\n")))
	a.rulesVersion = hex.EncodeToString(sum[:6])
	return nil
}

// RulesVersion identifies the rule set; cached scans from another rule set are not reused.
func (a *App) RulesVersion() string { return a.rulesVersion }

// Job is a queued scan.
type Job struct {
	Kind           string `json:"kind"` // store.KindPullRequest or store.KindBranch
	InstallationID int64  `json:"installation_id"`
	Owner          string `json:"owner"`
	Repo           string `json:"repo"`
	PR             int    `json:"pr,omitempty"`
	HeadSHA        string `json:"head_sha"`
	Ref            string `json:"ref,omitempty"` // branch name of a branch scan
	CheckRunID     int64  `json:"check_run_id,omitempty"`
	DeliveryID     string `json:"delivery_id,omitempty"`
}

func (j *Job) repo() githubapp.Repo { return githubapp.Repo{Owner: j.Owner, Name: j.Repo} }

func (j *Job) validate() error {
	switch {
	case j.Kind != store.KindPullRequest && j.Kind != store.KindBranch:
		return fmt.Errorf("job kind %q is not pull_request or branch", j.Kind)
	case j.InstallationID == 0 || j.Owner == "" || j.Repo == "" || j.HeadSHA == "":
		return fmt.Errorf("job lacks installation, repository or head SHA")
	case j.Kind == store.KindPullRequest && j.PR <= 0:
		return fmt.Errorf("pull-request job without a pull-request number")
	}
	return nil
}

// logger returns a logger with the job's fixed keys.
func (a *App) logger(j *Job) *slog.Logger {
	return a.Log.With("delivery_id", j.DeliveryID, "installation_id", j.InstallationID,
		"repo", j.repo().String(), "pr", j.PR, "head_sha", j.HeadSHA)
}

// fullScanKey keys the findings of a whole commit (no diff, no baseline) under a config; it is
// the baseline cache and a default branch's state.
func (a *App) fullScanKey(repo githubapp.Repo, sha, configHash string) store.ScanKey {
	return store.ScanKey{Repo: repo.String(), SHA: sha, Variant: "full-" + a.rulesVersion + "-" + configHash}
}

// prScanKey keys a pull request's classified scan.
func (a *App) prScanKey(repo githubapp.Repo, pr int, sha, configHash string) store.ScanKey {
	return store.ScanKey{Repo: repo.String(), SHA: sha, Variant: fmt.Sprintf("pr%d-%s-%s", pr, a.rulesVersion, configHash)}
}
