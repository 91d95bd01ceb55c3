// Package engine runs scanners over a source tree and turns what they find into a report: which
// findings are new, which were there before, which the change fixed, which are suppressed, and
// whether the scan is complete. The CLI and the GitHub App call the same Run.
package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/suppress"
)

// Scanner is one family of rules (secrets, Go analyzers, Kubernetes, …).
type Scanner interface {
	// Name is short and stable: it appears in progress lines and partial-scan reasons.
	Name() string
	// Rules lists every rule the scanner can report.
	Rules() []finding.Rule
	// Scan reports findings in the tree. It must honour ctx. An error, or a Result with
	// Incomplete reasons, makes the whole scan partial; findings returned with an error are kept.
	Scan(ctx context.Context, req *Request) (*Result, error)
}

// Request is what a scanner gets to work on.
type Request struct {
	Tree *Tree
	// Diff, when set, lets a scanner skip work on unchanged files; the engine filters findings by
	// the diff anyway, so scanning more than the diff is never wrong, only slower.
	Diff *diff.Diff
	// Enabled says whether findings of a rule will be kept, so costly rules can be skipped.
	Enabled  func(ruleID string) bool
	Progress *Progress
	// DiffFilesOnly says the engine will discard findings in files Diff does not touch (a pull
	// request's view), so a scanner may skip whatever can only report there.
	DiffFilesOnly bool
}

// Result is a scanner's output.
type Result struct {
	Findings []finding.Finding
	// Diagnostics name files the scanner could not analyse (a parse error, a file too large);
	// they are shown to the user but do not make the scan partial.
	Diagnostics []Diagnostic
	// Incomplete says why part of the scanner's coverage is missing (no type information, an
	// unreachable vulnerability database); any reason makes the scan partial.
	Incomplete []string
}

// Diagnostic is a problem with one input file.
type Diagnostic struct {
	Scanner string `json:"scanner,omitempty"`
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Mode chooses which findings a report shows.
type Mode int

const (
	// NewOnChangedLines shows new findings on lines the change touched: the default, what a
	// reviewer wants on a pull request.
	NewOnChangedLines Mode = iota
	// AllNew shows new findings anywhere in the tree.
	AllNew
	// All shows every finding, new or not.
	All
)

// Options configure a run.
type Options struct {
	Scanners []Scanner
	Config   *config.Config // nil means config.Default()
	// Diff limits "changed lines"; nil means everything changed (a full scan).
	Diff *diff.Diff
	// Baseline is the findings of the base revision; nil means there is none and every finding
	// is new. Their fingerprints must have been made by this engine.
	Baseline []finding.Finding
	Mode     Mode
	// ScannerTimeout bounds each scanner (default 5 minutes).
	ScannerTimeout time.Duration
	// Concurrency bounds scanners running at once (default GOMAXPROCS).
	Concurrency int
	Progress    *Progress // optional; the engine creates one when nil
	// Exclude leaves out paths beyond the config's excludes (the CLI passes git's ignored files).
	Exclude func(path string) bool
	// DiffFilesOnly, with a Diff, keeps only findings in the files the diff touches, and lets
	// scanners skip the rest: for modes that show changed lines only, and for the base scan
	// that feeds their baseline.
	DiffFilesOnly bool
}

// Status is a finding's relation to the baseline.
type Status string

const (
	StatusNew      Status = "new"
	StatusExisting Status = "existing"
	StatusFixed    Status = "fixed"
)

// Item is one finding with what the engine learnt about it.
type Item struct {
	finding.Finding
	Status    Status `json:"status"`
	OnChanged bool   `json:"on_changed_line"`
	// Suppressed holds the reason of the fourc:ignore comment that silenced the finding.
	Suppressed       bool   `json:"suppressed"`
	SuppressedReason string `json:"suppressed_reason,omitempty"`
	// baseFingerprint is the fingerprint under the file's base path, for renamed files.
	baseFingerprint string
}

// ScannerRun records how one scanner went.
type ScannerRun struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration_ns"`
	Findings int           `json:"findings"`
	Error    string        `json:"error,omitempty"`
}

// Report is the outcome of a run.
type Report struct {
	Root     string
	Mode     Mode
	FailOn   finding.Severity
	Items    []Item            // every current finding, sorted
	Fixed    []finding.Finding // in the baseline, gone now
	Partial  []string          // why the scan is incomplete; empty when complete
	Diags    []Diagnostic
	Scanners []ScannerRun
	Files    int
	Bytes    int64
	Duration time.Duration
	HasDiff  bool
	HasBase  bool
}

// Shown lists the unsuppressed findings the mode selects: what outputs print and exit codes use.
func (r *Report) Shown() []Item {
	var out []Item
	for _, it := range r.Items {
		if !it.Suppressed && r.selects(&it) {
			out = append(out, it)
		}
	}
	return out
}

