package hardcodedcreds_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/hardcodedcreds"
	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), hardcodedcreds.Analyzer, "a")
	passtest.Categories(t, results, hardcodedcreds.Rules, map[string][]string{
		"a.go:12": {"go-hardcoded-credential"},
		"a.go:15": nil, // a form field name
		"a.go:16": nil, // a header name
		"a.go:17": nil, // an endpoint
	})
	// Messages name where the secret is, never the secret itself.
	for _, r := range results {
		for _, d := range r.Diagnostics {
			for _, secret := range []string{"hunter", "Sup3r", "sk_live", "wJalr", "qwerty"} {
				if contains(d.Message, secret) {
					t.Errorf("message %q repeats the secret", d.Message)
				}
			}
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
