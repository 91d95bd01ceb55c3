package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

var ruleBad = finding.Rule{
	ID: "test-bad-word", Title: "Bad word", Layer: finding.Code, Severity: finding.High,
	Description: "The word BAD appears.", Remediation: "Remove it.",
}

var ruleCluster = finding.Rule{
	ID: "test-cluster", Title: "Cluster thing", Layer: finding.Cluster, Severity: finding.Medium,
	Description: "A cluster finding.", Remediation: "Fix it.",
}

// wordScanner reports every line containing BAD, the way a real line-oriented rule does.
type wordScanner struct{}

func (wordScanner) Name() string          { return "word" }
func (wordScanner) Rules() []finding.Rule { return []finding.Rule{ruleBad, ruleCluster} }
func (wordScanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	res := &engine.Result{}
	for _, f := range req.Tree.Files {
		data, err := req.Tree.ReadFile(f.Path)
		if err != nil {
			res.Diagnostics = append(res.Diagnostics, engine.Diagnostic{Path: f.Path, Message: err.Error()})
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			if col := strings.Index(line, "BAD"); col >= 0 {
				res.Findings = append(res.Findings, ruleBad.New(f.Path, i+1, col+1, "BAD found"))
			}
			if col := strings.Index(line, "POD"); col >= 0 {
				res.Findings = append(res.Findings, ruleCluster.New(f.Path, i+1, col+1, "POD found"))
			}
		}
	}
	return res, nil
}

// requestSpy is wordScanner keeping the request it was given.
type requestSpy struct {
	wordScanner
	req *engine.Request
}

func (s *requestSpy) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	s.req = req
	return s.wordScanner.Scan(ctx, req)
}

// scannerFunc adapts a function, for scanners that misbehave.
type scannerFunc func(ctx context.Context, req *engine.Request) (*engine.Result, error)

func (scannerFunc) Name() string          { return "misbehaving" }
func (scannerFunc) Rules() []finding.Rule { return nil }
func (f scannerFunc) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	return f(ctx, req)
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type shown struct {
	Path   string
	Line   int
	Rule   string
	Status engine.Status
}

func summarize(items []engine.Item) []shown {
	var out []shown
	for _, it := range items {
		out = append(out, shown{it.Path, it.StartLine, it.RuleID, it.Status})
	}
	return out
}

func TestRunClassifiesAgainstBaselineAndDiff(t *testing.T) {
	ctx := context.Background()
	base := writeTree(t, map[string]string{
		"a.txt":    "ok\nBAD one\nok\n",
		"old.txt":  "BAD renamed later\n",
		"gone.txt": "BAD fixed by the change\n",
	})
	head := writeTree(t, map[string]string{
		"a.txt":   "new line above\nok\nBAD one\nok\nBAD two\n",
		"new.txt": "BAD renamed later\n",
	})
	baseRep, err := engine.Run(ctx, base, engine.Options{Scanners: []engine.Scanner{wordScanner{}}, Mode: engine.All})
	if err != nil {
		t.Fatal(err)
	}
	var baseline []finding.Finding
	for _, it := range baseRep.Items {
		baseline = append(baseline, it.Finding)
	}
	d := diff.New()
	d.Add("a.txt", 1, 1)
	d.Add("a.txt", 5, 5)
	d.Deleted = []string{"gone.txt"}
	d.AddWhole("new.txt")
	d.Files["new.txt"].OldPath = "old.txt"
	d.Files["new.txt"].Whole = false

	tests := []struct {
		mode engine.Mode
		want []shown
	}{
		{engine.NewOnChangedLines, []shown{{"a.txt", 5, "test-bad-word", engine.StatusNew}}},
		{engine.AllNew, []shown{{"a.txt", 5, "test-bad-word", engine.StatusNew}}},
		{engine.All, []shown{
			{"a.txt", 3, "test-bad-word", engine.StatusExisting},
			{"a.txt", 5, "test-bad-word", engine.StatusNew},
			{"new.txt", 1, "test-bad-word", engine.StatusExisting},
		}},
	}
	for _, tt := range tests {
		rep, err := engine.Run(ctx, head, engine.Options{Scanners: []engine.Scanner{wordScanner{}}, Diff: d, Baseline: baseline, Mode: tt.mode})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, summarize(rep.Shown())); diff != "" {
			t.Errorf("mode %d shown (-want +got):\n%s", tt.mode, diff)
		}
		if len(rep.Fixed) != 1 || rep.Fixed[0].Path != "gone.txt" {
			t.Errorf("mode %d fixed = %v, want the finding in gone.txt", tt.mode, rep.Fixed)
		}
		if !rep.Failed() {
			t.Errorf("mode %d: a new high finding must fail the run", tt.mode)
		}
	}
}