// SuppressedShown lists suppressed findings the mode would otherwise select; summaries count them.
func (r *Report) SuppressedShown() []Item {
	var out []Item
	for _, it := range r.Items {
		if it.Suppressed && r.selects(&it) {
			out = append(out, it)
		}
	}
	return out
}

func (r *Report) selects(it *Item) bool {
	switch r.Mode {
	case All:
		return true
	case AllNew:
		return it.Status == StatusNew
	default:
		return it.Status == StatusNew && it.OnChanged
	}
}

// Failed reports whether a shown finding reaches FailOn.
func (r *Report) Failed() bool {
	for _, it := range r.Shown() {
		if it.Severity >= r.FailOn {
			return true
		}
	}
	return false
}

// Run scans root with every scanner and classifies the findings.
func Run(ctx context.Context, root string, opts Options) (*Report, error) {
	start := time.Now()
	cfg := opts.Config
	if cfg == nil {
		cfg = config.Default()
	}
	excluded := cfg.Excluded
	if opts.Exclude != nil {
		excluded = func(p string) bool { return cfg.Excluded(p) || opts.Exclude(p) }
	}
	tree, diags, err := OpenTree(root, excluded)
	if err != nil {
		return nil, err
	}
	prog := opts.Progress
	if prog == nil {
		prog = &Progress{}
	}
	prog.setTotal(len(tree.Files))

	rules := map[string]finding.Rule{}
	for _, r := range Rules() {
		rules[r.ID] = r
	}
	for _, s := range opts.Scanners {
		for _, r := range s.Rules() {
			rules[r.ID] = r
		}
	}
	enabled := func(id string) bool {
		r, ok := rules[id]
		return ok && cfg.RuleEnabled(id, r.Layer)
	}
	diffFilesOnly := opts.DiffFilesOnly && opts.Diff != nil
	req := &Request{Tree: tree, Diff: opts.Diff, Enabled: enabled, Progress: prog, DiffFilesOnly: diffFilesOnly}

	rep := &Report{
		Root: tree.Root, Mode: opts.Mode, FailOn: cfg.FailOn, Files: len(tree.Files),
		HasDiff: opts.Diff != nil, HasBase: opts.Baseline != nil, Diags: diags,
	}
	for _, f := range tree.Files {
		rep.Bytes += f.Size
	}

	directivesDone := make(chan map[string][]suppress.Directive, 1)
	go func() { directivesDone <- collectDirectives(tree) }()
	results, runs := runScanners(ctx, req, opts)
	directives := <-directivesDone
	rep.Scanners = runs
	var found []finding.Finding
	for i, res := range results {
		name := opts.Scanners[i].Name()
		if runs[i].Error != "" {
			rep.Partial = append(rep.Partial, fmt.Sprintf("%s: %s", name, runs[i].Error))
		}
		if res == nil {
			continue
		}
		for _, reason := range res.Incomplete {
			rep.Partial = append(rep.Partial, fmt.Sprintf("%s: %s", name, reason))
		}
		for _, d := range res.Diagnostics {
			if d.Scanner == "" {
				d.Scanner = name
			}
			rep.Diags = append(rep.Diags, d)
		}
		for _, f := range res.Findings {
			if f.Path == "" || excluded(f.Path) || !enabled(f.RuleID) || diffFilesOnly && !opts.Diff.TouchesFile(f.Path) {
				continue
			}
			found = append(found, f)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("scan cancelled: %w", err)
	}

	items := make([]Item, 0, len(found))
	for _, f := range found {
		normalizePosition(&f)
		items = append(items, Item{Finding: f})
	}
	for _, f := range suppressItems(items, directives, enabled) {
		items = append(items, Item{Finding: f})
	}
	for i := range items {
		cfg.Apply(&items[i].Finding)
	}
	sort.SliceStable(items, func(i, j int) bool { return finding.Less(&items[i].Finding, &items[j].Finding) })
	items = dedupe(items)
	fingerprint(items, newLineCache(tree), opts.Diff)
	classify(rep, items, opts)
	rep.Items = items
	sort.Slice(rep.Diags, func(i, j int) bool {
		a, b := rep.Diags[i], rep.Diags[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
	rep.Duration = time.Since(start)
	return rep, nil
}

// runScanners runs each scanner under its own deadline, at most Concurrency at once. A scanner
// that panics or overruns is reported, never fatal: its slot is freed even if it ignores ctx.
func runScanners(ctx context.Context, req *Request, opts Options) ([]*Result, []ScannerRun) {
	limit := opts.Concurrency
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	timeout := opts.ScannerTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	results := make([]*Result, len(opts.Scanners))
	runs := make([]ScannerRun, len(opts.Scanners))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, s := range opts.Scanners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			runs[i].Name = s.Name()
			req.Progress.start(s.Name())
			defer req.Progress.finish(s.Name())
			began := time.Now()
			results[i], runs[i].Error = runOne(ctx, s, req, timeout)
			runs[i].Duration = time.Since(began)
			if results[i] != nil {
				runs[i].Findings = len(results[i].Findings)
			}
		}()
	}
	wg.Wait()
	return results, runs
}

func runOne(ctx context.Context, s Scanner, req *Request, timeout time.Duration) (*Result, string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: fmt.Errorf("internal error: %v (please report it with this trace: %s)", p, firstFrames(debug.Stack()))}
			}
		}()
		res, err := s.Scan(ctx, req)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			if errors.Is(o.err, context.DeadlineExceeded) && ctx.Err() != nil {
				return o.res, fmt.Sprintf("timed out after %s", timeout)
			}
			return o.res, o.err.Error()
		}
		return o.res, ""
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Sprintf("timed out after %s", timeout)
		}
		return nil, "cancelled"
	}
}

