package iac

import (
	"math"
	"strconv"
	"strings"
)

// Kind says what a Value holds.
type Kind uint8

const (
	// Unknown is a value the scanner cannot know before deployment: a reference to another
	// resource's attribute, a function it does not evaluate, an intrinsic function such as !GetAtt,
	// a variable without a default. Rules never report on an unknown value.
	Unknown Kind = iota
	String
	Bool
	Number
	List
	Map
)

func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Bool:
		return "bool"
	case Number:
		return "number"
	case List:
		return "list"
	case Map:
		return "map"
	default:
		return "unknown"
	}
}

// Pos is a span of a source file. Lines and columns are 1-based; columns count bytes.
type Pos struct {
	Path      string
	Line      int
	Column    int
	EndLine   int
	EndColumn int
}

// Value is an attribute value of the normalised resource model, the same for Terraform and
// CloudFormation. Absent attributes are nil Values: a nil is not unknown, it means "the default".
type Value struct {
	Kind Kind
	// Pos is where the value is written, or where it is used when it came through a variable.
	Pos Pos
	// Str is the text of a String, and the literal text of a Number.
	Str string
	// Bool is the value of a Bool.
	Bool bool
	// Num is the value of a Number.
	Num float64
	// Elems are the elements of a List.
	Elems []*Value
	// Keys are a Map's keys in source order, so that findings come out in a stable order.
	Keys   []string
	Fields map[string]*Value
	// Literal says the value is written literally at Pos, so a fix may rewrite exactly that span.
	Literal bool
	// Via names the variable or parameter the value came from ("var.acl"), for messages.
	Via string
	// Ref names the resource an Unknown value refers to ("aws_s3_bucket.logs"), so that the
	// front ends can link split-out settings to their bucket.
	Ref string
	// origin, when set, maps offsets inside Str to file positions: JSON policies inside heredocs
	// are reported on their own lines. For an Unknown value it carries the template text with
	// unknownMarker in place of each interpolation it could not evaluate.
	origin *textOrigin
}

// textOrigin locates text embedded in a file: a heredoc, a quoted string or a YAML scalar.
type textOrigin struct {
	text string
	// multiline says that line i (0-based) of text is on file line firstLine+i, with indent
	// bytes stripped from its start; otherwise every position maps to the value's own Pos.
	multiline bool
	firstLine int
	indent    int
}

// unknownMarker stands for an interpolation that could not be evaluated inside template text.
// It is a plain YAML scalar, so `"Resource": "${aws_s3_bucket.b.arn}/*"` and even an unquoted
// `${jsonencode(var.x)}` still parse; strings containing it are unknown.
const unknownMarker = "__fourc_unknown__"

// unknownAt makes an Unknown value at pos.
func unknownAt(pos Pos) *Value { return &Value{Kind: Unknown, Pos: pos} }

// stringAt makes a String value at pos.
func stringAt(pos Pos, s string, literal bool) *Value {
	return &Value{Kind: String, Pos: pos, Str: s, Literal: literal}
}

// newMap makes an empty Map value at pos.
func newMap(pos Pos) *Value {
	return &Value{Kind: Map, Pos: pos, Fields: map[string]*Value{}}
}

// newList makes a List value at pos.
func newList(pos Pos, elems ...*Value) *Value {
	return &Value{Kind: List, Pos: pos, Elems: elems}
}

// Set adds or replaces a map entry; a nil value (an absent attribute) is not stored.
func (v *Value) Set(key string, val *Value) {
	if v == nil || v.Kind != Map || val == nil {
		return
	}
	if _, ok := v.Fields[key]; !ok {
		v.Keys = append(v.Keys, key)
	}
	v.Fields[key] = val
}

// Known reports a present value that is not Unknown.
func (v *Value) Known() bool { return v != nil && v.Kind != Unknown }

// IsUnknown reports a present value that cannot be known statically.
func (v *Value) IsUnknown() bool { return v != nil && v.Kind == Unknown }

// Field returns a map entry. An Unknown value's fields are unknown too (so that a rule looking
// for an absent setting stays silent), and anything else has no fields (nil, absent).
func (v *Value) Field(name string) *Value {
	switch {
	case v == nil:
		return nil
	case v.Kind == Unknown:
		return v
	case v.Kind == Map:
		return v.Fields[name]
	default:
		return nil
	}
}

