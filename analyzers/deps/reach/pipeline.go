package reach

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"

	"github.com/fourcsec/fourc/analyzers/golang/load"
)

// pipeline type-checks the listed packages from source, several at a time in dependency order,
// and hands each one to SSA as soon as it is checked. A package's syntax trees and type-checker
// maps therefore live only from its type-check to its SSA build, instead of all of them at once
// (loading everything first, then building, held them all: most of the scan's peak memory).
type pipeline struct {
	ctx  context.Context
	fset *token.FileSet
	fp   *fileParser
	keep map[string]bool // nil keeps every body

	prog    *ssa.Program
	created map[*packages.Package]*ssa.Package
	// problems are type errors that make SSA unreliable, one per package (see typeProblems).
	problems []string
	bodies   int
	ssaTime  time.Duration
}

// checked is one type-checked package on its way to SSA.
type checked struct {
	pkg   *packages.Package
	types *types.Package
	files []*ast.File
	info  *types.Info
	errs  []error
}

// maxWaitingForSSA bounds how many checked packages may wait for the SSA builder: past it the
// type checkers pause, so a slow builder cannot make the syntax of the whole program pile up.
const maxWaitingForSSA = 4

// run checks and builds every package of the graph. It returns the packages that were built,
// in the order they were built (dependencies first).
func (pl *pipeline) run(graph []*packages.Package) ([]*packages.Package, error) {
	all, waitFor := dependencyOrder(graph)

	done := make(map[*packages.Package]chan struct{}, len(all))
	typesOf := make(map[*packages.Package]*types.Package, len(all))
	for _, p := range all {
		done[p] = make(chan struct{})
	}
	var typesMu sync.Mutex
	cpu := make(chan struct{}, runtime.GOMAXPROCS(0))
	toSSA := make(chan *checked, maxWaitingForSSA)

	var wg sync.WaitGroup
	for _, p := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[p])
			for _, dep := range waitFor[p] {
				select {
				case <-done[dep]:
				case <-pl.ctx.Done():
					return
				}
			}
			select {
			case cpu <- struct{}{}:
			case <-pl.ctx.Done():
				return
			}
			c := pl.check(p, func(dep *packages.Package) *types.Package {
				typesMu.Lock()
				defer typesMu.Unlock()
				return typesOf[dep]
			})
			<-cpu
			typesMu.Lock()
			typesOf[p] = c.types
			typesMu.Unlock()
			select {
			case toSSA <- c:
			case <-pl.ctx.Done():
			}
		}()
	}
	go func() {
		wg.Wait()
		close(toSSA)
	}()

	// SSA packages must be created one at a time and never while one is being built (the
	// program's maps are not locked), but may be built in parallel: so the packages ready at
	// one moment are created, then built together, while the type checkers go on.
	var built []*packages.Package
	for c := range toSSA {
		batch := []*checked{c}
	more:
		for len(batch) < maxWaitingForSSA {
			select {
			case c, ok := <-toSSA:
				if !ok {
					break more
				}
				batch = append(batch, c)
			default:
				break more
			}
		}
		if pl.ctx.Err() != nil {
			continue
		}
		built = append(built, pl.build(batch)...)
	}
	if err := pl.ctx.Err(); err != nil {
		return nil, err
	}
	sort.Strings(pl.problems)
	return built, nil
}

// dependencyOrder lists the packages of the graph and, for each, the imports it must wait for.
// go list reports an import cycle as an error but may still list both edges; the edge that
// closes a cycle is not waited for (the importer then fails to type-check, with an error).
func dependencyOrder(graph []*packages.Package) ([]*packages.Package, map[*packages.Package][]*packages.Package) {
	const (
		visiting = 1
		visited  = 2
	)
	state := map[*packages.Package]int{}
	waitFor := map[*packages.Package][]*packages.Package{}
	var all []*packages.Package
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		state[p] = visiting
		paths := make([]string, 0, len(p.Imports))
		for path := range p.Imports {
			paths = append(paths, path)
		}
		sort.Strings(paths)
		for _, path := range paths {
			dep := p.Imports[path]
			switch state[dep] {
			case visiting:
				continue
			case 0:
				visit(dep)
			}
			waitFor[p] = append(waitFor[p], dep)
		}
		state[p] = visited
		all = append(all, p)
	}
	for _, p := range graph {
		if state[p] == 0 {
			visit(p)
		}
	}
	return all, waitFor
}

