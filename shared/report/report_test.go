package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// testVersion keeps golden files independent of how the test binary was built.
const testVersion = "1.2.3"

// checkGolden compares got with testdata/<name>, or rewrites the file under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// Rules of the sample scan, as a real catalogue would hold them.
var (
	ruleSQLInjection = finding.Rule{
		ID: "go-sql-injection", Title: "SQL query built from request data", Layer: finding.Code, Severity: finding.High,
		Description: "Request data reaches a SQL query as part of its text, so a caller can change the query.",
		Remediation: "Pass request data as query arguments (db.Query(\"... WHERE name = ?\", name)).",
		References:  []string{"CWE-89", "https://owasp.org/www-community/attacks/SQL_Injection"},
		HelpURL:     "https://fourc.dev/rules/go-sql-injection",
	}
	ruleToken = finding.Rule{
		ID: "secrets-generic-token", Title: "Token committed to source", Layer: finding.Code, Severity: finding.Critical,
		Description: "A credential is written in the source, where everyone who can read the repository can use it.",
		Remediation: "Revoke the token and load it from a secret store at run time.",
		References:  []string{"CWE-798"},
	}
	rulePrivileged = finding.Rule{
		ID: "k8s-privileged-container", Title: "Container runs privileged", Layer: finding.Cluster, Severity: finding.Critical,
		Description: "A privileged container has every capability of the node's root user.",
		Remediation: "Remove securityContext.privileged or set it to false.",
		References:  []string{"CWE-250", "PSS-Baseline"},
	}
	ruleNoLimits = finding.Rule{
		ID: "k8s-no-resource-limits", Title: "Container has no resource limits", Layer: finding.Cluster, Severity: finding.Low,
		Description: "Without limits one container can starve the others on its node.",
		Remediation: "Set resources.limits.cpu and resources.limits.memory.",
	}
	ruleLatestImage = finding.Rule{
		ID: "k8s-latest-image-tag", Title: "Image uses the latest tag", Layer: finding.Cluster, Severity: finding.Medium,
		Description: "The latest tag changes under you, so what runs is not what was reviewed.",
		Remediation: "Pin the image to a version or a digest.",
	}
	ruleDockerLatest = finding.Rule{
		ID: "docker-latest-tag", Title: "Base image uses the latest tag", Layer: finding.Container, Severity: finding.Medium,
		Description: "A FROM line without a pinned tag builds from whatever the registry serves that day.",
		Remediation: "Pin the base image to a version or a digest.",
		References:  []string{"CIS-Docker-4.2"},
	}
	ruleHealthcheck = finding.Rule{
		ID: "docker-no-healthcheck", Title: "Image has no HEALTHCHECK", Layer: finding.Container, Severity: finding.Info,
		Description: "Without a HEALTHCHECK the runtime cannot tell a hung container from a healthy one.",
		Remediation: "Add a HEALTHCHECK instruction.",
	}
	rulePublicBucket = finding.Rule{
		ID: "aws-s3-public-read", Title: "S3 bucket is readable by anyone", Layer: finding.Cloud, Severity: finding.High,
		Description: "A public-read ACL lets anyone on the internet list and read the bucket.",
		Remediation: "Use a private ACL and grant access through a bucket policy.",
		References:  []string{"CWE-732"},
	}
	ruleVersioning = finding.Rule{
		ID: "aws-s3-no-versioning", Title: "S3 bucket has no versioning", Layer: finding.Cloud, Severity: finding.Low,
		Description: "Without versioning an overwritten or deleted object cannot be recovered.",
		Remediation: "Enable versioning on the bucket.",
	}
	ruleCommandInjection = finding.Rule{
		ID: "go-command-injection", Title: "Command built from request data", Layer: finding.Code, Severity: finding.High,
		Description: "Request data reaches exec.Command.",
		Remediation: "Do not pass request data to a shell.",
		References:  []string{"CWE-78"},
	}
)

func sampleRules() []finding.Rule {
	return []finding.Rule{ruleSQLInjection, ruleToken, rulePrivileged, ruleNoLimits, ruleLatestImage,
		ruleDockerLatest, ruleHealthcheck, rulePublicBucket, ruleVersioning, ruleCommandInjection}
}

func sampleCatalogue(t *testing.T) *finding.Catalogue {
	t.Helper()
	cat, err := finding.NewCatalogue(sampleRules(), engine.Rules())
	if err != nil {
		t.Fatalf("NewCatalogue: %v", err)
	}
	return cat
}

// at makes a finding of rule spanning [startCol, endCol) on line, as a scanner would.
func at(r finding.Rule, path string, line, startCol, endCol int, message, fingerprint string) finding.Finding {
	f := r.New(path, line, startCol, message)
	f.EndColumn = endCol
	f.Fingerprint = fingerprint
	return f
}

