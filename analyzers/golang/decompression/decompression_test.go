package decompression_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/decompression"
	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), decompression.Analyzer, "a")
	passtest.Categories(t, results, decompression.Rules, map[string][]string{
		"a.go:26": {"go-decompression-bomb"},
		"a.go:34": nil,
	})
}
