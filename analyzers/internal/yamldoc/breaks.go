package yamldoc

import (
	"bytes"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// YAML ends a line at "\n", "\r\n", a lone "\r", and the Unicode breaks NEL, LS and PS; git,
// GitHub, editors and every finding end one at "\n" only. yaml.v3 numbers its lines YAML's way,
// so in a file holding one of the other breaks every node after it would be reported a line or
// more below where it is — off the lines a pull request changed, which hides the finding.
// Parse renumbers such files (needsRenumbering).
var (
	nel = []byte("\u0085")
	ls  = []byte("\u2028")
	ps  = []byte("\u2029")
)

// needsRenumbering reports whether yaml.v3's positions may differ from lines ending at "\n":
// the file holds another break, or it does not end with a break at all, when yaml.v3 puts
// empty nodes at the end of the stream (the value of a last "key:") on a line after the last.
func needsRenumbering(data []byte) bool {
	return len(data) > 0 && data[len(data)-1] != '\n' || hasOtherBreaks(data)
}

// hasOtherBreaks reports whether data holds a line break YAML counts and "\n" does not.
func hasOtherBreaks(data []byte) bool {
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 == len(data) || data[i+1] != '\n' {
			return true
		}
		next := bytes.IndexByte(data[i+1:], '\r')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return bytes.Contains(data, nel) || bytes.Contains(data, ls) || bytes.Contains(data, ps)
}

// yamlLine says where one of YAML's lines starts in lines that end at "\n": on which line, after
// how many characters of it.
type yamlLine struct {
	line, charsBefore int
}

// yamlLines maps each of YAML's lines, in one pass over data. No YAML line holds a "\n", so a
// position on YAML line k, column c (in characters, as yaml.v3 counts) is on line
// lines[k-1].line, column lines[k-1].charsBefore+c.
func yamlLines(data []byte) []yamlLine {
	out := []yamlLine{{line: 1}}
	line, chars := 1, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\n':
			line, chars = line+1, 0
			out = append(out, yamlLine{line: line})
		case r == '\r' && i+1 < len(data) && data[i+1] == '\n':
			line, chars, size = line+1, 0, 2
			out = append(out, yamlLine{line: line})
		case r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			chars++
			out = append(out, yamlLine{line: line, charsBefore: chars})
		default:
			chars++
		}
		i += size
	}
	return out
}

// renumber rewrites the position of every node under root from YAML's lines to lines that end
// at "\n"; columns stay in characters, as yaml.v3 counts them, for Lines to convert. Aliases
// are not followed: each node is reached once, through the tree that holds it. A position past
// the last line (an empty node at the end of the stream) moves to the start of the last line.
func renumber(root *yaml.Node, lines []yamlLine) {
	stack := []*yaml.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Line >= 1 {
			column := n.Column
			if n.Line > len(lines) {
				n.Line, column = len(lines), 1
			}
			l := lines[n.Line-1]
			n.Line, n.Column = l.line, l.charsBefore+column
		}
		stack = append(stack, n.Content...)
	}
}
