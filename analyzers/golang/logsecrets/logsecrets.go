// Package logsecrets reports passwords, tokens and keys written to logs (go-secret-in-log).
package logsecrets

import (
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/fourcsec/fourc/analyzers/golang/taint"
	"github.com/fourcsec/fourc/shared/finding"
)

// RuleID is the fourc rule this analyzer reports.
const RuleID = "go-secret-in-log"

const doc = `report secrets written to logs

The go-secret-in-log rule follows secrets to log calls: log.Print*/Fatal*/Panic* and
*log.Logger, log/slog (package functions, *slog.Logger, slog.String and slog.Any attributes),
fmt.Print* and fmt.Fprint* to os.Stdout or os.Stderr, zap and logrus. A secret is a value whose
variable, parameter, field or function is named like a password, token, API key, private key,
credential or session id (see taint.IsSecretName: "tokenURL", "passwordHash", "secretName" and
"nextPageToken" are not secrets); the Authorization, Cookie and *-Token request headers; an
environment variable named like a secret; a value of a string type so named (type APIKey
string); and, when logged whole, an oauth2.Token or a struct with a secret field and no String,
Format, GoString or LogValue method to hide it. A slog or zap key/value pair whose constant key
names a secret ("password", pw) is reported too: the key says what the value is even when the
variable's name does not. The name of a secret alone is not reported ("token_id", id).

Only formatting, string building and encoding carry a secret onward; len(token), token != "",
a hash, and functions named redact, mask, obfuscate, truncate or hash return something
safe to log. Logs are copied to files, aggregators and support tickets, and read by people and
systems that must not hold credentials.

Fix: log that a secret is present, its length or a short hash, never the value; give secret
types a String or LogValue method that redacts them.`

// Analyzer reports secrets reaching log output.
var Analyzer = &analysis.Analyzer{
	Name:      "logsecrets",
	Doc:       doc,
	URL:       "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(summaryFact)},
}

// Rules is the fourc metadata of the rules Analyzer reports.
var Rules = []finding.Rule{{
	ID:       RuleID,
	Title:    "Secret written to a log",
	Layer:    finding.Code,
	Severity: finding.Medium,
	Description: "A password, token, API key, private key or similar credential is written to a log or to " +
		"standard output. Logs are retained, shipped to aggregators and read by people and systems that must " +
		"not hold credentials, so the secret leaks.",
	Remediation: "Log that the secret is set, its length or a short hash instead of its value, and give secret " +
		"types a String or LogValue method that redacts them.",
	References: []string{"CWE-532"},
	HelpURL:    "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
}}

// summaryFact carries a function's taint summary to importing packages.
type summaryFact struct{ Flow taint.Summary }

func (*summaryFact) AFact()                    {}
func (f *summaryFact) Summary() *taint.Summary { return &f.Flow }
func (f *summaryFact) String() string          { return f.Flow.String() }

const (
	slogPkg = "log/slog"
	zapPkg  = "go.uber.org/zap"
	logrus  = "github.com/sirupsen/logrus"
)

var all = []int{taint.AllArgs}

var sinks = func() []taint.Sink {
	var out []taint.Sink
	add := func(pkg string, recvs []string, args []int, names ...string) {
		for _, recv := range recvs {
			for _, name := range names {
				out = append(out, taint.Sink{Func: taint.Func{Pkg: pkg, Recv: recv, Name: name}, Args: args})
			}
		}
	}
	printers := []string{"Print", "Printf", "Println", "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"}
	add("log", []string{"", "Logger"}, all, printers...)
	add("fmt", []string{""}, all, "Print", "Printf", "Println")
	add(slogPkg, []string{"", "Logger"}, all, "Debug", "Info", "Warn", "Error", "DebugContext", "InfoContext",
		"WarnContext", "ErrorContext", "Log", "LogAttrs")
	add(slogPkg, []string{"Logger"}, all, "With")
	add(zapPkg, []string{"Logger"}, all, "Debug", "Info", "Warn", "Error", "DPanic", "Panic", "Fatal", "With")
	var sugared []string
	for _, level := range []string{"Debug", "Info", "Warn", "Error", "DPanic", "Panic", "Fatal"} {
		sugared = append(sugared, level, level+"f", level+"w", level+"ln")
	}
	add(zapPkg, []string{"SugaredLogger"}, all, append(sugared, "With")...)
	var levels []string
	for _, level := range []string{"Trace", "Debug", "Info", "Print", "Warn", "Warning", "Error", "Fatal", "Panic"} {
		levels = append(levels, level, level+"f", level+"ln")
	}
	add(logrus, []string{"", "Logger"}, all, levels...)
	add(logrus, []string{"Entry"}, []int{taint.Receiver, taint.AllArgs}, levels...)
	return out
}()

