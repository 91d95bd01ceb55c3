// Package passutil holds what fourc's own go/analysis passes share: recognising calls, types and
// constants whether or not the package type-checked, reporting under a rule id, and building
// mechanical fixes.
//
// The analysed code is hostile and often incomplete (a dependency that did not download, a file
// excluded by build tags and checked on its own), so every helper here tolerates missing type
// information: an import whose package could not be loaded still names its path through the
// *types.PkgName that go/types records for it, and the helpers fall back to that.
package passutil

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
	"unicode"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Report reports a finding of ruleID at node; the rule id travels in Category, which is how the
// scanner finds the rule's metadata again.
func Report(pass *analysis.Pass, ruleID string, node ast.Node, message string, fixes ...analysis.SuggestedFix) {
	pass.Report(analysis.Diagnostic{
		Pos:            node.Pos(),
		End:            node.End(),
		Category:       ruleID,
		Message:        message,
		SuggestedFixes: fixes,
	})
}

// IsTestFile reports whether pos lies in a _test.go file.
func IsTestFile(pass *analysis.Pass, pos token.Pos) bool {
	f := pass.Fset.File(pos)
	return f != nil && strings.HasSuffix(f.Name(), "_test.go")
}

// Unparen strips any number of parentheses.
func Unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// ImportedPath returns the import path of the package an identifier names, as in the `tls` of
// `tls.Config`. It works when the imported package failed to load, because go/types still
// records a PkgName for the import.
func ImportedPath(info *types.Info, e ast.Expr) (string, bool) {
	id, ok := Unparen(e).(*ast.Ident)
	if !ok || info == nil {
		return "", false
	}
	if pn, ok := info.Uses[id].(*types.PkgName); ok && pn.Imported() != nil {
		return pn.Imported().Path(), true
	}
	return "", false
}