// A scanner that skips files the diff did not touch leaves their baseline findings unmatched;
// they are not fixed.
func TestUntouchedFilesFindingsAreNotFixed(t *testing.T) {
	ctx := context.Background()
	base := writeTree(t, map[string]string{"a.txt": "BAD\n", "b.txt": "BAD\n"})
	head := writeTree(t, map[string]string{"a.txt": "fine\n", "b.txt": "BAD\n"})
	baseRep, err := engine.Run(ctx, base, engine.Options{Scanners: []engine.Scanner{wordScanner{}}, Mode: engine.All})
	if err != nil {
		t.Fatal(err)
	}
	var baseline []finding.Finding
	for _, it := range baseRep.Items {
		baseline = append(baseline, it.Finding)
	}
	d := diff.New()
	d.Add("a.txt", 1, 1)
	onlyChanged := scannerFunc(func(ctx context.Context, req *engine.Request) (*engine.Result, error) {
		return &engine.Result{}, nil // reports nothing anywhere, as if it skipped b.txt
	})
	rep, err := engine.Run(ctx, head, engine.Options{Scanners: []engine.Scanner{onlyChanged}, Diff: d, Baseline: baseline})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Fixed) != 1 || rep.Fixed[0].Path != "a.txt" {
		t.Errorf("fixed = %v, want only a.txt's finding (b.txt was not touched)", rep.Fixed)
	}
}

// With DiffFilesOnly the scanners are told, and findings outside the diff's files are dropped.
func TestDiffFilesOnly(t *testing.T) {
	head := writeTree(t, map[string]string{"a.txt": "BAD\n", "b.txt": "BAD\n"})
	d := diff.New()
	d.Add("a.txt", 1, 1)
	for _, focus := range []bool{false, true} {
		spy := &requestSpy{}
		rep, err := engine.Run(context.Background(), head, engine.Options{Scanners: []engine.Scanner{spy}, Diff: d, Mode: engine.All, DiffFilesOnly: focus})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, it := range rep.Items {
			paths = append(paths, it.Path)
		}
		want := []string{"a.txt", "b.txt"}
		if focus {
			want = []string{"a.txt"}
		}
		if spy.req.DiffFilesOnly != focus || !slices.Equal(paths, want) {
			t.Errorf("DiffFilesOnly %v: scanner told %v, findings in %q; want %q", focus, spy.req.DiffFilesOnly, paths, want)
		}
	}
}

