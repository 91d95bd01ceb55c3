// Package suppress reads `fourc:ignore RULE[,RULE…] -- reason` directives from comments in any
// syntax (//, #, /* */, --, <!-- -->, ;). A directive covers its own line and the line below, so it
// works both at the end of the offending line and on a line of its own above it.
package suppress

import (
	"bytes"
	"strings"
)

// Marker is the word that starts a directive.
const Marker = "fourc:ignore"

// Directive is one suppression comment.
type Directive struct {
	Line   int // 1-based line of the comment
	Column int // 1-based byte column of the marker
	Rules  []string
	Reason string
	Used   bool // set by the engine when a finding was suppressed by it
}

// Covers reports whether the directive applies to a finding of rule on line.
func (d *Directive) Covers(rule string, line int) bool {
	if line != d.Line && line != d.Line+1 {
		return false
	}
	for _, r := range d.Rules {
		if r == rule || r == "*" || strings.HasSuffix(r, "*") && strings.HasPrefix(rule, strings.TrimSuffix(r, "*")) {
			return true
		}
	}
	return false
}

// commentOpeners are the comment starts of the formats fourc reads.
var commentOpeners = []string{"//", "#", "/*", "--", "<!--", ";"}

// Parse finds the directives in a file's content. It is cheap on files without the marker.
func Parse(content []byte) []Directive {
	if !bytes.Contains(content, []byte(Marker)) {
		return nil
	}
	var out []Directive
	lineNo := 0
	for len(content) > 0 {
		lineNo++
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		idx := bytes.Index(line, []byte(Marker))
		if idx < 0 || !inComment(string(line[:idx])) {
			continue
		}
		d, ok := parseDirective(string(line[idx+len(Marker):]))
		if !ok {
			continue
		}
		d.Line, d.Column = lineNo, idx+1
		out = append(out, d)
	}
	return out
}

func inComment(before string) bool {
	for _, o := range commentOpeners {
		if strings.Contains(before, o) {
			return true
		}
	}
	return false
}

// parseDirective reads " RULE[,RULE…] -- reason" after the marker.
func parseDirective(rest string) (Directive, bool) {
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != ':' {
		return Directive{}, false // "fourc:ignored" is prose, not a directive
	}
	rest = strings.TrimLeft(rest, " \t:")
	for _, closer := range []string{"*/", "-->"} {
		if i := strings.LastIndex(rest, closer); i >= 0 {
			rest = rest[:i]
		}
	}
	rulesText, reason, _ := strings.Cut(rest, "--")
	var rules []string
	for _, r := range strings.FieldsFunc(rulesText, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' }) {
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return Directive{}, false
	}
	return Directive{Rules: rules, Reason: strings.TrimSpace(reason)}, true
}
