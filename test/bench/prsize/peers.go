package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

// peer is one of the comparison benchmarks of test/bench: the script that measures fourc against
// another tool, where it leaves its Markdown report, and what the summary takes from it.
type peer struct {
	name    string // what the comparison covers
	tool    string // the other tool's binary, as the script installs it in .cache/bin
	script  string // relative to the repository
	reports []string
	// extract reads the report; an error means its format was not recognised.
	extract func(doc *mdDoc) (peerFigures, error)
}

// peerFigures is what the summary shows of one comparison.
type peerFigures struct {
	rows  []ratioRow
	notes []string
}

// ratioRow compares one measure of fourc with the same measure of the peer.
type ratioRow struct {
	measure     string
	fourc, peer float64
	unit        string // "s" or "MiB"
}

// ratio is fourc's figure over the peer's, or NaN when the peer's is zero.
func (r ratioRow) ratio() float64 {
	if r.peer == 0 {
		return math.NaN()
	}
	return r.fourc / r.peer
}

// peerResult is one comparison as the report shows it: figures, or why there are none.
type peerResult struct {
	peer    peer
	source  string // the report read, relative to the repository
	written reportTime
	version string
	figures peerFigures
	problem string
}

func peers() []peer {
	return []peer{
		{
			name: "secrets", tool: "gitleaks", script: "test/bench/secrets.sh",
			reports: []string{".cache/bench/secrets/report.md"},
			extract: extractSecrets,
		},
		{
			name: "Kubernetes", tool: "kube-score", script: "test/bench/k8s.sh",
			reports: []string{".cache/bench/k8s/results/report.md", ".cache/bench/k8s/report.md"},
			extract: func(doc *mdDoc) (peerFigures, error) {
				return extractCorpusComparison(doc, corpusComparison{
					tool: "kube-score", checkColumn: "kube-score check", totalRow: "all security checks",
					recallColumn: "recall", countColumn: "kube-score findings",
					recallText: "Recall: fourc reports %[1]s of kube-score's %[2]s security findings, in the checks both tools have.",
				})
			},
		},
		{
			name: "Terraform (AWS)", tool: "tfsec", script: "test/bench/iac.sh",
			reports: []string{".cache/bench/iac/results/report.md", ".cache/bench/iac/report.md"},
			extract: func(doc *mdDoc) (peerFigures, error) {
				return extractCorpusComparison(doc, corpusComparison{
					tool: "tfsec", checkColumn: "tfsec check", totalRow: "total",
					recallColumn: "in-scope recall", countColumn: "tfsec high/critical",
					recallText: "Recall: fourc reports %[1]s of tfsec's %[2]s high and critical findings in the rule families fourc covers, leaving out those it omits by design (the report lists them).",
				})
			},
		},
		{
			name: "Go analyzers", tool: "gosec", script: "test/bench/gosec.sh",
			reports: []string{".cache/bench/gosec/report.md"},
			extract: extractGosec,
		},
		{
			name: "Go dependency vulnerabilities", tool: "govulncheck", script: "test/bench/deps.sh",
			// The committed results stand in until the script has been run on this machine.
			reports: []string{".cache/bench/deps/report.md", "test/bench/deps-results.md"},
			extract: extractDeps,
		},
	}
}

// readPeer reads the first of p's reports that exists under repo.
func readPeer(repo string, p peer) peerResult {
	res := peerResult{peer: p}
	for _, rel := range p.reports {
		data, err := os.ReadFile(filepath.Join(repo, rel))
		if os.IsNotExist(err) {
			continue
		}
		res.source = rel
		if err != nil {
			res.problem = fmt.Sprintf("`%s` could not be read (%v).", rel, err)
			return res
		}
		res.written = reportDate(repo, rel)
		doc := parseMarkdown(string(data))
		res.version = doc.toolVersion(p.tool)
		figures, err := p.extract(doc)
		if err != nil {
			res.problem = fmt.Sprintf("`%s` is not in the format this summary reads (%v); run `bash %s` again, or read the report itself.", rel, err, p.script)
			return res
		}
		res.figures = figures
		return res
	}
	res.problem = fmt.Sprintf("No report yet: `bash %s` (or `BENCH_PEERS=1 make bench`) installs %s into .cache/bin and writes `%s`.", p.script, p.tool, p.reports[0])
	return res
}

// peerInstalled reports whether p's tool is already on the machine, so that running its script
// measures rather than installs.
func peerInstalled(repo string, p peer) bool {
	if info, err := os.Stat(filepath.Join(repo, ".cache/bin", p.tool)); err == nil && !info.IsDir() {
		return true
	}
	return false
}

