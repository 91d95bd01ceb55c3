package iac

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// The CloudFormation front end reads YAML and JSON templates (SAM included) with yamldoc, which
// keeps positions and resolves merge keys, and maps their resources onto the normalised model.
// Intrinsic functions are unknown, except a !Sub without variables (a literal) and a !Ref to a
// parameter with a Default, which resolves to the default.

// cfnTemplate is one template being converted.
type cfnTemplate struct {
	path    string
	root    *yaml.Node
	params  map[string]*cfnParam
	globals *Value // SAM Globals.Function
}

type cfnParam struct {
	def       *yaml.Node
	value     *Value
	resolving bool
	done      bool
}

// cloudFormationCandidate says whether a file may be a template worth parsing: a YAML or JSON
// file that mentions an AWS resource type. Other YAML (Kubernetes, workflows) is not parsed.
func cloudFormationCandidate(p string, src []byte) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json", ".template":
	default:
		return false
	}
	return bytes.Contains(src, []byte("AWS::"))
}

// errNotTemplate says a candidate file is YAML or JSON but not a CloudFormation template.
var errNotTemplate = errors.New("not a CloudFormation template")

// parseCloudFormation converts the templates of a file. A file that fails to parse is an error
// only when it says it is a template; other broken YAML is someone else's business.
func parseCloudFormation(p string, src []byte) ([]*Resource, error) {
	docs, err := yamldoc.Parse(src)
	if err != nil {
		if bytes.Contains(src, []byte("AWSTemplateFormatVersion")) || bytes.Contains(src, []byte("AWS::Serverless")) {
			return nil, fmt.Errorf("CloudFormation template: %w", err)
		}
		return nil, errNotTemplate
	}
	var out []*Resource
	found := false
	for _, d := range docs {
		if !isTemplate(d.Root) {
			continue
		}
		found = true
		rs, err := convertTemplate(p, d.Root)
		if err != nil {
			return out, err
		}
		out = append(out, rs...)
	}
	if !found {
		return nil, errNotTemplate
	}
	return out, nil
}

// isTemplate recognises a template by its format version, the SAM transform, or a Resources
// section whose entries have AWS types.
func isTemplate(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode {
		return false
	}
	if yamldoc.Value(root, "AWSTemplateFormatVersion") != nil {
		return true
	}
	transform := yamldoc.Value(root, "Transform")
	if s, ok := yamldoc.String(transform); ok && strings.HasPrefix(s, "AWS::Serverless") {
		return true
	}
	for _, t := range yamldoc.Items(transform) {
		if s, ok := yamldoc.String(t); ok && strings.HasPrefix(s, "AWS::Serverless") {
			return true
		}
	}
	for _, p := range yamldoc.Pairs(yamldoc.Value(root, "Resources")) {
		if s, ok := yamldoc.String(yamldoc.Value(p.Value, "Type")); ok && strings.HasPrefix(s, "AWS::") {
			return true
		}
	}
	return false
}

// convertTemplate maps a template's resources.
func convertTemplate(p string, root *yaml.Node) ([]*Resource, error) {
	t := &cfnTemplate{path: p, root: root, params: map[string]*cfnParam{}}
	for _, pair := range yamldoc.Pairs(yamldoc.Value(root, "Parameters")) {
		t.params[pair.Key.Value] = &cfnParam{def: yamldoc.Value(pair.Value, "Default")}
	}
	c := newYAMLConv(p)
	c.cfn = t
	if g := yamldoc.Path(root, "Globals", "Function"); g != nil {
		t.globals = c.value(g, 0)
	}
	var out []*Resource
	for _, pair := range yamldoc.Pairs(yamldoc.Value(root, "Resources")) {
		typ, _ := yamldoc.String(yamldoc.Value(pair.Value, "Type"))
		adapt, ok := cloudFormationAdapters[typ]
		if !ok {
			continue
		}
		pos := c.pos(pair.Key)
		props := newMap(pos)
		if n := yamldoc.Value(pair.Value, "Properties"); n != nil {
			if v := c.value(n, 0); v != nil {
				props = v
			}
		}
		if typ == "AWS::Serverless::Function" {
			props = withGlobals(props, t.globals)
		}
		if c.exhausted {
			return nil, fmt.Errorf("template expands to more than %d nodes (YAML aliases?); not analysed", maxYAMLNodes)
		}
		out = append(out, adapt(&cfnSource{typ: typ, name: pair.Key.Value, pos: pos, props: props})...)
	}
	return out, nil
}

// withGlobals fills properties a SAM function does not set from Globals.Function.
func withGlobals(props, globals *Value) *Value {
	if props.Kind != Map || globals == nil || globals.Kind != Map {
		return props
	}
	merged := newMap(props.Pos)
	for _, k := range props.Keys {
		merged.Set(k, props.Fields[k])
	}
	for _, k := range globals.Keys {
		if merged.Fields[k] == nil {
			merged.Set(k, globals.Fields[k])
		}
	}
	return merged
}

// intrinsic evaluates the few intrinsic functions whose value is known before deployment.
func (t *cfnTemplate) intrinsic(c *yamlConv, name string, arg *yaml.Node, pos Pos) *Value {
	switch name {
	case "Ref":
		target, ok := scalarText(arg)
		if !ok {
			break
		}
		if target == "AWS::NoValue" {
			return nil // removes the property
		}
		if p := t.params[target]; p != nil && p.def != nil && !p.resolving {
			if !p.done {
				p.resolving = true
				p.value = c.value(p.def, 0)
				p.resolving = false
				p.done = true
			}
			if p.value != nil {
				return repositioned(p.value, pos, "parameter "+target)
			}
		}
		return &Value{Kind: Unknown, Pos: pos, Ref: target}
	case "Sub":
		text, ok := scalarText(arg)
		if !ok && arg != nil && arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
			text, ok = scalarText(yamldoc.Resolve(arg.Content[0]))
		}
		if ok && !strings.Contains(text, "${") {
			return stringAt(pos, text, false)
		}
	}
	return unknownAt(pos)
}

// scalarText reads a scalar whatever its tag (a short-form function's argument carries the
// function's tag).
func scalarText(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}
