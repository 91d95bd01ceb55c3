package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The fixtures are cut from real reports of the scripts in test/bench (prose shortened, tables
// kept in their real shape), so that a change of a script's output shows up here.

const secretsReport = `## Secrets scan: fourc vs gitleaks

Tree: ` + "`.cache/secrets-bench/tree`" + ` — 4512 files, 75.3 MB. Machine: 2 cores, go1.26.8, gitleaks v8.28.0.

| tool | wall s | MB/s | peak RSS MiB | findings | runs |
|---|---:|---:|---:|---:|---:|
| fourc secrets | 1.52 | 49.5 | 38 | 12 | 3 |
| gitleaks dir | 38.00 | 2.0 | 190 | 310 | 1 |
`

const k8sReport = `## fourc Kubernetes scanner vs kube-score v1.20.0

| tool | runs | wall time (median) | objects/s | CPU user+sys (median) | peak RSS (max) |
|---|---|---|---|---|---|
| fourc | 7 | 4.62 s | 2583 | 1.80 s | 41 MiB |
| kube-score | 7 | 14.39 s | 829 | 4.20 s | 66 MiB |

| kube-score check | fourc rules | kube-score findings | also in fourc | recall |
|---|---|---|---|---|
| container-image-tag | k8s-image-tag | 515 | 507 | 98.4% |
| **all security checks** | | **4998** | **4660** | **93.2%** |
`

const iacReport = `## fourc iac scanner vs tfsec v1.26.0

| tool | runs | wall time (median) | files/s | CPU user+sys (median) | peak RSS (max) |
|---|---|---|---|---|---|
| fourc | 3 | 0.48 s | 2954 | 0.27 s | 15 MiB |
| tfsec | 3 | 36.81 s | 39 | 18.57 s | 94 MiB |

| tfsec check | fourc rules | tfsec high/critical | recalled | raw recall | omitted by design | in-scope recall | all severities: tfsec / recalled |
|---|---|---|---|---|---|---|---|
| aws-ebs-enable-volume-encryption | aws-ebs-unencrypted | 4 | 4 | 100.0% | 0 | 100.0% | 4 / 4 |
| **total** | | **1406** | **1232** | **87.6%** | **168** | **99.5%** | 1676 / 1498 |
`

const gosecReport = `## Go analysis: fourc vs gosec

Machine: 2 cores, go1.26.8, gosec v2.30.0, load average 2.99 2.85 2.78 at the end of the run.

| class | expected | fourc | gosec |
|---|---:|---:|---:|
| sql-injection | 2 | 2/2 | 2/2 |
| **all** | **38** | **38/38** | **29/38** |

| run | wall s | CPU s | peak RSS MiB | runs |
|---|---:|---:|---:|---:|
| fourc scan, warm | 3.0 | 5.7 | 705 | 5 |
| gosec scan, warm | 9.1 | 17.3 | 102 | 5 |
| fourc loader only, trimmed, warm | 1.8 | 3.3 | 460 | 5 |

| tool | sampled | true positives | false positives | untriaged | est. false-positive rate |
|---|---:|---:|---:|---:|---:|
| fourc | 6 | 6 | 0 | 0 | 0% |
| gosec | 20 | 3 | 17 | 0 | 85% |
`

const depsReport = `# fourc deps vs govulncheck v1.9.0

| module | stdlib | level | fourc | govulncheck | both | only fourc | only govulncheck |
|---|---|---|---:|---:|---:|---:|---:|
| alertmanager | go1.26.8 | symbol | 5 | 5 | 5 | 0 | 0 |
| alertmanager | go1.26.8 | module | 61 | 40 | 40 | 21 | 0 |
| gin | go1.26.8 | symbol | 1 | 0 | 0 | 1 | 0 |

## Time and peak memory

| module | stdlib | fourc s | govulncheck s | time ratio | fourc MiB | govulncheck MiB | memory ratio |
|---|---|---:|---:|---:|---:|---:|---:|
| alertmanager | go1.26.8 | 5.00 | 10.00 | 0.50 | 800 | 1600 | 0.50 |
| gin | go1.26.8 | 2.00 | 8.00 | 0.25 | 400 | 1000 | 0.40 |
`

const appReport = `## fourc GitHub App benchmarks

Machine: 2 cores, go1.26.8, linux/amd64; load average before: 2.38 4.10 5.43.

| store (run) | sent | 202 | other | dropped | throughput | p50 | p90 | p99 | max | p99 target |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
| bolt (1) | 6000 | 6000 | 0 | 0 | 200 req/s | 2.2 ms | 5.4 ms | 16.5 ms | 122.6 ms | ≤ 15.0 ms: **missed** |

| store | runs | median | min | max | conclusion | annotations | target |
|---|---:|---:|---:|---:|---|---:|---|
| bolt | 5 | 770.1 ms | 741.8 ms | 1277.1 ms | failure | 14 | ≤ 5 s: met |

| measure | median | min | max | target |
|---|---:|---:|---:|---|
| init: process start → first ` + "`next`" + ` | 14.5 ms | 9.6 ms | 19.2 ms | ≤ 50 ms: met |
`

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func peerNamed(t *testing.T, tool string) peer {
	t.Helper()
	for _, p := range peers() {
		if p.tool == tool {
			return p
		}
	}
	t.Fatalf("no peer %s", tool)
	return peer{}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{in: "4.62 s", want: 4.62},
		{in: "770.1 ms", want: 0.7701},
		{in: "41 MiB", want: 41},
		{in: "1.5 GiB", want: 1536},
		{in: "93.2%", want: 93.2},
		{in: "2,583", want: 2583},
		{in: "38/38", want: 38},
		{in: "n/a", wantErr: true},
		{in: "", wantErr: true},
		{in: "3 parsecs", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseQuantity(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseQuantity(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("parseQuantity(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseMarkdownTables(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		want   []mdTable
		column string // a column that must be found in the first table
	}{
		{
			name:   "header, delimiter and rows; bold and escaped bars",
			text:   "intro\n\n| tool | wall s |\n|---|---:|\n| **fourc** | 1.0 |\n| a \\| b | 2 |\n\nafter\n",
			want:   []mdTable{{header: []string{"tool", "wall s"}, rows: [][]string{{"**fourc**", "1.0"}, {"a | b", "2"}}}},
			column: "Wall S",
		},
		{
			name: "a pipe line without a delimiter row is not a table",
			text: "| not | a table |\nplain text\n",
		},
		{
			name: "two tables separated by text",
			text: "| a |\n|---|\n| 1 |\ntext\n| b |\n|:--:|\n| 2 |\n",
			want: []mdTable{
				{header: []string{"a"}, rows: [][]string{{"1"}}},
				{header: []string{"b"}, rows: [][]string{{"2"}}},
			},
			column: "a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseMarkdown(tt.text)
			if diff := cmp.Diff(tt.want, doc.tables, cmp.AllowUnexported(mdTable{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("tables (-want +got):\n%s", diff)
			}
			if tt.column != "" && doc.tables[0].column(tt.column) < 0 {
				t.Errorf("column %q not found in %q", tt.column, doc.tables[0].header)
			}
		})
	}
}

func TestReadPeer(t *testing.T) {
	tests := []struct {
		tool        string
		report      string // written to the peer's first report path
		wantRows    []ratioRow
		wantNotes   []string // substrings of the notes
		wantVersion string
	}{
		{
			tool: "gitleaks", report: secretsReport, wantVersion: "v8.28.0",
			wantRows: []ratioRow{
				{measure: "wall time", fourc: 1.52, peer: 38, unit: "s"},
				{measure: "peak RSS", fourc: 38, peer: 190, unit: "MiB"},
			},
			wantNotes: []string{"Findings: fourc 12, gitleaks 310"},
		},
		{
			tool: "kube-score", report: k8sReport, wantVersion: "v1.20.0",
			wantRows: []ratioRow{
				{measure: "wall time", fourc: 4.62, peer: 14.39, unit: "s"},
				{measure: "CPU time", fourc: 1.80, peer: 4.20, unit: "s"},
				{measure: "peak RSS", fourc: 41, peer: 66, unit: "MiB"},
			},
			wantNotes: []string{"93.2% of kube-score's 4998 security findings"},
		},
		{
			tool: "tfsec", report: iacReport, wantVersion: "v1.26.0",
			wantRows: []ratioRow{
				{measure: "wall time", fourc: 0.48, peer: 36.81, unit: "s"},
				{measure: "CPU time", fourc: 0.27, peer: 18.57, unit: "s"},
				{measure: "peak RSS", fourc: 15, peer: 94, unit: "MiB"},
			},
			wantNotes: []string{"99.5% of tfsec's 1406 high and critical findings"},
		},
		{
			// No cold runs (SKIP_COLD=1): only the warm rows.
			tool: "gosec", report: gosecReport, wantVersion: "v2.30.0",
			wantRows: []ratioRow{
				{measure: "wall time, warm build cache", fourc: 3.0, peer: 9.1, unit: "s"},
				{measure: "CPU time, warm build cache", fourc: 5.7, peer: 17.3, unit: "s"},
				{measure: "peak RSS, warm build cache", fourc: 705, peer: 102, unit: "MiB"},
			},
			wantNotes: []string{"fourc 38/38, gosec 29/38", "fourc 0% (of 6), gosec 85% (of 20)"},
		},
		{
			tool: "govulncheck", report: depsReport, wantVersion: "v1.9.0",
			wantRows: []ratioRow{
				{measure: "wall time, alertmanager (standard library go1.26.8)", fourc: 5, peer: 10, unit: "s"},
				{measure: "peak RSS, alertmanager (standard library go1.26.8)", fourc: 800, peer: 1600, unit: "MiB"},
			},
			wantNotes: []string{"Over all 2 module and standard-library pairs: time ratio median 0.38 (0.25–0.50), memory ratio median 0.45 (0.40–0.50)", "in 1 of 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.tool, func(t *testing.T) {
			repo := t.TempDir()
			p := peerNamed(t, tt.tool)
			writeFile(t, repo, p.reports[0], tt.report)
			got := readPeer(repo, p)
			if got.problem != "" {
				t.Fatalf("problem: %s", got.problem)
			}
			if got.source != p.reports[0] {
				t.Errorf("source = %q, want %q", got.source, p.reports[0])
			}
			if got.version != tt.wantVersion {
				t.Errorf("version = %q, want %q", got.version, tt.wantVersion)
			}
			if diff := cmp.Diff(tt.wantRows, got.figures.rows, cmp.AllowUnexported(ratioRow{}), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			notes := strings.Join(got.figures.notes, "\n")
			for _, want := range tt.wantNotes {
				if !strings.Contains(notes, want) {
					t.Errorf("notes lack %q:\n%s", want, notes)
				}
			}
		})
	}
}

func TestReadPeerWithoutUsableReport(t *testing.T) {
	tests := []struct {
		name        string
		files       map[string]string
		tool        string
		wantSource  string
		wantProblem []string
	}{
		{
			name: "missing report says how to produce it", tool: "kube-score",
			wantProblem: []string{"No report yet", "bash test/bench/k8s.sh", ".cache/bench/k8s/results/report.md"},
		},
		{
			name: "unrecognised report is not guessed from", tool: "gitleaks",
			files:       map[string]string{".cache/bench/secrets/report.md": "# secrets\n\nno table here\n"},
			wantSource:  ".cache/bench/secrets/report.md",
			wantProblem: []string{"not in the format", "no table with the columns"},
		},
		{
			name: "a table without the peer's row", tool: "tfsec",
			files:       map[string]string{".cache/bench/iac/results/report.md": strings.Replace(iacReport, "| tfsec | 3 |", "| checkov | 3 |", 1)},
			wantSource:  ".cache/bench/iac/results/report.md",
			wantProblem: []string{"not in the format", `no row "tfsec"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			for rel, content := range tt.files {
				writeFile(t, repo, rel, content)
			}
			got := readPeer(repo, peerNamed(t, tt.tool))
			if len(got.figures.rows) != 0 || len(got.figures.notes) != 0 {
				t.Errorf("figures = %+v, want none", got.figures)
			}
			if got.source != tt.wantSource {
				t.Errorf("source = %q, want %q", got.source, tt.wantSource)
			}
			for _, want := range tt.wantProblem {
				if !strings.Contains(got.problem, want) {
					t.Errorf("problem %q lacks %q", got.problem, want)
				}
			}
		})
	}
}

func TestDepsPrefersFreshReportOverCommittedResults(t *testing.T) {
	tests := []struct {
		name       string
		files      []string
		wantSource string
	}{
		{name: "committed results only", files: []string{"test/bench/deps-results.md"}, wantSource: "test/bench/deps-results.md"},
		{name: "both", files: []string{"test/bench/deps-results.md", ".cache/bench/deps/report.md"}, wantSource: ".cache/bench/deps/report.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			for _, rel := range tt.files {
				writeFile(t, repo, rel, depsReport)
			}
			if got := readPeer(repo, peerNamed(t, "govulncheck")); got.source != tt.wantSource || got.problem != "" {
				t.Errorf("source = %q, problem = %q; want %q and no problem", got.source, got.problem, tt.wantSource)
			}
		})
	}
}

func TestShouldRunPeer(t *testing.T) {
	p := peerNamed(t, "kube-score")
	tests := []struct {
		name      string
		installed bool
		report    bool
		mode      string
		want      bool
	}{
		{name: "none never runs", installed: true, mode: runNone, want: false},
		{name: "missing runs an installed peer without a report", installed: true, mode: runMissing, want: true},
		{name: "missing keeps an existing report", installed: true, report: true, mode: runMissing, want: false},
		{name: "missing does not install a peer", mode: runMissing, want: false},
		{name: "all runs even with a report", installed: true, report: true, mode: runAll, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			if tt.installed {
				writeFile(t, repo, ".cache/bin/kube-score", "")
			}
			if tt.report {
				writeFile(t, repo, p.reports[0], k8sReport)
			}
			if got := shouldRunPeer(repo, p, tt.mode); got != tt.want {
				t.Errorf("shouldRunPeer = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadApp(t *testing.T) {
	tests := []struct {
		name        string
		report      string // empty: no report
		wantLoad    [][]string
		wantE2E     [][]string
		wantCold    string
		wantProblem string
	}{
		{
			name:     "real format",
			report:   appReport,
			wantLoad: [][]string{{"bolt (1)", "6000", "200 req/s", "2.2 ms", "5.4 ms", "16.5 ms", "122.6 ms"}},
			wantE2E:  [][]string{{"bolt", "5", "770.1 ms", "741.8 ms", "1277.1 ms"}},
			wantCold: "14.5 ms",
		},
		{name: "missing", wantProblem: "bash test/bench/app.sh 100 10s"},
		{name: "no load table", report: "## App\n\nnothing measured\n", wantProblem: "not in the format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			if tt.report != "" {
				writeFile(t, repo, appReportPath, tt.report)
			}
			got := readApp(repo)
			if !strings.Contains(got.problem, tt.wantProblem) || (tt.wantProblem == "" && got.problem != "") {
				t.Fatalf("problem = %q, want one containing %q", got.problem, tt.wantProblem)
			}
			if diff := cmp.Diff(tt.wantLoad, got.load, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("load rows (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantE2E, got.e2e, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("end-to-end rows (-want +got):\n%s", diff)
			}
			if got.coldInit != tt.wantCold {
				t.Errorf("cold start = %q, want %q", got.coldInit, tt.wantCold)
			}
		})
	}
}

// svgElements decodes the SVG with encoding/xml, which fails on a document that is not well
// formed, and counts its elements by name.
func svgElements(t *testing.T, svg []byte) map[string]int {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	counts := map[string]int{}
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well formed: %v\n%s", err, svg)
		}
		if start, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = start.Name.Local
				if start.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace = %q", start.Name.Space)
				}
			}
			counts[start.Name.Local]++
		}
	}
	if root != "svg" {
		t.Fatalf("root element = %q, want svg", root)
	}
	return counts
}

func TestWriteChart(t *testing.T) {
	tests := []struct {
		name   string
		groups []chartGroup
	}{
		{name: "pull-request sizes", groups: []chartGroup{
			{label: "1 Go file", wall: 41.2, wallMin: 40.1, wallMax: 47.3, cpu: 44.0},
			{label: "100 Go files", wall: 45, wallMin: 45, wallMax: 45, cpu: 50.5},
			{label: "full scan", wall: 19.5, wallMin: 18, wallMax: 21, cpu: 24.2},
		}},
		{name: "labels that need escaping", groups: []chartGroup{{label: `<b> & "quotes"`, wall: 0.3, wallMin: 0.2, wallMax: 0.4, cpu: 0.1}}},
		{name: "all zero", groups: []chartGroup{{label: "nothing", wall: 0, cpu: 0}}},
		{name: "no groups"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeChart(&b, "scan time & more", []string{"sub <title>", "line 2"}, tt.groups); err != nil {
				t.Fatal(err)
			}
			counts := svgElements(t, b.Bytes())
			// Every bar carries a <title> tooltip; no other element does.
			if got, want := counts["title"], 2*len(tt.groups); got != want {
				t.Errorf("%d bars, want %d", got, want)
			}
			if strings.Contains(b.String(), "NaN") || strings.Contains(b.String(), "Inf") {
				t.Errorf("chart has a non-number:\n%s", b.String())
			}
		})
	}
}

func TestTickStep(t *testing.T) {
	for _, max := range []float64{0.04, 0.3, 1, 7.5, 19.5, 55.2, 99.9, 100, 640} {
		step := tickStep(max)
		if lines := math.Ceil(max/step) + 1; lines < 3 || lines > 11 {
			t.Errorf("tickStep(%v) = %v: %v gridlines", max, step, lines)
		}
	}
}

func testResults() *results {
	started := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	return &results{
		Module:       "github.com/prometheus/alertmanager@v0.27.0",
		FourcVersion: "abc1234",
		Command:      "fourc scan --base base --format json --quiet --vulndb OSV_DIR --output FILE REPO",
		Runs:         3,
		VulnDB:       "../shared/vulndb/osv",
		Machine: machine{Cores: 2, MemoryBytes: 24 << 30, GoVersion: "go1.26.8", Platform: "linux/amd64",
			Commit: "b00d2ce1bde0aaaaaaaa", Dirty: true, LoadAtStart: "1.00 2.00 3.00"},
		Tree:      treeStats{Files: 524, GoFiles: 187, GoTestFiles: 57, GoDirs: 65, GoLines: 60450},
		Started:   started,
		Finished:  started.Add(12 * time.Minute),
		LoadAtEnd: "2.00 2.00 2.00",
		Scenarios: []scenario{
			{Name: "1 Go file", Kind: "pr", Branch: "pr-1", ChangedFiles: []string{"a.go"}, Runs: []run{
				{WallSeconds: 30, CPUSeconds: 28, MaxRSSBytes: 1000 << 20, Findings: 0},
				{WallSeconds: 10, CPUSeconds: 12, MaxRSSBytes: 900 << 20, Findings: 0},
				{WallSeconds: 20, CPUSeconds: 20, MaxRSSBytes: 950 << 20, Findings: 0},
			}},
			{Name: "manifests only (Dockerfile, workflow, Kubernetes)", Kind: "pr", Branch: "pr-manifests",
				ChangedFiles: []string{"Dockerfile", "deploy/k.yaml"}, Runs: []run{
					{WallSeconds: 12, CPUSeconds: 11, MaxRSSBytes: 800 << 20, Findings: 13, Partial: []string{"deps: no npm advisories"}},
				}},
			{Name: "full scan (--all, no base)", Kind: "full", Branch: "base", Runs: []run{
				{WallSeconds: 8, CPUSeconds: 9, MaxRSSBytes: 700 << 20, Findings: 53, Partial: []string{"deps: no npm advisories"}},
			}},
		},
	}
}

func TestRenderReport(t *testing.T) {
	repo := t.TempDir()
	writeFile(t, repo, appReportPath, appReport)
	writeFile(t, repo, ".cache/bench/k8s/results/report.md", k8sReport)
	in := reportInput{results: testResults(), chartFile: "bench-pr-size.svg", runMode: runNone}
	in.app = readApp(repo)
	for _, p := range peers() {
		in.peers = append(in.peers, readPeer(repo, p))
	}
	var b bytes.Buffer
	if err := renderReport(&b, in); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"| cores | 2 |",
		"| memory | 24.0 GiB |",
		"git commit b00d2ce1bde0; the working tree had uncommitted changes",
		"1.00 2.00 3.00 at the start",
		"snapshot in `../shared/vulndb/osv`",
		// Medians: 20 of 10, 20, 30; peak RSS 950 MiB.
		"| 1 Go file | 1 | 0 | 20.0 | 10.0–30.0 | 20.0 | 950 | 3 |",
		"| manifests only (Dockerfile, workflow, Kubernetes) | 2 | 13 |",
		"| full scan (--all, no base) | – | 53 |",
		"Partial scan (manifests only, full scan): deps: no npm advisories.",
		"![Scan time by pull-request size](bench-pr-size.svg)",
		"1 Go file 2.50× (2.22×)",
		"| bolt (1) | 6000 | 200 req/s | 2.2 ms | 5.4 ms | 16.5 ms | 122.6 ms |",
		"| Kubernetes | kube-score v1.20.0 | wall time | 4.62 s | 14.4 s | 0.32 |",
		"**secrets vs gitleaks** — not included. No report yet: `bash test/bench/secrets.sh`",
		"**Go analyzers vs gosec** — not included. No report yet",
		"none was run",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(got, "NaN") {
		t.Errorf("report has NaN:\n%s", got)
	}
	// A report cut from the figures must still be valid Markdown tables: every table row has
	// as many cells as its header.
	for _, table := range parseMarkdown(got).tables {
		for _, row := range table.rows {
			if len(row) != len(table.header) {
				t.Errorf("row %q has %d cells, header %q has %d", row, len(row), table.header, len(table.header))
			}
		}
	}
}

func TestRenderReportWithoutMeasurements(t *testing.T) {
	if err := renderReport(io.Discard, reportInput{results: &results{}}); err == nil {
		t.Error("renderReport with no scenarios succeeded, want an error")
	}
}

func TestPickGoFiles(t *testing.T) {
	files := []string{
		"b/two.go", "b/one.go", "b/one_test.go", "a/x.go", "a/x_test.go",
		"c/zz.pb.go", "c/real.go", "c/testdata/src/t.go", "vendor/v/v.go", "README.md",
	}
	generated := func(f string) bool { return strings.HasSuffix(f, ".pb.go") }
	tests := []struct {
		n    int
		want []string
	}{
		{n: 1, want: []string{"a/x.go"}},
		// One per directory first, sources before tests.
		{n: 3, want: []string{"a/x.go", "b/one.go", "c/real.go"}},
		{n: 6, want: []string{"a/x.go", "b/one.go", "c/real.go", "a/x_test.go", "b/two.go", "b/one_test.go"}},
	}
	order := pickGoFiles(files, generated)
	if len(order) != 6 {
		t.Fatalf("order = %q, want 6 editable files", order)
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, order[:tt.n]); diff != "" {
			t.Errorf("first %d files (-want +got):\n%s", tt.n, diff)
		}
	}
}

func TestIsGeneratedSource(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{src: "// Code generated by protoc-gen-gogo. DO NOT EDIT.\n\npackage p\n", want: true},
		{src: "// Copyright\n\npackage p\n\n// Code generated by hand. DO NOT EDIT.\n", want: false},
		{src: "package p\n", want: false},
	}
	for _, tt := range tests {
		if got := isGeneratedSource([]byte(tt.src)); got != tt.want {
			t.Errorf("isGeneratedSource(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestEditGoFileStillParses(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{name: "with a final newline", src: "package p\n\nfunc f() {}\n"},
		{name: "without one", src: "package p_test\n\nvar x = 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := editGoFile([]byte(tt.src), 7)
			if !bytes.HasPrefix(edited, []byte(tt.src)) {
				t.Errorf("the edit changed existing lines:\n%s", edited)
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "p.go", edited, 0); err != nil {
				t.Errorf("edited source does not parse: %v\n%s", err, edited)
			}
			if !bytes.Contains(edited, []byte("func prBenchJoin7(")) {
				t.Errorf("edited source lacks the numbered helper:\n%s", edited)
			}
		})
	}
}
