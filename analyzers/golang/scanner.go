package golang

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/fourcsec/fourc/analyzers/golang/load"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// Options configure the Go scanner.
type Options struct {
	// Env is the environment the go command starts from; nil means os.Environ(). The scanner
	// overrides the variables that could make it run code from the repository or fetch a
	// toolchain (see load.Environ).
	Env []string
	// SkipTests leaves _test.go files out (faster; test-only rules then never fire).
	SkipTests bool
	// KeepDependencyBodies type-checks the function bodies of dependencies as well. It costs
	// time and memory and changes no finding; it exists to measure that.
	KeepDependencyBodies bool
}

// New returns the scanner that runs the Go analyzers over every Go module in a tree.
func New(opts Options) engine.Scanner {
	return &scanner{opts: opts}
}

type scanner struct {
	opts Options
}

func (s *scanner) Name() string { return "go" }

func (s *scanner) Rules() []finding.Rule { return Rules() }

// maxListed bounds the packages named in one partial-scan reason.
const maxListed = 5

// maxFixLines bounds the lines a suggested fix may span to be offered as a line replacement.
const maxFixLines = 10

// Scan loads each module (or workspace) of the tree in turn, runs the enabled analyzers over its
// packages and maps their diagnostics to findings in the tree.
func (s *scanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	tree := req.Tree
	res := &engine.Result{}
	analyzers := s.enabledAnalyzers(req.Enabled)
	if len(analyzers) == 0 {
		return res, nil
	}
	var all, goFiles []string
	for _, f := range tree.Files {
		all = append(all, f.Path)
		if strings.HasSuffix(f.Path, ".go") && !inSkippedDir(f.Path) {
			goFiles = append(goFiles, f.Path)
		}
	}
	if len(goFiles) == 0 {
		return res, nil
	}
	groups := load.FindGroups(all, tree.ReadFile)
	byGroup, loose := assignFiles(groups, goFiles)

	env := s.opts.Env
	if env == nil {
		env = os.Environ()
	}
	goEnv, err := load.ReadGoEnv(ctx, env)
	if err != nil {
		if ctx.Err() != nil {
			return res, fmt.Errorf("go scan: %w", ctx.Err())
		}
		res.Incomplete = append(res.Incomplete, fmt.Sprintf("the go command is unavailable (%v); Go files were checked without type information", err))
	}
	cfg := &load.Config{
		Root:                 tree.Root,
		InTree:               tree.Has,
		Read:                 tree.ReadFile,
		Env:                  env,
		Tests:                !s.opts.SkipTests,
		KeepDependencyBodies: s.opts.KeepDependencyBodies,
		GoEnv:                goEnv,
	}
	run := &scanRun{scanner: s, req: req, res: res, analyzers: analyzers, seen: map[string]bool{}}
	for i, g := range groups {
		files := byGroup[i]
		patterns := patternsFor(g, files, req.Diff)
		if len(patterns) == 0 {
			continue
		}
		if req.Diff != nil {
			files = changedOnly(files, req.Diff)
		}
		cfg.Fset = token.NewFileSet()
		loaded, err := load.Load(ctx, cfg, g, patterns, files)
		if err != nil {
			return run.finish(), fmt.Errorf("go scan of %s: %w", g.Rel, err)
		}
		run.record(loaded)
		if err := run.analyze(ctx, cfg, loaded.Roots); err != nil {
			return run.finish(), err
		}
	}
	if req.Diff != nil {
		loose = changedOnly(loose, req.Diff)
	}
	if len(loose) > 0 {
		// Go files outside any module (scripts, GOPATH-era code) have no build to load; they
		// are still worth the checks that need only the standard library's types.
		cfg.Fset = token.NewFileSet()
		loaded, err := load.SyntaxOnly(ctx, cfg, loose)
		if err != nil {
			return run.finish(), fmt.Errorf("go scan of files outside modules: %w", err)
		}
		run.record(&load.Result{Roots: loaded.Roots, Cgo: loaded.Cgo})
		if err := run.analyze(ctx, cfg, loaded.Roots); err != nil {
			return run.finish(), err
		}
	}
	return run.finish(), nil
}

