package cookie_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/cookie"
	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
)

func TestCookies(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), cookie.Analyzer, "a")
	passtest.Categories(t, results, cookie.Rules, map[string][]string{
		"a.go:9":  {"go-session-cookie-insecure"},
		"a.go:10": {"go-cookie-insecure"},
		"a.go:14": nil, // CSRF cookie
		"a.go:27": nil, // request cookie
	})
}

func TestCORS(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), cookie.Analyzer, "cors")
	passtest.Categories(t, results, cookie.Rules, map[string][]string{
		"cors.go:10": {"go-cors-any-origin-credentials"},
		"cors.go:15": nil,
		"cors.go:35": nil, // checked against an allow-list
	})
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), cookie.Analyzer, "fix")
}
