// Command fourc scans a project for cloud-native security problems; see `fourc -h`.
package main

import (
	"os"

	"golang.org/x/term"

	"github.com/fourcsec/fourc/analyzers"
	"github.com/fourcsec/fourc/shared/cli"
	"github.com/fourcsec/fourc/shared/engine"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Scanners: func(o cli.ScannerOptions) []engine.Scanner {
			return analyzers.All(analyzers.Options{VulnDB: o.VulnDB, GoVersion: o.GoVersion})
		},
		Version: version,
	}))
}