// propagators carry secrets into log attributes and entries; with OpaqueCalls set, nothing
// else does beyond formatting and encoding.
var propagators = append([]taint.Func{
	{Pkg: slogPkg, Name: "*"},
	{Pkg: slogPkg, Recv: "Logger", Name: "With"},
	{Pkg: zapPkg, Name: "*"},
	{Pkg: logrus, Name: "WithField"}, {Pkg: logrus, Name: "WithFields"},
	{Pkg: logrus, Recv: "Logger", Name: "WithField"}, {Pkg: logrus, Recv: "Logger", Name: "WithFields"},
	{Pkg: logrus, Recv: "Entry", Name: "WithField"}, {Pkg: logrus, Recv: "Entry", Name: "WithFields"},
	{Pkg: "net/url", Recv: "URL", Name: "String"},
}, taint.FormattingPropagators...)

// redactingWords in a function's name say it returns something safe to log.
var redactingWords = map[string]bool{
	"redact": true, "redacted": true, "mask": true, "masked": true, "obfuscate": true, "obfuscated": true,
	"hash": true, "hashed": true, "sanitize": true, "sanitized": true, "scrub": true, "censor": true,
	"truncate": true, "truncated": true, "fingerprint": true, "anonymize": true, "hide": true, "elide": true,
	"len": true, "length": true, "count": true,
}

func redacts(_ *ssa.Function, name string) bool {
	for _, w := range taint.Words(name) {
		if redactingWords[w] {
			return true
		}
	}
	return false
}

func run(pass *analysis.Pass) (any, error) {
	in, ok := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	if !ok || taint.IsStandardLibrary(pass) {
		return nil, nil
	}
	named := taint.NamedValues(pass, in.SrcFuncs, func(name string, t types.Type) bool {
		return taint.IsSecretName(name) && stringish(t)
	})
	reported := map[token.Pos]bool{}
	cfg := &taint.Config{
		Classes:     taint.Secret,
		ValueSource: func(v ssa.Value) (string, bool) { return secretValue(v, named) },
		Sinks:       sinks,
		CustomSinks: stdioSinks,
		Sanitizes:   redacts,
		OpaqueCalls: true,
		Propagators: propagators,
		NewFact:     func() taint.SummaryFact { return new(summaryFact) },
		Report: func(f taint.Finding) {
			reported[f.Pos] = true
			pass.Report(analysis.Diagnostic{
				Pos:      f.Pos,
				Category: RuleID,
				Message:  "secret written to a log: " + f.Describe(),
			})
		},
	}
	if err := taint.Run(pass, cfg); err != nil {
		return nil, err
	}
	reportKeysAndTypes(pass, in.SrcFuncs, reported)
	return nil, nil
}

// stringish reports whether t holds text or bytes (possibly as the first of several results):
// what a secret is made of.
func stringish(t types.Type) bool {
	if t == nil {
		return false
	}
	if tuple, ok := t.(*types.Tuple); ok {
		return tuple.Len() > 0 && stringish(tuple.At(0).Type())
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice:
		b, ok := u.Elem().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Byte
	}
	return false
}

// secretValue recognises secrets by the name of what holds them.
func secretValue(v ssa.Value, named map[ssa.Value]string) (string, bool) {
	if name, ok := named[v]; ok {
		return name, true
	}
	if n, ok := types.Unalias(v.Type()).(*types.Named); ok && stringish(n) && taint.IsSecretName(n.Obj().Name()) {
		if _, isConst := v.(*ssa.Const); !isConst {
			return "value of type " + n.Obj().Name(), true
		}
	}
	switch x := v.(type) {
	case *ssa.Parameter:
		if taint.IsSecretName(x.Name()) && stringish(x.Type()) {
			return x.Name(), true
		}
	case *ssa.FieldAddr:
		return secretField(x.X.Type(), x.Field)
	case *ssa.Field:
		return secretField(x.X.Type(), x.Field)
	case *ssa.Lookup:
		// r.Header["Authorization"]
		if key, ok := taint.ConstString(x.Index); ok && taint.IsNamed(x.X.Type(), "net/http", "Header") && secretHeader(key) {
			return "header " + key, true
		}
	case *ssa.Call:
		return secretCall(x)
	}
	return "", false
}

func secretField(structType types.Type, index int) (string, bool) {
	st, ok := taint.StructOf(structType)
	if !ok || index < 0 || index >= st.NumFields() {
		return "", false
	}
	f := st.Field(index)
	if !taint.IsSecretName(f.Name()) || !stringish(f.Type()) {
		return "", false
	}
	if p, ok := structType.Underlying().(*types.Pointer); ok {
		structType = p.Elem()
	}
	if n, ok := types.Unalias(structType).(*types.Named); ok {
		return n.Obj().Name() + "." + f.Name(), true
	}
	return f.Name(), true
}

