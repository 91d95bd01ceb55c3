package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

const (
	// maxMarkdownDiagnostics, maxMarkdownPartial and maxMarkdownSuppressed bound the lists in a summary, which must
	// fit GitHub's 65,535 characters whatever the scan found.
	maxMarkdownDiagnostics = 20
	maxMarkdownPartial     = 20
	maxMarkdownSuppressed  = 50
	// maxMarkdownMessage bounds one finding's message in a table row.
	maxMarkdownMessage = 300
	// maxStepSummaryBytes bounds Markdown's findings list: GitHub keeps up to 1 MiB of a job's
	// step summary.
	maxStepSummaryBytes = 512 << 10
)

// MarkdownOptions configure Markdown.
type MarkdownOptions struct {
	// ToolVersion appears in the footer; empty means Version.
	ToolVersion string
}

// Markdown writes the scan's summary — the check run's summary — followed by a table of every
// shown finding, for places that take Markdown such as a GitHub Actions job summary
// ($GITHUB_STEP_SUMMARY). Text from the repository is escaped so it renders as text.
func Markdown(w io.Writer, rep *engine.Report, opts MarkdownOptions) error {
	if rep == nil {
		return errNilReport
	}
	sel := selectFindings(rep)
	var b strings.Builder
	writeSummaryMarkdown(&b, rep, sel, toolVersion(opts.ToolVersion), "")
	if len(sel.shown) > 0 {
		b.WriteString("\n")
		ordered := append([]engine.Item(nil), sel.shown...)
		sortBySeverity(ordered)
		writeFindingsMarkdown(&b, ordered, maxStepSummaryBytes)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write Markdown report: %w", err)
	}
	return nil
}

// writeSummaryMarkdown writes the counts, the partial-scan reasons, the diagnostics and the
// suppressions of a scan.
// note, when not empty, is a paragraph placed right under the headline, where a cut to
// GitHub's size limit cannot reach it.
func writeSummaryMarkdown(b *strings.Builder, rep *engine.Report, sel *selection, version, note string) {
	s := &sel.sum
	b.WriteString("### " + summaryHeadline(s) + "\n\n")
	if s.Blocking > 0 {
		fmt.Fprintf(b, "%s at or above `fail_on: %s`, so this check fails.\n\n",
			plural(s.Blocking, "finding is", "findings are"), s.FailOn)
	}
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	if s.Shown > 0 {
		writeCountTable(b, s, sel.shown)
	}
	writeOtherCounts(b, s)
	if s.IsPartial() {
		b.WriteString("#### ⚠️ Partial scan\n\nSome checks did not complete, so findings may be missing; " +
			"the check is neutral rather than a pass.\n\n")
		for i, reason := range s.Partial {
			if i == maxMarkdownPartial {
				b.WriteString("- …and " + itoa(len(s.Partial)-i) + " more\n")
				break
			}
			b.WriteString("- " + markdownText(truncateBytes(reason, maxMarkdownMessage)) + "\n")
		}
		b.WriteString("\n")
	}
	writeDiagnostics(b, sel.diags)
	writeSuppressed(b, sel.listed, s.Suppressed)
	b.WriteString(footer(rep, s, version))
}

func summaryHeadline(s *Summary) string {
	var icon, text string
	switch {
	case s.Blocking > 0:
		icon = "❌"
	case s.IsPartial():
		icon = "⚠️"
	case s.Shown > 0:
		icon = "🔎"
	default:
		icon = "✅"
	}
	if s.Shown == 0 {
		text = "No " + s.noun(0)
	} else {
		text = itoa(s.Shown) + " " + s.noun(s.Shown)
	}
	if s.ChangedLinesOnly {
		text += " on changed lines"
	}
	return icon + " " + text
}

// writeCountTable is the shown findings by severity (rows) and layer (columns).
func writeCountTable(b *strings.Builder, s *Summary, shown []engine.Item) {
	layers := orderedLayers(s.ByLayer)
	byBoth := map[finding.Severity]map[finding.Layer]int{}
	for _, it := range shown {
		if byBoth[it.Severity] == nil {
			byBoth[it.Severity] = map[finding.Layer]int{}
		}
		byBoth[it.Severity][it.Layer]++
	}
	b.WriteString("| Severity |")
	for _, l := range layers {
		b.WriteString(" " + markdownText(titleCase(layerName(l))) + " |")
	}
	b.WriteString(" Total |\n|---|")
	b.WriteString(strings.Repeat("---:|", len(layers)+1) + "\n")
	for _, sev := range orderedSeverities(s.BySeverity) {
		if s.BySeverity[sev] == 0 {
			continue
		}
		b.WriteString("| " + titleCase(sev.String()) + " |")
		for _, l := range layers {
			b.WriteString(" " + itoa(byBoth[sev][l]) + " |")
		}
		b.WriteString(" " + itoa(s.BySeverity[sev]) + " |\n")
	}
	b.WriteString("| **Total** |")
	for _, l := range layers {
		b.WriteString(" " + itoa(s.ByLayer[l]) + " |")
	}
	b.WriteString(" **" + itoa(s.Shown) + "** |\n\n")
}

