package yamldoc

import (
	"math"

	"go.yaml.in/yaml/v3"
)

// Expansion counts the nodes under n: distinct is how many the document actually holds, expanded
// how many a traversal that follows every alias and merge key would visit. The count is
// memoized, so it costs time linear in distinct even for an alias bomb, and an alias cycle
// (`a: &a {<<: *a}`, which the parser accepts) saturates expanded at math.MaxInt.
//
// Callers use it to refuse a document before navigating it: Pairs expands merge keys
// recursively, so a document whose expanded size is far above its distinct size costs time
// exponential in its nesting, and a merge cycle never ends.
func Expansion(n *yaml.Node) (distinct, expanded int) {
	const inProgress = -1
	sizes := map[*yaml.Node]int{}
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if n == nil {
			return 0
		}
		if s, ok := sizes[n]; ok {
			if s == inProgress {
				return math.MaxInt // a cycle: following it never ends
			}
			return s
		}
		sizes[n] = inProgress
		distinct++
		total := 1
		if n.Kind == yaml.AliasNode {
			total = size(n.Alias)
		} else {
			for _, c := range n.Content {
				total = saturatingAdd(total, size(c))
			}
		}
		sizes[n] = total
		return total
	}
	expanded = size(n)
	return distinct, expanded
}

func saturatingAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}
