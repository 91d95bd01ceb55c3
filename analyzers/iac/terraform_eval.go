package iac

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// terraformFunctions are the functions the evaluator may call: pure ones whose output grows at
// most linearly with their input. range, format, join and setproduct are left out on purpose,
// as a few bytes of source could make them allocate gigabytes; calls to anything else
// (including provider-dependent functions like file or templatefile) are unknown.
var terraformFunctions = map[string]function.Function{
	"jsonencode": stdlib.JSONEncodeFunc,
	"concat":     stdlib.ConcatFunc,
	"merge":      stdlib.MergeFunc,
	"flatten":    stdlib.FlattenFunc,
	"lower":      stdlib.LowerFunc,
	"upper":      stdlib.UpperFunc,
	"coalesce":   stdlib.CoalesceFunc,
	"lookup":     stdlib.LookupFunc,
	"compact":    stdlib.CompactFunc,
	"distinct":   stdlib.DistinctFunc,
	"contains":   stdlib.ContainsFunc,
	"length":     stdlib.LengthFunc,
	"element":    stdlib.ElementFunc,
	"trimspace":  stdlib.TrimSpaceFunc,
}

// value converts an expression to a Value, keeping the position of every part that is written
// out (object and tuple constructors, templates, jsonencode's argument) and evaluating the rest
// with hcl over known variables and locals. nil means null: the attribute takes its default.
func (m *tfModule) value(e hclsyntax.Expression, depth int) *Value {
	pos := m.pos(e.Range())
	if depth > maxNesting {
		return unknownAt(pos)
	}
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		v := fromCty(e.Val, pos, depth)
		if v != nil {
			v.Literal = true
		}
		return v
	case *hclsyntax.TemplateExpr:
		return m.template(e, depth)
	case *hclsyntax.TemplateWrapExpr:
		return m.value(e.Wrapped, depth+1)
	case *hclsyntax.ParenthesesExpr:
		return m.value(e.Expression, depth+1)
	case *hclsyntax.ScopeTraversalExpr:
		return m.traversal(e.Traversal, pos)
	case *hclsyntax.TupleConsExpr:
		out := newList(pos)
		for _, x := range e.Exprs {
			if v := m.value(x, depth+1); v != nil {
				out.Elems = append(out.Elems, v)
			}
		}
		return out
	case *hclsyntax.ObjectConsExpr:
		out := newMap(pos)
		for _, item := range e.Items {
			key, ok := m.objectKey(item.KeyExpr, depth)
			if !ok {
				return unknownAt(pos) // a computed key could be any key
			}
			out.Set(key, m.value(item.ValueExpr, depth+1))
		}
		return out
	case *hclsyntax.FunctionCallExpr:
		// jsonencode({...}) keeps its argument's structure and positions: a policy written
		// this way is reported on the line of its "Action".
		if e.Name == "jsonencode" && len(e.Args) == 1 && !e.ExpandFinal {
			return m.value(e.Args[0], depth+1)
		}
	case *hclsyntax.ConditionalExpr:
		cond := m.value(e.Condition, depth+1)
		if b, ok := cond.AsBool(); ok {
			if b {
				return m.value(e.TrueResult, depth+1)
			}
			return m.value(e.FalseResult, depth+1)
		}
		return unknownAt(pos)
	}
	return m.evaluate(e, pos)
}

// objectKey reads an object constructor key: a bare name or a known string.
func (m *tfModule) objectKey(k hclsyntax.Expression, depth int) (string, bool) {
	if ck, ok := k.(*hclsyntax.ObjectConsKeyExpr); ok {
		if !ck.ForceNonLiteral {
			if name := hcl.ExprAsKeyword(ck.Wrapped); name != "" {
				return name, true
			}
		}
		k = ck.Wrapped
	}
	v := m.value(k, depth+1)
	if v == nil || v.Kind == List || v.Kind == Map {
		return "", false
	}
	return v.AsString()
}

// template renders a string template. Interpolations that cannot be evaluated become
// unknownMarker in the text kept for embedded JSON, and make the string itself unknown.
func (m *tfModule) template(e *hclsyntax.TemplateExpr, depth int) *Value {
	pos := m.pos(e.SrcRange)
	var sb strings.Builder
	known, literal := true, true
	for _, part := range e.Parts {
		if sb.Len() > maxTemplateBytes {
			return unknownAt(pos)
		}
		if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			sb.WriteString(lit.Val.AsString())
			continue
		}
		literal = false
		v := m.value(part, depth+1)
		if s, ok := v.AsString(); ok {
			sb.WriteString(s)
			continue
		}
		known = false
		sb.WriteString(unknownMarker)
	}
	if sb.Len() > maxTemplateBytes {
		return unknownAt(pos)
	}
	text := sb.String()
	origin := m.heredocOrigin(e, text)
	if !known {
		return &Value{Kind: Unknown, Pos: pos, origin: origin}
	}
	v := stringAt(pos, text, literal)
	v.origin = origin
	return v
}