// secretCall recognises calls returning secrets: getters named like one (cfg.APIKey(),
// GetPassword()), sensitive request headers and environment variables named like secrets.
func secretCall(call *ssa.Call) (string, bool) {
	common := call.Common()
	var name, path string
	var args []ssa.Value
	if common.IsInvoke() {
		name, args = common.Method.Name(), common.Args
		if common.Method.Pkg() != nil {
			path = common.Method.Pkg().Path()
		}
	} else if fn := common.StaticCallee(); fn != nil {
		name, path, args = fn.Name(), taint.FuncPath(fn), common.Args
		if fn.Signature.Recv() != nil && len(args) > 0 {
			args = args[1:]
		}
	} else {
		return "", false
	}
	switch {
	case path == "net/http" && (name == "Get" || name == "Values") && len(args) == 1:
		if key, ok := taint.ConstString(args[0]); ok && secretHeader(key) {
			return "header " + key, true
		}
		return "", false
	case path == "os" && (name == "Getenv" || name == "LookupEnv") && len(args) == 1:
		if key, ok := taint.ConstString(args[0]); ok && taint.IsSecretName(key) {
			return "environment variable " + key, true
		}
		return "", false
	}
	if taint.IsSecretName(name) && stringish(call.Type()) && !isLogging(path) {
		return name + "()", true
	}
	return "", false
}

func isLogging(path string) bool {
	return path == "log" || path == slogPkg || path == "fmt" || strings.HasPrefix(path, zapPkg) || path == logrus
}

// secretHeader reports whether a request header carries credentials.
func secretHeader(name string) bool {
	switch strings.ToLower(name) {
	case "cookie", "set-cookie", "proxy-authorization":
		return true
	}
	return taint.IsSecretName(name)
}

// stdioSinks are fmt.Fprint* calls writing to os.Stdout or os.Stderr, where logs go in
// containers.
func stdioSinks(instr ssa.Instruction) []taint.SinkUse {
	call, ok := instr.(*ssa.Call)
	if !ok {
		return nil
	}
	fn := call.Common().StaticCallee()
	args := call.Common().Args
	if fn == nil || taint.FuncPath(fn) != "fmt" || !strings.HasPrefix(fn.Name(), "Fprint") || len(args) < 2 || !isStdio(args[0]) {
		return nil
	}
	var out []taint.SinkUse
	for _, a := range args[1:] {
		elems, ok := taint.VarargElems(a)
		if !ok {
			elems = []ssa.Value{a}
		}
		for _, el := range elems {
			out = append(out, taint.SinkUse{Value: el, Desc: "fmt." + fn.Name() + " to standard output", Pos: call.Pos()})
		}
	}
	return out
}

func isStdio(w ssa.Value) bool {
	if mi, ok := w.(*ssa.MakeInterface); ok {
		w = mi.X
	}
	load, ok := w.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	g, ok := load.X.(*ssa.Global)
	return ok && g.Pkg != nil && g.Pkg.Pkg != nil && g.Pkg.Pkg.Path() == "os" && (g.Name() == "Stdout" || g.Name() == "Stderr")
}

// reportKeysAndTypes reports, at log calls not already reported, key/value pairs whose
// constant key names a secret and values whose type holds secrets.
func reportKeysAndTypes(pass *analysis.Pass, funcs []*ssa.Function, reported map[token.Pos]bool) {
	report := func(pos token.Pos, msg string) {
		if reported[pos] {
			return
		}
		reported[pos] = true
		pass.Report(analysis.Diagnostic{Pos: pos, Category: RuleID, Message: msg})
	}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(*ssa.Call)
				if !ok {
					continue
				}
				name, ok := logCall(call)
				if !ok {
					continue
				}
				for _, arg := range logArgs(call) {
					if key, ok := secretKeyValue(arg); ok {
						report(call.Pos(), "secret written to a log: a value logged under the key "+strconv.Quote(key)+" by "+name)
						break
					}
					if typ, field, ok := secretType(underlying(arg.value).Type()); ok {
						report(call.Pos(), "secret written to a log: a "+typ+" value ("+field+") logged whole by "+name)
						break
					}
				}
			}
		}
	}
}

