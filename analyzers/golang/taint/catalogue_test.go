package taint_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/fourcsec/fourc/analyzers/golang/cmdinjection"
	"github.com/fourcsec/fourc/analyzers/golang/insecurerand"
	"github.com/fourcsec/fourc/analyzers/golang/logsecrets"
	"github.com/fourcsec/fourc/analyzers/golang/pathtraversal"
	"github.com/fourcsec/fourc/analyzers/golang/sqlinjection"
	"github.com/fourcsec/fourc/analyzers/golang/ssrf"
	"github.com/fourcsec/fourc/analyzers/golang/xss"
	"github.com/fourcsec/fourc/shared/finding"
)

type taintAnalyzer struct {
	analyzer *analysis.Analyzer
	rules    []finding.Rule
}

var analyzers = []taintAnalyzer{
	{sqlinjection.Analyzer, sqlinjection.Rules},
	{cmdinjection.Analyzer, cmdinjection.Rules},
	{pathtraversal.Analyzer, pathtraversal.Rules},
	{ssrf.Analyzer, ssrf.Rules},
	{xss.Analyzer, xss.Rules},
	{insecurerand.Analyzer, insecurerand.Rules},
	{logsecrets.Analyzer, logsecrets.Rules},
}

// TestCatalogue checks the conventions every taint analyzer follows, so that the driver can
// run them together and map their diagnostics to rules.
func TestCatalogue(t *testing.T) {
	var all []*analysis.Analyzer
	var rules [][]finding.Rule
	for _, a := range analyzers {
		all = append(all, a.analyzer)
		rules = append(rules, a.rules)

		title, rest, _ := strings.Cut(a.analyzer.Doc, "\n")
		if title == "" || len(title) > 60 || strings.HasSuffix(title, ".") || strings.ToLower(title[:1]) != title[:1] {
			t.Errorf("%s: Doc title %q must be lowercase, at most 60 characters, without a period", a.analyzer.Name, title)
		}
		if !strings.Contains(rest, "Fix:") {
			t.Errorf("%s: Doc must say how to fix what it reports", a.analyzer.Name)
		}
		if len(a.rules) == 0 {
			t.Errorf("%s: no rules", a.analyzer.Name)
		}
		if !strings.HasPrefix(a.analyzer.URL, "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#go-") {
			t.Errorf("%s: URL %q does not point at the rule documentation", a.analyzer.Name, a.analyzer.URL)
		}
		if len(a.analyzer.FactTypes) != 1 {
			t.Errorf("%s: want one fact type (the taint summary), got %d", a.analyzer.Name, len(a.analyzer.FactTypes))
		}
		for _, r := range a.rules {
			if !strings.HasPrefix(r.ID, "go-") || r.Layer != finding.Code {
				t.Errorf("%s: rule %s must have a go- id and the code layer", a.analyzer.Name, r.ID)
			}
			if len(r.References) == 0 || !strings.HasPrefix(r.References[0], "CWE-") {
				t.Errorf("%s: rule %s must reference its CWE", a.analyzer.Name, r.ID)
			}
			if !strings.HasSuffix(r.HelpURL, "#"+r.ID) {
				t.Errorf("%s: rule %s help URL %q does not end in #%s", a.analyzer.Name, r.ID, r.HelpURL, r.ID)
			}
		}
	}
	if err := analysis.Validate(all); err != nil {
		t.Errorf("analyzers cannot run together: %v", err)
	}
	if _, err := finding.NewCatalogue(rules...); err != nil {
		t.Errorf("rules: %v", err)
	}
}
