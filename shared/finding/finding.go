// Package finding is the model every scanner reports in and every output reads from.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Severity orders findings; the zero value is Info so an unset severity never blocks a merge.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts the lowercase names used in config files and on the command line.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// SeverityNames lists the accepted names from lowest to highest.
func SeverityNames() []string { return append([]string(nil), severityNames[:]...) }

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(text []byte) error {
	v, err := ParseSeverity(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// AnnotationLevel is the GitHub check-run annotation level for the severity.
func (s Severity) AnnotationLevel() string {
	switch {
	case s >= High:
		return "failure"
	case s == Medium:
		return "warning"
	default:
		return "notice"
	}
}

// SARIFLevel is the SARIF 2.1.0 result level for the severity; it agrees with AnnotationLevel.
func (s Severity) SARIFLevel() string {
	switch s.AnnotationLevel() {
	case "failure":
		return "error"
	case "warning":
		return "warning"
	default:
		return "note"
	}
}

// Layer is one of the four C's of cloud-native security.
type Layer string

const (
	Cloud     Layer = "cloud"
	Cluster   Layer = "cluster"
	Container Layer = "container"
	Code      Layer = "code"
)

// Layers lists the layers from the outermost to the innermost.
func Layers() []Layer { return []Layer{Cloud, Cluster, Container, Code} }

// ParseLayer accepts a layer name as written in config files.
func ParseLayer(name string) (Layer, error) {
	for _, l := range Layers() {
		if strings.EqualFold(name, string(l)) {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown layer %q (want one of cloud, cluster, container, code)", name)
}

// Fix is a suggested replacement of whole lines StartLine..EndLine (1-based, inclusive).
type Fix struct {
	Description string `json:"description"`
	StartLine   int    `json:"start_line"`
	EndLine     int    `json:"end_line"`
	Replacement string `json:"replacement"`
}

// Finding is one problem at one place. Path is slash-separated and relative to the scanned root.
// Lines and columns are 1-based; columns count bytes, as go/token does.
type Finding struct {
	RuleID      string   `json:"rule_id"`
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	Layer       Layer    `json:"layer"`
	Path        string   `json:"path"`
	StartLine   int      `json:"start_line"`
	StartColumn int      `json:"start_column"`
	EndLine     int      `json:"end_line"`
	EndColumn   int      `json:"end_column"`
	Message     string   `json:"message"`
	Remediation string   `json:"remediation,omitempty"`
	References  []string `json:"references,omitempty"`
	Fix         *Fix     `json:"fix,omitempty"`
	// Sensitive marks a finding whose flagged text is itself a secret: outputs that quote source
	// lines mask the flagged span, so a report never repeats the secret it warns about.
	Sensitive bool `json:"sensitive,omitempty"`
	// Key, when a scanner sets it, identifies the finding better than the flagged line's text
	// (a hash of a secret, a resource address); it feeds the fingerprint and is never printed.
	Key         string `json:"-"`
	Fingerprint string `json:"fingerprint"`
}

// Location is "path:line:col", the form editors and terminals link.
func (f *Finding) Location() string {
	return fmt.Sprintf("%s:%d:%d", f.Path, f.StartLine, f.StartColumn)
}

// Fingerprint identifies a finding independently of its line number, so that a finding keeps
// its identity when unrelated lines above it are added or removed:
//
//	sha256(rule id NUL path NUL key NUL occurrence)[:16 bytes], hex
//
// where key is the scanner's Key if set, else the flagged line with all white space removed,
// and occurrence counts earlier findings of the same rule, path and key in the file (so two
// identical lines stay distinct). Editing the flagged line itself, or renaming the file, makes a new
// fingerprint; the engine maps renamed paths before comparing with a baseline.
func Fingerprint(ruleID, path, key string, occurrence int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d", ruleID, path, key, occurrence)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// NormalizeLine is the key of a finding whose scanner gave none: the flagged line without
// white space, so re-indenting a line does not make its findings new.
func NormalizeLine(line string) string {
	return strings.Join(strings.Fields(line), "")
}

// Sort orders findings by path, position, rule and message: every output is deterministic.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return Less(&fs[i], &fs[j]) })
}

// Less is the order Sort uses.
func Less(a, b *Finding) bool {
	switch {
	case a.Path != b.Path:
		return a.Path < b.Path
	case a.StartLine != b.StartLine:
		return a.StartLine < b.StartLine
	case a.StartColumn != b.StartColumn:
		return a.StartColumn < b.StartColumn
	case a.RuleID != b.RuleID:
		return a.RuleID < b.RuleID
	default:
		return a.Message < b.Message
	}
}
