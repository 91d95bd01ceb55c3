// Package tainttest holds checks shared by the tests of the taint-based analyzers.
package tainttest

import (
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/shared/finding"
)

// CheckCategories fails t unless every diagnostic in results carries the id of one of rules
// as its category (the driver maps diagnostics to rules by category) and every rule was
// reported at least once (each rule has a testdata case).
func CheckCategories(t testing.TB, results []*analysistest.Result, rules []finding.Rule) {
	t.Helper()
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
	}
	seen := map[string]bool{}
	for _, res := range results {
		for _, d := range res.Diagnostics {
			if !slices.Contains(ids, d.Category) {
				t.Errorf("%s: diagnostic %q has category %q, want one of %v",
					res.Pass.Fset.Position(d.Pos), d.Message, d.Category, ids)
			}
			seen[d.Category] = true
		}
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("rule %s has no testdata case", id)
		}
	}
}
