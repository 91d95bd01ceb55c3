package iac

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// policyDocument normalises a policy attribute to the JSON-shaped document the rules read:
// structured values (jsonencode, CloudFormation maps, data "aws_iam_policy_document") pass
// through, and JSON text (heredocs, quoted strings, CloudFormation strings) is parsed with
// positions pointing into the text where it spans lines of the file.
func policyDocument(v *Value) *Value {
	if v == nil {
		return nil
	}
	switch {
	case v.Kind == Map:
		return v
	case v.Kind == String, v.Kind == Unknown && v.origin != nil:
		text := v.Str
		if v.origin != nil {
			text = v.origin.text
		}
		return parseEmbeddedJSON(v, text)
	}
	return unknownAt(v.Pos)
}

// parseEmbeddedJSON parses JSON (as YAML, which keeps positions) inside a string value.
func parseEmbeddedJSON(v *Value, text string) *Value {
	if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		return unknownAt(v.Pos)
	}
	// JSON allows tabs only as white space, YAML not as indentation; a space in their place keeps
	// every byte offset, so positions stay right.
	docs, err := yamldoc.Parse([]byte(strings.ReplaceAll(text, "\t", " ")))
	if err == nil && len(docs) == 1 {
		c := newYAMLConv(v.Pos.Path)
		c.embedded = v
		if doc := c.value(docs[0].Root, 0); doc != nil && !c.exhausted {
			return doc
		}
		return unknownAt(v.Pos)
	}
	// YAML is stricter than JSON in corners (duplicate keys, some tabs): fall back to plain
	// JSON, with every part at the string's position.
	var raw any
	if json.Unmarshal([]byte(text), &raw) != nil {
		return unknownAt(v.Pos)
	}
	return fromJSON(raw, v.Pos, 0)
}

func fromJSON(x any, pos Pos, depth int) *Value {
	if depth > maxNesting {
		return unknownAt(pos)
	}
	switch x := x.(type) {
	case nil:
		return nil
	case string:
		if strings.Contains(x, unknownMarker) {
			return unknownAt(pos)
		}
		return stringAt(pos, x, false)
	case bool:
		return &Value{Kind: Bool, Pos: pos, Bool: x}
	case float64:
		return &Value{Kind: Number, Pos: pos, Num: x, Str: strconv.FormatFloat(x, 'f', -1, 64)}
	case []any:
		out := newList(pos)
		for _, e := range x {
			if v := fromJSON(e, pos, depth+1); v != nil {
				out.Elems = append(out.Elems, v)
			}
		}
		return out
	case map[string]any:
		out := newMap(pos)
		for k, e := range x {
			out.Set(k, fromJSON(e, pos, depth+1))
		}
		return out
	}
	return unknownAt(pos)
}

// statement is one statement of a policy document.
type statement struct {
	node *Value
	// effect is the known Effect, "" when unknown.
	effect string
	// actions and resources are the elements of Action and Resource; known is false when the
	// list as a whole is unknown. Individual elements may still be unknown.
	actions, resources             []*Value
	actionsKnown, resourcesKnown   bool
	hasNotAction, hasNotResource   bool
	principal, condition, notPrinc *Value
}

// statements lists a document's statements that are maps; unknown ones are skipped.
func statements(doc *Value) []statement {
	if doc == nil || doc.Kind != Map {
		return nil
	}
	items, _ := doc.Field("Statement").Items()
	var out []statement
	for _, st := range items {
		if st.Kind != Map {
			continue
		}
		s := statement{node: st}
		if e, ok := st.Field("Effect").AsString(); ok {
			s.effect = e
		}
		s.actions, s.actionsKnown = st.Field("Action").Items()
		s.resources, s.resourcesKnown = st.Field("Resource").Items()
		s.hasNotAction = st.Field("NotAction") != nil
		s.hasNotResource = st.Field("NotResource") != nil
		s.principal = st.Field("Principal")
		s.notPrinc = st.Field("NotPrincipal")
		s.condition = st.Field("Condition")
		out = append(out, s)
	}
	return out
}

// allows reports a statement whose Effect is known to be Allow.
func (s *statement) allows() bool { return strings.EqualFold(s.effect, "Allow") }

// wildcardResource returns the element of Resource that stands for every resource ("*"), or
// for every resource of a type in every region and account ("arn:aws:lambda:*:*:function:*"),
// or nil.
func (s *statement) wildcardResource() *Value {
	for _, r := range s.resources {
		if str, ok := r.AsString(); ok && isWildcardResource(str) {
			return r
		}
	}
	return nil
}

// starResource returns the element of Resource that is exactly "*", or nil.
func (s *statement) starResource() *Value {
	for _, r := range s.resources {
		if str, ok := r.AsString(); ok && strings.TrimSpace(str) == "*" {
			return r
		}
	}
	return nil
}

// anyResourceOfType matches the resource part of an ARN that names every resource of a type:
// "*", "*/*", "function:*", "role/*", "table/*".
var anyResourceOfType = regexp.MustCompile(`^([A-Za-z-]+[:/])?\*([:/]\*)*$`)

// resourceTypes are the ARN resource-type words anyResourceOfType accepts as a prefix; an S3
// ARN has a bucket name there instead ("arn:aws:s3:::logs/*" is one bucket's objects).
var resourceTypes = map[string]bool{
	"function": true, "role": true, "user": true, "group": true, "policy": true, "table": true,
	"key": true, "secret": true, "parameter": true, "log-group": true, "stateMachine": true,
	"repository": true, "cluster": true, "instance": true, "db": true, "topic": true, "queue": true,
}

func isWildcardResource(arn string) bool {
	arn = strings.TrimSpace(arn)
	if arn == "*" {
		return true
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return false
	}
	region, account, rest := parts[3], parts[4], parts[5]
	if (region != "*" && region != "") || (account != "*" && account != "") {
		return false // one account's resources: scoped, even with a wildcard name
	}
	m := anyResourceOfType.FindStringSubmatch(rest)
	if m == nil {
		return false
	}
	return m[1] == "" || resourceTypes[strings.TrimRight(m[1], ":/")]
}

// isFullWildcardAction reports "*" and "*:*", which grant every action of every service.
func isFullWildcardAction(action string) bool {
	a := strings.TrimSpace(action)
	return a == "*" || a == "*:*"
}

// isServiceWildcardAction reports "s3:*": every action of one service.
func isServiceWildcardAction(action string) bool {
	svc, verb, ok := strings.Cut(strings.TrimSpace(action), ":")
	return ok && svc != "" && svc != "*" && verb == "*"
}

// isPublicPrincipal reports Principal "*", {"AWS": "*"} or {"AWS": ["…", "*"]}: anyone,
// authenticated or not.
func isPublicPrincipal(p *Value) (*Value, bool) {
	if p == nil {
		return nil, false
	}
	if s, ok := p.AsString(); ok {
		return p, strings.TrimSpace(s) == "*"
	}
	items, known := p.Field("AWS").Items()
	if !known {
		return nil, false
	}
	for _, it := range items {
		if s, ok := it.AsString(); ok && strings.TrimSpace(s) == "*" {
			return it, true
		}
	}
	return nil, false
}
