package logsecrets_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/logsecrets"
	"github.com/fourcsec/fourc/analyzers/golang/taint/tainttest"
)

func TestSecretsInLogs(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), logsecrets.Analyzer, "a")
	tainttest.CheckCategories(t, results, logsecrets.Rules)
}
