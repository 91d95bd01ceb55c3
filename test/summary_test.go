package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/cli"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue/memory"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/bolt"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/test/fakegithub"
)

// The weekly summary end to end: the App's PublishSummary and PublishSummaries through the real
// GitHub client (githubapp.New) against the fake GitHub server, over both stores, with the store
// filled as the scan jobs fill it.

const (
	sumWeek     = "2026-W47"
	sumLastWeek = "2026-W46"
	// sumGolden is the Markdown of the seeded week, shared with the renderer's own golden test:
	// the App's issue, `fourc summary` and the README's example must all be this text.
	sumGolden = "../shared/app/testdata/summary.md.golden"
)

var (
	sumWeekStart = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // Monday of 2026-W47
	// sumNow is when the schedule fires: Monday 07:00 UTC after the week.
	sumNow = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)

	sumRuleSQL  = finding.Rule{ID: "go-sql-injection", Title: "SQL injection", Layer: finding.Code, Severity: finding.High, Remediation: "Use placeholders. Never concatenate."}
	sumRulePriv = finding.Rule{ID: "k8s-privileged-container", Title: "Privileged container", Layer: finding.Cluster, Severity: finding.Critical, Remediation: "Set privileged: false."}
	sumRuleSG   = finding.Rule{ID: "aws-sg-open-ssh", Title: "SSH open to the world", Layer: finding.Cloud, Severity: finding.High, Remediation: "Restrict the CIDR."}
	sumRuleRoot = finding.Rule{ID: "docker-root-user", Title: "Runs as root", Layer: finding.Container, Severity: finding.Medium, Remediation: "Add a USER."}
)

// ---- seeding the store as the scan jobs do ----

// sumSeeder writes scans the way the App's jobs do: the findings first, then the scan record
// (which marks them complete), then, for a default-branch scan, the repository's pointer to it.
type sumSeeder struct {
	t    *testing.T
	st   store.Store
	inst int64
}

func (s sumSeeder) must(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

// sumFound is a finding as a scan stores it; the fingerprint follows the finding, so a fix in a later
// pull request matches its introduction.
func sumFound(r finding.Rule, path string, line int, status string) store.StoredFinding {
	f := r.New(path, line, 1, r.Title+" here")
	f.Fingerprint = finding.Fingerprint(r.ID, path, fmt.Sprintf("line%d", line), 0)
	return store.StoredFinding{Finding: f, Status: status, OnChanged: status == "new"}
}

func sumSuppressed(f store.StoredFinding, reason string) store.StoredFinding {
	f.Suppressed, f.SuppressedReason = true, reason
	return f
}

// pr stores a completed pull-request scan; the key is shaped as the App's (rule set and config).
func (s sumSeeder) pr(repo string, n int, seed string, at time.Time, check int64, conclusion string, partial []string, fs ...store.StoredFinding) {
	s.t.Helper()
	sc := store.Scan{
		Key:            store.ScanKey{Repo: repo, SHA: fakegithub.SHA(seed), Variant: fmt.Sprintf("pr%d-0a1b2c3d4e5f-cfg0", n)},
		InstallationID: s.inst, Kind: store.KindPullRequest, PR: n, BaseSHA: fakegithub.SHA(seed + "-base"),
		CheckRunID: check, Conclusion: conclusion, Partial: partial,
		StartedAt: at.Add(-time.Minute), CompletedAt: at, Published: true,
	}
	for _, f := range fs {
		switch {
		case f.Status == "fixed":
			sc.Fixed++
		case f.Suppressed:
			sc.Suppressed++
		case f.Status == "new" && f.OnChanged:
			sc.New++
		}
	}
	s.must(s.st.PutFindings(context.Background(), sc, fs))
	s.must(s.st.PutScan(context.Background(), sc))
}

// branch stores a completed default-branch scan and points the repository at it.
func (s sumSeeder) branch(repo, seed string, at time.Time, fs ...store.StoredFinding) {
	s.t.Helper()
	ctx := context.Background()
	sc := store.Scan{
		Key:            store.ScanKey{Repo: repo, SHA: fakegithub.SHA(seed), Variant: "full-0a1b2c3d4e5f-cfg0"},
		InstallationID: s.inst, Kind: store.KindBranch, Ref: "main", Conclusion: "success",
		StartedAt: at.Add(-time.Minute), CompletedAt: at, Published: true,
	}
	for i := range fs {
		fs[i].OnChanged = false // a full scan has no diff
	}
	s.must(s.st.PutFindings(ctx, sc, fs))
	s.must(s.st.PutScan(ctx, sc))
	r, err := s.st.GetRepo(ctx, s.inst, repo)
	if err != nil {
		s.t.Fatalf("repository %s must be recorded before its scan: %v", repo, err)
	}
	r.LastScan = &sc.Key
	s.must(s.st.PutRepo(ctx, r))
}

func (s sumSeeder) installation(account, summaryRepo string, repos ...string) {
	s.t.Helper()
	s.must(s.st.PutInstallation(context.Background(), store.Installation{ID: s.inst, Account: account, AccountType: "Organization",
		SummaryRepo: summaryRepo, CreatedAt: sumWeekStart.AddDate(0, -3, 0)}))
	for _, r := range repos {
		s.must(s.st.PutRepo(context.Background(), store.Repo{InstallationID: s.inst, FullName: r, DefaultBranch: "main"}))
	}
}

// sumSeedAcme writes two weeks of the App's work for installation 7 (acme): a pull request pushed
// twice, a fix of a finding introduced ten days earlier, a suppression, a partial scan, and the
// default branches' open findings. Its W47 summary is the golden file.
func sumSeedAcme(t *testing.T, st store.Store) {
	t.Helper()
	s := sumSeeder{t: t, st: st, inst: 7}
	s.installation("acme", "", "acme/api", "acme/infra", "acme/deploy", "acme/.github")
	// W45: acme/api#3 introduced an SQL injection.
	s.pr("acme/api", 3, "api-3", sumWeekStart.AddDate(0, 0, -10), 30, "failure", nil, sumFound(sumRuleSQL, "store/users.go", 40, "new"))
	// W47: acme/api#12 pushed twice; only the latest scan counts.
	s.pr("acme/api", 12, "api-12a", sumWeekStart.Add(2*time.Hour), 120, "failure", nil,
		sumFound(sumRuleSQL, "api/handler.go", 12, "new"), sumFound(sumRuleSQL, "api/handler.go", 30, "new"))
	s.pr("acme/api", 12, "api-12b", sumWeekStart.Add(26*time.Hour), 121, "failure", nil, sumFound(sumRuleSQL, "api/handler.go", 12, "new"))
	// acme/api#13 fixed the W45 injection.
	s.pr("acme/api", 13, "api-13", sumWeekStart.Add(50*time.Hour), 130, "success", nil, sumFound(sumRuleSQL, "store/users.go", 40, "fixed"))
	// acme/deploy#4: a privileged pod, a suppressed finding, and a partial scan.
	s.pr("acme/deploy", 4, "deploy-4", sumWeekStart.Add(72*time.Hour), 40, "failure", []string{"go: 2 packages have type errors | see check"},
		sumFound(sumRulePriv, "k8s/agent.yaml", 21, "new"),
		sumSuppressed(sumFound(sumRuleRoot, "images/Dockerfile", 1, "new"), "distroless base; @security-team agreed"))
	// Default branches: acme/infra has open findings (scanned before the week), acme/api is clean.
	s.branch("acme/infra", "infra-main", sumWeekStart.AddDate(0, 0, -20), sumFound(sumRuleSG, "net/sg.tf", 9, "new"), sumFound(sumRuleRoot, "Dockerfile", 1, "new"))
	s.branch("acme/api", "api-main", sumWeekStart.Add(3*time.Hour))
}

// sumAddAcme gives the fake GitHub acme's installation and repositories, the .github one writable.
func sumAddAcme(gh *fakegithub.Server) {
	gh.AddInstallation(fakegithub.Installation{ID: 7, Account: "acme"})
	for _, name := range []string{"api", "infra", "deploy", ".github"} {
		gh.AddRepo(7, fakegithub.Repo{Owner: "acme", Name: name})
	}
}

// ---- the environment: fake GitHub, real client, a store, the App ----

type sumBackend struct {
	name string
	open func(t *testing.T) store.Store
}

var sumTables atomic.Int64

// sumBackends are the two stores; the DynamoDB one is dynalite, started once for t.
func sumBackends(t *testing.T) []sumBackend {
	ddb := dynalite.Start(t)
	return []sumBackend{
		{"bolt", func(t *testing.T) store.Store {
			st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"dynamodb", func(t *testing.T) store.Store {
			table := fmt.Sprintf("%s-%d", dynalite.CreateTableName(t), sumTables.Add(1))
			if err := dynamodb.CreateTable(context.Background(), ddb.Client, table); err != nil {
				t.Fatal(err)
			}
			return dynamodb.New(ddb.Client, table)
		}},
	}
}

type sumClock struct{ now time.Time }

func (c sumClock) Now() time.Time { return c.now }

// sumLogBuffer collects the App's JSON log from concurrent goroutines.
type sumLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *sumLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *sumLogBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, rec)
	}
	return out
}

