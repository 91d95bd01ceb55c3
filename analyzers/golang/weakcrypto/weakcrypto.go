// Package weakcrypto reports broken hashes, ciphers and key sizes used where security depends
// on them.
package weakcrypto

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

const doc = `report MD5, SHA-1, DES, RC4, DSA and short RSA keys

MD5 and SHA-1 have practical collision attacks (CWE-328); DES, 3DES and RC4 are broken ciphers
(CWE-327); RSA keys shorter than 2048 bits can be factored with modest resources and DSA is
deprecated (CWE-326).

MD5 and SHA-1 are often used where collisions do not matter, so a use is not reported when it is
clearly not for security: inside HMAC, PBKDF2, HKDF or RSA-OAEP; in a function whose name says
etag, checksum, cache, dedup, metric, shard, bucket or partition; when the digest flows (directly or through one variable) into a
variable, field or call with such a name, or into an "ETag" or "Content-MD5" header; or when
the hash is fed from an *os.File with io.Copy (content addressing of files). Any of password,
secret, token, signature, auth, session, salt or nonce in the same places makes it a security
use again. Test files are not checked: test keys and digests protect nothing.

Fix: use SHA-256 or SHA-3 (crypto/sha256, crypto/sha3), AES-GCM or ChaCha20-Poly1305, RSA keys
of at least 2048 bits (3072 for use past 2030) or Ed25519/ECDSA instead of DSA.`

const (
	ruleWeakHash   = "go-weak-hash"
	ruleWeakCipher = "go-weak-cipher"
	ruleWeakRSA    = "go-weak-rsa-key"
	ruleDSA        = "go-dsa-signature"
)

const docsURL = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"

// Analyzer reports weak cryptographic primitives.
var Analyzer = &analysis.Analyzer{
	Name:             "weakcrypto",
	Doc:              doc,
	URL:              docsURL + ruleWeakHash,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{
	{
		ID:          ruleWeakHash,
		Title:       "MD5 or SHA-1 used for security",
		Layer:       finding.Code,
		Severity:    finding.Medium,
		Description: "MD5 and SHA-1 have practical collision attacks, so digests, signatures and password hashes built on them can be forged.",
		Remediation: "Use crypto/sha256 or crypto/sha3 for digests and signatures, and bcrypt, scrypt or argon2 for passwords; name the variable after its non-security use (etag, checksum) if collisions truly do not matter.",
		References:  []string{"CWE-328", "CWE-327"},
		HelpURL:     docsURL + ruleWeakHash,
	},
	{
		ID:          ruleWeakCipher,
		Title:       "Broken cipher (DES, 3DES or RC4)",
		Layer:       finding.Code,
		Severity:    finding.High,
		Description: "DES has a 56-bit key, 3DES a 64-bit block (Sweet32) and RC4 biased output; data encrypted with them can be recovered.",
		Remediation: "Use AES-GCM (crypto/aes with cipher.NewGCM) or ChaCha20-Poly1305 (golang.org/x/crypto/chacha20poly1305).",
		References:  []string{"CWE-327"},
		HelpURL:     docsURL + ruleWeakCipher,
	},
	{
		ID:          ruleWeakRSA,
		Title:       "RSA key shorter than 2048 bits",
		Layer:       finding.Code,
		Severity:    finding.High,
		Description: "RSA keys below 2048 bits can be factored with modest resources, after which signatures can be forged and traffic decrypted.",
		Remediation: "Generate RSA keys of at least 2048 bits (3072 for use past 2030), or use Ed25519.",
		References:  []string{"CWE-326"},
		HelpURL:     docsURL + ruleWeakRSA,
	},
	{
		ID:          ruleDSA,
		Title:       "DSA signature algorithm",
		Layer:       finding.Code,
		Severity:    finding.Medium,
		Description: "DSA is deprecated (FIPS 186-5) and crypto/dsa only supports key sizes that are weak by current standards; a reused or biased nonce leaks the private key.",
		Remediation: "Sign with Ed25519 (crypto/ed25519) or ECDSA (crypto/ecdsa) instead.",
		References:  []string{"CWE-327", "CWE-326"},
		HelpURL:     docsURL + ruleDSA,
	},
}

const minRSABits = 2048

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	info := pass.TypesInfo
	for cur := range ins.Root().Preorder((*ast.SelectorExpr)(nil), (*ast.CallExpr)(nil)) {
		if passutil.IsTestFile(pass, cur.Node().Pos()) {
			continue
		}
		switch n := cur.Node().(type) {
		case *ast.CallExpr:
			checkCall(pass, n)
		case *ast.SelectorExpr:
			path, name, ok := passutil.PackageMember(info, n)
			if !ok {
				continue
			}
			switch {
			case (path == "crypto/md5" || path == "crypto/sha1") && (name == "New" || name == "Sum"):
				if !isSecurityUse(pass, cur) {
					continue
				}
				algo := "MD5"
				if path == "crypto/sha1" {
					algo = "SHA-1"
				}
				passutil.Report(pass, ruleWeakHash, n, fmt.Sprintf("%s is used where collisions matter (%s.%s); use SHA-256 or stronger", algo, path[strings.LastIndex(path, "/")+1:], name))
			case path == "crypto" && (name == "MD5" || name == "SHA1") && isSignatureArg(pass, cur):
				passutil.Report(pass, ruleWeakHash, n, fmt.Sprintf("signature uses crypto.%s, which has practical collision attacks; use crypto.SHA256 or stronger", name))
			case path == "crypto/x509" && weakSignatureAlgorithms[name]:
				passutil.Report(pass, ruleWeakHash, n, fmt.Sprintf("certificate signature algorithm x509.%s relies on a broken hash; use x509.SHA256WithRSA, ECDSAWithSHA256 or PureEd25519", name))
			}
		}
	}
	return nil, nil
}

