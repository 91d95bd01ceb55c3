// Package hardcodedcreds reports passwords, API keys, tokens and signing keys written into the
// source code.
package hardcodedcreds

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report credentials written into the source code

A password, API key, token or signing key in the source is readable by everyone with access to
the repository, its history, build logs and binaries, and cannot be rotated without a release
(CWE-798).

Reported: a string constant (or []byte of one) assigned, declared, compared or given as a
struct field or map entry under a name whose last word is password, passwd, pwd, pass,
passphrase, secret, token, apikey or credential(s), or key after api, access, secret, private,
signing, auth, encryption, master, jwt or hmac (so tokenURL or passwordField are not);
connection strings with an inline password (scheme://user:pass@host, user:pass@tcp(…),
password=… with host=/dbname=/server=); literal AWS static credentials; and JWT signing or
verification keys made from string literals.

Values that cannot be secrets are skipped: shorter than 4 characters, containing white space,
template or format markers (${…}, {{…}}, %s, <…>), placeholders (changeme, example, xxx, your…,
redacted, dummy), paths, and field or variable names such as "db_password" or "X-Api-Token".
Test files are not checked. Messages never repeat the secret.

Fix: read the secret at run time from the environment, a mounted file or a secret manager, and
rotate the exposed value.`

const (
	ruleID       = "go-hardcoded-credential"
	docsURL      = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"
	minSecretLen = 4
)

// Analyzer reports hard-coded credentials.
var Analyzer = &analysis.Analyzer{
	Name:             "hardcodedcreds",
	Doc:              doc,
	URL:              docsURL + ruleID,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{{
	ID:          ruleID,
	Title:       "Hard-coded credential",
	Layer:       finding.Code,
	Severity:    finding.High,
	Description: "A password, key, token or connection string with a password is written into the source, where everyone with access to the repository or the binary can read it.",
	Remediation: "Load the secret at run time from the environment, a mounted file or a secret manager, and rotate the value that was committed.",
	References:  []string{"CWE-798"},
	HelpURL:     docsURL + ruleID,
}}

var (
	credentialWords = map[string]bool{
		"password": true, "passwd": true, "pwd": true, "passphrase": true, "secret": true,
		"token": true, "apikey": true, "credential": true, "credentials": true,
	}
	keyQualifiers = map[string]bool{
		"api": true, "access": true, "secret": true, "private": true, "signing": true, "auth": true,
		"encryption": true, "master": true, "jwt": true, "hmac": true,
	}
	placeholders = []string{
		"changeme", "change_me", "change-me", "example", "placeholder", "your", "xxx", "***",
		"redacted", "dummy", "sample", "insert", "replace", "todo", "fixme", "secret_here", "<", ">",
		"${", "{{", "%s", "%v", "%d", "$(", "…", "...",
	}
	urlWithPassword = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://([^:/@\s]+):([^@/\s]+)@`)
	mysqlDSN        = regexp.MustCompile(`^([^:@/\s]+):([^@/\s]+)@(tcp|unix|udp)(\(|$)`)
	keyValuePass    = regexp.MustCompile(`(?i)(?:^|[\s;])(?:password|pwd)\s*=\s*([^\s;'"]+)`)
	keyValueHost    = regexp.MustCompile(`(?i)(?:^|[\s;])(?:host|hostaddr|dbname|server|data source|user id|user)\s*=`)
	awsAccessKey    = regexp.MustCompile(`^(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16}$`)
	// nameShapes are how field, variable, header and environment names are spelled: snake_case,
	// UPPER_SNAKE, Header-Case and camelCase. Lowercase kebab-case ("my-signing-secret") is left
	// out on purpose: it is how people write throwaway secrets.
	nameShapes = regexp.MustCompile(`^(?:[a-z]+(?:_[a-z]+)*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*|[A-Z][a-z]*(?:-[A-Z][a-z]*)+|[a-z]+(?:[A-Z][a-z]*)+)$`)
)