type sumEnv struct {
	gh   *fakegithub.Server
	st   store.Store
	app  *app.App
	logs *sumLogBuffer

	mu     sync.Mutex
	sleeps []time.Duration // the retry transport's waits, taken without sleeping
}

// newSumEnv builds the App as the summary function does, on st and a fresh fake GitHub. Every
// test ends by checking that the client kept GitHub's contract.
func newSumEnv(t *testing.T, st store.Store) *sumEnv {
	t.Helper()
	e := &sumEnv{gh: fakegithub.New(t, fakegithub.Options{}), st: st, logs: &sumLogBuffer{}}
	client, err := githubapp.New(githubapp.Options{
		BaseURL: e.gh.URL, AppID: e.gh.AppID, PrivateKey: e.gh.PrivateKeyPEM(), Transport: e.gh.Client().Transport,
		Retry: githubapp.RetryOptions{MaxAttempts: 3, Sleep: func(_ context.Context, d time.Duration) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.sleeps = append(e.sleeps, d)
			return nil
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.app = &app.App{
		GitHub: client, Store: st, Queue: memory.New(memory.Options{}), Clock: sumClock{sumNow},
		Log:     slog.New(slog.NewJSONHandler(e.logs, nil)),
		Version: "test", WebURL: "https://github.com",
	}
	if err := e.app.Init(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, v := range e.gh.Violations() {
			t.Errorf("GitHub contract violated: %s", v)
		}
		if t.Failed() {
			e.logs.mu.Lock()
			t.Logf("App log:\n%s", e.logs.buf.String())
			e.logs.mu.Unlock()
		}
	})
	return e
}

func (e *sumEnv) publish(t *testing.T, inst int64, week string) app.SummaryResult {
	t.Helper()
	res, err := e.app.PublishSummary(context.Background(), inst, week)
	if err != nil {
		t.Fatalf("PublishSummary(%d, %s): %v", inst, week, err)
	}
	return res
}

// issue returns one issue of repo from the fake by number.
func (e *sumEnv) issue(t *testing.T, repo string, number int) fakegithub.Issue {
	t.Helper()
	for _, is := range e.gh.Issues(repo) {
		if is.Number == number {
			return is
		}
	}
	t.Fatalf("no issue %s#%d in the fake", repo, number)
	return fakegithub.Issue{}
}

// openSummaries are the open issues of repo with the summary label and title for week.
func (e *sumEnv) openSummaries(repo, org, week string) []fakegithub.Issue {
	var out []fakegithub.Issue
	for _, is := range e.gh.Issues(repo) {
		if is.State == "open" && is.Title == app.SummaryTitle(org, week) && slices.Contains(is.Labels, app.SummaryLabel) {
			out = append(out, is)
		}
	}
	return out
}

func (e *sumEnv) record(t *testing.T, inst int64, week string) store.SummaryIssue {
	t.Helper()
	rec, err := e.st.GetSummaryIssue(context.Background(), inst, week)
	if err != nil {
		t.Fatalf("summary record of %d for %s: %v", inst, week, err)
	}
	return rec
}

// requests counts the fake's answered requests with method whose path matches pattern.
func (e *sumEnv) requests(method, pattern string) []fakegithub.Request {
	var out []fakegithub.Request
	re := regexp.MustCompile("^" + pattern + "$")
	for _, r := range e.gh.Requests() {
		if r.Method == method && re.MatchString(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

func sumGoldenText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(sumGolden)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sumHasLines fails unless md holds each line whole.
func sumHasLines(t *testing.T, md string, lines ...string) {
	t.Helper()
	have := strings.Split(md, "\n")
	for _, l := range lines {
		if !slices.Contains(have, l) {
			t.Errorf("the summary lacks the line\n\t%s", l)
		}
	}
}

// ---- the Mermaid chart ----

type sumChart struct {
	labels    []string
	yMax      int
	bar, line []int
}

var (
	sumChartAxisY = regexp.MustCompile(`^y-axis "[^"]+" 0 --> (\d+)$`)
	sumChartLabel = regexp.MustCompile(`^W\d\d$`)
)

// sumParseChart reads the summary's one Mermaid block and checks that it is a well-formed
// xychart-beta: a title, an x-axis of labels, a y-axis from 0, one bar and one line series.
func sumParseChart(t *testing.T, md string) sumChart {
	t.Helper()
	_, rest, ok := strings.Cut(md, "```mermaid\n")
	if !ok {
		t.Fatalf("no mermaid block in:\n%s", md)
	}
	block, _, ok := strings.Cut(rest, "\n```\n")
	if !ok {
		t.Fatalf("the mermaid block is not closed:\n%s", rest)
	}
	if strings.Count(md, "```mermaid") != 1 {
		t.Errorf("want one mermaid block, got %d", strings.Count(md, "```mermaid"))
	}
	lines := strings.Split(block, "\n")
	if lines[0] != "xychart-beta" {
		t.Fatalf("the chart starts with %q, want xychart-beta", lines[0])
	}
	list := func(s string) []string {
		inner, ok := strings.CutPrefix(s, "[")
		inner, ok2 := strings.CutSuffix(inner, "]")
		if !ok || !ok2 {
			t.Fatalf("%q is not a [list]", s)
		}
		return strings.Split(inner, ", ")
	}
	ints := func(s string) []int {
		var out []int
		for _, v := range list(s) {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				t.Fatalf("series value %q is not a count", v)
			}
			out = append(out, n)
		}
		return out
	}
	var c sumChart
	seen := map[string]int{}
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		key, val, _ := strings.Cut(l, " ")
		seen[key]++
		switch key {
		case "title":
			if _, err := strconv.Unquote(val); err != nil {
				t.Errorf("chart title %s is not quoted", val)
			}
		case "x-axis":
			for _, q := range list(val) {
				label, err := strconv.Unquote(q)
				if err != nil {
					t.Fatalf("x-axis label %s is not quoted", q)
				}
				c.labels = append(c.labels, label)
			}
		case "y-axis":
			m := sumChartAxisY.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("y-axis %q is not `\"title\" 0 --> max`", l)
			}
			c.yMax, _ = strconv.Atoi(m[1])
		case "bar":
			c.bar = ints(val)
		case "line":
			c.line = ints(val)
		default:
			t.Errorf("unexpected chart line %q", l)
		}
	}
	for _, key := range []string{"title", "x-axis", "y-axis", "bar", "line"} {
		if seen[key] != 1 {
			t.Errorf("the chart has %d %s lines, want 1", seen[key], key)
		}
	}
	// Well-formed: a value for every label, and an axis tall enough for every value.
	if len(c.bar) != len(c.labels) || len(c.line) != len(c.labels) {
		t.Errorf("%d x-axis labels but %d bar and %d line values", len(c.labels), len(c.bar), len(c.line))
	}
	for _, v := range append(slices.Clone(c.bar), c.line...) {
		if v > c.yMax {
			t.Errorf("value %d is above the y-axis maximum %d", v, c.yMax)
		}
	}
	if c.yMax < 1 {
		t.Errorf("y-axis 0 --> %d has no height", c.yMax)
	}
	for _, l := range c.labels {
		if !sumChartLabel.MatchString(l) {
			t.Errorf("x-axis label %q is not a week like W47", l)
		}
	}
	return c
}

func TestSummaryChartIsWellFormed(t *testing.T) {
	weeks := func(ws ...string) []app.TrendPoint {
		var out []app.TrendPoint
		for _, w := range ws {
			out = append(out, app.TrendPoint{Week: w})
		}
		return out
	}
	tests := []struct {
		name string
		// summary builds the WeekSummary to render.
		summary func(t *testing.T) *app.WeekSummary
		want    sumChart
	}{
		{
			name: "the seeded week",
			summary: func(t *testing.T) *app.WeekSummary {
				st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				sumSeedAcme(t, st)
				s, err := (&app.App{Store: st}).Summarize(context.Background(), 7, sumWeek)
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
			want: sumChart{labels: []string{"W40", "W41", "W42", "W43", "W44", "W45", "W46", "W47"}, yMax: 2,
				bar: []int{0, 0, 0, 0, 0, 1, 0, 2}, line: []int{0, 0, 0, 0, 0, 0, 0, 1}},
		},
		{
			name: "eight empty weeks across a new year (2026 has 53 ISO weeks)",
			summary: func(t *testing.T) *app.WeekSummary {
				st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if err := st.PutInstallation(context.Background(), store.Installation{ID: 9, Account: "quiet"}); err != nil {
					t.Fatal(err)
				}
				s, err := (&app.App{Store: st}).Summarize(context.Background(), 9, "2027-W02")
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
			want: sumChart{labels: []string{"W48", "W49", "W50", "W51", "W52", "W53", "W01", "W02"}, yMax: 1,
				bar: make([]int, 8), line: make([]int, 8)},
		},
		{
			name: "fixes outnumber new findings",
			summary: func(*testing.T) *app.WeekSummary {
				tr := weeks("2026-W44", "2026-W45", "2026-W46", "2026-W47")
				tr[1].New, tr[2].Fixed, tr[3].New, tr[3].Fixed = 120, 340, 7, 9
				return &app.WeekSummary{Org: "acme", Week: sumWeek, Trend: tr}
			},
			want: sumChart{labels: []string{"W44", "W45", "W46", "W47"}, yMax: 340, bar: []int{0, 120, 0, 7}, line: []int{0, 0, 340, 9}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := app.RenderSummary(tt.summary(t), "https://github.com", "test")
			got := sumParseChart(t, md)
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(sumChart{})); d != "" {
				t.Errorf("chart (-want +got):\n%s", d)
			}
		})
	}
}

// ---- end to end ----

func TestWeeklySummary(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, open func(t *testing.T) store.Store)
	}{
		{"the seeded week becomes an issue with its tables and chart", testSummaryIssue},
		{"a second run the same week updates the same issue", testSummaryRerun},
		{"earlier weeks' issues are closed with a link to the new one", testSummaryClosesEarlier},
		{"an organisation with nowhere to write is skipped, the others published", testSummaryUnwritable},
		{"a GitHub failure is an error to retry, not a skip", testSummaryGitHubFailure},
		{"an empty week", testSummaryEmptyWeek},
		{"a crash between creating the issue and recording it", testSummaryCrashRecovery},
		{"the schedule fires twice at once", testSummaryDoubleFire},
		{"an installation with 300 repositories", testSummaryManyRepos},
		{"the summary repository changes", testSummaryMoves},
		{"many organisations, a few at a time", testSummaryManyOrgs},
	}
	for _, b := range sumBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, b.open)
				})
			}
		})
	}
}

