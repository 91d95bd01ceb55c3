package yamldoc_test

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		docs    int
		wantErr string
	}{
		{name: "multi-document with empty documents", input: "a: 1\n---\n---\nb: 2\n", docs: 2},
		{name: "BOM and CRLF", input: "\xef\xbb\xbfkind: Pod\r\nmetadata:\r\n  name: x\r\n", docs: 1},
		{name: "JSON", input: `{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`, docs: 1},
		{name: "syntax error names the line", input: "a: 1\nb: [\n", wantErr: "line"},
		{name: "templated YAML is an error, not a panic", input: "{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n", wantErr: "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := yamldoc.Parse([]byte(tt.input))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(docs) != tt.docs {
				t.Fatalf("got %d documents, want %d", len(docs), tt.docs)
			}
		})
	}
}

func TestMergeKeysAndPositions(t *testing.T) {
	docs, err := yamldoc.Parse([]byte("base: &b\n  privileged: true\n  user: 1\nc:\n  <<: *b\n  user: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := yamldoc.Value(docs[0].Root, "c")
	k, v := yamldoc.Get(c, "privileged")
	if k == nil || v.Value != "true" || k.Line != 2 {
		t.Fatalf("merged key privileged: got %v at line %d, want true at line 2", v, k.Line)
	}
	if u := yamldoc.Value(c, "user"); u.Value != "0" || u.Line != 6 {
		t.Fatalf("own key must override merged one: got %q at line %d", u.Value, u.Line)
	}
}

func TestWalkBoundsBillionLaughs(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(name + ": &" + name + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	docs, err := yamldoc.Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	visited := 0
	finished := yamldoc.Walk(docs[0].Root, func(*yaml.Node) bool { visited++; return true })
	if finished {
		t.Fatalf("walk of 9^9 aliased nodes claims to have finished after %d visits", visited)
	}
}
