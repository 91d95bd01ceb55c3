// Command fourc-vet runs fourc's Go analyzers inside go vet, with the go command's own build
// (build tags, cgo, vendoring, caching) and editor integration:
//
//	go build -o ~/bin/fourc-vet github.com/fourcsec/fourc/cmd/fourc-vet
//	go vet -vettool=$HOME/bin/fourc-vet ./...
//
// Single analyzers can be chosen with their names as flags (-tlsconfig, -weakcrypto, …);
// fourc-vet help lists them. The findings are the same as `fourc scan` reports for Go code,
// without fourc's configuration, baselines or suppressions.
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/fourcsec/fourc/analyzers/golang"
)

func main() {
	unitchecker.Main(golang.Analyzers()...)
}
