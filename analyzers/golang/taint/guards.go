package taint

import (
	"go/token"
	"regexp"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// guardSet records, for each value a branch condition checks, the edges on which the check
// has passed, and computes on demand the blocks only reachable through such edges.
type guardSet struct {
	edges map[any][]guardEdge // by guardKey
	safe  map[any][]bool      // by guardKey, then block index
}

// fieldLoad identifies x.f loaded from the same pointer x: each x.f in the source is its own
// SSA load, but a check of one covers the others.
type fieldLoad struct {
	x     ssa.Value
	field int
}

func guardKey(v ssa.Value) any {
	switch x := v.(type) {
	case *ssa.UnOp:
		if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL {
			return fieldLoad{fa.X, fa.Field}
		}
	case *ssa.Field:
		return fieldLoad{x.X, x.Field}
	}
	return v
}

type guardEdge struct{ from, to *ssa.BasicBlock }

// findGuards collects the guard edges of fn.
func (e *engine) findGuards(fn *ssa.Function) *guardSet {
	if e.cfg.Guards == 0 {
		return nil
	}
	var gs *guardSet
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 || len(b.Succs) != 2 {
			continue
		}
		iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		cond, positive := iff.Cond, true
		for range 8 {
			u, ok := cond.(*ssa.UnOp)
			if !ok || u.Op != token.NOT {
				break
			}
			cond, positive = u.X, !positive
		}
		checked, passesWhen := e.guardChecks(cond)
		if len(checked) == 0 {
			continue
		}
		pass := b.Succs[0]
		if passesWhen != positive {
			pass = b.Succs[1]
		}
		if gs == nil {
			gs = &guardSet{edges: map[any][]guardEdge{}, safe: map[any][]bool{}}
		}
		for _, v := range checked {
			k := guardKey(v)
			gs.edges[k] = append(gs.edges[k], guardEdge{b, pass})
		}
	}
	return gs
}

// isSafe reports whether every path from the entry to b passes a check of v. It is the
// greatest fixpoint of safe(b) = b ≠ entry ∧ ∀ pred p: (p→b is a passing edge ∨ safe(p)), so
// that a join after "if x != "a" && x != "b" { return }" and a loop inside a checked region
// are safe.
func (gs *guardSet) isSafe(v ssa.Value, b *ssa.BasicBlock) bool {
	if gs == nil || b == nil {
		return false
	}
	k := guardKey(v)
	edges, ok := gs.edges[k]
	if !ok {
		return false
	}
	safe, ok := gs.safe[k]
	if !ok {
		safe = gs.solve(b.Parent(), edges)
		gs.safe[k] = safe
	}
	return b.Index < len(safe) && safe[b.Index]
}

func (gs *guardSet) solve(fn *ssa.Function, edges []guardEdge) []bool {
	passing := map[guardEdge]bool{}
	for _, e := range edges {
		passing[e] = true
	}
	safe := make([]bool, len(fn.Blocks))
	for i, b := range fn.Blocks {
		safe[i] = len(b.Preds) > 0 && b != fn.Recover
	}
	for changed := true; changed; {
		changed = false
		for i, b := range fn.Blocks {
			if !safe[i] {
				continue
			}
			for _, p := range b.Preds {
				if !passing[guardEdge{p, b}] && !safe[p.Index] {
					safe[i] = false
					changed = true
					break
				}
			}
		}
	}
	return safe
}