func testSummaryIssue(t *testing.T, open func(t *testing.T) store.Store) {
	e := newSumEnv(t, open(t))
	sumSeedAcme(t, e.st)
	sumAddAcme(e.gh)

	res := e.publish(t, 7, sumWeek)
	want := app.SummaryResult{InstallationID: 7, Org: "acme", Repo: "acme/.github", Issue: res.Issue, Created: true}
	if d := cmp.Diff(want, res); d != "" || res.Issue == 0 {
		t.Fatalf("result (-want +got):\n%s", d)
	}
	issues := e.gh.Issues("acme/.github")
	if len(issues) != 1 {
		t.Fatalf("acme/.github has %d issues, want 1", len(issues))
	}
	is := issues[0]
	if is.Title != "fourc weekly security summary — acme — 2026-W47" || is.State != "open" || !slices.Equal(is.Labels, []string{app.SummaryLabel}) {
		t.Errorf("issue title %q, state %s, labels %v", is.Title, is.State, is.Labels)
	}
	// The facts, row by row, in the body the fake received.
	sumHasLines(t, is.Body,
		"**2026-11-16 to 2026-11-22** · 4 repositories · 3 pull requests scanned",
		"| New in pull requests | 1 | 1 | 0 | 0 | 0 | **2** |",
		"| Fixed by pull requests | 0 | 1 | 0 | 0 | 0 | **1** |",
		"| Open on default branches | 0 | 1 | 1 | 0 | 0 | **2** |",
		"| Cluster | 1 | 0 | 0 |",
		"| Code | 1 | 1 | 0 |",
		"1. Fix the new **critical** `k8s-privileged-container` in acme/deploy (k8s/agent.yaml:21): Set privileged: false.",
		"| [acme/infra](https://github.com/acme/infra) | 0 | 0 | 2 | 1 |",
		"| `go-sql-injection` | Code | 1 | 0 |",
		"| [acme/api#12](https://github.com/acme/api/pull/12) | 1 | 0 | [failure](https://github.com/acme/api/runs/121) |",
		"| [acme/api#13](https://github.com/acme/api/pull/13) | 0 | 1 | [success](https://github.com/acme/api/runs/130) |",
		"| high | `go-sql-injection` | acme/api store/users.go:40 | [#13](https://github.com/acme/api/pull/13) |",
		"| `docker-root-user` | acme/deploy images/Dockerfile:1 | distroless base; @\u200bsecurity-team agreed |",
		"- acme/deploy#4: go: 2 packages have type errors \\| see check",
		"Mean time from introduction to fix: **12.1 days** (over 1 fix in the last 8 weeks).",
	)
	chart := sumParseChart(t, is.Body)
	wantChart := sumChart{labels: []string{"W40", "W41", "W42", "W43", "W44", "W45", "W46", "W47"}, yMax: 2,
		bar: []int{0, 0, 0, 0, 0, 1, 0, 2}, line: []int{0, 0, 0, 0, 0, 0, 0, 1}}
	if d := cmp.Diff(wantChart, chart, cmp.AllowUnexported(sumChart{})); d != "" {
		t.Errorf("chart (-want +got):\n%s", d)
	}
	// Byte for byte the renderer's golden file: both stores aggregate the same.
	if d := cmp.Diff(sumGoldenText(t), is.Body); d != "" {
		t.Errorf("issue body against %s (-want +got):\n%s", sumGolden, d)
	}
	rec := e.record(t, 7, sumWeek)
	if rec.Repo != "acme/.github" || rec.Number != is.Number || !strings.HasSuffix(rec.URL, "/acme/.github/issues/"+strconv.Itoa(is.Number)) {
		t.Errorf("store record %+v does not name the issue", rec)
	}
}

