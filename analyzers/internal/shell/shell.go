// Package shell splits POSIX shell scripts — Dockerfile RUN instructions, GitHub Actions `run:`
// steps — into the pipelines and simple commands that security rules reason about ("curl piped
// into sh", "echo of a secret", "sudo as a command").
//
// It is deliberately not a full shell parser. It keeps what a reviewer reads as "a command and its
// arguments", with the exact byte offset of every word so findings point at the offending token,
// and on syntax it does not model (case patterns, arithmetic, functions) it degrades to shorter or
// fewer commands rather than failing. Every scan is linear in the script's length, and Parse never
// panics, whatever its input.
package shell

import (
	"path"
	"strings"
)

// Word is one shell word.
type Word struct {
	// Raw is the word as written, quotes and escapes included.
	Raw string
	// Value is the word with quotes and backslash escapes removed; parameter expansions and
	// command substitutions are kept as written ("$HOME", "$(id -u)").
	Value string
	// Offset is the byte offset of Raw in the script given to Parse.
	Offset int
	// Quoted reports whether any part of the word was quoted or escaped; a quoted word is never a
	// reserved word or an assignment.
	Quoted bool
	// Substitutions are the bodies of $(…), `…`, <(…) and >(…) inside the word, as offsets into
	// the script; ParseAll parses them as scripts of their own.
	Substitutions []Span
}

// Span is a half-open byte range [Start, End) of the script.
type Span struct{ Start, End int }

// Redirect is one redirection of a command, such as `>> "$GITHUB_ENV"` or `2>&1`.
type Redirect struct {
	Op     string // "<", ">", ">>", ">&", "<<", "&>", … with any file descriptor number in front
	Target Word
}

// Command is a simple command: assignments, then the program and its arguments, with
// redirections anywhere.
type Command struct {
	Assignments []Word // leading NAME=value words
	Words       []Word // the program name first, then its arguments
	Redirects   []Redirect
	// programAt is 1 + the index in Words of the program Program returns, -1 when there is
	// none, 0 when not yet known (a Command built by hand). Parse sets it, as every rule asks.
	programAt int
}

// Pipeline is one or more commands joined by `|` or `|&`: each command's output feeds the next.
type Pipeline struct {
	Commands []Command
	// Substituted is set by ParseAll on pipelines inside $(…), `…`, <(…) or >(…): their output is
	// captured by the enclosing command, not printed.
	Substituted bool
}

// reservedWords may precede a command without being its name ("if curl …", "then sudo …").
var reservedWords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "while": true, "until": true,
	"do": true, "!": true, "{": true, "time": true,
}

// Parse splits a script into pipelines in source order. Substitutions and `sh -c` scripts are
// not entered; ParseAll does that.
func Parse(script string) []Pipeline {
	toks := lex(script)
	var (
		out  []Pipeline
		pipe Pipeline
		cmd  Command
	)
	endCommand := func() {
		if len(cmd.Words) > 0 || len(cmd.Assignments) > 0 || len(cmd.Redirects) > 0 {
			cmd.programAt = programIndex(cmd.Words)
			pipe.Commands = append(pipe.Commands, cmd)
		}
		cmd = Command{}
	}
	endPipeline := func() {
		endCommand()
		if len(pipe.Commands) > 0 {
			out = append(out, pipe)
		}
		pipe = Pipeline{}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case opToken:
			switch {
			case t.op == "|" || t.op == "|&":
				endCommand()
			case isRedirectOp(t.op):
				r := Redirect{Op: t.op}
				if i+1 < len(toks) && toks[i+1].kind == wordToken {
					i++
					r.Target = toks[i].word
				}
				cmd.Redirects = append(cmd.Redirects, r)
			default: // ; & && || ( ) ;; newline
				endPipeline()
			}
		case wordToken:
			w := t.word
			switch {
			case len(cmd.Words) == 0 && !w.Quoted && reservedWords[w.Raw]:
				// a reserved word in command position introduces the command, it is not one
			case len(cmd.Words) == 0 && isAssignment(w):
				cmd.Assignments = append(cmd.Assignments, w)
			default:
				cmd.Words = append(cmd.Words, w)
			}
		}
	}
	endPipeline()
	return out
}

