// Package xss reports cross-site scripting in Go web handlers: untrusted data marked as safe
// HTML (go-xss), written raw into an HTML response (go-xss-response-write), and text/template
// rendering into a response (go-xss-text-template).
package xss

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/fourcsec/fourc/analyzers/golang/taint"
	"github.com/fourcsec/fourc/shared/finding"
)

// Rule ids this analyzer reports.
const (
	TrustedTypeID   = "go-xss"
	ResponseWriteID = "go-xss-response-write"
	TextTemplateID  = "go-xss-text-template"
)

const doc = `report cross-site scripting in HTTP handlers

go-xss: data from an HTTP request converted to an html/template type that disables escaping
(template.HTML, HTMLAttr, JS, JSStr, URL, CSS, Srcset). html/template inserts such values
verbatim, so a request carrying <script> runs in the victim's browser.

go-xss-response-write: data from an HTTP request written straight to an http.ResponseWriter
(w.Write, io.WriteString, fmt.Fprint*) when the response is HTML: its Content-Type is set to
text/html, the handler writes markup, or the data can come first in the body, where Go's
content sniffing would label it text/html. A handler that sets a non-HTML Content-Type, or
whose body starts with constant text, is not reported; html.EscapeString,
template.HTMLEscapeString, url.QueryEscape, json.Marshal and bluemonday sanitise.

go-xss-text-template: a text/template executed into an http.ResponseWriter, reported whatever
the data: text/template never escapes. The suggested fix imports html/template instead, which
has the same API and escapes by context.

Fix: render HTML with html/template and pass request data as plain strings; never convert
it to template.HTML; set an explicit non-HTML Content-Type for plain responses.`

// Analyzer reports cross-site scripting sinks in HTTP handlers.
var Analyzer = &analysis.Analyzer{
	Name:      "xss",
	Doc:       doc,
	URL:       "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + TrustedTypeID,
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(summaryFact)},
}

const rulesURL = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"

// Rules is the fourc metadata of the rules Analyzer reports.
var Rules = []finding.Rule{
	{
		ID:       TrustedTypeID,
		Title:    "Untrusted data marked as safe HTML",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "Data from an HTTP request is converted to template.HTML (or HTMLAttr, JS, JSStr, URL, CSS, " +
			"Srcset), which html/template inserts without escaping. A request carrying markup or script runs in " +
			"the browser of whoever views the page (cross-site scripting).",
		Remediation: "Pass request data to html/template as a plain string so it is escaped; if markup must be " +
			"allowed, sanitise it with an HTML sanitiser such as bluemonday before the conversion.",
		References: []string{"CWE-79"},
		HelpURL:    rulesURL + TrustedTypeID,
	},
	{
		ID:       ResponseWriteID,
		Title:    "Untrusted data written raw into an HTML response",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "Data from an HTTP request is written unescaped to an http.ResponseWriter whose response is, " +
			"or will be sniffed as, HTML. Markup in the request becomes part of the page (reflected cross-site scripting).",
		Remediation: "Render HTML with html/template, or escape the data with html.EscapeString; for plain text or " +
			"JSON set the Content-Type header (text/plain; charset=utf-8, application/json) before writing.",
		References: []string{"CWE-79"},
		HelpURL:    rulesURL + ResponseWriteID,
	},
	{
		ID:       TextTemplateID,
		Title:    "text/template rendered into an HTTP response",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "A text/template is executed into an http.ResponseWriter. text/template does no HTML " +
			"escaping, so any data the template prints can inject markup and script into the page.",
		Remediation: "Import html/template instead of text/template: it has the same API and escapes every value " +
			"for its context.",
		References: []string{"CWE-79"},
		HelpURL:    rulesURL + TextTemplateID,
	},
}

// summaryFact carries a function's taint summary to importing packages.
type summaryFact struct{ Flow taint.Summary }

func (*summaryFact) AFact()                    {}
func (f *summaryFact) Summary() *taint.Summary { return &f.Flow }
func (f *summaryFact) String() string          { return f.Flow.String() }

// Sink kinds.
const (
	trusted  = "trusted"
	response = "response"
)

// trustedTypes are the html/template types whose values are inserted without escaping.
var trustedTypes = map[string]bool{
	"HTML": true, "HTMLAttr": true, "JS": true, "JSStr": true, "URL": true, "CSS": true, "Srcset": true,
}

var sanitizers = []taint.Func{
	{Pkg: "html", Name: "EscapeString"},
	{Pkg: "html/template", Name: "HTMLEscapeString"},
	{Pkg: "html/template", Name: "HTMLEscaper"},
	{Pkg: "html/template", Name: "JSEscapeString"},
	{Pkg: "html/template", Name: "URLQueryEscaper"},
	{Pkg: "text/template", Name: "HTMLEscapeString"},
	{Pkg: "text/template", Name: "HTMLEscaper"},
	{Pkg: "text/template", Name: "JSEscapeString"},
	{Pkg: "net/url", Name: "QueryEscape"},
	{Pkg: "net/url", Name: "PathEscape"},
	// encoding/json escapes <, > and & by default
	{Pkg: "encoding/json", Name: "Marshal"},
	{Pkg: "encoding/json", Name: "MarshalIndent"},
	{Pkg: "github.com/microcosm-cc/bluemonday", Recv: "Policy", Name: "Sanitize"},
	{Pkg: "github.com/microcosm-cc/bluemonday", Recv: "Policy", Name: "SanitizeBytes"},
}

