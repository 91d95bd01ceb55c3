package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// Bits of FuzzWriters' flags argument.
const (
	fuzzSuppressed = 1 << iota
	fuzzSensitive
	fuzzWithFix
	fuzzWithBaseline
	fuzzPartial
	fuzzDiagnostic
)

// FuzzWriters renders a report whose finding is made of fuzzed fields — every one of which a
// hostile repository can steer: the path is a file name, the message quotes its content, the
// suppression reason is a comment — next to a scanned file of fuzzed content. Every writer must
// succeed; SARIF must be valid against the 2.1.0 schema and JSON must parse, both naming the
// finding's rule; text must carry no terminal control characters nor a sensitive span in full;
// workflow commands must not be split or injected.
func FuzzWriters(f *testing.F) {
	f.Add("docker-latest-tag", "Dockerfile", "FROM golang:latest\n", "Base image golang:latest is not pinned", 1, 6, 1, 19, uint8(finding.High), uint8(2), uint8(fuzzWithFix|fuzzWithBaseline), "FROM golang:1.26\n")
	f.Add("secret-aws-key", "config/app.env", "AWS_KEY=AKIAABCDEFGHIJKLMNOP\r\n", "AWS access key AKIA… (20 characters)", 1, 9, 1, 29, uint8(finding.Critical), uint8(3), uint8(fuzzSensitive), "")
	f.Add("k8s-privileged", "deploy/pod é.yaml", "  \tsecurityContext: {privileged: true} # héllo \u202e\n", "Container \x1b[31mweb\x1b[0m is privileged\n::error::injected", 1, 5, 3, 2, uint8(finding.Medium), uint8(1), uint8(fuzzSuppressed|fuzzPartial|fuzzDiagnostic), "fixture -- %0A reason\n::warning::x")
	f.Add("a", "a:b/%2e%2e/c d#?.tf", "\xff\xfe\x00\n", "", 0, 0, -5, -1, uint8(200), uint8(0), uint8(0xff), "")
	f.Add("", "", "", "\t", 1<<30, 1<<30, 1<<30, 1<<30, uint8(0), uint8(255), uint8(fuzzSensitive|fuzzWithFix), "\n\n")
	f.Fuzz(func(t *testing.T, ruleID, filePath, source, message string, startLine, startCol, endLine, endCol int,
		severity, layer, flags uint8, extra string) {
		if !isTreePath(filePath) {
			return // findings name files of a tree: relative, clean, no NUL
		}
		root := t.TempDir()
		quoted := writeSource(root, filePath, source)

		// Severity, layer and title come from a rule's metadata, never from the repository.
		layers := finding.Layers()
		fd := finding.Finding{
			RuleID: ruleID, Title: "Fuzzed rule", Severity: finding.Severity(severity % 5), Layer: layers[int(layer)%len(layers)],
			Path: filePath, StartLine: startLine, StartColumn: startCol, EndLine: endLine, EndColumn: endCol,
			Message: message, Sensitive: flags&fuzzSensitive != 0,
			Fingerprint: finding.Fingerprint(ruleID, filePath, "", 0),
		}
		if flags&fuzzWithFix != 0 {
			fd.Fix = &finding.Fix{Description: extra, StartLine: startLine, EndLine: endLine, Replacement: extra}
		}
		item := engine.Item{Finding: fd, Status: engine.StatusNew, OnChanged: true}
		if flags&fuzzSuppressed != 0 {
			item.Suppressed, item.SuppressedReason = true, extra
		}
		rep := &engine.Report{Root: root, Mode: engine.All, FailOn: finding.High, Items: []engine.Item{item}, Files: 1}
		if flags&fuzzWithBaseline != 0 {
			rep.HasBase, rep.Fixed = true, []finding.Finding{fd}
		}
		if flags&fuzzPartial != 0 {
			rep.Partial = []string{extra}
		}
		if flags&fuzzDiagnostic != 0 {
			rep.Diags = []engine.Diagnostic{{Scanner: "fuzz", Path: filePath, Line: startLine, Message: extra}}
		}
		// What encoding/json makes of the rule id (invalid UTF-8 becomes U+FFFD): what a SARIF
		// or JSON consumer reads back.
		wantRuleID := jsonRoundTrip(t, ruleID)

		var sarif bytes.Buffer
		if err := SARIF(&sarif, rep, nil, SARIFOptions{ToolVersion: "v1.0.0"}); err != nil {
			t.Fatalf("SARIF: %v", err)
		}
		validateSARIF(t, sarif.Bytes())
		log := decodeSARIF(t, sarif.Bytes())
		if results := log.Runs[0].Results; len(results) != 1 || results[0].RuleID != wantRuleID {
			t.Fatalf("SARIF results %+v, want one of rule %q", results, wantRuleID)
		}
		checkRuleIndexes(t, log)

		var doc bytes.Buffer
		if err := JSON(&doc, rep, nil, JSONOptions{}); err != nil {
			t.Fatalf("JSON: %v", err)
		}
		var decoded struct {
			Findings []struct {
				RuleID string `json:"rule_id"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(doc.Bytes(), &decoded); err != nil {
			t.Fatalf("JSON output does not parse: %v", err)
		}
		if len(decoded.Findings) != 1 || decoded.Findings[0].RuleID != wantRuleID {
			t.Fatalf("JSON findings %+v, want one of rule %q", decoded.Findings, wantRuleID)
		}
		for name, out := range map[string][]byte{"SARIF": sarif.Bytes(), "JSON": doc.Bytes()} {
			if bytes.Contains(out, []byte(root)) {
				t.Errorf("%s output contains the absolute root %q", name, root)
			}
		}

		var text bytes.Buffer
		if err := Text(&text, rep, TextOptions{}); err != nil {
			t.Fatalf("Text: %v", err)
		}
		for _, r := range text.String() {
			if r != '\n' && r != replacementRune && isUnsafeRune(r) {
				t.Fatalf("text output holds the unsafe rune %U:\n%s", r, text.String())
			}
		}
		if secret := sensitiveSpan(&fd, source); quoted && secret != "" {
			checkSecretNotQuoted(t, rep, secret, text.String())
		}

		var commands bytes.Buffer
		if err := GitHub(&commands, rep); err != nil {
			t.Fatalf("GitHub: %v", err)
		}
		lines := strings.Split(strings.TrimSuffix(commands.String(), "\n"), "\n")
		wantCommands := len(rep.Shown()) + len(rep.Partial) + len(rep.Diags)
		if len(lines) != wantCommands+1 {
			t.Fatalf("got %d lines of workflow commands, want %d commands and a total:\n%s", len(lines), wantCommands, commands.String())
		}
		for _, l := range lines[:wantCommands] {
			if !strings.HasPrefix(l, "::") {
				t.Fatalf("line %q is not a workflow command", l)
			}
		}
	})
}

// isTreePath reports whether p is a path engine.OpenTree could list.
func isTreePath(p string) bool {
	return p != "" && !strings.ContainsRune(p, 0) && path.Clean(p) == p && filepath.IsLocal(filepath.FromSlash(p)) && !strings.Contains(p, "\\")
}

// writeSource writes the scanned file, reporting whether the file system took the name.
func writeSource(root, name, content string) bool {
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return false
	}
	return os.WriteFile(p, []byte(content), 0o644) == nil
}

func jsonRoundTrip(t *testing.T, s string) string {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back string
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// sensitiveSpan is the flagged text of a sensitive one-line finding when it is long enough that
// showing it in full would leak it (the mask keeps a short prefix), occurs once in the file
// (overlapping occurrences count), and
// is made of characters the mask does not produce; otherwise "".
func sensitiveSpan(fd *finding.Finding, source string) string {
	if !fd.Sensitive || fd.StartLine != 1 || fd.EndLine != 1 || fd.StartColumn < 1 {
		return ""
	}
	first, _, _ := strings.Cut(source, "\n")
	first = strings.TrimSuffix(first, "\r")
	if fd.EndColumn-1 > len(first) || fd.EndColumn-fd.StartColumn < 8 {
		return ""
	}
	span := first[fd.StartColumn-1 : fd.EndColumn-1]
	if first := strings.Index(source, span); strings.Contains(source[first+1:], span) || strings.Contains(span, "*") {
		return ""
	}
	return span
}

// checkSecretNotQuoted asserts that the sensitive span appears in the text output no more than
// it does when the file cannot be quoted at all (the message or path may legitimately hold the
// same characters): quoting must mask it.
func checkSecretNotQuoted(t *testing.T, rep *engine.Report, secret, withQuote string) {
	t.Helper()
	unquoted := *rep
	unquoted.Root = ""
	var without bytes.Buffer
	if err := Text(&without, &unquoted, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Count(withQuote, secret) > strings.Count(without.String(), secret) {
		t.Fatalf("the quoted line shows the sensitive span %q in full:\n%s", secret, withQuote)
	}
}
