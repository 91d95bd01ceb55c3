package report

import (
	"io"
	"sort"
	"strings"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// GitHub writes GitHub Actions workflow commands, one annotation per shown finding:
//
//	::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=RULE: TITLE::message
//
// with error, warning or notice from the finding's severity. The most severe come first, because
// Actions displays only the first few annotations of each kind per step. Partial-scan reasons
// become warnings and diagnostics notices; a plain one-line total ends the output.
func GitHub(w io.Writer, rep *engine.Report) error {
	if rep == nil {
		return errNilReport
	}
	sel := selectFindings(rep)
	out := &errWriter{w: w}
	items := append([]engine.Item(nil), sel.shown...)
	sortBySeverity(items)
	for _, it := range items {
		props := []string{"file=" + escapeProperty(it.Path), "line=" + itoa(it.StartLine)}
		if it.EndLine > it.StartLine {
			// GitHub takes columns only for a span on one line.
			props = append(props, "endLine="+itoa(it.EndLine))
		} else {
			props = append(props, "col="+itoa(it.StartColumn), "endLine="+itoa(it.StartLine), "endColumn="+itoa(max(it.EndColumn, it.StartColumn)))
		}
		props = append(props, "title="+escapeProperty(annotationTitle(&it.Finding)))
		out.println(workflowCommand(commandLevel(it.Severity), props, annotationMessage(&it.Finding, "")))
	}
	for _, reason := range sel.sum.Partial {
		out.println(workflowCommand("warning", []string{"title=" + escapeProperty("fourc: partial scan")},
			"Some checks did not complete, so findings may be missing: "+reason))
	}
	for _, d := range sel.diags {
		props := []string{"file=" + escapeProperty(d.Path)}
		if d.Line > 0 {
			props = append(props, "line="+itoa(d.Line))
		}
		props = append(props, "title="+escapeProperty("fourc: could not analyse file"))
		out.println(workflowCommand("notice", props, d.Message))
	}
	out.println(totalLine(&sel.sum))
	return out.done("GitHub workflow commands")
}

// commandLevel is the workflow command for a severity: the check-run level, with GitHub's
// "failure" spelt "error" as workflow commands spell it.
func commandLevel(s finding.Severity) string {
	if level := s.AnnotationLevel(); level != "failure" {
		return level
	}
	return "error"
}

func workflowCommand(level string, props []string, message string) string {
	return "::" + level + " " + strings.Join(props, ",") + "::" + escapeData(message)
}

// escapeData escapes a workflow command's message as the Actions runner unescapes it, so text
// from a repository cannot end the command early or inject a second one on a new line.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property value; ':' and ',' would otherwise end it.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// annotationTitle is "RULE: TITLE", what both annotation outputs show in bold.
func annotationTitle(f *finding.Finding) string {
	if f.Title == "" {
		return f.RuleID
	}
	return f.RuleID + ": " + f.Title
}

// annotationMessage is the finding's message, then how to fix it and where to read more.
func annotationMessage(f *finding.Finding, helpURL string) string {
	msg := strings.TrimSpace(f.Message)
	if msg == "" {
		msg = f.Title
	}
	if rem := strings.TrimSpace(f.Remediation); rem != "" {
		msg += "\n\nRemediation: " + rem
	}
	if helpURL != "" {
		msg += "\nMore: " + helpURL
	}
	return msg
}

// sortBySeverity orders findings from the most severe, then by path and position.
func sortBySeverity(items []engine.Item) {
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Severity != items[j].Severity {
			return items[i].Severity > items[j].Severity
		}
		return finding.Less(&items[i].Finding, &items[j].Finding)
	})
}