func run(pass *analysis.Pass) (any, error) {
	profiles := map[*ssa.Function]*responseProfile{}
	cfg := &taint.Config{
		Classes:     taint.Remote,
		Sanitizers:  sanitizers,
		CustomSinks: func(instr ssa.Instruction) []taint.SinkUse { return customSinks(instr, profiles) },
		Guards:      taint.GuardEqualConst | taint.GuardAllowList | taint.GuardRegexp | taint.GuardValidator,
		NewFact:     func() taint.SummaryFact { return new(summaryFact) },
		Report: func(f taint.Finding) {
			switch f.Sink.Kind {
			case trusted:
				pass.Report(analysis.Diagnostic{Pos: f.Pos, Category: TrustedTypeID,
					Message: "untrusted data marked as safe HTML: " + f.Describe()})
			case response:
				pass.Report(analysis.Diagnostic{Pos: f.Pos, Category: ResponseWriteID,
					Message: "untrusted data written unescaped to an HTML response: " + f.Describe()})
			}
		},
	}
	if err := taint.Run(pass, cfg); err != nil {
		return nil, err
	}
	if in, ok := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA); ok && !taint.IsStandardLibrary(pass) {
		reportTextTemplates(pass, in.SrcFuncs)
	}
	return nil, nil
}

func customSinks(instr ssa.Instruction, profiles map[*ssa.Function]*responseProfile) []taint.SinkUse {
	switch x := instr.(type) {
	case *ssa.ChangeType:
		return trustedConversion(x.X, x.Type(), x.Pos())
	case *ssa.Convert:
		return trustedConversion(x.X, x.Type(), x.Pos())
	case *ssa.Call:
		return responseWrites(x, profiles)
	}
	return nil
}

func trustedConversion(from ssa.Value, to types.Type, pos token.Pos) []taint.SinkUse {
	n, ok := types.Unalias(to).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "html/template" || !trustedTypes[n.Obj().Name()] {
		return nil
	}
	return []taint.SinkUse{{Value: from, Desc: "template." + n.Obj().Name() + "(…)", Kind: trusted, Pos: pos}}
}

// responseWrites returns the data a call writes to an http.ResponseWriter, when the response
// is or may become HTML.
func responseWrites(call *ssa.Call, profiles map[*ssa.Function]*responseProfile) []taint.SinkUse {
	common := call.Common()
	var writer ssa.Value
	var data []ssa.Value
	var desc string
	var leadingFormat *string // Fprintf's constant format
	switch {
	case common.IsInvoke():
		if (common.Method.Name() == "Write" || common.Method.Name() == "WriteString") && len(common.Args) == 1 {
			writer, data, desc = common.Value, common.Args, taint.FuncName(common.Method)
		}
	default:
		fn := common.StaticCallee()
		if fn == nil {
			return nil
		}
		path, name := taint.FuncPath(fn), fn.Name()
		switch {
		case path == "fmt" && (name == "Fprint" || name == "Fprintln" || name == "Fprintf") && len(common.Args) >= 2:
			writer, desc = common.Args[0], "fmt."+name
			rest := common.Args[1:]
			if name == "Fprintf" {
				if f, ok := taint.ConstString(rest[0]); ok {
					leadingFormat = &f
				} else {
					data = append(data, rest[0])
				}
				rest = rest[1:]
			}
			for _, a := range rest {
				if elems, ok := taint.VarargElems(a); ok {
					data = append(data, elems...)
				} else {
					data = append(data, a)
				}
			}
		case path == "io" && name == "WriteString" && len(common.Args) == 2:
			writer, data, desc = common.Args[0], common.Args[1:], "io.WriteString"
		case (name == "Write" || name == "WriteString") && fn.Signature.Recv() != nil && len(common.Args) == 2:
			writer, data, desc = common.Args[0], common.Args[1:], taint.FuncName(fnObject(fn))
		}
	}
	if writer == nil || !isResponseWriter(underlying(writer).Type()) {
		return nil
	}
	p := profileOf(call.Parent(), profiles)
	if p.contentType == nonHTML {
		return nil
	}
	var out []taint.SinkUse
	for i, d := range data {
		if p.contentType != html && !p.markup {
			// Unlabelled responses are sniffed from their first bytes: data after constant text is
			// served as text/plain.
			if leadingFormat != nil && !mayStartBody(*leadingFormat) {
				continue
			}
			if leadingFormat == nil && i == 0 && !dataMayStartBody(d) {
				continue
			}
			if leadingFormat == nil && i > 0 && !dataMayStartBody(data[0]) {
				continue
			}
		}
		out = append(out, taint.SinkUse{Value: d, Desc: desc, Kind: response, Pos: call.Pos()})
	}
	return out
}

func fnObject(fn *ssa.Function) *types.Func {
	obj, _ := fn.Object().(*types.Func)
	return obj
}

