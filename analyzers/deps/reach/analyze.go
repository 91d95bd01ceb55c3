package reach

import (
	"context"
	"fmt"
	"go/token"
	"runtime"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
)

// Analyze computes the import and, when cfg.Symbols is set, the call reachability of vulns
// from the packages cfg selects. An error means the packages could not even be listed (a broken
// go.mod, a toolchain too old): the caller then knows only that the modules are required.
func Analyze(ctx context.Context, cfg *Config, vulns []Vuln) (*Result, error) {
	began := time.Now()
	graph, err := loadGraph(ctx, cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{ByModule: map[string]map[string]*Reachability{}}
	res.Stats.List = time.Since(began)
	index := newVulnIndex(vulns)
	all := map[string]*packages.Package{}
	packages.Visit(graph, nil, func(p *packages.Package) { all[p.ID] = p })
	res.Stats.Packages = len(all)
	res.Incomplete = append(res.Incomplete, listProblems(graph)...)

	mains := mainPackages(graph)
	for _, m := range sortedKeys(mains) {
		if reached := importReach(mains[m], index); len(reached) > 0 {
			res.ByModule[m] = reached
		}
	}
	// Every vulnerable package in the import closure, not just the nearest one of each
	// vulnerability: a call path may lead to any of them.
	targets := map[string]bool{}
	for _, p := range all {
		if len(index.forPackage(p)) > 0 {
			targets[p.PkgPath] = true
		}
	}
	if !cfg.Symbols || len(targets) == 0 {
		return res, ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var keep map[string]bool
	if !cfg.KeepAllBodies {
		keep = filesOf(importersOf(all, targets))
	}
	fset := token.NewFileSet()
	pl := &pipeline{
		ctx: ctx, fset: fset, fp: &fileParser{cfg: cfg, keep: keep}, keep: keep,
		prog: ssa.NewProgram(fset, ssa.InstantiateGenerics), created: map[*packages.Package]*ssa.Package{},
	}
	began = time.Now()
	built, err := pl.run(graph)
	res.Stats.SSA = pl.ssaTime
	res.Stats.Load = time.Since(began) - pl.ssaTime
	res.Stats.HeapAfterLoad = heapInUse()
	res.Stats.HeapAfterSSA = res.Stats.HeapAfterLoad
	if err != nil {
		return nil, err // only cancellation fails the pipeline
	}
	if problems := pl.problems; len(problems) > 0 {
		more := ""
		if len(problems) > 1 {
			more = fmt.Sprintf(" (and %d more packages)", len(problems)-1)
		}
		res.Incomplete = append(res.Incomplete, fmt.Sprintf("call paths were not computed: %s%s; vulnerabilities are reported at the import level", problems[0], more))
		return res, nil
	}
	res.Stats.SymbolLoaded = true
	calls, err := analyzeCalls(ctx, newAnalysis(pl, graph, built, index), &res.Stats)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.Incomplete = append(res.Incomplete, fmt.Sprintf("call paths were not computed (%v); vulnerabilities are reported at the import level", err))
		return res, nil
	}
	res.SymbolLevel = true
	for m, byID := range calls {
		for id, path := range byID {
			r := res.ByModule[m][id]
			if r == nil {
				continue // a call path implies an import; be safe against odd graphs
			}
			r.Level = Called
			r.CallPath = path
		}
	}
	return res, nil
}

// listProblems reports the packages go list could not fully resolve.
func listProblems(roots []*packages.Package) []string {
	var bad []string
	for _, p := range roots {
		for _, e := range p.Errors {
			if e.Kind == packages.ListError {
				bad = append(bad, fmt.Sprintf("%s: %s", p.PkgPath, firstLine(e.Msg)))
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	msg := "some packages could not be listed, so their imports were not checked: " + bad[0]
	if len(bad) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(bad)-1)
	}
	return []string{msg}
}

// mainPackages groups the root packages by their main module.
func mainPackages(roots []*packages.Package) map[string][]*packages.Package {
	out := map[string][]*packages.Package{}
	for _, p := range roots {
		if p.Module != nil && p.Module.Main {
			out[p.Module.Path] = append(out[p.Module.Path], p)
		}
	}
	for _, ps := range out {
		sort.Slice(ps, func(i, j int) bool { return ps[i].PkgPath < ps[j].PkgPath })
	}
	return out
}

// importReach walks the import graph breadth-first from a main module's packages, so the chain
// kept for each vulnerability is a shortest one.
func importReach(roots []*packages.Package, index *vulnIndex) map[string]*Reachability {
	out := map[string]*Reachability{}
	parent := map[*packages.Package]*packages.Package{}
	seen := map[*packages.Package]bool{}
	queue := append([]*packages.Package(nil), roots...)
	for _, r := range roots {
		seen[r] = true
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, pv := range index.forPackage(p) {
			id := index.vulns[pv.vuln].ID
			if out[id] != nil {
				continue
			}
			var chain []string
			for q := p; q != nil; q = parent[q] {
				chain = append(chain, q.PkgPath)
			}
			for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
				chain[i], chain[j] = chain[j], chain[i]
			}
			out[id] = &Reachability{Level: Imported, ImportChain: chain}
		}
		for _, path := range sortedKeys(p.Imports) {
			q := p.Imports[path]
			if !seen[q] {
				seen[q] = true
				parent[q] = p
				queue = append(queue, q)
			}
		}
	}
	return out
}

// importersOf returns the packages that import any of the targets, directly or not, and the
// targets themselves: the only packages where a path to vulnerable code can be written.
func importersOf(all map[string]*packages.Package, targets map[string]bool) []*packages.Package {
	importedBy := map[*packages.Package][]*packages.Package{}
	var queue []*packages.Package
	seen := map[*packages.Package]bool{}
	for _, p := range all {
		for _, q := range p.Imports {
			importedBy[q] = append(importedBy[q], p)
		}
		if targets[p.PkgPath] && !seen[p] {
			seen[p] = true
			queue = append(queue, p)
		}
	}
	for i := 0; i < len(queue); i++ {
		for _, q := range importedBy[queue[i]] {
			if !seen[q] {
				seen[q] = true
				queue = append(queue, q)
			}
		}
	}
	return queue
}

func filesOf(pkgs []*packages.Package) map[string]bool {
	out := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.CompiledGoFiles {
			out[f] = true
		}
		for _, f := range p.GoFiles {
			out[f] = true
		}
	}
	return out
}

