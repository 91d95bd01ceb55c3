// Package suppress reads `fourc:ignore RULE[,RULE…] -- reason` directives from comments in any
// syntax (//, #, /* */, --, <!-- -->, ;). A directive covers its own line and the line below, so it
// works both at the end of the offending line and on a line of its own above it.
package suppress

import (
	"bytes"
	"path"
	"regexp"
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

// commentOpeners are the comment starts of the formats fourc reads, when a file's type is unknown.
var commentOpeners = []string{"//", "#", "/*", "--", "<!--", ";"}

// openersByExt narrows the openers by file type, so that a "#" inside a Go string or a code
// example in Markdown prose is not taken for a directive.
var openersByExt = map[string][]string{
	".go": {"//", "/*"}, ".js": {"//", "/*"}, ".ts": {"//", "/*"}, ".java": {"//", "/*"}, ".rs": {"//", "/*"},
	".c": {"//", "/*"}, ".h": {"//", "/*"}, ".cc": {"//", "/*"}, ".cpp": {"//", "/*"}, ".kt": {"//", "/*"}, ".cs": {"//", "/*"},
	".tf": {"#", "//", "/*"}, ".hcl": {"#", "//", "/*"},
	".yaml": {"#"}, ".yml": {"#"}, ".sh": {"#"}, ".py": {"#"}, ".rb": {"#"}, ".toml": {"#"}, ".env": {"#"},
	".properties": {"#"}, ".cfg": {"#"}, ".ini": {"#", ";"}, ".sql": {"--", "/*"},
	".md": {"<!--"}, ".html": {"<!--"}, ".xml": {"<!--"},
	".json": {}, // JSON has no comments
}

// quotedStrings are the languages where an opener between double quotes is string content.
var quotedStrings = map[string]bool{".go": true, ".js": true, ".ts": true, ".java": true, ".rs": true, ".c": true,
	".h": true, ".cc": true, ".cpp": true, ".kt": true, ".cs": true, ".tf": true, ".hcl": true}

// Parse finds the directives in content of unknown type. It is cheap on files without the marker.
func Parse(content []byte) []Directive { return parse(content, commentOpeners, false) }

// ParseFile finds the directives in a file, reading comments as the file's type writes them.
func ParseFile(name string, content []byte) []Directive {
	ext, base := strings.ToLower(path.Ext(name)), path.Base(name)
	if strings.HasPrefix(strings.ToLower(base), "dockerfile") || base == "Makefile" {
		return parse(content, []string{"#"}, false)
	}
	openers, ok := openersByExt[ext]
	if !ok {
		openers = commentOpeners
	}
	return parse(content, openers, quotedStrings[ext])
}

func parse(content []byte, openers []string, quoted bool) []Directive {
	if len(openers) == 0 || !bytes.Contains(content, []byte(Marker)) {
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
		if idx < 0 || !inComment(string(line[:idx]), openers, quoted) {
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

// inComment reports whether the text before the marker opens a comment, outside a string
// literal where the language has them.
func inComment(before string, openers []string, quoted bool) bool {
	for _, o := range openers {
		i := strings.LastIndex(before, o)
		if i < 0 {
			continue
		}
		if quoted && (strings.Count(before[:i], `"`)%2 == 1 || strings.Count(before[:i], "`")%2 == 1) {
			continue
		}
		return true
	}
	return false
}

// ruleToken is a rule id, a family prefix with '*', or '*': prose after the marker is not a
// directive.
var ruleToken = regexp.MustCompile(`^(\*|[a-z][a-z0-9]*(-[a-z0-9]+)*-\*|[a-z][a-z0-9]*(-[a-z0-9]+)+)$`)

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
	for _, r := range rules {
		if !ruleToken.MatchString(r) {
			return Directive{}, false
		}
	}
	return Directive{Rules: rules, Reason: strings.TrimSpace(reason)}, true
}
