// Package yamldoc reads YAML (and JSON, which YAML 1.2 contains) into position-keeping nodes for
// the manifest linters, with the limits a scanner of hostile repositories needs: bounded size,
// bounded alias expansion, merge keys resolved, a BOM ignored.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/shared/finding"
)

// MaxBytes bounds the size of a document stream the linters parse.
const MaxBytes = 16 << 20

// maxVisits bounds how many nodes a walk visits, so aliases that fan out ("billion laughs") cost a
// bounded amount of time whatever the document does.
const maxVisits = 1 << 20

// maxDepth bounds how deep a walk descends, so an alias cycle (`a: &a [*a]`, which the parser
// accepts) costs a bounded amount of stack: without it, an 11-byte file recursed a million frames
// deep and held some 200 MB. The parser refuses text nested deeper than this, so only aliases
// can reach it.
const maxDepth = 10_000

var (
	bom     = []byte("\xef\xbb\xbf")
	utf16LE = []byte("\xff\xfe")
	utf16BE = []byte("\xfe\xff")
)

// ErrTooLarge is returned for streams over MaxBytes.
var ErrTooLarge = errors.New("YAML stream is over the size limit")

// Document is one document of a stream.
type Document struct {
	Root  *yaml.Node // the content node (mapping, sequence or scalar); never a DocumentNode
	Index int        // 0-based position in the stream
}

// Parse decodes every document of a YAML or JSON stream. A syntax error anywhere fails the whole
// stream: the error carries the line where the parser gave up. Node positions count lines as git
// and findings do, ending at "\n" (see breaks.go), and columns in characters (see Lines).
func Parse(data []byte) ([]Document, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(data), MaxBytes)
	}
	data = bytes.TrimPrefix(data, bom)
	if bytes.HasPrefix(data, utf16LE) || bytes.HasPrefix(data, utf16BE) {
		// yaml.v3 would decode it and report positions in the decoded text, which no byte
		// offset into the file matches; the tools fourc checks for read UTF-8 only.
		return nil, errors.New("not valid YAML: UTF-16 text is not supported, only UTF-8")
	}
	var lines []yamlLine
	if needsRenumbering(data) {
		lines = yamlLines(data)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Document
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) > 0 && !IsNull(n.Content[0]) {
			if lines != nil {
				renumber(n.Content[0], lines)
			}
			docs = append(docs, Document{Root: n.Content[0], Index: i})
		}
	}
}

// Resolve follows aliases to the anchored node.
func Resolve(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 100; depth++ {
		n = n.Alias
	}
	return n
}

// IsNull reports an absent value, `~` or `null`.
func IsNull(n *yaml.Node) bool {
	n = Resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Pair is one key and value of a mapping.
type Pair struct {
	Key, Value *yaml.Node
}

// Pairs lists the entries of a mapping with merge keys (`<<: *base`) expanded; later keys win, as
// in YAML, and the position reported is the one written in the file.
func Pairs(m *yaml.Node) []Pair {
	return mergedPairs(m, nil)
}

// mergedPairs is Pairs expanding each mapping at most once: a mapping that merges itself
// (`a: &a {<<: *a}`, which yaml.v3 accepts) would otherwise recurse until the stack overflows, a
// crash no recover can catch, and merges that fan out (`<<: [*b, *b]` at every level) would take
// exponential time. A mapping met again contributes nothing new: its keys were merged, with the
// same precedence, the first time. visited is made on the first merge key, so mappings without
// one (nearly all) cost no allocation.
func mergedPairs(m *yaml.Node, visited map[*yaml.Node]bool) []Pair {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || visited[m] {
		return nil
	}
	if visited != nil {
		visited[m] = true
	}
	var out []Pair
	seen := map[string]int{}
	add := func(p Pair) {
		if i, ok := seen[p.Key.Value]; ok {
			out[i] = p
			return
		}
		seen[p.Key.Value] = len(out)
		out = append(out, p)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
			v = Resolve(v)
			var bases []*yaml.Node
			if v.Kind == yaml.SequenceNode {
				bases = v.Content
			} else {
				bases = []*yaml.Node{v}
			}
			if visited == nil {
				visited = map[*yaml.Node]bool{m: true}
			}
			for _, b := range bases {
				for _, p := range mergedPairs(b, visited) {
					if _, ok := seen[p.Key.Value]; !ok {
						add(p)
					}
				}
			}
			continue
		}
		add(Pair{k, v})
	}
	return out
}

// Get returns the key and value nodes of key in a mapping, or nils.
func Get(m *yaml.Node, key string) (k, v *yaml.Node) {
	for _, p := range Pairs(m) {
		if p.Key.Value == key {
			return p.Key, Resolve(p.Value)
		}
	}
	return nil, nil
}

// Value returns the value of key in a mapping, or nil.
func Value(m *yaml.Node, key string) *yaml.Node {
	_, v := Get(m, key)
	return v
}

// Path follows a chain of mapping keys.
func Path(m *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		m = Value(m, k)
		if m == nil {
			return nil
		}
	}
	return m
}

// Items lists a sequence's elements with aliases resolved; anything else gives nil.
func Items(n *yaml.Node) []*yaml.Node {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = Resolve(c)
	}
	return out
}

// String returns a scalar's text.
func String(n *yaml.Node) (string, bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

// Bool reads a YAML boolean (true/false in any case; YAML 1.1 yes/no/on/off are strings in
// YAML 1.2 but Kubernetes' parser accepts them, so they count too).
func Bool(n *yaml.Node) (value, ok bool) {
	s, ok := String(n)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on", "y":
		return true, true
	case "false", "no", "off", "n":
		return false, true
	}
	return false, false
}

// Int reads an integer scalar.
func Int(n *yaml.Node) (int64, bool) {
	s, ok := String(n)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 0, 64)
	return v, err == nil
}

// Walk visits n and everything below it depth-first, following aliases, until fn returns false
// for a node (its children are then skipped) or a budget is spent: maxVisits nodes, maxDepth
// levels. It reports whether the walk finished within the budgets; a walk into an alias cycle
// never does.
func Walk(n *yaml.Node, fn func(n *yaml.Node) bool) bool {
	budget := maxVisits
	var walk func(n *yaml.Node, depth int) bool
	walk = func(n *yaml.Node, depth int) bool {
		if budget--; budget < 0 || depth > maxDepth {
			return false
		}
		n = Resolve(n)
		if n == nil || !fn(n) {
			return true
		}
		for _, c := range n.Content {
			if !walk(c, depth+1) {
				return false
			}
		}
		return true
	}
	return walk(n, 1)
}

// At makes a finding of rule positioned on node n: its line and column, ending after a scalar's
// text when that fits on one line.
func At(rule *finding.Rule, path string, n *yaml.Node, message string) finding.Finding {
	line, col := 1, 1
	if n != nil {
		line, col = n.Line, n.Column
	}
	f := rule.New(path, line, col, message)
	if n != nil && n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		f.EndColumn = col + len(n.Value)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			f.EndColumn += 2
		}
	}
	return f
}
