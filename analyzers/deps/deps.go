// Package deps checks a tree's dependencies against vulnerability advisories in the OSV format:
// Go modules (go.mod, go.work, with the build list from the go command and reachability down to
// the vulnerable symbol), npm lockfiles and pip requirements files.
//
// # Findings
//
// A finding sits on the line a reviewer would edit: the require (or replace) line of the module
// in go.mod, the go or toolchain line for the standard library, the lockfile entry of an npm
// package, the requirement line in requirements.txt. For Go, a module gets one finding per
// reachability level (called, imported, required), each listing all of the module's advisories
// at that level with their CVE and GHSA aliases, affected and fixed versions, and the call path
// or import chain; so bumping a module resolves one or a few annotations, not one per advisory.
// The suggested fix upgrades to the smallest version that fixes every advisory of the module.
//
// # Fingerprints
//
// Finding.Key is "<ecosystem>:<package>:<level>" (for npm, the install path instead of the name;
// for PyPI, the normalized name). It leaves out versions, advisory ids and line numbers, so:
//
//   - an unchanged requirement keeps its fingerprint across scans and database updates, and a
//     pull request that does not touch it never shows it as new;
//   - a requirement newly added, or a module whose code becomes reachable at a higher level (a
//     new call to a vulnerable function of a module that was only imported), makes a new
//     fingerprint and is reported as new;
//   - an upgrade that leaves the module vulnerable at the same level keeps the fingerprint: it is
//     not new, so it does not fail the pull request that improved things, and the existing
//     finding still names the version that fixes everything. The cost is that a new advisory
//     at an already-reported level of the same module is not "new" either.
//
// Since findings sit on go.mod, a pull request that adds a call to a vulnerable function without
// touching go.mod gets a new finding (new status, counted in summaries) that is not on a changed
// line, so the default "new on changed lines" view does not annotate it.
//
// # Pull requests
//
// The scanner reads the whole tree even when the engine passes a diff: a changed .go file can
// make an unchanged require line "called", and a module left out of a scan would make its
// findings in the baseline look fixed. The engine then keeps what the diff touches.
//
// # Partial results
//
// Nothing is reported clean that was not checked: an unreachable database, an ecosystem the
// configured database does not cover, a build list the go command could not compute (go.mod's
// own requirements are used instead) or packages that could not be type-checked (call paths are
// then not computed and advisories stay at the import level) are all listed in
// Result.Incomplete, which makes the scan partial.
package deps

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/reach"
	"github.com/fourcsec/fourc/analyzers/golang/load"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scannerName is the Scanner's Name.
const scannerName = "deps"

// Options configure the scanner.
type Options struct {
	// VulnDB is the --vulndb value: "" for the live feeds (vuln.go.dev for Go, the OSV API for
	// npm and PyPI), a directory of OSV files or of a Go database in the v1 layout, or the URL
	// of a Go database. See osv.Open.
	VulnDB string
	// CacheDir keeps fetched advisories between runs; "" means osv.DefaultCacheDir().
	CacheDir string
	// HTTPClient fetches the feeds; nil means a client with a one-minute timeout.
	HTTPClient *http.Client
	// OSVAPI overrides the OSV API's base URL (tests, mirrors).
	OSVAPI string
	// Source, when set, is used instead of opening VulnDB (tests, benchmarks).
	Source osv.Source
	// Env is the environment the go command starts from; nil means os.Environ(). The variables
	// that could make it run repository code or fetch a toolchain are overridden.
	Env []string
	// StdlibVersion, when set ("go1.22.4"), is the Go release checked for standard library and
	// toolchain advisories instead of go.mod's toolchain or go line — the release that really
	// builds the code, when the caller knows it.
	StdlibVersion string
	// KeepAllBodies type-checks every function body for the call graph, instead of only those
	// of packages that can reach vulnerable code (for measurements).
	KeepAllBodies bool
	// ReachStats, when set, receives the statistics of each reachability analysis (benchmarks).
	ReachStats func(where string, stats reach.Stats)
}

// keepTouched returns, in a new slice, the inputs one of whose files the diff touches.
func keepTouched[T any](d *diff.Diff, inputs []T, files func(T) []string) []T {
	var out []T
	for _, in := range inputs {
		if slices.ContainsFunc(files(in), d.TouchesFile) {
			out = append(out, in)
		}
	}
	return out
}

