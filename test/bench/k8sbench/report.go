package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type reportData struct {
	files, documents, diagnostics int
	modules                       []corpusModule
	timings                       map[string][]timing
	perCheck                      map[string][2]int // kube-score check → (findings, recalled by fourc)
	outOfScope, unmapped          map[string]int
	perRuleTotal, perRuleExtra    map[string]int
	perRuleSkippedKind            map[string]int // of perRuleExtra: on kinds kube-score ignores
	sharedRules                   map[string]bool
}

// printReport writes the Markdown tables of the benchmark.
func printReport(w io.Writer, d reportData) {
	rejected := 0
	var sources []string
	for _, m := range d.modules {
		rejected += m.Rejected
		sources = append(sources, fmt.Sprintf("%s (%d)", m.Source, m.Files))
	}
	fmt.Fprintf(w, "Corpus: %d manifest files, %d Kubernetes objects, from %s. %d further files were dropped because kube-score refuses them (it stops at the first file it cannot parse); fourc reported %d diagnostics on the kept ones.\n\n",
		d.files, d.documents, strings.Join(sources, ", "), rejected, d.diagnostics)

	fmt.Fprintln(w, "| tool | runs | wall time (median) | objects/s | CPU user+sys (median) | peak RSS (max) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	medians := map[string]timing{}
	for _, tool := range sortedKeys(d.timings) {
		ts := d.timings[tool]
		m := timing{wallSeconds: median(ts, func(t timing) float64 { return t.wallSeconds }), cpuSeconds: median(ts, func(t timing) float64 { return t.cpuSeconds })}
		for _, t := range ts {
			m.maxRSSKiB = max(m.maxRSSKiB, t.maxRSSKiB)
		}
		medians[tool] = m
		fmt.Fprintf(w, "| %s | %d | %.2f s | %.0f | %.2f s | %.0f MiB |\n", tool, len(ts), m.wallSeconds, float64(d.documents)/m.wallSeconds, m.cpuSeconds, float64(m.maxRSSKiB)/1024)
	}
	if f, k := medians["fourc"], medians["kube-score"]; f.wallSeconds > 0 && k.wallSeconds > 0 {
		fmt.Fprintf(w, "\nfourc is %.1f× faster in wall time and %.1f× in CPU time, with %.1f× the peak memory of kube-score.\n",
			k.wallSeconds/f.wallSeconds, k.cpuSeconds/f.cpuSeconds, float64(f.maxRSSKiB)/float64(k.maxRSSKiB))
	}

	fmt.Fprintln(w, "\nRecall: kube-score's security findings (one per object, container and check) that fourc also reports.")
	fmt.Fprintln(w, "\n| kube-score check | fourc rules | kube-score findings | also in fourc | recall |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	total, hit := 0, 0
	for _, check := range sortedKeys(d.perCheck) {
		c := d.perCheck[check]
		total += c[0]
		hit += c[1]
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s |\n", check, strings.Join(kubeScoreMapping[check], ", "), c[0], c[1], percent(c[1], c[0]))
	}
	fmt.Fprintf(w, "| **all security checks** | | **%d** | **%d** | **%s** |\n", total, hit, percent(hit, total))

	fmt.Fprintln(w, "\nkube-score findings out of scope (reliability, scheduling, consistency), not counted:")
	fmt.Fprintln(w)
	for _, check := range sortedKeys(d.outOfScope) {
		fmt.Fprintf(w, "- %s: %d (%s)\n", check, d.outOfScope[check], outOfScope[check])
	}
	for _, check := range sortedKeys(d.unmapped) {
		fmt.Fprintf(w, "- %s: %d (UNCLASSIFIED: add it to the mapping or to outOfScope)\n", check, d.unmapped[check])
	}

	fmt.Fprintln(w, "\nfourc findings, and how many kube-score does not report:")
	fmt.Fprintln(w, "\n| fourc rule | findings | not in kube-score | of which on kinds or containers kube-score ignores | rule |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	allFindings, allExtra := 0, 0
	for _, rule := range sortedKeys(d.perRuleTotal) {
		kind := "beyond kube-score's checks"
		if d.sharedRules[rule] {
			kind = "check both tools have"
		}
		allFindings += d.perRuleTotal[rule]
		allExtra += d.perRuleExtra[rule]
		skipped := ""
		if d.sharedRules[rule] {
			skipped = fmt.Sprint(d.perRuleSkippedKind[rule])
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s |\n", rule, d.perRuleTotal[rule], d.perRuleExtra[rule], skipped, kind)
	}
	fmt.Fprintf(w, "| **all** | **%d** | **%d** | | |\n", allFindings, allExtra)
}

// writeSamples writes every 1-in-k kube-score finding fourc missed and fourc finding on a
// shared check that kube-score lacks, for a human to triage.
func writeSamples(path string, missed []unit, extra []fourcFinding) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create samples: %w", err)
	}
	defer f.Close()
	fmt.Fprintf(f, "# kube-score security findings fourc does not report (%d; every %d-th shown)\n", len(missed), stride(len(missed)))
	for i := 0; i < len(missed); i += stride(len(missed)) {
		u := missed[i]
		fmt.Fprintf(f, "%s %s container=%q %s\n", u.module, u.object, u.container, u.check)
	}
	fmt.Fprintf(f, "\n# fourc findings on checks kube-score has, which kube-score does not report (%d; every %d-th shown)\n", len(extra), stride(len(extra)))
	for i := 0; i < len(extra); i += stride(len(extra)) {
		e := extra[i]
		fmt.Fprintf(f, "%s:%d %s [%s] %s\n", e.path, e.line, e.check, e.severity, e.message)
	}
	return nil
}

func stride(n int) int { return max(1, n/40) }

func median(ts []timing, get func(timing) float64) float64 {
	vs := make([]float64, len(ts))
	for i, t := range ts {
		vs[i] = get(t)
	}
	sort.Float64s(vs)
	if len(vs) == 0 {
		return 0
	}
	if len(vs)%2 == 1 {
		return vs[len(vs)/2]
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
}

func percent(a, b int) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
