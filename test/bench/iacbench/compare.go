package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// tfsecMapping says which fourc rules report what a tfsec check reports, for the rule families
// fourc's iac scanner covers. tfsec v1.26 still names security-group checks aws-vpc-*; later
// versions call them aws-ec2-*, so both spellings are listed.
var tfsecMapping = map[string][]string{
	"aws-s3-block-public-acls":                        {"aws-s3-public-access-block"},
	"aws-s3-block-public-policy":                      {"aws-s3-public-access-block"},
	"aws-s3-ignore-public-acls":                       {"aws-s3-public-access-block"},
	"aws-s3-no-public-buckets":                        {"aws-s3-public-access-block"},
	"aws-s3-specify-public-access-block":              {"aws-s3-public-access-block"},
	"aws-s3-no-public-access-with-acl":                {"aws-s3-public-acl"},
	"aws-s3-enable-bucket-encryption":                 {"aws-s3-default-encryption"},
	"aws-vpc-no-public-ingress-sgr":                   sgRules,
	"aws-ec2-no-public-ingress-sgr":                   sgRules,
	"aws-vpc-no-public-ingress-sg":                    sgRules,
	"aws-iam-no-policy-wildcards":                     iamRules,
	"aws-rds-encrypt-instance-storage-data":           {"aws-rds-unencrypted"},
	"aws-rds-encrypt-cluster-storage-data":            {"aws-rds-unencrypted"},
	"aws-rds-no-public-db-access":                     {"aws-rds-public"},
	"aws-ec2-enable-at-rest-encryption":               {"aws-ebs-unencrypted"},
	"aws-ebs-enable-volume-encryption":                {"aws-ebs-unencrypted"},
	"aws-ec2-enable-volume-encryption":                {"aws-ebs-unencrypted"},
	"aws-autoscaling-enable-at-rest-encryption":       {"aws-ebs-unencrypted"},
	"aws-ec2-enable-launch-config-at-rest-encryption": {"aws-ebs-unencrypted"},
	"aws-eks-no-public-cluster-access":                {"aws-eks-public-endpoint"},
	"aws-eks-no-public-cluster-access-to-cidr":        {"aws-eks-public-endpoint"},
	"aws-eks-enable-control-plane-logging":            {"aws-eks-control-plane-logging"},
	"aws-cloudtrail-enable-all-regions":               {"aws-cloudtrail-single-region"},
	"aws-cloudtrail-enable-log-validation":            {"aws-cloudtrail-log-validation"},
	"aws-kms-auto-rotate-keys":                        {"aws-kms-rotation"},
	"aws-elb-http-not-used":                           {"aws-lb-http-listener"},
}

var (
	sgRules  = []string{"aws-sg-public-remote-admin", "aws-sg-public-all-ports", "aws-sg-public-ingress"}
	iamRules = []string{"aws-iam-full-admin", "aws-iam-wildcard-action", "aws-iam-wildcard-resource"}
)

type tfsecOutput struct {
	Results []tfsecResult `json:"results"`
}