// guardChecks returns the values a condition validates and the truth value of the condition
// under which they are valid.
func (e *engine) guardChecks(cond ssa.Value) ([]ssa.Value, bool) {
	g := e.cfg.Guards
	switch c := cond.(type) {
	case *ssa.BinOp:
		if c.Op != token.EQL && c.Op != token.NEQ {
			return nil, false
		}
		equal := c.Op == token.EQL
		if g&GuardValidator != 0 {
			for _, pair := range [][2]ssa.Value{{c.X, c.Y}, {c.Y, c.X}} {
				if isNilConst(pair[1]) {
					if args := e.validatorArgs(pair[0]); args != nil {
						return args, equal // err == nil: the check passed
					}
				}
			}
		}
		if g&GuardURLHost != 0 {
			for _, side := range []ssa.Value{c.X, c.Y} {
				if u := urlOfHost(side); u != nil {
					return urlTargets(u), equal
				}
			}
		}
		if g&GuardEqualConst != 0 {
			if isNonNilConst(c.Y) {
				return []ssa.Value{c.X}, equal
			}
			if isNonNilConst(c.X) {
				return []ssa.Value{c.Y}, equal
			}
		}
	case *ssa.Lookup:
		if g&GuardAllowList != 0 && !c.CommaOk {
			return e.allowListed(c.Index), true
		}
	case *ssa.Extract:
		if l, ok := c.Tuple.(*ssa.Lookup); ok && c.Index == 1 && g&GuardAllowList != 0 {
			return e.allowListed(l.Index), true
		}
	case *ssa.Call:
		if g&GuardValidator != 0 {
			if args := e.validatorArgs(c); args != nil {
				return args, true
			}
		}
		return e.callGuard(c.Common())
	}
	return nil, false
}

// validatorWords in a function's name say it checks its arguments.
var validatorWords = map[string]bool{
	"valid": true, "validate": true, "validated": true, "allowed": true, "allow": true, "safe": true,
	"sanitize": true, "sanitized": true, "permitted": true, "whitelisted": true, "allowlisted": true,
	"check": true, "verify": true, "trusted": true, "legal": true,
}

// validatorArgs returns the arguments of v when v is the result (a bool or an error) of a call
// to a function named like a validator; nil otherwise.
func (e *engine) validatorArgs(v ssa.Value) []ssa.Value {
	if ex, ok := v.(*ssa.Extract); ok {
		v = ex.Tuple
	}
	call, ok := v.(*ssa.Call)
	if !ok || call.Common().IsInvoke() {
		return nil
	}
	fn := call.Common().StaticCallee()
	if fn == nil {
		return nil
	}
	if path := FuncPath(fn); path != e.pass.Pkg.Path() && isStandardPath(path) {
		return nil // the standard library's checks are modelled one by one
	}
	for _, w := range Words(fn.Name()) {
		if validatorWords[w] {
			var out []ssa.Value
			for _, a := range call.Common().Args {
				if _, isConst := a.(*ssa.Const); !isConst {
					out = append(out, a)
				}
			}
			return out
		}
	}
	return nil
}

func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.IsNil()
}

// allowListed is what an allow-list lookup of v validates: v, and the URL when v is its host.
func (e *engine) allowListed(v ssa.Value) []ssa.Value {
	if e.cfg.Guards&GuardURLHost != 0 {
		if u := urlOfHost(v); u != nil {
			return urlTargets(u)
		}
	}
	return []ssa.Value{v}
}

func (e *engine) callGuard(common *ssa.CallCommon) ([]ssa.Value, bool) {
	g := e.cfg.Guards
	fn := common.StaticCallee()
	if fn == nil {
		return nil, false
	}
	pkg := FuncPath(fn)
	args := common.Args
	name := fn.Name()
	switch {
	case pkg == "strings" && name == "HasPrefix" && len(args) == 2:
		if g&GuardPath != 0 {
			if cleaned := cleanedPath(args[0]); cleaned != nil {
				return cleaned, true
			}
			if target := relTarget(args[0]); target != nil {
				if p, ok := ConstString(args[1]); ok && strings.HasPrefix(p, "..") {
					return []ssa.Value{args[0], target}, false
				}
			}
		}
		if g&GuardURLHost != 0 {
			if p, ok := ConstString(args[1]); ok && fixedHostPrefix.MatchString(p) {
				return []ssa.Value{args[0]}, true
			}
		}
	case pkg == "strings" && name == "HasSuffix" && len(args) == 2:
		if g&GuardURLHost != 0 {
			if u := urlOfHost(args[0]); u != nil {
				return urlTargets(u), true
			}
		}
	case pkg == "strings" && name == "Contains" && len(args) == 2:
		if g&GuardPath != 0 {
			if p, ok := ConstString(args[1]); ok && p == ".." {
				return []ssa.Value{args[0]}, false
			}
		}
	case pkg == "path/filepath" && name == "IsLocal" && len(args) == 1:
		if g&GuardPath != 0 {
			return []ssa.Value{args[0]}, true
		}
	case pkg == "slices" && name == "Contains" && len(args) == 2:
		if g&GuardAllowList != 0 {
			return e.allowListed(args[1]), true
		}
	case pkg == "regexp" && (name == "MatchString" || name == "Match") && len(args) == 2:
		// (*Regexp).MatchString(s) has the receiver first; regexp.MatchString(pattern, s) the pattern
		if g&GuardRegexp != 0 {
			return []ssa.Value{args[1]}, true
		}
	}
	return nil, false
}

