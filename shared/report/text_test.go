package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		rep    func(t *testing.T) *engine.Report
		opts   TextOptions
	}{
		{"text.golden", sampleReport, TextOptions{}},
		{"text_color.golden", sampleReport, TextOptions{Color: true}},
		{"text_clean.golden", func(*testing.T) *engine.Report { return cleanReport() }, TextOptions{}},
		{"text_clean_diff.golden", func(*testing.T) *engine.Report {
			rep := cleanReport()
			rep.Mode, rep.HasDiff, rep.HasBase = engine.NewOnChangedLines, true, true
			return rep
		}, TextOptions{}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Text(&buf, tc.rep(t), tc.opts); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, buf.Bytes())
		})
	}
}

func TestTextWithoutColorHasNoEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, sampleReport(t), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") {
		t.Errorf("text without colour contains an escape sequence:\n%s", buf.String())
	}
}

func TestUnderline(t *testing.T) {
	long := strings.Repeat("a", 200) + "SECRET" + strings.Repeat("b", 200)
	for _, tc := range []struct {
		name       string
		raw        string
		start, end int
		wantLine   string
		wantCaret  string // the caret line as printed under wantLine
	}{
		{"span", `x := db.Query(q)`, 6, 14, `x := db.Query(q)`, `     ^^^^^^^^`},
		{"point", `x := 1`, 3, 3, `x := 1`, `  ^`},
		{"end before start is a point", `x := 1`, 3, 1, `x := 1`, `  ^`},
		{"tab indent", "\treturn x", 2, 8, "    return x", "    ^^^^^^"},
		{"multibyte before the span", `s := "héllo", tok`, 16, 19, `s := "héllo", tok`, `              ^^^`},
		{"column past the end", `abc`, 10, 12, `abc`, `   ^`},
		{"column zero", `abc`, 0, 0, `abc`, `^`},
		{"escape sequence in the line", "a\x1b[2Jb", 6, 7, "a\uFFFD[2Jb", "     ^"},
		{"bidi override in the line", "if x \u202e{", 9, 10, "if x \uFFFD{", "      ^"},
		{"long line shows a window", long, 201, 207,
			"…" + strings.Repeat("a", 30) + "SECRET" + strings.Repeat("b", 84) + "…",
			strings.Repeat(" ", 31) + "^^^^^^"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line, at, width := underline(tc.raw, tc.start, tc.end)
			gotCaret := strings.Repeat(" ", at) + strings.Repeat("^", width)
			if diff := cmp.Diff(tc.wantLine+"\n"+tc.wantCaret, line+"\n"+gotCaret); diff != "" {
				t.Errorf("underline(%q, %d, %d) (-want +got):\n%s", tc.raw, tc.start, tc.end, diff)
			}
		})
	}
}

