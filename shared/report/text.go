package report

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// TextOptions configure the terminal listing.
type TextOptions struct {
	// Color adds ANSI colours. The caller decides, usually with ShouldColor.
	Color bool
}

// ShouldColor is the usual decision for Color: only on a terminal, never when the NO_COLOR
// convention (https://no-color.org) asks for none, and never on a terminal that declares itself
// dumb. getenv is os.Getenv outside tests.
func ShouldColor(isTerminal bool, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal
}

const (
	// tabWidth replaces a tab in quoted lines, identically in the line and under it, so the
	// caret lines up whatever the terminal's tab stops are.
	tabWidth = "    "
	// maxQuotedWidth bounds a quoted source line, in characters; longer lines show a window
	// around the flagged column.
	maxQuotedWidth = 120
	// maxFixLines bounds each side of a suggested fix shown in the terminal.
	maxFixLines = 12
	// maxTextDiagnostics bounds the diagnostics listed; JSON lists all of them.
	maxTextDiagnostics = 50
)

// Text writes the findings a person reads in a terminal: grouped by file, each with its
// severity, location, rule, message, the flagged source line with the flagged span underlined,
// the remediation and any suggested fix; then the diagnostics, a warning when the scan was
// partial, and a one-line total.
func Text(w io.Writer, rep *engine.Report, opts TextOptions) error {
	if rep == nil {
		return errNilReport
	}
	sel := selectFindings(rep)
	src := newSourceReader(rep.Root)
	defer src.Close()
	t := &textWriter{out: &errWriter{w: w}, pen: pen{on: opts.Color}, src: src, mode: rep.Mode}

	for i := 0; i < len(sel.shown); {
		j := i
		for j < len(sel.shown) && sel.shown[j].Path == sel.shown[i].Path {
			j++
		}
		t.file(sel.shown[i:j])
		i = j
	}
	t.diagnostics(sel.diags)
	t.partial(sel.sum.Partial)
	t.total(&sel.sum)
	return t.out.done("text report")
}

type textWriter struct {
	out  *errWriter
	pen  pen
	src  *sourceReader
	mode engine.Mode
}

// file writes the findings of one file under its path.
func (t *textWriter) file(items []engine.Item) {
	t.out.println(t.pen.bold(safeLine(items[0].Path)))
	for i := range items {
		t.finding(&items[i])
	}
	t.out.println()
}

func (t *textWriter) finding(it *engine.Item) {
	sev := it.Severity.String()
	head := t.pen.severity(it.Severity, sev) + strings.Repeat(" ", max(0, len("critical")-len(sev))) +
		"  " + safeLine(it.Location()) + "  " + t.pen.dim(safeLine(it.RuleID))
	if it.Title != "" {
		head += "  " + safeLine(it.Title)
	}
	if t.mode == engine.All && it.Status == engine.StatusExisting {
		head += t.pen.dim("  (pre-existing)")
	}
	t.out.println("  " + head)
	if msg := strings.TrimSpace(it.Message); msg != "" && msg != it.Title {
		for _, l := range strings.Split(safeText(msg), "\n") {
			t.out.println("    " + l)
		}
	}
	t.quote(it)
	if r := strings.TrimSpace(it.Remediation); r != "" {
		t.out.println("    " + t.pen.green("remediation:") + " " + oneLine(r))
	}
	if len(it.References) > 0 {
		t.out.println("    " + t.pen.dim("references: "+oneLine(strings.Join(it.References, ", "))))
	}
	if it.Fix != nil {
		t.fix(it)
	}
}