func extractSecrets(doc *mdDoc) (peerFigures, error) {
	t, err := doc.table("tool", "wall s", "peak RSS MiB", "findings")
	if err != nil {
		return peerFigures{}, err
	}
	fourc, err := t.row("fourc", true)
	if err != nil {
		return peerFigures{}, err
	}
	other, err := t.row("gitleaks", true)
	if err != nil {
		return peerFigures{}, err
	}
	rows, err := ratioRows(fourc, other, []measureColumn{
		{"wall time", "wall s", "s"},
		{"peak RSS", "peak RSS MiB", "MiB"},
	})
	if err != nil {
		return peerFigures{}, err
	}
	fourcFindings, err := fourc.cell("findings")
	if err != nil {
		return peerFigures{}, err
	}
	otherFindings, err := other.cell("findings")
	if err != nil {
		return peerFigures{}, err
	}
	tree := ""
	if mb, err := fourc.cell("MB/s"); err == nil {
		tree = fmt.Sprintf(" Throughput: fourc %s MB/s.", mb)
	}
	return peerFigures{rows: rows, notes: []string{
		fmt.Sprintf("Findings: fourc %s, gitleaks %s (the report triages the ones only one tool reports).%s", fourcFindings, otherFindings, tree),
	}}, nil
}

// corpusComparison names the parts of a k8s.sh or iac.sh report that differ between the two.
type corpusComparison struct {
	tool                  string
	checkColumn, totalRow string // the recall table's first column, and its total row
	recallColumn          string
	countColumn           string // the peer's findings the recall is of
	recallText            string // a format taking the recall and the count
}

// extractCorpusComparison reads the shape k8s.sh and iac.sh share: a timing table with one row
// per tool, and a recall table whose total row gives fourc's recall of the peer's findings.
func extractCorpusComparison(doc *mdDoc, c corpusComparison) (peerFigures, error) {
	t, err := doc.table("tool", "wall time (median)", "CPU user+sys (median)", "peak RSS (max)")
	if err != nil {
		return peerFigures{}, err
	}
	fourc, err := t.row("fourc", false)
	if err != nil {
		return peerFigures{}, err
	}
	other, err := t.row(c.tool, false)
	if err != nil {
		return peerFigures{}, err
	}
	rows, err := ratioRows(fourc, other, []measureColumn{
		{"wall time", "wall time (median)", "s"},
		{"CPU time", "CPU user+sys (median)", "s"},
		{"peak RSS", "peak RSS (max)", "MiB"},
	})
	if err != nil {
		return peerFigures{}, err
	}
	recallTable, err := doc.table(c.checkColumn, c.recallColumn, c.countColumn)
	if err != nil {
		return peerFigures{}, err
	}
	total, err := recallTable.row(c.totalRow, false)
	if err != nil {
		return peerFigures{}, err
	}
	recall, err := total.cell(c.recallColumn)
	if err != nil {
		return peerFigures{}, err
	}
	count, err := total.cell(c.countColumn)
	if err != nil {
		return peerFigures{}, err
	}
	return peerFigures{rows: rows, notes: []string{
		fmt.Sprintf(c.recallText, recall, count),
	}}, nil
}

func extractGosec(doc *mdDoc) (peerFigures, error) {
	t, err := doc.table("run", "wall s", "CPU s", "peak RSS MiB")
	if err != nil {
		return peerFigures{}, err
	}
	var rows []ratioRow
	for _, cache := range []string{"warm", "cold"} {
		fourc, errFourc := t.row("fourc scan, "+cache, false)
		other, errOther := t.row("gosec scan, "+cache, false)
		if errFourc != nil || errOther != nil {
			if cache == "warm" {
				return peerFigures{}, fmt.Errorf("warm scans: %w", firstError(errFourc, errOther))
			}
			continue // the cold runs are optional in gosec.sh (SKIP_COLD=1)
		}
		pair, err := ratioRows(fourc, other, []measureColumn{
			{"wall time, " + cache + " build cache", "wall s", "s"},
			{"CPU time, " + cache + " build cache", "CPU s", "s"},
			{"peak RSS, " + cache + " build cache", "peak RSS MiB", "MiB"},
		})
		if err != nil {
			return peerFigures{}, err
		}
		rows = append(rows, pair...)
	}
	var notes []string
	if corpus, err := doc.table("class", "expected", "fourc", "gosec"); err == nil {
		if all, err := corpus.row("all", false); err == nil {
			f, errF := all.cell("fourc")
			g, errG := all.cell("gosec")
			if errF == nil && errG == nil {
				notes = append(notes, fmt.Sprintf("Recall on the bundled corpus of vulnerable handlers: fourc %s, gosec %s.", f, g))
			}
		}
	}
	if triage, err := doc.table("tool", "est. false-positive rate"); err == nil {
		f, errF := triage.row("fourc", false)
		g, errG := triage.row("gosec", false)
		if errF == nil && errG == nil {
			fr, _ := f.cell("est. false-positive rate")
			gr, _ := g.cell("est. false-positive rate")
			fs, _ := f.cell("sampled")
			gs, _ := g.cell("sampled")
			notes = append(notes, fmt.Sprintf("Estimated false-positive rate on alertmanager, from a triaged sample: fourc %s (of %s), gosec %s (of %s).", fr, fs, gr, gs))
		}
	}
	return peerFigures{rows: rows, notes: notes}, nil
}