// New returns the dependency scanner. Nothing is read or fetched until the first scan; the
// opened database is kept for later scans, so a warm process does not reload it.
func New(opts Options) engine.Scanner {
	return &scanner{opts: opts}
}

type scanner struct {
	opts Options

	mu  sync.Mutex
	src osv.Source
}

func (s *scanner) Name() string { return scannerName }

// Rules lists the scanner's rules.
func (s *scanner) Rules() []finding.Rule {
	out := make([]finding.Rule, len(allRules))
	for i, r := range allRules {
		out[i] = *r
	}
	return out
}

// source opens the database once; a failure is not kept, so the next scan tries again.
func (s *scanner) source() (osv.Source, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Source != nil {
		return s.opts.Source, nil
	}
	if s.src != nil {
		return s.src, nil
	}
	src, err := osv.Open(s.opts.VulnDB, osv.Options{CacheDir: s.opts.CacheDir, HTTPClient: s.opts.HTTPClient, OSVAPI: s.opts.OSVAPI})
	if err != nil {
		return nil, err
	}
	s.src = src
	return src, nil
}

// scan is the state of one Scan.
type scan struct {
	s       *scanner
	req     *engine.Request
	res     *engine.Result
	enabled func(string) bool
	env     []string
	// goEnv locates GOROOT and the module cache, read once per scan when a Go module needs it.
	goEnv     load.GoEnv
	goEnvRead bool
	// unknown lists advisories whose ranges could not be evaluated for a version.
	unknown []string
}

// Scan reads every manifest in the tree, asks the database about all dependencies in one batch,
// and reports the affected ones.
func (s *scanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	sc := &scan{s: s, req: req, res: &engine.Result{}, enabled: req.Enabled, env: s.opts.Env}
	if sc.enabled == nil {
		sc.enabled = func(string) bool { return true }
	}
	if sc.env == nil {
		sc.env = os.Environ()
	}
	var goGroups []*goGroup
	var npmFiles []*npmFile
	var pypiFiles []*pypiFile
	if sc.anyEnabled(&ruleGoCalled, &ruleGoImported, &ruleGoRequired) {
		goGroups = sc.readGo(ctx)
	}
	if sc.anyEnabled(&ruleNPM) {
		npmFiles = sc.readNPM(ctx)
	}
	if sc.anyEnabled(&rulePyPI, &rulePyPIUnpinned) {
		pypiFiles = sc.readPyPI()
	}
	if err := ctx.Err(); err != nil {
		sc.cleanup(goGroups)
		return sc.res, fmt.Errorf("dependency scan: %w", err)
	}
	defer sc.cleanup(goGroups)
	if req.DiffFilesOnly {
		// Every finding sits on a line of go.mod, go.work or a lockfile: one the change left
		// alone can show nothing, so its (costly) analysis is skipped.
		// (New slices: the deferred cleanup still holds every group.)
		goGroups = keepTouched(req.Diff, goGroups, (*goGroup).manifests)
		npmFiles = keepTouched(req.Diff, npmFiles, func(f *npmFile) []string { return []string{f.path} })
		pypiFiles = keepTouched(req.Diff, pypiFiles, func(f *pypiFile) []string { return []string{f.path} })
	}

	var queries []osv.Query
	for _, g := range goGroups {
		queries = append(queries, g.queries()...)
	}
	for _, f := range npmFiles {
		queries = append(queries, f.queries()...)
	}
	if sc.enabled(rulePyPI.ID) {
		for _, f := range pypiFiles {
			queries = append(queries, f.queries()...)
		}
	}
	for _, f := range pypiFiles {
		sc.reportUnpinned(f)
	}
	if len(queries) == 0 {
		return sc.finish(), nil
	}
	queries = uniqueQueries(queries)
	answers, err := sc.lookup(ctx, queries)
	if err != nil {
		return sc.finish(), err
	}
	if answers == nil {
		return sc.finish(), nil // the database could not be opened; Incomplete says so
	}
	for _, g := range goGroups {
		if err := sc.reportGo(ctx, g, answers); err != nil {
			return sc.finish(), err
		}
	}
	for _, f := range npmFiles {
		sc.reportNPM(f, answers)
	}
	for _, f := range pypiFiles {
		sc.reportPyPI(f, answers)
	}
	return sc.finish(), nil
}

