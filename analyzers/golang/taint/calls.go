package taint

import (
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// callSite is a call with its callee resolved as far as SSA allows.
type callSite struct {
	common *ssa.CallCommon
	instr  ssa.CallInstruction
	result ssa.Value // nil for go and defer

	fn  *ssa.Function // the static callee, if any
	obj *types.Func   // the declared function or method, if known (static or interface)
	id  Func
	// argBase is the index in common.Args of the first parameter after the receiver.
	argBase int
}

func newCallSite(common *ssa.CallCommon, instr ssa.CallInstruction, result ssa.Value) *callSite {
	c := &callSite{common: common, instr: instr, result: result}
	if common.IsInvoke() {
		c.obj = common.Method
	} else if fn := common.StaticCallee(); fn != nil {
		c.fn = fn
		if obj, ok := fn.Object().(*types.Func); ok {
			c.obj = obj
		} else if o := fn.Origin(); o != nil && o != fn {
			c.obj, _ = o.Object().(*types.Func)
		}
		if fn.Signature != nil && fn.Signature.Recv() != nil {
			c.argBase = 1
		}
		// A method expression's thunk, (*T).M(x, args…), takes the receiver as its first parameter.
		if c.obj != nil && strings.HasPrefix(fn.Synthetic, "thunk") {
			if sig, ok := c.obj.Type().(*types.Signature); ok && sig.Recv() != nil {
				c.argBase = 1
			}
		}
	}
	if c.obj != nil {
		c.id, _ = funcOf(c.obj)
	}
	return c
}

// arg returns the argument at parameter position p (0 after the receiver, or Receiver).
func (c *callSite) arg(p int) ssa.Value {
	if p == Receiver {
		return c.receiver()
	}
	i := c.argBase + p
	if p < 0 || i >= len(c.common.Args) {
		return nil
	}
	return c.common.Args[i]
}

func (c *callSite) receiver() ssa.Value {
	switch {
	case c.common.IsInvoke():
		return c.common.Value
	case c.argBase == 1 && len(c.common.Args) > 0:
		return c.common.Args[0]
	}
	// a bound method value (f := x.M; f()) carries its receiver as the closure's binding
	if mc, ok := c.common.Value.(*ssa.MakeClosure); ok && c.fn != nil && c.fn.Synthetic != "" && len(mc.Bindings) == 1 {
		return mc.Bindings[0]
	}
	return nil
}

// inputs are all values the call reads: arguments and an interface receiver.
func (c *callSite) inputs() []ssa.Value {
	if c.common.IsInvoke() {
		return append([]ssa.Value{c.common.Value}, c.common.Args...)
	}
	if r := c.receiver(); r != nil && c.argBase == 0 {
		return append([]ssa.Value{r}, c.common.Args...)
	}
	return c.common.Args
}

func (c *callSite) pos() token.Pos {
	if p := c.common.Pos(); p.IsValid() {
		return p
	}
	return c.instr.Pos()
}

// describe names the callee for messages.
func (c *callSite) describe() string {
	if c.obj != nil {
		return FuncName(c.obj)
	}
	if c.fn != nil {
		return c.fn.Name()
	}
	return "function value"
}

// call is the transfer function of a call during the fixpoint.
func (s *fnState) call(c *callSite, b *ssa.BasicBlock) {
	if bi, ok := c.common.Value.(*ssa.Builtin); ok {
		s.builtin(bi, c, b)
		return
	}
	if c.obj != nil {
		if src, ok := lookup(s.e.sourceFuncs, c.id); ok {
			s.callSource(c, src)
			return
		}
		if _, ok := lookup(s.e.sanitizers, c.id); ok {
			return
		}
	}
	if s.e.cfg.Sanitizes != nil && s.e.cfg.Sanitizes(c.fn, c.id.Name) {
		return
	}
	if sum, _ := s.calleeSummary(c); sum != nil {
		s.apply(c, sum, b)
		return
	}
	s.defaultCall(c, b)
}

func (s *fnState) callSource(c *callSite, src *Source) {
	desc := c.describe()
	if r := c.receiver(); r != nil {
		switch r.(type) {
		case *ssa.Parameter, *ssa.FreeVar:
			desc = describeBase(r, r.Type()) + "." + c.id.Name
		}
	}
	o := single(s.e.sourceAt(desc, src.Class, c.pos()))
	if len(src.Out) == 0 {
		s.set(c.result, o)
		return
	}
	for _, p := range src.Out {
		s.write(c.arg(p), o)
	}
}

func (s *fnState) builtin(bi *ssa.Builtin, c *callSite, b *ssa.BasicBlock) {
	switch bi.Name() {
	case "append", "min", "max":
		for _, a := range c.common.Args {
			s.set(c.result, s.operand(a, b))
		}
	case "copy":
		if len(c.common.Args) == 2 {
			s.write(c.common.Args[0], s.operand(c.common.Args[1], b))
		}
	}
}

// calleeSummary returns the summary of the called function: analysed on demand when its body
// is in this package (or is a synthetic wrapper), imported as a fact when it is in another
// package (imported is then true).
func (s *fnState) calleeSummary(c *callSite) (sum *summary, imported bool) {
	if c.fn != nil {
		body := c.fn
		if body.Blocks == nil {
			if o := body.Origin(); o != nil {
				body = o
			}
		}
		if body.Blocks != nil {
			return s.e.summaryOf(body), false
		}
	}
	if c.obj != nil && !c.common.IsInvoke() && c.obj.Pkg() != nil && c.obj.Pkg() != s.e.pass.Pkg {
		return s.e.importedSummary(c.obj.Origin()), true
	}
	return nil, false
}

// actual substitutes the caller's data for a callee's symbolic origin.
func (s *fnState) actual(c *callSite, o origin, b *ssa.BasicBlock) tset {
	switch {
	case isSource(o):
		return single(o)
	case isParam(o):
		if int(o) < len(c.common.Args) {
			return s.operand(c.common.Args[o], b)
		}
	case isFreeVar(o):
		if mc, ok := c.common.Value.(*ssa.MakeClosure); ok {
			if i := int(o - maxParams); i < len(mc.Bindings) {
				return s.operand(mc.Bindings[i], b)
			}
		}
	}
	return nil
}

func (s *fnState) translate(c *callSite, t tset, b *ssa.BasicBlock) tset {
	var out tset
	for _, o := range t {
		out = union(out, s.actual(c, o, b))
	}
	return out
}

// symbolicArg returns the caller's value for a callee's parameter or free variable.
func symbolicArg(c *callSite, o origin) ssa.Value {
	switch {
	case isParam(o):
		if int(o) < len(c.common.Args) {
			return c.common.Args[o]
		}
	case isFreeVar(o):
		if mc, ok := c.common.Value.(*ssa.MakeClosure); ok {
			if i := int(o - maxParams); i < len(mc.Bindings) {
				return mc.Bindings[i]
			}
		}
	}
	return nil
}

func (s *fnState) apply(c *callSite, sum *summary, b *ssa.BasicBlock) {
	if c.result != nil {
		s.set(c.result, s.translate(c, sum.result, b))
	}
	for k, w := range sum.writes {
		if target := symbolicArg(c, k.sym); target != nil {
			s.writeField(target, k.field, s.translate(c, w, b))
		}
	}
}

// defaultCall handles a call the engine knows nothing about: results carry the arguments'
// taint (unless the analyzer makes unknown calls opaque), functions that copy into their
// arguments (Unmarshal, Read, Copy…) taint them, and writer methods (WriteString, Set…) taint
// their receiver.
func (s *fnState) defaultCall(c *callSite, b *ssa.BasicBlock) {
	var in tset
	for _, a := range c.inputs() {
		in = union(in, s.operand(a, b))
	}
	if len(in) == 0 {
		return
	}
	propagate := !s.e.cfg.OpaqueCalls
	if !propagate && c.obj != nil {
		_, propagate = lookup(s.e.propagators, c.id)
	}
	if propagate && c.result != nil {
		s.set(c.result, in)
	}
	if c.obj == nil {
		return
	}
	name := c.id.Name
	switch {
	case writerFuncs[c.id]:
		s.write(c.arg(0), in)
	case outArgNames[name]:
		for _, a := range c.inputs() {
			if isReference(a.Type()) {
				s.write(a, in)
			}
		}
	case c.id.Recv != "" && (strings.HasPrefix(name, "Write") || isStandardPath(c.id.Pkg) && hasWriterPrefix(name)):
		// Write* methods fill their receiver (io.Writer); other writer-like names (Set, Add, Put…)
		// only on standard library containers (url.Values, http.Header): on an application's
		// store.PutScan(…) they would taint the whole store.
		if r := c.receiver(); r != nil && isReference(r.Type()) {
			var args tset
			for p := 0; c.arg(p) != nil; p++ {
				args = union(args, s.operand(c.arg(p), b))
			}
			s.write(r, args)
		}
	}
}

// callSinks checks, once taint is stable, the sinks a call reaches: its own arguments when the
// callee is a sink, otherwise the sinks its summary says its parameters reach.
func (s *fnState) callSinks(c *callSite, b *ssa.BasicBlock) {
	if c.obj != nil {
		if sinks, ok := lookup(s.e.sinks, c.id); ok {
			ref := SinkRef{Desc: c.describe(), pos: c.pos()}
			ref.File, ref.Line = s.e.fileLine(ref.pos)
			for _, sk := range sinks {
				ref.Kind = sk.Kind
				for _, v := range c.sinkValues(sk) {
					s.reach(s.operand(v, b), ref, ref.pos)
				}
			}
			return
		}
	}
	if s.e.cfg.Sanitizes != nil && s.e.cfg.Sanitizes(c.fn, c.id.Name) {
		return
	}
	sum, imported := s.calleeSummary(c)
	if sum == nil {
		return
	}
	for _, ss := range sum.sinks {
		if !isParam(ss.from) {
			continue // free variables are handled where the closure is made
		}
		ref := ss.sink
		if imported {
			ref.Via = c.describe()
			ref.pos = token.NoPos
		}
		s.reach(s.actual(c, ss.from, b), ref, c.pos())
	}
}

// sinkValues returns the values a sink row designates at this call. Variadic arguments are
// looked through, so log.Print(a, b) checks a and b, not the slice holding them.
func (c *callSite) sinkValues(sk *Sink) []ssa.Value {
	var out []ssa.Value
	add := func(v ssa.Value) {
		if v == nil {
			return
		}
		if sk.StringOnly {
			v = stringUnder(v)
			if v == nil {
				return
			}
		}
		out = append(out, v)
	}
	for _, p := range sk.Args {
		switch p {
		case AllArgs:
			for q := 0; c.arg(q) != nil; q++ {
				a := c.arg(q)
				if elems, ok := VarargElems(a); ok {
					for _, el := range elems {
						add(el)
					}
					continue
				}
				add(a)
			}
		default:
			add(c.arg(p))
		}
	}
	return out
}

// stringUnder returns the string held by an interface value, or nil when it holds another kind.
func stringUnder(v ssa.Value) ssa.Value {
	for {
		mi, ok := v.(*ssa.MakeInterface)
		if !ok {
			break
		}
		v = mi.X
	}
	if _, ok := v.Type().Underlying().(*types.Interface); ok {
		return v // unknown dynamic type: keep it
	}
	if b, ok := v.Type().Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
		return v
	}
	return nil
}

