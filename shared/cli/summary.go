package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/bolt"
)

const summaryUsage = `Usage: fourc summary --data DIR --org ORG [--week 2026-W47]

Prints an organisation's weekly security summary, the Markdown the App posts as an issue, from
the embedded store that fourc serve keeps in DIR. The default week is the last complete one.

Flags:
`

func summaryCommand(ctx context.Context, args []string, env Env, now func() time.Time) (int, error) {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, summaryUsage); fs.PrintDefaults() }
	data := fs.String("data", "fourc-data", "the directory fourc serve uses (--data)")
	org := fs.String("org", "", "organisation or user login")
	week := fs.String("week", "", "ISO week such as 2026-W47 (default: the last complete week)")
	webURL := fs.String("web-url", "https://github.com", "GitHub's web address, for links")
	extra, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean, nil
		}
		return ExitError, usagef("%v (see fourc summary -h)", err)
	}
	if len(extra) > 0 {
		// `fourc summary --org acme 2026-W47` must not print another week than the one typed.
		return ExitError, usagef("unexpected argument %q: the week goes in --week (see fourc summary -h)", extra[0])
	}
	if err := envDefaults(fs, env.Getenv); err != nil {
		return ExitError, usagef("%v", err)
	}
	if *org == "" {
		return ExitError, usagef("summary needs --org")
	}
	if *week == "" {
		*week = store.ISOWeek(now().AddDate(0, 0, -7))
	} else if _, err := store.ParseISOWeek(*week); err != nil {
		return ExitError, usagef("--week: %v", err)
	}
	path := filepath.Join(*data, "fourc.db")
	// A read-only command must not leave an empty store behind a mistyped --data.
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return ExitError, fmt.Errorf("no store in %s: point --data at the directory fourc serve uses", *data)
	}
	st, err := bolt.Open(path)
	if err != nil {
		if strings.Contains(err.Error(), "timeout") {
			return ExitError, fmt.Errorf("the store in %s is in use by a running fourc serve: stop it, or read the summary issue it posts", *data)
		}
		return ExitError, err
	}
	defer st.Close()
	insts, err := st.ListInstallations(ctx)
	if err != nil {
		return ExitError, err
	}
	a := &app.App{Store: st}
	for _, in := range insts {
		if strings.EqualFold(in.Account, *org) {
			s, err := a.Summarize(ctx, in.ID, *week)
			if err != nil {
				return ExitError, err
			}
			fmt.Fprint(env.Stdout, app.RenderSummary(s, strings.TrimRight(*webURL, "/"), env.Version))
			return ExitClean, nil
		}
	}
	var known []string
	for _, in := range insts {
		known = append(known, in.Account)
	}
	return ExitError, fmt.Errorf("no installation for %q in %s (known: %s)", *org, *data, orNone(known))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none yet"
	}
	return strings.Join(s, ", ")
}
