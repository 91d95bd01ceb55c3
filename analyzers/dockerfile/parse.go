package dockerfile

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/fourcsec/fourc/analyzers/internal/shell"
)

// dockerfile is one parsed file: buildkit's parser decides where each instruction starts and
// ends (continuations, here-documents, the escape directive), and the source lines give every
// token its line and column, which buildkit's AST does not keep.
type dockerfile struct {
	path   string
	lines  []string // physical lines without their line ending; the BOM removed from the first
	escape byte
	insts  []*instruction
	stages []*stage
	// metaArgs are the ARGs declared before the first FROM, the only variables FROM can use.
	metaArgs map[string]argDefault
}

// argDefault is what an ARG declaration says about a variable's value.
type argDefault struct {
	value      string
	hasDefault bool
}

// instruction is one Dockerfile instruction.
type instruction struct {
	keyword string // lowercase: "run", "from", …
	node    *parser.Node
	line    int // first and last physical line, here-documents included
	endLine int
	// full is the instruction up to the end of its logical line, continuations joined, from the
	// keyword on; args is the part after the keyword and its --flags.
	full, args *text
	// keywordOff is the offset of the keyword in full.
	keywordOff int
	// heredocs are the bodies of the instruction's here-documents, in order.
	heredocs []*text
	stage    *stage // nil before the first FROM
	// posixShell is false for a RUN whose stage switched SHELL to a non-POSIX shell
	// (PowerShell, cmd): its script is then not shell code the rules understand.
	posixShell bool
	scripts    []script // RUN only, computed once by parseScripts
}

// script is shell code run by a RUN instruction, with its commands.
type script struct {
	text      *text
	pipelines []shell.Pipeline
}

// stage is one build stage, from a FROM to the next.
type stage struct {
	from *instruction
	name string // the AS name, lowercased as buildkit does; "" when unnamed
	// image is the FROM operand as written, and imageWord where it is.
	image     string
	imageWord dword
	// base is the earlier stage this one builds on, when FROM names one.
	base  *stage
	insts []*instruction // after the FROM
}

// parse reads a Dockerfile. A syntax error is returned for the caller to report as a diagnostic.
func parse(filePath string, data []byte) (*dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a valid Dockerfile: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	df := &dockerfile{
		path:     filePath,
		lines:    splitLines(string(data)),
		escape:   byte(res.EscapeToken),
		metaArgs: map[string]argDefault{},
	}
	var cur *stage
	shellIsPOSIX := true
	for _, n := range res.AST.Children {
		inst := df.newInstruction(n)
		df.insts = append(df.insts, inst)
		switch inst.keyword {
		case "from":
			cur = df.newStage(inst)
			shellIsPOSIX = true // SHELL does not carry over to the next stage
		case "arg":
			if cur == nil {
				for _, w := range splitWords(inst.args.s, df.escape) {
					name, value, hasValue := strings.Cut(w.value, "=")
					df.metaArgs[name] = argDefault{value: value, hasDefault: hasValue}
				}
			}
		case "shell":
			shellIsPOSIX = shellIsPOSIXCommand(inst)
		}
		inst.stage = cur
		inst.posixShell = shellIsPOSIX
		if cur != nil && inst.keyword != "from" {
			cur.insts = append(cur.insts, inst)
		}
		if inst.keyword == "run" {
			inst.scripts = df.parseScripts(inst)
		}
	}
	return df, nil
}

// splitLines splits on "\n" as buildkit does, dropping a "\r" before it.
func splitLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func (df *dockerfile) line(n int) string {
	if n < 1 || n > len(df.lines) {
		return ""
	}
	return df.lines[n-1]
}