func testSummaryRerun(t *testing.T, open func(t *testing.T) store.Store) {
	e := newSumEnv(t, open(t))
	sumSeedAcme(t, e.st)
	sumAddAcme(e.gh)
	first := e.publish(t, 7, sumWeek)
	before := e.issue(t, "acme/.github", first.Issue)

	// Later the same week another pull request opened SSH to the world; the schedule's retry
	// (or a second firing) runs again.
	sumSeeder{t: t, st: e.st, inst: 7}.pr("acme/infra", 8, "infra-8", sumWeekStart.Add(100*time.Hour), 80, "failure", nil,
		sumFound(sumRuleSG, "net/bastion.tf", 3, "new"))
	second := e.publish(t, 7, sumWeek)
	if second.Issue != first.Issue || second.Created {
		t.Errorf("second run: issue #%d created=%v, want the first run's #%d updated", second.Issue, second.Created, first.Issue)
	}
	issues := e.gh.Issues("acme/.github")
	if len(issues) != 1 {
		t.Fatalf("acme/.github has %d issues after two runs, want 1", len(issues))
	}
	after := issues[0]
	if after.Body == before.Body {
		t.Error("the second run left the body as it was")
	}
	sumHasLines(t, after.Body,
		"**2026-11-16 to 2026-11-22** · 4 repositories · 4 pull requests scanned",
		"| New in pull requests | 1 | 2 | 0 | 0 | 0 | **3** |",
		"| [acme/infra#8](https://github.com/acme/infra/pull/8) | 1 | 0 | [failure](https://github.com/acme/infra/runs/80) |",
	)
	if c := sumParseChart(t, after.Body); c.bar[len(c.bar)-1] != 3 || c.yMax != 3 {
		t.Errorf("this week's bar = %d with y-axis max %d, want 3 and 3", c.bar[len(c.bar)-1], c.yMax)
	}
	if after.State != "open" || len(after.Comments) != 0 {
		t.Errorf("updated issue: state %s, comments %q", after.State, after.Comments)
	}
	if n := len(e.requests("POST", "/repos/acme/.github/issues")); n != 1 {
		t.Errorf("%d issue creations, want 1", n)
	}

	// Someone reads the issue and closes it; a late retry updates it but does not reopen it.
	if _, err := e.app.GitHub.UpdateIssue(context.Background(), 7, githubapp.Repo{Owner: "acme", Name: ".github"}, first.Issue, "", "", "closed"); err != nil {
		t.Fatal(err)
	}
	if third := e.publish(t, 7, sumWeek); third.Issue != first.Issue || third.Created {
		t.Errorf("third run: issue #%d created=%v, want #%d updated", third.Issue, third.Created, first.Issue)
	}
	if issues := e.gh.Issues("acme/.github"); len(issues) != 1 || issues[0].State != "closed" {
		t.Errorf("after a retry of a closed week: %d issues, state %q; want the one issue, still closed", len(issues), issues[0].State)
	}
}

func testSummaryMoves(t *testing.T, open func(t *testing.T) store.Store) {
	e := newSumEnv(t, open(t))
	sumSeedAcme(t, e.st)
	sumAddAcme(e.gh)
	e.gh.AddRepo(7, fakegithub.Repo{Owner: "acme", Name: "security"})
	w47 := e.publish(t, 7, sumWeek)

	// Mid-week the organisation names another repository for its summaries.
	inst, err := e.st.GetInstallation(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	inst.SummaryRepo = "acme/security"
	if err := e.st.PutInstallation(context.Background(), inst); err != nil {
		t.Fatal(err)
	}
	// The week's issue stays where it was opened: a retry updates it there.
	if again := e.publish(t, 7, sumWeek); again.Repo != "acme/.github" || again.Issue != w47.Issue || again.Created {
		t.Errorf("retry after the move: %+v, want acme/.github#%d updated", again, w47.Issue)
	}
	if n := len(e.gh.Issues("acme/security")); n != 0 {
		t.Fatalf("the retry wrote %d issues to acme/security", n)
	}
	// The next week opens in the new repository (its first issue has the same number as the
	// old one's) and closes the old one with a link across repositories.
	w48 := e.publish(t, 7, "2026-W48")
	if w48.Repo != "acme/security" || !w48.Created {
		t.Fatalf("W48: %+v, want a new issue in acme/security", w48)
	}
	url := e.record(t, 7, "2026-W48").URL
	old := e.issue(t, "acme/.github", w47.Issue)
	if want := []string{"Superseded by this week's summary: " + url}; old.State != "closed" || !slices.Equal(old.Comments, want) {
		t.Errorf("W47's issue in acme/.github: state %s, comments %q; want closed with %q", old.State, old.Comments, want)
	}
	if !strings.Contains(url, "/acme/security/issues/") {
		t.Errorf("W48's URL %q is not in acme/security", url)
	}
}

func testSummaryClosesEarlier(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		// before publishes the earlier weeks; earlier is the week whose issue W47 must close.
		before  []string
		skip    bool // SkipEmptySummaries while publishing before
		earlier string
	}{
		{"last week's", []string{sumLastWeek}, false, sumLastWeek},
		{"two weeks ago, the empty week between skipped", []string{"2026-W45", sumLastWeek}, true, "2026-W45"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSumEnv(t, open(t))
			sumSeedAcme(t, e.st)
			sumAddAcme(e.gh)
			e.app.SkipEmptySummaries = tt.skip
			var old app.SummaryResult
			for _, w := range tt.before {
				if res := e.publish(t, 7, w); w == tt.earlier {
					old = res
				} else if res.Issue != 0 {
					t.Fatalf("%s was published (#%d), want it skipped as empty", w, res.Issue)
				}
			}
			e.app.SkipEmptySummaries = false
			cur := e.publish(t, 7, sumWeek)
			url := e.record(t, 7, sumWeek).URL
			if url == "" {
				t.Fatal("the week's record has no issue URL")
			}
			prev := e.issue(t, "acme/.github", old.Issue)
			wantComments := []string{"Superseded by this week's summary: " + url}
			if prev.State != "closed" || !slices.Equal(prev.Comments, wantComments) {
				t.Errorf("%s's issue #%d: state %s, comments %q; want closed with %q", tt.earlier, prev.Number, prev.State, prev.Comments, wantComments)
			}
			if now := e.issue(t, "acme/.github", cur.Issue); now.State != "open" || len(now.Comments) != 0 {
				t.Errorf("this week's issue: state %s, comments %q", now.State, now.Comments)
			}

			// A rerun of the week neither comments again nor reopens anything.
			e.publish(t, 7, sumWeek)
			if again := e.issue(t, "acme/.github", old.Issue); again.State != "closed" || len(again.Comments) != 1 {
				t.Errorf("after a rerun, %s's issue: state %s, %d comments; want closed with 1", tt.earlier, again.State, len(again.Comments))
			}
			if open := e.openSummaries("acme/.github", "acme", sumWeek); len(open) != 1 || open[0].Number != cur.Issue {
				t.Errorf("open W47 summaries %v, want only #%d", open, cur.Issue)
			}
		})
	}
}

