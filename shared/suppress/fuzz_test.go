package suppress_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/suppress"
)

// FuzzParse feeds arbitrary file content to the directive parser, which reads every file of
// every scan. Each directive it returns must point at its marker, carry usable rule names and
// cover exactly its own line and the next.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"x := 1 // fourc:ignore go-weak-crypto -- checksum only",
		"a: 1\n# fourc:ignore k8s-privileged, k8s-host-network -- node agent\n",
		"/* fourc:ignore aws-s3-public-acl -- public website */",
		"<!-- fourc:ignore secret-jwt -->",
		"# fourc:ignore",
		"# fourc:ignored by design\n-- fourc:ignore: secret-* --\n; fourc:ignore\t*\r\n",
		"fourc:ignore x // fourc:ignore y -- z\nfourc:ignore fourc:ignore",
		"\xff// fourc:ignore a,,b\t,c -- \xfe\n\n\n# fourc:ignore d --",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		directives := suppress.Parse(content)
		if !bytes.Contains(content, []byte(suppress.Marker)) && directives != nil {
			t.Fatalf("content without the marker gave directives %+v", directives)
		}
		lines := bytes.Split(content, []byte("\n"))
		prevLine := 0
		for _, d := range directives {
			if d.Line <= prevLine || d.Line > len(lines) {
				t.Fatalf("directive on line %d after line %d, in a file of %d lines", d.Line, prevLine, len(lines))
			}
			prevLine = d.Line
			line := lines[d.Line-1]
			if d.Column < 1 || !bytes.HasPrefix(line[min(d.Column-1, len(line)):], []byte(suppress.Marker)) {
				t.Fatalf("directive at %d:%d does not point at the marker in %q", d.Line, d.Column, line)
			}
			if len(d.Rules) == 0 {
				t.Fatalf("directive at line %d has no rules", d.Line)
			}
			for _, r := range d.Rules {
				if r == "" || strings.ContainsAny(r, ", \t") {
					t.Errorf("rule %q at line %d is empty or holds a separator", r, d.Line)
				}
				if !d.Covers(r, d.Line) || !d.Covers(r, d.Line+1) || d.Covers(r, d.Line+2) || d.Covers(r, d.Line-1) {
					t.Errorf("directive at line %d must cover %q on lines %d and %d only", d.Line, r, d.Line, d.Line+1)
				}
			}
			if d.Reason != strings.TrimSpace(d.Reason) {
				t.Errorf("reason %q at line %d keeps surrounding white space", d.Reason, d.Line)
			}
		}
	})
}
