package taint

import (
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"
)

// maxDepth bounds how deep on-demand summaries nest before a call falls back to the default
// treatment; real call chains within a package are far shallower.
const maxDepth = 48

type engine struct {
	pass *analysis.Pass
	cfg  *Config
	pkg  *ssa.Package

	sources     []SourceRef
	sourceIndex map[sourceKey]origin

	sourceFuncs map[Func]*Source
	fieldSrcs   map[fieldKey]Class
	globalSrcs  map[Func]Class // package-level variables, by Pkg and Name
	sinks       map[Func][]*Sink
	sanitizers  map[Func]bool
	propagators map[Func]bool

	summaries map[*ssa.Function]*summary
	facts     map[*types.Func]*summary // imported, nil when none
	depth     int

	carriesCache map[types.Type]bool
	reported     map[reportKey]bool
}

type fieldKey struct{ pkg, typ, field string }

type sourceKey struct {
	desc  string
	class Class
	file  string
	line  int
	pos   token.Pos
}

type reportKey struct {
	pos     token.Pos
	sink    string
	kind    string
	classes Class
}

func newEngine(pass *analysis.Pass, in *buildssa.SSA, cfg *Config) *engine {
	e := &engine{
		pass:         pass,
		cfg:          cfg,
		pkg:          in.Pkg,
		sourceIndex:  map[sourceKey]origin{},
		sourceFuncs:  map[Func]*Source{},
		fieldSrcs:    map[fieldKey]Class{},
		globalSrcs:   map[Func]Class{},
		sinks:        map[Func][]*Sink{},
		sanitizers:   map[Func]bool{},
		propagators:  map[Func]bool{},
		summaries:    map[*ssa.Function]*summary{},
		facts:        map[*types.Func]*summary{},
		carriesCache: map[types.Type]bool{},
		reported:     map[reportKey]bool{},
	}
	for _, list := range [][]Source{builtinSources, cfg.Sources} {
		for i := range list {
			if list[i].Class&cfg.Classes != 0 {
				e.sourceFuncs[list[i].Func] = &list[i]
			}
		}
	}
	for _, list := range [][]FieldSource{builtinFields, cfg.FieldSources} {
		for _, fs := range list {
			if fs.Class&cfg.Classes == 0 {
				continue
			}
			for _, f := range fs.Fields {
				e.fieldSrcs[fieldKey{fs.Pkg, fs.Type, f}] |= fs.Class
			}
		}
	}
	for _, list := range [][]GlobalSource{builtinGlobals, cfg.Globals} {
		for _, g := range list {
			if g.Class&cfg.Classes != 0 {
				e.globalSrcs[Func{Pkg: g.Pkg, Name: g.Name}] |= g.Class
			}
		}
	}
	for i := range cfg.Sinks {
		k := cfg.Sinks[i].Func
		e.sinks[k] = append(e.sinks[k], &cfg.Sinks[i])
	}
	for _, f := range cfg.Sanitizers {
		e.sanitizers[f] = true
	}
	for _, f := range cfg.Propagators {
		e.propagators[f] = true
	}
	return e
}

// lookup finds f's entry in a table, trying the exact name, then "*".
func lookup[V any](table map[Func]V, f Func) (V, bool) {
	if len(table) == 0 {
		var zero V
		return zero, false
	}
	if v, ok := table[f]; ok {
		return v, true
	}
	f.Name = "*"
	v, ok := table[f]
	return v, ok
}

// intern returns the origin of a source, creating it on first sight.
func (e *engine) intern(ref SourceRef) origin {
	k := sourceKey{desc: ref.Desc, class: ref.Class, file: ref.File, line: ref.Line, pos: ref.pos}
	if o, ok := e.sourceIndex[k]; ok {
		return o
	}
	o := origin(firstSource + len(e.sources))
	e.sources = append(e.sources, ref)
	e.sourceIndex[k] = o
	return o
}

