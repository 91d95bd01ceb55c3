package iac

// data "aws_iam_policy_document" blocks become the same JSON-shaped documents as jsonencode,
// heredocs and CloudFormation's PolicyDocument, so the IAM and S3 rules read one shape.

// document resolves data.aws_iam_policy_document.NAME, or nil when there is no such block.
func (m *tfModule) document(name string) *Value {
	d, ok := m.policyDoc[name]
	if !ok {
		return nil
	}
	if d.resolving {
		return unknownAt(m.blockPos(d.block.block))
	}
	if !d.done {
		d.resolving = true
		d.value = m.buildDocument(d.block)
		d.resolving = false
		d.done = true
	}
	return d.value
}

func (m *tfModule) buildDocument(b *tfBlock) *Value {
	pos := m.blockPos(b.block)
	body := m.body(b.block.Body, pos, 0)
	if body.Kind == Unknown {
		return body
	}
	doc := newMap(pos)
	stmts := newList(pos)
	items, _ := body.Field("statement").Items()
	for _, st := range items {
		if st.Kind != Map {
			stmts.Elems = append(stmts.Elems, unknownAt(st.Pos))
			continue
		}
		out := newMap(st.Pos)
		effect := st.Field("effect")
		if effect == nil {
			effect = stringAt(st.Pos, "Allow", false) // the data source's default
		}
		out.Set("Sid", st.Field("sid"))
		out.Set("Effect", effect)
		out.Set("Action", st.Field("actions"))
		out.Set("NotAction", st.Field("not_actions"))
		out.Set("Resource", st.Field("resources"))
		out.Set("NotResource", st.Field("not_resources"))
		out.Set("Principal", principalBlocks(st.Field("principals")))
		out.Set("NotPrincipal", principalBlocks(st.Field("not_principals")))
		out.Set("Condition", conditionBlocks(st.Field("condition")))
		stmts.Elems = append(stmts.Elems, out)
	}
	doc.Set("Statement", stmts)
	return doc
}

// principalBlocks turns `principals { type = "AWS" identifiers = ["*"] }` blocks into the JSON
// form {"AWS": ["*"]}, and type "*" into "*".
func principalBlocks(list *Value) *Value {
	if list == nil || list.Kind == Unknown {
		return list
	}
	items, _ := list.Items()
	out := newMap(list.Pos)
	for _, p := range items {
		typ, ok := p.Field("type").AsString()
		if !ok {
			return unknownAt(p.Pos)
		}
		ids := p.Field("identifiers")
		if typ == "*" {
			if ids == nil {
				ids = p
			}
			return stringAt(ids.Pos, "*", false)
		}
		if prev := out.Fields[typ]; prev != nil {
			// Two blocks of the same type: their identifiers add up.
			merged := newList(prev.Pos)
			a, _ := prev.Items()
			b, _ := ids.Items()
			merged.Elems = append(append(merged.Elems, a...), b...)
			ids = merged
		}
		out.Set(typ, ids)
	}
	return out
}

// conditionBlocks turns `condition { test = "StringEquals" variable = "aws:SourceVpce"
// values = [...] }` blocks into {"StringEquals": {"aws:SourceVpce": [...]}}.
func conditionBlocks(list *Value) *Value {
	if list == nil || list.Kind == Unknown {
		return list
	}
	items, _ := list.Items()
	if len(items) == 0 {
		return nil
	}
	out := newMap(list.Pos)
	for _, c := range items {
		test, ok1 := c.Field("test").AsString()
		variable, ok2 := c.Field("variable").AsString()
		if !ok1 || !ok2 {
			return unknownAt(c.Pos)
		}
		byVar := out.Fields[test]
		if byVar == nil {
			byVar = newMap(c.Pos)
			out.Set(test, byVar)
		}
		values := c.Field("values")
		if values == nil {
			values = unknownAt(c.Pos)
		}
		byVar.Set(variable, values)
	}
	return out
}
