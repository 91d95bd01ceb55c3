package yamldoc_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

func TestExpansion(t *testing.T) {
	// A merge-key bomb: each level merges the previous one nine times.
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 {k: v}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d\n  <<: [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	tests := []struct {
		name                      string
		input                     string
		wantDistinct, minExpanded int
	}{
		{name: "no aliases", input: "a: 1\nb: [x, y]\n", wantDistinct: 7, minExpanded: 7},
		{name: "one alias counts its target", input: "a: &x [1, 2]\nb: *x\n", wantDistinct: 7, minExpanded: 9},
		{name: "merge cycle saturates", input: "a: &a\n  <<: *a\n  x: 1\n", wantDistinct: 7, minExpanded: math.MaxInt},
		{name: "sequence cycle saturates", input: "a: &a [*a]\n", wantDistinct: 4, minExpanded: math.MaxInt},
		{name: "merge bomb", input: bomb.String(), wantDistinct: 122, minExpanded: 387_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := yamldoc.Parse([]byte(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			distinct, expanded := yamldoc.Expansion(docs[0].Root)
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("Expansion took %v, want linear time", elapsed)
			}
			if distinct != tt.wantDistinct || expanded < tt.minExpanded {
				t.Errorf("Expansion = (%d, %d), want (%d, >= %d)", distinct, expanded, tt.wantDistinct, tt.minExpanded)
			}
		})
	}
}