type tfsecResult struct {
	LongID      string `json:"long_id"`
	Provider    string `json:"rule_provider"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	Resource    string `json:"resource"`
	Location    struct {
		Filename  string `json:"filename"`
		StartLine int    `json:"start_line"`
		EndLine   int    `json:"end_line"`
	} `json:"location"`
}

// block is the line span of a top-level block, the unit both tools report on.
type block struct{ start, end int }

func runCompare(args []string) error {
	flags := flag.NewFlagSet("compare", flag.ContinueOnError)
	work := flags.String("work", "", "benchmark work directory (corpus/ and results/)")
	samples := flags.String("samples", "", "write triage samples to this file")
	if err := flags.Parse(args); err != nil {
		return err
	}
	corpus := filepath.Join(*work, "corpus")
	results := filepath.Join(*work, "results")
	var manifest corpusManifest
	if err := readJSON(filepath.Join(corpus, "corpus.json"), &manifest); err != nil {
		return err
	}
	var fourc scanOutput
	if err := readJSON(filepath.Join(results, "fourc.json"), &fourc); err != nil {
		return err
	}
	var tfsec tfsecOutput
	if err := readJSON(filepath.Join(results, "tfsec.json"), &tfsec); err != nil {
		return err
	}
	timings, err := readTimings(results)
	if err != nil {
		return err
	}
	absCorpus, err := filepath.Abs(corpus)
	if err != nil {
		return fmt.Errorf("resolve corpus: %w", err)
	}

	blocks := blockIndex{root: corpus, files: map[string][]block{}}
	// Indexes into fourc.Findings by file and by directory and resource address.
	byPath := map[string][]int{}
	byResource := map[string][]int{}
	for i, f := range fourc.Findings {
		byPath[f.Path] = append(byPath[f.Path], i)
		byResource[resourceKey(f.Path, resourceOf(f.Key))] = append(byResource[resourceKey(f.Path, resourceOf(f.Key))], i)
	}

	type checkStats struct{ total, recalled, highTotal, highRecalled, highByDesign int }
	byDesign := map[string]int{} // reason → high/critical findings
	src := &sourceIndex{root: corpus, files: map[string]*hclsyntax.Body{}}
	perCheck := map[string]*checkStats{}
	outOfScope := map[string]int{}
	matchedFourc := map[int]bool{} // fourc findings tfsec also has
	var missed []string
	tfsecInScope := 0
	for _, r := range tfsec.Results {
		if r.Provider != "aws" {
			continue
		}
		rules, ok := tfsecMapping[r.LongID]
		if !ok {
			outOfScope[r.LongID]++
			continue
		}
		tfsecInScope++
		path, err := filepath.Rel(absCorpus, r.Location.Filename)
		if err != nil || strings.HasPrefix(path, "..") {
			path = strings.TrimPrefix(r.Location.Filename, "/")
		}
		path = filepath.ToSlash(path)
		span := blocks.enclosing(path, r.Location.StartLine, r.Location.EndLine)
		want := map[string]bool{}
		for _, id := range rules {
			want[id] = true
		}
		hit := false
		for _, i := range append(append([]int(nil), byPath[path]...), byResource[resourceKey(path, r.Resource)]...) {
			f := fourc.Findings[i]
			sameBlock := f.Path == path && f.StartLine >= span.start && f.StartLine <= span.end
			sameResource := r.Resource != "" && resourceOf(f.Key) == r.Resource && filepath.Dir(f.Path) == filepath.Dir(path)
			if want[f.RuleID] && (sameBlock || sameResource) {
				hit = true
				matchedFourc[i] = true
			}
		}
		s := perCheck[r.LongID]
		if s == nil {
			s = &checkStats{}
			perCheck[r.LongID] = s
		}
		s.total++
		high := r.Severity == "HIGH" || r.Severity == "CRITICAL"
		if high {
			s.highTotal++
		}
		if hit {
			s.recalled++
			if high {
				s.highRecalled++
			}
		} else if reason := designReason(r, path, src); reason != "" {
			if high {
				s.highByDesign++
				byDesign[reason]++
			}
			missed = append(missed, fmt.Sprintf("BY-DESIGN %s %s %s:%d-%d %s: %s [%s]", r.LongID, r.Severity, path, r.Location.StartLine, r.Location.EndLine, r.Resource, r.Description, reason))
		} else {
			missed = append(missed, fmt.Sprintf("MISSED %s %s %s:%d-%d %s: %s", r.LongID, r.Severity, path, r.Location.StartLine, r.Location.EndLine, r.Resource, r.Description))
		}
	}
	fourcOnly := map[string]int{}
	fourcTotal := map[string]int{}
	var extra []string
	for i, f := range fourc.Findings {
		fourcTotal[f.RuleID]++
		if !matchedFourc[i] {
			fourcOnly[f.RuleID]++
			extra = append(extra, fmt.Sprintf("FOURC-ONLY %s %s %s:%d %s", f.RuleID, f.Severity, f.Path, f.StartLine, f.Message))
		}
	}

	w := os.Stdout
	files := 0
	var sources []string
	for _, s := range manifest.Sources {
		files += s.Files
		sources = append(sources, fmt.Sprintf("%s (%d)", s.Label, s.Files))
	}
	fmt.Fprintf(w, "Corpus: %d .tf files: %s. fourc reported %d diagnostics (files it could not analyse).\n\n", files, strings.Join(sources, ", "), len(fourc.Diagnostics))
	printTimings(w, timings, files)

	fmt.Fprintln(w, "\nRecall: tfsec's findings in the rule families fourc covers, reported by fourc on the same resource (same top-level block, or the same resource address).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\"In scope\" leaves out the high/critical findings fourc omits by design, for the reasons counted below the table.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| tfsec check | fourc rules | tfsec high/critical | recalled | raw recall | omitted by design | in-scope recall | all severities: tfsec / recalled |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	var ht, hr, hd, at, ar int
	for _, id := range sortedKeys(perCheck) {
		s := perCheck[id]
		ht, hr, hd, at, ar = ht+s.highTotal, hr+s.highRecalled, hd+s.highByDesign, at+s.total, ar+s.recalled
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s | %d | %s | %d / %d |\n", id, strings.Join(tfsecMapping[id], ", "), s.highTotal, s.highRecalled, percent(s.highRecalled, s.highTotal), s.highByDesign, percent(s.highRecalled, s.highTotal-s.highByDesign), s.total, s.recalled)
	}
	fmt.Fprintf(w, "| **total** | | **%d** | **%d** | **%s** | **%d** | **%s** | %d / %d |\n", ht, hr, percent(hr, ht), hd, percent(hr, ht-hd), at, ar)
	fmt.Fprintln(w, "\nOmitted by design (high/critical tfsec findings):")
	fmt.Fprintln(w)
	for _, reason := range sortedKeys(byDesign) {
		fmt.Fprintf(w, "- %d × %s\n", byDesign[reason], reason)
	}

	fmt.Fprintln(w, "\nVolume: findings in these families, and fourc findings with no tfsec counterpart on the resource (to triage: fourc right, or noise).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| fourc rule | fourc findings | without a tfsec counterpart |")
	fmt.Fprintln(w, "|---|---|---|")
	total, only := 0, 0
	for _, id := range sortedKeys(fourcTotal) {
		total, only = total+fourcTotal[id], only+fourcOnly[id]
		fmt.Fprintf(w, "| %s | %d | %d |\n", id, fourcTotal[id], fourcOnly[id])
	}
	fmt.Fprintf(w, "| **total** | **%d** | **%d** |\n", total, only)
	fmt.Fprintf(w, "\ntfsec reported %d findings in these families (%d of all severities on AWS, %d more in checks outside them).\n", tfsecInScope, tfsecInScope+sum(outOfScope), sum(outOfScope))

	if *samples != "" {
		sort.Strings(missed)
		sort.Strings(extra)
		content := strings.Join(missed, "\n") + "\n\n" + strings.Join(extra, "\n") + "\n"
		if err := os.WriteFile(*samples, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write samples: %w", err)
		}
	}
	return nil
}

// resourceOf is the resource address a fourc finding's key starts with.
func resourceOf(key string) string {
	res, _, _ := strings.Cut(key, "|")
	return res
}

// resourceKey identifies a resource within a module (a directory).
func resourceKey(path, resource string) string { return filepath.Dir(path) + " " + resource }

// blockIndex finds the top-level block around a line, parsing each file once.
type blockIndex struct {
	root  string
	files map[string][]block
}

func (b *blockIndex) enclosing(path string, start, end int) block {
	blocks, ok := b.files[path]
	if !ok {
		if src, err := os.ReadFile(filepath.Join(b.root, filepath.FromSlash(path))); err == nil {
			if f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos); !diags.HasErrors() {
				for _, blk := range f.Body.(*hclsyntax.Body).Blocks {
					r := blk.Range()
					blocks = append(blocks, block{r.Start.Line, r.End.Line})
				}
			}
		}
		b.files[path] = blocks
	}
	for _, blk := range blocks {
		if blk.start <= start && start <= blk.end {
			return blk
		}
	}
	return block{start, end}
}

type timing struct {
	wallSeconds, cpuSeconds float64
	maxRSSKiB               int
}

var timingFile = regexp.MustCompile(`^time-(.+)-(\d+)\.txt$`)

// readTimings parses the `/usr/bin/time -v` reports named time-TOOL-N.txt.
func readTimings(dir string) (map[string][]timing, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read timings: %w", err)
	}
	out := map[string][]timing{}
	for _, e := range entries {
		m := timingFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		t, err := parseTimeReport(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[m[1]] = append(out[m[1]], t)
	}
	return out, nil
}

func parseTimeReport(path string) (timing, error) {
	f, err := os.Open(path)
	if err != nil {
		return timing{}, fmt.Errorf("open timing: %w", err)
	}
	defer f.Close()
	var t timing
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch {
		case key == "User time (seconds)" || key == "System time (seconds)":
			v, _ := strconv.ParseFloat(value, 64)
			t.cpuSeconds += v
		case key == "Maximum resident set size (kbytes)":
			t.maxRSSKiB, _ = strconv.Atoi(value)
		case strings.HasPrefix(key, "Elapsed (wall clock) time"):
			t.wallSeconds = parseClock(value)
		}
	}
	if err := sc.Err(); err != nil {
		return timing{}, fmt.Errorf("read %s: %w", path, err)
	}
	return t, nil
}

// parseClock reads GNU time's "h:mm:ss" or "m:ss.ss".
func parseClock(s string) float64 {
	total := 0.0
	for _, part := range strings.Split(s, ":") {
		v, _ := strconv.ParseFloat(part, 64)
		total = total*60 + v
	}
	return total
}

func printTimings(w io.Writer, timings map[string][]timing, files int) {
	fmt.Fprintln(w, "| tool | runs | wall time (median) | files/s | CPU user+sys (median) | peak RSS (max) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	medians := map[string]timing{}
	for _, tool := range sortedKeys(timings) {
		ts := timings[tool]
		m := timing{wallSeconds: median(ts, func(t timing) float64 { return t.wallSeconds }), cpuSeconds: median(ts, func(t timing) float64 { return t.cpuSeconds })}
		for _, t := range ts {
			m.maxRSSKiB = max(m.maxRSSKiB, t.maxRSSKiB)
		}
		medians[tool] = m
		fmt.Fprintf(w, "| %s | %d | %.2f s | %.0f | %.2f s | %.0f MiB |\n", tool, len(ts), m.wallSeconds, float64(files)/m.wallSeconds, m.cpuSeconds, float64(m.maxRSSKiB)/1024)
	}
	if f, t := medians["fourc"], medians["tfsec"]; f.wallSeconds > 0 && t.wallSeconds > 0 {
		fmt.Fprintf(w, "\nfourc is %.1f× faster in wall time and %.1f× in CPU time, with %.2f× the peak memory of tfsec.\n",
			t.wallSeconds/f.wallSeconds, t.cpuSeconds/f.cpuSeconds, float64(f.maxRSSKiB)/float64(t.maxRSSKiB))
	}
}

func median(ts []timing, get func(timing) float64) float64 {
	vs := make([]float64, len(ts))
	for i, t := range ts {
		vs[i] = get(t)
	}
	sort.Float64s(vs)
	switch {
	case len(vs) == 0:
		return 0
	case len(vs)%2 == 1:
		return vs[len(vs)/2]
	default:
		return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
	}
}

func percent(a, b int) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}
