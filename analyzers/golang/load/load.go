// Package load turns the Go modules of a scanned tree into type-checked packages for
// go/analysis, without running anything the repository contains (see Environ) and at the cost
// DESIGN.md budgets for: everything is type-checked from source in-process, so no compiler runs
// and a cold build cache costs nothing, and the function bodies of code outside the tree are
// dropped before type-checking.
//
// When the go command cannot load a module at all (a go line newer than this Go, a broken
// go.mod), its files are still parsed and type-checked against the standard library alone, so
// analyzers that need little type information keep working; the result says why it is partial.
package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Mode is what the analyzers need: syntax and full type information for every package, the
// dependencies included (they are type-checked from source, not read from export data).
const Mode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
	packages.NeedDeps | packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax |
	packages.NeedTypesInfo | packages.NeedModule | packages.NeedForTest

// Config describes the tree being loaded.
type Config struct {
	// Root is the tree's absolute directory.
	Root string
	// InTree reports whether a slash-separated path relative to Root is a regular file of the
	// tree; files under Root that are not (symbolic links) are never parsed.
	InTree func(rel string) bool
	// Read reads a tree file by relative path (size-limited, no symbolic links).
	Read FileReader
	// Env is the base environment; nil means os.Environ(). Environ locks it down.
	Env []string
	// Tests loads _test.go files too.
	Tests bool
	// KeepDependencyBodies type-checks the function bodies of dependencies too (slower; for
	// measurements).
	KeepDependencyBodies bool
	// Fset receives every parsed file.
	Fset *token.FileSet
	// GoEnv holds GOROOT, GOMODCACHE and GOCACHE; see ReadGoEnv.
	GoEnv GoEnv
}

// GoEnv is what the loader needs to know about the go installation.
type GoEnv struct {
	GOROOT, GOMODCACHE, GOCACHE, GOVERSION string
}

// ReadGoEnv asks the go command for its directories, from a neutral directory so that no go.mod
// or go.work can influence the answer.
func ReadGoEnv(ctx context.Context, base []string) (GoEnv, error) {
	if base == nil {
		base = os.Environ()
	}
	cmd := exec.CommandContext(ctx, "go", "env", "-json", "GOROOT", "GOMODCACHE", "GOCACHE", "GOVERSION")
	cmd.Dir = os.TempDir()
	cmd.Env = Environ(base, "")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return GoEnv{}, fmt.Errorf("go env: %s: %w", strings.TrimSpace(string(ee.Stderr)), err)
		}
		return GoEnv{}, fmt.Errorf("go env: %w", err)
	}
	var env GoEnv
	if err := json.Unmarshal(out, &env); err != nil {
		return GoEnv{}, fmt.Errorf("go env: %w", err)
	}
	return env, nil
}

// Result is what loading one group produced.
type Result struct {
	// Roots are the packages to analyse: the group's packages in the tree, test variants in
	// place of the plain package when tests are loaded, plus syntax-only packages for files the
	// build left out and for modules the go command could not load.
	Roots []*packages.Package
	// Problems say why some of the group is not fully type-checked, one line each.
	Problems []Problem
	// Cgo lists the cgo files (relative) left out of type-checking.
	Cgo []string
}

// Problem is one reason a package or module is incomplete.
type Problem struct {
	Package string // import path, or the module directory for module-wide failures
	Message string
	Module  bool // the whole module failed to load
}

