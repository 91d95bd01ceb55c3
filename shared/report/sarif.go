package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

const (
	sarifVersion = "2.1.0"
	// sarifSchemaURI is the OASIS standard's 2.1.0 schema.
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
	// sarifSourceRoot is the base that relative result locations are resolved against; GitHub
	// code scanning maps it to the repository root.
	sarifSourceRoot = "%SRCROOT%"
	// fingerprintKey names fourc's fingerprint among partialFingerprints; the version suffix
	// lets a future fingerprint algorithm live beside this one.
	fingerprintKey = "fourc/v1"
)

// SARIFOptions configure the SARIF log.
type SARIFOptions struct {
	// ToolVersion is written as tool.driver.version; empty means Version.
	ToolVersion string
	// AllRules lists every catalogue rule in tool.driver.rules, not only the rules with results.
	AllRules bool
}

// SARIF writes the scan as a SARIF 2.1.0 log with one run, in the form GitHub code scanning
// ingests: rules with help, tags and a numeric "security-severity" (so alerts show a severity),
// results located relative to the scanned directory (uriBaseId %SRCROOT%) with fourc's
// fingerprint in partialFingerprints, suppressed findings carrying an in-source suppression, and
// one invocation whose executionSuccessful is false when the scan was partial.
//
// Columns are converted from the bytes findings count to the UTF-16 code units SARIF counts by
// default, when the source line can be read under rep.Root; otherwise they are left as bytes,
// which agree for ASCII lines.
func SARIF(w io.Writer, rep *engine.Report, cat *finding.Catalogue, opts SARIFOptions) error {
	if rep == nil {
		return errNilReport
	}
	sel := selectFindings(rep)
	src := newSourceReader(rep.Root)
	defer src.Close()

	rules, index := sarifRules(sel.listed, cat, opts.AllRules)
	version := toolVersion(opts.ToolVersion)
	semver := semanticVersion(version)
	if semver != "" {
		// SARIF consumers compare versions numerically; "v1.2.3" would not compare.
		version = semver
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            ToolName,
			InformationURI:  InformationURI,
			Version:         version,
			SemanticVersion: semver,
			Rules:           rules,
		}},
		Invocations: []sarifInvocation{sarifInvocationOf(&sel.sum, sel.diags)},
		Results:     make([]sarifResult, 0, len(sel.listed)),
		ColumnKind:  "utf16CodeUnits",
	}
	for i := range sel.listed {
		run.Results = append(run.Results, sarifResultOf(&sel.listed[i], index, rep.HasBase, src))
	}
	log := sarifLog{Schema: sarifSchemaURI, Version: sarifVersion, Runs: []sarifRun{run}}

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write SARIF report: %w", err)
	}
	return nil
}

// The SARIF object model, as far as fourc uses it. Field order follows the spec's examples.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string                `json:"name"`
	InformationURI  string                `json:"informationUri"`
	Version         string                `json:"version"`
	SemanticVersion string                `json:"semanticVersion,omitempty"`
	Rules           []sarifRuleDescriptor `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRuleDescriptor struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifMultiformat   `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Fixes               []sarifFix         `json:"fixes,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Severity string `json:"severity"`
	Layer    string `json:"layer"`
	Status   string `json:"status"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string             `json:"level"`
	Message    sarifText          `json:"message"`
	Descriptor sarifDescriptorRef `json:"descriptor"`
	Locations  []sarifLocation    `json:"locations,omitempty"`
	Properties *sarifNotifyProps  `json:"properties,omitempty"`
}

type sarifDescriptorRef struct {
	ID string `json:"id"`
}

type sarifNotifyProps struct {
	Scanner string `json:"scanner"`
}

// securitySeverity is the CVSS-like score GitHub reads from "security-severity" to show a
// rule's severity: over 9.0 is critical, 7.0–8.9 high, 4.0–6.9 medium, below that low.
func securitySeverity(s finding.Severity) string {
	switch {
	case s >= finding.Critical:
		return "9.5"
	case s == finding.High:
		return "8.0"
	case s == finding.Medium:
		return "5.5"
	case s == finding.Low:
		return "3.0"
	default:
		return "1.0"
	}
}

// sarifRules describes the rules the results use (or every catalogue rule), sorted by id, and
// indexes them for ruleIndex. A rule missing from the catalogue is described from its findings,
// so every result has a rule. A rule's level and security-severity follow the severity its
// findings carry, which differs from the catalogue's when the repository's config overrides it.
func sarifRules(items []engine.Item, cat *finding.Catalogue, all bool) ([]sarifRuleDescriptor, map[string]int) {
	byID := map[string]finding.Rule{}
	if all && cat != nil {
		for _, r := range cat.Rules() {
			byID[r.ID] = r
		}
	}
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.RuleID] {
			continue
		}
		seen[it.RuleID] = true
		r := ruleFor(&it.Finding, cat)
		r.Severity = it.Severity
		byID[it.RuleID] = r
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rules := make([]sarifRuleDescriptor, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		rules = append(rules, sarifRuleOf(byID[id]))
	}
	return rules, index
}

