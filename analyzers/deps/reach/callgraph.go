package reach

import (
	"context"
	"fmt"
	"go/token"
	"go/types"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/callgraph/cha"
	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"
)

// calls is the per-module result of the call analysis: a shortest call path per vulnerability.
type calls map[string]map[string][]Frame

// analyzeCalls builds the call graph and finds, for each main module, a shortest path from its
// entry points to each vulnerable symbol. The call graph algorithms can panic on code the type
// checker accepted oddly; that costs the call level, not the scan.
func analyzeCalls(ctx context.Context, a *analysis, stats *Stats) (out calls, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("internal error building the call graph: %v (%s)", r, firstFrame(debug.Stack()))
		}
	}()
	stats.BodiesKept = a.bodies
	out = calls{}
	var allEntries []*ssa.Function
	for _, m := range sortedKeys(a.entries) {
		stats.EntryPoints += len(a.entries[m])
		allEntries = append(allEntries, a.entries[m]...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	began := time.Now()
	cg := a.callGraph(ctx, allEntries)
	stats.CallGraph = time.Since(began)
	stats.HeapAfterCallGraph = heapInUse()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stats.Functions = len(cg.Nodes)
	began = time.Now()
	for _, m := range sortedKeys(a.entries) {
		if paths := a.shortestPaths(cg, a.entries[m]); len(paths) > 0 {
			out[m] = paths
		}
	}
	stats.Search = time.Since(began)
	return out, nil
}

// analysis holds the SSA program and what is known about its functions.
type analysis struct {
	prog    *ssa.Program
	index   *vulnIndex
	modules map[*types.Package]string // module of each package, as moduleKey names it
	// trimmed marks the packages whose bodies were dropped: calls into them are not followed,
	// so values handed to them are treated as called (see escapes).
	trimmed map[*types.Package]bool
	entries map[string][]*ssa.Function // per main module
	bodies  int
	escaped map[*ssa.Function][]escape

	// The concrete types reachable code converts to interfaces, RTA-style, for interface values
	// that reach trimmed code without showing where they came from (a parameter passed along).
	converted    typeutil.Map // types.Type → bool
	noted        map[*ssa.Function]bool
	implementers typeutil.Map // interface type → []*ssa.Function, for the current converted set
}

// newAnalysis describes the program the pipeline built: each package's module, which packages
// lost their bodies, and the entry points of the main modules among roots.
func newAnalysis(pl *pipeline, roots, built []*packages.Package, index *vulnIndex) *analysis {
	a := &analysis{
		prog:    pl.prog,
		index:   index,
		modules: map[*types.Package]string{},
		trimmed: map[*types.Package]bool{},
		entries: map[string][]*ssa.Function{},
		escaped: map[*ssa.Function][]escape{},
		noted:   map[*ssa.Function]bool{},
		bodies:  pl.bodies,
	}
	for _, p := range built {
		t := pl.created[p].Pkg
		a.modules[t] = moduleKey(p)
		if pl.keep != nil && !keepsAny(p, pl.keep) {
			a.trimmed[t] = true
		}
	}
	for _, p := range roots {
		if p.Module == nil || !p.Module.Main || pl.created[p] == nil {
			continue
		}
		a.entries[p.Module.Path] = append(a.entries[p.Module.Path], entryPoints(pl.created[p])...)
	}
	for _, fns := range a.entries {
		sort.Slice(fns, func(i, j int) bool { return fns[i].String() < fns[j].String() })
	}
	return a
}

// entryPoints follows govulncheck: a main package is entered through main and its package
// initializer; any other package through its initializer and every exported function and
// method (its callers are outside the module, and may call any of them).
func entryPoints(pkg *ssa.Package) []*ssa.Function {
	var out []*ssa.Function
	if pkg.Pkg.Name() == "main" {
		if f := pkg.Func("main"); f != nil {
			out = append(out, f)
		}
		if f := pkg.Func("init"); f != nil {
			out = append(out, f)
		}
		return out
	}
	for _, name := range sortedKeys(pkg.Members) {
		for _, f := range memberFuncs(pkg.Members[name], pkg.Prog) {
			if f.Name() == "init" && f.Synthetic == "package initializer" ||
				f.Synthetic == "" && f.Object() != nil && f.Object().Exported() {
				out = append(out, f)
			}
		}
	}
	return out
}

// memberFuncs is a function member itself, or the methods of a type member.
func memberFuncs(member ssa.Member, prog *ssa.Program) []*ssa.Function {
	switch m := member.(type) {
	case *ssa.Function:
		return []*ssa.Function{m}
	case *ssa.Type:
		var out []*ssa.Function
		for _, sel := range typeutil.IntuitiveMethodSet(m.Type(), &prog.MethodSets) {
			if f := prog.MethodValue(sel); f != nil {
				out = append(out, f)
			}
		}
		return out
	}
	return nil
}

// callGraph is govulncheck's: CHA over the program seeds VTA over the functions reachable from
// the entries, and VTA runs again seeded with its own first answer.
func (a *analysis) callGraph(ctx context.Context, entries []*ssa.Function) *callgraph.Graph {
	initial := cha.CallGraph(a.prog)
	slice, converged := a.stableSlice(entries, initial)
	if ctx.Err() != nil {
		return initial
	}
	if converged {
		releaseUnreached(initial, slice)
	}
	first := vta.CallGraph(slice, initial)
	slice, _ = a.stableSlice(entries, first)
	if ctx.Err() != nil {
		return first
	}
	cg := vta.CallGraph(slice, first)
	cg.DeleteSyntheticNodes()
	return cg
}

// stableSlice repeats the forward slice until the types it finds converted to interfaces stop
// growing: escapes into trimmed code depend on them, and they depend on what is reachable. It
// says whether they did stop within its bound.
func (a *analysis) stableSlice(entries []*ssa.Function, cg *callgraph.Graph) (map[*ssa.Function]bool, bool) {
	var slice map[*ssa.Function]bool
	for range 5 {
		before := a.converted.Len()
		a.escaped = map[*ssa.Function][]escape{}
		a.implementers = typeutil.Map{}
		slice = a.forwardSlice(entries, cg)
		if a.converted.Len() == before {
			return slice, true
		}
	}
	return slice, false
}

// releaseUnreached empties the SSA bodies of the functions outside the slice CHA allows, before
// VTA's graphs, the largest allocations of the scan. VTA only narrows CHA's edges, and the
// later slices only narrow this one (the converted types stopped growing here), so no later
// step reads those bodies.
func releaseUnreached(cha *callgraph.Graph, slice map[*ssa.Function]bool) {
	for f := range cha.Nodes {
		if f != nil && !slice[f] && len(f.Blocks) > 0 {
			f.Blocks, f.Locals, f.Recover = nil, nil, nil
		}
	}
}

// forwardSlice is every function reachable from the entries by call edges, by being referred to
// as a value, or by escaping into trimmed code.
func (a *analysis) forwardSlice(entries []*ssa.Function, cg *callgraph.Graph) map[*ssa.Function]bool {
	seen := map[*ssa.Function]bool{}
	stack := append([]*ssa.Function(nil), entries...)
	var operands []*ssa.Value
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f == nil || seen[f] {
			continue
		}
		seen[f] = true
		a.note(f)
		if n := cg.Nodes[f]; n != nil {
			for _, e := range n.Out {
				if e.Site != nil {
					stack = append(stack, e.Callee.Func)
				}
			}
		}
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				for _, op := range instr.Operands(operands[:0]) {
					if fn, ok := (*op).(*ssa.Function); ok {
						stack = append(stack, fn)
					}
				}
			}
		}
		for _, e := range a.escapes(f) {
			stack = append(stack, e.target)
		}
	}
	return seen
}

