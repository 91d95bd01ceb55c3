package golang_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/analyzers/golang"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scan runs the Go scanner over a fixture directory the way the engine does.
func scan(t *testing.T, dir string, d *diff.Diff) (*engine.Result, *engine.Progress) {
	t.Helper()
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	progress := &engine.Progress{}
	res, err := golang.New(golang.Options{}).Scan(context.Background(), &engine.Request{
		Tree: tree, Diff: d, Enabled: func(string) bool { return true }, Progress: progress,
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	return res, progress
}

// located renders findings as "path:line rule severity", the part of a finding a user acts on.
func located(fs []finding.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d %s %s", f.Path, f.StartLine, f.RuleID, f.Severity))
	}
	sort.Strings(out)
	return out
}

func TestScanFixtures(t *testing.T) {
	tests := []struct {
		name        string
		dir         string
		want        []string
		incomplete  []string // substrings, one per expected reason
		diagnostics []string // "path: substring"
	}{
		{
			name: "module with packages, tests, generated, vendored, cgo and platform files",
			dir:  "app",
			want: []string{
				"cmd/tool/tool.go:5 go-weak-cipher high",
				// native.go uses cgo: checked on its own, without C types.
				"internal/server/native.go:8 go-weak-hash medium",
				"internal/server/server.go:11 go-file-mode-world-writable high",
				// server_windows.go is left out of a Linux build but still checked.
				"internal/server/server_windows.go:5 go-tls-weak-version medium",
				"main.go:11 go-tls-insecure-skip-verify high",
				"main.go:13 go-http-server-no-timeout medium",
				"main.go:13 go-listen-all-interfaces low",
				// The same setting in a test is low severity.
				"main_test.go:9 go-tls-insecure-skip-verify-test low",
				// Nothing from zz_generated.go (generated) or vendor/ (not the project's code).
			},
			diagnostics: []string{"internal/server/native.go: cgo file checked without full type information: the scanner runs with CGO_ENABLED=0"},
		},
		{
			name:       "package that does not type-check keeps its syntax findings",
			dir:        "broken",
			want:       []string{"main.go:11 go-listen-all-interfaces low", "main.go:9 go-tls-insecure-skip-verify high"},
			incomplete: []string{"1 Go package could not be fully type-checked, so findings there may be missing: example.com/broken: main.go:10:2: undefined: undefinedHelper"},
		},
		{
			name:       "replace directive to a missing directory",
			dir:        "replace",
			want:       []string{"main.go:10 go-tls-weak-version medium"},
			incomplete: []string{"example.com/replace: dependency example.com/missing: example.com/missing@v0.0.0: replacement directory ../does-not-exist does not exist"},
		},
		{
			name: "toolchain line for an unreleased Go is ignored, nothing downloaded",
			dir:  "toolchain",
			want: []string{"main.go:5 go-file-mode-world-writable high"},
		},
		{
			name:       "go line newer than the scanner's Go: standard-library types only",
			dir:        "newgo",
			want:       []string{"main.go:6 go-weak-rsa-key high"},
			incomplete: []string{"the module at the root could not be loaded by the go command (go: go.mod requires go >= 1.99 (running go {ver}; GOTOOLCHAIN=local) — the scanner runs go{ver} and never downloads another Go toolchain (GOTOOLCHAIN=local)); its files were checked with standard-library types only"},
		},
		{
			name: "workspace resolves its modules without replace directives",
			dir:  "work",
			want: []string{"web/web.go:11 go-session-cookie-insecure medium"},
		},
		{
			name: "dependency from the module cache",
			dir:  "deps",
			want: []string{"main.go:13 go-http-server-no-timeout medium"},
		},
		{
			name: "Go files outside any module",
			dir:  "loose",
			want: []string{"scripts/gen.go:7 go-weak-hash medium"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", tt.dir)
			before := snapshot(t, dir)
			res, _ := scan(t, dir, nil)

			if diff := cmp.Diff(tt.want, located(res.Findings)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if len(res.Incomplete) != len(tt.incomplete) {
				t.Errorf("partial-scan reasons = %q, want %d like %q", res.Incomplete, len(tt.incomplete), tt.incomplete)
			} else {
				for i, want := range tt.incomplete {
					want = strings.ReplaceAll(want, "{ver}", strings.TrimPrefix(runtime.Version(), "go"))
					if !strings.Contains(res.Incomplete[i], want) {
						t.Errorf("reason %d = %q, want it to contain %q", i, res.Incomplete[i], want)
					}
				}
			}
			var diags []string
			for _, d := range res.Diagnostics {
				diags = append(diags, d.Path+": "+d.Message)
			}
			if len(diags) != len(tt.diagnostics) {
				t.Errorf("diagnostics = %q, want %q", diags, tt.diagnostics)
			} else {
				for i, want := range tt.diagnostics {
					if !strings.HasPrefix(diags[i], want) {
						t.Errorf("diagnostic %q, want prefix %q", diags[i], want)
					}
				}
			}
			for _, r := range res.Incomplete {
				if strings.Contains(r, os.TempDir()) || strings.Contains(r, "/work/") || strings.Contains(r, string(filepath.Separator)+"testdata") {
					t.Errorf("reason %q shows a path outside the repository", r)
				}
			}
			if after := snapshot(t, dir); !cmp.Equal(before, after) {
				t.Errorf("the scan changed the scanned tree (-before +after):\n%s", cmp.Diff(before, after))
			}
		})
	}
}

// snapshot hashes every file of dir, so a test can prove the scan wrote nothing there (no
// go.sum updates, no go.mod edits).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[p] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %s: %v", dir, err)
	}
	return out
}

