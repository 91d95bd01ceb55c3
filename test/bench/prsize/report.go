package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// Which sub-benchmarks `prsize report` runs before it reads their reports.
const (
	runNone    = "none"    // read what exists
	runMissing = "missing" // run those without a report whose tool is installed, and app.sh
	runAll     = "all"     // run every peer script again
)

type reportConfig struct {
	repo    string
	results string
	out     string
	svg     string
	run     string
}

func reportCommand(args []string) error {
	fl := flag.NewFlagSet("report", flag.ExitOnError)
	var c reportConfig
	fl.StringVar(&c.repo, "repo", ".", "the fourc checkout (where the other benchmarks keep their reports)")
	fl.StringVar(&c.results, "results", ".cache/bench/prsize/results.json", "what `prsize measure` wrote")
	fl.StringVar(&c.out, "out", "docs/bench.md", "the Markdown report to write")
	fl.StringVar(&c.svg, "svg", "docs/bench-pr-size.svg", "the chart to write; bench.md links it by file name")
	fl.StringVar(&c.run, "run", runMissing, "sub-benchmarks to run first: none, missing (peers whose tool is installed but whose report is missing, and the App benchmark when its report is missing) or all (every peer script)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	switch c.run {
	case runNone, runMissing, runAll:
	default:
		return fmt.Errorf("-run %q: want none, missing or all", c.run)
	}
	res, err := readResults(c.results)
	if err != nil {
		return err
	}
	in := reportInput{results: res, chartFile: filepath.Base(c.svg), runMode: c.run}
	in.app, in.appRun = prepareApp(c.repo, c.run)
	for _, p := range peers() {
		r, ran := preparePeer(c.repo, p, c.run)
		in.peers = append(in.peers, r)
		in.peersRun = append(in.peersRun, ran...)
	}

	var md, svg bytes.Buffer
	if err := writeChart(&svg, chartTitle(res), chartSubtitle(res), chartGroups(res)); err != nil {
		return fmt.Errorf("draw the chart: %w", err)
	}
	if err := renderReport(&md, in); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	if err := os.WriteFile(c.svg, svg.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write the chart: %w", err)
	}
	if err := os.WriteFile(c.out, md.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	logf("wrote %s and %s", c.out, c.svg)
	return nil
}

// prepareApp runs the App benchmark with a short setting when its report is missing, then
// reads the report.
func prepareApp(repo, mode string) (appFigures, []string) {
	var ran []string
	if _, err := os.Stat(filepath.Join(repo, appReportPath)); os.IsNotExist(err) && mode != runNone {
		label := "test/bench/app.sh " + strings.Join(appShortArgs, " ")
		if err := runScript(repo, "test/bench/app.sh", appShortArgs, appShortEnv); err != nil {
			ran = append(ran, label+" (failed: "+err.Error()+")")
		} else {
			ran = append(ran, label)
		}
	}
	return readApp(repo), ran
}

// preparePeer runs p's script when mode asks for it, then reads its report. A failed run keeps
// the previous report, if any: the scripts replace theirs only when they complete.
func preparePeer(repo string, p peer, mode string) (peerResult, []string) {
	var ran []string
	if shouldRunPeer(repo, p, mode) {
		if err := runScript(repo, p.script, nil, nil); err != nil {
			ran = append(ran, p.script+" (failed: "+err.Error()+")")
		} else {
			ran = append(ran, p.script)
		}
	}
	return readPeer(repo, p), ran
}

func shouldRunPeer(repo string, p peer, mode string) bool {
	switch mode {
	case runAll:
		return true
	case runMissing:
		for _, rel := range p.reports {
			if _, err := os.Stat(filepath.Join(repo, rel)); err == nil {
				return false
			}
		}
		return peerInstalled(repo, p)
	}
	return false
}

// runScript runs a benchmark script with its progress and report on standard error, so that
// this command's own output stays the report's path.
func runScript(repo, script string, args, env []string) error {
	logf("running %s %s", script, strings.Join(args, " "))
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", script, err)
	}
	return nil
}

// reportInput is everything docs/bench.md is made of.
type reportInput struct {
	results   *results
	app       appFigures
	appRun    []string
	peers     []peerResult
	peersRun  []string
	chartFile string
	runMode   string
}

