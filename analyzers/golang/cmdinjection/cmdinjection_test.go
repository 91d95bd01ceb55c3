package cmdinjection_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/cmdinjection"
	"github.com/fourcsec/fourc/analyzers/golang/taint/tainttest"
)

func TestCommandInjection(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), cmdinjection.Analyzer, "a")
	tainttest.CheckCategories(t, results, cmdinjection.Rules)
}
