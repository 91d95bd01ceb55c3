package report

import (
	"strings"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// GitHub's limits on a check run's output (REST API, "Create a check run"). They are enforced by
// cutting text with a visible marker, never by failing: a truncated check beats a missing one.
const (
	MaxCheckTitleBytes    = 255
	MaxCheckSummaryBytes  = 65535
	MaxCheckTextBytes     = 65535
	MaxAnnotationBytes    = 65535 // message and raw_details, each ("64 KB")
	MaxAnnotationTitle    = 255
	DefaultMaxAnnotations = 200
)

// CheckRunOptions configure CheckRunOutput.
type CheckRunOptions struct {
	// MaxAnnotations caps the annotations; 0 means DefaultMaxAnnotations and a negative number
	// means none. The summary says how many findings were left out and the text lists them all.
	MaxAnnotations int
	// ToolVersion appears in the summary's footer; empty means Version.
	ToolVersion string
}

// CheckOutput is the output object of a GitHub check run, in the API's JSON shape.
type CheckOutput struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
	// Text lists every shown finding when they do not all fit as annotations; else it is empty.
	Text        string       `json:"text,omitempty"`
	Annotations []Annotation `json:"annotations,omitempty"`
}

// Annotation is one check-run annotation. Columns are zero (and omitted) unless the annotation
// starts and ends on the same line, as GitHub requires. The API takes at most 50 annotations per
// request; the caller sends them in batches.
type Annotation struct {
	Path            string `json:"path"`
	StartLine       int    `json:"start_line"`
	EndLine         int    `json:"end_line"`
	StartColumn     int    `json:"start_column,omitempty"`
	EndColumn       int    `json:"end_column,omitempty"`
	AnnotationLevel string `json:"annotation_level"`
	Message         string `json:"message"`
	Title           string `json:"title,omitempty"`
	RawDetails      string `json:"raw_details,omitempty"`
}

// Conclusion is the check run's conclusion: "failure" when a shown finding reaches the fail_on
// severity, "neutral" when the scan was partial (a partial scan must never pass), else
// "success". A nil report, which means no scan result at all, is "neutral" for the same reason.
func Conclusion(rep *engine.Report) string {
	switch {
	case rep == nil:
		return "neutral"
	case rep.Failed():
		return "failure"
	case len(rep.Partial) > 0:
		return "neutral"
	default:
		return "success"
	}
}

// CheckRunOutput builds the output the App publishes on a check run: a title such as "2 new
// findings (1 high, 1 medium)", a Markdown summary (see Markdown), one annotation per shown
// finding up to opts.MaxAnnotations — the most severe first — and, when some findings were not
// annotated, a text listing all of them. Every field is cut to GitHub's limits.
func CheckRunOutput(rep *engine.Report, cat *finding.Catalogue, opts CheckRunOptions) CheckOutput {
	if rep == nil {
		return CheckOutput{Title: "No scan result", Summary: "fourc produced no report for this commit, so nothing was checked."}
	}
	sel := selectFindings(rep)
	limit := opts.MaxAnnotations
	switch {
	case limit == 0:
		limit = DefaultMaxAnnotations
	case limit < 0:
		limit = 0
	}
	ordered := append([]engine.Item(nil), sel.shown...)
	sortBySeverity(ordered)
	annotated := ordered[:min(limit, len(ordered))]

	out := CheckOutput{Title: truncateBytes(checkTitle(&sel.sum), MaxCheckTitleBytes)}
	for i := range annotated {
		out.Annotations = append(out.Annotations, annotationOf(&annotated[i], cat))
	}
	var note string
	if left := len(ordered) - len(annotated); left > 0 {
		note = itoa(len(annotated)) + " of " + plural(len(ordered), "finding is", "findings are") +
			" annotated on the code, the most severe first; all of them are listed below the summary."
		var text strings.Builder
		writeFindingsMarkdown(&text, ordered, MaxCheckTextBytes)
		out.Text = truncateBytes(text.String(), MaxCheckTextBytes)
	}
	var summary strings.Builder
	writeSummaryMarkdown(&summary, rep, sel, toolVersion(opts.ToolVersion), note)
	out.Summary = truncateBytes(summary.String(), MaxCheckSummaryBytes)
	return out
}

// checkTitle is the one line shown beside the check's name.
func checkTitle(s *Summary) string {
	var title string
	if s.Shown == 0 {
		title = "No " + s.noun(0)
	} else {
		sev, _ := s.countPhrases()
		title = itoa(s.Shown) + " " + s.noun(s.Shown) + " (" + sev + ")"
	}
	if s.IsPartial() {
		title += " — partial scan"
	}
	return title
}

func annotationOf(it *engine.Item, cat *finding.Catalogue) Annotation {
	a := Annotation{
		Path:            it.Path,
		StartLine:       max(it.StartLine, 1),
		EndLine:         max(it.EndLine, it.StartLine, 1),
		AnnotationLevel: it.Severity.AnnotationLevel(),
		Title:           truncateBytes(annotationTitle(&it.Finding), MaxAnnotationTitle),
		Message:         truncateBytes(annotationMessage(&it.Finding, helpURL(it.RuleID, cat)), MaxAnnotationBytes),
		RawDetails:      truncateBytes(annotationDetails(it), MaxAnnotationBytes),
	}
	if a.StartLine == a.EndLine {
		a.StartColumn = max(it.StartColumn, 1)
		a.EndColumn = max(it.EndColumn, a.StartColumn)
	}
	return a
}

func helpURL(ruleID string, cat *finding.Catalogue) string {
	if cat == nil {
		return ""
	}
	if r := cat.Rule(ruleID); r != nil {
		return r.HelpURL
	}
	return ""
}

// annotationDetails is what "Show more details" reveals: the suggested fix, the references, and
// how to accept the finding if it is a false positive or a risk taken knowingly.
func annotationDetails(it *engine.Item) string {
	var parts []string
	if f := it.Fix; f != nil {
		where := "line " + itoa(f.StartLine)
		if f.EndLine > f.StartLine {
			where = "lines " + itoa(f.StartLine) + "-" + itoa(f.EndLine)
		}
		desc := strings.TrimSpace(f.Description)
		if desc == "" {
			desc = "replace the flagged lines"
		}
		parts = append(parts, "Suggested fix ("+where+"): "+desc+"\n"+strings.TrimSuffix(f.Replacement, "\n"))
	}
	if len(it.References) > 0 {
		parts = append(parts, "References: "+strings.Join(it.References, ", "))
	}
	parts = append(parts, "To accept this finding, add a comment on its line or the line above:\nfourc:ignore "+it.RuleID+" -- <reason>")
	return strings.Join(parts, "\n\n")
}
