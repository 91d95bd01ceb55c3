// Package filescan is the loop shared by scanners that check files one at a time: pick the
// enabled checks, visit the matching files, collect findings and per-file diagnostics.
package filescan

import (
	"context"
	"fmt"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// Run applies scanFile to every file of the tree that match selects, with the checks whose rule
// the request enables; ruleID names a check's rule. It stops at cancellation, keeping what it has.
func Run[C any](ctx context.Context, req *engine.Request, name string, match func(path string) bool,
	checks []C, ruleID func(C) string,
	scanFile func(tree *engine.Tree, path string, active []C) ([]finding.Finding, *engine.Diagnostic),
) (*engine.Result, error) {
	enabled := req.Enabled
	if enabled == nil {
		enabled = func(string) bool { return true }
	}
	var active []C
	for _, c := range checks {
		if enabled(ruleID(c)) {
			active = append(active, c)
		}
	}
	res := &engine.Result{}
	for _, f := range req.Tree.Match(match) {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("%s scan: %w", name, err)
		}
		findings, diag := scanFile(req.Tree, f.Path, active)
		res.Findings = append(res.Findings, findings...)
		if diag != nil {
			res.Diagnostics = append(res.Diagnostics, *diag)
		}
		req.Progress.AddFiles(1)
	}
	return res, nil
}