// quote shows the flagged line with the flagged span underlined, when the file can be read.
func (t *textWriter) quote(it *engine.Item) {
	raw, ok := t.src.line(it.Path, it.StartLine)
	if !ok {
		return
	}
	end := it.EndColumn
	if it.EndLine > it.StartLine {
		end = len(raw) + 1 // the span runs on past this line: underline to its end
	}
	raw = maskSecret(it, it.StartLine, raw)
	line, caretAt, caretWidth := underline(raw, it.StartColumn, end)
	num := itoa(it.StartLine)
	gutter := strings.Repeat(" ", len(num))
	t.out.println("      " + t.pen.dim(num+" | ") + line)
	t.out.println("      " + t.pen.dim(gutter+" | ") + strings.Repeat(" ", caretAt) +
		t.pen.severity(it.Severity, strings.Repeat("^", caretWidth)))
}

// underline renders raw for the terminal and places the caret under the byte columns
// [start, end) (1-based; end ≤ start marks a single point). It returns the printable line and
// the caret's offset and width in characters. Lines wider than maxQuotedWidth are cut to a
// window around the span, marked with "…" at the cut ends.
func underline(raw string, start, end int) (line string, caretAt, caretWidth int) {
	start = min(max(start, 1), len(raw)+1)
	end = min(max(end, start), len(raw)+1)
	before := []rune(safeLine(raw[:start-1]))
	span := []rune(safeLine(raw[start-1 : end-1]))
	after := []rune(safeLine(raw[end-1:]))
	caretAt, caretWidth = len(before), max(len(span), 1)

	all := append(append(append([]rune{}, before...), span...), after...)
	if len(all) <= maxQuotedWidth {
		return string(all), caretAt, caretWidth
	}
	// Keep a little context before the span, then as much as fits.
	from := max(0, caretAt-maxQuotedWidth/4)
	to := min(len(all), from+maxQuotedWidth)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
		caretAt = caretAt - from + 1
	}
	b.WriteString(string(all[from:to]))
	if to < len(all) {
		b.WriteString("…")
	}
	visible := utf8.RuneCountInString(b.String())
	caretWidth = max(1, min(caretWidth, visible-caretAt))
	return b.String(), caretAt, caretWidth
}

// fix shows a suggested fix as the lines it removes and the lines it adds.
func (t *textWriter) fix(it *engine.Item) {
	f := it.Fix
	desc := strings.TrimSpace(f.Description)
	if desc == "" {
		desc = "replace the flagged lines"
	}
	where := "line " + itoa(f.StartLine)
	if f.EndLine > f.StartLine {
		where = "lines " + itoa(f.StartLine) + "-" + itoa(f.EndLine)
	}
	t.out.println("    " + t.pen.green("suggested fix:") + " " + oneLine(desc) + " (" + where + ")")
	var removed []string
	for n := f.StartLine; n <= f.EndLine && n-f.StartLine <= maxFixLines; n++ {
		if l, ok := t.src.line(it.Path, n); ok {
			// The removed lines are the flagged ones: a secret would be shown in full here.
			removed = append(removed, maskSecret(it, n, l))
		}
	}
	t.fixSide("-", removed, f.EndLine-f.StartLine+1, t.pen.red)
	added := strings.Split(strings.TrimSuffix(f.Replacement, "\n"), "\n")
	if f.Replacement == "" {
		added = nil
	}
	t.fixSide("+", added, len(added), t.pen.green)
}

func (t *textWriter) fixSide(sign string, lines []string, total int, colour func(string) string) {
	for i, l := range lines {
		if i == maxFixLines {
			t.out.println("      " + t.pen.dim("… "+plural(total-maxFixLines, "more line", "more lines")))
			return
		}
		t.out.println("      " + colour(sign+" "+safeLine(l)))
	}
}

// diagnostics lists the files a scanner could not analyse.
func (t *textWriter) diagnostics(diags []engine.Diagnostic) {
	if len(diags) == 0 {
		return
	}
	paths := map[string]bool{}
	for _, d := range diags {
		paths[d.Path] = true
	}
	t.out.println(t.pen.yellow(plural(len(paths), "file", "files") + " could not be analysed:"))
	for i, d := range diags {
		if i == maxTextDiagnostics {
			t.out.println("  … " + plural(len(diags)-maxTextDiagnostics, "more", "more") + " (the JSON output lists all)")
			break
		}
		loc := safeLine(d.Path)
		if d.Line > 0 {
			loc += ":" + itoa(d.Line)
		}
		line := "  " + loc + ": " + oneLine(d.Message)
		if d.Scanner != "" {
			line += t.pen.dim(" (" + safeLine(d.Scanner) + ")")
		}
		t.out.println(line)
	}
	t.out.println()
}