// VarargElems returns the elements of a variadic argument slice built at the call
// (f(a, b) → []T{a, b}); ok is false when the slice came from elsewhere (f(xs...)).
func VarargElems(v ssa.Value) ([]ssa.Value, bool) {
	sl, ok := v.(*ssa.Slice)
	if !ok {
		if c, isConst := v.(*ssa.Const); isConst && c.IsNil() {
			return nil, true
		}
		return nil, false
	}
	alloc, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return nil, false
	}
	arr, ok := types.Unalias(alloc.Type()).Underlying().(*types.Pointer)
	if !ok {
		return nil, false
	}
	at, ok := arr.Elem().Underlying().(*types.Array)
	if !ok {
		return nil, false
	}
	elems := make([]ssa.Value, at.Len())
	for _, ref := range *alloc.Referrers() {
		ia, ok := ref.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		idx, ok := ia.Index.(*ssa.Const)
		if !ok {
			return nil, false
		}
		i, exact := constInt(idx)
		if !exact || i < 0 || i >= len(elems) {
			return nil, false
		}
		for _, r := range *ia.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == ia {
				elems[i] = st.Val
			}
		}
	}
	out := elems[:0]
	for _, el := range elems {
		if el != nil {
			out = append(out, el)
		}
	}
	return out, true
}

func constInt(c *ssa.Const) (int, bool) {
	if c.Value == nil {
		return 0, false
	}
	v := constant.ToInt(c.Value)
	if v.Kind() != constant.Int {
		return 0, false
	}
	i, exact := constant.Int64Val(v)
	return int(i), exact
}

// ConstString returns the value of a string constant, looking through interface conversions.
func ConstString(v ssa.Value) (string, bool) {
	for {
		mi, ok := v.(*ssa.MakeInterface)
		if !ok {
			break
		}
		v = mi.X
	}
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(c.Value), true
}

// isStandardPath reports whether an import path belongs to the standard library, whose paths
// have no dot in their first element.
func isStandardPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
