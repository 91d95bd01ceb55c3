// Package cookie reports cookies set without Secure or HttpOnly, and CORS policies that let any
// origin make credentialed requests.
package cookie

import (
	"fmt"
	"go/ast"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report insecure cookies and credentialed CORS for any origin

A cookie set without Secure is sent over plain HTTP, where it can be read on the network
(CWE-614); without HttpOnly any script injected into the page can read it (CWE-1004). An
http.Cookie literal is checked when it reaches http.SetCookie in the same function, directly or
through a variable, unless the attribute is assigned later. Cookies whose name suggests a
session or credential (session, sid, auth, token, jwt, login, remember) are reported with medium
severity; CSRF cookies need not be HttpOnly (the page reads them on purpose).

Allowing credentialed cross-origin requests from any origin lets any web site act as the
logged-in user (CWE-942): Access-Control-Allow-Origin "*" or the request's own Origin header
echoed back, set in the same function as Access-Control-Allow-Credentials "true", or
github.com/rs/cors (and go-chi/cors) Options with AllowedOrigins "*" or an AllowOriginFunc
that always returns true, together with AllowCredentials: true. An echoed Origin is not reported
when a condition around it mentions the origin (an allow-list check).

Fix: set Secure: true and HttpOnly: true (and SameSite); list the allowed origins explicitly.`

const (
	ruleCookie        = "go-cookie-insecure"
	ruleSessionCookie = "go-session-cookie-insecure"
	ruleCORS          = "go-cors-any-origin-credentials"
	docsURL           = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"
	httpPath          = "net/http"
)

// Analyzer reports insecure cookies and credentialed CORS for any origin.
var Analyzer = &analysis.Analyzer{
	Name:             "cookie",
	Doc:              doc,
	URL:              docsURL + ruleCookie,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{
	{
		ID:          ruleCookie,
		Title:       "Cookie without Secure or HttpOnly",
		Layer:       finding.Code,
		Severity:    finding.Low,
		Description: "The cookie is set without Secure (so it is also sent over plain HTTP) or without HttpOnly (so page scripts can read it).",
		Remediation: "Set Secure: true and HttpOnly: true on the http.Cookie, and a SameSite mode.",
		References:  []string{"CWE-614", "CWE-1004"},
		HelpURL:     docsURL + ruleCookie,
	},
	{
		ID:          ruleSessionCookie,
		Title:       "Session cookie without Secure or HttpOnly",
		Layer:       finding.Code,
		Severity:    finding.Medium,
		Description: "A cookie that looks like a session or credential is set without Secure or HttpOnly, so it can be stolen from plain-HTTP traffic or by injected script and replayed.",
		Remediation: "Set Secure: true, HttpOnly: true and SameSite (Lax or Strict) on session cookies.",
		References:  []string{"CWE-614", "CWE-1004"},
		HelpURL:     docsURL + ruleSessionCookie,
	},
	{
		ID:          ruleCORS,
		Title:       "CORS allows credentials from any origin",
		Layer:       finding.Code,
		Severity:    finding.High,
		Description: "Cross-origin requests with credentials are allowed from any origin (a wildcard or the request's own Origin echoed back), so any web site can act on behalf of the signed-in user.",
		Remediation: "Allow only a fixed list of trusted origins, and echo the Origin header back only after checking it against that list.",
		References:  []string{"CWE-942"},
		HelpURL:     docsURL + ruleCORS,
	},
}

var sessionName = regexp.MustCompile(`(?i)(sess|sid|auth|token|jwt|login|remember|credential|identity)`)
var csrfName = regexp.MustCompile(`(?i)(csrf|xsrf)`)

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	info := pass.TypesInfo
	for cur := range ins.Root().Preorder((*ast.CallExpr)(nil), (*ast.CompositeLit)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if passutil.IsTestFile(pass, cur.Node().Pos()) {
			continue
		}
		switch n := cur.Node().(type) {
		case *ast.CallExpr:
			if passutil.IsFuncCall(info, n, httpPath, "SetCookie") && len(n.Args) == 2 {
				checkSetCookie(pass, cur, n.Args[1])
			}
		case *ast.CompositeLit:
			checkCORSOptions(pass, n)
		case *ast.FuncDecl:
			if n.Body != nil {
				checkCORSHeaders(pass, n.Body)
			}
		case *ast.FuncLit:
			checkCORSHeaders(pass, n.Body)
		}
	}
	return nil, nil
}

// checkSetCookie finds the http.Cookie literal given to http.SetCookie, directly or through a
// variable assigned in the same function.
func checkSetCookie(pass *analysis.Pass, cur inspector.Cursor, arg ast.Expr) {
	info := pass.TypesInfo
	fn, ok := passutil.EnclosingFuncCursor(cur)
	if !ok {
		return
	}
	if lit, ok := passutil.Literal(arg); ok {
		checkCookieLiteral(pass, fn.Node(), lit, nil)
		return
	}
	obj := passutil.ObjectOf(info, arg)
	if obj == nil {
		return
	}
	// The literal assigned to the variable: `c := &http.Cookie{…}` or `c := http.Cookie{…}`.
	for litCur := range fn.Preorder((*ast.CompositeLit)(nil)) {
		lit := litCur.Node().(*ast.CompositeLit)
		if !passutil.TypeIs(info, lit, httpPath, "Cookie") {
			continue
		}
		target := passutil.AssignedTo(litCur)
		if target != nil && passutil.ObjectOf(info, target) == obj {
			checkCookieLiteral(pass, fn.Node(), lit, target)
		}
	}
}

func checkCookieLiteral(pass *analysis.Pass, fn ast.Node, lit *ast.CompositeLit, target ast.Expr) {
	info := pass.TypesInfo
	if !passutil.TypeIs(info, lit, httpPath, "Cookie") {
		return
	}
	for _, elt := range lit.Elts {
		if _, ok := elt.(*ast.KeyValueExpr); !ok {
			return // unkeyed: every field is listed
		}
	}
	name := ""
	if kv, ok := passutil.Field(lit, "Name"); ok {
		name, _ = passutil.ConstString(info, kv.Value)
	}
	var missing []string
	var fields []string
	if !attributeSet(info, fn, lit, target, "Secure") {
		missing = append(missing, "Secure")
		fields = append(fields, "Secure: true")
	}
	if !csrfName.MatchString(name) && !attributeSet(info, fn, lit, target, "HttpOnly") {
		missing = append(missing, "HttpOnly")
		fields = append(fields, "HttpOnly: true")
	}
	if len(missing) == 0 {
		return
	}
	rule := ruleCookie
	subject := "cookie"
	if name != "" {
		subject = fmt.Sprintf("cookie %q", name)
	}
	if sessionName.MatchString(name) {
		rule = ruleSessionCookie
		subject = "session " + subject
	}
	msg := fmt.Sprintf("%s is set without %s", subject, strings.Join(missing, " and "))
	if fix, ok := passutil.AddFieldsFix(pass, "Set "+strings.Join(missing, " and "), lit, fields...); ok && !hasAnyField(lit, missing) {
		passutil.Report(pass, rule, lit, msg, fix)
		return
	}
	passutil.Report(pass, rule, lit, msg)
}

// attributeSet reports whether a boolean cookie attribute is true in the literal or assigned
// later; a non-constant value counts as set (the program decides, perhaps from configuration).
func attributeSet(info *types.Info, fn ast.Node, lit *ast.CompositeLit, target ast.Expr, field string) bool {
	if kv, ok := passutil.Field(lit, field); ok {
		v, isConst := passutil.ConstBool(info, kv.Value)
		return !isConst || v
	}
	return target != nil && passutil.SetsField(info, fn, target, field)
}

func hasAnyField(lit *ast.CompositeLit, fields []string) bool {
	for _, f := range fields {
		if _, ok := passutil.Field(lit, f); ok {
			return true
		}
	}
	return false
}

// checkCORSOptions reports rs/cors and go-chi/cors options allowing credentials for any origin.
func checkCORSOptions(pass *analysis.Pass, lit *ast.CompositeLit) {
	info := pass.TypesInfo
	if !passutil.TypeIs(info, lit, "github.com/rs/cors", "Options") && !passutil.TypeIs(info, lit, "github.com/go-chi/cors", "Options") {
		return
	}
	creds, ok := passutil.Field(lit, "AllowCredentials")
	if !ok {
		return
	}
	if v, isConst := passutil.ConstBool(info, creds.Value); !isConst || !v {
		return
	}
	if origins, ok := passutil.Field(lit, "AllowedOrigins"); ok {
		if list, ok := passutil.Literal(origins.Value); ok {
			for _, o := range list.Elts {
				if s, ok := passutil.ConstString(info, o); ok && s == "*" {
					passutil.Report(pass, ruleCORS, o, `CORS allows credentials from any origin (AllowedOrigins "*" with AllowCredentials: true); the library then echoes every origin back`)
					return
				}
			}
		}
	}
	for _, field := range []string{"AllowOriginFunc", "AllowOriginRequestFunc", "AllowOriginVaryRequestFunc"} {
		if kv, ok := passutil.Field(lit, field); ok && alwaysTrue(info, kv.Value) {
			passutil.Report(pass, ruleCORS, kv.Value, fmt.Sprintf("CORS allows credentials from any origin (%s always returns true with AllowCredentials: true)", field))
			return
		}
	}
}

// alwaysTrue reports whether a function literal's every return statement returns constant true
// as its first result.
func alwaysTrue(info *types.Info, e ast.Expr) bool {
	fl, ok := passutil.Unparen(e).(*ast.FuncLit)
	if !ok || fl.Body == nil {
		return false
	}
	returns, allTrue := 0, true
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		if _, nested := n.(*ast.FuncLit); nested {
			return false
		}
		if ret, ok := n.(*ast.ReturnStmt); ok {
			returns++
			if len(ret.Results) == 0 {
				allTrue = false
				return false
			}
			if v, ok := passutil.ConstBool(info, ret.Results[0]); !ok || !v {
				allTrue = false
			}
		}
		return true
	})
	return returns > 0 && allTrue
}

// headerSet is one `h.Set(name, value)` or `h[name] = []string{value}` on an http.Header.
type headerSet struct {
	node  ast.Node
	name  string
	value ast.Expr
	conds []ast.Expr // conditions of the if and switch statements around it
}

// checkCORSHeaders looks for Access-Control-Allow-Origin "*" or an echoed Origin set in the same
// function as Access-Control-Allow-Credentials "true". Nested function literals are checked on
// their own.
func checkCORSHeaders(pass *analysis.Pass, body *ast.BlockStmt) {
	info := pass.TypesInfo
	var sets []headerSet
	originVars := map[types.Object]bool{} // variables holding the request's Origin header
	var conds []ast.Expr
	var walk func(n ast.Node) bool
	walk = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if n.Init != nil {
				ast.Inspect(n.Init, walk)
			}
			conds = append(conds, n.Cond)
			ast.Inspect(n.Body, walk)
			conds = conds[:len(conds)-1]
			if n.Else != nil {
				conds = append(conds, n.Cond)
				ast.Inspect(n.Else, walk)
				conds = conds[:len(conds)-1]
			}
			return false
		case *ast.SwitchStmt:
			if n.Init != nil {
				ast.Inspect(n.Init, walk)
			}
			if n.Tag != nil {
				conds = append(conds, n.Tag)
			}
			for _, clause := range n.Body.List {
				cc, ok := clause.(*ast.CaseClause)
				if !ok {
					continue
				}
				conds = append(conds, cc.List...)
				for _, stmt := range cc.Body {
					ast.Inspect(stmt, walk)
				}
				conds = conds[:len(conds)-len(cc.List)]
			}
			if n.Tag != nil {
				conds = conds[:len(conds)-1]
			}
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, lhs := range n.Lhs {
					if obj := passutil.ObjectOf(info, lhs); obj != nil && isOriginHeader(info, n.Rhs[i], originVars) {
						originVars[obj] = true
					}
					if idx, ok := passutil.Unparen(lhs).(*ast.IndexExpr); ok && isHeader(info, idx.X) {
						if name, ok := passutil.ConstString(info, idx.Index); ok {
							if list, ok := passutil.Literal(n.Rhs[i]); ok && len(list.Elts) == 1 {
								sets = append(sets, headerSet{node: n, name: name, value: list.Elts[0], conds: append([]ast.Expr(nil), conds...)})
							}
						}
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if i < len(n.Values) && len(n.Values) == len(n.Names) && isOriginHeader(info, n.Values[i], originVars) {
					if obj := info.ObjectOf(id); obj != nil {
						originVars[obj] = true
					}
				}
			}
		case *ast.CallExpr:
			if m := passutil.MethodName(n); (m == "Set" || m == "Add") && len(n.Args) == 2 {
				sel := passutil.Unparen(n.Fun).(*ast.SelectorExpr)
				if isHeader(info, sel.X) {
					if name, ok := passutil.ConstString(info, n.Args[0]); ok {
						sets = append(sets, headerSet{node: n, name: name, value: n.Args[1], conds: append([]ast.Expr(nil), conds...)})
					}
				}
			}
		}
		return true
	}
	ast.Inspect(body, walk)

	credentials := false
	for _, s := range sets {
		if strings.EqualFold(s.name, "Access-Control-Allow-Credentials") {
			if v, ok := passutil.ConstString(info, s.value); ok && strings.EqualFold(strings.TrimSpace(v), "true") {
				credentials = true
			}
		}
	}
	if !credentials {
		return
	}
	for _, s := range sets {
		if !strings.EqualFold(s.name, "Access-Control-Allow-Origin") {
			continue
		}
		if v, ok := passutil.ConstString(info, s.value); ok && strings.TrimSpace(v) == "*" {
			passutil.Report(pass, ruleCORS, s.node, `Access-Control-Allow-Origin "*" is set with Access-Control-Allow-Credentials "true"; list the allowed origins instead`)
			continue
		}
		if isOriginHeader(info, s.value, originVars) && !checked(info, s.conds, originVars) {
			passutil.Report(pass, ruleCORS, s.node, "the request's Origin header is echoed in Access-Control-Allow-Origin with credentials allowed and without checking it against an allow-list; any site can make authenticated requests")
		}
	}
}

// isHeader reports whether e is an http.Header (w.Header(), r.Header, a variable of that type).
func isHeader(info *types.Info, e ast.Expr) bool {
	if info != nil {
		if t := info.TypeOf(e); t != nil && t != types.Typ[types.Invalid] {
			p, n, ok := passutil.NamedTypeOf(t)
			return ok && p == httpPath && n == "Header"
		}
	}
	call, ok := passutil.Unparen(e).(*ast.CallExpr)
	return ok && passutil.MethodName(call) == "Header" && len(call.Args) == 0
}

// isOriginHeader reports whether e is the request's Origin header (`r.Header.Get("Origin")`) or
// a variable holding it.
func isOriginHeader(info *types.Info, e ast.Expr, originVars map[types.Object]bool) bool {
	e = passutil.Unparen(e)
	if obj := passutil.ObjectOf(info, e); obj != nil {
		return originVars[obj]
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || passutil.MethodName(call) != "Get" || len(call.Args) != 1 {
		return false
	}
	name, ok := passutil.ConstString(info, call.Args[0])
	return ok && strings.EqualFold(name, "Origin") && isHeader(info, passutil.Unparen(call.Fun).(*ast.SelectorExpr).X)
}

// checked reports whether a condition around the header mentions the origin: a variable holding
// it, or an Origin header read.
func checked(info *types.Info, conds []ast.Expr, originVars map[types.Object]bool) bool {
	for _, c := range conds {
		found := false
		ast.Inspect(c, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok && isOriginHeader(info, e, originVars) {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}
