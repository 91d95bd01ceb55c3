package report

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

var rulePassword = finding.Rule{
	ID: "test-hardcoded-password", Title: "Password written in source", Layer: finding.Code, Severity: finding.High,
	Description: "A password is assigned from a string literal.",
	Remediation: "Read the password from the environment or a secret store.",
	References:  []string{"CWE-259"},
}

// passwordScanner flags every line containing `password = "`: enough of a scanner to drive the
// real engine.
type passwordScanner struct{}

func (passwordScanner) Name() string          { return "password" }
func (passwordScanner) Rules() []finding.Rule { return []finding.Rule{rulePassword} }

func (passwordScanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	res := &engine.Result{Incomplete: []string{"binary files were not searched"}}
	for _, f := range req.Tree.Files {
		data, err := req.Tree.ReadFile(f.Path)
		if err != nil {
			res.Diagnostics = append(res.Diagnostics, engine.Diagnostic{Path: f.Path, Message: err.Error()})
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			if col := strings.Index(line, `password = "`); col >= 0 {
				fd := rulePassword.New(f.Path, i+1, col+1, "password assigned from a literal")
				fd.EndColumn = len(line) + 1
				res.Findings = append(res.Findings, fd)
			}
		}
	}
	return res, ctx.Err()
}

// TestOutputsOfARealRun renders every format from what engine.Run produces, so the outputs are
// checked against the engine's real reports and not only hand-built ones.
func TestOutputsOfARealRun(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "cmd", "main.go"), "package main\n\nfunc main() {\n\tpassword = \"hunter2\"\n}\n")
	mustWrite(t, filepath.Join(dir, "test", "fixture.go"),
		"package test\n\n// fourc:ignore test-hardcoded-password -- fixture for the login test\nvar password = \"fixture\"\n")
	rep, err := engine.Run(context.Background(), dir, engine.Options{Scanners: []engine.Scanner{passwordScanner{}}, Mode: engine.AllNew})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := finding.NewCatalogue([]finding.Rule{rulePassword}, engine.Rules())
	if err != nil {
		t.Fatal(err)
	}

	var text bytes.Buffer
	if err := Text(&text, rep, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"high      cmd/main.go:4:2  test-hardcoded-password  Password written in source",
		"      4 |     password = \"hunter2\"\n        |     ^^^^^^^^^^^^^^^^^^^^\n",
		"WARNING: partial scan",
		"  - password: binary files were not searched",
		"1 new finding (1 high; 1 code) in 2 files; 1 at or above fail_on high; 1 suppressed; partial scan.",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, text.String())
		}
	}

	var sarif bytes.Buffer
	if err := SARIF(&sarif, rep, cat, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sarif.Bytes())
	log := decodeSARIF(t, sarif.Bytes())
	if got := len(log.Runs[0].Results); got != 2 {
		t.Errorf("SARIF has %d results, want the finding and the suppressed one", got)
	}
	for _, r := range log.Runs[0].Results {
		if len(r.PartialFingerprints[fingerprintKey]) != 32 {
			t.Errorf("result %s has fingerprint %q, want the engine's 32 hex digits", r.RuleID, r.PartialFingerprints[fingerprintKey])
		}
	}

	var doc bytes.Buffer
	if err := JSON(&doc, rep, cat, JSONOptions{}); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Findings []struct {
			Path             string `json:"path"`
			Suppressed       bool   `json:"suppressed"`
			SuppressedReason string `json:"suppressed_reason"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(doc.Bytes(), &parsed); err != nil {
		t.Fatal(err)
	}
	if len(parsed.Findings) != 2 || parsed.Findings[1].SuppressedReason != "fixture for the login test" {
		t.Errorf("JSON findings = %+v, want cmd/main.go and the suppressed test/fixture.go", parsed.Findings)
	}
	if strings.Contains(doc.String(), dir) {
		t.Errorf("JSON output contains the scanned directory %q", dir)
	}

	out := CheckRunOutput(rep, cat, CheckRunOptions{})
	if Conclusion(rep) != "failure" || out.Title != "1 new finding (1 high) — partial scan" || len(out.Annotations) != 1 {
		t.Errorf("check run: conclusion %q, title %q, %d annotations", Conclusion(rep), out.Title, len(out.Annotations))
	}
	var gh bytes.Buffer
	if err := GitHub(&gh, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(gh.String(), "::error file=cmd/main.go,line=4,col=2,endLine=4,endColumn=22,title=test-hardcoded-password%3A Password written in source::") {
		t.Errorf("workflow commands start %q", gh.String())
	}
}
