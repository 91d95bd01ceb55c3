// Package storetest is the conformance suite every store.Store implementation must pass, so
// that `fourc serve` on bbolt and the Lambda functions on DynamoDB behave the same.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/store"
)

// Run runs the suite; open must return an empty store each call.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"deliveries are deduplicated until they expire", testDeliveries},
		{"installations and repositories", testInstallations},
		{"scans are replaced, not duplicated", testScans},
		{"findings are idempotent by fingerprint", testFindings},
		{"week lists scans of an installation and their findings", testWeek},
		{"summary issues are claimed once per week", testSummaryIssues},
		{"many findings are written in batches and read back in order", testManyFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, s)
		})
	}
}

var ctx = context.Background()

// Times are stored to the second in DynamoDB's numbers or RFC 3339 strings; compare that way.
var t0 = time.Date(2026, 11, 18, 10, 30, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testDeliveries(t *testing.T, s store.Store) {
	steps := []struct {
		id    string
		at    time.Time
		first bool
	}{
		{"d-1", t0, true},
		{"d-1", t0.Add(time.Minute), false},
		{"d-2", t0.Add(time.Minute), true},
		{"d-1", t0.Add(25 * time.Hour), true}, // expired: GitHub redelivers old events by hand
		{"d-1", t0.Add(25*time.Hour + time.Second), false},
	}
	for i, st := range steps {
		first, err := s.RecordDelivery(ctx, st.id, st.at, 24*time.Hour)
		must(t, err)
		if first != st.first {
			t.Errorf("step %d: RecordDelivery(%s) first = %v, want %v", i, st.id, first, st.first)
		}
	}
	must(t, s.ForgetDelivery(ctx, "d-2"))
	must(t, s.ForgetDelivery(ctx, "never-seen"))
	if first, err := s.RecordDelivery(ctx, "d-2", t0.Add(2*time.Minute), 24*time.Hour); err != nil || !first {
		t.Errorf("a forgotten delivery must count as new: first = %v, err = %v", first, err)
	}
}

func testInstallations(t *testing.T, s store.Store) {
	a := store.Installation{ID: 11, Account: "acme", AccountType: "Organization", CreatedAt: t0}
	b := store.Installation{ID: 12, Account: "octo", AccountType: "User", CreatedAt: t0}
	must(t, s.PutInstallation(ctx, a))
	must(t, s.PutInstallation(ctx, b))
	a.SummaryRepo = "acme/.github"
	must(t, s.PutInstallation(ctx, a))
	got, err := s.GetInstallation(ctx, 11)
	must(t, err)
	if d := cmp.Diff(a, got); d != "" {
		t.Errorf("GetInstallation (-want +got):\n%s", d)
	}
	all, err := s.ListInstallations(ctx)
	must(t, err)
	if d := cmp.Diff([]store.Installation{a, b}, all, cmpopts.SortSlices(func(x, y store.Installation) bool { return x.ID < y.ID })); d != "" {
		t.Errorf("ListInstallations (-want +got):\n%s", d)
	}
	for _, r := range []store.Repo{{InstallationID: 11, FullName: "acme/api", DefaultBranch: "main", Private: true}, {InstallationID: 11, FullName: "acme/web", DefaultBranch: "trunk", Private: false}, {InstallationID: 12, FullName: "octo/x", DefaultBranch: "main", Private: false}} {
		must(t, s.PutRepo(ctx, r))
	}
	last := &store.ScanKey{Repo: "acme/web", SHA: "f00", Variant: "full"}
	must(t, s.PutRepo(ctx, store.Repo{InstallationID: 11, FullName: "acme/web", DefaultBranch: "trunk", LastScan: last}))
	web, err := s.GetRepo(ctx, 11, "acme/web")
	must(t, err)
	if web.LastScan == nil || *web.LastScan != *last || web.DefaultBranch != "trunk" {
		t.Errorf("GetRepo = %+v, want the last scan recorded", web)
	}
	must(t, s.DeleteRepo(ctx, 11, "acme/web"))
	if _, err := s.GetRepo(ctx, 11, "acme/web"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRepo after delete: err = %v, want ErrNotFound", err)
	}
	repos, err := s.ListRepos(ctx, 11)
	must(t, err)
	if d := cmp.Diff([]store.Repo{{InstallationID: 11, FullName: "acme/api", DefaultBranch: "main", Private: true}}, repos); d != "" {
		t.Errorf("ListRepos (-want +got):\n%s", d)
	}
	must(t, s.DeleteInstallation(ctx, 11))
	if _, err := s.GetInstallation(ctx, 11); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetInstallation after delete: err = %v, want ErrNotFound", err)
	}
	if repos, err := s.ListRepos(ctx, 11); err != nil || len(repos) != 0 {
		t.Errorf("repos of a deleted installation = %v, %v; want none", repos, err)
	}
	if repos, err := s.ListRepos(ctx, 12); err != nil || len(repos) != 1 {
		t.Errorf("repos of another installation = %v, %v; want 1", repos, err)
	}
}

func scan(repo, sha string, inst int64, completed time.Time) store.Scan {
	return store.Scan{
		Key:            store.ScanKey{Repo: repo, SHA: sha, Variant: "rules-1"},
		InstallationID: inst, Kind: store.KindPullRequest, PR: 7, BaseSHA: "base",
		StartedAt: completed.Add(-time.Minute), CompletedAt: completed,
	}
}