// enabledAnalyzers keeps the analyzers with at least one enabled rule.
func (s *scanner) enabledAnalyzers(enabled func(string) bool) []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, e := range registry() {
		for _, r := range e.rules {
			if enabled == nil || enabled(r.ID) {
				out = append(out, e.analyzer)
				break
			}
		}
	}
	return out
}

func inSkippedDir(rel string) bool {
	for _, part := range strings.Split(path.Dir(rel), "/") {
		if part == "vendor" || part == "testdata" || part == "node_modules" {
			return true
		}
	}
	return false
}

// assignFiles gives each .go file to the group of its innermost module; files in no module are
// returned separately.
func assignFiles(groups []load.Group, goFiles []string) (map[int][]string, []string) {
	owner := map[string]int{}
	for i, g := range groups {
		for _, m := range g.Modules {
			owner[m.Rel] = i
		}
	}
	byGroup := map[int][]string{}
	var loose []string
	for _, f := range goFiles {
		modRel, ok := load.ModuleOf(groups, f)
		if !ok {
			loose = append(loose, f)
			continue
		}
		i := owner[modRel]
		byGroup[i] = append(byGroup[i], f)
	}
	return byGroup, loose
}

// patternsFor returns the go list patterns for a group: every package of its modules, or with a
// diff only the directories holding changed .go files (their imports come along for types and
// facts).
func patternsFor(g load.Group, files []string, d *diff.Diff) []string {
	if len(files) == 0 {
		return nil
	}
	if d == nil {
		if g.Workspace == "" {
			return []string{"./..."}
		}
		var out []string
		for _, m := range g.Modules {
			if rel := relFrom(g.Rel, m.Rel); rel == "." {
				out = append(out, "./...")
			} else {
				out = append(out, "./"+rel+"/...")
			}
		}
		return out
	}
	dirs := map[string]bool{}
	for _, f := range files {
		if d.TouchesFile(f) {
			dirs[path.Dir(f)] = true
		}
	}
	var out []string
	for dir := range dirs {
		rel := relFrom(g.Rel, dir)
		if strings.Contains(rel, "...") || strings.ContainsAny(rel, "@ \t\n") {
			continue // not expressible as a literal package pattern
		}
		out = append(out, "./"+rel)
	}
	sort.Strings(out)
	return out
}

// relFrom is dir relative to base, both slash paths relative to the tree root.
func relFrom(base, dir string) string {
	if base == "." {
		return dir
	}
	if dir == base {
		return "."
	}
	return strings.TrimPrefix(dir, base+"/")
}

// changedOnly keeps the files in directories (packages) that hold a changed file.
func changedOnly(files []string, d *diff.Diff) []string {
	if d == nil {
		return files
	}
	dirs := map[string]bool{}
	for _, f := range files {
		if d.TouchesFile(f) {
			dirs[path.Dir(f)] = true
		}
	}
	var out []string
	for _, f := range files {
		if dirs[path.Dir(f)] {
			out = append(out, f)
		}
	}
	return out
}

// scanRun accumulates one Scan's output.
type scanRun struct {
	scanner   *scanner
	req       *engine.Request
	res       *engine.Result
	analyzers []*analysis.Analyzer

	moduleProblems  []string
	packageProblems []load.Problem
	analyzerErrors  []string
	unknownRules    map[string]bool
	seen            map[string]bool // finding identity, to drop duplicates from test variants
}

func (r *scanRun) record(loaded *load.Result) {
	for _, p := range loaded.Problems {
		if p.Module {
			where := "the module in " + p.Package
			if p.Package == "." {
				where = "the module at the root"
			}
			r.moduleProblems = append(r.moduleProblems, fmt.Sprintf("%s could not be loaded by the go command (%s); its files were checked with standard-library types only", where, p.Message))
			continue
		}
		r.packageProblems = append(r.packageProblems, p)
	}
	for _, rel := range loaded.Cgo {
		r.res.Diagnostics = append(r.res.Diagnostics, engine.Diagnostic{
			Path:    rel,
			Message: "cgo file checked without full type information: the scanner runs with CGO_ENABLED=0, so no C compiler or #cgo directive from the repository runs",
		})
	}
}