func renderReport(w io.Writer, in reportInput) error {
	res := in.results
	if res == nil || len(res.Scenarios) == 0 {
		return errors.New("no measurements")
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("# fourc benchmarks\n\n")
	p("Written by `make bench` (test/bench/prsize.sh, which runs the Go program test/bench/prsize); ")
	p("do not edit by hand. How to reproduce it is at the end.\n\n")

	p("## Machine\n\n")
	p("| | |\n|---|---|\n")
	p("| date | %s (measurements took %s) |\n", res.Started.Format("2006-01-02 15:04 UTC"), res.Finished.Sub(res.Started).Round(1e9))
	p("| cores | %d |\n", res.Machine.Cores)
	p("| memory | %s |\n", formatMemory(res.Machine.MemoryBytes))
	p("| Go | %s, %s |\n", res.Machine.GoVersion, res.Machine.Platform)
	commit := res.Machine.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	dirty := ""
	if res.Machine.Dirty {
		dirty = "; the working tree had uncommitted changes"
	}
	p("| fourc | `%s` (git commit %s%s) |\n", res.FourcVersion, commit, dirty)
	p("| load average (1, 5, 15 min) | %s at the start, %s at the end |\n\n", res.Machine.LoadAtStart, res.LoadAtEnd)
	p("The machine is shared with other work, so wall times are noisy: every figure is the median of ")
	p("%d runs taken in turn across the scenarios, and CPU time is given as the steadier measure.\n\n", res.Runs)

	renderPRSize(&b, in)
	renderApp(&b, in)
	renderPeers(&b, in)
	renderHowTo(&b, in)
	_, err := io.WriteString(w, b.String())
	return err
}

func renderPRSize(b *strings.Builder, in reportInput) {
	res := in.results
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Scan time by pull-request size\n\n")
	p("Repository: `%s`, fetched through the module proxy and committed as the base of a scratch ", res.Module)
	p("git repository: %d files, %d Go files (and %d test files) in %d directories, %d lines of Go. ",
		res.Tree.Files, res.Tree.GoFiles, res.Tree.GoTestFiles, res.Tree.GoDirs, res.Tree.GoLines)
	p("Each pull request is one head commit on that base. A Go pull request appends a small function ")
	p("to each of N hand-written Go files, taken one per directory in turn (sources before tests) so ")
	p("that they spread over the packages; %s. The ", describeEdited(res))
	p("manifest-only one adds a download and a health check to the Dockerfile, a job to the CI ")
	p("workflow, and a Kubernetes Deployment and Service (alertmanager ships no Kubernetes manifest).\n\n")
	p("Command: `%s` — the real binary from `make build`, with the Go vulnerability snapshot in `%s` so that nothing is fetched; ", res.Command, res.VulnDB)
	p("the full scan runs `fourc scan --all` on the base instead. One untimed scan warms the caches first. ")
	p("Wall time, CPU time (user + system, the whole process tree) and peak RSS (the largest process of the tree) of the `fourc` process, from its rusage.\n\n")

	p("| pull request | files changed | findings shown | wall s (median) | wall s (min–max) | CPU s (median) | peak RSS MiB (median) | runs |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	var full *summary
	partial := map[string][]string{} // reason → the scenarios that reported it
	var reasons []string
	for _, s := range res.Scenarios {
		sum := summarize(s)
		changed := fmt.Sprintf("%d", len(s.ChangedFiles))
		if s.Kind == "full" {
			changed = "–"
			full = &sum
		}
		findings := fmt.Sprintf("%d", sum.findings)
		if sum.findingsVary {
			findings += " (varied between runs)"
		}
		for _, reason := range sum.partial {
			if _, seen := partial[reason]; !seen {
				reasons = append(reasons, reason)
			}
			partial[reason] = append(partial[reason], chartLabel(s))
		}
		p("| %s | %s | %s | %s | %s–%s | %s | %.0f | %d |\n", s.Name, changed, findings,
			formatSeconds(sum.wall), formatSeconds(sum.wallMin), formatSeconds(sum.wallMax), formatSeconds(sum.cpu), sum.rssMiB, len(s.Runs))
	}
	p("\n")
	for _, reason := range reasons {
		where := strings.Join(partial[reason], ", ")
		if len(partial[reason]) == len(res.Scenarios) {
			where = "every scenario"
		}
		p("Partial scan (%s): %s.\n\n", where, strings.TrimSuffix(in.redact(reason), "."))
	}
	p("![Scan time by pull-request size](%s)\n\n", in.chartFile)
	if full != nil && full.wall > 0 {
		var parts []string
		for _, s := range res.Scenarios {
			if s.Kind == "full" {
				continue
			}
			sum := summarize(s)
			parts = append(parts, fmt.Sprintf("%s %.2f× (%.2f×)", chartLabel(s), sum.wall/full.wall, sum.cpu/full.cpu))
		}
		p("Median wall time (and CPU time) relative to the full scan: %s. ", strings.Join(parts, ", "))
		p("A scan with `--base` scans the head and, for the baseline that tells a new finding from an existing ")
		p("one, the base revision, both only in the files the change touched (the Go analyzers load the ")
		p("packages of those files; the dependency scanner runs when a go.mod or lockfile changed).\n\n")
	}
	p("\"Findings shown\" is `summary.shown` of the JSON report: new findings on changed lines for a pull ")
	p("request, every finding for the full scan. The raw runs are in `.cache/bench/prsize/results.json` after a run.\n\n")
}

func renderApp(b *strings.Builder, in reportInput) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Webhook latency (GitHub App)\n\n")
	a := in.app
	if a.problem != "" {
		p("%s\n\n", a.problem)
		return
	}
	p("From `%s` (%s), written by `test/bench/app.sh`; its method is described there. ", a.source, a.written)
	if a.machine != "" {
		p("Its own header: \"%s\"", strings.TrimSuffix(a.machine, "."))
		p(".")
	}
	p("\n\nWebhook handler under an open-loop load on loopback (HMAC check, dedupe write, check-run creation at a fake GitHub, enqueue); latency from each request's scheduled send time:\n\n")
	p("| %s |\n|---|%s\n", strings.Join(loadColumns, " | "), strings.Repeat("---:|", len(loadColumns)-1))
	for _, row := range a.load {
		p("| %s |\n", strings.Join(row, " | "))
	}
	p("\n")
	if len(a.e2e) > 0 {
		p("Webhook to completed check run on examples/demo:\n\n")
		p("| %s |\n|---|%s\n", strings.Join(e2eColumns, " | "), strings.Repeat("---:|", len(e2eColumns)-1))
		for _, row := range a.e2e {
			p("| %s |\n", strings.Join(row, " | "))
		}
		p("\n")
	}
	if a.coldInit != "" {
		p("Lambda bootstrap cold start, process start to ready for the first event: %s (median).\n\n", a.coldInit)
	}
}

func renderPeers(b *strings.Builder, in reportInput) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Peers\n\n")
	p("Key rows of the comparison benchmarks in test/bench, read from their reports. Each runs on its ")
	p("own corpus (named in its report). The ratio is fourc's figure over the peer's: below 1, fourc ")
	p("is faster or smaller.\n\n")
	var rows []string
	for _, r := range in.peers {
		for _, row := range r.figures.rows {
			peerName := r.peer.tool
			if r.version != "" {
				peerName += " " + r.version
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", r.peer.name, peerName, row.measure,
				formatMeasure(row.fourc, row.unit), formatMeasure(row.peer, row.unit), formatRatio(row.ratio())))
		}
	}
	if len(rows) > 0 {
		p("| fourc scanner | peer | measure | fourc | peer | fourc ÷ peer |\n|---|---|---|---:|---:|---:|\n")
		p("%s\n\n", strings.Join(rows, "\n"))
	}
	for _, r := range in.peers {
		title := fmt.Sprintf("**%s vs %s**", r.peer.name, r.peer.tool)
		if r.problem != "" {
			p("- %s — not included. %s\n", title, r.problem)
			continue
		}
		p("- %s — from `%s` (%s). %s\n", title, r.source, r.written, strings.Join(r.figures.notes, " "))
	}
	p("\n")
}

