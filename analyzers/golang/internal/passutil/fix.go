package passutil

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// ReplaceFix replaces the source of node with text.
func ReplaceFix(message string, node ast.Node, text string) analysis.SuggestedFix {
	return analysis.SuggestedFix{
		Message:   message,
		TextEdits: []analysis.TextEdit{{Pos: node.Pos(), End: node.End(), NewText: []byte(text)}},
	}
}

// AddFieldsFix inserts keyed fields (each "Name: value") at the start of a struct literal,
// following its layout: on one line when the literal is on one line, one per line otherwise.
func AddFieldsFix(pass *analysis.Pass, message string, lit *ast.CompositeLit, fields ...string) (analysis.SuggestedFix, bool) {
	if lit == nil || len(fields) == 0 || !lit.Lbrace.IsValid() || !lit.Rbrace.IsValid() {
		return analysis.SuggestedFix{}, false
	}
	tf := pass.Fset.File(lit.Lbrace)
	if tf == nil {
		return analysis.SuggestedFix{}, false
	}
	var edit analysis.TextEdit
	switch {
	case len(lit.Elts) == 0:
		edit = analysis.TextEdit{Pos: lit.Rbrace, End: lit.Rbrace, NewText: []byte(strings.Join(fields, ", "))}
	case tf.Line(lit.Elts[0].Pos()) == tf.Line(lit.Lbrace):
		edit = analysis.TextEdit{Pos: lit.Elts[0].Pos(), End: lit.Elts[0].Pos(), NewText: []byte(strings.Join(fields, ", ") + ", ")}
	default:
		indent := indentBefore(pass, tf, lit.Elts[0].Pos())
		var b strings.Builder
		for _, f := range fields {
			b.WriteString(f + ",\n" + indent)
		}
		edit = analysis.TextEdit{Pos: lit.Elts[0].Pos(), End: lit.Elts[0].Pos(), NewText: []byte(b.String())}
	}
	return analysis.SuggestedFix{Message: message, TextEdits: []analysis.TextEdit{edit}}, true
}

// indentBefore returns the white space between the start of pos's line and pos, or tabs matching
// the column when the file cannot be read (gofmt indents with tabs).
func indentBefore(pass *analysis.Pass, tf *token.File, pos token.Pos) string {
	col := tf.Position(pos).Column
	if col < 1 {
		return ""
	}
	if pass.ReadFile != nil {
		if src, err := pass.ReadFile(tf.Name()); err == nil {
			off := tf.Offset(pos)
			start := off - (col - 1)
			if start >= 0 && off <= len(src) {
				prefix := string(src[start:off])
				if strings.TrimLeft(prefix, " \t") == "" {
					return prefix
				}
			}
		}
	}
	return strings.Repeat("\t", min(col-1, 64))
}

// ImportName returns the name under which file imports path ("" when it does not, or imports it
// blank or with a dot), so that a fix can write `time.Second` the way the file spells it.
func ImportName(file *ast.File, path string) (string, bool) {
	for _, spec := range file.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil || p != path {
			continue
		}
		if spec.Name == nil {
			return path[strings.LastIndex(path, "/")+1:], true
		}
		if spec.Name.Name == "_" || spec.Name.Name == "." {
			continue
		}
		return spec.Name.Name, true
	}
	return "", false
}

// AddImportEdit returns the edit that imports path into file, after its last import or after the
// package clause.
func AddImportEdit(file *ast.File, path string) analysis.TextEdit {
	quoted := strconv.Quote(path)
	var last *ast.GenDecl
	for _, decl := range file.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			last = gd
		}
	}
	switch {
	case last != nil && last.Rparen.IsValid():
		return analysis.TextEdit{Pos: last.Rparen, End: last.Rparen, NewText: []byte("\t" + quoted + "\n")}
	case last != nil && len(last.Specs) == 1:
		// `import "x"` becomes a parenthesised list, as goimports would write it.
		spec, ok := last.Specs[0].(*ast.ImportSpec)
		if ok {
			text := spec.Path.Value
			if spec.Name != nil {
				text = spec.Name.Name + " " + text
			}
			return analysis.TextEdit{Pos: spec.Pos(), End: spec.End(), NewText: []byte("(\n\t" + text + "\n\t" + quoted + "\n)")}
		}
		return analysis.TextEdit{Pos: last.End(), End: last.End(), NewText: []byte("\nimport " + quoted)}
	case last != nil:
		return analysis.TextEdit{Pos: last.End(), End: last.End(), NewText: []byte("\nimport " + quoted)}
	default:
		return analysis.TextEdit{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport " + quoted)}
	}
}

// FileOf returns the syntax tree of the pass's file containing pos.
func FileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}
