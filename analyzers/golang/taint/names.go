package taint

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// Words splits an identifier, header or key name into lowercase words:
// "APIKey" → [api key], "session_id" → [session id], "X-Auth-Token" → [x auth token].
func Words(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// trailingNoise are words that name a representation of the thing before them: "tokenStr",
// "passwordBytes", "secretValue".
var trailingNoise = map[string]bool{
	"value": true, "val": true, "str": true, "string": true, "bytes": true, "byte": true, "buf": true,
	"b": true, "hex": true, "b64": true, "base64": true, "encoded": true, "plain": true, "plaintext": true,
	"raw": true, "data": true, "s": true,
}

// headNouns memoises headNoun: the analyzers ask about the same few names over and over, from
// concurrently analysed packages.
var headNouns sync.Map // string → []string

// headNoun returns the words of name without trailing noise words; in English compounds the last
// word says what the thing is ("passwordHash" is a hash, "dbPassword" a password).
func headNoun(name string) []string {
	if w, ok := headNouns.Load(name); ok {
		return w.([]string)
	}
	w := Words(name)
	for len(w) > 1 && trailingNoise[w[len(w)-1]] {
		w = w[:len(w)-1]
	}
	headNouns.Store(name, w)
	return w
}

var secretNouns = map[string]bool{
	"password": true, "passwd": true, "passphrase": true, "secret": true, "secrets": true,
	"token": true, "tokens": true, "credential": true, "credentials": true, "creds": true,
	"apikey": true, "privatekey": true, "authorization": true, "bearer": true,
}

// notSecretTokens qualify "token" as something public: pagination cursors, lexer tokens.
var notSecretTokens = map[string]bool{
	"page": true, "next": true, "continuation": true, "pagination": true, "cursor": true, "sync": true,
	"lexer": true, "parser": true, "cancel": true, "cancellation": true, "idempotency": true,
	"trace": true,
}

// keyQualifiers make "key" a secret: "apiKey", "secretKey", "privateKey", "signingKey".
var keyQualifiers = map[string]bool{
	"api": true, "secret": true, "private": true, "signing": true, "sign": true, "encryption": true,
	"encrypt": true, "hmac": true, "aes": true, "master": true, "crypto": true, "jwt": true,
	"session": true, "auth": true, "license": true, "webhook": true,
}

// IsSecretName reports whether an identifier names a secret: a password, token, API key,
// private key, credential or session id. Names of things about a secret ("tokenURL",
// "passwordHash", "secretName", "apiKeyID", "nextPageToken") are not secrets.
func IsSecretName(name string) bool {
	w := headNoun(name)
	if len(w) == 0 {
		return false
	}
	last := w[len(w)-1]
	prev := ""
	if len(w) > 1 {
		prev = w[len(w)-2]
	}
	switch {
	case last == "token" || last == "tokens":
		return !notSecretTokens[prev]
	case secretNouns[last]:
		return true
	case last == "key":
		return keyQualifiers[prev]
	case last == "id":
		return prev == "session"
	case last == "pass" || last == "pwd":
		return prev == "db" || prev == "user" || prev == "admin" || prev == "root"
	}
	return false
}

var randomNouns = map[string]bool{
	"token": true, "tokens": true, "secret": true, "password": true, "passwd": true, "passphrase": true,
	"nonce": true, "salt": true, "otp": true, "csrf": true, "apikey": true, "iv": true, "pepper": true,
}

var codeQualifiers = map[string]bool{
	"otp": true, "verification": true, "verify": true, "reset": true, "auth": true, "confirmation": true,
	"confirm": true, "activation": true, "invite": true, "invitation": true, "recovery": true, "mfa": true,
	"totp": true, "login": true, "security": true,
}

// IsSecurityValueName reports whether an identifier names a value that must be unpredictable: a
// token, secret, password, nonce, salt, IV, one-time or verification code, API key, session id
// or key. A bare "key" only counts when it holds bytes (cache and map keys are strings); "key"
// qualified by api, secret, signing… always counts.
func IsSecurityValueName(name string, t types.Type) bool {
	w := headNoun(name)
	if len(w) == 0 {
		return false
	}
	last := w[len(w)-1]
	prev := ""
	if len(w) > 1 {
		prev = w[len(w)-2]
	}
	switch {
	case last == "token" || last == "tokens":
		return !notSecretTokens[prev]
	case randomNouns[last]:
		return true
	case last == "key":
		return keyQualifiers[prev] || (prev == "" && isByteSequence(t))
	case last == "id" || last == "sid":
		return prev == "session"
	case last == "code" || last == "pin":
		return codeQualifiers[prev]
	}
	return false
}

func isByteSequence(t types.Type) bool {
	if t == nil {
		return false
	}
	var elem types.Type
	switch u := t.Underlying().(type) {
	case *types.Slice:
		elem = u.Elem()
	case *types.Array:
		elem = u.Elem()
	default:
		return false
	}
	b, ok := elem.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// NamedValues maps the SSA values assigned to local variables to the variables' names, for the
// names match accepts: go/ssa keeps no names for locals, so the assignments are read from the
// syntax and matched with SSA values by position and type.
func NamedValues(pass *analysis.Pass, funcs []*ssa.Function, match func(name string, t types.Type) bool) map[ssa.Value]string {
	type want struct {
		rhs  ast.Expr
		name string
	}
	var wants []want
	for _, file := range pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					id, ok := lhs.(*ast.Ident)
					if !ok || id.Name == "_" || !match(id.Name, pass.TypesInfo.TypeOf(id)) {
						continue
					}
					switch {
					case len(n.Rhs) == len(n.Lhs):
						wants = append(wants, want{n.Rhs[i], id.Name})
					case len(n.Rhs) == 1:
						wants = append(wants, want{n.Rhs[0], id.Name})
					}
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if id.Name == "_" || !match(id.Name, pass.TypesInfo.TypeOf(id)) {
						continue
					}
					switch {
					case len(n.Values) == len(n.Names):
						wants = append(wants, want{n.Values[i], id.Name})
					case len(n.Values) == 1:
						wants = append(wants, want{n.Values[0], id.Name})
					}
				}
			}
			return true
		})
	}
	out := map[ssa.Value]string{}
	if len(wants) == 0 {
		return out
	}
	byPos := map[token.Pos][]ssa.Value{}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if v, ok := instr.(ssa.Value); ok && v.Pos().IsValid() {
					byPos[v.Pos()] = append(byPos[v.Pos()], v)
				}
			}
		}
	}
	for _, w := range wants {
		if v := valueOfExpr(pass.TypesInfo, w.rhs, byPos); v != nil {
			out[v] = w.name
		}
	}
	return out
}

