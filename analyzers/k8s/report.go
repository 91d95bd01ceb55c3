package k8s

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

// check is one rule and its logic.
type check struct {
	rule *finding.Rule
	// object judges one object on its own.
	object func(r *reporter, o *object)
	// newScope, for rules whose verdict depends on other files (is there a NetworkPolicy in
	// the namespace? does the ServiceAccount turn token mounting off?), makes the rule's state
	// for one scan.
	newScope func() scope
}

// scope sees every object of a scan in path order, then reports.
type scope interface {
	observe(r *reporter, o *object)
	finish(r *reporter)
}

// reporter collects the findings of a scan, each place reported once per rule: a setting
// inherited by several containers, or an object an alias repeats, is one problem.
type reporter struct {
	findings []finding.Finding
	seen     map[place]bool
}

type place struct {
	rule, path string
	line, col  int
}

func newReporter() *reporter { return &reporter{seen: map[place]bool{}} }

// report adds a finding of rule on node n of o. It returns nil when the place was already
// reported, so callers guard before setting a fix.
func (r *reporter) report(rule *finding.Rule, o *object, n *yaml.Node, message string) *finding.Finding {
	return r.add(build(rule, o, n, message))
}

// add adds a finding built earlier (cross-file rules build them before knowing their verdict).
func (r *reporter) add(f finding.Finding) *finding.Finding {
	p := place{f.RuleID, f.Path, f.StartLine, f.StartColumn}
	if r.seen[p] {
		return nil
	}
	r.seen[p] = true
	r.findings = append(r.findings, f)
	return &r.findings[len(r.findings)-1]
}

func build(rule *finding.Rule, o *object, n *yaml.Node, message string) finding.Finding {
	if n == nil {
		n = o.kindNode
	}
	return yamldoc.At(rule, o.path, n, message)
}

// reportTrue reports a boolean pod or container field set to true (hostNetwork: true,
// privileged: true…) on its value, with a fix turning it to false.
func reportTrue(r *reporter, rule *finding.Rule, o *object, value *yaml.Node, message, fixDescription string) {
	if on, ok := yamldoc.Bool(value); !ok || !on {
		return
	}
	if f := r.report(rule, o, value, message); f != nil {
		f.Fix = o.src.replaceValue(value, "false", fixDescription)
	}
}

// source is a file's text, kept for building fixes: whole lines with one value replaced.
type source struct {
	data       []byte // without the byte order mark, as the parser saw it
	bom        bool
	lineStarts []int // offsets of line starts, built on the first fix
}

var byteOrderMark = []byte("\xef\xbb\xbf")

func newSource(data []byte) *source {
	return &source{data: bytes.TrimPrefix(data, byteOrderMark), bom: bytes.HasPrefix(data, byteOrderMark)}
}

// line returns line n (1-based) without its line ending.
func (s *source) line(n int) (string, bool) {
	if s.lineStarts == nil {
		s.lineStarts = []int{0}
		for i, b := range s.data {
			if b == '\n' {
				s.lineStarts = append(s.lineStarts, i+1)
			}
		}
	}
	if n < 1 || n > len(s.lineStarts) {
		return "", false
	}
	start, end := s.lineStarts[n-1], len(s.data)
	if n < len(s.lineStarts) {
		end = s.lineStarts[n] - 1
	}
	return strings.TrimSuffix(string(s.data[start:end]), "\r"), true
}

// replaceValue builds a fix rewriting scalar n's text to with, keeping its quotes and the rest
// of the line. It returns nil when the line does not hold the value where the parser said (a
// multi-line scalar, escapes), since a wrong fix is worse than none.
func (s *source) replaceValue(n *yaml.Node, with, description string) *finding.Fix {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	text, ok := s.line(n.Line)
	if !ok {
		return nil
	}
	start, ok := byteOffset(text, n.Column-1) // the parser counts columns in characters
	if !ok {
		return nil
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		start++
	}
	if !strings.HasPrefix(text[start:], n.Value) {
		return nil
	}
	replacement := text[:start] + with + text[start+len(n.Value):]
	if s.bom && n.Line == 1 {
		replacement = string(byteOrderMark) + replacement
	}
	return &finding.Fix{Description: description, StartLine: n.Line, EndLine: n.Line, Replacement: replacement}
}

// byteOffset converts a 0-based character column of text to a byte offset.
func byteOffset(text string, column int) (int, bool) {
	offset := 0
	for i := 0; i < column; i++ {
		if offset >= len(text) {
			return 0, false
		}
		_, size := utf8.DecodeRuneInString(text[offset:])
		offset += size
	}
	return offset, offset <= len(text)
}