func testSummaryUnwritable(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name        string
		summaryRepo string // the installation's configured repository
		repos       []fakegithub.Repo
		wantReason  string
	}{
		{"issues disabled on .github", "", []fakegithub.Repo{{Owner: "globex", Name: ".github", IssuesDisabled: true}, {Owner: "globex", Name: "web"}},
			"no repository where the App can open issues: tried globex/.github (issues disabled, or archived)"},
		{".github archived", "", []fakegithub.Repo{{Owner: "globex", Name: ".github", Archived: true}, {Owner: "globex", Name: "web"}},
			"no repository where the App can open issues: tried globex/.github (issues disabled, or archived)"},
		{"no .github repository", "", []fakegithub.Repo{{Owner: "globex", Name: "web"}},
			"no repository where the App can open issues: tried globex/.github (missing, or the App is not installed on it)"},
		{"the configured repository archived and no .github", "globex/security", []fakegithub.Repo{{Owner: "globex", Name: "security", Archived: true}, {Owner: "globex", Name: "web"}},
			"no repository where the App can open issues: tried globex/security (issues disabled, or archived), globex/.github (missing, or the App is not installed on it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSumEnv(t, open(t))
			sumSeedAcme(t, e.st)
			sumAddAcme(e.gh)
			g := sumSeeder{t: t, st: e.st, inst: 8}
			g.installation("globex", tt.summaryRepo, "globex/web")
			g.pr("globex/web", 5, "web-5", sumWeekStart.Add(30*time.Hour), 50, "failure", nil, sumFound(sumRuleSQL, "db.go", 7, "new"))
			e.gh.AddInstallation(fakegithub.Installation{ID: 8, Account: "globex"})
			for _, r := range tt.repos {
				e.gh.AddRepo(8, r)
			}

			results, err := e.app.PublishSummaries(context.Background(), sumWeek)
			if err != nil {
				t.Fatalf("PublishSummaries: %v (an organisation with nowhere to write must not fail the run)", err)
			}
			byInst := map[int64]app.SummaryResult{}
			for _, r := range results {
				byInst[r.InstallationID] = r
			}
			if len(results) != 2 {
				t.Fatalf("results %+v, want one per installation", results)
			}
			if acme := byInst[7]; acme.Skipped != "" || !acme.Created || acme.Repo != "acme/.github" || len(e.openSummaries("acme/.github", "acme", sumWeek)) != 1 {
				t.Errorf("acme: %+v, want its issue published in acme/.github", acme)
			}
			want := app.SummaryResult{InstallationID: 8, Org: "globex", Skipped: tt.wantReason}
			if d := cmp.Diff(want, byInst[8]); d != "" {
				t.Errorf("globex (-want +got):\n%s", d)
			}
			for _, r := range tt.repos {
				if n := len(e.gh.Issues(r.FullName())); n != 0 {
					t.Errorf("%s got %d issues", r.FullName(), n)
				}
			}
			if n := len(e.requests("POST", "/repos/globex/.*")); n != 0 {
				t.Errorf("%d writes to globex's repositories, want none", n)
			}
			// The reason is logged, with the installation's fixed keys.
			var logged []map[string]any
			for _, rec := range e.logs.records(t) {
				if rec["msg"] == "summary skipped" {
					logged = append(logged, rec)
				}
			}
			if len(logged) != 1 || logged[0]["level"] != "WARN" || logged[0]["installation_id"] != float64(8) ||
				logged[0]["org"] != "globex" || logged[0]["week"] != sumWeek || logged[0]["reason"] != tt.wantReason {
				t.Errorf("skip log records %v, want one WARN for installation 8 with the reason", logged)
			}
			if _, err := e.st.GetSummaryIssue(context.Background(), 8, sumWeek); err == nil {
				t.Error("a skipped organisation has a summary record")
			}
		})
	}
}

func testSummaryGitHubFailure(t *testing.T, open func(t *testing.T) store.Store) {
	e := newSumEnv(t, open(t))
	sumSeedAcme(t, e.st)
	sumAddAcme(e.gh)
	// GitHub answers 502 to every attempt (the client makes 3) at listing the installation's
	// repositories: the run must fail so the schedule retries, not report the org as skipped.
	e.gh.FailNext("GET", "/installation/repositories", 502, 3, nil)
	res, err := e.app.PublishSummary(context.Background(), 7, sumWeek)
	if err == nil || res.Skipped != "" {
		t.Fatalf("PublishSummary under a GitHub outage = %+v, %v; want an error and no skip", res, err)
	}
	if n := len(e.gh.Issues("acme/.github")); n != 0 {
		t.Fatalf("%d issues opened during the outage", n)
	}
	// The retry publishes.
	if res := e.publish(t, 7, sumWeek); !res.Created || len(e.openSummaries("acme/.github", "acme", sumWeek)) != 1 {
		t.Errorf("retry: %+v", res)
	}
}

