package golang_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/fourcsec/fourc/analyzers/golang"
	"github.com/fourcsec/fourc/shared/finding"
)

const docsURL = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"

var cwe = regexp.MustCompile(`^CWE-[0-9]+$`)

// The catalogue meta-test: every rule is complete and unique, every analyzer follows the
// conventions the docs generator and go vet rely on.
func TestRulesAreComplete(t *testing.T) {
	if _, err := finding.NewCatalogue(golang.Rules()); err != nil {
		t.Fatal(err)
	}
	for _, r := range golang.Rules() {
		if !strings.HasPrefix(r.ID, "go-") {
			t.Errorf("%s: Go rule ids start with go-", r.ID)
		}
		if r.Layer != finding.Code {
			t.Errorf("%s: layer %s, want code", r.ID, r.Layer)
		}
		if len(r.References) == 0 {
			t.Errorf("%s: no CWE reference", r.ID)
		}
		for _, ref := range r.References {
			if !cwe.MatchString(ref) {
				t.Errorf("%s: reference %q is not a CWE id", r.ID, ref)
			}
		}
		if r.HelpURL != docsURL+r.ID {
			t.Errorf("%s: help URL %q, want %q", r.ID, r.HelpURL, docsURL+r.ID)
		}
	}
}

func TestAnalyzersFollowConventions(t *testing.T) {
	if err := analysis.Validate(golang.Analyzers()); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, a := range golang.Analyzers() {
		if names[a.Name] {
			t.Errorf("analyzer %s registered twice", a.Name)
		}
		names[a.Name] = true
		title, _, _ := strings.Cut(a.Doc, "\n")
		if len(title) > 60 || strings.HasSuffix(title, ".") || title != strings.ToLower(title[:1])+title[1:] {
			t.Errorf("%s: doc title %q must be lowercase, at most 60 characters, without a period", a.Name, title)
		}
		if !strings.HasPrefix(a.URL, docsURL+"go-") {
			t.Errorf("%s: URL %q does not point at a rule in docs/rules.md", a.Name, a.URL)
		}
	}
}

// Each of this package's analyzers lives in the directory named after it, with fixtures.
func TestAnalyzersHaveFixtures(t *testing.T) {
	for _, a := range golang.Analyzers() {
		dir := a.Name
		if _, err := os.Stat(filepath.Join(dir, "testdata", "src")); err != nil {
			t.Errorf("%s: no testdata/src fixtures: %v", a.Name, err)
		}
	}
}