// partial warns that findings may be missing, and why.
func (t *textWriter) partial(reasons []string) {
	if len(reasons) == 0 {
		return
	}
	t.out.println(t.pen.warn("WARNING: partial scan: some checks did not complete, so findings may be missing:"))
	for _, r := range reasons {
		t.out.println("  - " + oneLine(r))
	}
	t.out.println()
}

// total writes the one line a user reads last.
func (t *textWriter) total(s *Summary) {
	t.out.println(t.pen.bold(totalLine(s)))
}

// totalLine is the one-line total, shared with the workflow-command output.
func totalLine(s *Summary) string {
	var b strings.Builder
	if s.Shown == 0 {
		b.WriteString("No " + s.noun(0))
	} else {
		sev, lay := s.countPhrases()
		b.WriteString(itoa(s.Shown) + " " + s.noun(s.Shown) + " (" + sev + "; " + lay + ")")
	}
	b.WriteString(" in " + plural(s.Files, "file", "files"))
	if s.ChangedLinesOnly {
		b.WriteString(", changed lines only")
	}
	if s.Blocking > 0 {
		b.WriteString("; " + itoa(s.Blocking) + " at or above fail_on " + s.FailOn.String())
	}
	if more := s.secondaryCounts(); len(more) > 0 {
		b.WriteString("; " + strings.Join(more, ", "))
	}
	if s.IsPartial() {
		b.WriteString("; partial scan")
	}
	b.WriteString(".")
	return b.String()
}

// pen paints text with ANSI colours when on, and leaves it alone otherwise.
type pen struct{ on bool }

func (p pen) paint(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p pen) bold(s string) string   { return p.paint("1", s) }
func (p pen) dim(s string) string    { return p.paint("2", s) }
func (p pen) red(s string) string    { return p.paint("31", s) }
func (p pen) green(s string) string  { return p.paint("32", s) }
func (p pen) yellow(s string) string { return p.paint("33", s) }
func (p pen) warn(s string) string   { return p.paint("1;33", s) }

func (p pen) severity(sev finding.Severity, s string) string {
	switch {
	case sev >= finding.Critical:
		return p.paint("1;35", s)
	case sev == finding.High:
		return p.paint("1;31", s)
	case sev == finding.Medium:
		return p.paint("33", s)
	case sev == finding.Low:
		return p.paint("36", s)
	default:
		return p.paint("34", s)
	}
}

// maskSecret masks the part of line n (1-based) of the file that a sensitive finding flags, so
// that no quoted line repeats the secret; other lines, and lines of other findings, are returned
// as they are. A span over several lines covers the rest of its first line, the whole of the
// lines between and the start of its last.
func maskSecret(it *engine.Item, n int, raw string) string {
	last := max(it.EndLine, it.StartLine)
	if !it.Sensitive || n < it.StartLine || n > last {
		return raw
	}
	start, end := 1, len(raw)+1
	if n == it.StartLine {
		start = it.StartColumn
	}
	if n == last {
		end = it.EndColumn
	}
	return maskSpan(raw, start, end)
}

// maskSpan hides a secret on a quoted line: the flagged byte columns [start, end) keep at most a
// quarter of their bytes (four at most), the rest become '*', so the caret still lines up and the
// secret is not repeated.
func maskSpan(raw string, start, end int) string {
	to := min(end-1, len(raw))
	from := start - 1 + min(4, max(to-(start-1), 0)/4)
	if start < 1 || from >= to {
		from = max(start-1, 0)
	}
	if from >= to {
		return raw
	}
	return raw[:from] + strings.Repeat("*", to-from) + raw[to:]
}