// sourceAt interns a source found at pos in the analysed package.
func (e *engine) sourceAt(desc string, class Class, pos token.Pos) origin {
	ref := SourceRef{Desc: desc, Class: class, pos: pos}
	ref.File, ref.Line = e.fileLine(pos)
	return e.intern(ref)
}

func (e *engine) fileLine(pos token.Pos) (string, int) {
	if !pos.IsValid() {
		return "", 0
	}
	p := e.pass.Fset.Position(pos)
	return filepath.Base(p.Filename), p.Line
}

// summaryOf analyses fn (once) and returns its summary, or nil when fn is being analysed
// further up the stack (recursion) or the analysis is too deep.
func (e *engine) summaryOf(fn *ssa.Function) *summary {
	if s, ok := e.summaries[fn]; ok {
		if !s.complete {
			return nil
		}
		return s
	}
	if fn == nil || fn.Blocks == nil || e.depth >= maxDepth {
		return nil
	}
	s := &summary{}
	e.summaries[fn] = s
	e.depth++
	newFnState(e, fn, s).analyse()
	e.depth--
	s.complete = true
	return s
}

// importedSummary returns the summary exported by obj's package, or nil.
func (e *engine) importedSummary(obj *types.Func) *summary {
	if s, ok := e.facts[obj]; ok {
		return s
	}
	var s *summary
	if fact := e.cfg.NewFact(); fact != nil && e.pass.ImportObjectFact(obj, fact) {
		s = e.fromFact(fact.Summary())
	}
	e.facts[obj] = s
	return s
}

// exportFacts exports the summaries of the package's exported functions and methods that
// differ from what a caller would assume without them.
func (e *engine) exportFacts(funcs []*ssa.Function) {
	for _, fn := range funcs {
		if fn.Parent() != nil || fn.Synthetic != "" {
			continue
		}
		obj, ok := fn.Object().(*types.Func)
		if !ok || obj == nil || !obj.Exported() || obj.Pkg() != e.pass.Pkg {
			continue
		}
		s := e.summaries[fn]
		if s == nil {
			continue
		}
		sum := e.toFact(s)
		if e.isDefaultSummary(fn, &sum) {
			continue
		}
		fact := e.cfg.NewFact()
		*fact.Summary() = sum
		e.pass.ExportObjectFact(obj, fact)
	}
}

// isDefaultSummary reports whether s says exactly what callers assume of a function without a
// fact: every parameter that can carry data reaches the results (if any result can carry data),
// and nothing else happens.
func (e *engine) isDefaultSummary(fn *ssa.Function, s *Summary) bool {
	if len(s.ResultSources) > 0 || len(s.Sinks) > 0 || len(s.Writes) > 0 {
		return false
	}
	if e.cfg.OpaqueCalls {
		return len(s.ResultParams) == 0
	}
	var want []int
	if e.carries(fn.Signature.Results()) {
		for i, p := range fn.Params {
			if e.carries(p.Type()) {
				want = append(want, i)
			}
		}
	}
	return slices.Equal(want, s.ResultParams)
}

var errorType = types.Universe.Lookup("error").Type()

// carries reports whether a value of type t can hold attacker-shaped data. Booleans never can;
// numbers can only when the analyzer says so (random numbers are the data for insecurerand,
// while a number in a SQL query cannot change its structure).
func (e *engine) carries(t types.Type) bool {
	if t == nil {
		return false
	}
	if c, ok := e.carriesCache[t]; ok {
		return c
	}
	c := true
	if types.Identical(t, errorType) {
		// An error's message rarely becomes a query, a path or a URL, and treating every error
		// of a call with an untrusted argument as untrusted connects unrelated flows.
		e.carriesCache[t] = false
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			c = false
		case u.Info()&types.IsNumeric != 0:
			c = e.cfg.NumbersCarry
		case u.Kind() == types.Invalid:
			c = false
		}
	case *types.Tuple:
		c = false
		for i := 0; i < u.Len(); i++ {
			if e.carries(u.At(i).Type()) {
				c = true
				break
			}
		}
	}
	e.carriesCache[t] = c
	return c
}

