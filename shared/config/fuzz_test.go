package config_test

import (
	"errors"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/finding"
)

// FuzzParse feeds arbitrary bytes to the config parser. A config arrives in a pull request's
// base branch, so it is repository text: whatever it holds, Parse must return either a usable
// config or errors that point into the file, never both, never neither, and the same answer
// twice.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"version: 1\nfail_on: medium\nlayers: [code, cluster]\nexclude: [\"vendor/**\", ./docs]\n" +
			"rules:\n  disable: [k8s-privileged]\n  severity:\n    go-sql-injection: critical\n",
		"fail_on: urgent\nfailon: low\nlayers: y\n",
		"- a\n- b\n",
		"exclude: ['a/[b', '', {}]\n",
		"rules: {disable: go-sqli, severity: [high], other: 1}\n",
		"a: &a [*a]\nrules: &r {severity: *r}\n",
		"version: 2\n---\nversion: 1\n",
		"\xef\xbb\xbffail_on: HIGH\n",
		"fail_on: !!binary aGlnaA==\nlayers: [!!null ~]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = ".github/fourc.yml"
		c, err := config.Parse(name, data, known)
		if (c == nil) == (err == nil) {
			t.Fatalf("Parse returned config %v and error %v: want exactly one", c, err)
		}
		again, againErr := config.Parse(name, data, known)
		if diff := cmp.Diff(c, again); diff != "" || errText(err) != errText(againErr) {
			t.Fatalf("Parse is not deterministic: config (-first +second):\n%s\nerrors %q, %q", diff, errText(err), errText(againErr))
		}
		if err != nil {
			checkErrorsPointIntoFile(t, name, err)
			return
		}
		if c.FailOn < finding.Info || c.FailOn > finding.Critical {
			t.Errorf("FailOn = %d, outside the severities", c.FailOn)
		}
		for id, s := range c.Severity {
			if !known(id) || s < finding.Info || s > finding.Critical {
				t.Errorf("severity override %q: %d; want a known rule and a real severity", id, s)
			}
		}
		for id := range c.Disabled {
			if !known(id) {
				t.Errorf("disabled rule %q is not a known rule", id)
			}
		}
		for _, g := range c.Exclude {
			if !doublestar.ValidatePattern(g) {
				t.Errorf("exclude glob %q is not valid", g)
			}
		}
		// Excluded runs for every file of every scan: it must cope with any accepted glob.
		for _, p := range []string{"main.go", "vendor/a/b.go", ".github/fourc.yml", "a b/[c]/d"} {
			c.Excluded(p)
		}
	})
}

// checkErrorsPointIntoFile asserts that every error Parse joined is a *config.Error naming the
// file, so the CLI and the check run can say where the mistake is.
func checkErrorsPointIntoFile(t *testing.T, name string, err error) {
	t.Helper()
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	for _, e := range errs {
		var ce *config.Error
		if !errors.As(e, &ce) {
			t.Errorf("error %q is not a *config.Error", e)
			continue
		}
		if ce.File != name || ce.Line < 0 || ce.Msg == "" {
			t.Errorf("error %+v: want file %q, a line ≥ 0 and a message", ce, name)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