// note records the types f converts to interfaces.
func (a *analysis) note(f *ssa.Function) {
	if a.noted[f] {
		return
	}
	a.noted[f] = true
	for _, b := range f.Blocks {
		for _, instr := range b.Instrs {
			if mi, ok := instr.(*ssa.MakeInterface); ok {
				if t := mi.X.Type(); !types.IsInterface(t) && !hasTypeParams(t) {
					a.converted.Set(t, true)
				}
			}
		}
	}
}

// escape is a function that is handed to trimmed code, which may call it.
type escape struct {
	target *ssa.Function
	pos    token.Pos
	via    string // what receives it: the trimmed callee, or the field or variable stored to
}

// escapes lists the functions f hands to trimmed code: function values, closures and the methods
// of interface values passed as arguments to a trimmed function, or stored in a struct or
// variable of a trimmed package (&http.Server{Handler: h}). Values that reach trimmed code in
// other ways (inside a struct passed by value, through a parameter) are not seen.
func (a *analysis) escapes(f *ssa.Function) []escape {
	if out, ok := a.escaped[f]; ok {
		return out
	}
	var out []escape
	add := func(v ssa.Value, pos token.Pos, via string) {
		for _, t := range a.functionsIn(v, 0) {
			out = append(out, escape{target: t, pos: pos, via: via})
		}
	}
	for _, b := range f.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case ssa.CallInstruction:
				callee := in.Common().StaticCallee()
				if callee == nil || !a.isTrimmed(callee) {
					continue
				}
				for _, arg := range in.Common().Args {
					add(arg, in.Pos(), displayName(callee))
				}
			case *ssa.Store:
				if via := a.trimmedLocation(in.Addr); via != "" {
					add(in.Val, in.Pos(), via)
				}
			}
		}
	}
	a.escaped[f] = out
	return out
}

