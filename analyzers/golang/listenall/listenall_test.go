package listenall_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
	"github.com/fourcsec/fourc/analyzers/golang/listenall"
)

func TestListenAddresses(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), listenall.Analyzer, "a")
	passtest.Categories(t, results, listenall.Rules, map[string][]string{
		"a.go:14": {"go-listen-all-interfaces"},
		"a.go:17": nil,
		"a.go:20": nil,
	})
}

func TestPprof(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), listenall.Analyzer, "pprofimport", "pprofown", "pprofserve", "pprofrouter")
	passtest.Categories(t, results, listenall.Rules, map[string][]string{
		"main.go:5": {"go-pprof-default-mux"},
	})
}