func extractDeps(doc *mdDoc) (peerFigures, error) {
	t, err := doc.table("module", "stdlib", "fourc s", "govulncheck s", "fourc MiB", "govulncheck MiB")
	if err != nil {
		return peerFigures{}, err
	}
	var rows []ratioRow
	var timeRatios, memoryRatios []float64
	for _, r := range t.allRows() {
		module, _ := r.cell("module")
		stdlib, _ := r.cell("stdlib")
		q, err := readQuantities(r, "fourc s", "govulncheck s", "fourc MiB", "govulncheck MiB")
		if err != nil {
			return peerFigures{}, err
		}
		pair := []ratioRow{
			{measure: "wall time", fourc: q[0], peer: q[1], unit: "s"},
			{measure: "peak RSS", fourc: q[2], peer: q[3], unit: "MiB"},
		}
		timeRatios = append(timeRatios, pair[0].ratio())
		memoryRatios = append(memoryRatios, pair[1].ratio())
		// alertmanager is the repository the pull-request measurements use, so its rows are shown.
		if module == "alertmanager" {
			for i := range pair {
				pair[i].measure = fmt.Sprintf("%s, %s (standard library %s)", pair[i].measure, module, stdlib)
			}
			rows = append(rows, pair...)
		}
	}
	if len(timeRatios) == 0 {
		return peerFigures{}, fmt.Errorf("the time and memory table has no rows")
	}
	notes := []string{fmt.Sprintf("Over all %d module and standard-library pairs: time ratio median %s (%s–%s), memory ratio median %s (%s–%s).",
		len(timeRatios), formatRatio(median(timeRatios)), formatRatio(minOf(timeRatios)), formatRatio(maxOf(timeRatios)),
		formatRatio(median(memoryRatios)), formatRatio(minOf(memoryRatios)), formatRatio(maxOf(memoryRatios)))}
	if levels, err := doc.table("module", "stdlib", "level", "only fourc", "only govulncheck"); err == nil {
		same, pairs := 0, 0
		for _, r := range levels.allRows() {
			if level, _ := r.cell("level"); level != "symbol" {
				continue
			}
			onlyFourc, errF := r.quantity("only fourc")
			onlyOther, errG := r.quantity("only govulncheck")
			if errF != nil || errG != nil {
				continue
			}
			pairs++
			if onlyFourc == 0 && onlyOther == 0 {
				same++
			}
		}
		if pairs > 0 {
			notes = append(notes, fmt.Sprintf("Vulnerabilities whose vulnerable function is called (symbol level): the same ids from both tools in %d of %d module and standard-library pairs.", same, pairs))
		}
	}
	return peerFigures{rows: rows, notes: notes}, nil
}

// measureColumn names a measure and the column that holds it.
type measureColumn struct {
	measure, column, unit string
}

func ratioRows(fourc, other mdRow, columns []measureColumn) ([]ratioRow, error) {
	rows := make([]ratioRow, 0, len(columns))
	for _, c := range columns {
		f, err := fourc.quantity(c.column)
		if err != nil {
			return nil, err
		}
		o, err := other.quantity(c.column)
		if err != nil {
			return nil, err
		}
		rows = append(rows, ratioRow{measure: c.measure, fourc: f, peer: o, unit: c.unit})
	}
	return rows, nil
}

func readQuantities(r mdRow, columns ...string) ([]float64, error) {
	values := make([]float64, len(columns))
	for i, c := range columns {
		v, err := r.quantity(c)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	return values, nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func median(values []float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func minOf(values []float64) float64 {
	m := math.Inf(1)
	for _, v := range values {
		m = math.Min(m, v)
	}
	return m
}

func maxOf(values []float64) float64 {
	m := math.Inf(-1)
	for _, v := range values {
		m = math.Max(m, v)
	}
	return m
}

func formatRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", r)
}

// reportDate is when a report was written: the date of the commit that last changed it when it
// is committed and unchanged (a checkout resets its file time), else its file time.
func reportDate(repo, rel string) reportTime {
	cmd := exec.Command("git", "log", "-1", "--format=%cI", "--", rel)
	cmd.Dir = repo
	if out, err := cmd.Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
		status := exec.Command("git", "status", "--porcelain", "--", rel)
		status.Dir = repo
		if changes, err := status.Output(); err == nil && len(bytes.TrimSpace(changes)) == 0 {
			if t, err := time.Parse(time.RFC3339, string(bytes.TrimSpace(out))); err == nil {
				return reportTime{when: t, committed: true}
			}
		}
	}
	if info, err := os.Stat(filepath.Join(repo, rel)); err == nil {
		return reportTime{when: info.ModTime()}
	}
	return reportTime{}
}

// reportTime is when a report was written, so that old figures are not read as today's.
type reportTime struct {
	when      time.Time
	committed bool
}

func (t reportTime) String() string {
	switch {
	case t.when.IsZero():
		return "date unknown"
	case t.committed:
		return "committed " + t.when.UTC().Format("2006-01-02")
	default:
		return "written " + t.when.UTC().Format("2006-01-02 15:04 UTC")
	}
}