// functionsIn are the functions a value handed to trimmed code may have it call: the function
// or closure itself; the methods of an interface value's concrete type (those the interface
// has, or all of them for an empty interface, whose users may assert any other interface).
// When an interface value's origin is not visible (a parameter passed along), RTA's answer
// stands in: the methods of every type reachable code converts to an interface and that
// implements it.
func (a *analysis) functionsIn(v ssa.Value, depth int) []*ssa.Function {
	if depth > 3 {
		return nil
	}
	switch v := v.(type) {
	case *ssa.Function:
		return []*ssa.Function{v}
	case *ssa.MakeClosure:
		if fn, ok := v.Fn.(*ssa.Function); ok {
			return []*ssa.Function{fn}
		}
		return nil
	case *ssa.ChangeType:
		return a.functionsIn(v.X, depth+1)
	case *ssa.Convert:
		return a.functionsIn(v.X, depth+1)
	case *ssa.ChangeInterface:
		return a.functionsIn(v.X, depth+1)
	case *ssa.MakeInterface:
		return a.methods(v.X.Type(), v.Type())
	case *ssa.Const:
		return nil // nil
	}
	if t, ok := v.Type().Underlying().(*types.Interface); ok && t.NumMethods() > 0 {
		return a.implementersOf(v.Type())
	}
	// A function value of unknown origin is not followed: matching it by signature against
	// every function used as a value (func() is everywhere) reports paths that do not exist.
	return nil
}

// implementersOf lists the methods of iface of every converted type implementing it.
func (a *analysis) implementersOf(iface types.Type) []*ssa.Function {
	if fns, ok := a.implementers.At(iface).([]*ssa.Function); ok {
		return fns
	}
	it := iface.Underlying().(*types.Interface)
	var out []*ssa.Function
	a.converted.Iterate(func(t types.Type, _ any) {
		if types.Implements(t, it) {
			out = append(out, a.methods(t, iface)...)
		}
	})
	a.implementers.Set(iface, out)
	return out
}

