// Package cli is the `fourc` command line: it parses arguments, runs the engine and renders the
// report. cmd/fourc only wires the real scanners into Main, so tests run the whole CLI in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// Exit codes, as documented in the README.
const (
	ExitClean    = 0 // nothing at or above fail_on
	ExitFindings = 1 // findings at or above fail_on
	ExitError    = 2 // usage or operational error
)

// ScannerOptions are the settings a scanner family may need from the command line.
type ScannerOptions struct {
	VulnDB string // directory or URL of a vulnerability database; "" for the default
	// GoVersion is the Go release that builds the scanned code ("go1.22.4"), checked for
	// standard library advisories; "" means go.mod's toolchain or go line.
	GoVersion string
}

// Env is everything the CLI touches outside itself, so tests can run it in-process.
type Env struct {
	Stdout, Stderr io.Writer
	// StderrTTY and StdoutTTY say whether the streams are terminals (progress, colour).
	StderrTTY, StdoutTTY bool
	Getenv               func(string) string
	// Scanners builds the scanners to run; main passes analyzers.All.
	Scanners func(ScannerOptions) []engine.Scanner
	Version  string
}

// usageError is a mistake in the command line: exit 2 with a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const topUsage = `fourc finds security problems in cloud-native code: Cloud, Cluster, Container and Code.

Usage:
  fourc scan [flags] PATH     scan a directory (see fourc scan -h)
  fourc serve [flags]         run the GitHub App locally (see fourc serve -h)
  fourc summary --org ORG     print an organisation's weekly summary from fourc serve's store
  fourc rules [--format F]    list every rule
  fourc version               print the version
`

// Main runs the command line and returns the exit code.
func Main(args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, args, env)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(env.Stderr, "fourc: %s\n", ue.msg)
			return ExitError
		}
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean
		}
		fmt.Fprintf(env.Stderr, "fourc: %v\n", err)
		return ExitError
	}
	return code
}

func run(ctx context.Context, args []string, env Env) (int, error) {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, topUsage)
		return ExitError, nil
	}
	switch args[0] {
	case "scan":
		return scanCommand(ctx, args[1:], env)
	case "serve":
		return serveCommand(ctx, args[1:], env)
	case "summary":
		return summaryCommand(ctx, args[1:], env, time.Now)
	case "rules":
		return ExitClean, rulesCommand(args[1:], env)
	case "version", "--version", "-version":
		fmt.Fprintf(env.Stdout, "fourc %s\n", env.Version)
		return ExitClean, nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(env.Stdout, topUsage)
		return ExitClean, nil
	default:
		return ExitError, usagef("unknown command %q\n\n%s", args[0], topUsage)
	}
}

// parseInterspersed lets flags follow positional arguments (`fourc scan . --format sarif`), as
// users type them.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// catalogue is every rule a run can report.
func catalogue(scanners []engine.Scanner) (*finding.Catalogue, error) {
	groups := [][]finding.Rule{engine.Rules()}
	for _, s := range scanners {
		groups = append(groups, s.Rules())
	}
	return finding.NewCatalogue(groups...)
}

func oneOf(value string, allowed ...string) bool {
	for _, a := range allowed {
		if value == a {
			return true
		}
	}
	return false
}

func quoteList(items []string) string {
	return strings.Join(items, ", ")
}
