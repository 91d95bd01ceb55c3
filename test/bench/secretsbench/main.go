// Command secretsbench runs fourc's secrets scanner alone over a directory, and compares its
// findings with a gitleaks report, for test/bench/secrets.sh.
//
//	secretsbench scan [-findings FILE] [-cpuprofile FILE] DIR
//	secretsbench triage -root DIR -fourc FILE -gitleaks FILE
//
// scan prints one JSON object: files, bytes, seconds, findings by rule; with -findings it also
// writes every finding (path, line, rule, redacted message) as JSON lines. triage prints, in
// Markdown, the findings by rule of each tool and the ones only one of them reports, by place.
// Neither prints a secret: fourc's messages are redacted, and of gitleaks' report only the rule,
// the file and the line are read.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/fourcsec/fourc/analyzers/secrets"
	"github.com/fourcsec/fourc/shared/engine"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "scan":
		err = scanCommand(os.Args[2:])
	case "triage":
		err = triageCommand(os.Args[2:], os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "secretsbench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: secretsbench scan [-findings FILE] [-cpuprofile FILE] DIR\n       secretsbench triage -root DIR -fourc FILE -gitleaks FILE")
	os.Exit(2)
}

type summary struct {
	Files       int            `json:"files"`
	Bytes       int64          `json:"bytes"`
	ListSeconds float64        `json:"list_seconds"`
	ScanSeconds float64        `json:"scan_seconds"`
	Findings    int            `json:"findings"`
	ByRule      map[string]int `json:"by_rule"`
	Diagnostics int            `json:"diagnostics"`
}

// fourcFinding is one line of the -findings file.
type fourcFinding struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func scanCommand(args []string) error {
	fs := flag.NewFlagSet("scan", flag.ExitOnError)
	findingsPath := fs.String("findings", "", "write findings as JSON lines to this file")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the scan to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		usage()
	}
	began := time.Now()
	tree, _, err := engine.OpenTree(fs.Arg(0), nil)
	if err != nil {
		return err
	}
	listed := time.Since(began)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("start profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	scanStart := time.Now()
	res, err := secrets.New().Scan(context.Background(), &engine.Request{Tree: tree, Progress: &engine.Progress{}})
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	s := summary{
		Files: len(tree.Files), ListSeconds: listed.Seconds(), ScanSeconds: time.Since(scanStart).Seconds(),
		Findings: len(res.Findings), ByRule: map[string]int{}, Diagnostics: len(res.Diagnostics),
	}
	for _, f := range tree.Files {
		s.Bytes += f.Size
	}
	for _, f := range res.Findings {
		s.ByRule[f.RuleID]++
	}
	if *findingsPath != "" {
		out, err := os.Create(*findingsPath)
		if err != nil {
			return fmt.Errorf("create findings file: %w", err)
		}
		enc := json.NewEncoder(out)
		for _, f := range res.Findings {
			if err := enc.Encode(fourcFinding{f.Path, f.StartLine, f.StartColumn, f.RuleID, f.Message}); err != nil {
				out.Close()
				return fmt.Errorf("write findings: %w", err)
			}
		}
		if err := out.Close(); err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
	}
	return json.NewEncoder(os.Stdout).Encode(s)
}

// gitleaksFinding is the part of a gitleaks JSON report entry triage reads; Secret and Match are
// deliberately absent.
type gitleaksFinding struct {
	RuleID    string `json:"RuleID"`
	File      string `json:"File"`
	StartLine int    `json:"StartLine"`
}

// place is where a finding is; two tools agree when they flag the same line of the same file.
type place struct {
	path string
	line int
}

