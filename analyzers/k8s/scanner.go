// Package k8s lints Kubernetes manifests: the cluster layer of the four C's. It reads every
// YAML or JSON file whose documents carry apiVersion and kind, looks at workloads through their
// pod templates, and reports pod-security, RBAC, exposure and API-version problems on the exact
// line of the offending key or value.
//
// Each rule lives in its own file with its metadata and its check; rules.go lists them.
package k8s

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scannerName is what progress lines and diagnostics call this scanner.
const scannerName = "kubernetes"

type scanner struct {
	// workers bounds how many files are parsed at once; parsing is most of the cost.
	workers int
}

// New returns the Kubernetes manifest scanner.
func New() engine.Scanner {
	return &scanner{workers: runtime.GOMAXPROCS(0)}
}

func (s *scanner) Name() string { return scannerName }

func (s *scanner) Rules() []finding.Rule {
	out := make([]finding.Rule, 0, len(checks))
	for _, c := range checks {
		out = append(out, *c.rule)
	}
	return out
}

// Scan parses candidate files concurrently but runs the checks on them in path order, so that
// rules looking across files (NetworkPolicies per namespace, ServiceAccount defaults) and the
// findings they produce are deterministic.
func (s *scanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	enabled := req.Enabled
	if enabled == nil {
		enabled = func(string) bool { return true }
	}
	run := newRun(enabled)
	res := &engine.Result{}
	files := req.Tree.Match(isCandidatePath)
	err := parseInOrder(ctx, req.Tree, files, s.workers, func(p parsedFile) {
		res.Diagnostics = append(res.Diagnostics, p.diagnostics...)
		for _, o := range p.objects {
			if d := run.checkObject(o); d != nil {
				res.Diagnostics = append(res.Diagnostics, *d)
			}
		}
		req.Progress.AddFiles(1)
	})
	if err != nil {
		res.Findings = run.rep.findings
		return res, fmt.Errorf("kubernetes scan: %w", err)
	}
	run.finish()
	res.Findings = run.rep.findings
	return res, nil
}

// run is the state of one scan: the reporter and the cross-file rules' scopes.
type run struct {
	rep    *reporter
	object []check // per-object checks of enabled rules
	scopes []scope
}

func newRun(enabled func(string) bool) *run {
	r := &run{rep: newReporter()}
	for _, c := range checks {
		if !enabled(c.rule.ID) {
			continue
		}
		if c.object != nil {
			r.object = append(r.object, c)
		}
		if c.newScope != nil {
			r.scopes = append(r.scopes, c.newScope())
		}
	}
	return r
}

// checkObject runs every check on one object. A panic in a check is turned into a diagnostic
// for the file, so one strange manifest never costs the findings of the others.
func (r *run) checkObject(o *object) (diag *engine.Diagnostic) {
	defer func() {
		if p := recover(); p != nil {
			diag = &engine.Diagnostic{
				Scanner: scannerName, Path: o.path, Line: line(o.kindNode),
				Message: fmt.Sprintf("internal error checking %s: %v (%s)", o, p, firstFrame(debug.Stack())),
			}
		}
	}()
	for _, c := range r.object {
		c.object(r.rep, o)
	}
	for _, s := range r.scopes {
		s.observe(r.rep, o)
	}
	return nil
}

func (r *run) finish() {
	for _, s := range r.scopes {
		s.finish(r.rep)
	}
}

// firstFrame picks the frame that panicked out of a stack trace, for a one-line diagnostic.
func firstFrame(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") && i+3 < len(lines) {
			return strings.TrimSpace(lines[i+3])
		}
	}
	return "no stack"
}