func renderHowTo(b *strings.Builder, in reportInput) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## How this report is produced\n\n")
	p("```sh\nmake bench                  # Go benchmarks, then this report and %s\n", in.chartFile)
	p("BENCH_PEERS=1 make bench    # also re-runs every peer comparison first (installs the peers; long)\n")
	p("BENCH_RUNS=5 make bench     # more runs per scenario\n```\n\n")
	p("`make bench` builds bin/fourc, then test/bench/prsize.sh runs `prsize measure` (the scenarios ")
	p("above; raw runs in .cache/bench/prsize/results.json) and `prsize report` (this file). By default ")
	p("(BENCH_PEERS unset) the peers section reads the reports the peer scripts left in .cache/bench, ")
	p("runs a peer script only when its tool is installed and its report missing, and runs ")
	p("test/bench/app.sh with a short setting when its report is missing; BENCH_PEERS=0 only reads. ")
	p("Each peer script also prints its full report, with the method and the triage of differences.\n\n")
	p("This run: sub-benchmarks run mode `%s`", in.runMode)
	ran := append(append([]string(nil), in.appRun...), in.peersRun...)
	if len(ran) == 0 {
		p("; none was run, the reports above were read as they were.\n")
	} else {
		p("; ran %s.\n", strings.Join(ran, ", "))
	}
}

