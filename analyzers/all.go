// Package analyzers is the one explicit list of fourc's scanners: adding a rule family touches
// its own folder and one line here.
package analyzers

import (
	"github.com/fourcsec/fourc/analyzers/deps"
	"github.com/fourcsec/fourc/analyzers/dockerfile"
	"github.com/fourcsec/fourc/analyzers/golang"
	"github.com/fourcsec/fourc/analyzers/iac"
	"github.com/fourcsec/fourc/analyzers/k8s"
	"github.com/fourcsec/fourc/analyzers/secrets"
	"github.com/fourcsec/fourc/analyzers/workflows"
	"github.com/fourcsec/fourc/shared/engine"
)

// Options carry the settings scanners take from the command line or the App's environment.
type Options struct {
	// VulnDB is a directory of OSV files or the URL of a vulnerability database.
	VulnDB string
	// GoVersion ("go1.22.4") is the Go release the scanned code is built with, for standard
	// library advisories; "" uses go.mod's toolchain or go line.
	GoVersion string
}

// All returns every scanner, configured.
func All(opts Options) []engine.Scanner {
	return []engine.Scanner{
		secrets.New(),
		golang.New(golang.Options{}),
		deps.New(deps.Options{VulnDB: opts.VulnDB, StdlibVersion: opts.GoVersion}),
		dockerfile.New(),
		k8s.New(),
		iac.New(),
		workflows.New(),
	}
}
