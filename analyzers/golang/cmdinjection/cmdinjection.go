// Package cmdinjection reports commands built from untrusted input (go-command-injection).
package cmdinjection

import (
	"path"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/fourcsec/fourc/analyzers/golang/taint"
	"github.com/fourcsec/fourc/shared/finding"
)

// RuleID is the fourc rule this analyzer reports.
const RuleID = "go-command-injection"

const doc = `report commands built from untrusted input

The go-command-injection rule follows data from HTTP requests to the program started by
exec.Command, exec.CommandContext, os.StartProcess and syscall.Exec (or exec.Cmd.Path), and to
the script a shell runs: the argument after -c of sh, bash, zsh and friends, after /c of
cmd.exe, after -Command of PowerShell. Whoever controls the program or the script runs
arbitrary commands on the server.

Untrusted data passed as an ordinary argument to a fixed, non-shell program is not reported:
exec.Command("convert", name) cannot start another program (it can still inject options such
as "--output=…" when the program parses them, so end options with "--"). Neither is data
passed to a shell script as a positional parameter: sh -c 'grep -- "$1" f' sh "$input".

Fix: run a fixed program with the data as separate arguments instead of a shell string; if a
shell is unavoidable, pass the data as positional parameters ("$1") rather than splicing it into
the script.`

// Analyzer reports untrusted data reaching the program or shell script of a new process.
var Analyzer = &analysis.Analyzer{
	Name:      "cmdinjection",
	Doc:       doc,
	URL:       "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(summaryFact)},
}

// Rules is the fourc metadata of the rules Analyzer reports.
var Rules = []finding.Rule{{
	ID:       RuleID,
	Title:    "Command built from untrusted input",
	Layer:    finding.Code,
	Severity: finding.Critical,
	Description: "Data from an HTTP request chooses the program a process runs, or is spliced into the script " +
		"of a shell (sh -c, bash -c, cmd /c, powershell -Command). Whoever sends the request runs arbitrary " +
		"commands with the server's privileges.",
	Remediation: "Run a fixed program and pass request data as separate arguments (exec.Command(\"git\", \"log\", \"--\", ref)); " +
		"if a shell is unavoidable, pass the data as a positional parameter (sh -c 'cmd \"$1\"' sh value) instead of " +
		"concatenating it into the script.",
	References: []string{"CWE-78"},
	HelpURL:    "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
}}

// summaryFact carries a function's taint summary to importing packages.
type summaryFact struct{ Flow taint.Summary }

func (*summaryFact) AFact()                    {}
func (f *summaryFact) Summary() *taint.Summary { return &f.Flow }
func (f *summaryFact) String() string          { return f.Flow.String() }

// sinks are the programs of process-starting calls other than exec.Command, whose shell scripts
// need a look at the arguments (see customSinks).
var sinks = []taint.Sink{
	{Func: taint.Func{Pkg: "os", Name: "StartProcess"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "syscall", Name: "Exec"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "syscall", Name: "ForkExec"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "syscall", Name: "StartProcess"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "golang.org/x/sys/unix", Name: "Exec"}, Args: []int{0}},
}

// commandFuncs start a process from a program name and variadic arguments; the value is the
// index of the program argument.
var commandFuncs = map[taint.Func]int{
	{Pkg: "os/exec", Name: "Command"}:                         0,
	{Pkg: "os/exec", Name: "CommandContext"}:                  1,
	{Pkg: "golang.org/x/sys/execabs", Name: "Command"}:        0,
	{Pkg: "golang.org/x/sys/execabs", Name: "CommandContext"}: 1,
}

var shells = map[string]bool{
	"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true, "ash": true, "fish": true, "csh": true,
	"tcsh": true, "busybox": true, "cmd": true, "cmd.exe": true, "powershell": true, "powershell.exe": true,
	"pwsh": true, "pwsh.exe": true,
}

// scriptFlag matches the option after which a shell takes its script: -c (also combined, as in
// -ec or -lc), /c and /k of cmd.exe, -Command and -EncodedCommand of PowerShell.
var scriptFlag = regexp.MustCompile(`^(-[a-zA-Z]*c[a-zA-Z]*|/[cCkK]|-(?i:command|encodedcommand))$`)

func run(pass *analysis.Pass) (any, error) {
	cfg := &taint.Config{
		Classes:     taint.Remote,
		Sinks:       sinks,
		CustomSinks: customSinks,
		Guards:      taint.GuardEqualConst | taint.GuardAllowList | taint.GuardRegexp | taint.GuardValidator,
		NewFact:     func() taint.SummaryFact { return new(summaryFact) },
		Report: func(f taint.Finding) {
			pass.Report(analysis.Diagnostic{
				Pos:      f.Pos,
				Category: RuleID,
				Message:  "command built from untrusted data: " + f.Describe(),
			})
		},
	}
	return nil, taint.Run(pass, cfg)
}

// customSinks finds the program of exec.Command-like calls, or the script when the program is
// a shell, and stores into exec.Cmd.Path.
func customSinks(instr ssa.Instruction) []taint.SinkUse {
	switch x := instr.(type) {
	case *ssa.Store:
		if fa, ok := x.Addr.(*ssa.FieldAddr); ok && taint.IsNamed(fa.X.Type(), "os/exec", "Cmd") && taint.FieldName(fa) == "Path" {
			return []taint.SinkUse{{Value: x.Val, Desc: "exec.Cmd.Path", Pos: x.Pos()}}
		}
	case *ssa.Call:
		fn := x.Call.StaticCallee()
		if fn == nil {
			return nil
		}
		progIdx, ok := commandFuncs[taint.Func{Pkg: taint.FuncPath(fn), Name: fn.Name()}]
		if !ok || len(x.Call.Args) != progIdx+2 {
			return nil
		}
		program, args := x.Call.Args[progIdx], x.Call.Args[progIdx+1]
		name := "exec." + fn.Name()
		prog, isConst := taint.ConstString(program)
		if !isConst {
			return []taint.SinkUse{{Value: program, Desc: name + " program", Pos: x.Pos()}}
		}
		if !shells[strings.ToLower(path.Base(strings.ReplaceAll(prog, `\`, "/")))] {
			return nil
		}
		elems, ok := taint.VarargElems(args)
		if !ok {
			// sh with arguments from a slice: the script is in there somewhere
			return []taint.SinkUse{{Value: args, Desc: name + "(\"" + prog + "\", …) arguments", Pos: x.Pos()}}
		}
		if script := shellScript(elems); script != nil {
			return []taint.SinkUse{{Value: script, Desc: prog + " script of " + name, Pos: x.Pos()}}
		}
	}
	return nil
}

// shellScript returns the argument a shell runs as its script: the one after the script flag
// or, when the shell is given a script file instead, that file's name. Arguments after the
// script are its positional parameters and safe.
func shellScript(args []ssa.Value) ssa.Value {
	for i, a := range args {
		s, ok := taint.ConstString(a)
		switch {
		case !ok:
			return a // data where an option or the script file is expected
		case scriptFlag.MatchString(s):
			if i+1 < len(args) {
				return args[i+1]
			}
			return nil
		case !isOption(s):
			return nil // a constant script file
		}
	}
	return nil
}

func isOption(s string) bool {
	return strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") || len(s) == 2 && s[0] == '/'
}
