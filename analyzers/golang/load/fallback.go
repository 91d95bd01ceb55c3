package load

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// maxTypeErrors bounds the type errors kept per syntax-only package; the first few say enough.
const maxTypeErrors = 50

// grouping says how syntax-only files are put into packages.
type grouping int

const (
	// singleFiles checks each file on its own: files the build left out (other platforms, cgo)
	// would clash with their package's other files.
	singleFiles grouping = iota
	// byDirectory checks the files of a directory that match the build together, as the go
	// command would have, and the rest on their own.
	byDirectory
)

// fallback handles a group the go command could not load: its files are type-checked against
// the standard library only (loaded from a neutral directory, so the broken go.mod plays no
// part), and the whole group is reported as a problem with the go command's reason.
func fallback(ctx context.Context, cfg *Config, g Group, patterns, files []string, base []string, reason string) (*Result, error) {
	res := &Result{Problems: []Problem{{Package: g.Rel, Message: reason, Module: true}}}
	var rels []string
	for _, rel := range files {
		if cfg.Tests || !strings.HasSuffix(rel, "_test.go") {
			rels = append(rels, rel)
		}
	}
	if len(rels) == 0 {
		return res, nil
	}
	std, err := loadStandardLibrary(ctx, cfg, base, standardImports(cfg, rels))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("load %s: %w", g.Rel, ctx.Err())
		}
		std = map[string]*packages.Package{} // carry on with no types at all
	}
	res.Roots = syntaxPackages(cfg, rels, std, moduleOfFile(g), byDirectory)
	for _, rel := range rels {
		if data, err := cfg.Read(rel); err == nil && importsC(rel, data) {
			res.Cgo = append(res.Cgo, rel)
		}
	}
	return res, nil
}

func parseImports(name string, src []byte) (*ast.File, error) {
	return parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly|parser.SkipObjectResolution)
}