// heredocOrigin locates a template's text in its file. Heredoc lines map one to one onto file
// lines after the opening marker; `<<-` heredocs lose their common indentation.
func (m *tfModule) heredocOrigin(e *hclsyntax.TemplateExpr, text string) *textOrigin {
	o := &textOrigin{text: text}
	f := m.files[e.SrcRange.Filename]
	start, end := e.SrcRange.Start.Byte, e.SrcRange.End.Byte
	if f == nil || start < 0 || end > len(f.src) || start >= end || !bytes.HasPrefix(f.src[start:end], []byte("<<")) {
		return o
	}
	raw := f.src[start:end]
	nl := bytes.IndexByte(raw, '\n')
	if nl < 0 {
		return o
	}
	o.multiline = true
	o.firstLine = e.SrcRange.Start.Line + 1
	if bytes.HasPrefix(raw, []byte("<<-")) {
		body := raw[nl+1:]
		if last := bytes.LastIndexByte(body, '\n'); last >= 0 {
			body = body[:last] // the closing marker's line does not count
		}
		o.indent = minIndent(body)
	}
	return o
}

// minIndent is the smallest leading white space of the non-blank lines, as HCL strips it.
func minIndent(body []byte) int {
	least := -1
	for _, line := range bytes.Split(body, []byte("\n")) {
		trimmed := bytes.TrimLeft(line, " \t")
		if len(bytes.TrimSpace(trimmed)) == 0 {
			continue
		}
		if n := len(line) - len(trimmed); least < 0 || n < least {
			least = n
		}
	}
	return max(least, 0)
}

// traversal resolves var.x, local.y and data "aws_iam_policy_document" references, following
// further steps into the value (var.tags["Name"]). Anything else is unknown, remembering which
// resource it refers to.
func (m *tfModule) traversal(t hcl.Traversal, pos Pos) *Value {
	if len(t) < 2 {
		return unknownAt(pos)
	}
	second, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return unknownAt(pos)
	}
	var v *Value
	rest := t[2:]
	switch t.RootName() {
	case "var":
		v = m.variable(second.Name, pos)
	case "local":
		v = m.local(second.Name, pos)
	case "data":
		if len(t) >= 4 && second.Name == "aws_iam_policy_document" {
			name, ok1 := t[2].(hcl.TraverseAttr)
			attr, ok2 := t[3].(hcl.TraverseAttr)
			if ok1 && ok2 && (attr.Name == "json" || attr.Name == "minified_json") && len(t) == 4 {
				if d := m.document(name.Name); d != nil {
					return d.at(pos, "data.aws_iam_policy_document."+name.Name)
				}
			}
		}
		return &Value{Kind: Unknown, Pos: pos, Ref: "data." + second.Name}
	default:
		return &Value{Kind: Unknown, Pos: pos, Ref: t.RootName() + "." + second.Name}
	}
	for _, step := range rest {
		if v == nil || v.Kind == Unknown {
			return v
		}
		switch s := step.(type) {
		case hcl.TraverseAttr:
			v = v.Field(s.Name)
		case hcl.TraverseIndex:
			v = index(v, s.Key)
		default:
			return unknownAt(pos)
		}
		if v == nil {
			return unknownAt(pos) // an error in Terraform; nothing to report on
		}
	}
	return v
}

// index applies a [key] step.
func index(v *Value, key cty.Value) *Value {
	if !key.IsKnown() || key.IsNull() {
		return unknownAt(v.Pos)
	}
	switch {
	case key.Type() == cty.String:
		return v.Field(key.AsString())
	case key.Type() == cty.Number && v.Kind == List:
		i, acc := key.AsBigFloat().Int64()
		if acc != 0 || i < 0 || i >= int64(len(v.Elems)) {
			return nil
		}
		return v.Elems[i]
	}
	return nil
}

