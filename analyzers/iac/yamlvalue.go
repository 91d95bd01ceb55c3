package iac

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// yamlConv converts YAML nodes (CloudFormation templates, and JSON embedded in Terraform
// strings) into Values. It follows aliases within a visit budget, so "billion laughs" documents
// cost a bounded amount of work.
type yamlConv struct {
	path string
	// embedded, when set, says the YAML was parsed out of a string value: its positions are
	// mapped into the file through the string's origin, and unknownMarker makes a scalar unknown.
	embedded *Value
	// cfn, when set, resolves CloudFormation intrinsic functions; otherwise tags are ignored.
	cfn *cfnTemplate
	// budget counts down the nodes visited; when it runs out, conversion stops with Unknown.
	budget    int
	exhausted bool
}

func newYAMLConv(path string) *yamlConv {
	return &yamlConv{path: path, budget: maxYAMLNodes}
}

// pos maps a node to a file position.
func (c *yamlConv) pos(n *yaml.Node) Pos {
	if e := c.embedded; e != nil {
		o := e.origin
		if o == nil || !o.multiline {
			return e.Pos
		}
		p := Pos{Path: e.Pos.Path, Line: o.firstLine + n.Line - 1, Column: n.Column + o.indent}
		p.EndLine, p.EndColumn = p.Line, p.Column+scalarWidth(n)
		return p
	}
	p := Pos{Path: c.path, Line: n.Line, Column: n.Column}
	p.EndLine, p.EndColumn = p.Line, p.Column+scalarWidth(n)
	return p
}

// scalarWidth is the width of a one-line scalar as written, quotes included.
func scalarWidth(n *yaml.Node) int {
	if n.Kind != yaml.ScalarNode || strings.Contains(n.Value, "\n") || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return 0
	}
	w := len(n.Value)
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		w += 2
	}
	return w
}

// value converts a node; nil stands for null (an absent value).
func (c *yamlConv) value(n *yaml.Node, depth int) *Value {
	if n == nil {
		return nil
	}
	if c.budget--; c.budget < 0 {
		c.exhausted = true
		return unknownAt(c.pos(n))
	}
	if n.Kind == yaml.AliasNode {
		n = yamldoc.Resolve(n)
		if n == nil || n.Kind == yaml.AliasNode {
			return nil
		}
	}
	pos := c.pos(n)
	if depth > maxNesting {
		return unknownAt(pos)
	}
	if c.cfn != nil {
		if name, arg, ok := intrinsicCall(n); ok {
			return c.cfn.intrinsic(c, name, arg, pos)
		}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return c.scalar(n, pos)
	case yaml.SequenceNode:
		out := newList(pos)
		for _, e := range n.Content {
			if v := c.value(e, depth+1); v != nil {
				out.Elems = append(out.Elems, v)
			}
		}
		return out
	case yaml.MappingNode:
		out := newMap(pos)
		for _, p := range yamldoc.Pairs(n) {
			key, ok := yamldoc.String(p.Key)
			if !ok {
				continue
			}
			v := c.value(p.Value, depth+1)
			if v != nil && (v.Kind == Map || v.Kind == List) {
				// A block collection starts on the line after its key; findings about the
				// collection as a whole (a setting missing from it) belong on the key.
				v.Pos = c.pos(p.Key)
			}
			out.Set(key, v)
		}
		return out
	}
	return unknownAt(pos)
}

func (c *yamlConv) scalar(n *yaml.Node, pos Pos) *Value {
	if c.embedded != nil && strings.Contains(n.Value, unknownMarker) {
		return unknownAt(pos)
	}
	literal := c.embedded == nil
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		return &Value{Kind: Bool, Pos: pos, Bool: strings.EqualFold(n.Value, "true"), Literal: literal}
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			i, err := strconv.ParseInt(n.Value, 0, 64)
			if err != nil {
				return stringAt(pos, n.Value, literal)
			}
			f = float64(i)
		}
		return &Value{Kind: Number, Pos: pos, Num: f, Str: n.Value, Literal: literal}
	}
	return stringAt(pos, n.Value, literal)
}

// intrinsicCall recognises a CloudFormation intrinsic function: a short-form tag (`!GetAtt
// a.b`) or a one-key mapping (`{"Fn::GetAtt": [...]}`, `{"Ref": "x"}`). It returns the
// function's name without prefix and its argument.
func intrinsicCall(n *yaml.Node) (name string, arg *yaml.Node, ok bool) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return strings.TrimPrefix(n.Tag, "!"), n, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		key := n.Content[0].Value
		switch {
		case key == "Ref":
			return "Ref", yamldoc.Resolve(n.Content[1]), true
		case strings.HasPrefix(key, "Fn::"):
			return strings.TrimPrefix(key, "Fn::"), yamldoc.Resolve(n.Content[1]), true
		}
	}
	return "", nil, false
}