// check parses and type-checks one package against its already checked dependencies, the way
// go/packages does.
func (pl *pipeline) check(p *packages.Package, typesOf func(*packages.Package) *types.Package) *checked {
	c := &checked{pkg: p, info: newInfo()}
	if p.PkgPath == "unsafe" {
		c.types = types.Unsafe // SSA still wants a package for it, with empty maps
		return c
	}
	c.types = types.NewPackage(p.PkgPath, p.Name)
	for _, e := range p.Errors {
		c.errs = append(c.errs, e)
	}
	for _, name := range p.CompiledGoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("read %s: %w", name, err))
			continue
		}
		f, err := pl.fp.parse(pl.fset, name, src)
		if err != nil {
			c.errs = append(c.errs, err)
		}
		if f != nil {
			c.files = append(c.files, f)
		}
	}
	tc := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			dep := p.Imports[path]
			if dep == nil {
				return nil, fmt.Errorf("no package for import %q", path)
			}
			if t := typesOf(dep); t != nil && t.Complete() {
				return t, nil
			}
			return nil, fmt.Errorf("import %q was not type-checked", path)
		}),
		Error: func(err error) { c.errs = append(c.errs, err) },
		Sizes: p.TypesSizes,
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	_ = types.NewChecker(tc, pl.fset, c.types, c.info).Files(c.files)
	return c
}

// build creates the SSA packages of a batch (dependencies first, as the batch arrived) and
// builds them in parallel. After a package with errors that make SSA unreliable, nothing more
// is built: the call level is off and only the errors are collected.
func (pl *pipeline) build(batch []*checked) []*packages.Package {
	began := time.Now()
	var ready []*checked
	for _, c := range batch {
		trimmed := pl.keep != nil && !keepsAny(c.pkg, pl.keep)
		for _, err := range c.errs {
			if trimmed && isTrimmingArtifact(err) {
				continue
			}
			pl.problems = append(pl.problems, fmt.Sprintf("%s: %s", c.pkg.PkgPath, firstLine(errorMessage(err))))
			break
		}
		if len(pl.problems) > 0 {
			return nil
		}
		pl.created[c.pkg] = pl.prog.CreatePackage(c.types, c.files, c.info, true)
		if !trimmed {
			pl.bodies++
		}
		ready = append(ready, c)
	}
	var wg sync.WaitGroup
	for _, c := range ready {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pl.created[c.pkg].Build()
			dropBuiltBodies(c.files, c.info)
		}()
	}
	wg.Wait()
	pl.ssaTime += time.Since(began)
	out := make([]*packages.Package, len(ready))
	for i, c := range ready {
		out[i] = c.pkg
	}
	return out
}

// dropBuiltBodies empties the bodies of a built package's functions: SSA keeps each function's
// syntax node after building it, and with it the whole body, though nothing reads it again —
// except for generic functions, whose instances are built from their syntax later.
func dropBuiltBodies(files []*ast.File, info *types.Info) {
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || isGenericDecl(fn, info) {
				continue
			}
			// Closures keep their own syntax node too.
			var lits []*ast.FuncLit
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok {
					lits = append(lits, lit)
				}
				return true
			})
			for _, lit := range lits {
				lit.Body = emptied(lit.Body)
			}
			fn.Body = emptied(fn.Body)
		}
	}
}

func emptied(b *ast.BlockStmt) *ast.BlockStmt {
	return &ast.BlockStmt{Lbrace: b.Lbrace, Rbrace: b.Rbrace}
}

func isGenericDecl(fn *ast.FuncDecl, info *types.Info) bool {
	obj, ok := info.Defs[fn.Name].(*types.Func)
	if !ok {
		return true // unknown: keep it
	}
	sig := obj.Signature()
	return sig.TypeParams().Len() > 0 || sig.RecvTypeParams().Len() > 0
}

// isTrimmingArtifact reports the errors that dropping bodies causes: an import or a variable
// used only inside a removed body.
func isTrimmingArtifact(err error) bool {
	var te types.Error
	return errors.As(err, &te) && load.IsTrimmingArtifact(te.Msg)
}

func errorMessage(err error) string {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return list[0].Error()
	}
	return err.Error()
}

// newInfo asks the type checker for what SSA reads (not Scopes or FileVersions).
func newInfo() *types.Info {
	return &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Instances:  map[*ast.Ident]types.Instance{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
