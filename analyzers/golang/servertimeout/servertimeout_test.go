package servertimeout_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
	"github.com/fourcsec/fourc/analyzers/golang/servertimeout"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), servertimeout.Analyzer, "a")
	passtest.Categories(t, results, servertimeout.Rules, map[string][]string{
		"a.go:10": {"go-http-server-no-timeout"},
		"a.go:14": {"go-http-server-no-timeout"},
		"a.go:17": nil,
		"a.go:23": nil,
		"a.go:31": nil,
	})
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), servertimeout.Analyzer, "fix", "fiximport")
}
