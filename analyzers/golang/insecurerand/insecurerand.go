// Package insecurerand reports math/rand output used where unpredictability is a security
// property: tokens, passwords, keys, nonces, salts, session ids (go-insecure-random).
package insecurerand

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/fourcsec/fourc/analyzers/golang/taint"
	"github.com/fourcsec/fourc/shared/finding"
)

// RuleID is the fourc rule this analyzer reports.
const RuleID = "go-insecure-random"

const doc = `report math/rand output used for tokens, keys and secrets

The go-insecure-random rule follows values of math/rand and math/rand/v2 (package functions and
*rand.Rand methods, including bytes filled by rand.Read) through arithmetic, indexing
(letters[rand.Intn(n)]), formatting and encoding into a security value: a variable, struct
field, parameter or function result named like a token, secret, password, nonce, salt, IV, OTP
or verification code, CSRF token, API key or session id (a bare "key" counts when it holds
bytes), or the key, IV or nonce argument of crypto/aes, crypto/cipher, crypto/hmac and friends.
It also reports a *math/rand.Rand passed as the randomness source of a crypto function such as
rsa.GenerateKey. math/rand is predictable: its state can be recovered from a few outputs (v1 is
often seeded with the time), so such values can be guessed.

math/rand for jitter, backoff, shuffling, sampling or picking a server is not reported: nothing
named as a secret receives it.

Fix: use crypto/rand — rand.Text() for tokens and passwords (Go 1.24+), rand.Read for keys,
nonces and salts, rand.Int for uniform numbers.`

// Analyzer reports math/rand values flowing into security-sensitive values.
var Analyzer = &analysis.Analyzer{
	Name:      "insecurerand",
	Doc:       doc,
	URL:       "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(summaryFact)},
}

// Rules is the fourc metadata of the rules Analyzer reports.
var Rules = []finding.Rule{{
	ID:       RuleID,
	Title:    "Security value generated with math/rand",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "A token, password, key, nonce, salt or session id is derived from math/rand, whose output is " +
		"predictable from earlier outputs or from the seed. An attacker can guess the value and hijack sessions, " +
		"reset passwords or decrypt data.",
	Remediation: "Generate security values with crypto/rand: rand.Text() for tokens and passwords, rand.Read for " +
		"keys, nonces and salts, rand.Int for numbers in a range.",
	References: []string{"CWE-338"},
	HelpURL:    "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
}}

// summaryFact carries a function's taint summary to importing packages.
type summaryFact struct{ Flow taint.Summary }

func (*summaryFact) AFact()                    {}
func (f *summaryFact) Summary() *taint.Summary { return &f.Flow }
func (f *summaryFact) String() string          { return f.Flow.String() }

const (
	randV1 = "math/rand"
	randV2 = "math/rand/v2"
)

var sources = func() []taint.Source {
	var out []taint.Source
	add := func(pkg string, names ...string) {
		for _, recv := range []string{"", "Rand"} {
			for _, name := range names {
				out = append(out, taint.Source{Func: taint.Func{Pkg: pkg, Recv: recv, Name: name}, Class: taint.Random})
			}
		}
	}
	add(randV1, "Int", "Intn", "Int31", "Int31n", "Int63", "Int63n", "Uint32", "Uint64", "Float32", "Float64",
		"Perm", "NormFloat64", "ExpFloat64")
	add(randV2, "Int", "IntN", "Int32", "Int32N", "Int64", "Int64N", "Uint", "UintN", "Uint32", "Uint32N",
		"Uint64", "Uint64N", "Float32", "Float64", "Perm", "N", "NormFloat64", "ExpFloat64")
	for _, recv := range []string{"PCG", "Zipf"} {
		out = append(out, taint.Source{Func: taint.Func{Pkg: randV2, Recv: recv, Name: "Uint64"}, Class: taint.Random})
	}
	for _, recv := range []string{"", "Rand"} {
		out = append(out, taint.Source{Func: taint.Func{Pkg: randV1, Recv: recv, Name: "Read"}, Class: taint.Random, Out: []int{0}})
	}
	return out
}()

