// Package pypi reads pip requirements files: pinned requirements (name==version), the ones left
// unpinned, and the -r/-c files they include, each with its line. It follows pip's file format:
// comments start at a '#' preceded by white space, a trailing backslash continues the line,
// per-requirement options (--hash) and environment markers (; python_version < "3.8") may follow.
package pypi

import (
	"fmt"
	"regexp"
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"
)

// Requirement is one requirement line.
type Requirement struct {
	// Name is as written; compare names with osv.NormalizeName.
	Name string
	// Version is the pinned version (== or ===), empty when the requirement is not pinned.
	Version string
	// Specifier is the version specifier as written (">=2.0,<3"), for messages.
	Specifier string
	// Line is the physical line where the requirement starts; EndLine where it ends (a
	// backslash continues a requirement over several lines).
	Line, EndLine int
	// Column and EndColumn (1-based, bytes) span the requirement on Line.
	Column, EndColumn int
	// VersionColumn is where Version starts on Line (1-based), 0 when it is on another line.
	VersionColumn int
	// Hashes is set when the requirement carries --hash options: changing its version then
	// needs new hashes, so no automatic fix is offered.
	Hashes bool
}

// Include is a -r (requirements) or -c (constraints) line.
type Include struct {
	Path       string // as written, relative to the including file's directory
	Line       int
	Constraint bool
}

// Problem is a line pip would reject or fourc cannot read.
type Problem struct {
	Line int
	Msg  string
}

// File is what Parse found in one file.
type File struct {
	Requirements []Requirement
	Includes     []Include
	Problems     []Problem
	// Unchecked counts requirements that name no index package (URLs, paths, editables).
	Unchecked int
}

// requirementPattern is PEP 508's name, optional extras, then the rest (specifiers, markers).
var requirementPattern = regexp.MustCompile(`^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$`)

// specPattern is one version clause: an operator and a version.
var specPattern = regexp.MustCompile(`^\s*(===|==|~=|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$`)

// logicalLine is a requirement or option after joining continuations.
type logicalLine struct {
	text      string
	line      int    // first physical line
	endLine   int    // last physical line
	firstLine string // the first physical line, as written
}

// Parse reads a requirements file. It never fails: unreadable lines become Problems.
func Parse(data []byte) *File {
	f := &File{}
	for _, ll := range logicalLines(string(data)) {
		f.parseLine(ll)
	}
	return f
}

func logicalLines(src string) []logicalLine {
	physical := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var out []logicalLine
	var cur *logicalLine
	for i, raw := range physical {
		text := stripComment(raw)
		continued := strings.HasSuffix(text, `\`)
		if continued {
			text = strings.TrimSuffix(text, `\`)
		}
		if cur == nil {
			cur = &logicalLine{line: i + 1, firstLine: raw}
		}
		cur.text += " " + text
		cur.endLine = i + 1
		if !continued {
			if strings.TrimSpace(cur.text) != "" {
				cur.text = strings.TrimSpace(cur.text)
				out = append(out, *cur)
			}
			cur = nil
		}
	}
	if cur != nil && strings.TrimSpace(cur.text) != "" {
		cur.text = strings.TrimSpace(cur.text)
		out = append(out, *cur)
	}
	return out
}

// stripComment removes a comment: '#' at the start or after white space (a '#' inside a URL
// fragment, as in #egg=name, is not a comment).
func stripComment(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return strings.TrimRight(line[:i], " \t")
		}
	}
	return strings.TrimRight(line, " \t")
}

func (f *File) parseLine(ll logicalLine) {
	text := ll.text
	if strings.HasPrefix(text, "-") {
		f.parseOption(ll)
		return
	}
	if isURLOrPath(text) {
		f.Unchecked++
		return
	}
	// Per-requirement options start at the first " --" (pip's own split).
	reqText := text
	hashes := false
	if i := strings.Index(text, " --"); i >= 0 {
		reqText = strings.TrimSpace(text[:i])
		hashes = strings.Contains(text[i:], "--hash")
	}
	if i := strings.IndexByte(reqText, ';'); i >= 0 {
		reqText = strings.TrimSpace(reqText[:i]) // environment markers
	}
	m := requirementPattern.FindStringSubmatch(reqText)
	if m == nil {
		f.Problems = append(f.Problems, Problem{Line: ll.line, Msg: fmt.Sprintf("%q is not a requirement", firstWord(text))})
		return
	}
	name, rest := m[1], strings.TrimSpace(m[3])
	if strings.HasPrefix(rest, "@") {
		f.Unchecked++ // name @ URL: not from the index
		return
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
	req := Requirement{Name: name, Specifier: rest, Line: ll.line, EndLine: ll.endLine, Hashes: hashes}
	req.Column, req.EndColumn = span(ll.firstLine, name)
	if rest != "" {
		clauses := strings.Split(rest, ",")
		for _, c := range clauses {
			sm := specPattern.FindStringSubmatch(c)
			if sm == nil {
				f.Problems = append(f.Problems, Problem{Line: ll.line, Msg: fmt.Sprintf("%s: %q is not a version specifier", name, strings.TrimSpace(c))})
				return
			}
			op, ver := sm[1], sm[2]
			if !strings.HasSuffix(ver, ".*") && !validVersion(ver) {
				f.Problems = append(f.Problems, Problem{Line: ll.line, Msg: fmt.Sprintf("%s: %q is not a PEP 440 version", name, ver)})
				return
			}
			if len(clauses) == 1 && (op == "==" || op == "===") && !strings.HasSuffix(ver, ".*") {
				req.Version = ver
			}
		}
	}
	if req.Version != "" {
		if i := strings.Index(ll.firstLine, req.Version); i >= 0 && strings.Contains(ll.firstLine[:i], name) {
			req.VersionColumn = i + 1
			req.EndColumn = i + 1 + len(req.Version)
		}
	}
	f.Requirements = append(f.Requirements, req)
}

func (f *File) parseOption(ll logicalLine) {
	fields := strings.Fields(ll.text)
	opt, arg := fields[0], ""
	if name, value, ok := strings.Cut(opt, "="); ok && strings.HasPrefix(opt, "--") {
		opt, arg = name, value
	} else if len(fields) > 1 {
		arg = fields[1]
	} else if len(opt) > 2 && opt[1] != '-' {
		opt, arg = opt[:2], opt[2:] // -rfile, as pip accepts
	}
	switch opt {
	case "-r", "--requirement", "-c", "--constraint":
		if arg == "" {
			f.Problems = append(f.Problems, Problem{Line: ll.line, Msg: opt + " needs a file name"})
			return
		}
		f.Includes = append(f.Includes, Include{Path: arg, Line: ll.line, Constraint: opt == "-c" || opt == "--constraint"})
	case "-e", "--editable":
		f.Unchecked++
	}
	// Index, find-links and install options do not name packages.
}

func isURLOrPath(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") ||
		strings.HasPrefix(s, "git+") || strings.HasPrefix(s, "file:")
}

func validVersion(v string) (ok bool) {
	defer func() {
		if recover() != nil { // a third-party parser must not crash a scan
			ok = false
		}
	}()
	_, err := pep440.Parse(v)
	return err == nil
}

// span is the 1-based column range of the first occurrence of word in line.
func span(line, word string) (int, int) {
	i := strings.Index(line, word)
	if i < 0 {
		return 1, len(line) + 1
	}
	return i + 1, i + 1 + len(word)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		if len(f[0]) > 60 {
			return f[0][:57] + "..."
		}
		return f[0]
	}
	return s
}
