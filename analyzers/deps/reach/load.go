package reach

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/fourcsec/fourc/analyzers/golang/load"
)

// graphMode is what the import levels need — names, files and the import graph, from go list
// alone (nothing is parsed or type-checked) — and the sizes the pipeline type-checks with.
const graphMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedModule | packages.NeedTypesSizes

// loadGraph lists the packages and their dependencies.
func loadGraph(ctx context.Context, cfg *Config) ([]*packages.Package, error) {
	pkgs, err := packages.Load(&packages.Config{
		Mode:       graphMode,
		Context:    ctx,
		Dir:        cfg.Dir,
		Env:        cfg.Env,
		BuildFlags: cfg.BuildFlags,
	}, patterns(cfg)...)
	if err != nil {
		return nil, fmt.Errorf("list packages: %w", err)
	}
	return pkgs, nil // none for a module without Go files: then nothing is imported
}

func patterns(cfg *Config) []string {
	if len(cfg.Patterns) > 0 {
		return cfg.Patterns
	}
	return []string{"./..."}
}

// fileParser parses a file for the type checker, refusing files it must not read and trimming
// the bodies of files whose package cannot reach vulnerable code.
type fileParser struct {
	cfg  *Config
	keep map[string]bool // absolute file names whose bodies are kept; nil keeps all
}

func (p *fileParser) parse(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	if rel, under := load.RelativeTo(p.cfg.Root, filename); under {
		if p.cfg.InTree != nil && !p.cfg.InTree(rel) {
			return nil, load.Refused(filename, filepath.Base(filename)+": not a regular file of the scanned tree")
		}
	} else if !load.Within(p.cfg.Trusted, filename) {
		// A replace directive pointing outside the tree must not make the scanner read
		// arbitrary directories of the host.
		return nil, load.Refused(filename, filepath.Base(filename)+": outside the scanned tree and the module cache; not read")
	}
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if f != nil && p.keep != nil && !p.keep[filename] {
		load.TrimBodies(f)
	}
	return f, err
}

func keepsAny(p *packages.Package, keep map[string]bool) bool {
	for _, f := range p.CompiledGoFiles {
		if keep[f] {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}