func (sc *scan) anyEnabled(rules ...*finding.Rule) bool {
	for _, r := range rules {
		if sc.enabled(r.ID) {
			return true
		}
	}
	return false
}

// answerKey identifies a query's answer.
type answerKey struct{ ecosystem, name, version string }

func keyOf(q osv.Query) answerKey {
	return answerKey{q.Ecosystem, osv.NormalizeName(q.Ecosystem, q.Name), q.Version}
}

func uniqueQueries(qs []osv.Query) []osv.Query {
	seen := map[answerKey]bool{}
	out := qs[:0]
	for _, q := range qs {
		if k := keyOf(q); !seen[k] {
			seen[k] = true
			out = append(out, q)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Ecosystem != b.Ecosystem {
			return a.Ecosystem < b.Ecosystem
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	return out
}

// answers holds the database's answers by query, and which queries failed.
type answers map[answerKey]osv.Answer

// lookup asks the database. Failures are recorded as Incomplete reasons, one per ecosystem;
// a nil map means the database could not be opened at all.
func (sc *scan) lookup(ctx context.Context, queries []osv.Query) (answers, error) {
	src, err := sc.s.source()
	if err != nil {
		sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("the vulnerability database could not be opened (%v); %d %s not checked",
			err, len(queries), plural(len(queries), "dependency was", "dependencies were")))
		return nil, nil
	}
	if d, ok := src.(*osv.Dir); ok {
		if p := d.Problems(); len(p) > 0 {
			sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%d files of the vulnerability database could not be read, so their advisories were not checked: %s", len(p), p[0]))
		}
	}
	got, err := src.Lookup(ctx, queries)
	if err != nil {
		return nil, fmt.Errorf("dependency scan: vulnerability lookup: %w", err)
	}
	out := answers{}
	failed := map[string][]string{} // ecosystem → reasons
	failedCount := map[string]int{}
	stale := map[string]bool{}
	for i, q := range queries {
		a := got[i]
		out[keyOf(q)] = a
		if a.Err != nil {
			failedCount[q.Ecosystem]++
			if len(failed[q.Ecosystem]) == 0 {
				failed[q.Ecosystem] = append(failed[q.Ecosystem], a.Err.Error())
			}
		}
		if a.Stale != "" && !stale[a.Stale] {
			stale[a.Stale] = true
			sc.res.Incomplete = append(sc.res.Incomplete, "vulnerability database: "+a.Stale)
		}
	}
	for _, eco := range sortedKeys(failed) {
		sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%d %s %s not checked: %s",
			failedCount[eco], eco, plural(failedCount[eco], "dependency was", "dependencies were"), failed[eco][0]))
	}
	return out, nil
}

func (sc *scan) finish() *engine.Result {
	if n := len(sc.unknown); n > 0 {
		sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%d %s could not be evaluated, so the packages they name may be affected: %s",
			n, plural(n, "advisory's version ranges", "advisories' version ranges"), sc.unknown[0]))
		sc.unknown = nil
	}
	finding.Sort(sc.res.Findings)
	sort.SliceStable(sc.res.Diagnostics, func(i, j int) bool {
		a, b := sc.res.Diagnostics[i], sc.res.Diagnostics[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Line < b.Line
	})
	return sc.res
}

func (sc *scan) diag(path string, line int, format string, args ...any) {
	sc.res.Diagnostics = append(sc.res.Diagnostics, engine.Diagnostic{Scanner: scannerName, Path: path, Line: line, Message: fmt.Sprintf(format, args...)})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// inSkippedDir reports whether a path lies in a directory that holds installed or vendored
// copies of dependencies rather than the project's own manifests.
func inSkippedDir(path string) bool {
	for _, part := range strings.Split(path, "/") {
		switch part {
		case "node_modules", "vendor", "testdata", ".venv", "venv", "site-packages", ".tox", "bower_components":
			return true
		}
	}
	return false
}