func TestFingerprintSurvivesUnrelatedLineMoves(t *testing.T) {
	ctx := context.Background()
	opts := engine.Options{Scanners: []engine.Scanner{wordScanner{}}, Mode: engine.All}
	before, err := engine.Run(ctx, writeTree(t, map[string]string{"f.go": "BAD\n\tBAD x\n"}), opts)
	if err != nil {
		t.Fatal(err)
	}
	after, err := engine.Run(ctx, writeTree(t, map[string]string{"f.go": "// moved\n\n\nBAD\n        BAD x\n"}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Items) != 2 || len(after.Items) != 2 {
		t.Fatalf("want 2 findings on each side, got %d and %d", len(before.Items), len(after.Items))
	}
	for i := range before.Items {
		if before.Items[i].Fingerprint != after.Items[i].Fingerprint {
			t.Errorf("finding %d changed fingerprint after lines moved and re-indented", i)
		}
	}
	if before.Items[0].Fingerprint == before.Items[1].Fingerprint {
		t.Error("two different lines share a fingerprint")
	}
}

func TestSuppressions(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.txt": strings.Join([]string{
			"BAD // fourc:ignore test-bad-word -- fixture data, never deployed",
			"// fourc:ignore test-bad-word",
			"BAD without a reason",
			"# fourc:ignore test-cluster -- stale",
			"BAD not covered by the cluster rule",
			"BAD twice // fourc:ignore test-bad-word -- first of two consecutive lines",
			"BAD twice // fourc:ignore test-bad-word -- second of two consecutive lines",
		}, "\n"),
	})
	rep, err := engine.Run(context.Background(), dir, engine.Options{Scanners: []engine.Scanner{wordScanner{}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []shown{
		{"a.txt", 2, "fourc-suppression-no-reason", engine.StatusNew},
		{"a.txt", 4, "fourc-unused-suppression", engine.StatusNew},
		{"a.txt", 5, "test-bad-word", engine.StatusNew},
	}
	if d := cmp.Diff(want, summarize(rep.Shown())); d != "" {
		t.Errorf("shown (-want +got):\n%s", d)
	}
	sup := rep.SuppressedShown()
	if len(sup) != 4 || sup[0].SuppressedReason != "fixture data, never deployed" || sup[1].SuppressedReason != "" ||
		sup[2].SuppressedReason != "first of two consecutive lines" || sup[3].SuppressedReason != "second of two consecutive lines" {
		t.Errorf("suppressed = %+v, want lines 1 (with reason), 3 (without), 6 and 7 each by its own comment", sup)
	}
}

func TestConfigFilters(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"keep/a.txt":     "BAD POD\n",
		"vendor/x/b.txt": "BAD\n",
		"testdata/c.txt": "BAD\n",
	})
	cfg, err := config.Parse("fourc.yml", []byte("fail_on: critical\nexclude: [vendor, '**/testdata/**']\nlayers: [code]\nrules:\n  severity:\n    test-bad-word: low\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := engine.Run(context.Background(), dir, engine.Options{Scanners: []engine.Scanner{wordScanner{}}, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Shown()
	if len(got) != 1 || got[0].Path != "keep/a.txt" || got[0].RuleID != "test-bad-word" || got[0].Severity != finding.Low {
		t.Fatalf("shown = %+v, want only keep/a.txt test-bad-word at low", summarize(got))
	}
	if rep.Failed() {
		t.Error("a low finding must not fail a run with fail_on: critical")
	}
	if rep.Files != 1 {
		t.Errorf("files scanned = %d, want 1 (excluded paths are not listed)", rep.Files)
	}
}

func TestMisbehavingScannersMakeThePartialNotTheRunFail(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.txt": "BAD\n"})
	tests := []struct {
		name    string
		scanner engine.Scanner
		reason  string
	}{
		{"panic", scannerFunc(func(context.Context, *engine.Request) (*engine.Result, error) { panic("boom") }), "internal error: boom"},
		{"error", scannerFunc(func(context.Context, *engine.Request) (*engine.Result, error) {
			return nil, errors.New("database unreachable")
		}), "database unreachable"},
		{"ignores its deadline", scannerFunc(func(context.Context, *engine.Request) (*engine.Result, error) {
			time.Sleep(time.Hour)
			return nil, nil
		}), "timed out after 50ms"},
		{"incomplete", scannerFunc(func(context.Context, *engine.Request) (*engine.Result, error) {
			return &engine.Result{Incomplete: []string{"no type information for pkg/x"}}, nil
		}), "no type information for pkg/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := engine.Run(context.Background(), dir, engine.Options{
				Scanners:       []engine.Scanner{wordScanner{}, tt.scanner},
				ScannerTimeout: 50 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Partial) != 1 || !strings.Contains(rep.Partial[0], tt.reason) || !strings.HasPrefix(rep.Partial[0], "misbehaving: ") {
				t.Errorf("partial = %q, want one reason naming the scanner and containing %q", rep.Partial, tt.reason)
			}
			if len(rep.Shown()) != 1 {
				t.Errorf("the healthy scanner's finding must survive, got %d shown", len(rep.Shown()))
			}
		})
	}
}

func TestOpenTreeSkipsLinksAndGitAndRefusesFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.txt": "x", ".git/config": "x", "sub/b.txt": "y"})
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range tree.Files {
		paths = append(paths, f.Path)
	}
	if d := cmp.Diff([]string{"a.txt", "sub/b.txt"}, paths); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	if _, err := tree.ReadFile("link"); err == nil {
		t.Error("ReadFile followed an unlisted symlink")
	}
	if _, _, err := engine.OpenTree(filepath.Join(dir, "a.txt"), nil); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("OpenTree on a file: err = %v, want 'not a directory'", err)
	}
	tree.MaxFileSize = 0
	if _, err := tree.ReadFile("a.txt"); !errors.Is(err, engine.ErrTooLarge) {
		t.Errorf("ReadFile over the limit: err = %v, want ErrTooLarge", err)
	}
}

func TestRunIsDeterministic(t *testing.T) {
	files := map[string]string{}
	for _, n := range []string{"z", "a", "m", "b/c", "b/a"} {
		files[n+".txt"] = "BAD\nPOD BAD\n"
	}
	dir := writeTree(t, files)
	var first []shown
	for i := 0; i < 5; i++ {
		rep, err := engine.Run(context.Background(), dir, engine.Options{Scanners: []engine.Scanner{wordScanner{}, wordScanner{}}, Concurrency: 2})
		if err != nil {
			t.Fatal(err)
		}
		got := summarize(rep.Shown())
		if i == 0 {
			first = got
			continue
		}
		if d := cmp.Diff(first, got); d != "" {
			t.Fatalf("run %d differs (-first +this):\n%s", i, d)
		}
	}
}
