package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// expectComment marks a corpus line a scanner should report: `// expect: class[, class]`. A class
// may carry a tag, `class@tag`: the lines of a file sharing the same class and tag are one
// expected finding that a report on any of them satisfies (a flow reported at its source by one
// tool and at its sink by the other).
var expectComment = regexp.MustCompile(`//\s*expect:\s*([a-z0-9@-]+(?:\s*,\s*[a-z0-9@-]+)*)`)

type place struct {
	path  string
	line  int
	class string
}

// expected is one finding the corpus asks for.
type expected struct {
	path, class, tag string
}

// expectations reads the `expect:` comments of the corpus — the expected-findings list — and maps
// each marked line to the expectation it belongs to.
func expectations(dir string) (map[place]expected, error) {
	want := map[place]expected{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "stubs" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			m := expectComment.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			for _, c := range strings.Split(m[1], ",") {
				class, tag, _ := strings.Cut(strings.TrimSpace(c), "@")
				if tag == "" {
					tag = fmt.Sprintf("line %d", n)
				}
				path := filepath.ToSlash(rel)
				want[place{path, n, class}] = expected{path, class, tag}
			}
		}
		return sc.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus expectations: %w", err)
	}
	for p := range want {
		if !knownClass(p.class) {
			return nil, fmt.Errorf("%s:%d: unknown class %q", p.path, p.line, p.class)
		}
	}
	return want, nil
}

func knownClass(c string) bool {
	for _, k := range classes {
		if k == c {
			return true
		}
	}
	return false
}

// corpusCommand prints recall per class for both tools on the corpus, and the findings on lines
// not marked (false positives on the corpus's safe variants).
func corpusCommand(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("corpus", flag.ExitOnError)
	dir := fs.String("dir", "", "corpus directory")
	fourcFile := fs.String("fourc", "", "fourc findings (JSON lines from gosecbench scan)")
	gosecFile := fs.String("gosec", "", "gosec JSON report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want, err := expectations(*dir)
	if err != nil {
		return err
	}
	fourc, err := readFourc(*fourcFile)
	if err != nil {
		return err
	}
	gosec, err := readGosec(*gosecFile, *dir)
	if err != nil {
		return err
	}
	perClass := map[string]int{}
	distinct := map[expected]bool{}
	for _, e := range want {
		if !distinct[e] {
			distinct[e] = true
			perClass[e.class]++
		}
	}
	found := func(rs []result) (map[string]int, []result) {
		hit := map[expected]bool{}
		var extra []result
		for _, r := range rs {
			if r.Class == "" {
				continue // out of scope for this comparison
			}
			if e, ok := want[place{r.Path, r.Line, r.Class}]; ok {
				hit[e] = true
			} else {
				extra = append(extra, r)
			}
		}
		byClass := map[string]int{}
		for e := range hit {
			byClass[e.class]++
		}
		return byClass, extra
	}
	fourcFound, fourcExtra := found(fourc)
	gosecFound, gosecExtra := found(gosec)
	outOfScope := 0
	for _, r := range gosec {
		if r.Class == "" {
			outOfScope++
		}
	}

	fmt.Fprintf(w, "### Recall on the bundled corpus (`test/bench/corpus`, %d expected findings)\n\n", len(distinct))
	fmt.Fprintln(w, "| class | expected | fourc | gosec |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	var totF, totG, totE int
	for _, c := range classes {
		e := perClass[c]
		if e == 0 {
			continue
		}
		totE += e
		totF += fourcFound[c]
		totG += gosecFound[c]
		fmt.Fprintf(w, "| %s | %d | %s | %s |\n", c, e, ratio(fourcFound[c], e), ratio(gosecFound[c], e))
	}
	fmt.Fprintf(w, "| **all** | **%d** | **%s** | **%s** |\n\n", totE, ratio(totF, totE), ratio(totG, totE))
	fmt.Fprintf(w, "Findings of a compared class on lines not marked `expect:` (the corpus's safe variants, or a second report of a marked line under another class): fourc %d, gosec %d. gosec also reported %d findings outside the compared classes (unchecked errors, integer conversions, log injection).\n\n", len(fourcExtra), len(gosecExtra), outOfScope)
	for _, tool := range []struct {
		name  string
		extra []result
	}{{"fourc", fourcExtra}, {"gosec", gosecExtra}} {
		if len(tool.extra) == 0 {
			continue
		}
		sort.Slice(tool.extra, func(i, j int) bool {
			a, b := tool.extra[i], tool.extra[j]
			if a.Path != b.Path {
				return a.Path < b.Path
			}
			return a.Line < b.Line
		})
		fmt.Fprintf(w, "Unexpected %s findings:\n\n", tool.name)
		for _, r := range tool.extra {
			fmt.Fprintf(w, "- `%s:%d` %s (%s): %s\n", r.Path, r.Line, r.Rule, r.Class, oneLine(r.Message, 110))
		}
		fmt.Fprintln(w)
	}
	return nil
}

func ratio(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d", n, d)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}