// Load loads the packages of a group matching patterns ("./..." or "./dir" relative to the
// group's directory). files lists the tree's .go files (relative) for the syntax-only fallback.
func Load(ctx context.Context, cfg *Config, g Group, patterns []string, files []string) (*Result, error) {
	dir := filepath.Join(cfg.Root, filepath.FromSlash(g.Rel))
	base := cfg.Env
	if base == nil {
		base = os.Environ()
	}
	workspace := ""
	if g.Workspace != "" {
		workspace = filepath.Join(cfg.Root, filepath.FromSlash(g.Workspace))
	}
	fp := &fileParser{
		root:       cfg.Root,
		trusted:    nonEmpty(cfg.GoEnv.GOROOT, cfg.GoEnv.GOMODCACHE, cfg.GoEnv.GOCACHE),
		inTree:     cfg.InTree,
		keepBodies: cfg.KeepDependencyBodies,
	}
	pcfg := &packages.Config{
		Mode:      Mode,
		Context:   ctx,
		Dir:       dir,
		Env:       Environ(base, workspace),
		Fset:      cfg.Fset,
		ParseFile: fp.parse,
		Tests:     cfg.Tests,
	}
	if workspace == "" && len(g.Modules) == 1 {
		modfile, cleanup, err := copyModFile(cfg, g.Modules[0])
		if err != nil {
			return nil, err
		}
		defer cleanup()
		pcfg.BuildFlags = []string{"-modfile=" + modfile}
	}
	pkgs, err := packages.Load(pcfg, patterns...)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("load %s: %w", g.Rel, ctx.Err())
	}
	if err != nil || moduleFailed(pkgs) {
		reason := relativize(explainLoadFailure(err, pkgs, cfg.GoEnv.GOVERSION), cfg.Root)
		if len(pcfg.BuildFlags) > 0 {
			// Name the module's go.mod, not the temporary copy the go command read.
			tmpMod := strings.TrimPrefix(pcfg.BuildFlags[0], "-modfile=")
			reason = strings.ReplaceAll(reason, tmpMod, path.Join(g.Rel, "go.mod"))
		}
		return fallback(ctx, cfg, g, patterns, files, base, reason)
	}
	forgetTrimmingErrors(pkgs, cfg.Root, fp)
	res := &Result{}
	res.Roots = chooseRoots(pkgs, cfg.Root)
	for _, p := range res.Roots {
		if len(p.Errors) > 0 && !allFilesTagged(p) {
			res.Problems = append(res.Problems, Problem{Package: p.PkgPath, Message: relativize(firstErrors(p), cfg.Root)})
		}
	}
	// Files left out by the build are collected before packages without files are dropped: a
	// directory whose every file has a build tag is such a package.
	ignored, cgo := ignoredFiles(cfg, res.Roots)
	res.Roots = analysable(res.Roots, &res.Problems)
	res.Cgo = cgo
	if len(ignored) > 0 {
		byPath := map[string]*packages.Package{}
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			if p.Types != nil && p.Types.Complete() {
				if _, dup := byPath[p.PkgPath]; !dup {
					byPath[p.PkgPath] = p
				}
			}
		})
		res.Roots = append(res.Roots, syntaxPackages(cfg, ignored, byPath, moduleOfFile(g), singleFiles)...)
	}
	return res, nil
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// copyModFile copies go.mod and go.sum to a temporary directory for -modfile, so that
// -mod=mod records what it resolves there instead of editing the scanned tree.
func copyModFile(cfg *Config, m Module) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "fourc-modfile-")
	if err != nil {
		return "", nil, fmt.Errorf("temporary go.mod: %w", err)
	}
	cleanup := func() { os.RemoveAll(tmp) }
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := cfg.Read(path.Join(m.Rel, name))
		if err != nil {
			if name == "go.sum" {
				continue // a module without dependencies has none
			}
			cleanup()
			return "", nil, fmt.Errorf("read %s: %w", path.Join(m.Rel, name), err)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o600); err != nil {
			cleanup()
			return "", nil, fmt.Errorf("temporary %s: %w", name, err)
		}
	}
	return filepath.Join(tmp, "go.mod"), cleanup, nil
}

// moduleFailed reports the go command failing for the whole module: it then returns a single
// package with a list error and no files, whatever the patterns.
func moduleFailed(pkgs []*packages.Package) bool {
	if len(pkgs) == 0 {
		return true
	}
	for _, p := range pkgs {
		if len(p.GoFiles) > 0 || len(p.CompiledGoFiles) > 0 {
			return false
		}
		for _, e := range p.Errors {
			if e.Kind != packages.ListError {
				return false
			}
		}
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if strings.HasPrefix(e.Msg, "go: ") || strings.Contains(e.Msg, "go.mod") {
				return true
			}
		}
	}
	return false
}

// explainLoadFailure turns a go command failure into one line, adding what the user needs to
// know when the module asks for a newer Go than the scanner's.
func explainLoadFailure(err error, pkgs []*packages.Package, goVersion string) string {
	msg := ""
	if err != nil {
		msg = err.Error()
	} else {
		for _, p := range pkgs {
			if len(p.Errors) > 0 {
				msg = p.Errors[0].Msg
				break
			}
		}
	}
	// go/packages wraps the go command's failure as "err: exit status 1: stderr: go: …".
	if _, after, ok := strings.Cut(msg, "stderr: "); ok {
		msg = after
	}
	msg = firstLine(msg)
	if msg == "" {
		msg = "the go command found no packages"
	}
	if strings.Contains(msg, "requires go >=") || strings.Contains(msg, "toolchain") {
		msg += fmt.Sprintf(" — the scanner runs %s and never downloads another Go toolchain (GOTOOLCHAIN=local)", strings.TrimSpace(goVersion))
	}
	return msg
}

