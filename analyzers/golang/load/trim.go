package load

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// largeGenerated is the size above which a generated file in the tree loses its function bodies
// too: findings in generated files are not reported, and multi-megabyte generated code (bindata,
// protobuf) would otherwise dominate the load.
const largeGenerated = 512 << 10

// parser decides how each file is parsed: files of the scanned tree keep their comments and
// function bodies (the analyzers and the taint engine read them); everything else — the standard
// library and downloaded modules — is only needed for its declarations, so its function bodies
// are dropped before type-checking. That is most of the cost of loading from source.
type fileParser struct {
	root       string   // the scanned tree, absolute and clean
	trusted    []string // GOROOT, GOMODCACHE and GOCACHE: where dependency files may come from
	inTree     func(rel string) bool
	keepBodies bool
	// trimmedInTree records the large generated files of the tree that lost their bodies, whose
	// resulting "imported and not used" errors are not the code's fault.
	trimmedInTree sync.Map // filename → true
}

// Refused is the error of a file the loader will not read: a parse error with a position, the
// kind go/packages reports as the package's error (one without a position it logs as its own
// internal error, on standard error).
func Refused(filename, msg string) error {
	return scanner.ErrorList{&scanner.Error{Pos: token.Position{Filename: filename, Line: 1, Column: 1}, Msg: msg}}
}

func (p *fileParser) parse(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	rel, under := RelativeTo(p.root, filename)
	if under {
		if p.inTree != nil && !p.inTree(rel) && !p.regularInRoot(filename, rel) {
			// A symbolic link (or a file reached through a linked directory) may point
			// anywhere on the host: reading it could leak that file into messages.
			return nil, Refused(filename, rel+": not a regular file of the scanned tree")
		}
		f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
		if f != nil && !p.keepBodies && len(src) > largeGenerated && ast.IsGenerated(f) {
			TrimBodies(f)
			p.trimmedInTree.Store(filename, true)
		}
		return f, err
	}
	if !p.isTrusted(filename) {
		// A replace directive pointing outside the tree (replace x => /home/u/src/x) must
		// not make the scanner read arbitrary directories of the host.
		return nil, Refused(filename, filepath.Base(filename)+": outside the scanned tree and the module cache; not read")
	}
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if f != nil && !p.keepBodies {
		TrimBodies(f)
	}
	return f, err
}

// regularInRoot reports whether a file the tree does not list (excluded by configuration, but
// still needed to type-check its package) is reached without any symbolic link.
func (p *fileParser) regularInRoot(filename, rel string) bool {
	realRoot, err := filepath.EvalSymlinks(p.root)
	if err != nil {
		return false
	}
	real, err := filepath.EvalSymlinks(filename)
	if err != nil || real != filepath.Join(realRoot, filepath.FromSlash(rel)) {
		return false
	}
	info, err := os.Lstat(real)
	return err == nil && info.Mode().IsRegular()
}

func (p *fileParser) isTrusted(filename string) bool { return Within(p.trusted, filename) }

// Within reports whether filename lies inside one of dirs.
func Within(dirs []string, filename string) bool {
	for _, dir := range dirs {
		if _, ok := RelativeTo(dir, filename); ok {
			return true
		}
	}
	return false
}

// RelativeTo returns filename relative to dir (slash-separated) when it lies inside dir.
func RelativeTo(dir, filename string) (string, bool) {
	if dir == "" {
		return "", false
	}
	rel, err := filepath.Rel(dir, filepath.Clean(filename))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(os.PathSeparator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// TrimBodies removes what type-checking a dependency does not need: function bodies (except
// those of generic functions, which go/types insists on) and init functions (which may not lack
// a body). Package-level declarations, including function literals in variable initialisers,
// stay, so the package's API type-checks exactly as before.
func TrimBodies(f *ast.File) {
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			decls = append(decls, d)
			continue
		}
		if fn.Recv == nil && fn.Name.Name == "init" {
			continue
		}
		if fn.Type.TypeParams == nil || fn.Type.TypeParams.NumFields() == 0 {
			fn.Body = nil
		}
		decls = append(decls, fn)
	}
	f.Decls = decls
	// Comments were not parsed; the remaining references are enough for the checker.
}

// trimmingArtifact matches the type errors that dropping bodies causes in a dependency: an
// import or variable used only inside a removed body.
var trimmingArtifact = regexp.MustCompile(`(imported (as \S+ )?and not used|declared and not used)`)

// IsTrimmingArtifact reports a type error that TrimBodies caused rather than the code.
func IsTrimmingArtifact(msg string) bool { return trimmingArtifact.MatchString(msg) }

// forgetTrimmingErrors removes the errors that trimming caused in packages outside the tree and
// recomputes IllTyped over the graph, so that analyzers still run on packages whose only
// "errors" were dropped bodies in their dependencies.
func forgetTrimmingErrors(roots []*packages.Package, root string, fp *fileParser) {
	trimmed := func(pos string) bool {
		if fp == nil {
			return false
		}
		found := false
		fp.trimmedInTree.Range(func(name, _ any) bool {
			found = strings.HasPrefix(pos, name.(string)+":")
			return !found
		})
		return found
	}
	packages.Visit(roots, nil, func(p *packages.Package) {
		inTree := packageInTree(p, root)
		artifact := func(msg, pos string) bool {
			return trimmingArtifact.MatchString(msg) && (!inTree || trimmed(pos))
		}
		var errs []packages.Error
		for _, e := range p.Errors {
			if e.Kind != packages.TypeError || !artifact(e.Msg, e.Pos) {
				errs = append(errs, e)
			}
		}
		p.Errors = errs
		kept := p.TypeErrors[:0]
		for _, e := range p.TypeErrors {
			pos := ""
			if e.Fset != nil {
				pos = e.Fset.Position(e.Pos).String()
			}
			if !artifact(e.Msg, pos) {
				kept = append(kept, e)
			}
		}
		p.TypeErrors = kept
		ill := len(p.Errors) > 0
		for _, imp := range p.Imports {
			if imp.IllTyped {
				ill = true
			}
		}
		p.IllTyped = ill
	})
}

// packageInTree reports whether a package's files are in the scanned tree (and so kept bodies).
func packageInTree(p *packages.Package, root string) bool {
	for _, f := range p.CompiledGoFiles {
		if _, ok := RelativeTo(root, f); ok {
			return true
		}
	}
	return false
}
