// Package store is the App's memory: webhook deliveries already handled, installations and their
// repositories, scans with their findings, and the weekly summary issues. One interface, two
// implementations with the same behaviour (checked by storetest): DynamoDB in AWS and bbolt for
// `fourc serve` on a laptop.
//
// Access patterns, each a key lookup or a range read (never a table scan):
//   - delivery by id, with expiry (webhook dedupe);
//   - installation by id; all installations (weekly summary fan-out);
//   - repositories of an installation;
//   - scan by repository + SHA + variant (baseline cache, idempotent redelivery);
//   - findings of a scan;
//   - scans and findings of an installation in an ISO week (weekly summary);
//   - summary issue by installation + week (one issue per org per week).
package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fourcsec/fourc/shared/finding"
)

// ErrNotFound is returned by getters when the item does not exist (or has expired).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned by conditional writes when the condition fails.
var ErrConflict = errors.New("already exists")

// Installation is one installation of the GitHub App on an account (organisation or user).
type Installation struct {
	ID          int64     `json:"id"`
	Account     string    `json:"account"`
	AccountType string    `json:"account_type"` // Organization or User
	SummaryRepo string    `json:"summary_repo,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Repo is a repository an installation covers.
type Repo struct {
	InstallationID int64  `json:"installation_id"`
	FullName       string `json:"full_name"` // owner/name
	DefaultBranch  string `json:"default_branch,omitempty"`
	Private        bool   `json:"private"`
	// LastScan is the newest full scan of the default branch: the repository's open findings.
	LastScan *ScanKey `json:"last_scan,omitempty"`
}

// ScanKey identifies a scan. Variant separates scans of the same commit that can differ: the
// rule-set version, the config's hash, a pull request against a default-branch scan.
type ScanKey struct {
	Repo    string `json:"repo"`
	SHA     string `json:"sha"`
	Variant string `json:"variant"`
}

func (k ScanKey) String() string { return fmt.Sprintf("%s@%s/%s", k.Repo, k.SHA, k.Variant) }

// Validate refuses keys that would collide in the stores' composite keys.
func (k ScanKey) Validate() error {
	if k.Repo == "" || k.SHA == "" {
		return fmt.Errorf("scan key %s: repo and sha are required", k)
	}
	return nil
}

// Scan kinds.
const (
	KindPullRequest = "pull_request"
	KindBranch      = "branch"
)

// Scan is one scan of a commit and what came of it.
type Scan struct {
	Key            ScanKey   `json:"key"`
	InstallationID int64     `json:"installation_id"`
	Kind           string    `json:"kind"`
	PR             int       `json:"pr,omitempty"`
	Ref            string    `json:"ref,omitempty"`
	BaseSHA        string    `json:"base_sha,omitempty"`
	CheckRunID     int64     `json:"check_run_id,omitempty"`
	Conclusion     string    `json:"conclusion,omitempty"`
	Partial        []string  `json:"partial,omitempty"`
	New            int       `json:"new"`
	Existing       int       `json:"existing"`
	Fixed          int       `json:"fixed"`
	Suppressed     int       `json:"suppressed"`
	StartedAt      time.Time `json:"started_at"`
	CompletedAt    time.Time `json:"completed_at"`
	// FailOn is the severity that failed the check under the repository's config ("high"), so
	// a redelivered job that republishes the stored scan concludes as the scan did.
	FailOn string `json:"fail_on,omitempty"`
	// Published is set once the check run shows the result, so a redelivered job does not post
	// its annotations twice.
	Published bool `json:"published"`
	// PublishedAnnotations counts the annotations already added to check run CheckRunID while
	// publishing in batches: GitHub appends annotations, so a redelivery resumes after them.
	PublishedAnnotations int `json:"published_annotations,omitempty"`
	// Dependencies are "ecosystem:module@version" of a default-branch scan, for matching new
	// advisories against unchanged code.
	Dependencies []string `json:"dependencies,omitempty"`
}

// Week is the ISO week a scan counts in: when it completed.
func (s *Scan) Week() string { return ISOWeek(s.CompletedAt) }

// StoredFinding is a finding as a scan saw it.
type StoredFinding struct {
	finding.Finding
	Status           string `json:"status"` // new, existing, fixed
	OnChanged        bool   `json:"on_changed_line"`
	Suppressed       bool   `json:"suppressed"`
	SuppressedReason string `json:"suppressed_reason,omitempty"`
}

// SummaryIssue records the weekly summary issue of an installation.
type SummaryIssue struct {
	InstallationID int64     `json:"installation_id"`
	Week           string    `json:"week"`
	Repo           string    `json:"repo"`
	Number         int       `json:"number"`
	URL            string    `json:"url,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Store is the App's persistence. Every write is idempotent or conditional, because Lambda and SQS
// deliver at least once.
type Store interface {
	// RecordDelivery remembers a webhook delivery id until now+ttl and reports whether this was
	// its first sighting. An expired record counts as absent.
	RecordDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (first bool, err error)
	// ForgetDelivery removes a delivery record, so that GitHub's redelivery of an event whose
	// handling failed is processed rather than dropped as a duplicate.
	ForgetDelivery(ctx context.Context, id string) error

	PutInstallation(ctx context.Context, in Installation) error
	GetInstallation(ctx context.Context, id int64) (Installation, error)
	// DeleteInstallation forgets an installation and its repositories.
	DeleteInstallation(ctx context.Context, id int64) error
	ListInstallations(ctx context.Context) ([]Installation, error)

	PutRepo(ctx context.Context, r Repo) error
	GetRepo(ctx context.Context, installationID int64, fullName string) (Repo, error)
	DeleteRepo(ctx context.Context, installationID int64, fullName string) error
	ListRepos(ctx context.Context, installationID int64) ([]Repo, error)

	// PutScan creates or replaces a scan record.
	PutScan(ctx context.Context, s Scan) error
	GetScan(ctx context.Context, k ScanKey) (Scan, error)
	// PutFindings stores findings of a scan keyed by fingerprint: writing the same ones again
	// (a redelivered job) leaves one copy of each.
	PutFindings(ctx context.Context, s Scan, fs []StoredFinding) error
	Findings(ctx context.Context, k ScanKey) ([]StoredFinding, error)
	// Week lists the scans of an installation that completed in an ISO week ("2026-W47"), and
	// their findings by scan key.
	Week(ctx context.Context, installationID int64, week string) ([]Scan, map[ScanKey][]StoredFinding, error)

	// PutSummaryIssue records a summary issue; with onlyIfAbsent it fails with ErrConflict when
	// one exists for the installation and week (the schedule fired twice).
	PutSummaryIssue(ctx context.Context, s SummaryIssue, onlyIfAbsent bool) error
	GetSummaryIssue(ctx context.Context, installationID int64, week string) (SummaryIssue, error)

	Close() error
}

// ISOWeek formats t's ISO 8601 week as "2026-W47".
func ISOWeek(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ParseISOWeek returns the Monday 00:00 UTC that starts an ISO week.
func ParseISOWeek(week string) (time.Time, error) {
	var y, w int
	if _, err := fmt.Sscanf(week, "%4d-W%2d", &y, &w); err != nil || w < 1 || w > 53 || len(week) != 8 {
		return time.Time{}, fmt.Errorf("week %q is not an ISO week like 2026-W47", week)
	}
	// January 4th is always in week 1.
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	if got := ISOWeek(monday); got != week {
		return time.Time{}, fmt.Errorf("week %q does not exist (year %d has no week %d)", week, y, w)
	}
	return monday, nil
}

// FindingID keys a finding within its scan: the fingerprint, which the engine makes unique.
func FindingID(f *StoredFinding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	return fmt.Sprintf("%s:%s:%d:%d", f.RuleID, f.Path, f.StartLine, f.StartColumn)
}

// SortFindings orders findings as the engine does, so both stores return the same order.
func SortFindings(fs []StoredFinding) {
	sort.SliceStable(fs, func(i, j int) bool { return finding.Less(&fs[i].Finding, &fs[j].Finding) })
}

// SortScans orders scans by completion time, then key.
func SortScans(ss []Scan) {
	sort.SliceStable(ss, func(i, j int) bool {
		if !ss[i].CompletedAt.Equal(ss[j].CompletedAt) {
			return ss[i].CompletedAt.Before(ss[j].CompletedAt)
		}
		return ss[i].Key.String() < ss[j].Key.String()
	})
}