// sampleReport is a pull-request scan that exercises every part of every output: all five
// severities and four layers shown, a multi-line finding, a suggested fix, a finding the base
// already had, one off the changed lines, two suppressions (one without a reason), a fixed
// finding, two partial-scan reasons and a diagnostic. It reads its source lines from
// testdata/src.
func sampleReport(t *testing.T) *engine.Report {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("testdata", "src"))
	if err != nil {
		t.Fatal(err)
	}
	latest := at(ruleDockerLatest, "Dockerfile", 1, 6, 19, "Base image golang:latest is not pinned", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d01")
	latest.Fix = &finding.Fix{Description: "Pin the Go version", StartLine: 1, EndLine: 1, Replacement: "FROM golang:1.26\n"}
	bucket := at(rulePublicBucket, "infra/main.tf", 1, 1, 2, "aws_s3_bucket_acl.public grants public-read", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d07")
	bucket.EndLine = 4
	item := func(f finding.Finding, status engine.Status, onChanged bool) engine.Item {
		return engine.Item{Finding: f, Status: status, OnChanged: onChanged}
	}
	suppressed := func(it engine.Item, reason string) engine.Item {
		it.Suppressed, it.SuppressedReason = true, reason
		return it
	}
	items := []engine.Item{
		item(at(ruleHealthcheck, "Dockerfile", 1, 1, 1, "Image has no HEALTHCHECK instruction", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d02"), engine.StatusNew, true),
		item(latest, engine.StatusNew, true),
		item(at(ruleToken, "app/config.go", 4, 37, 67, "Token literal assigned to token", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d03"), engine.StatusNew, true),
		item(at(ruleSQLInjection, "app/db.go", 10, 9, 68, "r.URL.Query().Get(\"name\") reaches db.Query through string concatenation", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d04"), engine.StatusNew, true),
		suppressed(item(at(ruleSQLInjection, "app/db.go", 15, 9, 50, "table reaches db.Query through string concatenation", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d05"), engine.StatusNew, true),
			"table comes from a constant allowlist"),
		item(at(ruleNoLimits, "deploy/pod.yaml", 7, 5, 16, "Container web has no resource limits", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d06"), engine.StatusNew, true),
		item(at(ruleLatestImage, "deploy/pod.yaml", 8, 14, 26, "Container web runs nginx:latest", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d08"), engine.StatusNew, false),
		item(at(rulePrivileged, "deploy/pod.yaml", 11, 9, 25, "Container web is privileged", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d09"), engine.StatusExisting, false),
		item(bucket, engine.StatusNew, true),
		suppressed(item(at(ruleVersioning, "infra/main.tf", 1, 1, 1, "Bucket site has no versioning", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0a"), engine.StatusNew, true), ""),
	}
	fixed := at(ruleCommandInjection, "app/run.go", 12, 2, 30, "r.FormValue(\"cmd\") reaches exec.Command", "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0b")
	return &engine.Report{
		Root:   root,
		Mode:   engine.NewOnChangedLines,
		FailOn: finding.High,
		Items:  items,
		Fixed:  []finding.Finding{fixed},
		Partial: []string{
			"go: no type information for example.com/app/cmd (build failed)",
			"deps: vulnerability database unreachable: dial tcp: i/o timeout",
		},
		Diags: []engine.Diagnostic{{Scanner: "k8s", Path: "deploy/broken.yaml", Line: 3, Message: "yaml: mapping values are not allowed in this context"}},
		Scanners: []engine.ScannerRun{
			{Name: "go", Duration: 1200 * time.Millisecond, Findings: 2},
			{Name: "deps", Duration: 5 * time.Second, Error: "vulnerability database unreachable"},
		},
		Files:    6,
		Bytes:    2345,
		Duration: 3400 * time.Millisecond,
		HasDiff:  true,
		HasBase:  true,
	}
}

// cleanReport is a full scan with nothing to show.
func cleanReport() *engine.Report {
	return &engine.Report{
		Root: "", Mode: engine.AllNew, FailOn: finding.High, Files: 42, Bytes: 1_234_567,
		Duration: 800 * time.Millisecond,
	}
}

func TestSummarize(t *testing.T) {
	got, err := Summarize(sampleReport(t))
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{
		Mode:  engine.NewOnChangedLines,
		Shown: 6,
		BySeverity: map[finding.Severity]int{
			finding.Critical: 1, finding.High: 2, finding.Medium: 1, finding.Low: 1, finding.Info: 1,
		},
		ByLayer:            map[finding.Layer]int{finding.Cloud: 1, finding.Cluster: 1, finding.Container: 2, finding.Code: 2},
		Blocking:           3,
		FailOn:             finding.High,
		HiddenOffChange:    1,
		Existing:           1,
		Fixed:              1,
		Suppressed:         2,
		SuppressedNoReason: 1,
		Partial:            sampleReport(t).Partial,
		Diagnostics:        1,
		Files:              6,
		Bytes:              2345,
		ChangedLinesOnly:   true,
		HasBase:            true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
}

// TestNilReport checks that no output panics on a nil report; each says there is none instead.
func TestNilReport(t *testing.T) {
	var buf bytes.Buffer
	for name, render := range map[string]func() error{
		"text":     func() error { return Text(&buf, nil, TextOptions{}) },
		"json":     func() error { return JSON(&buf, nil, nil, JSONOptions{}) },
		"sarif":    func() error { return SARIF(&buf, nil, nil, SARIFOptions{}) },
		"github":   func() error { return GitHub(&buf, nil) },
		"markdown": func() error { return Markdown(&buf, nil, MarkdownOptions{}) },
		"summary":  func() error { _, err := Summarize(nil); return err },
	} {
		if err := render(); err == nil {
			t.Errorf("%s: no error for a nil report", name)
		}
	}
	if got := Conclusion(nil); got != "neutral" {
		t.Errorf("Conclusion(nil) = %q, want neutral", got)
	}
	if got := CheckRunOutput(nil, nil, CheckRunOptions{}); got.Title == "" || got.Summary == "" {
		t.Errorf("CheckRunOutput(nil) = %+v, want a title and a summary saying there is no result", got)
	}
}

// failingWriter fails every write, as a closed pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteErrorsAreReturned(t *testing.T) {
	rep := sampleReport(t)
	cat := sampleCatalogue(t)
	for name, render := range map[string]func() error{
		"text":     func() error { return Text(failingWriter{}, rep, TextOptions{}) },
		"json":     func() error { return JSON(failingWriter{}, rep, cat, JSONOptions{}) },
		"sarif":    func() error { return SARIF(failingWriter{}, rep, cat, SARIFOptions{}) },
		"github":   func() error { return GitHub(failingWriter{}, rep) },
		"markdown": func() error { return Markdown(failingWriter{}, rep, MarkdownOptions{}) },
		"rules":    func() error { return Rules(failingWriter{}, sampleRules(), "text") },
	} {
		err := render()
		if err == nil || !errors.Is(err, os.ErrClosed) {
			t.Errorf("%s: error %v, want one wrapping %v", name, err, os.ErrClosed)
		}
	}
}

// TestOddFindingsRenderEverywhere feeds what a careless scanner might produce — severities and
// layers out of range, positions before the start of the file or ending before they begin, a fix
// longer than the terminal shows — to every output: each must render, and the SARIF stay valid.
func TestOddFindingsRenderEverywhere(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("testdata", "src"))
	if err != nil {
		t.Fatal(err)
	}
	odd := []finding.Finding{
		{RuleID: "odd-severity", Severity: finding.Severity(7), Layer: "network", Path: "app/db.go", StartLine: 10, StartColumn: 9, EndLine: 10, EndColumn: 12, Message: "out of range"},
		{RuleID: "odd-negative", Severity: finding.Severity(-1), Path: "app/db.go", StartLine: -3, StartColumn: -1, EndLine: -5, EndColumn: -9},
		{RuleID: "odd-backwards", Severity: finding.Medium, Layer: finding.Code, Path: "app/db.go", StartLine: 15, StartColumn: 40, EndLine: 15, EndColumn: 2, Message: "ends before it starts",
			Fix: &finding.Fix{StartLine: 2, EndLine: 1, Replacement: strings.Repeat("line\n", 30)}},
		{RuleID: "odd-long-fix", Severity: finding.Low, Layer: finding.Code, Path: "app/db.go", StartLine: 1, StartColumn: 1, EndLine: 16, EndColumn: 2, Message: "whole file",
			Fix: &finding.Fix{StartLine: 1, EndLine: 16, Replacement: strings.Repeat("line\n", 30)}},
		{RuleID: "odd-past-the-end", Severity: finding.High, Layer: finding.Code, Path: "app/db.go", StartLine: 1000, StartColumn: 1, EndLine: 1000, EndColumn: 5, Message: "no such line"},
	}
	rep := &engine.Report{Root: root, Mode: engine.All, FailOn: finding.High}
	for _, f := range odd {
		rep.Items = append(rep.Items, engine.Item{Finding: f, Status: engine.StatusNew})
	}
	var text, sarif, buf bytes.Buffer
	if err := Text(&text, rep, TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "… 18 more lines") {
		t.Errorf("a 30-line fix is not cut short in the terminal:\n%s", text.String())
	}
	if err := SARIF(&sarif, rep, nil, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sarif.Bytes())
	if err := JSON(&buf, rep, nil, JSONOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := GitHub(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&buf, rep, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, a := range CheckRunOutput(rep, nil, CheckRunOptions{}).Annotations {
		if a.StartLine < 1 || a.EndLine < a.StartLine || a.StartColumn < 0 || a.EndColumn < a.StartColumn {
			t.Errorf("annotation %+v has an impossible position", a)
		}
	}
}