// ruleFor is the finding's rule from the catalogue, else one made from the finding.
func ruleFor(f *finding.Finding, cat *finding.Catalogue) finding.Rule {
	if cat != nil {
		if r := cat.Rule(f.RuleID); r != nil {
			return *r
		}
	}
	return finding.Rule{
		ID:          f.RuleID,
		Title:       f.Title,
		Layer:       f.Layer,
		Severity:    f.Severity,
		Remediation: f.Remediation,
		References:  f.References,
	}
}

var cwePattern = regexp.MustCompile(`^(?i)CWE-(\d+)$`)

func sarifRuleOf(r finding.Rule) sarifRuleDescriptor {
	title := r.Title
	if title == "" {
		title = r.ID
	}
	description := r.Description
	if description == "" {
		description = title + "."
	}
	name := pascalCase(title)
	if name == "" {
		name = pascalCase(r.ID)
	}
	tags := []string{string(r.Layer), "security"}
	for _, ref := range r.References {
		if m := cwePattern.FindStringSubmatch(strings.TrimSpace(ref)); m != nil {
			tags = append(tags, "external/cwe/cwe-"+m[1])
		}
	}
	return sarifRuleDescriptor{
		ID:                   r.ID,
		Name:                 name,
		ShortDescription:     sarifText{Text: title},
		FullDescription:      sarifText{Text: description},
		Help:                 ruleHelp(r, description),
		HelpURI:              r.HelpURL,
		DefaultConfiguration: sarifConfiguration{Level: r.Severity.SARIFLevel()},
		Properties: sarifRuleProps{
			Tags:             uniqueStrings(tags),
			SecuritySeverity: securitySeverity(r.Severity),
			// fourc rules carry no precision yet; "high" states the bar every rule is held to
			// (a true positive in the common case). Code scanning uses it only to sort.
			Precision: "high",
		},
	}
}

// ruleHelp is the rule's help in plain text and Markdown: what it finds, how to fix it, and
// where to read more.
func ruleHelp(r finding.Rule, description string) sarifMultiformat {
	text := []string{description}
	md := []string{description}
	if rem := strings.TrimSpace(r.Remediation); rem != "" {
		text = append(text, "Remediation: "+rem)
		md = append(md, "**Remediation:** "+rem)
	}
	if len(r.References) > 0 {
		var links []string
		for _, ref := range r.References {
			links = append(links, referenceLink(ref))
		}
		text = append(text, "References: "+strings.Join(r.References, ", "))
		md = append(md, "**References:** "+strings.Join(links, ", "))
	}
	if r.HelpURL != "" {
		text = append(text, "More: "+r.HelpURL)
		md = append(md, "[More about "+r.ID+"]("+r.HelpURL+")")
	}
	return sarifMultiformat{Text: strings.Join(text, "\n\n"), Markdown: strings.Join(md, "\n\n")}
}

// referenceLink turns a reference into a Markdown link when it has a well-known home.
func referenceLink(ref string) string {
	ref = strings.TrimSpace(ref)
	if m := cwePattern.FindStringSubmatch(ref); m != nil {
		return "[" + ref + "](https://cwe.mitre.org/data/definitions/" + m[1] + ".html)"
	}
	if u, err := url.Parse(ref); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return "<" + ref + ">"
	}
	return ref
}

func sarifResultOf(it *engine.Item, index map[string]int, hasBase bool, src *sourceReader) sarifResult {
	message := strings.TrimSpace(it.Message)
	if message == "" {
		message = it.Title
	}
	if message == "" {
		message = it.RuleID
	}
	res := sarifResult{
		RuleID:              it.RuleID,
		RuleIndex:           index[it.RuleID],
		Level:               it.Severity.SARIFLevel(),
		Message:             sarifText{Text: message},
		Locations:           []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifactLocation(it.Path), Region: resultRegion(&it.Finding, src)}}},
		PartialFingerprints: map[string]string{fingerprintKey: it.Fingerprint},
		Properties:          sarifResultProps{Severity: it.Severity.String(), Layer: string(it.Layer), Status: string(it.Status)},
	}
	if hasBase {
		switch it.Status {
		case engine.StatusNew:
			res.BaselineState = "new"
		case engine.StatusExisting:
			res.BaselineState = "unchanged"
		}
	}
	if it.Suppressed {
		res.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: strings.TrimSpace(it.SuppressedReason)}}
	}
	if it.Fix != nil {
		res.Fixes = []sarifFix{sarifFixOf(it)}
	}
	if it.Fingerprint == "" {
		// GitHub computes its own fingerprint when none is given; an empty one would collide.
		res.PartialFingerprints = nil
	}
	return res
}

