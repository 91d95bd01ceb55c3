package filemode_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/filemode"
	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), filemode.Analyzer, "a")
	passtest.Categories(t, results, filemode.Rules, map[string][]string{
		"a.go:15": {"go-file-mode-world-writable"},
		"a.go:20": {"go-file-mode-secret-readable"},
		"a.go:32": {"go-file-mode-secret-readable"},
		"a.go:33": nil,
		"a.go:18": nil,
	})
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), filemode.Analyzer, "fix")
}