// valueOfExpr finds the SSA value computing e, by the position go/ssa gives each kind of
// instruction and by type.
func valueOfExpr(info *types.Info, e ast.Expr, byPos map[token.Pos][]ssa.Value) ssa.Value {
	e = ast.Unparen(e)
	var pos token.Pos
	switch x := e.(type) {
	case *ast.CallExpr:
		pos = x.Lparen
	case *ast.BinaryExpr:
		pos = x.OpPos
	case *ast.UnaryExpr:
		pos = x.OpPos
		if x.Op == token.AND {
			if cl, ok := ast.Unparen(x.X).(*ast.CompositeLit); ok {
				pos = cl.Lbrace
			}
		}
	case *ast.SelectorExpr:
		pos = x.Sel.Pos()
	case *ast.IndexExpr:
		pos = x.Lbrack
	case *ast.SliceExpr:
		pos = x.Lbrack
	case *ast.TypeAssertExpr:
		pos = x.Lparen
	case *ast.CompositeLit:
		pos = x.Lbrace
	default:
		return nil
	}
	want := info.TypeOf(e)
	cands := byPos[pos]
	for _, v := range cands {
		if want != nil && types.Identical(v.Type(), want) {
			return v
		}
	}
	for _, v := range cands {
		// a field selection's FieldAddr has the position; the load that follows has the value
		if fa, ok := v.(*ssa.FieldAddr); ok {
			for _, r := range *fa.Referrers() {
				if load, ok := r.(*ssa.UnOp); ok && load.Op == token.MUL {
					return load
				}
			}
		}
		if _, ok := v.Type().(*types.Tuple); ok {
			return v
		}
	}
	return nil
}
