package workflows_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/analyzers/internal/fixturetest"
	"github.com/fourcsec/fourc/analyzers/workflows"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// fixtureDirs each hold a small repository whose offending lines end in `# want RULE`. Inside a
// `run: |` block the comment is part of the shell script, which the rules must take in stride.
var fixtureDirs = []string{"injection", "checkout", "pinning", "permissions", "secrets", "anchors"}

func TestFixtures(t *testing.T) {
	for _, dir := range fixtureDirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			fixturetest.Run(t, workflows.New(), filepath.Join("testdata", dir))
		})
	}
}

// TestFixturesWithCRLFAndBOM rescans every fixture with Windows line endings and a byte-order
// mark: the same findings must come out on the same lines.
func TestFixturesWithCRLFAndBOM(t *testing.T) {
	for _, dir := range fixtureDirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			fixturetest.RunWindows(t, workflows.New(), filepath.Join("testdata", dir))
		})
	}
}

func TestRules(t *testing.T) {
	fixturetest.CheckRules(t, workflows.New(), "testdata")
}

// TestPositions pins exact columns and severities: an expression inside a block scalar, after a
// non-ASCII character, and the escalation to critical on a privileged trigger.
func TestPositions(t *testing.T) {
	src := "on: issue_comment\n" +
		"permissions: {}\n" +
		"jobs:\n" +
		"  a:\n" +
		"    runs-on: ubuntu-latest\n" +
		"    steps:\n" +
		"      - run: |\n" +
		"          echo start\n" +
		"            echo «${{ github.event.comment.body }}» ${{ github.head_ref }}\n" +
		"      - run: echo '${{ github.event.issue.title }}'\n"
	res := scan(t, map[string]string{".github/workflows/a.yml": src})
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s-%d:%d %s %s", f.Location(), f.EndLine, f.EndColumn, f.RuleID, f.Severity))
	}
	want := []string{
		".github/workflows/a.yml:9:20-9:52 gha-script-injection critical",
		".github/workflows/a.yml:9:55-9:77 gha-script-injection critical",
		".github/workflows/a.yml:10:20-10:51 gha-script-injection critical",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestMessages(t *testing.T) {
	findings := fixturetest.Run(t, workflows.New(), filepath.Join("testdata", "secrets"))
	for _, f := range findings {
		if strings.Contains(f.Message, "secrets.") || strings.Contains(f.Message, "$") {
			continue
		}
		t.Errorf("%s: message %q does not name the secret", f.Location(), f.Message)
	}
}

func TestPermissionsFix(t *testing.T) {
	res := scan(t, map[string]string{".github/workflows/a.yml": "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"})
	if len(res.Findings) != 1 || res.Findings[0].Fix == nil {
		t.Fatalf("want one finding with a fix, got %+v", res.Findings)
	}
	fix := res.Findings[0].Fix
	want := finding.Fix{Description: "Declare read-only permissions for the workflow", StartLine: 2, EndLine: 2, Replacement: "permissions:\n  contents: read\non: push"}
	if diff := cmp.Diff(want, *fix); diff != "" {
		t.Errorf("fix (-want +got):\n%s", diff)
	}
}

// TestBrokenFilesAreDiagnosedOthersScanned: a file that is not valid YAML gives one diagnostic
// naming its line, an over-deep one gives another, and the good file is still scanned.
func TestBrokenFilesAreDiagnosedOthersScanned(t *testing.T) {
	deep := "on: push\njobs:\n  a:\n    steps:\n      - run: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"
	res := scan(t, map[string]string{
		".github/workflows/broken.yml": "on: push\njobs:\n  a:\n    steps: [\n      - run: x\n",
		".github/workflows/deep.yaml":  deep,
		".github/workflows/good.yml":   "on: push\npermissions: {}\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n",
		".github/workflows/empty.yml":  "# nothing yet\n",
		".github/workflows/README.md":  "not a workflow",
		"action.yaml":                  "name: x\nruns:\n  using: node20\n  main: index.js\n",
	})
	var diags []string
	for _, d := range res.Diagnostics {
		diags = append(diags, fmt.Sprintf("%s:%d", d.Path, d.Line))
	}
	if diff := cmp.Diff([]string{".github/workflows/broken.yml:4", ".github/workflows/deep.yaml:5"}, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s\n%+v", diff, res.Diagnostics)
	}
	if diff := cmp.Diff([]string{".github/workflows/good.yml:6:15 gha-unpinned-first-party-action"}, locations(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestDeeplyNestedYAMLInBoundedTime: nesting just under the parser's depth limit, in a key the
// rules never read, neither crashes nor stalls the scan; the rest of the file is still checked.
func TestDeeplyNestedYAMLInBoundedTime(t *testing.T) {
	const depth = 9000
	src := "on: push\npermissions: {}\nx-deep: " + strings.Repeat("{k: ", depth) + "v" + strings.Repeat("}", depth) + "\n" +
		"jobs:\n  a:\n    steps:\n      - run: echo ${{ github.head_ref }}\n"
	start := time.Now()
	res := scan(t, map[string]string{".github/workflows/deep.yml": src})
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("scan took %s", elapsed)
	}
	if diff := cmp.Diff([]string{".github/workflows/deep.yml:7:19 gha-script-injection"}, locations(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s\n%+v", diff, res.Diagnostics)
	}
}

func TestIsWorkflowFile(t *testing.T) {
	for p, want := range map[string]bool{
		".github/workflows/ci.yml": true, ".github/workflows/ci.yaml": true, "sub/.github/workflows/x.yml": true,
		".github/workflows/nested/x.yml": false, ".github/workflows/README.md": false, "action.yml": true,
		"actions/setup/action.yaml": true, "my-action.yml": false, ".github/dependabot.yml": false,
	} {
		if got := workflows.IsWorkflowFile(p); got != want {
			t.Errorf("IsWorkflowFile(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestNoPanicOnHostileInput(t *testing.T) {
	inputs := []string{
		"", "~", "[]", "on:", "on: [", "jobs: []", "jobs: {a: []}", "jobs: {a: {steps: {}}}",
		"jobs: {a: {steps: [null, 1, [], {run: [1]}]}}", "jobs: {a: {steps: [{run: '${{'}]}}",
		"jobs: {a: {steps: [{run: '${{ github.event.issue.title'}]}}", "on: 1\njobs: {a: {permissions: [], env: []}}",
		"env: {A: ~}\njobs: {a: {steps: [{run: echo $A, env: {B: [x]}}]}}",
		"on: pull_request_target\njobs: {a: {steps: [{uses: actions/checkout@v4, with: {ref: [1]}}, {run: x}]}}",
		"jobs: {a: {steps: [{uses: actions/github-script@v7, with: {script: {a: b}}}]}}",
		"jobs: {a: {steps: [{run: \"${{ github['\"}]}}", "jobs: {a: {steps: [{run: \"${{ github.event.commits[ }}\"}]}}",
		"a: &a [*a]", "on: &x\n  <<: *x\n",
	}
	for i, in := range inputs {
		scan(t, map[string]string{fmt.Sprintf(".github/workflows/w%d.yml", i): in, fmt.Sprintf("a%d/action.yml", i): in})
	}
}

func BenchmarkScan(b *testing.B) {
	// Every fixture file, copied into 200 repositories' worth of workflow folders.
	dir := b.TempDir()
	var size int64
	err := filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !workflows.IsWorkflowFile(filepath.ToSlash(p)) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i := range 200 {
			out := filepath.Join(dir, fmt.Sprintf("r%d", i), ".github", "workflows", filepath.Base(filepath.Dir(filepath.Dir(p)))+"-"+filepath.Base(p))
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return err
			}
			size += int64(len(data))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	s := workflows.New()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Scan(context.Background(), &engine.Request{Tree: tree}); err != nil {
			b.Fatal(err)
		}
	}
}

func scan(t testing.TB, files map[string]string) *engine.Result {
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
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := workflows.New().Scan(context.Background(), &engine.Request{Tree: tree, Enabled: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	finding.Sort(res.Findings)
	return res
}

func locations(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Location()+" "+f.RuleID)
	}
	return out
}