// isCredentialName reports whether an identifier or key names a credential by its last word.
func isCredentialName(name string) bool {
	words := passutil.Words(name)
	if len(words) == 0 {
		return false
	}
	last := words[len(words)-1]
	if credentialWords[last] {
		return true
	}
	if len(words) >= 2 {
		prev := words[len(words)-2]
		switch {
		case last == "key" && keyQualifiers[prev]:
			return true
		case last == "pass" && prev != "by":
			return true // dbPass, adminPass
		}
	}
	return false
}

// plausibleSecret rejects values that are not secrets: see the analyzer documentation.
func plausibleSecret(v string) bool {
	if len(v) < minSecretLen || strings.ContainsAny(v, " \t\r\n") {
		return false
	}
	lower := strings.ToLower(v)
	for _, p := range placeholders {
		if strings.Contains(lower, p) {
			return false
		}
	}
	if strings.Trim(v, v[:1]) == "" {
		return false // "********"
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~/") {
		return false
	}
	if nameShapes.MatchString(v) {
		// "db_password", "X-Api-Token", "client_secret": the name of a field, header or
		// variable, not its value.
		for _, w := range passutil.Words(v) {
			if credentialWords[w] || w == "key" || w == "pass" {
				return false
			}
		}
	}
	return true
}

type checker struct {
	pass     *analysis.Pass
	reported map[token.Pos]bool
	// constInits maps variables initialised from a string literal (or []byte of one) to that
	// initialiser, to follow signing keys: `var key = []byte("s"); tok.SignedString(key)`.
	constInits map[types.Object]ast.Expr
}

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	c := &checker{pass: pass, reported: map[token.Pos]bool{}, constInits: map[types.Object]ast.Expr{}}
	nodes := []ast.Node{
		(*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.KeyValueExpr)(nil), (*ast.BinaryExpr)(nil),
		(*ast.CallExpr)(nil), (*ast.BasicLit)(nil),
	}
	// First pass: remember literal initialisers so later uses can be followed.
	ins.Preorder([]ast.Node{(*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)}, func(n ast.Node) {
		c.rememberInits(n)
	})
	for cur := range ins.Root().Preorder(nodes...) {
		n := cur.Node()
		if passutil.IsTestFile(pass, n.Pos()) {
			continue
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				continue
			}
			for i, lhs := range n.Lhs {
				c.checkNamed(targetName(pass.TypesInfo, lhs), n.Rhs[i])
			}
		case *ast.ValueSpec:
			if len(n.Names) != len(n.Values) {
				continue
			}
			for i, id := range n.Names {
				c.checkNamed(id.Name, n.Values[i])
			}
		case *ast.KeyValueExpr:
			name := ""
			if id, ok := n.Key.(*ast.Ident); ok {
				name = id.Name
			} else if s, ok := passutil.ConstString(pass.TypesInfo, n.Key); ok {
				name = s
			}
			c.checkNamed(name, n.Value)
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				c.checkNamed(targetName(pass.TypesInfo, n.X), n.Y)
				c.checkNamed(targetName(pass.TypesInfo, n.Y), n.X)
			}
		case *ast.CallExpr:
			c.checkCall(cur, n)
		case *ast.BasicLit:
			c.checkConnectionString(n)
		}
	}
	return nil, nil
}

func (c *checker) report(node ast.Node, msg string) {
	if c.reported[node.Pos()] {
		return
	}
	c.reported[node.Pos()] = true
	passutil.Report(c.pass, ruleID, node, msg)
}

// targetName is the name a value is stored under: x, s.Password, m["token"].
func targetName(info *types.Info, e ast.Expr) string {
	switch e := passutil.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.IndexExpr:
		if s, ok := passutil.ConstString(info, e.Index); ok {
			return s
		}
	case *ast.CallExpr: // os.Getenv("PASSWORD") == "x" compares a credential too
		if passutil.IsFuncCall(info, e, "os", "Getenv") && len(e.Args) == 1 {
			if s, ok := passutil.ConstString(info, e.Args[0]); ok {
				return s
			}
		}
	}
	return ""
}

