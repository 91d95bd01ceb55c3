package engine

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/suppress"
)

// The engine's own rules: suppressions are code too, and a stale or unexplained one hides risk.
var (
	RuleUnusedSuppression = finding.Rule{
		ID:          "fourc-unused-suppression",
		Title:       "Suppression comment suppresses nothing",
		Layer:       finding.Code,
		Severity:    finding.Low,
		Description: "A fourc:ignore comment names rules that report nothing on its line or the line below. Stale suppressions hide the next real finding that lands there.",
		Remediation: "Remove the comment, or correct the rule id or its placement (same line or the line above the finding).",
	}
	RuleSuppressionWithoutReason = finding.Rule{
		ID:          "fourc-suppression-no-reason",
		Title:       "Suppression comment without a reason",
		Layer:       finding.Code,
		Severity:    finding.Low,
		Description: "A fourc:ignore comment must say why the finding is acceptable, so that reviewers and auditors can judge it later.",
		Remediation: "Add the reason after two dashes: `fourc:ignore RULE -- why this is safe`.",
	}
)

// Rules are the engine's own rules, for catalogues and config validation.
func Rules() []finding.Rule {
	return []finding.Rule{RuleUnusedSuppression, RuleSuppressionWithoutReason}
}

// collectDirectives reads the suppression comments of every text file in the tree.
func collectDirectives(t *Tree) map[string][]suppress.Directive {
	out := map[string][]suppress.Directive{}
	var mu sync.Mutex
	forEachFile(t, func(path string, data []byte) {
		if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
			return // binary
		}
		if ds := suppress.ParseFile(path, data); len(ds) > 0 {
			mu.Lock()
			out[path] = ds
			mu.Unlock()
		}
	})
	return out
}

// forEachFile reads every file under the size limit with a few readers in parallel.
func forEachFile(t *Tree, fn func(path string, data []byte)) {
	const readers = 4
	paths := make(chan string)
	var wg sync.WaitGroup
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range paths {
				if data, err := t.ReadFile(p); err == nil {
					fn(p, data)
				}
			}
		}()
	}
	for _, f := range t.Files {
		if f.Size <= t.MaxFileSize {
			paths <- f.Path
		}
	}
	close(paths)
	wg.Wait()
}

// suppressItems marks the items a directive covers and reports directives that are stale or have
// no reason. A directive without a reason still suppresses: the finding about it is the nudge.
func suppressItems(items []Item, directives map[string][]suppress.Directive, enabled func(string) bool) []finding.Finding {
	for i := range items {
		it := &items[i]
		ds := directives[it.Path]
		// A directive on the finding's own line wins over one on the line above, so two
		// consecutive suppressed lines each use their own comment.
		best := -1
		for j := range ds {
			if ds[j].Covers(it.RuleID, it.StartLine) && (best < 0 || ds[j].Line == it.StartLine) {
				best = j
			}
		}
		if best >= 0 {
			ds[best].Used = true
			it.Suppressed = true
			it.SuppressedReason = ds[best].Reason
		}
	}
	var meta []finding.Finding
	for path, ds := range directives {
		for _, d := range ds {
			rules := strings.Join(d.Rules, ",")
			if d.Reason == "" && enabled(RuleSuppressionWithoutReason.ID) {
				meta = append(meta, RuleSuppressionWithoutReason.New(path, d.Line, d.Column,
					fmt.Sprintf("fourc:ignore %s has no reason; add one after \" -- \"", rules)))
			}
			if !d.Used && enabled(RuleUnusedSuppression.ID) {
				meta = append(meta, RuleUnusedSuppression.New(path, d.Line, d.Column,
					fmt.Sprintf("fourc:ignore %s suppresses nothing on this line or the next", rules)))
			}
		}
	}
	return meta
}

// lineCache hands out single lines of files, reading each file once.
type lineCache struct {
	tree  *Tree
	files map[string][]string
}

func newLineCache(t *Tree) *lineCache { return &lineCache{tree: t, files: map[string][]string{}} }

func (c *lineCache) line(path string, n int) string {
	lines, ok := c.files[path]
	if !ok {
		if data, err := c.tree.ReadFile(path); err == nil {
			lines = strings.Split(string(data), "\n")
		}
		c.files[path] = lines
	}
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSuffix(lines[n-1], "\r")
}
