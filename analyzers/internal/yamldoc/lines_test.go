package yamldoc_test

import (
	"testing"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

func TestLinesConvertsCharacterColumnsToBytes(t *testing.T) {
	src := "\xef\xbb\xbfname: é\r\nrun: |\r\n  naïve: ${{ x }}\r\nlast: 1"
	docs, err := yamldoc.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	l := yamldoc.NewLines([]byte(src))
	if got := l.Count(); got != 4 {
		t.Errorf("Count = %d, want 4", got)
	}
	if got := l.Line(3); got != "  naïve: ${{ x }}" {
		t.Errorf("Line(3) = %q", got)
	}
	if got := l.Line(4); got != "last: 1" {
		t.Errorf("Line(4) = %q", got)
	}
	// "x" of line 3 is character column 14 and byte column 15 (ï takes two bytes).
	if got := l.ByteColumn(3, 14); got != 15 {
		t.Errorf("ByteColumn(3, 14) = %d, want 15", got)
	}
	off := l.Offset(3, 14)
	if line, col := l.Position(off); line != 3 || col != 15 || l.Source()[off] != 'x' {
		t.Errorf("Position(Offset(3, 14)) = %d:%d (byte %q), want 3:15 x", line, col, l.Source()[off])
	}
	// yaml.v3 positions agree with the BOM-less source.
	run := yamldoc.Value(docs[0].Root, "run")
	if got := l.Offset(run.Line, run.Column); l.Source()[got] != '|' {
		t.Errorf("Offset of the run block = %d, byte %q, want '|'", got, l.Source()[got])
	}
	for _, tc := range []struct{ line, col int }{{0, 1}, {99, 1}, {1, 999}} {
		l.Offset(tc.line, tc.col) // clamped, never a panic
		l.ByteColumn(tc.line, tc.col)
	}
}
