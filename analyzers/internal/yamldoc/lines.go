package yamldoc

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// Lines indexes the source of a stream so that positions can be converted between the form
// yaml.v3 reports (1-based line, 1-based column counted in characters) and the forms findings
// use (byte offsets, 1-based columns counted in bytes, as go/token does). The two differ on any
// line with a non-ASCII character before the node. A leading BOM is dropped, as Parse drops it.
type Lines struct {
	src    []byte
	starts []int // byte offset of the start of each line
}

// NewLines indexes data.
func NewLines(data []byte) *Lines {
	data = bytes.TrimPrefix(data, bom)
	l := &Lines{src: data, starts: []int{0}}
	for i, c := range data {
		if c == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

// Source is the indexed text, without a BOM.
func (l *Lines) Source() []byte { return l.src }

// Count is the number of lines.
func (l *Lines) Count() int { return len(l.starts) }

// Line returns line n (1-based) without its line ending, or "" when out of range.
func (l *Lines) Line(n int) string {
	if n < 1 || n > len(l.starts) {
		return ""
	}
	end := len(l.src)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	return string(bytes.TrimSuffix(l.src[l.starts[n-1]:end], []byte("\r")))
}

// Offset converts a yaml.v3 position (column in characters) to a byte offset into Source,
// clamped to the line.
func (l *Lines) Offset(line, column int) int {
	if line < 1 {
		return 0
	}
	if line > len(l.starts) {
		return len(l.src)
	}
	off := l.starts[line-1]
	for c := 1; c < column && off < len(l.src) && l.src[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(l.src[off:])
		off += size
	}
	return off
}

// Position converts a byte offset into Source to a 1-based line and byte column.
func (l *Lines) Position(off int) (line, byteColumn int) {
	off = min(max(off, 0), len(l.src))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	return i + 1, off - l.starts[i] + 1
}

// ByteColumn converts a yaml.v3 position's character column to a byte column.
func (l *Lines) ByteColumn(line, column int) int {
	if line < 1 || line > len(l.starts) {
		return column
	}
	return l.Offset(line, column) - l.starts[line-1] + 1
}
