// Package servertimeout reports net/http servers that never time out reading requests.
package servertimeout

import (
	"fmt"
	"go/ast"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report net/http servers without a read timeout

A server with neither ReadHeaderTimeout nor ReadTimeout keeps a connection open for as long as a
client takes to send its request headers, so a few clients sending one byte a minute exhaust its
connections or memory (Slowloris, CWE-400).

http.ListenAndServe, http.ListenAndServeTLS, http.Serve and http.ServeTLS use a zero http.Server
and offer no way to set a timeout. An http.Server literal is reported when neither field is in
the literal nor assigned later in the same function. Test files are not checked.

Fix: create an http.Server with ReadHeaderTimeout (for example 10 * time.Second) and call its
ListenAndServe method; consider ReadTimeout, WriteTimeout and IdleTimeout too.`

const (
	ruleNoTimeout = "go-http-server-no-timeout"
	docsURL       = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"
	httpPath      = "net/http"
)

// Analyzer reports HTTP servers without read timeouts.
var Analyzer = &analysis.Analyzer{
	Name:             "servertimeout",
	Doc:              doc,
	URL:              docsURL + ruleNoTimeout,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{{
	ID:          ruleNoTimeout,
	Title:       "HTTP server without a read timeout",
	Layer:       finding.Code,
	Severity:    finding.Medium,
	Description: "The server sets neither ReadHeaderTimeout nor ReadTimeout, so slow clients can hold connections open indefinitely and exhaust the server (Slowloris).",
	Remediation: "Serve through an http.Server with ReadHeaderTimeout set (for example 10 * time.Second), and consider ReadTimeout, WriteTimeout and IdleTimeout.",
	References:  []string{"CWE-400"},
	HelpURL:     docsURL + ruleNoTimeout,
}}

var readTimeouts = []string{"ReadHeaderTimeout", "ReadTimeout"}

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	info := pass.TypesInfo
	for cur := range ins.Root().Preorder((*ast.CallExpr)(nil), (*ast.CompositeLit)(nil)) {
		if passutil.IsTestFile(pass, cur.Node().Pos()) {
			continue
		}
		switch n := cur.Node().(type) {
		case *ast.CallExpr:
			if passutil.IsFuncCall(info, n, httpPath, "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS") {
				_, name, _ := passutil.PackageMember(info, n.Fun)
				passutil.Report(pass, ruleNoTimeout, n, fmt.Sprintf("http.%s serves without any timeout; use an http.Server with ReadHeaderTimeout", name))
			}
		case *ast.CompositeLit:
			if !passutil.TypeIs(info, n, httpPath, "Server") || !keyed(n) {
				continue
			}
			if hasAny(n, readTimeouts) {
				continue
			}
			if target := passutil.AssignedTo(cur); target != nil {
				if fn, ok := passutil.EnclosingFuncCursor(cur); ok && passutil.SetsField(info, fn.Node(), target, readTimeouts...) {
					continue
				}
			}
			msg := "http.Server has no ReadHeaderTimeout or ReadTimeout; slow clients can hold connections open indefinitely"
			if fix, ok := timeoutFix(pass, n); ok {
				passutil.Report(pass, ruleNoTimeout, n, msg, fix)
			} else {
				passutil.Report(pass, ruleNoTimeout, n, msg)
			}
		}
	}
	return nil, nil
}

// keyed reports whether a struct literal names its fields (an unkeyed literal lists them all).
func keyed(lit *ast.CompositeLit) bool {
	for _, elt := range lit.Elts {
		if _, ok := elt.(*ast.KeyValueExpr); !ok {
			return false
		}
	}
	return true
}

func hasAny(lit *ast.CompositeLit, fields []string) bool {
	for _, f := range fields {
		if _, ok := passutil.Field(lit, f); ok {
			return true
		}
	}
	return false
}

// timeoutFix adds `ReadHeaderTimeout: 10 * time.Second`, importing time when the file does not.
func timeoutFix(pass *analysis.Pass, lit *ast.CompositeLit) (analysis.SuggestedFix, bool) {
	file := passutil.FileOf(pass, lit.Pos())
	if file == nil {
		return analysis.SuggestedFix{}, false
	}
	timeName, imported := passutil.ImportName(file, "time")
	if !imported {
		timeName = "time"
	}
	fix, ok := passutil.AddFieldsFix(pass, "Add ReadHeaderTimeout", lit, "ReadHeaderTimeout: 10 * "+timeName+".Second")
	if !ok {
		return fix, false
	}
	if !imported {
		fix.TextEdits = append(fix.TextEdits, passutil.AddImportEdit(file, "time"))
	}
	return fix, true
}