// maxNesting bounds how deep ParseAll follows substitutions and `sh -c` scripts, so a hostile
// script cannot make it reparse the same bytes without end.
const maxNesting = 8

// ParseAll parses a script and, recursively, the scripts inside it: command substitutions,
// process substitutions and the script argument of `sh -c`/`bash -c`. Offsets of nested words
// are offsets into the outer script, so findings on them still point at the right place.
func ParseAll(script string) []Pipeline {
	var out []Pipeline
	parseNested(script, 0, 0, false, &out)
	return out
}

func parseNested(script string, base, depth int, substituted bool, out *[]Pipeline) {
	pipes := Parse(script)
	for i := range pipes {
		shiftPipeline(&pipes[i], base)
		pipes[i].Substituted = substituted
	}
	*out = append(*out, pipes...)
	if depth >= maxNesting {
		return
	}
	for _, p := range pipes {
		for _, c := range p.Commands {
			scriptArg, isShellC := c.ShellScriptArg()
			if isShellC {
				body, off := unquoteForReparse(scriptArg)
				parseNested(body, off, depth+1, substituted, out)
			}
			for _, w := range allWords(&c) {
				if isShellC && w.Offset == scriptArg.Offset {
					continue // its substitutions were parsed with the script itself
				}
				for _, s := range w.Substitutions {
					// s is in outer offsets already; slice this level's script with them
					parseNested(script[s.Start-base:s.End-base], s.Start, depth+1, true, out)
				}
			}
		}
	}
}

// unquoteForReparse returns the text inside a quoted script argument and its offset. The text
// is taken raw (escapes left in place) so that byte offsets stay exact.
func unquoteForReparse(w Word) (string, int) {
	raw := w.Raw
	if len(raw) >= 2 && (raw[0] == '\'' || raw[0] == '"') && raw[len(raw)-1] == raw[0] {
		return raw[1 : len(raw)-1], w.Offset + 1
	}
	return raw, w.Offset
}

func allWords(c *Command) []Word {
	ws := append(append([]Word(nil), c.Assignments...), c.Words...)
	for _, r := range c.Redirects {
		ws = append(ws, r.Target)
	}
	return ws
}

func shiftPipeline(p *Pipeline, by int) {
	if by == 0 {
		return
	}
	shift := func(w *Word) {
		w.Offset += by
		for i := range w.Substitutions {
			w.Substitutions[i].Start += by
			w.Substitutions[i].End += by
		}
	}
	for i := range p.Commands {
		c := &p.Commands[i]
		for j := range c.Assignments {
			shift(&c.Assignments[j])
		}
		for j := range c.Words {
			shift(&c.Words[j])
		}
		for j := range c.Redirects {
			shift(&c.Redirects[j].Target)
		}
	}
}