// literalValue returns the secret a value expression spells out at this place: a string literal
// (or a concatenation of them), []byte of one, or a named constant whose own name did not get it
// reported already.
func (c *checker) literalValue(e ast.Expr) (string, ast.Expr, bool) {
	info := c.pass.TypesInfo
	e = passutil.Unparen(e)
	if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 && isByteSliceType(info, call.Fun) {
		e = passutil.Unparen(call.Args[0])
	}
	s, ok := passutil.ConstString(info, e)
	if !ok {
		return "", nil, false
	}
	hasLiteral := false
	namedCredential := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			hasLiteral = true
		case *ast.Ident:
			if isCredentialName(n.Name) {
				namedCredential = true
			}
		case *ast.SelectorExpr:
			if isCredentialName(n.Sel.Name) {
				namedCredential = true
			}
			return false
		}
		return true
	})
	if namedCredential || (!hasLiteral && !isConstIdent(info, e)) {
		return "", nil, false
	}
	return s, e, true
}

func isConstIdent(info *types.Info, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		_, ok := info.Uses[e].(*types.Const)
		return ok
	case *ast.SelectorExpr:
		_, ok := info.Uses[e.Sel].(*types.Const)
		return ok
	}
	return false
}

// isByteSliceType reports whether e denotes the type []byte.
func isByteSliceType(info *types.Info, e ast.Expr) bool {
	at, ok := passutil.Unparen(e).(*ast.ArrayType)
	if !ok || at.Len != nil {
		return false
	}
	id, ok := at.Elt.(*ast.Ident)
	if !ok || (id.Name != "byte" && id.Name != "uint8") {
		return false
	}
	obj, known := info.Uses[id]
	return !known || obj.Parent() == types.Universe
}

