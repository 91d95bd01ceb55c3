package workflows

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

// report collects one file's findings. The same rule at the same place is reported once: a step
// reused through a YAML alias is one step in the file.
type report struct {
	f        *file
	findings []finding.Finding
	seen     map[reportKey]bool
}

type reportKey struct {
	rule      string
	line, col int
}

func (r *report) add(f finding.Finding) {
	k := reportKey{f.RuleID, f.StartLine, f.StartColumn}
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.findings = append(r.findings, f)
}

// atNode makes a finding on a node, with byte columns (yaml.v3 counts characters).
func (r *report) atNode(rule *finding.Rule, n *yaml.Node, message string) finding.Finding {
	f := yamldoc.At(rule, r.f.path, n, message)
	if n != nil {
		width := f.EndColumn - f.StartColumn
		f.StartColumn = r.f.lines.ByteColumn(n.Line, n.Column)
		f.EndColumn = f.StartColumn + width
	}
	return f
}

// atOffset makes a finding on length bytes at a byte offset of the source.
func (r *report) atOffset(rule *finding.Rule, off, length int, message string) finding.Finding {
	line, col := r.f.lines.Position(off)
	f := rule.New(r.f.path, line, col, message)
	f.EndLine, f.EndColumn = r.f.lines.Position(off + length)
	return f
}

// locateInScalar finds where a piece of a scalar's value is written in the file: the byte
// offset in the source of value[off:off+len(needle)], or -1. It looks for the same occurrence of
// needle after the node's position, which holds for every scalar style as long as the needle
// itself is written verbatim (no escape sequence or line folding inside it) — true of ${{ … }}
// openers and of shell words in `run:` blocks.
func (f *file) locateInScalar(n *yaml.Node, value string, off int, needle string) int {
	if n == nil || needle == "" || off < 0 || off > len(value) {
		return -1
	}
	occurrence := strings.Count(value[:off], needle)
	src := f.lines.Source()
	pos := f.lines.Offset(n.Line, n.Column)
	for {
		i := bytes.Index(src[pos:], []byte(needle))
		if i < 0 {
			return -1
		}
		if occurrence == 0 {
			return pos + i
		}
		occurrence--
		pos += i + len(needle)
	}
}

// atScalarPart makes a finding on length bytes of scalar n's value starting at off, located by
// the needle written there (see locateInScalar); it falls back to the node itself when the text
// cannot be found as written.
func (r *report) atScalarPart(rule *finding.Rule, n *yaml.Node, off int, needle string, length int, message string) finding.Finding {
	if at := r.f.locateInScalar(n, n.Value, off, needle); at >= 0 {
		return r.atOffset(rule, at, length, message)
	}
	return r.atNode(rule, n, message)
}
