package suppress_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/suppress"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, input string
		want        []suppress.Directive
	}{
		{"go line comment", "x := 1 // fourc:ignore go-weak-crypto -- checksum only", []suppress.Directive{{Line: 1, Column: 11, Rules: []string{"go-weak-crypto"}, Reason: "checksum only"}}},
		{"yaml comment, several rules", "a: 1\n# fourc:ignore k8s-privileged, k8s-host-network -- node agent\n", []suppress.Directive{{Line: 2, Column: 3, Rules: []string{"k8s-privileged", "k8s-host-network"}, Reason: "node agent"}}},
		{"block comment", "/* fourc:ignore aws-s3-public-acl -- public website */", []suppress.Directive{{Line: 1, Column: 4, Rules: []string{"aws-s3-public-acl"}, Reason: "public website"}}},
		{"html comment", "<!-- fourc:ignore secret-jwt -->", []suppress.Directive{{Line: 1, Column: 6, Rules: []string{"secret-jwt"}}}},
		{"no reason", "# fourc:ignore docker-root-user", []suppress.Directive{{Line: 1, Column: 3, Rules: []string{"docker-root-user"}}}},
		{"not in a comment", `s := "fourc:ignore x-y -- r"`, nil},
		{"prose, not a directive", "// the fourc:ignored list", nil},
		{"no rules", "// fourc:ignore -- why", nil},
		{"CRLF", "a\r\n# fourc:ignore k8s-privileged -- r\r\n", []suppress.Directive{{Line: 2, Column: 3, Rules: []string{"k8s-privileged"}, Reason: "r"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, suppress.Parse([]byte(tt.input))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	d := suppress.Directive{Line: 10, Rules: []string{"k8s-privileged", "secret-*"}}
	for _, tt := range []struct {
		rule string
		line int
		want bool
	}{
		{"k8s-privileged", 10, true}, {"k8s-privileged", 11, true}, {"k8s-privileged", 12, false},
		{"k8s-privileged", 9, false}, {"secret-aws-key", 11, true}, {"k8s-host-pid", 10, false},
	} {
		if got := d.Covers(tt.rule, tt.line); got != tt.want {
			t.Errorf("Covers(%s, %d) = %v, want %v", tt.rule, tt.line, got, tt.want)
		}
	}
}
