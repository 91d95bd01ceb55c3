package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/report"
	"github.com/fourcsec/fourc/shared/source"
)

const scanUsage = `Usage: fourc scan [flags] PATH

Scans the directory PATH. With --base REV (PATH in a git checkout), also scans REV and reports
only findings that are new and on lines changed since REV; --all-new widens that to new findings
anywhere, --all to every finding.

Exit codes: 0 nothing at or above fail_on, 1 findings at or above fail_on, 2 error.

Flags:
`

// goRelease is the shape of a Go release name as `go version` prints it.
var goRelease = regexp.MustCompile(`^go1\.[0-9]+(\.[0-9]+|(rc|beta)[0-9]+)?$`)

type scanFlags struct {
	format     string
	base       string
	configPath string
	vulndb     string
	goVersion  string
	output     string
	failOn     string
	all, new   bool
	quiet      bool
	timeout    time.Duration
}

func scanCommand(ctx context.Context, args []string, env Env) (int, error) {
	var f scanFlags
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, scanUsage); fs.PrintDefaults() }
	fs.StringVar(&f.format, "format", "text", "output format: text, json, sarif or github")
	fs.StringVar(&f.base, "base", "", "git revision to compare with (new findings on changed lines only)")
	fs.StringVar(&f.configPath, "config", "", "config file (default PATH/"+config.DefaultPath+")")
	fs.StringVar(&f.vulndb, "vulndb", "", "vulnerability database: a directory of OSV files or a URL (default $FOURC_VULNDB, else the public Go database)")
	fs.StringVar(&f.goVersion, "go-version", "", "Go release that builds the code, checked for standard library advisories, e.g. go1.22.4 (default $FOURC_GO_VERSION, else go.mod's toolchain or go line)")
	fs.StringVar(&f.output, "output", "", "write the report to this file instead of standard output")
	fs.StringVar(&f.failOn, "fail-on", "", "lowest severity that makes the exit code 1 (overrides the config's fail_on)")
	fs.BoolVar(&f.new, "all-new", false, "report new findings anywhere, not only on changed lines")
	fs.BoolVar(&f.all, "all", false, "report every finding, new or pre-existing")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress line on standard error")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Minute, "time limit for each scanner")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean, nil
		}
		return ExitError, usagef("%v (see fourc scan -h)", err)
	}
	if len(positional) != 1 {
		return ExitError, usagef("scan takes one PATH, got %d arguments (see fourc scan -h)", len(positional))
	}
	if !oneOf(f.format, "text", "json", "sarif", "github") {
		return ExitError, usagef("--format %q is not one of text, json, sarif, github", f.format)
	}
	if f.vulndb == "" {
		f.vulndb = env.Getenv("FOURC_VULNDB")
	}
	if f.goVersion == "" {
		f.goVersion = env.Getenv("FOURC_GO_VERSION")
	}
	if f.goVersion != "" && !goRelease.MatchString(f.goVersion) {
		return ExitError, usagef("--go-version %q is not a Go release such as go1.22 or go1.22.4", f.goVersion)
	}
	root := positional[0]
	if info, err := os.Stat(root); err != nil {
		return ExitError, usagef("cannot scan %s: %v", root, errors.Unwrap(err))
	} else if !info.IsDir() {
		return ExitError, usagef("cannot scan %s: not a directory (fourc scans a project folder)", root)
	}

	scanners := env.Scanners(ScannerOptions{VulnDB: f.vulndb, GoVersion: f.goVersion})
	cat, err := catalogue(scanners)
	if err != nil {
		return ExitError, fmt.Errorf("rule catalogue: %w", err)
	}
	known := func(id string) bool { return cat.Rule(id) != nil }
	cfgPath, explicit := f.configPath, f.configPath != ""
	if !explicit {
		cfgPath = filepath.Join(root, filepath.FromSlash(config.DefaultPath))
	}
	cfg, err := config.Load(cfgPath, explicit, known)
	if err != nil {
		return ExitError, err
	}
	if f.failOn != "" {
		if cfg.FailOn, err = finding.ParseSeverity(f.failOn); err != nil {
			return ExitError, usagef("--fail-on: %v", err)
		}
	}

	mode := engine.NewOnChangedLines
	switch {
	case f.all:
		mode = engine.All
	case f.new:
		mode = engine.AllNew
	}
	// In a git checkout, what git ignores (build output, caches) is not part of the project.
	// Where git cannot say (not a checkout, or PATH itself is ignored), nothing extra is left out.
	ignored, err := source.Ignored(ctx, root)
	if err != nil {
		ignored = nil
	}
	prog := &engine.Progress{}
	stopProgress := startProgress(env, f.quiet, prog)
	rep, err := scan(ctx, root, f.base, engine.Options{
		Scanners: scanners, Config: cfg, Mode: mode, ScannerTimeout: f.timeout, Progress: prog, Exclude: ignored,
	})
	stopProgress()
	if err != nil {
		return ExitError, err
	}

	out := env.Stdout
	color := report.ShouldColor(env.StdoutTTY, env.Getenv)
	if f.output != "" {
		file, err := os.Create(f.output)
		if err != nil {
			return ExitError, fmt.Errorf("create report file: %w", err)
		}
		defer file.Close()
		out, color = file, false
	}
	if err := render(out, f.format, rep, cat, env.Version, color); err != nil {
		return ExitError, fmt.Errorf("write %s report: %w", f.format, err)
	}
	if f.output != "" {
		if err := out.(*os.File).Close(); err != nil {
			return ExitError, fmt.Errorf("write report file: %w", err)
		}
	}
	if rep.Failed() {
		return ExitFindings, nil
	}
	return ExitClean, nil
}

