package taint

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// maxPasses bounds the fixpoint iteration over one function. Taint sets only grow and are
// bounded, so the iteration converges; the bound only guards against pathological functions,
// whose later passes would find little.
const maxPasses = 12

// fnState is the analysis of one function: the taint of each SSA value ("self"), and of memory,
// which is tracked per abstract object and, one level deep, per field.
type fnState struct {
	e   *engine
	fn  *ssa.Function
	sum *summary

	self    map[ssa.Value]tset
	mem     map[memKey]tset
	memAll  map[*object]tset
	objects map[objectKey]*object
	guards  *guardSet
	calls   map[ssa.CallInstruction]*callSite
	changed bool
}

// An object is an abstract memory location: what an SSA value (an allocation, a parameter, a
// global, a call result) points to, or what was loaded from a field of another object. Loads
// of the same field of the same object share one object, so s.buf.WriteString(x) followed by
// s.buf.String() connects.
type object struct {
	base  ssa.Value // the value pointing to it, when not loaded from another object
	via   *object   // the object it was loaded from, otherwise
	field int       // the first-level field of via it was loaded from (-1: an element or unknown)
	depth int
}

type objectKey struct {
	base  ssa.Value
	via   *object
	field int
}

type memKey struct {
	obj   *object
	field int // first-level field index, or -1 for the whole object (elements, unknown fields)
}

const maxObjectDepth = 4

func newFnState(e *engine, fn *ssa.Function, sum *summary) *fnState {
	return &fnState{
		e:       e,
		fn:      fn,
		sum:     sum,
		self:    map[ssa.Value]tset{},
		mem:     map[memKey]tset{},
		memAll:  map[*object]tset{},
		objects: map[objectKey]*object{},
		calls:   map[ssa.CallInstruction]*callSite{},
	}
}

// callSite resolves a call once per function analysis; the fixpoint visits it many times.
func (s *fnState) callSite(instr ssa.CallInstruction) *callSite {
	if c, ok := s.calls[instr]; ok {
		return c
	}
	var result ssa.Value
	if v, ok := instr.(*ssa.Call); ok {
		result = v
	}
	c := newCallSite(instr.Common(), instr, result)
	s.calls[instr] = c
	return c
}

func (s *fnState) analyse() {
	s.guards = s.e.findGuards(s.fn)
	s.seed()
	blocks := s.fn.DomPreorder()
	for pass := 0; pass < maxPasses; pass++ {
		s.changed = false
		for _, b := range blocks {
			for _, instr := range b.Instrs {
				s.transfer(instr)
			}
		}
		if !s.changed {
			break
		}
	}
	for _, b := range blocks {
		for _, instr := range b.Instrs {
			s.finish(instr)
		}
	}
}

// seed gives parameters and free variables their symbolic origins, and marks the values the
// analyzer recognises as sources by itself.
func (s *fnState) seed() {
	for i, p := range s.fn.Params {
		s.set(p, single(paramOrigin(i)))
	}
	for i, fv := range s.fn.FreeVars {
		s.set(fv, single(freeVarOrigin(i)))
	}
	if s.e.cfg.ValueSource == nil {
		return
	}
	mark := func(v ssa.Value) {
		if desc, ok := s.e.cfg.ValueSource(v); ok {
			s.set(v, single(s.e.sourceAt(desc, Secret, valuePos(v))))
		}
	}
	for _, p := range s.fn.Params {
		mark(p)
	}
	for _, b := range s.fn.Blocks {
		for _, instr := range b.Instrs {
			if v, ok := instr.(ssa.Value); ok {
				mark(v)
			}
		}
	}
}

// valuePos is where a value is, for messages; parameters have their declaration's position.
func valuePos(v ssa.Value) token.Pos {
	if p := v.Pos(); p.IsValid() {
		return p
	}
	if instr, ok := v.(ssa.Instruction); ok && instr.Block() != nil {
		for _, other := range instr.Block().Instrs {
			if other.Pos().IsValid() {
				return other.Pos()
			}
		}
	}
	return token.NoPos
}

// set adds t to v's taint.
func (s *fnState) set(v ssa.Value, t tset) {
	if len(t) == 0 || v == nil || !s.e.carries(v.Type()) {
		return
	}
	old := s.self[v]
	if n := union(old, t); len(n) != len(old) {
		s.self[v] = n
		s.changed = true
	}
}