// PathIs reports whether an import path is want, allowing a major-version suffix such as
// "/v5" after it, so "github.com/golang-jwt/jwt/v5" is "github.com/golang-jwt/jwt".
func PathIs(path, want string) bool {
	if path == want {
		return true
	}
	rest, ok := strings.CutPrefix(path, want+"/v")
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// PackageMember resolves a qualified identifier `pkg.Name` to the package path and name. It does
// not need the member to exist: `jwt.ParseUnverified` is recognised even when the jwt module was
// not downloaded.
func PackageMember(info *types.Info, e ast.Expr) (path, name string, ok bool) {
	sel, isSel := Unparen(e).(*ast.SelectorExpr)
	if !isSel {
		return "", "", false
	}
	path, ok = ImportedPath(info, sel.X)
	if !ok {
		return "", "", false
	}
	return path, sel.Sel.Name, true
}

// IsPackageMember reports whether e is `pkg.Name` for the package path (major versions allowed,
// see PathIs) and one of the names.
func IsPackageMember(info *types.Info, e ast.Expr, pkgPath string, names ...string) bool {
	path, name, ok := PackageMember(info, e)
	if !ok || !PathIs(path, pkgPath) {
		return false
	}
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// IsFuncCall reports whether call calls one of the named package-level functions of pkgPath.
func IsFuncCall(info *types.Info, call *ast.CallExpr, pkgPath string, names ...string) bool {
	return call != nil && IsPackageMember(info, call.Fun, pkgPath, names...)
}

// Method describes the method a call invokes: the package and name of the receiver's named type
// (pointers removed) and the method name. It needs type information.
type Method struct {
	PkgPath, TypeName, Name string
}

// CalledMethod returns the method a call invokes, if type information says so.
func CalledMethod(info *types.Info, call *ast.CallExpr) (Method, bool) {
	if info == nil || call == nil {
		return Method{}, false
	}
	sel, ok := Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return Method{}, false
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok {
		return Method{}, false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return Method{}, false
	}
	pkg, name, ok := NamedTypeOf(sig.Recv().Type())
	if !ok {
		// An interface method: name the interface's package when it is a named interface.
		return Method{}, false
	}
	return Method{PkgPath: pkg, TypeName: name, Name: fn.Name()}, true
}

// IsMethodCall reports whether call invokes method name of pkgPath.typeName (pointer receivers
// included; major versions allowed in the path).
func IsMethodCall(info *types.Info, call *ast.CallExpr, pkgPath, typeName string, names ...string) bool {
	m, ok := CalledMethod(info, call)
	if !ok || !PathIs(m.PkgPath, pkgPath) || m.TypeName != typeName {
		return false
	}
	for _, n := range names {
		if m.Name == n {
			return true
		}
	}
	return false
}

// MethodName returns the selector name of a call such as `x.Open()`, whatever x is.
func MethodName(call *ast.CallExpr) string {
	if call == nil {
		return ""
	}
	if sel, ok := Unparen(call.Fun).(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	return ""
}

// NamedTypeOf returns the package path and name of t's named type, looking through pointers.
func NamedTypeOf(t types.Type) (pkgPath, name string, ok bool) {
	for range 4 { // bounded: pointer-to-pointer chains are rare and never deep
		ptr, isPtr := t.(*types.Pointer)
		if !isPtr {
			break
		}
		t = ptr.Elem()
	}
	var obj *types.TypeName
	switch t := t.(type) {
	case *types.Named:
		obj = t.Obj()
	case *types.Alias:
		obj = t.Obj()
		if named, ok := types.Unalias(t).(*types.Named); ok {
			obj = named.Obj()
		}
	default:
		return "", "", false
	}
	if obj == nil || obj.Pkg() == nil {
		return "", "", false
	}
	return obj.Pkg().Path(), obj.Name(), true
}

// TypeIs reports whether the type of e is pkgPath.name or a pointer to it. When type information
// is missing it falls back to the syntax of composite literals and conversions: `tls.Config{…}`,
// `&tls.Config{…}`.
func TypeIs(info *types.Info, e ast.Expr, pkgPath, name string) bool {
	if e == nil {
		return false
	}
	if info != nil {
		if t := info.TypeOf(e); t != nil && t != types.Typ[types.Invalid] {
			if p, n, ok := NamedTypeOf(t); ok {
				return PathIs(p, pkgPath) && n == name
			}
		}
	}
	switch x := Unparen(e).(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return TypeIs(info, x.X, pkgPath, name)
		}
	case *ast.CompositeLit:
		return x.Type != nil && IsPackageMember(info, x.Type, pkgPath, name)
	case *ast.StarExpr:
		return IsPackageMember(info, x.X, pkgPath, name)
	}
	return false
}

// Literal returns the composite literal e denotes, looking through & and parentheses.
func Literal(e ast.Expr) (*ast.CompositeLit, bool) {
	e = Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	return lit, ok
}

// Field returns the keyed element `name: value` of a struct literal.
func Field(lit *ast.CompositeLit, name string) (*ast.KeyValueExpr, bool) {
	if lit == nil {
		return nil, false
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
			return kv, true
		}
	}
	return nil, false
}

// Constant returns the constant value of e, if the type checker computed one.
func Constant(info *types.Info, e ast.Expr) (constant.Value, bool) {
	if info == nil || e == nil {
		return nil, false
	}
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		return tv.Value, true
	}
	// Without type information a basic literal is still a constant.
	if lit, ok := Unparen(e).(*ast.BasicLit); ok {
		v := constant.MakeFromLiteral(lit.Value, lit.Kind, 0)
		if v.Kind() != constant.Unknown {
			return v, true
		}
	}
	return nil, false
}

// ConstString returns the value of a constant string expression.
func ConstString(info *types.Info, e ast.Expr) (string, bool) {
	v, ok := Constant(info, e)
	if !ok || v.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(v), true
}

// ConstInt returns the value of a constant integer expression that fits in an int64.
func ConstInt(info *types.Info, e ast.Expr) (int64, bool) {
	v, ok := Constant(info, e)
	if !ok {
		return 0, false
	}
	v = constant.ToInt(v)
	if v.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(v)
}