// relativize removes the tree's absolute location from a message: users know paths relative to
// their repository, and the scan directory of a service is meaningless to them.
func relativize(msg, root string) string {
	if root == "" {
		return msg
	}
	return strings.ReplaceAll(msg, root+string(filepath.Separator), "")
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return truncate(s, 300)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// firstErrors summarises a package's errors: the first, and how many more. A failed import is
// explained by the imported package's own error (a missing module, a bad replace directive),
// which says more than the type checker's "could not import".
func firstErrors(p *packages.Package) string {
	if len(p.Errors) == 0 {
		return ""
	}
	msg := firstLine(p.Errors[0].Error())
	if _, after, ok := strings.Cut(p.Errors[0].Msg, "could not import "); ok {
		depPath, _, _ := strings.Cut(after, " ")
		if dep := p.Imports[depPath]; dep != nil && len(dep.Errors) > 0 {
			msg = "dependency " + depPath + ": " + firstLine(dep.Errors[0].Msg)
		}
	}
	if n := len(p.Errors) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return msg
}

// allFilesTagged reports a package whose every file a build tag leaves out (a tools.go with
// //go:build tools): there is nothing to type-check, which is no failure; its files are
// handled with the other ignored files.
func allFilesTagged(p *packages.Package) bool {
	for _, e := range p.Errors {
		if !strings.Contains(e.Msg, "build constraints exclude all Go files") {
			return false
		}
	}
	return len(p.IgnoredFiles) > 0
}

// chooseRoots keeps the loaded packages whose files are in the tree. With tests, "p [p.test]"
// holds all of p's files plus its tests, so it replaces p; generated test mains are dropped.
func chooseRoots(pkgs []*packages.Package, root string) []*packages.Package {
	hasTestVariant := map[string]bool{}
	for _, p := range pkgs {
		if p.ForTest != "" && p.PkgPath == p.ForTest {
			hasTestVariant[p.PkgPath] = true
		}
	}
	var out []*packages.Package
	for _, p := range pkgs {
		switch {
		case strings.HasSuffix(p.ID, ".test") && p.Name == "main" && p.ForTest == "":
			continue // the generated test main
		case p.ForTest == "" && hasTestVariant[p.PkgPath]:
			continue
		case len(p.CompiledGoFiles) > 0 && !packageInTree(p, root):
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// analysable drops packages the analysis driver cannot take (no types or syntax at all, as when
// a pattern matched nothing), recording why.
func analysable(pkgs []*packages.Package, problems *[]Problem) []*packages.Package {
	var out []*packages.Package
	for _, p := range pkgs {
		if p.Types == nil || p.TypesInfo == nil || p.Fset == nil || p.TypesSizes == nil || len(p.Syntax) == 0 || p.Name == "" {
			if len(p.Errors) == 0 && len(p.IgnoredFiles) == 0 {
				*problems = append(*problems, Problem{Package: p.ID, Message: "no Go files could be loaded"})
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

// ignoredFiles lists the .go files in the tree that the build left out of the root packages:
// files for other platforms or tags, and cgo files (CGO_ENABLED=0).
func ignoredFiles(cfg *Config, roots []*packages.Package) (ignored, cgo []string) {
	seen := map[string]bool{}
	for _, p := range roots {
		for _, f := range p.IgnoredFiles {
			rel, ok := RelativeTo(cfg.Root, f)
			if !ok || !strings.HasSuffix(rel, ".go") || seen[rel] || (cfg.InTree != nil && !cfg.InTree(rel)) {
				continue
			}
			if !cfg.Tests && strings.HasSuffix(rel, "_test.go") {
				continue
			}
			seen[rel] = true
			ignored = append(ignored, rel)
		}
	}
	sort.Strings(ignored)
	for _, rel := range ignored {
		if data, err := cfg.Read(rel); err == nil && importsC(rel, data) {
			cgo = append(cgo, rel)
		}
	}
	return ignored, cgo
}

// importsC reports whether a file uses cgo, reading only its imports.
func importsC(name string, src []byte) bool {
	f, err := parseImports(name, src)
	if err != nil || f == nil {
		return false
	}
	for _, spec := range f.Imports {
		if p, err := strconv.Unquote(spec.Path.Value); err == nil && p == "C" {
			return true
		}
	}
	return false
}

// moduleOfFile maps a file to the module path and directory it belongs to, for naming
// syntax-only packages.
func moduleOfFile(g Group) func(rel string) (Module, bool) {
	return func(rel string) (Module, bool) {
		var best Module
		found := false
		for _, m := range g.Modules {
			if contains(m.Rel, rel) && (!found || depth(m.Rel) > depth(best.Rel)) {
				best, found = m, true
			}
		}
		return best, found
	}
}
