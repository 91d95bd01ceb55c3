package golang

import (
	"context"
	"errors"
	"go/ast"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/load"
	"github.com/fourcsec/fourc/shared/engine"
)

// A panicking analyzer must cost its own results, not the process, and the others must still
// see their prerequisites under the original analyzer pointers.
func TestWrappedAnalyzersContainPanics(t *testing.T) {
	panicky := &analysis.Analyzer{
		Name: "panicky",
		Doc:  "panics on every package",
		Run:  func(*analysis.Pass) (any, error) { panic("boom") },
	}
	strange := &analysis.Analyzer{
		Name:     "strange",
		Doc:      "reports a category that is no rule",
		Requires: []*analysis.Analyzer{inspect.Analyzer},
		Run: func(pass *analysis.Pass) (any, error) {
			ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
			if !ok {
				return nil, errors.New("inspect result not found under the original analyzer")
			}
			ins.Preorder([]ast.Node{(*ast.File)(nil)}, func(n ast.Node) {
				pass.Report(analysis.Diagnostic{Pos: n.Pos(), Category: "no-such-rule", Message: "x"})
			})
			return nil, nil
		},
	}
	tree, _, err := engine.OpenTree(filepath.Join("testdata", "toolchain"), nil)
	if err != nil {
		t.Fatal(err)
	}
	goEnv, err := load.ReadGoEnv(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &load.Config{Root: tree.Root, InTree: tree.Has, Read: tree.ReadFile, GoEnv: goEnv, Fset: token.NewFileSet()}
	loaded, err := load.Load(context.Background(), cfg, load.Group{Rel: ".", Modules: []load.Module{{Rel: ".", Path: "example.com/toolchain"}}}, []string{"./..."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	progress := &engine.Progress{}
	run := &scanRun{
		scanner:   &scanner{},
		req:       &engine.Request{Tree: tree, Progress: progress},
		res:       &engine.Result{},
		analyzers: []*analysis.Analyzer{panicky, strange},
		seen:      map[string]bool{},
	}
	if err := run.analyze(context.Background(), cfg, loaded.Roots); err != nil {
		t.Fatalf("analyze: %v", err)
	}
	res := run.finish()
	if len(res.Incomplete) != 1 || !strings.HasPrefix(res.Incomplete[0], "Go analyzers failed: panicky on example.com/toolchain: internal error: boom") {
		t.Errorf("reasons = %q, want the panic reported", res.Incomplete)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Message != `analyzer strange reported category "no-such-rule", which is not one of its rules; those diagnostics were dropped` {
		t.Errorf("diagnostics = %+v, want the unknown category noted once", res.Diagnostics)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings = %+v, want none", res.Findings)
	}
	if got := progress.Snapshot().Packages; got != 1 {
		t.Errorf("packages done = %d, want 1", got)
	}
}
