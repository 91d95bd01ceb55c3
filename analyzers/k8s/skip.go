package k8s

import (
	"bytes"
)

// uncheckedDocuments are (apiVersion, kind) pairs no rule looks at. CustomResourceDefinitions
// in particular carry large OpenAPI schemas: in manifests found in the wild they are about two
// thirds of the bytes, so not parsing them is much of the scanner's speed.
var uncheckedDocuments = map[[2]string]bool{
	{"apiextensions.k8s.io/v1", "CustomResourceDefinition"}: true,
	{"v1", "ConfigMap"}: true,
	{"v1", "Secret"}:    true,
}

// blankUncheckedDocuments reduces the documents of uncheckedDocuments to their line breaks, so
// the parser skips them and every other document keeps its positions. A
// document is recognised only when it has exactly one top-level apiVersion line and one kind
// line in block style; anything less plain (flow style, JSON, duplicates) is parsed as usual.
// Splitting at `---` lines is safe: a line starting with --- ends any scalar and any document
// in YAML, and anchors never cross documents. It scans lines by hand: regular expressions made
// this pre-pass cost more than the parsing it saves.
func blankUncheckedDocuments(data []byte) []byte {
	if !bytes.Contains(data, []byte("CustomResourceDefinition")) && !bytes.Contains(data, []byte("ConfigMap")) &&
		!bytes.Contains(data, []byte("Secret")) {
		return data
	}
	// out is built only once a document is dropped: kept bytes are copied as they are, a
	// dropped document leaves only its line breaks, so later documents keep their lines and
	// columns and the parser does not wade through what was there.
	var out []byte
	copied := 0 // data[:copied] is accounted for in out
	var doc documentHead
	flush := func(end int) {
		if !doc.unchecked() {
			return
		}
		if out == nil {
			out = make([]byte, 0, len(data))
		}
		out = append(out, data[copied:doc.start]...)
		out = append(out, bytes.Repeat([]byte("\n"), bytes.Count(data[doc.start:end], []byte("\n")))...)
		copied = end
	}
	for at := 0; at < len(data); {
		end := bytes.IndexByte(data[at:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += at
		}
		line := bytes.TrimSuffix(data[at:end], []byte("\r"))
		switch {
		case isDocumentStart(line):
			flush(at)
			doc = documentHead{start: end} // the marker line itself stays
		case bytes.HasPrefix(line, []byte("kind:")):
			doc.kinds++
			doc.kind = scalarText(line[len("kind:"):])
		case bytes.HasPrefix(line, []byte("apiVersion:")):
			doc.versions++
			doc.apiVersion = scalarText(line[len("apiVersion:"):])
		}
		at = end + 1
	}
	flush(len(data))
	if out == nil {
		return data
	}
	return append(out, data[copied:]...)
}

// documentHead is what blankUncheckedDocuments learns of one document.
type documentHead struct {
	start            int
	kinds, versions  int
	kind, apiVersion string
}

func (d documentHead) unchecked() bool {
	return d.kinds == 1 && d.versions == 1 && uncheckedDocuments[[2]string{d.apiVersion, d.kind}]
}

// isDocumentStart matches "---" alone or followed by white space (and perhaps content).
func isDocumentStart(line []byte) bool {
	return bytes.HasPrefix(line, []byte("---")) && (len(line) == 3 || line[3] == ' ' || line[3] == '\t')
}

// scalarText reads a plain or quoted one-word value; anything else yields "", which never
// matches uncheckedDocuments.
func scalarText(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	if bytes.ContainsAny(v, " \t#{}[]&*!|>") {
		return ""
	}
	return string(v)
}
