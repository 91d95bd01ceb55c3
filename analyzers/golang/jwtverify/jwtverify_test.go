package jwtverify_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passtest"
	"github.com/fourcsec/fourc/analyzers/golang/jwtverify"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), jwtverify.Analyzer, "a", "v4", "legacy")
	passtest.Categories(t, results, jwtverify.Rules, map[string][]string{
		"a.go:14":     {"go-jwt-unverified"},
		"a.go:29":     {"go-jwt-alg-not-checked"},
		"a.go:36":     nil,
		"legacy.go:6": {"go-jwt-alg-not-checked"},
	})
}
