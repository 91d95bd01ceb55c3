// Package report renders an engine.Report for people and machines: a terminal listing (Text),
// a versioned JSON document (JSON), SARIF 2.1.0 for code scanning (SARIF), GitHub Actions
// workflow commands (GitHub), the rule catalogue (Rules), a Markdown summary (Markdown) and the
// output of a GitHub check run (CheckRunOutput, Conclusion).
//
// Every format reads the same selection of findings — the ones the report's Mode selects — and
// the same counts (Summary), so the terminal, the JSON and the check run never disagree about
// how many findings a scan has. Output is deterministic: findings are sorted, and nothing that
// changes between identical runs (timestamps, durations, absolute paths) is written unless an
// option asks for it.
//
// Every string that came from the scanned repository (paths, messages, suppression reasons,
// source lines) is treated as hostile: it is stripped of terminal control sequences in text,
// escaped in Markdown and in workflow commands, and bounded in length where GitHub imposes limits.
package report

import (
	"errors"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// Version is the fourc version written into JSON and SARIF when an option does not give one.
// Release builds set it with -ldflags "-X github.com/fourcsec/fourc/shared/report.Version=v1.2.3".
var Version = "dev"

// ToolName is the name under which fourc identifies itself in machine-readable outputs.
const ToolName = "fourc"

// InformationURI is where SARIF consumers send users to learn about the tool.
const InformationURI = "https://github.com/fourcsec/fourc"

var errNilReport = errors.New("report: nil report")

// toolVersion picks the version to print: the option, else the linked-in Version, else the
// module version `go install` recorded, else "dev".
func toolVersion(fromOptions string) string {
	if fromOptions != "" {
		return fromOptions
	}
	if Version != "" && Version != "dev" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// selection is what every output prints, computed once per rendering.
type selection struct {
	// shown are the unsuppressed findings the mode selects: what exit codes and annotations use.
	shown []engine.Item
	// listed are the shown findings and the suppressed ones the mode would otherwise select, in
	// report order: what JSON and SARIF list, each flagged with its suppression.
	listed []engine.Item
	fixed  []finding.Finding
	diags  []engine.Diagnostic
	sum    Summary
}

func selectFindings(rep *engine.Report) *selection {
	items := append([]engine.Item(nil), rep.Items...)
	// The engine sorts, but reports also arrive from the store; sorting again costs little and
	// keeps every output deterministic whatever produced the report.
	sort.SliceStable(items, func(i, j int) bool { return itemLess(&items[i], &items[j]) })
	sel := &selection{}
	selected := &engine.Report{Mode: rep.Mode, Items: items}
	shown, suppressed := selected.Shown(), selected.SuppressedShown()
	sel.shown = shown
	// Merge back into report order so a suppressed finding sits beside its neighbours.
	sel.listed = make([]engine.Item, 0, len(shown)+len(suppressed))
	for len(shown) > 0 || len(suppressed) > 0 {
		if len(suppressed) == 0 || len(shown) > 0 && !itemLess(&suppressed[0], &shown[0]) {
			sel.listed = append(sel.listed, shown[0])
			shown = shown[1:]
		} else {
			sel.listed = append(sel.listed, suppressed[0])
			suppressed = suppressed[1:]
		}
	}
	sel.fixed = append([]finding.Finding(nil), rep.Fixed...)
	sort.SliceStable(sel.fixed, func(i, j int) bool {
		return itemLess(&engine.Item{Finding: sel.fixed[i]}, &engine.Item{Finding: sel.fixed[j]})
	})
	sel.diags = append([]engine.Diagnostic(nil), rep.Diags...)
	sort.SliceStable(sel.diags, func(i, j int) bool {
		a, b := sel.diags[i], sel.diags[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
	sel.sum = summarize(rep, sel)
	return sel
}

// itemLess is finding.Less with the fingerprint as the last word, so that two findings alike in
// place, rule and message still come out in the same order whatever order they came in.
func itemLess(a, b *engine.Item) bool {
	if finding.Less(&a.Finding, &b.Finding) {
		return true
	}
	if finding.Less(&b.Finding, &a.Finding) {
		return false
	}
	return a.Fingerprint < b.Fingerprint
}

// Summary holds the counts every output reports, computed once from a report so that the
// terminal total, the JSON summary and the check-run title always agree.
type Summary struct {
	Mode engine.Mode
	// Shown counts the unsuppressed findings the mode selects.
	Shown      int
	BySeverity map[finding.Severity]int // of Shown
	ByLayer    map[finding.Layer]int    // of Shown
	// Blocking counts the shown findings at or above FailOn: when it is not zero the scan fails.
	Blocking int
	FailOn   finding.Severity
	// HiddenOffChange counts new, unsuppressed findings on lines the change did not touch, which
	// the default mode leaves out: a reviewer should know they exist.
	HiddenOffChange int
	// Existing counts unsuppressed findings the baseline already had (only with a baseline).
	Existing int
	// Fixed counts baseline findings that are gone (only with a baseline).
	Fixed int
	// Suppressed counts suppressed findings the mode would otherwise show; SuppressedNoReason
	// is how many of their comments give no reason.
	Suppressed         int
	SuppressedNoReason int
	Partial            []string
	Diagnostics        int
	Files              int
	Bytes              int64
	// ChangedLinesOnly is true when a diff limited the findings to the lines it touched.
	ChangedLinesOnly bool
	HasBase          bool
}

// Summarize counts what a report shows.
func Summarize(rep *engine.Report) (Summary, error) {
	if rep == nil {
		return Summary{}, errNilReport
	}
	return selectFindings(rep).sum, nil
}

func summarize(rep *engine.Report, sel *selection) Summary {
	s := Summary{
		Mode:             rep.Mode,
		Shown:            len(sel.shown),
		BySeverity:       map[finding.Severity]int{},
		ByLayer:          map[finding.Layer]int{},
		FailOn:           rep.FailOn,
		Fixed:            len(sel.fixed),
		Partial:          append([]string(nil), rep.Partial...),
		Diagnostics:      len(sel.diags),
		Files:            rep.Files,
		Bytes:            rep.Bytes,
		ChangedLinesOnly: rep.HasDiff && rep.Mode == engine.NewOnChangedLines,
		HasBase:          rep.HasBase,
	}
	for _, it := range sel.shown {
		s.BySeverity[it.Severity]++
		s.ByLayer[it.Layer]++
		if it.Severity >= rep.FailOn {
			s.Blocking++
		}
	}
	for _, it := range sel.listed {
		if it.Suppressed {
			s.Suppressed++
			if strings.TrimSpace(it.SuppressedReason) == "" {
				s.SuppressedNoReason++
			}
		}
	}
	for _, it := range rep.Items {
		if it.Suppressed {
			continue
		}
		if it.Status == engine.StatusExisting {
			s.Existing++
		}
		if s.ChangedLinesOnly && it.Status == engine.StatusNew && !it.OnChanged {
			s.HiddenOffChange++
		}
	}
	return s
}

// IsPartial reports whether part of the scan's coverage is missing.
func (s *Summary) IsPartial() bool { return len(s.Partial) > 0 }

// noun names what the mode shows: "new findings" unless every finding is shown.
func (s *Summary) noun(n int) string {
	word := "finding"
	if n != 1 {
		word = "findings"
	}
	if s.Mode == engine.All {
		return word
	}
	return "new " + word
}

// severitiesDescending lists the severities from the most to the least severe.
func severitiesDescending() []finding.Severity {
	return []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info}
}

// orderedLayers lists the known layers, then any unknown ones a scanner invented, so that a
// count is never silently dropped.
func orderedLayers(counts map[finding.Layer]int) []finding.Layer {
	layers := finding.Layers()
	known := map[finding.Layer]bool{}
	for _, l := range layers {
		known[l] = true
	}
	var extra []finding.Layer
	for l := range counts {
		if !known[l] {
			extra = append(extra, l)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] < extra[j] })
	return append(layers, extra...)
}

// layerName is the layer as printed; a finding without a layer is a scanner's bug, but its count
// must still read as something.
func layerName(l finding.Layer) string {
	if l == "" {
		return "no layer"
	}
	return string(l)
}

// orderedSeverities is severitiesDescending plus any out-of-range severity present in counts.
func orderedSeverities(counts map[finding.Severity]int) []finding.Severity {
	out := severitiesDescending()
	var extra []finding.Severity
	for s := range counts {
		if s < finding.Info || s > finding.Critical {
			extra = append(extra, s)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] > extra[j] })
	return append(out, extra...)
}

// countPhrases renders the non-zero severity and layer counts: "1 high, 2 medium" and
// "1 cloud, 2 code".
func (s *Summary) countPhrases() (bySeverity, byLayer string) {
	var sev, lay []string
	for _, v := range orderedSeverities(s.BySeverity) {
		if n := s.BySeverity[v]; n > 0 {
			sev = append(sev, itoa(n)+" "+v.String())
		}
	}
	for _, l := range orderedLayers(s.ByLayer) {
		if n := s.ByLayer[l]; n > 0 {
			lay = append(lay, itoa(n)+" "+layerName(l))
		}
	}
	return strings.Join(sev, ", "), strings.Join(lay, ", ")
}

// secondaryCounts lists the counts of findings not shown: suppressed, pre-existing, fixed and
// new ones off the changed lines. Pre-existing and fixed only mean something with a baseline.
func (s *Summary) secondaryCounts() []string {
	var out []string
	if s.Suppressed > 0 {
		out = append(out, itoa(s.Suppressed)+" suppressed")
	}
	if s.HasBase {
		out = append(out, itoa(s.Existing)+" pre-existing", itoa(s.Fixed)+" fixed")
	}
	if s.HiddenOffChange > 0 {
		out = append(out, itoa(s.HiddenOffChange)+" new on unchanged lines (not shown)")
	}
	return out
}
