// Package taint is the data-flow engine shared by fourc's injection analyzers (SQL, command, path,
// SSRF, XSS, insecure randomness, secrets in logs).
//
// An analyzer describes its rule as tables — where untrusted data comes from (Source, FieldSource,
// GlobalSource), what must not receive it (Sink) and what makes it safe (Sanitizers, Guards) — and
// calls Run from its own run function. Run walks the package's SSA form (from buildssa) once per
// function, following data through assignments, phi nodes, concatenation, conversions, struct
// fields, slices, maps, closures and calls, and calls Config.Report for every source that reaches
// a sink.
//
// Calls are followed through per-function summaries: within the package they are computed on
// demand, bottom-up and memoised; across packages they travel as analysis facts (each analyzer
// supplies its own fact type through Config.NewFact, because go/analysis requires fact types to
// be unique per analyzer). A summary says which parameters reach the results, which parameters
// reach which sinks, which sources the results carry and which parameters' memory the function
// fills — enough to connect a source in a handler package with a sink in a repository package.
//
// The engine favours precision: constants, numbers and booleans carry no taint (unless an
// analyzer says numbers do), a sanitiser's result is clean, and a value checked by a guard (a
// prefix check after filepath.Clean, a comparison with a constant, an allow-list lookup) is clean
// in the blocks the check dominates. It is flow-sensitive for SSA registers and flow-insensitive
// for memory within a function.
package taint

import (
	"fmt"
	"go/build"
	"go/token"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"
)

// Class says where untrusted data comes from. Analyzers enable the classes that matter to them.
type Class uint8

const (
	// Remote is data from a network peer: HTTP requests and router parameters.
	Remote Class = 1 << iota
	// Local is data from whoever starts the program: os.Args, the environment, standard input.
	Local
	// Archive is the name of an entry in a zip or tar archive.
	Archive
	// Random is output of a non-cryptographic random number generator.
	Random
	// Secret is a password, token or key, recognised by name or type.
	Secret
)