// operand is the taint of v used in block b: its own taint and, for references, the taint of
// the memory it points to — unless a guard that dominates b has checked v.
func (s *fnState) operand(v ssa.Value, b *ssa.BasicBlock) tset {
	if v == nil || !s.e.carries(v.Type()) {
		return nil
	}
	switch v.(type) {
	case *ssa.Const, *ssa.Function, *ssa.Builtin:
		return nil
	}
	if s.guarded(v, b) {
		return nil
	}
	t := s.self[v]
	if isReference(v.Type()) {
		t = union(t, s.referent(v))
	}
	return t
}

// referent is the taint of the memory v points to.
func (s *fnState) referent(v ssa.Value) tset {
	obj, field := s.locate(v)
	if obj == nil {
		return nil
	}
	if field >= 0 {
		return union(s.mem[memKey{obj, field}], s.mem[memKey{obj, -1}])
	}
	return s.memAll[obj]
}

func (s *fnState) guarded(v ssa.Value, b *ssa.BasicBlock) bool {
	return s.guards.isSafe(v, b)
}

func isReference(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Interface, *types.Signature:
		return true
	}
	return false
}

// locate returns the object an address or reference points into and the first-level field
// addressed, or -1.
func (s *fnState) locate(v ssa.Value) (*object, int) {
	field := -1
	for range 64 {
		switch x := v.(type) {
		case *ssa.FieldAddr:
			field, v = x.Field, x.X
			continue
		case *ssa.IndexAddr:
			field, v = -1, x.X
			continue
		case *ssa.Slice:
			field, v = -1, x.X
			continue
		case *ssa.ChangeType:
			v = x.X
			continue
		case *ssa.MakeInterface:
			v = x.X
			continue
		case *ssa.ChangeInterface:
			v = x.X
			continue
		case *ssa.SliceToArrayPointer:
			v = x.X
			continue
		case *ssa.TypeAssert:
			if !x.CommaOk {
				v = x.X
				continue
			}
		case *ssa.UnOp:
			if x.Op == token.MUL {
				return s.loadedObject(x), field
			}
		}
		break
	}
	return s.objectFor(objectKey{base: v, field: -2}, nil), field
}

// loadedObject is the object a pointer loaded from memory points to: one per (object, field)
// it was loaded from, up to maxObjectDepth.
func (s *fnState) loadedObject(load *ssa.UnOp) *object {
	from, field := s.locate(load.X)
	if from == nil || from.depth >= maxObjectDepth {
		return s.objectFor(objectKey{base: load, field: -2}, nil)
	}
	return s.objectFor(objectKey{via: from, field: field}, from)
}

func (s *fnState) objectFor(k objectKey, via *object) *object {
	if o, ok := s.objects[k]; ok {
		return o
	}
	o := &object{base: k.base, via: via, field: k.field}
	if via != nil {
		o.depth = via.depth + 1
	}
	s.objects[k] = o
	return o
}

// root returns the SSA value an object ultimately hangs off (a parameter, an allocation…) and
// the first-level field of that value's object under which o (or its field) lies.
func (o *object) root(field int) (ssa.Value, int) {
	for o != nil && o.via != nil {
		field = o.field
		o = o.via
	}
	if o == nil {
		return nil, -1
	}
	return o.base, field
}

// write stores t into the memory ref points into.
func (s *fnState) write(ref ssa.Value, t tset) { s.writeField(ref, -1, t) }

// writeField stores t into the memory ref points into, in first-level field field when ref
// points to a whole struct.
func (s *fnState) writeField(ref ssa.Value, field int, t tset) {
	if len(t) == 0 || ref == nil {
		return
	}
	obj, f := s.locate(ref)
	if obj == nil {
		return
	}
	if f < 0 {
		f = field
	}
	field = f
	k := memKey{obj, field}
	if old := s.mem[k]; len(union(old, t)) != len(old) {
		s.mem[k] = union(old, t)
		s.changed = true
	}
	if old := s.memAll[obj]; len(union(old, t)) != len(old) {
		s.memAll[obj] = union(old, t)
		s.changed = true
	}
}