// vulnIndex finds the vulnerabilities of a package.
type vulnIndex struct {
	vulns []Vuln
	// byPackage lists, per import path, the vulnerabilities naming that package.
	byPackage map[string][]pkgVuln
	// wholeModule lists, per module, the vulnerabilities without package information: every
	// package of the module counts as vulnerable.
	wholeModule map[string][]int
}

type pkgVuln struct {
	vuln    int
	symbols []string // empty: every symbol of the package
}

func newVulnIndex(vulns []Vuln) *vulnIndex {
	x := &vulnIndex{vulns: vulns, byPackage: map[string][]pkgVuln{}, wholeModule: map[string][]int{}}
	for i, v := range vulns {
		if len(v.Imports) == 0 {
			x.wholeModule[v.Module] = append(x.wholeModule[v.Module], i)
			continue
		}
		for _, imp := range v.Imports {
			x.byPackage[imp.Path] = append(x.byPackage[imp.Path], pkgVuln{vuln: i, symbols: imp.Symbols})
		}
	}
	return x
}

// forPackage lists the vulnerabilities of a loaded package: those naming its import path and
// its module (a package path can move between modules across versions).
func (x *vulnIndex) forPackage(p *packages.Package) []pkgVuln {
	return x.forPath(p.PkgPath, moduleKey(p))
}

func (x *vulnIndex) forPath(pkgPath, module string) []pkgVuln {
	var out []pkgVuln
	for _, pv := range x.byPackage[pkgPath] {
		if x.vulns[pv.vuln].Module == module {
			out = append(out, pv)
		}
	}
	for _, i := range x.wholeModule[module] {
		out = append(out, pkgVuln{vuln: i})
	}
	return out
}

// moduleKey is the module a package belongs to as the database names it.
func moduleKey(p *packages.Package) string {
	if p.Module != nil {
		return p.Module.Path
	}
	if isStandard(p.PkgPath) {
		return osv.StdlibModule
	}
	return ""
}

// isStandard reports whether an import path (of a package without a module) names a standard
// library package: its first element has no dot.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return path != "" && !strings.Contains(first, ".") && first != "cmd"
}

// heapInUse reads the heap in use; cheap enough to call between phases.
func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