func (a *analysis) methods(concrete, iface types.Type) []*ssa.Function {
	if types.IsInterface(concrete) || hasTypeParams(concrete) {
		return nil
	}
	it, _ := iface.Underlying().(*types.Interface)
	mset := a.prog.MethodSets.MethodSet(concrete)
	var out []*ssa.Function
	for i := 0; i < mset.Len(); i++ {
		sel := mset.At(i)
		if it != nil && it.NumMethods() > 0 {
			if obj, _, _ := types.LookupFieldOrMethod(it, false, sel.Obj().Pkg(), sel.Obj().Name()); obj == nil {
				continue
			}
		}
		if fn := a.prog.MethodValue(sel); fn != nil {
			out = append(out, fn)
		}
	}
	return out
}

func hasTypeParams(t types.Type) bool {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		return t.TypeParams().Len() > 0 && t.TypeArgs().Len() == 0
	case *types.Pointer:
		return hasTypeParams(t.Elem())
	case *types.TypeParam:
		return true
	}
	return false
}

// isTrimmed reports whether a function lost its body to trimming (as opposed to being written
// in assembly, which has no Go body to follow anyway).
func (a *analysis) isTrimmed(f *ssa.Function) bool {
	if len(f.Blocks) > 0 {
		return false
	}
	if o := f.Origin(); o != nil {
		f = o
	}
	return f.Pkg != nil && a.trimmed[f.Pkg.Pkg]
}

// trimmedLocation names a store address that belongs to a trimmed package — a field of one of
// its struct types, or one of its package variables — and returns "" for any other address.
func (a *analysis) trimmedLocation(addr ssa.Value) string {
	switch addr := addr.(type) {
	case *ssa.FieldAddr:
		if ptr, ok := types.Unalias(addr.X.Type()).Underlying().(*types.Pointer); ok {
			if named, ok := types.Unalias(ptr.Elem()).(*types.Named); ok && named.Obj().Pkg() != nil && a.trimmed[named.Obj().Pkg()] {
				field := ""
				if st, ok := named.Underlying().(*types.Struct); ok && addr.Field < st.NumFields() {
					field = "." + st.Field(addr.Field).Name()
				}
				return named.Obj().Pkg().Name() + "." + named.Obj().Name() + field
			}
		}
	case *ssa.Global:
		if addr.Pkg != nil && a.trimmed[addr.Pkg.Pkg] {
			return addr.Pkg.Pkg.Name() + "." + addr.Name()
		}
	}
	return ""
}

// step is how breadth-first search reached a function.
type step struct {
	from *ssa.Function
	pos  token.Pos
	via  string
}

// shortestPaths searches breadth-first from the entries over call edges and escapes, and keeps
// for each vulnerability the first vulnerable symbol reached: a shortest path.
func (a *analysis) shortestPaths(cg *callgraph.Graph, entries []*ssa.Function) map[string][]Frame {
	out := map[string][]Frame{}
	prev := map[*ssa.Function]*step{}
	queue := make([]*ssa.Function, 0, len(entries))
	for _, e := range entries {
		if _, ok := prev[e]; !ok {
			prev[e] = nil
			queue = append(queue, e)
		}
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, id := range a.sinkVulns(f) {
			if _, done := out[id]; !done {
				out[id] = a.frames(f, prev)
			}
		}
		visit := func(g *ssa.Function, s *step) {
			if g == nil {
				return
			}
			if _, ok := prev[g]; ok {
				return
			}
			prev[g] = s
			queue = append(queue, g)
		}
		if n := cg.Nodes[f]; n != nil {
			edges := append([]*callgraph.Edge(nil), n.Out...)
			sort.SliceStable(edges, func(i, j int) bool { return edges[i].Pos() < edges[j].Pos() })
			for _, e := range edges {
				visit(e.Callee.Func, &step{from: f, pos: e.Pos()})
			}
		} else {
			// Synthetic wrappers (a bound method value handed to trimmed code) were removed
			// from the graph; their static calls still lead on.
			for _, b := range f.Blocks {
				for _, instr := range b.Instrs {
					if call, ok := instr.(ssa.CallInstruction); ok {
						visit(call.Common().StaticCallee(), &step{from: f, pos: call.Pos()})
					}
				}
			}
		}
		for _, e := range a.escapes(f) {
			visit(e.target, &step{from: f, pos: e.pos, via: e.via})
		}
	}
	return out
}