func (s *fnState) transfer(instr ssa.Instruction) {
	b := instr.Block()
	if v, ok := instr.(ssa.Value); ok && s.e.cfg.Clean != nil && s.e.cfg.Clean(v) {
		return
	}
	switch x := instr.(type) {
	case *ssa.Phi:
		for i, edge := range x.Edges {
			var from *ssa.BasicBlock
			if i < len(b.Preds) {
				from = b.Preds[i]
			}
			s.set(x, s.operand(edge, from))
		}
	case *ssa.BinOp:
		switch x.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			// a comparison's result says nothing the attacker chose
		default:
			s.set(x, union(s.operand(x.X, b), s.operand(x.Y, b)))
		}
	case *ssa.UnOp:
		switch x.Op {
		case token.MUL:
			s.load(x, b)
		case token.ARROW:
			s.set(x, s.operand(x.X, b))
		case token.NOT:
		default:
			s.set(x, s.operand(x.X, b))
		}
	case *ssa.Convert:
		s.set(x, s.operand(x.X, b))
	case *ssa.ChangeType:
		s.set(x, s.operand(x.X, b))
	case *ssa.MultiConvert:
		s.set(x, s.operand(x.X, b))
	case *ssa.MakeInterface:
		s.set(x, s.operand(x.X, b))
	case *ssa.ChangeInterface:
		s.set(x, s.operand(x.X, b))
	case *ssa.TypeAssert:
		s.set(x, s.operand(x.X, b))
	case *ssa.SliceToArrayPointer:
		s.set(x, s.operand(x.X, b))
	case *ssa.Extract:
		s.set(x, s.self[x.Tuple])
	case *ssa.Field:
		s.set(x, s.operand(x.X, b))
		s.set(x, s.fieldSource(x.X.Type(), x.Field, x.X, x.Pos()))
	case *ssa.FieldAddr:
		s.set(x, s.self[x.X])
		s.set(x, s.fieldSource(x.X.Type(), x.Field, x.X, x.Pos()))
	case *ssa.IndexAddr:
		s.set(x, s.self[x.X])
		if s.e.cfg.IndexCarries {
			s.set(x, s.operand(x.Index, b))
		}
	case *ssa.Index:
		s.set(x, s.operand(x.X, b))
		if s.e.cfg.IndexCarries {
			s.set(x, s.operand(x.Index, b))
		}
	case *ssa.Lookup:
		s.set(x, s.operand(x.X, b))
		if s.e.cfg.IndexCarries {
			s.set(x, s.operand(x.Index, b))
		}
	case *ssa.Slice:
		s.set(x, s.operand(x.X, b))
	case *ssa.Range:
		s.set(x, s.operand(x.X, b))
	case *ssa.Next:
		s.set(x, s.self[x.Iter])
	case *ssa.Select:
		for _, st := range x.States {
			if st.Dir == types.RecvOnly {
				s.set(x, s.operand(st.Chan, b))
			}
		}
	case *ssa.MakeClosure:
		for _, bv := range x.Bindings {
			s.set(x, s.operand(bv, b))
		}
	case *ssa.Store:
		s.write(x.Addr, s.operand(x.Val, b))
	case *ssa.MapUpdate:
		s.write(x.Map, union(s.operand(x.Key, b), s.operand(x.Value, b)))
	case *ssa.Send:
		s.write(x.Chan, s.operand(x.X, b))
	case ssa.CallInstruction:
		s.call(s.callSite(x), b)
	}
}

// load handles *addr: the memory's taint, the taint of the pointer itself (a pointer to
// untrusted data, such as r.URL), and package-level sources such as os.Args.
func (s *fnState) load(x *ssa.UnOp, b *ssa.BasicBlock) {
	s.set(x, s.self[x.X])
	s.set(x, s.referent(x.X))
	if g, ok := x.X.(*ssa.Global); ok {
		if obj := g.Object(); obj != nil && obj.Pkg() != nil {
			if class, ok := s.e.globalSrcs[Func{Pkg: obj.Pkg().Path(), Name: obj.Name()}]; ok {
				s.set(x, single(s.e.sourceAt(obj.Pkg().Name()+"."+obj.Name(), class, x.Pos())))
			}
		}
	}
}

// fieldSource returns the source origin of a field selection when the field is a source.
func (s *fnState) fieldSource(structType types.Type, field int, base ssa.Value, pos token.Pos) tset {
	if len(s.e.fieldSrcs) == 0 {
		return nil
	}
	pkg, name, ok := namedType(structType)
	if !ok {
		return nil
	}
	st, ok := derefStruct(structType)
	if !ok || field < 0 || field >= st.NumFields() {
		return nil
	}
	fname := st.Field(field).Name()
	class, ok := s.e.fieldSrcs[fieldKey{pkg, name, fname}]
	if !ok {
		return nil
	}
	desc := describeBase(base, structType) + "." + fname
	return single(s.e.sourceAt(desc, class, pos))
}