func testSummaryEmptyWeek(t *testing.T, open func(t *testing.T) store.Store) {
	// 2026-W49: nothing happened, but the chart still reaches back to W45 and W47.
	const week = "2026-W49"
	tests := []struct {
		name      string
		skipEmpty bool
	}{
		{"a short nothing-new issue", false},
		{"no issue with SkipEmptySummaries", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSumEnv(t, open(t))
			sumSeedAcme(t, e.st)
			sumAddAcme(e.gh)
			e.app.SkipEmptySummaries = tt.skipEmpty
			res := e.publish(t, 7, week)
			if tt.skipEmpty {
				want := app.SummaryResult{InstallationID: 7, Org: "acme", Skipped: "nothing new this week"}
				if d := cmp.Diff(want, res); d != "" {
					t.Errorf("result (-want +got):\n%s", d)
				}
				if n := len(e.gh.Issues("acme/.github")); n != 0 {
					t.Errorf("%d issues for an empty week with SkipEmptySummaries", n)
				}
				if n := len(e.gh.Requests()); n != 0 {
					t.Errorf("%d requests to GitHub for a skipped week, want none", n)
				}
				return
			}
			if !res.Created {
				t.Fatalf("result %+v, want an issue", res)
			}
			body := e.issue(t, "acme/.github", res.Issue).Body
			sumHasLines(t, body,
				"# fourc weekly security summary — acme — 2026-W49",
				"**2026-11-30 to 2026-12-06** · 4 repositories · 0 pull requests scanned",
				"Nothing new this week: no pull request introduced or fixed a finding, and every scan was complete.",
				"| New in pull requests | 0 | 0 | 0 | 0 | 0 | **0** |",
				"| Fixed by pull requests | 0 | 0 | 0 | 0 | 0 | **0** |",
				"| Open on default branches | 0 | 1 | 1 | 0 | 0 | **2** |",
			)
			// Short: the totals, the chart and what to do about the open findings; no breakdowns.
			var sections []string
			for _, l := range strings.Split(body, "\n") {
				if strings.HasPrefix(l, "## ") {
					sections = append(sections, l)
				}
			}
			if want := []string{"## Trend, last 8 weeks", "## What to do first"}; !slices.Equal(sections, want) {
				t.Errorf("the nothing-new issue's sections are %q, want %q", sections, want)
			}
			sumHasLines(t, body, "1. Plan the open **high** `aws-sg-open-ssh` in acme/infra (net/sg.tf:9): Restrict the CIDR.")
			if lines := strings.Count(body, "\n"); lines > 35 {
				t.Errorf("the nothing-new issue has %d lines; it should be short", lines)
			}
			c := sumParseChart(t, body)
			if !slices.Equal(c.bar, []int{0, 0, 0, 1, 0, 2, 0, 0}) || !slices.Equal(c.line, []int{0, 0, 0, 0, 0, 1, 0, 0}) || c.labels[7] != "W49" {
				t.Errorf("chart %+v, want W42..W49 with W45 and W47's counts", c)
			}
		})
	}
}

func testSummaryCrashRecovery(t *testing.T, open func(t *testing.T) store.Store) {
	title := app.SummaryTitle("acme", sumWeek)
	tests := []struct {
		name   string
		left   fakegithub.Issue // what the crashed run, or someone else, left in acme/.github
		adopts bool
	}{
		{"the issue with its title and label is adopted", fakegithub.Issue{Title: title, Body: "(a run crashed here)", Labels: []string{app.SummaryLabel}}, true},
		{"a copy without the label is someone else's", fakegithub.Issue{Title: title, Body: "my notes"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSumEnv(t, open(t))
			sumSeedAcme(t, e.st)
			sumAddAcme(e.gh)
			left := e.gh.AddIssue("acme/.github", tt.left)

			res := e.publish(t, 7, sumWeek)
			issues := e.gh.Issues("acme/.github")
			if tt.adopts {
				if res.Issue != left || res.Created || len(issues) != 1 {
					t.Fatalf("result %+v with %d issues; want #%d updated, no new issue", res, len(issues), left)
				}
				if d := cmp.Diff(sumGoldenText(t), issues[0].Body); d != "" {
					t.Errorf("adopted issue body (-want +got):\n%s", d)
				}
			} else {
				if res.Issue == left || !res.Created || len(issues) != 2 {
					t.Fatalf("result %+v with %d issues; want a new issue beside #%d", res, len(issues), left)
				}
				if other := e.issue(t, "acme/.github", left); other.Body != "my notes" || other.State != "open" {
					t.Errorf("someone else's issue was changed: %+v", other)
				}
			}
			if rec := e.record(t, 7, sumWeek); rec.Number != res.Issue {
				t.Errorf("store records #%d, want #%d", rec.Number, res.Issue)
			}
			if n := len(e.openSummaries("acme/.github", "acme", sumWeek)); n != 1 {
				t.Errorf("%d open summary issues for the week, want 1", n)
			}
		})
	}
}

// sumCreateBarrier holds CreateIssue until n calls wait in it, so that concurrent runs both miss
// each other's issue, as two firings of the schedule a moment apart can.
type sumCreateBarrier struct {
	githubapp.GitHub
	n       int
	mu      sync.Mutex
	waiting int
	release chan struct{}
}

func (b *sumCreateBarrier) CreateIssue(ctx context.Context, inst int64, repo githubapp.Repo, title, body string, labels []string) (githubapp.Issue, error) {
	b.mu.Lock()
	if b.waiting++; b.waiting == b.n {
		close(b.release)
	}
	b.mu.Unlock()
	select {
	case <-b.release:
	case <-time.After(10 * time.Second): // the assertions then report that the runs did not meet
	case <-ctx.Done():
	}
	return b.GitHub.CreateIssue(ctx, inst, repo, title, body, labels)
}

func testSummaryDoubleFire(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		// bothCreate holds both runs at CreateIssue, so both open an issue and the store's
		// conditional write decides.
		bothCreate bool
	}{
		{"the runs overlap freely", false},
		{"both runs open an issue", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSumEnv(t, open(t))
			sumSeedAcme(t, e.st)
			sumAddAcme(e.gh)
			last := e.publish(t, 7, sumLastWeek)
			if tt.bothCreate {
				e.app.GitHub = &sumCreateBarrier{GitHub: e.app.GitHub, n: 2, release: make(chan struct{})}
			}
			var wg sync.WaitGroup
			results := make([]app.SummaryResult, 2)
			errs := make([]error, 2)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i], errs[i] = e.app.PublishSummary(context.Background(), 7, sumWeek)
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("run %d: %v", i, err)
				}
			}
			open := e.openSummaries("acme/.github", "acme", sumWeek)
			if len(open) != 1 {
				t.Fatalf("%d open summary issues for the week after a double fire, want 1: %+v", len(open), open)
			}
			rec := e.record(t, 7, sumWeek)
			if results[0].Issue != open[0].Number || results[1].Issue != open[0].Number || rec.Number != open[0].Number {
				t.Errorf("results name #%d and #%d, the store #%d; the open issue is #%d", results[0].Issue, results[1].Issue, rec.Number, open[0].Number)
			}
			if d := cmp.Diff(sumGoldenText(t), open[0].Body); d != "" {
				t.Errorf("open issue body (-want +got):\n%s", d)
			}
			prev := e.issue(t, "acme/.github", last.Issue)
			if prev.State != "closed" || len(prev.Comments) == 0 || !strings.HasSuffix(prev.Comments[0], "/acme/.github/issues/"+strconv.Itoa(open[0].Number)) {
				t.Errorf("last week's issue: state %s, comments %q; want closed with a link to #%d", prev.State, prev.Comments, open[0].Number)
			}
			if tt.bothCreate {
				var created int
				for _, r := range results {
					if r.Created {
						created++
					}
				}
				all := e.gh.Issues("acme/.github")
				if created != 1 || len(all) != 3 { // last week's, the winner, the closed duplicate
					t.Errorf("%d runs report creating; %d issues in the repository; want 1 and 3", created, len(all))
				}
				// Only the run that won writes to last week's issue.
				if len(prev.Comments) != 1 {
					t.Errorf("last week's issue has %d comments, want 1: %q", len(prev.Comments), prev.Comments)
				}
			}
		})
	}
}

