package iac

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The Terraform front end reads the .tf files of one directory (Terraform's module) with
// hclsyntax, resolves what can be known without a plan — variable defaults, locals,
// jsonencode, data "aws_iam_policy_document" — and maps the AWS resources onto the normalised
// model. Everything else is Unknown, and unknown values never produce findings.

// tfFile is one parsed .tf file.
type tfFile struct {
	path       string
	src        []byte
	body       *hclsyntax.Body
	lineStarts []int // byte offset of each line, for byte columns (hcl counts characters)
}

// tfBlock is a resource or data block.
type tfBlock struct {
	block *hclsyntax.Block
	typ   string
	name  string
}

// tfModule is the .tf files of one directory.
type tfModule struct {
	files     map[string]*tfFile
	variables map[string]*tfVariable
	locals    map[string]*tfLocal
	resources []*tfBlock
	policyDoc map[string]*tfDocument // data "aws_iam_policy_document" by name
}

type tfVariable struct {
	def   hclsyntax.Expression // the default, nil when there is none
	value *Value               // resolved lazily; an override from an auto-loaded .tfvars file wins
	// overridden says that a .tfvars file that Terraform does not load by itself sets the
	// variable: its value depends on how Terraform is run, so it is unknown.
	overridden bool
	done       bool
}

type tfLocal struct {
	expr      hclsyntax.Expression
	value     *Value
	resolving bool
	done      bool
}

type tfDocument struct {
	block     *tfBlock
	value     *Value
	resolving bool
	done      bool
}

// parseTerraformFile parses one .tf file, refusing what hclsyntax should not be given.
func parseTerraformFile(p string, src []byte) (*tfFile, error) {
	if err := checkText(src); err != nil {
		return nil, err
	}
	if depth := bracketDepth(src); depth > maxNesting {
		return nil, fmt.Errorf("brackets nest %d levels deep (limit %d); not analysed", depth, maxNesting)
	}
	f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, hclError(diags)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("unexpected HCL body type %T", f.Body)
	}
	return &tfFile{path: p, src: src, body: body, lineStarts: lineStarts(src)}, nil
}

// lineError carries the line a parser stopped at, for the diagnostic.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return e.msg }

func hclError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := "not valid HCL: " + d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return &lineError{line: d.Subject.Start.Line, msg: msg}
		}
		return &lineError{msg: msg}
	}
	return &lineError{msg: "not valid HCL"}
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// newTerraformModule collects the declarations of a directory's files. tfvars holds the
// parsed .tfvars files of the same directory, by base name.
func newTerraformModule(files []*tfFile, tfvars map[string]*tfFile) *tfModule {
	m := &tfModule{
		files:     map[string]*tfFile{},
		variables: map[string]*tfVariable{},
		locals:    map[string]*tfLocal{},
		policyDoc: map[string]*tfDocument{},
	}
	for _, f := range files {
		m.files[f.path] = f
		for _, b := range f.body.Blocks {
			switch {
			case b.Type == "variable" && len(b.Labels) == 1:
				v := &tfVariable{}
				if a, ok := b.Body.Attributes["default"]; ok {
					v.def = a.Expr
				}
				m.variables[b.Labels[0]] = v
			case b.Type == "locals":
				for name, a := range b.Body.Attributes {
					m.locals[name] = &tfLocal{expr: a.Expr}
				}
			case b.Type == "resource" && len(b.Labels) == 2:
				m.resources = append(m.resources, &tfBlock{block: b, typ: b.Labels[0], name: b.Labels[1]})
			case b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_policy_document":
				m.policyDoc[b.Labels[1]] = &tfDocument{block: &tfBlock{block: b, typ: b.Labels[0], name: b.Labels[1]}}
			}
		}
	}
	m.applyTFVars(tfvars)
	return m
}

// applyTFVars lets terraform.tfvars and *.auto.tfvars (which Terraform always loads) set
// variables, and makes variables set in any other .tfvars file unknown.
func (m *tfModule) applyTFVars(tfvars map[string]*tfFile) {
	names := make([]string, 0, len(tfvars))
	for n := range tfvars {
		names = append(names, n)
	}
	sort.Strings(names) // Terraform loads *.auto.tfvars in lexical order; later files win
	for _, n := range names {
		f := tfvars[n]
		auto := n == "terraform.tfvars" || strings.HasSuffix(n, ".auto.tfvars")
		m.files[f.path] = f
		for name, a := range f.body.Attributes {
			v, ok := m.variables[name]
			if !ok {
				continue
			}
			if auto {
				v.def = a.Expr
			} else {
				v.overridden = true
			}
		}
	}
}

// attribute evaluates an attribute of another resource of the module, by address
// ("aws_lb.web"); found is false when there is no such resource.
func (m *tfModule) attribute(address, name string) (v *Value, found bool) {
	for _, b := range m.resources {
		if b.typ+"."+b.name != address {
			continue
		}
		a, ok := b.block.Body.Attributes[name]
		if !ok {
			return nil, true
		}
		return m.value(a.Expr, 0), true
	}
	return nil, false
}

// variable resolves var.NAME.
func (m *tfModule) variable(name string, use Pos) *Value {
	v, ok := m.variables[name]
	if !ok || v.overridden || v.def == nil {
		return unknownAt(use)
	}
	if !v.done {
		v.done = true
		// Defaults cannot refer to anything, so a variable's value never depends on another.
		v.value = m.value(v.def, 0)
	}
	if v.value == nil {
		return nil
	}
	return repositioned(v.value, use, "var."+name)
}