// newInstruction rebuilds the source text of a node with positions, mirroring how buildkit's
// parser joins continuation lines: comment lines and blank lines inside a continuation are
// dropped, and the escape character ending a line is removed.
func (df *dockerfile) newInstruction(n *parser.Node) *instruction {
	inst := &instruction{
		keyword: strings.ToLower(n.Value),
		node:    n,
		line:    n.StartLine,
		endLine: n.EndLine,
	}
	var full textBuilder
	l := n.StartLine
	for ; l <= n.EndLine; l++ {
		raw := df.line(l)
		if l > n.StartLine {
			if trimmed := strings.TrimLeft(raw, " \t"); trimmed == "" || trimmed[0] == '#' {
				continue
			}
		}
		content, continues := trimContinuation(raw, df.escape)
		full.add(content, l, 1)
		if !continues {
			break
		}
	}
	inst.full = full.text()
	// Here-document bodies follow the instruction's logical line, each up to its delimiter.
	l++
	for _, h := range n.Heredocs {
		var body textBuilder
		for ; l <= n.EndLine; l++ {
			raw := df.line(l)
			candidate := raw
			if h.Chomp {
				candidate = strings.TrimLeft(candidate, "\t")
			}
			if candidate == h.Name {
				l++
				break
			}
			if len(body.segments) > 0 {
				body.addSeparator("\n")
			}
			body.add(raw, l, 1)
		}
		inst.heredocs = append(inst.heredocs, body.text())
	}

	// The keyword is the first word; the builder flags (--from=…, --mount=…) come next.
	s := inst.full.s
	inst.keywordOff = len(s) - len(strings.TrimLeft(s, " \t"))
	keywordEnd := len(s)
	if end := strings.IndexAny(s[inst.keywordOff:], " \t"); end >= 0 {
		keywordEnd = inst.keywordOff + end
	}
	return df.finishArgs(inst, keywordEnd)
}

// finishArgs sets the instruction's argument text: what follows off once builder flags are
// skipped, up to a bare "--" that ends them.
func (df *dockerfile) finishArgs(inst *instruction, off int) *instruction {
	s := inst.full.s
	for {
		words := splitWords(s[off:], df.escape)
		if len(words) == 0 || !strings.HasPrefix(words[0].raw, "--") {
			if len(words) > 0 {
				off += words[0].off
			} else {
				off = len(s)
			}
			break
		}
		off += words[0].off + len(words[0].raw)
		if words[0].raw == "--" {
			break
		}
	}
	inst.args = inst.full.slice(off)
	return inst
}

// trimContinuation removes a trailing escape character that continues the instruction on the
// next line, as buildkit's lineContinuationRegex does: the escape, then only blanks, and not
// itself escaped.
func trimContinuation(line string, escape byte) (string, bool) {
	trimmed := strings.TrimRight(line, " \t")
	if trimmed == "" || trimmed[len(trimmed)-1] != escape {
		return line, false
	}
	if len(trimmed) >= 2 && trimmed[len(trimmed)-2] == escape {
		return line, false
	}
	return trimmed[:len(trimmed)-1], true
}

// newStage records a FROM instruction's stage.
func (df *dockerfile) newStage(inst *instruction) *stage {
	st := &stage{from: inst}
	words := splitWords(inst.args.s, df.escape)
	if len(words) > 0 {
		st.image = words[0].value
		st.imageWord = words[0]
	}
	if len(words) >= 3 && strings.EqualFold(words[1].value, "as") {
		st.name = strings.ToLower(words[2].value)
	}
	if ref, ok := expandArgs(st.image, df.metaArgs); ok {
		for _, earlier := range df.stages {
			if earlier.name != "" && earlier.name == strings.ToLower(ref) {
				st.base = earlier
			}
		}
	}
	df.stages = append(df.stages, st)
	return st
}

