package dockerfile

import (
	"sort"
	"strings"
)

// text is a stretch of Dockerfile source put back together from several physical lines (an
// instruction with its continuations, a here-document body), remembering where each byte came
// from so a finding on a token can name its own line and column.
type text struct {
	s        string
	segments []segment // sorted by off
	// approximate marks text that does not come from the source byte for byte (the script of
	// an exec-form RUN, decoded from JSON): every offset maps to the first segment's position.
	approximate bool
}

// segment says that s[off:] starts at line, column col (1-based, in bytes) of the file.
type segment struct {
	off, line, col int
}

// textBuilder assembles a text piece by piece without copying it over and over: an instruction
// may be continued over tens of thousands of lines.
type textBuilder struct {
	b        strings.Builder
	segments []segment
}

// add appends piece, which starts at line:col of the file.
func (tb *textBuilder) add(piece string, line, col int) {
	tb.segments = append(tb.segments, segment{off: tb.b.Len(), line: line, col: col})
	tb.b.WriteString(piece)
}

// addSeparator appends bytes that are not in the source (the newline joining two lines of a
// here-document); they map to the end of the previous piece.
func (tb *textBuilder) addSeparator(sep string) { tb.b.WriteString(sep) }

func (tb *textBuilder) text() *text { return &text{s: tb.b.String(), segments: tb.segments} }

// pos maps a byte offset of t.s to its line and column in the file.
func (t *text) pos(off int) (line, col int) {
	if len(t.segments) == 0 {
		return 1, 1
	}
	if t.approximate {
		return t.segments[0].line, t.segments[0].col
	}
	i := sort.Search(len(t.segments), func(i int) bool { return t.segments[i].off > off }) - 1
	if i < 0 {
		i = 0
	}
	seg := t.segments[i]
	return seg.line, seg.col + max(0, off-seg.off)
}

// slice is the part of t from offset from on, with positions kept.
func (t *text) slice(from int) *text {
	from = min(max(from, 0), len(t.s))
	out := &text{s: t.s[from:], approximate: t.approximate}
	for i, seg := range t.segments {
		next := len(t.s)
		if i+1 < len(t.segments) {
			next = t.segments[i+1].off
		}
		switch {
		case seg.off >= from:
			out.segments = append(out.segments, segment{off: seg.off - from, line: seg.line, col: seg.col})
		case next > from:
			out.segments = append(out.segments, segment{off: 0, line: seg.line, col: seg.col + from - seg.off})
		}
	}
	return out
}
