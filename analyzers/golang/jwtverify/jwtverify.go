// Package jwtverify reports JSON Web Tokens accepted without verifying their signature or
// without pinning the signing algorithm.
package jwtverify

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report JWTs parsed unverified or with an unpinned algorithm

For github.com/golang-jwt/jwt (v4, v5) and github.com/dgrijalva/jwt-go:

ParseUnverified returns the claims without checking the signature, and
UnsafeAllowNoneSignatureType or SigningMethodNone accept or create unsigned tokens: whoever sends
the token chooses its claims (CWE-347).

A key function that never looks at token.Method, with no WithValidMethods option (or Parser
ValidMethods) in force, lets the sender choose the algorithm: an RSA public key used as an HMAC
secret, for example (medium). Key functions defined elsewhere than the call's package or
passed through fields are not judged.

Fix: verify with jwt.Parse or ParseWithClaims and pin the algorithm:
jwt.Parse(s, keyFunc, jwt.WithValidMethods([]string{"RS256"})), or check
token.Method.(*jwt.SigningMethodRSA) in the key function.`

const (
	ruleUnverified   = "go-jwt-unverified"
	ruleAlgUnchecked = "go-jwt-alg-not-checked"
	docsURL          = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"
)

// Analyzer reports unverified JWTs.
var Analyzer = &analysis.Analyzer{
	Name:             "jwtverify",
	Doc:              doc,
	URL:              docsURL + ruleUnverified,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{
	{
		ID:          ruleUnverified,
		Title:       "JWT accepted without signature verification",
		Layer:       finding.Code,
		Severity:    finding.High,
		Description: "The token's claims are used without verifying its signature (ParseUnverified) or unsigned tokens are allowed (alg none), so anyone can forge them.",
		Remediation: "Parse with jwt.Parse or jwt.ParseWithClaims and a key function returning the real key, and never allow the none algorithm.",
		References:  []string{"CWE-347"},
		HelpURL:     docsURL + ruleUnverified,
	},
	{
		ID:          ruleAlgUnchecked,
		Title:       "JWT signing algorithm not checked",
		Layer:       finding.Code,
		Severity:    finding.Medium,
		Description: "The key function does not check token.Method and no WithValidMethods option pins the algorithm, so the token's sender chooses how it is verified (for example HMAC keyed with an RSA public key).",
		Remediation: "Pass jwt.WithValidMethods([]string{\"RS256\"}) (or the algorithm you use) to the parser, or check token.Method's type in the key function before returning the key.",
		References:  []string{"CWE-347"},
		HelpURL:     docsURL + ruleAlgUnchecked,
	},
}

var jwtPackages = []string{"github.com/golang-jwt/jwt", "github.com/dgrijalva/jwt-go", "github.com/form3tech-oss/jwt-go"}

func isJWTPath(path string) bool {
	for _, p := range jwtPackages {
		if passutil.PathIs(path, p) {
			return true
		}
	}
	return false
}

func isJWTMember(info *types.Info, e ast.Expr, names ...string) bool {
	path, name, ok := passutil.PackageMember(info, e)
	if !ok || !isJWTPath(path) {
		return false
	}
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

func isParserMethod(info *types.Info, call *ast.CallExpr, names ...string) bool {
	for _, p := range jwtPackages {
		if passutil.IsMethodCall(info, call, p, "Parser", names...) {
			return true
		}
	}
	return false
}

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	info := pass.TypesInfo
	for cur := range ins.Root().Preorder((*ast.CallExpr)(nil), (*ast.SelectorExpr)(nil)) {
		if passutil.IsTestFile(pass, cur.Node().Pos()) {
			continue
		}
		switch n := cur.Node().(type) {
		case *ast.SelectorExpr:
			switch {
			case isJWTMember(info, n, "UnsafeAllowNoneSignatureType"):
				passutil.Report(pass, ruleUnverified, n, "UnsafeAllowNoneSignatureType lets unsigned tokens (alg none) through; anyone can forge their claims")
			case isJWTMember(info, n, "SigningMethodNone"):
				passutil.Report(pass, ruleUnverified, n, "SigningMethodNone creates or accepts unsigned tokens (alg none); anyone can forge their claims")
			}
		case *ast.CallExpr:
			checkCall(pass, cur, n)
		}
	}
	return nil, nil
}

func checkCall(pass *analysis.Pass, cur inspector.Cursor, call *ast.CallExpr) {
	info := pass.TypesInfo
	if isParserMethod(info, call, "ParseUnverified") || (passutil.MethodName(call) == "ParseUnverified" && !typed(info, call) && importsJWT(pass, call)) {
		passutil.Report(pass, ruleUnverified, call, "ParseUnverified returns the token's claims without checking its signature; anyone can forge them")
		return
	}
	var keyFunc ast.Expr
	var options []ast.Expr
	var receiver ast.Expr
	switch {
	case isJWTMember(info, call.Fun, "Parse") && len(call.Args) >= 2:
		keyFunc, options = call.Args[1], call.Args[2:]
	case isJWTMember(info, call.Fun, "ParseWithClaims") && len(call.Args) >= 3:
		keyFunc, options = call.Args[2], call.Args[3:]
	case isParserMethod(info, call, "Parse") && len(call.Args) >= 2:
		keyFunc, options = call.Args[1], call.Args[2:]
		receiver = passutil.Unparen(call.Fun).(*ast.SelectorExpr).X
	case isParserMethod(info, call, "ParseWithClaims") && len(call.Args) >= 3:
		keyFunc, options = call.Args[2], call.Args[3:]
		receiver = passutil.Unparen(call.Fun).(*ast.SelectorExpr).X
	default:
		return
	}
	if call.Ellipsis.IsValid() {
		return // options passed as a slice: cannot tell which
	}
	for _, opt := range options {
		if pinsMethods(info, opt) {
			return
		}
	}
	if receiver != nil {
		pinned, known := parserPinsMethods(pass, cur, receiver)
		if pinned || !known {
			return
		}
	}
	ftype, body := keyFuncBody(pass, cur, keyFunc)
	if body == nil || checksMethod(info, ftype, body) {
		return
	}
	passutil.Report(pass, ruleAlgUnchecked, keyFunc, "the key function does not check token.Method and no WithValidMethods option pins the algorithm; the token's sender chooses how it is verified")
}

// typed reports whether the call's function has a type, i.e. type information is present.
func typed(info *types.Info, call *ast.CallExpr) bool {
	if info == nil {
		return false
	}
	t := info.TypeOf(call.Fun)
	return t != nil && t != types.Typ[types.Invalid]
}

func importsJWT(pass *analysis.Pass, node ast.Node) bool {
	file := passutil.FileOf(pass, node.Pos())
	if file == nil {
		return false
	}
	for _, spec := range file.Imports {
		if isJWTPath(strings.Trim(spec.Path.Value, "`\"")) {
			return true
		}
	}
	return false
}

