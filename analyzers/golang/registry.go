// Package golang runs fourc's Go analyzers: the registry of go/analysis passes with their rules
// (shared by the scanner and the fourc-vet vet tool) and the engine.Scanner that loads a tree's Go
// modules and runs the passes over them.
package golang

import (
	"golang.org/x/tools/go/analysis"

	"github.com/fourcsec/fourc/analyzers/golang/cmdinjection"
	"github.com/fourcsec/fourc/analyzers/golang/cookie"
	"github.com/fourcsec/fourc/analyzers/golang/decompression"
	"github.com/fourcsec/fourc/analyzers/golang/filemode"
	"github.com/fourcsec/fourc/analyzers/golang/hardcodedcreds"
	"github.com/fourcsec/fourc/analyzers/golang/insecurerand"
	"github.com/fourcsec/fourc/analyzers/golang/jwtverify"
	"github.com/fourcsec/fourc/analyzers/golang/listenall"
	"github.com/fourcsec/fourc/analyzers/golang/logsecrets"
	"github.com/fourcsec/fourc/analyzers/golang/pathtraversal"
	"github.com/fourcsec/fourc/analyzers/golang/servertimeout"
	"github.com/fourcsec/fourc/analyzers/golang/sqlinjection"
	"github.com/fourcsec/fourc/analyzers/golang/ssrf"
	"github.com/fourcsec/fourc/analyzers/golang/tlsconfig"
	"github.com/fourcsec/fourc/analyzers/golang/weakcrypto"
	"github.com/fourcsec/fourc/analyzers/golang/xss"
	"github.com/fourcsec/fourc/shared/finding"
)

// entry pairs an analyzer with the rules it reports; adding an analyzer is one line here.
type entry struct {
	analyzer *analysis.Analyzer
	rules    []finding.Rule
}

func registry() []entry {
	return []entry{
		// Taint-based: untrusted input reaching a dangerous call (shared engine in ./taint).
		{sqlinjection.Analyzer, sqlinjection.Rules},
		{cmdinjection.Analyzer, cmdinjection.Rules},
		{pathtraversal.Analyzer, pathtraversal.Rules},
		{ssrf.Analyzer, ssrf.Rules},
		{xss.Analyzer, xss.Rules},
		{insecurerand.Analyzer, insecurerand.Rules},
		{logsecrets.Analyzer, logsecrets.Rules},
		// Configuration and API misuse.
		{tlsconfig.Analyzer, tlsconfig.Rules},
		{weakcrypto.Analyzer, weakcrypto.Rules},
		{filemode.Analyzer, filemode.Rules},
		{servertimeout.Analyzer, servertimeout.Rules},
		{listenall.Analyzer, listenall.Rules},
		{decompression.Analyzer, decompression.Rules},
		{cookie.Analyzer, cookie.Rules},
		{jwtverify.Analyzer, jwtverify.Rules},
		{hardcodedcreds.Analyzer, hardcodedcreds.Rules},
	}
}

// Analyzers lists every Go analyzer in a fixed order.
func Analyzers() []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, e := range registry() {
		out = append(out, e.analyzer)
	}
	return out
}

// Rules lists the rules of every Go analyzer.
func Rules() []finding.Rule {
	var out []finding.Rule
	for _, e := range registry() {
		out = append(out, e.rules...)
	}
	return out
}

// sensitiveRules are the rules whose flagged span is itself a secret (a password literal, a
// connection string): outputs that quote the source mask it.
var sensitiveRules = map[string]bool{"go-hardcoded-credential": true}

// analyzerRules maps each analyzer to the rule ids it may report, so that a diagnostic whose
// Category is not among them is caught instead of silently given another rule's severity.
func analyzerRules() map[*analysis.Analyzer]map[string]*finding.Rule {
	out := map[*analysis.Analyzer]map[string]*finding.Rule{}
	for _, e := range registry() {
		m := map[string]*finding.Rule{}
		for i := range e.rules {
			m[e.rules[i].ID] = &e.rules[i]
		}
		out[e.analyzer] = m
	}
	return out
}