// finish turns the accumulated problems into bounded partial-scan reasons.
func (r *scanRun) finish() *engine.Result {
	res := r.res
	res.Incomplete = append(res.Incomplete, r.moduleProblems...)
	if n := len(r.packageProblems); n > 0 {
		sort.Slice(r.packageProblems, func(i, j int) bool { return r.packageProblems[i].Package < r.packageProblems[j].Package })
		var parts []string
		for i, p := range r.packageProblems {
			if i == maxListed {
				parts = append(parts, fmt.Sprintf("and %d more", n-maxListed))
				break
			}
			parts = append(parts, p.Package+": "+truncate(p.Message, 200))
		}
		noun := "package"
		if n > 1 {
			noun = "packages"
		}
		res.Incomplete = append(res.Incomplete, fmt.Sprintf("%d Go %s could not be fully type-checked, so findings there may be missing: %s", n, noun, strings.Join(parts, "; ")))
	}
	if len(r.analyzerErrors) > 0 {
		sort.Strings(r.analyzerErrors)
		errs := r.analyzerErrors
		more := ""
		if len(errs) > maxListed {
			more = fmt.Sprintf("; and %d more", len(errs)-maxListed)
			errs = errs[:maxListed]
		}
		res.Incomplete = append(res.Incomplete, "Go analyzers failed: "+strings.Join(errs, "; ")+more)
	}
	finding.Sort(res.Findings)
	return res
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// analyze runs the analyzers over the roots and maps their diagnostics.
func (r *scanRun) analyze(ctx context.Context, cfg *load.Config, roots []*packages.Package) error {
	if len(roots) == 0 {
		return nil
	}
	if !r.scanner.opts.KeepDependencyBodies {
		cutAtTree(roots, cfg.Root)
	}
	wrapped := newWrapping(ctx, r.analyzers, roots, r.req.Progress)
	graph, err := checker.Analyze(wrapped.top, roots, &checker.Options{})
	wrapped.finishProgress()
	if err != nil {
		return fmt.Errorf("run Go analyzers: %w", err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("go scan: %w", ctx.Err())
	}
	generated := generatedFiles(roots)
	rulesOf := analyzerRules()
	for _, act := range graph.Roots {
		orig := wrapped.original(act.Analyzer)
		if act.Err != nil {
			if !strings.Contains(act.Err.Error(), "analysis skipped due to errors in package") &&
				!strings.Contains(act.Err.Error(), "failed prerequisites") {
				r.analyzerErrors = append(r.analyzerErrors, fmt.Sprintf("%s on %s: %s", orig.Name, act.Package.PkgPath, truncate(firstLine(act.Err.Error()), 200)))
			}
		}
		for _, d := range act.Diagnostics {
			r.addDiagnostic(act.Package.Fset, orig, rulesOf[orig], d, generated)
		}
	}
	return nil
}

// cutAtTree removes, from the packages of the tree, their imports of packages outside it. The
// checker runs fact-producing analyzers (the taint engine) on every package reachable through
// Imports, and buildssa on each of them creates SSA for that package's whole dependency graph:
// for a module of a hundred packages over seven hundred dependencies, that is most of the time
// and memory of a scan. Outside the tree the function bodies were dropped, so those runs could
// only produce empty facts; types are unaffected (they live in types.Package, not in Imports).
func cutAtTree(roots []*packages.Package, root string) {
	packages.Visit(roots, nil, func(p *packages.Package) {
		if !packageInTree(p, root) {
			p.Imports = nil
			return
		}
		for path, imp := range p.Imports {
			if !packageInTree(imp, root) {
				delete(p.Imports, path)
			}
		}
	})
}

// packageInTree reports whether a package has files in the tree.
func packageInTree(p *packages.Package, root string) bool {
	for _, f := range p.CompiledGoFiles {
		if rel, err := filepath.Rel(root, f); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// generatedFiles lists the files carrying a "Code generated … DO NOT EDIT." header: findings there
// belong to the generator, and fixing the generated file would be undone by the next run.
func generatedFiles(roots []*packages.Package) map[string]bool {
	out := map[string]bool{}
	for _, p := range roots {
		for _, f := range p.Syntax {
			if ast.IsGenerated(f) {
				if tf := p.Fset.File(f.FileStart); tf != nil {
					out[tf.Name()] = true
				}
			}
		}
	}
	return out
}

func (r *scanRun) addDiagnostic(fset *token.FileSet, a *analysis.Analyzer, rules map[string]*finding.Rule, d analysis.Diagnostic, generated map[string]bool) {
	start := fset.Position(d.Pos)
	if !start.IsValid() || generated[start.Filename] {
		return
	}
	rel, ok := inTree(r.req.Tree, start.Filename)
	if !ok {
		return // the standard library, the module cache or a file the tree does not list
	}
	rule := rules[d.Category]
	if rule == nil {
		// An analyzer bug, not a finding: say so once per category rather than guess a rule.
		key := a.Name + "\x00" + d.Category
		if r.unknownRules == nil {
			r.unknownRules = map[string]bool{}
		}
		if !r.unknownRules[key] {
			r.unknownRules[key] = true
			r.res.Diagnostics = append(r.res.Diagnostics, engine.Diagnostic{
				Path:    rel,
				Line:    start.Line,
				Message: fmt.Sprintf("analyzer %s reported category %q, which is not one of its rules; those diagnostics were dropped", a.Name, d.Category),
			})
		}
		return
	}
	end := start
	if d.End.IsValid() {
		if e := fset.Position(d.End); e.IsValid() && e.Filename == start.Filename {
			end = e
		}
	}
	f := rule.New(rel, start.Line, start.Column, d.Message)
	f.EndLine, f.EndColumn = end.Line, end.Column
	f.Sensitive = sensitiveRules[f.RuleID]
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s", f.RuleID, f.Path, f.StartLine, f.StartColumn, f.Message)
	if r.seen[key] {
		return
	}
	r.seen[key] = true
	if len(d.SuggestedFixes) > 0 {
		f.Fix = lineFix(r.req.Tree, fset, rel, d.SuggestedFixes[0])
	}
	r.res.Findings = append(r.res.Findings, f)
}

// inTree maps an absolute file name to its tree path, if the tree lists it.
func inTree(tree *engine.Tree, filename string) (string, bool) {
	rel, err := filepath.Rel(tree.Root, filename)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	return rel, tree.Has(rel)
}

// lineFix turns a suggested fix into a replacement of whole lines, when all its edits fall in
// one file within a few adjacent lines.
func lineFix(tree *engine.Tree, fset *token.FileSet, rel string, sf analysis.SuggestedFix) *finding.Fix {
	if len(sf.TextEdits) == 0 {
		return nil
	}
	tf := fset.File(sf.TextEdits[0].Pos)
	if tf == nil {
		return nil
	}
	edits := append([]analysis.TextEdit(nil), sf.TextEdits...)
	lo, hi := edits[0].Pos, edits[0].End
	for _, e := range edits {
		end := e.End
		if !end.IsValid() {
			end = e.Pos
		}
		if fset.File(e.Pos) != tf || fset.File(end) != tf || end < e.Pos {
			return nil
		}
		lo, hi = min(lo, e.Pos), max(hi, end)
	}
	startLine, endLine := tf.Line(lo), tf.Line(hi)
	if endLine-startLine >= maxFixLines {
		return nil
	}
	src, err := tree.ReadFile(rel)
	if err != nil || len(src) != tf.Size() {
		return nil
	}
	from := tf.Offset(tf.LineStart(startLine))
	to := len(src)
	if endLine < tf.LineCount() {
		to = tf.Offset(tf.LineStart(endLine + 1))
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Pos < edits[j].Pos })
	var b strings.Builder
	at := from
	for _, e := range edits {
		eFrom, eTo := tf.Offset(e.Pos), tf.Offset(e.Pos)
		if e.End.IsValid() {
			eTo = tf.Offset(e.End)
		}
		if eFrom < at || eTo > to {
			return nil // overlapping edits
		}
		b.Write(src[at:eFrom])
		b.Write(e.NewText)
		at = eTo
	}
	b.Write(src[at:to])
	return &finding.Fix{Description: sf.Message, StartLine: startLine, EndLine: endLine, Replacement: b.String()}
}