func testSummaryManyRepos(t *testing.T, open func(t *testing.T) store.Store) {
	e := newSumEnv(t, open(t))
	const n = 300
	// bigco's .github is archived; the configured repository sorts last, on the third page of
	// the installation's repositories.
	s := sumSeeder{t: t, st: e.st, inst: 9}
	names := []string{"bigco/.github"}
	for i := range n - 1 {
		names = append(names, fmt.Sprintf("bigco/svc-%03d", i))
	}
	s.installation("bigco", "bigco/svc-298", names...)
	e.gh.AddInstallation(fakegithub.Installation{ID: 9, Account: "bigco"})
	for _, full := range names {
		_, name, _ := strings.Cut(full, "/")
		e.gh.AddRepo(9, fakegithub.Repo{Owner: "bigco", Name: name, Archived: name == ".github"})
	}
	// Every 25th service has an open finding on its default branch; twelve pull requests this
	// week each add one.
	for i := 0; i < n-1; i += 25 {
		repo := names[i+1]
		s.branch(repo, repo+"-main", sumWeekStart.AddDate(0, 0, -3), sumFound(sumRuleRoot, "Dockerfile", 1, "new"))
	}
	for i := range 12 {
		repo := names[1+i*20]
		s.pr(repo, 100+i, fmt.Sprintf("%s-pr", repo), sumWeekStart.Add(time.Duration(i+1)*time.Hour), int64(1000+i), "failure", nil,
			sumFound(sumRuleSQL, "main.go", 10+i, "new"))
	}
	// GitHub asks for a pause on the first page; the client waits as told and goes on.
	e.gh.FailNext("GET", "/installation/repositories", 429, 1, map[string]string{"Retry-After": "3"})

	res := e.publish(t, 9, sumWeek)
	if res.Repo != "bigco/svc-298" || !res.Created {
		t.Fatalf("result %+v, want an issue in bigco/svc-298", res)
	}
	pages := map[string]bool{}
	for _, r := range e.requests("GET", "/installation/repositories") {
		q, _ := url.ParseQuery(r.Query)
		if r.Status == 200 {
			pages[q.Get("page")] = true
			if q.Get("per_page") != "100" {
				t.Errorf("repositories listed %s per page, want 100", q.Get("per_page"))
			}
		}
	}
	if !pages[""] || !pages["2"] || !pages["3"] || len(pages) != 3 {
		t.Errorf("pages of repositories read: %v, want 1 to 3", pages)
	}
	e.mu.Lock()
	sleeps := slices.Clone(e.sleeps)
	e.mu.Unlock()
	if !slices.Equal(sleeps, []time.Duration{3 * time.Second}) {
		t.Errorf("waits %v, want the 3 s GitHub asked for", sleeps)
	}
	body := e.issue(t, "bigco/svc-298", res.Issue).Body
	sumHasLines(t, body,
		"**2026-11-16 to 2026-11-22** · 300 repositories · 12 pull requests scanned",
		"| New in pull requests | 0 | 12 | 0 | 0 | 0 | **12** |",
		"| Open on default branches | 0 | 0 | 12 | 0 | 0 | **12** |",
	)
	if rows := strings.Count(sumSection(body, "## Top repositories"), "| [bigco/"); rows != 10 {
		t.Errorf("top repositories lists %d, want 10", rows)
	}
	sumParseChart(t, body)
}

// sumConcurrency counts how many installations list their repositories at once.
type sumConcurrency struct {
	githubapp.GitHub
	mu        sync.Mutex
	now, most int
}

func (c *sumConcurrency) InstallationRepos(ctx context.Context, inst int64) ([]githubapp.RepoInfo, error) {
	c.mu.Lock()
	c.now++
	c.most = max(c.most, c.now)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.now--
		c.mu.Unlock()
	}()
	time.Sleep(20 * time.Millisecond) // long enough for the others to pile up, if they may
	return c.GitHub.InstallationRepos(ctx, inst)
}

func testSummaryManyOrgs(t *testing.T, open func(t *testing.T) store.Store) {
	e := newSumEnv(t, open(t))
	const orgs = 10
	for i := range orgs {
		id, org := int64(100+i), fmt.Sprintf("org%02d", i)
		sumSeeder{t: t, st: e.st, inst: id}.installation(org, "", org+"/.github")
		e.gh.AddInstallation(fakegithub.Installation{ID: id, Account: org})
		e.gh.AddRepo(id, fakegithub.Repo{Owner: org, Name: ".github"})
	}
	counter := &sumConcurrency{GitHub: e.app.GitHub}
	e.app.GitHub = counter
	results, err := e.app.PublishSummaries(context.Background(), sumWeek)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		org := fmt.Sprintf("org%02d", i)
		if r.Org != org || !r.Created || len(e.openSummaries(org+"/.github", org, sumWeek)) != 1 {
			t.Errorf("result %d: %+v, want %s's issue", i, r, org)
		}
	}
	if counter.most > 4 {
		t.Errorf("%d installations worked on at once, want at most 4", counter.most)
	}
}

// sumSection returns the Markdown from heading to the next heading.
func sumSection(md, heading string) string {
	_, rest, ok := strings.Cut(md, heading+"\n")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		return rest[:i]
	}
	return rest
}

// ---- fourc summary ----

