package tlsconfig_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
	"github.com/fourcsec/fourc/analyzers/golang/tlsconfig"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), tlsconfig.Analyzer, "a")
	passtest.Categories(t, results, tlsconfig.Rules, map[string][]string{
		"a.go:11":     {"go-tls-insecure-skip-verify"},
		"a.go:18":     {"go-tls-insecure-skip-verify"},
		"a.go:41":     {"go-tls-weak-version"},
		"a.go:62":     {"go-tls-insecure-cipher-suite"},
		"a_test.go:9": {"go-tls-insecure-skip-verify-test"},
		"a.go:15":     nil, // InsecureSkipVerify from a flag
		"a.go:34":     nil, // a different type with the same field
	})
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), tlsconfig.Analyzer, "fix")
}