// firstFrames keeps a panic trace short enough for a check-run summary.
func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 12 {
		lines = lines[:12]
	}
	return strings.Join(lines, " | ")
}

// normalizePosition keeps positions usable by every output even when a scanner is sloppy.
func normalizePosition(f *finding.Finding) {
	if f.StartLine < 1 {
		f.StartLine = 1
	}
	if f.StartColumn < 1 {
		f.StartColumn = 1
	}
	if f.EndLine < f.StartLine {
		f.EndLine = f.StartLine
	}
	if f.EndLine == f.StartLine && f.EndColumn < f.StartColumn {
		f.EndColumn = f.StartColumn
	}
}

// fingerprint gives each item a fingerprint under its path and, for renamed files, under its base
// path too, so the baseline (made on the base tree) still matches.
func fingerprint(items []Item, lines *lineCache, d *diff.Diff) {
	seen := map[string]int{}
	for i := range items {
		it := &items[i]
		key := it.Key
		if key == "" {
			key = finding.NormalizeLine(lines.line(it.Path, it.StartLine))
		}
		occ := it.RuleID + "\x00" + it.Path + "\x00" + key
		n := seen[occ]
		seen[occ] = n + 1
		it.Fingerprint = finding.Fingerprint(it.RuleID, it.Path, key, n)
		it.baseFingerprint = it.Fingerprint
		if base := d.BasePath(it.Path); base != it.Path {
			it.baseFingerprint = finding.Fingerprint(it.RuleID, base, key, n)
		}
	}
}

func classify(rep *Report, items []Item, opts Options) {
	baseline := map[string]int{}
	for i, f := range opts.Baseline {
		baseline[f.Fingerprint] = i
	}
	matched := map[string]bool{}
	for i := range items {
		it := &items[i]
		it.OnChanged = opts.Diff.Touches(it.Path, it.StartLine) || spansChange(opts.Diff, &it.Finding)
		it.Status = StatusNew
		if _, ok := baseline[it.baseFingerprint]; ok && opts.Baseline != nil {
			it.Status = StatusExisting
			matched[it.baseFingerprint] = true
		}
	}
	// A baseline finding is fixed only where the change could have fixed it: in a file the diff
	// touched, renamed or deleted. Elsewhere an unmatched one means a scanner skipped unchanged
	// files (as the Go analyzers do with a diff), not that the problem went away.
	touchedBase := map[string]bool{}
	if opts.Diff != nil {
		for _, f := range opts.Diff.Files {
			touchedBase[f.Path] = true
			if f.OldPath != "" {
				touchedBase[f.OldPath] = true
			}
		}
		for _, p := range opts.Diff.Deleted {
			touchedBase[p] = true
		}
	}
	for _, f := range opts.Baseline {
		if !matched[f.Fingerprint] && (opts.Diff == nil || touchedBase[f.Path]) {
			rep.Fixed = append(rep.Fixed, f)
		}
	}
	finding.Sort(rep.Fixed)
}

// spansChange reports whether a multi-line finding covers a changed line.
func spansChange(d *diff.Diff, f *finding.Finding) bool {
	if d == nil || f.EndLine <= f.StartLine || f.EndLine-f.StartLine > 200 {
		return false
	}
	for l := f.StartLine + 1; l <= f.EndLine; l++ {
		if d.Touches(f.Path, l) {
			return true
		}
	}
	return false
}

// dedupe drops a finding identical to the one before it (same rule, place and message): aliases
// in a manifest or two scanners sharing a rule must not double-count.
func dedupe(items []Item) []Item {
	out := items[:0]
	for i, it := range items {
		if i > 0 {
			prev := &out[len(out)-1]
			if prev.RuleID == it.RuleID && prev.Path == it.Path && prev.StartLine == it.StartLine &&
				prev.StartColumn == it.StartColumn && prev.Message == it.Message {
				continue
			}
		}
		out = append(out, it)
	}
	return out
}