// describeBase names the value a field or method is selected from: the parameter's name when
// it is one ("r"), otherwise its type ("(*http.Request)").
func describeBase(v ssa.Value, t types.Type) string {
	if p, ok := v.(*ssa.Parameter); ok && p.Name() != "" {
		return p.Name()
	}
	if p, ok := v.(*ssa.FreeVar); ok && p.Name() != "" {
		return p.Name()
	}
	return "(" + types.TypeString(t, func(p *types.Package) string { return p.Name() }) + ")"
}

// finish runs once the function's taint is stable: it checks sinks and records the summary.
func (s *fnState) finish(instr ssa.Instruction) {
	b := instr.Block()
	switch x := instr.(type) {
	case *ssa.Return:
		for _, r := range x.Results {
			s.sum.result = union(s.sum.result, s.operand(r, b))
		}
	case *ssa.Store:
		s.recordWrite(x.Addr, s.operand(x.Val, b))
	case *ssa.MapUpdate:
		s.recordWrite(x.Map, union(s.operand(x.Key, b), s.operand(x.Value, b)))
	case *ssa.Send:
		s.recordWrite(x.Chan, s.operand(x.X, b))
	case *ssa.MakeClosure:
		s.closureSinks(x, b)
	case ssa.CallInstruction:
		s.callSinks(s.callSite(x), b)
	}
	if s.e.cfg.CustomSinks != nil {
		for _, use := range s.e.cfg.CustomSinks(instr) {
			ref := SinkRef{Desc: use.Desc, Kind: use.Kind, pos: use.Pos}
			ref.File, ref.Line = s.e.fileLine(use.Pos)
			s.reach(s.operand(use.Value, b), ref, use.Pos)
		}
	}
}

// recordWrite notes, for the summary, data stored behind a parameter or free variable.
func (s *fnState) recordWrite(ref ssa.Value, t tset) {
	if len(t) == 0 {
		return
	}
	obj, field := s.locate(ref)
	root, field := obj.root(field)
	var sym origin
	switch r := root.(type) {
	case *ssa.Parameter:
		sym = paramOrigin(indexOf(s.fn.Params, r))
	case *ssa.FreeVar:
		sym = freeVarOrigin(indexOf(s.fn.FreeVars, r))
	default:
		return
	}
	if s.sum.writes == nil {
		s.sum.writes = map[writeKey]tset{}
	}
	// A function writing a parameter's own data back behind it says nothing new.
	t = without(t, sym)
	if len(t) > 0 {
		k := writeKey{sym, field}
		s.sum.writes[k] = union(s.sum.writes[k], t)
	}
}

func without(t tset, o origin) tset {
	for i, x := range t {
		if x == o {
			out := append(tset{}, t[:i]...)
			return append(out, t[i+1:]...)
		}
	}
	return t
}

func indexOf[T comparable](list []T, x T) int {
	for i, y := range list {
		if y == x {
			return i
		}
	}
	return maxParams - 1
}

// reach handles taint t reaching a sink: sources are reported at pos; parameters and free
// variables go into the summary so callers can connect their sources.
func (s *fnState) reach(t tset, ref SinkRef, pos token.Pos) {
	if len(t) == 0 {
		return
	}
	if !ref.pos.IsValid() {
		ref.pos = pos
	}
	s.e.report(ref.pos, ref, t.sources())
	for _, o := range t.symbolic() {
		s.sum.addSink(o, ref)
	}
}

// closureSinks connects a closure's captured variables with the sinks its body reaches.
func (s *fnState) closureSinks(mc *ssa.MakeClosure, b *ssa.BasicBlock) {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok {
		return
	}
	sum := s.e.summaryOf(fn)
	if sum == nil {
		return
	}
	for _, ss := range sum.sinks {
		if !isFreeVar(ss.from) {
			continue
		}
		i := int(ss.from - maxParams)
		if i < len(mc.Bindings) {
			s.reach(s.operand(mc.Bindings[i], b), ss.sink, mc.Pos())
		}
	}
}
