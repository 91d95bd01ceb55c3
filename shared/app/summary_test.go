package app

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/bolt"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	ruleSQL     = finding.Rule{ID: "go-sql-injection", Title: "SQL injection", Layer: finding.Code, Severity: finding.High, Remediation: "Use placeholders. Never concatenate."}
	rulePriv    = finding.Rule{ID: "k8s-privileged-container", Title: "Privileged container", Layer: finding.Cluster, Severity: finding.Critical, Remediation: "Set privileged: false."}
	ruleSG      = finding.Rule{ID: "aws-sg-open-ssh", Title: "SSH open to the world", Layer: finding.Cloud, Severity: finding.High, Remediation: "Restrict the CIDR."}
	ruleRoot    = finding.Rule{ID: "docker-root-user", Title: "Runs as root", Layer: finding.Container, Severity: finding.Medium, Remediation: "Add a USER."}
	weekStart   = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // Monday of 2026-W47
	installedAt = weekStart.AddDate(0, -3, 0)
)

func storedFinding(r finding.Rule, path string, line int, status string, fp string) store.StoredFinding {
	f := r.New(path, line, 1, r.Title+" here")
	f.Fingerprint = fp
	return store.StoredFinding{Finding: f, Status: status, OnChanged: status == "new"}
}

// seedWeek writes what two weeks of the App's work leave in the store: pull-request scans
// (one pushed twice), a fix, a suppression, a partial scan, and default-branch scans.
func seedWeek(t *testing.T, st store.Store) {
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutInstallation(ctx, store.Installation{ID: 7, Account: "acme", AccountType: "Organization", CreatedAt: installedAt}))
	put := func(sc store.Scan, fs ...store.StoredFinding) {
		t.Helper()
		must(st.PutFindings(ctx, sc, fs))
		must(st.PutScan(ctx, sc))
	}
	pr := func(repo string, n int, sha string, at time.Time, check int64) store.Scan {
		return store.Scan{Key: store.ScanKey{Repo: repo, SHA: sha, Variant: "pr"}, InstallationID: 7, Kind: store.KindPullRequest,
			PR: n, CheckRunID: check, Conclusion: "failure", StartedAt: at.Add(-time.Minute), CompletedAt: at}
	}
	// Two weeks ago: a pull request introduced an SQL injection that this week's fixes.
	put(pr("acme/api", 3, "a0", weekStart.AddDate(0, 0, -10), 30), storedFinding(ruleSQL, "store/users.go", 40, "new", "fp-sql-old"))
	// This week, acme/api#12 pushed twice: only the latest scan counts.
	put(pr("acme/api", 12, "a1", weekStart.Add(2*time.Hour), 120), storedFinding(ruleSQL, "api/handler.go", 12, "new", "fp-sql-1"), storedFinding(ruleSQL, "api/handler.go", 30, "new", "fp-sql-2"))
	put(pr("acme/api", 12, "a2", weekStart.Add(26*time.Hour), 121), storedFinding(ruleSQL, "api/handler.go", 12, "new", "fp-sql-1"))
	// acme/api#13 fixed the old injection.
	fix := pr("acme/api", 13, "a3", weekStart.Add(50*time.Hour), 130)
	fix.Conclusion = "success"
	put(fix, storedFinding(ruleSQL, "store/users.go", 40, "fixed", "fp-sql-old"))
	// acme/deploy#4 made a privileged pod, with one suppressed finding, and a partial scan.
	dep := pr("acme/deploy", 4, "d1", weekStart.Add(72*time.Hour), 40)
	dep.Partial = []string{"go: 2 packages have type errors | see check"}
	sup := storedFinding(ruleRoot, "images/Dockerfile", 1, "new", "fp-root")
	sup.Suppressed, sup.SuppressedReason = true, "distroless base; @security-team agreed"
	put(dep, storedFinding(rulePriv, "k8s/agent.yaml", 21, "new", "fp-priv"), sup)
	// Default branches: acme/infra has open findings, acme/api a clean scan.
	infra := store.Scan{Key: store.ScanKey{Repo: "acme/infra", SHA: "i1", Variant: "full"}, InstallationID: 7, Kind: store.KindBranch,
		Ref: "main", StartedAt: weekStart.AddDate(0, 0, -20), CompletedAt: weekStart.AddDate(0, 0, -20)}
	put(infra, storedFinding(ruleSG, "net/sg.tf", 9, "new", "fp-sg"), storedFinding(ruleRoot, "Dockerfile", 1, "new", "fp-root-infra"))
	api := store.Scan{Key: store.ScanKey{Repo: "acme/api", SHA: "a9", Variant: "full"}, InstallationID: 7, Kind: store.KindBranch,
		Ref: "main", StartedAt: weekStart.Add(3 * time.Hour), CompletedAt: weekStart.Add(3 * time.Hour)}
	put(api)
	for _, r := range []store.Repo{
		{InstallationID: 7, FullName: "acme/api", DefaultBranch: "main", LastScan: &api.Key},
		{InstallationID: 7, FullName: "acme/infra", DefaultBranch: "main", LastScan: &infra.Key},
		{InstallationID: 7, FullName: "acme/deploy", DefaultBranch: "main"},
		{InstallationID: 7, FullName: "acme/.github", DefaultBranch: "main"},
	} {
		must(st.PutRepo(ctx, r))
	}
}

func TestSummaryGolden(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seedWeek(t, st)
	a := &App{Store: st}
	s, err := a.Summarize(context.Background(), 7, "2026-W47")
	if err != nil {
		t.Fatal(err)
	}
	got := RenderSummary(s, "https://github.com", "test")
	golden := filepath.Join("testdata", "summary.md.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("summary Markdown (-want +got):\n%s", d)
	}
	// The facts behind the table, asserted directly so the golden file is not the only check.
	checks := []struct {
		name      string
		got, want int
	}{
		{"new (latest push of #12 only, plus #4)", len(s.New), 2},
		{"fixed", len(s.Fixed), 1},
		{"open on default branches", len(s.Open), 2},
		{"suppressed", len(s.Suppressed), 1},
		{"partial", len(s.Partial), 1},
		{"pull requests", len(s.PullRequests), 3},
		{"fixes timed", s.FixesTimed, 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if last := s.Trend[len(s.Trend)-1]; last.Week != "2026-W47" || last.New != 2 || last.Fixed != 1 {
		t.Errorf("this week's trend point = %+v, want W47 with 2 new and 1 fixed", last)
	}
	if strings.Contains(got, "@security-team") {
		t.Error("a suppression reason pinged a team from the summary issue")
	}
}

func TestSummaryOfAnEmptyWeek(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutInstallation(context.Background(), store.Installation{ID: 9, Account: "quiet"}); err != nil {
		t.Fatal(err)
	}
	s, err := (&App{Store: st}).Summarize(context.Background(), 9, "2026-W47")
	if err != nil {
		t.Fatal(err)
	}
	md := RenderSummary(s, "https://github.com", "test")
	if !s.Empty() || !strings.Contains(md, "Nothing new this week") || !strings.Contains(md, "xychart-beta") {
		t.Errorf("empty week summary:\n%s", md)
	}
}
