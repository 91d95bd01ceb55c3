package golang

import (
	"context"
	"fmt"
	"go/types"
	"runtime/debug"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/fourcsec/fourc/shared/engine"
)

// wrapping runs analyzers the way a service must: a panic in one analyzer on one package (the
// analysed code is hostile, and the checker runs analyzers on goroutines the engine's own
// recover cannot reach) becomes that action's error; a cancelled scan stops starting new
// actions; and each root package counts as done for progress once every requested analyzer has
// run on it.
//
// The checker keys ResultOf by analyzer, and analyzers look their prerequisites up by the
// original pointers (pass.ResultOf[inspect.Analyzer]), so each wrapped Run hands the original
// function a pass whose ResultOf is keyed by the originals again.
type wrapping struct {
	ctx       context.Context
	top       []*analysis.Analyzer
	byOrig    map[*analysis.Analyzer]*analysis.Analyzer
	toOrig    map[*analysis.Analyzer]*analysis.Analyzer
	requested map[*analysis.Analyzer]bool // originals whose completion counts for progress

	mu        sync.Mutex
	remaining map[*types.Package]int
	progress  *engine.Progress
}

func newWrapping(ctx context.Context, analyzers []*analysis.Analyzer, roots []*packages.Package, progress *engine.Progress) *wrapping {
	w := &wrapping{
		ctx:       ctx,
		byOrig:    map[*analysis.Analyzer]*analysis.Analyzer{},
		toOrig:    map[*analysis.Analyzer]*analysis.Analyzer{},
		requested: map[*analysis.Analyzer]bool{},
		remaining: map[*types.Package]int{},
		progress:  progress,
	}
	for _, a := range analyzers {
		w.requested[a] = true
		w.top = append(w.top, w.wrap(a))
	}
	for _, p := range roots {
		if p.Types != nil {
			w.remaining[p.Types] = len(analyzers)
		}
	}
	return w
}

func (w *wrapping) original(a *analysis.Analyzer) *analysis.Analyzer {
	if o, ok := w.toOrig[a]; ok {
		return o
	}
	return a
}

func (w *wrapping) wrap(orig *analysis.Analyzer) *analysis.Analyzer {
	if c, ok := w.byOrig[orig]; ok {
		return c
	}
	c := *orig
	w.byOrig[orig] = &c
	w.toOrig[&c] = orig
	c.Requires = nil
	for _, req := range orig.Requires {
		c.Requires = append(c.Requires, w.wrap(req))
	}
	run := orig.Run
	c.Run = func(pass *analysis.Pass) (result any, err error) {
		if err := w.ctx.Err(); err != nil {
			return nil, err
		}
		defer func() {
			if r := recover(); r != nil {
				result = nil
				err = fmt.Errorf("internal error: %v (%s)", r, stackHint(debug.Stack()))
			}
			if w.requested[orig] {
				w.done(pass.Pkg)
			}
		}()
		inner := *pass
		inner.Analyzer = orig
		inner.ResultOf = make(map[*analysis.Analyzer]any, len(pass.ResultOf))
		for a, r := range pass.ResultOf {
			inner.ResultOf[w.original(a)] = r
		}
		return run(&inner)
	}
	return &c
}

// done counts one requested analyzer finished on pkg; the last one reports the package.
func (w *wrapping) done(pkg *types.Package) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, ok := w.remaining[pkg]
	if !ok {
		return // a dependency analysed for facts, not a root
	}
	if n <= 1 {
		delete(w.remaining, pkg)
		w.progress.AddPackages(1)
		return
	}
	w.remaining[pkg] = n - 1
}

// finishProgress counts the roots some analyzer skipped (ill-typed packages, failed
// prerequisites), which never reach done.
func (w *wrapping) finishProgress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.progress.AddPackages(len(w.remaining))
	clear(w.remaining)
}

// stackHint keeps the frames of a panic that point at the analyzer, not the runtime.
func stackHint(stack []byte) string {
	var frames []string
	for _, line := range strings.Split(string(stack), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "/") && !strings.Contains(line, "/runtime/") && !strings.Contains(line, "/golang/wrap.go") {
			frames = append(frames, line[strings.LastIndex(line, "/")+1:])
		}
		if len(frames) == 3 {
			break
		}
	}
	return strings.Join(frames, " < ")
}
