package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

func TestGitHubGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, sampleReport(t)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "github.golden", buf.Bytes())
}

func TestEscapeData(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain message", "plain message"},
		{"100% sure", "100%25 sure"},
		{"line one\nline two", "line one%0Aline two"},
		{"crlf\r\n", "crlf%0D%0A"},
		{"a: b, c", "a: b, c"}, // ':' and ',' are fine in the message
		{"%0A is not a newline", "%250A is not a newline"},
		{"x\n::error::injected", "x%0A::error::injected"},
	} {
		if got := escapeData(tc.in); got != tc.want {
			t.Errorf("escapeData(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeProperty(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"app/db.go", "app/db.go"},
		{"go-sql-injection: SQL", "go-sql-injection%3A SQL"},
		{"a,b", "a%2Cb"},
		{"50%", "50%25"},
		{"two\nlines\r", "two%0Alines%0D"},
		{"file,line=1::x", "file%2Cline=1%3A%3Ax"},
	} {
		if got := escapeProperty(tc.in); got != tc.want {
			t.Errorf("escapeProperty(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestGitHubHostileText checks that text from a repository cannot add a workflow command of its
// own: every command stays on one line and starts where the output put it.
func TestGitHubHostileText(t *testing.T) {
	rule := finding.Rule{ID: "test-rule", Title: "Title, with: punctuation", Layer: finding.Code, Severity: finding.Medium}
	f := rule.New("evil,line=99::.go", 2, 3, "first\n::add-mask::secret\r\n::error::fake")
	rep := &engine.Report{FailOn: finding.High, Mode: engine.All, Items: []engine.Item{{Finding: f, Status: engine.StatusNew}},
		Diags: []engine.Diagnostic{{Path: "x\n::warning::y", Message: "bad\nfile"}}}
	var buf bytes.Buffer
	if err := GitHub(&buf, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []string{
		"::warning file=evil%2Cline=99%3A%3A.go,line=2,col=3,endLine=2,endColumn=3,title=test-rule%3A Title%2C with%3A punctuation::first%0A::add-mask::secret%0D%0A::error::fake",
		"::notice file=x%0A%3A%3Awarning%3A%3Ay,title=fourc%3A could not analyse file::bad%0Afile",
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("got %d lines, want %d commands and a total:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], w)
		}
	}
}

func TestCommandLevel(t *testing.T) {
	for sev, want := range map[finding.Severity]string{
		finding.Critical: "error", finding.High: "error", finding.Medium: "warning", finding.Low: "notice", finding.Info: "notice",
	} {
		if got := commandLevel(sev); got != want {
			t.Errorf("commandLevel(%s) = %q, want %q", sev, got, want)
		}
	}
}