func underlying(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.MakeInterface:
			v = x.X
		case *ssa.ChangeInterface:
			v = x.X
		default:
			return v
		}
	}
}

// isResponseWriter reports whether t has the methods of http.ResponseWriter (gin's and echo's
// writers embed it).
func isResponseWriter(t types.Type) bool {
	hdr, _, _ := types.LookupFieldOrMethod(t, true, nil, "Header")
	wh, _, _ := types.LookupFieldOrMethod(t, true, nil, "WriteHeader")
	hf, ok := hdr.(*types.Func)
	if !ok || wh == nil {
		return false
	}
	sig, ok := hf.Type().(*types.Signature)
	return ok && sig.Results().Len() == 1 && taint.IsNamed(sig.Results().At(0).Type(), "net/http", "Header")
}

// mayStartBody reports whether a format's output can begin with data or markup.
func mayStartBody(format string) bool {
	s := strings.TrimLeft(format, " \t\r\n")
	return s == "" || s[0] == '%' || s[0] == '<'
}

// dataMayStartBody reports whether a written value can begin with attacker data or markup,
// judging by a constant prefix ("Hello, " + name cannot).
func dataMayStartBody(v ssa.Value) bool {
	for range 64 {
		switch x := v.(type) {
		case *ssa.BinOp:
			if x.Op != token.ADD {
				return true
			}
			v = x.X
			continue
		case *ssa.Convert:
			v = x.X
			continue
		case *ssa.MakeInterface:
			v = x.X
			continue
		}
		break
	}
	s, ok := taint.ConstString(v)
	return !ok || mayStartBody(s)
}

type contentType int

const (
	unset contentType = iota
	html
	nonHTML
)

// responseProfile is what a handler does to its response besides writing data.
type responseProfile struct {
	contentType contentType
	markup      bool // a string constant in the function looks like HTML
}

var markupPattern = regexp.MustCompile(`<[a-zA-Z!/]`)

func profileOf(fn *ssa.Function, profiles map[*ssa.Function]*responseProfile) *responseProfile {
	if p, ok := profiles[fn]; ok {
		return p
	}
	p := &responseProfile{}
	profiles[fn] = p
	var ops []*ssa.Value
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			ops = instr.Operands(ops[:0])
			for _, op := range ops {
				if op == nil || *op == nil {
					continue
				}
				if s, ok := taint.ConstString(*op); ok && markupPattern.MatchString(s) {
					p.markup = true
				}
			}
			call, ok := instr.(*ssa.Call)
			if !ok {
				continue
			}
			fn := call.Common().StaticCallee()
			args := call.Common().Args
			if fn == nil || taint.FuncPath(fn) != "net/http" || (fn.Name() != "Set" && fn.Name() != "Add") || len(args) != 3 {
				continue
			}
			if key, ok := taint.ConstString(args[1]); !ok || !strings.EqualFold(key, "Content-Type") {
				continue
			}
			value, ok := taint.ConstString(args[2])
			switch {
			case !ok || strings.Contains(strings.ToLower(value), "html"):
				p.contentType = html
			case p.contentType == unset:
				p.contentType = nonHTML
			}
		}
	}
	return p
}

// reportTextTemplates reports text/template executed into a response writer, with a fix that
// imports html/template instead.
func reportTextTemplates(pass *analysis.Pass, funcs []*ssa.Function) {
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(*ssa.Call)
				if !ok {
					continue
				}
				callee := call.Common().StaticCallee()
				args := call.Common().Args
				if callee == nil || taint.FuncPath(callee) != "text/template" ||
					(callee.Name() != "Execute" && callee.Name() != "ExecuteTemplate") || len(args) < 2 ||
					!isResponseWriter(underlying(args[1]).Type()) {
					continue
				}
				d := analysis.Diagnostic{
					Pos:      call.Pos(),
					Category: TextTemplateID,
					Message:  "text/template executed into an http.ResponseWriter does not escape HTML; use html/template",
				}
				if fix, ok := importFix(pass, call.Pos()); ok {
					d.SuggestedFixes = []analysis.SuggestedFix{fix}
				}
				pass.Report(d)
			}
		}
	}
}

// importFix replaces the "text/template" import of the file containing pos with
// "html/template", unless the file imports both.
func importFix(pass *analysis.Pass, pos token.Pos) (analysis.SuggestedFix, bool) {
	for _, file := range pass.Files {
		if pos < file.FileStart || pos > file.FileEnd {
			continue
		}
		var text *ast.ImportSpec
		for _, spec := range file.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				continue
			}
			switch path {
			case "html/template":
				return analysis.SuggestedFix{}, false
			case "text/template":
				text = spec
			}
		}
		if text == nil {
			return analysis.SuggestedFix{}, false
		}
		return analysis.SuggestedFix{
			Message: "Import html/template instead of text/template",
			TextEdits: []analysis.TextEdit{{
				Pos:     text.Path.Pos(),
				End:     text.Path.End(),
				NewText: []byte(`"html/template"`),
			}},
		}, true
	}
	return analysis.SuggestedFix{}, false
}