// local resolves local.NAME, guarding against cycles.
func (m *tfModule) local(name string, use Pos) *Value {
	l, ok := m.locals[name]
	if !ok || l.resolving {
		return unknownAt(use)
	}
	if !l.done {
		l.resolving = true
		l.value = m.value(l.expr, 0)
		l.resolving = false
		l.done = true
	}
	if l.value == nil {
		return nil
	}
	// A structured local (a policy document) keeps the positions of its parts, which are
	// written in the locals block; only the value as a whole moves to where it is used.
	return l.value.at(use, "local."+name)
}

// repositioned moves a value and everything in it to use: a variable's default is
// configuration, and the finding belongs on the resource that uses it. Only the first
// maxRepositioned parts are copied, so a huge default used many times stays cheap; the rest keep
// their positions in the default.
func repositioned(v *Value, use Pos, via string) *Value {
	budget := maxRepositioned
	var walk func(v *Value, depth int) *Value
	walk = func(v *Value, depth int) *Value {
		if v == nil {
			return nil
		}
		c := v.at(use, via)
		if budget--; budget < 0 || depth > maxNesting {
			return c
		}
		if len(v.Elems) > 0 {
			c.Elems = make([]*Value, len(v.Elems))
			for i, e := range v.Elems {
				c.Elems[i] = walk(e, depth+1)
			}
		}
		if v.Fields != nil {
			c.Fields = make(map[string]*Value, len(v.Fields))
			for k, f := range v.Fields {
				c.Fields[k] = walk(f, depth+1)
			}
		}
		return c
	}
	return walk(v, 0)
}

// pos converts an hcl.Range to a Pos with byte columns.
func (m *tfModule) pos(r hcl.Range) Pos {
	f := m.files[r.Filename]
	return Pos{
		Path:      r.Filename,
		Line:      r.Start.Line,
		Column:    byteColumn(f, r.Start),
		EndLine:   r.End.Line,
		EndColumn: byteColumn(f, r.End),
	}
}

func byteColumn(f *tfFile, p hcl.Pos) int {
	if f == nil || p.Line < 1 || p.Line > len(f.lineStarts) || p.Byte < f.lineStarts[p.Line-1] {
		return p.Column
	}
	return p.Byte - f.lineStarts[p.Line-1] + 1
}

// blockPos is the position of a block's header (`resource "aws_s3_bucket" "b"`).
func (m *tfModule) blockPos(b *hclsyntax.Block) Pos { return m.pos(b.DefRange()) }

// body converts a block body: attributes by name, nested blocks as lists of maps under their
// type, and `dynamic "x"` blocks as an unknown element of the list x.
func (m *tfModule) body(b *hclsyntax.Body, pos Pos, depth int) *Value {
	out := newMap(pos)
	if depth > maxNesting {
		return unknownAt(pos)
	}
	attrs := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		attrs = append(attrs, a)
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
	for _, a := range attrs {
		out.Set(a.Name, m.value(a.Expr, depth+1))
	}
	for _, blk := range b.Blocks {
		name := blk.Type
		var elem *Value
		if blk.Type == "dynamic" && len(blk.Labels) == 1 {
			name = blk.Labels[0]
			elem = unknownAt(m.blockPos(blk))
		} else {
			elem = m.body(blk.Body, m.blockPos(blk), depth+1)
		}
		list := out.Fields[name]
		if list == nil || list.Kind != List {
			// An attribute of the same name (`ingress = [...]`) and blocks never mix in valid
			// Terraform; the blocks win.
			list = newList(elem.Pos)
			out.Set(name, list)
		}
		list.Elems = append(list.Elems, elem)
	}
	return out
}

// resourcesNormalised converts the module's resources into the normalised model.
func (m *tfModule) resourcesNormalised() []*Resource {
	var out []*Resource
	for _, b := range m.resources {
		adapt, ok := terraformAdapters[b.typ]
		if !ok {
			continue
		}
		pos := m.blockPos(b.block)
		attrs := m.body(b.block.Body, pos, 0)
		if count := attrs.Field("count"); count != nil {
			if n, ok := count.AsInt(); ok && n == 0 {
				continue // never created
			}
		}
		src := &tfSource{module: m, typ: b.typ, address: b.typ + "." + b.name, pos: pos, attrs: attrs}
		out = append(out, adapt(src)...)
	}
	return linkTerraform(m, out)
}

// terraformFileKind says how the Terraform front end treats a path.
func terraformFileKind(p string) (tf, tfvars bool) {
	base := path.Base(p)
	switch {
	case strings.HasSuffix(base, ".tf"):
		return true, false
	case strings.HasSuffix(base, ".tfvars"):
		return false, true
	}
	return false, false
}

// bracketDepth is the deepest nesting of {, [ and ( in src, counted without parsing (brackets
// inside strings and comments count too, which only overestimates). hclsyntax recurses once per
// level and slows down quadratically on deep lists, so files nested absurdly deep are refused
// before parsing.
func bracketDepth(src []byte) int {
	depth, deepest := 0, 0
	for _, c := range src {
		switch c {
		case '{', '[', '(':
			depth++
			if depth > deepest {
				deepest = depth
			}
		case '}', ']', ')':
			if depth > 0 {
				depth--
			}
		}
	}
	return deepest
}

// checkText refuses binary files: a NUL byte or invalid UTF-8 in the first part of the file.
func checkText(src []byte) error {
	head := src[:min(len(src), 8000)]
	if bytes.IndexByte(head, 0) >= 0 {
		return fmt.Errorf("binary file (NUL byte); not analysed")
	}
	if !validUTF8Prefix(head) {
		return fmt.Errorf("not UTF-8 text; not analysed")
	}
	return nil
}
