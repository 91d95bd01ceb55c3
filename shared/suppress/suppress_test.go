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

func TestParseFileReadsCommentsAsTheFileTypeWritesThem(t *testing.T) {
	tests := []struct {
		path, content string
		rules         []string // rules of the directives found, in order
	}{
		{"a.go", `x := f() // fourc:ignore go-weak-crypto -- checksum`, []string{"go-weak-crypto"}},
		{"a.go", `s := "# fourc:ignore docker-root-user -- fixture"`, nil},
		{"a.go", `s := "x // fourc:ignore go-weak-crypto -- in a string"`, nil},
		{"a.go", "s := `x // fourc:ignore go-weak-crypto -- in a raw string`", nil},
		{"a.go", `// The fourc:ignore comment that silenced the finding.`, nil},
		{"a.go", `// fourc:ignore RULE[,RULE…] -- reason`, nil},
		{"deploy.yaml", `privileged: true # fourc:ignore k8s-privileged -- node agent`, []string{"k8s-privileged"}},
		{"main.tf", `cidr = "0.0.0.0/0" # fourc:ignore aws-sg-public-ingress -- bastion`, []string{"aws-sg-public-ingress"}},
		{"Dockerfile", `USER root # fourc:ignore docker-root-user -- init step`, []string{"docker-root-user"}},
		{"README.md", "```go\nh := md5.New() // fourc:ignore go-weak-crypto -- cache key\n```", nil},
		{"README.md", `<!-- fourc:ignore secret-jwt -- sample token -->`, []string{"secret-jwt"}},
		{"data.json", `{"a": "# fourc:ignore x-y -- no comments in JSON"}`, nil},
		{"notes.txt", `# fourc:ignore secret-* -- sample data`, []string{"secret-*"}},
	}
	for _, tt := range tests {
		var got []string
		for _, d := range suppress.ParseFile(tt.path, []byte(tt.content)) {
			got = append(got, d.Rules...)
		}
		if d := cmp.Diff(tt.rules, got); d != "" {
			t.Errorf("ParseFile(%s, %q) rules (-want +got):\n%s", tt.path, tt.content, d)
		}
	}
}