// fixedHostPrefix matches a URL prefix that fixes scheme and host: "https://api.example.com/".
var fixedHostPrefix = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#@]+[/?#]`)

// FixedHost reports whether a URL (prefix) fixes the scheme and host, so that whatever is
// appended can only change the path, query or fragment.
func FixedHost(prefix string) bool { return fixedHostPrefix.MatchString(prefix) }

func isNonNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && !c.IsNil()
}

// cleanedPath returns p and the values it was built from when p is the result of a call that
// cleans a path (filepath.Clean, filepath.Join — which cleans —, filepath.Abs,
// filepath.EvalSymlinks, and their path-package twins); nil otherwise.
func cleanedPath(p ssa.Value) []ssa.Value {
	v := p
	if ex, ok := v.(*ssa.Extract); ok && ex.Index == 0 {
		v = ex.Tuple
	}
	call, ok := v.(*ssa.Call)
	if !ok {
		return nil
	}
	fn := call.Common().StaticCallee()
	if pkg := FuncPath(fn); pkg != "path/filepath" && pkg != "path" {
		return nil
	}
	switch fn.Name() {
	case "Clean", "Abs", "EvalSymlinks":
	case "Join":
		out := []ssa.Value{p}
		if len(call.Common().Args) == 1 {
			if elems, ok := VarargElems(call.Common().Args[0]); ok {
				out = append(out, elems...)
			}
		}
		return out
	default:
		return nil
	}
	return append([]ssa.Value{p}, call.Common().Args...)
}

// relTarget returns the target of filepath.Rel(base, target) when rel is its first result.
func relTarget(rel ssa.Value) ssa.Value {
	ex, ok := rel.(*ssa.Extract)
	if !ok || ex.Index != 0 {
		return nil
	}
	call, ok := ex.Tuple.(*ssa.Call)
	if !ok {
		return nil
	}
	fn := call.Common().StaticCallee()
	if FuncPath(fn) != "path/filepath" || fn.Name() != "Rel" {
		return nil
	}
	if args := call.Common().Args; len(args) == 2 {
		return args[1]
	}
	return nil
}

// urlOfHost returns u when v is u.Host or u.Hostname() (possibly lower-cased) for a *url.URL u.
func urlOfHost(v ssa.Value) ssa.Value {
	for range 4 {
		switch x := v.(type) {
		case *ssa.UnOp:
			if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL && IsNamed(fa.X.Type(), "net/url", "URL") && fieldName(fa) == "Host" {
				return fa.X
			}
			return nil
		case *ssa.Call:
			fn := x.Common().StaticCallee()
			if fn == nil || len(x.Common().Args) == 0 {
				return nil
			}
			recv := x.Common().Args[0]
			if fn.Name() == "Hostname" && IsNamed(recv.Type(), "net/url", "URL") {
				return recv
			}
			if FuncPath(fn) == "strings" && fn.Name() == "ToLower" {
				v = recv
				continue
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}

// urlTargets is what a host check validates: the URL and the string it was parsed from.
func urlTargets(u ssa.Value) []ssa.Value {
	out := []ssa.Value{u}
	if ex, ok := u.(*ssa.Extract); ok && ex.Index == 0 {
		if call, ok := ex.Tuple.(*ssa.Call); ok {
			fn := call.Common().StaticCallee()
			if FuncPath(fn) == "net/url" &&
				(fn.Name() == "Parse" || fn.Name() == "ParseRequestURI") && len(call.Common().Args) == 1 {
				out = append(out, call.Common().Args[0])
			}
		}
	}
	return out
}

func fieldName(fa *ssa.FieldAddr) string {
	st, ok := derefStruct(fa.X.Type())
	if !ok || fa.Field < 0 || fa.Field >= st.NumFields() {
		return ""
	}
	return st.Field(fa.Field).Name()
}
