package pathtraversal_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/pathtraversal"
	"github.com/fourcsec/fourc/analyzers/golang/taint/tainttest"
)

func TestPathTraversal(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), pathtraversal.Analyzer, "a")
	tainttest.CheckCategories(t, results, pathtraversal.Rules)
}