func (c Class) String() string {
	var names []string
	for _, n := range []struct {
		c    Class
		name string
	}{{Remote, "remote"}, {Local, "local"}, {Archive, "archive"}, {Random, "random"}, {Secret, "secret"}} {
		if c&n.c != 0 {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// Func names a function or method. Recv is the receiver's type name without package or '*'
// ("" for a plain function; the interface's name for an interface method). Name "*" matches every
// function or method of that package and receiver.
type Func struct {
	Pkg  string
	Recv string
	Name string
}

// Argument positions in Sink.Args and Source.Out.
const (
	// Receiver denotes a method's receiver.
	Receiver = -1
	// AllArgs denotes every argument after the receiver, including each element of a variadic
	// argument list.
	AllArgs = -2
)

// Source is a call whose result (or, when Out is set, whose pointer arguments) carry untrusted data.
type Source struct {
	Func  Func
	Class Class
	// Out lists argument positions the call fills with untrusted data, as json.Decoder.Decode
	// fills its argument; empty means the results are untrusted.
	Out []int
}

// FieldSource is a struct field whose value is untrusted, such as (*http.Request).URL.
type FieldSource struct {
	Pkg, Type string
	Fields    []string
	Class     Class
}

// GlobalSource is a package-level variable whose value is untrusted, such as os.Args.
type GlobalSource struct {
	Pkg, Name string
	Class     Class
}

// Sink is a call argument that must not receive untrusted data.
type Sink struct {
	Func Func
	// Args lists the argument positions that are sinks: 0 is the first parameter after the
	// receiver; Receiver and AllArgs are also allowed.
	Args []int
	// Kind is an analyzer-defined tag carried into findings (for example "write" for a file
	// sink that creates files).
	Kind string
	// StringOnly limits an interface-typed argument to string values: gorm's Where takes a
	// query string or a struct of conditions, and only the string is SQL.
	StringOnly bool
}

// SinkUse is one value reaching one sink, as returned by Config.CustomSinks.
type SinkUse struct {
	Value ssa.Value // the data that must not be untrusted
	Desc  string    // the sink, as shown to users, e.g. "(*sql.DB).Query" or "template.HTML(…)"
	Kind  string
	Pos   token.Pos // where the sink is
}

// Guard is a set of checks that, when they dominate a sink, make the checked value clean.
type Guard uint16

const (
	// GuardEqualConst: x == "constant" makes x clean on the equal branch.
	GuardEqualConst Guard = 1 << iota
	// GuardAllowList: allowed[x] (bool map or comma-ok lookup) and slices.Contains(list, x) make x
	// clean on the true branch.
	GuardAllowList
	// GuardRegexp: re.MatchString(x) and regexp.MatchString(p, x) make x clean on the true branch.
	GuardRegexp
	// GuardPath: strings.HasPrefix(p, base) where p is the result of filepath.Clean, Join, Abs or
	// EvalSymlinks; filepath.IsLocal(p); strings.HasPrefix(rel, "..") false where rel comes from
	// filepath.Rel; strings.Contains(p, "..") false.
	GuardPath
	// GuardURLHost: the host of a parsed URL (u.Host, u.Hostname()) compared with a value,
	// looked up in an allow-list or suffix-checked makes the URL and the parsed string clean;
	// strings.HasPrefix(s, "https://fixed.host/") makes s clean.
	GuardURLHost
	// GuardValidator: a call to a function named like a validator (isValid, validateName,
	// isSafePath, checkAllowed…) makes its arguments clean where it returned true, or where the
	// error it returned is nil.
	GuardValidator
)

// Config is one analyzer's rule, in tables.
type Config struct {
	// Classes enables source classes in the built-in tables (RemoteSources, LocalSources, …)
	// and in the analyzer's own tables.
	Classes      Class
	Sources      []Source
	FieldSources []FieldSource
	Globals      []GlobalSource
	// ValueSource, when set, marks further values as sources (of class Secret): logsecrets uses
	// it for values named like secrets. It returns a short description of the source.
	ValueSource func(v ssa.Value) (desc string, ok bool)

	Sinks []Sink
	// CustomSinks, when set, returns sinks that a table cannot express: conversions to
	// template.HTML, stores into fields named "token", writes to an http.ResponseWriter.
	CustomSinks func(instr ssa.Instruction) []SinkUse

	// Sanitizers are calls whose results are clean whatever their arguments.
	Sanitizers []Func
	// Sanitizes, when set, adds sanitizers by predicate (logsecrets: functions named redact, mask…).
	Sanitizes func(callee *ssa.Function, name string) bool
	// Clean, when set, marks values clean whatever their operands (ssrf: a URL whose scheme and
	// host are constant).
	Clean  func(v ssa.Value) bool
	Guards Guard

	// NumbersCarry makes numeric values carry taint (insecurerand: random numbers are the data).
	NumbersCarry bool
	// IndexCarries makes an element chosen by an untrusted index untrusted (insecurerand:
	// letters[rand.Intn(n)] is random).
	IndexCarries bool
	// OpaqueCalls stops taint at calls the engine knows nothing about (no summary, not a
	// Propagator). Off, an unknown call's results are tainted when any argument is.
	OpaqueCalls bool
	// Propagators are calls whose results carry their arguments' taint even when OpaqueCalls is set.
	Propagators []Func

	// NewFact returns a new, empty fact of the analyzer's own type that carries a Summary. It
	// must be listed in the analyzer's FactTypes.
	NewFact func() SummaryFact
	// Report is called for every source that reaches a sink.
	Report func(Finding)
}

// SummaryFact is an analysis fact that carries a function summary across packages.
type SummaryFact interface {
	analysis.Fact
	Summary() *Summary
}

// Finding is untrusted data from Sources reaching Sink.
type Finding struct {
	// Pos is where to report: the sink itself when it is in the analysed package, otherwise the
	// call in the analysed package through which the data reaches the sink.
	Pos     token.Pos
	Sink    SinkRef
	Sources []SourceRef
}

// Classes is the union of the classes of f's sources.
func (f Finding) Classes() Class {
	var c Class
	for _, s := range f.Sources {
		c |= s.Class
	}
	return c
}

// Describe renders the flow for a message:
// "r.URL (handler.go:12) reaches (*sql.DB).Query (store.go:40) via store.Find".
func (f Finding) Describe() string {
	var b strings.Builder
	if len(f.Sources) > 0 {
		b.WriteString(f.Sources[0].String())
		if n := len(f.Sources) - 1; n > 0 {
			fmt.Fprintf(&b, " (and %d more)", n)
		}
	}
	b.WriteString(" reaches ")
	b.WriteString(f.Sink.String())
	return b.String()
}

// Run runs the engine over the package of pass with cfg. The pass's analyzer must require
// buildssa.Analyzer and declare cfg.NewFact's type in FactTypes.
//
// Packages of the standard library are skipped: their behaviour is modelled by the tables, and
// building summaries for them would only cost time.
func Run(pass *analysis.Pass, cfg *Config) error {
	in, ok := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	if !ok || in == nil || in.Pkg == nil {
		return fmt.Errorf("taint: %s does not require buildssa", pass.Analyzer.Name)
	}
	if cfg.Report == nil || cfg.NewFact == nil {
		return fmt.Errorf("taint: %s: Config.Report and Config.NewFact are required", pass.Analyzer.Name)
	}
	if IsStandardLibrary(pass) {
		return nil
	}
	e := newEngine(pass, in, cfg)
	for _, fn := range in.SrcFuncs {
		e.summaryOf(fn)
	}
	e.exportFacts(in.SrcFuncs)
	return nil
}

var goroot = filepath.Clean(build.Default.GOROOT)

// IsStandardLibrary reports whether pass analyses a package of the standard library, judged by
// where its files are.
func IsStandardLibrary(pass *analysis.Pass) bool {
	if len(pass.Files) == 0 || goroot == "" || goroot == "." {
		return false
	}
	name := pass.Fset.File(pass.Files[0].Pos())
	if name == nil {
		return false
	}
	rel, err := filepath.Rel(filepath.Join(goroot, "src"), name.Name())
	return err == nil && filepath.IsLocal(rel)
}
