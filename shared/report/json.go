package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// JSONSchemaVersion is the version of the JSON document JSON writes. It changes only when a
// field is removed or changes meaning; new fields may appear in any version. See JSON.md.
const JSONSchemaVersion = "1"

// JSONOptions configure the JSON document.
type JSONOptions struct {
	// ToolVersion is written as tool.version; empty means Version.
	ToolVersion string
	// Timings adds how long the scan and each scanner took. Off by default so that two runs over
	// the same tree write the same bytes.
	Timings bool
}

// JSON writes the scan as a versioned JSON document for scripts and other tools:
//
//	{
//	  "schema_version": "1",
//	  "tool":        {"name": "fourc", "version": "v1.2.3"},
//	  "scan":        {"mode", "files", "bytes", "changed_lines_only", "baseline", "fail_on", "failed", "partial", "scanners"},
//	  "summary":     {"shown", "by_severity", "by_layer", "blocking", "new_on_unchanged_lines", "pre_existing", "fixed", "suppressed", "suppressed_without_reason", "diagnostics"},
//	  "partial":     ["why the scan is incomplete", …],
//	  "findings":    [{"rule_id", "title", "severity", "layer", "path", "start_line", …, "status", "on_changed_line", "suppressed", "suppressed_reason"}, …],
//	  "fixed":       [{…the same finding fields…}, …],
//	  "diagnostics": [{"scanner", "path", "line", "message"}, …]
//	}
//
// "findings" lists what the scan's mode selects, suppressed findings included and flagged, in
// path and position order. Paths are relative to the scanned directory; the absolute path of
// the directory itself is never written. JSON.md in this package documents every field; cat, when
// not nil, supplies each rule's help URL.
func JSON(w io.Writer, rep *engine.Report, cat *finding.Catalogue, opts JSONOptions) error {
	if rep == nil {
		return errNilReport
	}
	sel := selectFindings(rep)
	doc := jsonDocument{
		SchemaVersion: JSONSchemaVersion,
		Tool:          jsonTool{Name: ToolName, Version: toolVersion(opts.ToolVersion)},
		Scan:          jsonScanOf(rep, &sel.sum, opts.Timings),
		Summary:       jsonSummaryOf(&sel.sum),
		Partial:       nonNil(sel.sum.Partial),
		Findings:      make([]jsonFinding, 0, len(sel.listed)),
		Fixed:         make([]jsonFinding, 0, len(sel.fixed)),
		Diagnostics:   make([]jsonDiagnostic, 0, len(sel.diags)),
	}
	for _, it := range sel.listed {
		f := jsonFindingOf(&it.Finding, cat)
		f.Status = string(it.Status)
		f.OnChangedLine = boolPtr(it.OnChanged)
		f.Suppressed = boolPtr(it.Suppressed)
		f.SuppressedReason = it.SuppressedReason
		doc.Findings = append(doc.Findings, f)
	}
	for i := range sel.fixed {
		f := jsonFindingOf(&sel.fixed[i], cat)
		f.Status = string(engine.StatusFixed)
		doc.Fixed = append(doc.Fixed, f)
	}
	for _, d := range sel.diags {
		doc.Diagnostics = append(doc.Diagnostics, jsonDiagnostic(d))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// The document's types are the schema: they are declared here rather than reusing the engine's
// structs so that a change inside the engine cannot silently change the published format.

type jsonDocument struct {
	SchemaVersion string           `json:"schema_version"`
	Tool          jsonTool         `json:"tool"`
	Scan          jsonScan         `json:"scan"`
	Summary       jsonSummary      `json:"summary"`
	Partial       []string         `json:"partial"`
	Findings      []jsonFinding    `json:"findings"`
	Fixed         []jsonFinding    `json:"fixed"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonScan struct {
	Mode             string        `json:"mode"`
	Files            int           `json:"files"`
	Bytes            int64         `json:"bytes"`
	ChangedLinesOnly bool          `json:"changed_lines_only"`
	Baseline         bool          `json:"baseline"`
	FailOn           string        `json:"fail_on"`
	Failed           bool          `json:"failed"`
	Partial          bool          `json:"partial"`
	DurationMS       *int64        `json:"duration_ms,omitempty"`
	Scanners         []jsonScanner `json:"scanners"`
}

type jsonScanner struct {
	Name       string `json:"name"`
	Findings   int    `json:"findings"`
	Error      string `json:"error,omitempty"`
	DurationMS *int64 `json:"duration_ms,omitempty"`
}

type jsonSummary struct {
	Shown                   int            `json:"shown"`
	BySeverity              map[string]int `json:"by_severity"`
	ByLayer                 map[string]int `json:"by_layer"`
	Blocking                int            `json:"blocking"`
	NewOnUnchangedLines     int            `json:"new_on_unchanged_lines"`
	PreExisting             int            `json:"pre_existing"`
	Fixed                   int            `json:"fixed"`
	Suppressed              int            `json:"suppressed"`
	SuppressedWithoutReason int            `json:"suppressed_without_reason"`
	Diagnostics             int            `json:"diagnostics"`
}

type jsonFix struct {
	Description string `json:"description"`
	StartLine   int    `json:"start_line"`
	EndLine     int    `json:"end_line"`
	Replacement string `json:"replacement"`
}

type jsonFinding struct {
	RuleID           string   `json:"rule_id"`
	Title            string   `json:"title"`
	Severity         string   `json:"severity"`
	Layer            string   `json:"layer"`
	Path             string   `json:"path"`
	StartLine        int      `json:"start_line"`
	StartColumn      int      `json:"start_column"`
	EndLine          int      `json:"end_line"`
	EndColumn        int      `json:"end_column"`
	Message          string   `json:"message"`
	Remediation      string   `json:"remediation,omitempty"`
	References       []string `json:"references,omitempty"`
	HelpURL          string   `json:"help_url,omitempty"`
	Fix              *jsonFix `json:"fix,omitempty"`
	Fingerprint      string   `json:"fingerprint"`
	Status           string   `json:"status"`
	OnChangedLine    *bool    `json:"on_changed_line,omitempty"`
	Suppressed       *bool    `json:"suppressed,omitempty"`
	SuppressedReason string   `json:"suppressed_reason,omitempty"`
}

type jsonDiagnostic struct {
	Scanner string `json:"scanner,omitempty"`
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// modeNames are the JSON names of the engine's modes, as the CLI spells them.
var modeNames = map[engine.Mode]string{
	engine.NewOnChangedLines: "new-on-changed-lines",
	engine.AllNew:            "all-new",
	engine.All:               "all",
}

func modeName(m engine.Mode) string {
	if name, ok := modeNames[m]; ok {
		return name
	}
	return "mode(" + itoa(int(m)) + ")"
}

func jsonScanOf(rep *engine.Report, s *Summary, timings bool) jsonScan {
	scan := jsonScan{
		Mode:             modeName(rep.Mode),
		Files:            rep.Files,
		Bytes:            rep.Bytes,
		ChangedLinesOnly: s.ChangedLinesOnly,
		Baseline:         rep.HasBase,
		FailOn:           rep.FailOn.String(),
		Failed:           s.Blocking > 0,
		Partial:          s.IsPartial(),
		Scanners:         make([]jsonScanner, 0, len(rep.Scanners)),
	}
	if timings {
		scan.DurationMS = int64Ptr(rep.Duration.Milliseconds())
	}
	for _, run := range rep.Scanners {
		js := jsonScanner{Name: run.Name, Findings: run.Findings, Error: run.Error}
		if timings {
			js.DurationMS = int64Ptr(run.Duration.Milliseconds())
		}
		scan.Scanners = append(scan.Scanners, js)
	}
	return scan
}

func jsonSummaryOf(s *Summary) jsonSummary {
	js := jsonSummary{
		Shown:                   s.Shown,
		BySeverity:              map[string]int{},
		ByLayer:                 map[string]int{},
		Blocking:                s.Blocking,
		NewOnUnchangedLines:     s.HiddenOffChange,
		PreExisting:             s.Existing,
		Fixed:                   s.Fixed,
		Suppressed:              s.Suppressed,
		SuppressedWithoutReason: s.SuppressedNoReason,
		Diagnostics:             s.Diagnostics,
	}
	// Every known key is present, zero or not, so consumers need no defaults.
	for _, sev := range orderedSeverities(s.BySeverity) {
		js.BySeverity[sev.String()] = s.BySeverity[sev]
	}
	for _, l := range orderedLayers(s.ByLayer) {
		js.ByLayer[string(l)] = s.ByLayer[l]
	}
	return js
}

func jsonFindingOf(f *finding.Finding, cat *finding.Catalogue) jsonFinding {
	jf := jsonFinding{
		RuleID:      f.RuleID,
		Title:       f.Title,
		Severity:    f.Severity.String(),
		Layer:       string(f.Layer),
		Path:        f.Path,
		StartLine:   f.StartLine,
		StartColumn: f.StartColumn,
		EndLine:     f.EndLine,
		EndColumn:   f.EndColumn,
		Message:     f.Message,
		Remediation: f.Remediation,
		References:  f.References,
		Fingerprint: f.Fingerprint,
	}
	if cat != nil {
		if r := cat.Rule(f.RuleID); r != nil {
			jf.HelpURL = r.HelpURL
		}
	}
	if f.Fix != nil {
		jf.Fix = &jsonFix{Description: f.Fix.Description, StartLine: f.Fix.StartLine, EndLine: f.Fix.EndLine, Replacement: f.Fix.Replacement}
	}
	return jf
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func boolPtr(b bool) *bool    { return &b }
func int64Ptr(n int64) *int64 { return &n }