// scan runs the engine on root and, with a base revision, on that revision's tree first so that
// findings can be classified as new, existing or fixed.
func scan(ctx context.Context, root, base string, opts engine.Options) (*engine.Report, error) {
	if base == "" {
		return engine.Run(ctx, root, opts)
	}
	rev, err := source.ResolveRevision(ctx, root, base)
	if err != nil {
		return nil, err
	}
	d, err := source.GitDiff(ctx, root, rev)
	if err != nil {
		return nil, fmt.Errorf("diff against %s: %w", base, err)
	}
	opts.DiffFilesOnly = onlyChangedLines(opts.Mode)
	baseDiff := (*diff.Diff)(nil)
	if opts.DiffFilesOnly {
		baseDiff = d.BaseFiles()
	}
	baseline, err := scanRevision(ctx, root, rev, baseDiff, opts)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", base, err)
	}
	opts.Diff, opts.Baseline = d, baseline
	return engine.Run(ctx, root, opts)
}

// onlyChangedLines says whether a mode shows findings on changed lines alone: then the files
// the diff leaves alone need no scanning, in the head or in the base.
func onlyChangedLines(m engine.Mode) bool { return m == engine.NewOnChangedLines }

// scanRevision exports rev's tree into a temporary directory (the user's checkout is never
// touched) and returns every finding there, suppressed ones included — in the files baseDiff
// touches, when it is set.
func scanRevision(ctx context.Context, root, rev string, baseDiff *diff.Diff, opts engine.Options) ([]finding.Finding, error) {
	tmp, err := os.MkdirTemp("", "fourc-base-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	prefix, err := source.WorkTreePrefix(ctx, root)
	if err != nil {
		return nil, err
	}
	baseRoot := filepath.Join(tmp, "tree")
	if err := source.ExportRevision(ctx, root, rev, prefix, baseRoot); err != nil {
		return nil, err
	}
	opts.Mode, opts.Diff, opts.Baseline = engine.All, baseDiff, nil
	opts.Progress = nil
	rep, err := engine.Run(ctx, baseRoot, opts)
	if err != nil {
		return nil, err
	}
	baseline := make([]finding.Finding, 0, len(rep.Items))
	for _, it := range rep.Items {
		baseline = append(baseline, it.Finding)
	}
	return baseline, nil
}

func render(w io.Writer, format string, rep *engine.Report, cat *finding.Catalogue, version string, color bool) error {
	switch format {
	case "json":
		return report.JSON(w, rep, cat, report.JSONOptions{ToolVersion: version})
	case "sarif":
		return report.SARIF(w, rep, cat, report.SARIFOptions{ToolVersion: version})
	case "github":
		return report.GitHub(w, rep)
	default:
		return report.Text(w, rep, report.TextOptions{Color: color})
	}
}
