package xss_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/taint/tainttest"
	"github.com/fourcsec/fourc/analyzers/golang/xss"
)

// TestXSS covers the taint rules in package a and text/template, with its suggested fix
// checked against tmpl.go.golden, in package tmpl.
func TestXSS(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), xss.Analyzer, "a")
	results = append(results, analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), xss.Analyzer, "tmpl")...)
	tainttest.CheckCategories(t, results, xss.Rules)
}
