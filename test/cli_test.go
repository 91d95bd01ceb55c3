package test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers"
	"github.com/fourcsec/fourc/shared/cli"
	"github.com/fourcsec/fourc/shared/engine"
)

// fourc runs the CLI in-process with the real scanners, as the fourc binary would.
func fourc(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Main(args, cli.Env{
		Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" },
		Scanners: func(o cli.ScannerOptions) []engine.Scanner {
			return analyzers.All(analyzers.Options{VulnDB: o.VulnDB})
		},
		Version: "test",
	})
	return out.String(), errOut.String(), code
}

// gitRepo makes a repository whose commits are the given file sets, in order.
func gitRepo(t *testing.T, commits ...map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	for i, files := range commits {
		for name, content := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		git("add", "-A")
		git("commit", "-q", "-m", "commit "+string(rune('A'+i)))
	}
	return dir
}

// A token assembled at run time, so this source file holds no secret-shaped literal.
var slackToken = "xox" + "b-" + "2847562910-" + "1938475629103-" + "Qm7tRz9LwXk2PvHs4JdNc8Yb"

func TestScanBaseReportsOnlyTheSecretTheLastCommitAdded(t *testing.T) {
	old := "settings:\n  slack_token: " + slackToken + "\n"
	dir := gitRepo(t,
		map[string]string{"config/old.yml": old, "README.md": "# app\n"},
		map[string]string{"config/new.yml": "notify:\n  channel: ops\n  token: " + slackToken[:len(slackToken)-4] + "Zz12\n", "README.md": "# app\n\nMore docs.\n"},
	)
	stdout, stderr, code := fourc(t, dir, "scan", "--format", "sarif", "--base", "HEAD~1", dir)
	if code != cli.ExitFindings {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, cli.ExitFindings, stderr)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Message struct{ Text string } `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &sarif); err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, stdout)
	}
	results := sarif.Runs[0].Results
	if len(results) != 1 {
		t.Fatalf("got %d results, want exactly the one new secret:\n%s", len(results), stdout)
	}
	loc := results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "config/new.yml" || loc.Region.StartLine != 3 || !strings.HasPrefix(results[0].RuleID, "secret-") {
		t.Errorf("result = %s at %s:%d, want a secret- rule at config/new.yml:3", results[0].RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine)
	}
	if strings.Contains(stdout, slackToken[10:]) {
		t.Error("the SARIF output contains the secret in full")
	}
}

func TestScanUsageErrors(t *testing.T) {
	repo := gitRepo(t, map[string]string{"a.txt": "x\n"})
	file := filepath.Join(repo, "a.txt")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no path", []string{"scan"}, "scan takes one PATH"},
		{"path is a file", []string{"scan", file}, "not a directory"},
		{"path missing", []string{"scan", filepath.Join(repo, "nope")}, "cannot scan"},
		{"bad format", []string{"scan", "--format", "xml", repo}, `--format "xml" is not one of`},
		{"base is not a revision", []string{"scan", "--base", "no-such-branch", repo}, `"no-such-branch" is not a revision`},
		{"base outside git", []string{"scan", "--base", "HEAD", t.TempDir()}, "git"},
		{"unknown command", []string{"scna"}, `unknown command "scna"`},
		{"bad fail-on", []string{"scan", "--fail-on", "urgent", repo}, `unknown severity "urgent"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := fourc(t, repo, tt.args...)
			if code != cli.ExitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and a message containing %q", code, stderr, tt.want)
			}
		})
	}
}

func TestScanBrokenConfigNamesFileAndLine(t *testing.T) {
	dir := gitRepo(t, map[string]string{".github/fourc.yml": "fail_on: high\nrules:\n  disable: [no-such-rule]\n"})
	_, stderr, code := fourc(t, dir, "scan", dir)
	if code != cli.ExitError || !strings.Contains(stderr, "fourc.yml:3: rules.disable: unknown rule \"no-such-rule\"") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming fourc.yml:3 and the key", code, stderr)
	}
}
