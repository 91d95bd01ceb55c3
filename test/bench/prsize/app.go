package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// appReportPath is where test/bench/app.sh leaves its report.
const appReportPath = ".cache/bench/app/report.md"

// appShortArgs is the setting used when no webhook report exists yet: a tenth of the script's
// default load, enough for percentiles, short enough not to dominate `make bench`.
var (
	appShortArgs = []string{"100", "10s"}
	appShortEnv  = []string{"APP_BENCH_E2E_RUNS=3", "APP_BENCH_COLD_RUNS=3"}
)

// appFigures is what the report shows of the GitHub App benchmark.
type appFigures struct {
	source   string
	written  reportTime
	machine  string     // the report's own machine line: its load average is not this run's
	load     [][]string // one row per store and run, in loadColumns order
	e2e      [][]string // one row per store, in e2eColumns order
	coldInit string     // median time from process start to the first `next`
	problem  string
}

var (
	loadColumns = []string{"store (run)", "sent", "throughput", "p50", "p90", "p99", "max"}
	e2eColumns  = []string{"store", "runs", "median", "min", "max"}
)

func readApp(repo string) appFigures {
	res := appFigures{source: appReportPath}
	path := filepath.Join(repo, appReportPath)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		res.problem = fmt.Sprintf("No report yet: `bash test/bench/app.sh %s` (needs node for dynalite) writes `%s`; `make bench` runs it when the file is missing.", strings.Join(appShortArgs, " "), appReportPath)
		return res
	}
	if err != nil {
		res.problem = fmt.Sprintf("`%s` could not be read (%v).", appReportPath, err)
		return res
	}
	res.written = reportDate(repo, appReportPath)
	if err := res.parse(parseMarkdown(string(data))); err != nil {
		res.problem = fmt.Sprintf("`%s` is not in the format this summary reads (%v); run `bash test/bench/app.sh` again, or read the report itself.", appReportPath, err)
	}
	return res
}

func (a *appFigures) parse(doc *mdDoc) error {
	for _, line := range strings.Split(doc.text, "\n") {
		if strings.HasPrefix(line, "Machine:") {
			a.machine = strings.TrimSpace(line)
			break
		}
	}
	load, err := doc.table("store (run)", "throughput", "p50", "p99")
	if err != nil {
		return err
	}
	for _, r := range load.allRows() {
		a.load = append(a.load, cellsOf(r, loadColumns))
	}
	if len(a.load) == 0 {
		return fmt.Errorf("the load table has no rows")
	}
	if e2e, err := doc.table("store", "runs", "median", "conclusion"); err == nil {
		for _, r := range e2e.allRows() {
			a.e2e = append(a.e2e, cellsOf(r, e2eColumns))
		}
	}
	if cold, err := doc.table("measure", "median"); err == nil {
		if r, err := cold.row("init", true); err == nil {
			a.coldInit, _ = r.cell("median")
		}
	}
	return nil
}

// cellsOf returns the row's cells of columns, "–" for a column the report lacks.
func cellsOf(r mdRow, columns []string) []string {
	cells := make([]string, len(columns))
	for i, c := range columns {
		v, err := r.cell(c)
		if err != nil || v == "" {
			v = "–"
		}
		cells[i] = v
	}
	return cells
}