// pinsMethods reports whether an option is jwt.WithValidMethods(…).
func pinsMethods(info *types.Info, opt ast.Expr) bool {
	call, ok := passutil.Unparen(opt).(*ast.CallExpr)
	return ok && isJWTMember(info, call.Fun, "WithValidMethods")
}

// parserPinsMethods finds how the parser a method is called on was made, in the same function
// or at package level: jwt.NewParser(opts…), &jwt.Parser{ValidMethods: …} or new(jwt.Parser).
// known is false when the parser's origin is not visible (a parameter, a field).
func parserPinsMethods(pass *analysis.Pass, cur inspector.Cursor, receiver ast.Expr) (pinned, known bool) {
	info := pass.TypesInfo
	if made, ok := parserConstruction(info, receiver); ok {
		return made, true
	}
	obj := passutil.ObjectOf(info, receiver)
	if obj == nil {
		return false, false
	}
	scopes := []ast.Node{}
	if fn, ok := passutil.EnclosingFuncCursor(cur); ok {
		scopes = append(scopes, fn.Node())
	}
	for _, f := range pass.Files {
		scopes = append(scopes, f)
	}
	for _, scope := range scopes {
		found, pinned := false, false
		ast.Inspect(scope, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					if i < len(n.Rhs) && len(n.Lhs) == len(n.Rhs) && passutil.ObjectOf(info, lhs) == obj {
						if p, ok := parserConstruction(info, n.Rhs[i]); ok {
							found, pinned = true, pinned || p
						}
					}
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if i < len(n.Values) && len(n.Names) == len(n.Values) && info.ObjectOf(id) == obj {
						if p, ok := parserConstruction(info, n.Values[i]); ok {
							found, pinned = true, pinned || p
						}
					}
				}
			}
			return true
		})
		if found {
			return pinned, true
		}
	}
	return false, false
}

