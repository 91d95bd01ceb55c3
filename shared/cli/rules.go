package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/fourcsec/fourc/shared/report"
)

func rulesCommand(args []string, env Env) error {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "text", "output format: text, json or markdown")
	if _, err := parseInterspersed(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usagef("%v", err)
	}
	if !oneOf(*format, report.RuleFormats()...) {
		return usagef("--format %q is not one of %s", *format, quoteList(report.RuleFormats()))
	}
	cat, err := catalogue(env.Scanners(ScannerOptions{}))
	if err != nil {
		return fmt.Errorf("rule catalogue: %w", err)
	}
	return report.Rules(env.Stdout, cat.Rules(), *format)
}