func TestScanFixCarriesWholeLines(t *testing.T) {
	res, _ := scan(t, filepath.Join("testdata", "app"), nil)
	for _, f := range res.Findings {
		if f.RuleID != "go-file-mode-world-writable" {
			continue
		}
		want := &finding.Fix{
			Description: "Use mode 0640",
			StartLine:   11,
			EndLine:     11,
			Replacement: "\tos.WriteFile(\"/tmp/app.log\", nil, 0640)\n",
		}
		if diff := cmp.Diff(want, f.Fix); diff != "" {
			t.Errorf("fix (-want +got):\n%s", diff)
		}
		if f.Message != "os.WriteFile makes the file world-writable (mode 0666); any local user can change it" || f.Remediation == "" {
			t.Errorf("finding text = %q / %q", f.Message, f.Remediation)
		}
		return
	}
	t.Fatal("no world-writable finding in testdata/app")
}

func TestScanDiffLoadsOnlyChangedPackages(t *testing.T) {
	d := diff.New()
	d.Add("cmd/tool/tool.go", 5, 5)
	res, progress := scan(t, filepath.Join("testdata", "app"), d)
	if diff := cmp.Diff([]string{"cmd/tool/tool.go:5 go-weak-cipher high"}, located(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if got := progress.Snapshot().Packages; got != 1 {
		t.Errorf("packages analysed = %d, want 1 (only the changed one)", got)
	}
}

// A change to a tools.go (//go:build tools) names a package no build includes: nothing to
// type-check, which is no failure, so the scan is not partial.
func TestScanDiffOfAToolsFile(t *testing.T) {
	d := diff.New()
	d.Add("tools/tools.go", 6, 6)
	res, _ := scan(t, filepath.Join("testdata", "app"), d)
	if len(res.Incomplete) != 0 || len(res.Findings) != 0 {
		t.Errorf("partial-scan reasons %q, findings %v; want none", res.Incomplete, located(res.Findings))
	}
}

func TestScanDiffWithoutGoChanges(t *testing.T) {
	d := diff.New()
	d.Add("README.md", 1, 1)
	res, progress := scan(t, filepath.Join("testdata", "app"), d)
	if len(res.Findings) != 0 || progress.Snapshot().Packages != 0 {
		t.Errorf("a change without Go files analysed %d packages and found %v", progress.Snapshot().Packages, located(res.Findings))
	}
}

func TestScanHonoursCancellation(t *testing.T) {
	tree, _, err := engine.OpenTree(filepath.Join("testdata", "app"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = golang.New(golang.Options{}).Scan(ctx, &engine.Request{Tree: tree, Progress: &engine.Progress{}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Scan with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestScanSkipsDisabledRules(t *testing.T) {
	tree, _, err := engine.OpenTree(filepath.Join("testdata", "toolchain"), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := golang.New(golang.Options{}).Scan(context.Background(), &engine.Request{
		Tree: tree, Enabled: func(string) bool { return false }, Progress: &engine.Progress{},
	})
	if err != nil || len(res.Findings) != 0 {
		t.Errorf("with every rule disabled: findings %v, err %v", located(res.Findings), err)
	}
}

func TestScanTreeWithoutGo(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, _ := scan(t, dir, nil)
	if len(res.Findings)+len(res.Incomplete)+len(res.Diagnostics) != 0 {
		t.Errorf("a tree without Go files gave %+v", res)
	}
}

// A symbolic link in the repository must not make the scanner read the file it points to.
func TestScanDoesNotFollowSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(p, content string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "go.mod"), "module example.com/link\n\ngo 1.22\n")
	write(filepath.Join(dir, "main.go"), "package main\n\nfunc main() {}\n")
	write(filepath.Join(outside, "secret.go"), "package main\n\nimport \"os\"\n\nfunc leak() { os.WriteFile(\"x\", nil, 0777) }\n")
	if err := os.Symlink(filepath.Join(outside, "secret.go"), filepath.Join(dir, "linked.go")); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	res, _ := scan(t, dir, nil)
	if len(res.Findings) != 0 {
		t.Errorf("findings from a symlinked file: %v", located(res.Findings))
	}
	if len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "linked.go: not a regular file of the scanned tree") {
		t.Errorf("reasons = %q, want the symlink named", res.Incomplete)
	}
}

// Hostile code — wrong argument counts, shadowed predeclared names, impossible constants, syntax
// errors — must leave every analyzer standing: the scan is partial because of the type errors,
// never because an analyzer failed.
func TestScanSurvivesHostileCode(t *testing.T) {
	res, _ := scan(t, filepath.Join("testdata", "hostile"), nil)
	for _, r := range res.Incomplete {
		if strings.Contains(r, "analyzers failed") || strings.Contains(r, "internal error") {
			t.Errorf("an analyzer failed: %s", r)
		}
	}
	if len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "example.com/hostile: ") {
		t.Errorf("reasons = %q, want the package's errors", res.Incomplete)
	}
	// Only calls that are recognisable whatever their arguments, and a literal password in a
	// literal of an undefined type; a shadowed `true` is false, and out-of-range constants are
	// nobody's version or mode.
	want := []string{
		"hostile.go:27 go-http-server-no-timeout medium",
		"hostile.go:30 go-weak-hash medium",
		"hostile.go:62 go-hardcoded-credential high",
	}
	if diff := cmp.Diff(want, located(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range res.Findings {
		if f.Sensitive != (f.RuleID == "go-hardcoded-credential") {
			t.Errorf("%s %s: Sensitive = %v; only the quoted secret of a credential finding is masked", f.Location(), f.RuleID, f.Sensitive)
		}
	}
}

// Through the engine, as `fourc scan` runs it: rules resolve, positions and fingerprints are set,
// and a complete module makes a complete scan.
func TestEngineRunsTheScanner(t *testing.T) {
	rep, err := engine.Run(context.Background(), filepath.Join("testdata", "toolchain"), engine.Options{
		Scanners: []engine.Scanner{golang.New(golang.Options{})},
		Mode:     engine.All,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Partial) != 0 {
		t.Errorf("partial: %q", rep.Partial)
	}
	shown := rep.Shown()
	if len(shown) != 1 {
		t.Fatalf("shown findings = %+v, want one", shown)
	}
	got := shown[0]
	if got.RuleID != "go-file-mode-world-writable" || got.Location() != "main.go:5:42" || got.Fingerprint == "" || got.Fix == nil {
		t.Errorf("finding = %+v", got.Finding)
	}
}

// Files the configuration excludes are still read to type-check their packages (only symbolic
// links are refused); their findings are the engine's to drop.
func TestScanReadsExcludedFilesForTypes(t *testing.T) {
	tree, _, err := engine.OpenTree(filepath.Join("testdata", "app"), func(p string) bool {
		return strings.HasPrefix(p, "internal/")
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := golang.New(golang.Options{}).Scan(context.Background(), &engine.Request{
		Tree: tree, Enabled: func(string) bool { return true }, Progress: &engine.Progress{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Incomplete) != 0 {
		t.Errorf("reasons = %q, want none", res.Incomplete)
	}
	want := []string{
		"cmd/tool/tool.go:5 go-weak-cipher high",
		"main.go:11 go-tls-insecure-skip-verify high",
		"main.go:13 go-http-server-no-timeout medium",
		"main.go:13 go-listen-all-interfaces low",
		"main_test.go:9 go-tls-insecure-skip-verify-test low",
	}
	if diff := cmp.Diff(want, located(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