// sinkVulns lists the vulnerabilities of which f is a vulnerable symbol.
func (a *analysis) sinkVulns(f *ssa.Function) []string {
	pkg := functionPackage(f)
	if pkg == nil {
		return nil
	}
	pvs := a.index.forPath(pkg.Path(), a.modules[pkg])
	if len(pvs) == 0 {
		return nil
	}
	name := dbFuncName(f)
	var ids []string
	for _, pv := range pvs {
		if len(pv.symbols) == 0 || contains(pv.symbols, name) {
			ids = append(ids, a.index.vulns[pv.vuln].ID)
		}
	}
	return ids
}

func (a *analysis) frames(sink *ssa.Function, prev map[*ssa.Function]*step) []Frame {
	fset := a.prog.Fset
	last := Frame{Function: displayName(sink), Position: fset.Position(sink.Pos())}
	if p := functionPackage(sink); p != nil {
		last.Package = p.Path()
	}
	frames := []Frame{last}
	for f := sink; prev[f] != nil; f = prev[f].from {
		s := prev[f]
		if s.from.Synthetic != "" && prev[s.from] != nil {
			// A wrapper (a bound method value's) says nothing a reader needs: the frame before
			// it points straight at the method.
			continue
		}
		fr := Frame{Function: displayName(s.from), Position: fset.Position(s.pos), Via: s.via}
		if !s.pos.IsValid() {
			fr.Position = fset.Position(s.from.Pos())
		}
		if p := functionPackage(s.from); p != nil {
			fr.Package = p.Path()
		}
		frames = append(frames, fr)
		if len(frames) > 1000 {
			break // a cycle in prev cannot happen, but never loop forever
		}
	}
	for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
		frames[i], frames[j] = frames[j], frames[i]
	}
	return frames
}

func functionPackage(f *ssa.Function) *types.Package {
	if o := f.Origin(); o != nil {
		f = o
	}
	if f.Pkg != nil {
		return f.Pkg.Pkg
	}
	if obj := f.Object(); obj != nil {
		return obj.Pkg()
	}
	return nil
}

// displayName is "pkgname.Symbol" with the symbol as the database writes it; a method value's
// wrapper is shown as its method.
func displayName(f *ssa.Function) string {
	name := strings.TrimSuffix(strings.TrimSuffix(dbFuncName(f), "$bound"), "$thunk")
	if p := functionPackage(f); p != nil {
		return p.Name() + "." + name
	}
	return name
}

// dbFuncName names a function as the Go vulnerability database names symbols: Func, or
// Type.Method whatever the receiver's pointerness and type arguments; bound method values and
// thunks count as their method. It follows govulncheck's naming.
func dbFuncName(f *ssa.Function) string {
	var recv types.Type
	switch {
	case f.Signature.Recv() != nil:
		recv = f.Signature.Recv().Type()
	case len(f.FreeVars) == 1 && strings.HasPrefix(f.Synthetic, "bound "):
		recv = f.FreeVars[0].Type()
	case strings.HasPrefix(f.Synthetic, "thunk ") && f.Signature.Params().Len() >= 1:
		recv = f.Signature.Params().At(0).Type()
	}
	name, _, _ := strings.Cut(f.Name(), "[")
	if recv == nil {
		return name
	}
	return typeName(recv) + "." + name
}

func typeName(t types.Type) string {
	switch t := types.Unalias(t).(type) {
	case *types.Pointer:
		return typeName(t.Elem())
	case *types.Named:
		return t.Obj().Name()
	default:
		return types.TypeString(t, func(*types.Package) string { return "" })
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func firstFrame(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.Contains(l, "panic(") && i+3 < len(lines) {
			return strings.TrimSpace(lines[i+2]) + " " + strings.TrimSpace(lines[i+3])
		}
	}
	return ""
}