// standardImports lists the imports of the files that look like standard library paths (no dot
// in the first element).
func standardImports(cfg *Config, rels []string) []string {
	seen := map[string]bool{}
	for _, rel := range rels {
		data, err := cfg.Read(rel)
		if err != nil {
			continue
		}
		f, err := parseImports(rel, data)
		if f == nil {
			continue
		}
		_ = err // a partial import list is still useful
		for _, spec := range f.Imports {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil || p == "C" || !looksStandard(p) {
				continue
			}
			seen[p] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// looksStandard reports whether an import path could name a standard package. Anything odd is
// refused: the paths become go command arguments.
func looksStandard(p string) bool {
	if p == "" || strings.HasPrefix(p, "-") || strings.Contains(strings.Split(p, "/")[0], ".") {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '_') {
			return false
		}
	}
	return true
}

// loadStandardLibrary type-checks the given standard packages (and their dependencies) from a
// temporary directory outside any module.
func loadStandardLibrary(ctx context.Context, cfg *Config, base []string, paths []string) (map[string]*packages.Package, error) {
	byPath := map[string]*packages.Package{}
	if len(paths) == 0 {
		return byPath, nil
	}
	tmp, err := os.MkdirTemp("", "fourc-std-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	fp := &fileParser{root: cfg.Root, trusted: nonEmpty(cfg.GoEnv.GOROOT), inTree: cfg.InTree, keepBodies: cfg.KeepDependencyBodies}
	pkgs, err := packages.Load(&packages.Config{
		Mode:      Mode,
		Context:   ctx,
		Dir:       tmp,
		Env:       Environ(base, ""),
		Fset:      cfg.Fset,
		ParseFile: fp.parse,
	}, paths...)
	if err != nil {
		return nil, fmt.Errorf("load the standard library: %w", err)
	}
	forgetTrimmingErrors(pkgs, cfg.Root, fp)
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.Types != nil && p.Types.Complete() && len(p.Errors) == 0 {
			byPath[p.PkgPath] = p
		}
	})
	return byPath, nil
}

type parsedFile struct {
	rel  string
	abs  string
	file *ast.File
}

// syntaxPackages parses and type-checks files outside the go command: imports found in byPath
// get their real types, others become empty placeholder packages (go/types then reports
// nothing about their members, and analyzers still see the import path).
func syntaxPackages(cfg *Config, rels []string, byPath map[string]*packages.Package, moduleOf func(string) (Module, bool), how grouping) []*packages.Package {
	groups := map[string][]parsedFile{}
	for _, rel := range rels {
		data, err := cfg.Read(rel)
		if err != nil {
			continue
		}
		abs := filepath.Join(cfg.Root, filepath.FromSlash(rel))
		f, _ := parser.ParseFile(cfg.Fset, abs, data, parser.ParseComments|parser.SkipObjectResolution)
		if f == nil || f.Name == nil || f.Name.Name == "" || f.Name.Name == "_" {
			continue
		}
		key := rel
		if how == byDirectory && matchesBuild(abs, data) && !importsC(rel, data) {
			key = path.Dir(rel) + "\x00" + f.Name.Name
		}
		groups[key] = append(groups[key], parsedFile{rel: rel, abs: abs, file: f})
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*packages.Package, 0, len(keys))
	for _, k := range keys {
		out = append(out, typeCheck(cfg, groups[k], byPath, moduleOf))
	}
	return out
}

// matchesBuild reports whether the go command would build the file for this platform with cgo
// off, judging only from its name and build constraints (the content is given, not re-read).
func matchesBuild(abs string, data []byte) bool {
	ctxt := build.Default
	ctxt.CgoEnabled = false
	ctxt.OpenFile = func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	ok, err := ctxt.MatchFile(filepath.Dir(abs), filepath.Base(abs))
	return err == nil && ok
}

func typeCheck(cfg *Config, files []parsedFile, byPath map[string]*packages.Package, moduleOf func(string) (Module, bool)) *packages.Package {
	first := files[0]
	name := first.file.Name.Name
	mod, _ := moduleOf(first.rel)
	pkgPath := importPath(mod, path.Dir(first.rel))
	sizes := types.SizesFor("gc", runtime.GOARCH)

	syntax := make([]*ast.File, len(files))
	names := make([]string, len(files))
	imports := map[string]*packages.Package{}
	for i, pf := range files {
		syntax[i] = pf.file
		names[i] = pf.abs
		for _, spec := range pf.file.Imports {
			if p, err := strconv.Unquote(spec.Path.Value); err == nil {
				if dep, ok := byPath[p]; ok {
					imports[p] = dep
				}
			}
		}
	}
	var typeErrors []types.Error
	conf := types.Config{
		Importer: importerFunc(func(p string) (*types.Package, error) {
			if dep, ok := imports[p]; ok {
				return dep.Types, nil
			}
			return nil, fmt.Errorf("%s was not loaded", p)
		}),
		FakeImportC: true,
		Sizes:       sizes,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && len(typeErrors) < maxTypeErrors {
				typeErrors = append(typeErrors, te)
			}
		},
	}
	tpkg := types.NewPackage(pkgPath, name)
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
	errs := []packages.Error{{
		Pos:  cfg.Fset.Position(syntax[0].Package).String(),
		Msg:  "analysed without full type information",
		Kind: packages.UnknownError,
	}}
	func() {
		defer func() {
			if r := recover(); r != nil {
				errs = append(errs, packages.Error{Msg: fmt.Sprintf("type checker failed: %v", r), Kind: packages.UnknownError})
			}
		}()
		_ = types.NewChecker(&conf, cfg.Fset, tpkg, info).Files(syntax)
	}()
	for _, te := range typeErrors {
		errs = append(errs, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
	}
	id := "syntax-only:" + first.rel
	if len(files) > 1 {
		id = "syntax-only:" + path.Dir(first.rel) + "/" + name
	}
	return &packages.Package{
		ID:              id,
		Name:            name,
		PkgPath:         pkgPath,
		GoFiles:         names,
		CompiledGoFiles: names,
		Fset:            cfg.Fset,
		Syntax:          syntax,
		Types:           tpkg,
		TypesInfo:       info,
		TypesSizes:      sizes,
		TypeErrors:      typeErrors,
		Errors:          errs,
		IllTyped:        true,
		Imports:         imports,
		Module:          &packages.Module{Path: mod.Path, Dir: filepath.Join(cfg.Root, filepath.FromSlash(mod.Rel)), GoVersion: mod.GoVersion},
	}
}

// importPath names a syntax-only package after its module and directory.
func importPath(m Module, dir string) string {
	modPath := m.Path
	if modPath == "" {
		modPath = path.Join("invalid.fourc", m.Rel) // not a real module: go.mod is missing or broken
	}
	if dir == m.Rel {
		return modPath
	}
	rel := strings.TrimPrefix(dir, m.Rel+"/")
	if m.Rel == "." {
		rel = dir
	}
	return modPath + "/" + rel
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// SyntaxOnly type-checks files that belong to no module (scripts, GOPATH-era code) against the
// standard library alone. It reports no problem: there is no build for them to be missing from.
func SyntaxOnly(ctx context.Context, cfg *Config, files []string) (*Result, error) {
	base := cfg.Env
	if base == nil {
		base = os.Environ()
	}
	g := Group{Rel: ".", Modules: []Module{{Rel: "."}}}
	res, err := fallback(ctx, cfg, g, nil, files, base, "")
	if err != nil {
		return nil, err
	}
	res.Problems = nil
	return res, nil
}