func testScans(t *testing.T, s store.Store) {
	sc := scan("acme/api", "abc", 11, time.Time{})
	if _, err := s.GetScan(ctx, sc.Key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetScan of a missing scan: err = %v, want ErrNotFound", err)
	}
	must(t, s.PutScan(ctx, sc))
	sc.CompletedAt, sc.Conclusion, sc.CheckRunID, sc.New, sc.Published = t0, "failure", 99, 3, true
	sc.Partial = []string{"go: no type information"}
	sc.Dependencies = []string{"Go:golang.org/x/net@v0.1.0"}
	sc.FailOn, sc.PublishedAnnotations = "medium", 100
	must(t, s.PutScan(ctx, sc))
	got, err := s.GetScan(ctx, sc.Key)
	must(t, err)
	if d := cmp.Diff(sc, got); d != "" {
		t.Errorf("GetScan (-want +got):\n%s", d)
	}
	if err := s.PutScan(ctx, store.Scan{}); err == nil {
		t.Error("PutScan without a key must fail")
	}
}

func sampleFindings(n int) []store.StoredFinding {
	rule := finding.Rule{ID: "secret-slack-token", Title: "Slack token", Layer: finding.Code, Severity: finding.High, Remediation: "Rotate it."}
	out := make([]store.StoredFinding, n)
	for i := range out {
		f := rule.New(fmt.Sprintf("cfg/%03d.yml", i), i+1, 3, "Slack token xoxb…(52 chars)")
		f.Fingerprint = fmt.Sprintf("%032x", i+1)
		f.References = []string{"CWE-798"}
		out[i] = store.StoredFinding{Finding: f, Status: "new", OnChanged: i%2 == 0}
	}
	return out
}

func testFindings(t *testing.T, s store.Store) {
	sc := scan("acme/api", "abc", 11, t0)
	fs := sampleFindings(3)
	fs[1].Suppressed, fs[1].SuppressedReason = true, "test fixture"
	must(t, s.PutFindings(ctx, sc, fs))
	must(t, s.PutFindings(ctx, sc, fs)) // a redelivered job
	got, err := s.Findings(ctx, sc.Key)
	must(t, err)
	if d := cmp.Diff(fs, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("Findings (-want +got):\n%s", d)
	}
	other := sc.Key
	other.SHA = "abd"
	if got, err := s.Findings(ctx, other); err != nil || len(got) != 0 {
		t.Errorf("findings of another scan = %d, %v; want none", len(got), err)
	}
}

func testWeek(t *testing.T, s store.Store) {
	inWeek := scan("acme/api", "a1", 11, t0)                         // 2026-W47
	moved := scan("acme/web", "b1", 11, t0.Add(-7*24*time.Hour))     // W46 first, then moved to W47
	otherWeek := scan("acme/api", "a0", 11, t0.Add(-7*24*time.Hour)) // W46
	otherInst := scan("octo/x", "c1", 12, t0)                        // another installation
	running := scan("acme/api", "a2", 11, time.Time{})               // not completed
	for _, sc := range []store.Scan{inWeek, moved, otherWeek, otherInst, running} {
		must(t, s.PutScan(ctx, sc))
	}
	moved.CompletedAt = t0.Add(time.Hour)
	must(t, s.PutScan(ctx, moved))
	must(t, s.PutFindings(ctx, inWeek, sampleFindings(2)))

	scans, findings, err := s.Week(ctx, 11, "2026-W47")
	must(t, err)
	var keys []string
	for _, sc := range scans {
		keys = append(keys, sc.Key.String())
	}
	if d := cmp.Diff([]string{inWeek.Key.String(), moved.Key.String()}, keys); d != "" {
		t.Errorf("scans of the week (-want +got):\n%s", d)
	}
	if len(findings[inWeek.Key]) != 2 || len(findings[moved.Key]) != 0 {
		t.Errorf("findings of the week: %d and %d, want 2 and 0", len(findings[inWeek.Key]), len(findings[moved.Key]))
	}
	if scans, _, err := s.Week(ctx, 11, "2026-W46"); err != nil || len(scans) != 1 {
		t.Errorf("week 46 = %d scans, %v; want 1 (the moved scan left it)", len(scans), err)
	}
}

func testSummaryIssues(t *testing.T, s store.Store) {
	si := store.SummaryIssue{InstallationID: 11, Week: "2026-W47", Repo: "acme/.github", Number: 5, URL: "https://github.com/acme/.github/issues/5", UpdatedAt: t0}
	if _, err := s.GetSummaryIssue(ctx, 11, "2026-W47"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetSummaryIssue before any: err = %v, want ErrNotFound", err)
	}
	must(t, s.PutSummaryIssue(ctx, si, true))
	dup := si
	dup.Number = 6
	if err := s.PutSummaryIssue(ctx, dup, true); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second claim of the week: err = %v, want ErrConflict", err)
	}
	si.UpdatedAt = t0.Add(time.Hour)
	must(t, s.PutSummaryIssue(ctx, si, false))
	got, err := s.GetSummaryIssue(ctx, 11, "2026-W47")
	must(t, err)
	if d := cmp.Diff(si, got); d != "" {
		t.Errorf("GetSummaryIssue (-want +got):\n%s", d)
	}
}

func testManyFindings(t *testing.T, s store.Store) {
	sc := scan("acme/big", "f00", 11, t0)
	fs := sampleFindings(260) // more than DynamoDB's 25 per batch and one 1 MB query page of small items
	must(t, s.PutScan(ctx, sc))
	must(t, s.PutFindings(ctx, sc, fs))
	got, err := s.Findings(ctx, sc.Key)
	must(t, err)
	if len(got) != len(fs) {
		t.Fatalf("read %d findings back, want %d", len(got), len(fs))
	}
	for i := range fs {
		if got[i].Path != fs[i].Path || got[i].Fingerprint != fs[i].Fingerprint {
			t.Fatalf("finding %d = %s %s, want %s %s", i, got[i].Path, got[i].Fingerprint, fs[i].Path, fs[i].Fingerprint)
		}
	}
}