// Dig follows a chain of map keys; a List on the way stands for its first element, as
// Terraform's single nested blocks (`vpc_config { … }`) are lists of one.
func (v *Value) Dig(names ...string) *Value {
	for _, n := range names {
		v = v.First().Field(n)
	}
	return v
}

// First is a List's first element, or v itself for anything else.
func (v *Value) First() *Value {
	if v != nil && v.Kind == List {
		if len(v.Elems) == 0 {
			return nil
		}
		return v.Elems[0]
	}
	return v
}

// Items lists the elements of a list attribute. A single value stands for a one-element list,
// as in IAM's `"Action": "s3:*"`; an absent value is an empty list. known is false when the
// list itself is unknown (its individual elements may still be unknown when known is true).
func (v *Value) Items() (items []*Value, known bool) {
	switch {
	case v == nil:
		return nil, true
	case v.Kind == Unknown:
		return nil, false
	case v.Kind == List:
		return v.Elems, true
	default:
		return []*Value{v}, true
	}
}

// AsString returns the text of a known scalar: strings, numbers and booleans all convert, as
// Terraform converts `from_port = "22"` and CloudFormation `FromPort: "22"`.
func (v *Value) AsString() (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Kind {
	case String, Number:
		return v.Str, true
	case Bool:
		return strconv.FormatBool(v.Bool), true
	}
	return "", false
}

// AsBool reads a known boolean, accepting the strings "true" and "false" in any case.
func (v *Value) AsBool() (value, ok bool) {
	if v == nil {
		return false, false
	}
	switch v.Kind {
	case Bool:
		return v.Bool, true
	case String:
		switch strings.ToLower(strings.TrimSpace(v.Str)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// AsInt reads a known integer, from a number or a numeric string.
func (v *Value) AsInt() (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Kind {
	case Number:
		if v.Num != math.Trunc(v.Num) || math.IsInf(v.Num, 0) || math.Abs(v.Num) > 1<<53 {
			return 0, false
		}
		return int64(v.Num), true
	case String:
		n, err := strconv.ParseInt(strings.TrimSpace(v.Str), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// IsTrue reports a known true.
func (v *Value) IsTrue() bool {
	b, ok := v.AsBool()
	return ok && b
}

// IsFalse reports a known false.
func (v *Value) IsFalse() bool {
	b, ok := v.AsBool()
	return ok && !b
}

// StringIs reports a known scalar equal to one of the choices, ignoring case.
func (v *Value) StringIs(choices ...string) bool {
	s, ok := v.AsString()
	if !ok {
		return false
	}
	for _, c := range choices {
		if strings.EqualFold(strings.TrimSpace(s), c) {
			return true
		}
	}
	return false
}

// at returns a shallow copy of v moved to pos, for a value used through a variable: the finding
// belongs where the value is used, and the copy is no longer a literal a fix could rewrite.
func (v *Value) at(pos Pos, via string) *Value {
	if v == nil {
		return nil
	}
	c := *v
	c.Pos = pos
	c.Literal = false
	if via != "" {
		c.Via = via
	}
	return &c
}

// renamed copies the listed fields of a map under new names: pairs are (normalised, source).
// An Unknown map stays unknown; an absent one stays absent.
func renamed(src *Value, pairs ...string) *Value {
	if src == nil || src.Kind == Unknown {
		return src
	}
	out := newMap(src.Pos)
	for i := 0; i+1 < len(pairs); i += 2 {
		out.Set(pairs[i], src.Field(pairs[i+1]))
	}
	return out
}

// mapItems applies fn to each element of a list attribute. Unknown elements are kept as they
// are, so a rule sees that something it cannot read is there.
func mapItems(list *Value, fn func(*Value) *Value) *Value {
	if list == nil || list.Kind == Unknown {
		return list
	}
	items, _ := list.Items()
	out := newList(list.Pos)
	for _, it := range items {
		if it.Kind == Unknown {
			out.Elems = append(out.Elems, it)
			continue
		}
		if m := fn(it); m != nil {
			out.Elems = append(out.Elems, m)
		}
	}
	return out
}

// describe is how a message names a value.
func describe(v *Value) string {
	s, ok := v.AsString()
	if !ok {
		s = v.Kind.String()
	}
	return strconv.Quote(s)
}