// shellIsPOSIXCommand reads a SHELL instruction (always exec form) and reports whether later RUN
// scripts are POSIX shell.
func shellIsPOSIXCommand(inst *instruction) bool {
	args := execArgs(inst)
	if len(args) == 0 {
		return true
	}
	name := strings.ToLower(path.Base(strings.ReplaceAll(args[0], `\`, "/")))
	name = strings.TrimSuffix(name, ".exe")
	return shell.IsShell(name)
}

// execArgs lists the operands of an exec-form (JSON array) instruction, or nil.
func execArgs(inst *instruction) []string {
	if !inst.node.Attributes["json"] {
		return nil
	}
	var out []string
	for n := inst.node.Next; n != nil; n = n.Next {
		out = append(out, n.Value)
	}
	return out
}

// dword is a word of an instruction's arguments, split the way buildkit splits ENV, ARG, EXPOSE
// and FROM operands: on blanks outside quotes, with the escape character escaping the next byte.
type dword struct {
	raw   string // as written
	value string // quotes and escapes removed
	off   int    // offset of raw in the split string
}

func splitWords(s string, escape byte) []dword {
	var (
		out   []dword
		val   strings.Builder
		start = -1
		quote byte
	)
	flush := func(end int) {
		if start >= 0 {
			out = append(out, dword{raw: s[start:end], value: val.String(), off: start})
		}
		start = -1
		val.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == 0 && (c == ' ' || c == '\t' || c == '\n'):
			flush(i)
			continue
		case start < 0:
			start = i
		}
		switch {
		case c == escape && quote != '\'' && i+1 < len(s):
			i++
			val.WriteByte(s[i])
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		default:
			val.WriteByte(c)
		}
	}
	flush(len(s))
	return out
}

// parseScripts finds the shell code an instruction runs: its shell-form command line, the
// script of an exec-form `["sh", "-c", "…"]`, and here-documents that are scripts.
func (df *dockerfile) parseScripts(inst *instruction) []script {
	if !inst.posixShell {
		return nil
	}
	if args := execArgs(inst); args != nil {
		return execFormScripts(inst, args)
	}
	line := script{text: inst.args, pipelines: shell.ParseAll(inst.args.s)}
	out := []script{line}
	if len(inst.heredocs) > 0 && heredocIsScript(line.pipelines) {
		for _, body := range inst.heredocs {
			if bodyIsShell(body.s) {
				out = append(out, script{text: body, pipelines: shell.ParseAll(body.s)})
			}
		}
	}
	return out
}

// execFormScripts handles `RUN ["sh", "-c", "script"]` (the script is shell code) and any other
// exec form (one command, no shell in between).
func execFormScripts(inst *instruction, args []string) []script {
	words := make([]shell.Word, len(args))
	from := 0
	for i, a := range args {
		// Offset 0 means "not found as written" (the JSON escaped something): a found operand
		// always has its opening quote before it.
		words[i] = shell.Word{Raw: a, Value: a}
		if j := strings.Index(inst.args.s[from:], `"`+a+`"`); j >= 0 {
			words[i].Offset = from + j + 1
			from = words[i].Offset + len(a)
		}
	}
	cmd := shell.Command{Words: words}
	out := []script{{text: inst.args, pipelines: []shell.Pipeline{{Commands: []shell.Command{cmd}}}}}
	if w, ok := cmd.ShellScriptArg(); ok {
		t := inst.args.slice(w.Offset)
		if w.Offset == 0 {
			approx := *inst.args
			approx.approximate = true
			t = &approx
		}
		out = append(out, script{text: t, pipelines: shell.ParseAll(w.Value)})
	}
	return out
}

// heredocIsScript reports whether a RUN line's here-documents are shell scripts: the line is only
// the here-document (`RUN <<EOF`) or feeds it to a shell (`RUN bash <<EOF`), not to another
// program (`RUN python3 <<EOF`, `RUN cat <<EOF >/etc/x`).
func heredocIsScript(pipes []shell.Pipeline) bool {
	for _, p := range pipes {
		for _, c := range p.Commands {
			name, _, args := c.Program()
			if name == "" {
				continue
			}
			_, hasScript := c.ShellScriptArg()
			return shell.IsShell(name) && !hasScript && !hasOperand(args)
		}
	}
	return true
}

// hasOperand reports an argument that is not an option (a script file for a shell).
func hasOperand(args []shell.Word) bool {
	for _, a := range args {
		if !strings.HasPrefix(a.Value, "-") && !strings.HasPrefix(a.Value, "+") {
			return true
		}
	}
	return false
}

// bodyIsShell reads a here-document's shebang, if any: buildkit runs the body with it.
func bodyIsShell(body string) bool {
	first, _, _ := strings.Cut(body, "\n")
	first = strings.TrimSpace(first)
	if !strings.HasPrefix(first, "#!") {
		return true
	}
	fields := strings.Fields(first[2:])
	if len(fields) == 0 {
		return true
	}
	name := path.Base(fields[0])
	if name == "env" && len(fields) > 1 {
		name = path.Base(fields[len(fields)-1])
	}
	return shell.IsShell(name)
}
