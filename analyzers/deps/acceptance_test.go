package deps_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers/deps"
	"github.com/fourcsec/fourc/shared/cli"
	"github.com/fourcsec/fourc/shared/engine"
)

// fourcScan runs `fourc scan` in-process with the deps scanner, as cmd/fourc would.
func fourcScan(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := offlineEnv(t)
	code = cli.Main(append([]string{"scan"}, args...), cli.Env{
		Stdout: &out, Stderr: &errOut,
		// Only the Go release may come from the environment: FOURC_VULNDB must not reach the test.
		Getenv: func(name string) string {
			if name == "FOURC_GO_VERSION" {
				return os.Getenv(name)
			}
			return ""
		},
		Scanners: func(o cli.ScannerOptions) []engine.Scanner {
			return []engine.Scanner{deps.New(deps.Options{VulnDB: o.VulnDB, Env: env, StdlibVersion: o.GoVersion})}
		},
		Version: "test",
	})
	return out.String(), errOut.String(), code
}

type jsonReport struct {
	Partial  []string
	Findings []struct {
		RuleID    string `json:"rule_id"`
		Severity  string
		Path      string
		StartLine int `json:"start_line"`
		Message   string
		Fix       *struct {
			StartLine   int `json:"start_line"`
			Replacement string
		}
	}
}

func TestFourcScanReportsAVulnerableGoRequirement(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod":  "module example.com/svc\n\ngo 1.26.8\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n\tgolang.org/x/net v0.17.0\n)\n",
		"main.go": "package main\n\nfunc main() {}\n",
	})
	db, _ := filepath.Abs("testdata/osv")
	stdout, stderr, code := fourcScan(t, "--format", "json", "--vulndb", db, dir)
	// The module calls nothing vulnerable: a low finding, below the default fail_on (high).
	if code != cli.ExitClean {
		t.Fatalf("exit %d, want %d; stderr: %s", code, cli.ExitClean, stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(rep.Findings) != 1 {
		t.Fatalf("findings: %+v", rep.Findings)
	}
	f := rep.Findings[0]
	if f.RuleID != "dep-go-vulnerable-required" || f.Path != "go.mod" || f.StartLine != 7 || f.Severity != "low" {
		t.Errorf("finding %s %s at %s:%d", f.RuleID, f.Severity, f.Path, f.StartLine)
	}
	if !strings.HasPrefix(f.Message, "golang.org/x/net v0.17.0 has 14 known vulnerabilities in code this module does not import:\n- GO-2024-2687 (CVE-2023-45288, GHSA-4v7x-pqxf-cx7m): HTTP/2 CONTINUATION flood in net/http; affected < v0.23.0; fixed in v0.23.0\n") ||
		!strings.HasSuffix(f.Message, "\nUpgrade to v0.56.0, the smallest version that fixes all 14 known vulnerabilities of the module.") {
		t.Errorf("message:\n%s", f.Message)
	}
	if f.Fix == nil || f.Fix.StartLine != 7 || f.Fix.Replacement != "\tgolang.org/x/net v0.56.0" {
		t.Errorf("fix %+v, want line 7 replaced by the fixed version", f.Fix)
	}
	// Offline, the go command cannot read the requirements' own go.mod files: the scan says so.
	if len(rep.Partial) != 1 || !strings.HasPrefix(rep.Partial[0], "deps: go.mod: the go command could not resolve 2 modules of the build list") {
		t.Errorf("partial %q", rep.Partial)
	}
}

func TestFourcScanFailsOnACalledVulnerability(t *testing.T) {
	db, _ := filepath.Abs("testdata/osv")
	dir, _ := filepath.Abs("testdata/gomod/textapp")
	stdout, stderr, code := fourcScan(t, "--format", "text", "--vulndb", db, dir)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, want %d (a high finding); stderr: %s\n%s", code, cli.ExitFindings, stderr, stdout)
	}
	for _, want := range []string{
		"go.mod:5:9  dep-go-vulnerable-called",
		"call path: main.main (main.go:16) → language.Parse",
		"remediation: Upgrade golang.org/x/text to v0.39.0.",
		"references: GO-2021-0113, CVE-2021-38561, GHSA-ppp9-7jff-5vj2",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestFourcScanGoVersionChoosesTheStandardLibrary(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod":  "module example.com/svc\n\ngo 1.26.8\n",
		"main.go": "package main\n\nimport \"net/http\"\n\nfunc main() { _ = http.ListenAndServe(\"127.0.0.1:8080\", nil) }\n",
	})
	db, _ := filepath.Abs("testdata/osv")
	tests := []struct {
		name    string
		args    []string
		env     string
		want    string // in a finding's message; "" for no standard library finding
		wantErr string
	}{
		{name: "go.mod's go line", want: ""},
		{name: "flag", args: []string{"--go-version", "go1.18.0"}, want: "GO-2022-0969"},
		{name: "environment", env: "go1.18.0", want: "GO-2022-0969"},
		{name: "not a release", args: []string{"--go-version", "1.18"}, wantErr: `--go-version "1.18" is not a Go release`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("FOURC_GO_VERSION", tt.env)
			args := append(append([]string{"--format", "json", "--all", "--vulndb", db}, tt.args...), dir)
			stdout, stderr, code := fourcScan(t, args...)
			if tt.wantErr != "" {
				if code != cli.ExitError || !strings.Contains(stderr, tt.wantErr) {
					t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.wantErr)
				}
				return
			}
			var rep jsonReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("exit %d, not JSON: %v\n%s\n%s", code, err, stdout, stderr)
			}
			var got []string
			for _, f := range rep.Findings {
				if strings.Contains(f.Message, "GO-2022-0969") {
					got = append(got, f.RuleID+" "+f.Message)
				}
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("standard library finding without a Go version: %q", got)
			case tt.want != "" && len(got) == 0:
				t.Errorf("no finding naming %s; findings %+v", tt.want, rep.Findings)
			case tt.want != "" && !strings.Contains(got[0], "standard library of go1.18 (the Go release the scan was told builds the code)"):
				t.Errorf("finding does not say which Go release was checked: %q", got[0])
			}
		})
	}
}