func triageCommand(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("triage", flag.ExitOnError)
	root := fs.String("root", "", "the scanned directory, to make gitleaks' paths relative")
	fourcPath := fs.String("fourc", "", "findings written by secretsbench scan -findings")
	gitleaksPath := fs.String("gitleaks", "", "gitleaks JSON report")
	examples := fs.Int("examples", 5, "places to list for each rule reported by one tool only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ours, err := readFourc(*fourcPath)
	if err != nil {
		return err
	}
	theirs, err := readGitleaks(*gitleaksPath, *root)
	if err != nil {
		return err
	}
	ourPlaces := map[place]bool{}
	for _, f := range ours {
		ourPlaces[place{f.Path, f.Line}] = true
	}
	theirPlaces := map[place]bool{}
	for _, f := range theirs {
		theirPlaces[place{f.File, f.StartLine}] = true
	}
	onlyOurs := map[string][]place{}
	bothOurs := map[string]int{}
	for _, f := range ours {
		p := place{f.Path, f.Line}
		if theirPlaces[p] {
			bothOurs[f.Rule]++
		} else {
			onlyOurs[f.Rule] = append(onlyOurs[f.Rule], p)
		}
	}
	onlyTheirs := map[string][]place{}
	bothTheirs := map[string]int{}
	for _, f := range theirs {
		p := place{f.File, f.StartLine}
		if ourPlaces[p] {
			bothTheirs[f.RuleID]++
		} else {
			onlyTheirs[f.RuleID] = append(onlyTheirs[f.RuleID], p)
		}
	}
	fmt.Fprintf(w, "\n### Findings by rule\n\n| tool | rule | findings | also flagged by the other tool (same file and line) | only this tool |\n|---|---|---:|---:|---:|\n")
	writeRuleRows(w, "fourc", bothOurs, onlyOurs)
	writeRuleRows(w, "gitleaks", bothTheirs, onlyTheirs)
	fmt.Fprintf(w, "\n### Places only one tool flags (first %d per rule)\n\n", *examples)
	writeExamples(w, "fourc", onlyOurs, *examples)
	writeExamples(w, "gitleaks", onlyTheirs, *examples)
	return nil
}

func writeRuleRows(w io.Writer, tool string, both map[string]int, only map[string][]place) {
	for _, rule := range ruleNames(both, only) {
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d |\n", tool, rule, both[rule]+len(only[rule]), both[rule], len(only[rule]))
	}
}

func writeExamples(w io.Writer, tool string, only map[string][]place, n int) {
	for _, rule := range ruleNames(nil, only) {
		places := only[rule]
		sort.Slice(places, func(i, j int) bool {
			if places[i].path != places[j].path {
				return places[i].path < places[j].path
			}
			return places[i].line < places[j].line
		})
		var shown []string
		for _, p := range places[:min(n, len(places))] {
			shown = append(shown, fmt.Sprintf("`%s:%d`", p.path, p.line))
		}
		more := ""
		if len(places) > n {
			more = fmt.Sprintf(" and %d more", len(places)-n)
		}
		fmt.Fprintf(w, "- %s only, %s (%d): %s%s\n", tool, rule, len(places), strings.Join(shown, ", "), more)
	}
}

func ruleNames(both map[string]int, only map[string][]place) []string {
	seen := map[string]bool{}
	var names []string
	for r := range both {
		seen[r] = true
		names = append(names, r)
	}
	for r := range only {
		if !seen[r] {
			names = append(names, r)
		}
	}
	sort.Strings(names)
	return names
}

func readFourc(path string) ([]fourcFinding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read fourc findings: %w", err)
	}
	defer f.Close()
	var out []fourcFinding
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var ff fourcFinding
		if err := json.Unmarshal(sc.Bytes(), &ff); err != nil {
			return nil, fmt.Errorf("read fourc findings %s: %w", path, err)
		}
		out = append(out, ff)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read fourc findings %s: %w", path, err)
	}
	return out, nil
}

func readGitleaks(path, root string) ([]gitleaksFinding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read gitleaks report: %w", err)
	}
	var out []gitleaksFinding
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("read gitleaks report %s: %w", path, err)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", root, err)
	}
	for i := range out {
		p := out[i].File
		if rel, err := filepath.Rel(absRoot, p); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		} else if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
		out[i].File = filepath.ToSlash(p)
	}
	return out, nil
}