// describeEdited says how many sources and tests the largest Go pull request edits.
func describeEdited(res *results) string {
	var largest *scenario
	for i, s := range res.Scenarios {
		if s.Kind == "pr" && isGoOnly(s) && (largest == nil || len(s.ChangedFiles) > len(largest.ChangedFiles)) {
			largest = &res.Scenarios[i]
		}
	}
	if largest == nil {
		return "no Go pull request was measured"
	}
	tests := 0
	for _, f := range largest.ChangedFiles {
		if strings.HasSuffix(f, "_test.go") {
			tests++
		}
	}
	return fmt.Sprintf("the %d-file one edits %d sources and %d test files", len(largest.ChangedFiles), len(largest.ChangedFiles)-tests, tests)
}

func isGoOnly(s scenario) bool {
	for _, f := range s.ChangedFiles {
		if !strings.HasSuffix(f, ".go") {
			return false
		}
	}
	return len(s.ChangedFiles) > 0
}

func chartLabel(s scenario) string {
	label, _, _ := strings.Cut(s.Name, " (")
	return label
}

func chartGroups(res *results) []chartGroup {
	groups := make([]chartGroup, 0, len(res.Scenarios))
	for _, s := range res.Scenarios {
		sum := summarize(s)
		groups = append(groups, chartGroup{label: chartLabel(s), wall: sum.wall, wallMin: sum.wallMin, wallMax: sum.wallMax, cpu: sum.cpu})
	}
	return groups
}

func chartTitle(*results) string {
	return "fourc scan time by pull-request size"
}

func chartSubtitle(res *results) []string {
	return []string{
		fmt.Sprintf("%s, median of %d runs per scenario", res.Module, res.Runs),
		fmt.Sprintf("%d cores (shared), %s, %s, fourc %s", res.Machine.Cores, res.Machine.GoVersion, res.Started.Format("2006-01-02"), res.FourcVersion),
	}
}

func formatSeconds(s float64) string {
	switch {
	case math.IsNaN(s):
		return "–"
	case s < 10:
		return fmt.Sprintf("%.2f", s)
	default:
		return fmt.Sprintf("%.1f", s)
	}
}

func formatMeasure(v float64, unit string) string {
	if unit == "s" {
		return formatSeconds(v) + " s"
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

func formatMemory(bytes uint64) string {
	if bytes == 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", float64(bytes)/(1<<30))
}

// absoluteSnapshot matches the snapshot's absolute path in a scanner's message, which says
// nothing on another machine.
var absoluteSnapshot = regexp.MustCompile(`/\S*/vulndb/osv\b`)

// redact writes the snapshot's path in a message as the report names it elsewhere.
func (in reportInput) redact(msg string) string {
	if in.results == nil || in.results.VulnDB == "" {
		return msg
	}
	return absoluteSnapshot.ReplaceAllLiteralString(msg, in.results.VulnDB)
}
