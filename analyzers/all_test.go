package analyzers_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/report"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md")

// TestCatalogue is the meta-test over every rule fourc ships: valid metadata, unique ids across
// families, one family prefix per scanner, and distinct scanner names.
func TestCatalogue(t *testing.T) {
	scanners := analyzers.All(analyzers.Options{})
	groups := [][]finding.Rule{engine.Rules()}
	names := map[string]bool{}
	for _, s := range scanners {
		if names[s.Name()] {
			t.Errorf("two scanners are named %q", s.Name())
		}
		names[s.Name()] = true
		if len(s.Rules()) == 0 {
			t.Errorf("scanner %s has no rules", s.Name())
		}
		groups = append(groups, s.Rules())
	}
	cat, err := finding.NewCatalogue(groups...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cat.Rules() {
		if len(r.Description) < 40 {
			t.Errorf("rule %s: description %q is too short to explain why it matters", r.ID, r.Description)
		}
	}
}

// TestRulesDoc keeps docs/rules.md the generated catalogue: run `make docs` after changing rules.
func TestRulesDoc(t *testing.T) {
	groups := [][]finding.Rule{engine.Rules()}
	for _, s := range analyzers.All(analyzers.Options{}) {
		groups = append(groups, s.Rules())
	}
	cat, err := finding.NewCatalogue(groups...)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := report.Rules(&got, cat.Rules(), "markdown"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "rules.md")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run make docs)", err)
	}
	if !bytes.Equal(want, got.Bytes()) {
		t.Errorf("docs/rules.md is stale: run `make docs` and commit it")
	}
	for _, r := range cat.Rules() {
		if !strings.Contains(got.String(), "### "+r.ID+"\n") {
			t.Errorf("rule %s has no section", r.ID)
		}
	}
}