// parserConstruction recognises an expression making a jwt.Parser and says whether it pins the
// signing methods.
func parserConstruction(info *types.Info, e ast.Expr) (pinned, ok bool) {
	e = passutil.Unparen(e)
	if call, isCall := e.(*ast.CallExpr); isCall {
		if isJWTMember(info, call.Fun, "NewParser") {
			if call.Ellipsis.IsValid() {
				return true, true // options from a slice: assume the best
			}
			for _, opt := range call.Args {
				if pinsMethods(info, opt) {
					return true, true
				}
			}
			return false, true
		}
		if id, isIdent := passutil.Unparen(call.Fun).(*ast.Ident); isIdent && id.Name == "new" && len(call.Args) == 1 && isJWTMember(info, call.Args[0], "Parser") {
			return false, true
		}
		return false, false
	}
	if lit, isLit := passutil.Literal(e); isLit && lit.Type != nil && isJWTMember(info, lit.Type, "Parser") {
		_, has := passutil.Field(lit, "ValidMethods")
		return has, true
	}
	return false, false
}

// keyFuncBody returns the signature and body of the key function: a literal, a function declared
// in this package, or a local variable assigned a literal once. Nil when it cannot be seen.
func keyFuncBody(pass *analysis.Pass, cur inspector.Cursor, e ast.Expr) (*ast.FuncType, *ast.BlockStmt) {
	info := pass.TypesInfo
	e = passutil.Unparen(e)
	switch x := e.(type) {
	case *ast.FuncLit:
		return x.Type, x.Body
	case *ast.SelectorExpr:
		return declBody(pass, info.Uses[x.Sel])
	case *ast.Ident:
		obj := info.Uses[x]
		if fn, ok := obj.(*types.Func); ok {
			return declBody(pass, fn)
		}
		v, ok := obj.(*types.Var)
		if !ok {
			return nil, nil
		}
		fn, ok := passutil.EnclosingFuncCursor(cur)
		if !ok {
			return nil, nil
		}
		var ftype *ast.FuncType
		var body *ast.BlockStmt
		assignments := 0
		ast.Inspect(fn.Node(), func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, lhs := range as.Lhs {
				if passutil.ObjectOf(info, lhs) == v {
					assignments++
					if lit, ok := passutil.Unparen(as.Rhs[i]).(*ast.FuncLit); ok {
						ftype, body = lit.Type, lit.Body
					}
				}
			}
			return true
		})
		if assignments != 1 {
			return nil, nil // reassigned: cannot tell which function is used
		}
		return ftype, body
	}
	return nil, nil
}

func declBody(pass *analysis.Pass, obj types.Object) (*ast.FuncType, *ast.BlockStmt) {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() != pass.Pkg {
		return nil, nil
	}
	for _, f := range pass.Files {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && pass.TypesInfo.Defs[fd.Name] == fn {
				return fd.Type, fd.Body
			}
		}
	}
	return nil, nil
}

// checksMethod reports whether a key function looks at the token's algorithm: token.Method
// (a type assertion or Alg()) or the "alg" header. Handing the token to another function counts
// too, since that function may do the check.
func checksMethod(info *types.Info, ftype *ast.FuncType, body *ast.BlockStmt) bool {
	var token types.Object
	if ftype != nil && ftype.Params != nil && len(ftype.Params.List) > 0 && len(ftype.Params.List[0].Names) > 0 {
		token = info.ObjectOf(ftype.Params.List[0].Names[0])
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			for _, arg := range n.Args {
				if token != nil && passutil.ObjectOf(info, arg) == token {
					found = true
				}
			}
		case *ast.SelectorExpr:
			// Returning UnsafeAllowNoneSignatureType is reported as unverified already.
			if n.Sel.Name == "Method" || isJWTMember(info, n, "UnsafeAllowNoneSignatureType") {
				found = true
			}
		case *ast.IndexExpr:
			if s, ok := passutil.ConstString(info, n.Index); ok && s == "alg" {
				found = true
			}
		}
		return !found
	})
	return found
}
