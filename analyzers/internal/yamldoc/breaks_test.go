package yamldoc_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// TestPositionsCountLinesAtNewlines: YAML also ends lines at a lone CR, NEL, LS and PS, and
// yaml.v3 numbers lines that way; findings must use the lines git and GitHub count, or a key
// written after such a break is reported below where it is (off a pull request's changed line).
func TestPositionsCountLinesAtNewlines(t *testing.T) {
	tests := []struct {
		name, input     string
		key             string
		line, byteCol   int
		wantLineContent string
	}{
		{"lone CR", "a: 1\rb: 2\nkey: v\n", "key", 2, 1, "key: v"},
		{"CR LF is one break", "a: 1\r\nb: 2\r\nkey: v\r\n", "key", 3, 1, "key: v"},
		{"LS in a flow sequence", "a: [x,\u2028 y]\nkey: v\n", "key", 2, 1, "key: v"},
		{"PS and NEL in a quoted scalar", "a: \"p\u2029q\u0085r\"\n  \nkey: v\n", "key", 3, 1, "key: v"},
		{"on the line of a lone CR", "a: 1\rkey: v\n", "key", 1, 6, "a: 1\rkey: v"},
		{"after a multi-byte character", "a: \"é\u2028\"\rkey: é\n", "a", 1, 1, "a: \"é\u2028\"\rkey: é"},
		{"empty value at the end of a file without a final newline", "a: 1\nkey:", "key", 2, 1, "key:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := yamldoc.Parse([]byte(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			k, v := yamldoc.Get(docs[0].Root, tt.key)
			if k == nil {
				t.Fatalf("no key %q", tt.key)
			}
			lines := yamldoc.NewLines([]byte(tt.input))
			if k.Line != tt.line || lines.ByteColumn(k.Line, k.Column) != tt.byteCol {
				t.Errorf("key %q at line %d, byte column %d; want %d:%d", tt.key, k.Line, lines.ByteColumn(k.Line, k.Column), tt.line, tt.byteCol)
			}
			if got := lines.Line(k.Line); got != tt.wantLineContent {
				t.Errorf("line %d is %q, want %q", k.Line, got, tt.wantLineContent)
			}
			if v.Line < 1 || v.Line > lines.Count() {
				t.Errorf("value of %q at line %d, outside the %d lines", tt.key, v.Line, lines.Count())
			}
		})
	}
}

func TestParseRefusesUTF16(t *testing.T) {
	for _, bom := range []string{"\xff\xfe", "\xfe\xff"} {
		_, err := yamldoc.Parse([]byte(bom + "a\x00:\x00 \x001\x00"))
		if err == nil || !strings.Contains(err.Error(), "UTF-16") {
			t.Errorf("Parse(UTF-16 with BOM % x) error = %v, want one naming UTF-16", bom, err)
		}
	}
}

// TestRenumberingIsLinear: renumbering must not cost a walk along the line per node, or a
// minified one-line JSON file with a break in a string would take hours.
func TestRenumberingIsLinear(t *testing.T) {
	const n = 100_000
	src := `{"a": "x` + "\u2028" + `y", "k": [` + strings.Repeat("1,", n) + "1]}" // and no final newline
	start := time.Now()
	docs, err := yamldoc.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	items := yamldoc.Items(yamldoc.Value(docs[0].Root, "k"))
	last := items[len(items)-1]
	if col := yamldoc.NewLines([]byte(src)).ByteColumn(last.Line, last.Column); len(items) != n+1 || last.Line != 1 || col != len(src)-2 {
		t.Fatalf("last item at line %d, byte column %d; want 1:%d", last.Line, col, len(src)-2)
	}
	if elapsed > 20*time.Second {
		t.Errorf("Parse of %d bytes took %v", len(src), elapsed)
	}
}
