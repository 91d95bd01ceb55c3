package insecurerand_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/insecurerand"
	"github.com/fourcsec/fourc/analyzers/golang/taint/tainttest"
)

func TestInsecureRandom(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), insecurerand.Analyzer, "a")
	tainttest.CheckCategories(t, results, insecurerand.Rules)
}
