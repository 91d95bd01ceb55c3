package sqlinjection_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/sqlinjection"
	"github.com/fourcsec/fourc/analyzers/golang/taint/tainttest"
)

func TestSQLInjection(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), sqlinjection.Analyzer, "a")
	tainttest.CheckCategories(t, results, sqlinjection.Rules)
}

// TestAcrossPackages connects sources in handler and params with sinks in store through facts.
func TestAcrossPackages(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), sqlinjection.Analyzer, "handler", "store", "params")
}