// logCall reports whether call is a log sink, and names it.
func logCall(call *ssa.Call) (string, bool) {
	common := call.Common()
	var obj *types.Func
	if common.IsInvoke() {
		obj = common.Method
	} else if fn := common.StaticCallee(); fn != nil {
		obj, _ = fn.Object().(*types.Func)
	}
	if obj == nil || obj.Pkg() == nil {
		return "", false
	}
	id := taint.Func{Pkg: obj.Pkg().Path(), Name: obj.Name()}
	if sig, ok := obj.Type().(*types.Signature); ok && sig.Recv() != nil {
		t := sig.Recv().Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			id.Recv = n.Obj().Name()
		}
	}
	for _, s := range sinks {
		if s.Func == id {
			return taint.FuncName(obj), true
		}
	}
	if id.Pkg == "fmt" && strings.HasPrefix(id.Name, "Fprint") && len(common.Args) > 0 && isStdio(common.Args[0]) {
		return taint.FuncName(obj), true
	}
	return "", false
}

// loggedValue is one value a log call logs, with the constant key before it when it is the
// value of a key/value pair (slog.Info("login", "password", pw)).
type loggedValue struct {
	value ssa.Value
	key   string
}

// logArgs are the values a log call logs, variadic lists unpacked and key/value pairs joined.
func logArgs(call *ssa.Call) []loggedValue {
	var args []ssa.Value
	for _, a := range call.Common().Args {
		if elems, ok := taint.VarargElems(a); ok {
			args = append(args, elems...)
		} else {
			args = append(args, a)
		}
	}
	out := make([]loggedValue, 0, len(args))
	for i := 0; i < len(args); i++ {
		if key, ok := taint.ConstString(args[i]); ok && i+1 < len(args) && isKey(key) {
			out = append(out, loggedValue{value: args[i+1], key: key})
			i++
			continue
		}
		out = append(out, loggedValue{value: args[i]})
	}
	return out
}

// isKey reports whether a constant looks like a structured-log key rather than a message.
func isKey(s string) bool {
	return s != "" && !strings.ContainsAny(s, " %:\n")
}

// secretKeyValue reports a logged value whose constant key names a secret: a key/value pair
// or an attribute (slog.String("password", pw), zap.String("token", t)). Constant, boolean
// and numeric values are not secrets.
func secretKeyValue(lv loggedValue) (string, bool) {
	if lv.key != "" {
		return lv.key, taint.IsSecretName(lv.key) && secretCarrier(lv.value)
	}
	call, ok := underlying(lv.value).(*ssa.Call)
	if !ok {
		return "", false
	}
	fn := call.Common().StaticCallee()
	args := call.Common().Args
	if fn == nil || len(args) != 2 {
		return "", false
	}
	if path := taint.FuncPath(fn); path != slogPkg && path != zapPkg {
		return "", false
	}
	key, ok := taint.ConstString(args[0])
	return key, ok && taint.IsSecretName(key) && secretCarrier(args[1])
}

// secretCarrier reports whether a logged value can hold a secret: not a constant, a number or
// a boolean.
func secretCarrier(v ssa.Value) bool {
	v = underlying(v)
	if _, ok := v.(*ssa.Const); ok {
		return false
	}
	if b, ok := v.Type().Underlying().(*types.Basic); ok && b.Info()&(types.IsNumeric|types.IsBoolean) != 0 {
		return false
	}
	return true
}

func underlying(v ssa.Value) ssa.Value {
	for range 8 {
		mi, ok := v.(*ssa.MakeInterface)
		if !ok {
			break
		}
		v = mi.X
	}
	return v
}

// secretType reports whether a logged value's type holds secrets: oauth2.Token, or a struct
// with a string field named like a secret and no method (String, Format, GoString, LogValue,
// Error) that controls how it prints.
func secretType(t types.Type) (typeName, field string, ok bool) {
	if t == nil {
		return "", "", false
	}
	elem := t
	if p, isPtr := t.Underlying().(*types.Pointer); isPtr {
		elem = p.Elem()
	}
	n, isNamed := types.Unalias(elem).(*types.Named)
	if !isNamed || n.Obj().Pkg() == nil {
		return "", "", false
	}
	name := n.Obj().Pkg().Name() + "." + n.Obj().Name()
	if n.Obj().Pkg().Path() == "golang.org/x/oauth2" && n.Obj().Name() == "Token" {
		return name, "AccessToken", true
	}
	st, isStruct := n.Underlying().(*types.Struct)
	if !isStruct {
		return "", "", false
	}
	for _, m := range []string{"String", "Format", "GoString", "LogValue", "Error", "MarshalJSON"} {
		if obj, _, _ := types.LookupFieldOrMethod(t, true, n.Obj().Pkg(), m); obj != nil {
			if _, isFunc := obj.(*types.Func); isFunc {
				return "", "", false
			}
		}
	}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if taint.IsSecretName(f.Name()) && stringish(f.Type()) {
			return name, "field " + f.Name(), true
		}
	}
	return "", "", false
}
