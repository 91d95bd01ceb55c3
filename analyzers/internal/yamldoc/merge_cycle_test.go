package yamldoc_test

import (
	"fmt"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// TestPairsSurvivesSelfMerge: a mapping that merges itself, directly or through another, must
// not recurse without end (a stack overflow kills the process; recover cannot catch it).
func TestPairsSurvivesSelfMerge(t *testing.T) {
	for _, src := range []string{
		"a: &a\n  <<: *a\n  k: v\n",
		"a: &a\n  x: 1\nb: &b\n  <<: *a\na2: &a2\n  <<: [*b, *a2]\n  k: v\n",
	} {
		docs, err := yamldoc.Parse([]byte(src))
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		for _, p := range yamldoc.Pairs(docs[0].Root) {
			yamldoc.Pairs(p.Value)
		}
	}
	docs, err := yamldoc.Parse([]byte("a: &a\n  <<: *a\n  k: v\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := yamldoc.Value(yamldoc.Value(docs[0].Root, "a"), "k"); got == nil || got.Value != "v" {
		t.Errorf("own keys of a self-merging mapping: got %v, want k: v", got)
	}
}

// TestPairsFanOutIsLinear: merges that double at every level expand in linear time.
func TestPairsFanOutIsLinear(t *testing.T) {
	src := "l0: &l0\n  k0: v\n"
	for i := 1; i <= 40; i++ {
		src += fmt.Sprintf("l%d: &l%d\n  <<: [*l%d, *l%d]\n  k%d: v\n", i, i, i-1, i-1, i)
	}
	docs, err := yamldoc.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(yamldoc.Pairs(yamldoc.Value(docs[0].Root, "l40"))); got != 41 {
		t.Errorf("l40 has %d keys, want 41", got)
	}
}

// TestWalkStopsAtAliasCycles: a walk into a cycle cannot finish, and must give up after a bounded
// depth rather than recurse until its visit budget is spent (a million frames of stack for an
// 11-byte file).
func TestWalkStopsAtAliasCycles(t *testing.T) {
	tests := []struct{ name, input string }{
		{"sequence holding itself", "a: &a [*a]\n"},
		{"mapping holding itself", "a: &a {k: *a}\n"},
		{"merge key and value", "a: &a\n  <<: *a\n  k: [*a]\n"},
		{"two-step cycle", "a: &a [&b [*a]]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := yamldoc.Parse([]byte(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			visits := 0
			finished := yamldoc.Walk(docs[0].Root, func(*yaml.Node) bool { visits++; return true })
			if finished || visits > 20_001 {
				t.Errorf("Walk = %v after %d visits; want false after at most a depth budget of visits", finished, visits)
			}
		})
	}
}