func TestSummaryCommand(t *testing.T) {
	data := t.TempDir()
	st, err := bolt.Open(filepath.Join(data, "fourc.db"))
	if err != nil {
		t.Fatal(err)
	}
	sumSeedAcme(t, st)
	sumSeeder{t: t, st: st, inst: 8}.installation("globex", "")
	st.Close() // as after fourc serve stopped: the command opens the store itself
	golden := sumGoldenText(t)
	empty := t.TempDir()

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string // a substring
	}{
		{"the week's Markdown", []string{"summary", "--data", data, "--org", "acme", "--week", sumWeek}, cli.ExitClean, golden, ""},
		{"the organisation in another case", []string{"summary", "--data", data, "--org", "ACME", "--week", sumWeek}, cli.ExitClean, golden, ""},
		{"unknown organisation", []string{"summary", "--data", data, "--org", "initech", "--week", sumWeek}, cli.ExitError, "",
			`no installation for "initech" in ` + data + ` (known: acme, globex)`},
		{"a week that does not exist", []string{"summary", "--data", data, "--org", "acme", "--week", "2025-W53"}, cli.ExitError, "", "--week: week \"2025-W53\" does not exist"},
		{"a week not in ISO form", []string{"summary", "--data", data, "--org", "acme", "--week", "2026-47"}, cli.ExitError, "", "is not an ISO week like 2026-W47"},
		{"the week as an argument", []string{"summary", "--data", data, "--org", "acme", sumWeek}, cli.ExitError, "", `unexpected argument "2026-W47"`},
		{"no --org", []string{"summary", "--data", data}, cli.ExitError, "", "summary needs --org"},
		{"no store in --data", []string{"summary", "--data", empty, "--org", "acme"}, cli.ExitError, "", "no store in " + empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runSummaryCLI(tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tt.wantCode, stderr)
			}
			if d := cmp.Diff(tt.wantStdout, stdout); d != "" {
				t.Errorf("stdout (-want +got):\n%s", d)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.wantStderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(empty, "fourc.db")); !os.IsNotExist(err) {
		t.Errorf("fourc summary created a store in an empty --data directory (stat: %v)", err)
	}

	// Without --week: the last complete ISO week.
	t.Run("the default week is the last complete one", func(t *testing.T) {
		before := store.ISOWeek(time.Now().AddDate(0, 0, -7))
		stdout, stderr, code := runSummaryCLI("summary", "--data", data, "--org", "acme")
		after := store.ISOWeek(time.Now().AddDate(0, 0, -7))
		if code != cli.ExitClean {
			t.Fatalf("exit code %d; stderr: %s", code, stderr)
		}
		if !strings.HasPrefix(stdout, "# "+app.SummaryTitle("acme", before)+"\n") && !strings.HasPrefix(stdout, "# "+app.SummaryTitle("acme", after)+"\n") {
			t.Errorf("default week: output starts %q, want week %s", strings.SplitN(stdout, "\n", 2)[0], before)
		}
	})
}

func runSummaryCLI(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = cli.Main(args, cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Version: "test"})
	return out.String(), errOut.String(), code
}

// TestReadmeSummaryExample keeps the README's example summary true: every line of it is a
// line of the golden Markdown, in the same order ("…" marks what it leaves out), and its chart
// is the golden chart.
func TestReadmeSummaryExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "````markdown\n")
	if !ok {
		t.Fatal("README.md has no ````markdown example of the weekly summary")
	}
	example, _, ok := strings.Cut(rest, "\n````\n")
	if !ok {
		t.Fatal("the README's example is not closed")
	}
	golden := strings.Split(sumGoldenText(t), "\n")
	i := 0
	for _, line := range strings.Split(example, "\n") {
		if line == "…" {
			continue
		}
		for i < len(golden) && golden[i] != line {
			i++
		}
		if i == len(golden) {
			t.Fatalf("README example line %q is not in %s (or is out of order); regenerate the example from it", line, sumGolden)
		}
		i++
	}
	want := sumParseChart(t, sumGoldenText(t))
	if d := cmp.Diff(want, sumParseChart(t, example+"\n"), cmp.AllowUnexported(sumChart{})); d != "" {
		t.Errorf("README chart (-golden +readme):\n%s", d)
	}
}

// TestSummaryPartialScans: a partial scan is reported while it is the latest of its pull request
// or default branch; a later complete push supersedes it.
func TestSummaryPartialScans(t *testing.T) {
	tests := []struct {
		name  string
		scans func(s sumSeeder)
		want  []app.PartialScan
	}{
		{
			name: "a partial push followed by a complete one",
			scans: func(s sumSeeder) {
				s.pr("acme/api", 20, "p1", sumWeekStart.Add(time.Hour), 1, "neutral", []string{"timeout"})
				s.pr("acme/api", 20, "p2", sumWeekStart.Add(2*time.Hour), 2, "success", nil)
			},
		},
		{
			name: "a complete push followed by a partial one",
			scans: func(s sumSeeder) {
				s.pr("acme/api", 20, "p1", sumWeekStart.Add(time.Hour), 1, "success", nil)
				s.pr("acme/api", 20, "p2", sumWeekStart.Add(2*time.Hour), 2, "neutral", []string{"timeout"})
			},
			want: []app.PartialScan{{Repo: "acme/api", PR: 20, SHA: fakegithub.SHA("p2"), Reasons: []string{"timeout"}}},
		},
		{
			name: "two partial pushes count once",
			scans: func(s sumSeeder) {
				s.pr("acme/api", 20, "p1", sumWeekStart.Add(time.Hour), 1, "neutral", []string{"timeout"})
				s.pr("acme/api", 20, "p2", sumWeekStart.Add(2*time.Hour), 2, "neutral", []string{"archive too large"})
			},
			want: []app.PartialScan{{Repo: "acme/api", PR: 20, SHA: fakegithub.SHA("p2"), Reasons: []string{"archive too large"}}},
		},
		{
			name: "a default branch rescanned completely",
			scans: func(s sumSeeder) {
				s.branch("acme/api", "m1", sumWeekStart.Add(time.Hour))
				s.branch("acme/api", "m2", sumWeekStart.Add(2*time.Hour))
				// The first scan was partial: rewrite it as such, keeping its time.
				sc, err := s.st.GetScan(context.Background(), store.ScanKey{Repo: "acme/api", SHA: fakegithub.SHA("m1"), Variant: "full-0a1b2c3d4e5f-cfg0"})
				s.must(err)
				sc.Partial = []string{"timeout"}
				s.must(s.st.PutScan(context.Background(), sc))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			s := sumSeeder{t: t, st: st, inst: 7}
			s.installation("acme", "", "acme/api")
			tt.scans(s)
			sum, err := (&app.App{Store: st}).Summarize(context.Background(), 7, sumWeek)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, sum.Partial); d != "" {
				t.Errorf("partial scans (-want +got):\n%s", d)
			}
			if sum.Empty() != (len(tt.want) == 0) {
				t.Errorf("Empty() = %v with partial scans %v", sum.Empty(), tt.want)
			}
		})
	}
}

// TestSummaryCellsStayValidUTF8: text from repositories is cut to fit a table cell without
// splitting a character.
func TestSummaryCellsStayValidUTF8(t *testing.T) {
	for _, reason := range []string{strings.Repeat("é", 400), strings.Repeat("a", 299) + strings.Repeat("漢", 10), strings.Repeat("🔒", 100)} {
		f := sumFound(sumRuleRoot, "Dockerfile", 1, "new")
		s := &app.WeekSummary{Org: "acme", Week: sumWeek, Suppressed: []app.SummaryFinding{{Finding: f.Finding, Repo: "acme/api", SuppressedReason: reason}}}
		md := app.RenderSummary(s, "https://github.com", "test")
		if !utf8.ValidString(md) {
			t.Errorf("a %d-byte reason made invalid UTF-8", len(reason))
		}
		if !strings.Contains(md, "…") {
			t.Errorf("a %d-byte reason was not shortened", len(reason))
		}
	}
}

func TestSummaryLinksFollowTheGitHubInUse(t *testing.T) {
	tests := []struct{ api, web string }{
		{"", "https://github.com"},
		{"https://api.github.com", "https://github.com"},
		{"https://api.github.com/", "https://github.com"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
	}
	for _, tt := range tests {
		if got := app.WebURLForAPI(tt.api); got != tt.web {
			t.Errorf("WebURLForAPI(%q) = %q, want %q", tt.api, got, tt.web)
		}
	}
}