func (c *checker) checkNamed(name string, value ast.Expr) {
	if name == "" || value == nil || !isCredentialName(name) {
		return
	}
	s, at, ok := c.literalValue(value)
	if !ok || !plausibleSecret(s) {
		return
	}
	c.report(at, fmt.Sprintf("%s is set to a hard-coded credential; load it at run time from the environment or a secret store", shorten(name)))
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

func (c *checker) rememberInits(n ast.Node) {
	info := c.pass.TypesInfo
	remember := func(obj types.Object, value ast.Expr) {
		if obj == nil {
			return
		}
		if _, at, ok := c.literalValue(value); ok {
			c.constInits[obj] = at
		}
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if len(n.Lhs) == len(n.Rhs) {
			for i, lhs := range n.Lhs {
				remember(passutil.ObjectOf(info, lhs), n.Rhs[i])
			}
		}
	case *ast.ValueSpec:
		if len(n.Names) == len(n.Values) {
			for i, id := range n.Names {
				remember(info.ObjectOf(id), n.Values[i])
			}
		}
	}
}

// keyLiteral follows a key expression to a literal: []byte("s") here, or a variable initialised
// with one.
func (c *checker) keyLiteral(e ast.Expr) (string, ast.Expr, bool) {
	if s, at, ok := c.literalValue(e); ok {
		return s, at, true
	}
	if obj := passutil.ObjectOf(c.pass.TypesInfo, e); obj != nil {
		if at, ok := c.constInits[obj]; ok {
			s, _ := passutil.ConstString(c.pass.TypesInfo, at)
			return s, at, true
		}
	}
	return "", nil, false
}

var jwtPackages = []string{"github.com/golang-jwt/jwt", "github.com/dgrijalva/jwt-go", "github.com/form3tech-oss/jwt-go"}

func isJWT(path string) bool {
	for _, p := range jwtPackages {
		if passutil.PathIs(path, p) {
			return true
		}
	}
	return false
}

func (c *checker) checkCall(cur inspector.Cursor, call *ast.CallExpr) {
	info := c.pass.TypesInfo
	switch {
	case passutil.IsFuncCall(info, call, "github.com/aws/aws-sdk-go-v2/credentials", "NewStaticCredentialsProvider"),
		passutil.IsFuncCall(info, call, "github.com/aws/aws-sdk-go/aws/credentials", "NewStaticCredentials"):
		if len(call.Args) < 2 {
			return
		}
		id, _, idOK := c.literalValue(call.Args[0])
		secret, _, secretOK := c.literalValue(call.Args[1])
		if (idOK && awsAccessKey.MatchString(id)) || (secretOK && plausibleSecret(secret)) {
			c.report(call, "AWS credentials are hard-coded in the static credentials provider; use the default credential chain (environment, shared config, instance or task role)")
		}
	case passutil.MethodName(call) == "SignedString" && len(call.Args) == 1 && c.isJWTMethod(call):
		if s, at, ok := c.keyLiteral(call.Args[0]); ok && len(s) > 0 {
			c.report(at, "the JWT signing key is a hard-coded string; anyone with the source can mint valid tokens")
		}
	case c.isJWTParse(call):
		c.checkKeyFunc(call)
	}
}

func (c *checker) isJWTMethod(call *ast.CallExpr) bool {
	m, ok := passutil.CalledMethod(c.pass.TypesInfo, call)
	return ok && isJWT(m.PkgPath)
}

func (c *checker) isJWTParse(call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	if path, name, ok := passutil.PackageMember(info, call.Fun); ok && isJWT(path) && (name == "Parse" || name == "ParseWithClaims") {
		return true
	}
	m, ok := passutil.CalledMethod(info, call)
	return ok && isJWT(m.PkgPath) && m.TypeName == "Parser" && (m.Name == "Parse" || m.Name == "ParseWithClaims")
}

// checkKeyFunc reports key functions (literals given to jwt.Parse…) returning a literal key.
func (c *checker) checkKeyFunc(call *ast.CallExpr) {
	for _, arg := range call.Args {
		fl, ok := passutil.Unparen(arg).(*ast.FuncLit)
		if !ok || fl.Body == nil {
			continue
		}
		ast.Inspect(fl.Body, func(n ast.Node) bool {
			if _, nested := n.(*ast.FuncLit); nested {
				return false
			}
			ret, ok := n.(*ast.ReturnStmt)
			if !ok || len(ret.Results) == 0 {
				return true
			}
			if s, at, ok := c.keyLiteral(ret.Results[0]); ok && len(s) > 0 {
				c.report(at, "the JWT verification key is a hard-coded string; anyone with the source can mint tokens this accepts")
			}
			return true
		})
	}
}

// checkConnectionString reports string literals holding a password inline.
func (c *checker) checkConnectionString(lit *ast.BasicLit) {
	if lit.Kind != token.STRING || len(lit.Value) > 4096 {
		return
	}
	s, ok := passutil.ConstString(c.pass.TypesInfo, lit)
	if !ok {
		return
	}
	var password string
	if m := urlWithPassword.FindStringSubmatch(s); m != nil {
		password = m[2]
	} else if m := mysqlDSN.FindStringSubmatch(s); m != nil {
		password = m[2]
	} else if m := keyValuePass.FindStringSubmatch(s); m != nil && keyValueHost.MatchString(s) {
		password = m[1]
	}
	if password == "" || !plausibleDSNPassword(password) {
		return
	}
	c.report(lit, "the connection string contains an inline password; pass the password separately from the environment or a secret store")
}

// plausibleDSNPassword is plausibleSecret without the length floor: "pw" in a DSN is still a
// password; a format verb, template or placeholder is not, nor is the word itself
// ("user:password@host", "user:pass@tcp(…)" in documentation).
func plausibleDSNPassword(p string) bool {
	lower := strings.ToLower(p)
	for _, marker := range placeholders {
		if strings.Contains(lower, marker) {
			return false
		}
	}
	if credentialWords[lower] || lower == "pass" {
		return false
	}
	return !strings.HasPrefix(p, "$")
}