// writeOtherCounts lists what the headline does not count.
func writeOtherCounts(b *strings.Builder, s *Summary) {
	var rows []string
	if s.HasBase {
		rows = append(rows, "| Fixed by this change | "+itoa(s.Fixed)+" |", "| Pre-existing | "+itoa(s.Existing)+" |")
	}
	if s.HiddenOffChange > 0 {
		rows = append(rows, "| New, on lines this change did not touch | "+itoa(s.HiddenOffChange)+" |")
	}
	if s.Suppressed > 0 {
		cell := itoa(s.Suppressed)
		if s.SuppressedNoReason > 0 {
			cell += " (" + itoa(s.SuppressedNoReason) + " without a reason)"
		}
		rows = append(rows, "| Suppressed with `fourc:ignore` | "+cell+" |")
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("| Other findings | Count |\n|---|---:|\n")
	b.WriteString(strings.Join(rows, "\n") + "\n\n")
}

func writeDiagnostics(b *strings.Builder, diags []engine.Diagnostic) {
	if len(diags) == 0 {
		return
	}
	b.WriteString("#### Files that could not be analysed (" + itoa(len(diags)) + ")\n\n")
	for i, d := range diags {
		if i == maxMarkdownDiagnostics {
			b.WriteString("- …and " + itoa(len(diags)-i) + " more\n")
			break
		}
		loc := d.Path
		if d.Line > 0 {
			loc += ":" + itoa(d.Line)
		}
		line := "- " + markdownCode(loc) + " — " + markdownText(truncateBytes(d.Message, maxMarkdownMessage))
		if d.Scanner != "" {
			line += " (" + markdownText(d.Scanner) + ")"
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
}

// writeSuppressed lists the suppressed findings with their reasons, folded away: reviewers
// should be able to audit what was silenced without it crowding the summary.
func writeSuppressed(b *strings.Builder, listed []engine.Item, count int) {
	if count == 0 {
		return
	}
	b.WriteString("<details><summary>Suppressed findings (" + itoa(count) + ")</summary>\n\n")
	b.WriteString("| Rule | Location | Reason |\n|---|---|---|\n")
	n := 0
	for _, it := range listed {
		if !it.Suppressed {
			continue
		}
		if n == maxMarkdownSuppressed {
			b.WriteString("| …and " + itoa(count-n) + " more | | |\n")
			break
		}
		n++
		reason := "*no reason given*"
		if r := strings.TrimSpace(it.SuppressedReason); r != "" {
			reason = markdownText(truncateBytes(r, maxMarkdownMessage))
		}
		b.WriteString("| " + tableCode(it.RuleID) + " | " + tableCode(it.Location()) + " | " + reason + " |\n")
	}
	b.WriteString("\n</details>\n\n")
}

// writeFindingsMarkdown writes a table of findings, stopping with a note before limit bytes.
func writeFindingsMarkdown(b *strings.Builder, items []engine.Item, limit int) {
	const header = "#### Findings, most severe first\n\n| Severity | Location | Rule | Message |\n|---|---|---|---|\n"
	// Room for the note that says how many rows did not fit.
	const reserve = 160
	start := b.Len()
	b.WriteString(header)
	for i := range items {
		it := &items[i]
		row := "| " + titleCase(it.Severity.String()) + " | " + tableCode(it.Location()) + " | " +
			tableCode(it.RuleID) + " | " + markdownText(truncateBytes(it.Message, maxMarkdownMessage)) + " |\n"
		if b.Len()-start+len(row) > limit-reserve {
			fmt.Fprintf(b, "\n…and %s not listed here: run `fourc scan` or use the SARIF or JSON output to see all of them.\n",
				plural(len(items)-i, "more finding", "more findings"))
			return
		}
		b.WriteString(row)
	}
}

// footer says what was scanned, how long it took and with which version.
func footer(rep *engine.Report, s *Summary, version string) string {
	parts := []string{"Scanned " + plural(s.Files, "file", "files") + " (" + formatBytes(s.Bytes) + ")"}
	if d := formatDuration(rep.Duration); d != "" {
		parts[0] += " in " + d
	}
	if s.ChangedLinesOnly {
		parts[0] += ", changed lines only"
	}
	parts = append(parts, "fourc "+markdownText(version))
	return "<sub>" + strings.Join(parts, " · ") + "</sub>\n"
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(100 * time.Millisecond).String()
	}
}

func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	value, exp := float64(n)/unit, 0
	for value >= unit && exp < 4 {
		value /= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", value, "kMGTP"[exp])
}

// titleCase capitalises the first letter of a lowercase word ("high" → "High").
func titleCase(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