// isAssignment reports a NAME=value word.
func isAssignment(w Word) bool {
	eq := strings.IndexByte(w.Raw, '=')
	if eq <= 0 {
		return false
	}
	return isName(w.Raw[:eq])
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

func isRedirectOp(op string) bool {
	op = strings.TrimLeft(op, "0123456789")
	return strings.HasPrefix(op, "<") || strings.HasPrefix(op, ">") || strings.HasPrefix(op, "&>")
}

// Name is the base name of a program word: "/usr/bin/curl" → "curl".
func Name(w Word) string {
	return path.Base(w.Value)
}

// shells are the interpreters that run a script read from standard input or from -c.
var shells = map[string]bool{
	"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "ash": true, "mksh": true,
}

// IsShell reports whether a program name is a POSIX-style shell.
func IsShell(name string) bool { return shells[name] }

// Program returns the command that actually runs once wrappers such as sudo, env, exec, nohup,
// timeout or busybox are looked through: `sudo -E env FOO=1 bash -s` gives bash and ["-s"].
// It returns an empty name for a command without words.
func (c *Command) Program() (name string, nameWord Word, args []Word) {
	at := c.programAt
	if at == 0 {
		at = programIndex(c.Words)
	}
	if at < 0 {
		return "", Word{}, nil
	}
	return Name(c.Words[at-1]), c.Words[at-1], c.Words[at:]
}

// programIndex is 1 + the index of the program among words once wrappers are looked through,
// or -1 when only wrappers remain.
func programIndex(words []Word) int {
	i := 0
	for i < len(words) {
		skip, ok := wrapperArgs(Name(words[i]), words[i+1:])
		if !ok {
			return i + 1
		}
		i += 1 + skip
	}
	return -1
}

// wrapperArgs reports whether name is a wrapper that runs another command and how many of its
// own options and operands come before that command.
func wrapperArgs(name string, args []Word) (int, bool) {
	// withValue lists each wrapper's options that take a separate value.
	var withValue string
	switch name {
	case "sudo":
		withValue = "ugChDprtUT"
	case "doas":
		withValue = "uC"
	case "env":
		withValue = "uCS"
	case "nice":
		withValue = "n"
	case "exec":
		withValue = "a"
	case "stdbuf":
		withValue = "ioe"
	case "timeout":
		withValue = "sk"
	case "command", "nohup", "time", "busybox", "xargs":
		// xargs appends its input to the command's arguments: `curl … | xargs sh` is not piped
		// into a shell's standard input, but the command still runs.
	default:
		return 0, false
	}
	i := 0
	for i < len(args) {
		v := args[i].Value
		if v == "--" {
			i++
			break
		}
		if name == "env" && isAssignment(args[i]) {
			i++
			continue
		}
		if !strings.HasPrefix(v, "-") || v == "-" {
			break
		}
		i++
		if !strings.HasPrefix(v, "--") && len(v) == 2 && strings.ContainsRune(withValue, rune(v[1])) {
			i++ // the option's value
		}
	}
	if name == "timeout" && i < len(args) {
		i++ // the duration
	}
	if i > len(args) {
		i = len(args)
	}
	return i, true
}

// ShellScriptArg returns the script argument of `sh -c SCRIPT` (also `bash -ec SCRIPT`,
// `sudo sh -c SCRIPT`, `bash -o pipefail -c SCRIPT`), if the command is one.
func (c *Command) ShellScriptArg() (Word, bool) {
	name, _, args := c.Program()
	if !IsShell(name) {
		return Word{}, false
	}
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "-o" || v == "+o" || v == "-O" || v == "+O":
			i++ // the option name
		case strings.HasPrefix(v, "--"), strings.HasPrefix(v, "+"):
			// --norc, --login, +x
		case strings.HasPrefix(v, "-") && len(v) > 1:
			if strings.ContainsRune(v[1:], 'c') {
				if i+1 < len(args) {
					return args[i+1], true
				}
				return Word{}, false
			}
		default:
			return Word{}, false // a script file: sh ./install.sh
		}
	}
	return Word{}, false
}

// HasFlag reports whether args contain a short flag letter (alone or in a cluster such as
// "-fsSL") before the first operand that is not an option value, or any of the long flags.
// shortWithValue lists the short options whose value follows, so that "-o file" is not read as
// a cluster of flags.
func HasFlag(args []Word, short byte, shortWithValue string, long ...string) bool {
	for _, a := range args {
		v := a.Value
		if v == "--" {
			return false
		}
		if strings.HasPrefix(v, "--") {
			name, _, _ := strings.Cut(v, "=")
			for _, l := range long {
				if name == l {
					return true
				}
			}
			continue
		}
		if len(v) < 2 || v[0] != '-' || short == 0 {
			continue
		}
		for i := 1; i < len(v); i++ {
			if v[i] == short {
				return true
			}
			if strings.IndexByte(shortWithValue, v[i]) >= 0 {
				break // the rest of the cluster is this option's value
			}
		}
	}
	return false
}