// ConstBool returns the value of a constant boolean expression. Without type information the
// identifiers true and false still count, unless the file redeclares them.
func ConstBool(info *types.Info, e ast.Expr) (value, ok bool) {
	if v, isConst := Constant(info, e); isConst {
		if v.Kind() != constant.Bool {
			return false, false
		}
		return constant.BoolVal(v), true
	}
	id, isIdent := Unparen(e).(*ast.Ident)
	if !isIdent || info == nil {
		return false, false
	}
	if obj, known := info.Uses[id]; known && obj != types.Universe.Lookup(id.Name) {
		return false, false
	}
	switch id.Name {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// IsNil reports whether e is the predeclared nil.
func IsNil(info *types.Info, e ast.Expr) bool {
	id, ok := Unparen(e).(*ast.Ident)
	if !ok || id.Name != "nil" {
		return false
	}
	if info == nil {
		return true
	}
	obj, known := info.Uses[id]
	return !known || obj == types.Universe.Lookup("nil")
}

// ObjectOf returns the object an identifier expression denotes, or nil.
func ObjectOf(info *types.Info, e ast.Expr) types.Object {
	id, ok := Unparen(e).(*ast.Ident)
	if !ok || info == nil {
		return nil
	}
	return info.ObjectOf(id)
}

// Words splits an identifier into lowercase words at case changes (a capital after a lowercase
// letter or a digit, or starting a capitalised word after an acronym) and at
// underscores: "dbPassword" → [db password], "APIKey" → [api key], "client_secret" → [client secret].
func Words(name string) []string {
	var words []string
	runes := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, strings.ToLower(string(runes[start:end])))
		}
		start = -1
	}
	for i, r := range runes {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := runes[i-1]
		switch {
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush(i)
			start = i
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(runes) && unicode.IsLower(runes[i+1]):
			// "APIKey": the K starts a new word.
			flush(i)
			start = i
		}
	}
	flush(len(runes))
	return words
}

// EnclosingFunc returns the innermost function declaration or literal around the node at the top
// of stack (as given by inspector.WithStack), with its body.
func EnclosingFunc(stack []ast.Node) (ast.Node, *ast.BlockStmt) {
	for i := len(stack) - 1; i >= 0; i-- {
		switch fn := stack[i].(type) {
		case *ast.FuncDecl:
			return fn, fn.Body
		case *ast.FuncLit:
			return fn, fn.Body
		}
	}
	return nil, nil
}

// OutermostFunc returns the top-level function declaration around the node at the top of stack,
// so that a closure is analysed with the function that defines it.
func OutermostFunc(stack []ast.Node) *ast.FuncDecl {
	for _, n := range stack {
		if fn, ok := n.(*ast.FuncDecl); ok {
			return fn
		}
	}
	return nil
}

// AssignedTo returns what the value at cur (possibly behind & or parentheses) is assigned to by
// its statement — the x of `x := v`, `var x = v`, `x = v` or `s.f = v` — or nil.
func AssignedTo(cur inspector.Cursor) ast.Expr {
	node := cur.Node()
	for c := cur.Parent(); c.Valid(); c = c.Parent() {
		switch n := c.Node().(type) {
		case *ast.ParenExpr, *ast.UnaryExpr:
			node = n
			continue
		case *ast.AssignStmt:
			for i, rhs := range n.Rhs {
				if rhs == node && len(n.Lhs) == len(n.Rhs) {
					return n.Lhs[i]
				}
			}
		case *ast.ValueSpec:
			for i, v := range n.Values {
				if v == node && len(n.Names) == len(n.Values) {
					return n.Names[i]
				}
			}
		}
		return nil
	}
	return nil
}

// SameTarget reports whether two expressions denote the same variable or field path: the same
// object for identifiers, the same spelling otherwise (`s.srv` and `s.srv`).
func SameTarget(info *types.Info, a, b ast.Expr) bool {
	a, b = Unparen(a), Unparen(b)
	ida, okA := a.(*ast.Ident)
	idb, okB := b.(*ast.Ident)
	if okA && okB {
		oa, ob := info.ObjectOf(ida), info.ObjectOf(idb)
		if oa != nil || ob != nil {
			return oa == ob
		}
		return ida.Name == idb.Name
	}
	return types.ExprString(a) == types.ExprString(b)
}

// SetsField reports whether root contains an assignment `target.F = …` for one of fields.
func SetsField(info *types.Info, root ast.Node, target ast.Expr, fields ...string) bool {
	if root == nil || target == nil {
		return false
	}
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found {
			return !found
		}
		for _, lhs := range as.Lhs {
			sel, ok := Unparen(lhs).(*ast.SelectorExpr)
			if !ok {
				continue
			}
			for _, f := range fields {
				if sel.Sel.Name == f && SameTarget(info, sel.X, target) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// EnclosingFuncCursor returns the cursor of the outermost function declaration around cur, or of
// the file for package-level code, so that closures are searched with the function defining them.
func EnclosingFuncCursor(cur inspector.Cursor) (inspector.Cursor, bool) {
	var outer inspector.Cursor
	found := false
	for c := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.File)(nil)) {
		outer = c
		found = true
		if _, ok := c.Node().(*ast.FuncDecl); ok {
			return c, true
		}
	}
	return outer, found
}