// TestTextQuotesOnlyInsideRoot checks that the source reader refuses what a hostile repository
// or a confused scanner could point it at: paths climbing out of the root, symbolic links
// leading outside, and files that are not there.
func TestTextQuotesOnlyInsideRoot(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "repo")
	mustWrite(t, filepath.Join(dir, "outside.txt"), "TOP SECRET OUTSIDE THE ROOT\n")
	mustWrite(t, filepath.Join(root, "inside.txt"), "visible line\n")
	if err := os.Symlink(filepath.Join(dir, "outside.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	rule := finding.Rule{ID: "test-rule", Title: "Test rule", Layer: finding.Code, Severity: finding.High}
	for _, tc := range []struct {
		path      string
		wantQuote bool
	}{
		{"inside.txt", true},
		{"../outside.txt", false},
		{"link.txt", false},
		{"missing.txt", false},
		{"/etc/passwd", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := rule.New(tc.path, 1, 1, "message")
			rep := &engine.Report{Root: root, FailOn: finding.High, Mode: engine.All, Items: []engine.Item{{Finding: f, Status: engine.StatusNew}}}
			var buf bytes.Buffer
			if err := Text(&buf, rep, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if strings.Contains(out, "TOP SECRET") {
				t.Errorf("quoted a file outside the root:\n%s", out)
			}
			if got := strings.Contains(out, " | "); got != tc.wantQuote {
				t.Errorf("quoted a source line = %v, want %v:\n%s", got, tc.wantQuote, out)
			}
		})
	}
}

func TestTextMarksPreExistingInModeAll(t *testing.T) {
	rep := sampleReport(t)
	rep.Mode = engine.All
	var buf bytes.Buffer
	if err := Text(&buf, rep, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "critical  deploy/pod.yaml:11:9  k8s-privileged-container  Container runs privileged  (pre-existing)"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("mode All output lacks %q:\n%s", want, buf.String())
	}
	if last := lastLine(buf.String()); !strings.HasPrefix(last, "8 findings (") {
		t.Errorf("total line = %q, want it to count 8 findings, not new ones", last)
	}
}

func TestShouldColor(t *testing.T) {
	for _, tc := range []struct {
		name     string
		terminal bool
		env      map[string]string
		want     bool
	}{
		{"terminal", true, nil, true},
		{"pipe", false, nil, false},
		{"NO_COLOR set", true, map[string]string{"NO_COLOR": "1"}, false},
		{"NO_COLOR empty is unset", true, map[string]string{"NO_COLOR": ""}, true},
		{"dumb terminal", true, map[string]string{"TERM": "dumb"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string { return tc.env[k] }
			if got := ShouldColor(tc.terminal, getenv); got != tc.want {
				t.Errorf("ShouldColor(%v, %v) = %v, want %v", tc.terminal, tc.env, got, tc.want)
			}
		})
	}
}

func TestReadLinesSkipsOverlongLines(t *testing.T) {
	input := "first\r\n" + strings.Repeat("x", maxSourceLineBytes+10) + "\nthird"
	got := map[int]string{}
	readLines(strings.NewReader(input), func(n int, line []byte) { got[n] = string(line) })
	want := map[int]string{1: "first", 3: "third"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readLines (-want +got):\n%s", diff)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestTextMasksSensitiveSpans(t *testing.T) {
	tests := []struct {
		raw        string
		start, end int
		want       string
	}{
		{"KEY=AKIAQYLPMN5HHHFPZAM2 # x", 5, 25, "KEY=AKIA**************** # x"}, // fourc:ignore secret-aws-access-key-id -- made-up key in a masking test
		{"tok: abc", 6, 9, "tok: ***"},
		{"pw=hunter22", 4, 12, "pw=hu******"},
		{"short", 1, 1, "short"},
		{"past the end", 6, 99, "past t******"},
	}
	for _, tt := range tests {
		if got := maskSpan(tt.raw, tt.start, tt.end); got != tt.want {
			t.Errorf("maskSpan(%q, %d, %d) = %q, want %q", tt.raw, tt.start, tt.end, got, tt.want)
		}
	}
}

// TestMaskSecretCoversEveryFlaggedLine: the quoted line and the lines a suggested fix removes
// both go through maskSecret, so a sensitive span is masked on each line it covers.
func TestMaskSecretCoversEveryFlaggedLine(t *testing.T) {
	oneLine := &engine.Item{Finding: finding.Finding{Sensitive: true, StartLine: 2, StartColumn: 5, EndLine: 2, EndColumn: 25}}
	key := &engine.Item{Finding: finding.Finding{Sensitive: true, StartLine: 1, StartColumn: 3, EndLine: 3, EndColumn: 9}}
	plain := &engine.Item{Finding: finding.Finding{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 5}}
	tests := []struct {
		name string
		it   *engine.Item
		line int
		raw  string
		want string
	}{
		{"the flagged line", oneLine, 2, "KEY=AKIAQYLPMN5HHHFPZAM2 # x", "KEY=AKIA**************** # x"}, // fourc:ignore secret-aws-access-key-id -- made-up key in a masking test
		{"a line before it", oneLine, 1, "KEY=AKIAQYLPMN5HHHFPZAM2", "KEY=AKIAQYLPMN5HHHFPZAM2"},         // fourc:ignore secret-aws-access-key-id -- made-up key in a masking test
		{"first line of a span: to its end", key, 1, "k=MIIEvQIBADANBg", "k=MII***********"},
		{"a line inside a span: all of it", key, 2, "kqhkiG9w0BAQEFAASC", "kqhk**************"},
		{"last line of a span: to its end column", key, 3, "BKcwggSjAgEAAoIB", "BK******AgEAAoIB"},
		{"a finding that is not sensitive", plain, 1, "abcdefgh", "abcdefgh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskSecret(tt.it, tt.line, tt.raw); got != tt.want {
				t.Errorf("maskSecret(line %d, %q) = %q, want %q", tt.line, tt.raw, got, tt.want)
			}
		})
	}
}