var weakSignatureAlgorithms = map[string]bool{
	"MD2WithRSA": true, "MD5WithRSA": true, "SHA1WithRSA": true, "DSAWithSHA1": true, "ECDSAWithSHA1": true,
}

func checkCall(pass *analysis.Pass, call *ast.CallExpr) {
	info := pass.TypesInfo
	switch {
	case passutil.IsFuncCall(info, call, "crypto/des", "NewCipher"):
		passutil.Report(pass, ruleWeakCipher, call, "DES has a 56-bit key that can be brute-forced; use AES-GCM")
	case passutil.IsFuncCall(info, call, "crypto/des", "NewTripleDESCipher"):
		passutil.Report(pass, ruleWeakCipher, call, "3DES has a 64-bit block and is open to Sweet32 collisions; use AES-GCM")
	case passutil.IsFuncCall(info, call, "crypto/rc4", "NewCipher"):
		passutil.Report(pass, ruleWeakCipher, call, "RC4 output is biased and its plaintext recoverable; use AES-GCM or ChaCha20-Poly1305")
	case passutil.IsFuncCall(info, call, "crypto/rsa", "GenerateKey") && len(call.Args) == 2:
		checkRSABits(pass, call.Args[1])
	case passutil.IsFuncCall(info, call, "crypto/rsa", "GenerateMultiPrimeKey") && len(call.Args) == 3:
		checkRSABits(pass, call.Args[2])
	case passutil.IsFuncCall(info, call, "crypto/dsa", "GenerateParameters", "GenerateKey", "Sign"):
		passutil.Report(pass, ruleDSA, call, "DSA is deprecated and limited to weak key sizes; sign with Ed25519 or ECDSA")
	}
}

func checkRSABits(pass *analysis.Pass, bits ast.Expr) {
	n, ok := passutil.ConstInt(pass.TypesInfo, bits)
	if !ok || n >= minRSABits || n <= 0 {
		return
	}
	passutil.Report(pass, ruleWeakRSA, bits, fmt.Sprintf("RSA key of %d bits is too short; use at least %d bits", n, minRSABits))
}

// hashWrappers are constructions whose security does not rest on the collision resistance of
// the hash they are given.
var hashWrappers = []struct{ path, name string }{
	{"crypto/hmac", "New"},
	{"golang.org/x/crypto/pbkdf2", "Key"},
	{"crypto/pbkdf2", "Key"},
	{"golang.org/x/crypto/hkdf", "New"},
	{"golang.org/x/crypto/hkdf", "Extract"},
	{"golang.org/x/crypto/hkdf", "Expand"},
	{"crypto/hkdf", "Key"},
	{"crypto/hkdf", "Extract"},
	{"crypto/hkdf", "Expand"},
	{"crypto/rsa", "EncryptOAEP"},
	{"crypto/rsa", "DecryptOAEP"},
}

// isSecurityUse decides whether an MD5/SHA-1 reference (md5.New, sha1.Sum, …) is for security;
// see the analyzer documentation for the heuristic.
func isSecurityUse(pass *analysis.Pass, cur inspector.Cursor) bool {
	info := pass.TypesInfo
	// The reference is a function value or a call result passed to an HMAC-like construction.
	use := cur
	if parent := cur.Parent(); parent.Valid() {
		if call, ok := parent.Node().(*ast.CallExpr); ok && call.Fun == cur.Node() {
			use = parent
		}
	}
	if parent := use.Parent(); parent.Valid() {
		if call, ok := parent.Node().(*ast.CallExpr); ok && call.Fun != use.Node() {
			for _, w := range hashWrappers {
				if passutil.IsFuncCall(info, call, w.path, w.name) {
					return false
				}
			}
		}
	}

	var ctx purpose
	fn := enclosingFuncDecl(cur)
	if fn != nil {
		ctx.addName(fn.Name.Name)
	}
	flowed := ctx.addContext(info, use)
	// Follow the digest through one variable: `sum := md5.Sum(b); etag := hex.EncodeToString(sum[:])`.
	if fn != nil && fn.Body != nil {
		if fnCur, ok := cur.Inspector().Root().FindNode(fn); ok {
			for _, obj := range flowed {
				for idCur := range fnCur.Preorder((*ast.Ident)(nil)) {
					id := idCur.Node().(*ast.Ident)
					if info.Uses[id] != obj {
						continue
					}
					ctx.addContext(info, idCur)
					if fedFromFile(info, idCur) {
						ctx.nonSecurity = true
					}
				}
			}
		}
	}
	return ctx.security || !ctx.nonSecurity
}

