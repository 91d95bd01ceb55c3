package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// classes are the kinds of problem both tools are compared on, in report order.
var classes = []string{
	"sql-injection", "command-injection", "path-traversal", "zip-slip", "ssrf", "xss",
	"insecure-random", "secret-in-log", "hardcoded-credential",
	"tls-skip-verify", "tls-weak-version", "tls-weak-cipher", "weak-hash", "weak-cipher", "weak-key",
	"file-permissions", "server-timeout", "listen-all-interfaces", "pprof-exposed",
	"decompression-bomb", "insecure-cookie", "cors", "jwt",
}

// fourcClass maps a fourc rule id to its class.
func fourcClass(rule string) string {
	switch {
	case rule == "go-sql-injection":
		return "sql-injection"
	case rule == "go-command-injection":
		return "command-injection"
	case rule == "go-path-traversal":
		return "path-traversal"
	case rule == "go-zip-slip":
		return "zip-slip"
	case rule == "go-ssrf":
		return "ssrf"
	case strings.HasPrefix(rule, "go-xss"):
		return "xss"
	case rule == "go-insecure-random":
		return "insecure-random"
	case rule == "go-secret-in-log":
		return "secret-in-log"
	case rule == "go-hardcoded-credential":
		return "hardcoded-credential"
	case strings.HasPrefix(rule, "go-tls-insecure-skip-verify"):
		return "tls-skip-verify"
	case rule == "go-tls-weak-version":
		return "tls-weak-version"
	case rule == "go-tls-insecure-cipher-suite":
		return "tls-weak-cipher"
	case rule == "go-weak-hash":
		return "weak-hash"
	case rule == "go-weak-cipher":
		return "weak-cipher"
	case rule == "go-weak-rsa-key", rule == "go-dsa-signature":
		return "weak-key"
	case strings.HasPrefix(rule, "go-file-mode-"):
		return "file-permissions"
	case rule == "go-http-server-no-timeout":
		return "server-timeout"
	case rule == "go-listen-all-interfaces":
		return "listen-all-interfaces"
	case rule == "go-pprof-default-mux":
		return "pprof-exposed"
	case rule == "go-decompression-bomb":
		return "decompression-bomb"
	case rule == "go-cookie-insecure", rule == "go-session-cookie-insecure":
		return "insecure-cookie"
	case rule == "go-cors-any-origin-credentials":
		return "cors"
	case strings.HasPrefix(rule, "go-jwt-"):
		return "jwt"
	}
	return ""
}

// gosecClass maps a gosec rule (and, for G402, its message) to a class; "" is out of scope
// (unchecked errors, integer conversions, unsafe, …).
func gosecClass(rule, details string) string {
	switch rule {
	case "G201", "G202", "G701":
		return "sql-injection"
	case "G204", "G702":
		return "command-injection"
	case "G111", "G304", "G703":
		return "path-traversal"
	case "G305":
		return "zip-slip"
	case "G107", "G704":
		return "ssrf"
	case "G203", "G705", "G708":
		return "xss"
	case "G404":
		return "insecure-random"
	case "G101":
		return "hardcoded-credential"
	case "G402":
		switch d := strings.ToLower(details); {
		case strings.Contains(d, "insecureskipverify"):
			return "tls-skip-verify"
		case strings.Contains(d, "cipher"):
			return "tls-weak-cipher"
		default:
			return "tls-weak-version"
		}
	case "G401", "G406", "G501", "G505", "G506", "G507":
		return "weak-hash"
	case "G405", "G502", "G503":
		return "weak-cipher"
	case "G403":
		return "weak-key"
	case "G301", "G302", "G306", "G307":
		return "file-permissions"
	case "G112", "G114":
		return "server-timeout"
	case "G102":
		return "listen-all-interfaces"
	case "G108":
		return "pprof-exposed"
	case "G110":
		return "decompression-bomb"
	case "G124":
		return "insecure-cookie"
	}
	return ""
}

// result is one finding of either tool, with its class.
type result struct {
	Tool    string
	Path    string // slash-separated, relative to the scanned root
	Line    int
	Rule    string
	Class   string
	Message string
}

func readFourc(file string) ([]result, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("fourc findings: %w", err)
	}
	var out []result
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var f benchFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			return nil, fmt.Errorf("fourc findings: %w", err)
		}
		out = append(out, result{Tool: "fourc", Path: f.Path, Line: f.Line, Rule: f.Rule, Class: fourcClass(f.Rule), Message: f.Message})
	}
	return out, nil
}

// gosecReport is the part of gosec's JSON report the comparison reads.
type gosecReport struct {
	Issues []struct {
		RuleID  string `json:"rule_id"`
		Details string `json:"details"`
		File    string `json:"file"`
		Line    string `json:"line"` // "12" or "12-14"
	} `json:"Issues"`
	GolangErrors map[string]json.RawMessage `json:"Golang errors"`
}

// readGosec reads gosec's report, refusing one that hides type-checking failures: gosec exits 0
// with no findings when it cannot load the packages (for example without go on PATH).
func readGosec(file, root string) ([]result, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("gosec report: %w", err)
	}
	var rep gosecReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("gosec report: %w", err)
	}
	if len(rep.GolangErrors) > 0 {
		var pkgs []string
		for p := range rep.GolangErrors {
			pkgs = append(pkgs, p)
		}
		return nil, fmt.Errorf("gosec could not type-check %d package(s) (%s); its findings would be incomplete", len(pkgs), strings.Join(pkgs[:min(3, len(pkgs))], ", "))
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var out []result
	for _, is := range rep.Issues {
		rel, err := filepath.Rel(absRoot, is.File)
		if err != nil {
			rel = is.File
		}
		first, _, _ := strings.Cut(is.Line, "-")
		line, _ := strconv.Atoi(first)
		out = append(out, result{Tool: "gosec", Path: filepath.ToSlash(rel), Line: line, Rule: is.RuleID, Class: gosecClass(is.RuleID, is.Details), Message: is.Details})
	}
	return out, nil
}
