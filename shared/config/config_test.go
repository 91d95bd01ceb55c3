package config_test

import (
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/finding"
)

func known(id string) bool { return id == "go-sql-injection" || id == "k8s-privileged" }

func TestParseValid(t *testing.T) {
	c, err := config.Parse(".github/fourc.yml", []byte(`
version: 1
fail_on: medium
layers: [code, cluster]
exclude:
  - "vendor/**"
  - ./docs
rules:
  disable: [k8s-privileged]
  severity:
    go-sql-injection: critical
`), known)
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != finding.Medium {
		t.Errorf("fail_on = %v, want medium", c.FailOn)
	}
	if c.RuleEnabled("k8s-privileged", finding.Cluster) || !c.RuleEnabled("go-sql-injection", finding.Code) || c.RuleEnabled("x-y", finding.Cloud) {
		t.Error("rule/layer switches not applied")
	}
	f := finding.Finding{RuleID: "go-sql-injection", Severity: finding.High}
	c.Apply(&f)
	if f.Severity != finding.Critical {
		t.Errorf("severity override not applied: %v", f.Severity)
	}
	for path, want := range map[string]bool{"vendor/a/b.go": true, "docs/x.md": true, "src/docs/x.md": false, "main.go": false} {
		if got := c.Excluded(path); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
	}{
		{"unknown key", "fail_on: high\nfailon: low\n", []string{"f.yml:2: failon: unknown key"}},
		{"bad severity", "fail_on: urgent\n", []string{`f.yml:1: fail_on: unknown severity "urgent"`}},
		{"bad layer", "layers: [code, network]\n", []string{`f.yml:1: layers: unknown layer "network"`}},
		{"unknown rule", "rules:\n  disable:\n    - go-sqli\n", []string{`f.yml:3: rules.disable: unknown rule "go-sqli"`}},
		{"bad override", "rules:\n  severity:\n    go-sql-injection: [high]\n", []string{"f.yml:3: rules.severity.go-sql-injection: must be one of"}},
		{"not a mapping", "- a\n- b\n", []string{"f.yml:1: the top level must be a mapping"}},
		{"invalid YAML", "fail_on: [\n", []string{"f.yml: not valid YAML"}},
		{"bad glob", "exclude: ['a/[b']\n", []string{`f.yml:1: exclude: "a/[b" is not a valid glob`}},
		{"every error at once", "fail_on: x\nlayers: y\n", []string{"f.yml:1: fail_on", "f.yml:2: layers: must be a list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("f.yml", []byte(tt.input), known)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if c, err := config.Load("/nonexistent/fourc.yml", false, nil); err != nil || c.FailOn != finding.High {
		t.Errorf("missing default config: got %v, %v; want defaults", c, err)
	}
	if _, err := config.Load("/nonexistent/fourc.yml", true, nil); err == nil {
		t.Error("missing explicit config must be an error")
	}
}
