package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// verdict is a human's judgement of one finding, kept in a TSV file next to the script so that
// the false-positive estimate is reproducible:
//
//	tool<TAB>path<TAB>line<TAB>rule<TAB>TP|FP<TAB>reason
type verdict struct {
	fp     bool
	reason string
}

func verdictKey(tool, path string, line int, rule string) string {
	return fmt.Sprintf("%s\t%s\t%d\t%s", tool, path, line, rule)
}

func readVerdicts(file string) (map[string]verdict, error) {
	out := map[string]verdict{}
	if file == "" {
		return out, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("verdicts: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.SplitN(line, "\t", 6)
		if len(parts) < 5 {
			return nil, fmt.Errorf("verdicts line %d: want tool, path, line, rule, TP|FP, reason separated by tabs", n)
		}
		ln, err := strconv.Atoi(parts[2])
		if err != nil {
			return nil, fmt.Errorf("verdicts line %d: %w", n, err)
		}
		if parts[4] != "TP" && parts[4] != "FP" {
			return nil, fmt.Errorf("verdicts line %d: verdict %q is neither TP nor FP", n, parts[4])
		}
		v := verdict{fp: parts[4] == "FP"}
		if len(parts) == 6 {
			v.reason = parts[5]
		}
		out[verdictKey(parts[0], parts[1], ln, parts[3])] = v
	}
	return out, sc.Err()
}

// realCommand prints the finding counts of both tools on a real module, and the triage of a
// fixed sample of each tool's findings.
func realCommand(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("real", flag.ExitOnError)
	root := fs.String("root", "", "the scanned module")
	fourcFile := fs.String("fourc", "", "fourc findings (JSON lines from gosecbench scan)")
	gosecFile := fs.String("gosec", "", "gosec JSON report")
	verdictsFile := fs.String("verdicts", "", "triage verdicts (TSV)")
	sampleSize := fs.Int("sample", 20, "findings triaged per tool")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fourcAll, err := readFourc(*fourcFile)
	if err != nil {
		return err
	}
	gosecAll, err := readGosec(*gosecFile, *root)
	if err != nil {
		return err
	}
	verdicts, err := readVerdicts(*verdictsFile)
	if err != nil {
		return err
	}
	// gosec leaves tests out by default; compare on the same code.
	fourc, fourcTests := splitTests(fourcAll)
	gosec, _ := splitTests(gosecAll)
	var gosecInScope []result
	outOfScope := map[string]int{}
	for _, r := range gosec {
		if r.Class == "" {
			outOfScope[r.Rule]++
			continue
		}
		gosecInScope = append(gosecInScope, r)
	}

	count := func(rs []result) map[string]int {
		m := map[string]int{}
		for _, r := range rs {
			m[r.Class]++
		}
		return m
	}
	fc, gc := count(fourc), count(gosecInScope)
	fmt.Fprintln(w, "| class | fourc | gosec |")
	fmt.Fprintln(w, "|---|---:|---:|")
	for _, c := range classes {
		if fc[c]+gc[c] > 0 {
			fmt.Fprintf(w, "| %s | %d | %d |\n", c, fc[c], gc[c])
		}
	}
	fmt.Fprintf(w, "| **compared classes** | **%d** | **%d** |\n", len(fourc), len(gosecInScope))
	var rules []string
	total := 0
	for r, n := range outOfScope {
		rules = append(rules, fmt.Sprintf("%s %d", r, n))
		total += n
	}
	sort.Strings(rules)
	fmt.Fprintf(w, "| other gosec rules (%s) | – | %d |\n\n", strings.Join(rules, ", "), total)
	fmt.Fprintf(w, "Non-test code only (gosec's default); fourc also reported %d findings in _test.go files.\n\n", len(fourcTests))

	fmt.Fprintf(w, "#### Triage of up to %d findings per tool (compared classes, fixed sample)\n\n", *sampleSize)
	fmt.Fprintln(w, "| tool | sampled | true positives | false positives | untriaged | est. false-positive rate |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	var details strings.Builder
	for _, tool := range []struct {
		name string
		rs   []result
	}{{"fourc", fourc}, {"gosec", gosecInScope}} {
		sample := pick(tool.rs, *sampleSize)
		tp, fp, open := 0, 0, 0
		fmt.Fprintf(&details, "\n%s sample:\n\n", tool.name)
		for _, r := range sample {
			v, ok := verdicts[verdictKey(r.Tool, r.Path, r.Line, r.Rule)]
			mark := "untriaged"
			switch {
			case !ok:
				open++
			case v.fp:
				fp++
				mark = "FP"
			default:
				tp++
				mark = "TP"
			}
			reason := v.reason
			if !ok {
				reason = "source: " + sourceLine(*root, r.Path, r.Line)
			}
			fmt.Fprintf(&details, "- %s `%s:%d` %s — %s\n", mark, r.Path, r.Line, r.Rule, oneLine(reason, 140))
		}
		rate := "–"
		if tp+fp > 0 {
			rate = fmt.Sprintf("%.0f%%", 100*float64(fp)/float64(tp+fp))
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %s |\n", tool.name, len(sample), tp, fp, open, rate)
	}
	fmt.Fprintln(w, details.String())
	return nil
}

func splitTests(rs []result) (code, tests []result) {
	for _, r := range rs {
		if strings.HasSuffix(r.Path, "_test.go") {
			tests = append(tests, r)
		} else {
			code = append(code, r)
		}
	}
	return code, tests
}

// pick chooses n findings by the hash of their identity: the same findings give the same sample
// on every run and every machine, and the choice does not favour any file or rule.
func pick(rs []result, n int) []result {
	type keyed struct {
		key string
		r   result
	}
	ks := make([]keyed, 0, len(rs))
	for _, r := range rs {
		sum := sha256.Sum256([]byte(verdictKey(r.Tool, r.Path, r.Line, r.Rule)))
		ks = append(ks, keyed{fmt.Sprintf("%x", sum), r})
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	var out []result
	for i := 0; i < len(ks) && i < n; i++ {
		out = append(out, ks[i].r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	return out
}

func sourceLine(root, path string, line int) string {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
	if err != nil {
		return "(unreadable)"
	}
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return "(no such line)"
	}
	return strings.TrimSpace(lines[line-1])
}