// cryptoSinks are the key, IV and nonce arguments of crypto constructors and AEAD methods.
var cryptoSinks = []taint.Sink{
	{Func: taint.Func{Pkg: "crypto/aes", Name: "NewCipher"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "crypto/des", Name: "NewCipher"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "crypto/des", Name: "NewTripleDESCipher"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "crypto/rc4", Name: "NewCipher"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "crypto/hmac", Name: "New"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/cipher", Name: "NewCBCEncrypter"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/cipher", Name: "NewCBCDecrypter"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/cipher", Name: "NewCTR"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/cipher", Name: "NewCFBEncrypter"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/cipher", Name: "NewCFBDecrypter"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/cipher", Name: "NewOFB"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/cipher", Recv: "AEAD", Name: "Seal"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/ed25519", Name: "NewKeyFromSeed"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "golang.org/x/crypto/chacha20poly1305", Name: "New"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "golang.org/x/crypto/chacha20poly1305", Name: "NewX"}, Args: []int{0}},
}

func run(pass *analysis.Pass) (any, error) {
	in, ok := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	if !ok || taint.IsStandardLibrary(pass) {
		return nil, nil
	}
	named := taint.NamedValues(pass, in.SrcFuncs, taint.IsSecurityValueName)
	// One random value usually reaches several named sinks in a row (token := …; s.Token =
	// token; return token): report each source once per function, at the first sink.
	seen := map[string]bool{}
	cfg := &taint.Config{
		Classes:      taint.Random,
		Sources:      sources,
		Sinks:        cryptoSinks,
		CustomSinks:  func(instr ssa.Instruction) []taint.SinkUse { return namedSinks(instr, named) },
		NumbersCarry: true,
		IndexCarries: true,
		NewFact:      func() taint.SummaryFact { return new(summaryFact) },
		Report: func(f taint.Finding) {
			key := f.Sources[0].String()
			if fn := enclosing(in.SrcFuncs, f.Pos); fn != nil {
				key += "\x00" + fn.String()
			}
			if seen[key] {
				return
			}
			seen[key] = true
			pass.Report(analysis.Diagnostic{
				Pos:      f.Pos,
				Category: RuleID,
				Message:  "security value generated with math/rand: " + f.Describe(),
			})
		},
	}
	if err := taint.Run(pass, cfg); err != nil {
		return nil, err
	}
	reportGeneratorsAsReaders(pass, in.SrcFuncs)
	return nil, nil
}

// namedSinks are values whose names say they must be unpredictable: local variables, struct
// fields, parameters of called functions and results of functions.
func namedSinks(instr ssa.Instruction, named map[ssa.Value]string) []taint.SinkUse {
	var out []taint.SinkUse
	if v, ok := instr.(ssa.Value); ok {
		if name, ok := named[v]; ok {
			out = append(out, taint.SinkUse{Value: v, Desc: "variable " + name, Pos: v.Pos()})
		}
	}
	switch x := instr.(type) {
	case *ssa.Store:
		if fa, ok := x.Addr.(*ssa.FieldAddr); ok {
			if name, ok := securityField(fa); ok {
				out = append(out, taint.SinkUse{Value: x.Val, Desc: "field " + name, Pos: x.Pos()})
			}
		}
	case *ssa.Return:
		fn := x.Parent()
		if fn.Parent() == nil && fn.Synthetic == "" {
			for _, r := range x.Results {
				if taint.IsSecurityValueName(fn.Name(), r.Type()) {
					out = append(out, taint.SinkUse{Value: r, Desc: "result of " + fn.Name(), Pos: x.Pos()})
				}
			}
		}
	case *ssa.Call:
		out = append(out, parameterSinks(x)...)
	}
	return out
}