// evaluate hands an expression to hcl with an EvalContext holding only the variables and
// locals it refers to (unknown ones as cty.DynamicVal) and the safe functions. Errors and
// unknown results are Unknown.
func (m *tfModule) evaluate(e hclsyntax.Expression, pos Pos) *Value {
	multiplies := false
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n.(type) {
		case *hclsyntax.ForExpr, *hclsyntax.SplatExpr:
			// Their results repeat their inputs; rarely known anyway, so never built.
			multiplies = true
		}
		return nil
	})
	if multiplies {
		return unknownAt(pos)
	}
	budget := evalBudget{nodes: maxEvalNodes, bytes: maxEvalBytes}
	vars, locals := map[string]cty.Value{}, map[string]cty.Value{}
	for _, t := range e.Variables() {
		if len(t) < 2 {
			continue
		}
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		var v *Value
		var into map[string]cty.Value
		switch t.RootName() {
		case "var":
			v, into = m.variable(attr.Name, pos), vars
		case "local":
			v, into = m.local(attr.Name, pos), locals
		default:
			continue
		}
		val := toCty(v, &budget, 0)
		if budget.nodes < 0 || budget.bytes < 0 {
			return unknownAt(pos)
		}
		into[attr.Name] = val
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars), "local": cty.ObjectVal(locals)},
		Functions: terraformFunctions,
	}
	val, diags := e.Value(ctx)
	if diags.HasErrors() || !val.IsWhollyKnown() {
		return &Value{Kind: Unknown, Pos: pos, Ref: resourceRef(e)}
	}
	return fromCty(val, pos, 0)
}

// resourceRef names the one resource an expression refers to (aws_s3_bucket.b in
// aws_s3_bucket.b[count.index].id), ignoring count, each and friends; "" when there are several.
func resourceRef(e hclsyntax.Expression) string {
	ref := ""
	for _, t := range e.Variables() {
		switch root := t.RootName(); root {
		case "count", "each", "self", "path", "terraform", "var", "local":
			continue
		default:
			if len(t) < 2 {
				return ""
			}
			name, ok := t[1].(hcl.TraverseAttr)
			if !ok {
				return ""
			}
			r := root + "." + name.Name
			if ref != "" && ref != r {
				return ""
			}
			ref = r
		}
	}
	return ref
}

type evalBudget struct{ nodes, bytes int }

// toCty converts a Value for the evaluator; unknown parts become cty.DynamicVal.
func toCty(v *Value, b *evalBudget, depth int) cty.Value {
	b.nodes--
	if v == nil {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	if b.nodes < 0 || depth > maxNesting {
		return cty.DynamicVal
	}
	switch v.Kind {
	case String:
		b.bytes -= len(v.Str)
		return cty.StringVal(v.Str)
	case Bool:
		return cty.BoolVal(v.Bool)
	case Number:
		return cty.NumberFloatVal(v.Num)
	case List:
		if len(v.Elems) == 0 {
			return cty.EmptyTupleVal
		}
		elems := make([]cty.Value, len(v.Elems))
		for i, e := range v.Elems {
			elems[i] = toCty(e, b, depth+1)
		}
		return cty.TupleVal(elems)
	case Map:
		attrs := make(map[string]cty.Value, len(v.Fields))
		for k, f := range v.Fields {
			b.bytes -= len(k)
			attrs[k] = toCty(f, b, depth+1)
		}
		return cty.ObjectVal(attrs)
	}
	return cty.DynamicVal
}

// fromCty converts an evaluated value; every part gets the expression's position.
func fromCty(val cty.Value, pos Pos, depth int) *Value {
	val, _ = val.Unmark()
	if val.IsNull() {
		return nil
	}
	if !val.IsKnown() || depth > maxNesting {
		return unknownAt(pos)
	}
	ty := val.Type()
	switch {
	case ty == cty.String:
		return stringAt(pos, val.AsString(), false)
	case ty == cty.Bool:
		return &Value{Kind: Bool, Pos: pos, Bool: val.True()}
	case ty == cty.Number:
		f, _ := val.AsBigFloat().Float64()
		return &Value{Kind: Number, Pos: pos, Num: f, Str: val.AsBigFloat().Text('f', -1)}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := newList(pos)
		for it := val.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if v := fromCty(e, pos, depth+1); v != nil {
				out.Elems = append(out.Elems, v)
			}
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := newMap(pos)
		for it := val.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if k.Type() == cty.String {
				out.Set(k.AsString(), fromCty(e, pos, depth+1))
			}
		}
		return out
	}
	return unknownAt(pos)
}
