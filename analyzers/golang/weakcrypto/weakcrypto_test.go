package weakcrypto_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
	"github.com/fourcsec/fourc/analyzers/golang/weakcrypto"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), weakcrypto.Analyzer, "a")
	passtest.Categories(t, results, weakcrypto.Rules, map[string][]string{
		"a.go:23":  {"go-weak-hash"},
		"a.go:81":  {"go-weak-cipher"},
		"a.go:85":  {"go-weak-rsa-key"},
		"a.go:96":  {"go-dsa-signature"},
		"a.go:104": {"go-weak-hash"},
		"a.go:39":  nil, // HMAC-SHA1
		"a.go:70":  nil, // an ETag field,
	})
}