// securityField reports whether a field is named as a security value, alone ("Token") or with
// its struct's name ("Session" + "ID").
func securityField(fa *ssa.FieldAddr) (string, bool) {
	st, ok := taint.StructOf(fa.X.Type())
	if !ok || fa.Field < 0 || fa.Field >= st.NumFields() {
		return "", false
	}
	field := st.Field(fa.Field)
	typeName := ""
	t := fa.X.Type()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		typeName = n.Obj().Name()
	}
	if taint.IsSecurityValueName(field.Name(), field.Type()) || taint.IsSecurityValueName(typeName+field.Name(), field.Type()) {
		if typeName != "" {
			return typeName + "." + field.Name(), true
		}
		return field.Name(), true
	}
	return "", false
}

// parameterSinks are arguments passed to parameters named as security values. Crypto packages
// are left to cryptoSinks, which know which arguments are keys.
func parameterSinks(call *ssa.Call) []taint.SinkUse {
	common := call.Common()
	var sig *types.Signature
	var callee string
	argBase := 0
	if common.IsInvoke() {
		if pkg := common.Method.Pkg(); pkg != nil && isCrypto(pkg.Path()) {
			return nil
		}
		sig, _ = common.Method.Type().(*types.Signature)
		callee = taint.FuncName(common.Method)
	} else if fn := common.StaticCallee(); fn != nil {
		if isCrypto(taint.FuncPath(fn)) || strings.HasPrefix(taint.FuncPath(fn), "math/rand") {
			return nil
		}
		sig = fn.Signature
		if obj, ok := fn.Object().(*types.Func); ok {
			callee = taint.FuncName(obj)
		} else {
			callee = fn.Name()
		}
		if sig.Recv() != nil {
			argBase = 1
		}
	}
	if sig == nil {
		return nil
	}
	var out []taint.SinkUse
	params := sig.Params()
	for i := 0; i < params.Len(); i++ {
		if sig.Variadic() && i == params.Len()-1 {
			break
		}
		p := params.At(i)
		if argBase+i >= len(common.Args) || !taint.IsSecurityValueName(p.Name(), p.Type()) {
			continue
		}
		out = append(out, taint.SinkUse{
			Value: common.Args[argBase+i],
			Desc:  "parameter " + p.Name() + " of " + callee,
			Pos:   call.Pos(),
		})
	}
	return out
}

// enclosing returns the innermost function whose syntax contains pos.
func enclosing(funcs []*ssa.Function, pos token.Pos) *ssa.Function {
	var best *ssa.Function
	for _, fn := range funcs {
		syntax := fn.Syntax()
		if syntax == nil || pos < syntax.Pos() || pos >= syntax.End() {
			continue
		}
		if best == nil || syntax.Pos() >= best.Syntax().Pos() {
			best = fn
		}
	}
	return best
}

func isCrypto(path string) bool {
	return strings.HasPrefix(path, "crypto/") || strings.HasPrefix(path, "golang.org/x/crypto/")
}

// reportGeneratorsAsReaders reports a *math/rand.Rand passed to a crypto function as its
// io.Reader of random bytes (rsa.GenerateKey(mrand.New(…), 2048)).
func reportGeneratorsAsReaders(pass *analysis.Pass, funcs []*ssa.Function) {
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(*ssa.Call)
				if !ok {
					continue
				}
				callee := call.Common().StaticCallee()
				if callee == nil || !isCrypto(taint.FuncPath(callee)) {
					continue
				}
				for _, a := range call.Common().Args {
					mi, ok := a.(*ssa.MakeInterface)
					if !ok || !taint.IsNamed(mi.X.Type(), randV1, "Rand") {
						continue
					}
					name := callee.Name()
					if obj, ok := callee.Object().(*types.Func); ok {
						name = taint.FuncName(obj)
					}
					pass.Report(analysis.Diagnostic{
						Pos:      call.Pos(),
						Category: RuleID,
						Message:  "math/rand generator used as the randomness source of " + name,
					})
				}
			}
		}
	}
}