// artifactLocation is a slash-separated path relative to the source root, escaped as a URI
// reference (a space becomes %20; a first segment with a colon gets "./" so it is no scheme).
func artifactLocation(path string) sarifArtifactLocation {
	return sarifArtifactLocation{URI: (&url.URL{Path: path}).String(), URIBaseID: sarifSourceRoot}
}

// resultRegion converts the finding's span to a SARIF region. A span with no width on one line
// leaves endColumn out, which SARIF reads as "to the end of the line".
func resultRegion(f *finding.Finding, src *sourceReader) *sarifRegion {
	r := &sarifRegion{StartLine: max(f.StartLine, 1), EndLine: max(f.EndLine, f.StartLine, 1)}
	startText, _ := src.line(f.Path, r.StartLine)
	r.StartColumn = utf16Column(startText, f.StartColumn)
	if r.EndLine > r.StartLine || f.EndColumn > f.StartColumn {
		endText := startText
		if r.EndLine != r.StartLine {
			endText, _ = src.line(f.Path, r.EndLine)
		}
		r.EndColumn = utf16Column(endText, f.EndColumn)
	}
	return r
}

// utf16Column converts a 1-based byte column of line to a 1-based UTF-16 code unit column.
// Bytes past the known text (or all of them, when the line could not be read) count one each.
func utf16Column(line string, byteCol int) int {
	if byteCol < 1 {
		return 1
	}
	prefix := byteCol - 1
	if prefix > len(line) {
		return utf16Len(line) + (prefix - len(line)) + 1
	}
	return utf16Len(line[:prefix]) + 1
}

func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r == utf8.RuneError && size == 1 {
			n++ // an invalid byte decodes to U+FFFD, one unit
			continue
		}
		n += utf16.RuneLen(r)
	}
	return n
}

// sarifFixOf replaces whole lines. deletedRegion has no columns, which SARIF reads as the lines'
// text without the final line ending, so the inserted text drops its final newline as well.
func sarifFixOf(it *engine.Item) sarifFix {
	f := it.Fix
	desc := strings.TrimSpace(f.Description)
	if desc == "" {
		desc = "Replace the flagged lines."
	}
	start := max(f.StartLine, 1)
	return sarifFix{
		Description: sarifText{Text: desc},
		ArtifactChanges: []sarifArtifactChange{{
			ArtifactLocation: artifactLocation(it.Path),
			Replacements: []sarifReplacement{{
				DeletedRegion:   sarifRegion{StartLine: start, EndLine: max(f.EndLine, start)},
				InsertedContent: sarifText{Text: strings.TrimSuffix(f.Replacement, "\n")},
			}},
		}},
	}
}

// sarifInvocationOf records whether the scan completed: every partial-scan reason is an error
// notification (coverage is missing) and every diagnostic a warning at its file.
func sarifInvocationOf(s *Summary, diags []engine.Diagnostic) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: !s.IsPartial()}
	for _, reason := range s.Partial {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:      "error",
			Message:    sarifText{Text: "Partial scan: " + reason},
			Descriptor: sarifDescriptorRef{ID: "fourc/partial-scan"},
		})
	}
	for _, d := range diags {
		loc := sarifPhysicalLocation{ArtifactLocation: artifactLocation(d.Path)}
		if d.Line > 0 {
			loc.Region = &sarifRegion{StartLine: d.Line}
		}
		n := sarifNotification{
			Level:      "warning",
			Message:    sarifText{Text: "Could not analyse " + d.Path + ": " + d.Message},
			Descriptor: sarifDescriptorRef{ID: "fourc/file-not-analysed"},
			Locations:  []sarifLocation{{PhysicalLocation: loc}},
		}
		if d.Scanner != "" {
			n.Properties = &sarifNotifyProps{Scanner: d.Scanner}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return inv
}

var semverPattern = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$`)

// semanticVersion is version without its "v" when it is a semantic version, else "" (a "dev"
// build has none).
func semanticVersion(version string) string {
	if m := semverPattern.FindStringSubmatch(version); m != nil {
		return m[1]
	}
	return ""
}

// uniqueStrings drops repeats, keeping the first occurrence: SARIF tags must be unique.
func uniqueStrings(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