func enclosingFuncDecl(cur inspector.Cursor) *ast.FuncDecl {
	for c := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		return c.Node().(*ast.FuncDecl)
	}
	return nil
}

// purpose collects what the names around a digest say about it.
type purpose struct {
	security, nonSecurity bool
}

var (
	nonSecurityWords = map[string]bool{
		"etag": true, "etags": true, "checksum": true, "checksums": true, "crc": true,
		"cache": true, "cached": true, "caching": true, "dedup": true, "dedupe": true, "deduplicate": true,
		"metric": true, "metrics": true, "shard": true, "sharding": true, "bucket": true, "partition": true,
	}
	// nonSecurityCompounds are matched inside names whose word split is unreliable ("ETag").
	nonSecurityCompounds = []string{"etag", "checksum", "cachekey", "contenthash", "filehash"}
	nonSecurityPairs     = [][2]string{{"content", "hash"}, {"file", "hash"}, {"content", "address"}, {"content", "md5"}}
	securityWords        = map[string]bool{
		"password": true, "passwd": true, "pwd": true, "secret": true, "token": true, "sign": true,
		"signature": true, "signed": true, "auth": true, "authenticate": true, "session": true,
		"salt": true, "nonce": true, "credential": true, "credentials": true, "verify": true, "mac": true,
	}
)

func (p *purpose) addName(name string) {
	lower := strings.ToLower(name)
	for _, compound := range nonSecurityCompounds {
		if strings.Contains(lower, compound) {
			p.nonSecurity = true
		}
	}
	words := passutil.Words(name)
	for i, w := range words {
		switch {
		case securityWords[w]:
			p.security = true
		case nonSecurityWords[w]:
			p.nonSecurity = true
		}
		if i > 0 {
			for _, pair := range nonSecurityPairs {
				if words[i-1] == pair[0] && w == pair[1] {
					p.nonSecurity = true
				}
			}
		}
	}
}

// addContext reads the names between a use and its statement: called functions, struct keys,
// assigned variables, header names. It returns the local variables the value is assigned to.
func (p *purpose) addContext(info *types.Info, cur inspector.Cursor) []types.Object {
	var assigned []types.Object
	child := cur.Node()
	for c := cur.Parent(); c.Valid(); c = c.Parent() {
		switch n := c.Node().(type) {
		case *ast.CallExpr:
			if n.Fun != child {
				p.addName(calleeName(n))
				for _, arg := range n.Args {
					if s, ok := passutil.ConstString(info, arg); ok {
						switch strings.ToLower(s) {
						case "etag", "if-none-match", "content-md5":
							p.nonSecurity = true
						}
					}
				}
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				p.addName(id.Name)
			} else if s, ok := passutil.ConstString(info, n.Key); ok {
				p.addName(s)
			}
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				p.addName(exprName(lhs))
				if obj := passutil.ObjectOf(info, lhs); obj != nil {
					if _, isVar := obj.(*types.Var); isVar {
						assigned = append(assigned, obj)
					}
				}
			}
			return assigned
		case *ast.ValueSpec:
			for _, id := range n.Names {
				p.addName(id.Name)
				if obj := info.ObjectOf(id); obj != nil {
					assigned = append(assigned, obj)
				}
			}
			return assigned
		case ast.Stmt, *ast.FuncLit, *ast.FuncDecl:
			return assigned
		}
		child = c.Node()
	}
	return assigned
}

// fedFromFile reports whether the identifier is the writer of `io.Copy(h, f)` with f an
// *os.File: hashing a file's content to address or verify it.
func fedFromFile(info *types.Info, idCur inspector.Cursor) bool {
	parent := idCur.Parent()
	if !parent.Valid() {
		return false
	}
	call, ok := parent.Node().(*ast.CallExpr)
	if !ok || !passutil.IsFuncCall(info, call, "io", "Copy", "CopyN", "CopyBuffer") || len(call.Args) < 2 || call.Args[0] != idCur.Node() {
		return false
	}
	return passutil.TypeIs(info, call.Args[1], "os", "File")
}

func calleeName(call *ast.CallExpr) string {
	switch fn := passutil.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		return fn.Sel.Name
	}
	return ""
}

func exprName(e ast.Expr) string {
	switch e := passutil.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.IndexExpr:
		return exprName(e.X)
	}
	return ""
}

// isSignatureArg reports whether crypto.MD5/SHA1 is passed to an RSA signing or verification
// function.
func isSignatureArg(pass *analysis.Pass, cur inspector.Cursor) bool {
	parent := cur.Parent()
	if !parent.Valid() {
		return false
	}
	call, ok := parent.Node().(*ast.CallExpr)
	return ok && call.Fun != cur.Node() &&
		passutil.IsFuncCall(pass.TypesInfo, call, "crypto/rsa", "SignPKCS1v15", "VerifyPKCS1v15", "SignPSS", "VerifyPSS")
}
