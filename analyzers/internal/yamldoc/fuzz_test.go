package yamldoc

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/shared/finding"
)

// FuzzParseWalk feeds arbitrary bytes to the front end every manifest scanner shares. Besides
// never panicking, what comes out must hold the promises the scanners build on: every node a
// walk reaches has a position inside the file that converts to a byte column and back; a walk
// finishes exactly when the document's expanded size fits its budget; merge keys expand
// without end; and a finding placed on any node has a usable span.
func FuzzParseWalk(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n",
		"a: 1\n---\n---\nb: [x, y]\n",
		"\xef\xbb\xbfkind: Pod\r\nmetadata:\r\n  name: \"é\"\r\n",
		`{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {}}}}`,
		"base: &b\n  privileged: true\nc:\n  <<: *b\n  user: 0\n",
		"a: &a\n  <<: *a\n  k: v\n",
		"a: &a [*a]\n",
		"l0: &l0 {k0: v}\nl1: &l1 {<<: [*l0, *l0], k1: v}\nl2: &l2 {<<: [*l1, *l1], k2: v}\n",
		"a: &a [lol, lol, lol]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n",
		"s: |\n  line one\n  line two\nt: >-\n  folded\nu: 'it''s'\nv: ? complex\n  : key\n",
		"{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n",
		"!!binary aGk=\n--- !custom\n&x a: *x\n",
		"a: 1\rb: [x,\u2028 y]\u2029c: \"\u0085\"\r\nd: e\n",
	} {
		f.Add([]byte(seed))
	}
	rule := finding.Rule{ID: "fuzz-rule", Title: "Fuzz", Layer: finding.Cluster}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Parse(data)
		if err != nil {
			if docs != nil {
				t.Fatalf("Parse returned documents with error %v", err)
			}
			return
		}
		lines := NewLines(data)
		for i, doc := range docs {
			if doc.Root == nil || doc.Root.Kind == yaml.DocumentNode || i > 0 && doc.Index <= docs[i-1].Index {
				t.Fatalf("document %d: root %v at index %d; want a content node, indexes increasing", i, doc.Root, doc.Index)
			}
			distinct, expanded := Expansion(doc.Root)
			if distinct < 1 || expanded < distinct {
				t.Fatalf("document %d: Expansion = %d distinct, %d expanded", i, distinct, expanded)
			}
			visits := 0
			finished := Walk(doc.Root, func(n *yaml.Node) bool {
				visits++
				checkNode(t, lines, &rule, n)
				return true
			})
			// Walk charges one visit per node of the expanded document and one level per level
			// of it, so it finishes exactly when the expansion fits both budgets.
			depth := expandedDepth(doc.Root, map[*yaml.Node]int{})
			if fits := expanded <= maxVisits && depth <= maxDepth; finished != fits {
				t.Fatalf("document %d: Walk finished = %v after %d visits, but the document expands to %d nodes %d deep (budgets %d, %d)",
					i, finished, visits, expanded, depth, maxVisits, maxDepth)
			}
		}
	})
}

// checkNode asserts what scanners rely on when they report a finding on n, and that the
// mapping helpers terminate on it.
func checkNode(t *testing.T, lines *Lines, rule *finding.Rule, n *yaml.Node) {
	t.Helper()
	if n.Line < 1 || n.Line > lines.Count() || n.Column < 1 {
		t.Fatalf("node %q at %d:%d is outside the %d lines of the file", n.Value, n.Line, n.Column, lines.Count())
	}
	col := lines.ByteColumn(n.Line, n.Column)
	if col < 1 || col > len(lines.Line(n.Line))+2 { // +2: a line's end, and a "\r" before it
		t.Fatalf("node %q at %d:%d has byte column %d on a line of %d bytes", n.Value, n.Line, n.Column, col, len(lines.Line(n.Line)))
	}
	off := lines.Offset(n.Line, n.Column)
	if line, _ := lines.Position(off); line != n.Line {
		t.Fatalf("node %q at %d:%d: offset maps back to line %d", n.Value, n.Line, n.Column, line)
	}
	// A plain scalar's text is where its position says (unless a tag or an anchor comes first,
	// where the position then points): a finding on it underlines it.
	at := lines.Source()[off:]
	// Only its first word: a scalar folded over lines keeps neither the breaks nor the indent.
	word := n.Value
	if i := strings.IndexAny(word, " \t\r\n\u0085\u2028\u2029"); i >= 0 {
		word = word[:i]
	}
	if n.Kind == yaml.ScalarNode && n.Style == 0 && word != "" && !bytes.HasPrefix(at, []byte("!")) &&
		!bytes.HasPrefix(at, []byte("&")) && !bytes.HasPrefix(at, []byte(word)) {
		t.Fatalf("plain scalar %q at %d:%d, but the file has %q there", n.Value, n.Line, n.Column, lines.Source()[off:min(off+len(word), len(lines.Source()))])
	}
	fd := At(rule, "f.yaml", n, "m")
	if fd.StartLine != n.Line || fd.StartColumn < 1 || fd.EndColumn < fd.StartColumn {
		t.Fatalf("At(node at %d:%d) = %d:%d-%d", n.Line, n.Column, fd.StartLine, fd.StartColumn, fd.EndColumn)
	}
	if n.Kind == yaml.MappingNode {
		for _, p := range Pairs(n) {
			if p.Key == nil || p.Value == nil {
				t.Fatalf("Pairs of the mapping at line %d returned a nil key or value", n.Line)
			}
		}
	}
}

// expandedDepth is how many levels a walk of n descends, aliases followed (an alias sits at the
// level of its target); an alias cycle makes it math.MaxInt. Memoized, so linear in the nodes.
func expandedDepth(n *yaml.Node, memo map[*yaml.Node]int) int {
	const inProgress = -1
	if n == nil {
		return 0
	}
	if d, ok := memo[n]; ok {
		if d == inProgress {
			return math.MaxInt
		}
		return d
	}
	memo[n] = inProgress
	d := 1
	if n.Kind == yaml.AliasNode {
		d = expandedDepth(n.Alias, memo)
	} else {
		for _, c := range n.Content {
			if cd := expandedDepth(c, memo); cd == math.MaxInt {
				d = math.MaxInt
			} else if d != math.MaxInt {
				d = max(d, cd+1)
			}
		}
	}
	memo[n] = d
	return d
}