// report hands one finding to the analyzer, once per position, sink and source classes.
func (e *engine) report(pos token.Pos, sink SinkRef, srcs tset) {
	if !pos.IsValid() || len(srcs) == 0 {
		return
	}
	f := Finding{Pos: pos, Sink: sink}
	for _, o := range srcs {
		f.Sources = append(f.Sources, e.sources[o-firstSource])
	}
	f.Sink.pos = token.NoPos
	k := reportKey{pos: pos, sink: sink.Desc, kind: sink.Kind, classes: f.Classes()}
	if e.reported[k] {
		return
	}
	e.reported[k] = true
	e.cfg.Report(f)
}

// FuncName renders a function or method as users read it: "exec.Command", "(*sql.DB).Query",
// "(http.ResponseWriter).Write".
func FuncName(obj *types.Func) string {
	if obj == nil {
		return "function value"
	}
	pkg := ""
	if obj.Pkg() != nil {
		pkg = obj.Pkg().Name() + "."
	}
	sig, _ := obj.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return pkg + obj.Name()
	}
	t := sig.Recv().Type()
	star := ""
	if p, ok := t.(*types.Pointer); ok {
		star, t = "*", p.Elem()
	}
	name := "?"
	if n, ok := types.Unalias(t).(*types.Named); ok {
		name = n.Obj().Name()
		if n.Obj().Pkg() != nil {
			pkg = n.Obj().Pkg().Name() + "."
		}
	} else if _, ok := t.Underlying().(*types.Interface); ok {
		name = "interface"
	}
	return "(" + star + pkg + name + ")." + obj.Name()
}

// funcOf returns the identity of a declared function or method for table lookups.
func funcOf(obj *types.Func) (Func, bool) {
	if obj == nil || obj.Pkg() == nil {
		return Func{}, false
	}
	obj = obj.Origin()
	f := Func{Pkg: obj.Pkg().Path(), Name: obj.Name()}
	sig, _ := obj.Type().(*types.Signature)
	if sig != nil && sig.Recv() != nil {
		t := sig.Recv().Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			f.Recv = n.Obj().Name()
		} else {
			f.Recv = "?"
		}
	}
	return f, true
}

// namedType returns the package path and name of t, looking through one pointer.
func namedType(t types.Type) (pkg, name string, ok bool) {
	if t == nil {
		return "", "", false
	}
	if p, isPtr := t.Underlying().(*types.Pointer); isPtr {
		t = p.Elem()
	}
	n, isNamed := types.Unalias(t).(*types.Named)
	if !isNamed || n.Obj() == nil {
		return "", "", false
	}
	if n.Obj().Pkg() == nil {
		return "", n.Obj().Name(), true
	}
	return n.Obj().Pkg().Path(), n.Obj().Name(), true
}

// IsNamed reports whether t (or what it points to) is the named type pkg.name.
func IsNamed(t types.Type, pkg, name string) bool {
	p, n, ok := namedType(t)
	return ok && p == pkg && n == name
}

// hasWriterPrefix reports whether a method name says it stores its arguments in its receiver.
func hasWriterPrefix(name string) bool {
	for _, p := range writerPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// StructOf returns the struct type of t or of what t points to.
func StructOf(t types.Type) (*types.Struct, bool) { return derefStruct(t) }

// FieldName returns the name of the field a FieldAddr selects, or "".
func FieldName(fa *ssa.FieldAddr) string { return fieldName(fa) }

func derefStruct(t types.Type) (*types.Struct, bool) {
	if t == nil {
		return nil, false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	return st, ok
}

// FuncPath returns the import path of fn's package, or "".
func FuncPath(fn *ssa.Function) string {
	if fn == nil {
		return ""
	}
	if obj := fn.Object(); obj != nil && obj.Pkg() != nil {
		return obj.Pkg().Path()
	}
	if o := fn.Origin(); o != nil && o != fn {
		return FuncPath(o)
	}
	if fn.Pkg != nil && fn.Pkg.Pkg != nil {
		return fn.Pkg.Pkg.Path()
	}
	return ""
}
