package ssrf_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/ssrf"
	"github.com/fourcsec/fourc/analyzers/golang/taint/tainttest"
)

func TestSSRF(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), ssrf.Analyzer, "a")
	tainttest.CheckCategories(t, results, ssrf.Rules)
}
