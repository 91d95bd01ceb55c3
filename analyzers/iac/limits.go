package iac

import "unicode/utf8"

// Limits that keep a scan of a hostile repository bounded in time and memory.
const (
	// maxNesting bounds how deep values nest. Real templates stay under 20 levels (a JSON policy
	// inside a heredoc inside a resource); deeper input is refused or treated as unknown.
	maxNesting = 256
	// maxTemplateBytes bounds a string built from a template, since locals that interpolate
	// each other twice double in length at every step.
	maxTemplateBytes = 1 << 20
	// maxEvalNodes and maxEvalBytes bound what is handed to hcl's evaluator, for the same reason:
	// jsonencode of a list that repeats a local a million times would otherwise be built.
	maxEvalNodes = 10000
	maxEvalBytes = 1 << 20
	// maxYAMLNodes bounds how many YAML nodes a template's conversion visits, following aliases:
	// a "billion laughs" document stops here.
	maxYAMLNodes = 1 << 20
	// maxRepositioned bounds how much of a variable's default is copied at each use.
	maxRepositioned = 1000
)

// validUTF8Prefix reports whether b is UTF-8, allowing a character cut at its end.
func validUTF8Prefix(b []byte) bool {
	for cut := 0; cut < utf8.UTFMax && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}
