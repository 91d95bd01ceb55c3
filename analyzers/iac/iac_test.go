package iac_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fourcsec/fourc/analyzers/iac"
	"github.com/fourcsec/fourc/analyzers/internal/fixturetest"
)

// TestFixtures runs every directory under testdata: each holds Terraform and CloudFormation
// cases of one rule or topic, offending lines marked `want RULE` (sidecar NAME.want files for
// JSON and for JSON inside heredocs).
func TestFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			t.Parallel()
			fixturetest.Run(t, iac.New(), filepath.Join("testdata", d.Name()))
		})
	}
}

func TestRules(t *testing.T) {
	fixturetest.CheckRules(t, iac.New(), "testdata")
}
