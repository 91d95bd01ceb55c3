// Package passtest adds to analysistest what fourc's findings need: the rule id a diagnostic
// carries in Category decides the severity and the documentation a user sees, so tests check it
// as well as the message.
package passtest

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/shared/finding"
)

// Categories checks that every diagnostic's Category is the id of one of rules, and that the
// diagnostics on each "file.go:LINE" key of want carry exactly the rule ids listed (a line
// with two findings lists both, sorted). Lines not in want are left to the `// want` comments.
func Categories(t *testing.T, results []*analysistest.Result, rules []finding.Rule, want map[string][]string) {
	t.Helper()
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	got := map[string]map[string]bool{}
	for _, res := range results {
		for _, d := range res.Diagnostics {
			pos := res.Pass.Fset.Position(d.Pos)
			key := fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)
			if !known[d.Category] {
				t.Errorf("%s: diagnostic %q has category %q, which is not a rule of the analyzer", key, d.Message, d.Category)
			}
			if got[key] == nil {
				got[key] = map[string]bool{}
			}
			got[key][d.Category] = true
		}
	}
	for key, ids := range want {
		var have []string
		for id := range got[key] {
			have = append(have, id)
		}
		sort.Strings(have)
		wantIDs := append([]string(nil), ids...)
		sort.Strings(wantIDs)
		if strings.Join(have, ",") != strings.Join(wantIDs, ",") {
			t.Errorf("%s: rules %v, want %v", key, have, wantIDs)
		}
	}
}
